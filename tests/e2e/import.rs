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

/// RFC 6238's SHA-1 seed ("12345678901234567890") and the Key URI documentation's 80-bit one.
const SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SHORT: &str = "JBSWY3DPEHPK3PXP";

/// A Google Authenticator export link of one batch with two TOTP accounts (SHA-1, 6 digits),
/// made from the documented `MigrationPayload`: `Example:alice@example.com` (issuer Example,
/// secret [`SEED`]) and `bob@example.com` (issuer Other, secret [`SHORT`]); version 1, batch 0
/// of 1, batch id 4242.
const GOOGLE_LINK: &str = "otpauth-migration://offline?data=CkIKFDEyMzQ1Njc4OTAxMjM0NTY3ODkwEhlFeGFtcGxlOmFsaWNlQGV4YW1wbGUuY29tGgdFeGFtcGxlIAEoATACOAAKLAoKSGVsbG8h3q2%2B7xIPYm9iQGV4YW1wbGUuY29tGgVPdGhlciABKAEwAjgAEAEYASAAKJIh";

/// Makes the token labelled `label` the active one, through the list.
pub(crate) async fn select(browser: &crate::harness::Browser, label: &str) {
    let clicked = crate::token::script(
        browser,
        &format!(
            "const b = [...document.querySelectorAll('[data-testid=\"token-list\"] button')]\
             .find(b => b.textContent === {label:?}); if (b) {{ b.click(); }} return !!b;"
        ),
    )
    .await;
    assert_eq!(clicked, serde_json::Value::Bool(true), "no token {label:?}");
    browser.wait_text("token-label", WAIT, |t| t == label).await;
    ready(browser).await;
}

/// Waits for the import's report and returns its lines.
async fn report(browser: &crate::harness::Browser) -> Vec<String> {
    let text = browser
        .wait_text("token-message", WAIT, |m| m.contains("件中"))
        .await;
    text.lines().map(str::to_owned).collect()
}

/// Chooses a file holding `contents` in the import's file input.
async fn choose_file(browser: &crate::harness::Browser, name: &str, contents: &str) {
    let dir = std::env::temp_dir().join(format!("webtoken-e2e-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write the export file");
    let input = browser
        .client
        .find(fantoccini::Locator::Css(
            "[data-testid=\"token-import-file\"]",
        ))
        .await
        .expect("the file input");
    input
        .send_keys(path.to_str().expect("a UTF-8 path"))
        .await
        .expect("choose the file");
}

/// A fresh page that imports `contents` as the file `name`: the page and the report's lines.
async fn import_file(name: &str, contents: &str) -> (crate::harness::Browser, Vec<String>) {
    let browser = open_ready().await;
    open_details(&browser, "ImportTitle").await;
    choose_file(&browser, name, contents).await;
    let lines = report(&browser).await;
    ready(&browser).await;
    (browser, lines)
}

/// Checks the codes of the tokens labelled `label` with `secret` (SHA-1, 6 digits, 30 s).
async fn code_of(browser: &crate::harness::Browser, label: &str, secret: &str) {
    select(browser, label).await;
    let secret = Secret::from_base32(secret).unwrap();
    shown_code_matches(browser, &secret, &Params::default()).await;
}

/// A Google export link with two accounts imports both, each with RFC 6238's codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_google_export_link_with_two_accounts_imports_both() {
    let browser = open_ready().await;
    open_details(&browser, "ImportTitle").await;
    type_into(&browser, "token-import-input", GOOGLE_LINK).await;
    crate::token::click(&browser, "token-import").await;
    let lines = report(&browser).await;
    assert_eq!(lines[0], "2件中2件を読み込みました:", "{lines:?}");
    assert_eq!(lines[1], "✓ Example (alice@example.com)");
    assert!(
        lines[2].starts_with("✓ Other (bob@example.com)"),
        "{lines:?}"
    );
    ready(&browser).await;
    code_of(&browser, "Example", SEED).await;
    code_of(&browser, "Other", SHORT).await;
    browser.close().await;
}

