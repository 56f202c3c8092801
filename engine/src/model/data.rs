//! Records, fields, reference lists and computed values: the data a service keeps.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Expr, Localized, Name, Spanned};

/// A named list of choices, e.g. the relationships within a household.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefList {
    /// The list's id, used by choice fields as `list: <id>`.
    pub id: Name,
    /// The choices.
    pub options: Vec<ChoiceOption>,
}

/// One choice of a choice field or list.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// The value stored, e.g. `spouse`.
    pub value: Name,
    /// What people see, per language.
    pub label: Localized,
}

/// A kind of thing the service keeps: the application, a household member, …
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The record's id, e.g. `application`.
    pub id: Name,
    /// The record's name, per language.
    pub label: Localized,
    /// Its fields.
    pub fields: Vec<Field>,
}

/// One piece of information in a record.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The field's id: lowercase letters, digits and `_`, e.g. `date_of_birth`.
    pub id: Name,
    /// What kind of value it holds.
    #[serde(rename = "type")]
    pub kind: Spanned<FieldType>,
    /// The question or label shown, per language.
    pub label: Localized,
    /// A hint shown under the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Localized>,
    /// Whether an answer is required.
    #[serde(default)]
    pub required: bool,
    /// An answer is required when this condition holds, e.g. `marital_status == 'married'`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_if: Option<Expr>,
    /// Whether the field holds personal data (masked in logs and exports).
    #[serde(default)]
    pub personal: bool,
    /// Shortest text allowed, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<Spanned<u32>>,
    /// Longest text allowed, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<Spanned<u32>>,
    /// Lowest value: a number, or for dates `today`, `today - 18y`, or `2020-01-31`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<super::common::Bound>")]
    pub min: Option<Spanned<String>>,
    /// Highest value: a number, or for dates `today` ("not in the future"), `today + 30d`, or a date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<super::common::Bound>")]
    pub max: Option<Spanned<String>>,
    /// A regular expression the whole text must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<Spanned<String>>,
    /// The message shown when `pattern` does not match, per language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern_message: Option<Localized>,
    /// The choices of a `choice` field, written out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// The choices of a `choice` field, from a named list (e.g. `governorates`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<Name>,
    /// Whether a `choice` field takes several choices.
    #[serde(default)]
    pub multiple: bool,
    /// The currency of a `money` field; `IQD` when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Name>,
    /// The record a `group` repeats or a `reference` points to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<Name>,
    /// Fewest entries of a `group`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<Spanned<u32>>,
    /// Most entries of a `group`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<Spanned<u32>>,
    /// File types a `file` field accepts, e.g. `[pdf, jpg, png]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<Name>,
    /// Largest file a `file` field accepts, in megabytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size_mb: Option<Spanned<f64>>,
    /// Whether the office, not the applicant, fills the field (it is not asked in the form).
    #[serde(default)]
    pub internal: bool,
}

/// The kinds of value a field can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// A line of text.
    Text,
    /// Several lines of text.
    LongText,
    /// A number.
    Number,
    /// An amount of money (IQD unless `currency` says otherwise).
    Money,
    /// A calendar date.
    Date,
    /// A date and a time of day.
    Datetime,
    /// A time of day.
    Time,
    /// Yes or no.
    Boolean,
    /// One (or with `multiple`, several) of a set of choices.
    Choice,
    /// An Iraqi national ID number (12 digits).
    NationalId,
    /// A phone number (an Iraqi mobile: `07` and 9 digits, or `+964`).
    Phone,
    /// An e-mail address.
    Email,
    /// A postal address: governorate, district, neighbourhood, street, house.
    Address,
    /// An uploaded file.
    File,
    /// A repeatable group of entries of another record (e.g. household members).
    Group,
    /// A reference to another record.
    Reference,
    /// An appointment slot booked from the service's `appointments`.
    Appointment,
}

impl FieldType {
    /// The type of this field's value in expressions.
    pub fn value_type(self) -> ValueType {
        match self {
            FieldType::Number => ValueType::Number,
            FieldType::Money => ValueType::Money,
            FieldType::Date => ValueType::Date,
            FieldType::Datetime | FieldType::Appointment => ValueType::Datetime,
            FieldType::Time => ValueType::Time,
            FieldType::Boolean => ValueType::Boolean,
            FieldType::Group => ValueType::List,
            _ => ValueType::Text,
        }
    }
}

/// The types values have in expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    /// Text.
    Text,
    /// A number.
    Number,
    /// An amount of money.
    Money,
    /// Yes or no.
    Boolean,
    /// A calendar date.
    Date,
    /// A date and time.
    Datetime,
    /// A time of day.
    Time,
    /// A list of group entries.
    List,
}

impl ValueType {
    /// The type's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            ValueType::Text => "text",
            ValueType::Number => "number",
            ValueType::Money => "money",
            ValueType::Boolean => "boolean",
            ValueType::Date => "date",
            ValueType::Datetime => "datetime",
            ValueType::Time => "time",
            ValueType::List => "list",
        }
    }
}

/// A value computed from the answers, e.g. an age or an eligibility score.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Computed {
    /// Its id, usable in other expressions like a field.
    pub id: Name,
    /// What it is called, per language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Localized>,
    /// The type it must have; checked against the expression.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Spanned<ValueType>>,
    /// The expression, e.g. `age(date_of_birth)`.
    pub expr: Expr,
}
