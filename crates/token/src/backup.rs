//! The encrypted backup of the whole token list: one text file, versioned, that any browser with
//! this page (or another program, following `docs/backup-format.md`) can read back.
//!
//! The file is three lines of ASCII:
//!
//! ```text
//! webtoken-backup.1
//! webtoken-vault.1.A256GCM.pbkdf2-sha256.<iterations>.<salt>.<nonce>.<ciphertext and tag>
//! sha256.<SHA-256 of the first two lines joined by a line feed>
//! ```
//!
//! The first line names the format and its version, readable before anything is decrypted, so a
//! file from a newer page is told apart from a damaged one. The second is a [`vault`](crate::vault)
//! envelope under a key derived from the backup's own passphrase (PBKDF2-HMAC-SHA256, at least as
//! many iterations as a stored passphrase gets), sealed for the purpose `token-backup.v1`
//! ([`purpose`](crate::backup::purpose)): the version is part of the AES-GCM additional data. The
//! third is a checksum, which is no protection (anyone can recompute it) but tells a truncated or
//! damaged file from a wrong passphrase before any key is derived. The plaintext is JSON: every
//! token's label, Token ID, issuer, account, Base32 secret and parameters
//! ([`contents`](crate::backup::contents)); an HOTP token carries its `counter`, restored with
//! it.
//!
//! Restoring merges: each token is added as an import entry
//! ([`read_contents`](crate::backup::read_contents) gives the import's items), a token already in
//! the list is skipped, and the import's report says which were added and which were not, and why.
//! Nothing here runs a cipher: the browser shell seals and opens with WebCrypto.
//!
//! ```
//! use webtoken_token::backup::{BackupError, BackupFile};
//! assert_eq!(
//!     BackupFile::parse("webtoken-backup.2\nwhatever a newer page writes\n").map(drop),
//!     Err(BackupError::NewerVersion { found: 2 })
//! );
//! assert_eq!(BackupFile::parse("webtoken-backup.1\n").map(drop), Err(BackupError::Truncated));
//! ```

use core::fmt;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::import::report::Item;
use crate::import::{Fields, MAX_ENTRIES, Refusal, entry, member, name_of, number, string};
use crate::text::{Lang, Text};
use crate::vault::{
    DEFAULT_PBKDF2_ITERATIONS, Envelope, KeySpec, MAX_PBKDF2_ITERATIONS, Pbkdf2Params, VaultError,
    encode_into, parse_version, versioned_purpose,
};
use crate::wallet::{MAX_LABEL_CHARS, Wallet, WalletOp, normalize_label};
use webtoken_engine::i18n::fill;
use webtoken_engine::json::{self, Out, ToJson, Value};
use webtoken_engine::token_id::TokenId;

/// The first line's name.
pub const MAGIC: &str = "webtoken-backup";
/// The version this page writes and reads.
pub const VERSION: u64 = 1;
/// The additional-data purpose of a backup (with [`VERSION`]: see [`purpose`]).
pub const PURPOSE: &str = "token-backup";
/// What the checksum line starts with.
pub const CHECKSUM: &str = "sha256";
/// Longest file read, in bytes (a full list is a few KB).
pub const MAX_BACKUP_BYTES: usize = 256 * 1024;

/// The purpose the envelope is sealed for: `token-backup.v1`.
pub fn purpose() -> String {
    versioned_purpose(PURPOSE, VERSION)
}

/// The PBKDF2 iterations of a new backup: the stored passphrase's (`stored`), and never fewer
/// than a new passphrase gets, nor more than a reader accepts.
pub fn iterations(stored: Option<u32>) -> u32 {
    stored
        .unwrap_or(0)
        .clamp(DEFAULT_PBKDF2_ITERATIONS, MAX_PBKDF2_ITERATIONS)
}

/// Why a backup was not made or not restored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BackupError {
    /// Longer than [`MAX_BACKUP_BYTES`].
    TooLong {
        /// Its length in bytes.
        bytes: usize,
    },
    /// Not a backup of this page (another file was chosen).
    NotABackup,
    /// Written by a newer page, in a version this page cannot read.
    NewerVersion {
        /// The version the file names.
        found: u64,
    },
    /// The file ends early (cut off while copied or downloaded).
    Truncated,
    /// The file's checksum does not match: it was altered or damaged.
    Altered,
    /// The file is not written as this page writes backups.
    Malformed,
    /// The envelope's parameters are refused (the vault's words).
    Envelope(VaultError),
    /// The passphrase does not open the file.
    WrongPassphrase,
    /// The file opened, but what it holds is not a list this page writes.
    BadContents,
    /// The backup holds no token.
    Empty,
    /// There is no token to back up.
    Nothing,
    /// No file was chosen.
    NoFile,
    /// The browser could not encrypt, decrypt or save.
    Failed,
}

