//! The application form as pages: which pages the applicant sees (a page's `when`), where
//! each page leads (its `next` branches, an exit page, or the check-your-answers page),
//! the widgets of its fields, and the reading of a submitted HTML form back into answers.

use serde::Serialize;
use serde_json::{Map, Value as Json, json};

use quickwin_blueprint::answers::{self, Problem};
use quickwin_blueprint::effects;
use quickwin_blueprint::expr::{Date, Row, Value};
use quickwin_blueprint::model::{Blueprint, Field, FieldType, Page};

/// Where a page leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Another page of the form.
    Page(String),
    /// An exit page: the journey ends without an application.
    Exit(String),
    /// The check-your-answers page (or the submission when the form has none).
    Check,
}

fn holds(expr: &str, row: &Row, today: Date) -> bool {
    effects::evaluate(expr, row, today).ok() == Some(Value::Bool(true))
}

/// Whether the applicant sees `page` with these answers.
pub fn visible(page: &Page, row: &Row, today: Date) -> bool {
    page.when.as_ref().is_none_or(|w| holds(w, row, today))
}

/// The first page the applicant sees.
pub fn first(bp: &Blueprint, row: &Row, today: Date) -> Next {
    bp.form
        .pages
        .iter()
        .find(|p| visible(p, row, today))
        .map_or(Next::Check, |p| Next::Page(p.id.value.clone()))
}

/// Where `page` leads with these answers.
pub fn next(bp: &Blueprint, page: &Page, row: &Row, today: Date) -> Next {
    for branch in &page.next {
        if holds(&branch.condition, row, today) {
            let goto = branch.goto.as_str();
            if goto == "check_answers" {
                return Next::Check;
            }
            if bp.form.exits.iter().any(|e| e.id.as_str() == goto) {
                return Next::Exit(goto.to_string());
            }
            return Next::Page(goto.to_string());
        }
    }
    let at = bp
        .form
        .pages
        .iter()
        .position(|p| p.id == page.id)
        .unwrap_or(usize::MAX - 1);
    bp.form
        .pages
        .iter()
        .skip(at + 1)
        .find(|p| visible(p, row, today))
        .map_or(Next::Check, |p| Next::Page(p.id.value.clone()))
}

/// The pages the applicant goes through with these answers, in order (for the
/// check-your-answers page and the back links).
pub fn journey<'a>(bp: &'a Blueprint, row: &Row, today: Date) -> Vec<&'a Page> {
    let mut out = Vec::new();
    let mut at = first(bp, row, today);
    while let Next::Page(id) = at {
        let Some(page) = bp.form.pages.iter().find(|p| p.id.as_str() == id) else {
            break;
        };
        if out.iter().any(|p: &&Page| p.id == page.id) {
            break;
        }
        out.push(page);
        at = next(bp, page, row, today);
    }
    out
}

/// One choice of a widget.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What the applicant reads.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

/// A field as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Widget {
    /// The form control's name (`field`, or `group.N.field` inside a group).
    pub name: String,
    /// The control's HTML id.
    pub id: String,
    /// `text`, `textarea`, `number`, `date`, `time`, `datetime-local`, `tel`, `email`,
    /// `radio`, `select`, `checkboxes`, `yesno`, `file`, `group`.
    pub control: &'static str,
    /// The label.
    pub label: String,
    /// The hint.
    pub help: Option<String>,
    /// Whether an answer is required (as far as can be said before the others are known).
    pub required: bool,
    /// What the applicant typed.
    pub value: String,
    /// The choices of a choice field.
    pub choices: Vec<Choice>,
    /// Problems with this field, in the page's language.
    pub errors: Vec<String>,
    /// The `inputmode` hint for phones' keyboards.
    pub inputmode: Option<&'static str>,
    /// Longest text allowed.
    pub maxlength: Option<u32>,
    /// The entries of a group, each a list of widgets.
    pub entries: Vec<Vec<Widget>>,
    /// For an appointment: the places, the day shown and its free slots.
    pub pick: Option<Json>,
}

