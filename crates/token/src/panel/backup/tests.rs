use super::*;
use crate::import::report::Report;
use crate::otpauth::KeyUri;
use crate::panel::{Outcome, PanelView, Problem};
use crate::vault::{Envelope, KeySpec, Pbkdf2Params};
use crate::wallet::Wallet;

const URI: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example";
const NOW: u64 = 1_764_806_400;

fn wallet() -> Wallet {
    let mut wallet = Wallet::new();
    wallet
        .add("Example", None, KeyUri::parse(URI).unwrap())
        .unwrap();
    wallet
}

fn ready(wallet: Wallet) -> Panel {
    let mut panel = Panel::new(Wallet::new());
    assert!(send(&mut panel, Message::Done(wallet, None)).is_empty());
    panel
}

fn send(panel: &mut Panel, message: Message) -> Vec<Effect> {
    panel.update(message, NOW, Lang::En, &Storage::default())
}

fn backup(panel: &mut Panel, message: BackupMessage) -> Vec<Effect> {
    send(panel, Message::Backup(message))
}

fn view(panel: &Panel) -> PanelView {
    panel.view(NOW, Lang::En, &Storage::default())
}

fn typed(text: &str) -> Typed {
    Typed::new(text.to_owned())
}

/// A checked backup file around a made-up envelope.
fn file_text() -> String {
    let envelope = Envelope {
        key: KeySpec::Passphrase(Pbkdf2Params::new(600_000, vec![7; 16]).unwrap()),
        nonce: [1; 12],
        ciphertext: vec![0xAB; 64],
    };
    crate::backup::file_text(&envelope.to_text())
}

