#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

const URI: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example";
const OTHER: &str =
    "otpauth://totp/Other:bob@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Other";
const NOW: u64 = 1_700_000_000;

fn key(uri: &str) -> KeyUri {
    KeyUri::parse(uri).expect("a valid URI")
}

/// A list of the tokens of `uris`, the last one active.
fn wallet(uris: &[&str]) -> Wallet {
    let mut wallet = Wallet::new();
    for (i, uri) in uris.iter().enumerate() {
        wallet
            .add(&format!("token {i}"), None, key(uri))
            .expect("added");
    }
    wallet
}

fn ok() -> Storage {
    Storage::default()
}

fn locked() -> Storage {
    Storage {
        list: Some(Problem::Locked),
        ..Storage::default()
    }
}

/// A panel whose start-up work has answered with `wallet`.
fn ready(wallet: Wallet) -> Panel {
    let mut panel = Panel::new(Wallet::new());
    let effects = panel.update(Message::Done(wallet, None), NOW, Lang::Ja, &ok());
    assert!(effects.is_empty());
    assert_eq!(panel.activity(), Activity::Ready);
    panel
}

fn send(panel: &mut Panel, message: Message) -> Vec<Effect> {
    panel.update(message, NOW, Lang::En, &ok())
}

fn view(panel: &Panel) -> PanelView {
    panel.view(NOW, Lang::En, &ok())
}

fn typed(text: &str) -> Typed {
    Typed::new(text.to_owned())
}

#[test]
fn boot_reads_the_list_labels_a_first_token_and_asks_to_persist() {
    let [start, persist] = boot(Lang::En);
    assert!(matches!(start, Effect::Start(label) if label == "Internet banking"));
    assert!(matches!(persist, Effect::Persist));
    let [start, _] = boot(Lang::Ja);
    assert!(matches!(start, Effect::Start(label) if label == "インターネットバンキング"));
}

#[test]
fn the_panel_starts_busy_until_the_start_up_work_answers() {
    let mut panel = Panel::new(Wallet::new());
    let shown = view(&panel);
    assert!(shown.busy);
    assert_eq!(shown.message, "Working…");
    assert!(send(&mut panel, Message::New).is_empty(), "no second task");
    send(&mut panel, Message::Done(wallet(&[URI]), None));
    let shown = view(&panel);
    assert!(!shown.busy);
    assert_eq!(shown.message, "");
    assert_eq!(shown.active.unwrap().label, "token 0");
}

#[test]
fn new_issues_a_token_in_the_pages_language_and_says_so_when_done() {
    let mut panel = ready(Wallet::new());
    let effects = panel.update(Message::New, NOW, Lang::Ja, &ok());
    assert!(matches!(effects.as_slice(), [Effect::Issue(l)] if l == "インターネットバンキング"));
    assert!(view(&panel).busy);
    send(
        &mut panel,
        Message::Done(wallet(&[URI]), Some(Notice::Info(Text::Issued))),
    );
    let shown = view(&panel);
    assert!(!shown.busy);
    assert_eq!(shown.message, Text::Issued.get(Lang::En));
    assert!(!shown.message_error);
}

#[test]
fn new_while_locked_asks_for_the_passphrase_and_starts_nothing() {
    let mut panel = ready(Wallet::new());
    let effects = panel.update(Message::New, NOW, Lang::En, &locked());
    assert!(effects.is_empty());
    let shown = panel.view(NOW, Lang::En, &locked());
    assert_eq!(shown.message, Text::NeedUnlock.get(Lang::En));
    assert!(shown.message_error);
    assert!(!shown.busy);
    assert!(!shown.new_shown, "the button is hidden while locked");
    assert!(shown.lock_shown);
    assert!(!shown.pass_box_shown);
    assert_eq!(shown.protection, None);
}

