//! The audit log: issues, validations, locks, unlocks, stops and resyncs, in a keyed hash chain
//! kept within a stated budget.
//!
//! **Keyed.** Each event carries the HMAC-SHA256 (RFC 2104), under the service's [`AuditKey`],
//! of its sequence number, time, Token ID, kind and the MAC of the event before it
//! (`prev_hash`). The key is never stored with the records (the browser keeps it in its device
//! key store, the server in its memory), so whoever can edit the stored records cannot rebuild
//! the chain after deleting, reordering or rewriting events: [`verify_chain`] finds it.
//!
//! **Sealed.** The number of events ever written and the last MAC are returned apart from the
//! events, as an [`AuditSeal`] (itself MACed), for the caller to store elsewhere; a restore
//! that is given the seal also finds events cut from the end, which no chain can show alone.
//!
//! **Bounded.** Rejections that change no state (unknown Token ID, locked, stopped, malformed,
//! unavailable) are counted, not listed: one [`AuditKind::Refused`] per credential, reason and
//! minute (every unknown Token ID of a minute in one), updated in place while it is among the
//! last [`OPEN_REFUSALS`] events. The log keeps at most [`MAX_AUDIT_EVENTS`] events and
//! [`MAX_AUDIT_BYTES`] of JSON; beyond that the oldest are rotated out and the
//! [`Checkpoint`] keeps how many were and the MAC of the last one, so the chain goes on from it.
//! No flood of codes grows the record without bound, and credentials never depend on the log.
//!
//! Events never hold a secret or a code: a validation records its outcome and time step only.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use webtoken_engine::Algorithm;
use webtoken_engine::random::{Random, RandomError};
use webtoken_engine::token_id::TokenId;

mod mac;

use mac::MacKey;

/// An HMAC-SHA256 value, serialised as 64 lower-case hex digits.
pub type ChainHash = [u8; 32];

/// The `prev_hash` of the first event ever written.
pub const GENESIS_HASH: ChainHash = [0; 32];

/// Longest actor name or stop reason kept in an event, in characters.
pub const MAX_AUDIT_TEXT_CHARS: usize = 200;

/// Most events the log keeps; older ones are rotated out into the [`Checkpoint`].
pub const MAX_AUDIT_EVENTS: usize = 4096;

/// Most bytes of JSON the kept events may take (counted by [`AuditEvent::json_bound`], an
/// upper bound): 1.5 MiB, half of [`super::MAX_SNAPSHOT_BYTES`], the rest being the credentials'.
pub const MAX_AUDIT_BYTES: usize = 3 * 512 * 1024;

/// How many of the last events a refusal is looked for in, to be counted in place: a refusal
/// whose key is not among them starts a new [`AuditKind::Refused`]. Bounds the MACs recomputed
/// per refusal.
pub const OPEN_REFUSALS: usize = 16;

/// Seconds an [`AuditKind::Refused`] counts over (refusals of another minute start a new one).
pub const REFUSAL_PERIOD: u64 = 60;

/// The key of the audit chain: HMAC-SHA256 under 32 bytes that are never stored with the log.
#[derive(Clone)]
pub struct AuditKey {
    mac: MacKey,
    id: [u8; 8],
}

impl AuditKey {
    /// A key from 32 bytes (the browser's device key store, the server's configuration).
    pub fn from_bytes(bytes: [u8; 32]) -> AuditKey {
        let mac = MacKey::new(&bytes);
        let full = mac.mac(&[b"webtoken-audit-key-id"]);
        let mut id = [0; 8];
        id.copy_from_slice(&full[..8]);
        AuditKey { mac, id }
    }

    /// A fresh key of 32 random bytes.
    pub fn random(random: &mut dyn Random) -> Result<AuditKey, RandomError> {
        let mut bytes = [0_u8; 32];
        random.fill(&mut bytes)?;
        Ok(AuditKey::from_bytes(bytes))
    }

    /// A public name of the key (the first 8 bytes of its MAC of a fixed text, in hex): stored
    /// in the [`Checkpoint`], so that a log written under another key is told from a forged one.
    pub fn id(&self) -> String {
        webtoken_engine::hex::to_hex(&self.id)
    }

    fn mac(&self, parts: &[&[u8]]) -> ChainHash {
        self.mac.mac(parts)
    }
}

impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditKey").field("id", &self.id()).finish()
    }
}

/// Where the kept events start: what was rotated out before them, and under which key the
/// chain is written. Stored with the events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// [`AuditKey::id`] of the key the chain is written under.
    pub key_id: String,
    /// Events rotated out: the first kept event has this sequence number.
    pub rotated: u64,
    /// MAC of the last event rotated out ([`GENESIS_HASH`] if none was).
    #[serde(with = "hex")]
    pub head: ChainHash,
}

