use super::*;
use webtoken_engine::Params;
use webtoken_engine::Secret;

fn key(account: &str) -> KeyUri {
    KeyUri {
        issuer: Some("Example".into()),
        account: account.into(),
        secret: Secret::from_base32("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").unwrap(),
        params: Params::default(),
        counter: None,
    }
}

fn service_token() -> (TokenId, KeyUri) {
    let id = TokenId::generate("ABCD", 1234567).unwrap();
    let key = KeyUri {
        issuer: Some(SERVICE_ISSUER.into()),
        account: id.as_str().into(),
        secret: Secret::from_bytes(vec![7; 20]).unwrap(),
        params: Params::default(),
        counter: None,
    };
    (id, key)
}

#[test]
fn two_tokens_one_active() {
    let mut wallet = Wallet::new();
    assert!(wallet.is_empty() && wallet.active().is_none());
    let (token_id, k) = service_token();
    let a = wallet.add("Bank", Some(token_id.clone()), k).unwrap();
    let b = wallet.add("Mail", None, key("alice")).unwrap();
    assert_ne!(a, b);
    assert_eq!(wallet.tokens().len(), 2);
    assert_eq!(wallet.active().unwrap().id, b, "a new token becomes active");
    wallet.activate(a).unwrap();
    assert_eq!(wallet.active().unwrap().token_id, Some(token_id));
    assert_eq!(wallet.activate(99), Err(WalletError::UnknownToken));
}

#[test]
fn removing_the_active_token_activates_the_first_one_left() {
    let mut wallet = Wallet::new();
    let a = wallet.add("A", None, key("a")).unwrap();
    let b = wallet.add("B", None, key("b")).unwrap();
    let c = wallet.add("C", None, key("c")).unwrap();
    wallet.activate(b).unwrap();
    wallet.remove(b).unwrap();
    assert_eq!(wallet.active().unwrap().id, a);
    wallet.remove(c).unwrap();
    assert_eq!(
        wallet.active().unwrap().id,
        a,
        "removing another keeps the active one"
    );
    wallet.remove(a).unwrap();
    assert!(wallet.active().is_none());
    assert_eq!(wallet.remove(a), Err(WalletError::UnknownToken));
    let d = wallet.add("D", None, key("d")).unwrap();
    assert!(d > c, "numbers are never reused");
}

/// Issue 19: a label with a right-to-left override and zero-width characters displayed as
/// "Shinkin Bank"; the invisible characters are dropped on rename and add, and a label stored
/// with them before is read back cleaned rather than refused.
#[test]
fn bidi_controls_and_zero_width_characters_are_dropped_from_labels() {
    assert_eq!(
        normalize_label("\u{202e}knaB nikniS\u{200b}").unwrap(),
        "knaB nikniS"
    );
    assert_eq!(
        normalize_label("a\u{2066}b\u{2069}\u{200d}c\u{feff}\u{00ad}").unwrap(),
        "abc"
    );
    assert_eq!(
        normalize_label("\u{200b}\u{202e}"),
        Err(WalletError::EmptyLabel)
    );
    let mut wallet = Wallet::new();
    let a = wallet.add("\u{202e}A\u{200b}", None, key("a")).unwrap();
    assert_eq!(wallet.get(a).unwrap().label, "A");
    wallet.rename(a, "x\u{202d}y").unwrap();
    assert_eq!(wallet.get(a).unwrap().label, "xy");
    // An older list that stored an override is read, the label cleaned.
    let stored = wallet.encode().replace("\txy", "\tx\u{202e}y");
    assert_ne!(stored.as_str(), wallet.encode().as_str());
    let read = Wallet::decode(&stored).unwrap();
    assert_eq!(read.get(a).unwrap().label, "xy");
}

