//! `qw_users` and `qw_sessions`: back-office accounts (passwords only as Argon2id
//! hashes, roles comma-separated) and their sessions (tokens only as SHA-256 hashes,
//! with an expiry). The hashing is `crate::accounts`.

use rusqlite::{Connection, OptionalExtension, params};

/// The account tables, part of every service's store (see `store::migrate`).
pub(crate) const SQL: &str = "CREATE TABLE IF NOT EXISTS qw_users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS qw_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES qw_users(id),
    expires_at INTEGER NOT NULL
);";

/// Add account `name`; 0 when the name is taken.
pub fn insert_user(
    conn: &Connection,
    name: &str,
    password_hash: &str,
    roles: &str,
    created_at: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO qw_users (name, password_hash, roles, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(name) DO NOTHING",
        params![name, password_hash, roles, created_at],
    )
}

/// Remove account `name` and its sessions.
pub fn remove_user(conn: &Connection, name: &str) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM qw_sessions WHERE user_id IN (SELECT id FROM qw_users WHERE name = ?1)",
        [name],
    )?;
    conn.execute("DELETE FROM qw_users WHERE name = ?1", [name])?;
    Ok(())
}

/// The id and password hash of account `name`.
pub fn user(conn: &Connection, name: &str) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row(
        "SELECT id, password_hash FROM qw_users WHERE name = ?1",
        [name],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// Open a session of account `user` until `expires_at`, forgetting the sessions that
/// expired by `now`.
pub fn open_session(
    conn: &Connection,
    token_hash: &str,
    user: i64,
    now: i64,
    expires_at: i64,
) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM qw_sessions WHERE expires_at <= ?1", [now])?;
    conn.execute(
        "INSERT INTO qw_sessions (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
        params![token_hash, user, expires_at],
    )?;
    Ok(())
}

/// The name and roles of the account whose session `token_hash` is open at `now`.
pub fn session(
    conn: &Connection,
    token_hash: &str,
    now: i64,
) -> rusqlite::Result<Option<(String, String)>> {
    conn.query_row(
        "SELECT u.name, u.roles FROM qw_sessions s JOIN qw_users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.expires_at > ?2",
        params![token_hash, now],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// Close session `token_hash`.
pub fn close_session(conn: &Connection, token_hash: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM qw_sessions WHERE token_hash = ?1",
        [token_hash],
    )
}
