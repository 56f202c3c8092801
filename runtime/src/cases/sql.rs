//! The SQL of the case tables that the blueprint shapes: names quoted, values to and
//! from SQLite by field type.

use quickwin_blueprint::model::FieldType;
use serde_json::{Value as Json, json};

pub(crate) fn to_sql(json: &Json) -> rusqlite::types::Value {
    use rusqlite::types::Value as Sql;
    match json {
        Json::Null => Sql::Null,
        Json::Bool(b) => Sql::Integer(i64::from(*b)),
        Json::Number(n) => n
            .as_i64()
            .map_or_else(|| Sql::Real(n.as_f64().unwrap_or(0.0)), Sql::Integer),
        Json::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

pub use crate::store::quote;

pub(crate) fn from_sql(v: rusqlite::types::ValueRef<'_>, kind: Option<FieldType>) -> Json {
    use rusqlite::types::ValueRef as R;
    match (v, kind) {
        (R::Null, _) => Json::Null,
        (R::Integer(i), Some(FieldType::Boolean)) => Json::Bool(i != 0),
        (R::Integer(i), _) => json!(i),
        (R::Real(f), _) => json!(f),
        (R::Text(t), Some(FieldType::Choice | FieldType::Address)) => {
            let s = String::from_utf8_lossy(t).into_owned();
            if s.starts_with('[') || s.starts_with('{') {
                serde_json::from_str(&s).unwrap_or(Json::String(s))
            } else {
                Json::String(s)
            }
        }
        (R::Text(t), _) => Json::String(String::from_utf8_lossy(t).into_owned()),
        (R::Blob(_), _) => Json::Null,
    }
}
