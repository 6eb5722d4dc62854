//! The validator a developer embeds: the token service behind a small API of plain values, for
//! the package's JavaScript `Validator` class. Values cross as JSON in the engine's codec (the
//! shell turns JavaScript objects into JSON text and back, and nothing more); what a value may
//! hold, and the error for one it may not, is decided here.
//!
//! The rules are the token service's own ([`TokenService`]): the same window, replay record,
//! failure count and lock, audit log and bounds. What this adds is what a page needs to keep a
//! validator across reloads or hand it to a worker: [`Validator::export_state`] writes every
//! credential, the audit log, its seal and key and the policy as one versioned JSON text, and
//! [`Validator::from_state`] reads it back, checking the audit chain and every bound. The state
//! holds the secrets: keep it where secrets belong (encrypted at rest).
//!
//! ```
//! use webtoken_engine::random::OsRandom;
//! use webtoken_engine::{Secret, totp};
//! use webtoken_token_service::validator::{Outcome, PolicyInput, Validator};
//!
//! let validator = Validator::new(&PolicyInput::default(), &mut OsRandom).expect("valid policy");
//! let issued = validator.issue(1_700_000_000).expect("random bytes");
//! let secret = Secret::from_base32(&issued.secret).expect("Base32");
//! let code = totp(&secret, 1_700_000_010, &issued.params()).expect("valid parameters");
//! let answer = validator.validate(&issued.token_id, &code, 1_700_000_010);
//! assert_eq!(answer.outcome, Outcome::Accepted);
//! let again = validator.validate(&issued.token_id, &code, 1_700_000_011);
//! assert_eq!(again.reason.as_deref(), Some("replayed"));
//!
//! let state = validator.export_state().expect("within the size bound");
//! let restored = Validator::from_state(&state).expect("the state it wrote");
//! assert_eq!(restored.validate(&issued.token_id, &code, 1_700_000_012).outcome, Outcome::Rejected);
//! ```

use core::fmt;

use zeroize::Zeroizing;

use webtoken_engine::i18n::Lang;
use webtoken_engine::json::{self, FromJson, JsonError, ToJson, Value, object};
use webtoken_engine::random::Random;
use webtoken_engine::token_id::TokenId;
use webtoken_engine::{Algorithm, Params};

use crate::{
    Accepted, AuditKey, AuditSeal, MemoryStore, Policy, Rejected, ServiceError, Snapshot,
    TokenService,
};

/// The `format` member of every exported state.
pub const STATE_FORMAT: &str = "webtoken-validator-state";
/// The state version this code writes and reads.
pub const STATE_VERSION: u64 = 1;

/// A validator's rules as a page gives them: every member optional (the token service's
/// defaults), named as JavaScript names them. Unknown members are refused, so a misspelt
/// `maxFailure` is an error, not a silent default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyInput {
    /// Steps accepted either side of the clock (1; at most [`crate::MAX_WINDOW`]).
    pub window: Option<u32>,
    /// Consecutive failures that lock a credential (10; at least 1).
    pub max_failures: Option<u32>,
    /// Largest drift tracked, in steps (100; at most [`crate::MAX_RESYNC_WINDOW`]).
    pub max_drift: Option<i64>,
    /// Seconds after locking before [`Validator::unlock`] may lift the lock (none).
    pub cooldown: Option<u64>,
    /// Steps ahead of the clock a resync searches (100; 1 to [`crate::MAX_RESYNC_WINDOW`]).
    pub resync_window: Option<u32>,
    /// Steps behind the clock a resync searches (2; at most [`crate::MAX_RESYNC_BACK`]).
    pub resync_back: Option<u32>,
}

impl PolicyInput {
    /// The policy a page gave as JSON text (`null` for the defaults), or [`ApiError`]
    /// `invalid_policy` naming the member that is wrong.
    pub fn from_json_text(text: &str) -> Result<PolicyInput, ApiError> {
        match json::from_str::<Option<PolicyInput>>(text) {
            Ok(policy) => Ok(policy.unwrap_or_default()),
            Err(e) => Err(ApiError::new("invalid_policy", format!("policy: {e}"))),
        }
    }

