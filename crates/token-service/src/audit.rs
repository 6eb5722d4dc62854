//! The audit log: one event per issue, validation, lock, unlock, stop and resync, hash-chained.
//!
//! Each event carries the SHA-256 hash of the event before it (`prev_hash`, all zeros for the
//! first) and its own `hash` over its sequence number, time, Token ID, kind and `prev_hash`.
//! [`verify_chain`] recomputes every hash and link, so editing, deleting, inserting or reordering
//! events is detected. Removing events from the *end* leaves a shorter valid chain; to detect
//! that too, keep the latest hash ([`super::TokenService::audit_head`]) somewhere else.
//!
//! Events never hold a secret or a code: a validation records its outcome and time step only.

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use webtoken_engine::token_id::TokenId;
use webtoken_engine::{Algorithm, SHA256_IV};

/// A SHA-256 hash, serialised as 64 lower-case hex digits.
pub type ChainHash = [u8; 32];

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: ChainHash = [0; 32];

/// Longest actor name or stop reason kept in an event, in characters.
pub const MAX_AUDIT_TEXT_CHARS: usize = 200;

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Position in the log, from 0.
    pub seq: u64,
    /// Unix seconds at which it happened.
    pub time: u64,
    /// The credential concerned.
    pub token_id: TokenId,
    /// What happened.
    pub kind: AuditKind,
    /// Hash of the previous event ([`GENESIS_HASH`] for the first).
    #[serde(with = "hex")]
    pub prev_hash: ChainHash,
    /// Hash of this event, covering all the fields above.
    #[serde(with = "hex")]
    pub hash: ChainHash,
}

/// What an audit event records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
// Exhaustive on purpose: the bank and the staff record say something for every one, and a
// new one must make them say it (a compile error in webtoken-bank), not fall into `_`.
pub enum AuditKind {
    /// A credential was issued with these parameters.
    Issued {
        /// Its hash function.
        algorithm: Algorithm,
        /// Its code length.
        digits: u8,
        /// Its time step, in seconds.
        period: u64,
    },
    /// A code was accepted.
    Accepted {
        /// The time step of the code.
        step: u64,
        /// The credential's drift after it, in steps.
        drift: i64,
    },
    /// A code was rejected.
    Rejected {
        /// Why.
        reason: RejectReason,
    },
    /// Consecutive failures reached the limit and the credential was locked.
    Locked {
        /// The failure count that locked it.
        failures: u32,
    },
    /// A staff member unlocked the credential (and cleared its failure count).
    Unlocked {
        /// Who did it.
        actor: String,
    },
    /// The credential was stopped for good.
    Stopped {
        /// Who did it.
        actor: String,
        /// Why, as entered.
        reason: String,
    },
    /// Two consecutive codes re-centred the drift.
    Resynced {
        /// The time step of the second code.
        step: u64,
        /// The new drift, in steps.
        drift: i64,
    },
    /// A resynchronisation attempt was rejected.
    ResyncRejected {
        /// Why.
        reason: RejectReason,
    },
}

/// Why a code was rejected, as the audit log records it (without the code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
// Exhaustive on purpose: the bank and the staff record say something for every one, and a
// new one must make them say it (a compile error in webtoken-bank), not fall into `_`.
pub enum RejectReason {
    /// Not a well-formed code.
    Malformed,
    /// No such Token ID.
    UnknownToken,
    /// The code matches no step in the window.
    Mismatch,
    /// The code's step was not after the last accepted one.
    Replayed,
    /// The credential is locked.
    LockedOut,
    /// The credential is stopped.
    Stopped,
    /// The result could not be stored.
    Unavailable,
}

impl RejectReason {
    fn tag(self) -> u8 {
        match self {
            RejectReason::Malformed => 1,
            RejectReason::UnknownToken => 2,
            RejectReason::Mismatch => 3,
            RejectReason::Replayed => 4,
            RejectReason::LockedOut => 5,
            RejectReason::Stopped => 6,
            RejectReason::Unavailable => 7,
        }
    }
}

