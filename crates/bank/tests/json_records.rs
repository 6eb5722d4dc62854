#![allow(clippy::unwrap_used)]

//! The JSON codec against `serde_json`, the oracle, for every record the page stores or
//! exchanges: the token service's snapshot and API, and the bank's customers. It lives here
//! because the bank's crate sees every role's types.

use std::fmt;

use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use webtoken_bank::Bank;
use webtoken_engine::json::strategies::any_text;
use webtoken_engine::json::{FromJson, ToJson, from_str, to_string};
use webtoken_engine::token_id::{MAX_SERIAL, TokenId};
use webtoken_engine::{Algorithm, MAX_SECRET_BYTES, MIN_SECRET_BYTES, Params, Secret};
use webtoken_token_service::api::{
    ApiError, AuditTrail, Outcome, ResyncRequest, ServerTime, StaffSignInRequest, StopRequest,
    StopWithCodeRequest, UnlockRequest, ValidateRequest,
};
use webtoken_token_service::{
    Attempt, AuditEvent, AuditKind, AuditSeal, ChainError, Checkpoint, CredentialRecord,
    CredentialState, CredentialStatus, Issued, RejectReason, Snapshot,
};
use zeroize::Zeroizing;

/// The codec writes what serde writes, and reads serde's text back to the same value.
fn assert_parity<T>(value: &T) -> Result<(), TestCaseError>
where
    T: ToJson + FromJson + Serialize + DeserializeOwned + PartialEq + fmt::Debug,
{
    let ours = to_string(value);
    let theirs = serde_json::to_string(value).unwrap();
    prop_assert_eq!(ours.as_str(), theirs.as_str());
    let back: T = from_str(&theirs).unwrap();
    prop_assert_eq!(&back, value);
    let serde_back: T = serde_json::from_str(&ours).unwrap();
    prop_assert_eq!(&serde_back, value);
    Ok(())
}

fn token_id() -> impl Strategy<Value = TokenId> {
    (
        proptest::sample::select(vec!["WBTK", "VSMT", "SYMC", "ABCD"]),
        0..=MAX_SERIAL,
    )
        .prop_map(|(prefix, serial)| TokenId::generate(prefix, serial).unwrap())
}

fn params() -> impl Strategy<Value = Params> {
    (
        proptest::sample::select(vec![Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512]),
        6_u8..=8,
        1_u64..=3600,
        any::<u64>(),
    )
        .prop_map(|(algorithm, digits, period, t0)| Params {
            algorithm,
            digits,
            period,
            t0,
        })
}

fn state() -> impl Strategy<Value = CredentialState> {
    (
        token_id(),
        proptest::sample::select(vec![
            CredentialStatus::Active,
            CredentialStatus::Locked,
            CredentialStatus::Stopped,
        ]),
        any::<u32>(),
        any::<i64>(),
        any::<Option<u64>>(),
        params(),
        any::<u64>(),
        any::<Option<u64>>(),
    )
        .prop_map(
            |(token_id, status, failures, drift, last_step, params, issued_at, locked_at)| {
                CredentialState {
                    token_id,
                    status,
                    failures,
                    drift,
                    last_step,
                    params,
                    issued_at,
                    locked_at,
                }
            },
        )
}

fn secret() -> impl Strategy<Value = Secret> {
    proptest::collection::vec(any::<u8>(), MIN_SECRET_BYTES..=MAX_SECRET_BYTES)
        .prop_map(|bytes| Secret::from_bytes(bytes).unwrap())
}

fn reason() -> impl Strategy<Value = RejectReason> {
    proptest::sample::select(vec![
        RejectReason::Malformed,
        RejectReason::UnknownToken,
        RejectReason::Mismatch,
        RejectReason::Replayed,
        RejectReason::LockedOut,
        RejectReason::Stopped,
        RejectReason::Unavailable,
    ])
}

