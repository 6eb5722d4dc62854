use super::*;
use crate::otpauth::KeyUri;
use crate::panel::{Outcome, PanelView, Problem, Refusal};
use crate::text::Lang;

/// RFC 4226 Appendix D's secret, as an HOTP URI at counter 0.
const HOTP: &str = "otpauth://hotp/Example:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0";
const TOTP: &str = "otpauth://totp/Other:bob?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
/// RFC 4226 Appendix D's HOTP values for counters 0 to 9.
const RFC4226: [&str; 10] = [
    "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
    "520489",
];
const NOW: u64 = 1_700_000_000;

fn wallet(uris: &[&str]) -> Wallet {
    let mut wallet = Wallet::new();
    for (i, uri) in uris.iter().enumerate() {
        let key = KeyUri::parse(uri).unwrap();
        wallet.add(&format!("token {i}"), None, key).unwrap();
    }
    wallet
}

fn ready(wallet: Wallet, storage: &Storage) -> Panel {
    let mut panel = Panel::new(Wallet::new());
    panel.update(Message::Done(wallet, None), NOW, Lang::En, storage);
    panel
}

fn under_passphrase() -> Storage {
    Storage {
        passphrase: true,
        ..Storage::default()
    }
}

fn view(panel: &Panel, storage: &Storage) -> PanelView {
    panel.view(NOW, Lang::En, storage)
}

fn shown_code(panel: &Panel) -> (String, Option<u64>) {
    let code = view(panel, &Storage::default()).code.unwrap().unwrap();
    (code.code.replace(' ', ""), code.counter)
}

// --- HOTP ---------------------------------------------------------------------------------

#[test]
fn hotp_shows_rfc_4226_codes_only_after_each_new_counter_is_saved() {
    let storage = Storage::default();
    let mut stored = wallet(&[HOTP]);
    let id = stored.active_id().unwrap();
    let mut panel = ready(stored.clone(), &storage);
    assert_eq!(shown_code(&panel), (RFC4226[0].to_owned(), Some(0)));
    for counter in 1..10 {
        let effects = panel.update(Message::Advance, NOW, Lang::En, &storage);
        assert!(
            matches!(effects.as_slice(), [Effect::Advance(i)] if *i == id),
            "{effects:?}"
        );
        // Asked to save; until the answer the old code stays (and no second press starts).
        assert!(view(&panel, &storage).busy);
        let before = (RFC4226[counter - 1].to_owned(), Some(counter as u64 - 1));
        assert_eq!(shown_code(&panel), before);
        assert!(
            panel
                .update(Message::Advance, NOW, Lang::En, &storage)
                .is_empty()
        );
        // The shell saved: the list as stored shows the new code.
        stored.advance(id).unwrap();
        let done = Outcome::Advanced(Ok(())).done(stored.clone());
        panel.update(done, NOW, Lang::En, &storage);
        let after = (RFC4226[counter].to_owned(), Some(counter as u64));
        assert_eq!(shown_code(&panel), after);
        assert_eq!(view(&panel, &storage).message, "");
    }
}

#[test]
fn hotp_that_cannot_be_saved_keeps_the_old_code_and_says_why() {
    let storage = Storage::default();
    let stored = wallet(&[HOTP]);
    let mut panel = ready(stored.clone(), &storage);
    panel.update(Message::Advance, NOW, Lang::En, &storage);
    let failed = Outcome::Advanced(Err(Refusal::Failed)).done(stored.clone());
    panel.update(failed, NOW, Lang::En, &storage);
    assert_eq!(shown_code(&panel), (RFC4226[0].to_owned(), Some(0)));
    let shown = view(&panel, &storage);
    assert!(shown.message_error);
    assert!(
        shown.message.contains("could not be saved"),
        "{}",
        shown.message
    );
    assert!(
        panel
            .view(NOW, Lang::Ja, &storage)
            .message
            .contains("保存できなかった")
    );
    // A locked list and an exhausted counter keep their own words.
    panel.update(Message::Advance, NOW, Lang::En, &storage);
    let locked = Outcome::Advanced(Err(Refusal::Locked)).done(stored.clone());
    panel.update(locked, NOW, Lang::En, &storage);
    assert!(view(&panel, &storage).message.contains("Unlock"));
    panel.update(Message::Advance, NOW, Lang::En, &storage);
    let exhausted = Refusal::Wallet(WalletError::CounterExhausted);
    panel.update(
        Outcome::Advanced(Err(exhausted)).done(stored),
        NOW,
        Lang::En,
        &storage,
    );
    assert!(view(&panel, &storage).message.contains("largest value"));
    assert_eq!(shown_code(&panel), (RFC4226[0].to_owned(), Some(0)));
}

