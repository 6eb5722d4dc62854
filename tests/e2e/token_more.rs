//! Auto-lock and search in a real browser (issue 20 item 6): a list under a passphrase locks
//! after the idle time chosen (saved with the list) and on "lock now"; a search field filters
//! a list of more than five tokens.

use std::time::Duration;

use fantoccini::Locator;

use crate::harness::Browser;
use crate::token::{
    click, open_details, open_ready, ready, script, selector, set_passphrase, type_into,
};

const WAIT: Duration = Duration::from_secs(20);
const PASSPHRASE: &str = "correct horse battery";

/// Moves the page's clock (`Date.now`, which the page reads for every second it draws) by
/// `seconds` from the real time, as if that much time had passed without a press.
async fn shift_clock(browser: &Browser, seconds: i64) {
    browser
        .client
        .execute(
            "window.realNow = window.realNow || Date.now.bind(Date);\
             const shift = arguments[0] * 1000; Date.now = () => window.realNow() + shift;",
            vec![seconds.into()],
        )
        .await
        .expect("shift the page's clock");
}

async fn is_hidden(browser: &Browser, testid: &str) -> bool {
    let value = script(
        browser,
        &format!(
            "return document.querySelector('{}').hidden;",
            selector(testid)
        ),
    )
    .await;
    value == serde_json::Value::Bool(true)
}

/// The auto-lock select.
async fn autolock(browser: &Browser) -> fantoccini::elements::Element {
    browser
        .client
        .find(Locator::Css(&selector("token-autolock")))
        .await
        .expect("the auto-lock select")
}

