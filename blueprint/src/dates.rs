//! Bounds on date answers: a fixed day, or today moved by years and days (`today`,
//! `today - 18y`, `today + 30d`), read from the blueprint's text and resolved on a day.

/// A date bound: `today`, `today - 18y`, `today + 30d`, or `YYYY-MM-DD`.
/// Returns the offset from today in days (years as 365.25 days) or the fixed date.
pub fn parse_date_bound<S: AsRef<str> + ?Sized>(bound: &S) -> Option<DateBound> {
    let text = bound.as_ref().trim();
    if let Some(date) = crate::expr::Date::parse(text) {
        return Some(DateBound::Fixed(date));
    }
    let rest = text.strip_prefix("today")?.trim();
    if rest.is_empty() {
        return Some(DateBound::Today { years: 0, days: 0 });
    }
    let (sign, amount) = match rest.split_at(1) {
        ("+", a) => (1, a.trim()),
        ("-", a) => (-1, a.trim()),
        _ => return None,
    };
    let (n, unit) = amount.split_at(amount.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = n.parse().ok()?;
    match unit {
        "y" => Some(DateBound::Today {
            years: sign * n,
            days: 0,
        }),
        "d" => Some(DateBound::Today {
            years: 0,
            days: sign * n,
        }),
        _ => None,
    }
}

/// A bound on a date field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateBound {
    /// A fixed date.
    Fixed(crate::expr::Date),
    /// Today moved by whole years and days.
    Today {
        /// Years to add (negative: before).
        years: i64,
        /// Days to add (negative: before).
        days: i64,
    },
}

impl DateBound {
    /// The date this bound stands for on `today` (29 February moved by whole years
    /// becomes 28 February).
    pub fn resolve(self, today: crate::expr::Date) -> crate::expr::Date {
        match self {
            DateBound::Fixed(d) => d,
            DateBound::Today { years, days } => {
                let (y, m, d) = today.ymd();
                let moved = crate::expr::Date::from_ymd(y + years, m, d)
                    .or_else(|| crate::expr::Date::from_ymd(y + years, m, d - 1))
                    .unwrap_or(today);
                crate::expr::Date(moved.0 + days)
            }
        }
    }
}
