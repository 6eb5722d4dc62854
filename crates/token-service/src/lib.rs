//! The token service, the vendor's role: it issues credentials (Token ID, secret, parameters),
//! keeps a record of each, and validates the codes the bank passes on.
//!
//! A validation is an outcome, not an error: [`TokenService::validate`] returns
//! `Result<Accepted, Rejected>`. The rules, in the order they are applied:
//!
//! 1. **Unknown or stopped** credentials reject everything.
//! 2. **Locked** credentials reject everything, a correct code included, until a staff member
//!    calls [`TokenService::unlock`] (after [`Policy::cooldown`], if set). A credential locks when
//!    its consecutive failures reach [`Policy::max_failures`] (10 by default), and the attempt
//!    that locks it is answered [`Rejected::LockedOut`]; failures are part of
//!    the stored state, so they count across calls and sessions, and a success resets them.
//! 3. **Malformed** input (see [`webtoken_engine::input`]) is rejected before any HMAC runs and
//!    does not count as a failure: it cannot be a guess at the code.
//! 4. **Window**: the code is compared, in constant time and with no early exit, with the codes of
//!    every step in `centre +- window`, where the centre is the current step plus the credential's
//!    tracked drift. The drift is the offset of the last accepted step from the clock, bounded by
//!    [`Policy::max_drift`]; [`TokenService::resync`] re-centres it from two consecutive codes.
//! 5. **Replay**: a matching step is accepted only if it is strictly greater than the last step
//!    accepted for that credential (the registration code included). The same code twice, an
//!    older code after a newer one, or a used code typed again with spaces or full-width digits
//!    are all [`Rejected::Replayed`], which counts as a failure.
//!
//! [`TokenService::would_accept`] answers what `validate` would, by the same code path, without
//! writing any state or audit event; [`TokenService::inspect`] shows a credential's step,
//! window, drift and failures. Both are for the staff's time lab, which explains the rules on
//! screen.
//!
//! The state is written with compare-and-set ([`CredentialStore`]), so two concurrent
//! validations of one code cannot both succeed. Every issue, validation, lock, unlock, stop and
//! resync is recorded in an audit log chained by HMAC under the service's [`AuditKey`]
//! ([`verify_chain`]); events hold outcomes and steps, never secrets or codes. Attempts refused
//! without changing anything are counted per credential and minute, and the log rotates within
//! [`MAX_AUDIT_EVENTS`] and [`MAX_AUDIT_BYTES`], so no flood of codes grows the records without
//! bound. [`TokenService::sealed_snapshot`] gives the records and the [`AuditSeal`] to keep apart
//! from them; [`TokenService::restore`] checks both, and [`Snapshot::to_json`] refuses to write
//! a record larger than [`MAX_SNAPSHOT_BYTES`].
//!
//! ```
//! use webtoken_engine::{Params, totp};
//! use webtoken_token_service::{MemoryStore, Policy, Rejected, TokenService};
//!
//! let service = TokenService::new(MemoryStore::new(), Policy::default());
//! let issued = service.issue(1_700_000_000).expect("random bytes are available");
//! let code = totp(&issued.secret, 1_700_000_010, &issued.params).expect("valid params");
//! assert!(service.validate(&issued.token_id, &code, 1_700_000_010).is_ok());
//! assert_eq!(
//!     service.validate(&issued.token_id, &code, 1_700_000_011),
//!     Err(Rejected::Replayed)
//! );
//! ```

use std::fmt;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, ConstantTimeGreater};
use zeroize::Zeroizing;

use webtoken_engine::i18n::Lang;
use webtoken_engine::i18n::service::Text;
use webtoken_engine::input::{CodeInputError, code_value};
use webtoken_engine::random::{OsRandom, Random};
use webtoken_engine::token_id::{MAX_SERIAL, TokenId, TokenIdError};
use webtoken_engine::{EngineError, ISSUED_SECRET_BYTES, Params, Secret};

pub mod api;
mod audit;
pub mod client;
pub mod in_page;
mod persist;
pub mod validator;
// The workspace's only `unsafe` code: SHA-1 on the x86 SHA extensions, for validation's speed.
#[cfg(all(feature = "sha-ni", target_arch = "x86_64"))]
mod sha_ni;
mod store;

#[cfg(test)]
mod tests;

pub use audit::{
    Attempt, AuditEvent, AuditKey, AuditKind, AuditSeal, ChainError, ChainHash, Checkpoint,
    GENESIS_HASH, MAX_AUDIT_BYTES, MAX_AUDIT_EVENTS, MAX_AUDIT_TEXT_CHARS, OPEN_REFUSALS,
    REFUSAL_PERIOD, RejectReason, verify_chain,
};
pub use in_page::{InPage, NotSavedError};
pub use persist::InPageService;
pub use store::{Credential, CredentialRecord, CredentialStore, Loaded, MemoryStore, StoreError};

use audit::{AuditLog, clip};

/// The four letters that open the Token IDs this service issues (the token model).
pub const TOKEN_MODEL: &str = "WBTK";
/// Widest validation window accepted, in steps either side.
pub const MAX_WINDOW: u32 = 10;
/// Widest resynchronisation look-ahead accepted, in steps ahead of the clock.
pub const MAX_RESYNC_WINDOW: u32 = 1000;
/// Furthest resynchronisation look-back accepted, in steps behind the clock. Codes from the
/// past can have been seen by someone else; codes from the future only by the token's holder.
pub const MAX_RESYNC_BACK: u32 = 10;
/// Longest snapshot JSON written or read, in bytes. The page seals it in a vault envelope
/// (AES-GCM adds a 16-byte tag, Base64url 4/3, the header under 200 bytes), which must stay
/// under the envelope reader's 4 MiB (`webtoken_token::vault::MAX_ENVELOPE_BYTES`):
/// 3,000,000 bytes seal to under 4,000,300. The audit log takes at most [`MAX_AUDIT_BYTES`] of
/// it; the rest is the credentials' (some 330 bytes each).
pub const MAX_SNAPSHOT_BYTES: usize = 3_000_000;
/// How often a validation re-reads the state after losing a compare-and-set race.
const MAX_ATTEMPTS: usize = 64;
/// How often [`TokenService::issue`] draws a new serial when the Token ID is taken.
const MAX_ISSUE_ATTEMPTS: usize = 32;

