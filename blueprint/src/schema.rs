//! The JSON Schema of the blueprint format, for editors (yaml-language-server and others).
//!
//! schemars derives the shape from the model. The rules an editor can know besides the
//! shape (the form of ids, `quickwin: 1`, languages listed once) are put on the model's
//! fields with `#[schemars(transform = …)]`, using the functions of [`crate::rules`], whose
//! patterns [`crate::validate`] uses too. `for_editors` then adapts the whole
//! to how yaml-language-server reads a schema: typed enums with a text per value, one-line
//! `markdownDescription`s that hover shows on the key, and `defaultSnippets` that insert a
//! list item with every required key.

use schemars::Schema;
use serde_json::{Map, Value, json};

use crate::model::Blueprint;

/// Where catalogue blueprints find the committed copy of the schema, relative to them.
pub const SCHEMA_FILE: &str = "schema/blueprint.schema.json";

/// The JSON Schema of a blueprint, as pretty JSON with a final newline.
pub fn schema_json() -> String {
    let mut schema = schemars::schema_for!(Blueprint);
    schema.insert("$id".into(), "urn:quickwin:blueprint:v1".into());
    schema.insert(
        "title".into(),
        "quickwin blueprint, language version 1".into(),
    );
    let mut value = schema.to_value();
    for_editors(&mut value);
    // Back to a `Schema`, which prints its keywords in a readable order.
    let schema = Schema::try_from(value).unwrap_or_default();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    write_snippet_bodies(&text)
}

/// An item of a list, as an editor inserts it: the definition of the list's items
/// (`$defs`) and the item with every required key, a placeholder for each value.
struct Snippet {
    def: &'static str,
    label: &'static str,
    body: &'static [(&'static str, &'static str)],
}

const SNIPPETS: &[Snippet] = &[
    Snippet {
        def: "Field",
        label: "a field",
        body: &[
            ("id", "${1:new_field}"),
            ("type", "${2:text}"),
            ("label", "${3:Label}"),
        ],
    },
    Snippet {
        def: "Role",
        label: "a role",
        body: &[
            ("id", "${1:clerk}"),
            ("kind", "${2:staff}"),
            ("label", "${3:Clerk}"),
        ],
    },
    Snippet {
        def: "State",
        label: "a state",
        body: &[("id", "${1:under_review}"), ("label", "${2:Under review}")],
    },
    Snippet {
        def: "Transition",
        label: "a transition",
        body: &[
            ("action", "${1:approve}"),
            ("label", "${2:Approve}"),
            ("from", "${3:submitted}"),
            ("to", "${4:approved}"),
            ("role", "${5:clerk}"),
        ],
    },
    Snippet {
        def: "Notification",
        label: "a notification",
        body: &[
            ("on", "${1:submit}"),
            ("channel", "${2:sms}"),
            ("to", "${3:phone}"),
            ("text", "${4:Message}"),
        ],
    },
];

/// What stands for a snippet's body until the schema is printed: the printer orders an
/// object's keys alphabetically (and `type` first), and a body's keys are inserted in
/// their order, `id` first.
const BODY_MARK: &str = "quickwin-snippet-body:";

/// Writes each snippet's body, with its keys in their order, in place of its mark.
fn write_snippet_bodies(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let snippet = SNIPPETS
            .iter()
            .find(|s| line.contains(&format!("\"{BODY_MARK}{}\"", s.def)));
        let Some(snippet) = snippet else {
            out.push_str(line);
            continue;
        };
        let indent = &line[..line.len() - line.trim_start().len()];
        let comma = if line.trim_end().ends_with(',') {
            ","
        } else {
            ""
        };
        let entries: Vec<String> = snippet
            .body
            .iter()
            .map(|(key, value)| format!("{indent}  {}: {}", Value::from(*key), Value::from(*value)))
            .collect();
        out.push_str(&format!(
            "{indent}\"body\": {{\n{}\n{indent}}}{comma}\n",
            entries.join(",\n")
        ));
    }
    out
}

