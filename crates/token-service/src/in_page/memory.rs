//! For tests: a sealer under a named key that refuses a text sealed under another, and its
//! error, as the page's sealer and `NotSaved` are (memory only; it hides nothing).

use core::cell::Cell;

use zeroize::Zeroizing;

use super::NotSavedError;
use webtoken_engine::persist::{Opened, Problem, Sealer, StoreError};
use webtoken_engine::random::RandomError;

/// Why [`MemoryKeySealer`], or the records around it, failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MemoryNotSaved {
    /// The sealer was told to fail, as a missing key store does.
    NoKey,
    /// A text sealed under another key.
    WrongKey,
    /// Not a text it sealed, or its contents are not what was sealed.
    Damaged,
    /// The store failed.
    Store(StoreError),
    /// No random bytes.
    NoRandom,
    /// Another failure (other writers won every attempt, a record too large).
    Failed,
}

impl From<StoreError> for MemoryNotSaved {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<Problem<MemoryNotSaved>> for MemoryNotSaved {
    fn from(problem: Problem<MemoryNotSaved>) -> Self {
        match problem {
            Problem::Store(e) => Self::Store(e),
            Problem::Seal(e) | Problem::Open(e) => e,
            p if p.is_unreadable() => Self::Damaged,
            _ => Self::Failed,
        }
    }
}

impl NotSavedError for MemoryNotSaved {
    fn no_random(_: RandomError) -> Self {
        Self::NoRandom
    }
    fn damaged() -> Self {
        Self::Damaged
    }
    fn is_unreadable(&self) -> bool {
        matches!(self, Self::Damaged | Self::WrongKey)
    }
}

/// Seals as `<key>:<version>:<hex>`; opens only its own key's texts.
#[derive(Debug)]
pub struct MemoryKeySealer {
    key: String,
    no_key: Cell<bool>,
}

impl MemoryKeySealer {
    /// The sealer under `key`.
    pub fn new(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            no_key: Cell::new(false),
        }
    }

    /// Makes sealing and opening fail with [`MemoryNotSaved::NoKey`] (`false`: work again).
    pub fn set_no_key(&self, no_key: bool) {
        self.no_key.set(no_key);
    }
}

impl Sealer for MemoryKeySealer {
    type Error = MemoryNotSaved;

    async fn seal(&self, plain: &str, version: u64) -> Result<String, MemoryNotSaved> {
        if self.no_key.get() {
            return Err(MemoryNotSaved::NoKey);
        }
        let hex = webtoken_engine::hex::to_hex(plain.as_bytes());
        Ok(format!("{}:{version}:{hex}", self.key))
    }

    async fn open(&self, text: &str) -> Result<Opened, MemoryNotSaved> {
        if self.no_key.get() {
            return Err(MemoryNotSaved::NoKey);
        }
        let mut parts = text.splitn(3, ':');
        let (Some(key), Some(version), Some(hex)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(MemoryNotSaved::Damaged);
        };
        if key != self.key {
            return Err(MemoryNotSaved::WrongKey);
        }
        let version = version.parse().map_err(|_| MemoryNotSaved::Damaged)?;
        let plain = webtoken_engine::hex::from_hex(hex).ok_or(MemoryNotSaved::Damaged)?;
        Ok(Opened {
            plain: Zeroizing::new(plain),
            version,
        })
    }
}
