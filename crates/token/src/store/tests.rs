//! The list's storage rules, natively: a memory key-value store and the fake cipher stand for
//! `localStorage` and WebCrypto (the browser tests check the real ones).

#![allow(clippy::unwrap_used)]

use super::*;
use crate::otpauth::KeyUri;
use crate::sealing::fake::FakeKeys;
use webtoken_engine::persist::{MemoryKeyValue, StoreError, now};

pub(crate) const RFC_URI: &str = "otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example";
pub(crate) const DOC_URI: &str = "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co";
/// RFC 4226 Appendix D's secret, an HOTP token at counter 0.
pub(crate) const HOTP_URI: &str =
    "otpauth://hotp/RFC:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0";

type Store = ListStore<MemoryKeyValue, FakeKeys>;

/// A page's store of the list in `kv` with `keys` (clones share what they hold, as tabs do).
pub(crate) fn open(kv: &MemoryKeyValue, keys: &FakeKeys) -> Store {
    let store = ListStore::new(kv.clone(), keys.clone(), "device-key".into());
    run(store.reload());
    store
}

pub(crate) fn add(label: &str, uri: &str) -> WalletOp {
    WalletOp::Add {
        label: label.into(),
        token_id: None,
        key: KeyUri::parse(uri).unwrap(),
    }
}

/// Runs a future whose every step is ready at once (memory store, fake cipher).
pub(crate) fn run<F: std::future::Future>(future: F) -> F::Output {
    now(future).expect("memory storage never waits")
}

fn counter(store: &Store) -> Option<u64> {
    store.wallet().active().and_then(|t| t.key.counter)
}

#[test]
fn two_tokens_are_stored_sealed_and_read_back() {
    let (kv, keys) = (MemoryKeyValue::default(), FakeKeys::default());
    let store = open(&kv, &keys);
    assert!(store.is_first_visit());
    assert_eq!(store.not_saved(), None);
    let a = run(store.apply(add("Example", RFC_URI))).unwrap().unwrap();
    let b = run(store.apply(add("ACME", DOC_URI))).unwrap().unwrap();
    assert!(!store.is_first_visit());
    let stored = kv.get(RECORD_KEY).unwrap().unwrap();
    assert!(stored.starts_with("webtoken-vault.1.A256GCM.device."));
    for clear in ["GEZDGNBV", "HXDMVJEC", "alice", "otpauth"] {
        assert!(!stored.contains(clear), "{clear} is not stored in clear");
    }
    let reread = open(&kv, &keys);
    assert!(!reread.is_first_visit(), "a returning visit");
    let wallet = reread.wallet();
    assert_eq!(wallet.tokens().len(), 2);
    assert_eq!(wallet.active().unwrap().id, b);
    assert_eq!(wallet.get(a).unwrap().label, "Example");
}

#[test]
fn two_tabs_do_not_undo_each_others_changes() {
    let (kv, keys) = (MemoryKeyValue::default(), FakeKeys::default());
    let (tab1, tab2) = (open(&kv, &keys), open(&kv, &keys));
    run(tab1.apply(add("one", RFC_URI))).unwrap();
    run(tab2.apply(add("two", DOC_URI))).unwrap();
    assert_eq!(tab2.wallet().tokens().len(), 2);
    assert!(run(tab1.reload()), "the storage event makes tab1 re-read");
    let id = tab1.wallet().tokens()[0].id;
    run(tab2.apply(WalletOp::Remove(id))).unwrap();
    assert_eq!(
        run(tab1.apply(WalletOp::Rename(id, "x".into()))),
        Err(ChangeError::Wallet(WalletError::UnknownToken))
    );
    assert_eq!(tab1.wallet().tokens().len(), 1);
}

#[test]
fn refused_storage_works_in_memory_and_says_why() {
    let (kv, keys) = (MemoryKeyValue::default(), FakeKeys::default());
    kv.refuse(Some(StoreError::Unavailable("SecurityError".into())));
    let store = open(&kv, &keys);
    assert_eq!(store.not_saved(), Some(NotSaved::Blocked));
    assert!(
        !store.is_first_visit(),
        "no token is issued into a list not saved"
    );
    run(store.apply(add("Example", RFC_URI))).unwrap();
    assert_eq!(store.wallet().tokens().len(), 1, "kept in memory");
    kv.refuse(Some(StoreError::QuotaExceeded));
    run(store.apply(add("ACME", DOC_URI))).unwrap();
    assert_eq!(store.not_saved(), Some(NotSaved::Full));
    keys.break_key_store(true);
    kv.refuse(None);
    let no_keys = open(&MemoryKeyValue::default(), &keys);
    run(no_keys.apply(add("Example", RFC_URI))).unwrap();
    assert_eq!(no_keys.not_saved(), Some(NotSaved::NoKeys));
}

