//! Persistence, written once: the save cycle every role's record goes through.
//!
//! A [`Keeper`] holds one record's value in memory and keeps it in a [`RecordStore`] (one
//! stored text, written with compare-and-set) through a [`Sealer`] (encryption, or none). Every
//! change is one cycle: read the stored text, open it when another tab changed it, apply the
//! change, seal, write if the stored text is still the one read, and on a conflict read again
//! and apply the change again to the newer value, at most [`ATTEMPTS`] times. The answer of a
//! change comes back only once the write is done, as [`Outcome::Saved`]; otherwise it is
//! [`Outcome::NotSaved`] with the [`Problem`], and the value is kept in memory.
//!
//! A stored text that cannot be opened or decoded is never overwritten nor removed, except by
//! [`Keeper::discard`] (the customer's decision). The browser shell implements the two traits
//! over `localStorage` and WebCrypto; [`MemoryRecord`] and [`MemorySealer`] are the memory
//! implementations the native tests use, and [`now`] drives a cycle whose every step is ready
//! at once (memory stores, [`PlainSealer`]).
//!
//! ```
//! use webtoken_engine::persist::{Change, Keeper, MemoryRecord, MemorySealer, Outcome, Record, now};
//! use zeroize::Zeroizing;
//!
//! #[derive(Debug, PartialEq)]
//! struct Count(u32);
//! impl Record for Count {
//!     fn absent() -> Self { Count(0) }
//!     fn encode(&self) -> Zeroizing<String> { Zeroizing::new(self.0.to_string()) }
//!     fn decode(text: &str) -> Result<Self, String> { text.parse().map(Count).map_err(|e| e.to_string()) }
//! }
//!
//! let keeper = Keeper::<_, _, Count>::new(MemoryRecord::default(), MemorySealer::default());
//! let bump = |c: &mut Count| { c.0 += 1; Change::<u32, ()>::Save(c.0) };
//! assert_eq!(now(keeper.change(bump)), Some(Outcome::Saved(1)));
//! assert!(keeper.store().text().is_some_and(|t| t != "1"), "stored sealed");
//! ```

use core::cell::{Cell, RefCell};
use core::fmt;
use core::future::{Future, poll_fn};
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use std::rc::Rc;

use zeroize::Zeroizing;

#[cfg(test)]
mod tests;

mod keyed;
pub use keyed::{KeyRecord, KeyValue, MemoryKeyValue, parse_version};

/// Compare-and-set writes tried for one change before it is kept in memory only.
pub const ATTEMPTS: usize = 4;

/// The name of the device key that seals the records stored under `prefix` (a record of the
/// browser's key database): the token's list and the in-page token service each have one.
pub fn device_key_name(prefix: &str) -> String {
    format!("{prefix}device-key")
}

/// Whether a browser `storage` event naming `event_key` may have changed the stored record
/// whose full key is `key`: an event with no key (the whole storage cleared) or with this one.
pub fn storage_event_about(event_key: Option<&str>, key: &str) -> bool {
    event_key.is_none_or(|k| k == key)
}

/// Why a record store could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// No storage here (blocked, sandboxed, private mode).
    Unavailable(String),
    /// The storage is full.
    QuotaExceeded,
    /// Another failure.
    Failed(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unavailable(why) => write!(f, "storage is not available here ({why})"),
            Self::QuotaExceeded => f.write_str("storage is full"),
            Self::Failed(why) => write!(f, "storage failed ({why})"),
        }
    }
}

impl std::error::Error for StoreError {}

/// Whether a compare-and-set write happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The record now holds the new text (or is removed).
    Done,
    /// Another writer changed the record since it was read: nothing was written.
    Conflict,
}

/// One stored text, written with compare-and-set: the stored text is its own version.
pub trait RecordStore {
    /// The stored text, `None` when nothing is stored.
    fn get(&self) -> Result<Option<String>, StoreError>;
    /// Writes `text` if the record still holds `expected`, with nothing awaited in between.
    fn write_if(&self, expected: Option<&str>, text: &str) -> Result<Written, StoreError>;
    /// Removes the record if it still holds `expected`.
    fn remove_if(&self, expected: Option<&str>) -> Result<Written, StoreError>;
    /// The highest version of the record ever seen, kept *apart* from it (so that a record put
    /// back in place of a newer one is found out); 0 when none is kept.
    fn highest(&self) -> Result<u64, StoreError> {
        Ok(0)
    }
    /// Raises the highest version seen to `version` (never lowers it).
    fn raise(&self, version: u64) -> Result<(), StoreError> {
        let _ = version;
        Ok(())
    }
}

