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

/// The demo bank with its first two customers damaged (password hashes that are not hex).
fn bank_with_two_damaged() -> Bank {
    let text = webtoken_engine::json::to_string(&bank());
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    for i in [0, 1] {
        json["customers"][i]["password"]["hash"] = "not hex".into();
    }
    let bank: Bank = webtoken_engine::json::from_str(&json.to_string()).unwrap();
    assert_eq!(bank.unreadable().len(), 2);
    bank
}

fn on_staff_lookup(section: &mut Section) {
    section.screen = Screen::Staff(Staff::Lookup {
        staff: StaffId::parse(DEMO_STAFF.0).unwrap(),
        contract_id: String::new(),
        notice: None,
    });
}

/// Removing an unreadable customer: without a session it is neither offered, asked nor done
/// (the staff sign-in shows why); signed in, it asks first naming the contract ID, and the
/// confirmation removes that entry only, saved before it is reported.
#[test]
fn removing_an_unreadable_customer_needs_staff_and_removes_only_that_one() {
    let (mut section, mut records) = (
        Section::new(bank_with_two_damaged(), Lang::En),
        Memory::default(),
    );
    on_staff_lookup(&mut section);
    let offered = health::removals(&section.service, &section.bank);
    let second = offered[1].clone();
    assert_eq!(second.kind, StoredKind::Customer);
    let readable = section.bank.customers().len();

    // No session: the question is not opened, nothing removed, the sign-in says why.
    section.update(Message::AskRemove(second.clone()), NOW, &mut records);
    assert!(section.asking.is_none());
    assert!(matches!(section.screen, Screen::Staff(Staff::SignIn(_))));
    assert!(section.view().removals.is_empty(), "not offered signed out");
    section.asking = Some(second.clone());
    section.update(Message::ConfirmRemove, NOW, &mut records);
    assert!(records.saved.is_none());
    assert_eq!(section.bank.unreadable().len(), 2);

    signed_in_staff(&mut section);
    on_staff_lookup(&mut section);
    assert_eq!(section.view().removals, offered);
    section.update(Message::AskRemove(second.clone()), NOW, &mut records);
    let view = section.view();
    assert_eq!(view.asking.as_ref(), Some(&second));
    let id = second.id.clone().unwrap();
    let nodes = health::tree(&view.removals, view.asking.as_ref(), Lang::En);
    let question = nodes
        .all()
        .into_iter()
        .find(|n| n.class == "bank-stored-question");
    assert!(
        question.unwrap().text.contains(&id),
        "names the contract ID"
    );
    section.update(Message::ConfirmRemove, NOW, &mut records);

    let saved = records.saved.as_ref().unwrap();
    assert_eq!(saved.unreadable().len(), 1);
    assert_ne!(
        saved.unreadable()[0].contract_id.as_deref(),
        Some(id.as_str())
    );
    assert_eq!(saved.customers().len(), readable, "the readable ones stay");
    let view = section.view();
    assert!(view.info.unwrap().contains(&id));
    assert_eq!(view.removals.len(), 1);
    assert!(view.asking.is_none());
}

/// A removal the browser cannot save changes nothing and says so; one whose entry another
/// tab changed meanwhile removes nothing either.
#[test]
fn a_removal_not_saved_or_no_longer_current_changes_nothing() {
    let mut section = Section::new(bank_with_two_damaged(), Lang::Ja);
    let mut records = Memory {
        refuse: true,
        ..Memory::default()
    };
    signed_in_staff(&mut section);
    on_staff_lookup(&mut section);
    let first = health::removals(&section.service, &section.bank)[0].clone();
    section.update(Message::AskRemove(first.clone()), NOW, &mut records);
    section.update(Message::ConfirmRemove, NOW, &mut records);
    assert_eq!(section.bank.unreadable().len(), 2);
    assert_eq!(
        section.view().error.as_deref(),
        Some(crate::text(Text::ErrNotSaved, Lang::Ja))
    );
    assert!(section.staff_signed_in(NOW), "the desk is kept");

    records.refuse = false;
    let stale = Removal {
        why: "something else".into(),
        ..first
    };
    section.update(Message::AskRemove(stale), NOW, &mut records);
    section.update(Message::ConfirmRemove, NOW, &mut records);
    assert!(records.saved.is_none());
    assert_eq!(section.bank.unreadable().len(), 2);
    assert_eq!(
        section.view().error.as_deref(),
        Some(crate::text(Text::ErrRecordGone, Lang::Ja))
    );
}

