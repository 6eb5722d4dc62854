//! The staff's time lab on the page (a demo, never for customers; see [`crate::lab`]).
//!
//! Off by default: `?lab=1` in the page's address, or the switch in the footer, opens it. It is
//! not remembered: a reload, or closing it, puts the clock back to the real time, so that the
//! page never stays shifted unseen. The panel is built with the DOM API (text as text), written
//! by one function, [`LabPanel::render`], from the last [`Report`]; its listeners are owned and
//! the section is removed when the panel closes.

use std::rc::Rc;

use gloo_events::EventListener;
use web_sys::{Document, Element, HtmlButtonElement};

use super::app::Dispatch;
use super::bank_view::dom::{attr, button, child, message, set_text, show, text_child};
use super::clock;
use super::page::{page_lang, query_value};
use super::service::ServiceHandle;
use super::token_panel::Showing;
use webtoken_bank::lab::panel::{Effect as LabEffect, Lab, Request, Seen};
use webtoken_bank::lab::{CodeLine, Shift, Shown};
use webtoken_engine::i18n::Lang;
use webtoken_engine::i18n::lab::Text;

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
    /// The resync's bound, in words.
    bound: Element,
    /// Why the clock controls do not work: no staff member is signed in.
    staff_note: Element,
    /// The clock controls, disabled without a signed-in staff member.
    shifts: Vec<HtmlButtonElement>,
    rows: Rows,
    note: Element,
    codes: Element,
    /// The list as last drawn, redrawn only when it changed (it is a live region).
    drawn: Vec<CodeLine>,
    /// Static wording and the attribute it goes in (`None`: the text).
    labels: Vec<(Element, Text, Option<&'static str>)>,
    _listeners: Vec<EventListener>,
}

