//! The staff's time lab (`?lab=1` or the footer switch): it shifts the clock the token and the
//! in-page token service share, and says what the service would decide now about the codes the
//! token showed.

use std::time::{Duration, Instant};

use fantoccini::Locator;

use crate::bank::{
    ANSWER, PASSWORD, SPENT, bounded, digits, login, next_code, press, register, staff_sign_in,
    type_into, wait_message, wait_screen,
};
use crate::harness::{Browser, Mode};
use crate::token::{click, selector};

/// The page at `path` in a new browser, with the bank's login screen and a live token.
async fn open_at(mode: Mode, path: &str) -> Browser {
    let browser = Browser::start_in(mode).await;
    browser.open(path).await;
    wait_screen(&browser, "login").await;
    browser
        .wait_text("token-code", ANSWER, |c| digits(c).len() == 6)
        .await;
    browser
}

/// Signs the demo staff member in on the staff page and goes back to the login screen: the
/// lab's clock works from then on.
async fn staff_in(browser: &Browser) {
    staff_sign_in(browser).await;
    press(browser, "ログイン画面に戻る").await;
    wait_screen(browser, "login").await;
    browser
        .wait_text("lab-needs-staff", ANSWER, str::is_empty)
        .await;
}

/// Whether the lab's clock controls are disabled (no staff member signed in).
async fn clock_disabled(browser: &Browser) -> bool {
    let disabled = browser
        .client
        .execute(
            "return [...document.querySelectorAll('.lab-controls button')].every(b => b.disabled);",
            vec![],
        )
        .await
        .expect("read the controls");
    disabled == serde_json::json!(true)
}

async fn present(browser: &Browser, testid: &str) -> bool {
    browser
        .client
        .find(Locator::Css(&selector(testid)))
        .await
        .is_ok()
}

/// Waits for the lab to show the clock shifted by `expected` (in words).
async fn wait_offset(browser: &Browser, expected: &str) {
    browser
        .wait_text("lab-offset", ANSWER, |s| s == expected)
        .await;
}

/// Resizes the window (tall enough for a screenshot of the whole panel).
async fn resize(browser: &Browser, width: u32, height: u32) {
    browser
        .client
        .set_window_size(width, height)
        .await
        .expect("resize the window");
}

/// The lab's code list: (code digits, its step, data-verdict), newest first.
async fn codes(browser: &Browser) -> Vec<(String, u64, String)> {
    let listed = browser
        .client
        .execute(
            "return [...document.querySelectorAll('[data-testid=\"lab-codes\"] li')].map(li => \
             [li.querySelector('.lab-code-value').textContent, \
              li.querySelector('.lab-code-step').textContent, li.dataset.verdict]);",
            vec![],
        )
        .await
        .expect("read the lab's codes");
    serde_json::from_value::<Vec<(String, String, String)>>(listed)
        .expect("three strings per code")
        .into_iter()
        .map(|(code, step, verdict)| (digits(&code), digits(&step).parse().unwrap(), verdict))
        .collect()
}

