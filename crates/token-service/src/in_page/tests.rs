#![allow(clippy::unwrap_used)]

use std::cell::RefCell;
use std::rc::Rc;

use super::*;
use webtoken_engine::persist::{MemoryKeyValue, StoreError, now};
use webtoken_engine::random::{FixedRandom, SeededRandom};
use webtoken_engine::totp;

const NOW: u64 = 1_700_000_000;

/// The page's `localStorage` as tabs share it: writes can be refused alone (a full quota).
#[derive(Clone, Default)]
struct Shared {
    values: MemoryKeyValue,
    refuse_writes: Rc<RefCell<Option<StoreError>>>,
}

impl Shared {
    fn text(&self, key: &str) -> Option<String> {
        self.values.get(key).unwrap()
    }

    fn put(&self, key: &str, value: Option<&str>) {
        match value {
            Some(value) => self.values.set(key, value).unwrap(),
            None => self.values.remove(key).unwrap(),
        }
    }

    fn refuse_writes(&self, error: Option<StoreError>) {
        *self.refuse_writes.borrow_mut() = error;
    }

    fn check(&self) -> Result<(), StoreError> {
        self.refuse_writes.borrow().clone().map_or(Ok(()), Err)
    }
}

impl KeyValue for Shared {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.values.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.check()?;
        self.values.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.check()?;
        self.values.remove(key)
    }
}

type Tab<R = SeededRandom> = InPage<Shared, MemoryKeySealer, R>;

/// A tab on `store` under the device key `device`, making keys from `seed`.
fn tab_on(store: &Shared, device: &str, seed: u64) -> Tab {
    let sealer = || MemoryKeySealer::new(device);
    InPage::new(store.clone(), sealer(), sealer(), SeededRandom::new(seed))
}

fn tab(store: &Shared, seed: u64) -> Tab {
    tab_on(store, "device", seed)
}

/// A tab that cannot make a key: whatever it uses was stored.
fn without_random(store: &Shared) -> Tab<FixedRandom> {
    let sealer = || MemoryKeySealer::new("device");
    InPage::new(store.clone(), sealer(), sealer(), FixedRandom::new([]))
}

fn issue<R: Random>(service: &InPage<Shared, MemoryKeySealer, R>) -> Result<Issued, ServiceError> {
    now(service.issue_shown(NOW, &|_| ())).unwrap()
}

fn knows<R: Random>(service: &InPage<Shared, MemoryKeySealer, R>, issued: &Issued) -> Option<bool> {
    now(service.peek(|s| s.state(&issued.token_id).is_some())).unwrap()
}

/// A validation of `issued`'s current code, committed; `None` when it was not saved.
fn validate(service: &Tab, issued: &Issued) -> Option<bool> {
    let code = totp(&issued.secret, NOW, &issued.params).unwrap();
    let mut accepted = None;
    let committed = now(service.run(&mut |s| {
        accepted = Some(s.validate(&issued.token_id, &code, NOW).is_ok());
        Change::Save(())
    }))
    .unwrap();
    matches!(committed, Some(Committed::Saved(()))).then_some(accepted?)
}

fn seal_count(store: &Shared) -> Option<u64> {
    let text = store.text(AUDIT_SEAL)?;
    Some(
        webtoken_engine::json::from_str::<AuditSeal>(&text)
            .unwrap()
            .count,
    )
}

#[test]
fn the_audit_key_is_made_on_first_use_and_stored_sealed_once_records_are() {
    let store = Shared::default();
    let service = tab(&store, 1);
    // A read on a first visit makes the key in memory and writes nothing.
    now(service.load()).unwrap();
    assert_eq!(store.text(AUDIT_KEY), None);
    assert_eq!(store.text(RECORD_KEY), None);
    assert_eq!(store.text(AUDIT_SEAL), None, "no seal after a read");
    let issued = issue(&service).unwrap();
    let key = store.text(AUDIT_KEY).expect("stored with the records");
    assert!(
        key.starts_with("device/sealed:"),
        "sealed by the key sealer: {key}"
    );
    assert!(store.text(RECORD_KEY).is_some());
    assert_eq!(seal_count(&store), Some(1));
    assert_eq!(service.not_saved(), None);
    // Another device key cannot open it: nothing is answered, and the page is told why.
    let stranger = tab_on(&store, "another device", 2);
    assert_eq!(knows(&stranger, &issued), None);
    assert_eq!(stranger.not_saved(), Some(MemoryNotSaved::WrongKey));
    assert_eq!(store.text(AUDIT_KEY), Some(key), "left as it was");
}

