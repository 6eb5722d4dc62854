//! The page's handle on the token service. By default the service runs in the page
//! (client-side); every call is `async` so that a remote service over HTTP fits the same shape.
//!
//! The in-page service keeps its records (credentials with their secrets, and the audit log)
//! in `localStorage`, encrypted with AES-256-GCM under its own non-extractable device key in
//! IndexedDB: separate from the token's storage and key, as a vendor's records are separate
//! from the customer's device. Every call re-reads the stored records first and writes with
//! compare-and-set, so two tabs never undo each other's validations. When storage is blocked,
//! full or unreadable, the service works in memory for the visit and says so
//! ([`ServiceHandle::not_saved`]); unreadable records are left as they are.

use std::cell::{Cell, RefCell};

use super::crypto::{OpenError, VaultKey};
use super::remote::Remote;
use super::sealed::{NotSaved, SealedRecord, Written};
use super::storage::Store;
use webtoken_bank::{Command, Event, execute};
use webtoken_token::vault::{Envelope, VaultError};
use webtoken_token_service::{
    AuditKey, Issued, MemoryStore, Policy, ServiceError, Snapshot, TokenService,
};

/// The `localStorage` prefix of the page's token service.
pub const SERVICE_PREFIX: &str = "webtoken.service.";
/// The additional-data purpose of the service's record.
pub const SERVICE_PURPOSE: &str = "token-service";
const RECORD_KEY: &str = "records";
/// Attempts at a compare-and-set write before giving up on saving one change.
const ATTEMPTS: usize = 4;

/// Where the service's records are stored, and how that is going.
struct Persistence {
    record: SealedRecord,
    /// The IndexedDB name of the service's device key.
    key_name: String,
    /// The device key, read (or made) on first use.
    key: RefCell<Option<VaultKey>>,
    /// The stored text the in-memory service was read from or last wrote.
    seen: RefCell<Option<String>>,
    /// `Some` while the records are kept in memory only.
    not_saved: RefCell<Option<NotSaved>>,
}

/// The token service the page talks to: in the page (the default), or remote over HTTP.
pub struct ServiceHandle {
    in_page: RefCell<TokenService<MemoryStore>>,
    persistence: Option<Persistence>,
    remote: Option<Remote>,
    /// Set while a read-change-save cycle runs: cycles of one tab run one at a time, so a
    /// slower save can never write an older snapshot over a newer one.
    busy: Cell<bool>,
}

/// Clears the busy flag when a cycle ends, however it ends.
struct Turn<'a>(&'a Cell<bool>);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

fn fresh() -> TokenService<MemoryStore> {
    TokenService::new(MemoryStore::default(), Policy::default()).with_audit_key(audit_key())
}

/// The in-page service's audit key. Not yet the device key store's: a fixed, public key, so
/// the chain here proves no more than an unkeyed hash, and the seal is not yet stored apart
/// (`open` restores without one). Both belong to the save cycle.
fn audit_key() -> AuditKey {
    AuditKey::from_bytes(*b"webtoken in-page audit key (v2).")
}

impl ServiceHandle {
    /// A token service running inside the page, with the default policy, in memory only.
    pub fn in_page() -> Self {
        Self {
            in_page: RefCell::new(fresh()),
            persistence: None,
            remote: None,
            busy: Cell::new(false),
        }
    }

    /// A remote token service at `base` (an origin); the page keeps none of its records.
    pub fn remote(base: &str) -> Self {
        Self {
            in_page: RefCell::new(fresh()),
            persistence: None,
            remote: Some(Remote::new(base)),
            busy: Cell::new(false),
        }
    }

    /// The remote service, when the page uses one.
    pub fn remote_service(&self) -> Option<&Remote> {
        self.remote.as_ref()
    }

    /// The in-page service with its records stored under `prefix` (see the module docs).
    /// Nothing is read yet: every call first reads what an earlier visit or another tab stored.
    pub fn persistent(prefix: &str) -> Self {
        let record = SealedRecord::new(Store::open(prefix), RECORD_KEY, SERVICE_PURPOSE);
        let problem = record.read().err().map(NotSaved::from);
        Self {
            in_page: RefCell::new(fresh()),
            persistence: Some(Persistence {
                record,
                key_name: format!("{prefix}device-key"),
                key: RefCell::new(None),
                seen: RefCell::new(None),
                not_saved: RefCell::new(problem),
            }),
            remote: None,
            busy: Cell::new(false),
        }
    }

