//! Every import format: documented shapes, refused entries with their reasons, and malformed,
//! truncated and hostile input (clear errors, never a panic).

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

use super::*;
use webtoken_engine::{Algorithm, Secret};

/// RFC 6238's SHA-1 seed in Base32, and the Key URI documentation's 80-bit secret.
const SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SHORT: &str = "JBSWY3DPEHPK3PXP";

fn names(batch: &Batch) -> Vec<(&str, bool)> {
    batch
        .entries
        .iter()
        .map(|e| (e.name.as_str(), e.result.is_ok()))
        .collect()
}

// --- Google Authenticator export links -------------------------------------------------

/// A protobuf encoder for the tests (the reader's counterpart).
fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn field_bytes(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    varint(out, field << 3 | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn field_varint(out: &mut Vec<u8>, field: u64, v: u64) {
    varint(out, field << 3);
    varint(out, v);
}

pub(crate) fn otp_parameters(
    secret: &[u8],
    name: &str,
    issuer: &str,
    algorithm: u64,
    digits: u64,
    kind: u64,
) -> Vec<u8> {
    with_counter(secret, name, issuer, algorithm, digits, kind, 0)
}

/// `OtpParameters` with `counter` (int64: a negative one as its 64-bit two's complement).
pub(crate) fn with_counter(
    secret: &[u8],
    name: &str,
    issuer: &str,
    algorithm: u64,
    digits: u64,
    kind: u64,
    counter: u64,
) -> Vec<u8> {
    let mut out = Vec::new();
    field_bytes(&mut out, 1, secret);
    field_bytes(&mut out, 2, name.as_bytes());
    field_bytes(&mut out, 3, issuer.as_bytes());
    field_varint(&mut out, 4, algorithm);
    field_varint(&mut out, 5, digits);
    field_varint(&mut out, 6, kind);
    field_varint(&mut out, 7, counter);
    out
}

pub(crate) fn payload(accounts: &[Vec<u8>], batch_index: u64, batch_size: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for account in accounts {
        field_bytes(&mut out, 1, account);
    }
    field_varint(&mut out, 2, 1);
    field_varint(&mut out, 3, batch_size);
    field_varint(&mut out, 4, batch_index);
    field_varint(&mut out, 5, 12345);
    out
}

pub(crate) fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn link(payload: &[u8]) -> String {
    let data = base64(payload)
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    format!("otpauth-migration://offline?data={data}")
}

#[test]
fn a_google_link_with_two_accounts_imports_both() {
    let p = payload(
        &[
            otp_parameters(
                b"12345678901234567890",
                "Example:alice@example.com",
                "Example",
                1,
                1,
                2,
            ),
            otp_parameters(b"Hello!\xde\xad\xbe\xef", "bob@example.com", "", 2, 2, 2),
        ],
        0,
        1,
    );
    let batch = read(&link(&p)).unwrap();
    assert_eq!(batch.format, Format::Uris);
    assert_eq!(
        names(&batch),
        [
            ("Example (alice@example.com)", true),
            ("bob@example.com", true)
        ]
    );
    let first = batch.entries[0].result.as_ref().unwrap();
    assert_eq!(first.issuer.as_deref(), Some("Example"));
    assert_eq!(first.account, "alice@example.com");
    assert_eq!(first.secret, Secret::from_base32(SEED).unwrap());
    let second = batch.entries[1].result.as_ref().unwrap();
    assert_eq!(second.secret, Secret::from_base32(SHORT).unwrap());
    assert_eq!(second.params.algorithm, Algorithm::Sha256);
    assert_eq!(second.params.digits, 8);
    assert_eq!(second.issuer, None);
}

#[test]
fn several_google_batches_and_uris_mix_and_md5_is_listed() {
    let one = payload(
        &[otp_parameters(b"12345678901234567890", "a", "A", 1, 1, 2)],
        0,
        2,
    );
    let two = payload(
        &[
            with_counter(b"12345678901234567890", "h", "H", 1, 1, 1, 9),
            otp_parameters(b"12345678901234567890", "m", "M", 4, 1, 2),
            otp_parameters(b"123456789", "s", "S", 1, 1, 2),
        ],
        1,
        2,
    );
    let text = format!(
        "{}\n\n{}\r\notpauth://totp/U:u?secret={SEED}\n",
        link(&one),
        link(&two)
    );
    let batch = read(&text).unwrap();
    assert_eq!(
        names(&batch),
        [
            ("A (a)", true),
            ("H (h)", true),
            ("M (m)", false),
            ("S (s)", false),
            ("U (u)", true)
        ]
    );
    let why = |i: usize| batch.entries[i].result.clone().unwrap_err();
    // The HOTP account keeps its counter: RFC 4226's code for counter 9.
    let hotp = batch.entries[1].result.as_ref().unwrap();
    assert_eq!(hotp.counter, Some(9));
    assert_eq!(
        webtoken_engine::hotp(&hotp.secret, 9, 6, Algorithm::Sha1).unwrap(),
        "520489"
    );
    assert_eq!(batch.entries[0].result.as_ref().unwrap().counter, None);
    assert_eq!(why(2), Refusal::Unsupported { kind: "MD5".into() });
    assert_eq!(
        why(3),
        Refusal::Otpauth(OtpauthError::SecretTooShort { bits: 72 })
    );
    assert!(
        why(2)
            .message(Lang::En)
            .contains("MD5 tokens are not supported")
    );
    assert!(why(2).message(Lang::Ja).contains("MD5方式"));
}

#[test]
fn google_hotp_counters_from_zero_to_the_largest_and_negative_ones_refused() {
    let secret = b"12345678901234567890";
    let p = payload(
        &[
            with_counter(secret, "zero", "Z", 1, 1, 1, 0),
            with_counter(secret, "max", "X", 1, 1, 1, i64::MAX as u64),
            with_counter(secret, "neg", "N", 1, 1, 1, (-5_i64) as u64),
            // A TOTP account's counter means nothing.
            with_counter(secret, "time", "T", 1, 1, 2, 77),
        ],
        0,
        1,
    );
    let batch = read(&link(&p)).unwrap();
    let counter = |i: usize| batch.entries[i].result.as_ref().map(|k| k.counter);
    assert_eq!(counter(0), Ok(Some(0)));
    assert_eq!(counter(1), Ok(Some(i64::MAX as u64)));
    assert_eq!(
        batch.entries[2].result,
        Err(Refusal::Otpauth(OtpauthError::InvalidCounter {
            value: "-5".into()
        }))
    );
    assert_eq!(counter(3), Ok(None));
    // A counter varint cut off is a damaged link, not a panic.
    let mut cut = with_counter(secret, "c", "C", 1, 1, 1, u64::MAX);
    cut.pop();
    let batch = read(&link(&payload(&[cut], 0, 1))).unwrap();
    assert_eq!(batch.entries[0].result, Err(Refusal::BadLink));
}

#[test]
fn damaged_google_links_are_one_refused_entry_each() {
    let good = payload(
        &[otp_parameters(b"12345678901234567890", "a", "A", 1, 1, 2)],
        0,
        1,
    );
    let data = link(&good);
    for bad in [
        "otpauth-migration://offline".to_owned(),
        "otpauth-migration://offline?data=".to_owned() + "!!!",
        "otpauth-migration://offline?data=%ZZ".to_owned(),
        data[..data.len() - 40].to_owned(),
        link(&good[..good.len() - 1]),
        link(&good[..20]),
        link(&[0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        link(&[0x0b]),
        link(&[0x80; 11]),
    ] {
        let batch = read(&bad).unwrap();
        assert_eq!(batch.entries.len(), 1, "{bad}");
        assert_eq!(batch.entries[0].result, Err(Refusal::BadLink), "{bad}");
        assert!(Refusal::BadLink.message(Lang::Ja).contains("壊れて"));
    }
}

// --- otpauth URI lists ------------------------------------------------------------------

#[test]
fn uri_lists_split_on_lines_or_spaces_and_keep_labels_with_spaces() {
    let text = format!(
        "otpauth://totp/ACME Co:john?secret={SEED} otpauth://totp/B:b?secret={SHORT}\notpauth://hotp/C:c?secret={SEED}&counter=1\nnot a uri"
    );
    let batch = read(&text).unwrap();
    // "not a uri" belongs to the URI before it, which is refused as a whole.
    assert_eq!(
        names(&batch),
        [("ACME Co (john)", true), ("B (b)", true), ("C:c", false)]
    );
    // The counter ran into the words after it.
    assert_eq!(
        batch.entries[2].result,
        Err(Refusal::Otpauth(OtpauthError::InvalidCounter {
            value: "1 not a uri".into()
        }))
    );
    let hotp = read(&format!(
        "otpauth://hotp/C:c?secret={SEED}&counter=4\notpauth://totp/D:d?secret={SEED}"
    ))
    .unwrap();
    assert_eq!(names(&hotp), [("C (c)", true), ("D (d)", true)]);
    assert_eq!(hotp.entries[0].result.as_ref().unwrap().counter, Some(4));
    let only = read("hello").unwrap();
    assert_eq!(only.entries.len(), 1);
    assert_eq!(
        only.entries[0].result,
        Err(Refusal::Otpauth(OtpauthError::NotOtpauth))
    );
    // The name of a refused URI never shows its query, where the secret is.
    let bad = read(&format!("otpauth://totp/X:y?secret={SEED}&digits=9")).unwrap();
    assert_eq!(bad.entries[0].name, "X:y");
}

#[test]
fn too_long_empty_and_too_many() {
    assert_eq!(read("  \n "), Err(ImportError::Empty));
    let long = "a".repeat(MAX_IMPORT_BYTES + 1);
    assert_eq!(
        read(&long),
        Err(ImportError::TooLong {
            bytes: MAX_IMPORT_BYTES + 1
        })
    );
    let many: String = (0..MAX_ENTRIES + 5)
        .map(|i| format!("otpauth://totp/I:{i}?secret={SEED}\n"))
        .collect();
    let batch = read(&many).unwrap();
    assert_eq!(batch.entries.len(), MAX_ENTRIES + 5);
    assert!(
        batch.entries[..MAX_ENTRIES]
            .iter()
            .all(|e| e.result.is_ok())
    );
    assert!(
        batch.entries[MAX_ENTRIES..]
            .iter()
            .all(|e| e.result == Err(Refusal::TooMany))
    );
}

// --- Aegis ---------------------------------------------------------------------------------

pub(crate) fn aegis_plain() -> String {
    format!(
        r#"{{"version":1,"header":{{"slots":null,"params":null}},"db":{{"version":3,"entries":[
{{"type":"totp","uuid":"01234567-89ab-cdef-0123-456789abcdef","name":"alice@example.com","issuer":"Example","note":"","favorite":false,"icon":null,"info":{{"secret":"{SEED}","algo":"SHA1","digits":6,"period":30}},"groups":[]}},
{{"type":"hotp","uuid":"1","name":"h","issuer":"HOTP Co","note":"","icon":null,"info":{{"secret":"{SEED}","algo":"SHA1","digits":6,"counter":0}}}},
{{"type":"steam","uuid":"2","name":"s","issuer":"Steam","note":"","icon":null,"info":{{"secret":"{SEED}","algo":"SHA1","digits":5,"period":30}}}},
{{"type":"totp","uuid":"3","name":"bad","issuer":"Bad","note":"","icon":null,"info":{{"secret":"NOTBASE32!NOTBASE32!NOTBASE32!XX","algo":"SHA1","digits":6,"period":30}}}},
{{"type":"totp","uuid":"4","name":"eight","issuer":"Eight","note":"","icon":null,"info":{{"secret":"{SHORT}","algo":"SHA512","digits":8,"period":60}}}}
]}}}}"#
    )
}

