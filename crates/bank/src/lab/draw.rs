//! The lab panel's elements and its view as writes to them: the browser shell
//! (`src/lab_panel.rs`) builds the elements of [`panel`](crate::lab::draw::panel) and
//! [`switch`](crate::lab::draw::switch) once, each part in its place, and applies these writes in
//! a loop; the code list's lines come back from [`draw`](crate::lab::draw::draw), drawn by the
//! shell ([`code_list`](crate::lab::draw::code_list)) when they change.
//!
//! ```
//! use webtoken_bank::lab::draw::{Part, draw};
//! use webtoken_bank::lab::panel::Lab;
//! use webtoken_bank::lab::Shift;
//! use webtoken_engine::draw::{Write, collect};
//! use webtoken_engine::i18n::Lang;
//!
//! let writes = collect(|out| assert_eq!(draw(&Lab::new(true), Lang::En, out), None));
//! // No staff member signed in: the clock controls are disabled.
//! assert!(writes.contains(&(Part::Shift(Shift::Reset), Write::Disabled(true))));
//! ```

use super::panel::{Lab, Message};
use super::{CodeLine, Shift, resync_bound};
use webtoken_engine::draw::{Node, Nodes, On, Sink, Tree, Write, attr, flag, shown, text};
use webtoken_engine::i18n::Lang;
use webtoken_engine::i18n::lab::Text;

/// A row of the panel's facts list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Row {
    /// The clock's shift.
    Offset,
    /// The shifted time.
    Time,
    /// The current step.
    Step,
    /// The validation window.
    Window,
    /// The credential's drift.
    Drift,
    /// Consecutive failures.
    Failures,
    /// The credential's status.
    Status,
    /// The last step used.
    Last,
}

impl Row {
    /// The rows, in the order they are shown.
    pub const ALL: [Row; 8] = [
        Row::Offset,
        Row::Time,
        Row::Step,
        Row::Window,
        Row::Drift,
        Row::Failures,
        Row::Status,
        Row::Last,
    ];

    /// The row's name (its `<dt>`).
    pub fn label(self) -> Text {
        match self {
            Row::Offset => Text::OffsetLabel,
            Row::Time => Text::TimeLabel,
            Row::Step => Text::StepLabel,
            Row::Window => Text::WindowLabel,
            Row::Drift => Text::DriftLabel,
            Row::Failures => Text::FailuresLabel,
            Row::Status => Text::StatusLabel,
            Row::Last => Text::LastLabel,
        }
    }

    /// The `data-testid` of its value (its `<dd>`).
    pub fn testid(self) -> &'static str {
        match self {
            Row::Offset => "lab-offset",
            Row::Time => "lab-time",
            Row::Step => "lab-step",
            Row::Window => "lab-window",
            Row::Drift => "lab-drift",
            Row::Failures => "lab-failures",
            Row::Status => "lab-status",
            Row::Last => "lab-last",
        }
    }
}

/// An element of the lab: the footer switch, or one of the open panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The footer switch that opens and closes the panel (`lab-toggle`; not a panel part).
    Switch,
    /// The section.
    Root,
    /// Its heading.
    Title,
    /// The "demo" badge.
    Badge,
    /// What the lab is.
    Lead,
    /// The resync's bound, in words.
    Bound,
    /// Why the clock controls do not work: no staff member is signed in.
    StaffNote,
    /// The group of clock controls.
    Controls,
    /// A clock control.
    Shift(Shift),
    /// A fact's name.
    Key(Row),
    /// A fact's value.
    Value(Row),
    /// Why the service's rows are empty, when they are.
    Note,
    /// The code list's heading.
    CodesTitle,
    /// The code list (a live region).
    Codes,
}

/// How many parts the open panel has (numbered from 0; the switch is not one of them).
pub const PARTS: usize = 10 + Shift::ALL.len() + 2 * Row::ALL.len();

impl From<Part> for usize {
    /// The parts are numbered in the order the shell builds them (each fact's name, then its
    /// value); the switch is numbered [`PARTS`], past the panel's.
    fn from(part: Part) -> usize {
        let shifts = Shift::ALL.len();
        match part {
            Part::Root => 0,
            Part::Title => 1,
            Part::Badge => 2,
            Part::Lead => 3,
            Part::Bound => 4,
            Part::StaffNote => 5,
            Part::Controls => 6,
            Part::Shift(shift) => 7 + shift as usize,
            Part::Note => 7 + shifts,
            Part::Key(row) => 8 + shifts + 2 * row as usize,
            Part::Value(row) => 9 + shifts + 2 * row as usize,
            Part::CodesTitle => PARTS - 2,
            Part::Codes => PARTS - 1,
            Part::Switch => PARTS,
        }
    }
}

