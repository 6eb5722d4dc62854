//! The one generic apply loop of the page's panels: a core's view as `(part, write)` pairs
//! ([`webtoken_engine::draw`]) sent to the elements looked up once for those parts. Every
//! write is skipped when the element already shows it.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlButtonElement, HtmlInputElement, HtmlSelectElement};
use webtoken_engine::draw::Write;

use super::page::{by_testid, set_text, show};

/// A panel's elements, indexed by its part type (`part as usize`, in lookup order).
pub struct Parts(Vec<Element>);

impl Parts {
    /// Looks up each `data-testid` in order; `None` when one is missing.
    pub fn find<'a>(doc: &Document, testids: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        let found: Option<Vec<_>> = testids.into_iter().map(|id| by_testid(doc, id)).collect();
        found.map(Self)
    }

    /// Elements made by the shell, in part order.
    pub fn new(elements: Vec<Element>) -> Self {
        Self(elements)
    }

    /// The element of the part numbered `index`.
    pub fn get(&self, index: usize) -> &Element {
        &self.0[index]
    }

    /// The sink a core's drawing function writes to: each write goes to its part at once.
    pub fn sink<P: Into<usize>>(&self) -> impl FnMut(P, Write<'_>) + '_ {
        |part, change| write(self.get(part.into()), &change)
    }
}

/// Applies one write to `el`, only when it changes something.
pub fn write(el: &Element, write: &Write<'_>) {
    match write {
        Write::Shown(shown) => show(el, *shown),
        Write::Text(text) => set_text(el, text),
        Write::Attr(name, value) => {
            if el.get_attribute(name).as_deref() != Some(value) {
                let _ = el.set_attribute(name, value);
            }
        }
        Write::Disabled(disabled) => {
            if let Some(button) = el.dyn_ref::<HtmlButtonElement>() {
                button.set_disabled(*disabled);
            } else if let Some(select) = el.dyn_ref::<HtmlSelectElement>() {
                select.set_disabled(*disabled);
            }
        }
        Write::Value(value) => {
            if let Some(select) = el.dyn_ref::<HtmlSelectElement>()
                && select.value() != *value
            {
                select.set_value(value);
            }
        }
        Write::Placeholder(text) => {
            let focused = el.owner_document().and_then(|d| d.active_element());
            if let Some(input) = el.dyn_ref::<HtmlInputElement>()
                && focused.as_ref() != Some(el)
                && input.value().is_empty()
            {
                input.set_placeholder(text);
            }
        }
    }
}