impl Checkpoint {
    /// The checkpoint of a log nothing was rotated out of, under `key`.
    pub fn genesis(key: &AuditKey) -> Checkpoint {
        Checkpoint {
            key_id: key.id(),
            rotated: 0,
            head: GENESIS_HASH,
        }
    }
}

/// The head and count of the log, to store *apart* from the events: a restore given the seal
/// finds events cut from the end, and a rotation that was not one. Its `tag` is a MAC under the
/// audit key, so it cannot be made up for a shortened log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditSeal {
    /// Events ever written (the next sequence number).
    pub count: u64,
    /// Events rotated out ([`Checkpoint::rotated`]).
    pub rotated: u64,
    /// MAC of the last event ([`Checkpoint::head`] when none is kept).
    #[serde(with = "hex")]
    pub head: ChainHash,
    /// MAC of the three fields above under the audit key.
    #[serde(with = "hex")]
    pub tag: ChainHash,
}

impl AuditSeal {
    fn new(key: &AuditKey, count: u64, rotated: u64, head: ChainHash) -> AuditSeal {
        AuditSeal {
            count,
            rotated,
            head,
            tag: seal_tag(key, count, rotated, &head),
        }
    }
}

/// Whether `seal` was made under `key`.
pub(crate) fn seal_verifies(key: &AuditKey, seal: &AuditSeal) -> bool {
    seal_tag(key, seal.count, seal.rotated, &seal.head) == seal.tag
}

fn seal_tag(key: &AuditKey, count: u64, rotated: u64, head: &ChainHash) -> ChainHash {
    key.mac(&[
        b"webtoken-audit-seal-v2\0",
        &count.to_be_bytes(),
        &rotated.to_be_bytes(),
        head,
    ])
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Position in the log since the first event ever written, from 0 (rotation keeps it).
    pub seq: u64,
    /// Unix seconds at which it happened (the first of an [`AuditKind::Refused`]).
    pub time: u64,
    /// The credential concerned; `None` for refusals of unknown Token IDs, counted together.
    pub token_id: Option<TokenId>,
    /// What happened.
    pub kind: AuditKind,
    /// MAC of the previous event ([`Checkpoint::head`] for the first kept).
    #[serde(with = "hex")]
    pub prev_hash: ChainHash,
    /// MAC of this event under the audit key, covering all the fields above.
    #[serde(with = "hex")]
    pub hash: ChainHash,
}

impl AuditEvent {
    /// An upper bound of the bytes of this event's JSON: the fixed fields at their widest,
    /// and six bytes (`\u00XX`) for each byte of free text.
    pub fn json_bound(&self) -> usize {
        kind_json_bound(&self.kind)
    }
}

/// The widest JSON of an event with this kind (see [`AuditEvent::json_bound`]).
fn kind_json_bound(kind: &AuditKind) -> usize {
    // seq and time at 20 digits, the Token ID, two 64-digit hashes, the keys and the widest
    // fixed-size kind: under 400 bytes.
    const FIXED: usize = 400;
    let text = match kind {
        AuditKind::Unlocked { actor } => actor.len(),
        AuditKind::Stopped { actor, reason } => actor.len() + reason.len(),
        _ => 0,
    };
    FIXED + 6 * text
}

/// Which operation a refusal answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attempt {
    /// A validation.
    Validate,
    /// A resynchronisation.
    Resync,
}

