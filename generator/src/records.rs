//! `src/records.rs` of a project: one Rust struct per record of the blueprint, as the
//! hooks receive the application. Written out line by line in the layout rustfmt gives,
//! with every name made by [`names`](crate::names) and every label escaped by
//! [`text::doc`](crate::text::doc).

use quickwin_blueprint::Blueprint;
use quickwin_blueprint::model::{Field, FieldType};

use crate::names;
use crate::text;

/// The Rust type of a field's value in its record's struct.
fn rust_type(f: &Field, types: &[(String, String)]) -> String {
    let record = |id: &str| {
        types
            .iter()
            .find(|(r, _)| r == id)
            .map_or_else(|| "serde_json::Value".to_string(), |(_, t)| t.clone())
    };
    match f.kind.value {
        FieldType::Group => format!(
            "Vec<{}>",
            record(f.record.as_ref().map_or("", |r| r.as_str()))
        ),
        FieldType::Number | FieldType::Money => "Option<f64>".into(),
        FieldType::Boolean => "Option<bool>".into(),
        FieldType::Choice if f.multiple => "Vec<String>".into(),
        FieldType::Address => "Option<serde_json::Value>".into(),
        _ => "Option<String>".into(),
    }
}

/// What a field holds, in words, for its doc comment.
fn kind(f: &Field) -> &'static str {
    match f.kind.value {
        FieldType::Text => "text",
        FieldType::LongText => "long text",
        FieldType::Number => "a number",
        FieldType::Money => "an amount of money",
        FieldType::Date => "a date, `YYYY-MM-DD`",
        FieldType::Datetime => "a date and time",
        FieldType::Time => "a time of day, `HH:MM`",
        FieldType::Boolean => "yes or no",
        FieldType::Choice if f.multiple => "the values of the choices made",
        FieldType::Choice => "the value of the choice made",
        FieldType::NationalId => "a national ID number",
        FieldType::Phone => "a phone number",
        FieldType::Email => "an e-mail address",
        FieldType::Address => "an address, as text or as its parts",
        FieldType::File => "the id of an uploaded file",
        FieldType::Group => "its entries",
        FieldType::Reference => "the id of an entry it refers to",
        FieldType::Appointment => "the slot booked, `RESOURCE@YYYY-MM-DDTHH:MM`",
    }
}

/// The type names of the blueprint's records: (record id, type name), in the order of
/// the blueprint.
pub fn type_names(bp: &Blueprint) -> Vec<(String, String)> {
    let ids: Vec<&str> = bp.records.iter().map(|r| r.id.as_str()).collect();
    ids.iter()
        .map(|id| id.to_string())
        .zip(names::types(ids.iter().copied()))
        .collect()
}

/// The text of `src/records.rs`.
pub fn render(bp: &Blueprint) -> String {
    let types = type_names(bp);
    let language = bp.default_language();
    let mut out = format!(
        "//! The records of `{}` as Rust types, for the hooks: one struct per record of the\n\
         //! blueprint, read from a case's answers and the values the office and the other\n\
         //! agencies added. Every field is optional (or an empty list): a case may not have\n\
         //! reached the step that fills it. Generated from `blueprint.yaml`; regenerate\n\
         //! the project after changing the blueprint rather than editing this file.\n\n\
         use serde::Deserialize;\n",
        bp.id.as_str()
    );
    for (record, (_, type_name)) in bp.records.iter().zip(&types) {
        out.push('\n');
        let label = text::doc(record.label.get(language));
        out.push_str(&format!("/// `{}`: {label}\n", record.id.as_str()));
        out.push_str("#[derive(Debug, Clone, Default, Deserialize)]\n");
        out.push_str(&format!("pub struct {type_name} {{\n"));
        let field_names = names::fields(record.fields.iter().map(|f| f.id.as_str()));
        // Integrations fill fields of the application only.
        let is_case = bp.case_record().is_some_and(|r| r.id == record.id);
        for (f, (name, rename)) in record.fields.iter().zip(field_names) {
            let mut doc = format!(
                "`{}`: {} ({})",
                f.id.as_str(),
                text::doc(f.label.get(language)),
                kind(f)
            );
            if f.required {
                doc.push_str(", required");
            }
            let calls: Vec<String> = bp
                .integrations
                .iter()
                .filter(|i| is_case && i.output.keys().any(|k| k.as_str() == f.id.as_str()))
                .map(|i| {
                    format!(
                        "`{}` (`{}`, on `{}`)",
                        i.id.as_str(),
                        i.service.as_str(),
                        i.on.as_str()
                    )
                })
                .collect();
            if !calls.is_empty() {
                let agency = quickwin_blueprint::plural::english_noun(calls.len(), "call", "calls");
                doc.push_str(&format!(
                    ", filled by the agency {agency} {}",
                    calls.join(" or ")
                ));
            } else if f.internal {
                doc.push_str(", filled by the office");
            }
            out.push_str(&format!("    /// {doc}.\n"));
            let list = matches!(f.kind.value, FieldType::Group)
                || (f.kind.value == FieldType::Choice && f.multiple);
            match (rename, list) {
                (Some(r), true) => {
                    out.push_str(&format!("    #[serde(rename = \"{r}\", default)]\n"))
                }
                (Some(r), false) => out.push_str(&format!("    #[serde(rename = \"{r}\")]\n")),
                (None, true) => out.push_str("    #[serde(default)]\n"),
                (None, false) => {}
            }
            out.push_str(&format!("    pub {name}: {},\n", rust_type(f, &types)));
        }
        out.push_str("}\n");
    }
    out
}
