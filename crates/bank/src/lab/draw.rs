//! The lab panel's view as writes to its elements: the browser shell (`src/lab_panel.rs`)
//! builds the elements once, registers each under its [`Part`](crate::lab::draw::Part), and applies these writes in a
//! loop; the code list's lines come back from [`draw`](crate::lab::draw::draw), drawn by the shell when they change.
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

use super::panel::Lab;
use super::{CodeLine, Shift, resync_bound};
use webtoken_engine::draw::{Sink, Write, attr, flag, shown, text};
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
