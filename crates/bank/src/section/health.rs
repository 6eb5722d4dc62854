//! What staff are told about the stored records (issue 18): the token service's records put
//! back in place of newer ones, or whose audit trail does not check (nothing in them is used,
//! nothing is accepted), and single stored credentials or customers that cannot be read (kept
//! as stored; the others work). Shown as rows on every staff screen, the sign-in included:
//! with the service's records refused, staff cannot sign in, and must still learn why.

use super::Message;
use super::screen::Part;
use crate::view::{Row, chain_message};
use crate::{Bank, Lang, Text, text};
use webtoken_engine::draw::{Nodes, On, Tree};
use webtoken_engine::i18n::fill;
use webtoken_engine::persist::{KeyValue, Problem, Sealer};
use webtoken_engine::random::Random;
use webtoken_engine::token_id::TokenId;
use webtoken_token_service::{ChainError, InPage, NotSavedError};

/// Why the token service's records are not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordsTrouble {
    /// An older copy was put back in place of a newer one.
    RolledBack {
        /// Its version.
        found: u64,
        /// The highest version this browser has seen.
        highest: u64,
    },
    /// The audit trail does not check.
    Chain(ChainError),
    /// The records cannot be read at all.
    Unreadable,
}

/// The token service's records as the shell finds them after each call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceHealth {
    /// Why its records are not used, if they are not.
    pub trouble: Option<RecordsTrouble>,
    /// Stored credentials that cannot be read: each one's Token ID if readable, and why.
    pub unreadable: Vec<(Option<TokenId>, String)>,
}

impl ServiceHealth {
    /// The in-page service's records as found by its last call: put back, unreadable or with
    /// an audit log that does not check, and the stored credentials that cannot be read.
    pub fn of<K, S, R>(service: &InPage<K, S, R>) -> Self
    where
        K: KeyValue + Clone,
        S: Sealer,
        S::Error: NotSavedError,
        R: Random,
    {
        let trouble = match service.problem() {
            Some(Problem::RolledBack { found, highest }) => {
                Some(RecordsTrouble::RolledBack { found, highest })
            }
            Some(problem) if problem.is_unreadable() => Some(RecordsTrouble::Unreadable),
            _ => service.audit_trouble().map(RecordsTrouble::Chain),
        };
        let unreadable = service.with(|records| {
            (records.opened().into_iter())
                .flat_map(|service| service.unreadable())
                .map(|u| (u.token_id.clone(), u.kept.why.clone()))
                .collect()
        });
        Self {
            trouble,
            unreadable,
        }
    }
}

/// The rows staff see about the stored records: the service's, then the bank's own.
pub fn rows(health: &ServiceHealth, bank: &Bank, lang: Lang) -> Vec<Row> {
    let t = |key: Text| text(key, lang);
    let mut said = Vec::new();
    match &health.trouble {
        None => {}
        Some(RecordsTrouble::RolledBack { found, highest }) => said.push(fill(
            t(Text::RecordsServiceRolledBack),
            &[("found", found), ("highest", highest)],
        )),
        Some(RecordsTrouble::Chain(e)) => said.push(fill(
            t(Text::RecordsServiceChain),
            &[("why", &chain_message(e, lang))],
        )),
        Some(RecordsTrouble::Unreadable) => said.push(t(Text::RecordsServiceUnreadable).into()),
    }
    let unknown = t(Text::RecordsIdUnknown);
    for (token_id, why) in &health.unreadable {
        let id = token_id
            .as_ref()
            .map_or(unknown.to_owned(), TokenId::grouped);
        said.push(fill(
            t(Text::RecordsUnreadableCredential),
            &[("token_id", &id), ("why", why)],
        ));
    }
    for customer in bank.unreadable() {
        let id = customer.contract_id.as_deref().unwrap_or(unknown);
        said.push(fill(
            t(Text::RecordsUnreadableCustomer),
            &[("contract_id", &id), ("why", &customer.kept.why)],
        ));
    }
    let label = t(Text::LabelStoredRecords);
    said.into_iter().map(|value| Row { label, value }).collect()
}

/// Which list an unreadable stored entry is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredKind {
    /// The bank's customers ([`Bank::unreadable`]).
    Customer,
    /// The token service's credentials ([`ServiceHealth::unreadable`]).
    Credential,
}

/// One unreadable stored entry a signed-in staff member may remove, as it was shown: a
/// removal goes ahead only while the entry at `index` is still this one (another tab may
/// have changed the list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// Its list.
    pub kind: StoredKind,
    /// Its place in that list.
    pub index: usize,
    /// Its contract ID or Token ID (grouped), when readable.
    pub id: Option<String>,
    /// What is wrong with it.
    pub why: String,
}

impl Removal {
    /// How staff are told which entry this is: its contract ID or Token ID, else its position.
    pub fn name(&self, lang: Lang) -> String {
        let t = |key| text(key, lang);
        match (&self.id, self.kind) {
            (Some(id), StoredKind::Customer) => {
                fill(t(Text::RecordsCustomerNamed), &[("contract_id", id)])
            }
            (Some(id), StoredKind::Credential) => {
                fill(t(Text::RecordsCredentialNamed), &[("token_id", id)])
            }
            (None, StoredKind::Customer) => {
                fill(t(Text::RecordsCustomerAt), &[("n", &(self.index + 1))])
            }
            (None, StoredKind::Credential) => {
                fill(t(Text::RecordsCredentialAt), &[("n", &(self.index + 1))])
            }
        }
    }

