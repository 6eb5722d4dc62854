//! The bank's pages, driven as a person would: typing into fields found by their label,
//! clicking buttons by their text, reading the Token ID and the code off the token panel.
//! Flows that need a fresh code wait for the token's real next code (never a faked clock),
//! so they are spread over several tests that run in parallel, each in its own browser.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::elements::Element;
use fantoccini::key::Key;

use crate::harness::{Browser, Mode};

pub(crate) const CONTRACT: &str = "1000000001";
pub(crate) const PASSWORD: &str = "demo-Pass1";

/// A whole test may take this long at most (one or two code periods and the flows around them).
const TEST_LIMIT: Duration = Duration::from_secs(150);
/// How long a screen may take to answer.
pub(crate) const ANSWER: Duration = Duration::from_secs(15);
/// How long the token may take to show its next code (one 30 s period and some slack).
const NEXT_CODE: Duration = Duration::from_secs(35);

// The guide's wording, as the customer reads it.
pub(crate) const REGISTERED: &str = "ワンタイムパスワードの利用登録が完了しました。";
const STOPPED: &str = "ワンタイムパスワードの利用停止が完了しました。";
pub(crate) const SPENT: &str = "このワンタイムパスワードは使用済みです。直前にご自身でお使いでない場合は、他の人に見られた可能性があります。トークンの画面を他の人に見られていないかご確認のうえ、ご不安な場合は当庫までお電話ください。トークンの数字が変わるまでお待ちになり、新しい数字を入力してください。";
const WRONG_CODE: &str =
    "ワンタイムパスワードが正しくありません。トークンに表示されている数字をご確認ください。";
const LOCKED: &str = "ワンタイムパスワードが所定の回数以上誤って入力されたため、トークンがロックされました。お手数ですが当庫（フリーダイヤル 0120-000-000\u{3000}平日 9:00~17:00）までお電話ください。";
const WRONG_CREDENTIALS: &str = "契約者IDまたはログインパスワードが正しくありません。ログインパスワードを入力し直してください。";

/// Runs a test body within [`TEST_LIMIT`].
pub(crate) async fn bounded(body: impl Future<Output = ()>) {
    tokio::time::timeout(TEST_LIMIT, body)
        .await
        .expect("the test finishes within its time limit");
}

/// The page, opened in a new browser, with the bank's login screen and a live token.
async fn open_in(mode: Mode) -> Browser {
    let browser = Browser::start_in(mode).await;
    browser.open("/").await;
    wait_screen(&browser, "login").await;
    browser
        .wait_text("token-code", ANSWER, |c| digits(c).len() == 6)
        .await;
    browser
}

/// The page with the in-page token service.
pub(crate) async fn open() -> Browser {
    open_in(Mode::InPage).await
}

/// A flow test run twice: with the in-page token service, and with the page in remote mode
/// against the backend stub, with the same assertions.
macro_rules! in_both_modes {
    ($flow:ident, $in_page:ident, $remote:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $in_page() {
            $flow(Mode::InPage).await
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $remote() {
            $flow(Mode::Remote).await
        }
    };
}

pub(crate) fn digits(shown: &str) -> String {
    shown.chars().filter(char::is_ascii_digit).collect()
}

/// A code as a Japanese keyboard types it in full-width mode (０-９).
fn full_width(code: &str) -> String {
    code.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0xff10 + d).expect("a full-width digit"),
            None => c,
        })
        .collect()
}

async fn find(browser: &Browser, xpath: &str) -> Element {
    browser
        .client
        .find(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("nothing at {xpath}: {e}"))
}

