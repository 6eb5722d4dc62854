//! The in-page token service kept in a key-value store (the page's `localStorage`, a map in
//! tests): its records ([`InPageService`]) under `records` through the one save cycle
//! ([`webtoken_engine::persist`]), its audit key under `audit-key` and its audit seal under
//! `audit-seal`, both apart from the records.
//!
//! Every call re-reads, changes, seals and writes with compare-and-set ([`Keeper::commit`]),
//! so two tabs never undo each other's validations, and one tab's calls run one at a time. A
//! call is answered only once its new state is saved: when storage is blocked, full or
//! unreadable, it fails with nothing changed, and [`InPage::not_saved`] says why; unreadable
//! records are left as they are.
//!
//! The audit log is chained under this device's own random key, made on first use (from the
//! [`Random`] given) and stored, sealed by the key sealer, only once records chained under it
//! are stored. The seal (count, head, tag) is stored after every write. Every call opens the
//! records with both ([`InPageService::open`]), so a log cut short or put back is found,
//! nothing is accepted from it, and [`InPage::audit_trouble`] says what is wrong. When another
//! tab stored its key meanwhile, the records are under that key: the call is made once more
//! with the stored key.
//!
//! ```
//! use webtoken_engine::persist::{MemoryKeyValue, now};
//! use webtoken_engine::random::SeededRandom;
//! use webtoken_token_service::InPage;
//! use webtoken_token_service::in_page::MemoryKeySealer;
//!
//! let store = MemoryKeyValue::default();
//! let sealer = || MemoryKeySealer::new("device");
//! let service = InPage::new(store.clone(), sealer(), sealer(), SeededRandom::new(1));
//! let issued = now(service.issue_shown(1_700_000_000, &|_| ())).expect("ready");
//! assert!(issued.is_ok());
//! // The next visit opens the stored key and finds the credential.
//! let next = InPage::new(store, sealer(), sealer(), SeededRandom::new(2));
//! let id = issued.expect("issued").token_id;
//! assert_eq!(now(next.peek(|s| s.state(&id).is_some())).expect("ready"), Some(true));
//! ```

use core::cell::RefCell;

use zeroize::Zeroizing;

use crate::{AuditKey, AuditSeal, ChainError, InPageService, Issued, ServiceError, TokenService};
use webtoken_engine::persist::{
    Change, Committed, Keeper, KeyRecord, KeyValue, Problem, Record, Sealer,
};
use webtoken_engine::random::Random;

mod memory;
#[cfg(test)]
mod tests;

pub use memory::{MemoryKeySealer, MemoryNotSaved};

/// The key of the records.
pub const RECORD_KEY: &str = "records";
/// The key of the audit key, sealed by the key sealer (apart from the records).
pub const AUDIT_KEY: &str = "audit-key";
/// The key of the audit log's seal, as JSON (apart from the records; its tag is a MAC under
/// the audit key).
pub const AUDIT_SEAL: &str = "audit-seal";

pub use webtoken_engine::persist::NotSavedError;

/// The in-page service: its records in `store` sealed by one sealer, its audit key sealed by
/// another, and its audit key and seal kept apart from the records (see the module docs).
pub struct InPage<K, S: Sealer, R> {
    keeper: Keeper<KeyRecord<K>, S, InPageService>,
    store: K,
    /// Seals the audit key.
    key_sealer: S,
    /// Makes the audit key.
    random: RefCell<R>,
    key: RefCell<Option<AuditKey>>,
    /// The audit key's bytes while it is made and not yet stored.
    pending: RefCell<Option<Zeroizing<[u8; 32]>>>,
    /// Why the records were not opened: their audit log does not check.
    trouble: RefCell<Option<ChainError>>,
    /// Why the audit key could not be had.
    no_key: RefCell<Option<S::Error>>,
}

/// A call's work on the opened service: the change it asks for (its answer it keeps itself).
pub type Work<'a> = dyn FnMut(&mut TokenService) -> Change<(), ()> + 'a;

