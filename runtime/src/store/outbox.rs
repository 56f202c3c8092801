//! `qw_outbox`: what waits to be done after a step (notifications, retried calls). The
//! worker that does it is `crate::outbox`; here, what the views and metrics count.

use rusqlite::Connection;

/// Calls of case `case_id` still waiting to be retried.
pub fn calls_pending(conn: &Connection, case_id: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COUNT(*) FROM qw_outbox WHERE case_id = ?1 AND kind = 'integration' AND done_at IS NULL",
        [case_id],
        |r| r.get(0),
    )
}

/// Everything still waiting in the outbox.
pub fn pending(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COUNT(*) FROM qw_outbox WHERE done_at IS NULL",
        [],
        |r| r.get(0),
    )
}

/// Queue work for the worker: `kind` (`notification`, `integration`, `reminder`) named
/// `name`, with its payload (JSON text), due at `next_at` (seconds since the epoch).
pub fn queue(
    conn: &Connection,
    case_id: i64,
    kind: &str,
    name: &str,
    payload: &str,
    created_at: &str,
    next_at: i64,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO qw_outbox (case_id, kind, name, payload, created_at, next_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![case_id, kind, name, payload, created_at, next_at],
    )
}