#[test]
fn aegis_plain_export_imports_totp_and_lists_the_rest() {
    let batch = read(&aegis_plain()).unwrap();
    assert_eq!(batch.format, Format::Aegis);
    assert_eq!(
        names(&batch),
        [
            ("Example (alice@example.com)", true),
            ("HOTP Co (h)", true),
            ("Steam (s)", false),
            ("Bad (bad)", false),
            ("Eight (eight)", true)
        ]
    );
    assert_eq!(batch.entries[1].result.as_ref().unwrap().counter, Some(0));
    assert_eq!(batch.entries[0].result.as_ref().unwrap().counter, None);
    let eight = batch.entries[4].result.as_ref().unwrap();
    assert_eq!(eight.params.algorithm, Algorithm::Sha512);
    assert_eq!((eight.params.digits, eight.params.period), (8, 60));
    assert!(
        matches!(
            batch.entries[3].result,
            Err(Refusal::Otpauth(OtpauthError::SecretNotBase32 { .. }))
        ),
        "{:?}",
        batch.entries[3].result
    );
    assert_eq!(
        batch.entries[2].result,
        Err(Refusal::Unsupported {
            kind: "Steam".into()
        })
    );
}

/// HOTP entries of every JSON format: the counter as a number or a string; a missing,
/// negative, fractional or oversized one refused with the parser's words.
#[test]
fn hotp_entries_of_every_format_import_with_their_counter() {
    let aegis = |info: &str| {
        format!(
            r#"{{"version":1,"header":{{"slots":null,"params":null}},"db":{{"version":3,"entries":[{{"type":"hotp","name":"h","issuer":"H","info":{{"secret":"{SEED}","algo":"SHA1","digits":6{info}}}}}]}}}}"#
        )
    };
    let twofas = |otp: &str| {
        format!(
            r#"{{"services":[{{"name":"H","secret":"{SEED}","otp":{{"account":"h","tokenType":"HOTP"{otp}}}}}],"schemaVersion":4}}"#
        )
    };
    let extension = |more: &str| {
        format!(
            r#"{{"ab":{{"account":"h","issuer":"H","secret":"{SEED}","type":"hotp","encrypted":false{more}}}}}"#
        )
    };
    let result = |text: String| read(&text).unwrap().entries[0].result.clone();
    let counter = |text: String| result(text).map(|k| k.counter);
    for make in [&aegis as &dyn Fn(&str) -> String, &twofas, &extension] {
        assert_eq!(counter(make(r#","counter":5"#)), Ok(Some(5)));
        assert_eq!(counter(make(r#","counter":"6""#)), Ok(Some(6)));
        assert_eq!(
            counter(make(r#","counter":18446744073709551615"#)),
            Ok(Some(u64::MAX))
        );
        assert_eq!(
            result(make("")),
            Err(Refusal::Otpauth(OtpauthError::MissingCounter))
        );
        assert_eq!(
            result(make(r#","counter":null"#)),
            Err(Refusal::Otpauth(OtpauthError::MissingCounter))
        );
        for (bad, shown) in [
            (r#","counter":-1"#, "-1"),
            (r#","counter":"x""#, "x"),
            (r#","counter":true"#, "true"),
            (r#","counter":[1]"#, "[...]"),
            (
                r#","counter":"18446744073709551616""#,
                "18446744073709551616",
            ),
        ] {
            assert_eq!(
                result(make(bad)),
                Err(Refusal::Otpauth(OtpauthError::InvalidCounter {
                    value: shown.into()
                })),
                "{bad}"
            );
        }
    }
    // The codes are RFC 4226's for the counter given.
    let key = result(aegis(r#","counter":3"#)).unwrap();
    assert_eq!(key.counter, Some(3));
    assert_eq!(
        webtoken_engine::hotp(&key.secret, 3, 6, Algorithm::Sha1).unwrap(),
        "969429"
    );
}

#[test]
fn an_encrypted_aegis_export_is_refused_whole() {
    let text = r#"{"version":1,"header":{"slots":[{"type":1}],"params":{"nonce":"00","tag":"00"}},"db":"c2VjcmV0"}"#;
    let error = read(text).unwrap_err();
    assert_eq!(error, ImportError::Encrypted(Format::Aegis));
    assert!(
        error
            .message(Lang::En)
            .contains("Aegis export is encrypted")
    );
    assert!(error.message(Lang::Ja).contains("暗号化されています"));
}

// --- 2FAS ----------------------------------------------------------------------------------

pub(crate) fn twofas_plain() -> String {
    format!(
        r#"{{"services":[
{{"name":"Example","secret":"{SEED}","updatedAt":1704874073731,"otp":{{"label":"Example:alice@example.com","account":"alice@example.com","issuer":"Example","digits":6,"period":30,"algorithm":"SHA1","tokenType":"TOTP","source":"Link"}},"order":{{"position":0}},"icon":{{"selected":"Label","label":{{"text":"EX","backgroundColor":"Orange"}}}}}},
{{"name":"Counter","secret":"{SEED}","otp":{{"account":"c","digits":6,"counter":3,"algorithm":"SHA1","tokenType":"HOTP"}},"order":{{"position":1}}}},
{{"name":"Short","secret":"{SHORT}","otp":{{"account":"","digits":6,"period":30,"algorithm":"SHA1","tokenType":"TOTP"}}}},
{{"name":"Nothing","otp":{{"account":"n","tokenType":"TOTP"}}}}
],"groups":[],"updatedAt":1704874073731,"schemaVersion":4,"appVersionCode":5000000,"appVersionName":"5.0.0","appOrigin":"android"}}"#
    )
}

#[test]
fn twofas_plain_backup_imports_totp_and_lists_the_rest() {
    let batch = read(&twofas_plain()).unwrap();
    assert_eq!(batch.format, Format::TwoFas);
    assert_eq!(
        names(&batch),
        [
            ("Example (alice@example.com)", true),
            ("Counter (c)", true),
            ("Short", true),
            ("Nothing (n)", false)
        ]
    );
    assert_eq!(
        batch.entries[3].result,
        Err(Refusal::Missing { field: "secret" })
    );
    let short = batch.entries[2].result.as_ref().unwrap();
    assert_eq!(short.account, "Short");
    assert!(short.secret.is_shorter_than_recommended());
}

#[test]
fn an_encrypted_twofas_backup_is_refused_whole() {
    let text =
        r#"{"services":[],"servicesEncrypted":"abc:def:ghi","schemaVersion":4,"reference":"x"}"#;
    assert_eq!(read(text), Err(ImportError::Encrypted(Format::TwoFas)));
}

// --- The Authenticator extension ---------------------------------------------------------------

pub(crate) fn extension_export() -> String {
    format!(
        r#"{{"7f5c0a":{{"account":"alice@example.com","encrypted":false,"hash":"7f5c0a","index":0,"issuer":"Example","secret":"{SEED}","type":"totp","period":30,"digits":6,"algorithm":"SHA1","pinned":false}},
"8a1b2c":{{"account":"gamer","encrypted":false,"hash":"8a1b2c","index":1,"issuer":"Battle","secret":"{SEED}","type":"battle"}},
"9d3e4f":{{"account":"locked","encrypted":true,"hash":"9d3e4f","index":2,"issuer":"Locked","secret":"U2FsdGVkX1+abc","type":"totp"}},
"0a0b0c":{{"account":"bob","encrypted":false,"hash":"0a0b0c","index":3,"issuer":"","secret":"{SHORT}","type":"totp","digits":7}}}}"#
    )
}

#[test]
fn extension_export_imports_totp_and_lists_the_rest() {
    let batch = read(&extension_export()).unwrap();
    assert_eq!(batch.format, Format::Extension);
    assert_eq!(
        names(&batch),
        [
            ("Example (alice@example.com)", true),
            ("Battle (gamer)", false),
            ("Locked (locked)", false),
            ("bob", true)
        ]
    );
    assert_eq!(
        batch.entries[1].result,
        Err(Refusal::Unsupported {
            kind: "Battle.net".into()
        })
    );
    assert_eq!(batch.entries[2].result, Err(Refusal::Encrypted));
    assert_eq!(batch.entries[3].result.as_ref().unwrap().params.digits, 7);
}

#[test]
fn unknown_and_malformed_json_is_a_clear_error() {
    assert_eq!(read("{}"), Err(ImportError::UnknownFormat));
    assert_eq!(read(r#"{"a":1}"#), Err(ImportError::UnknownFormat));
    assert_eq!(read("[1,2]"), Err(ImportError::UnknownFormat));
    for bad in ["{", r#"{"services":"#, "{\"a\":1,}", &"[".repeat(100)] {
        let error = read(bad).unwrap_err();
        assert!(matches!(error, ImportError::Json(_)), "{bad}: {error:?}");
        assert!(error.message(Lang::Ja).contains("JSON"));
    }
    // Entries of the wrong shape are refused one by one, not dropped.
    let batch = read(r#"{"header":{},"db":{"entries":[1,"x",{"type":"totp"}]}}"#).unwrap();
    assert_eq!(batch.entries.len(), 3);
    assert!(batch.entries.iter().all(|e| e.result.is_err()));
    // Truncated exports of every format.
    for text in [aegis_plain(), twofas_plain(), extension_export()] {
        for cut in [1, text.len() / 3, text.len() / 2, text.len() - 1] {
            assert!(read(&text[..cut]).is_err(), "{cut}");
        }
    }
}

#[test]
fn no_message_or_name_shows_a_secret() {
    for text in [aegis_plain(), twofas_plain(), extension_export()] {
        let batch = read(&text).unwrap();
        for entry in &batch.entries {
            assert!(!entry.name.contains(SEED) && !entry.name.contains(SHORT));
            if let Err(why) = &entry.result {
                for lang in [Lang::Ja, Lang::En] {
                    let m = why.message(lang);
                    assert!(!m.contains(SEED) && !m.contains("NOTBASE32"), "{m}");
                }
            }
        }
    }
}

proptest! {
    /// Arbitrary bytes, read as a payload, as a link's data, or as text, never panic.
    #[test]
    fn arbitrary_input_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = google::accounts(&bytes);
        let _ = read(&link(&bytes));
        let _ = read(&String::from_utf8_lossy(&bytes));
    }

    /// Arbitrary text around the formats' markers never panics.
    #[test]
    fn arbitrary_text_never_panics(
        head in prop_oneof![Just("otpauth-migration://offline?data="), Just("otpauth://totp/"),
            Just("{\"header\":{},\"db\":"), Just("{\"services\":"), Just("{\"x\":")],
        tail in ".{0,200}",
    ) {
        let _ = read(&format!("{head}{tail}"));
    }

    /// A payload of valid accounts cut anywhere reads as an error or fewer accounts, never a
    /// panic; whole, it reads every account.
    #[test]
    fn truncated_payloads_never_panic(n in 1_usize..5, cut in any::<prop::sample::Index>()) {
        let accounts: Vec<Vec<u8>> = (0..n)
            .map(|i| otp_parameters(b"12345678901234567890", &format!("a{i}"), "I", 1, 1, 2))
            .collect();
        let whole = payload(&accounts, 0, 1);
        prop_assert_eq!(google::accounts(&whole).map(|a| a.len()), Ok(n));
        let at = cut.index(whole.len());
        if let Ok(found) = google::accounts(&whole[..at]) {
            prop_assert!(found.len() <= n);
        }
    }
}

#[test]
fn batches_are_told_from_single_uris() {
    assert!(is_batch("otpauth-migration://offline?data=AA"));
    assert!(is_batch(" {\"services\":[]}"));
    assert!(is_batch("[]"));
    assert!(is_batch(&format!(
        "otpauth://totp/A:a?secret={SEED}\notpauth://totp/B:b?secret={SEED}"
    )));
    assert!(!is_batch(&format!(
        "otpauth://totp/ACME Co:a?secret={SEED}"
    )));
    assert!(!is_batch("hello"));
    assert!(!is_batch(""));
}

/// The panel's report: a line per entry, imported or refused with the reason, in both
/// languages; a duplicate the list refuses is reported as such.
#[test]
fn the_report_lists_every_entry_with_its_reason() {
    use crate::panel::Refusal as NotAdded;
    use crate::wallet::WalletError;
    let batch = read(&aegis_plain()).unwrap();
    let items = report::items(batch);
    let applied = [
        Some(Ok(())),
        Some(Ok(())),
        None,
        None,
        Some(Err(NotAdded::Wallet(WalletError::Duplicate))),
    ];
    let report = report::Report(
        items
            .into_iter()
            .zip(applied)
            .map(|(item, applied)| item.line(applied))
            .collect(),
    );
    assert_eq!(report.imported(), 2);
    let en = report.text(Lang::En);
    let lines: Vec<&str> = en.lines().collect();
    assert_eq!(lines[0], "Imported 2 of 5:");
    assert_eq!(lines[1], "✓ Example (alice@example.com)");
    assert_eq!(lines[2], "✓ HOTP Co (h)");
    assert!(lines[3].contains("Steam tokens are not supported"));
    assert!(lines[4].starts_with("✗ Bad (bad): not imported."));
    assert!(lines[5].contains("already in your list"), "{}", lines[5]);
    let ja = report.text(Lang::Ja);
    assert!(ja.starts_with("5件中2件を読み込みました"), "{ja}");
    assert!(ja.contains("読み込みませんでした"), "{ja}");
}

#[test]
fn names_in_the_report_drop_invisible_and_control_characters() {
    let text = format!(
        r#"{{"services":[{{"name":"Shin\u202ekin\u200b Bank","secret":"{SEED}","otp":{{"account":"a\u0007b","tokenType":"HOTP"}}}}]}}"#
    );
    let batch = read(&text).unwrap();
    assert_eq!(batch.entries[0].name, "Shinkin Bank (ab)");
}
