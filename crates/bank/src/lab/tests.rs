//! Tests of the time lab: the clock controls, the history of shown codes, and the verdicts and
//! words of the view, against a real token service.

#![allow(clippy::unwrap_used)]

use super::*;
use webtoken_engine::{Secret, code_at_step};
use webtoken_token_service::{MemoryStore, Policy};

/// 2026-11-24 00:00:00 UTC (09:00:00 JST), a multiple of 30.
const MORNING: u64 = 1_795_478_400;

fn secret() -> Secret {
    Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap()
}

fn shown_at(step: u64) -> Shown {
    Shown {
        code: code_at_step(&secret(), step, &Params::default()).unwrap(),
        step,
    }
}

fn service() -> (TokenService, TokenId) {
    let service = TokenService::new(MemoryStore::new(), Policy::default());
    let id = TokenId::generate("TEST", 1).unwrap();
    service
        .provision(id.clone(), secret(), Params::default(), 0)
        .unwrap();
    (service, id)
}

/// The lab's report at `now` (clock shifted by `offset`) of codes shown at `steps`, newest first.
fn report(service: &TokenService, id: &TokenId, offset: i64, now: u64, steps: &[u64]) -> Report {
    let shown: Vec<Shown> = steps.iter().map(|&s| shown_at(s)).collect();
    Report::new(offset, now, Some(Params::default()), &shown).checked(service, id)
}

/// The service, its credential, a time ten seconds into a step, and that step.
fn morning() -> (TokenService, TokenId, u64, u64) {
    let (service, id) = service();
    let now = MORNING + 10;
    (service, id, now, Params::default().step(now))
}

fn verdicts(view: &View) -> Vec<Verdict> {
    view.codes.iter().map(|line| line.verdict).collect()
}

#[test]
fn the_controls_shift_by_their_amounts_within_a_day_and_reset() {
    let mut offset = 0;
    for (shift, expected) in [
        (Shift::Plus5m, 300),
        (Shift::Plus30s, 330),
        (Shift::Minus30s, 300),
        (Shift::Minus5m, 0),
        (Shift::Minus5m, -300),
        (Shift::Reset, 0),
    ] {
        offset = shift.apply(offset);
        assert_eq!(offset, expected, "{shift:?}");
    }
    assert_eq!(Shift::Plus5m.apply(MAX_OFFSET - 10), MAX_OFFSET);
    assert_eq!(Shift::Minus5m.apply(-MAX_OFFSET), -MAX_OFFSET);
    let ids: Vec<&str> = Shift::ALL.iter().map(|s| s.testid()).collect();
    assert_eq!(
        ids,
        [
            "lab-minus-5m",
            "lab-minus-30s",
            "lab-plus-30s",
            "lab-plus-5m",
            "lab-reset"
        ]
    );
}

#[test]
fn the_history_keeps_the_last_five_steps_of_one_token_newest_first() {
    let mut history = History::default();
    history.observe("a", shown_at(1));
    history.observe("a", shown_at(1));
    assert_eq!(history.codes(), [shown_at(1)]);
    for step in 2..=7 {
        history.observe("a", shown_at(step));
    }
    let steps: Vec<u64> = history.codes().iter().map(|s| s.step).collect();
    assert_eq!(steps, [7, 6, 5, 4, 3]);
    // The clock set back to a step already listed: it moves to the front, listed once.
    history.observe("a", shown_at(5));
    let steps: Vec<u64> = history.codes().iter().map(|s| s.step).collect();
    assert_eq!(steps, [5, 7, 6, 4, 3]);
    // Another token: a new history.
    history.observe("b", shown_at(9));
    assert_eq!(history.codes(), [shown_at(9)]);
    history.clear();
    assert!(history.codes().is_empty());
}

