//! The customer's list of tokens: each with a label, one active at a time.
//!
//! A token either came from the token service (it has a [`TokenId`](webtoken_engine::token_id::TokenId)) or was imported from an
//! `otpauth://` URI. Changes are [`WalletOp`](crate::wallet::WalletOp)s, so that the browser shell can re-read the
//! stored list and apply the change to the newest copy (two tabs never undo each other's work).
//!
//! The stored form ([`Wallet::encode`](crate::wallet::Wallet::encode)) is plain text, one token a line, each token as its
//! `otpauth://` URI; it holds secrets, so the shell only ever stores it encrypted
//! ([`vault`](crate::vault)). An HOTP token's line carries its counter in its URI
//! (`otpauth://hotp/...&counter=N`), and a list whose auto-lock time is not the default has an
//! `autolock` line after `next`: a list stored before either existed reads as it always did.
//! Labels are text chosen by the customer: the page renders them as text,
//! never as HTML.
//!
//! ```
//! use webtoken_token::otpauth::KeyUri;
//! use webtoken_token::wallet::Wallet;
//! let key = KeyUri::parse("otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
//!     .expect("a valid URI");
//! let mut wallet = Wallet::new();
//! let id = wallet.add("Example", None, key).expect("room for a token");
//! wallet.rename(id, "  <b>mine</b>  ").expect("a label");
//! assert_eq!(wallet.active().map(|t| t.label.as_str()), Some("<b>mine</b>"));
//! let text = wallet.encode();
//! assert_eq!(Wallet::decode(&text), Ok(wallet));
//! ```

use core::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

use super::otpauth::{KeyUri, MAX_URI_BYTES};
use webtoken_engine::i18n::wallet::Text;
use webtoken_engine::i18n::{Lang, fill};
use webtoken_engine::token_id::TokenId;

/// Longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 40;
/// Most tokens in one list.
pub const MAX_TOKENS: usize = 20;
/// The issuer named in the `otpauth://` URI of a token from the in-page token service.
pub const SERVICE_ISSUER: &str = "webtoken";

const HEADER: &str = "webtoken-wallet\t1";

/// The idle times, in minutes, after which a list under a passphrase can lock itself.
pub const AUTOLOCK_CHOICES: [u32; 4] = [1, 5, 15, 60];
/// The idle time, in minutes, after which a list under a passphrase locks unless set otherwise.
pub const DEFAULT_AUTOLOCK_MINUTES: u32 = 5;

/// One token in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletToken {
    /// Its number in this list (stable while it exists; never reused by the same list).
    pub id: u32,
    /// The customer's name for it (text, never HTML).
    pub label: String,
    /// The Token ID, for a token from the token service.
    pub token_id: Option<TokenId>,
    /// Issuer, account, secret and parameters.
    pub key: KeyUri,
}

/// A change to the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalletOp {
    /// Adds a token and makes it active.
    Add {
        /// Its label (normalised by [`normalize_label`]).
        label: String,
        /// Its Token ID, for a token from the token service.
        token_id: Option<TokenId>,
        /// The credential.
        key: KeyUri,
    },
    /// Removes a token.
    Remove(u32),
    /// Gives a token a new label.
    Rename(u32, String),
    /// Makes a token the active one.
    Activate(u32),
    /// Moves an HOTP token's counter on by one: its next code is shown once this is saved.
    Advance(u32),
    /// Sets the idle time, in minutes, after which the list locks (one of
    /// [`AUTOLOCK_CHOICES`]).
    SetAutoLock(u32),
}

/// The list of tokens.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Wallet {
    tokens: Vec<WalletToken>,
    /// Stored entries that cannot be read: one bad entry costs one entry, not the list.
    unreadable: Vec<UnreadableEntry>,
    active: Option<u32>,
    next_id: u32,
    /// Minutes of idleness after which a list under a passphrase locks.
    autolock: Settings,
}

/// The list's settings (kept with it, encrypted like it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Settings {
    autolock_minutes: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            autolock_minutes: DEFAULT_AUTOLOCK_MINUTES,
        }
    }
}

