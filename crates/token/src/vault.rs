//! The stored format of an encrypted record: a versioned envelope around AES-256-GCM
//! ciphertext, with the parameters of its key.
//!
//! The browser shell encrypts (WebCrypto); this module decides what is stored and refuses
//! what must not be used, before any key is derived. One envelope is one line of ASCII:
//!
//! ```text
//! webtoken-vault.1.A256GCM.device.<key id>.<nonce>.<ciphertext and tag>
//! webtoken-vault.1.A256GCM.pbkdf2-sha256.<iterations>.<salt>.<nonce>.<ciphertext and tag>
//! ```
//!
//! Binary fields are unpadded Base64url (RFC 4648 section 5), canonical: a field that decodes
//! but is written another way is refused. Everything before the nonce is the *header*; the
//! header and the record's purpose (`token-wallet`, `token-service`, ...) are the AES-GCM
//! additional data, so a header edited in any byte, or a record moved to another purpose,
//! fails authentication. Passphrase keys need at least [`MIN_PBKDF2_ITERATIONS`](crate::vault::MIN_PBKDF2_ITERATIONS) iterations of
//! PBKDF2-HMAC-SHA256 (OWASP's 2023 figure); fewer, or more than [`MAX_PBKDF2_ITERATIONS`](crate::vault::MAX_PBKDF2_ITERATIONS)
//! (which would hang the tab), are refused when the envelope is read.
//!
//! ```
//! use webtoken_token::vault::{Envelope, KeySpec};
//! let envelope = Envelope {
//!     key: KeySpec::Device { key_id: [7; 8] },
//!     nonce: [1; 12],
//!     ciphertext: vec![0xAB; 20],
//! };
//! let text = envelope.to_text();
//! assert!(text.starts_with("webtoken-vault.1.A256GCM.device.BwcHBwcHBwc."));
//! assert_eq!(Envelope::parse(&text), Ok(envelope));
//! ```

use core::fmt;

use webtoken_engine::i18n::vault::Text;
use webtoken_engine::i18n::{Lang, fill};

/// The first field of every envelope.
pub const MAGIC: &str = "webtoken-vault";
/// The format version this code writes and reads.
pub const VERSION: &str = "1";
/// The only cipher: AES-256-GCM with a 96-bit nonce and a 128-bit tag (NIST SP 800-38D).
pub const ALGORITHM: &str = "A256GCM";
/// Fewest PBKDF2-HMAC-SHA256 iterations accepted (OWASP Password Storage Cheat Sheet, 2023).
pub const MIN_PBKDF2_ITERATIONS: u32 = 600_000;
/// Iterations used for a new passphrase.
pub const DEFAULT_PBKDF2_ITERATIONS: u32 = 600_000;
/// Most iterations accepted: more would keep the page busy for minutes.
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// Bytes of a new PBKDF2 salt; salts of 16 to 64 bytes are read.
pub const SALT_BYTES: usize = 16;
/// Longest salt read, in bytes.
pub const MAX_SALT_BYTES: usize = 64;
/// Bytes of an AES-GCM nonce.
pub const NONCE_BYTES: usize = 12;
/// Bytes of an AES-GCM tag, at the end of the ciphertext.
pub const TAG_BYTES: usize = 16;
/// Bytes of a device key's identifier.
pub const KEY_ID_BYTES: usize = 8;
/// Longest envelope read, in bytes (the records are small; this bounds the work).
pub const MAX_ENVELOPE_BYTES: usize = 4 * 1024 * 1024;
/// Shortest passphrase accepted, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Which key encrypts a record, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySpec {
    /// A non-extractable AES-256 key the browser keeps for this site (IndexedDB).
    Device {
        /// Random identifier stored beside the key, so that a missing key can be told from
        /// damaged data.
        key_id: [u8; KEY_ID_BYTES],
    },
    /// A key derived from the customer's passphrase with PBKDF2-HMAC-SHA256 (RFC 8018 5.2).
    Passphrase(Pbkdf2Params),
}