    /// Reads what is stored now (for a page that shows the service's state before any call).
    pub async fn load(&self) {
        // In turn with the read-change-save cycles, so that a read at start-up never
        // interleaves with a bank command's cycle.
        let _turn = self.turn().await;
        self.refresh().await;
    }

    /// Why the service's records are not being saved, if they are not.
    pub fn not_saved(&self) -> Option<NotSaved> {
        self.persistence
            .as_ref()
            .and_then(|p| p.not_saved.borrow().clone())
    }

    /// Issues a new credential (Token ID, secret and parameters) at `now`.
    pub async fn issue(&self, now: u64) -> Result<Issued, ServiceError> {
        self.issue_shown(now, &|_| ()).await
    }

    /// [`Self::issue`], handing each attempt's credential to `shown` as soon as it is issued
    /// in memory, before the records are saved: the token can show its code while they are
    /// written (on a first visit that includes making the service's device key, so two tabs
    /// on a first visit at once clash more often than before). Another tab writing in between
    /// means another attempt, with another credential: the one returned is the one saved.
    /// `shown` runs while the in-page service is borrowed, so it must not call this handle;
    /// it is never called for a remote service, whose answer is the first news.
    pub async fn issue_shown(
        &self,
        now: u64,
        shown: &dyn Fn(&Issued),
    ) -> Result<Issued, ServiceError> {
        if let Some(remote) = &self.remote {
            // The server's clock, not the page's, decides the issue time.
            return remote.issue().await;
        }
        self.transact(|service| {
            let issued = service.issue(now);
            if let Ok(issued) = &issued {
                shown(issued);
            }
            issued
        })
        .await
    }

    /// Carries out one of the bank's commands and returns the answering event
    /// (`None` for [`Command::SaveBank`], which is the bank view's to do).
    pub async fn execute(&self, command: Command, now: u64) -> Option<Event> {
        if matches!(command, Command::SaveBank) {
            return None;
        }
        if let Some(remote) = &self.remote {
            return remote.execute(command).await;
        }
        self.transact(|service| execute(service, command.clone(), now))
            .await
    }

    /// Deletes unreadable stored records (the customer's decision) and starts saving again.
    pub async fn discard_unreadable(&self) -> bool {
        let Some(p) = &self.persistence else {
            return false;
        };
        let unreadable = matches!(*p.not_saved.borrow(), Some(NotSaved::Unreadable(_)));
        if !unreadable || p.key.borrow().is_none() {
            return false;
        }
        if let Ok(Some(stored)) = p.record.read()
            && p.record.remove_if(Some(&stored)) == Ok(Written::Done)
        {
            *p.seen.borrow_mut() = None;
            *p.not_saved.borrow_mut() = None;
            // Save what was done in memory meanwhile.
            self.transact(|_| ()).await;
            return true;
        }
        false
    }

    /// The service's device key: read (or made) on first use, then kept. `None` for a service
    /// that stores nothing, and when there is none to be had: the records are then kept in
    /// memory only, and `not_saved` says why.
    async fn key(&self) -> Option<VaultKey> {
        let p = self.persistence.as_ref()?;
        let known = p.key.borrow().clone();
        if known.is_some() {
            return known;
        }
        match VaultKey::device(&p.key_name).await {
            Ok(key) => {
                *p.key.borrow_mut() = Some(key.clone());
                Some(key)
            }
            Err(e) => {
                *p.not_saved.borrow_mut() = Some(e.into());
                None
            }
        }
    }

