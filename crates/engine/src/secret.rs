//! The shared secret K of RFC 4226 section 4, with RFC 4648 Base32 in and out.

use core::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::EngineError;
use crate::random::Random;

/// Shortest secret accepted: 10 bytes (80 bits), the shortest that services issue and every
/// authenticator stores. RFC 4226 section 4's 128 bits bind the party that *issues* a secret
/// ([`MIN_ISSUED_SECRET_BYTES`]), not a token that keeps what another service issued.
pub const MIN_SECRET_BYTES: usize = 10;
/// Shortest secret this project issues, and the length under which the token notes that an
/// imported secret is shorter than recommended: 16 bytes, the 128 bits RFC 4226 section 4
/// requires of an issuer.
pub const MIN_ISSUED_SECRET_BYTES: usize = 16;
/// Longest secret accepted: 128 bytes (twice the 64-byte SHA-512 seed of RFC 6238).
pub const MAX_SECRET_BYTES: usize = 128;
/// Length of the secrets the token service issues: 20 bytes (160 bits, RFC 4226 section 4).
pub const ISSUED_SECRET_BYTES: usize = 20;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A shared secret of 10 to 128 bytes (one made by [`Secret::random`] has 16 at least).
///
/// The bytes are wiped when the value is dropped, `Debug` prints `Secret(<redacted>)`, there is
/// no `Display`, and serde writes it as an unpadded Base32 string (for the browser's storage).
#[derive(Clone)]
pub struct Secret {
    bytes: Vec<u8>,
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl ZeroizeOnDrop for Secret {}

impl Secret {
    /// Reads RFC 4648 Base32: case-insensitive; spaces (ASCII and U+3000), tabs, line breaks
    /// and hyphens ignored; `=` padding optional; fewer than 80 bits is an error.
    pub fn from_base32(s: &str) -> Result<Secret, EngineError> {
        let symbols = s.chars().filter(|c| !is_separator(*c) && *c != '=').count();
        if !matches!(symbols % 8, 0 | 2 | 4 | 5 | 7) {
            return Err(EngineError::InvalidBase32Length { symbols });
        }
        let len = symbols * 5 / 8;
        check_len(len)?;
        // Exact capacity: a growing Vec would leave unwiped copies behind.
        let mut bytes = Zeroizing::new(Vec::with_capacity(len));
        let mut buffer: u64 = 0;
        let mut bits = 0_u32;
        let mut padding_seen = false;
        for (index, c) in s.chars().enumerate() {
            if is_separator(c) {
                continue;
            }
            if c == '=' {
                padding_seen = true;
                continue;
            }
            let invalid = EngineError::InvalidBase32Character {
                character: c,
                position: index + 1,
            };
            if padding_seen {
                return Err(invalid);
            }
            let value = decode_symbol(c).ok_or(invalid)?;
            buffer = (buffer << 5) | u64::from(value);
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                bytes.push(((buffer >> bits) & 0xff) as u8);
            }
        }
        buffer.zeroize();
        Ok(Secret {
            bytes: core::mem::take(&mut *bytes),
        })
    }

    /// Takes raw bytes; fewer than 10 or more than 128 is an error.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Secret, EngineError> {
        let mut bytes = Zeroizing::new(bytes);
        check_len(bytes.len())?;
        Ok(Secret {
            bytes: core::mem::take(&mut *bytes),
        })
    }

    /// `len` bytes from `random` ([`OsRandom`](crate::random::OsRandom) outside tests): a new
    /// secret, so under [`MIN_ISSUED_SECRET_BYTES`] is an error (the issuer's rule).
    pub fn random(len: usize, random: &mut (impl Random + ?Sized)) -> Result<Secret, EngineError> {
        if len < MIN_ISSUED_SECRET_BYTES {
            return Err(EngineError::SecretTooShort { bits: len * 8 });
        }
        check_len(len)?;
        let mut bytes = Zeroizing::new(vec![0_u8; len]);
        random.fill(&mut bytes)?;
        Ok(Secret {
            bytes: core::mem::take(&mut *bytes),
        })
    }

    /// RFC 4648 Base32, upper case, without padding (the form authenticator apps expect).
    pub fn to_base32(&self) -> String {
        let mut out = String::with_capacity(self.bytes.len().div_ceil(5) * 8);
        let mut buffer: u64 = 0;
        let mut bits = 0_u32;
        for &byte in &self.bytes {
            buffer = (buffer << 8) | u64::from(byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(char::from(ALPHABET[((buffer >> bits) & 0x1f) as usize]));
            }
        }
        if bits > 0 {
            out.push(char::from(
                ALPHABET[((buffer << (5 - bits)) & 0x1f) as usize],
            ));
        }
        buffer.zeroize();
        out
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether the secret is shorter than the 128 bits an issuer must give
    /// ([`MIN_ISSUED_SECRET_BYTES`]): accepted, but worth a note.
    pub fn is_shorter_than_recommended(&self) -> bool {
        self.bytes.len() < MIN_ISSUED_SECRET_BYTES
    }
}

impl PartialEq for Secret {
    /// Compares the bytes in constant time (only the lengths, which are not secret, leak).
    fn eq(&self, other: &Self) -> bool {
        self.bytes.ct_eq(&other.bytes).into()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

fn check_len(len: usize) -> Result<(), EngineError> {
    if len < MIN_SECRET_BYTES {
        Err(EngineError::SecretTooShort { bits: len * 8 })
    } else if len > MAX_SECRET_BYTES {
        Err(EngineError::SecretTooLong { bytes: len })
    } else {
        Ok(())
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{3000}' | '-' | '\t' | '\n' | '\r')
}

fn decode_symbol(c: char) -> Option<u8> {
    match c {
        'A'..='Z' => Some(c as u8 - b'A'),
        'a'..='z' => Some(c as u8 - b'a'),
        '2'..='7' => Some(c as u8 - b'2' + 26),
        _ => None,
    }
}

impl crate::json::ToJson for Secret {
    /// As Base32, as serde writes it.
    fn write_json(&self, out: &mut crate::json::Out) {
        crate::json::write_str(out, &Zeroizing::new(self.to_base32()));
    }
}

impl crate::json::FromJson for Secret {
    fn from_json(value: &crate::json::Value) -> Result<Self, crate::json::JsonError> {
        Secret::from_base32(value.as_str()?).map_err(|e| crate::json::JsonError::new(e.to_string()))
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = Zeroizing::new(self.to_base32());
        serializer.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        struct Base32Visitor;

        impl Visitor<'_> for Base32Visitor {
            type Value = Secret;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Base32 secret of at least 80 bits")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Secret, E> {
                Secret::from_base32(v).map_err(E::custom)
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Secret, E> {
                let v = Zeroizing::new(v);
                Secret::from_base32(&v).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(Base32Visitor)
    }
}
