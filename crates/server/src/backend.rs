//! The backend stub: the crate's token service behind the HTTP API of
//! `webtoken_token_service::api`, on `127.0.0.1` and an ephemeral port. It also serves the page
//! with the same headers as `make serve`, so the page's remote mode can use it same-origin.
//!
//! Staff sign in here with the bank's own checks (`webtoken_bank::staff`: the staff ID and
//! password, then their token's code through this token service, replay and lockout rules
//! included) and get a session: a random 256-bit value in an `HttpOnly; SameSite=Strict`
//! cookie, kept here only as its SHA-256, that ends on sign-out and after
//! `IDLE_LIMIT` (15 minutes) without a staff request. The staff routes and the credential
//! lookups answer 401 without one, before they read the Token ID.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::{Request, Response, Routes, Server};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use webtoken_bank::DEFAULT_ITERATIONS;
use webtoken_bank::staff::{Directory, IDLE_LIMIT, StaffSession, provision_demo_staff};
use webtoken_engine::hex::to_hex;
use webtoken_engine::random::{OsRandom, Random};
use webtoken_engine::token_id::TokenId;
use webtoken_token_service::api::{
    API_PREFIX, ApiError, AuditTrail, Done, Outcome, ResyncRequest, ServerTime, StaffSignInRequest,
    StaffSignedIn, StopRequest, StopWithCodeRequest, UnlockRequest, ValidateRequest,
};
use webtoken_token_service::{MemoryStore, Policy, ServiceError, TokenService};

/// The staff session cookie's name.
pub const SESSION_COOKIE: &str = "webtoken_staff";

/// The token service behind HTTP, with the server's own clock, and the staff who may use its
/// staff routes.
pub struct Backend {
    /// The service (public so that tests can look at its state directly).
    pub service: TokenService<MemoryStore>,
    /// The staff accounts (the bank's demo staff).
    staff: Mutex<Directory>,
    /// Live staff sessions, by the SHA-256 of their cookie value.
    sessions: Mutex<HashMap<[u8; 32], StaffSession>>,
    /// PBKDF2 iterations of an unknown staff ID's dummy check (the directory's own count).
    iterations: u32,
}

impl Backend {
    /// A token service with the demo staff member's credential, and the demo staff.
    pub fn demo() -> Self {
        Self::with_staff(Directory::demo(), DEFAULT_ITERATIONS)
    }

    /// A token service with the demo staff member's credential, and `staff` (hashed at
    /// `iterations`: tests use a small count).
    pub fn with_staff(staff: Directory, iterations: u32) -> Self {
        let service = TokenService::new(MemoryStore::new(), Policy::default());
        provision_demo_staff(&service, server_now());
        Self {
            service,
            staff: Mutex::new(staff),
            sessions: Mutex::new(HashMap::new()),
            iterations,
        }
    }
}

/// The server's clock: the only time used for validation.
pub fn server_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Starts the stub (API, and the page from `root`) and returns its address and the backend.
pub fn start(root: PathBuf) -> (SocketAddr, Arc<Backend>) {
    let backend = Arc::new(Backend::demo());
    let addr = Server::new(root)
        .with_routes(backend.clone())
        .spawn(0)
        .expect("start the backend stub on loopback");
    (addr, backend)
}

fn json<T: Serialize>(status: u16, body: &T) -> Response {
    Response {
        status,
        content_type: "application/json",
        body: serde_json::to_vec(body).expect("API types serialise"),
        etag: None,
        set_cookie: None,
    }
}

fn error(status: u16, code: &str, message: impl Into<String>) -> Response {
    json(status, &ApiError::new(code, message))
}

fn body<T: DeserializeOwned>(request: &Request) -> Result<T, Response> {
    let media = request.header("content-type").unwrap_or("");
    if media.split(';').next().map(str::trim) != Some("application/json") {
        return Err(error(
            415,
            "unsupported_media_type",
            "send the body as application/json",
        ));
    }
    serde_json::from_slice(&request.body).map_err(|e| {
        error(
            400,
            "bad_json",
            format!("the body is not a valid request: {e}"),
        )
    })
}