/// Where [`verify_chain`] found the chain broken.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainError {
    /// The event at `index` has sequence number `found`: an event was deleted, inserted or moved.
    Sequence {
        /// Position in the slice.
        index: usize,
        /// The sequence number it carries.
        found: u64,
    },
    /// The event at `index` does not carry the hash of the event before it.
    Link {
        /// Position in the slice.
        index: usize,
    },
    /// The event at `index` was changed after it was written: its hash does not match.
    Tampered {
        /// Position in the slice.
        index: usize,
    },
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::Sequence { index, found } => write!(
                f,
                "audit event {index} carries sequence number {found}: events were deleted, \
                 inserted or reordered"
            ),
            ChainError::Link { index } => write!(
                f,
                "audit event {index} does not link to the event before it: the log was altered"
            ),
            ChainError::Tampered { index } => {
                write!(f, "audit event {index} was altered after it was written")
            }
        }
    }
}

impl std::error::Error for ChainError {}

/// Checks a whole audit log: sequence numbers from 0, every link, every hash.
pub fn verify_chain(events: &[AuditEvent]) -> Result<(), ChainError> {
    let mut prev = GENESIS_HASH;
    for (index, event) in events.iter().enumerate() {
        if u64::try_from(index).ok() != Some(event.seq) {
            return Err(ChainError::Sequence {
                index,
                found: event.seq,
            });
        }
        if event.prev_hash != prev {
            return Err(ChainError::Link { index });
        }
        let expected = event_hash(
            event.seq,
            event.time,
            &event.token_id,
            &event.kind,
            &event.prev_hash,
        );
        if expected != event.hash {
            return Err(ChainError::Tampered { index });
        }
        prev = event.hash;
    }
    Ok(())
}

/// The hash of one event: SHA-256 over a fixed, length-prefixed encoding of its fields.
///
/// The fixed-size fields are laid out in one stack buffer and hashed in a single update (the
/// common events are two SHA-256 blocks); the free-text fields of staff events follow, each
/// with its length.
fn event_hash(
    seq: u64,
    time: u64,
    token_id: &TokenId,
    kind: &AuditKind,
    prev_hash: &ChainHash,
) -> ChainHash {
    let mut fixed = Encoder::default();
    fixed.put(b"webtoken-audit-v1\0");
    fixed.put(prev_hash);
    fixed.put(&seq.to_be_bytes());
    fixed.put(&time.to_be_bytes());
    fixed.put(token_id.as_bytes());
    let mut texts: [&str; 2] = ["", ""];
    let mut text_count = 0;
    match kind {
        AuditKind::Issued {
            algorithm,
            digits,
            period,
        } => {
            fixed.put(&[1]);
            fixed.put(&(algorithm.as_str().len() as u64).to_be_bytes());
            fixed.put(algorithm.as_str().as_bytes());
            fixed.put(&[*digits]);
            fixed.put(&period.to_be_bytes());
        }
        AuditKind::Accepted { step, drift } => {
            fixed.put(&[2]);
            fixed.put(&step.to_be_bytes());
            fixed.put(&drift.to_be_bytes());
        }
        AuditKind::Rejected { reason } => fixed.put(&[3, reason.tag()]),
        AuditKind::Locked { failures } => {
            fixed.put(&[4]);
            fixed.put(&failures.to_be_bytes());
        }
        AuditKind::Unlocked { actor } => {
            fixed.put(&[5]);
            texts[0] = actor;
            text_count = 1;
        }
        AuditKind::Stopped { actor, reason } => {
            fixed.put(&[6]);
            texts = [actor, reason];
            text_count = 2;
        }
        AuditKind::Resynced { step, drift } => {
            fixed.put(&[7]);
            fixed.put(&step.to_be_bytes());
            fixed.put(&drift.to_be_bytes());
        }
        AuditKind::ResyncRejected { reason } => fixed.put(&[8, reason.tag()]),
    }
    if text_count == 0 {
        return fixed.sha256();
    }
    let mut hasher = Sha256::new();
    hasher.update(fixed.bytes());
    for text in &texts[..text_count] {
        hasher.update((text.len() as u64).to_be_bytes());
        hasher.update(text.as_bytes());
    }
    hasher.finalize().into()
}

