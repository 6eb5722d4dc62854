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
use std::rc::Rc;

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
    /// The value of an input, or of a `<select>` (the option chosen); written only when it
    /// differs, so typing keeps its caret.
    Value(Cow<'a, str>),
    /// Whether the input is read-only.
    ReadOnly(bool),
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
            Write::Value(text) => Write::Value(Cow::Owned(text.into_owned())),
            Write::ReadOnly(read_only) => Write::ReadOnly(read_only),
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

/// What an element's listener sends: the shell wires each to the panel's queue.
pub enum On<M> {
    /// A press (`click`).
    Click(M),
    /// Typing (`input`): the message made from the input's new value.
    Input(Rc<dyn Fn(String) -> M>),
    /// The form's `submit` (Enter in a field): the page never navigates; the message, if any.
    Submit(Option<M>),
}

impl<M: std::fmt::Debug> std::fmt::Debug for On<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            On::Click(m) => f.debug_tuple("Click").field(m).finish(),
            On::Input(_) => f.write_str("Input(..)"),
            On::Submit(m) => f.debug_tuple("Submit").field(m).finish(),
        }
    }
}

/// An element to make, with its children: a panel's structure, which the shell builds in one
/// loop. Its text goes in as text, never as markup. Not generic, so that the page's wasm holds
/// one copy of the loop for every panel: its part and its listener are numbers into the
/// [`Nodes`] that hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The tag name (the core's own constants, so the DOM accepts them).
    pub tag: &'static str,
    /// The class, none when empty.
    pub class: &'static str,
    /// Attributes, set in order.
    pub attrs: Vec<(&'static str, Cow<'static, str>)>,
    /// Its text, before its children.
    pub text: Cow<'static, str>,
    /// Its part, as a number into [`Nodes::parts`].
    pub part: Option<usize>,
    /// Its listener, as a number into [`Nodes::on`].
    pub on: Option<usize>,
    /// Its children, in order.
    pub children: Vec<Node>,
}

impl Node {
    /// The value of its attribute `name`, if set (the last one set).
    pub fn attr_value(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_ref())
    }

    /// It and its descendants, in document order.
    pub fn all(&self) -> Vec<&Node> {
        let mut all = vec![self];
        all.extend(self.children.iter().flat_map(Node::all));
        all
    }
}

/// A panel's elements ([`Tree::finish`]): the top-level nodes, the parts they mark and what
/// their listeners send.
#[derive(Debug)]
pub struct Nodes<P, M> {
    /// The top-level elements.
    pub nodes: Vec<Node>,
    /// The parts, numbered as the nodes name them.
    pub parts: Vec<P>,
    /// What the listeners send, numbered as the nodes name them (each taken once, as its
    /// listener is wired).
    pub on: Vec<Option<On<M>>>,
}

impl<P: Copy + PartialEq, M> Nodes<P, M> {
    /// Every node, in document order.
    pub fn all(&self) -> Vec<&Node> {
        self.nodes.iter().flat_map(Node::all).collect()
    }

    /// The parts in document order (as the shell hands their elements back).
    pub fn parts_in_order(&self) -> Vec<P> {
        self.all()
            .into_iter()
            .filter_map(|n| n.part.map(|i| self.parts[i]))
            .collect()
    }

    /// The node marked `part`.
    pub fn find(&self, part: P) -> Option<&Node> {
        let index = self.parts.iter().position(|p| *p == part)?;
        self.all().into_iter().find(|n| n.part == Some(index))
    }

    /// What the listener of `node` sends, if it has one.
    pub fn on_of(&self, node: &Node) -> Option<&On<M>> {
        node.on.and_then(|i| self.on[i].as_ref())
    }
}

/// Writes nodes as a person reads markup: open an element, set its attributes, text, part
/// and listener, open its children, close it. Every call takes the builder by reference, so
/// that a panel's structure is as small in the page's wasm as the DOM calls it stands for.
pub struct Tree<P, M> {
    /// The elements, apart from what their parts and listeners are.
    elements: Elements,
    /// The parts, numbered as the nodes name them.
    parts: Vec<P>,
    /// What the listeners send, numbered as the nodes name them.
    on: Vec<Option<On<M>>>,
}

/// The open elements and the closed top-level ones: the part of a [`Tree`] that is the same
/// for every panel (not generic, so the page's wasm holds one copy of it).
#[derive(Default)]
struct Elements {
    /// The open elements, innermost last.
    open: Vec<Node>,
    /// The closed top-level elements.
    done: Vec<Node>,
}

impl Elements {
    fn open(&mut self, tag: &'static str, class: &'static str) {
        self.open.push(Node {
            tag,
            class,
            attrs: Vec::new(),
            text: Cow::Borrowed(""),
            part: None,
            on: None,
            children: Vec::new(),
        });
    }

