//! The bank section's messages against a memory store: the unsaved-answer rollback, the demo
//! reset's flow and focus, the language, and another tab's newer bank.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::staff::{DEMO_STAFF, StaffId, StaffSession};
use crate::{Action, Field, Text, execute};
use webtoken_engine::random::SeededRandom;
use webtoken_engine::totp;
use webtoken_token_service::{MemoryStore, Policy, TokenService};

const NOW: u64 = 1_700_000_010;

/// A store in memory whose saves can be made to fail.
#[derive(Default)]
struct Memory {
    saved: Option<Bank>,
    newer: Option<Bank>,
    refuse: bool,
    replaced: usize,
    lang: Option<Lang>,
}

impl Records for Memory {
    fn refresh(&mut self) -> Option<Bank> {
        self.newer.take()
    }
    fn save(&mut self, bank: &Bank) -> bool {
        if !self.refuse {
            self.saved = Some(bank.clone());
        }
        !self.refuse
    }
    fn replace(&mut self, bank: &Bank) {
        self.replaced += 1;
        self.saved = Some(bank.clone());
    }
    fn set_lang(&mut self, lang: Lang) {
        self.lang = Some(lang);
    }
}

fn bank() -> Bank {
    Bank::demo_with_iterations(1_000, &mut SeededRandom::new(1)).unwrap()
}

fn send(section: &mut Section, records: &mut Memory, event: Event) -> Updated {
    section.update(Message::Bank(event), NOW, records)
}

fn signed_in_staff(section: &mut Section) {
    let id = StaffId::parse(DEMO_STAFF.0).unwrap();
    section
        .bank
        .begin_staff_session(StaffSession::start(id, NOW));
}

#[test]
fn the_language_toggles_and_is_remembered() {
    let (mut section, mut records) = (Section::new(bank(), Lang::Ja), Memory::default());
    let updated = section.update(Message::ToggleLang, NOW, &mut records);
    assert_eq!((section.lang(), records.lang), (Lang::En, Some(Lang::En)));
    assert_eq!(updated.focus, FrameFocus::Screen);
}

/// A registration the service saved but whose binding the bank could not save: back to the
/// form with the message, the bank as before; saved, the same answer registers.
#[test]
fn an_answer_whose_bank_is_not_saved_is_rolled_back() {
    for refuse in [true, false] {
        let service = TokenService::new(MemoryStore::default(), Policy::default());
        let issued = service.issue(NOW).unwrap();
        let code = totp(&issued.secret, NOW, &issued.params).unwrap();
        let mut section = Section::new(bank(), Lang::Ja);
        let mut records = Memory {
            refuse,
            ..Memory::default()
        };
        send(
            &mut section,
            &mut records,
            Event::Press(Action::OpenRegistration),
        );
        for (field, value) in [
            (Field::ContractId, "1000000001"),
            (Field::Password, "demo-Pass1"),
        ] {
            send(&mut section, &mut records, Event::Edit(field, value.into()));
        }
        send(&mut section, &mut records, Event::Press(Action::Submit));
        send(
            &mut section,
            &mut records,
            Event::Edit(Field::TokenId, issued.token_id.grouped()),
        );
        send(
            &mut section,
            &mut records,
            Event::Edit(Field::Code, code.clone()),
        );
        let asked = send(&mut section, &mut records, Event::Press(Action::Submit));
        assert_eq!(asked.work.len(), 1, "the code goes to the token service");
        let answer = execute(&service, asked.work[0].clone(), NOW).unwrap();
        send(&mut section, &mut records, answer);
        let view = section.screen().view(Lang::Ja);
        let bound = section.bank.customers()[0].token().cloned();
        if refuse {
            assert_eq!(view.id, "registration-details");
            assert_eq!(view.error.as_deref(), Some(Text::ErrNotSaved.ja()));
            assert_eq!(bound, None);
        } else {
            assert_ne!(view.id, "registration-details", "{view:?} {asked:?}");
            assert_eq!(bound, Some(issued.token_id.clone()));
            assert_eq!(
                records.saved.as_ref().unwrap().customers()[0].token(),
                bound.as_ref()
            );
        }
    }
}

