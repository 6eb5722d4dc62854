//! The bank's flows end to end against a real token service, with a fixed clock: codes come
//! from `engine::totp` at the test's own time.

#![allow(clippy::unwrap_used)]

use super::*;
use webtoken_engine::random::SeededRandom;
use webtoken_engine::totp;
use webtoken_token_service::{
    Accepted, AuditKind, ChainError, CredentialStatus, Issued, MemoryStore, Policy, Rejected,
    TokenService,
};

/// Mid-step, so that a few seconds either way stay in the same 30-second step.
const T0: u64 = 1_700_000_010;
const PERIOD: u64 = 30;
/// Fast hashing for tests; the demo count is exercised by `demo_bank_seeds_the_readme_customers`.
const TEST_ITERATIONS: u32 = 1_000;

const ALICE: &str = "1000000001";
const ALICE_PW: &str = "demo-Pass1";
const BOB: &str = "1000000002";
const BOB_PW: &str = "demo-Pass2";

/// A bank, a token service, the screen and the clock.
struct World {
    bank: Bank,
    service: TokenService,
    screen: Screen,
    now: u64,
    saves: usize,
}

impl World {
    fn new() -> Self {
        Self {
            bank: Bank::demo_with_iterations(TEST_ITERATIONS, &mut SeededRandom::new(1)).unwrap(),
            service: TokenService::new(MemoryStore::default(), Policy::default()),
            screen: Screen::default(),
            now: T0,
            saves: 0,
        }
    }

    /// Sends one event through the synchronous driver; returns whether it was handled.
    fn send(&mut self, event: Event) -> bool {
        let screen = core::mem::take(&mut self.screen);
        let driven = drive(&mut self.bank, &self.service, screen, event, self.now);
        self.screen = driven.screen;
        self.saves += usize::from(driven.save_bank);
        driven.handled
    }

    fn type_in(&mut self, field: Field, value: &str) {
        assert!(
            self.send(Event::Edit(field, value.to_string())),
            "{field:?} on {}",
            self.id()
        );
    }

    fn press(&mut self, action: Action) {
        assert!(
            self.send(Event::Press(action)),
            "{action:?} on {}",
            self.id()
        );
    }

    fn submit(&mut self, fields: &[(Field, &str)]) {
        for (field, value) in fields {
            self.type_in(*field, value);
        }
        self.press(Action::Submit);
    }

    fn id(&self) -> &'static str {
        self.screen.view(Lang::Ja).id
    }

    fn error(&self) -> Option<String> {
        self.screen.view(Lang::Ja).error
    }

    fn value(&self, field: Field) -> Option<&str> {
        self.screen.value(field)
    }

    fn issue(&self) -> Issued {
        self.service.issue(self.now).unwrap()
    }

    /// The code the token shows `steps` periods from now.
    fn code(&self, issued: &Issued, steps: i64) -> String {
        let at = self.now.checked_add_signed(steps * 30).unwrap();
        totp(&issued.secret, at, &issued.params).unwrap()
    }

    /// A code the token shows at no step within two of now.
    fn wrong_code(&self, issued: &Issued) -> String {
        let near: Vec<String> = (-2..=2).map(|k| self.code(issued, k)).collect();
        (0..1_000_000)
            .map(|n| format!("{n:06}"))
            .find(|c| !near.contains(c))
            .unwrap()
    }

    fn tick(&mut self) {
        self.now += PERIOD;
    }

    fn logout_if_signed_in(&mut self) {
        if matches!(self.screen, Screen::SignedIn { .. }) {
            self.press(Action::Logout);
        }
    }

    fn login(&mut self, contract: &str, password: &str) {
        self.logout_if_signed_in();
        self.screen = Screen::default();
        self.submit(&[(Field::ContractId, contract), (Field::Password, password)]);
    }

    /// Registers a fresh token for `contract` through the registration screens.
    fn register(&mut self, contract: &str, password: &str) -> Issued {
        let issued = self.issue();
        self.screen = Screen::default();
        self.press(Action::OpenRegistration);
        self.submit(&[(Field::ContractId, contract), (Field::Password, password)]);
        assert_eq!(self.id(), "registration-details", "{:?}", self.error());
        let code = self.code(&issued, 0);
        self.submit(&[
            (Field::TokenId, &issued.token_id.grouped()),
            (Field::Code, &code),
        ]);
        assert_eq!(self.id(), "registration-done", "{:?}", self.error());
        issued
    }

    fn token_of(&self, contract: &str) -> Option<TokenId> {
        let id = ContractId::parse(contract).unwrap();
        self.bank.customer(&id).unwrap().token().cloned()
    }

    fn status(&self, issued: &Issued) -> CredentialStatus {
        self.service.state(&issued.token_id).unwrap().status
    }

    /// The demo staff token's code `steps` periods from now.
    fn staff_code(&self, steps: i64) -> String {
        let at = self.now.checked_add_signed(steps * 30).unwrap();
        totp(
            &staff::demo_staff_secret(),
            at,
            &webtoken_engine::Params::default(),
        )
        .unwrap()
    }

    /// A code the demo staff token shows at no step within two of now.
    fn staff_wrong_code(&self) -> String {
        (0..1_000_000)
            .map(|n| format!("{n:06}"))
            .find(|c| (-2..=2).all(|k| *c != self.staff_code(k)))
            .unwrap()
    }

    /// Fills the staff sign-in and submits it.
    fn staff_sign_in_with(&mut self, staff_id: &str, password: &str, code: &str) {
        assert_eq!(self.id(), "staff-signin", "{:?}", self.error());
        self.submit(&[
            (Field::StaffId, staff_id),
            (Field::StaffPassword, password),
            (Field::StaffCode, code),
        ]);
    }

    /// Opens the staff page from the login screen, signing the demo staff member in first
    /// when nobody is.
    fn open_staff(&mut self) {
        self.screen = Screen::default();
        self.press(Action::OpenStaff);
        if self.id() == "staff-signin" {
            let (id, password) = staff::DEMO_STAFF;
            let code = self.staff_code(0);
            self.staff_sign_in_with(id, password, &code);
        }
        assert_eq!(self.id(), "staff-lookup", "{:?}", self.error());
    }

    fn staff_lookup(&mut self, contract: &str) {
        self.open_staff();
        self.submit(&[(Field::ContractId, contract)]);
        assert_eq!(self.id(), "staff-record", "{:?}", self.error());
    }

    fn staff_row(&self, label: Text) -> String {
        let view = self.screen.view(Lang::Ja);
        view.rows
            .iter()
            .find(|row| row.label == label.ja())
            .map(|row| row.value.clone())
            .unwrap_or_else(|| panic!("row {label:?} in {view:?}"))
    }
}

fn ja(key: Text) -> Option<String> {
    Some(key.ja().to_string())
}

fn full_width(code: &str) -> String {
    code.chars()
        .map(|c| char::from_u32(u32::from(c) - u32::from('0') + 0xff10).unwrap())
        .collect()
}

// --- Registration and login ---------------------------------------------------------------

#[test]
fn register_then_login_refuses_the_spent_code_and_takes_the_next() {
    let mut w = World::new();
    // Before registration the password alone signs in.
    w.login(ALICE, ALICE_PW);
    assert_eq!(w.id(), "signed-in");
    w.press(Action::Logout);
    assert_eq!(w.screen.view(Lang::Ja).info, ja(Text::LoggedOut));

    let saves = w.saves;
    let issued = w.register(ALICE, ALICE_PW);
    assert_eq!(w.token_of(ALICE), Some(issued.token_id.clone()));
    assert!(w.saves > saves, "the registration asked for a save");
    let done = w.screen.view(Lang::Ja);
    assert_eq!(
        done.result,
        Some("ワンタイムパスワードの利用登録が完了しました。")
    );
    assert_eq!(done.buttons[0].label, "ログイン画面に戻る");

    // The code used to register is spent: refused, with the message to wait.
    w.press(Action::BackToLogin);
    assert_eq!(
        w.value(Field::ContractId),
        Some(ALICE),
        "carried back to login"
    );
    w.submit(&[(Field::Password, ALICE_PW)]);
    assert_eq!(w.id(), "login-code");
    let spent = w.code(&issued, 0);
    w.submit(&[(Field::Code, &spent)]);
    assert_eq!(w.id(), "login-code");
    assert_eq!(w.error(), ja(Text::ErrCodeReplayed));
    assert_eq!(w.value(Field::Code), Some(""), "a judged code is cleared");

    // The next step's code, typed in full-width digits, signs in.
    w.tick();
    let next = full_width(&w.code(&issued, 0));
    w.submit(&[(Field::Code, &next)]);
    assert_eq!(w.id(), "signed-in", "{:?}", w.error());
    assert_eq!(w.screen.view(Lang::Ja).buttons[0].label, "ログアウト");
}

