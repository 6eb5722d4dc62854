//! The tour's steps against the catalogue and against the bank's real screens, and its state.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::{Action, Bank, Event as BankEvent, Screen, View, drive};
use webtoken_engine::i18n::Lang;
use webtoken_engine::random::SeededRandom;
use webtoken_engine::totp;
use webtoken_token_service::{Issued, MemoryStore, Policy, TokenService};

const LANGS: [Lang; 2] = [Lang::Ja, Lang::En];

/// The tour's words the panel shows around the steps (used by `web::tour`).
const PANEL: [Text; 7] = [
    Text::Title,
    Text::Close,
    Text::Back,
    Text::Next,
    Text::Finish,
    Text::Count,
    Text::Chapter,
];

/// The detours [`Step::guide`] names besides [`WAYS`].
const OTHER_DETOURS: [Text; 4] = [
    Text::FirstGetToken,
    Text::FirstUnlock,
    Text::FirstBackToLogin,
    Text::FirstLogout,
];

#[test]
fn every_step_has_words_in_both_languages() {
    for step in STEPS {
        for lang in LANGS {
            let words = step.text.get(lang);
            assert!(!words.trim().is_empty(), "{:?} in {lang:?}", step.text);
            assert!(!step.chapter.title().get(lang).is_empty());
        }
        assert_ne!(
            step.text.ja(),
            step.text.en(),
            "{:?} is translated",
            step.text
        );
        assert!(step.text.en().is_ascii(), "{:?}", step.text);
    }
}

#[test]
fn every_word_of_the_section_is_used() {
    let mut used: BTreeSet<&str> = PANEL
        .iter()
        .chain(&OTHER_DETOURS)
        .map(|t| t.name())
        .collect();
    used.extend(STEPS.iter().map(|s| s.text.name()));
    used.extend(STEPS.iter().map(|s| s.chapter.title().name()));
    used.extend(WAYS.iter().map(|w| w.3.name()));
    let all: BTreeSet<&str> = Text::ALL.iter().map(|t| t.name()).collect();
    assert_eq!(used, all);
}

#[test]
fn chapters_run_one_to_four_in_order() {
    let numbers: Vec<u8> = STEPS.iter().map(|s| s.chapter.number()).collect();
    let mut chapters = numbers.clone();
    chapters.dedup();
    assert_eq!(
        chapters,
        [1, 2, 3, 4],
        "each chapter once, in order: {numbers:?}"
    );
    // Every chapter has several steps; the tour ends on its own panel.
    for n in 1..=4 {
        assert!(
            numbers.iter().filter(|&&c| c == n).count() >= 3,
            "chapter {n}"
        );
    }
    assert_eq!(STEPS.last().unwrap().place, Place::Tour);
}

#[test]
fn every_step_names_a_control() {
    for step in STEPS {
        match step.control {
            Control::TestId(id) | Control::BankField(id) => assert!(!id.is_empty(), "{step:?}"),
            Control::BankButton(label) => {
                for lang in LANGS {
                    assert!(!label.get(lang).is_empty(), "{step:?}");
                }
            }
        }
        match step.place {
            Place::Bank(screen) => {
                assert!(!screen.is_empty(), "{step:?}");
                assert!(!matches!(step.control, Control::TestId(_)), "{step:?}");
            }
            Place::Token | Place::Tour => {
                assert!(matches!(step.control, Control::TestId(_)), "{step:?}");
            }
        }
    }
}

/// The phrases `text` quotes: 「…」 in Japanese, "…" in English.
fn quoted(text: &str, lang: Lang) -> Vec<&str> {
    let (open, close) = match lang {
        Lang::Ja => ('「', '」'),
        Lang::En => ('"', '"'),
    };
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len_utf8()..];
        let Some(end) = after.find(close) else { break };
        found.push(&after[..end]);
        rest = &after[end + close.len_utf8()..];
    }
    found
}