#[test]
fn shifting_five_minutes_on_expires_the_earlier_code() {
    let (service, id, now, step) = morning();
    let view = report(&service, &id, 0, now, &[step]).view(Lang::En);
    assert_eq!(verdicts(&view), [Verdict::Accepted]);
    assert_eq!(view.offset, "none (real time)");
    assert_eq!(view.time, "2026-11-24 09:00:10 JST");
    assert_eq!(view.step, format!("{step} (09:00:00 to 09:00:29)"));
    assert_eq!(
        view.window,
        format!("steps {} to {} (08:59:30 to 09:00:59)", step - 1, step + 1)
    );
    assert_eq!(
        view.codes[0].reason,
        format!("Step {step} is in the window and has not been used.")
    );

    let later = now + 300;
    let view = report(&service, &id, 300, later, &[step + 10, step]).view(Lang::En);
    assert_eq!(view.offset, "5 min 0 s ahead");
    assert_eq!(verdicts(&view), [Verdict::Accepted, Verdict::Expired]);
    assert_eq!(view.codes[1].label, "Expired");
    assert_eq!(
        view.codes[1].reason,
        format!(
            "Step {step} is before the window ({} to {}).",
            step + 9,
            step + 11
        )
    );
    // Set back instead: the code of now is not valid yet at the earlier time.
    let view = report(&service, &id, -300, now - 300, &[step - 10, step]).view(Lang::Ja);
    assert_eq!(verdicts(&view), [Verdict::Accepted, Verdict::Early]);
    assert_eq!(view.offset, "5分0秒 遅らせています");
    assert_eq!(view.codes[1].label, "まだ有効でない");
}

#[test]
fn a_used_code_is_marked_used_and_the_rows_show_the_drift_and_last_step() {
    let (service, id, now, step) = morning();
    // The token runs a step ahead: its code is accepted and the drift learnt.
    service
        .validate(&id, &shown_at(step + 1).code, now)
        .unwrap();
    let view = report(&service, &id, 0, now, &[step + 1, step]).view(Lang::En);
    assert_eq!(verdicts(&view), [Verdict::Used, Verdict::Used]);
    assert_eq!(
        view.codes[0].reason,
        format!(
            "Step {} is not after the last accepted step ({}): a code cannot be used twice.",
            step + 1,
            step + 1
        )
    );
    assert_eq!(view.drift, "+1 step(s) (the token runs 30 s ahead)");
    assert_eq!(view.last, format!("{} (09:00:30)", step + 1));
    assert_eq!(view.failures, "0 of 10 (locks after 10 more)");
    assert_eq!(view.status, "Active");
    assert_eq!(view.note, None);
    let view = report(&service, &id, 0, now, &[step]).view(Lang::Ja);
    assert_eq!(view.drift, "+1ステップ(トークンが30秒進んでいる)");
    assert_eq!(view.codes[0].label, "使用済み");
}

#[test]
fn the_lockout_is_announced_one_failure_ahead_and_then_every_code_is_locked() {
    let (service, id, now, step) = morning();
    service.validate(&id, &shown_at(step).code, now).unwrap();
    for _ in 0..9 {
        service.validate(&id, "000000", now).unwrap_err();
    }
    let view = report(&service, &id, 0, now, &[step + 1, step]).view(Lang::En);
    assert_eq!(view.failures, "9 of 10 (locks after 1 more)");
    assert_eq!(verdicts(&view), [Verdict::Accepted, Verdict::Used]);
    assert!(!view.codes[0].reason.contains("lock"));
    assert!(
        view.codes[1].reason.ends_with(
            "used twice. Typing it now would be the last failure allowed: the token would lock."
        ),
        "{}",
        view.codes[1].reason
    );
    service.validate(&id, "000000", now).unwrap_err();
    let view = report(&service, &id, 0, now, &[step + 1, step]).view(Lang::Ja);
    assert_eq!(verdicts(&view), [Verdict::Locked, Verdict::Locked]);
    assert_eq!(view.failures, "10 / 10(上限に達しました)");
    assert_eq!(view.status, "ロック中(窓口での解除が必要)");
    // Stopped after unlocking: every code is refused as stopped.
    service.unlock(&id, "staff", now).unwrap();
    service.stop(&id, "staff", "lost", now).unwrap();
    let view = report(&service, &id, 0, now, &[step + 1]).view(Lang::En);
    assert_eq!(verdicts(&view), [Verdict::Stopped]);
    assert_eq!(view.status, "Stopped");
}

