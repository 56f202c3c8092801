//! The results of a check run, like exercism's `results.json`: a status for the run and
//! for each check, what failed said in every language with its evidence. The same
//! blueprint and seed give byte-identical results (`--seed` leaves out the timing).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The version of the results format.
pub const RESULTS_VERSION: u32 = 1;

/// How a run or a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Everything asked for was seen.
    Pass,
    /// Something asked for was not seen.
    Fail,
    /// The check could not be run (a timeout, the sandbox down): not the participant's fault.
    Error,
}

impl Status {
    /// The status as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
        }
    }
}

/// A text per language code.
pub type Texts = BTreeMap<String, String>;

/// One run of an exercise's checks.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub struct Results {
    /// The version of this format: 1.
    pub version: u32,
    /// The team (or participant) who ran it.
    pub team: String,
    /// The exercise's id.
    pub exercise: String,
    /// The run's number for this team and exercise, from 1.
    pub run: u64,
    /// `pass` when every check passed, `error` when one could not run, else `fail`.
    pub status: Status,
    /// How long the run took, in milliseconds (left out of seeded runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
    /// Each check, in the order of `checks.yaml`.
    pub checks: Vec<CheckResult>,
}

impl Results {
    /// How many checks passed.
    pub fn passed(&self) -> usize {
        self.checks
            .iter()
            .filter(|c| c.status == Status::Pass)
            .count()
    }

    /// The first check that did not pass.
    pub fn first_failure(&self) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.status != Status::Pass)
    }

    /// The results as pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub struct CheckResult {
    /// The check's id.
    pub id: String,
    /// How it ended.
    pub status: Status,
    /// What it checks.
    pub title: Texts,
    /// What failed and what was seen (absent on a pass).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Texts>,
    /// What to try (absent on a pass).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Texts>,
    /// What the check saw.
    #[serde(default, skip_serializing_if = "Evidence::is_empty")]
    pub evidence: Evidence,
    /// `trainer` when a person still has to look at it (an artifact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<String>,
}

/// What a check saw, to show beside its message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub struct Evidence {
    /// Message-log entries, by sequence number.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log: Vec<u64>,
    /// The request it made, e.g. `POST /api/applications`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// The start of the answer: status and body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    /// A place in the participant's file, `file:line:col`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blueprint: Option<String>,
}

impl Evidence {
    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.log.is_empty()
            && self.request.is_none()
            && self.response.is_none()
            && self.blueprint.is_none()
    }
}
