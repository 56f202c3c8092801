//! The blueprint model: what a quick-win e-service is, as read from its YAML file.
//!
//! The types mirror the YAML one to one; `docs/blueprint-reference.md` explains each
//! construct with an example, and `quickwin schema` derives the JSON Schema from them.

mod common;
mod data;
mod interop;
mod journey;
mod services;
mod workflow;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use common::{ANY_LANGUAGE, Duration, Expr, Localized, Name, OneOrMany, Spanned};
pub(crate) use common::{EXAMPLE, LOCALIZED, ONE_OR_MANY, SPANNED};
pub use data::{ChoiceOption, Computed, Example, Field, FieldType, Record, RefList, ValueType};
pub use interop::{Channel, Failure, Integration, Method, Notification, Operation, REMINDER};
pub use journey::{Branch, ExitPage, Form, Page};
pub use services::{Appointments, Band, Document, Fee, Resource, Tariff};
pub use workflow::{BUILTIN_ACTIONS, State, Transition, Workflow};

/// The blueprint language version this release reads.
pub use crate::rules::LANGUAGE_VERSION;

/// A quick-win e-service, described in one file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Blueprint {
    /// The version of the blueprint language: `1`.
    #[schemars(transform = crate::rules::language_version)]
    pub quickwin: Spanned<u32>,
    /// The service id: lowercase letters, digits and dashes, e.g. `birth-certificate`.
    #[schemars(transform = crate::rules::slug_id)]
    pub id: Name,
    /// The version of this blueprint, e.g. `1.0.0`.
    pub version: Spanned<String>,
    /// The agency that owns and runs the service.
    pub agency: Agency,
    /// The interoperability identifier `IQ/GOV/<MEMBER>/<SUBSYSTEM>/<SERVICE>` under which
    /// other agencies reach this service through the information mediator.
    #[schemars(transform = crate::rules::service_identifier)]
    pub interop: Name,
    /// The languages of the service's texts, the first being the default, e.g. `[ar, en]`.
    #[schemars(transform = crate::rules::languages)]
    pub languages: Vec<Name>,
    /// The service's name, per language.
    pub title: Localized,
    /// One or two sentences saying what the service does, per language.
    pub summary: Localized,
    /// Who can use the service, shown on the start page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligibility: Option<Localized>,
    /// What the applicant needs to have at hand, shown on the start page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub you_need: Vec<Localized>,
    /// The processing-time target from submission to a final decision, e.g. `5d`.
    pub sla: Spanned<Duration>,
    /// Who takes part: the applicant, office staff, and automatic steps.
    pub roles: Vec<Role>,
    /// Named lists of choices that fields can use (the governorates of Iraq are built in).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<RefList>,
    /// The records the service keeps; the workflow's `record` is the application itself.
    pub records: Vec<Record>,
    /// Values computed from the answers with expressions (fees, scores, ages).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub computed: Vec<Computed>,
    /// The citizen's journey through the application form.
    pub form: Form,
    /// The states an application goes through and who moves it.
    pub workflow: Workflow,
    /// Fees the applicant pays.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fees: Vec<Fee>,
    /// Bookable appointments, when the service has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointments: Option<Appointments>,
    /// Documents the service issues, such as certificates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    /// Calls this service makes to other agencies' services through the mediator.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub integrations: Vec<Integration>,
    /// Operations this service offers to other agencies through the mediator.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provides: Vec<Operation>,
    /// Messages sent to the applicant when the application moves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notifications: Vec<Notification>,
}

/// The agency that owns a service.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// The agency's member code in the interoperability identifiers, e.g. `MOH`.
    #[schemars(transform = crate::rules::member_code)]
    pub member: Name,
    /// The agency's name, per language.
    pub name: Localized,
    /// Where to ask about the service: an e-mail address and a web page, shown to the
    /// developers of other agencies in the API document's `info.contact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// The terms under which other agencies may use the service's API: an SPDX licence
    /// identifier (`CC-BY-4.0`) or the web address of the agency's terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<Name>,
}

/// How to reach an agency about a service.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// An e-mail address, e.g. `eservices@moi.gov.iq`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Name>,
    /// A web page, e.g. `https://moi.gov.iq/eservices`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Name>,
}

/// Someone, or something, that takes part in the service.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// The role's id, e.g. `clerk`.
    #[schemars(transform = crate::rules::snake_id)]
    pub id: Name,
    /// Who plays it.
    pub kind: Spanned<RoleKind>,
    /// The role's name, per language.
    pub label: Localized,
    /// What a staff role's queue in the back office shows; by default the applicant's
    /// name and the first two required answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<Queue>,
}

/// A staff role's queue in the back office.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Queue {
    /// The application's fields shown as columns, in order, besides the tracking
    /// number, the status and the age, e.g. `[full_name, stall_number]`.
    pub columns: Vec<Name>,
}

/// Who plays a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    /// A member of the public who applies and follows their own application.
    Citizen,
    /// A person in the agency's back office.
    Staff,
    /// The service itself, acting when a condition is met (a payment, a check, a timer).
    Automatic,
}

impl Blueprint {
    /// The record the form fills in and the workflow moves.
    pub fn case_record(&self) -> Option<&Record> {
        self.records.iter().find(|r| r.id == self.workflow.record)
    }

    /// The record with this id.
    pub fn record(&self, id: &str) -> Option<&Record> {
        self.records.iter().find(|r| r.id.as_str() == id)
    }

    /// The role with this id.
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id.as_str() == id)
    }

    /// The default language: the first one listed.
    pub fn default_language(&self) -> &str {
        self.languages.first().map_or("en", |l| l.as_str())
    }

    /// The label in `language` of the choice `value` of field `f` (its own options, its
    /// list, or a built-in list); `None` when `f` has no such choice.
    pub fn choice_label(&self, f: &data::Field, value: &str, language: &str) -> Option<String> {
        if let Some(o) = f.options.iter().find(|o| o.value.as_str() == value) {
            return Some(o.label.get(language).to_string());
        }
        let list = f.list.as_ref()?;
        if let Some(own) = self.lists.iter().find(|l| l.id == *list) {
            return own
                .options
                .iter()
                .find(|o| o.value.as_str() == value)
                .map(|o| o.label.get(language).to_string());
        }
        crate::lists::builtin(list.as_str())?
            .iter()
            .find(|c| c.value == value)
            .map(|c| if language == "ar" { c.ar } else { c.en }.to_string())
    }

    /// The ids of the back-office roles, in the blueprint's order.
    pub fn staff_roles(&self) -> Vec<&str> {
        self.roles
            .iter()
            .filter(|r| r.kind.value == RoleKind::Staff)
            .map(|r| r.id.as_str())
            .collect()
    }
}
