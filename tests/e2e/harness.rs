//! Starts the page server and a headless Chromium per test, from the settings in
//! `wasm-pack.toml`'s `[browser]` table.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde::Deserialize;

/// The crate's root, where `index.html` is.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Deserialize)]
struct Config {
    browser: BrowserConfig,
}

#[derive(Deserialize)]
struct BrowserConfig {
    chromium: String,
    chromedriver: String,
    args: Vec<String>,
}

fn config() -> BrowserConfig {
    let text = std::fs::read_to_string(root().join("wasm-pack.toml")).expect("read wasm-pack.toml");
    toml::from_str::<Config>(&text)
        .expect("wasm-pack.toml has a [browser] table")
        .browser
}

/// The address of the page server, started once for the whole test binary.
pub fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        assert!(
            root().join("pkg/webtoken_bg.wasm").is_file(),
            "pkg/ is not built: run `make build` (or `make test`) first"
        );
        webtoken_server::Server::new(root())
            .spawn(0)
            .expect("start the page server on loopback")
    })
}

/// Where screenshots of this run go (build output, never committed).
pub fn screenshot_dir() -> PathBuf {
    let dir = root().join("target").join("e2e-screenshots");
    std::fs::create_dir_all(&dir).expect("create the screenshot folder");
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Where the page gets its token service from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The default: the token service runs inside the page.
    InPage,
    /// The page is served by the backend stub and uses it as its token service over HTTP
    /// (`?service=same-origin`).
    Remote,
}

/// One headless Chromium with its own chromedriver and profile; killed when dropped.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
    /// chromedriver's loopback port (for commands fantoccini lacks).
    driver_port: u16,
    profile: PathBuf,
    /// The server the page is opened from.
    base: SocketAddr,
    /// The query that selects the token service.
    query: &'static str,
    /// What screenshot names start with.
    prefix: &'static str,
    /// The backend stub, in remote mode.
    pub backend: Option<std::sync::Arc<crate::backend::Backend>>,
}

impl Browser {
    /// Starts chromedriver and a new Chromium session, for the in-page token service.
    pub async fn start() -> Browser {
        Self::start_in(Mode::InPage).await
    }

    /// Starts chromedriver and a new Chromium session for pages in `mode`; in remote mode a
    /// backend stub of its own serves the page and the token service.
    pub async fn start_in(mode: Mode) -> Browser {
        Self::launch(mode, "ja", None, &[]).await
    }

    /// Starts a session whose browser prefers `language` (`navigator.languages`), for pages
    /// with the in-page token service. [`Browser::start`] prefers Japanese, as the bank's
    /// customers' browsers do.
    pub async fn start_preferring(language: &str) -> Browser {
        Self::launch(Mode::InPage, language, None, &[]).await
    }

    /// Starts a session (in-page token service, Japanese) whose downloads are saved, without
    /// asking, into `dir`.
    pub async fn start_downloading_to(dir: &std::path::Path) -> Browser {
        Self::launch(Mode::InPage, "ja", Some(dir), &[]).await
    }

    /// Starts a session (in-page token service, Japanese) whose Chromium gets `extra`
    /// command-line arguments besides the usual ones (a fake camera, for instance).
    pub async fn start_with_args(extra: &[String]) -> Browser {
        Self::launch(Mode::InPage, "ja", None, extra).await
    }