impl<S: RecordStore + ?Sized> RecordStore for &S {
    fn get(&self) -> Result<Option<String>, StoreError> {
        (**self).get()
    }
    fn write_if(&self, expected: Option<&str>, text: &str) -> Result<Written, StoreError> {
        (**self).write_if(expected, text)
    }
    fn remove_if(&self, expected: Option<&str>) -> Result<Written, StoreError> {
        (**self).remove_if(expected)
    }
    fn highest(&self) -> Result<u64, StoreError> {
        (**self).highest()
    }
    fn raise(&self, version: u64) -> Result<(), StoreError> {
        (**self).raise(version)
    }
}

impl<S: RecordStore + ?Sized> RecordStore for Rc<S> {
    fn get(&self) -> Result<Option<String>, StoreError> {
        (**self).get()
    }
    fn write_if(&self, expected: Option<&str>, text: &str) -> Result<Written, StoreError> {
        (**self).write_if(expected, text)
    }
    fn remove_if(&self, expected: Option<&str>) -> Result<Written, StoreError> {
        (**self).remove_if(expected)
    }
    fn highest(&self) -> Result<u64, StoreError> {
        (**self).highest()
    }
    fn raise(&self, version: u64) -> Result<(), StoreError> {
        (**self).raise(version)
    }
}

/// A stored text opened: its plaintext and the version sealed with it.
pub struct Opened {
    /// The plaintext (it may hold secrets).
    pub plain: Zeroizing<Vec<u8>>,
    /// The version the text was sealed with (0 for records written before versions).
    pub version: u64,
}

/// Turns a record's plaintext into the stored text and back (WebCrypto is asynchronous).
pub trait Sealer {
    /// Why sealing or opening failed (a missing key, a damaged or locked record...).
    type Error: Clone;
    /// The stored text of `plain`, with `version` bound into it (authenticated, where the
    /// sealer authenticates: so that a text cannot claim another version than it was sealed
    /// with).
    fn seal(&self, plain: &str, version: u64) -> impl Future<Output = Result<String, Self::Error>>;
    /// The plaintext and version of a stored text; fails closed.
    fn open(&self, text: &str) -> impl Future<Output = Result<Opened, Self::Error>>;
    /// The longest stored text [`Sealer::open`] accepts: nothing longer is ever written.
    fn max_len(&self) -> usize {
        usize::MAX
    }
    /// Whether [`Sealer::open`] gives back the version sealed (`false`: every text reads as
    /// version 0, and the record's highest version is neither kept nor checked).
    fn keeps_versions(&self) -> bool {
        true
    }
}

/// A value kept by a [`Keeper`]: its plaintext form, and its value when nothing is stored.
pub trait Record: Sized {
    /// The value when nothing is stored (a first visit, or removed by another tab).
    fn absent() -> Self;
    /// The plaintext form (it may hold secrets: it is wiped once sealed).
    fn encode(&self) -> Zeroizing<String>;
    /// The longest plaintext form [`Record::decode`] accepts: nothing longer is ever written.
    fn max_len() -> usize {
        usize::MAX
    }
    /// The value from its plaintext form; the error says what is wrong.
    fn decode(text: &str) -> Result<Self, String>;
}

/// Why a record is not being saved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem<E> {
    /// The store failed: the value is kept in memory; each change tries to write again while
    /// the record is as this tab last saw it.
    Store(StoreError),
    /// Sealing failed (no key): kept in memory, as for [`Problem::Store`].
    Seal(E),
    /// Other writers won every attempt: kept in memory, as for [`Problem::Store`].
    Busy,
    /// The stored text could not be opened: left untouched until it changes or is discarded.
    Open(E),
    /// The stored text opened but its contents are not a record: left untouched, as for
    /// [`Problem::Open`].
    Decode(String),
    /// The stored text is an older version than one seen before (a copy put back in place of
    /// a newer record): nothing of it is used, and it is left untouched, as for
    /// [`Problem::Open`].
    RolledBack {
        /// The stored text's version.
        found: u64,
        /// The highest version seen, kept apart from the record.
        highest: u64,
    },
    /// The record would be longer than its reader accepts: it was not written (the change is
    /// kept in memory, or undone by [`Keeper::commit`]).
    TooLarge {
        /// Its length, in bytes.
        bytes: usize,
        /// The longest accepted.
        max: usize,
    },
}