/// The validation rules of a token service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Steps accepted either side of the centre (RFC 6238 section 5.2); 1 by default, at most
    /// [`MAX_WINDOW`].
    pub window: u32,
    /// Consecutive failures that lock a credential; 10 by default, at least 1.
    pub max_failures: u32,
    /// Seconds after locking before a staff member may unlock; `None` (default) for at once.
    pub cooldown: Option<u64>,
    /// Steps ahead of the clock searched by [`TokenService::resync`] (a token whose clock runs
    /// fast); 100 by default.
    pub resync_window: u32,
    /// Steps behind the clock searched by [`TokenService::resync`] (a token whose clock runs
    /// slow); 2 by default, at most [`MAX_RESYNC_BACK`]. Kept small on purpose: with a password
    /// and two consecutive codes seen earlier, a resync that looked far back would let someone
    /// else re-centre the window on codes they saw and sign in with the next one.
    #[serde(default = "default_resync_back")]
    pub resync_back: u32,
    /// Largest drift tracked, in steps either side of the clock; 100 by default.
    pub max_drift: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            window: 1,
            max_failures: 10,
            cooldown: None,
            resync_window: 100,
            resync_back: default_resync_back(),
            max_drift: 100,
        }
    }
}

/// [`Policy::resync_back`]'s default: one minute behind the clock.
fn default_resync_back() -> u32 {
    2
}

impl Policy {
    /// Checks every field is within its bound.
    pub fn validate(&self) -> Result<(), ServiceError> {
        let reason = if self.window > MAX_WINDOW {
            format!("the window is {} steps; at most {MAX_WINDOW}", self.window)
        } else if self.max_failures == 0 {
            "max_failures must be at least 1".to_owned()
        } else if self.resync_window == 0 || self.resync_window > MAX_RESYNC_WINDOW {
            format!(
                "the resync window is {} steps; use 1 to {MAX_RESYNC_WINDOW}",
                self.resync_window
            )
        } else if self.resync_back > MAX_RESYNC_BACK {
            format!(
                "the resync look-back is {} steps; at most {MAX_RESYNC_BACK}",
                self.resync_back
            )
        } else if !(0..=i64::from(MAX_RESYNC_WINDOW)).contains(&self.max_drift) {
            format!(
                "max_drift is {} steps; use 0 to {MAX_RESYNC_WINDOW}",
                self.max_drift
            )
        } else {
            return Ok(());
        };
        Err(ServiceError::InvalidPolicy { reason })
    }

    /// The same policy with every field brought within its bound.
    pub fn bounded(self) -> Policy {
        Policy {
            window: self.window.min(MAX_WINDOW),
            max_failures: self.max_failures.max(1),
            cooldown: self.cooldown,
            resync_window: self.resync_window.clamp(1, MAX_RESYNC_WINDOW),
            resync_back: self.resync_back.min(MAX_RESYNC_BACK),
            max_drift: self.max_drift.clamp(0, i64::from(MAX_RESYNC_WINDOW)),
        }
    }
}

/// A newly issued credential: what the token needs (the secret leaves the service only here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    /// The credential's public name.
    pub token_id: TokenId,
    /// The shared secret, for the token.
    pub secret: Secret,
    /// The code parameters.
    pub params: Params,
}

/// Whether a credential can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialStatus {
    /// Validates codes.
    Active,
    /// Too many consecutive failures: rejects every code until unlocked.
    Locked,
    /// Stopped for good (lost or replaced token): rejects every code.
    Stopped,
}

/// Everything the service knows about a credential except its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialState {
    /// The credential's public name.
    pub token_id: TokenId,
    /// Active, locked or stopped.
    pub status: CredentialStatus,
    /// Consecutive failed validations.
    pub failures: u32,
    /// Offset of the token's clock, in steps, learnt from accepted codes.
    pub drift: i64,
    /// The last accepted time step; a code is accepted only for a later step.
    pub last_step: Option<u64>,
    /// The code parameters (fixed at issue).
    pub params: Params,
    /// Unix seconds of issue.
    pub issued_at: u64,
    /// Unix seconds at which the credential was locked, while it is.
    pub locked_at: Option<u64>,
}

impl CredentialState {
    /// The state of a credential that was just issued.
    pub fn new(token_id: TokenId, params: Params, issued_at: u64) -> CredentialState {
        CredentialState {
            token_id,
            status: CredentialStatus::Active,
            failures: 0,
            drift: 0,
            last_step: None,
            params,
            issued_at,
            locked_at: None,
        }
    }
}

/// A code was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Accepted {
    /// The time step the code belongs to (now the last accepted step).
    pub step: u64,
    /// The credential's drift after this code, in steps.
    pub drift: i64,
}

/// What [`TokenService::validate`] would answer for a code, found by
/// [`TokenService::would_accept`] without changing anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRun {
    /// The code's own outcome: the step it would be accepted at, or why not. When the attempt
    /// would lock the credential this is still the code's own reason (say, `Replayed`).
    pub outcome: Result<Accepted, Rejected>,
    /// Whether this attempt would lock the credential: its failure would be the last allowed.
    pub locks: bool,
}

impl DryRun {
    fn refused(rejected: Rejected) -> Self {
        DryRun {
            outcome: Err(rejected),
            locks: false,
        }
    }

    /// The answer [`TokenService::validate`] would give: the outcome, or
    /// [`Rejected::LockedOut`] for the attempt that locks.
    pub fn answer(&self) -> Result<Accepted, Rejected> {
        match (&self.outcome, self.locks) {
            (Err(_), true) => Err(Rejected::LockedOut),
            (outcome, _) => outcome.clone(),
        }
    }
}

/// A credential as the service sees it at one instant, from [`TokenService::inspect`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// The clock's time step (RFC 6238 `T`).
    pub now_step: u64,
    /// The steps a code is compared with: the clock's step plus the drift, and
    /// [`Policy::window`] steps either side (`None` when all of them are before step 0). Of
    /// those, steps up to `state.last_step` are refused as replays.
    pub window: Option<core::ops::RangeInclusive<u64>>,
    /// Consecutive failures that lock the credential ([`Policy::max_failures`]).
    pub max_failures: u32,
    /// Status, failures, drift, last accepted step and parameters (never the secret).
    pub state: CredentialState,
}