/// Adapts a generated schema to how yaml-language-server reads it.
///
/// - Hover on a key shows the first description it finds on the value's schemas, and a
///   value's own schema comes before its key's: enums become `enum` with
///   `markdownEnumDescriptions` (not `oneOf` of `const`s, whose text would win), and an
///   optional value's `$ref` carries its key's text.
/// - Without a `type`, completion inserts a key without `: `: every enum says `string`.
/// - A plain `description` is shown as Markdown with its backticks escaped and every
///   line break a new paragraph: descriptions are joined into one line and repeated as
///   `markdownDescription`.
/// - Lists of fields, roles, states, transitions and notifications offer their item
///   with every required key (`defaultSnippets`, whose bodies [`schema_json`] writes).
/// - Completing a list's key inserts an item with its required keys and every key that
///   has a `default`: a `false` that is the absence of the key is no default to show.
fn for_editors(schema: &mut Value) {
    walk(schema, &mut |s| {
        typed_enum(s);
        one_line_descriptions(s);
    });
    walk(schema, &mut key_texts_on_optional_values);
    walk(schema, &mut no_false_defaults);
    if let Some(defs) = schema.get_mut("$defs").and_then(Value::as_object_mut) {
        for snippet in SNIPPETS {
            if let Some(def) = defs.get_mut(snippet.def).and_then(Value::as_object_mut) {
                let description = def.get("description").cloned().unwrap_or(Value::Null);
                let body = format!("{BODY_MARK}{}", snippet.def);
                def.insert(
                    "defaultSnippets".into(),
                    json!([{ "label": snippet.label, "description": description, "body": body }]),
                );
            }
        }
    }
}

/// Calls `f` on `schema` and on every schema inside it.
fn walk(schema: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    f(object);
    for (key, value) in object.iter_mut() {
        match key.as_str() {
            "properties" | "$defs" | "patternProperties" => {
                if let Some(map) = value.as_object_mut() {
                    for sub in map.values_mut() {
                        walk(sub, f);
                    }
                }
            }
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => {
                if let Some(list) = value.as_array_mut() {
                    for sub in list {
                        walk(sub, f);
                    }
                }
            }
            "items" | "additionalProperties" | "propertyNames" | "not" => walk(value, f),
            _ => {}
        }
    }
}

/// `oneOf: [{const: a, description: …}, …]` → `type: string, enum: [a, …]` with the
/// values' texts as `markdownEnumDescriptions`.
fn typed_enum(s: &mut Map<String, Value>) {
    let Some(Value::Array(variants)) = s.get("oneOf") else {
        let texts = s.get("enum").and_then(Value::as_array);
        if texts.is_some_and(|values| values.iter().all(Value::is_string)) {
            s.entry("type").or_insert_with(|| "string".into());
        }
        return;
    };
    let mut values = Vec::new();
    let mut texts = Vec::new();
    for v in variants {
        let Some(value @ Value::String(_)) = v.get("const") else {
            return;
        };
        values.push(value.clone());
        texts.push(
            v.get("description")
                .and_then(Value::as_str)
                .map(one_line)
                .unwrap_or_default(),
        );
    }
    s.remove("oneOf");
    s.insert("type".into(), "string".into());
    s.insert("enum".into(), values.into());
    s.insert("markdownEnumDescriptions".into(), texts.into());
}

/// `"default": false` on a yes/no key, which is off unless written.
fn no_false_defaults(s: &mut Map<String, Value>) {
    if s.get("default") == Some(&Value::Bool(false)) {
        s.remove("default");
    }
}

/// A description as one line, also as Markdown.
fn one_line_descriptions(s: &mut Map<String, Value>) {
    if let Some(text) = s.get("description").and_then(Value::as_str) {
        let text = one_line(text);
        s.insert("description".into(), text.clone().into());
        s.insert("markdownDescription".into(), text.into());
    }
}

