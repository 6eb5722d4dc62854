//! The bank's screens as state machines: `match (state, event)`, with an explicit last arm
//! that ignores anything a screen does not expect (a double click, a late answer).

use core::fmt;

use zeroize::Zeroizing;

use super::staff::{SignInFailure, StaffId, StaffRefusal, StaffSession};
use super::text::{Lang, Text, text};
use super::{AuthFailure, Bank, ContractId};
use webtoken_engine::input::CodeInputError;
use webtoken_engine::token_id::{TokenId, TokenIdError};
use webtoken_token_service::{
    Accepted, AuditEvent, ChainError, CredentialState, CredentialStatus, Rejected, ServiceError,
};

/// Longest stop reason the staff page accepts, in characters (after trimming).
pub const MAX_REASON_CHARS: usize = 200;
/// The reason recorded in the audit trail when a customer stops their own token.
pub const CUSTOMER_STOP_REASON: &str =
    "customer request, confirmed by password and one-time password";

/// An input of a form; the page sends [`Event::Edit`] with it as the customer types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// 契約者ID.
    ContractId,
    /// ログインパスワード.
    Password,
    /// トークンID.
    TokenId,
    /// ワンタイムパスワード (the first code on the resync screen).
    Code,
    /// The second, next code on the resync screen.
    SecondCode,
    /// 職員ID on the staff sign-in.
    StaffId,
    /// The staff member's password on the staff sign-in.
    StaffPassword,
    /// The one-time password of the staff member's own token on the staff sign-in.
    StaffCode,
    /// 停止理由 on the staff page.
    StaffReason,
}

/// A button or link the customer or staff member pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The screen's main button: ログイン, 次へ, 登録, 確認, 停止, 補正, 照会.
    Submit,
    /// ワンタイムパスワードの利用登録はこちら.
    OpenRegistration,
    /// ワンタイムパスワードの利用停止はこちら.
    OpenStop,
    /// ワンタイムパスワードの同期ズレ補正はこちら.
    OpenResync,
    /// The staff page.
    OpenStaff,
    /// ログイン画面に戻る.
    BackToLogin,
    /// ログアウト.
    Logout,
    /// Staff: ロック解除 (the token).
    UnlockToken,
    /// Staff: 利用停止 without a code.
    StopToken,
    /// Staff: パスワードロック解除.
    UnlockPassword,
    /// Staff: 別の契約を照会.
    LookUpAnother,
    /// Staff: サインアウト.
    StaffSignOut,
}

/// What happened: typing, a press, or the answer to a [`Command`].
#[derive(Debug, Clone)]
pub enum Event {
    /// The value of an input changed (the whole new value).
    Edit(Field, String),
    /// A button or link was pressed.
    Press(Action),
    /// The answer to [`Command::ValidateCode`] or [`Command::Resync`].
    CodeChecked(Result<Accepted, Rejected>),
    /// The answer to [`Command::StopToken`].
    TokenStopped(Result<(), ServiceError>),
    /// The answer to [`Command::UnlockToken`].
    TokenUnlocked(Result<(), ServiceError>),
    /// The answer to [`Command::FetchToken`].
    TokenFetched(Box<TokenRecord>),
    /// The answer to [`Command::SignInStaff`]: whether the staff sign-in was accepted.
    StaffSignedIn(Result<(), StaffSignInRefused>),
    /// The answer to a staff command from a remote token service whose own staff session has
    /// ended (signed out elsewhere, idle, restarted): the page's ends too.
    StaffSessionEnded,
    /// The answer to [`Command::RemoveUnreadableCredential`].
    RecordRemoved(Result<(), crate::section::health::RemoveRefused>),
}

/// Why the token service (in the page, or the server) refused a staff sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffSignInRefused {
    /// The staff ID, password or code was wrong, replayed or locked: one answer for all.
    Refused,
    /// The token service could not be asked.
    Unavailable,
    /// The token service could not save the code's use, so nothing was changed.
    NotSaved,
}

/// A password on its way to be checked: wiped when dropped, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct TypedPassword(Zeroizing<String>);

impl TypedPassword {
    /// The password as typed.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TypedPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Work a transition asks for; the driver (in-process or HTTP) answers with an [`Event`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Validate `code` (as typed) for `token_id`; answer [`Event::CodeChecked`].
    ValidateCode {
        /// The token.
        token_id: TokenId,
        /// The code as typed (the token service normalises it).
        code: String,
    },
    /// Re-centre a drifted token on two consecutive codes; answer [`Event::CodeChecked`].
    Resync {
        /// The token.
        token_id: TokenId,
        /// The first code, as typed.
        first: String,
        /// The next code, as typed.
        second: String,
    },
    /// The customer's own stop: validate `code`, and only if it is accepted stop the token for
    /// good; answer [`Event::CodeChecked`] (accepted: validated and stopped).
    StopWithCode {
        /// The token.
        token_id: TokenId,
        /// The code as typed.
        code: String,
        /// Who stops it (the customer), for the audit trail.
        actor: String,
        /// Why, for the audit trail.
        reason: String,
    },
    /// A staff stop of the token for good; answer [`Event::TokenStopped`].
    StopToken {
        /// The token.
        token_id: TokenId,
        /// Who stops it (customer or staff name), for the audit trail.
        actor: String,
        /// Why, for the audit trail.
        reason: String,
    },
    /// Unlock a locked token; answer [`Event::TokenUnlocked`].
    UnlockToken {
        /// The token.
        token_id: TokenId,
        /// The staff name, for the audit trail.
        actor: String,
    },
    /// Fetch a token's state and audit trail for the staff page; answer [`Event::TokenFetched`].
    FetchToken {
        /// The token.
        token_id: TokenId,
    },
    /// Check a staff sign-in's one-time password (the bank checked the password already; a
    /// remote token service checks both, and starts its own session); answer
    /// [`Event::StaffSignedIn`].
    SignInStaff {
        /// Who signs in.
        staff_id: StaffId,
        /// Their password, for a remote token service's own check.
        password: TypedPassword,
        /// Their own token.
        token_id: TokenId,
        /// The code as typed.
        code: String,
    },
    /// The staff member signed out: a remote token service ends its session too (no answer).
    SignOutStaff,
    /// Remove the token service's unreadable stored credential at `index` of its list, if it
    /// is still the one staff were shown (`token_id`, `why`); answer [`Event::RecordRemoved`].
    RemoveUnreadableCredential {
        /// Its place among the unreadable credentials.
        index: usize,
        /// Its Token ID as shown, when readable.
        token_id: Option<TokenId>,
        /// What was wrong with it, as shown.
        why: String,
        /// Who removes it (the staff session's ID), for the audit trail.
        actor: String,
    },
    /// The bank changed: persist [`Bank`] (no answer).
    SaveBank,
}

