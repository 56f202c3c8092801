//! `MOE/schools`: schools, and pupils' enrolments.

use std::collections::BTreeMap;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

use super::{by_key, governorate, items_by, json_object, rows, text};
use crate::db::Db;
use crate::error::ApiError;

/// The `schools` service.
pub fn schools() -> Router<Db> {
    Router::new()
        .route("/schools", get(list_schools))
        .route("/schools/{code}", get(one_school))
}

/// The `enrolments` service.
pub fn enrolments() -> Router<Db> {
    Router::new().route("/enrolments", get(list_enrolments).post(enrol))
}

const LEVELS: &[&str] = &["primary", "intermediate", "secondary"];

const SCHOOL: &str =
    "SELECT code, name_ar, name_en, governorate, level, address_ar, address_en FROM schools";

fn school_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "code": r.get::<_, String>(0)?,
        "name": r.get::<_, String>(1)?, "name_latin": r.get::<_, String>(2)?,
        "governorate": r.get::<_, String>(3)?, "level": r.get::<_, String>(4)?,
        "address": r.get::<_, String>(5)?, "address_latin": r.get::<_, String>(6)?,
    }))
}

async fn list_schools(
    State(db): State<Db>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let gov = governorate(&q)?;
    let level = q.get("level").cloned();
    if let Some(l) = &level {
        if !LEVELS.contains(&l.as_str()) {
            return Err(ApiError::invalid(vec![format!(
                "`{l}` is not a level; expected `primary`, `intermediate` or `secondary`"
            )]));
        }
    }
    db.call(move |conn| {
        let items = rows(conn, &format!(
            "{SCHOOL} WHERE (?1 IS NULL OR governorate = ?1) AND (?2 IS NULL OR level = ?2) ORDER BY code"
        ), params![gov, level], school_json)?;
        Ok(Json(json!({"items": items})))
    })
    .await
}

async fn one_school(
    State(db): State<Db>,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    db.call(move |conn| {
        by_key(
            conn,
            &format!("{SCHOOL} WHERE code = ?1"),
            &code,
            school_json,
            "school",
        )
        .map(Json)
    })
    .await
}

fn enrolment_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "student_number": r.get::<_, String>(0)?,
        "national_id": r.get::<_, String>(1)?,
        "school_code": r.get::<_, String>(2)?,
        "grade": r.get::<_, i64>(3)?,
        "school_year": r.get::<_, String>(4)?,
    }))
}

async fn list_enrolments(
    State(db): State<Db>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    items_by(db, &q, "national_id", "SELECT student_number, national_id, school_code, grade, school_year FROM enrolments WHERE national_id = ?1 ORDER BY school_year DESC".into(), enrolment_json).await
}

/// Whether `y` is a school year such as `2026-2027`.
fn valid_school_year(y: &str) -> bool {
    match y.split_once('-') {
        Some((a, b)) => match (a.parse::<u32>(), b.parse::<u32>()) {
            (Ok(a), Ok(b)) => a.to_string().len() == 4 && b == a + 1,
            _ => false,
        },
        None => false,
    }
}

/// The school year that starts in September of the current or the last year.
fn current_school_year() -> String {
    let (y, m, _) = crate::util::today().ymd();
    let start = if m >= 9 { y } else { y - 1 };
    format!("{start}-{}", start + 1)
}

async fn enrol(State(db): State<Db>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = json_object(&body)?;
    let mut problems = Vec::new();
    let id = text(&body, "national_id", &mut problems);
    let school = text(&body, "school_code", &mut problems);
    let grade = match body.get("grade") {
        Some(Value::Number(n)) => n.as_u64(),
        // A form's choice value such as `grade_1` is taken as well.
        Some(Value::String(s)) => s.trim().trim_start_matches("grade_").parse::<u64>().ok(),
        _ => None,
    };
    let grade = match grade {
        Some(g) if (1..=12).contains(&g) => g,
        _ => {
            problems.push("`grade` must be a whole number from 1 to 12".to_string());
            0
        }
    };
    let year = match body.get("school_year") {
        None | Some(Value::Null) => current_school_year(),
        Some(Value::String(y)) if valid_school_year(y) => y.clone(),
        Some(other) => {
            problems.push(format!(
                "`school_year` must be two consecutive years like `2026-2027`, found `{other}`"
            ));
            String::new()
        }
    };
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    db.call(move |conn| {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut problems = Vec::new();
        let person: Option<String> = tx.query_row("SELECT governorate FROM persons WHERE national_id = ?1", [&id], |r| r.get(0)).optional()?;
        if person.is_none() {
            problems.push(format!("no person with national ID `{id}` in the civil registry"));
        }
        let level: Option<String> = tx.query_row("SELECT level FROM schools WHERE code = ?1", [&school], |r| r.get(0)).optional()?;
        match level.as_deref() {
            None => problems.push(format!("no school with code `{school}`")),
            Some(level) => {
                let fits = match level {
                    "primary" => (1..=6).contains(&grade),
                    "intermediate" => (7..=9).contains(&grade),
                    _ => (10..=12).contains(&grade),
                };
                if !fits {
                    problems.push(format!("a {level} school has no grade {grade}"));
                }
            }
        }
        if !problems.is_empty() {
            return Err(ApiError::invalid(problems));
        }
        let existing: Option<String> = tx
            .query_row("SELECT student_number FROM enrolments WHERE national_id = ?1 AND school_year = ?2", params![id, year], |r| r.get(0))
            .optional()?;
        if let Some(n) = existing {
            return Err(ApiError::new(StatusCode::CONFLICT, "Agency.AlreadyEnrolled", "the pupil is already enrolled this school year")
                .detail(format!("student number `{n}`")));
        }
        let mut n: i64 = tx.query_row("SELECT COUNT(*) FROM enrolments", [], |r| r.get(0))?;
        let number = loop {
            n += 1;
            let candidate = format!("{}{n:06}", &year[..4]);
            let taken: Option<i64> = tx.query_row("SELECT 1 FROM enrolments WHERE student_number = ?1", [&candidate], |r| r.get(0)).optional()?;
            if taken.is_none() {
                break candidate;
            }
        };
        tx.execute("INSERT INTO enrolments VALUES (?1, ?2, ?3, ?4, ?5)", params![number, id, school, grade as i64, year])?;
        tx.commit()?;
        Ok((
            StatusCode::CREATED,
            Json(json!({"enrolment": {"student_number": number, "national_id": id, "school_code": school, "grade": grade, "school_year": year}})),
        ))
    })
    .await
}
