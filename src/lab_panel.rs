//! The staff's time lab on the page (a demo, never for customers; see [`crate::lab`]).
//!
//! Off by default: `?lab=1` in the page's address, or the switch in the footer, opens it. It is
//! not remembered: a reload, or closing it, puts the clock back to the real time, so that the
//! page never stays shifted unseen. The panel is built with the DOM API (text as text), written
//! by one function, [`LabPanel::render`], applying the core's
//! [`draw`](webtoken_bank::lab::draw::draw) of its state; its listeners are owned and
//! the section is removed when the panel closes.

use std::rc::Rc;

use gloo_events::EventListener;
use web_sys::{Document, Element, HtmlButtonElement};

use super::app::Dispatch;
use super::bank_view::dom::{attr, button, child, show, text_child};
use super::clock;
use super::page::{page_lang, query_value};
use super::render::{Parts, write};
use super::service::ServiceHandle;
use super::token_panel::Showing;
use webtoken_bank::lab::draw::{PARTS, Part, Row, draw};
use webtoken_bank::lab::panel::{Effect as LabEffect, Lab, Request, Seen};
use webtoken_bank::lab::{CodeLine, Shift, Shown};

pub use webtoken_bank::lab::panel::Message;

/// What the page does after a message.
#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    /// Nothing more.
    None,
    /// The clock moved: redraw the token, then read the service again.
    ClockMoved,
}

/// The panel's elements, present while it is open; dropping them removes the section.
struct Open {
    root: Element,
    /// Every part, for the core's writes.
    parts: Parts,
    /// The list as last drawn, redrawn only when it changed (it is a live region).
    drawn: Vec<CodeLine>,
    _listeners: Vec<EventListener>,
}

impl Drop for Open {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// The time lab: the footer switch, and the panel while it is open.
pub struct LabPanel {
    doc: Document,
    /// Where the panel goes.
    main: Element,
    /// Whether the page uses a remote token service (which keeps its own clock).
    remote: bool,
    dispatch: Dispatch<Message>,
    switch: HtmlButtonElement,
    /// The panel's state (open or not, its readings).
    lab: Lab,
    /// The panel's elements while it is open.
    open: Option<Open>,
    _switch: EventListener,
}

/// Whether the page's address asks for the lab (`?lab=1`).
pub fn asked_in_address() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|search| query_value(&search, "lab") == Some("1"))
}

impl LabPanel {
    /// Adds the switch to the page's footer, and opens the panel (at the end of `<main>`) when
    /// `open`. `None` on a page without a footer or a `<main>`.
    pub fn mount(
        doc: &Document,
        open: bool,
        remote: bool,
        dispatch: Dispatch<Message>,
    ) -> Option<Self> {
        let find = |selector: &str| doc.query_selector(selector).ok().flatten();
        let (footer, main) = (find("footer")?, find("main")?);
        let holder = child(doc, &footer, "p", "lab-switch");
        let switch = button(doc, &holder, "lab-toggle", "button", "");
        attr(&switch, "data-testid", "lab-toggle");
        let toggle = dispatch.clone();
        let listener = EventListener::new(&switch, "click", move |_| toggle.send(Message::Toggle));
        let mut lab = Self {
            doc: doc.clone(),
            main,
            remote,
            dispatch,
            switch,
            lab: Lab::new(open),
            open: None,
            _switch: listener,
        };
        if open {
            lab.open = Some(lab.build());
        }
        lab.render();
        Some(lab)
    }

    /// Handles a message; what the page must do next.
    pub fn update(&mut self, message: Message) -> Effect {
        let effect = self.lab.update(message, clock::offset());
        if self.lab.is_open() != self.open.is_some() {
            // Closing drops the panel's elements (the section is removed).
            self.open = None;
            if self.lab.is_open() {
                self.open = Some(self.build());
            }
        }
        let effect = run(effect);
        self.render();
        effect
    }

    /// Notes whether a staff member is signed in: only then do the clock controls work.
    /// Signed out (or idle), the clock goes back to the real time.
    pub fn set_staff(&mut self, staff: bool) -> Effect {
        let was = self.lab.staff();
        let effect = run(self.lab.set_staff(staff, clock::offset()));
        if was != staff {
            self.render();
        }
        effect
    }

    /// Notes what the token displays now; while the panel is open, the reading of the token
    /// service to run next.
    pub fn observe(&mut self, showing: Option<&Showing>) -> Option<Request> {
        let seen = showing.map(|showing| Seen {
            token: showing.token.clone(),
            params: showing.params,
            shown: Shown {
                code: showing.code.clone(),
                step: showing.step,
            },
        });
        self.lab
            .observe(seen, clock::offset(), clock::now_seconds(), self.remote)
    }