#[test]
fn a_key_made_is_not_stored_while_its_records_are_not() {
    let store = Shared::default();
    let service = tab(&store, 1);
    store.refuse_writes(Some(StoreError::QuotaExceeded));
    assert_eq!(issue(&service), Err(ServiceError::NotSaved));
    assert_eq!(
        service.not_saved(),
        Some(MemoryNotSaved::Store(StoreError::QuotaExceeded))
    );
    assert_eq!(store.text(AUDIT_KEY), None);
    assert_eq!(store.text(RECORD_KEY), None);
    // Once storage takes writes again, the key made is stored with the records.
    store.refuse_writes(None);
    let issued = issue(&service).unwrap();
    assert!(store.text(AUDIT_KEY).is_some());
    assert_eq!(knows(&without_random(&store), &issued), Some(true));
}

#[test]
fn a_stored_key_is_opened_and_used() {
    let store = Shared::default();
    let issued = issue(&tab(&store, 1)).unwrap();
    let key = store.text(AUDIT_KEY);
    // The next visit makes no key: it opens the stored one.
    let next = without_random(&store);
    assert_eq!(knows(&next, &issued), Some(true));
    assert!(issue(&next).is_ok());
    assert_eq!(store.text(AUDIT_KEY), key);
    // Without a stored key, a tab that cannot make one says why and answers nothing.
    let fresh = Shared::default();
    let stuck = without_random(&fresh);
    assert_eq!(issue(&stuck), Err(ServiceError::NotSaved));
    assert_eq!(stuck.not_saved(), Some(MemoryNotSaved::NoRandom));
    // A stored key that is not one reads as unreadable.
    store.put(AUDIT_KEY, Some("device/sealed:1:00ff"));
    let next = without_random(&store);
    assert_eq!(knows(&next, &issued), None);
    assert_eq!(next.not_saved(), Some(MemoryNotSaved::Damaged));
}

#[test]
fn a_key_stored_by_another_tab_meanwhile_is_used_on_one_retry() {
    let store = Shared::default();
    let first = tab(&store, 1);
    let second = tab(&store, 2);
    // Both tabs open on a first visit, each with a key of its own in memory.
    now(first.load()).unwrap();
    now(second.load()).unwrap();
    let issued = issue(&second).unwrap();
    let key = store.text(AUDIT_KEY);
    // The first tab's key does not open the second's records: it retries with the stored key.
    assert_eq!(knows(&first, &issued), Some(true));
    assert_eq!(first.audit_trouble(), None);
    assert!(issue(&first).is_ok());
    assert_eq!(store.text(AUDIT_KEY), key, "the key made first is dropped");
    assert_eq!(knows(&second, &issued), Some(true));
}

#[test]
fn records_under_another_key_with_none_stored_are_refused_once() {
    let store = Shared::default();
    let issued = issue(&tab(&store, 1)).unwrap();
    store.put(AUDIT_KEY, None);
    let next = tab(&store, 2);
    assert_eq!(knows(&next, &issued), None);
    assert_eq!(next.audit_trouble(), Some(ChainError::KeyMismatch));
    assert_eq!(next.not_saved(), Some(MemoryNotSaved::Damaged));
    assert_eq!(
        store.text(AUDIT_KEY),
        None,
        "no key stored for records it did not write"
    );
}

#[test]
fn the_seal_is_written_after_a_write_not_after_a_read() {
    let store = Shared::default();
    let service = tab(&store, 1);
    let issued = issue(&service).unwrap();
    let behind = store.text(AUDIT_SEAL);
    assert_eq!(validate(&service, &issued), Some(true));
    assert_eq!(seal_count(&store), Some(2));
    // A seal one save behind still opens the records; a read leaves it as it is.
    store.put(AUDIT_SEAL, behind.as_deref());
    let next = tab(&store, 2);
    assert_eq!(knows(&next, &issued), Some(true));
    assert_eq!(store.text(AUDIT_SEAL), behind);
    assert!(issue(&next).is_ok());
    assert_eq!(seal_count(&store), Some(3));
}