/// PBKDF2-HMAC-SHA256 parameters, checked on construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pbkdf2Params {
    iterations: u32,
    salt: Vec<u8>,
}

impl Pbkdf2Params {
    /// Parameters with `iterations` and `salt`, refused when below the minimum or out of range.
    pub fn new(iterations: u32, salt: Vec<u8>) -> Result<Self, VaultError> {
        if iterations < MIN_PBKDF2_ITERATIONS {
            return Err(VaultError::IterationsTooLow { iterations });
        }
        if iterations > MAX_PBKDF2_ITERATIONS {
            return Err(VaultError::IterationsTooHigh { iterations });
        }
        if !(SALT_BYTES..=MAX_SALT_BYTES).contains(&salt.len()) {
            return Err(VaultError::BadLength { field: "salt" });
        }
        Ok(Self { iterations, salt })
    }

    /// The iteration count.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// The salt.
    pub fn salt(&self) -> &[u8] {
        &self.salt
    }
}

impl KeySpec {
    /// The header fields for this key: everything an envelope stores before its nonce.
    pub fn header(&self) -> String {
        let mut out = String::with_capacity(80);
        out.push_str(MAGIC);
        out.push('.');
        out.push_str(VERSION);
        out.push('.');
        out.push_str(ALGORITHM);
        out.push('.');
        match self {
            KeySpec::Device { key_id } => {
                out.push_str("device.");
                encode_into(&mut out, key_id);
            }
            KeySpec::Passphrase(p) => {
                out.push_str("pbkdf2-sha256.");
                out.push_str(&p.iterations.to_string());
                out.push('.');
                encode_into(&mut out, &p.salt);
            }
        }
        out
    }

    /// The AES-GCM additional data for a record of `purpose` under this key: the purpose, a
    /// zero byte, and the header.
    pub fn additional_data(&self, purpose: &str) -> Vec<u8> {
        let mut aad = Vec::with_capacity(purpose.len() + 81);
        aad.extend_from_slice(purpose.as_bytes());
        aad.push(0);
        aad.extend_from_slice(self.header().as_bytes());
        aad
    }
}

/// One encrypted record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The key and its parameters.
    pub key: KeySpec,
    /// The AES-GCM nonce, random for every encryption.
    pub nonce: [u8; NONCE_BYTES],
    /// The ciphertext followed by the 16-byte tag.
    pub ciphertext: Vec<u8>,
}

impl Envelope {
    /// The stored text.
    pub fn to_text(&self) -> String {
        let mut out = self.key.header();
        out.push('.');
        encode_into(&mut out, &self.nonce);
        out.push('.');
        encode_into(&mut out, &self.ciphertext);
        out
    }

    /// The AES-GCM additional data (see [`KeySpec::additional_data`]).
    pub fn additional_data(&self, purpose: &str) -> Vec<u8> {
        self.key.additional_data(purpose)
    }