#[test]
fn while_busy_presses_that_start_work_are_ignored_and_their_fields_kept() {
    let mut panel = ready(wallet(&[URI, OTHER]));
    assert_eq!(send(&mut panel, Message::New).len(), 1);
    for message in [
        Message::New,
        Message::Select(0),
        Message::Rename("renamed".into()),
        Message::ConfirmDelete,
        Message::Import(typed(URI)),
        Message::SetPassphrase(typed("a long passphrase")),
        Message::RemovePassphrase,
        Message::Unlock(typed("a long passphrase")),
        Message::ConfirmDiscard,
    ] {
        let effects = send(&mut panel, message);
        // No work, and no `Clear`: what was typed stays in its field.
        assert!(effects.is_empty(), "{effects:?}");
    }
    assert!(view(&panel).busy);
    assert_eq!(
        view(&panel).active.unwrap().label,
        "token 1",
        "nothing changed"
    );
}

#[test]
fn the_list_is_disabled_while_busy() {
    let mut panel = ready(wallet(&[URI, OTHER]));
    let shown = view(&panel);
    assert!(shown.list_shown);
    assert!(!shown.busy);
    assert_eq!(
        shown.list.iter().map(|e| e.active).collect::<Vec<_>>(),
        [false, true]
    );
    send(&mut panel, Message::Select(0));
    assert!(view(&panel).busy, "choosing a token saves the choice: work");
}

#[test]
fn copy_runs_beside_other_work_and_ends_none() {
    let mut panel = ready(wallet(&[URI]));
    send(&mut panel, Message::New);
    let effects = send(&mut panel, Message::Copy);
    let expected = CodeView::at(panel.wallet().active().unwrap(), NOW).unwrap();
    assert!(matches!(effects.as_slice(), [Effect::Copy(code)] if *code == expected.showing.code));
    send(&mut panel, Message::Copied(Notice::Info(Text::Copied)));
    let shown = view(&panel);
    assert!(shown.busy, "the copy ended nothing");
    assert_eq!(shown.message, Text::Copied.get(Lang::En));
}

#[test]
fn copy_without_a_token_does_nothing() {
    let mut panel = ready(Wallet::new());
    assert!(send(&mut panel, Message::Copy).is_empty());
}

#[test]
fn shown_is_taken_only_while_the_work_runs() {
    let mut panel = ready(Wallet::new());
    send(&mut panel, Message::New);
    send(&mut panel, Message::Shown(wallet(&[URI])));
    assert_eq!(
        view(&panel).active.map(|a| a.label).as_deref(),
        Some("token 0")
    );
    assert!(view(&panel).busy, "the work goes on");
    send(&mut panel, Message::Done(wallet(&[OTHER]), None));
    // A late one: the answer has had the last word.
    send(&mut panel, Message::Shown(wallet(&[URI, OTHER])));
    assert_eq!(panel.wallet(), &wallet(&[OTHER]));
}

#[test]
fn another_tabs_change_reloads_now_or_after_the_work() {
    let mut panel = ready(wallet(&[URI]));
    let effects = send(&mut panel, Message::StorageChanged);
    assert!(matches!(effects.as_slice(), [Effect::Load]));
    // A second change while reading: read again once this read is done, without a new notice.
    assert!(send(&mut panel, Message::StorageChanged).is_empty());
    let effects = send(
        &mut panel,
        Message::Done(wallet(&[URI]), Some(Notice::Info(Text::OtherTab))),
    );
    assert!(matches!(effects.as_slice(), [Effect::Load]));
    assert!(view(&panel).busy);
    assert_eq!(view(&panel).message, Text::OtherTab.get(Lang::En));
    assert!(send(&mut panel, Message::Done(wallet(&[URI]), None)).is_empty());
    assert!(!view(&panel).busy);
    assert_eq!(
        view(&panel).message,
        Text::OtherTab.get(Lang::En),
        "a quiet answer keeps the notice"
    );
}

#[test]
fn another_tabs_change_hides_the_export() {
    let mut panel = ready(wallet(&[URI]));
    send(&mut panel, Message::AskExport);
    send(&mut panel, Message::ShowExport);
    send(&mut panel, Message::StorageChanged);
    assert_eq!(view(&panel).export, ExportView::Hidden);
}