#[test]
fn a_totp_token_has_no_counter_to_advance() {
    let storage = Storage::default();
    let mut panel = ready(wallet(&[TOTP]), &storage);
    assert!(
        panel
            .update(Message::Advance, NOW, Lang::En, &storage)
            .is_empty()
    );
    let code = view(&panel, &storage).code.unwrap().unwrap();
    assert_eq!(code.counter, None);
    assert!(!code.next.is_empty());
}

#[test]
fn hotp_shows_no_next_code_and_copies_the_code_on_show() {
    let storage = Storage::default();
    let mut panel = ready(wallet(&[HOTP]), &storage);
    let code = view(&panel, &storage).code.unwrap().unwrap();
    assert_eq!(
        code.next, "",
        "the next counter's code is not shown before it is saved"
    );
    assert_eq!(code.showing.step, 0);
    let effects = panel.update(Message::Copy, NOW, Lang::En, &storage);
    assert!(matches!(effects.as_slice(), [Effect::Copy(c)] if c == RFC4226[0]));
}

// --- Auto-lock ------------------------------------------------------------------------------

fn tick(panel: &mut Panel, at: u64, storage: &Storage) -> Vec<Effect> {
    panel.update(Message::Tick, at, Lang::En, storage)
}

fn locks(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::Lock(_)))
}

#[test]
fn a_list_under_a_passphrase_locks_after_the_idle_time() {
    let storage = under_passphrase();
    let mut panel = ready(wallet(&[TOTP]), &storage);
    // The default is five minutes, counted from the last use.
    assert!(!locks(&tick(&mut panel, NOW, &storage)));
    panel.update(Message::Active, NOW + 100, Lang::En, &storage);
    assert!(!locks(&tick(&mut panel, NOW + 399, &storage)));
    let effects = tick(&mut panel, NOW + 400, &storage);
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Clear(Field::Search), Effect::Lock(Text::AutoLocked)]
        ),
        "{effects:?}"
    );
    // The tokens leave the panel at once; the lock's answer says so.
    assert!(panel.wallet().tokens().is_empty());
    assert!(view(&panel, &storage).code.is_none());
    let locked = Storage {
        list: Some(Problem::Locked),
        ..Storage::default()
    };
    panel.update(
        Outcome::Locked(Text::AutoLocked).done(Wallet::new()),
        NOW + 400,
        Lang::En,
        &locked,
    );
    let shown = view(&panel, &locked);
    assert!(shown.lock_shown);
    assert!(shown.message.contains("locked after a time without use"));
    assert!(!shown.guard.autolock_shown);
    // Locked, nothing locks again.
    assert!(!locks(&tick(&mut panel, NOW + 10_000, &locked)));
}

#[test]
fn the_chosen_idle_time_counts_and_any_use_restarts_it() {
    let storage = under_passphrase();
    let mut one = wallet(&[TOTP]);
    one.set_autolock(1).unwrap();
    let mut panel = ready(one.clone(), &storage);
    assert_eq!(view(&panel, &storage).guard.autolock_minutes, 1);
    tick(&mut panel, NOW, &storage);
    assert!(!locks(&tick(&mut panel, NOW + 59, &storage)));
    panel.update(Message::Search("x".into()), NOW + 59, Lang::En, &storage);
    assert!(!locks(&tick(&mut panel, NOW + 118, &storage)));
    assert!(locks(&tick(&mut panel, NOW + 119, &storage)));
    // Sixty minutes.
    let mut sixty = wallet(&[TOTP]);
    sixty.set_autolock(60).unwrap();
    let mut panel = ready(sixty, &storage);
    tick(&mut panel, NOW, &storage);
    assert!(!locks(&tick(&mut panel, NOW + 3599, &storage)));
    assert!(locks(&tick(&mut panel, NOW + 3600, &storage)));
}

