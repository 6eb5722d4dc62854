//! A small static HTTP server for the page, bound to loopback only (native builds only).
//!
//! `make serve` runs it through the `webtoken-serve` binary, and the end-to-end tests start it
//! in-process on an ephemeral port, so the page is always tested with the headers it is served
//! with: `.wasm` as `application/wasm`, a Content-Security-Policy without inline script or
//! `unsafe-eval` (only `'wasm-unsafe-eval'`), `X-Content-Type-Options: nosniff` and
//! `frame-ancestors 'none'`.
//!
//! ```no_run
//! use std::time::Duration;
//! let addr = webtoken_server::Server::new(".")
//!     .with_request_timeout(Duration::from_secs(10))
//!     .spawn(0)?; // 127.0.0.1, an ephemeral port, served on a background thread
//! println!("http://{addr}/");
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Only the page's own files are served: `/` (the top-level `index.html`), `/sw.js`, `/www/…` and
//! `/pkg/…` (the wasm-pack output). Anything else, and any path with `..`, a hidden segment,
//! a backslash or a percent escape, is a 404. Static files carry a strong `ETag`, and a
//! matching `If-None-Match` gets `304 Not Modified`. Extra routes (the token service's HTTP
//! API) plug in through [`Routes`].
//!
//! The HTTP/1.1 stack is hyper's server on a two-worker tokio runtime. Before a route sees a
//! request, the server refuses ambiguous framing (a `Transfer-Encoding`, with or without a
//! `Content-Length`; more than one `Content-Length`; a length that is not digits), a head with
//! bare LF line endings or without an HTTP version, and any `Host` other than its own
//! `127.0.0.1:PORT` or `localhost:PORT` (421 Misdirected Request: DNS rebinding does not reach
//! the API). Each connection carries one request, done as a whole within
//! [`REQUEST_TIMEOUT`] (head, body and answer, not per read), and at most
//! [`MAX_CONNECTIONS`] are open at once; both can be set on the [`Server`].

/// The backend stub: the token service over HTTP, for the tests' remote mode.
pub mod backend;
mod http;

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// The Content-Security-Policy sent with every response; `index.html` carries the same policy,
/// less `frame-ancestors` (which a `<meta>` tag cannot set), for static hosts without headers.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; require-trusted-types-for 'script'; \
trusted-types webtoken-sw; frame-ancestors 'none'";

/// Largest request body the server reads.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// How long a connection may take, from its first byte to the end of the answer, by default.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How many connections are open at once, by default; the ones over it are closed unanswered.
pub const MAX_CONNECTIONS: usize = 64;

/// One parsed HTTP request.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// The query string, without the `?`.
    pub query: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The body (at most [`MAX_BODY_BYTES`]).
    pub body: Vec<u8>,
}

impl Request {
    /// The value of a header, by its lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
    /// A strong `ETag` for the body (static files), so that a client holding the same bytes
    /// revalidates with `If-None-Match` and gets `304 Not Modified` instead of the bytes again.
    pub etag: Option<String>,
    /// A `Set-Cookie` value (the staff session's cookie).
    pub set_cookie: Option<String>,
}

impl Response {
    /// A JSON error body `{"error": code, "message": message}`, the shape of
    /// [`webtoken_token_service::api::ApiError`].
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        let body = webtoken_token_service::api::ApiError::new(code, message);
        Self {
            status,
            content_type: "application/json",
            body: serde_json::to_vec(&body).expect("a struct of two strings serialises"),
            etag: None,
            set_cookie: None,
        }
    }

    /// A plain-text response.
    pub fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.as_bytes().to_vec(),
            etag: None,
            set_cookie: None,
        }
    }
}

/// Routes served before the static files (the token service's HTTP API, in the tests).
pub trait Routes: Send + Sync {
    /// Answers the request, or `None` to fall through to the static files.
    fn handle(&self, request: &Request) -> Option<Response>;
}

/// The static server: a root folder, optional extra routes, and its bounds.
#[derive(Clone)]
pub struct Server {
    root: PathBuf,
    routes: Option<Arc<dyn Routes>>,
    request_timeout: Duration,
    max_connections: usize,
}

/// Stops a server from [`Server::spawn_stoppable`].
pub struct Stopper {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<io::Result<()>>>,
}

