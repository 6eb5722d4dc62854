//! Tests of the code engine: published vectors, time steps, secrets, and the one HMAC path
//! against two oracles (totp-rs and the `hmac` crate).

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

use super::*;

const RFC4226: &str = include_str!("../tests/vectors/rfc4226.txt");
const RFC6238: &str = include_str!("../tests/vectors/rfc6238.txt");

fn seed(text: &str) -> Secret {
    Secret::from_bytes(text.as_bytes().to_vec()).expect("the RFC seeds are at least 20 bytes")
}

fn data_lines(file: &str) -> impl Iterator<Item = Vec<&str>> {
    file.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split_whitespace().collect())
}

/// The code for `counter` through `totp-rs`, the test oracle.
///
/// totp-rs counts time steps only, so it is given a step of one second and the counter as the
/// time: `generate(counter)` then signs `counter / 1`, which is exactly HOTP(K, C) of RFC 4226.
fn via_totp_rs(secret: &Secret, counter: u64, digits: u8, algorithm: Algorithm) -> String {
    let algorithm = match algorithm {
        Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
        Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
        Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
    };
    totp_rs::Builder::new()
        .with_algorithm(algorithm)
        .with_digits(digits)
        .with_skew(0)
        .with_step_duration(1)
        .with_secret(secret.as_bytes())
        .build()
        .expect("settings totp-rs accepts: 6 to 8 digits, at least 128 bits")
        .generate(counter)
        .to_string()
}

/// RFC 4226 Appendix D and RFC 6238 Appendix B, read from `tests/vectors/`, through every way of
/// asking for a code (`hotp`, `totp`, `PreparedKey`) and through the oracle, totp-rs.
#[test]
fn published_vectors() {
    let mut secret = None;
    let mut hotp_checked = 0;
    for fields in data_lines(RFC4226) {
        match fields.as_slice() {
            ["secret", text] => secret = Some(seed(text)),
            [counter, expected] => {
                let secret = secret.as_ref().expect("the secret line comes first");
                let counter: u64 = counter.parse().expect("a counter");
                assert_eq!(
                    hotp(secret, counter, 6, Algorithm::Sha1).unwrap(),
                    *expected
                );
                assert_eq!(via_totp_rs(secret, counter, 6, Algorithm::Sha1), *expected);
                let key = PreparedKey::new(secret, Algorithm::Sha1);
                assert_eq!(key.code(counter, 6).unwrap(), *expected);
                hotp_checked += 1;
            }
            other => panic!("unexpected line in rfc4226.txt: {other:?}"),
        }
    }
    assert_eq!(hotp_checked, 10, "RFC 4226 Appendix D has 10 values");

    let mut seeds = std::collections::HashMap::new();
    let mut totp_checked = 0;
    for fields in data_lines(RFC6238) {
        match fields.as_slice() {
            ["seed", algorithm, text] => {
                let algorithm: Algorithm = algorithm.parse().expect("an algorithm name");
                seeds.insert(algorithm, seed(text));
            }
            [time, algorithm, digits, expected] => {
                let algorithm: Algorithm = algorithm.parse().expect("an algorithm name");
                let secret = &seeds[&algorithm];
                let params = Params {
                    algorithm,
                    digits: digits.parse().expect("a digit count"),
                    period: 30,
                    t0: 0,
                };
                let time: u64 = time.parse().expect("a time");
                assert_eq!(
                    totp(secret, time, &params).unwrap(),
                    *expected,
                    "T={time} {algorithm}"
                );
                let key = PreparedKey::new(secret, algorithm);
                assert_eq!(
                    key.code(params.step(time), params.digits).unwrap(),
                    *expected
                );
                assert_eq!(
                    via_totp_rs(secret, params.step(time), params.digits, algorithm),
                    *expected
                );
                totp_checked += 1;
            }
            other => panic!("unexpected line in rfc6238.txt: {other:?}"),
        }
    }
    assert_eq!(seeds.len(), 3);
    assert_eq!(
        seeds[&Algorithm::Sha256].as_bytes().len(),
        32,
        "RFC 6238 seeds: 20, 32 and 64 bytes"
    );
    assert_eq!(seeds[&Algorithm::Sha512].as_bytes().len(), 64);
    assert_eq!(
        totp_checked, 36,
        "18 published values and their 6-digit forms"
    );
}

