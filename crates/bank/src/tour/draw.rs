//! The tour's view as writes to the page's elements, what the shell reads of the page turned
//! into the tour's terms, and how the control to mark is found: the browser shell
//! (`src/tour.rs`) looks the parts up, applies the writes, marks and scrolls.
//!
//! ```
//! use webtoken_bank::tour::draw::{Part, draw};
//! use webtoken_bank::tour::{Event, Now, TokenShows, Tour};
//! use webtoken_engine::draw::{Write, collect};
//! use webtoken_engine::i18n::Lang;
//!
//! let mut tour = Tour::default();
//! let now = Now { screen: "login", token: TokenShows::Empty };
//! let writes = collect(|out| assert_eq!(draw(&tour, Lang::En, &now, out), None));
//! assert!(writes.contains(&(Part::Panel, Write::Shown(false))));
//! tour.update(Event::Toggle);
//! let writes = collect(|out| assert!(draw(&tour, Lang::En, &now, out).is_some()));
//! assert!(writes.contains(&(Part::Back, Write::Disabled(true))));
//! ```

use std::borrow::Cow;

use super::{Control, Focus, Now, STEPS, Text, TokenShows, Tour};
use webtoken_engine::draw::{Sink, Write, flag, shown, text};
use webtoken_engine::i18n::{Lang, fill};

/// The attribute on the control to use (styled by `www/tour.css`, read by the tests).
pub const MARK: &str = "data-tour-current";

/// The room kept around the marked control when it is scrolled to, in CSS pixels.
pub const MARGIN: f64 = 32.0;

/// An element of the tour (or of the token panel, which it reads), by its `data-testid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// `tour-start`: ガイドツアー.
    Start,
    /// `tour-panel`.
    Panel,
    /// `tour-title`.
    Title,
    /// `tour-count`.
    Count,
    /// `tour-chapter`: the heading focus goes to as the tour opens.
    Chapter,
    /// `tour-text`.
    Text,
    /// `tour-first`: what to do first.
    First,
    /// `tour-back`.
    Back,
    /// `tour-next`.
    Next,
    /// `tour-close`.
    Close,
    /// `token-face` (read: whether the token shows a code).
    TokenFace,
    /// `token-lock` (read: whether the tokens are locked).
    TokenLock,
}

impl Part {
    /// Every part, in the order the shell looks them up (`ALL[part as usize] == part`).
    pub const ALL: [Part; 12] = [
        Part::Start,
        Part::Panel,
        Part::Title,
        Part::Count,
        Part::Chapter,
        Part::Text,
        Part::First,
        Part::Back,
        Part::Next,
        Part::Close,
        Part::TokenFace,
        Part::TokenLock,
    ];

    /// Its `data-testid`.
    pub fn testid(self) -> &'static str {
        match self {
            Part::Start => "tour-start",
            Part::Panel => "tour-panel",
            Part::Title => "tour-title",
            Part::Count => "tour-count",
            Part::Chapter => "tour-chapter",
            Part::Text => "tour-text",
            Part::First => "tour-first",
            Part::Back => "tour-back",
            Part::Next => "tour-next",
            Part::Close => "tour-close",
            Part::TokenFace => "token-face",
            Part::TokenLock => "token-lock",
        }
    }
}

impl From<Part> for usize {
    fn from(part: Part) -> usize {
        part as usize
    }
}

impl TokenShows {
    /// What the token panel shows, from whether its lock and its face are on show.
    pub fn read(lock_shown: bool, face_shown: bool) -> TokenShows {
        if lock_shown {
            TokenShows::Locked
        } else if face_shown {
            TokenShows::Code
        } else {
            TokenShows::Empty
        }
    }
}

/// How the shell finds a [`Control`] on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The element with this `data-testid`, else the one with the second, if any.
    TestIds(Cow<'static, str>, Option<&'static str>),
    /// The bank screen's button whose text, trimmed, is this label.
    Button(&'static str),
}

