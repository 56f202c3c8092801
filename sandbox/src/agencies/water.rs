//! `MMPW/water`: water accounts by property, meters, and monthly readings.

use std::collections::BTreeMap;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use super::{by_key, items_by, json_object, text};
use crate::db::Db;
use crate::error::ApiError;

/// The `accounts` service.
pub fn accounts() -> Router<Db> {
    Router::new()
        .route("/accounts", get(find_accounts).post(open_account))
        .route("/accounts/{number}", get(one_account))
        .route("/accounts/{number}/payments", post(pay_bill))
}

/// The `readings` service.
pub fn readings() -> Router<Db> {
    Router::new()
        .route("/readings/{account}", get(list_readings))
        .route("/readings/{account}/unbilled", get(unbilled))
}

/// Whether `p` is a month written `YYYY-MM`.
fn is_month(p: &str) -> bool {
    p.len() == 7 && quickwin_blueprint::expr::Date::parse(&format!("{p}-01")).is_some()
}

/// The kinds of property a water account can be for.
pub const PROPERTY_TYPES: &[&str] = &[
    "residential",
    "house",
    "apartment",
    "commercial",
    "industrial",
    "government",
];

/// The directorate's tariff: IQD per m³ by monthly consumption band, plus a standing charge.
pub const TARIFF: &[(i64, Option<i64>, i64)] = &[
    (0, Some(20), 100),
    (20, Some(40), 200),
    (40, Some(60), 350),
    (60, None, 500),
];
/// The monthly standing charge, IQD.
pub const STANDING_CHARGE: i64 = 2000;

/// The bill for a month's consumption.
pub fn bill(consumption: i64) -> i64 {
    let mut total = STANDING_CHARGE;
    for &(from, to, price) in TARIFF {
        let upper = to.unwrap_or(i64::MAX).min(consumption);
        if upper > from {
            total += (upper - from) * price;
        }
    }
    total
}

const ACCOUNT: &str = "SELECT a.number, a.holder_id, a.governorate, a.address_ar, a.address_en, a.property_type, a.meter_serial, a.opened_on, a.balance,
    p.given_ar || ' ' || p.father_ar || ' ' || p.grandfather_ar || ' ' || p.family_ar,
    p.given_en || ' ' || p.father_en || ' ' || p.grandfather_en || ' ' || p.family_en
    FROM water_accounts a LEFT JOIN persons p ON p.national_id = a.holder_id";

fn account_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "number": r.get::<_, String>(0)?,
        "holder_national_id": r.get::<_, String>(1)?,
        "holder_name": r.get::<_, Option<String>>(9)?, "holder_name_latin": r.get::<_, Option<String>>(10)?,
        "governorate": r.get::<_, String>(2)?,
        "address": r.get::<_, String>(3)?, "address_latin": r.get::<_, String>(4)?,
        "property_type": r.get::<_, String>(5)?,
        "meter_serial": r.get::<_, String>(6)?,
        "opened_on": r.get::<_, String>(7)?,
        "balance": r.get::<_, i64>(8)?,
    }))
}

fn account(conn: &Connection, number: &str) -> Result<Value, ApiError> {
    by_key(
        conn,
        &format!("{ACCOUNT} WHERE a.number = ?1"),
        number,
        account_json,
        "water account",
    )
}

async fn one_account(
    State(db): State<Db>,
    Path(number): Path<String>,
) -> Result<Json<Value>, ApiError> {
    db.call(move |conn| account(conn, &number).map(Json)).await
}

async fn find_accounts(
    State(db): State<Db>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    items_by(
        db,
        &q,
        "national_id",
        format!("{ACCOUNT} WHERE a.holder_id = ?1 ORDER BY a.number"),
        account_json,
    )
    .await
}

async fn open_account(
    State(db): State<Db>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = json_object(&body)?;
    let mut problems = Vec::new();
    let id = text(&body, "national_id", &mut problems);
    let gov = text(&body, "governorate", &mut problems);
    let address = text(&body, "address", &mut problems);
    let property = body
        .get("property_type")
        .and_then(Value::as_str)
        .unwrap_or("residential")
        .to_string();
    if !PROPERTY_TYPES.contains(&property.as_str()) {
        problems.push(format!(
            "`property_type` must be {}, found `{property}`",
            quickwin_blueprint::de::one_of(PROPERTY_TYPES.iter().copied())
        ));
    }
    let address_latin = body
        .get("address_latin")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !gov.is_empty() {
        problems.extend(super::not_a_governorate(&gov));
    }
    let initial = match body.get("initial_reading") {
        None | Some(Value::Null) => 0,
        Some(v) => match v
            .as_i64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        {
            Some(n) if n >= 0 => n,
            _ => {
                problems.push("`initial_reading` must be a whole number of m³".to_string());
                0
            }
        },
    };
    let meter = body
        .get("meter_serial")
        .and_then(Value::as_str)
        .map(str::to_string);
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    db.call(move |conn| {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let exists: Option<i64> = tx
            .query_row("SELECT 1 FROM persons WHERE national_id = ?1", [&id], |r| {
                r.get(0)
            })
            .optional()?;
        if exists.is_none() {
            return Err(ApiError::invalid(vec![format!(
                "no person with national ID `{id}` in the civil registry"
            )]));
        }
        let max: Option<String> =
            tx.query_row("SELECT MAX(number) FROM water_accounts", [], |r| r.get(0))?;
        let next = max
            .and_then(|m| m.parse::<u64>().ok())
            .unwrap_or(1_000_000_000)
            + 1;
        let number = format!("{next:010}");
        let meter = meter.unwrap_or_else(|| format!("WM{:08}", next % 100_000_000));
        let today = crate::util::today();
        tx.execute(
            "INSERT INTO water_accounts VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)",
            params![
                number,
                id,
                gov,
                address,
                address_latin,
                property,
                meter,
                today.to_string()
            ],
        )?;
        let (y, m, _) = today.ymd();
        tx.execute(
            "INSERT INTO readings VALUES (?1, ?2, ?3, ?4, 1)",
            params![number, format!("{y:04}-{m:02}"), today.to_string(), initial],
        )?;
        let created = account(&tx, &number)?;
        tx.commit()?;
        Ok((StatusCode::CREATED, Json(json!({"account": created}))))
    })
    .await
}

