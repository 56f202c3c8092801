//! What entering a state does, in the step's transaction: documents issued, fees made
//! due (the agency's fee hook asked), bookings released, notifications and late calls
//! queued, and the automatic steps that follow (a fee paid, a condition met, a no-show).

use super::codes::{number, random_code};
use super::model::{Call, Case, CaseError, Outcome};
use super::read::{load, row_of};
use super::sql::{quote, to_sql};
use crate::appointments::{self};
use crate::hooks::Installed;
use crate::store;
use quickwin_blueprint::clock::Now;
use quickwin_blueprint::effects;
use quickwin_blueprint::expr::{Date, Value};
use quickwin_blueprint::model::{Blueprint, FieldType, RoleKind, Transition};
use rusqlite::Connection;
use serde_json::{Map, Value as Json, json};

/// Everything a step does once the case is in its new state: the calls' results kept,
/// the notifications and retries queued, documents issued, fees due, the booking
/// released at the end, and the automatic steps whose condition now holds. `inputs` are
/// what the person taking the step gave (its notifications may quote them).
#[allow(clippy::too_many_arguments)]
pub(crate) fn after_step(
    tx: &Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    action: &str,
    to: &str,
    inputs: &Map<String, Json>,
    outcome: &Outcome,
    now: &Now,
) -> Result<(), CaseError> {
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    for call in &outcome.calls {
        store::calls::record(
            tx,
            id,
            &call.integration,
            action,
            &now.stamp,
            &call.outcome,
            &call.detail.to_string(),
        )?;
        if call.outcome == "retrying" {
            queue(
                tx,
                id,
                "integration",
                &call.integration,
                &json!({"action": action}),
                now,
            )?;
        }
    }
    set_fields(tx, fields, id, &outcome.values)?;
    effects_of(tx, bp, hooks, id, action, to, inputs, false, now)?;
    automatic_steps(tx, bp, hooks, id, to, now)
}

/// The effects of entering `to` by `action`. Calls of automatic steps (`queue_calls`)
/// have nobody to tell of a failure: they go through the outbox, retried until they
/// succeed. Documents are issued and fees made due before the notifications are queued,
/// so that a message can give their numbers and amounts.
#[allow(clippy::too_many_arguments)]
pub(crate) fn effects_of(
    tx: &Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    action: &str,
    to: &str,
    inputs: &Map<String, Json>,
    queue_calls: bool,
    now: &Now,
) -> Result<(), CaseError> {
    if queue_calls {
        for i in bp.integrations.iter().filter(|i| i.on.as_str() == action) {
            queue(
                tx,
                id,
                "integration",
                i.id.as_str(),
                &json!({"action": action}),
                now,
            )?;
        }
    }
    let issues = bp.documents.iter().any(|d| d.issue_in.as_str() == to);
    let charges = bp.fees.iter().any(|f| f.due.as_str() == to);
    if issues || charges {
        issue_and_charge(tx, bp, hooks, id, to, now)?;
    }
    let mut sent = bp
        .notifications
        .iter()
        .enumerate()
        .filter(|(_, n)| n.on.as_str() == action)
        .peekable();
    if sent.peek().is_some() {
        let context = message_context(tx, id, to, inputs)?;
        let payload = json!({"action": action, "context": context});
        for (index, _) in sent {
            queue(tx, id, "notification", &index.to_string(), &payload, now)?;
        }
    }
    release_booking(tx, bp, id, action, to)
}

/// What a notification of a step entering `to` may say beside the case's answers (see
/// [`effects::MessageContext`]): the state, the inputs, the amount still to pay (the
/// unpaid fees together, else the last fee), and the last document issued.
pub fn message_context(
    conn: &Connection,
    id: i64,
    to: &str,
    inputs: &Map<String, Json>,
) -> rusqlite::Result<effects::MessageContext> {
    let mut context = inputs.clone();
    context.insert("state".into(), json!(to));
    let amount = store::fees::amount_to_quote(conn, id)?;
    if let Some(amount) = amount {
        context.insert("amount".into(), json!(amount));
    }
    let document = store::documents::latest_number(conn, id)?;
    if let Some((number, code)) = document {
        context.insert("document_number".into(), json!(number));
        context.insert("verification_code".into(), json!(code));
    }
    Ok(context)
}

