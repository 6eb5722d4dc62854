//! The server on the wire, against the crafted requests of issue 17: each one is refused, and
//! the server answers a normal request right after. Everything talks to 127.0.0.1 only.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use webtoken_server::{Server, backend};

/// How long a test waits for an answer before it calls the server stuck.
const PATIENCE: Duration = Duration::from_secs(5);

/// Sends `request` as is (`{host}` replaced by the server's own `Host`) and reads all the
/// server sends before it closes the connection. A reset counts as the end.
fn raw(addr: SocketAddr, request: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    s.write_all(request.replace("{host}", &addr.to_string()).as_bytes())
        .unwrap();
    read_all(&mut s)
}

fn read_all(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                panic!("no answer within {PATIENCE:?}: {:?}", lossy(&out))
            }
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                panic!("no answer within {PATIENCE:?}: {:?}", lossy(&out))
            }
            Err(_) => break, // reset: the server closed on us
        }
    }
    lossy(&out)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The status code of an answer, or 0 when the server closed without one.
fn status(answer: &str) -> u16 {
    answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// A normal request gets a normal answer.
fn still_serving(addr: SocketAddr) {
    let answer = raw(
        addr,
        "GET /api/v1/time HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n",
    );
    assert_eq!(status(&answer), 200, "{answer}");
    assert!(answer.contains("\"now\":"), "{answer}");
}

/// The backend stub (API and page), as the tests and the page's remote mode use it.
fn stub() -> SocketAddr {
    backend::start(page_root()).0
}

/// A POST to the API with the given framing headers (and no `Content-Length` of its own).
fn post(framing: &str, body: &str) -> String {
    format!(
        "POST /api/v1/validate HTTP/1.1\r\nHost: {{host}}\r\nContent-Type: application/json\r\n\
{framing}\r\n{body}"
    )
}

const BODY: &str = r#"{"token_id":"WBTK00000000","code":"123456"}"#;

#[test]
fn a_request_framed_both_by_length_and_by_transfer_encoding_is_refused() {
    let addr = stub();
    let answer = raw(
        addr,
        &post(
            "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
            "0\r\n\r\n",
        ),
    );
    assert_eq!(status(&answer), 400, "{answer}");
    still_serving(addr);
}

#[test]
fn a_request_framed_by_transfer_encoding_alone_is_refused() {
    let addr = stub();
    let chunked = format!("{:x}\r\n{BODY}\r\n0\r\n\r\n", BODY.len());
    let answer = raw(addr, &post("Transfer-Encoding: chunked\r\n", &chunked));
    assert_eq!(status(&answer), 411, "{answer}");
    assert!(answer.contains("length_required"), "{answer}");
    still_serving(addr);
}

#[test]
fn two_content_lengths_are_refused_even_equal_ones() {
    let addr = stub();
    let n = BODY.len();
    for lengths in [
        format!("Content-Length: {n}\r\nContent-Length: {}\r\n", n + 1),
        format!("Content-Length: {}\r\nContent-Length: {n}\r\n", n + 1),
        format!("Content-Length: {n}\r\nContent-Length: {n}\r\n"),
        format!("Content-Length: {n}, {n}\r\n"),
    ] {
        let answer = raw(addr, &post(&lengths, &format!("{BODY} ")));
        assert_eq!(status(&answer), 400, "{lengths:?}: {answer}");
        still_serving(addr);
    }
}

#[test]
fn a_signed_content_length_is_refused() {
    let addr = stub();
    for length in ["+", "-"] {
        let framing = format!("Content-Length: {length}{}\r\n", BODY.len());
        let answer = raw(addr, &post(&framing, BODY));
        assert_eq!(status(&answer), 400, "{framing:?}: {answer}");
        still_serving(addr);
    }
}

#[test]
fn whitespace_before_a_header_colon_is_refused() {
    let addr = stub();
    for framing in [
        format!("Content-Length : {}\r\n", BODY.len()),
        format!("Content-Length\t: {}\r\n", BODY.len()),
    ] {
        let answer = raw(addr, &post(&framing, BODY));
        assert_eq!(status(&answer), 400, "{framing:?}: {answer}");
        still_serving(addr);
    }
    let answer = raw(addr, "GET / HTTP/1.1\r\nHost : {host}\r\n\r\n");
    assert_eq!(status(&answer), 400, "{answer}");
    still_serving(addr);
}

#[test]
fn bare_lf_line_endings_are_refused() {
    let addr = stub();
    for request in [
        "GET / HTTP/1.1\nHost: {host}\n\n",
        "GET / HTTP/1.1\r\nHost: {host}\n\r\n",
        "GET / HTTP/1.1\nHost: {host}\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: {host}\r\n\n",
    ] {
        let answer = raw(addr, request);
        assert_eq!(status(&answer), 400, "{request:?}: {answer}");
        still_serving(addr);
    }
}

#[test]
fn a_request_line_without_an_http_version_is_refused() {
    let addr = stub();
    for request in [
        "GET /\r\nHost: {host}\r\n\r\n",
        "GET / \r\nHost: {host}\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: {host}\r\n\r\n",
    ] {
        let answer = raw(addr, request);
        assert!(
            !answer.contains("200 OK") && !answer.contains("<!doctype"),
            "{request:?}: {answer}"
        );
        assert!(
            matches!(status(&answer), 0 | 400 | 505),
            "{request:?}: {answer}"
        );
        still_serving(addr);
    }
}

/// A request trickled a byte at a time, each byte well inside any per-read timeout, is cut off
/// at the bound for the whole request: in its head, and in its body.
#[test]
fn a_trickled_request_is_cut_off_at_the_bound() {
    let bound = Duration::from_secs(1);
    let root = page_root();
    let addr = Server::new(&root)
        .with_request_timeout(bound)
        .spawn(0)
        .unwrap();
    let head = format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let body_request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain\r\nContent-Length: 40\r\n\r\n"
    );
    // (sent at once, trickled a byte each 200 ms): 8 s and more if nothing cut it off.
    for (at_once, trickled) in [
        (String::new(), head.clone()),
        (body_request, "x".repeat(40)),
    ] {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut writer = s.try_clone().unwrap();
        let started = Instant::now();
        let trickler = thread::spawn(move || {
            writer.write_all(at_once.as_bytes())?;
            for byte in trickled.bytes() {
                writer.write_all(&[byte])?;
                thread::sleep(Duration::from_millis(200));
            }
            Ok::<_, std::io::Error>(())
        });
        let answer = read_all(&mut s);
        let took = started.elapsed();
        assert!(
            took < bound + Duration::from_secs(3),
            "cut off after {took:?}"
        );
        assert!(
            !answer.contains(" 200 ") && !answer.contains(" 405 "),
            "{answer}"
        );
        drop(s);
        // The trickler fails on the closed connection, or ends: either way it stops.
        let _ = trickler.join();
    }
    let answer = raw(addr, &head);
    assert_eq!(status(&answer), 200, "{answer}");
}

