//! The token panel's behaviour without a browser: its state
//! ([`Panel`](crate::panel::Panel)), what changes it ([`Message`](crate::panel::Message)), the
//! work it asks the shell for ([`Effect`](crate::panel::Effect)) and what it shows
//! ([`PanelView`](crate::panel::PanelView)).
//!
//! The browser shell looks the panel's elements up, turns presses into messages, runs the
//! effects (storage, WebCrypto, the token service, the clipboard) and sends their answers back
//! as messages, and draws the view. Time, the page's language and the state of storage come
//! in as arguments.
//!
//! ```
//! use webtoken_token::panel::{Effect, Message, Panel, Storage};
//! use webtoken_token::text::Lang;
//! use webtoken_token::wallet::Wallet;
//! let mut panel = Panel::new(Wallet::new());
//! let storage = Storage::default();
//! // The panel starts busy, waiting for the start-up work; then a press asks for a token.
//! panel.update(Message::Done(Wallet::new(), None), 0, Lang::En, &storage);
//! let effects = panel.update(Message::New, 0, Lang::En, &storage);
//! assert!(matches!(effects.as_slice(), [Effect::Issue(label)] if label == "Internet banking"));
//! assert!(panel.view(0, Lang::En, &storage).busy);
//! ```

use zeroize::Zeroizing;

use crate::CodeDisplay;
use crate::otpauth::{KeyUri, OtpauthError};
use crate::text::{Lang, Text};
use crate::vault::VaultError;
use crate::wallet::{MAX_LABEL_CHARS, SERVICE_ISSUER, Wallet, WalletError, WalletOp, WalletToken};
use webtoken_engine::i18n::wallet::Text as WalletText;
use webtoken_engine::token_id::TokenId;
use webtoken_engine::{Params, Secret, group_code};

/// Text typed into a field, wiped when dropped; `Debug` never shows it (it may be a
/// passphrase or a secret).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Typed(pub Zeroizing<String>);

impl Typed {
    /// Takes `text` as typed.
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }
}

impl std::fmt::Debug for Typed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Typed(<redacted>)")
    }
}

/// What the panel's controls and the shell's work send.
#[derive(Debug)]
#[non_exhaustive]
pub enum Message {
    /// 「トークンを取得」.
    New,
    /// A token of the list was chosen.
    Select(u32),
    /// The copy button.
    Copy,
    /// The rename button, with the label typed.
    Rename(String),
    /// The delete button: asks first.
    AskDelete,
    /// Deletion confirmed.
    ConfirmDelete,
    /// Deletion or discarding cancelled.
    Cancel,
    /// The export button: shows the warning.
    AskExport,
    /// The warning accepted: shows the URI and the QR code.
    ShowExport,
    /// Hides the export.
    HideExport,
    /// The import button, with the URI typed.
    Import(Typed),
    /// The text of a chosen export file, for the import.
    ImportFile(Typed),
    /// A chosen file could not be imported: `Some(bytes)`, too long to read; `None`, unreadable.
    ImportFileRefused(Option<usize>),
    /// Sets the passphrase typed.
    SetPassphrase(Typed),
    /// Removes the passphrase.
    RemovePassphrase,
    /// Unlocks with the passphrase typed.
    Unlock(Typed),
    /// Asks before deleting unreadable stored data.
    AskDiscard,
    /// Deleting unreadable data confirmed.
    ConfirmDiscard,
    /// Another tab changed the stored list.
    StorageChanged,
    /// Whether persistent storage was granted (`None`: the browser cannot tell).
    Persisted(Option<bool>),
    /// The work finished: the list as stored now, and what to tell the customer.
    Done(Wallet, Option<Notice>),
    /// A copy to the clipboard finished (it runs beside other work, and ends none).
    Copied(Notice),
    /// The work has the list to show before it is saved (a token just issued, whose code the
    /// customer can read while the list is written); the work goes on.
    Shown(Wallet),
    /// Backup and restore of the whole list ([`backup`]).
    Backup(backup::BackupMessage),
    /// A picture to read QR codes from, for the import ([`image`]).
    Image(image::ImageMessage),
    /// The HOTP token's "next code" button: advance its counter, save, then show the code.
    Advance,
    /// The "lock now" button.
    LockNow,
    /// An auto-lock time was chosen (minutes, as the select's value).
    SetAutoLock(String),
    /// The search field's text changed.
    Search(String),
    /// A second is over: auto-lock and clipboard clearing are decided ([`guard`]).
    Tick,
    /// The customer pressed a key or the pointer somewhere on the page (not idle).
    Active,
}

