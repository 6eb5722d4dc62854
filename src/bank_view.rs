//! The bank's pages in the browser: renders the screens of [`crate::bank`] into the page's
//! bank section and turns typing and presses into [`Event`]s.
//!
//! What a screen does, and what a message does to the section (the unsaved-answer rollback,
//! the demo reset, where focus goes), is decided by the pure core
//! ([`webtoken_bank::section`]); each screen is rendered
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
use webtoken_bank::section::{FrameFocus, ScreenFocus, Section};
use webtoken_bank::{BankError, Command, Lang};

pub use webtoken_bank::section::Message;

/// The bank section: the bank, the screen on show, and their elements and listeners.
pub struct BankView {
    doc: Document,
    frame: Frame,
    built: Option<Built>,
    /// The bank, its screen, language and reset.
    section: Section,
    persist: Persist,
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
            section: Section::new(bank, lang),
            persist,
            dispatch,
        };
        view.render(false);
        Ok(Some(view))
    }

    /// Handles `message` and renders the result; returns the token-service work it asks for,
    /// to be answered with [`Message::Bank`] events.
    pub fn update(&mut self, message: Message) -> Vec<Command> {
        let updated = self.section.update(message, real_now(), &mut self.persist);
        self.render(true);
        match updated.focus {
            FrameFocus::Question => self.frame.focus_confirm(),
            FrameFocus::Reset => self.frame.focus_reset(),
            FrameFocus::Screen => {}
        }
        updated.work
    }

    /// Whether a staff member is signed in now (an idle session ends here).
    pub fn staff_signed_in(&mut self) -> bool {
        self.section.staff_signed_in(real_now())
    }

    /// Renders the frame and the screen; `after_input` moves focus where the person will
    /// want it next (never on the first render, which must not steal focus from the page).
    fn render(&mut self, after_input: bool) {
        let (lang, reset) = (self.section.lang(), self.section.reset());
        let view = self.section.view();
        self.frame.render(&FrameState {
            lang,
            storage: self.persist.keeping.notice(),
            confirming_reset: reset.asking(),
            reset_outcome: reset.outcome(),
            busy: view.busy,
        });
        let shape = Shape::of(&view, lang);
        let moved = self.built.as_ref().map(|b| b.shape().id()) != Some(view.id);
        if self.built.as_ref().is_none_or(|b| *b.shape() != shape) {
            // Drop the old listeners before building the new screen.
            self.built = None;
            self.built = Some(Built::build(
                &self.doc,
                &self.frame.screen,
                &view,
                lang,
                &self.dispatch,
            ));
        }
        let host = &self.frame.screen;
        dom::attr(host, "data-screen", view.id);
        dom::attr(host, "aria-busy", if view.busy { "true" } else { "false" });
        if let Some(built) = &mut self.built {
            built.update(&self.doc, &view);
            match ScreenFocus::after(after_input, view.busy, moved) {
                ScreenFocus::Start => built.focus_start(),
                ScreenFocus::IfLost => built.refocus_if_lost(&self.doc),
                ScreenFocus::Keep => {}
            }
        }
    }
}

/// The real time, not the time lab's shifted clock: a staff session's idle time is real.
fn real_now() -> u64 {
    crate::clock::seconds_of(js_sys::Date::now())
}

/// The page's bank section.
fn find(doc: &Document) -> Option<Element> {
    doc.query_selector("[data-testid=\"bank\"]").ok().flatten()
}
