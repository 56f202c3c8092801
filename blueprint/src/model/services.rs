//! Fees and payments, appointments and issued documents.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Duration, Expr, Localized, Name, Spanned};

/// A fee the applicant pays.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    /// The fee's id, e.g. `certificate_fee`.
    #[schemars(transform = crate::rules::snake_id)]
    pub id: Name,
    /// What the fee is for, per language.
    pub label: Localized,
    /// A fixed amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Spanned<f64>>,
    /// A price per unit by band of quantity (e.g. per cubic metre of water).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tariff: Option<Tariff>,
    /// An amount computed from the answers, e.g. `5000 * copies`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<Expr>,
    /// The currency; `IQD` when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Name>,
    /// The state in which the fee is due; the application waits there until it is paid.
    pub due: Name,
    /// The action taken automatically once the fee is paid.
    pub paid: Name,
    /// Whether a receipt is issued (default `true`).
    #[serde(default = "yes")]
    pub receipt: bool,
}

fn yes() -> bool {
    true
}

/// A tiered tariff.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tariff {
    /// The quantity the bands apply to, e.g. `consumption_m3`.
    pub quantity: Expr,
    /// A fixed charge added once, whatever the quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<Spanned<f64>>,
    /// The bands, from the lowest quantity up, each continuing where the last ended.
    pub bands: Vec<Band>,
}

/// One band of a tariff: the units from `from` up to `to` cost `price` each.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Where the band starts.
    pub from: Spanned<f64>,
    /// Where the band ends; the last band may leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Spanned<f64>>,
    /// The price per unit within the band.
    pub price: Spanned<f64>,
}

/// Appointments the applicant books.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Appointments {
    /// What is booked, per language.
    pub label: Localized,
    /// The places or people that can be booked.
    pub resources: Vec<Resource>,
    /// Opening hours for resources that do not give their own, by weekday:
    /// `sun-thu: "08:00-14:00"`, `sat: "08:00-12:00, 16:00-18:00"`, `fri: closed`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hours: BTreeMap<Name, Spanned<String>>,
    /// The length of one slot, e.g. `15m`.
    pub slot: Spanned<Duration>,
    /// How many people one slot takes.
    pub capacity: Spanned<u32>,
    /// How far ahead one can book, e.g. `14d`.
    pub horizon: Spanned<Duration>,
    /// Until how long before the slot a booking can be cancelled, e.g. `2h`.
    pub cancel_before: Spanned<Duration>,
    /// How long after the slot starts an absent applicant counts as a no-show.
    pub no_show_after: Spanned<Duration>,
    /// How long before the slot a reminder is sent, for notifications with `on: reminder`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder_before: Option<Spanned<Duration>>,
    /// The action taken automatically on a no-show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_show_action: Option<Name>,
    /// The action that cancels the booking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_action: Option<Name>,
}

/// A bookable place, e.g. a primary care centre.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// Its id.
    #[schemars(transform = crate::rules::snake_id)]
    pub id: Name,
    /// Its name, per language.
    pub label: Localized,
    /// The governorate it is in (from the `governorates` list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub governorate: Option<Name>,
    /// Its address, per language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Localized>,
    /// Its opening hours, when they differ from the service's.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hours: BTreeMap<Name, Spanned<String>>,
    /// People per slot, when it differs from the service's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Spanned<u32>>,
}

/// A document the service issues, such as a certificate.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Its id, e.g. `birth_certificate`.
    #[schemars(transform = crate::rules::snake_id)]
    pub id: Name,
    /// Its title, per language.
    pub title: Localized,
    /// The state in which it is issued.
    pub issue_in: Name,
    /// The number format, e.g. `BC/{year}/{seq:6}`; placeholders as for tracking numbers.
    pub number: Spanned<String>,
    /// The fields printed on the document.
    pub fields: Vec<Name>,
    /// The fields the public verification page reveals for a valid code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public: Vec<Name>,
    /// How long it stays valid, when it expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_for: Option<Spanned<Duration>>,
}
