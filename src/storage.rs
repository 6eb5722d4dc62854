//! `localStorage`, wrapped so that a browser that refuses it (sandboxed frame, some private
//! modes) or runs out of quota gives an error the page can show, never a trap; and one key of
//! it as the core's [`RecordStore`], the browser half of the one save cycle
//! ([`webtoken_engine::persist`]).

use super::errors::JsFailure;
use webtoken_engine::persist::{RecordStore, Written};
use webtoken_token::vault::parse_version;

/// Why storage could not be used (the core's store error, shown as it is).
pub use webtoken_engine::persist::StoreError as StorageError;

impl From<JsFailure> for StorageError {
    fn from(e: JsFailure) -> Self {
        if e.name == "QuotaExceededError" {
            Self::QuotaExceeded
        } else {
            Self::Failed(e.to_string())
        }
    }
}

/// The page's `localStorage`, under one key prefix.
#[derive(Debug, Clone)]
pub struct Store {
    storage: Result<web_sys::Storage, StorageError>,
    prefix: String,
}

impl Store {
    /// The store for keys starting with `prefix`; when storage is refused, every call errs.
    pub fn open(prefix: &str) -> Self {
        let storage = match web_sys::window().map(|w| w.local_storage()) {
            Some(Ok(Some(s))) => Ok(s),
            Some(Ok(None)) => Err(StorageError::Unavailable("no localStorage".into())),
            Some(Err(e)) => Err(StorageError::Unavailable(JsFailure::from(e).to_string())),
            None => Err(StorageError::Unavailable("no window".into())),
        };
        Self {
            storage,
            prefix: prefix.to_string(),
        }
    }

    /// Whether the browser lets the page store data at all.
    pub fn available(&self) -> Result<(), StorageError> {
        self.storage.as_ref().map(|_| ()).map_err(Clone::clone)
    }

    fn key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// Reads a value.
    pub fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        let s = self.storage.as_ref().map_err(Clone::clone)?;
        s.get_item(&self.key(key))
            .map_err(|e| JsFailure::from(e).into())
    }

    /// Writes a value.
    pub fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        let s = self.storage.as_ref().map_err(Clone::clone)?;
        s.set_item(&self.key(key), value)
            .map_err(|e| JsFailure::from(e).into())
    }

    /// Removes a value.
    pub fn remove(&self, key: &str) -> Result<(), StorageError> {
        let s = self.storage.as_ref().map_err(Clone::clone)?;
        s.remove_item(&self.key(key))
            .map_err(|e| JsFailure::from(e).into())
    }

    /// Removes every key under this store's prefix (tests clear their own prefix first).
    pub fn clear(&self) -> Result<(), StorageError> {
        let s = self.storage.as_ref().map_err(Clone::clone)?;
        let len = s.length().map_err(JsFailure::from)?;
        let mut keys = Vec::new();
        for i in 0..len {
            if let Ok(Some(k)) = s.key(i)
                && k.starts_with(&self.prefix)
            {
                keys.push(k);
            }
        }
        for k in keys {
            s.remove_item(&k).map_err(JsFailure::from)?;
        }
        Ok(())
    }

    /// The full key (prefix included) of `key`, as `storage` events name it.
    pub fn full_key(&self, key: &str) -> String {
        self.key(key)
    }
}

/// One key of a [`Store`], written with compare-and-set so that two tabs never overwrite each
/// other's changes unseen.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    store: Store,
    key: &'static str,
}

impl StoredRecord {
    /// The record `key` of `store`.
    pub fn new(store: Store, key: &'static str) -> Self {
        Self { store, key }
    }

    /// The full storage key, as `storage` events name it.
    pub fn full_key(&self) -> String {
        self.store.full_key(self.key)
    }

    /// The key of the highest version seen of the record.
    fn version_key(&self) -> String {
        format!("{}.version", self.key)
    }
}

impl RecordStore for StoredRecord {
    fn get(&self) -> Result<Option<String>, StorageError> {
        self.store.get(self.key)
    }

    /// The check and the write run in one task, with nothing awaited between them.
    fn write_if(&self, expected: Option<&str>, text: &str) -> Result<Written, StorageError> {
        if self.get()?.as_deref() != expected {
            return Ok(Written::Conflict);
        }
        self.store.set(self.key, text).map(|()| Written::Done)
    }

    fn remove_if(&self, expected: Option<&str>) -> Result<Written, StorageError> {
        if self.get()?.as_deref() != expected {
            return Ok(Written::Conflict);
        }
        self.store.remove(self.key).map(|()| Written::Done)
    }

    /// Kept under its own key, `<key>.version`, apart from the record.
    fn highest(&self) -> Result<u64, StorageError> {
        let stored = self.store.get(&self.version_key())?;
        // A mark that is not a number was tampered with: the record is not trusted above it.
        Ok(stored.map_or(0, |v| parse_version(&v).unwrap_or(u64::MAX)))
    }

    fn raise(&self, version: u64) -> Result<(), StorageError> {
        if self.highest()? < version {
            self.store.set(&self.version_key(), &version.to_string())?;
        }
        Ok(())
    }
}
