//! The wire: hyper's HTTP/1.1 server on a tokio runtime, with the checks hyper leaves to us.
//!
//! hyper parses the request line and headers (httparse) and frames the body. It refuses by
//! itself (400, before any service runs) a request line without an HTTP version, whitespace
//! between a header name and its colon, a `Content-Length` that is not all digits (`+5`, a
//! list) and two different `Content-Length`s. What it accepts that this server refuses, before
//! any route sees the request:
//! - a head with a bare LF line ending (httparse takes `\n` for `\r\n`);
//! - any `Transfer-Encoding` (411, or 400 with a `Content-Length` too): the page and the API
//!   only ever send bodies of known length, so a chunked body is never needed, and refusing it
//!   leaves one framing only;
//! - two equal `Content-Length`s (hyper keeps one; it also drops a `Content-Length` sent with
//!   a `Transfer-Encoding`, so both are counted on the raw head, by [`HeadCheck`]);
//! - a `Host` (or an absolute-form target) that does not name this server's own loopback
//!   address and port (421), or no single `Host` (400): a page on another origin that
//!   rebinds its DNS name to 127.0.0.1 still sends its own name, and is not answered.
//!
//! Each connection carries one request (`Connection: close`), and the whole of it (head, body
//! and answer) must be done within the server's request timeout (also hyper's header-read
//! timeout); at most the server's connection cap are open at once, and the ones over it are
//! closed unanswered.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use crate::{CONTENT_SECURITY_POLICY, MAX_BODY_BYTES, Request, Response, Server};

/// The most of an oversized body read (and dropped) before answering 413, so that a client
/// still sending gets the answer rather than a reset.
const MAX_DRAINED_BYTES: usize = 1 << 20;

/// Largest request head (request line and headers) hyper buffers; hyper's floor is 8 KiB.
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// Serves `listener` until `shutdown` completes; the listener is closed when this returns.
pub(crate) async fn serve(
    server: Server,
    listener: std::net::TcpListener,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let local = listener.local_addr()?;
    let hosts: Arc<[String]> = allowed_hosts(local).into();
    let server = Arc::new(server);
    let permits = Arc::new(Semaphore::new(server.max_connections));
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // wait a little rather than spin, and go on.
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        // Over the cap, the connection is closed at once: an idle crowd cannot make the
        // server hold a thread (or a task) each, as the hand-written server did.
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let server = Arc::clone(&server);
        let hosts = Arc::clone(&hosts);
        tokio::spawn(async move {
            let bound = server.request_timeout;
            // A client that is too slow, or hangs up mid-request, is its own problem: the
            // connection is dropped, and the permit with it.
            let _ = tokio::time::timeout(bound, connection(server, hosts, stream)).await;
            drop(permit);
        });
    }
}

/// The `Host` values that name this server: its loopback address, or `localhost`, with its
/// port.
fn allowed_hosts(local: SocketAddr) -> Vec<String> {
    let port = local.port();
    let ip = match local {
        SocketAddr::V4(v4) => v4.ip().to_string(),
        SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
    };
    vec![format!("{ip}:{port}"), format!("localhost:{port}")]
}

