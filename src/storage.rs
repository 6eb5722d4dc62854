//! `localStorage`, wrapped so that a browser that refuses it (sandboxed frame, some private
//! modes) or runs out of quota gives an error the page can show, never a trap.

use super::errors::JsFailure;

/// Why storage could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageError {
    /// The browser offers no storage here (blocked, sandboxed, private mode).
    Unavailable(String),
    /// The storage is full.
    QuotaExceeded,
    /// Another failure.
    Failed(String),
}

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unavailable(why) => write!(f, "storage is not available here ({why})"),
            Self::QuotaExceeded => f.write_str("storage is full"),
            Self::Failed(why) => write!(f, "storage failed ({why})"),
        }
    }
}

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
