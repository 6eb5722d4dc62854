//! One bank screen as elements: the structure the shell builds when the screen (or its
//! language) changes ([`tree`](crate::section::screen::tree), from the view's [`Shape`](crate::section::screen::Shape)), the writes that update it in place
//! ([`draw`](crate::section::screen::draw)), so that typing never loses focus, caret or text, and where focus starts
//! ([`start_focus`](crate::section::screen::start_focus)).
//!
//! ```
//! use webtoken_bank::section::screen::{Part, tree};
//! use webtoken_bank::{Lang, Screen};
//! let view = Screen::default().view(Lang::Ja);
//! let nodes = tree(&view, Lang::Ja);
//! assert_eq!(nodes.parts_in_order()[0], Part::Heading);
//! ```

use std::rc::Rc;

use super::Message;
use crate::{
    Action, AuditLine, ButtonView, Crumb, Event, FieldView, InputKind, Lang, Row, Text, View, text,
};
use webtoken_engine::draw::{Node, Nodes, On, Sink, Tree, Write, shown};
use webtoken_engine::i18n::page::Text as Words;

/// An element of a screen that a later write or the shell's focus needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The screen's title (focused when the screen changes).
    Heading,
    /// The error above the form (`bank-error`).
    Error,
    /// The confirmation above the form (`bank-info`).
    Info,
    /// The result of a finished flow (`bank-result`).
    Result,
    /// The label and value pairs (`bank-rows`).
    Rows,
    /// The removal of unreadable stored entries (`bank-stored`).
    Stored,
    /// The removal question's safe answer, 「やめる」 (in [`Part::Stored`]'s content).
    KeepRecord,
    /// The audit trail (`bank-audit`).
    Audit,
    /// The audit table's body.
    AuditBody,
    /// The input of the view's field number `n`.
    Input(usize),
    /// The button or link number `n` (buttons first, then links).
    Control(usize),
    /// The busy notice.
    Busy,
}

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

    /// The language it is shown in.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The screen's name (`login`, `registration-details`, ...).
    pub fn id(&self) -> &'static str {
        self.id
    }
}

/// The element id of a field (prefixed: the page has other elements).
pub fn input_id(field: &FieldView) -> String {
    // The staff sign-in's inputs keep their own names (`staff-id`, `staff-password`, ...).
    if field.id.starts_with("staff-") && field.id != "staff-reason" {
        return field.id.to_owned();
    }
    format!("bank-{}", field.id)
}

/// The screen of `view` in `lang`: the content of the page's screen host, its inputs and
/// buttons sending [`Message::Bank`] events.
pub fn tree(view: &View, lang: Lang) -> Nodes<Part, Message> {
    let mut t = Tree::new();
    // Focusable, so that a screen reader starts at the new title when the screen changes.
    t.open("h2", "bank-title")
        .text(view.title)
        .attr("id", "bank-title");
    t.attr("tabindex", "-1").part(Part::Heading).close();
    if !view.breadcrumb.is_empty() {
        t.open("ol", "bank-steps")
            .attr("aria-label", Words::Steps.get(lang));
        for crumb in &view.breadcrumb {
            t.open("li", "").text(crumb.label);
            if crumb.current {
                t.attr("aria-current", "step");
            }
            t.close();
        }
        t.close();
    }
    if !view.lead.is_empty() {
        t.open("div", "bank-lead");
        for line in &view.lead {
            t.open("p", "").text(*line).close();
        }
        t.close();
    }
    form(&mut t, view, lang);
    if !view.notes.is_empty() {
        t.open("ul", "bank-notes");
        for note in &view.notes {
            // Notes that carry their own mark (※, *) get no bullet.
            let class = if note.starts_with(['※', '*']) {
                "plain"
            } else {
                ""
            };
            t.open("li", class).text(*note).close();
        }
        t.close();
    }
    if !view.links.is_empty() {
        t.open("ul", "bank-links");
        for (i, link) in view.links.iter().enumerate() {
            t.open("li", "").button("bank-link", "button", link.label);
            press(&mut t, link.action).part(Part::Control(view.buttons.len() + i));
            t.close().close();
        }
        t.close();
    }
    t.finish()
}

