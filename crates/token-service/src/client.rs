//! The client of the HTTP API ([`crate::api`]), for a page whose token service is remote: the
//! requests built and the answers read here, the exchange itself left to a [`Transport`] (the
//! browser's `fetch` in the page, a canned one in the tests).
//!
//! Network failures and server errors become the same typed answers the in-page service gives
//! ([`Rejected::Unavailable`], [`ServiceError::Unreachable`]), so a page says something clear
//! and touches nothing stored.
//!
//! ```
//! use webtoken_engine::address::percent_decode;
//! use webtoken_token_service::client::choose_service;
//! let origin = "http://127.0.0.1:8080";
//! let choose = |search| choose_service(search, origin, percent_decode);
//! assert_eq!(choose(""), Ok(None));
//! assert_eq!(choose("?service=same-origin"), Ok(Some(origin.to_owned())));
//! assert_eq!(choose("?service=https%3A%2F%2Fevil.example"), Err(origin.to_owned()));
//! ```

use std::future::Future;

use zeroize::Zeroizing;

use crate::api::{
    API_PREFIX, ApiError, AuditTrail, Outcome, ResyncRequest, ServerTime, StaffSignInRequest,
    StopRequest, StopWithCodeRequest, UnlockRequest, ValidateRequest,
};
use crate::{Accepted, AuditEvent, ChainError, CredentialState, Issued, Rejected, ServiceError};
use webtoken_engine::Params;
use webtoken_engine::address::query_value;
use webtoken_engine::i18n::{Lang, fill, page::Text as Words};
use webtoken_engine::json::{self, EmptyObject, FromJson, Ignored, ToJson};
use webtoken_engine::token_id::TokenId;

/// A staff call's answer, or `NoSession`: the server holds no live staff session for this
/// page (it answered 401 before reading anything), so the staff member must sign in again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffCall<T> {
    /// The server's answer.
    Answer(T),
    /// No live staff session (401).
    NoSession,
}

impl<T> StaffCall<T> {
    /// `answer` as a staff call: a 401 is [`StaffCall::NoSession`], anything else is read by `read`.
    fn of<R>(answer: Result<R, CallError>, read: impl FnOnce(Result<R, CallError>) -> T) -> Self {
        match answer {
            Err(CallError::Api { status: 401, .. }) => Self::NoSession,
            answer => Self::Answer(read(answer)),
        }
    }
}

/// Why the server refused a staff sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefused {
    /// The staff ID, password or code was wrong, replayed or locked (one answer for all).
    Refused,
    /// The server could not be asked, or failed.
    Unavailable,
}

/// An answer over the network: its HTTP status and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body, wiped when dropped (an issued credential's holds its secret).
    pub body: Zeroizing<String>,
}

/// Why a call gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallError {
    /// The request did not complete (network down, refused by the CSP, server gone).
    Network(String),
    /// The server answered with an error.
    Api {
        /// The HTTP status.
        status: u16,
        /// The error it gave.
        error: ApiError,
    },
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

/// Sends one request and gives its answer: the only part of the client that needs a network.
pub trait Transport {
    /// Sends `method` to `url`, with `body` as JSON when there is one.
    fn exchange(
        &self,
        method: &'static str,
        url: &str,
        body: Option<&str>,
    ) -> impl Future<Output = Result<Reply, CallError>>;
}

/// What the token service holds of a credential, for the staff's page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fetched {
    /// Its state; `None` if the service has no such token (or could not be asked).
    pub state: Option<CredentialState>,
    /// Its audit events, oldest first.
    pub audit: Vec<AuditEvent>,
    /// Whether the whole audit chain verified.
    pub chain_verified: bool,
    /// What is wrong with the chain, if the service said.
    pub chain_error: Option<ChainError>,
    /// The service could not be asked: the state and the trail are unknown, not empty.
    pub unavailable: bool,
}

/// A token service reached over HTTP at an origin such as `http://127.0.0.1:8080`.
#[derive(Debug, Clone)]
pub struct Client<T> {
    base: String,
    transport: T,
}

