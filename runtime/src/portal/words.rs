//! Answers and amounts in words, as the pages show them: an amount in the language's
//! digits and separators, a choice by its label, yes or no, a group's entries, and a
//! printed document's lines.

use serde_json::{Value as Json, json};

use super::form;
use crate::text;
use quickwin_blueprint::model::Blueprint;

/// An amount as the language writes it: `5,000` or `٥٬٠٠٠`.
pub(super) fn money(amount: f64, lang: &str) -> String {
    let whole = amount.round() as i64;
    let digits = whole.abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(if lang == "ar" { '٬' } else { ',' });
        }
        out.push(ch);
    }
    if whole < 0 {
        out.insert(0, '-');
    }
    quickwin_blueprint::plural::local_digits(&out, lang)
}

/// An answer in words: a choice's label, yes or no, a group's entries.
pub(super) fn shown(w: &form::Widget, value: Option<&Json>, lang: &str) -> String {
    let t = text::texts(lang);
    match (w.control, value) {
        (_, None | Some(Json::Null)) => t["none"].to_string(),
        ("yesno", Some(v)) => {
            let yes = matches!(v, Json::Bool(true))
                || v.as_str()
                    .is_some_and(|s| matches!(s, "yes" | "true" | "on"));
            (if yes { t["yes"] } else { t["no"] }).to_string()
        }
        ("radio" | "select" | "checkboxes", _) => {
            let chosen: Vec<&str> = w
                .choices
                .iter()
                .filter(|c| c.selected)
                .map(|c| c.label.as_str())
                .collect();
            if chosen.is_empty() {
                t["none"].to_string()
            } else {
                chosen.join("، ")
            }
        }
        ("group", _) => w
            .entries
            .iter()
            .map(|e| {
                e.iter()
                    .filter(|g| !g.value.is_empty() || g.choices.iter().any(|c| c.selected))
                    .map(|g| shown(g, Some(&json!(g.value)), lang))
                    .collect::<Vec<_>>()
                    .join(" · ")
            })
            .collect::<Vec<_>>()
            .join(" | "),
        (_, Some(Json::String(s))) => s.clone(),
        (_, Some(other)) => other.to_string(),
    }
}

/// One line of a printed document: a field's label and its value in words; the
/// tracking number and the state, which documents may print too, with the page's words.
pub(super) fn document_field(
    bp: &Blueprint,
    id: &str,
    value: Option<&Json>,
    lang: &str,
) -> Option<Json> {
    let t = text::texts(lang);
    let text = |v: Option<&Json>| v.and_then(Json::as_str).unwrap_or_default().to_string();
    match id {
        "tracking" => Some(json!({"label": t["tracking_number"], "value": text(value)})),
        "state" => {
            let state = text(value);
            let label = bp
                .workflow
                .states
                .iter()
                .find(|s| s.id.as_str() == state)
                .map_or(state.clone(), |s| s.label.get(lang).to_string());
            Some(json!({"label": t["state_now"], "value": label}))
        }
        _ => {
            let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
            let f = fields.iter().find(|f| f.id.as_str() == id)?;
            let w = form::widget(bp, f, id, value, lang, &[]);
            Some(json!({"label": w.label, "value": shown(&w, value, lang)}))
        }
    }
}
