//! The workflow: states, transitions and who may take them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Duration, Expr, Localized, Name, OneOrMany, Spanned};
use super::data::Field;

/// The actions that the engine itself names: the applicant's submission.
pub const BUILTIN_ACTIONS: &[&str] = &["submit"];

/// How an application moves from submission to a decision.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workflow {
    /// The record that is the application, e.g. `application`.
    pub record: Name,
    /// The tracking-number format, e.g. `BC-{year}-{seq:6}`; placeholders `{year}`,
    /// `{month}`, `{day}`, `{seq:N}` (a counter with N digits) and `{random:N}` (N random letters and digits).
    pub tracking: Spanned<String>,
    /// The state an application is in once submitted.
    pub initial: Name,
    /// The states.
    pub states: Vec<State>,
    /// The moves between states.
    pub transitions: Vec<Transition>,
    /// Answers that no two open applications may share, e.g. `[stall_number]`: a
    /// submission (or a correction) whose answers to all of these equal those of an
    /// application not yet in a final state is refused, naming that application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<Spanned<Vec<Name>>>,
}

/// A state an application can be in.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// The state's id, e.g. `under_review`.
    #[schemars(transform = crate::rules::snake_id)]
    pub id: Name,
    /// The status the applicant sees, per language.
    pub label: Localized,
    /// What happens next, told to the applicant, per language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Localized>,
    /// Whether the application ends here.
    #[serde(rename = "final", default)]
    pub is_final: bool,
    /// How long an application should stay here at most, e.g. `2d`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<Spanned<Duration>>,
    /// Whether the applicant may correct their answers here (after a send-back).
    #[serde(default)]
    pub correction: bool,
}

/// A move from one or more states to another, taken by a role.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The action's id, e.g. `approve`.
    #[schemars(transform = crate::rules::snake_id)]
    pub action: Name,
    /// The button text, per language.
    pub label: Localized,
    /// The state or states it starts from.
    pub from: OneOrMany<Name>,
    /// The state it leads to.
    pub to: Name,
    /// The role or roles who may take it.
    pub role: OneOrMany<Name>,
    /// A condition that must hold, e.g. `score >= 60`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Expr>,
    /// What the person must give when taking it, e.g. a rejection reason. An input whose
    /// id is a field of the application fills that field; every input is kept in the
    /// application's history.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<Field>,
    /// Whether the person who submitted or last moved the application may take it
    /// (`false` asks for a second pair of eyes).
    #[serde(default = "yes")]
    pub self_approval: bool,
}

fn yes() -> bool {
    true
}