#[test]
fn a_backup_seals_every_token_under_the_passphrase_and_marks_the_list() {
    let mut panel = ready(wallet());
    assert_eq!(
        view(&panel).backup.reminder,
        Some((
            "These tokens have not been backed up yet: download a backup under \"Back up and restore all tokens\".".to_owned(),
            true
        ))
    );
    let effects = backup(
        &mut panel,
        BackupMessage::Export(typed("a long passphrase")),
    );
    let [
        Effect::Clear(Field::BackupPass),
        Effect::Backup(BackupWork::Seal {
            passphrase,
            contents,
            name,
            mark,
        }),
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(passphrase.0.as_str(), "a long passphrase");
    assert!(
        contents
            .0
            .contains("\"secret\":\"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\"")
    );
    assert_eq!(name, "webtoken-backup-2025-12-04.txt");
    assert_eq!(mark.at, NOW);
    // Neither the passphrase nor the contents show in a log.
    let logged = format!("{effects:?}");
    assert!(
        !logged.contains("long passphrase") && !logged.contains("JBSWY3DP"),
        "{logged}"
    );
    let mark = mark.clone();
    assert!(view(&panel).busy);
    assert!(view(&panel).backup.busy);
    // A second press while it runs does nothing.
    assert!(
        backup(
            &mut panel,
            BackupMessage::Export(typed("a long passphrase"))
        )
        .is_empty()
    );
    assert!(backup(&mut panel, BackupMessage::Saved(Some(mark))).is_empty());
    let shown = view(&panel);
    assert!(!shown.busy);
    assert_eq!(
        shown.message,
        "A backup of your list (1 in all) was saved as webtoken-backup-2025-12-04.txt. Keep it somewhere other than this browser."
    );
    assert!(!shown.message_error);
    assert_eq!(
        shown.backup.reminder,
        Some((
            "Last backup: 2025-12-04 09:00 JST (it holds all your tokens).".to_owned(),
            false
        ))
    );
    // A change to the list makes the reminder ask again.
    let mut changed = wallet();
    changed.rename(0, "Renamed").unwrap();
    send(&mut panel, Message::Done(changed, None));
    assert!(view(&panel).backup.reminder.unwrap().1);
}

#[test]
fn a_backup_is_refused_with_nothing_to_back_up_a_short_passphrase_or_a_locked_list() {
    let mut empty = ready(Wallet::new());
    assert_eq!(view(&empty).backup.reminder, None);
    assert!(
        backup(
            &mut empty,
            BackupMessage::Export(typed("a long passphrase"))
        )
        .is_empty()
    );
    assert_eq!(view(&empty).message, "There are no tokens to back up.");
    let mut panel = ready(wallet());
    assert!(backup(&mut panel, BackupMessage::Export(typed("short"))).is_empty());
    assert!(view(&panel).message_error);
    assert!(view(&panel).message.contains("at least 8 characters"));
    let locked = Storage {
        list: Some(Problem::Locked),
        ..Storage::default()
    };
    let message = Message::Backup(BackupMessage::Export(typed("a long passphrase")));
    assert!(panel.update(message, NOW, Lang::En, &locked).is_empty());
    // The browser failed: said, and the panel is ready again.
    let effects = backup(
        &mut panel,
        BackupMessage::Export(typed("a long passphrase")),
    );
    assert_eq!(effects.len(), 2);
    backup(&mut panel, BackupMessage::Saved(None));
    let shown = view(&panel);
    assert!(!shown.busy && shown.message_error);
    assert!(shown.message.starts_with("The browser could not encrypt"));
    assert!(shown.backup.reminder.unwrap().1, "no backup was marked");
}

#[test]
fn a_chosen_file_is_checked_at_once_and_restored_as_an_import() {
    let mut panel = ready(wallet());
    // Restoring without a file says so.
    assert!(backup(&mut panel, BackupMessage::Restore(typed("pass phrase"))).is_empty());
    assert_eq!(view(&panel).message, "Choose a backup file first.");
    // A file of a newer version is named before any passphrase is asked for.
    backup(
        &mut panel,
        BackupMessage::Chosen(Ok("webtoken-backup.3\n...".to_owned())),
    );
    assert!(view(&panel).message.contains("newer version"));
    assert!(backup(&mut panel, BackupMessage::Restore(typed("pass phrase"))).is_empty());
    backup(&mut panel, BackupMessage::Chosen(Err(Some(300_000))));
    assert!(view(&panel).message.contains("300000 bytes"));
    backup(&mut panel, BackupMessage::Chosen(Ok(file_text())));
    assert_eq!(view(&panel).message, "");
    let effects = backup(&mut panel, BackupMessage::Restore(typed("pass phrase")));
    let [
        Effect::Clear(Field::BackupPass),
        Effect::Backup(BackupWork::Open { passphrase, .. }),
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(passphrase.0.as_str(), "pass phrase");
    // Opened: its tokens go through the import, one change each.
    let mut other = Wallet::new();
    other
        .add(
            "Other",
            None,
            KeyUri::parse("otpauth://totp/o?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap(),
        )
        .unwrap();
    let plaintext = crate::backup::contents(&other, 1);
    let effects = backup(
        &mut panel,
        BackupMessage::Opened(Ok(Plaintext(Zeroizing::new(plaintext.as_bytes().to_vec())))),
    );
    let [Effect::ImportMany(items)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(items.len(), 1);
    assert!(view(&panel).busy, "the restore goes on");
    let report = Report(vec![crate::import::report::Line::Imported(
        "Other (o)".to_owned(),
        false,
    )]);
    send(&mut panel, Outcome::Imported(report).done(other));
    let shown = view(&panel);
    assert!(!shown.busy);
    assert_eq!(shown.message, "Imported 1 of 1:\n✓ Other (o)");
}

#[test]
fn a_wrong_passphrase_or_bad_contents_change_nothing_and_say_why() {
    for (answer, said) in [
        (
            Err(Some(VaultError::WrongPassphrase)),
            "The passphrase does not open this backup.",
        ),
        (Err(None), "The browser could not encrypt"),
        (
            Ok(Plaintext(Zeroizing::new(b"not json".to_vec()))),
            "The backup opened, but what it holds is not a token list.",
        ),
        (
            Ok(Plaintext(Zeroizing::new(b"{\"tokens\":[]}".to_vec()))),
            "The backup holds no tokens.",
        ),
    ] {
        let mut panel = ready(wallet());
        backup(&mut panel, BackupMessage::Chosen(Ok(file_text())));
        backup(&mut panel, BackupMessage::Restore(typed("wrong one")));
        let effects = backup(&mut panel, BackupMessage::Opened(answer));
        assert!(effects.is_empty(), "{effects:?}");
        let shown = view(&panel);
        assert!(!shown.busy && shown.message_error);
        assert!(shown.message.starts_with(said), "{}", shown.message);
        assert!(shown.message.contains("Nothing was changed."));
        assert_eq!(panel.wallet(), &wallet());
        // The file stays chosen: the customer can type the passphrase again.
        let again = backup(&mut panel, BackupMessage::Restore(typed("right one")));
        assert_eq!(again.len(), 2);
    }
    // In Japanese too.
    let mut panel = ready(wallet());
    backup(&mut panel, BackupMessage::Chosen(Ok(file_text())));
    backup(&mut panel, BackupMessage::Restore(typed("wrong one")));
    let message = Message::Backup(BackupMessage::Opened(Err(Some(
        VaultError::WrongPassphrase,
    ))));
    panel.update(message, NOW, Lang::Ja, &Storage::default());
    let shown = panel.view(NOW, Lang::Ja, &Storage::default());
    assert!(
        shown.message.starts_with("パスフレーズが違うため"),
        "{}",
        shown.message
    );
}

#[test]
fn an_answer_without_its_work_is_ignored() {
    let mut panel = ready(wallet());
    assert!(backup(&mut panel, BackupMessage::Saved(None)).is_empty());
    let opened = Plaintext(Zeroizing::new(
        crate::backup::contents(&wallet(), 1).as_bytes().to_vec(),
    ));
    assert!(backup(&mut panel, BackupMessage::Opened(Ok(opened))).is_empty());
    assert_eq!(view(&panel).message, "");
}

#[test]
fn the_backup_part_is_drawn_and_pressed() {
    let panel = ready(wallet());
    let shown = view(&panel);
    let writes = super::super::draw::writes(&shown);
    assert!(writes.contains(&(Part::BackupReminder, Write::Shown(true))));
    assert!(writes.contains(&(
        Part::BackupReminder,
        Write::Attr("class", Cow::Borrowed("token-backup-reminder due"))
    )));
    assert!(writes.contains(&(Part::BackupExport, Write::Disabled(false))));
    let [(export, press), (restore, _)] = CLICKS;
    assert_eq!((export, restore), (Part::BackupExport, Part::BackupRestore));
    let message = press.message(|part| {
        assert_eq!(part, Part::BackupPass);
        "typed".to_owned()
    });
    assert!(
        matches!(message, Message::Backup(BackupMessage::Export(t)) if t.0.as_str() == "typed")
    );
    assert!(chosen_size(1e6).is_some());
    assert!(chosen_size(1000.0).is_none());
    assert_eq!(Field::BackupPass.part(), Part::BackupPass);
}