fn kind() -> impl Strategy<Value = AuditKind> {
    prop_oneof![
        params().prop_map(|p| AuditKind::Issued {
            algorithm: p.algorithm,
            digits: p.digits,
            period: p.period,
        }),
        (any::<u64>(), any::<i64>()).prop_map(|(step, drift)| AuditKind::Accepted { step, drift }),
        reason().prop_map(|reason| AuditKind::Rejected { reason }),
        any::<u32>().prop_map(|failures| AuditKind::Locked { failures }),
        any_text().prop_map(|actor| AuditKind::Unlocked { actor }),
        (any_text(), any_text()).prop_map(|(actor, reason)| AuditKind::Stopped { actor, reason }),
        (any::<u64>(), any::<i64>()).prop_map(|(step, drift)| AuditKind::Resynced { step, drift }),
        reason().prop_map(|reason| AuditKind::ResyncRejected { reason }),
        (
            proptest::sample::select(vec![Attempt::Validate, Attempt::Resync]),
            reason(),
            any::<u64>(),
            any::<u64>()
        )
            .prop_map(|(attempt, reason, count, last)| AuditKind::Refused {
                attempt,
                reason,
                count,
                last
            }),
    ]
}

fn checkpoint() -> impl Strategy<Value = Checkpoint> {
    ("[0-9a-f]{16}", any::<u64>(), any::<[u8; 32]>()).prop_map(|(key_id, rotated, head)| {
        Checkpoint {
            key_id,
            rotated,
            head,
        }
    })
}

fn chain_error() -> impl Strategy<Value = ChainError> {
    prop_oneof![
        Just(ChainError::KeyMismatch),
        (any::<u64>(), any::<u64>()).prop_map(|(from, to)| ChainError::Missing { from, to }),
        any::<u64>().prop_map(|seq| ChainError::Reordered { seq }),
        any::<u64>().prop_map(|seq| ChainError::Rewritten { seq }),
        (any::<u64>(), any::<u64>()).prop_map(|(expected_count, found)| {
            ChainError::Truncated {
                expected_count,
                found,
            }
        }),
        Just(ChainError::HeadMismatch),
        (any::<u64>(), any::<u64>())
            .prop_map(|(expected, found)| ChainError::CheckpointMismatch { expected, found }),
        Just(ChainError::SealForged),
        Just(ChainError::SealMissing),
    ]
}

fn seal() -> impl Strategy<Value = AuditSeal> {
    (
        any::<u64>(),
        any::<u64>(),
        any::<[u8; 32]>(),
        any::<[u8; 32]>(),
    )
        .prop_map(|(count, rotated, head, tag)| AuditSeal {
            count,
            rotated,
            head,
            tag,
        })
}

fn event() -> impl Strategy<Value = AuditEvent> {
    (
        any::<u64>(),
        any::<u64>(),
        proptest::option::of(token_id()),
        kind(),
        any::<[u8; 32]>(),
        any::<[u8; 32]>(),
    )
        .prop_map(|(seq, time, token_id, kind, prev_hash, hash)| AuditEvent {
            seq,
            time,
            token_id,
            kind,
            prev_hash,
            hash,
        })
}

fn snapshot() -> impl Strategy<Value = Snapshot> {
    (
        proptest::collection::vec(
            (secret(), state()).prop_map(|(secret, state)| CredentialRecord { secret, state }),
            0..4,
        ),
        proptest::collection::vec(event(), 0..6),
        // `None`: records of the previous version, without the member.
        proptest::option::of(checkpoint()),
    )
        .prop_map(|(credentials, audit, checkpoint)| Snapshot {
            credentials,
            audit,
            checkpoint,
            unreadable: Vec::new(),
        })
}

/// A bank's stored form, as JSON: some customers, some of them invalid together (a shared
/// contract ID or token), so that refusals are compared too.
fn bank_text() -> impl Strategy<Value = String> {
    let customer = (
        0_u32..4,
        any::<u32>(),
        proptest::option::of(0_u32..6),
        proptest::collection::vec(0_u32..6, 0..3),
        any::<bool>(),
    )
        .prop_map(|(id, failures, token, stopped, with_defaults)| {
            let tid = |n: u32| TokenId::generate("WBTK", n).unwrap().as_str().to_owned();
            let mut c = serde_json::json!({
                "contract_id": format!("{:010}", 1_000_000_000 + id),
                "password": {"iterations": 100_000, "salt": "00112233445566778899aabbccddeeff",
                             "hash": "ab".repeat(32)},
            });
            if with_defaults {
                c["password_failures"] = failures.into();
                c["token"] = token.map(tid).into();
                c["stopped_tokens"] = stopped.into_iter().map(tid).collect::<Vec<_>>().into();
            }
            c
        });
    (1_u32..200_000, proptest::collection::vec(customer, 0..4)).prop_map(|(iterations, cs)| {
        serde_json::json!({"iterations": iterations, "customers": cs}).to_string()
    })
}

