//! Tests of the token service: window, replay, lockout, resync, drift, stop, concurrency,
//! audit chain and persistence.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Barrier};

use proptest::prelude::*;

use super::*;
use webtoken_engine::input::CodeInputError;
use webtoken_engine::random::{FixedRandom, SeededRandom};
use webtoken_engine::{Algorithm, code_at_step, totp};

const PERIOD: u64 = 30;

fn rfc_secret() -> Secret {
    Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap()
}

fn token_id(serial: u32) -> TokenId {
    TokenId::generate("TEST", serial).unwrap()
}

/// A service with one credential (the RFC 4226 secret, the bank's parameters) issued at t = 0.
fn service_with(policy: Policy) -> (TokenService, TokenId) {
    let service = TokenService::new(MemoryStore::new(), policy).with_audit_key(test_key());
    let id = token_id(1);
    service
        .provision(id.clone(), rfc_secret(), Params::default(), 0)
        .unwrap();
    (service, id)
}

fn fresh() -> (TokenService, TokenId) {
    service_with(Policy::default())
}

fn code(step: u64) -> String {
    code_at_step(&rfc_secret(), step, &Params::default()).unwrap()
}

/// A six-digit code that is not the code of any step in `steps`.
fn wrong_code(steps: core::ops::RangeInclusive<u64>) -> String {
    let used: Vec<String> = steps.map(code).collect();
    // Start somewhere unremarkable, so that the code is not a substring of a Token ID.
    (314_159..)
        .map(|n: u32| format!("{n:06}"))
        .find(|candidate| !used.contains(candidate))
        .unwrap()
}

fn kinds(service: &TokenService, id: &TokenId) -> Vec<AuditKind> {
    service
        .audit_for(id)
        .into_iter()
        .map(|event| event.kind)
        .collect()
}

// ---- Window and boundaries ----

#[test]
fn at_t60_steps_1_2_3_are_accepted_and_0_4_rejected() {
    assert_eq!(Params::default().step(60), 2);
    for (step, expected) in [
        (0, Err(Rejected::Mismatch)),
        (1, Ok(Accepted { step: 1, drift: -1 })),
        (2, Ok(Accepted { step: 2, drift: 0 })),
        (3, Ok(Accepted { step: 3, drift: 1 })),
        (4, Err(Rejected::Mismatch)),
    ] {
        let (service, id) = fresh();
        assert_eq!(
            service.validate(&id, &code(step), 60),
            expected,
            "step {step}"
        );
    }
}

#[test]
fn codes_hold_for_their_whole_period() {
    for t in 0..30 {
        let (service, id) = fresh();
        assert_eq!(
            service.validate(&id, &code(0), t),
            Ok(Accepted { step: 0, drift: 0 }),
            "t={t}"
        );
    }
    for t in 30..60 {
        let (service, id) = fresh();
        assert_eq!(
            service.validate(&id, &code(1), t),
            Ok(Accepted { step: 1, drift: 0 }),
            "t={t}"
        );
    }
    let (service, id) = fresh();
    assert_eq!(
        service.validate(&id, &code(2), 60),
        Ok(Accepted { step: 2, drift: 0 })
    );
}

#[test]
fn near_zero_the_window_does_not_underflow() {
    // At t = 10 the window is steps -1..=1: step -1 does not exist and must not wrap around.
    let (service, id) = fresh();
    assert_eq!(
        service.validate(&id, &code(u64::MAX), 10),
        Err(Rejected::Mismatch)
    );
    assert_eq!(
        service.validate(&id, &code(0), 10),
        Ok(Accepted { step: 0, drift: 0 })
    );
    let (service, id) = fresh();
    assert_eq!(
        service.validate(&id, &code(1), 10),
        Ok(Accepted { step: 1, drift: 1 })
    );
    let (service, id) = fresh();
    assert_eq!(service.validate(&id, &code(2), 10), Err(Rejected::Mismatch));
}

#[test]
fn huge_times_work_without_overflow() {
    let t = 20_000_000_000;
    let (service, id) = fresh();
    // RFC 6238 Appendix B: 65353130 at T = 20000000000, so 353130 in six digits.
    assert_eq!(code(t / PERIOD), "353130");
    assert_eq!(
        service.validate(&id, "353130", t),
        Ok(Accepted {
            step: t / PERIOD,
            drift: 0
        })
    );

    let (service, id) = fresh();
    let last = u64::MAX / PERIOD;
    assert_eq!(
        service.validate(&id, &code(last), u64::MAX),
        Ok(Accepted {
            step: last,
            drift: 0
        })
    );

    // One-second steps put the current step at u64::MAX itself: the step after it does not exist.
    let service = TokenService::new(MemoryStore::new(), Policy::default());
    let params = Params {
        period: 1,
        ..Params::default()
    };
    let id = token_id(2);
    service
        .provision(id.clone(), rfc_secret(), params, 0)
        .unwrap();
    let at = |step| code_at_step(&rfc_secret(), step, &params).unwrap();
    assert_eq!(
        service.validate(&id, &at(u64::MAX - 1), u64::MAX),
        Ok(Accepted {
            step: u64::MAX - 1,
            drift: -1
        })
    );
    assert_eq!(
        service.validate(&id, &at(u64::MAX), u64::MAX),
        Ok(Accepted {
            step: u64::MAX,
            drift: 0
        })
    );
    assert_eq!(
        service.validate(&id, &at(u64::MAX), u64::MAX),
        Err(Rejected::Replayed)
    );
}

#[test]
fn wider_windows_are_configurable_and_bounded() {
    let (service, id) = service_with(Policy {
        window: 3,
        ..Policy::default()
    });
    // At t = 300 (step 10) with a window of 3, step 13 is accepted and 14 would not be.
    assert_eq!(
        service.validate(&id, &code(13), 300),
        Ok(Accepted { step: 13, drift: 3 })
    );
    assert_eq!(
        service.validate(&id, &code(17), 300),
        Err(Rejected::Mismatch),
        "the centre moved to 13, so 14..=16 are in reach but 17 is not"
    );
    let huge = TokenService::new(
        MemoryStore::new(),
        Policy {
            window: 1000,
            ..Policy::default()
        },
    );
    assert_eq!(huge.policy().window, MAX_WINDOW);
    assert!(
        Policy {
            window: 11,
            ..Policy::default()
        }
        .validate()
        .is_err()
    );
    assert!(Policy::default().validate().is_ok());
}

// ---- Replay ----

#[test]
fn the_same_code_twice_is_a_replay() {
    let (service, id) = fresh();
    let now = 1_000_000;
    let current = code(now / PERIOD);
    assert!(service.validate(&id, &current, now).is_ok());
    assert_eq!(
        service.validate(&id, &current, now),
        Err(Rejected::Replayed)
    );
    assert_eq!(
        service.validate(&id, &current, now + 5),
        Err(Rejected::Replayed)
    );
    assert_eq!(service.state(&id).unwrap().failures, 2, "replays count");
}

#[test]
fn an_older_code_after_a_newer_one_is_a_replay() {
    let (service, id) = fresh();
    assert_eq!(
        service.validate(&id, &code(3), 60),
        Ok(Accepted { step: 3, drift: 1 })
    );
    assert_eq!(service.validate(&id, &code(2), 60), Err(Rejected::Replayed));
    assert_eq!(service.validate(&id, &code(3), 90), Err(Rejected::Replayed));
    // The next step is fresh.
    assert_eq!(
        service.validate(&id, &code(4), 90),
        Ok(Accepted { step: 4, drift: 1 })
    );
}

#[test]
fn a_reformatted_copy_of_a_used_code_is_a_replay() {
    let (service, id) = fresh();
    let used = code(2);
    assert!(service.validate(&id, &used, 60).is_ok());
    let spaced = format!("{} {}", &used[..3], &used[3..]);
    let full_width: String = used
        .chars()
        .map(|c| char::from_u32(u32::from(c) - u32::from('0') + 0xff10).unwrap())
        .collect();
    let ideographic = format!("{}\u{3000}{}", &used[..3], &used[3..]);
    for copy in [spaced, full_width, ideographic, format!(" {used} ")] {
        assert_eq!(
            service.validate(&id, &copy, 61),
            Err(Rejected::Replayed),
            "{copy:?}"
        );
    }
}

#[test]
fn the_registration_code_cannot_be_used_again_to_log_in() {
    let (service, id) = fresh();
    let registration = code(40);
    assert!(service.validate(&id, &registration, 40 * PERIOD).is_ok());
    // Logging in a few seconds later with the code still on screen is a replay.
    assert_eq!(
        service.validate(&id, &registration, 40 * PERIOD + 10),
        Err(Rejected::Replayed)
    );
}

// ---- Lockout ----

#[test]
fn ten_wrong_codes_lock_and_then_the_right_code_is_still_rejected() {
    let (service, id) = fresh();
    let now = 600;
    let step = now / PERIOD;
    let wrong = wrong_code(step - 1..=step + 1);
    for attempt in 1..=10 {
        // The tenth wrong code locks the credential and is answered as locked.
        let expected_outcome = if attempt < 10 {
            Rejected::Mismatch
        } else {
            Rejected::LockedOut
        };
        assert_eq!(
            service.validate(&id, &wrong, now),
            Err(expected_outcome),
            "attempt {attempt}"
        );
        let state = service.state(&id).unwrap();
        assert_eq!(state.failures, attempt);
        let expected = if attempt < 10 {
            CredentialStatus::Active
        } else {
            CredentialStatus::Locked
        };
        assert_eq!(state.status, expected, "after attempt {attempt}");
    }
    assert_eq!(
        service.validate(&id, &code(step), now),
        Err(Rejected::LockedOut)
    );
    assert_eq!(
        service.validate(&id, &code(step + 1), now + PERIOD),
        Err(Rejected::LockedOut)
    );
    let state = service.state(&id).unwrap();
    assert_eq!(state.failures, 10, "locked rejections do not count further");
    assert_eq!(state.locked_at, Some(now));
    assert_eq!(state.last_step, None, "the right code was not accepted");
    assert!(kinds(&service, &id).contains(&AuditKind::Locked { failures: 10 }));
}