#[test]
fn an_hotp_counter_advances_only_once_it_is_saved() {
    let (kv, keys) = (MemoryKeyValue::default(), FakeKeys::default());
    let store = open(&kv, &keys);
    run(store.apply(add("RFC", HOTP_URI))).unwrap();
    let id = store.wallet().active_id().unwrap();
    assert_eq!(run(store.advance(id)), Ok(1));
    assert_eq!(counter(&open(&kv, &keys)), Some(1));
    kv.refuse(Some(StoreError::QuotaExceeded));
    assert_eq!(run(store.advance(id)), Err(ChangeError::NotSaved));
    assert_eq!(
        counter(&store),
        Some(1),
        "nothing changed, in memory either"
    );
    kv.refuse(None);
    assert_eq!(counter(&open(&kv, &keys)), Some(1));
    assert_eq!(run(store.advance(id)), Ok(2));
    // A list kept in memory only advances no counter.
    let blocked_kv = MemoryKeyValue::default();
    blocked_kv.refuse(Some(StoreError::Unavailable("SecurityError".into())));
    let blocked = open(&blocked_kv, &keys);
    run(blocked.apply(add("RFC", HOTP_URI))).unwrap();
    let id = blocked.wallet().active_id().unwrap();
    assert_eq!(run(blocked.advance(id)), Err(ChangeError::NotSaved));
    assert_eq!(counter(&blocked), Some(0));
    assert_eq!(
        run(store.advance(99)),
        Err(ChangeError::Wallet(WalletError::UnknownToken))
    );
}

#[test]
fn locking_forgets_the_key_and_the_tokens_until_unlocked() {
    let (kv, keys) = (MemoryKeyValue::default(), FakeKeys::default());
    let store = open(&kv, &keys);
    run(store.apply(add("Example", RFC_URI))).unwrap();
    assert!(
        !run(store.lock()),
        "without a passphrase there is nothing to lock with"
    );
    assert_eq!(store.wallet().tokens().len(), 1);
    run(store.set_passphrase("correct horse battery")).unwrap();
    assert_eq!(
        store.passphrase_iterations(),
        Some(DEFAULT_PBKDF2_ITERATIONS)
    );
    assert!(run(store.lock()));
    assert_eq!(store.not_saved(), Some(NotSaved::Locked));
    assert!(store.wallet().is_empty(), "no token in memory");
    assert!(!store.uses_passphrase(), "no key in memory");
    assert_eq!(
        run(store.apply(add("ACME", DOC_URI))),
        Err(ChangeError::Locked)
    );
    let id = 1;
    assert_eq!(run(store.advance(id)), Err(ChangeError::Locked));
    run(store.unlock("correct horse battery")).unwrap();
    assert_eq!(store.wallet().tokens().len(), 1);
    assert_eq!(store.not_saved(), None);
}

