//! Token IDs: the credential's public name, as printed on the token and typed into the bank.
//!
//! The shape is that of a VIP Credential ID: four upper-case letters naming the token model,
//! then eight digits, shown grouped as `ABCD 1234 5678`. The eighth digit is a Luhn check digit
//! over the seven before it, so any single mistyped digit and most swaps of neighbours are
//! caught at the form, before any lookup.
//!
//! [`TokenId::parse`] accepts what people type: lower case, spaces (ASCII and U+3000), hyphens
//! (also the look-alikes an IME produces: `－` U+FF0D, `‐`..`―` U+2010..U+2015, `−` U+2212,
//! `ー` U+30FC, `ｰ` U+FF70) and full-width letters and digits. Anything else is an error that
//! says what is wrong, in Japanese and English.

use core::fmt;
use core::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::input::describe_char;
use crate::i18n::engine::Text;
use crate::i18n::{Lang, fill};

/// Number of letters that open a Token ID.
pub const PREFIX_LETTERS: usize = 4;
/// Number of digits after the letters (the last one is the check digit).
pub const DIGITS: usize = 8;
/// Largest serial number: seven digits.
pub const MAX_SERIAL: u32 = 9_999_999;
/// Longest input, in characters, that [`TokenId::parse`] looks at.
pub const MAX_TOKEN_ID_INPUT_CHARS: usize = 40;

const LEN: usize = PREFIX_LETTERS + DIGITS;

/// A valid Token ID: four letters A-Z and eight digits whose last is the Luhn check digit.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TokenId([u8; LEN]);

impl core::hash::Hash for TokenId {
    /// Two fixed-size words: cheaper to hash than a length-prefixed slice, and equal IDs still
    /// hash equally.
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        let (head, tail) = self.0.split_at(8);
        state.write_u64(u64::from_le_bytes(head.try_into().expect("8 bytes")));
        state.write_u32(u32::from_le_bytes(tail.try_into().expect("4 bytes")));
    }
}

/// Why a typed Token ID (or a requested one) is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenIdError {
    /// Nothing but spaces and hyphens, or nothing at all.
    Empty,
    /// More than [`MAX_TOKEN_ID_INPUT_CHARS`] characters.
    TooLong,
    /// A character other than a letter, digit, space or hyphen.
    InvalidCharacter {
        /// The offending character.
        character: char,
        /// Its position in the input, counting characters from 1.
        position: usize,
    },
    /// A letter after the first digit: letters only open a Token ID.
    LetterAfterDigit {
        /// Position of the letter, counting characters from 1.
        position: usize,
    },
    /// Not four letters and eight digits.
    WrongLength {
        /// Letters found.
        letters: usize,
        /// Digits found.
        digits: usize,
    },
    /// The check digit does not match: a digit was mistyped.
    CheckDigit,
    /// [`TokenId::generate`] was given a model prefix that is not four letters.
    InvalidPrefix {
        /// The prefix given (at most 16 characters of it).
        prefix: String,
    },
    /// [`TokenId::generate`] was given a serial above [`MAX_SERIAL`].
    SerialOutOfRange {
        /// The serial given.
        serial: u32,
    },
}

impl TokenId {
    /// Reads a typed Token ID: lower case, spaces, hyphens and full-width forms are accepted.
    pub fn parse(s: &str) -> Result<TokenId, TokenIdError> {
        if s.chars().nth(MAX_TOKEN_ID_INPUT_CHARS).is_some() {
            return Err(TokenIdError::TooLong);
        }
        let mut bytes = [0_u8; LEN];
        let (mut letters, mut digits) = (0_usize, 0_usize);
        for (index, original) in s.chars().enumerate() {
            let position = index + 1;
            let c = fold_width(original);
            if is_separator(c) {
                continue;
            }
            let slot = letters + digits;
            if c.is_ascii_alphabetic() {
                if digits > 0 {
                    return Err(TokenIdError::LetterAfterDigit { position });
                }
                letters += 1;
            } else if c.is_ascii_digit() {
                digits += 1;
            } else {
                return Err(TokenIdError::InvalidCharacter {
                    character: original,
                    position,
                });
            }
            if let Some(byte) = bytes.get_mut(slot) {
                *byte = c.to_ascii_uppercase() as u8;
            }
        }
        if letters + digits == 0 {
            return Err(TokenIdError::Empty);
        }
        if letters != PREFIX_LETTERS || digits != DIGITS {
            return Err(TokenIdError::WrongLength { letters, digits });
        }
        let (body, check) = bytes[PREFIX_LETTERS..].split_at(DIGITS - 1);
        if luhn_check_digit(body) != check[0] {
            return Err(TokenIdError::CheckDigit);
        }
        Ok(TokenId(bytes))
    }

