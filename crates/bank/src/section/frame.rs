//! The bank section's frame around the screens (the bar with the language toggle, the storage
//! notice, the demo customers, the demo reset): its elements ([`tree`](crate::section::frame::tree)), which the shell
//! builds once, and its state as writes to them ([`draw`](crate::section::frame::draw)), which the shell applies in a loop.
//!
//! ```
//! use webtoken_bank::section::frame::{FrameState, Part, draw};
//! use webtoken_bank::Lang;
//! use webtoken_engine::draw::{Write, collect};
//! let state = FrameState { lang: Lang::En, storage: None, confirming_reset: true, reset_outcome: None, busy: false };
//! assert!(collect(|out| draw(&state, out)).contains(&(Part::Reset, Write::Disabled(true))));
//! ```

use super::Message;
use crate::{DEMO_CUSTOMERS, Lang, Text, staff::DEMO_STAFF, text as bank_text};
use webtoken_engine::draw::{Nodes, On, Sink, Tree, Write, attr, flag, shown, text};
use webtoken_engine::i18n::page::Text as Words;

/// An element of the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The section (its `lang`).
    Root,
    /// The bank's name in the bar.
    Brand,
    /// The language toggle (`bank-lang`).
    Lang,
    /// The storage notice (`bank-storage`).
    Storage,
    /// The notice's words.
    StorageText,
    /// The browser's own words, for whoever looks into it.
    StorageDetail,
    /// Where the screens are rendered (`bank-screen`).
    Screen,
    /// The demo customers' summary.
    DemoSummary,
    /// The demo staff member's line.
    DemoStaff,
    /// デモデータをリセット (`bank-reset`).
    Reset,
    /// The reset question (`bank-reset-confirm`).
    Confirm,
    /// The question's words.
    Question,
    /// The question's yes.
    ConfirmYes,
    /// The question's no, its safe answer.
    ConfirmNo,
    /// The reset's outcome (`bank-reset-outcome`).
    ResetOutcome,
}

impl Part {
    /// Every part, in the order the shell keeps them (`ALL[part as usize] == part`).
    pub const ALL: [Part; 15] = [
        Part::Root,
        Part::Brand,
        Part::Lang,
        Part::Storage,
        Part::StorageText,
        Part::StorageDetail,
        Part::Screen,
        Part::DemoSummary,
        Part::DemoStaff,
        Part::Reset,
        Part::Confirm,
        Part::Question,
        Part::ConfirmYes,
        Part::ConfirmNo,
        Part::ResetOutcome,
    ];
}

impl From<Part> for usize {
    fn from(part: Part) -> usize {
        part as usize
    }
}

/// What the frame shows besides the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameState {
    /// The language.
    pub lang: Lang,
    /// Why the bank is not kept, and the browser's words for it; `None` when it is.
    pub storage: Option<(Words, String)>,
    /// Whether the reset question is open.
    pub confirming_reset: bool,
    /// The outcome of the last reset, if it is to be shown.
    pub reset_outcome: Option<Words>,
    /// Whether the screen awaits an answer (no reset meanwhile).
    pub busy: bool,
}

