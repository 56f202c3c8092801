//! Reading cases back: by tracking number and access code, whole with their history,
//! and as the rows that expressions and conditions see.

use super::codes::code_matches;
use super::model::{Case, CaseError, Event};
use super::sql::{from_sql, quote};
use quickwin_blueprint::answers::{self};
use quickwin_blueprint::expr::{Date, Row};
use quickwin_blueprint::model::{Blueprint, FieldType};
use rusqlite::Connection;
use serde_json::{Map, Value as Json};

/// Read a case with its tracking number and access code; a wrong code is reported like
/// an unknown tracking number.
pub fn read(
    conn: &Connection,
    bp: &Blueprint,
    tracking: &str,
    code: &str,
) -> Result<Case, CaseError> {
    let found = crate::store::cases::access_hash(conn, tracking.trim())?;
    match found {
        Some((id, stored)) if code_matches(code, &stored) => load(conn, bp, id),
        _ => Err(CaseError::NotFound),
    }
}

/// Read a case by its internal id (for the back office, after authorisation).
///
/// Statements are cached per connection; columns are read by name, so a store that
/// keeps columns of removed fields (a change not forced) reads like the blueprint says.
pub fn load(conn: &Connection, bp: &Blueprint, id: i64) -> Result<Case, CaseError> {
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    let kind_of = |name: &str| {
        fields
            .iter()
            .find(|f| f.id.as_str() == name && f.kind.value != FieldType::Group)
            .map(|f| f.kind.value)
    };
    let case = crate::store::cases::row(conn, id, |r| {
        let values = field_values(r, kind_of)?;
        Ok(Case {
            id: r.get("id")?,
            tracking: r.get("tracking")?,
            state: r.get("state")?,
            submitted_at: r.get("submitted_at")?,
            updated_at: r.get("updated_at")?,
            values,
            history: Vec::new(),
        })
    })?;
    let Some(mut case) = case else {
        return Err(CaseError::NotFound);
    };
    for f in fields.iter().filter(|f| f.kind.value == FieldType::Group) {
        let record = f.record.as_ref().and_then(|r| bp.record(r));
        let table = quote(&format!("group_{}", f.id.as_str()));
        let entries = crate::store::cases::group_rows(conn, &table, id, |r| {
            let kind_of = |name: &str| {
                record
                    .and_then(|rec| rec.fields.iter().find(|g| g.id.as_str() == name))
                    .map(|g| g.kind.value)
            };
            Ok(Json::Object(field_values(r, kind_of)?))
        })?;
        case.values.insert(f.id.value.clone(), Json::Array(entries));
    }
    case.history = crate::store::history::of_case(conn, id)?
        .into_iter()
        .map(|e| Event {
            at: e.at,
            actor: e.actor,
            role: e.role,
            action: e.action,
            from_state: e.from,
            to_state: e.to,
            detail: serde_json::from_str(&e.detail).unwrap_or(Json::Null),
        })
        .collect();
    Ok(case)
}

/// The values of a row's columns that are fields (`kind_of` gives a column's field
/// type, or `None` for a column that is not a field), by column name; NULLs left out.
pub(crate) fn field_values(
    r: &rusqlite::Row<'_>,
    kind_of: impl Fn(&str) -> Option<FieldType>,
) -> rusqlite::Result<Map<String, Json>> {
    let mut values = Map::new();
    let names: Vec<String> = r
        .as_ref()
        .column_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    for (i, name) in names.iter().enumerate() {
        let Some(kind) = kind_of(name) else { continue };
        let v = from_sql(r.get_ref(i)?, Some(kind));
        if !v.is_null() {
            values.insert(name.clone(), v);
        }
    }
    Ok(values)
}

/// The answers among `values` that the applicant gives: the case record's fields the
/// form asks (not those the office fills).
pub fn applicant_answers(bp: &Blueprint, values: &Map<String, Json>) -> Map<String, Json> {
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    values
        .iter()
        .filter(|(k, _)| {
            fields
                .iter()
                .any(|f| f.id.as_str() == k.as_str() && !f.internal)
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The case's answers as an expression row (with computed values), for conditions.
pub fn row_of(bp: &Blueprint, case: &Case, today: Date) -> Row {
    answers::row(bp, &case.values, today)
}
