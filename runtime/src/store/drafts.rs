//! `qw_drafts`: the web form's unfinished applications, by the hash of their cookie's
//! token, kept for a while after their last change.

use rusqlite::{Connection, OptionalExtension, params};

/// Start an empty draft `key`, first forgetting drafts untouched since `stale_before`
/// (seconds since the epoch).
pub fn start(conn: &Connection, key: &str, now: i64, stale_before: i64) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM qw_drafts WHERE updated_at <= ?1",
        [stale_before],
    )?;
    conn.execute(
        "INSERT INTO qw_drafts (token_hash, answers, updated_at) VALUES (?1, '{}', ?2)",
        params![key, now],
    )?;
    Ok(())
}

/// The answers (JSON text) of draft `key`, if it was touched after `fresh_after`.
pub fn answers(conn: &Connection, key: &str, fresh_after: i64) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT answers FROM qw_drafts WHERE token_hash = ?1 AND updated_at > ?2")?
        .query_row(params![key, fresh_after], |r| r.get(0))
        .optional()
}

/// Keep `answers` (JSON text) as draft `key`.
pub fn save(conn: &Connection, key: &str, answers: &str, now: i64) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO qw_drafts (token_hash, answers, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(token_hash) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at",
        params![key, answers, now],
    )
}

/// Forget the drafts untouched since `stale_before` (seconds since the epoch); how many.
pub fn sweep(conn: &Connection, stale_before: i64) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM qw_drafts WHERE updated_at <= ?1",
        [stale_before],
    )
}

/// Forget draft `key` (its application was sent).
pub fn forget(conn: &Connection, key: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM qw_drafts WHERE token_hash = ?1", [key])
}