impl<T: Transport> Client<T> {
    /// The service at `base` (no trailing slash needed), reached through `transport`.
    pub fn new(base: &str, transport: T) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
            transport,
        }
    }

    /// The origin this service is at.
    pub fn base(&self) -> &str {
        &self.base
    }

    async fn call<B: ToJson, R: FromJson>(
        &self,
        method: &'static str,
        path: &str,
        body: Option<&B>,
    ) -> Result<R, CallError> {
        let body = body.map(|body| json::to_string(body));
        let text = self
            .exchange(method, path, body.as_ref().map(|b| b.as_str()))
            .await?;
        json::from_str(&text).map_err(|e| CallError::BadAnswer(e.to_string()))
    }

    /// [`Self::call`]'s request and answer as JSON text: the body of a 2xx answer, the
    /// [`ApiError`] of any other (or one saying the status, when the body is not one). Not
    /// generic: the page holds one copy of it, not one per route.
    async fn exchange(
        &self,
        method: &'static str,
        path: &str,
        body: Option<&str>,
    ) -> Result<Zeroizing<String>, CallError> {
        let url = format!("{}{API_PREFIX}{path}", self.base);
        let reply = self.transport.exchange(method, &url, body).await?;
        if (200..300).contains(&reply.status) {
            return Ok(reply.body);
        }
        let error = json::from_str(&reply.body).unwrap_or_else(|_| {
            ApiError::new("unknown", format!("the server answered {}", reply.status))
        });
        Err(CallError::Api {
            status: reply.status,
            error,
        })
    }

    /// Issues a credential.
    pub async fn issue(&self) -> Result<Issued, ServiceError> {
        self.call("POST", "/credentials", Some(&EmptyObject))
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

    /// Validates a typed code.
    pub async fn validate(&self, token_id: &TokenId, code: String) -> Result<Accepted, Rejected> {
        let request = ValidateRequest {
            token_id: token_id.as_str().to_owned(),
            code,
        };
        let answer = self.call("POST", "/validate", Some(&request)).await;
        outcome(answer, &[&request.code])
    }

    /// Resynchronises a token with two consecutive codes.
    pub async fn resync(
        &self,
        token_id: &TokenId,
        first: String,
        second: String,
    ) -> Result<Accepted, Rejected> {
        let request = ResyncRequest {
            token_id: token_id.as_str().to_owned(),
            first,
            second,
        };
        let answer = self.call("POST", "/resync", Some(&request)).await;
        outcome(answer, &[&request.first, &request.second])
    }

    /// The customer's own stop: the server stops the token only if `code` is accepted.
    pub async fn stop_with_code(
        &self,
        token_id: &TokenId,
        code: String,
        actor: String,
        reason: String,
    ) -> Result<Accepted, Rejected> {
        let request = StopWithCodeRequest {
            token_id: token_id.as_str().to_owned(),
            code,
            actor,
            reason,
        };
        let answer = self.call("POST", "/stop", Some(&request)).await;
        outcome(answer, &[&request.code])
    }

    /// Signs a staff member in: the server checks the password and the code and sets its
    /// session cookie (HttpOnly: the page never sees it).
    pub async fn sign_in_staff(
        &self,
        staff_id: &str,
        password: &str,
        code: String,
    ) -> Result<(), SignInRefused> {
        let request = StaffSignInRequest {
            staff_id: staff_id.to_owned(),
            password: password.to_owned(),
            code,
        };
        let answer = self.call::<_, Ignored>("POST", "/staff/session", Some(&request));
        let answer = answer.await;
        drop(Zeroizing::new(request.password));
        match answer {
            Ok(_) => Ok(()),
            Err(CallError::Api { status: 401, .. }) => Err(SignInRefused::Refused),
            Err(_) => Err(SignInRefused::Unavailable),
        }
    }

    /// Ends the staff session at the server (nothing to answer: the page's own session ends
    /// whatever the server says).
    pub async fn sign_out_staff(&self) {
        let _ = self
            .call::<(), Ignored>("DELETE", "/staff/session", None)
            .await;
    }

    /// Stops a token, for the signed-in staff member (`actor` is recorded only by an older
    /// server; this one names its session's staff ID).
    pub async fn stop(
        &self,
        token_id: &TokenId,
        actor: String,
        reason: String,
    ) -> StaffCall<Result<(), ServiceError>> {
        let request = StopRequest {
            token_id: token_id.as_str().to_owned(),
            actor,
            reason,
        };
        let answer = self.call::<_, Ignored>("POST", "/staff/stop", Some(&request));
        StaffCall::of(answer.await, |a| {
            a.map(drop).map_err(|e| service_error(e, token_id))
        })
    }

    /// Lifts a token's lockout, for the signed-in staff member.
    pub async fn unlock(
        &self,
        token_id: &TokenId,
        actor: String,
    ) -> StaffCall<Result<(), ServiceError>> {
        let request = UnlockRequest {
            token_id: token_id.as_str().to_owned(),
            actor,
        };
        let answer = self.call::<_, Ignored>("POST", "/staff/unlock", Some(&request));
        StaffCall::of(answer.await, |a| {
            a.map(drop).map_err(|e| service_error(e, token_id))
        })
    }

    /// A credential's state and audit trail. A token the service does not know is a 404;
    /// anything else that fails leaves the record unknown, which the staff page says (not "no
    /// token", not "altered").
    pub async fn fetch(&self, token_id: &TokenId) -> StaffCall<Fetched> {
        let path = format!("/credentials/{}", token_id.as_str());
        let mut fetched = Fetched::default();
        match self.call::<(), CredentialState>("GET", &path, None).await {
            Err(CallError::Api { status: 401, .. }) => return StaffCall::NoSession,
            Ok(state) => fetched.state = Some(state),
            Err(CallError::Api { status: 404, .. }) => {}
            Err(_) => fetched.unavailable = true,
        }
        let audit = format!("{path}/audit");
        match self.call::<(), AuditTrail>("GET", &audit, None).await {
            Ok(trail) => {
                fetched.audit = trail.events;
                fetched.chain_verified = trail.chain_ok;
                fetched.chain_error = trail.chain_error;
            }
            Err(CallError::Api { status: 401, .. }) => return StaffCall::NoSession,
            Err(CallError::Api { status: 404, .. }) => {}
            Err(_) => fetched.unavailable = true,
        }
        StaffCall::Answer(fetched)
    }
}

