//! What the case operations speak of: who acts, a case and its history, the outcome
//! of the calls a step made, the step being taken, and why an operation failed.

use quickwin_blueprint::answers::Problem;
use quickwin_blueprint::expr::Row;
use quickwin_blueprint::plural::{Arabic, Counted, English};
use serde::Serialize;
use serde_json::{Map, Value as Json};
use std::collections::BTreeSet;

/// Who acts: an id (a staff account, or `applicant` for the citizen) and their roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// A stable id, recorded in the history.
    pub id: String,
    /// The roles they hold.
    pub roles: BTreeSet<String>,
}

/// A case as read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// The internal id.
    pub id: i64,
    /// The tracking number.
    pub tracking: String,
    /// The current state.
    pub state: String,
    /// When it was submitted.
    pub submitted_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// The answers and what the office and integrations added, by field id (`answers`
    /// in the API, as in the applicant's view).
    #[serde(rename = "answers")]
    pub values: Map<String, Json>,
    /// Every step so far, oldest first.
    pub history: Vec<Event>,
}

/// One entry of a case's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// In which role.
    pub role: String,
    /// Which action (`submit` for the submission).
    pub action: String,
    /// The state before (none for the submission).
    pub from_state: Option<String>,
    /// The state after.
    pub to_state: String,
    /// The inputs given with the action.
    pub detail: Json,
}

/// The message of a request refused for its problems, each of which is named with it.
pub const PROBLEMS: Counted = Counted {
    en: English {
        one: "the request has {n} problem; it is named below",
        other: "the request has {n} problems; each is named below",
    },
    ar: Arabic {
        zero: "لا مشكلات في الطلب",
        one: "في الطلب مشكلة واحدة مبيّنة أدناه",
        two: "في الطلب مشكلتان، كل منهما مبيّن أدناه",
        few: "في الطلب {n} مشكلات، كل منها مبيّن أدناه",
        many: "في الطلب {n} مشكلةً، كل منها مبيّن أدناه",
        other: "في الطلب {n} مشكلة، كل منها مبيّن أدناه",
    },
};

/// Why an operation on a case was refused.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// No case with this tracking number, or the access code is wrong (never says which).
    #[error("no case with this tracking number and access code")]
    NotFound,
    /// The answers or inputs have problems.
    #[error("{}", PROBLEMS.text("en", .0.len() as u64))]
    Invalid(Vec<Problem>),
    /// The blueprint has no such action (or none was named).
    #[error("{}", unknown_action(.0))]
    UnknownAction(String),
    /// The action does not start from the case's state.
    #[error("`{action}` cannot be taken in the state `{state}`")]
    WrongState {
        /// The action.
        action: String,
        /// The case's state.
        state: String,
    },
    /// The actor has none of the roles that may take the action.
    #[error("`{action}` may only be taken by {roles}")]
    Forbidden {
        /// The action.
        action: String,
        /// Who may, in words.
        roles: String,
    },
    /// Another open application has the same answers to the fields of
    /// `workflow.unique`.
    #[error("an open application has the same {}: `{open}`", .fields.join(", "))]
    Duplicate {
        /// The open application's tracking number.
        open: String,
        /// The fields' ids.
        fields: Vec<String>,
        /// What to tell the person, per language.
        messages: std::collections::BTreeMap<String, String>,
    },
    /// The action's condition does not hold for this case.
    #[error("the condition of `{action}` does not hold: {condition}")]
    ConditionFailed {
        /// The action.
        action: String,
        /// The condition as written.
        condition: String,
    },
    /// The chosen appointment slot filled up.
    #[error("the appointment slot is fully booked")]
    SlotFull(Problem),
    /// A call to another agency failed and the blueprint blocks the step.
    #[error("{message}")]
    Blocked {
        /// The integration.
        integration: String,
        /// What to tell the person, per language.
        messages: std::collections::BTreeMap<String, String>,
        /// The message in the default language.
        message: String,
    },
    /// A call to another agency could not be made (access denied by the mediator, no
    /// answer in time, a server error, no mediator) and the blueprint blocks the step.
    #[error("{message}")]
    Unavailable {
        /// The integration.
        integration: String,
        /// What to tell the person, per language: the agency cannot be reached now,
        /// nothing was sent, try again later.
        messages: std::collections::BTreeMap<String, String>,
        /// Why, for the service's log.
        message: String,
    },
    /// A hook of the agency's own refused the step.
    #[error("{message}")]
    Refused {
        /// What to tell the person, per language.
        messages: std::collections::BTreeMap<String, String>,
        /// The message in English (or the first language given).
        message: String,
    },
    /// A hook of the agency's own could not run.
    #[error(transparent)]
    Hook(#[from] crate::hooks::HookError),
    /// A second pair of eyes is required.
    #[error("`{0}` must be taken by someone who has not acted on this case before")]
    SelfApproval(String),
    /// The store failed.
    #[error("the store failed: {0}")]
    Store(#[from] rusqlite::Error),
}

/// What the calls made before a step brought back, applied with the step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Fields the integrations' answers fill, by field id.
    pub values: Map<String, Json>,
    /// Every call made, with how it ended.
    pub calls: Vec<Call>,
}

/// One call to another agency, as recorded on the case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Call {
    /// The integration's id.
    pub integration: String,
    /// `ok`, `failed` (the step was blocked) or `retrying` (the step went on).
    pub outcome: String,
    /// What was asked and answered, or why it failed.
    pub detail: Json,
}

/// A workflow action someone asks to take, with what they give with it.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    /// The action's id, e.g. `approve`.
    pub action: &'a str,
    /// Who asks.
    pub actor: &'a Actor,
    /// The inputs, by id (e.g. a rejection reason).
    pub input: &'a Map<String, Json>,
}

/// A step that passed every check, with what it will write.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The case before the step.
    pub case: Case,
    /// The role the actor takes it in.
    pub role: String,
    /// The state it leads to.
    pub to: String,
    /// The checked inputs.
    pub inputs: Map<String, Json>,
    /// Corrected answers, when the applicant corrects the application.
    pub corrections: Map<String, Json>,
    /// The case's row with the inputs and corrections, for the integrations' requests.
    pub row: Row,
}

/// The message of [`CaseError::UnknownAction`]: a missing action is named as such.
pub(crate) fn unknown_action(action: &str) -> String {
    if action.trim().is_empty() {
        "no action was named; say which action to take".to_string()
    } else {
        format!("the service has no action `{action}`")
    }
}
