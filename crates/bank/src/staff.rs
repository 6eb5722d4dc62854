//! Staff accounts, the staff sign-in's checks and the staff session.
//!
//! A staff member signs in with a staff ID, a password and a one-time password from their
//! own token, validated by the same token service as the customers' codes (its replay and
//! lockout rules apply). The password is checked by [`Directory::authenticate`], the code by
//! the token service; together they make a [`StaffSession`], which lives in memory only
//! ([`Desk`]): it ends on sign-out, after [`IDLE_LIMIT`] seconds without a staff action, and
//! with the page. Every staff action asks the desk first ([`Desk::act`]) and is refused
//! without a live session; the audit records the session's staff ID, never a typed name.
//!
//! ```
//! use webtoken_bank::staff::{Desk, IDLE_LIMIT, StaffId, StaffRefusal, StaffSession};
//!
//! let mut desk = Desk::default();
//! assert_eq!(desk.act(100).err(), Some(StaffRefusal::NotSignedIn));
//! let id = StaffId::parse("S0001").expect("a staff ID");
//! desk.begin(StaffSession::start(id, 100));
//! assert!(desk.act(100 + IDLE_LIMIT - 1).is_ok());
//! assert_eq!(desk.act(100 + 2 * IDLE_LIMIT).err(), Some(StaffRefusal::Expired));
//! ```

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::password::{DEFAULT_ITERATIONS, PasswordHash};
use crate::{BankError, MAX_PASSWORD_FAILURES};
use webtoken_engine::token_id::TokenId;
use webtoken_engine::{Params, Secret};
use webtoken_token_service::{CredentialStore, TOKEN_MODEL, TokenService};

/// Seconds without a staff action after which a staff session ends (15 minutes).
pub const IDLE_LIMIT: u64 = 15 * 60;

/// Longest staff ID, in characters.
pub const MAX_STAFF_ID_CHARS: usize = 16;

/// The demo staff member seeded by [`Directory::demo`]: staff ID and password (in the README).
pub const DEMO_STAFF: (&str, &str) = ("S0001", "demo-Staff1");

/// The label of the demo staff member's token in the first visit's token list.
pub const DEMO_STAFF_TOKEN_LABEL: &str = "デモ職員 / demo staff";

/// The demo staff member's token secret, published with the demo (Base32 of
/// `webtoken-demo-staff1`): a real bank enrols each staff token at the counter, never one
/// known to all. Both the in-page token service and the server know it, so the demo token
/// signs in either way.
pub const DEMO_STAFF_SECRET: &str = "O5SWE5DPNNSW4LLEMVWW6LLTORQWMZRR";

/// The serial of the demo staff member's Token ID (model [`TOKEN_MODEL`]).
const DEMO_STAFF_SERIAL: u32 = 9_999_001;

/// The demo staff member's password hash at [`DEFAULT_ITERATIONS`], worked out ahead of time
/// as the demo customers' are: salt (the first 16 bytes of SHA-256(`"webtoken demo staff " +
/// staff ID`)) and hash, in hex. A test recomputes it.
const DEMO_STAFF_HASH: (&str, &str) = (
    "5e1c335dafe022564a32abb79f4ad496",
    "a0495370e945195e088ea4e114591d99a9f844fc68f71866dfe63376186957bd",
);

/// The demo staff member's Token ID.
pub fn demo_staff_token() -> TokenId {
    TokenId::generate(TOKEN_MODEL, DEMO_STAFF_SERIAL)
        .expect("the model has four letters and the serial is in range (a test builds it)")
}

/// The demo staff member's token secret.
pub fn demo_staff_secret() -> Secret {
    Secret::from_base32(DEMO_STAFF_SECRET).expect("a 160-bit Base32 constant (a test reads it)")
}

/// Gives `service` the demo staff member's credential if it has none yet (a first visit, a
/// fresh server). Any other failure is the service's to report when the code is checked.
pub fn provision_demo_staff<S: CredentialStore>(service: &TokenService<S>, now: u64) {
    let token = demo_staff_token();
    if service.state(&token).is_none() {
        let _ = service.provision(token, demo_staff_secret(), Params::default(), now);
    }
}

/// A staff ID: 2 to [`MAX_STAFF_ID_CHARS`] ASCII letters and digits, read in capitals.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StaffId(String);

