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

/// The bookings held that start after `from` and by `until` (local times) and were not
/// reminded yet: booking id, case id.
pub fn to_remind(conn: &Connection, from: &str, until: &str) -> rusqlite::Result<Vec<(i64, i64)>> {
    conn.prepare_cached(
        "SELECT id, case_id FROM qw_bookings WHERE status = 'booked' AND reminded = 0 AND start > ?1 AND start <= ?2",
    )?
    .query_map([from, until], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

/// Booking `id` was reminded.
pub fn reminded(conn: &Connection, id: i64) -> rusqlite::Result<usize> {
    conn.execute("UPDATE qw_bookings SET reminded = 1 WHERE id = ?1", [id])
}

/// The cases whose held booking started before `before` (local time).
pub fn missed(conn: &Connection, before: &str) -> rusqlite::Result<Vec<i64>> {
    conn.prepare_cached("SELECT case_id FROM qw_bookings WHERE status = 'booked' AND start < ?1")?
        .query_map([before], |r| r.get(0))?
        .collect()
}

/// The case's booking still held, as its appointment answer (`RESOURCE@START`).
pub fn held(conn: &Connection, case_id: i64) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT resource || '@' || start FROM qw_bookings WHERE case_id = ?1 AND status = 'booked'",
    )?
    .query_row([case_id], |r| r.get(0))
    .optional()
}

/// How many places of `resource`'s slot at `start` are held.
pub fn held_places(conn: &Connection, resource: &str, start: &str) -> rusqlite::Result<u32> {
    conn.query_row(
        "SELECT COUNT(*) FROM qw_bookings WHERE resource = ?1 AND start = ?2 AND status = 'booked'",
        rusqlite::params![resource, start],
        |r| r.get(0),
    )
}

/// Case `case_id` holds a place of `resource`'s slot at `start`.
pub fn hold(
    conn: &Connection,
    case_id: i64,
    resource: &str,
    start: &str,
    at: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO qw_bookings (case_id, resource, start, status, created_at) VALUES (?1, ?2, ?3, 'booked', ?4)",
        rusqlite::params![case_id, resource, start, at],
    )
}

/// The case's held booking ends, for `status` (`cancelled`, `no_show`, `attended`, …).
pub fn end(conn: &Connection, case_id: i64, status: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE qw_bookings SET status = ?2 WHERE case_id = ?1 AND status = 'booked'",
        rusqlite::params![case_id, status],
    )
}