/// Longest message [`Encoder::sha256`] hashes in place: two blocks less the padding's 9 bytes.
const SHORT_MAX: usize = 2 * 64 - 9;

/// SHA-256 of a message of any length through [`Encoder::sha256`] where it fits the buffer.
#[cfg(test)]
fn sha256_short(message: &[u8]) -> ChainHash {
    if message.len() > 2 * 64 {
        return Sha256::digest(message).into();
    }
    let mut encoder = Encoder::default();
    encoder.put(message);
    encoder.sha256()
}

/// A stack buffer for the fixed-size part of an event's encoding (at most 100 bytes), laid out
/// as the two SHA-256 blocks it is hashed in: the common events are hashed on every validation,
/// and this skips the streaming buffer of `Sha256` and any copy.
struct Encoder {
    blocks: [[u8; 64]; 2],
    len: usize,
}

impl Default for Encoder {
    fn default() -> Self {
        Encoder {
            blocks: [[0; 64]; 2],
            len: 0,
        }
    }
}

impl Encoder {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        self.blocks.as_flattened_mut()[self.len..end].copy_from_slice(bytes);
        self.len = end;
    }

    fn bytes(&self) -> &[u8] {
        &self.blocks.as_flattened()[..self.len]
    }

    /// SHA-256 of what was put, straight on the compression function when it fits two blocks
    /// with its padding (every fixed-size encoding does). FIPS 180-4 section 5.1.1: a 1 bit,
    /// zeros (the buffer's bytes past the message are still zero), and the 64-bit bit length at
    /// the end of the last block used.
    fn sha256(mut self) -> ChainHash {
        let len = self.len;
        if len > SHORT_MAX {
            return Sha256::digest(self.bytes()).into();
        }
        let blocks_used = if len <= 64 - 9 { 1 } else { 2 };
        let flat = self.blocks.as_flattened_mut();
        flat[len] = 0x80;
        let end = blocks_used * 64;
        flat[end - 8..end].copy_from_slice(&(len as u64 * 8).to_be_bytes());
        let mut state = SHA256_IV;
        sha2::block_api::compress256(&mut state, &self.blocks[..blocks_used]);
        let mut hash = [0_u8; 32];
        for (chunk, word) in hash.chunks_exact_mut(4).zip(state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        hash
    }
}

/// Cuts staff-entered text to [`MAX_AUDIT_TEXT_CHARS`] characters.
pub(crate) fn clip(text: &str) -> String {
    text.chars().take(MAX_AUDIT_TEXT_CHARS).collect()
}

/// Events per allocation of the log: appending never moves earlier events.
const CHUNK: usize = 4096;

/// One event as the log keeps it in memory: its sequence number is its position and its
/// `prev_hash` is the hash of the record before it, so neither is stored twice (about half the
/// size of an [`AuditEvent`]; a busy service appends one per validation).
struct Record {
    time: u64,
    token_id: TokenId,
    kind: CompactKind,
    hash: ChainHash,
}

/// [`AuditKind`] with the rare free-text events out of line.
enum CompactKind {
    Accepted { step: u64, drift: i64 },
    Rejected(RejectReason),
    Resynced { step: u64, drift: i64 },
    ResyncRejected(RejectReason),
    Locked(u32),
    Other(Box<AuditKind>),
}

impl From<AuditKind> for CompactKind {
    fn from(kind: AuditKind) -> Self {
        match kind {
            AuditKind::Accepted { step, drift } => CompactKind::Accepted { step, drift },
            AuditKind::Rejected { reason } => CompactKind::Rejected(reason),
            AuditKind::Resynced { step, drift } => CompactKind::Resynced { step, drift },
            AuditKind::ResyncRejected { reason } => CompactKind::ResyncRejected(reason),
            AuditKind::Locked { failures } => CompactKind::Locked(failures),
            other => CompactKind::Other(Box::new(other)),
        }
    }
}