#[test]
fn delete_asks_first_and_cancel_keeps_the_token() {
    let mut panel = ready(wallet(&[URI]));
    assert!(send(&mut panel, Message::AskDelete).is_empty());
    let shown = view(&panel);
    assert!(shown.delete_confirm_shown);
    assert!(!shown.delete_shown);
    send(&mut panel, Message::Cancel);
    let shown = view(&panel);
    assert!(!shown.delete_confirm_shown);
    assert!(shown.delete_shown);
    send(&mut panel, Message::AskDelete);
    let effects = send(&mut panel, Message::ConfirmDelete);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Apply(WalletOp::Remove(0), Some(Text::Deleted))]
    ));
    assert!(!view(&panel).delete_confirm_shown);
}

#[test]
fn delete_without_a_token_asks_nothing() {
    let mut panel = ready(Wallet::new());
    send(&mut panel, Message::AskDelete);
    assert!(!view(&panel).delete_confirm_shown);
    assert!(send(&mut panel, Message::ConfirmDelete).is_empty());
    assert!(!view(&panel).busy);
}

#[test]
fn choosing_another_token_closes_its_questions_and_export() {
    let mut panel = ready(wallet(&[URI, OTHER]));
    send(&mut panel, Message::AskDelete);
    send(&mut panel, Message::AskExport);
    let effects = send(&mut panel, Message::Select(0));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Apply(WalletOp::Activate(0), None)]
    ));
    let shown = view(&panel);
    assert!(!shown.delete_confirm_shown);
    assert_eq!(shown.export, ExportView::Hidden);
}

#[test]
fn choosing_the_active_token_keeps_its_question() {
    let mut panel = ready(wallet(&[URI, OTHER]));
    send(&mut panel, Message::AskDelete);
    send(&mut panel, Message::Select(1));
    assert!(view(&panel).delete_confirm_shown);
}

#[test]
fn rename_applies_the_label_typed_to_the_active_token() {
    let mut panel = ready(wallet(&[URI]));
    let effects = send(&mut panel, Message::Rename("Bank".into()));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Apply(WalletOp::Rename(0, label), Some(Text::Renamed))] if label == "Bank"
    ));
    let mut empty = ready(Wallet::new());
    assert!(send(&mut empty, Message::Rename("Bank".into())).is_empty());
}

#[test]
fn export_warns_then_shows_the_uri() {
    let mut panel = ready(wallet(&[URI]));
    assert_eq!(view(&panel).export, ExportView::Hidden);
    send(&mut panel, Message::AskExport);
    assert_eq!(view(&panel).export, ExportView::Warned);
    send(&mut panel, Message::ShowExport);
    let ExportView::Shown(uri) = view(&panel).export else {
        panic!("shown");
    };
    assert_eq!(KeyUri::parse(&uri).unwrap(), key(URI));
    send(&mut panel, Message::HideExport);
    assert_eq!(view(&panel).export, ExportView::Hidden);
}

#[test]
fn import_adds_a_good_uri_labelled_by_its_issuer_and_empties_the_field() {
    let mut panel = ready(Wallet::new());
    let effects = send(&mut panel, Message::Import(typed(URI)));
    let [
        Effect::Clear(Field::Import),
        Effect::Apply(
            WalletOp::Add {
                label,
                token_id,
                key: added,
            },
            Some(Text::Imported),
        ),
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(label, "Example");
    assert_eq!(*token_id, None);
    assert_eq!(*added, key(URI));
}

/// An 80-bit secret (as many services issue) is imported, with a quiet note, not an error.
#[test]
fn import_of_an_80_bit_secret_adds_it_with_a_note() {
    let short = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";
    let mut panel = ready(Wallet::new());
    let effects = send(&mut panel, Message::Import(typed(short)));
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::Clear(Field::Import),
                Effect::Apply(WalletOp::Add { .. }, Some(Text::ImportedShortSecret))
            ]
        ),
        "{effects:?}"
    );
    let note = Text::ImportedShortSecret;
    assert!(
        note.get(Lang::En)
            .contains("shorter than the recommended 128 bits")
    );
    assert!(note.get(Lang::Ja).contains("推奨される128ビットより短い"));
}

