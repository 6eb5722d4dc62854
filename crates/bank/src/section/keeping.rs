//! Where the bank section keeps the bank: one key of a key-value store (the page's
//! `localStorage`) through the one save cycle ([`webtoken_engine::persist`]), in clear with
//! [`PlainSealer`](webtoken_engine::persist::PlainSealer) (passwords are stored only as salted hashes), and the chosen language
//! under another key. A store that refuses still runs the bank in memory; stored data that
//! cannot be read is never overwritten except by an explicit reset. [`Keeping`](crate::section::keeping::Keeping) says how it
//! goes, for the frame's storage notice.
//!
//! ```
//! use webtoken_bank::section::Records;
//! use webtoken_bank::section::keeping::{Keeping, Kept};
//! use webtoken_engine::persist::MemoryKeyValue;
//! let mut kept = Kept::<_, ()>::open(MemoryKeyValue::default());
//! let bank = kept.load();
//! assert!(kept.save(&bank));
//! assert_eq!(kept.keeping, Keeping::Stored);
//! ```

use std::convert::Infallible;

use super::Records;
use crate::{Bank, Lang};
use webtoken_engine::i18n::page::Text as Words;
use webtoken_engine::persist::{
    Change, Keeper, KeyRecord, KeyValue, PlainSealer, Problem, StoreError, now,
};

/// The key of the bank (its customers).
pub const BANK_KEY: &str = "customers";
/// The key of the chosen language (`ja` or `en`).
pub const LANG_KEY: &str = "lang";

/// A key-value store and the plain sealer answer at once: the cycle never waits.
const AT_ONCE: &str = "the bank's store (a key-value store) and sealer (none) never wait";

/// How the bank is being kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keeping {
    /// Saved after every change.
    Stored,
    /// Storage refuses the page: the bank lives in memory only.
    MemoryOnly(StoreError),
    /// The stored bank could not be read (the reason); it stays untouched until a reset.
    Unreadable(String),
    /// The last save failed; the next change tries again.
    SaveFailed(StoreError),
}

impl<E> From<Option<Problem<E>>> for Keeping {
    fn from(problem: Option<Problem<E>>) -> Self {
        match problem {
            None => Self::Stored,
            Some(Problem::Store(e @ StoreError::Unavailable(_))) => Self::MemoryOnly(e),
            Some(Problem::Store(e)) => Self::SaveFailed(e),
            Some(Problem::Decode(why)) => Self::Unreadable(why),
            // Busy (the plain sealer never fails).
            Some(_) => Self::SaveFailed(StoreError::Failed("another tab saved first".into())),
        }
    }
}

impl Keeping {
    /// The frame's storage notice and the browser's words for it; `None` when stored.
    pub fn notice(&self) -> Option<(Words, String)> {
        match self {
            Keeping::Stored => None,
            Keeping::MemoryOnly(e) => Some((Words::MemoryOnly, e.to_string())),
            Keeping::Unreadable(why) => Some((Words::Unreadable, why.clone())),
            Keeping::SaveFailed(e) => Some((Words::SaveFailed, e.to_string())),
        }
    }
}

/// The bank's storage and how it is going. `E` is the error type of the page's other sealers,
/// so that the bank shares their copy of the save cycle in the page's wasm.
pub struct Kept<K: KeyValue, E: Clone> {
    store: K,
    keeper: Keeper<KeyRecord<K>, PlainSealer<E>, Bank>,
    /// How the bank is being kept.
    pub keeping: Keeping,
}

impl<K: KeyValue + Clone, E: Clone> Kept<K, E> {
    /// The bank's storage in `store` (nothing is read yet: see [`Self::load`]).
    pub fn open(store: K) -> Self {
        let keeping = match store.available() {
            Ok(()) => Keeping::Stored,
            Err(e) => Keeping::MemoryOnly(e),
        };
        Self {
            keeper: Keeper::new(KeyRecord::new(store.clone(), BANK_KEY), PlainSealer::new()),
            store,
            keeping,
        }
    }

    /// The stored bank, or the demo bank (saved at once) when none is stored or it cannot be
    /// read.
    pub fn load(&mut self) -> Bank {
        now(self.keeper.refresh()).expect(AT_ONCE);
        if !self.keeper.has_seen() && self.keeper.problem().is_none() {
            // Nothing stored: the demo bank the keeper starts from, saved now.
            now(self.keeper.change(|_| Change::<(), Infallible>::Save(()))).expect(AT_ONCE);
        }
        self.keeping = self.keeper.problem().into();
        self.keeper.with(Bank::clone)
    }

