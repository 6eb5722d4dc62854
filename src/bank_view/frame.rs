//! The fixed part of the bank section around the screens: the bar with the language toggle,
//! the storage notice, the demo customers and the reset of the demo data.

use gloo_events::EventListener;
use web_sys::{Document, Element, HtmlButtonElement};

use super::Message;
use super::dom::{attr, button, child, message, set_text, show, text_child};
use super::persist::Keeping;
use super::words::{Words, words};
use crate::app::Dispatch;
use webtoken_bank::{DEMO_CUSTOMERS, Lang, Text, text};

/// What the frame shows besides the screen.
pub struct FrameState<'a> {
    /// The language.
    pub lang: Lang,
    /// How the bank is kept.
    pub keeping: &'a Keeping,
    /// Whether the reset question is open.
    pub confirming_reset: bool,
    /// The outcome of the last reset, if it is to be shown.
    pub reset_outcome: Option<Words>,
    /// Whether the screen awaits an answer (no reset meanwhile).
    pub busy: bool,
}

/// The frame's elements and the listeners of its controls.
pub struct Frame {
    root: Element,
    /// Where the screens are rendered (`data-testid="bank-screen"`).
    pub screen: Element,
    lang: HtmlButtonElement,
    storage: Element,
    storage_text: Element,
    storage_detail: Element,
    reset_outcome: Element,
    reset: HtmlButtonElement,
    confirm: Element,
    confirm_yes: HtmlButtonElement,
    confirm_no: HtmlButtonElement,
    /// Elements whose whole text is one phrase of the frame.
    labels: Vec<(Element, Words)>,
    _listeners: Vec<EventListener>,
}

impl Frame {
    /// Replaces `root`'s content (the page's placeholder) with the frame.
    pub fn build(doc: &Document, root: &Element, dispatch: &Dispatch<Message>) -> Self {
        root.replace_children_with_node_0();
        let mut labels = Vec::new();
        let mut listeners = Vec::new();
        let mut on_click = |el: &HtmlButtonElement, message: fn() -> Message| {
            let dispatch = dispatch.clone();
            listeners.push(EventListener::new(el, "click", move |_| {
                dispatch.send(message())
            }));
        };

        let bar = child(doc, root, "div", "bank-bar");
        labels.push((child(doc, &bar, "p", "bank-brand"), Words::Heading));
        let lang = button(doc, &bar, "bank-lang", "button", "");
        attr(&lang, "data-testid", "bank-lang");
        on_click(&lang, || Message::ToggleLang);

        // Whether the bank is saved matters before anything is done: it goes first.
        let storage = child(doc, root, "p", "bank-storage");
        attr(&storage, "data-testid", "bank-storage");
        attr(&storage, "role", "status");
        let storage_text = child(doc, &storage, "span", "");
        // The browser's own words, for whoever looks into it.
        let storage_detail = child(doc, &storage, "small", "bank-storage-detail");

        let screen = child(doc, root, "div", "bank-screen");
        attr(&screen, "data-testid", "bank-screen");

        let tools = child(doc, root, "div", "bank-tools");

        let demo = child(doc, &tools, "details", "bank-demo");
        labels.push((child(doc, &demo, "summary", ""), Words::DemoCustomers));
        let list = child(doc, &demo, "ul", "");
        for (contract_id, password) in DEMO_CUSTOMERS {
            let item = child(doc, &list, "li", "");
            text_child(doc, &item, "code", "", contract_id);
            text_child(doc, &item, "span", "", " / ");
            text_child(doc, &item, "code", "", password);
        }
        // The demo staff member, for the staff page, the time lab and the reset.
        let item = child(doc, &list, "li", "");
        labels.push((text_child(doc, &item, "span", "", ""), Words::DemoStaff));
        let (staff_id, password) = webtoken_bank::staff::DEMO_STAFF;
        text_child(doc, &item, "span", "", ": ");
        text_child(doc, &item, "code", "", staff_id);
        text_child(doc, &item, "span", "", " / ");
        text_child(doc, &item, "code", "", password);

        let reset_box = child(doc, &tools, "div", "bank-reset");
        let reset = button(doc, &reset_box, "bank-button small", "button", "");
        attr(&reset, "data-testid", "bank-reset");
        labels.push((reset.clone().into(), Words::Reset));
        on_click(&reset, || Message::AskReset);
        let confirm = child(doc, &reset_box, "div", "bank-confirm");
        attr(&confirm, "data-testid", "bank-reset-confirm");
        attr(&confirm, "role", "group");
        attr(&confirm, "aria-labelledby", "bank-reset-question");
        let question = child(doc, &confirm, "p", "");
        attr(&question, "id", "bank-reset-question");
        labels.push((question, Words::ResetQuestion));
        let choices = child(doc, &confirm, "div", "bank-actions");
        let confirm_yes = button(doc, &choices, "bank-button danger", "button", "");
        labels.push((confirm_yes.clone().into(), Words::ResetYes));
        on_click(&confirm_yes, || Message::ConfirmReset);
        let confirm_no = button(doc, &choices, "bank-button", "button", "");
        labels.push((confirm_no.clone().into(), Words::ResetNo));
        on_click(&confirm_no, || Message::CancelReset);
        // The outcome shows beside the button that was pressed.
        let reset_outcome = child(doc, &reset_box, "p", "bank-reset-outcome");
        attr(&reset_outcome, "data-testid", "bank-reset-outcome");
        attr(&reset_outcome, "role", "status");

        Self {
            root: root.clone(),
            screen,
            lang,
            storage,
            storage_text,
            storage_detail,
            reset_outcome,
            reset,
            confirm,
            confirm_yes,
            confirm_no,
            labels,
            _listeners: listeners,
        }
    }

    /// Writes `state` into the frame.
    pub fn render(&self, state: &FrameState<'_>) {
        let lang = state.lang;
        attr(&self.root, "lang", lang.tag());
        // The whole page follows: the token panel, the title and what screen readers announce.
        if let Some(html) = self
            .root
            .owner_document()
            .and_then(|d| d.document_element())
        {
            attr(&html, "lang", lang.tag());
        }
        for (el, phrase) in &self.labels {
            set_text(el, words(*phrase, lang));
        }
        // The toggle names the other language, in that language.
        set_text(&self.lang, text(Text::LanguageToggle, lang));
        attr(&self.lang, "lang", lang.toggled().tag());

        let storage = match state.keeping {
            Keeping::Stored => None,
            Keeping::MemoryOnly(e) => Some((Words::MemoryOnly, e.to_string())),
            Keeping::Unreadable(why) => Some((Words::Unreadable, why.clone())),
            Keeping::SaveFailed(e) => Some((Words::SaveFailed, e.to_string())),
        };
        if let Some((phrase, why)) = &storage {
            set_text(&self.storage_text, words(*phrase, lang));
            set_text(&self.storage_detail, why);
        }
        show(&self.storage, storage.is_some());
        message(
            &self.reset_outcome,
            state.reset_outcome.map(|phrase| words(phrase, lang)),
        );

        show(&self.confirm, state.confirming_reset);
        self.reset
            .set_disabled(state.busy || state.confirming_reset);
        attr(
            &self.reset,
            "aria-expanded",
            if state.confirming_reset {
                "true"
            } else {
                "false"
            },
        );
        self.confirm_yes.set_disabled(state.busy);
    }

    /// Focuses the reset question's safe answer (キャンセル).
    pub fn focus_confirm(&self) {
        let _ = self.confirm_no.focus();
    }

    /// Focuses the reset button.
    pub fn focus_reset(&self) {
        let _ = self.reset.focus();
    }
}
