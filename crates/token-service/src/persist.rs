//! The in-page service's records go through the one save cycle
//! ([`webtoken_engine::persist`]): credentials with their secrets and the audit log, as the
//! JSON of a [`Snapshot`], sealed by the browser under the service's own key.
//!
//! The audit log is chained under a random key of this device ([`AuditKey::random`], made on
//! first use and stored sealed under the service's device key by the browser shell, never with
//! the records), and its [`AuditSeal`] (count, head, tag) is stored apart from the records
//! too. A stored record is read as it is ([`InPageService`]) and opened only with that key and
//! seal ([`InPageService::open`]): a log cut short, rewritten or put back is found there, and
//! nothing in the records is used until it opens. Records of earlier versions, chained under
//! the fixed public key of those versions (or not keyed at all), are checked under it and
//! chained again under the device's key, once.
//!
//! ```
//! use webtoken_engine::random::SeededRandom;
//! use webtoken_token_service::{AuditKey, InPageService};
//! use webtoken_engine::persist::Record;
//!
//! let key = AuditKey::random(&mut SeededRandom::new(7)).expect("random bytes");
//! let mut records = InPageService::absent();
//! let service = records.open(&key, None).expect("nothing stored: a new service");
//! let issued = service.issue(1_700_000_000).expect("random bytes");
//! let seal = service.audit_seal();
//! // Stored, and read again on the next visit: opened under the same key and seal.
//! let mut next = InPageService::decode(&records.encode()).expect("its own form");
//! assert!(next.open(&key, Some(&seal)).expect("intact").state(&issued.token_id).is_some());
//! // Without the seal kept apart, the records are not used.
//! assert!(InPageService::decode(&records.encode()).unwrap().open(&key, None).is_err());
//! ```

use zeroize::Zeroizing;

use crate::{
    AuditKey, AuditSeal, ChainError, MAX_SNAPSHOT_BYTES, MemoryStore, Policy, ServiceError,
    Snapshot, TokenService, audit, verify_chain,
};
use webtoken_engine::persist::Record;

/// The audit key of in-page records written before each device had its own: fixed and public.
/// Kept only to check those records once, before they are chained again under the device's
/// key ([`InPageService::open`]).
fn legacy_audit_key() -> AuditKey {
    AuditKey::from_bytes(*b"webtoken in-page audit key (v2).")
}

/// The in-page token service's records: as stored, until opened with the device's audit key
/// and the seal kept apart ([`InPageService::open`]), then the service itself.
pub struct InPageService(State);

enum State {
    /// Nothing stored: a new service, once a key is given.
    New,
    /// Read from storage, not yet checked: kept as read (and written back as read).
    Stored(Box<Snapshot>),
    /// Checked and restored.
    Open(Box<TokenService<MemoryStore>>),
}

impl core::fmt::Debug for InPageService {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self.0 {
            State::New => "InPageService(new)",
            State::Stored(_) => "InPageService(stored)",
            State::Open(_) => "InPageService(open)",
        })
    }
}

impl InPageService {
    /// The service, its log checked under the device's audit `key` and against the `seal`
    /// stored apart from the records (`None`: none is stored). Nothing stored is a new service
    /// under `key`. Records of earlier versions are checked under their own key and chained
    /// again under `key`. A log that does not check is [`ServiceError::AuditChain`] and the
    /// records stay as read: nothing in them is used, and they are written back unchanged.
    ///
    /// A seal one save behind the records (the records were written, the seal after them was
    /// not) names an event the log still holds: that is accepted, and the next save writes the
    /// seal again. A log shorter than its seal, or that does not hold the seal's head, is not.
    pub fn open(
        &mut self,
        key: &AuditKey,
        seal: Option<&AuditSeal>,
    ) -> Result<&mut TokenService<MemoryStore>, ServiceError> {
        let opened = match &self.0 {
            State::Open(_) => None,
            // A record deleted whole takes every credential with it: nothing old validates.
            State::New => Some(
                TokenService::new(MemoryStore::default(), Policy::default())
                    .with_audit_key(key.clone()),
            ),
            State::Stored(snapshot) => Some(open_stored(snapshot, key, seal)?),
        };
        if let Some(service) = opened {
            self.0 = State::Open(Box::new(service));
        }
        match &mut self.0 {
            State::Open(service) => Ok(service),
            State::New | State::Stored(_) => unreachable!("opened above"),
        }
    }

