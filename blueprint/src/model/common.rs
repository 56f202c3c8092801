//! Building blocks shared by every part of a blueprint: positions, texts per language,
//! durations and "one or many" values.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::source::Span;

/// The names of the private serde protocols by which the loader ([`crate::de`]) tells
/// these types where their value was written.
pub(crate) const SPANNED: &str = "$quickwin::Spanned";
pub(crate) const ONE_OR_MANY: &str = "$quickwin::OneOrMany";
pub(crate) const LOCALIZED: &str = "$quickwin::Localized";
pub(crate) const EXAMPLE: &str = "$quickwin::Example";

/// A value together with where it was written in the blueprint.
///
/// Equality, ordering and hashing look at the value only.
#[derive(Debug, Clone, Default)]
pub struct Spanned<T> {
    /// Where the value was written.
    pub span: Span,
    /// The value.
    pub value: T,
}

impl<T> Spanned<T> {
    /// A value with a position.
    pub fn new(span: Span, value: T) -> Self {
        Spanned { span, value }
    }
}

impl Spanned<String> {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl AsRef<str> for Spanned<String> {
    fn as_ref(&self) -> &str {
        &self.value
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<T: Eq> Eq for Spanned<T> {}
impl<T: PartialOrd> PartialOrd for Spanned<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.value.partial_cmp(&other.value)
    }
}
impl<T: Ord> Ord for Spanned<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}
impl<T: std::hash::Hash> std::hash::Hash for Spanned<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SpannedVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for SpannedVisitor<T> {
            type Value = Spanned<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Spanned<T>, A::Error> {
                let missing = || de::Error::custom("a position was expected");
                let start: u64 = seq.next_element()?.ok_or_else(missing)?;
                let end: u64 = seq.next_element()?.ok_or_else(missing)?;
                let value: T = seq.next_element()?.ok_or_else(missing)?;
                Ok(Spanned::new(Span::new(start as usize, end as usize), value))
            }
        }
        deserializer.deserialize_tuple_struct(SPANNED, 3, SpannedVisitor(PhantomData))
    }
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// A name that points at another part of the blueprint (a state, a role, a field…).
pub type Name = Spanned<String>;

/// An expression in the blueprint's expression language, as written.
pub type Expr = Spanned<String>;

/// One value or a list of them: `from: submitted` or `from: [submitted, reviewed]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> OneOrMany<T> {
    /// The values.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ManyVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ManyVisitor<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or a list of values")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(OneOrMany(items))
            }
        }
        deserializer.deserialize_newtype_struct(ONE_OR_MANY, ManyVisitor(PhantomData))
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<T: JsonSchema> JsonSchema for OneOrMany<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("OneOrMany_{}", T::schema_name()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let one = generator.subschema_for::<T>();
        json_schema!({
            "anyOf": [one, { "type": "array", "items": one }]
        })
    }
}

/// The key under which a text that is the same in every language is kept.
pub const ANY_LANGUAGE: &str = "*";

/// A text in several languages: `{en: Birth certificate, ar: شهادة الميلاد}`.
///
/// A plain text (`label: Name`) counts for every language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Localized(pub BTreeMap<String, String>);

impl Localized {
    /// The text in `language`, else the text for every language, else any text.
    pub fn get(&self, language: &str) -> &str {
        self.0
            .get(language)
            .or_else(|| self.0.get(ANY_LANGUAGE))
            .or_else(|| self.0.values().next())
            .map_or("", String::as_str)
    }

    /// Every text, whatever its language.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.0.values().map(String::as_str)
    }
}

impl<'de> Deserialize<'de> for Localized {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LocalizedVisitor;
        impl<'de> Visitor<'de> for LocalizedVisitor {
            type Value = Localized;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a text per language")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Localized, E> {
                Ok(Localized(BTreeMap::from([(
                    ANY_LANGUAGE.to_string(),
                    v.to_string(),
                )])))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Localized, A::Error> {
                let mut texts = BTreeMap::new();
                while let Some((language, text)) = map.next_entry::<String, String>()? {
                    texts.insert(language, text);
                }
                Ok(Localized(texts))
            }
        }
        deserializer.deserialize_newtype_struct(LOCALIZED, LocalizedVisitor)
    }
}

