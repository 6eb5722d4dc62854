//! The backend stub: the crate's token service behind the HTTP API of
//! `webtoken_token_service::api`, on `127.0.0.1` and an ephemeral port. It also serves the page
//! with the same headers as `make serve`, so the page's remote mode can use it same-origin.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::{Request, Response, Routes, Server};
use serde::Serialize;
use serde::de::DeserializeOwned;
use webtoken_engine::token_id::TokenId;
use webtoken_token_service::api::{
    API_PREFIX, ApiError, AuditTrail, Done, Outcome, ResyncRequest, ServerTime, StopRequest,
    UnlockRequest, ValidateRequest,
};
use webtoken_token_service::{MemoryStore, Policy, ServiceError, TokenService};

/// The token service behind HTTP, with the server's own clock.
pub struct Backend {
    /// The service (public so that tests can look at its state directly).
    pub service: TokenService<MemoryStore>,
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
    let backend = Arc::new(Backend {
        service: TokenService::new(MemoryStore::new(), Policy::default()),
    });
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

impl Backend {
    fn route(&self, request: &Request, path: &str) -> Result<Response, Response> {
        let now = server_now();
        let service = &self.service;
        match (request.method.as_str(), path) {
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
            ("POST", "/resync") => {
                let req: ResyncRequest = body(request)?;
                let id = token_id(&req.token_id)?;
                let result = service.resync(&id, &req.first, &req.second, now);
                Ok(json(200, &Outcome::from(&result)))
            }
            ("POST", "/staff/unlock") => {
                let req: UnlockRequest = body(request)?;
                let id = token_id(&req.token_id)?;
                service
                    .unlock(&id, &req.actor, now)
                    .map_err(service_error)?;
                self.done(&id)
            }
            ("POST", "/staff/stop") => {
                let req: StopRequest = body(request)?;
                let id = token_id(&req.token_id)?;
                service
                    .stop(&id, &req.actor, &req.reason, now)
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
                "/credentials" | "/validate" | "/resync" | "/staff/unlock" | "/staff/stop"
                | "/time",
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
