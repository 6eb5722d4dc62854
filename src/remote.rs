//! A remote token service over HTTP (the API of [`webtoken_token_service::api`]), for the page's
//! remote mode. Network failures and server errors become the same typed answers the in-page
//! service gives ([`Rejected::Unavailable`], [`ServiceError::Unreachable`]), so the bank's
//! screens show a clear message and nothing stored is touched.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroizing;

use super::errors::JsFailure;
use webtoken_bank::{Command, Event, StaffSignInRefused, TokenRecord};
use webtoken_engine::Params;
use webtoken_engine::json::{FromJson, Ignored, ToJson};
use webtoken_engine::token_id::TokenId;
use webtoken_token_service::api::{
    ApiError, AuditTrail, Outcome, ResyncRequest, ServerTime, StaffSignInRequest, StopRequest,
    StopWithCodeRequest, UnlockRequest, ValidateRequest,
};
use webtoken_token_service::{Accepted, CredentialState, Issued, Rejected, ServiceError};

/// A token service reached over HTTP at `base` (an origin such as `http://127.0.0.1:8080`).
#[derive(Debug, Clone)]
pub struct Remote {
    base: String,
}

/// Why a call gave no answer.
#[derive(Debug, Clone)]
enum CallError {
    /// The request did not complete (network down, refused by the CSP, server gone).
    Network(String),
    /// The server answered with an error.
    Api { status: u16, error: ApiError },
    /// The answer could not be read.
    BadAnswer(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Network(why) => write!(f, "network error ({why})"),
            Self::Api { status, error } => write!(f, "HTTP {status}: {}", error.message),
            Self::BadAnswer(why) => write!(f, "unreadable answer ({why})"),
        }
    }
}

impl Remote {
    /// The service at `base` (no trailing slash needed).
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// The origin this service is at.
    pub fn base(&self) -> &str {
        &self.base
    }

