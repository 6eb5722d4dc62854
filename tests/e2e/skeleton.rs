//! The walking skeleton: the page loads the wasm module and shows a live token.

use std::time::Duration;

use crate::harness::{Browser, is_grouped_code, is_grouped_token_id};

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

/// The package's JavaScript API, called from the page as an embedding developer would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_js_api_gives_rfc_codes_and_readable_errors() {
    let browser = Browser::start().await;
    browser.open("/").await;
    browser
        .wait_text("token-code", Duration::from_secs(20), is_grouped_code)
        .await;
    let script = r#"
        const done = arguments[arguments.length - 1];
        import("/pkg/webtoken.js").then((m) => {
            const s20 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
            const out = {
                totp6: m.totp(s20, 1234567890, 6, 30, "SHA1"),
                totp8: m.totp(s20, 59, 8, 30, "SHA1"),
                far: m.totp(s20, 20000000000, 8, 30, "SHA1"),
                hotp0: m.hotp(s20, 0n, 6, "SHA1"),
                hotp9: m.hotp(s20, 9, 6, "SHA1"),
                hotpBig: m.hotp(s20, 18446744073709551615n, 6, "SHA1"),
            };
            const err = (f) => { try { f(); return null; } catch (e) { return (e instanceof Error) + ":" + e.message; } };
            out.nan = err(() => m.totp(s20, NaN, 6, 30, "SHA1"));
            out.negative = err(() => m.totp(s20, -1, 6, 30, "SHA1"));
            out.fraction = err(() => m.totp(s20, 1.5, 6, 30, "SHA1"));
            out.huge = err(() => m.totp(s20, 1e300, 6, 30, "SHA1"));
            out.algorithm = err(() => m.totp(s20, 59, 6, 30, "MD5"));
            out.short = err(() => m.hotp("GEZDGNBV", 0n, 6, "SHA1"));
            out.tooBig = err(() => m.hotp(s20, 18446744073709551616n, 6, "SHA1"));
            done(out);
        }, (e) => done({ importError: String(e) }));
    "#;
    let out = browser
        .client
        .execute_async(script, vec![])
        .await
        .expect("run the module script");
    let get = |k: &str| out[k].as_str().unwrap_or_default().to_owned();
    assert_eq!(get("importError"), "");
    assert_eq!(get("totp6"), "005924");
    assert_eq!(get("totp8"), "94287082");
    assert_eq!(get("far"), "65353130", "RFC 6238 T = 20000000000");
    assert_eq!(get("hotp0"), "755224");
    assert_eq!(get("hotp9"), "520489");
    assert_eq!(get("hotpBig").len(), 6);
    for key in [
        "nan",
        "negative",
        "fraction",
        "huge",
        "algorithm",
        "short",
        "tooBig",
    ] {
        let message = get(key);
        assert!(
            message.starts_with("true:") && message.len() > 10,
            "{key} must throw a readable Error, got {message:?}"
        );
    }
    assert!(get("nan").contains("unixSeconds"), "{}", get("nan"));
    // The value is shown as JavaScript writes it (String(value)), not by Rust's float formatter.
    assert!(get("fraction").contains("(1.5)"), "{}", get("fraction"));
    assert!(get("huge").contains("(1e+300)"), "{}", get("huge"));
    let dts = std::fs::read_to_string(crate::harness::root().join("pkg/webtoken.d.ts"))
        .expect("the generated .d.ts");
    assert!(
        dts.contains("export function totp(secretBase32: string, unixSeconds: number, digits: number, period: number, algorithm: string): string;"),
        "{dts}"
    );
    assert!(dts.contains("export function hotp(secretBase32: string, counter: bigint | number, digits: number, algorithm: string): string;"), "{dts}");
    browser.close().await;
}
