//! The token panel in a real browser: a token kept across reloads with the engine's code,
//! otpauth import and export, labels as text, several tokens, deletion, tampered storage.

use std::time::Duration;

use fantoccini::Locator;
use webtoken_engine::{Algorithm, Params, Secret, totp};
use webtoken_token::otpauth::KeyUri;

use crate::harness::{Browser, is_grouped_code, is_grouped_token_id};

const WAIT: Duration = Duration::from_secs(20);

/// RFC 6238 Appendix B's SHA-1 secret ("12345678901234567890"), as a Key URI.
pub(crate) const KNOWN_URI: &str = "otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example";
/// The Key URI Format's own example (SHA-1, 6 digits, 30 s).
const DOC_URI: &str = "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";

pub(crate) fn selector(testid: &str) -> String {
    format!("[data-testid=\"{testid}\"]")
}

pub(crate) async fn click(browser: &Browser, testid: &str) {
    browser
        .client
        .find(Locator::Css(&selector(testid)))
        .await
        .unwrap_or_else(|e| panic!("no [data-testid={testid}]: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click [data-testid={testid}]: {e}"));
}

pub(crate) async fn type_into(browser: &Browser, testid: &str, text: &str) {
    let el = browser
        .client
        .find(Locator::Css(&selector(testid)))
        .await
        .unwrap_or_else(|e| panic!("no [data-testid={testid}]: {e}"));
    el.clear().await.expect("clear the field");
    el.send_keys(text).await.expect("type into the field");
}

/// Opens a `<details>` section by its summary text's key.
pub(crate) async fn open_details(browser: &Browser, key: &str) {
    browser
        .client
        .execute(
            "document.querySelector('summary[data-t=\"' + arguments[0] + '\"]').parentElement.open = true;",
            vec![key.into()],
        )
        .await
        .expect("open the section");
}

pub(crate) async fn script(browser: &Browser, code: &str) -> serde_json::Value {
    browser
        .client
        .execute(code, vec![])
        .await
        .unwrap_or_else(|e| panic!("run {code}: {e}"))
}

/// The page in a new browser, with the first token shown and the panel ready.
pub(crate) async fn open_ready() -> Browser {
    let browser = Browser::start().await;
    browser.open("/").await;
    browser
        .wait_text("token-id", WAIT, is_grouped_token_id)
        .await;
    ready(&browser).await;
    browser
}

/// Presses "get a token" and waits until the new token is shown and the panel is ready.
pub(crate) async fn get_token(browser: &Browser) {
    click(browser, "token-new").await;
    browser
        .wait_text("token-id", WAIT, is_grouped_token_id)
        .await;
    ready(browser).await;
}

/// Presses the button that sets the passphrase typed, waits for the panel to say it is set, and
/// checks that the stored list is sealed under a passphrase key (PBKDF2 at 600,000).
pub(crate) async fn set_passphrase(browser: &Browser) {
    click(browser, "token-pass-set").await;
    browser
        .wait_text("token-message", WAIT, |m| {
            m.contains("パスフレーズを設定しました")
        })
        .await;
    let stored = script(
        browser,
        "return localStorage.getItem('webtoken.token.wallet');",
    )
    .await;
    assert!(
        stored.as_str().unwrap().contains(".pbkdf2-sha256.600000."),
        "{stored}"
    );
}