impl Attempt {
    fn tag(self) -> u8 {
        match self {
            Attempt::Validate => 1,
            Attempt::Resync => 2,
        }
    }
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
    /// A code was compared and rejected (a mismatch or a replay: a failure was counted).
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
    /// A resynchronisation was compared and rejected (a failure was counted).
    ResyncRejected {
        /// Why.
        reason: RejectReason,
    },
    /// Attempts refused without changing anything (unknown Token ID, locked, stopped,
    /// malformed, unavailable), counted: one event per credential (or for every unknown
    /// Token ID), operation, reason and minute. The event's `time` is the first one.
    Refused {
        /// Validations or resynchronisations.
        attempt: Attempt,
        /// Why.
        reason: RejectReason,
        /// How many.
        count: u64,
        /// Unix seconds of the last one.
        last: u64,
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

/// What [`verify_chain`] found wrong, first problem first. Sequence numbers are the events'
/// own (`seq`), which rotation keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChainError {
    /// The log was written under another audit key (or its key id was changed): nothing in it
    /// can be checked. Also a log of the previous version (unkeyed, no checkpoint) restored
    /// with a seal, which only a keyed log has.
    KeyMismatch,
    /// Events `from` to `to` (inclusive) are missing from the middle or the start of the log.
    Missing {
        /// First missing sequence number.
        from: u64,
        /// Last missing sequence number.
        to: u64,
    },
    /// The event numbered `seq` comes after a later one: events were moved or duplicated.
    Reordered {
        /// The sequence number out of place.
        seq: u64,
    },
    /// The event numbered `seq` was changed after it was written, or does not follow the event
    /// before it (its MAC or its link does not verify).
    Rewritten {
        /// The sequence number of the first event that does not verify.
        seq: u64,
    },
    /// The log ends early: the seal says `expected_count` events were written, the log has
    /// `found` (the last ones were cut off).
    Truncated {
        /// Events written, by the seal.
        expected_count: u64,
        /// Events the log accounts for (rotated and kept).
        found: u64,
    },
    /// The last event is not the one the seal names (events were added, or the last one
    /// changed back to an older form).
    HeadMismatch,
    /// The log starts elsewhere than the seal says: events were dropped from its start as if
    /// they had been rotated out.
    CheckpointMismatch {
        /// Events rotated out, by the seal.
        expected: u64,
        /// Events rotated out, by the checkpoint stored with the log.
        found: u64,
    },
    /// The seal does not verify under the audit key: it was made up or damaged.
    SealForged,
    /// The log was written under the key given, but no seal is kept apart from it any more
    /// (it was deleted): events cut from its end could not be found.
    SealMissing,
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::KeyMismatch => f.write_str(
                "the audit log was written under another audit key: it cannot be checked",
            ),
            ChainError::Missing { from, to } if from == to => {
                write!(f, "audit event {from} is missing: it was deleted")
            }
            ChainError::Missing { from, to } => {
                write!(
                    f,
                    "audit events {from} to {to} are missing: they were deleted"
                )
            }
            ChainError::Reordered { seq } => {
                write!(f, "audit event {seq} is out of order: events were moved")
            }
            ChainError::Rewritten { seq } => write!(
                f,
                "audit event {seq} does not verify: it was altered after it was written"
            ),
            ChainError::Truncated {
                expected_count,
                found,
            } => write!(
                f,
                "the audit log ends early: {expected_count} events were written, {found} \
                 remain; the last ones were cut off"
            ),
            ChainError::HeadMismatch => f.write_str(
                "the audit log's last event is not the one recorded apart from it: the log was \
                 replaced or extended",
            ),
            ChainError::CheckpointMismatch { expected, found } => write!(
                f,
                "the audit log starts after event {found}, not {expected}: events were removed \
                 from its start"
            ),
            ChainError::SealForged => {
                f.write_str("the audit log's seal does not verify: it was made up or damaged")
            }
            ChainError::SealMissing => {
                f.write_str("the audit log's seal, kept apart from it, is missing: it was deleted")
            }
        }
    }
}

impl std::error::Error for ChainError {}

/// Checks an audit log: the key it was written under, sequence numbers from the checkpoint on
/// without gaps or reordering, every link and MAC; and, given the `seal` kept apart from the
/// log, its count, head and start.
pub fn verify_chain(
    events: &[AuditEvent],
    checkpoint: &Checkpoint,
    key: &AuditKey,
    seal: Option<&AuditSeal>,
) -> Result<(), ChainError> {
    if checkpoint.key_id != key.id() {
        return Err(ChainError::KeyMismatch);
    }
    if let Some(seal) = seal
        && seal_tag(key, seal.count, seal.rotated, &seal.head) != seal.tag
    {
        return Err(ChainError::SealForged);
    }
    // Order first: a swap would otherwise read as a gap.
    for pair in events.windows(2) {
        if pair[1].seq <= pair[0].seq {
            return Err(ChainError::Reordered { seq: pair[1].seq });
        }
    }
    if let Some(seal) = seal
        && checkpoint.rotated != seal.rotated
    {
        return Err(ChainError::CheckpointMismatch {
            expected: seal.rotated,
            found: checkpoint.rotated,
        });
    }
    let mut prev = checkpoint.head;
    let mut expected_seq = checkpoint.rotated;
    for event in events {
        if event.seq < expected_seq {
            // Only the first event can be (the order was checked): it claims a rotated number.
            return Err(ChainError::Rewritten { seq: event.seq });
        }
        if event.seq > expected_seq {
            return Err(ChainError::Missing {
                from: expected_seq,
                to: event.seq - 1,
            });
        }
        let expected = event_hash(
            key,
            event.seq,
            event.time,
            event.token_id.as_ref(),
            &event.kind,
            &prev,
        );
        if event.prev_hash != prev || expected != event.hash {
            return Err(ChainError::Rewritten { seq: event.seq });
        }
        prev = event.hash;
        expected_seq += 1;
    }
    if let Some(seal) = seal {
        if expected_seq < seal.count {
            return Err(ChainError::Truncated {
                expected_count: seal.count,
                found: expected_seq,
            });
        }
        if expected_seq != seal.count || prev != seal.head {
            return Err(ChainError::HeadMismatch);
        }
    }
    Ok(())
}