/// The frame's elements, the content of the section ([`Part::Root`], which the page holds):
/// every part but the root, in part order, the controls sending their [`Message`]s.
pub fn tree() -> Nodes<Part, Message> {
    let mut t = Tree::new();
    let code = |t: &mut Tree<Part, Message>, text: &'static str| {
        t.open("code", "").text(text).close();
    };
    let credentials = |t: &mut Tree<Part, Message>,
                       (id, password): (&'static str, &'static str)| {
        code(t, id);
        t.open("span", "").text(" / ").close();
        code(t, password);
    };
    t.open("div", "bank-bar");
    t.open("p", "bank-brand").part(Part::Brand).close();
    t.button("bank-lang", "button", "")
        .attr("data-testid", "bank-lang");
    t.part(Part::Lang)
        .on(On::Click(Message::ToggleLang))
        .close();
    t.close();
    // Whether the bank is saved matters before anything is done: it goes first.
    t.open("p", "bank-storage")
        .attr("data-testid", "bank-storage");
    t.attr("role", "status").part(Part::Storage);
    t.open("span", "").part(Part::StorageText).close();
    t.open("small", "bank-storage-detail")
        .part(Part::StorageDetail)
        .close();
    t.close();
    t.open("div", "bank-screen")
        .attr("data-testid", "bank-screen");
    t.part(Part::Screen).close();
    t.open("div", "bank-tools").open("details", "bank-demo");
    t.open("summary", "").part(Part::DemoSummary).close();
    t.open("ul", "");
    for &customer in DEMO_CUSTOMERS {
        t.open("li", "");
        credentials(&mut t, customer);
        t.close();
    }
    // The demo staff member, for the staff page, the time lab and the reset.
    t.open("li", "")
        .open("span", "")
        .part(Part::DemoStaff)
        .close();
    t.open("span", "").text(": ").close();
    credentials(&mut t, DEMO_STAFF);
    t.close().close().close();
    t.open("div", "bank-reset");
    t.button("bank-button small", "button", "")
        .attr("data-testid", "bank-reset");
    t.part(Part::Reset).on(On::Click(Message::AskReset)).close();
    t.open("div", "bank-confirm")
        .attr("data-testid", "bank-reset-confirm");
    t.attr("role", "group")
        .attr("aria-labelledby", "bank-reset-question");
    t.part(Part::Confirm);
    t.open("p", "")
        .attr("id", "bank-reset-question")
        .part(Part::Question)
        .close();
    t.open("div", "bank-actions");
    t.button("bank-button danger", "button", "")
        .part(Part::ConfirmYes);
    t.on(On::Click(Message::ConfirmReset)).close();
    t.button("bank-button", "button", "").part(Part::ConfirmNo);
    t.on(On::Click(Message::CancelReset)).close();
    t.close().close();
    // The outcome shows beside the button that was pressed.
    t.open("p", "bank-reset-outcome")
        .attr("data-testid", "bank-reset-outcome");
    t.attr("role", "status").part(Part::ResetOutcome);
    t.finish()
}

/// Sends the frame's writes for `state` to `out`.
pub fn draw(state: &FrameState, out: &mut Sink<'_, Part>) {
    let lang = state.lang;
    out(Part::Root, attr("lang", lang.tag()));
    for (part, phrase) in [
        (Part::Brand, Words::Heading),
        (Part::DemoSummary, Words::DemoCustomers),
        (Part::DemoStaff, Words::DemoStaff),
        (Part::Reset, Words::Reset),
        (Part::Question, Words::ResetQuestion),
        (Part::ConfirmYes, Words::ResetYes),
        (Part::ConfirmNo, Words::ResetNo),
    ] {
        out(part, text(phrase.get(lang)));
    }
    // The toggle names the other language, in that language.
    out(Part::Lang, text(bank_text(Text::LanguageToggle, lang)));
    out(Part::Lang, attr("lang", lang.toggled().tag()));
    if let Some((phrase, why)) = &state.storage {
        out(Part::StorageText, text(phrase.get(lang)));
        out(Part::StorageDetail, text(why.as_str()));
    }
    out(Part::Storage, shown(state.storage.is_some()));
    let outcome = state.reset_outcome.map(|phrase| phrase.get(lang));
    out(Part::ResetOutcome, text(outcome.unwrap_or("")));
    out(Part::ResetOutcome, shown(outcome.is_some()));
    out(Part::Confirm, shown(state.confirming_reset));
    let asking = state.confirming_reset;
    out(Part::Reset, Write::Disabled(state.busy || asking));
    out(Part::Reset, flag("aria-expanded", asking));
    out(Part::ConfirmYes, Write::Disabled(state.busy));
}

#[cfg(test)]
mod tests {
    use super::*;
    use webtoken_engine::draw::collect;

    fn draw(state: &FrameState) -> Vec<(Part, Write<'static>)> {
        collect(|out| super::draw(state, out))
    }