/// An export (here two URIs on two lines) becomes one piece of work adding each entry; a text
/// no format reads says why, and nothing starts.
#[test]
fn import_of_an_export_adds_every_entry_and_reports() {
    let two =
        "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\notpauth://hotp/B:b?secret=JBSWY3DPEHPK3PXP";
    let mut panel = ready(Wallet::new());
    let effects = send(&mut panel, Message::Import(typed(two)));
    let [Effect::Clear(Field::Import), Effect::ImportMany(items)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(items.len(), 2);
    assert!(items[0].op.is_ok() && items[0].short);
    assert!(items[1].op.is_err());
    // A file's text while work runs is refused with a word, not dropped.
    let effects = send(&mut panel, Message::ImportFile(typed(two)));
    assert!(effects.is_empty());
    assert!(view(&panel).message.contains("busy"));
    let mut panel = ready(Wallet::new());
    assert!(matches!(
        send(&mut panel, Message::ImportFile(typed(two))).as_slice(),
        [Effect::Clear(Field::Import), Effect::ImportMany(_)]
    ));
    let mut panel = ready(Wallet::new());
    assert!(send(&mut panel, Message::Import(typed("{}"))).is_empty());
    assert!(view(&panel).message_error);
    assert!(view(&panel).message.contains("not a format"));
}

#[test]
fn import_labels_by_account_and_cuts_long_labels() {
    let long = format!(
        "otpauth://totp/{}?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        "a".repeat(60)
    );
    let mut panel = ready(Wallet::new());
    let effects = send(&mut panel, Message::Import(typed(&long)));
    assert!(matches!(
        effects.as_slice(),
        [_, Effect::Apply(WalletOp::Add { label, .. }, _)] if *label == "a".repeat(MAX_LABEL_CHARS)
    ));
}

#[test]
fn a_bad_uri_says_why_and_keeps_the_field() {
    let mut panel = ready(Wallet::new());
    let effects = send(&mut panel, Message::Import(typed("https://example.com")));
    assert!(effects.is_empty(), "no Clear: the customer can correct it");
    let shown = view(&panel);
    assert!(shown.message_error);
    assert!(!shown.message.is_empty());
    assert!(!shown.busy);
}

#[test]
fn passphrase_fields_are_emptied_as_their_work_starts() {
    let mut panel = ready(wallet(&[URI]));
    let effects = send(
        &mut panel,
        Message::SetPassphrase(typed("a long passphrase")),
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::Clear(Field::Passphrase), Effect::SetPassphrase(p)] if *p.0 == "a long passphrase"
    ));
    send(&mut panel, Message::Done(wallet(&[URI]), None));
    let effects = send(&mut panel, Message::Unlock(typed("pass")));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Clear(Field::Unlock), Effect::Unlock(_)]
    ));
    send(&mut panel, Message::Done(wallet(&[URI]), None));
    assert!(matches!(
        send(&mut panel, Message::RemovePassphrase).as_slice(),
        [Effect::RemovePassphrase]
    ));
}

#[test]
fn typed_text_never_shows_in_debug() {
    let debug = format!("{:?}", Message::Unlock(typed("secret passphrase")));
    assert!(!debug.contains("secret"), "{debug}");
}

#[test]
fn starting_work_clears_the_last_notice() {
    let mut panel = ready(wallet(&[URI]));
    send(&mut panel, Message::Import(typed("nope")));
    assert!(view(&panel).message_error);
    send(&mut panel, Message::RemovePassphrase);
    assert_eq!(view(&panel).message, "Working…");
    assert!(!view(&panel).message_error);
}

#[test]
fn unreadable_data_is_discarded_only_after_confirmation() {
    let storage = Storage {
        list: Some(Problem::Unreadable(VaultError::Damaged)),
        ..Storage::default()
    };
    let mut panel = ready(Wallet::new());
    let shown = panel.view(NOW, Lang::En, &storage);
    assert!(shown.discard_shown);
    assert!(!shown.discard_confirm_shown);
    assert!(!shown.empty_shown, "not 'no token yet': the data is kept");
    assert!(shown.storage_trouble);
    assert_eq!(shown.discard_label, Text::Discard.get(Lang::En));
    panel.update(Message::AskDiscard, NOW, Lang::En, &storage);
    let shown = panel.view(NOW, Lang::En, &storage);
    assert!(!shown.discard_shown);
    assert!(shown.discard_confirm_shown);
    panel.update(Message::Cancel, NOW, Lang::En, &storage);
    assert!(panel.view(NOW, Lang::En, &storage).discard_shown);
    panel.update(Message::AskDiscard, NOW, Lang::En, &storage);
    let effects = panel.update(Message::ConfirmDiscard, NOW, Lang::En, &storage);
    assert!(matches!(effects.as_slice(), [Effect::Discard]));
    assert!(!panel.view(NOW, Lang::En, &storage).discard_confirm_shown);
}

