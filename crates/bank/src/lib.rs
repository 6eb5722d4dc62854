//! The bank: the relying party of the customer guide. It holds the customers (contract IDs,
//! salted password hashes, the registered Token ID) and runs the screens of its internet
//! banking as state machines: login with the one-time-password step, registration, stop,
//! resynchronisation and the staff page for a lost token.
//!
//! Nothing here calls the token service directly. A [`transition`] takes the current
//! [`Screen`] and an [`Event`] and returns the next screen plus [`Command`]s (validate this
//! code, stop that token, save the bank); the answer to a command comes back as another event.
//! That lets the page validate in-process or over HTTP alike. [`drive`] is the synchronous
//! driver that runs the commands against an in-process
//! [`TokenService`](webtoken_token_service::TokenService).
//!
//! ```
//! use webtoken_bank::{Action, Bank, Event, Field, Lang, Screen, drive};
//! use webtoken_token_service::{MemoryStore, Policy, TokenService};
//!
//! use webtoken_engine::random::OsRandom;
//!
//! let mut bank = Bank::demo_with_iterations(1_000, &mut OsRandom).expect("random salts");
//! let service = TokenService::new(MemoryStore::default(), Policy::default());
//! let now = 1_700_000_000;
//! let mut screen = Screen::default();
//! for event in [
//!     Event::Edit(Field::ContractId, "1000000001".into()),
//!     Event::Edit(Field::Password, "demo-Pass1".into()),
//!     Event::Press(Action::Submit),
//! ] {
//!     screen = drive(&mut bank, &service, screen, event, now).screen;
//! }
//! // No token is registered yet, so the password alone signs in.
//! assert!(matches!(screen, Screen::SignedIn { .. }));
//! assert_eq!(screen.view(Lang::Ja).buttons[0].label, "ログアウト");
//! ```

use core::fmt;

use serde::{Deserialize, Serialize};

use webtoken_engine::random::Random;
use webtoken_engine::token_id::TokenId;

mod driver;
mod failures;
mod flow;
pub mod lab;
pub mod password;
mod persist;
/// The reset of the demo data: asked first, never while a screen awaits an answer.
pub mod remote;
pub mod reset;
pub mod section;
pub mod staff;
pub mod text;
pub mod tour;
mod view;

#[cfg(test)]
mod tests;

pub use driver::{
    Driven, changes_records, drive, execute, execute_in_page, execute_mut, not_saved,
    unsaved_answer,
};
pub use failures::MAX_UNKNOWN_IDS;
pub use flow::{
    Action, CUSTOMER_STOP_REASON, CodeForm, Command, CredentialsForm, DetailsForm, Event, Field,
    Login, MAX_REASON_CHARS, Notice, Registration, Resync, ResyncForm, Screen, Staff, StaffRecord,
    StaffSignInForm, StaffSignInRefused, Stop, TokenRecord, TokenState, Transition, TypedPassword,
    transition,
};
pub use password::{DEFAULT_ITERATIONS, LEGACY_ITERATIONS, PasswordHash};
pub use text::{CONTACT_PHONE, Lang, Text, text};
pub use view::{
    AuditLine, ButtonView, Crumb, FieldView, InputKind, Row, View, audit_line, chain_message,
    format_jst,
};

/// Consecutive wrong passwords after which a contract's password is locked (an unknown
/// contract ID answers "locked" after as many, so the answer does not tell whether it exists).
pub const MAX_PASSWORD_FAILURES: u32 = 5;

/// The demo customers seeded by [`Bank::demo`]: contract ID and password (listed in the README).
///
/// None has a token registered; the demo starts at the guide's step 2 (利用登録).
pub const DEMO_CUSTOMERS: &[(&str, &str)] = &[
    ("1000000001", "demo-Pass1"),
    ("1000000002", "demo-Pass2"),
    ("1000000003", "demo-Pass3"),
];

