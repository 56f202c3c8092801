//! Faults a trainer injects into the mock agencies for a resilience exercise: an agency
//! made slow, unavailable, or answering wrong data, per subsystem
//! (`IQ/GOV/MOH/births`). The mediator applies them to calls it forwards to a mock agency
//! (never to a service registered by URL) and notes them in the message log.
//!
//! Wrong data are made by [`wrong_data`], the same way every time, so a test or a
//! trainer can predict them: booleans negated, dates a year and a month earlier, the
//! first two words of a name swapped (a one-word name replaced), a few enumerations moved
//! to their next value (`female`↔`male`, `pending`→`succeeded`→`declined`, blood groups,
//! school levels), and integers of 100 or more raised by a tenth. Identifiers, codes,
//! addresses and small counts are kept, so a service finds the record it asked for and
//! can only tell it is wrong by checking its content.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, RwLock};

use serde_json::{Map, Value};

use crate::agencies;

/// The longest delay a [`Fault::Slow`] adds, in milliseconds.
pub const MAX_SLOW_MS: u64 = 30_000;

/// What a faulty mock agency does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answers after a delay of `ms` milliseconds (at most [`MAX_SLOW_MS`]); the
    /// mediator's upstream timeout still applies.
    Slow {
        /// The delay, in milliseconds.
        ms: u64,
    },
    /// Does not answer: the mediator returns 503 `Server.ServiceUnavailable`.
    Unavailable,
    /// Answers, but with its JSON altered by [`wrong_data`].
    WrongData,
}

impl fmt::Display for Fault {
    /// The text [`parse`] reads: `slow:2000`, `unavailable`, `wrong-data`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Slow { ms } => write!(f, "slow:{ms}"),
            Fault::Unavailable => f.write_str("unavailable"),
            Fault::WrongData => f.write_str("wrong-data"),
        }
    }
}

/// A fault that could not be read or set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaultError {
    /// The text names no fault.
    #[error(
        "unknown fault `{0}`; expected `slow:MS`, `unavailable` (or `503`), `wrong-data` or `none`"
    )]
    Unknown(String),
    /// `slow:` without a number of milliseconds.
    #[error("`{0}`: expected a delay in milliseconds, e.g. `slow:2000`")]
    Delay(String),
    /// `slow:` with a delay over [`MAX_SLOW_MS`].
    #[error("a delay of {0} ms is too long; expected at most {MAX_SLOW_MS} ms")]
    TooSlow(u64),
    /// Not the subsystem of a mock agency.
    #[error("`{name}` is not the subsystem of a mock agency; {hint}")]
    Subsystem {
        /// What was given.
        name: String,
        /// A suggestion, or the subsystems there are.
        hint: String,
    },
}

/// Read a fault: `slow:MS` (or `slow:MSms`), `unavailable` or `503`, `wrong-data`;
/// `none` is `Ok(None)`, no fault. Case and surrounding spaces are ignored.
pub fn parse(text: &str) -> Result<Option<Fault>, FaultError> {
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "none" => return Ok(None),
        "unavailable" | "503" => return Ok(Some(Fault::Unavailable)),
        "wrong-data" => return Ok(Some(Fault::WrongData)),
        _ => {}
    }
    let Some(delay) = t.strip_prefix("slow:") else {
        return Err(FaultError::Unknown(text.trim().to_string()));
    };
    let digits = delay.trim().strip_suffix("ms").unwrap_or(delay.trim());
    let ms: u64 = digits
        .parse()
        .map_err(|_| FaultError::Delay(text.trim().to_string()))?;
    if ms > MAX_SLOW_MS {
        return Err(FaultError::TooSlow(ms));
    }
    Ok(Some(Fault::Slow { ms }))
}

/// The subsystems of the mock agencies (`IQ/GOV/MOH/births`, …), sorted.
pub fn subsystems() -> Vec<String> {
    let mut all: Vec<String> = agencies::SERVICES
        .iter()
        .map(|s| format!("IQ/GOV/{}/{}", s.member, s.subsystem))
        .collect();
    all.sort();
    all.dedup();
    all
}

