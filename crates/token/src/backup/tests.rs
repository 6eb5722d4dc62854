use proptest::prelude::*;

use super::*;
use crate::import::report::{Line, Report};
use crate::otpauth::KeyUri;
use crate::panel::Refusal as NotAdded;
use crate::wallet::WalletError;

const SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn key(uri: &str) -> KeyUri {
    KeyUri::parse(uri).unwrap()
}

/// A list of three: a token from the token service, an imported one with other parameters,
/// and an imported 80-bit one.
fn wallet() -> Wallet {
    let mut wallet = Wallet::new();
    let token_id = TokenId::parse("ABCD 1234 5674").unwrap();
    wallet
        .apply(&crate::panel::add_issued(
            "Internet banking",
            &token_id,
            &webtoken_engine::Secret::from_base32(SEED).unwrap(),
            webtoken_engine::Params::default(),
        ))
        .unwrap();
    wallet
        .add(
            "Work \"mail\" 仕事",
            None,
            key(&format!(
                "otpauth://totp/ACME%20Co:john@example.com?secret={SEED}&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60"
            )),
        )
        .unwrap();
    wallet
        .add(
            "Short",
            None,
            key("otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP"),
        )
        .unwrap();
    wallet
}

/// A file as the shell writes it, around a made-up envelope (nothing here runs AES-GCM).
fn file() -> String {
    let envelope = Envelope {
        key: KeySpec::Passphrase(Pbkdf2Params::new(600_000, vec![7; 16]).unwrap()),
        nonce: [1; 12],
        ciphertext: vec![0xAB; 200],
    };
    file_text(&envelope.to_text())
}

/// Restores `items` into `wallet` as the shell's import does: one change each, and the report.
fn restore(wallet: &mut Wallet, items: Vec<Item>) -> Report {
    Report(
        items
            .into_iter()
            .map(|item| {
                let applied = item
                    .op
                    .as_ref()
                    .ok()
                    .map(|op| wallet.apply(op).map(drop).map_err(NotAdded::Wallet));
                item.line(applied)
            })
            .collect(),
    )
}

#[test]
fn the_contents_round_trip_every_token_and_its_parameters() {
    let original = wallet();
    let text = contents(&original, 1_764_806_400);
    let restored = read_contents(text.as_bytes()).unwrap();
    assert_eq!(restored.created, 1_764_806_400);
    assert_eq!(restored.items.len(), 3);
    assert!(restored.items[2].short, "the 80-bit secret is noted");
    let mut fresh = Wallet::new();
    let report = restore(&mut fresh, restored.items);
    assert_eq!(report.imported(), 3, "{report:?}");
    let pairs = original.tokens().iter().zip(fresh.tokens());
    for (before, after) in pairs {
        assert_eq!(before.label, after.label);
        assert_eq!(before.token_id, after.token_id);
        assert_eq!(before.key, after.key);
    }
    assert_eq!(fresh.tokens().len(), 3);
}

#[test]
fn the_contents_are_the_documented_json() {
    let text = contents(&wallet(), 5);
    assert!(
        text.starts_with(
            "{\"created\":5,\"tokens\":[{\"label\":\"Internet banking\",\"token_id\":\"ABCD12345674\",\
             \"type\":\"totp\",\"issuer\":\"webtoken\",\"account\":\"ABCD12345674\",\
             \"secret\":\"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\",\"algorithm\":\"SHA1\",\"digits\":6,\"period\":30}"
        ),
        "{}",
        text.as_str()
    );
    assert!(text.contains("\"label\":\"Work \\\"mail\\\" 仕事\",\"token_id\":null"));
    assert!(text.contains("\"algorithm\":\"SHA256\",\"digits\":8,\"period\":60"));
}

#[test]
fn restoring_into_a_list_that_has_some_skips_the_duplicates_and_says_why() {
    let original = wallet();
    let items = read_contents(contents(&original, 1).as_bytes())
        .unwrap()
        .items;
    let mut other = Wallet::new();
    // The same service token (same Token ID, another label) and an unrelated one.
    other
        .apply(&crate::panel::add_issued(
            "Mine",
            &TokenId::parse("ABCD12345674").unwrap(),
            &webtoken_engine::Secret::from_base32(SEED).unwrap(),
            webtoken_engine::Params::default(),
        ))
        .unwrap();
    other
        .add(
            "Other",
            None,
            key("otpauth://totp/x?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"),
        )
        .unwrap();
    let report = restore(&mut other, items);
    assert_eq!(report.imported(), 2);
    assert_eq!(
        report.0[0],
        Line::NotAdded(
            "Internet banking (ABCD12345674)".to_owned(),
            NotAdded::Wallet(WalletError::Duplicate)
        )
    );
    assert_eq!(
        report.text(Lang::En).lines().next(),
        Some("Imported 2 of 3:")
    );
    assert!(
        report.text(Lang::En).contains(
            "✗ Internet banking (ABCD12345674): not imported. The same token is already in your list."
        ),
        "{}",
        report.text(Lang::En)
    );
    assert_eq!(other.tokens().len(), 4);
    // Restoring again adds nothing.
    let again = read_contents(contents(&original, 1).as_bytes())
        .unwrap()
        .items;
    assert_eq!(restore(&mut other, again).imported(), 0);
    assert_eq!(other.tokens().len(), 4);
}