impl Message {
    /// Whether the message asks for work that changes the list (which one task at a time does).
    fn starts_work(&self) -> bool {
        matches!(
            self,
            Message::Select(_)
                | Message::New
                | Message::Rename(_)
                | Message::ConfirmDelete
                | Message::Import(_)
                | Message::SetPassphrase(_)
                | Message::RemovePassphrase
                | Message::Unlock(_)
                | Message::ConfirmDiscard
                | Message::Advance
                | Message::LockNow
                | Message::SetAutoLock(_)
        ) || matches!(self, Message::Backup(m) if m.starts_work())
    }

    /// Whether the customer sent it (so the page is not idle), rather than the clock or work.
    fn is_activity(&self) -> bool {
        !matches!(
            self,
            Message::Tick
                | Message::Done(..)
                | Message::Shown(_)
                | Message::Copied(_)
                | Message::Persisted(_)
                | Message::StorageChanged
        )
    }
}

/// A field of the panel the shell empties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The `otpauth://` URI to import.
    Import,
    /// The new passphrase.
    Passphrase,
    /// The passphrase that unlocks.
    Unlock,
    /// The backup's passphrase.
    BackupPass,
    /// The search field (emptied when the list locks).
    Search,
}

/// What the shell must do. Every effect but [`Effect::Clear`], [`Effect::Copy`] and
/// [`Effect::ClearClipboard`] is the one piece of work under way, answered with
/// [`Message::Done`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Effect {
    /// Reads the stored list at start; on a first visit (nothing stored), gets a token from the
    /// token service and labels it, as the bank's customer guide starts.
    Start(String),
    /// Asks for persistent storage; answered with [`Message::Persisted`].
    Persist,
    /// Reads the stored list again (another tab wrote).
    Load,
    /// Gets a token from the token service and adds it, labelled.
    Issue(String),
    /// Changes the list, then says the text (`None`: nothing, such as for choosing a token).
    Apply(WalletOp, Option<Text>),
    /// Copies a code to the clipboard; answered with [`Message::Copied`].
    Copy(String),
    /// Unlocks the list.
    Unlock(Typed),
    /// Protects the list with a passphrase.
    SetPassphrase(Typed),
    /// Goes back to the device key.
    RemovePassphrase,
    /// Adds each entry of an export that can be imported; the answer reports every entry.
    ImportMany(Vec<crate::import::report::Item>),
    /// Deletes unreadable stored data.
    Discard,
    /// Empties a field (what it held was taken).
    Clear(Field),
    /// Seals or opens a backup ([`backup::BackupWork`]).
    Backup(backup::BackupWork),
    /// Advances HOTP token `id`'s counter and saves it; answered with [`Outcome::Advanced`].
    /// The shell must not answer success unless the new counter is saved.
    Advance(u32),
    /// Locks the list: forgets the passphrase key and every token in memory, then reads the
    /// stored list again (which shows the unlock form); answered with [`Outcome::Locked`].
    Lock(Text),
    /// Empties the clipboard if it still holds this code (read through the device first; a browser
    /// that refuses reading leaves it). Beside other work, unanswered.
    ClearClipboard(Typed),
}

/// The work a page starts with, in the page's language.
pub fn boot(lang: Lang) -> [Effect; 2] {
    [
        Effect::Start(Text::DefaultLabel.get(lang).to_owned()),
        Effect::Persist,
    ]
}

/// The message for a chosen export file of `size` bytes, before it is read: `Some` when it is
/// refused unread (longer than the import reads, [`crate::import::MAX_IMPORT_BYTES`]); the
/// twin of [`backup::chosen_size`].
pub fn import_file_size(size: f64) -> Option<Message> {
    (size > crate::import::MAX_IMPORT_BYTES as f64)
        .then(|| Message::ImportFileRefused(Some(size as usize)))
}

/// A message for the customer, rendered in the page's language.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// Good news.
    Info(Text),
    /// A problem described by the catalogue.
    Problem(Text),
    /// A bad `otpauth://` URI.
    Otpauth(OtpauthError),
    /// The list refused a change.
    Wallet(WalletError),
    /// A storage or passphrase problem.
    Vault(VaultError),
    /// A text no import format can read.
    Import(crate::import::ImportError),
    /// What an import of several entries did, entry by entry.
    Report(crate::import::report::Report),
    /// What became of a backup or a restore that added nothing.
    Backup(backup::Said),
    /// A picture with no readable QR code.
    QrImage(crate::qr::read::ReadError),
}