impl<E> Problem<E> {
    /// Whether the stored text is one this tab cannot read (and so must never overwrite).
    pub fn is_unreadable(&self) -> bool {
        matches!(
            self,
            Self::Open(_) | Self::Decode(_) | Self::RolledBack { .. }
        )
    }
}

/// What a change asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<R, X> {
    /// The value changed: save it, then answer `R`.
    Save(R),
    /// The value is unchanged: answer `R` at once.
    Keep(R),
    /// Refused: nothing is saved. The change must leave the value as it found it.
    Refuse(X),
}

/// How a change ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<R, X, E> {
    /// Saved (or nothing needed saving, and the record is being saved): the answer.
    Saved(R),
    /// Made in memory only, for the reason given: the answer.
    NotSaved(R, Problem<E>),
    /// The change refused.
    Refused(X),
}

impl<R, X, E> Outcome<R, X, E> {
    /// The answer, saved or not (the keeper's [`Keeper::problem`] says which).
    pub fn answer(self) -> Result<R, X> {
        match self {
            Self::Saved(r) | Self::NotSaved(r, _) => Ok(r),
            Self::Refused(x) => Err(x),
        }
    }
}

/// How a change that must be saved before it is answered ended ([`Keeper::commit`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Committed<R, X, E> {
    /// Saved (or nothing needed saving and the record is readable): the answer.
    Saved(R),
    /// The change refused: nothing was changed.
    Refused(X),
    /// Not saved: the value is as it was before the change, and there is no answer.
    Failed(Problem<E>),
}

/// What a change asked for, as the cycle sees it.
#[derive(Clone, Copy)]
enum Step {
    Save,
    Keep,
    Refuse,
}

/// One record kept in a [`RecordStore`] through a [`Sealer`]: the single save cycle.
///
/// Its operations run one at a time (a later one waits for the earlier to end), so a slower
/// save never writes an older value over a newer one. No borrow is held across an await:
/// [`Keeper::with`] can be called at any time but from inside a change, and
/// [`Keeper::problem`] at any time.
pub struct Keeper<S, K: Sealer, T> {
    cycle: Cycle<S, K::Error>,
    sealer: K,
    /// The value in memory.
    value: RefCell<T>,
}

/// Runs `change` on `value` and keeps its answer or refusal: the cycle sees the step only.
fn step<T, R, X>(
    change: &mut impl FnMut(&mut T) -> Change<R, X>,
    value: &RefCell<T>,
    answer: &mut Option<R>,
    refusal: &mut Option<X>,
) -> Step {
    match change(&mut value.borrow_mut()) {
        Change::Save(r) => {
            *answer = Some(r);
            Step::Save
        }
        Change::Keep(r) => {
            *answer = Some(r);
            Step::Keep
        }
        Change::Refuse(x) => {
            *refusal = Some(x);
            Step::Refuse
        }
    }
}

/// The value of a keeper as the cycle sees it: the cycle is generic over the store and the
/// sealer only, so the wasm holds one copy of it per kind of storage, not per record type.
trait Slot {
    /// Sets the value to the one when nothing is stored.
    fn set_absent(&self);
    /// Sets the value from its plaintext form; on failure the value is left as it is.
    fn set_decoded(&self, text: &str) -> Result<(), String>;
    /// The plaintext form of the value.
    fn encode(&self) -> Zeroizing<String>;
    /// [`Record::max_len`].
    fn max_len(&self) -> usize;
}

impl<T: Record> Slot for RefCell<T> {
    fn set_absent(&self) {
        *self.borrow_mut() = T::absent();
    }
    fn set_decoded(&self, text: &str) -> Result<(), String> {
        *self.borrow_mut() = T::decode(text)?;
        Ok(())
    }
    fn encode(&self) -> Zeroizing<String> {
        self.borrow().encode()
    }
    fn max_len(&self) -> usize {
        T::max_len()
    }
}

