//! The bank section of the page without a browser: the bank, the screen on show, the language
//! and the demo reset, and what one message does to them. The browser shell
//! (`src/bank_view.rs`) keeps the bank in `localStorage` behind [`Records`], renders the
//! screen and moves focus as [`Updated`] says; the token service's work goes back to it.
//!
//! ```
//! use webtoken_bank::section::{Message, Records, Section};
//! use webtoken_bank::{Bank, Lang};
//!
//! /// A store that keeps nothing.
//! struct Nowhere;
//! impl Records for Nowhere {
//!     fn refresh(&mut self) -> Option<Bank> { None }
//!     fn save(&mut self, _: &Bank) -> bool { true }
//!     fn replace(&mut self, _: &Bank) {}
//!     fn set_lang(&mut self, _: Lang) {}
//! }
//! let mut section = Section::new(Bank::demo().expect("the demo bank"), Lang::Ja);
//! section.update(Message::ToggleLang, 0, &mut Nowhere);
//! assert_eq!(section.lang(), Lang::En);
//! ```

/// The frame around the screens as writes to its elements.
pub mod frame;
/// What staff are told about the stored records.
pub mod health;
/// Where the bank is kept, and how that goes.
pub mod keeping;
/// One screen as elements, writes and focus.
pub mod screen;

use crate::reset::{Reset, ResetEvent};
use crate::{Bank, Command, Event, Lang, Screen, Staff, Text, View, transition, unsaved_answer};
use health::{Removal, RemoveRefused, ServiceHealth, StoredKind};
use webtoken_engine::i18n::fill;

/// What the bank section sends: an event of the bank's screens, or a press on the frame.
#[derive(Debug, Clone)]
pub enum Message {
    /// Typing, a press on a screen, or the answer to a command.
    Bank(Event),
    /// The language toggle.
    ToggleLang,
    /// デモデータをリセット: asks first.
    AskReset,
    /// The reset confirmed.
    ConfirmReset,
    /// The reset cancelled.
    CancelReset,
    /// The token service's records as found after a call (for the staff screens).
    ServiceHealth(ServiceHealth),
    /// この記録を削除 on an unreadable stored entry: asks first (a staff action).
    AskRemove(Removal),
    /// The removal confirmed: removed, saved, then reported (a staff action).
    ConfirmRemove,
    /// The removal cancelled.
    CancelRemove,
}

/// Where the bank is kept (the page's `localStorage`; memory in tests).
pub trait Records {
    /// The bank as another tab last stored it, when that differs from what this one last
    /// read or wrote.
    fn refresh(&mut self) -> Option<Bank>;
    /// Saves the bank after a change; `false` when it was not saved.
    fn save(&mut self, bank: &Bank) -> bool;
    /// Saves the bank after a reset, over unreadable stored data too.
    fn replace(&mut self, bank: &Bank);
    /// Remembers the chosen language (a refusal only means it is not remembered).
    fn set_lang(&mut self, lang: Lang);
}

/// Where focus goes after a message on the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameFocus {
    /// The reset question opened: to its safe answer.
    Question,
    /// The reset question closed: back to the reset button, beside the outcome.
    Reset,
    /// Wherever the screen puts it.
    Screen,
}

/// Where focus goes on the screen after a render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenFocus {
    /// To the new screen's first control.
    Start,
    /// Back into the screen if focus was lost (a focused button was disabled).
    IfLost,
    /// Nowhere: the first render (which must not steal focus from the page), or a busy
    /// screen.
    Keep,
}

impl ScreenFocus {
    /// The focus after a render; `after_input`: a message caused it; `busy`: the screen
    /// awaits the token service; `moved`: another screen shows now.
    pub fn after(after_input: bool, busy: bool, moved: bool) -> ScreenFocus {
        match (after_input && !busy, moved) {
            (false, _) => ScreenFocus::Keep,
            (true, true) => ScreenFocus::Start,
            (true, false) => ScreenFocus::IfLost,
        }
    }
}