/// What the token service knows of one token, for the staff page.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    /// The token.
    pub token_id: TokenId,
    /// Its state, or `None` if the token service has no such token.
    pub state: Option<CredentialState>,
    /// Its audit events, oldest first.
    pub audit: Vec<AuditEvent>,
    /// Whether the token service's whole hash-chained audit log verifies.
    pub chain_verified: bool,
    /// What is wrong with it when it does not (`None` if it verifies, or if the token service
    /// did not say).
    pub chain_error: Option<ChainError>,
    /// The token service could not be asked (a network or server failure): the state and the
    /// audit trail are unknown, not empty, and the chain was not checked.
    pub unavailable: bool,
}

/// A message a screen shows: a catalogue entry, or the engine's own message for bad input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// An error from the catalogue.
    Error(Text),
    /// A confirmation from the catalogue.
    Info(Text),
    /// The typed code is not a code; the engine says why.
    CodeInput(CodeInputError),
    /// The typed Token ID is not a Token ID (format or check digit); the engine says why.
    TokenId(TokenIdError),
}

impl Notice {
    /// The message in `lang`, as plain text.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::Error(key) | Self::Info(key) => text(*key, lang).to_string(),
            Self::CodeInput(e) => e.message(lang),
            Self::TokenId(e) => e.message(lang),
        }
    }

    /// Whether this is an error (shown as such) rather than a confirmation.
    pub fn is_error(&self) -> bool {
        !matches!(self, Self::Info(_))
    }
}

/// Contract ID and password, as typed. The password lives only in memory: it is never
/// serialised or printed, and it is wiped when dropped.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CredentialsForm {
    /// The contract ID as typed.
    pub contract_id: String,
    password: Zeroizing<String>,
    /// The message shown above the form.
    pub notice: Option<Notice>,
}

impl CredentialsForm {
    /// A form with the contract ID filled in (carried over from another screen).
    pub fn with_contract_id(contract_id: impl Into<String>) -> Self {
        Self {
            contract_id: contract_id.into(),
            ..Self::default()
        }
    }

    /// The password as typed.
    pub fn password(&self) -> &str {
        &self.password
    }
}

impl fmt::Debug for CredentialsForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsForm")
            .field("contract_id", &self.contract_id)
            .field("password", &"<redacted>")
            .field("notice", &self.notice)
            .finish()
    }
}

/// The one-code form of an authenticated customer (login's code step, stop's code step).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeForm {
    /// The authenticated contract.
    pub contract_id: ContractId,
    /// Its registered token.
    pub token_id: TokenId,
    /// The code as typed.
    pub code: String,
    /// The message shown above the form.
    pub notice: Option<Notice>,
}

/// Registration's second step: Token ID and code, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailsForm {
    /// The authenticated contract.
    pub contract_id: ContractId,
    /// The Token ID as typed.
    pub token_id: String,
    /// The code as typed.
    pub code: String,
    /// The message shown above the form.
    pub notice: Option<Notice>,
}

/// Resync's second step: two consecutive codes, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResyncForm {
    /// The authenticated contract.
    pub contract_id: ContractId,
    /// Its registered token.
    pub token_id: TokenId,
    /// The first code as typed.
    pub first: String,
    /// The next code as typed.
    pub second: String,
    /// The message shown above the form.
    pub notice: Option<Notice>,
}

/// The staff sign-in, as typed. The password is never printed and is wiped when dropped.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StaffSignInForm {
    /// The staff ID as typed.
    pub staff_id: String,
    password: Zeroizing<String>,
    /// The one-time password as typed.
    pub code: String,
    /// The message shown above the form.
    pub notice: Option<Notice>,
}

impl StaffSignInForm {
    /// The password as typed.
    pub fn password(&self) -> &str {
        &self.password
    }

    fn refused(notice: Notice) -> Self {
        Self {
            notice: Some(notice),
            ..Self::default()
        }
    }
}

impl fmt::Debug for StaffSignInForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaffSignInForm")
            .field("staff_id", &self.staff_id)
            .field("password", &"<redacted>")
            .field("code", &self.code)
            .field("notice", &self.notice)
            .finish()
    }
}

/// What the staff page shows of one contract, and what the staff member typed.
#[derive(Debug, Clone)]
pub struct StaffRecord {
    /// The signed-in staff member.
    pub staff: StaffId,
    /// The contract looked up.
    pub contract_id: ContractId,
    /// Its registered token, or else the last token it stopped.
    pub token_id: Option<TokenId>,
    /// Whether `token_id` is the registered one (login asks its code).
    pub registered: bool,
    /// The token service's view of `token_id`, once fetched.
    pub record: Option<TokenRecord>,
    /// Consecutive wrong passwords.
    pub password_failures: u32,
    /// Whether the password is locked.
    pub password_locked: bool,
    /// 停止理由 as typed.
    pub reason: String,
    /// The message shown above the record.
    pub notice: Option<Notice>,
}

/// The token state the staff page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    /// No token has been registered (未登録).
    None,
    /// A token is registered and usable (利用中).
    Registered,
    /// The registered token is locked after too many wrong codes (ロック中).
    Locked,
    /// The token is stopped (利用停止).
    Stopped,
}

impl TokenState {
    /// The catalogue key of its label.
    pub fn text(self) -> Text {
        match self {
            Self::None => Text::StateNone,
            Self::Registered => Text::StateRegistered,
            Self::Locked => Text::StateLocked,
            Self::Stopped => Text::StateStopped,
        }
    }
}