/// A sealer as the cycle sees it: its futures boxed, so that one copy of the cycle serves
/// every sealer with the same error type (the page's WebCrypto one and its plain one).
trait AnySealer<E> {
    fn seal_boxed<'a>(&'a self, plain: &'a str, version: u64) -> Boxed<'a, Result<String, E>>;
    fn open_boxed<'a>(&'a self, text: &'a str) -> Boxed<'a, Result<Opened, E>>;
    fn max_len(&self) -> usize;
    fn keeps_versions(&self) -> bool;
}

type Boxed<'a, T> = core::pin::Pin<Box<dyn Future<Output = T> + 'a>>;

impl<K: Sealer> AnySealer<K::Error> for K {
    fn seal_boxed<'a>(
        &'a self,
        plain: &'a str,
        version: u64,
    ) -> Boxed<'a, Result<String, K::Error>> {
        Box::pin(self.seal(plain, version))
    }
    fn open_boxed<'a>(&'a self, text: &'a str) -> Boxed<'a, Result<Opened, K::Error>> {
        Box::pin(self.open(text))
    }
    fn max_len(&self) -> usize {
        Sealer::max_len(self)
    }
    fn keeps_versions(&self) -> bool {
        Sealer::keeps_versions(self)
    }
}

/// The store and what this tab knows of the stored text.
struct Cycle<S, E> {
    store: S,
    /// The stored text the value was read from or last written as.
    seen: RefCell<Option<String>>,
    /// The version of `seen` (0 when nothing is seen).
    version: Cell<u64>,
    /// `Some` while the value is not being saved. Apart from the value, so that it can be
    /// read while a change runs (a page drawing what a change shows early).
    problem: RefCell<Option<Problem<E>>>,
    turns: Turns,
}

impl<S: RecordStore, K: Sealer, T: Record> Keeper<S, K, T> {
    /// A keeper of the record in `store`; nothing is read until the first operation.
    pub fn new(store: S, sealer: K) -> Self {
        Self {
            sealer,
            cycle: Cycle {
                store,
                seen: RefCell::new(None),
                version: Cell::new(0),
                problem: RefCell::new(None),
                turns: Turns::default(),
            },
            value: RefCell::new(T::absent()),
        }
    }

    /// The record store.
    pub fn store(&self) -> &S {
        &self.cycle.store
    }

    /// The sealer.
    pub fn sealer(&self) -> &K {
        &self.sealer
    }

    /// Shows `look` the value in memory.
    pub fn with<R>(&self, look: impl FnOnce(&T) -> R) -> R {
        look(&self.value.borrow())
    }

    /// Why the value is not being saved, if it is not.
    pub fn problem(&self) -> Option<Problem<K::Error>> {
        self.cycle.problem.borrow().clone()
    }

    /// Whether the value was read from or written as a stored text.
    pub fn has_seen(&self) -> bool {
        self.cycle.seen.borrow().is_some()
    }

    /// Reads the stored text and, when it differs from the one last seen, opens it; `true`
    /// when the value was replaced. A store that failed is not read again.
    pub async fn refresh(&self) -> bool {
        let _turn = self.cycle.turns.take().await;
        self.cycle.read(&self.sealer, &self.value).await
    }

    /// Opens the stored text again (after the sealer learned a key, say); on failure nothing
    /// changes and the problem is returned.
    pub async fn reopen(&self) -> Result<(), Problem<K::Error>> {
        self.cycle.reopen(&self.sealer, &self.value).await
    }

    /// The save cycle: applies `change` to the newest stored value and saves the result with
    /// compare-and-set, applying it again to the newer value when another writer came first.
    /// The answer is [`Outcome::Saved`] only once the write is done.
    pub async fn change<R, X>(
        &self,
        mut change: impl FnMut(&mut T) -> Change<R, X>,
    ) -> Outcome<R, X, K::Error> {
        let (mut answer, mut refusal) = (None, None);
        let ended = self
            .cycle
            .run(&self.sealer, &self.value, &mut || {
                step(&mut change, &self.value, &mut answer, &mut refusal)
            })
            .await;
        if let Some(x) = refusal {
            return Outcome::Refused(x);
        }
        let answer = answer.expect("the cycle runs the change before it ends");
        match ended {
            None => Outcome::Saved(answer),
            Some(problem) => Outcome::NotSaved(answer, problem),
        }
    }

