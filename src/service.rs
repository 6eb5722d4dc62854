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

use std::convert::Infallible;

use super::remote::Remote;
use super::sealed::{NotSaved, VaultSealer};
use super::storage::{Store, StoredRecord};
use webtoken_bank::{Command, Event, changes_records, execute, not_saved};
use webtoken_engine::persist::{Change, Committed, Keeper};
use webtoken_token_service::{Issued, MemoryStore, ServiceError, TokenService};

/// The `localStorage` prefix of the page's token service.
pub const SERVICE_PREFIX: &str = "webtoken.service.";
/// The additional-data purpose of the service's record.
pub const SERVICE_PURPOSE: &str = "token-service";
const RECORD_KEY: &str = "records";

/// The in-page service and where its records are kept.
type InPage = Keeper<StoredRecord, VaultSealer, TokenService<MemoryStore>>;

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
        let record = StoredRecord::new(Store::open(prefix), RECORD_KEY);
        let sealer = VaultSealer::new(SERVICE_PURPOSE, format!("{prefix}device-key"), false);
        Self::InPage(Box::new(Keeper::new(record, sealer)))
    }

    /// Reads what is stored now (for a page that shows the service's state before any call).
    pub async fn load(&self) {
        if let Self::InPage(keeper) = self {
            keeper.refresh().await;
        }
    }

    /// Why the service's records are not being saved, if they are not.
    pub fn not_saved(&self) -> Option<NotSaved> {
        match self {
            Self::InPage(keeper) => keeper.problem().map(NotSaved::from),
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
        let keeper = match self {
            // The server's clock, not the page's, decides the issue time.
            Self::Remote(remote) => return remote.issue().await,
            Self::InPage(keeper) => keeper,
        };
        let committed = keeper
            .commit(|service| match service.issue(now) {
                Ok(issued) => {
                    shown(&issued);
                    Change::Save(issued)
                }
                Err(e) => Change::Refuse(e),
            })
            .await;
        match committed {
            Committed::Saved(issued) => Ok(issued),
            Committed::Refused(e) => Err(e),
            Committed::Failed(_) => Err(ServiceError::NotSaved),
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
            Self::InPage(keeper) => {
                let changes = changes_records(&command);
                let committed = keeper
                    .commit(|service| {
                        let answer = execute(service, command.clone(), now);
                        if changes {
                            Change::<_, Infallible>::Save(answer)
                        } else {
                            Change::Keep(answer)
                        }
                    })
                    .await;
                match committed {
                    Committed::Saved(answer) => answer,
                    Committed::Refused(never) => match never {},
                    Committed::Failed(_) => not_saved(&command),
                }
            }
        }
    }

    /// Deletes unreadable stored records (the customer's decision) and starts saving again.
    pub async fn discard_unreadable(&self) -> bool {
        let Self::InPage(keeper) = self else {
            return false;
        };
        if !matches!(self.not_saved(), Some(NotSaved::Unreadable(_))) || !keeper.discard().await {
            return false;
        }
        // Nothing was done in memory meanwhile: the next call saves afresh.
        true
    }

    /// Shows `look` the in-page service's newest state without changing it (the staff's time
    /// lab inspects with it); `None` for a remote service, whose state the page cannot see.
    pub async fn peek<R>(&self, look: impl FnOnce(&TokenService<MemoryStore>) -> R) -> Option<R> {
        let Self::InPage(keeper) = self else {
            return None;
        };
        keeper.refresh().await;
        Some(keeper.with(look))
    }
}