#[test]
fn labels_are_text_trimmed_and_bounded() {
    assert_eq!(
        normalize_label("  <img src=x onerror=alert(1)>  ").unwrap(),
        "<img src=x onerror=alert(1)>"
    );
    assert_eq!(normalize_label("a\tb\nc\u{7}").unwrap(), "a b c");
    assert_eq!(normalize_label(" \n "), Err(WalletError::EmptyLabel));
    assert_eq!(
        normalize_label(&"あ".repeat(40)).unwrap().chars().count(),
        40
    );
    assert_eq!(
        normalize_label(&"あ".repeat(41)),
        Err(WalletError::LabelTooLong)
    );
    let mut wallet = Wallet::new();
    let a = wallet.add("A", None, key("a")).unwrap();
    wallet.rename(a, "銀行\tメイン").unwrap();
    assert_eq!(wallet.get(a).unwrap().label, "銀行 メイン");
    assert_eq!(wallet.rename(a, ""), Err(WalletError::EmptyLabel));
    assert_eq!(wallet.rename(7, "x"), Err(WalletError::UnknownToken));
}

#[test]
fn duplicates_and_overflow_are_refused() {
    let mut wallet = Wallet::new();
    wallet.add("A", None, key("a")).unwrap();
    assert_eq!(
        wallet.add("again", None, key("a")),
        Err(WalletError::Duplicate)
    );
    let (id, k) = service_token();
    wallet.add("Bank", Some(id.clone()), k.clone()).unwrap();
    assert_eq!(wallet.add("Bank", Some(id), k), Err(WalletError::Duplicate));
    for i in wallet.tokens().len()..MAX_TOKENS {
        wallet.add("n", None, key(&format!("n{i}"))).unwrap();
    }
    assert_eq!(wallet.add("x", None, key("x")), Err(WalletError::Full));
}

#[test]
fn ops_apply_to_the_newest_copy() {
    // Two tabs read the same list; each applies its change to the copy re-read before writing.
    let mut stored = Wallet::new();
    stored.add("A", None, key("a")).unwrap();
    let mut tab1 = stored.clone();
    let new = tab1
        .apply(&WalletOp::Add {
            label: "B".into(),
            token_id: None,
            key: key("b"),
        })
        .unwrap();
    stored = tab1;
    let mut tab2 = stored.clone(); // re-read before write
    tab2.apply(&WalletOp::Rename(new.unwrap(), "B2".into()))
        .unwrap();
    assert_eq!(tab2.tokens().len(), 2);
    assert_eq!(tab2.get(new.unwrap()).unwrap().label, "B2");
    assert_eq!(
        tab2.apply(&WalletOp::Remove(42)),
        Err(WalletError::UnknownToken)
    );
    tab2.apply(&WalletOp::Activate(0)).unwrap();
    assert_eq!(tab2.active().unwrap().label, "A");
}

#[test]
fn encode_decode_round_trip() {
    let mut wallet = Wallet::new();
    assert_eq!(Wallet::decode(&wallet.encode()).unwrap(), wallet);
    let (id, k) = service_token();
    wallet.add("みなと <b>銀行</b>", Some(id), k).unwrap();
    let b = wallet.add("Mail", None, key("alice@example.com")).unwrap();
    wallet.remove(0).unwrap();
    wallet.add("third", None, key("c")).unwrap();
    wallet.activate(b).unwrap();
    let text = wallet.encode();
    assert!(
        text.starts_with("webtoken-wallet\t1\nactive\t1\nnext\t3\ntoken\t1\t-\totpauth://totp/")
    );
    let back = Wallet::decode(&text).unwrap();
    assert_eq!(back, wallet);
    let json = serde_json::to_string(&wallet).unwrap();
    assert_eq!(serde_json::from_str::<Wallet>(&json).unwrap(), wallet);
}