#[test]
fn no_passphrase_unsaved_or_busy_lists_do_not_lock_by_themselves() {
    let mut panel = ready(wallet(&[TOTP]), &Storage::default());
    tick(&mut panel, NOW, &Storage::default());
    assert!(!locks(&tick(
        &mut panel,
        NOW + 100_000,
        &Storage::default()
    )));
    // Kept in memory only (storage failed): locking would lose it.
    let unsaved = Storage {
        list: Some(Problem::Failed),
        passphrase: true,
        ..Storage::default()
    };
    assert!(!locks(&tick(&mut panel, NOW + 100_000, &unsaved)));
    assert!(
        panel
            .update(Message::LockNow, NOW, Lang::En, &unsaved)
            .is_empty()
    );
    // Work under way ends first; the next second locks.
    let storage = under_passphrase();
    let mut panel = ready(wallet(&[TOTP]), &storage);
    tick(&mut panel, NOW, &storage);
    panel.update(Message::Rename("x".into()), NOW, Lang::En, &storage);
    assert!(!locks(&tick(&mut panel, NOW + 1000, &storage)));
    panel.update(
        Message::Done(wallet(&[TOTP]), None),
        NOW,
        Lang::En,
        &storage,
    );
    assert!(locks(&tick(&mut panel, NOW + 1000, &storage)));
    // A clock set back does not lock early.
    assert!(!autolock_due(NOW, NOW - 1000, 1));
}

#[test]
fn lock_now_locks_at_once_and_auto_lock_times_are_saved_with_the_list() {
    let storage = under_passphrase();
    let mut panel = ready(wallet(&[TOTP]), &storage);
    let effects = panel.update(Message::LockNow, NOW, Lang::En, &storage);
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Clear(Field::Search), Effect::Lock(Text::LockedNow)]
        ),
        "{effects:?}"
    );
    let mut panel = ready(wallet(&[TOTP]), &storage);
    let effects = panel.update(Message::SetAutoLock("15".into()), NOW, Lang::En, &storage);
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Apply(
                WalletOp::SetAutoLock(15),
                Some(Text::AutoLockSet)
            )]
        ),
        "{effects:?}"
    );
    let mut panel = ready(wallet(&[TOTP]), &storage);
    assert!(
        panel
            .update(Message::SetAutoLock("soon".into()), NOW, Lang::En, &storage)
            .is_empty()
    );
    assert!(view(&panel, &storage).message.contains("1, 5, 15 or 60"));
}

#[test]
fn the_auto_lock_controls_show_with_a_passphrase_only() {
    let panel = ready(wallet(&[TOTP]), &Storage::default());
    assert!(!view(&panel, &Storage::default()).guard.autolock_shown);
    let shown = view(&panel, &under_passphrase()).guard;
    assert!(shown.autolock_shown);
    assert_eq!(shown.autolock_minutes, 5);
}

// --- Clipboard ------------------------------------------------------------------------------