impl<K, S, R> InPage<K, S, R>
where
    K: KeyValue + Clone,
    S: Sealer,
    S::Error: NotSavedError,
    R: Random,
{
    /// The service kept in `store`, its records sealed by `sealer`, its audit key sealed by
    /// `key_sealer` and made from `random`. Nothing is read yet: every call first reads what
    /// an earlier visit or another tab stored.
    pub fn new(store: K, sealer: S, key_sealer: S, random: R) -> Self {
        Self {
            keeper: Keeper::new(KeyRecord::new(store.clone(), RECORD_KEY), sealer),
            store,
            key_sealer,
            random: RefCell::new(random),
            key: RefCell::new(None),
            pending: RefCell::new(None),
            trouble: RefCell::new(None),
            no_key: RefCell::new(None),
        }
    }

    /// Reads and opens what is stored now (for a page that shows the service's state, and
    /// what is wrong with it, before any call).
    pub async fn load(&self) {
        let _ = self.run(&mut |_| Change::Keep(())).await;
    }

    /// Why the records are not being saved, if they are not (a log that does not check reads
    /// as [`NotSavedError::damaged`]; [`Self::audit_trouble`] says how).
    pub fn not_saved(&self) -> Option<S::Error> {
        (self.keeper.problem().map(S::Error::from))
            .or_else(|| self.no_key.borrow().clone())
            .or_else(|| self.trouble.borrow().as_ref().map(|_| S::Error::damaged()))
    }

    /// Why the last call's records were not read or saved, as the save cycle says.
    pub fn problem(&self) -> Option<Problem<S::Error>> {
        self.keeper.problem()
    }

    /// What is wrong with the audit log, when the records were not opened because of it.
    pub fn audit_trouble(&self) -> Option<ChainError> {
        self.trouble.borrow().clone()
    }

    /// Shows `look` the records as found by the last call.
    pub fn with<T>(&self, look: impl FnOnce(&InPageService) -> T) -> T {
        self.keeper.with(look)
    }

    /// Issues a credential at `now`, handing each attempt's credential to `shown` as soon as
    /// it is issued in memory, before the records are saved: the token can show its code while
    /// they are written. A save that fails is [`ServiceError::NotSaved`], and the credential
    /// shown is gone. Another tab writing in between means another attempt, with another
    /// credential: the one returned is the one saved. `shown` runs while the records are
    /// borrowed, so it must not call this service.
    pub async fn issue_shown(
        &self,
        now: u64,
        shown: &dyn Fn(&Issued),
    ) -> Result<Issued, ServiceError> {
        let mut answer = None;
        let committed = self
            .run(&mut |service| {
                let issued = service.issue(now);
                if let Ok(issued) = &issued {
                    shown(issued);
                }
                let change = if issued.is_ok() {
                    Change::Save(())
                } else {
                    Change::Refuse(())
                };
                answer = Some(issued);
                change
            })
            .await;
        match (committed, answer) {
            (Some(Committed::Saved(())), Some(Ok(issued))) => Ok(issued),
            (Some(Committed::Refused(())), Some(Err(e))) => Err(e),
            _ => Err(ServiceError::NotSaved),
        }
    }

    /// Shows `look` the newest stored state without changing it; `None` when it cannot be
    /// read.
    pub async fn peek<T>(&self, look: impl FnOnce(&TokenService) -> T) -> Option<T> {
        let (mut look, mut answer) = (Some(look), None);
        let committed = self
            .run(&mut |service| {
                answer = look.take().map(|look| look(service));
                Change::Keep(())
            })
            .await;
        match committed {
            Some(Committed::Saved(())) => answer,
            _ => None,
        }
    }

    /// Deletes unreadable stored records (the customer's decision) and starts saving again;
    /// `false` when there were none, or they could not be deleted.
    pub async fn discard_unreadable(&self) -> bool {
        if !self.not_saved().is_some_and(|e| e.is_unreadable()) {
            return false;
        }
        if self.trouble.borrow().is_some() {
            // The records read, but their log does not check: they go as a new service's.
            let emptied = self.keeper.commit(|records| {
                *records = InPageService::absent();
                Change::<(), ()>::Save(())
            });
            if !matches!(emptied.await, Committed::Saved(())) {
                return false;
            }
            let _ = self.store.remove(AUDIT_SEAL);
            self.trouble.take();
            return true;
        }
        // Nothing was done in memory meanwhile: the next call saves afresh.
        self.keeper.discard().await
    }

    /// `work` on the opened service, committed ([`Keeper::commit`]); `None` when the audit
    /// key cannot be had or the records do not open (their log does not check: nothing in
    /// them is used). The seal is stored apart after every call that wrote the records.
    /// Not generic (the answer is the caller's to keep, from `work`): one copy in the wasm.
    pub async fn run(&self, work: &mut Work<'_>) -> Option<Committed<(), (), S::Error>> {
        // Records under another key than this tab's (another tab made or stored its key
        // meanwhile): once more, with the key stored now.
        for _ in 0..2 {
            let key = match self.audit_key().await {
                Ok(key) => key,
                Err(e) => {
                    *self.no_key.borrow_mut() = Some(e);
                    return None;
                }
            };
            self.no_key.take();
            let committed = self.run_with(&key, work).await;
            let stored = |name| matches!(self.store.get(name), Ok(Some(_)));
            let mismatch = matches!(*self.trouble.borrow(), Some(ChainError::KeyMismatch));
            if mismatch && stored(AUDIT_KEY) && self.key.borrow().is_some() {
                self.pending.take();
                self.key.take();
                continue;
            }
            // Once records chained under a key made here are stored, the key is stored too.
            let pending = self.pending.borrow().is_some();
            if let (true, Committed::Saved(_)) = (pending && stored(RECORD_KEY), &committed)
                && let Err(e) = self.keep_key().await
            {
                *self.no_key.borrow_mut() = Some(e);
            }
            return match committed {
                Committed::Saved(()) => Some(Committed::Saved(())),
                Committed::Refused(Some(())) => Some(Committed::Refused(())),
                Committed::Refused(None) => None,
                Committed::Failed(problem) => Some(Committed::Failed(problem)),
            };
        }
        None
    }

    /// One commit of `work` on the records opened under `key`.
    async fn run_with(
        &self,
        key: &AuditKey,
        work: &mut Work<'_>,
    ) -> Committed<(), Option<()>, S::Error> {
        // Read before the records: another tab writes its records first, then their seal, so
        // the seal read here is never ahead of the records read next.
        let seal = self.seal();
        let (mut trouble, mut writes) = (None, false);
        let committed = self
            .keeper
            .commit(|records| match records.open(key, seal.as_ref()) {
                Ok(service) => {
                    trouble = None;
                    let change = work(service);
                    writes = matches!(change, Change::Save(_));
                    lift(change)
                }
                Err(ServiceError::AuditChain(e)) => {
                    trouble = Some(e);
                    Change::Refuse(None)
                }
                Err(_) => {
                    trouble = Some(ChainError::SealForged);
                    Change::Refuse(None)
                }
            })
            .await;
        *self.trouble.borrow_mut() = trouble;
        let opened = self
            .keeper
            .with(|records| records.opened().map(TokenService::audit_seal));
        // Only after a write: what is stored is then what was opened (not, say, a record of
        // an earlier version chained again in memory only).
        if let (Some(seal), Committed::Saved(_), true) = (opened, &committed, writes) {
            // Only protection is lost if this fails: the next save writes it again, and a seal
            // one save behind still opens the records.
            let _ = self
                .store
                .set(AUDIT_SEAL, &webtoken_engine::json::to_string(&seal));
        }
        committed
    }

    /// The seal stored apart, if any; one that cannot be read is a seal that does not verify.
    fn seal(&self) -> Option<AuditSeal> {
        let text = self.store.get(AUDIT_SEAL).ok().flatten()?;
        Some(webtoken_engine::json::from_str(&text).unwrap_or(AuditSeal {
            count: 0,
            rotated: 0,
            head: [0; 32],
            tag: [0; 32],
        }))
    }

    /// This device's audit key: known, or opened from storage (by the key sealer), or made
    /// (32 bytes from the [`Random`]) and kept in memory until records are stored under it
    /// ([`InPage::keep_key`]): a first visit's token need not wait for the key sealer to show
    /// its code.
    async fn audit_key(&self) -> Result<AuditKey, S::Error> {
        if let Some(key) = self.key.borrow().clone() {
            return Ok(key);
        }
        let key = match self.store.get(AUDIT_KEY)? {
            Some(text) => {
                let opened = self.key_sealer.open(&text).await?;
                let bytes = core::str::from_utf8(&opened.plain)
                    .ok()
                    .and_then(webtoken_engine::hex::from_hex)
                    .map(Zeroizing::new)
                    .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                    .ok_or_else(|| S::Error::from(Problem::Decode("not an audit key".into())))?;
                AuditKey::from_bytes(bytes)
            }
            None => {
                let mut bytes = Zeroizing::new([0_u8; 32]);
                (self.random.borrow_mut().fill(&mut *bytes)).map_err(S::Error::no_random)?;
                let key = AuditKey::from_bytes(*bytes);
                *self.pending.borrow_mut() = Some(bytes);
                key
            }
        };
        *self.key.borrow_mut() = Some(key.clone());
        Ok(key)
    }

    /// Stores the key made by [`InPage::audit_key`], sealed by the key sealer, once records
    /// chained under it are stored.
    async fn keep_key(&self) -> Result<(), S::Error> {
        let Some(bytes) = self.pending.borrow().clone() else {
            return Ok(());
        };
        let hex = Zeroizing::new(webtoken_engine::hex::to_hex(&*bytes));
        let sealed = self.key_sealer.seal(&hex, 1).await?;
        self.store.set(AUDIT_KEY, &sealed)?;
        self.pending.take();
        Ok(())
    }
}

/// `change`, whose refusal may also be "the records did not open" (`None`).
fn lift<R, X>(change: Change<R, X>) -> Change<R, Option<X>> {
    match change {
        Change::Save(r) => Change::Save(r),
        Change::Keep(r) => Change::Keep(r),
        Change::Refuse(x) => Change::Refuse(Some(x)),
    }
}