    fn top(&mut self) -> &mut Node {
        self.open
            .last_mut()
            .expect("an element is open (Tree::open before its attributes)")
    }

    fn attr(&mut self, name: &'static str, value: Cow<'static, str>) {
        self.top().attrs.push((name, value));
    }

    fn close(&mut self) {
        let node = self
            .open
            .pop()
            .expect("an element is open (one close per open)");
        match self.open.last_mut() {
            Some(parent) => parent.children.push(node),
            None => self.done.push(node),
        }
    }

    fn finish(mut self) -> Vec<Node> {
        while !self.open.is_empty() {
            self.close();
        }
        self.done
    }
}

impl<P, M> Default for Tree<P, M> {
    fn default() -> Self {
        Self {
            elements: Elements::default(),
            parts: Vec::new(),
            on: Vec::new(),
        }
    }
}

impl<P, M> Tree<P, M> {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens a `<tag class=class>` inside the element open now (or at the top level).
    pub fn open(&mut self, tag: &'static str, class: &'static str) -> &mut Self {
        self.elements.open(tag, class);
        self
    }

    /// Opens a `<button type=kind>` with its label.
    pub fn button(
        &mut self,
        class: &'static str,
        kind: &'static str,
        label: impl Into<Cow<'static, str>>,
    ) -> &mut Self {
        self.open("button", class).attr("type", kind).text(label)
    }

    /// Sets an attribute of the element open now.
    pub fn attr(&mut self, name: &'static str, value: impl Into<Cow<'static, str>>) -> &mut Self {
        self.elements.attr(name, value.into());
        self
    }

    /// Sets the text of the element open now.
    pub fn text(&mut self, text: impl Into<Cow<'static, str>>) -> &mut Self {
        self.elements.top().text = text.into();
        self
    }

    /// Marks the element open now as `part`.
    pub fn part(&mut self, part: P) -> &mut Self {
        self.elements.top().part = Some(self.parts.len());
        self.parts.push(part);
        self
    }

    /// Gives the element open now a listener sending `on`.
    pub fn on(&mut self, on: On<M>) -> &mut Self {
        self.elements.top().on = Some(self.on.len());
        self.on.push(Some(on));
        self
    }

    /// Closes the element open now.
    pub fn close(&mut self) -> &mut Self {
        self.elements.close();
        self
    }

    /// What was made, every element closed.
    pub fn finish(self) -> Nodes<P, M> {
        Nodes {
            nodes: self.elements.finish(),
            parts: self.parts,
            on: self.on,
        }
    }
}

/// The page is missing an element the shell needs (its `data-testid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingElement(pub &'static str);

impl std::fmt::Display for MissingElement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the page has no element [data-testid=\"{}\"]", self.0)
    }
}

/// Why the page could not start (what `start()` rejects with).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StartError {
    /// The page lacks an element.
    Page(MissingElement),
    /// The browser offers no `window.document`.
    NoDocument,
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Page(e) => write!(f, "{e}"),
            Self::NoDocument => f.write_str("this browser offers no document to draw in"),
        }
    }
}

#[cfg(test)]
mod node_tests {
    use super::*;

    #[test]
    fn a_tree_nests_what_is_opened_inside_until_closed() {
        let mut t: Tree<u8, &str> = Tree::new();
        t.open("div", "a").part(0);
        t.button("b", "submit", "OK")
            .part(1)
            .on(On::Click("ok"))
            .close();
        t.open("p", "")
            .text("x")
            .attr("id", "1")
            .attr("id", "2")
            .close();
        t.close();
        t.open("ul", "").open("li", "").part(2);
        let made = t.finish();
        assert_eq!(made.nodes.len(), 2);
        let div = &made.nodes[0];
        assert_eq!(div.children.len(), 2);
        assert_eq!(div.children[0].attr_value("type"), Some("submit"));
        assert_eq!(div.children[1].text, "x");
        assert_eq!(div.children[1].attr_value("id"), Some("2"));
        assert_eq!(made.parts_in_order(), [0, 1, 2]);
        assert_eq!(made.find(2).map(|n| n.tag), Some("li"));
        assert!(made.find(9).is_none());
        let button = made.find(1).expect("the button");
        assert!(matches!(made.on_of(button), Some(On::Click("ok"))));
    }

    #[test]
    fn a_start_error_names_what_is_missing() {
        let missing = StartError::Page(MissingElement("token-code"));
        assert_eq!(
            missing.to_string(),
            "the page has no element [data-testid=\"token-code\"]"
        );
        assert_eq!(
            StartError::NoDocument.to_string(),
            "this browser offers no document to draw in"
        );
    }
}
