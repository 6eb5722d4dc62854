//! The token service's HTTP API: the request and response bodies, defined once and used by
//! both sides (the native backend stub in the tests and the page's remote mode).
//!
//! Every body is JSON (`Content-Type: application/json`); request bodies refuse unknown fields.
//! The server's clock is the only time used for validation: no request carries a time.
//!
//! | method and path | request | response (200) |
//! | --- | --- | --- |
//! | `POST /api/v1/credentials` | `{}` | [`Issued`]: `token_id`, `secret` (Base32), `params` |
//! | `POST /api/v1/validate` | [`ValidateRequest`] | [`Outcome`] |
//! | `POST /api/v1/resync` | [`ResyncRequest`] | [`Outcome`] |
//! | `POST /api/v1/stop` | [`StopWithCodeRequest`] | [`Outcome`] (accepted: validated and stopped) |
//! | `GET /api/v1/credentials/{token_id}` | | [`CredentialState`] |
//! | `GET /api/v1/credentials/{token_id}/audit` | | [`AuditTrail`] |
//! | `POST /api/v1/staff/session` | [`StaffSignInRequest`] | [`StaffSignedIn`] and the session cookie |
//! | `DELETE /api/v1/staff/session` | | `{}` (the session ends) |
//! | `POST /api/v1/staff/unlock` | [`UnlockRequest`] | [`Done`] |
//! | `POST /api/v1/staff/stop` | [`StopRequest`] | [`Done`] |
//! | `GET /api/v1/time` | | [`ServerTime`] |
//!
//! A rejected code is a 200 with `"outcome": "rejected"`: it is an answer, not a failure of the
//! API. Failures of the API are 4xx (or 5xx) with an [`ApiError`] body: `bad_json`,
//! `unsupported_media_type`, `too_large`, `not_found`, `method_not_allowed`, `bad_token_id`,
//! `unknown_token`, `stopped`, `cooling_down`, `unavailable`, `unauthorized` (the staff routes
//! and the credential lookups without a live staff session), `sign_in_refused`.

use serde::{Deserialize, Serialize};

#[cfg(doc)]
use super::Issued;
use super::{Accepted, AuditEvent, ChainError, CredentialState, RejectReason, Rejected};

/// The path every route starts with.
pub const API_PREFIX: &str = "/api/v1";

/// `POST /api/v1/validate`: a code typed for a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateRequest {
    /// The credential's Token ID, in any accepted spelling.
    pub token_id: String,
    /// The code as typed.
    pub code: String,
}

/// `POST /api/v1/resync`: two consecutive codes to re-centre a drifted credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResyncRequest {
    /// The credential's Token ID.
    pub token_id: String,
    /// The first code.
    pub first: String,
    /// The code that followed it.
    pub second: String,
}

/// `POST /api/v1/staff/unlock`: a staff member unlocks a locked credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnlockRequest {
    /// The credential's Token ID.
    pub token_id: String,
    /// Who does it (recorded in the audit log).
    pub actor: String,
}

/// `POST /api/v1/staff/stop`: a staff member stops a credential (lost token, broken PC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StopRequest {
    /// The credential's Token ID.
    pub token_id: String,
    /// Who does it (recorded in the audit log).
    pub actor: String,
    /// Why (recorded in the audit log).
    pub reason: String,
}

/// The answer to a validation or a resync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The code was accepted.
    Accepted {
        /// Its time step.
        step: u64,
        /// The credential's drift after it, in steps.
        drift: i64,
    },
    /// The code was not accepted.
    Rejected {
        /// Why.
        reason: RejectReason,
        /// The reason for a Japanese page.
        message_ja: String,
        /// The reason for an English page.
        message_en: String,
    },
}

impl From<&Result<Accepted, Rejected>> for Outcome {
    fn from(result: &Result<Accepted, Rejected>) -> Self {
        match result {
            Ok(Accepted { step, drift }) => Outcome::Accepted {
                step: *step,
                drift: *drift,
            },
            Err(rejected) => Outcome::Rejected {
                reason: rejected.reason(),
                message_ja: rejected.message_ja(),
                message_en: rejected.message_en(),
            },
        }
    }
}