impl Inspection {
    /// Failures left before the credential locks (0 once locked).
    pub fn failures_left(&self) -> u32 {
        self.max_failures.saturating_sub(self.state.failures)
    }
}

/// Why a code was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
// Exhaustive on purpose: the bank and the staff record say something for every one, and a
// new one must make them say it (a compile error in webtoken-bank), not fall into `_`.
pub enum Rejected {
    /// The input is not a code (see [`webtoken_engine::input`]).
    Malformed(CodeInputError),
    /// No credential has this Token ID.
    UnknownToken,
    /// The code matches no step in the window.
    Mismatch,
    /// The code was right but its step was not after the last accepted one.
    Replayed,
    /// The credential is locked.
    LockedOut,
    /// The credential is stopped.
    Stopped,
    /// The result could not be stored; nothing was changed. Try again.
    Unavailable,
    /// The browser could not save the in-page service's new state, so the answer is not given
    /// and nothing was changed (recorded as [`RejectReason::Unavailable`]).
    NotSaved,
}

impl Rejected {
    /// The reason as the audit log records it.
    pub fn reason(&self) -> RejectReason {
        match self {
            Rejected::Malformed(_) => RejectReason::Malformed,
            Rejected::UnknownToken => RejectReason::UnknownToken,
            Rejected::Mismatch => RejectReason::Mismatch,
            Rejected::Replayed => RejectReason::Replayed,
            Rejected::LockedOut => RejectReason::LockedOut,
            Rejected::Stopped => RejectReason::Stopped,
            Rejected::Unavailable | Rejected::NotSaved => RejectReason::Unavailable,
        }
    }

    /// The message in `lang` (from the `[service]` section of the catalogue).
    pub fn message(&self, lang: Lang) -> String {
        let key = match self {
            Rejected::Malformed(error) => return error.message(lang),
            Rejected::UnknownToken => Text::UnknownToken,
            Rejected::Mismatch => Text::Mismatch,
            Rejected::Replayed => Text::Replayed,
            Rejected::LockedOut => Text::LockedOut,
            Rejected::Stopped => Text::Stopped,
            Rejected::Unavailable => Text::Unavailable,
            Rejected::NotSaved => Text::NotSaved,
        };
        key.get(lang).to_owned()
    }

    /// The message for a Japanese page.
    pub fn message_ja(&self) -> String {
        self.message(Lang::Ja)
    }

    /// The message for an English page.
    pub fn message_en(&self) -> String {
        self.message(Lang::En)
    }
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for Rejected {}

/// A token service operation (issue, unlock, stop, restore) that could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServiceError {
    /// No credential has this Token ID.
    UnknownToken {
        /// The Token ID asked for.
        token_id: TokenId,
    },
    /// The credential is stopped; it cannot be unlocked.
    Stopped {
        /// The credential.
        token_id: TokenId,
    },
    /// The credential is not locked; there is nothing to unlock.
    NotLocked {
        /// The credential.
        token_id: TokenId,
    },
    /// The credential was locked too recently to be unlocked ([`Policy::cooldown`]).
    CoolingDown {
        /// The credential.
        token_id: TokenId,
        /// Seconds until it may be unlocked.
        remaining: u64,
    },
    /// The policy is out of bounds.
    InvalidPolicy {
        /// Which bound.
        reason: String,
    },
    /// A secret or parameters were rejected, or no random bytes were available.
    Engine(EngineError),
    /// A Token ID could not be built.
    TokenId(TokenIdError),
    /// No free Token ID was found.
    TokenIdsExhausted,
    /// The credential store failed.
    Store(StoreError),
    /// A restored audit log does not verify.
    AuditChain(ChainError),
    /// The records are larger than [`MAX_SNAPSHOT_BYTES`]: they were not written (their reader
    /// would refuse them).
    RecordTooLarge {
        /// Bytes of the JSON.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// A remote token service could not be reached or gave no usable answer.
    Unreachable {
        /// What went wrong.
        reason: String,
    },
    /// The browser could not save the in-page service's new state: nothing was changed.
    NotSaved,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceError::UnknownToken { token_id } => {
                write!(f, "no credential has Token ID {}", token_id.grouped())
            }
            ServiceError::Stopped { token_id } => write!(
                f,
                "the credential {} is stopped and cannot be changed",
                token_id.grouped()
            ),
            ServiceError::NotLocked { token_id } => write!(
                f,
                "the credential {} is not locked; there is nothing to unlock",
                token_id.grouped()
            ),
            ServiceError::CoolingDown {
                token_id,
                remaining,
            } => write!(
                f,
                "the credential {} was locked too recently; it can be unlocked in {remaining} seconds",
                token_id.grouped()
            ),
            ServiceError::InvalidPolicy { reason } => write!(f, "invalid policy: {reason}"),
            ServiceError::Engine(error) => write!(f, "{error}"),
            ServiceError::TokenId(error) => write!(f, "{error}"),
            ServiceError::TokenIdsExhausted => {
                f.write_str("no free Token ID was found; the serial range may be full")
            }
            ServiceError::Store(error) => write!(f, "{error}"),
            ServiceError::AuditChain(error) => write!(f, "{error}"),
            ServiceError::RecordTooLarge { bytes, max } => write!(
                f,
                "the token service's records are {bytes} bytes, more than the {max} that can \
                 be stored; they were not saved"
            ),
            ServiceError::Unreachable { reason } => {
                write!(f, "the token service could not be reached: {reason}")
            }
            ServiceError::NotSaved => f.write_str(Text::NotSaved.get(Lang::En)),
        }
    }
}

impl std::error::Error for ServiceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServiceError::Engine(error) => Some(error),
            ServiceError::TokenId(error) => Some(error),
            ServiceError::Store(error) => Some(error),
            ServiceError::AuditChain(error) => Some(error),
            _ => None,
        }
    }
}

impl From<EngineError> for ServiceError {
    fn from(error: EngineError) -> Self {
        ServiceError::Engine(error)
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        ServiceError::Store(error)
    }
}

