//! The WebCrypto half of the one save cycle ([`webtoken_engine::persist`]): records sealed as
//! [`webtoken_token::vault`] envelopes under a device or passphrase key, and the reasons a
//! record is not being saved.

use std::cell::RefCell;

use super::crypto::{CryptoError, OpenError, VaultKey};
use super::storage::StorageError;
use webtoken_engine::persist::{Opened, Problem, Sealer};
use webtoken_token::vault::{
    Envelope, KeySpec, MAX_ENVELOPE_BYTES, VaultError, split_version, versioned_purpose,
    with_version,
};

/// Why records are not being saved: the token's list is then kept in memory for this visit,
/// while the token service and the bank answer nothing they could not save.
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

impl From<Problem<NotSaved>> for NotSaved {
    fn from(problem: Problem<NotSaved>) -> Self {
        match problem {
            Problem::Store(e) => e.into(),
            Problem::Seal(why) | Problem::Open(why) => why,
            Problem::Decode(_) => Self::Unreadable(VaultError::BadContents),
            Problem::RolledBack { found, highest } => {
                Self::Unreadable(VaultError::RolledBack { found, highest })
            }
            Problem::TooLarge { .. } => Self::Full,
            Problem::Busy => Self::Failed("busy".into()),
            _ => Self::Failed("not saved".into()),
        }
    }
}

/// Seals records for `purpose` with AES-256-GCM: under the device key named `device_name`
/// (IndexedDB, made on first use), or under a passphrase key once one is known.
#[derive(Debug)]
pub struct VaultSealer {
    purpose: &'static str,
    device_name: String,
    /// Whether a record under a passphrase waits for one ([`NotSaved::Locked`]), or is
    /// unreadable here (the token service never uses passphrases).
    passphrases: bool,
    /// The key records are sealed with, and passphrase records opened with.
    key: RefCell<Option<VaultKey>>,
    /// A key to seal with instead, for one change (a new passphrase, or back to the device key).
    next: RefCell<Option<VaultKey>>,
}

impl VaultSealer {
    /// A sealer for `purpose` under the device key `device_name`.
    pub fn new(purpose: &'static str, device_name: String, passphrases: bool) -> Self {
        Self {
            purpose,
            device_name,
            passphrases,
            key: RefCell::new(None),
            next: RefCell::new(None),
        }
    }

    /// The key records are sealed with, once known.
    pub fn key(&self) -> Option<VaultKey> {
        self.key.borrow().clone()
    }

    /// Replaces the key; the previous one.
    pub fn replace_key(&self, key: Option<VaultKey>) -> Option<VaultKey> {
        self.key.replace(key)
    }

    /// Seals with `key` until [`Self::take_next`], without opening with it.
    pub fn set_next(&self, key: VaultKey) {
        *self.next.borrow_mut() = Some(key);
    }

    /// The key set by [`Self::set_next`].
    pub fn take_next(&self) -> Option<VaultKey> {
        self.next.take()
    }

    /// The device key: the one known, or read (or made) from IndexedDB.
    async fn device(&self) -> Result<VaultKey, CryptoError> {
        let known = self.key().filter(|k| !k.is_passphrase());
        match known {
            Some(key) => Ok(key),
            None => VaultKey::device(&self.device_name).await,
        }
    }

    fn locked(&self) -> NotSaved {
        if self.passphrases {
            NotSaved::Locked
        } else {
            NotSaved::Unreadable(VaultError::DeviceKeyMissing)
        }
    }
}

impl Sealer for VaultSealer {
    type Error = NotSaved;

    /// The envelope with `version` in front and in its additional data.
    async fn seal(&self, plain: &str, version: u64) -> Result<String, NotSaved> {
        let chosen = self.next.borrow().clone().or_else(|| self.key());
        let key = match chosen {
            Some(key) => key,
            None => {
                let key = self.device().await?;
                *self.key.borrow_mut() = Some(key.clone());
                key
            }
        };
        let purpose = versioned_purpose(self.purpose, version);
        let envelope = key.seal(&purpose, plain.as_bytes()).await?;
        Ok(with_version(version, &envelope))
    }

    async fn open(&self, text: &str) -> Result<Opened, NotSaved> {
        let (version, text) = split_version(text).map_err(NotSaved::Unreadable)?;
        let envelope = Envelope::parse(text).map_err(NotSaved::Unreadable)?;
        let key = match &envelope.key {
            KeySpec::Passphrase(_) => match self.key() {
                Some(key) if key.is_passphrase() => key,
                _ => return Err(self.locked()),
            },
            KeySpec::Device { .. } => self.device().await?,
        };
        let plain = key
            .open(&versioned_purpose(self.purpose, version), &envelope)
            .await
            .map_err(|e| match e {
                OpenError::Vault(e) => NotSaved::Unreadable(e),
                OpenError::NeedsPassphrase => self.locked(),
                OpenError::NeedsDeviceKey => NotSaved::Unreadable(VaultError::DeviceKeyMissing),
                OpenError::Crypto(e) => e.into(),
            })?;
        // The key that opened the record seals the next one.
        *self.key.borrow_mut() = Some(key);
        Ok(Opened { plain, version })
    }

    /// The envelope reader's limit, checked on the whole text (the version in front included).
    fn max_len(&self) -> usize {
        MAX_ENVELOPE_BYTES
    }
}