/// `name` when it is a mock agency's subsystem; otherwise why not, with a suggestion.
pub fn mock_subsystem(name: &str) -> Result<String, FaultError> {
    let name = name.trim();
    let all = subsystems();
    if all.iter().any(|s| s == name) {
        return Ok(name.to_string());
    }
    // A whole service identifier names its subsystem in its first four parts.
    let parent: String = name.split('/').take(4).collect::<Vec<_>>().join("/");
    let hint = if name.split('/').count() == 5 && all.contains(&parent) {
        format!("faults are set per subsystem: did you mean `{parent}`?")
    } else {
        quickwin_blueprint::suggest::did_you_mean(name, all.iter().map(String::as_str))
            .unwrap_or_else(|| {
                let listed: Vec<String> = all.iter().map(|s| format!("`{s}`")).collect();
                format!("expected one of {}", listed.join(", "))
            })
    };
    Err(FaultError::Subsystem {
        name: name.to_string(),
        hint,
    })
}

/// The faults in force, by subsystem. Cheap to clone: clones share the faults.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    by_subsystem: Arc<RwLock<BTreeMap<String, Fault>>>,
}

impl Faults {
    /// Make the mock agency of `subsystem` faulty, replacing its fault if it had one. A
    /// delay over [`MAX_SLOW_MS`] is cut to it.
    pub fn set(&self, subsystem: &str, fault: Fault) -> Result<(), FaultError> {
        let subsystem = mock_subsystem(subsystem)?;
        let fault = match fault {
            Fault::Slow { ms } => Fault::Slow {
                ms: ms.min(MAX_SLOW_MS),
            },
            other => other,
        };
        tracing::info!(%subsystem, %fault, "sandbox: a fault was set");
        self.by_subsystem
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(subsystem, fault);
        Ok(())
    }

    /// Make the mock agency of `subsystem` answer normally again; `true` when it had a fault.
    pub fn clear(&self, subsystem: &str) -> bool {
        let removed = self
            .by_subsystem
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(subsystem.trim())
            .is_some();
        if removed {
            tracing::info!(subsystem = subsystem.trim(), "sandbox: a fault was cleared");
        }
        removed
    }

    /// Clear every fault; returns how many there were.
    pub fn clear_all(&self) -> usize {
        let mut map = self.by_subsystem.write().unwrap_or_else(|e| e.into_inner());
        let n = map.len();
        map.clear();
        tracing::info!(cleared = n, "sandbox: every fault was cleared");
        n
    }

    /// The fault of `subsystem`, if any.
    pub fn get(&self, subsystem: &str) -> Option<Fault> {
        self.by_subsystem
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(subsystem)
            .copied()
    }

    /// Every fault in force, sorted by subsystem.
    pub fn list(&self) -> Vec<(String, Fault)> {
        self.by_subsystem
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(s, f)| (s.clone(), *f))
            .collect()
    }
}

/// Enumerations whose values move to the next in their cycle.
const CYCLES: &[&[&str]] = &[
    &["female", "male"],
    &["pending", "succeeded", "declined"],
    &["primary", "intermediate", "secondary"],
    &["O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-"],
];

/// Names that replace a one-word name, in Latin and in Arabic script.
const LATIN_NAMES: &[&str] = &["Ahmed", "Zainab", "Omar", "Fatima", "Hussein", "Maryam"];
const ARABIC_NAMES: &[&str] = &["أحمد", "زينب", "عمر", "فاطمة", "حسين", "مريم"];

/// Keys whose numbers page a list: changing them could keep a client paging forever.
const PAGING: &[&str] = &["page", "page_size", "total"];

/// Alter a JSON answer into plausible wrong data, the same way every time (see the
/// module's documentation); identifiers and codes are kept.
pub fn wrong_data(value: &mut Value) {
    alter(None, value);
}

fn alter(key: Option<&str>, value: &mut Value) {
    match value {
        Value::Object(map) => alter_object(map),
        Value::Array(items) => items.iter_mut().for_each(|v| alter(None, v)),
        Value::Bool(b) => *b = !*b,
        Value::Number(n) => {
            if key.is_some_and(|k| PAGING.contains(&k)) {
                return;
            }
            if let Some(i) = n.as_i64().filter(|i| *i >= 100) {
                *value = Value::from(i + (i + 5) / 10);
            } else if let Some(f) = n.as_f64().filter(|_| !n.is_i64() && !n.is_u64()) {
                *value = Value::from(f * 1.1);
            }
        }
        Value::String(s) => {
            if let Some(wrong) = wrong_text(key.unwrap_or_default(), s) {
                *s = wrong;
            }
        }
        Value::Null => {}
    }
}

fn alter_object(map: &mut Map<String, Value>) {
    for (k, v) in map.iter_mut() {
        alter(Some(k), v);
    }
}

