//! Staff sessions on the backend stub: the staff routes and the credential lookups answer 401
//! without one (and say nothing of the Token ID), a foreign `Host` is refused before that, and
//! a signed-in staff member's session works until sign-out.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::{Value, json};
use webtoken_bank::staff::{DEMO_STAFF, demo_staff_secret, demo_staff_token};
use webtoken_engine::{Secret, totp};
use webtoken_server::backend;

/// One request with extra header lines; status, head and body (as JSON).
fn call(
    addr: SocketAddr,
    host: &str,
    extra: &str,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, String, Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(out[..split].to_vec()).unwrap();
    let status = head[9..12].parse().unwrap();
    let body = serde_json::from_slice(&out[split + 4..]).unwrap_or(Value::Null);
    (status, head, body)
}

fn code(secret: &Secret, steps: i64) -> String {
    let at = backend::server_now()
        .checked_add_signed(steps * 30)
        .unwrap();
    totp(secret, at, &Default::default()).unwrap()
}

/// A code `secret` shows at no step within three of now.
fn wrong_code(secret: &Secret) -> String {
    let near: Vec<String> = (-3..=3).map(|k| code(secret, k)).collect();
    (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !near.contains(c))
        .unwrap()
}

fn sign_in_with(
    addr: SocketAddr,
    staff_id: &str,
    password: &str,
    code: &str,
) -> (u16, String, Value) {
    let body = json!({"staff_id": staff_id, "password": password, "code": code}).to_string();
    call(
        addr,
        &addr.to_string(),
        "",
        "POST",
        "/api/v1/staff/session",
        &body,
    )
}

/// The `Cookie:` line of a fresh demo staff session.
fn sign_in(addr: SocketAddr) -> String {
    let (status, head, answer) = sign_in_with(
        addr,
        DEMO_STAFF.0,
        DEMO_STAFF.1,
        &code(&demo_staff_secret(), 0),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["staff_id"], DEMO_STAFF.0);
    let cookie = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie: "))
        .map(|l| &l["set-cookie: ".len()..])
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    format!("Cookie: {}\r\n", cookie.split(';').next().unwrap())
}

/// A credential, locked by ten wrong codes: its Token ID and secret.
fn locked_token(addr: SocketAddr) -> (String, Secret) {
    let (_, _, issued) = call(
        addr,
        &addr.to_string(),
        "",
        "POST",
        "/api/v1/credentials",
        "{}",
    );
    let id = issued["token_id"].as_str().unwrap().to_owned();
    let secret = Secret::from_base32(issued["secret"].as_str().unwrap()).unwrap();
    let wrong = wrong_code(&secret);
    for _ in 0..10 {
        let body = json!({"token_id": id, "code": wrong}).to_string();
        call(
            addr,
            &addr.to_string(),
            "",
            "POST",
            "/api/v1/validate",
            &body,
        );
    }
    (id, secret)
}

/// Every route that needs a staff session, for a Token ID.
fn staff_routes(id: &str) -> Vec<(&'static str, String, String)> {
    vec![
        ("GET", format!("/api/v1/credentials/{id}"), String::new()),
        (
            "GET",
            format!("/api/v1/credentials/{id}/audit"),
            String::new(),
        ),
        (
            "POST",
            "/api/v1/staff/unlock".into(),
            json!({"token_id": id, "actor": "x"}).to_string(),
        ),
        (
            "POST",
            "/api/v1/staff/stop".into(),
            json!({"token_id": id, "actor": "x", "reason": "lost"}).to_string(),
        ),
    ]
}

#[test]
fn without_a_session_every_staff_route_is_401_and_says_nothing_of_the_token_id() {
    let (addr, backend) = backend::start(page_root());
    let (real, _) = locked_token(addr);
    let host = addr.to_string();
    let bad_cookie = "Cookie: webtoken_staff=00ff\r\n";
    for extra in ["", bad_cookie] {
        let mut answers = Vec::new();
        for id in [real.as_str(), "WBTK00000000", "not-a-token-id"] {
            for (method, path, body) in staff_routes(id) {
                let (status, _, answer) = call(addr, &host, extra, method, &path, &body);
                assert_eq!(status, 401, "{method} {path}: {answer}");
                assert_eq!(answer["error"], "unauthorized");
                answers.push((method, path.replace(id, "ID"), answer));
            }
        }
        // A real, an unknown and a malformed Token ID get the very same answers.
        let (first, rest) = answers.split_at(4);
        for chunk in rest.chunks(4) {
            assert_eq!(chunk, first);
        }
    }
    let token = webtoken_engine::token_id::TokenId::parse(&real).unwrap();
    assert_eq!(
        backend.service.state(&token).unwrap().status,
        webtoken_token_service::CredentialStatus::Locked,
        "nothing was unlocked"
    );
}

#[test]
fn a_foreign_host_is_refused_even_with_a_session() {
    let (addr, _) = backend::start(page_root());
    let cookie = sign_in(addr);
    for (method, path, body) in staff_routes("WBTK00000000") {
        let (status, _, _) = call(addr, "attacker.example", &cookie, method, &path, &body);
        assert_eq!(status, 421, "{method} {path}");
    }
    let body =
        json!({"staff_id": DEMO_STAFF.0, "password": DEMO_STAFF.1, "code": "000000"}).to_string();
    let (status, _, _) = call(
        addr,
        "attacker.example",
        "",
        "POST",
        "/api/v1/staff/session",
        &body,
    );
    assert_eq!(status, 421);
}

