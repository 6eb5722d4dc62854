//! Wrong-password counts for contract IDs that have no contract.
//!
//! A real contract answers "locked" after [`MAX_PASSWORD_FAILURES`] wrong passwords; if an
//! unknown ID kept answering "invalid", that difference alone would tell an intruder which
//! IDs exist. So unknown IDs are counted too, and lock the same way. The list is bounded:
//! at most [`MAX_UNKNOWN_IDS`] IDs, the one whose last failure is oldest dropped first.
//!
//! [`MAX_PASSWORD_FAILURES`]: crate::MAX_PASSWORD_FAILURES

use serde::{Deserialize, Serialize};

use super::ContractId;

/// How many unknown contract IDs keep a failure count (about 45 KB of JSON when full).
///
/// An intruder who fails on this many other IDs pushes an old entry out, and that ID answers
/// "invalid" again; a real contract's lock stays. The bound keeps the stored bank small.
pub const MAX_UNKNOWN_IDS: usize = 1_000;

/// One unknown contract ID and its consecutive wrong passwords.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct UnknownFailure {
    contract_id: ContractId,
    failures: u32,
}

impl webtoken_engine::json::ToJson for UnknownFailure {
    fn write_json(&self, out: &mut webtoken_engine::json::Out) {
        webtoken_engine::json::object(out, |o| {
            o.field("contract_id", &self.contract_id)
                .field("failures", &self.failures);
        });
    }
}

impl webtoken_engine::json::FromJson for UnknownFailure {
    fn from_json(
        value: &webtoken_engine::json::Value,
    ) -> Result<Self, webtoken_engine::json::JsonError> {
        let f = value.fields()?;
        Ok(Self {
            contract_id: f.get("contract_id")?,
            failures: f.get("failures")?,
        })
    }
}

/// The failure counts of unknown contract IDs, least recently failed first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct UnknownFailures(Vec<UnknownFailure>);

impl UnknownFailures {
    /// The counts as read from a stored bank: entries of real contracts dropped (a contract
    /// created since keeps its own count), then the newest [`MAX_UNKNOWN_IDS`] kept.
    pub(crate) fn from_stored(
        mut entries: Vec<UnknownFailure>,
        is_contract: impl Fn(&ContractId) -> bool,
    ) -> Self {
        entries.retain(|entry| !is_contract(&entry.contract_id));
        let excess = entries.len().saturating_sub(MAX_UNKNOWN_IDS);
        entries.drain(..excess);
        Self(entries)
    }

    /// The entries, least recently failed first, for the stored form.
    pub(crate) fn entries(&self) -> &[UnknownFailure] {
        &self.0
    }

    /// Consecutive wrong passwords for `contract_id` (0 when it is not listed).
    pub(crate) fn count(&self, contract_id: &ContractId) -> u32 {
        self.0
            .iter()
            .find(|entry| &entry.contract_id == contract_id)
            .map_or(0, |entry| entry.failures)
    }

    /// Counts one more wrong password for `contract_id` and returns its new count; the entry
    /// becomes the newest, and the oldest is dropped when the list is full.
    pub(crate) fn record(&mut self, contract_id: &ContractId) -> u32 {
        let failures = match self.0.iter().position(|e| &e.contract_id == contract_id) {
            Some(index) => self.0.remove(index).failures.saturating_add(1),
            None => 1,
        };
        if self.0.len() >= MAX_UNKNOWN_IDS {
            self.0.remove(0);
        }
        self.0.push(UnknownFailure {
            contract_id: contract_id.clone(),
            failures,
        });
        failures
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn id(n: usize) -> ContractId {
        ContractId::parse(&format!("{:010}", 2_000_000_000 + n)).unwrap()
    }

    #[test]
    fn counts_per_id_and_stays_bounded() {
        let mut list = UnknownFailures::default();
        assert_eq!(list.record(&id(0)), 1);
        assert_eq!(list.record(&id(0)), 2);
        assert_eq!(list.count(&id(0)), 2);
        assert_eq!(list.count(&id(1)), 0);
        for n in 1..=MAX_UNKNOWN_IDS {
            list.record(&id(n));
        }
        assert_eq!(list.entries().len(), MAX_UNKNOWN_IDS);
        assert_eq!(list.count(&id(0)), 0, "the oldest entry is dropped");
        assert_eq!(list.count(&id(MAX_UNKNOWN_IDS)), 1);
        // A fresh failure makes an entry the newest, so it outlives older ones.
        list.record(&id(1));
        list.record(&id(MAX_UNKNOWN_IDS + 1));
        assert_eq!(list.count(&id(1)), 2);
        assert_eq!(list.count(&id(2)), 0);
    }

    #[test]
    fn stored_lists_are_bounded_and_skip_real_contracts() {
        let mut full = UnknownFailures::default();
        for n in 0..MAX_UNKNOWN_IDS {
            full.record(&id(n));
        }
        let mut entries = full.entries().to_vec();
        entries.push(UnknownFailure {
            contract_id: id(MAX_UNKNOWN_IDS),
            failures: 3,
        });
        let read = UnknownFailures::from_stored(entries.clone(), |_| false);
        assert_eq!(read.entries().len(), MAX_UNKNOWN_IDS);
        assert_eq!(read.count(&id(0)), 0, "the oldest entries go first");
        assert_eq!(read.count(&id(MAX_UNKNOWN_IDS)), 3);
        let read = UnknownFailures::from_stored(entries, |c| c == &id(5));
        assert_eq!(read.count(&id(5)), 0, "a real contract keeps its own count");
        assert_eq!(read.count(&id(0)), 1);
    }
}
