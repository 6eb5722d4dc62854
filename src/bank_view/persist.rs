//! Where the bank is kept: `localStorage` under [`PREFIX`], as JSON. A browser that refuses
//! storage still runs the bank in memory; stored data that cannot be read is never
//! overwritten except by an explicit reset.

use super::super::storage::{StorageError, Store};
use webtoken_bank::{Bank, BankError, Lang};

/// The key prefix of everything the bank view stores.
pub const PREFIX: &str = "webtoken.bank.";
/// The key of the bank (its customers), under [`PREFIX`].
pub const BANK_KEY: &str = "customers";
/// The key of the chosen language (`ja` or `en`), under [`PREFIX`].
pub const LANG_KEY: &str = "lang";

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

/// The bank's storage and how it is going.
pub struct Persist {
    store: Store,
    /// How the bank is being kept.
    pub keeping: Keeping,
    /// The stored text this tab last read or wrote: another tab's write shows as a difference.
    seen: Option<String>,
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
            store,
            keeping,
            seen: None,
        }
    }

    /// The bank as another tab last stored it, when that differs from what this tab last read
    /// or wrote: re-read before every change, so that a tab never writes back a stale copy
    /// (which would undo another tab's registration or password failures).
    pub fn refresh(&mut self) -> Option<Bank> {
        if self.keeping != Keeping::Stored {
            return None;
        }
        let stored = self.store.get(BANK_KEY).ok()??;
        if self.seen.as_deref() == Some(stored.as_str()) {
            return None;
        }
        match from_json(&stored) {
            Ok(bank) => {
                self.seen = Some(stored);
                Some(bank)
            }
            Err(why) => {
                self.keeping = Keeping::Unreadable(why);
                None
            }
        }
    }

    /// The stored bank, or the demo bank (saved at once) when none is stored or it cannot be
    /// read. Fails only when the demo customers cannot be made (no random salts).
    pub fn load(&mut self) -> Result<Bank, BankError> {
        if self.keeping != Keeping::Stored {
            return Bank::demo();
        }
        match self.store.get(BANK_KEY) {
            Ok(Some(json)) => match from_json(&json) {
                Ok(bank) => {
                    self.seen = Some(json);
                    Ok(bank)
                }
                Err(why) => {
                    self.keeping = Keeping::Unreadable(why);
                    Bank::demo()
                }
            },
            Ok(None) => {
                let bank = Bank::demo()?;
                self.save(&bank);
                Ok(bank)
            }
            Err(e) => {
                self.keeping = Keeping::MemoryOnly(e);
                Bank::demo()
            }
        }
    }

    /// Saves the bank after a change; unreadable stored data is left alone.
    pub fn save(&mut self, bank: &Bank) {
        match self.keeping {
            Keeping::Stored | Keeping::SaveFailed(_) => self.write(bank),
            Keeping::MemoryOnly(_) | Keeping::Unreadable(_) => {}
        }
    }

    /// Saves the bank after a reset, over unreadable stored data too.
    pub fn replace(&mut self, bank: &Bank) {
        if !matches!(self.keeping, Keeping::MemoryOnly(_)) {
            self.write(bank);
        }
    }

    fn write(&mut self, bank: &Bank) {
        let json = to_json(bank);
        let written = self.store.set(BANK_KEY, &json).map(|()| json);
        self.keeping = match written {
            Ok(json) => {
                self.seen = Some(json);
                Keeping::Stored
            }
            Err(e) => Keeping::SaveFailed(e),
        };
    }

    /// The language chosen last time, if one was.
    pub fn lang(&self) -> Option<Lang> {
        match self.store.get(LANG_KEY) {
            Ok(Some(tag)) => Lang::from_tag(&tag),
            _ => None,
        }
    }

    /// Remembers the chosen language; a refusal only means it is not remembered.
    pub fn set_lang(&self, lang: Lang) {
        let _ = self.store.set(LANG_KEY, lang.tag());
    }
}

/// The bank as JSON ([`crate::json`]: the same text serde writes).
pub fn to_json(bank: &Bank) -> String {
    webtoken_engine::json::to_string(bank).to_string()
}

/// The bank from JSON; any malformed or inconsistent record is an error saying why.
pub fn from_json(json: &str) -> Result<Bank, String> {
    webtoken_engine::json::from_str(json).map_err(|e| e.to_string())
}
