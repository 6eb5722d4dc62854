//! Import from other authenticators: what one text (typed, pasted or read from a chosen file)
//! holds, as entries each imported or refused with its reason, never dropped silently.
//!
//! Formats, recognised by their content:
//! - `otpauth://` URIs, one or more (one per line, or separated by white space), and
//!   Google Authenticator's export links `otpauth-migration://offline?data=...`
//!   ([`google`](crate::import::google)), several batches one per line, mixed freely;
//! - Aegis's plain (unencrypted) JSON export ([`aegis`](crate::import::aegis));
//! - 2FAS's plain `.2fas` backup ([`twofas`](crate::import::twofas));
//! - the Authenticator browser extension's JSON export ([`extension`](crate::import::extension)).
//!
//! TOTP and HOTP entries are imported (an HOTP entry with its counter; one without a usable
//! counter is refused with the URI parser's words); Steam, Battle.net and other kinds are listed
//! as not supported. Encrypted exports are refused with a message that says to export them plain.
//!
//! ```
//! use webtoken_token::import::read;
//! let batch = read("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\notpauth://hotp/B:b?secret=JBSWY3DPEHPK3PXP")
//!     .expect("two URIs");
//! assert_eq!(batch.entries.len(), 2);
//! assert!(batch.entries[0].result.is_ok());
//! assert!(batch.entries[1].result.is_err());
//! ```

use core::fmt;

use zeroize::Zeroizing;

use webtoken_engine::i18n::token::Text;
use webtoken_engine::i18n::{Lang, fill};
use webtoken_engine::json::{self, Value};

use crate::otpauth::{KeyUri, OtpauthError, encode};
use crate::wallet::is_invisible_format;

pub mod aegis;
pub mod extension;
pub mod google;
pub mod report;
pub mod twofas;

#[cfg(test)]
mod tests;

/// Longest text read, in bytes (an export of a few hundred tokens).
pub const MAX_IMPORT_BYTES: usize = 256 * 1024;
/// Most entries read from one text; the rest are listed as refused.
pub const MAX_ENTRIES: usize = 100;

/// Where the entries came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `otpauth://` URIs and Google Authenticator export links.
    Uris,
    /// Aegis's plain JSON export.
    Aegis,
    /// 2FAS's plain backup.
    TwoFas,
    /// The Authenticator extension's JSON export.
    Extension,
}

/// Why one entry was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// A kind of token this token does not support (HOTP, Steam, ...).
    Unsupported {
        /// The kind, as the export names it.
        kind: String,
    },
    /// The entry is encrypted.
    Encrypted,
    /// The entry lacks a field it needs (`secret`, ...).
    Missing {
        /// The field.
        field: &'static str,
    },
    /// Its secret or parameters are not usable (the URI parser's words).
    Otpauth(OtpauthError),
    /// Over [`MAX_ENTRIES`] in one text.
    TooMany,
    /// A Google Authenticator export link whose data is damaged or cut off.
    BadLink,
}

impl Refusal {
    /// The reason in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Refusal::Unsupported { kind } => {
                fill(Text::ImportWhyUnsupported.get(lang), &[("kind", kind)])
            }
            Refusal::Encrypted => Text::ImportWhyEncrypted.get(lang).to_owned(),
            Refusal::Missing { field } => {
                fill(Text::ImportWhyMissing.get(lang), &[("field", field)])
            }
            Refusal::Otpauth(e) => e.message(lang),
            Refusal::BadLink => Text::ImportWhyBadLink.get(lang).to_owned(),
            Refusal::TooMany => fill(Text::ImportWhyTooMany.get(lang), &[("max", &MAX_ENTRIES)]),
        }
    }
}

/// One entry of an export: its name as the report shows it, and the credential or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `issuer (account)`, `account`, or `#n` when the entry names nothing.
    pub name: String,
    /// The credential, or why it is not imported.
    pub result: Result<KeyUri, Refusal>,
}

/// What a text holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The format recognised.
    pub format: Format,
    /// Every entry, in the export's order.
    pub entries: Vec<Entry>,
}

/// Why a text as a whole could not be read (nothing is imported).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportError {
    /// Longer than [`MAX_IMPORT_BYTES`].
    TooLong {
        /// Its length in bytes.
        bytes: usize,
    },
    /// Nothing but white space.
    Empty,
    /// JSON of no known export.
    UnknownFormat,
    /// Not valid JSON (or nested or wide beyond the reader's bounds).
    Json(String),
    /// A whole export is encrypted.
    Encrypted(Format),
}

impl ImportError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ImportError::TooLong { bytes } => fill(
                Text::ImportErrTooLong.get(lang),
                &[("bytes", bytes), ("max", &MAX_IMPORT_BYTES)],
            ),
            ImportError::Empty => Text::ImportErrEmpty.get(lang).to_owned(),
            ImportError::UnknownFormat => Text::ImportErrUnknown.get(lang).to_owned(),
            ImportError::Json(detail) => fill(Text::ImportErrJson.get(lang), &[("detail", detail)]),
            ImportError::Encrypted(format) => fill(
                Text::ImportErrEncrypted.get(lang),
                &[("format", &format.name())],
            ),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ImportError {}

