//! Turns the message catalogues (`src/i18n/ja.txt`, `src/i18n/en.txt`) into Rust: one enum of
//! keys per section, with each language's wording. A key missing from one language is
//! generated with empty wording there, and the parity test in `src/i18n` fails naming it.

#[path = "src/i18n/parse.rs"]
#[allow(dead_code)] // `placeholders` is for the parity test
mod parse;

use std::fmt::Write as _;
use std::{env, fs, path::Path};

const LANGS: [(&str, &str); 2] = [("Ja", "src/i18n/ja.txt"), ("En", "src/i18n/en.txt")];

fn main() {
    let mut catalogues = Vec::new();
    for (lang, path) in LANGS {
        println!("cargo::rerun-if-changed={path}");
        let source = fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let parsed = parse::parse(&source).unwrap_or_else(|e| panic!("{path}: {e}"));
        catalogues.push((lang, parsed));
    }
    println!("cargo::rerun-if-changed=src/i18n/parse.rs");

    // Sections and keys: the union over both files, in the order first seen.
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for (_, catalogue) in &catalogues {
        for (section, entries) in catalogue {
            let index = match sections.iter().position(|(s, _)| s == section) {
                Some(i) => i,
                None => {
                    sections.push((section.clone(), Vec::new()));
                    sections.len() - 1
                }
            };
            for (key, _) in entries {
                if !sections[index].1.contains(key) {
                    sections[index].1.push(key.clone());
                }
            }
        }
    }

    let mut out = String::new();
    for (section, keys) in &sections {
        let _ = writeln!(
            out,
            "/// The `[{section}]` section of the catalogue.\npub mod {section} {{\n\
             use crate::i18n::Lang;\n\
             /// A key of the `[{section}]` section.\n\
             #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\n#[non_exhaustive]\npub enum Text {{"
        );
        for key in keys {
            let _ = writeln!(
                out,
                "    #[doc = {:?}]\n    {key},",
                wording(&catalogues[0].1, section, key)
            );
        }
        block(
            &mut out,
            "}\nimpl Text {\n    /// Every key, in catalogue order.\n    pub const ALL: &'static [Text] = &[",
            keys,
            |k| format!("        Text::{k},"),
        );
        block(
            &mut out,
            "    ];\n    /// The key's name, as written in the catalogue files.\n    pub fn name(self) -> &'static str {\n        match self {",
            keys,
            |k| format!("            Text::{k} => {k:?},"),
        );
        block(
            &mut out,
            "        }\n    }\n    /// The key named `name`.\n    pub fn from_name(name: &str) -> Option<Text> {\n        match name {",
            keys,
            |k| format!("            {k:?} => Some(Text::{k}),"),
        );
        let _ = writeln!(
            out,
            "            _ => None,\n        }}\n    }}\n    /// The wording in `lang`.\n    pub fn get(self, lang: Lang) -> &'static str {{\n        match lang {{"
        );
        for (lang, _) in &catalogues {
            let _ = writeln!(
                out,
                "            Lang::{lang} => self.{}(),",
                lang.to_lowercase()
            );
        }
        let _ = writeln!(out, "        }}\n    }}");
        for (lang, catalogue) in &catalogues {
            let _ = writeln!(
                out,
                "    /// The wording in {lang}.\n    pub fn {}(self) -> &'static str {{\n        match self {{",
                lang.to_lowercase()
            );
            for key in keys {
                let _ = writeln!(
                    out,
                    "            Text::{key} => {:?},",
                    wording(catalogue, section, key)
                );
            }
            let _ = writeln!(out, "        }}\n    }}");
        }
        let _ = writeln!(out, "}}\n}}");
    }
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalogue.rs");
    fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}

/// Writes `head`, then one line per key.
fn block(out: &mut String, head: &str, keys: &[String], line: impl Fn(&str) -> String) {
    out.push_str(head);
    out.push('\n');
    for key in keys {
        out.push_str(&line(key));
        out.push('\n');
    }
}

fn wording<'a>(catalogue: &'a parse::Catalogue, section: &str, key: &str) -> &'a str {
    catalogue
        .iter()
        .find(|(s, _)| s == section)
        .and_then(|(_, entries)| entries.iter().find(|(k, _)| k == key))
        .map_or("", |(_, text)| text.as_str())
}