#[test]
fn malformed_lists_are_refused_and_malformed_entries_cost_one_entry() {
    let mut wallet = Wallet::new();
    wallet.add("A", None, key("a")).unwrap();
    let good = wallet.encode().to_string();
    // What is wrong with the list itself refuses it.
    for (bad, line) in [
        (String::new(), 1),
        (good.replace("wallet\t1", "wallet\t2"), 1),
        (good.replace("active\t0", "active\t5"), 2),
        (good.replace("active\t0", "active\t00"), 2),
    ] {
        assert_eq!(
            Wallet::decode(&bad),
            Err(WalletError::Malformed { line }),
            "{bad:?}"
        );
    }
    // What is wrong with one entry makes that entry unreadable, kept and written back.
    for (bad, readable) in [
        (good.replace("next\t1", "next\t0"), 0),
        (format!("{good}\n"), 1),
        (format!("{good}\nextra"), 1),
        (good.replace("secret=", "secret=1"), 0),
        (good.replace("\tA", "\t A"), 0),
        (good.replace("\t-\t", "\tABCD\t"), 0),
        (format!("{good}\n{}", good.lines().last().unwrap()), 1),
    ] {
        let read = Wallet::decode(&bad).unwrap_or_else(|e| panic!("{bad:?}: {e:?}"));
        assert_eq!(read.tokens().len(), readable, "{bad:?}");
        assert_eq!(read.unreadable().len(), 1, "{bad:?}");
        // Written back, nothing is lost (a number given anew may make the entry readable).
        let again = Wallet::decode(&read.encode()).unwrap();
        assert_eq!(again.len(), read.len(), "{bad:?}");
    }
    let too_many = format!("{good}{}", "\nx".repeat(MAX_TOKENS));
    assert_eq!(
        Wallet::decode(&too_many),
        Err(WalletError::Malformed {
            line: 4 + MAX_TOKENS
        })
    );
    assert!(serde_json::from_str::<Wallet>("\"nonsense\"").is_err());
}

#[test]
fn debug_output_hides_secrets() {
    let mut wallet = Wallet::new();
    wallet.add("A", None, key("a")).unwrap();
    let debug = format!("{wallet:?}");
    assert!(!debug.contains("JBSWY3DP"), "{debug}");
}

#[test]
fn messages_exist_in_both_languages() {
    for e in [
        WalletError::EmptyLabel,
        WalletError::LabelTooLong,
        WalletError::UnknownToken,
        WalletError::Duplicate,
        WalletError::Full,
        WalletError::Malformed { line: 3 },
        WalletError::NotCounterBased,
        WalletError::CounterExhausted,
        WalletError::BadAutoLock,
    ] {
        assert!(!e.message_ja().is_ascii());
        assert!(e.message_en().is_ascii());
    }
}

/// The list goes through the core's save cycle: two tabs adding at once keep both tokens, and
/// a change the list refuses writes nothing.
#[test]
fn two_tabs_keep_each_others_tokens_through_the_save_cycle() {
    use webtoken_engine::persist::{Change, Keeper, MemoryRecord, MemorySealer, Outcome, now};
    let record = MemoryRecord::default();
    let tab = || Keeper::<_, _, Wallet>::new(&record, MemorySealer::default());
    let (one, two) = (tab(), tab());
    let add = |account: &'static str| {
        move |wallet: &mut Wallet| {
            let op = WalletOp::Add {
                label: account.into(),
                token_id: None,
                key: key(account),
            };
            match wallet.apply(&op) {
                Ok(added) => Change::Save(added),
                Err(e) => Change::Refuse(e),
            }
        }
    };
    assert_eq!(now(one.change(add("a"))).unwrap(), Outcome::Saved(Some(0)));
    assert_eq!(now(two.change(add("b"))).unwrap(), Outcome::Saved(Some(1)));
    assert!(now(one.refresh()).unwrap());
    let labels = one.with(|w| {
        w.tokens()
            .iter()
            .map(|t| t.label.clone())
            .collect::<Vec<_>>()
    });
    assert_eq!(labels, ["a", "b"]);
    let writes = record.writes();
    let rename = |wallet: &mut Wallet| match wallet.apply(&WalletOp::Rename(9, "x".into())) {
        Ok(_) => Change::Save(()),
        Err(e) => Change::Refuse(e),
    };
    assert_eq!(
        now(two.change(rename)).unwrap(),
        Outcome::Refused(WalletError::UnknownToken)
    );
    assert_eq!(record.writes(), writes, "nothing written");
}