    /// The save cycle for a change that must not be answered unless it is saved (a validation,
    /// whose answer would otherwise stand while its spent step and failure count are lost): as
    /// [`Keeper::change`], but when the write fails the value is put back as it was before
    /// the change and the answer is [`Committed::Failed`], so nothing is half-applied. A
    /// [`Change::Keep`] is answered while the stored record is readable (the value is then the
    /// stored one); a [`Change::Refuse`] changes nothing. [`Keeper::problem`] says why the last
    /// commit failed. A commit always starts from the stored record, over any change kept in
    /// memory only by [`Keeper::change`].
    pub async fn commit<R, X>(
        &self,
        mut change: impl FnMut(&mut T) -> Change<R, X>,
    ) -> Committed<R, X, K::Error> {
        let (mut answer, mut refusal) = (None, None);
        let ended = self
            .cycle
            .run_durable(&self.sealer, &self.value, &mut || {
                step(&mut change, &self.value, &mut answer, &mut refusal)
            })
            .await;
        if let Some(x) = refusal {
            return Committed::Refused(x);
        }
        match ended {
            Some(problem) => Committed::Failed(problem),
            None => Committed::Saved(answer.expect("the cycle runs the change before it ends")),
        }
    }

    /// Forgets the value and the stored text seen, as before the first read (a list being
    /// locked: its secrets leave memory, and the next read opens the stored text afresh,
    /// which asks for the key again).
    pub async fn forget(&self) {
        let _turn = self.cycle.turns.take().await;
        *self.value.borrow_mut() = T::absent();
        *self.cycle.seen.borrow_mut() = None;
        self.cycle.version.set(0);
        *self.cycle.problem.borrow_mut() = None;
    }

    /// Removes a stored text that cannot be read (the customer's decision), if it is still the
    /// one seen; the value in memory is then saved by the next change. `false` when there was
    /// nothing of the kind to remove.
    pub async fn discard(&self) -> bool {
        self.cycle.discard().await
    }
}

impl<S: RecordStore, E: Clone> Cycle<S, E> {
    async fn read(&self, sealer: &dyn AnySealer<E>, slot: &dyn Slot) -> bool {
        let memory_only = self
            .problem
            .borrow()
            .as_ref()
            .is_some_and(|p| !p.is_unreadable());
        if memory_only {
            return false;
        }
        // The mark is read with the record: failing either, nothing read is used.
        let read = self
            .store
            .get()
            .and_then(|stored| Ok((stored, self.highest(sealer)?)));
        let (stored, highest) = match read {
            Ok(read) => read,
            Err(e) => {
                *self.problem.borrow_mut() = Some(Problem::Store(e));
                return false;
            }
        };
        if *self.seen.borrow() == stored {
            return false;
        }
        let opened = match &stored {
            None => {
                slot.set_absent();
                self.version.set(0);
                Ok(())
            }
            Some(text) => self.open(sealer, slot, text, highest).await,
        };
        if opened.is_err() {
            // Nothing read from a record that cannot be opened is shown.
            slot.set_absent();
        }
        *self.seen.borrow_mut() = stored;
        *self.problem.borrow_mut() = opened.err();
        true
    }

    /// Opens `text` into `slot`, refusing a version older than `highest`, the highest seen
    /// (which is raised to this one's); on failure `slot` is left as it is.
    async fn open(
        &self,
        sealer: &dyn AnySealer<E>,
        slot: &dyn Slot,
        text: &str,
        highest: u64,
    ) -> Result<(), Problem<E>> {
        let opened = sealer.open_boxed(text).await.map_err(Problem::Open)?;
        if opened.version < highest {
            return Err(Problem::RolledBack {
                found: opened.version,
                highest,
            });
        }
        let plain = core::str::from_utf8(&opened.plain)
            .map_err(|_| Problem::Decode("not UTF-8".to_owned()))?;
        slot.set_decoded(plain).map_err(Problem::Decode)?;
        self.version.set(opened.version);
        if opened.version > highest {
            // Only protection is lost if this fails: the record itself is fine.
            let _ = self.store.raise(opened.version);
        }
        Ok(())
    }