#[test]
fn a_copied_code_is_cleared_thirty_seconds_later_once() {
    let storage = Storage::default();
    let mut panel = ready(wallet(&[HOTP]), &storage);
    panel.update(Message::Copy, NOW, Lang::En, &storage);
    panel.update(Message::copied(true), NOW, Lang::En, &storage);
    assert!(tick(&mut panel, NOW + 29, &storage).is_empty());
    let effects = tick(&mut panel, NOW + 30, &storage);
    assert!(
        matches!(effects.as_slice(), [Effect::ClearClipboard(code)] if code.0.as_str() == RFC4226[0]),
        "{effects:?}"
    );
    assert!(tick(&mut panel, NOW + 31, &storage).is_empty(), "once");
    // A later copy restarts the time, with its own code.
    panel.update(Message::Copy, NOW + 40, Lang::En, &storage);
    panel.update(Message::Copy, NOW + 50, Lang::En, &storage);
    assert!(tick(&mut panel, NOW + 70, &storage).is_empty());
    assert_eq!(tick(&mut panel, NOW + 80, &storage).len(), 1);
}

#[test]
fn a_failed_copy_clears_nothing() {
    let storage = Storage::default();
    let mut panel = ready(wallet(&[TOTP]), &storage);
    panel.update(Message::Copy, NOW, Lang::En, &storage);
    panel.update(Message::copied(false), NOW, Lang::En, &storage);
    assert!(tick(&mut panel, NOW + 30, &storage).is_empty());
}

// --- Search ---------------------------------------------------------------------------------

const SIX: [&str; 6] = [
    "otpauth://totp/Mail:alice?secret=JBSWY3DPEHPK3PXA",
    "otpauth://totp/%E3%81%BF%E3%81%AA%E3%81%A8%E4%BF%A1%E9%87%91:taro?secret=JBSWY3DPEHPK3PXB",
    "otpauth://totp/Cloud:bob?secret=JBSWY3DPEHPK3PXC",
    "otpauth://totp/Shop:carol?secret=JBSWY3DPEHPK3PXD",
    "otpauth://totp/Games:dave?secret=JBSWY3DPEHPK3PXE",
    "otpauth://hotp/Work:erin?secret=JBSWY3DPEHPK3PXF&counter=1",
];

fn labels(view: &PanelView) -> Vec<String> {
    view.list.iter().map(|e| e.label.clone()).collect()
}

#[test]
fn the_search_field_shows_above_five_tokens_and_filters_the_list() {
    let storage = Storage::default();
    let mut panel = ready(wallet(&SIX[..5]), &storage);
    assert!(!view(&panel, &storage).guard.search_shown);
    // Typed while hidden, it filters nothing.
    panel.update(Message::Search("mail".into()), NOW, Lang::En, &storage);
    assert_eq!(view(&panel, &storage).list.len(), 5);
    let mut panel = ready(wallet(&SIX), &storage);
    assert!(view(&panel, &storage).guard.search_shown);
    assert_eq!(view(&panel, &storage).list.len(), 6);
    panel.update(Message::Search("ALICE".into()), NOW, Lang::En, &storage);
    assert_eq!(labels(&view(&panel, &storage)), ["token 0"]);
    // The issuer みなと信金: found in either kana, and by its kanji.
    for query in ["みなと", "ミナト", "信金"] {
        panel.update(Message::Search(query.into()), NOW, Lang::En, &storage);
        assert_eq!(labels(&view(&panel, &storage)), ["token 1"], "{query}");
    }
    panel.update(Message::Search("銀行".into()), NOW, Lang::En, &storage);
    assert!(view(&panel, &storage).list.is_empty());
    panel.update(Message::Search(" ".into()), NOW, Lang::En, &storage);
    assert_eq!(view(&panel, &storage).list.len(), 6);
    // The active token stays on show whatever the search.
    panel.update(Message::Search("zzz".into()), NOW, Lang::En, &storage);
    assert!(view(&panel, &storage).list.is_empty());
    assert!(view(&panel, &storage).active.is_some());
}

#[test]
fn presses_are_sent_as_activity_once_a_second_at_the_most() {
    assert!(active_due(None, 0.0));
    assert!(!active_due(Some(10_000.0), 10_999.0));
    assert!(active_due(Some(10_000.0), 11_000.0));
    // A clock set back by a second or more still sends one.
    assert!(active_due(Some(10_000.0), 8_999.0));
    assert!(!active_due(Some(10_000.0), 9_500.0));
}
