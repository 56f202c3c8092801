//! `qw_attachments`: uploaded files, kept unclaimed until an application claims them.

use rusqlite::{Connection, OptionalExtension, params};

/// What the office sees of an attachment (not its bytes).
#[derive(Debug, Clone)]
pub struct Attached {
    /// Its id (`att_…`).
    pub id: String,
    /// The field it answers, if any.
    pub field: Option<String>,
    /// The file's name.
    pub name: String,
    /// Its content type.
    pub content_type: String,
    /// Its size in bytes.
    pub size: i64,
    /// Its SHA-256, in hex.
    pub sha256: String,
}

/// The attachments of case `case_id`, in the order they were uploaded.
pub fn of_case(conn: &Connection, case_id: i64) -> rusqlite::Result<Vec<Attached>> {
    conn.prepare_cached(
        "SELECT id, field, name, content_type, size, sha256 FROM qw_attachments WHERE case_id = ?1 ORDER BY created_at, id",
    )?
    .query_map([case_id], |r| {
        Ok(Attached {
            id: r.get(0)?,
            field: r.get(1)?,
            name: r.get(2)?,
            content_type: r.get(3)?,
            size: r.get(4)?,
            sha256: r.get(5)?,
        })
    })?
    .collect()
}

/// Keep an upload no application has claimed yet.
pub fn insert_unclaimed(
    conn: &Connection,
    id: &str,
    name: &str,
    content_type: &str,
    sha256: &str,
    data: &[u8],
    created_at: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO qw_attachments (id, case_id, field, name, content_type, size, sha256, data, created_at) VALUES (?1, NULL, NULL, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, name, content_type, data.len() as i64, sha256, data, created_at],
    )
}

/// The name, content type and bytes of attachment `id` of case `case_id`.
pub fn file(
    conn: &Connection,
    id: &str,
    case_id: i64,
) -> rusqlite::Result<Option<(String, String, Vec<u8>)>> {
    conn.query_row(
        "SELECT name, content_type, data FROM qw_attachments WHERE id = ?1 AND case_id = ?2",
        params![id, case_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

/// The size and content type of the upload `id`, when there is one.
pub fn kind_of(conn: &Connection, id: &str) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row(
        "SELECT size, content_type FROM qw_attachments WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// Forget the uploads no application claimed, kept since before `before` (a stamp,
/// `YYYY-MM-DDTHH:MM:SSZ`); how many.
pub fn sweep_unclaimed(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM qw_attachments WHERE case_id IS NULL AND created_at < ?1",
        [before],
    )
}

/// Case `case_id` claims the upload `id` as its answer to `field`; 0 when there is no
/// such upload or another case claimed it.
pub fn claim(conn: &Connection, case_id: i64, field: &str, id: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE qw_attachments SET case_id = ?1, field = ?2 WHERE id = ?3 AND (case_id IS NULL OR case_id = ?1)",
        params![case_id, field, id],
    )
}