/// The boxed form: messages, rows, the audit trail, the inputs and the buttons.
fn form(t: &mut Tree<Part, Message>, view: &View, lang: Lang) {
    t.open("form", "bank-box").attr("novalidate", "");
    match view.section {
        Some(section) => {
            t.open("h3", "bank-box-title").text(section);
            t.attr("id", "bank-box-title").close();
            t.attr("aria-labelledby", "bank-box-title");
        }
        None => {
            t.attr("aria-labelledby", "bank-title");
        }
    }
    // Enter in a field submits the form; the page never navigates.
    let has_submit = view.buttons.iter().any(|b| b.action == Action::Submit);
    t.on(On::Submit(
        has_submit.then_some(Message::Bank(Event::Press(Action::Submit))),
    ));
    for (part, class, role, testid) in [
        (
            Part::Error,
            "bank-message bank-error",
            "alert",
            "bank-error",
        ),
        (Part::Info, "bank-message bank-info", "status", "bank-info"),
        (Part::Result, "bank-result", "", "bank-result"),
        (Part::Rows, "bank-rows", "", "bank-rows"),
        (Part::Stored, "bank-stored", "", "bank-stored"),
        (Part::Audit, "bank-audit", "", "bank-audit"),
    ] {
        let tag = match part {
            Part::Rows => "dl",
            Part::Audit | Part::Stored => "div",
            _ => "p",
        };
        t.open(tag, class);
        if !role.is_empty() {
            t.attr("role", role);
        }
        t.attr("data-testid", testid).part(part);
        if part != Part::Audit {
            t.close();
        }
    }
    t.open("table", "")
        .open("caption", "")
        .text(text(Text::LabelAudit, lang))
        .close();
    t.open("thead", "").open("tr", "");
    for label in [
        Words::AuditNumber.get(lang),
        text(Text::LabelAuditTime, lang),
        text(Text::LabelAuditEvent, lang),
        text(Text::LabelAuditDetail, lang),
    ] {
        t.open("th", "").text(label).attr("scope", "col").close();
    }
    t.close().close();
    t.open("tbody", "").part(Part::AuditBody).close();
    // The table, then the audit trail's box.
    t.close().close();
    for (i, field) in view.fields.iter().enumerate() {
        field_row(t, i, field);
    }
    t.open("div", "bank-actions");
    let single = view.buttons.len() == 1;
    for (i, b) in view.buttons.iter().enumerate() {
        let submit = b.action == Action::Submit;
        // The screen's one way on looks primary; a staff stop looks as grave as it is.
        let class = match b.action {
            _ if submit || single => "bank-button primary",
            Action::StopToken => "bank-button grave",
            _ => "bank-button",
        };
        t.button(class, if submit { "submit" } else { "button" }, b.label);
        if let Some(testid) = b.testid {
            t.attr("data-testid", testid);
        }
        // The submit button works through the form's submit, as Enter in a field does.
        if !submit {
            press(t, b.action);
        }
        t.part(Part::Control(i)).close();
    }
    t.close();
    t.open("p", "bank-busy")
        .text(text(Text::Busy, lang))
        .attr("role", "status");
    t.part(Part::Busy).close();
    t.close();
}

/// One labelled input (field number `index`), with its suffix and hint.
fn field_row(t: &mut Tree<Part, Message>, index: usize, field: &FieldView) {
    let id = input_id(field);
    let (suffix_id, hint_id) = (format!("{id}-suffix"), format!("{id}-hint"));
    let described = match (field.suffix, field.hint) {
        (Some(_), Some(_)) => format!("{suffix_id} {hint_id}"),
        (Some(_), None) => suffix_id.clone(),
        (None, Some(_)) => hint_id.clone(),
        (None, None) => String::new(),
    };
    t.open("div", "bank-field");
    t.open("label", "")
        .text(field.label)
        .attr("for", id.clone())
        .close();
    t.open("div", "bank-input-line").open("input", "");
    t.attr("id", id.clone()).attr("name", field.id);
    t.attr("type", field.kind.input_type());
    t.attr("inputmode", field.kind.input_mode());
    t.attr("autocomplete", field.kind.autocomplete());
    t.attr("data-testid", id);
    if field.kind != InputKind::Text {
        t.attr("autocapitalize", "off").attr("spellcheck", "false");
    }
    if !described.is_empty() {
        t.attr("aria-describedby", described);
    }
    let which = field.field;
    let edit = move |value| Message::Bank(Event::Edit(which, value));
    t.part(Part::Input(index))
        .on(On::Input(Rc::new(edit)))
        .close();
    if let Some(suffix) = field.suffix {
        t.open("span", "bank-suffix")
            .text(suffix)
            .attr("id", suffix_id)
            .close();
    }
    t.close();
    if let Some(hint) = field.hint {
        t.open("p", "bank-hint")
            .text(hint)
            .attr("id", hint_id)
            .close();
    }
    t.close();
}

