//! Reads model types out of a [`Node`] tree with serde, keeping every position.
//!
//! Unlike a plain serde deserializer it does not stop at the first problem: unknown keys
//! are reported and skipped, a leaf of the wrong type is reported and replaced by a
//! placeholder, and a broken list item is reported and left out, so one run of `check`
//! shows every shape error in the file. The value is only handed out when there were
//! none. [`Spanned`] fields learn where they were written.
//!
//! Why this file is longer than the others (about 850 lines): serde's `Deserializer`
//! trait wants its thirty-odd methods in one `impl`, and the sequence, map, enum and
//! spanned accessors it hands out belong beside it; split, each would be read only with
//! the others open.

use std::cell::RefCell;
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{EXAMPLE, LOCALIZED, ONE_OR_MANY, SPANNED};
pub use crate::phrase::{all_of, either, one_of};
use crate::source::Span;
use crate::suggest;
use crate::yaml::{Kind, Node, Style, is_null_word};

/// A place where a text per language was written, and the languages it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSite {
    /// Where the text is.
    pub span: Span,
    /// The language codes it has, in the order written (`*` for a plain text).
    pub languages: Vec<String>,
    /// The language codes whose text is empty.
    pub empty: Vec<String>,
}

/// What decoding found besides the value.
#[derive(Debug, Default)]
pub struct Decoded<T> {
    /// The value, when there was no error.
    pub value: Option<T>,
    /// Every problem found.
    pub diagnostics: Vec<Diagnostic>,
    /// Every translated text, for the language checks.
    pub texts: Vec<TextSite>,
}

#[derive(Default)]
struct Ctx {
    diagnostics: RefCell<Vec<Diagnostic>>,
    texts: RefCell<Vec<TextSite>>,
}

impl Ctx {
    fn report(&self, diagnostic: Diagnostic) {
        self.diagnostics.borrow_mut().push(diagnostic);
    }
}

/// Decode a value of `T` from a tree.
pub fn decode<T: DeserializeOwned>(root: &Node) -> Decoded<T> {
    let ctx = Ctx::default();
    let value = match T::deserialize(NodeDe {
        node: root,
        ctx: &ctx,
    }) {
        Ok(value) => Some(value),
        Err(error) => {
            if let Some(diagnostic) = error.into_diagnostic(root.span) {
                ctx.report(diagnostic);
            }
            None
        }
    };
    let diagnostics = ctx.diagnostics.into_inner();
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    Decoded {
        value: value.filter(|_| !failed),
        diagnostics,
        texts: ctx.texts.into_inner(),
    }
}

/// A decoding error on its way up; `None` once it has been reported.
#[derive(Debug)]
pub struct DeError(Option<Box<Diagnostic>>);

impl DeError {
    fn reported() -> Self {
        DeError(None)
    }

    fn new(code: Code, message: impl Into<String>) -> Self {
        DeError(Some(Box::new(Diagnostic::error(
            code,
            Span::default(),
            message,
        ))))
    }

    fn with_help(mut self, help: Option<String>) -> Self {
        if let Some(d) = &mut self.0 {
            d.help = help.or(d.help.take());
        }
        self
    }

    /// The diagnostic, placed at `span` unless it already has a place.
    fn into_diagnostic(self, span: Span) -> Option<Diagnostic> {
        self.0.map(|d| {
            let mut d = *d;
            if d.span == Span::default() {
                d.span = span;
            }
            d
        })
    }

    fn locate(self, span: Span) -> Self {
        DeError(self.into_diagnostic(span).map(Box::new))
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(d) => f.write_str(&d.message),
            None => f.write_str("reported"),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError::new(Code::InvalidValue, msg.to_string())
    }

    fn missing_field(field: &'static str) -> Self {
        DeError::new(Code::MissingKey, format!("missing key `{field}`"))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        DeError::new(
            Code::InvalidValue,
            format!(
                "unknown value `{variant}`; expected {}",
                one_of(expected.iter().copied())
            ),
        )
        .with_help(suggest::did_you_mean(variant, expected.iter().copied()))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        DeError::new(Code::UnknownKey, format!("unknown key `{field}`"))
            .with_help(suggest::did_you_mean(field, expected.iter().copied()))
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        DeError::new(Code::WrongType, format!("expected {exp}, found {unexp}"))
    }

