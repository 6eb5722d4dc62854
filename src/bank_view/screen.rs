//! One bank screen in the DOM: built from a [`View`] when the screen (or its language)
//! changes, then updated in place, so that typing never loses focus, caret or text.

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlButtonElement, HtmlElement, HtmlInputElement};

use super::Message;
use super::dom::{attr, button, child, focus_lost, message, show, text_child};
use super::words::{Words, words};
use crate::app::Dispatch;
use webtoken_bank::{
    Action, AuditLine, ButtonView, Crumb, Event, FieldView, InputKind, Lang, Row, Text, View, text,
};

/// What a screen's elements are built from: the view without the parts that change in place
/// (typed values, messages, rows, the audit trail, the busy state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    id: &'static str,
    lang: Lang,
    title: &'static str,
    breadcrumb: Vec<Crumb>,
    lead: Vec<&'static str>,
    section: Option<&'static str>,
    fields: Vec<FieldView>,
    buttons: Vec<ButtonView>,
    links: Vec<ButtonView>,
    notes: Vec<&'static str>,
}

impl Shape {
    /// The shape of `view`, shown in `lang`.
    pub fn of(view: &View, lang: Lang) -> Self {
        Self {
            id: view.id,
            lang,
            title: view.title,
            breadcrumb: view.breadcrumb.clone(),
            lead: view.lead.clone(),
            section: view.section,
            fields: view
                .fields
                .iter()
                .map(|f| FieldView {
                    value: String::new(),
                    ..f.clone()
                })
                .collect(),
            buttons: view.buttons.clone(),
            links: view.links.clone(),
            notes: view.notes.clone(),
        }
    }

    /// The screen's name (`login`, `registration-details`, ...).
    pub fn id(&self) -> &'static str {
        self.id
    }
}

/// The elements of the screen on show, and the listeners that feed its inputs and buttons
/// back as [`Message`]s; dropping it removes the listeners.
pub struct Built {
    shape: Shape,
    heading: HtmlElement,
    /// Whether the screen shows a record to read first (rows), not a form to fill in.
    record: bool,
    error: Element,
    info: Element,
    result: Element,
    busy: Element,
    rows: Element,
    audit: Element,
    audit_body: Element,
    inputs: Vec<(FieldView, HtmlInputElement)>,
    controls: Vec<HtmlButtonElement>,
    rows_shown: Vec<Row>,
    audit_shown: Vec<AuditLine>,
    _listeners: Vec<EventListener>,
}

