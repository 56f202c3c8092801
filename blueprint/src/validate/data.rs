//! Checks of records, fields and computed values.

use crate::dates::{DateBound, parse_date_bound};
use regex::Regex;

use super::{IdStyle, Validator};
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{Scope, Ty, Var};
use crate::model::{Field, FieldType as F, Spanned};

/// Names the engine gives every application; fields may not take them.
pub const RESERVED_FIELDS: &[&str] = &[
    "tracking",
    "state",
    "submitted_at",
    "updated_at",
    "access_code",
    "access_code_hash",
    "id",
    "case_id",
    "position",
];

impl Validator<'_> {
    pub(super) fn records(&mut self) {
        let bp = self.bp;
        self.unique(bp.records.iter().map(|r| &r.id), "record");
        let ids: Vec<&str> = bp.records.iter().map(|r| r.id.as_str()).collect();
        self.known(
            &bp.workflow.record,
            ids.iter().copied(),
            Code::UnknownReference,
            "record",
        );
        for record in &bp.records {
            self.id(&record.id, "record", IdStyle::Snake);
            if record.fields.is_empty() {
                self.error(
                    Code::InvalidValue,
                    record.id.span,
                    format!("the record `{}` has no fields", record.id),
                );
            }
            // A record's fields see the application's fields and computed values, and a
            // group's entries also see their own fields.
            let mut scope = self.scope.clone();
            if record.id != bp.workflow.record {
                for f in &record.fields {
                    scope.vars.insert(f.id.value.clone(), self.var(f));
                }
            }
            for field in &record.fields {
                self.field(field, &scope);
                if RESERVED_FIELDS.contains(&field.id.as_str()) {
                    self.error(
                        Code::InvalidValue,
                        field.id.span,
                        format!(
                            "`{}` is a name the engine gives every application",
                            field.id
                        ),
                    )
                    .help = Some("give the field another id".into());
                }
            }
            self.unique(record.fields.iter().map(|f| &f.id), "field");
        }
    }

    /// Check one field (of a record, or an input of a transition).
    pub(super) fn field(&mut self, f: &Field, scope: &Scope) {
        let bp = self.bp;
        self.id(&f.id, "field", IdStyle::Snake);
        let kind = f.kind.value;
        let kind_name = serde_json::to_value(kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let inapplicable = |v: &mut Self, key: &str, span: crate::source::Span, fits: &str| {
            v.error(
                Code::InapplicableKey,
                span,
                format!("`{key}` does not apply to a `{kind_name}` field"),
            )
            .help = Some(format!(
                "`{key}` is for {fits} fields; remove it or change the `type`"
            ));
        };
        let texty = matches!(kind, F::Text | F::LongText);
        for (key, value) in [("min_length", &f.min_length), ("max_length", &f.max_length)] {
            if let (Some(v), false) = (value, texty) {
                inapplicable(self, key, v.span, "`text` and `long_text`");
            }
        }
        if let (Some(min), Some(max)) = (&f.min_length, &f.max_length) {
            if min.value > max.value {
                let d = Diagnostic::error(
                    Code::Inconsistent,
                    min.span,
                    format!(
                        "`min_length` {} is more than `max_length` {}",
                        min.value, max.value
                    ),
                )
                .with_label(max.span, "the maximum");
                self.push(d);
            }
        }
        if let Some(p) = &f.pattern {
            if !texty && !matches!(kind, F::NationalId | F::Phone) {
                inapplicable(
                    self,
                    "pattern",
                    p.span,
                    "`text`, `long_text`, `national_id` and `phone`",
                );
            } else if let Err(e) = Regex::new(&format!("^(?:{})$", p.value)) {
                let detail = e
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .trim()
                    .trim_start_matches("error: ")
                    .to_string();
                self.error(
                    Code::InvalidValue,
                    p.span,
                    format!("the pattern is not a valid regular expression: {detail}"),
                );
            }
        }
        if f.pattern_message.is_some() && f.pattern.is_none() {
            self.error(
                Code::InapplicableKey,
                f.id.span,
                format!(
                    "the field `{}` has a `pattern_message` but no `pattern`",
                    f.id
                ),
            )
            .help =
                Some("add the `pattern` the message explains, or remove `pattern_message`".into());
        }
        let bounds = [("min", &f.min), ("max", &f.max)];
        for (key, value) in bounds {
            let Some(v) = value else { continue };
            match kind {
                F::Number | F::Money => {
                    if v.trim().parse::<f64>().map_or(true, |n| !n.is_finite()) {
                        self.error(
                            Code::InvalidValue,
                            v.span,
                            format!(
                                "`{key}` of a {kind_name} field must be a number, found `{}`",
                                v.value
                            ),
                        );
                    }
                }
                F::Date => {
                    if parse_date_bound(v).is_none() {
                        self.error(Code::InvalidValue, v.span, format!("`{}` is not a date bound", v.value)).help =
                            Some("write `today`, `today - 18y`, `today + 30d` or a date like `2020-01-31`".into());
                    }
                }
                _ => inapplicable(self, key, v.span, "`number`, `money` and `date`"),
            }
        }
        if let (F::Number | F::Money, Some(min), Some(max)) = (kind, &f.min, &f.max) {
            if let (Ok(a), Ok(b)) = (min.trim().parse::<f64>(), max.trim().parse::<f64>()) {
                if a > b {
                    let d = Diagnostic::error(
                        Code::Inconsistent,
                        min.span,
                        format!("`min` {a} is more than `max` {b}"),
                    )
                    .with_label(max.span, "the maximum");
                    self.push(d);
                }
            }
        }
        if let (F::Date, Some(min), Some(max)) = (kind, &f.min, &f.max) {
            let later = match (parse_date_bound(min), parse_date_bound(max)) {
                (Some(DateBound::Fixed(a)), Some(DateBound::Fixed(b))) => a > b,
                (
                    Some(DateBound::Today {
                        years: y1,
                        days: d1,
                    }),
                    Some(DateBound::Today {
                        years: y2,
                        days: d2,
                    }),
                ) => y1 * 366 + d1 > y2 * 366 + d2,
                _ => false,
            };
            if later {
                let d = Diagnostic::error(
                    Code::Inconsistent,
                    min.span,
                    format!(
                        "`min` `{}` is later than `max` `{}`, so no date fits",
                        min.value, max.value
                    ),
                )
                .with_label(max.span, "the maximum");
                self.push(d);
            }
        }
        if kind == F::Choice {
            match (&f.list, f.options.is_empty()) {
                (Some(list), false) => {
                    self.error(
                        Code::Inconsistent,
                        list.span,
                        "a choice field takes either `options` or `list`, not both",
                    );
                }
                (None, true) => {
                    self.error(Code::MissingKey, f.id.span, format!("the choice field `{}` has no `options` and no `list`", f.id)).help =
                        Some("write the choices under `options:`, or name a list such as `list: governorates`".into());
                }
                (Some(list), true) => {
                    let names: Vec<&str> = crate::lists::BUILTIN_LISTS
                        .iter()
                        .map(|l| l.0)
                        .chain(bp.lists.iter().map(|l| l.id.as_str()))
                        .collect();
                    self.known(list, names, Code::UnknownReference, "list");
                }
                (None, false) => self.unique(f.options.iter().map(|o| &o.value), "choice"),
            }
        } else {
            if let Some(list) = &f.list {
                inapplicable(self, "list", list.span, "`choice`");
            }
            if let Some(o) = f.options.first() {
                inapplicable(self, "options", o.value.span, "`choice`");
            }
            if f.multiple {
                inapplicable(self, "multiple", f.id.span, "`choice`");
            }
        }
        match (&f.currency, kind) {
            (Some(c), F::Money) if !(c.len() == 3 && c.chars().all(|c| c.is_ascii_uppercase())) => {
                self.error(
                    Code::InvalidValue,
                    c.span,
                    format!("`{c}` is not a currency code"),
                )
                .help = Some("use a three-letter code such as `IQD` or `USD`".into());
            }
            (Some(c), k) if k != F::Money => inapplicable(self, "currency", c.span, "`money`"),
            _ => {}
        }
        let records: Vec<&str> = bp.records.iter().map(|r| r.id.as_str()).collect();
        match (&f.record, kind) {
            (Some(r), F::Group | F::Reference)
                if self.known(r, records.iter().copied(), Code::UnknownReference, "record") =>
            {
                if kind == F::Group && *r == bp.workflow.record {
                    self.error(
                        Code::Inconsistent,
                        r.span,
                        "a group cannot repeat the application record itself",
                    );
                } else if kind == F::Group {
                    let nested = bp
                        .record(r)
                        .is_some_and(|rec| rec.fields.iter().any(|g| g.kind.value == F::Group));
                    if nested {
                        self.error(Code::Inconsistent, r.span, format!("the record `{r}` has a group of its own; groups inside groups are not supported"));
                    }
                }
            }
            (Some(_), F::Group | F::Reference) => {}
            (None, F::Group | F::Reference) => {
                self.error(
                    Code::MissingKey,
                    f.id.span,
                    format!("the {kind_name} field `{}` has no `record`", f.id),
                )
                .help = Some(format!(
                    "name the record it {}, e.g. `record: household_member`",
                    if kind == F::Group {
                        "repeats"
                    } else {
                        "points to"
                    }
                ));
            }
            (Some(r), _) => inapplicable(self, "record", r.span, "`group` and `reference`"),
            _ => {}
        }
        for (key, value) in [("min_items", &f.min_items), ("max_items", &f.max_items)] {
            if let (Some(v), false) = (value, kind == F::Group) {
                inapplicable(self, key, v.span, "`group`");
            }
        }
        if let (Some(min), Some(max)) = (&f.min_items, &f.max_items) {
            if min.value > max.value {
                let d = Diagnostic::error(
                    Code::Inconsistent,
                    min.span,
                    format!(
                        "`min_items` {} is more than `max_items` {}",
                        min.value, max.value
                    ),
                )
                .with_label(max.span, "the maximum");
                self.push(d);
            }
        }
        if kind != F::File {
            if let Some(a) = f.accept.first() {
                inapplicable(self, "accept", a.span, "`file`");
            }
            if let Some(m) = &f.max_size_mb {
                inapplicable(self, "max_size_mb", m.span, "`file`");
            }
        } else if let Some(m) = &f.max_size_mb {
            if !(m.value > 0.0 && m.value <= 100.0) {
                self.error(
                    Code::InvalidValue,
                    m.span,
                    format!(
                        "`max_size_mb` must be more than 0 and at most 100, found {}",
                        m.value
                    ),
                );
            }
        }
        if kind == F::Appointment && bp.appointments.is_none() {
            self.error(Code::Inconsistent, f.kind.span, "an `appointment` field needs an `appointments` section that says what can be booked");
        }
        if let Some(cond) = &f.required_if {
            if f.required {
                self.warning(
                    Code::Inconsistent,
                    cond.span,
                    format!(
                        "`{}` is always required, so `required_if` has no effect",
                        f.id
                    ),
                );
            }
            self.expr(cond, scope, Some(Ty::Bool), "`required_if`");
        }
        self.example(f, &kind_name);
    }

    /// Check a field's `example` with the runtime's own checks of an answer.
    ///
    /// Every rule applies as it does to an applicant's answer, except date bounds
    /// relative to today, which move with the clock: `check` takes them at their
    /// furthest reach from [`EXAMPLE_DAY`](crate::examples::EXAMPLE_DAY) on, so
    /// the result does not depend on the day it runs. A date the bounds rule out on
    /// every day from then on (e.g. a birth date older than `today - 18y` allows) is a
    /// warning: the OpenAPI document then shows a date of its own instead. An example
    /// the other rules refuse is an error.
    fn example(&mut self, f: &Field, kind_name: &str) {
        use crate::answers::check_inputs;
        use crate::expr::{Date, Row};
        let Some(example) = &f.example else { return };
        let span = example.span;
        if matches!(f.kind.value, F::Group | F::File | F::Appointment) || f.internal {
            let why = match f.kind.value {
                F::Group => "a group's example is made of the examples of its record's fields",
                F::File => "an upload's id is only known once the file is uploaded",
                F::Appointment => "the free slots change every day",
                _ => "the office or an integration fills an `internal` field, not the applicant",
            };
            let what = if f.internal {
                "an `internal`".to_string()
            } else {
                format!("a `{kind_name}`")
            };
            self.error(
                Code::InapplicableKey,
                span,
                format!("`example` does not apply to {what} field"),
            )
            .help = Some(format!("{why}; remove the `example`"));
            return;
        }
        let language = if self.bp.languages.iter().any(|l| l.as_str() == "en") {
            "en".to_string()
        } else {
            self.bp
                .languages
                .first()
                .map_or_else(|| "en".to_string(), |l| l.value.clone())
        };
        let first_problem = |problems: Vec<crate::answers::Problem>| {
            problems
                .into_iter()
                .next()
                .and_then(|p| {
                    p.message
                        .get(&language)
                        .or_else(|| p.message.values().next())
                        .cloned()
                })
                .unwrap_or_default()
        };
        let written = match &example.value {
            crate::model::Example::One(v) => format!("`{}`", v.value),
            crate::model::Example::Many(items) => format!(
                "`[{}]`",
                items
                    .iter()
                    .map(|v| v.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        if matches!(example.value, crate::model::Example::Many(_))
            && !(f.kind.value == F::Choice && f.multiple)
        {
            self.error(
                Code::InvalidValue,
                span,
                format!(
                    "the example {written} is a list, but `{}` takes one answer",
                    f.id
                ),
            )
            .help =
                Some("a list is for a choice field with `multiple: true`; give one value".into());
            return;
        }
        let reference = Date::parse(crate::examples::EXAMPLE_DAY).unwrap_or(Date(0));
        let value = example.value.to_json(f, reference);
        let input: serde_json::Map<String, serde_json::Value> =
            [(f.id.value.clone(), value)].into_iter().collect();
        // A date example written like a bound (`today - 12d`) moves with the bounds: it is
        // checked against them on the reference day, like every other rule.
        let moving = f.kind.value == F::Date && example.value.relative_date().is_some();
        let relative = |b: &Option<Spanned<String>>| {
            f.kind.value == F::Date
                && !moving
                && b.as_ref()
                    .and_then(parse_date_bound)
                    .is_some_and(|b| matches!(b, DateBound::Today { .. }))
        };
        // The answer on its own: required (so an empty example is named), with no
        // condition and without the bounds that move with the clock.
        let mut probe = f.clone();
        probe.required = true;
        probe.required_if = None;
        if relative(&f.min) {
            probe.min = None;
        }
        if relative(&f.max) {
            probe.max = None;
        }
        let bp = self.bp;
        let run = |field: &Field, day: Date| {
            check_inputs(bp, std::slice::from_ref(field), &input, &Row::new(), day)
        };
        if let Err(problems) = run(&probe, reference) {
            let message = first_problem(problems);
            self.error(
                Code::InvalidValue,
                span,
                format!("the example {written} is not a valid answer: {message}"),
            )
            .help = Some(format!(
                "give an answer the field `{}` accepts, as an applicant would",
                f.id
            ));
            return;
        }
        if !(relative(&f.min) || relative(&f.max)) {
            return;
        }
        // The bounds move forward with the days: the earliest day from the reference day
        // on that the upper bound reaches the example is the one where the lower bound
        // is least in the way.
        probe.min = f.min.clone();
        probe.max = f.max.clone();
        let date = input
            .values()
            .next()
            .and_then(|v| v.as_str())
            .and_then(Date::parse);
        let mut days = vec![reference];
        if let (Some(date), Some(DateBound::Today { years, days: d })) =
            (date, f.max.as_ref().and_then(parse_date_bound))
        {
            let reached = DateBound::Today {
                years: -years,
                days: 0,
            }
            .resolve(Date(date.0 - d));
            days.extend(
                (-3..=3)
                    .map(|k| Date(reached.0 + k))
                    .filter(|day| *day > reference),
            );
        }
        let fits = days.iter().any(|day| run(&probe, *day).is_ok());
        if !fits {
            let problems = run(&probe, reference).err().unwrap_or_default();
            let message = first_problem(problems);
            self.warning(
                Code::InvalidValue,
                span,
                format!(
                    "the example {written} is outside the field's bounds on every day from {reference} on (on {reference}, {message})"
                ),
            )
            .help = Some(
                "the OpenAPI document shows a date of its own instead; give a date the bounds allow".into(),
            );
        }
    }

    pub(super) fn computed(&mut self) {
        let bp = self.bp;
        let fields: Vec<&str> = self.case_fields().iter().map(|f| f.id.as_str()).collect();
        for c in &bp.computed {
            self.id(&c.id, "computed value", IdStyle::Snake);
            if fields.contains(&c.id.as_str()) {
                self.error(
                    Code::DuplicateId,
                    c.id.span,
                    format!("`{}` is already a field of the application", c.id),
                );
            }
            let scope = self.scope.clone();
            let want = c.kind.as_ref().map(|k| value_ty(k.value));
            let ty = self.expr(
                &c.expr,
                &scope,
                want.clone(),
                &format!("the value of `{}`", c.id),
            );
            // Later expressions may use it, with the declared type if it has one.
            let ty = want.or(ty).unwrap_or(Ty::Number);
            self.scope
                .vars
                .entry(c.id.value.clone())
                .or_insert(Var::of(ty));
        }
        self.unique(bp.computed.iter().map(|c| &c.id), "computed value");
    }
}

fn value_ty(v: crate::model::ValueType) -> Ty {
    use crate::model::ValueType as V;
    match v {
        V::Text => Ty::Text,
        V::Number => Ty::Number,
        V::Money => Ty::Money,
        V::Boolean => Ty::Bool,
        V::Date => Ty::Date,
        V::Datetime => Ty::Datetime,
        V::Time => Ty::Time,
        V::List => Ty::List(Box::new(Ty::Text)),
    }
}
