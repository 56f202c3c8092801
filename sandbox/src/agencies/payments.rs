//! `CBI/payments`: a payment gateway with test cards that succeed, are declined or time out.
//! A payment created with an `Idempotency-Key` is created once: the same key gives the
//! same payment back, however many times and however concurrently it is sent.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use super::{by_key, json_object, text};
use crate::db::Db;
use crate::error::ApiError;

/// A test card that pays.
pub const CARD_OK: &str = "4111111111111111";
/// A test card the bank declines.
pub const CARD_DECLINED: &str = "4000000000000002";
/// A test card whose bank never answers in time.
pub const CARD_TIMEOUT: &str = "4000000000000119";
/// How long the timing-out card keeps the gateway waiting.
pub const TIMEOUT_DELAY: std::time::Duration = std::time::Duration::from_secs(60);

/// The `payments` service.
pub fn routes() -> Router<Db> {
    Router::new()
        .route("/payments", post(create))
        .route("/payments/{id}", get(one))
        .route("/payments/{id}/pay", post(pay))
}

fn payment_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "id": r.get::<_, String>(0)?,
        "amount": r.get::<_, i64>(1)?,
        "currency": r.get::<_, String>(2)?,
        "reference": r.get::<_, String>(3)?,
        "description": r.get::<_, String>(4)?,
        "status": r.get::<_, String>(5)?,
        "card_last4": r.get::<_, Option<String>>(6)?,
        "created_at": r.get::<_, String>(7)?,
        "updated_at": r.get::<_, String>(8)?,
    }))
}

fn payment(conn: &Connection, id: &str) -> Result<Value, ApiError> {
    const SQL: &str = "SELECT id, amount, currency, reference, description, status, card_last4, created_at, updated_at FROM payments WHERE id = ?1";
    by_key(conn, SQL, id, payment_json, "payment")
}

/// The payment, if it is still waiting for payment; else 404 or 409.
fn pending(conn: &Connection, id: &str) -> Result<Value, ApiError> {
    let current = payment(conn, id)?;
    if current["status"] != "pending" {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "Agency.AlreadyProcessed",
            "the payment is no longer pending",
        )
        .detail(format!(
            "status `{}`",
            current["status"].as_str().unwrap_or_default()
        )));
    }
    Ok(current)
}

/// The longest idempotency key taken.
const MAX_KEY: usize = 200;

async fn create(
    State(db): State<Db>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = json_object(&body)?;
    let key = match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(k)) if !k.trim().is_empty() && k.len() <= MAX_KEY => Some(k.trim().to_string()),
        Some(_) => {
            return Err(ApiError::invalid(vec![format!(
                "`Idempotency-Key` must be visible ASCII text of 1 to {MAX_KEY} characters"
            )]));
        }
    };
    let mut problems = Vec::new();
    let amount = match body.get("amount") {
        Some(v) => match v
            .as_i64()
            .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
        {
            Some(a) if a > 0 => a,
            _ => {
                problems.push(
                    "`amount` must be a whole number of the currency's unit, more than 0"
                        .to_string(),
                );
                0
            }
        },
        None => {
            problems.push("`amount` is required".to_string());
            0
        }
    };
    let currency = match body.get("currency") {
        None | Some(Value::Null) => "IQD".to_string(),
        Some(Value::String(c)) => c.clone(),
        Some(_) => {
            problems.push("`currency` must be text".to_string());
            String::new()
        }
    };
    if !currency.is_empty() && currency != "IQD" {
        problems.push(format!("the gateway takes `IQD` only, found `{currency}`"));
    }
    let reference = text(&body, "reference", &mut problems);
    let description = match body.get("description") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(d)) => d.clone(),
        Some(_) => {
            problems.push("`description` must be text".to_string());
            String::new()
        }
    };
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    db.call(move |conn| {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if let Some(key) = &key {
            let earlier: Option<String> = tx
                .query_row(
                    "SELECT payment_id FROM payment_keys WHERE key = ?1",
                    [key],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = earlier {
                let found = payment(&tx, &id)?;
                if found["amount"] != amount || found["reference"] != reference.as_str() {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "Agency.IdempotencyKeyReused",
                        "the idempotency key was used for another payment",
                    )
                    .detail(format!("`{key}` created `{id}`")));
                }
                return Ok((StatusCode::OK, Json(found)));
            }
        }
        let n: i64 = tx.query_row("SELECT COUNT(*) FROM payments", [], |r| r.get(0))?;
        let id = format!("PAY-{:08}", n + 1);
        let now = crate::util::now_rfc3339();
        tx.execute(
            "INSERT INTO payments VALUES (?1, ?2, ?3, ?4, ?5, 'pending', NULL, ?6, ?6)",
            params![id, amount, currency, reference, description, now],
        )?;
        if let Some(key) = &key {
            tx.execute(
                "INSERT INTO payment_keys (key, payment_id) VALUES (?1, ?2)",
                params![key, id],
            )?;
        }
        let created = payment(&tx, &id)?;
        tx.commit()?;
        Ok((StatusCode::CREATED, Json(created)))
    })
    .await
}

async fn one(State(db): State<Db>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    db.call(move |conn| payment(conn, &id).map(Json)).await
}

async fn pay(
    State(db): State<Db>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = json_object(&body)?;
    let mut problems = Vec::new();
    let card: String = text(&body, "card_number", &mut problems)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    if ![CARD_OK, CARD_DECLINED, CARD_TIMEOUT].contains(&card.as_str()) {
        return Err(ApiError::invalid(vec![format!(
            "`card_number` must be a test card: `{CARD_OK}` pays, `{CARD_DECLINED}` is declined, `{CARD_TIMEOUT}` times out"
        )]));
    }
    // The payment must exist and wait for payment before the bank is asked.
    let pid = id.clone();
    db.call(move |conn| pending(conn, &pid)).await?;
    let status = match card.as_str() {
        CARD_OK => "succeeded",
        CARD_DECLINED => "declined",
        _ => {
            // The bank never answers in time; the payment stays pending.
            tokio::time::sleep(TIMEOUT_DELAY).await;
            return Err(ApiError::new(
                StatusCode::GATEWAY_TIMEOUT,
                "Agency.BankTimeout",
                "the card's bank did not answer",
            )
            .detail("the payment is still pending; try again or use another card"));
        }
    };
    db.call(move |conn| {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        pending(&tx, &id)?;
        let last4 = &card[card.len().saturating_sub(4)..];
        tx.execute(
            "UPDATE payments SET status = ?2, card_last4 = ?3, updated_at = ?4 WHERE id = ?1",
            params![id, status, last4, crate::util::now_rfc3339()],
        )?;
        let updated = payment(&tx, &id)?;
        tx.commit()?;
        Ok(Json(updated))
    })
    .await
}