fn choices(bp: &Blueprint, f: &Field, lang: &str, selected: &[String]) -> Vec<Choice> {
    let mut out: Vec<Choice> = f
        .options
        .iter()
        .map(|o| Choice {
            value: o.value.value.clone(),
            label: o.label.get(lang).to_string(),
            selected: selected.contains(&o.value.value),
        })
        .collect();
    if let Some(list) = &f.list {
        if let Some(own) = bp.lists.iter().find(|l| l.id == *list) {
            out.extend(own.options.iter().map(|o| Choice {
                value: o.value.value.clone(),
                label: o.label.get(lang).to_string(),
                selected: selected.contains(&o.value.value),
            }));
        } else if let Some(builtin) = quickwin_blueprint::lists::builtin(list.as_str()) {
            out.extend(builtin.iter().map(|c| Choice {
                value: c.value.to_string(),
                label: if lang == "ar" { c.ar } else { c.en }.to_string(),
                selected: selected.iter().any(|s| s == c.value),
            }));
        }
    }
    out
}

fn text_of(value: Option<&Json>) -> String {
    match value {
        None | Some(Json::Null) => String::new(),
        Some(Json::String(s)) => s.clone(),
        Some(Json::Bool(b)) => if *b { "yes" } else { "no" }.to_string(),
        Some(other) => other.to_string(),
    }
}