impl StaffRecord {
    /// The token state: none, registered, locked or stopped.
    pub fn token_state(&self) -> TokenState {
        let status = self
            .record
            .as_ref()
            .and_then(|r| r.state.as_ref())
            .map(|s| s.status);
        match (&self.token_id, self.registered, status) {
            (None, _, _) => TokenState::None,
            (Some(_), false, _) | (Some(_), true, Some(CredentialStatus::Stopped)) => {
                TokenState::Stopped
            }
            (Some(_), true, Some(CredentialStatus::Locked)) => TokenState::Locked,
            (Some(_), true, _) => TokenState::Registered,
        }
    }
}

/// The login flow (ログイン, then ワンタイムパスワード認証 if a token is registered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    /// Contract ID and password.
    Credentials(CredentialsForm),
    /// The code step.
    Code(CodeForm),
    /// The code is with the token service.
    Checking(CodeForm),
}

/// The registration flow (ワンタイムパスワード利用登録).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    /// 利用者認証: contract ID and password.
    Credentials(CredentialsForm),
    /// ワンタイムパスワード登録情報入力: Token ID and code.
    Details(DetailsForm),
    /// The code is with the token service, for the parsed Token ID.
    Checking(DetailsForm, TokenId),
    /// 処理結果: registered.
    Done(ContractId),
}

/// The stop flow (ワンタイムパスワード利用停止).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// 利用者認証: contract ID and password.
    Credentials(CredentialsForm),
    /// ワンタイムパスワード入力: the current code.
    Code(CodeForm),
    /// The code is with the token service, which stops the token if it accepts the code.
    Checking(CodeForm),
    /// 処理結果: stopped.
    Done(ContractId),
}

/// The resynchronisation flow (同期ズレ補正).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resync {
    /// 利用者認証: contract ID and password.
    Credentials(CredentialsForm),
    /// Two consecutive codes.
    Codes(ResyncForm),
    /// The codes are with the token service.
    Checking(ResyncForm),
    /// 処理結果: re-centred.
    Done(ContractId),
}

/// The staff page: the guide's separate procedure for a lost token or a broken PC.
#[derive(Debug, Clone)]
pub enum Staff {
    /// 職員サインイン: staff ID, password and the code of the staff member's own token.
    SignIn(StaffSignInForm),
    /// The code is with the token service; the password was accepted for this staff ID.
    SigningIn(StaffSignInForm, StaffId),
    /// The contract ID to look up, as typed.
    Lookup {
        /// The signed-in staff member.
        staff: StaffId,
        /// The contract ID as typed.
        contract_id: String,
        /// The message shown above the form.
        notice: Option<Notice>,
    },
    /// The token's record is being fetched.
    Fetching(StaffRecord),
    /// The contract, its token and audit trail, and the staff actions.
    Record(StaffRecord),
    /// An unlock or stop is with the token service.
    Working(StaffRecord),
}

/// Every screen of the bank's pages.
#[derive(Debug, Clone)]
pub enum Screen {
    /// ログイン.
    Login(Login),
    /// ワンタイムパスワード利用登録.
    Registration(Registration),
    /// ワンタイムパスワード利用停止.
    Stop(Stop),
    /// ワンタイムパスワード同期ズレ補正.
    Resync(Resync),
    /// Signed in; the page has a ログアウト button.
    SignedIn {
        /// Who is signed in.
        contract_id: ContractId,
    },
    /// The staff page.
    Staff(Staff),
}

impl Default for Screen {
    fn default() -> Self {
        Screen::Login(Login::Credentials(CredentialsForm::default()))
    }
}