/// The issue-18 import: an account of 900 `é`. Typed raw it is 1.8 KB and parses, but its
/// stored (percent-encoded) form is 5.4 KB, more than the list's reader accepts: refused
/// when added, with the sizes; percent-encoded already, it is refused as it is read.
#[test]
fn a_token_whose_stored_form_is_too_long_is_refused_when_added() {
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let raw = format!("otpauth://totp/{}?secret={secret}", "é".repeat(900));
    let long = KeyUri::parse(&raw).expect("the input is within its limit");
    let mut wallet = Wallet::new();
    wallet.add("mail", None, key("alice")).unwrap();
    let refused = wallet.add("long", None, long);
    assert!(
        matches!(refused, Err(WalletError::TooLong { bytes }) if bytes > MAX_URI_BYTES),
        "{refused:?}"
    );
    assert_eq!(wallet.tokens().len(), 1);
    assert_eq!(Wallet::decode(&wallet.encode()), Ok(wallet));
    let encoded = format!("otpauth://totp/{}?secret={secret}", "%C3%A9".repeat(900));
    assert!(KeyUri::parse(&encoded).is_err());
}

/// A list written with one entry this reader refuses (a long URI from a page with other
/// limits): the other tokens are read and keep working, the bad entry is listed with its
/// label, written back unchanged, and can be deleted alone.
#[test]
fn one_unreadable_entry_costs_that_entry_only() {
    let mut wallet = Wallet::new();
    let a = wallet.add("Mail", None, key("alice")).unwrap();
    let b = wallet.add("Work", None, key("bob")).unwrap();
    let text = wallet.encode();
    let long_uri = format!(
        "otpauth://totp/{}?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        "%C3%A9".repeat(900)
    );
    let bad_line = format!("token\t{b}\t-\t{long_uri}\tLong name");
    let stored = text.replace("\nnext\t2", "\nnext\t3").replace(
        &format!("\ntoken\t{b}\t"),
        &format!("\n{bad_line}\ntoken\t2\t"),
    );
    let read = Wallet::decode(&stored).expect("one bad entry does not refuse the list");
    assert_eq!(read.tokens().len(), 2);
    assert_eq!(read.tokens()[0].id, a);
    assert_eq!(read.unreadable().len(), 1);
    let bad = &read.unreadable()[0];
    assert_eq!(bad.label.as_deref(), Some("Long name"));
    assert_eq!(bad.id, b, "its own number");
    assert!(
        !format!("{bad:?}").contains("JBSWY3DP"),
        "no secret in Debug"
    );
    // Written back unchanged; read again the same.
    let again = read.encode();
    assert!(again.contains(&bad_line));
    assert_eq!(Wallet::decode(&again).as_ref(), Ok(&read));
    // The active token is readable and keeps its code; the bad entry is deleted alone.
    let mut read = read.clone();
    read.activate(b).unwrap();
    assert_eq!(read.active(), None);
    assert_eq!(read.active_unreadable().map(|e| e.id), Some(b));
    assert_eq!(read.rename(b, "x"), Err(WalletError::UnknownToken));
    read.remove(b).unwrap();
    assert!(read.unreadable().is_empty());
    assert_eq!(read.tokens().len(), 2);
    assert_eq!(read.active().map(|t| t.id), Some(a));

    // A line that is no token line at all, and one whose number is taken: new numbers.
    let garbled = format!("{}\nnot a token\ntoken\t{a}\tbroken", text.as_str());
    let read = Wallet::decode(&garbled).unwrap();
    assert_eq!(read.tokens().len(), 2);
    let ids: Vec<u32> = read.unreadable().iter().map(|e| e.id).collect();
    assert_eq!(ids, [2, 3]);
    assert_eq!(read.unreadable()[0].label, None);
}

