//! Records, fields, reference lists and computed values: the data a service keeps.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::common::EXAMPLE;
use super::common::{Expr, Localized, Name, Spanned};

/// A named list of choices, e.g. the relationships within a household.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefList {
    /// The list's id, used by choice fields as `list: <id>`.
    #[schemars(transform = crate::rules::snake_id)]
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
    #[schemars(transform = crate::rules::snake_id)]
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
    #[schemars(transform = crate::rules::snake_id)]
    pub id: Name,
    /// What kind of value it holds.
    #[serde(rename = "type")]
    pub kind: Spanned<FieldType>,
    /// The question or label shown, per language.
    pub label: Localized,
    /// The label the back office shows, per language, e.g. `Applicant's full name` for
    /// `Your full name`; without it the office makes the `label` neutral.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_label: Option<Localized>,
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
    /// An answer as an applicant would give it, e.g. a national ID number the sandbox
    /// knows: shown in the service's OpenAPI document and checked by `check` against the
    /// field's own rules. A list for a choice field with `multiple`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Spanned<Example>>,
}

/// A field's example answer, as written in the blueprint: one value (its text as
/// written, so `07701234567` keeps its leading zero; the field's type says whether it is
/// a number or a yes/no), or a list of values for a choice field with `multiple`.
#[derive(Debug, Clone, PartialEq)]
pub enum Example {
    /// One value.
    One(Spanned<String>),
    /// A list of values.
    Many(Vec<Spanned<String>>),
}

impl Example {
    /// The answer as JSON on `today`, the way an applicant's client would send it for
    /// the field `f`: a number for `number` and `money`, `true`/`false` for `boolean`, a
    /// list for a choice field with `multiple`, the date for a `date` written like a
    /// bound relative to today (`today - 12d`), text otherwise. A value that does not
    /// read as its type is left as text, for the runtime's checks to name.
    pub fn to_json(&self, f: &Field, today: crate::expr::Date) -> serde_json::Value {
        use serde_json::Value as Json;
        let one = |text: &str| -> Json {
            match f.kind.value {
                FieldType::Date => match self.relative_date() {
                    Some(bound) => Json::String(bound.resolve(today).to_string()),
                    None => Json::String(text.to_string()),
                },
                FieldType::Number | FieldType::Money => text
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .and_then(|n| {
                        if n.fract() == 0.0 && n.abs() < 9.0e15 {
                            Some(Json::from(n as i64))
                        } else {
                            serde_json::Number::from_f64(n).map(Json::Number)
                        }
                    })
                    .unwrap_or_else(|| Json::String(text.to_string())),
                FieldType::Boolean => match text.trim() {
                    "true" | "True" | "TRUE" => Json::Bool(true),
                    "false" | "False" | "FALSE" => Json::Bool(false),
                    other => Json::String(other.to_string()),
                },
                _ => Json::String(text.to_string()),
            }
        };
        match self {
            Example::One(v) if f.kind.value == FieldType::Choice && f.multiple => {
                Json::Array(vec![one(v)])
            }
            Example::One(v) => one(v),
            Example::Many(items) => Json::Array(items.iter().map(|v| one(v)).collect()),
        }
    }
}

impl Example {
    /// The bound relative to today this example is written as, e.g. `today - 12d`.
    pub fn relative_date(&self) -> Option<crate::dates::DateBound> {
        match self {
            Example::One(text) => crate::dates::parse_date_bound(text)
                .filter(|b| matches!(b, crate::dates::DateBound::Today { .. })),
            Example::Many(_) => None,
        }
    }
}

impl<'de> Deserialize<'de> for Example {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ExampleVisitor;
        impl<'de> Visitor<'de> for ExampleVisitor {
            type Value = Example;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value, or a list of choices")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Example, D::Error> {
                Spanned::<String>::deserialize(deserializer).map(Example::One)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Example, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Example::Many(items))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Example, E> {
                Ok(Example::One(Spanned::new(
                    Default::default(),
                    v.to_string(),
                )))
            }
        }
        deserializer.deserialize_newtype_struct(EXAMPLE, ExampleVisitor)
    }
}

impl Serialize for Example {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Example::One(v) => v.serialize(serializer),
            Example::Many(items) => items.serialize(serializer),
        }
    }
}

impl JsonSchema for Example {
    fn schema_name() -> Cow<'static, str> {
        "Example".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An answer as an applicant would give it: a text, a number or true/false, or a list of choices for a choice field with `multiple`.",
            "anyOf": [
                { "type": ["string", "number", "boolean"] },
                { "type": "array", "items": { "type": ["string", "number", "boolean"] } }
            ]
        })
    }
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
    #[schemars(transform = crate::rules::snake_id)]
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
