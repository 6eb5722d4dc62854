//! The token's storage: the customer's list of tokens ([`Wallet`]), encrypted with AES-256-GCM
//! in `localStorage` under the token's own device key (IndexedDB) or a passphrase key.
//!
//! Every change re-reads the stored list, applies a [`WalletOp`] to it and writes with
//! compare-and-set; the page also re-reads when another tab writes (the `storage` event).
//! Storage blocked or full: the list works in memory for the visit and says so. A stored list
//! that cannot be read is never overwritten or deleted until the customer says so
//! ([`WalletStore::discard`]).

use std::cell::RefCell;

use super::crypto::{CryptoError, OpenError, VaultKey};
use super::sealed::{NotSaved, SealedRecord, Written};
use super::storage::Store;
use webtoken_token::vault::{Envelope, KeySpec, VaultError, check_passphrase};
use webtoken_token::wallet::{Wallet, WalletError, WalletOp};

/// The `localStorage` prefix of the page's token.
pub const TOKEN_PREFIX: &str = "webtoken.token.";
/// The additional-data purpose of the token's record.
pub const WALLET_PURPOSE: &str = "token-wallet";
const RECORD_KEY: &str = "wallet";
const ATTEMPTS: usize = 4;

/// Why a change was not made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChangeError {
    /// The list refused it.
    Wallet(WalletError),
    /// The stored list is protected by a passphrase: unlock first.
    Locked,
    /// A passphrase problem.
    Vault(VaultError),
    /// WebCrypto failed.
    Crypto(CryptoError),
}

struct Inner {
    wallet: Wallet,
    /// The key new records are sealed with (`None` until known).
    key: Option<VaultKey>,
    /// The stored text the wallet was read from or last wrote.
    seen: Option<String>,
    /// `Some` while the list is not being saved.
    not_saved: Option<NotSaved>,
}

/// The customer's tokens and where they are stored.
pub struct WalletStore {
    record: SealedRecord,
    device_key: String,
    inner: RefCell<Inner>,
}

impl WalletStore {
    /// Opens the list stored under `prefix` (nothing is read yet: see [`WalletStore::reload`]).
    pub fn new(prefix: &str) -> Self {
        Self {
            record: SealedRecord::new(Store::open(prefix), RECORD_KEY, WALLET_PURPOSE),
            device_key: format!("{prefix}device-key"),
            inner: RefCell::new(Inner {
                wallet: Wallet::new(),
                key: None,
                seen: None,
                not_saved: None,
            }),
        }
    }

    /// Opens and reads the list stored under `prefix`.
    pub async fn load(prefix: &str) -> Self {
        let store = Self::new(prefix);
        store.reload().await;
        store
    }

    /// A copy of the list.
    pub fn wallet(&self) -> Wallet {
        self.inner.borrow().wallet.clone()
    }

    /// Why the list is not being saved, if it is not.
    pub fn not_saved(&self) -> Option<NotSaved> {
        self.inner.borrow().not_saved.clone()
    }

    /// Whether this browser has never stored a list here (and storage works): a first visit.
    pub fn is_first_visit(&self) -> bool {
        let inner = self.inner.borrow();
        inner.seen.is_none()
            && inner.not_saved.is_none()
            && inner.wallet.is_empty()
            && self.record.read() == Ok(None)
    }

    /// Whether the list is saved under a passphrase.
    pub fn uses_passphrase(&self) -> bool {
        self.inner
            .borrow()
            .key
            .as_ref()
            .is_some_and(VaultKey::is_passphrase)
    }

    /// The full storage key of the list (for `storage` events).
    pub fn full_key(&self) -> String {
        self.record.full_key()
    }

    async fn device_key(&self) -> Result<VaultKey, CryptoError> {
        let existing = self.inner.borrow().key.clone();
        match existing {
            Some(key) if !key.is_passphrase() => Ok(key),
            _ => VaultKey::device(&self.device_key).await,
        }
    }

