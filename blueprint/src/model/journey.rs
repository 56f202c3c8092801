//! The citizen's journey: the form as pages, branching, exits and the check-your-answers page.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Expr, Localized, Name};

/// The application form.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// The pages, in order.
    pub pages: Vec<Page>,
    /// Pages that end the journey early, e.g. "you are not eligible".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exits: Vec<ExitPage>,
    /// Whether a check-your-answers page comes before submitting (default `true`).
    #[serde(default = "yes")]
    pub check_answers: bool,
}

fn yes() -> bool {
    true
}

/// One page of the form.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// The page's id, e.g. `child`.
    #[schemars(transform = crate::rules::snake_id)]
    pub id: Name,
    /// The page heading, per language.
    pub title: Localized,
    /// A short text under the heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<Localized>,
    /// The fields of the application record asked on this page, in order.
    pub fields: Vec<Name>,
    /// The page is only shown when this condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Expr>,
    /// Where to go after this page, tried in order; without a match, the next page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub next: Vec<Branch>,
}

/// A jump taken when a condition on the answers holds.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// The condition, e.g. `age < 6`.
    #[serde(rename = "if")]
    pub condition: Expr,
    /// A page id, an exit page id, or `check_answers`.
    pub goto: Name,
}

/// A page that ends the journey without an application.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExitPage {
    /// The page's id, e.g. `not_eligible`.
    #[schemars(transform = crate::rules::snake_id)]
    pub id: Name,
    /// The heading, per language.
    pub title: Localized,
    /// The explanation, per language.
    pub body: Localized,
}