#[test]
fn six_digit_form_of_the_rfc_6238_example() {
    let secret = seed("12345678901234567890");
    assert_eq!(
        totp(&secret, 1_234_567_890, &Params::default()).unwrap(),
        "005924"
    );
}

#[test]
fn codes_keep_leading_zeros_in_every_length() {
    let secret = seed("12345678901234567890");
    // T = 1111111109 gives 07081804 with 8 digits (RFC 6238 Appendix B).
    let step = Params::default().step(1_111_111_109);
    assert_eq!(
        code_at_step(&secret, step, &params_with_digits(8)).unwrap(),
        "07081804"
    );
    assert_eq!(
        code_at_step(&secret, step, &params_with_digits(7)).unwrap(),
        "7081804"
    );
    assert_eq!(
        code_at_step(&secret, step, &params_with_digits(6)).unwrap(),
        "081804"
    );
}

fn params_with_digits(digits: u8) -> Params {
    Params {
        digits,
        ..Params::default()
    }
}

#[test]
fn steps_turn_over_at_period_boundaries() {
    let params = Params::default();
    for t in 0..30 {
        assert_eq!(params.step(t), 0, "t={t}");
        assert_eq!(params.remaining(t), 30 - t);
    }
    for t in 30..60 {
        assert_eq!(params.step(t), 1, "t={t}");
    }
    assert_eq!(params.step(60), 2);
    assert_eq!(params.remaining(60), 30);
    assert_eq!(params.remaining(59), 1);
    let secret = seed("12345678901234567890");
    let code_0 = totp(&secret, 0, &params).unwrap();
    assert_eq!(totp(&secret, 29, &params).unwrap(), code_0);
    assert_ne!(totp(&secret, 30, &params).unwrap(), code_0);
    assert_eq!(
        totp(&secret, 30, &params).unwrap(),
        totp(&secret, 59, &params).unwrap()
    );
    // RFC 4226 Appendix D: counter 1 is 287082, counter 2 is 359152.
    assert_eq!(totp(&secret, 59, &params).unwrap(), "287082");
    assert_eq!(totp(&secret, 60, &params).unwrap(), "359152");
}

#[test]
fn sixty_second_period_and_t0() {
    let params = Params {
        period: 60,
        t0: 1000,
        ..Params::default()
    };
    assert_eq!(
        params.step(999),
        0,
        "before T0 the step is 0, not an underflow"
    );
    assert_eq!(params.remaining(999), 60);
    assert_eq!(params.step(1000), 0);
    assert_eq!(params.step(1059), 0);
    assert_eq!(params.step(1060), 1);
    assert_eq!(params.remaining(1059), 1);
    let secret = seed("12345678901234567890");
    // Step 1 with T0 = 1000 and X = 60 is HOTP counter 1 (RFC 4226 Appendix D: 287082).
    assert_eq!(totp(&secret, 1060, &params).unwrap(), "287082");
}

#[test]
fn huge_times_do_not_overflow() {
    let secret = seed("12345678901234567890");
    let params = Params::default();
    // RFC 6238 Appendix B, T = 20000000000 (year 2603).
    assert_eq!(totp(&secret, 20_000_000_000, &params).unwrap(), "353130");
    for t in [u64::MAX, u64::MAX - 1, u64::MAX - 30, 1 << 63] {
        let code = totp(&secret, t, &params).unwrap();
        assert_eq!(code.len(), 6);
        assert_eq!(code, code_at_step(&secret, t / 30, &params).unwrap());
        assert!(params.remaining(t) >= 1 && params.remaining(t) <= 30);
    }
    let one_second = Params {
        period: 1,
        ..params
    };
    assert_eq!(one_second.step(u64::MAX), u64::MAX);
    let key = PreparedKey::new(&secret, Algorithm::Sha1);
    assert_eq!(
        hotp(&secret, u64::MAX, 6, Algorithm::Sha1).unwrap(),
        key.code(u64::MAX, 6).unwrap()
    );
}