impl Stopper {
    /// Stops accepting and closes the port; returns once it is closed. Requests still being
    /// answered are dropped with the server.
    pub fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Server {
    /// A server for the page whose `index.html` is in `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            routes: None,
            request_timeout: REQUEST_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        }
    }

    /// Adds routes answered before the static files.
    pub fn with_routes(mut self, routes: Arc<dyn Routes>) -> Self {
        self.routes = Some(routes);
        self
    }

    /// Bounds each connection, head, body and answer together (default [`REQUEST_TIMEOUT`]).
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Caps the connections open at once (default [`MAX_CONNECTIONS`], at least 1).
    pub fn with_max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// Binds `127.0.0.1:port` (0 for an ephemeral port) and serves on a background thread.
    pub fn spawn(self, port: u16) -> io::Result<SocketAddr> {
        let listener = bind_loopback(port)?;
        let addr = listener.local_addr()?;
        let runtime = runtime()?;
        thread::Builder::new()
            .name("webtoken-serve".into())
            .spawn(move || runtime.block_on(http::serve(self, listener, std::future::pending())))?;
        Ok(addr)
    }

    /// Like [`Server::spawn`], with a switch that stops the server and closes its port (the
    /// tests use it to take the page offline).
    pub fn spawn_stoppable(self, port: u16) -> io::Result<(SocketAddr, Stopper)> {
        let listener = bind_loopback(port)?;
        let addr = listener.local_addr()?;
        let runtime = runtime()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = thread::Builder::new()
            .name("webtoken-serve".into())
            .spawn(move || {
                runtime.block_on(http::serve(self, listener, async {
                    let _ = stopped.await;
                }))
            })?;
        Ok((
            addr,
            Stopper {
                stop: Some(stop),
                thread: Some(thread),
            },
        ))
    }

    /// Serves connections from `listener` until the process ends.
    pub fn run(self, listener: TcpListener) -> io::Result<()> {
        runtime()?.block_on(http::serve(self, listener, std::future::pending()))
    }

    /// Answers one request: the extra routes first, then the static files.
    pub fn respond(&self, request: &Request) -> Response {
        if let Some(routes) = &self.routes
            && let Some(response) = routes.handle(request)
        {
            return response;
        }
        if request.method != "GET" {
            return Response::error(
                405,
                "method_not_allowed",
                "only GET and HEAD are served here",
            );
        }
        match static_path(&self.root, &request.path) {
            Some(path) => match std::fs::read(&path) {
                Ok(body) => {
                    let etag = etag_of(&body);
                    let unchanged = request
                        .header("if-none-match")
                        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag));
                    Response {
                        status: if unchanged { 304 } else { 200 },
                        content_type: content_type(&path),
                        body: if unchanged { Vec::new() } else { body },
                        etag: Some(etag),
                        set_cookie: None,
                    }
                }
                Err(_) => Response::text(404, "not found"),
            },
            None => Response::text(404, "not found"),
        }
    }
}

/// A strong entity tag for `body`: the first 16 bytes of its SHA-256, in hex and quotes.
fn etag_of(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(body);
    format!("\"{}\"", webtoken_engine::hex::to_hex(&digest[..16]))
}

/// Binds a listener on loopback only: the page is never offered to the network.
pub fn bind_loopback(port: u16) -> io::Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port))
}

/// Maps a URL path to a file of the page, or `None` when it is not one of the page's files.
fn static_path(root: &Path, url_path: &str) -> Option<PathBuf> {
    if url_path == "/" || url_path == "/index.html" {
        return Some(root.join("index.html"));
    }
    if url_path == "/sw.js" {
        // The service worker sits at the top so that its scope is the whole page.
        return Some(root.join("sw.js"));
    }
    let rest = url_path.strip_prefix('/')?;
    let mut segments = rest.split('/');
    let top = segments.next()?;
    if top != "www" && top != "pkg" {
        return None;
    }
    let mut path = root.join(top);
    let mut any = false;
    for segment in segments {
        let safe = !segment.is_empty()
            && !segment.starts_with('.')
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !safe {
            return None;
        }
        path.push(segment);
        any = true;
    }
    any.then_some(path)
}