    /// The service, once opened.
    pub fn opened(&self) -> Option<&TokenService<MemoryStore>> {
        match &self.0 {
            State::Open(service) => Some(service),
            State::New | State::Stored(_) => None,
        }
    }
}

/// [`InPageService::open`] for a stored snapshot.
fn open_stored(
    snapshot: &Snapshot,
    key: &AuditKey,
    seal: Option<&AuditSeal>,
) -> Result<TokenService<MemoryStore>, ServiceError> {
    let legacy = legacy_audit_key();
    let restore = |key: &AuditKey, seal: Option<&AuditSeal>| {
        let store = MemoryStore::default();
        TokenService::restore(
            store,
            Policy::default(),
            snapshot.clone(),
            key.clone(),
            seal,
        )
    };
    let chain = |e: ChainError| Err(ServiceError::AuditChain(e));
    match &snapshot.checkpoint {
        // An earlier version's record: never sealed apart, so a seal means a newer record
        // (chained under the device's key) was replaced by this older one.
        None => restore(&legacy, seal).map(|s| s.with_audit_key(key.clone())),
        Some(checkpoint) if checkpoint.key_id == legacy.id() => match seal {
            Some(_) => chain(ChainError::KeyMismatch),
            None => restore(&legacy, None).map(|s| s.with_audit_key(key.clone())),
        },
        Some(checkpoint) if checkpoint.key_id != key.id() => chain(ChainError::KeyMismatch),
        Some(checkpoint) => {
            let Some(seal) = seal else {
                return chain(ChainError::SealMissing);
            };
            let checked = verify_chain(&snapshot.audit, checkpoint, key, Some(seal));
            let behind = matches!(
                checked,
                Err(ChainError::HeadMismatch | ChainError::CheckpointMismatch { .. })
            ) && seal_is_behind(snapshot, checkpoint, key, seal);
            restore(key, (!behind).then_some(seal))
        }
    }
}

/// Whether `seal` (its tag good under `key`) names an event the log holds, at or before its
/// end: the records were saved after it, and the seal of that save was not.
fn seal_is_behind(
    snapshot: &Snapshot,
    checkpoint: &crate::Checkpoint,
    key: &AuditKey,
    seal: &AuditSeal,
) -> bool {
    if !audit::seal_verifies(key, seal) || seal.count < checkpoint.rotated {
        return false;
    }
    match seal.count.checked_sub(1) {
        _ if seal.count == checkpoint.rotated => seal.head == checkpoint.head,
        Some(last) => (snapshot.audit.iter()).any(|e| e.seq == last && e.hash == seal.head),
        None => false,
    }
}

/// Nothing stored is a new service; a stored snapshot is kept as read until opened.
impl Record for InPageService {
    fn absent() -> Self {
        Self(State::New)
    }

    fn encode(&self) -> Zeroizing<String> {
        match &self.0 {
            // Never saved (every change opens first); read back as nothing stored.
            State::New => Zeroizing::new("null".to_owned()),
            State::Stored(snapshot) => webtoken_engine::json::to_string(&**snapshot),
            State::Open(service) => webtoken_engine::json::to_string(&service.snapshot()),
        }
    }

    /// The save cycle never writes a record this reader refuses.
    fn max_len() -> usize {
        MAX_SNAPSHOT_BYTES
    }

