//! Typed one-time passwords: the one normaliser used wherever a person types a code.
//!
//! # Policy
//!
//! [`normalize_code`] turns what a customer typed into the ASCII digits the validator compares,
//! or says in Japanese and English what is wrong. In order:
//!
//! 1. Input longer than [`MAX_CODE_INPUT_CHARS`] characters is rejected as
//!    [`CodeInputError::TooLong`] without being read further, so no HMAC ever runs on it.
//! 2. Half-width digits `0`-`9` are kept; full-width digits `０`-`９` (U+FF10..U+FF19, what a
//!    Japanese IME types) become their half-width forms.
//! 3. Spaces are ignored: the ASCII space and the ideographic space U+3000 only, so that
//!    `123 456` and `１２３　４５６` are the code `123456`.
//! 4. Every other character is rejected as [`CodeInputError::InvalidCharacter`], naming it and its
//!    position: letters, hyphens, tabs and newlines, digits of other scripts (`٣` U+0663,
//!    `३` U+0969), circled or superscript digits (`①`, `²`), and so on. Such input is more likely
//!    a mistake than a code, and accepting look-alike digits would widen what counts as "the same
//!    code" for replay purposes.
//! 5. No digit at all is [`CodeInputError::Empty`]; a digit count other than the credential's
//!    `digits` is [`CodeInputError::WrongLength`].
//!
//! The same normalised form feeds the replay check, so a used code typed again with spaces or in
//! full-width digits is still a replay.

use core::fmt;

use crate::i18n::engine::Text;
use crate::i18n::{Lang, fill};

/// Longest input, in characters, that is looked at: longer input is rejected unread.
pub const MAX_CODE_INPUT_CHARS: usize = 32;

/// Why a typed code was not accepted as a code (before any comparison).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CodeInputError {
    /// Nothing but spaces, or nothing at all.
    Empty,
    /// More than [`MAX_CODE_INPUT_CHARS`] characters.
    TooLong,
    /// A character other than a digit or a space.
    InvalidCharacter {
        /// The offending character.
        character: char,
        /// Its position in the input, counting characters from 1.
        position: usize,
        /// Digits a code has.
        expected: u8,
    },
    /// The number of digits differs from the code length.
    WrongLength {
        /// Digits a code has.
        expected: u8,
        /// Digits that were typed.
        found: usize,
    },
}

/// Normalises a typed code to `digits` ASCII digits, following the policy in the module docs.
pub fn normalize_code(input: &str, digits: u8) -> Result<String, CodeInputError> {
    let mut code = String::with_capacity(usize::from(digits));
    scan(input, digits, |digit| code.push(char::from(b'0' + digit)))?;
    Ok(code)
}

/// [`normalize_code`] read as a number, without allocating (the validator's hot path).
pub fn code_value(input: &str, digits: u8) -> Result<u32, CodeInputError> {
    let mut value = 0_u32;
    // `scan` fails unless exactly `digits` (at most 8) digits were seen, so no overflow matters.
    scan(input, digits, |digit| {
        value = value.wrapping_mul(10).wrapping_add(u32::from(digit));
    })?;
    Ok(value)
}

/// Applies the policy, handing each digit (0..=9) to `digit` in order.
fn scan(input: &str, digits: u8, mut digit: impl FnMut(u8)) -> Result<(), CodeInputError> {
    if input.chars().nth(MAX_CODE_INPUT_CHARS).is_some() {
        return Err(CodeInputError::TooLong);
    }
    let mut found = 0_usize;
    for (index, c) in input.chars().enumerate() {
        let value = match c {
            '0'..='9' => u32::from(c) - u32::from('0'),
            '\u{ff10}'..='\u{ff19}' => u32::from(c) - 0xff10,
            ' ' | '\u{3000}' => continue,
            _ => {
                return Err(CodeInputError::InvalidCharacter {
                    character: c,
                    position: index + 1,
                    expected: digits,
                });
            }
        };
        digit(u8::try_from(value).expect("a digit is below 10"));
        found += 1;
    }
    if found == 0 {
        return Err(CodeInputError::Empty);
    }
    if found != usize::from(digits) {
        return Err(CodeInputError::WrongLength {
            expected: digits,
            found,
        });
    }
    Ok(())
}

