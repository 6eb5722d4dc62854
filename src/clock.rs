//! The browser's clock, the one the token and the in-page token service share. Never
//! `SystemTime`: it panics on wasm32.
//!
//! The staff's time lab ([`crate::lab`]) shifts it by whole seconds ([`set_offset`]): every
//! reading below includes the shift, so the token's display and the in-page token service move
//! together. A remote token service keeps its own clock. The shift lives in memory only: a
//! reload shows the real time again.

use std::cell::Cell;

use webtoken_engine::clock;
pub use webtoken_engine::clock::{ms_to_next_second, seconds_of};

thread_local! {
    /// The time lab's shift, in seconds.
    static OFFSET: Cell<i64> = const { Cell::new(0) };
}

/// Milliseconds since the Unix epoch: `Date.now()` plus the time lab's shift.
pub fn now_ms() -> f64 {
    clock::shifted(js_sys::Date::now(), offset())
}

/// Whole seconds since the Unix epoch.
pub fn now_seconds() -> u64 {
    seconds_of(now_ms())
}

/// The time lab's shift, in seconds (0: the real time).
pub fn offset() -> i64 {
    OFFSET.with(Cell::get)
}

/// Shifts every later reading by `seconds` (whole seconds, so the display still ticks on the
/// second).
pub fn set_offset(seconds: i64) {
    OFFSET.with(|offset| offset.set(seconds));
}