/// The demo customers' password hashes at [`DEFAULT_ITERATIONS`], worked out ahead of time so
/// that a first visit does not spend most of a second hashing three published passwords: contract
/// ID, salt and PBKDF2-HMAC-SHA256 hash, in hex. Each salt is the first 16 bytes of
/// SHA-256(`"webtoken demo customer " + contract ID`), fixed because the passwords are public
/// anyway; every other password gets a random salt. A test recomputes all three.
const DEMO_PASSWORD_HASHES: [(&str, &str, &str); 3] = [
    (
        "1000000001",
        "845e82a515be1686ce95836e934dff2f",
        "0a14c0075c43499f7a0ef8f268ac89607afccbbce38ed8c484852116002a4ec9",
    ),
    (
        "1000000002",
        "76995e189dc34dc0aaf50a5f7cd0f869",
        "257a12c60608a31f1b84b17dc571cd940ed04b6dd01c2c60c2f2e570cd2ed701",
    ),
    (
        "1000000003",
        "7a265d9769de3424757caf2fb329503c",
        "bb1d987267db09154f7a4fcab3f67fbfda7f4facec9b50bb44401bacc4ecef6b",
    ),
];

/// Number of digits in a contract ID (契約者ID).
pub const CONTRACT_ID_DIGITS: usize = 10;

/// A contract ID (契約者ID, 利用者番号): ten ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContractId(String);

impl ContractId {
    /// Reads a typed contract ID: surrounding spaces are ignored and full-width digits are
    /// accepted; anything but ten digits is `None`.
    pub fn parse(typed: &str) -> Option<Self> {
        let digits: String = typed
            .trim_matches(|c: char| c.is_whitespace())
            .chars()
            .map(|c| match c {
                '\u{ff10}'..='\u{ff19}' => char::from_digit(u32::from(c) - 0xff10, 10).unwrap_or(c),
                other => other,
            })
            .collect();
        (digits.len() == CONTRACT_ID_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()))
            .then_some(Self(digits))
    }

    /// The ten digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContractId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ContractId {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).ok_or_else(|| format!("{value:?} is not a ten-digit contract ID"))
    }
}

impl From<ContractId> for String {
    fn from(value: ContractId) -> Self {
        value.0
    }
}

impl webtoken_engine::json::ToJson for ContractId {
    fn write_json(&self, out: &mut webtoken_engine::json::Out) {
        webtoken_engine::json::write_str(out, &self.0);
    }
}

impl webtoken_engine::json::FromJson for ContractId {
    fn from_json(
        value: &webtoken_engine::json::Value,
    ) -> Result<Self, webtoken_engine::json::JsonError> {
        Self::try_from(value.as_str()?.to_owned()).map_err(webtoken_engine::json::JsonError::new)
    }
}

/// One customer of the bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    contract_id: ContractId,
    password: PasswordHash,
    #[serde(default)]
    password_failures: u32,
    #[serde(default)]
    token: Option<TokenId>,
    /// Tokens this contract used before and stopped; kept so that a Token ID stays bound to
    /// one contract for good and the staff page can show the trail of a stopped token.
    #[serde(default)]
    stopped_tokens: Vec<TokenId>,
}

impl Customer {
    /// The contract ID.
    pub fn contract_id(&self) -> &ContractId {
        &self.contract_id
    }

    /// Consecutive wrong passwords since the last correct one (or staff unlock).
    pub fn password_failures(&self) -> u32 {
        self.password_failures
    }

    /// Whether the password is locked ([`MAX_PASSWORD_FAILURES`] reached): only staff can unlock.
    pub fn password_locked(&self) -> bool {
        self.password_failures >= MAX_PASSWORD_FAILURES
    }

    /// The registered token, whose code login asks for; `None` means password-only login.
    pub fn token(&self) -> Option<&TokenId> {
        self.token.as_ref()
    }

    /// Tokens this contract registered and then stopped, oldest first.
    pub fn stopped_tokens(&self) -> &[TokenId] {
        &self.stopped_tokens
    }
}

impl webtoken_engine::json::ToJson for Customer {
    fn write_json(&self, out: &mut webtoken_engine::json::Out) {
        webtoken_engine::json::object(out, |o| {
            o.field("contract_id", &self.contract_id)
                .field("password", &self.password)
                .field("password_failures", &self.password_failures)
                .field("token", &self.token)
                .field("stopped_tokens", &self.stopped_tokens);
        });
    }
}

impl webtoken_engine::json::FromJson for Customer {
    fn from_json(
        value: &webtoken_engine::json::Value,
    ) -> Result<Self, webtoken_engine::json::JsonError> {
        let f = value.fields()?;
        Ok(Customer {
            contract_id: f.get("contract_id")?,
            password: f.get("password")?,
            password_failures: f.get_or_default("password_failures")?,
            token: f.get_or_default("token")?,
            stopped_tokens: f.get_or_default("stopped_tokens")?,
        })
    }
}