#[test]
fn a_digit_count_of_any_size_is_6_7_or_8_or_refused_by_its_number() {
    assert_eq!(digits_of(6), Ok(6));
    assert_eq!(digits_of(8), Ok(8));
    for digits in [0, 5, 9, 256, u64::MAX] {
        let refused = digits_of(digits).unwrap_err();
        assert_eq!(refused, EngineError::UnsupportedDigits { digits });
        assert!(
            refused
                .to_string()
                .contains(&format!("codes of {digits} digits"))
        );
    }
}

#[test]
fn invalid_parameters_are_errors() {
    let secret = seed("12345678901234567890");
    for digits in [0, 5, 9, 10, 255] {
        assert_eq!(
            totp(&secret, 59, &params_with_digits(digits)),
            Err(EngineError::UnsupportedDigits {
                digits: u64::from(digits)
            })
        );
        assert_eq!(
            hotp(&secret, 0, digits, Algorithm::Sha1),
            Err(EngineError::UnsupportedDigits {
                digits: u64::from(digits)
            })
        );
    }
    for period in [0, MAX_PERIOD + 1] {
        let params = Params {
            period,
            ..Params::default()
        };
        assert_eq!(
            totp(&secret, 59, &params),
            Err(EngineError::InvalidPeriod { period })
        );
    }
    let zero_period = Params {
        period: 0,
        ..Params::default()
    };
    assert_eq!(zero_period.step(100), 100, "no division by zero");
    assert_eq!(zero_period.remaining(100), 1);
}

#[test]
fn numbers_from_javascript_are_checked_not_truncated() {
    assert_eq!(
        whole_number("unixSeconds", 1_234_567_890.0),
        Ok(1_234_567_890)
    );
    assert_eq!(whole_number("unixSeconds", 0.0), Ok(0));
    assert_eq!(whole_number("unixSeconds", -0.0), Ok(0));
    assert_eq!(
        whole_number("unixSeconds", MAX_SAFE_INTEGER as f64),
        Ok(MAX_SAFE_INTEGER)
    );
    for (value, problem) in [
        (-1.0, "is negative"),
        (-0.5, "is negative"),
        (f64::NEG_INFINITY, "is infinite"),
        (f64::INFINITY, "is infinite"),
        (f64::NAN, "is NaN"),
        (1.5, "is not a whole number"),
        (
            9_007_199_254_740_992.0,
            "is larger than Number.MAX_SAFE_INTEGER",
        ),
    ] {
        let error = whole_number("unixSeconds", value).unwrap_err();
        assert!(
            matches!(&error, EngineError::InvalidNumber { problem: p, .. } if *p == problem),
            "{value}: {error:?}"
        );
    }
    assert_eq!(
        whole_number("unixSeconds", -1.0).unwrap_err().to_string(),
        "unixSeconds is negative (-1); pass a whole number from 0 to 9007199254740991"
    );
    assert_eq!(
        whole_number_shown("unixSeconds", 1e300, |_| "1e+300".to_owned())
            .unwrap_err()
            .to_string(),
        "unixSeconds is larger than Number.MAX_SAFE_INTEGER (1e+300); pass a whole number from \
         0 to 9007199254740991"
    );
    assert_eq!(
        whole_number_shown("period", 30.0, |_| unreachable!()),
        Ok(30)
    );
    assert_eq!(
        whole_number("counter", f64::NAN).unwrap_err().to_string(),
        "counter is NaN (NaN); pass a whole number from 0 to 9007199254740991"
    );
}

#[test]
fn algorithm_names() {
    for (text, algorithm) in [
        ("SHA1", Algorithm::Sha1),
        ("sha256", Algorithm::Sha256),
        ("Sha512", Algorithm::Sha512),
        ("SHA-256", Algorithm::Sha256),
    ] {
        assert_eq!(text.parse::<Algorithm>().unwrap(), algorithm);
    }
    assert_eq!(Algorithm::Sha256.to_string(), "SHA256");
    assert_eq!(
        "MD5".parse::<Algorithm>(),
        Err(EngineError::UnknownAlgorithm {
            name: "MD5".to_owned()
        })
    );
    assert!(
        "MD5"
            .parse::<Algorithm>()
            .unwrap_err()
            .to_string()
            .contains("\"SHA1\", \"SHA256\" or \"SHA512\"")
    );
    assert_eq!(
        serde_json::to_string(&Algorithm::Sha512).unwrap(),
        "\"SHA512\""
    );
    assert_eq!(
        serde_json::from_str::<Algorithm>("\"SHA256\"").unwrap(),
        Algorithm::Sha256
    );
}

