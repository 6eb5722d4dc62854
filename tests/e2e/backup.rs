//! Backup and restore of the whole token list in a real browser (issue 20): the file the
//! person downloads restores in a fresh profile with the same codes and holds no secret in the
//! clear; a wrong passphrase, a cut or altered file and a newer version change nothing; the
//! worked example of `docs/backup-format.md` (made by another program) restores.

use std::path::{Path, PathBuf};
use std::time::Duration;

use webtoken_engine::{Params, Secret};
use webtoken_token::otpauth::KeyUri;

use crate::harness::{Browser, is_grouped_token_id};
use crate::import::select;
use crate::token::{
    KNOWN_URI, click, exported_uri, open_details, open_ready, ready, script, shown_code_matches,
    type_into,
};

const WAIT: Duration = Duration::from_secs(30);
const PASSPHRASE: &str = "水曜日の backup 7";
/// RFC 6238's SHA-1 seed, the secret of [`KNOWN_URI`] and of the documented example.
const SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// A folder of its own for this test's files.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("webtoken-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

/// Waits for the one backup file the browser saved into `dir`; its name and text.
async fn downloaded(dir: &Path) -> (String, String) {
    let started = std::time::Instant::now();
    loop {
        let done: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("the download folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        if let [path] = done.as_slice() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            return (
                name,
                std::fs::read_to_string(path).expect("read the backup"),
            );
        }
        assert!(
            started.elapsed() < WAIT,
            "no backup was downloaded: {done:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Chooses a file holding `contents` in the backup's file input.
async fn choose(browser: &Browser, dir: &Path, name: &str, contents: &str) {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write the file");
    browser
        .client
        .find(fantoccini::Locator::Css(
            "[data-testid=\"token-backup-file\"]",
        ))
        .await
        .expect("the backup's file input")
        .send_keys(path.to_str().expect("a UTF-8 path"))
        .await
        .expect("choose the file");
}

/// The stored list as it is in `localStorage` (sealed) and the list's labels.
async fn stored(browser: &Browser) -> (serde_json::Value, serde_json::Value) {
    let record = script(
        browser,
        "return localStorage.getItem('webtoken.token.wallet');",
    )
    .await;
    let labels = script(
        browser,
        "return [...document.querySelectorAll('[data-testid=\"token-list\"] button')].map(b => b.textContent);",
    )
    .await;
    (record, labels)
}

/// Types `passphrase`, presses "restore", and waits for the panel's answer.
async fn restore(browser: &Browser, passphrase: &str) -> String {
    type_into(browser, "token-backup-pass", passphrase).await;
    // The answer is told from the message before it (every call here expects another one).
    // Not by emptying the message first: the panel's next draw (each second) writes its
    // notice again, which under load came before the press was handled.
    let before = browser.text("token-message").await;
    click(browser, "token-backup-restore").await;
    let message = browser
        .wait_text("token-message", WAIT, |m| {
            !m.is_empty() && m != "処理中です…" && m != before
        })
        .await;
    ready(browser).await;
    if message == "先にバックアップファイルを選んでください。" {
        // Nothing ran: what was typed stays, for the press once a file is chosen.
        return message;
    }
    assert_eq!(
        script(
            browser,
            "return document.querySelector('[data-testid=\"token-backup-pass\"]').value;"
        )
        .await,
        serde_json::Value::String(String::new()),
        "the passphrase does not stay in its field"
    );
    message
}

/// The file downloaded in one profile restores in a fresh one: every token, with its label and
/// the same codes; the one both lists hold is skipped and said so; the file holds no secret
/// in the clear, and the panel's reminder follows the backup.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_downloaded_in_one_profile_restores_in_a_fresh_one_with_the_same_codes() {
    let downloads = folder("backup-downloads");
    let first = Browser::start_downloading_to(&downloads).await;
    first.open("/").await;
    first.wait_text("token-id", WAIT, is_grouped_token_id).await;
    ready(&first).await;
    let token_id = first.text("token-id").await;
    let issued = KeyUri::parse(&exported_uri(&first).await).unwrap();
    type_into(&first, "token-rename-input", "A銀行").await;
    click(&first, "token-rename").await;
    first.wait_text("token-label", WAIT, |t| t == "A銀行").await;
    ready(&first).await;
    open_details(&first, "ImportTitle").await;
    type_into(&first, "token-import-input", KNOWN_URI).await;
    click(&first, "token-import").await;
    first
        .wait_text("token-label", WAIT, |t| t == "Example")
        .await;
    ready(&first).await;
    let reminder = first.text("token-backup-reminder").await;
    assert!(
        reminder.contains("まだバックアップされていません"),
        "{reminder:?}"
    );

    open_details(&first, "BackupTitle").await;
    // Too short a passphrase: refused, nothing downloaded.
    type_into(&first, "token-backup-pass", "short").await;
    click(&first, "token-backup-export").await;
    first
        .wait_text("token-message", WAIT, |m| m.contains("8文字以上"))
        .await;
    type_into(&first, "token-backup-pass", PASSPHRASE).await;
    click(&first, "token-backup-export").await;
    let message = first
        .wait_text("token-message", WAIT, |m| m.contains("保存しました"))
        .await;
    let (name, file) = downloaded(&downloads).await;
    assert!(
        message.contains(&format!("3件のトークンのバックアップを {name}")),
        "{message:?}"
    );
    assert!(name.starts_with("webtoken-backup-20"), "{name}");
    let reminder = first.text("token-backup-reminder").await;
    assert!(reminder.starts_with("前回のバックアップ："), "{reminder:?}");
    first.screenshot("backup-saved").await;
    first.close().await;

    // The file: the documented format, and no secret, label or passphrase in the clear.
    let lines: Vec<&str> = file.lines().collect();
    assert_eq!(lines.len(), 3, "{file}");
    assert_eq!(lines[0], "webtoken-backup.1");
    assert!(lines[1].starts_with("webtoken-vault.1.A256GCM.pbkdf2-sha256.600000."));
    assert!(lines[2].starts_with("sha256."));
    let staff = webtoken_bank::staff::demo_staff_secret();
    for secret in [&issued.secret, &Secret::from_base32(SEED).unwrap(), &staff] {
        let base32 = secret.to_base32();
        let hex: String = secret
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(!file.contains(&base32[..16]), "a secret in Base32");
        assert!(!file.to_lowercase().contains(&hex[..16]), "a secret in hex");
        assert!(
            !file
                .as_bytes()
                .windows(10)
                .any(|w| w == &secret.as_bytes()[..10]),
            "a secret's bytes"
        );
    }
    for clear in ["A銀行", "Example", "alice", PASSPHRASE, "otpauth", "totp"] {
        assert!(!file.contains(clear), "{clear:?} in the clear");
    }

    // A fresh profile: its own first token and the demo staff's.
    let second = open_ready().await;
    let before = stored(&second).await;
    open_details(&second, "BackupTitle").await;
    let files = folder("backup-restore");
    choose(&second, &files, &name, &file).await;
    let wrong = restore(&second, "not the passphrase").await;
    assert!(wrong.starts_with("パスフレーズが違うため"), "{wrong:?}");
    assert_eq!(
        stored(&second).await,
        before,
        "a wrong passphrase changes nothing"
    );
    let report = restore(&second, PASSPHRASE).await;
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "3件中2件を読み込みました:", "{report}");
    assert!(lines[1].starts_with("✓ A銀行 ("), "{report}");
    assert!(
        lines[2].starts_with("✗ デモ職員 / demo staff (")
            && lines[2].contains("読み込みませんでした。"),
        "the token both lists hold is skipped, said why: {report}"
    );
    assert!(
        lines[3].starts_with("✓ Example (alice@example.com)"),
        "{report}"
    );
    second.screenshot("backup-restored").await;
    // The same codes as in the first profile.
    select(&second, "A銀行").await;
    assert_eq!(second.text("token-id").await, token_id);
    shown_code_matches(&second, &issued.secret, &issued.params).await;
    select(&second, "Example").await;
    shown_code_matches(
        &second,
        &Secret::from_base32(SEED).unwrap(),
        &Params::default(),
    )
    .await;
    // Saved: still there after a reload.
    second.open("/").await;
    second
        .wait_text("token-label", WAIT, |t| t == "Example")
        .await;
    ready(&second).await;
    let labels = stored(&second).await.1;
    assert_eq!(labels.as_array().map(Vec::len), Some(4), "{labels}");
    second.close().await;
    let _ = std::fs::remove_dir_all(&downloads);
    let _ = std::fs::remove_dir_all(&files);
}

