//! Checking what an applicant submits against the blueprint: every field parsed to its
//! type, every rule applied (required, conditions, lengths, ranges, dates, patterns,
//! choices, formats, group sizes), and every problem named per field in each of the
//! blueprint's languages — never just the first.

mod messages;

use std::collections::BTreeMap;

use regex::Regex;
use serde::Serialize;
use serde_json::{Map, Value as Json};

use self::messages::{COUNTED, MESSAGES};
use crate::dates::parse_date_bound;
use crate::expr::{self, Date, Row, Value};
use crate::model::{Blueprint, Field, FieldType, Localized};

/// One problem with a submitted answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Where: a field id, or `group[index].field` for an entry of a group.
    pub field: String,
    /// What kind of problem, e.g. `required`, `too_long`, `not_a_date`.
    pub code: &'static str,
    /// The message per language.
    pub message: BTreeMap<String, String>,
}

/// Answers that passed every check: JSON values normalised for storage, by field id,
/// with groups as arrays of objects.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    /// The application's answers.
    pub values: Map<String, Json>,
}

struct Checker<'a> {
    bp: &'a Blueprint,
    today: Date,
    languages: Vec<String>,
    problems: Vec<Problem>,
}

/// Check a submission (a JSON object of answers by field id) on `today`.
pub fn check_answers(
    bp: &Blueprint,
    input: &Map<String, Json>,
    today: Date,
) -> Result<Answers, Vec<Problem>> {
    let mut checker = Checker {
        bp,
        today,
        languages: bp.languages.iter().map(|l| l.value.clone()).collect(),
        problems: Vec::new(),
    };
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    for key in input.keys() {
        match fields.iter().find(|f| f.id.as_str() == key) {
            None => checker.problem(
                key,
                "unknown_field",
                &Localized(BTreeMap::from([("*".into(), key.clone())])),
                "",
            ),
            Some(f) if f.internal => checker.problem(key, "filled_by_office", &f.label, ""),
            Some(_) => {}
        }
    }
    // Parse every answer first, so that conditions can read the others.
    let mut values = Map::new();
    let mut row = Row::new();
    for f in fields.iter().filter(|f| !f.internal) {
        let path = f.id.value.clone();
        if let Some((json, value)) = checker.field(f, input.get(&path), &path) {
            values.insert(path.clone(), json);
            row.insert(path, value);
        }
    }
    add_computed(bp, &mut row, today);
    let hidden = hidden_fields(bp, &row, today);
    for f in fields
        .iter()
        .filter(|f| !f.internal && !hidden.contains(f.id.as_str()))
    {
        if values.contains_key(f.id.as_str())
            || checker.problems.iter().any(|p| p.field == f.id.as_str())
        {
            continue;
        }
        if checker.needed(f, &row) {
            checker.problem(f.id.as_str(), "required", &f.label, "");
        }
    }
    // Answers on pages the applicant never saw are dropped, not kept.
    values.retain(|k, _| !hidden.contains(k.as_str()));
    if checker.problems.is_empty() {
        Ok(Answers { values })
    } else {
        Err(checker.problems)
    }
}

/// The answers given so far as an expression row, with the computed values: for the
/// form's branching before the application is complete. Answers that do not parse are
/// left out; nothing is reported.
pub fn partial_row(bp: &Blueprint, input: &Map<String, Json>, today: Date) -> Row {
    let mut checker = Checker {
        bp,
        today,
        languages: bp.languages.iter().map(|l| l.value.clone()).collect(),
        problems: Vec::new(),
    };
    let mut row = Row::new();
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    for f in fields.iter().filter(|f| !f.internal) {
        if let Some(v) = input.get(f.id.as_str()) {
            if let Some((_, value)) = checker.field(f, Some(v), f.id.as_str()) {
                row.insert(f.id.value.clone(), value);
            }
        }
    }
    add_computed(bp, &mut row, today);
    row
}