/// Puts `kind`'s tag and fixed-size fields into `fixed` and returns its free text (the staff
/// events' actor and reason), in the encoding both chains use: the keyed one and, read only,
/// the previous version's ([`legacy::event_hash`], which has no [`AuditKind::Refused`]).
fn put_kind<'a>(fixed: &mut Fixed, kind: &'a AuditKind) -> [Option<&'a str>; 2] {
    let mut texts = [None, None];
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
            texts[0] = Some(actor.as_str());
        }
        AuditKind::Stopped { actor, reason } => {
            fixed.put(&[6]);
            texts = [Some(actor.as_str()), Some(reason.as_str())];
        }
        AuditKind::Resynced { step, drift } => {
            fixed.put(&[7]);
            fixed.put(&step.to_be_bytes());
            fixed.put(&drift.to_be_bytes());
        }
        AuditKind::ResyncRejected { reason } => fixed.put(&[8, reason.tag()]),
        AuditKind::Refused {
            attempt,
            reason,
            count,
            last,
        } => {
            fixed.put(&[9, attempt.tag(), reason.tag()]);
            fixed.put(&count.to_be_bytes());
            fixed.put(&last.to_be_bytes());
        }
    }
    texts
}

/// The MAC of one event under `key`: HMAC-SHA256 over a fixed, length-prefixed encoding of its
/// fields and the MAC before it.
///
/// The fixed-size fields are laid out in one stack buffer (at most 103 bytes; one HMAC of it
/// is three SHA-256 compressions from the key's prepared pad states, see [`mac`], run on every
/// validation); the free text of staff events follows, each with its length.
pub(crate) fn event_hash(
    key: &AuditKey,
    seq: u64,
    time: u64,
    token_id: Option<&TokenId>,
    kind: &AuditKind,
    prev_hash: &ChainHash,
) -> ChainHash {
    let mut fixed = Fixed::default();
    fixed.put(b"webtoken-audit-v2\0");
    fixed.put(prev_hash);
    fixed.put(&seq.to_be_bytes());
    fixed.put(&time.to_be_bytes());
    match token_id {
        Some(id) => {
            fixed.put(&[1]);
            fixed.put(id.as_bytes());
        }
        None => fixed.put(&[0]),
    }
    let texts = put_kind(&mut fixed, kind);
    if texts == [None, None] {
        // Every validation's event: padded and hashed in its own buffer.
        return key.mac.mac_short(&fixed.bytes, fixed.len);
    }
    // Each free text follows with its length first; an absent one adds nothing.
    let lengths = texts.map(|text| (text.map_or(0, str::len) as u64).to_be_bytes());
    let [first, second] = texts.map(|text| text.map(str::as_bytes));
    let [first_length, second_length] = &lengths;
    let empty: &[u8] = &[];
    key.mac(&[
        fixed.bytes(),
        first.map_or(empty, |_| first_length),
        first.unwrap_or(empty),
        second.map_or(empty, |_| second_length),
        second.unwrap_or(empty),
    ])
}

/// The unkeyed chain of the previous version. Read only, for records written before the keyed
/// chain (they have no [`Checkpoint`]): they are verified with the hash they were written
/// under before they are chained again under a key ([`migrate_legacy`]).
pub(crate) mod legacy {
    use sha2::{Digest, Sha256};

    use super::{AuditEvent, AuditKind, ChainError, ChainHash, Fixed, GENESIS_HASH, TokenId};

    /// The plain SHA-256 event hash of the unkeyed chain, exactly as the previous version
    /// computed it (`webtoken-audit-v1`). Read only, for records written before the keyed
    /// chain: nothing is hashed with it any more.
    pub(crate) fn event_hash(
        seq: u64,
        time: u64,
        token_id: &TokenId,
        kind: &AuditKind,
        prev_hash: &ChainHash,
    ) -> Option<ChainHash> {
        let mut fixed = Fixed::default();
        fixed.put(b"webtoken-audit-v1\0");
        fixed.put(prev_hash);
        fixed.put(&seq.to_be_bytes());
        fixed.put(&time.to_be_bytes());
        fixed.put(token_id.as_bytes());
        // The previous version had no refusal counters: a legacy record holding one was changed.
        if matches!(kind, AuditKind::Refused { .. }) {
            return None;
        }
        let texts = super::put_kind(&mut fixed, kind);
        let mut hasher = Sha256::new();
        hasher.update(fixed.bytes());
        for text in texts.iter().flatten() {
            hasher.update((text.len() as u64).to_be_bytes());
            hasher.update(text.as_bytes());
        }
        Some(hasher.finalize().into())
    }

