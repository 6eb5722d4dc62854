//! The fixed part of the bank section around the screens: the bar with the language toggle,
//! the storage notice, the demo customers and the reset of the demo data. Its elements and
//! its state are the core's ([`webtoken_bank::section::frame`]).

use gloo_events::EventListener;
use web_sys::{Document, Element};

use super::Message;
use crate::app::Dispatch;
use crate::render::{Parts, focus, listen, make};
pub use webtoken_bank::section::frame::FrameState;
use webtoken_bank::section::frame::{Part, draw, tree};

/// The frame's elements and the listeners of its controls.
pub struct Frame {
    /// Every part, for the core's writes.
    parts: Parts<Part>,
    _listeners: Vec<EventListener>,
}

impl Frame {
    /// Replaces `root`'s content (the page's placeholder) with the frame.
    pub fn build(doc: &Document, root: &Element, dispatch: &Dispatch<Message>) -> Self {
        root.replace_children_with_node_0();
        let mut made = make(doc, root, tree());
        made.parts.insert(0, (Part::Root, root.clone()));
        Self {
            parts: Parts::made(made.parts),
            _listeners: listen(made.on, dispatch),
        }
    }

    /// Where the screens are rendered (`data-testid="bank-screen"`).
    pub fn screen(&self) -> &Element {
        self.parts.get(Part::Screen)
    }

    /// Applies the core's view of the frame; the whole page follows its language (the token
    /// panel, the title and what screen readers announce).
    pub fn render(&self, state: &FrameState) {
        if let Some(html) = self
            .parts
            .get(Part::Root)
            .owner_document()
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", state.lang.tag());
        }
        draw(state, &mut self.parts.sink());
    }

    /// Focuses the reset question's safe answer (キャンセル).
    pub fn focus_confirm(&self) {
        focus(self.parts.get(Part::ConfirmNo));
    }

    /// Focuses the reset button.
    pub fn focus_reset(&self) {
        focus(self.parts.get(Part::Reset));
    }
}
