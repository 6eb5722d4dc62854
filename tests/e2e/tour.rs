//! The guided tour, as a customer takes it: through the guide's four chapters in Japanese,
//! registering the demo customer on the way (so the mark follows the real screens), then in
//! English, and on a phone's width.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::key::Key;
use webtoken_engine::i18n::tour::Text;

use crate::bank::{
    ANSWER, CONTRACT, PASSWORD, REGISTERED, bounded, current_code, open, press, token_id,
    type_into, wait_message, wait_screen,
};
use crate::harness::Browser;
use crate::token::click;

const STEPS: usize = webtoken_bank::tour::STEPS.len();

// The bank's controls, as the guide names them.
const LINK_REGISTRATION: &str = "ワンタイムパスワードの利用登録はこちら";
const LINK_STOP: &str = "ワンタイムパスワードの利用停止はこちら";
const LINK_STAFF: &str = "窓口担当者用ページ";
const BACK_TO_LOGIN: &str = "ログイン画面に戻る";

/// What the tour marks: each marked element's `data-testid`, or its text when it has none.
async fn marked(browser: &Browser) -> Vec<String> {
    let found = browser
        .client
        .execute(
            "return Array.from(document.querySelectorAll('[data-tour-current]'), e => \
             e.getAttribute('data-tour-current') === 'true' \
               ? (e.getAttribute('data-testid') || e.textContent.trim()) : 'not true');",
            vec![],
        )
        .await
        .expect("read the marks");
    serde_json::from_value(found).expect("a list of strings")
}

/// The `data-testid` of the focused element.
async fn focused(browser: &Browser) -> String {
    let found = browser
        .client
        .execute(
            "return document.activeElement.getAttribute('data-testid') || '';",
            vec![],
        )
        .await
        .expect("read the focus");
    found.as_str().unwrap_or_default().to_owned()
}