impl Drop for Open {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// The value cells of the facts list.
struct Rows {
    offset: Element,
    time: Element,
    step: Element,
    window: Element,
    drift: Element,
    failures: Element,
    status: Element,
    last: Element,
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
    lang: Option<Lang>,
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
            lang: None,
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
            self.lang = None;
        }
        let effect = match effect {
            LabEffect::SetOffset(offset) => {
                clock::set_offset(offset);
                Effect::ClockMoved
            }
            _ => Effect::None,
        };
        self.render();
        effect
    }

    /// Notes whether a staff member is signed in: only then do the clock controls work.
    /// Signed out (or idle), the clock goes back to the real time.
    pub fn set_staff(&mut self, staff: bool) -> Effect {
        let was = self.lab.staff();
        let effect = match self.lab.set_staff(staff, clock::offset()) {
            LabEffect::SetOffset(offset) => {
                clock::set_offset(offset);
                Effect::ClockMoved
            }
            _ => Effect::None,
        };
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

    /// Builds the panel at the end of the page's `<main>`.
    fn build(&self) -> Open {
        let doc = &self.doc;
        let mut labels = Vec::new();
        let root = child(doc, &self.main, "section", "lab");
        attr(&root, "id", "lab-panel");
        attr(&root, "data-testid", "lab-panel");
        attr(&root, "aria-labelledby", "lab-title");
        let head = child(doc, &root, "div", "lab-head");
        let title = child(doc, &head, "h2", "");
        attr(&title, "id", "lab-title");
        labels.push((title, Text::Title, None));
        labels.push((child(doc, &head, "span", "lab-badge"), Text::Badge, None));
        labels.push((child(doc, &root, "p", "lab-lead"), Text::Lead, None));
        let bound = child(doc, &root, "p", "lab-lead");
        attr(&bound, "data-testid", "lab-resync-bound");
        let staff_note = child(doc, &root, "p", "lab-note");
        attr(&staff_note, "data-testid", "lab-needs-staff");
        labels.push((staff_note.clone(), Text::NeedsStaff, None));

        let controls = child(doc, &root, "div", "lab-controls");
        attr(&controls, "role", "group");
        labels.push((controls.clone(), Text::ControlsLabel, Some("aria-label")));
        let mut listeners = Vec::new();
        let mut shifts = Vec::new();
        for shift in Shift::ALL {
            let class = if shift == Shift::Reset {
                "lab-button lab-reset"
            } else {
                "lab-button"
            };
            let control = button(doc, &controls, class, "button", "");
            attr(&control, "data-testid", shift.testid());
            attr(&control, "aria-describedby", "lab-needs-staff");
            shifts.push(control.clone());
            let (label, spoken) = shift.words();
            labels.push((control.clone().into(), label, None));
            // A tooltip, not an `aria-label`: the spoken name must contain the visible one.
            labels.push((control.clone().into(), spoken, Some("title")));
            let dispatch = self.dispatch.clone();
            listeners.push(EventListener::new(&control, "click", move |_| {
                dispatch.send(Message::Shift(shift))
            }));
        }

        let note = child(doc, &root, "p", "lab-note");
        attr(&note, "data-testid", "lab-note");
        let facts = child(doc, &root, "dl", "lab-facts");
        let mut row = |key: Text, testid: &str| {
            let item = child(doc, &facts, "div", "lab-fact");
            labels.push((child(doc, &item, "dt", ""), key, None));
            let value = child(doc, &item, "dd", "");
            attr(&value, "data-testid", testid);
            value
        };
        let rows = Rows {
            offset: row(Text::OffsetLabel, "lab-offset"),
            time: row(Text::TimeLabel, "lab-time"),
            step: row(Text::StepLabel, "lab-step"),
            window: row(Text::WindowLabel, "lab-window"),
            drift: row(Text::DriftLabel, "lab-drift"),
            failures: row(Text::FailuresLabel, "lab-failures"),
            status: row(Text::StatusLabel, "lab-status"),
            last: row(Text::LastLabel, "lab-last"),
        };
        let codes_title = child(doc, &root, "h3", "lab-codes-title");
        attr(&codes_title, "id", "lab-codes-title");
        labels.push((codes_title, Text::CodesTitle, None));
        let codes = child(doc, &root, "ol", "lab-codes");
        attr(&codes, "data-testid", "lab-codes");
        attr(&codes, "aria-labelledby", "lab-codes-title");
        attr(&codes, "aria-live", "polite");
        attr(&staff_note, "id", "lab-needs-staff");
        Open {
            root,
            bound,
            staff_note,
            shifts,
            rows,
            note,
            codes,
            drawn: Vec::new(),
            labels,
            _listeners: listeners,
        }
    }

    /// Writes the switch and the panel from the state.
    pub fn render(&mut self) {
        let lang = page_lang(&self.doc);
        let relabel = self.lang != Some(lang);
        self.lang = Some(lang);
        let open = self.open.is_some();
        set_text(
            &self.switch,
            if open {
                Text::ToggleClose
            } else {
                Text::ToggleOpen
            }
            .get(lang),
        );
        attr(
            &self.switch,
            "aria-expanded",
            if open { "true" } else { "false" },
        );
        let Some(panel) = &mut self.open else {
            return;
        };
        attr(&panel.root, "lang", lang.tag());
        let staff = self.lab.staff();
        show(&panel.staff_note, !staff);
        attr(
            &panel.root,
            "data-staff",
            if staff { "true" } else { "false" },
        );
        for control in &panel.shifts {
            control.set_disabled(!staff);
        }
        if relabel {
            set_text(&panel.bound, &webtoken_bank::lab::resync_bound(lang));
            for (el, key, target) in &panel.labels {
                match target {
                    None => set_text(el, key.get(lang)),
                    Some(name) => attr(el, name, key.get(lang)),
                }
            }
        }
        let Some(report) = self.lab.report() else {
            return;
        };
        let view = report.view(lang);
        let rows = &panel.rows;
        for (el, text) in [
            (&rows.offset, &view.offset),
            (&rows.time, &view.time),
            (&rows.step, &view.step),
            (&rows.window, &view.window),
            (&rows.drift, &view.drift),
            (&rows.failures, &view.failures),
            (&rows.status, &view.status),
            (&rows.last, &view.last),
        ] {
            set_text(el, text);
        }
        attr(
            &panel.root,
            "data-shifted",
            if report.offset == 0 { "false" } else { "true" },
        );
        message(&panel.note, view.note.as_deref());
        draw_codes(&self.doc, panel, view.codes);
    }
}

/// Redraws the code list when its lines changed (a live region announces every change).
fn draw_codes(doc: &Document, panel: &mut Open, codes: Vec<CodeLine>) {
    if panel.drawn == codes {
        return;
    }
    panel.codes.replace_children_with_node_0();
    for line in &codes {
        let item = child(doc, &panel.codes, "li", "lab-code");
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
