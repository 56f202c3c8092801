//! JSON values written as block YAML, for `openapi.yaml`. Every string value is
//! double-quoted with JSON's escapes (which YAML reads the same), every character YAML
//! could take for a line break or a control escaped, and keys are left bare only when
//! they are plain words — so that no text of a blueprint can change the document's
//! structure. Parsing stays in the blueprint crate's loading module; this only writes.

use serde_json::Value;

/// `value` as a YAML document.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => mapping(&mut out, value, 0),
        Value::Array(a) if !a.is_empty() => sequence(&mut out, value, 0),
        scalar => {
            out.push_str(&inline(scalar));
            out.push('\n');
        }
    }
    out
}

/// A scalar, or an empty collection, on one line.
fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quoted(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

fn nested(value: &Value) -> bool {
    matches!(value, Value::Object(m) if !m.is_empty())
        || matches!(value, Value::Array(a) if !a.is_empty())
}

fn mapping(out: &mut String, value: &Value, indent: usize) {
    let Value::Object(m) = value else { return };
    for (i, (k, v)) in m.iter().enumerate() {
        // The first key of a mapping inside a sequence goes after its `- `.
        if !(i == 0 && out.ends_with("- ")) {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&key(k));
        out.push(':');
        match v {
            Value::Object(_) if nested(v) => {
                out.push('\n');
                mapping(out, v, indent + 2);
            }
            Value::Array(_) if nested(v) => {
                out.push('\n');
                sequence(out, v, indent);
            }
            scalar => {
                out.push(' ');
                out.push_str(&inline(scalar));
                out.push('\n');
            }
        }
    }
}

fn sequence(out: &mut String, value: &Value, indent: usize) {
    let Value::Array(a) = value else { return };
    for v in a {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match v {
            Value::Object(_) if nested(v) => mapping(out, v, indent + 2),
            Value::Array(_) if nested(v) => {
                out.push('\n');
                sequence(out, v, indent + 2);
            }
            scalar => {
                out.push_str(&inline(scalar));
                out.push('\n');
            }
        }
    }
}

/// A key: bare when it is a plain word YAML reads as text, quoted otherwise.
fn key(k: &str) -> String {
    const SPECIAL: &[&str] = &[
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    ];
    let plain = k
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !SPECIAL.contains(&k.to_ascii_lowercase().as_str());
    if plain { k.to_string() } else { quoted(k) }
}

/// A double-quoted YAML string.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}' | '\u{85}'
                ) =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use yaml_rust2::{Yaml, YamlLoader};

    /// The YAML read back as JSON.
    fn back(y: &Yaml) -> Value {
        match y {
            Yaml::Null => Value::Null,
            Yaml::Boolean(b) => json!(b),
            Yaml::Integer(i) => json!(i),
            Yaml::Real(r) => json!(r.parse::<f64>().unwrap()),
            Yaml::String(s) => json!(s),
            Yaml::Array(a) => Value::Array(a.iter().map(back).collect()),
            Yaml::Hash(h) => Value::Object(
                h.iter()
                    .map(|(k, v)| (k.as_str().unwrap().to_string(), back(v)))
                    .collect(),
            ),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn any_text_reads_back_as_written() {
        let value = json!({
            "openapi": "3.1.0",
            "paths": {"/api/{x}": {"get": {"tags": ["a", "b"], "parameters": [{"name": "x", "in": "path"}, {"name": "y"}]}}},
            "texts": [
                "- not a list", "key: value", "# not a comment", "{{ not a template }}", "\"quoted\"",
                "back\\slash", "new\nline", "bell\u{7}", "nel\u{85}", "ls\u{2028}", "nonchar\u{FFFE}\u{FFFF}", "yes", "123", "", " padded ",
                "Arabic الاسم", "emoji 🙂", "'single'", "&anchor", "*alias", "!tag", "%directive", "@at", "`tick`"
            ],
            "yes": true, "null": null, "n": 1.5, "nested": [[1, 2], [], {}],
            "": "empty key", "a key: with colon": 1
        });
        let text = to_yaml(&value);
        let docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back(&docs[0]), value, "{text}");
    }
}