fn token_id(text: &str) -> Result<TokenId, Response> {
    TokenId::parse(text).map_err(|e| error(400, "bad_token_id", e.message_en()))
}

fn service_error(e: ServiceError) -> Response {
    match e {
        ServiceError::UnknownToken { .. } => error(404, "unknown_token", e.to_string()),
        ServiceError::Stopped { .. } => error(409, "stopped", e.to_string()),
        ServiceError::NotLocked { .. } => error(409, "not_locked", e.to_string()),
        ServiceError::CoolingDown { .. } => error(423, "cooling_down", e.to_string()),
        other => error(503, "unavailable", other.to_string()),
    }
}

/// The answer to a request that needs a staff session and has none: it says nothing about
/// the Token ID or anything else the request named.
fn unauthorized() -> Response {
    error(
        401,
        "unauthorized",
        "a signed-in staff session is required (POST /api/v1/staff/session)",
    )
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .filter(|(n, _)| n == "cookie")
        .flat_map(|(_, v)| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// The cookie that holds a session, or (`None`) the one that ends it.
fn session_cookie(value: Option<&str>) -> String {
    let attributes = "Path=/api/v1; HttpOnly; SameSite=Strict";
    match value {
        Some(value) => format!("{SESSION_COOKIE}={value}; {attributes}"),
        None => format!("{SESSION_COOKIE}=; {attributes}; Max-Age=0"),
    }
}

/// Routes that need a live staff session.
fn needs_staff(path: &str) -> bool {
    path.starts_with("/staff/") && path != "/staff/session" || path.starts_with("/credentials/")
}

impl Backend {
    /// The staff session the request's cookie names, restarted at `now`; `None` without a
    /// live one (an expired one is dropped).
    fn staff_session(&self, request: &Request, now: u64) -> Option<StaffSession> {
        let key: [u8; 32] = Sha256::digest(cookie(request, SESSION_COOKIE)?.as_bytes()).into();
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        let session = sessions.get_mut(&key)?;
        if session.touch(now).is_err() {
            sessions.remove(&key);
            return None;
        }
        Some(session.clone())
    }

    /// `POST /staff/session`: the bank's password check, then the staff token's code through
    /// this token service; one refusal for every failure, counted either way.
    fn sign_in(&self, request: &Request, now: u64) -> Result<Response, Response> {
        let req: StaffSignInRequest = body(request)?;
        let refused = || error(401, "sign_in_refused", "the staff sign-in was refused");
        if req.code.trim().is_empty() {
            return Err(refused());
        }
        let checked = {
            let mut staff = self.staff.lock().unwrap_or_else(PoisonError::into_inner);
            let mut changed = false;
            staff.authenticate(&req.staff_id, &req.password, self.iterations, &mut changed)
        };
        let (staff_id, token) = checked.map_err(|_| refused())?;
        match self.service.validate(&token, &req.code, now) {
            Ok(_) => {}
            Err(webtoken_token_service::Rejected::Unavailable) => {
                return Err(error(
                    503,
                    "unavailable",
                    "the token service is unavailable",
                ));
            }
            Err(_) => return Err(refused()),
        }
        let mut value = [0_u8; 32];
        OsRandom
            .fill(&mut value)
            .map_err(|_| error(503, "unavailable", "no randomness for a session"))?;
        let value = to_hex(&value);
        let key: [u8; 32] = Sha256::digest(value.as_bytes()).into();
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        sessions.retain(|_, s| !s.expired(now));
        sessions.insert(key, StaffSession::start(staff_id.clone(), now));
        let mut response = json(
            200,
            &StaffSignedIn {
                staff_id: staff_id.to_string(),
                idle_limit: IDLE_LIMIT,
            },
        );
        response.set_cookie = Some(session_cookie(Some(&value)));
        Ok(response)
    }

    fn route(&self, request: &Request, path: &str) -> Result<Response, Response> {
        let now = server_now();
        let service = &self.service;
        let session = if needs_staff(path) {
            // Checked first: without a session, nothing else about the request is read.
            Some(self.staff_session(request, now).ok_or_else(unauthorized)?)
        } else {
            None
        };
        let actor = session
            .as_ref()
            .map(|s| s.staff_id().actor())
            .unwrap_or_default();
        match (request.method.as_str(), path) {
            ("POST", "/staff/session") => self.sign_in(request, now),
            ("DELETE", "/staff/session") => {
                if let Some(value) = cookie(request, SESSION_COOKIE) {
                    let key: [u8; 32] = Sha256::digest(value.as_bytes()).into();
                    self.sessions
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .remove(&key);
                }
                let mut response = json(200, &serde_json::json!({}));
                response.set_cookie = Some(session_cookie(None));
                Ok(response)
            }
            ("POST", "/credentials") => {
                let issued = service.issue(now).map_err(service_error)?;
                Ok(json(200, &issued))
            }
            ("POST", "/validate") => {
                let req: ValidateRequest = body(request)?;
                let id = token_id(&req.token_id)?;
                Ok(json(
                    200,
                    &Outcome::from(&service.validate(&id, &req.code, now)),
                ))
            }
            ("POST", "/stop") => {
                let req: StopWithCodeRequest = body(request)?;
                let token_id = token_id(&req.token_id)?;
                // The bank's own command: stopped only if the code is accepted.
                let command = webtoken_bank::Command::StopWithCode {
                    token_id,
                    code: req.code,
                    actor: req.actor,
                    reason: req.reason,
                };
                match webtoken_bank::execute(service, command, now) {
                    Some(webtoken_bank::Event::CodeChecked(result)) => {
                        Ok(json(200, &Outcome::from(&result)))
                    }
                    _ => Err(error(503, "unavailable", "the stop was not answered")),
                }
            }
            ("POST", "/resync") => {
                let req: ResyncRequest = body(request)?;
                let id = token_id(&req.token_id)?;
                let result = service.resync(&id, &req.first, &req.second, now);
                Ok(json(200, &Outcome::from(&result)))
            }
            ("POST", "/staff/unlock") => {
                let req: UnlockRequest = body(request)?;
                let id = token_id(&req.token_id)?;
                // The audit records the session's staff ID, whatever the body says.
                let _ = req.actor;
                service.unlock(&id, &actor, now).map_err(service_error)?;
                self.done(&id)
            }
            ("POST", "/staff/stop") => {
                let req: StopRequest = body(request)?;
                let id = token_id(&req.token_id)?;
                service
                    .stop(&id, &actor, &req.reason, now)
                    .map_err(service_error)?;
                self.done(&id)
            }
            ("GET", "/time") => Ok(json(200, &ServerTime { now })),
            ("GET", p) if p.starts_with("/credentials/") => {
                let rest = &p["/credentials/".len()..];
                let (id, audit) = match rest.strip_suffix("/audit") {
                    Some(id) => (id, true),
                    None => (rest, false),
                };
                let id = token_id(id)?;
                if audit {
                    let check = service.verify_audit();
                    Ok(json(
                        200,
                        &AuditTrail {
                            events: service.audit_for(&id),
                            chain_ok: check.is_ok(),
                            chain_problem: check
                                .as_ref()
                                .err()
                                .map(|e| e.to_string())
                                .unwrap_or_default(),
                            chain_error: check.err(),
                        },
                    ))
                } else {
                    match service.state(&id) {
                        Some(state) => Ok(json(200, &state)),
                        None => Err(error(
                            404,
                            "unknown_token",
                            "no credential has this Token ID",
                        )),
                    }
                }
            }
            (
                _,
                "/credentials" | "/validate" | "/resync" | "/stop" | "/staff/unlock"
                | "/staff/stop" | "/staff/session" | "/time",
            ) => Err(error(
                405,
                "method_not_allowed",
                "this route takes another method",
            )),
            _ => Err(error(404, "not_found", "no such route")),
        }
    }

    fn done(&self, id: &TokenId) -> Result<Response, Response> {
        match self.service.state(id) {
            Some(state) => Ok(json(200, &Done { state })),
            None => Err(error(
                404,
                "unknown_token",
                "no credential has this Token ID",
            )),
        }
    }
}

impl Routes for Backend {
    fn handle(&self, request: &Request) -> Option<Response> {
        let path = request.path.strip_prefix(API_PREFIX)?;
        Some(self.route(request, path).unwrap_or_else(|e| e))
    }
}