#[test]
fn a_file_round_trips_and_names_its_parts() {
    let text = file();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], "webtoken-backup.1");
    assert!(lines[1].starts_with("webtoken-vault.1.A256GCM.pbkdf2-sha256.600000."));
    assert!(lines[2].starts_with("sha256."));
    let parsed = BackupFile::parse(&text).unwrap();
    assert_eq!(parsed.params().iterations(), 600_000);
    assert_eq!(parsed.envelope().ciphertext, vec![0xAB; 200]);
    assert_eq!(purpose(), "token-backup.v1");
    // Written on another system: CR LF, a byte-order mark, no final line feed.
    let windows = format!("\u{feff}{}", text.trim_end().replace('\n', "\r\n"));
    assert_eq!(BackupFile::parse(&windows), Ok(parsed));
}

#[test]
fn every_truncation_is_refused_and_most_are_named() {
    let text = file();
    let cut_in_head_or_body = text.find("\nsha256.").unwrap() + 1;
    for end in 0..text.len() - 1 {
        let cut = &text[..end];
        let result = BackupFile::parse(cut);
        assert!(result.is_err(), "cut at {end} was accepted");
        if (1..cut_in_head_or_body).contains(&end) || end > cut_in_head_or_body + 7 {
            assert_eq!(
                result.map(drop),
                Err(BackupError::Truncated),
                "cut at {end}"
            );
        }
    }
    // Only the final line feed may go.
    assert!(BackupFile::parse(&text[..text.len() - 1]).is_ok());
}

#[test]
fn any_altered_character_is_refused_as_altered() {
    let text = file();
    let body = text.find('\n').unwrap() + 1..text.len() - 1;
    for at in body.step_by(7) {
        let mut bytes = text.clone().into_bytes();
        if bytes[at] == b'\n' {
            continue;
        }
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(bytes).unwrap();
        let result = BackupFile::parse(&altered).map(drop);
        assert!(
            matches!(
                result,
                Err(BackupError::Altered | BackupError::Truncated | BackupError::Malformed)
            ),
            "at {at}: {result:?}"
        );
        if at < text.rfind("sha256.").unwrap() {
            assert_eq!(result, Err(BackupError::Altered), "at {at}");
        }
    }
}

#[test]
fn a_newer_version_is_named_before_anything_else_is_read() {
    for (text, found) in [
        ("webtoken-backup.2\n", 2),
        ("webtoken-backup.17\nanything at all\n\n", 17),
        (
            "webtoken-backup.2\nwebtoken-vault.1.A256GCM.x\nsha256.y\n",
            2,
        ),
    ] {
        let error = BackupFile::parse(text).unwrap_err();
        assert_eq!(error, BackupError::NewerVersion { found });
        assert!(error.message(Lang::En).contains(&format!("format {found}")));
        assert!(error.message(Lang::Ja).contains(&format!("形式{found}")));
    }
}

