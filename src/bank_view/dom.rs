//! Small DOM helpers for the bank view. Tag and attribute names are the shell's own constants,
//! so the calls that fail only on an invalid name are settled here once. Text always goes in
//! as text (`textContent`), never as markup.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlButtonElement};

pub use crate::page::{set_text, show};

/// A new element with a class (none when `class` is empty).
pub fn element(doc: &Document, tag: &str, class: &str) -> Element {
    let el = doc
        .create_element(tag)
        .expect("the bank view creates only valid tag names");
    if !class.is_empty() {
        el.set_class_name(class);
    }
    el
}

/// A new element appended to `parent`.
pub fn child(doc: &Document, parent: &Element, tag: &str, class: &str) -> Element {
    let el = element(doc, tag, class);
    append(parent, &el);
    el
}

/// A new element with text, appended to `parent`.
pub fn text_child(doc: &Document, parent: &Element, tag: &str, class: &str, text: &str) -> Element {
    let el = child(doc, parent, tag, class);
    set_text(&el, text);
    el
}

/// A new `<button type=kind>` with a label, appended to `parent`.
pub fn button(
    doc: &Document,
    parent: &Element,
    class: &str,
    kind: &str,
    label: &str,
) -> HtmlButtonElement {
    let el = text_child(doc, parent, "button", class, label);
    attr(&el, "type", kind);
    el.dyn_into::<HtmlButtonElement>()
        .expect("created as a <button>")
}

/// Appends `child` to `parent`.
pub fn append(parent: &Element, child: &Element) {
    // A freshly created element appended to an element: no cycle, no second document
    // element, so the DOM cannot refuse it.
    let _ = parent.append_child(child);
}

/// Sets an attribute (the names are constants, which the DOM accepts).
pub fn attr(el: &Element, name: &str, value: &str) {
    let _ = el.set_attribute(name, value);
}

/// Shows `text` in `el`, or hides `el` when there is none.
pub fn message(el: &Element, text: Option<&str>) {
    set_text(el, text.unwrap_or(""));
    show(el, text.is_some());
}

/// Whether nothing on the page has focus (a focused button was disabled, say).
pub fn focus_lost(doc: &Document) -> bool {
    doc.active_element()
        .is_none_or(|el| el.tag_name().eq_ignore_ascii_case("body"))
}
