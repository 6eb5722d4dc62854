//! A remote token service over HTTP, for the page's remote mode: the core's client
//! ([`webtoken_token_service::client`]) builds the requests and reads the answers; this shell
//! only sends them with `fetch`, and routes the bank's commands to the client.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroizing;

use super::errors::JsFailure;
use webtoken_bank::{Command, Event, StaffSignInRefused, TokenRecord};
use webtoken_token_service::client::{
    CallError, Client, Reply, SignInRefused, StaffCall, Transport,
};
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
    CallError::Network(JsFailure::from(e).to_string())
}

fn bad(e: JsValue) -> CallError {
    CallError::BadAnswer(JsFailure::from(e).to_string())
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

    /// Carries out one of the bank's commands over HTTP; `None` for [`Command::SaveBank`] and
    /// [`Command::SignOutStaff`]. A staff command the server refuses for want of a staff
    /// session answers [`Event::StaffSessionEnded`].
    pub async fn execute(&self, command: Command) -> Option<Event> {
        let client = &self.0;
        Some(match command {
            Command::ValidateCode { token_id, code } => {
                Event::CodeChecked(client.validate(&token_id, code).await)
            }
            Command::Resync {
                token_id,
                first,
                second,
            } => Event::CodeChecked(client.resync(&token_id, first, second).await),
            Command::StopWithCode {
                token_id,
                code,
                actor,
                reason,
            } => Event::CodeChecked(client.stop_with_code(&token_id, code, actor, reason).await),
            Command::StopToken {
                token_id,
                actor,
                reason,
            } => staff(
                client.stop(&token_id, actor, reason).await,
                Event::TokenStopped,
            ),
            Command::UnlockToken { token_id, actor } => {
                staff(client.unlock(&token_id, actor).await, Event::TokenUnlocked)
            }
            Command::FetchToken { token_id } => staff(client.fetch(&token_id).await, |f| {
                Event::TokenFetched(Box::new(TokenRecord {
                    token_id,
                    state: f.state,
                    audit: f.audit,
                    chain_verified: f.chain_verified,
                    chain_error: f.chain_error,
                    unavailable: f.unavailable,
                }))
            }),
            Command::SignInStaff {
                staff_id,
                password,
                code,
                ..
            } => {
                let answer = client
                    .sign_in_staff(staff_id.as_str(), password.expose(), code)
                    .await;
                Event::StaffSignedIn(answer.map_err(|e| match e {
                    SignInRefused::Refused => StaffSignInRefused::Refused,
                    SignInRefused::Unavailable => StaffSignInRefused::Unavailable,
                }))
            }
            Command::SignOutStaff => {
                client.sign_out_staff().await;
                return None;
            }
            Command::SaveBank => return None,
        })
    }
}

/// A staff call's event, or [`Event::StaffSessionEnded`] when the server holds no session.
fn staff<T>(call: StaffCall<T>, event: impl FnOnce(T) -> Event) -> Event {
    match call {
        StaffCall::Answer(answer) => event(answer),
        StaffCall::NoSession => Event::StaffSessionEnded,
    }
}
