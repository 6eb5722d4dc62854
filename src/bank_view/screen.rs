//! One bank screen in the DOM: built from the core's [`tree`] when the screen (or its
//! language) changes, then updated in place by its [`draw`], so that typing never loses focus,
//! caret or text.

use gloo_events::EventListener;
use web_sys::{Document, Element};

use super::Message;
use crate::app::Dispatch;
use crate::render::{fill, focus, listen, make, write};
use webtoken_bank::section::health::{self, Removal};
use webtoken_bank::section::screen::{Part, Shape, audit, draw, rows, start_focus, tree};
use webtoken_bank::{AuditLine, Lang, Row, View};

/// The elements of the screen on show, and the listeners that feed its inputs and buttons
/// back as [`Message`]s; dropping it removes the listeners.
pub struct Built {
    shape: Shape,
    /// Whether the screen shows a record to read first (rows), not a form to fill in.
    record: bool,
    parts: Vec<(Part, Element)>,
    rows_shown: Option<Vec<Row>>,
    audit_shown: Option<Vec<AuditLine>>,
    /// The removals shown, and the one asked about.
    stored_shown: Option<(Vec<Removal>, Option<Removal>)>,
    stored_listeners: Vec<EventListener>,
    dispatch: Dispatch<Message>,
    _listeners: Vec<EventListener>,
}

impl Built {
    /// Replaces `host`'s content with the screen of `view`, wired to `dispatch`.
    pub fn build(
        doc: &Document,
        host: &Element,
        view: &View,
        lang: Lang,
        dispatch: &Dispatch<Message>,
    ) -> Self {
        host.replace_children_with_node_0();
        let made = make(doc, host, tree(view, lang));
        Self {
            shape: Shape::of(view, lang),
            record: !view.rows.is_empty(),
            parts: made.parts,
            rows_shown: None,
            audit_shown: None,
            stored_shown: None,
            stored_listeners: Vec::new(),
            dispatch: dispatch.clone(),
            _listeners: listen(made.on, dispatch),
        }
    }

    /// What this screen was built from.
    pub fn shape(&self) -> &Shape {
        &self.shape
    }

    fn get(&self, part: Part) -> Option<&Element> {
        self.parts
            .iter()
            .find(|(p, _)| *p == part)
            .map(|(_, el)| el)
    }

    /// Writes the changing parts of `view` (same shape) into the elements.
    pub fn update(&mut self, doc: &Document, view: &View) {
        draw(view, &mut |part, change| {
            if let Some(el) = self.get(part) {
                write(el, &change);
            }
        });
        if self.rows_shown.as_ref() != Some(&view.rows)
            && let Some(el) = self.get(Part::Rows)
        {
            fill(doc, el, &rows(&view.rows));
            self.rows_shown = Some(view.rows.clone());
        }
        let stored = (view.removals.clone(), view.asking.clone());
        if self.stored_shown.as_ref() != Some(&stored)
            && let Some(el) = self.get(Part::Stored)
        {
            el.replace_children_with_node_0();
            let made = make(
                doc,
                el,
                health::tree(&stored.0, stored.1.as_ref(), self.shape.lang()),
            );
            self.stored_listeners = listen(made.on, &self.dispatch);
            if let Some((_, no)) = made.parts.first() {
                focus(no);
            }
            self.stored_shown = Some(stored);
        }
        if self.audit_shown.as_ref() != Some(&view.audit)
            && let Some(el) = self.get(Part::AuditBody)
        {
            fill(doc, el, &audit(&view.audit));
            self.audit_shown = Some(view.audit.clone());
        }
    }

    /// Puts focus at the start of the screen ([`start_focus`]).
    pub fn focus_start(&self, view: &View) {
        if let Some(el) = self.get(start_focus(view, self.record)) {
            focus(el);
        }
    }

    /// Puts focus back at the start when the page lost it (a disabled button had it).
    pub fn refocus_if_lost(&self, doc: &Document, view: &View) {
        let lost = doc
            .active_element()
            .is_none_or(|el| el.tag_name().eq_ignore_ascii_case("body"));
        if lost {
            self.focus_start(view);
        }
    }
}
