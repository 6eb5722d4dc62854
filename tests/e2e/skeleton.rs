//! The walking skeleton: the page loads the wasm module and shows a live token.

use std::time::Duration;

use crate::harness::Browser;

fn is_grouped_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[3] == b' '
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 3 || c.is_ascii_digit())
}

fn is_grouped_token_id(s: &str) -> bool {
    let parts: Vec<&str> = s.split(' ').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts[0].bytes().all(|c| c.is_ascii_uppercase())
        && parts[1..]
            .iter()
            .all(|p| p.len() == 4 && p.bytes().all(|c| c.is_ascii_digit()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_shows_a_live_token_that_turns_over_with_the_period() {
    let browser = Browser::start().await;
    browser.open("/").await;

    let token_id = browser
        .wait_text("token-id", Duration::from_secs(20), is_grouped_token_id)
        .await;
    let code = browser
        .wait_text("token-code", Duration::from_secs(5), is_grouped_code)
        .await;
    let remaining: u64 = browser
        .text("token-remaining")
        .await
        .parse()
        .expect("seconds");
    let now = browser.now_seconds().await;
    let expected = 30 - now % 30;
    // The two readings are a moment apart: allow one second, across the wrap-around too.
    let apart = (remaining + 30 - expected) % 30;
    assert!(
        (1..=30).contains(&remaining) && (apart <= 1 || apart == 29),
        "remaining {remaining}, browser clock says {expected}"
    );
    assert_eq!(browser.text("status").await, "", "no error is shown");
    browser.screenshot("skeleton-token").await;

    // Wait for the period to turn over (at most 31 s): the code changes, the Token ID does not,
    // and the countdown starts again.
    let changed = browser
        .wait_text("token-code", Duration::from_secs(32), |c| {
            is_grouped_code(c) && c != code
        })
        .await;
    assert_ne!(changed, code);
    let remaining: u64 = browser
        .text("token-remaining")
        .await
        .parse()
        .expect("seconds");
    assert!(
        remaining >= 28,
        "a new period starts near 30 s, got {remaining}"
    );
    assert_eq!(browser.text("token-id").await, token_id);
    browser.close().await;
}
