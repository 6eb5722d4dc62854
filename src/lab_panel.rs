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
use web_sys::{Document, Element};

use super::app::Dispatch;
use super::clock;
use super::page::page_lang;
use super::render::{Parts, fill, listen, make, write};
use super::service::ServiceHandle;
use super::token_panel::Showing;
use webtoken_bank::lab::draw::{Part, code_list, draw, panel, switch};
use webtoken_bank::lab::panel::{Effect, Lab, Request, Seen};
use webtoken_bank::lab::{CodeLine, Shown};

pub use webtoken_bank::lab::panel::Message;

/// The panel's elements, present while it is open; dropping them removes the section.
struct Open {
    root: Element,
    /// Every part, for the core's writes.
    parts: Parts<Part>,
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
    switch: Element,
    /// The panel's state (open or not, its readings).
    lab: Lab,
    /// The panel's elements while it is open.
    open: Option<Open>,
    _switch: Vec<EventListener>,
}

/// Whether the page's address asks for the lab (`?lab=1`).
pub fn asked_in_address() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|search| webtoken_bank::lab::asked(&search))
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
        let mut made = make(doc, &footer, switch());
        let listeners = listen(made.on, &dispatch);
        let (_, switch) = made.parts.pop()?;
        let mut lab = Self {
            doc: doc.clone(),
            main,
            remote,
            dispatch,
            switch,
            lab: Lab::new(open),
            open: None,
            _switch: listeners,
        };
        if open {
            lab.open = Some(lab.build());
        }
        lab.render();
        Some(lab)
    }

    /// Handles a message; whether the clock moved (the token is then redrawn and the service
    /// read again).
    pub fn update(&mut self, message: Message) -> bool {
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
    /// Signed out (or idle), the clock goes back to the real time: whether it moved.
    pub fn set_staff(&mut self, staff: bool) -> bool {
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

    /// Builds the panel's elements ([`panel`]) at the end of the page's `<main>`; their words
    /// and state are the core's writes.
    fn build(&self) -> Open {
        let made = make(&self.doc, &self.main, panel());
        Open {
            root: made.parts[0].1.clone(),
            parts: Parts::made(made.parts),
            drawn: Vec::new(),
            _listeners: listen(made.on, &self.dispatch),
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
                (part, Some(panel)) => write(panel.parts.get(part), &change),
                (_, None) => {}
            },
        );
        if let (Some(panel), Some(codes)) = (&mut self.open, codes) {
            draw_codes(&self.doc, panel, codes);
        }
    }
}

/// Runs the core's effect: moves the page's clock when told; whether it moved.
fn run(effect: Effect) -> bool {
    let Effect::SetOffset(offset) = effect else {
        return false;
    };
    clock::set_offset(offset);
    true
}

/// Redraws the code list when its lines changed (a live region announces every change).
fn draw_codes(doc: &Document, panel: &mut Open, codes: Vec<CodeLine>) {
    if panel.drawn != codes {
        fill(doc, panel.parts.get(Part::Codes), &code_list(&codes));
        panel.drawn = codes;
    }
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