    /// Reads the stored list again; `true` when it changed. Called at start and when another
    /// tab writes. Problems are kept in [`WalletStore::not_saved`].
    pub async fn reload(&self) -> bool {
        let stored = match self.record.read() {
            Ok(stored) => stored,
            Err(e) => {
                self.inner.borrow_mut().not_saved = Some(e.into());
                return false;
            }
        };
        {
            let inner = self.inner.borrow();
            let memory_only = matches!(
                inner.not_saved,
                Some(NotSaved::Blocked | NotSaved::Full | NotSaved::NoKeys | NotSaved::Failed(_))
            );
            // Unchanged text: nothing to do (an unreadable or locked list stays as it is, and
            // whatever was done in memory meanwhile is kept).
            if memory_only || inner.seen == stored {
                return false;
            }
        }
        let Some(text) = stored else {
            // Nothing stored (first visit, or another tab deleted it): an empty list, saved
            // under the device key.
            let key = self.device_key().await;
            let mut inner = self.inner.borrow_mut();
            inner.wallet = Wallet::new();
            inner.seen = None;
            match key {
                Ok(key) => {
                    inner.key = Some(key);
                    inner.not_saved = None;
                }
                Err(e) => inner.not_saved = Some(e.into()),
            }
            return true;
        };
        let current = self.inner.borrow().key.clone();
        let outcome = self.read_with(current, &text).await;
        let mut inner = self.inner.borrow_mut();
        match outcome {
            Ok((wallet, key)) => {
                inner.wallet = wallet;
                inner.key = Some(key);
                inner.seen = Some(text);
                inner.not_saved = None;
            }
            Err(problem) => {
                // Show no code from a list that cannot be read: clear what is in memory.
                inner.wallet = Wallet::new();
                inner.seen = Some(text);
                inner.not_saved = Some(problem);
            }
        }
        true
    }

    /// Decrypts stored `text` with `key` (or the device key); the list and the key that opened it.
    async fn read_with(
        &self,
        key: Option<VaultKey>,
        text: &str,
    ) -> Result<(Wallet, VaultKey), NotSaved> {
        let envelope = Envelope::parse(text).map_err(NotSaved::Unreadable)?;
        let key = match (&envelope.key, key) {
            (KeySpec::Passphrase(_), Some(key)) if key.is_passphrase() => key,
            (KeySpec::Passphrase(_), _) => return Err(NotSaved::Locked),
            (KeySpec::Device { .. }, _) => self.device_key().await.map_err(NotSaved::from)?,
        };
        let wallet = decrypt(&key, &envelope).await?;
        Ok((wallet, key))
    }

    /// Opens a list protected by a passphrase.
    pub async fn unlock(&self, passphrase: &str) -> Result<(), ChangeError> {
        let text = self
            .record
            .read()
            .ok()
            .flatten()
            .ok_or(ChangeError::Vault(VaultError::BadContents))?;
        let envelope = Envelope::parse(&text).map_err(ChangeError::Vault)?;
        let KeySpec::Passphrase(params) = envelope.key.clone() else {
            // Not (or no longer) protected: just read it.
            self.reload().await;
            return Ok(());
        };
        let key = VaultKey::from_passphrase(passphrase, params)
            .await
            .map_err(ChangeError::Crypto)?;
        let wallet = decrypt(&key, &envelope).await.map_err(|p| match p {
            NotSaved::Unreadable(e) => ChangeError::Vault(e),
            _ => ChangeError::Vault(VaultError::WrongPassphrase),
        })?;
        let mut inner = self.inner.borrow_mut();
        inner.wallet = wallet;
        inner.key = Some(key);
        inner.seen = Some(text);
        inner.not_saved = None;
        Ok(())
    }

    /// Applies a change to the newest stored list and saves it; for an added token, its number.
    pub async fn apply(&self, op: WalletOp) -> Result<Option<u32>, ChangeError> {
        self.commit(Some(&op), None).await
    }

    /// Protects the list with a new passphrase (PBKDF2-SHA256, fresh salt).
    pub async fn set_passphrase(&self, passphrase: &str) -> Result<(), ChangeError> {
        check_passphrase(passphrase).map_err(ChangeError::Vault)?;
        let key = VaultKey::new_passphrase(passphrase)
            .await
            .map_err(ChangeError::Crypto)?;
        self.commit(None, Some(key)).await.map(|_| ())
    }