/// Why a password check failed. Unknown contract IDs answer as real ones do (wrong password,
/// then locked after [`MAX_PASSWORD_FAILURES`]), so the screens cannot tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// The contract ID field is empty.
    ContractIdEmpty,
    /// The password field is empty.
    PasswordEmpty,
    /// No such contract, or the wrong password.
    Invalid,
    /// The password is locked after too many failures (or, for no such contract, as many
    /// failures); the customer must call the bank.
    Locked,
}

/// What can go wrong in the bank's own bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BankError {
    /// The system's random generator gave no salt.
    Random,
    /// A password hash iteration count outside `1..=MAX_ITERATIONS`.
    Iterations(u32),
    /// Not a ten-digit contract ID.
    InvalidContractId(String),
    /// A contract with this ID already exists.
    DuplicateContract(ContractId),
    /// No contract has this ID.
    UnknownContract(ContractId),
    /// The Token ID is already bound to a contract.
    TokenTaken(TokenId),
    /// The contract already has a registered token.
    AlreadyRegistered(ContractId),
    /// Not a staff ID (2 to 16 letters and digits).
    InvalidStaffId(String),
    /// A staff member with this ID already exists.
    DuplicateStaff(staff::StaffId),
}

impl fmt::Display for BankError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Random => f.write_str("the system's random generator is unavailable"),
            Self::Iterations(n) => write!(
                f,
                "{n} is not a usable PBKDF2 iteration count (1 to {})",
                password::MAX_ITERATIONS
            ),
            Self::InvalidContractId(typed) => {
                write!(f, "{typed:?} is not a contract ID: it has ten digits")
            }
            Self::DuplicateContract(id) => write!(f, "contract {id} exists already"),
            Self::UnknownContract(id) => write!(f, "no contract has the ID {id}"),
            Self::TokenTaken(token) => {
                write!(
                    f,
                    "Token ID {} is bound to a contract already",
                    token.as_str()
                )
            }
            Self::AlreadyRegistered(id) => {
                write!(f, "contract {id} has a token registered already")
            }
            Self::InvalidStaffId(typed) => {
                write!(f, "{typed:?} is not a staff ID: 2 to 16 letters and digits")
            }
            Self::DuplicateStaff(id) => write!(f, "staff member {id} exists already"),
        }
    }
}

impl std::error::Error for BankError {}

/// The bank's whole state: its customers. Serialisable, so the browser shell keeps it as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "BankRecord", into = "BankRecord")]
pub struct Bank {
    customers: Vec<Customer>,
    /// PBKDF2 iterations for new password hashes; older hashes are raised to it on sign-in.
    iterations: u32,
    /// Wrong passwords for contract IDs that have no contract, counted as real ones are.
    unknown_failures: failures::UnknownFailures,
    /// The staff accounts (their password failures are kept with the bank).
    staff: staff::Directory,
    /// Who is signed in at this page's staff desk: in memory only, never stored.
    desk: staff::Desk,
    /// Bumped by every change, so [`transition`] knows when to ask for a save.
    revision: u64,
    /// Stored customers that cannot be read, kept to be written back until staff remove them.
    unreadable: Vec<UnreadableCustomer>,
}

/// A stored customer that cannot be read (damaged, or clashing with another over a contract
/// ID or a token): one bad entry costs one customer, not the bank. It is written back as
/// stored; its contract ID, when that can be read, cannot be given to a new customer; staff
/// see it ([`Bank::unreadable`]) and remove it ([`Bank::remove_unreadable`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableCustomer {
    /// Its contract ID as stored, when that can be read.
    pub contract_id: Option<String>,
    /// The entry as stored, and what is wrong with it.
    pub kept: webtoken_engine::json::Kept,
}

impl UnreadableCustomer {
    fn new(kept: webtoken_engine::json::Kept) -> Self {
        Self {
            contract_id: kept.member("contract_id"),
            kept,
        }
    }
}