#[test]
fn login_code_rejections() {
    let mut w = World::new();
    let issued = w.register(BOB, BOB_PW);
    w.tick();
    let cases: Vec<(String, Option<String>, Option<&str>)> = vec![
        // (typed, error shown, what stays in the field)
        (w.wrong_code(&issued), ja(Text::ErrCodeMismatch), Some("")),
        (
            "12a456".into(),
            Some(
                webtoken_engine::input::normalize_code("12a456", 6)
                    .unwrap_err()
                    .message_ja(),
            ),
            Some("12a456"),
        ),
        (
            String::new(),
            Some(
                webtoken_engine::input::normalize_code("", 6)
                    .unwrap_err()
                    .message_ja(),
            ),
            Some(""),
        ),
        (
            "1234567".into(),
            Some(
                webtoken_engine::input::normalize_code("1234567", 6)
                    .unwrap_err()
                    .message_ja(),
            ),
            Some("1234567"),
        ),
    ];
    w.login(BOB, BOB_PW);
    for (typed, error, kept) in cases {
        w.submit(&[(Field::Code, &typed)]);
        assert_eq!(w.id(), "login-code", "{typed:?}");
        assert_eq!(w.error(), error, "{typed:?}");
        assert_eq!(w.value(Field::Code), kept, "{typed:?}");
    }
    // Only the wrong code counted: malformed input is not a guess.
    assert_eq!(w.service.state(&issued.token_id).unwrap().failures, 1);
    let right = w.code(&issued, 0);
    w.submit(&[(Field::Code, &right)]);
    assert_eq!(w.id(), "signed-in");
    assert_eq!(w.service.state(&issued.token_id).unwrap().failures, 0);
}

#[test]
fn ten_wrong_codes_lock_the_token_and_then_the_right_one_fails_too() {
    let mut w = World::new();
    let issued = w.register(BOB, BOB_PW);
    w.tick();
    w.login(BOB, BOB_PW);
    let wrong = w.wrong_code(&issued);
    for attempt in 1..=10 {
        w.submit(&[(Field::Code, &wrong)]);
        let expected = if attempt < 10 {
            Text::ErrCodeMismatch
        } else {
            Text::ErrTokenLocked
        };
        assert_eq!(w.error(), ja(expected), "attempt {attempt}");
        assert_eq!(w.service.state(&issued.token_id).unwrap().failures, attempt);
    }
    assert_eq!(w.status(&issued), CredentialStatus::Locked);
    let message = w.error().unwrap();
    assert!(
        message.contains(CONTACT_PHONE),
        "the message says to call: {message}"
    );
    // The right code while locked still fails.
    let right = w.code(&issued, 0);
    w.submit(&[(Field::Code, &right)]);
    assert_eq!(w.id(), "login-code");
    assert_eq!(w.error(), ja(Text::ErrTokenLocked));
    assert_eq!(w.status(&issued), CredentialStatus::Locked);
}

#[test]
fn registration_rejections() {
    let mut w = World::new();
    let alices = w.register(ALICE, ALICE_PW);
    let bobs = w.issue();
    let unknown = (0..=webtoken_engine::token_id::MAX_SERIAL)
        .map(|serial| TokenId::generate("WBTK", serial).unwrap())
        .find(|id| w.service.state(id).is_none())
        .unwrap();
    let mistyped = {
        let id = bobs.token_id.as_str();
        let check = id.as_bytes()[11] - b'0';
        format!("{}{}", &id[..11], (check + 1) % 10)
    };
    w.tick();
    let bob_code = w.code(&bobs, 0);
    let audit_before = w.service.audit().len();

    // (Token ID typed, code typed, error, whether the token service was asked)
    let cases: Vec<(String, String, Option<String>, bool)> = vec![
        (
            mistyped.clone(),
            bob_code.clone(),
            Some(TokenId::parse(&mistyped).unwrap_err().message_ja()),
            false,
        ),
        (
            "hello".into(),
            bob_code.clone(),
            Some(TokenId::parse("hello").unwrap_err().message_ja()),
            false,
        ),
        (
            String::new(),
            bob_code.clone(),
            Some(TokenId::parse("").unwrap_err().message_ja()),
            false,
        ),
        (
            alices.token_id.as_str().into(),
            bob_code.clone(),
            ja(Text::ErrTokenTaken),
            false,
        ),
        (
            unknown.as_str().into(),
            bob_code.clone(),
            ja(Text::ErrTokenUnknown),
            true,
        ),
        (
            bobs.token_id.as_str().into(),
            w.wrong_code(&bobs),
            ja(Text::ErrCodeMismatch),
            true,
        ),
    ];
    w.screen = Screen::default();
    w.press(Action::OpenRegistration);
    w.submit(&[(Field::ContractId, BOB), (Field::Password, BOB_PW)]);
    assert_eq!(w.id(), "registration-details");
    let mut asked = 0;
    for (token_id, code, error, service_asked) in cases {
        let audit = w.service.audit().len();
        w.submit(&[(Field::TokenId, &token_id), (Field::Code, &code)]);
        assert_eq!(w.id(), "registration-details", "{token_id}");
        assert_eq!(w.error(), error, "{token_id}");
        assert_eq!(
            w.value(Field::TokenId),
            Some(token_id.as_str()),
            "the Token ID stays"
        );
        assert_eq!(
            w.service.audit().len() > audit,
            service_asked,
            "{token_id}: the service was asked?"
        );
        asked += usize::from(service_asked);
    }
    assert_eq!(w.service.audit().len(), audit_before + asked);
    assert_eq!(
        w.service.state(&bobs.token_id).unwrap().failures,
        1,
        "the wrong code was counted"
    );
    assert_eq!(w.token_of(BOB), None, "nothing was registered");

    // The right code, in full-width digits with the Token ID in lower case, registers.
    let lower = bobs.token_id.grouped().to_lowercase();
    w.submit(&[
        (Field::TokenId, &lower),
        (Field::Code, &full_width(&bob_code)),
    ]);
    assert_eq!(w.id(), "registration-done", "{:?}", w.error());
    assert_eq!(w.token_of(BOB), Some(bobs.token_id));

    // A contract with a token cannot register another.
    w.press(Action::BackToLogin);
    w.press(Action::OpenRegistration);
    w.submit(&[(Field::Password, BOB_PW)]);
    assert_eq!(w.id(), "registration-credentials");
    assert_eq!(w.error(), ja(Text::ErrAlreadyRegistered));
    assert_eq!(w.value(Field::ContractId), Some(BOB));
}

#[test]
fn registration_breadcrumb_follows_the_steps() {
    let mut w = World::new();
    w.press(Action::OpenRegistration);
    let current = |w: &World| {
        let view = w.screen.view(Lang::Ja);
        let labels: Vec<&str> = view.breadcrumb.iter().map(|c| c.label).collect();
        assert_eq!(
            labels,
            ["利用者認証", "ワンタイムパスワード登録情報入力", "処理結果"]
        );
        view.breadcrumb.iter().position(|c| c.current).unwrap()
    };
    assert_eq!(current(&w), 0);
    let view = w.screen.view(Lang::Ja);
    assert_eq!(view.title, "ワンタイムパスワード利用登録");
    assert_eq!(view.buttons[0].label, "次へ");
    w.submit(&[(Field::ContractId, ALICE), (Field::Password, ALICE_PW)]);
    assert_eq!(current(&w), 1);
    let view = w.screen.view(Lang::Ja);
    let labels: Vec<&str> = view.fields.iter().map(|f| f.label).collect();
    assert_eq!(labels, ["トークンID", "ワンタイムパスワード"]);
    assert_eq!(
        view.fields[1].hint,
        Some("トークンに表示されている数字を入力してください。(30秒毎に数字が変更されます。)")
    );
    assert_eq!(view.buttons[0].label, "登録");
    let issued = w.issue();
    let code = w.code(&issued, 0);
    w.submit(&[
        (Field::TokenId, issued.token_id.as_str()),
        (Field::Code, &code),
    ]);
    assert_eq!(current(&w), 2);
}

// --- Passwords ------------------------------------------------------------------------------

#[test]
fn password_rejections_keep_the_contract_id() {
    // (contract typed, password typed, error, password kept)
    let cases = [
        ("", "x", Some(Text::ErrContractIdEmpty), true),
        (ALICE, "", Some(Text::ErrPasswordEmpty), true),
        ("9999999999", ALICE_PW, Some(Text::ErrCredentials), false),
        (ALICE, "demo-pass1", Some(Text::ErrCredentials), false),
        (ALICE, "DEMO-PASS1", Some(Text::ErrCredentials), false),
        (ALICE, ALICE_PW, None, false),
        ("abc", ALICE_PW, Some(Text::ErrCredentials), false),
        (" １０００００００01 ", ALICE_PW, None, false),
        (BOB, ALICE_PW, Some(Text::ErrCredentials), false),
    ];
    for (contract, password, error, kept) in cases {
        let mut w = World::new();
        w.login(contract, password);
        match error {
            None => assert_eq!(w.id(), "signed-in", "{contract:?} {password:?}"),
            Some(key) => {
                assert_eq!(w.id(), "login", "{contract:?}");
                assert_eq!(w.error(), ja(key), "{contract:?} {password:?}");
                assert_eq!(w.value(Field::ContractId), Some(contract), "kept");
                let left = if kept { password } else { "" };
                assert_eq!(w.value(Field::Password), Some(left), "{contract:?}");
            }
        }
    }
}

#[test]
fn unknown_contract_and_wrong_password_look_the_same() {
    let mut unknown = World::new();
    unknown.login("1234567890", ALICE_PW);
    let mut wrong = World::new();
    wrong.login(ALICE, "not-it");
    for lang in [Lang::Ja, Lang::En] {
        assert_eq!(
            unknown.screen.view(lang).error,
            wrong.screen.view(lang).error
        );
    }
    assert!(unknown.error().is_some());
}

