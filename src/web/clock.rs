//! The browser's clock. Never `SystemTime`: it panics on wasm32.

/// Milliseconds since the Unix epoch, from `Date.now()`.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Whole seconds since the Unix epoch.
pub fn now_seconds() -> u64 {
    seconds_of(now_ms())
}

/// Whole seconds of a `Date.now()` reading; a clock before 1970 reads as 0.
pub fn seconds_of(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        (ms / 1000.0).floor() as u64
    } else {
        0
    }
}

/// Milliseconds from `ms` to the start of the next whole second (1..=1000).
pub fn ms_to_next_second(ms: f64) -> u32 {
    let into = ms.rem_euclid(1000.0);
    (1000.0 - into).ceil().clamp(1.0, 1000.0) as u32
}
