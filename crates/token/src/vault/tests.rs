use super::*;

fn device() -> Envelope {
    Envelope {
        key: KeySpec::Device {
            key_id: [1, 2, 3, 4, 5, 6, 7, 8],
        },
        nonce: [9; NONCE_BYTES],
        ciphertext: (0..40).collect(),
    }
}

fn passphrase() -> Envelope {
    Envelope {
        key: KeySpec::Passphrase(Pbkdf2Params::new(600_000, vec![0x5A; SALT_BYTES]).unwrap()),
        nonce: [3; NONCE_BYTES],
        ciphertext: vec![0xFF; 17],
    }
}

#[test]
fn base64url_matches_rfc_4648_vectors() {
    // RFC 4648 section 10, without padding, plus the URL-safe characters.
    for (bytes, text) in [
        (&b""[..], ""),
        (b"f", "Zg"),
        (b"fo", "Zm8"),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg"),
        (b"fooba", "Zm9vYmE"),
        (b"foobar", "Zm9vYmFy"),
        (&[0xFB, 0xFF], "-_8"),
    ] {
        let mut out = String::new();
        encode_into(&mut out, bytes);
        assert_eq!(out, text);
        assert_eq!(decode(text).unwrap(), bytes);
    }
}

#[test]
fn base64url_refuses_non_canonical_text() {
    for bad in ["Zg=", "Zh", "Zm9", "Z", "Zm+v", "Zm/v", "Zm v", "Zm9vY"] {
        assert_eq!(decode(bad), None, "{bad:?}");
    }
    assert_eq!(decode("Zm8").unwrap(), b"fo");
    assert_eq!(decode("Zm9"), None, "trailing bits must be zero");
}

#[test]
fn envelopes_round_trip_through_text() {
    for envelope in [device(), passphrase()] {
        let text = envelope.to_text();
        assert!(text.is_ascii());
        assert_eq!(Envelope::parse(&text).unwrap(), envelope);
    }
    assert_eq!(
        passphrase().to_text(),
        "webtoken-vault.1.A256GCM.pbkdf2-sha256.600000.WlpaWlpaWlpaWlpaWlpaWg.AwMDAwMDAwMDAwMD.\
         ______________________8"
    );
}

#[test]
fn the_header_and_purpose_are_the_additional_data() {
    let envelope = passphrase();
    let aad = envelope.additional_data("token-wallet");
    let header = "webtoken-vault.1.A256GCM.pbkdf2-sha256.600000.WlpaWlpaWlpaWlpaWlpaWg";
    assert_eq!(aad, [&b"token-wallet\0"[..], header.as_bytes()].concat());
    assert_ne!(aad, envelope.additional_data("token-service"));
    let other = KeySpec::Passphrase(Pbkdf2Params::new(600_001, vec![0x5A; SALT_BYTES]).unwrap());
    assert_ne!(aad, other.additional_data("token-wallet"));
    assert_ne!(
        device().additional_data("p"),
        KeySpec::Device { key_id: [0; 8] }.additional_data("p")
    );
}

#[test]
fn weak_or_excessive_iterations_are_refused_before_any_derivation() {
    let text = passphrase().to_text();
    let weak = text.replace(".600000.", ".599999.");
    assert_eq!(
        Envelope::parse(&weak),
        Err(VaultError::IterationsTooLow {
            iterations: 599_999
        })
    );
    assert_eq!(
        Envelope::parse(&text.replace(".600000.", ".1000.")),
        Err(VaultError::IterationsTooLow { iterations: 1000 })
    );
    assert_eq!(
        Envelope::parse(&text.replace(".600000.", ".10000001.")),
        Err(VaultError::IterationsTooHigh {
            iterations: 10_000_001
        })
    );
    for bad in [
        ".0600000.",
        ".+600000.",
        ".600000 .",
        ".6e5.",
        "..",
        ".99999999999.",
    ] {
        assert!(
            matches!(
                Envelope::parse(&text.replace(".600000.", bad)),
                Err(VaultError::BadNumber { .. } | VaultError::Truncated)
            ),
            "{bad:?}"
        );
    }
    assert_eq!(
        Pbkdf2Params::new(599_999, vec![0; 16]),
        Err(VaultError::IterationsTooLow {
            iterations: 599_999
        })
    );
    assert!(Pbkdf2Params::new(1_000_000, vec![0; 32]).is_ok());
}

