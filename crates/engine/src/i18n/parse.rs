//! The catalogue file format, shared by `build.rs` (which turns the files into Rust) and the
//! parity tests (which compare the files).
//!
//! ```text
//! # a comment
//! [bank]
//! ButtonLogin = ログイン
//! CodeRule = ワンタイムパスワードは半角数字{digits}桁で入力してください
//! RemainingBefore =
//! ```
//!
//! A `[section]` line starts a group of keys (one Rust enum per section). Each entry is
//! `Key = text`: the text is the rest of the line after ` = ` (or `=` at its end), verbatim;
//! `{name}` is a placeholder. Blank lines and `#` lines are skipped.

/// One catalogue file: its sections in file order, each with its entries in file order.
pub type Catalogue = Vec<(String, Vec<(String, String)>)>;

/// Parses one catalogue file. An error names the line.
pub fn parse(source: &str) -> Result<Catalogue, String> {
    let mut sections: Catalogue = Vec::new();
    for (number, line) in source.lines().enumerate() {
        let number = number + 1;
        let trimmed = line.trim_end();
        if trimmed.trim_start().is_empty() || trimmed.trim_start().starts_with('#') {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            if !is_identifier(name) || sections.iter().any(|(s, _)| s == name) {
                return Err(format!("line {number}: bad or repeated section [{name}]"));
            }
            sections.push((name.to_owned(), Vec::new()));
            continue;
        }
        let (key, text) = match trimmed.split_once(" = ") {
            Some((key, text)) => (key, text),
            None => match trimmed.strip_suffix(" =") {
                Some(key) => (key, ""),
                None => return Err(format!("line {number}: expected `Key = text`")),
            },
        };
        let Some((_, entries)) = sections.last_mut() else {
            return Err(format!("line {number}: an entry before any [section]"));
        };
        if !is_identifier(key) || !key.starts_with(|c: char| c.is_ascii_uppercase()) {
            return Err(format!("line {number}: `{key}` is not a key (CamelCase)"));
        }
        if entries.iter().any(|(k, _)| k == key) {
            return Err(format!("line {number}: key {key} appears twice"));
        }
        entries.push((key.to_owned(), text.to_owned()));
    }
    Ok(sections)
}

/// The placeholder names in `text` (`{digits}` gives `digits`), in order of appearance.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_identifier(&after[..close]) => {
                names.push(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    names
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