/// A problem with the answer of the application's field `field`, e.g. a slot that
/// filled up (`slot_full`) while the applicant was choosing it.
pub fn field_problem(bp: &Blueprint, field: &str, code: &'static str, value: &str) -> Problem {
    let mut checker = Checker {
        bp,
        today: Date(0),
        languages: bp.languages.iter().map(|l| l.value.clone()).collect(),
        problems: Vec::new(),
    };
    let label = bp
        .case_record()
        .and_then(|r| r.fields.iter().find(|f| f.id.as_str() == field))
        .map_or_else(
            || Localized(BTreeMap::from([("*".into(), field.to_string())])),
            |f| f.label.clone(),
        );
    checker.problem(field, code, &label, value);
    checker.problems.remove(0)
}

/// Check the inputs a person gives with a workflow action (e.g. a rejection reason);
/// conditions may read the case (`case_row`) and the other inputs.
pub fn check_inputs(
    bp: &Blueprint,
    inputs: &[Field],
    input: &Map<String, Json>,
    case_row: &Row,
    today: Date,
) -> Result<Map<String, Json>, Vec<Problem>> {
    let mut checker = Checker {
        bp,
        today,
        languages: bp.languages.iter().map(|l| l.value.clone()).collect(),
        problems: Vec::new(),
    };
    for key in input
        .keys()
        .filter(|k| !inputs.iter().any(|f| f.id.as_str() == k.as_str()))
    {
        checker.problem(
            key,
            "unknown_field",
            &Localized(BTreeMap::from([("*".into(), key.clone())])),
            "",
        );
    }
    let mut values = Map::new();
    let mut row = case_row.clone();
    for f in inputs {
        if let Some((json, value)) = checker.field(f, input.get(f.id.as_str()), f.id.as_str()) {
            values.insert(f.id.value.clone(), json);
            row.insert(f.id.value.clone(), value);
        }
    }
    for f in inputs {
        let reported = checker.problems.iter().any(|p| p.field == f.id.as_str());
        if !values.contains_key(f.id.as_str()) && !reported && checker.needed(f, &row) {
            checker.problem(f.id.as_str(), "required", &f.label, "");
        }
    }
    if checker.problems.is_empty() {
        Ok(values)
    } else {
        Err(checker.problems)
    }
}

/// An expression value for a stored JSON answer of a field.
pub fn value_of(f: &Field, json: &Json) -> Value {
    match (f.kind.value, json) {
        (_, Json::Null) => Value::Null,
        (FieldType::Money, Json::Number(n)) => Value::Money(n.as_f64().unwrap_or(0.0)),
        (_, Json::Number(n)) => Value::Number(n.as_f64().unwrap_or(0.0)),
        (_, Json::Bool(b)) => Value::Bool(*b),
        (FieldType::Date, Json::String(s)) => Date::parse(s).map_or(Value::Null, Value::Date),
        (_, Json::String(s)) => Value::Text(s.clone()),
        (_, Json::Array(items)) => Value::List(
            items
                .iter()
                .map(|i| Value::Text(i.as_str().unwrap_or_default().to_string()))
                .collect(),
        ),
        (_, other) => Value::Text(other.to_string()),
    }
}

/// A field's `pattern`, anchored to the whole answer and compiled once: the same few
/// patterns are matched on every submission.
fn anchored(pattern: &str) -> Option<std::sync::Arc<Regex>> {
    static COMPILED: std::sync::OnceLock<crate::memo::Memo<Regex>> = std::sync::OnceLock::new();
    COMPILED
        .get_or_init(Default::default)
        .get(pattern, |p| Regex::new(&format!("^(?:{p})$")).ok())
}

/// Computed values, in order, each seeing the answers and those before it.
pub fn add_computed(bp: &Blueprint, row: &mut Row, today: Date) {
    for c in &bp.computed {
        let value = expr::parse_cached(&c.expr)
            .and_then(|ast| expr::evaluate(&ast, row, today).ok())
            .unwrap_or(Value::Null);
        row.insert(c.id.value.clone(), value);
    }
}