#[test]
fn a_success_resets_the_failure_count() {
    let (service, id) = fresh();
    let wrong = wrong_code(0..=30);
    for _ in 0..9 {
        assert_eq!(service.validate(&id, &wrong, 300), Err(Rejected::Mismatch));
    }
    assert_eq!(service.state(&id).unwrap().failures, 9);
    assert!(service.validate(&id, &code(10), 300).is_ok());
    assert_eq!(service.state(&id).unwrap().failures, 0);
    for _ in 0..9 {
        assert_eq!(service.validate(&id, &wrong, 330), Err(Rejected::Mismatch));
    }
    assert_eq!(
        service.state(&id).unwrap().status,
        CredentialStatus::Active,
        "nine failures after a success do not lock"
    );
}

#[test]
fn the_failure_limit_is_configurable() {
    let (service, id) = service_with(Policy {
        max_failures: 3,
        ..Policy::default()
    });
    let wrong = wrong_code(0..=3);
    for _ in 0..2 {
        assert_eq!(service.validate(&id, &wrong, 30), Err(Rejected::Mismatch));
    }
    assert_eq!(service.validate(&id, &wrong, 30), Err(Rejected::LockedOut));
    assert_eq!(service.state(&id).unwrap().status, CredentialStatus::Locked);
    assert_eq!(
        service.validate(&id, &code(1), 30),
        Err(Rejected::LockedOut)
    );
}

#[test]
fn malformed_input_is_rejected_and_does_not_count() {
    let (service, id) = fresh();
    assert_eq!(
        service.validate(&id, "12a456", 60),
        Err(Rejected::Malformed(CodeInputError::InvalidCharacter {
            character: 'a',
            position: 3,
            expected: 6
        }))
    );
    assert_eq!(
        service.validate(&id, &"1".repeat(1000), 60),
        Err(Rejected::Malformed(CodeInputError::TooLong))
    );
    assert_eq!(
        service.validate(&id, "", 60),
        Err(Rejected::Malformed(CodeInputError::Empty))
    );
    assert_eq!(service.state(&id).unwrap().failures, 0);
    // Malformed input changes nothing: the three are counted in one event.
    assert!(matches!(
        kinds(&service, &id).last(),
        Some(&AuditKind::Refused {
            attempt: Attempt::Validate,
            reason: RejectReason::Malformed,
            count: 3,
            ..
        })
    ));
}

#[test]
fn staff_unlock_after_the_cooldown() {
    let (service, id) = service_with(Policy {
        max_failures: 2,
        cooldown: Some(300),
        ..Policy::default()
    });
    let wrong = wrong_code(0..=40);
    service.validate(&id, &wrong, 1000).unwrap_err();
    service.validate(&id, &wrong, 1000).unwrap_err();
    assert_eq!(service.state(&id).unwrap().status, CredentialStatus::Locked);
    assert_eq!(
        service.unlock(&id, "staff-7", 1100),
        Err(ServiceError::CoolingDown {
            token_id: id.clone(),
            remaining: 200
        })
    );
    assert_eq!(service.state(&id).unwrap().status, CredentialStatus::Locked);
    service.unlock(&id, "staff-7", 1300).unwrap();
    let state = service.state(&id).unwrap();
    assert_eq!(state.status, CredentialStatus::Active);
    assert_eq!(state.failures, 0);
    assert_eq!(state.locked_at, None);
    assert_eq!(
        service.validate(&id, &code(1300 / PERIOD), 1300),
        Ok(Accepted {
            step: 1300 / PERIOD,
            drift: 0
        })
    );
    assert!(kinds(&service, &id).contains(&AuditKind::Unlocked {
        actor: "staff-7".to_owned()
    }));
}

#[test]
fn without_a_cooldown_staff_can_unlock_at_once() {
    let (service, id) = service_with(Policy {
        max_failures: 1,
        ..Policy::default()
    });
    service.validate(&id, &wrong_code(0..=2), 30).unwrap_err();
    assert_eq!(service.state(&id).unwrap().status, CredentialStatus::Locked);
    service.unlock(&id, "staff", 30).unwrap();
    assert!(service.validate(&id, &code(1), 30).is_ok());
    assert_eq!(
        service.unlock(&token_id(99), "staff", 30),
        Err(ServiceError::UnknownToken {
            token_id: token_id(99)
        })
    );
}

#[test]
fn unlocking_an_active_credential_is_refused_and_keeps_its_failures() {
    let (service, id) = fresh();
    let wrong = wrong_code(0..=2);
    for _ in 0..9 {
        assert_eq!(service.validate(&id, &wrong, 30), Err(Rejected::Mismatch));
    }
    assert_eq!(
        service.unlock(&id, "staff", 30),
        Err(ServiceError::NotLocked {
            token_id: id.clone()
        })
    );
    let state = service.state(&id).unwrap();
    assert_eq!(state.failures, 9, "the count is not cleared");
    assert_eq!(service.validate(&id, &wrong, 30), Err(Rejected::LockedOut));
}

// ---- Stop ----

#[test]
fn stopped_credentials_reject_everything() {
    let (service, id) = fresh();
    service
        .stop(&id, "staff-3", "token reported lost", 100)
        .unwrap();
    assert_eq!(
        service.validate(&id, &code(100 / PERIOD), 100),
        Err(Rejected::Stopped)
    );
    assert_eq!(
        service.resync(&id, &code(3), &code(4), 100),
        Err(Rejected::Stopped)
    );
    assert_eq!(
        service.unlock(&id, "staff-3", 100),
        Err(ServiceError::Stopped {
            token_id: id.clone()
        })
    );
    let state = service.state(&id).unwrap();
    assert_eq!(state.status, CredentialStatus::Stopped);
    assert_eq!(state.last_step, None);
    assert!(kinds(&service, &id).contains(&AuditKind::Stopped {
        actor: "staff-3".to_owned(),
        reason: "token reported lost".to_owned()
    }));
    assert_eq!(
        service.stop(&token_id(42), "staff", "", 100),
        Err(ServiceError::UnknownToken {
            token_id: token_id(42)
        })
    );
}

#[test]
fn unknown_tokens_are_rejected() {
    let (service, _) = fresh();
    assert_eq!(
        service.validate(&token_id(5), &code(2), 60),
        Err(Rejected::UnknownToken)
    );
    assert_eq!(service.state(&token_id(5)), None);
}

// ---- Drift and resync ----

#[test]
fn the_window_follows_a_drifting_clock() {
    let (service, id) = fresh();
    let base = 100 * PERIOD; // step 100
    // The token runs one step fast, then two, then three: each accepted code moves the centre.
    assert_eq!(
        service.validate(&id, &code(101), base),
        Ok(Accepted {
            step: 101,
            drift: 1
        })
    );
    assert_eq!(
        service.validate(&id, &code(103), base + PERIOD),
        Ok(Accepted {
            step: 103,
            drift: 2
        })
    );
    assert_eq!(
        service.validate(&id, &code(105), base + 2 * PERIOD),
        Ok(Accepted {
            step: 105,
            drift: 3
        })
    );
    assert_eq!(service.state(&id).unwrap().drift, 3);
    // Centred on +3, the clock's own step is now out of reach (only 104..=106 at step 102).
    let (fresh, fresh_id) = service_with(Policy::default());
    assert_eq!(
        fresh.validate(&fresh_id, &code(105), base + 2 * PERIOD),
        Err(Rejected::Mismatch),
        "without tracked drift, three steps ahead is rejected"
    );
    // And back: a slow token brings the centre down again.
    assert_eq!(
        service.validate(&id, &code(106), base + 4 * PERIOD),
        Ok(Accepted {
            step: 106,
            drift: 2
        })
    );
}

#[test]
fn tracked_drift_is_bounded() {
    let (service, id) = service_with(Policy {
        max_drift: 2,
        ..Policy::default()
    });
    assert!(service.validate(&id, &code(11), 300).is_ok()); // drift 1
    assert!(service.validate(&id, &code(13), 330).is_ok()); // drift 2
    assert_eq!(
        service.validate(&id, &code(15), 360),
        Ok(Accepted { step: 15, drift: 2 }),
        "an offset of 3 is accepted within the window but tracked as 2"
    );
    assert_eq!(
        service.validate(&id, &code(18), 390),
        Err(Rejected::Mismatch),
        "the centre stays at +2"
    );
}

#[test]
fn resync_recentres_the_drift_from_two_consecutive_codes() {
    let (service, id) = fresh();
    let now = 1000 * PERIOD; // step 1000
    // The token runs 50 steps fast: a single code is out of the window.
    assert_eq!(
        service.validate(&id, &code(1050), now),
        Err(Rejected::Mismatch)
    );
    assert_eq!(
        service.resync(&id, &code(1050), &code(1051), now),
        Ok(Accepted {
            step: 1051,
            drift: 51
        })
    );
    let state = service.state(&id).unwrap();
    assert_eq!(state.drift, 51);
    assert_eq!(state.failures, 0, "a resync resets the failure count");
    assert_eq!(state.last_step, Some(1051));
    // Now ordinary validation follows the token.
    assert_eq!(
        service.validate(&id, &code(1052), now + PERIOD),
        Ok(Accepted {
            step: 1052,
            drift: 51
        })
    );
    assert!(kinds(&service, &id).contains(&AuditKind::Resynced {
        step: 1051,
        drift: 51
    }));
}

