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

/// Unix seconds as Japan time, `YYYY-MM-DD hh:mm:ss JST` (JST is UTC+9 all year).
pub fn format_jst(unix_seconds: u64) -> String {
    let local = unix_seconds.saturating_add(9 * 3600);
    let days = local / 86_400;
    let secs = local % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} JST",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
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

    #[test]
    fn jst_dates() {
        for (unix, shown) in [
            (0, "1970-01-01 09:00:00 JST"),
            (951_782_400, "2000-02-29 09:00:00 JST"),
            (1_361_750_400, "2013-02-25 09:00:00 JST"), // the guide's start date
            (1_709_218_799, "2024-02-29 23:59:59 JST"),
            (4_102_444_800, "2100-01-01 09:00:00 JST"),
        ] {
            assert_eq!(format_jst(unix), shown, "{unix}");
        }
    }
}
