//! `cases`, the table of applications that the blueprint shapes: lookups by number or by
//! another answer, and counts by state. A case's own transactions are `crate::cases`.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};

/// The row id of the case `tracking`.
pub fn id_of(conn: &Connection, tracking: &str) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM cases WHERE tracking = ?1",
        [tracking],
        |r| r.get(0),
    )
    .optional()
}

/// The row id of the latest case whose `column` (a field of the blueprint, quoted by
/// the caller with `crate::cases::quote`) is `value`.
pub fn latest_with(
    conn: &Connection,
    quoted_column: &str,
    value: &str,
) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        &format!("SELECT id FROM cases WHERE {quoted_column} = ?1 ORDER BY id DESC LIMIT 1"),
        [value],
        |r| r.get(0),
    )
    .optional()
}

/// How many cases are in each state that has any.
pub fn count_by_state(conn: &Connection) -> rusqlite::Result<Vec<(String, i64)>> {
    conn.prepare("SELECT state, COUNT(*) FROM cases GROUP BY state")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// How many cases meet `filters` (an SQL condition built from checked names, with
/// `values` bound to its `?n` parameters).
pub fn count_where(conn: &Connection, filters: &str, values: &[Value]) -> rusqlite::Result<i64> {
    conn.query_row(
        &format!("SELECT COUNT(*) FROM cases WHERE {filters}"),
        rusqlite::params_from_iter(values.iter()),
        |r| r.get(0),
    )
}

/// The cases that meet `filters`, sorted by `order`, one page: `limit_offset` names the
/// parameters (`?n`) of `values` that hold the page's size and its offset. Each row has
/// `tracking, state, submitted_at, updated_at` and then the columns of `select_list`.
pub fn page_where<T>(
    conn: &Connection,
    select_list: &str,
    filters: &str,
    order: &str,
    limit_offset: (usize, usize),
    values: &[Value],
    f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let (limit, offset) = limit_offset;
    conn.prepare(&format!(
        "SELECT tracking, state, submitted_at, updated_at{select_list} FROM cases WHERE {filters} ORDER BY {order} LIMIT ?{limit} OFFSET ?{offset}"
    ))?
    .query_map(rusqlite::params_from_iter(values.iter()), f)?
    .collect()
}