impl Serialize for Localized {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl JsonSchema for Localized {
    fn schema_name() -> Cow<'static, str> {
        "Localized".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A text per language, e.g. `{en: Birth certificate, ar: شهادة الميلاد}`; a plain text counts for every language.",
            "anyOf": [
                { "type": "string" },
                {
                    "type": "object",
                    "propertyNames": {
                        "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$",
                        "patternErrorMessage": "this is not a language code: write a text per language, e.g. `{en: Name, ar: الاسم}`"
                    },
                    "additionalProperties": { "type": "string" },
                    "minProperties": 1
                }
            ]
        })
    }
}

/// A length of time: `30m`, `2h`, `3d` (calendar days) or `2w`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration {
    /// The length in minutes.
    pub minutes: u64,
}

impl Duration {
    /// Parse `30m`, `2h`, `3d`, `2w`.
    pub fn parse(text: &str) -> Option<Duration> {
        let text = text.trim();
        let split = text.find(|c: char| !c.is_ascii_digit())?;
        let (number, unit) = text.split_at(split);
        let n: u64 = number.parse().ok()?;
        let per = match unit.trim() {
            "m" | "min" => 1,
            "h" => 60,
            "d" => 60 * 24,
            "w" => 60 * 24 * 7,
            _ => return None,
        };
        n.checked_mul(per).map(|minutes| Duration { minutes })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.minutes;
        match m {
            0 => write!(f, "0m"),
            _ if m % (60 * 24 * 7) == 0 => write!(f, "{}w", m / (60 * 24 * 7)),
            _ if m % (60 * 24) == 0 => write!(f, "{}d", m / (60 * 24)),
            _ if m % 60 == 0 => write!(f, "{}h", m / 60),
            _ => write!(f, "{m}m"),
        }
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Duration::parse(&text).ok_or_else(|| {
            de::Error::custom(format!(
                "invalid duration `{text}`; expected a number and a unit, like `30m`, `2h`, `3d` or `2w`"
            ))
        })
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A length of time: a number and a unit, `m` (minutes), `h` (hours), `d` (calendar days) or `w` (weeks), e.g. `30m`, `2h`, `3d`.",
            "type": "string",
            "pattern": "^\\s*[0-9]+\\s*(m|min|h|d|w)\\s*$",
            "patternErrorMessage": "this is not a length of time: write a number and a unit, `m` (minutes), `h` (hours), `d` (days) or `w` (weeks), e.g. `30m`, `2h`, `3d`"
        })
    }
}

/// The schema of a field's `min`/`max`: a number, or a date bound as text.
pub struct Bound;

impl JsonSchema for Bound {
    fn schema_name() -> Cow<'static, str> {
        "Bound".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number, or for dates `today`, `today - 18y`, `today + 30d` or a date like `2020-01-31`.",
            "anyOf": [{ "type": "number" }, { "type": "string" }]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print() {
        assert_eq!(Duration::parse("30m").unwrap().minutes, 30);
        assert_eq!(Duration::parse("2h").unwrap().minutes, 120);
        assert_eq!(Duration::parse("3d").unwrap().to_string(), "3d");
        assert_eq!(Duration::parse("14d").unwrap().to_string(), "2w");
        assert_eq!(Duration::parse("90m").unwrap().to_string(), "90m");
        assert!(Duration::parse("3 days").is_none());
        assert!(Duration::parse("d").is_none());
        assert!(Duration::parse("99999999999999999999d").is_none());
    }

    #[test]
    fn localized_falls_back() {
        let text = Localized(BTreeMap::from([("en".into(), "Name".into())]));
        assert_eq!(text.get("ar"), "Name");
        let any = Localized(BTreeMap::from([(ANY_LANGUAGE.into(), "X".into())]));
        assert_eq!(any.get("en"), "X");
    }
}
