//! Opening hours: `sun-thu: "08:00-14:00"`, `sat: "08:00-12:00, 16:00-18:00"`, `fri: closed`.

/// The weekday names, Sunday first (the Iraqi working week starts on Sunday).
pub const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// An opening interval in minutes after midnight, `start..end`.
pub type Interval = (u32, u32);

/// The weekdays (0 = Sunday) a key such as `sun-thu`, `sat` or `mon,wed` names.
pub fn parse_days(key: &str) -> Result<Vec<usize>, String> {
    let mut days = Vec::new();
    for part in key.split(',').map(str::trim) {
        let day = |name: &str| {
            WEEKDAYS
                .iter()
                .position(|d| *d == name.trim().to_lowercase())
                .ok_or_else(|| {
                    format!(
                        "`{}` is not a weekday; expected {}",
                        name.trim(),
                        crate::phrase::one_of(WEEKDAYS)
                    )
                })
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                let mut d = a;
                loop {
                    days.push(d);
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => days.push(day(part)?),
        }
    }
    Ok(days)
}

/// The intervals of a value such as `08:00-14:00, 16:00-18:00` or `closed`.
pub fn parse_intervals(value: &str) -> Result<Vec<Interval>, String> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("closed") {
        return Ok(Vec::new());
    }
    let mut out: Vec<Interval> = Vec::new();
    for part in value.split(',').map(str::trim) {
        let Some((a, b)) = part.split_once('-') else {
            return Err(format!(
                "`{part}` is not a time range; write it like `08:00-14:00`, or `closed`"
            ));
        };
        let (start, end) = (parse_time(a)?, parse_time(b)?);
        if start >= end {
            return Err(format!("`{part}` ends before it starts"));
        }
        if let Some(prev) = out.last() {
            if start < prev.1 {
                return Err(format!("`{part}` overlaps the range before it"));
            }
        }
        out.push((start, end));
    }
    Ok(out)
}

/// Minutes after midnight of `HH:MM` (`24:00` allowed as the end of a day).
pub fn parse_time(text: &str) -> Result<u32, String> {
    let text = text.trim();
    let bad = || format!("`{text}` is not a time; write it as `HH:MM`, e.g. `08:30`");
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m > 59 || h > 24 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_ranges_wrap_the_week() {
        assert_eq!(parse_days("sun-thu").unwrap(), vec![0, 1, 2, 3, 4]);
        assert_eq!(parse_days("fri-sun").unwrap(), vec![5, 6, 0]);
        assert_eq!(parse_days("mon, wed").unwrap(), vec![1, 3]);
        assert!(parse_days("sunday").unwrap_err().contains("not a weekday"));
    }

    #[test]
    fn intervals_parse_and_reject_nonsense() {
        assert_eq!(parse_intervals("08:00-14:00").unwrap(), vec![(480, 840)]);
        assert_eq!(
            parse_intervals("08:00-12:00, 16:00-18:30").unwrap(),
            vec![(480, 720), (960, 1110)]
        );
        assert_eq!(parse_intervals("closed").unwrap(), vec![]);
        assert!(
            parse_intervals("14:00-08:00")
                .unwrap_err()
                .contains("ends before")
        );
        assert!(parse_intervals("8-14").unwrap_err().contains("not a time"));
        assert!(
            parse_intervals("08:00-12:00, 11:00-13:00")
                .unwrap_err()
                .contains("overlaps")
        );
        assert!(parse_intervals("25:00-26:00").is_err());
        assert!(parse_intervals("morning").is_err());
    }
}