    /// The highest version seen, when the sealer keeps versions (0 otherwise).
    fn highest(&self, sealer: &dyn AnySealer<E>) -> Result<u64, StoreError> {
        if sealer.keeps_versions() {
            self.store.highest()
        } else {
            Ok(0)
        }
    }

    async fn reopen(&self, sealer: &dyn AnySealer<E>, slot: &dyn Slot) -> Result<(), Problem<E>> {
        let _turn = self.turns.take().await;
        let stored = self.store.get().map_err(Problem::Store)?;
        let highest = self.highest(sealer).map_err(Problem::Store)?;
        match &stored {
            None => {
                slot.set_absent();
                self.version.set(0);
            }
            Some(text) => self.open(sealer, slot, text, highest).await?,
        }
        *self.seen.borrow_mut() = stored;
        *self.problem.borrow_mut() = None;
        Ok(())
    }

    /// One save cycle; `None` when saved.
    async fn run(
        &self,
        sealer: &dyn AnySealer<E>,
        slot: &dyn Slot,
        change: &mut dyn FnMut() -> Step,
    ) -> Option<Problem<E>> {
        let _turn = self.turns.take().await;
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.read(sealer, slot).await;
            let step = change();
            let problem = self.problem.borrow().clone();
            let seen = self.seen.borrow().clone();
            match step {
                Step::Save => {}
                Step::Keep | Step::Refuse => return problem,
            }
            if let Some(problem) = &problem {
                if problem.is_unreadable() {
                    return Some(problem.clone());
                }
                // In memory since a failure: write again only over the text this tab last
                // saw; anything else would drop another writer's changes or this tab's.
                match self.store.get() {
                    Ok(stored) if stored == seen => {}
                    Ok(_) => return Some(problem.clone()),
                    Err(e) => return self.not_saved(Problem::Store(e)),
                }
            }
            let plain = slot.encode();
            if plain.len() > slot.max_len() {
                let (bytes, max) = (plain.len(), slot.max_len());
                return self.not_saved(Problem::TooLarge { bytes, max });
            }
            let version = match self.highest(sealer) {
                Ok(highest) => highest.max(self.version.get()).saturating_add(1),
                Err(e) => return self.not_saved(Problem::Store(e)),
            };
            let sealed = sealer.seal_boxed(&plain, version).await;
            drop(plain);
            let text = match sealed {
                Ok(text) => text,
                Err(e) => return self.not_saved(Problem::Seal(e)),
            };
            if text.len() > sealer.max_len() {
                let (bytes, max) = (text.len(), sealer.max_len());
                return self.not_saved(Problem::TooLarge { bytes, max });
            }
            match self.store.write_if(seen.as_deref(), &text) {
                Ok(Written::Done) => {
                    *self.seen.borrow_mut() = Some(text);
                    *self.problem.borrow_mut() = None;
                    self.version.set(version);
                    if sealer.keeps_versions() {
                        // Only protection is lost if this fails: the record is written.
                        let _ = self.store.raise(version);
                    }
                    return None;
                }
                Ok(Written::Conflict) if problem.is_none() && attempt < ATTEMPTS => {}
                Ok(Written::Conflict) => return self.not_saved(problem.unwrap_or(Problem::Busy)),
                Err(e) => return self.not_saved(Problem::Store(e)),
            }
        }
    }

    /// One save cycle that leaves nothing half-applied: `None` when saved (or nothing needed
    /// saving from a readable record); otherwise the value is put back as the change found it.
    async fn run_durable(
        &self,
        sealer: &dyn AnySealer<E>,
        slot: &dyn Slot,
        change: &mut dyn FnMut() -> Step,
    ) -> Option<Problem<E>> {
        // A failed commit leaves the value as stored, so a commit reads the stored text afresh
        // even after a failure (another tab may have saved since): over changes kept in memory
        // only, by [`Keeper::change`], it starts from the stored record.
        if self
            .problem
            .borrow()
            .as_ref()
            .is_some_and(|p| !p.is_unreadable())
        {
            *self.problem.borrow_mut() = None;
        }
        let mut before = None;
        let mut step = Step::Refuse;
        let ended = self
            .run(sealer, slot, &mut || {
                before = Some(slot.encode());
                step = change();
                step
            })
            .await;
        let problem = ended?;
        match step {
            Step::Refuse => None,
            Step::Keep if !problem.is_unreadable() => None,
            Step::Keep => Some(problem),
            Step::Save => {
                let restored = before.is_some_and(|text| slot.set_decoded(&text).is_ok());
                if !restored {
                    // A value that cannot be decoded from its own form: nothing is shown.
                    slot.set_absent();
                }
                Some(problem)
            }
        }
    }

    fn not_saved(&self, problem: Problem<E>) -> Option<Problem<E>> {
        *self.problem.borrow_mut() = Some(problem.clone());
        Some(problem)
    }

    async fn discard(&self) -> bool {
        let _turn = self.turns.take().await;
        if !self
            .problem
            .borrow()
            .as_ref()
            .is_some_and(Problem::is_unreadable)
        {
            return false;
        }
        let seen = self.seen.borrow().clone();
        if self.store.remove_if(seen.as_deref()) != Ok(Written::Done) {
            return false;
        }
        *self.seen.borrow_mut() = None;
        *self.problem.borrow_mut() = None;
        self.version.set(0);
        true
    }
}