impl PartialEq for Bank {
    /// Same customers, staff and iteration count; the in-memory revision counter and staff
    /// desk are not compared.
    fn eq(&self, other: &Self) -> bool {
        self.customers == other.customers
            && self.iterations == other.iterations
            && self.unknown_failures == other.unknown_failures
            && self.staff == other.staff
            && self.unreadable == other.unreadable
    }
}

impl Eq for Bank {}

/// The serialised form of [`Bank`], checked on the way in.
#[derive(Serialize, Deserialize)]
struct BankRecord {
    iterations: u32,
    customers: Vec<Customer>,
    /// Absent in records made before unknown IDs were counted, and while none failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    unknown_failures: Vec<failures::UnknownFailure>,
    /// Absent in records made before staff signed in: the demo staff are seeded then.
    #[serde(default)]
    staff: staff::Directory,
}

impl From<Bank> for BankRecord {
    fn from(value: Bank) -> Self {
        Self {
            iterations: value.iterations,
            unknown_failures: value.unknown_failures.entries().to_vec(),
            customers: value.customers,
            staff: value.staff,
        }
    }
}

impl TryFrom<BankRecord> for Bank {
    type Error = BankError;

    /// serde's reading (the native test oracle): a clash between customers refuses the bank.
    fn try_from(value: BankRecord) -> Result<Self, Self::Error> {
        Bank::from_record(value, None)
    }
}

impl Bank {
    /// The bank of `value`; a customer clashing with an earlier one (a contract ID or token
    /// held twice) is kept in `unreadable` when given, and refuses the bank otherwise.
    fn from_record(
        value: BankRecord,
        mut unreadable: Option<&mut Vec<UnreadableCustomer>>,
    ) -> Result<Self, BankError> {
        // A bank stored at the old default moves to the new one; its customers' hashes follow
        // on their next good sign-in. Other counts (the tests' small ones) stay as stored.
        let iterations = match value.iterations {
            LEGACY_ITERATIONS => DEFAULT_ITERATIONS,
            other => other,
        };
        let mut bank = Bank::new(iterations)?;
        for customer in value.customers {
            let clash = if bank.customer(&customer.contract_id).is_some() {
                Some(BankError::DuplicateContract(customer.contract_id.clone()))
            } else {
                (customer.token.iter().chain(&customer.stopped_tokens))
                    .find(|token| bank.holder_of(token).is_some())
                    .map(|token| BankError::TokenTaken(token.clone()))
            };
            match (clash, unreadable.as_deref_mut()) {
                (None, _) => bank.customers.push(customer),
                (Some(why), Some(kept)) => kept.push(UnreadableCustomer::new(
                    webtoken_engine::json::Kept::new(&customer, why),
                )),
                (Some(why), None) => return Err(why),
            }
        }
        // Without staff nobody could sign in to reset the demo: seed the demo staff.
        bank.staff = if value.staff.is_empty() {
            staff::Directory::demo()
        } else {
            value.staff
        };
        bank.unknown_failures =
            failures::UnknownFailures::from_stored(value.unknown_failures, |id| {
                bank.customers.iter().any(|c| &c.contract_id == id)
            });
        Ok(bank)
    }
}

impl webtoken_engine::json::ToJson for Bank {
    /// As its serde form (`BankRecord`): iterations, customers, then any unknown IDs' failures.
    fn write_json(&self, out: &mut webtoken_engine::json::Out) {
        webtoken_engine::json::object(out, |o| {
            o.field("iterations", &self.iterations)
                .field("customers", &Customers(self));
            let unknown = self.unknown_failures.entries();
            if !unknown.is_empty() {
                o.field("unknown_failures", unknown);
            }
            o.field("staff", self.staff.members());
        });
    }
}

impl webtoken_engine::json::FromJson for Bank {
    /// Checked as its serde form is on the way in, but customer by customer: one that cannot
    /// be read, or clashes with an earlier one, is kept as stored ([`UnreadableCustomer`]).
    fn from_json(
        value: &webtoken_engine::json::Value,
    ) -> Result<Self, webtoken_engine::json::JsonError> {
        let f = value.fields()?;
        let customers: webtoken_engine::json::Entries<Customer> = f.get("customers")?;
        let record = BankRecord {
            iterations: f.get("iterations")?,
            customers: customers.read,
            unknown_failures: f.get_or_default("unknown_failures")?,
            staff: staff::Directory::from_members(f.get_or_default("staff")?),
        };
        let mut unreadable: Vec<_> = customers
            .kept
            .into_iter()
            .map(UnreadableCustomer::new)
            .collect();
        let mut bank = Bank::from_record(record, Some(&mut unreadable))
            .map_err(|e| webtoken_engine::json::JsonError::new(e.to_string()))?;
        bank.unreadable = unreadable;
        Ok(bank)
    }
}

