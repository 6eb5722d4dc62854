//! Readings of the page's clock (`Date.now()`, in milliseconds) as the token uses them: whole
//! seconds, the time to the next second, and the time lab's shift.
//!
//! ```
//! use webtoken_engine::clock::{ms_to_next_second, seconds_of, shifted};
//! assert_eq!(seconds_of(1_700_000_000_999.0), 1_700_000_000);
//! assert_eq!(ms_to_next_second(1_700_000_000_250.0), 750);
//! assert_eq!(shifted(1_000.0, -1), 0.0);
//! ```

/// Whole seconds of a `Date.now()` reading; a clock before 1970 (or no number) reads as 0.
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

/// A reading `ms` shifted by `offset` whole seconds (the time lab's shift is at most a day,
/// exact in an `f64`).
pub fn shifted(ms: f64, offset: i64) -> f64 {
    ms + offset as f64 * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_floored_and_never_before_1970() {
        assert_eq!(seconds_of(0.0), 0);
        assert_eq!(seconds_of(-5_000.0), 0);
        assert_eq!(seconds_of(f64::NAN), 0);
        assert_eq!(seconds_of(f64::INFINITY), 0);
        assert_eq!(seconds_of(999.9), 0);
        assert_eq!(seconds_of(1_000.0), 1);
        assert_eq!(seconds_of(1_234_567_890_123.0), 1_234_567_890);
    }

    #[test]
    fn the_next_second_is_one_to_a_thousand_ms_away() {
        assert_eq!(ms_to_next_second(0.0), 1000);
        assert_eq!(ms_to_next_second(1.0), 999);
        assert_eq!(ms_to_next_second(999.0), 1);
        assert_eq!(ms_to_next_second(999.9), 1);
        assert_eq!(ms_to_next_second(1_700_000_000_500.0), 500);
        assert_eq!(ms_to_next_second(-250.0), 250);
    }

    #[test]
    fn a_shift_moves_by_whole_seconds() {
        assert_eq!(shifted(1_500.0, 0), 1_500.0);
        assert_eq!(shifted(1_500.0, 86_400), 86_401_500.0);
        assert_eq!(
            seconds_of(shifted(1_700_000_000_250.0, -86_400)),
            1_699_913_600
        );
    }
}
