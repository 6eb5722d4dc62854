#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::otpauth::KeyUri;
use crate::panel::{Notice, Panel, Problem, Storage};
use crate::wallet::Wallet;
use webtoken_engine::address::percent_encode;

const URI: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example";
const NOW: u64 = 1_700_000_000;

fn ready(uris: &[&str]) -> Panel {
    let mut wallet = Wallet::new();
    for (i, uri) in uris.iter().enumerate() {
        wallet
            .add(&format!("token {i}"), None, KeyUri::parse(uri).unwrap())
            .unwrap();
    }
    let mut panel = Panel::new(Wallet::new());
    panel.update(
        Message::Done(wallet, None),
        NOW,
        Lang::En,
        &Storage::default(),
    );
    panel
}

fn view(panel: &Panel, storage: &Storage) -> PanelView {
    panel.view(NOW, Lang::En, storage)
}

/// The last write of `kind` to `part`, as the element ends up.
fn last<'a>(
    writes: &'a [(Part, Write<'a>)],
    part: Part,
    kind: fn(&Write) -> bool,
) -> Option<&'a Write<'a>> {
    writes
        .iter()
        .rev()
        .find(|(p, w)| *p == part && kind(w))
        .map(|(_, w)| w)
}

fn shown(writes: &[(Part, Write)], part: Part) -> Option<bool> {
    match last(writes, part, |w| matches!(w, Write::Shown(_))) {
        Some(Write::Shown(shown)) => Some(*shown),
        _ => None,
    }
}

fn text_of(writes: &[(Part, Write)], part: Part) -> Option<String> {
    match last(writes, part, |w| matches!(w, Write::Text(_))) {
        Some(Write::Text(t)) => Some(t.to_string()),
        _ => None,
    }
}

fn attr_of(writes: &[(Part, Write)], part: Part, name: &str) -> Option<String> {
    writes.iter().rev().find_map(|(p, w)| match w {
        Write::Attr(n, v) if *p == part && *n == name => Some(v.to_string()),
        _ => None,
    })
}

#[test]
fn every_part_has_its_own_testid_and_its_place_in_all() {
    let mut ids = std::collections::HashSet::new();
    for (i, &part) in Part::ALL.iter().enumerate() {
        assert_eq!(part as usize, i, "{part:?}");
        assert!(ids.insert(part.testid()), "{part:?}: a testid used twice");
        assert!(part.testid() == "status" || part.testid().starts_with("token-"));
    }
    assert_eq!(Part::ALL[0], Part::TokenId);
    assert_eq!(Part::TokenCode.testid(), "token-code");
}

#[test]
fn fields_name_their_inputs() {
    assert_eq!(Field::Import.part(), Part::ImportInput);
    assert_eq!(Field::Passphrase.part(), Part::PassInput);
    assert_eq!(Field::Unlock.part(), Part::UnlockInput);
}

#[test]
fn the_code_display_writes_the_code_or_clears_it_or_says_why_not() {
    let cleared = code_writes(None);
    for part in [
        Part::TokenId,
        Part::TokenCode,
        Part::TokenNext,
        Part::TokenRemaining,
    ] {
        assert_eq!(text_of(&cleared, part).as_deref(), Some(""), "{part:?}");
    }
    assert_eq!(
        text_of(&cleared, Part::Status),
        None,
        "the status line is kept"
    );

    let panel = ready(&[URI]);
    let result = view(&panel, &Storage::default()).code.unwrap();
    let shown = code_writes(Some(&result));
    let code = result.clone().unwrap();
    assert_eq!(text_of(&shown, Part::TokenCode), Some(code.code.clone()));
    assert_eq!(text_of(&shown, Part::TokenNext), Some(code.next.clone()));
    let remaining = code.remaining.to_string();
    assert_eq!(
        text_of(&shown, Part::TokenRemaining),
        Some(remaining.clone())
    );
    assert_eq!(
        attr_of(&shown, Part::TokenBar, "max").as_deref(),
        Some("30")
    );
    assert_eq!(attr_of(&shown, Part::TokenBar, "value"), Some(remaining));

    let failed = Err("bad parameters".to_owned());
    let failed = code_writes(Some(&failed));
    assert_eq!(text_of(&failed, Part::TokenCode).as_deref(), Some(""));
    assert_eq!(
        text_of(&failed, Part::Status).as_deref(),
        Some("bad parameters")
    );
}

