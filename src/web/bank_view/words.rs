//! The wording of the bank section's frame: what the shell itself says (storage, reset, the
//! language toggle's surroundings), the `[page]` section of the catalogue files. The screens'
//! wording is the bank's own section, [`crate::bank::text`].

use crate::bank::Lang;

/// One phrase of the frame.
pub use crate::i18n::page::Text as Words;

/// `words` in `lang`.
pub fn words(words: Words, lang: Lang) -> &'static str {
    words.get(lang)
}
