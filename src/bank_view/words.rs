//! The wording of the bank section's frame: what the shell itself says (storage, reset, the
//! language toggle's surroundings), the `[page]` section of the catalogue files. The screens'
//! wording is the bank's own section, [`webtoken_bank::text`].

use webtoken_bank::Lang;

/// One phrase of the frame.
pub use webtoken_engine::i18n::page::Text as Words;

/// `words` in `lang`.
pub fn words(words: Words, lang: Lang) -> &'static str {
    words.get(lang)
}