#[test]
fn password_locks_after_five_failures_until_staff_unlock() {
    let mut w = World::new();
    for attempt in 1..=MAX_PASSWORD_FAILURES {
        w.login(ALICE, "wrong");
        let expected = if attempt < MAX_PASSWORD_FAILURES {
            Text::ErrCredentials
        } else {
            Text::ErrPasswordLocked
        };
        assert_eq!(w.error(), ja(expected), "attempt {attempt}");
    }
    let id = ContractId::parse(ALICE).unwrap();
    assert!(w.bank.customer(&id).unwrap().password_locked());
    // The right password no longer helps, on any screen that asks for it.
    w.login(ALICE, ALICE_PW);
    assert_eq!(w.error(), ja(Text::ErrPasswordLocked));
    assert!(w.error().unwrap().contains(CONTACT_PHONE));
    for open in [
        Action::OpenRegistration,
        Action::OpenStop,
        Action::OpenResync,
    ] {
        w.screen = Screen::default();
        w.press(open);
        w.submit(&[(Field::ContractId, ALICE), (Field::Password, ALICE_PW)]);
        assert_eq!(w.error(), ja(Text::ErrPasswordLocked), "{open:?}");
    }
    // Other contracts are unaffected.
    w.login(BOB, BOB_PW);
    assert_eq!(w.id(), "signed-in");

    // Staff unlock, by a signed-in staff member.
    w.staff_lookup(ALICE);
    assert_eq!(w.staff_row(Text::LabelPasswordState), "ロック中");
    w.press(Action::UnlockPassword);
    assert_eq!(
        w.screen.view(Lang::Ja).info,
        ja(Text::StaffPasswordUnlocked)
    );
    assert_eq!(w.staff_row(Text::LabelPasswordState), "正常");
    w.press(Action::UnlockPassword);
    assert_eq!(w.error(), ja(Text::ErrPasswordNotLocked));
    w.login(ALICE, ALICE_PW);
    assert_eq!(w.id(), "signed-in");
}

#[test]
fn a_correct_password_clears_the_failure_count() {
    let mut w = World::new();
    let id = ContractId::parse(ALICE).unwrap();
    for _ in 0..MAX_PASSWORD_FAILURES - 1 {
        w.login(ALICE, "wrong");
    }
    assert_eq!(
        w.bank.customer(&id).unwrap().password_failures(),
        MAX_PASSWORD_FAILURES - 1
    );
    w.login(ALICE, ALICE_PW);
    assert_eq!(w.bank.customer(&id).unwrap().password_failures(), 0);
    w.login(ALICE, "wrong");
    assert_eq!(w.error(), ja(Text::ErrCredentials), "not locked");
}

/// What the screens show after a wrong password: the error in both languages, what is left
/// in the password field, and how many saves were asked.
type Answer = (Option<String>, Option<String>, Option<String>, usize);

/// The answers to 10 wrong passwords in a row for `contract`.
fn ten_wrong_passwords(contract: &str) -> Vec<Answer> {
    let mut w = World::new();
    (0..10)
        .map(|attempt| {
            let saves = w.saves;
            w.login(contract, &format!("wrong-{attempt}"));
            (
                w.screen.view(Lang::Ja).error,
                w.screen.view(Lang::En).error,
                w.value(Field::Password).map(str::to_owned),
                w.saves - saves,
            )
        })
        .collect()
}

#[test]
fn unknown_and_known_contract_ids_answer_alike_through_ten_wrong_passwords() {
    let known = ten_wrong_passwords(ALICE);
    let unknown = ten_wrong_passwords("5555555555");
    assert_eq!(known, unknown);
    // And the sequence is the lock's: four "invalid", then "locked" for good.
    let locked = ja(Text::ErrPasswordLocked);
    let errors: Vec<bool> = known.iter().map(|(error, ..)| *error == locked).collect();
    assert_eq!(errors, [[false; 4].as_slice(), &[true; 6]].concat());

    // The bank's own answers, too, including the right password once locked.
    let mut bank = Bank::demo_with_iterations(TEST_ITERATIONS, &mut SeededRandom::new(1)).unwrap();
    let mut answers = |contract: &str| -> Vec<Result<(), AuthFailure>> {
        let mut answers: Vec<_> = (0..10)
            .map(|_| bank.authenticate(contract, "wrong").map(|_| ()))
            .collect();
        answers.push(bank.authenticate(contract, ALICE_PW).map(|_| ()));
        answers
    };
    assert_eq!(answers(ALICE), answers("5555555555"));
    // A full-width spelling of an unknown ID is the same ID, as it is for a real one.
    assert_eq!(
        bank.authenticate("５５５５５５５５５５", "wrong"),
        Err(AuthFailure::Locked)
    );
}

/// Rounds of each timing test: each round times one answer of each kind.
const TIMING_ROUNDS: usize = 7;

/// CPU time this thread has used, in clock ticks (Linux's `/proc/thread-self/stat`), or
/// `None` where there is no such file.
fn thread_cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // After the command name in parentheses: state is field 3, utime 14 and stime 15.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// The cost of one `authenticate`: CPU ticks of this thread where the system counts them
/// (a busy shared machine then delays the answer without changing its cost), else wall-clock
/// microseconds.
fn cost(bank: &mut Bank, contract: &str, password: &str) -> f64 {
    let (ticks, start) = (thread_cpu_ticks(), std::time::Instant::now());
    let _ = bank.authenticate(contract, password);
    match (ticks, thread_cpu_ticks()) {
        (Some(before), Some(after)) => (after - before) as f64,
        _ => start.elapsed().as_secs_f64() * 1e6,
    }
}

/// The ratio of the total cost of `other` answers to that of `base` answers.
///
/// Totals of interleaved rounds, so that every kind of answer meets the same moments of the
/// machine and the clock's grain (10 ms ticks) averages out over the rounds.
fn ratio_of_totals(base: &[f64], other: &[f64]) -> f64 {
    other.iter().sum::<f64>() / base.iter().sum::<f64>()
}

#[test]
fn a_locked_or_unknown_answer_takes_as_long_as_a_check() {
    // Near a tenth of a second an answer (natively), so that the 10 ms ticks of CPU time
    // are a few percent of it.
    let mut bank = Bank::demo_with_iterations(500_000, &mut SeededRandom::new(1)).unwrap();
    for _ in 0..MAX_PASSWORD_FAILURES {
        let _ = bank.authenticate(ALICE, "wrong");
    }
    assert_eq!(bank.authenticate(ALICE, "wrong"), Err(AuthFailure::Locked));
    let (mut checks, mut locked, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..TIMING_ROUNDS {
        checks.push(cost(&mut bank, BOB, BOB_PW));
        locked.push(cost(&mut bank, ALICE, "wrong"));
        unknown.push(cost(&mut bank, "5555555555", "wrong"));
    }
    for (name, runs) in [("locked", &locked), ("unknown", &unknown)] {
        let ratio = ratio_of_totals(&checks, runs);
        assert!(
            (0.8..=1.2).contains(&ratio),
            "{name} answer against a check: x{ratio:.2}; checks {checks:?}, {name} {runs:?}"
        );
    }
}

#[test]
fn an_older_hash_fails_as_slowly_as_the_current_count() {
    // ALICE's hash is a fifth of the bank's count, as a 100,000 hash is against 600,000.
    let mut bank = Bank::demo_with_iterations(100_000, &mut SeededRandom::new(1)).unwrap();
    bank.iterations = 500_000;
    // Wrong passwords for ALICE (then locked) against an unknown ID's, round by round.
    let (mut unknown, mut older) = (Vec::new(), Vec::new());
    for _ in 0..TIMING_ROUNDS {
        unknown.push(cost(&mut bank, "5555555555", "wrong"));
        older.push(cost(&mut bank, ALICE, "wrong"));
    }
    let ratio = ratio_of_totals(&unknown, &older);
    assert!(
        (0.8..=1.2).contains(&ratio),
        "older hash against an unknown ID: x{ratio:.2}; unknown {unknown:?}, older {older:?}"
    );
}

#[test]
fn every_answer_with_both_fields_spends_the_banks_count() {
    let mut bank = Bank::demo_with_iterations(1_000, &mut SeededRandom::new(1)).unwrap();
    // BOB's hash from an older, smaller count.
    let bob = ContractId::parse(BOB).unwrap();
    bank.customer_mut(&bob).unwrap().password =
        PasswordHash::with_salt(BOB_PW, [9; password::SALT_LEN], 200).unwrap();
    let mut spent = |contract: &str, password: &str| {
        let before = password::iterations_spent();
        let _ = bank.authenticate(contract, password);
        password::iterations_spent() - before
    };
    for attempt in 0..8 {
        for contract in [ALICE, BOB, "5555555555", "12345"] {
            assert_eq!(
                spent(contract, "wrong"),
                1_000,
                "{contract}, attempt {attempt}"
            );
        }
    }
    // The empty-field answers spend nothing, whatever the ID.
    assert_eq!(spent(ALICE, ""), 0);
    assert_eq!(spent("", "x"), 0);
    // Bob is locked now: the right password still spends the check.
    assert_eq!(spent(BOB, BOB_PW), 1_000);
}

/// A bank as the page stored it before issue 19: the old count, and ALICE's demo hash at it.
const BANK_AT_THE_OLD_COUNT: &str = r#"{"iterations":100000,"customers":[{"contract_id":"1000000001",
    "password":{"iterations":100000,"salt":"845e82a515be1686ce95836e934dff2f",
    "hash":"adab268bd00e34c2bf825f68c1dca3eaeea62b010d1f84e022d1bb8fcb5a3360"},
    "password_failures":0,"token":null,"stopped_tokens":[]}]}"#;