    /// Re-reads the stored records when another tab has changed them. `false` when they
    /// cannot be read (the service then works in memory, and says so).
    async fn refresh(&self) -> bool {
        let Some(p) = &self.persistence else {
            return true;
        };
        if p.not_saved.borrow().is_some() {
            return false;
        }
        let stored = match p.record.read() {
            Ok(stored) => stored,
            Err(e) => {
                *p.not_saved.borrow_mut() = Some(e.into());
                return false;
            }
        };
        if *p.seen.borrow() == stored {
            return true;
        }
        let service = match &stored {
            // Never stored yet, or removed by another tab: an empty service. No key is needed
            // until it is saved (a first visit's issuing does not wait for the key store).
            None => fresh(),
            Some(text) => {
                let Some(key) = self.key().await else {
                    return false;
                };
                match open(&key, text).await {
                    Ok(service) => service,
                    Err(problem) => {
                        *p.not_saved.borrow_mut() = Some(problem);
                        return false;
                    }
                }
            }
        };
        *self.in_page.borrow_mut() = service;
        *p.seen.borrow_mut() = stored;
        true
    }

    /// Shows `look` the in-page service's newest state without changing it (the staff's time
    /// lab inspects with it); `None` for a remote service, whose state the page cannot see.
    pub async fn peek<R>(&self, look: impl FnOnce(&TokenService<MemoryStore>) -> R) -> Option<R> {
        if self.remote.is_some() {
            return None;
        }
        let _turn = self.turn().await;
        self.refresh().await;
        Some(look(&self.in_page.borrow()))
    }

    /// Waits for this tab's previous read-change-save cycle to end, and starts one.
    async fn turn(&self) -> Turn<'_> {
        // The page is single-threaded: nothing runs between the check and the set.
        while self.busy.get() {
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        self.busy.set(true);
        Turn(&self.busy)
    }

    /// Runs `op` on the newest stored state and saves the result with compare-and-set,
    /// running `op` again on the newer state when another tab wrote in between.
    async fn transact<R>(&self, op: impl Fn(&TokenService<MemoryStore>) -> R) -> R {
        let mut result = None;
        self.save_cycle(&mut |service| result = Some(op(service)))
            .await;
        result.expect("save_cycle runs `op` before it returns")
    }

    /// [`Self::transact`]'s work, not generic: the wasm holds one copy of the save cycle, not one
    /// per kind of operation. `op` runs at least once, on each attempt's newest state.
    async fn save_cycle(&self, op: &mut dyn FnMut(&TokenService<MemoryStore>)) {
        let _turn = self.turn().await;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let saving = self.refresh().await;
            op(&self.in_page.borrow());
            let (Some(p), true) = (&self.persistence, saving) else {
                return;
            };
            let Some(key) = self.key().await else {
                return;
            };
            let json = webtoken_engine::json::to_string(&self.in_page.borrow().snapshot());
            let text = match key.seal(p.record.purpose(), json.as_bytes()).await {
                Ok(text) => text,
                Err(e) => {
                    *p.not_saved.borrow_mut() = Some(e.into());
                    return;
                }
            };
            let seen = p.seen.borrow().clone();
            match p.record.write_if(seen.as_deref(), &text) {
                Ok(Written::Done) => {
                    *p.seen.borrow_mut() = Some(text);
                    return;
                }
                Ok(Written::Conflict) if attempt < ATTEMPTS => continue,
                Ok(Written::Conflict) => {
                    *p.not_saved.borrow_mut() = Some(NotSaved::Failed("busy".into()));
                    return;
                }
                Err(e) => {
                    *p.not_saved.borrow_mut() = Some(e.into());
                    return;
                }
            }
        }
    }
}

/// Decrypts and restores stored records.
async fn open(key: &VaultKey, text: &str) -> Result<TokenService<MemoryStore>, NotSaved> {
    let unreadable = |e: VaultError| NotSaved::Unreadable(e);
    let envelope = Envelope::parse(text).map_err(unreadable)?;
    let plaintext = match key.open(SERVICE_PURPOSE, &envelope).await {
        Ok(p) => p,
        Err(OpenError::Vault(e)) => return Err(unreadable(e)),
        Err(OpenError::Crypto(e)) => return Err(e.into()),
        Err(_) => return Err(unreadable(VaultError::DeviceKeyMissing)),
    };
    let json = std::str::from_utf8(&plaintext).map_err(|_| unreadable(VaultError::BadContents))?;
    let snapshot: Snapshot =
        webtoken_engine::json::from_str(json).map_err(|_| unreadable(VaultError::BadContents))?;
    TokenService::restore(
        MemoryStore::default(),
        Policy::default(),
        snapshot,
        audit_key(),
        None,
    )
    .map_err(|_| unreadable(VaultError::BadContents))
}