    fn decode(text: &str) -> Result<Self, String> {
        // Not `check_size`'s error: its Display would come into the page's wasm for one line.
        if text.len() > MAX_SNAPSHOT_BYTES {
            return Err(format!("longer than {MAX_SNAPSHOT_BYTES} bytes"));
        }
        if text == "null" {
            return Ok(Self::absent());
        }
        let snapshot: Snapshot =
            webtoken_engine::json::from_str(text).map_err(|e| e.to_string())?;
        Ok(Self(State::Stored(Box::new(snapshot))))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{Issued, Rejected};
    use std::cell::RefCell;
    use webtoken_engine::persist::{
        Change, Committed, Keeper, MemoryRecord, MemorySealer, Problem, StoreError, now,
    };
    use webtoken_engine::random::SeededRandom;

    const NOW: u64 = 1_700_000_000;

    type Tab<'a> = Keeper<&'a MemoryRecord, MemorySealer, InPageService>;

    /// One browser: its records, its audit key and the seal it keeps apart from them, as the
    /// shell keeps them (the seal written after every save).
    struct Device {
        record: MemoryRecord,
        key: AuditKey,
        seal: RefCell<Option<AuditSeal>>,
    }

    impl Device {
        fn new() -> Self {
            Self {
                record: MemoryRecord::default(),
                key: AuditKey::random(&mut SeededRandom::new(18)).unwrap(),
                seal: RefCell::new(None),
            }
        }

        fn tab(&self) -> Tab<'_> {
            Keeper::new(&self.record, MemorySealer::default())
        }

        /// `work` on the opened service, committed; the seal stored apart once saved.
        fn run<R>(
            &self,
            tab: &Tab<'_>,
            work: impl Fn(&mut TokenService<MemoryStore>) -> R,
        ) -> Committed<R, ServiceError, webtoken_engine::persist::MemorySealError> {
            let seal = self.seal.borrow().clone();
            let committed =
                now(tab.commit(
                    |s: &mut InPageService| match s.open(&self.key, seal.as_ref()) {
                        Ok(service) => Change::Save(work(service)),
                        Err(e) => Change::Refuse(e),
                    },
                ))
                .unwrap();
            if let Committed::Saved(_) = committed {
                *self.seal.borrow_mut() = tab.with(|s| s.opened().map(|s| s.audit_seal()));
            }
            committed
        }

        fn issue(&self, tab: &Tab<'_>) -> Issued {
            match self.run(tab, |s| s.issue(NOW)) {
                Committed::Saved(Ok(issued)) => issued,
                other => panic!("{other:?}"),
            }
        }
    }

    fn code(issued: &Issued, at: u64) -> String {
        webtoken_engine::totp(&issued.secret, at, &issued.params).unwrap()
    }

    /// The stored records in clear (the memory sealer hides nothing).
    fn plain(device: &Device) -> String {
        let text = device.record.text().unwrap();
        let hex = text.splitn(3, ':').nth(2).unwrap();
        String::from_utf8(webtoken_engine::hex::from_hex(hex).unwrap()).unwrap()
    }

    /// A credential issued in one tab validates in another, and the code it spent is spent
    /// for the first tab too: each cycle starts from the other's write.
    #[test]
    fn two_tabs_share_credentials_and_spent_codes_through_the_save_cycle() {
        let device = Device::new();
        let (one, two) = (device.tab(), device.tab());
        let issued = device.issue(&one);
        let code = code(&issued, NOW);
        let check = |s: &mut TokenService<MemoryStore>| s.validate(&issued.token_id, &code, NOW);
        assert!(matches!(device.run(&two, check), Committed::Saved(Ok(_))));
        assert!(matches!(
            device.run(&one, check),
            Committed::Saved(Err(Rejected::Replayed))
        ));
        assert!(device.record.text().unwrap().starts_with("sealed:"));
    }