    /// The language chosen last time, if one was.
    pub fn lang(&self) -> Option<Lang> {
        match self.store.get(LANG_KEY) {
            Ok(Some(tag)) => Lang::from_tag(&tag),
            _ => None,
        }
    }
}

impl<K: KeyValue + Clone, E: Clone> Records for Kept<K, E> {
    /// The bank as another tab last stored it, when that differs from what this tab last read
    /// or wrote: re-read before every change, so that a tab never writes back a stale copy
    /// (which would undo another tab's registration or password failures).
    fn refresh(&mut self) -> Option<Bank> {
        let changed = now(self.keeper.refresh()).expect(AT_ONCE);
        self.keeping = self.keeper.problem().into();
        (changed && self.keeping == Keeping::Stored && self.keeper.has_seen())
            .then(|| self.keeper.with(Bank::clone))
    }

    /// Saves the bank after a change; unreadable stored data is left alone. `false` when it
    /// was not saved.
    fn save(&mut self, bank: &Bank) -> bool {
        let outcome = now(self.keeper.change(|kept| {
            *kept = bank.clone();
            Change::<(), Infallible>::Save(())
        }));
        outcome.expect(AT_ONCE);
        self.keeping = self.keeper.problem().into();
        self.keeping == Keeping::Stored
    }

    /// Saves the bank after a reset, over unreadable stored data too.
    fn replace(&mut self, bank: &Bank) {
        now(self.keeper.discard()).expect(AT_ONCE);
        let _ = self.save(bank);
    }

    /// Remembers the chosen language; a refusal only means it is not remembered.
    fn set_lang(&mut self, lang: Lang) {
        let _ = self.store.set(LANG_KEY, lang.tag());
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::{ContractId, DEMO_CUSTOMERS};
    use webtoken_engine::persist::{MemoryKeyValue, Record};
    use webtoken_engine::token_id::TokenId;

    /// The bank as stored (`Bank` has no `==`: its encoding stands for it).
    fn text(bank: &Bank) -> String {
        bank.encode().to_string()
    }

    fn kept(store: &MemoryKeyValue) -> Kept<MemoryKeyValue, ()> {
        Kept::open(store.clone())
    }

    #[test]
    fn a_first_visit_stores_the_demo_bank_at_once() {
        let store = MemoryKeyValue::default();
        let bank = kept(&store).load();
        assert!(store.get(BANK_KEY).unwrap().is_some());
        assert_eq!(text(&kept(&store).load()), text(&bank));
    }

    #[test]
    fn a_refusing_store_keeps_the_bank_in_memory_and_says_so() {
        let store = MemoryKeyValue::default();
        store.refuse(Some(StoreError::Unavailable("SecurityError".into())));
        let mut kept = kept(&store);
        let bank = kept.load();
        assert!(matches!(kept.keeping, Keeping::MemoryOnly(_)));
        assert!(!kept.save(&bank));
        let (words, detail) = kept.keeping.notice().unwrap();
        assert_eq!(words, Words::MemoryOnly);
        assert!(detail.contains("SecurityError"), "{detail}");
        assert_eq!(kept.lang(), None);
    }

    #[test]
    fn an_unreadable_bank_is_left_alone_until_a_reset() {
        let store = MemoryKeyValue::default();
        store.set(BANK_KEY, "not a bank").unwrap();
        let mut kept = kept(&store);
        let bank = kept.load();
        assert!(matches!(kept.keeping, Keeping::Unreadable(_)));
        assert_eq!(kept.keeping.notice().unwrap().0, Words::Unreadable);
        assert!(!kept.save(&bank));
        assert_eq!(store.get(BANK_KEY).unwrap().as_deref(), Some("not a bank"));
        kept.replace(&bank);
        assert_eq!(kept.keeping, Keeping::Stored);
        assert_ne!(store.get(BANK_KEY).unwrap().as_deref(), Some("not a bank"));
    }

    #[test]
    fn another_tabs_change_is_read_before_the_next_one() {
        let store = MemoryKeyValue::default();
        let (mut one, mut two) = (kept(&store), kept(&store));
        let bank = one.load();
        two.load();
        assert!(one.refresh().is_none(), "nothing changed since");
        let mut changed = bank.clone();
        let customer = ContractId::parse(DEMO_CUSTOMERS[0].0).unwrap();
        let token = TokenId::generate("WBTK", 1).unwrap();
        changed.bind_token(&customer, &token).unwrap();
        assert!(two.save(&changed));
        assert_eq!(one.refresh().map(|b| text(&b)), Some(text(&changed)));
    }

    #[test]
    fn the_chosen_language_is_remembered() {
        let store = MemoryKeyValue::default();
        kept(&store).set_lang(Lang::En);
        assert_eq!(kept(&store).lang(), Some(Lang::En));
    }
}