/// The fields on pages whose `when` does not hold.
fn hidden_fields<'a>(
    bp: &'a Blueprint,
    row: &Row,
    today: Date,
) -> std::collections::BTreeSet<&'a str> {
    let mut hidden = std::collections::BTreeSet::new();
    for page in &bp.form.pages {
        if let Some(when) = &page.when {
            if !holds(when, row, today) {
                hidden.extend(page.fields.iter().map(|f| f.as_str()));
            }
        }
    }
    hidden
}

fn holds(expr_text: &str, row: &Row, today: Date) -> bool {
    expr::parse_cached(expr_text).and_then(|ast| expr::evaluate(&ast, row, today).ok())
        == Some(Value::Bool(true))
}

fn is_blank(v: Option<&Json>) -> bool {
    match v {
        None | Some(Json::Null) => true,
        Some(Json::String(s)) => s.trim().is_empty(),
        Some(Json::Array(a)) => a.is_empty(),
        _ => false,
    }
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl Checker<'_> {
    fn problem(&mut self, path: &str, code: &'static str, label: &Localized, value: &str) {
        let (_, en, ar) = MESSAGES.iter().find(|m| m.0 == code).copied().unwrap_or((
            "",
            "“{label}” is not valid",
            "«{label}» غير صحيح",
        ));
        let counted = COUNTED
            .iter()
            .find(|c| c.0 == code)
            .zip(value.parse::<u64>().ok());
        let mut message = BTreeMap::new();
        for lang in &self.languages {
            let template = match counted {
                Some(((_, c), n)) => c.form(lang, n),
                None if lang == "ar" => ar,
                None => en,
            };
            message.insert(
                lang.clone(),
                template
                    .replace("{label}", label.get(lang))
                    .replace("{n}", value)
                    .replace("{v}", value),
            );
        }
        self.problems.push(Problem {
            field: path.to_string(),
            code,
            message,
        });
    }

    fn custom(&mut self, path: &str, code: &'static str, text: &Localized) {
        let message = self
            .languages
            .iter()
            .map(|l| (l.clone(), text.get(l).to_string()))
            .collect();
        self.problems.push(Problem {
            field: path.to_string(),
            code,
            message,
        });
    }

    /// Whether a missing answer is a problem.
    fn needed(&self, f: &Field, row: &Row) -> bool {
        f.required
            || f.required_if
                .as_ref()
                .is_some_and(|c| holds(c, row, self.today))
    }

    /// Parse and check one answer; `None` when it is missing or wrong (wrong ones are reported).
    fn field(&mut self, f: &Field, input: Option<&Json>, path: &str) -> Option<(Json, Value)> {
        if is_blank(input) {
            return None;
        }
        let input = input?;
        let label = &f.label;
        match f.kind.value {
            FieldType::Text | FieldType::LongText => {
                let Json::String(s) = input else {
                    self.problem(path, "not_text", label, "");
                    return None;
                };
                let s = s.trim().to_string();
                let len = s.chars().count() as u32;
                if let Some(min) = &f.min_length {
                    if len < min.value {
                        self.problem(path, "too_short", label, &min.value.to_string());
                    }
                }
                if let Some(max) = &f.max_length {
                    if len > max.value {
                        self.problem(path, "too_long", label, &max.value.to_string());
                    }
                }
                if !self.pattern(f, &s, path) || self.problems.iter().any(|p| p.field == path) {
                    return None;
                }
                Some((Json::String(s.clone()), Value::Text(s)))
            }
            FieldType::Number | FieldType::Money => {
                let n = match input {
                    Json::Number(n) => n.as_f64(),
                    Json::String(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
                    _ => None,
                };
                let Some(n) = n else {
                    self.problem(path, "not_a_number", label, "");
                    return None;
                };
                let bound = |b: &Option<crate::model::Spanned<String>>| {
                    b.as_ref().and_then(|b| b.trim().parse::<f64>().ok())
                };
                if let Some(min) = bound(&f.min).filter(|m| n < *m) {
                    self.problem(path, "too_small", label, &number_text(min));
                    return None;
                }
                if let Some(max) = bound(&f.max).filter(|m| n > *m) {
                    self.problem(path, "too_large", label, &number_text(max));
                    return None;
                }
                // Whole numbers are kept whole (`2`, not `2.0`).
                let json = if n.fract() == 0.0 && n.abs() < 9.0e15 {
                    Json::from(n as i64)
                } else {
                    serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number)
                };
                Some((
                    json,
                    if f.kind.value == FieldType::Money {
                        Value::Money(n)
                    } else {
                        Value::Number(n)
                    },
                ))
            }
            FieldType::Date => {
                let Some(d) = input.as_str().and_then(Date::parse) else {
                    self.problem(path, "not_a_date", label, "");
                    return None;
                };
                let resolve = |b: &Option<crate::model::Spanned<String>>| {
                    b.as_ref()
                        .and_then(parse_date_bound)
                        .map(|b| b.resolve(self.today))
                };
                if let Some(min) = resolve(&f.min).filter(|m| d < *m) {
                    self.problem(path, "too_early", label, &min.to_string());
                    return None;
                }
                if let Some(max) = resolve(&f.max).filter(|m| d > *m) {
                    self.problem(path, "too_late", label, &max.to_string());
                    return None;
                }
                Some((Json::String(d.to_string()), Value::Date(d)))
            }
            FieldType::Time => match input
                .as_str()
                .filter(|t| t.len() == 5 && crate::hours::parse_time(t).is_ok_and(|m| m < 24 * 60))
            {
                Some(t) => Some((Json::String(t.to_string()), Value::Text(t.to_string()))),
                None => {
                    self.problem(path, "not_a_time", label, "");
                    None
                }
            },
            FieldType::Appointment => {
                let resources = self.bp.appointments.as_ref().map(|a| &a.resources);
                let example = resources
                    .and_then(|r| r.first())
                    .map_or("centre@2026-12-01T08:15".to_string(), |r| {
                        format!("{}@2026-12-01T08:15", r.id.as_str())
                    });
                let ok = input.as_str().and_then(|s| {
                    let (id, when) = s.trim().split_once('@')?;
                    resources?.iter().find(|r| r.id.as_str() == id)?;
                    crate::clock::local_minutes(when)?;
                    Some(format!("{id}@{}", &when[..16.min(when.len())]))
                });
                match ok {
                    Some(s) => Some((Json::String(s.clone()), Value::Text(s))),
                    None => {
                        self.problem(path, "not_an_appointment", label, &example);
                        None
                    }
                }
            }
            FieldType::Datetime => {
                let ok = input.as_str().and_then(|s| {
                    let (d, t) = s.split_once('T')?;
                    Date::parse(d)?;
                    let t = &t[..t.len().min(5)];
                    crate::hours::parse_time(t).ok().filter(|m| *m < 24 * 60)?;
                    Some(format!("{d}T{t}"))
                });
                match ok {
                    Some(s) => Some((Json::String(s.clone()), Value::Text(s))),
                    None => {
                        self.problem(path, "not_a_datetime", label, "");
                        None
                    }
                }
            }
            FieldType::Boolean => match input {
                Json::Bool(b) => Some((Json::Bool(*b), Value::Bool(*b))),
                Json::String(s) if matches!(s.as_str(), "true" | "yes" | "on") => {
                    Some((Json::Bool(true), Value::Bool(true)))
                }
                Json::String(s) if matches!(s.as_str(), "false" | "no" | "off") => {
                    Some((Json::Bool(false), Value::Bool(false)))
                }
                _ => {
                    self.problem(path, "not_yes_no", label, "");
                    None
                }
            },
            FieldType::Choice => {
                let choices = self.choices(f);
                let picked: Vec<String> = match (input, f.multiple) {
                    (Json::String(s), false) => vec![s.clone()],
                    (Json::Array(items), true) => items
                        .iter()
                        .map(|i| i.as_str().unwrap_or("\u{0}").to_string())
                        .collect(),
                    (Json::String(s), true) => vec![s.clone()],
                    _ => vec!["\u{0}".to_string()],
                };
                if picked.iter().any(|p| !choices.contains(p)) {
                    self.problem(path, "not_a_choice", label, "");
                    return None;
                }
                if f.multiple {
                    Some((
                        Json::Array(picked.iter().cloned().map(Json::String).collect()),
                        Value::List(picked.into_iter().map(Value::Text).collect()),
                    ))
                } else {
                    let one = picked.into_iter().next().unwrap_or_default();
                    Some((Json::String(one.clone()), Value::Text(one)))
                }
            }
            FieldType::NationalId => self.formatted(f, input, path, "not_a_national_id", |s| {
                s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
            }),
            FieldType::Phone => {
                let normal = input.as_str().map(|s| {
                    let s: String = s
                        .chars()
                        .filter(|c| !c.is_whitespace() && *c != '-')
                        .collect();
                    s.strip_prefix("+964")
                        .map_or(s.clone(), |r| format!("0{r}"))
                });
                let json = normal.map_or(Json::Null, Json::String);
                self.formatted(f, &json, path, "not_a_phone", |s| {
                    s.len() == 11 && s.starts_with("07") && s.bytes().all(|b| b.is_ascii_digit())
                })
            }
            FieldType::Email => self.formatted(f, input, path, "not_an_email", |s| {
                s.split_once('@').is_some_and(|(u, d)| {
                    !u.is_empty()
                        && d.contains('.')
                        && !d.starts_with('.')
                        && !d.ends_with('.')
                        && !s.contains(char::is_whitespace)
                })
            }),
            FieldType::Address | FieldType::File | FieldType::Reference => match input {
                Json::String(s) => Some((
                    Json::String(s.trim().to_string()),
                    Value::Text(s.trim().to_string()),
                )),
                Json::Object(_) if f.kind.value == FieldType::Address => {
                    Some((input.clone(), Value::Text(input.to_string())))
                }
                _ => {
                    self.problem(path, "not_text", label, "");
                    None
                }
            },
            FieldType::Group => self.group(f, input, path),
        }
    }

    fn formatted(
        &mut self,
        f: &Field,
        input: &Json,
        path: &str,
        code: &'static str,
        ok: impl Fn(&str) -> bool,
    ) -> Option<(Json, Value)> {
        match input.as_str().map(str::trim) {
            Some(s) if ok(s) => {
                if !self.pattern(f, s, path) {
                    return None;
                }
                Some((Json::String(s.to_string()), Value::Text(s.to_string())))
            }
            _ => {
                self.problem(path, code, &f.label, "");
                None
            }
        }
    }

    /// Whether `s` matches the field's pattern (reports when not).
    fn pattern(&mut self, f: &Field, s: &str, path: &str) -> bool {
        let Some(p) = &f.pattern else { return true };
        let ok = anchored(&p.value).is_some_and(|re| re.is_match(s));
        if !ok {
            match &f.pattern_message {
                Some(m) => self.custom(path, "pattern", m),
                None => self.problem(path, "pattern", &f.label, ""),
            }
        }
        ok
    }

    fn choices(&self, f: &Field) -> Vec<String> {
        if !f.options.is_empty() {
            return f.options.iter().map(|o| o.value.value.clone()).collect();
        }
        let Some(list) = &f.list else {
            return Vec::new();
        };
        if let Some(builtin) = crate::lists::builtin(list) {
            return builtin.iter().map(|c| c.value.to_string()).collect();
        }
        self.bp
            .lists
            .iter()
            .find(|l| l.id == *list)
            .map(|l| l.options.iter().map(|o| o.value.value.clone()).collect())
            .unwrap_or_default()
    }

    fn group(&mut self, f: &Field, input: &Json, path: &str) -> Option<(Json, Value)> {
        let Json::Array(items) = input else {
            self.problem(path, "not_a_list", &f.label, "");
            return None;
        };
        if let Some(min) = f
            .min_items
            .as_ref()
            .filter(|m| (items.len() as u32) < m.value)
        {
            self.problem(path, "too_few", &f.label, &min.value.to_string());
        }
        if let Some(max) = f
            .max_items
            .as_ref()
            .filter(|m| (items.len() as u32) > m.value)
        {
            self.problem(path, "too_many", &f.label, &max.value.to_string());
            return None;
        }
        let record = f.record.as_ref().and_then(|r| self.bp.record(r));
        let fields = record.map_or(&[][..], |r| r.fields.as_slice());
        let mut entries = Vec::new();
        let mut rows = Vec::new();
        let before = self.problems.len();
        for (i, item) in items.iter().enumerate() {
            let prefix = format!("{path}[{i}]");
            let Json::Object(obj) = item else {
                self.problem(&prefix, "not_a_list", &f.label, "");
                continue;
            };
            for key in obj
                .keys()
                .filter(|k| !fields.iter().any(|g| g.id.as_str() == k.as_str()))
            {
                self.problem(
                    &format!("{prefix}.{key}"),
                    "unknown_field",
                    &Localized(BTreeMap::from([("*".into(), key.clone())])),
                    "",
                );
            }
            let mut entry = Map::new();
            let mut row = Row::new();
            for g in fields {
                let p = format!("{prefix}.{}", g.id.as_str());
                if let Some((json, value)) = self.field(g, obj.get(g.id.as_str()), &p) {
                    entry.insert(g.id.value.clone(), json);
                    row.insert(g.id.value.clone(), value);
                }
            }
            for g in fields {
                let p = format!("{prefix}.{}", g.id.as_str());
                if !entry.contains_key(g.id.as_str())
                    && !self.problems.iter().any(|q| q.field == p)
                    && self.needed(g, &row)
                {
                    self.problem(&p, "required", &g.label, "");
                }
            }
            entries.push(Json::Object(entry));
            rows.push(row);
        }
        if self.problems.len() > before {
            return None;
        }
        Some((Json::Array(entries), Value::Group(rows)))
    }
}

