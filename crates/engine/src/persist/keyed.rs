//! One record as a key of a key-value store (the browser's `localStorage` in the page, a map in
//! tests): the compare-and-set the save cycle relies on, and the highest version seen kept
//! under a key of its own. The page implements only [`KeyValue`] over `web_sys::Storage`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::{RecordStore, StoreError, Written};

/// A store of named text values (keys are the caller's short names; a prefix, if any, is the
/// store's own business).
pub trait KeyValue {
    /// The value of `key`, `None` when there is none.
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Writes `value` under `key`.
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;
    /// Removes `key`.
    fn remove(&self, key: &str) -> Result<(), StoreError>;
    /// Whether the store can be used at all (a browser may refuse storage to the page).
    fn available(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// A version as written: plain decimal digits, no leading zero (by hand: `u64::from_str` would
/// bring its generic parser into the page's wasm for this one field).
pub fn parse_version(text: &str) -> Option<u64> {
    if text.is_empty() || (text.len() > 1 && text.starts_with('0')) {
        return None;
    }
    text.bytes().try_fold(0u64, |n, b| {
        let digit = b.checked_sub(b'0').filter(|d| *d < 10)?;
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// One key of a [`KeyValue`] store, written with compare-and-set so that two tabs never
/// overwrite each other's changes unseen.
#[derive(Debug, Clone)]
pub struct KeyRecord<K> {
    store: K,
    key: &'static str,
}

impl<K> KeyRecord<K> {
    /// The record `key` of `store`.
    pub fn new(store: K, key: &'static str) -> Self {
        Self { store, key }
    }

    /// The store it is kept in.
    pub fn store(&self) -> &K {
        &self.store
    }

    /// Its key.
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// The key of the highest version seen of the record.
    fn version_key(&self) -> String {
        format!("{}.version", self.key)
    }
}

impl<K: KeyValue> KeyRecord<K> {
    /// Runs `write` if the record still holds `expected`.
    fn write_if_still(
        &self,
        expected: Option<&str>,
        write: impl FnOnce() -> Result<(), StoreError>,
    ) -> Result<Written, StoreError> {
        if self.get()?.as_deref() != expected {
            return Ok(Written::Conflict);
        }
        write().map(|()| Written::Done)
    }
}

impl<K: KeyValue> RecordStore for KeyRecord<K> {
    fn get(&self) -> Result<Option<String>, StoreError> {
        self.store.get(self.key)
    }

    /// The check and the write run in one go, with nothing awaited between them.
    fn write_if(&self, expected: Option<&str>, text: &str) -> Result<Written, StoreError> {
        self.write_if_still(expected, || self.store.set(self.key, text))
    }

    fn remove_if(&self, expected: Option<&str>) -> Result<Written, StoreError> {
        self.write_if_still(expected, || self.store.remove(self.key))
    }

    /// Kept under its own key, `<key>.version`, apart from the record.
    fn highest(&self) -> Result<u64, StoreError> {
        let stored = self.store.get(&self.version_key())?;
        // A mark that is not a number was tampered with: the record is not trusted above it.
        Ok(stored.map_or(0, |v| parse_version(&v).unwrap_or(u64::MAX)))
    }

    fn raise(&self, version: u64) -> Result<(), StoreError> {
        if self.highest()? < version {
            self.store.set(&self.version_key(), &version.to_string())?;
        }
        Ok(())
    }
}

/// A key-value store in memory, shared by its clones as `localStorage` is by tabs; it can be
/// told to refuse.
#[derive(Debug, Clone, Default)]
pub struct MemoryKeyValue {
    values: Rc<RefCell<BTreeMap<String, String>>>,
    refuse: Rc<RefCell<Option<StoreError>>>,
}

impl MemoryKeyValue {
    /// Makes every later call fail with `error` (`None`: work again).
    pub fn refuse(&self, error: Option<StoreError>) {
        *self.refuse.borrow_mut() = error;
    }

    fn check(&self) -> Result<(), StoreError> {
        self.refuse.borrow().clone().map_or(Ok(()), Err)
    }
}

impl KeyValue for MemoryKeyValue {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.check()?;
        Ok(self.values.borrow().get(key).cloned())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.check()?;
        self.values.borrow_mut().insert(key.into(), value.into());
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.check()?;
        self.values.borrow_mut().remove(key);
        Ok(())
    }

    fn available(&self) -> Result<(), StoreError> {
        self.check()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn record() -> (MemoryKeyValue, KeyRecord<MemoryKeyValue>) {
        let store = MemoryKeyValue::default();
        (store.clone(), KeyRecord::new(store, "wallet"))
    }

    #[test]
    fn a_write_happens_only_over_what_was_read() {
        let (store, record) = record();
        assert_eq!(record.write_if(None, "a"), Ok(Written::Done));
        assert_eq!(record.write_if(None, "b"), Ok(Written::Conflict));
        assert_eq!(record.write_if(Some("a"), "b"), Ok(Written::Done));
        store.set("wallet", "another tab").unwrap();
        assert_eq!(record.remove_if(Some("b")), Ok(Written::Conflict));
        assert_eq!(record.remove_if(Some("another tab")), Ok(Written::Done));
        assert_eq!(record.get(), Ok(None));
    }

    #[test]
    fn the_highest_version_is_kept_apart_and_never_lowered() {
        let (store, record) = record();
        assert_eq!(record.highest(), Ok(0));
        record.raise(5).unwrap();
        record.raise(3).unwrap();
        assert_eq!(record.highest(), Ok(5));
        assert_eq!(store.get("wallet.version").unwrap().as_deref(), Some("5"));
        assert_eq!(record.get(), Ok(None));
    }

    #[test]
    fn a_tampered_version_mark_trusts_no_record() {
        let (store, record) = record();
        for mark in ["x", "+5", "05", ""] {
            store.set("wallet.version", mark).unwrap();
            assert_eq!(record.highest(), Ok(u64::MAX), "{mark:?}");
        }
    }

    #[test]
    fn a_refusing_store_fails_every_call() {
        let (store, record) = record();
        let blocked = StoreError::Unavailable("SecurityError".into());
        store.refuse(Some(blocked.clone()));
        assert_eq!(store.available(), Err(blocked.clone()));
        assert_eq!(record.get(), Err(blocked.clone()));
        assert_eq!(record.write_if(None, "a"), Err(blocked));
    }

    #[test]
    fn versions_are_plain_decimal_digits() {
        assert_eq!(parse_version("0"), Some(0));
        assert_eq!(parse_version("42"), Some(42));
        assert_eq!(parse_version("18446744073709551616"), None);
        assert_eq!(parse_version("-1"), None);
    }
}
