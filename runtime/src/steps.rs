//! The calls a step makes to other agencies before it is written: each integration the
//! step triggers goes through the mediator about the case; an answer fills the record,
//! a failure blocks the step or lets it go on and retries the call later, as the
//! blueprint says. Nothing is dropped: every call, failed or not, is recorded on the case.
//!
//! Two failures are told apart. The agency answering no (no record, a refusal) is the
//! applicant's matter: the blueprint's `failure_message`. The service not reaching the
//! agency (access denied by the mediator, no answer in time, a server error, no
//! mediator) is the service's: the applicant is told it cannot reach the agency now,
//! that nothing was sent, and to try again later.

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use super::cases::{Call, CaseError, Outcome};
use super::mediator::{CallError, Mediator};
use quickwin_blueprint::effects;
use quickwin_blueprint::expr::{Date, Row};
use quickwin_blueprint::model::{Blueprint, Failure, Integration};

/// Why a call gave no answer to use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallFailure {
    /// The agency answered no: no record, a refusal of what was asked.
    #[error("{0}")]
    Negative(String),
    /// The service could not reach the agency, or the mediator refused the call.
    #[error("{0}")]
    Unreachable(String),
}

/// The message of a step blocked because the agency could not be reached, per language:
/// the agency named, nothing sent, try again later.
fn unreachable_message(bp: &Blueprint, i: &Integration) -> BTreeMap<String, String> {
    bp.languages
        .iter()
        .map(|l| {
            let label = i.label.get(l);
            let text = if l.as_str() == "ar" {
                format!(
                    "لا تستطيع الخدمة الوصول إلى «{label}» الآن، ولم يُرسَل أي شيء. حاول مرة أخرى لاحقاً."
                )
            } else {
                format!(
                    "The service cannot reach “{label}” now; nothing was sent. Try again later."
                )
            };
            (l.value.clone(), text)
        })
        .collect()
}

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
    let triggered: Vec<&Integration> = bp
        .integrations
        .iter()
        .filter(|i| i.on.as_str() == action)
        .collect();
    calls_of(bp, mediator, &triggered, tracking, row, today).await
}

/// The integrations of the submission that read one of `changed` (answers an applicant
/// corrected): the look-ups a first submission made of them, to be made again.
pub fn rechecks<'a>(bp: &'a Blueprint, changed: &[&str]) -> Vec<&'a Integration> {
    let computed: Vec<&str> = bp.computed.iter().map(|c| c.id.as_str()).collect();
    bp.integrations
        .iter()
        .filter(|i| i.on.as_str() == "submit")
        .filter(|i| {
            i.input.values().any(|e| {
                // An input that cannot be read is made again: better one call too many
                // than an unchecked answer.
                quickwin_blueprint::expr::parse(&e.value).map_or(true, |x| {
                    x.names()
                        .iter()
                        .any(|(n, _, _)| changed.contains(n) || computed.contains(n))
                })
            })
        })
        .collect()
}

/// Make the calls of `integrations` for the case `tracking`, as [`calls`] does.
pub async fn calls_of(
    bp: &Blueprint,
    mediator: Option<&Mediator>,
    integrations: &[&Integration],
    tracking: &str,
    row: &Row,
    today: Date,
) -> Result<Outcome, CaseError> {
    let mut outcome = Outcome::default();
    for i in integrations.iter().copied() {
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
            Err(why) => match (i.on_failure, why) {
                (Failure::Block, CallFailure::Negative(why)) => {
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
                (Failure::Block, CallFailure::Unreachable(why)) => {
                    let messages = unreachable_message(bp, i);
                    return Err(CaseError::Unavailable {
                        integration: i.id.value.clone(),
                        messages,
                        message: why,
                    });
                }
                (Failure::Retry, why) => outcome.calls.push(Call {
                    integration: i.id.value.clone(),
                    outcome: "retrying".into(),
                    detail: json!({"request": asked, "error": why.to_string()}),
                }),
            },
        }
    }
    Ok(outcome)
}

/// One call; the answer, or why it failed, with what was asked. A request that cannot
/// be made from the case counts as not reaching the agency: nothing was sent.
pub async fn call_one(
    i: &Integration,
    mediator: Option<&Mediator>,
    tracking: &str,
    row: &Row,
    today: Date,
) -> (Result<Json, CallFailure>, Json) {
    let request = match effects::request(i, row, today) {
        Ok(r) => r,
        Err(why) => return (Err(CallFailure::Unreachable(why)), Json::Null),
    };
    let asked = json!({"method": request.method, "service": request.service, "path": request.path});
    let Some(m) = mediator else {
        return (
            Err(CallFailure::Unreachable(
                "no information mediator is configured".to_string(),
            )),
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
        .map_err(|e: CallError| {
            if e.is_negative_answer() {
                CallFailure::Negative(e.to_string())
            } else {
                CallFailure::Unreachable(e.to_string())
            }
        });
    (result, asked)
}