/// The `Content-Type` of a file of the page, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ts") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The server's runtime: two workers, and at most eight threads answering (reading files,
/// running routes), whatever the number of connections.
fn runtime() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(8)
        .thread_name("webtoken-serve-worker")
        .enable_io()
        .enable_time()
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;

    #[test]
    fn only_the_page_files_are_served() {
        let root = Path::new("/srv/page");
        assert_eq!(static_path(root, "/"), Some(root.join("index.html")));
        assert_eq!(
            static_path(root, "/pkg/webtoken_bg.wasm"),
            Some(root.join("pkg/webtoken_bg.wasm"))
        );
        assert_eq!(
            static_path(root, "/www/app.js"),
            Some(root.join("www/app.js"))
        );
        for bad in [
            "/Cargo.toml",
            "/src/lib.rs",
            "/www/../Cargo.toml",
            "/www/.hidden",
            "/www/",
            "/www",
            "/pkg/%2e%2e/x",
            "/www/a\\b",
            "",
        ] {
            assert_eq!(static_path(root, bad), None, "{bad}");
        }
    }

    #[test]
    fn wasm_has_its_mime_type() {
        assert_eq!(content_type(Path::new("a.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("a.js")),
            "text/javascript; charset=utf-8"
        );
    }

    #[test]
    fn csp_allows_wasm_but_no_inline_script_or_eval() {
        assert!(CONTENT_SECURITY_POLICY.contains("'wasm-unsafe-eval'"));
        assert!(!CONTENT_SECURITY_POLICY.contains("'unsafe-inline'"));
        assert!(!CONTENT_SECURITY_POLICY.contains("'unsafe-eval'"));
        assert!(CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'"));
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "style-src 'self';",
            "require-trusted-types-for 'script'",
            // The only Trusted Types policy: the one that names sw.js (www/app.js).
            "trusted-types webtoken-sw;",
            // Requests go to the page's own origin only.
            "connect-src 'self';",
        ] {
            assert!(CONTENT_SECURITY_POLICY.contains(directive), "{directive}");
        }
    }

    #[test]
    fn index_html_carries_the_same_policy_less_frame_ancestors() {
        let html = include_str!("../../../index.html");
        let meta = quoted_after(html, "http-equiv=\"Content-Security-Policy\" content=\"");
        assert_eq!(
            format!("{meta}; frame-ancestors 'none'"),
            CONTENT_SECURITY_POLICY
        );
    }

    /// The text from the end of `marker` in `text` to the next double quote.
    fn quoted_after<'a>(text: &'a str, marker: &str) -> &'a str {
        let start = text
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} not found"))
            + marker.len();
        &text[start..start + text[start..].find('"').expect("closing quote")]
    }

    /// www/app.js opens (on a first visit, creates) the key database while the wasm loads; its
    /// name, version and store must be the ones src/idb.rs opens.
    #[test]
    fn app_js_opens_the_database_the_wasm_opens() {
        let idb = include_str!("../../../src/idb.rs");
        let name = quoted_after(idb, "const DB_NAME: &str = \"");
        let store = quoted_after(idb, "const STORE: &str = \"");
        let marker = "const DB_VERSION: u32 = ";
        let start = idb.find(marker).expect("idb.rs has a version") + marker.len();
        let version = &idb[start..start + idb[start..].find(';').expect("a semicolon")];
        let app = include_str!("../../../www/app.js");
        for expected in [
            format!("indexedDB.open(\"{name}\", {version})"),
            format!("contains(\"{store}\")"),
            format!("createObjectStore(\"{store}\")"),
        ] {
            assert!(app.contains(&expected), "www/app.js should have {expected}");
        }
    }

    #[test]
    fn a_stopped_server_closes_its_port() {
        let dir = std::env::temp_dir().join(format!("webtoken-stop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("index.html"), "<!doctype html>").expect("write");
        let (addr, stopper) = Server::new(&dir).spawn_stoppable(0).expect("bind");
        let mut s = TcpStream::connect(addr).expect("connect while running");
        write!(s, "GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("send");
        let mut out = String::new();
        s.read_to_string(&mut out).expect("read");
        assert!(out.starts_with("HTTP/1.1 200"), "{out}");
        stopper.stop();
        assert!(TcpStream::connect(addr).is_err(), "the port is closed");
    }

    #[test]
    fn serves_over_loopback_with_headers() {
        let dir = std::env::temp_dir().join(format!("webtoken-server-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).expect("temp dir");
        std::fs::write(dir.join("index.html"), "<!doctype html>").expect("write");
        std::fs::write(dir.join("pkg/x.wasm"), [0u8, 97, 115, 109]).expect("write");
        let addr = Server::new(&dir).spawn(0).expect("bind");
        assert!(addr.ip().is_loopback());
        let get = |path: &str| {
            let mut s = TcpStream::connect(addr).expect("connect");
            write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("send");
            let mut out = String::new();
            s.read_to_string(&mut out).expect("read");
            out
        };
        let wasm = get("/pkg/x.wasm");
        assert!(wasm.starts_with("HTTP/1.1 200"), "{wasm}");
        assert!(wasm.contains("Content-Type: application/wasm\r\n"));
        assert!(wasm.contains("X-Content-Type-Options: nosniff\r\n"));
        assert!(wasm.contains("frame-ancestors 'none'"));
        assert!(get("/").contains("<!doctype html>"));
        let mut s = TcpStream::connect(addr).expect("connect");
        write!(s, "HEAD /pkg/x.wasm HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("send");
        let mut head = String::new();
        s.read_to_string(&mut head).expect("read");
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.contains("Content-Length: 4\r\n"));
        assert!(head.ends_with("\r\n\r\n"), "HEAD has no body: {head:?}");
        assert!(get("/Cargo.toml").starts_with("HTTP/1.1 404"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A static file carries an ETag; asking again with it gets 304 and no body, unless the
    /// file changed.
    #[test]
    fn unchanged_files_are_revalidated_not_sent_again() {
        let dir = std::env::temp_dir().join(format!("webtoken-etag-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("www")).expect("temp dir");
        std::fs::write(dir.join("www/app.js"), "one").expect("write");
        let server = Server::new(&dir);
        let get = |tags: Option<&str>| {
            let mut headers = vec![("host".to_owned(), "127.0.0.1:1".to_owned())];
            if let Some(tags) = tags {
                headers.push(("if-none-match".to_owned(), tags.to_owned()));
            }
            server.respond(&Request {
                method: "GET".into(),
                path: "/www/app.js".into(),
                query: String::new(),
                headers,
                body: Vec::new(),
            })
        };
        let first = get(None);
        assert_eq!((first.status, first.body.as_slice()), (200, &b"one"[..]));
        let tag = first.etag.expect("static files have an ETag");
        assert!(
            tag.starts_with('"') && tag.ends_with('"') && tag.len() == 34,
            "{tag}"
        );
        let again = get(Some(&format!("\"other\", {tag}")));
        assert_eq!((again.status, again.body.len()), (304, 0));
        assert_eq!(again.etag.as_deref(), Some(tag.as_str()));
        assert_eq!(get(Some("\"other\"")).status, 200);
        std::fs::write(dir.join("www/app.js"), "two").expect("write");
        let changed = get(Some(&tag));
        assert_eq!(
            (changed.status, changed.body.as_slice()),
            (200, &b"two"[..])
        );
        assert_ne!(changed.etag, Some(tag));
        // On the wire: the 304 has no body and no length.
        let (addr, stopper) = Server::new(&dir).spawn_stoppable(0).expect("bind");
        let mut s = TcpStream::connect(addr).expect("connect");
        let tag = changed.etag.expect("an ETag");
        write!(
            s,
            "GET /www/app.js HTTP/1.1\r\nHost: {addr}\r\nIf-None-Match: {tag}\r\n\r\n"
        )
        .expect("send");
        let mut out = String::new();
        s.read_to_string(&mut out).expect("read");
        assert!(out.starts_with("HTTP/1.1 304 Not Modified\r\n"), "{out}");
        // Header names are case-insensitive; hyper writes this one `Etag`.
        let lower = out.to_ascii_lowercase();
        assert!(lower.contains(&format!("\r\netag: {tag}\r\n")), "{out}");
        assert!(!lower.contains("content-length"), "{out}");
        assert!(out.ends_with("\r\n\r\n"), "{out:?}");
        stopper.stop();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