/// Waits until the tour shows step `number` of `chapter`, marking exactly one control:
/// `control` (a `data-testid`, or a button's label). `first`: whether it says what to do first.
async fn expect_step(browser: &Browser, number: usize, chapter: &str, control: &str, first: bool) {
    let count = format!("手順 {number} / {STEPS}");
    browser
        .wait_text("tour-count", ANSWER, |t| t == count)
        .await;
    assert_eq!(browser.text("tour-chapter").await, chapter, "step {number}");
    assert!(!browser.text("tour-text").await.is_empty());
    let started = Instant::now();
    loop {
        let marks = marked(browser).await;
        let detour = browser.text("tour-first").await;
        if marks == [control] && detour.is_empty() != first {
            break;
        }
        assert!(
            started.elapsed() < ANSWER,
            "step {number}: the tour marks {marks:?} and says first {detour:?}; \
             expected [{control:?}], first: {first}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Presses the tour's 次の手順.
async fn next(browser: &Browser) {
    click(browser, "tour-next").await;
}

async fn panel_shown(browser: &Browser) -> bool {
    browser
        .client
        .find(Locator::Css("[data-testid=\"tour-panel\"]"))
        .await
        .expect("the tour's panel")
        .is_displayed()
        .await
        .expect("read the panel")
}

/// Whether the page scrolls sideways, and whether the marked control is in the window and
/// clear of the tour's panel.
async fn fits(browser: &Browser) -> serde_json::Value {
    browser
        .client
        .execute(
            "const m = document.querySelector('[data-tour-current]').getBoundingClientRect(); \
             const p = document.querySelector('[data-testid=tour-panel]').getBoundingClientRect(); \
             return { sideways: document.documentElement.scrollWidth > window.innerWidth, \
                      visible: m.top >= 0 && m.bottom <= p.top, width: window.innerWidth, \
                      marked: [m.top, m.bottom], panel: [p.top, p.bottom], \
                      scroll: window.scrollY, height: window.innerHeight };",
            vec![],
        )
        .await
        .expect("measure the page")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tour_walks_the_four_chapters_marking_each_control_in_both_languages() {
    bounded(async {
        let browser = open().await;
        browser
            .client
            .set_window_size(1280, 900)
            .await
            .expect("desktop size");
        assert!(!panel_shown(&browser).await);
        assert!(marked(&browser).await.is_empty());
        let start = browser.text("tour-start").await;
        assert_eq!(start, "ガイドツアー");

        // 1. The token: Token ID, code, countdown. The tour opens on its heading.
        click(&browser, "tour-start").await;
        let chapter = "1. トークンの取得";
        expect_step(&browser, 1, chapter, "token-id", false).await;
        assert!(panel_shown(&browser).await);
        assert_eq!(focused(&browser).await, "tour-chapter");
        assert_eq!(browser.text("tour-text").await, Text::TokenId.ja());
        browser.screenshot("tour-desktop-1-token-id").await;
        next(&browser).await;
        expect_step(&browser, 2, chapter, "token-code", false).await;
        assert_eq!(focused(&browser).await, "tour-next");
        next(&browser).await;
        expect_step(&browser, 3, chapter, "token-countdown", false).await;

        // 2. Registration, done for real: the mark follows the screens.
        let chapter = "2. 利用登録";
        next(&browser).await;
        expect_step(&browser, 4, chapter, LINK_REGISTRATION, false).await;
        next(&browser).await;
        // The contract ID field is not on show yet: the link that leads there is marked.
        expect_step(&browser, 5, chapter, LINK_REGISTRATION, true).await;
        assert_eq!(
            browser.text("tour-first").await,
            Text::FirstOpenRegistration.ja()
        );
        browser.screenshot("tour-desktop-5-first").await;
        press(&browser, LINK_REGISTRATION).await;
        wait_screen(&browser, "registration-credentials").await;
        expect_step(&browser, 5, chapter, "bank-contract-id", false).await;
        type_into(&browser, "契約者ID", CONTRACT).await;
        next(&browser).await;
        expect_step(&browser, 6, chapter, "bank-password", false).await;
        type_into(&browser, "ログインパスワード", PASSWORD).await;
        next(&browser).await;
        expect_step(&browser, 7, chapter, "次へ", false).await;
        press(&browser, "次へ").await;
        wait_screen(&browser, "registration-details").await;
        // The press moved the tour on to the next screen's first step.
        expect_step(&browser, 8, chapter, "bank-token-id", false).await;
        type_into(&browser, "トークンID", &token_id(&browser).await).await;
        next(&browser).await;
        expect_step(&browser, 9, chapter, "bank-code", false).await;
        type_into(
            &browser,
            "ワンタイムパスワード",
            &current_code(&browser).await,
        )
        .await;
        browser.screenshot("tour-desktop-9-code").await;
        next(&browser).await;
        expect_step(&browser, 10, chapter, "登録", false).await;
        press(&browser, "登録").await;
        wait_screen(&browser, "registration-done").await;
        wait_message(&browser, "bank-result", REGISTERED).await;
        expect_step(&browser, 11, chapter, BACK_TO_LOGIN, false).await;
        browser.screenshot("tour-desktop-11-registered").await;
        press(&browser, BACK_TO_LOGIN).await;
        wait_screen(&browser, "login").await;

        // 3. Login, read through: the code step's controls appear only after ログイン.
        let chapter = "3. ログイン方法";
        expect_step(&browser, 12, chapter, "bank-contract-id", false).await;
        next(&browser).await;
        expect_step(&browser, 13, chapter, "bank-password", false).await;
        next(&browser).await;
        expect_step(&browser, 14, chapter, "ログイン", false).await;
        for number in 15..=17 {
            next(&browser).await;
            expect_step(&browser, number, chapter, "ログイン", true).await;
        }
        assert_eq!(browser.text("tour-first").await, Text::FirstLogin.ja());

        // 4. Stop, read through from the login screen.
        let chapter = "4. 利用停止方法";
        next(&browser).await;
        expect_step(&browser, 18, chapter, LINK_STOP, false).await;
        for number in 19..STEPS - 2 {
            next(&browser).await;
            expect_step(&browser, number, chapter, LINK_STOP, true).await;
        }
        // Staff stop what the customer cannot, signed in first.
        next(&browser).await;
        expect_step(&browser, STEPS - 2, chapter, LINK_STAFF, false).await;
        next(&browser).await;
        expect_step(&browser, STEPS - 1, chapter, LINK_STAFF, true).await;
        assert_eq!(browser.text("tour-first").await, Text::FirstOpenStaff.ja());
        next(&browser).await;
        expect_step(&browser, STEPS, chapter, "tour-next", false).await;
        assert_eq!(browser.text("tour-next").await, "ツアーを終了");
        click(&browser, "tour-back").await;
        expect_step(&browser, STEPS - 1, chapter, LINK_STAFF, true).await;
        assert_eq!(focused(&browser).await, "tour-back");
        next(&browser).await;
        expect_step(&browser, STEPS, chapter, "tour-next", false).await;
        next(&browser).await;
        assert!(!panel_shown(&browser).await, "finished");
        assert!(marked(&browser).await.is_empty());
        assert_eq!(focused(&browser).await, "tour-start");

        // English: the tour follows the bank's language toggle, mid-step.
        click(&browser, "tour-start").await;
        expect_step(&browser, 1, "1. トークンの取得", "token-id", false).await;
        for _ in 0..3 {
            next(&browser).await;
        }
        expect_step(&browser, 4, "2. 利用登録", LINK_REGISTRATION, false).await;
        press(&browser, "English").await;
        browser
            .wait_text("tour-count", ANSWER, |t| t == format!("Step 4 of {STEPS}"))
            .await;
        assert_eq!(browser.text("tour-chapter").await, "2. Register");
        assert_eq!(browser.text("tour-text").await, Text::RegisterOpen.en());
        assert_eq!(browser.text("tour-next").await, "Next step");
        assert_eq!(browser.text("tour-start").await, "Guided tour");
        assert_eq!(
            marked(&browser).await,
            ["Register for one-time passwords here"]
        );
        browser.screenshot("tour-desktop-4-en").await;
        next(&browser).await;
        browser
            .wait_text("tour-first", ANSWER, |t| {
                t == Text::FirstOpenRegistration.en()
            })
            .await;

        // Escape closes the tour, focus back on its button.
        browser
            .client
            .active_element()
            .await
            .expect("the focused element")
            .send_keys(&char::from(Key::Escape).to_string())
            .await
            .expect("press Escape");
        let started = Instant::now();
        while panel_shown(&browser).await {
            assert!(started.elapsed() < ANSWER, "Escape closes the tour");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(focused(&browser).await, "tour-start");
        assert!(marked(&browser).await.is_empty());

        // A phone: the panel is a sheet along the bottom, the marked control above it.
        browser
            .client
            .set_window_size(360, 740)
            .await
            .expect("phone size");
        press(&browser, "日本語").await;
        browser
            .client
            .execute("window.scrollTo(0, 0);", vec![])
            .await
            .expect("scroll to the top");
        browser.screenshot("tour-phone-start").await;
        click(&browser, "tour-start").await;
        expect_step(&browser, 5, "2. 利用登録", LINK_REGISTRATION, true).await;
        let phone = fits(&browser).await;
        assert_eq!(phone["width"].as_u64(), Some(360), "{phone}");
        assert_eq!(phone["sideways"], false, "{phone}");
        assert_eq!(phone["visible"], true, "{phone}");
        browser.screenshot("tour-phone-5-first").await;
        for (number, control) in [
            (4, LINK_REGISTRATION),
            (3, "token-countdown"),
            (2, "token-code"),
            (1, "token-id"),
        ] {
            click(&browser, "tour-back").await;
            let chapter = if number == 4 {
                "2. 利用登録"
            } else {
                "1. トークンの取得"
            };
            expect_step(&browser, number, chapter, control, false).await;
        }
        assert_eq!(
            focused(&browser).await,
            "tour-next",
            "the first step has no way back"
        );
        let phone = fits(&browser).await;
        assert_eq!(phone["visible"], true, "{phone}");
        browser.screenshot("tour-phone-1-token-id").await;
        browser.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tour_panel_is_a_labelled_dialog_with_a_live_step_text() {
    bounded(async {
        let browser = open().await;
        let found = browser
            .client
            .execute(
                "const q = id => document.querySelector(`[data-testid=${id}]`); \
                 const p = q('tour-panel'); \
                 return [p.getAttribute('role'), \
                         document.getElementById(p.getAttribute('aria-labelledby')).textContent, \
                         q('tour-text').getAttribute('aria-live'), \
                         q('tour-start').getAttribute('aria-controls') === p.id, \
                         q('tour-start').getAttribute('aria-expanded')];",
                vec![],
            )
            .await
            .expect("read the panel");
        assert_eq!(
            found,
            serde_json::json!(["dialog", "ガイドツアー", "polite", true, "false"])
        );
        click(&browser, "tour-start").await;
        expect_step(&browser, 1, "1. トークンの取得", "token-id", false).await;
        let expanded = browser
            .client
            .execute(
                "return document.querySelector('[data-testid=tour-start]').getAttribute('aria-expanded');",
                vec![],
            )
            .await
            .expect("read the button");
        assert_eq!(expanded, serde_json::json!("true"));
        // The start button closes it again.
        click(&browser, "tour-start").await;
        assert!(!panel_shown(&browser).await);
        browser.close().await;
    })
    .await;
}