    /// The policy, or [`ApiError`] `invalid_policy` naming the member out of bounds (it is not
    /// brought within bounds silently).
    pub fn policy(&self) -> Result<Policy, ApiError> {
        let default = Policy::default();
        let policy = Policy {
            window: self.window.unwrap_or(default.window),
            max_failures: self.max_failures.unwrap_or(default.max_failures),
            cooldown: self.cooldown.or(default.cooldown),
            resync_window: self.resync_window.unwrap_or(default.resync_window),
            resync_back: self.resync_back.unwrap_or(default.resync_back),
            max_drift: self.max_drift.unwrap_or(default.max_drift),
        };
        policy.validate().map_err(ApiError::from)?;
        Ok(policy)
    }

    fn of(policy: &Policy) -> PolicyInput {
        PolicyInput {
            window: Some(policy.window),
            max_failures: Some(policy.max_failures),
            max_drift: Some(policy.max_drift),
            cooldown: policy.cooldown,
            resync_window: Some(policy.resync_window),
            resync_back: Some(policy.resync_back),
        }
    }
}

/// A newly issued credential: what the token needs. The secret leaves the validator only here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCredential {
    /// The credential's name, `WBTK` and 8 digits (`WBTK12345678`).
    pub token_id: String,
    /// The shared secret in Base32 (RFC 4648, unpadded).
    pub secret: String,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: String,
    /// Digits of a code.
    pub digits: u8,
    /// Seconds a code lasts.
    pub period: u64,
}

impl IssuedCredential {
    /// The code parameters.
    pub fn params(&self) -> Params {
        Params {
            algorithm: self.algorithm.parse().unwrap_or(Algorithm::Sha1),
            digits: self.digits,
            period: self.period,
            t0: 0,
        }
    }
}

/// Whether a code was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The code was accepted; it can never be accepted again.
    Accepted,
    /// The code was not accepted: [`Validation::reason`] says why.
    Rejected,
}

/// The answer to a code, as plain values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    /// Accepted or rejected.
    pub outcome: Outcome,
    /// The time step the accepted code belongs to (`null` when rejected).
    pub step: Option<u64>,
    /// The credential's drift after an accepted code, in steps (`null` when rejected).
    pub drift: Option<i64>,
    /// Why a code was rejected, a stable name: `malformed`, `unknown_token`, `mismatch`,
    /// `replayed`, `locked_out`, `stopped`, `unavailable` (`null` when accepted).
    pub reason: Option<String>,
    /// The reason in words, in English, for a log or a developer's page (`null` when accepted).
    pub message: Option<String>,
}

impl Validation {
    fn of(answer: Result<Accepted, Rejected>) -> Validation {
        match answer {
            Ok(accepted) => Validation {
                outcome: Outcome::Accepted,
                step: Some(accepted.step),
                drift: Some(accepted.drift),
                reason: None,
                message: None,
            },
            Err(rejected) => Validation {
                outcome: Outcome::Rejected,
                step: None,
                drift: None,
                reason: Some(reason_name(&rejected).to_owned()),
                message: Some(rejected.message(Lang::En)),
            },
        }
    }
}

impl ToJson for IssuedCredential {
    fn write_json(&self, out: &mut json::Out) {
        object(out, |o| {
            o.field("tokenId", &self.token_id)
                .field("secret", &self.secret)
                .field("algorithm", &self.algorithm)
                .field("digits", &self.digits)
                .field("period", &self.period);
        });
    }
}

impl ToJson for Validation {
    fn write_json(&self, out: &mut json::Out) {
        let outcome = match self.outcome {
            Outcome::Accepted => "accepted",
            Outcome::Rejected => "rejected",
        };
        object(out, |o| {
            o.field("outcome", outcome)
                .field("step", &self.step)
                .field("drift", &self.drift)
                .field("reason", &self.reason)
                .field("message", &self.message);
        });
    }
}

fn reason_name(rejected: &Rejected) -> &'static str {
    match rejected {
        Rejected::Malformed(_) => "malformed",
        Rejected::UnknownToken => "unknown_token",
        Rejected::Mismatch => "mismatch",
        Rejected::Replayed => "replayed",
        Rejected::LockedOut => "locked_out",
        Rejected::Stopped => "stopped",
        Rejected::Unavailable | Rejected::NotSaved => "unavailable",
    }
}

/// An operation the validator refused: a stable `code` and a message in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// A stable name for programs: `invalid_policy`, `unknown_token`, `not_locked`, `stopped`,
    /// `cooling_down`, `invalid_token_id`, `invalid_state`, `state_too_large`, `audit_chain`,
    /// `no_randomness`, `token_ids_exhausted`, `failed`.
    pub code: &'static str,
    /// What went wrong, in words.
    pub message: String,
}