    /// Reads a stored envelope, refusing unknown versions and algorithms, weak or excessive
    /// parameters, and anything not written exactly as [`Envelope::to_text`] writes it.
    pub fn parse(text: &str) -> Result<Self, VaultError> {
        if text.len() > MAX_ENVELOPE_BYTES {
            return Err(VaultError::TooLong);
        }
        let fields: Vec<&str> = text.split('.').collect();
        if fields.first() != Some(&MAGIC) {
            return Err(VaultError::NotAVault);
        }
        match fields.get(1) {
            Some(&VERSION) => {}
            Some(other) => {
                return Err(VaultError::UnsupportedVersion { found: clip(other) });
            }
            None => return Err(VaultError::Truncated),
        }
        match fields.get(2) {
            Some(&ALGORITHM) => {}
            Some(other) => {
                return Err(VaultError::UnsupportedAlgorithm { found: clip(other) });
            }
            None => return Err(VaultError::Truncated),
        }
        let (key, rest) = match fields.get(3) {
            Some(&"device") => {
                let [key_id, rest @ ..] = &fields[4..] else {
                    return Err(VaultError::Truncated);
                };
                let key_id = fixed::<KEY_ID_BYTES>(key_id, "key id")?;
                (KeySpec::Device { key_id }, rest)
            }
            Some(&"pbkdf2-sha256") => {
                let [iterations, salt, rest @ ..] = &fields[4..] else {
                    return Err(VaultError::Truncated);
                };
                let iterations = parse_u32(iterations).ok_or(VaultError::BadNumber {
                    field: "iterations",
                })?;
                let salt = decode(salt).ok_or(VaultError::BadEncoding { field: "salt" })?;
                (
                    KeySpec::Passphrase(Pbkdf2Params::new(iterations, salt)?),
                    rest,
                )
            }
            Some(other) => {
                return Err(VaultError::UnknownKeyKind { found: clip(other) });
            }
            None => return Err(VaultError::Truncated),
        };
        let [nonce, ciphertext] = rest else {
            return Err(if rest.len() < 2 {
                VaultError::Truncated
            } else {
                VaultError::ExtraFields
            });
        };
        let nonce = fixed::<NONCE_BYTES>(nonce, "nonce")?;
        let ciphertext = decode(ciphertext).ok_or(VaultError::BadEncoding {
            field: "ciphertext",
        })?;
        if ciphertext.len() < TAG_BYTES {
            return Err(VaultError::BadLength {
                field: "ciphertext",
            });
        }
        Ok(Envelope {
            key,
            nonce,
            ciphertext,
        })
    }
}

/// What ends a stored record that carries its version: the envelope, `~` and the version in
/// decimal (`~` is in no envelope). Records written before versions are the bare envelope
/// (version 0).
pub const VERSION_MARK: char = '~';

/// The stored text of `envelope` sealed as `version` (see [`versioned_purpose`]).
pub fn with_version(version: u64, envelope: &str) -> String {
    format!("{envelope}{VERSION_MARK}{version}")
}

/// The version and the envelope of a stored text: a bare envelope is version 0.
pub fn split_version(text: &str) -> Result<(u64, &str), VaultError> {
    let Some((envelope, version)) = text.rsplit_once(VERSION_MARK) else {
        return Ok((0, text));
    };
    match parse_version(version) {
        Some(version) if version > 0 => Ok((version, envelope)),
        _ => Err(VaultError::BadNumber { field: "version" }),
    }
}

/// A version as written: plain decimal digits, no leading zero.
pub use webtoken_engine::persist::parse_version;

/// The purpose a record of `version` is sealed for: with the purpose, it is part of the
/// AES-GCM additional data, so a text that claims another version fails authentication.
/// Version 0 (records written before versions) is the bare purpose.
pub fn versioned_purpose(purpose: &str, version: u64) -> String {
    if version == 0 {
        purpose.to_owned()
    } else {
        format!("{purpose}.v{version}")
    }
}

/// Why a stored record cannot be read, or a key cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VaultError {
    /// The text is not an envelope of this application.
    NotAVault,
    /// Longer than [`MAX_ENVELOPE_BYTES`].
    TooLong,
    /// A version this code does not know (written by a newer page, or edited).
    UnsupportedVersion {
        /// The version found (at most 16 characters of it).
        found: String,
    },
    /// An algorithm other than AES-256-GCM.
    UnsupportedAlgorithm {
        /// The algorithm found (at most 16 characters of it).
        found: String,
    },
    /// A key kind other than `device` or `pbkdf2-sha256`.
    UnknownKeyKind {
        /// The kind found (at most 16 characters of it).
        found: String,
    },
    /// Fields are missing.
    Truncated,
    /// There are more fields than the format has.
    ExtraFields,
    /// A field is not canonical unpadded Base64url.
    BadEncoding {
        /// The field.
        field: &'static str,
    },
    /// A field decodes to the wrong number of bytes.
    BadLength {
        /// The field.
        field: &'static str,
    },
    /// A number field is not a plain decimal number.
    BadNumber {
        /// The field.
        field: &'static str,
    },
    /// Fewer PBKDF2 iterations than [`MIN_PBKDF2_ITERATIONS`].
    IterationsTooLow {
        /// The iterations found.
        iterations: u32,
    },
    /// More PBKDF2 iterations than [`MAX_PBKDF2_ITERATIONS`].
    IterationsTooHigh {
        /// The iterations found.
        iterations: u32,
    },
    /// AES-GCM authentication failed under the device key: the data was damaged or altered.
    Damaged,
    /// The record was encrypted under a device key this browser no longer has.
    DeviceKeyMissing,
    /// AES-GCM authentication failed under a passphrase key: a wrong passphrase, or altered data.
    WrongPassphrase,
    /// The passphrase is shorter than [`MIN_PASSPHRASE_CHARS`].
    PassphraseTooShort,
    /// The record decrypted but its contents are not what this page writes.
    BadContents,
    /// The record is an older version than one this browser saw before: a copy put back in
    /// place of a newer one. Nothing of it is used; it is kept until the customer decides.
    RolledBack {
        /// Its version.
        found: u64,
        /// The highest version seen, kept apart from the record.
        highest: u64,
    },
}

