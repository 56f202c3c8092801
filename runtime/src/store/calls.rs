//! `qw_calls`: the calls to other agencies a case's steps made (append-only).

use rusqlite::Connection;

/// A call as the store keeps it.
#[derive(Debug, Clone)]
pub struct Made {
    /// The blueprint's integration id.
    pub integration: String,
    /// The action that made it.
    pub action: String,
    /// When (UTC stamp).
    pub at: String,
    /// `ok`, `failed`, …
    pub outcome: String,
    /// What was asked and kept, as JSON text.
    pub detail: String,
}

/// The calls of case `case_id`, in the order they were made.
pub fn of_case(conn: &Connection, case_id: i64) -> rusqlite::Result<Vec<Made>> {
    conn.prepare_cached(
        "SELECT integration, action, at, outcome, detail FROM qw_calls WHERE case_id = ?1 ORDER BY id",
    )?
    .query_map([case_id], |r| {
        Ok(Made {
            integration: r.get(0)?,
            action: r.get(1)?,
            at: r.get(2)?,
            outcome: r.get(3)?,
            detail: r.get(4)?,
        })
    })?
    .collect()
}

/// Record a call of case `case_id` made by `action` (JSON text in `detail`).
pub fn record(
    conn: &Connection,
    case_id: i64,
    integration: &str,
    action: &str,
    at: &str,
    outcome: &str,
    detail: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO qw_calls (case_id, integration, action, at, outcome, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![case_id, integration, action, at, outcome, detail],
    )
}
