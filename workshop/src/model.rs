//! The workshop formats: `workshop.yaml`, `days/NN.yaml`, `exercise.yaml` and
//! `checks.yaml`, as read by the blueprint's span-aware loader. `docs/workshops.md`
//! explains each key with an example; `quickwin schema --workshop` derives the JSON
//! Schemas from these types.

use std::collections::BTreeMap;

use quickwin_blueprint::model::{Localized, Name, Spanned};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// The version of the workshop formats this release reads.
pub const FORMAT_VERSION: u32 = 1;

/// `workshop.yaml`: the curriculum as a whole.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workshop {
    /// The version of the format: `1`.
    #[serde(rename = "quickwin-workshop")]
    pub format: Spanned<u32>,
    /// The workshop's id, e.g. `iq-2012`.
    pub id: Name,
    /// Its name, per language.
    pub title: Localized,
    /// What it teaches, per language.
    pub summary: Localized,
    /// The languages every learner-visible text is written in, the first the default.
    pub languages: Vec<Name>,
    /// How many working days: `days/01.yaml` up to this number must exist.
    pub days: Spanned<u32>,
}

/// `days/NN.yaml`: one working day.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Day {
    /// The version of the format: `1`.
    #[serde(rename = "quickwin-day")]
    pub format: Spanned<u32>,
    /// The day's number, from 1; the file's name says the same.
    pub day: Spanned<u32>,
    /// The week it belongs to, from 1.
    pub week: Spanned<u32>,
    /// The day's theme, per language.
    pub title: Localized,
    /// Talks and discussions, in order; they have no checks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<Session>,
    /// The exercises of the day, by id, in the order they are done.
    #[serde(default)]
    pub exercises: Vec<Name>,
}

/// A talk or discussion in a day's agenda.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// What it is about, per language.
    pub title: Localized,
    /// How long it takes.
    pub minutes: Spanned<u32>,
}

/// Who an exercise is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// IT staff: they edit the blueprint.
    It,
    /// Business staff: decisions, quizzes and artifacts, no YAML beyond an answers file
    /// or one value.
    Business,
    /// The whole team together.
    Joint,
}

impl Audience {
    /// The audience as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::It => "it",
            Audience::Business => "business",
            Audience::Joint => "joint",
        }
    }
}

/// An interoperability layer, as the frameworks teach them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    /// Laws, mandates, privacy and open standards.
    Legal,
    /// Processes, agreements and who does what.
    Organisational,
    /// Shared meaning: identifiers, codes, data definitions.
    Semantic,
    /// Protocols, services, the mediator and its log.
    Technical,
}

/// `exercise.yaml`: one exercise.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// The version of the format: `1`.
    #[serde(rename = "quickwin-exercise")]
    pub format: Spanned<u32>,
    /// The exercise's id, unique in the workshop.
    pub id: Name,
    /// The day it belongs to.
    pub day: Spanned<u32>,
    /// Who does it.
    pub audience: Spanned<Audience>,
    /// The planned time.
    pub minutes: Spanned<u32>,
    /// Its name, per language.
    pub title: Localized,
    /// What the participant achieves, per language.
    pub goal: Localized,
    /// The catalogue pilot the exercise works on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pilot: Option<Name>,
    /// The interoperability layers it teaches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<Spanned<Layer>>,
    /// Exercises done before this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<Name>,
    /// The file the participant edits, in their folder (default `service.yaml`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<Name>,
    /// What `start` and `reset` write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starter: Option<Derived>,
    /// `previous`: continue the participant's file from the exercise before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep: Option<Name>,
    /// The authors' solution, shown after a pass.
    pub solution: Derived,
    /// General hints, unlocked in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<Hint>,
}

/// A starter or solution: a source, then edits.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Derived {
    /// A catalogue blueprint, built into quickwin, by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pilot: Option<Name>,
    /// A file beside `exercise.yaml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<Name>,
    /// The solution of the exercise listed before this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<Spanned<bool>>,
    /// Keys and list items to remove, by path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<Name>,
    /// Scalars to replace, by path.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, Spanned<Json>>,
    /// Texts to replace; each must occur exactly once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replace: Vec<Replace>,
}

/// One text replacement.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Replace {
    /// The text to find; it must occur exactly once.
    pub find: Spanned<String>,
    /// What to put in its place.
    pub with: Spanned<String>,
}

/// A general hint and when it unlocks.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hint {
    /// When it unlocks; at once when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Unlock>,
    /// The hint in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<Spanned<String>>,
    /// The hint in Arabic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ar: Option<Spanned<String>>,
}