#[test]
fn wrong_staff_passwords_and_codes_are_refused_and_counted() {
    let (addr, backend) = backend::start(page_root());
    let secret = demo_staff_secret();
    let (status, head, answer) = sign_in_with(addr, DEMO_STAFF.0, "wrong", &code(&secret, 0));
    assert_eq!(
        (status, answer["error"].as_str()),
        (401, Some("sign_in_refused"))
    );
    assert!(!head.to_ascii_lowercase().contains("set-cookie"));
    let (status, _, unknown) = sign_in_with(addr, "S9999", DEMO_STAFF.1, &code(&secret, 0));
    assert_eq!(
        (status, &unknown),
        (401, &answer),
        "an unknown staff ID answers alike"
    );
    // A wrong code is counted by the token service.
    let wrong = wrong_code(&secret);
    let (status, _, refused) = sign_in_with(addr, DEMO_STAFF.0, DEMO_STAFF.1, &wrong);
    assert_eq!((status, &refused), (401, &answer));
    assert_eq!(
        backend.service.state(&demo_staff_token()).unwrap().failures,
        1
    );
    // The right code signs in once; the same code again is a replay.
    let right = code(&secret, 0);
    let (status, _, _) = sign_in_with(addr, DEMO_STAFF.0, DEMO_STAFF.1, &right);
    assert_eq!(status, 200);
    let (status, _, _) = sign_in_with(addr, DEMO_STAFF.0, DEMO_STAFF.1, &right);
    assert_eq!(status, 401, "replayed");
    // Five wrong passwords lock the staff password: the right one no longer helps.
    for _ in 0..5 {
        sign_in_with(addr, DEMO_STAFF.0, "wrong", "123456");
    }
    let (status, _, _) = sign_in_with(addr, DEMO_STAFF.0, DEMO_STAFF.1, &code(&secret, 1));
    assert_eq!(status, 401, "locked");
}

#[test]
fn a_signed_in_staff_member_unlocks_and_the_audit_names_them_until_sign_out() {
    let (addr, _) = backend::start(page_root());
    let host = addr.to_string();
    let (id, _) = locked_token(addr);
    let cookie = sign_in(addr);
    let (status, _, state) = call(
        addr,
        &host,
        &cookie,
        "GET",
        &format!("/api/v1/credentials/{id}"),
        "",
    );
    assert_eq!(
        (status, state["status"].as_str()),
        (200, Some("locked")),
        "{state}"
    );
    let body = json!({"token_id": id, "actor": "anyone"}).to_string();
    let (status, _, done) = call(addr, &host, &cookie, "POST", "/api/v1/staff/unlock", &body);
    assert_eq!(
        (status, done["state"]["status"].as_str()),
        (200, Some("active")),
        "{done}"
    );
    let (status, _, trail) = call(
        addr,
        &host,
        &cookie,
        "GET",
        &format!("/api/v1/credentials/{id}/audit"),
        "",
    );
    assert_eq!(status, 200);
    let unlocked = trail["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"]["event"] == "unlocked")
        .unwrap();
    assert_eq!(
        unlocked["kind"]["actor"], "staff S0001",
        "the session's staff ID, not the body's"
    );
    // An unknown Token ID, with a session, is said to be unknown.
    let (status, _, _) = call(
        addr,
        &host,
        &cookie,
        "GET",
        "/api/v1/credentials/WBTK00000000",
        "",
    );
    assert_eq!(status, 404);
    // Signed out, the cookie is cleared and the session is gone.
    let (status, head, _) = call(addr, &host, &cookie, "DELETE", "/api/v1/staff/session", "");
    assert_eq!(status, 200);
    assert!(head.contains("Max-Age=0"), "{head}");
    let (status, _, _) = call(
        addr,
        &host,
        &cookie,
        "GET",
        &format!("/api/v1/credentials/{id}"),
        "",
    );
    assert_eq!(status, 401);
}

/// The checkout's root, where `index.html` is (the page the stub serves).
fn page_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn a_customer_stops_their_own_token_with_a_code_and_no_staff_session() {
    let (addr, backend) = backend::start(page_root());
    let host = addr.to_string();
    let (_, _, issued) = call(addr, &host, "", "POST", "/api/v1/credentials", "{}");
    let id = issued["token_id"].as_str().unwrap().to_owned();
    let secret = Secret::from_base32(issued["secret"].as_str().unwrap()).unwrap();
    let token = webtoken_engine::token_id::TokenId::parse(&id).unwrap();
    let stop = |code: &str| {
        let body =
            json!({"token_id": id, "code": code, "actor": "customer 1000000001", "reason": "lost"});
        call(addr, &host, "", "POST", "/api/v1/stop", &body.to_string())
    };
    use webtoken_token_service::CredentialStatus::{Active, Stopped};
    // A wrong code stops nothing; the right one stops the token.
    for (typed, member, answer, status_after) in [
        (wrong_code(&secret), "reason", "mismatch", Active),
        (code(&secret, 0), "outcome", "accepted", Stopped),
    ] {
        let (status, _, body) = stop(&typed);
        assert_eq!(
            (status, body[member].as_str()),
            (200, Some(answer)),
            "{body}"
        );
        assert_eq!(backend.service.state(&token).unwrap().status, status_after);
    }
}
