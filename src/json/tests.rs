#![allow(clippy::unwrap_used)]

//! The codec against `serde_json`, the oracle: same bytes written, same values read, for JSON in
//! general and for every record the page stores or exchanges.

use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::*;
use crate::bank::Bank;
use crate::engine::token_id::{MAX_SERIAL, TokenId};
use crate::engine::{Algorithm, MAX_SECRET_BYTES, MIN_SECRET_BYTES, Params, Secret};
use crate::token_service::api::{
    ApiError, AuditTrail, Outcome, ResyncRequest, ServerTime, StopRequest, UnlockRequest,
    ValidateRequest,
};
use crate::token_service::{
    AuditEvent, AuditKind, CredentialRecord, CredentialState, CredentialStatus, Issued,
    RejectReason, Snapshot,
};

/// Writes a parsed value back (the tests' way to see what was read).
fn write_value(value: &Value, out: &mut Out) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => b.write_json(out),
        Value::Int {
            negative,
            magnitude,
        } => {
            if *negative && *magnitude != 0 {
                out.push('-');
            }
            magnitude.write_json(out);
        }
        Value::Str(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, key);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

fn reparse(text: &str) -> Result<String, JsonError> {
    let mut out = Out(Zeroizing::new(String::new()));
    write_value(&parse(text)?, &mut out);
    Ok(out.0.to_string())
}

/// JSON values without fractions, as `serde_json` models them.
fn any_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(any::<String>(), inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Strings with the characters that need escaping well represented.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                (0_u32..0x20).prop_map(|c| char::from_u32(c).unwrap()),
                Just('"'),
                Just('\\'),
                Just('/'),
                Just('\u{7f}'),
                Just('\u{2028}'),
                Just('日'),
                Just('😀'),
                any::<char>(),
            ],
            0..24
        )
        .prop_map(|chars| chars.into_iter().collect()),
    ]
}

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
    ]
}

fn event() -> impl Strategy<Value = AuditEvent> {
    (
        any::<u64>(),
        any::<u64>(),
        token_id(),
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
    )
        .prop_map(|(credentials, audit)| Snapshot { credentials, audit })
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
    fn strings_are_escaped_as_serde_escapes_them(s in any_text()) {
        let ours = to_string(&s);
        prop_assert_eq!(ours.as_str(), serde_json::to_string(&s).unwrap());
        prop_assert_eq!(from_str::<String>(&ours).unwrap(), s);
    }

    #[test]
    fn numbers_match_serde(u in any::<u64>(), i in any::<i64>()) {
        prop_assert_eq!(to_string(&u).to_string(), serde_json::to_string(&u).unwrap());
        prop_assert_eq!(to_string(&i).to_string(), serde_json::to_string(&i).unwrap());
        prop_assert_eq!(from_str::<u64>(&u.to_string()).unwrap(), u);
        prop_assert_eq!(from_str::<i64>(&i.to_string()).unwrap(), i);
    }

    #[test]
    fn any_json_reads_back_as_serde_wrote_it(value in any_json()) {
        let compact = serde_json::to_string(&value).unwrap();
        prop_assert_eq!(reparse(&compact).unwrap(), compact.clone());
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        prop_assert_eq!(reparse(&pretty).unwrap(), compact);
    }

    #[test]
    fn snapshots_match_serde(snapshot in snapshot()) {
        assert_parity(&snapshot)?;
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
    ) {
        assert_parity(&AuditTrail { events, chain_ok: ok, chain_problem: problem.clone() })?;
        assert_parity(&ServerTime { now })?;
        assert_parity(&ApiError { error: ja.clone(), message: en.clone() })?;
        assert_parity(&Outcome::Accepted { step, drift })?;
        assert_parity(&Outcome::Rejected { reason, message_ja: ja, message_en: en })?;
    }

    #[test]
    fn api_requests_match_serde(a in any_text(), b in any_text(), c in any_text()) {
        let pairs: [(Zeroizing<String>, String); 4] = [
            (to_string(&ValidateRequest { token_id: a.clone(), code: b.clone() }),
             serde_json::to_string(&ValidateRequest { token_id: a.clone(), code: b.clone() }).unwrap()),
            (to_string(&ResyncRequest { token_id: a.clone(), first: b.clone(), second: c.clone() }),
             serde_json::to_string(&ResyncRequest { token_id: a.clone(), first: b.clone(), second: c.clone() }).unwrap()),
            (to_string(&UnlockRequest { token_id: a.clone(), actor: b.clone() }),
             serde_json::to_string(&UnlockRequest { token_id: a.clone(), actor: b.clone() }).unwrap()),
            (to_string(&StopRequest { token_id: a.clone(), actor: b.clone(), reason: c.clone() }),
             serde_json::to_string(&StopRequest { token_id: a, actor: b, reason: c }).unwrap()),
        ];
        for (ours, theirs) in pairs {
            prop_assert_eq!(ours.as_str(), theirs.as_str());
        }
        prop_assert_eq!(to_string(&()).to_string(), serde_json::to_string(&()).unwrap());
    }

    /// Banks: whatever serde accepts, the codec accepts as the same bank and writes as serde
    /// does; whatever serde refuses (a shared contract ID or token), the codec refuses too.
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
/// defaults filled in, unknown members ignored, and `sha1` read as SHA1.
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
    let params: Params = from_str(r#"{"algorithm":"sha1","digits":6,"period":30,"t0":0}"#).unwrap();
    assert_eq!(params, Params::default());
}

#[test]
fn malformed_text_is_refused_with_a_reason() {
    for (text, says) in [
        ("", "unexpected end at byte 0"),
        ("  ", "unexpected end at byte 2"),
        ("{", "expected a key at byte 1"),
        ("[1,]", "unexpected character at byte 3"),
        ("[1 2]", "expected `,` at byte 3"),
        ("{\"a\" 1}", "expected `:` at byte 5"),
        ("{\"a\":1,\"a\":2}", "duplicate key `a` at byte 10"),
        ("1.5", "not a whole number at byte 0"),
        ("1e3", "not a whole number at byte 0"),
        ("01", "malformed number at byte 0"),
        ("-", "malformed number at byte 0"),
        ("18446744073709551616", "number out of range at byte 0"),
        ("\"abc", "unterminated string at byte 4"),
        ("\"a\nb\"", "control character in a string at byte 2"),
        ("\"\\x\"", "bad escape at byte 3"),
        ("\"\\u12\"", "bad \\u escape at byte 3"),
        ("\"\\ud800\"", "lone surrogate at byte 7"),
        ("\"\\udc00\"", "lone surrogate at byte 7"),
        ("\"\\ud800\\u0041\"", "lone surrogate at byte 13"),
        ("nul", "unexpected character at byte 0"),
        ("true false", "unexpected text after the value at byte 5"),
    ] {
        match parse(text) {
            Ok(_) => panic!("{text:?} was read"),
            Err(e) => assert_eq!(e.to_string(), says, "{text:?}"),
        }
    }
    assert_eq!(reparse("\"\\ud83d\\ude00 \\/\\b\"").unwrap(), "\"😀 /\\b\"");
}

#[test]
fn objects_are_limited_in_members() {
    let object = |n: usize| {
        let members: Vec<String> = (0..n).map(|i| format!("\"k{i}\":{i}")).collect();
        format!("{{{}}}", members.join(","))
    };
    assert!(parse(&object(MAX_MEMBERS)).is_ok());
    let refused = parse(&object(MAX_MEMBERS + 1)).err().unwrap().to_string();
    assert!(
        refused.starts_with("too many members in an object at byte "),
        "{refused}"
    );
}

#[test]
fn an_empty_request_body_is_an_empty_object() {
    assert_eq!(to_string(&EmptyObject).as_str(), "{}");
    assert_eq!(to_string(&()).as_str(), "null");
}

#[test]
fn nesting_is_limited() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(parse(&deep(MAX_DEPTH)).is_ok());
    let refused = parse(&deep(MAX_DEPTH + 1)).err().unwrap();
    assert_eq!(
        refused.to_string(),
        format!("nested too deeply at byte {MAX_DEPTH}")
    );
    // Far deeper than the stack would take: refused, not a crash.
    assert!(parse(&deep(1_000_000)).is_err());
}

