#![allow(clippy::unwrap_used)]

use super::*;
use proptest::prelude::*;
use webtoken_engine::totp;

const ACME: &str = "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";
const ACME_SECRET: &str = "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ";

fn parse_err(uri: &str) -> OtpauthError {
    KeyUri::parse(uri).unwrap_err()
}

fn with_secret(label_and_query: &str) -> String {
    format!("otpauth://totp/{label_and_query}")
}

/// The ACME Co example of the Key URI Format documentation. The codes were computed
/// independently with Python's `hmac` (RFC 6238 with SHA-1, 6 digits, 30 s).
#[test]
fn acme_example_parses_gives_known_codes_and_round_trips() {
    let key = KeyUri::parse(ACME).unwrap();
    assert_eq!(key.issuer.as_deref(), Some("ACME Co"));
    assert_eq!(key.account, "john.doe@email.com");
    assert_eq!(key.secret.to_base32(), ACME_SECRET);
    assert_eq!(key.params, Params::default());
    for (time, code) in [
        (0, "818800"),
        (59, "320382"),
        (1_111_111_109, "362012"),
        (1_234_567_890, "566657"),
        (2_000_000_000, "998128"),
        (20_000_000_000, "842397"),
    ] {
        assert_eq!(
            totp(&key.secret, time, &key.params).unwrap(),
            code,
            "t = {time}"
        );
    }
    assert_eq!(key.to_uri(), ACME);
    assert_eq!(ACME.parse::<KeyUri>().unwrap(), key);
}

