//! A remote token service over HTTP, for the page's remote mode: the core's client
//! ([`webtoken_token_service::client`]) builds the requests and reads the answers; this shell
//! only sends them with `fetch`; which call each of the bank's commands is, the bank decides
//! ([`webtoken_bank::remote`]).

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroizing;

use super::errors::js_failure;
use webtoken_bank::{Command, Event};
use webtoken_token_service::client::{CallError, Client, Reply, Transport};
use webtoken_token_service::{Issued, ServiceError};

/// The browser's `fetch`.
#[derive(Debug, Clone, Copy)]
pub struct Fetch;

impl Transport for Fetch {
    async fn exchange(
        &self,
        method: &'static str,
        url: &str,
        body: Option<&str>,
    ) -> Result<Reply, CallError> {
        let init = web_sys::RequestInit::new();
        init.set_method(method);
        if let Some(body) = body {
            init.set_body(&JsValue::from_str(body));
            let headers = web_sys::Headers::new().map_err(net)?;
            headers
                .set("Content-Type", "application/json")
                .map_err(net)?;
            init.set_headers(&headers);
        }
        let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(net)?;
        let window = web_sys::window().ok_or_else(|| CallError::Network("no window".into()))?;
        let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(net)?
            .dyn_into()
            .map_err(|_| CallError::BadAnswer("not a Response".into()))?;
        let text = JsFuture::from(response.text().map_err(bad)?)
            .await
            .map_err(bad)?;
        Ok(Reply {
            status: response.status(),
            body: Zeroizing::new(text.as_string().unwrap_or_default()),
        })
    }
}

fn net(e: JsValue) -> CallError {
    CallError::Network(js_failure(e).to_string())
}

fn bad(e: JsValue) -> CallError {
    CallError::BadAnswer(js_failure(e).to_string())
}

/// A token service reached over HTTP at an origin such as `http://127.0.0.1:8080`.
#[derive(Debug, Clone)]
pub struct Remote(Client<Fetch>);

impl Remote {
    /// The service at `base` (no trailing slash needed).
    pub fn new(base: &str) -> Self {
        Self(Client::new(base, Fetch))
    }

    /// The origin this service is at.
    pub fn base(&self) -> &str {
        self.0.base()
    }

    /// Issues a credential.
    pub async fn issue(&self) -> Result<Issued, ServiceError> {
        self.0.issue().await
    }

    /// The server's clock, in Unix seconds.
    pub async fn server_time(&self) -> Result<u64, ServiceError> {
        self.0.server_time().await
    }

    /// Carries out one of the bank's commands over HTTP ([`webtoken_bank::remote::execute`]).
    pub async fn execute(&self, command: Command) -> Option<Event> {
        webtoken_bank::remote::execute(&self.0, command).await
    }
}