impl ApiError {
    fn new(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
        }
    }

    fn invalid_state(detail: impl fmt::Display) -> ApiError {
        ApiError::new(
            "invalid_state",
            format!("the state is not one a validator exported: {detail}"),
        )
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        let code = match &error {
            ServiceError::UnknownToken { .. } => "unknown_token",
            ServiceError::Stopped { .. } => "stopped",
            ServiceError::NotLocked { .. } => "not_locked",
            ServiceError::CoolingDown { .. } => "cooling_down",
            ServiceError::InvalidPolicy { .. } => "invalid_policy",
            ServiceError::Engine(_) => "no_randomness",
            ServiceError::TokenId(_) => "invalid_token_id",
            ServiceError::TokenIdsExhausted => "token_ids_exhausted",
            ServiceError::AuditChain(_) => "audit_chain",
            ServiceError::RecordTooLarge { .. } => "state_too_large",
            _ => "failed",
        };
        ApiError::new(code, error.to_string())
    }
}

/// A token service in memory with its own audit key, for a page or a worker to embed.
pub struct Validator {
    service: TokenService<MemoryStore>,
    key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validator")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl Validator {
    /// A validator with no credentials under `policy`, its audit log keyed by 32 bytes of
    /// `random`, which also draws the secrets and Token IDs it issues.
    pub fn new(policy: &PolicyInput, random: &mut dyn Random) -> Result<Validator, ApiError> {
        let policy = policy.policy()?;
        let mut key = Zeroizing::new([0_u8; 32]);
        random
            .fill(key.as_mut())
            .map_err(|e| ApiError::new("no_randomness", e.reason().to_owned()))?;
        let service = TokenService::new(MemoryStore::new(), policy)
            .with_audit_key(AuditKey::from_bytes(*key));
        Ok(Validator { service, key })
    }

    /// Issues a credential at Unix time `now` (160-bit secret, SHA-1, 6 digits, 30 s).
    pub fn issue(&self, now: u64) -> Result<IssuedCredential, ApiError> {
        let issued = self.service.issue(now)?;
        Ok(IssuedCredential {
            token_id: issued.token_id.as_str().to_owned(),
            secret: issued.secret.to_base32(),
            algorithm: issued.params.algorithm.to_string(),
            digits: issued.params.digits,
            period: issued.params.period,
        })
    }

    /// Checks `code` for the credential `token_id` at Unix time `now`. A Token ID that is not
    /// one (wrong form) is answered as an unknown credential, as a wrong one is.
    pub fn validate(&self, token_id: &str, code: &str, now: u64) -> Validation {
        Validation::of(match token_id.parse::<TokenId>() {
            Ok(id) => self.service.validate(&id, code, now),
            Err(_) => Err(Rejected::UnknownToken),
        })
    }

    /// Re-centres the credential's drift from two consecutive codes (see
    /// [`TokenService::resync`]).
    pub fn resync(&self, token_id: &str, first: &str, second: &str, now: u64) -> Validation {
        Validation::of(match token_id.parse::<TokenId>() {
            Ok(id) => self.service.resync(&id, first, second, now),
            Err(_) => Err(Rejected::UnknownToken),
        })
    }

    /// Lifts a lock (recorded as done by `actor`).
    pub fn unlock(&self, token_id: &str, actor: &str, now: u64) -> Result<(), ApiError> {
        let id = parse_id(token_id)?;
        Ok(self.service.unlock(&id, actor, now)?)
    }

    /// Stops a credential for good (recorded with `actor` and `reason`).
    pub fn stop(
        &self,
        token_id: &str,
        actor: &str,
        reason: &str,
        now: u64,
    ) -> Result<(), ApiError> {
        let id = parse_id(token_id)?;
        Ok(self.service.stop(&id, actor, reason, now)?)
    }

    /// Every credential (with its secret), the audit log, its seal and key, and the policy, as
    /// one JSON text; wiped when dropped.
    pub fn export_state(&self) -> Result<Zeroizing<String>, ApiError> {
        let (snapshot, seal) = self.service.sealed_snapshot();
        snapshot.to_json()?;
        Ok(json::to_string(&State {
            policy: PolicyInput::of(self.service.policy()),
            audit_key: Zeroizing::new(webtoken_engine::hex::to_hex(self.key.as_ref())),
            seal,
            snapshot,
        }))
    }

