//! Import a token from another service, or export one to an authenticator app, as a Key URI:
//!
//! ```text
//! otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
//! otpauth://hotp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&counter=0
//! ```
//!
//! # Policy
//!
//! - `totp` (time-based, RFC 6238) and `hotp` (counter-based, RFC 4226) are accepted. An `hotp`
//!   URI needs `counter`, a decimal number from 0 to 2^64 - 1 (the counter of the first code
//!   the token shows); its `period` is ignored. A `totp` URI's `counter` is ignored. Input longer than [`MAX_URI_BYTES`](crate::otpauth::MAX_URI_BYTES) is refused
//!   unread. Scheme, type and parameter names are matched without regard to case; surrounding
//!   white space is ignored.
//! - The label is `issuer:account` or `account`, percent-encoded UTF-8; the colon may be
//!   written `%3A`, and spaces after it are dropped. In the label `+` is a plus sign; in
//!   parameter values it is a space (as HTML forms encode them).
//! - `secret` is required (Base32, 80 bits at least: what services issue and every
//!   authenticator stores; the panel notes one under the 128 bits an issuer should give). `algorithm`,
//!   `digits` and `period` default to SHA1, 6 and 30; digits must be 6 to 8 and the period 1 to
//!   [`MAX_PERIOD`](webtoken_engine::MAX_PERIOD) seconds. When both the label and the `issuer`
//!   parameter name an issuer, they must agree. A parameter given twice is refused; unknown
//!   parameters (`image`, ...) are ignored. Control characters in the label or issuer
//!   are refused.
//! - No error and no `Debug` output contains the secret.
//!
//! ```
//! use webtoken_engine::Algorithm;
//! use webtoken_token::otpauth::KeyUri;
//! let uri = "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ\
//!            &issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";
//! let key = KeyUri::parse(uri).expect("the Key URI Format example");
//! assert_eq!(key.issuer.as_deref(), Some("ACME Co"));
//! assert_eq!(key.account, "john.doe@email.com");
//! assert_eq!(key.params.algorithm, Algorithm::Sha1);
//! assert_eq!(key.to_uri(), uri);
//! ```

use core::fmt;
use core::str::FromStr;

use zeroize::Zeroizing;

use webtoken_engine::i18n::otpauth::Text;
use webtoken_engine::i18n::{Lang, fill};
use webtoken_engine::{Algorithm, EngineError, MAX_PERIOD, Params, Secret};

use crate::wallet::is_invisible_format;

#[cfg(test)]
mod tests;

pub mod fields;

/// Longest URI accepted, in bytes.
pub const MAX_URI_BYTES: usize = 2048;

/// A credential as an `otpauth://totp/` or `otpauth://hotp/` URI describes it.
///
/// `Debug` shows the secret as `Secret(<redacted>)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUri {
    /// The service the account belongs to, if named (label prefix or `issuer` parameter).
    ///
    /// The Key URI format forbids a colon in it; [`KeyUri::to_uri`] relies on that.
    pub issuer: Option<String>,
    /// The account name, e.g. an e-mail address or a Token ID.
    pub account: String,
    /// The shared secret.
    pub secret: Secret,
    /// Algorithm, digits and period (T0 is always 0 in this format; HOTP has no period, and
    /// keeps the default).
    pub params: Params,
    /// `None` for a time-based (TOTP) token; for a counter-based (HOTP, RFC 4226) token, the
    /// counter C of the code it shows now.
    pub counter: Option<u64>,
}