#[test]
fn other_files_are_refused_with_their_reason() {
    let good = file();
    let cases: Vec<(String, BackupError)> = vec![
        (String::new(), BackupError::NotABackup),
        ("{\"db\": {}}".into(), BackupError::NotABackup),
        (
            "otpauth://totp/a?secret=GEZDGNBV".into(),
            BackupError::NotABackup,
        ),
        ("webtoken-backup\n".into(), BackupError::Malformed),
        ("webtoken-backup.0\n".into(), BackupError::Malformed),
        ("webtoken-backup.01\n".into(), BackupError::Malformed),
        ("webtoken-backup.1x\n".into(), BackupError::Malformed),
        (
            "webtoken-backup.99999999999999999999999\n".into(),
            BackupError::Malformed,
        ),
        (format!("{good}more\n"), BackupError::Malformed),
        (
            "x".repeat(MAX_BACKUP_BYTES + 1),
            BackupError::TooLong {
                bytes: MAX_BACKUP_BYTES + 1,
            },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(
            BackupFile::parse(&text).map(drop),
            Err(expected),
            "{:?}",
            text.get(..40)
        );
    }
}

#[test]
fn a_whole_file_with_a_refused_envelope_says_why() {
    let device = Envelope {
        key: KeySpec::Device { key_id: [1; 8] },
        nonce: [1; 12],
        ciphertext: vec![0; 16],
    };
    assert_eq!(
        BackupFile::parse(&file_text(&device.to_text())).map(drop),
        Err(BackupError::Malformed)
    );
    let weak = "webtoken-vault.1.A256GCM.pbkdf2-sha256.1000.BwcHBwcHBwcHBwcHBwcHBw.AQEBAQEBAQEBAQEB.q6urq6urq6urq6urq6urqw";
    let error = BackupFile::parse(&file_text(weak)).unwrap_err();
    assert_eq!(
        error,
        BackupError::Envelope(VaultError::IterationsTooLow { iterations: 1000 })
    );
    assert!(
        error
            .message(Lang::En)
            .starts_with("The backup file cannot be read.")
    );
}

#[test]
fn contents_that_are_not_a_list_are_refused_and_bad_entries_are_listed() {
    for bad in [
        &b"\xff\xfe"[..],
        b"",
        b"[]",
        b"{}",
        b"{\"tokens\":{}}",
        b"{\"tokens\":[],\"created\":-1}",
        b"{\"tokens\":[]} x",
    ] {
        assert_eq!(
            read_contents(bad).map(drop),
            Err(BackupError::BadContents),
            "{bad:?}"
        );
    }
    let text = format!(
        r#"{{"tokens":[
            {{"label":"H","type":"hotp","account":"h","secret":"{SEED}","counter":5}},
            {{"label":"No secret","type":"totp","account":"n"}},
            {{"label":"Bad id","token_id":"nope","type":"totp","account":"b","secret":"{SEED}"}},
            17,
            {{"label":"","type":"totp","issuer":"Fallback","account":"f","secret":"{SEED}","future":true}}
        ]}}"#
    );
    let restored = read_contents(text.as_bytes()).unwrap();
    assert_eq!(restored.created, 0);
    let mut fresh = Wallet::new();
    let report = restore(&mut fresh, restored.items);
    let lines = report.text(Lang::En);
    assert_eq!(report.imported(), 2, "{lines}");
    assert!(lines.contains("✓ H (h)"), "{lines}");
    assert_eq!(fresh.tokens()[0].key.counter, Some(5));
    assert!(
        lines.contains("✗ No secret (n): not imported. The entry has no secret."),
        "{lines}"
    );
    assert!(lines.contains("✗ Bad id (b): not imported."), "{lines}");
    assert!(lines.contains("✗ #4: not imported."), "{lines}");
    // An unusable label falls back to the issuer; a member this page does not know is ignored.
    assert_eq!(fresh.tokens()[1].label, "Fallback");
}

#[test]
fn the_iterations_are_never_below_a_stored_passphrase() {
    assert_eq!(iterations(None), DEFAULT_PBKDF2_ITERATIONS);
    assert_eq!(iterations(Some(1)), DEFAULT_PBKDF2_ITERATIONS);
    assert_eq!(iterations(Some(900_000)), 900_000);
    assert_eq!(iterations(Some(u32::MAX)), MAX_PBKDF2_ITERATIONS);
}