#[test]
fn a_locked_list_offers_to_discard_in_its_own_words() {
    let panel = ready(Wallet::new());
    let shown = panel.view(NOW, Lang::En, &locked());
    assert!(shown.discard_shown);
    assert_eq!(shown.discard_label, Text::DiscardLocked.get(Lang::En));
    assert_eq!(
        shown.discard_question,
        Text::DiscardLockedConfirm.get(Lang::En)
    );
    assert_eq!(shown.storage, "", "the unlock form says it");
    assert!(!shown.storage_trouble);
    assert!(!shown.empty_shown);
}

#[test]
fn the_storage_line_names_both_stores() {
    let panel = ready(wallet(&[URI]));
    let shown = view(&panel);
    assert_eq!(shown.storage, Text::Saved.get(Lang::En));
    assert!(!shown.storage_trouble);
    assert_eq!(
        shown.protection,
        Some(Text::ProtectedByDevice.get(Lang::En))
    );
    assert!(shown.pass_box_shown);
    assert!(!shown.pass_remove_shown);
    let storage = Storage {
        list: Some(Problem::Full),
        passphrase: false,
        service: Some(Problem::Blocked),
        in_page_service: true,
    };
    let shown = panel.view(NOW, Lang::En, &storage);
    assert_eq!(
        shown.storage,
        format!(
            "{} {}{}",
            Text::NotSavedFull.get(Lang::En),
            Text::ServicePrefix.get(Lang::En),
            Text::ServiceNotSavedBlocked.get(Lang::En)
        )
    );
    assert!(shown.storage_trouble);
    assert!(!shown.discard_shown, "nothing unreadable to discard");
    let protected = Storage {
        passphrase: true,
        ..Storage::default()
    };
    let shown = panel.view(NOW, Lang::Ja, &protected);
    assert_eq!(
        shown.protection,
        Some(Text::ProtectedByPassphrase.get(Lang::Ja))
    );
    assert!(shown.pass_remove_shown);
    // With the token service in the page, the panel says what the passphrase leaves out.
    let in_page = Storage {
        in_page_service: true,
        ..protected
    };
    let shown = panel.view(NOW, Lang::En, &in_page);
    let said = shown.protection.unwrap();
    assert_eq!(said, Text::ProtectedByPassphraseInPage.get(Lang::En));
    assert!(
        said.contains("Not covered") && said.contains("device key"),
        "{said}"
    );
}

/// The token service keeps nothing unsaved (it answers nothing it could not save), so its
/// problems never say that something "will be gone when you close this page", as the token's
/// list's do: they say it accepts nothing until it can save, in both languages.
#[test]
fn the_service_line_says_nothing_is_accepted_rather_than_lost_on_close() {
    let panel = ready(Wallet::new());
    let problems = [
        Problem::Blocked,
        Problem::Full,
        Problem::NoKeys,
        Problem::Failed,
        Problem::Unreadable(VaultError::Damaged),
    ];
    for problem in problems {
        let storage = Storage {
            service: Some(problem.clone()),
            in_page_service: true,
            ..Storage::default()
        };
        let en = panel.view(NOW, Lang::En, &storage).storage;
        assert!(!en.contains("gone when you close"), "{problem:?}: {en}");
        assert!(!en.contains("stays on this page"), "{problem:?}: {en}");
        assert!(
            en.contains("the token service accepts no code"),
            "{problem:?}: {en}"
        );
        let ja = panel.view(NOW, Lang::Ja, &storage).storage;
        assert!(!ja.contains("閉じると消えます"), "{problem:?}: {ja}");
        assert!(!ja.contains("この画面の中だけ"), "{problem:?}: {ja}");
        assert!(
            ja.contains("トークンサービスはワンタイムパスワードも登録も受け付け"),
            "{problem:?}: {ja}"
        );
    }
}

