//! The code engine: one-time passwords by RFC 4226 (HOTP) and RFC 6238 (TOTP), Token IDs and
//! typed-code input.
//!
//! Everything here is pure: time comes in as an argument (`u64` Unix seconds) and nothing reads a
//! clock; randomness comes in through the [`random::Random`] trait. Every code is computed one way, by [`PreparedKey`] (HMAC on RustCrypto's `sha1` and
//! `sha2`): [`hotp`], [`totp`] and [`code_at_step`] (the token's display and the JS API) key it
//! per call, and the token service keeps one per credential for validation. `totp-rs` is the
//! test oracle: a test proves every code equals its own.
//!
//! ```
//! use webtoken_engine::{Params, Secret, totp};
//! // RFC 6238 Appendix B: the SHA-1 seed at T = 1234567890 gives 89005924; the 6-digit form is 005924.
//! let secret = Secret::from_bytes(b"12345678901234567890".to_vec()).expect("20-byte seed");
//! assert_eq!(totp(&secret, 1_234_567_890, &Params::default()).expect("valid params"), "005924");
//! ```

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

pub mod address;
pub mod clock;
pub mod draw;
pub mod failure;
pub mod hex;
pub mod i18n;
pub mod input;
pub mod json;
mod otp;
pub mod persist;
pub mod queue;
pub mod random;
mod secret;
pub mod token_id;

#[cfg(test)]
mod tests;

pub use otp::SHA256_IV;
pub use otp::{PreparedKey, Sha1Batch};
pub use secret::{
    ISSUED_SECRET_BYTES, MAX_SECRET_BYTES, MIN_ISSUED_SECRET_BYTES, MIN_SECRET_BYTES, Secret,
};

/// The HMAC hash function of a credential (RFC 6238 section 1.2: SHA-1, SHA-256 or SHA-512).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Algorithm {
    /// HMAC-SHA-1, the RFC 4226 function and the one every authenticator supports.
    #[default]
    #[serde(rename = "SHA1", alias = "sha1")]
    Sha1,
    /// HMAC-SHA-256 (RFC 6238 section 1.2).
    #[serde(rename = "SHA256", alias = "sha256")]
    Sha256,
    /// HMAC-SHA-512 (RFC 6238 section 1.2).
    #[serde(rename = "SHA512", alias = "sha512")]
    Sha512,
}

impl Algorithm {
    /// The name used in `otpauth` URIs and the JS API: `"SHA1"`, `"SHA256"` or `"SHA512"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Algorithm {
    type Err = EngineError;

    /// Accepts `SHA1`, `SHA256` and `SHA512` in any case, with or without a hyphen (`SHA-256`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let matches = |name: &str| {
            trimmed.eq_ignore_ascii_case(name)
                || trimmed.eq_ignore_ascii_case(&name.replacen("SHA", "SHA-", 1))
        };
        if matches("SHA1") {
            Ok(Algorithm::Sha1)
        } else if matches("SHA256") {
            Ok(Algorithm::Sha256)
        } else if matches("SHA512") {
            Ok(Algorithm::Sha512)
        } else {
            Err(EngineError::UnknownAlgorithm {
                name: trimmed.chars().take(32).collect(),
            })
        }
    }
}

impl crate::json::ToJson for Algorithm {
    fn write_json(&self, out: &mut crate::json::Out) {
        crate::json::write_str(out, self.as_str());
    }
}

impl crate::json::FromJson for Algorithm {
    /// `"SHA1"`, `"SHA256"` or `"SHA512"` (or in lower case), as serde reads it.
    fn from_json(value: &crate::json::Value) -> Result<Self, crate::json::JsonError> {
        match value.as_str()? {
            "SHA1" | "sha1" => Ok(Algorithm::Sha1),
            "SHA256" | "sha256" => Ok(Algorithm::Sha256),
            "SHA512" | "sha512" => Ok(Algorithm::Sha512),
            other => Err(crate::json::unknown_variant(
                other,
                &["SHA1", "sha1", "SHA256", "sha256", "SHA512", "sha512"],
            )),
        }
    }
}

/// Smallest number of digits of a code (RFC 4226 section 5.3).
pub const MIN_DIGITS: u8 = 6;
/// Largest number of digits of a code this engine produces (RFC 4226 section 5.3 allows 6 to 8).
pub const MAX_DIGITS: u8 = 8;
/// Longest time step accepted, in seconds (one hour).
pub const MAX_PERIOD: u64 = 3600;