    /// Whether this is still the entry at its place in `health` or `bank`.
    pub(crate) fn current(&self, health: &ServiceHealth, bank: &Bank) -> bool {
        removals(health, bank).contains(self)
    }
}

/// Why an unreadable stored entry was not removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoveRefused {
    /// It is no longer the entry shown (another tab changed the list): nothing was removed.
    Gone,
    /// The browser could not save: nothing was removed.
    NotSaved,
    /// The token service's records are not the page's (remote mode).
    Unavailable,
}

/// The unreadable stored entries staff may remove: the service's credentials, then the
/// bank's customers.
pub fn removals(health: &ServiceHealth, bank: &Bank) -> Vec<Removal> {
    let credentials = health
        .unreadable
        .iter()
        .enumerate()
        .map(|(index, (id, why))| Removal {
            kind: StoredKind::Credential,
            index,
            id: id.as_ref().map(TokenId::grouped),
            why: why.clone(),
        });
    let customers = bank
        .unreadable()
        .iter()
        .enumerate()
        .map(|(index, c)| Removal {
            kind: StoredKind::Customer,
            index,
            id: c.contract_id.clone(),
            why: c.kept.why.clone(),
        });
    credentials.chain(customers).collect()
}

/// The removal controls (`bank-stored`): each removable entry named, with its
/// 「この記録を削除」 button; the one `asking` about with the question naming it, its yes and its
/// safe no.
/// Its one part is the safe no ([`Part::KeepRecord`]), where focus goes when the question opens.
pub fn tree(removals: &[Removal], asking: Option<&Removal>, lang: Lang) -> Nodes<Part, Message> {
    let t = |key| text(key, lang);
    let mut tree = Tree::new();
    for removal in removals {
        let name = removal.name(lang);
        tree.open("div", "bank-stored-entry")
            .attr("data-testid", "bank-stored-entry");
        tree.open("span", "").text(name.clone()).close();
        if asking == Some(removal) {
            tree.open("p", "bank-stored-question")
                .attr("role", "alert")
                .text(fill(t(Text::RecordsRemoveQuestion), &[("what", &name)]))
                .close();
            tree.button("bank-button grave", "button", t(Text::ButtonRemoveYes))
                .attr("data-testid", "bank-remove-yes")
                .on(On::Click(Message::ConfirmRemove))
                .close();
            tree.button("bank-button", "button", t(Text::ButtonRemoveNo))
                .attr("data-testid", "bank-remove-no")
                .part(Part::KeepRecord)
                .on(On::Click(Message::CancelRemove))
                .close();
        } else {
            tree.button("bank-button", "button", t(Text::ButtonRemoveRecord))
                .attr("data-testid", "bank-remove-record")
                .attr(
                    "aria-label",
                    format!("{}: {name}", t(Text::ButtonRemoveRecord)),
                )
                .on(On::Click(Message::AskRemove(removal.clone())))
                .close();
        }
        tree.close();
    }
    tree.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Each trouble is said in both languages, with its numbers and names, and nothing when
    /// all is well.
    #[test]
    fn staff_are_told_what_is_wrong_with_the_records_in_both_languages() {
        let bank = Bank::demo().unwrap();
        assert!(rows(&ServiceHealth::default(), &bank, Lang::Ja).is_empty());
        let token = TokenId::generate("WBTK", 42).unwrap();
        for trouble in [
            RecordsTrouble::RolledBack {
                found: 3,
                highest: 7,
            },
            RecordsTrouble::Chain(ChainError::Truncated {
                expected_count: 9,
                found: 5,
            }),
            RecordsTrouble::Unreadable,
        ] {
            let health = ServiceHealth {
                trouble: Some(trouble.clone()),
                unreadable: vec![
                    (Some(token.clone()), "secret: bad".into()),
                    (None, "x".into()),
                ],
            };
            for lang in [Lang::Ja, Lang::En] {
                let said = rows(&health, &bank, lang);
                assert_eq!(said.len(), 3, "{said:?}");
                assert!(
                    said.iter()
                        .all(|r| r.label == text(Text::LabelStoredRecords, lang))
                );
                assert!(!said.iter().any(|r| r.value.contains('{')), "{said:?}");
                let first = &said[0].value;
                match trouble {
                    RecordsTrouble::RolledBack { .. } => {
                        assert!(first.contains('3') && first.contains('7'), "{first}")
                    }
                    RecordsTrouble::Chain(_) => assert!(first.contains('9'), "{first}"),
                    RecordsTrouble::Unreadable => {}
                }
                assert!(said[1].value.contains(&token.grouped()), "{said:?}");
                assert!(said[2].value.contains(text(Text::RecordsIdUnknown, lang)));
            }
        }
        let en = rows(
            &ServiceHealth {
                trouble: Some(RecordsTrouble::RolledBack {
                    found: 1,
                    highest: 2,
                }),
                unreadable: Vec::new(),
            },
            &bank,
            Lang::En,
        );
        assert!(en[0].value.contains("older copy"), "{en:?}");
    }
}