/// Why a text is not an `otpauth://totp/` URI this token can use.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OtpauthError {
    /// Longer than [`MAX_URI_BYTES`].
    TooLong {
        /// Length of the input in bytes.
        bytes: usize,
    },
    /// Does not start with `otpauth://`.
    NotOtpauth,
    /// An `otpauth://hotp/` URI without a `counter` (the Key URI format requires one).
    MissingCounter,
    /// A `counter` that is not a decimal number from 0 to 2^64 - 1.
    InvalidCounter {
        /// The value given (at most 32 characters of it).
        value: String,
    },
    /// A type other than `totp` or `hotp`.
    UnknownType,
    /// The label names no account.
    MissingAccount,
    /// A `%` not followed by two hexadecimal digits, or bytes that are not UTF-8.
    BadPercentEncoding {
        /// Where: `label`, `secret`, `issuer`, `algorithm`, `digits` or `period`.
        part: &'static str,
    },
    /// A control character (such as a line break) in the label or issuer.
    ControlCharacter {
        /// Where: `label` or `issuer`.
        part: &'static str,
    },
    /// No `secret` parameter, or an empty one.
    MissingSecret,
    /// The secret is not Base32.
    SecretNotBase32 {
        /// Position of the first bad character in the secret, counting from 1; `None` when the
        /// characters are valid but their number cannot encode whole bytes.
        position: Option<usize>,
    },
    /// The secret is shorter than the 80 bits a token accepts.
    SecretTooShort {
        /// Its length in bits.
        bits: usize,
    },
    /// The secret is longer than the engine accepts.
    SecretTooLong {
        /// Its length in bytes.
        bytes: usize,
    },
    /// An `algorithm` other than SHA1, SHA256 or SHA512.
    UnknownAlgorithm {
        /// The value given (at most 32 characters of it).
        name: String,
    },
    /// `digits` is not 6, 7 or 8.
    InvalidDigits {
        /// The value given (at most 32 characters of it).
        value: String,
    },
    /// `period` is not a number of seconds from 1 to [`MAX_PERIOD`].
    InvalidPeriod {
        /// The value given (at most 32 characters of it).
        value: String,
    },
    /// The label's issuer prefix and the `issuer` parameter differ.
    IssuerMismatch {
        /// The issuer in the label.
        label: String,
        /// The `issuer` parameter.
        parameter: String,
    },
    /// The `issuer` parameter contains a colon, which the format forbids.
    IssuerHasColon,
    /// A parameter appears more than once.
    DuplicateParameter {
        /// Its name.
        name: &'static str,
    },
}

