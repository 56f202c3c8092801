//! What the back office shows of cases: the columns of each staff role's queue (the
//! blueprint's `queue.columns`, or the applicant's name and the first two required
//! answers), the office's neutral labels, answers in words, and the filter and sort that
//! both the office's queue page and `GET /api/cases` take.

use std::collections::BTreeMap;

use rusqlite::types::Value as Sql;
use serde_json::{Value as Json, json};

use super::cases::quote;
use crate::text;
use quickwin_blueprint::model::{Blueprint, Field, FieldType};

/// The fields shown as the columns of `role`'s queue; with no role, or a role that names
/// none, the default columns: the applicant's name (the first `text` field whose id ends
/// in `full_name`, else in `name`), then the first two required fields that tell cases
/// apart (not a group, a file, a long text or a yes/no question, which is often the gate
/// every applicant answered alike).
pub fn columns<'a>(bp: &'a Blueprint, role: Option<&str>) -> Vec<&'a Field> {
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    if let Some(queue) = role.and_then(|r| bp.role(r)).and_then(|r| r.queue.as_ref()) {
        return queue
            .columns
            .iter()
            .filter_map(|c| fields.iter().find(|f| f.id == *c))
            .collect();
    }
    let text = |f: &&Field| f.kind.value == FieldType::Text;
    let name = fields
        .iter()
        .filter(text)
        .find(|f| f.id.ends_with("full_name"))
        .or_else(|| fields.iter().filter(text).find(|f| f.id.ends_with("name")));
    let mut out: Vec<&Field> = name.into_iter().collect();
    let shown = |f: &&Field| {
        f.required
            && !matches!(
                f.kind.value,
                FieldType::Group | FieldType::File | FieldType::LongText | FieldType::Boolean
            )
            && name.is_none_or(|n| n.id != f.id)
    };
    out.extend(fields.iter().filter(shown).take(2));
    out
}

/// The columns as the API lists them: id and label per language.
pub fn described(bp: &Blueprint, columns: &[&Field]) -> Json {
    Json::Array(
        columns
            .iter()
            .map(|f| json!({"id": f.id.as_str(), "label": labels(bp, f)}))
            .collect(),
    )
}

/// The office's label of `f` in every language of the blueprint.
pub fn labels(bp: &Blueprint, f: &Field) -> Json {
    Json::Object(
        bp.languages
            .iter()
            .map(|l| (l.value.clone(), Json::String(staff_label(f, l))))
            .collect(),
    )
}

/// The label the back office shows for `f` in `language`: its `staff_label`; without
/// one, its `label` made neutral when it speaks to the applicant — when the English label
/// starts with "Your", that word is dropped ("Your full name" → "Full name") and, in
/// Arabic, the first word with the possessive "ـك" takes the article instead
/// ("اسمك الرباعي" → "الاسم الرباعي"); otherwise the `label` as written.
pub fn staff_label(f: &Field, language: &str) -> String {
    if let Some(own) = &f.staff_label {
        return own.get(language).to_string();
    }
    let label = f.label.get(language);
    let addressed = ["en", quickwin_blueprint::model::ANY_LANGUAGE, language]
        .iter()
        .filter_map(|l| f.label.0.get(*l))
        .any(|t| second_person(t).is_some());
    if !addressed {
        return label.to_string();
    }
    if let Some(rest) = second_person(label) {
        let mut chars = rest.chars();
        return chars.next().map_or_else(String::new, |c| {
            c.to_uppercase().chain(chars).collect::<String>()
        });
    }
    if language == "ar" {
        let mut done = false;
        let words: Vec<String> = label
            .split(' ')
            .map(|w| match w.strip_suffix('ك') {
                Some(noun)
                    if !done
                        && noun.chars().count() >= 2
                        && !noun.ends_with('ت')
                        && !noun.starts_with("ال") =>
                {
                    done = true;
                    format!("ال{noun}")
                }
                _ => w.to_string(),
            })
            .collect();
        return words.join(" ");
    }
    label.to_string()
}

/// The rest of an English label that starts with "Your ".
fn second_person(label: &str) -> Option<&str> {
    label
        .strip_prefix("Your ")
        .or_else(|| label.strip_prefix("your "))
        .filter(|rest| !rest.trim().is_empty())
}

