//! The token panel's words: the `[token]` section of the page's catalogue files
//! (`src/i18n/ja.txt`, `src/i18n/en.txt`).
//!
//! Static labels in `index.html` name their key in a `data-t` attribute (`data-t="GetToken"`)
//! and carry the Japanese text, so the page reads right before the wasm has loaded; the shell
//! rewrites them when the page's language changes. Everything is rendered as text, never HTML.

pub use webtoken_engine::i18n::Lang;
pub use webtoken_engine::i18n::token::Text;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages_and_a_name() {
        for &key in Text::ALL {
            assert!(!key.get(Lang::Ja).is_empty(), "{key:?}");
            if key != Text::RemainingBefore {
                assert!(!key.get(Lang::En).is_empty(), "{key:?}");
            }
            assert_eq!(Text::from_name(&format!("{key:?}")), Some(key));
        }
        assert_eq!(Text::from_name("Nope"), None);
    }
}
