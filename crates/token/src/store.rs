//! The token's storage: the customer's list of tokens ([`Wallet`](crate::wallet::Wallet)), sealed under the token's
//! own device key or a passphrase key ([`crate::sealing`]), in a key-value store
//! (`localStorage` in the page, [`MemoryKeyValue`](webtoken_engine::persist::MemoryKeyValue) in
//! tests).
//!
//! Every change goes through the core's save cycle ([`webtoken_engine::persist`]): re-read the
//! stored list, apply a [`WalletOp`](crate::wallet::WalletOp), seal, write with compare-and-set, again on a conflict;
//! the page also re-reads when another tab writes. Storage blocked or full: the list works in
//! memory for the visit and says so. A stored list that cannot be read is never overwritten or
//! deleted until the customer says so ([`ListStore::discard`](crate::store::ListStore::discard)). An HOTP counter is advanced
//! only once it is saved ([`ListStore::advance`](crate::store::ListStore::advance)).

use crate::backup::Mark;
use crate::keys::CryptoError;
use crate::sealing::{Keys, NotSaved, VaultSealer};
use crate::vault::{
    DEFAULT_PBKDF2_ITERATIONS, Envelope, KeySpec, VaultError, check_passphrase, split_version,
};
use crate::wallet::{Wallet, WalletError, WalletOp};
use webtoken_engine::persist::{
    Change, Committed, Keeper, KeyRecord, KeyValue, Outcome, RecordStore,
};

#[cfg(test)]
pub(crate) mod tests;

/// The additional-data purpose of the token's record.
pub const WALLET_PURPOSE: &str = "token-wallet";
/// The key of the token's record in its store.
pub const RECORD_KEY: &str = "wallet";
/// The key of the last backup's mark ([`Mark`]), beside the list.
const BACKUP_MARK_KEY: &str = "backup-mark";

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
    /// The cipher failed.
    Crypto(CryptoError),
    /// The change could not be saved, so it was not made.
    NotSaved,
}

/// The customer's tokens and where they are stored: the record [`RECORD_KEY`] of `V`, sealed
/// with `K`'s keys.
pub struct ListStore<V, K: Keys> {
    keeper: Keeper<KeyRecord<V>, VaultSealer<K>, Wallet>,
    /// Where the last backup's mark is kept (no secret: stored as it is).
    marks: V,
}

impl<V: KeyValue + Clone, K: Keys> ListStore<V, K> {
    /// The list stored in `store`, sealed with `keys` under the device key `device_key` (nothing
    /// is read yet: see [`ListStore::reload`]).
    pub fn new(store: V, keys: K, device_key: String) -> Self {
        let sealer = VaultSealer::with_keys(keys, WALLET_PURPOSE, device_key, true);
        Self {
            keeper: Keeper::new(KeyRecord::new(store.clone(), RECORD_KEY), sealer),
            marks: store,
        }
    }

    /// The store the list is kept in.
    pub fn store(&self) -> &V {
        &self.marks
    }

    /// The key operations the list is sealed with.
    pub fn keys(&self) -> &K {
        self.keeper.sealer().keys()
    }

    /// A copy of the list.
    pub fn wallet(&self) -> Wallet {
        self.keeper.with(Wallet::clone)
    }

    /// Why the list is not being saved, if it is not.
    pub fn not_saved(&self) -> Option<NotSaved> {
        self.keeper.problem().map(NotSaved::from)
    }

    /// Whether this store has never held a list (and storage works): a first visit.
    pub fn is_first_visit(&self) -> bool {
        !self.keeper.has_seen()
            && self.keeper.problem().is_none()
            && self.keeper.with(Wallet::is_empty)
            && self.keeper.store().get() == Ok(None)
    }

    /// Whether the list is saved under a passphrase.
    pub fn uses_passphrase(&self) -> bool {
        self.keeper.sealer().uses_passphrase()
    }

    /// The PBKDF2 iterations of the passphrase that protects the list, if one does.
    pub fn passphrase_iterations(&self) -> Option<u32> {
        match K::spec(&self.keeper.sealer().key()?) {
            KeySpec::Passphrase(params) => Some(params.iterations()),
            KeySpec::Device { .. } => None,
        }
    }

    /// The last backup's mark, as stored here.
    pub fn backup_mark(&self) -> Option<Mark> {
        Mark::parse(&self.marks.get(BACKUP_MARK_KEY).ok()??)
    }

    /// Stores the last backup's mark; `false` when storage refused it.
    pub fn set_backup_mark(&self, mark: &Mark) -> bool {
        self.marks.set(BACKUP_MARK_KEY, &mark.to_text()).is_ok()
    }

    /// Reads the stored list again; `true` when it changed. Called at start and when another
    /// tab writes. Problems are kept in [`ListStore::not_saved`].
    pub async fn reload(&self) -> bool {
        let changed = self.keeper.refresh().await;
        if changed && !self.keeper.has_seen() {
            // Deleted by another tab: the empty list is saved under the device key.
            self.keeper.sealer().replace_key(None);
        }
        changed
    }