/// A value of `f` in words in `language`: a choice's label, yes or no, a date as
/// written (`2026-12-01`), a list joined; empty when there is none.
pub fn in_words(bp: &Blueprint, f: &Field, value: &Json, language: &str) -> String {
    let t = text::texts(language);
    match value {
        Json::Null => String::new(),
        Json::Bool(b) => t[if *b { "yes" } else { "no" }].to_string(),
        Json::Array(items) => items
            .iter()
            .map(|v| in_words(bp, f, v, language))
            .collect::<Vec<_>>()
            .join(if language == "ar" { "، " } else { ", " }),
        Json::String(s) if f.kind.value == FieldType::Choice => {
            bp.choice_label(f, s, language).unwrap_or_else(|| s.clone())
        }
        Json::String(s) if f.kind.value == FieldType::Datetime => {
            s.replace('T', " ").trim_end_matches('Z').to_string()
        }
        Json::String(s) => s.clone(),
        Json::Number(n) if f.kind.value == FieldType::Money => {
            format!(
                "{n} {}",
                f.currency.as_deref().map_or("IQD", |c| c.as_str())
            )
        }
        other => other.to_string(),
    }
}

/// Every choice of `f` with its labels in all languages.
fn choices(bp: &Blueprint, f: &Field) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = f
        .options
        .iter()
        .map(|o| {
            (
                o.value.value.clone(),
                o.label.texts().map(str::to_string).collect(),
            )
        })
        .collect();
    if let Some(list) = &f.list {
        if let Some(own) = bp.lists.iter().find(|l| l.id == *list) {
            out.extend(own.options.iter().map(|o| {
                (
                    o.value.value.clone(),
                    o.label.texts().map(str::to_string).collect(),
                )
            }));
        } else if let Some(builtin) = quickwin_blueprint::lists::builtin(list.as_str()) {
            out.extend(builtin.iter().map(|c| {
                (
                    c.value.to_string(),
                    vec![c.en.to_string(), c.ar.to_string()],
                )
            }));
        }
    }
    out
}

/// What a queue is sorted by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sort {
    /// Time since submission.
    Age,
    /// The tracking number.
    Tracking,
    /// The state's id.
    State,
    /// One of the columns, by its field id.
    Column(String),
}

/// The filter and order of a queue, from the query parameters `state`, `q`, `sort` and
/// `order`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// Only cases in this state.
    pub state: Option<String>,
    /// Only cases whose tracking number or a shown column contains this text (a choice
    /// matches by its label in any language too).
    pub search: Option<String>,
    /// The order.
    pub sort: Sort,
    /// Largest first (for the age: oldest first).
    pub descending: bool,
}

/// The query parameters a queue takes.
pub const PARAMETERS: [&str; 4] = ["state", "q", "sort", "order"];

impl View {
    /// Read the view from the query `q`; every value that is not understood is named in
    /// `problems` and the default is used instead. The default: oldest first.
    pub fn read(
        bp: &Blueprint,
        columns: &[&Field],
        q: &BTreeMap<String, String>,
        problems: &mut Vec<String>,
    ) -> View {
        let state = q.get("state").filter(|s| !s.is_empty()).cloned();
        if let Some(s) = &state {
            if !bp.workflow.states.iter().any(|st| st.id.as_str() == s) {
                problems.push(format!(
                    "unknown state `{s}`; expected {}",
                    quickwin_blueprint::de::one_of(
                        bp.workflow.states.iter().map(|s| s.id.as_str())
                    )
                ));
            }
        }
        let search = q
            .get("q")
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        let sort = match q.get("sort").map(String::as_str) {
            None | Some("" | "age") => Sort::Age,
            Some("tracking") => Sort::Tracking,
            Some("state") => Sort::State,
            Some(c) if columns.iter().any(|f| f.id.as_str() == c) => Sort::Column(c.to_string()),
            Some(other) => {
                let known = ["age", "tracking", "state"]
                    .into_iter()
                    .chain(columns.iter().map(|f| f.id.as_str()));
                problems.push(format!(
                    "cannot sort by `{other}`; expected {}",
                    quickwin_blueprint::de::one_of(known)
                ));
                Sort::Age
            }
        };
        let descending = match q.get("order").map(String::as_str) {
            None | Some("") => sort == Sort::Age,
            Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                problems.push(format!("`order` must be `asc` or `desc`, found `{other}`"));
                sort == Sort::Age
            }
        };
        View {
            state,
            search,
            sort,
            descending,
        }
    }

    /// The SQL condition over `cases` (to be joined with `AND`) and the `ORDER BY`
    /// clause; the values are appended to `params` and numbered after those already in
    /// it. Column names come from the blueprint's fields only, never from the request.
    pub fn sql(
        &self,
        bp: &Blueprint,
        columns: &[&Field],
        params: &mut Vec<Sql>,
    ) -> (String, String) {
        let next = |params: &mut Vec<Sql>, v: Sql| {
            params.push(v);
            format!("?{}", params.len())
        };
        let mut condition = String::from("1");
        if let Some(s) = &self.state {
            let p = next(params, Sql::Text(s.clone()));
            condition.push_str(&format!(" AND state = {p}"));
        }
        if let Some(text) = &self.search {
            let escaped = text
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let like = next(params, Sql::Text(format!("%{escaped}%")));
            let mut any = vec![format!("tracking LIKE {like} ESCAPE '\\'")];
            let wanted = text.to_lowercase();
            for f in columns {
                let c = quote(f.id.as_str());
                any.push(format!("CAST({c} AS TEXT) LIKE {like} ESCAPE '\\'"));
                if f.kind.value == FieldType::Choice {
                    let matching: Vec<String> = choices(bp, f)
                        .into_iter()
                        .filter(|(_, labels)| {
                            labels.iter().any(|l| l.to_lowercase().contains(&wanted))
                        })
                        .map(|(v, _)| v)
                        .collect();
                    if matching.is_empty() {
                        continue;
                    }
                    let set = next(params, Sql::Text(json!(matching).to_string()));
                    any.push(format!(
                        "{c} IN (SELECT value FROM json_each({set})) OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid({c}) AND json_type({c}) = 'array' THEN {c} ELSE '[]' END) AS e WHERE e.value IN (SELECT value FROM json_each({set})))"
                    ));
                }
            }
            condition.push_str(&format!(" AND ({})", any.join(" OR ")));
        }
        let way = |descending: bool| if descending { "DESC" } else { "ASC" };
        let order = match &self.sort {
            // The oldest case has the greatest age.
            Sort::Age => format!("submitted_at {0}, id {0}", way(!self.descending)),
            Sort::Tracking => format!("tracking {}", way(self.descending)),
            Sort::State => format!("state {0}, submitted_at, id", way(self.descending)),
            Sort::Column(c) => {
                let c = quote(c);
                format!(
                    "{c} IS NULL, {c} {}, submitted_at, id",
                    way(self.descending)
                )
            }
        };
        (condition, order)
    }

    /// The `sort` parameter that gives this order.
    pub fn sort_key(&self) -> String {
        match &self.sort {
            Sort::Age => "age".into(),
            Sort::Tracking => "tracking".into(),
            Sort::State => "state".into(),
            Sort::Column(c) => c.clone(),
        }
    }
}