impl StaffId {
    /// Reads a typed staff ID: surrounding spaces are ignored, letters are read in capitals.
    pub fn parse(typed: &str) -> Option<Self> {
        let id = typed.trim().to_ascii_uppercase();
        (id.len() >= 2
            && id.len() <= MAX_STAFF_ID_CHARS
            && id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(Self(id))
    }

    /// The ID.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Who acted, as the token service's audit trail records it.
    pub fn actor(&self) -> String {
        format!("staff {}", self.0)
    }
}

impl fmt::Display for StaffId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for StaffId {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).ok_or_else(|| format!("{value:?} is not a staff ID"))
    }
}

impl From<StaffId> for String {
    fn from(value: StaffId) -> Self {
        value.0
    }
}

impl webtoken_engine::json::ToJson for StaffId {
    fn write_json(&self, out: &mut webtoken_engine::json::Out) {
        webtoken_engine::json::write_str(out, &self.0);
    }
}

impl webtoken_engine::json::FromJson for StaffId {
    fn from_json(
        value: &webtoken_engine::json::Value,
    ) -> Result<Self, webtoken_engine::json::JsonError> {
        Self::try_from(value.as_str()?.to_owned()).map_err(webtoken_engine::json::JsonError::new)
    }
}

/// One staff member: ID, password hash, wrong passwords in a row, and their token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    staff_id: StaffId,
    pub(crate) password: PasswordHash,
    #[serde(default)]
    password_failures: u32,
    token: TokenId,
}

impl StaffMember {
    /// The staff ID.
    pub fn staff_id(&self) -> &StaffId {
        &self.staff_id
    }

    /// The staff member's own token, whose code signs them in.
    pub fn token(&self) -> &TokenId {
        &self.token
    }

    /// Consecutive wrong passwords.
    pub fn password_failures(&self) -> u32 {
        self.password_failures
    }

    /// Whether the password is locked ([`MAX_PASSWORD_FAILURES`] wrong in a row).
    pub fn locked(&self) -> bool {
        self.password_failures >= MAX_PASSWORD_FAILURES
    }
}

impl webtoken_engine::json::ToJson for StaffMember {
    fn write_json(&self, out: &mut webtoken_engine::json::Out) {
        webtoken_engine::json::object(out, |o| {
            o.field("staff_id", &self.staff_id)
                .field("password", &self.password)
                .field("password_failures", &self.password_failures)
                .field("token", &self.token);
        });
    }
}

impl webtoken_engine::json::FromJson for StaffMember {
    fn from_json(
        value: &webtoken_engine::json::Value,
    ) -> Result<Self, webtoken_engine::json::JsonError> {
        let f = value.fields()?;
        Ok(StaffMember {
            staff_id: f.get("staff_id")?,
            password: f.get("password")?,
            password_failures: f.get_or_default("password_failures")?,
            token: f.get("token")?,
        })
    }
}

/// Why a staff sign-in was refused. The screen says one thing for all of them, so that the
/// answer tells nobody which staff IDs exist or which of the three inputs was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInFailure {
    /// A field is empty.
    Empty,
    /// No such staff ID, or the wrong password (counted).
    Invalid,
    /// The password is locked after [`MAX_PASSWORD_FAILURES`] wrong ones.
    Locked,
}

/// The bank's staff accounts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Directory {
    members: Vec<StaffMember>,
}

impl Directory {
    /// The demo staff: [`DEMO_STAFF`], its hash worked out ahead of time, with the demo token.
    pub fn demo() -> Self {
        let (salt, hash) = DEMO_STAFF_HASH;
        let password = PasswordHash::from_hex_parts(DEFAULT_ITERATIONS, salt, hash)
            .expect("the demo staff hash is well-formed hex (a test recomputes it)");
        Self {
            members: vec![StaffMember {
                staff_id: StaffId(DEMO_STAFF.0.to_owned()),
                password,
                password_failures: 0,
                token: demo_staff_token(),
            }],
        }
    }

    /// Adds a staff member (tests use a small iteration count).
    pub fn add(
        &mut self,
        staff_id: &str,
        password: PasswordHash,
        token: TokenId,
    ) -> Result<(), BankError> {
        let id = StaffId::parse(staff_id)
            .ok_or_else(|| BankError::InvalidStaffId(staff_id.to_owned()))?;
        if self.member(&id).is_some() {
            return Err(BankError::DuplicateStaff(id));
        }
        self.members.push(StaffMember {
            staff_id: id,
            password,
            password_failures: 0,
            token,
        });
        Ok(())
    }

    /// A directory of these members, as read from storage.
    pub(crate) fn from_members(members: Vec<StaffMember>) -> Self {
        Self { members }
    }

    /// Every staff member.
    pub fn members(&self) -> &[StaffMember] {
        &self.members
    }