impl Notice {
    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let pick = |ja: String, en: String| if lang == Lang::En { en } else { ja };
        match self {
            Notice::Info(t) | Notice::Problem(t) => t.get(lang).to_owned(),
            Notice::Otpauth(e) => pick(e.message_ja(), e.message_en()),
            Notice::Wallet(e) => pick(e.message_ja(), e.message_en()),
            Notice::Vault(e) => pick(e.message_ja(), e.message_en()),
            Notice::Import(e) => e.message(lang),
            Notice::Report(report) => report.text(lang),
            Notice::Backup(said) => said.text(lang),
            Notice::QrImage(e) => e.message(lang),
        }
    }

    /// Whether it tells of a problem (a report: when nothing was imported).
    pub fn is_error(&self) -> bool {
        match self {
            Notice::Info(_) => false,
            Notice::Report(report) => report.imported() == 0,
            Notice::Backup(said) => said.is_error(),
            _ => true,
        }
    }
}

/// Why the shell's store refused a change to the list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The list refused it.
    Wallet(WalletError),
    /// A passphrase or storage problem.
    Vault(VaultError),
    /// The stored list is protected by a passphrase not yet entered.
    Locked,
    /// Another failure (WebCrypto, storage).
    Failed,
}

impl From<Refusal> for Notice {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Wallet(e) => Notice::Wallet(e),
            Refusal::Vault(e) => Notice::Vault(e),
            Refusal::Locked => Notice::Problem(Text::NeedUnlock),
            Refusal::Failed => Notice::Problem(Text::NotSavedFailed),
        }
    }
}

/// How the shell's work ended, for [`Message::Done`]'s notice: the panel words it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Nothing to say (a start-up that issued nothing).
    Quiet,
    /// The list was read again; whether another tab had changed it.
    Reloaded(bool),
    /// The token service issued no credential.
    IssueFailed,
    /// A change made (then `done`, if anything, is said) or refused.
    Changed(Result<(), Refusal>, Option<Text>),
    /// Unreadable data was deleted, if there was any.
    Discarded(bool),
    /// An import of several entries, entry by entry.
    Imported(crate::import::report::Report),
    /// An HOTP counter advanced and saved, or why not (then nothing changed).
    Advanced(Result<(), Refusal>),
    /// The list was locked; what to say.
    Locked(Text),
}

impl Outcome {
    /// What the customer is told.
    pub fn notice(self) -> Option<Notice> {
        match self {
            Outcome::Quiet => None,
            Outcome::Reloaded(changed) => changed.then_some(Notice::Info(Text::OtherTab)),
            Outcome::IssueFailed => Some(Notice::Problem(Text::IssueFailed)),
            Outcome::Changed(Ok(()), done) => done.map(Notice::Info),
            Outcome::Changed(Err(refusal), _) => Some(refusal.into()),
            Outcome::Discarded(any) => any.then_some(Notice::Info(Text::Discarded)),
            Outcome::Imported(report) => Some(Notice::Report(report)),
            Outcome::Advanced(Ok(())) => None,
            Outcome::Advanced(Err(Refusal::Failed)) => Some(Notice::Problem(Text::HotpNotSaved)),
            Outcome::Advanced(Err(refusal)) => Some(refusal.into()),
            Outcome::Locked(text) => Some(Notice::Info(text)),
        }
    }

    /// The message that ends the work, with the list as stored now.
    pub fn done(self, wallet: Wallet) -> Message {
        Message::Done(wallet, self.notice())
    }
}

impl Message {
    /// The answer of [`Effect::Copy`]: whether the clipboard took the code.
    pub fn copied(ok: bool) -> Message {
        Message::Copied(if ok {
            Notice::Info(Text::Copied)
        } else {
            Notice::Problem(Text::CopyFailed)
        })
    }
}

/// The change that adds a credential the token service issued, as the active token labelled
/// `label`, named by its Token ID.
pub fn add_issued(label: &str, token_id: &TokenId, secret: &Secret, params: Params) -> WalletOp {
    WalletOp::Add {
        label: label.to_owned(),
        token_id: Some(token_id.clone()),
        key: KeyUri {
            issuer: Some(SERVICE_ISSUER.to_owned()),
            account: token_id.as_str().to_owned(),
            secret: secret.clone(),
            params,
            counter: None,
        },
    }
}