/// Waits until the code list satisfies `ok`, and returns it.
async fn wait_codes(
    browser: &Browser,
    what: &str,
    ok: impl Fn(&[(String, u64, String)]) -> bool,
) -> Vec<(String, u64, String)> {
    let started = Instant::now();
    loop {
        let listed = codes(browser).await;
        if ok(&listed) {
            return listed;
        }
        assert!(
            started.elapsed() < ANSWER,
            "the lab's codes never showed {what}: {listed:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The verdict the list gives `code`, if it lists it.
fn verdict_of<'a>(listed: &'a [(String, u64, String)], code: &str) -> Option<&'a str> {
    listed
        .iter()
        .find(|(c, _, _)| c == code)
        .map(|(_, _, v)| v.as_str())
}

/// The step the lab shows (the number before its time span).
async fn step(browser: &Browser) -> u64 {
    let shown = browser
        .wait_text("lab-step", ANSWER, |s| !s.is_empty())
        .await;
    digits(shown.split('(').next().unwrap_or_default())
        .parse()
        .unwrap_or_else(|_| panic!("lab-step reads {shown:?}"))
}

/// The token's code once it has 5 s or more to run (so that a few clicks fit in its step).
async fn steady_code(browser: &Browser) -> String {
    let code = digits(&browser.text("token-code").await);
    let remaining: u64 = browser.text("token-remaining").await.parse().unwrap_or(30);
    if remaining >= 5 {
        code
    } else {
        next_code(browser, &code).await
    }
}

/// Whether the page scrolls sideways, and the token's, bank's and lab's boxes
/// (left, top, right, bottom).
async fn layout(browser: &Browser) -> serde_json::Value {
    browser
        .client
        .execute(
            "const box = s => { const r = document.querySelector(s).getBoundingClientRect(); \
             return [r.left, r.top, r.right, r.bottom]; }; \
             return { width: window.innerWidth, \
                      scroll: document.documentElement.scrollWidth, \
                      token: box('section.token'), bank: box('section.bank'), \
                      lab: box('section.lab') };",
            vec![],
        )
        .await
        .expect("measure the page")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lab_is_off_by_default_and_opens_with_lab_1_or_the_switch() {
    bounded(async {
        let browser = open_at(Mode::InPage, "/").await;
        assert!(!present(&browser, "lab-panel").await, "off by default");
        assert_eq!(
            browser.text("lab-toggle").await,
            "時間ラボ(職員用デモ)を開く"
        );
        click(&browser, "lab-toggle").await;
        assert!(present(&browser, "lab-panel").await);
        // Nobody is signed in: the clock stays, and the panel says why.
        assert!(clock_disabled(&browser).await);
        for (testid, words) in [
            ("lab-needs-staff", "職員のサインインが必要"),
            ("lab-resync-bound", "最大2ステップ(60秒)前まで"),
        ] {
            let shown = browser.text(testid).await;
            assert!(shown.contains(words), "{testid}: {shown}");
        }
        click(&browser, "lab-plus-5m").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(browser.text("lab-offset").await, "", "not moved, not read");
        staff_in(&browser).await;
        assert!(!clock_disabled(&browser).await);
        let code = digits(&browser.text("token-code").await);
        wait_codes(&browser, "the token's code, accepted", |listed| {
            verdict_of(listed, &code) == Some("accepted")
        })
        .await;
        assert_eq!(
            browser.text("lab-toggle").await,
            "時間ラボを閉じる(時計を元に戻す)"
        );
        click(&browser, "lab-toggle").await;
        assert!(!present(&browser, "lab-panel").await, "closed again");

        browser.open("/?lab=1").await;
        wait_screen(&browser, "login").await;
        assert!(present(&browser, "lab-panel").await, "?lab=1 opens it");
        // The reload ended the staff session: the clock is locked again until a sign-in.
        assert!(clock_disabled(&browser).await, "a reload signs staff out");
        staff_in(&browser).await;
        wait_offset(&browser, "なし(実際の時刻)").await;
        // The panel follows the page's language.
        press(&browser, "English").await;
        wait_offset(&browser, "none (real time)").await;
        assert_eq!(browser.text("lab-reset").await, "Reset");
        click(&browser, "lab-minus-30s").await;
        wait_offset(&browser, "0 min 30 s behind").await;
        resize(&browser, 1280, 2000).await;
        browser.screenshot_of("lab-panel", "lab-english").await;
        browser.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shifting_the_clock_expires_a_code_and_a_code_spent_at_the_bank_shows_as_used() {
    bounded(async {
        let browser = open_at(Mode::InPage, "/?lab=1").await;
        resize(&browser, 1280, 2000).await;
        staff_in(&browser).await;
        let first = steady_code(&browser).await;
        let listed = wait_codes(&browser, "the token's code, accepted", |listed| {
            verdict_of(listed, &first) == Some("accepted")
        })
        .await;
        let first_step = listed[0].1;
        assert_eq!(step(&browser).await, first_step);
        assert!(browser.text("lab-window").await.starts_with(&format!(
            "ステップ {}〜{}",
            first_step - 1,
            first_step + 1
        )));
        assert_eq!(browser.text("lab-drift").await, "0(ずれなし)");
        assert_eq!(
            browser.text("lab-failures").await,
            "0 / 10(あと10回の失敗でロック)"
        );
        browser
            .screenshot_of("lab-panel", "lab-desktop-start")
            .await;

        // Five minutes on: the token shows the code of ten steps later, and the first code
        // has expired.
        click(&browser, "lab-plus-5m").await;
        wait_offset(&browser, "5分0秒 進めています").await;
        let later = next_code(&browser, &first).await;
        let listed = wait_codes(&browser, "the first code expired", |listed| {
            verdict_of(listed, &first) == Some("expired")
                && verdict_of(listed, &later) == Some("accepted")
        })
        .await;
        assert!(listed[0].1 >= first_step + 10, "{listed:?}");
        assert!(step(&browser).await >= first_step + 10);
        browser
            .screenshot_of("lab-panel", "lab-desktop-plus-5m")
            .await;

        // Back to the real time: the token shows the real code again.
        click(&browser, "lab-reset").await;
        wait_offset(&browser, "なし(実際の時刻)").await;
        browser
            .wait_text("token-code", ANSWER, |c| digits(c) != later)
            .await;

        // A code spent at the bank is marked used, and a used code typed again counts as a
        // failure.
        let spent = register(&browser, None).await;
        let listed = wait_codes(&browser, "the registration code used", |listed| {
            verdict_of(listed, &spent) == Some("used")
        })
        .await;
        let spent_step = listed.iter().find(|(c, _, _)| *c == spent).unwrap().1;
        assert!(
            browser
                .text("lab-last")
                .await
                .starts_with(&spent_step.to_string())
        );
        login(&browser, PASSWORD).await;
        wait_screen(&browser, "login-code").await;
        type_into(&browser, "ワンタイムパスワード", &spent).await;
        press(&browser, "確認").await;
        wait_message(&browser, "bank-error", SPENT).await;
        browser
            .wait_text("lab-failures", ANSWER, |s| s.starts_with("1 / 10"))
            .await;
        browser.screenshot_of("lab-panel", "lab-desktop-used").await;

        // Five minutes back: older codes are refused as used too (the clock cannot undo a use).
        click(&browser, "lab-minus-5m").await;
        wait_codes(&browser, "an older code refused as used", |listed| {
            listed
                .first()
                .is_some_and(|(_, s, v)| *s + 9 <= spent_step && v == "used")
        })
        .await;
        browser
            .screenshot_of("lab-panel", "lab-desktop-minus-5m")
            .await;

        // Closing the lab puts the clock back.
        click(&browser, "lab-toggle").await;
        assert!(!present(&browser, "lab-panel").await);
        click(&browser, "lab-toggle").await;
        wait_offset(&browser, "なし(実際の時刻)").await;
        browser.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lab_sits_under_the_token_on_a_desktop_and_fits_a_phone() {
    bounded(async {
        let browser = open_at(Mode::InPage, "/?lab=1").await;
        resize(&browser, 1280, 1000).await;
        staff_in(&browser).await;
        browser
            .wait_text("lab-step", ANSWER, |s| !s.is_empty())
            .await;
        let desktop = layout(&browser).await;
        browser.screenshot("lab-desktop-page").await;
        let (token, bank, lab) = (&desktop["token"], &desktop["bank"], &desktop["lab"]);
        assert!(
            lab[0] == token[0] && lab[1].as_f64() > token[3].as_f64(),
            "under the token: {desktop}"
        );
        assert!(
            bank[0].as_f64() >= lab[2].as_f64() && bank[1] == token[1],
            "the bank beside both: {desktop}"
        );
        click(&browser, "lab-plus-30s").await;
        wait_offset(&browser, "0分30秒 進めています").await;
        resize(&browser, 360, 4000).await;
        let phone = layout(&browser).await;
        browser.screenshot_of("lab-panel", "lab-phone").await;
        assert!(phone["width"].as_u64() <= Some(360), "{phone}");
        assert!(
            phone["scroll"].as_f64() <= phone["width"].as_f64(),
            "nothing overflows sideways: {phone}"
        );
        // Keyboard: the controls are buttons in tab order.
        let tag = browser
            .client
            .execute(
                "const b = document.querySelector('[data-testid=\"lab-plus-5m\"]'); b.focus(); \
                 return [document.activeElement === b, b.tagName, b.type];",
                vec![],
            )
            .await
            .expect("focus a control");
        assert_eq!(tag, serde_json::json!([true, "BUTTON", "button"]));
        browser.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_remote_service_the_lab_shifts_only_the_token_and_says_so() {
    bounded(async {
        let browser = open_at(Mode::Remote, "/?lab=1").await;
        resize(&browser, 1280, 2000).await;
        assert!(
            clock_disabled(&browser).await,
            "no staff member signed in yet"
        );
        staff_in(&browser).await;
        let note = browser
            .wait_text("lab-note", ANSWER, |s| s.contains("?service="))
            .await;
        assert!(note.contains("トークンの時計だけ"), "{note}");
        for row in ["lab-window", "lab-drift", "lab-failures"] {
            assert_eq!(browser.text(row).await, "—", "{row}");
        }
        let code = digits(&browser.text("token-code").await);
        wait_codes(&browser, "the token's code", |listed| {
            verdict_of(listed, &code).is_some()
        })
        .await;
        click(&browser, "lab-plus-5m").await;
        next_code(&browser, &code).await;
        let listed = wait_codes(&browser, "two codes, not judged", |listed| {
            listed.len() >= 2
        })
        .await;
        assert!(listed.iter().all(|(_, _, v)| v == "unknown"), "{listed:?}");
        browser.screenshot_of("lab-panel", "lab-remote").await;
        browser.close().await;
    })
    .await;
}