    /// The staff member with this ID.
    pub fn member(&self, id: &StaffId) -> Option<&StaffMember> {
        self.members.iter().find(|m| &m.staff_id == id)
    }

    /// Whether there is nobody.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Checks a typed staff ID and password: the staff ID and the token whose code must
    /// follow. A wrong password is counted; the [`MAX_PASSWORD_FAILURES`]th locks it (until
    /// the directory is reset), and a locked password fails even when right. Every path with
    /// both fields filled spends one PBKDF2 check at `iterations` or the hash's own count, so
    /// an unknown ID answers as slowly as a known one; `changed` is set when a count moved.
    pub fn authenticate(
        &mut self,
        staff_id: &str,
        password: &str,
        iterations: u32,
        changed: &mut bool,
    ) -> Result<(StaffId, TokenId), SignInFailure> {
        if staff_id.trim().is_empty() || password.is_empty() {
            return Err(SignInFailure::Empty);
        }
        let id = StaffId::parse(staff_id);
        let Some(member) = id
            .as_ref()
            .and_then(|id| self.members.iter_mut().find(|m| &m.staff_id == id))
        else {
            core::hint::black_box(PasswordHash::dummy(iterations).verify(password));
            return Err(SignInFailure::Invalid);
        };
        // Checked even when locked, so that a locked answer takes as long as any other.
        let matches = member.password.verify(password);
        if member.locked() {
            return Err(SignInFailure::Locked);
        }
        if matches {
            *changed |= core::mem::take(&mut member.password_failures) != 0;
            return Ok((member.staff_id.clone(), member.token.clone()));
        }
        member.password_failures = member.password_failures.saturating_add(1);
        *changed = true;
        Err(if member.locked() {
            SignInFailure::Locked
        } else {
            SignInFailure::Invalid
        })
    }
}

/// A signed-in staff member: who, since when, and their last action (Unix seconds). Made only
/// by a sign-in whose password and code were both accepted; never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    staff_id: StaffId,
    signed_in_at: u64,
    last_activity: u64,
}

impl StaffSession {
    /// A session that starts at `now`. Only the sign-in calls this, once the password and the
    /// code were accepted (the server and the page's bank).
    pub fn start(staff_id: StaffId, now: u64) -> Self {
        Self {
            staff_id,
            signed_in_at: now,
            last_activity: now,
        }
    }

    /// Who is signed in.
    pub fn staff_id(&self) -> &StaffId {
        &self.staff_id
    }

    /// When they signed in.
    pub fn signed_in_at(&self) -> u64 {
        self.signed_in_at
    }

    /// Their last staff action (or the sign-in).
    pub fn last_activity(&self) -> u64 {
        self.last_activity
    }

    /// Whether [`IDLE_LIMIT`] seconds have passed since the last action at `now`.
    pub fn expired(&self, now: u64) -> bool {
        now.saturating_sub(self.last_activity) >= IDLE_LIMIT
    }

    /// Notes an action at `now`; refused (and to be dropped) once expired.
    pub fn touch(&mut self, now: u64) -> Result<(), StaffRefusal> {
        if self.expired(now) {
            return Err(StaffRefusal::Expired);
        }
        self.last_activity = self.last_activity.max(now);
        Ok(())
    }
}

/// Why a staff action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffRefusal {
    /// Nobody is signed in (or they signed out, or the page was reloaded).
    NotSignedIn,
    /// The session ended after [`IDLE_LIMIT`] seconds without an action.
    Expired,
}

/// The staff desk of one page: the signed-in staff member, if any. In memory only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Desk {
    session: Option<StaffSession>,
}

impl Desk {
    /// Starts `session`, replacing any other.
    pub fn begin(&mut self, session: StaffSession) {
        self.session = Some(session);
    }

    /// The live session at `now`, without counting it as an action (an expired one ends).
    pub fn session(&mut self, now: u64) -> Option<&StaffSession> {
        if self.session.as_ref().is_some_and(|s| s.expired(now)) {
            self.session = None;
        }
        self.session.as_ref()
    }

    /// A staff action at `now`: the live session, its idle time restarted; refused without one.
    pub fn act(&mut self, now: u64) -> Result<&StaffSession, StaffRefusal> {
        let touched = self
            .session
            .as_mut()
            .ok_or(StaffRefusal::NotSignedIn)?
            .touch(now);
        if let Err(refusal) = touched {
            self.session = None;
            return Err(refusal);
        }
        self.session.as_ref().ok_or(StaffRefusal::NotSignedIn)
    }

    /// Signs out: the session that ended, if there was one.
    pub fn sign_out(&mut self) -> Option<StaffSession> {
        self.session.take()
    }
}