/// Everything a token service holds, for persistence (the browser shell stores it as JSON).
/// Not the audit key, and not the [`AuditSeal`], which are kept apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Every credential with its secret and state.
    pub credentials: Vec<CredentialRecord>,
    /// The audit log's kept events, oldest first.
    pub audit: Vec<AuditEvent>,
    /// Where the kept events start: what was rotated out, and the audit key's id. Always
    /// written; `None` (the member missing) only in records of the previous version, whose
    /// events are an unkeyed SHA-256 chain: [`TokenService::restore`] verifies that chain with
    /// the old hash and chains the events again under its key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<Checkpoint>,
    /// Stored credentials that cannot be read, kept as stored: written back after the others
    /// (in `credentials`), never dropped unless staff remove them
    /// ([`TokenService::remove_unreadable`]). Not part of the server's serde form.
    #[serde(skip)]
    pub unreadable: Vec<UnreadableCredential>,
}

/// A stored credential that cannot be read (damaged, or written by a page with other rules):
/// one bad entry costs one credential, not the records. Its Token ID, when that can be read,
/// is refused for new credentials and validates nothing; staff see it with
/// [`TokenService::unreadable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableCredential {
    /// Its Token ID, when that can be read.
    pub token_id: Option<TokenId>,
    /// The entry as stored (it may hold a secret: never shown, only written back), and what is
    /// wrong with it.
    pub kept: webtoken_engine::json::Kept,
}

impl UnreadableCredential {
    /// `record`, read but refused because of `why` (a Token ID taken twice, say).
    fn refused(record: &CredentialRecord, why: impl fmt::Display) -> Self {
        Self {
            token_id: Some(record.state.token_id.clone()),
            kept: webtoken_engine::json::Kept::new(record, why),
        }
    }
}

impl Snapshot {
    /// The snapshot as JSON, or [`ServiceError::RecordTooLarge`] when it is larger than
    /// [`MAX_SNAPSHOT_BYTES`]: the writer checks what its reader would refuse, before writing.
    pub fn to_json(&self) -> Result<Zeroizing<String>, ServiceError> {
        let json = webtoken_engine::json::to_string(self);
        check_size(&json)?;
        Ok(json)
    }
}

/// Checks stored records are within [`MAX_SNAPSHOT_BYTES`], before they are written or read.
pub fn check_size(json: &str) -> Result<(), ServiceError> {
    if json.len() > MAX_SNAPSHOT_BYTES {
        return Err(ServiceError::RecordTooLarge {
            bytes: json.len(),
            max: MAX_SNAPSHOT_BYTES,
        });
    }
    Ok(())
}

/// The JSON codec's form of the service's records: the very text serde writes
/// (`crates/bank/tests/json_records.rs`).
mod json_form {
    use super::{CredentialRecord, CredentialState, CredentialStatus, Issued, Snapshot};
    use super::{TokenId, UnreadableCredential};
    use webtoken_engine::json::{
        FromJson, JsonError, ToJson, Value, json_object, object, read_entries, unknown_variant,
        write_entries, write_str,
    };

    /// The Token ID of a stored credential, read alone (`{"state":{"token_id":..}}`), to name
    /// an entry that cannot be read whole.
    pub(super) fn stored_token_id(value: &Value) -> Option<TokenId> {
        struct Id(TokenId);
        impl FromJson for Id {
            fn from_json(value: &Value) -> Result<Self, JsonError> {
                value.fields()?.get("token_id").map(Id)
            }
        }
        let Id(id) = value.fields().ok()?.get("state").ok()?;
        Some(id)
    }

    impl ToJson for CredentialStatus {
        fn write_json(&self, out: &mut webtoken_engine::json::Out) {
            write_str(
                out,
                match self {
                    CredentialStatus::Active => "active",
                    CredentialStatus::Locked => "locked",
                    CredentialStatus::Stopped => "stopped",
                },
            );
        }
    }

    impl FromJson for CredentialStatus {
        fn from_json(value: &Value) -> Result<Self, JsonError> {
            match value.as_str()? {
                "active" => Ok(CredentialStatus::Active),
                "locked" => Ok(CredentialStatus::Locked),
                "stopped" => Ok(CredentialStatus::Stopped),
                other => Err(unknown_variant(other, &["active", "locked", "stopped"])),
            }
        }
    }

    json_object!(CredentialState {
        token_id,
        status,
        failures,
        drift,
        last_step,
        params,
        issued_at,
        locked_at,
    });

    json_object!(Issued {
        token_id,
        secret,
        params
    });
    /// As serde writes it: `checkpoint` left out when `None` (never, for snapshots written
    /// now), and read as `None` when missing (records of the previous version).
    impl ToJson for Snapshot {
        fn write_json(&self, out: &mut webtoken_engine::json::Out) {
            object(out, |o| {
                o.field("credentials", &Credentials(self, ()))
                    .field("audit", &self.audit);
                if let Some(checkpoint) = &self.checkpoint {
                    o.field("checkpoint", checkpoint);
                }
            });
        }
    }

    impl FromJson for Snapshot {
        fn from_json(value: &Value) -> Result<Self, JsonError> {
            let f = value.fields()?;
            // Entry by entry: a credential that cannot be read is kept, not the records lost.
            let Credentials(credentials, unreadable) = f.get("credentials")?;
            Ok(Snapshot {
                credentials,
                audit: f.get("audit")?,
                checkpoint: f.get("checkpoint")?,
                unreadable,
            })
        }
    }

    /// The stored `credentials`: the readable ones, then the unreadable ones as stored.
    struct Credentials<T, U = ()>(T, U);

    impl ToJson for Credentials<&Snapshot> {
        fn write_json(&self, out: &mut webtoken_engine::json::Out) {
            let kept = self.0.unreadable.iter().map(|u| &u.kept);
            write_entries(out, &self.0.credentials, kept);
        }
    }

    impl FromJson for Credentials<Vec<CredentialRecord>, Vec<UnreadableCredential>> {
        fn from_json(value: &Value) -> Result<Self, JsonError> {
            let mut ids = Vec::new();
            let (credentials, kept) = read_entries(value, |entry| {
                CredentialRecord::from_json(entry).inspect_err(|_| ids.push(stored_token_id(entry)))
            })?;
            let unreadable = (ids.into_iter().zip(kept))
                .map(|(token_id, kept)| UnreadableCredential { token_id, kept })
                .collect();
            Ok(Credentials(credentials, unreadable))
        }
    }
}

/// The outcome of comparing a code with the window, before it is stored.
enum Matched {
    Fresh(u64),
    Replayed,
    None,
}

