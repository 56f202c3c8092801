//! `MOJ/real-estate-registry`: registered properties by governorate, muqataa (cadastral
//! district) and plot, with their owners.

use std::collections::BTreeMap;

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

use super::{items_by, rows};
use crate::db::Db;
use crate::error::ApiError;

/// The `properties` service.
pub fn properties() -> Router<Db> {
    Router::new()
        .route("/properties", get(owned_by))
        .route("/properties/{governorate}/{muqataa}", get(in_muqataa))
        .route(
            "/properties/{governorate}/{muqataa}/{plot}",
            get(one_property),
        )
}

const PROPERTY: &str = "SELECT p.governorate, p.muqataa, p.plot, p.owner_id, p.property_type, p.area_m2, p.address_ar, p.address_en,
    o.given_ar || ' ' || o.father_ar || ' ' || o.grandfather_ar || ' ' || o.family_ar,
    o.given_en || ' ' || o.father_en || ' ' || o.grandfather_en || ' ' || o.family_en
    FROM properties p LEFT JOIN persons o ON o.national_id = p.owner_id";

fn property_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "governorate": r.get::<_, String>(0)?,
        "muqataa": r.get::<_, i64>(1)?,
        "plot": r.get::<_, i64>(2)?,
        "owner": {
            "national_id": r.get::<_, String>(3)?,
            "full_name": r.get::<_, Option<String>>(8)?,
            "full_name_latin": r.get::<_, Option<String>>(9)?,
        },
        "property_type": r.get::<_, String>(4)?,
        "area_m2": r.get::<_, i64>(5)?,
        "address": r.get::<_, String>(6)?,
        "address_latin": r.get::<_, String>(7)?,
    }))
}

fn numbers(governorate: &str, parts: &[(&str, &str)]) -> Result<Vec<i64>, ApiError> {
    let mut problems: Vec<String> = super::not_a_governorate(governorate).into_iter().collect();
    let mut out = Vec::new();
    for (name, value) in parts {
        match value.parse::<i64>() {
            Ok(n) if n >= 1 => out.push(n),
            _ => problems.push(format!(
                "`{name}` must be a whole number from 1, found `{value}`"
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::invalid(problems))
    }
}

async fn in_muqataa(
    State(db): State<Db>,
    Path((governorate, muqataa)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let n = numbers(&governorate, &[("muqataa", &muqataa)])?;
    db.call(move |conn| {
        let sql = format!("{PROPERTY} WHERE p.governorate = ?1 AND p.muqataa = ?2 ORDER BY p.plot");
        let items = rows(conn, &sql, params![governorate, n[0]], property_json)?;
        Ok(Json(
            json!({"governorate": governorate, "muqataa": n[0], "items": items}),
        ))
    })
    .await
}

async fn one_property(
    State(db): State<Db>,
    Path((governorate, muqataa, plot)): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    let n = numbers(&governorate, &[("muqataa", &muqataa), ("plot", &plot)])?;
    db.call(move |conn| {
        let sql = format!("{PROPERTY} WHERE p.governorate = ?1 AND p.muqataa = ?2 AND p.plot = ?3");
        conn.query_row(&sql, params![governorate, n[0], n[1]], property_json)
            .optional()?
            .map(Json)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "Agency.NotFound",
                    "no property is registered at this place",
                )
                .detail(format!(
                    "governorate `{governorate}`, muqataa `{}`, plot `{}`",
                    n[0], n[1]
                ))
            })
    })
    .await
}

async fn owned_by(
    State(db): State<Db>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    items_by(
        db,
        &q,
        "owner_national_id",
        format!("{PROPERTY} WHERE p.owner_id = ?1 ORDER BY p.governorate, p.muqataa, p.plot"),
        property_json,
    )
    .await
}