async fn connection(server: Arc<Server>, hosts: Arc<[String]>, stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let head_timeout = server.request_timeout;
    let facts = Arc::new(HeadFacts::default());
    let io = TokioIo::new(HeadCheck::new(stream, Arc::clone(&facts)));
    let service = service_fn(move |request| {
        let (server, hosts, facts) = (Arc::clone(&server), Arc::clone(&hosts), Arc::clone(&facts));
        async move { Ok::<_, Infallible>(answer(server, &hosts, &facts, request).await) }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(head_timeout)
        .keep_alive(false)
        .title_case_headers(true)
        .max_buf_size(MAX_HEAD_BYTES)
        .half_close(false);
    let _ = builder.serve_connection(io, service).await;
}

/// Answers one request: refusals first, then the server's routes and files.
async fn answer(
    server: Arc<Server>,
    hosts: &[String],
    facts: &HeadFacts,
    request: hyper::Request<Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let response = match checked(server, hosts, facts, request).await {
        Ok(response) | Err(response) => response,
    };
    to_hyper(response)
}

async fn checked(
    server: Arc<Server>,
    hosts: &[String],
    facts: &HeadFacts,
    request: hyper::Request<Incoming>,
) -> Result<Response, Response> {
    if facts.bare_lf.load(Ordering::SeqCst) {
        return Err(malformed("lines of the request head end with CR LF"));
    }
    framing(facts, request.headers())?;
    host(hosts, &request)?;
    let (parts, body) = request.into_parts();
    let body = read_body(body).await?;
    let mut headers = Vec::with_capacity(parts.headers.len());
    for (name, value) in &parts.headers {
        let value = std::str::from_utf8(value.as_bytes())
            .map_err(|_| malformed("a header value is not UTF-8"))?;
        headers.push((name.as_str().to_owned(), value.to_owned()));
    }
    // HEAD is GET without the body; hyper leaves the body out of the answer.
    let method = if parts.method == Method::HEAD {
        "GET".to_owned()
    } else {
        parts.method.as_str().to_owned()
    };
    let request = Request {
        method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers,
        body,
    };
    // Files are read and routes run with blocking calls: off the two workers, so that they
    // keep accepting and timing connections out meanwhile.
    tokio::task::spawn_blocking(move || server.respond(&request))
        .await
        .map_err(|_| Response::error(500, "internal", "the server failed on this request"))
}

fn malformed(why: &str) -> Response {
    Response::error(
        400,
        "malformed_request",
        &format!("the request is not valid HTTP: {why}"),
    )
}

/// One way only to tell where a body ends: a single `Content-Length` of digits, or none.
///
/// The head's own lines are counted ([`HeadFacts`]): hyper drops a `Content-Length` sent with
/// a `Transfer-Encoding`, and the second of two equal ones, before the service sees them.
fn framing(facts: &HeadFacts, headers: &HeaderMap) -> Result<(), Response> {
    let lengths: Vec<&HeaderValue> = headers.get_all(header::CONTENT_LENGTH).iter().collect();
    let counted = facts
        .content_lengths
        .load(Ordering::SeqCst)
        .max(lengths.len());
    if headers.contains_key(header::TRANSFER_ENCODING)
        || facts.transfer_encoding.load(Ordering::SeqCst)
    {
        if counted > 0 {
            return Err(malformed(
                "a request has Content-Length or Transfer-Encoding, not both",
            ));
        }
        return Err(Response::error(
            411,
            "length_required",
            "send the body with a Content-Length, not a Transfer-Encoding",
        ));
    }
    if counted > 1 {
        return Err(malformed("a request has one Content-Length"));
    }
    if lengths
        .first()
        .is_some_and(|v| v.is_empty() || !v.as_bytes().iter().all(u8::is_ascii_digit))
    {
        return Err(malformed("Content-Length is a number of digits only"));
    }
    Ok(())
}

/// Only requests that name this server are answered (against DNS rebinding).
fn host(hosts: &[String], request: &hyper::Request<Incoming>) -> Result<(), Response> {
    let mut values = request.headers().get_all(header::HOST).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(malformed("a request has one Host header"));
    };
    let named = |name: &str| hosts.iter().any(|h| h.eq_ignore_ascii_case(name));
    let target_ok = request
        .uri()
        .authority()
        .is_none_or(|authority| named(authority.as_str()));
    match value.to_str() {
        Ok(name) if named(name) && target_ok => Ok(()),
        _ => Err(Response::text(
            421,
            &format!(
                "misdirected request: this server answers only for {}",
                hosts.join(" and ")
            ),
        )),
    }
}

/// Reads the body, up to [`MAX_BODY_BYTES`]; a longer one is read on (to a bound) and dropped.
async fn read_body(mut body: Incoming) -> Result<Vec<u8>, Response> {
    let too_large = || {
        Response::error(
            413,
            "too_large",
            &format!("the request is larger than {MAX_BODY_BYTES} bytes"),
        )
    };
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| malformed("the body ended early"))?;
        if let Ok(data) = frame.into_data() {
            seen = seen.saturating_add(data.len());
            if seen <= MAX_BODY_BYTES {
                kept.extend_from_slice(&data);
            } else if seen > MAX_DRAINED_BYTES {
                return Err(too_large());
            }
        }
    }
    if seen > MAX_BODY_BYTES {
        return Err(too_large());
    }
    Ok(kept)
}

/// The response on the wire, with the page's security headers.
fn to_hyper(response: Response) -> hyper::Response<Full<Bytes>> {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut out = hyper::Response::new(Full::new(Bytes::from(response.body)));
    *out.status_mut() = status;
    let headers = out.headers_mut();
    let content_type = HeaderValue::from_str(response.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    if let Some(etag) = response.etag.and_then(|t| HeaderValue::from_str(&t).ok()) {
        headers.insert(header::ETAG, etag);
    }
    if let Some(cookie) = response
        .set_cookie
        .and_then(|c| HeaderValue::from_str(&c).ok())
    {
        headers.insert(header::SET_COOKIE, cookie);
    }
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::CONNECTION, HeaderValue::from_static("close")),
    ] {
        headers.insert(name, value);
    }
    out
}

/// The connection's bytes, watched until the end of the request head.
struct HeadCheck {
    stream: TcpStream,
    facts: Arc<HeadFacts>,
    scan: Scan,
}

impl HeadCheck {
    fn new(stream: TcpStream, facts: Arc<HeadFacts>) -> Self {
        Self {
            stream,
            facts,
            scan: Scan::default(),
        }
    }
}

/// What the raw bytes of a request head showed, before hyper parsed it.
#[derive(Default)]
struct HeadFacts {
    /// A line ended with LF alone.
    bare_lf: AtomicBool,
    /// How many `Content-Length` lines.
    content_lengths: AtomicUsize,
    /// Whether there was a `Transfer-Encoding` line.
    transfer_encoding: AtomicBool,
}

