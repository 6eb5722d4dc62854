//! The page's handle on the token service: in the page (client-side, the default) or remote
//! over HTTP; every call is `async` so that both fit the same shape.
//!
//! The in-page service keeps its records (credentials with their secrets, and the audit log)
//! in `localStorage`, encrypted with AES-256-GCM under its own non-extractable device key in
//! IndexedDB: separate from the token's storage and key, as a vendor's records are separate
//! from the customer's device. Every call goes through the core's save cycle
//! ([`webtoken_engine::persist`]): re-read, change, seal, compare-and-set, again on a
//! conflict, so two tabs never undo each other's validations, and one tab's calls run one at
//! a time. An issue, validation, resync, stop or unlock is answered only once its new state is
//! saved ([`Keeper::commit`]): when storage is blocked, full or unreadable, it fails with
//! nothing changed, and [`ServiceHandle::not_saved`] says why; unreadable records are left as
//! they are.
//!
//! The audit log is chained under this device's own random key, made on first use and stored
//! under `audit-key` sealed with the service's device key; its seal (count, head, tag) is
//! stored under `audit-seal` after every save. Both are apart from the records: every call
//! opens the records with them ([`InPageService::open`]), so a log cut short or put back is
//! found, nothing is accepted from it, and [`ServiceHandle::audit_trouble`] says what is wrong.

use std::cell::RefCell;

use super::remote::Remote;
use super::sealed::{NotSaved, VaultSealer};
use super::storage::{Store, StoredRecord};
use webtoken_bank::section::health::{RecordsTrouble, ServiceHealth};
use webtoken_bank::{Command, Event, changes_records, execute_mut, not_saved};
use webtoken_engine::persist::{Change, Committed, Keeper, KeyValue, Problem, Sealer};
use webtoken_engine::random::{OsRandom, Random};
use webtoken_token::vault::VaultError;
use webtoken_token_service::{
    AuditKey, AuditSeal, ChainError, InPageService, Issued, MemoryStore, ServiceError, TokenService,
};
use zeroize::Zeroizing;

/// The `localStorage` prefix of the page's token service.
pub const SERVICE_PREFIX: &str = "webtoken.service.";
/// The additional-data purpose of the service's record.
pub const SERVICE_PURPOSE: &str = "token-service";
const RECORD_KEY: &str = "records";
/// The audit key, sealed under the service's device key (apart from the records).
const AUDIT_KEY: &str = "audit-key";
/// The additional-data purpose of the sealed audit key.
const AUDIT_KEY_PURPOSE: &str = "token-service-audit-key";
/// The audit log's seal, as JSON (apart from the records; its tag is a MAC under the key).
const AUDIT_SEAL: &str = "audit-seal";

/// The in-page service: its records, and its audit key and seal kept apart from them.
pub struct InPage {
    keeper: Keeper<StoredRecord, VaultSealer, InPageService>,
    store: Store,
    /// Seals the audit key under the service's device key.
    key_sealer: VaultSealer,
    key: RefCell<Option<AuditKey>>,
    /// The audit key's bytes while it is made and not yet stored.
    pending: RefCell<Option<Zeroizing<[u8; 32]>>>,
    /// Why the records were not opened: their audit log does not check.
    trouble: RefCell<Option<ChainError>>,
    /// Why the audit key could not be had.
    no_key: RefCell<Option<NotSaved>>,
}

/// The token service the page talks to.
pub enum ServiceHandle {
    /// Running in the page, its records stored under a `localStorage` prefix.
    InPage(Box<InPage>),
    /// Remote over HTTP: the page keeps none of its records.
    Remote(Remote),
}

impl ServiceHandle {
    /// A remote token service at `base` (an origin); the page keeps none of its records.
    pub fn remote(base: &str) -> Self {
        Self::Remote(Remote::new(base))
    }

    /// The remote service, when the page uses one.
    pub fn remote_service(&self) -> Option<&Remote> {
        match self {
            Self::Remote(remote) => Some(remote),
            Self::InPage(_) => None,
        }
    }