    /// With writes refused, a validation is not answered and its spent step is not kept in
    /// memory either: the same code is accepted once (and only once) when saving works.
    #[test]
    fn a_validation_that_cannot_be_saved_is_not_answered() {
        let device = Device::new();
        let one = device.tab();
        let issued = device.issue(&one);
        let code = code(&issued, NOW + 30);
        let check =
            |s: &mut TokenService<MemoryStore>| s.validate(&issued.token_id, &code, NOW + 30);
        device.record.refuse_writes(Some(StoreError::QuotaExceeded));
        assert!(matches!(
            device.run(&one, check),
            Committed::Failed(Problem::Store(StoreError::QuotaExceeded))
        ));
        let kept: Snapshot = webtoken_engine::json::from_str(&one.with(|s| s.encode())).unwrap();
        assert_eq!(kept.audit.len(), 1, "only the issue");
        device.record.refuse_writes(None);
        assert!(matches!(device.run(&one, check), Committed::Saved(Ok(_))));
        assert!(matches!(
            device.run(&device.tab(), check),
            Committed::Saved(Err(Rejected::Replayed))
        ));
    }

    /// The record as it was before a code was spent, put back in place of the newer one: found
    /// out on the next read, reported, and nothing is accepted from it (the spent code included).
    #[test]
    fn a_record_replaced_by_an_older_version_is_found_out_and_accepts_nothing() {
        let device = Device::new();
        let one = device.tab();
        let issued = device.issue(&one);
        let before = device.record.text().unwrap();
        let code = code(&issued, NOW + 30);
        let check =
            |s: &mut TokenService<MemoryStore>| s.validate(&issued.token_id, &code, NOW + 30);
        assert!(matches!(device.run(&one, check), Committed::Saved(Ok(_))));
        device.record.set(Some(&before));
        let next_visit = device.tab();
        let rolled_back = Problem::RolledBack {
            found: 1,
            highest: 2,
        };
        assert_eq!(
            device.run(&next_visit, check),
            Committed::Failed(rolled_back.clone())
        );
        assert_eq!(next_visit.problem(), Some(rolled_back));
        assert_eq!(device.record.text(), Some(before), "kept as evidence");
    }

    /// Events cut from the end of the stored log (a lock and the events after it, say) are
    /// found against the seal kept apart: the records are not used, nothing is accepted, and
    /// the records are left as they are. A seal one save behind is not a cut.
    #[test]
    fn a_log_cut_short_is_found_against_the_seal_kept_apart() {
        let device = Device::new();
        let one = device.tab();
        let issued = device.issue(&one);
        let seal_after_issue = device.seal.borrow().clone().unwrap();
        for _ in 0..3 {
            let wrong =
                |s: &mut TokenService<MemoryStore>| s.validate(&issued.token_id, "000000", NOW);
            assert!(matches!(device.run(&one, wrong), Committed::Saved(Err(_))));
        }
        let text = plain(&device);
        let seal = device.seal.borrow().clone().unwrap();
        assert_eq!(seal.count, 4);

        let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
        json["audit"].as_array_mut().unwrap().truncate(2);
        let mut cut = InPageService::decode(&json.to_string()).unwrap();
        assert!(matches!(
            cut.open(&device.key, Some(&seal)),
            Err(ServiceError::AuditChain(ChainError::Truncated {
                expected_count: 4,
                found: 2
            }))
        ));
        assert!(cut.opened().is_none(), "nothing in it is used");
        let kept: serde_json::Value = serde_json::from_str(&cut.encode()).unwrap();
        assert_eq!(kept, json, "kept as read");

        // The seal of an earlier save names an event the log still holds: accepted.
        let mut whole = InPageService::decode(&text).unwrap();
        assert!(whole.open(&device.key, Some(&seal_after_issue)).is_ok());
        // Without any seal, a log under this device's key is not used either.
        let mut unsealed = InPageService::decode(&text).unwrap();
        assert!(matches!(
            unsealed.open(&device.key, None),
            Err(ServiceError::AuditChain(ChainError::SealMissing))
        ));
        // Under another device's key: nothing can be checked.
        let other = AuditKey::random(&mut SeededRandom::new(19)).unwrap();
        let mut elsewhere = InPageService::decode(&text).unwrap();
        assert!(matches!(
            elsewhere.open(&other, Some(&seal)),
            Err(ServiceError::AuditChain(ChainError::KeyMismatch))
        ));
    }