#[test]
fn work_under_way_disables_the_buttons_that_start_work() {
    // The buttons whose press starts work, as the state machine counts them.
    let changes = CHANGES.iter().map(|(part, _, press)| (part, press));
    let mut starting: Vec<Part> = (CLICKS.iter().map(|(part, press)| (part, press)))
        .chain(
            crate::panel::backup::CLICKS
                .iter()
                .map(|(part, press)| (part, press)),
        )
        .chain(changes)
        .filter(|(_, press)| press.message(|_| String::new()).starts_work())
        .map(|(part, _)| *part)
        .collect();
    // In the order the parts are declared, as the writes are compared below.
    starting.sort_by_key(|part| *part as usize);
    assert_eq!(starting.len(), 13, "{starting:?}");
    let busy = Panel::new(Wallet::new());
    let ready = ready(&[URI]);
    for (panel, busy) in [(&busy, true), (&ready, false)] {
        let view = view(panel, &Storage::default());
        let mut disabled: Vec<Part> = super::writes(&view)
            .into_iter()
            .filter_map(|(part, write)| (write == Write::Disabled(busy)).then_some(part))
            .collect();
        disabled.sort_by_key(|part| *part as usize);
        assert_eq!(disabled, starting);
    }
}

#[test]
fn the_active_token_is_drawn_with_its_label_and_identifier() {
    let panel = ready(&[URI]);
    let view = view(&panel, &Storage::default());
    let writes = super::writes(&view);
    assert_eq!(shown(&writes, Part::Face), Some(true));
    assert_eq!(shown(&writes, Part::Manage), Some(true));
    assert_eq!(shown(&writes, Part::Empty), Some(false));
    assert_eq!(
        shown(&writes, Part::List),
        Some(false),
        "one token: no list"
    );
    assert_eq!(text_of(&writes, Part::Label).as_deref(), Some("token 0"));
    assert_eq!(
        text_of(&writes, Part::IdCaption).as_deref(),
        Some("Account")
    );
    assert_eq!(
        text_of(&writes, Part::TokenId).as_deref(),
        Some("alice@example.com")
    );
    assert!(writes.contains(&(Part::RenameInput, Write::Placeholder("token 0".into()))));
    assert_eq!(shown(&writes, Part::Export), Some(true));
    assert_eq!(shown(&writes, Part::ExportShown), Some(false));
    assert_eq!(text_of(&writes, Part::ExportUri).as_deref(), Some(""));
    assert_eq!(shown(&writes, Part::New), Some(true));

    let empty = ready(&[]);
    let view = super::super::Panel::view(&empty, NOW, Lang::En, &Storage::default());
    let writes = super::writes(&view);
    assert_eq!(shown(&writes, Part::Face), Some(false));
    assert_eq!(shown(&writes, Part::Empty), Some(true));
    assert_eq!(
        text_of(&writes, Part::TokenId),
        None,
        "cleared with the code"
    );
    assert_eq!(view.export.uri(), "");
    assert_eq!(
        text_of(&writes, Part::Label),
        None,
        "the last label is kept"
    );
}

#[test]
fn the_export_writes_its_uri_only_once_shown() {
    let mut panel = ready(&[URI]);
    panel.update(Message::AskExport, NOW, Lang::En, &Storage::default());
    let warned = view(&panel, &Storage::default());
    let writes_warned = writes(&warned);
    assert_eq!(shown(&writes_warned, Part::ExportWarning), Some(true));
    assert_eq!(shown(&writes_warned, Part::Export), Some(false));
    assert_eq!(
        text_of(&writes_warned, Part::ExportUri).as_deref(),
        Some("")
    );
    panel.update(Message::ShowExport, NOW, Lang::En, &Storage::default());
    let view = view(&panel, &Storage::default());
    let drawn = writes(&view);
    assert_eq!(shown(&drawn, Part::ExportShown), Some(true));
    let uri = text_of(&drawn, Part::ExportUri).unwrap();
    assert_eq!(KeyUri::parse(&uri).unwrap(), KeyUri::parse(URI).unwrap());
}