/// An unreadable credential: the confirmation sends the token service the removal of that
/// entry with the staff member as actor; [`crate::execute_mut`] removes only it, and the
/// audit trail records it as stopped by that staff ID; the answer is reported.
#[test]
fn removing_an_unreadable_credential_is_audited_with_the_staff_id() {
    use webtoken_engine::persist::Record;
    use webtoken_token_service::{AuditKey, AuditKind, InPageService};
    let key = AuditKey::random(&mut SeededRandom::new(5)).unwrap();
    let mut records = InPageService::absent();
    let service = records.open(&key, None).unwrap();
    let issued: Vec<_> = (0..3).map(|_| service.issue(NOW).unwrap()).collect();
    let seal = service.audit_seal();
    let mut json: serde_json::Value = serde_json::from_str(&records.encode()).unwrap();
    for entry in json["credentials"].as_array_mut().unwrap() {
        if entry["state"]["token_id"] != issued[2].token_id.as_str() {
            entry["secret"] = "not base32!".into();
        }
    }
    let mut records = InPageService::decode(&json.to_string()).unwrap();
    let service = records.open(&key, Some(&seal)).unwrap();
    let health = ServiceHealth {
        trouble: None,
        unreadable: (service.unreadable().iter())
            .map(|u| (u.token_id.clone(), u.kept.why.clone()))
            .collect(),
    };
    assert_eq!(health.unreadable.len(), 2);

    let (mut section, mut memory) = (Section::new(bank(), Lang::Ja), Memory::default());
    section.update(Message::ServiceHealth(health), NOW, &mut memory);
    signed_in_staff(&mut section);
    on_staff_lookup(&mut section);
    let second = section.view().removals[1].clone();
    assert_eq!(second.kind, StoredKind::Credential);
    section.update(Message::AskRemove(second.clone()), NOW, &mut memory);
    let work = section
        .update(Message::ConfirmRemove, NOW, &mut memory)
        .work;
    assert!(section.view().busy, "awaiting the service");
    let [command] = &work[..] else {
        panic!("{work:?}")
    };
    let gone = service.unreadable()[1].token_id.clone().unwrap();
    let answer = crate::execute_mut(service, command.clone(), NOW + 5).unwrap();
    assert!(matches!(answer, Event::RecordRemoved(Ok(()))), "{answer:?}");
    assert_eq!(service.unreadable().len(), 1);
    assert_ne!(service.unreadable()[0].token_id.as_ref(), Some(&gone));
    let stopped = service.audit_for(&gone);
    let last = stopped.last().unwrap();
    assert_eq!(last.time, NOW + 5);
    match &last.kind {
        AuditKind::Stopped { actor, .. } => assert_eq!(actor, "staff S0001"),
        other => panic!("{other:?}"),
    }
    // The same command again finds another entry in that place: nothing more is removed.
    let again = crate::execute_mut(service, command.clone(), NOW + 6).unwrap();
    assert!(matches!(
        again,
        Event::RecordRemoved(Err(RemoveRefused::Gone))
    ));
    assert_eq!(service.unreadable().len(), 1);

    section.update(Message::Bank(answer), NOW, &mut memory);
    let view = section.view();
    assert!(!view.busy);
    assert!(view.info.unwrap().contains(&second.id.unwrap()));
}

/// A credential removal the token service could not save is answered as not saved (the
/// page's one save cycle), and the staff page says that nothing was changed.
#[test]
fn a_credential_removal_not_saved_says_nothing_was_changed() {
    let command = Command::RemoveUnreadableCredential {
        index: 0,
        token_id: None,
        why: "x".into(),
        actor: "staff S0001".into(),
    };
    let answer = crate::not_saved(&command).unwrap();
    assert!(matches!(
        answer,
        Event::RecordRemoved(Err(RemoveRefused::NotSaved))
    ));
    let health = ServiceHealth {
        trouble: None,
        unreadable: vec![(None, "x".into())],
    };
    let (mut section, mut memory) = (Section::new(bank(), Lang::En), Memory::default());
    section.update(Message::ServiceHealth(health), NOW, &mut memory);
    signed_in_staff(&mut section);
    on_staff_lookup(&mut section);
    let removal = section.view().removals[0].clone();
    assert_eq!(removal.name(Lang::En), "unreadable credential number 1");
    section.update(Message::AskRemove(removal), NOW, &mut memory);
    let work = section
        .update(Message::ConfirmRemove, NOW, &mut memory)
        .work;
    assert_eq!(work, vec![command]);
    section.update(Message::Bank(answer), NOW, &mut memory);
    let view = section.view();
    assert_eq!(
        view.error.as_deref(),
        Some(crate::text(Text::ErrNotSaved, Lang::En))
    );
    assert_eq!(view.removals.len(), 1, "still listed");
}
