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
    /// The input's placeholder, unless the person is typing in it or has typed something.
    Placeholder(Cow<'a, str>),
    /// The value of a `<select>` (the option chosen).
    Value(Cow<'a, str>),
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

impl Write<'_> {
    /// The same write, owning its text (to keep writes past the view they came from).
    pub fn into_owned(self) -> Write<'static> {
        match self {
            Write::Shown(shown) => Write::Shown(shown),
            Write::Text(text) => Write::Text(Cow::Owned(text.into_owned())),
            Write::Attr(name, value) => Write::Attr(name, Cow::Owned(value.into_owned())),
            Write::Disabled(disabled) => Write::Disabled(disabled),
            Write::Placeholder(text) => Write::Placeholder(Cow::Owned(text.into_owned())),
            Write::Value(value) => Write::Value(Cow::Owned(value.into_owned())),
        }
    }
}

/// Where a view's writes go: the shell applies each as it comes.
pub type Sink<'s, P> = dyn FnMut(P, Write<'_>) + 's;

/// The writes a drawing function sends to its sink, collected (for tests and checks).
pub fn collect<P>(draw: impl FnOnce(&mut Sink<'_, P>)) -> Vec<(P, Write<'static>)> {
    let mut writes = Vec::new();
    draw(&mut |part, write: Write<'_>| writes.push((part, write.into_owned())));
    writes
}