/// What a message did: the token service's work to run, and where focus goes on the frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Updated {
    /// Commands for the token service, answered with [`Message::Bank`].
    pub work: Vec<Command>,
    /// Focus on the frame (`Screen`: left to the screen).
    pub focus: FrameFocus,
}

/// The bank section's state.
#[derive(Debug, Clone)]
pub struct Section {
    bank: Bank,
    screen: Screen,
    lang: Lang,
    reset: Reset,
    service: ServiceHealth,
    /// The removal awaiting its confirmation.
    asking: Option<Removal>,
    /// The credential removal sent to the token service, awaiting its answer.
    removing: Option<Removal>,
    /// The last removal's outcome, until the next press.
    removed: Option<(Removal, Result<(), RemoveRefused>)>,
}

impl Section {
    /// The section on its first screen.
    pub fn new(bank: Bank, lang: Lang) -> Self {
        Self {
            bank,
            screen: Screen::default(),
            lang,
            reset: Reset::Idle,
            service: ServiceHealth::default(),
            asking: None,
            removing: None,
            removed: None,
        }
    }

    /// The screen on show.
    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    /// What the screen on show shows: on staff screens, with what is wrong with the stored
    /// records ([`health::rows`]).
    pub fn view(&self) -> View {
        let mut view = self.screen.view(self.lang);
        if matches!(self.screen, Screen::Staff(_)) {
            view.rows
                .extend(health::rows(&self.service, &self.bank, self.lang));
        }
        // Only a signed-in staff member is offered removals (each is checked again).
        let signed_in = matches!(
            self.screen,
            Screen::Staff(
                Staff::Lookup { .. } | Staff::Record(_) | Staff::Fetching(_) | Staff::Working(_)
            )
        );
        if signed_in {
            view.removals = health::removals(&self.service, &self.bank);
            view.asking = self.asking.clone();
            match &self.removed {
                Some((removal, Ok(()))) => {
                    let done = crate::text(Text::RecordsRemoved, self.lang);
                    view.info = Some(fill(done, &[("what", &removal.name(self.lang))]));
                }
                Some((_, Err(refused))) => {
                    let key = match refused {
                        RemoveRefused::Gone => Text::ErrRecordGone,
                        RemoveRefused::NotSaved => Text::ErrNotSaved,
                        RemoveRefused::Unavailable => Text::ErrService,
                    };
                    view.error = Some(crate::text(key, self.lang).into());
                }
                None => {}
            }
            view.busy |= self.removing.is_some();
        }
        view
    }

    /// Reads what another tab stored, keeping this page's staff desk.
    fn refresh(&mut self, records: &mut impl Records) {
        if let Some(mut newer) = records.refresh() {
            newer.keep_desk_of(&mut self.bank);
            self.bank = newer;
        }
    }

    /// A removal (`ConfirmRemove`) by the signed-in staff member: a customer is removed and
    /// saved here (a failed save puts the bank back: nothing removed), a credential goes to
    /// the token service as a command. Refused without a live session, as every staff action.
    fn remove(&mut self, now: u64, records: &mut impl Records) -> Option<Command> {
        let removal = self.asking.take()?;
        let session = match self.bank.staff_act(now) {
            Ok(session) => session,
            Err(refusal) => {
                self.screen = crate::flow::sign_in_again(refusal).screen;
                return None;
            }
        };
        self.refresh(records);
        if !removal.current(&self.service, &self.bank) {
            self.removed = Some((removal, Err(RemoveRefused::Gone)));
            return None;
        }
        match removal.kind {
            StoredKind::Customer => {
                let mut before = self.bank.clone();
                let _ = self.bank.remove_unreadable(&session, removal.index);
                let outcome = if records.save(&self.bank) {
                    Ok(())
                } else {
                    before.keep_desk_of(&mut self.bank);
                    self.bank = before;
                    Err(RemoveRefused::NotSaved)
                };
                self.removed = Some((removal, outcome));
                None
            }
            StoredKind::Credential => {
                let token_id = (self.service.unreadable.get(removal.index))
                    .and_then(|(token_id, _)| token_id.clone());
                let command = Command::RemoveUnreadableCredential {
                    index: removal.index,
                    token_id,
                    why: removal.why.clone(),
                    actor: session.staff_id().actor(),
                };
                self.removing = Some(removal);
                Some(command)
            }
        }
    }