#[test]
fn a_passphrase_is_asked_for_and_can_be_removed() {
    let (kv, keys) = (MemoryKeyValue::default(), FakeKeys::default());
    let store = open(&kv, &keys);
    run(store.apply(add("Example", RFC_URI))).unwrap();
    assert_eq!(
        run(store.set_passphrase("short")),
        Err(ChangeError::Vault(VaultError::PassphraseTooShort))
    );
    assert!(!store.uses_passphrase());
    run(store.set_passphrase("correct horse battery")).unwrap();
    assert!(store.uses_passphrase());
    let stored = kv.get(RECORD_KEY).unwrap().unwrap();
    assert!(stored.contains(".pbkdf2-sha256.600000."), "{stored}");
    let next_visit = open(&kv, &keys);
    assert_eq!(next_visit.not_saved(), Some(NotSaved::Locked));
    assert!(next_visit.wallet().is_empty(), "nothing shown while locked");
    assert_eq!(
        run(next_visit.unlock("wrong horse battery")),
        Err(ChangeError::Vault(VaultError::WrongPassphrase))
    );
    assert_eq!(
        next_visit.not_saved(),
        Some(NotSaved::Locked),
        "still locked"
    );
    run(next_visit.unlock("correct horse battery")).unwrap();
    assert_eq!(next_visit.wallet().tokens().len(), 1);
    run(next_visit.remove_passphrase()).unwrap();
    assert!(!next_visit.uses_passphrase());
    assert!(kv.get(RECORD_KEY).unwrap().unwrap().contains(".device."));
    let reread = open(&kv, &keys);
    assert_eq!(reread.not_saved(), None);
    assert_eq!(reread.wallet().tokens().len(), 1);
    // Unlocking a list under the device key just reads it.
    assert_eq!(run(reread.unlock("anything at all")), Ok(()));
}

#[test]
fn a_passphrase_not_saved_is_not_taken() {
    let (kv, keys) = (MemoryKeyValue::default(), FakeKeys::default());
    let store = open(&kv, &keys);
    run(store.apply(add("Example", RFC_URI))).unwrap();
    let before = kv.get(RECORD_KEY).unwrap();
    kv.refuse(Some(StoreError::QuotaExceeded));
    let _ = run(store.set_passphrase("correct horse battery"));
    assert!(
        !store.uses_passphrase(),
        "the list is still under the device key"
    );
    kv.refuse(None);
    assert_eq!(kv.get(RECORD_KEY).unwrap(), before);
}

#[test]
fn a_tampered_list_is_never_overwritten_until_discarded() {
    let (kv, keys) = (MemoryKeyValue::default(), FakeKeys::default());
    let store = open(&kv, &keys);
    run(store.apply(add("Example", RFC_URI))).unwrap();
    assert!(!run(store.discard()), "nothing unreadable to delete");
    let text = kv.get(RECORD_KEY).unwrap().unwrap();
    // One character of the ciphertext changed (the last field before the version).
    let at = text.rfind('~').unwrap() - 5;
    let mut bytes = text.clone().into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).unwrap();
    kv.set(RECORD_KEY, &tampered).unwrap();
    let next = open(&kv, &keys);
    assert_eq!(
        next.not_saved(),
        Some(NotSaved::Unreadable(VaultError::Damaged))
    );
    assert!(next.wallet().is_empty(), "no code from damaged data");
    run(next.apply(add("ACME", DOC_URI))).unwrap();
    assert_eq!(kv.get(RECORD_KEY).unwrap(), Some(tampered), "left as it is");
    assert!(run(next.discard()), "the customer decides");
    let saved = open(&kv, &keys);
    assert_eq!(saved.not_saved(), None);
    assert_eq!(saved.wallet().tokens()[0].label, "ACME");
}

#[test]
fn another_devices_list_is_unreadable_here_and_can_be_discarded() {
    let kv = MemoryKeyValue::default();
    let store = open(&kv, &FakeKeys::default());
    run(store.apply(add("Example", RFC_URI))).unwrap();
    // Another browser's key store: the device key is not this one.
    let elsewhere = open(&kv, &FakeKeys::default());
    let found = elsewhere.not_saved();
    assert!(
        matches!(
            found,
            Some(NotSaved::Unreadable(VaultError::DeviceKeyMissing))
        ),
        "{found:?}"
    );
    assert!(run(elsewhere.discard()));
    assert_eq!(elsewhere.not_saved(), None);
}

#[test]
fn the_backup_mark_is_kept_beside_the_list() {
    let (kv, keys) = (MemoryKeyValue::default(), FakeKeys::default());
    let store = open(&kv, &keys);
    run(store.apply(add("Example", RFC_URI))).unwrap();
    assert_eq!(store.backup_mark(), None);
    let mark = Mark {
        at: 1_700_000_000,
        fingerprint: crate::backup::fingerprint(&store.wallet()),
    };
    assert!(store.set_backup_mark(&mark));
    assert_eq!(open(&kv, &keys).backup_mark(), Some(mark.clone()));
    kv.refuse(Some(StoreError::QuotaExceeded));
    assert!(!store.set_backup_mark(&mark), "storage refused it");
}