/// Issue the documents of `to` and make its fees due; a fee still unpaid when its state
/// is entered again (a corrected bill) is computed anew.
pub(crate) fn issue_and_charge(
    tx: &Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    to: &str,
    now: &Now,
) -> Result<(), CaseError> {
    let case = load(tx, bp, id)?;
    let row = row_of(bp, &case, now.today);
    for d in bp.documents.iter().filter(|d| d.issue_in.as_str() == to) {
        if store::documents::exists(tx, id, d.id.as_str())? {
            continue;
        }
        let number = number(
            tx,
            &d.number.value,
            &format!("document:{}", d.id.as_str()),
            now.today,
        )?;
        let valid_until = d.valid_for.as_ref().map(|v| {
            Date(now.today.0 + i64::try_from(v.value.minutes / 1440).unwrap_or(0)).to_string()
        });
        let content = effects::document_content(d, &row, &case.values, &case.tracking, to);
        store::documents::issue(
            tx,
            id,
            &store::documents::Issued {
                document: d.id.value.clone(),
                number,
                code: random_code(12),
                issued_at: now.stamp.clone(),
                valid_until,
                content: content.to_string(),
            },
        )?;
    }
    for fee in bp.fees.iter().filter(|f| f.due.as_str() == to) {
        let amount = match crate::hooks::fee(hooks, bp.id.as_str(), fee.id.as_str(), &case.values)?
        {
            Some(amount) => amount,
            None => effects::fee_amount(fee, &row, now.today).unwrap_or(0),
        };
        store::fees::make_due(
            tx,
            id,
            fee.id.as_str(),
            amount,
            &effects::currency(fee),
            &now.stamp,
        )?;
    }
    Ok(())
}

/// Free the case's booking when the step ends it: a cancellation, a no-show, a final state.
pub(crate) fn release_booking(
    tx: &Connection,
    bp: &Blueprint,
    id: i64,
    action: &str,
    to: &str,
) -> Result<(), CaseError> {
    if let Some(a) = &bp.appointments {
        let status = if a
            .no_show_action
            .as_ref()
            .is_some_and(|n| n.as_str() == action)
        {
            Some("no_show")
        } else if a
            .cancel_action
            .as_ref()
            .is_some_and(|c| c.as_str() == action)
        {
            Some("cancelled")
        } else if bp
            .workflow
            .states
            .iter()
            .any(|s| s.id.as_str() == to && s.is_final)
        {
            Some("closed")
        } else {
            None
        };
        if let Some(status) = status {
            appointments::release(tx, id, status)?;
        }
    }
    Ok(())
}

/// Whether only automatic roles take `action`.
pub fn is_automatic(bp: &Blueprint, action: &str) -> bool {
    bp.workflow
        .transitions
        .iter()
        .filter(|t| t.action.as_str() == action)
        .all(|t| {
            t.role.iter().all(|r| {
                bp.role(r.as_str())
                    .is_some_and(|role| role.kind.value == RoleKind::Automatic)
            })
        })
}

/// Take the automatic transitions from `state` whose condition holds (a chain of at
/// most ten, so a blueprint cannot loop forever).
pub(crate) fn automatic_steps(
    tx: &Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    state: &str,
    now: &Now,
) -> Result<(), CaseError> {
    let mut state = state.to_string();
    for _ in 0..10 {
        let candidates = bp.workflow.transitions.iter().any(|t| {
            t.when.is_some()
                && t.from.iter().any(|f| f.as_str() == state)
                && is_automatic(bp, t.action.as_str())
        });
        if !candidates {
            return Ok(());
        }
        let case = load(tx, bp, id)?;
        let row = row_of(bp, &case, now.today);
        let next = bp.workflow.transitions.iter().find(|t| {
            t.from.iter().any(|f| f.as_str() == state)
                && is_automatic(bp, t.action.as_str())
                && t.when.as_ref().is_some_and(|w| {
                    effects::evaluate(w, &row, now.today).ok() == Some(Value::Bool(true))
                })
        });
        let Some(t) = next else { return Ok(()) };
        system_step(tx, bp, hooks, id, t, &state, &json!({}), now)?;
        state = t.to.value.clone();
    }
    Ok(())
}

/// Take `t` from `from` as the service itself (a fee paid, a no-show, a condition met).
#[allow(clippy::too_many_arguments)] // the blueprint and the service's hooks, then what the step is
pub(crate) fn system_step(
    tx: &Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    t: &Transition,
    from: &str,
    detail: &Json,
    now: &Now,
) -> Result<(), CaseError> {
    let role = t.role.iter().next().map_or("system", |r| r.as_str());
    move_case(tx, id, &t.to.value, now)?;
    store::history::record(
        tx,
        &store::history::Entry {
            case_id: id,
            at: &now.stamp,
            actor: "system",
            role,
            action: t.action.as_str(),
            from: Some(from),
            to: &t.to.value,
            detail: &detail.to_string(),
        },
    )?;
    let inputs = detail.as_object().cloned().unwrap_or_default();
    effects_of(
        tx,
        bp,
        hooks,
        id,
        t.action.as_str(),
        &t.to.value,
        &inputs,
        true,
        now,
    )
}