impl Outcome {
    /// The outcome as the token service returned it. `typed` is what was sent: a `malformed`
    /// answer is rebuilt from the same input check the server ran.
    pub fn into_result(self, typed: &[&str], digits: u8) -> Result<Accepted, Rejected> {
        match self {
            Outcome::Accepted { step, drift } => Ok(Accepted { step, drift }),
            Outcome::Rejected { reason, .. } => Err(match reason {
                RejectReason::Malformed => typed
                    .iter()
                    .find_map(|code| webtoken_engine::input::normalize_code(code, digits).err())
                    .map_or(Rejected::Unavailable, Rejected::Malformed),
                RejectReason::UnknownToken => Rejected::UnknownToken,
                RejectReason::Mismatch => Rejected::Mismatch,
                RejectReason::Replayed => Rejected::Replayed,
                RejectReason::LockedOut => Rejected::LockedOut,
                RejectReason::Stopped => Rejected::Stopped,
                _ => Rejected::Unavailable,
            }),
        }
    }
}

/// `GET /api/v1/credentials/{token_id}/audit`: a credential's audit events and the result of
/// verifying the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditTrail {
    /// The credential's events, oldest first.
    pub events: Vec<AuditEvent>,
    /// Whether the whole hash chain verified.
    pub chain_ok: bool,
    /// What verification found, in English (empty when it verified).
    pub chain_problem: String,
    /// What verification found, for a page to say in its own language (`None` when it
    /// verified, or from a server that does not say).
    #[serde(default)]
    pub chain_error: Option<ChainError>,
}

/// `POST /api/v1/stop`: the customer's own stop, with a code of the token: the token is
/// stopped only if the code is accepted (no staff session needed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StopWithCodeRequest {
    /// The credential's Token ID.
    pub token_id: String,
    /// The code the token shows.
    pub code: String,
    /// Who stops it (the customer, as the bank names them; recorded in the audit log).
    pub actor: String,
    /// Why (recorded in the audit log).
    pub reason: String,
}

/// `POST /api/v1/staff/session`: a staff member signs in with their staff ID, password and
/// the code of their own token. The password is never printed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffSignInRequest {
    /// The staff ID.
    pub staff_id: String,
    /// The staff member's password.
    pub password: String,
    /// The code their token shows.
    pub code: String,
}

impl core::fmt::Debug for StaffSignInRequest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StaffSignInRequest")
            .field("staff_id", &self.staff_id)
            .field("password", &"<redacted>")
            .field("code", &self.code)
            .finish()
    }
}

/// The answer to a staff sign-in that succeeded; the session itself is an HttpOnly,
/// SameSite=Strict cookie that scripts never see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSignedIn {
    /// Who is signed in.
    pub staff_id: String,
    /// Seconds without a staff request after which the session ends.
    pub idle_limit: u64,
}

/// The answer to a staff operation that succeeded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Done {
    /// The credential's state afterwards.
    pub state: CredentialState,
}

/// `GET /api/v1/time`: the server's clock, so that the page can warn of a skewed clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerTime {
    /// Unix seconds.
    pub now: u64,
}

/// The body of every 4xx or 5xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// A stable code (see the module docs).
    pub error: String,
    /// What went wrong, in English.
    pub message: String,
}

impl ApiError {
    /// An error with this code and message.
    pub fn new(error: &str, message: impl Into<String>) -> Self {
        Self {
            error: error.to_owned(),
            message: message.into(),
        }
    }
}

/// The JSON codec's form of the API: the very text serde writes (`crates/bank/tests/json_records.rs`). The
/// page writes the requests and reads the answers; the native server keeps serde.
mod json_form {
    use super::{
        ApiError, AuditTrail, Outcome, ResyncRequest, ServerTime, StaffSignInRequest,
        StaffSignedIn, StopRequest, StopWithCodeRequest, UnlockRequest, ValidateRequest,
    };
    use webtoken_engine::json::{
        FromJson, JsonError, ToJson, Value, json_object, object, unknown_variant,
    };