impl BackupError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let key = match self {
            BackupError::TooLong { bytes } => {
                return fill(
                    Text::BackupErrTooLong.get(lang),
                    &[("bytes", bytes), ("max", &MAX_BACKUP_BYTES)],
                );
            }
            BackupError::NewerVersion { found } => {
                return fill(
                    Text::BackupErrNewer.get(lang),
                    &[("found", found), ("version", &VERSION)],
                );
            }
            BackupError::Envelope(e) => {
                return format!(
                    "{}{}{}",
                    Text::BackupErrMalformed.get(lang),
                    if lang == Lang::En { " " } else { "" },
                    e.message(lang)
                );
            }
            BackupError::NotABackup => Text::BackupErrNotABackup,
            BackupError::Truncated => Text::BackupErrTruncated,
            BackupError::Altered => Text::BackupErrAltered,
            BackupError::Malformed => Text::BackupErrMalformed,
            BackupError::WrongPassphrase => Text::BackupErrWrongPassphrase,
            BackupError::BadContents => Text::BackupErrBadContents,
            BackupError::Empty => Text::BackupErrEmpty,
            BackupError::Nothing => Text::BackupErrNothing,
            BackupError::NoFile => Text::BackupErrNoFile,
            BackupError::Failed => Text::BackupErrFailed,
        };
        key.get(lang).to_owned()
    }
}

impl fmt::Display for BackupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for BackupError {}

/// A backup file as read, checked, before its passphrase is tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupFile {
    envelope: Envelope,
    params: Pbkdf2Params,
}

impl BackupFile {
    /// Reads a backup file: its version first (a newer one is named as such), then whether it
    /// is whole (checksum), then the envelope's parameters. A line feed or CR LF ends a line;
    /// a byte-order mark and a final line feed are allowed.
    pub fn parse(text: &str) -> Result<BackupFile, BackupError> {
        if text.len() > MAX_BACKUP_BYTES {
            return Err(BackupError::TooLong { bytes: text.len() });
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text
            .split('\n')
            .map(|line| line.strip_suffix('\r').unwrap_or(line));
        let head = lines.next().unwrap_or_default();
        let Some(version) = head.strip_prefix(MAGIC) else {
            return Err(if !head.is_empty() && MAGIC.starts_with(head) {
                BackupError::Truncated
            } else {
                BackupError::NotABackup
            });
        };
        let Some(version) = version.strip_prefix('.').and_then(parse_version) else {
            // A file that ends within its first line was cut there.
            return Err(if text.contains('\n') {
                BackupError::Malformed
            } else {
                BackupError::Truncated
            });
        };
        if version > VERSION {
            return Err(BackupError::NewerVersion { found: version });
        }
        if version != VERSION {
            return Err(BackupError::Malformed);
        }
        let sealed = lines.next().unwrap_or_default();
        let sum = lines.next().unwrap_or_default();
        if sealed.is_empty() || sum.is_empty() {
            return Err(BackupError::Truncated);
        }
        if lines.any(|rest| !rest.is_empty()) {
            return Err(BackupError::Malformed);
        }
        let expected = checksum(head, sealed);
        if sum != expected {
            return Err(if expected.starts_with(sum) {
                BackupError::Truncated
            } else if sum.starts_with(CHECKSUM) {
                BackupError::Altered
            } else {
                BackupError::Malformed
            });
        }
        let envelope = Envelope::parse(sealed).map_err(BackupError::Envelope)?;
        let KeySpec::Passphrase(params) = envelope.key.clone() else {
            return Err(BackupError::Malformed);
        };
        Ok(BackupFile { envelope, params })
    }

    /// The sealed list.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// The parameters that derive its key from the passphrase.
    pub fn params(&self) -> &Pbkdf2Params {
        &self.params
    }
}

/// The checksum line of a file whose first two lines are `head` and `sealed`.
fn checksum(head: &str, sealed: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(head.as_bytes());
    hasher.update(b"\n");
    hasher.update(sealed.as_bytes());
    let mut out = String::with_capacity(CHECKSUM.len() + 44);
    out.push_str(CHECKSUM);
    out.push('.');
    encode_into(&mut out, &hasher.finalize());
    out
}

/// The file's text for `sealed`, the envelope's text (sealed for [`purpose`]).
pub fn file_text(sealed: &str) -> String {
    let head = format!("{MAGIC}.{VERSION}");
    let sum = checksum(&head, sealed);
    format!("{head}\n{sealed}\n{sum}\n")
}

/// The name the file is saved under: `webtoken-backup-YYYY-MM-DD.txt` (the date in Japan).
pub fn file_name(now: u64) -> String {
    let date = webtoken_engine::clock::format_jst(now);
    format!("{MAGIC}-{}.txt", date.get(..10).unwrap_or("0000-00-00"))
}

/// Every readable token of `wallet`, as JSON.
struct Listing<'a> {
    wallet: &'a Wallet,
    created: u64,
}