/// Why a list (the token's, or the token service's records) is not saved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The browser refuses storage here.
    Blocked,
    /// The storage quota is used up.
    Full,
    /// The key store or WebCrypto is not available.
    NoKeys,
    /// The stored record cannot be read; it is kept until the customer decides.
    Unreadable(VaultError),
    /// The stored record is protected by a passphrase not yet entered.
    Locked,
    /// Another failure.
    Failed,
}

/// The state of storage, as the shell's stores report it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Storage {
    /// Why the token's list is not saved; `None`: saved.
    pub list: Option<Problem>,
    /// Whether the list is protected by a passphrase.
    pub passphrase: bool,
    /// Why the token service's records are not saved; `None`: saved.
    pub service: Option<Problem>,
    /// Whether the token service runs in the page (its records, secrets included, are then
    /// stored in this browser under its own device key, which the passphrase does not cover).
    pub in_page_service: bool,
}

impl Storage {
    fn locked(&self) -> bool {
        self.list == Some(Problem::Locked)
    }
}

/// Whether work is under way. One piece of work runs at a time: presses that would start
/// another are ignored meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// Nothing runs.
    Ready,
    /// Work runs (from the start, until the start-up work answers); `reload`: another tab
    /// wrote meanwhile, so the list is read again once it is done.
    Working {
        /// Whether the list is read again after the work.
        reload: bool,
    },
}

/// A question the panel asks before a grave step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    /// Not asked.
    Closed,
    /// Asked, awaiting the answer.
    Asked,
}

/// What the export part shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// Only its button.
    Hidden,
    /// The warning.
    Warned,
    /// The URI and its QR code.
    Shown,
}

/// Whether the browser keeps this site's storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    /// Not known yet (not shown).
    NotAsked,
    /// Kept.
    Granted,
    /// Not kept.
    Denied,
    /// The browser cannot tell.
    Unknown,
}

/// The token panel's state.
#[derive(Debug, Clone)]
pub struct Panel {
    /// The list on show.
    wallet: Wallet,
    notice: Option<Notice>,
    activity: Activity,
    delete: Confirm,
    discard: Confirm,
    export: Export,
    persistence: Persistence,
    backup: backup::BackupState,
    /// Auto-lock, clipboard clearing and search.
    guard: guard::Guard,
}

/// What the token displays, for the staff's time lab: the codes it shows anyway, never the
/// secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Showing {
    /// The token in the list, and its Token ID when the token service issued it.
    pub token: (u32, Option<TokenId>),
    /// Its code parameters.
    pub params: Params,
    /// The code on show, digits only.
    pub code: String,
    /// The code's time step.
    pub step: u64,
}

/// The code part of the display, drawn every second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeView {
    /// The code, grouped for reading.
    pub code: String,
    /// For an HOTP token, its counter (and no next code, no countdown).
    pub counter: Option<u64>,
    /// The next code, grouped (empty for HOTP: the next counter's code is not shown before
    /// that counter is saved).
    pub next: String,
    /// Seconds left.
    pub remaining: u64,
    /// The period, in seconds.
    pub period: u64,
    /// What is shown, for the lab.
    pub showing: Showing,
}

impl CodeView {
    /// What `token` displays at Unix time `now`; the error's text when its parameters are
    /// unusable.
    pub fn at(token: &WalletToken, now: u64) -> Result<Self, String> {
        if let Some(counter) = token.key.counter {
            return Self::hotp(token, counter);
        }
        let shown = CodeDisplay::at(&token.key.secret, &token.key.params, now)
            .map_err(|e| e.to_string())?;
        Ok(Self {
            code: shown.grouped(),
            counter: None,
            next: group_code(&shown.next),
            remaining: shown.remaining,
            period: shown.period,
            showing: Showing {
                token: (token.id, token.token_id.clone()),
                params: token.key.params,
                code: shown.code,
                step: shown.step,
            },
        })
    }
}

