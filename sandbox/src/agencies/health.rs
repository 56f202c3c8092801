//! `MOH/births` (birth notifications from hospitals) and `MOH/primary-care` (centres).

use std::collections::BTreeMap;

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use rusqlite::params;
use serde_json::{Value, json};

use super::{by_key, governorate, items_by, rows};
use crate::db::Db;
use crate::error::ApiError;

/// The `notifications` service of `MOH/births`.
pub fn births() -> Router<Db> {
    Router::new()
        .route("/notifications", get(list_births))
        .route("/notifications/{number}", get(one_birth))
}

/// The `patients` service of `MOH/health-records`.
pub fn records() -> Router<Db> {
    Router::new().route("/patients/{national_id}", get(patient))
}

/// The health record every registered person has, derived from the national id: its
/// number, blood group, and the primary care centre of the governorate it is kept at.
async fn patient(State(db): State<Db>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    super::civil_registry::check_id(&id)?;
    db.call(move |conn| {
        let person = super::civil_registry::find(conn, &id)?;
        let governorate = person["governorate"].as_str().unwrap_or_default().to_string();
        let centres = rows(conn, &format!("{CENTRE} WHERE governorate = ?1 ORDER BY code"), [&governorate], centre_json)?;
        let h = crate::util::sha256_hex(format!("record:{id}").as_bytes());
        let n = u64::from_str_radix(&h[..8], 16).unwrap_or(0);
        const GROUPS: [&str; 8] = ["O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-"];
        // Rough shares of the blood groups in Iraq: O+ and A+ and B+ most common.
        let group = GROUPS[[0, 0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 7][(n % 12) as usize]];
        let centre = centres.get((n as usize) % centres.len().max(1)).map(|c| c["code"].clone());
        Ok(Json(json!({"record": {
            "number": format!("HR-{}-{:08}", person["family_number"].as_str().unwrap_or_default().split('-').next().unwrap_or_default(), n % 100_000_000),
            "national_id": id,
            "full_name": person["full_name"],
            "full_name_latin": person["full_name_latin"],
            "date_of_birth": person["date_of_birth"],
            "blood_group": group,
            "registered_centre": centre,
        }})))
    })
    .await
}

/// The `centres` service of `MOH/primary-care`.
pub fn centres() -> Router<Db> {
    Router::new()
        .route("/centres", get(list_centres))
        .route("/centres/{code}", get(one_centre))
}

const BIRTH: &str = "SELECT number, mother_id, father_id, child_date_of_birth, sex, hospital_ar, hospital_en, governorate FROM births";

fn birth_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "number": r.get::<_, String>(0)?,
        "mother_national_id": r.get::<_, String>(1)?,
        "father_national_id": r.get::<_, Option<String>>(2)?,
        "child_date_of_birth": r.get::<_, String>(3)?,
        "sex": r.get::<_, String>(4)?,
        "hospital": {"name": r.get::<_, String>(5)?, "name_latin": r.get::<_, String>(6)?, "governorate": r.get::<_, String>(7)?},
    }))
}

async fn one_birth(
    State(db): State<Db>,
    Path(number): Path<String>,
) -> Result<Json<Value>, ApiError> {
    db.call(move |conn| {
        by_key(
            conn,
            &format!("{BIRTH} WHERE number = ?1"),
            &number,
            birth_json,
            "birth notification",
        )
        .map(Json)
    })
    .await
}

async fn list_births(
    State(db): State<Db>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    items_by(
        db,
        &q,
        "mother_national_id",
        format!("{BIRTH} WHERE mother_id = ?1 ORDER BY number"),
        birth_json,
    )
    .await
}

const CENTRE: &str = "SELECT code, name_ar, name_en, governorate, district_ar, district_en, address_ar, address_en, hours FROM centres";

fn centre_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    let hours: Value = serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or(Value::Null);
    Ok(json!({
        "code": r.get::<_, String>(0)?,
        "name": r.get::<_, String>(1)?, "name_latin": r.get::<_, String>(2)?,
        "governorate": r.get::<_, String>(3)?,
        "district": r.get::<_, String>(4)?, "district_latin": r.get::<_, String>(5)?,
        "address": r.get::<_, String>(6)?, "address_latin": r.get::<_, String>(7)?,
        "hours": hours,
    }))
}

async fn list_centres(
    State(db): State<Db>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let gov = governorate(&q)?;
    db.call(move |conn| {
        let items = rows(
            conn,
            &format!("{CENTRE} WHERE ?1 IS NULL OR governorate = ?1 ORDER BY code"),
            params![gov],
            centre_json,
        )?;
        Ok(Json(json!({"items": items})))
    })
    .await
}

async fn one_centre(
    State(db): State<Db>,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    db.call(move |conn| {
        by_key(
            conn,
            &format!("{CENTRE} WHERE code = ?1"),
            &code,
            centre_json,
            "centre",
        )
        .map(Json)
    })
    .await
}
