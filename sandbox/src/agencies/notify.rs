//! `MOC/notify`: an SMS and e-mail gateway whose messages land in an inbox per phone
//! number or address, which the sandbox's web page shows.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use rusqlite::{Connection, params};
use serde_json::{Value, json};

use super::{json_object, text};
use crate::db::Db;
use crate::error::ApiError;

/// The `messages` service.
pub fn routes() -> Router<Db> {
    Router::new()
        .route("/sms", post(sms))
        .route("/email", post(email))
        .route("/inbox/{address}", get(inbox))
}

/// Whether a phone number is an Iraqi mobile: `07` and 9 digits, or `+9647` and 9 digits.
pub fn is_phone(p: &str) -> bool {
    let digits = p
        .strip_prefix("+964")
        .map(|r| format!("0{r}"))
        .unwrap_or_else(|| p.to_string());
    digits.len() == 11 && digits.starts_with("07") && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The same phone number written as `07…`.
pub fn normalize_phone(p: &str) -> String {
    p.strip_prefix("+964")
        .map(|r| format!("0{r}"))
        .unwrap_or_else(|| p.to_string())
}

/// The client subsystem the mediator passed on (`X-Road-Client`), kept with a message so
/// that a workshop host can show each team what its service sent.
fn sender(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-road-client")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

async fn sms(
    State(db): State<Db>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = json_object(&body)?;
    let mut problems = Vec::new();
    let to = text(&body, "to", &mut problems);
    let message = text(&body, "text", &mut problems);
    if !to.is_empty() && !is_phone(&to) {
        problems.push(format!(
            "`{to}` is not an Iraqi mobile number (`07` and 9 digits)"
        ));
    }
    if message.chars().count() > 1000 {
        problems.push("`text` is longer than 1000 characters".to_string());
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    store(
        db,
        "sms",
        normalize_phone(&to),
        None,
        message,
        sender(&headers),
    )
    .await
}

async fn email(
    State(db): State<Db>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = json_object(&body)?;
    let mut problems = Vec::new();
    let to = text(&body, "to", &mut problems);
    let subject = text(&body, "subject", &mut problems);
    let message = text(&body, "text", &mut problems);
    let valid = to
        .split_once('@')
        .is_some_and(|(u, d)| !u.is_empty() && d.contains('.') && !d.starts_with('.'));
    if !to.is_empty() && !valid {
        problems.push(format!("`{to}` is not an e-mail address"));
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    store(
        db,
        "email",
        to.to_lowercase(),
        Some(subject),
        message,
        sender(&headers),
    )
    .await
}

async fn store(
    db: Db,
    channel: &'static str,
    address: String,
    subject: Option<String>,
    text: String,
    client: Option<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    db.call(move |conn| {
        let now = crate::util::now_rfc3339();
        conn.execute(
            "INSERT INTO outbox (channel, address, subject, text, sent_at, client) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![channel, address, subject, text, now, client],
        )?;
        let id = conn.last_insert_rowid();
        Ok((StatusCode::ACCEPTED, Json(json!({"id": format!("MSG-{id:08}"), "channel": channel, "to": address, "status": "delivered", "sent_at": now}))))
    })
    .await
}

/// The messages a client subsystem sent (through the mediator), newest first.
pub fn sent_by(conn: &Connection, client: &str, limit: i64) -> rusqlite::Result<Vec<Value>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, channel, address, subject, text, sent_at FROM outbox WHERE client = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![client, limit], message_row)?;
    rows.collect()
}

/// The messages sent to an address, newest first.
pub fn messages(conn: &Connection, address: &str, limit: i64) -> rusqlite::Result<Vec<Value>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, channel, address, subject, text, sent_at FROM outbox WHERE address = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![address, limit], message_row)?;
    rows.collect()
}

fn message_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "id": format!("MSG-{:08}", r.get::<_, i64>(0)?),
        "channel": r.get::<_, String>(1)?,
        "to": r.get::<_, String>(2)?,
        "subject": r.get::<_, Option<String>>(3)?,
        "text": r.get::<_, String>(4)?,
        "sent_at": r.get::<_, String>(5)?,
    }))
}

/// Every address that has received something, with its message count, busiest first.
pub fn addresses(conn: &Connection) -> rusqlite::Result<Vec<(String, String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT address, channel, COUNT(*) FROM outbox GROUP BY address, channel ORDER BY MAX(id) DESC LIMIT 200",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

async fn inbox(State(db): State<Db>, Path(address): Path<String>) -> Result<Json<Value>, ApiError> {
    let address = if is_phone(&address) {
        normalize_phone(&address)
    } else {
        address.to_lowercase()
    };
    db.call(move |conn| {
        let items = messages(conn, &address, 100)?;
        Ok(Json(json!({"address": address, "items": items})))
    })
    .await
}
