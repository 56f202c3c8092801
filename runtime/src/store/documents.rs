//! `qw_documents`: the documents issued to cases, with their numbers and verification
//! codes.

use rusqlite::{Connection, OptionalExtension, params};

/// A document as the store keeps it.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The blueprint's document id.
    pub document: String,
    /// Its number.
    pub number: String,
    /// Its verification code.
    pub code: String,
    /// When it was issued (UTC stamp).
    pub issued_at: String,
    /// The last day it is valid, when it expires.
    pub valid_until: Option<String>,
    /// Its printed fields, as JSON text.
    pub content: String,
}

fn issued(r: &rusqlite::Row<'_>) -> rusqlite::Result<Issued> {
    Ok(Issued {
        document: r.get(0)?,
        number: r.get(1)?,
        code: r.get(2)?,
        issued_at: r.get(3)?,
        valid_until: r.get(4)?,
        content: r.get(5)?,
    })
}

/// The documents issued to case `case_id`, in the order they were issued.
pub fn of_case(conn: &Connection, case_id: i64) -> rusqlite::Result<Vec<Issued>> {
    conn.prepare_cached("SELECT document, number, code, issued_at, valid_until, content FROM qw_documents WHERE case_id = ?1 ORDER BY id")?
    .query_map([case_id], issued)?
    .collect()
}

/// The document `document` of case `case_id`, if it is issued.
pub fn of_case_named(
    conn: &Connection,
    case_id: i64,
    document: &str,
) -> rusqlite::Result<Option<Issued>> {
    conn.query_row(
        "SELECT document, number, code, issued_at, valid_until, content FROM qw_documents WHERE case_id = ?1 AND document = ?2",
        params![case_id, document],
        issued,
    )
    .optional()
}

/// The document whose verification code is `code` (as written on it: upper case).
pub fn by_code(conn: &Connection, code: &str) -> rusqlite::Result<Option<Issued>> {
    conn.query_row(
        "SELECT document, number, code, issued_at, valid_until, content FROM qw_documents WHERE code = ?1",
        [code],
        issued,
    )
    .optional()
}

/// The number and verification code of the document last issued to case `case_id`.
pub fn latest_number(
    conn: &Connection,
    case_id: i64,
) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached(
        "SELECT number, code FROM qw_documents WHERE case_id = ?1 ORDER BY id DESC LIMIT 1",
    )?
    .query_row([case_id], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()
}

/// Whether case `case_id` has the document `document`.
pub fn exists(conn: &Connection, case_id: i64, document: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM qw_documents WHERE case_id = ?1 AND document = ?2)",
        params![case_id, document],
        |r| r.get(0),
    )
}

/// Issue `d` to case `case_id`.
pub fn issue(conn: &Connection, case_id: i64, d: &Issued) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO qw_documents (case_id, document, number, code, issued_at, valid_until, content) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![case_id, d.document, d.number, d.code, d.issued_at, d.valid_until, d.content],
    )
}
