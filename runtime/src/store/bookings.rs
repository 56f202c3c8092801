//! `qw_bookings`: the appointment slots cases booked (the booking itself, within a
//! slot's capacity, is `crate::appointments`).

use rusqlite::{Connection, OptionalExtension};

/// A booking of a case: the resource, the local start (`YYYY-MM-DDTHH:MM`) and its
/// status (`booked`, `cancelled`, `closed`, …).
#[derive(Debug, Clone)]
pub struct Booking {
    /// The resource's id.
    pub resource: String,
    /// The local start.
    pub start: String,
    /// Its status.
    pub status: String,
}

/// The bookings of case `case_id`, in the order they were made.
pub fn of_case(conn: &Connection, case_id: i64) -> rusqlite::Result<Vec<Booking>> {
    conn.prepare_cached(
        "SELECT resource, start, status FROM qw_bookings WHERE case_id = ?1 ORDER BY id",
    )?
    .query_map([case_id], |r| {
        Ok(Booking {
            resource: r.get(0)?,
            start: r.get(1)?,
            status: r.get(2)?,
        })
    })?
    .collect()
}

/// The local start of the case's booking that is still held, if any.
pub fn held_start(conn: &Connection, case_id: i64) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT start FROM qw_bookings WHERE case_id = ?1 AND status = 'booked'",
        [case_id],
        |r| r.get(0),
    )
    .optional()
}