    /// Builds the Token ID of model `prefix` (four letters) and a seven-digit `serial`, appending
    /// the Luhn check digit.
    pub fn generate(prefix: &str, serial: u32) -> Result<TokenId, TokenIdError> {
        let prefix_bytes = prefix.as_bytes();
        if prefix_bytes.len() != PREFIX_LETTERS || !prefix_bytes.iter().all(u8::is_ascii_alphabetic)
        {
            return Err(TokenIdError::InvalidPrefix {
                prefix: prefix.chars().take(16).collect(),
            });
        }
        if serial > MAX_SERIAL {
            return Err(TokenIdError::SerialOutOfRange { serial });
        }
        let mut bytes = [0_u8; LEN];
        for (slot, letter) in bytes.iter_mut().zip(prefix_bytes) {
            *slot = letter.to_ascii_uppercase();
        }
        let serial_text = format!("{serial:07}");
        bytes[PREFIX_LETTERS..LEN - 1].copy_from_slice(serial_text.as_bytes());
        bytes[LEN - 1] = luhn_check_digit(&bytes[PREFIX_LETTERS..LEN - 1]);
        Ok(TokenId(bytes))
    }

    /// The compact form as ASCII bytes (what [`TokenId::as_str`] holds, without re-checking
    /// that it is text).
    pub fn as_bytes(&self) -> &[u8; LEN] {
        &self.0
    }

    /// The compact form, `ABCD12345678`.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).expect("a TokenId holds only ASCII letters and digits")
    }

    /// The display form in groups of four, `ABCD 1234 5678`.
    pub fn grouped(&self) -> String {
        let s = self.as_str();
        format!("{} {} {}", &s[..4], &s[4..8], &s[8..])
    }

    /// The four-letter model prefix, `ABCD`.
    pub fn prefix(&self) -> &str {
        &self.as_str()[..PREFIX_LETTERS]
    }
}

/// The Luhn check digit (as an ASCII digit) for the ASCII digits `body`.
fn luhn_check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(index, byte)| {
            let digit = u32::from(byte - b'0');
            if index % 2 == 0 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    let check = (10 - sum % 10) % 10;
    b'0' + u8::try_from(check).expect("a value mod 10 fits in u8")
}

/// Full-width ASCII forms (U+FF01..U+FF5E) to ASCII, the ideographic space to a space.
fn fold_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30fc}' | '\u{ff70}'
    )
}

impl TokenIdError {
    /// The message in `lang` (from the `[engine]` section of the catalogue).
    pub fn message(&self, lang: Lang) -> String {
        let rule = Text::TokenIdRule.get(lang);
        match self {
            TokenIdError::Empty => fill(Text::TokenIdEmpty.get(lang), &[("rule", &rule)]),
            TokenIdError::TooLong => fill(Text::InputTooLong.get(lang), &[("rule", &rule)]),
            TokenIdError::InvalidCharacter {
                character,
                position,
            } => fill(
                Text::TokenIdInvalidCharacter.get(lang),
                &[
                    ("position", position),
                    ("character", &describe_char(*character, lang)),
                    ("rule", &rule),
                ],
            ),
            TokenIdError::LetterAfterDigit { position } => fill(
                Text::TokenIdLetterAfterDigit.get(lang),
                &[("position", position), ("rule", &rule)],
            ),
            TokenIdError::WrongLength { letters, digits } => fill(
                Text::TokenIdWrongLength.get(lang),
                &[("letters", letters), ("digits", digits), ("rule", &rule)],
            ),
            TokenIdError::CheckDigit => Text::TokenIdCheckDigit.get(lang).to_owned(),
            TokenIdError::InvalidPrefix { prefix } => {
                fill(Text::TokenIdInvalidPrefix.get(lang), &[("prefix", prefix)])
            }
            TokenIdError::SerialOutOfRange { serial } => fill(
                Text::TokenIdSerialOutOfRange.get(lang),
                &[("serial", serial)],
            ),
        }
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

impl fmt::Display for TokenIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for TokenIdError {}

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenId({})", self.as_str())
    }
}

impl FromStr for TokenId {
    type Err = TokenIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TokenId::parse(s)
    }
}

impl crate::json::ToJson for TokenId {
    fn write_json(&self, out: &mut crate::json::Out) {
        crate::json::write_str(out, self.as_str());
    }
}

impl crate::json::FromJson for TokenId {
    fn from_json(value: &crate::json::Value) -> Result<Self, crate::json::JsonError> {
        TokenId::parse(value.as_str()?).map_err(|e| crate::json::JsonError::new(e.to_string()))
    }
}

impl Serialize for TokenId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TokenId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<TokenId, D::Error> {
        struct TokenIdVisitor;