/// Operations of one keeper run one at a time: an async lock for one thread.
#[derive(Default)]
struct Turns {
    busy: Cell<bool>,
    waiting: RefCell<Vec<Waker>>,
}

/// Ends a turn when dropped, however the operation ends.
struct Turn<'a>(&'a Turns);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.0.busy.set(false);
        // Wake all: a waiter dropped meanwhile must not keep the others waiting.
        for waker in self.0.waiting.take() {
            waker.wake();
        }
    }
}

impl Turns {
    fn take(&self) -> impl Future<Output = Turn<'_>> {
        poll_fn(move |cx| {
            if self.busy.get() {
                self.waiting.borrow_mut().push(cx.waker().clone());
                Poll::Pending
            } else {
                self.busy.set(true);
                Poll::Ready(Turn(self))
            }
        })
    }
}

/// Runs `future` to its end when every await in it is ready at once (memory stores,
/// [`PlainSealer`]); `None` if it would wait.
pub fn now<F: Future>(future: F) -> Option<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(out) => Some(out),
        Poll::Pending => None,
    }
}

/// No sealing: the stored text is the plaintext (for records that hold no secret in clear,
/// such as the demo bank, whose passwords are stored as salted hashes). It never fails; `E`
/// is the error type it shares with the other sealers of a page (so they share one cycle).
pub struct PlainSealer<E = Never>(core::marker::PhantomData<fn() -> E>);

impl<E> PlainSealer<E> {
    /// The plain sealer.
    pub const fn new() -> Self {
        Self(core::marker::PhantomData)
    }
}

impl<E> Default for PlainSealer<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> fmt::Debug for PlainSealer<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PlainSealer")
    }
}

/// No error: what [`PlainSealer`] fails with by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Never {}

impl<E: Clone> Sealer for PlainSealer<E> {
    type Error = E;

    /// The version is not kept: a record in clear can be rewritten by anyone anyway.
    async fn seal(&self, plain: &str, _version: u64) -> Result<String, E> {
        Ok(plain.to_owned())
    }

    async fn open(&self, text: &str) -> Result<Opened, E> {
        Ok(Opened {
            plain: Zeroizing::new(text.as_bytes().to_vec()),
            version: 0,
        })
    }

    fn keeps_versions(&self) -> bool {
        false
    }
}

/// A record store in memory, shared by handles as by tabs; it can be told to refuse.
#[derive(Debug, Default)]
pub struct MemoryRecord {
    text: RefCell<Option<String>>,
    refuse: RefCell<Option<StoreError>>,
    refuse_writes: RefCell<Option<StoreError>>,
    writes: Cell<usize>,
    highest: Cell<u64>,
}

impl MemoryRecord {
    /// The stored text.
    pub fn text(&self) -> Option<String> {
        self.text.borrow().clone()
    }