/// An entry of the stored list that cannot be read (a token stored by a page with other
/// limits, or damaged): kept as it was stored, written back unchanged, shown with its label
/// when that can be read, and removable alone. The other tokens keep working.
#[derive(Clone, PartialEq, Eq)]
pub struct UnreadableEntry {
    /// Its number in this list (the stored one when readable, else a new one).
    pub id: u32,
    /// Its label, when that can be read.
    pub label: Option<String>,
    /// The line as stored (it may hold a secret: never shown, only written back).
    line: Zeroizing<String>,
}

impl fmt::Debug for UnreadableEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnreadableEntry")
            .field("id", &self.id)
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// Why a change or a stored list was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WalletError {
    /// The label is empty (after trimming).
    EmptyLabel,
    /// The label is longer than [`MAX_LABEL_CHARS`].
    LabelTooLong,
    /// No token has this number (another tab may have deleted it).
    UnknownToken,
    /// The same token is already in the list.
    Duplicate,
    /// The list holds [`MAX_TOKENS`] already.
    Full,
    /// The token's stored form would be longer than the list's reader accepts
    /// ([`MAX_URI_BYTES`]): an account or issuer with many non-ASCII characters, say.
    TooLong {
        /// Bytes of the stored form.
        bytes: usize,
    },
    /// The token counts no codes (it is time-based): there is no counter to move on.
    NotCounterBased,
    /// The HOTP counter is at its largest value (2^64 - 1): no further code exists.
    CounterExhausted,
    /// An auto-lock time that is not one of [`AUTOLOCK_CHOICES`].
    BadAutoLock,
    /// The stored list is not in the format this page writes.
    Malformed {
        /// The line (counting from 1) where reading stopped.
        line: usize,
    },
}

impl WalletError {
    /// The message in `lang` (from the `[wallet]` section of the catalogue).
    pub fn message(&self, lang: Lang) -> String {
        let (key, args): (Text, &[(&str, &dyn fmt::Display)]) = match self {
            WalletError::EmptyLabel => (Text::EmptyLabel, &[]),
            WalletError::LabelTooLong => (Text::LabelTooLong, &[("max", &MAX_LABEL_CHARS)]),
            WalletError::UnknownToken => (Text::UnknownToken, &[]),
            WalletError::Duplicate => (Text::Duplicate, &[]),
            WalletError::Full => (Text::Full, &[("max", &MAX_TOKENS)]),
            WalletError::TooLong { bytes } => {
                (Text::TooLong, &[("bytes", bytes), ("max", &MAX_URI_BYTES)])
            }
            WalletError::NotCounterBased => (Text::NotCounterBased, &[]),
            WalletError::CounterExhausted => (Text::CounterExhausted, &[]),
            WalletError::BadAutoLock => (Text::BadAutoLock, &[]),
            WalletError::Malformed { line } => (Text::Malformed, &[("line", line)]),
        };
        fill(key.get(lang), args)
    }

    /// The message for a Japanese page.
    pub fn message_ja(&self) -> String {
        self.message(Lang::Ja)
    }

    /// The message for an English page.
    pub fn message_en(&self) -> String {
        self.message(Lang::En)
    }
}

impl fmt::Display for WalletError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for WalletError {}

/// Whether `c` is an invisible formatting character that can make text read as something it
/// is not: the bidirectional controls (U+202A..U+202E, U+2066..U+2069, the marks U+200E,
/// U+200F and U+061C), the zero-width characters (U+200B..U+200D, U+2060..U+2064, U+FEFF),
/// the soft hyphen, the Mongolian vowel separator and the interlinear annotation controls.
/// `"\u{202e}knaB nikniS\u{200b}"` displays as "Shinkin Bank"; with these dropped it reads as
/// what it is. Labels, issuers and account names drop them on import and on rename.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{061c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

