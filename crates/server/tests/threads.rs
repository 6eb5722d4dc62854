//! Idle connections cost the server no threads (issue 17: 300 idle connections made the
//! hand-written server start 308). Its own test binary, so that no other test's threads count.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// This process's threads, as Linux lists them.
fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

#[test]
fn three_hundred_idle_connections_start_no_threads_and_the_server_still_answers() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let addr = webtoken_server::Server::new(root).spawn(0).unwrap();
    let before = threads();
    let mut idle = Vec::new();
    for _ in 0..300 {
        match TcpStream::connect(addr) {
            Ok(s) => idle.push(s),
            Err(_) => break, // the backlog is full: enough are open
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    let during = threads();
    assert!(
        during <= before + 2,
        "{} idle connections: {before} threads before, {during} during",
        idle.len()
    );
    drop(idle);
    // Once they go, a request is answered (the ones over the cap were closed at once; the
    // others end when their clients hang up).
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        write!(s, "GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        if out.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not answered: {out}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