/// Record a fee as paid with its receipt, and take the fee's `paid` action, in one
/// transaction; returns the receipt number.
pub fn record_payment(
    conn: &mut Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    fee: &str,
    payment_id: &str,
    now: &Now,
) -> Result<String, CaseError> {
    let tx = conn.savepoint()?;
    let existing = store::fees::one(&tx, id, fee)?.map(|c| (c.status, c.receipt));
    if let Some(("paid", Some(receipt))) = existing.as_ref().map(|(s, r)| (s.as_str(), r.clone())) {
        return Ok(receipt);
    }
    let receipt = number(&tx, "RCPT-{year}-{seq:7}", "receipt", now.today)?;
    store::fees::mark_paid(&tx, id, fee, payment_id, &receipt, &now.stamp)?;
    if let Some(f) = bp.fees.iter().find(|f| f.id.as_str() == fee) {
        let case = load(&tx, bp, id)?;
        if let Some(t) = bp.workflow.transitions.iter().find(|t| {
            t.action.as_str() == f.paid.as_str() && t.from.iter().any(|s| s.as_str() == case.state)
        }) {
            let detail = json!({"fee": fee, "receipt": receipt, "payment": payment_id});
            system_step(&tx, bp, hooks, id, t, &case.state, &detail, now)?;
            automatic_steps(&tx, bp, hooks, id, &t.to.value, now)?;
        }
    }
    tx.commit()?;
    Ok(receipt)
}

/// Keep the answer of a call that was retried later: the fields it fills, the call on
/// the case's record, and the automatic steps its values now allow — in one transaction.
pub fn apply_late_call(
    conn: &mut Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    call: &Call,
    values: &Map<String, Json>,
    now: &Now,
) -> Result<Case, CaseError> {
    let tx = conn.savepoint()?;
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    set_fields(&tx, fields, id, values)?;
    store::calls::record(
        &tx,
        id,
        &call.integration,
        "retry",
        &now.stamp,
        &call.outcome,
        &call.detail.to_string(),
    )?;
    let case = load(&tx, bp, id)?;
    // The fields changed, so the history says so: the service, in the case's state.
    store::history::record(
        &tx,
        &store::history::Entry {
            case_id: id,
            at: &now.stamp,
            actor: "system",
            role: "system",
            action: &format!("call:{}", call.integration),
            from: Some(&case.state),
            to: &case.state,
            detail: &json!({"kept": values}).to_string(),
        },
    )?;
    automatic_steps(&tx, bp, hooks, id, &case.state, now)?;
    let case = load(&tx, bp, id)?;
    tx.commit()?;
    Ok(case)
}

/// Take the automatic action `action` on a case if its state allows it, in one
/// transaction with its effects and the automatic steps that follow; `Ok(None)` when
/// the case is not in a state the action starts from.
pub fn take_automatic(
    conn: &mut Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    action: &str,
    detail: &Json,
    now: &Now,
) -> Result<Option<Case>, CaseError> {
    let tx = conn.savepoint()?;
    let case = load(&tx, bp, id)?;
    let Some(t) =
        bp.workflow.transitions.iter().find(|t| {
            t.action.as_str() == action && t.from.iter().any(|f| f.as_str() == case.state)
        })
    else {
        return Ok(None);
    };
    system_step(&tx, bp, hooks, id, t, &case.state, detail, now)?;
    automatic_steps(&tx, bp, hooks, id, &t.to.value, now)?;
    let case = load(&tx, bp, id)?;
    tx.commit()?;
    Ok(Some(case))
}

pub(crate) fn move_case(tx: &Connection, id: i64, to: &str, now: &Now) -> rusqlite::Result<usize> {
    store::cases::move_to(tx, id, to, &now.stamp)
}

pub(crate) fn set_fields(
    tx: &Connection,
    fields: &[quickwin_blueprint::model::Field],
    id: i64,
    values: &Map<String, Json>,
) -> rusqlite::Result<()> {
    for (k, v) in values {
        if fields
            .iter()
            .any(|f| f.id.as_str() == k.as_str() && f.kind.value != FieldType::Group)
        {
            store::cases::set(tx, id, &quote(k), &to_sql(v))?;
        }
    }
    Ok(())
}

/// Queue work for the outbox: a notification to send or a call to retry.
pub(crate) fn queue(
    tx: &Connection,
    id: i64,
    kind: &str,
    name: &str,
    payload: &Json,
    now: &Now,
) -> rusqlite::Result<usize> {
    store::outbox::queue(
        tx,
        id,
        kind,
        name,
        &payload.to_string(),
        &now.stamp,
        now.secs,
    )
}