#[test]
fn salts_nonces_and_key_ids_must_have_their_sizes() {
    assert_eq!(
        Pbkdf2Params::new(600_000, vec![0; 15]),
        Err(VaultError::BadLength { field: "salt" })
    );
    assert_eq!(
        Pbkdf2Params::new(600_000, vec![0; 65]),
        Err(VaultError::BadLength { field: "salt" })
    );
    let text = device().to_text();
    let fields: Vec<&str> = text.split('.').collect();
    let with = |i: usize, value: &str| {
        let mut f = fields.clone();
        f[i] = value;
        f.join(".")
    };
    assert_eq!(
        Envelope::parse(&with(4, "AQIDBAUGBw")),
        Err(VaultError::BadLength { field: "key id" })
    );
    assert_eq!(
        Envelope::parse(&with(5, "CQkJCQkJCQkJCQk")),
        Err(VaultError::BadLength { field: "nonce" })
    );
    assert_eq!(
        Envelope::parse(&with(6, "AAECAwQFBgcICQoLDA0O")),
        Err(VaultError::BadLength {
            field: "ciphertext"
        })
    );
    assert_eq!(
        Envelope::parse(&with(6, "AAEC*wQF")),
        Err(VaultError::BadEncoding {
            field: "ciphertext"
        })
    );
}

#[test]
fn unknown_versions_algorithms_and_kinds_are_refused() {
    let text = device().to_text();
    assert_eq!(
        Envelope::parse(&text.replacen(".1.", ".2.", 1)),
        Err(VaultError::UnsupportedVersion { found: "2".into() })
    );
    assert_eq!(
        Envelope::parse(&text.replace("A256GCM", "A128GCM")),
        Err(VaultError::UnsupportedAlgorithm {
            found: "A128GCM".into()
        })
    );
    assert_eq!(
        Envelope::parse(&text.replace(".device.", ".plain.")),
        Err(VaultError::UnknownKeyKind {
            found: "plain".into()
        })
    );
    assert_eq!(
        Envelope::parse("{\"tokens\":[]}"),
        Err(VaultError::NotAVault)
    );
    assert_eq!(Envelope::parse(""), Err(VaultError::NotAVault));
    assert_eq!(
        Envelope::parse("webtoken-vault"),
        Err(VaultError::Truncated)
    );
    assert_eq!(
        Envelope::parse("webtoken-vault.1.A256GCM.device"),
        Err(VaultError::Truncated)
    );
    assert_eq!(
        Envelope::parse(&format!("{text}.AAAA")),
        Err(VaultError::ExtraFields)
    );
    let cut = &text[..text.rfind('.').unwrap()];
    assert_eq!(Envelope::parse(cut), Err(VaultError::Truncated));
}

#[test]
fn every_single_byte_edit_of_the_text_is_refused_or_changes_what_is_authenticated() {
    // A flipped byte either fails to parse, or yields a different envelope (other nonce,
    // ciphertext or additional data), which AES-GCM then refuses.
    let original = passphrase();
    let text = original.to_text();
    for i in 0..text.len() {
        let mut bytes = text.clone().into_bytes();
        bytes[i] ^= 0x01;
        let Ok(edited) = String::from_utf8(bytes) else {
            continue;
        };
        if let Ok(parsed) = Envelope::parse(&edited) {
            assert!(
                parsed.nonce != original.nonce
                    || parsed.ciphertext != original.ciphertext
                    || parsed.additional_data("x") != original.additional_data("x"),
                "byte {i} edited to {edited:?} parses to the same envelope"
            );
        }
    }
}

#[test]
fn passphrases_need_eight_characters() {
    assert_eq!(
        check_passphrase("1234567"),
        Err(VaultError::PassphraseTooShort)
    );
    assert_eq!(check_passphrase("あいうえおかきく"), Ok(()));
    assert_eq!(check_passphrase("correct horse"), Ok(()));
}

#[test]
fn every_error_has_both_messages() {
    for e in [
        VaultError::NotAVault,
        VaultError::Damaged,
        VaultError::DeviceKeyMissing,
        VaultError::WrongPassphrase,
        VaultError::IterationsTooLow { iterations: 1 },
        VaultError::UnsupportedVersion { found: "9".into() },
        VaultError::BadContents,
    ] {
        assert!(!e.message_ja().is_ascii(), "{e:?}");
        assert!(e.message_en().is_ascii() && e.message_en().ends_with('.'));
    }
}

/// A record's version travels after the envelope and is part of its purpose (the additional
/// data); records from before versions read as version 0 under the bare purpose; a version
/// written any other way is refused.
#[test]
fn a_records_version_is_read_back_and_bound_into_its_purpose() {
    let envelope =
        "webtoken-vault.1.A256GCM.device.BwcHBwcHBwc.AQEBAQEBAQEBAQEB.q6urq6urq6urq6urq6urq6s";
    let text = with_version(42, envelope);
    assert_eq!(split_version(&text), Ok((42, envelope)));
    assert_eq!(split_version(envelope), Ok((0, envelope)));
    assert_eq!(versioned_purpose("token-service", 0), "token-service");
    assert_ne!(
        versioned_purpose("token-service", 41),
        versioned_purpose("token-service", 42)
    );
    for bad in ["", "0", "007", "+5", "x", "18446744073709551616"] {
        assert_eq!(
            split_version(&format!("{envelope}~{bad}")),
            Err(VaultError::BadNumber { field: "version" }),
            "{bad:?}"
        );
    }
}