impl CodeView {
    /// What HOTP `token` displays at `counter`: the engine's one HOTP path (RFC 4226 section
    /// 5.3), no next code and no countdown.
    fn hotp(token: &WalletToken, counter: u64) -> Result<Self, String> {
        let params = &token.key.params;
        let code =
            webtoken_engine::hotp(&token.key.secret, counter, params.digits, params.algorithm)
                .map_err(|e| e.to_string())?;
        Ok(Self {
            code: group_code(&code),
            counter: Some(counter),
            next: String::new(),
            remaining: 0,
            period: 0,
            showing: Showing {
                token: (token.id, token.token_id.clone()),
                params: *params,
                code,
                step: counter,
            },
        })
    }
}

/// One token of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    /// Its id in the list.
    pub id: u32,
    /// Its label.
    pub label: String,
    /// Whether it is the active one.
    pub active: bool,
}

/// The active token, as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveView {
    /// Its label.
    pub label: String,
    /// The caption of its identifier: Token ID, or account.
    pub id_caption: &'static str,
    /// Its Token ID grouped, or its account.
    pub id: String,
}

/// What the export part shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportView {
    /// Only its button.
    Hidden,
    /// The warning.
    Warned,
    /// The URI, for the text and the QR code.
    Shown(Zeroizing<String>),
}

/// Everything the panel shows, for the shell to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelView {
    /// The tokens, as buttons.
    pub list: Vec<ListEntry>,
    /// Whether the list is shown (more than one token).
    pub list_shown: bool,
    /// Whether work runs: the buttons that start work (the list's too) are disabled.
    pub busy: bool,
    /// The active token.
    pub active: Option<ActiveView>,
    /// Its code; `Err`: the error's text, for the status line.
    pub code: Option<Result<CodeView, String>>,
    /// Whether "no token yet" is shown.
    pub empty_shown: bool,
    /// Whether the delete button is shown.
    pub delete_shown: bool,
    /// Whether the deletion question is shown.
    pub delete_confirm_shown: bool,
    /// The export part.
    pub export: ExportView,
    /// Whether the unlock form is shown.
    pub lock_shown: bool,
    /// Whether the passphrase form is shown.
    pub pass_box_shown: bool,
    /// Whether the passphrase can be removed.
    pub pass_remove_shown: bool,
    /// How the list is protected; `None`: not shown.
    pub protection: Option<&'static str>,
    /// The storage line.
    pub storage: String,
    /// Whether the storage line tells of trouble.
    pub storage_trouble: bool,
    /// Whether the discard button is shown.
    pub discard_shown: bool,
    /// The discard button's text.
    pub discard_label: &'static str,
    /// Whether the discard question is shown.
    pub discard_confirm_shown: bool,
    /// The discard question's text.
    pub discard_question: &'static str,
    /// What is known of persistent storage; `None`: not shown.
    pub persist: Option<&'static str>,
    /// The message line.
    pub message: String,
    /// Whether the message tells of a problem.
    pub message_error: bool,
    /// Whether the button that gets a token is shown.
    pub new_shown: bool,
    /// The backup part.
    pub backup: backup::BackupView,
    /// Auto-lock and search.
    pub guard: guard::GuardView,
}

impl Panel {
    /// The panel showing `wallet`, busy until the start-up work ([`boot`]) answers.
    pub fn new(wallet: Wallet) -> Self {
        Self {
            wallet,
            notice: None,
            activity: Activity::Working { reload: false },
            delete: Confirm::Closed,
            discard: Confirm::Closed,
            export: Export::Hidden,
            persistence: Persistence::NotAsked,
            backup: backup::BackupState::default(),
            guard: guard::Guard::default(),
        }
    }

    /// Whether work runs.
    pub fn activity(&self) -> Activity {
        self.activity
    }

    /// The list on show.
    pub fn wallet(&self) -> &Wallet {
        &self.wallet
    }

    fn active_id(&self) -> Option<u32> {
        self.wallet.active_id()
    }