    /// Opens a list protected by a passphrase.
    pub async fn unlock(&self, passphrase: &str) -> Result<(), ChangeError> {
        let text = self
            .keeper
            .store()
            .get()
            .ok()
            .flatten()
            .ok_or(ChangeError::Vault(VaultError::BadContents))?;
        let (_, text) = split_version(&text).map_err(ChangeError::Vault)?;
        let envelope = Envelope::parse(text).map_err(ChangeError::Vault)?;
        let KeySpec::Passphrase(params) = envelope.key.clone() else {
            // Not (or no longer) protected: just read it.
            self.reload().await;
            return Ok(());
        };
        let key = self
            .keys()
            .derive(passphrase, params)
            .await
            .map_err(ChangeError::Crypto)?;
        let sealer = self.keeper.sealer();
        let previous = sealer.replace_key(Some(key));
        self.keeper.reopen().await.map_err(|problem| {
            sealer.replace_key(previous);
            match NotSaved::from(problem) {
                NotSaved::Unreadable(e) => ChangeError::Vault(e),
                _ => ChangeError::Vault(VaultError::WrongPassphrase),
            }
        })
    }

    /// Applies a change to the newest stored list and saves it; for an added token, its number.
    pub async fn apply(&self, op: WalletOp) -> Result<Option<u32>, ChangeError> {
        self.commit(Some(&op)).await
    }

    /// Advances HOTP token `id`'s counter on the newest stored list; answered only once the new
    /// counter is saved (otherwise nothing changes, in memory either): a code is never shown
    /// for a counter a reload would show again.
    pub async fn advance(&self, id: u32) -> Result<u64, ChangeError> {
        self.reload().await;
        if self.not_saved() == Some(NotSaved::Locked) {
            return Err(ChangeError::Locked);
        }
        let committed = self
            .keeper
            .commit(|wallet| on_copy(wallet, |changed| changed.advance(id)))
            .await;
        match committed {
            Committed::Saved(counter) => Ok(counter),
            Committed::Refused(e) => Err(e),
            Committed::Failed(_) => Err(ChangeError::NotSaved),
        }
    }

    /// Locks a list saved under a passphrase: forgets the key and the tokens in memory, then
    /// reads the stored list, which now waits for the passphrase ([`NotSaved::Locked`]).
    /// `false` (nothing done) for a list under the device key, or one not being saved.
    pub async fn lock(&self) -> bool {
        if !self.uses_passphrase() || self.not_saved().is_some() {
            return false;
        }
        self.keeper.sealer().replace_key(None);
        self.keeper.forget().await;
        self.reload().await;
        true
    }

    /// Protects the list with a new passphrase (PBKDF2-SHA256, fresh salt).
    pub async fn set_passphrase(&self, passphrase: &str) -> Result<(), ChangeError> {
        check_passphrase(passphrase).map_err(ChangeError::Vault)?;
        let key = self
            .keys()
            .new_passphrase(passphrase, DEFAULT_PBKDF2_ITERATIONS)
            .await
            .map_err(ChangeError::Crypto)?;
        self.rekey(key).await
    }

    /// Goes back to the device key.
    pub async fn remove_passphrase(&self) -> Result<(), ChangeError> {
        let sealer = self.keeper.sealer();
        let key = self
            .keys()
            .device(sealer.device_name())
            .await
            .map_err(ChangeError::Crypto)?;
        self.rekey(key).await
    }

    /// Saves the list under `key` from now on (if it is saved at all).
    async fn rekey(&self, key: K::Key) -> Result<(), ChangeError> {
        let sealer = self.keeper.sealer();
        sealer.set_next(key);
        let saved = self.commit(None).await;
        let next = sealer.take_next();
        if self.keeper.problem().is_none() && saved.is_ok() {
            sealer.replace_key(next);
        }
        saved.map(|_| ())
    }

    /// Deletes a stored list that cannot be read or unlocked (the customer's decision), then
    /// saves what is in memory. `false` when there was nothing of the kind to delete.
    pub async fn discard(&self) -> bool {
        if !matches!(
            self.not_saved(),
            Some(NotSaved::Unreadable(_) | NotSaved::Locked)
        ) || !self.keeper.discard().await
        {
            return false;
        }
        self.keeper.sealer().replace_key(None);
        let _ = self.commit(None).await;
        true
    }

    /// One save cycle of the core: `op` (none: save as it is) on the newest stored list.
    async fn commit(&self, op: Option<&WalletOp>) -> Result<Option<u32>, ChangeError> {
        self.reload().await;
        if self.not_saved() == Some(NotSaved::Locked) {
            return Err(ChangeError::Locked);
        }
        let outcome = self
            .keeper
            .change(|wallet| match op {
                Some(op) => on_copy(wallet, |changed| changed.apply(op)),
                None => Change::Save(None),
            })
            .await;
        // Not saved (blocked, full, unreadable data left untouched): kept in memory, and
        // `not_saved` says why.
        match outcome {
            Outcome::Saved(added) | Outcome::NotSaved(added, _) => Ok(added),
            Outcome::Refused(e) => Err(e),
        }
    }
}

/// `change` made on a copy of `wallet`, which takes it only if it succeeds: a refused change
/// leaves the list as it was.
fn on_copy<R>(
    wallet: &mut Wallet,
    change: impl FnOnce(&mut Wallet) -> Result<R, WalletError>,
) -> Change<R, ChangeError> {
    let mut changed = wallet.clone();
    match change(&mut changed) {
        Ok(answer) => {
            *wallet = changed;
            Change::Save(answer)
        }
        Err(e) => Change::Refuse(ChangeError::Wallet(e)),
    }
}
