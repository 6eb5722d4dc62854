//! The panel's backup and restore ([`crate::backup`]): its messages, its work for the shell, what
//! it keeps and what it shows. Kept apart from the rest of the panel: the panel routes
//! [`Message::Backup`](crate::panel::Message::Backup) here and draws
//! [`BackupView`](crate::panel::backup::BackupView) with [`writes`](crate::panel::backup::writes).
//!
//! Making a backup: the customer types a passphrase and presses the button; the panel writes the
//! contents and asks the shell to seal them with a key derived from that passphrase, save the file
//! and store the backup's [`Mark`](crate::backup::Mark). Restoring: the chosen file is read and
//! checked at once (a file of a newer version, cut short or altered is named before any passphrase
//! is tried); the button asks the shell to open it, and the tokens it holds are added as an import
//! ([`Effect::ImportMany`](crate::panel::Effect::ImportMany)), whose report says what was added and
//! what was skipped. The passphrase goes from its field to the shell's key derivation and nowhere
//! else.

use std::borrow::Cow;

use zeroize::Zeroizing;

use super::draw::{Part, Press, Write};
use super::{Activity, Effect, Field, Message, Notice, Panel, Storage, Typed};
use crate::backup::{BackupError, BackupFile, MAX_BACKUP_BYTES, Mark, Reminder};
use crate::text::{Lang, Text};
use crate::vault::{VaultError, check_passphrase};
use webtoken_engine::draw::text;
use webtoken_engine::i18n::fill;

/// What the backup's controls and the shell's backup work send.
#[derive(Debug)]
#[non_exhaustive]
pub enum BackupMessage {
    /// The download button, with the passphrase typed.
    Export(Typed),
    /// A backup file was chosen: its text, or why it was not read (`Some(bytes)`: too long).
    Chosen(Result<String, Option<usize>>),
    /// The restore button, with the passphrase typed.
    Restore(Typed),
    /// The shell opened the chosen file: its plaintext, or why not (`None`: the browser
    /// failed).
    Opened(Result<Plaintext, Option<VaultError>>),
    /// The shell saved a backup and stored its mark (`None`: it could not).
    Saved(Option<Mark>),
    /// The last backup's mark as stored in this browser (read at start).
    Marked(Option<Mark>),
}

impl BackupMessage {
    /// Whether it starts work (which waits while other work runs).
    pub(super) fn starts_work(&self) -> bool {
        matches!(self, BackupMessage::Export(_) | BackupMessage::Restore(_))
    }
}

/// An opened backup's plaintext, wiped when dropped; `Debug` never shows it.
pub struct Plaintext(pub Zeroizing<Vec<u8>>);

impl std::fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Plaintext(<redacted>)")
    }
}

/// The backup work the shell runs.
#[derive(Debug)]
#[non_exhaustive]
pub enum BackupWork {
    /// Seals `contents` for [`crate::backup::purpose`] under a key derived from `passphrase`
    /// (fresh salt, [`crate::backup::iterations`]), saves [`crate::backup::file_text`] of it as
    /// the file `name`, stores `mark`, and answers [`BackupMessage::Saved`].
    Seal {
        /// The backup's passphrase.
        passphrase: Typed,
        /// The plaintext ([`crate::backup::contents`]).
        contents: Typed,
        /// The file's name.
        name: String,
        /// What to store once it is saved.
        mark: Mark,
    },
    /// Opens `file` with a key derived from `passphrase` and its parameters, and answers
    /// [`BackupMessage::Opened`].
    Open {
        /// The passphrase typed.
        passphrase: Typed,
        /// The chosen file, as checked.
        file: BackupFile,
    },
}

/// What the panel keeps for backups.
#[derive(Debug, Clone, Default)]
pub struct BackupState {
    /// The chosen file, once it read as a backup.
    file: Option<BackupFile>,
    /// The last backup made in this browser.
    mark: Option<Mark>,
}

/// What was said about a backup.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Said {
    /// A backup of `tokens` tokens was saved as `name`.
    Saved {
        /// How many tokens it holds.
        tokens: usize,
        /// The file's name.
        name: String,
    },
    /// A backup was not made or not restored; nothing changed.
    Refused(BackupError),
}

impl Said {
    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Said::Saved { tokens, name } => fill(
                Text::BackupSaved.get(lang),
                &[("count", tokens), ("name", name)],
            ),
            Said::Refused(e) => e.message(lang),
        }
    }

    /// Whether it tells of a problem.
    pub fn is_error(&self) -> bool {
        matches!(self, Said::Refused(_))
    }
}

/// What the backup part shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupView {
    /// The reminder line, and whether it asks for a new backup; `None`: not shown.
    pub reminder: Option<(String, bool)>,
    /// Whether work runs (its buttons are disabled).
    pub busy: bool,
}