async fn unlock(browser: &Browser, token_id: &str) {
    type_into(browser, "token-unlock-input", PASSPHRASE).await;
    click(browser, "token-unlock").await;
    browser.wait_text("token-id", WAIT, |t| t == token_id).await;
    ready(browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_under_a_passphrase_locks_after_the_idle_time_chosen_and_on_request() {
    let browser = open_ready().await;
    let token_id = browser.text("token-id").await;
    open_details(&browser, "ProtectionTitle").await;
    assert!(
        is_hidden(&browser, "token-autolock-box").await,
        "no passphrase yet"
    );
    assert!(is_hidden(&browser, "token-lock-now").await);
    type_into(&browser, "token-pass-input", PASSPHRASE).await;
    set_passphrase(&browser).await;
    ready(&browser).await;
    assert!(!is_hidden(&browser, "token-autolock-box").await);
    let chosen = autolock(&browser).await.prop("value").await.unwrap();
    assert_eq!(chosen.as_deref(), Some("5"), "five minutes by default");
    autolock(&browser)
        .await
        .select_by_value("1")
        .await
        .expect("choose one minute");
    browser
        .wait_text("token-message", WAIT, |m| {
            m.contains("自動ロックまでの時間を保存しました")
        })
        .await;
    ready(&browser).await;

    // 50 idle seconds: still open. 61: locked, the code gone, the unlock form shown.
    shift_clock(&browser, 50).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        is_hidden(&browser, "token-lock").await,
        "open before the time"
    );
    assert_ne!(browser.text("token-code").await, "");
    shift_clock(&browser, 61).await;
    browser
        .wait_text("token-message", WAIT, |m| {
            m.contains("しばらく操作がなかったため")
        })
        .await;
    browser
        .wait_text("token-lock", WAIT, |t| t.contains("パスフレーズで保護"))
        .await;
    assert_eq!(browser.text("token-code").await, "", "no code while locked");
    assert!(is_hidden(&browser, "token-face").await);
    browser.screenshot("token-autolocked").await;

    // Unlocked, the list is whole and its setting kept (after a reload too).
    unlock(&browser, &token_id).await;
    browser.client.refresh().await.expect("reload");
    browser
        .wait_text("token-lock", WAIT, |t| t.contains("パスフレーズで保護"))
        .await;
    ready(&browser).await;
    unlock(&browser, &token_id).await;
    open_details(&browser, "ProtectionTitle").await;
    let chosen = autolock(&browser).await.prop("value").await.unwrap();
    assert_eq!(chosen.as_deref(), Some("1"), "saved with the list");

    // "Lock now" locks at once.
    assert!(!is_hidden(&browser, "token-lock-now").await);
    click(&browser, "token-lock-now").await;
    browser
        .wait_text("token-message", WAIT, |m| {
            m.contains("トークンをロックしました")
        })
        .await;
    browser
        .wait_text("token-lock", WAIT, |t| t.contains("パスフレーズで保護"))
        .await;
    assert_eq!(browser.text("token-code").await, "");
    unlock(&browser, &token_id).await;
    browser.close().await;
}

/// Percent-encodes a label for a Key URI.
fn uri(issuer: &str, account: &str, secret: &str) -> String {
    let label = webtoken_engine::address::percent_encode(issuer);
    format!("otpauth://totp/{label}:{account}?secret={secret}")
}

async fn listed(browser: &Browser) -> Vec<String> {
    let value = script(
        browser,
        "return [...document.querySelectorAll('[data-testid=\"token-list\"] button')].map(b => b.textContent);",
    )
    .await;
    serde_json::from_value(value).expect("a list of labels")
}

/// Waits until the list shows `expected` (the page handles a keystroke a moment later).
async fn wait_listed(browser: &Browser, expected: &[&str]) {
    let started = std::time::Instant::now();
    loop {
        let shown = listed(browser).await;
        if shown == expected {
            return;
        }
        assert!(
            started.elapsed() < WAIT,
            "listed {shown:?}, not {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn import(browser: &Browser, text: &str) {
    type_into(browser, "token-import-input", text).await;
    click(browser, "token-import").await;
    browser
        .wait_text("token-message", WAIT, |m| m.contains("読み込み"))
        .await;
    ready(browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_field_filters_a_list_of_more_than_five_tokens() {
    let browser = open_ready().await;
    open_details(&browser, "ImportTitle").await;
    // A first visit holds two tokens; three more make five: no search yet.
    let three = [
        uri("Mail", "alice", "JBSWY3DPEHPK3PXA"),
        uri("みなと信金", "taro", "JBSWY3DPEHPK3PXB"),
        uri("Cloud", "bob", "JBSWY3DPEHPK3PXC"),
    ]
    .join(" ");
    import(&browser, &three).await;
    assert_eq!(listed(&browser).await.len(), 5);
    assert!(is_hidden(&browser, "token-search-box").await);
    import(&browser, &uri("Shop", "carol", "JBSWY3DPEHPK3PXD")).await;
    assert_eq!(listed(&browser).await.len(), 6);
    assert!(!is_hidden(&browser, "token-search-box").await);

    let all = listed(&browser).await;
    type_into(&browser, "token-search", "MAIL").await;
    wait_listed(&browser, &["Mail"]).await;
    type_into(&browser, "token-search", "ミナト").await;
    wait_listed(&browser, &["みなと信金"]).await;
    type_into(&browser, "token-search", "bob").await;
    wait_listed(&browser, &["Cloud"]).await;
    browser.screenshot("token-search").await;
    // Emptied key by key, the whole list again.
    browser
        .client
        .find(Locator::Css(&selector("token-search")))
        .await
        .unwrap()
        .send_keys("\u{E003}\u{E003}\u{E003}")
        .await
        .unwrap();
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    wait_listed(&browser, &all).await;
    browser.close().await;
}

/// The clipboard's text, or `ERR: ...` when the browser refuses reading it.
async fn clipboard(browser: &Browser) -> String {
    let value = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             navigator.clipboard.readText().then(done, e => done('ERR: ' + e));",
            vec![],
        )
        .await
        .expect("read the clipboard");
    value.as_str().unwrap_or_default().to_owned()
}

async fn set_clipboard(browser: &Browser, text: &str) {
    browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             navigator.clipboard.writeText(arguments[0]).then(() => done(true), e => done('' + e));",
            vec![text.into()],
        )
        .await
        .expect("write the clipboard");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copied_code_is_cleared_from_the_clipboard_after_thirty_seconds_if_still_there() {
    let browser = open_ready().await;
    browser.grant("clipboard-read").await;
    browser.grant("clipboard-write").await;
    click(&browser, "token-copy").await;
    browser
        .wait_text("token-message", WAIT, |m| m.contains("コピーしました"))
        .await;
    let copied = clipboard(&browser).await;
    assert_eq!(copied.len(), 6, "{copied:?}");
    assert!(copied.bytes().all(|b| b.is_ascii_digit()), "{copied:?}");
    // 25 seconds on: still there. 31: emptied.
    shift_clock(&browser, 25).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(clipboard(&browser).await, copied);
    shift_clock(&browser, 31).await;
    let started = std::time::Instant::now();
    while !clipboard(&browser).await.is_empty() {
        assert!(
            started.elapsed() < WAIT,
            "the copied code is still in the clipboard"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Something else copied since is left alone.
    click(&browser, "token-copy").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    set_clipboard(&browser, "mine").await;
    shift_clock(&browser, 31 + 40).await;
    tokio::time::sleep(Duration::from_millis(3000)).await;
    assert_eq!(clipboard(&browser).await, "mine");
    browser.close().await;
}