/// The worked example of `docs/backup-format.md`, made by another program (Python's
/// `cryptography`): cut short, altered, claiming a newer version, or with a wrong passphrase,
/// it is refused with its own message and nothing changes; whole, with its passphrase, it
/// restores the token with RFC 6238's codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_file_or_passphrase_changes_nothing_and_the_documented_example_restores() {
    let doc = std::fs::read_to_string(crate::harness::root().join("docs/backup-format.md"))
        .expect("the format's document");
    let start = doc.find("\nwebtoken-backup.1\n").expect("the example") + 1;
    let example = &doc[start..start + doc[start..].find("```").expect("its end")];
    let browser = open_ready().await;
    let before = stored(&browser).await;
    open_details(&browser, "BackupTitle").await;
    let dir = folder("backup-bad");
    let cut = &example[..example.len() - 30];
    let altered = example.replacen("8cLs8Nlq", "8cLs8Nlr", 1);
    assert_ne!(altered, example);
    let newer = example.replacen("webtoken-backup.1", "webtoken-backup.2", 1);
    for (name, text, said) in [
        ("cut.txt", cut, "途中で切れています"),
        ("altered.txt", altered.as_str(), "書き換えられているか"),
        ("newer.txt", newer.as_str(), "新しい版で作られました（形式2"),
        (
            "other.txt",
            "{\"db\": {}}",
            "webtoken のバックアップファイルではありません",
        ),
    ] {
        choose(&browser, &dir, name, text).await;
        let message = browser
            .wait_text("token-message", WAIT, |m| m.contains(said))
            .await;
        assert!(message.contains("何も変更していません"), "{message:?}");
        // Nothing to open: the restore says to choose a file.
        let refused = restore(&browser, "correct horse battery staple").await;
        assert_eq!(refused, "先にバックアップファイルを選んでください。");
        assert_eq!(stored(&browser).await, before, "{name} changed the list");
    }
    browser.screenshot("backup-refused").await;
    choose(&browser, &dir, "example.txt", example).await;
    let wrong = restore(&browser, "correct horse battery stapler").await;
    assert!(wrong.contains("何も変更していません"), "{wrong:?}");
    assert_eq!(
        stored(&browser).await,
        before,
        "a wrong passphrase changed the list"
    );
    let report = restore(&browser, "correct horse battery staple").await;
    assert_eq!(
        report,
        "1件中1件を読み込みました:\n✓ Example (alice@example.com)"
    );
    browser
        .wait_text("token-label", WAIT, |t| t == "Example")
        .await;
    shown_code_matches(
        &browser,
        &Secret::from_base32(SEED).unwrap(),
        &Params::default(),
    )
    .await;
    browser.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