    /// Builds the panel's elements at the end of the page's `<main>`; their words and state
    /// are the core's writes.
    fn build(&self) -> Open {
        let doc = &self.doc;
        // Made in part order (`usize::from(part)`), so each goes at the end.
        let mut parts = Vec::with_capacity(PARTS);
        let mut put = |part: Part, el: &Element| {
            debug_assert_eq!(usize::from(part), parts.len(), "{part:?}");
            if let Some(testid) = part.testid() {
                attr(el, "data-testid", testid);
            }
            parts.push(el.clone());
        };
        let root = child(doc, &self.main, "section", "lab");
        attr(&root, "id", "lab-panel");
        attr(&root, "aria-labelledby", "lab-title");
        put(Part::Root, &root);
        let head = child(doc, &root, "div", "lab-head");
        let title = child(doc, &head, "h2", "");
        attr(&title, "id", "lab-title");
        put(Part::Title, &title);
        put(Part::Badge, &child(doc, &head, "span", "lab-badge"));
        put(Part::Lead, &child(doc, &root, "p", "lab-lead"));
        put(Part::Bound, &child(doc, &root, "p", "lab-lead"));
        let staff_note = child(doc, &root, "p", "lab-note");
        put(Part::StaffNote, &staff_note);

        let controls = child(doc, &root, "div", "lab-controls");
        attr(&controls, "role", "group");
        put(Part::Controls, &controls);
        let mut listeners = Vec::new();
        for shift in Shift::ALL {
            let class = if shift == Shift::Reset {
                "lab-button lab-reset"
            } else {
                "lab-button"
            };
            let control = button(doc, &controls, class, "button", "");
            attr(&control, "aria-describedby", "lab-needs-staff");
            put(Part::Shift(shift), &control);
            let dispatch = self.dispatch.clone();
            listeners.push(EventListener::new(&control, "click", move |_| {
                dispatch.send(Message::Shift(shift))
            }));
        }

        put(Part::Note, &child(doc, &root, "p", "lab-note"));
        let facts = child(doc, &root, "dl", "lab-facts");
        for row in Row::ALL {
            let item = child(doc, &facts, "div", "lab-fact");
            put(Part::Key(row), &child(doc, &item, "dt", ""));
            put(Part::Value(row), &child(doc, &item, "dd", ""));
        }
        let codes_title = child(doc, &root, "h3", "lab-codes-title");
        attr(&codes_title, "id", "lab-codes-title");
        put(Part::CodesTitle, &codes_title);
        let codes = child(doc, &root, "ol", "lab-codes");
        attr(&codes, "aria-labelledby", "lab-codes-title");
        attr(&codes, "aria-live", "polite");
        put(Part::Codes, &codes);
        attr(&staff_note, "id", "lab-needs-staff");
        Open {
            root,
            parts: Parts::new(parts),
            drawn: Vec::new(),
            _listeners: listeners,
        }
    }

    /// Applies the core's view of the lab to the switch and the open panel.
    pub fn render(&mut self) {
        let (switch, open) = (&self.switch, &self.open);
        let codes = draw(
            &self.lab,
            page_lang(&self.doc),
            &mut |part, change| match (part, open) {
                (Part::Switch, _) => write(switch, &change),
                (part, Some(panel)) => write(panel.parts.get(part.into()), &change),
                (_, None) => {}
            },
        );
        if let (Some(panel), Some(codes)) = (&mut self.open, codes) {
            draw_codes(&self.doc, panel, codes);
        }
    }
}

/// Runs the core's effect: moves the page's clock when told.
fn run(effect: LabEffect) -> Effect {
    match effect {
        LabEffect::SetOffset(offset) => {
            clock::set_offset(offset);
            Effect::ClockMoved
        }
        _ => Effect::None,
    }
}

/// Redraws the code list when its lines changed (a live region announces every change).
fn draw_codes(doc: &Document, panel: &mut Open, codes: Vec<CodeLine>) {
    if panel.drawn == codes {
        return;
    }
    let list = panel.parts.get(Part::Codes.into());
    list.replace_children_with_node_0();
    for line in &codes {
        let item = child(doc, list, "li", "lab-code");
        attr(&item, "data-verdict", line.verdict.name());
        let head = child(doc, &item, "p", "lab-code-head");
        text_child(doc, &head, "span", "lab-code-value", &line.code);
        text_child(doc, &head, "span", "lab-verdict", &line.label);
        text_child(doc, &head, "span", "lab-code-step", &line.step);
        let reason = text_child(doc, &item, "p", "lab-reason", &line.reason);
        show(&reason, !line.reason.is_empty());
    }
    panel.drawn = codes;
}

/// Reads the token service for `request`: the in-page service's view and dry runs, which
/// change nothing. `None` only if the service turned out to be remote, which [`LabPanel`] never
/// asks.
pub async fn read(request: Request, service: Rc<ServiceHandle>) -> Option<Message> {
    let Request {
        number,
        report,
        token_id,
    } = request;
    let report = match token_id {
        Some(id) => service.peek(|service| report.checked(service, &id)).await?,
        None => report,
    };
    Some(Message::Report(number, Box::new(report)))
}