    async fn call<B: ToJson, T: FromJson>(
        &self,
        method: &str,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, CallError> {
        let body = body.map(|body| webtoken_engine::json::to_string(body));
        let text = self
            .exchange(method, path, body.as_ref().map(|b| b.as_str()))
            .await?;
        webtoken_engine::json::from_str(&text).map_err(|e| CallError::BadAnswer(e.to_string()))
    }

    /// [`Self::call`]'s request and answer as JSON text, not generic: the wasm holds one copy
    /// of the fetch, not one per route.
    async fn exchange(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Result<Zeroizing<String>, CallError> {
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
        let url = format!(
            "{}{}{}",
            self.base,
            webtoken_token_service::api::API_PREFIX,
            path
        );
        let request = web_sys::Request::new_with_str_and_init(&url, &init).map_err(net)?;
        let window = web_sys::window().ok_or_else(|| CallError::Network("no window".into()))?;
        let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(net)?
            .dyn_into()
            .map_err(|_| CallError::BadAnswer("not a Response".into()))?;
        let text = JsFuture::from(response.text().map_err(bad)?)
            .await
            .map_err(bad)?;
        // An issued credential's answer holds its secret: the copy in Rust is wiped.
        let text = Zeroizing::new(text.as_string().unwrap_or_default());
        if response.ok() {
            return Ok(text);
        }
        let error = webtoken_engine::json::from_str(&text).unwrap_or_else(|_| {
            ApiError::new(
                "unknown",
                format!("the server answered {}", response.status()),
            )
        });
        Err(CallError::Api {
            status: response.status(),
            error,
        })
    }

    /// Issues a credential.
    pub async fn issue(&self) -> Result<Issued, ServiceError> {
        self.call::<_, Issued>(
            "POST",
            "/credentials",
            Some(&webtoken_engine::json::EmptyObject),
        )
        .await
        .map_err(unreachable)
    }

    /// The server's clock, in Unix seconds.
    pub async fn server_time(&self) -> Result<u64, ServiceError> {
        self.call::<(), ServerTime>("GET", "/time", None)
            .await
            .map(|t| t.now)
            .map_err(unreachable)
    }

    /// Carries out one of the bank's commands over HTTP; `None` for [`Command::SaveBank`].
    /// A staff command the server refuses for want of a staff session (401) answers
    /// [`Event::StaffSessionEnded`].
    pub async fn execute(&self, command: Command) -> Option<Event> {
        let digits = Params::default().digits;
        Some(match command {
            Command::ValidateCode { token_id, code } => {
                let request = ValidateRequest {
                    token_id: token_id.as_str().to_owned(),
                    code,
                };
                let answer = self.call("POST", "/validate", Some(&request)).await;
                Event::CodeChecked(outcome(answer, &[&request.code], digits))
            }
            Command::Resync {
                token_id,
                first,
                second,
            } => {
                let request = ResyncRequest {
                    token_id: token_id.as_str().to_owned(),
                    first,
                    second,
                };
                let answer = self.call("POST", "/resync", Some(&request)).await;
                Event::CodeChecked(outcome(answer, &[&request.first, &request.second], digits))
            }
            Command::StopWithCode {
                token_id,
                code,
                actor,
                reason,
            } => {
                let request = StopWithCodeRequest {
                    token_id: token_id.as_str().to_owned(),
                    code,
                    actor,
                    reason,
                };
                let answer = self.call("POST", "/stop", Some(&request)).await;
                Event::CodeChecked(outcome(answer, &[&request.code], digits))
            }
            Command::StopToken {
                token_id,
                actor,
                reason,
            } => {
                let request = StopRequest {
                    token_id: token_id.as_str().to_owned(),
                    actor,
                    reason,
                };
                let answer = self
                    .call::<_, Ignored>("POST", "/staff/stop", Some(&request))
                    .await;
                if ended(&answer) {
                    return Some(Event::StaffSessionEnded);
                }
                Event::TokenStopped(answer.map(|_| ()).map_err(|e| service_error(e, &token_id)))
            }
            Command::UnlockToken { token_id, actor } => {
                let request = UnlockRequest {
                    token_id: token_id.as_str().to_owned(),
                    actor,
                };
                let answer = self
                    .call::<_, Ignored>("POST", "/staff/unlock", Some(&request))
                    .await;
                if ended(&answer) {
                    return Some(Event::StaffSessionEnded);
                }
                Event::TokenUnlocked(answer.map(|_| ()).map_err(|e| service_error(e, &token_id)))
            }
            Command::FetchToken { token_id } => {
                let path = format!("/credentials/{}", token_id.as_str());
                // A token the service does not know is a 404; anything else that fails leaves
                // the record unknown, which the staff page says (not "no token", not "altered").
                let first = self.call::<(), CredentialState>("GET", &path, None).await;
                if ended(&first) {
                    return Some(Event::StaffSessionEnded);
                }
                let (state, mut unavailable) = match first {
                    Ok(state) => (Some(state), false),
                    Err(CallError::Api { status: 404, .. }) => (None, false),
                    Err(_) => (None, true),
                };
                let trail = self
                    .call::<(), AuditTrail>("GET", &format!("{path}/audit"), None)
                    .await;
                let (audit, chain_verified, chain_error) = match trail {
                    Ok(trail) => (trail.events, trail.chain_ok, trail.chain_error),
                    Err(CallError::Api { status: 404, .. }) => (Vec::new(), false, None),
                    Err(_) => {
                        unavailable = true;
                        (Vec::new(), false, None)
                    }
                };
                Event::TokenFetched(Box::new(TokenRecord {
                    token_id,
                    state,
                    audit,
                    chain_verified,
                    chain_error,
                    unavailable,
                }))
            }
            Command::SignInStaff {
                staff_id,
                password,
                code,
                ..
            } => {
                // The server checks the password and the code itself and sets its session
                // cookie (HttpOnly: this page never sees it).
                let request = StaffSignInRequest {
                    staff_id: staff_id.as_str().to_owned(),
                    password: password.expose().to_owned(),
                    code,
                };
                let answer = self
                    .call::<_, Ignored>("POST", "/staff/session", Some(&request))
                    .await;
                drop(Zeroizing::new(request.password));
                Event::StaffSignedIn(match answer {
                    Ok(_) => Ok(()),
                    Err(CallError::Api { status: 401, .. }) => Err(StaffSignInRefused::Refused),
                    Err(_) => Err(StaffSignInRefused::Unavailable),
                })
            }
            Command::SignOutStaff => {
                let _ = self
                    .call::<(), Ignored>("DELETE", "/staff/session", None)
                    .await;
                return None;
            }
            Command::SaveBank => return None,
        })
    }
}

/// Whether the server refused a staff call for want of a staff session.
fn ended<T>(answer: &Result<T, CallError>) -> bool {
    matches!(answer, Err(CallError::Api { status: 401, .. }))
}

fn net(e: JsValue) -> CallError {
    CallError::Network(JsFailure::from(e).to_string())
}

fn bad(e: JsValue) -> CallError {
    CallError::BadAnswer(JsFailure::from(e).to_string())
}

fn unreachable(e: CallError) -> ServiceError {
    ServiceError::Unreachable {
        reason: e.to_string(),
    }
}

/// A validation answer, or [`Rejected::Unavailable`] when there was none.
fn outcome(
    answer: Result<Outcome, CallError>,
    typed: &[&str],
    digits: u8,
) -> Result<Accepted, Rejected> {
    match answer {
        Ok(outcome) => outcome.into_result(typed, digits),
        Err(CallError::Api { error, .. }) if error.error == "unknown_token" => {
            Err(Rejected::UnknownToken)
        }
        Err(_) => Err(Rejected::Unavailable),
    }
}

fn service_error(e: CallError, token_id: &TokenId) -> ServiceError {
    let token_id = token_id.clone();
    match &e {
        CallError::Api { error, .. } => match error.error.as_str() {
            "unknown_token" => ServiceError::UnknownToken { token_id },
            "stopped" => ServiceError::Stopped { token_id },
            "not_locked" => ServiceError::NotLocked { token_id },
            _ => unreachable(e),
        },
        _ => unreachable(e),
    }
}