impl OtpauthError {
    /// The message in `lang` (from the `[otpauth]` section of the catalogue).
    pub fn message(&self, lang: Lang) -> String {
        let (key, args): (Text, &[(&str, &dyn fmt::Display)]) = match self {
            OtpauthError::TooLong { bytes } => {
                (Text::TooLong, &[("bytes", bytes), ("max", &MAX_URI_BYTES)])
            }
            OtpauthError::NotOtpauth => (Text::NotOtpauth, &[]),
            OtpauthError::MissingCounter => (Text::MissingCounter, &[]),
            OtpauthError::InvalidCounter { value } => (Text::InvalidCounter, &[("value", value)]),
            OtpauthError::UnknownType => (Text::UnknownType, &[]),
            OtpauthError::MissingAccount => (Text::MissingAccount, &[]),
            OtpauthError::BadPercentEncoding { part } => (
                Text::BadPercentEncoding,
                &[("part", &part_name(part, lang))],
            ),
            OtpauthError::ControlCharacter { part } => {
                (Text::ControlCharacter, &[("part", &part_name(part, lang))])
            }
            OtpauthError::MissingSecret => (Text::MissingSecret, &[]),
            OtpauthError::SecretNotBase32 {
                position: Some(position),
            } => (Text::SecretNotBase32, &[("position", position)]),
            OtpauthError::SecretNotBase32 { position: None } => (Text::SecretWrongLength, &[]),
            OtpauthError::SecretTooShort { bits } => (Text::SecretTooShort, &[("bits", bits)]),
            OtpauthError::SecretTooLong { bytes } => (Text::SecretTooLong, &[("bytes", bytes)]),
            OtpauthError::UnknownAlgorithm { name } => (Text::UnknownAlgorithm, &[("name", name)]),
            OtpauthError::InvalidDigits { value } => (Text::InvalidDigits, &[("value", value)]),
            OtpauthError::InvalidPeriod { value } => (
                Text::InvalidPeriod,
                &[("value", value), ("max", &MAX_PERIOD)],
            ),
            OtpauthError::IssuerMismatch { label, parameter } => (
                Text::IssuerMismatch,
                &[("label", label), ("parameter", parameter)],
            ),
            OtpauthError::IssuerHasColon => (Text::IssuerHasColon, &[]),
            OtpauthError::DuplicateParameter { name } => {
                (Text::DuplicateParameter, &[("name", name)])
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

impl fmt::Display for OtpauthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for OtpauthError {}

impl KeyUri {
    /// Reads an `otpauth://totp/` or `otpauth://hotp/` URI, following the policy in the module
    /// docs.
    pub fn parse(uri: &str) -> Result<KeyUri, OtpauthError> {
        if uri.len() > MAX_URI_BYTES {
            return Err(OtpauthError::TooLong { bytes: uri.len() });
        }
        let uri = uri.trim();
        let rest = strip_prefix_ignore_case(uri, "otpauth://").ok_or(OtpauthError::NotOtpauth)?;
        let (kind, rest) = rest.split_once('/').unwrap_or((rest, ""));
        let hotp = kind.eq_ignore_ascii_case("hotp");
        if !hotp && !kind.eq_ignore_ascii_case("totp") {
            return Err(OtpauthError::UnknownType);
        }
        let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
        let (label, query) = rest.split_once('?').unwrap_or((rest, ""));

        let label = decode(label, false, "label")?;
        let (prefix, account) = match label.split_once(':') {
            Some((issuer, account)) => (Some(issuer), account.trim_start_matches(' ')),
            None => (None, label.as_str()),
        };
        if account.is_empty() {
            return Err(OtpauthError::MissingAccount);
        }

        let mut secret: Option<Zeroizing<String>> = None;
        let (mut issuer, mut algorithm, mut digits, mut period) = (None, None, None, None);
        let mut counter = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (name, slot) = match name.to_ascii_lowercase().as_str() {
                "secret" => {
                    let value = Zeroizing::new(decode(value, true, "secret")?);
                    set_once(&mut secret, value, "secret")?;
                    continue;
                }
                "issuer" => ("issuer", &mut issuer),
                "algorithm" => ("algorithm", &mut algorithm),
                "digits" => ("digits", &mut digits),
                "period" if !hotp => ("period", &mut period),
                "counter" if hotp => ("counter", &mut counter),
                _ => continue,
            };
            set_once(slot, decode(value, true, name)?, name)?;
        }

        let issuer = match (
            prefix.filter(|p| !p.is_empty()),
            issuer.filter(|i| !i.is_empty()),
        ) {
            (_, Some(parameter)) if parameter.contains(':') => {
                return Err(OtpauthError::IssuerHasColon);
            }
            (Some(label), Some(parameter)) if label != parameter => {
                return Err(OtpauthError::IssuerMismatch {
                    label: label.to_owned(),
                    parameter,
                });
            }
            (label, parameter) => parameter.or_else(|| label.map(str::to_owned)),
        };
        let secret = match secret {
            Some(text) if !text.trim().is_empty() => {
                Secret::from_base32(&text).map_err(secret_error)?
            }
            _ => return Err(OtpauthError::MissingSecret),
        };
        let mut params = Params::default();
        if let Some(name) = algorithm {
            params.algorithm = name
                .parse::<Algorithm>()
                .map_err(|_| OtpauthError::UnknownAlgorithm { name: clip(&name) })?;
        }
        if let Some(value) = digits {
            params.digits = parse_number(&value)
                .and_then(|d| u8::try_from(d).ok())
                .filter(|d| (6..=8).contains(d))
                .ok_or_else(|| OtpauthError::InvalidDigits {
                    value: clip(&value),
                })?;
        }
        if let Some(value) = period {
            params.period = parse_number(&value)
                .filter(|p| (1..=MAX_PERIOD).contains(p))
                .ok_or_else(|| OtpauthError::InvalidPeriod {
                    value: clip(&value),
                })?;
        }
        let counter = match (hotp, counter) {
            (false, _) => None,
            (true, None) => return Err(OtpauthError::MissingCounter),
            (true, Some(value)) => {
                Some(
                    parse_counter(&value).ok_or_else(|| OtpauthError::InvalidCounter {
                        value: clip(&value),
                    })?,
                )
            }
        };
        Ok(KeyUri {
            issuer,
            account: account.to_owned(),
            secret,
            params,
            counter,
        })
    }

    /// The canonical URI: label `issuer:account`, then `secret`, `issuer`, `algorithm`,
    /// `digits` and `period` (for HOTP, `counter` instead of `period`), with everything but `A-Z a-z 0-9 - . _ ~ @` percent-encoded.
    ///
    /// The result contains the secret in clear: show it only when the customer asks.
    pub fn to_uri(&self) -> String {
        let secret = Zeroizing::new(self.secret.to_base32());
        // Room for the worst case (every name byte as %XX), so the secret is never copied by a
        // reallocation.
        let names = self.account.len() + 2 * self.issuer.as_ref().map_or(0, String::len);
        let mut uri = String::with_capacity(100 + secret.len() + 3 * names);
        uri.push_str(match self.counter {
            None => "otpauth://totp/",
            Some(_) => "otpauth://hotp/",
        });
        if let Some(issuer) = &self.issuer {
            encode(&mut uri, issuer);
            uri.push(':');
        }
        encode(&mut uri, &self.account);
        uri.push_str("?secret=");
        uri.push_str(&secret);
        if let Some(issuer) = &self.issuer {
            uri.push_str("&issuer=");
            encode(&mut uri, issuer);
        }
        uri.push_str("&algorithm=");
        uri.push_str(self.params.algorithm.as_str());
        uri.push_str("&digits=");
        uri.push_str(&self.params.digits.to_string());
        match self.counter {
            None => {
                uri.push_str("&period=");
                uri.push_str(&self.params.period.to_string());
            }
            Some(counter) => {
                uri.push_str("&counter=");
                uri.push_str(&counter.to_string());
            }
        }
        uri
    }

    /// Whether it is the same credential as `other` (issuer, account, secret, parameters),
    /// whatever either's HOTP counter: a token imported again is a duplicate even when its
    /// counter has moved on.
    pub fn same_credential(&self, other: &KeyUri) -> bool {
        self.issuer == other.issuer
            && self.account == other.account
            && self.secret == other.secret
            && self.params == other.params
            && self.counter.is_some() == other.counter.is_some()
    }
}

impl FromStr for KeyUri {
    type Err = OtpauthError;

    /// Same as [`KeyUri::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KeyUri::parse(s)
    }
}

/// The name of a part of the URI (`label`, `secret`, ...) in `lang`.
fn part_name(part: &str, lang: Lang) -> &str {
    let key = match part {
        "label" => Text::PartLabel,
        "secret" => Text::PartSecret,
        "issuer" => Text::PartIssuer,
        "algorithm" => Text::PartAlgorithm,
        "digits" => Text::PartDigits,
        "period" => Text::PartPeriod,
        other => return other,
    };
    key.get(lang)
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Stores `value` in an empty `slot`, or reports the parameter `name` as repeated.
fn set_once<T>(slot: &mut Option<T>, value: T, name: &'static str) -> Result<(), OtpauthError> {
    if slot.is_some() {
        return Err(OtpauthError::DuplicateParameter { name });
    }
    *slot = Some(value);
    Ok(())
}

/// Percent-decodes `text` as UTF-8 (`+` as a space when `plus_is_space`), refusing control
/// characters except in the secret.
pub(crate) fn decode(
    text: &str,
    plus_is_space: bool,
    part: &'static str,
) -> Result<String, OtpauthError> {
    let bad = OtpauthError::BadPercentEncoding { part };
    // Decoded text is never longer, so the buffer never reallocates (and leaves no copies).
    let mut bytes = Zeroizing::new(Vec::with_capacity(text.len()));
    let mut input = text.bytes();
    while let Some(byte) = input.next() {
        bytes.push(match byte {
            b'%' => {
                let mut hex = || input.next().and_then(|h| char::from(h).to_digit(16));
                match (hex(), hex()) {
                    (Some(high), Some(low)) => (high * 16 + low) as u8,
                    _ => return Err(bad),
                }
            }
            b'+' if plus_is_space => b' ',
            _ => byte,
        });
    }
    let decoded = String::from_utf8(core::mem::take(&mut *bytes)).map_err(|error| {
        // Wipe the rejected bytes too: they may be (part of) a secret.
        drop(Zeroizing::new(error.into_bytes()));
        bad
    })?;
    if part == "secret" {
        return Ok(decoded);
    }
    if decoded.chars().any(char::is_control) {
        return Err(OtpauthError::ControlCharacter { part });
    }
    // Bidirectional controls and zero-width characters are dropped from what is shown (the
    // label and the issuer): they can make "Shinkin Bank" of other text.
    if decoded.chars().any(is_invisible_format) {
        let visible: String = decoded
            .chars()
            .filter(|&c| !is_invisible_format(c))
            .collect();
        return Ok(visible);
    }
    Ok(decoded)
}

/// Percent-encodes `text` onto `out`: unreserved characters (RFC 3986 section 2.3) and `@`
/// stay, everything else becomes `%XX` of its UTF-8 bytes.
pub(crate) fn encode(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }
}

/// A decimal number of at most 9 ASCII digits (no sign, no spaces).
fn parse_number(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// An HOTP counter: 1 to 20 ASCII digits whose value fits in 64 bits (RFC 4226 section 5.1's
/// 8-byte counter).
pub(crate) fn parse_counter(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// At most 32 characters of a value, for a message.
fn clip(text: &str) -> String {
    text.chars().take(32).collect()
}

/// The engine's complaint about a secret, without the secret's characters.
fn secret_error(error: EngineError) -> OtpauthError {
    match error {
        EngineError::SecretTooShort { bits } => OtpauthError::SecretTooShort { bits },
        EngineError::SecretTooLong { bytes } => OtpauthError::SecretTooLong { bytes },
        EngineError::InvalidBase32Character { position, .. } => OtpauthError::SecretNotBase32 {
            position: Some(position),
        },
        _ => OtpauthError::SecretNotBase32 { position: None },
    }
}