#[test]
fn old_hashes_verify_and_are_upgraded_on_a_good_sign_in() {
    let id = ContractId::parse(ALICE).unwrap();
    for read in [
        serde_json::from_str::<Bank>(BANK_AT_THE_OLD_COUNT).unwrap(),
        webtoken_engine::json::from_str::<Bank>(BANK_AT_THE_OLD_COUNT).unwrap(),
    ] {
        let mut bank = read;
        let hash = |bank: &Bank| bank.customer(&id).unwrap().password.clone();
        assert_eq!(hash(&bank).iterations(), LEGACY_ITERATIONS);
        // A wrong password leaves the old hash alone.
        assert_eq!(bank.authenticate(ALICE, "wrong"), Err(AuthFailure::Invalid));
        assert_eq!(hash(&bank).iterations(), LEGACY_ITERATIONS);

        // The good sign-in goes through the flow, which asks for the save.
        let mut screen = Screen::default();
        for event in [
            Event::Edit(Field::ContractId, ALICE.into()),
            Event::Edit(Field::Password, ALICE_PW.into()),
        ] {
            screen = transition(&mut bank, screen, event, T0).screen;
        }
        let signed_in = transition(&mut bank, screen, Event::Press(Action::Submit), T0);
        assert!(matches!(signed_in.screen, Screen::SignedIn { .. }));
        assert!(signed_in.commands.contains(&Command::SaveBank));
        let upgraded = hash(&bank);
        assert_eq!(upgraded.iterations(), DEFAULT_ITERATIONS);
        assert!(upgraded.verify(ALICE_PW) && !upgraded.verify("wrong"));

        // Saved and read back, it stays upgraded and signs in without another save.
        let mut back: Bank = serde_json::from_str(&serde_json::to_string(&bank).unwrap()).unwrap();
        assert_eq!(back, bank);
        assert!(
            serde_json::to_string(&back)
                .unwrap()
                .starts_with(r#"{"iterations":600000,"#)
        );
        let revision = back.revision();
        assert_eq!(back.authenticate(ALICE, ALICE_PW), Ok(id.clone()));
        assert_eq!(
            back.revision(),
            revision,
            "nothing left to upgrade, nothing to save"
        );
    }
}

#[test]
fn unknown_ids_failures_are_saved_with_the_bank() {
    let mut w = World::new();
    for _ in 0..MAX_PASSWORD_FAILURES - 1 {
        w.login("5555555555", "wrong");
    }
    let json = serde_json::to_string(&w.bank).unwrap();
    assert!(json.contains(r#""unknown_failures":[{"contract_id":"5555555555","failures":4}]"#));
    for mut back in [
        serde_json::from_str::<Bank>(&json).unwrap(),
        webtoken_engine::json::from_str::<Bank>(&json).unwrap(),
    ] {
        assert_eq!(back, w.bank);
        assert_eq!(
            webtoken_engine::json::to_string(&back).to_string(),
            json,
            "the codec writes what serde does"
        );
        assert_eq!(
            back.authenticate("5555555555", "wrong"),
            Err(AuthFailure::Locked),
            "the fifth failure locks, across a save"
        );
    }
    // A bank with no unknown failures is stored as before.
    let fresh = World::new().bank;
    assert!(!serde_json::to_string(&fresh).unwrap().contains("unknown"));
}

// --- Stop -----------------------------------------------------------------------------------

#[test]
fn customer_stop_then_login_asks_no_code_and_the_codes_are_dead() {
    let mut w = World::new();
    let issued = w.register(ALICE, ALICE_PW);
    w.tick();
    w.press(Action::BackToLogin);
    w.press(Action::OpenStop);
    let view = w.screen.view(Lang::Ja);
    assert_eq!(view.title, "ワンタイムパスワード利用停止");
    let crumbs: Vec<&str> = view.breadcrumb.iter().map(|c| c.label).collect();
    assert_eq!(
        crumbs,
        ["利用者認証", "ワンタイムパスワード入力", "処理結果"]
    );
    w.submit(&[(Field::Password, ALICE_PW)]);
    assert_eq!(w.id(), "stop-code");
    assert_eq!(w.screen.view(Lang::Ja).buttons[0].label, "停止");

    // A wrong code changes nothing.
    let wrong = w.wrong_code(&issued);
    w.submit(&[(Field::Code, &wrong)]);
    assert_eq!(w.error(), ja(Text::ErrCodeMismatch));
    assert_eq!(w.status(&issued), CredentialStatus::Active);
    assert_eq!(w.token_of(ALICE), Some(issued.token_id.clone()));

    let code = w.code(&issued, 0);
    w.submit(&[(Field::Code, &code)]);
    assert_eq!(w.id(), "stop-done", "{:?}", w.error());
    assert_eq!(
        w.screen.view(Lang::Ja).result,
        Some("ワンタイムパスワードの利用停止が完了しました。")
    );
    assert_eq!(w.status(&issued), CredentialStatus::Stopped);
    assert_eq!(w.token_of(ALICE), None);
    let stopped = w.service.audit_for(&issued.token_id);
    assert!(stopped.iter().any(|e| matches!(
        &e.kind,
        AuditKind::Stopped { actor, reason }
            if actor == &format!("customer {ALICE}") && reason == CUSTOMER_STOP_REASON
    )));

    // Login asks no code now.
    w.press(Action::BackToLogin);
    w.submit(&[(Field::Password, ALICE_PW)]);
    assert_eq!(w.id(), "signed-in");

    // The stopped token's codes are refused everywhere.
    w.tick();
    let later = w.code(&issued, 0);
    assert_eq!(
        w.service.validate(&issued.token_id, &later, w.now),
        Err(Rejected::Stopped)
    );
    for contract in [(ALICE, ALICE_PW), (BOB, BOB_PW)] {
        w.screen = Screen::default();
        w.press(Action::OpenRegistration);
        w.submit(&[
            (Field::ContractId, contract.0),
            (Field::Password, contract.1),
        ]);
        w.submit(&[
            (Field::TokenId, issued.token_id.as_str()),
            (Field::Code, &later),
        ]);
        // The customer's own stopped token is said to be stopped; anyone else's, taken.
        let expected = if contract.0 == ALICE {
            Text::ErrTokenStoppedReregister
        } else {
            Text::ErrTokenTaken
        };
        assert_eq!(w.error(), ja(expected), "{}", contract.0);
    }
}

#[test]
fn stop_rejections() {
    let mut w = World::new();
    // No token registered.
    w.press(Action::OpenStop);
    w.submit(&[(Field::ContractId, ALICE), (Field::Password, ALICE_PW)]);
    assert_eq!(w.id(), "stop-credentials");
    assert_eq!(w.error(), ja(Text::ErrNotRegistered));
    // Wrong password.
    let issued = w.register(BOB, BOB_PW);
    w.screen = Screen::default();
    w.press(Action::OpenStop);
    w.submit(&[(Field::ContractId, BOB), (Field::Password, "demo-pass2")]);
    assert_eq!(w.error(), ja(Text::ErrCredentials));
    // The registration code is spent for stopping too.
    w.submit(&[(Field::Password, BOB_PW)]);
    let spent = w.code(&issued, 0);
    w.submit(&[(Field::Code, &spent)]);
    assert_eq!(w.error(), ja(Text::ErrCodeReplayed));
    assert_eq!(w.status(&issued), CredentialStatus::Active);
    assert_eq!(w.token_of(BOB), Some(issued.token_id));
}

#[test]
fn a_token_stopped_behind_the_banks_back_ends_the_registration() {
    let mut w = World::new();
    let issued = w.register(ALICE, ALICE_PW);
    w.service
        .stop(&issued.token_id, "elsewhere", "test", w.now)
        .unwrap();
    w.tick();
    w.login(ALICE, ALICE_PW);
    let code = w.code(&issued, 0);
    w.submit(&[(Field::Code, &code)]);
    assert_eq!(w.id(), "login");
    assert_eq!(w.error(), ja(Text::ErrTokenStoppedLogin));
    assert_eq!(w.token_of(ALICE), None);
    w.submit(&[(Field::Password, ALICE_PW)]);
    assert_eq!(w.id(), "signed-in");
}

// --- Staff ----------------------------------------------------------------------------------

/// A session of the demo staff member, started at `now`.
fn session(now: u64) -> staff::StaffSession {
    staff::StaffSession::start(staff::StaffId::parse(staff::DEMO_STAFF.0).unwrap(), now)
}

#[test]
fn staff_sign_in_needs_password_and_the_staff_tokens_code() {
    let mut w = World::new();
    let (id, password) = staff::DEMO_STAFF;
    w.press(Action::OpenStaff);
    assert_eq!(w.id(), "staff-signin", "no session: the sign-in first");
    // Empty fields: refused before any hashing, not counted.
    w.staff_sign_in_with(id, password, "");
    assert_eq!(w.error(), ja(Text::ErrStaffFieldsEmpty));
    let member = |w: &World| w.bank.staff().members()[0].password_failures();
    assert_eq!(member(&w), 0);
    // A wrong password: refused, counted, the password and code cleared, nothing validated.
    let code = w.staff_code(0);
    w.staff_sign_in_with(id, "wrong", &code);
    assert_eq!(w.error(), ja(Text::ErrStaffSignIn));
    assert_eq!(member(&w), 1);
    assert_eq!(w.value(Field::StaffPassword), Some(""));
    assert_eq!(w.value(Field::StaffCode), Some(""));
    assert_eq!(w.value(Field::StaffId), Some(id), "the staff ID stays");
    assert!(w.bank.staff_session(w.now).is_none());
    // An unknown staff ID answers in the same words.
    w.staff_sign_in_with("S9999", password, &code);
    assert_eq!(w.error(), ja(Text::ErrStaffSignIn));
    // A wrong code: refused in the same words, counted by the token service.
    let token = staff::demo_staff_token();
    let wrong = w.staff_wrong_code();
    w.staff_sign_in_with(id, password, &wrong);
    assert_eq!(w.error(), ja(Text::ErrStaffSignIn));
    assert_eq!(w.service.state(&token).unwrap().failures, 1);
    assert_eq!(member(&w), 0, "the right password cleared the count");
    assert!(w.bank.staff_session(w.now).is_none());
    // The right password and code: a session, and the staff page.
    w.staff_sign_in_with(id, password, &code);
    assert_eq!(w.id(), "staff-lookup", "{:?}", w.error());
    assert_eq!(w.staff_row(Text::LabelSignedInStaff), id);
    let session = w.bank.staff_session(w.now).unwrap().clone();
    assert_eq!(session.staff_id().as_str(), id);
    assert_eq!((session.signed_in_at(), session.last_activity()), (T0, T0));
    // The same code again is a replay: refused.
    w.press(Action::StaffSignOut);
    assert_eq!(w.id(), "login");
    assert_eq!(w.screen.view(Lang::Ja).info, ja(Text::StaffSignedOut));
    assert!(w.bank.staff_session(w.now).is_none(), "signed out");
    w.press(Action::OpenStaff);
    w.staff_sign_in_with(id, password, &code);
    assert_eq!(w.error(), ja(Text::ErrStaffSignIn), "a replayed code");
}

#[test]
fn staff_password_locks_after_five_failures_and_the_token_after_ten_codes() {
    let mut w = World::new();
    let (id, password) = staff::DEMO_STAFF;
    w.press(Action::OpenStaff);
    let code = w.staff_code(0);
    for _ in 0..MAX_PASSWORD_FAILURES {
        w.staff_sign_in_with(id, "wrong", &code);
        assert_eq!(w.error(), ja(Text::ErrStaffSignIn));
    }
    assert!(w.bank.staff().members()[0].locked());
    // Locked: the right password and code no longer sign in, and no code is spent.
    w.staff_sign_in_with(id, password, &code);
    assert_eq!(w.error(), ja(Text::ErrStaffSignIn));
    assert!(w.bank.staff_session(w.now).is_none());
    // Saved with the bank: a reload does not clear it.
    let back: Bank = serde_json::from_str(&serde_json::to_string(&w.bank).unwrap()).unwrap();
    assert!(back.staff().members()[0].locked());
    // A demo reset (by another signed-in member) brings the demo staff back.
    w.bank.reset_demo(&session(w.now)).unwrap();
    assert!(!w.bank.staff().members()[0].locked());

    // Ten wrong codes lock the staff token at the token service.
    let wrong = w.staff_wrong_code();
    for _ in 0..10 {
        w.staff_sign_in_with(id, password, &wrong);
    }
    let token = staff::demo_staff_token();
    assert_eq!(
        w.service.state(&token).unwrap().status,
        CredentialStatus::Locked
    );
    w.staff_sign_in_with(id, password, &code);
    assert_eq!(w.error(), ja(Text::ErrStaffSignIn), "locked token");
    assert!(w.bank.staff_session(w.now).is_none());
}

#[test]
fn a_staff_session_ends_after_fifteen_idle_minutes() {
    let mut w = World::new();
    w.open_staff();
    let start = w.now;
    // An action just before the limit keeps the session and restarts its idle time.
    w.now = start + staff::IDLE_LIMIT - 1;
    w.submit(&[(Field::ContractId, ALICE)]);
    assert_eq!(w.id(), "staff-record");
    assert_eq!(
        w.bank.staff_session(w.now).unwrap().last_activity(),
        start + staff::IDLE_LIMIT - 1
    );
    // Fifteen minutes without an action: the next one is refused and asks to sign in.
    w.now += staff::IDLE_LIMIT;
    w.press(Action::LookUpAnother);
    assert_eq!(w.id(), "staff-signin");
    assert_eq!(w.error(), ja(Text::ErrStaffExpired));
    assert!(w.bank.staff_session(w.now).is_none());
    // And the staff link asks for the sign-in again.
    w.screen = Screen::default();
    w.press(Action::OpenStaff);
    assert_eq!(w.id(), "staff-signin");

    let mut desk = staff::Desk::default();
    desk.begin(session(100));
    assert!(desk.session(100 + staff::IDLE_LIMIT - 1).is_some());
    assert!(
        desk.session(100 + staff::IDLE_LIMIT).is_none(),
        "at 15 minutes"
    );
    assert_eq!(desk.act(100), Err(staff::StaffRefusal::NotSignedIn));
}

#[test]
fn a_remote_session_that_ended_ends_the_pages_and_asks_to_sign_in_again() {
    let mut w = World::new();
    w.register(ALICE, ALICE_PW);
    w.staff_lookup(ALICE);
    // The unlock went out; the server answers that its staff session is gone.
    w.screen = match core::mem::take(&mut w.screen) {
        Screen::Staff(Staff::Record(record)) => Screen::Staff(Staff::Working(record)),
        other => panic!("{other:?}"),
    };
    assert!(w.send(Event::StaffSessionEnded));
    assert_eq!(w.id(), "staff-signin");
    assert_eq!(w.error(), ja(Text::ErrStaffSessionEnded));
    assert!(w.bank.staff_session(w.now).is_none());
}

#[test]
fn every_staff_action_is_refused_without_a_session() {
    let mut w = World::new();
    let issued = w.register(BOB, BOB_PW);
    let bob = ContractId::parse(BOB).unwrap();
    let staff = staff::StaffId::parse(staff::DEMO_STAFF.0).unwrap();
    let record = || StaffRecord {
        staff: staff.clone(),
        contract_id: bob.clone(),
        token_id: Some(issued.token_id.clone()),
        registered: true,
        record: None,
        password_failures: 0,
        password_locked: true,
        reason: "紛失".into(),
        notice: None,
    };
    // Screens made up as if a session had been there (a stale page): nothing happens.
    let actions: Vec<(Screen, Action)> = vec![
        (
            Screen::Staff(Staff::Lookup {
                staff: staff.clone(),
                contract_id: BOB.into(),
                notice: None,
            }),
            Action::Submit,
        ),
        (Screen::Staff(Staff::Record(record())), Action::UnlockToken),
        (Screen::Staff(Staff::Record(record())), Action::StopToken),
        (
            Screen::Staff(Staff::Record(record())),
            Action::UnlockPassword,
        ),
        (
            Screen::Staff(Staff::Record(record())),
            Action::LookUpAnother,
        ),
    ];
    for (screen, action) in actions {
        let before = w.bank.clone();
        let next = transition(&mut w.bank, screen, Event::Press(action), w.now);
        assert!(next.commands.is_empty(), "{action:?}: {:?}", next.commands);
        assert_eq!(next.screen.view(Lang::Ja).id, "staff-signin", "{action:?}");
        assert_eq!(
            next.screen.view(Lang::Ja).error,
            ja(Text::ErrStaffSignInFirst),
            "{action:?}"
        );
        assert_eq!(w.bank, before, "{action:?} changed nothing");
    }
    assert_eq!(w.status(&issued), CredentialStatus::Active);
    // The demo reset and the time lab refuse too (their tests: reset.rs, lab/panel.rs).
    assert_eq!(
        reset::Reset::Idle.update(
            reset::ResetEvent::Ask,
            false,
            w.bank.staff_session(w.now).is_some()
        ),
        (reset::Reset::NeedsStaff, false)
    );
}

#[test]
fn staff_unlocks_a_locked_token() {
    let mut w = World::new();
    let issued = w.register(BOB, BOB_PW);
    w.tick();
    w.login(BOB, BOB_PW);
    let wrong = w.wrong_code(&issued);
    for _ in 0..10 {
        w.submit(&[(Field::Code, &wrong)]);
    }
    assert_eq!(w.status(&issued), CredentialStatus::Locked);

    w.staff_lookup(BOB);
    assert_eq!(w.staff_row(Text::LabelTokenState), "ロック中");
    assert_eq!(w.staff_row(Text::LabelCodeFailures), "10");
    assert_eq!(w.staff_row(Text::LabelTokenId), issued.token_id.grouped());
    assert_eq!(w.staff_row(Text::LabelAudit), Text::AuditChainOk.ja());
    let events: Vec<&str> = w
        .screen
        .view(Lang::Ja)
        .audit
        .iter()
        .map(|l| l.event)
        .collect();
    assert!(events.contains(&"ロック"), "{events:?}");

    w.press(Action::UnlockToken);
    assert_eq!(w.screen.view(Lang::Ja).info, ja(Text::StaffUnlocked));
    assert_eq!(w.staff_row(Text::LabelTokenState), "利用中");
    assert_eq!(w.status(&issued), CredentialStatus::Active);
    let last = w.screen.view(Lang::Ja).audit.pop().unwrap();
    assert_eq!(last.event, "ロック解除");
    assert_eq!(last.detail, "担当者: staff S0001", "the session's staff ID");
    // Unlocking again is refused: it is not locked.
    w.press(Action::UnlockToken);
    assert_eq!(w.error(), ja(Text::ErrNotLocked));

    // The customer signs in with the next code.
    w.tick();
    w.login(BOB, BOB_PW);
    let code = w.code(&issued, 0);
    w.submit(&[(Field::Code, &code)]);
    assert_eq!(w.id(), "signed-in", "{:?}", w.error());
}

#[test]
fn staff_stops_a_lost_token_with_their_staff_id_and_reason() {
    let mut w = World::new();
    let issued = w.register(ALICE, ALICE_PW);
    w.staff_lookup(ALICE);
    assert_eq!(w.staff_row(Text::LabelTokenState), "利用中");
    let long_reason = "理".repeat(MAX_REASON_CHARS + 1);
    // (reason, error)
    let refusals = [
        ("", Text::ErrReasonEmpty),
        (" \t ", Text::ErrReasonEmpty),
        (long_reason.as_str(), Text::ErrReasonTooLong),
        ("紛失\n再発行", Text::ErrControlCharacters),
    ];
    for (reason, error) in refusals {
        w.type_in(Field::StaffReason, reason);
        w.press(Action::StopToken);
        assert_eq!(w.error(), ja(error), "{reason:?}");
        assert_eq!(w.value(Field::StaffReason), Some(reason), "kept");
        assert_eq!(w.status(&issued), CredentialStatus::Active);
    }
    w.type_in(Field::StaffReason, " スマートフォン紛失 ");
    w.press(Action::StopToken);
    assert_eq!(w.screen.view(Lang::Ja).info, ja(Text::StaffStopped));
    assert_eq!(w.staff_row(Text::LabelTokenState), "利用停止");
    assert_eq!(w.status(&issued), CredentialStatus::Stopped);
    assert_eq!(w.token_of(ALICE), None);
    assert!(w.service.audit_for(&issued.token_id).iter().any(|e| matches!(
        &e.kind,
        AuditKind::Stopped { actor, reason } if actor == "staff S0001" && reason == "スマートフォン紛失"
    )));
    // Stopping again: nothing registered any more.
    w.type_in(Field::StaffReason, "再度");
    w.press(Action::StopToken);
    assert_eq!(w.error(), ja(Text::ErrNoToken));

    // Login asks no code, and the token cannot come back.
    w.login(ALICE, ALICE_PW);
    assert_eq!(w.id(), "signed-in");
    w.tick();
    let code = w.code(&issued, 0);
    assert_eq!(
        w.service.validate(&issued.token_id, &code, w.now),
        Err(Rejected::Stopped)
    );
}

#[test]
fn staff_stop_releases_a_token_the_service_no_longer_knows() {
    let mut w = World::new();
    w.register(ALICE, ALICE_PW);
    // The token service's records are lost (discarded, or a restarted server).
    w.service = TokenService::new(MemoryStore::default(), Policy::default());
    w.staff_lookup(ALICE);
    w.type_in(Field::StaffReason, "PC故障");
    w.press(Action::StopToken);
    assert_eq!(w.screen.view(Lang::Ja).info, ja(Text::StaffStopped));
    assert_eq!(w.token_of(ALICE), None, "the contract is released");
    w.login(ALICE, ALICE_PW);
    assert_eq!(w.id(), "signed-in", "the customer can log in again");
}

#[test]
fn staff_lookup_rejections() {
    let mut w = World::new();
    w.open_staff();
    for typed in ["", "12345", "9999999999", "abcdefghij"] {
        w.submit(&[(Field::ContractId, typed)]);
        assert_eq!(w.id(), "staff-lookup");
        assert_eq!(w.error(), ja(Text::ErrNoSuchContract), "{typed:?}");
        assert_eq!(w.value(Field::ContractId), Some(typed), "kept");
    }
    // A contract without a token: nothing to unlock or stop.
    w.submit(&[(Field::ContractId, ALICE)]);
    assert_eq!(w.staff_row(Text::LabelTokenState), "未登録");
    assert_eq!(w.staff_row(Text::LabelTokenId), "-");
    w.type_in(Field::StaffReason, "紛失");
    w.press(Action::UnlockToken);
    assert_eq!(w.error(), ja(Text::ErrNotLocked));
    w.press(Action::StopToken);
    assert_eq!(w.error(), ja(Text::ErrNoToken));
    w.press(Action::LookUpAnother);
    assert_eq!(w.id(), "staff-lookup");
    assert_eq!(w.value(Field::ContractId), Some(ALICE));
}

/// Puts ALICE's staff record in the fetching state and answers it with `record`.
fn staff_record_answered(w: &mut World, token_id: &TokenId, record: TokenRecord) {
    w.screen = Screen::Staff(Staff::Fetching(StaffRecord {
        staff: staff::StaffId::parse(staff::DEMO_STAFF.0).unwrap(),
        contract_id: ContractId::parse(ALICE).unwrap(),
        token_id: Some(token_id.clone()),
        registered: true,
        record: None,
        password_failures: 0,
        password_locked: false,
        reason: String::new(),
        notice: None,
    }));
    assert!(w.send(Event::TokenFetched(Box::new(record))));
}

#[test]
fn staff_sees_a_broken_audit_chain() {
    let mut w = World::new();
    let issued = w.register(ALICE, ALICE_PW);
    let record = |chain_error| TokenRecord {
        token_id: issued.token_id.clone(),
        state: w.service.state(&issued.token_id),
        audit: w.service.audit_for(&issued.token_id),
        chain_verified: false,
        chain_error,
        unavailable: false,
    };
    let (silent, truncated) = (
        record(None),
        record(Some(ChainError::Truncated {
            expected_count: 9,
            found: 6,
        })),
    );
    staff_record_answered(&mut w, &issued.token_id, silent);
    assert_eq!(w.staff_row(Text::LabelAudit), Text::AuditChainBroken.ja());
    // What is wrong, when the token service says.
    staff_record_answered(&mut w, &issued.token_id, truncated);
    assert_eq!(
        w.staff_row(Text::LabelAudit),
        format!(
            "{} 操作履歴が途中で終わっています。記録は 9 件、残っているのは 6 件です。\
             最後の記録が削除されました。",
            Text::AuditChainBroken.ja()
        )
    );
}

/// A token service that could not be reached is said to be so: not "no token", and not an
/// altered audit trail.
#[test]
fn staff_sees_that_the_token_service_could_not_be_reached() {
    let mut w = World::new();
    let issued = w.register(ALICE, ALICE_PW);
    let record = TokenRecord {
        token_id: issued.token_id.clone(),
        state: None,
        audit: Vec::new(),
        chain_verified: false,
        chain_error: None,
        unavailable: true,
    };
    staff_record_answered(&mut w, &issued.token_id, record);
    assert_eq!(
        w.staff_row(Text::LabelAudit),
        Text::StaffRecordUnavailable.ja()
    );
}

// --- Resync ---------------------------------------------------------------------------------

#[test]
fn resync_recentres_a_drifted_token() {
    let mut w = World::new();
    let issued = w.register(ALICE, ALICE_PW);
    // The token's clock runs five steps ahead from here on.
    const AHEAD: i64 = 5;
    w.tick();
    w.login(ALICE, ALICE_PW);
    let drifted = w.code(&issued, AHEAD);
    w.submit(&[(Field::Code, &drifted)]);
    assert_eq!(w.error(), ja(Text::ErrCodeMismatch), "outside the window");

    w.press(Action::OpenResync);
    assert_eq!(w.id(), "resync-credentials");
    assert_eq!(w.value(Field::ContractId), Some(ALICE));
    w.submit(&[(Field::Password, ALICE_PW)]);
    assert_eq!(w.id(), "resync-codes");
    // The customer reads one code, waits for the next, then submits both.
    let first = w.code(&issued, AHEAD);
    w.tick();
    let second = w.code(&issued, AHEAD);
    // Two codes that are not consecutive are refused.
    let skipped = w.code(&issued, AHEAD + 1);
    w.submit(&[(Field::Code, &first), (Field::SecondCode, &skipped)]);
    assert_eq!(w.error(), ja(Text::ErrResyncMismatch));
    assert_eq!(w.value(Field::Code), Some(""));
    // Malformed input gets the engine's message and stays.
    w.submit(&[(Field::Code, &first), (Field::SecondCode, "12345")]);
    assert_eq!(
        w.error(),
        Some(
            webtoken_engine::input::normalize_code("12345", 6)
                .unwrap_err()
                .message_ja()
        )
    );
    assert_eq!(w.value(Field::SecondCode), Some("12345"));
    w.submit(&[(Field::Code, &first), (Field::SecondCode, &second)]);
    assert_eq!(w.id(), "resync-done", "{:?}", w.error());
    assert_eq!(w.screen.view(Lang::Ja).result, Some(Text::ResyncDone.ja()));
    assert_eq!(w.service.state(&issued.token_id).unwrap().drift, AHEAD);

    // From the next step on, the drifted token's codes sign in.
    w.tick();
    w.press(Action::BackToLogin);
    w.submit(&[(Field::Password, ALICE_PW)]);
    let code = w.code(&issued, AHEAD);
    w.submit(&[(Field::Code, &code)]);
    assert_eq!(w.id(), "signed-in", "{:?}", w.error());
}

#[test]
fn resync_needs_a_registered_token() {
    let mut w = World::new();
    w.press(Action::OpenResync);
    w.submit(&[(Field::ContractId, ALICE), (Field::Password, ALICE_PW)]);
    assert_eq!(w.id(), "resync-credentials");
    assert_eq!(w.error(), ja(Text::ErrNotRegistered));
}

// --- The state machine itself ----------------------------------------------------------------

#[test]
fn commands_go_out_and_answers_come_back() {
    // The page's asynchronous mode: no driver, the test plays the token service.
    let mut bank = Bank::demo_with_iterations(TEST_ITERATIONS, &mut SeededRandom::new(1)).unwrap();
    let token = TokenId::generate("WBTK", 1).unwrap();
    let alice = ContractId::parse(ALICE).unwrap();
    bank.bind_token(&alice, &token).unwrap();

    let mut screen = Screen::default();
    for event in [
        Event::Edit(Field::ContractId, ALICE.into()),
        Event::Edit(Field::Password, ALICE_PW.into()),
        Event::Press(Action::Submit),
        Event::Edit(Field::Code, "１２３４５６".into()),
    ] {
        let next = transition(&mut bank, screen, event, T0);
        assert!(next.handled);
        assert!(next.commands.is_empty(), "{:?}", next.commands);
        screen = next.screen;
    }
    let next = transition(&mut bank, screen, Event::Press(Action::Submit), T0);
    assert_eq!(
        next.commands,
        [Command::ValidateCode {
            token_id: token.clone(),
            code: "１２３４５６".into()
        }]
    );
    assert!(next.screen.is_busy());
    assert!(next.screen.view(Lang::Ja).busy);
    // While the code is out, another press and typing are ignored.
    let again = transition(&mut bank, next.screen, Event::Press(Action::Submit), T0);
    assert!(!again.handled && again.commands.is_empty());
    let typed = transition(
        &mut bank,
        again.screen,
        Event::Edit(Field::Code, "0".into()),
        T0,
    );
    assert!(!typed.handled);
    assert_eq!(typed.screen.value(Field::Code), Some("１２３４５６"));
    let done = transition(
        &mut bank,
        typed.screen,
        Event::CodeChecked(Ok(Accepted { step: 1, drift: 0 })),
        T0,
    );
    assert!(matches!(done.screen, Screen::SignedIn { ref contract_id } if contract_id == &alice));
}

#[test]
fn bank_changes_end_with_a_save_command() {
    let mut bank = Bank::demo_with_iterations(TEST_ITERATIONS, &mut SeededRandom::new(1)).unwrap();
    let mut screen = Screen::default();
    for event in [
        Event::Edit(Field::ContractId, ALICE.into()),
        Event::Edit(Field::Password, "wrong".into()),
    ] {
        screen = transition(&mut bank, screen, event, T0).screen;
    }
    let failed = transition(&mut bank, screen, Event::Press(Action::Submit), T0);
    assert_eq!(
        failed.commands,
        [Command::SaveBank],
        "the failure count changed"
    );
    // A correct password after a failure resets the count: a save again; then none.
    let mut screen = failed.screen;
    screen = transition(
        &mut bank,
        screen,
        Event::Edit(Field::Password, ALICE_PW.into()),
        T0,
    )
    .screen;
    let ok = transition(&mut bank, screen, Event::Press(Action::Submit), T0);
    assert_eq!(ok.commands, [Command::SaveBank]);
    let out = transition(&mut bank, ok.screen, Event::Press(Action::Logout), T0);
    let mut screen = out.screen;
    for event in [
        Event::Edit(Field::ContractId, ALICE.into()),
        Event::Edit(Field::Password, ALICE_PW.into()),
    ] {
        screen = transition(&mut bank, screen, event, T0).screen;
    }
    let again = transition(&mut bank, screen, Event::Press(Action::Submit), T0);
    assert!(again.commands.is_empty(), "{:?}", again.commands);
}

#[test]
fn unexpected_events_are_ignored() {
    let mut w = World::new();
    let issued = w.register(ALICE, ALICE_PW);
    let alice = ContractId::parse(ALICE).unwrap();
    let code_form = CodeForm {
        contract_id: alice.clone(),
        token_id: issued.token_id.clone(),
        code: "123456".into(),
        notice: None,
    };
    let screens: Vec<(&str, Screen)> = vec![
        ("login", Screen::default()),
        ("login-code", Screen::Login(Login::Code(code_form.clone()))),
        (
            "signed-in",
            Screen::SignedIn {
                contract_id: alice.clone(),
            },
        ),
        (
            "registration-done",
            Screen::Registration(Registration::Done(alice.clone())),
        ),
        (
            "stop-checking",
            Screen::Stop(Stop::Checking(code_form.clone())),
        ),
        ("stop-done", Screen::Stop(Stop::Done(alice.clone()))),
        ("resync-done", Screen::Resync(Resync::Done(alice.clone()))),
        (
            "staff-lookup",
            Screen::Staff(Staff::Lookup {
                staff: staff::StaffId::parse(staff::DEMO_STAFF.0).unwrap(),
                contract_id: String::new(),
                notice: None,
            }),
        ),
    ];
    let events = || {
        vec![
            Event::CodeChecked(Ok(Accepted { step: 1, drift: 0 })),
            Event::CodeChecked(Err(Rejected::Mismatch)),
            Event::TokenStopped(Ok(())),
            Event::TokenUnlocked(Ok(())),
            Event::Edit(Field::StaffReason, "x".into()),
            Event::Press(Action::UnlockPassword),
        ]
    };
    let bank_before = w.bank.clone();
    let audit_before = w.service.audit().len();
    for (name, screen) in screens {
        for event in events() {
            let label = format!("{name} + {event:?}");
            if name == "stop-checking" && matches!(event, Event::CodeChecked(_)) {
                continue; // the answer it waits for
            }
            let next = transition(&mut w.bank, screen.clone(), event, T0);
            assert!(!next.handled, "{label}");
            assert!(next.commands.is_empty(), "{label}");
            assert_eq!(next.screen.view(Lang::Ja), screen.view(Lang::Ja), "{label}");
        }
    }
    // Logout only where signed in; Back only where the page offers it.
    let ignored = [
        (Screen::default(), Action::Logout),
        (Screen::default(), Action::BackToLogin),
        (
            Screen::SignedIn {
                contract_id: alice.clone(),
            },
            Action::Submit,
        ),
        (Screen::Stop(Stop::Checking(code_form)), Action::BackToLogin),
    ];
    for (screen, action) in ignored {
        let next = transition(&mut w.bank, screen, Event::Press(action), T0);
        assert!(!next.handled, "{action:?}");
    }
    assert_eq!(w.bank, bank_before, "ignored events change nothing");
    assert_eq!(w.service.audit().len(), audit_before);
}

#[test]
fn typed_values_survive_messages_and_language_changes() {
    let mut w = World::new();
    w.press(Action::OpenRegistration);
    w.submit(&[(Field::ContractId, ALICE), (Field::Password, ALICE_PW)]);
    w.submit(&[(Field::TokenId, "<b>WBTK</b>"), (Field::Code, "<script>")]);
    for lang in [Lang::Ja, Lang::En] {
        let view = w.screen.view(lang);
        assert_eq!(
            view.fields[0].value, "<b>WBTK</b>",
            "kept verbatim, as text"
        );
        assert_eq!(view.fields[1].value, "<script>");
        assert!(view.error.is_some());
    }
    assert_ne!(w.screen.view(Lang::Ja).error, w.screen.view(Lang::En).error);
}

#[test]
fn views_use_the_guides_words_and_english_equivalents() {
    let w = World::new();
    let ja = w.screen.view(Lang::Ja);
    assert_eq!(ja.title, "ログイン");
    let labels: Vec<&str> = ja.fields.iter().map(|f| f.label).collect();
    assert_eq!(labels, ["契約者ID(利用者番号)", "ログインパスワード"]);
    assert_eq!(ja.fields[1].kind, InputKind::Password);
    assert_eq!(ja.buttons[0].label, "ログイン");
    let links: Vec<&str> = ja.links.iter().map(|l| l.label).collect();
    assert!(links.contains(&"ワンタイムパスワードの利用登録はこちら"));
    assert!(links.contains(&"ワンタイムパスワードの利用停止はこちら"));
    assert!(
        ja.notes
            .contains(&"英字は大文字と小文字を区別しますので、ご注意ください。")
    );
    let en = w.screen.view(Lang::En);
    assert_eq!(en.title, "Log in");
    assert_eq!(en.fields[0].label, "Contract ID (user number)");
    assert_eq!(en.id, ja.id);

    // The code step: ワンタイムパスワード (半角数字), 確認.
    let mut w = World::new();
    w.register(ALICE, ALICE_PW);
    w.login(ALICE, ALICE_PW);
    let code = w.screen.view(Lang::Ja);
    assert_eq!(code.title, "ワンタイムパスワード認証");
    assert_eq!(code.fields[0].label, "ワンタイムパスワード");
    assert_eq!(code.fields[0].suffix, Some("(半角数字)"));
    assert_eq!(code.fields[0].kind.autocomplete(), "one-time-code");
    assert_eq!(code.buttons[0].label, "確認");
}

// --- Persistence and seeding ------------------------------------------------------------------

#[test]
fn bank_round_trips_as_json_without_passwords() {
    let mut w = World::new();
    let issued = w.register(ALICE, ALICE_PW);
    w.login(BOB, "wrong");
    let json = serde_json::to_string(&w.bank).unwrap();
    for password in [ALICE_PW, BOB_PW] {
        assert!(!json.contains(password));
    }
    assert!(json.contains(issued.token_id.as_str()));
    let back: Bank = serde_json::from_str(&json).unwrap();
    assert_eq!(back, w.bank);
    let bob = ContractId::parse(BOB).unwrap();
    assert_eq!(back.customer(&bob).unwrap().password_failures(), 1);
    // Passwords still verify after the round trip.
    let mut back = back;
    assert_eq!(
        back.authenticate(ALICE, ALICE_PW),
        Ok(ContractId::parse(ALICE).unwrap())
    );

    // A record that binds one token to two contracts is refused.
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut tampered = value.clone();
    tampered["customers"][1]["token"] = value["customers"][0]["token"].clone();
    assert!(serde_json::from_value::<Bank>(tampered).is_err());
    let mut duplicate = value.clone();
    duplicate["customers"][1]["contract_id"] = value["customers"][0]["contract_id"].clone();
    assert!(serde_json::from_value::<Bank>(duplicate).is_err());
}

#[test]
fn passwords_never_show_in_debug_output() {
    let mut w = World::new();
    w.press(Action::OpenRegistration);
    w.type_in(Field::Password, "s3cret-Typed");
    assert_eq!(w.value(Field::Password), Some("s3cret-Typed"));
    assert!(!format!("{:?}", w.screen).contains("s3cret-Typed"));
    assert!(!format!("{:?}", w.bank).contains(ALICE_PW));
}

#[test]
fn contract_ids() {
    for (typed, parsed) in [
        ("1000000001", Some("1000000001")),
        (" 1000000001\t", Some("1000000001")),
        ("１００００００００１", Some("1000000001")),
        ("100000000", None),
        ("10000000011", None),
        ("1000-000001", None),
        ("", None),
    ] {
        assert_eq!(
            ContractId::parse(typed).as_ref().map(ContractId::as_str),
            parsed,
            "{typed:?}"
        );
    }
}

#[test]
fn bank_refuses_bad_bookkeeping() {
    let mut bank = Bank::demo_with_iterations(TEST_ITERATIONS, &mut SeededRandom::new(1)).unwrap();
    let alice = ContractId::parse(ALICE).unwrap();
    let bob = ContractId::parse(BOB).unwrap();
    let token = TokenId::generate("WBTK", 42).unwrap();
    assert_eq!(
        bank.add_customer(ALICE, "x", &mut SeededRandom::new(2)),
        Err(BankError::DuplicateContract(alice.clone()))
    );
    assert!(matches!(
        bank.add_customer("12", "x", &mut SeededRandom::new(3)),
        Err(BankError::InvalidContractId(_))
    ));
    assert_eq!(Bank::new(0), Err(BankError::Iterations(0)));
    bank.bind_token(&alice, &token).unwrap();
    assert_eq!(
        bank.bind_token(&bob, &token),
        Err(BankError::TokenTaken(token.clone()))
    );
    let other = TokenId::generate("WBTK", 43).unwrap();
    assert_eq!(
        bank.bind_token(&alice, &other),
        Err(BankError::AlreadyRegistered(alice.clone()))
    );
    assert_eq!(bank.unbind_token(&alice), Ok(Some(token.clone())));
    assert_eq!(bank.unbind_token(&alice), Ok(None));
    assert_eq!(
        bank.bind_token(&bob, &token),
        Err(BankError::TokenTaken(token)),
        "a stopped token stays bound"
    );
    let nobody = ContractId::parse("5555555555").unwrap();
    assert_eq!(
        bank.unlock_password(&session(T0), &nobody),
        Err(BankError::UnknownContract(nobody))
    );
}

#[test]
fn demo_bank_seeds_the_readme_customers() {
    let bank = Bank::demo().unwrap();
    let ids: Vec<&str> = bank
        .customers()
        .iter()
        .map(|c| c.contract_id().as_str())
        .collect();
    let expected: Vec<&str> = DEMO_CUSTOMERS.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, expected);
    assert!(ids.contains(&"1000000001") && ids.contains(&"1000000002"));
    for customer in bank.customers() {
        assert_eq!(customer.token(), None);
        assert_eq!(customer.password_failures(), 0);
    }
    // Every hash carries the demo count.
    let json = serde_json::to_string(&bank).unwrap();
    let count = format!("\"iterations\":{DEFAULT_ITERATIONS}");
    assert_eq!(
        json.matches(&count).count(),
        2 + DEMO_CUSTOMERS.len(),
        "bank, customers, staff"
    );
    let staff = bank.staff().members();
    assert_eq!(staff.len(), 1);
    assert_eq!(staff[0].staff_id().as_str(), staff::DEMO_STAFF.0);
    assert_eq!(staff[0].token(), &staff::demo_staff_token());
}

/// The demo staff member's hash is worked out ahead of time too: the README password at the
/// demo count, salted from the staff ID; its token's secret is the published one.
#[test]
fn the_precomputed_demo_staff_hash_is_the_readme_password() {
    use sha2::{Digest, Sha256};
    let (staff_id, password) = staff::DEMO_STAFF;
    let digest = Sha256::digest(format!("webtoken demo staff {staff_id}"));
    let salt: [u8; 16] = digest[..16].try_into().unwrap();
    let expected = PasswordHash::with_salt(password, salt, DEFAULT_ITERATIONS).unwrap();
    let mut bank = Bank::demo().unwrap();
    assert_eq!(bank.staff().members()[0].password, expected);
    assert_eq!(
        staff::demo_staff_secret().as_bytes(),
        b"webtoken-demo-staff1"
    );
    assert!(bank.authenticate_staff(staff_id, password).is_ok());
    assert_eq!(
        staff::demo_staff_token().grouped(),
        "WBTK 9999 0012",
        "as the README says"
    );
    // An older bank record without staff gets the demo staff.
    let old = r#"{"iterations":1000,"customers":[]}"#;
    let read: Bank = serde_json::from_str(old).unwrap();
    assert_eq!(read.staff(), Bank::demo().unwrap().staff());
}

/// The demo hashes are worked out ahead of time: each must be its README password hashed at
/// the demo count with the salt derived from its contract ID, and nothing else.
#[test]
fn the_precomputed_demo_hashes_are_the_readme_passwords() {
    use sha2::{Digest, Sha256};
    let bank = Bank::demo().unwrap();
    for ((contract_id, password), customer) in DEMO_CUSTOMERS.iter().zip(bank.customers()) {
        assert_eq!(customer.contract_id().as_str(), *contract_id);
        let digest = Sha256::digest(format!("webtoken demo customer {contract_id}"));
        let salt: [u8; 16] = digest[..16].try_into().unwrap();
        let expected = PasswordHash::with_salt(password, salt, DEFAULT_ITERATIONS).unwrap();
        // Equal to the hash worked out here, so it verifies `password` and nothing else
        // (verifying again would cost another 600 000 iterations per customer).
        assert_eq!(customer.password, expected, "{contract_id}");
    }
}

/// Sends `event` and answers each token-service command as a failed save would: nothing done.
fn send_not_saved(w: &mut World, event: Event) {
    let step = transition(&mut w.bank, core::mem::take(&mut w.screen), event, w.now);
    w.screen = step.screen;
    for command in step.commands {
        if let Some(answer) = not_saved(&command) {
            w.screen =
                transition(&mut w.bank, core::mem::take(&mut w.screen), answer, w.now).screen;
        }
    }
}

/// A sign-in, stop or unlock whose new state the browser could not save fails with the message
/// that says so and changes nothing: the code stays typed and signs in once saving works.
#[test]
fn an_answer_that_could_not_be_saved_fails_with_nothing_changed() {
    let mut w = World::new();
    let issued = w.register(ALICE, ALICE_PW);
    w.press(Action::BackToLogin);
    w.submit(&[(Field::Password, ALICE_PW)]);
    w.tick();
    let code = w.code(&issued, 0);
    w.type_in(Field::Code, &code);
    send_not_saved(&mut w, Event::Press(Action::Submit));
    assert_eq!(w.id(), "login-code");
    assert_eq!(w.error(), ja(Text::ErrNotSaved));
    assert_eq!(
        w.value(Field::Code),
        Some(code.as_str()),
        "kept to try again"
    );
    w.press(Action::Submit);
    assert_eq!(w.id(), "signed-in", "{:?}", w.error());

    // Staff stop: refused the same way, the contract keeps its token.
    w.staff_lookup(ALICE);
    w.type_in(Field::StaffReason, "PC故障");
    send_not_saved(&mut w, Event::Press(Action::StopToken));
    assert_eq!(w.error(), ja(Text::ErrNotSaved));
    assert_eq!(w.token_of(ALICE), Some(issued.token_id.clone()));
    assert_eq!(w.status(&issued), CredentialStatus::Active);
}

/// A registration the service saved but whose binding the bank could not save: the bank goes
/// back to its copy from before the answer, and the screen to the form with the message, so
/// the customer is never told of a registration that is not kept.
#[test]
fn a_registration_the_bank_could_not_save_is_not_reported_done() {
    let mut w = World::new();
    let issued = w.issue();
    w.press(Action::OpenRegistration);
    w.submit(&[(Field::ContractId, ALICE), (Field::Password, ALICE_PW)]);
    let code = w.code(&issued, 0);
    w.type_in(Field::TokenId, &issued.token_id.grouped());
    w.type_in(Field::Code, &code);
    let step = transition(
        &mut w.bank,
        core::mem::take(&mut w.screen),
        Event::Press(Action::Submit),
        w.now,
    );
    let (before, kept) = (step.screen.clone(), w.bank.clone());
    let answer = execute(&w.service, step.commands[0].clone(), w.now).unwrap();
    let failed = unsaved_answer(&answer).unwrap();
    let done = transition(&mut w.bank, step.screen, answer, w.now);
    assert!(done.commands.contains(&Command::SaveBank));
    // The save failed: back to the bank and screen from before the answer.
    w.bank = kept;
    w.screen = transition(&mut w.bank, before, failed, w.now).screen;
    assert_eq!(w.id(), "registration-details");
    assert_eq!(w.error(), ja(Text::ErrNotSaved));
    assert_eq!(w.token_of(ALICE), None);
    assert!(unsaved_answer(&Event::Press(Action::Submit)).is_none());
}