/// The longest header name [`Scan`] needs to tell apart: `transfer-encoding`.
const NAME_BYTES: usize = 17;

/// Where a reader is in a request head, byte by byte.
#[derive(Default)]
struct Scan {
    /// The byte before, to tell `\r\n` from `\n`.
    previous: u8,
    /// Bytes of the current line other than CR.
    line: usize,
    /// The start of the current line's header name, lower case.
    name: [u8; NAME_BYTES],
    /// Whether the current line's colon has been read.
    past_name: bool,
    /// Whether a line with content (the request line) has been read.
    started: bool,
    /// The head's empty line has been read: the rest is body.
    done: bool,
}

impl Scan {
    /// Reads on through `bytes`, and notes in `facts` what the head's lines show.
    fn feed(&mut self, bytes: &[u8], facts: &HeadFacts) {
        for &byte in bytes {
            if self.done {
                return;
            }
            match byte {
                b'\n' => {
                    if self.previous != b'\r' {
                        facts.bare_lf.store(true, Ordering::SeqCst);
                    }
                    if self.line == 0 && self.started {
                        self.done = true;
                    }
                    self.started |= self.line > 0;
                    self.line = 0;
                    self.past_name = false;
                }
                b'\r' => {}
                b':' if !self.past_name => {
                    self.past_name = true;
                    let name = &self.name[..self.line.min(NAME_BYTES)];
                    if self.line == 14 && name == b"content-length" {
                        facts.content_lengths.fetch_add(1, Ordering::SeqCst);
                    } else if self.line == 17 && name == b"transfer-encoding" {
                        facts.transfer_encoding.store(true, Ordering::SeqCst);
                    }
                    self.line += 1;
                }
                _ => {
                    if !self.past_name && self.line < NAME_BYTES {
                        self.name[self.line] = byte.to_ascii_lowercase();
                    }
                    self.line += 1;
                }
            }
            self.previous = byte;
        }
    }
}

impl AsyncRead for HeadCheck {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.stream).poll_read(cx, buf))?;
        this.scan.feed(&buf.filled()[before..], &this.facts);
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for HeadCheck {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a head fed in `pieces` (as reads return them) shows.
    fn facts(pieces: &[&[u8]]) -> HeadFacts {
        let facts = HeadFacts::default();
        let mut scan = Scan::default();
        for piece in pieces {
            scan.feed(piece, &facts);
        }
        facts
    }

    fn flagged(pieces: &[&[u8]]) -> bool {
        facts(pieces).bare_lf.load(Ordering::SeqCst)
    }

    #[test]
    fn framing_headers_are_counted_in_the_head_only() {
        let seen = |pieces: &[&[u8]]| {
            let facts = facts(pieces);
            (
                facts.content_lengths.load(Ordering::SeqCst),
                facts.transfer_encoding.load(Ordering::SeqCst),
            )
        };
        assert_eq!(seen(&[b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"]), (0, false));
        assert_eq!(
            seen(&[b"POST / HTTP/1.1\r\nContent-length: 1\r\nCONTENT-LENGTH:1\r\n\r\nx"]),
            (2, false)
        );
        assert_eq!(
            seen(&[
                b"POST / HTTP/1.1\r\nConte",
                b"nt-Length: 1\r\nTransfer-Enc",
                b"oding: x\r\n\r\n"
            ]),
            (1, true)
        );
        // Names that only start or end the same, values and the body do not count.
        assert_eq!(
            seen(
                &[b"POST /content-length: HTTP/1.1\r\nX-Content-Length: 1\r\n\
Content-Lengths: 1\r\nX: content-length: 1\r\n\r\nContent-Length: 1\r\n"]
            ),
            (0, false)
        );
    }

    #[test]
    fn a_bare_lf_in_the_head_is_found_but_not_in_the_body() {
        assert!(!flagged(&[
            b"GET / HTTP/1.1\r\nHost: a\r\n\r\nbody\nwith\nlf"
        ]));
        assert!(!flagged(&[
            b"GET / HTTP/1.1\r",
            b"\nHost: a\r\n\r",
            b"\n\n"
        ]));
        assert!(flagged(&[b"GET / HTTP/1.1\nHost: a\r\n\r\n"]));
        assert!(flagged(&[b"GET / HTTP/1.1\r\nHost: a\n\n"]));
        assert!(flagged(&[b"GET / HTTP/1.1\r\nHost: a\r\n", b"\n"]));
        // Empty lines before the request line do not end the head.
        assert!(flagged(&[b"\r\nGET / HTTP/1.1\nHost: a\r\n\r\n"]));
    }

    #[test]
    fn hosts_name_the_bound_address_and_port() {
        let v4: SocketAddr = "127.0.0.1:8080".parse().expect("an address");
        assert_eq!(allowed_hosts(v4), ["127.0.0.1:8080", "localhost:8080"]);
        let v6: SocketAddr = "[::1]:80".parse().expect("an address");
        assert_eq!(allowed_hosts(v6), ["[::1]:80", "localhost:80"]);
    }
}
