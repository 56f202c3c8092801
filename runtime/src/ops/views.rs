//! The views of a case: what an applicant sees (no staff names), what the office sees,
//! and what the store adds to both (documents, fees, bookings, calls, attachments).

use crate::cases::{self, Actor, Case};
use crate::failure::ApiError;
use quickwin_blueprint::clock::{self, Now};
use quickwin_blueprint::model::Blueprint;
use rusqlite::Connection;
use serde_json::{Value, json};

/// The status label of a state, per language.
pub(crate) fn status(bp: &Blueprint, state: &str) -> Value {
    let Some(s) = bp.workflow.states.iter().find(|s| s.id.as_str() == state) else {
        return Value::Null;
    };
    localized(bp, &s.label)
}

pub(crate) fn localized(bp: &Blueprint, text: &quickwin_blueprint::model::Localized) -> Value {
    Value::Object(
        bp.languages
            .iter()
            .map(|l| (l.value.clone(), Value::String(text.get(l).to_string())))
            .collect(),
    )
}

/// What the store adds to a case: calls, documents, fees, bookings and attachments.
pub(crate) fn extras(
    conn: &Connection,
    bp: &Blueprint,
    id: i64,
    staff: bool,
) -> Result<Value, ApiError> {
    let documents: Vec<Value> = conn
        .prepare_cached("SELECT document, number, code, issued_at, valid_until FROM qw_documents WHERE case_id = ?1 ORDER BY id")?
        .query_map([id], |r| {
            let doc: String = r.get(0)?;
            let title = bp.documents.iter().find(|d| d.id.as_str() == doc).map_or(Value::Null, |d| localized(bp, &d.title));
            Ok(json!({"document": doc, "title": title, "number": r.get::<_, String>(1)?, "verification_code": r.get::<_, String>(2)?,
                "issued_at": r.get::<_, String>(3)?, "valid_until": r.get::<_, Option<String>>(4)?}))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let fees: Vec<Value> = conn
        .prepare_cached("SELECT fee, amount, currency, status, receipt, paid_at FROM qw_fees WHERE case_id = ?1 ORDER BY id")?
        .query_map([id], |r| {
            let fee: String = r.get(0)?;
            let label = bp.fees.iter().find(|f| f.id.as_str() == fee).map_or(Value::Null, |f| localized(bp, &f.label));
            Ok(json!({"fee": fee, "label": label, "amount": r.get::<_, i64>(1)?, "currency": r.get::<_, String>(2)?,
                "status": r.get::<_, String>(3)?, "receipt": r.get::<_, Option<String>>(4)?, "paid_at": r.get::<_, Option<String>>(5)?}))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let bookings: Vec<Value> = conn
        .prepare_cached("SELECT resource, start, status FROM qw_bookings WHERE case_id = ?1 ORDER BY id")?
        .query_map([id], |r| {
            Ok(json!({"resource": r.get::<_, String>(0)?, "start": r.get::<_, String>(1)?, "status": r.get::<_, String>(2)?}))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let notifications = crate::outbox::notifications(conn, bp, id)?;
    let mut out = json!({"documents": documents, "fees": fees, "appointments": bookings, "notifications": notifications});
    if staff {
        let calls: Vec<Value> = conn
            .prepare_cached("SELECT integration, action, at, outcome, detail FROM qw_calls WHERE case_id = ?1 ORDER BY id")?
            .query_map([id], |r| {
                let integration: String = r.get(0)?;
                let label = bp.integrations.iter().find(|i| i.id.as_str() == integration).map_or(Value::Null, |i| localized(bp, &i.label));
                Ok(json!({"integration": integration, "label": label, "action": r.get::<_, String>(1)?, "at": r.get::<_, String>(2)?,
                    "outcome": r.get::<_, String>(3)?, "detail": serde_json::from_str::<Value>(&r.get::<_, String>(4)?).unwrap_or(Value::Null)}))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let attachments: Vec<Value> = conn
            .prepare_cached("SELECT id, field, name, content_type, size, sha256 FROM qw_attachments WHERE case_id = ?1 ORDER BY created_at, id")?
            .query_map([id], |r| {
                Ok(json!({"id": r.get::<_, String>(0)?, "field": r.get::<_, Option<String>>(1)?, "name": r.get::<_, String>(2)?,
                    "content_type": r.get::<_, String>(3)?, "size": r.get::<_, i64>(4)?, "sha256": r.get::<_, String>(5)?}))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let pending: i64 = conn.query_row(
            "SELECT COUNT(*) FROM qw_outbox WHERE case_id = ?1 AND kind = 'integration' AND done_at IS NULL",
            [id],
            |r| r.get(0),
        )?;
        out["calls"] = Value::Array(calls);
        out["attachments"] = Value::Array(attachments);
        out["calls_pending"] = json!(pending);
    }
    Ok(out)
}

/// The actions open to `roles` in the case's state.
pub(crate) fn open_actions(
    bp: &Blueprint,
    state: &str,
    roles: &std::collections::BTreeSet<String>,
    office: bool,
) -> Vec<Value> {
    let label = |f: &quickwin_blueprint::model::Field| {
        if office {
            crate::queue::labels(bp, f)
        } else {
            localized(bp, &f.label)
        }
    };
    bp.workflow
        .transitions
        .iter()
        .filter(|t| t.from.iter().any(|f| f.as_str() == state))
        .filter(|t| t.role.iter().any(|r| roles.contains(r.as_str())))
        .map(|t| json!({"action": t.action.as_str(), "label": localized(bp, &t.label), "to": t.to.as_str(),
            "inputs": t.inputs.iter().map(|f| json!({"id": f.id.as_str(), "label": label(f), "required": f.required})).collect::<Vec<_>>()}))
        .collect()
}

/// The date by which the case should be decided, from the service's SLA.
pub(crate) fn due_date(bp: &Blueprint, submitted_at: &str) -> Option<String> {
    let secs = clock::secs_of(submitted_at)?;
    let minutes = i64::try_from(bp.sla.value.minutes).ok()?;
    Some(Now::at(secs + minutes * 60).stamp)
}

/// What an applicant sees of their case: no staff names.
pub(crate) fn public_view(
    conn: &Connection,
    bp: &Blueprint,
    case: &Case,
) -> Result<Value, ApiError> {
    let history: Vec<Value> = case
        .history
        .iter()
        .map(|e| {
            // What the office wrote with a decision or a send-back is for the applicant;
            // the notes of the steps in between stay in the office.
            let told = bp.workflow.states.iter().any(|s| {
                s.id.as_str() == e.to_state && (s.is_final || s.correction)
            }) && e.action != "submit";
            let detail = if told { e.detail.clone() } else { json!({}) };
            json!({"at": e.at, "action": e.action, "state": e.to_state, "status": status(bp, &e.to_state), "detail": detail})
        })
        .collect();
    let description = bp
        .workflow
        .states
        .iter()
        .find(|s| s.id.as_str() == case.state)
        .and_then(|s| s.description.as_ref())
        .map_or(Value::Null, |d| localized(bp, d));
    let citizen = std::collections::BTreeSet::from([cases::citizen_role(bp).to_string()]);
    // The applicant sees their whole file, what the agencies' answers added included
    // (a water bill's readings, a registry's family number).
    let answers = &case.values;
    let mut view = json!({
        "tracking": case.tracking, "state": case.state, "status": status(bp, &case.state),
        "next": description, "submitted_at": case.submitted_at, "updated_at": case.updated_at,
        "decision_due": due_date(bp, &case.submitted_at),
        "answers": answers, "history": history, "actions": open_actions(bp, &case.state, &citizen, false),
    });
    if let (Value::Object(v), Value::Object(x)) = (&mut view, extras(conn, bp, case.id, false)?) {
        v.extend(x);
    }
    Ok(view)
}

/// What the office sees of a case: its answers, the state in words, the actions open to
/// `actor`, and everything the store adds (calls, attachments included).
pub(crate) fn staff_view(
    conn: &Connection,
    bp: &Blueprint,
    case: &Case,
    actor: &Actor,
) -> Result<Value, ApiError> {
    let mut view = json!(case);
    view["status"] = status(bp, &case.state);
    view["decision_due"] = json!(due_date(bp, &case.submitted_at));
    view["actions"] = Value::Array(open_actions(bp, &case.state, &actor.roles, true));
    if let (Value::Object(v), Value::Object(x)) = (&mut view, extras(conn, bp, case.id, true)?) {
        v.extend(x);
    }
    Ok(view)
}
