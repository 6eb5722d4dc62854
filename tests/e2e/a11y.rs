//! Accessibility: axe-core (the npm package, installed by `make setup` into
//! `.tools/axe-core/`) is run on every screen of the page — the token panel with all of its
//! sections open, each bank screen and the staff page — in Japanese and in English. No
//! serious or critical violation may be found.

use std::time::Duration;

use crate::bank::{
    PASSWORD, credentials, current_code, login, next_code, open, press, screen, staff_lookup,
    staff_sign_in, token_id, type_into, wait_screen,
};
use crate::harness::{Browser, root};
use crate::token::click;

/// The axe-core build the tests inject.
fn axe_source() -> String {
    let path = root().join(".tools/axe-core/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} ({e}): run `make setup` first", path.display()))
}

/// Runs axe on the whole document; returns its serious and critical violations, one line each.
async fn axe(browser: &Browser, axe: &str) -> Vec<String> {
    let present = browser
        .client
        .execute("return typeof window.axe;", vec![])
        .await
        .expect("look for axe");
    if present != serde_json::json!("object") {
        browser
            .client
            .execute(&format!("{axe}\n;return typeof window.axe;"), vec![])
            .await
            .expect("inject axe-core");
    }
    let found = browser
        .client
        .execute_async(
            r#"const done = arguments[0];
            axe.run(document, { resultTypes: ["violations"] }).then(
              (r) => done({ ok: true, rules: r.passes.length + r.violations.length + r.incomplete.length + r.inapplicable.length,
                 violations: r.violations
                  .filter((v) => v.impact === "serious" || v.impact === "critical")
                  .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`) }),
              (e) => done({ ok: false, error: String(e) }));"#,
            vec![],
        )
        .await
        .expect("run axe");
    assert_eq!(found["ok"], serde_json::json!(true), "axe ran: {found}");
    assert!(
        found["rules"].as_u64().unwrap_or(0) > 20,
        "axe checked its rules: {found}"
    );
    found["violations"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The axe source, and what the checks found so far.
struct Audit {
    axe: String,
    /// The screens checked, by their `data-screen`.
    checked: Vec<String>,
    /// Serious or critical violations, one line each with its screen and language.
    failures: Vec<String>,
}

impl Audit {
    /// Checks the current screen in its language, then in the other, and switches back.
    async fn check(&mut self, browser: &Browser) {
        let name = screen(browser).await;
        let mut seen = Vec::new();
        for _ in 0..2 {
            let lang = browser
                .client
                .execute("return document.documentElement.lang;", vec![])
                .await
                .expect("the page's language");
            seen.push(lang.clone());
            for violation in axe(browser, &self.axe).await {
                self.failures.push(format!("[{name}, {lang}] {violation}"));
            }
            click(browser, "bank-lang").await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(
            seen.len() == 2 && seen[0] != seen[1],
            "[{name}] checked in two languages: {seen:?}"
        );
        self.checked.push(name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_has_no_serious_or_critical_axe_violation_in_either_language() {
    let mut audit = Audit {
        axe: axe_source(),
        checked: Vec::new(),
        failures: Vec::new(),
    };
    let browser = open().await;

    // The check can fail: an image without a text alternative (a critical violation) is found.
    browser
        .client
        .execute(
            "const i = document.createElement('img'); i.id = 'a11y-probe'; i.src = 'www/icon.svg'; document.body.append(i);",
            vec![],
        )
        .await
        .expect("add a probe");
    let probe = axe(&browser, &audit.axe).await;
    assert!(
        probe.iter().any(|v| v.starts_with("image-alt (critical)")),
        "axe finds a planted violation: {probe:?}"
    );
    browser
        .client
        .execute("document.getElementById('a11y-probe').remove();", vec![])
        .await
        .expect("remove the probe");

    // The token panel with every section open, beside the login screen.
    browser
        .client
        .execute(
            "document.querySelectorAll('details').forEach((d) => d.open = true);",
            vec![],
        )
        .await
        .expect("open the token's sections");
    audit.check(&browser).await;

    // The login screen with an error shown.
    login(&browser, "wrong-password").await;
    browser
        .wait_text("bank-error", Duration::from_secs(15), |t| !t.is_empty())
        .await;
    audit.check(&browser).await;

    // Registration: its two steps and the result.
    press(&browser, "ワンタイムパスワードの利用登録はこちら").await;
    wait_screen(&browser, "registration-credentials").await;
    audit.check(&browser).await;
    credentials(&browser, crate::bank::CONTRACT, PASSWORD, "次へ").await;
    wait_screen(&browser, "registration-details").await;
    audit.check(&browser).await;
    let id = token_id(&browser).await;
    let spent = current_code(&browser).await;
    type_into(&browser, "トークンID", &id).await;
    type_into(&browser, "ワンタイムパスワード", &spent).await;
    press(&browser, "登録").await;
    wait_screen(&browser, "registration-done").await;
    audit.check(&browser).await;
    press(&browser, "ログイン画面に戻る").await;
    wait_screen(&browser, "login").await;

    // Login: the code step, then signed in.
    login(&browser, PASSWORD).await;
    wait_screen(&browser, "login-code").await;
    audit.check(&browser).await;
    let code = next_code(&browser, &spent).await;
    type_into(&browser, "ワンタイムパスワード", &code).await;
    press(&browser, "確認").await;
    wait_screen(&browser, "signed-in").await;
    audit.check(&browser).await;
    press(&browser, "ログアウト").await;
    wait_screen(&browser, "login").await;

    // Stop: both steps and the result.
    press(&browser, "ワンタイムパスワードの利用停止はこちら").await;
    wait_screen(&browser, "stop-credentials").await;
    audit.check(&browser).await;
    credentials(&browser, crate::bank::CONTRACT, PASSWORD, "次へ").await;
    wait_screen(&browser, "stop-code").await;
    audit.check(&browser).await;
    let code = next_code(&browser, &code).await;
    type_into(&browser, "ワンタイムパスワード", &code).await;
    press(&browser, "停止").await;
    wait_screen(&browser, "stop-done").await;
    audit.check(&browser).await;
    press(&browser, "ログイン画面に戻る").await;
    wait_screen(&browser, "login").await;

    // Resynchronisation's first screen.
    press(&browser, "ワンタイムパスワードの同期ズレ補正はこちら").await;
    let started = std::time::Instant::now();
    while screen(&browser).await == "login" {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the resync screen opens"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    audit.check(&browser).await;
    press(&browser, "ログイン画面に戻る").await;
    wait_screen(&browser, "login").await;

    // The staff page: its sign-in, the lookup and a customer's record with its audit trail.
    press(&browser, "窓口担当者用ページ").await;
    wait_screen(&browser, "staff-signin").await;
    audit.check(&browser).await;
    press(&browser, "ログイン画面に戻る").await;
    wait_screen(&browser, "login").await;
    staff_sign_in(&browser).await;
    audit.check(&browser).await;
    press(&browser, "ログイン画面に戻る").await;
    wait_screen(&browser, "login").await;
    staff_lookup(&browser).await;
    audit.check(&browser).await;

    browser.close().await;
    let Audit {
        checked, failures, ..
    } = audit;
    assert!(checked.len() >= 10, "screens checked: {checked:?}");
    assert!(
        failures.is_empty(),
        "serious or critical accessibility violations on {checked:?}:\n{}",
        failures.join("\n")
    );
}
