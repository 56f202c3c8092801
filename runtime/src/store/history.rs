//! `qw_history`: every step a case took, who took it and what they wrote (append-only:
//! triggers refuse changes and deletions).

use rusqlite::{Connection, params};

/// One step to record.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// The case's row id.
    pub case_id: i64,
    /// When (UTC stamp).
    pub at: &'a str,
    /// Who: a staff account, `applicant:<tracking>` or `system`.
    pub actor: &'a str,
    /// The role it was taken in.
    pub role: &'a str,
    /// The action.
    pub action: &'a str,
    /// The state before (none for the submission).
    pub from: Option<&'a str>,
    /// The state after.
    pub to: &'a str,
    /// What came with it, as JSON text.
    pub detail: &'a str,
}

/// Record `entry`.
pub fn record(conn: &Connection, e: &Entry<'_>) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO qw_history (case_id, at, actor, role, action, from_state, to_state, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![e.case_id, e.at, e.actor, e.role, e.action, e.from, e.to, e.detail],
    )
}

/// A recorded step, as read back.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// When (UTC stamp).
    pub at: String,
    /// Who.
    pub actor: String,
    /// In which role.
    pub role: String,
    /// The action.
    pub action: String,
    /// The state before.
    pub from: Option<String>,
    /// The state after.
    pub to: String,
    /// What came with it, as JSON text.
    pub detail: String,
}

/// The steps of case `case_id`, in order.
pub fn of_case(conn: &Connection, case_id: i64) -> rusqlite::Result<Vec<Recorded>> {
    conn.prepare_cached(
        "SELECT at, actor, role, action, from_state, to_state, detail FROM qw_history WHERE case_id = ?1 ORDER BY id",
    )?
    .query_map([case_id], |r| {
        Ok(Recorded {
            at: r.get(0)?,
            actor: r.get(1)?,
            role: r.get(2)?,
            action: r.get(3)?,
            from: r.get(4)?,
            to: r.get(5)?,
            detail: r.get(6)?,
        })
    })?
    .collect()
}