/// The parameters of a TOTP credential (RFC 6238 section 4): hash, digits, time step and T0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Params {
    /// The HMAC hash function.
    pub algorithm: Algorithm,
    /// Number of digits of a code, 6 to 8 (RFC 4226 section 5.3).
    pub digits: u8,
    /// The time step X in seconds (RFC 6238 section 4.1); 30 by default.
    pub period: u64,
    /// The Unix time T0 from which steps are counted (RFC 6238 section 4.1); 0 by default.
    pub t0: u64,
}

crate::json::json_object!(Params {
    algorithm,
    digits,
    period,
    t0
});

impl Default for Params {
    /// The bank's token model: SHA-1, 6 digits, 30-second steps, T0 = 0.
    fn default() -> Self {
        Params {
            algorithm: Algorithm::Sha1,
            digits: 6,
            period: 30,
            t0: 0,
        }
    }
}

impl Params {
    /// Checks that `digits` is 6 to 8 and `period` is 1 to [`MAX_PERIOD`] seconds.
    pub fn validate(&self) -> Result<(), EngineError> {
        check_digits(self.digits)?;
        if self.period == 0 || self.period > MAX_PERIOD {
            return Err(EngineError::InvalidPeriod {
                period: self.period,
            });
        }
        Ok(())
    }

    /// The time step counter T = (t - T0) / X of RFC 6238 section 4.2; 0 before T0.
    ///
    /// A `period` of 0 (rejected by [`Params::validate`]) is treated as 1 rather than dividing
    /// by zero.
    pub fn step(&self, unix_seconds: u64) -> u64 {
        unix_seconds.saturating_sub(self.t0) / self.period.max(1)
    }

    /// Seconds until the next step begins, from 1 to `period`; `period` before T0.
    pub fn remaining(&self, unix_seconds: u64) -> u64 {
        let period = self.period.max(1);
        match unix_seconds.checked_sub(self.t0) {
            Some(elapsed) => period - elapsed % period,
            None => period,
        }
    }
}

/// An error from the engine: bad secret, bad parameters or no randomness.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EngineError {
    /// The secret is shorter than [`MIN_SECRET_BYTES`] (80 bits), or a new secret is shorter
    /// than the 128 bits RFC 4226 section 4 requires of an issuer.
    SecretTooShort {
        /// Length of the secret that was given, in bits.
        bits: usize,
    },
    /// The secret is longer than [`MAX_SECRET_BYTES`].
    SecretTooLong {
        /// Length of the secret that was given, in bytes.
        bytes: usize,
    },
    /// A character that is not in the RFC 4648 Base32 alphabet.
    InvalidBase32Character {
        /// The offending character.
        character: char,
        /// Its position in the input, counting from 1.
        position: usize,
    },
    /// A Base32 text whose length cannot come from whole bytes (RFC 4648 section 6).
    InvalidBase32Length {
        /// Number of Base32 symbols, not counting spaces and padding.
        symbols: usize,
    },
    /// `digits` is not 6, 7 or 8.
    UnsupportedDigits {
        /// The rejected number of digits.
        digits: u64,
    },
    /// `period` is 0 or longer than [`MAX_PERIOD`].
    InvalidPeriod {
        /// The rejected period in seconds.
        period: u64,
    },
    /// An algorithm name other than SHA1, SHA256 or SHA512.
    UnknownAlgorithm {
        /// The name that was given (at most 32 characters of it).
        name: String,
    },
    /// A number from JavaScript (a time, counter or digit count) that is not a whole number
    /// from 0 to `Number.MAX_SAFE_INTEGER`.
    InvalidNumber {
        /// Which argument.
        argument: String,
        /// The value as JavaScript would print it.
        value: String,
        /// What is wrong with it, e.g. "is negative".
        problem: &'static str,
    },
    /// The operating system or browser gave no random bytes.
    Random {
        /// What the random source reported.
        reason: String,
    },
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::SecretTooShort { bits } => write!(
                f,
                "the secret is {bits} bits long; it must be at least {} bits (a new one {}, RFC 4226 \
                 section 4)",
                MIN_SECRET_BYTES * 8,
                MIN_ISSUED_SECRET_BYTES * 8
            ),
            EngineError::SecretTooLong { bytes } => write!(
                f,
                "the secret is {bytes} bytes long; at most {MAX_SECRET_BYTES} bytes are accepted"
            ),
            EngineError::InvalidBase32Character {
                character,
                position,
            } => write!(
                f,
                "the secret is not valid Base32: character {position} ({}) is not one of A-Z and 2-7",
                input::describe_char(*character, crate::i18n::Lang::En)
            ),
            EngineError::InvalidBase32Length { symbols } => write!(
                f,
                "the secret is not valid Base32: {symbols} symbols cannot encode whole bytes \
                 (a character may be missing or extra)"
            ),
            EngineError::UnsupportedDigits { digits } => write!(
                f,
                "codes of {digits} digits are not supported; use 6, 7 or 8 (RFC 4226 section 5.3)"
            ),
            EngineError::InvalidPeriod { period } => write!(
                f,
                "a time step of {period} seconds is not supported; use 1 to {MAX_PERIOD} seconds"
            ),
            EngineError::UnknownAlgorithm { name } => write!(
                f,
                "unknown algorithm {name:?}; use \"SHA1\", \"SHA256\" or \"SHA512\""
            ),
            EngineError::InvalidNumber {
                argument,
                value,
                problem,
            } => write!(
                f,
                "{argument} {problem} ({value}); pass a whole number from 0 to {MAX_SAFE_INTEGER}"
            ),
            EngineError::Random { reason } => {
                write!(f, "no random bytes are available: {reason}")
            }
        }
    }
}