/// The stored `customers`: the readable ones, then the unreadable ones as stored.
struct Customers<'a>(&'a Bank);

impl webtoken_engine::json::ToJson for Customers<'_> {
    fn write_json(&self, out: &mut webtoken_engine::json::Out) {
        let kept = self.0.unreadable.iter().map(|u| &u.kept);
        webtoken_engine::json::write_entries(out, &self.0.customers, kept);
    }
}

impl Bank {
    /// An empty bank that hashes new passwords with `iterations` rounds of PBKDF2.
    pub fn new(iterations: u32) -> Result<Self, BankError> {
        if !(1..=password::MAX_ITERATIONS).contains(&iterations) {
            return Err(BankError::Iterations(iterations));
        }
        Ok(Self {
            customers: Vec::new(),
            iterations,
            unknown_failures: failures::UnknownFailures::default(),
            staff: staff::Directory::default(),
            desk: staff::Desk::default(),
            revision: 0,
            unreadable: Vec::new(),
        })
    }

    /// The demo bank: [`DEMO_CUSTOMERS`] with their passwords hashed at [`DEFAULT_ITERATIONS`]
    /// (the hashes were worked out ahead of time: no hashing happens here).
    pub fn demo() -> Result<Self, BankError> {
        let mut bank = Self::new(DEFAULT_ITERATIONS)?;
        bank.staff = staff::Directory::demo();
        for (contract_id, salt, hash) in DEMO_PASSWORD_HASHES {
            let password = PasswordHash::from_hex_parts(DEFAULT_ITERATIONS, salt, hash)
                .expect("the demo hashes are well-formed hex (a test reads and recomputes them)");
            bank.add_customer_hashed(contract_id, password)?;
        }
        Ok(bank)
    }

    /// The demo customers hashed with another iteration count (tests use a small one), salted
    /// from `random`.
    pub fn demo_with_iterations(
        iterations: u32,
        random: &mut (impl Random + ?Sized),
    ) -> Result<Self, BankError> {
        let mut bank = Self::new(iterations)?;
        for (contract_id, password) in DEMO_CUSTOMERS {
            bank.add_customer(contract_id, password, random)?;
        }
        let (staff_id, password) = staff::DEMO_STAFF;
        let password = PasswordHash::new(password, iterations, random)?;
        bank.staff
            .add(staff_id, password, staff::demo_staff_token())?;
        Ok(bank)
    }

    /// Adds a customer with no token; the password is stored only as a hash, salted from
    /// `random` ([`OsRandom`](webtoken_engine::random::OsRandom) outside tests).
    pub fn add_customer(
        &mut self,
        contract_id: &str,
        password: &str,
        random: &mut (impl Random + ?Sized),
    ) -> Result<(), BankError> {
        let password = PasswordHash::new(password, self.iterations, random)?;
        self.add_customer_hashed(contract_id, password)
    }

    /// Adds a customer with no token whose password hash is already made.
    fn add_customer_hashed(
        &mut self,
        contract_id: &str,
        password: PasswordHash,
    ) -> Result<(), BankError> {
        let id = ContractId::parse(contract_id)
            .ok_or_else(|| BankError::InvalidContractId(contract_id.to_string()))?;
        let kept = (self.unreadable.iter()).any(|u| u.contract_id.as_deref() == Some(id.as_str()));
        if self.customer(&id).is_some() || kept {
            return Err(BankError::DuplicateContract(id));
        }
        self.customers.push(Customer {
            contract_id: id,
            password,
            password_failures: 0,
            token: None,
            stopped_tokens: Vec::new(),
        });
        self.touch();
        Ok(())
    }

    /// The customer with this contract ID.
    pub fn customer(&self, contract_id: &ContractId) -> Option<&Customer> {
        self.customers
            .iter()
            .find(|c| &c.contract_id == contract_id)
    }

    /// All customers, in the order they were added.
    pub fn customers(&self) -> &[Customer] {
        &self.customers
    }

