//! The fixed part of the bank section around the screens: the bar with the language toggle,
//! the storage notice, the demo customers and the reset of the demo data.

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlButtonElement, HtmlElement};

use super::Message;
use super::dom::{attr, button, child, text_child};
use crate::app::Dispatch;
use crate::render::Parts;
use webtoken_bank::DEMO_CUSTOMERS;
pub use webtoken_bank::section::frame::FrameState;
use webtoken_bank::section::frame::{Part, draw};

/// The frame's elements and the listeners of its controls.
pub struct Frame {
    /// Where the screens are rendered (`data-testid="bank-screen"`).
    pub screen: Element,
    /// Every part, for the core's writes.
    parts: Parts,
    _listeners: Vec<EventListener>,
}

impl Frame {
    /// Replaces `root`'s content (the page's placeholder) with the frame.
    pub fn build(doc: &Document, root: &Element, dispatch: &Dispatch<Message>) -> Self {
        root.replace_children_with_node_0();
        // Made in part order (`Part::ALL`), so each goes at the end.
        let mut parts = Vec::with_capacity(Part::ALL.len());
        let mut put = |part: Part, el: &Element| {
            debug_assert_eq!(usize::from(part), parts.len(), "{part:?}");
            parts.push(el.clone());
        };
        put(Part::Root, root);
        let mut listeners = Vec::new();
        let mut on_click = |el: &HtmlButtonElement, message: fn() -> Message| {
            let dispatch = dispatch.clone();
            listeners.push(EventListener::new(el, "click", move |_| {
                dispatch.send(message())
            }));
        };

        let bar = child(doc, root, "div", "bank-bar");
        put(Part::Brand, &child(doc, &bar, "p", "bank-brand"));
        let lang = button(doc, &bar, "bank-lang", "button", "");
        attr(&lang, "data-testid", "bank-lang");
        on_click(&lang, || Message::ToggleLang);
        put(Part::Lang, &lang);

        // Whether the bank is saved matters before anything is done: it goes first.
        let storage = child(doc, root, "p", "bank-storage");
        attr(&storage, "data-testid", "bank-storage");
        attr(&storage, "role", "status");
        put(Part::Storage, &storage);
        put(Part::StorageText, &child(doc, &storage, "span", ""));
        // The browser's own words, for whoever looks into it.
        put(
            Part::StorageDetail,
            &child(doc, &storage, "small", "bank-storage-detail"),
        );

        let screen = child(doc, root, "div", "bank-screen");
        attr(&screen, "data-testid", "bank-screen");

        let tools = child(doc, root, "div", "bank-tools");

        let demo = child(doc, &tools, "details", "bank-demo");
        put(Part::DemoSummary, &child(doc, &demo, "summary", ""));
        let list = child(doc, &demo, "ul", "");
        for (contract_id, password) in DEMO_CUSTOMERS {
            let item = child(doc, &list, "li", "");
            text_child(doc, &item, "code", "", contract_id);
            text_child(doc, &item, "span", "", " / ");
            text_child(doc, &item, "code", "", password);
        }
        // The demo staff member, for the staff page, the time lab and the reset.
        let item = child(doc, &list, "li", "");
        put(Part::DemoStaff, &text_child(doc, &item, "span", "", ""));
        let (staff_id, password) = webtoken_bank::staff::DEMO_STAFF;
        text_child(doc, &item, "span", "", ": ");
        text_child(doc, &item, "code", "", staff_id);
        text_child(doc, &item, "span", "", " / ");
        text_child(doc, &item, "code", "", password);

        let reset_box = child(doc, &tools, "div", "bank-reset");
        let reset = button(doc, &reset_box, "bank-button small", "button", "");
        attr(&reset, "data-testid", "bank-reset");
        put(Part::Reset, &reset);
        on_click(&reset, || Message::AskReset);
        let confirm = child(doc, &reset_box, "div", "bank-confirm");
        attr(&confirm, "data-testid", "bank-reset-confirm");
        attr(&confirm, "role", "group");
        attr(&confirm, "aria-labelledby", "bank-reset-question");
        put(Part::Confirm, &confirm);
        let question = child(doc, &confirm, "p", "");
        attr(&question, "id", "bank-reset-question");
        put(Part::Question, &question);
        let choices = child(doc, &confirm, "div", "bank-actions");
        let confirm_yes = button(doc, &choices, "bank-button danger", "button", "");
        put(Part::ConfirmYes, &confirm_yes);
        on_click(&confirm_yes, || Message::ConfirmReset);
        let confirm_no = button(doc, &choices, "bank-button", "button", "");
        put(Part::ConfirmNo, &confirm_no);
        on_click(&confirm_no, || Message::CancelReset);
        // The outcome shows beside the button that was pressed.
        let reset_outcome = child(doc, &reset_box, "p", "bank-reset-outcome");
        attr(&reset_outcome, "data-testid", "bank-reset-outcome");
        attr(&reset_outcome, "role", "status");
        put(Part::ResetOutcome, &reset_outcome);
        Self {
            screen,
            parts: Parts::new(parts),
            _listeners: listeners,
        }
    }

    /// Applies the core's view of the frame; the whole page follows its language (the token
    /// panel, the title and what screen readers announce).
    pub fn render(&self, state: &FrameState) {
        if let Some(html) = self
            .parts
            .get(Part::Root.into())
            .owner_document()
            .and_then(|d| d.document_element())
        {
            attr(&html, "lang", state.lang.tag());
        }
        draw(state, &mut self.parts.sink());
    }

    /// Focuses the reset question's safe answer (キャンセル).
    pub fn focus_confirm(&self) {
        focus(self.parts.get(Part::ConfirmNo.into()));
    }

    /// Focuses the reset button.
    pub fn focus_reset(&self) {
        focus(self.parts.get(Part::Reset.into()));
    }
}

/// Focuses `el`, a button of the frame.
fn focus(el: &Element) {
    if let Some(el) = el.dyn_ref::<HtmlElement>() {
        let _ = el.focus();
    }
}