/// The element id of a field (prefixed: the page has other elements).
fn input_id(field: &FieldView) -> String {
    // The staff sign-in's inputs keep their own names (`staff-id`, `staff-password`, ...).
    if field.id.starts_with("staff-") && field.id != "staff-reason" {
        return field.id.to_owned();
    }
    format!("bank-{}", field.id)
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
        let mut listeners = Vec::new();

        let heading = text_child(doc, host, "h2", "bank-title", view.title);
        attr(&heading, "id", "bank-title");
        // Focused when the screen changes, so that a screen reader starts at the new title.
        attr(&heading, "tabindex", "-1");

        if !view.breadcrumb.is_empty() {
            let steps = child(doc, host, "ol", "bank-steps");
            attr(&steps, "aria-label", words(Words::Steps, lang));
            for crumb in &view.breadcrumb {
                let step = text_child(doc, &steps, "li", "", crumb.label);
                if crumb.current {
                    attr(&step, "aria-current", "step");
                }
            }
        }
        if !view.lead.is_empty() {
            let lead = child(doc, host, "div", "bank-lead");
            for line in &view.lead {
                text_child(doc, &lead, "p", "", line);
            }
        }

        let form = child(doc, host, "form", "bank-box");
        attr(&form, "novalidate", "");
        match view.section {
            Some(section) => {
                let title = text_child(doc, &form, "h3", "bank-box-title", section);
                attr(&title, "id", "bank-box-title");
                attr(&form, "aria-labelledby", "bank-box-title");
            }
            None => attr(&form, "aria-labelledby", "bank-title"),
        }
        let error = child(doc, &form, "p", "bank-message bank-error");
        attr(&error, "role", "alert");
        attr(&error, "data-testid", "bank-error");
        let info = child(doc, &form, "p", "bank-message bank-info");
        attr(&info, "role", "status");
        attr(&info, "data-testid", "bank-info");
        let result = child(doc, &form, "p", "bank-result");
        attr(&result, "data-testid", "bank-result");
        let rows = child(doc, &form, "dl", "bank-rows");
        attr(&rows, "data-testid", "bank-rows");
        let audit = child(doc, &form, "div", "bank-audit");
        attr(&audit, "data-testid", "bank-audit");
        let table = child(doc, &audit, "table", "");
        text_child(doc, &table, "caption", "", text(Text::LabelAudit, lang));
        let head = child(doc, &child(doc, &table, "thead", ""), "tr", "");
        for label in [
            words(Words::AuditNumber, lang),
            text(Text::LabelAuditTime, lang),
            text(Text::LabelAuditEvent, lang),
            text(Text::LabelAuditDetail, lang),
        ] {
            let th = text_child(doc, &head, "th", "", label);
            attr(&th, "scope", "col");
        }
        let audit_body = child(doc, &table, "tbody", "");

        let mut inputs = Vec::new();
        for field in &view.fields {
            let input = field_row(doc, &form, field);
            let edited = input.clone();
            let which = field.field;
            let dispatch = dispatch.clone();
            listeners.push(EventListener::new(&input, "input", move |_| {
                dispatch.send(Message::Bank(Event::Edit(which, edited.value())));
            }));
            inputs.push((field.clone(), input));
        }

        let mut controls = Vec::new();
        let actions = child(doc, &form, "div", "bank-actions");
        let single = view.buttons.len() == 1;
        for view_button in &view.buttons {
            let submit = view_button.action == Action::Submit;
            // The screen's one way on looks primary; a staff stop looks as grave as it is.
            let class = match view_button.action {
                _ if submit || single => "bank-button primary",
                Action::StopToken => "bank-button grave",
                _ => "bank-button",
            };
            let kind = if submit { "submit" } else { "button" };
            let el = button(doc, &actions, class, kind, view_button.label);
            if let Some(testid) = view_button.testid {
                attr(&el, "data-testid", testid);
            }
            if !submit {
                listeners.push(press(&el, view_button.action, dispatch));
            }
            controls.push(el);
        }
        let busy = text_child(doc, &form, "p", "bank-busy", text(Text::Busy, lang));
        attr(&busy, "role", "status");

        // Enter in a field submits the form; the page never navigates.
        let has_submit = view.buttons.iter().any(|b| b.action == Action::Submit);
        let submit = dispatch.clone();
        listeners.push(EventListener::new_with_options(
            &form,
            "submit",
            EventListenerOptions::enable_prevent_default(),
            move |event| {
                event.prevent_default();
                if has_submit {
                    submit.send(Message::Bank(Event::Press(Action::Submit)));
                }
            },
        ));

        if !view.notes.is_empty() {
            let notes = child(doc, host, "ul", "bank-notes");
            for note in &view.notes {
                // Notes that carry their own mark (※, *) get no bullet.
                let class = if note.starts_with(['※', '*']) {
                    "plain"
                } else {
                    ""
                };
                text_child(doc, &notes, "li", class, note);
            }
        }
        if !view.links.is_empty() {
            let links = child(doc, host, "ul", "bank-links");
            for link in &view.links {
                let item = child(doc, &links, "li", "");
                let el = button(doc, &item, "bank-link", "button", link.label);
                listeners.push(press(&el, link.action, dispatch));
                controls.push(el);
            }
        }

        let mut built = Self {
            shape: Shape::of(view, lang),
            heading: heading
                .dyn_into::<HtmlElement>()
                .expect("an <h2> is an HTMLElement"),
            record: !view.rows.is_empty(),
            error,
            info,
            result,
            busy,
            rows,
            audit,
            audit_body,
            inputs,
            controls,
            rows_shown: Vec::new(),
            audit_shown: Vec::new(),
            _listeners: listeners,
        };
        built.render_rows(doc, &[]);
        built.render_audit(doc, &[]);
        built
    }

    /// What this screen was built from.
    pub fn shape(&self) -> &Shape {
        &self.shape
    }

    /// Writes the changing parts of `view` (same shape) into the elements.
    pub fn update(&mut self, doc: &Document, view: &View) {
        message(&self.error, view.error.as_deref());
        message(&self.info, view.info.as_deref());
        message(&self.result, view.result);
        if view.rows != self.rows_shown {
            self.render_rows(doc, &view.rows);
        }
        if view.audit != self.audit_shown {
            self.render_audit(doc, &view.audit);
        }
        for (field, input) in &self.inputs {
            let value = view
                .fields
                .iter()
                .find(|f| f.field == field.field)
                .map_or("", |f| f.value.as_str());
            // Only a value the screen changed (a cleared code, a refused password) is written:
            // what the person is typing already equals the view's value.
            if input.value() != value {
                input.set_value(value);
            }
            input.set_read_only(view.busy);
        }
        for control in &self.controls {
            control.set_disabled(view.busy);
        }
        show(&self.busy, view.busy);
    }

    /// Puts focus at the start of the screen: on a form, its first empty input (else its
    /// first input); on a record to read (signed-in page, staff record) or a screen without
    /// inputs, the title.
    pub fn focus_start(&self) {
        let empty = self.inputs.iter().find(|(_, i)| i.value().is_empty());
        match empty.or(self.inputs.first()) {
            Some((_, input)) if !self.record => {
                let _ = input.focus();
            }
            _ => {
                let _ = self.heading.focus();
            }
        }
    }

    /// Puts focus back at the start when the page lost it (a disabled button had it).
    pub fn refocus_if_lost(&self, doc: &Document) {
        if focus_lost(doc) {
            self.focus_start();
        }
    }

    fn render_rows(&mut self, doc: &Document, rows: &[Row]) {
        self.rows.replace_children_with_node_0();
        for row in rows {
            let line = child(doc, &self.rows, "div", "bank-row");
            text_child(doc, &line, "dt", "", row.label);
            text_child(doc, &line, "dd", "", &row.value);
        }
        show(&self.rows, !rows.is_empty());
        self.rows_shown = rows.to_vec();
    }

    fn render_audit(&mut self, doc: &Document, lines: &[AuditLine]) {
        self.audit_body.replace_children_with_node_0();
        for line in lines {
            let tr = child(doc, &self.audit_body, "tr", "");
            text_child(doc, &tr, "td", "seq", &line.seq.to_string());
            text_child(doc, &tr, "td", "time", &line.time);
            text_child(doc, &tr, "td", "event", line.event);
            text_child(doc, &tr, "td", "detail", &line.detail);
        }
        show(&self.audit, !lines.is_empty());
        self.audit_shown = lines.to_vec();
    }
}

