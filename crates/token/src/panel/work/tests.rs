//! The panel's work, natively: a fake device over a memory store, the fake cipher and a fake
//! token service that counts what it issues.

#![allow(clippy::unwrap_used)]

use std::cell::{Cell, RefCell};

use super::*;
use crate::backup::{BackupFile, Mark};
use crate::import::report::{Item, Line};
use crate::panel::{Notice, Typed};
use crate::sealing::fake::FakeKeys;
use crate::store::RECORD_KEY;
use crate::store::tests::{DOC_URI, HOTP_URI, RFC_URI, add, open, run as ready};
use crate::vault::VaultError;
use crate::wallet::{Wallet, WalletError};
use webtoken_engine::persist::{MemoryKeyValue, StoreError};

const STAFF_LABEL: &str = "demo staff";

/// A device in memory: what it issued, copied and downloaded.
struct Fake {
    kv: MemoryKeyValue,
    list: ListStore<MemoryKeyValue, FakeKeys>,
    issued: Cell<u32>,
    refuse_issue: Cell<bool>,
    service_reads: Cell<u32>,
    /// What the list's record held each time the panel was shown something early.
    stored_when_shown: RefCell<Vec<Option<String>>>,
    clipboard: RefCell<Option<String>>,
    downloads: RefCell<Vec<(String, String)>>,
}

fn credential(serial: u32) -> Credential {
    Credential {
        token_id: TokenId::generate("WEBT", serial).unwrap(),
        secret: Secret::from_bytes(vec![serial as u8; 20]).unwrap(),
        params: Params::default(),
    }
}

impl Fake {
    fn new() -> Self {
        let kv = MemoryKeyValue::default();
        Self::on(&kv, &FakeKeys::default())
    }

    /// Another page on the same storage and key store.
    fn on(kv: &MemoryKeyValue, keys: &FakeKeys) -> Self {
        Self {
            kv: kv.clone(),
            list: ListStore::new(kv.clone(), keys.clone(), "device-key".into()),
            issued: Cell::new(0),
            refuse_issue: Cell::new(false),
            service_reads: Cell::new(0),
            stored_when_shown: RefCell::default(),
            clipboard: RefCell::default(),
            downloads: RefCell::default(),
        }
    }

    /// Runs `effect`; the answer and the messages shown before it.
    fn run(&self, effect: Effect) -> (Option<Message>, Vec<Message>) {
        let shown = RefCell::new(Vec::new());
        let answer = ready(run(effect, self, &|message| {
            let stored = self.kv.get(RECORD_KEY).unwrap();
            self.stored_when_shown.borrow_mut().push(stored);
            shown.borrow_mut().push(message);
        }));
        (answer, shown.into_inner())
    }

    /// Runs `effect`: the list and notice of its [`Message::Done`].
    fn done(&self, effect: Effect) -> (Wallet, Option<Notice>) {
        match self.run(effect).0 {
            Some(Message::Done(wallet, notice)) => (wallet, notice),
            other => panic!("{other:?}"),
        }
    }
}

impl Device for Fake {
    type Store = MemoryKeyValue;
    type Keys = FakeKeys;

    fn list(&self) -> &ListStore<MemoryKeyValue, FakeKeys> {
        &self.list
    }

    fn start_service(&self) {
        self.service_reads.set(self.service_reads.get() + 1);
    }

    async fn load_service(&self) {
        self.service_reads.set(self.service_reads.get() + 1);
    }

    async fn issue(&self, shown: &dyn Fn(&TokenId, &Secret, Params)) -> Option<Credential> {
        if self.refuse_issue.get() {
            return None;
        }
        self.issued.set(self.issued.get() + 1);
        let issued = credential(self.issued.get());
        shown(&issued.token_id, &issued.secret, issued.params);
        Some(issued)
    }

    async fn discard_service(&self) -> bool {
        false
    }

    fn demo_staff(&self) -> (&'static str, Credential) {
        (STAFF_LABEL, credential(9_999_001))
    }

    async fn copy(&self, text: &str) -> bool {
        *self.clipboard.borrow_mut() = Some(text.to_owned());
        true
    }

    async fn read_clipboard(&self) -> Option<Zeroizing<String>> {
        self.clipboard.borrow().clone().map(Zeroizing::new)
    }

    async fn persist(&self) -> Option<bool> {
        Some(true)
    }

    fn download(&self, name: &str, text: &str) -> Option<()> {
        self.downloads.borrow_mut().push((name.into(), text.into()));
        Some(())
    }
}

fn labels(wallet: &Wallet) -> Vec<&str> {
    wallet.tokens().iter().map(|t| t.label.as_str()).collect()
}