    /// The writer never writes a record its reader refuses: the size is checked first.
    #[test]
    fn the_reader_refuses_a_record_over_the_limit_which_the_writer_never_writes() {
        let long = " ".repeat(MAX_SNAPSHOT_BYTES + 1);
        assert!(InPageService::decode(&long).is_err());
        assert_eq!(<InPageService as Record>::max_len(), MAX_SNAPSHOT_BYTES);
    }

    #[test]
    fn a_snapshot_round_trips_and_anything_else_is_refused() {
        let key = AuditKey::random(&mut SeededRandom::new(1)).unwrap();
        let mut records = InPageService::absent();
        records.open(&key, None).unwrap().issue(NOW).unwrap();
        let text = records.encode();
        assert!(InPageService::decode(&text).is_ok());
        assert!(InPageService::decode("{}").is_err());
        assert!(InPageService::decode(&InPageService::absent().encode()).is_ok());
    }

    /// A new device's log is chained under its own random key, not the fixed public key of
    /// earlier versions.
    #[test]
    fn a_new_log_is_chained_under_the_devices_own_key() {
        let key = AuditKey::random(&mut SeededRandom::new(2)).unwrap();
        let mut records = InPageService::absent();
        records.open(&key, None).unwrap().issue(NOW).unwrap();
        let snapshot: Snapshot = webtoken_engine::json::from_str(&records.encode()).unwrap();
        let key_id = snapshot.checkpoint.unwrap().key_id;
        assert_eq!(key_id, key.id());
        assert_ne!(key_id, legacy_audit_key().id());
    }

    /// A record of the previous version, chained under the fixed in-page key: checked under
    /// it, and chained again under the device's key; once the device keeps a seal, that old
    /// record put back is refused.
    #[test]
    fn a_record_under_the_old_fixed_key_is_checked_and_chained_again() {
        let old = TokenService::new(MemoryStore::default(), Policy::default())
            .with_audit_key(legacy_audit_key());
        let issued = old.issue(NOW).unwrap();
        old.validate(&issued.token_id, "000000", NOW).unwrap_err();
        let stored = webtoken_engine::json::to_string(&old.snapshot());
        let key = AuditKey::random(&mut SeededRandom::new(3)).unwrap();
        let mut records = InPageService::decode(&stored).unwrap();
        let service = records.open(&key, None).unwrap();
        assert_eq!(service.audit().len(), 2);
        assert_eq!(service.verify_audit(), Ok(()));
        let seal = service.audit_seal();
        let migrated: Snapshot = webtoken_engine::json::from_str(&records.encode()).unwrap();
        assert_eq!(migrated.checkpoint.unwrap().key_id, key.id());
        let mut again = InPageService::decode(&records.encode()).unwrap();
        assert!(again.open(&key, Some(&seal)).is_ok());
        // The old record, edited, is refused; put back once a seal is kept, too.
        let edited = stored.replacen("\"mismatch\"", "\"replayed\"", 1);
        assert_ne!(*stored, edited);
        let mut edited = InPageService::decode(&edited).unwrap();
        assert!(edited.open(&key, None).is_err());
        let mut put_back = InPageService::decode(&stored).unwrap();
        assert!(matches!(
            put_back.open(&key, Some(&seal)),
            Err(ServiceError::AuditChain(ChainError::KeyMismatch))
        ));
    }