/// Joins the lines a doc comment was wrapped at; keeps paragraph breaks.
fn one_line(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `key: {description, anyOf: [{$ref}, {type: null}]}`: the `$ref` takes the key's text,
/// which hover would otherwise take from the referenced definition.
fn key_texts_on_optional_values(s: &mut Map<String, Value>) {
    let Some(Value::Object(properties)) = s.get_mut("properties") else {
        return;
    };
    for property in properties.values_mut() {
        let Some(property) = property.as_object_mut() else {
            continue;
        };
        let texts: Vec<(String, Value)> = ["description", "markdownDescription"]
            .iter()
            .filter_map(|k| property.get(*k).map(|v| (k.to_string(), v.clone())))
            .collect();
        let Some(Value::Array(branches)) = property.get_mut("anyOf") else {
            continue;
        };
        for branch in branches.iter_mut().filter_map(Value::as_object_mut) {
            if branch.contains_key("$ref") {
                branch.extend(texts.iter().cloned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Value {
        serde_json::from_str(&schema_json()).expect("the schema is JSON")
    }

    /// Every schema inside `schema`, with where it is.
    fn all(schema: &Value) -> Vec<Map<String, Value>> {
        let mut found = Vec::new();
        let mut copy = schema.clone();
        walk(&mut copy, &mut |s| found.push(s.clone()));
        found
    }

    #[test]
    fn enums_are_typed_and_say_what_each_value_means() {
        let schema = schema();
        let enums: Vec<_> = all(&schema)
            .into_iter()
            .filter(|s| s.contains_key("enum"))
            .collect();
        assert!(enums.len() >= 5, "{} enums", enums.len());
        for e in enums {
            assert_eq!(e["type"], "string", "{e:?}");
            let values = e["enum"].as_array().map_or(0, Vec::len);
            let texts = e["markdownEnumDescriptions"].as_array().map_or(0, Vec::len);
            assert_eq!(values, texts, "{e:?}");
        }
        assert!(all(&schema).iter().all(|s| !s.contains_key("oneOf")));
    }

    #[test]
    fn descriptions_are_one_line_and_shown_as_markdown() {
        for s in all(&schema()) {
            if let Some(text) = s.get("description").and_then(Value::as_str) {
                assert!(!text.replace("\n\n", "").contains('\n'), "{text}");
                assert_eq!(s["markdownDescription"], text);
            }
        }
    }

    #[test]
    fn every_pattern_says_in_words_what_is_wrong() {
        let schema = schema();
        let patterns: Vec<_> = all(&schema)
            .into_iter()
            .filter(|s| s.contains_key("pattern"))
            .collect();
        assert!(patterns.len() > 15, "{} patterns", patterns.len());
        for s in patterns {
            let message = s["patternErrorMessage"].as_str().unwrap_or_default();
            assert!(!message.is_empty() && !message.contains('^'), "{s:?}");
        }
    }

    #[test]
    fn ids_take_the_shape_check_gives_them() {
        let schema = schema();
        let pattern = |s: &Value| regex::Regex::new(s["pattern"].as_str().unwrap()).unwrap();
        let service = pattern(&schema["properties"]["id"]);
        let field = pattern(&schema["$defs"]["Field"]["properties"]["id"]);
        for (id, slug, snake) in [
            ("water-fees", true, false),
            ("water_fees", false, true),
            ("Water Fees", false, false),
            ("2fees", false, false),
            ("fees-", false, false),
            ("date_of_birth", false, true),
        ] {
            assert_eq!(service.is_match(id), slug, "service id {id}");
            assert_eq!(field.is_match(id), snake, "field id {id}");
        }
        assert_eq!(schema["properties"]["quickwin"]["const"], 1);
        assert_eq!(schema["properties"]["languages"]["uniqueItems"], true);
        let interop = pattern(&schema["properties"]["interop"]);
        assert!(interop.is_match("IQ/GOV/MOH/births/birth-certificate"));
        assert!(!interop.is_match("IQ/XYZ/MOH/births/birth-certificate"));
        assert!(!interop.is_match("IQ/GOV/MOH/births"));
    }

    #[test]
    fn durations_take_the_shape_check_reads() {
        let schema = schema();
        let pattern = schema["$defs"]["Duration"]["pattern"]
            .as_str()
            .unwrap_or_default();
        let pattern = regex::Regex::new(pattern).unwrap();
        for text in [
            "30m", "90min", "2h", "3d", "2w", "0m", "30 m", "15 days", "d", "3", "3x", "-3d",
        ] {
            let read = crate::model::Duration::parse(text).is_some();
            assert_eq!(pattern.is_match(text), read, "`{text}`");
        }
    }

    #[test]
    fn list_items_come_as_snippets_with_every_required_key_in_order() {
        let text = schema_json();
        assert!(!text.contains(BODY_MARK));
        let schema = schema();
        for snippet in SNIPPETS {
            let def = &schema["$defs"][snippet.def];
            let body = &def["defaultSnippets"][0]["body"];
            for required in def["required"].as_array().into_iter().flatten() {
                let key = required.as_str().unwrap_or_default();
                assert!(body.get(key).is_some(), "{}: {key}", snippet.def);
            }
            // Written in their order, one after the other.
            let entries: Vec<String> = snippet
                .body
                .iter()
                .map(|(key, value)| format!("{}: {}", Value::from(*key), Value::from(*value)))
                .collect();
            let first = text.find(&entries[0]).unwrap_or_default();
            let mut at = first;
            for entry in &entries[1..] {
                let next = text[at..].find(entry.as_str()).map(|i| at + i);
                assert!(
                    next.is_some(),
                    "{}: {entry} after the keys before it",
                    snippet.def
                );
                at = next.unwrap_or(at);
            }
            assert!(at - first < 80 * entries.len(), "{}: one body", snippet.def);
        }
    }
}
