#![allow(clippy::unwrap_used)]

//! The codec against `serde_json`, the oracle: same bytes written, same values read, for JSON in
//! general. The records the page stores or exchanges are checked the same way in
//! `crates/bank/tests/json_records.rs`, which sees every role's types.

use proptest::prelude::*;

use super::strategies::any_text;
use super::*;
use crate::Params;

fn reparse(text: &str) -> Result<String, JsonError> {
    // What was read, written back by the codec's own `ToJson for Value`.
    Ok(to_string(&parse(text)?).to_string())
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

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
}

/// Parameters as an earlier version stored them: `sha1` reads as SHA1.
#[test]
fn older_params_still_read() {
    let params: Params = from_str(r#"{"algorithm":"sha1","digits":6,"period":30,"t0":0}"#).unwrap();
    assert_eq!(params, Params::default());
}

/// A list read entry by entry: the entries that read are kept, each bad one is kept as it was
/// (written back the same) with its reason, and the list itself is refused only when it is not
/// a list.
#[test]
fn a_bad_entry_costs_one_entry_and_is_written_back_unchanged() {
    let text = r#"[7,{"a":"x\n","b":[-1,null,true]},"eight",9]"#;
    let (read, kept) = read_entries(&parse(text).unwrap(), u64::from_json).unwrap();
    assert_eq!(read, [7, 9]);
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0].why, "expected a whole number, found an object");
    assert_eq!(kept[0].member("a").as_deref(), Some("x\n"));
    assert_eq!(kept[1].member("a"), None);
    assert_eq!(&*to_string(&kept[0]), r#"{"a":"x\n","b":[-1,null,true]}"#);
    assert_eq!(&*to_string(&kept[1]), r#""eight""#);
    assert!(read_entries(&parse("{}").unwrap(), u64::from_json).is_err());
}

/// `Fields::only` names the first member it does not know, and lets known ones through.
#[test]
fn only_refuses_unknown_members() {
    let value = parse(r#"{"window":1,"maxFailure":3}"#).unwrap();
    let fields = value.fields().unwrap();
    assert_eq!(
        fields
            .only(&["window", "maxFailures"])
            .unwrap_err()
            .to_string(),
        "unknown member `maxFailure`, expected one of `window`, `maxFailures`"
    );
    assert!(fields.only(&["window", "maxFailure"]).is_ok());
}

#[test]
fn a_javascript_number_is_whole_and_exact_or_refused_by_its_shown_form() {
    let show = |n: f64| format!("<{n}>");
    assert_eq!(js_number(0.0, show).unwrap(), "0");
    assert_eq!(js_number(-0.0, show).unwrap(), "0");
    assert_eq!(js_number(-5.0, show).unwrap(), "-5");
    let max = crate::MAX_SAFE_INTEGER as f64;
    assert_eq!(js_number(max, show).unwrap(), "9007199254740991");
    assert_eq!(js_number(-max, show).unwrap(), "-9007199254740991");
    for refused in [1.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let e = js_number(refused, show).unwrap_err();
        assert!(e.ends_with("is not a whole number"), "{e}");
    }
    for refused in [max + 1.0, -(max + 1.0), 1e20] {
        let e = js_number(refused, show).unwrap_err();
        assert!(e.starts_with('<') && e.contains("MAX_SAFE_INTEGER"), "{e}");
    }
}