#[test]
fn records_whose_seal_is_missing_or_forged_or_ahead_are_refused_and_the_trouble_said() {
    let store = Shared::default();
    let service = tab(&store, 1);
    let issued = issue(&service).unwrap();
    let first_records = store.text(RECORD_KEY);
    assert_eq!(validate(&service, &issued), Some(true));
    assert!(issue(&service).is_ok());
    let (records, seal) = (store.text(RECORD_KEY), store.text(AUDIT_SEAL));
    let cases: [(&str, Option<&str>, Option<&str>, ChainError); 3] = [
        ("missing", records.as_deref(), None, ChainError::SealMissing),
        (
            "forged",
            records.as_deref(),
            Some("{}"),
            ChainError::SealForged,
        ),
        (
            "records put back",
            first_records.as_deref(),
            seal.as_deref(),
            ChainError::Truncated {
                expected_count: 3,
                found: 1,
            },
        ),
    ];
    for (case, stored_records, stored_seal, trouble) in cases {
        store.put(RECORD_KEY, stored_records);
        store.put(AUDIT_SEAL, stored_seal);
        // Only the seal is to find it out (the records' version mark would too).
        store.put("records.version", None);
        let next = tab(&store, 2);
        assert_eq!(knows(&next, &issued), None, "{case}");
        assert_eq!(validate(&next, &issued), None, "{case}: nothing answered");
        assert_eq!(issue(&next), Err(ServiceError::NotSaved), "{case}");
        assert_eq!(next.audit_trouble(), Some(trouble), "{case}");
        assert_eq!(next.not_saved(), Some(MemoryNotSaved::Damaged), "{case}");
        let left = (store.text(RECORD_KEY), store.text(AUDIT_SEAL));
        let found = (
            stored_records.map(str::to_owned),
            stored_seal.map(str::to_owned),
        );
        assert_eq!(left, found, "{case}: nothing written");
    }
}

#[test]
fn storage_refusing_writes_answers_nothing_and_says_why() {
    let store = Shared::default();
    let service = tab(&store, 1);
    let issued = issue(&service).unwrap();
    let before = (store.text(RECORD_KEY), store.text(AUDIT_SEAL));
    store.refuse_writes(Some(StoreError::Unavailable("SecurityError".into())));
    assert_eq!(validate(&service, &issued), None);
    let blocked = MemoryNotSaved::Store(StoreError::Unavailable("SecurityError".into()));
    assert_eq!(service.not_saved(), Some(blocked));
    assert_eq!((store.text(RECORD_KEY), store.text(AUDIT_SEAL)), before);
    // A read needs no write: it is answered.
    assert_eq!(knows(&service, &issued), Some(true));
    store.refuse_writes(None);
    assert_eq!(
        validate(&service, &issued),
        Some(true),
        "the code was never spent"
    );
    assert_eq!(service.not_saved(), None);
}

#[test]
fn unreadable_records_are_discarded_only_when_unreadable() {
    let store = Shared::default();
    let service = tab(&store, 1);
    let issued = issue(&service).unwrap();
    assert!(!now(service.discard_unreadable()).unwrap(), "nothing wrong");
    // A log that does not check: the records go as a new service's, and the seal with them.
    store.put(AUDIT_SEAL, None);
    let next = tab(&store, 2);
    now(next.load()).unwrap();
    assert_eq!(next.audit_trouble(), Some(ChainError::SealMissing));
    assert!(now(next.discard_unreadable()).unwrap());
    assert_eq!(next.audit_trouble(), None);
    assert_eq!(next.not_saved(), None);
    assert_eq!(knows(&next, &issued), Some(false));
    let fresh = issue(&next).unwrap();
    assert_eq!(seal_count(&store), Some(1), "sealed again");
    // Records that do not open at all are removed.
    store.put(RECORD_KEY, Some("device:9:zz"));
    let damaged = tab(&store, 3);
    assert_eq!(knows(&damaged, &fresh), None);
    assert_eq!(damaged.not_saved(), Some(MemoryNotSaved::Damaged));
    assert!(now(damaged.discard_unreadable()).unwrap());
    assert_eq!(store.text(RECORD_KEY), None);
    assert!(issue(&damaged).is_ok());
    // Storage refused is not unreadable: nothing is discarded.
    store.refuse_writes(Some(StoreError::QuotaExceeded));
    assert_eq!(issue(&damaged), Err(ServiceError::NotSaved));
    assert!(!now(damaged.discard_unreadable()).unwrap());
    assert!(store.text(RECORD_KEY).is_some());
}

#[test]
fn an_issued_credential_is_shown_before_it_is_saved() {
    let store = Shared::default();
    let service = tab(&store, 1);
    let shown = RefCell::new(Vec::new());
    let issued = now(service.issue_shown(NOW, &|issued| {
        let stored = store.text(RECORD_KEY);
        shown.borrow_mut().push((issued.token_id.clone(), stored));
    }))
    .unwrap()
    .unwrap();
    assert_eq!(shown.into_inner(), [(issued.token_id.clone(), None)]);
    assert!(store.text(RECORD_KEY).is_some());
    // Shown, then not saved: the answer is that nothing was issued.
    store.refuse_writes(Some(StoreError::QuotaExceeded));
    let shown = RefCell::new(0);
    let failed = now(service.issue_shown(NOW, &|_| *shown.borrow_mut() += 1)).unwrap();
    assert_eq!(
        (failed, shown.into_inner()),
        (Err(ServiceError::NotSaved), 1)
    );
}
