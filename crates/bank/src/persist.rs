//! The bank's customers go through the one save cycle ([`webtoken_engine::persist`]), as the
//! JSON [`webtoken_engine::json`] writes, stored in clear (passwords only as salted hashes) with
//! [`webtoken_engine::persist::PlainSealer`].

use zeroize::Zeroizing;

use crate::Bank;
use webtoken_engine::persist::Record;

/// Nothing stored is the demo bank.
impl Record for Bank {
    fn absent() -> Self {
        match Bank::demo() {
            Ok(bank) => bank,
            // Not `expect`: that would keep BankError's Debug in the page's wasm for nothing.
            Err(_) => {
                panic!("the demo customers are distinct and well-formed (a test builds them)")
            }
        }
    }

    fn encode(&self) -> Zeroizing<String> {
        webtoken_engine::json::to_string(self)
    }

    fn decode(text: &str) -> Result<Self, String> {
        webtoken_engine::json::from_str(text).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use webtoken_engine::persist::{
        Change, Keeper, MemoryRecord, Never, Outcome, PlainSealer, now,
    };

    /// One damaged customer in the stored bank (a password hash that is not hex): the other
    /// customers are read, the damaged one is reported with its contract ID, written back as
    /// stored with the next change, its contract ID is not given out again, and it goes only
    /// when staff remove it.
    #[test]
    fn one_damaged_customer_costs_that_customer_only() {
        let demo = Bank::absent();
        let mut json: serde_json::Value = serde_json::from_str(&demo.encode()).unwrap();
        let first = &mut json["customers"][0];
        let contract_id = first["contract_id"].as_str().unwrap().to_owned();
        first["password"]["hash"] = "not hex".into();
        let damaged = first.clone();
        let record = MemoryRecord::default();
        record.set(Some(&json.to_string()));

        let tab = Keeper::<_, _, Bank>::new(&record, PlainSealer::<Never>::new());
        assert!(now(tab.refresh()).unwrap());
        assert_eq!(tab.problem(), None, "the bank reads");
        let (customers, unreadable) = tab.with(|b| (b.customers().len(), b.unreadable().to_vec()));
        assert_eq!(customers, demo.customers().len() - 1);
        assert_eq!(unreadable.len(), 1);
        assert_eq!(
            unreadable[0].contract_id.as_deref(),
            Some(contract_id.as_str())
        );
        assert!(
            unreadable[0].kept.why.contains("password"),
            "{unreadable:?}"
        );

        fn add(id: &str) -> impl FnMut(&mut Bank) -> Change<(), crate::BankError> + '_ {
            |bank: &mut Bank| {
                let mut random = webtoken_engine::random::SeededRandom::new(4);
                match bank.add_customer(id, "a long password 1", &mut random) {
                    Ok(()) => Change::Save(()),
                    Err(e) => Change::Refuse(e),
                }
            }
        }
        assert!(matches!(
            now(tab.change(add(&contract_id))),
            Some(Outcome::Refused(crate::BankError::DuplicateContract(_)))
        ));
        assert_eq!(now(tab.change(add("1000000099"))), Some(Outcome::Saved(())));
        let written: serde_json::Value = serde_json::from_str(&record.text().unwrap()).unwrap();
        let written = written["customers"].as_array().unwrap();
        assert_eq!(written.len(), demo.customers().len() + 1);
        assert!(written.contains(&damaged), "written back as stored");

        let session = crate::staff::StaffSession::start(
            crate::staff::StaffId::parse(crate::staff::DEMO_STAFF.0).unwrap(),
            0,
        );
        let remove = |bank: &mut Bank| match bank.remove_unreadable(&session, 0) {
            Some(_) => Change::Save(()),
            None => Change::Refuse(()),
        };
        assert_eq!(now(tab.change(remove)), Some(Outcome::Saved(())));
        let written: serde_json::Value = serde_json::from_str(&record.text().unwrap()).unwrap();
        assert!(!written["customers"].as_array().unwrap().contains(&damaged));
        assert!(tab.with(|b| b.unreadable().is_empty()));
    }

    /// A first visit stores the demo bank in clear JSON; a customer added in one tab is read
    /// by another; a stored bank that is not a bank is never overwritten.
    #[test]
    fn the_bank_is_kept_through_the_save_cycle() {
        let record = MemoryRecord::default();
        let tab = || Keeper::<_, _, Bank>::new(&record, PlainSealer::<Never>::new());
        let (one, two) = (tab(), tab());
        let add = |bank: &mut Bank| match bank.add_customer(
            "1000000099",
            "a long password 1",
            &mut webtoken_engine::random::SeededRandom::new(4),
        ) {
            Ok(()) => Change::Save(()),
            Err(e) => Change::Refuse(e),
        };
        assert_eq!(now(one.change(add)).unwrap(), Outcome::Saved(()));
        let text = record.text().unwrap();
        assert!(
            text.starts_with('{') && text.contains("1000000099"),
            "{text}"
        );
        assert!(now(two.refresh()).unwrap());
        assert_eq!(
            two.with(|b| b.customers().len()),
            Bank::absent().customers().len() + 1
        );
        record.set(Some("{\"not\": \"a bank\"}"));
        assert!(now(two.refresh()).unwrap());
        assert!(matches!(
            now(two.change(|_: &mut Bank| Change::<(), ()>::Save(()))),
            Some(Outcome::NotSaved((), _))
        ));
        assert_eq!(record.text().as_deref(), Some("{\"not\": \"a bank\"}"));
    }
}
