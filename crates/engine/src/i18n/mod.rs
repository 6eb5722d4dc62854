//! The message catalogue: every word the page shows, one file per language
//! (`src/i18n/ja.txt`, `src/i18n/en.txt`), turned into Rust by `build.rs`.
//!
//! Each `[section]` of the files becomes a module here with a `Text` enum of its keys, so a
//! key that does not exist is a compile error, and the parity test below fails when a key,
//! or a key's placeholders, is in one language only.

#[cfg(test)]
mod parse;

use serde::{Deserialize, Serialize};

include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));

/// The language the page is shown in; Japanese by default, as the guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Japanese (the default).
    #[default]
    Ja,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag for the page's `lang` attribute (`ja`, `en`).
    pub fn tag(self) -> &'static str {
        match self {
            Self::Ja => "ja",
            Self::En => "en",
        }
    }

    /// The language a `tag()` names, if any.
    pub fn from_tag(tag: &str) -> Option<Self> {
        match tag {
            "ja" => Some(Self::Ja),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The other language (for the page's language toggle).
    pub fn toggled(self) -> Self {
        match self {
            Self::Ja => Self::En,
            Self::En => Self::Ja,
        }
    }

    /// The language for a browser's preferred languages (`navigator.languages`, most
    /// preferred first): the first one we have, by primary subtag (`en-GB` is English),
    /// and Japanese when none is.
    pub fn preferred<'a>(browser: impl IntoIterator<Item = &'a str>) -> Self {
        browser
            .into_iter()
            .find_map(|tag| {
                let primary = tag.split(['-', '_']).next().unwrap_or("");
                Self::from_tag(&primary.to_ascii_lowercase())
            })
            .unwrap_or_default()
    }
}

/// `template` with each `{name}` replaced by its value from `args`; an unknown placeholder
/// is left as written (the parity test keeps both languages' placeholders the same).
pub fn fill(template: &str, args: &[(&str, &dyn core::fmt::Display)]) -> String {
    use core::fmt::Write as _;
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after
            .find('}')
            .and_then(|close| Some((close, args.iter().find(|(n, _)| *n == &after[..close])?)));
        match value {
            Some((close, (_, value))) => {
                let _ = write!(out, "{value}");
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const JA: &str = include_str!("ja.txt");
    const EN: &str = include_str!("en.txt");

    /// Every (section, key) of a catalogue file, with its placeholders.
    fn keys(source: &str) -> BTreeSet<(String, String, Vec<String>)> {
        let parsed = parse::parse(source).expect("the catalogue parses");
        let mut keys = BTreeSet::new();
        for (section, entries) in parsed {
            for (key, text) in entries {
                let mut names: Vec<String> = parse::placeholders(&text)
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                names.sort();
                keys.insert((section.clone(), key, names));
            }
        }
        keys
    }

    /// The keys (with placeholders) in `a` but not in `b`, one per line.
    fn missing(a: &str, b: &str) -> Vec<String> {
        let (a, b) = (keys(a), keys(b));
        a.difference(&b)
            .map(|(section, key, names)| format!("[{section}] {key} {names:?}"))
            .collect()
    }

    #[test]
    fn both_languages_have_the_same_keys_and_placeholders() {
        let (ja_only, en_only) = (missing(JA, EN), missing(EN, JA));
        assert!(
            ja_only.is_empty() && en_only.is_empty(),
            "not in en.txt (or other placeholders there): {ja_only:#?}\n\
             not in ja.txt (or other placeholders there): {en_only:#?}"
        );
        assert!(keys(JA).len() > 200, "the catalogue is read whole");
    }

    #[test]
    fn every_wording_is_written_out() {
        for source in [JA, EN] {
            for (section, entries) in parse::parse(source).expect("parses") {
                for (key, text) in entries {
                    // English says "12 seconds left" where Japanese says 「あと12秒」.
                    let may_be_empty =
                        (section.as_str(), key.as_str()) == ("token", "RemainingBefore");
                    assert!(may_be_empty || !text.trim().is_empty(), "[{section}] {key}");
                }
            }
        }
    }

    #[test]
    fn the_parity_check_catches_a_missing_key_and_a_changed_placeholder() {
        let ja = "[s]\nA = あ\nB = {n}個\n";
        assert_eq!(missing(ja, "[s]\nA = a\n"), ["[s] B [\"n\"]"]);
        assert_eq!(
            missing(ja, "[s]\nA = a\nB = {m} items\n"),
            ["[s] B [\"n\"]"]
        );
        assert!(missing(ja, "[s]\nB = {n} items\nA = a\n").is_empty());
    }

    #[test]
    fn the_parser_refuses_malformed_files() {
        for bad in [
            "A = a\n",
            "[s]\nnot an entry\n",
            "[s]\nA = a\nA = b\n",
            "[s]\n[s]\n",
            "[s]\nlower = x\n",
        ] {
            assert!(parse::parse(bad).is_err(), "{bad:?}");
        }
        let parsed = parse::parse("# c\n[s]\nA = x = y\nB =\n").expect("parses");
        assert_eq!(
            parsed[0].1,
            [("A".into(), "x = y".into()), ("B".into(), String::new())]
        );
    }

    #[test]
    fn every_wording_is_text_not_markup() {
        for source in [JA, EN] {
            for (_, entries) in parse::parse(source).expect("parses") {
                for (key, text) in entries {
                    assert!(!text.contains('<'), "{key} looks like markup: {text}");
                }
            }
        }
    }

    #[test]
    fn fill_replaces_known_placeholders_only() {
        assert_eq!(fill("{n}桁です{x}", &[("n", &6)]), "6桁です{x}");
        assert_eq!(fill("a {b} {b} {", &[("b", &"c")]), "a c c {");
        assert_eq!(fill("no braces", &[]), "no braces");
    }

    #[test]
    fn browser_language_picks_the_first_we_have_and_japanese_otherwise() {
        assert_eq!(Lang::preferred(["en-GB", "ja"]), Lang::En);
        assert_eq!(Lang::preferred(["fr-FR", "ja-JP", "en"]), Lang::Ja);
        assert_eq!(Lang::preferred(["fr", "EN_us"]), Lang::En);
        assert_eq!(Lang::preferred(["de", "fr"]), Lang::Ja);
        assert_eq!(Lang::preferred([]), Lang::Ja);
        assert_eq!(Lang::preferred([""]), Lang::Ja);
    }

    #[test]
    fn lang_tags_and_toggle() {
        assert_eq!(Lang::default(), Lang::Ja);
        assert_eq!((Lang::Ja.tag(), Lang::En.tag()), ("ja", "en"));
        assert_eq!(Lang::from_tag("en"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::Ja.toggled(), Lang::En);
        assert_eq!(Lang::En.toggled(), Lang::Ja);
    }
}
