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

/// How many cases are in `state`.
pub fn count_in(conn: &Connection, state: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT COUNT(*) FROM cases WHERE state = ?1")?
        .query_row([state], |r| r.get(0))
}

/// When the cases in the states `states_json` (a JSON array) were submitted and last
/// updated.
pub fn times_in(conn: &Connection, states_json: &str) -> rusqlite::Result<Vec<(String, String)>> {
    conn.prepare_cached(
        "SELECT submitted_at, updated_at FROM cases WHERE state IN (SELECT value FROM json_each(?1))",
    )?
    .query_map([states_json], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

/// The first 200 cases in the states of `values[0]` (a JSON array) that meet
/// `condition`, sorted by `order`; each row has `tracking, state, submitted_at` and then
/// the columns of `select_list`.
pub fn queue_where<T>(
    conn: &Connection,
    select_list: &str,
    condition: &str,
    order: &str,
    values: &[Value],
    f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    conn.prepare(&format!(
        "SELECT tracking, state, submitted_at{select_list} FROM cases WHERE state IN (SELECT value FROM json_each(?1)) AND {condition} ORDER BY {order} LIMIT 200"
    ))?
    .query_map(rusqlite::params_from_iter(values.iter()), f)?
    .collect()
}

/// Case `id` moves to `state` at `at`.
pub fn move_to(conn: &Connection, id: i64, state: &str, at: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE cases SET state = ?1, updated_at = ?2 WHERE id = ?3",
        rusqlite::params![state, at, id],
    )
}

/// Set the column `quoted_column` (a field, quoted by `crate::cases::quote`) of case `id`.
pub fn set(
    conn: &Connection,
    id: i64,
    quoted_column: &str,
    value: &Value,
) -> rusqlite::Result<usize> {
    conn.execute(
        &format!("UPDATE cases SET {quoted_column} = ?1 WHERE id = ?2"),
        rusqlite::params![value, id],
    )
}

/// The row id and access code hash of the case `tracking`.
pub fn access_hash(conn: &Connection, tracking: &str) -> rusqlite::Result<Option<(i64, String)>> {
    conn.prepare_cached("SELECT id, access_code_hash FROM cases WHERE tracking = ?1")?
        .query_row([tracking], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

/// Case `id`'s row, every column, read by `f` (by column name: a store may keep
/// columns of fields the blueprint removed).
pub fn row<T>(
    conn: &Connection,
    id: i64,
    f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Option<T>> {
    conn.prepare_cached("SELECT * FROM cases WHERE id = ?1")?
        .query_row([id], f)
        .optional()
}

/// The entries of case `id` in the group table `quoted_table`, in order, read by `f`.
pub fn group_rows<T>(
    conn: &Connection,
    quoted_table: &str,
    id: i64,
    f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    conn.prepare_cached(&format!(
        "SELECT * FROM {quoted_table} WHERE case_id = ?1 ORDER BY position"
    ))?
    .query_map([id], f)?
    .collect()
}

/// Insert a row into `quoted_table` (`cases` or a group's), the quoted columns with
/// their values; its row id.
pub fn insert(
    conn: &Connection,
    quoted_table: &str,
    quoted_columns: &[String],
    values: Vec<Value>,
) -> rusqlite::Result<i64> {
    let marks: Vec<String> = (1..=quoted_columns.len())
        .map(|i| format!("?{i}"))
        .collect();
    conn.execute(
        &format!(
            "INSERT INTO {quoted_table} ({}) VALUES ({})",
            quoted_columns.join(", "),
            marks.join(", ")
        ),
        rusqlite::params_from_iter(values),
    )?;
    Ok(conn.last_insert_rowid())
}

/// The tracking number of the first other case not in a final state (`finals_json`, a
/// JSON array) that has the same answers as case `id` where `same` (conditions on `c`,
/// the case, and `o`, the other, built from quoted fields) says.
pub fn open_duplicate(
    conn: &Connection,
    id: i64,
    same: &str,
    finals_json: &str,
) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(&format!(
        "SELECT o.tracking FROM cases c JOIN cases o ON o.id <> c.id
         WHERE c.id = ?1 AND {same} AND o.state NOT IN (SELECT value FROM json_each(?2))
         ORDER BY o.id LIMIT 1"
    ))?
    .query_row(rusqlite::params![id, finals_json], |r| r.get(0))
    .optional()
}
