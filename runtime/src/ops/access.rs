//! Who is asking: a staff session's member, and a case's row by its tracking number.

use crate::accounts::{self};
use crate::cases::Actor;
use crate::failure::{ApiError, Kind};
use quickwin_blueprint::clock::Now;
use rusqlite::Connection;

pub(crate) fn staff(conn: &Connection, token: &str) -> Result<Actor, ApiError> {
    Ok(accounts::authenticate(conn, token, Now::read().secs)?)
}

pub(crate) fn case_id(conn: &Connection, tracking: &str) -> Result<i64, ApiError> {
    crate::store::cases::id_of(conn, tracking)?
        .ok_or_else(|| ApiError::new(Kind::NotFound, format!("no case `{tracking}`")))
}
