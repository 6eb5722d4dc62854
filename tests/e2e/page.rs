//! The page as a whole: its Content-Security-Policy and Trusted Types are in force (and the
//! wasm runs under them), it cannot be framed, a secret never reaches the address bar, the
//! title or the console, and after the first visit it opens offline and updates without
//! losing tokens.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use webtoken_server::{Request, Response, Routes, Server};
use webtoken_token::otpauth::KeyUri;

use crate::harness::{Browser, is_grouped_code, is_grouped_token_id, root};
use crate::token::{
    KNOWN_URI, click, exported_uri, open_details, open_ready, ready, shown_code_matches, type_into,
};

const WAIT: Duration = Duration::from_secs(20);

/// Runs `code` (an async function body) in the page and returns what it resolves to.
async fn run_async(browser: &Browser, code: &str) -> serde_json::Value {
    let wrapped = format!(
        "const done = arguments[0]; (async () => {{ {code} }})().then(done, e => done('threw: ' + e));"
    );
    browser
        .client
        .execute_async(&wrapped, vec![])
        .await
        .unwrap_or_else(|e| panic!("run {code}: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_scripts_do_not_run_the_page_cannot_be_framed_and_the_wasm_still_loads() {
    // The wasm loaded and runs under the policy: the token shows a code. (Code run through
    // WebDriver is exempt from the CSP's eval check, so eval is tested by the served page.)
    let browser = open_ready().await;
    browser.wait_text("token-code", WAIT, is_grouped_code).await;

    // What an attacker's markup injection would try. Each must fail, and say why.
    let outcome = run_async(
        &browser,
        r#"
        window.__injected = 0;
        const violations = [];
        document.addEventListener("securitypolicyviolation", (e) => violations.push(e.effectiveDirective));
        const refused = [];
        const attempt = (name, f) => { try { f(); } catch (e) { refused.push(name + ": " + e.name); } };
        attempt("script text", () => {
          const s = document.createElement("script");
          s.textContent = "window.__injected += 1";
          document.body.append(s);
        });
        attempt("script node", () => {
          const s = document.createElement("script");
          s.append(document.createTextNode("window.__injected += 1"));
          document.body.append(s);
        });
        attempt("inline handler", () => {
          document.body.insertAdjacentHTML("beforeend", '<img src="x" onerror="window.__injected += 1">');
        });
        attempt("handler attribute", () => {
          const img = document.createElement("img");
          img.setAttribute("onerror", "window.__injected += 1");
          img.src = "data:,x";
          document.body.append(img);
        });
        attempt("another policy", () => trustedTypes.createPolicy("attacker", { createHTML: (s) => s }));
        await new Promise((r) => setTimeout(r, 500));
        return { injected: window.__injected, refused, violations: [...new Set(violations)].sort() };
        "#,
    )
    .await;
    assert_eq!(
        outcome["injected"],
        serde_json::json!(0),
        "no injected script ran: {outcome}"
    );
    let refused = outcome["refused"].to_string();
    for name in [
        "script text",
        "inline handler",
        "handler attribute",
        "another policy",
    ] {
        assert!(refused.contains(name), "{name} was refused: {outcome}");
    }
    let violations = outcome["violations"].to_string();
    assert!(
        violations.contains("require-trusted-types-for"),
        "Trusted Types reported: {outcome}"
    );

    // The headers, as served.
    let headers = run_async(
        &browser,
        r#"const r = await fetch("/"); return [r.headers.get("content-security-policy"), r.headers.get("x-frame-options")];"#,
    )
    .await;
    assert_eq!(
        headers,
        serde_json::json!([webtoken_server::CONTENT_SECURITY_POLICY, "DENY"])
    );

    // Framed, even by its own origin, the page does not load.
    let framed = run_async(
        &browser,
        r#"
        const frame = document.createElement("iframe");
        const loaded = new Promise((r) => frame.addEventListener("load", () => r("loaded")));
        frame.src = "/";
        document.body.append(frame);
        const settled = await Promise.race([loaded, new Promise((r) => setTimeout(() => r("no load event"), 10000))]);
        let inside;
        try {
          const doc = frame.contentDocument;
          inside = doc === null ? "blocked: no document"
            : doc.querySelector("[data-testid=token-panel]") !== null ? "rendered"
            : "blocked: " + doc.URL;
        } catch (e) { inside = "blocked: " + e.name; }
        frame.remove();
        return settled + ", " + inside;
        "#,
    )
    .await;
    let framed = framed.as_str().unwrap_or_default().to_owned();
    assert!(
        framed.starts_with("loaded, blocked"),
        "the frame loaded and the page did not render in it: {framed}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_script_injected_into_the_served_html_does_not_run_and_the_wasm_still_loads() {
    // As if an attacker had got markup into the page: an inline script, an inline event
    // handler and an inline style, served with the page's real headers and meta policy.
    let dir = copy_of_the_page("injected");
    let html = std::fs::read_to_string(dir.join("index.html")).expect("read index.html");
    let injected = html.replacen(
        "<body>",
        "<body>\n<script>window.__injected = 'inline script';</script>\n\
         <img src=\"missing.png\" alt=\"\" onerror=\"window.__injected = 'inline handler'\">\n\
         <p id=\"injected-style\" style=\"display: none\">injected</p>",
        1,
    );
    assert_ne!(injected, html, "the markup went in");
    std::fs::write(dir.join("index.html"), injected).expect("write index.html");
    let (addr, stopper) = Server::new(&dir)
        .spawn_stoppable(0)
        .expect("serve the copy");
    let browser = Browser::start().await;
    browser.open_on(addr, "/").await;
    // The wasm runs: a live code.
    browser.wait_text("token-code", WAIT, is_grouped_code).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let seen = run_async(
        &browser,
        r#"return [typeof window.__injected, document.querySelectorAll("script:not([src])").length,
                   getComputedStyle(document.getElementById("injected-style")).display];"#,
    )
    .await;
    // The script is in the document but never ran; the inline style was not applied either.
    assert_eq!(seen, serde_json::json!(["undefined", 1, "block"]), "{seen}");
    browser.close().await;
    stopper.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_never_reaches_the_address_bar_the_title_or_the_console() {
    let browser = open_ready().await;
    let _ = browser.console().await; // start from an empty log
    let known = KeyUri::parse(KNOWN_URI).expect("a valid Key URI");
    open_details(&browser, "ImportTitle").await;
    type_into(&browser, "token-import-input", KNOWN_URI).await;
    click(&browser, "token-import").await;
    browser
        .wait_text("token-label", WAIT, |t| t.contains("Example"))
        .await;
    ready(&browser).await;
    // The customer exports it on purpose: then, and only then, the DOM shows it.
    let uri = exported_uri(&browser).await;
    let own = KeyUri::parse(&uri).expect("the export is a valid Key URI");
    // Errors go to the console too: provoke some.
    type_into(&browser, "token-import-input", "otpauth://totp/x?secret=!!").await;
    click(&browser, "token-import").await;
    browser
        .wait_text("token-message", WAIT, |t| !t.is_empty())
        .await;
    browser.client.refresh().await.expect("reload");
    browser.wait_text("token-code", WAIT, is_grouped_code).await;

    let secrets = [known.secret.to_base32(), own.secret.to_base32()];
    let url = browser
        .client
        .current_url()
        .await
        .expect("the address")
        .to_string();
    let title = browser.client.title().await.expect("the title");
    // The log is really read: a marker written now is in it.
    browser
        .client
        .execute("console.log('webtoken-e2e-marker');", vec![])
        .await
        .expect("log a marker");
    let console = browser.console().await.join("\n");
    assert!(
        console.contains("webtoken-e2e-marker"),
        "the console log is read: {console}"
    );
    for secret in &secrets {
        let lower = secret.to_lowercase();
        for (place, text) in [("address", &url), ("title", &title), ("console", &console)] {
            assert!(
                !text.contains(secret.as_str()) && !text.to_lowercase().contains(&lower),
                "the secret is in the {place}: {text}"
            );
        }
    }
    browser.close().await;
}

/// A copy of the page's files in a folder of its own, so that a test can change them.
fn copy_of_the_page(name: &str) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("make the folder");
        for entry in std::fs::read_dir(from).expect("read the folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                copy(&path, &to.join(entry.file_name()));
            } else {
                std::fs::copy(&path, to.join(entry.file_name())).expect("copy a file");
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("webtoken-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for file in ["index.html", "sw.js"] {
        std::fs::create_dir_all(&dir).expect("make the folder");
        std::fs::copy(root().join(file), dir.join(file)).expect("copy a file");
    }
    copy(&root().join("www"), &dir.join("www"));
    copy(&root().join("pkg"), &dir.join("pkg"));
    dir
}

/// Notes every request for the wasm and whether it came with an `If-None-Match` (a
/// revalidation, answered 304 when unchanged); answers none itself.
#[derive(Default)]
struct WasmRequests(Mutex<Vec<bool>>);

impl Routes for WasmRequests {
    fn handle(&self, request: &Request) -> Option<Response> {
        if request.path == "/pkg/webtoken_bg.wasm" {
            self.0
                .lock()
                .expect("not poisoned")
                .push(request.header("if-none-match").is_some());
        }
        None
    }
}

/// Waits until the service worker controls the page and holds a complete shell.
async fn wait_for_offline_copy(browser: &Browser) {
    let started = Instant::now();
    loop {
        let state = run_async(
            browser,
            r#"const names = await caches.keys();
               return navigator.serviceWorker.controller !== null
                 && names.some((n) => n.startsWith("webtoken-shell-"))
                 && names.includes("webtoken-current");"#,
        )
        .await;
        if state == serde_json::Value::Bool(true) {
            return;
        }
        assert!(
            started.elapsed() < WAIT,
            "the service worker never took over: {state}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn reload_and_wait(browser: &Browser) {
    browser.client.refresh().await.expect("reload");
    browser
        .wait_text("token-id", WAIT, is_grouped_token_id)
        .await;
    browser.wait_text("token-code", WAIT, is_grouped_code).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_first_visit_the_token_works_offline_and_a_new_version_keeps_the_tokens() {
    let dir = copy_of_the_page("offline");
    let wasm_requests = Arc::new(WasmRequests::default());
    let (addr, stopper): (SocketAddr, _) = Server::new(&dir)
        .with_routes(Arc::clone(&wasm_requests) as Arc<dyn Routes>)
        .spawn_stoppable(0)
        .expect("serve the copy");
    let browser = Browser::start().await;
    browser.open_on(addr, "/").await;
    let token_id = browser
        .wait_text("token-id", WAIT, is_grouped_token_id)
        .await;
    ready(&browser).await;
    let key = KeyUri::parse(&exported_uri(&browser).await).expect("a valid Key URI");
    wait_for_offline_copy(&browser).await;
    // The wasm crossed the network once: the page downloaded it, and the service worker's copy
    // was a revalidation (ETag, 304), not a second download.
    let seen = wasm_requests.0.lock().expect("not poisoned").clone();
    assert_eq!(
        seen.iter().filter(|revalidated| !**revalidated).count(),
        1,
        "one full download of the wasm on a first visit: {seen:?}"
    );
    assert!(
        seen.contains(&true),
        "the service worker revalidated: {seen:?}"
    );

    // A new version is deployed: the page learns of it, and the next load uses it.
    let style = dir.join("pkg/webtoken.css");
    let mut css = std::fs::read_to_string(&style).expect("read the stylesheet");
    css.push_str("\n.e2e-version-2 { color: inherit; }\n");
    std::fs::write(&style, css).expect("deploy version 2");
    let shell = dir.join("pkg/shell.json");
    let manifest = std::fs::read_to_string(&shell).expect("read the shell manifest");
    let old: serde_json::Value = serde_json::from_str(&manifest).expect("JSON");
    let version = old["version"].as_str().expect("a version").to_owned();
    std::fs::write(&shell, manifest.replace(&version, "e2e-version-2")).expect("deploy version 2");
    reload_and_wait(&browser).await;
    browser
        .wait_text("status", WAIT, |t| t.contains("新しいバージョン"))
        .await;
    // A page whose (async) script starts listening after the announcement asks the worker,
    // which answers while a version is pending.
    let answer = run_async(
        &browser,
        r#"const sw = navigator.serviceWorker;
        const heard = new Promise((told) => sw.addEventListener("message", (e) => told(e.data.type)));
        sw.controller.postMessage({ type: "webtoken-pending?" });
        return await Promise.race([heard, new Promise((late) => setTimeout(() => late("no answer"), 5000))]);"#,
    )
    .await;
    assert_eq!(
        answer,
        serde_json::json!("webtoken-updated"),
        "a page that asks learns of the pending version"
    );
    reload_and_wait(&browser).await;
    // The page itself loaded the new stylesheet (its marker rule is in the CSSOM).
    let loaded = run_async(
        &browser,
        r#"return [...document.styleSheets].some((s) => [...s.cssRules].some((r) => r.selectorText === ".e2e-version-2"));"#,
    )
    .await;
    assert_eq!(loaded, serde_json::json!(true), "the new version is in use");
    assert_eq!(
        browser.text("token-id").await,
        token_id,
        "the token is kept"
    );
    shown_code_matches(&browser, &key.secret, &key.params).await;

    // The network goes away: the server is stopped and its port closed.
    stopper.stop();
    reload_and_wait(&browser).await;
    assert_eq!(browser.text("token-id").await, token_id);
    shown_code_matches(&browser, &key.secret, &key.params).await;
    browser.screenshot("offline").await;
    // The code turns over offline too.
    let first = browser.text("token-code").await;
    let remaining: u64 = browser
        .text("token-remaining")
        .await
        .parse()
        .expect("seconds");
    tokio::time::sleep(Duration::from_secs(remaining + 1)).await;
    browser
        .wait_text("token-code", WAIT, |c| c != first && is_grouped_code(c))
        .await;
    shown_code_matches(&browser, &key.secret, &key.params).await;
    browser.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