impl Lookup {
    /// Whether a button's text names this control (only for [`Lookup::Button`]).
    pub fn names(&self, button_text: &str) -> bool {
        matches!(self, Lookup::Button(label) if button_text.trim() == *label)
    }
}

impl Control {
    /// How to find this control on the page shown in `lang`.
    pub fn lookup(self, lang: Lang) -> Lookup {
        match self {
            Control::TestId(id) => Lookup::TestIds(Cow::Borrowed(id), None),
            Control::BankField(id) => Lookup::TestIds(Cow::Owned(format!("bank-{id}")), Some(id)),
            Control::BankButton(label) => Lookup::Button(label.get(lang)),
        }
    }
}

/// Sends the tour's writes in `lang`, while the page shows `now`, to `out`; the control to
/// mark, and how to find it (none while the tour is closed).
pub fn draw(tour: &Tour, lang: Lang, now: &Now<'_>, out: &mut Sink<'_, Part>) -> Option<Lookup> {
    let t = |key: Text| key.get(lang);
    let open = tour.is_open();
    let next = if tour.is_last() {
        Text::Finish
    } else {
        Text::Next
    };
    for (part, key) in [
        (Part::Start, Text::Title),
        (Part::Title, Text::Title),
        (Part::Close, Text::Close),
        (Part::Back, Text::Back),
        (Part::Next, next),
    ] {
        out(part, text(t(key)));
    }
    out(Part::Start, flag("aria-expanded", open));
    out(Part::Panel, shown(open));
    if !open {
        return None;
    }
    let step = tour.step();
    let chapter = step.chapter;
    let guidance = step.guide(now);
    let heading = fill(
        t(Text::Chapter),
        &[("n", &chapter.number()), ("title", &t(chapter.title()))],
    );
    out(Part::Chapter, text(heading.as_str()));
    let count = fill(
        t(Text::Count),
        &[("n", &tour.number()), ("total", &STEPS.len())],
    );
    out(Part::Count, text(count.as_str()));
    out(Part::Text, text(t(step.text)));
    out(Part::Back, Write::Disabled(tour.number() == 1));
    out(Part::First, text(guidance.first.map_or("", t)));
    Some(guidance.control.lookup(lang))
}

