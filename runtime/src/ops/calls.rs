//! What a step does before it is written: the calls to other agencies it triggers and
//! the agency's own hooks (checks and the step hook), each failure told as an
//! [`crate::failure::ApiError`].

use crate::cases::{CaseError, Outcome};
use crate::failure::{ApiError, pick};
use crate::hooks;
use crate::state::ApiState;
use crate::steps;
use quickwin_blueprint::expr::Date;
use quickwin_blueprint::model::Blueprint;
use serde_json::{Map, Value};

/// Make the calls a step triggers, telling a block in the request's language.
pub(crate) async fn make_calls(
    state: &ApiState,
    bp: &Blueprint,
    action: &str,
    tracking: &str,
    row: &quickwin_blueprint::expr::Row,
    today: Date,
) -> Result<Outcome, ApiError> {
    Ok(steps::calls(bp, state.mediator.as_ref(), action, tracking, row, today).await?)
}

/// The agency's own checks on an application (its [`hooks`]), when it has any.
pub(crate) async fn hook_validate(
    state: &ApiState,
    bp: &Blueprint,
    values: Map<String, Value>,
) -> Result<(), ApiError> {
    match hooks::run(state.hooks(), bp.id.as_str(), move |h| h.validate(&values)).await {
        None => Ok(()),
        Some(Ok(problems)) if problems.is_empty() => Ok(()),
        Some(Ok(problems)) => Err(CaseError::Invalid(problems).into()),
        Some(Err(e)) => Err(CaseError::Hook(e).into()),
    }
}

/// The agency's own step hook: the values it sets on the case, or its refusal.
pub(crate) async fn hook_step(
    state: &ApiState,
    bp: &Blueprint,
    action: &str,
    tracking: &str,
    role: &str,
    values: Map<String, Value>,
) -> Result<hooks::Values, ApiError> {
    let (action, tracking, role) = (action.to_string(), tracking.to_string(), role.to_string());
    let ran = hooks::run(state.hooks(), bp.id.as_str(), move |h| {
        let step = hooks::Step {
            action: &action,
            tracking: &tracking,
            role: &role,
        };
        h.step(&step, &values)
    })
    .await;
    match ran {
        None => Ok(hooks::Values::new()),
        Some(Ok(Ok(set))) => Ok(set),
        Some(Ok(Err(refusal))) => {
            let message = pick(&refusal.messages, "en").cloned().unwrap_or_default();
            Err(CaseError::Refused {
                messages: refusal.messages,
                message,
            }
            .into())
        }
        Some(Err(e)) => Err(CaseError::Hook(e).into()),
    }
}