#[test]
fn resync_works_for_slightly_slow_tokens_too() {
    let (service, id) = fresh();
    let now = 1000 * PERIOD;
    assert_eq!(
        service.resync(&id, &code(997), &code(998), now),
        Ok(Accepted {
            step: 998,
            drift: -2
        })
    );
}

/// Issue 19: with a password and three consecutive codes seen 49 minutes ago, a resync that
/// looked 100 steps back re-centred the window on them, and the third signed in. Resync looks
/// at most `resync_back` steps behind the clock, whatever the look-ahead.
#[test]
fn resync_cannot_move_the_window_back_beyond_its_bound() {
    let now = 1000 * PERIOD;
    let (service, id) = fresh();
    assert_eq!(Policy::default().resync_back, 2);
    // The codes of steps 901..=903, seen 49 minutes ago.
    assert_eq!(
        service.resync(&id, &code(901), &code(902), now),
        Err(Rejected::Mismatch)
    );
    assert_eq!(
        service.validate(&id, &code(903), now),
        Err(Rejected::Mismatch)
    );
    let state = service.state(&id).unwrap();
    assert_eq!(state.drift, 0, "the window did not move");
    assert_eq!(state.failures, 2, "the failed resync counts as a failure");
    // One step past the bound is refused, the bound itself accepted.
    assert_eq!(
        service.resync(&id, &code(996), &code(997), now),
        Err(Rejected::Mismatch)
    );
    assert!(service.resync(&id, &code(997), &code(998), now).is_ok());
    assert_eq!(
        service.state(&id).unwrap().failures,
        0,
        "a success clears the count"
    );
    // The bound is part of the policy's checks.
    let too_far = Policy {
        resync_back: MAX_RESYNC_BACK + 1,
        ..Policy::default()
    };
    assert!(too_far.validate().is_err());
    assert_eq!(too_far.bounded().resync_back, MAX_RESYNC_BACK);
}

#[test]
fn resync_rejects_bad_pairs() {
    let (service, id) = fresh();
    let now = 1000 * PERIOD;
    // Not consecutive.
    assert_eq!(
        service.resync(&id, &code(1050), &code(1052), now),
        Err(Rejected::Mismatch)
    );
    // In the wrong order.
    assert_eq!(
        service.resync(&id, &code(1051), &code(1050), now),
        Err(Rejected::Mismatch)
    );
    // Beyond the look-ahead of 100 steps.
    assert_eq!(
        service.resync(&id, &code(1101), &code(1102), now),
        Err(Rejected::Mismatch)
    );
    assert_eq!(service.state(&id).unwrap().failures, 3);
    assert_eq!(
        service.resync(&id, "12345", &code(1051), now),
        Err(Rejected::Malformed(CodeInputError::WrongLength {
            expected: 6,
            found: 5
        }))
    );
    assert!(service.resync(&id, &code(1050), &code(1051), now).is_ok());
    // The same pair again, or a pair that starts at the last accepted step, is a replay.
    assert_eq!(
        service.resync(&id, &code(1050), &code(1051), now),
        Err(Rejected::Replayed)
    );
    assert_eq!(
        service.resync(&id, &code(1051), &code(1052), now),
        Err(Rejected::Replayed)
    );
    assert_eq!(
        kinds(&service, &id).last(),
        Some(&AuditKind::ResyncRejected {
            reason: RejectReason::Replayed
        })
    );
    // The pair that starts after it is fresh.
    assert!(service.resync(&id, &code(1052), &code(1053), now).is_ok());
}

#[test]
fn resync_reaches_exactly_the_look_ahead() {
    let now = 1000 * PERIOD;
    // The second code may be at most 100 steps ahead of the clock.
    let (service, id) = fresh();
    assert_eq!(
        service.resync(&id, &code(1099), &code(1100), now),
        Ok(Accepted {
            step: 1100,
            drift: 100
        })
    );
    let (service, id) = fresh();
    assert_eq!(
        service.resync(&id, &code(1100), &code(1101), now),
        Err(Rejected::Mismatch)
    );
    // Behind the clock, at most `resync_back` (2) steps.
    let (service, id) = fresh();
    assert_eq!(
        service.resync(&id, &code(997), &code(998), now),
        Ok(Accepted {
            step: 998,
            drift: -2
        })
    );
    let (service, id) = fresh();
    assert_eq!(
        service.resync(&id, &code(996), &code(997), now),
        Err(Rejected::Mismatch)
    );
}

#[test]
fn resync_near_step_zero_does_not_underflow() {
    let (service, id) = fresh();
    assert_eq!(
        service.resync(&id, &code(0), &code(1), 10),
        Ok(Accepted { step: 1, drift: 1 })
    );
    let (service, id) = fresh();
    assert_eq!(
        service.resync(&id, &code(u64::MAX), &code(0), 10),
        Err(Rejected::Mismatch)
    );
}

#[test]
fn resync_while_locked_is_rejected() {
    let (service, id) = service_with(Policy {
        max_failures: 1,
        ..Policy::default()
    });
    service.validate(&id, &wrong_code(0..=2), 30).unwrap_err();
    assert_eq!(
        service.resync(&id, &code(1), &code(2), 30),
        Err(Rejected::LockedOut)
    );
}

// ---- Concurrency ----