impl Part {
    /// Its `data-testid`, for the parts the tests read.
    pub fn testid(self) -> Option<&'static str> {
        Some(match self {
            Part::Switch => "lab-toggle",
            Part::Root => "lab-panel",
            Part::Bound => "lab-resync-bound",
            Part::StaffNote => "lab-needs-staff",
            Part::Note => "lab-note",
            Part::Codes => "lab-codes",
            Part::Shift(shift) => shift.testid(),
            Part::Value(row) => row.testid(),
            _ => return None,
        })
    }
}

/// The footer's switch (its holder, the button being [`Part::Switch`]).
pub fn switch() -> Nodes<Part, Message> {
    let mut t = Tree::new();
    t.open("p", "lab-switch").button("lab-toggle", "button", "");
    part(&mut t, Part::Switch).on(On::Click(Message::Toggle));
    t.finish()
}

/// Marks the element open in `t` as `part`, with the part's `data-testid` if it has one.
fn part(t: &mut Tree<Part, Message>, part: Part) -> &mut Tree<Part, Message> {
    if let Some(id) = part.testid() {
        t.attr("data-testid", id);
    }
    t.part(part)
}

/// The open panel's section: every part but the switch, in part order (their words and state
/// are [`draw`]'s writes), the clock controls sending [`Message::Shift`].
pub fn panel() -> Nodes<Part, Message> {
    let mut t = Tree::new();
    let leaf = |t: &mut Tree<Part, Message>, tag, class, p| {
        t.open(tag, class);
        part(t, p).close();
    };
    t.open("section", "lab").attr("id", "lab-panel");
    part(&mut t, Part::Root).attr("aria-labelledby", "lab-title");
    t.open("div", "lab-head")
        .open("h2", "")
        .attr("id", "lab-title");
    part(&mut t, Part::Title).close();
    leaf(&mut t, "span", "lab-badge", Part::Badge);
    t.close();
    leaf(&mut t, "p", "lab-lead", Part::Lead);
    leaf(&mut t, "p", "lab-lead", Part::Bound);
    t.open("p", "lab-note").attr("id", "lab-needs-staff");
    part(&mut t, Part::StaffNote).close();
    t.open("div", "lab-controls").attr("role", "group");
    part(&mut t, Part::Controls);
    for shift in Shift::ALL {
        let class = if shift == Shift::Reset {
            "lab-button lab-reset"
        } else {
            "lab-button"
        };
        t.button(class, "button", "")
            .attr("aria-describedby", "lab-needs-staff");
        part(&mut t, Part::Shift(shift))
            .on(On::Click(Message::Shift(shift)))
            .close();
    }
    t.close();
    leaf(&mut t, "p", "lab-note", Part::Note);
    t.open("dl", "lab-facts");
    for row in Row::ALL {
        t.open("div", "lab-fact");
        leaf(&mut t, "dt", "", Part::Key(row));
        leaf(&mut t, "dd", "", Part::Value(row));
        t.close();
    }
    t.close();
    t.open("h3", "lab-codes-title")
        .attr("id", "lab-codes-title");
    part(&mut t, Part::CodesTitle).close();
    t.open("ol", "lab-codes")
        .attr("aria-labelledby", "lab-codes-title");
    part(&mut t, Part::Codes).attr("aria-live", "polite");
    t.finish()
}

/// The code list's items (the content of [`Part::Codes`]): each code with its verdict, its
/// step, and why (hidden when there is no reason).
pub fn code_list(codes: &[CodeLine]) -> Vec<Node> {
    let mut t = Tree::<(), ()>::new();
    for line in codes {
        t.open("li", "lab-code")
            .attr("data-verdict", line.verdict.name());
        t.open("p", "lab-code-head");
        t.open("span", "lab-code-value")
            .text(line.code.clone())
            .close();
        t.open("span", "lab-verdict")
            .text(line.label.clone())
            .close();
        t.open("span", "lab-code-step")
            .text(line.step.clone())
            .close();
        t.close();
        t.open("p", "lab-reason").text(line.reason.clone());
        if line.reason.is_empty() {
            t.attr("hidden", "");
        }
        t.close().close();
    }
    t.finish().nodes
}

