//! The backend stub over real HTTP on loopback: the same token service, its API, its errors,
//! and its behaviour under concurrent requests.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use webtoken_server::backend;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::{Value, json};
use webtoken_engine::{Secret, totp};

/// One HTTP/1.1 request (the server closes each connection): status, headers, body.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    http_as(addr, "", method, path, content_type, body)
}

/// [`http`] with extra header lines (`Cookie: …\r\n`).
fn http_as(
    addr: SocketAddr,
    extra: &str,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(out[..split].to_vec()).unwrap();
    let status = head[9..12].parse().unwrap();
    (status, head, out[split + 4..].to_vec())
}

fn post(addr: SocketAddr, path: &str, body: Value) -> (u16, Value) {
    let (status, _, body) = http(
        addr,
        "POST",
        path,
        "application/json",
        body.to_string().as_bytes(),
    );
    (status, serde_json::from_slice(&body).unwrap())
}

fn get(addr: SocketAddr, path: &str) -> (u16, Value) {
    let (status, _, body) = http(addr, "GET", path, "application/json", b"");
    (status, serde_json::from_slice(&body).unwrap())
}

/// Signs the demo staff member in; the `Cookie:` header line of the session.
fn sign_in(addr: SocketAddr) -> String {
    let code = code_now(&webtoken_bank::staff::demo_staff_secret());
    let (id, password) = webtoken_bank::staff::DEMO_STAFF;
    let body = json!({"staff_id": id, "password": password, "code": code}).to_string();
    let (status, head, answer) = http(
        addr,
        "POST",
        "/api/v1/staff/session",
        "application/json",
        body.as_bytes(),
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
    let cookie = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie: "))
        .map(|l| &l["set-cookie: ".len()..])
        .unwrap();
    let pair = cookie.split(';').next().unwrap();
    format!("Cookie: {pair}\r\n")
}

/// A staff request with the session of `cookie`.
fn staff(addr: SocketAddr, cookie: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
    let body = if method == "GET" {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    let (status, _, answer) = http_as(addr, cookie, method, path, "application/json", &body);
    (status, serde_json::from_slice(&answer).unwrap())
}

/// Issues a credential over HTTP; returns its Token ID and secret.
fn issue(addr: SocketAddr) -> (String, Secret) {
    let (status, issued) = post(addr, "/api/v1/credentials", json!({}));
    assert_eq!(status, 200, "{issued}");
    let secret = Secret::from_base32(issued["secret"].as_str().unwrap()).unwrap();
    (issued["token_id"].as_str().unwrap().to_owned(), secret)
}

fn code_now(secret: &Secret) -> String {
    totp(secret, backend::server_now(), &Default::default()).unwrap()
}

#[test]
fn a_code_is_accepted_once_and_then_replayed() {
    let (addr, _) = backend::start(page_root());
    let (id, secret) = issue(addr);
    let code = code_now(&secret);
    let (status, first) = post(
        addr,
        "/api/v1/validate",
        json!({"token_id": id, "code": code}),
    );
    assert_eq!(status, 200);
    assert_eq!(first["outcome"], "accepted", "{first}");
    // A full-width copy of the same code is the same code: refused as replayed.
    let wide: String = code
        .chars()
        .map(|c| char::from_u32(c as u32 - 0x30 + 0xFF10).unwrap())
        .collect();
    let (_, again) = post(
        addr,
        "/api/v1/validate",
        json!({"token_id": id, "code": wide}),
    );
    assert_eq!(again["outcome"], "rejected");
    assert_eq!(again["reason"], "replayed");
    assert!(again["message_ja"].as_str().unwrap().contains("使用済み"));
}

#[test]
fn fifty_concurrent_validations_of_one_code_accept_exactly_one() {
    let (addr, backend) = backend::start(page_root());
    let (id, secret) = issue(addr);
    let code = code_now(&secret);
    let outcomes: Vec<Value> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..50)
            .map(|_| {
                let (id, code) = (id.clone(), code.clone());
                scope.spawn(move || {
                    post(
                        addr,
                        "/api/v1/validate",
                        json!({"token_id": id, "code": code}),
                    )
                    .1
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let accepted = outcomes
        .iter()
        .filter(|o| o["outcome"] == "accepted")
        .count();
    assert_eq!(accepted, 1, "{outcomes:?}");
    // The state, and the lock the losers' replays caused, hold across requests.
    let cookie = sign_in(addr);
    let (_, state) = staff(
        addr,
        &cookie,
        "GET",
        &format!("/api/v1/credentials/{id}"),
        json!({}),
    );
    assert_eq!(state["status"], "locked");
    assert!(
        backend
            .service
            .state(&webtoken_engine::token_id::TokenId::parse(&id).unwrap())
            .is_some()
    );
}

#[test]
fn lockout_holds_across_requests_until_staff_unlock_and_stop_is_final() {
    let (addr, _) = backend::start(page_root());
    let (id, secret) = issue(addr);
    let right = code_now(&secret);
    // A code that is not right for any step in the window (checked, not assumed).
    let now = backend::server_now();
    let window: Vec<String> = (0..=2)
        .map(|k| totp(&secret, now - 30 + k * 30, &Default::default()).unwrap())
        .chain([totp(&secret, now + 60, &Default::default()).unwrap()])
        .collect();
    let wrong = (0..1_000_000u32)
        .map(|n| format!("{n:06}"))
        .find(|c| !window.contains(c))
        .unwrap();
    for attempt in 1..=10 {
        let (_, o) = post(
            addr,
            "/api/v1/validate",
            json!({"token_id": id, "code": wrong}),
        );
        let expected = if attempt < 10 {
            "mismatch"
        } else {
            "locked_out"
        };
        assert_eq!(o["reason"], expected, "attempt {attempt}");
    }
    let (_, o) = post(
        addr,
        "/api/v1/validate",
        json!({"token_id": id, "code": right}),
    );
    assert_eq!(
        o["reason"], "locked_out",
        "a correct code while locked is refused"
    );
    let cookie = sign_in(addr);
    let (status, done) = staff(
        addr,
        &cookie,
        "POST",
        "/api/v1/staff/unlock",
        json!({"token_id": id, "actor": "佐藤"}),
    );
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["state"]["status"], "active");
    let (_, o) = post(
        addr,
        "/api/v1/validate",
        json!({"token_id": id, "code": right}),
    );
    assert_eq!(o["outcome"], "accepted", "{o}");
    let (status, done) = staff(
        addr,
        &cookie,
        "POST",
        "/api/v1/staff/stop",
        json!({"token_id": id, "actor": "佐藤", "reason": "紛失"}),
    );
    assert_eq!(status, 200);
    assert_eq!(done["state"]["status"], "stopped");
    let (_, o) = post(
        addr,
        "/api/v1/validate",
        json!({"token_id": id, "code": right}),
    );
    assert_eq!(o["reason"], "stopped");
    let (status, e) = staff(
        addr,
        &cookie,
        "POST",
        "/api/v1/staff/unlock",
        json!({"token_id": id, "actor": "佐藤"}),
    );
    assert_eq!((status, e["error"].as_str()), (409, Some("stopped")));
    let path = format!("/api/v1/credentials/{id}/audit");
    let (_, trail) = staff(addr, &cookie, "GET", &path, json!({}));
    assert_eq!(trail["chain_ok"], true);
    assert_eq!(trail["chain_error"], serde_json::Value::Null);
    let kinds: Vec<&str> = trail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"]["event"].as_str().unwrap_or(""))
        .collect();
    assert!(
        kinds.contains(&"locked") && kinds.contains(&"unlocked") && kinds.contains(&"stopped"),
        "{kinds:?}"
    );
    // The actor is the session's staff ID, not what the body said.
    let actors: Vec<&str> = trail["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"]["actor"].as_str())
        .collect();
    assert_eq!(actors, ["staff S0001", "staff S0001"]);
}

#[test]
fn resync_recentres_a_drifted_token() {
    let (addr, _) = backend::start(page_root());
    let (id, secret) = issue(addr);
    // The token's clock runs 20 steps (10 minutes) ahead: outside the +-1 window.
    let ahead = backend::server_now() + 20 * 30;
    let first = totp(&secret, ahead, &Default::default()).unwrap();
    let second = totp(&secret, ahead + 30, &Default::default()).unwrap();
    let (_, o) = post(
        addr,
        "/api/v1/validate",
        json!({"token_id": id, "code": first}),
    );
    assert_eq!(o["reason"], "mismatch");
    let (_, o) = post(
        addr,
        "/api/v1/resync",
        json!({"token_id": id, "first": first, "second": second}),
    );
    assert_eq!(o["outcome"], "accepted", "{o}");
    assert!(o["drift"].as_i64().unwrap() >= 20, "{o}");
    let third = totp(&secret, ahead + 60, &Default::default()).unwrap();
    let (_, o) = post(
        addr,
        "/api/v1/validate",
        json!({"token_id": id, "code": third}),
    );
    assert_eq!(
        o["outcome"], "accepted",
        "the drifted token's next code works: {o}"
    );
}

#[test]
fn bad_requests_get_json_errors_and_the_server_keeps_serving() {
    let (addr, _) = backend::start(page_root());
    // method, path, content type, body, expected status, expected error code
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        Vec<u8>,
        u16,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            "POST",
            "/api/v1/validate",
            "application/json",
            b"{not json".to_vec(),
            400,
            "bad_json",
        ),
        (
            "POST",
            "/api/v1/validate",
            "text/plain",
            br#"{"token_id":"x","code":"1"}"#.to_vec(),
            415,
            "unsupported_media_type",
        ),
        (
            "POST",
            "/api/v1/validate",
            "application/json",
            br#"{"token_id":"WBTK00000000","code":"1","now":1}"#.to_vec(),
            400,
            "bad_json",
        ),
        (
            "POST",
            "/api/v1/validate",
            "application/json",
            vec![b' '; 64 * 1024],
            413,
            "too_large",
        ),
        (
            "POST",
            "/api/v1/validate",
            "application/json",
            br#"{"token_id":"nope","code":"123456"}"#.to_vec(),
            400,
            "bad_token_id",
        ),
        (
            "GET",
            "/api/v1/nowhere",
            "application/json",
            vec![],
            404,
            "not_found",
        ),
        (
            "GET",
            "/api/v1/validate",
            "application/json",
            vec![],
            405,
            "method_not_allowed",
        ),
        (
            "GET",
            "/api/v1/credentials/WBTK00000000",
            "application/json",
            vec![],
            401,
            "unauthorized",
        ),
    ];
    for (method, path, media, body, status, code) in cases {
        let (got, _, answer) = http(addr, method, path, media, &body);
        let answer: Value =
            serde_json::from_slice(&answer).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(
            (got, answer["error"].as_str()),
            (status, Some(code)),
            "{method} {path}: {answer}"
        );
        assert!(!answer["message"].as_str().unwrap().is_empty());
    }
    // Still serving.
    let (status, time) = get(addr, "/api/v1/time");
    assert_eq!(status, 200);
    assert!(time["now"].as_u64().unwrap() > 1_700_000_000);
}

#[test]
fn the_stub_serves_the_page_with_the_serve_headers() {
    let (addr, _) = backend::start(page_root());
    let (status, head, body) = http(addr, "GET", "/", "text/html", b"");
    assert_eq!(status, 200);
    assert!(head.contains("X-Content-Type-Options: nosniff"));
    assert!(head.contains("Content-Security-Policy: default-src 'self'"));
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("data-testid=\"token-code\"")
    );
}

/// The checkout's root, where `index.html` is (the page the stub serves).
fn page_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