impl ToJson for Listing<'_> {
    fn write_json(&self, out: &mut Out) {
        json::object(out, |o| {
            o.field("created", &self.created);
            o.field("tokens", &Tokens(self.wallet));
        });
    }
}

struct Tokens<'a>(&'a Wallet);

impl ToJson for Tokens<'_> {
    fn write_json(&self, out: &mut Out) {
        out.push('[');
        for (i, token) in self.0.tokens().iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let secret = Zeroizing::new(token.key.secret.to_base32());
            let params = &token.key.params;
            json::object(out, |o| {
                o.field("label", &token.label);
                o.field(
                    "token_id",
                    &token.token_id.as_ref().map(|id| id.as_str().to_owned()),
                );
                o.field(
                    "type",
                    if token.key.counter.is_some() {
                        "hotp"
                    } else {
                        "totp"
                    },
                );
                o.field("issuer", &token.key.issuer);
                o.field("account", &token.key.account);
                o.field("secret", secret.as_str());
                o.field("algorithm", params.algorithm.as_str());
                o.field("digits", &params.digits);
                o.field("period", &params.period);
                if let Some(counter) = token.key.counter {
                    o.field("counter", &counter);
                }
            });
        }
        out.push(']');
    }
}

/// The plaintext of a backup of `wallet` made at Unix time `created`: every token that can be
/// read (entries that cannot be read have nothing to back up). It holds the secrets: it only
/// ever leaves the page sealed.
pub fn contents(wallet: &Wallet, created: u64) -> Zeroizing<String> {
    json::to_string(&Listing { wallet, created })
}

/// What a backup holds, as the import's items.
#[derive(Debug)]
pub struct Restored {
    /// When the backup was made (Unix time; 0 when not said).
    pub created: u64,
    /// One item per token: the change that adds it, or why it cannot be added.
    pub items: Vec<Item>,
}

/// Reads the plaintext of an opened backup. A token that cannot be used is an item refused
/// with its reason (the report lists it); only a text that is not a backup list at all is an
/// error.
pub fn read_contents(plaintext: &[u8]) -> Result<Restored, BackupError> {
    let text = core::str::from_utf8(plaintext).map_err(|_| BackupError::BadContents)?;
    let value = json::parse(text).map_err(|_| BackupError::BadContents)?;
    let Value::Object(top) = &value else {
        return Err(BackupError::BadContents);
    };
    let Some(Value::Array(tokens)) = member(top, "tokens") else {
        return Err(BackupError::BadContents);
    };
    let created = match member(top, "created") {
        None | Some(Value::Null) => 0,
        Some(Value::Int {
            negative: false,
            magnitude,
        }) => *magnitude,
        Some(_) => return Err(BackupError::BadContents),
    };
    let items = tokens
        .iter()
        .enumerate()
        .map(|(index, token)| {
            let mut item = item(token, index + 1);
            if index >= MAX_ENTRIES {
                item.op = Err(Refusal::TooMany);
            }
            item
        })
        .collect();
    Ok(Restored { created, items })
}