    /// Handles `message` at Unix time `now` on a page in `lang`; the effects for the shell.
    pub fn update(
        &mut self,
        message: Message,
        now: u64,
        lang: Lang,
        storage: &Storage,
    ) -> Vec<Effect> {
        // While work runs, nothing else starts (a new token's code shows while the token is
        // still being saved). The buttons that would start work are disabled; a press that gets
        // through anyway (a token in the list, Enter in a field) changes nothing, not even its
        // field: what the customer typed is still there once the panel is ready.
        let working = matches!(self.activity, Activity::Working { .. });
        if message.is_activity() {
            self.guard.active_at(now);
        }
        if working && message.starts_work() {
            return Vec::new();
        }
        match message {
            Message::Done(wallet, notice) => {
                self.wallet = wallet;
                if notice.is_some() {
                    self.notice = notice;
                }
                if self.activity == (Activity::Working { reload: true }) {
                    self.activity = Activity::Working { reload: false };
                    vec![Effect::Load]
                } else {
                    self.activity = Activity::Ready;
                    Vec::new()
                }
            }
            // Only while the work that sent it runs: its answer has the last word.
            Message::Shown(wallet) if working => {
                self.wallet = wallet;
                Vec::new()
            }
            Message::Copied(notice) => {
                if notice.is_error() {
                    self.guard.copy_failed();
                }
                self.notice = Some(notice);
                Vec::new()
            }
            Message::Persisted(granted) => {
                self.persistence = match granted {
                    Some(true) => Persistence::Granted,
                    Some(false) => Persistence::Denied,
                    None => Persistence::Unknown,
                };
                Vec::new()
            }
            Message::StorageChanged if working => {
                self.activity = Activity::Working { reload: true };
                Vec::new()
            }
            Message::StorageChanged => {
                self.export = Export::Hidden;
                self.start(Effect::Load)
            }
            Message::Select(id) => {
                if self.active_id() != Some(id) {
                    self.export = Export::Hidden;
                    self.delete = Confirm::Closed;
                }
                self.start(Effect::Apply(WalletOp::Activate(id), None))
            }
            Message::Copy => match self.wallet.active().and_then(|t| CodeView::at(t, now).ok()) {
                Some(code) => {
                    self.guard.copying(&code.showing.code, now);
                    vec![Effect::Copy(code.showing.code)]
                }
                None => Vec::new(),
            },
            Message::New if storage.locked() => {
                self.notice = Some(Notice::Problem(Text::NeedUnlock));
                Vec::new()
            }
            Message::New => self.start(Effect::Issue(Text::DefaultLabel.get(lang).to_owned())),
            Message::Rename(label) => match self.active_id() {
                Some(id) => self.start(Effect::Apply(
                    WalletOp::Rename(id, label),
                    Some(Text::Renamed),
                )),
                None => Vec::new(),
            },
            Message::AskDelete => {
                self.delete = if self.active_id().is_some() {
                    Confirm::Asked
                } else {
                    Confirm::Closed
                };
                Vec::new()
            }
            Message::ConfirmDelete => {
                self.delete = Confirm::Closed;
                self.export = Export::Hidden;
                match self.active_id() {
                    Some(id) => {
                        self.start(Effect::Apply(WalletOp::Remove(id), Some(Text::Deleted)))
                    }
                    None => Vec::new(),
                }
            }
            Message::Cancel => {
                self.delete = Confirm::Closed;
                self.discard = Confirm::Closed;
                Vec::new()
            }
            Message::AskExport => {
                self.export = Export::Warned;
                Vec::new()
            }
            Message::ShowExport => {
                self.export = Export::Shown;
                Vec::new()
            }
            Message::HideExport => {
                self.export = Export::Hidden;
                Vec::new()
            }
            // A file chosen while work runs is not dropped unsaid (its text is in no field).
            Message::ImportFile(_) if working => {
                self.notice = Some(Notice::Problem(Text::ImportFileBusy));
                Vec::new()
            }
            Message::ImportFile(text) => self.update(Message::Import(text), now, lang, storage),
            Message::ImportFileRefused(bytes) => {
                self.notice = Some(match bytes {
                    Some(bytes) => Notice::Import(crate::import::ImportError::TooLong { bytes }),
                    None => Notice::Problem(Text::ImportFileFailed),
                });
                Vec::new()
            }
            Message::Import(text) if crate::import::is_batch(&text.0) => {
                match crate::import::read(&text.0) {
                    Err(e) => {
                        self.notice = Some(Notice::Import(e));
                        Vec::new()
                    }
                    Ok(batch) => {
                        let mut effects = vec![Effect::Clear(Field::Import)];
                        let items = crate::import::report::items(batch);
                        effects.extend(self.start(Effect::ImportMany(items)));
                        effects
                    }
                }
            }
            Message::Import(text) => match KeyUri::parse(&text.0) {
                Err(e) => {
                    self.notice = Some(Notice::Otpauth(e));
                    Vec::new()
                }
                Ok(key) => {
                    // Accepted from 80 bits (what many services issue), with a quiet note.
                    let done = if key.secret.is_shorter_than_recommended() {
                        Text::ImportedShortSecret
                    } else {
                        Text::Imported
                    };
                    let label: String = key
                        .issuer
                        .clone()
                        .unwrap_or_else(|| key.account.clone())
                        .chars()
                        .take(MAX_LABEL_CHARS)
                        .collect();
                    let op = WalletOp::Add {
                        label,
                        token_id: None,
                        key,
                    };
                    let mut effects = vec![Effect::Clear(Field::Import)];
                    effects.extend(self.start(Effect::Apply(op, Some(done))));
                    effects
                }
            },
            Message::SetPassphrase(pass) => {
                let mut effects = vec![Effect::Clear(Field::Passphrase)];
                effects.extend(self.start(Effect::SetPassphrase(pass)));
                effects
            }
            Message::RemovePassphrase => self.start(Effect::RemovePassphrase),
            Message::Unlock(pass) => {
                let mut effects = vec![Effect::Clear(Field::Unlock)];
                effects.extend(self.start(Effect::Unlock(pass)));
                effects
            }
            Message::AskDiscard => {
                self.discard = Confirm::Asked;
                Vec::new()
            }
            Message::ConfirmDiscard => {
                self.discard = Confirm::Closed;
                self.start(Effect::Discard)
            }
            // A list shown after its work answered: the answer has had the last word.
            Message::Shown(_) => Vec::new(),
            Message::Backup(message) => self.update_backup(message, now, lang, storage),
            Message::Image(message) => self.update_image(message, now, lang, storage),
            message @ (Message::Advance
            | Message::LockNow
            | Message::SetAutoLock(_)
            | Message::Search(_)
            | Message::Tick
            | Message::Active) => self.update_guard(message, now, storage),
        }
    }

