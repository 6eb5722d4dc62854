//! HOTP tokens in a real browser (issue 20 item 4): imported from `otpauth://hotp/`, the
//! button advances the counter and shows RFC 4226's codes, the counter survives a reload, and
//! the export keeps it.

use std::time::Duration;

use crate::token::{click, exported_uri, open_details, open_ready, ready, script, type_into};

const WAIT: Duration = Duration::from_secs(20);

/// RFC 4226 Appendix D's secret ("12345678901234567890") as an HOTP Key URI at counter 0.
const RFC_HOTP: &str = "otpauth://hotp/RFC%204226:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=RFC%204226&counter=0";
/// RFC 4226 Appendix D's HOTP values for counters 0 to 9.
const RFC4226: [&str; 10] = [
    "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
    "520489",
];

fn grouped(code: &str) -> String {
    format!("{} {}", &code[..3], &code[3..])
}

/// Whether the element is hidden (its own `hidden` attribute).
async fn hidden(browser: &crate::harness::Browser, testid: &str) -> bool {
    let value = script(
        browser,
        &format!("return document.querySelector('[data-testid=\"{testid}\"]').hidden;"),
    )
    .await;
    value == serde_json::Value::Bool(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_hotp_token_shows_rfc_4226_codes_as_its_button_advances_and_keeps_its_counter() {
    let browser = open_ready().await;
    open_details(&browser, "ImportTitle").await;
    type_into(&browser, "token-import-input", RFC_HOTP).await;
    click(&browser, "token-import").await;
    browser.wait_text("token-id", WAIT, |t| t == "alice").await;
    ready(&browser).await;
    browser
        .wait_text("token-code", WAIT, |c| c == grouped(RFC4226[0]))
        .await;
    assert_eq!(browser.text("token-counter").await, "0");
    assert!(
        !hidden(&browser, "token-hotp").await,
        "the counter is shown"
    );
    assert!(hidden(&browser, "token-countdown").await, "no countdown");
    assert_eq!(browser.text("token-next").await, "", "no next code");
    for (counter, code) in RFC4226.iter().enumerate().skip(1) {
        click(&browser, "token-hotp-next").await;
        browser
            .wait_text("token-code", WAIT, |c| c == grouped(code))
            .await;
        assert_eq!(browser.text("token-counter").await, counter.to_string());
        ready(&browser).await;
    }
    browser.screenshot("token-hotp").await;

    // The counter was saved before each code showed: a reload shows the last one.
    browser.client.refresh().await.expect("reload");
    browser.wait_text("token-id", WAIT, |t| t == "alice").await;
    ready(&browser).await;
    browser
        .wait_text("token-code", WAIT, |c| c == grouped(RFC4226[9]))
        .await;
    assert_eq!(browser.text("token-counter").await, "9");

    // The export (URI and QR code) carries the counter.
    let uri = exported_uri(&browser).await;
    assert!(uri.starts_with("otpauth://hotp/RFC%204226:alice?"), "{uri}");
    assert!(uri.ends_with("&counter=9"), "{uri}");
    browser.close().await;
}