/// The token service. Methods take `&self`, so one service can be shared between threads.
pub struct TokenService<S: CredentialStore = MemoryStore> {
    store: S,
    policy: Policy,
    audit: AuditLog,
    /// Where [`TokenService::issue`] draws serials and secrets: [`OsRandom`] unless a test gave
    /// another source ([`TokenService::with_random`]).
    random: Mutex<Box<dyn Random + Send>>,
    /// Stored credentials that cannot be read, kept to be written back (see
    /// [`UnreadableCredential`]).
    unreadable: Vec<UnreadableCredential>,
}

impl<S: CredentialStore + fmt::Debug> fmt::Debug for TokenService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenService")
            .field("store", &self.store)
            .field("policy", &self.policy)
            .field("audit_events", &self.audit.len())
            .finish()
    }
}

impl<S: CredentialStore> TokenService<S> {
    /// A service over `store` with `policy` (brought within bounds: see [`Policy::bounded`]),
    /// its audit log keyed by a fresh random [`AuditKey`] that lives as long as the service (the
    /// server's, in remote mode). A service whose records are restored later is given its key
    /// with [`TokenService::with_audit_key`].
    pub fn new(store: S, policy: Policy) -> Self {
        // Without randomness the service cannot issue either; its log is then keyed by a key
        // anyone can know, which [`TokenService::with_audit_key`] replaces.
        let key = AuditKey::random(&mut OsRandom).unwrap_or_else(|_| AuditKey::from_bytes([0; 32]));
        TokenService {
            store,
            policy: policy.bounded(),
            audit: AuditLog::new(key),
            random: Mutex::new(Box::new(OsRandom)),
            unreadable: Vec::new(),
        }
    }

    /// This service, its audit log keyed by `key` from now on (the events it holds are
    /// chained again under it). The key is not part of any [`Snapshot`]: the caller keeps it
    /// (the browser's device key store) and passes it again to [`TokenService::restore`].
    pub fn with_audit_key(self, key: AuditKey) -> Self {
        self.audit.rekey(key);
        self
    }

    /// This service, issuing with the randomness of `random` instead of the operating system's
    /// (tests pass a deterministic source, as they pass the time).
    pub fn with_random(self, random: impl Random + Send + 'static) -> Self {
        TokenService {
            random: Mutex::new(Box::new(random)),
            ..self
        }
    }

    /// A service continuing from `snapshot`, its audit log keyed by `key`: the chain is
    /// verified under `key` and, when given, against the `seal` kept apart from the records
    /// (without it, events cut from the end cannot be found); then every credential is checked
    /// and inserted into `store`. A log that does not verify is [`ServiceError::AuditChain`],
    /// naming what is wrong.
    pub fn restore(
        store: S,
        policy: Policy,
        snapshot: Snapshot,
        key: AuditKey,
        seal: Option<&AuditSeal>,
    ) -> Result<Self, ServiceError> {
        let (checkpoint, events) = match snapshot.checkpoint {
            Some(checkpoint) => {
                verify_chain(&snapshot.audit, &checkpoint, &key, seal)
                    .map_err(ServiceError::AuditChain)?;
                (checkpoint, snapshot.audit)
            }
            None => {
                // A seal exists only for keyed logs: records without a checkpoint given with
                // one were put back in place of the keyed log the seal names.
                if let Some(seal) = seal {
                    return Err(ServiceError::AuditChain(
                        if audit::seal_verifies(&key, seal) {
                            ChainError::KeyMismatch
                        } else {
                            ChainError::SealForged
                        },
                    ));
                }
                audit::migrate_legacy(snapshot.audit, &key).map_err(ServiceError::AuditChain)?
            }
        };
        // One bad entry costs one credential: it is kept, to be written back, and the others
        // are restored.
        let mut unreadable = snapshot.unreadable;
        for record in snapshot.credentials {
            let taken = unreadable
                .iter()
                .any(|u| u.token_id.as_ref() == Some(&record.state.token_id));
            let inserted = if taken {
                Err(ServiceError::Store(StoreError::AlreadyExists))
            } else {
                Credential::new(record.secret.clone(), record.state.params)
                    .map_err(ServiceError::from)
                    .and_then(|credential| Ok(store.insert(credential, record.state.clone())?))
            };
            if let Err(why) = inserted {
                unreadable.push(UnreadableCredential::refused(&record, why));
            }
        }
        Ok(TokenService {
            store,
            policy: policy.bounded(),
            audit: AuditLog::restored(key, checkpoint, events),
            random: Mutex::new(Box::new(OsRandom)),
            unreadable,
        })
    }

    /// Every credential and the audit log, for persistence (see
    /// [`TokenService::sealed_snapshot`] for the seal to keep with it).
    pub fn snapshot(&self) -> Snapshot {
        self.sealed_snapshot().0
    }

    /// Every credential and the audit log, and the [`AuditSeal`] of that log, read at one
    /// instant: store the seal apart from the snapshot and pass it to
    /// [`TokenService::restore`].
    pub fn sealed_snapshot(&self) -> (Snapshot, AuditSeal) {
        let (audit, checkpoint, seal) = self.audit.sealed();
        let snapshot = Snapshot {
            credentials: self.store.export(),
            audit,
            checkpoint: Some(checkpoint),
            unreadable: self.unreadable.clone(),
        };
        (snapshot, seal)
    }

    /// The stored credentials that cannot be read, for staff: each with its Token ID when
    /// that can be read, and what is wrong. They are written back with the others until staff
    /// remove them.
    pub fn unreadable(&self) -> &[UnreadableCredential] {
        &self.unreadable
    }

    /// Removes the unreadable stored credential at `index` of [`TokenService::unreadable`] (a
    /// staff decision: its secret is lost), recorded as stopped by `actor` when its Token ID
    /// can be read.
    pub fn remove_unreadable(
        &mut self,
        index: usize,
        actor: &str,
        now: u64,
    ) -> Option<UnreadableCredential> {
        if index >= self.unreadable.len() {
            return None;
        }
        let removed = self.unreadable.remove(index);
        if let Some(token_id) = &removed.token_id {
            let reason = clip(&format!("unreadable entry removed: {}", removed.kept.why));
            self.audit.append(
                now,
                token_id,
                AuditKind::Stopped {
                    actor: clip(actor),
                    reason,
                },
            );
        }
        Some(removed)
    }

    /// The seal of the audit log as it is now.
    pub fn audit_seal(&self) -> AuditSeal {
        self.audit.sealed().2
    }