#[test]
fn params_serde_round_trip() {
    let params = Params {
        algorithm: Algorithm::Sha256,
        digits: 8,
        period: 60,
        t0: 5,
    };
    let json = serde_json::to_string(&params).unwrap();
    assert_eq!(
        json,
        r#"{"algorithm":"SHA256","digits":8,"period":60,"t0":5}"#
    );
    assert_eq!(serde_json::from_str::<Params>(&json).unwrap(), params);
}

// ---- Secrets ----

#[test]
fn base32_known_values() {
    // Computed with Python's base64.b32encode (RFC 4648).
    let cases: [(&[u8], &str); 6] = [
        (b"1234567890123456", "GEZDGNBVGY3TQOJQGEZDGNBVGY======"),
        (b"12345678901234567", "GEZDGNBVGY3TQOJQGEZDGNBVGY3Q===="),
        (b"123456789012345678", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQ==="),
        (b"1234567890123456789", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOI="),
        (b"12345678901234567890", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
        (&[0xff; 16], "77777777777777777777777774======"),
    ];
    for (bytes, padded) in cases {
        let secret = Secret::from_base32(padded).unwrap();
        assert_eq!(secret.as_bytes(), bytes);
        let unpadded = padded.trim_end_matches('=');
        assert_eq!(secret.to_base32(), unpadded);
        assert_eq!(Secret::from_base32(unpadded).unwrap().as_bytes(), bytes);
    }
}

#[test]
fn base32_input_is_forgiving_about_case_spaces_and_padding() {
    let expected = b"12345678901234567890";
    for text in [
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
        "gezd gnbv gy3t qojq gezd gnbv gy3t qojq",
        "GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ",
        "GEZDGNBVGY3TQOJQ\u{3000}GEZDGNBVGY3TQOJQ",
        "  GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n",
    ] {
        assert_eq!(
            Secret::from_base32(text).unwrap().as_bytes(),
            expected,
            "{text:?}"
        );
    }
}

#[test]
fn base32_errors_say_what_is_wrong() {
    assert_eq!(
        Secret::from_base32("GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ").unwrap_err(),
        EngineError::InvalidBase32Character {
            character: '1',
            position: 16
        }
    );
    assert_eq!(
        Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQO").unwrap_err(),
        EngineError::InvalidBase32Length { symbols: 30 }
    );
    assert_eq!(
        Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVG").unwrap_err(),
        EngineError::InvalidBase32Length { symbols: 25 }
    );
    assert_eq!(
        Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBV==GY3TQOJQ").unwrap_err(),
        EngineError::InvalidBase32Character {
            character: 'G',
            position: 27
        }
    );
    // 9 bytes = 72 bits: under the 80 bits a token accepts.
    let short = "GEZDGNBVGY3TQOI";
    assert_eq!(
        Secret::from_base32(short).unwrap_err(),
        EngineError::SecretTooShort { bits: 72 }
    );
    assert_eq!(
        Secret::from_base32("").unwrap_err(),
        EngineError::SecretTooShort { bits: 0 }
    );
    let message = Secret::from_base32(short).unwrap_err().to_string();
    assert!(
        message.contains("72 bits") && message.contains("80"),
        "{message}"
    );
    // 80 bits (the Key URI documentation's example) is accepted, with a note; 128 is not noted.
    let eighty = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
    assert_eq!(eighty.as_bytes().len(), 10);
    assert!(eighty.is_shorter_than_recommended());
    assert!(
        !Secret::from_bytes(vec![0; 16])
            .unwrap()
            .is_shorter_than_recommended()
    );
    let message = Secret::from_base32("GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ")
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("character 16") && message.contains("'1'"),
        "{message}"
    );
    assert_eq!(
        Secret::from_bytes(vec![0; MAX_SECRET_BYTES + 1]).unwrap_err(),
        EngineError::SecretTooLong {
            bytes: MAX_SECRET_BYTES + 1
        }
    );
    assert_eq!(
        Secret::from_bytes(vec![0; 9]).unwrap_err(),
        EngineError::SecretTooShort { bits: 72 }
    );
    assert!(Secret::from_bytes(vec![0; 10]).is_ok());
}

#[test]
fn secrets_never_print() {
    let secret = seed("12345678901234567890");
    let debug = format!("{secret:?}");
    assert_eq!(debug, "Secret(<redacted>)");
    let key = PreparedKey::new(&secret, Algorithm::Sha256);
    assert_eq!(format!("{key:?}"), "PreparedKey(SHA256, <redacted>)");
    let nested = format!("{:?}", Some(&secret));
    assert!(
        !nested.contains("GEZD") && !nested.contains("1234"),
        "{nested}"
    );
}

#[test]
fn secrets_are_wiped_on_drop() {
    fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    wiped_on_drop::<Secret>();
}

#[test]
fn random_secrets_have_the_requested_length_and_differ() {
    let a = Secret::random(ISSUED_SECRET_BYTES, &mut random::OsRandom).unwrap();
    let b = Secret::random(ISSUED_SECRET_BYTES, &mut random::OsRandom).unwrap();
    assert_eq!(a.as_bytes().len(), 20);
    assert_ne!(a, b, "two 160-bit draws are equal with probability 2^-160");
    assert_eq!(
        Secret::random(8, &mut random::OsRandom).unwrap_err(),
        EngineError::SecretTooShort { bits: 64 }
    );
    // The issuer's rule stands: a new secret has 128 bits at least, though 80 are accepted.
    assert_eq!(
        Secret::random(MIN_SECRET_BYTES, &mut random::OsRandom).unwrap_err(),
        EngineError::SecretTooShort { bits: 80 }
    );
    assert!(Secret::random(MIN_ISSUED_SECRET_BYTES, &mut random::OsRandom).is_ok());
}

#[test]
fn secret_serde_is_base32() {
    let secret = seed("12345678901234567890");
    let json = serde_json::to_string(&secret).unwrap();
    assert_eq!(json, "\"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\"");
    assert_eq!(serde_json::from_str::<Secret>(&json).unwrap(), secret);
    assert!(serde_json::from_str::<Secret>("\"GEZDGNBV\"").is_err());
}

/// HOTP through the `hmac` crate, as a third, independent path.
fn via_hmac_crate(key: &[u8], counter: u64, digits: u8, algorithm: Algorithm) -> u32 {
    use hmac::{Hmac, KeyInit, Mac};
    fn mac<M: Mac + KeyInit>(key: &[u8], counter: u64) -> Vec<u8> {
        let mut mac = <M as KeyInit>::new_from_slice(key).unwrap();
        mac.update(&counter.to_be_bytes());
        mac.finalize().into_bytes().to_vec()
    }
    let hash = match algorithm {
        Algorithm::Sha1 => mac::<Hmac<sha1::Sha1>>(key, counter),
        Algorithm::Sha256 => mac::<Hmac<sha2::Sha256>>(key, counter),
        Algorithm::Sha512 => mac::<Hmac<sha2::Sha512>>(key, counter),
    };
    let offset = usize::from(hash[hash.len() - 1] & 0xf);
    let binary = u32::from_be_bytes(hash[offset..offset + 4].try_into().unwrap()) & 0x7fff_ffff;
    binary % 10_u32.pow(u32::from(digits))
}

#[test]
fn prepared_key_handles_keys_longer_than_a_block() {
    // Keys over 64 bytes are hashed first for SHA-1 and SHA-256 (RFC 2104 section 2).
    for len in [63, 64, 65, 100, MAX_SECRET_BYTES] {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        let secret = Secret::from_bytes(bytes.clone()).unwrap();
        for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
            let key = PreparedKey::new(&secret, algorithm);
            for counter in [0, 1, 59, u64::MAX] {
                let expected = via_totp_rs(&secret, counter, 8, algorithm);
                assert_eq!(
                    key.code(counter, 8).unwrap(),
                    expected,
                    "len {len} {algorithm}"
                );
                assert_eq!(
                    key.value(counter, 8).unwrap(),
                    via_hmac_crate(&bytes, counter, 8, algorithm)
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn base32_round_trips(bytes in proptest::collection::vec(any::<u8>(), MIN_SECRET_BYTES..=MAX_SECRET_BYTES)) {
        let secret = Secret::from_bytes(bytes.clone()).unwrap();
        let text = secret.to_base32();
        prop_assert!(!text.contains('='));
        let upper = Secret::from_base32(&text).unwrap();
        let lower = Secret::from_base32(&text.to_lowercase()).unwrap();
        prop_assert_eq!(upper.as_bytes(), &bytes[..]);
        prop_assert_eq!(lower.as_bytes(), &bytes[..]);
    }

    /// Several counters at once (a validation window; side by side on SHA-NI) give each
    /// counter's own value, for any counters, the ends of the range included.
    #[test]
    fn values_at_once_agree_with_the_hmac_crate(
        bytes in proptest::collection::vec(any::<u8>(), MIN_SECRET_BYTES..=MAX_SECRET_BYTES),
        counters in proptest::array::uniform3(prop_oneof![
            any::<u64>(), Just(0_u64), Just(1), Just(u64::MAX - 1), Just(u64::MAX)
        ]),
        digits in MIN_DIGITS..=MAX_DIGITS,
        algorithm in prop_oneof![Just(Algorithm::Sha1), Just(Algorithm::Sha256), Just(Algorithm::Sha512)],
    ) {
        let secret = Secret::from_bytes(bytes).unwrap();
        let key = PreparedKey::new(&secret, algorithm);
        let values = key.values(counters, digits).unwrap();
        for (value, counter) in values.into_iter().zip(counters) {
            prop_assert_eq!(value, via_hmac_crate(secret.as_bytes(), counter, digits, algorithm));
            prop_assert_eq!(value, key.value(counter, digits).unwrap());
        }
    }

    /// Every way of asking for a code (`hotp`, `code_at_step`, `totp`, `PreparedKey`) gives
    /// totp-rs's code and the `hmac` crate's value, for every algorithm and number of digits.
    #[test]
    fn codes_agree_with_totp_rs(
        // totp-rs refuses secrets under 128 bits; the `hmac` crate's oracle covers shorter ones.
        bytes in proptest::collection::vec(any::<u8>(), MIN_ISSUED_SECRET_BYTES..=MAX_SECRET_BYTES),
        counter in any::<u64>(),
        digits in MIN_DIGITS..=MAX_DIGITS,
        algorithm in prop_oneof![Just(Algorithm::Sha1), Just(Algorithm::Sha256), Just(Algorithm::Sha512)],
        period in 1..=MAX_PERIOD,
    ) {
        let secret = Secret::from_bytes(bytes).unwrap();
        let oracle = via_totp_rs(&secret, counter, digits, algorithm);
        prop_assert_eq!(hotp(&secret, counter, digits, algorithm).unwrap(), oracle.clone());
        let params = Params { algorithm, digits, period, t0: 0 };
        prop_assert_eq!(code_at_step(&secret, counter, &params).unwrap(), oracle.clone());
        // `totp` at the Unix time `counter`, in step counter / period.
        prop_assert_eq!(
            totp(&secret, counter, &params).unwrap(),
            via_totp_rs(&secret, counter / period, digits, algorithm)
        );
        let key = PreparedKey::new(&secret, algorithm);
        prop_assert_eq!(key.code(counter, digits).unwrap(), oracle.clone());
        prop_assert_eq!(key.value(counter, digits).unwrap(), oracle.parse::<u32>().unwrap());
        prop_assert_eq!(key.value(counter, digits).unwrap(), via_hmac_crate(secret.as_bytes(), counter, digits, algorithm));
        // The same key answers again for the next counter (the keyed state is not consumed).
        prop_assert_eq!(
            key.code(counter.wrapping_add(1), digits).unwrap(),
            via_totp_rs(&secret, counter.wrapping_add(1), digits, algorithm)
        );
    }
}

#[test]
fn codes_are_grouped_in_halves() {
    assert_eq!(group_code("123456"), "123 456");
    assert_eq!(group_code("1234567"), "123 4567");
    assert_eq!(group_code("12345678"), "1234 5678");
    assert_eq!(group_code(""), "");
}