#[test]
fn storage_and_messages_are_classed_by_trouble() {
    let panel = ready(&[URI]);
    let full = Storage {
        list: Some(Problem::Full),
        ..Storage::default()
    };
    let view_full = view(&panel, &full);
    let writes_full = writes(&view_full);
    assert_eq!(
        attr_of(&writes_full, Part::Storage, "class").as_deref(),
        Some("token-storage error")
    );
    assert_eq!(shown(&writes_full, Part::Protection), Some(false));
    assert_eq!(text_of(&writes_full, Part::Protection), None);
    let view_ok = view(&panel, &Storage::default());
    let writes_ok = writes(&view_ok);
    assert_eq!(
        attr_of(&writes_ok, Part::Storage, "class").as_deref(),
        Some("token-storage")
    );
    assert_eq!(
        text_of(&writes_ok, Part::Protection).as_deref(),
        Some(Text::ProtectedByDevice.get(Lang::En))
    );
    assert_eq!(shown(&writes_ok, Part::Persist), Some(false));
    assert_eq!(text_of(&writes_ok, Part::Persist), None);

    let mut panel = ready(&[URI]);
    for message in [
        Message::Copied(Notice::Problem(Text::CopyFailed)),
        Message::Persisted(Some(true)),
    ] {
        panel.update(message, NOW, Lang::En, &Storage::default());
    }
    let view = view(&panel, &Storage::default());
    let drawn = writes(&view);
    assert_eq!(
        text_of(&drawn, Part::Message).as_deref(),
        Some(Text::CopyFailed.get(Lang::En))
    );
    assert_eq!(
        attr_of(&drawn, Part::Message, "class").as_deref(),
        Some("token-message error")
    );
    assert_eq!(
        text_of(&drawn, Part::Persist).as_deref(),
        Some(Text::PersistGranted.get(Lang::En))
    );
    assert_eq!(shown(&drawn, Part::Persist), Some(true));
}

#[test]
fn list_buttons_name_their_token_say_which_is_active_and_are_disabled_when_busy() {
    let entry = ListEntry {
        id: 7,
        label: "Bank".into(),
        active: true,
    };
    assert_eq!(
        entry.attributes(false),
        [
            ("type", "button".to_owned()),
            ("data-token", "7".to_owned()),
            ("aria-pressed", "true".to_owned()),
        ]
    );
    let other = ListEntry {
        active: false,
        ..entry.clone()
    };
    let busy = other.attributes(true);
    assert!(busy.contains(&("disabled", String::new())));
    assert!(busy.contains(&("aria-pressed", "false".to_owned())));
    let nodes = list_nodes(&[entry.clone(), other.clone()], true);
    assert_eq!(nodes.len(), 2);
    let button = &nodes[0].children[0];
    assert_eq!((nodes[0].tag, button.tag), ("li", "button"));
    assert_eq!(button.text, "Bank");
    assert_eq!(button.attr_value("data-token"), Some("7"));
    assert_eq!(button.attr_value("disabled"), Some(""));
    assert_eq!(
        nodes[1].children[0].attr_value("aria-pressed"),
        Some("false")
    );
    let idle = list_nodes(std::slice::from_ref(&entry), false);
    assert!(idle[0].children[0].attr_value("disabled").is_none());
    assert!(matches!(select("7"), Some(Message::Select(7))));
    assert!(select("seven").is_none());
    assert!(select("").is_none());
}

#[test]
fn the_qr_code_is_an_image_of_our_svg_as_a_data_url() {
    let attributes = qr_image(URI, Lang::En, percent_encode).unwrap();
    let get = |name: &str| {
        attributes
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str().to_owned())
            .unwrap()
    };
    assert_eq!(get("data-testid"), "token-export-qr");
    assert_eq!(get("alt"), Text::QrAlt.get(Lang::En));
    assert_eq!((get("width"), get("height")), ("200".into(), "200".into()));
    let src = get("src");
    let svg = QrCode::encode(URI.as_bytes(), EcLevel::M)
        .unwrap()
        .to_svg(4);
    assert_eq!(src, format!("data:image/svg+xml,{}", percent_encode(&svg)));
    assert!(src.starts_with("data:image/svg+xml,%3Csvg%20"));
    assert!(!src.contains('<') && !src.contains('"') && !src.contains(' '));
    assert!(
        qr_image(&"x".repeat(4000), Lang::En, percent_encode).is_none(),
        "too long"
    );
}

