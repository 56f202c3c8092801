//! The JSON Schema of a field's value, strict for what is sent (every rule the
//! runtime checks) or plain for what is read back, and of a set of fields as an object.

use serde_json::{Map, Value, json};

use super::*;

impl<'a> Builder<'a> {
    /// The JSON Schema of a field's value: `strict` with every rule the runtime checks
    /// (for what is sent), else the type only (for what is read back).
    pub(super) fn field_schema(&self, f: &Field, strict: bool) -> Value {
        self.field_schema_noted(f, strict, None)
    }

    /// [`Self::field_schema`], with one more note for the description.
    pub(super) fn field_schema_noted(
        &self,
        f: &Field,
        strict: bool,
        note: Option<String>,
    ) -> Value {
        let mut s = Map::new();
        let mut notes: Vec<String> = Vec::new();
        let string = json!("string");
        let mut extra_pattern = f.pattern.as_ref().map(|p| format!("^(?:{})$", p.value));
        match f.kind.value {
            FieldType::Text | FieldType::LongText => {
                s.insert("type".into(), string);
                if strict {
                    let min = f
                        .min_length
                        .as_ref()
                        .map_or(0, |m| m.value)
                        .max(u32::from(f.required));
                    if min > 0 {
                        s.insert("minLength".into(), json!(min));
                    }
                    if let Some(max) = &f.max_length {
                        s.insert("maxLength".into(), json!(max.value));
                    }
                    if let Some(p) = extra_pattern.take() {
                        s.insert("pattern".into(), json!(p));
                    }
                }
            }
            FieldType::Number | FieldType::Money => {
                s.insert("type".into(), json!("number"));
                if strict {
                    if let Some(min) = numeric(&f.min) {
                        s.insert("minimum".into(), number(min));
                    }
                    if let Some(max) = numeric(&f.max) {
                        s.insert("maximum".into(), number(max));
                    }
                }
                if f.kind.value == FieldType::Money {
                    let currency = f.currency.as_ref().map_or("IQD", |c| c.as_str());
                    notes.push(format!("an amount in {currency}."));
                }
            }
            FieldType::Date => {
                s.insert("type".into(), string);
                s.insert("format".into(), json!("date"));
                if strict {
                    s.insert("pattern".into(), json!("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"));
                    let mut bounds = Vec::new();
                    if let Some(min) = &f.min {
                        bounds.push(format!("on or after `{}`", min.value));
                    }
                    if let Some(max) = &f.max {
                        bounds.push(format!("on or before `{}`", max.value));
                    }
                    if !bounds.is_empty() {
                        notes.push(format!("a date {}.", bounds.join(" and ")));
                    }
                }
            }
            FieldType::Time => {
                s.insert("type".into(), string);
                if strict {
                    s.insert("pattern".into(), json!("^([01][0-9]|2[0-3]):[0-5][0-9]$"));
                }
                notes.push("a time of day, `HH:MM`.".into());
            }
            FieldType::Datetime => {
                s.insert("type".into(), string);
                if strict {
                    s.insert(
                        "pattern".into(),
                        json!("^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]$"),
                    );
                }
                notes.push("a local date and time, `YYYY-MM-DDTHH:MM` (Iraq's clock).".into());
            }
            FieldType::Appointment => {
                s.insert("type".into(), string);
                let resources: Vec<String> = self
                    .bp
                    .appointments
                    .iter()
                    .flat_map(|a| a.resources.iter().map(|r| regex::escape(r.id.as_str())))
                    .collect();
                if strict && !resources.is_empty() {
                    s.insert(
                        "pattern".into(),
                        json!(format!(
                            "^(?:{})@[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T([01][0-9]|2[0-3]):[0-5][0-9]$",
                            resources.join("|")
                        )),
                    );
                }
                notes.push(
                    "a free slot, `RESOURCE@YYYY-MM-DDTHH:MM`: the `value` of a slot listed by `GET /api/appointments/{resource}`; a slot that is full when the application is stored is refused with 409."
                        .into(),
                );
            }
            FieldType::Boolean => {
                s.insert("type".into(), json!("boolean"));
                if strict {
                    notes.push(
                        "`true` or `false` (the texts `yes`/`no` and `on`/`off` are read too)"
                            .into(),
                    );
                }
            }
            FieldType::Choice => {
                let options = choices(self.bp, f);
                let values: Vec<&str> = options.iter().map(|(v, _)| v.as_str()).collect();
                let one = if strict && !values.is_empty() {
                    json!({"type": "string", "enum": values})
                } else {
                    json!({"type": "string"})
                };
                if f.multiple {
                    s.insert("type".into(), json!("array"));
                    s.insert("items".into(), one);
                    if strict && f.required {
                        s.insert("minItems".into(), json!(1));
                    }
                    notes.push("one or more of the choices.".into());
                } else if let Value::Object(one) = one {
                    s.extend(one);
                }
                if strict && !options.is_empty() && options.len() <= 12 {
                    let listed: Vec<String> = options
                        .iter()
                        .map(|(v, label)| format!("`{v}` ({label})"))
                        .collect();
                    notes.push(format!("choices: {}.", listed.join(", ")));
                }
            }
            FieldType::NationalId => {
                s.insert("type".into(), string);
                if strict {
                    s.insert("pattern".into(), json!("^[0-9]{12}$"));
                }
                notes.push("an Iraqi national ID number: 12 digits.".into());
            }
            FieldType::Phone => {
                s.insert("type".into(), string);
                if strict {
                    s.insert("pattern".into(), json!("^07[0-9]{9}$"));
                    notes.push("an Iraqi mobile number, `07` and 9 digits (`+964`, spaces and dashes are accepted and removed).".into());
                }
            }
            FieldType::Email => {
                s.insert("type".into(), string);
                s.insert("format".into(), json!("email"));
                if strict {
                    s.insert(
                        "pattern".into(),
                        json!("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$"),
                    );
                }
            }
            FieldType::Address => {
                let text = if strict {
                    json!({"type": "string", "minLength": 1})
                } else {
                    json!({"type": "string"})
                };
                s.insert("oneOf".into(), json!([text, {"type": "object"}]));
                notes.push("a postal address: a text, or an object with its parts (governorate, district, neighbourhood, street, house).".into());
            }
            FieldType::File => {
                s.insert("type".into(), string);
                if strict {
                    s.insert("pattern".into(), json!("^att_[A-Za-z0-9]+$"));
                    let mut note =
                        "the `id` of a file uploaded with `POST /api/attachments` and not yet used"
                            .to_string();
                    if !f.accept.is_empty() {
                        let kinds: Vec<&str> = f.accept.iter().map(|a| a.as_str()).collect();
                        note.push_str(&format!("; meant to be {}", kinds.join(", ")));
                    }
                    if let Some(mb) = &f.max_size_mb {
                        note.push_str(&format!(", at most {} MB", mb.value));
                    }
                    notes.push(format!("{note}."));
                }
            }
            FieldType::Reference => {
                s.insert("type".into(), string);
                if let Some(r) = &f.record {
                    notes.push(format!("a reference to an entry of `{}`.", r.as_str()));
                }
            }
            FieldType::Group => {
                s.insert("type".into(), json!("array"));
                let record = f.record.as_ref().and_then(|r| self.bp.record(r));
                let fields: Vec<&Field> = record
                    .map(|r| r.fields.iter().collect())
                    .unwrap_or_default();
                s.insert("items".into(), self.object_schema(&fields, strict, &[]));
                if strict {
                    if let Some(min) = &f.min_items {
                        s.insert("minItems".into(), json!(min.value));
                    }
                    if let Some(max) = &f.max_items {
                        s.insert("maxItems".into(), json!(max.value));
                    }
                }
            }
        }
        if strict {
            if let Some(p) = extra_pattern {
                s.insert("allOf".into(), json!([{"pattern": p}]));
            }
            if let Some(condition) = &f.required_if {
                notes.push(format!("required when `{}`.", condition.value));
            }
        }
        notes.extend(note);
        if f.personal {
            notes.push("personal data".into());
        }
        s.insert("title".into(), json!(en(&f.label)));
        // The blueprint's help, then what the API adds, in one sentence.
        let mut parts: Vec<String> = f.help.iter().map(en).collect();
        if !notes.is_empty() {
            let notes: Vec<&str> = notes.iter().map(|n| n.trim_end_matches('.')).collect();
            parts.push(format!("{}.", notes.join("; ")));
        }
        if !parts.is_empty() {
            s.insert("description".into(), json!(parts.join("\n\n")));
        }
        Value::Object(s)
    }

    /// An object of `fields`; `strict`: required ones listed (unless `required_if` or one
    /// of `conditional`) and no others allowed.
    pub(super) fn object_schema(
        &self,
        fields: &[&Field],
        strict: bool,
        conditional: &[(&str, &str)],
    ) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for f in fields {
            let when = conditional.iter().find(|(id, _)| *id == f.id.as_str());
            let note = when
                .filter(|_| strict)
                .map(|(_, when)| format!("asked only when `{when}`, dropped otherwise"));
            let schema = self.field_schema_noted(f, strict, note);
            if strict && f.required && f.required_if.is_none() && when.is_none() {
                required.push(f.id.value.clone());
            }
            properties.insert(f.id.value.clone(), schema);
        }
        let mut s = json!({"type": "object", "properties": properties});
        if strict {
            s["additionalProperties"] = json!(false);
            if !required.is_empty() {
                s["required"] = json!(required);
            }
        }
        s
    }
}
