//! The panel's work ([`Effect`](crate::panel::Effect)) run against what the device offers ([`Device`](crate::panel::work::Device)): the stored
//! list ([`ListStore`](crate::store::ListStore)), the token service that issues credentials, the clipboard, downloads
//! and persistent storage. The browser shell implements [`Device`](crate::panel::work::Device) over `localStorage`,
//! WebCrypto and the page's token service; the native tests over memory and a fake cipher.
//!
//! The orders that matter are kept here: a first visit's code is shown ([`Message::Shown`](crate::panel::Message::Shown)) as
//! soon as its credential is issued, before anything is saved; an HOTP code is shown only once
//! its counter is saved ([`ListStore::advance`](crate::store::ListStore::advance)); an import adds its entries one by one, each
//! saved before the next.

use std::future::Future;

use super::backup::{BackupMessage, BackupWork, Plaintext};
use super::{Effect, Message, Outcome, Problem, Refusal, add_issued};
use crate::backup as format;
use crate::import::report::Report;
use crate::opening::OpenError;
use crate::sealing::{Keys, NotSaved};
use crate::store::{ChangeError, ListStore};
use crate::text::Text;
use crate::wallet::WalletOp;
use webtoken_engine::persist::KeyValue;
use webtoken_engine::token_id::TokenId;
use webtoken_engine::{Params, Secret};
use zeroize::Zeroizing;

#[cfg(test)]
mod tests;

/// A credential the token service issued (or the demo staff member's): what the token keeps.
#[derive(Debug, Clone)]
pub struct Credential {
    /// Its Token ID.
    pub token_id: TokenId,
    /// Its secret (wiped when dropped).
    pub secret: Secret,
    /// Its code parameters.
    pub params: Params,
}