impl CompactKind {
    fn expand(&self) -> AuditKind {
        match self {
            CompactKind::Accepted { step, drift } => AuditKind::Accepted {
                step: *step,
                drift: *drift,
            },
            CompactKind::Rejected(reason) => AuditKind::Rejected { reason: *reason },
            CompactKind::Resynced { step, drift } => AuditKind::Resynced {
                step: *step,
                drift: *drift,
            },
            CompactKind::ResyncRejected(reason) => AuditKind::ResyncRejected { reason: *reason },
            CompactKind::Locked(failures) => AuditKind::Locked {
                failures: *failures,
            },
            CompactKind::Other(kind) => (**kind).clone(),
        }
    }
}

#[derive(Default)]
struct Records {
    chunks: Vec<Vec<Record>>,
    len: u64,
}

impl Records {
    fn push(&mut self, record: Record) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(record),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(record);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    fn head(&self) -> ChainHash {
        self.chunks
            .last()
            .and_then(|chunk| chunk.last())
            .map_or(GENESIS_HASH, |record| record.hash)
    }

    /// The events, rebuilt with their sequence numbers and previous hashes, that pass `keep`.
    fn events(&self, keep: impl Fn(&Record) -> bool) -> Vec<AuditEvent> {
        let mut prev_hash = GENESIS_HASH;
        let mut events = Vec::new();
        for (seq, record) in (0_u64..).zip(self.chunks.iter().flatten()) {
            if keep(record) {
                events.push(AuditEvent {
                    seq,
                    time: record.time,
                    token_id: record.token_id.clone(),
                    kind: record.kind.expand(),
                    prev_hash,
                    hash: record.hash,
                });
            }
            prev_hash = record.hash;
        }
        events
    }
}

/// The log itself: append-only, shared between threads, kept in fixed-size chunks so that a
/// long log grows without copying.
#[derive(Default)]
pub(crate) struct AuditLog {
    records: Mutex<Records>,
}