/// The widget of field `f`, under `name`, with the answer `value` and its `errors`.
pub fn widget(
    bp: &Blueprint,
    f: &Field,
    name: &str,
    value: Option<&Json>,
    lang: &str,
    problems: &[Problem],
) -> Widget {
    let errors: Vec<String> = problems
        .iter()
        .filter(|p| p.field == path_of(name))
        .map(|p| {
            p.message
                .get(lang)
                .or_else(|| p.message.values().next())
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    let selected: Vec<String> = match value {
        Some(Json::Array(items)) => items.iter().map(|i| text_of(Some(i))).collect(),
        other => vec![text_of(other)],
    };
    let (control, inputmode) = match f.kind.value {
        FieldType::LongText | FieldType::Address => ("textarea", None),
        FieldType::Number | FieldType::Money => ("text", Some("decimal")),
        FieldType::NationalId => ("text", Some("numeric")),
        FieldType::Date => ("date", None),
        FieldType::Time => ("time", None),
        FieldType::Datetime => ("datetime-local", None),
        FieldType::Phone => ("tel", Some("tel")),
        FieldType::Email => ("email", Some("email")),
        FieldType::Boolean => ("yesno", None),
        FieldType::Choice if f.multiple => ("checkboxes", None),
        FieldType::Choice => {
            let many = f.options.len() > 6 || f.list.is_some();
            (if many { "select" } else { "radio" }, None)
        }
        FieldType::File => ("file", None),
        FieldType::Group => ("group", None),
        FieldType::Appointment => ("slots", None),
        _ => ("text", None),
    };
    let mut w = Widget {
        name: name.to_string(),
        id: format!("f-{}", name.replace('.', "-")),
        control,
        label: f.label.get(lang).to_string(),
        help: f.help.as_ref().map(|h| h.get(lang).to_string()),
        required: f.required,
        value: match value {
            Some(Json::Array(_)) => String::new(),
            other => text_of(other),
        },
        choices: if f.kind.value == FieldType::Choice {
            choices(bp, f, lang, &selected)
        } else {
            Vec::new()
        },
        errors,
        inputmode,
        maxlength: f.max_length.as_ref().map(|m| m.value),
        entries: Vec::new(),
        pick: None,
    };
    if f.kind.value == FieldType::Group {
        let record = f.record.as_ref().and_then(|r| bp.record(r));
        let entries = value.and_then(Json::as_array).cloned().unwrap_or_default();
        let count = entries.len().max(1);
        for i in 0..count {
            let entry = entries.get(i);
            w.entries.push(
                record
                    .map(|r| {
                        r.fields
                            .iter()
                            .filter(|g| !g.internal)
                            .map(|g| {
                                widget(
                                    bp,
                                    g,
                                    &format!("{name}.{i}.{}", g.id.as_str()),
                                    entry.and_then(|e| e.get(g.id.as_str())),
                                    lang,
                                    problems,
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            );
        }
    }
    w
}

/// The checker's path of a control name: `household.0.full_name` → `household[0].full_name`.
pub fn path_of(name: &str) -> String {
    let mut parts = name.split('.');
    let Some(first) = parts.next() else {
        return String::new();
    };
    match (parts.next(), parts.next()) {
        (Some(i), Some(field)) => format!("{first}[{i}].{field}"),
        _ => first.to_string(),
    }
}

/// Decode `application/x-www-form-urlencoded` into `(name, value)` pairs, in order.
pub fn decode(body: &[u8]) -> Vec<(String, String)> {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
    }
    fn unescape(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                },
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (unescape(k), unescape(v))
        })
        .collect()
}

/// The answers of `page`'s fields in a submitted form, as the JSON the checker reads:
/// text as typed, `yes`/`no` for yes-or-no questions, lists for multiple choices, and
/// a group's entries as objects. Blank answers are left out.
pub fn read_page(bp: &Blueprint, page: &Page, pairs: &[(String, String)]) -> Map<String, Json> {
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    let mut out = Map::new();
    for id in &page.fields {
        let Some(f) = fields.iter().find(|f| f.id == *id) else {
            continue;
        };
        let name = f.id.as_str();
        match f.kind.value {
            FieldType::Group => {
                let mut entries: std::collections::BTreeMap<usize, Map<String, Json>> =
                    std::collections::BTreeMap::new();
                for (k, v) in pairs {
                    let mut parts = k.splitn(3, '.');
                    if parts.next() != Some(name) {
                        continue;
                    }
                    let (Some(i), Some(field)) = (parts.next(), parts.next()) else {
                        continue;
                    };
                    let Ok(i) = i.parse::<usize>() else { continue };
                    if i >= 100 || v.trim().is_empty() {
                        entries.entry(i.min(99)).or_default();
                        continue;
                    }
                    entries
                        .entry(i)
                        .or_default()
                        .insert(field.to_string(), json!(v.trim()));
                }
                let list: Vec<Json> = entries
                    .into_values()
                    .filter(|e| !e.is_empty())
                    .map(Json::Object)
                    .collect();
                if !list.is_empty() {
                    out.insert(name.to_string(), Json::Array(list));
                }
            }
            FieldType::Choice if f.multiple => {
                let chosen: Vec<Json> = pairs
                    .iter()
                    .filter(|(k, v)| k == name && !v.is_empty())
                    .map(|(_, v)| json!(v))
                    .collect();
                if !chosen.is_empty() {
                    out.insert(name.to_string(), Json::Array(chosen));
                }
            }
            _ => {
                if let Some((_, v)) = pairs.iter().find(|(k, _)| k == name) {
                    if !v.trim().is_empty() {
                        out.insert(name.to_string(), json!(v));
                    }
                }
            }
        }
    }
    out
}

/// The problems of the answers so far that concern `page`'s fields.
pub fn page_problems(
    bp: &Blueprint,
    page: &Page,
    answers: &Map<String, Json>,
    today: Date,
) -> Vec<Problem> {
    match answers::check_answers(bp, answers, today) {
        Ok(_) => Vec::new(),
        Err(problems) => problems
            .into_iter()
            .filter(|p| {
                let root = p.field.split(['[', '.']).next().unwrap_or_default();
                page.fields.iter().any(|f| f.as_str() == root)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_like_browsers_send_them() {
        assert_eq!(
            decode(b"a=1&name=%D8%B2%D9%8A%D9%86%D8%A8+%D8%B9%D9%84%D9%8A&x=&m=b&m=c"),
            vec![
                ("a".into(), "1".into()),
                ("name".into(), "زينب علي".into()),
                ("x".into(), String::new()),
                ("m".into(), "b".into()),
                ("m".into(), "c".into())
            ]
        );
        assert_eq!(decode(b"bad=%zz%")[0].1, "%zz%");
        assert_eq!(path_of("household.2.full_name"), "household[2].full_name");
    }

    #[test]
    fn branching_follows_the_answers() {
        let bp = crate::catalogue("medical-appointment");
        let today = Date::parse("2026-11-26").unwrap();
        let empty = Row::new();
        assert_eq!(
            first(&bp, &empty, today),
            Next::Page("emergency_check".into())
        );
        let page = &bp.form.pages[0];
        let urgent = Row::from([("emergency_signs".into(), Value::Bool(true))]);
        assert!(matches!(next(&bp, page, &urgent, today), Next::Exit(_)));
        let fine = Row::from([("emergency_signs".into(), Value::Bool(false))]);
        assert_eq!(next(&bp, page, &fine, today), Next::Page("patient".into()));
        // Booking for oneself skips the guardian's page.
        let me = Row::from([
            ("emergency_signs".into(), Value::Bool(false)),
            ("booking_for".into(), Value::Text("self".into())),
        ]);
        let pages: Vec<&str> = journey(&bp, &me, today)
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        assert!(
            !pages.contains(&"guardian") && pages.contains(&"slot"),
            "{pages:?}"
        );
    }
}