    /// The stored customers that cannot be read, for staff (see [`UnreadableCustomer`]).
    pub fn unreadable(&self) -> &[UnreadableCustomer] {
        &self.unreadable
    }

    /// Removes the unreadable stored customer at `index` of [`Bank::unreadable`]: a staff
    /// decision (`session`), after which its contract ID is free again.
    pub fn remove_unreadable(
        &mut self,
        _session: &staff::StaffSession,
        index: usize,
    ) -> Option<UnreadableCustomer> {
        if index >= self.unreadable.len() {
            return None;
        }
        self.touch();
        Some(self.unreadable.remove(index))
    }

    /// A counter that changes whenever the bank does; compare two readings to know whether
    /// to save. Not serialised.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Checks a typed contract ID and password (case-sensitive).
    ///
    /// A wrong password counts a failure; the [`MAX_PASSWORD_FAILURES`]th locks the password,
    /// and a locked password fails even when right. A correct password clears the count, and
    /// re-hashes a hash made with fewer iterations than the bank's (the revision changes, so
    /// [`transition`] asks for a save).
    ///
    /// Whether a contract ID exists shows neither in the answer nor in its time: an unknown
    /// (well-formed) ID counts failures and locks as a real one does, and every path with both
    /// fields filled spends one PBKDF2 check: against a dummy hash at the bank's count for an
    /// unknown ID, against the real hash even when the password is locked (topped up to the
    /// bank's count when that hash is older).
    pub fn authenticate(
        &mut self,
        contract_id: &str,
        password: &str,
    ) -> Result<ContractId, AuthFailure> {
        if contract_id.trim().is_empty() {
            return Err(AuthFailure::ContractIdEmpty);
        }
        if password.is_empty() {
            return Err(AuthFailure::PasswordEmpty);
        }
        let id = ContractId::parse(contract_id);
        let index = id
            .as_ref()
            .and_then(|id| self.customers.iter().position(|c| &c.contract_id == id));
        let Some(index) = index else {
            // black_box: the check's only use is its time, which must not be optimised away.
            core::hint::black_box(PasswordHash::dummy(self.iterations).verify(password));
            // An ID that is not ten digits cannot be a contract; counting it would only let
            // junk push real entries out of the bounded list.
            let Some(id) = id else {
                return Err(AuthFailure::Invalid);
            };
            if self.unknown_failures.count(&id) >= MAX_PASSWORD_FAILURES {
                return Err(AuthFailure::Locked);
            }
            let failures = self.unknown_failures.record(&id);
            self.touch();
            return Err(if failures >= MAX_PASSWORD_FAILURES {
                AuthFailure::Locked
            } else {
                AuthFailure::Invalid
            });
        };
        let target = self.iterations;
        let customer = &mut self.customers[index];
        // Checked even when locked, so that a locked answer takes as long as any other.
        let matches = customer.password.verify(password);
        let shortfall = target.saturating_sub(customer.password.iterations());
        if shortfall > 0 && (!matches || customer.password_locked()) {
            // A hash from an older, smaller count fails as slowly as one at the bank's count
            // (the unknown IDs' dummy), so its speed does not single it out as real.
            core::hint::black_box(PasswordHash::dummy(shortfall).verify(password));
        }
        if customer.password_locked() {
            return Err(AuthFailure::Locked);
        }
        if matches {
            let id = customer.contract_id.clone();
            let mut changed = core::mem::take(&mut customer.password_failures) != 0;
            if customer.password.iterations() < target {
                // Cannot fail: `target` passed `Bank::new`'s range check. Should it, the old
                // hash stays and still verifies.
                if let Ok(upgraded) = customer.password.rehashed(password, target) {
                    customer.password = upgraded;
                    changed = true;
                }
            }
            if changed {
                self.touch();
            }
            return Ok(id);
        }
        customer.password_failures = customer.password_failures.saturating_add(1);
        let locked = customer.password_locked();
        self.touch();
        Err(if locked {
            AuthFailure::Locked
        } else {
            AuthFailure::Invalid
        })
    }

    /// The contract a Token ID is bound to, now or in the past (a stopped token stays bound).
    pub fn holder_of(&self, token: &TokenId) -> Option<&ContractId> {
        self.customers
            .iter()
            .find(|c| c.token.as_ref() == Some(token) || c.stopped_tokens.contains(token))
            .map(|c| &c.contract_id)
    }