/// The part focus moves to after an event that asked for `focus`; `None` leaves it where it
/// is. Back to ガイドツアー only when the closed panel had focus (`had_focus`, asked only
/// then): Escape in a bank field leaves focus in the field.
pub fn focus_part(focus: Focus, had_focus: impl FnOnce() -> bool) -> Option<Part> {
    match focus {
        Focus::Heading => Some(Part::Chapter),
        Focus::Next => Some(Part::Next),
        Focus::Back => Some(Part::Back),
        Focus::Start => had_focus().then_some(Part::Start),
        Focus::Keep => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::Text as BankText;
    use crate::tour::Event;
    use webtoken_engine::draw::collect;

    const NOW: Now<'static> = Now {
        screen: "",
        token: TokenShows::Empty,
    };

    /// The writes and the mark of one draw.
    struct Drawn {
        writes: Vec<(Part, Write<'static>)>,
        mark: Option<Lookup>,
    }

    fn draw(tour: &Tour, lang: Lang, now: &Now<'_>) -> Drawn {
        let mut mark = None;
        let writes = collect(|out| mark = super::draw(tour, lang, now, out));
        Drawn { writes, mark }
    }

    fn write_to(drawn: &Drawn, part: Part) -> Vec<&Write<'static>> {
        drawn
            .writes
            .iter()
            .filter(|(p, _)| *p == part)
            .map(|(_, w)| w)
            .collect()
    }

    #[test]
    fn focus_goes_back_to_the_start_only_from_the_panel() {
        let asked = core::cell::Cell::new(0);
        let had = |had: bool| {
            let asked = &asked;
            move || {
                asked.set(asked.get() + 1);
                had
            }
        };
        assert_eq!(focus_part(Focus::Heading, had(false)), Some(Part::Chapter));
        assert_eq!(focus_part(Focus::Next, had(false)), Some(Part::Next));
        assert_eq!(focus_part(Focus::Back, had(false)), Some(Part::Back));
        assert_eq!(focus_part(Focus::Keep, had(true)), None);
        assert_eq!(
            asked.get(),
            0,
            "the page is asked only when the tour closed"
        );
        assert_eq!(focus_part(Focus::Start, had(true)), Some(Part::Start));
        assert_eq!(focus_part(Focus::Start, had(false)), None);
        assert_eq!(asked.get(), 2);
    }

    #[test]
    fn parts_are_in_lookup_order() {
        for (index, part) in Part::ALL.iter().enumerate() {
            assert_eq!(*part as usize, index);
        }
    }

    #[test]
    fn closed_tour_hides_the_panel_and_marks_nothing() {
        let drawn = draw(&Tour::default(), Lang::Ja, &NOW);
        assert_eq!(drawn.mark, None);
        assert_eq!(write_to(&drawn, Part::Panel), [&Write::Shown(false)]);
        assert!(write_to(&drawn, Part::Start).contains(&&flag("aria-expanded", false)));
        assert!(write_to(&drawn, Part::Start).contains(&&text(Text::Title.get(Lang::Ja))));
        assert!(write_to(&drawn, Part::Chapter).is_empty());
    }

    #[test]
    fn open_tour_counts_steps_and_disables_back_on_the_first() {
        let mut tour = Tour::default();
        tour.update(Event::Toggle);
        let drawn = draw(&tour, Lang::En, &NOW);
        assert!(write_to(&drawn, Part::Start).contains(&&flag("aria-expanded", true)));
        assert_eq!(write_to(&drawn, Part::Panel), [&Write::Shown(true)]);
        let count = fill(
            Text::Count.get(Lang::En),
            &[("n", &1), ("total", &STEPS.len())],
        );
        assert_eq!(write_to(&drawn, Part::Count), [&text(count)]);
        assert!(write_to(&drawn, Part::Back).contains(&&Write::Disabled(true)));
        // No token yet: get one first.
        assert_eq!(
            write_to(&drawn, Part::First),
            [&text(Text::FirstGetToken.get(Lang::En))]
        );
        assert_eq!(drawn.mark, Some(Lookup::TestIds("token-new".into(), None)));
        tour.update(Event::Next);
        let drawn = draw(&tour, Lang::En, &NOW);
        assert!(write_to(&drawn, Part::Back).contains(&&Write::Disabled(false)));
    }

    #[test]
    fn last_step_offers_to_finish() {
        let mut tour = Tour::default();
        tour.update(Event::Toggle);
        for _ in 1..STEPS.len() {
            tour.update(Event::Next);
        }
        let drawn = draw(&tour, Lang::En, &NOW);
        assert_eq!(
            write_to(&drawn, Part::Next),
            [&text(Text::Finish.get(Lang::En))]
        );
    }

    #[test]
    fn token_shows_reads_lock_before_face() {
        assert_eq!(TokenShows::read(true, true), TokenShows::Locked);
        assert_eq!(TokenShows::read(true, false), TokenShows::Locked);
        assert_eq!(TokenShows::read(false, true), TokenShows::Code);
        assert_eq!(TokenShows::read(false, false), TokenShows::Empty);
    }

    #[test]
    fn controls_are_looked_up_by_testid_field_or_label() {
        assert_eq!(
            Control::TestId("token-new").lookup(Lang::Ja),
            Lookup::TestIds("token-new".into(), None)
        );
        assert_eq!(
            Control::BankField("contract-id").lookup(Lang::Ja),
            Lookup::TestIds("bank-contract-id".into(), Some("contract-id"))
        );
        let button = Control::BankButton(BankText::LinkStaff).lookup(Lang::En);
        let label = BankText::LinkStaff.get(Lang::En);
        assert!(button.names(&format!("  {label}\n")));
        assert!(!button.names("something else"));
        assert!(!Lookup::TestIds(label.into(), None).names(label));
    }
}