/// Gives the button open in `t` a listener sending `Press(action)`.
fn press(t: &mut Tree<Part, Message>, action: Action) -> &mut Tree<Part, Message> {
    t.on(On::Click(Message::Bank(Event::Press(action))))
}

/// Sends the writes of the parts of `view` that change in place (same shape) to `out`: the
/// messages, the typed values (only a value the screen changed, such as a cleared code, differs
/// from what the person typed), and the busy state. The rows and the audit trail are redrawn
/// apart ([`rows`], [`audit`]), only when they change.
pub fn draw(view: &View, out: &mut Sink<'_, Part>) {
    let message = |out: &mut Sink<'_, Part>, part, text: Option<&str>| {
        out(part, Write::Text(text.unwrap_or("").into()));
        out(part, shown(text.is_some()));
    };
    message(out, Part::Error, view.error.as_deref());
    message(out, Part::Info, view.info.as_deref());
    message(out, Part::Result, view.result);
    for (i, field) in view.fields.iter().enumerate() {
        out(Part::Input(i), Write::Value(field.value.as_str().into()));
        out(Part::Input(i), Write::ReadOnly(view.busy));
    }
    for i in 0..view.buttons.len() + view.links.len() {
        out(Part::Control(i), Write::Disabled(view.busy));
    }
    out(Part::Busy, shown(view.busy));
    out(Part::Rows, shown(!view.rows.is_empty()));
    out(Part::Stored, shown(!view.removals.is_empty()));
    out(Part::Audit, shown(!view.audit.is_empty()));
}

/// The rows' elements (the content of [`Part::Rows`]).
pub fn rows(rows: &[Row]) -> Vec<Node> {
    let mut t = Tree::<(), ()>::new();
    for row in rows {
        t.open("div", "bank-row");
        t.open("dt", "").text(row.label).close();
        t.open("dd", "").text(row.value.clone()).close();
        t.close();
    }
    t.finish().nodes
}

/// The audit trail's lines (the content of [`Part::AuditBody`]).
pub fn audit(lines: &[AuditLine]) -> Vec<Node> {
    let mut t = Tree::<(), ()>::new();
    for line in lines {
        t.open("tr", "");
        t.open("td", "seq").text(line.seq.to_string()).close();
        t.open("td", "time").text(line.time.clone()).close();
        t.open("td", "event").text(line.event).close();
        t.open("td", "detail").text(line.detail.clone()).close();
        t.close();
    }
    t.finish().nodes
}

