//! Where the bank is kept: `localStorage` under [`PREFIX`], as JSON in clear (passwords are
//! stored only as salted hashes), through the core's save cycle
//! ([`webtoken_engine::persist`]) with no sealing ([`PlainSealer`]). A browser that refuses
//! storage still runs the bank in memory; stored data that cannot be read is never
//! overwritten except by an explicit reset.

use std::convert::Infallible;

use super::super::sealed::NotSaved;
use super::super::storage::{StorageError, Store, StoredRecord};
use webtoken_bank::section::Records;
use webtoken_bank::{Bank, BankError, Lang};
use webtoken_engine::i18n::page::Text as Words;
use webtoken_engine::persist::{Change, Keeper, PlainSealer, Problem, now};

/// The key prefix of everything the bank view stores.
pub const PREFIX: &str = "webtoken.bank.";
/// The key of the bank (its customers), under [`PREFIX`].
pub const BANK_KEY: &str = "customers";
/// The key of the chosen language (`ja` or `en`), under [`PREFIX`].
pub const LANG_KEY: &str = "lang";

/// `localStorage` and the plain sealer answer at once: the cycle never waits.
const AT_ONCE: &str = "the bank's store (localStorage) and sealer (none) never wait";

/// How the bank is being kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keeping {
    /// Saved after every change.
    Stored,
    /// Storage refuses the page: the bank lives in memory only.
    MemoryOnly(StorageError),
    /// The stored bank could not be read (the reason); it stays untouched until a reset.
    Unreadable(String),
    /// The last save failed; the next change tries again.
    SaveFailed(StorageError),
}

impl From<Option<Problem<NotSaved>>> for Keeping {
    fn from(problem: Option<Problem<NotSaved>>) -> Self {
        match problem {
            None => Self::Stored,
            Some(Problem::Store(e @ StorageError::Unavailable(_))) => Self::MemoryOnly(e),
            Some(Problem::Store(e)) => Self::SaveFailed(e),
            Some(Problem::Decode(why)) => Self::Unreadable(why),
            // Busy (the plain sealer never fails).
            Some(_) => Self::SaveFailed(StorageError::Failed("another tab saved first".into())),
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

/// The bank's storage and how it is going.
pub struct Persist {
    store: Store,
    /// Plain, with the page's one error type: the bank shares the wallet's and the token
    /// service's copy of the save cycle.
    keeper: Keeper<StoredRecord, PlainSealer<NotSaved>, Bank>,
    /// How the bank is being kept.
    pub keeping: Keeping,
}

impl Persist {
    /// Opens the bank's storage.
    pub fn open() -> Self {
        let store = Store::open(PREFIX);
        let keeping = match store.available() {
            Ok(()) => Keeping::Stored,
            Err(e) => Keeping::MemoryOnly(e),
        };
        Self {
            keeper: Keeper::new(
                StoredRecord::new(store.clone(), BANK_KEY),
                PlainSealer::new(),
            ),
            store,
            keeping,
        }
    }

    /// The stored bank, or the demo bank (saved at once) when none is stored or it cannot be
    /// read. Fails only when the demo customers cannot be made.
    pub fn load(&mut self) -> Result<Bank, BankError> {
        now(self.keeper.refresh()).expect(AT_ONCE);
        if !self.keeper.has_seen() && self.keeper.problem().is_none() {
            // Nothing stored: the demo bank the keeper starts from, saved now.
            now(self.keeper.change(|_| Change::<(), Infallible>::Save(()))).expect(AT_ONCE);
        }
        self.keeping = self.keeper.problem().into();
        Ok(self.keeper.with(Bank::clone))
    }

    /// The language chosen last time, if one was.
    pub fn lang(&self) -> Option<Lang> {
        match self.store.get(LANG_KEY) {
            Ok(Some(tag)) => Lang::from_tag(&tag),
            _ => None,
        }
    }
}

impl Records for Persist {
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
