//! The service's clock: timestamps in UTC for the records, dates and times of day on
//! Iraq's clock (UTC+3 all year) for due dates, SLAs and appointment slots.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::expr::Date;

/// Iraq's offset from UTC, in minutes (no daylight saving since 2008).
pub const LOCAL_OFFSET_MINUTES: i64 = 180;

/// One reading of the clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Now {
    /// Seconds since 1970-01-01 UTC.
    pub secs: i64,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub stamp: String,
    /// The local date.
    pub today: Date,
    /// Local minutes since 1970-01-01 00:00, to compare with appointment slots.
    pub local_minutes: i64,
}

impl Now {
    /// The clock at `secs` since the epoch.
    pub fn at(secs: i64) -> Now {
        let date = Date(secs.div_euclid(86_400));
        let rest = secs.rem_euclid(86_400);
        let local_minutes = secs.div_euclid(60) + LOCAL_OFFSET_MINUTES;
        Now {
            secs,
            stamp: format!(
                "{date}T{:02}:{:02}:{:02}Z",
                rest / 3600,
                rest / 60 % 60,
                rest % 60
            ),
            today: Date(local_minutes.div_euclid(1440)),
            local_minutes,
        }
    }

    /// The clock now.
    pub fn read() -> Now {
        Now::at(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
        )
    }
}

/// Local minutes since the epoch of a local `YYYY-MM-DDTHH:MM`.
pub fn local_minutes(text: &str) -> Option<i64> {
    let (d, t) = text.split_once('T')?;
    let date = Date::parse(d)?;
    let m = crate::hours::parse_time(t.get(..5)?).ok()?;
    Some(date.0 * 1440 + i64::from(m))
}

/// Local `YYYY-MM-DDTHH:MM` of local minutes since the epoch.
pub fn local_text(minutes: i64) -> String {
    let date = Date(minutes.div_euclid(1440));
    let m = minutes.rem_euclid(1440);
    format!("{date}T{:02}:{:02}", m / 60, m % 60)
}

/// The UTC stamp of a moment given in local minutes.
pub fn stamp_of_local(minutes: i64) -> String {
    Now::at((minutes - LOCAL_OFFSET_MINUTES) * 60).stamp
}

/// Seconds since the epoch of a `YYYY-MM-DDTHH:MM:SSZ` stamp.
pub fn secs_of(stamp: &str) -> Option<i64> {
    let date = Date::parse(stamp.get(..10)?)?;
    let h: i64 = stamp.get(11..13)?.parse().ok()?;
    let m: i64 = stamp.get(14..16)?.parse().ok()?;
    let s: i64 = stamp.get(17..19)?.parse().ok()?;
    Some(date.0 * 86_400 + h * 3600 + m * 60 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_is_three_hours_ahead() {
        let now = Now::at(secs_of("2026-11-26T22:30:00Z").unwrap());
        assert_eq!(now.stamp, "2026-11-26T22:30:00Z");
        assert_eq!(now.today.to_string(), "2026-11-27");
        assert_eq!(local_text(now.local_minutes), "2026-11-27T01:30");
        assert_eq!(local_minutes("2026-11-27T01:30"), Some(now.local_minutes));
        assert_eq!(stamp_of_local(now.local_minutes), now.stamp);
    }
}