#[test]
fn values_of_the_wrong_kind_or_range_say_where() {
    let err = |text: &str| from_str::<Params>(text).err().unwrap().to_string();
    assert_eq!(
        err(r#"{"algorithm":"SHA1","digits":300,"period":30,"t0":0}"#),
        "digits: 300 is above 255"
    );
    assert_eq!(
        err(r#"{"algorithm":"MD5","digits":6,"period":30,"t0":0}"#),
        "algorithm: unknown variant `MD5`, expected one of `SHA1`, `sha1`, `SHA256`, `sha256`, `SHA512`, `sha512`"
    );
    assert_eq!(
        err(r#"{"algorithm":"SHA1","digits":6,"period":-30,"t0":0}"#),
        "period: -30 is below 0"
    );
    assert_eq!(
        err(r#"{"algorithm":"SHA1","digits":"6","period":30,"t0":0}"#),
        "digits: expected a whole number, found a string"
    );
    assert_eq!(
        err(r#"{"algorithm":"SHA1","period":30,"t0":0}"#),
        "missing field `digits`"
    );
    assert_eq!(err("[]"), "expected an object, found an array");
    assert_eq!(
        from_str::<i64>("-9223372036854775809")
            .err()
            .unwrap()
            .to_string(),
        "number out of range"
    );
    assert_eq!(from_str::<i64>("-9223372036854775808").unwrap(), i64::MIN);
    assert_eq!(from_str::<u64>("-0").unwrap(), 0);
    let snapshot = r#"{"credentials":[],"audit":[{"seq":0,"time":0,"token_id":"WBTK00000000",
        "kind":{"event":"exploded"},"prev_hash":"","hash":""}]}"#;
    assert_eq!(
        from_str::<Snapshot>(snapshot).err().unwrap().to_string(),
        "audit: 0: kind: event: unknown variant `exploded`, expected one of `issued`, \
         `accepted`, `rejected`, `locked`, `unlocked`, `stopped`, `resynced`, `resync_rejected`"
    );
}