/// Where focus goes at the start of a screen: on a form, its first empty input (else its first
/// input); on a record to read (`record`: the screen was built with rows, as the signed-in page
/// and the staff record are) or a screen without inputs, the title.
pub fn start_focus(view: &View, record: bool) -> Part {
    let empty = view.fields.iter().position(|f| f.value.is_empty());
    match empty.or((!view.fields.is_empty()).then_some(0)) {
        Some(i) if !record => Part::Input(i),
        _ => Part::Heading,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Screen;
    use webtoken_engine::draw::collect;

    fn login() -> View {
        Screen::default().view(Lang::Ja)
    }

    fn root(view: &View) -> Nodes<Part, Message> {
        tree(view, Lang::Ja)
    }

    #[test]
    fn staff_sign_in_inputs_keep_their_own_ids() {
        let field = |id| FieldView {
            id,
            ..login().fields[0].clone()
        };
        assert_eq!(input_id(&field("staff-id")), "staff-id");
        assert_eq!(input_id(&field("staff-reason")), "bank-staff-reason");
        assert_eq!(input_id(&field("contract-id")), "bank-contract-id");
    }

    #[test]
    fn every_input_and_control_is_a_part_in_order() {
        let view = login();
        assert!(!view.fields.is_empty() && !view.links.is_empty());
        let tree = root(&view);
        let parts = tree.parts_in_order();
        let inputs: Vec<_> = parts
            .iter()
            .filter_map(|p| match p {
                Part::Input(i) => Some(*i),
                _ => None,
            })
            .collect();
        assert_eq!(inputs, (0..view.fields.len()).collect::<Vec<_>>());
        let controls: Vec<_> = parts
            .iter()
            .filter_map(|p| match p {
                Part::Control(i) => Some(*i),
                _ => None,
            })
            .collect();
        assert_eq!(
            controls,
            (0..view.buttons.len() + view.links.len()).collect::<Vec<_>>()
        );
        assert_eq!(parts[0], Part::Heading);
    }

    #[test]
    fn an_input_is_labelled_and_described_by_its_suffix_and_hint() {
        let view = login();
        let tree = root(&view);
        for (i, field) in view.fields.iter().enumerate() {
            let input = tree.find(Part::Input(i)).expect("the input");
            let id = input_id(field);
            assert_eq!(input.attr_value("id"), Some(id.as_str()));
            assert_eq!(input.attr_value("type"), Some(field.kind.input_type()));
            let described: Vec<String> = [
                field.suffix.map(|_| format!("{id}-suffix")),
                field.hint.map(|_| format!("{id}-hint")),
            ]
            .into_iter()
            .flatten()
            .collect();
            assert_eq!(
                input.attr_value("aria-describedby").map(str::to_owned),
                (!described.is_empty()).then(|| described.join(" "))
            );
            match tree.on_of(input) {
                Some(On::Input(make)) => assert!(
                    matches!(make("12".into()), Message::Bank(Event::Edit(f, v)) if f == field.field && v == "12")
                ),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn the_submit_button_submits_through_the_form_and_others_press() {
        let view = login();
        let tree = root(&view);
        let form = tree
            .nodes
            .iter()
            .find(|n| n.tag == "form")
            .expect("the form");
        assert!(matches!(
            tree.on_of(form),
            Some(On::Submit(Some(Message::Bank(Event::Press(
                Action::Submit
            )))))
        ));
        for (i, b) in view.buttons.iter().enumerate() {
            let el = tree.find(Part::Control(i)).expect("the button");
            let submit = b.action == Action::Submit;
            assert_eq!(
                el.attr_value("type"),
                Some(if submit { "submit" } else { "button" })
            );
            assert_eq!(el.on.is_some(), !submit);
            assert!(el.class.contains("primary") == (submit || view.buttons.len() == 1));
        }
    }

    #[test]
    fn a_busy_screen_locks_its_inputs_and_controls() {
        let mut view = login();
        view.busy = true;
        view.fields[0].value = "1234".into();
        let writes = collect(|out| draw(&view, out));
        assert!(writes.contains(&(Part::Input(0), Write::Value("1234".into()))));
        assert!(writes.contains(&(Part::Input(0), Write::ReadOnly(true))));
        assert!(writes.contains(&(Part::Control(0), Write::Disabled(true))));
        assert!(writes.contains(&(Part::Busy, shown(true))));
        assert!(writes.contains(&(Part::Error, shown(false))));
    }

    #[test]
    fn focus_starts_at_the_first_empty_input_or_the_title_of_a_record() {
        let mut view = login();
        assert_eq!(start_focus(&view, false), Part::Input(0));
        view.fields[0].value = "1".into();
        let expected = if view.fields.len() > 1 {
            Part::Input(1)
        } else {
            Part::Input(0)
        };
        assert_eq!(start_focus(&view, false), expected);
        assert_eq!(start_focus(&view, true), Part::Heading);
        view.fields.clear();
        assert_eq!(start_focus(&view, false), Part::Heading);
    }

    #[test]
    fn rows_and_audit_lines_are_text() {
        let row = Row {
            label: "Token ID",
            value: "<b>1</b>".into(),
        };
        let rows = rows(&[row]);
        assert_eq!(rows[0].children[1].text, "<b>1</b>");
        let line = AuditLine {
            seq: 7,
            time: "t".into(),
            event: "e",
            detail: "d".into(),
        };
        assert_eq!(audit(&[line])[0].children[0].text, "7");
    }
}