#[test]
fn the_reset_needs_staff_asks_first_and_focuses_its_answers() {
    let (mut section, mut records) = (Section::new(bank(), Lang::Ja), Memory::default());
    // No staff member: refused and said, focus left to the screen.
    let updated = section.update(Message::AskReset, NOW, &mut records);
    assert_eq!(section.reset(), Reset::NeedsStaff);
    assert_eq!(updated.focus, FrameFocus::Screen);
    // A press on the screen has read it.
    send(
        &mut section,
        &mut records,
        Event::Press(Action::OpenRegistration),
    );
    assert_eq!(section.reset(), Reset::Idle);

    signed_in_staff(&mut section);
    assert!(section.staff_signed_in(NOW));
    let updated = section.update(Message::AskReset, NOW, &mut records);
    assert_eq!(
        (section.reset(), updated.focus),
        (Reset::Asking, FrameFocus::Question)
    );
    let updated = section.update(Message::CancelReset, NOW, &mut records);
    assert_eq!(
        (section.reset(), updated.focus),
        (Reset::Idle, FrameFocus::Reset)
    );
    assert_eq!(records.replaced, 0);

    section.update(Message::AskReset, NOW, &mut records);
    let updated = section.update(Message::ConfirmReset, NOW, &mut records);
    assert_eq!(
        (section.reset(), updated.focus),
        (Reset::Done(true), FrameFocus::Reset)
    );
    assert_eq!(records.replaced, 1, "saved over whatever was stored");
    assert_eq!(
        section.screen().view(Lang::Ja).id,
        Screen::default().view(Lang::Ja).id
    );
    assert!(section.staff_signed_in(NOW), "the desk stays as it is");
}

#[test]
fn another_tabs_newer_bank_is_taken_with_this_pages_staff_desk() {
    let (mut section, mut records) = (Section::new(bank(), Lang::Ja), Memory::default());
    signed_in_staff(&mut section);
    let mut newer = Bank::demo_with_iterations(1_000, &mut SeededRandom::new(2)).unwrap();
    newer.touch();
    let revision = newer.revision();
    records.newer = Some(newer);
    send(
        &mut section,
        &mut records,
        Event::Press(Action::OpenRegistration),
    );
    assert_eq!(section.bank.revision(), revision);
    assert!(section.staff_signed_in(NOW));
}

#[test]
fn the_screen_takes_focus_only_after_input_and_when_not_busy() {
    assert_eq!(ScreenFocus::after(false, false, true), ScreenFocus::Keep);
    assert_eq!(ScreenFocus::after(true, true, true), ScreenFocus::Keep);
    assert_eq!(ScreenFocus::after(true, false, true), ScreenFocus::Start);
    assert_eq!(ScreenFocus::after(true, false, false), ScreenFocus::IfLost);
}

/// The token service's records put back: the shell says so after its call, and every staff
/// screen (the sign-in first: staff cannot sign in while nothing is accepted) shows it; the
/// customer's screens do not.
#[test]
fn staff_screens_say_the_service_records_were_put_back() {
    let (mut section, mut records) = (Section::new(bank(), Lang::En), Memory::default());
    let health = health::ServiceHealth {
        trouble: Some(health::RecordsTrouble::RolledBack {
            found: 4,
            highest: 9,
        }),
        unreadable: Vec::new(),
    };
    section.update(Message::ServiceHealth(health), NOW, &mut records);
    let said = |view: &View| {
        (view.rows.iter())
            .filter(|r| r.label == Text::LabelStoredRecords.en())
            .map(|r| r.value.clone())
            .collect::<Vec<_>>()
    };
    assert!(said(&section.view()).is_empty(), "not on the login screen");
    send(&mut section, &mut records, Event::Press(Action::OpenStaff));
    assert!(matches!(section.screen(), Screen::Staff(_)));
    let rows = said(&section.view());
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("older copy (version 4") && rows[0].contains('9'));
    section.update(
        Message::ServiceHealth(health::ServiceHealth::default()),
        NOW,
        &mut records,
    );
    assert!(said(&section.view()).is_empty(), "said while it is so");
}
