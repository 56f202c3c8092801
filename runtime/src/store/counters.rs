//! `qw_counters`: the named counters tracking, document and receipt numbers come from,
//! advanced in the transaction that uses the number.

use rusqlite::Connection;

/// The next value of the counter `name` (1 the first time).
pub fn next(conn: &Connection, name: &str) -> rusqlite::Result<i64> {
    conn.query_row(
        "INSERT INTO qw_counters (name, value) VALUES (?1, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
        [name],
        |r| r.get(0),
    )
}