impl Problem {
    /// A problem of the agency's own with the answer to `field`, told in English and
    /// Arabic (code `custom`).
    pub fn custom(field: &str, english: &str, arabic: &str) -> Self {
        Problem {
            field: field.to_string(),
            code: "custom",
            message: BTreeMap::from([
                ("en".to_string(), english.to_string()),
                ("ar".to_string(), arabic.to_string()),
            ]),
        }
    }
}

/// The answers of a case (`values`, by field id) as expressions see them, the
/// computed values added.
pub fn row(bp: &Blueprint, values: &Map<String, Json>, today: Date) -> Row {
    let mut row = Row::new();
    for record in &bp.records {
        if record.id != bp.workflow.record {
            continue;
        }
        for f in &record.fields {
            let Some(json) = values.get(f.id.as_str()) else {
                continue;
            };
            if f.kind.value == FieldType::Group {
                let group = f.record.as_ref().and_then(|r| bp.record(r));
                let rows = json
                    .as_array()
                    .map(|entries| {
                        entries
                            .iter()
                            .map(|e| {
                                group
                                    .map(|g| {
                                        g.fields
                                            .iter()
                                            .filter_map(|gf| {
                                                e.get(gf.id.as_str())
                                                    .map(|v| (gf.id.value.clone(), value_of(gf, v)))
                                            })
                                            .collect()
                                    })
                                    .unwrap_or_default()
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                row.insert(f.id.value.clone(), Value::Group(rows));
            } else {
                row.insert(f.id.value.clone(), value_of(f, json));
            }
        }
    }
    add_computed(bp, &mut row, today);
    row
}

#[cfg(test)]
mod tests;