    /// The in-page service with its records stored under `prefix` (see the module docs).
    /// Nothing is read yet: every call first reads what an earlier visit or another tab stored.
    pub fn persistent(prefix: &str) -> Self {
        let store = Store::open(prefix);
        let record = StoredRecord::new(store.clone(), RECORD_KEY);
        let device_name = format!("{prefix}device-key");
        let sealer = VaultSealer::new(SERVICE_PURPOSE, device_name.clone(), false);
        Self::InPage(Box::new(InPage {
            keeper: Keeper::new(record, sealer),
            store,
            key_sealer: VaultSealer::new(AUDIT_KEY_PURPOSE, device_name, false),
            key: RefCell::new(None),
            pending: RefCell::new(None),
            trouble: RefCell::new(None),
            no_key: RefCell::new(None),
        }))
    }

    /// Reads and opens what is stored now (for a page that shows the service's state, and
    /// what is wrong with it, before any call).
    pub async fn load(&self) {
        if let Self::InPage(in_page) = self {
            let _ = in_page.run(&mut |_| Change::Keep(())).await;
        }
    }

    /// Why the service's records are not being saved, if they are not (a log that does not
    /// check reads as damaged here; [`Self::audit_trouble`] says how).
    pub fn not_saved(&self) -> Option<NotSaved> {
        let Self::InPage(in_page) = self else {
            return None;
        };
        (in_page.keeper.problem().map(NotSaved::from))
            .or_else(|| in_page.no_key.borrow().clone())
            .or_else(|| {
                (in_page.trouble.borrow().as_ref())
                    .map(|_| NotSaved::Unreadable(VaultError::Damaged))
            })
    }

    /// The in-page service's records as found by the last call, for the staff screens: put
    /// back, unreadable or with an audit log that does not check, and the stored credentials
    /// that cannot be read. Nothing for a remote service, whose server holds the records.
    pub fn health(&self) -> ServiceHealth {
        let Self::InPage(in_page) = self else {
            return ServiceHealth::default();
        };
        let trouble = match in_page.keeper.problem() {
            Some(Problem::RolledBack { found, highest }) => {
                Some(RecordsTrouble::RolledBack { found, highest })
            }
            Some(problem) if problem.is_unreadable() => Some(RecordsTrouble::Unreadable),
            _ => self.audit_trouble().map(RecordsTrouble::Chain),
        };
        let unreadable = in_page.keeper.with(|records| {
            (records.opened().into_iter())
                .flat_map(|service| service.unreadable())
                .map(|u| (u.token_id.clone(), u.kept.why.clone()))
                .collect()
        });
        ServiceHealth {
            trouble,
            unreadable,
        }
    }

    /// What is wrong with the in-page service's audit log, when its records were not opened
    /// because of it (for the staff page).
    pub fn audit_trouble(&self) -> Option<ChainError> {
        match self {
            Self::InPage(in_page) => in_page.trouble.borrow().clone(),
            Self::Remote(_) => None,
        }
    }

    /// Issues a new credential (Token ID, secret and parameters) at `now`.
    pub async fn issue(&self, now: u64) -> Result<Issued, ServiceError> {
        self.issue_shown(now, &|_| ()).await
    }