#[test]
fn japanese_sentences_are_joined_without_a_space() {
    let panel = ready(Wallet::new());
    let storage = Storage {
        list: Some(Problem::Failed),
        service: Some(Problem::NoKeys),
        ..Storage::default()
    };
    let shown = panel.view(NOW, Lang::Ja, &storage);
    assert_eq!(
        shown.storage,
        format!(
            "{}{}{}",
            Text::NotSavedFailed.get(Lang::Ja),
            Text::ServicePrefix.get(Lang::Ja),
            Text::ServiceNotSavedNoKeys.get(Lang::Ja)
        )
    );
}

#[test]
fn persistence_is_shown_once_known() {
    let mut panel = ready(Wallet::new());
    assert_eq!(view(&panel).persist, None);
    for (granted, text) in [
        (Some(true), Text::PersistGranted),
        (Some(false), Text::PersistDenied),
        (None, Text::PersistUnknown),
    ] {
        send(&mut panel, Message::Persisted(granted));
        assert_eq!(view(&panel).persist, Some(text.get(Lang::En)));
    }
}

#[test]
fn the_view_shows_the_active_tokens_code_id_and_time_left() {
    let panel = ready(wallet(&[URI]));
    let shown = view(&panel);
    let active = shown.active.unwrap();
    assert_eq!(active.id_caption, Text::AccountCaption.get(Lang::En));
    assert_eq!(active.id, "alice@example.com");
    let code = shown.code.unwrap().unwrap();
    let display = CodeDisplay::at(&key(URI).secret, &key(URI).params, NOW).unwrap();
    assert_eq!(code.code, display.grouped());
    assert_eq!(code.next, group_code(&display.next));
    assert_eq!(code.remaining, display.remaining);
    assert_eq!(code.period, 30);
    assert_eq!(code.showing.step, display.step);
    assert_eq!(code.showing.token, (0, None));
    assert!(!shown.empty_shown);
    assert!(!shown.list_shown, "one token: no list");
}

#[test]
fn an_issued_token_shows_its_token_id() {
    let id = TokenId::generate("ABCD", 1234).expect("a valid Token ID");
    let mut list = Wallet::new();
    list.add("Bank", Some(id.clone()), key(URI)).unwrap();
    let shown = view(&ready(list));
    let active = shown.active.unwrap();
    assert_eq!(active.id_caption, Text::TokenIdCaption.get(Lang::En));
    assert_eq!(active.id, id.grouped());
}

#[test]
fn an_empty_list_says_so() {
    let shown = view(&ready(Wallet::new()));
    assert!(shown.empty_shown);
    assert_eq!(shown.active, None);
    assert_eq!(shown.code, None);
    assert!(shown.new_shown);
}

#[test]
fn outcomes_are_worded_by_the_panel() {
    assert_eq!(Outcome::Quiet.notice(), None);
    assert_eq!(Outcome::Reloaded(false).notice(), None);
    assert_eq!(
        Outcome::Reloaded(true).notice(),
        Some(Notice::Info(Text::OtherTab))
    );
    assert_eq!(
        Outcome::IssueFailed.notice(),
        Some(Notice::Problem(Text::IssueFailed))
    );
    assert_eq!(
        Outcome::Changed(Ok(()), Some(Text::Renamed)).notice(),
        Some(Notice::Info(Text::Renamed))
    );
    assert_eq!(Outcome::Changed(Ok(()), None).notice(), None, "quiet");
    assert_eq!(
        Outcome::Changed(Err(Refusal::Locked), None).notice(),
        Some(Notice::Problem(Text::NeedUnlock))
    );
    assert_eq!(
        Outcome::Changed(Err(Refusal::Failed), Some(Text::Saved)).notice(),
        Some(Notice::Problem(Text::NotSavedFailed))
    );
    assert_eq!(
        Outcome::Changed(Err(Refusal::Vault(VaultError::WrongPassphrase)), None).notice(),
        Some(Notice::Vault(VaultError::WrongPassphrase))
    );
    assert_eq!(Outcome::Discarded(false).notice(), None);
    assert_eq!(
        Outcome::Discarded(true).notice(),
        Some(Notice::Info(Text::Discarded))
    );
    let done = Outcome::Reloaded(true).done(wallet(&[URI]));
    assert!(
        matches!(done, Message::Done(w, Some(Notice::Info(Text::OtherTab))) if w.tokens().len() == 1)
    );
    assert!(matches!(
        Message::copied(true),
        Message::Copied(Notice::Info(Text::Copied))
    ));
    assert!(matches!(
        Message::copied(false),
        Message::Copied(Notice::Problem(Text::CopyFailed))
    ));
}