    fn state() -> FrameState {
        FrameState {
            lang: Lang::Ja,
            storage: None,
            confirming_reset: false,
            reset_outcome: None,
            busy: false,
        }
    }

    fn to(writes: &[(Part, Write<'static>)], part: Part) -> Vec<Write<'static>> {
        writes
            .iter()
            .filter(|(p, _)| *p == part)
            .map(|(_, w)| w.clone())
            .collect()
    }

    #[test]
    fn parts_are_in_order() {
        for (index, part) in Part::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(part), index);
        }
    }

    #[test]
    fn the_tree_holds_every_part_but_the_root_in_part_order() {
        assert_eq!(tree().parts_in_order(), Part::ALL[1..]);
    }

    #[test]
    fn the_tree_lists_every_demo_customer_and_the_staff_member() {
        let tree = tree();
        let codes: Vec<&str> = tree
            .all()
            .into_iter()
            .filter(|n| n.tag == "code")
            .map(|n| n.text.as_ref())
            .collect();
        let mut wanted: Vec<&str> = DEMO_CUSTOMERS.iter().flat_map(|(i, p)| [*i, *p]).collect();
        wanted.extend([DEMO_STAFF.0, DEMO_STAFF.1]);
        assert_eq!(codes, wanted);
    }

    #[test]
    fn the_reset_question_answers_with_its_messages() {
        let tree = tree();
        let sends = |part| match tree.find(part).and_then(|n| tree.on_of(n)) {
            Some(On::Click(message)) => format!("{message:?}"),
            _ => String::new(),
        };
        assert_eq!(sends(Part::Reset), "AskReset");
        assert_eq!(sends(Part::ConfirmYes), "ConfirmReset");
        assert_eq!(sends(Part::ConfirmNo), "CancelReset");
        assert_eq!(sends(Part::Lang), "ToggleLang");
    }

    #[test]
    fn the_toggle_names_the_other_language_in_it() {
        let writes = draw(&state());
        assert_eq!(
            to(&writes, Part::Lang),
            [
                text(bank_text(Text::LanguageToggle, Lang::Ja)),
                attr("lang", "en")
            ]
        );
        assert!(to(&writes, Part::Root).contains(&attr("lang", "ja")));
    }

    #[test]
    fn the_storage_notice_shows_only_when_the_bank_is_not_kept() {
        let writes = draw(&state());
        assert_eq!(to(&writes, Part::Storage), [shown(false)]);
        assert!(to(&writes, Part::StorageText).is_empty());
        let unkept = FrameState {
            storage: Some((Words::MemoryOnly, "SecurityError".into())),
            ..state()
        };
        let writes = draw(&unkept);
        assert_eq!(to(&writes, Part::Storage), [shown(true)]);
        assert_eq!(
            to(&writes, Part::StorageText),
            [text(Words::MemoryOnly.get(Lang::Ja))]
        );
        assert_eq!(to(&writes, Part::StorageDetail), [text("SecurityError")]);
    }

    #[test]
    fn the_reset_is_disabled_while_busy_or_asking() {
        for (busy, asking) in [(false, false), (true, false), (false, true), (true, true)] {
            let writes = draw(&FrameState {
                busy,
                confirming_reset: asking,
                ..state()
            });
            let reset = to(&writes, Part::Reset);
            assert!(reset.contains(&Write::Disabled(busy || asking)));
            assert!(reset.contains(&flag("aria-expanded", asking)));
            assert_eq!(to(&writes, Part::Confirm), [shown(asking)]);
            assert!(to(&writes, Part::ConfirmYes).contains(&Write::Disabled(busy)));
        }
    }

    #[test]
    fn the_reset_outcome_is_said_until_read() {
        let writes = draw(&state());
        assert_eq!(to(&writes, Part::ResetOutcome), [text(""), shown(false)]);
        let done = FrameState {
            reset_outcome: Some(Words::ResetDone),
            ..state()
        };
        assert_eq!(
            to(&draw(&done), Part::ResetOutcome),
            [text(Words::ResetDone.get(Lang::Ja)), shown(true)]
        );
    }
}