    /// A validator from what [`Validator::export_state`] wrote: the format and version are
    /// checked, the policy's bounds, the audit chain against its seal, and every credential.
    pub fn from_state(text: &str) -> Result<Validator, ApiError> {
        crate::check_size(text).map_err(ApiError::from)?;
        let state: State = json::from_str(text).map_err(ApiError::invalid_state)?;
        let policy = state.policy.policy()?;
        let mut key = Zeroizing::new([0_u8; 32]);
        let bytes = Zeroizing::new(
            webtoken_engine::hex::from_hex(&state.audit_key)
                .ok_or_else(|| ApiError::invalid_state("`auditKey` is not 64 hex digits"))?,
        );
        if bytes.len() != 32 {
            return Err(ApiError::invalid_state("`auditKey` is not 64 hex digits"));
        }
        key.copy_from_slice(&bytes);
        let service = TokenService::restore(
            MemoryStore::new(),
            policy,
            state.snapshot,
            AuditKey::from_bytes(*key),
            Some(&state.seal),
        )?;
        Ok(Validator { service, key })
    }
}

fn parse_id(token_id: &str) -> Result<TokenId, ApiError> {
    token_id
        .parse()
        .map_err(|e| ApiError::new("invalid_token_id", format!("{e}")))
}

/// The exported state, as written: `{"format", "version", "policy", "auditKey", "seal",
/// "snapshot"}`.
struct State {
    policy: PolicyInput,
    audit_key: Zeroizing<String>,
    seal: AuditSeal,
    snapshot: Snapshot,
}

impl ToJson for PolicyInput {
    fn write_json(&self, out: &mut json::Out) {
        object(out, |o| {
            o.field("window", &self.window)
                .field("maxFailures", &self.max_failures)
                .field("maxDrift", &self.max_drift)
                .field("cooldown", &self.cooldown)
                .field("resyncWindow", &self.resync_window)
                .field("resyncBack", &self.resync_back);
        });
    }
}

/// Its members, as JavaScript names them.
const POLICY_MEMBERS: [&str; 6] = [
    "window",
    "maxFailures",
    "maxDrift",
    "cooldown",
    "resyncWindow",
    "resyncBack",
];

impl FromJson for PolicyInput {
    fn from_json(value: &Value) -> Result<Self, JsonError> {
        let f = value.fields()?;
        f.only(&POLICY_MEMBERS)?;
        Ok(PolicyInput {
            window: f.get("window")?,
            max_failures: f.get("maxFailures")?,
            max_drift: f.get("maxDrift")?,
            cooldown: f.get("cooldown")?,
            resync_window: f.get("resyncWindow")?,
            resync_back: f.get("resyncBack")?,
        })
    }
}

impl ToJson for State {
    fn write_json(&self, out: &mut json::Out) {
        object(out, |o| {
            o.field("format", STATE_FORMAT)
                .field("version", &STATE_VERSION)
                .field("policy", &self.policy)
                .field("auditKey", self.audit_key.as_str())
                .field("seal", &self.seal)
                .field("snapshot", &self.snapshot);
        });
    }
}

