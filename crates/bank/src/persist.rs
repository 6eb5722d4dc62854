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
