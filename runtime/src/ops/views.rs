//! The views of a case: what an applicant sees (no staff names), what the office sees,
//! and what the store adds to both (documents, fees, bookings, calls, attachments).

use crate::cases::{self, Actor, Case};
use crate::failure::ApiError;
use crate::store;
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
    let documents: Vec<Value> = store::documents::of_case(conn, id)?
        .into_iter()
        .map(|d| {
            let title = bp.documents.iter().find(|x| x.id.as_str() == d.document).map_or(Value::Null, |x| localized(bp, &x.title));
            json!({"document": d.document, "title": title, "number": d.number, "verification_code": d.code,
                "issued_at": d.issued_at, "valid_until": d.valid_until})
        })
        .collect();
    let fees: Vec<Value> = store::fees::of_case(conn, id)?
        .into_iter()
        .map(|f| {
            let label = bp
                .fees
                .iter()
                .find(|x| x.id.as_str() == f.fee)
                .map_or(Value::Null, |x| localized(bp, &x.label));
            json!({"fee": f.fee, "label": label, "amount": f.amount, "currency": f.currency,
                "status": f.status, "receipt": f.receipt, "paid_at": f.paid_at})
        })
        .collect();
    let bookings: Vec<Value> = store::bookings::of_case(conn, id)?
        .into_iter()
        .map(|b| json!({"resource": b.resource, "start": b.start, "status": b.status}))
        .collect();
    let notifications = crate::outbox::notifications(conn, bp, id)?;
    let mut out = json!({"documents": documents, "fees": fees, "appointments": bookings, "notifications": notifications});
    if staff {
        let calls: Vec<Value> = store::calls::of_case(conn, id)?
            .into_iter()
            .map(|c| {
                let label = bp.integrations.iter().find(|i| i.id.as_str() == c.integration).map_or(Value::Null, |i| localized(bp, &i.label));
                json!({"integration": c.integration, "label": label, "action": c.action, "at": c.at,
                    "outcome": c.outcome, "detail": serde_json::from_str::<Value>(&c.detail).unwrap_or(Value::Null)})
            })
            .collect();
        let attachments: Vec<Value> = store::attachments::of_case(conn, id)?
            .into_iter()
            .map(|a| {
                json!({"id": a.id, "field": a.field, "name": a.name,
                "content_type": a.content_type, "size": a.size, "sha256": a.sha256})
            })
            .collect();
        let pending = store::outbox::calls_pending(conn, id)?;
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