impl Panel {
    /// Handles a backup message (see [`BackupMessage`]).
    pub(super) fn update_backup(
        &mut self,
        message: BackupMessage,
        now: u64,
        lang: Lang,
        storage: &Storage,
    ) -> Vec<Effect> {
        let working = matches!(self.activity, Activity::Working { .. });
        let refuse = |panel: &mut Panel, e: BackupError| {
            panel.notice = Some(Notice::Backup(Said::Refused(e)));
            Vec::new()
        };
        match message {
            BackupMessage::Marked(mark) => {
                self.backup.mark = mark;
                Vec::new()
            }
            BackupMessage::Chosen(Err(bytes)) => {
                self.backup.file = None;
                refuse(
                    self,
                    match bytes {
                        Some(bytes) => BackupError::TooLong { bytes },
                        None => BackupError::Failed,
                    },
                )
            }
            BackupMessage::Chosen(Ok(text)) => match BackupFile::parse(&text) {
                Ok(file) => {
                    self.backup.file = Some(file);
                    if !working {
                        self.notice = None;
                    }
                    Vec::new()
                }
                Err(e) => {
                    self.backup.file = None;
                    refuse(self, e)
                }
            },
            BackupMessage::Export(_) | BackupMessage::Restore(_) if storage.locked() => {
                self.notice = Some(Notice::Problem(Text::NeedUnlock));
                Vec::new()
            }
            BackupMessage::Export(passphrase) => {
                if self.wallet.tokens().is_empty() {
                    return refuse(self, BackupError::Nothing);
                }
                if let Err(e) = check_passphrase(&passphrase.0) {
                    self.notice = Some(Notice::Vault(e));
                    return Vec::new();
                }
                let work = BackupWork::Seal {
                    passphrase,
                    contents: Typed(crate::backup::contents(&self.wallet, now)),
                    name: crate::backup::file_name(now),
                    mark: Mark {
                        at: now,
                        fingerprint: crate::backup::fingerprint(&self.wallet),
                    },
                };
                let mut effects = vec![Effect::Clear(Field::BackupPass)];
                effects.extend(self.start(Effect::Backup(work)));
                effects
            }
            BackupMessage::Restore(passphrase) => {
                let Some(file) = self.backup.file.clone() else {
                    return refuse(self, BackupError::NoFile);
                };
                let mut effects = vec![Effect::Clear(Field::BackupPass)];
                effects.extend(self.start(Effect::Backup(BackupWork::Open { passphrase, file })));
                effects
            }
            // The answers: only while their work runs.
            BackupMessage::Saved(_) | BackupMessage::Opened(_) if !working => Vec::new(),
            BackupMessage::Saved(Some(mark)) => {
                let said = Said::Saved {
                    tokens: self.wallet.tokens().len(),
                    name: crate::backup::file_name(mark.at),
                };
                self.backup.mark = Some(mark);
                self.finish(Notice::Backup(said), now, lang, storage)
            }
            BackupMessage::Saved(None) | BackupMessage::Opened(Err(None)) => self.finish(
                Notice::Backup(Said::Refused(BackupError::Failed)),
                now,
                lang,
                storage,
            ),
            BackupMessage::Opened(Err(Some(e))) => {
                let e = match e {
                    VaultError::WrongPassphrase | VaultError::Damaged => {
                        BackupError::WrongPassphrase
                    }
                    other => BackupError::Envelope(other),
                };
                self.finish(Notice::Backup(Said::Refused(e)), now, lang, storage)
            }
            BackupMessage::Opened(Ok(plaintext)) => {
                match crate::backup::read_contents(&plaintext.0) {
                    Ok(restored) if !restored.items.is_empty() => {
                        // The same work goes on: the tokens are added one by one.
                        self.start(Effect::ImportMany(restored.items))
                    }
                    Ok(_) => self.finish(
                        Notice::Backup(Said::Refused(BackupError::Empty)),
                        now,
                        lang,
                        storage,
                    ),
                    Err(e) => self.finish(Notice::Backup(Said::Refused(e)), now, lang, storage),
                }
            }
        }
    }

    /// Ends the backup work that runs, saying `notice`, as [`Message::Done`] ends any work.
    fn finish(&mut self, notice: Notice, now: u64, lang: Lang, storage: &Storage) -> Vec<Effect> {
        let wallet = self.wallet.clone();
        self.update(Message::Done(wallet, Some(notice)), now, lang, storage)
    }

    /// What the backup part shows.
    pub(super) fn backup_view(&self, lang: Lang, busy: bool) -> BackupView {
        BackupView {
            reminder: Reminder::of(&self.wallet, self.backup.mark.as_ref())
                .map(|r| (r.text(lang), r.is_due())),
            busy,
        }
    }
}

/// The writes that draw the backup part.
pub fn writes(view: &BackupView) -> Vec<(Part, Write<'_>)> {
    let (line, due) = match &view.reminder {
        Some((line, due)) => (line.as_str(), *due),
        None => ("", false),
    };
    let class = if due {
        "token-backup-reminder due"
    } else {
        "token-backup-reminder"
    };
    vec![
        (Part::BackupReminder, text(line)),
        (Part::BackupReminder, Write::Shown(view.reminder.is_some())),
        (
            Part::BackupReminder,
            Write::Attr("class", Cow::Borrowed(class)),
        ),
        (Part::BackupExport, Write::Disabled(view.busy)),
        (Part::BackupRestore, Write::Disabled(view.busy)),
    ]
}

/// The backup's buttons and what a click on each sends.
pub const CLICKS: [(Part, Press); 2] = [
    (
        Part::BackupExport,
        Press::Read(Part::BackupPass, |t| {
            Message::Backup(BackupMessage::Export(Typed::new(t)))
        }),
    ),
    (
        Part::BackupRestore,
        Press::Read(Part::BackupPass, |t| {
            Message::Backup(BackupMessage::Restore(Typed::new(t)))
        }),
    ),
];

/// The message for a chosen backup file of `size` bytes, before it is read: `Some` when it is
/// refused unread (too large).
pub fn chosen_size(size: f64) -> Option<Message> {
    (size > MAX_BACKUP_BYTES as f64)
        .then(|| Message::Backup(BackupMessage::Chosen(Err(Some(size as usize)))))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
