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

/// The counter under which a store seeded for a reproducible check run keeps its seed.
const SEED: &str = "__seed";

/// The counter the seeded random letters of numbers advance.
pub const RANDOM: &str = "__random";

/// Seed the store: from now on the random letters of its numbers come from `seed`. Only a
/// workshop's check twin does this; a service that citizens use never is.
pub fn seed(conn: &Connection, seed: u64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO qw_counters (name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        rusqlite::params![SEED, seed as i64],
    )?;
    Ok(())
}

/// The store's seed, when it has one.
pub fn seeded(conn: &Connection) -> rusqlite::Result<Option<u64>> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        "SELECT value FROM qw_counters WHERE name = ?1",
        [SEED],
        |r| r.get::<_, i64>(0),
    )
    .optional()
    .map(|v| v.map(|v| v as u64))
}