#[test]
fn quoted_labels_are_the_pages_own_words() {
    for lang in LANGS {
        let page: BTreeSet<&str> = crate::Text::ALL
            .iter()
            .map(|t| t.get(lang))
            .chain(
                webtoken_engine::i18n::token::Text::ALL
                    .iter()
                    .map(|t| t.get(lang)),
            )
            .chain(
                webtoken_engine::i18n::page::Text::ALL
                    .iter()
                    .map(|t| t.get(lang)),
            )
            .chain(Text::ALL.iter().map(|t| t.get(lang)))
            .collect();
        let mut count = 0;
        for &key in Text::ALL {
            for phrase in quoted(key.get(lang), lang) {
                assert!(
                    page.contains(phrase),
                    "{key:?} in {lang:?} quotes {phrase:?}, which the page does not show"
                );
                count += 1;
            }
        }
        assert!(count > 20, "the check read the quotes ({count})");
    }
    assert_eq!(quoted("「a」と「b」", Lang::Ja), ["a", "b"]);
    assert_eq!(quoted(r#"press "Next"."#, Lang::En), ["Next"]);
}

/// The demo customer, the bank, a token service and the token the customer registers.
struct Customer {
    bank: Bank,
    service: TokenService,
    screen: Screen,
    now: u64,
    token: Issued,
    /// Every screen seen, in both languages, by id.
    seen: BTreeMap<&'static str, [View; 2]>,
}

impl Customer {
    fn new() -> Self {
        let service = TokenService::new(MemoryStore::default(), Policy::default());
        let now = 1_700_000_010;
        let token = service.issue(now).unwrap();
        let mut customer = Self {
            bank: Bank::demo_with_iterations(1_000, &mut SeededRandom::new(1)).unwrap(),
            service,
            screen: Screen::default(),
            now,
            token,
            seen: BTreeMap::new(),
        };
        customer.look();
        customer
    }

    fn view(&self) -> View {
        self.screen.view(Lang::Ja)
    }

    fn look(&mut self) {
        let views = LANGS.map(|lang| self.screen.view(lang));
        self.seen.insert(views[0].id, views);
    }

    fn send(&mut self, event: BankEvent) {
        let screen = std::mem::take(&mut self.screen);
        self.screen = drive(&mut self.bank, &self.service, screen, event, self.now).screen;
        self.look();
    }

    /// Types into the field with this id what the guide says to.
    fn fill(&mut self, id: &str) {
        let field = self
            .view()
            .fields
            .iter()
            .find(|f| f.id == id)
            .unwrap_or_else(|| panic!("{} has no field {id}", self.view().id))
            .field;
        let value = match id {
            "contract-id" => "1000000001".to_string(),
            "password" => "demo-Pass1".to_string(),
            "token-id" => self.token.token_id.grouped(),
            "staff-id" => crate::staff::DEMO_STAFF.0.to_string(),
            "code" => {
                // A code is good once: each chapter waits for the token's next one.
                self.now += 30;
                totp(&self.token.secret, self.now, &self.token.params).unwrap()
            }
            _ => panic!("no value for {id}"),
        };
        self.send(BankEvent::Edit(field, value));
    }

    /// Presses the button or link labelled `label`.
    fn press(&mut self, label: crate::Text) {
        let action = action(&self.view(), label.ja())
            .unwrap_or_else(|| panic!("{} has no {:?}", self.view().id, label));
        self.send(BankEvent::Press(action));
    }
}

/// The action of the button or link of `view` labelled `label`.
fn action(view: &View, label: &str) -> Option<Action> {
    view.buttons
        .iter()
        .chain(&view.links)
        .find(|b| b.label == label)
        .map(|b| b.action)
}

/// A customer who does what each step says, pressing 次の手順 after typing into a field: the
/// steps' controls are on the real screens, and each press that moves the bank on moves the
/// tour on to the step for the new screen. Returns the customer, with the screens seen.
fn follow_the_whole_tour() -> Customer {
    let mut customer = Customer::new();
    let mut tour = Tour::default();
    tour.update(Event::Screen(customer.view().id.into()));
    assert_eq!(tour.update(Event::Toggle), Focus::Heading);
    let mut visited = Vec::new();
    while tour.is_open() {
        let step = *tour.step();
        visited.push(tour.number());
        let now = Now {
            screen: customer.view().id,
            token: TokenShows::Code,
        };
        let guidance = step.guide(&now);
        assert_eq!(guidance, step.guide(&now), "pure");
        assert_eq!(
            guidance.first,
            None,
            "step {} ({:?}) on {}: the customer is where the step is",
            tour.number(),
            step.text,
            now.screen
        );
        if let Place::Bank(screen) = step.place {
            assert_eq!(screen, now.screen, "{step:?}");
        }
        match guidance.control {
            Control::BankField(id) => {
                customer.fill(id);
                assert_eq!(customer.view().error, None, "{step:?}");
                tour.update(Event::Screen(customer.view().id.into()));
                assert_eq!(tour.update(Event::Next), Focus::Next);
            }
            Control::BankButton(label) => {
                let before = tour.number();
                customer.press(label);
                assert_eq!(customer.view().error, None, "{step:?}");
                assert_eq!(
                    tour.update(Event::Screen(customer.view().id.into())),
                    Focus::Keep
                );
                assert_eq!(
                    tour.number(),
                    before + 1,
                    "pressing {label:?} moved the bank to {} and the tour on",
                    customer.view().id
                );
            }
            Control::TestId(_) => {
                tour.update(Event::Next);
            }
        }
    }
    assert_eq!(visited, (1..=STEPS.len()).collect::<Vec<_>>());
    // The guide's chapters done: registered, logged in with a code, stopped; and the staff
    // sign-in shown, where staff stop what the customer cannot.
    assert_eq!(customer.view().id, "staff-signin");
    customer.send(BankEvent::Press(Action::BackToLogin));
    customer
}

#[test]
fn a_customer_following_the_tour_registers_logs_in_and_stops_on_the_real_screens() {
    let customer = follow_the_whole_tour();
    for id in [
        REG_CREDENTIALS,
        REG_DETAILS,
        REG_DONE,
        LOGIN_CODE,
        SIGNED_IN,
        STOP_CREDENTIALS,
        STOP_CODE,
        STOP_DONE,
    ] {
        assert!(customer.seen.contains_key(id), "{id}");
    }
}

#[test]
fn every_detour_is_a_control_on_the_screen_it_starts_from_and_leads_to_the_step() {
    let mut customer = follow_the_whole_tour();
    // The login screen's other ways: the staff page and resynchronisation.
    for open in [Action::OpenStaff, Action::OpenResync] {
        customer.send(BankEvent::Press(open));
        customer.send(BankEvent::Press(Action::BackToLogin));
    }
    assert!(customer.seen.len() >= 11, "{:?}", customer.seen.keys());
    let places: BTreeSet<&str> = STEPS
        .iter()
        .filter_map(|s| match s.place {
            Place::Bank(screen) => Some(screen),
            _ => None,
        })
        .collect();
    for (&from, views) in &customer.seen {
        for &to in &places {
            let mut at = from;
            for _ in 0..4 {
                let Some((label, _)) = way(at, to) else {
                    break;
                };
                let view = &customer.seen[at];
                for (lang, view) in LANGS.iter().zip(view) {
                    assert!(
                        action(view, label.get(*lang)).is_some(),
                        "{at} has no {label:?} in {lang:?} (toward {to})"
                    );
                }
                // Where the press leads (when the customer has filled the form in).
                at = WAYS
                    .iter()
                    .find(|w| w.0 == at && w.2 == label)
                    .map_or("login", |w| w.1);
            }
            assert_eq!(at, to, "from {from}");
        }
        assert!(views[0].id == from && views[1].id == from);
    }
}

#[test]
fn ways_between_screens() {
    use crate::Text as B;
    assert_eq!(way("login", "login"), None);
    assert_eq!(way("", REG_DETAILS), None, "nothing shown yet");
    let back = (B::ButtonBackToLogin, Text::FirstBackToLogin);
    for (from, to, expected) in [
        (
            "login",
            REG_DETAILS,
            (B::LinkRegistration, Text::FirstOpenRegistration),
        ),
        (
            REG_CREDENTIALS,
            REG_DETAILS,
            (B::ButtonNext, Text::FirstNext),
        ),
        (
            STOP_CREDENTIALS,
            STOP_DONE,
            (B::ButtonNext, Text::FirstNext),
        ),
        ("login", SIGNED_IN, (B::ButtonLogin, Text::FirstLogin)),
        // Off the path, or past the step: back to the login screen first.
        (REG_DONE, REG_DETAILS, back),
        (STOP_CODE, REG_CREDENTIALS, back),
        ("staff-lookup", STOP_CODE, back),
        (SIGNED_IN, "login", (B::ButtonLogout, Text::FirstLogout)),
    ] {
        assert_eq!(way(from, to), Some(expected), "{from} to {to}");
    }
}

#[test]
fn token_steps_ask_for_a_token_first() {
    let step = STEPS[1];
    let at = |token| {
        step.guide(&Now {
            screen: "login",
            token,
        })
    };
    assert_eq!(
        at(TokenShows::Code),
        Guidance {
            control: Control::TestId("token-code"),
            first: None
        }
    );
    assert_eq!(
        at(TokenShows::Empty),
        Guidance {
            control: Control::TestId("token-new"),
            first: Some(Text::FirstGetToken)
        }
    );
    assert_eq!(at(TokenShows::Locked).first, Some(Text::FirstUnlock));
    // The tour's own last step is always on show.
    let end = STEPS.last().unwrap();
    assert_eq!(
        end.guide(&Now {
            screen: STOP_CODE,
            token: TokenShows::Empty
        })
        .first,
        None
    );
}

/// A tour at step `number` (from 1) with the bank on `screen`.
fn tour_at(number: usize, screen: &str) -> Tour {
    let mut tour = Tour::default();
    tour.update(Event::Screen(screen.into()));
    tour.update(Event::Toggle);
    while tour.number() < number {
        tour.update(Event::Next);
    }
    tour
}

#[test]
fn next_back_close_and_where_focus_goes() {
    let mut tour = Tour::default();
    assert!(!tour.is_open());
    assert_eq!(
        tour.update(Event::Next),
        Focus::Keep,
        "closed: nothing to do"
    );
    assert_eq!(tour.number(), 1);
    assert_eq!(tour.update(Event::Toggle), Focus::Heading);
    assert_eq!(
        tour.update(Event::Back),
        Focus::Keep,
        "no step before the first"
    );
    assert_eq!(tour.update(Event::Next), Focus::Next);
    assert_eq!(tour.update(Event::Next), Focus::Next);
    assert_eq!(tour.update(Event::Back), Focus::Back);
    assert_eq!(
        tour.update(Event::Back),
        Focus::Next,
        "the first step's back is disabled"
    );
    tour.update(Event::Next);
    assert_eq!(tour.update(Event::Close), Focus::Start);
    assert!(!tour.is_open());
    assert_eq!(tour.update(Event::Close), Focus::Keep);
    // Reopened, the tour is where it was; the start button closes it too.
    assert_eq!(tour.update(Event::Toggle), Focus::Heading);
    assert_eq!(tour.number(), 2);
    assert_eq!(tour.update(Event::Toggle), Focus::Start);
    assert!(!tour.is_open());
}

#[test]
fn next_on_the_last_step_finishes_and_the_next_tour_starts_over() {
    let mut tour = tour_at(STEPS.len(), "login");
    assert!(tour.is_last());
    assert_eq!(tour.update(Event::Next), Focus::Start);
    assert!(!tour.is_open());
    tour.update(Event::Toggle);
    assert_eq!(tour.number(), 1);
}

#[test]
fn only_a_change_of_screen_moves_the_tour() {
    // 次へ pressed on step 7: the bank shows the Token ID screen, the tour its step.
    let mut tour = tour_at(7, REG_CREDENTIALS);
    assert_eq!(
        tour.step().control,
        Control::BankButton(crate::Text::ButtonNext)
    );
    tour.update(Event::Screen(REG_DETAILS.into()));
    assert_eq!(tour.number(), 8);
    // Renders of the same screen change nothing: 前の手順 stays done.
    tour.update(Event::Back);
    tour.update(Event::Screen(REG_DETAILS.into()));
    assert_eq!(tour.number(), 7);
    // Leaving the flow (ログイン画面に戻る) does not skip ahead.
    tour.update(Event::Screen("login".into()));
    assert_eq!(tour.number(), 7);
    // A closed tour only notes the screen.
    let mut closed = tour_at(4, "login");
    closed.update(Event::Close);
    closed.update(Event::Screen(REG_CREDENTIALS.into()));
    closed.update(Event::Toggle);
    assert_eq!(closed.number(), 4);
    closed.update(Event::Screen(REG_CREDENTIALS.into()));
    assert_eq!(closed.number(), 4, "the change was seen while closed");
}

#[test]
fn a_field_step_follows_the_customer_who_goes_ahead() {
    // On the contract ID step the customer types both fields and presses 次へ: the tour
    // goes to the Token ID step.
    let mut tour = tour_at(5, REG_CREDENTIALS);
    tour.update(Event::Screen(REG_DETAILS.into()));
    assert_eq!(tour.number(), 8);
    // After the last stop, back on the login screen: the tour's end.
    let mut tour = tour_at(STEPS.len() - 1, STOP_DONE);
    tour.update(Event::Screen("login".into()));
    assert!(tour.is_last());
}

#[test]
fn the_marked_control_is_scrolled_clear_of_the_panel() {
    let rect = |top, bottom, left, right| Rect {
        top,
        bottom,
        left,
        right,
    };
    // A phone: the panel is a sheet along the bottom of a 600 px window.
    let sheet = Some(rect(240.0, 600.0, 0.0, 360.0));
    let target = |top| rect(top, top + 50.0, 20.0, 200.0);
    assert_eq!(scroll_to_show(target(100.0), sheet, 600.0, 16.0), 0.0);
    assert_eq!(scroll_to_show(target(237.0), sheet, 600.0, 16.0), 63.0);
    assert_eq!(scroll_to_show(target(-80.0), sheet, 600.0, 16.0), -96.0);
    // Taller than the room above the panel: its top shows.
    let tall = rect(400.0, 800.0, 20.0, 200.0);
    assert_eq!(scroll_to_show(tall, sheet, 600.0, 16.0), 384.0);
    // A desktop: the panel at the bottom-left leaves the bank's column alone.
    let corner = Some(rect(500.0, 880.0, 16.0, 416.0));
    let bank = rect(700.0, 740.0, 440.0, 760.0);
    assert_eq!(scroll_to_show(bank, corner, 900.0, 16.0), 0.0);
    let token = rect(700.0, 740.0, 60.0, 350.0);
    assert_eq!(scroll_to_show(token, corner, 900.0, 16.0), 256.0);
    assert_eq!(scroll_to_show(bank, None, 720.0, 16.0), 36.0);
}