/// What the customer's device does for the panel's work.
pub trait Device {
    /// Where the list is stored.
    type Store: KeyValue + Clone;
    /// The cipher's keys.
    type Keys: Keys;
    /// The stored list.
    fn list(&self) -> &ListStore<Self::Store, Self::Keys>;
    /// Starts reading the token service's records, without waiting for them.
    fn start_service(&self);
    /// Reads the token service's records (waits for a read started before).
    fn load_service(&self) -> impl Future<Output = ()>;
    /// A new credential from the token service, handed to `shown` (its Token ID, secret and
    /// parameters) as soon as it is issued, before the service saves it; `None` when none was
    /// issued and saved.
    fn issue(
        &self,
        shown: &dyn Fn(&TokenId, &Secret, Params),
    ) -> impl Future<Output = Option<Credential>>;
    /// Deletes the token service's unreadable records, if it has any.
    fn discard_service(&self) -> impl Future<Output = bool>;
    /// The demo staff member's token and its label, added on a first visit.
    fn demo_staff(&self) -> (&'static str, Credential);
    /// Copies `text` to the clipboard; whether it took it.
    fn copy(&self, text: &str) -> impl Future<Output = bool>;
    /// What the clipboard holds; `None` when the browser refuses to read it.
    fn read_clipboard(&self) -> impl Future<Output = Option<Zeroizing<String>>>;
    /// Asks for persistent storage; the answer, if any.
    fn persist(&self) -> impl Future<Output = Option<bool>>;
    /// Offers `text` as a file named `name` to download; `None` when that failed.
    fn download(&self, name: &str, text: &str) -> Option<()>;
}

impl From<NotSaved> for Problem {
    fn from(not_saved: NotSaved) -> Self {
        match not_saved {
            NotSaved::Blocked => Problem::Blocked,
            NotSaved::Full => Problem::Full,
            NotSaved::NoKeys => Problem::NoKeys,
            NotSaved::Unreadable(e) => Problem::Unreadable(e),
            NotSaved::Locked => Problem::Locked,
            _ => Problem::Failed,
        }
    }
}

impl From<ChangeError> for Refusal {
    fn from(e: ChangeError) -> Self {
        match e {
            ChangeError::Wallet(e) => Refusal::Wallet(e),
            ChangeError::Vault(e) => Refusal::Vault(e),
            ChangeError::Locked => Refusal::Locked,
            _ => Refusal::Failed,
        }
    }
}

/// A change made (then `done` is said) or refused.
fn changed<T>(result: Result<T, ChangeError>, done: Option<Text>) -> Outcome {
    Outcome::Changed(result.map(drop).map_err(Refusal::from), done)
}

/// Does the work `effect` asks for; the message that reports it (`None`: nothing to report,
/// or not work, such as [`Effect::Clear`], which the shell does itself). `show` takes what the
/// panel can show before the work is done ([`Message::Shown`]).
pub async fn run<D: Device>(effect: Effect, device: &D, show: &dyn Fn(Message)) -> Option<Message> {
    let list = device.list();
    let outcome = match effect {
        Effect::Load => Outcome::Reloaded(list.reload().await),
        Effect::Start(label) => {
            // The token service's records are read alongside the token's list, not before
            // it: a returning customer's code goes on show as soon as the list is read.
            device.start_service();
            list.reload().await;
            if list.is_first_visit() {
                // A first visit: the records must be read before a token is issued into them
                // (this waits for the read above, then finds nothing new).
                device.load_service().await;
                let outcome = issue(device, &label, show).await;
                add_demo_staff(device).await;
                outcome
            } else {
                Outcome::Quiet
            }
        }
        Effect::Persist => return Some(Message::Persisted(device.persist().await)),
        Effect::Issue(label) => issue(device, &label, show).await,
        Effect::Apply(op, done) => changed(list.apply(op).await, done),
        Effect::ImportMany(items) => {
            // One change per entry, each saved before the next: the report says what the list
            // refused (a duplicate, a full list) entry by entry.
            let mut lines = Vec::with_capacity(items.len());
            for item in items {
                let applied = match &item.op {
                    Ok(op) => Some(
                        list.apply(op.clone())
                            .await
                            .map(drop)
                            .map_err(Refusal::from),
                    ),
                    Err(_) => None,
                };
                lines.push(item.line(applied));
            }
            Outcome::Imported(Report(lines))
        }
        Effect::Copy(code) => return Some(Message::copied(device.copy(&code).await)),
        Effect::ClearClipboard(code) => {
            // Only our code is cleared: a copy the customer made since is left, and so is a
            // clipboard the browser refuses to read.
            if device.read_clipboard().await.as_deref() == Some(&code.0) {
                device.copy("").await;
            }
            return None;
        }
        Effect::Advance(id) => {
            Outcome::Advanced(list.advance(id).await.map(drop).map_err(Refusal::from))
        }
        Effect::Lock(say) => {
            if list.lock().await {
                Outcome::Locked(say)
            } else {
                Outcome::Quiet
            }
        }
        Effect::Unlock(pass) => changed(list.unlock(&pass.0).await, Some(Text::Unlocked)),
        Effect::SetPassphrase(pass) => changed(
            list.set_passphrase(&pass.0).await,
            Some(Text::PassphraseSet),
        ),
        Effect::RemovePassphrase => changed(
            list.remove_passphrase().await,
            Some(Text::PassphraseRemoved),
        ),
        Effect::Discard => {
            let list_discarded = list.discard().await;
            let service_discarded = device.discard_service().await;
            Outcome::Discarded(list_discarded || service_discarded)
        }
        Effect::Backup(work) => return Some(Message::Backup(run_backup(work, device).await)),
        Effect::Clear(_) => return None,
    };
    Some(outcome.done(list.wallet()))
}

/// Gets a credential from the token service and adds it to the list as the active token. The
/// list with the new token is shown as soon as the credential is issued, before the service's
/// records and the list are saved: on a first visit, saving waits for the key store to be
/// created, and the code need not.
async fn issue<D: Device>(device: &D, label: &str, show: &dyn Fn(Message)) -> Outcome {
    let list = device.list();
    let shown = |token_id: &TokenId, secret: &Secret, params| {
        let mut wallet = list.wallet();
        if wallet
            .apply(&add_issued(label, token_id, secret, params))
            .is_ok()
        {
            show(Message::Shown(wallet));
        }
    };
    match device.issue(&shown).await {
        Some(c) => {
            let add = add_issued(label, &c.token_id, &c.secret, c.params);
            changed(list.apply(add).await, Some(Text::Issued))
        }
        None => Outcome::IssueFailed,
    }
}

/// A first visit's list also holds the demo staff member's token (labelled as such), so
/// that the demo's staff can sign in; the customer's token stays the active one.
async fn add_demo_staff<D: Device>(device: &D) {
    let list = device.list();
    let active = list.wallet().active().map(|token| token.id);
    let (label, staff) = device.demo_staff();
    let add = add_issued(label, &staff.token_id, &staff.secret, staff.params);
    if list.apply(add).await.is_ok()
        && let Some(active) = active
    {
        let _ = list.apply(WalletOp::Activate(active)).await;
    }
}

/// Seals and saves a backup, or opens a chosen one ([`BackupWork`]).
async fn run_backup<D: Device>(work: BackupWork, device: &D) -> BackupMessage {
    let list = device.list();
    let keys = list.keys();
    match work {
        BackupWork::Seal {
            passphrase,
            contents,
            name,
            mark,
        } => {
            let iterations = format::iterations(list.passphrase_iterations());
            let saved = async {
                let key = keys.new_passphrase(&passphrase.0, iterations).await.ok()?;
                drop(passphrase);
                let sealed = keys
                    .seal(&key, &format::purpose(), contents.0.as_bytes())
                    .await
                    .ok()?;
                drop(contents);
                device.download(&name, &format::file_text(&sealed))?;
                // Marked even if storage refuses: the reminder then asks again, which is safe.
                list.set_backup_mark(&mark);
                Some(mark)
            };
            BackupMessage::Saved(saved.await)
        }
        BackupWork::Open { passphrase, file } => {
            let opened = async {
                let params = file.params().clone();
                let key = keys.derive(&passphrase.0, params).await.map_err(|_| None)?;
                drop(passphrase);
                match keys.open(&key, &format::purpose(), file.envelope()).await {
                    Ok(plaintext) => Ok(Plaintext(plaintext)),
                    Err(OpenError::Vault(e)) => Err(Some(e)),
                    Err(_) => Err(None),
                }
            };
            BackupMessage::Opened(opened.await)
        }
    }
}