impl CodeInputError {
    /// Digits the code should have, where known (6, the bank's model, otherwise).
    fn expected_digits(&self) -> u8 {
        match self {
            CodeInputError::WrongLength { expected, .. }
            | CodeInputError::InvalidCharacter { expected, .. } => *expected,
            CodeInputError::Empty | CodeInputError::TooLong => 6,
        }
    }

    /// The message in `lang`, e.g. 「ワンタイムパスワードは半角数字6桁で入力してください」 (from the
    /// `[engine]` section of the catalogue).
    pub fn message(&self, lang: Lang) -> String {
        let digits = self.expected_digits();
        let rule = fill(Text::CodeRule.get(lang), &[("digits", &digits)]);
        match self {
            CodeInputError::Empty => fill(Text::CodeEmpty.get(lang), &[("rule", &rule)]),
            CodeInputError::TooLong => fill(Text::InputTooLong.get(lang), &[("rule", &rule)]),
            CodeInputError::InvalidCharacter {
                character,
                position,
                ..
            } => fill(
                Text::CodeInvalidCharacter.get(lang),
                &[
                    ("position", position),
                    ("character", &describe_char(*character, lang)),
                    ("rule", &rule),
                ],
            ),
            CodeInputError::WrongLength { found, .. } => {
                let key = if *found == 1 {
                    Text::CodeWrongLengthOne
                } else {
                    Text::CodeWrongLength
                };
                fill(key.get(lang), &[("found", found), ("rule", &rule)])
            }
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

impl fmt::Display for CodeInputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for CodeInputError {}

/// A character as a message in `lang` shows it: 「a」 or `'a'` if visible, else its code point
/// (`U+0009`).
pub(crate) fn describe_char(c: char, lang: Lang) -> String {
    if is_visible(c) {
        fill(Text::Character.get(lang), &[("character", &c)])
    } else {
        let hex = format!("{:04X}", u32::from(c));
        fill(Text::CodePoint.get(lang), &[("hex", &hex)])
    }
}

fn is_visible(c: char) -> bool {
    !(c.is_control() || c.is_whitespace() || is_invisible(c))
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{00ad}')
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn accepted_forms() {
        for (typed, expected) in [
            ("123456", "123456"),
            ("012345", "012345"),
            ("１２３４５６", "123456"),
            ("123 456", "123456"),
            (" 123456 ", "123456"),
            ("１２３　４５６", "123456"),
            ("12３4５6", "123456"),
            ("1 2 3 4 5 6", "123456"),
        ] {
            assert_eq!(normalize_code(typed, 6).unwrap(), expected, "{typed:?}");
        }
        assert_eq!(normalize_code("1234 5678", 8).unwrap(), "12345678");
        assert_eq!(normalize_code("1234567", 7).unwrap(), "1234567");
    }

    /// The bad-input table: each case and the error it must give.
    #[test]
    fn rejected_forms() {
        let invalid = |character, position| CodeInputError::InvalidCharacter {
            character,
            position,
            expected: 6,
        };
        let ones = "1".repeat(33);
        let spaces = " ".repeat(33);
        let table: Vec<(&str, CodeInputError)> = vec![
            ("", CodeInputError::Empty),
            ("   ", CodeInputError::Empty),
            ("\u{3000}\u{3000}", CodeInputError::Empty),
            (
                "12345",
                CodeInputError::WrongLength {
                    expected: 6,
                    found: 5,
                },
            ),
            (
                "1234567",
                CodeInputError::WrongLength {
                    expected: 6,
                    found: 7,
                },
            ),
            ("12345a", invalid('a', 6)),
            ("I23456", invalid('I', 1)),
            ("123-456", invalid('-', 4)),
            ("123\t456", invalid('\t', 4)),
            ("123456\n", invalid('\n', 7)),
            ("12345\u{0663}", invalid('\u{0663}', 6)), // ARABIC-INDIC DIGIT THREE
            ("12345\u{0969}", invalid('\u{0969}', 6)), // DEVANAGARI DIGIT THREE
            ("①23456", invalid('①', 1)),               // CIRCLED DIGIT ONE
            ("12345²", invalid('²', 6)),               // SUPERSCRIPT TWO
            ("+123456", invalid('+', 1)),
            ("12345\u{200b}6", invalid('\u{200b}', 6)), // ZERO WIDTH SPACE
            ("一二三四五六", invalid('一', 1)),
            (&ones, CodeInputError::TooLong),
            (&spaces, CodeInputError::TooLong),
        ];
        for (typed, expected) in table {
            assert_eq!(normalize_code(typed, 6), Err(expected), "{typed:?}");
        }
        // 32 characters is the limit itself: read, then judged on length.
        let at_limit = format!("{}123456", " ".repeat(26));
        assert_eq!(normalize_code(&at_limit, 6).unwrap(), "123456");
    }

    #[test]
    fn code_value_reads_the_same_digits() {
        assert_eq!(code_value("０１２ 345", 6), Ok(12_345));
        assert_eq!(code_value("99999999", 8), Ok(99_999_999));
        assert_eq!(
            code_value("1234567890123456789012345", 6),
            Err(CodeInputError::WrongLength {
                expected: 6,
                found: 25
            })
        );
        assert_eq!(
            code_value("12a456", 6),
            normalize_code("12a456", 6).map(|_| 0)
        );
    }

    #[test]
    fn oversized_input_is_rejected_without_reading_it_all() {
        let huge = "9".repeat(10_000_000);
        assert_eq!(normalize_code(&huge, 6), Err(CodeInputError::TooLong));
    }

    #[test]
    fn messages_in_japanese_and_english() {
        let wrong = normalize_code("12345", 6).unwrap_err();
        assert_eq!(
            wrong.message_ja(),
            "入力された数字は5桁です。ワンタイムパスワードは半角数字6桁で入力してください"
        );
        assert_eq!(
            wrong.message_en(),
            "5 digits were entered. Enter the one-time password as 6 digits."
        );
        let letter = normalize_code("12a456", 6).unwrap_err();
        assert_eq!(
            letter.message_ja(),
            "3文字目の「a」は使えません。ワンタイムパスワードは半角数字6桁で入力してください"
        );
        assert_eq!(
            letter.message_en(),
            "Character 3, 'a', is not a digit. Enter the one-time password as 6 digits."
        );
        let tab = normalize_code("1\t", 8).unwrap_err();
        assert!(tab.message_en().contains("U+0009"), "{}", tab.message_en());
        assert_eq!(
            tab.message_ja(),
            "2文字目のU+0009は使えません。ワンタイムパスワードは半角数字8桁で入力してください"
        );
        assert_eq!(
            CodeInputError::TooLong.message(Lang::En),
            "The input is too long. Enter the one-time password as 6 digits."
        );
        assert!(
            tab.message_ja().contains("半角数字8桁"),
            "{}",
            tab.message_ja()
        );
        assert!(
            CodeInputError::Empty
                .message_ja()
                .ends_with("ワンタイムパスワードは半角数字6桁で入力してください")
        );
        assert_eq!(
            CodeInputError::TooLong.to_string(),
            CodeInputError::TooLong.message_en()
        );
        assert_eq!(
            normalize_code("1", 6).unwrap_err().message_en(),
            "1 digit was entered. Enter the one-time password as 6 digits."
        );
    }
}