/// One labelled input, with its suffix and hint; returns the input.
fn field_row(doc: &Document, form: &Element, field: &FieldView) -> HtmlInputElement {
    let id = input_id(field);
    let row = child(doc, form, "div", "bank-field");
    let label = text_child(doc, &row, "label", "", field.label);
    attr(&label, "for", &id);
    let line = child(doc, &row, "div", "bank-input-line");
    let input = child(doc, &line, "input", "");
    attr(&input, "id", &id);
    attr(&input, "name", field.id);
    attr(&input, "type", field.kind.input_type());
    attr(&input, "inputmode", field.kind.input_mode());
    attr(&input, "autocomplete", field.kind.autocomplete());
    attr(&input, "data-testid", &id);
    if field.kind != InputKind::Text {
        attr(&input, "autocapitalize", "off");
        attr(&input, "spellcheck", "false");
    }
    let mut described = Vec::new();
    if let Some(suffix) = field.suffix {
        let suffix_id = format!("{id}-suffix");
        let el = text_child(doc, &line, "span", "bank-suffix", suffix);
        attr(&el, "id", &suffix_id);
        described.push(suffix_id);
    }
    if let Some(hint) = field.hint {
        let hint_id = format!("{id}-hint");
        let el = text_child(doc, &row, "p", "bank-hint", hint);
        attr(&el, "id", &hint_id);
        described.push(hint_id);
    }
    if !described.is_empty() {
        attr(&input, "aria-describedby", &described.join(" "));
    }
    let input = input
        .dyn_into::<HtmlInputElement>()
        .expect("created as an <input>");
    input.set_value(&field.value);
    input
}

/// A click listener that sends `Press(action)`.
fn press(el: &HtmlButtonElement, action: Action, dispatch: &Dispatch<Message>) -> EventListener {
    let dispatch = dispatch.clone();
    EventListener::new(el, "click", move |_| {
        dispatch.send(Message::Bank(Event::Press(action)));
    })
}