    fn invalid_length(len: usize, exp: &dyn de::Expected) -> Self {
        DeError::new(
            Code::WrongType,
            format!("expected {exp}, found {len} items"),
        )
    }
}

/// "FeeBand" → "fee band": a type name as words, for messages; the few whose name is
/// not a noun that reads well after "a" or "this" are named as authors know them.
fn words(name: &str) -> String {
    match name {
        "Computed" => return "computed value".to_string(),
        "Appointments" => return "appointments section".to_string(),
        "RefList" => return "list of choices".to_string(),
        _ => {}
    }
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[derive(Clone, Copy)]
struct NodeDe<'a> {
    node: &'a Node,
    ctx: &'a Ctx,
}

impl<'a> NodeDe<'a> {
    fn wrong(&self, expected: &str) -> DeError {
        let help = match (&self.node.kind, expected) {
            (Kind::Scalar(s, Style::Plain), "true or false")
                if matches!(s.to_lowercase().as_str(), "yes" | "no" | "on" | "off" | "y" | "n") =>
            {
                Some("write `true` or `false`".to_string())
            }
            (Kind::Scalar(s, _), "a number" | "a whole number")
                if s.contains(',') || s.contains('_') =>
            {
                Some("write numbers without separators, e.g. `5000`".to_string())
            }
            (Kind::Scalar(s, Style::Plain), "text") if is_null_word(s) => Some(
                "write the text after the colon; inside `{…}` a text with a comma or a colon must be put in quotes"
                    .to_string(),
            ),
            // `en: {tracking}` is a mapping in YAML, with the key `tracking` and no value.
            (Kind::Map(items), "text")
                if items.len() == 1 && items[0].1.is_null() && items[0].0.as_str().is_some() =>
            {
                let key = items[0].0.as_str().unwrap_or_default();
                Some(format!(
                    "a text that starts with `{{` must be put in quotes: `\"{{{key}}}\"`"
                ))
            }
            (Kind::Scalar(..), "a mapping") => {
                Some("indent the keys that belong here on the lines below".to_string())
            }
            (Kind::Scalar(..), "a list") => {
                Some("start each item of a list on its own line with `- `".to_string())
            }
            _ => None,
        };
        DeError::new(
            Code::WrongType,
            format!("expected {expected}, found {}", self.node.describe()),
        )
        .with_help(help)
    }

    /// Report a wrong leaf and carry on with a placeholder.
    fn placeholder(&self, expected: &str) {
        if let Some(d) = self.wrong(expected).into_diagnostic(self.node.span) {
            self.ctx.report(d);
        }
    }

    fn scalar(&self) -> Option<&'a str> {
        match &self.node.kind {
            Kind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    fn number(&self) -> Option<f64> {
        let s = self.scalar()?.trim();
        if s.is_empty()
            || s.contains(['_', ','])
            || s.eq_ignore_ascii_case("nan")
            || s.contains("inf")
        {
            return None;
        }
        s.parse::<f64>().ok().filter(|n| n.is_finite())
    }

    fn seq(&self, items: &'a [Node]) -> SeqDe<'a> {
        SeqDe {
            items: items.iter(),
            ctx: self.ctx,
        }
    }
}

macro_rules! integer {
    ($method:ident, $visit:ident, $ty:ty) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            let value = self.scalar().and_then(|s| s.trim().parse::<$ty>().ok());
            match value {
                Some(n) => visitor.$visit(n),
                None => {
                    self.placeholder("a whole number");
                    visitor.$visit(0)
                }
            }
            .map_err(|e: DeError| e.locate(self.node.span))
        }
    };
}

