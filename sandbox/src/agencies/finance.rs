//! `MOF/pensions`: the retirement and survivors' pensions a person receives (`null` when
//! none; 404 only for a person the civil registry does not know).

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use serde_json::{Value, json};

use super::civil_registry::check_id;
use crate::db::Db;
use crate::error::ApiError;

/// The `pensioners` service.
pub fn pensioners() -> Router<Db> {
    Router::new().route("/pensioners/{national_id}", get(pension))
}

/// The pension of a person born on `dob`, decided from a hash of the national id: every
/// person of 60 or more has a retirement pension; about one in five women of 40–59 a
/// survivor's pension. Amounts are in IQD a month.
pub fn pension_of(
    national_id: &str,
    dob: quickwin_blueprint::expr::Date,
    sex: &str,
) -> Option<Value> {
    let today = crate::util::today();
    let age = dob.years_until(today);
    let h = crate::util::sha256_hex(format!("pension:{national_id}").as_bytes());
    let n = u64::from_str_radix(&h[..8], 16).unwrap_or(0);
    let (kind, since_years) = if age >= 60 {
        ("retirement", 60)
    } else if sex == "female" && (40..60).contains(&age) && n % 5 == 0 {
        ("survivor", 40 + (n % (age as u64 - 39).max(1)) as i64)
    } else {
        return None;
    };
    let (y, m, d) = dob.ymd();
    let since =
        quickwin_blueprint::expr::Date::from_ymd(y + since_years, m, d.min(28)).unwrap_or(dob);
    let amount = if kind == "retirement" {
        500_000 + (n % 16) * 50_000
    } else {
        250_000 + (n % 6) * 25_000
    };
    Some(json!({
        "number": format!("PN-{:08}", n % 100_000_000),
        "national_id": national_id,
        "type": kind,
        "monthly_amount": amount,
        "currency": "IQD",
        "since": since.to_string(),
    }))
}

async fn pension(State(db): State<Db>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    check_id(&id)?;
    db.call(move |conn| {
        let person = super::civil_registry::find(conn, &id)?;
        let dob = person["date_of_birth"]
            .as_str()
            .and_then(quickwin_blueprint::expr::Date::parse);
        let sex = person["sex"].as_str().unwrap_or_default();
        // A person without a pension is a valid answer, not an error.
        let pension = dob.and_then(|d| pension_of(&id, d, sex));
        Ok(Json(json!({"national_id": id, "pension": pension})))
    })
    .await
}
