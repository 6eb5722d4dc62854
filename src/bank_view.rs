//! The bank's pages in the browser: renders the screens of [`crate::bank`] into the page's
//! bank section and turns typing and presses into [`Event`]s.
//!
//! What a screen does is decided by the pure core ([`transition`]); each screen is rendered
//! from its [`View`](webtoken_bank::View) with the DOM API only (text is never parsed as
//! HTML). Token-service work ([`Command`]s other than [`Command::SaveBank`]) goes back to the
//! caller, which runs it asynchronously and sends the answer as another [`Message`]. The bank
//! is kept in `localStorage` (see [`persist`]).

pub(super) mod dom;
mod frame;
pub mod persist;
mod screen;
mod words;

use web_sys::{Document, Element};

use self::frame::{Frame, FrameState};
use self::persist::Persist;
use self::screen::{Built, Shape};
use crate::app::Dispatch;
use webtoken_bank::reset::{Reset, ResetEvent};
use webtoken_bank::{Bank, BankError, Command, Event, Lang, Screen, transition, unsaved_answer};

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
}

/// The bank section: the bank, the screen on show, and their elements and listeners.
pub struct BankView {
    doc: Document,
    frame: Frame,
    built: Option<Built>,
    bank: Bank,
    screen: Screen,
    lang: Lang,
    persist: Persist,
    reset: Reset,
    dispatch: Dispatch<Message>,
}

impl BankView {
    /// The language to show: the one chosen last time on this page; on a first visit, the
    /// browser's.
    pub fn chosen_lang() -> Lang {
        Persist::open()
            .lang()
            .unwrap_or_else(crate::page::browser_lang)
    }

    /// Renders the bank into the page's `[data-testid="bank"]` section, its controls sending
    /// [`Message`]s to `dispatch`, in the page's language. `Ok(None)` when the page has no bank section (the token
    /// runs alone); an error when the demo customers cannot be made.
    pub fn mount(doc: &Document, dispatch: Dispatch<Message>) -> Result<Option<Self>, BankError> {
        let Some(root) = find(doc) else {
            return Ok(None);
        };
        let mut persist = Persist::open();
        let lang = crate::page::page_lang(doc);
        let bank = persist.load()?;
        let frame = Frame::build(doc, &root, &dispatch);
        let mut view = Self {
            doc: doc.clone(),
            frame,
            built: None,
            bank,
            screen: Screen::default(),
            lang,
            persist,
            reset: Reset::Idle,
            dispatch,
        };
        view.render(false);
        Ok(Some(view))
    }

    /// Handles `message` and renders the result; returns the token-service work it asks for,
    /// to be answered with [`Message::Bank`] events.
    pub fn update(&mut self, message: Message) -> Vec<Command> {
        let mut work = Vec::new();
        let asked = match message {
            Message::AskReset => FrameFocus::Question,
            Message::CancelReset | Message::ConfirmReset => FrameFocus::Reset,
            _ => FrameFocus::Screen,
        };
        match message {
            Message::Bank(event) => {
                if matches!(event, Event::Press(_)) {
                    self.reset = self.reset.update(ResetEvent::Press, false, true).0;
                }
                if let Some(mut newer) = self.persist.refresh() {
                    newer.keep_desk_of(&mut self.bank);
                    self.bank = newer;
                }
                let screen = std::mem::take(&mut self.screen);
                // An answer is reported only with the bank's record saved (issue 18).
                let unsaved =
                    unsaved_answer(&event).map(|e| (e, screen.clone(), self.bank.clone()));
                let next = transition(&mut self.bank, screen, event, real_now());
                self.screen = next.screen;
                for command in next.commands {
                    match command {
                        Command::SaveBank => {
                            if !self.persist.save(&self.bank)
                                && let Some((failed, screen, bank)) = unsaved.clone()
                            {
                                self.bank = bank;
                                self.screen =
                                    transition(&mut self.bank, screen, failed, real_now()).screen;
                            }
                        }
                        other => work.push(other),
                    }
                }
            }
            Message::ToggleLang => {
                self.lang = self.lang.toggled();
                self.persist.set_lang(self.lang);
            }
            Message::AskReset | Message::CancelReset | Message::ConfirmReset => {
                let event = match message {
                    Message::AskReset => ResetEvent::Ask,
                    Message::CancelReset => ResetEvent::Cancel,
                    _ => ResetEvent::Confirm,
                };
                // Asking and confirming are staff actions: refused without a session.
                let staff = self.bank.staff_act(real_now()).ok();
                let (reset, go) = self
                    .reset
                    .update(event, self.screen.is_busy(), staff.is_some());
                self.reset = reset;
                if let (true, Some(session)) = (go, staff) {
                    let made = self.bank.reset_demo(&session);
                    self.reset = Reset::done(made.is_ok());
                    if made.is_ok() {
                        self.screen = Screen::default();
                        self.persist.replace(&self.bank);
                    }
                }
            }
        }
        self.render(true);
        match (asked, self.reset.asking()) {
            (FrameFocus::Question, true) => self.frame.focus_confirm(),
            (FrameFocus::Reset, _) => self.frame.focus_reset(),
            _ => {}
        }
        work
    }

    /// Whether a staff member is signed in now (an idle session ends here).
    pub fn staff_signed_in(&mut self) -> bool {
        self.bank.staff_session(real_now()).is_some()
    }

    /// Renders the frame and the screen; `after_input` moves focus where the person will
    /// want it next (never on the first render, which must not steal focus from the page).
    fn render(&mut self, after_input: bool) {
        let view = self.screen.view(self.lang);
        self.frame.render(&FrameState {
            lang: self.lang,
            keeping: &self.persist.keeping,
            confirming_reset: self.reset.asking(),
            reset_outcome: self.reset.outcome(),
            busy: view.busy,
        });
        let shape = Shape::of(&view, self.lang);
        let moved = self.built.as_ref().map(|b| b.shape().id()) != Some(view.id);
        if self.built.as_ref().is_none_or(|b| *b.shape() != shape) {
            // Drop the old listeners before building the new screen.
            self.built = None;
            self.built = Some(Built::build(
                &self.doc,
                &self.frame.screen,
                &view,
                self.lang,
                &self.dispatch,
            ));
        }
        let host = &self.frame.screen;
        dom::attr(host, "data-screen", view.id);
        dom::attr(host, "aria-busy", if view.busy { "true" } else { "false" });
        if let Some(built) = &mut self.built {
            built.update(&self.doc, &view);
            if after_input && !view.busy {
                if moved {
                    built.focus_start();
                } else {
                    built.refocus_if_lost(&self.doc);
                }
            }
        }
    }
}

/// The real time, not the time lab's shifted clock: a staff session's idle time is real.
fn real_now() -> u64 {
    crate::clock::seconds_of(js_sys::Date::now())
}

/// Where focus goes after a press on the frame.
enum FrameFocus {
    /// The reset question opened: to its safe answer.
    Question,
    /// The reset question closed: back to the reset button, beside the outcome.
    Reset,
    /// Wherever the screen puts it.
    Screen,
}

/// The page's bank section.
fn find(doc: &Document) -> Option<Element> {
    doc.query_selector("[data-testid=\"bank\"]").ok().flatten()
}