/// Waits until the panel has finished its start-up (the "get a token" button is enabled).
pub(crate) async fn ready(browser: &Browser) {
    let started = std::time::Instant::now();
    loop {
        let idle = script(
            browser,
            "return !document.querySelector('[data-testid=\"token-new\"]').disabled;",
        )
        .await;
        if idle == serde_json::Value::Bool(true) {
            return;
        }
        assert!(
            started.elapsed() < WAIT,
            "the token panel never became ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The code the engine computes for `key` around the browser's clock: the code shown must be
/// one of these (the readings are a moment apart).
pub(crate) async fn expected_codes(
    browser: &Browser,
    secret: &Secret,
    params: &Params,
) -> Vec<String> {
    let now = browser.now_seconds().await;
    [now.saturating_sub(1), now, now + 1]
        .iter()
        .map(|&t| {
            let code = totp(secret, t, params).expect("valid parameters");
            format!("{} {}", &code[..3], &code[3..])
        })
        .collect()
}

pub(crate) async fn shown_code_matches(browser: &Browser, secret: &Secret, params: &Params) {
    let before = expected_codes(browser, secret, params).await;
    let shown = browser.text("token-code").await;
    let after = expected_codes(browser, secret, params).await;
    assert!(
        before.contains(&shown) || after.contains(&shown),
        "shown {shown:?}, engine says {before:?} / {after:?}"
    );
}

/// Reads the active token's otpauth URI through the export (after the warning).
pub(crate) async fn exported_uri(browser: &Browser) -> String {
    open_details(browser, "ManageTitle").await;
    click(browser, "token-export").await;
    let warning = browser.text("token-export-warning").await;
    assert!(
        warning.contains("秘密鍵"),
        "a warning comes first: {warning:?}"
    );
    assert_eq!(
        browser.text("token-export-uri").await,
        "",
        "nothing shown before the press"
    );
    click(browser, "token-export-show").await;
    let uri = browser
        .wait_text("token-export-uri", WAIT, |t| t.starts_with("otpauth://"))
        .await;
    let src = script(
        browser,
        "return document.querySelector('[data-testid=\"token-export-qr\"]').getAttribute('src');",
    )
    .await;
    assert!(
        src.as_str()
            .is_some_and(|s| s.starts_with("data:image/svg+xml,")),
        "the QR code is our SVG as an image: {src:?}"
    );
    let mut loaded = serde_json::Value::Null;
    for _ in 0..50 {
        loaded = script(
            browser,
            "const i = document.querySelector('[data-testid=\"token-export-qr\"]'); return i.complete && i.naturalWidth > 0;",
        )
        .await;
        if loaded == serde_json::Value::Bool(true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        loaded,
        serde_json::Value::Bool(true),
        "the QR image renders"
    );
    browser.screenshot("token-export").await;
    click(browser, "token-export-hide").await;
    assert_eq!(browser.text("token-export-uri").await, "", "hidden again");
    let images = script(
        browser,
        "return document.querySelectorAll('[data-testid=\"token-panel\"] img').length;",
    )
    .await;
    assert_eq!(images, serde_json::json!(0), "the QR image is gone");
    uri
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_kept_across_reloads_and_shows_the_engines_code() {
    // A first visit gets a token from the in-page token service.
    let browser = open_ready().await;
    let token_id = browser.text("token-id").await;
    let storage = browser.text("token-storage").await;
    assert!(storage.contains("暗号化して保存"), "saved: {storage:?}");
    // Nothing in localStorage is in clear: no Token ID, no secret, only the envelope.
    let stored = script(
        &browser,
        "return localStorage.getItem('webtoken.token.wallet');",
    )
    .await;
    let stored = stored.as_str().expect("the token is stored").to_owned();
    assert!(
        stored.starts_with("webtoken-vault.1.A256GCM.device."),
        "{stored}"
    );
    assert!(!stored.contains(&token_id.replace(' ', "")));
    let uri = exported_uri(&browser).await;
    let key = KeyUri::parse(&uri).expect("the export is a valid Key URI");
    assert_eq!(key.account, token_id.replace(' ', ""));
    assert!(!stored.contains(&key.secret.to_base32()));
    let service = script(
        &browser,
        "return localStorage.getItem('webtoken.service.records');",
    )
    .await;
    let service = service
        .as_str()
        .expect("the service keeps its records")
        .to_owned();
    assert!(service.starts_with("webtoken-vault.1.A256GCM.device."));
    assert!(!service.contains(&key.secret.to_base32()));
    shown_code_matches(&browser, &key.secret, &key.params).await;

    browser.client.refresh().await.expect("reload");
    let again = browser
        .wait_text("token-id", WAIT, is_grouped_token_id)
        .await;
    assert_eq!(again, token_id, "the same token after a reload");
    browser.wait_text("token-code", WAIT, is_grouped_code).await;
    shown_code_matches(&browser, &key.secret, &key.params).await;
    let remaining: u64 = browser
        .text("token-remaining")
        .await
        .parse()
        .expect("seconds");
    assert!((1..=30).contains(&remaining));
    let next = browser.text("token-next").await;
    assert!(is_grouped_code(&next), "next code preview: {next:?}");
    open_details(&browser, "ProtectionTitle").await;
    let persist = browser
        .wait_text("token-persist", WAIT, |t| !t.is_empty())
        .await;
    assert!(
        persist.starts_with("永続ストレージ"),
        "persist() was asked: {persist:?}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_uri_shows_the_expected_code_and_bad_uris_say_why() {
    let browser = open_ready().await;

    open_details(&browser, "ImportTitle").await;
    type_into(
        &browser,
        "token-import-input",
        "otpauth://hotp/x:y?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    )
    .await;
    click(&browser, "token-import").await;
    let message = browser
        .wait_text("token-message", WAIT, |m| !m.is_empty())
        .await;
    assert!(message.contains("カウンター方式(hotp)"), "{message:?}");
    type_into(
        &browser,
        "token-import-input",
        "otpauth://totp/x:y?secret=GEZDGNBVGY3TQOI",
    )
    .await;
    click(&browser, "token-import").await;
    let message = browser
        .wait_text("token-message", WAIT, |m| m.contains("短すぎ"))
        .await;
    assert!(message.contains("80ビット"), "{message:?}");

    type_into(&browser, "token-import-input", KNOWN_URI).await;
    click(&browser, "token-import").await;
    browser
        .wait_text("token-id", WAIT, |t| t == "alice@example.com")
        .await;
    assert_eq!(browser.text("token-label").await, "Example");
    assert_eq!(browser.text("token-id-caption").await, "アカウント");
    let secret = Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap();
    shown_code_matches(&browser, &secret, &Params::default()).await;

    // The documentation's example, and the list now has three tokens.
    type_into(&browser, "token-import-input", DOC_URI).await;
    click(&browser, "token-import").await;
    browser
        .wait_text("token-id", WAIT, |t| t == "john.doe@email.com")
        .await;
    let doc_secret = Secret::from_base32("HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ").unwrap();
    let params = Params {
        algorithm: Algorithm::Sha1,
        ..Params::default()
    };
    shown_code_matches(&browser, &doc_secret, &params).await;
    let items = script(
        &browser,
        "return [...document.querySelectorAll('[data-testid=\"token-list\"] button')].map(b => b.textContent);",
    )
    .await;
    let items: Vec<String> = serde_json::from_value(items).unwrap();
    // The first token, the demo staff token, then the two imported.
    assert_eq!(items.len(), 4, "{items:?}");
    assert_eq!(items[1], webtoken_bank::staff::DEMO_STAFF_TOKEN_LABEL);
    assert_eq!(items[2..], ["Example".to_owned(), "ACME Co".to_owned()]);

    // The same URI twice is refused.
    type_into(&browser, "token-import-input", DOC_URI).await;
    click(&browser, "token-import").await;
    browser
        .wait_text("token-message", WAIT, |m| m.contains("すでに登録"))
        .await;

    // Choose the imported RFC token again from the list; its code survives a reload.
    browser
        .client
        .find(Locator::XPath(
            "//ul[@data-testid='token-list']//button[text()='Example']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_text("token-id", WAIT, |t| t == "alice@example.com")
        .await;
    browser.client.refresh().await.unwrap();
    browser
        .wait_text("token-id", WAIT, |t| t == "alice@example.com")
        .await;
    browser.wait_text("token-code", WAIT, is_grouped_code).await;
    shown_code_matches(&browser, &secret, &Params::default()).await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_are_text_and_tokens_are_deleted_only_after_confirmation() {
    let browser = open_ready().await;
    // A second token from the service.
    let first = browser.text("token-id").await;
    click(&browser, "token-new").await;
    let second = browser
        .wait_text("token-id", WAIT, |t| is_grouped_token_id(t) && t != first)
        .await;
    ready(&browser).await;

    let evil = "<img src=x onerror=alert(1)>";
    open_details(&browser, "ManageTitle").await;
    type_into(&browser, "token-rename-input", evil).await;
    click(&browser, "token-rename").await;
    browser.wait_text("token-label", WAIT, |t| t == evil).await;
    let list = script(
        &browser,
        "return [...document.querySelectorAll('[data-testid=\"token-list\"] button')].map(b => b.textContent);",
    )
    .await;
    assert!(
        list.to_string().contains("<img src=x onerror=alert(1)>"),
        "{list}"
    );
    let images = script(
        &browser,
        "return document.querySelectorAll('[data-testid=\"token-panel\"] img').length;",
    )
    .await;
    assert_eq!(images, serde_json::json!(0), "the label made no element");
    assert!(
        browser.client.get_alert_text().await.is_err(),
        "no alert ran"
    );
    browser.screenshot("token-label-1280").await;

    // Survives a reload as text too.
    browser.client.refresh().await.unwrap();
    browser.wait_text("token-label", WAIT, |t| t == evil).await;
    ready(&browser).await;
    assert!(browser.client.get_alert_text().await.is_err());

    // Delete asks first; "cancel" keeps the token.
    open_details(&browser, "ManageTitle").await;
    click(&browser, "token-delete").await;
    let confirm = browser.text("token-delete-confirm").await;
    assert!(confirm.contains("削除しますか"), "{confirm:?}");
    click(&browser, "token-delete-no").await;
    assert_eq!(browser.text("token-id").await, second);
    click(&browser, "token-delete").await;
    click(&browser, "token-delete-yes").await;
    browser.wait_text("token-id", WAIT, |t| t == first).await;
    browser
        .wait_text("token-message", WAIT, |m| m.contains("削除しました"))
        .await;

    // The bank's language toggle switches the token panel too.
    click(&browser, "bank-lang").await;
    browser
        .wait_text("token-id-caption", WAIT, |t| t == "Token ID")
        .await;
    let title = script(
        &browser,
        "return document.getElementById('token-title').textContent;",
    )
    .await;
    assert_eq!(title, serde_json::json!("Software token"));
    browser.screenshot("token-english").await;
    click(&browser, "bank-lang").await;
    browser
        .wait_text("token-id-caption", WAIT, |t| t == "トークンID")
        .await;

    // A phone-sized window.
    browser
        .client
        .set_window_size(360, 780)
        .await
        .expect("resize the window");
    let overflow = script(
        &browser,
        "return document.documentElement.scrollWidth > window.innerWidth;",
    )
    .await;
    assert_eq!(
        overflow,
        serde_json::Value::Bool(false),
        "no sideways scrolling at 360 px"
    );
    browser.screenshot("token-360").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_record_fails_closed_and_is_kept_until_the_customer_deletes_it() {
    let browser = open_ready().await;
    // Flip one character of the ciphertext.
    let tampered = script(
        &browser,
        "const k = 'webtoken.token.wallet'; const v = localStorage.getItem(k); \
         const i = v.length - 5; const c = v[i] === 'A' ? 'B' : 'A'; \
         const t = v.slice(0, i) + c + v.slice(i + 1); localStorage.setItem(k, t); return t;",
    )
    .await;
    browser.client.refresh().await.unwrap();
    let storage = browser
        .wait_text("token-storage", WAIT, |t| t.contains("改ざん"))
        .await;
    assert!(storage.contains("そのまま残して"), "{storage:?}");
    ready(&browser).await;
    assert_eq!(
        browser.text("token-code").await,
        "",
        "no code from damaged data"
    );
    browser.screenshot("token-tampered").await;
    // Getting a token now works in memory, and the damaged record is not overwritten.
    get_token(&browser).await;
    let stored = script(
        &browser,
        "return localStorage.getItem('webtoken.token.wallet');",
    )
    .await;
    assert_eq!(
        stored, tampered,
        "unreadable data is never overwritten automatically"
    );
    // The customer decides to delete it: the in-memory token is then saved.
    click(&browser, "token-discard").await;
    click(&browser, "token-discard-yes").await;
    browser
        .wait_text("token-message", WAIT, |m| m.contains("削除しました"))
        .await;
    let token_id = browser.text("token-id").await;
    browser.client.refresh().await.unwrap();
    browser.wait_text("token-id", WAIT, |t| t == token_id).await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passphrase_is_asked_for_after_a_reload() {
    let browser = open_ready().await;
    let token_id = browser.text("token-id").await;
    open_details(&browser, "ProtectionTitle").await;
    type_into(&browser, "token-pass-input", "short").await;
    click(&browser, "token-pass-set").await;
    browser
        .wait_text("token-message", WAIT, |m| m.contains("8文字以上"))
        .await;
    type_into(&browser, "token-pass-input", "correct horse battery").await;
    set_passphrase(&browser).await;

    browser.client.refresh().await.unwrap();
    browser
        .wait_text("token-lock", WAIT, |t| t.contains("パスフレーズで保護"))
        .await;
    ready(&browser).await;
    assert_eq!(browser.text("token-code").await, "", "no code while locked");
    browser.screenshot("token-locked").await;
    type_into(&browser, "token-unlock-input", "wrong horse battery").await;
    click(&browser, "token-unlock").await;
    browser
        .wait_text("token-message", WAIT, |m| m.contains("パスフレーズが違う"))
        .await;
    type_into(&browser, "token-unlock-input", "correct horse battery").await;
    click(&browser, "token-unlock").await;
    browser.wait_text("token-id", WAIT, |t| t == token_id).await;
    browser.wait_text("token-code", WAIT, is_grouped_code).await;
    browser.close().await;
}

/// While the panel is busy nothing else starts, and nothing the customer typed is lost. A new
/// token's code shows while the token is still being saved: a passphrase typed and submitted
/// (button and Enter) the moment the new Token ID is drawn meets a disabled button and is
/// still in its field once the panel is ready, and setting it then works; an `otpauth://` URI
/// submitted with Enter at the same moment is not imported and stays in its field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_press_while_a_new_token_is_saved_waits_and_loses_nothing() {
    let browser = open_ready().await;
    open_details(&browser, "ProtectionTitle").await;
    let before = browser.text("token-id").await;
    // In the page, so that nothing runs in between: press "get a token", and the moment the
    // new Token ID is drawn (a MutationObserver, before the page's next task), type a
    // passphrase and press its button, and submit a URI with Enter; the answer says whether
    // the panel was still busy and the button disabled then.
    let seen = browser
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            const id = document.querySelector('[data-testid="token-id"]');
            const before = id.textContent;
            new MutationObserver((_, observer) => {
              if (id.textContent === before || !id.textContent.trim()) return;
              observer.disconnect();
              const busy = document.querySelector('[data-testid="token-new"]').disabled;
              const input = document.querySelector('[data-testid="token-pass-input"]');
              const set = document.querySelector('[data-testid="token-pass-set"]');
              input.value = 'correct horse battery';
              set.click();
              const uri = document.querySelector('[data-testid="token-import-input"]');
              uri.value = 'otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example';
              uri.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
              const list = [...document.querySelectorAll('[data-testid="token-list"] button')];
              done([busy, set.disabled, list.length, list.every((button) => button.disabled)]);
            }).observe(id, {childList: true, characterData: true, subtree: true});
            document.querySelector('[data-testid="token-new"]').click();"#,
            vec![],
        )
        .await
        .expect("press, then set a passphrase");
    assert_eq!(
        seen,
        serde_json::json!([true, true, 3, true]),
        "the new token was drawn while it was being saved, with the buttons that start work \
         disabled, the two tokens of the list among them"
    );
    ready(&browser).await;
    assert_ne!(
        browser.text("token-id").await,
        before,
        "the new token is kept"
    );
    let typed = script(
        &browser,
        "return document.querySelector('[data-testid=\"token-pass-input\"]').value;",
    )
    .await;
    assert_eq!(
        typed, "correct horse battery",
        "the passphrase is still there"
    );
    let uri = script(
        &browser,
        "return document.querySelector('[data-testid=\"token-import-input\"]').value;",
    )
    .await;
    assert!(
        uri.as_str().unwrap().starts_with("otpauth://totp/Example:"),
        "the URI is still there: {uri}"
    );
    let listed = script(
        &browser,
        "return document.querySelectorAll('[data-testid=\"token-list\"] button').length;",
    )
    .await;
    assert_eq!(
        listed, 3,
        "the first token, the demo staff token and the new one; nothing imported"
    );
    let enabled = script(
        &browser,
        "return [...document.querySelectorAll('[data-testid=\"token-list\"] button')]\
         .every((button) => !button.disabled);",
    )
    .await;
    assert_eq!(
        enabled, true,
        "once ready, the list's tokens can be chosen again"
    );
    set_passphrase(&browser).await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tabs_see_each_others_tokens() {
    let browser = open_ready().await;
    let first = browser.client.window().await.unwrap();
    let second = browser.client.new_window(true).await.unwrap().handle;
    browser.client.switch_to_window(second).await.unwrap();
    browser.open("/").await;
    browser
        .wait_text("token-id", WAIT, is_grouped_token_id)
        .await;
    ready(&browser).await;
    open_details(&browser, "ImportTitle").await;
    type_into(&browser, "token-import-input", KNOWN_URI).await;
    click(&browser, "token-import").await;
    browser
        .wait_text("token-id", WAIT, |t| t == "alice@example.com")
        .await;
    ready(&browser).await;

    // The first tab hears the `storage` event and shows the new list.
    browser.client.switch_to_window(first).await.unwrap();
    browser
        .wait_text("token-message", WAIT, |m| m.contains("別のタブ"))
        .await;
    browser
        .wait_text("token-id", WAIT, |t| t == "alice@example.com")
        .await;
    // A change here keeps the other tab's token.
    get_token(&browser).await;
    let items = script(
        &browser,
        "return document.querySelectorAll('[data-testid=\"token-list\"] button').length;",
    )
    .await;
    assert_eq!(items, serde_json::json!(4), "with the demo staff token");
    browser.close().await;
}
