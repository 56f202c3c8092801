//! `MOLSA/payments`: the social protection network's beneficiaries and their monthly
//! payments.

use std::collections::BTreeMap;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

use super::{by_key, items_by, json_object, text};
use crate::db::Db;
use crate::error::ApiError;

/// The `beneficiaries` service.
pub fn beneficiaries() -> Router<Db> {
    Router::new()
        .route("/beneficiaries", get(find).post(enrol))
        .route("/beneficiaries/{number}", get(one))
}

/// The monthly payment for a household of `size`: a base amount and a supplement for
/// each further member, up to seven members.
pub fn monthly_amount(size: i64) -> i64 {
    175_000 + 25_000 * (size.clamp(1, 7) - 1)
}

const BENEFICIARY: &str = "SELECT number, national_id, governorate, household_size, monthly_amount, enrolled_on FROM beneficiaries";

fn beneficiary_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "number": r.get::<_, String>(0)?,
        "national_id": r.get::<_, String>(1)?,
        "governorate": r.get::<_, String>(2)?,
        "household_size": r.get::<_, i64>(3)?,
        "monthly_amount": r.get::<_, i64>(4)?,
        "currency": "IQD",
        "enrolled_on": r.get::<_, String>(5)?,
    }))
}

async fn one(State(db): State<Db>, Path(number): Path<String>) -> Result<Json<Value>, ApiError> {
    db.call(move |conn| {
        by_key(
            conn,
            &format!("{BENEFICIARY} WHERE number = ?1"),
            &number,
            beneficiary_json,
            "beneficiary",
        )
        .map(Json)
    })
    .await
}

async fn find(
    State(db): State<Db>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    items_by(
        db,
        &q,
        "national_id",
        format!("{BENEFICIARY} WHERE national_id = ?1"),
        beneficiary_json,
    )
    .await
}

async fn enrol(State(db): State<Db>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = json_object(&body)?;
    let mut problems = Vec::new();
    let id = text(&body, "national_id", &mut problems);
    if !id.is_empty() && super::civil_registry::check_id(&id).is_err() {
        problems.push(format!("`national_id` must be 12 digits, found `{id}`"));
    }
    let governorate = text(&body, "governorate", &mut problems);
    if !governorate.is_empty() {
        problems.extend(super::not_a_governorate(&governorate));
    }
    let size = body.get("household_size").and_then(|v| {
        v.as_i64()
            .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    });
    let size = match size {
        Some(n) if (1..=30).contains(&n) => n,
        _ => {
            problems.push("`household_size` must be a whole number from 1 to 30".to_string());
            0
        }
    };
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    db.call(move |conn| {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let known: Option<i64> = tx
            .query_row("SELECT 1 FROM persons WHERE national_id = ?1", [&id], |r| {
                r.get(0)
            })
            .optional()?;
        if known.is_none() {
            return Err(ApiError::invalid(vec![format!(
                "no person with national ID `{id}` in the civil registry"
            )]));
        }
        let existing: Option<String> = tx
            .query_row(
                "SELECT number FROM beneficiaries WHERE national_id = ?1",
                [&id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(n) = existing {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "Agency.AlreadyBeneficiary",
                "the person is already a beneficiary",
            )
            .detail(format!("beneficiary number `{n}`")));
        }
        let (y, _, _) = crate::util::today().ymd();
        let prefix = format!("SPN-{y}-");
        let last: Option<String> = tx.query_row(
            "SELECT MAX(number) FROM beneficiaries WHERE number LIKE ?1 || '%'",
            [&prefix],
            |r| r.get(0),
        )?;
        let next = last
            .and_then(|n| n[prefix.len()..].parse::<u32>().ok())
            .unwrap_or(0)
            + 1;
        let number = format!("{prefix}{next:06}");
        tx.execute(
            "INSERT INTO beneficiaries VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                number,
                id,
                governorate,
                size,
                monthly_amount(size),
                crate::util::today().to_string()
            ],
        )?;
        let created = by_key(
            &tx,
            &format!("{BENEFICIARY} WHERE number = ?1"),
            &number,
            beneficiary_json,
            "beneficiary",
        )?;
        tx.commit()?;
        Ok((StatusCode::CREATED, Json(json!({"beneficiary": created}))))
    })
    .await
}
