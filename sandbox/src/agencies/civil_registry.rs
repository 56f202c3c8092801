//! `MOI/civil-registry`: persons and households.

use std::collections::BTreeMap;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use super::{by_key, governorate, json_object, paging, text};
use crate::db::Db;
use crate::error::ApiError;

/// The `persons` service.
pub fn persons() -> Router<Db> {
    Router::new()
        .route("/persons", get(list))
        .route("/persons/{national_id}", get(one))
        .route("/persons/{national_id}/household", get(household_of))
        .route("/persons/{national_id}/verify", post(verify))
}

/// The `households` service.
pub fn households() -> Router<Db> {
    Router::new().route("/households/{national_id}", get(household_of))
}

const COLUMNS: &str = "national_id, given_ar, given_en, father_ar, father_en, grandfather_ar, grandfather_en, family_ar, family_en, sex, date_of_birth, governorate, family_number, father_id, mother_id";

/// A person as JSON.
pub fn person_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    let s = |i: usize| r.get::<_, String>(i);
    let full_ar = format!("{} {} {} {}", s(1)?, s(3)?, s(5)?, s(7)?);
    let full_en = format!("{} {} {} {}", s(2)?, s(4)?, s(6)?, s(8)?);
    Ok(json!({
        "national_id": s(0)?,
        "given_name": s(1)?, "given_name_latin": s(2)?,
        "father_name": s(3)?, "father_name_latin": s(4)?,
        "grandfather_name": s(5)?, "grandfather_name_latin": s(6)?,
        "family_name": s(7)?, "family_name_latin": s(8)?,
        "full_name": full_ar, "full_name_latin": full_en,
        "sex": s(9)?, "date_of_birth": s(10)?, "governorate": s(11)?, "family_number": s(12)?,
        "father_national_id": r.get::<_, Option<String>>(13)?,
        "mother_national_id": r.get::<_, Option<String>>(14)?,
    }))
}

pub(crate) fn find(conn: &Connection, id: &str) -> Result<Value, ApiError> {
    by_key(
        conn,
        &format!("SELECT {COLUMNS} FROM persons WHERE national_id = ?1"),
        id,
        person_json,
        "person",
    )
}

pub(crate) fn check_id(id: &str) -> Result<(), ApiError> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ApiError::invalid(vec![format!(
            "a national ID is 12 digits, found `{id}`"
        )]))
    }
}

async fn list(
    State(db): State<Db>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let (page, size) = paging(&q)?;
    let gov = governorate(&q)?;
    let family = q.get("family_number").cloned();
    db.call(move |conn| {
        let total: i64 = conn.query_row(
            "SELECT COUNT(*) FROM persons WHERE (?1 IS NULL OR governorate = ?1) AND (?2 IS NULL OR family_number = ?2)",
            params![gov, family],
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM persons WHERE (?1 IS NULL OR governorate = ?1) AND (?2 IS NULL OR family_number = ?2)
             ORDER BY national_id LIMIT ?3 OFFSET ?4"
        ))?;
        let offset = i64::from(page - 1) * i64::from(size);
        let items = stmt
            .query_map(params![gov, family, i64::from(size), offset], person_json)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Json(json!({"items": items, "page": page, "page_size": size, "total": total})))
    })
    .await
}

async fn one(State(db): State<Db>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    check_id(&id)?;
    db.call(move |conn| find(conn, &id).map(Json)).await
}

async fn household_of(
    State(db): State<Db>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    check_id(&id)?;
    db.call(move |conn| {
        let person = find(conn, &id)?;
        let family = person["family_number"].as_str().unwrap_or_default().to_string();
        type Row = (String, String, String, String, String, String);
        let household: Option<Row> = conn
            .query_row(
                "SELECT governorate, district_ar, district_en, address_ar, address_en, head_id FROM households WHERE family_number = ?1",
                [&family],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?;
        let (gov, district_ar, district_en, address_ar, address_en, head) = household.ok_or_else(|| ApiError::not_found("household", &family))?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM persons WHERE family_number = ?1 ORDER BY national_id != ?2, date_of_birth"
        ))?;
        let members = stmt.query_map(params![family, head], person_json)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Json(json!({"household": {
            "family_number": family,
            "governorate": gov,
            "district": district_ar, "district_latin": district_en,
            "address": address_ar, "address_latin": address_en,
            "head_national_id": head,
            "size": members.len(),
            "members": members,
        }})))
    })
    .await
}

/// Arabic and Latin names compared loosely: case, spaces, diacritics and the usual
/// spelling variants of alef, ta marbuta and alef maqsura do not count.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ة' => 'ه',
            'ى' => 'ي',
            '\u{064B}'..='\u{065F}' | '\u{0670}' | 'ـ' | '\'' | '.' => continue,
            c if c.is_whitespace() || c == '-' => ' ',
            c => c,
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    out.trim_end().to_string()
}

async fn verify(
    State(db): State<Db>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    check_id(&id)?;
    let body = json_object(&body)?;
    let mut problems = Vec::new();
    let name = text(&body, "full_name", &mut problems);
    let dob = text(&body, "date_of_birth", &mut problems);
    if !dob.is_empty() && quickwin_blueprint::expr::Date::parse(&dob).is_none() {
        problems.push(format!(
            "`date_of_birth` must be a date `YYYY-MM-DD`, found `{dob}`"
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    db.call(move |conn| {
        let person = find(conn, &id)?;
        let given = normalize_name(&name);
        let name_matches = [&person["full_name"], &person["full_name_latin"]]
            .iter()
            .any(|n| normalize_name(n.as_str().unwrap_or_default()) == given);
        let dob_matches = person["date_of_birth"].as_str() == Some(dob.as_str());
        Ok(Json(json!({
            "national_id": id,
            "match": name_matches && dob_matches,
            "name_matches": name_matches,
            "date_of_birth_matches": dob_matches,
        })))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::normalize_name;

    #[test]
    fn names_compare_loosely() {
        assert_eq!(normalize_name("أحمد  علي"), normalize_name("احمد علي"));
        assert_eq!(normalize_name("فاطمة"), normalize_name("فاطمه"));
        assert_eq!(
            normalize_name("Ali Al-Jubouri"),
            normalize_name("ali al jubouri")
        );
        assert_ne!(normalize_name("علي"), normalize_name("عمر"));
    }
}
