//! An import as the panel runs it: one change to the list per entry that can be imported, and
//! the report of every entry (imported, or why not) that the panel shows.

use webtoken_engine::i18n::token::Text;
use webtoken_engine::i18n::{Lang, fill};

use super::{Batch, Refusal};
use crate::panel::{Notice, Refusal as NotAdded};
use crate::wallet::{MAX_LABEL_CHARS, WalletOp};

/// One entry to import: its name for the report, and the change that adds it (or why not).
#[derive(Debug)]
pub struct Item {
    /// The entry's name as the report shows it.
    pub name: String,
    /// Whether its secret is shorter than recommended (noted in the report).
    pub short: bool,
    /// The change that adds it, or why it is not imported.
    pub op: Result<WalletOp, Refusal>,
}

/// What became of one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Imported (`true`: its secret is shorter than recommended).
    Imported(String, bool),
    /// Not imported: the export's entry could not be used.
    Refused(String, Refusal),
    /// Not imported: the list refused it (a duplicate, a full list, a storage problem).
    NotAdded(String, NotAdded),
}

/// The report of an import, shown in the panel's message line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report(pub Vec<Line>);

/// The items of `batch`: each credential as a change adding it, labelled by its issuer or
/// account.
pub fn items(batch: Batch) -> Vec<Item> {
    batch
        .entries
        .into_iter()
        .map(|entry| {
            let short = entry
                .result
                .as_ref()
                .is_ok_and(|key| key.secret.is_shorter_than_recommended());
            Item {
                name: entry.name,
                short,
                op: entry.result.map(|key| WalletOp::Add {
                    label: key
                        .issuer
                        .clone()
                        .unwrap_or_else(|| key.account.clone())
                        .chars()
                        .take(MAX_LABEL_CHARS)
                        .collect(),
                    token_id: None,
                    key,
                }),
            }
        })
        .collect()
}

impl Item {
    /// The report's line, once the change (if any) was `applied`.
    pub fn line(self, applied: Option<Result<(), NotAdded>>) -> Line {
        match (self.op, applied) {
            (Err(why), _) => Line::Refused(self.name, why),
            (Ok(_), Some(Err(why))) => Line::NotAdded(self.name, why),
            (Ok(_), _) => Line::Imported(self.name, self.short),
        }
    }
}

impl Report {
    /// How many entries were imported.
    pub fn imported(&self) -> usize {
        self.0
            .iter()
            .filter(|l| matches!(l, Line::Imported(..)))
            .count()
    }

    /// The report in `lang`: a heading, then one line per entry.
    pub fn text(&self, lang: Lang) -> String {
        let mut out = fill(
            Text::ImportReportHead.get(lang),
            &[("imported", &self.imported()), ("total", &self.0.len())],
        );
        for line in &self.0 {
            out.push('\n');
            out.push_str(&match line {
                Line::Imported(name, false) => {
                    fill(Text::ImportLineOk.get(lang), &[("name", name)])
                }
                Line::Imported(name, true) => {
                    fill(Text::ImportLineShort.get(lang), &[("name", name)])
                }
                Line::Refused(name, why) => fill(
                    Text::ImportLineRefused.get(lang),
                    &[("name", name), ("reason", &why.message(lang))],
                ),
                Line::NotAdded(name, why) => fill(
                    Text::ImportLineRefused.get(lang),
                    &[
                        ("name", name),
                        ("reason", &Notice::from(why.clone()).text(lang)),
                    ],
                ),
            });
        }
        out
    }
}