impl<'de, 'a> de::Deserializer<'de> for NodeDe<'a> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.kind {
            Kind::Scalar(s, Style::Plain) if is_null_word(s) => visitor.visit_unit(),
            Kind::Scalar(s, Style::Plain) if s == "true" || s == "false" => {
                visitor.visit_bool(s == "true")
            }
            Kind::Scalar(s, Style::Plain) if s.parse::<i64>().is_ok() => {
                visitor.visit_i64(s.parse::<i64>().unwrap_or_default())
            }
            Kind::Scalar(s, Style::Plain) if self.number().is_some() => {
                visitor.visit_f64(s.parse::<f64>().unwrap_or_default())
            }
            Kind::Scalar(s, _) => visitor.visit_str(s),
            Kind::Seq(items) => visitor.visit_seq(self.seq(items)),
            Kind::Map(items) => visitor.visit_map(MapDe::all(items, self.ctx)),
        };
        result.map_err(|e: DeError| e.locate(self.node.span))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.scalar() {
            Some("true" | "True" | "TRUE") => visitor.visit_bool(true),
            Some("false" | "False" | "FALSE") => visitor.visit_bool(false),
            _ => {
                self.placeholder("true or false");
                visitor.visit_bool(false)
            }
        }
    }

    integer!(deserialize_i8, visit_i8, i8);
    integer!(deserialize_i16, visit_i16, i16);
    integer!(deserialize_i32, visit_i32, i32);
    integer!(deserialize_i64, visit_i64, i64);
    integer!(deserialize_u8, visit_u8, u8);
    integer!(deserialize_u16, visit_u16, u16);
    integer!(deserialize_u32, visit_u32, u32);
    integer!(deserialize_u64, visit_u64, u64);

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.number() {
            Some(n) => visitor.visit_f64(n),
            None => {
                self.placeholder("a number");
                visitor.visit_f64(0.0)
            }
        }
        .map_err(|e: DeError| e.locate(self.node.span))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            Kind::Scalar(s, Style::Plain) if is_null_word(s) => {
                self.placeholder("text");
                visitor.visit_str("")
            }
            Kind::Scalar(s, _) => visitor.visit_str(s),
            _ => {
                self.placeholder("text");
                visitor.visit_str("")
            }
        }
        .map_err(|e: DeError| e.locate(self.node.span))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.node.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match name {
            ONE_OR_MANY => match &self.node.kind {
                Kind::Seq(items) => visitor.visit_seq(self.seq(items)),
                _ => visitor.visit_seq(self.seq(std::slice::from_ref(self.node))),
            },
            LOCALIZED => match &self.node.kind {
                Kind::Map(items) => {
                    let name = |k: &Node| k.as_str().map(str::to_string);
                    self.ctx.texts.borrow_mut().push(TextSite {
                        span: self.node.span,
                        languages: items.iter().filter_map(|(k, _)| name(k)).collect(),
                        empty: items
                            .iter()
                            .filter(|(_, v)| v.as_str().is_some_and(|t| t.trim().is_empty()))
                            .filter_map(|(k, _)| name(k))
                            .collect(),
                    });
                    visitor.visit_map(MapDe::all(items, self.ctx))
                }
                Kind::Scalar(s, _) if !self.node.is_null() => {
                    self.ctx.texts.borrow_mut().push(TextSite {
                        span: self.node.span,
                        languages: vec![crate::model::ANY_LANGUAGE.to_string()],
                        empty: if s.trim().is_empty() {
                            vec![crate::model::ANY_LANGUAGE.to_string()]
                        } else {
                            Vec::new()
                        },
                    });
                    visitor.visit_str(s)
                }
                _ => Err(self.wrong("a text, or a text per language like `{en: …, ar: …}`")),
            },
            // An example answer: a list, or one value kept as written (`07701234567`
            // stays text with its leading zero; the field's type says what it is).
            EXAMPLE => match &self.node.kind {
                Kind::Seq(items) => visitor.visit_seq(self.seq(items)),
                Kind::Scalar(..) => visitor.visit_newtype_struct(self),
                Kind::Map(_) => Err(self.wrong("a value, or a list of choices")),
            },
            _ => visitor.visit_newtype_struct(self),
        }
        .map_err(|e: DeError| e.locate(self.node.span))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            Kind::Seq(items) => visitor.visit_seq(self.seq(items)),
            _ => Err(self.wrong("a list")),
        }
        .map_err(|e: DeError| e.locate(self.node.span))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        if name == SPANNED {
            return visitor.visit_seq(SpannedDe {
                node: self,
                step: 0,
            });
        }
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            Kind::Map(items) => visitor.visit_map(MapDe::all(items, self.ctx)),
            _ if self.node.is_null() => visitor.visit_map(MapDe::all(&[], self.ctx)),
            _ => Err(self.wrong("a mapping")),
        }
        .map_err(|e: DeError| e.locate(self.node.span))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let Kind::Map(items) = &self.node.kind else {
            let error = self.wrong(&format!("a mapping ({})", article(&words(name))));
            if let Some(d) = error.into_diagnostic(self.node.span) {
                self.ctx.report(d);
            }
            return Err(DeError::reported());
        };
        let mut known = Vec::with_capacity(items.len());
        for (key, value) in items {
            let Some(k) = key.as_str() else {
                continue;
            };
            if fields.contains(&k) {
                known.push((key, value));
            } else {
                let help = suggest::did_you_mean(k, fields.iter().copied()).unwrap_or_else(|| {
                    format!(
                        "the keys of {} are {}",
                        article(&words(name)),
                        all_of(fields.iter().copied())
                    )
                });
                self.ctx.report(
                    Diagnostic::error(
                        Code::UnknownKey,
                        key.span,
                        format!("unknown key `{k}` in {}", article(&words(name))),
                    )
                    .with_help(help),
                );
            }
        }
        visitor
            .visit_map(MapDe {
                items: known.into_iter(),
                value: None,
                ctx: self.ctx,
            })
            .map_err(|e| match e.0 {
                Some(d) if d.code == Code::MissingKey && d.span == Span::default() => {
                    let key = d.message.trim_start_matches("missing key ").to_string();
                    DeError(Some(Box::new(Diagnostic {
                        message: format!("this {} has no {key}", words(name)),
                        span: self.node.span,
                        help: Some(format!("add {}: …` to it", key.trim_end_matches('`'))),
                        ..*d
                    })))
                }
                other => DeError(other).locate(self.node.span),
            })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let result = match &self.node.kind {
            Kind::Scalar(s, _) if !self.node.is_null() => visitor.visit_enum(EnumDe {
                variant: self.node,
                value: None,
                ctx: self.ctx,
            }),
            Kind::Map(items) if items.len() == 1 => visitor.visit_enum(EnumDe {
                variant: &items[0].0,
                value: Some(&items[0].1),
                ctx: self.ctx,
            }),
            _ => Err(self.wrong(&format!(
                "{}: {}",
                article(&words(name)),
                one_of(variants.iter().copied())
            ))),
        };
        result.map_err(|e| match e.0 {
            Some(d) if d.code == Code::InvalidValue && d.message.starts_with("unknown value") => {
                DeError(Some(Box::new(Diagnostic {
                    message: d.message.replacen(
                        "unknown value",
                        &format!("unknown {}", words(name)),
                        1,
                    ),
                    ..*d
                })))
                .locate(self.node.span)
            }
            other => DeError(other).locate(self.node.span),
        })
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

