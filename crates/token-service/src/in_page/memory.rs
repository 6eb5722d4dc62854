//! For tests: a sealer under a named key that refuses a text sealed under another, and its
//! error, as the page's sealer and `NotSaved` are (memory only; it hides nothing).

use super::NotSavedError;
use webtoken_engine::persist::{
    MemorySealError, MemorySealer, Opened, Problem, Sealer, StoreError,
};
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

/// Seals as `<key>/` and the engine's [`MemorySealer`]'s text; opens only its own key's texts.
#[derive(Debug)]
pub struct MemoryKeySealer {
    key: String,
    inner: MemorySealer,
}

impl MemoryKeySealer {
    /// The sealer under `key`.
    pub fn new(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            inner: MemorySealer::default(),
        }
    }

    /// Makes sealing and opening fail with [`MemoryNotSaved::NoKey`] (`false`: work again).
    pub fn set_no_key(&self, no_key: bool) {
        self.inner.set_no_key(no_key);
    }
}

impl From<MemorySealError> for MemoryNotSaved {
    fn from(e: MemorySealError) -> Self {
        match e {
            MemorySealError::NoKey => Self::NoKey,
            MemorySealError::Damaged => Self::Damaged,
        }
    }
}

impl Sealer for MemoryKeySealer {
    type Error = MemoryNotSaved;

    async fn seal(&self, plain: &str, version: u64) -> Result<String, MemoryNotSaved> {
        let sealed = self.inner.seal(plain, version).await?;
        Ok(format!("{}/{sealed}", self.key))
    }

    async fn open(&self, text: &str) -> Result<Opened, MemoryNotSaved> {
        let (key, sealed) = text.split_once('/').ok_or(MemoryNotSaved::Damaged)?;
        if key != self.key {
            return Err(MemoryNotSaved::WrongKey);
        }
        Ok(self.inner.open(sealed).await?)
    }
}