fn hotp(counter: u64) -> KeyUri {
    KeyUri::parse(&format!(
        "otpauth://hotp/Example:h?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter={counter}"
    ))
    .unwrap()
}

#[test]
fn an_hotp_counter_advances_is_stored_and_reads_back() {
    let mut wallet = Wallet::new();
    let totp = wallet.add("T", None, key("t")).unwrap();
    let id = wallet.add("H", None, hotp(0)).unwrap();
    assert_eq!(wallet.advance(id), Ok(1));
    assert_eq!(wallet.apply(&WalletOp::Advance(id)), Ok(None));
    assert_eq!(wallet.get(id).unwrap().key.counter, Some(2));
    let text = wallet.encode();
    assert!(
        text.contains("\totpauth://hotp/Example:h?secret="),
        "{}",
        *text
    );
    assert!(text.contains("&counter=2\tH"), "{}", *text);
    let back = Wallet::decode(&text).unwrap();
    assert_eq!(back, wallet);
    assert_eq!(back.get(id).unwrap().key.counter, Some(2));
    // Only HOTP tokens count; an unknown token is said so.
    assert_eq!(wallet.advance(totp), Err(WalletError::NotCounterBased));
    assert_eq!(wallet.advance(99), Err(WalletError::UnknownToken));
}

#[test]
fn the_largest_counter_cannot_advance_and_nothing_changes() {
    let mut wallet = Wallet::new();
    let id = wallet.add("H", None, hotp(u64::MAX - 1)).unwrap();
    assert_eq!(wallet.advance(id), Ok(u64::MAX));
    let before = wallet.clone();
    assert_eq!(wallet.advance(id), Err(WalletError::CounterExhausted));
    assert_eq!(wallet, before);
    assert!(
        WalletError::CounterExhausted
            .message_en()
            .contains("largest")
    );
    // And it is stored and read back as it is.
    assert_eq!(Wallet::decode(&wallet.encode()).unwrap(), wallet);
}

#[test]
fn the_same_hotp_token_at_another_counter_is_a_duplicate() {
    let mut wallet = Wallet::new();
    wallet.add("H", None, hotp(5)).unwrap();
    assert_eq!(wallet.add("H2", None, hotp(9)), Err(WalletError::Duplicate));
}

#[test]
fn the_auto_lock_time_is_kept_with_the_list_and_old_lists_read_as_five_minutes() {
    let mut wallet = Wallet::new();
    wallet.add("A", None, key("a")).unwrap();
    // A list stored before the setting existed: no line, the default.
    let old = wallet.encode().to_string();
    assert!(!old.contains("autolock"));
    assert_eq!(Wallet::decode(&old).unwrap().autolock_minutes(), 5);
    for minutes in AUTOLOCK_CHOICES {
        wallet.apply(&WalletOp::SetAutoLock(minutes)).unwrap();
        let text = wallet.encode();
        assert_eq!(text.contains("\nautolock\t"), minutes != 5, "{minutes}");
        let back = Wallet::decode(&text).unwrap();
        assert_eq!(back.autolock_minutes(), minutes);
        assert_eq!(back, wallet);
    }
    for bad in [0, 2, 61, u32::MAX] {
        assert_eq!(wallet.set_autolock(bad), Err(WalletError::BadAutoLock));
    }
    assert_eq!(wallet.autolock_minutes(), 60);
    // A stored setting that is not a choice refuses the list (it is not one this page wrote).
    let stored = wallet.encode().to_string();
    for bad in ["autolock\t7", "autolock\t", "autolock\t015", "autolock\tx"] {
        let text = stored.replace("autolock\t60", bad);
        assert_eq!(
            Wallet::decode(&text),
            Err(WalletError::Malformed { line: 4 }),
            "{bad}"
        );
    }
}
