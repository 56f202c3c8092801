//! Who is asking: a staff session's member, and a case's row by its tracking number.

use crate::accounts::{self};
use crate::cases::Actor;
use crate::failure::{ApiError, Kind};
use quickwin_blueprint::clock::Now;
use rusqlite::{Connection, OptionalExtension};

pub(crate) fn staff(conn: &Connection, token: &str) -> Result<Actor, ApiError> {
    Ok(accounts::authenticate(conn, token, Now::read().secs)?)
}

pub(crate) fn case_id(conn: &Connection, tracking: &str) -> Result<i64, ApiError> {
    conn.query_row(
        "SELECT id FROM cases WHERE tracking = ?1",
        [tracking],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| ApiError::new(Kind::NotFound, format!("no case `{tracking}`")))
}