fn article(noun: &str) -> String {
    let an = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if an { "an" } else { "a" })
}

struct SeqDe<'a> {
    items: std::slice::Iter<'a, Node>,
    ctx: &'a Ctx,
}

impl<'de> SeqAccess<'de> for SeqDe<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        // A broken item is reported and ends the list here: `seed` can be used only
        // once, so the items after it cannot be read, but the rest of the file can.
        let Some(node) = self.items.next() else {
            return Ok(None);
        };
        match seed.deserialize(NodeDe {
            node,
            ctx: self.ctx,
        }) {
            Ok(value) => Ok(Some(value)),
            Err(error) => {
                if let Some(d) = error.into_diagnostic(node.span) {
                    self.ctx.report(d);
                }
                self.items = [].iter();
                Ok(None)
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapDe<'a, I> {
    items: I,
    value: Option<&'a Node>,
    ctx: &'a Ctx,
}

impl<'a> MapDe<'a, std::vec::IntoIter<(&'a Node, &'a Node)>> {
    fn all(items: &'a [(Node, Node)], ctx: &'a Ctx) -> Self {
        MapDe {
            items: items
                .iter()
                .map(|(k, v)| (k, v))
                .collect::<Vec<_>>()
                .into_iter(),
            value: None,
            ctx,
        }
    }
}

impl<'de, 'a, I: Iterator<Item = (&'a Node, &'a Node)>> MapAccess<'de> for MapDe<'a, I> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((key, value)) = self.items.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(NodeDe {
            node: key,
            ctx: self.ctx,
        })
        .map(Some)
        .map_err(|e| e.locate(key.span))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let Some(node) = self.value.take() else {
            return Err(DeError::new(Code::YamlSyntax, "a key without a value"));
        };
        seed.deserialize(NodeDe {
            node,
            ctx: self.ctx,
        })
        .map_err(|e| e.locate(node.span))
    }
}

