//! The service-oriented part: calls to other agencies, operations offered to them,
//! and notifications sent through the notification service.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Expr, Localized, Name, Spanned};

/// A call to another agency's service through the information mediator.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Integration {
    /// Its id, e.g. `civil_registry_check`.
    #[schemars(transform = crate::rules::snake_id)]
    pub id: Name,
    /// What it does, per language (shown on the case page).
    pub label: Localized,
    /// The called service's identifier, e.g. `IQ/GOV/MOI/civil-registry/persons`.
    #[schemars(transform = crate::rules::service_identifier)]
    pub service: Name,
    /// The HTTP method.
    #[serde(default)]
    pub method: Method,
    /// The path after the service identifier; `{name}` is replaced by the input `name`,
    /// e.g. `/persons/{national_id}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Spanned<String>>,
    /// The action that triggers the call (`submit` for the submission itself).
    pub on: Name,
    /// What is sent: a name per value, each value an expression over the answers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub input: BTreeMap<Name, Expr>,
    /// What is kept: a field of the application per value of the answer, given as a
    /// dotted path into the answer, e.g. `mother_name: mother.full_name`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub output: BTreeMap<Name, Spanned<String>>,
    /// What happens when the call fails.
    #[serde(default)]
    pub on_failure: Failure,
    /// The message shown when a failed call blocks the step, per language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<Localized>,
}

/// HTTP methods an integration can use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// Read.
    #[default]
    Get,
    /// Create or ask.
    Post,
}

/// What happens when an integration call fails.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    /// The step does not happen; the person is told why and may try again.
    #[default]
    Block,
    /// The step happens; the call is retried later and the case is flagged until it succeeds.
    Retry,
}

/// An operation this service offers to other agencies through the mediator.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// The service code, the last part of its identifier, e.g. `certificate-status`.
    #[schemars(transform = crate::rules::slug_id)]
    pub id: Name,
    /// What it answers, per language.
    pub label: Localized,
    /// The field the caller looks an application up by (or `tracking`).
    pub key: Name,
    /// The fields it returns (`state` gives the application's state).
    pub returns: Vec<Name>,
    /// The client subsystems allowed to call it, e.g. `IQ/GOV/MOE/schools`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(transform = crate::rules::subsystem_identifiers)]
    pub clients: Vec<Name>,
}

/// The event, besides actions, that sends a notification: an appointment reminder.
pub const REMINDER: &str = "reminder";

/// A message to the applicant when an action is taken.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    /// The action that sends it (`submit` for the submission), or `reminder` for a
    /// reminder of the booked appointment, sent `appointments.reminder_before` the slot.
    pub on: Name,
    /// SMS or e-mail.
    pub channel: Spanned<Channel>,
    /// The field holding the phone number or e-mail address.
    pub to: Name,
    /// The message per language, with placeholders such as `{tracking}` or `{full_name}`.
    pub text: Spanned<Localized>,
}

/// How a notification travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A text message to a phone.
    Sms,
    /// An e-mail.
    Email,
}