impl Screen {
    /// Whether the screen waits for an answer from the token service (inputs disabled).
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            Screen::Login(Login::Checking(_))
                | Screen::Registration(Registration::Checking(..))
                | Screen::Stop(Stop::Checking(_))
                | Screen::Resync(Resync::Checking(_))
                | Screen::Staff(Staff::Fetching(_) | Staff::Working(_) | Staff::SigningIn(..))
        )
    }

    /// The message the screen shows, if any.
    pub fn notice(&self) -> Option<&Notice> {
        match self {
            Screen::Login(Login::Credentials(f))
            | Screen::Registration(Registration::Credentials(f))
            | Screen::Stop(Stop::Credentials(f))
            | Screen::Resync(Resync::Credentials(f)) => f.notice.as_ref(),
            Screen::Login(Login::Code(f) | Login::Checking(f))
            | Screen::Stop(Stop::Code(f) | Stop::Checking(f)) => f.notice.as_ref(),
            Screen::Registration(Registration::Details(f) | Registration::Checking(f, _)) => {
                f.notice.as_ref()
            }
            Screen::Resync(Resync::Codes(f) | Resync::Checking(f)) => f.notice.as_ref(),
            Screen::Staff(Staff::Lookup { notice, .. }) => notice.as_ref(),
            Screen::Staff(Staff::SignIn(f) | Staff::SigningIn(f, _)) => f.notice.as_ref(),
            Screen::Staff(Staff::Fetching(r) | Staff::Record(r) | Staff::Working(r)) => {
                r.notice.as_ref()
            }
            Screen::Registration(Registration::Done(_))
            | Screen::Stop(Stop::Done(_))
            | Screen::Resync(Resync::Done(_))
            | Screen::SignedIn { .. } => None,
        }
    }

    /// The current value of `field` on this screen, if the screen has it.
    pub fn value(&self, field: Field) -> Option<&str> {
        match (self, field) {
            (
                Screen::Login(Login::Credentials(f))
                | Screen::Registration(Registration::Credentials(f))
                | Screen::Stop(Stop::Credentials(f))
                | Screen::Resync(Resync::Credentials(f)),
                field,
            ) => match field {
                Field::ContractId => Some(&f.contract_id),
                Field::Password => Some(f.password()),
                _ => None,
            },
            (
                Screen::Login(Login::Code(f) | Login::Checking(f))
                | Screen::Stop(Stop::Code(f) | Stop::Checking(f)),
                Field::Code,
            ) => Some(&f.code),
            (
                Screen::Registration(Registration::Details(f) | Registration::Checking(f, _)),
                field,
            ) => match field {
                Field::TokenId => Some(&f.token_id),
                Field::Code => Some(&f.code),
                _ => None,
            },
            (Screen::Resync(Resync::Codes(f) | Resync::Checking(f)), Field::Code) => Some(&f.first),
            (Screen::Resync(Resync::Codes(f) | Resync::Checking(f)), Field::SecondCode) => {
                Some(&f.second)
            }
            (Screen::Staff(Staff::Lookup { contract_id, .. }), Field::ContractId) => {
                Some(contract_id)
            }
            (Screen::Staff(Staff::Fetching(r) | Staff::Record(r) | Staff::Working(r)), field) => {
                match field {
                    Field::StaffReason => Some(&r.reason),
                    _ => None,
                }
            }
            (Screen::Staff(Staff::SignIn(f) | Staff::SigningIn(f, _)), field) => match field {
                Field::StaffId => Some(&f.staff_id),
                Field::StaffPassword => Some(f.password()),
                Field::StaffCode => Some(&f.code),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The next screen and the work it asks for.
#[derive(Debug, Clone)]
pub struct Transition {
    /// The next screen.
    pub screen: Screen,
    /// Work for the driver, in order; each service command is answered by an [`Event`].
    pub commands: Vec<Command>,
    /// `false` when the screen did not expect the event and stayed as it was.
    pub handled: bool,
}

impl Transition {
    fn to(screen: Screen) -> Self {
        Self {
            screen,
            commands: Vec::new(),
            handled: true,
        }
    }

    fn with(screen: Screen, command: Command) -> Self {
        Self {
            screen,
            commands: vec![command],
            handled: true,
        }
    }

    fn ignored(screen: Screen) -> Self {
        Self {
            screen,
            commands: Vec::new(),
            handled: false,
        }
    }
}

/// Runs one event through the screen's state machine at `now` (Unix seconds: a staff
/// session's idle time is measured with it).
///
/// Bank changes (password failures, a registration, a stop) happen here, and then
/// [`Command::SaveBank`] closes the list of commands. Token-service work is only requested:
/// its answer comes back as a later event.
pub fn transition(bank: &mut Bank, screen: Screen, event: Event, now: u64) -> Transition {
    let before = bank.revision();
    let mut next = dispatch(bank, screen, event, now);
    if bank.revision() != before {
        next.commands.push(Command::SaveBank);
    }
    next
}

fn dispatch(bank: &mut Bank, screen: Screen, event: Event, now: u64) -> Transition {
    match (screen, event) {
        (screen, Event::Edit(field, value)) => edit(screen, field, value),
        (Screen::Login(state), event) => login(bank, state, event, now),
        (Screen::Registration(state), event) => registration(bank, state, event),
        (Screen::Stop(state), event) => stop(bank, state, event),
        (Screen::Resync(state), event) => resync(bank, state, event),
        (Screen::Staff(state), event) => staff(bank, state, event, now),
        (Screen::SignedIn { .. }, Event::Press(Action::Logout)) => {
            Transition::to(Screen::Login(Login::Credentials(CredentialsForm {
                notice: Some(Notice::Info(Text::LoggedOut)),
                ..CredentialsForm::default()
            })))
        }
        (screen @ Screen::SignedIn { .. }, _) => Transition::ignored(screen),
    }
}

/// Stores a typed value in the screen's form; a busy screen or a field it lacks ignores it.
fn edit(mut screen: Screen, field: Field, value: String) -> Transition {
    let slot: Option<&mut String> = match (&mut screen, field) {
        (
            Screen::Login(Login::Credentials(f))
            | Screen::Registration(Registration::Credentials(f))
            | Screen::Stop(Stop::Credentials(f))
            | Screen::Resync(Resync::Credentials(f)),
            field,
        ) => match field {
            Field::ContractId => Some(&mut f.contract_id),
            Field::Password => {
                f.password = Zeroizing::new(value);
                return Transition::to(screen);
            }
            _ => None,
        },
        (Screen::Login(Login::Code(f)) | Screen::Stop(Stop::Code(f)), Field::Code) => {
            Some(&mut f.code)
        }
        (Screen::Registration(Registration::Details(f)), Field::TokenId) => Some(&mut f.token_id),
        (Screen::Registration(Registration::Details(f)), Field::Code) => Some(&mut f.code),
        (Screen::Resync(Resync::Codes(f)), Field::Code) => Some(&mut f.first),
        (Screen::Resync(Resync::Codes(f)), Field::SecondCode) => Some(&mut f.second),
        (Screen::Staff(Staff::Lookup { contract_id, .. }), Field::ContractId) => Some(contract_id),
        (Screen::Staff(Staff::SignIn(f)), Field::StaffId) => Some(&mut f.staff_id),
        (Screen::Staff(Staff::SignIn(f)), Field::StaffCode) => Some(&mut f.code),
        (Screen::Staff(Staff::SignIn(f)), Field::StaffPassword) => {
            f.password = Zeroizing::new(value);
            return Transition::to(screen);
        }
        (Screen::Staff(Staff::Record(r)), Field::StaffReason) => Some(&mut r.reason),
        _ => None,
    };
    match slot {
        Some(slot) => {
            *slot = value;
            Transition::to(screen)
        }
        None => Transition::ignored(screen),
    }
}

/// Checks the credentials of a form: the contract on success; otherwise the form back with
/// its message, the contract ID kept and a refused password cleared (the message says so).
fn authenticate(bank: &mut Bank, mut form: CredentialsForm) -> Result<ContractId, CredentialsForm> {
    match bank.authenticate(&form.contract_id, form.password()) {
        Ok(id) => Ok(id),
        Err(failure) => {
            let key = match failure {
                AuthFailure::ContractIdEmpty => Text::ErrContractIdEmpty,
                AuthFailure::PasswordEmpty => Text::ErrPasswordEmpty,
                AuthFailure::Invalid => Text::ErrCredentials,
                AuthFailure::Locked => Text::ErrPasswordLocked,
            };
            if matches!(failure, AuthFailure::Invalid | AuthFailure::Locked) {
                form.password = Zeroizing::new(String::new());
            }
            form.notice = Some(Notice::Error(key));
            Err(form)
        }
    }
}

/// The message for a refused code, and whether the typed code is cleared: a code the service
/// judged (wrong, spent, locked, stopped) is cleared, as the message asks for a new one;
/// input that is not a code stays for the customer to fix.
fn refusal(rejected: Rejected) -> (Notice, bool) {
    match rejected {
        Rejected::Malformed(e) => (Notice::CodeInput(e), false),
        Rejected::UnknownToken => (Notice::Error(Text::ErrTokenUnknown), false),
        Rejected::Mismatch => (Notice::Error(Text::ErrCodeMismatch), true),
        Rejected::Replayed => (Notice::Error(Text::ErrCodeReplayed), true),
        Rejected::LockedOut => (Notice::Error(Text::ErrTokenLocked), true),
        Rejected::Stopped => (Notice::Error(Text::ErrTokenStopped), true),
        Rejected::Unavailable => (Notice::Error(Text::ErrService), false),
        Rejected::NotSaved => (Notice::Error(Text::ErrNotSaved), false),
    }
}

/// The message for a stop or unlock the token service did not carry out.
fn failed(error: &ServiceError) -> Notice {
    Notice::Error(match error {
        ServiceError::NotSaved => Text::ErrNotSaved,
        _ => Text::ErrService,
    })
}

/// The login screen's links, which carry the typed contract ID over; the staff link opens
/// the staff page for a signed-in staff member and the staff sign-in otherwise.
fn open(bank: &mut Bank, action: Action, contract_id: String, now: u64) -> Option<Screen> {
    let form = CredentialsForm::with_contract_id(contract_id.clone());
    Some(match action {
        Action::OpenRegistration => Screen::Registration(Registration::Credentials(form)),
        Action::OpenStop => Screen::Stop(Stop::Credentials(form)),
        Action::OpenResync => Screen::Resync(Resync::Credentials(form)),
        Action::OpenStaff => match bank.staff_session(now) {
            Some(session) => Screen::Staff(Staff::Lookup {
                staff: session.staff_id().clone(),
                contract_id,
                notice: None,
            }),
            None => Screen::Staff(Staff::SignIn(StaffSignInForm::default())),
        },
        _ => return None,
    })
}

/// The login screen, its contract ID filled in.
fn back_to_login(contract_id: &str) -> Transition {
    Transition::to(Screen::Login(Login::Credentials(
        CredentialsForm::with_contract_id(contract_id),
    )))
}

fn login(bank: &mut Bank, state: Login, event: Event, now: u64) -> Transition {
    match (state, event) {
        (Login::Credentials(form), Event::Press(Action::Submit)) => {
            match authenticate(bank, form) {
                Err(form) => Transition::to(Screen::Login(Login::Credentials(form))),
                Ok(contract_id) => {
                    match bank.customer(&contract_id).and_then(|c| c.token()).cloned() {
                        Some(token_id) => Transition::to(Screen::Login(Login::Code(CodeForm {
                            contract_id,
                            token_id,
                            code: String::new(),
                            notice: None,
                        }))),
                        None => Transition::to(Screen::SignedIn { contract_id }),
                    }
                }
            }
        }
        (
            Login::Credentials(form),
            Event::Press(
                action @ (Action::OpenRegistration
                | Action::OpenStop
                | Action::OpenResync
                | Action::OpenStaff),
            ),
        ) => match open(bank, action, form.contract_id.clone(), now) {
            Some(screen) => Transition::to(screen),
            None => Transition::ignored(Screen::Login(Login::Credentials(form))),
        },
        (Login::Code(form), Event::Press(Action::Submit)) => {
            let command = Command::ValidateCode {
                token_id: form.token_id.clone(),
                code: form.code.clone(),
            };
            Transition::with(Screen::Login(Login::Checking(form)), command)
        }
        (Login::Code(form), Event::Press(Action::OpenResync)) => Transition::to(Screen::Resync(
            Resync::Credentials(CredentialsForm::with_contract_id(form.contract_id.as_str())),
        )),
        (Login::Code(form), Event::Press(Action::BackToLogin)) => {
            back_to_login(form.contract_id.as_str())
        }
        (Login::Checking(form), Event::CodeChecked(Ok(_))) => {
            // The registration may have ended while the code was out (a staff stop).
            if bank.customer(&form.contract_id).and_then(|c| c.token()) == Some(&form.token_id) {
                Transition::to(Screen::SignedIn {
                    contract_id: form.contract_id,
                })
            } else {
                relogin_after_stop(form)
            }
        }
        (Login::Checking(form), Event::CodeChecked(Err(Rejected::Stopped))) => {
            // The token service stopped the token behind the bank's back: end the
            // registration so that login asks no code, and ask for the password again.
            let _ = bank.unbind_token(&form.contract_id);
            relogin_after_stop(form)
        }
        (Login::Checking(mut form), Event::CodeChecked(Err(rejected))) => {
            let (notice, clear) = refusal(rejected);
            if clear {
                form.code.clear();
            }
            form.notice = Some(notice);
            Transition::to(Screen::Login(Login::Code(form)))
        }
        (state, _) => Transition::ignored(Screen::Login(state)),
    }
}

fn relogin_after_stop(form: CodeForm) -> Transition {
    Transition::to(Screen::Login(Login::Credentials(CredentialsForm {
        contract_id: form.contract_id.as_str().to_string(),
        password: Zeroizing::new(String::new()),
        notice: Some(Notice::Error(Text::ErrTokenStoppedLogin)),
    })))
}

fn registration(bank: &mut Bank, state: Registration, event: Event) -> Transition {
    match (state, event) {
        (Registration::Credentials(form), Event::Press(Action::Submit)) => {
            match authenticate(bank, form) {
                Err(form) => Transition::to(Screen::Registration(Registration::Credentials(form))),
                Ok(contract_id)
                    if bank
                        .customer(&contract_id)
                        .and_then(|c| c.token())
                        .is_some() =>
                {
                    Transition::to(Screen::Registration(Registration::Credentials(
                        CredentialsForm {
                            contract_id: contract_id.as_str().to_string(),
                            password: Zeroizing::new(String::new()),
                            notice: Some(Notice::Error(Text::ErrAlreadyRegistered)),
                        },
                    )))
                }
                Ok(contract_id) => {
                    Transition::to(Screen::Registration(Registration::Details(DetailsForm {
                        contract_id,
                        token_id: String::new(),
                        code: String::new(),
                        notice: None,
                    })))
                }
            }
        }
        (Registration::Details(mut form), Event::Press(Action::Submit)) => {
            // The Token ID's format and check digit are checked here, before any lookup.
            let token_id = match TokenId::parse(&form.token_id) {
                Ok(token_id) => token_id,
                Err(e) => {
                    form.notice = Some(Notice::TokenId(e));
                    return Transition::to(Screen::Registration(Registration::Details(form)));
                }
            };
            if let Some(holder) = bank.holder_of(&token_id) {
                // The customer's own stopped token is told apart from another contract's.
                let own_stopped = *holder == form.contract_id
                    && bank
                        .customer(holder)
                        .is_some_and(|c| c.stopped_tokens().contains(&token_id));
                form.notice = Some(Notice::Error(if own_stopped {
                    Text::ErrTokenStoppedReregister
                } else {
                    Text::ErrTokenTaken
                }));
                return Transition::to(Screen::Registration(Registration::Details(form)));
            }
            let command = Command::ValidateCode {
                token_id: token_id.clone(),
                code: form.code.clone(),
            };
            Transition::with(
                Screen::Registration(Registration::Checking(form, token_id)),
                command,
            )
        }
        (Registration::Checking(mut form, token_id), Event::CodeChecked(Ok(_))) => {
            match bank.bind_token(&form.contract_id, &token_id) {
                Ok(()) => {
                    Transition::to(Screen::Registration(Registration::Done(form.contract_id)))
                }
                Err(_) => {
                    // Bound elsewhere while the code was out.
                    form.notice = Some(Notice::Error(Text::ErrTokenTaken));
                    Transition::to(Screen::Registration(Registration::Details(form)))
                }
            }
        }
        (Registration::Checking(mut form, _), Event::CodeChecked(Err(rejected))) => {
            let (notice, clear) = refusal(rejected);
            if clear {
                form.code.clear();
            }
            form.notice = Some(notice);
            Transition::to(Screen::Registration(Registration::Details(form)))
        }
        (Registration::Credentials(form), Event::Press(Action::BackToLogin)) => {
            back_to_login(&form.contract_id)
        }
        (Registration::Details(form), Event::Press(Action::BackToLogin)) => {
            back_to_login(form.contract_id.as_str())
        }
        (Registration::Done(contract_id), Event::Press(Action::BackToLogin)) => {
            back_to_login(contract_id.as_str())
        }
        (state, _) => Transition::ignored(Screen::Registration(state)),
    }
}

fn stop(bank: &mut Bank, state: Stop, event: Event) -> Transition {
    match (state, event) {
        (Stop::Credentials(form), Event::Press(Action::Submit)) => match authenticate(bank, form) {
            Err(form) => Transition::to(Screen::Stop(Stop::Credentials(form))),
            Ok(contract_id) => match bank.customer(&contract_id).and_then(|c| c.token()).cloned() {
                Some(token_id) => Transition::to(Screen::Stop(Stop::Code(CodeForm {
                    contract_id,
                    token_id,
                    code: String::new(),
                    notice: None,
                }))),
                None => Transition::to(Screen::Stop(Stop::Credentials(CredentialsForm {
                    contract_id: contract_id.as_str().to_string(),
                    password: Zeroizing::new(String::new()),
                    notice: Some(Notice::Error(Text::ErrNotRegistered)),
                }))),
            },
        },
        (Stop::Code(form), Event::Press(Action::Submit)) => {
            // One command: the token service stops the token only if this code is accepted,
            // so the customer's stop needs no staff session at a remote token service.
            let command = Command::StopWithCode {
                token_id: form.token_id.clone(),
                code: form.code.clone(),
                actor: format!("customer {}", form.contract_id),
                reason: CUSTOMER_STOP_REASON.to_string(),
            };
            Transition::with(Screen::Stop(Stop::Checking(form)), command)
        }
        (Stop::Checking(form), Event::CodeChecked(Ok(_))) => {
            let _ = bank.unbind_token(&form.contract_id);
            Transition::to(Screen::Stop(Stop::Done(form.contract_id)))
        }
        (Stop::Checking(mut form), Event::CodeChecked(Err(rejected))) => {
            if rejected == Rejected::Stopped {
                // Already stopped at the token service: only the bank's record was behind.
                let _ = bank.unbind_token(&form.contract_id);
            }
            let (notice, clear) = refusal(rejected);
            if clear {
                form.code.clear();
            }
            form.notice = Some(notice);
            Transition::to(Screen::Stop(Stop::Code(form)))
        }
        (Stop::Credentials(form), Event::Press(Action::BackToLogin)) => {
            back_to_login(&form.contract_id)
        }
        (Stop::Code(form), Event::Press(Action::BackToLogin)) => {
            back_to_login(form.contract_id.as_str())
        }
        (Stop::Done(contract_id), Event::Press(Action::BackToLogin)) => {
            back_to_login(contract_id.as_str())
        }
        (state, _) => Transition::ignored(Screen::Stop(state)),
    }
}

fn resync(bank: &mut Bank, state: Resync, event: Event) -> Transition {
    match (state, event) {
        (Resync::Credentials(form), Event::Press(Action::Submit)) => match authenticate(bank, form)
        {
            Err(form) => Transition::to(Screen::Resync(Resync::Credentials(form))),
            Ok(contract_id) => match bank.customer(&contract_id).and_then(|c| c.token()).cloned() {
                Some(token_id) => Transition::to(Screen::Resync(Resync::Codes(ResyncForm {
                    contract_id,
                    token_id,
                    first: String::new(),
                    second: String::new(),
                    notice: None,
                }))),
                None => Transition::to(Screen::Resync(Resync::Credentials(CredentialsForm {
                    contract_id: contract_id.as_str().to_string(),
                    password: Zeroizing::new(String::new()),
                    notice: Some(Notice::Error(Text::ErrNotRegistered)),
                }))),
            },
        },
        (Resync::Codes(form), Event::Press(Action::Submit)) => {
            let command = Command::Resync {
                token_id: form.token_id.clone(),
                first: form.first.clone(),
                second: form.second.clone(),
            };
            Transition::with(Screen::Resync(Resync::Checking(form)), command)
        }
        (Resync::Checking(form), Event::CodeChecked(Ok(_))) => {
            Transition::to(Screen::Resync(Resync::Done(form.contract_id)))
        }
        (Resync::Checking(mut form), Event::CodeChecked(Err(rejected))) => {
            let (notice, clear) = match refusal(rejected) {
                (Notice::Error(Text::ErrCodeMismatch), clear) => {
                    (Notice::Error(Text::ErrResyncMismatch), clear)
                }
                other => other,
            };
            if clear {
                form.first.clear();
                form.second.clear();
            }
            form.notice = Some(notice);
            Transition::to(Screen::Resync(Resync::Codes(form)))
        }
        (Resync::Credentials(form), Event::Press(Action::BackToLogin)) => {
            back_to_login(&form.contract_id)
        }
        (Resync::Codes(form), Event::Press(Action::BackToLogin)) => {
            back_to_login(form.contract_id.as_str())
        }
        (Resync::Done(contract_id), Event::Press(Action::BackToLogin)) => {
            back_to_login(contract_id.as_str())
        }
        (state, _) => Transition::ignored(Screen::Resync(state)),
    }
}

/// A staff record of `contract_id` read fresh from the bank for `staff`, keeping what they typed.
fn staff_record(
    bank: &Bank,
    staff: &StaffId,
    contract_id: &ContractId,
    previous: Option<StaffRecord>,
) -> Option<StaffRecord> {
    let customer = bank.customer(contract_id)?;
    let registered = customer.token().cloned();
    let token_id = registered
        .clone()
        .or_else(|| customer.stopped_tokens().last().cloned());
    let (reason, notice, record) = match previous {
        Some(p) => (
            p.reason,
            p.notice,
            p.record.filter(|r| Some(&r.token_id) == token_id.as_ref()),
        ),
        None => (String::new(), None, None),
    };
    Some(StaffRecord {
        staff: staff.clone(),
        contract_id: contract_id.clone(),
        registered: registered.is_some() && registered == token_id,
        token_id,
        record,
        password_failures: customer.password_failures(),
        password_locked: customer.password_locked(),
        reason,
        notice,
    })
}

/// Trims a staff input and checks it: present, short enough, no control characters.
fn staff_text(typed: &str, max: usize, empty: Text, too_long: Text) -> Result<String, Text> {
    let trimmed = typed.trim();
    if trimmed.is_empty() {
        Err(empty)
    } else if trimmed.chars().count() > max {
        Err(too_long)
    } else if trimmed.chars().any(char::is_control) {
        Err(Text::ErrControlCharacters)
    } else {
        Ok(trimmed.to_string())
    }
}

/// The staff sign-in again, saying why a staff action was refused.
pub(crate) fn sign_in_again(refusal: StaffRefusal) -> Transition {
    let key = match refusal {
        StaffRefusal::NotSignedIn => Text::ErrStaffSignInFirst,
        StaffRefusal::Expired => Text::ErrStaffExpired,
    };
    Transition::to(Screen::Staff(Staff::SignIn(StaffSignInForm::refused(
        Notice::Error(key),
    ))))
}

/// The staff sign-in's first half: fields present, then the password (counted by the bank).
fn staff_sign_in(bank: &mut Bank, mut form: StaffSignInForm) -> Transition {
    let checked = if form.code.trim().is_empty() {
        Err(SignInFailure::Empty)
    } else {
        bank.authenticate_staff(&form.staff_id, form.password())
    };
    match checked {
        Ok((staff_id, token_id)) => {
            let command = Command::SignInStaff {
                staff_id: staff_id.clone(),
                password: TypedPassword(form.password.clone()),
                token_id,
                code: form.code.clone(),
            };
            form.notice = None;
            Transition::with(Screen::Staff(Staff::SigningIn(form, staff_id)), command)
        }
        Err(SignInFailure::Empty) => {
            form.notice = Some(Notice::Error(Text::ErrStaffFieldsEmpty));
            Transition::to(Screen::Staff(Staff::SignIn(form)))
        }
        Err(SignInFailure::Invalid | SignInFailure::Locked) => {
            let staff_id = core::mem::take(&mut form.staff_id);
            Transition::to(Screen::Staff(Staff::SignIn(StaffSignInForm {
                staff_id,
                ..StaffSignInForm::refused(Notice::Error(Text::ErrStaffSignIn))
            })))
        }
    }
}

/// Fetches the record's token, or shows the record as it is when there is none.
fn refresh(record: StaffRecord) -> Transition {
    match record.token_id.clone() {
        Some(token_id) => Transition::with(
            Screen::Staff(Staff::Fetching(record)),
            Command::FetchToken { token_id },
        ),
        None => Transition::to(Screen::Staff(Staff::Record(record))),
    }
}

/// Whether `event` on `state` is a staff action, which needs a live staff session.
fn is_staff_action(state: &Staff, event: &Event) -> bool {
    matches!(
        (state, event),
        (Staff::Lookup { .. }, Event::Press(Action::Submit))
            | (
                Staff::Record(_),
                Event::Press(
                    Action::UnlockToken
                        | Action::StopToken
                        | Action::UnlockPassword
                        | Action::LookUpAnother
                )
            )
    )
}

fn staff(bank: &mut Bank, state: Staff, event: Event, now: u64) -> Transition {
    if is_staff_action(&state, &event) {
        // Every staff action asks the desk first; the session's staff ID is the actor.
        if let Err(refusal) = bank.staff_act(now) {
            return sign_in_again(refusal);
        }
    }
    match (state, event) {
        (_, Event::StaffSessionEnded) => {
            bank.sign_out_staff();
            Transition::to(Screen::Staff(Staff::SignIn(StaffSignInForm::refused(
                Notice::Error(Text::ErrStaffSessionEnded),
            ))))
        }
        (Staff::SignIn(form), Event::Press(Action::Submit)) => staff_sign_in(bank, form),
        (Staff::SigningIn(_, staff_id), Event::StaffSignedIn(Ok(()))) => {
            bank.begin_staff_session(StaffSession::start(staff_id.clone(), now));
            Transition::to(Screen::Staff(Staff::Lookup {
                staff: staff_id,
                contract_id: String::new(),
                notice: Some(Notice::Info(Text::StaffSignedIn)),
            }))
        }
        (Staff::SigningIn(form, _), Event::StaffSignedIn(Err(refused))) => {
            let notice = Notice::Error(match refused {
                StaffSignInRefused::Refused => Text::ErrStaffSignIn,
                StaffSignInRefused::Unavailable => Text::ErrService,
                StaffSignInRefused::NotSaved => Text::ErrNotSaved,
            });
            Transition::to(Screen::Staff(Staff::SignIn(StaffSignInForm {
                staff_id: form.staff_id.clone(),
                ..StaffSignInForm::refused(notice)
            })))
        }
        (Staff::SignIn(_), Event::Press(Action::BackToLogin)) => back_to_login(""),
        (Staff::Lookup { .. } | Staff::Record(_), Event::Press(Action::StaffSignOut)) => {
            bank.sign_out_staff();
            Transition::with(
                Screen::Login(Login::Credentials(CredentialsForm {
                    notice: Some(Notice::Info(Text::StaffSignedOut)),
                    ..CredentialsForm::default()
                })),
                Command::SignOutStaff,
            )
        }
        (
            Staff::Lookup {
                staff, contract_id, ..
            },
            Event::Press(Action::Submit),
        ) => {
            let found = ContractId::parse(&contract_id)
                .and_then(|id| staff_record(bank, &staff, &id, None));
            match found {
                Some(record) => refresh(record),
                None => Transition::to(Screen::Staff(Staff::Lookup {
                    staff,
                    contract_id,
                    notice: Some(Notice::Error(Text::ErrNoSuchContract)),
                })),
            }
        }
        (Staff::Fetching(mut record), Event::TokenFetched(fetched)) => {
            if record.token_id.as_ref() == Some(&fetched.token_id) {
                record.record = Some(*fetched);
            }
            Transition::to(Screen::Staff(Staff::Record(record)))
        }
        (Staff::Record(mut record), Event::Press(Action::UnlockToken)) => {
            let locked = record.token_state() == TokenState::Locked;
            let checked = match (&record.token_id, locked) {
                (Some(token_id), true) => Ok(Command::UnlockToken {
                    token_id: token_id.clone(),
                    actor: record.staff.actor(),
                }),
                _ => Err(Text::ErrNotLocked),
            };
            match checked {
                Ok(command) => {
                    record.notice = None;
                    Transition::with(Screen::Staff(Staff::Working(record)), command)
                }
                Err(key) => {
                    record.notice = Some(Notice::Error(key));
                    Transition::to(Screen::Staff(Staff::Record(record)))
                }
            }
        }
        (Staff::Record(mut record), Event::Press(Action::StopToken)) => {
            let checked = staff_text(
                &record.reason,
                MAX_REASON_CHARS,
                Text::ErrReasonEmpty,
                Text::ErrReasonTooLong,
            )
            .and_then(|reason| match (&record.token_id, record.registered) {
                (Some(token_id), true) => Ok(Command::StopToken {
                    token_id: token_id.clone(),
                    actor: record.staff.actor(),
                    reason,
                }),
                _ => Err(Text::ErrNoToken),
            });
            match checked {
                Ok(command) => {
                    record.notice = None;
                    Transition::with(Screen::Staff(Staff::Working(record)), command)
                }
                Err(key) => {
                    record.notice = Some(Notice::Error(key));
                    Transition::to(Screen::Staff(Staff::Record(record)))
                }
            }
        }
        (Staff::Record(mut record), Event::Press(Action::UnlockPassword)) => {
            let outcome = match bank.staff_act(now) {
                Err(refusal) => return sign_in_again(refusal),
                Ok(session) => match bank.unlock_password(&session, &record.contract_id) {
                    Ok(true) => Ok(Text::StaffPasswordUnlocked),
                    Ok(false) => Err(Text::ErrPasswordNotLocked),
                    Err(_) => Err(Text::ErrNoSuchContract),
                },
            };
            record.notice = Some(match outcome {
                Ok(key) => Notice::Info(key),
                Err(key) => Notice::Error(key),
            });
            let (staff, contract_id) = (record.staff.clone(), record.contract_id.clone());
            match staff_record(bank, &staff, &contract_id, Some(record)) {
                Some(record) => Transition::to(Screen::Staff(Staff::Record(record))),
                None => Transition::to(Screen::Staff(Staff::Lookup {
                    staff,
                    contract_id: contract_id.as_str().to_string(),
                    notice: Some(Notice::Error(Text::ErrNoSuchContract)),
                })),
            }
        }
        (Staff::Working(mut record), Event::TokenUnlocked(result)) => {
            record.notice = Some(match result {
                Ok(()) => Notice::Info(Text::StaffUnlocked),
                Err(e) => failed(&e),
            });
            refresh(record)
        }
        (Staff::Working(mut record), Event::TokenStopped(result)) => {
            match result {
                // A token the service no longer knows (its records were lost) or has already
                // stopped is released from the contract too, or the customer could never
                // log in again.
                Ok(()) | Err(ServiceError::UnknownToken { .. } | ServiceError::Stopped { .. }) => {
                    let _ = bank.unbind_token(&record.contract_id);
                    record.reason.clear();
                    record.notice = Some(Notice::Info(Text::StaffStopped));
                }
                Err(e) => record.notice = Some(failed(&e)),
            }
            let (staff, contract_id) = (record.staff.clone(), record.contract_id.clone());
            match staff_record(bank, &staff, &contract_id, Some(record)) {
                Some(record) => refresh(record),
                None => Transition::to(Screen::Staff(Staff::Lookup {
                    staff,
                    contract_id: contract_id.as_str().to_string(),
                    notice: Some(Notice::Error(Text::ErrNoSuchContract)),
                })),
            }
        }
        (Staff::Record(record), Event::Press(Action::LookUpAnother)) => {
            Transition::to(Screen::Staff(Staff::Lookup {
                contract_id: record.contract_id.as_str().to_string(),
                staff: record.staff,
                notice: None,
            }))
        }
        (Staff::Lookup { .. } | Staff::Record(_), Event::Press(Action::BackToLogin)) => {
            back_to_login("")
        }
        (state, _) => Transition::ignored(Screen::Staff(state)),
    }
}