impl std::error::Error for EngineError {}

fn check_digits(digits: u8) -> Result<(), EngineError> {
    digits_of(u64::from(digits)).map(drop)
}

/// A number of digits given as any whole number (the JavaScript API's `digits`): 6, 7 or 8,
/// or [`EngineError::UnsupportedDigits`] naming the number given.
pub fn digits_of(digits: u64) -> Result<u8, EngineError> {
    u8::try_from(digits)
        .ok()
        .filter(|d| (MIN_DIGITS..=MAX_DIGITS).contains(d))
        .ok_or(EngineError::UnsupportedDigits { digits })
}

/// `Number.MAX_SAFE_INTEGER`: the largest integer a JavaScript number holds exactly (2^53 - 1).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Reads a JavaScript number that must be a whole number from 0 to [`MAX_SAFE_INTEGER`] (a Unix
/// time, a counter, a digit count). Negative, fractional, NaN, infinite and larger values are
/// errors naming `argument`, never silently 0 or truncated; `-0` is 0.
pub fn whole_number(argument: &str, value: f64) -> Result<u64, EngineError> {
    whole_number_shown(argument, value, |v| v.to_string())
}

/// [`whole_number`], with the value written into the error by `show`. The browser passes
/// JavaScript's own `String(value)` (`1e+300`, not 301 digits), which also keeps Rust's float
/// formatter (about 14 KB) out of the wasm.
pub fn whole_number_shown(
    argument: &str,
    value: f64,
    show: impl FnOnce(f64) -> String,
) -> Result<u64, EngineError> {
    let problem = if value.is_nan() {
        "is NaN"
    } else if value.is_infinite() {
        "is infinite"
    } else if value < 0.0 {
        "is negative"
    } else if value.fract() != 0.0 {
        "is not a whole number"
    } else if value > MAX_SAFE_INTEGER as f64 {
        "is larger than Number.MAX_SAFE_INTEGER"
    } else {
        // Whole, not negative and at most 2^53 - 1: the conversion is exact.
        return Ok(value as u64);
    };
    Err(EngineError::InvalidNumber {
        argument: argument.chars().take(32).collect(),
        value: show(value),
        problem,
    })
}

/// The HOTP value of `counter` (RFC 4226 section 5.3) as a string of `digits` digits, with
/// leading zeros.
pub fn hotp(
    secret: &Secret,
    counter: u64,
    digits: u8,
    algorithm: Algorithm,
) -> Result<String, EngineError> {
    check_digits(digits)?;
    PreparedKey::new(secret, algorithm).code(counter, digits)
}

/// The TOTP code at `unix_seconds` (RFC 6238 section 4.2): the HOTP value of the time step.
pub fn totp(secret: &Secret, unix_seconds: u64, params: &Params) -> Result<String, EngineError> {
    code_at_step(secret, params.step(unix_seconds), params)
}

/// The TOTP code of time step `step` (RFC 6238 section 4.2), for the token's display and tests.
pub fn code_at_step(secret: &Secret, step: u64, params: &Params) -> Result<String, EngineError> {
    params.validate()?;
    PreparedKey::new(secret, params.algorithm).code(step, params.digits)
}

/// Groups a code for reading: `123 456`, `123 4567`, `1234 5678`.
pub fn group_code(code: &str) -> String {
    let split = code.len() / 2;
    match (code.get(..split), code.get(split..)) {
        (Some(a), Some(b)) if !a.is_empty() => format!("{a} {b}"),
        _ => code.to_string(),
    }
}