    /// Verifies the audit log the service holds, under its key.
    pub fn verify_audit(&self) -> Result<(), ChainError> {
        self.audit.verify()
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The credential store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Issues a credential of the bank's model: a fresh Token ID ([`TOKEN_MODEL`] and a random
    /// serial), a 160-bit secret, SHA-1, 6 digits, 30 seconds. The randomness comes from the
    /// service's source: the operating system's CSPRNG unless [`TokenService::with_random`].
    ///
    /// Each attempt draws 4 bytes, read big-endian modulo `MAX_SERIAL + 1`, for the serial and
    /// then [`ISSUED_SECRET_BYTES`] for the secret; a serial already issued is drawn again.
    pub fn issue(&self, now: u64) -> Result<Issued, ServiceError> {
        for _ in 0..MAX_ISSUE_ATTEMPTS {
            let (serial, secret) = {
                // A panic elsewhere while this was held leaves the source itself usable.
                let mut random = self.random.lock().unwrap_or_else(PoisonError::into_inner);
                let mut draw = [0_u8; 4];
                random.fill(&mut draw).map_err(EngineError::from)?;
                let serial = u32::from_be_bytes(draw) % (MAX_SERIAL + 1);
                (serial, Secret::random(ISSUED_SECRET_BYTES, &mut *random)?)
            };
            let token_id = TokenId::generate(TOKEN_MODEL, serial).map_err(ServiceError::TokenId)?;
            match self.provision(token_id, secret, Params::default(), now) {
                Err(ServiceError::Store(StoreError::AlreadyExists)) => continue,
                other => return other,
            }
        }
        Err(ServiceError::TokenIdsExhausted)
    }

    /// Registers a credential whose Token ID and secret were made elsewhere (a hardware token,
    /// a migration, a test), with the same record and audit event as [`TokenService::issue`].
    pub fn provision(
        &self,
        token_id: TokenId,
        secret: Secret,
        params: Params,
        now: u64,
    ) -> Result<Issued, ServiceError> {
        if self
            .unreadable
            .iter()
            .any(|u| u.token_id.as_ref() == Some(&token_id))
        {
            // Held by an entry that cannot be read: never issued twice.
            return Err(ServiceError::Store(StoreError::AlreadyExists));
        }
        let credential = Credential::new(secret.clone(), params)?;
        let state = CredentialState::new(token_id.clone(), params, now);
        self.store.insert(credential, state)?;
        self.audit.append(
            now,
            &token_id,
            AuditKind::Issued {
                algorithm: params.algorithm,
                digits: params.digits,
                period: params.period,
            },
        );
        Ok(Issued {
            token_id,
            secret,
            params,
        })
    }

    /// The state of a credential (no secret), or `None` if the Token ID is unknown.
    pub fn state(&self, token_id: &TokenId) -> Option<CredentialState> {
        self.store.load(token_id).map(|loaded| loaded.state)
    }

    /// Validates a typed `code` for `token_id` at Unix time `now` (see the module docs).
    pub fn validate(&self, token_id: &TokenId, code: &str, now: u64) -> Result<Accepted, Rejected> {
        self.record_outcome(
            token_id,
            now,
            Operation::Validate,
            self.match_code(code, now),
        )
    }

    /// What [`TokenService::validate`] would answer for `code` at `now`, found by the same rules
    /// and comparison but without changing anything: no state is written and no audit event is
    /// appended (the staff's time lab asks this of the codes a token has shown).
    pub fn would_accept(&self, token_id: &TokenId, code: &str, now: u64) -> DryRun {
        let Some(loaded) = self.store.load(token_id) else {
            return DryRun::refused(Rejected::UnknownToken);
        };
        match self.decide(loaded, now, &self.match_code(code, now)) {
            Decision::Refused(rejected) => DryRun::refused(rejected),
            Decision::Compared { outcome, next } => DryRun {
                outcome,
                locks: next.status == CredentialStatus::Locked,
            },
        }
    }

    /// What the service holds about a credential at `now`, read only (no secret): its state,
    /// the clock's step and the steps a code would be compared with. `None` for an unknown
    /// Token ID.
    pub fn inspect(&self, token_id: &TokenId, now: u64) -> Option<Inspection> {
        let state = self.state(token_id)?;
        let now_step = state.params.step(now);
        let window = self.window(&state, now_step);
        let clamp = |step: i128| u64::try_from(step.clamp(0, i128::from(u64::MAX)));
        // Entirely before step 0 (a clock far behind the drift learnt): no step is compared.
        let window = match (clamp(*window.start()), clamp(*window.end())) {
            (Ok(low), Ok(high)) if *window.end() >= 0 => Some(low..=high),
            _ => None,
        };
        Some(Inspection {
            now_step,
            window,
            max_failures: self.policy.max_failures,
            state,
        })
    }

    /// The steps a code is compared with at `now_step`: the centre (the clock's step plus the
    /// tracked drift) and [`Policy::window`] steps either side, before clamping to valid steps.
    fn window(&self, state: &CredentialState, now_step: u64) -> core::ops::RangeInclusive<i128> {
        let centre = i128::from(now_step) + i128::from(state.drift);
        let window = i128::from(self.policy.window);
        centre - window..=centre + window
    }

    /// The comparison [`TokenService::validate`] and [`TokenService::would_accept`] share:
    /// `code` against every step of the window at `now`, in constant time.
    fn match_code<'a>(&'a self, code: &'a str, now: u64) -> impl Fn(&Loaded) -> Attempted + 'a {
        move |loaded| {
            let params = &loaded.state.params;
            let typed = parse_code(code, params.digits)?;
            let now_step = params.step(now);
            let matched = compare(
                loaded,
                self.window(&loaded.state, now_step),
                loaded.state.last_step,
                |value, _| value.ct_eq(&typed),
            );
            Ok((matched, now_step))
        }
    }

    /// Re-centres the drift from two consecutive codes (同期ズレ補正): finds a step `s + 1` from
    /// [`Policy::resync_back`] steps behind the clock to [`Policy::resync_window`] steps ahead of
    /// it whose code is `second` and whose predecessor's is `first`, and accepts `s + 1`. Both
    /// steps must be after the last accepted one. A failed resync counts as a failure and a
    /// successful one clears the count, as a validation does; locked and stopped credentials
    /// and replays follow the rules of [`TokenService::validate`].
    pub fn resync(
        &self,
        token_id: &TokenId,
        first: &str,
        second: &str,
        now: u64,
    ) -> Result<Accepted, Rejected> {
        self.record_outcome(token_id, now, Operation::Resync, |loaded| {
            let params = &loaded.state.params;
            let first = parse_code(first, params.digits)?;
            let second = parse_code(second, params.digits)?;
            let now_step = params.step(now);
            let ahead = i128::from(self.policy.resync_window);
            let behind = i128::from(self.policy.resync_back);
            let key = &loaded.key;
            // Candidates are the second step of each pair; the value of the step before is
            // carried over from the previous candidate, so each step is computed once.
            let mut before: Option<u32> = None;
            let matched = compare(
                loaded,
                i128::from(now_step) - behind..=i128::from(now_step) + ahead,
                loaded.state.last_step.map(|last| last.saturating_add(1)),
                |value, step| {
                    let previous = match (before, step.checked_sub(1)) {
                        (Some(previous), _) => previous,
                        (None, Some(step_before)) => key
                            .value(step_before, params.digits)
                            .expect("digits were checked when the credential was created"),
                        // No step before 0: a value no code can have.
                        (None, None) => u32::MAX,
                    };
                    before = Some(value);
                    value.ct_eq(&second) & previous.ct_eq(&first)
                },
            );
            Ok((matched, now_step))
        })
    }

    /// Unlocks a locked credential and clears its failure count (a staff operation). With a
    /// [`Policy::cooldown`], only once that many seconds have passed since it locked. An active
    /// credential is [`ServiceError::NotLocked`] and keeps its failure count.
    pub fn unlock(&self, token_id: &TokenId, actor: &str, now: u64) -> Result<(), ServiceError> {
        self.update_state(token_id, |state| {
            match state.status {
                CredentialStatus::Stopped => {
                    return Err(ServiceError::Stopped {
                        token_id: token_id.clone(),
                    });
                }
                // Unlocking an active credential would clear its failures and let a guesser
                // go on for ever without locking; only a lock is lifted.
                CredentialStatus::Active => {
                    return Err(ServiceError::NotLocked {
                        token_id: token_id.clone(),
                    });
                }
                CredentialStatus::Locked => {}
            }
            if let (CredentialStatus::Locked, Some(cooldown), Some(locked_at)) =
                (state.status, self.policy.cooldown, state.locked_at)
            {
                let until = locked_at.saturating_add(cooldown);
                if now < until {
                    return Err(ServiceError::CoolingDown {
                        token_id: token_id.clone(),
                        remaining: until - now,
                    });
                }
            }
            state.status = CredentialStatus::Active;
            state.failures = 0;
            state.locked_at = None;
            Ok(())
        })?;
        self.audit
            .append(now, token_id, AuditKind::Unlocked { actor: clip(actor) });
        Ok(())
    }

    /// Stops a credential for good (lost or replaced token); it rejects every code after this.
    pub fn stop(
        &self,
        token_id: &TokenId,
        actor: &str,
        reason: &str,
        now: u64,
    ) -> Result<(), ServiceError> {
        self.update_state(token_id, |state| {
            state.status = CredentialStatus::Stopped;
            state.locked_at = None;
            Ok(())
        })?;
        self.audit.append(
            now,
            token_id,
            AuditKind::Stopped {
                actor: clip(actor),
                reason: clip(reason),
            },
        );
        Ok(())
    }

    /// The audit log's kept events, oldest first.
    pub fn audit(&self) -> Vec<AuditEvent> {
        self.audit.events()
    }

    /// The audit events about one credential, oldest first.
    pub fn audit_for(&self, token_id: &TokenId) -> Vec<AuditEvent> {
        self.audit.events_for(token_id)
    }

    /// The MAC of the latest audit event (part of [`TokenService::audit_seal`]).
    pub fn audit_head(&self) -> ChainHash {
        self.audit.head()
    }

    /// Applies `change` to a credential's state with compare-and-set, retrying on conflicts.
    fn update_state(
        &self,
        token_id: &TokenId,
        change: impl Fn(&mut CredentialState) -> Result<(), ServiceError>,
    ) -> Result<(), ServiceError> {
        for _ in 0..MAX_ATTEMPTS {
            let loaded = self
                .store
                .load(token_id)
                .ok_or_else(|| ServiceError::UnknownToken {
                    token_id: token_id.clone(),
                })?;
            let mut next = loaded.state.clone();
            change(&mut next)?;
            match self.store.compare_and_set(token_id, loaded.version, next) {
                Ok(_) => return Ok(()),
                Err(StoreError::Conflict) => continue,
                Err(error) => return Err(ServiceError::Store(error)),
            }
        }
        Err(ServiceError::Store(StoreError::Conflict))
    }

    /// What `attempt` on `loaded` decides at `now`, before anything is stored: the rules of the
    /// module docs, shared by every validation and its dry run. The state to store is `loaded`'s,
    /// changed in place.
    fn decide(
        &self,
        loaded: Loaded,
        now: u64,
        // Not generic: one copy serves validation, resync and the dry run.
        attempt: &dyn Fn(&Loaded) -> Attempted,
    ) -> Decision {
        match loaded.state.status {
            CredentialStatus::Stopped => return Decision::Refused(Rejected::Stopped),
            CredentialStatus::Locked => return Decision::Refused(Rejected::LockedOut),
            CredentialStatus::Active => {}
        }
        let (matched, now_step) = match attempt(&loaded) {
            Ok(outcome) => outcome,
            Err(rejected) => return Decision::Refused(rejected),
        };
        let mut next = loaded.state;
        let outcome = match matched {
            Matched::Fresh(step) => {
                let offset = i128::from(step) - i128::from(now_step);
                let bound = i128::from(self.policy.max_drift);
                let drift =
                    i64::try_from(offset.clamp(-bound, bound)).expect("max_drift is an i64");
                next.last_step = Some(step);
                next.failures = 0;
                next.drift = drift;
                Ok(Accepted { step, drift })
            }
            Matched::Replayed => Err(Rejected::Replayed),
            Matched::None => Err(Rejected::Mismatch),
        };
        if outcome.is_err() {
            next.failures = next.failures.saturating_add(1);
            if next.failures >= self.policy.max_failures {
                next.status = CredentialStatus::Locked;
                next.locked_at = Some(now);
            }
        }
        Decision::Compared { outcome, next }
    }

    /// Runs `attempt` against the stored state ([`TokenService::decide`]), writes the new state
    /// with compare-and-set (re-reading and re-running on a conflict) and appends the audit
    /// events.
    fn record_outcome(
        &self,
        token_id: &TokenId,
        now: u64,
        operation: Operation,
        attempt: impl Fn(&Loaded) -> Attempted,
    ) -> Result<Accepted, Rejected> {
        // Refused before anything changed: counted, not listed (see [`AuditKind::Refused`]).
        let refuse = |rejected: Rejected, known: bool| {
            self.audit.refuse(
                now,
                known.then_some(token_id),
                operation.attempt(),
                rejected.reason(),
            );
            Err(rejected)
        };
        let reject = |rejected: Rejected| refuse(rejected, true);
        for _ in 0..MAX_ATTEMPTS {
            let Some(loaded) = self.store.load(token_id) else {
                return refuse(Rejected::UnknownToken, false);
            };
            let version = loaded.version;
            let (outcome, next) = match self.decide(loaded, now, &attempt) {
                Decision::Refused(rejected) => return reject(rejected),
                Decision::Compared { outcome, next } => (outcome, next),
            };
            let locked = (next.status == CredentialStatus::Locked).then_some(next.failures);
            match self.store.compare_and_set(token_id, version, next) {
                Ok(_) => {}
                Err(StoreError::Conflict) => continue,
                Err(_) => return reject(Rejected::Unavailable),
            }
            return match outcome {
                Ok(accepted) => {
                    self.audit
                        .append(now, token_id, operation.accepted(accepted));
                    Ok(accepted)
                }
                Err(rejected) => {
                    self.audit
                        .append(now, token_id, operation.rejected(rejected.reason()));
                    match locked {
                        // The attempt that locks answers as locked: the customer learns at
                        // once that only the bank can help now.
                        Some(failures) => {
                            self.audit
                                .append(now, token_id, AuditKind::Locked { failures });
                            Err(Rejected::LockedOut)
                        }
                        None => Err(rejected),
                    }
                }
            };
        }
        reject(Rejected::Unavailable)
    }
}

/// What comparing a code with the window found, at which clock step; or why it was not
/// compared.
type Attempted = Result<(Matched, u64), Rejected>;

/// What one validation attempt decides, before anything is stored.
enum Decision {
    /// Refused before any comparison (stopped, locked, malformed): nothing changes.
    Refused(Rejected),
    /// Compared with the window: the code's outcome, and the state to store.
    Compared {
        outcome: Result<Accepted, Rejected>,
        next: CredentialState,
    },
}

/// Which operation a validation outcome belongs to, for its audit event.
#[derive(Clone, Copy)]
enum Operation {
    Validate,
    Resync,
}

impl Operation {
    fn attempt(self) -> Attempt {
        match self {
            Operation::Validate => Attempt::Validate,
            Operation::Resync => Attempt::Resync,
        }
    }