impl Format {
    /// The exporting app's name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Uris => "otpauth",
            Format::Aegis => "Aegis",
            Format::TwoFas => "2FAS",
            Format::Extension => "Authenticator",
        }
    }
}

/// Reads every entry `text` holds (see the module docs for the formats).
pub fn read(text: &str) -> Result<Batch, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLong { bytes: text.len() });
    }
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err(ImportError::Empty);
    }
    let (format, mut entries) = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let value = json::parse(trimmed).map_err(|e| ImportError::Json(e.to_string()))?;
        if let Some(found) = aegis::read(&value) {
            (Format::Aegis, found?)
        } else if let Some(found) = twofas::read(&value) {
            (Format::TwoFas, found?)
        } else if let Some(found) = extension::read(&value) {
            (Format::Extension, found?)
        } else {
            return Err(ImportError::UnknownFormat);
        }
    } else {
        (Format::Uris, uris(trimmed))
    };
    for entry in entries.iter_mut().skip(MAX_ENTRIES) {
        entry.result = Err(Refusal::TooMany);
    }
    Ok(Batch { format, entries })
}

/// Whether `text` is for [`read`] (an export file, an export link, several URIs) rather than
/// one `otpauth://` URI, or text of no format, which the URI parser answers as before.
pub fn is_batch(text: &str) -> bool {
    let text = text.trim_start_matches('\u{feff}').trim();
    let otpauth = |s: &str| {
        s.get(..7)
            .is_some_and(|h| h.eq_ignore_ascii_case("otpauth"))
    };
    text.starts_with(['{', '['])
        || text
            .get(..18)
            .is_some_and(|h| h.eq_ignore_ascii_case("otpauth-migration:"))
        || (otpauth(text) && text.split_whitespace().skip(1).any(otpauth))
}

/// The URIs of a list: each starts at a word beginning with `otpauth` (so a pasted list whose
/// line breaks the browser turned into spaces still splits); other words belong to the URI
/// before them (a label with a space).
fn uris(text: &str) -> Vec<Entry> {
    let mut items: Vec<Zeroizing<String>> = Vec::new();
    for word in text.split_whitespace() {
        let starts = word
            .get(..7)
            .is_some_and(|head| head.eq_ignore_ascii_case("otpauth"));
        match items.last_mut() {
            Some(last) if !starts => {
                last.push(' ');
                last.push_str(word);
            }
            _ => items.push(Zeroizing::new(word.to_owned())),
        }
    }
    let mut entries = Vec::new();
    for (index, item) in items.iter().enumerate() {
        if entries.len() > MAX_ENTRIES {
            entries.push(Entry {
                name: format!("#{}", index + 1),
                result: Err(Refusal::TooMany),
            });
            continue;
        }
        let is_migration = item
            .get(..18)
            .is_some_and(|head| head.eq_ignore_ascii_case("otpauth-migration:"));
        if is_migration {
            entries.extend(google::read(item, index + 1));
            continue;
        }
        let result = KeyUri::parse(item).map_err(Refusal::Otpauth);
        let name = match &result {
            Ok(key) => name_of(key.issuer.as_deref().unwrap_or(""), &key.account, index + 1),
            Err(_) => label_of_uri(item).unwrap_or_else(|| format!("#{}", index + 1)),
        };
        entries.push(Entry { name, result });
    }
    entries
}

/// The decoded label of an `otpauth://` URI that did not parse, for the report (never the
/// query, which holds the secret).
fn label_of_uri(uri: &str) -> Option<String> {
    let rest = uri.split_once("://")?.1;
    let label = rest.split_once('/')?.1.split(['?', '#']).next()?;
    let label: String = label
        .chars()
        .filter(|&c| !c.is_control() && !is_invisible_format(c))
        .take(64)
        .collect();
    (!label.is_empty()).then_some(label)
}

/// `issuer (account)`, or whichever is named, or `#n`.
pub(crate) fn name_of(issuer: &str, account: &str, number: usize) -> String {
    // As the URI parser does for what it shows: no control, bidirectional or zero-width
    // characters, which could make one name look like another.
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|&c| !c.is_control() && !is_invisible_format(c))
            .take(64)
            .collect()
    };
    match (issuer.trim(), account.trim()) {
        ("", "") => format!("#{number}"),
        (issuer, "") => clean(issuer),
        ("", account) => clean(account),
        (issuer, account) => format!("{} ({})", clean(issuer), clean(account)),
    }
}

/// The fields an export gives for one TOTP or HOTP entry.
pub(crate) struct Fields<'a> {
    /// Its type (`totp`, `hotp`, `steam`, ...), compared without regard to case.
    pub kind: &'a str,
    pub issuer: &'a str,
    pub account: &'a str,
    /// Base32.
    pub secret: Option<&'a str>,
    pub algorithm: Option<&'a str>,
    pub digits: Option<u64>,
    pub period: Option<u64>,
    /// An HOTP entry's counter as written ([`counter`]); the URI parser checks it.
    pub counter: Option<String>,
}