#[test]
fn a_first_visit_shows_its_code_before_saving_then_adds_the_demo_staff_token() {
    let device = Fake::new();
    let (answer, shown) = device.run(Effect::Start("Bank".into()));
    assert_eq!(device.issued.get(), 1);
    assert_eq!(device.service_reads.get(), 2, "started, then waited for");
    let [Message::Shown(early)] = &shown[..] else {
        panic!("{shown:?}")
    };
    assert_eq!(labels(early), ["Bank"]);
    assert_eq!(
        *device.stored_when_shown.borrow(),
        [None],
        "shown before the list was saved"
    );
    let Some(Message::Done(wallet, notice)) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(notice, Some(Notice::Info(Text::Issued)));
    assert_eq!(labels(&wallet), ["Bank", STAFF_LABEL]);
    let active = wallet.active().unwrap();
    assert_eq!(active.label, "Bank", "the customer's token stays active");
    assert_eq!(active.token_id, early.active().unwrap().token_id);
    // Saved: the next visit reads both and issues nothing.
    let next = Fake::on(&device.kv, device.list.keys());
    let (wallet, notice) = next.done(Effect::Start("Bank".into()));
    assert_eq!((labels(&wallet), notice), (vec!["Bank", STAFF_LABEL], None));
    assert_eq!(next.issued.get(), 0);
    assert_eq!(
        next.service_reads.get(),
        1,
        "read alongside, not waited for"
    );
}

#[test]
fn a_refused_issue_says_so_and_an_issue_adds_the_active_token() {
    let device = Fake::new();
    device.refuse_issue.set(true);
    let (wallet, notice) = device.done(Effect::Issue("Bank".into()));
    assert!(wallet.is_empty());
    assert_eq!(notice, Some(Notice::Problem(Text::IssueFailed)));
    device.refuse_issue.set(false);
    ready(device.list.apply(add("Example", RFC_URI))).unwrap();
    let (wallet, notice) = device.done(Effect::Issue("Second".into()));
    assert_eq!(notice, Some(Notice::Info(Text::Issued)));
    assert_eq!(wallet.active().unwrap().label, "Second");
    // Storage blocked on a first visit: nothing is issued into a list that is not saved.
    let blocked = Fake::new();
    blocked
        .kv
        .refuse(Some(StoreError::Unavailable("SecurityError".into())));
    let (_, notice) = blocked.done(Effect::Start("Bank".into()));
    assert_eq!((notice, blocked.issued.get()), (None, 0));
}

#[test]
fn an_import_adds_entry_by_entry_and_reports_what_the_list_refused() {
    let device = Fake::new();
    let item = |name: &str, uri: &str| Item {
        name: name.into(),
        short: false,
        op: Ok(add(name, uri)),
    };
    let items = vec![item("a", RFC_URI), item("b", RFC_URI), item("c", DOC_URI)];
    let (wallet, notice) = device.done(Effect::ImportMany(items));
    assert_eq!(labels(&wallet), ["a", "c"]);
    let Some(Notice::Report(Report(lines))) = notice else {
        panic!("{notice:?}")
    };
    assert_eq!(lines[0], Line::Imported("a".into(), false));
    assert!(
        matches!(&lines[1], Line::NotAdded(name, Refusal::Wallet(_)) if name == "b"),
        "{lines:?}"
    );
    assert_eq!(lines[2], Line::Imported("c".into(), false));
    assert_eq!(
        labels(&open(&device.kv, device.list.keys()).wallet()),
        ["a", "c"]
    );
}

#[test]
fn copy_and_clear_the_clipboard_and_ask_to_persist() {
    let device = Fake::new();
    let (answer, _) = device.run(Effect::Copy("287082".into()));
    assert!(
        matches!(answer, Some(Message::Copied(Notice::Info(Text::Copied)))),
        "{answer:?}"
    );
    assert_eq!(device.clipboard.borrow().as_deref(), Some("287082"));
    *device.clipboard.borrow_mut() = Some("the customer's own".into());
    let (answer, _) = device.run(Effect::ClearClipboard(Typed::new("287082".into())));
    assert!(answer.is_none(), "unanswered");
    assert_eq!(
        device.clipboard.borrow().as_deref(),
        Some("the customer's own")
    );
    device.run(Effect::ClearClipboard(Typed::new(
        "the customer's own".into(),
    )));
    assert_eq!(device.clipboard.borrow().as_deref(), Some(""));
    // A browser that refuses to read the clipboard: it is left alone.
    *device.clipboard.borrow_mut() = None;
    device.run(Effect::ClearClipboard(Typed::new("287082".into())));
    assert_eq!(device.clipboard.borrow().as_deref(), None);
    let (answer, _) = device.run(Effect::Persist);
    assert!(matches!(answer, Some(Message::Persisted(Some(true)))));
    let (answer, _) = device.run(Effect::Clear(crate::panel::Field::Passphrase));
    assert!(answer.is_none(), "the shell's own work");
}

