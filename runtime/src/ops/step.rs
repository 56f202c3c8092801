//! Taking a step on a case, by a member of staff or the applicant: checked against
//! the workflow, the calls and hooks made, then written in one transaction.

use crate::cases::{self, Actor, Case, Step};
use crate::failure::{ApiError, Kind};
use crate::ops::calls::{hook_step, hook_validate, make_calls};
use crate::state::{ApiState, with_read, with_store};
use crate::steps;
use quickwin_blueprint::clock::{self, Now};
use quickwin_blueprint::model::Blueprint;
use rusqlite::Connection;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Take `action` on the case `id` as `actor`: check, make the calls, then write.
pub(crate) async fn take_step(
    state: &ApiState,
    id: i64,
    action: String,
    actor: Actor,
    input: Map<String, Value>,
    lang: &str,
) -> Result<Case, ApiError> {
    let bp = state.blueprint();
    let result = async {
        let (a, i, who) = (action.clone(), input.clone(), actor.clone());
        let prepared = with_store(state, move |conn, bp| {
            let now = Now::read();
            let step = Step {
                action: &a,
                actor: &who,
                input: &i,
            };
            let prepared = cases::prepare(conn, bp, id, &step, now.today)?;
            cancel_deadline(conn, bp, id, &a, &now)?;
            Ok(prepared)
        })
        .await?;
        let now = Now::read();
        let mut outcome = make_calls(
            state,
            &bp,
            &action,
            &prepared.case.tracking,
            &prepared.row,
            now.today,
        )
        .await?;
        if !prepared.corrections.is_empty() {
            // A correction is checked as the submission was: the look-ups that read a
            // corrected answer are made again, and a refusal blocks it as it would have
            // blocked the first submission.
            let changed: Vec<&str> = prepared.corrections.keys().map(String::as_str).collect();
            let again = steps::rechecks(&bp, &changed);
            if !again.is_empty() && action != "submit" {
                let mut row = prepared.row.clone();
                quickwin_blueprint::answers::add_computed(&bp, &mut row, now.today);
                let rechecked = steps::calls_of(
                    &bp,
                    state.mediator.as_ref(),
                    &again,
                    &prepared.case.tracking,
                    &row,
                    now.today,
                )
                .await?;
                outcome.calls.extend(rechecked.calls);
                outcome.values.extend(rechecked.values);
            }
        }
        if state.hooks().is_some() {
            let mut values = prepared.case.values.clone();
            values.extend(prepared.corrections.clone());
            if !prepared.corrections.is_empty() {
                hook_validate(state, &bp, values.clone()).await?;
            }
            values.extend(prepared.inputs.clone());
            values.extend(outcome.values.clone());
            let set = hook_step(
                state,
                &bp,
                &action,
                &prepared.case.tracking,
                &prepared.role,
                values,
            )
            .await?;
            outcome.values.extend(set);
        }
        let hooks = state.hooks();
        let case = with_store(state, move |conn, bp| {
            let now = Now::read();
            let step = Step {
                action: &action,
                actor: &actor,
                input: &input,
            };
            Ok(cases::act(
                conn,
                bp,
                hooks.as_deref(),
                id,
                &step,
                &outcome,
                &now,
            )?)
        })
        .await?;
        state.wake.notify_one();
        Ok(case)
    }
    .await;
    result.map_err(|e: ApiError| e.in_language(lang))
}

/// A booking can be cancelled only until `cancel_before` its start.
pub(crate) fn cancel_deadline(
    conn: &Connection,
    bp: &Blueprint,
    id: i64,
    action: &str,
    now: &Now,
) -> Result<(), ApiError> {
    let Some(a) = &bp.appointments else {
        return Ok(());
    };
    if a.cancel_action
        .as_ref()
        .is_none_or(|c| c.as_str() != action)
    {
        return Ok(());
    }
    let start = crate::store::bookings::held_start(conn, id)?;
    let Some(start) = start else { return Ok(()) };
    let before = i64::try_from(a.cancel_before.value.minutes).unwrap_or(0);
    if clock::local_minutes(&start).is_some_and(|m| m - before < now.local_minutes) {
        return Err(ApiError {
            messages: BTreeMap::from([
                (
                    "en".into(),
                    format!(
                        "the appointment at {} can no longer be cancelled online; it can be cancelled until {} before it starts",
                        start.replace('T', " "),
                        quickwin_blueprint::plural::duration(a.cancel_before.value.minutes, "en")
                    ),
                ),
                (
                    "ar".into(),
                    format!(
                        "لم يعد ممكناً إلغاء الموعد {} عبر الإنترنت؛ يمكن الإلغاء حتى {} قبل بدايته",
                        start.replace('T', " "),
                        quickwin_blueprint::plural::duration(a.cancel_before.value.minutes, "ar")
                    ),
                ),
            ]),
            ..ApiError::new(Kind::NotAllowedNow, "too late to cancel online")
        });
    }
    Ok(())
}

/// Take an action as the applicant of the case `tracking`, opened with its `code`.
pub(crate) async fn applicant_step(
    state: &ApiState,
    tracking: String,
    code: String,
    action: String,
    input: Map<String, Value>,
    lang: &str,
) -> Result<Case, ApiError> {
    let bp = state.blueprint();
    let t = tracking.clone();
    let id = with_read(state, move |conn, bp| {
        Ok(cases::read(conn, bp, &t, &code)?.id)
    })
    .await
    .map_err(|e| e.in_language(lang))?;
    let actor = Actor {
        id: format!("applicant:{tracking}"),
        roles: std::collections::BTreeSet::from([cases::citizen_role(&bp).to_string()]),
    };
    take_step(state, id, action, actor, input, lang).await
}