#[test]
fn a_refused_change_keeps_the_lists_own_reason() {
    let mut wallet = wallet(&[URI]);
    let e = wallet.apply(&WalletOp::Remove(99)).unwrap_err();
    assert_eq!(Notice::from(Refusal::Wallet(e.clone())), Notice::Wallet(e));
}

#[test]
fn an_issued_credential_is_added_under_the_service_as_issuer() {
    let token_id = TokenId::generate("ABCD", 7).unwrap();
    let secret = key(URI).secret;
    let op = add_issued("Bank", &token_id, &secret, Params::default());
    let WalletOp::Add {
        label,
        token_id: id,
        key,
    } = op
    else {
        panic!("an Add");
    };
    assert_eq!(label, "Bank");
    assert_eq!(id, Some(token_id.clone()));
    assert_eq!(key.issuer.as_deref(), Some(SERVICE_ISSUER));
    assert_eq!(key.account, token_id.as_str());
    assert_eq!(key.secret, secret);
    assert_eq!(key.params, Params::default());
}

/// A stored entry that cannot be read is listed with its label; chosen, it shows why it has no
/// code and can be deleted alone, while the other token keeps its code.
#[test]
fn an_unreadable_entry_is_listed_shows_why_and_is_deleted_alone() {
    let good = wallet(&[URI]).encode().to_string();
    let stored = format!(
        "{}\ntoken\t1\t-\totpauth://totp/broken\tOld bank",
        good.replace("next\t1", "next\t2")
    );
    let mut panel = ready(Wallet::decode(&stored).unwrap());
    let shown = view(&panel);
    assert!(shown.list_shown);
    let labels: Vec<&str> = shown.list.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, ["token 0", "Old bank"]);
    assert!(matches!(shown.code, Some(Ok(_))), "the good token's code");
    // Chosen (another tab's choice, say): no code, the reason, and deletion of it alone.
    let mut chosen = panel.wallet().clone();
    chosen.activate(1).unwrap();
    send(&mut panel, Message::Done(chosen, None));
    let shown = view(&panel);
    assert_eq!(
        shown.active.as_ref().map(|a| a.label.as_str()),
        Some("Old bank")
    );
    assert_eq!(
        shown.code,
        Some(Err(WalletText::Unreadable.get(Lang::En).to_owned()))
    );
    send(&mut panel, Message::AskDelete);
    assert!(view(&panel).delete_confirm_shown);
    assert!(matches!(
        send(&mut panel, Message::ConfirmDelete).as_slice(),
        [Effect::Apply(WalletOp::Remove(1), Some(Text::Deleted))]
    ));
}

#[test]
fn an_export_file_longer_than_the_import_reads_is_refused_unread_with_its_size() {
    let max = crate::import::MAX_IMPORT_BYTES as f64;
    assert!(import_file_size(max).is_none());
    let refused = import_file_size(max + 1.0).expect("refused");
    assert!(matches!(
        refused,
        Message::ImportFileRefused(Some(bytes)) if bytes == crate::import::MAX_IMPORT_BYTES + 1
    ));
    let mut panel = ready(wallet(&[URI]));
    send(&mut panel, refused);
    let shown = view(&panel);
    assert!(shown.message_error);
    assert!(shown.message.contains("262145"), "{}", shown.message);
}