#[test]
fn every_button_sends_its_message_reading_its_own_field() {
    let read = |part: Part| format!("typed in {}", part.testid());
    let sent: Vec<(Part, String)> = CLICKS
        .iter()
        .map(|(part, press)| (*part, format!("{:?}", press.message(read))))
        .collect();
    let expect = [
        (Part::New, "New"),
        (Part::Copy, "Copy"),
        (Part::Rename, "Rename(\"typed in token-rename-input\")"),
        (Part::Delete, "AskDelete"),
        (Part::DeleteYes, "ConfirmDelete"),
        (Part::DeleteNo, "Cancel"),
        (Part::Export, "AskExport"),
        (Part::ExportShow, "ShowExport"),
        (Part::ExportHide, "HideExport"),
        (Part::ExportCancel, "HideExport"),
        (Part::Import, "Import(Typed(<redacted>))"),
        (Part::PassSet, "SetPassphrase(Typed(<redacted>))"),
        (Part::PassRemove, "RemovePassphrase"),
        (Part::Unlock, "Unlock(Typed(<redacted>))"),
        (Part::Discard, "AskDiscard"),
        (Part::DiscardYes, "ConfirmDiscard"),
        (Part::DiscardNo, "Cancel"),
        (Part::HotpNext, "Advance"),
        (Part::LockNow, "LockNow"),
    ];
    let expect: Vec<(Part, String)> = expect.iter().map(|(p, m)| (*p, (*m).to_owned())).collect();
    assert_eq!(sent, expect);
    // The typed text reaches the message, from the field beside the button.
    for (button, field, text) in [
        (Part::Import, Part::ImportInput, "import"),
        (Part::PassSet, Part::PassInput, "pass"),
        (Part::Unlock, Part::UnlockInput, "unlock"),
    ] {
        let (_, press) = CLICKS.iter().find(|(p, _)| *p == button).unwrap();
        let message = press.message(|p| {
            assert_eq!(p, field);
            text.to_owned()
        });
        let typed = match message {
            Message::Import(t) | Message::SetPassphrase(t) | Message::Unlock(t) => t,
            other => panic!("{other:?}"),
        };
        assert_eq!(typed.0.as_str(), text);
    }
}

#[test]
fn enter_in_a_field_sends_what_its_button_sends() {
    for (field, press) in ENTER {
        let Press::Read(read, _) = press else {
            panic!("{field:?} reads itself");
        };
        assert_eq!(read, field);
        let button = CLICKS
            .iter()
            .find(|(_, p)| matches!(p, Press::Read(f, _) if f == field))
            .expect("a button reads the same field");
        let text = |_| "otpauth://totp/x?secret=JBSWY3DP".to_owned();
        assert_eq!(
            format!("{:?}", press.message(text)),
            format!("{:?}", button.1.message(text))
        );
    }
    assert_eq!(ENTER.len(), 3);
}

#[test]
fn labels_are_text_alt_and_aria_label() {
    assert_eq!(LABELS[0], ("data-t", None));
    assert_eq!(LABELS[1], ("data-t-alt", Some("alt")));
    assert_eq!(LABELS[2], ("data-t-aria", Some("aria-label")));
}

#[test]
fn an_hotp_token_shows_its_counter_and_button_instead_of_the_countdown() {
    let hotp = "otpauth://hotp/H:h?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=9";
    let panel = ready(&[hotp]);
    let view = view(&panel, &Storage::default());
    let writes = code_writes(view.code.as_ref());
    assert_eq!(
        text_of(&writes, Part::TokenCode).as_deref(),
        Some("520 489")
    );
    assert_eq!(text_of(&writes, Part::Counter).as_deref(), Some("9"));
    assert_eq!(text_of(&writes, Part::TokenNext).as_deref(), Some(""));
    assert_eq!(shown(&writes, Part::Hotp), Some(true));
    assert_eq!(shown(&writes, Part::Countdown), Some(false));
    // A TOTP token the other way round.
    let panel = ready(&[URI]);
    let totp = super::super::Panel::view(&panel, NOW, Lang::En, &Storage::default());
    let writes = code_writes(totp.code.as_ref());
    assert_eq!(shown(&writes, Part::Hotp), Some(false));
    assert_eq!(shown(&writes, Part::Countdown), Some(true));
}

#[test]
fn the_search_field_and_auto_lock_select_send_what_they_hold() {
    let sent: Vec<(Part, &str, String)> = CHANGES
        .iter()
        .map(|(part, event, press)| {
            (
                *part,
                *event,
                format!("{:?}", press.message(|_| "15".to_owned())),
            )
        })
        .collect();
    assert_eq!(
        sent,
        [
            (Part::Search, "input", "Search(\"15\")".to_owned()),
            (Part::AutoLock, "change", "SetAutoLock(\"15\")".to_owned()),
        ]
    );
    // The select shows the list's choice, and both show only when they apply.
    let panel = ready(&[URI]);
    let storage = Storage {
        passphrase: true,
        ..Storage::default()
    };
    let locking = view(&panel, &storage);
    let writes = super::writes(&locking);
    assert!(writes.contains(&(Part::AutoLock, Write::Value("5".into()))));
    assert_eq!(shown(&writes, Part::AutoLockBox), Some(true));
    assert_eq!(shown(&writes, Part::LockNow), Some(true));
    assert_eq!(shown(&writes, Part::SearchBox), Some(false));
    let plain = view(&panel, &Storage::default());
    let writes = super::writes(&plain);
    assert_eq!(shown(&writes, Part::AutoLockBox), Some(false));
    assert_eq!(shown(&writes, Part::LockNow), Some(false));
}