    /// Starts `work` (the panel is ready: the callers checked).
    fn start(&mut self, work: Effect) -> Vec<Effect> {
        self.activity = Activity::Working { reload: false };
        self.notice = None;
        vec![work]
    }

    /// What the panel shows at Unix time `now` in `lang`.
    pub fn view(&self, now: u64, lang: Lang, storage: &Storage) -> PanelView {
        let t = |key: Text| key.get(lang);
        let busy = matches!(self.activity, Activity::Working { .. });
        let locked = storage.locked();
        let active = self.wallet.active();
        let active_id = self.wallet.active_id();
        let unreadable_label = |label: &Option<String>| {
            label
                .clone()
                .unwrap_or_else(|| WalletText::UnreadableLabel.get(lang).to_owned())
        };
        // Entries that cannot be read are listed too, to be chosen and deleted one by one.
        // A search (shown for a long list) keeps the tokens it matches.
        let search = self.guard.query(&self.wallet);
        let list = (self.wallet.tokens().iter())
            .filter(|token| search.is_none_or(|q| crate::search::matches(token, q)))
            .map(|token| (token.id, token.label.clone()))
            .chain((self.wallet.unreadable().iter()).map(|e| (e.id, unreadable_label(&e.label))))
            .map(|(id, label)| ListEntry {
                id,
                label,
                active: Some(id) == active_id,
            })
            .collect();
        let unreadable = matches!(storage.list, Some(Problem::Unreadable(_)));
        let bad_entry = self.wallet.active_unreadable();
        let bad_view = bad_entry.map(|e| ActiveView {
            label: unreadable_label(&e.label),
            id_caption: "",
            id: String::new(),
        });
        let active_view = active.map(|token| match &token.token_id {
            Some(id) => ActiveView {
                label: token.label.clone(),
                id_caption: t(Text::TokenIdCaption),
                id: id.grouped(),
            },
            None => ActiveView {
                label: token.label.clone(),
                id_caption: t(Text::AccountCaption),
                id: token.key.account.clone(),
            },
        });
        let export = match (self.export, active) {
            (Export::Hidden, _) => ExportView::Hidden,
            (Export::Warned, _) => ExportView::Warned,
            (Export::Shown, Some(token)) => ExportView::Shown(Zeroizing::new(token.key.to_uri())),
            (Export::Shown, None) => ExportView::Shown(Zeroizing::default()),
        };
        // Japanese sentences end in 「。」 and need no space between them.
        let sep = if lang == Lang::En { " " } else { "" };
        // The token's list is kept in memory when it cannot be saved; the token service keeps
        // nothing unsaved (it accepts nothing until it can save), so it has its own texts.
        let describe = |problem: &Problem, service: bool| -> String {
            let pick = |list: Text, in_service: Text| t(if service { in_service } else { list });
            match problem {
                Problem::Blocked => pick(Text::NotSavedBlocked, Text::ServiceNotSavedBlocked),
                Problem::Full => pick(Text::NotSavedFull, Text::ServiceNotSavedFull),
                Problem::NoKeys => pick(Text::NotSavedNoKeys, Text::ServiceNotSavedNoKeys),
                Problem::Locked => t(Text::Locked),
                Problem::Unreadable(e) => {
                    let why = if lang == Lang::En {
                        e.message_en()
                    } else {
                        e.message_ja()
                    };
                    let kept = pick(Text::UnreadableKept, Text::ServiceUnreadableKept);
                    return format!("{why}{sep}{kept}");
                }
                Problem::Failed => pick(Text::NotSavedFailed, Text::ServiceNotSavedFailed),
            }
            .to_owned()
        };
        let mut lines = Vec::new();
        match &storage.list {
            None => lines.push(t(Text::Saved).to_owned()),
            // The unlock form says it.
            Some(Problem::Locked) => {}
            Some(problem) => lines.push(describe(problem, false)),
        }
        if let Some(problem) = &storage.service {
            lines.push(format!(
                "{}{}",
                t(Text::ServicePrefix),
                describe(problem, true)
            ));
        }
        let can_discard = matches!(storage.list, Some(Problem::Unreadable(_) | Problem::Locked))
            || matches!(storage.service, Some(Problem::Unreadable(_)));
        let asked_discard = self.discard == Confirm::Asked;
        let (discard_label, discard_question) = if locked {
            (Text::DiscardLocked, Text::DiscardLockedConfirm)
        } else {
            (Text::Discard, Text::DiscardConfirm)
        };
        let (message, message_error) = match (&self.notice, busy) {
            (Some(n), _) => (n.text(lang), n.is_error()),
            (None, true) => (t(Text::Busy).to_owned(), false),
            (None, false) => (String::new(), false),
        };
        PanelView {
            list,
            list_shown: self.wallet.tokens().len() + self.wallet.unreadable().len() > 1,
            busy,
            code: match bad_entry {
                Some(_) => Some(Err(WalletText::Unreadable.get(lang).to_owned())),
                None => active.map(|token| CodeView::at(token, now)),
            },
            active: active_view.or(bad_view),
            empty_shown: active_id.is_none() && !locked && !unreadable,
            delete_shown: self.delete == Confirm::Closed,
            delete_confirm_shown: self.delete == Confirm::Asked && active_id.is_some(),
            export,
            lock_shown: locked,
            pass_box_shown: storage.list.is_none(),
            pass_remove_shown: storage.passphrase,
            protection: storage.list.is_none().then(|| {
                t(if storage.passphrase && storage.in_page_service {
                    Text::ProtectedByPassphraseInPage
                } else if storage.passphrase {
                    Text::ProtectedByPassphrase
                } else {
                    Text::ProtectedByDevice
                })
            }),
            storage: lines.join(sep),
            storage_trouble: (storage.list.is_some() && !locked) || storage.service.is_some(),
            discard_shown: can_discard && !asked_discard,
            discard_label: t(discard_label),
            discard_confirm_shown: can_discard && asked_discard,
            discard_question: t(discard_question),
            persist: match self.persistence {
                Persistence::NotAsked => None,
                Persistence::Granted => Some(t(Text::PersistGranted)),
                Persistence::Denied => Some(t(Text::PersistDenied)),
                Persistence::Unknown => Some(t(Text::PersistUnknown)),
            },
            message,
            message_error,
            new_shown: !locked,
            backup: self.backup_view(lang, busy),
            guard: self.guard.view(&self.wallet, storage),
        }
    }
}

/// The view as writes to the panel's elements, and the controls as messages.
pub mod draw;
/// Auto-lock, clipboard clearing and search: what the panel decides each second and for a
/// long list.
pub mod guard;

/// Backup and restore of the whole list: messages, work, state and view.
pub mod backup;

/// QR codes read from a picture, for the import.
pub mod image;

/// The camera's decisions, for a QR code to import.
pub mod camera;

/// The panel's work run against the device: storage, the token service, the clipboard.
pub mod work;

#[cfg(test)]
mod tests;