#[test]
fn the_reminder_follows_the_list_since_the_last_backup() {
    let mut list = wallet();
    assert_eq!(Reminder::of(&Wallet::new(), None), None);
    assert_eq!(Reminder::of(&list, None), Some(Reminder::Never));
    let mark = Mark {
        at: 1_764_806_400,
        fingerprint: fingerprint(&list),
    };
    assert_eq!(Mark::parse(&mark.to_text()), Some(mark.clone()));
    assert_eq!(
        Reminder::of(&list, Some(&mark)),
        Some(Reminder::Current(1_764_806_400))
    );
    // Choosing another token is no change; renaming, adding and deleting are.
    list.activate(0).unwrap();
    assert_eq!(fingerprint(&list), mark.fingerprint);
    let mut renamed = list.clone();
    renamed.rename(0, "Bank").unwrap();
    let mut deleted = list.clone();
    deleted.remove(1).unwrap();
    let mut replaced = deleted.clone();
    replaced
        .add(
            "Work \"mail\" 仕事",
            None,
            key(&format!(
                "otpauth://totp/ACME%20Co:john@example.com?secret={SEED}"
            )),
        )
        .unwrap();
    for changed in [&renamed, &deleted, &replaced] {
        let reminder = Reminder::of(changed, Some(&mark)).unwrap();
        assert_eq!(reminder, Reminder::Changed(1_764_806_400));
        assert!(reminder.is_due());
        assert_eq!(
            reminder.text(Lang::En),
            "Tokens changed since the last backup (2025-12-04 09:00 JST): download a new one."
        );
    }
    assert!(!Reminder::Current(1).is_due());
    // The fingerprint holds no secret: two lists that differ only in secrets have the same.
    let mut a = Wallet::new();
    a.add("A", None, key(&format!("otpauth://totp/a?secret={SEED}")))
        .unwrap();
    let mut b = Wallet::new();
    b.add("A", None, key("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP"))
        .unwrap();
    assert_eq!(fingerprint(&a), fingerprint(&b));
    for bad in [
        "",
        "1",
        "x AAAA",
        "0 AAAAAAAAAAAAAAAAAAAAAA",
        "1 AAAAAAAAAAAAAAAAAAAAA!",
    ] {
        assert_eq!(Mark::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn the_file_is_named_by_its_date_in_japan() {
    assert_eq!(file_name(1_764_806_400), "webtoken-backup-2025-12-04.txt");
    assert_eq!(file_name(1_764_860_400), "webtoken-backup-2025-12-05.txt");
}

/// The worked example of `docs/backup-format.md` is a file this page reads, whose checksum is
/// right; its decryption is checked in the browser (`tests/e2e/backup.rs`).
#[test]
fn the_documented_example_is_a_valid_file() {
    let doc = include_str!("../../../../docs/backup-format.md");
    let start = doc.find("\nwebtoken-backup.1\n").expect("the example file") + 1;
    let end = start + doc[start..].find("\n```").expect("its end") + 1;
    let parsed = BackupFile::parse(&doc[start..end]).unwrap();
    assert_eq!(parsed.params().iterations(), 600_000);
    assert!(doc.contains(&purpose()));
}

proptest! {
    #[test]
    fn hostile_files_never_panic(text in ".{0,300}", cut in 0usize..400, at in 0usize..400, b in any::<u8>()) {
        let _ = BackupFile::parse(&text);
        let good = file();
        let _ = BackupFile::parse(good.get(..cut.min(good.len())).unwrap_or(""));
        let mut bytes = good.into_bytes();
        let at = at % bytes.len();
        bytes[at] = b;
        if let Ok(text) = String::from_utf8(bytes) {
            let _ = BackupFile::parse(&text);
        }
        let _ = read_contents(text.as_bytes());
    }

    #[test]
    fn hostile_contents_never_panic(label in ".{0,60}", account in ".{0,60}", secret in "[A-Z2-7=a-z ]{0,64}", digits in any::<i64>(), period in any::<i64>()) {
        let text = json::to_string(&Probe { label, account, secret, digits, period });
        if let Ok(restored) = read_contents(text.as_bytes()) {
            let mut fresh = Wallet::new();
            let _ = restore(&mut fresh, restored.items);
        }
    }
}

struct Probe {
    label: String,
    account: String,
    secret: String,
    digits: i64,
    period: i64,
}

impl ToJson for Probe {
    fn write_json(&self, out: &mut Out) {
        out.push_str("{\"tokens\":[");
        json::object(out, |o| {
            o.field("label", &self.label);
            o.field("type", "totp");
            o.field("account", &self.account);
            o.field("secret", &self.secret);
            o.field("digits", &self.digits);
            o.field("period", &self.period);
        });
        out.push_str("]}");
    }
}

/// An HOTP token is backed up as `hotp` with its counter, and restored with it: its next code
/// after a restore is the one it would have shown before.
#[test]
fn an_hotp_token_keeps_its_counter_through_a_backup() {
    let mut original = Wallet::new();
    original
        .add(
            "Counter",
            None,
            key(&format!("otpauth://hotp/carol?secret={SEED}&counter=9")),
        )
        .unwrap();
    let text = contents(&original, 1);
    assert!(text.contains("\"type\":\"hotp\""), "{}", text.as_str());
    assert!(text.contains("\"counter\":9"), "{}", text.as_str());
    let mut fresh = Wallet::new();
    let report = restore(&mut fresh, read_contents(text.as_bytes()).unwrap().items);
    assert_eq!(report.imported(), 1, "{report:?}");
    assert_eq!(fresh.tokens()[0].key.counter, Some(9));
    assert_eq!(fresh.tokens()[0].key, original.tokens()[0].key);
}
