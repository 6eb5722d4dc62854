//! Google Authenticator's export links, `otpauth-migration://offline?data=BASE64`: `data` is a
//! protobuf `MigrationPayload` (`repeated OtpParameters otp_parameters = 1; int32 version = 2;
//! int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5`), each `OtpParameters`
//! being `bytes secret = 1; string name = 2; string issuer = 3; Algorithm algorithm = 4
//! (1 SHA1, 2 SHA256, 3 SHA512, 4 MD5); DigitCount digits = 5 (1 six, 2 eight); OtpType type
//! = 6 (1 HOTP, 2 TOTP); int64 counter = 7`. An export of many accounts is several links
//! (batches): each is read on its own.
//!
//! The protobuf reader is the few lines below rather than a crate (`prost` and its derive, or
//! `quick-protobuf`): two message types of scalar fields need only varints and
//! length-delimited fields; a crate would add its runtime and generated code to the wasm for
//! that. Measured (`python3 scripts/bench.py size`, 2026-12-03): this module, its Base64 and
//! its mapping of accounts to credentials cost 3,137 B of the gzipped first load (219,918 B
//! with it, 216,781 B with export links left out); a crate's runtime was not measured, as it
//! could only add to the same reading code. Every read is bounded by the input's length: a length or varint that runs past the
//! end is an error, nothing is allocated from a length read before checking it.

use zeroize::Zeroizing;

use webtoken_engine::{Algorithm, Params, Secret};

use super::{Entry, Refusal, name_of};
use crate::otpauth::{KeyUri, OtpauthError};

/// Why a link's payload could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MigrationError {
    /// No `data` parameter, or it is not Base64.
    BadData,
    /// The protobuf payload is cut off or malformed.
    BadPayload,
}

/// The entries of one link; a link that cannot be read is one refused entry named `#number`.
pub fn read(link: &str, number: usize) -> Vec<Entry> {
    match payload(link).and_then(|bytes| accounts(&bytes)) {
        Ok(accounts) => accounts
            .into_iter()
            .enumerate()
            .map(|(index, account)| account.entry(number, index + 1))
            .collect(),
        Err(_) => vec![Entry {
            name: format!("#{number}"),
            result: Err(Refusal::BadLink),
        }],
    }
}

/// The payload's bytes: `data`, percent-decoded, then Base64 (standard or URL-safe alphabet,
/// padding optional).
pub fn payload(link: &str) -> Result<Zeroizing<Vec<u8>>, MigrationError> {
    let query = link.split_once('?').ok_or(MigrationError::BadData)?.1;
    let data = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("data="))
        .ok_or(MigrationError::BadData)?;
    // Percent-decoded as a Key URI's secret is (the payload holds secrets); a `+` that a form
    // encoder turned into a space is a `+` again.
    let mut text = Zeroizing::new(
        crate::otpauth::decode(data, false, "secret").map_err(|_| MigrationError::BadData)?,
    );
    let mut text = Zeroizing::new(core::mem::take(&mut *text).into_bytes());
    for byte in text.iter_mut().filter(|b| **b == b' ') {
        *byte = b'+';
    }
    base64(&text).ok_or(MigrationError::BadData)
}

fn base64(text: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() / 4 * 3 + 3));
    let (mut buffer, mut bits) = (0_u32, 0_u32);
    let mut padding = false;
    for &c in text {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                padding = true;
                continue;
            }
            b'\r' | b'\n' => continue,
            _ => return None,
        };
        if padding {
            return None;
        }
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    // 6 bits left over cannot come from whole bytes.
    (bits < 6).then_some(out)
}

/// One `OtpParameters` as read.
#[derive(Default)]
pub struct Account {
    secret: Zeroizing<Vec<u8>>,
    name: String,
    issuer: String,
    algorithm: u64,
    digits: u64,
    kind: u64,
    /// HOTP's counter (protobuf `int64`, as its 64 bits).
    counter: u64,
}

impl Account {
    fn entry(self, link: usize, index: usize) -> Entry {
        // The name is often `issuer:account`; shown once.
        let account = match self.name.split_once(':') {
            Some((prefix, rest)) if prefix == self.issuer || self.issuer.is_empty() => {
                rest.trim_start()
            }
            _ => self.name.as_str(),
        };
        let issuer = if self.issuer.is_empty() {
            self.name.split_once(':').map_or("", |(p, _)| p)
        } else {
            self.issuer.as_str()
        };
        let name = name_of(issuer, account, index);
        let name = if name.starts_with('#') {
            format!("#{link}.{index}")
        } else {
            name
        };
        Entry {
            name,
            result: self.key(issuer, account),
        }
    }