struct EnumDe<'a> {
    variant: &'a Node,
    value: Option<&'a Node>,
    ctx: &'a Ctx,
}

impl<'de, 'a> EnumAccess<'de> for EnumDe<'a> {
    type Error = DeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), DeError> {
        let node = NodeDe {
            node: self.variant,
            ctx: self.ctx,
        };
        let value = seed
            .deserialize(node)
            .map_err(|e| e.locate(self.variant.span))?;
        Ok((value, self))
    }
}

impl<'de> VariantAccess<'de> for EnumDe<'_> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        match self.value {
            None => Ok(()),
            Some(v) if v.is_null() => Ok(()),
            Some(v) => Err(DeError::new(
                Code::WrongType,
                format!(
                    "`{}` takes no value here",
                    self.variant.as_str().unwrap_or("")
                ),
            )
            .locate(v.span)),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        let node = self.value.unwrap_or(self.variant);
        seed.deserialize(NodeDe {
            node,
            ctx: self.ctx,
        })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, DeError> {
        let node = self.value.unwrap_or(self.variant);
        de::Deserializer::deserialize_tuple(
            NodeDe {
                node,
                ctx: self.ctx,
            },
            len,
            visitor,
        )
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let node = self.value.unwrap_or(self.variant);
        de::Deserializer::deserialize_struct(
            NodeDe {
                node,
                ctx: self.ctx,
            },
            "value",
            fields,
            visitor,
        )
    }
}

struct SpannedDe<'a> {
    node: NodeDe<'a>,
    step: u8,
}

impl<'de> SeqAccess<'de> for SpannedDe<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        self.step += 1;
        let span = self.node.node.span;
        match self.step {
            1 => seed
                .deserialize((span.start as u64).into_deserializer())
                .map(Some),
            2 => seed
                .deserialize((span.end as u64).into_deserializer())
                .map(Some),
            3 => seed.deserialize(self.node).map(Some),
            _ => Ok(None),
        }
    }
}

impl From<de::value::Error> for DeError {
    fn from(error: de::value::Error) -> Self {
        DeError::new(Code::InvalidValue, error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_in_words_say_one_of_once() {
        assert_eq!(one_of(["a"]), "`a`");
        assert_eq!(one_of(["a", "b", "c"]), "one of `a`, `b` or `c`");
        assert_eq!(all_of(["a", "b", "c"]), "`a`, `b` and `c`");
        assert_eq!(either(["ar", "en"]), "`ar` or `en`");
        let help = format!("placeholders are {}", one_of(["x", "y"]));
        assert!(!help.contains("one of one of"), "{help}");
    }

    #[test]
    fn type_names_read_well_after_an_article() {
        assert_eq!(article(&words("FeeBand")), "a fee band");
        assert_eq!(article(&words("Integration")), "an integration");
        assert_eq!(article(&words("Computed")), "a computed value");
        assert_eq!(article(&words("Appointments")), "an appointments section");
        assert_eq!(article(&words("RefList")), "a list of choices");
    }
}
