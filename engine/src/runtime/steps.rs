//! The calls a step makes to other agencies before it is written: each integration the
//! step triggers goes through the mediator about the case; an answer fills the record,
//! a failure blocks the step with the blueprint's message or lets it go on and retries
//! the call later, as the blueprint says. Nothing is dropped: every call, failed or
//! not, is recorded on the case.

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use super::cases::{Call, CaseError, Outcome};
use super::effects;
use super::mediator::{CallError, Mediator};
use crate::expr::{Date, Row};
use crate::model::{Blueprint, Failure, Integration};

/// The message of a blocked step, per language: the blueprint's, or a plain default.
fn blocked_message(bp: &Blueprint, i: &Integration, why: &str) -> BTreeMap<String, String> {
    bp.languages
        .iter()
        .map(|l| {
            let text = match &i.failure_message {
                Some(m) => m.get(l).to_string(),
                None if l.as_str() == "ar" => format!(
                    "تعذّر إتمام الخطوة لأن «{}» لم يُجب: {why}. حاول مرة أخرى لاحقاً.",
                    i.label.get(l)
                ),
                None => format!(
                    "the step could not be taken because “{}” did not answer: {why}; try again later",
                    i.label.get(l)
                ),
            };
            (l.value.clone(), text)
        })
        .collect()
}

/// Make the calls `action` triggers for the case `tracking` (whose answers are `row`).
/// A failed call of an integration that blocks ends with [`CaseError::Blocked`].
pub async fn calls(
    bp: &Blueprint,
    mediator: Option<&Mediator>,
    action: &str,
    tracking: &str,
    row: &Row,
    today: Date,
) -> Result<Outcome, CaseError> {
    let mut outcome = Outcome::default();
    for i in bp.integrations.iter().filter(|i| i.on.as_str() == action) {
        let (result, asked) = call_one(i, mediator, tracking, row, today).await;
        match result {
            Ok(answer) => {
                let values = effects::outputs(i, &answer);
                outcome.calls.push(Call {
                    integration: i.id.value.clone(),
                    outcome: "ok".into(),
                    detail: json!({"request": asked, "kept": values}),
                });
                outcome.values.extend(values);
            }
            Err(why) => match i.on_failure {
                Failure::Block => {
                    let messages = blocked_message(bp, i, &why);
                    let message = messages
                        .get(bp.default_language())
                        .cloned()
                        .unwrap_or_default();
                    return Err(CaseError::Blocked {
                        integration: i.id.value.clone(),
                        messages,
                        message,
                    });
                }
                Failure::Retry => outcome.calls.push(Call {
                    integration: i.id.value.clone(),
                    outcome: "retrying".into(),
                    detail: json!({"request": asked, "error": why}),
                }),
            },
        }
    }
    Ok(outcome)
}

/// One call; the answer, or why it failed, with what was asked.
pub async fn call_one(
    i: &Integration,
    mediator: Option<&Mediator>,
    tracking: &str,
    row: &Row,
    today: Date,
) -> (Result<Json, String>, Json) {
    let request = match effects::request(i, row, today) {
        Ok(r) => r,
        Err(why) => return (Err(why), Json::Null),
    };
    let asked = json!({"method": request.method, "service": request.service, "path": request.path});
    let Some(m) = mediator else {
        return (
            Err("no information mediator is configured".to_string()),
            asked,
        );
    };
    let result = m
        .call(
            request.method,
            &request.service,
            &request.path,
            request.body.as_ref(),
            tracking,
        )
        .await
        .map_err(|e: CallError| e.to_string());
    (result, asked)
}