        impl Visitor<'_> for TokenIdVisitor {
            type Value = TokenId;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Token ID such as \"ABCD12345678\"")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<TokenId, E> {
                TokenId::parse(v).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(TokenIdVisitor)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn generated_ids_carry_a_luhn_check_digit() {
        // Luhn over 1234567: the check digit is 4 (the classic 12345674).
        let id = TokenId::generate("ABCD", 1_234_567).unwrap();
        assert_eq!(id.as_str(), "ABCD12345674");
        assert_eq!(id.grouped(), "ABCD 1234 5674");
        assert_eq!(id.prefix(), "ABCD");
        assert_eq!(id.to_string(), "ABCD12345674");
        assert_eq!(
            TokenId::generate("wbtk", 0).unwrap().as_str(),
            "WBTK00000000"
        );
        // 7992739 + 1 is the Luhn example of the literature: 79927398713 -> here 7 digits only.
        assert_eq!(
            TokenId::generate("ABCD", 7_992_739).unwrap().as_str(),
            "ABCD79927398"
        );
        assert_eq!(
            TokenId::generate("ABC", 1),
            Err(TokenIdError::InvalidPrefix {
                prefix: "ABC".to_owned()
            })
        );
        assert_eq!(
            TokenId::generate("AB1D", 1),
            Err(TokenIdError::InvalidPrefix {
                prefix: "AB1D".to_owned()
            })
        );
        assert_eq!(
            TokenId::generate("ABCD", 10_000_000),
            Err(TokenIdError::SerialOutOfRange { serial: 10_000_000 })
        );
    }

    #[test]
    fn parse_accepts_what_people_type() {
        for typed in [
            "ABCD12345674",
            "abcd12345674",
            "ABCD 1234 5674",
            "ABCD-1234-5674",
            "  abcd-1234 5674 ",
            "ＡＢＣＤ１２３４５６７４",
            "ａｂｃｄ　１２３４　５６７４",
            "ABCD－1234－5674",
            "ABCDー1234ー5674",
            "ABCD\u{2212}1234\u{2010}5674",
        ] {
            assert_eq!(
                TokenId::parse(typed).unwrap().as_str(),
                "ABCD12345674",
                "{typed:?}"
            );
        }
    }

    #[test]
    fn parse_errors_say_what_is_wrong() {
        let long = "A".repeat(41);
        let table: Vec<(&str, TokenIdError)> = vec![
            ("", TokenIdError::Empty),
            (" - ", TokenIdError::Empty),
            ("ABCD12345675", TokenIdError::CheckDigit),
            ("ABCD12354674", TokenIdError::CheckDigit), // two digits swapped
            (
                "ABCD1234567",
                TokenIdError::WrongLength {
                    letters: 4,
                    digits: 7,
                },
            ),
            (
                "ABC12345674",
                TokenIdError::WrongLength {
                    letters: 3,
                    digits: 8,
                },
            ),
            (
                "ABCDE12345674",
                TokenIdError::WrongLength {
                    letters: 5,
                    digits: 8,
                },
            ),
            (
                "ABCD1234O674",
                TokenIdError::LetterAfterDigit { position: 9 },
            ),
            (
                "ABCD_12345674",
                TokenIdError::InvalidCharacter {
                    character: '_',
                    position: 5,
                },
            ),
            (
                "ÄBCD12345674",
                TokenIdError::InvalidCharacter {
                    character: 'Ä',
                    position: 1,
                },
            ),
            (
                "ABCD1234567\u{0664}",
                TokenIdError::InvalidCharacter {
                    character: '\u{0664}',
                    position: 12,
                },
            ),
            (&long, TokenIdError::TooLong),
        ];
        for (typed, expected) in table {
            assert_eq!(TokenId::parse(typed), Err(expected), "{typed:?}");
        }
    }

    #[test]
    fn every_single_digit_typo_is_caught() {
        let id = TokenId::generate("WBTK", 4_071_962).unwrap();
        let text = id.as_str().to_owned();
        for position in 4..12 {
            for digit in b'0'..=b'9' {
                let mut typo = text.clone().into_bytes();
                if typo[position] == digit {
                    continue;
                }
                typo[position] = digit;
                let typo = String::from_utf8(typo).unwrap();
                assert_eq!(
                    TokenId::parse(&typo),
                    Err(TokenIdError::CheckDigit),
                    "{typo}"
                );
            }
        }
    }

    #[test]
    fn messages_in_japanese_and_english() {
        let error = TokenId::parse("ABCD_12345674").unwrap_err();
        assert_eq!(
            error.message_ja(),
            "5文字目の「_」は使えません。トークンIDは英字4文字と数字8桁です(例: ABCD 1234 5678)。"
        );
        assert_eq!(
            error.message_en(),
            "Character 5, '_', cannot be part of a Token ID. \
             A Token ID is 4 letters and 8 digits (e.g. ABCD 1234 5678)."
        );
        let short = TokenId::parse("ABCD1234567").unwrap_err();
        assert!(
            short.message_ja().contains("数字が7桁"),
            "{}",
            short.message_ja()
        );
        assert!(
            short
                .message_en()
                .contains("Letters entered: 4, digits entered: 7.")
        );
        // One letter reads as well as four (no "1 letters").
        let one = TokenId::parse("A1234567").unwrap_err();
        assert!(
            one.message_en()
                .starts_with("Letters entered: 1, digits entered: 7. "),
            "{}",
            one.message_en()
        );
        assert!(TokenIdError::CheckDigit.message_ja().contains("入力間違い"));
        assert_eq!(error.to_string(), error.message_en());
    }

    #[test]
    fn serde_uses_the_compact_form() {
        let id = TokenId::generate("ABCD", 1_234_567).unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"ABCD12345674\"");
        assert_eq!(serde_json::from_str::<TokenId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<TokenId>("\"ABCD12345675\"").is_err());
        assert_eq!(format!("{id:?}"), "TokenId(ABCD12345674)");
    }
}