impl FromJson for State {
    fn from_json(value: &Value) -> Result<Self, JsonError> {
        let f = value.fields()?;
        let format: String = f.get("format")?;
        if format != STATE_FORMAT {
            return Err(JsonError::new(format!(
                "`format` is {format:?}, not {STATE_FORMAT:?}"
            )));
        }
        let version: u64 = f.get("version")?;
        if version != STATE_VERSION {
            return Err(JsonError::new(format!(
                "version {version} is not one this package reads (it reads {STATE_VERSION}); \
                 a newer package wrote it"
            )));
        }
        Ok(State {
            policy: f.get("policy")?,
            audit_key: Zeroizing::new(f.get("auditKey")?),
            seal: f.get("seal")?,
            snapshot: f.get("snapshot")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use webtoken_engine::random::SeededRandom;
    use webtoken_engine::{Secret, totp};

    const NOW: u64 = 1_700_000_000;

    fn code(issued: &IssuedCredential, at: u64) -> String {
        let secret = Secret::from_base32(&issued.secret).expect("Base32");
        totp(&secret, at, &issued.params()).expect("parameters")
    }

    fn validator(policy: PolicyInput) -> Validator {
        Validator::new(&policy, &mut SeededRandom::new(7)).expect("valid policy")
    }

    #[test]
    fn accepts_once_and_names_the_replay() {
        let v = validator(PolicyInput::default());
        let issued = v.issue(NOW).expect("issued");
        assert_eq!(issued.secret.len(), 32, "160 bits in Base32");
        let c = code(&issued, NOW + 30);
        let first = v.validate(&issued.token_id, &c, NOW + 30);
        assert_eq!(first.outcome, Outcome::Accepted);
        assert_eq!(first.step, Some((NOW + 30) / 30));
        let second = v.validate(&issued.token_id, &c, NOW + 31);
        assert_eq!(second.outcome, Outcome::Rejected);
        assert_eq!(second.reason.as_deref(), Some("replayed"));
        assert!(second.message.is_some());
    }

    #[test]
    fn bad_token_ids_and_codes_are_answers_not_errors() {
        let v = validator(PolicyInput::default());
        let answer = v.validate("not a token id", "123456", NOW);
        assert_eq!(answer.reason.as_deref(), Some("unknown_token"));
        let issued = v.issue(NOW).expect("issued");
        let answer = v.validate(&issued.token_id, "12a456", NOW);
        assert_eq!(answer.reason.as_deref(), Some("malformed"));
        let error = v.unlock("WBTK", "staff", NOW).expect_err("no such id");
        assert_eq!(error.code, "invalid_token_id");
    }

    #[test]
    fn the_policy_locks_after_max_failures_and_unlock_lifts_it() {
        let v = validator(PolicyInput {
            max_failures: Some(2),
            ..PolicyInput::default()
        });
        let issued = v.issue(NOW).expect("issued");
        let good = code(&issued, NOW);
        let wrong = if good == "000000" { "111111" } else { "000000" };
        assert_eq!(
            v.validate(&issued.token_id, wrong, NOW).reason.as_deref(),
            Some("mismatch")
        );
        assert_eq!(
            v.validate(&issued.token_id, wrong, NOW).reason.as_deref(),
            Some("locked_out")
        );
        assert_eq!(
            v.validate(&issued.token_id, &good, NOW).reason.as_deref(),
            Some("locked_out")
        );
        v.unlock(&issued.token_id, "staff", NOW)
            .expect("locked, so unlockable");
        assert_eq!(
            v.unlock(&issued.token_id, "staff", NOW)
                .expect_err("not locked")
                .code,
            "not_locked"
        );
        assert_eq!(
            v.validate(&issued.token_id, &good, NOW).outcome,
            Outcome::Accepted
        );
        v.stop(&issued.token_id, "staff", "lost", NOW)
            .expect("stops");
        assert_eq!(
            v.validate(&issued.token_id, &code(&issued, NOW + 60), NOW + 60)
                .reason
                .as_deref(),
            Some("stopped")
        );
    }

    #[test]
    fn policies_read_from_json_refuse_unknown_members_and_wrong_types() {
        assert_eq!(
            PolicyInput::from_json_text("null"),
            Ok(PolicyInput::default())
        );
        assert_eq!(
            PolicyInput::from_json_text(r#"{"maxFailures":3,"cooldown":null}"#)
                .expect("valid")
                .max_failures,
            Some(3)
        );
        for (text, word) in [
            (r#"{"maxFailure":3}"#, "unknown member `maxFailure`"),
            (r#"{"window":1.5}"#, "not a whole number"),
            (r#"{"window":"1"}"#, "window"),
            (r#"{"window":-1}"#, "window"),
            (r#"{"window":4294967296}"#, "window"),
            ("\"strict\"", "object"),
            ("[]", "object"),
        ] {
            let error = PolicyInput::from_json_text(text).expect_err(text);
            assert_eq!(error.code, "invalid_policy");
            assert!(error.message.contains(word), "{text}: {}", error.message);
        }
    }

    #[test]
    fn answers_are_written_as_javascript_names_them() {
        let v = validator(PolicyInput::default());
        let answer = v.validate("WBTK00000000", "123456", NOW);
        let message = json::to_string(answer.message.as_deref().expect("a message"));
        assert_eq!(
            json::to_string(&answer).as_str(),
            format!(
                r#"{{"outcome":"rejected","step":null,"drift":null,"reason":"unknown_token","message":{}}}"#,
                message.as_str()
            )
        );
        let issued = v.issue(NOW).expect("issued");
        let text = json::to_string(&issued);
        assert!(
            text.starts_with(&format!(
                r#"{{"tokenId":"{}","secret":"{}","algorithm":"SHA1","digits":6,"period":30}}"#,
                issued.token_id, issued.secret
            )),
            "{}",
            text.as_str()
        );
    }

    #[test]
    fn out_of_bounds_policies_are_refused_not_clamped() {
        for policy in [
            PolicyInput {
                window: Some(11),
                ..PolicyInput::default()
            },
            PolicyInput {
                max_failures: Some(0),
                ..PolicyInput::default()
            },
            PolicyInput {
                max_drift: Some(-1),
                ..PolicyInput::default()
            },
        ] {
            let error = Validator::new(&policy, &mut SeededRandom::new(1)).expect_err("refused");
            assert_eq!(error.code, "invalid_policy", "{policy:?}");
        }
    }

    #[test]
    fn resync_recentres_from_two_consecutive_codes() {
        let v = validator(PolicyInput::default());
        let issued = v.issue(NOW).expect("issued");
        // A token whose clock runs 20 steps fast.
        let ahead = NOW + 20 * 30;
        let (first, second) = (code(&issued, ahead), code(&issued, ahead + 30));
        assert_eq!(
            v.validate(&issued.token_id, &second, NOW).reason.as_deref(),
            Some("mismatch")
        );
        let answer = v.resync(&issued.token_id, &first, &second, NOW);
        assert_eq!(answer.outcome, Outcome::Accepted, "{answer:?}");
        assert_eq!(answer.drift, Some(21));
    }

    #[test]
    fn the_exported_state_keeps_the_replay_record_and_the_failures() {
        let v = validator(PolicyInput {
            max_failures: Some(3),
            ..PolicyInput::default()
        });
        let issued = v.issue(NOW).expect("issued");
        let used = code(&issued, NOW);
        assert_eq!(
            v.validate(&issued.token_id, &used, NOW).outcome,
            Outcome::Accepted
        );
        let wrong = if used == "000000" { "111111" } else { "000000" };
        v.validate(&issued.token_id, wrong, NOW + 30);
        let state = v.export_state().expect("exported");
        assert!(state.starts_with(r#"{"format":"webtoken-validator-state","version":1,"#));

        let restored = Validator::from_state(&state).expect("restored");
        assert_eq!(
            restored
                .validate(&issued.token_id, &used, NOW + 1)
                .reason
                .as_deref(),
            Some("replayed"),
            "the used code stays used"
        );
        // Failures so far: the wrong code and the replay; the third locks.
        assert_eq!(
            restored
                .validate(&issued.token_id, wrong, NOW + 60)
                .reason
                .as_deref(),
            Some("locked_out"),
            "the failure count came along"
        );
        assert!(!restored.export_state().expect("again").is_empty());
    }

    #[test]
    fn malformed_altered_and_newer_states_are_refused_with_their_code() {
        let v = validator(PolicyInput::default());
        let issued = v.issue(NOW).expect("issued");
        v.validate(&issued.token_id, &code(&issued, NOW), NOW);
        let state = v.export_state().expect("exported");

        for bad in [
            "",
            "{",
            "[]",
            "null",
            "{\"format\":\"webtoken-validator-state\"}",
        ] {
            let error = Validator::from_state(bad).expect_err("not a state");
            assert_eq!(error.code, "invalid_state", "{bad:?}");
        }
        let newer = state.replace("\"version\":1", "\"version\":2");
        let error = Validator::from_state(&newer).expect_err("newer");
        assert!(error.message.contains("newer"), "{}", error.message);

        // An event cut from the log, the seal left as it was: the chain no longer verifies.
        let events_start = state.find("\"audit\":[").expect("an audit member") + 9;
        let first_end = state[events_start..].find("},{").expect("two events") + events_start + 1;
        let cut = format!("{}{}", &state[..events_start], &state[first_end + 1..]);
        let error = Validator::from_state(&cut).expect_err("cut");
        assert_eq!(error.code, "audit_chain", "{}", error.message);

        // Another key: the seal's tag does not verify.
        let key_at = state.find("\"auditKey\":\"").expect("a key") + 12;
        let mut other = state.to_string();
        other.replace_range(
            key_at..key_at + 2,
            if &state[key_at..key_at + 2] == "00" {
                "11"
            } else {
                "00"
            },
        );
        let error = Validator::from_state(&other).expect_err("other key");
        assert_eq!(error.code, "audit_chain", "{}", error.message);

        let error = Validator::from_state(&"x".repeat(crate::MAX_SNAPSHOT_BYTES + 1))
            .expect_err("too large");
        assert_eq!(error.code, "state_too_large");
    }
}