    async fn launch(
        mode: Mode,
        language: &str,
        downloads: Option<&std::path::Path>,
        extra: &[String],
    ) -> Browser {
        let (base, query, prefix, backend) = match mode {
            Mode::InPage => (server(), "", "", None),
            Mode::Remote => {
                assert!(
                    root().join("pkg/webtoken_bg.wasm").is_file(),
                    "pkg/ is not built: run `make build` (or `make test`) first"
                );
                let (addr, backend) = crate::backend::start(root());
                (addr, "?service=same-origin", "remote-", Some(backend))
            }
        };
        let cfg = config();
        let port = free_port();
        let driver = Command::new(&cfg.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {} ({e}); run `make setup`", cfg.chromedriver));
        let profile =
            std::env::temp_dir().join(format!("webtoken-e2e-{}-{port}", std::process::id()));
        let mut args = cfg.args.clone();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push(format!("--lang={language}"));
        args.extend_from_slice(extra);
        let mut prefs = serde_json::json!({ "intl": { "accept_languages": language } });
        if let Some(dir) = downloads {
            prefs["download"] = serde_json::json!({
                "default_directory": dir,
                "prompt_for_download": false,
            });
        }
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": cfg.chromium,
                "args": args,
                "prefs": prefs,
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let caps = match caps {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("a JSON object literal"),
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        // chromedriver takes a moment to listen: bounded retries, 10 s at most.
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Browser {
                        client,
                        driver,
                        driver_port: port,
                        profile,
                        base,
                        query,
                        prefix,
                        backend,
                    };
                }
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("could not start a Chromium session through chromedriver: {last:?}");
    }

    /// Opens a path of the page server (which may have a query of its own), with the query of
    /// this browser's mode.
    pub async fn open(&self, path: &str) {
        let query = match self.query.strip_prefix('?') {
            Some(rest) if path.contains('?') => format!("&{rest}"),
            _ => self.query.to_owned(),
        };
        let url = format!("http://{}{}{}", self.base, path, query);
        self.client.goto(&url).await.expect("open the page");
    }

    /// Opens `path` on the server at `addr` (another server than this browser's).
    pub async fn open_on(&self, addr: SocketAddr, path: &str) {
        let url = format!("http://{addr}{path}");
        self.client.goto(&url).await.expect("open the page");
    }

    /// Every console message the page logged since the last call (chromedriver's browser log,
    /// which `goog:loggingPrefs` turns on), one string per entry.
    pub async fn console(&self) -> Vec<String> {
        let reply = self.post("se/log", r#"{"type":"browser"}"#).await;
        let json = reply.as_str();
        let value: serde_json::Value = serde_json::from_str(json)
            .unwrap_or_else(|e| panic!("chromedriver's log is JSON ({e}): {json}"));
        value["value"]
            .as_array()
            .unwrap_or_else(|| panic!("a list of log entries: {value}"))
            .iter()
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Grants the page a permission (`clipboard-read`, ...), through chromedriver's Set
    /// Permission command, which fantoccini lacks.
    pub async fn grant(&self, permission: &str) {
        let body = serde_json::json!({"descriptor": {"name": permission}, "state": "granted"});
        let reply = self.post("permissions", &body.to_string()).await;
        assert!(
            reply.contains("\"value\":null"),
            "grant {permission}: {reply}"
        );
    }

    /// POSTs `body` to the session's chromedriver command `command`; the reply's body.
    async fn post(&self, command: &str, body: &str) -> String {
        let session = self
            .client
            .session_id()
            .await
            .expect("the session id")
            .expect("a session");
        let request = format!(
            "POST /session/{session}/{command} HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let port = self.driver_port;
        tokio::task::spawn_blocking(move || {
            use std::io::{Read, Write};
            let mut stream =
                std::net::TcpStream::connect(("127.0.0.1", port)).expect("reach chromedriver");
            stream
                .write_all(request.as_bytes())
                .expect("send the command");
            // chromedriver keeps the connection open despite `Connection: close`: read the
            // head, then exactly Content-Length bytes.
            let mut reply = Vec::new();
            let mut chunk = [0u8; 8192];
            loop {
                let n = stream.read(&mut chunk).expect("read the reply");
                assert!(n > 0, "chromedriver hung up mid-reply");
                reply.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&reply);
                if let Some(end) = text.find("\r\n\r\n") {
                    let length: usize = text[..end]
                        .lines()
                        .find_map(|l| {
                            let (name, value) = l.split_once(':')?;
                            name.eq_ignore_ascii_case("content-length")
                                .then(|| value.trim().parse().ok())?
                        })
                        .expect("a Content-Length");
                    if reply.len() >= end + 4 + length {
                        return String::from_utf8(reply[end + 4..end + 4 + length].to_vec())
                            .expect("UTF-8 JSON");
                    }
                }
            }
        })
        .await
        .expect("the chromedriver request")
    }

    /// The text of the element with this `data-testid`.
    pub async fn text(&self, testid: &str) -> String {
        self.client
            .find(Locator::Css(&format!("[data-testid=\"{testid}\"]")))
            .await
            .unwrap_or_else(|e| panic!("no [data-testid={testid}]: {e}"))
            .text()
            .await
            .expect("read the element's text")
    }

    /// Waits (at most `timeout`) until the element's text satisfies `ok`, and returns it.
    pub async fn wait_text(
        &self,
        testid: &str,
        timeout: Duration,
        ok: impl Fn(&str) -> bool,
    ) -> String {
        let started = std::time::Instant::now();
        loop {
            let text = match self
                .client
                .find(Locator::Css(&format!("[data-testid=\"{testid}\"]")))
                .await
            {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if ok(&text) {
                return text;
            }
            if started.elapsed() > timeout {
                let status = self.text("status").await;
                panic!(
                    "[data-testid={testid}] still reads {text:?} after {timeout:?} (status: {status:?})"
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The browser's `Date.now()` in whole seconds.
    pub async fn now_seconds(&self) -> u64 {
        let v = self
            .client
            .execute("return Math.floor(Date.now() / 1000);", vec![])
            .await
            .expect("run a script");
        v.as_u64().expect("a number of seconds")
    }

    /// Saves a screenshot under `target/e2e-screenshots/NAME.png`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("take a screenshot");
        self.save_screenshot(name, png);
    }

    /// Saves a screenshot of the whole element with this `data-testid` (taller than the window
    /// too) under `target/e2e-screenshots/NAME.png`.
    pub async fn screenshot_of(&self, testid: &str, name: &str) {
        let png = self
            .client
            .find(Locator::Css(&format!("[data-testid=\"{testid}\"]")))
            .await
            .unwrap_or_else(|e| panic!("no [data-testid={testid}]: {e}"))
            .screenshot()
            .await
            .expect("take a screenshot of the element");
        self.save_screenshot(name, png);
    }

    fn save_screenshot(&self, name: &str, png: Vec<u8>) {
        std::fs::write(
            screenshot_dir().join(format!("{}{name}.png", self.prefix)),
            png,
        )
        .expect("save the screenshot");
    }

    /// Ends the session and the processes.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failed test still must not leave chromedriver or Chromium behind: killing the
        // driver orphans the browser, which is found by its profile folder.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = Command::new("pkill")
            .arg("-f")
            .arg(format!("user-data-dir={}", self.profile.display()))
            .status();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Whether `s` is a 6-digit code grouped for reading (`123 456`).
pub fn is_grouped_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[3] == b' '
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 3 || c.is_ascii_digit())
}

/// Whether `s` is a Token ID grouped for reading (`ABCD 1234 5678`).
pub fn is_grouped_token_id(s: &str) -> bool {
    let parts: Vec<&str> = s.split(' ').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts[0].bytes().all(|c| c.is_ascii_uppercase())
        && parts[1..]
            .iter()
            .all(|p| p.len() == 4 && p.bytes().all(|c| c.is_ascii_digit()))
}