    fn accepted(self, accepted: Accepted) -> AuditKind {
        let Accepted { step, drift } = accepted;
        match self {
            Operation::Validate => AuditKind::Accepted { step, drift },
            Operation::Resync => AuditKind::Resynced { step, drift },
        }
    }

    fn rejected(self, reason: RejectReason) -> AuditKind {
        match self {
            Operation::Validate => AuditKind::Rejected { reason },
            Operation::Resync => AuditKind::ResyncRejected { reason },
        }
    }
}

/// Steps whose codes [`compare`] computes together: the default window of +-1 in one call of
/// [`webtoken_engine::PreparedKey::values_with`], whose HMACs then run side by side on SHA-NI.
const STEPS_AT_ONCE: usize = 3;

/// Compares every step in `steps` (clamped to valid steps) with `is_match(value, step)`, in
/// constant time and without stopping early. Returns the first matching step greater than
/// `fresh_after` (any step if `None`), or whether only older steps matched.
fn compare(
    loaded: &Loaded,
    steps: core::ops::RangeInclusive<i128>,
    fresh_after: Option<u64>,
    mut is_match: impl FnMut(u32, u64) -> Choice,
) -> Matched {
    let digits = loaded.state.params.digits;
    let key = &loaded.key;
    let low = (*steps.start()).max(0);
    let high = (*steps.end()).min(i128::from(u64::MAX));
    let mut found = Choice::from(0);
    // Any step matched at all; without a fresh match, every match was an old step (a replay).
    let mut any_equal = Choice::from(0);
    let mut matched_step = 0_u64;
    let every_step_is_fresh = Choice::from(1);
    let mut first = low;
    while first <= high {
        // A last, partial batch repeats its final step; the repeats are computed and not used
        // (the window's width, not the code, decides how many there are).
        let batch: [u64; STEPS_AT_ONCE] = core::array::from_fn(|lane| {
            let step = (first + lane as i128).min(high);
            u64::try_from(step).expect("clamped to the u64 range")
        });
        let used =
            usize::try_from(high - first + 1).map_or(STEPS_AT_ONCE, |left| left.min(STEPS_AT_ONCE));
        #[cfg(all(feature = "sha-ni", target_arch = "x86_64"))]
        let values = key.values_with(&sha_ni::ShaNi, batch, digits);
        #[cfg(not(all(feature = "sha-ni", target_arch = "x86_64")))]
        let values = key.values(batch, digits);
        let values = values.expect("digits were checked when the credential was created");
        for (&candidate, &value) in batch.iter().zip(&values).take(used) {
            let equal = is_match(value, candidate);
            let fresh = match fresh_after {
                Some(last) => candidate.ct_gt(&last),
                None => every_step_is_fresh,
            };
            let hit = equal & fresh;
            matched_step = u64::conditional_select(&matched_step, &candidate, hit & !found);
            found |= hit;
            any_equal |= equal;
        }
        first += STEPS_AT_ONCE as i128;
    }
    if bool::from(found) {
        Matched::Fresh(matched_step)
    } else if bool::from(any_equal) {
        Matched::Replayed
    } else {
        Matched::None
    }
}

/// Normalises a typed code (the one policy of [`webtoken_engine::input`]) and reads it as a number.
fn parse_code(code: &str, digits: u8) -> Result<u32, Rejected> {
    code_value(code, digits).map_err(Rejected::Malformed)
}