    /// Goes back to the device key.
    pub async fn remove_passphrase(&self) -> Result<(), ChangeError> {
        let key = VaultKey::device(&self.device_key)
            .await
            .map_err(ChangeError::Crypto)?;
        self.commit(None, Some(key)).await.map(|_| ())
    }

    /// Deletes a stored list that cannot be read or unlocked (the customer's decision), then
    /// saves what is in memory. `false` when there was nothing of the kind to delete.
    pub async fn discard(&self) -> bool {
        let seen = {
            let inner = self.inner.borrow();
            if !matches!(
                inner.not_saved,
                Some(NotSaved::Unreadable(_) | NotSaved::Locked)
            ) {
                return false;
            }
            inner.seen.clone()
        };
        if self.record.remove_if(seen.as_deref()) != Ok(Written::Done) {
            return false;
        }
        {
            let mut inner = self.inner.borrow_mut();
            inner.seen = None;
            inner.not_saved = None;
            inner.key = None;
        }
        let _ = self.commit(None, None).await;
        true
    }

    /// The compare-and-set loop: re-read, apply, seal, write if unchanged; again on conflict.
    async fn commit(
        &self,
        op: Option<&WalletOp>,
        new_key: Option<VaultKey>,
    ) -> Result<Option<u32>, ChangeError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.reload().await;
            let (mut wallet, not_saved, key, seen) = {
                let inner = self.inner.borrow();
                (
                    inner.wallet.clone(),
                    inner.not_saved.clone(),
                    new_key.clone().or_else(|| inner.key.clone()),
                    inner.seen.clone(),
                )
            };
            if not_saved == Some(NotSaved::Locked) {
                return Err(ChangeError::Locked);
            }
            let added = match op {
                Some(op) => wallet.apply(op).map_err(ChangeError::Wallet)?,
                None => None,
            };
            let saving = not_saved.is_none();
            let key = match (saving, key) {
                (false, _) => None,
                (true, Some(key)) => Some(key),
                (true, None) => match self.device_key().await {
                    Ok(key) => Some(key),
                    Err(e) => {
                        self.inner.borrow_mut().not_saved = Some(e.into());
                        None
                    }
                },
            };
            let Some(key) = key else {
                // In memory only (blocked, full, or unreadable data left untouched).
                self.inner.borrow_mut().wallet = wallet;
                return Ok(added);
            };
            let text = key
                .seal(WALLET_PURPOSE, wallet.encode().as_bytes())
                .await
                .map_err(ChangeError::Crypto)?;
            let written = self.record.write_if(seen.as_deref(), &text);
            let mut inner = self.inner.borrow_mut();
            match written {
                Ok(Written::Done) => {
                    inner.wallet = wallet;
                    inner.key = Some(key);
                    inner.seen = Some(text);
                    return Ok(added);
                }
                Ok(Written::Conflict) if attempt < ATTEMPTS => continue,
                Ok(Written::Conflict) => {
                    inner.wallet = wallet;
                    inner.not_saved = Some(NotSaved::Failed("busy".into()));
                    return Ok(added);
                }
                Err(e) => {
                    inner.wallet = wallet;
                    inner.not_saved = Some(e.into());
                    return Ok(added);
                }
            }
        }
    }
}

async fn decrypt(key: &VaultKey, envelope: &Envelope) -> Result<Wallet, NotSaved> {
    let plaintext = match key.open(WALLET_PURPOSE, envelope).await {
        Ok(p) => p,
        Err(OpenError::Vault(e)) => return Err(NotSaved::Unreadable(e)),
        Err(OpenError::NeedsPassphrase) => return Err(NotSaved::Locked),
        Err(OpenError::NeedsDeviceKey) => {
            return Err(NotSaved::Unreadable(VaultError::DeviceKeyMissing));
        }
        Err(OpenError::Crypto(e)) => return Err(e.into()),
    };
    let text = std::str::from_utf8(&plaintext)
        .map_err(|_| NotSaved::Unreadable(VaultError::BadContents))?;
    Wallet::decode(text).map_err(|_| NotSaved::Unreadable(VaultError::BadContents))
}
