//! One encrypted record in `localStorage`, written with compare-and-set so that two tabs never
//! overwrite each other's changes unseen, and the reasons a record is not being saved.

use super::crypto::CryptoError;
use super::storage::{StorageError, Store};
use webtoken_token::vault::VaultError;

/// Why records are kept in memory only for this visit.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotSaved {
    /// The browser refuses storage here (sandboxed frame, private mode, settings).
    Blocked,
    /// The storage quota is used up.
    Full,
    /// The key store (IndexedDB) or WebCrypto is not available.
    NoKeys,
    /// The stored record cannot be read; it is left as it is until the customer decides.
    Unreadable(VaultError),
    /// The stored record is protected by a passphrase not yet entered.
    Locked,
    /// Another failure.
    Failed(String),
}

impl From<StorageError> for NotSaved {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Unavailable(_) => Self::Blocked,
            StorageError::QuotaExceeded => Self::Full,
            other => Self::Failed(other.to_string()),
        }
    }
}

impl From<CryptoError> for NotSaved {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::Unavailable | CryptoError::KeyStore(_) => Self::NoKeys,
            other => Self::Failed(other.to_string()),
        }
    }
}

/// Whether a compare-and-set write happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The record now holds the new text.
    Done,
    /// Another tab changed the record since it was read: nothing was written.
    Conflict,
}

/// A record of `purpose` stored under one key of a [`Store`].
#[derive(Debug, Clone)]
pub struct SealedRecord {
    store: Store,
    key: &'static str,
    purpose: &'static str,
}

impl SealedRecord {
    /// The record `key` of `store`, encrypted for `purpose`.
    pub fn new(store: Store, key: &'static str, purpose: &'static str) -> Self {
        Self {
            store,
            key,
            purpose,
        }
    }

    /// The purpose bound into the record's additional data.
    pub fn purpose(&self) -> &'static str {
        self.purpose
    }

    /// The full storage key, as `storage` events name it.
    pub fn full_key(&self) -> String {
        self.store.full_key(self.key)
    }

    /// The stored text.
    pub fn read(&self) -> Result<Option<String>, StorageError> {
        self.store.get(self.key)
    }

    /// Writes `text` if the record still holds `expected`. The check and the write run in one
    /// task, with nothing awaited between them.
    pub fn write_if(&self, expected: Option<&str>, text: &str) -> Result<Written, StorageError> {
        if self.read()?.as_deref() != expected {
            return Ok(Written::Conflict);
        }
        self.store.set(self.key, text).map(|()| Written::Done)
    }

    /// Removes the record if it still holds `expected`.
    pub fn remove_if(&self, expected: Option<&str>) -> Result<Written, StorageError> {
        if self.read()?.as_deref() != expected {
            return Ok(Written::Conflict);
        }
        self.store.remove(self.key).map(|()| Written::Done)
    }
}