#[test]
fn only_the_servers_own_host_is_answered() {
    let addr = stub();
    let port = addr.port();
    for (request, expected) in [
        (
            "GET / HTTP/1.1\r\nHost: attacker.example\r\n\r\n".to_owned(),
            421,
        ),
        (
            format!("GET /api/v1/time HTTP/1.1\r\nHost: attacker.example:{port}\r\n\r\n"),
            421,
        ),
        // The right address on another port is another server.
        (
            format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", port ^ 1),
            421,
        ),
        ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".to_owned(), 421),
        // An absolute-form target names the server too.
        (
            format!("GET http://attacker.example:{port}/ HTTP/1.1\r\nHost: {{host}}\r\n\r\n"),
            421,
        ),
        ("GET / HTTP/1.1\r\n\r\n".to_owned(), 400),
        (
            "GET / HTTP/1.1\r\nHost: {host}\r\nHost: attacker.example\r\n\r\n".to_owned(),
            400,
        ),
    ] {
        let answer = raw(addr, &request);
        assert_eq!(status(&answer), expected, "{request:?}: {answer}");
        if expected == 421 {
            assert!(answer.contains("Misdirected"), "{answer}");
            assert!(answer.contains("misdirected request"), "{answer}");
        }
        still_serving(addr);
    }
    for host in [
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        addr.to_string(),
    ] {
        let answer = raw(
            addr,
            &format!("GET /api/v1/time HTTP/1.1\r\nHost: {host}\r\n\r\n"),
        );
        assert_eq!(status(&answer), 200, "{host}: {answer}");
    }
}

/// Idle connections over the cap are closed at once instead of each holding a thread; once
/// the idle ones go, a fresh request is answered.
#[test]
fn connections_over_the_cap_are_closed_and_the_server_recovers() {
    let cap = 4;
    let root = page_root();
    let addr = Server::new(&root)
        .with_max_connections(cap)
        .spawn(0)
        .unwrap();
    let idle: Vec<TcpStream> = (0..cap)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    // Let the server accept them, in order, before the ones over the cap.
    thread::sleep(Duration::from_millis(200));
    for _ in 0..3 {
        let mut over = TcpStream::connect(addr).unwrap();
        over.set_read_timeout(Some(PATIENCE)).unwrap();
        let started = Instant::now();
        let _ = over.write_all(format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes());
        let answer = read_all(&mut over);
        assert_eq!(answer, "", "closed unanswered");
        assert!(started.elapsed() < Duration::from_secs(3));
    }
    drop(idle);
    let deadline = Instant::now() + PATIENCE;
    loop {
        let answer = raw(addr, "GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
        if status(&answer) == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "still refused: {answer}");
        thread::sleep(Duration::from_millis(50));
    }
}

/// The checkout's root, where `index.html` is (the page the server serves).
fn page_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