    /// Checks a legacy log as the previous version did (sequence numbers from 0, every link,
    /// every hash), naming the first problem as [`super::verify_chain`] does. Read only, for
    /// records written before the keyed chain.
    pub(crate) fn verify_chain(events: &[AuditEvent]) -> Result<(), ChainError> {
        for pair in events.windows(2) {
            if pair[1].seq <= pair[0].seq {
                return Err(ChainError::Reordered { seq: pair[1].seq });
            }
        }
        let mut prev = GENESIS_HASH;
        for (expected_seq, event) in (0_u64..).zip(events) {
            if event.seq > expected_seq {
                return Err(ChainError::Missing {
                    from: expected_seq,
                    to: event.seq - 1,
                });
            }
            // Every event of the previous version named its credential.
            let expected = event.token_id.as_ref().and_then(|token_id| {
                event_hash(event.seq, event.time, token_id, &event.kind, &prev)
            });
            if event.seq < expected_seq || event.prev_hash != prev || expected != Some(event.hash) {
                return Err(ChainError::Rewritten { seq: event.seq });
            }
            prev = event.hash;
        }
        Ok(())
    }
}

/// A log written before the keyed chain (no [`Checkpoint`]), verified with the hash it was
/// written under and chained again under `key`: the same events and sequence numbers, in the
/// same order, with new `prev_hash` and `hash`, from a fresh checkpoint (nothing rotated).
/// A legacy chain that does not verify is refused, naming what is wrong.
pub(crate) fn migrate_legacy(
    mut events: Vec<AuditEvent>,
    key: &AuditKey,
) -> Result<(Checkpoint, Vec<AuditEvent>), ChainError> {
    legacy::verify_chain(&events)?;
    let mut prev = GENESIS_HASH;
    for event in &mut events {
        event.prev_hash = prev;
        event.hash = event_hash(
            key,
            event.seq,
            event.time,
            event.token_id.as_ref(),
            &event.kind,
            &prev,
        );
        prev = event.hash;
    }
    Ok((Checkpoint::genesis(key), events))
}

/// The fixed-size part of an event's encoding, on the stack.
struct Fixed {
    bytes: [u8; 128],
    len: usize,
}

impl Default for Fixed {
    fn default() -> Self {
        Fixed {
            bytes: [0; 128],
            len: 0,
        }
    }
}

impl Fixed {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        self.bytes[self.len..end].copy_from_slice(bytes);
        self.len = end;
    }

    fn bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Cuts staff-entered text to [`MAX_AUDIT_TEXT_CHARS`] characters.
pub(crate) fn clip(text: &str) -> String {
    text.chars().take(MAX_AUDIT_TEXT_CHARS).collect()
}

/// The log's contents, behind the [`AuditLog`]'s lock.
struct Log {
    key: AuditKey,
    checkpoint: Checkpoint,
    events: VecDeque<AuditEvent>,
    /// Sum of the kept events' [`AuditEvent::json_bound`].
    bytes: usize,
}

impl Log {
    fn head(&self) -> ChainHash {
        self.events
            .back()
            .map_or(self.checkpoint.head, |event| event.hash)
    }

    fn count(&self) -> u64 {
        self.checkpoint.rotated + self.events.len() as u64
    }

    fn push(&mut self, time: u64, token_id: Option<&TokenId>, kind: AuditKind) {
        let seq = self.count();
        let prev_hash = self.head();
        let hash = event_hash(&self.key, seq, time, token_id, &kind, &prev_hash);
        self.bytes += kind_json_bound(&kind);
        self.events.push_back(AuditEvent {
            seq,
            time,
            token_id: token_id.cloned(),
            kind,
            prev_hash,
            hash,
        });
        self.rotate();
    }

    /// Rotates the oldest events out while the log is over its budget (the last event stays,
    /// so the head is always an event's).
    fn rotate(&mut self) {
        while self.events.len() > 1
            && (self.events.len() > MAX_AUDIT_EVENTS || self.bytes > MAX_AUDIT_BYTES)
        {
            let Some(oldest) = self.events.pop_front() else {
                break;
            };
            self.bytes -= oldest.json_bound();
            self.checkpoint.rotated += 1;
            self.checkpoint.head = oldest.hash;
        }
    }