/// serde's text of a record, reshaped as another writer might have written it: members in
/// another order (serde_json's `Value` sorts them), `null` members left out (each is an
/// `Option`, which both readers take as `None` when missing), an unknown member added to every
/// object, and pretty-printed.
fn reshaped<T: Serialize>(value: &T, drop_nulls: bool) -> String {
    fn walk(v: &mut serde_json::Value, drop_nulls: bool) {
        match v {
            serde_json::Value::Object(members) => {
                if drop_nulls {
                    members.retain(|_, member| !member.is_null());
                }
                for member in members.values_mut() {
                    walk(member, drop_nulls);
                }
                members.insert(
                    "zz_unknown".into(),
                    serde_json::json!({"nested": [1, null]}),
                );
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|i| walk(i, drop_nulls)),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(value).unwrap();
    walk(&mut v, drop_nulls);
    serde_json::to_string_pretty(&v).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Text not in serde's own shape is read as serde reads it.
    #[test]
    fn reshaped_records_read_as_serde_reads_them(
        snapshot in snapshot(), state in state(), drop_nulls in any::<bool>(),
    ) {
        let text = reshaped(&snapshot, drop_nulls);
        prop_assert_eq!(&serde_json::from_str::<Snapshot>(&text).unwrap(), &snapshot);
        prop_assert_eq!(&from_str::<Snapshot>(&text).unwrap(), &snapshot);
        let text = reshaped(&state, drop_nulls);
        prop_assert_eq!(&serde_json::from_str::<CredentialState>(&text).unwrap(), &state);
        prop_assert_eq!(&from_str::<CredentialState>(&text).unwrap(), &state);
    }

    #[test]
    fn snapshots_match_serde(snapshot in snapshot(), seal in seal()) {
        assert_parity(&snapshot)?;
        assert_parity(&seal)?;
    }

    #[test]
    fn issued_credentials_and_states_match_serde(
        token_id in token_id(), secret in secret(), params in params(), state in state(),
    ) {
        assert_parity(&Issued { token_id, secret, params })?;
        assert_parity(&state)?;
    }

    #[test]
    fn api_answers_match_serde(
        events in proptest::collection::vec(event(), 0..4), ok in any::<bool>(),
        problem in any_text(), now in any::<u64>(), step in any::<u64>(), drift in any::<i64>(),
        reason in reason(), ja in any_text(), en in any_text(),
        chain_error in proptest::option::of(chain_error()),
    ) {
        assert_parity(&AuditTrail {
            events,
            chain_ok: ok,
            chain_problem: problem.clone(),
            chain_error: chain_error.clone(),
        })?;
        assert_parity(&ServerTime { now })?;
        assert_parity(&ApiError { error: ja.clone(), message: en.clone() })?;
        assert_parity(&Outcome::Accepted { step, drift })?;
        assert_parity(&Outcome::Rejected { reason, message_ja: ja, message_en: en })?;
    }

    #[test]
    fn api_requests_match_serde(a in any_text(), b in any_text(), c in any_text()) {
        let pairs: [(Zeroizing<String>, String); 6] = [
            (to_string(&ValidateRequest { token_id: a.clone(), code: b.clone() }),
             serde_json::to_string(&ValidateRequest { token_id: a.clone(), code: b.clone() }).unwrap()),
            (to_string(&ResyncRequest { token_id: a.clone(), first: b.clone(), second: c.clone() }),
             serde_json::to_string(&ResyncRequest { token_id: a.clone(), first: b.clone(), second: c.clone() }).unwrap()),
            (to_string(&UnlockRequest { token_id: a.clone(), actor: b.clone() }),
             serde_json::to_string(&UnlockRequest { token_id: a.clone(), actor: b.clone() }).unwrap()),
            (to_string(&StopRequest { token_id: a.clone(), actor: b.clone(), reason: c.clone() }),
             serde_json::to_string(&StopRequest { token_id: a.clone(), actor: b.clone(), reason: c.clone() }).unwrap()),
            (to_string(&StopWithCodeRequest { token_id: a.clone(), code: b.clone(), actor: c.clone(), reason: a.clone() }),
             serde_json::to_string(&StopWithCodeRequest { token_id: a.clone(), code: b.clone(), actor: c.clone(), reason: a.clone() }).unwrap()),
            (to_string(&StaffSignInRequest { staff_id: a.clone(), password: b.clone(), code: c.clone() }),
             serde_json::to_string(&StaffSignInRequest { staff_id: a, password: b, code: c }).unwrap()),
        ];
        for (ours, theirs) in pairs {
            prop_assert_eq!(ours.as_str(), theirs.as_str());
        }
        prop_assert_eq!(to_string(&()).to_string(), serde_json::to_string(&()).unwrap());
    }

    /// Banks: whatever serde accepts, the codec accepts as the same bank and writes as serde
    /// does; where serde refuses a shared contract ID or token, the codec keeps that customer
    /// aside, for the same reason.
    #[test]
    fn banks_match_serde(text in bank_text()) {
        let theirs = serde_json::from_str::<Bank>(&text);
        let ours = from_str::<Bank>(&text);
        match (theirs, ours) {
            (Ok(theirs), Ok(ours)) => {
                prop_assert_eq!(&ours, &theirs);
                prop_assert_eq!(to_string(&ours).to_string(), serde_json::to_string(&theirs).unwrap());
            }
            (Err(theirs), Err(ours)) => {
                prop_assert!(theirs.to_string().starts_with(&ours.to_string()),
                    "serde: {theirs}, codec: {ours}");
            }
            // A clash between customers refuses the whole bank for serde; the page's reader
            // keeps the clashing customer aside (one bad entry costs one entry), and writes
            // it back as it was.
            (Err(theirs), Ok(ours)) => {
                prop_assert!(!ours.unreadable().is_empty(), "serde: {theirs}");
                let why = &ours.unreadable()[0].kept.why;
                prop_assert!(theirs.to_string().starts_with(why.as_str()),
                    "serde: {theirs}, codec: {why}");
                // Read again, the same customers and the same kept text (the reason may
                // name another clash: the kept entries are written after the others).
                let again = from_str::<Bank>(&to_string(&ours)).unwrap();
                prop_assert_eq!(again.customers(), ours.customers());
                prop_assert_eq!(to_string(&again).to_string(), to_string(&ours).to_string());
            }
            (theirs, ours) => prop_assert!(false, "serde {:?}, codec {:?}",
                theirs.map(|_| ()), ours.map(|_| ())),
        }
    }
}

#[test]
fn the_demo_bank_matches_serde() {
    let bank = Bank::demo().unwrap();
    assert_eq!(
        to_string(&bank).as_str(),
        serde_json::to_string(&bank).unwrap()
    );
    let back: Bank = from_str(&serde_json::to_string(&bank).unwrap()).unwrap();
    assert_eq!(back, bank);
}

/// A record as an earlier version stored it (serde through serde-wasm-bindgen and
/// `JSON.stringify`, the same bytes as `serde_json`): still read, member order free,
/// defaults filled in, unknown members ignored.
#[test]
fn older_records_still_read() {
    let text = r#"{"customers":[{"password":{"hash":"abababababababababababababababababababababababababababababababab",
        "salt":"00112233445566778899AABBCCDDEEFF","iterations":100000},"contract_id":"1234567890",
        "future_member":[1,{"x":null}]}],"iterations":100000}"#;
    let bank: Bank = from_str(text).unwrap();
    let customer = &bank.customers()[0];
    assert_eq!(customer.contract_id().as_str(), "1234567890");
    assert_eq!(customer.password_failures(), 0);
    assert_eq!(customer.token(), None);
    assert!(customer.stopped_tokens().is_empty());
}

#[test]
fn an_unknown_audit_event_says_where() {
    let snapshot = r#"{"credentials":[],"audit":[{"seq":0,"time":0,"token_id":"WBTK00000000",
        "kind":{"event":"exploded"},"prev_hash":"","hash":""}]}"#;
    assert_eq!(
        from_str::<Snapshot>(snapshot).err().unwrap().to_string(),
        "audit: 0: kind: event: unknown variant `exploded`, expected one of `issued`, \
         `accepted`, `rejected`, `locked`, `unlocked`, `stopped`, `resynced`, `resync_rejected`, \
         `refused`"
    );
}