/// The documentation's first example uses an 80-bit secret: accepted (services issue them; RFC
/// 4226's 128 bits bind the issuer). Under 80 bits is refused, clearly, in both languages.
#[test]
fn documentation_example_with_80_bit_secret_is_accepted_and_72_refused() {
    let key = KeyUri::parse(
        "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    )
    .unwrap();
    assert_eq!(key.secret.as_bytes().len(), 10);
    assert!(key.secret.is_shorter_than_recommended());
    let error =
        parse_err("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PX&issuer=Example");
    assert_eq!(error, OtpauthError::SecretTooShort { bits: 72 });
    assert!(error.message_en().contains("72 bits"));
    assert!(error.message_en().contains("at least 80 bits"));
    assert!(error.message_ja().contains("72ビット"));
    assert!(error.message_ja().contains("80ビット"));
    assert!(!error.message_en().contains("JBSWY3DPEHPK3PX"));

    let key = KeyUri::parse(&with_secret(&format!(
        "Example:alice@google.com?secret={ACME_SECRET}&issuer=Example"
    )))
    .unwrap();
    assert_eq!(key.issuer.as_deref(), Some("Example"));
    assert_eq!(key.account, "alice@google.com");
}

/// Label forms from the documentation: a literal or encoded colon, spaces after it.
#[test]
fn label_forms() {
    for (label, issuer, account) in [
        (
            "Example:alice@gmail.com",
            Some("Example"),
            "alice@gmail.com",
        ),
        ("Provider1:Alice%20Smith", Some("Provider1"), "Alice Smith"),
        (
            "Big%20Corporation%3A%20alice%40bigco.com",
            Some("Big Corporation"),
            "alice@bigco.com",
        ),
        (
            "Big%20Corporation:%20%20alice",
            Some("Big Corporation"),
            "alice",
        ),
        ("alice@example.com", None, "alice@example.com"),
        ("alice+otp@example.com", None, "alice+otp@example.com"),
        (":alice", None, "alice"),
        ("Bank:user:with:colons", Some("Bank"), "user:with:colons"),
    ] {
        let key = KeyUri::parse(&with_secret(&format!("{label}?secret={ACME_SECRET}"))).unwrap();
        assert_eq!(key.issuer.as_deref(), issuer, "{label}");
        assert_eq!(key.account, account, "{label}");
        assert_eq!(KeyUri::parse(&key.to_uri()).unwrap(), key, "{label}");
    }
}

/// Issue 19: bidirectional controls and zero-width characters, percent-encoded or not, are
/// dropped from the issuer and the account, so an import cannot display as another name.
#[test]
fn bidi_controls_and_zero_width_characters_are_dropped_from_names() {
    let uri = with_secret(&format!(
        "%E2%80%AEknaB%20nikniS%E2%80%8B:ali\u{200b}ce?secret={ACME_SECRET}&issuer=%E2%80%AEknaB%20nikniS"
    ));
    let key = KeyUri::parse(&uri).unwrap();
    assert_eq!(key.issuer.as_deref(), Some("knaB nikniS"));
    assert_eq!(key.account, "alice");
    assert!(!key.to_uri().contains("%E2%80%AE"));
    // Nothing visible left: the account is missing, not an invisible name.
    assert!(KeyUri::parse(&with_secret(&format!("%E2%80%8B?secret={ACME_SECRET}"))).is_err());
}

#[test]
fn japanese_names_percent_encoded_or_not() {
    let encoded = "otpauth://totp/%E3%81%95%E3%81%8F%E3%82%89%E9%8A%80%E8%A1%8C:%E5%B1%B1%E7%94%B0%E5%A4%AA%E9%83%8E?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=%E3%81%95%E3%81%8F%E3%82%89%E9%8A%80%E8%A1%8C&algorithm=SHA256&digits=8&period=60";
    let raw = "otpauth://totp/さくら銀行:山田太郎?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=さくら銀行&algorithm=SHA256&digits=8&period=60";
    let key = KeyUri::parse(encoded).unwrap();
    assert_eq!(KeyUri::parse(raw).unwrap(), key);
    assert_eq!(key.issuer.as_deref(), Some("さくら銀行"));
    assert_eq!(key.account, "山田太郎");
    assert_eq!(key.to_uri(), encoded);
    // Python hmac: HMAC-SHA-256, 8 digits, 60 s.
    assert_eq!(key.params.algorithm, Algorithm::Sha256);
    for (time, code) in [
        (59, "74875740"),
        (1_234_567_890, "30246158"),
        (2_000_000_000, "90876097"),
    ] {
        assert_eq!(
            totp(&key.secret, time, &key.params).unwrap(),
            code,
            "t = {time}"
        );
    }
}

#[test]
fn sha512_seven_digits_and_parameter_spelling() {
    let key = KeyUri::parse(&with_secret(
        "Bank:ABCD12345678?SECRET=gezdgnbvgy3tqojqgezdgnbvgy3tqojqgezdgnbvgy3tqojq\
         &Algorithm=sha512&DIGITS=7&period=45&image=https%3A%2F%2Fexample.com%2Flogo.png&counter=x",
    ))
    .unwrap();
    assert_eq!(key.params.algorithm, Algorithm::Sha512);
    assert_eq!((key.params.digits, key.params.period), (7, 45));
    // Python hmac: HMAC-SHA-512, 7 digits, 45 s.
    for (time, code) in [
        (0, "9528738"),
        (1_111_111_109, "5717604"),
        (20_000_000_000, "8408236"),
    ] {
        assert_eq!(
            totp(&key.secret, time, &key.params).unwrap(),
            code,
            "t = {time}"
        );
    }
    assert!(
        key.to_uri()
            .ends_with("&issuer=Bank&algorithm=SHA512&digits=7&period=45")
    );
}

#[test]
fn scheme_and_spacing_are_lenient() {
    let key = KeyUri::parse(&format!(
        "  OTPAUTH://TOTP/ACME%20Co:john?secret={ACME_SECRET}&issuer=ACME+Co#fragment\n"
    ))
    .unwrap();
    assert_eq!(key.issuer.as_deref(), Some("ACME Co"));
    assert_eq!(key.account, "john");
    let spaced =
        KeyUri::parse(&with_secret("a?secret=HXDM%20VJEC+JJWS-RB3&secret2=x&&")).unwrap_err();
    assert_eq!(spaced, OtpauthError::SecretTooShort { bits: 72 });
}

#[test]
fn issuer_from_parameter_only_is_written_in_the_label() {
    let key = KeyUri::parse(&with_secret(&format!(
        "alice?secret={ACME_SECRET}&issuer=Bank"
    )))
    .unwrap();
    assert_eq!(key.issuer.as_deref(), Some("Bank"));
    assert!(key.to_uri().starts_with("otpauth://totp/Bank:alice?"));
    let empty = KeyUri::parse(&with_secret(&format!(
        "Bank:alice?secret={ACME_SECRET}&issuer="
    )))
    .unwrap();
    assert_eq!(empty.issuer.as_deref(), Some("Bank"));
}

#[test]
fn each_error_says_what_is_wrong() {
    let s = ACME_SECRET;
    let long = format!(
        "otpauth://totp/a?secret={s}&x={}",
        "y".repeat(MAX_URI_BYTES)
    );
    let cases: Vec<(String, OtpauthError, &str, &str)> = vec![
        (
            long.clone(),
            OtpauthError::TooLong { bytes: long.len() },
            "too long",
            "長すぎ",
        ),
        (
            "https://example.com/".into(),
            OtpauthError::NotOtpauth,
            "not an otpauth",
            "otpauth://",
        ),
        (
            format!("otpauth://hotp/a?secret={s}"),
            OtpauthError::MissingCounter,
            "needs a counter",
            "counter",
        ),
        (
            format!("otpauth://hotp/a?secret={s}&counter=-1"),
            OtpauthError::InvalidCounter { value: "-1".into() },
            "counter=\"-1\"",
            "counter=\"-1\"",
        ),
        (
            format!("otpauth://motp/a?secret={s}"),
            OtpauthError::UnknownType,
            "Unknown token type",
            "種類",
        ),
        (
            format!("otpauth://totp/?secret={s}"),
            OtpauthError::MissingAccount,
            "no account",
            "アカウント",
        ),
        (
            format!("otpauth://totp/Bank:%20?secret={s}"),
            OtpauthError::MissingAccount,
            "no account",
            "アカウント",
        ),
        (
            format!("otpauth://totp/a%2?secret={s}"),
            OtpauthError::BadPercentEncoding { part: "label" },
            "label",
            "ラベル",
        ),
        (
            format!("otpauth://totp/a%FF?secret={s}"),
            OtpauthError::BadPercentEncoding { part: "label" },
            "percent",
            "エンコード",
        ),
        (
            format!("otpauth://totp/a?secret={s}&issuer=%zz"),
            OtpauthError::BadPercentEncoding { part: "issuer" },
            "issuer",
            "発行者",
        ),
        (
            format!("otpauth://totp/a%0A?secret={s}"),
            OtpauthError::ControlCharacter { part: "label" },
            "control",
            "制御文字",
        ),
        (
            "otpauth://totp/a?issuer=x".into(),
            OtpauthError::MissingSecret,
            "no secret",
            "シークレット",
        ),
        (
            "otpauth://totp/a?secret=".into(),
            OtpauthError::MissingSecret,
            "no secret",
            "シークレット",
        ),
        (
            "otpauth://totp/a?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXB0Z".into(),
            OtpauthError::SecretNotBase32 { position: Some(31) },
            "Character 31",
            "31文字目",
        ),
        (
            "otpauth://totp/a?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZA".into(),
            OtpauthError::SecretNotBase32 { position: None },
            "number of characters",
            "文字数",
        ),
        (
            format!("otpauth://totp/a?secret={}", "A".repeat(400)),
            OtpauthError::SecretTooLong { bytes: 250 },
            "too long",
            "長すぎ",
        ),
        (
            format!("otpauth://totp/a?secret={s}&algorithm=MD5"),
            OtpauthError::UnknownAlgorithm { name: "MD5".into() },
            "\"MD5\"",
            "MD5",
        ),
        (
            format!("otpauth://totp/a?secret={s}&digits=10"),
            OtpauthError::InvalidDigits { value: "10".into() },
            "6, 7 or 8",
            "桁数",
        ),
        (
            format!("otpauth://totp/a?secret={s}&digits=-6"),
            OtpauthError::InvalidDigits { value: "-6".into() },
            "digits",
            "桁数",
        ),
        (
            format!("otpauth://totp/a?secret={s}&digits="),
            OtpauthError::InvalidDigits {
                value: String::new(),
            },
            "digits",
            "桁数",
        ),
        (
            format!("otpauth://totp/a?secret={s}&period=0"),
            OtpauthError::InvalidPeriod { value: "0".into() },
            "1 to 3600",
            "周期",
        ),
        (
            format!("otpauth://totp/a?secret={s}&period=99999999999999999999"),
            OtpauthError::InvalidPeriod {
                value: "99999999999999999999".into(),
            },
            "period",
            "周期",
        ),
        (
            format!("otpauth://totp/a?secret={s}&period=3601"),
            OtpauthError::InvalidPeriod {
                value: "3601".into(),
            },
            "seconds",
            "秒",
        ),
        (
            format!("otpauth://totp/Evil:a?secret={s}&issuer=Bank"),
            OtpauthError::IssuerMismatch {
                label: "Evil".into(),
                parameter: "Bank".into(),
            },
            "differs",
            "一致しません",
        ),
        (
            format!("otpauth://totp/a?secret={s}&issuer=A:B"),
            OtpauthError::IssuerHasColon,
            "colon",
            "コロン",
        ),
        (
            format!("otpauth://totp/a?secret={s}&secret={s}"),
            OtpauthError::DuplicateParameter { name: "secret" },
            "secret",
            "secret",
        ),
        (
            format!("otpauth://totp/a?secret={s}&Digits=6&digits=6"),
            OtpauthError::DuplicateParameter { name: "digits" },
            "more than once",
            "二回",
        ),
    ];
    for (uri, expected, en, ja) in cases {
        let error = parse_err(&uri);
        assert_eq!(error, expected, "{uri}");
        assert!(error.message_en().contains(en), "{}", error.message_en());
        assert!(error.message_ja().contains(ja), "{}", error.message_ja());
        assert_eq!(error.to_string(), error.message_en());
    }
}

#[test]
fn secrets_stay_out_of_debug_and_messages() {
    let key = KeyUri::parse(ACME).unwrap();
    let debug = format!("{key:?}");
    assert!(
        !debug.contains(ACME_SECRET) && debug.contains("<redacted>"),
        "{debug}"
    );
    for secret in [
        "HXDMVJECJJWSRB3HWIZR4IF!GFTMXBOZ",
        "HXDMVJECJJWSRB3",
        "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZA",
    ] {
        let error = parse_err(&with_secret(&format!("a?secret={secret}")));
        for text in [error.message_en(), error.message_ja(), format!("{error:?}")] {
            assert!(!text.contains(&secret[..8]), "{text}");
        }
    }
}

#[test]
fn to_uri_encodes_what_must_be() {
    let key = KeyUri {
        issuer: Some("A&B Co/?#%+".into()),
        account: "x y:z@example.com".into(),
        secret: Secret::from_base32(ACME_SECRET).unwrap(),
        params: Params::default(),
        counter: None,
    };
    let uri = key.to_uri();
    assert!(
        uri.starts_with("otpauth://totp/A%26B%20Co%2F%3F%23%25%2B:x%20y%3Az@example.com?"),
        "{uri}"
    );
    assert_eq!(KeyUri::parse(&uri).unwrap(), key);
}

/// A name the Key URI format carries as it is: no control or invisible formatting characters
/// (those are refused or dropped), and no colon in an issuer.
fn name(colon: bool) -> impl Strategy<Value = String> {
    let pattern = if colon {
        "[^\\p{Cc}\\p{Cf}]{1,24}"
    } else {
        "[^:\\p{Cc}\\p{Cf}]{1,24}"
    };
    proptest::string::string_regex(pattern).unwrap()
}

fn key_uri() -> impl Strategy<Value = KeyUri> {
    (
        proptest::option::of(name(false)),
        name(true),
        proptest::collection::vec(any::<u8>(), 16..=64),
        prop_oneof![
            Just(Algorithm::Sha1),
            Just(Algorithm::Sha256),
            Just(Algorithm::Sha512)
        ],
        6_u8..=8,
        1_u64..=MAX_PERIOD,
        proptest::option::of(any::<u64>()),
    )
        .prop_filter_map(
            "no representable label",
            |(issuer, account, secret, algorithm, digits, period, counter)| {
                // HOTP has no period: it keeps the default.
                let period = if counter.is_some() { 30 } else { period };
                // Spaces after the colon are dropped; without an issuer a colon would start one.
                let account = account.trim_start_matches(' ').to_owned();
                if account.is_empty() || (issuer.is_none() && account.contains(':')) {
                    return None;
                }
                Some(KeyUri {
                    issuer,
                    account,
                    secret: Secret::from_bytes(secret).unwrap(),
                    params: Params {
                        algorithm,
                        digits,
                        period,
                        t0: 0,
                    },
                    counter,
                })
            },
        )
}

proptest! {
    #[test]
    fn format_then_parse_round_trips(key in key_uri()) {
        let uri = key.to_uri();
        prop_assert!(uri.is_ascii());
        prop_assert_eq!(KeyUri::parse(&uri).unwrap(), key);
    }

    #[test]
    fn parse_never_panics(text in "\\PC{0,200}") {
        let _ = KeyUri::parse(&text);
        let _ = KeyUri::parse(&format!("otpauth://totp/{text}"));
        let _ = KeyUri::parse(&format!("otpauth://totp/a?secret={ACME_SECRET}&{text}"));
        let _ = KeyUri::parse(&format!("otpauth://hotp/a?secret={ACME_SECRET}&counter={text}"));
        let _ = KeyUri::parse(&format!("otpauth://hotp/a?secret={ACME_SECRET}&{text}"));
    }
}

#[test]
fn hotp_uris_carry_their_counter() {
    let uri = format!("otpauth://hotp/Example:alice?secret={ACME_SECRET}&issuer=Example&counter=7");
    let key = KeyUri::parse(&uri).unwrap();
    assert_eq!(key.counter, Some(7));
    let canonical = key.to_uri();
    assert!(
        canonical.starts_with("otpauth://hotp/Example:alice?"),
        "{canonical}"
    );
    assert!(canonical.ends_with("&digits=6&counter=7"), "{canonical}");
    assert!(!canonical.contains("period"), "{canonical}");
    assert_eq!(KeyUri::parse(&canonical).unwrap(), key);
    // Case of the type, the largest counter, a period ignored, leading zeros read as decimal.
    let key = KeyUri::parse(&format!(
        "OTPAUTH://HOTP/a?secret={ACME_SECRET}&counter=18446744073709551615&period=60"
    ))
    .unwrap();
    assert_eq!(key.counter, Some(u64::MAX));
    assert_eq!(key.params.period, 30);
    let key = KeyUri::parse(&format!(
        "otpauth://hotp/a?secret={ACME_SECRET}&counter=007"
    ))
    .unwrap();
    assert_eq!(key.counter, Some(7));
    // A TOTP URI's counter is ignored.
    let key = KeyUri::parse(&format!("otpauth://totp/a?secret={ACME_SECRET}&counter=5")).unwrap();
    assert_eq!(key.counter, None);
}

#[test]
fn malformed_hotp_counters_are_refused_with_their_value() {
    for (counter, shown) in [
        ("", ""),
        ("-1", "-1"),
        ("1.5", "1.5"),
        ("0x10", "0x10"),
        (" 1", " 1"),
        ("18446744073709551616", "18446744073709551616"),
        ("999999999999999999999", "999999999999999999999"),
        ("%31%32", "12x"),
    ] {
        let uri = format!("otpauth://hotp/a?secret={ACME_SECRET}&counter={counter}");
        let result = KeyUri::parse(&uri);
        if counter == "%31%32" {
            // Percent-encoded digits are digits.
            assert_eq!(result.unwrap().counter, Some(12));
            continue;
        }
        let error = result.unwrap_err();
        assert_eq!(
            error,
            OtpauthError::InvalidCounter {
                value: shown.to_owned()
            },
            "{counter}"
        );
        assert!(error.message_en().contains("counter"), "{error}");
        assert!(error.message_ja().contains("counter"), "{error}");
    }
    assert_eq!(
        KeyUri::parse(&format!("otpauth://hotp/a?secret={ACME_SECRET}")),
        Err(OtpauthError::MissingCounter)
    );
    assert_eq!(
        KeyUri::parse(&format!(
            "otpauth://hotp/a?secret={ACME_SECRET}&counter=1&counter=2"
        )),
        Err(OtpauthError::DuplicateParameter { name: "counter" })
    );
}

#[test]
fn a_hotp_and_a_totp_key_with_the_same_secret_are_different_credentials() {
    let hotp = KeyUri::parse(&format!("otpauth://hotp/a?secret={ACME_SECRET}&counter=1")).unwrap();
    let later = KeyUri::parse(&format!("otpauth://hotp/a?secret={ACME_SECRET}&counter=9")).unwrap();
    let totp = KeyUri::parse(&format!("otpauth://totp/a?secret={ACME_SECRET}")).unwrap();
    assert!(hotp.same_credential(&later));
    assert!(!hotp.same_credential(&totp));
}