#[test]
fn the_lab_asks_nothing_that_changes_the_service() {
    let (service, id, now, step) = morning();
    let before = service.snapshot();
    let view = report(&service, &id, 0, now, &[step, step - 1, step - 2]).view(Lang::En);
    assert_eq!(
        verdicts(&view),
        [Verdict::Accepted, Verdict::Accepted, Verdict::Expired]
    );
    assert_eq!(service.snapshot(), before);
}

#[test]
fn without_the_service_the_rows_say_why_and_nothing_is_judged() {
    let now = MORNING + 10;
    let params = Some(Params::default());
    let shown = [shown_at(Params::default().step(now))];
    for (service, note, reason) in [
        (Service::Remote, "another token service", "its own clock"),
        (Service::NotIssued, "was not issued", "did not issue"),
    ] {
        let view = Report::new(30, now, params, &shown)
            .without_service(service)
            .view(Lang::En);
        assert!(view.note.as_deref().unwrap().contains(note), "{view:?}");
        assert!(view.codes[0].reason.contains(reason), "{view:?}");
        assert_eq!(verdicts(&view), [Verdict::Unknown]);
        for row in [&view.window, &view.drift, &view.failures, &view.status] {
            assert_eq!(row, "—");
        }
        // The token's own clock is still shown.
        assert!(view.step.starts_with(&shown[0].step.to_string()));
        assert_eq!(view.offset, "0 min 30 s ahead");
    }
    let (service, _) = service();
    let other = TokenId::generate("TEST", 2).unwrap();
    let view = Report::new(0, now, params, &shown)
        .checked(&service, &other)
        .view(Lang::En);
    assert_eq!(
        view.note.as_deref(),
        Some("The token service has no record of this Token ID.")
    );
    let view = Report::new(0, now, None, &[]).view(Lang::Ja);
    assert_eq!(view.step, "—");
    assert!(view.note.unwrap().starts_with("トークンがありません"));
}

#[test]
fn every_verdict_has_a_name_and_words_in_both_languages() {
    for verdict in [
        Verdict::Accepted,
        Verdict::Expired,
        Verdict::Early,
        Verdict::Used,
        Verdict::Mismatch,
        Verdict::Locked,
        Verdict::Stopped,
        Verdict::Unknown,
    ] {
        assert!(!verdict.name().is_empty());
        assert!(!verdict.label(Lang::Ja).is_empty());
        assert_ne!(verdict.label(Lang::Ja), verdict.label(Lang::En));
    }
    for shift in Shift::ALL {
        let (label, spoken) = shift.words();
        assert!(!label.get(Lang::En).is_empty() && !spoken.get(Lang::Ja).is_empty());
    }
}

#[test]
fn the_lab_states_the_resync_bound() {
    let policy = webtoken_token_service::Policy::default();
    let en = super::resync_bound(Lang::En);
    assert!(
        en.contains(&format!("at most {} steps", policy.resync_back)),
        "{en}"
    );
    assert!(
        en.contains(&format!("{} s", u64::from(policy.resync_back) * 30)),
        "{en}"
    );
    let ja = super::resync_bound(Lang::Ja);
    assert!(
        ja.contains(&format!("最大{}ステップ", policy.resync_back)),
        "{ja}"
    );
    assert!(!en.contains('{') && !ja.contains('{'));
}

#[test]
fn the_address_opens_the_lab_with_lab_1_only() {
    assert!(asked("?lab=1"));
    assert!(asked("?service=http%3A%2F%2F127.0.0.1%3A9&lab=1"));
    assert!(!asked(""));
    assert!(!asked("?lab=0"));
    assert!(!asked("?lab=yes"));
}