/// The wrong value of a text under `key`, or `None` to keep it.
fn wrong_text(key: &str, text: &str) -> Option<String> {
    if let Some(shifted) = earlier_date(text) {
        return Some(shifted);
    }
    for cycle in CYCLES {
        if let Some(i) = cycle.iter().position(|v| *v == text) {
            return Some(cycle[(i + 1) % cycle.len()].to_string());
        }
    }
    if key == "name" || key.ends_with("_name") || key.ends_with("name_latin") {
        return wrong_name(text);
    }
    None
}

/// A name with its first two words swapped; a one-word name replaced by another.
fn wrong_name(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split(' ').collect();
    if words.len() >= 2 && words[0] != words[1] {
        let mut swapped = words.clone();
        swapped.swap(0, 1);
        return Some(swapped.join(" "));
    }
    if text.trim().is_empty() {
        return None;
    }
    let names = if text.chars().any(|c| ('\u{600}'..='\u{6ff}').contains(&c)) {
        ARABIC_NAMES
    } else {
        LATIN_NAMES
    };
    let start = text.bytes().map(usize::from).sum::<usize>() % names.len();
    (0..names.len())
        .map(|i| names[(start + i) % names.len()])
        .find(|n| *n != text)
        .map(str::to_string)
}

/// A text that starts with a date `YYYY-MM-DD` (a date or a timestamp), with the date a
/// year and a month earlier (the day kept, or the month's last day).
fn earlier_date(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let shaped = b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0..4, 5..7, 8..10]
            .into_iter()
            .all(|r| b[r].iter().all(u8::is_ascii_digit))
        && !b.get(10).is_some_and(u8::is_ascii_digit);
    if !shaped {
        return None;
    }
    let number = |r: std::ops::Range<usize>| text[r].parse::<u32>().unwrap_or_default();
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    if year < 3 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (year, month) = if month == 1 {
        (year - 2, 12)
    } else {
        (year - 1, month - 1)
    };
    let day = day.min(days_in_month(year, month));
    Some(format!("{year:04}-{month:02}-{day:02}{}", &text[10..]))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// A JSON body altered by [`wrong_data`]; `None` when it is not JSON.