impl Hint {
    /// The hint as a text per language.
    pub fn text(&self) -> Localized {
        let mut texts = BTreeMap::new();
        for (lang, text) in [("en", &self.en), ("ar", &self.ar)] {
            if let Some(t) = text {
                texts.insert(lang.to_string(), t.value.clone());
            }
        }
        Localized(texts)
    }
}

/// When a hint unlocks.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unlock {
    /// After this many failed check runs of the exercise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_runs: Option<Spanned<u32>>,
    /// After this many minutes since the exercise was started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<Spanned<u32>>,
}

/// `checks.yaml`: what a solution must do.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    /// The version of the format: `1`.
    #[serde(rename = "quickwin-checks")]
    pub format: Spanned<u32>,
    /// The checks, run in order; every one runs even after one fails.
    pub checks: Vec<Check>,
}

/// One check: an id, its texts, and exactly one kind.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Unique in the file.
    pub id: Name,
    /// What it checks, per language.
    pub title: Localized,
    /// What is said when it fails, per language; quickwin adds what it saw.
    pub message: Localized,
    /// What to try, per language.
    pub hint: Localized,
    /// A check whose kept values this one uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Name>,
    /// The blueprint itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blueprint: Option<BlueprintCheck>,
    /// A scenario against the check twin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<Vec<Step>>,
    /// The mediator's message log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messagelog: Option<LogCheck>,
    /// Rights, proved by calls through the mediator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Vec<AccessCall>>,
    /// A message that reached a phone or address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox: Option<InboxCheck>,
    /// A case's state, documents and payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseCheck>,
    /// A question answered in the answers file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiz: Option<Quiz>,
    /// A file for the trainer to review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<Artifact>,
}

impl Check {
    /// The kinds the check names, by key (exactly one is valid).
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds = Vec::new();
        let present = [
            ("blueprint", self.blueprint.is_some()),
            ("http", self.http.is_some()),
            ("messagelog", self.messagelog.is_some()),
            ("access", self.access.is_some()),
            ("inbox", self.inbox.is_some()),
            ("case", self.case.is_some()),
            ("quiz", self.quiz.is_some()),
            ("artifact", self.artifact.is_some()),
        ];
        for (kind, is) in present {
            if is {
                kinds.push(kind);
            }
        }
        kinds
    }
}

impl Checks {
    /// Whether a check needs the sandbox and a twin of the service (not only the file).
    pub fn need_world(&self) -> bool {
        self.checks.iter().any(|c| {
            c.http.is_some()
                || c.messagelog.is_some()
                || c.access.is_some()
                || c.inbox.is_some()
                || c.case.is_some()
        })
    }
}

/// The check kinds, as keys.
pub const KINDS: &[&str] = &[
    "blueprint",
    "http",
    "messagelog",
    "access",
    "inbox",
    "case",
    "quiz",
    "artifact",
];

/// A check of the blueprint file.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BlueprintCheck {
    /// The file must be valid (`true`) or must not be (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<Spanned<bool>>,
    /// With `valid: true`, warnings count as failures too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deny_warnings: Option<Spanned<bool>>,
    /// Diagnostic codes that must or must not be reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codes: Option<Codes>,
    /// A path into the file (see `docs/workshops.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<Name>,
    /// How many places the path must match (default: at least one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<Spanned<u32>>,
    /// Every match is this scalar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Spanned<Json>>,
    /// Every match contains this (a list item, or part of a text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<Spanned<Json>>,
    /// Every match is a mapping with these scalars.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub r#where: BTreeMap<String, Spanned<Json>>,
    /// A fee or expression computed by the engine's evaluator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluate: Option<Evaluate>,
}

/// Diagnostic codes that must or must not be reported.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Codes {
    /// Each must be reported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub present: Vec<Name>,
    /// None may be reported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<Name>,
}

/// An evaluation with the engine's own evaluator.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evaluate {
    /// A fee of the blueprint, by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Name>,
    /// An expression, or a computed value by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<Spanned<String>>,
    /// The answers it is evaluated over.
    #[serde(default)]
    pub with: BTreeMap<String, Json>,
    /// The value it must give.
    pub equals: Spanned<Json>,
}