/// The panel's fixed wording (each a part's whole text).
const LABELS: [(Part, Text); 5] = [
    (Part::Title, Text::Title),
    (Part::Badge, Text::Badge),
    (Part::Lead, Text::Lead),
    (Part::StaffNote, Text::NeedsStaff),
    (Part::CodesTitle, Text::CodesTitle),
];

/// Sends the lab's writes in `lang` to `out`: the switch's, then, while the panel is open, the
/// panel's; the code list's lines once a report has come.
pub fn draw(lab: &Lab, lang: Lang, out: &mut Sink<'_, Part>) -> Option<Vec<CodeLine>> {
    let t = |key: Text| key.get(lang);
    let open = lab.is_open();
    let toggle = if open {
        Text::ToggleClose
    } else {
        Text::ToggleOpen
    };
    out(Part::Switch, text(t(toggle)));
    out(Part::Switch, flag("aria-expanded", open));
    if !open {
        return None;
    }
    let staff = lab.staff();
    out(Part::Root, attr("lang", lang.tag()));
    out(Part::StaffNote, shown(!staff));
    out(Part::Root, flag("data-staff", staff));
    out(Part::Bound, text(resync_bound(lang).as_str()));
    for (part, key) in LABELS {
        out(part, text(t(key)));
    }
    out(Part::Controls, attr("aria-label", t(Text::ControlsLabel)));
    for shift in Shift::ALL {
        let (label, spoken) = shift.words();
        out(Part::Shift(shift), Write::Disabled(!staff));
        out(Part::Shift(shift), text(t(label)));
        // A tooltip, not an `aria-label`: the spoken name must contain the visible one.
        out(Part::Shift(shift), attr("title", t(spoken)));
    }
    for row in Row::ALL {
        out(Part::Key(row), text(t(row.label())));
    }
    let report = lab.report()?;
    let view = report.view(lang);
    let values = [
        &view.offset,
        &view.time,
        &view.step,
        &view.window,
        &view.drift,
        &view.failures,
        &view.status,
        &view.last,
    ];
    for (row, value) in Row::ALL.into_iter().zip(values) {
        out(Part::Value(row), text(value.as_str()));
    }
    out(Part::Root, flag("data-shifted", report.offset != 0));
    out(Part::Note, shown(view.note.is_some()));
    out(Part::Note, text(view.note.as_deref().unwrap_or_default()));
    Some(view.codes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::lab::panel::{Message, Seen};
    use crate::lab::{Report, Shown};
    use std::collections::BTreeSet;
    use webtoken_engine::Params;
    use webtoken_engine::draw::collect;

    #[test]
    fn the_panel_holds_its_parts_in_part_order_and_the_switch_apart() {
        let panel = super::panel();
        let numbers: Vec<usize> = panel
            .parts_in_order()
            .into_iter()
            .map(usize::from)
            .collect();
        assert_eq!(numbers, (0..super::PARTS).collect::<Vec<_>>());
        assert_eq!(super::switch().parts_in_order(), [super::Part::Switch]);
    }

    #[test]
    fn every_clock_control_sends_its_shift_and_names_why_it_may_not_work() {
        let panel = super::panel();
        for shift in super::Shift::ALL {
            let control = panel.find(super::Part::Shift(shift)).expect("the control");
            assert!(
                matches!(panel.on_of(control), Some(super::On::Click(super::Message::Shift(s))) if *s == shift)
            );
            assert_eq!(
                control.attr_value("aria-describedby"),
                Some("lab-needs-staff")
            );
            assert_eq!(control.attr_value("data-testid"), Some(shift.testid()));
        }
        let note = panel.find(super::Part::StaffNote).expect("the note");
        assert_eq!(note.attr_value("id"), Some("lab-needs-staff"));
    }

    #[test]
    fn a_code_line_without_a_reason_hides_it() {
        let line = |reason: &str| super::CodeLine {
            code: "123 456".into(),
            step: "step".into(),
            verdict: super::super::Verdict::Accepted,
            label: "OK".into(),
            reason: reason.into(),
        };
        let items = super::code_list(&[line(""), line("why")]);
        let hidden = |i: usize| items[i].children[1].attr_value("hidden").is_some();
        assert!(hidden(0) && !hidden(1));
        assert_eq!(items[0].attr_value("data-verdict"), Some("accepted"));
        assert_eq!(items[1].children[1].text, "why");
    }

    /// The writes of one draw, the switch's apart, and the code list.
    struct Drawn {
        switch: Vec<Write<'static>>,
        panel: Vec<(Part, Write<'static>)>,
        codes: Option<Vec<CodeLine>>,
    }

    fn draw(lab: &Lab, lang: Lang) -> Drawn {
        let mut codes = None;
        let (switch, panel): (Vec<_>, Vec<_>) = collect(|out| codes = super::draw(lab, lang, out))
            .into_iter()
            .partition(|(part, _)| *part == Part::Switch);
        let switch = switch.into_iter().map(|(_, write)| write).collect();
        Drawn {
            switch,
            panel,
            codes,
        }
    }

    fn writes_to(drawn: &Drawn, part: Part) -> Vec<&Write<'static>> {
        drawn
            .panel
            .iter()
            .filter(|(p, _)| *p == part)
            .map(|(_, w)| w)
            .collect()
    }

    fn all_parts() -> Vec<Part> {
        let mut parts = vec![
            Part::Root,
            Part::Title,
            Part::Badge,
            Part::Lead,
            Part::Bound,
            Part::StaffNote,
            Part::Controls,
            Part::Note,
            Part::CodesTitle,
            Part::Codes,
        ];
        parts.extend(Shift::ALL.map(Part::Shift));
        parts.extend(Row::ALL.map(Part::Key));
        parts.extend(Row::ALL.map(Part::Value));
        parts
    }

    #[test]
    fn parts_number_the_elements_once_each() {
        let indices: BTreeSet<usize> = all_parts().into_iter().map(usize::from).collect();
        assert_eq!(indices.len(), PARTS);
        assert_eq!(
            indices.into_iter().collect::<Vec<_>>(),
            (0..PARTS).collect::<Vec<_>>()
        );
    }

    #[test]
    fn closed_lab_draws_only_its_switch() {
        let drawn = draw(&Lab::new(false), Lang::En);
        assert_eq!(
            drawn.switch,
            [
                text(Text::ToggleOpen.get(Lang::En)),
                flag("aria-expanded", false)
            ]
        );
        assert!(drawn.panel.is_empty());
        assert_eq!(drawn.codes, None);
    }

    #[test]
    fn open_lab_labels_every_part_and_needs_staff_for_its_clock() {
        let mut lab = Lab::new(true);
        let drawn = draw(&lab, Lang::Ja);
        assert_eq!(drawn.switch[1], flag("aria-expanded", true));
        assert!(writes_to(&drawn, Part::Root).contains(&&attr("lang", "ja")));
        assert!(writes_to(&drawn, Part::StaffNote).contains(&&Write::Shown(true)));
        for shift in Shift::ALL {
            let writes = writes_to(&drawn, Part::Shift(shift));
            assert!(writes.contains(&&Write::Disabled(true)));
            assert!(writes.contains(&&text(shift.words().0.get(Lang::Ja))));
        }
        // Every part but the values, the note and the list has its words before a report.
        for part in all_parts() {
            let waits = matches!(part, Part::Value(_) | Part::Note | Part::Codes);
            assert_eq!(writes_to(&drawn, part).is_empty(), waits, "{part:?}");
        }
        lab.set_staff(true, 0);
        let drawn = draw(&lab, Lang::Ja);
        assert!(writes_to(&drawn, Part::StaffNote).contains(&&Write::Shown(false)));
        assert!(writes_to(&drawn, Part::Root).contains(&&flag("data-staff", true)));
        for shift in Shift::ALL {
            assert!(writes_to(&drawn, Part::Shift(shift)).contains(&&Write::Disabled(false)));
        }
    }

    #[test]
    fn a_report_fills_the_facts_the_note_and_the_codes() {
        let mut lab = Lab::new(true);
        lab.set_staff(true, 0);
        let seen = Seen {
            token: (1, None),
            params: Params::default(),
            shown: Shown {
                code: "123456".into(),
                step: 2,
            },
        };
        let request = lab.observe(Some(seen), 30, 90, false).unwrap();
        let report: Report = request.report.clone();
        let view = report.view(Lang::En);
        lab.update(Message::Report(request.number, Box::new(report)), 30);
        let drawn = draw(&lab, Lang::En);
        assert_eq!(
            writes_to(&drawn, Part::Value(Row::Offset)),
            [&text(view.offset.clone())]
        );
        assert!(writes_to(&drawn, Part::Root).contains(&&flag("data-shifted", true)));
        let note = writes_to(&drawn, Part::Note);
        assert!(note.contains(&&Write::Shown(view.note.is_some())));
        assert!(note.contains(&&text(view.note.clone().unwrap_or_default())));
        assert_eq!(drawn.codes, Some(view.codes));
    }
}