    /// The language shown.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Where the demo reset stands.
    pub fn reset(&self) -> Reset {
        self.reset
    }

    /// Whether a staff member is signed in at `now` (an idle session ends here).
    pub fn staff_signed_in(&mut self, now: u64) -> bool {
        self.bank.staff_session(now).is_some()
    }

    /// Handles `message` at the real time `now`, saving through `records`. An answer whose
    /// bank could not be saved is rolled back to the bank and screen from before it, and
    /// answered as not saved (issue 18).
    pub fn update(&mut self, message: Message, now: u64, records: &mut impl Records) -> Updated {
        let mut work = Vec::new();
        let focus = match message {
            Message::AskReset => FrameFocus::Question,
            Message::CancelReset | Message::ConfirmReset => FrameFocus::Reset,
            _ => FrameFocus::Screen,
        };
        match message {
            Message::Bank(Event::RecordRemoved(outcome)) => {
                if let Some(removal) = self.removing.take() {
                    self.removed = Some((removal, outcome));
                }
            }
            Message::Bank(event) => {
                if matches!(event, Event::Press(_)) {
                    self.reset = self.reset.update(ResetEvent::Press, false, true).0;
                    self.removed = None;
                    self.asking = None;
                }
                self.refresh(records);
                let screen = std::mem::take(&mut self.screen);
                let unsaved =
                    unsaved_answer(&event).map(|e| (e, screen.clone(), self.bank.clone()));
                let next = transition(&mut self.bank, screen, event, now);
                self.screen = next.screen;
                for command in next.commands {
                    match command {
                        Command::SaveBank => {
                            if !records.save(&self.bank)
                                && let Some((failed, screen, bank)) = unsaved.clone()
                            {
                                self.bank = bank;
                                self.screen =
                                    transition(&mut self.bank, screen, failed, now).screen;
                            }
                        }
                        other => work.push(other),
                    }
                }
            }
            Message::ToggleLang => {
                self.lang = self.lang.toggled();
                records.set_lang(self.lang);
            }
            Message::ServiceHealth(health) => self.service = health,
            Message::AskRemove(removal) => {
                self.removed = None;
                // Asking is a staff action too: refused without a session.
                self.asking = match self.bank.staff_act(now) {
                    Ok(_) => Some(removal),
                    Err(refusal) => {
                        self.screen = crate::flow::sign_in_again(refusal).screen;
                        None
                    }
                };
            }
            Message::CancelRemove => self.asking = None,
            Message::ConfirmRemove => work.extend(self.remove(now, records)),
            Message::AskReset | Message::CancelReset | Message::ConfirmReset => {
                let event = match message {
                    Message::AskReset => ResetEvent::Ask,
                    Message::CancelReset => ResetEvent::Cancel,
                    _ => ResetEvent::Confirm,
                };
                // Asking and confirming are staff actions: refused without a session.
                let staff = self.bank.staff_act(now).ok();
                let (reset, go) = self
                    .reset
                    .update(event, self.screen.is_busy(), staff.is_some());
                self.reset = reset;
                if let (true, Some(session)) = (go, staff) {
                    let made = self.bank.reset_demo(&session);
                    self.reset = Reset::done(made.is_ok());
                    if made.is_ok() {
                        self.screen = Screen::default();
                        records.replace(&self.bank);
                    }
                }
            }
        }
        let focus = match (focus, self.reset.asking()) {
            (FrameFocus::Question, false) => FrameFocus::Screen,
            (focus, _) => focus,
        };
        Updated { work, focus }
    }
}

#[cfg(test)]
mod tests;