/// The bank screen's name (`data-screen`); empty while the page is still loading.
pub(crate) async fn screen(browser: &Browser) -> String {
    let Ok(host) = browser
        .client
        .find(Locator::Css("[data-testid=\"bank-screen\"]"))
        .await
    else {
        return String::new();
    };
    host.attr("data-screen")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

pub(crate) async fn wait_screen(browser: &Browser, id: &str) {
    let started = Instant::now();
    loop {
        let shown = screen(browser).await;
        if shown == id {
            return;
        }
        if started.elapsed() > ANSWER {
            let status = browser.text("status").await;
            panic!("the bank shows {shown:?}, not {id:?} (page status: {status:?})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The input labelled `label` in the bank (found through its `<label for>`).
async fn field(browser: &Browser, label: &str) -> Element {
    let label_el = find(
        browser,
        &format!("//section[@data-testid='bank']//label[normalize-space()='{label}']"),
    )
    .await;
    let id = label_el
        .attr("for")
        .await
        .expect("read for")
        .unwrap_or_else(|| panic!("the label {label:?} names no input"));
    browser
        .client
        .find(Locator::Id(&id))
        .await
        .unwrap_or_else(|e| panic!("no input #{id} for {label:?}: {e}"))
}

/// Types `text` into the field labelled `label`, first deleting what it holds, key by key.
pub(crate) async fn type_into(browser: &Browser, label: &str, text: &str) {
    let input = field(browser, label).await;
    let held = input
        .prop("value")
        .await
        .expect("read value")
        .unwrap_or_default();
    let mut keys = String::new();
    if !held.is_empty() {
        keys.push(char::from(Key::End));
        keys.extend(std::iter::repeat_n(
            char::from(Key::Backspace),
            held.chars().count(),
        ));
    }
    keys.push_str(text);
    input.send_keys(&keys).await.expect("type");
    let now = input.prop("value").await.expect("read value");
    assert_eq!(
        now.as_deref(),
        Some(text),
        "the field {label:?} holds what was typed"
    );
}

/// Clicks the bank's button (or link) whose text is `label`.
pub(crate) async fn press(browser: &Browser, label: &str) {
    find(
        browser,
        &format!("//section[@data-testid='bank']//button[normalize-space()='{label}']"),
    )
    .await
    .click()
    .await
    .unwrap_or_else(|e| panic!("click {label:?}: {e}"));
}

/// Whether the bank shows a button with this text.
async fn has_button(browser: &Browser, label: &str) -> bool {
    browser
        .client
        .find(Locator::XPath(&format!(
            "//section[@data-testid='bank']//button[normalize-space()='{label}']"
        )))
        .await
        .is_ok()
}

/// Waits for the bank's message `testid` (bank-error, bank-info, bank-result) to read `expected`.
pub(crate) async fn wait_message(browser: &Browser, testid: &str, expected: &str) {
    browser
        .wait_text(testid, ANSWER, |shown| shown == expected)
        .await;
}

/// The value of the row labelled `label` (signed-in page, staff record).
/// Read in one step inside the page: the staff record re-renders when a remote answer
/// arrives, and an element found before that would be stale by the time it is read.
async fn row(browser: &Browser, label: &str) -> String {
    let xpath = format!(
        "//section[@data-testid='bank']//div[@class='bank-row'][dt[normalize-space()='{label}']]/dd"
    );
    let started = Instant::now();
    loop {
        let found = browser
            .client
            .execute(
                "const n = document.evaluate(arguments[0], document, null, \
                 XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue; \
                 return n === null ? null : n.innerText;",
                vec![xpath.clone().into()],
            )
            .await
            .expect("read the row");
        if let Some(text) = found.as_str() {
            return text.trim().to_owned();
        }
        assert!(started.elapsed() < ANSWER, "no row labelled {label}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the row labelled `label` reads `expected` (a remote answer may redraw the
/// screen after it first shows), and fails with what it read when it never does.
async fn wait_row(browser: &Browser, label: &str, expected: &str) {
    let started = Instant::now();
    loop {
        let shown = row(browser, label).await;
        if shown == expected {
            return;
        }
        if started.elapsed() > ANSWER {
            assert_eq!(shown, expected, "the row labelled {label}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The Token ID the token panel shows, without its spaces.
pub(crate) async fn token_id(browser: &Browser) -> String {
    browser.text("token-id").await.replace(' ', "")
}

/// The code the token shows now, waiting for the next one if this one has under 3 s left
/// (a person would wait too).
pub(crate) async fn current_code(browser: &Browser) -> String {
    let remaining: u64 = browser
        .text("token-remaining")
        .await
        .trim()
        .parse()
        .unwrap_or(30);
    let code = digits(&browser.text("token-code").await);
    if remaining >= 3 {
        return code;
    }
    next_code(browser, &code).await
}

/// Waits for the token to show a code other than `spent`, and returns it.
pub(crate) async fn next_code(browser: &Browser, spent: &str) -> String {
    let shown = browser
        .wait_text("token-code", NEXT_CODE, |c| {
            let d = digits(c);
            d.len() == 6 && d != spent
        })
        .await;
    digits(&shown)
}

/// A six-digit code that is neither `a` nor `b`.
fn wrong_code(a: &str, b: &str) -> String {
    (0..10)
        .map(|d| d.to_string().repeat(6))
        .find(|c| c != a && c != b)
        .expect("ten candidates, two excluded")
}

/// Enters contract ID and password on the current screen and presses `button`.
pub(crate) async fn credentials(browser: &Browser, contract: &str, password: &str, button: &str) {
    type_into(browser, "契約者ID", contract).await;
    type_into(browser, "ログインパスワード", password).await;
    press(browser, button).await;
}

/// Logs in with contract ID and password on the login screen.
pub(crate) async fn login(browser: &Browser, password: &str) {
    type_into(browser, "契約者ID(利用者番号)", CONTRACT).await;
    type_into(browser, "ログインパスワード", password).await;
    press(browser, "ログイン").await;
}

/// Registers the web token's Token ID with its current code; returns the code used (spent).
pub(crate) async fn register(browser: &Browser, shots: Option<&str>) -> String {
    press(browser, "ワンタイムパスワードの利用登録はこちら").await;
    wait_screen(browser, "registration-credentials").await;
    if let Some(prefix) = shots {
        browser
            .screenshot(&format!("{prefix}-registration-credentials"))
            .await;
    }
    credentials(browser, CONTRACT, PASSWORD, "次へ").await;
    wait_screen(browser, "registration-details").await;
    let id = token_id(browser).await;
    let code = current_code(browser).await;
    type_into(browser, "トークンID", &id).await;
    type_into(browser, "ワンタイムパスワード", &code).await;
    if let Some(prefix) = shots {
        browser
            .screenshot(&format!("{prefix}-registration-details"))
            .await;
    }
    press(browser, "登録").await;
    wait_screen(browser, "registration-done").await;
    wait_message(browser, "bank-result", REGISTERED).await;
    if let Some(backend) = &browser.backend {
        // In remote mode the credential came from the stub and the code was spent there.
        let id = webtoken_engine::token_id::TokenId::parse(&id).expect("the panel's Token ID");
        let state = backend
            .service
            .state(&id)
            .expect("the backend stub issued the token");
        assert!(state.last_step.is_some(), "the stub validated the code");
    }
    if let Some(prefix) = shots {
        browser
            .screenshot(&format!("{prefix}-registration-done"))
            .await;
    }
    press(browser, "ログイン画面に戻る").await;
    wait_screen(browser, "login").await;
    code
}

in_both_modes!(
    registration_then_login_refuses_the_spent_code_and_takes_the_next_in_full_width,
    register_then_login_in_page,
    register_then_login_remote
);

async fn registration_then_login_refuses_the_spent_code_and_takes_the_next_in_full_width(
    mode: Mode,
) {
    bounded(async {
        let browser = open_in(mode).await;
        browser.screenshot("bank-login").await;
        let spent = register(&browser, Some("bank")).await;

        // From this login on, the code step is asked for.
        login(&browser, PASSWORD).await;
        wait_screen(&browser, "login-code").await;
        let hint = find(&browser, "//span[@class='bank-suffix']").await;
        assert_eq!(hint.text().await.unwrap(), "(半角数字)");
        let code_input = field(&browser, "ワンタイムパスワード").await;
        assert_eq!(
            code_input.attr("inputmode").await.unwrap().as_deref(),
            Some("numeric")
        );
        assert_eq!(
            code_input.attr("autocomplete").await.unwrap().as_deref(),
            Some("one-time-code")
        );

        // The code used to register is spent.
        type_into(&browser, "ワンタイムパスワード", &spent).await;
        press(&browser, "確認").await;
        wait_message(&browser, "bank-error", SPENT).await;
        browser.screenshot("bank-login-code-spent").await;
        assert_eq!(screen(&browser).await, "login-code");

        // The token's next code, typed in full-width digits, signs in.
        let next = next_code(&browser, &spent).await;
        type_into(&browser, "ワンタイムパスワード", &full_width(&next)).await;
        press(&browser, "確認").await;
        wait_screen(&browser, "signed-in").await;
        wait_row(&browser, "契約者ID", CONTRACT).await;
        assert!(has_button(&browser, "ログアウト").await);
        browser.screenshot("bank-signed-in").await;

        press(&browser, "ログアウト").await;
        wait_screen(&browser, "login").await;
        wait_message(&browser, "bank-info", "ログアウトしました。").await;
        browser.close().await;
    })
    .await;
}

in_both_modes!(
    stop_with_password_and_a_fresh_code_then_login_asks_no_code,
    stop_then_login_without_code_in_page,
    stop_then_login_without_code_remote
);

async fn stop_with_password_and_a_fresh_code_then_login_asks_no_code(mode: Mode) {
    bounded(async {
        let browser = open_in(mode).await;
        let spent = register(&browser, None).await;

        press(&browser, "ワンタイムパスワードの利用停止はこちら").await;
        wait_screen(&browser, "stop-credentials").await;
        browser.screenshot("bank-stop-credentials").await;
        // The breadcrumb marks the first step.
        let current = find(
            &browser,
            "//section[@data-testid='bank']//ol[@class='bank-steps']/li[@aria-current='step']",
        )
        .await;
        assert_eq!(current.text().await.unwrap(), "利用者認証");
        // The contract ID typed on the login screen is carried over.
        assert_eq!(
            field(&browser, "契約者ID")
                .await
                .prop("value")
                .await
                .unwrap()
                .as_deref(),
            Some(CONTRACT)
        );
        credentials(&browser, CONTRACT, PASSWORD, "次へ").await;
        wait_screen(&browser, "stop-code").await;

        // The registration's code is spent: the stop needs the next one.
        let fresh = next_code(&browser, &spent).await;
        type_into(&browser, "ワンタイムパスワード", &fresh).await;
        browser.screenshot("bank-stop-code").await;
        press(&browser, "停止").await;
        wait_screen(&browser, "stop-done").await;
        wait_message(&browser, "bank-result", STOPPED).await;
        browser.screenshot("bank-stop-done").await;
        press(&browser, "ログイン画面に戻る").await;
        wait_screen(&browser, "login").await;

        // Afterwards the password alone signs in.
        login(&browser, PASSWORD).await;
        wait_screen(&browser, "signed-in").await;
        assert!(has_button(&browser, "ログアウト").await);
        browser.close().await;
    })
    .await;
}

in_both_modes!(
    a_wrong_password_and_an_unknown_contract_get_the_same_message,
    wrong_password_in_page,
    wrong_password_remote
);

async fn a_wrong_password_and_an_unknown_contract_get_the_same_message(mode: Mode) {
    bounded(async {
        let browser = open_in(mode).await;

        press(&browser, "ログイン").await;
        wait_message(&browser, "bank-error", "契約者IDを入力してください。").await;

        login(&browser, "demo-pass1").await;
        wait_message(&browser, "bank-error", WRONG_CREDENTIALS).await;
        browser.screenshot("bank-login-wrong-password").await;
        assert_eq!(screen(&browser).await, "login");
        // The refused password is cleared, the contract ID kept.
        let password = field(&browser, "ログインパスワード").await;
        assert_eq!(
            password.attr("type").await.unwrap().as_deref(),
            Some("password")
        );
        assert_eq!(password.prop("value").await.unwrap().as_deref(), Some(""));
        let contract = field(&browser, "契約者ID(利用者番号)").await;
        assert_eq!(
            contract.prop("value").await.unwrap().as_deref(),
            Some(CONTRACT)
        );

        type_into(&browser, "契約者ID(利用者番号)", "1999999999").await;
        type_into(&browser, "ログインパスワード", PASSWORD).await;
        press(&browser, "ログイン").await;
        wait_message(&browser, "bank-error", WRONG_CREDENTIALS).await;

        // Markup typed into a field stays text: it is neither run nor shown as HTML.
        let markup = "<img src=x>";
        type_into(&browser, "契約者ID(利用者番号)", markup).await;
        type_into(&browser, "ログインパスワード", PASSWORD).await;
        press(&browser, "ログイン").await;
        wait_message(&browser, "bank-error", WRONG_CREDENTIALS).await;
        let images = browser
            .client
            .find_all(Locator::Css("section.bank img"))
            .await
            .unwrap();
        assert!(images.is_empty(), "typed markup never becomes an element");

        // Enter in the password field submits the form.
        type_into(&browser, "契約者ID(利用者番号)", CONTRACT).await;
        type_into(&browser, "ログインパスワード", PASSWORD).await;
        field(&browser, "ログインパスワード")
            .await
            .send_keys(&char::from(Key::Enter).to_string())
            .await
            .expect("press Enter");
        wait_screen(&browser, "signed-in").await;
        browser.close().await;
    })
    .await;
}

/// Types `code` into the code field and presses `button`; waits for the answer (the screen
/// changes, or the refused code is cleared).
async fn submit_code(browser: &Browser, code: &str, button: &str) {
    let before = screen(browser).await;
    type_into(browser, "ワンタイムパスワード", code).await;
    press(browser, button).await;
    let started = Instant::now();
    loop {
        if screen(browser).await != before {
            return;
        }
        let held = field(browser, "ワンタイムパスワード")
            .await
            .prop("value")
            .await
            .expect("read value")
            .unwrap_or_default();
        if held.is_empty() {
            return;
        }
        assert!(started.elapsed() < ANSWER, "no answer to the code {code}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The staff sign-in's words, as the staff member reads them.
pub(crate) const STAFF_REFUSED: &str = "職員ID、パスワード、ワンタイムパスワードのいずれかが正しくないか、ロックされています。新しいワンタイムパスワードでもう一度入力してください。";
pub(crate) const STAFF_NEEDED_FOR_RESET: &str =
    "デモデータのリセットには、職員のサインインが必要です(窓口担当者用ページから)。";

/// The demo staff token's code at the browser's clock (the lab's shift aside), and its step.
async fn staff_code(browser: &Browser) -> (u64, String) {
    let now = browser.now_seconds().await;
    let code = webtoken_engine::totp(
        &webtoken_bank::staff::demo_staff_secret(),
        now,
        &webtoken_engine::Params::default(),
    )
    .expect("a code");
    (now / 30, code)
}

/// Fills the staff sign-in with `password` and `code` and presses サインイン; waits until the
/// page has answered: the screen it shows then.
pub(crate) async fn staff_try(browser: &Browser, password: &str, code: &str) -> String {
    type_into(browser, "職員ID", webtoken_bank::staff::DEMO_STAFF.0).await;
    type_into(browser, "職員パスワード", password).await;
    type_into(browser, "ワンタイムパスワード(職員用トークン)", code).await;
    press(browser, "サインイン").await;
    let started = Instant::now();
    loop {
        // Read in one step inside the page: a remote answer may redraw the screen meanwhile.
        let read = browser
            .client
            .execute(
                "const host = document.querySelector('[data-testid=\"bank-screen\"]'); \
                 const error = document.querySelector('[data-testid=\"bank-error\"]'); \
                 return [host ? host.dataset.screen : '', error ? error.innerText.trim() : ''];",
                vec![],
            )
            .await
            .expect("read the screen");
        let (shown, error): (String, String) = serde_json::from_value(read).expect("two strings");
        if shown == "staff-lookup" || (shown == "staff-signin" && !error.is_empty()) {
            return shown;
        }
        assert!(started.elapsed() < ANSWER, "no answer to the staff sign-in");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Signs the demo staff member in from the login screen (the staff link, then staff ID,
/// password and the demo staff token's code; a code an earlier sign-in of the test spent is
/// waited out). Ends on the staff page's lookup, signed in.
pub(crate) async fn staff_sign_in(browser: &Browser) {
    press(browser, "窓口担当者用ページ").await;
    if screen(browser).await == "staff-lookup" {
        return;
    }
    wait_screen(browser, "staff-signin").await;
    let (step, code) = staff_code(browser).await;
    if staff_try(browser, webtoken_bank::staff::DEMO_STAFF.1, &code).await == "staff-lookup" {
        return;
    }
    // Spent already in this test: the next step's code.
    let started = Instant::now();
    while staff_code(browser).await.0 == step {
        assert!(started.elapsed() < NEXT_CODE, "the clock does not move");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (_, code) = staff_code(browser).await;
    let shown = staff_try(browser, webtoken_bank::staff::DEMO_STAFF.1, &code).await;
    assert_eq!(
        shown,
        "staff-lookup",
        "{}",
        browser.text("bank-error").await
    );
}

/// Opens the staff page from the login screen (signing in) and looks up [`CONTRACT`].
pub(crate) async fn staff_lookup(browser: &Browser) {
    staff_sign_in(browser).await;
    type_into(browser, "契約者ID", CONTRACT).await;
    press(browser, "照会").await;
    wait_screen(browser, "staff-record").await;
}

in_both_modes!(
    the_staff_page_needs_a_sign_in_that_refuses_wrong_passwords_and_codes,
    staff_sign_in_in_page,
    staff_sign_in_remote
);

async fn the_staff_page_needs_a_sign_in_that_refuses_wrong_passwords_and_codes(mode: Mode) {
    bounded(async {
        let browser = open_in(mode).await;
        // Without a staff member the demo reset is refused and says so.
        press(&browser, "デモデータをリセット").await;
        wait_message(&browser, "bank-reset-outcome", STAFF_NEEDED_FOR_RESET).await;
        // The staff link shows the sign-in, and nothing of the staff page.
        press(&browser, "窓口担当者用ページ").await;
        wait_screen(&browser, "staff-signin").await;
        assert!(!has_button(&browser, "照会").await);
        assert!(!has_button(&browser, "ロック解除").await);
        browser.screenshot("bank-staff-signin").await;
        // On a phone, in both languages.
        let size = browser.client.get_window_size().await.expect("window size");
        browser
            .client
            .set_window_size(360, 900)
            .await
            .expect("resize");
        browser
            .screenshot_of("bank", "bank-staff-signin-phone")
            .await;
        press(&browser, "English").await;
        browser
            .wait_text("bank-screen", ANSWER, |t| t.contains("Staff sign-in"))
            .await;
        browser
            .screenshot_of("bank", "bank-staff-signin-phone-en")
            .await;
        press(&browser, "日本語").await;
        browser
            .wait_text("bank-screen", ANSWER, |t| t.contains("職員サインイン"))
            .await;
        browser
            .client
            .set_window_size(size.0 as u32, size.1 as u32)
            .await
            .expect("resize back");

        let (_, code) = staff_code(&browser).await;
        let staff_failures = || async {
            browser
                .client
                .execute(
                    "return JSON.parse(localStorage.getItem('webtoken.bank.customers')) \
                     .staff[0].password_failures;",
                    vec![],
                )
                .await
                .expect("read the bank")
        };
        // A wrong password: refused, and counted.
        assert_eq!(staff_try(&browser, "wrong", &code).await, "staff-signin");
        wait_message(&browser, "bank-error", STAFF_REFUSED).await;
        assert_eq!(staff_failures().await, serde_json::json!(1));
        // A wrong code: refused in the same words (in remote mode the server counts it).
        let wrong = wrong_code(&code, &code);
        assert_eq!(
            staff_try(&browser, webtoken_bank::staff::DEMO_STAFF.1, &wrong).await,
            "staff-signin"
        );
        wait_message(&browser, "bank-error", STAFF_REFUSED).await;
        if let Some(backend) = &browser.backend {
            let token = webtoken_bank::staff::demo_staff_token();
            assert_eq!(backend.service.state(&token).unwrap().failures, 1);
        }
        // The right password and code: the staff page, with who is signed in.
        let shown = staff_try(&browser, webtoken_bank::staff::DEMO_STAFF.1, &code).await;
        assert_eq!(
            shown,
            "staff-lookup",
            "{}",
            browser.text("bank-error").await
        );
        wait_row(&browser, "サインイン中の職員ID", "S0001").await;
        // Signing out ends it: the staff link asks for the sign-in again.
        browser
            .client
            .find(Locator::Css("[data-testid=\"staff-signout\"]"))
            .await
            .expect("the sign-out button")
            .click()
            .await
            .expect("click sign out");
        wait_screen(&browser, "login").await;
        wait_message(&browser, "bank-info", "職員はサインアウトしました。").await;
        press(&browser, "窓口担当者用ページ").await;
        wait_screen(&browser, "staff-signin").await;
        if browser.backend.is_some() {
            // The server's session ends (signed out in another tab, say): the next staff
            // action asks to sign in again instead of failing.
            press(&browser, "ログイン画面に戻る").await;
            wait_screen(&browser, "login").await;
            // A registered token, so that the lookup asks the server.
            register(&browser, None).await;
            staff_sign_in(&browser).await;
            browser
                .client
                .execute(
                    "return fetch('/api/v1/staff/session', {method: 'DELETE'}).then(r => r.status);",
                    vec![],
                )
                .await
                .expect("sign out at the server");
            type_into(&browser, "契約者ID", CONTRACT).await;
            press(&browser, "照会").await;
            wait_screen(&browser, "staff-signin").await;
            wait_message(
                &browser,
                "bank-error",
                "職員のサインインが終了しています(別の画面でのサインアウトなど)。もう一度サインインしてください。",
            )
            .await;
        }
        browser.close().await;
    })
    .await;
}

/// Waits until a line of the audit trail satisfies `wanted`: in remote mode the record is
/// fetched again after a change and redrawn when the answer comes, which may be after the
/// state row has changed. Fails with the trail it read when no line ever does.
pub(crate) async fn wait_audit(browser: &Browser, wanted: impl Fn(&str) -> bool) {
    let started = Instant::now();
    loop {
        let trail = audit_lines(browser).await;
        if trail.iter().any(|line| wanted(line)) {
            return;
        }
        assert!(started.elapsed() < ANSWER, "no such audit line: {trail:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The audit trail's lines as shown: "event | detail" per row. Read in one step inside the
/// page, like [`row`]: a remote answer may redraw the record between finding a cell and reading
/// it.
async fn audit_lines(browser: &Browser) -> Vec<String> {
    let lines = browser
        .client
        .execute(
            "return [...document.querySelectorAll('[data-testid=\"bank-audit\"] tbody tr')] \
             .map((tr) => [...tr.querySelectorAll('td')].slice(2) \
             .map((td) => td.innerText.trim()).join(' | '));",
            vec![],
        )
        .await
        .expect("read the audit trail");
    serde_json::from_value(lines).expect("a list of lines")
}

in_both_modes!(
    ten_wrong_codes_lock_the_token_until_staff_unlock_it,
    lockout_and_staff_unlock_in_page,
    lockout_and_staff_unlock_remote
);

async fn ten_wrong_codes_lock_the_token_until_staff_unlock_it(mode: Mode) {
    bounded(async {
        let browser = open_in(mode).await;
        let spent = register(&browser, None).await;
        login(&browser, PASSWORD).await;
        wait_screen(&browser, "login-code").await;

        for attempt in 1..=10 {
            let shown = digits(&browser.text("token-code").await);
            let wrong = wrong_code(&shown, &digits(&browser.text("token-next").await));
            let wrong = if wrong == spent {
                wrong_code(&spent, &shown)
            } else {
                wrong
            };
            submit_code(&browser, &wrong, "確認").await;
            let expected = if attempt < 10 { WRONG_CODE } else { LOCKED };
            wait_message(&browser, "bank-error", expected).await;
        }
        browser.screenshot("bank-login-code-locked").await;

        // The right code, unspent, is refused as well while the token is locked.
        let right = next_code(&browser, &spent).await;
        submit_code(&browser, &right, "確認").await;
        wait_message(&browser, "bank-error", LOCKED).await;
        assert_eq!(screen(&browser).await, "login-code");

        // Staff look the contract up and unlock the token.
        press(&browser, "ログイン画面に戻る").await;
        wait_screen(&browser, "login").await;
        staff_lookup(&browser).await;
        wait_row(&browser, "トークンの状態", "ロック中").await;
        wait_row(&browser, "ワンタイムパスワード連続誤り回数", "10").await;
        wait_row(
            &browser,
            "操作履歴",
            "操作履歴のハッシュチェーンを検証しました。改ざんはありません。",
        )
        .await;
        wait_audit(&browser, |l| l.starts_with("ロック |")).await;
        browser.screenshot("bank-staff-record-locked").await;

        press(&browser, "ロック解除").await;
        wait_message(&browser, "bank-info", "トークンのロックを解除しました。").await;
        wait_row(&browser, "トークンの状態", "利用中").await;
        // The audit names the signed-in staff member by their staff ID.
        wait_audit(&browser, |l| {
            l.starts_with("ロック解除 |") && l.contains("staff S0001")
        })
        .await;
        browser.screenshot("bank-staff-record-unlocked").await;

        // The customer signs in again with the token's code (the refused one was not spent).
        press(&browser, "ログイン画面に戻る").await;
        wait_screen(&browser, "login").await;
        login(&browser, PASSWORD).await;
        wait_screen(&browser, "login-code").await;
        let code = current_code(&browser).await;
        submit_code(&browser, &code, "確認").await;
        wait_screen(&browser, "signed-in").await;
        browser.close().await;
    })
    .await;
}

in_both_modes!(
    staff_stop_a_lost_token_recording_staff_id_and_reason,
    staff_stop_in_page,
    staff_stop_remote
);

async fn staff_stop_a_lost_token_recording_staff_id_and_reason(mode: Mode) {
    bounded(async {
        let browser = open_in(mode).await;
        let shown_id = browser.text("token-id").await;
        register(&browser, None).await;

        staff_sign_in(&browser).await;
        browser.screenshot("bank-staff-lookup").await;
        type_into(&browser, "契約者ID", "1000000009").await;
        press(&browser, "照会").await;
        wait_message(&browser, "bank-error", "該当するご契約が見つかりません。").await;
        type_into(&browser, "契約者ID", CONTRACT).await;
        press(&browser, "照会").await;
        wait_screen(&browser, "staff-record").await;
        wait_row(&browser, "トークンID", &shown_id).await;
        wait_row(&browser, "トークンの状態", "利用中").await;

        press(&browser, "利用停止").await;
        wait_message(&browser, "bank-error", "停止理由を入力してください。").await;
        let reason = "トークン紛失（お客さまより電話）";
        type_into(&browser, "停止理由", reason).await;
        press(&browser, "利用停止").await;
        wait_message(&browser, "bank-info", "トークンの利用を停止しました。").await;
        wait_row(&browser, "トークンの状態", "利用停止").await;
        wait_audit(&browser, |l| {
            l.starts_with("利用停止 |") && l.contains("staff S0001") && l.contains(reason)
        })
        .await;
        browser.screenshot("bank-staff-record-stopped").await;

        // The customer signs in with the password alone now.
        press(&browser, "ログイン画面に戻る").await;
        wait_screen(&browser, "login").await;
        login(&browser, PASSWORD).await;
        wait_screen(&browser, "signed-in").await;
        press(&browser, "ログアウト").await;
        wait_screen(&browser, "login").await;

        // The stopped token cannot be registered again, and the customer is told why.
        press(&browser, "ワンタイムパスワードの利用登録はこちら").await;
        wait_screen(&browser, "registration-credentials").await;
        credentials(&browser, CONTRACT, PASSWORD, "次へ").await;
        wait_screen(&browser, "registration-details").await;
        type_into(&browser, "トークンID", &token_id(&browser).await).await;
        let code = current_code(&browser).await;
        type_into(&browser, "ワンタイムパスワード", &code).await;
        press(&browser, "登録").await;
        wait_message(
            &browser,
            "bank-error",
            "このトークンは利用停止済みのため、再登録できません。新しいトークンを取得して登録してください。",
        )
        .await;
        assert_eq!(screen(&browser).await, "registration-details");
        browser.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_english_toggle_shows_the_login_screen_in_english_and_is_remembered() {
    bounded(async {
        let browser = open().await;
        press(&browser, "English").await;
        browser
            .wait_text("bank-screen", ANSWER, |t| t.starts_with("Log in"))
            .await;
        field(&browser, "Contract ID (user number)").await;
        field(&browser, "Login password").await;
        assert!(has_button(&browser, "Log in").await);
        assert!(has_button(&browser, "Register for one-time passwords here").await);
        assert!(has_button(&browser, "Stop one-time passwords here").await);
        assert!(has_button(&browser, "日本語").await);
        let lang = find(&browser, "//section[@data-testid='bank']")
            .await
            .attr("lang")
            .await
            .unwrap();
        assert_eq!(lang.as_deref(), Some("en"));
        browser.screenshot("bank-login-en").await;

        // The choice survives a reload.
        browser.client.refresh().await.expect("reload");
        wait_screen(&browser, "login").await;
        assert!(has_button(&browser, "Log in").await);
        type_into(&browser, "Contract ID (user number)", CONTRACT).await;
        type_into(&browser, "Login password", "wrong").await;
        press(&browser, "Log in").await;
        wait_message(
            &browser,
            "bank-error",
            "The contract ID or login password is incorrect. Please enter your login password again.",
        )
        .await;
        // What was typed stays when the language changes.
        press(&browser, "日本語").await;
        wait_message(&browser, "bank-error", WRONG_CREDENTIALS).await;
        let contract = field(&browser, "契約者ID(利用者番号)").await;
        assert_eq!(contract.prop("value").await.unwrap().as_deref(), Some(CONTRACT));
        assert!(has_button(&browser, "English").await);
        browser.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_that_prefers_english_gets_english_until_the_customer_chooses() {
    bounded(async {
        let browser = Browser::start_preferring("en-GB").await;
        browser.open("/").await;
        wait_screen(&browser, "login").await;
        // The whole page follows the browser: bank, token panel, title and <html lang>.
        assert!(has_button(&browser, "Log in").await);
        browser
            .wait_text("token-id-caption", ANSWER, |t| t == "Token ID")
            .await;
        let page = browser
            .client
            .execute(
                "return [document.documentElement.lang, document.title];",
                vec![],
            )
            .await
            .expect("read the page");
        assert_eq!(
            page,
            serde_json::json!(["en", "webtoken — Software token (demo)"])
        );

        // The customer's choice beats the browser's, across a reload.
        press(&browser, "日本語").await;
        wait_screen(&browser, "login").await;
        assert!(has_button(&browser, "ログイン").await);
        browser.client.refresh().await.expect("reload");
        wait_screen(&browser, "login").await;
        assert!(has_button(&browser, "ログイン").await);
        browser
            .wait_text("token-id-caption", ANSWER, |t| t == "トークンID")
            .await;
        let lang = browser
            .client
            .execute("return document.documentElement.lang;", vec![])
            .await
            .expect("read the page");
        assert_eq!(lang, serde_json::json!("ja"));
        browser.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bank_is_kept_across_reloads_and_the_reset_restores_the_demo() {
    bounded(async {
        let browser = open().await;
        register(&browser, None).await;
        assert_eq!(browser.text("bank-storage").await, "", "no storage warning");

        // After a reload the bank still knows the registration: login asks for the code.
        browser.client.refresh().await.expect("reload");
        wait_screen(&browser, "login").await;
        login(&browser, PASSWORD).await;
        wait_screen(&browser, "login-code").await;
        press(&browser, "ログイン画面に戻る").await;
        wait_screen(&browser, "login").await;

        // Without a signed-in staff member the reset is refused, and says so.
        press(&browser, "デモデータをリセット").await;
        wait_message(&browser, "bank-reset-outcome", STAFF_NEEDED_FOR_RESET).await;
        assert_eq!(
            browser.text("bank-reset-confirm").await,
            "",
            "nothing is asked"
        );
        staff_sign_in(&browser).await;
        press(&browser, "ログイン画面に戻る").await;
        wait_screen(&browser, "login").await;

        // The reset asks first; cancelling changes nothing.
        press(&browser, "デモデータをリセット").await;
        browser
            .wait_text("bank-reset-confirm", ANSWER, |t| t.contains("よろしいですか"))
            .await;
        browser.screenshot("bank-reset-confirm").await;
        press(&browser, "キャンセル").await;
        browser
            .wait_text("bank-reset-confirm", ANSWER, str::is_empty)
            .await;
        press(&browser, "デモデータをリセット").await;
        press(&browser, "リセットする").await;
        wait_message(&browser, "bank-reset-outcome", "デモデータをリセットしました。").await;
        login(&browser, PASSWORD).await;
        wait_screen(&browser, "signed-in").await;

        // Stored data the bank cannot read is reported and left alone until a reset.
        let garbage = "{not json";
        browser
            .client
            .execute(
                "localStorage.setItem('webtoken.bank.customers', arguments[0]);",
                vec![serde_json::json!(garbage)],
            )
            .await
            .expect("write storage");
        browser.client.refresh().await.expect("reload");
        wait_screen(&browser, "login").await;
        browser
            .wait_text("bank-storage", ANSWER, |t| {
                t.starts_with("保存されている銀行のデータを読み込めませんでした。")
            })
            .await;
        browser.screenshot("bank-storage-unreadable").await;
        login(&browser, PASSWORD).await;
        wait_screen(&browser, "signed-in").await;
        let stored = browser
            .client
            .execute(
                "return localStorage.getItem('webtoken.bank.customers');",
                vec![],
            )
            .await
            .expect("read storage");
        assert_eq!(stored.as_str(), Some(garbage), "not overwritten");

        // The reload ended the staff session: sign in again for the reset.
        press(&browser, "ログアウト").await;
        wait_screen(&browser, "login").await;
        staff_sign_in(&browser).await;
        press(&browser, "ログイン画面に戻る").await;
        wait_screen(&browser, "login").await;
        press(&browser, "デモデータをリセット").await;
        press(&browser, "リセットする").await;
        wait_message(&browser, "bank-reset-outcome", "デモデータをリセットしました。").await;
        assert_eq!(browser.text("bank-storage").await, "");
        let stored = browser
            .client
            .execute(
                "return JSON.parse(localStorage.getItem('webtoken.bank.customers')).customers.length;",
                vec![],
            )
            .await
            .expect("read storage");
        assert_eq!(stored.as_u64(), Some(3), "the demo customers are stored again");
        browser.close().await;
    })
    .await;
}

/// Whether the page scrolls sideways, and the bank's and token's boxes (left, top, right).
async fn layout(browser: &Browser) -> serde_json::Value {
    browser
        .client
        .execute(
            "const box = s => { const r = document.querySelector(s).getBoundingClientRect(); \
             return [r.left, r.top, r.right]; }; \
             return { width: window.innerWidth, \
                      scroll: document.documentElement.scrollWidth, \
                      bank: box('section.bank'), token: box('section.token') };",
            vec![],
        )
        .await
        .expect("measure the page")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bank_sits_beside_the_token_on_a_desktop_and_fits_a_phone() {
    bounded(async {
        let browser = open().await;
        browser
            .client
            .set_window_size(1280, 1000)
            .await
            .expect("desktop size");
        let desktop = layout(&browser).await;
        assert!(
            desktop["bank"][0].as_f64() >= desktop["token"][2].as_f64()
                && desktop["bank"][1] == desktop["token"][1],
            "side by side: {desktop}"
        );
        browser.screenshot("bank-desktop-login").await;

        // A staff record with an audit trail is the widest screen.
        register(&browser, None).await;
        staff_lookup(&browser).await;
        browser.screenshot("bank-desktop-staff-record").await;

        browser
            .client
            .set_window_size(360, 2400)
            .await
            .expect("phone size");
        let phone = layout(&browser).await;
        assert!(
            phone["width"].as_u64() <= Some(360),
            "a phone-sized window: {phone}"
        );
        assert!(
            phone["scroll"].as_f64() <= phone["width"].as_f64(),
            "nothing overflows sideways: {phone}"
        );
        assert!(
            phone["bank"][1].as_f64() > phone["token"][1].as_f64(),
            "stacked: {phone}"
        );
        browser.screenshot("bank-phone-staff-record").await;

        press(&browser, "ログイン画面に戻る").await;
        wait_screen(&browser, "login").await;
        let phone = layout(&browser).await;
        assert!(
            phone["scroll"].as_f64() <= phone["width"].as_f64(),
            "{phone}"
        );
        browser.screenshot("bank-phone-login").await;
        press(&browser, "ワンタイムパスワードの利用登録はこちら").await;
        wait_screen(&browser, "registration-credentials").await;
        credentials(&browser, "1000000002", "demo-Pass2", "次へ").await;
        wait_screen(&browser, "registration-details").await;
        let phone = layout(&browser).await;
        assert!(
            phone["scroll"].as_f64() <= phone["width"].as_f64(),
            "{phone}"
        );
        browser.screenshot("bank-phone-registration-details").await;
        browser.close().await;
    })
    .await;
}

/// Remote mode with a token service that does not answer (the static server has no API):
/// the customer is told, and the tokens stored in the browser stay as they were.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_token_service_gives_a_clear_message_and_keeps_stored_tokens() {
    bounded(async {
        let browser = open().await;
        let id = token_id(&browser).await;
        let url = format!("http://{}/?service=same-origin", crate::harness::server());
        browser
            .client
            .goto(&url)
            .await
            .expect("open in remote mode");
        wait_screen(&browser, "login").await;
        browser
            .wait_text("status", ANSWER, |s| s.contains("接続できません"))
            .await;
        assert_eq!(
            token_id(&browser).await,
            id,
            "the stored token is still shown"
        );

        press(&browser, "ワンタイムパスワードの利用登録はこちら").await;
        wait_screen(&browser, "registration-credentials").await;
        credentials(&browser, CONTRACT, PASSWORD, "次へ").await;
        wait_screen(&browser, "registration-details").await;
        type_into(&browser, "トークンID", &id).await;
        type_into(&browser, "ワンタイムパスワード", "123456").await;
        press(&browser, "登録").await;
        wait_message(
            &browser,
            "bank-error",
            "ただいま処理を受け付けられません。しばらくしてから再度お試しください。",
        )
        .await;
        browser.screenshot("bank-service-unreachable").await;

        // Back to the in-page service: the same token, nothing lost or replaced.
        browser.open("/").await;
        wait_screen(&browser, "login").await;
        assert_eq!(token_id(&browser).await, id);
        browser.close().await;
    })
    .await;
}

/// Two tabs: a registration made in one is honoured by the other, which loaded the bank
/// before it (each change re-reads the stored bank, so a stale tab never skips the code step
/// or writes its old copy back).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_in_one_tab_is_honoured_by_another_tab() {
    bounded(async {
        let browser = open().await;
        let first = browser.client.window().await.expect("this tab");
        let second = browser
            .client
            .new_window(true)
            .await
            .expect("a second tab")
            .handle;
        browser
            .client
            .switch_to_window(second)
            .await
            .expect("go to the second tab");
        browser.open("/").await;
        wait_screen(&browser, "login").await;
        register(&browser, None).await;

        browser
            .client
            .switch_to_window(first)
            .await
            .expect("back to the first tab");
        wait_screen(&browser, "login").await;
        login(&browser, PASSWORD).await;
        wait_screen(&browser, "login-code").await;
        browser.close().await;
    })
    .await;
}
