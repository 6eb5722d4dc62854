//! Browser tests (wasm-bindgen-test in headless Chromium): the shell against a real DOM.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Builds the token panel's elements (what `index.html` has) into a fresh container.
fn mount_token_panel() -> web_sys::Element {
    let doc = document();
    if let Some(old) = doc.get_element_by_id("fixture") {
        old.remove();
    }
    let root = doc.create_element("div").unwrap();
    root.set_id("fixture");
    for (tag, id) in [
        ("span", "token-id"),
        ("span", "token-code"),
        ("span", "token-remaining"),
        ("progress", "token-bar"),
        ("span", "token-next"),
        ("p", "status"),
    ] {
        let el = doc.create_element(tag).unwrap();
        el.set_attribute("data-testid", id).unwrap();
        root.append_child(&el).unwrap();
    }
    doc.body().unwrap().append_child(&root).unwrap();
    root
}

fn text(root: &web_sys::Element, id: &str) -> String {
    root.query_selector(&format!("[data-testid=\"{id}\"]"))
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn start_renders_token_id_code_and_remaining() {
    let root = mount_token_panel();
    webtoken::web::start().await.expect("the page starts");
    let id = text(&root, "token-id");
    assert_eq!(id.len(), 14, "grouped Token ID, got {id:?}");
    let code = text(&root, "token-code");
    assert!(
        code.len() == 7 && code.as_bytes()[3] == b' ',
        "grouped code, got {code:?}"
    );
    let remaining: u64 = text(&root, "token-remaining").parse().unwrap();
    let now = (js_sys::Date::now() / 1000.0).floor() as u64;
    let expected = 30 - now % 30;
    let apart = (remaining + 30 - expected) % 30;
    assert!(apart <= 1 || apart == 29, "{remaining} vs {expected}");
    let bar = root
        .query_selector("[data-testid=\"token-bar\"]")
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::HtmlProgressElement>()
        .unwrap();
    assert_eq!(bar.max(), 30.0);
    assert_eq!(text(&root, "status"), "");
}

#[wasm_bindgen_test]
async fn start_reports_a_missing_element() {
    let root = mount_token_panel();
    root.query_selector("[data-testid=\"token-code\"]")
        .unwrap()
        .unwrap()
        .remove();
    let err = webtoken::web::start()
        .await
        .expect_err("the page cannot start without its code element");
    let message = wasm_bindgen::JsValue::from(err)
        .dyn_into::<js_sys::Error>()
        .unwrap()
        .message();
    assert!(
        String::from(message).contains("token-code"),
        "the message names the element"
    );
}

// The bank section: rendered from the bank's view model, driven through real DOM events.

/// The bank view's storage prefix; each bank test clears it first.
const BANK_PREFIX: &str = "webtoken.bank.";

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// Removes every key under [`BANK_PREFIX`].
fn clear_bank_storage() {
    let storage = local_storage();
    let keys: Vec<String> = (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .filter(|k| k.starts_with(BANK_PREFIX))
        .collect();
    for key in keys {
        storage.remove_item(&key).unwrap();
    }
}

/// The token panel's elements and an empty bank section, as `index.html` has them.
fn mount_page() -> web_sys::Element {
    let root = mount_token_panel();
    let bank = document().create_element("section").unwrap();
    bank.set_attribute("data-testid", "bank").unwrap();
    root.append_child(&bank).unwrap();
    root
}

fn find(root: &web_sys::Element, css: &str) -> web_sys::Element {
    root.query_selector(css)
        .unwrap()
        .unwrap_or_else(|| panic!("no element {css}"))
}

fn screen_id(root: &web_sys::Element) -> String {
    find(root, "[data-testid=\"bank-screen\"]")
        .get_attribute("data-screen")
        .unwrap_or_default()
}

/// The bank's input of a field (`contract-id`, `password`, `token-id`, `code`, ...).
fn input(root: &web_sys::Element, field: &str) -> web_sys::HtmlInputElement {
    find(root, &format!("[data-testid=\"bank-{field}\"]"))
        .dyn_into()
        .unwrap()
}

/// Types `value` as the browser reports typing: the value changes, then `input` fires.
fn type_value(input: &web_sys::HtmlInputElement, value: &str) {
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

/// The bank's button (or link) with this text.
fn bank_button(root: &web_sys::Element, label: &str) -> web_sys::HtmlElement {
    let all = root.query_selector_all("[data-testid=\"bank\"] button").unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .map(|n| n.dyn_into::<web_sys::HtmlElement>().unwrap())
        .find(|b| b.text_content().as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no button {label:?}"))
}

/// The shown text of a bank message (empty when hidden).
fn shown(root: &web_sys::Element, testid: &str) -> String {
    let el = find(root, &format!("[data-testid=\"{testid}\"]"));
    if el.has_attribute("hidden") {
        String::new()
    } else {
        el.text_content().unwrap_or_default()
    }
}

/// Lets pending tasks (the token service's answers) run.
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Waits (at most 5 s) until `ok` holds.
async fn until(what: &str, ok: impl Fn() -> bool) {
    for _ in 0..250 {
        if ok() {
            return;
        }
        settle().await;
    }
    panic!("still waiting for {what}");
}

#[wasm_bindgen_test]
async fn bank_renders_the_login_screen_from_its_view() {
    clear_bank_storage();
    let root = mount_page();
    webtoken::web::start().await.expect("the page starts");

    assert_eq!(screen_id(&root), "login");
    assert_eq!(find(&root, "h2").text_content().unwrap(), "ログイン");
    // Every input has a label naming it.
    let labels = root.query_selector_all("[data-testid=\"bank\"] label").unwrap();
    let mut names = Vec::new();
    for i in 0..labels.length() {
        let label: web_sys::Element = labels.item(i).unwrap().dyn_into().unwrap();
        let target = label.get_attribute("for").expect("label for");
        let control = document().get_element_by_id(&target).expect("the labelled input");
        assert_eq!(control.tag_name(), "INPUT");
        names.push(label.text_content().unwrap());
    }
    assert_eq!(names, ["契約者ID(利用者番号)", "ログインパスワード"]);
    assert_eq!(input(&root, "password").type_(), "password");
    assert_eq!(
        input(&root, "contract-id").get_attribute("inputmode").as_deref(),
        Some("numeric")
    );
    assert_eq!(
        bank_button(&root, "ログイン").get_attribute("type").as_deref(),
        Some("submit")
    );
    for link in [
        "ワンタイムパスワードの利用登録はこちら",
        "ワンタイムパスワードの利用停止はこちら",
        "窓口担当者用ページ",
    ] {
        bank_button(&root, link);
    }
    let notes = find(&root, ".bank-notes").text_content().unwrap();
    assert!(notes.contains("英字は大文字と小文字を区別しますので、ご注意ください。"));
    let error = find(&root, "[data-testid=\"bank-error\"]");
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(shown(&root, "bank-error"), "");
    assert_eq!(
        find(&root, "[data-testid=\"bank-lang\"]").text_content().unwrap(),
        "English"
    );
    // The demo bank was seeded and saved; the token panel is unaffected.
    let saved = local_storage()
        .get_item("webtoken.bank.customers")
        .unwrap()
        .expect("the bank is saved");
    assert!(saved.contains("\"1000000001\""), "{saved}");
    assert_eq!(text(&root, "status"), "");
}

#[wasm_bindgen_test]
async fn bank_edit_and_press_show_the_screens_messages() {
    clear_bank_storage();
    let root = mount_page();
    webtoken::web::start().await.expect("the page starts");

    bank_button(&root, "ログイン").click();
    assert_eq!(shown(&root, "bank-error"), "契約者IDを入力してください。");

    let contract = input(&root, "contract-id");
    type_value(&contract, "1000000001");
    bank_button(&root, "ログイン").click();
    assert_eq!(shown(&root, "bank-error"), "ログインパスワードを入力してください。");
    // The screen was updated in place: the input typed into is still the one on show.
    assert!(contract.is_connected());
    assert!(contract.is_same_node(Some(&input(&root, "contract-id"))));

    type_value(&input(&root, "password"), "demo-pass1");
    bank_button(&root, "ログイン").click();
    assert_eq!(
        shown(&root, "bank-error"),
        "契約者IDまたはログインパスワードが正しくありません。ログインパスワードを入力し直してください。"
    );
    assert_eq!(input(&root, "password").value(), "", "the refused password is cleared");
    assert_eq!(input(&root, "contract-id").value(), "1000000001");

    // Typed markup stays text.
    let markup = "<img src=x data-injected=1>";
    type_value(&input(&root, "contract-id"), markup);
    type_value(&input(&root, "password"), "x");
    bank_button(&root, "ログイン").click();
    assert_eq!(input(&root, "contract-id").value(), markup);
    assert!(root.query_selector("img").unwrap().is_none());

    // The right password signs in (no token registered yet).
    type_value(&input(&root, "contract-id"), "1000000001");
    type_value(&input(&root, "password"), "demo-Pass1");
    bank_button(&root, "ログイン").click();
    assert_eq!(screen_id(&root), "signed-in");
    bank_button(&root, "ログアウト").click();
    assert_eq!(shown(&root, "bank-info"), "ログアウトしました。");
}

#[wasm_bindgen_test]
async fn bank_registration_runs_the_code_through_the_token_service() {
    clear_bank_storage();
    let root = mount_page();
    webtoken::web::start().await.expect("the page starts");

    bank_button(&root, "ワンタイムパスワードの利用登録はこちら").click();
    assert_eq!(screen_id(&root), "registration-credentials");
    let current = find(&root, "[aria-current=\"step\"]");
    assert_eq!(current.text_content().unwrap(), "利用者認証");
    type_value(&input(&root, "contract-id"), "1000000001");
    type_value(&input(&root, "password"), "demo-Pass1");
    bank_button(&root, "次へ").click();
    assert_eq!(screen_id(&root), "registration-details");

    let code = input(&root, "code");
    assert_eq!(code.get_attribute("autocomplete").as_deref(), Some("one-time-code"));
    assert_eq!(code.get_attribute("inputmode").as_deref(), Some("numeric"));
    // A mistyped Token ID is refused at the form.
    type_value(&input(&root, "token-id"), "ABCD12345679");
    type_value(&code, "123456");
    bank_button(&root, "登録").click();
    assert!(!shown(&root, "bank-error").is_empty());
    assert_eq!(screen_id(&root), "registration-details");

    type_value(&input(&root, "token-id"), &text(&root, "token-id"));
    type_value(&code, &text(&root, "token-code").replace(' ', ""));
    bank_button(&root, "登録").click();
    until("the registration", || screen_id(&root) == "registration-done").await;
    assert_eq!(
        shown(&root, "bank-result"),
        "ワンタイムパスワードの利用登録が完了しました。"
    );
    let saved = local_storage()
        .get_item("webtoken.bank.customers")
        .unwrap()
        .unwrap();
    let token_id = text(&root, "token-id").replace(' ', "");
    assert!(saved.contains(&token_id), "the registration is saved: {saved}");
}

#[wasm_bindgen_test]
async fn bank_keeps_unreadable_storage_until_reset() {
    clear_bank_storage();
    local_storage()
        .set_item("webtoken.bank.customers", "{oops")
        .unwrap();
    let root = mount_page();
    webtoken::web::start().await.expect("the page starts");

    assert!(
        shown(&root, "bank-storage").starts_with("保存されている銀行のデータを読み込めませんでした。"),
        "{}",
        shown(&root, "bank-storage")
    );
    // The bank still works, in memory, and does not overwrite what it could not read.
    type_value(&input(&root, "contract-id"), "1000000001");
    type_value(&input(&root, "password"), "wrong");
    bank_button(&root, "ログイン").click();
    assert_eq!(
        local_storage().get_item("webtoken.bank.customers").unwrap().as_deref(),
        Some("{oops")
    );

    bank_button(&root, "デモデータをリセット").click();
    assert!(shown(&root, "bank-reset-confirm").contains("よろしいですか"));
    bank_button(&root, "リセットする").click();
    assert_eq!(shown(&root, "bank-reset-outcome"), "デモデータをリセットしました。");
    assert_eq!(shown(&root, "bank-storage"), "");
    let saved = local_storage()
        .get_item("webtoken.bank.customers")
        .unwrap()
        .unwrap();
    assert!(saved.starts_with('{') && saved.contains("\"1000000003\""), "{saved}");
}

#[wasm_bindgen_test]
async fn bank_language_toggle_renders_english_and_is_remembered() {
    clear_bank_storage();
    let root = mount_page();
    webtoken::web::start().await.expect("the page starts");
    type_value(&input(&root, "contract-id"), "1000000002");

    find(&root, "[data-testid=\"bank-lang\"]")
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    assert_eq!(find(&root, "h2").text_content().unwrap(), "Log in");
    assert_eq!(
        find(&root, "label[for=\"bank-contract-id\"]").text_content().unwrap(),
        "Contract ID (user number)"
    );
    assert_eq!(input(&root, "contract-id").value(), "1000000002", "typed text kept");
    bank_button(&root, "Log in");
    assert_eq!(
        find(&root, "[data-testid=\"bank\"]").get_attribute("lang").as_deref(),
        Some("en")
    );
    assert_eq!(
        local_storage().get_item("webtoken.bank.lang").unwrap().as_deref(),
        Some("en")
    );

    // A new start reads the choice back.
    let root = mount_page();
    webtoken::web::start().await.expect("the page starts again");
    assert_eq!(find(&root, "h2").text_content().unwrap(), "Log in");
    clear_bank_storage();
}