    /// Recomputes the links and MACs of the events from `from` (a position) to the end.
    fn rechain(&mut self, from: usize) {
        let mut prev = match from.checked_sub(1) {
            Some(before) => self.events[before].hash,
            None => self.checkpoint.head,
        };
        for event in self.events.iter_mut().skip(from) {
            event.prev_hash = prev;
            event.hash = event_hash(
                &self.key,
                event.seq,
                event.time,
                event.token_id.as_ref(),
                &event.kind,
                &prev,
            );
            prev = event.hash;
        }
    }

    /// Counts a refusal that changed nothing: in the open [`AuditKind::Refused`] of the same
    /// credential, attempt, reason and minute if one is among the last [`OPEN_REFUSALS`] events
    /// (all of them refusals of that minute), else in a new one.
    fn refuse(
        &mut self,
        time: u64,
        token_id: Option<&TokenId>,
        attempt: Attempt,
        reason: RejectReason,
    ) {
        let minute = time / REFUSAL_PERIOD;
        let found = self
            .events
            .iter()
            .enumerate()
            .rev()
            .take(OPEN_REFUSALS)
            .take_while(|(_, event)| {
                matches!(event.kind, AuditKind::Refused { .. })
                    && event.time / REFUSAL_PERIOD == minute
            })
            .find(|(_, event)| {
                event.token_id.as_ref() == token_id
                    && matches!(event.kind, AuditKind::Refused { attempt: a, reason: r, .. }
                        if a == attempt && r == reason)
            })
            .map(|(position, _)| position);
        match found {
            Some(position) => {
                if let AuditKind::Refused { count, last, .. } = &mut self.events[position].kind {
                    *count = count.saturating_add(1);
                    *last = (*last).max(time);
                }
                self.rechain(position);
            }
            None => self.push(
                time,
                token_id,
                AuditKind::Refused {
                    attempt,
                    reason,
                    count: 1,
                    last: time,
                },
            ),
        }
    }
}

/// The log itself: shared between threads, bounded by rotation.
pub(crate) struct AuditLog {
    log: Mutex<Log>,
}

impl AuditLog {
    /// An empty log under `key`.
    pub(crate) fn new(key: AuditKey) -> AuditLog {
        AuditLog {
            log: Mutex::new(Log {
                checkpoint: Checkpoint::genesis(&key),
                key,
                events: VecDeque::new(),
                bytes: 0,
            }),
        }
    }