    /// Registers `token` for `contract_id`: from the next login on, its code is required.
    pub fn bind_token(
        &mut self,
        contract_id: &ContractId,
        token: &TokenId,
    ) -> Result<(), BankError> {
        if self.holder_of(token).is_some() {
            return Err(BankError::TokenTaken(token.clone()));
        }
        let customer = self.customer_mut(contract_id)?;
        if customer.token.is_some() {
            return Err(BankError::AlreadyRegistered(contract_id.clone()));
        }
        customer.token = Some(token.clone());
        self.touch();
        Ok(())
    }

    /// Ends the registration of `contract_id`'s token after the token service stopped it;
    /// login asks no code afterwards. Returns the token that was registered, if any.
    pub fn unbind_token(&mut self, contract_id: &ContractId) -> Result<Option<TokenId>, BankError> {
        let customer = self.customer_mut(contract_id)?;
        let token = customer.token.take();
        if let Some(token) = &token {
            customer.stopped_tokens.push(token.clone());
            self.touch();
        }
        Ok(token)
    }

    /// Clears the password failures of a locked `contract_id` (a signed-in staff member,
    /// after checking the customer's identity). Returns whether the password was locked; an
    /// unlocked password keeps its failure count, so that unlocking cannot be used to guess
    /// without limit.
    pub fn unlock_password(
        &mut self,
        _session: &staff::StaffSession,
        contract_id: &ContractId,
    ) -> Result<bool, BankError> {
        let customer = self.customer_mut(contract_id)?;
        let was_locked = customer.password_locked();
        if was_locked {
            customer.password_failures = 0;
            self.touch();
        }
        Ok(was_locked)
    }

    /// The staff accounts.
    pub fn staff(&self) -> &staff::Directory {
        &self.staff
    }

    /// Checks a staff member's ID and password ([`staff::Directory::authenticate`] at the
    /// bank's iteration count): their ID and the token whose code must follow.
    pub fn authenticate_staff(
        &mut self,
        staff_id: &str,
        password: &str,
    ) -> Result<(staff::StaffId, TokenId), staff::SignInFailure> {
        let mut changed = false;
        let result = self
            .staff
            .authenticate(staff_id, password, self.iterations, &mut changed);
        if changed {
            self.touch();
        }
        result
    }

    /// The signed-in staff member at `now`, if any (not counted as an action).
    pub fn staff_session(&mut self, now: u64) -> Option<&staff::StaffSession> {
        self.desk.session(now)
    }

    /// A staff action at `now`: the live session (its idle time restarted), or why not.
    pub fn staff_act(&mut self, now: u64) -> Result<staff::StaffSession, staff::StaffRefusal> {
        self.desk.act(now).cloned()
    }

    /// Starts a staff session (after the sign-in's password and code were both accepted).
    pub(crate) fn begin_staff_session(&mut self, session: staff::StaffSession) {
        self.desk.begin(session);
    }

    /// Signs the staff member out; the session that ended, if any.
    pub fn sign_out_staff(&mut self) -> Option<staff::StaffSession> {
        self.desk.sign_out()
    }

    /// Replaces the customers and staff with the demo ones (a signed-in staff member's
    /// demo reset); the staff desk stays as it is.
    pub fn reset_demo(&mut self, _session: &staff::StaffSession) -> Result<(), BankError> {
        let mut fresh = Self::demo()?;
        fresh.desk = core::mem::take(&mut self.desk);
        fresh.revision = self.revision.wrapping_add(1);
        *self = fresh;
        Ok(())
    }

    /// Takes another copy's staff desk (the bank was read again from storage): the session
    /// belongs to the page, not to the stored record.
    pub fn keep_desk_of(&mut self, other: &mut Bank) {
        self.desk = core::mem::take(&mut other.desk);
    }

    fn customer_mut(&mut self, contract_id: &ContractId) -> Result<&mut Customer, BankError> {
        self.customers
            .iter_mut()
            .find(|c| &c.contract_id == contract_id)
            .ok_or_else(|| BankError::UnknownContract(contract_id.clone()))
    }

    fn touch(&mut self) {
        self.revision = self.revision.wrapping_add(1);
    }
}