/// An Aegis plain export (its `docs/vault.md` format): the TOTP entries import with their
/// codes, the HOTP one too (with its counter); a Steam entry and a bad secret are listed with
/// the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aegis_export_imports_with_a_report_of_the_refused_entries() {
    let aegis = format!(
        r#"{{"version":1,"header":{{"slots":null,"params":null}},"db":{{"version":3,"entries":[
{{"type":"totp","uuid":"a1","name":"alice@example.com","issuer":"Aegis Bank","note":"","favorite":false,"icon":null,"info":{{"secret":"{SEED}","algo":"SHA1","digits":6,"period":30}},"groups":[]}},
{{"type":"hotp","uuid":"a2","name":"h","issuer":"Counter","note":"","icon":null,"info":{{"secret":"{SEED}","algo":"SHA1","digits":6,"counter":0}}}},
{{"type":"steam","uuid":"a3","name":"s","issuer":"Steam","note":"","icon":null,"info":{{"secret":"{SEED}","algo":"SHA1","digits":5,"period":30}}}},
{{"type":"totp","uuid":"a4","name":"b","issuer":"Broken","note":"","icon":null,"info":{{"secret":"{SEED}1","algo":"SHA1","digits":6,"period":30}}}}
]}}}}"#
    );
    let (browser, lines) = import_file("aegis-export-plain.json", &aegis).await;
    assert_eq!(lines[0], "4件中2件を読み込みました:", "{lines:?}");
    assert_eq!(lines[1], "✓ Aegis Bank (alice@example.com)");
    assert_eq!(lines[2], "✓ Counter (h)", "{lines:?}");
    assert!(
        lines[3].starts_with("✗ Steam (s):読み込みませんでした。Steam方式"),
        "{lines:?}"
    );
    assert!(
        lines[4].starts_with("✗ Broken (b):読み込みませんでした。"),
        "{lines:?}"
    );
    code_of(&browser, "Aegis Bank", SEED).await;
    browser.close().await;
}

/// A 2FAS plain backup: TOTP and HOTP services import; one already in the list is listed with
/// the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_twofas_backup_imports_with_a_report_of_the_refused_entries() {
    let twofas = format!(
        r#"{{"services":[
{{"name":"Two Bank","secret":"{SEED}","updatedAt":1704874073731,"otp":{{"label":"Two Bank:alice","account":"alice","issuer":"Two Bank","digits":6,"period":30,"algorithm":"SHA1","tokenType":"TOTP","source":"Link"}},"order":{{"position":0}}}},
{{"name":"Counter","secret":"{SEED}","otp":{{"account":"c","digits":6,"counter":3,"algorithm":"SHA1","tokenType":"HOTP"}},"order":{{"position":1}}}},
{{"name":"Short","secret":"{SHORT}","otp":{{"account":"s","digits":6,"period":30,"algorithm":"SHA1","tokenType":"TOTP"}},"order":{{"position":2}}}},
{{"name":"Two Bank","secret":"{SEED}","otp":{{"account":"alice","issuer":"Two Bank","digits":6,"period":30,"algorithm":"SHA1","tokenType":"TOTP"}},"order":{{"position":3}}}}
],"groups":[],"updatedAt":1704874073731,"schemaVersion":4,"appVersionCode":5000000,"appOrigin":"android"}}"#
    );
    let (browser, lines) = import_file("backup.2fas", &twofas).await;
    assert_eq!(lines[0], "4件中3件を読み込みました:", "{lines:?}");
    assert_eq!(lines[1], "✓ Two Bank (alice)");
    assert_eq!(lines[2], "✓ Counter (c)", "{lines:?}");
    assert!(lines[3].starts_with("✓ Short (s)"), "{lines:?}");
    assert!(
        lines[4].starts_with("✗ Two Bank (alice):読み込みませんでした。"),
        "{lines:?}"
    );
    code_of(&browser, "Two Bank", SEED).await;
    code_of(&browser, "Short", SHORT).await;
    browser.close().await;
}

/// The Authenticator extension's JSON export: TOTP entries import with their codes; a
/// Battle.net entry and an encrypted one are listed with the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extension_export_imports_with_a_report_of_the_refused_entries() {
    let extension = format!(
        r#"{{"5e1f":{{"account":"alice@example.com","encrypted":false,"hash":"5e1f","index":0,"issuer":"Ext Bank","secret":"{SEED}","type":"totp","period":30,"digits":6,"algorithm":"SHA1"}},
"6a2b":{{"account":"gamer","encrypted":false,"hash":"6a2b","index":1,"issuer":"Blizzard","secret":"{SEED}","type":"battle"}},
"7c3d":{{"account":"hidden","encrypted":true,"hash":"7c3d","index":2,"issuer":"Locked","secret":"U2FsdGVkX1+abc","type":"totp"}}}}"#
    );
    let (browser, lines) = import_file("authenticator.json", &extension).await;
    assert_eq!(lines[0], "3件中1件を読み込みました:", "{lines:?}");
    assert_eq!(lines[1], "✓ Ext Bank (alice@example.com)");
    assert!(lines[2].contains("Battle.net方式"), "{lines:?}");
    assert!(lines[3].contains("暗号化されています"), "{lines:?}");
    code_of(&browser, "Ext Bank", SEED).await;
    browser.close().await;
}