    fn key(&self, issuer: &str, account: &str) -> Result<KeyUri, Refusal> {
        let counter = match self.kind {
            2 => None,
            // int64 on the wire: a negative counter is a ten-byte varint, over 2^63 here.
            1 => Some(u64::try_from(self.counter.cast_signed()).map_err(|_| {
                Refusal::Otpauth(OtpauthError::InvalidCounter {
                    value: self.counter.cast_signed().to_string(),
                })
            })?),
            _ => {
                return Err(Refusal::Unsupported {
                    kind: format!("type {}", self.kind),
                });
            }
        };
        let algorithm = match self.algorithm {
            0 | 1 => Algorithm::Sha1,
            2 => Algorithm::Sha256,
            3 => Algorithm::Sha512,
            4 => {
                return Err(Refusal::Unsupported {
                    kind: "MD5".to_owned(),
                });
            }
            other => {
                return Err(Refusal::Otpauth(OtpauthError::UnknownAlgorithm {
                    name: other.to_string(),
                }));
            }
        };
        let digits = match self.digits {
            0 | 1 => 6,
            2 => 8,
            other => {
                return Err(Refusal::Otpauth(OtpauthError::InvalidDigits {
                    value: other.to_string(),
                }));
            }
        };
        if self.secret.is_empty() {
            return Err(Refusal::Missing { field: "secret" });
        }
        let secret = Secret::from_bytes(self.secret.to_vec()).map_err(|e| match e {
            webtoken_engine::EngineError::SecretTooShort { bits } => {
                Refusal::Otpauth(OtpauthError::SecretTooShort { bits })
            }
            webtoken_engine::EngineError::SecretTooLong { bytes } => {
                Refusal::Otpauth(OtpauthError::SecretTooLong { bytes })
            }
            _ => Refusal::Otpauth(OtpauthError::SecretNotBase32 { position: None }),
        })?;
        // The same rules as a typed URI for the names (no control characters, an account).
        let bad_name = |s: &str| s.chars().any(char::is_control);
        if bad_name(issuer) || bad_name(account) {
            return Err(Refusal::Otpauth(OtpauthError::ControlCharacter {
                part: "label",
            }));
        }
        let account = if account.trim().is_empty() {
            issuer
        } else {
            account
        };
        if account.trim().is_empty() {
            return Err(Refusal::Missing { field: "name" });
        }
        if issuer.contains(':') {
            return Err(Refusal::Otpauth(OtpauthError::IssuerHasColon));
        }
        Ok(KeyUri {
            issuer: (!issuer.is_empty()).then(|| issuer.to_owned()),
            account: account.to_owned(),
            secret,
            params: Params {
                algorithm,
                digits,
                ..Params::default()
            },
            counter,
        })
    }
}

/// The accounts of a `MigrationPayload`.
pub fn accounts(bytes: &[u8]) -> Result<Vec<Account>, MigrationError> {
    let mut reader = Reader { bytes, at: 0 };
    let mut accounts = Vec::new();
    while let Some((field, wire)) = reader.key()? {
        match (field, wire) {
            (1, Wire::Len) => accounts.push(account(reader.len_bytes()?)?),
            _ => reader.skip(wire)?,
        }
    }
    Ok(accounts)
}

fn account(bytes: &[u8]) -> Result<Account, MigrationError> {
    let mut reader = Reader { bytes, at: 0 };
    let mut account = Account::default();
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| MigrationError::BadPayload);
    while let Some((field, wire)) = reader.key()? {
        match (field, wire) {
            (1, Wire::Len) => account.secret = Zeroizing::new(reader.len_bytes()?.to_vec()),
            (2, Wire::Len) => account.name = text(reader.len_bytes()?)?,
            (3, Wire::Len) => account.issuer = text(reader.len_bytes()?)?,
            (4, Wire::Varint) => account.algorithm = reader.varint()?,
            (5, Wire::Varint) => account.digits = reader.varint()?,
            (6, Wire::Varint) => account.kind = reader.varint()?,
            (7, Wire::Varint) => account.counter = reader.varint()?,
            _ => reader.skip(wire)?,
        }
    }
    Ok(account)
}

#[derive(Clone, Copy)]
enum Wire {
    Varint,
    Fixed64,
    Len,
    Fixed32,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// The next field's number and wire type; `None` at the end.
    fn key(&mut self) -> Result<Option<(u64, Wire)>, MigrationError> {
        if self.at == self.bytes.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let wire = match key & 7 {
            0 => Wire::Varint,
            1 => Wire::Fixed64,
            2 => Wire::Len,
            5 => Wire::Fixed32,
            // Groups (3, 4) are deprecated and never written by the exporter.
            _ => return Err(MigrationError::BadPayload),
        };
        Ok(Some((key >> 3, wire)))
    }

    fn varint(&mut self) -> Result<u64, MigrationError> {
        let mut value = 0_u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at).ok_or(MigrationError::BadPayload)?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(MigrationError::BadPayload)
    }

    fn take(&mut self, len: u64) -> Result<&'a [u8], MigrationError> {
        let len = usize::try_from(len).map_err(|_| MigrationError::BadPayload)?;
        let end = self
            .at
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())
            .ok_or(MigrationError::BadPayload)?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn len_bytes(&mut self) -> Result<&'a [u8], MigrationError> {
        let len = self.varint()?;
        self.take(len)
    }

    fn skip(&mut self, wire: Wire) -> Result<(), MigrationError> {
        match wire {
            Wire::Varint => self.varint().map(drop),
            Wire::Fixed64 => self.take(8).map(drop),
            Wire::Fixed32 => self.take(4).map(drop),
            Wire::Len => self.len_bytes().map(drop),
        }
    }
}