#[test]
fn a_passphrase_is_set_the_list_locked_unlocked_and_the_passphrase_removed() {
    let device = Fake::new();
    ready(device.list.apply(add("Example", RFC_URI))).unwrap();
    let typed = |text: &str| Typed::new(text.into());
    let (_, notice) = device.done(Effect::SetPassphrase(typed("short")));
    assert_eq!(notice, Some(Notice::Vault(VaultError::PassphraseTooShort)));
    let (_, notice) = device.done(Effect::SetPassphrase(typed("correct horse battery")));
    assert_eq!(notice, Some(Notice::Info(Text::PassphraseSet)));
    let (wallet, notice) = device.done(Effect::Lock(Text::LockedNow));
    assert_eq!(notice, Some(Notice::Info(Text::LockedNow)));
    assert!(wallet.is_empty(), "nothing in memory while locked");
    let (_, notice) = device.done(Effect::Lock(Text::LockedNow));
    assert_eq!(notice, None, "locked already: nothing to say");
    let (_, notice) = device.done(Effect::Apply(add("ACME", DOC_URI), None));
    assert_eq!(notice, Some(Notice::Problem(Text::NeedUnlock)));
    let (_, notice) = device.done(Effect::Unlock(typed("wrong horse battery")));
    assert_eq!(notice, Some(Notice::Vault(VaultError::WrongPassphrase)));
    let (wallet, notice) = device.done(Effect::Unlock(typed("correct horse battery")));
    assert_eq!(
        (labels(&wallet), notice),
        (vec!["Example"], Some(Notice::Info(Text::Unlocked)))
    );
    let (_, notice) = device.done(Effect::RemovePassphrase);
    assert_eq!(notice, Some(Notice::Info(Text::PassphraseRemoved)));
    assert!(!device.list.uses_passphrase());
    let (_, notice) = device.done(Effect::Lock(Text::LockedNow));
    assert_eq!(notice, None, "nothing to lock with");
}

#[test]
fn an_hotp_code_is_answered_only_once_its_counter_is_saved() {
    let device = Fake::new();
    ready(device.list.apply(add("RFC", HOTP_URI))).unwrap();
    let id = device.list.wallet().active_id().unwrap();
    let counter = |wallet: &Wallet| wallet.active().and_then(|t| t.key.counter);
    let (wallet, notice) = device.done(Effect::Advance(id));
    assert_eq!((counter(&wallet), notice), (Some(1), None));
    device.kv.refuse(Some(StoreError::QuotaExceeded));
    let (wallet, notice) = device.done(Effect::Advance(id));
    assert_eq!(notice, Some(Notice::Problem(Text::HotpNotSaved)));
    assert_eq!(counter(&wallet), Some(1), "no code for an unsaved counter");
    device.kv.refuse(None);
    let (_, notice) = device.done(Effect::Advance(99));
    assert_eq!(notice, Some(Notice::Wallet(WalletError::UnknownToken)));
}

#[test]
fn unreadable_data_is_discarded_only_when_there_is_some() {
    let device = Fake::new();
    let (_, notice) = device.done(Effect::Discard);
    assert_eq!(notice, None);
    device.kv.set(RECORD_KEY, "not a sealed list").unwrap();
    let (_, notice) = device.done(Effect::Load);
    assert_eq!(notice, Some(Notice::Info(Text::OtherTab)));
    assert!(matches!(
        device.list.not_saved(),
        Some(NotSaved::Unreadable(_))
    ));
    let (_, notice) = device.done(Effect::Discard);
    assert_eq!(notice, Some(Notice::Info(Text::Discarded)));
    assert_eq!(device.list.not_saved(), None);
}

#[test]
fn a_backup_is_sealed_saved_and_marked_then_opens_with_its_passphrase_only() {
    let device = Fake::new();
    ready(device.list.apply(add("Example", RFC_URI))).unwrap();
    let wallet = device.list.wallet();
    let contents = format::contents(&wallet, 1_700_000_000);
    let mark = Mark {
        at: 1_700_000_000,
        fingerprint: format::fingerprint(&wallet),
    };
    let seal = BackupWork::Seal {
        passphrase: Typed::new("backup passphrase".into()),
        contents: Typed(contents.clone()),
        name: "webtoken.backup".into(),
        mark: mark.clone(),
    };
    let (answer, _) = device.run(Effect::Backup(seal));
    assert!(
        matches!(&answer, Some(Message::Backup(BackupMessage::Saved(Some(m)))) if *m == mark),
        "{answer:?}"
    );
    assert_eq!(device.list.backup_mark(), Some(mark));
    let (name, text) = device.downloads.borrow()[0].clone();
    assert_eq!(name, "webtoken.backup");
    assert!(!text.contains("GEZDGNBV"), "sealed");
    let open = |passphrase: &str| {
        let file = BackupFile::parse(&text).unwrap();
        let work = BackupWork::Open {
            passphrase: Typed::new(passphrase.into()),
            file,
        };
        match device.run(Effect::Backup(work)).0 {
            Some(Message::Backup(BackupMessage::Opened(opened))) => opened,
            other => panic!("{other:?}"),
        }
    };
    let plain = open("backup passphrase").unwrap();
    assert_eq!(&plain.0[..], contents.as_bytes());
    assert!(
        matches!(
            open("another passphrase"),
            Err(Some(VaultError::WrongPassphrase))
        ),
        "a wrong passphrase"
    );
}
