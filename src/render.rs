//! The generic pieces of the page's panels: the one builder of a core's elements
//! ([`Node`]s, with their listeners), and the one apply loop of a core's view as
//! `(part, write)` pairs ([`webtoken_engine::draw`]) sent to the elements looked up or made
//! once for those parts. Every write is skipped when the element already shows it.

use gloo_events::{EventListener, EventListenerOptions};
use std::marker::PhantomData;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, HtmlButtonElement, HtmlElement, HtmlInputElement, HtmlSelectElement,
};

use webtoken_engine::draw::{MissingElement, Node, Nodes, On, Write};

use super::app::Dispatch;
use super::page::{by_testid, set_text, show};

/// Elements made from a core's nodes: the marked parts in document order, and the elements
/// whose listeners are still to be wired.
pub struct Made<P, M> {
    /// The parts, in document order.
    pub parts: Vec<(P, Element)>,
    /// The elements with a listener, and what it sends.
    pub on: Vec<(Element, On<M>)>,
}

/// Appends the elements of `made` to `parent`.
pub fn make<P: Copy, M>(doc: &Document, parent: &Element, mut made: Nodes<P, M>) -> Made<P, M> {
    let (mut parts, mut on) = (Vec::new(), Vec::new());
    append(doc, parent, &made.nodes, &mut parts, &mut on);
    // Plain loops: each iterator chain would be code of its own per panel in the wasm.
    let mut out = Made {
        parts: Vec::new(),
        on: Vec::new(),
    };
    for (i, el) in parts {
        out.parts.push((made.parts[i], el));
    }
    for (i, el) in on {
        if let Some(sends) = made.on[i].take() {
            out.on.push((el, sends));
        }
    }
    out
}

/// Appends the elements of `nodes` to `parent`, noting the parts and listeners by number (not
/// generic: one copy of the DOM calls for every panel).
fn append(
    doc: &Document,
    parent: &Element,
    nodes: &[Node],
    parts: &mut Vec<(usize, Element)>,
    on: &mut Vec<(usize, Element)>,
) {
    for node in nodes {
        let el = doc
            .create_element(node.tag)
            .expect("the core's nodes use only valid tag names");
        if !node.class.is_empty() {
            el.set_class_name(node.class);
        }
        for (name, value) in &node.attrs {
            let _ = el.set_attribute(name, value);
        }
        if !node.text.is_empty() {
            el.set_text_content(Some(&node.text));
        }
        // A freshly created element appended to an element: the DOM cannot refuse it.
        let _ = parent.append_child(&el);
        if let Some(i) = node.part {
            parts.push((i, el.clone()));
        }
        if let Some(i) = node.on {
            on.push((i, el.clone()));
        }
        append(doc, &el, &node.children, parts, on);
    }
}

/// Replaces `parent`'s content with the elements of `nodes` (which have no parts or
/// listeners).
pub fn fill(doc: &Document, parent: &Element, nodes: &[Node]) {
    parent.replace_children_with_node_0();
    append(doc, parent, nodes, &mut Vec::new(), &mut Vec::new());
}

/// Wires each element's listener to `dispatch`; dropping them removes the listeners.
pub fn listen<M: Clone + 'static>(
    on: Vec<(Element, On<M>)>,
    dispatch: &Dispatch<M>,
) -> Vec<EventListener> {
    let wire = |(el, on): (Element, On<M>)| {
        let dispatch = dispatch.clone();
        match on {
            On::Click(message) => {
                EventListener::new(&el, "click", move |_| dispatch.send(message.clone()))
            }
            On::Input(make) => {
                let input = el.clone().unchecked_into::<HtmlInputElement>();
                EventListener::new(&el, "input", move |_| dispatch.send(make(input.value())))
            }
            On::Submit(message) => EventListener::new_with_options(
                &el,
                "submit",
                EventListenerOptions::enable_prevent_default(),
                move |event| {
                    event.prevent_default();
                    if let Some(message) = &message {
                        dispatch.send(message.clone());
                    }
                },
            ),
        }
    };
    on.into_iter().map(wire).collect()
}

/// Focuses `el` (an element that can take focus).
pub fn focus(el: &Element) {
    if let Some(el) = el.dyn_ref::<HtmlElement>() {
        let _ = el.focus();
    }
}

/// A panel's elements, indexed by its part type `P` (`part as usize`, in lookup order); a
/// clone shares them (the panel and its listeners).
pub struct Parts<P>(Rc<Vec<Element>>, PhantomData<P>);

impl<P> Clone for Parts<P> {
    fn clone(&self) -> Self {
        Self(Rc::clone(&self.0), PhantomData)
    }
}

impl<P: Copy + Into<usize>> Parts<P> {
    /// Looks up each `data-testid` in part order; the first missing one is an error.
    pub fn find(
        doc: &Document,
        testids: impl IntoIterator<Item = &'static str>,
    ) -> Result<Self, MissingElement> {
        let mut found = Vec::new();
        for id in testids {
            found.push(by_testid(doc, id).ok_or(MissingElement(id))?);
        }
        Ok(Self(Rc::new(found), PhantomData))
    }

    /// The parts of a core's nodes, whose document order is their part order.
    pub fn made(parts: Vec<(P, Element)>) -> Self
    where
        P: std::fmt::Debug,
    {
        for (index, (part, _)) in parts.iter().enumerate() {
            debug_assert_eq!((*part).into(), index, "{part:?}");
        }
        Self(
            Rc::new(parts.into_iter().map(|(_, el)| el).collect()),
            PhantomData,
        )
    }

    /// The element of `part`.
    pub fn get(&self, part: P) -> &Element {
        &self.0[part.into()]
    }

    /// The sink a core's drawing function writes to: each write goes to its part at once.
    pub fn sink(&self) -> impl FnMut(P, Write<'_>) + '_ {
        |part, change| write(self.get(part), &change)
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
        Write::Placeholder(text) => {
            let focused = el.owner_document().and_then(|d| d.active_element());
            if let Some(input) = el.dyn_ref::<HtmlInputElement>()
                && focused.as_ref() != Some(el)
                && input.value().is_empty()
            {
                input.set_placeholder(text);
            }
        }
        Write::Value(value) => {
            if let Some(input) = el.dyn_ref::<HtmlInputElement>()
                && input.value() != *value
            {
                input.set_value(value);
            } else if let Some(select) = el.dyn_ref::<HtmlSelectElement>()
                && select.value() != *value
            {
                select.set_value(value);
            }
        }
        Write::ReadOnly(read_only) => {
            if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
                input.set_read_only(*read_only);
            }
        }
    }
}
