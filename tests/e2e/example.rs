//! The package's example page (`www/example/validator.html`, issue 22): it loads the package
//! through its public entry point only, shows a token's code, and validates what a person
//! types, once.

use std::time::Duration;

use fantoccini::Locator;

use crate::bank::{ANSWER, bounded, digits};
use crate::harness::Browser;

/// Types `text` into the field labelled `label`, replacing what it held.
async fn type_into(browser: &Browser, label: &str, text: &str) {
    let xpath = format!("//input[@id=//label[normalize-space()='{label}']/@for]");
    let input = browser
        .client
        .find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no field labelled {label:?}: {e}"));
    input.clear().await.expect("clear the field");
    input.send_keys(text).await.expect("type");
}

/// Clicks the button whose text is `label`.
async fn press(browser: &Browser, label: &str) {
    let xpath = format!("//button[normalize-space()=\"{label}\"]");
    browser
        .client
        .find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no button {label:?}: {e}"))
        .click()
        .await
        .expect("click");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_page_shows_a_code_and_validates_it_once() {
    bounded(async {
        let browser = Browser::start_preferring("en").await;
        browser.open("/www/example/validator.html").await;
        browser
            .wait_text("example-status", ANSWER, |s| s == "Ready.")
            .await;
        let token_id = browser.text("example-token-id").await;
        assert!(
            token_id.starts_with("WBTK") && digits(&token_id).len() == 8,
            "{token_id}"
        );
        // A code with time to spare, so the one typed is still the current one.
        let code = loop {
            let left = browser.text("example-seconds").await;
            if digits(&left).parse::<u32>().unwrap_or(0) > 5 {
                break browser.text("example-code").await;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        assert_eq!(digits(&code).len(), 6, "{code}");

        type_into(&browser, "One-time password (6 digits)", "12345x").await;
        press(&browser, "Validate").await;
        browser
            .wait_text("example-result", ANSWER, |s| {
                s.starts_with("Rejected: malformed")
            })
            .await;

        type_into(&browser, "One-time password (6 digits)", &code).await;
        press(&browser, "Validate").await;
        browser
            .wait_text("example-result", ANSWER, |s| s.starts_with("Accepted"))
            .await;
        browser.screenshot("example-accepted").await;

        // The state's round trip keeps the used code used.
        press(&browser, "Save and reload the validator's state").await;
        browser
            .wait_text("example-result", ANSWER, |s| s.starts_with("State saved"))
            .await;
        press(&browser, "Validate").await;
        browser
            .wait_text("example-result", ANSWER, |s| {
                s.starts_with("Rejected: replayed")
            })
            .await;
        let errors: Vec<String> = browser
            .console()
            .await
            .into_iter()
            .filter(|m| m.contains("SEVERE"))
            .collect();
        assert!(errors.is_empty(), "console errors: {errors:?}");
        browser.close().await;
    })
    .await;
}
