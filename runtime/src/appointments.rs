//! Appointment bookings: how many places of each slot are free, and booking them
//! without ever exceeding a slot's capacity — the count and the booking happen in one
//! write transaction. Which slots there are is the blueprint's arithmetic
//! ([`quickwin_blueprint::slots`]).

use rusqlite::Connection;
use serde::Serialize;

use quickwin_blueprint::clock::{self, Now};
use quickwin_blueprint::expr::Date;
use quickwin_blueprint::model::Blueprint;
use quickwin_blueprint::slots::{SlotError, capacity, parse, starts};

/// One slot of a resource on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slot {
    /// The value to give in the appointment field.
    pub value: String,
    /// Local start time, `YYYY-MM-DDTHH:MM`.
    pub start: String,
    /// People the slot takes.
    pub capacity: u32,
    /// People booked.
    pub booked: u32,
    /// Places left.
    pub free: u32,
}

fn booked(conn: &Connection, resource: &str, start: &str) -> rusqlite::Result<u32> {
    crate::store::bookings::held_places(conn, resource, start)
}

/// The slots of `resource` on `day` with their free places; slots already begun are left out.
pub fn availability(
    conn: &Connection,
    bp: &Blueprint,
    resource: &str,
    day: Date,
    now: &Now,
) -> Result<Vec<Slot>, SlotError> {
    let a = bp
        .appointments
        .as_ref()
        .ok_or_else(|| SlotError::UnknownResource(resource.to_string()))?;
    let r = a
        .resources
        .iter()
        .find(|r| r.id.as_str() == resource)
        .ok_or_else(|| SlotError::UnknownResource(resource.to_string()))?;
    let cap = capacity(a, r);
    let horizon = i64::try_from(a.horizon.value.minutes).unwrap_or(i64::MAX / 4);
    let mut out = Vec::new();
    for m in starts(a, r, day) {
        let minutes = day.0 * 1440 + i64::from(m);
        if minutes <= now.local_minutes || minutes > now.local_minutes + horizon {
            continue;
        }
        let start = clock::local_text(minutes);
        let taken = booked(conn, resource, &start).unwrap_or(cap);
        out.push(Slot {
            value: format!("{resource}@{start}"),
            start,
            capacity: cap,
            booked: taken,
            free: cap.saturating_sub(taken),
        });
    }
    Ok(out)
}

/// Book the slot for a case, inside the caller's write transaction: refused when full.
pub fn book(
    conn: &Connection,
    bp: &Blueprint,
    case_id: i64,
    value: &str,
    now: &Now,
) -> Result<(), BookError> {
    let (resource, minutes) = parse(bp, value, now)?;
    let a = bp
        .appointments
        .as_ref()
        .ok_or(SlotError::UnknownResource(value.into()))?;
    let start = clock::local_text(minutes);
    if booked(conn, resource.id.as_str(), &start)? >= capacity(a, resource) {
        return Err(SlotError::Full(value.to_string()).into());
    }
    crate::store::bookings::hold(conn, case_id, resource.id.as_str(), &start, &now.stamp)?;
    Ok(())
}

/// Free a case's booking, recording why (`cancelled`, `no_show`, `attended`, `moved`).
pub fn release(conn: &Connection, case_id: i64, status: &str) -> rusqlite::Result<usize> {
    crate::store::bookings::end(conn, case_id, status)
}

/// A booking error: the slot, or the store.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    /// The slot cannot be booked.
    #[error(transparent)]
    Slot(#[from] SlotError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] rusqlite::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blueprint() -> Blueprint {
        crate::catalogue("medical-appointment")
    }

    #[test]
    fn slots_follow_the_opening_hours() {
        let bp = blueprint();
        let a = bp.appointments.as_ref().unwrap();
        let mansour = &a.resources[1];
        // 2026-11-29 is a Sunday: 08:00-14:00 and 16:00-20:00 in 15-minute slots.
        let sunday = Date::parse("2026-11-29").unwrap();
        let s = starts(a, mansour, sunday);
        assert_eq!(s.len(), 24 + 16);
        assert_eq!(s[0], 8 * 60);
        assert_eq!(*s.last().unwrap(), 19 * 60 + 45);
        let friday = Date::parse("2026-11-27").unwrap();
        assert!(starts(a, mansour, friday).is_empty());
    }

    #[test]
    fn values_are_checked() {
        let bp = blueprint();
        let now = Now::at(clock::secs_of("2026-11-26T06:00:00Z").unwrap());
        assert!(parse(&bp, "karrada_phc@2026-11-29T08:15", &now).is_ok());
        assert!(matches!(
            parse(&bp, "karrada_phc 2026", &now),
            Err(SlotError::Malformed(_))
        ));
        assert!(matches!(
            parse(&bp, "nowhere@2026-11-29T08:15", &now),
            Err(SlotError::UnknownResource(_))
        ));
        assert!(matches!(
            parse(&bp, "karrada_phc@2026-11-29T08:10", &now),
            Err(SlotError::NotASlot(_))
        ));
        assert!(matches!(
            parse(&bp, "karrada_phc@2026-11-26T08:15", &now),
            Err(SlotError::OutOfRange(_))
        ));
        assert!(matches!(
            parse(&bp, "karrada_phc@2027-03-01T08:15", &now),
            Err(SlotError::OutOfRange(_))
        ));
    }
}
