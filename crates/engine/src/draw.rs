//! A view as writes to a page's elements: what the browser shell applies in one generic loop,
//! so that the shell decides nothing itself. A panel names its elements with its own part
//! type; the shell looks each part up once and applies `(part, write)` pairs in order.
//!
//! ```
//! use webtoken_engine::draw::{Write, shown, text};
//! assert_eq!(shown(true), Write::Shown(true));
//! assert_eq!(text("OK"), Write::Text("OK".into()));
//! ```

use std::borrow::Cow;

/// One write to an element; the shell skips it when the element already shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write<'a> {
    /// Shown, or hidden with the `hidden` attribute.
    Shown(bool),
    /// Its text (never HTML).
    Text(Cow<'a, str>),
    /// An attribute's value.
    Attr(&'static str, Cow<'a, str>),
    /// Whether the button is disabled.
    Disabled(bool),
}

/// Shown or hidden.
pub fn shown(shown: bool) -> Write<'static> {
    Write::Shown(shown)
}

/// Its text.
pub fn text<'a>(text: impl Into<Cow<'a, str>>) -> Write<'a> {
    Write::Text(text.into())
}

/// An attribute's value.
pub fn attr<'a>(name: &'static str, value: impl Into<Cow<'a, str>>) -> Write<'a> {
    Write::Attr(name, value.into())
}

/// An attribute that holds `"true"` or `"false"` (`aria-expanded`, `data-*` flags).
pub fn flag(name: &'static str, on: bool) -> Write<'static> {
    Write::Attr(name, Cow::Borrowed(if on { "true" } else { "false" }))
}