    json_object!(write ValidateRequest { token_id, code });
    json_object!(write ResyncRequest {
        token_id,
        first,
        second
    });
    json_object!(write UnlockRequest { token_id, actor });
    json_object!(write StopWithCodeRequest {
        token_id,
        code,
        actor,
        reason
    });
    json_object!(write StaffSignInRequest {
        staff_id,
        password,
        code
    });
    json_object!(StaffSignedIn {
        staff_id,
        idle_limit
    });
    json_object!(write StopRequest {
        token_id,
        actor,
        reason
    });

    impl ToJson for Outcome {
        fn write_json(&self, out: &mut webtoken_engine::json::Out) {
            object(out, |o| match self {
                Outcome::Accepted { step, drift } => {
                    o.field("outcome", "accepted")
                        .field("step", step)
                        .field("drift", drift);
                }
                Outcome::Rejected {
                    reason,
                    message_ja,
                    message_en,
                } => {
                    o.field("outcome", "rejected")
                        .field("reason", reason)
                        .field("message_ja", message_ja)
                        .field("message_en", message_en);
                }
            });
        }
    }

    impl FromJson for Outcome {
        fn from_json(value: &Value) -> Result<Self, JsonError> {
            let f = value.fields()?;
            Ok(match f.tag("outcome")? {
                "accepted" => Outcome::Accepted {
                    step: f.get("step")?,
                    drift: f.get("drift")?,
                },
                "rejected" => Outcome::Rejected {
                    reason: f.get("reason")?,
                    message_ja: f.get("message_ja")?,
                    message_en: f.get("message_en")?,
                },
                other => {
                    return Err(unknown_variant(other, &["accepted", "rejected"]).at("outcome"));
                }
            })
        }
    }

    json_object!(AuditTrail {
        events,
        chain_ok,
        chain_problem,
        chain_error
    });
    json_object!(ServerTime { now });
    json_object!(ApiError { error, message });
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_round_trip_through_json() {
        for result in [
            Ok(Accepted { step: 7, drift: -1 }),
            Err(Rejected::Mismatch),
            Err(Rejected::Replayed),
            Err(Rejected::LockedOut),
            Err(Rejected::Stopped),
            Err(Rejected::UnknownToken),
        ] {
            let json = serde_json::to_string(&Outcome::from(&result)).unwrap();
            let back: Outcome = serde_json::from_str(&json).unwrap();
            assert_eq!(back.into_result(&["123456"], 6), result, "{json}");
        }
    }

    #[test]
    fn a_malformed_answer_is_rebuilt_from_the_typed_input() {
        let malformed = webtoken_engine::input::normalize_code("12a456", 6).unwrap_err();
        let outcome = Outcome::from(&Err(Rejected::Malformed(malformed.clone())));
        assert_eq!(
            outcome.into_result(&["12a456"], 6),
            Err(Rejected::Malformed(malformed))
        );
    }

    #[test]
    fn requests_refuse_unknown_fields() {
        let ok: ValidateRequest =
            serde_json::from_str(r#"{"token_id":"WBTK00000000","code":"123456"}"#).unwrap();
        assert_eq!(ok.code, "123456");
        assert!(
            serde_json::from_str::<ValidateRequest>(
                r#"{"token_id":"x","code":"1","now":1700000000}"#
            )
            .is_err(),
            "a client-supplied time is refused, not ignored"
        );
    }

    #[test]
    fn rejected_outcomes_carry_both_messages() {
        let json = serde_json::to_value(Outcome::from(&Err(Rejected::Replayed))).unwrap();
        assert_eq!(json["outcome"], "rejected");
        assert_eq!(json["reason"], "replayed");
        assert!(json["message_ja"].as_str().unwrap().contains("使用済み"));
        assert!(!json["message_en"].as_str().unwrap().is_empty());
    }
}