    /// A log continuing `events` from `checkpoint`, which must already have passed
    /// [`verify_chain`] under `key`. Rotated at once if a larger budget wrote it.
    pub(crate) fn restored(
        key: AuditKey,
        checkpoint: Checkpoint,
        events: Vec<AuditEvent>,
    ) -> AuditLog {
        let bytes = events.iter().map(AuditEvent::json_bound).sum();
        let mut log = Log {
            key,
            checkpoint,
            events: events.into(),
            bytes,
        };
        log.rotate();
        AuditLog {
            log: Mutex::new(log),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Log> {
        // Every change is computed before it is stored: a poisoned log is still a valid chain.
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends an event, chaining it to the last one.
    pub(crate) fn append(&self, time: u64, token_id: &TokenId, kind: AuditKind) {
        self.lock().push(time, Some(token_id), kind);
    }

    /// Counts a refusal that changed nothing (see [`AuditKind::Refused`]); `None` for an
    /// unknown Token ID.
    pub(crate) fn refuse(
        &self,
        time: u64,
        token_id: Option<&TokenId>,
        attempt: Attempt,
        reason: RejectReason,
    ) {
        self.lock().refuse(time, token_id, attempt, reason);
    }

    /// Writes the kept events again under `key` (a fresh service given its key).
    pub(crate) fn rekey(&self, key: AuditKey) {
        let mut log = self.lock();
        log.checkpoint.key_id = key.id();
        log.key = key;
        log.rechain(0);
    }

    /// The kept events, the checkpoint and the seal, read at one instant.
    pub(crate) fn sealed(&self) -> (Vec<AuditEvent>, Checkpoint, AuditSeal) {
        let log = self.lock();
        let seal = AuditSeal::new(&log.key, log.count(), log.checkpoint.rotated, log.head());
        (
            log.events.iter().cloned().collect(),
            log.checkpoint.clone(),
            seal,
        )
    }

    /// Verifies the log as it is held (against its own seal: the chain, links and MACs).
    pub(crate) fn verify(&self) -> Result<(), ChainError> {
        let log = self.lock();
        let events: Vec<AuditEvent> = log.events.iter().cloned().collect();
        verify_chain(&events, &log.checkpoint, &log.key, None)
    }

    /// A copy of every kept event.
    pub(crate) fn events(&self) -> Vec<AuditEvent> {
        self.lock().events.iter().cloned().collect()
    }

    /// A copy of the kept events about one credential.
    pub(crate) fn events_for(&self, token_id: &TokenId) -> Vec<AuditEvent> {
        self.lock()
            .events
            .iter()
            .filter(|event| event.token_id.as_ref() == Some(token_id))
            .cloned()
            .collect()
    }

    /// The MAC of the last event (the checkpoint's head if none is kept).
    pub(crate) fn head(&self) -> ChainHash {
        self.lock().head()
    }

    /// Events ever written.
    pub(crate) fn len(&self) -> u64 {
        self.lock().count()
    }
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha256;

    use super::*;

    /// The encoding of a validation event, written out by hand and MACed by the `hmac` crate.
    #[test]
    fn events_are_maced_over_their_documented_encoding() {
        let key = AuditKey::from_bytes([7; 32]);
        let token_id = TokenId::generate("WBTK", 1_234_567).expect("a valid Token ID");
        let prev_hash = [0xa5; 32];
        let mut bytes = b"webtoken-audit-v2\0".to_vec();
        bytes.extend_from_slice(&prev_hash);
        bytes.extend_from_slice(&7_u64.to_be_bytes());
        bytes.extend_from_slice(&1_700_000_000_u64.to_be_bytes());
        bytes.push(1);
        bytes.extend_from_slice(token_id.as_str().as_bytes());
        bytes.push(2);
        bytes.extend_from_slice(&56_666_667_u64.to_be_bytes());
        bytes.extend_from_slice(&(-1_i64).to_be_bytes());
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&[7; 32]).expect("any key length");
        mac.update(&bytes);
        let expected: ChainHash = mac.finalize().into_bytes().into();
        let kind = AuditKind::Accepted {
            step: 56_666_667,
            drift: -1,
        };
        assert_eq!(
            event_hash(&key, 7, 1_700_000_000, Some(&token_id), &kind, &prev_hash),
            expected
        );
        let other = AuditKey::from_bytes([8; 32]);
        assert_ne!(
            event_hash(&other, 7, 1_700_000_000, Some(&token_id), &kind, &prev_hash),
            expected
        );
        assert_ne!(key.id(), other.id());
    }

    #[test]
    fn the_json_bound_holds_for_the_widest_events() {
        let token_id = TokenId::generate("WBTK", webtoken_engine::token_id::MAX_SERIAL)
            .expect("a valid Token ID");
        let text: String = "\u{1}".repeat(MAX_AUDIT_TEXT_CHARS);
        for kind in [
            AuditKind::Stopped {
                actor: text.clone(),
                reason: text.clone(),
            },
            AuditKind::Refused {
                attempt: Attempt::Resync,
                reason: RejectReason::Unavailable,
                count: u64::MAX,
                last: u64::MAX,
            },
            AuditKind::Accepted {
                step: u64::MAX,
                drift: i64::MIN,
            },
        ] {
            let event = AuditEvent {
                seq: u64::MAX,
                time: u64::MAX,
                token_id: Some(token_id.clone()),
                kind,
                prev_hash: [0xff; 32],
                hash: [0xff; 32],
            };
            let json = webtoken_engine::json::to_string(&event);
            assert!(json.len() <= event.json_bound(), "{}", *json);
        }
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
    use super::{Attempt, AuditEvent, AuditKind, AuditSeal, ChainError, Checkpoint, RejectReason};
    use webtoken_engine::hex::to_hex;
    use webtoken_engine::json::{
        Fields, FromJson, JsonError, ToJson, Value, object, unknown_variant, write_str,
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

    impl ToJson for Attempt {
        fn write_json(&self, out: &mut webtoken_engine::json::Out) {
            write_str(
                out,
                match self {
                    Attempt::Validate => "validate",
                    Attempt::Resync => "resync",
                },
            );
        }
    }

    impl FromJson for Attempt {
        fn from_json(value: &Value) -> Result<Self, JsonError> {
            match value.as_str()? {
                "validate" => Ok(Attempt::Validate),
                "resync" => Ok(Attempt::Resync),
                other => Err(unknown_variant(other, &["validate", "resync"])),
            }
        }
    }

    const KINDS: [&str; 9] = [
        "issued",
        "accepted",
        "rejected",
        "locked",
        "unlocked",
        "stopped",
        "resynced",
        "resync_rejected",
        "refused",
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
                AuditKind::Refused {
                    attempt,
                    reason,
                    count,
                    last,
                } => {
                    o.field("event", "refused")
                        .field("attempt", attempt)
                        .field("reason", reason)
                        .field("count", count)
                        .field("last", last);
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
                "refused" => AuditKind::Refused {
                    attempt: f.get("attempt")?,
                    reason: f.get("reason")?,
                    count: f.get("count")?,
                    last: f.get("last")?,
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

    impl ToJson for Checkpoint {
        fn write_json(&self, out: &mut webtoken_engine::json::Out) {
            object(out, |o| {
                o.field("key_id", &self.key_id)
                    .field("rotated", &self.rotated)
                    .field("head", &to_hex(&self.head));
            });
        }
    }

    impl FromJson for Checkpoint {
        fn from_json(value: &Value) -> Result<Self, JsonError> {
            let f = value.fields()?;
            Ok(Checkpoint {
                key_id: f.get("key_id")?,
                rotated: f.get("rotated")?,
                head: hash(&f, "head")?,
            })
        }
    }

    impl ToJson for AuditSeal {
        fn write_json(&self, out: &mut webtoken_engine::json::Out) {
            object(out, |o| {
                o.field("count", &self.count)
                    .field("rotated", &self.rotated)
                    .field("head", &to_hex(&self.head))
                    .field("tag", &to_hex(&self.tag));
            });
        }
    }

    impl FromJson for AuditSeal {
        fn from_json(value: &Value) -> Result<Self, JsonError> {
            let f = value.fields()?;
            Ok(AuditSeal {
                count: f.get("count")?,
                rotated: f.get("rotated")?,
                head: hash(&f, "head")?,
                tag: hash(&f, "tag")?,
            })
        }
    }

    const PROBLEMS: [&str; 9] = [
        "key_mismatch",
        "missing",
        "reordered",
        "rewritten",
        "truncated",
        "head_mismatch",
        "checkpoint_mismatch",
        "seal_forged",
        "seal_missing",
    ];

    impl ToJson for ChainError {
        /// An object tagged by `problem` (serde's internal tag), the tag first.
        fn write_json(&self, out: &mut webtoken_engine::json::Out) {
            object(out, |o| match self {
                ChainError::KeyMismatch => {
                    o.field("problem", "key_mismatch");
                }
                ChainError::Missing { from, to } => {
                    o.field("problem", "missing")
                        .field("from", from)
                        .field("to", to);
                }
                ChainError::Reordered { seq } => {
                    o.field("problem", "reordered").field("seq", seq);
                }
                ChainError::Rewritten { seq } => {
                    o.field("problem", "rewritten").field("seq", seq);
                }
                ChainError::Truncated {
                    expected_count,
                    found,
                } => {
                    o.field("problem", "truncated")
                        .field("expected_count", expected_count)
                        .field("found", found);
                }
                ChainError::HeadMismatch => {
                    o.field("problem", "head_mismatch");
                }
                ChainError::CheckpointMismatch { expected, found } => {
                    o.field("problem", "checkpoint_mismatch")
                        .field("expected", expected)
                        .field("found", found);
                }
                ChainError::SealForged => {
                    o.field("problem", "seal_forged");
                }
                ChainError::SealMissing => {
                    o.field("problem", "seal_missing");
                }
            });
        }
    }

    impl FromJson for ChainError {
        fn from_json(value: &Value) -> Result<Self, JsonError> {
            let f = value.fields()?;
            Ok(match f.tag("problem")? {
                "key_mismatch" => ChainError::KeyMismatch,
                "missing" => ChainError::Missing {
                    from: f.get("from")?,
                    to: f.get("to")?,
                },
                "reordered" => ChainError::Reordered { seq: f.get("seq")? },
                "rewritten" => ChainError::Rewritten { seq: f.get("seq")? },
                "truncated" => ChainError::Truncated {
                    expected_count: f.get("expected_count")?,
                    found: f.get("found")?,
                },
                "head_mismatch" => ChainError::HeadMismatch,
                "checkpoint_mismatch" => ChainError::CheckpointMismatch {
                    expected: f.get("expected")?,
                    found: f.get("found")?,
                },
                "seal_forged" => ChainError::SealForged,
                "seal_missing" => ChainError::SealMissing,
                other => return Err(unknown_variant(other, &PROBLEMS).at("problem")),
            })
        }
    }

    fn hash(f: &Fields<'_>, name: &str) -> Result<super::ChainHash, JsonError> {
        f.get::<String>(name)
            .and_then(|text| super::hash_from_hex(&text).map_err(|e| JsonError::new(e).at(name)))
    }
}