/// One step of an `http` scenario.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// GET this path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub get: Option<Spanned<String>>,
    /// POST to this path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post: Option<Spanned<String>>,
    /// PUT to this path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub put: Option<Spanned<String>>,
    /// PATCH this path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patch: Option<Spanned<String>>,
    /// DELETE this path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete: Option<Spanned<String>>,
    /// GET this HTML page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<Spanned<String>>,
    /// Sign in as the twin's demo account of this role first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#as: Option<Name>,
    /// The language asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Name>,
    /// Request headers, e.g. `{X-Access-Code: "{access_code}"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, Spanned<String>>,
    /// The body: a mapping, or `{example: openapi, set: {…}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Spanned<Json>>,
    /// What the answer must be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
    /// With `page`: fill in the page's form with these answers (its hidden fields, such
    /// as the CSRF token, kept) and send it, as a person would; the expectations are on
    /// the page that comes back.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub form: BTreeMap<String, Spanned<String>>,
    /// Values to keep from the answer, by JSON pointer.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keep: BTreeMap<String, Spanned<String>>,
}

impl Step {
    /// The method and the path of the step, when it names exactly one.
    pub fn target(&self) -> Vec<(&'static str, &Spanned<String>)> {
        [
            ("GET", &self.get),
            ("POST", &self.post),
            ("PUT", &self.put),
            ("PATCH", &self.patch),
            ("DELETE", &self.delete),
            ("PAGE", &self.page),
        ]
        .into_iter()
        .filter_map(|(m, p)| p.as_ref().map(|p| (m, p)))
        .collect()
    }
}

/// What an answer must be.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The HTTP status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Spanned<u16>>,
    /// JSON pointers and the values they must hold.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub json: BTreeMap<String, Spanned<Json>>,
    /// Headers and their values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub header: BTreeMap<String, Spanned<String>>,
    /// The answer's `message` (or the page's text) is in this language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_in: Option<Name>,
    /// A page's `lang` attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Name>,
    /// A page's `dir` attribute (`rtl` or `ltr`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<Name>,
    /// Every visible input, select and textarea of the page has a label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labelled: Option<Spanned<bool>>,
    /// The page shows an error summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_summary: Option<Spanned<bool>>,
    /// Texts the answer or page contains.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contains: Vec<Spanned<String>>,
}

/// Which entries a log check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Only entries this check run caused.
    #[default]
    ThisRun,
    /// Every entry since the sandbox started.
    SinceStart,
}

/// A check of the mediator's message log.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogCheck {
    /// Which entries it looks at.
    #[serde(default)]
    pub scope: Spanned<Scope>,
    /// Each must match at least one entry (or exactly `count`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<Spanned<EntryMatch>>,
    /// None may match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<Spanned<EntryMatch>>,
    /// The expected entries appear in the order written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Spanned<bool>>,
    /// `intact`: the hash chain verifies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<Name>,
}

/// What a log entry must hold; absent keys match anything.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryMatch {
    /// The calling subsystem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// The called service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The case number (`X-Road-Issue`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// The HTTP method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The HTTP status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The mediator's error type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Exactly this many entries match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

/// A call through the mediator and whether it must be let through.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessCall {
    /// The calling subsystem.
    pub client: Spanned<String>,
    /// The service called.
    pub service: Spanned<String>,
    /// The path after the service (default `/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Spanned<String>>,
    /// `allowed` or `denied`.
    pub expect: Spanned<Verdict>,
}

/// What the mediator must do with a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Let it through, whatever the service then answers.
    #[default]
    Allowed,
    /// Refuse it with `403 AccessDenied`.
    Denied,
}

/// A message that reached a phone or an address in the sandbox.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InboxCheck {
    /// The phone number or address.
    pub to: Spanned<String>,
    /// The language the message is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Name>,
    /// Texts it contains.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contains: Vec<Spanned<String>>,
}

/// A case in the twin's store.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseCheck {
    /// Its tracking number.
    pub tracking: Spanned<String>,
    /// The state it must be in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<Name>,
    /// A document it must have been issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Name>,
    /// Whether its fees must be paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid: Option<Spanned<bool>>,
}

/// A question of the answers file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quiz {
    /// The key of the answer in the answers file.
    pub question: Name,
    /// A multiple choice: the right option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choose: Option<Spanned<String>>,
    /// A short answer: accepted if it contains one of these (case and spacing ignored).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<Spanned<String>>,
}

/// A file the participant hands in, marked for the trainer's review.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Artifact {
    /// Its name in the participant's folder.
    pub file: Spanned<String>,
    /// The fewest words it may have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_words: Option<Spanned<u32>>,
}
