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

/// A piece of work in the outbox.
#[derive(Debug, Clone)]
pub struct Work {
    /// Its row id.
    pub id: i64,
    /// The case it is for.
    pub case_id: i64,
    /// `notification`, `integration` or `reminder`.
    pub kind: String,
    /// Which (the notification's index, the integration's id).
    pub name: String,
    /// When it was queued (UTC stamp).
    pub created_at: String,
    /// When it was done (UTC stamp).
    pub done_at: Option<String>,
    /// How often it was tried.
    pub attempts: i64,
    /// What the step that queued it knew, as JSON text.
    pub payload: Option<String>,
    /// The last attempt's result, as JSON text.
    pub result: Option<String>,
}

fn work(r: &rusqlite::Row<'_>) -> rusqlite::Result<Work> {
    Ok(Work {
        id: r.get(0)?,
        case_id: r.get(1)?,
        kind: r.get(2)?,
        name: r.get(3)?,
        created_at: r.get(4)?,
        done_at: r.get(5)?,
        attempts: r.get(6)?,
        payload: r.get(7)?,
        result: r.get(8)?,
    })
}

/// Up to `limit` pieces of work not done and due by `now` (seconds since the epoch), in
/// the order they were queued.
pub fn due(conn: &Connection, now: i64, limit: i64) -> rusqlite::Result<Vec<Work>> {
    conn.prepare_cached(
        "SELECT id, case_id, kind, name, created_at, done_at, attempts, payload, result FROM qw_outbox WHERE done_at IS NULL AND next_at <= ?1 ORDER BY id LIMIT ?2",
    )?
    .query_map(rusqlite::params![now, limit], work)?
    .collect()
}

/// Work `id` is done at `at`, with `result` (JSON text).
pub fn finish(conn: &Connection, id: i64, at: &str, result: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE qw_outbox SET done_at = ?2, result = ?3, attempts = attempts + 1 WHERE id = ?1",
        rusqlite::params![id, at, result],
    )
}

/// Work `id` failed with `result` (JSON text); it is tried again at `next_at`.
pub fn postpone(conn: &Connection, id: i64, next_at: i64, result: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE qw_outbox SET attempts = attempts + 1, next_at = ?2, result = ?3 WHERE id = ?1",
        rusqlite::params![id, next_at, result],
    )
}

/// A notification or reminder of a case, as its views show it.
#[derive(Debug, Clone)]
pub struct Message {
    /// Which notification (its index in the blueprint).
    pub name: String,
    /// When it was queued (UTC stamp).
    pub created_at: String,
    /// When it was sent (UTC stamp).
    pub done_at: Option<String>,
    /// How often it was tried.
    pub attempts: i64,
    /// The last attempt's result, as JSON text.
    pub result: Option<String>,
}

/// The notifications and reminders of case `case_id`, in the order they were queued.
pub fn messages_of_case(conn: &Connection, case_id: i64) -> rusqlite::Result<Vec<Message>> {
    conn.prepare_cached(
        "SELECT name, created_at, done_at, attempts, result FROM qw_outbox WHERE case_id = ?1 AND kind IN ('notification', 'reminder') ORDER BY id",
    )?
    .query_map([case_id], |r| {
        Ok(Message {
            name: r.get(0)?,
            created_at: r.get(1)?,
            done_at: r.get(2)?,
            attempts: r.get(3)?,
            result: r.get(4)?,
        })
    })?
    .collect()
}