/// One token of a backup as an import item.
fn item(value: &Value, number_in_file: usize) -> Item {
    let fields = match value {
        Value::Object(members) => members.as_slice(),
        _ => &[],
    };
    let label = string(fields, "label");
    let found = entry(
        Fields {
            kind: string(fields, "type"),
            issuer: string(fields, "issuer"),
            account: string(fields, "account"),
            secret: crate::import::optional_string(fields, "secret"),
            algorithm: crate::import::optional_string(fields, "algorithm"),
            digits: number(fields, "digits"),
            period: number(fields, "period"),
            counter: crate::import::counter(fields, "counter"),
        },
        number_in_file,
    );
    // Named as the customer knows it: its label, with its account.
    let name = match &found.result {
        Ok(key) => name_of(label, &key.account, number_in_file),
        Err(_) => name_of(label, string(fields, "account"), number_in_file),
    };
    let token_id = match member(fields, "token_id") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Str(id)) => TokenId::parse(id)
            .map(Some)
            .map_err(|_| Refusal::Missing { field: "token_id" }),
        Some(_) => Err(Refusal::Missing { field: "token_id" }),
    };
    let result = found.result.and_then(|key| Ok((key, token_id?)));
    Item {
        name,
        short: result
            .as_ref()
            .is_ok_and(|(key, _)| key.secret.is_shorter_than_recommended()),
        op: result.map(|(key, token_id)| {
            let label = normalize_label(label).unwrap_or_else(|_| {
                (key.issuer.as_deref().unwrap_or(&key.account))
                    .chars()
                    .take(MAX_LABEL_CHARS)
                    .collect()
            });
            WalletOp::Add {
                label,
                token_id,
                key,
            }
        }),
    }
}

/// What the list looked like, without any secret: each readable token's number and label. A
/// token added, deleted, replaced or renamed changes it; choosing another token does not.
pub fn fingerprint(wallet: &Wallet) -> String {
    let mut hasher = Sha256::new();
    for token in wallet.tokens() {
        hasher.update(token.id.to_be_bytes());
        hasher.update((token.label.len() as u64).to_be_bytes());
        hasher.update(token.label.as_bytes());
    }
    let mut out = String::with_capacity(22);
    encode_into(&mut out, &hasher.finalize()[..16]);
    out
}

/// The last backup made in this browser: when, and the list's [`fingerprint`] then. Stored
/// in the clear beside the list: it holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// Unix time of the backup.
    pub at: u64,
    /// The list's fingerprint then.
    pub fingerprint: String,
}

impl Mark {
    /// The stored text: `<at> <fingerprint>`.
    pub fn to_text(&self) -> String {
        format!("{} {}", self.at, self.fingerprint)
    }

    /// Reads the stored text; `None` when it is not one [`Mark::to_text`] writes.
    pub fn parse(text: &str) -> Option<Mark> {
        let (at, fingerprint) = text.split_once(' ')?;
        let fine = fingerprint.len() == 22
            && crate::vault::decode(fingerprint).is_some_and(|bytes| bytes.len() == 16);
        fine.then(|| Mark {
            at: parse_version(at).unwrap_or(0),
            fingerprint: fingerprint.to_owned(),
        })
        .filter(|mark| mark.at > 0)
    }
}

/// The reminder about backups for a list with tokens: `None` when it has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// No backup was made in this browser.
    Never,
    /// Tokens changed since the backup made at this Unix time.
    Changed(u64),
    /// The backup made at this Unix time holds the list as it is.
    Current(u64),
}

impl Reminder {
    /// The reminder for `wallet`, given the last backup's mark.
    pub fn of(wallet: &Wallet, mark: Option<&Mark>) -> Option<Reminder> {
        if wallet.tokens().is_empty() {
            return None;
        }
        Some(match mark {
            None => Reminder::Never,
            Some(mark) if mark.fingerprint == fingerprint(wallet) => Reminder::Current(mark.at),
            Some(mark) => Reminder::Changed(mark.at),
        })
    }

    /// Its text in `lang`.
    pub fn text(self, lang: Lang) -> String {
        let (key, at) = match self {
            Reminder::Never => return Text::BackupNever.get(lang).to_owned(),
            Reminder::Changed(at) => (Text::BackupChanged, at),
            Reminder::Current(at) => (Text::BackupCurrent, at),
        };
        let when = webtoken_engine::clock::format_jst(at);
        fill(key.get(lang), &[("when", &when.get(..16).unwrap_or(&when))])
    }

    /// Whether it asks for a new backup.
    pub fn is_due(self) -> bool {
        !matches!(self, Reminder::Current(_))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