#[test]
fn fifty_concurrent_validations_of_one_code_accept_exactly_one() {
    let (service, id) = fresh();
    let service = Arc::new(service);
    let now = 5_000 * PERIOD;
    let current = code(5_000);
    let barrier = Arc::new(Barrier::new(50));
    let outcomes: Vec<Result<Accepted, Rejected>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..50)
            .map(|_| {
                let service = Arc::clone(&service);
                let barrier = Arc::clone(&barrier);
                let id = id.clone();
                let current = current.clone();
                scope.spawn(move || {
                    barrier.wait();
                    service.validate(&id, &current, now)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let count = |wanted: &Result<Accepted, Rejected>| {
        outcomes.iter().filter(|outcome| *outcome == wanted).count()
    };
    let accepted = Ok(Accepted {
        step: 5_000,
        drift: 0,
    });
    assert_eq!(count(&accepted), 1, "{outcomes:?}");
    // The losers see the step already used; replays count as failures, so the tenth locks the
    // credential (and is answered as locked) and the rest find it locked.
    assert_eq!(count(&Err(Rejected::Replayed)), 9, "{outcomes:?}");
    assert_eq!(count(&Err(Rejected::LockedOut)), 40, "{outcomes:?}");
    assert_eq!(service.state(&id).unwrap().last_step, Some(5_000));
    let accepted_events = kinds(&service, &id)
        .into_iter()
        .filter(|kind| matches!(kind, AuditKind::Accepted { .. }))
        .count();
    assert_eq!(accepted_events, 1);
    assert!(service.verify_audit().is_ok());
}

#[test]
fn a_stale_compare_and_set_fails() {
    let store = MemoryStore::new();
    let id = token_id(1);
    let params = Params::default();
    store
        .insert(
            Credential::new(rfc_secret(), params).unwrap(),
            CredentialState::new(id.clone(), params, 0),
        )
        .unwrap();
    let first = store.load(&id).unwrap();
    let second = store.load(&id).unwrap();
    let mut next = first.state.clone();
    next.last_step = Some(7);
    assert_eq!(
        store.compare_and_set(&id, first.version, next.clone()),
        Ok(1)
    );
    assert_eq!(
        store.compare_and_set(&id, second.version, second.state.clone()),
        Err(StoreError::Conflict)
    );
    let mut other_params = next.clone();
    other_params.params.digits = 8;
    assert_eq!(
        store.compare_and_set(&id, 1, other_params),
        Err(StoreError::Immutable)
    );
    assert_eq!(store.load(&id).unwrap().state.last_step, Some(7));
    assert_eq!(
        store.insert(
            Credential::new(rfc_secret(), params).unwrap(),
            CredentialState::new(id.clone(), params, 0)
        ),
        Err(StoreError::AlreadyExists)
    );
}

// ---- Issue ----

/// The bytes of one issue attempt: the serial's 4 bytes (big-endian), then the 20-byte secret.
fn attempt(serial: u32, secret: &[u8]) -> Vec<u8> {
    let mut bytes = serial.to_be_bytes().to_vec();
    bytes.extend_from_slice(secret);
    bytes
}

#[test]
fn issue_from_known_bytes_gives_a_known_token_id_and_secret() {
    let secret: Vec<u8> = (1..=20).collect();
    let mut bytes = attempt(42, &secret);
    // 2^32 - 1 is reduced modulo 10^7 to a seven-digit serial.
    bytes.extend(attempt(u32::MAX, &[0xab; 20]));
    let service = TokenService::new(MemoryStore::new(), Policy::default())
        .with_random(FixedRandom::new(bytes));
    let issued = service.issue(1_700_000_000).unwrap();
    assert_eq!(issued.token_id, TokenId::generate(TOKEN_MODEL, 42).unwrap());
    assert_eq!(issued.token_id.to_string(), "WBTK00000422");
    assert_eq!(issued.secret.as_bytes(), &secret[..]);
    let second = service.issue(1_700_000_000).unwrap();
    assert_eq!(
        second.token_id,
        TokenId::generate(TOKEN_MODEL, 4_967_295).unwrap()
    );
    assert_eq!(second.secret.as_bytes(), &[0xab; 20]);
}

#[test]
fn issue_draws_again_when_the_serial_is_taken() {
    let first: Vec<u8> = (1..=20).collect();
    let second: Vec<u8> = (21..=40).collect();
    let mut bytes = attempt(42, &first);
    bytes.extend(attempt(42, &[0xee; 20]));
    bytes.extend(attempt(43, &second));
    let service = TokenService::new(MemoryStore::new(), Policy::default())
        .with_random(FixedRandom::new(bytes));
    service.issue(0).unwrap();
    let issued = service.issue(0).unwrap();
    assert_eq!(issued.token_id, TokenId::generate(TOKEN_MODEL, 43).unwrap());
    assert_eq!(issued.secret.as_bytes(), &second[..]);
    assert_eq!(service.snapshot().credentials.len(), 2);
}

#[test]
fn issue_from_a_failing_source_is_a_typed_error_and_records_nothing() {
    // No bytes at all, then a serial but no secret.
    for bytes in [Vec::new(), 42_u32.to_be_bytes().to_vec()] {
        let service = TokenService::new(MemoryStore::new(), Policy::default())
            .with_random(FixedRandom::new(bytes));
        let error = service.issue(0).unwrap_err();
        assert!(
            matches!(error, ServiceError::Engine(EngineError::Random { .. })),
            "{error:?}"
        );
        let snapshot = service.snapshot();
        assert!(snapshot.credentials.is_empty());
        assert!(snapshot.audit.is_empty());
    }
}

#[test]
fn services_with_the_same_seed_issue_the_same_credentials() {
    let issue = |seed| {
        TokenService::new(MemoryStore::new(), Policy::default())
            .with_random(SeededRandom::new(seed))
            .issue(0)
            .unwrap()
    };
    let (a, b, c) = (issue(1), issue(1), issue(2));
    assert_eq!((&a.token_id, &a.secret), (&b.token_id, &b.secret));
    assert_ne!(a.token_id, c.token_id);
    assert_ne!(a.secret, c.secret);
}

#[test]
fn issued_credentials_follow_the_bank_model() {
    let service = TokenService::new(MemoryStore::new(), Policy::default());
    let issued = service.issue(1_700_000_000).unwrap();
    assert_eq!(issued.token_id.prefix(), TOKEN_MODEL);
    assert_eq!(issued.secret.as_bytes().len(), 20);
    assert_eq!(issued.params, Params::default());
    assert_eq!(issued.params.algorithm, Algorithm::Sha1);
    // The Token ID's check digit holds: it parses back from its grouped form.
    assert_eq!(
        TokenId::parse(&issued.token_id.grouped()).unwrap(),
        issued.token_id
    );
    let state = service.state(&issued.token_id).unwrap();
    assert_eq!(state.status, CredentialStatus::Active);
    assert_eq!(state.issued_at, 1_700_000_000);
    let second = service.issue(1_700_000_000).unwrap();
    assert_ne!(second.token_id, issued.token_id);
    assert_ne!(second.secret, issued.secret);
    let now = 1_700_000_100;
    let shown = totp(&issued.secret, now, &issued.params).unwrap();
    assert!(service.validate(&issued.token_id, &shown, now).is_ok());
    assert_eq!(
        kinds(&service, &issued.token_id).first(),
        Some(&AuditKind::Issued {
            algorithm: Algorithm::Sha1,
            digits: 6,
            period: 30
        })
    );
}

#[test]
fn provisioning_a_taken_token_id_fails() {
    let (service, id) = fresh();
    assert_eq!(
        service.provision(id, rfc_secret(), Params::default(), 0),
        Err(ServiceError::Store(StoreError::AlreadyExists))
    );
    assert_eq!(
        service.provision(
            token_id(3),
            rfc_secret(),
            Params {
                digits: 9,
                ..Params::default()
            },
            0
        ),
        Err(ServiceError::Engine(EngineError::UnsupportedDigits {
            digits: 9
        }))
    );
}

// ---- Audit ----

/// The audit key of the tests' services (a caller keeps its own apart from the records).
fn test_key() -> AuditKey {
    AuditKey::from_bytes([0x5a; 32])
}

/// A log with every kind of event, for the chain tests.
fn busy_service() -> (TokenService, TokenId) {
    let (service, id) = service_with(Policy {
        max_failures: 2,
        ..Policy::default()
    });
    service.validate(&id, &code(2), 60).unwrap();
    service.validate(&id, &code(2), 61).unwrap_err();
    service.validate(&id, "abc", 62).unwrap_err();
    service.validate(&id, &wrong_code(1..=3), 63).unwrap_err();
    service.unlock(&id, "staff-1", 64).unwrap();
    service.resync(&id, &code(10), &code(11), 65).unwrap();
    service.stop(&id, "staff-2", "lost", 66).unwrap();
    (service, id)
}

/// `snapshot` restored under the tests' key, checked against `seal`.
fn restore(snapshot: Snapshot, seal: Option<&AuditSeal>) -> Result<TokenService, ServiceError> {
    TokenService::restore(
        MemoryStore::new(),
        Policy::default(),
        snapshot,
        test_key(),
        seal,
    )
}

/// What a restore of `snapshot` with `seal` finds wrong with its audit log.
fn chain_problem(snapshot: Snapshot, seal: &AuditSeal) -> Option<ChainError> {
    match restore(snapshot, Some(seal)) {
        Ok(_) => None,
        Err(ServiceError::AuditChain(error)) => Some(error),
        Err(other) => panic!("not an audit error: {other:?}"),
    }
}

/// Rebuilds the links and hashes of `events` from position `from` on, numbering them again
/// from their position, as someone who edited the stored records would: with `hash`, which is
/// not the service's MAC (they do not have its key).
fn rebuild(events: &mut [AuditEvent], from: usize, hash: impl Fn(&AuditEvent) -> ChainHash) {
    let first_seq = events[0].seq;
    for index in from..events.len() {
        events[index].seq = first_seq + index as u64;
        events[index].prev_hash = if index == 0 {
            events[0].prev_hash
        } else {
            events[index - 1].hash
        };
        events[index].hash = hash(&events[index]);
    }
}

/// A different key's MAC, over the very encoding the service uses.
fn other_key_mac(event: &AuditEvent) -> ChainHash {
    audit::event_hash(
        &AuditKey::from_bytes([0x11; 32]),
        event.seq,
        event.time,
        event.token_id.as_ref(),
        &event.kind,
        &event.prev_hash,
    )
}

/// Plain SHA-256 over the event's JSON (the unkeyed chain of old).
fn plain_sha256(event: &AuditEvent) -> ChainHash {
    use sha2::Digest;
    let mut unhashed = event.clone();
    unhashed.hash = GENESIS_HASH;
    sha2::Sha256::digest(webtoken_engine::json::to_string(&unhashed).as_bytes()).into()
}

#[test]
fn every_operation_is_audited_without_secrets_or_codes() {
    let (service, id) = busy_service();
    service.validate(&id, &code(12), 67).unwrap_err();
    assert_eq!(
        kinds(&service, &id),
        vec![
            AuditKind::Issued {
                algorithm: Algorithm::Sha1,
                digits: 6,
                period: 30
            },
            AuditKind::Accepted { step: 2, drift: 0 },
            AuditKind::Rejected {
                reason: RejectReason::Replayed
            },
            AuditKind::Refused {
                attempt: Attempt::Validate,
                reason: RejectReason::Malformed,
                count: 1,
                last: 62
            },
            AuditKind::Rejected {
                reason: RejectReason::Mismatch
            },
            AuditKind::Locked { failures: 2 },
            AuditKind::Unlocked {
                actor: "staff-1".to_owned()
            },
            AuditKind::Resynced { step: 11, drift: 9 },
            AuditKind::Stopped {
                actor: "staff-2".to_owned(),
                reason: "lost".to_owned()
            },
            AuditKind::Refused {
                attempt: Attempt::Validate,
                reason: RejectReason::Stopped,
                count: 1,
                last: 67
            },
        ]
    );
    // Blank the hashes (hex digits could contain anything) and look at what is left.
    let mut events = service.audit();
    for event in &mut events {
        event.hash = [0xaa; 32];
        event.prev_hash = [0xaa; 32];
    }
    let json = serde_json::to_string(&events).unwrap();
    for secret_or_code in [
        rfc_secret().to_base32(),
        code(2),
        code(10),
        code(11),
        code(12),
        wrong_code(1..=3),
        "12345678901234567890".to_owned(),
    ] {
        assert!(!json.contains(&secret_or_code), "{secret_or_code} leaked");
    }
    let first = &service.audit()[0];
    assert_eq!(first.seq, 0);
    assert_eq!(first.prev_hash, GENESIS_HASH);
    assert_eq!(service.audit_head(), service.audit().last().unwrap().hash);
    let seal = service.audit_seal();
    assert_eq!((seal.count, seal.rotated), (10, 0));
    assert_eq!(seal.head, service.audit_head());
}

#[test]
fn the_audit_chain_verifies_under_its_key_and_seal() {
    let (service, _) = busy_service();
    let (snapshot, seal) = service.sealed_snapshot();
    assert_eq!(snapshot.audit.len(), 9);
    assert_eq!(snapshot.checkpoint, Some(Checkpoint::genesis(&test_key())));
    assert_eq!(
        verify_chain(
            &snapshot.audit,
            snapshot.checkpoint.as_ref().unwrap(),
            &test_key(),
            Some(&seal)
        ),
        Ok(())
    );
    assert_eq!(service.verify_audit(), Ok(()));
    let empty = Checkpoint::genesis(&test_key());
    assert_eq!(verify_chain(&[], &empty, &test_key(), None), Ok(()));
    // The JSON of the seal, as the caller stores it, reads back.
    let text = webtoken_engine::json::to_string(&seal);
    assert_eq!(
        webtoken_engine::json::from_str::<AuditSeal>(&text).unwrap(),
        seal
    );
    assert_eq!(serde_json::to_string(&seal).unwrap(), *text);
}

#[test]
fn a_rewritten_event_is_detected_on_restore() {
    let (service, _) = busy_service();
    let (snapshot, seal) = service.sealed_snapshot();

    let mut edited = snapshot.clone();
    edited.audit[4].time += 1;
    assert_eq!(
        chain_problem(edited, &seal),
        Some(ChainError::Rewritten { seq: 4 })
    );

    let mut edited = snapshot.clone();
    edited.audit[6].kind = AuditKind::Unlocked {
        actor: "someone-else".to_owned(),
    };
    assert_eq!(
        chain_problem(edited, &seal),
        Some(ChainError::Rewritten { seq: 6 })
    );

    let mut edited = snapshot.clone();
    edited.audit[1].token_id = Some(token_id(2));
    assert_eq!(
        chain_problem(edited, &seal),
        Some(ChainError::Rewritten { seq: 1 })
    );

    // A refusal count lowered, and its hashes rebuilt without the key.
    let mut edited = snapshot.clone();
    edited.audit[3].kind = AuditKind::Refused {
        attempt: Attempt::Validate,
        reason: RejectReason::Malformed,
        count: 0,
        last: 62,
    };
    rebuild(&mut edited.audit, 3, other_key_mac);
    assert_eq!(
        chain_problem(edited, &seal),
        Some(ChainError::Rewritten { seq: 3 })
    );

    // A fresh hash of its own breaks its MAC; a link to nowhere breaks the next.
    let mut edited = snapshot.clone();
    edited.audit[5].hash = [7; 32];
    assert_eq!(
        chain_problem(edited, &seal),
        Some(ChainError::Rewritten { seq: 5 })
    );
    let mut edited = snapshot;
    edited.audit[7].prev_hash = [0; 32];
    assert_eq!(
        chain_problem(edited, &seal),
        Some(ChainError::Rewritten { seq: 7 })
    );
}

#[test]
fn events_deleted_from_the_middle_are_detected_even_with_the_chain_rebuilt() {
    let (service, _) = busy_service();
    let (snapshot, seal) = service.sealed_snapshot();

    // Deleted, nothing else done: the gap shows.
    let mut deleted = snapshot.clone();
    deleted.audit.drain(4..6);
    assert_eq!(
        chain_problem(deleted, &seal),
        Some(ChainError::Missing { from: 4, to: 5 })
    );
    // The lock and its failure deleted, numbers kept, hashes rebuilt with another key.
    let mut deleted = snapshot.clone();
    deleted.audit.drain(4..6);
    let tail_seqs: Vec<u64> = deleted.audit.iter().map(|e| e.seq).collect();
    rebuild(&mut deleted.audit, 4, other_key_mac);
    for (event, seq) in deleted.audit.iter_mut().zip(&tail_seqs) {
        event.seq = *seq;
    }
    assert_eq!(
        chain_problem(deleted, &seal),
        Some(ChainError::Missing { from: 4, to: 5 })
    );
    // Renumbered and rebuilt by hand with another key, or with plain SHA-256, from the cut on
    // or from the start: the first event not MACed under the service's key is named.
    for (from, hash) in [
        (4, other_key_mac as fn(&AuditEvent) -> ChainHash),
        (4, plain_sha256),
        (0, other_key_mac),
        (0, plain_sha256),
    ] {
        let mut rebuilt = snapshot.clone();
        rebuilt.audit.drain(4..6);
        rebuild(&mut rebuilt.audit, from, hash);
        assert_eq!(
            chain_problem(rebuilt.clone(), &seal),
            Some(ChainError::Rewritten { seq: from as u64 }),
            "rebuilt from {from}"
        );
        // Without the seal, the MACs still give it away.
        assert!(matches!(
            restore(rebuilt, None),
            Err(ServiceError::AuditChain(ChainError::Rewritten { .. }))
        ));
    }
}

#[test]
fn events_cut_off_the_end_are_detected_by_the_seal() {
    let (service, _) = busy_service();
    let (snapshot, seal) = service.sealed_snapshot();
    // The unlock, the resync and the stop cut off: what is left is a valid chain ...
    let mut cut = snapshot.clone();
    cut.audit.truncate(6);
    assert!(
        restore(cut.clone(), None).is_ok(),
        "no chain shows its own end"
    );
    // ... which the seal kept apart refuses.
    assert_eq!(
        chain_problem(cut, &seal),
        Some(ChainError::Truncated {
            expected_count: 9,
            found: 6
        })
    );
    // Everything cut.
    let mut cut = snapshot;
    cut.audit.clear();
    assert_eq!(
        chain_problem(cut, &seal),
        Some(ChainError::Truncated {
            expected_count: 9,
            found: 0
        })
    );
}

#[test]
fn reordered_events_are_detected() {
    let (service, _) = busy_service();
    let (snapshot, seal) = service.sealed_snapshot();
    let mut reordered = snapshot.clone();
    reordered.audit.swap(2, 5);
    assert_eq!(
        chain_problem(reordered, &seal),
        Some(ChainError::Reordered { seq: 3 })
    );
    let mut duplicated = snapshot;
    let copy = duplicated.audit[4].clone();
    duplicated.audit.insert(5, copy);
    assert_eq!(
        chain_problem(duplicated, &seal),
        Some(ChainError::Reordered { seq: 4 })
    );
}

#[test]
fn a_log_that_is_not_the_sealed_one_is_detected() {
    let (service, id) = busy_service();
    let (old, old_seal) = service.sealed_snapshot();
    // Events added after the seal (or an older seal kept with newer records).
    service.validate(&id, &code(20), 700).unwrap_err();
    let (newer, seal) = service.sealed_snapshot();
    assert_eq!(
        chain_problem(newer.clone(), &old_seal),
        Some(ChainError::HeadMismatch)
    );
    // A refusal counted in place: same number of events, another head. The older log with
    // the newer seal is a rollback of the count.
    service.validate(&id, &code(20), 701).unwrap_err();
    let (counted, counted_seal) = service.sealed_snapshot();
    assert_eq!(counted.audit.len(), newer.audit.len());
    assert_eq!(
        chain_problem(newer.clone(), &counted_seal),
        Some(ChainError::HeadMismatch)
    );
    assert_eq!(chain_problem(counted, &counted_seal), None);
    assert_eq!(chain_problem(old, &old_seal), None);

    // A seal made up for a shorter log.
    let mut forged = seal.clone();
    forged.count -= 2;
    forged.head = newer.audit[newer.audit.len() - 3].hash;
    assert_eq!(
        chain_problem(newer.clone(), &forged),
        Some(ChainError::SealForged)
    );
    // The oldest events dropped as if rotated out.
    let mut dropped = newer.clone();
    let removed: Vec<AuditEvent> = dropped.audit.drain(..3).collect();
    let checkpoint = dropped.checkpoint.as_mut().unwrap();
    checkpoint.rotated = 3;
    checkpoint.head = removed[2].hash;
    assert_eq!(
        chain_problem(dropped.clone(), &seal),
        Some(ChainError::CheckpointMismatch {
            expected: 0,
            found: 3
        })
    );
    // Dropped without a checkpoint: missing from the start.
    let mut dropped = newer;
    dropped.audit.drain(..3);
    assert_eq!(
        chain_problem(dropped, &seal),
        Some(ChainError::Missing { from: 0, to: 2 })
    );
}

#[test]
fn a_log_under_another_key_is_told_apart() {
    let (service, _) = busy_service();
    let (snapshot, seal) = service.sealed_snapshot();
    assert!(matches!(
        TokenService::restore(
            MemoryStore::new(),
            Policy::default(),
            snapshot.clone(),
            AuditKey::from_bytes([0x11; 32]),
            Some(&seal),
        ),
        Err(ServiceError::AuditChain(ChainError::KeyMismatch))
    ));
    // Rebuilt under another key with the right key id copied in: every MAC fails.
    let mut rebuilt = snapshot;
    rebuild(&mut rebuilt.audit, 0, other_key_mac);
    assert_eq!(
        chain_problem(rebuilt, &seal),
        Some(ChainError::Rewritten { seq: 0 })
    );
    // Random keys differ between services.
    let a = TokenService::new(MemoryStore::new(), Policy::default());
    let b = TokenService::new(MemoryStore::new(), Policy::default());
    assert_ne!(
        a.snapshot().checkpoint.unwrap().key_id,
        b.snapshot().checkpoint.unwrap().key_id
    );
    assert!(!format!("{:?}", test_key()).contains("5a5a"));
}

#[test]
fn chain_errors_say_what_is_wrong() {
    for (error, text) in [
        (
            ChainError::Rewritten { seq: 4 },
            "audit event 4 does not verify: it was altered after it was written",
        ),
        (
            ChainError::Missing { from: 4, to: 5 },
            "audit events 4 to 5 are missing: they were deleted",
        ),
        (
            ChainError::Missing { from: 3, to: 3 },
            "audit event 3 is missing: it was deleted",
        ),
        (
            ChainError::Truncated {
                expected_count: 9,
                found: 6,
            },
            "the audit log ends early: 9 events were written, 6 remain; the last ones were cut off",
        ),
        (
            ChainError::Reordered { seq: 3 },
            "audit event 3 is out of order: events were moved",
        ),
    ] {
        assert_eq!(error.to_string(), text);
        assert_eq!(
            ServiceError::AuditChain(error.clone()).to_string(),
            text,
            "{error:?}"
        );
    }
}

// ---- A bounded audit ----

/// The sum of the counts of the refusals matching `reason` and `token_id` in `events`.
fn refused(events: &[AuditEvent], token_id: Option<&TokenId>, reason: RejectReason) -> u64 {
    events
        .iter()
        .filter(|event| event.token_id.as_ref() == token_id)
        .map(|event| match event.kind {
            AuditKind::Refused {
                reason: found,
                count,
                ..
            } if found == reason => count,
            _ => 0,
        })
        .sum()
}

#[test]
fn a_flood_of_refused_codes_is_counted_not_listed() {
    let (service, locked) = service_with(Policy {
        max_failures: 1,
        ..Policy::default()
    });
    let stopped = token_id(2);
    let active = token_id(3);
    for id in [&stopped, &active] {
        service
            .provision(id.clone(), rfc_secret(), Params::default(), 0)
            .unwrap();
    }
    service.stop(&stopped, "staff", "lost", 1).unwrap();
    assert_eq!(
        service.validate(&locked, &wrong_code(0..=3), 30),
        Err(Rejected::LockedOut)
    );
    let before = service.snapshot();
    let events_before = before.audit.len();

    // 100,000 refused validations over about 17 minutes: unknown Token IDs (5,000 of them),
    // the locked credential, the stopped one, and malformed codes for the active one.
    let start = 120;
    let (mut unknown, mut locked_out, mut stopped_out, mut malformed) = (0, 0, 0, 0);
    for i in 0..100_000_u32 {
        let now = start + u64::from(i / 100);
        match i % 4 {
            0 | 1 => {
                let id = token_id(10_000 + i % 5_000);
                assert_eq!(
                    service.validate(&id, "123456", now),
                    Err(Rejected::UnknownToken)
                );
                unknown += 1;
            }
            2 if i % 8 == 2 => {
                assert_eq!(
                    service.validate(&locked, &code(now / PERIOD), now),
                    Err(Rejected::LockedOut)
                );
                locked_out += 1;
            }
            2 => {
                assert_eq!(
                    service.validate(&stopped, "123456", now),
                    Err(Rejected::Stopped)
                );
                stopped_out += 1;
            }
            _ => {
                assert!(matches!(
                    service.validate(&active, "12345x", now),
                    Err(Rejected::Malformed(_))
                ));
                malformed += 1;
            }
        }
    }

    let (snapshot, seal) = service.sealed_snapshot();
    let json = snapshot.to_json().unwrap();
    assert!(json.len() < 64 * 1024, "{} bytes", json.len());
    let minutes = (start + 1_000) / 60 - start / 60 + 1;
    assert!(
        snapshot.audit.len() - events_before <= 4 * minutes as usize,
        "{} events",
        snapshot.audit.len()
    );
    let events = &snapshot.audit;
    assert_eq!(refused(events, None, RejectReason::UnknownToken), unknown);
    assert_eq!(
        refused(events, Some(&locked), RejectReason::LockedOut),
        locked_out
    );
    assert_eq!(
        refused(events, Some(&stopped), RejectReason::Stopped),
        stopped_out
    );
    assert_eq!(
        refused(events, Some(&active), RejectReason::Malformed),
        malformed
    );
    assert_eq!(unknown + locked_out + stopped_out + malformed, 100_000);

    // Readable back, every credential intact.
    let text: Snapshot = webtoken_engine::json::from_str(&json).unwrap();
    let restored = restore(text, Some(&seal)).unwrap();
    assert_eq!(restored.snapshot().credentials, before.credentials);
    assert_eq!(restored.audit(), service.audit());
    assert!(
        restored
            .validate(&active, &code(5_000), 5_000 * PERIOD)
            .is_ok()
    );
}

#[test]
fn the_log_rotates_within_its_budget_and_the_chain_goes_on() {
    // 20 locked credentials (more than the refusals looked for in place) asked in turn, one
    // minute apart: every refusal is an event of its own.
    let service = TokenService::new(
        MemoryStore::new(),
        Policy {
            max_failures: 1,
            ..Policy::default()
        },
    )
    .with_audit_key(test_key());
    let ids: Vec<TokenId> = (1..=20).map(token_id).collect();
    for id in &ids {
        service
            .provision(id.clone(), rfc_secret(), Params::default(), 0)
            .unwrap();
        assert_eq!(
            service.validate(id, &wrong_code(0..=2), 30),
            Err(Rejected::LockedOut)
        );
    }
    let credentials = service.snapshot().credentials;
    let written_before = service.audit_seal().count;
    for i in 0..100_000_u64 {
        let id = &ids[(i % 20) as usize];
        let now = 60 + i * 60;
        assert_eq!(
            service.validate(id, "123456", now),
            Err(Rejected::LockedOut)
        );
        if i % 10_000 == 0 {
            // The writer's check holds all along.
            assert!(service.snapshot().to_json().is_ok());
        }
    }
    let (snapshot, seal) = service.sealed_snapshot();
    assert_eq!(seal.count, written_before + 100_000);
    assert!(snapshot.audit.len() <= MAX_AUDIT_EVENTS);
    let checkpoint = snapshot.checkpoint.clone().unwrap();
    assert_eq!(checkpoint.rotated + snapshot.audit.len() as u64, seal.count);
    assert_eq!(snapshot.audit[0].seq, checkpoint.rotated);
    assert_eq!(snapshot.audit[0].prev_hash, checkpoint.head);
    let json = snapshot.to_json().unwrap();
    assert!(json.len() <= MAX_SNAPSHOT_BYTES);
    let events_json = webtoken_engine::json::to_string(&snapshot.audit);
    assert!(
        events_json.len() <= MAX_AUDIT_BYTES,
        "{}",
        events_json.len()
    );

    let restored = restore(webtoken_engine::json::from_str(&json).unwrap(), Some(&seal)).unwrap();
    assert_eq!(restored.snapshot().credentials, credentials);
    // The chain goes on from the rotated log, across a restore.
    restored.unlock(&ids[0], "staff", 10_000_000).unwrap();
    let (after, after_seal) = restored.sealed_snapshot();
    assert_eq!(after_seal.count, seal.count + 1);
    assert!(restore(after, Some(&after_seal)).is_ok());
}

#[test]
fn a_record_over_the_limit_is_not_written() {
    let (service, _) = fresh();
    let mut snapshot = service.snapshot();
    let one = snapshot.credentials[0].clone();
    snapshot.credentials = vec![one; MAX_SNAPSHOT_BYTES / 200];
    match snapshot.to_json() {
        Err(ServiceError::RecordTooLarge { bytes, max }) => {
            assert!(bytes > max);
            assert_eq!(max, MAX_SNAPSHOT_BYTES);
        }
        other => panic!("written: {:?}", other.map(|json| json.len())),
    }
    assert!(check_size(&"x".repeat(MAX_SNAPSHOT_BYTES)).is_ok());
    assert!(check_size(&"x".repeat(MAX_SNAPSHOT_BYTES + 1)).is_err());
}

/// The largest snapshot the writer lets through, sealed as the page seals it (AES-GCM adds a
/// 16-byte tag) under the widest key header, is still read by the vault's envelope reader.
#[test]
fn the_largest_snapshot_written_seals_within_the_envelope_limit() {
    use webtoken_token::vault::{
        Envelope, KeySpec, MAX_ENVELOPE_BYTES, MAX_PBKDF2_ITERATIONS, MAX_SALT_BYTES, Pbkdf2Params,
        TAG_BYTES,
    };
    let widest = KeySpec::Passphrase(
        Pbkdf2Params::new(MAX_PBKDF2_ITERATIONS, vec![0xff; MAX_SALT_BYTES]).unwrap(),
    );
    for key in [widest, KeySpec::Device { key_id: [0xff; 8] }] {
        let envelope = Envelope {
            key,
            nonce: [0xff; 12],
            ciphertext: vec![0xff; MAX_SNAPSHOT_BYTES + TAG_BYTES],
        };
        let text = envelope.to_text();
        assert!(text.len() <= MAX_ENVELOPE_BYTES, "{} bytes", text.len());
        assert_eq!(Envelope::parse(&text).unwrap(), envelope);
    }
}

// ---- Persistence ----

#[test]
fn snapshots_round_trip_through_json_and_keep_replay_state() {
    let (service, id) = fresh();
    assert!(service.validate(&id, &code(2), 60).is_ok());
    let (snapshot, seal) = service.sealed_snapshot();
    let json = serde_json::to_string(&snapshot).unwrap();
    let read: Snapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(read, snapshot);
    let restored = restore(read, Some(&seal)).unwrap();
    assert_eq!(restored.state(&id), service.state(&id));
    assert_eq!(restored.audit(), service.audit());
    assert_eq!(
        restored.validate(&id, &code(2), 61),
        Err(Rejected::Replayed),
        "the last accepted step survives a reload"
    );
    assert!(restored.validate(&id, &code(3), 90).is_ok());
    assert_eq!(restored.verify_audit(), Ok(()));
    assert_eq!(restored.audit().len(), 4);
}

#[test]
fn a_snapshot_with_a_broken_chain_is_refused() {
    let (service, id) = fresh();
    assert!(service.validate(&id, &code(2), 60).is_ok());
    let (mut snapshot, seal) = service.sealed_snapshot();
    snapshot.audit.remove(0);
    assert!(matches!(
        restore(snapshot, Some(&seal)),
        Err(ServiceError::AuditChain(ChainError::Missing {
            from: 0,
            to: 0
        }))
    ));
}

#[test]
fn debug_output_never_shows_secrets() {
    let (service, id) = fresh();
    let store = service.store();
    let loaded = store.load(&id).unwrap();
    for text in [
        format!("{loaded:?}"),
        format!("{:?}", store.export()),
        format!("{service:?}"),
        format!("{:?}", service.snapshot()),
    ] {
        assert!(!text.contains("GEZD"), "{text}");
        assert!(!text.contains("12345678901234567890"), "{text}");
    }
}

#[test]
fn rejection_messages_in_japanese_and_english() {
    assert!(Rejected::LockedOut.message_ja().contains("ロック"));
    assert!(Rejected::Replayed.message_ja().contains("使用済み"));
    assert!(
        Rejected::Replayed
            .message_en()
            .contains("already been used")
    );
    let malformed = Rejected::Malformed(CodeInputError::Empty);
    assert_eq!(malformed.message_ja(), CodeInputError::Empty.message_ja());
    assert_eq!(
        Rejected::Mismatch.to_string(),
        Rejected::Mismatch.message_en()
    );
}

// ---- Dry run and inspection (the time lab) ----

/// Everything the service holds (credentials with their state, and the audit log).
fn held(service: &TokenService) -> Snapshot {
    service.snapshot()
}

#[test]
fn a_dry_run_answers_as_validate_would_and_changes_nothing() {
    let (service, id) = fresh();
    // At t = 60 the window is steps 1..=3.
    for (typed, expected) in [
        (code(0), Err(Rejected::Mismatch)),
        (code(4), Err(Rejected::Mismatch)),
        (
            "12 34".to_owned(),
            Err(Rejected::Malformed(CodeInputError::WrongLength {
                expected: 6,
                found: 4,
            })),
        ),
        (code(2), Ok(Accepted { step: 2, drift: 0 })),
        (code(2), Err(Rejected::Replayed)),
        (code(1), Err(Rejected::Replayed)),
        (code(3), Ok(Accepted { step: 3, drift: 1 })),
    ] {
        let before = held(&service);
        let dry = service.would_accept(&id, &typed, 60);
        assert_eq!(
            held(&service),
            before,
            "the dry run of {typed} wrote nothing"
        );
        assert_eq!(dry.answer(), expected, "dry run of {typed}");
        assert!(!dry.locks);
        assert_eq!(service.validate(&id, &typed, 60), expected, "{typed}");
    }
    assert_eq!(
        service.would_accept(&token_id(9), &code(2), 60),
        DryRun {
            outcome: Err(Rejected::UnknownToken),
            locks: false
        }
    );
}

#[test]
fn the_dry_run_of_the_attempt_that_locks_keeps_the_codes_own_reason() {
    let (service, id) = service_with(Policy {
        max_failures: 3,
        ..Policy::default()
    });
    service.validate(&id, &code(2), 60).unwrap();
    let wrong = wrong_code(0..=10);
    for _ in 0..2 {
        assert_eq!(service.validate(&id, &wrong, 60), Err(Rejected::Mismatch));
    }
    // One failure left: a used code would lock, and says why it fails.
    let used = service.would_accept(&id, &code(2), 60);
    assert_eq!(used.outcome, Err(Rejected::Replayed));
    assert!(used.locks);
    assert_eq!(used.answer(), Err(Rejected::LockedOut));
    // A fresh code would not lock: it would be accepted.
    let fresh_code = service.would_accept(&id, &code(3), 60);
    assert_eq!(fresh_code.answer(), Ok(Accepted { step: 3, drift: 1 }));
    assert!(!fresh_code.locks);
    // The real attempt locks, as the dry run said.
    let before = held(&service);
    assert_eq!(
        service.validate(&id, &code(2), 60),
        Err(Rejected::LockedOut)
    );
    assert_ne!(held(&service), before);
    // Locked: every code, the fresh one too, is refused with nothing written.
    let before = held(&service);
    let locked = service.would_accept(&id, &code(3), 60);
    assert_eq!(locked.outcome, Err(Rejected::LockedOut));
    assert!(!locked.locks, "it is locked already");
    assert_eq!(held(&service), before);
    // Stopped: refused likewise.
    service.stop(&id, "staff", "lost", 61).unwrap();
    let before = held(&service);
    assert_eq!(
        service.would_accept(&id, &code(3), 61).answer(),
        Err(Rejected::Stopped)
    );
    assert_eq!(held(&service), before);
}

#[test]
fn inspection_shows_step_window_drift_failures_and_the_last_step() {
    let (service, id) = fresh();
    assert_eq!(service.inspect(&token_id(9), 60), None);
    let seen = service.inspect(&id, 60).unwrap();
    assert_eq!((seen.now_step, seen.window.clone()), (2, Some(1..=3)));
    assert_eq!((seen.state.drift, seen.state.failures), (0, 0));
    assert_eq!((seen.state.last_step, seen.max_failures), (None, 10));
    assert_eq!(seen.state.status, CredentialStatus::Active);
    assert_eq!(seen.failures_left(), 10);

    // A code one step ahead moves the centre: the window follows the drift.
    service.validate(&id, &code(3), 60).unwrap();
    service.validate(&id, &wrong_code(0..=10), 60).unwrap_err();
    let seen = service.inspect(&id, 60).unwrap();
    assert_eq!((seen.window.clone(), seen.state.drift), (Some(2..=4), 1));
    assert_eq!((seen.state.last_step, seen.state.failures), (Some(3), 1));
    assert_eq!(seen.failures_left(), 9);
    assert_eq!(service.inspect(&id, 3_000).unwrap().window, Some(100..=102));
    assert_eq!(
        service.audit_for(&id).len(),
        3,
        "inspecting wrote no audit event"
    );
}

#[test]
fn the_inspected_window_is_exactly_what_validation_accepts() {
    for (drift_step, now) in [(2, 60), (3, 60), (1, 60), (0, 30), (0, 0)] {
        let (service, id) = fresh();
        // Set the drift by accepting a code of `drift_step` at `now`.
        service.validate(&id, &code(drift_step), now).unwrap();
        for later in [now + 90, now + 300] {
            let window = service.inspect(&id, later).unwrap().window.unwrap();
            let (low, high) = (*window.start(), *window.end());
            for step in low.saturating_sub(3)..=high + 3 {
                let answer = service.would_accept(&id, &code(step), later).answer();
                let inside = window.contains(&step);
                match answer {
                    Ok(accepted) => assert!(inside, "step {step} at {later}: {accepted:?}"),
                    Err(Rejected::Replayed) => assert!(inside && step <= drift_step),
                    Err(Rejected::Mismatch) => assert!(!inside, "step {step} at {later}"),
                    other => panic!("step {step}: {other:?}"),
                }
            }
        }
    }
    // Near step 0 with a negative drift the window is clamped to valid steps.
    let (service, id) = fresh();
    service.validate(&id, &code(0), 30).unwrap();
    assert_eq!(service.inspect(&id, 0).unwrap().window, Some(0..=0));
    // A slow token's drift learnt at step 10, then the clock set back to 0: no step is
    // compared at all (a policy that looks back far enough to learn it).
    let (service, id) = service_with(Policy {
        resync_back: MAX_RESYNC_BACK,
        ..Policy::default()
    });
    service.resync(&id, &code(4), &code(5), 300).unwrap();
    let seen = service.inspect(&id, 0).unwrap();
    assert_eq!((seen.state.drift, seen.window), (-5, None));
    assert_eq!(
        service.would_accept(&id, &code(0), 0).outcome,
        Err(Rejected::Mismatch)
    );
}

// ---- The laws ----

proptest! {
    /// A code made at t verifies at t + k*period for every |k| <= window, and never twice.
    #[test]
    fn a_code_verifies_within_the_window_and_never_twice(
        secret in proptest::collection::vec(any::<u8>(), 20),
        t in 0_u64..100_000_000_000,
        window in 0_u32..=3,
        k in -3_i64..=3,
        second_delay in 0_u64..120,
    ) {
        prop_assume!(k.unsigned_abs() <= u64::from(window));
        let now = i128::from(t) + i128::from(k) * i128::from(PERIOD);
        prop_assume!(now >= 0);
        let now = u64::try_from(now).unwrap();
        let secret = Secret::from_bytes(secret).unwrap();
        let params = Params::default();
        let step = params.step(t);
        let shown = totp(&secret, t, &params).unwrap();
        // Skip the one-in-a-million case where a neighbouring step has the same code, which the
        // step-based replay rule would (rightly) accept as a new step.
        let now_step = params.step(now);
        let reach = u64::from(window) + 4;
        for other in now_step.saturating_sub(reach)..=now_step.saturating_add(reach) {
            prop_assume!(other == step || code_at_step(&secret, other, &params).unwrap() != shown);
        }

        let service = TokenService::new(MemoryStore::new(), Policy { window, ..Policy::default() });
        let id = token_id(1);
        service.provision(id.clone(), secret, params, 0).unwrap();
        let accepted = service.validate(&id, &shown, now);
        prop_assert_eq!(accepted, Ok(Accepted { step, drift: -k }));
        prop_assert_eq!(service.validate(&id, &shown, now), Err(Rejected::Replayed));
        let later = service.validate(&id, &shown, now + second_delay);
        prop_assert!(later.is_err(), "{:?}", later);
    }

    /// Before every validation of any sequence, the dry run gives the same answer and writes
    /// nothing (lockout, replay and stop included).
    #[test]
    fn a_dry_run_always_matches_the_validation_that_follows(
        attempts in proptest::collection::vec((0_u64..12, 0_u64..400, 0_u8..10), 1..30),
    ) {
        let (service, id) = service_with(Policy { max_failures: 4, ..Policy::default() });
        for (step, now, action) in attempts {
            // Mostly a code of some step; sometimes a wrong or malformed one, a stop or an unlock.
            let typed = match action {
                0 => wrong_code(0..=20),
                1 => "12 34".to_owned(),
                _ => code(step),
            };
            if action == 9 {
                let _ = service.unlock(&id, "staff", now);
            }
            if action == 8 && step == 0 {
                let _ = service.stop(&id, "staff", "lost", now);
            }
            let before = held(&service);
            let dry = service.would_accept(&id, &typed, now);
            prop_assert_eq!(&held(&service), &before);
            prop_assert_eq!(dry.answer(), service.validate(&id, &typed, now));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the service did, its records restore under their seal; with any tail cut off,
    /// or any one event removed, they do not, and the error says which.
    #[test]
    fn a_sealed_log_restores_and_any_cut_or_gap_is_named(
        ops in proptest::collection::vec((0_u8..6, 0_u64..200), 1..40),
        cut in 1_usize..40,
        gap in 0_usize..40,
    ) {
        let (service, id) = service_with(Policy { max_failures: 3, ..Policy::default() });
        let unknown = token_id(9);
        let mut now = 30;
        for (op, step) in ops {
            now += 7;
            let _ = match op {
                0 => service.validate(&id, &code(step), now).map(|_| ()),
                1 => service.validate(&id, "nope", now).map(|_| ()),
                2 => service.validate(&unknown, "123456", now).map(|_| ()),
                3 => service.resync(&id, &code(step), &code(step + 1), now).map(|_| ()),
                4 => service.unlock(&id, "staff", now).map_err(|_| Rejected::Unavailable),
                _ => service.validate(&id, &wrong_code(0..=200), now).map(|_| ()),
            };
        }
        let (snapshot, seal) = service.sealed_snapshot();
        prop_assert!(restore(snapshot.clone(), Some(&seal)).is_ok());
        let total = snapshot.audit.len();

        let cut = cut.min(total);
        let mut shortened = snapshot.clone();
        shortened.audit.truncate(total - cut);
        prop_assert_eq!(
            chain_problem(shortened, &seal),
            Some(ChainError::Truncated { expected_count: total as u64, found: (total - cut) as u64 })
        );

        let gap = gap % total;
        let mut holed = snapshot;
        holed.audit.remove(gap);
        let expected = if gap + 1 == total {
            ChainError::Truncated { expected_count: total as u64, found: (total - 1) as u64 }
        } else {
            ChainError::Missing { from: gap as u64, to: gap as u64 }
        };
        prop_assert_eq!(chain_problem(holed, &seal), Some(expected));
    }
}

/// A snapshot as the previous version wrote it (unkeyed SHA-256 chain, no `checkpoint`),
/// produced by that version's code (commit b051358): three credentials issued, codes accepted,
/// mismatched and replayed, one credential locked and unlocked, one stopped.
const LEGACY_SNAPSHOT: &str = include_str!("../tests/vectors/legacy_snapshot_v1.json");

fn legacy_snapshot() -> Snapshot {
    webtoken_engine::json::from_str(LEGACY_SNAPSHOT).unwrap()
}

/// The legacy fixture with its JSON changed by `edit` (as someone editing the stored record).
fn edited_legacy(edit: impl FnOnce(&mut serde_json::Value)) -> Snapshot {
    let mut value: serde_json::Value = serde_json::from_str(LEGACY_SNAPSHOT).unwrap();
    edit(&mut value);
    webtoken_engine::json::from_str(&value.to_string()).unwrap()
}

fn legacy_problem(snapshot: Snapshot) -> Option<ChainError> {
    match restore(snapshot, None) {
        Ok(_) => None,
        Err(ServiceError::AuditChain(error)) => Some(error),
        Err(other) => panic!("not an audit error: {other:?}"),
    }
}

#[test]
fn the_legacy_fixture_is_read_without_a_checkpoint_by_both_readers() {
    let snapshot = legacy_snapshot();
    assert_eq!(snapshot.checkpoint, None);
    assert_eq!(snapshot.credentials.len(), 3);
    assert_eq!(snapshot.audit.len(), 14);
    assert_eq!(
        serde_json::from_str::<Snapshot>(LEGACY_SNAPSHOT).unwrap(),
        snapshot
    );
    // A new snapshot still writes the member.
    assert!(webtoken_engine::json::to_string(&fresh().0.snapshot()).contains("\"checkpoint\":{"));
}

#[test]
fn a_legacy_snapshot_is_migrated_with_every_credential_and_event() {
    let legacy = legacy_snapshot();
    let service = restore(legacy.clone(), None).unwrap();
    // Every credential and its state, as they were.
    for record in &legacy.credentials {
        assert_eq!(
            service.state(&record.state.token_id),
            Some(record.state.clone())
        );
    }
    let (snapshot, seal) = service.sealed_snapshot();
    assert_eq!(snapshot.credentials.len(), legacy.credentials.len());
    // Every event kept: same numbers, times, credentials and kinds, chained again under the key.
    assert_eq!(snapshot.checkpoint, Some(Checkpoint::genesis(&test_key())));
    assert_eq!(snapshot.audit.len(), legacy.audit.len());
    for (new, old) in snapshot.audit.iter().zip(&legacy.audit) {
        assert_eq!(
            (new.seq, new.time, &new.token_id, &new.kind),
            (old.seq, old.time, &old.token_id, &old.kind)
        );
        assert_ne!(new.hash, old.hash);
    }
    assert_eq!(snapshot.audit[0].prev_hash, GENESIS_HASH);
    assert_eq!(
        verify_chain(
            &snapshot.audit,
            snapshot.checkpoint.as_ref().unwrap(),
            &test_key(),
            Some(&seal)
        ),
        Ok(())
    );
    assert_eq!(seal.count, 14);
    assert_eq!(service.verify_audit(), Ok(()));
}

#[test]
fn a_migrated_legacy_service_goes_on_validating_and_appending() {
    let legacy = legacy_snapshot();
    // The first credential issued: accepted once, then a mismatch and a replay (2 failures).
    let record = legacy
        .credentials
        .iter()
        .find(|record| record.state.token_id == legacy.audit[0].token_id.clone().unwrap())
        .unwrap()
        .clone();
    let id = record.state.token_id.clone();
    let last_step = record.state.last_step.unwrap();
    assert_eq!(record.state.failures, 2);
    let service = restore(legacy, None).unwrap();
    // The code spent before the upgrade is still spent.
    let spent = code_at_step(&record.secret, last_step, &record.state.params).unwrap();
    let now = (last_step + 1) * PERIOD;
    assert_eq!(
        service.validate(&id, &spent, now).unwrap_err(),
        Rejected::Replayed
    );
    let next = code_at_step(&record.secret, last_step + 1, &record.state.params).unwrap();
    service.validate(&id, &next, now + 1).unwrap();
    let state = service.state(&id).unwrap();
    assert_eq!((state.last_step, state.failures), (Some(last_step + 1), 0));
    let (snapshot, seal) = service.sealed_snapshot();
    assert_eq!(snapshot.audit.len(), 16);
    assert_eq!(
        snapshot.audit[14..]
            .iter()
            .map(|event| (event.seq, event.kind.clone()))
            .collect::<Vec<_>>(),
        vec![
            (
                14,
                AuditKind::Rejected {
                    reason: RejectReason::Replayed
                }
            ),
            (
                15,
                AuditKind::Accepted {
                    step: last_step + 1,
                    drift: 0
                }
            ),
        ]
    );
    assert_eq!(snapshot.audit[14].prev_hash, snapshot.audit[13].hash);
    assert_eq!(service.verify_audit(), Ok(()));
    // Written again in the new form, it is read back under the key and the seal.
    let text = snapshot.to_json().unwrap();
    let again: Snapshot = webtoken_engine::json::from_str(&text).unwrap();
    assert!(again.checkpoint.is_some());
    assert!(restore(again, Some(&seal)).is_ok());
}

#[test]
fn a_legacy_snapshot_whose_old_chain_does_not_verify_is_refused() {
    // A rejection's reason changed.
    let changed = edited_legacy(|v| v["audit"][4]["kind"]["reason"] = "replayed".into());
    assert_eq!(
        legacy_problem(changed),
        Some(ChainError::Rewritten { seq: 4 })
    );
    // A time changed.
    let changed = edited_legacy(|v| v["audit"][0]["time"] = 1.into());
    assert_eq!(
        legacy_problem(changed),
        Some(ChainError::Rewritten { seq: 0 })
    );
    // The staff member's name changed.
    let changed = edited_legacy(|v| v["audit"][10]["kind"]["actor"] = "mallory".into());
    assert_eq!(
        legacy_problem(changed),
        Some(ChainError::Rewritten { seq: 10 })
    );
    // An event deleted.
    let deleted = edited_legacy(|v| {
        v["audit"].as_array_mut().unwrap().remove(6);
    });
    assert_eq!(
        legacy_problem(deleted),
        Some(ChainError::Missing { from: 6, to: 6 })
    );
    // Two events swapped.
    let swapped = edited_legacy(|v| v["audit"].as_array_mut().unwrap().swap(7, 8));
    assert_eq!(
        legacy_problem(swapped),
        Some(ChainError::Reordered { seq: 7 })
    );
    // An event claiming the keyed chain's kind, which the previous version never wrote.
    let refused = edited_legacy(|v| {
        v["audit"][13]["kind"] = serde_json::json!({"event": "refused", "attempt": "validate",
            "reason": "stopped", "count": 1, "last": 0});
    });
    assert_eq!(
        legacy_problem(refused),
        Some(ChainError::Rewritten { seq: 13 })
    );
    // Nothing of a refused record is kept (the in-page reader says why).
    assert!(
        TokenService::<MemoryStore>::restore(
            MemoryStore::new(),
            Policy::default(),
            edited_legacy(|v| v["audit"][4]["kind"]["reason"] = "replayed".into()),
            test_key(),
            None
        )
        .is_err()
    );
}

#[test]
fn a_legacy_snapshot_given_a_seal_is_refused() {
    let (service, _) = busy_service();
    let seal = service.audit_seal();
    assert_eq!(
        restore(legacy_snapshot(), Some(&seal)).err(),
        Some(ServiceError::AuditChain(ChainError::KeyMismatch))
    );
    let mut forged = seal;
    forged.count += 1;
    assert_eq!(
        restore(legacy_snapshot(), Some(&forged)).err(),
        Some(ServiceError::AuditChain(ChainError::SealForged))
    );
}

#[test]
fn a_legacy_snapshot_without_events_keeps_its_credentials() {
    let empty = edited_legacy(|v| v["audit"] = serde_json::json!([]));
    assert_eq!(empty.checkpoint, None);
    let service = restore(empty.clone(), None).unwrap();
    for record in &empty.credentials {
        assert_eq!(
            service.state(&record.state.token_id),
            Some(record.state.clone())
        );
    }
    assert!(service.audit().is_empty());
    assert_eq!(
        service.snapshot().checkpoint,
        Some(Checkpoint::genesis(&test_key()))
    );
}