fn unreachable(e: CallError) -> ServiceError {
    ServiceError::Unreachable {
        reason: e.to_string(),
    }
}

/// A validation answer, or [`Rejected::Unavailable`] when there was none.
fn outcome(answer: Result<Outcome, CallError>, typed: &[&str]) -> Result<Accepted, Rejected> {
    match answer {
        Ok(outcome) => outcome.into_result(typed, Params::default().digits),
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

/// The token service a page's address asks for, from its query (`location.search`) and its
/// own origin: `?service=same-origin`, or `?service=ORIGIN` naming the page's own origin (the
/// Content-Security-Policy lets the page connect to its own origin only). `Ok(None)`: the
/// in-page service (the default); `Err`: the page's origin, for the message that says the
/// address asked for another one. `decode` undoes percent-encoding as `decodeURIComponent`
/// does (`None` where it throws): the browser passes its own, which keeps a decoder out of the
/// wasm ([`webtoken_engine::address::percent_decode`] stands in for it natively).
pub fn choose_service(
    search: &str,
    origin: &str,
    decode: impl FnOnce(&str) -> Option<String>,
) -> Result<Option<String>, String> {
    let Some(wanted) = query_value(search, "service") else {
        return Ok(None);
    };
    let wanted = decode(wanted).unwrap_or_default();
    if wanted == "same-origin" || wanted.trim_end_matches('/') == origin {
        Ok(Some(origin.to_owned()))
    } else {
        Err(origin.to_owned())
    }
}

/// The message that the address asked for a token service other than the page's `origin`.
pub fn service_param_invalid(origin: &str, lang: Lang) -> String {
    fill(Words::ServiceParamInvalid.get(lang), &[("origin", &origin)])
}

/// The warning that the page's clock (`now`) and the remote service's (`server`) differ by
/// more than one period, so that the token's codes would be refused; `None` when they agree.
pub fn clock_warning(server: u64, now: u64, lang: Lang) -> Option<String> {
    let skew = server.abs_diff(now);
    (skew > Params::default().period).then(|| fill(Words::ClockSkew.get(lang), &[("skew", &skew)]))
}

/// The message that the remote service at `base` could not be reached.
pub fn unreachable_message(base: &str, error: &ServiceError, lang: Lang) -> String {
    fill(
        Words::ServiceUnreachable.get(lang),
        &[("base", &base), ("error", error)],
    )
}

#[cfg(test)]
mod tests;