/// The entry `fields` describe, checked by the `otpauth://` parser (one set of rules for every
/// format): the fields are written as a Key URI and read back.
pub(crate) fn entry(fields: Fields<'_>, number: usize) -> Entry {
    let name = name_of(fields.issuer, fields.account, number);
    let result = key(&fields);
    Entry { name, result }
}

fn key(f: &Fields<'_>) -> Result<KeyUri, Refusal> {
    let hotp = f.kind.eq_ignore_ascii_case("hotp");
    if !hotp && !f.kind.eq_ignore_ascii_case("totp") {
        let kind = match f.kind.to_ascii_lowercase().as_str() {
            "steam" => "Steam".to_owned(),
            "battle" => "Battle.net".to_owned(),
            _ => f
                .kind
                .chars()
                .filter(|c| !c.is_control())
                .take(32)
                .collect(),
        };
        return Err(Refusal::Unsupported { kind });
    }
    let secret = f
        .secret
        .filter(|s| !s.trim().is_empty())
        .ok_or(Refusal::Missing { field: "secret" })?;
    let issuer = f.issuer.trim();
    // A Key URI needs an account: an entry that names only its issuer is listed under it.
    let account = match f.account.trim() {
        "" if issuer.is_empty() => return Err(Refusal::Missing { field: "name" }),
        "" => issuer,
        account => account,
    };
    let mut uri = Zeroizing::new(String::with_capacity(
        64 + 3 * (issuer.len() * 2 + account.len() + secret.len()),
    ));
    uri.push_str(if hotp {
        "otpauth://hotp/"
    } else {
        "otpauth://totp/"
    });
    encode(&mut uri, account);
    uri.push_str("?secret=");
    encode(&mut uri, secret);
    if !issuer.is_empty() {
        uri.push_str("&issuer=");
        encode(&mut uri, issuer);
    }
    if let Some(algorithm) = f.algorithm {
        uri.push_str("&algorithm=");
        encode(&mut uri, algorithm);
    }
    if let Some(digits) = f.digits {
        uri.push_str("&digits=");
        uri.push_str(&digits.to_string());
    }
    if let Some(period) = f.period.filter(|_| !hotp) {
        uri.push_str("&period=");
        uri.push_str(&period.to_string());
    }
    if let Some(counter) = f.counter.as_deref().filter(|_| hotp) {
        uri.push_str("&counter=");
        encode(&mut uri, counter);
    }
    KeyUri::parse(&uri).map_err(Refusal::Otpauth)
}

/// The members of `value` if it is an object.
pub(crate) fn members(value: &Value) -> Option<&[(String, Value)]> {
    match value {
        Value::Object(members) => Some(members),
        _ => None,
    }
}

/// The member `name` of `members`.
pub(crate) fn member<'a>(members: &'a [(String, Value)], name: &str) -> Option<&'a Value> {
    members.iter().find(|(key, _)| key == name).map(|(_, v)| v)
}

/// The string member `name`, or `""` when absent, null or not a string.
pub(crate) fn string<'a>(members: &'a [(String, Value)], name: &str) -> &'a str {
    match member(members, name) {
        Some(Value::Str(s)) => s,
        _ => "",
    }
}

/// The string member `name`, if it is one.
pub(crate) fn optional_string<'a>(members: &'a [(String, Value)], name: &str) -> Option<&'a str> {
    match member(members, name) {
        Some(Value::Str(s)) => Some(s),
        _ => None,
    }
}

/// The whole-number member `name`: `None` when absent or null; a number that is not a
/// non-negative whole number becomes `u64::MAX`, which the URI parser refuses as a value.
pub(crate) fn number(members: &[(String, Value)], name: &str) -> Option<u64> {
    match member(members, name)? {
        Value::Null => None,
        Value::Int {
            negative: false,
            magnitude,
        } => Some(*magnitude),
        Value::Str(s) => Some(s.trim().parse().unwrap_or(u64::MAX)),
        _ => Some(u64::MAX),
    }
}

/// The HOTP counter member `name` as written, for the URI parser to check: `None` when absent
/// or null; a whole number as its digits (a negative one with its sign, which the parser
/// refuses); a string as it is; anything else as its JSON kind.
pub(crate) fn counter(members: &[(String, Value)], name: &str) -> Option<String> {
    match member(members, name)? {
        Value::Null => None,
        Value::Int {
            negative: false,
            magnitude,
        } => Some(magnitude.to_string()),
        Value::Int {
            negative: true,
            magnitude,
        } => Some(format!("-{magnitude}")),
        Value::Str(s) => Some(s.trim().to_owned()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(_) => Some("[...]".to_owned()),
        Value::Object(_) => Some("{...}".to_owned()),
    }
}