/// A label as stored: control characters (line breaks, tabs) become spaces, invisible
/// formatting characters ([`is_invisible_format`]) are dropped, surrounding space is trimmed;
/// empty or longer than [`MAX_LABEL_CHARS`] is refused. Markup is kept as typed: it is text.
pub fn normalize_label(label: &str) -> Result<String, WalletError> {
    let cleaned: String = label
        .chars()
        .filter(|&c| !is_invisible_format(c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        Err(WalletError::EmptyLabel)
    } else if trimmed.chars().count() > MAX_LABEL_CHARS {
        Err(WalletError::LabelTooLong)
    } else {
        Ok(trimmed.to_owned())
    }
}

impl Wallet {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// The tokens, in the order they were added.
    pub fn tokens(&self) -> &[WalletToken] {
        &self.tokens
    }

    /// The stored entries that cannot be read.
    pub fn unreadable(&self) -> &[UnreadableEntry] {
        &self.unreadable
    }

    /// Whether the list is empty (no token, readable or not).
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty() && self.unreadable.is_empty()
    }

    /// The active token (`None` when the active entry is unreadable).
    pub fn active(&self) -> Option<&WalletToken> {
        self.active.and_then(|id| self.get(id))
    }

    /// The number of the active entry, readable or not.
    pub fn active_id(&self) -> Option<u32> {
        self.active.filter(|&id| self.index(id).is_ok())
    }

    /// The active entry when it is one that cannot be read.
    pub fn active_unreadable(&self) -> Option<&UnreadableEntry> {
        let id = self.active?;
        self.unreadable.iter().find(|e| e.id == id)
    }

    fn len(&self) -> usize {
        self.tokens.len() + self.unreadable.len()
    }

    /// The token with number `id`.
    pub fn get(&self, id: u32) -> Option<&WalletToken> {
        self.tokens.iter().find(|t| t.id == id)
    }

    /// Adds a token, makes it active and returns its number.
    pub fn add(
        &mut self,
        label: &str,
        token_id: Option<TokenId>,
        key: KeyUri,
    ) -> Result<u32, WalletError> {
        let label = normalize_label(label)?;
        if self.len() >= MAX_TOKENS {
            return Err(WalletError::Full);
        }
        // What is stored must read back: the stored form, not only the input, is checked.
        let bytes = key.to_uri().len();
        if bytes > MAX_URI_BYTES {
            return Err(WalletError::TooLong { bytes });
        }
        let same = |t: &WalletToken| match (&token_id, &t.token_id) {
            (Some(a), Some(b)) => a == b,
            _ => t.key.same_credential(&key),
        };
        if self.tokens.iter().any(same) {
            return Err(WalletError::Duplicate);
        }
        let id = self.next_id;
        self.next_id = self.next_id.saturating_add(1);
        self.tokens.push(WalletToken {
            id,
            label,
            token_id,
            key,
        });
        self.active = Some(id);
        Ok(id)
    }

    /// Removes a token, or an entry that cannot be read; when it was active, the first
    /// remaining token becomes active.
    pub fn remove(&mut self, id: u32) -> Result<(), WalletError> {
        match self.index(id)? {
            Index::Token(i) => drop(self.tokens.remove(i)),
            Index::Unreadable(i) => drop(self.unreadable.remove(i)),
        }
        if self.active == Some(id) {
            self.active = self.tokens.first().map(|t| t.id);
        }
        Ok(())
    }

    /// Gives a token a new label.
    pub fn rename(&mut self, id: u32, label: &str) -> Result<(), WalletError> {
        let label = normalize_label(label)?;
        match self.index(id)? {
            Index::Token(i) => self.tokens[i].label = label,
            // Its stored line is kept as it is: it cannot be written another way.
            Index::Unreadable(_) => return Err(WalletError::UnknownToken),
        }
        Ok(())
    }

    /// Makes a token the active one.
    pub fn activate(&mut self, id: u32) -> Result<(), WalletError> {
        self.index(id)?;
        self.active = Some(id);
        Ok(())
    }

    /// Moves HOTP token `id`'s counter on by one; the new counter.
    pub fn advance(&mut self, id: u32) -> Result<u64, WalletError> {
        let Index::Token(i) = self.index(id)? else {
            return Err(WalletError::UnknownToken);
        };
        let counter = &mut self.tokens[i].key.counter;
        let next = counter
            .ok_or(WalletError::NotCounterBased)?
            .checked_add(1)
            .ok_or(WalletError::CounterExhausted)?;
        *counter = Some(next);
        Ok(next)
    }

    /// Minutes of idleness after which the list, under a passphrase, locks.
    pub fn autolock_minutes(&self) -> u32 {
        self.autolock.autolock_minutes
    }

    /// Sets the auto-lock time to `minutes`, one of [`AUTOLOCK_CHOICES`].
    pub fn set_autolock(&mut self, minutes: u32) -> Result<(), WalletError> {
        if !AUTOLOCK_CHOICES.contains(&minutes) {
            return Err(WalletError::BadAutoLock);
        }
        self.autolock.autolock_minutes = minutes;
        Ok(())
    }

    /// Applies a change; for [`WalletOp::Add`], returns the new token's number.
    pub fn apply(&mut self, op: &WalletOp) -> Result<Option<u32>, WalletError> {
        match op {
            WalletOp::Add {
                label,
                token_id,
                key,
            } => self.add(label, token_id.clone(), key.clone()).map(Some),
            WalletOp::Remove(id) => self.remove(*id).map(|()| None),
            WalletOp::Rename(id, label) => self.rename(*id, label).map(|()| None),
            WalletOp::Activate(id) => self.activate(*id).map(|()| None),
            WalletOp::Advance(id) => self.advance(*id).map(|_| None),
            WalletOp::SetAutoLock(minutes) => self.set_autolock(*minutes).map(|()| None),
        }
    }

    fn index(&self, id: u32) -> Result<Index, WalletError> {
        if let Some(i) = self.tokens.iter().position(|t| t.id == id) {
            return Ok(Index::Token(i));
        }
        self.unreadable
            .iter()
            .position(|e| e.id == id)
            .map(Index::Unreadable)
            .ok_or(WalletError::UnknownToken)
    }

    /// The stored form: a header line, then `active`, `next`, `autolock` (only when not the
    /// default) and one `token` line per token, fields separated by tabs. It contains the secrets: store it only encrypted.
    pub fn encode(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(64 + 160 * self.tokens.len()));
        out.push_str(HEADER);
        out.push_str("\nactive\t");
        match self.active {
            Some(id) => out.push_str(&id.to_string()),
            None => out.push('-'),
        }
        out.push_str("\nnext\t");
        out.push_str(&self.next_id.to_string());
        if self.autolock != Settings::default() {
            out.push_str("\nautolock\t");
            out.push_str(&self.autolock.autolock_minutes.to_string());
        }
        for t in &self.tokens {
            out.push_str("\ntoken\t");
            out.push_str(&t.id.to_string());
            out.push('\t');
            out.push_str(t.token_id.as_ref().map_or("-", TokenId::as_str));
            out.push('\t');
            out.push_str(&Zeroizing::new(t.key.to_uri()));
            out.push('\t');
            out.push_str(&t.label);
        }
        for entry in &self.unreadable {
            out.push('\n');
            out.push_str(&entry.line);
        }
        out
    }

    /// Reads the stored form, refusing anything [`Wallet::encode`] would not write.
    pub fn decode(text: &str) -> Result<Wallet, WalletError> {
        let mut lines = text.split('\n').enumerate();
        let mut next_line = |name: &str| {
            let (i, line) = lines.next().ok_or(WalletError::Malformed { line: 0 })?;
            let bad = WalletError::Malformed { line: i + 1 };
            match line.split_once('\t') {
                Some((n, rest)) if n == name => Ok((rest, bad)),
                _ => Err(bad),
            }
        };
        let (version, bad) = next_line("webtoken-wallet")?;
        if version != "1" {
            return Err(bad);
        }
        let (active, bad) = next_line("active")?;
        let active = match active {
            "-" => None,
            n => Some(number(n).ok_or(bad)?),
        };
        let (next, bad) = next_line("next")?;
        let next_id = number(next).ok_or(bad)?;
        let mut wallet = Wallet {
            tokens: Vec::new(),
            unreadable: Vec::new(),
            active,
            next_id,
            autolock: Settings::default(),
        };
        let mut lines = lines.peekable();
        if let Some((i, minutes)) = lines
            .peek()
            .and_then(|(i, line)| Some((*i, line.strip_prefix("autolock\t")?)))
        {
            let bad = WalletError::Malformed { line: i + 1 };
            let minutes = number(minutes).ok_or(bad.clone())?;
            wallet.set_autolock(minutes).map_err(|_| bad)?;
            lines.next();
        }
        // Entry by entry: a line that cannot be read is kept as an unreadable entry.
        let mut unnumbered = Vec::new();
        for (i, line) in lines {
            if wallet.len() + unnumbered.len() >= MAX_TOKENS {
                return Err(WalletError::Malformed { line: i + 1 });
            }
            let fields = line.strip_prefix("token\t").unwrap_or("");
            match wallet.read_token(fields) {
                Ok(token) => wallet.tokens.push(token),
                Err(id) => {
                    let entry = UnreadableEntry {
                        id: id.unwrap_or(0),
                        label: stored_label(fields),
                        line: Zeroizing::new(line.to_owned()),
                    };
                    match id {
                        Some(_) => wallet.unreadable.push(entry),
                        None => unnumbered.push(entry),
                    }
                }
            }
        }
        for mut entry in unnumbered {
            entry.id = wallet.next_id;
            wallet.next_id = wallet.next_id.saturating_add(1);
            wallet.unreadable.push(entry);
        }
        if wallet.active.is_some() && wallet.active_id().is_none() {
            return Err(WalletError::Malformed { line: 2 });
        }
        Ok(wallet)
    }

    /// One stored token from the fields of its line; otherwise its number, when that can be
    /// read and is free.
    fn read_token(&self, fields: &str) -> Result<WalletToken, Option<u32>> {
        let mut f = fields.splitn(4, '\t');
        let id = f
            .next()
            .and_then(number)
            .filter(|&id| id < self.next_id && self.index(id).is_err());
        let (Some(id), Some(token_id), Some(uri), Some(_)) = (id, f.next(), f.next(), f.next())
        else {
            return Err(id);
        };
        let token_id = match token_id {
            "-" => None,
            t => Some(TokenId::parse(t).map_err(|_| Some(id))?),
        };
        let key = KeyUri::parse(uri).map_err(|_| Some(id))?;
        let label = stored_label(fields).ok_or(Some(id))?;
        Ok(WalletToken {
            id,
            label,
            token_id,
            key,
        })
    }
}