    /// Replaces the stored text unconditionally (another writer, or a damaged record).
    pub fn set(&self, text: Option<&str>) {
        *self.text.borrow_mut() = text.map(str::to_owned);
    }

    /// Makes every later call fail with `error` (`None`: work again).
    pub fn refuse(&self, error: Option<StoreError>) {
        *self.refuse.borrow_mut() = error;
    }

    /// Makes every later write and removal fail with `error` (`None`: work again).
    pub fn refuse_writes(&self, error: Option<StoreError>) {
        *self.refuse_writes.borrow_mut() = error;
    }

    /// The writes and removals done.
    pub fn writes(&self) -> usize {
        self.writes.get()
    }

    fn check(&self) -> Result<(), StoreError> {
        self.refuse.borrow().clone().map_or(Ok(()), Err)
    }

    fn check_write(&self, expected: Option<&str>) -> Result<Written, StoreError> {
        self.check()?;
        self.refuse_writes.borrow().clone().map_or(Ok(()), Err)?;
        if self.text.borrow().as_deref() != expected {
            return Ok(Written::Conflict);
        }
        self.writes.set(self.writes.get() + 1);
        Ok(Written::Done)
    }
}

impl RecordStore for MemoryRecord {
    fn get(&self) -> Result<Option<String>, StoreError> {
        self.check()?;
        Ok(self.text())
    }

    fn write_if(&self, expected: Option<&str>, text: &str) -> Result<Written, StoreError> {
        let written = self.check_write(expected)?;
        if written == Written::Done {
            self.set(Some(text));
        }
        Ok(written)
    }

    fn remove_if(&self, expected: Option<&str>) -> Result<Written, StoreError> {
        let written = self.check_write(expected)?;
        if written == Written::Done {
            self.set(None);
        }
        Ok(written)
    }

    fn highest(&self) -> Result<u64, StoreError> {
        self.check()?;
        Ok(self.highest.get())
    }

    fn raise(&self, version: u64) -> Result<(), StoreError> {
        self.check()?;
        self.highest.set(self.highest.get().max(version));
        Ok(())
    }
}

/// For tests only: a reversible "sealing" that hides nothing (`sealed:`, the version and `:`,
/// and hex), refuses anything else as damaged, and can be told to fail as a missing key does.
#[derive(Debug, Default)]
pub struct MemorySealer {
    no_key: Cell<bool>,
}

/// Why [`MemorySealer`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemorySealError {
    /// Told to fail, as a missing key does.
    NoKey,
    /// Not a text it sealed.
    Damaged,
}

impl MemorySealer {
    /// Makes sealing and opening fail with [`MemorySealError::NoKey`] (`false`: work again).
    pub fn set_no_key(&self, no_key: bool) {
        self.no_key.set(no_key);
    }
}

impl Sealer for MemorySealer {
    type Error = MemorySealError;

    async fn seal(&self, plain: &str, version: u64) -> Result<String, MemorySealError> {
        if self.no_key.get() {
            return Err(MemorySealError::NoKey);
        }
        Ok(format!(
            "sealed:{version}:{}",
            crate::hex::to_hex(plain.as_bytes())
        ))
    }

    async fn open(&self, text: &str) -> Result<Opened, MemorySealError> {
        if self.no_key.get() {
            return Err(MemorySealError::NoKey);
        }
        let (version, hex) = text
            .strip_prefix("sealed:")
            .and_then(|rest| rest.split_once(':'))
            .ok_or(MemorySealError::Damaged)?;
        let version = version.parse().map_err(|_| MemorySealError::Damaged)?;
        let plain = crate::hex::from_hex(hex).ok_or(MemorySealError::Damaged)?;
        Ok(Opened {
            plain: Zeroizing::new(plain),
            version,
        })
    }
}

/// Why the in-page service's records are not being saved, as the page tells it: the sealer's
/// error type, made also from what goes wrong around the records.
pub trait NotSavedError: Clone + From<Problem<Self>> + From<StoreError> {
    /// No random bytes for a new audit key.
    fn no_random(error: crate::random::RandomError) -> Self;
    /// The records read, but their audit log does not check.
    fn damaged() -> Self;
    /// Whether this says the stored records cannot be read (the customer may discard them).
    fn is_unreadable(&self) -> bool;
}