impl AuditLog {
    /// A log continuing `events`, which must already have passed [`verify_chain`] (their
    /// sequence numbers and links are then implied by their order).
    pub(crate) fn from_events(events: Vec<AuditEvent>) -> AuditLog {
        let mut records = Records::default();
        for event in events {
            records.push(Record {
                time: event.time,
                token_id: event.token_id,
                kind: event.kind.into(),
                hash: event.hash,
            });
        }
        AuditLog {
            records: Mutex::new(records),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Records> {
        // Appending is one push after the hash is computed: a poisoned log is still a valid chain.
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends an event, chaining it to the last one.
    pub(crate) fn append(&self, time: u64, token_id: &TokenId, kind: AuditKind) {
        let mut records = self.lock();
        let hash = event_hash(records.len, time, token_id, &kind, &records.head());
        records.push(Record {
            time,
            token_id: token_id.clone(),
            kind: kind.into(),
            hash,
        });
    }

    /// A copy of every event.
    pub(crate) fn events(&self) -> Vec<AuditEvent> {
        self.lock().events(|_| true)
    }

    /// A copy of the events about one credential.
    pub(crate) fn events_for(&self, token_id: &TokenId) -> Vec<AuditEvent> {
        self.lock().events(|record| record.token_id == *token_id)
    }

    /// The hash of the last event ([`GENESIS_HASH`] if there is none).
    pub(crate) fn head(&self) -> ChainHash {
        self.lock().head()
    }

    /// Number of events.
    pub(crate) fn len(&self) -> u64 {
        self.lock().len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_compact() {
        assert!(
            size_of::<Record>() <= 80,
            "a record is {} bytes",
            size_of::<Record>()
        );
    }

    /// The encoding of the events hashed on every validation, written out by hand and hashed
    /// by the streaming `Sha256`: logs written before stay valid.
    #[test]
    fn validation_events_hash_their_documented_encoding() {
        let token_id = TokenId::generate("WBTK", 1_234_567).expect("a valid Token ID");
        let prev_hash = [0xa5; 32];
        let common = |seq: u64, time: u64| {
            let mut bytes = b"webtoken-audit-v1\0".to_vec();
            bytes.extend_from_slice(&prev_hash);
            bytes.extend_from_slice(&seq.to_be_bytes());
            bytes.extend_from_slice(&time.to_be_bytes());
            bytes.extend_from_slice(token_id.as_str().as_bytes());
            bytes
        };
        let mut accepted = common(7, 1_700_000_000);
        accepted.push(2);
        accepted.extend_from_slice(&56_666_667_u64.to_be_bytes());
        accepted.extend_from_slice(&(-1_i64).to_be_bytes());
        let kind = AuditKind::Accepted {
            step: 56_666_667,
            drift: -1,
        };
        let expected: ChainHash = Sha256::digest(&accepted).into();
        assert_eq!(
            event_hash(7, 1_700_000_000, &token_id, &kind, &prev_hash),
            expected
        );
        let mut rejected = common(u64::MAX, 0);
        rejected.extend_from_slice(&[3, RejectReason::Mismatch.tag()]);
        let kind = AuditKind::Rejected {
            reason: RejectReason::Mismatch,
        };
        let expected: ChainHash = Sha256::digest(&rejected).into();
        assert_eq!(
            event_hash(u64::MAX, 0, &token_id, &kind, &prev_hash),
            expected
        );
    }

    #[test]
    fn short_sha256_matches_the_streaming_one_at_every_length() {
        let message: Vec<u8> = (0..200_u8).map(|i| i.wrapping_mul(31)).collect();
        for len in 0..message.len() {
            let expected: ChainHash = Sha256::digest(&message[..len]).into();
            assert_eq!(sha256_short(&message[..len]), expected, "length {len}");
        }
        // FIPS 180-2 Appendix B.1: SHA-256("abc").
        assert_eq!(
            sha256_short(b"abc")[..4],
            [0xba, 0x78, 0x16, 0xbf],
            "ba7816bf..."
        );
    }
}

/// A [`ChainHash`] as hex text: 64 lower-case hex digits (either case is read).
fn hash_from_hex(text: &str) -> Result<ChainHash, &'static str> {
    webtoken_engine::hex::from_hex(text)
        .and_then(|bytes| ChainHash::try_from(bytes).ok())
        .ok_or("a hash is 64 hex digits")
}

/// Serde for [`ChainHash`] as hex text.
mod hex {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::ChainHash;

    pub(super) fn serialize<S: Serializer>(
        hash: &ChainHash,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&webtoken_engine::hex::to_hex(hash))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<ChainHash, D::Error> {
        super::hash_from_hex(&String::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

/// The JSON codec's form of the audit records: the very text serde writes (`crates/bank/tests/json_records.rs`).
mod json_form {
    use super::{AuditEvent, AuditKind, RejectReason};
    use webtoken_engine::hex::to_hex;
    use webtoken_engine::json::{
        FromJson, JsonError, ToJson, Value, object, unknown_variant, write_str,
    };

    const REASONS: [(RejectReason, &str); 7] = [
        (RejectReason::Malformed, "malformed"),
        (RejectReason::UnknownToken, "unknown_token"),
        (RejectReason::Mismatch, "mismatch"),
        (RejectReason::Replayed, "replayed"),
        (RejectReason::LockedOut, "locked_out"),
        (RejectReason::Stopped, "stopped"),
        (RejectReason::Unavailable, "unavailable"),
    ];

    impl ToJson for RejectReason {
        fn write_json(&self, out: &mut webtoken_engine::json::Out) {
            let name = REASONS
                .iter()
                .find(|(reason, _)| reason == self)
                .map_or("unavailable", |(_, name)| name);
            write_str(out, name);
        }
    }

    impl FromJson for RejectReason {
        fn from_json(value: &Value) -> Result<Self, JsonError> {
            let found = value.as_str()?;
            REASONS
                .iter()
                .find(|(_, name)| *name == found)
                .map(|(reason, _)| *reason)
                .ok_or_else(|| unknown_variant(found, &REASONS.map(|(_, name)| name)))
        }
    }

    const KINDS: [&str; 8] = [
        "issued",
        "accepted",
        "rejected",
        "locked",
        "unlocked",
        "stopped",
        "resynced",
        "resync_rejected",
    ];

    impl ToJson for AuditKind {
        /// An object tagged by `event` (serde's internal tag), the tag first.
        fn write_json(&self, out: &mut webtoken_engine::json::Out) {
            object(out, |o| match self {
                AuditKind::Issued {
                    algorithm,
                    digits,
                    period,
                } => {
                    o.field("event", "issued")
                        .field("algorithm", algorithm)
                        .field("digits", digits)
                        .field("period", period);
                }
                AuditKind::Accepted { step, drift } => {
                    o.field("event", "accepted")
                        .field("step", step)
                        .field("drift", drift);
                }
                AuditKind::Rejected { reason } => {
                    o.field("event", "rejected").field("reason", reason);
                }
                AuditKind::Locked { failures } => {
                    o.field("event", "locked").field("failures", failures);
                }
                AuditKind::Unlocked { actor } => {
                    o.field("event", "unlocked").field("actor", actor);
                }
                AuditKind::Stopped { actor, reason } => {
                    o.field("event", "stopped")
                        .field("actor", actor)
                        .field("reason", reason);
                }
                AuditKind::Resynced { step, drift } => {
                    o.field("event", "resynced")
                        .field("step", step)
                        .field("drift", drift);
                }
                AuditKind::ResyncRejected { reason } => {
                    o.field("event", "resync_rejected").field("reason", reason);
                }
            });
        }
    }

    impl FromJson for AuditKind {
        fn from_json(value: &Value) -> Result<Self, JsonError> {
            let f = value.fields()?;
            Ok(match f.tag("event")? {
                "issued" => AuditKind::Issued {
                    algorithm: f.get("algorithm")?,
                    digits: f.get("digits")?,
                    period: f.get("period")?,
                },
                "accepted" => AuditKind::Accepted {
                    step: f.get("step")?,
                    drift: f.get("drift")?,
                },
                "rejected" => AuditKind::Rejected {
                    reason: f.get("reason")?,
                },
                "locked" => AuditKind::Locked {
                    failures: f.get("failures")?,
                },
                "unlocked" => AuditKind::Unlocked {
                    actor: f.get("actor")?,
                },
                "stopped" => AuditKind::Stopped {
                    actor: f.get("actor")?,
                    reason: f.get("reason")?,
                },
                "resynced" => AuditKind::Resynced {
                    step: f.get("step")?,
                    drift: f.get("drift")?,
                },
                "resync_rejected" => AuditKind::ResyncRejected {
                    reason: f.get("reason")?,
                },
                other => return Err(unknown_variant(other, &KINDS).at("event")),
            })
        }
    }

    impl ToJson for AuditEvent {
        fn write_json(&self, out: &mut webtoken_engine::json::Out) {
            object(out, |o| {
                o.field("seq", &self.seq)
                    .field("time", &self.time)
                    .field("token_id", &self.token_id)
                    .field("kind", &self.kind)
                    .field("prev_hash", &to_hex(&self.prev_hash))
                    .field("hash", &to_hex(&self.hash));
            });
        }
    }

    impl FromJson for AuditEvent {
        fn from_json(value: &Value) -> Result<Self, JsonError> {
            let f = value.fields()?;
            let hash = |name: &str| {
                f.get::<String>(name).and_then(|text| {
                    super::hash_from_hex(&text).map_err(|e| JsonError::new(e).at(name))
                })
            };
            Ok(AuditEvent {
                seq: f.get("seq")?,
                time: f.get("time")?,
                token_id: f.get("token_id")?,
                kind: f.get("kind")?,
                prev_hash: hash("prev_hash")?,
                hash: hash("hash")?,
            })
        }
    }
}