/// Where a stored entry is.
enum Index {
    Token(usize),
    Unreadable(usize),
}

/// The label of a stored token line's fields, when it is one this page writes. A label stored
/// before invisible characters were dropped is read without them, not refused: the list must
/// keep opening.
fn stored_label(fields: &str) -> Option<String> {
    let label = fields.splitn(4, '\t').nth(3)?;
    let label: String = label.chars().filter(|&c| !is_invisible_format(c)).collect();
    (normalize_label(&label).as_deref() == Ok(label.as_str())).then_some(label)
}

/// A plain decimal `u32`: digits only, no leading zero.
fn number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

impl Serialize for Wallet {
    /// As its stored form ([`Wallet::encode`]), a string.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for Wallet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Zeroizing::new(String::deserialize(deserializer)?);
        Wallet::decode(&text).map_err(serde::de::Error::custom)
    }
}

/// The token's list is kept through the one save cycle ([`webtoken_engine::persist`]): the
/// browser seals it with AES-256-GCM ([`crate::vault`]); nothing stored is an empty list.
impl webtoken_engine::persist::Record for Wallet {
    fn absent() -> Self {
        Wallet::new()
    }
    fn encode(&self) -> Zeroizing<String> {
        Wallet::encode(self)
    }
    fn decode(text: &str) -> Result<Self, String> {
        Wallet::decode(text).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
