//! Taking a workflow step: the transition checked against the state, the roles, the
//! four-eyes rule and its inputs (`prepare`), then written with its effects (`act`).

use super::effects::{after_step, move_case, set_fields};
use super::model::{Actor, Case, CaseError, Outcome, Prepared, Step};
use super::read::{applicant_answers, load, row_of};
use super::submit::{attach, book_slot, citizen_role, no_duplicate};
use crate::appointments::{self};
use crate::hooks::Installed;
use crate::store::history;
use quickwin_blueprint::answers::{self, value_of};
use quickwin_blueprint::clock::Now;
use quickwin_blueprint::effects;
use quickwin_blueprint::expr::{Date, Value};
use quickwin_blueprint::model::{Blueprint, FieldType, Transition};
use rusqlite::Connection;
use serde_json::{Map, Value as Json, json};

/// The transition `action` from the case's state, checked against the actor.
pub(crate) fn transition<'a>(
    bp: &'a Blueprint,
    action: &str,
    state: &str,
    actor: &Actor,
) -> Result<(&'a Transition, String), CaseError> {
    let all: Vec<&Transition> = bp
        .workflow
        .transitions
        .iter()
        .filter(|t| t.action.as_str() == action)
        .collect();
    if all.is_empty() {
        return Err(CaseError::UnknownAction(action.to_string()));
    }
    // Who may take the action is checked before the case's state is looked at: someone
    // without any of its roles learns nothing of the case from the refusal.
    let forbidden = || CaseError::Forbidden {
        action: action.to_string(),
        roles: quickwin_blueprint::de::one_of({
            let mut roles: Vec<&str> = Vec::new();
            for r in all.iter().flat_map(|t| t.role.iter()) {
                if !roles.contains(&r.as_str()) {
                    roles.push(r.as_str());
                }
            }
            roles
        }),
    };
    if !all
        .iter()
        .any(|t| t.role.iter().any(|r| actor.roles.contains(r.as_str())))
    {
        return Err(forbidden());
    }
    let Some(t) = all
        .iter()
        .copied()
        .find(|t| t.from.iter().any(|f| f.as_str() == state))
    else {
        return Err(CaseError::WrongState {
            action: action.to_string(),
            state: state.to_string(),
        });
    };
    match t.role.iter().find(|r| actor.roles.contains(r.as_str())) {
        Some(role) => Ok((t, role.value.clone())),
        None => Err(forbidden()),
    }
}

/// Check a step without writing: the state, the actor's role, the condition, the second
/// pair of eyes, the inputs, and — when the applicant acts from a correction state —
/// the corrected answers, checked like a new submission.
pub fn prepare(
    conn: &Connection,
    bp: &Blueprint,
    id: i64,
    step: &Step<'_>,
    today: Date,
) -> Result<Prepared, CaseError> {
    let case = load(conn, bp, id)?;
    let (t, role) = transition(bp, step.action, &case.state, step.actor)?;
    let mut row = row_of(bp, &case, today);
    if let Some(when) = &t.when {
        if effects::evaluate(when, &row, today).ok() != Some(Value::Bool(true)) {
            return Err(CaseError::ConditionFailed {
                action: step.action.to_string(),
                condition: when.value.clone(),
            });
        }
    }
    if !t.self_approval && case.history.iter().any(|e| e.actor == step.actor.id) {
        return Err(CaseError::SelfApproval(step.action.to_string()));
    }
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    let correcting = role == citizen_role(bp)
        && bp
            .workflow
            .states
            .iter()
            .any(|s| s.id.as_str() == case.state && s.correction);
    let mut corrections = Map::new();
    let mut given = step.input.clone();
    if correcting {
        let form = applicant_answers(bp, &given);
        if !form.is_empty() {
            let mut merged = applicant_answers(bp, &case.values);
            for (k, v) in &form {
                merged.insert(k.clone(), v.clone());
                given.remove(k);
            }
            let checked = answers::check_answers(bp, &merged, today).map_err(CaseError::Invalid)?;
            for (k, v) in checked.values {
                if form.contains_key(&k) {
                    if let Some(f) = fields.iter().find(|f| f.id.as_str() == k) {
                        row.insert(k.clone(), value_of(f, &v));
                    }
                    corrections.insert(k, v);
                }
            }
        }
    }
    let inputs =
        answers::check_inputs(bp, &t.inputs, &given, &row, today).map_err(CaseError::Invalid)?;
    for (k, v) in &inputs {
        if let Some(f) = t.inputs.iter().find(|f| f.id.as_str() == k.as_str()) {
            row.insert(k.clone(), value_of(f, v));
        }
    }
    Ok(Prepared {
        to: t.to.value.clone(),
        case,
        role,
        inputs,
        corrections,
        row,
    })
}

/// Take a workflow action on a case: checks it again (see [`prepare`]), then changes
/// the state, fills the fields the inputs and the calls' answers name, appends the
/// history entry and applies the step's effects — all in one transaction.
pub fn act(
    conn: &mut Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    step: &Step<'_>,
    outcome: &Outcome,
    now: &Now,
) -> Result<Case, CaseError> {
    let tx = conn.savepoint()?;
    let p = prepare(&tx, bp, id, step, now.today)?;
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    move_case(&tx, id, &p.to, now)?;
    set_fields(&tx, fields, id, &p.corrections)?;
    set_fields(&tx, fields, id, &p.inputs)?;
    // Files given with the step (a survey's photos) join the case's attachments.
    let transition = bp.workflow.transitions.iter().find(|t| {
        t.action.as_str() == step.action && t.from.iter().any(|f| f.as_str() == p.case.state)
    });
    for f in transition.map_or(&[][..], |t| t.inputs.as_slice()) {
        if f.kind.value == FieldType::File {
            if let Some(Json::String(upload)) = p.inputs.get(f.id.as_str()) {
                attach(&tx, bp, id, f.id.as_str(), upload)?;
            }
        }
    }
    for f in fields.iter().filter(|f| f.kind.value == FieldType::File) {
        if let Some(Json::String(upload)) = p.corrections.get(f.id.as_str()) {
            attach(&tx, bp, id, f.id.as_str(), upload)?;
        }
    }
    for f in fields
        .iter()
        .filter(|f| f.kind.value == FieldType::Appointment)
    {
        if let Some(Json::String(slot)) = p.corrections.get(f.id.as_str()) {
            appointments::release(&tx, id, "moved")?;
            book_slot(&tx, bp, id, f.id.as_str(), slot, now)?;
        }
    }
    let mut detail = p.inputs.clone();
    if !p.corrections.is_empty() {
        detail.insert(
            "corrected".into(),
            json!(p.corrections.keys().collect::<Vec<_>>()),
        );
    }
    history::record(
        &tx,
        &history::Entry {
            case_id: id,
            at: &now.stamp,
            actor: &step.actor.id,
            role: &p.role,
            action: step.action,
            from: Some(&p.case.state),
            to: &p.to,
            detail: &Json::Object(detail).to_string(),
        },
    )?;
    after_step(
        &tx,
        bp,
        hooks,
        id,
        step.action,
        &p.to,
        &p.inputs,
        outcome,
        now,
    )?;
    let rule = bp
        .workflow
        .unique
        .as_ref()
        .map_or(&[][..], |r| r.as_slice());
    if rule
        .iter()
        .any(|f| p.corrections.contains_key(f.as_str()) || p.inputs.contains_key(f.as_str()))
    {
        no_duplicate(&tx, bp, id)?;
    }
    let updated = load(&tx, bp, id)?;
    tx.commit()?;
    Ok(updated)
}