impl VaultError {
    /// The message in `lang` (from the `[vault]` section of the catalogue).
    pub fn message(&self, lang: Lang) -> String {
        let (key, args): (Text, &[(&str, &dyn fmt::Display)]) = match self {
            VaultError::NotAVault
            | VaultError::TooLong
            | VaultError::Truncated
            | VaultError::ExtraFields
            | VaultError::BadEncoding { .. }
            | VaultError::BadLength { .. }
            | VaultError::BadNumber { .. } => (Text::Malformed, &[]),
            VaultError::UnsupportedVersion { found } => {
                (Text::UnsupportedVersion, &[("found", found)])
            }
            VaultError::UnsupportedAlgorithm { found } => {
                (Text::UnsupportedAlgorithm, &[("found", found)])
            }
            VaultError::UnknownKeyKind { found } => (Text::UnknownKeyKind, &[("found", found)]),
            VaultError::IterationsTooLow { iterations } => (
                Text::IterationsTooLow,
                &[("iterations", iterations), ("min", &MIN_PBKDF2_ITERATIONS)],
            ),
            VaultError::IterationsTooHigh { iterations } => {
                (Text::IterationsTooHigh, &[("iterations", iterations)])
            }
            VaultError::Damaged => (Text::Damaged, &[]),
            VaultError::DeviceKeyMissing => (Text::DeviceKeyMissing, &[]),
            VaultError::WrongPassphrase => (Text::WrongPassphrase, &[]),
            VaultError::PassphraseTooShort => {
                (Text::PassphraseTooShort, &[("min", &MIN_PASSPHRASE_CHARS)])
            }
            VaultError::BadContents => (Text::BadContents, &[]),
            VaultError::RolledBack { found, highest } => {
                (Text::RolledBack, &[("found", found), ("highest", highest)])
            }
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

impl fmt::Display for VaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for VaultError {}

/// Checks a new passphrase's length (in characters, not bytes).
pub fn check_passphrase(passphrase: &str) -> Result<(), VaultError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        Err(VaultError::PassphraseTooShort)
    } else {
        Ok(())
    }
}

fn clip(s: &str) -> String {
    s.chars().take(16).collect()
}

/// A plain decimal `u32`: digits only, no sign, no leading zero.
fn parse_u32(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

fn fixed<const N: usize>(field: &str, name: &'static str) -> Result<[u8; N], VaultError> {
    let bytes = decode(field).ok_or(VaultError::BadEncoding { field: name })?;
    bytes
        .try_into()
        .map_err(|_| VaultError::BadLength { field: name })
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends unpadded Base64url (RFC 4648 section 5).
pub fn encode_into(out: &mut String, bytes: &[u8]) {
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
}

/// Decodes canonical unpadded Base64url; `None` on any other character, a bad length or
/// non-zero trailing bits.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        } as u32)
    };
    let bytes = text.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0_u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        let keep = chunk.len() - 1;
        let all = n.to_be_bytes();
        out.extend_from_slice(&all[1..=keep]);
        // Bits below the last whole byte must be zero, or two texts would give the same bytes.
        if keep < 3 && all[1 + keep] != 0 {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
