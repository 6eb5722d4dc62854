//! The bank's pages in the browser: renders the screens of [`crate::bank`] into the page's
//! bank section and turns typing and presses into [`Event`]s.
//!
//! What a screen does, and what a message does to the section (the unsaved-answer rollback,
//! the demo reset, where focus goes), is decided by the pure core
//! ([`webtoken_bank::section`]); each screen is rendered
//! from its [`View`](webtoken_bank::View) with the DOM API only (text is never parsed as
//! HTML). Token-service work ([`Command`]s other than [`Command::SaveBank`]) goes back to the
//! caller, which runs it asynchronously and sends the answer as another [`Message`]. The bank
//! is kept in `localStorage` under [`PREFIX`], as the core's [`Kept`] says.

mod frame;
mod screen;

use web_sys::{Document, Element};

use self::frame::{Frame, FrameState};
use self::screen::Built;
use crate::app::Dispatch;
use crate::render::write;
use webtoken_bank::section::keeping::Kept;
use webtoken_bank::section::screen::Shape;
use webtoken_bank::section::{FrameFocus, ScreenFocus, Section};
use webtoken_bank::{Command, Lang};

use crate::storage::Store;
use webtoken_engine::draw::{attr, flag};
use webtoken_token::sealing::NotSaved;

pub use webtoken_bank::section::Message;

/// The key prefix of everything the bank view stores.
pub const PREFIX: &str = "webtoken.bank.";

/// The bank's storage: `localStorage`, with the page's one sealer error type (the bank shares
/// the wallet's and the token service's copy of the save cycle).
type Persist = Kept<Store, NotSaved>;

/// Opens the bank's storage.
fn open() -> Persist {
    Persist::open(Store::open(PREFIX))
}

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
        open().lang().unwrap_or_else(crate::page::browser_lang)
    }

    /// Renders the bank into the page's `[data-testid="bank"]` section, its controls sending
    /// [`Message`]s to `dispatch`, in the page's language. `None` when the page has no bank
    /// section (the token runs alone).
    pub fn mount(doc: &Document, dispatch: Dispatch<Message>) -> Option<Self> {
        let root = find(doc)?;
        let mut persist = open();
        let lang = crate::page::page_lang(doc);
        let bank = persist.load();
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
        Some(view)
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
                self.frame.screen(),
                &view,
                lang,
                &self.dispatch,
            ));
        }
        let host = self.frame.screen();
        write(host, &attr("data-screen", view.id));
        write(host, &flag("aria-busy", view.busy));
        if let Some(built) = &mut self.built {
            built.update(&self.doc, &view);
            match ScreenFocus::after(after_input, view.busy, moved) {
                ScreenFocus::Start => built.focus_start(&view),
                ScreenFocus::IfLost => built.refocus_if_lost(&self.doc, &view),
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
    super::page::by_testid(doc, "bank")
}
