//! The page's handle on the token service: in the page (client-side, the default) or remote
//! over HTTP; every call is `async` so that both fit the same shape.
//!
//! The in-page service is the core's [`InPage`] (its keeping, the audit key and seal, and their
//! rules are there, with native tests) over `localStorage`, its records and its audit key
//! sealed with AES-256-GCM under its own non-extractable device key in IndexedDB: separate
//! from the token's storage and key, as a vendor's records are separate from the customer's
//! device.

use super::crypto::VaultSealer;
use super::remote::Remote;
use super::storage::Store;
use webtoken_bank::section::health::ServiceHealth;
use webtoken_bank::{Command, Event};
use webtoken_engine::random::OsRandom;
use webtoken_token::sealing::NotSaved;
use webtoken_token_service::{ChainError, InPage, Issued, MemoryStore, ServiceError, TokenService};

/// The `localStorage` prefix of the page's token service.
pub const SERVICE_PREFIX: &str = "webtoken.service.";
/// The additional-data purpose of the service's record.
pub const SERVICE_PURPOSE: &str = "token-service";
/// The additional-data purpose of the sealed audit key.
const AUDIT_KEY_PURPOSE: &str = "token-service-audit-key";

/// The token service the page talks to.
pub enum ServiceHandle {
    /// Running in the page, its records stored under a `localStorage` prefix.
    InPage(Box<InPage<Store, VaultSealer, OsRandom>>),
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

    fn in_page(&self) -> Option<&InPage<Store, VaultSealer, OsRandom>> {
        match self {
            Self::InPage(in_page) => Some(in_page),
            Self::Remote(_) => None,
        }
    }

    /// The in-page service with its records stored under `prefix` (see the module docs).
    /// Nothing is read yet: every call first reads what an earlier visit or another tab stored.
    pub fn persistent(prefix: &str) -> Self {
        let device_name = webtoken_engine::persist::device_key_name(prefix);
        let sealer = |purpose| VaultSealer::new(purpose, device_name.clone(), false);
        let (records, key) = (sealer(SERVICE_PURPOSE), sealer(AUDIT_KEY_PURPOSE));
        Self::InPage(Box::new(InPage::new(
            Store::open(prefix),
            records,
            key,
            OsRandom,
        )))
    }

    /// Reads and opens what is stored now (for a page that shows the service's state, and
    /// what is wrong with it, before any call).
    pub async fn load(&self) {
        if let Some(in_page) = self.in_page() {
            in_page.load().await;
        }
    }

    /// Why the service's records are not being saved, if they are not ([`InPage::not_saved`]).
    pub fn not_saved(&self) -> Option<NotSaved> {
        self.in_page()?.not_saved()
    }

    /// The in-page service's records as found by the last call, for the staff screens
    /// ([`ServiceHealth::of`]); nothing for a remote service, whose server holds the records.
    pub fn health(&self) -> ServiceHealth {
        self.in_page().map(ServiceHealth::of).unwrap_or_default()
    }

    /// What is wrong with the in-page service's audit log, when its records were not opened
    /// because of it (for the staff page).
    pub fn audit_trouble(&self) -> Option<ChainError> {
        self.in_page()?.audit_trouble()
    }

    /// Issues a new credential (Token ID, secret and parameters) at `now`.
    pub async fn issue(&self, now: u64) -> Result<Issued, ServiceError> {
        self.issue_shown(now, &|_| ()).await
    }

    /// [`Self::issue`], handing the credential to `shown` before the records are saved
    /// ([`InPage::issue_shown`]); never called for a remote service, whose answer is the first
    /// news.
    pub async fn issue_shown(
        &self,
        now: u64,
        shown: &dyn Fn(&Issued),
    ) -> Result<Issued, ServiceError> {
        match self {
            // The server's clock, not the page's, decides the issue time.
            Self::Remote(remote) => remote.issue().await,
            Self::InPage(in_page) => in_page.issue_shown(now, shown).await,
        }
    }

    /// Carries out one of the bank's commands and returns the answering event
    /// (`None` for [`Command::SaveBank`], which is the bank view's to do).
    pub async fn execute(&self, command: Command, now: u64) -> Option<Event> {
        match self {
            Self::Remote(remote) => remote.execute(command).await,
            Self::InPage(in_page) => webtoken_bank::execute_in_page(in_page, command, now).await,
        }
    }

    /// Deletes unreadable stored records (the customer's decision) and starts saving again.
    pub async fn discard_unreadable(&self) -> bool {
        match self.in_page() {
            Some(in_page) => in_page.discard_unreadable().await,
            None => false,
        }
    }

    /// Shows `look` the in-page service's newest state without changing it (the staff's time
    /// lab inspects with it); `None` for a remote service, whose state the page cannot see.
    pub async fn peek<R>(&self, look: impl FnOnce(&TokenService<MemoryStore>) -> R) -> Option<R> {
        self.in_page()?.peek(look).await
    }
}