pub fn wrong_body(body: &[u8]) -> Option<Vec<u8>> {
    let mut value: Value = serde_json::from_slice(body).ok()?;
    wrong_data(&mut value);
    serde_json::to_vec(&value).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fault_texts_are_read_and_written_back() {
        for (text, fault) in [
            ("slow:2000", Some(Fault::Slow { ms: 2000 })),
            (" Slow:250ms ", Some(Fault::Slow { ms: 250 })),
            ("slow:30000", Some(Fault::Slow { ms: 30_000 })),
            ("503", Some(Fault::Unavailable)),
            ("unavailable", Some(Fault::Unavailable)),
            ("wrong-data", Some(Fault::WrongData)),
            ("none", None),
        ] {
            assert_eq!(parse(text), Ok(fault), "{text}");
            if let Some(f) = fault {
                assert_eq!(parse(&f.to_string()), Ok(Some(f)));
            }
        }
    }

    #[test]
    fn a_wrong_text_says_what_was_expected() {
        for (text, message) in [
            (
                "slow",
                "unknown fault `slow`; expected `slow:MS`, `unavailable` (or `503`), `wrong-data` or `none`",
            ),
            (
                "down",
                "unknown fault `down`; expected `slow:MS`, `unavailable` (or `503`), `wrong-data` or `none`",
            ),
            (
                "slow:fast",
                "`slow:fast`: expected a delay in milliseconds, e.g. `slow:2000`",
            ),
            (
                "slow:-5",
                "`slow:-5`: expected a delay in milliseconds, e.g. `slow:2000`",
            ),
            (
                "slow:30001",
                "a delay of 30001 ms is too long; expected at most 30000 ms",
            ),
        ] {
            assert_eq!(parse(text).unwrap_err().to_string(), message, "{text}");
        }
    }

    #[test]
    fn only_a_mock_agencys_subsystem_takes_a_fault() {
        let subsystems = subsystems();
        assert!(subsystems.contains(&"IQ/GOV/MOH/births".to_string()));
        assert!(subsystems.contains(&"IQ/GOV/MOI/civil-registry".to_string()));
        assert!(subsystems.windows(2).all(|w| w[0] < w[1]));
        let faults = Faults::default();
        let e = faults
            .set("IQ/GOV/MOH/birth", Fault::Unavailable)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "`IQ/GOV/MOH/birth` is not the subsystem of a mock agency; did you mean `IQ/GOV/MOH/births`?"
        );
        let e = mock_subsystem("IQ/GOV/MOI/civil-registry/persons").unwrap_err();
        assert!(
            e.to_string().ends_with(
                "faults are set per subsystem: did you mean `IQ/GOV/MOI/civil-registry`?"
            ),
            "{e}"
        );
        let e = mock_subsystem("XX").unwrap_err().to_string();
        assert!(e.contains("expected one of `IQ/GOV/CBI/payments`"), "{e}");
        assert!(faults.list().is_empty());
    }

    #[test]
    fn faults_are_set_listed_sorted_and_cleared() {
        let faults = Faults::default();
        let shared = faults.clone();
        faults
            .set("IQ/GOV/MOI/civil-registry", Fault::WrongData)
            .unwrap();
        faults
            .set("IQ/GOV/MOH/births", Fault::Slow { ms: 99_000 })
            .unwrap();
        faults.set("IQ/GOV/CBI/payments", Fault::WrongData).unwrap();
        faults
            .set("IQ/GOV/CBI/payments", Fault::Unavailable)
            .unwrap();
        assert_eq!(
            shared.list(),
            vec![
                ("IQ/GOV/CBI/payments".to_string(), Fault::Unavailable),
                (
                    "IQ/GOV/MOH/births".to_string(),
                    Fault::Slow { ms: MAX_SLOW_MS }
                ),
                ("IQ/GOV/MOI/civil-registry".to_string(), Fault::WrongData),
            ]
        );
        assert!(faults.clear("IQ/GOV/CBI/payments"));
        assert!(!faults.clear("IQ/GOV/CBI/payments"));
        assert_eq!(shared.get("IQ/GOV/CBI/payments"), None);
        assert_eq!(
            shared.get("IQ/GOV/MOI/civil-registry"),
            Some(Fault::WrongData)
        );
        assert_eq!(faults.clear_all(), 2);
        assert!(shared.list().is_empty());
    }

    #[test]
    fn wrong_data_are_plausible_deterministic_and_keep_identifiers() {
        let right = json!({
            "national_id": "199012345678",
            "given_name_latin": "Ali",
            "full_name_latin": "Ali Hassan Kadhim Al-Tamimi",
            "full_name": "علي حسن كاظم التميمي",
            "given_name": "علي",
            "sex": "male",
            "date_of_birth": "1990-01-31",
            "created_at": "2026-03-31T08:00:00.000Z",
            "status": "pending",
            "match": true,
            "blood_group": "AB-",
            "amount": 25000,
            "grade": 3,
            "address_latin": "Karrada, Baghdad",
            "father_national_id": null,
            "period": "2026-03",
            "items": [{"name": "Al-Kindi Hospital"}],
            "page": 1, "page_size": 100, "total": 250
        });
        let mut wrong = right.clone();
        wrong_data(&mut wrong);
        let mut again = right.clone();
        wrong_data(&mut again);
        assert_eq!(wrong, again);
        assert_eq!(
            wrong,
            json!({
                "national_id": "199012345678",
                "given_name_latin": "Omar",
                "full_name_latin": "Hassan Ali Kadhim Al-Tamimi",
                "full_name": "حسن علي كاظم التميمي",
                "given_name": wrong["given_name"].clone(),
                "sex": "female",
                "date_of_birth": "1988-12-31",
                "created_at": "2025-02-28T08:00:00.000Z",
                "status": "succeeded",
                "match": false,
                "blood_group": "O+",
                "amount": 27500,
                "grade": 3,
                "address_latin": "Karrada, Baghdad",
                "father_national_id": null,
                "period": "2026-03",
                "items": [{"name": "Hospital Al-Kindi"}],
                "page": 1, "page_size": 100, "total": 250
            })
        );
        let given = wrong["given_name"].as_str().unwrap();
        assert!(ARABIC_NAMES.contains(&given) && given != "علي");
        assert_eq!(wrong_body(b"not json"), None);
    }

    #[test]
    fn a_shifted_date_is_always_a_real_date() {
        for (right, wrong) in [
            ("2024-02-29", "2023-01-29"),
            ("2024-03-31", "2023-02-28"),
            ("2025-03-29", "2024-02-29"),
            ("2026-01-15", "2024-12-15"),
            ("2026-13-01", "2026-13-01"),
            ("20260115", "20260115"),
        ] {
            let shifted = earlier_date(right).unwrap_or_else(|| right.to_string());
            assert_eq!(shifted, wrong, "{right}");
        }
    }
}
