//! What the panel decides with the clock and for a long list: auto-lock after an idle time
//! (and on request), clearing a copied code from the clipboard, the HOTP "next code" button,
//! and the search field.
//!
//! Time comes in as the `now` of [`Panel::update`]: the shell sends [`Message::Tick`] each
//! second and [`Message::Active`] when the customer uses the page, and runs the effects.
//!
//! ```
//! use webtoken_token::panel::guard::{autolock_due, clipboard_clear_due};
//! // Five idle minutes lock a list set to five; 4 min 59 s do not.
//! assert!(!autolock_due(1_000, 1_299, 5));
//! assert!(autolock_due(1_000, 1_300, 5));
//! // A code copied at 1000 is cleared from 1030.
//! assert!(!clipboard_clear_due(1_000, 1_029));
//! assert!(clipboard_clear_due(1_000, 1_030));
//! ```

use super::{Activity, Confirm, Effect, Export, Field, Message, Notice, Panel, Storage, Typed};
use crate::text::Text;
use crate::wallet::{Wallet, WalletError, WalletOp};

/// Seconds a copied code stays in the clipboard.
pub const CLIPBOARD_SECONDS: u64 = 30;
/// The search field is shown when the list holds more than this many entries.
pub const SEARCH_ABOVE: usize = 5;
/// Longest search text used, in characters.
const MAX_QUERY_CHARS: usize = 64;

/// Whether a list idle since `last_active` locks at `now` with an auto-lock time of
/// `minutes` (a clock set back never locks it early).
pub fn autolock_due(last_active: u64, now: u64, minutes: u32) -> bool {
    now.saturating_sub(last_active) >= u64::from(minutes) * 60
}

/// Whether a code copied at `copied_at` is due to be cleared from the clipboard at `now`.
pub fn clipboard_clear_due(copied_at: u64, now: u64) -> bool {
    now.saturating_sub(copied_at) >= CLIPBOARD_SECONDS
}

/// Milliseconds between two [`Message::Active`]s at the most: auto-lock counts idle time in
/// seconds, so a key press or a pointer press is sent once a second, not once per keystroke.
pub const ACTIVE_EVERY_MS: f64 = 1000.0;

/// Whether a press at `now_ms` is sent as [`Message::Active`], the last one sent at `last_ms`
/// (`None`: none yet). A clock set back by a second or more sends one too.
pub fn active_due(last_ms: Option<f64>, now_ms: f64) -> bool {
    last_ms.is_none_or(|last| (now_ms - last).abs() >= ACTIVE_EVERY_MS)
}

/// The panel's memory for auto-lock, clipboard clearing and search.
#[derive(Debug, Clone, Default)]
pub(super) struct Guard {
    /// When the customer last used the page (`None`: not since the panel started).
    last_active: Option<u64>,
    /// The code last copied and when, until it is cleared.
    copied: Option<(Typed, u64)>,
    /// The search field's text.
    search: String,
}

impl Guard {
    /// The customer used the page at `now`.
    pub(super) fn active_at(&mut self, now: u64) {
        self.last_active = Some(now);
    }

    /// `code` is being copied at `now`: it is cleared [`CLIPBOARD_SECONDS`] later.
    pub(super) fn copying(&mut self, code: &str, now: u64) {
        self.copied = Some((Typed::new(code.to_owned()), now));
    }

    /// The copy failed: nothing to clear.
    pub(super) fn copy_failed(&mut self) {
        self.copied = None;
    }

    /// The search text in force: `None` when the field is not shown or empty.
    pub(super) fn query(&self, wallet: &Wallet) -> Option<&str> {
        let query = self.search.trim();
        (search_shown(wallet) && !query.is_empty()).then_some(query)
    }

    /// What the guard shows.
    pub(super) fn view(&self, wallet: &Wallet, storage: &Storage) -> GuardView {
        let can_lock = storage.passphrase && storage.list.is_none();
        GuardView {
            search_shown: search_shown(wallet),
            autolock_shown: can_lock,
            autolock_minutes: wallet.autolock_minutes(),
        }
    }
}

/// Whether the list is long enough for a search field.
fn search_shown(wallet: &Wallet) -> bool {
    wallet.tokens().len() + wallet.unreadable().len() > SEARCH_ABOVE
}

/// Auto-lock and search, as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardView {
    /// Whether the search field is shown (more than [`SEARCH_ABOVE`] tokens).
    pub search_shown: bool,
    /// Whether the auto-lock time and the "lock now" button are shown (a passphrase is set and
    /// the list is open and saved).
    pub autolock_shown: bool,
    /// The auto-lock time chosen, in minutes.
    pub autolock_minutes: u32,
}

impl Panel {
    /// Handles the guard's messages at Unix time `now`.
    pub(super) fn update_guard(
        &mut self,
        message: Message,
        now: u64,
        storage: &Storage,
    ) -> Vec<Effect> {
        let working = matches!(self.activity, Activity::Working { .. });
        let can_lock = storage.passphrase && storage.list.is_none();
        match message {
            Message::Tick => {
                let mut effects = Vec::new();
                if let Some((_, at)) = &self.guard.copied
                    && clipboard_clear_due(*at, now)
                    && let Some((code, _)) = self.guard.copied.take()
                {
                    effects.push(Effect::ClearClipboard(code));
                }
                let last = *self.guard.last_active.get_or_insert(now);
                let minutes = self.wallet.autolock_minutes();
                // Work under way finishes first; the next second locks.
                if can_lock && !working && autolock_due(last, now, minutes) {
                    effects.extend(self.lock(Text::AutoLocked));
                }
                effects
            }
            Message::Active => Vec::new(),
            Message::Search(text) => {
                self.guard.search = text.chars().take(MAX_QUERY_CHARS).collect();
                Vec::new()
            }
            Message::LockNow if can_lock => self.lock(Text::LockedNow),
            Message::SetAutoLock(minutes) => match minutes.trim().parse() {
                Ok(minutes) => self.start(Effect::Apply(
                    WalletOp::SetAutoLock(minutes),
                    Some(Text::AutoLockSet),
                )),
                Err(_) => {
                    self.notice = Some(Notice::Wallet(WalletError::BadAutoLock));
                    Vec::new()
                }
            },
            // Only an HOTP token has a counter to advance; its code is shown once the new
            // counter is saved (the work's answer carries the list as stored).
            Message::Advance => match self.wallet.active() {
                Some(token) if token.key.counter.is_some() => {
                    let id = token.id;
                    self.start(Effect::Advance(id))
                }
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// Locks the list: the tokens leave the panel at once, the shell forgets the key and its
    /// copy, and the unlock form follows.
    fn lock(&mut self, say: Text) -> Vec<Effect> {
        self.wallet = Wallet::new();
        self.export = Export::Hidden;
        self.delete = Confirm::Closed;
        self.guard.search.clear();
        let mut effects = vec![Effect::Clear(Field::Search)];
        effects.extend(self.start(Effect::Lock(say)));
        effects
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
