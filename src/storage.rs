//! `localStorage`, wrapped so that a browser that refuses it (sandboxed frame, some private
//! modes) or runs out of quota gives an error the page can show, never a trap. It is the
//! core's [`KeyValue`] store; one key of it is a record of the one save cycle
//! ([`StoredRecord`], the core's [`KeyRecord`] with its compare-and-set).

use super::errors::js_failure;
use webtoken_engine::persist::{KeyRecord, KeyValue};

/// Why storage could not be used (the core's store error, shown as it is).
pub use webtoken_engine::persist::StoreError as StorageError;

/// One key of the page's `localStorage`, written with compare-and-set.
pub type StoredRecord = KeyRecord<Store>;

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
            Some(Err(e)) => Err(StorageError::Unavailable(js_failure(e).to_string())),
            None => Err(StorageError::Unavailable("no window".into())),
        };
        Self {
            storage,
            prefix: prefix.to_string(),
        }
    }

    fn storage(&self) -> Result<&web_sys::Storage, StorageError> {
        self.storage.as_ref().map_err(Clone::clone)
    }

    /// The full key (prefix included) of `key`, as `storage` events name it.
    pub fn full_key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// Removes every key under this store's prefix (tests clear their own prefix first).
    pub fn clear(&self) -> Result<(), StorageError> {
        let s = self.storage()?;
        let len = s.length().map_err(js_failure)?;
        let keys: Vec<String> = (0..len)
            .filter_map(|i| s.key(i).ok().flatten())
            .filter(|k| k.starts_with(&self.prefix))
            .collect();
        for k in keys {
            s.remove_item(&k).map_err(js_failure)?;
        }
        Ok(())
    }
}

impl KeyValue for Store {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        let item = self.storage()?.get_item(&self.full_key(key));
        item.map_err(|e| js_failure(e).into())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        let done = self.storage()?.set_item(&self.full_key(key), value);
        done.map_err(|e| js_failure(e).into())
    }

    fn remove(&self, key: &str) -> Result<(), StorageError> {
        let done = self.storage()?.remove_item(&self.full_key(key));
        done.map_err(|e| js_failure(e).into())
    }

    fn available(&self) -> Result<(), StorageError> {
        self.storage().map(drop)
    }
}