    /// [`Self::issue`], handing each attempt's credential to `shown` as soon as it is issued
    /// in memory, before the records are saved: the token can show its code while they are
    /// written (on a first visit that includes making the service's device key, so two tabs
    /// on a first visit at once clash more often than before). A save that fails is
    /// [`ServiceError::NotSaved`], and the credential shown is gone. Another tab writing in between
    /// means another attempt, with another credential: the one returned is the one saved.
    /// `shown` runs while the in-page service is borrowed, so it must not call this handle;
    /// it is never called for a remote service, whose answer is the first news.
    pub async fn issue_shown(
        &self,
        now: u64,
        shown: &dyn Fn(&Issued),
    ) -> Result<Issued, ServiceError> {
        let in_page = match self {
            // The server's clock, not the page's, decides the issue time.
            Self::Remote(remote) => return remote.issue().await,
            Self::InPage(in_page) => in_page,
        };
        let mut answer = None;
        let committed = in_page
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

    /// Carries out one of the bank's commands and returns the answering event
    /// (`None` for [`Command::SaveBank`], which is the bank view's to do).
    pub async fn execute(&self, command: Command, now: u64) -> Option<Event> {
        if matches!(command, Command::SaveBank) {
            return None;
        }
        match self {
            Self::Remote(remote) => remote.execute(command).await,
            Self::InPage(in_page) => {
                let changes = changes_records(&command);
                let mut answer = None;
                let committed = in_page
                    .run(&mut |service| {
                        answer = execute_mut(service, command.clone(), now);
                        if changes {
                            Change::Save(())
                        } else {
                            Change::Keep(())
                        }
                    })
                    .await;
                match committed {
                    Some(Committed::Saved(())) => answer,
                    _ => not_saved(&command),
                }
            }
        }
    }

    /// Deletes unreadable stored records (the customer's decision) and starts saving again.
    pub async fn discard_unreadable(&self) -> bool {
        let Self::InPage(in_page) = self else {
            return false;
        };
        if !matches!(self.not_saved(), Some(NotSaved::Unreadable(_))) {
            return false;
        }
        if in_page.trouble.borrow().is_some() {
            // The records read, but their log does not check: they go as a new service's.
            let emptied = in_page.keeper.commit(|records| {
                *records = webtoken_engine::persist::Record::absent();
                Change::<(), ()>::Save(())
            });
            if !matches!(emptied.await, Committed::Saved(())) {
                return false;
            }
            let _ = in_page.store.remove(AUDIT_SEAL);
            in_page.trouble.take();
            return true;
        }
        // Nothing was done in memory meanwhile: the next call saves afresh.
        in_page.keeper.discard().await
    }

    /// Shows `look` the in-page service's newest state without changing it (the staff's time
    /// lab inspects with it); `None` for a remote service, whose state the page cannot see.
    pub async fn peek<R>(&self, look: impl FnOnce(&TokenService<MemoryStore>) -> R) -> Option<R> {
        let Self::InPage(in_page) = self else {
            return None;
        };
        let (mut look, mut answer) = (Some(look), None);
        let committed = in_page
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
}

/// A call's work on the opened service: the change it asks for (its answer it keeps itself).
type Work<'a> = dyn FnMut(&mut TokenService<MemoryStore>) -> Change<(), ()> + 'a;

impl InPage {
    /// `work` on the opened service, committed ([`Keeper::commit`]); `None` when the audit
    /// key cannot be had or the records do not open (their log does not check: nothing in
    /// them is used). The seal is stored apart after every call that opened stored records.
    /// Not generic (the answer is the caller's to keep, from `work`): one copy in the wasm.
    async fn run(&self, work: &mut Work<'_>) -> Option<Committed<(), (), NotSaved>> {
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
    ) -> Committed<(), Option<()>, NotSaved> {
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

    /// This device's audit key: known, or opened from storage (under the device key), or made
    /// (32 bytes from the CSPRNG, through the engine's [`Random`]) and kept in memory until
    /// records are stored under it ([`InPage::keep_key`]): a first visit's token need not
    /// wait for the key store (IndexedDB) to show its code.
    async fn audit_key(&self) -> Result<AuditKey, NotSaved> {
        if let Some(key) = self.key.borrow().clone() {
            return Ok(key);
        }
        let key = match self.store.get(AUDIT_KEY)? {
            Some(text) => {
                let opened = Sealer::open(&self.key_sealer, &text).await?;
                let bytes = core::str::from_utf8(&opened.plain)
                    .ok()
                    .and_then(webtoken_engine::hex::from_hex)
                    .map(Zeroizing::new)
                    .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                    .ok_or(NotSaved::Unreadable(VaultError::BadContents))?;
                AuditKey::from_bytes(bytes)
            }
            None => {
                let mut bytes = Zeroizing::new([0_u8; 32]);
                OsRandom
                    .fill(&mut *bytes)
                    .map_err(|e| NotSaved::Failed(e.to_string()))?;
                let key = AuditKey::from_bytes(*bytes);
                *self.pending.borrow_mut() = Some(bytes);
                key
            }
        };
        *self.key.borrow_mut() = Some(key.clone());
        Ok(key)
    }

    /// Stores the key made by [`InPage::audit_key`], sealed under the device key, once records
    /// chained under it are stored.
    async fn keep_key(&self) -> Result<(), NotSaved> {
        let Some(bytes) = self.pending.borrow().clone() else {
            return Ok(());
        };
        // The records' sealer's code, under another purpose: one copy of it in the wasm.
        let hex = Zeroizing::new(webtoken_engine::hex::to_hex(&*bytes));
        let sealed = Sealer::seal(&self.key_sealer, &hex, 1).await?;
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