/// The columns of one case in words, by field id, from the row's stored values.
pub fn row_in_words(
    bp: &Blueprint,
    columns: &[&Field],
    r: &rusqlite::Row<'_>,
    first: usize,
    language: &str,
) -> rusqlite::Result<serde_json::Map<String, Json>> {
    let mut out = serde_json::Map::new();
    for (i, f) in columns.iter().enumerate() {
        let value = super::cases::from_sql(r.get_ref(first + i)?, Some(f.kind.value));
        out.insert(
            f.id.value.clone(),
            Json::String(in_words(bp, f, &value, language)),
        );
    }
    Ok(out)
}

/// The columns as a list for `SELECT`, after the fixed ones.
pub fn select_list(columns: &[&Field]) -> String {
    columns
        .iter()
        .map(|f| format!(", {}", quote(f.id.as_str())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(en: &str, ar: &str) -> quickwin_blueprint::model::Localized {
        quickwin_blueprint::model::Localized(BTreeMap::from([
            ("en".into(), en.into()),
            ("ar".into(), ar.into()),
        ]))
    }

    fn field(en: &str, ar: &str) -> Field {
        let bp = crate::catalogue("birth-certificate");
        let mut f = bp.case_record().unwrap().fields[0].clone();
        f.label = texts(en, ar);
        f.staff_label = None;
        f
    }

    #[test]
    fn a_label_that_speaks_to_the_applicant_is_made_neutral() {
        let cases = [
            (
                ("Your full name", "اسمك الرباعي"),
                "Full name",
                "الاسم الرباعي",
            ),
            (
                ("Your date of birth", "تاريخ ميلادك"),
                "Date of birth",
                "تاريخ الميلاد",
            ),
            (
                ("Your relationship to the patient", "صلتك بالمريض"),
                "Relationship to the patient",
                "صلتك بالمريض",
            ),
            (("Stall number", "رقم البسطة"), "Stall number", "رقم البسطة"),
            (("Owner", "المالك"), "Owner", "المالك"),
        ];
        for ((label_en, label_ar), en, ar) in cases {
            let f = field(label_en, label_ar);
            assert_eq!(
                (
                    staff_label(&f, "en").as_str(),
                    staff_label(&f, "ar").as_str()
                ),
                (en, ar),
                "{label_en}"
            );
        }
        let mut f = field("Your full name", "اسمك الرباعي");
        f.staff_label = Some(texts("Applicant's name", "اسم مقدم الطلب"));
        assert_eq!(staff_label(&f, "en"), "Applicant's name");
        assert_eq!(staff_label(&f, "ar"), "اسم مقدم الطلب");
    }
}