    /// A returning visitor's record, written by the version before that (no checkpoint, an
    /// unkeyed chain), is read with every credential and chained under the device's key.
    #[test]
    fn the_first_versions_record_is_migrated_on_first_open() {
        let legacy = include_str!("../tests/vectors/legacy_snapshot_v1.json");
        let key = AuditKey::random(&mut SeededRandom::new(4)).unwrap();
        let mut records = InPageService::decode(legacy).unwrap();
        let service = records.open(&key, None).unwrap();
        assert_eq!(service.snapshot().credentials.len(), 3);
        assert_eq!(service.audit().len(), 14);
        assert_eq!(service.verify_audit(), Ok(()));
        let text = records.encode();
        assert!(text.contains("\"checkpoint\":{"));
        assert!(InPageService::decode(&text).is_ok());
        // A legacy record edited after it was written is still refused.
        let edited = legacy.replacen("\"mismatch\"", "\"replayed\"", 1);
        assert_ne!(edited, legacy);
        assert!(
            InPageService::decode(&edited)
                .unwrap()
                .open(&key, None)
                .is_err()
        );
    }

    /// One credential of the stored records damaged (its secret is not Base32): the others
    /// still validate, the damaged one is reported with its Token ID and validates nothing, it
    /// is written back unchanged with every later write, its Token ID is never issued again,
    /// and it goes only when staff remove it.
    #[test]
    fn one_damaged_credential_costs_that_credential_only() {
        let now_s = 1_700_000_000;
        let key = AuditKey::random(&mut SeededRandom::new(5)).unwrap();
        let mut records = InPageService::absent();
        let service = records.open(&key, None).unwrap();
        let (bad, good) = (service.issue(now_s).unwrap(), service.issue(now_s).unwrap());
        let seal = service.audit_seal();
        let mut json: serde_json::Value = serde_json::from_str(&records.encode()).unwrap();
        let entries = json["credentials"].as_array_mut().unwrap();
        let damaged = (entries.iter_mut())
            .find(|e| e["state"]["token_id"] == bad.token_id.as_str())
            .unwrap();
        damaged["secret"] = "not base32!".into();
        let damaged = damaged.clone();
        let stored = json.to_string();

        let mut records = InPageService::decode(&stored).unwrap();
        let read = records.open(&key, Some(&seal)).unwrap();
        let unreadable = read.unreadable();
        assert_eq!(unreadable.len(), 1);
        assert_eq!(unreadable[0].token_id.as_ref(), Some(&bad.token_id));
        assert!(
            unreadable[0].kept.why.contains("secret"),
            "{:?}",
            unreadable[0]
        );
        let code = |issued: &crate::Issued| {
            webtoken_engine::totp(&issued.secret, now_s + 30, &issued.params).unwrap()
        };
        assert!(
            read.validate(&good.token_id, &code(&good), now_s + 30)
                .is_ok()
        );
        assert_eq!(
            read.validate(&bad.token_id, &code(&bad), now_s + 30),
            Err(Rejected::UnknownToken)
        );
        let secret = webtoken_engine::Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let params = webtoken_engine::Params::default();
        assert!(matches!(
            read.provision(bad.token_id.clone(), secret, params, now_s),
            Err(crate::ServiceError::Store(crate::StoreError::AlreadyExists))
        ));

        let written: serde_json::Value = serde_json::from_str(&records.encode()).unwrap();
        let written = written["credentials"].as_array().unwrap().clone();
        assert_eq!(written.len(), 2);
        assert!(written.contains(&damaged), "written back unchanged");
        // Read again, it is the same: nothing lost on the way.
        let mut again = InPageService::decode(&records.encode()).unwrap();
        let unreadable = records.opened().unwrap().unreadable();
        assert_eq!(
            again.open(&key, Some(&seal)).unwrap().unreadable(),
            unreadable
        );
        let read = records.open(&key, None).unwrap();

        let removed = read.remove_unreadable(0, "staff 1", now_s + 60).unwrap();
        assert_eq!(removed.token_id.as_ref(), Some(&bad.token_id));
        assert!(read.unreadable().is_empty());
        let read = records.opened().unwrap();
        assert!(matches!(
            read.audit_for(&bad.token_id).last().map(|e| &e.kind),
            Some(crate::AuditKind::Stopped { .. })
        ));
        let written: serde_json::Value = serde_json::from_str(&records.encode()).unwrap();
        assert_eq!(written["credentials"].as_array().unwrap().len(), 1);
    }
}
