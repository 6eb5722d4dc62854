//! The bank's message catalogue: every word its screens show, in Japanese and English.
//!
//! The wording lives in the `[bank]` section of the page's catalogue files
//! (`src/i18n/ja.txt`, `src/i18n/en.txt`). The Japanese is the customer guide's wording where
//! the guide shows the screen; messages the guide does not show follow its style. The page
//! renders these as text only (never as HTML).

pub use webtoken_engine::i18n::Lang;
pub use webtoken_engine::i18n::bank::Text;

/// The toll-free number of the fictional bank, used in the messages that say to call it.
pub const CONTACT_PHONE: &str = "0120-000-000";

/// The wording of `key` in `lang`.
pub fn text(key: Text, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => key.ja(),
        Lang::En => key.en(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_key_has_both_languages() {
        assert!(
            Text::ALL.len() > 50,
            "the catalogue is read whole: {}",
            Text::ALL.len()
        );
        for &key in Text::ALL {
            for lang in [Lang::Ja, Lang::En] {
                let wording = text(key, lang);
                assert!(!wording.trim().is_empty(), "{key:?} in {lang:?}");
                assert!(
                    !wording.contains('<'),
                    "{key:?} in {lang:?} looks like markup"
                );
            }
            assert_ne!(key.ja(), key.en(), "{key:?} is translated");
        }
    }

    #[test]
    fn japanese_column_is_japanese_and_english_column_is_ascii() {
        for &key in Text::ALL {
            if key == Text::LanguageToggle {
                continue; // the toggle names the other language on purpose
            }
            assert!(key.en().is_ascii(), "{key:?}: {}", key.en());
            assert!(!key.ja().is_ascii(), "{key:?}: {}", key.ja());
        }
    }

    #[test]
    fn keys_are_unique() {
        let unique: HashSet<_> = Text::ALL.iter().collect();
        assert_eq!(unique.len(), Text::ALL.len());
    }

    #[test]
    fn guide_wording_is_exact() {
        // Copied from the customer guide, character for character.
        for (key, guide) in [
            (Text::LabelContractIdLogin, "契約者ID(利用者番号)"),
            (
                Text::LoginInstruction,
                "契約者ID(利用者番号)、ログインパスワードを入力し、「ログイン」ボタンを押してください。",
            ),
            (Text::CodeSuffix, "(半角数字)"),
            (
                Text::CodeHint,
                "トークンに表示されている数字を入力してください。(30秒毎に数字が変更されます。)",
            ),
            (
                Text::RegistrationDone,
                "ワンタイムパスワードの利用登録が完了しました。",
            ),
            (
                Text::StopDone,
                "ワンタイムパスワードの利用停止が完了しました。",
            ),
            (
                Text::CrumbRegistrationDetails,
                "ワンタイムパスワード登録情報入力",
            ),
            (Text::CrumbCodeInput, "ワンタイムパスワード入力"),
            (Text::ButtonBackToLogin, "ログイン画面に戻る"),
            (
                Text::LinkRegistration,
                "ワンタイムパスワードの利用登録はこちら",
            ),
            (Text::LinkStop, "ワンタイムパスワードの利用停止はこちら"),
        ] {
            assert_eq!(text(key, Lang::Ja), guide);
        }
    }

    #[test]
    fn phone_messages_use_the_contact_number() {
        for key in [
            Text::ContactLine,
            Text::ErrPasswordLocked,
            Text::ErrTokenLocked,
        ] {
            assert!(
                key.ja().contains(CONTACT_PHONE) && key.en().contains(CONTACT_PHONE),
                "{key:?}"
            );
        }
    }
}