fn reading_rows(
    conn: &Connection,
    account: &str,
) -> rusqlite::Result<Vec<(String, String, i64, bool)>> {
    let mut stmt = conn.prepare_cached("SELECT period, read_on, value, billed FROM readings WHERE account_number = ?1 ORDER BY period")?;
    let rows = stmt.query_map([account], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    rows.collect()
}

async fn list_readings(
    State(db): State<Db>,
    Path(number): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let mut problems = Vec::new();
    for key in ["from", "to"] {
        if let Some(v) = q.get(key) {
            if !is_month(v) {
                problems.push(format!("`{key}` must be a month `YYYY-MM`, found `{v}`"));
            }
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let from = q.get("from").cloned().unwrap_or_default();
    let to = q.get("to").cloned().unwrap_or_else(|| "9999-12".into());
    db.call(move |conn| {
        account(conn, &number)?;
        let rows = reading_rows(conn, &number)?;
        let mut items = Vec::new();
        let mut previous: Option<i64> = None;
        for (period, read_on, value, billed) in rows {
            let consumption = previous.map(|p| value - p);
            previous = Some(value);
            if period.as_str() >= from.as_str() && period.as_str() <= to.as_str() {
                items.push(json!({"period": period, "read_on": read_on, "value": value, "consumption": consumption, "billed": billed}));
            }
        }
        Ok(Json(json!({"account_number": number, "items": items})))
    })
    .await
}

async fn unbilled(
    State(db): State<Db>,
    Path(number): Path<String>,
) -> Result<Json<Value>, ApiError> {
    db.call(move |conn| {
        let acc = account(conn, &number)?;
        let rows = reading_rows(conn, &number)?;
        let Some(pos) = rows.iter().position(|r| !r.3) else {
            return Err(ApiError::new(StatusCode::NOT_FOUND, "Agency.NothingToBill", "the account has no unbilled reading").detail(format!("`{number}`")));
        };
        let current = &rows[pos];
        let previous = pos.checked_sub(1).map(|i| &rows[i]);
        let consumption = previous.map_or(0, |p| current.2 - p.2);
        Ok(Json(json!({
            "account_number": number,
            "subscriber": {"full_name": acc["holder_name"], "full_name_latin": acc["holder_name_latin"], "national_id": acc["holder_national_id"]},
            "period": {"label": current.0},
            "previous": previous.map(|p| json!({"date": p.1, "value": p.2})),
            "current": {"date": current.1, "value": current.2},
            "consumption": {"cubic_metres": consumption},
            "amount_due": bill(consumption),
        })))
    })
    .await
}

async fn pay_bill(
    State(db): State<Db>,
    Path(number): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = json_object(&body)?;
    let mut problems = Vec::new();
    let period = text(&body, "period", &mut problems);
    if !period.is_empty() && !is_month(&period) {
        problems.push(format!(
            "`period` must be a month `YYYY-MM`, found `{period}`"
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    db.call(move |conn| {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        account(&tx, &number)?;
        let rows = reading_rows(&tx, &number)?;
        let Some(pos) = rows.iter().position(|r| r.0 == period) else {
            return Err(ApiError::not_found("reading for this period", &period));
        };
        if rows[pos].3 {
            return Err(ApiError::new(StatusCode::CONFLICT, "Agency.AlreadyPaid", "this period is already paid").detail(format!("`{period}`")));
        }
        let consumption = pos.checked_sub(1).map_or(0, |i| rows[pos].2 - rows[i].2);
        let amount = bill(consumption);
        let now = crate::util::now_rfc3339();
        tx.execute("UPDATE readings SET billed = 1 WHERE account_number = ?1 AND period = ?2", params![number, period])?;
        tx.execute("INSERT INTO water_payments (account_number, period, consumption, amount, paid_at) VALUES (?1, ?2, ?3, ?4, ?5)", params![number, period, consumption, amount, now])?;
        let id = tx.last_insert_rowid();
        let acc = account(&tx, &number)?;
        tx.commit()?;
        Ok((
            StatusCode::CREATED,
            Json(json!({
                "payment": {"id": format!("WP-{id:08}"), "period": period, "consumption": consumption, "amount": amount, "paid_at": now},
                "account": {"number": number, "balance": acc["balance"]},
            })),
        ))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::bill;

    #[test]
    fn the_tariff_is_banded() {
        assert_eq!(bill(0), 2000);
        assert_eq!(bill(10), 2000 + 1000);
        assert_eq!(bill(30), 2000 + 2000 + 2000);
        assert_eq!(bill(70), 2000 + 2000 + 4000 + 7000 + 5000);
    }
}
