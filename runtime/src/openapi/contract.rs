//! Answers held to an OpenAPI 3.1 document: the operation an answer belongs to (by
//! method and path template, server prefixes stripped), its status among the documented
//! ones (or `default`), its media type among the documented ones, and a JSON body valid
//! against the schema, with the first mismatch named by its JSON pointer. The test
//! harnesses run every answer they receive through it, so that a document that promises
//! what the service does not send fails a test instead of a generated client.
//!
//! The schema keywords read are the ones the documents here use: `$ref` (local),
//! `type` (one or a list), `properties`, `required`, `additionalProperties`, `items`,
//! `enum`, `const`, `anyOf`, `oneOf`, `allOf`, `minLength`, `maxLength`, `minimum`,
//! `maximum`, `minItems`, `maxItems` and `pattern`. `format` is a note, not a rule.

use regex::Regex;
use serde_json::Value;

/// An answer that does not match its document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The operation: its `operationId`, or `METHOD /template`.
    pub operation: String,
    /// Where in the body (a JSON pointer; empty for the whole body or the status).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}`: the answer does not match the document at `{}`: {}",
            self.operation,
            if self.pointer.is_empty() {
                "/"
            } else {
                &self.pointer
            },
            self.message
        )
    }
}

/// One operation of the document.
struct Operation {
    method: String,
    template: String,
    pattern: Regex,
    value: Value,
}

/// A document, ready to check answers.
pub struct Contract {
    doc: Value,
    prefixes: Vec<String>,
    operations: Vec<Operation>,
}

impl Contract {
    /// The contract of `doc`; `prefixes` are path prefixes the answers may carry besides
    /// the servers' (a service served under a base path).
    pub fn new(doc: Value) -> Contract {
        let mut prefixes: Vec<String> = doc["servers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["url"].as_str())
            .map(|u| {
                // The path of a server URL, without its scheme and host.
                let path = u
                    .split_once("://")
                    .map_or(u, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
                path.trim_end_matches('/').to_string()
            })
            .filter(|p| !p.is_empty())
            .collect();
        prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let mut operations = Vec::new();
        for (template, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if !matches!(
                    method.as_str(),
                    "get" | "put" | "post" | "delete" | "patch" | "head" | "options"
                ) {
                    continue;
                }
                operations.push(Operation {
                    method: method.to_uppercase(),
                    template: template.clone(),
                    pattern: template_pattern(template),
                    value: op.clone(),
                });
            }
        }
        // Literal paths before templated ones (`/api/cases/export` before `/api/cases/{id}`).
        operations.sort_by_key(|o| o.template.matches('{').count());
        Contract {
            doc,
            prefixes,
            operations,
        }
    }

    /// Whether the document describes `method path` (with or without a server prefix).
    pub fn describes(&self, method: &str, path: &str) -> bool {
        self.find(method, path).is_some()
    }

    fn find(&self, method: &str, path: &str) -> Option<&Operation> {
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let mut candidates = vec![path];
        for p in &self.prefixes {
            if let Some(rest) = path.strip_prefix(p.as_str()) {
                candidates.push(if rest.is_empty() { "/" } else { rest });
            }
        }
        candidates.iter().find_map(|c| {
            self.operations
                .iter()
                .find(|o| o.method.eq_ignore_ascii_case(method) && o.pattern.is_match(c))
        })
    }

    /// Check an answer to `method path`: `Ok` when the document does not describe the
    /// path (not its business) or when the answer matches it.
    pub fn check(
        &self,
        method: &str,
        path: &str,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), Mismatch> {
        let Some(op) = self.find(method, path) else {
            return Ok(());
        };
        let name = op.value["operationId"]
            .as_str()
            .map_or_else(|| format!("{} {}", op.method, op.template), str::to_string);
        let fail = |pointer: &str, message: String| Mismatch {
            operation: name.clone(),
            pointer: pointer.to_string(),
            message,
        };
        let responses = &op.value["responses"];
        let status_key = status.to_string();
        let range = format!("{}XX", status / 100);
        let response = [status_key.as_str(), range.as_str(), "default"]
            .iter()
            .find_map(|k| responses.get(*k))
            .ok_or_else(|| {
                let listed: Vec<&str> = responses
                    .as_object()
                    .map(|o| o.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                fail(
                    "",
                    format!(
                        "status {status} is not documented; the document lists {}",
                        listed.join(", ")
                    ),
                )
            })?;
        let response = self.resolve(response);
        let Some(content) = response["content"].as_object() else {
            return if body.is_empty() || status == 204 {
                Ok(())
            } else {
                Err(fail(
                    "",
                    format!("status {status} is documented without a body, and it has one"),
                ))
            };
        };
        if body.is_empty() && (status == 204 || method.eq_ignore_ascii_case("HEAD")) {
            return Ok(());
        }
        let media = content_type
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let documented = content.get(&media).or_else(|| {
            content.iter().find_map(|(k, v)| {
                let (kt, ks) = k.split_once('/')?;
                let (mt, _) = media.split_once('/')?;
                (ks == "*" && (kt == mt || kt == "*")).then_some(v)
            })
        });
        let Some(documented) = documented else {
            return Err(fail(
                "",
                format!(
                    "the media type `{media}` is not documented for status {status}; the document lists {}",
                    content
                        .keys()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        let is_json = media == "application/json" || media.ends_with("+json");
        if !is_json {
            return Ok(());
        }
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| fail("", format!("the body is not JSON: {e}")))?;
        match documented.get("schema") {
            Some(schema) => self
                .validate(schema, &value, "")
                .map_err(|(pointer, message)| fail(&pointer, message)),
            None => Ok(()),
        }
    }

    /// A `$ref` followed to what it names (a local one; others are left as they are).
    fn resolve<'a>(&'a self, mut v: &'a Value) -> &'a Value {
        for _ in 0..16 {
            let Some(r) = v.get("$ref").and_then(Value::as_str) else {
                return v;
            };
            let Some(pointer) = r.strip_prefix('#') else {
                return v;
            };
            match self.doc.pointer(pointer) {
                Some(target) => v = target,
                None => return v,
            }
        }
        v
    }

    /// Validate `value` at `at` against `schema`: the first mismatch, as (pointer, why).
    fn validate(&self, schema: &Value, value: &Value, at: &str) -> Result<(), (String, String)> {
        let schema = self.resolve(schema);
        let fail = |m: String| Err((at.to_string(), m));
        if let Some(b) = schema.as_bool() {
            return if b {
                Ok(())
            } else {
                fail("nothing is allowed here".into())
            };
        }
        if let Some(types) = schema.get("type") {
            let names: Vec<&str> = match types {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if !names.is_empty() && !names.iter().any(|t| is_type(value, t)) {
                return fail(format!(
                    "expected {}, found {}",
                    names.join(" or "),
                    type_name(value)
                ));
            }
        }
        if let Some(c) = schema.get("const") {
            if c != value {
                return fail(format!("expected `{c}`, found `{value}`"));
            }
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            if !options.contains(value) {
                return fail(format!(
                    "`{value}` is not one of {}",
                    options
                        .iter()
                        .map(|o| format!("`{o}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        for all in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.validate(all, value, at)?;
        }
        if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
            let results: Vec<_> = any.iter().map(|s| self.validate(s, value, at)).collect();
            if !results.iter().any(Result::is_ok) {
                return Err(closest(results, at, "anyOf"));
            }
        }
        if let Some(one) = schema.get("oneOf").and_then(Value::as_array) {
            let results: Vec<_> = one.iter().map(|s| self.validate(s, value, at)).collect();
            match results.iter().filter(|r| r.is_ok()).count() {
                1 => {}
                0 => return Err(closest(results, at, "oneOf")),
                n => {
                    return fail(format!(
                        "matches {n} of the `oneOf` schemas, not exactly one"
                    ));
                }
            }
        }
        match value {
            Value::Object(map) => {
                for r in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(key) = r.as_str() {
                        if !map.contains_key(key) {
                            return fail(format!("the required property `{key}` is missing"));
                        }
                    }
                }
                let properties = schema.get("properties").and_then(Value::as_object);
                for (key, v) in map {
                    let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                    match properties.and_then(|p| p.get(key)) {
                        Some(s) => self.validate(s, v, &here)?,
                        None => match schema.get("additionalProperties") {
                            Some(Value::Bool(false)) => {
                                return Err((
                                    here,
                                    format!(
                                        "the property `{key}` is not documented (additionalProperties is false)"
                                    ),
                                ));
                            }
                            Some(s @ Value::Object(_)) => self.validate(s, v, &here)?,
                            _ => {}
                        },
                    }
                }
            }
            Value::Array(items) => {
                if let Some(n) = schema.get("minItems").and_then(Value::as_u64) {
                    if (items.len() as u64) < n {
                        return fail(format!("{} items, fewer than {n}", items.len()));
                    }
                }
                if let Some(n) = schema.get("maxItems").and_then(Value::as_u64) {
                    if (items.len() as u64) > n {
                        return fail(format!("{} items, more than {n}", items.len()));
                    }
                }
                if let Some(s) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.validate(s, item, &format!("{at}/{i}"))?;
                    }
                }
            }
            Value::String(s) => {
                let len = s.chars().count() as u64;
                if let Some(n) = schema.get("minLength").and_then(Value::as_u64) {
                    if len < n {
                        return fail(format!("{len} characters, fewer than {n}"));
                    }
                }
                if let Some(n) = schema.get("maxLength").and_then(Value::as_u64) {
                    if len > n {
                        return fail(format!("{len} characters, more than {n}"));
                    }
                }
                if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
                    if let Ok(re) = Regex::new(p) {
                        if !re.is_match(s) {
                            return fail(format!("`{s}` does not match the pattern `{p}`"));
                        }
                    }
                }
            }
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(0.0);
                if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
                    if x < min {
                        return fail(format!("{x} is below the minimum {min}"));
                    }
                }
                if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
                    if x > max {
                        return fail(format!("{x} is above the maximum {max}"));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The mismatch of the alternative that went deepest, for a failed `anyOf`/`oneOf`.
fn closest(
    results: Vec<Result<(), (String, String)>>,
    at: &str,
    keyword: &str,
) -> (String, String) {
    results
        .into_iter()
        .filter_map(Result::err)
        .max_by_key(|(p, _)| p.len())
        .map(|(p, m)| (p, format!("{m} (none of the `{keyword}` schemas matches)")))
        .unwrap_or_else(|| {
            (
                at.to_string(),
                format!("none of the `{keyword}` schemas matches"),
            )
        })
}

fn is_type(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => {
            v.as_i64().is_some()
                || v.as_u64().is_some()
                || v.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => true,
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A path template as an anchored pattern: `{name}` is one segment.
fn template_pattern(template: &str) -> Regex {
    let mut out = String::from("^");
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&regex::escape(&rest[..open]));
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        out.push_str("[^/]+");
        rest = &rest[close.min(rest.len())..];
    }
    out.push_str(&regex::escape(rest));
    out.push('$');
    Regex::new(&out).unwrap_or_else(|_| Regex::new("^$").expect("a valid pattern"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "openapi": "3.1.0",
            "servers": [{"url": "http://127.0.0.1:8000/teams/t1/svc/x"}],
            "paths": {
                "/api/cases/{tracking}": {"get": {"operationId": "getCase", "responses": {
                    "200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}},
                    "404": {"$ref": "#/components/responses/NotFound"}
                }}},
                "/api/session": {"delete": {"operationId": "signOut", "responses": {"204": {"description": ""}}}}
            },
            "components": {
                "schemas": {
                    "Case": {"type": "object", "required": ["state", "history"], "additionalProperties": false, "properties": {
                        "state": {"type": "string", "enum": ["submitted", "accepted"]},
                        "history": {"type": "array", "items": {"type": "object", "required": ["action", "reason"], "properties": {
                            "action": {"type": "string"}, "reason": {"type": ["string", "null"]}
                        }}}
                    }},
                    "Error": {"type": "object", "required": ["type", "message"]}
                },
                "responses": {"NotFound": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
            }
        })
    }

    #[test]
    fn a_matching_answer_passes_under_its_server_prefix_too() {
        let c = Contract::new(doc());
        let body = br#"{"state": "submitted", "history": [{"action": "submit", "reason": null}]}"#;
        for path in ["/api/cases/P-1", "/teams/t1/svc/x/api/cases/P-1"] {
            assert_eq!(
                c.check("GET", path, 200, Some("application/json"), body),
                Ok(())
            );
        }
        assert_eq!(c.check("DELETE", "/api/session", 204, None, b""), Ok(()));
        // Not described: not its business.
        assert_eq!(
            c.check("GET", "/health", 200, Some("text/plain"), b"ok"),
            Ok(())
        );
    }

    #[test]
    fn a_mismatch_names_the_operation_and_the_pointer() {
        let c = Contract::new(doc());
        let missing = br#"{"state": "submitted", "history": [{"action": "submit"}]}"#;
        let m = c
            .check(
                "GET",
                "/api/cases/P-1",
                200,
                Some("application/json"),
                missing,
            )
            .unwrap_err();
        assert_eq!(
            (m.operation.as_str(), m.pointer.as_str()),
            ("getCase", "/history/0")
        );
        assert!(m.message.contains("`reason`"), "{m}");
        let extra = br#"{"state": "submitted", "history": [], "notifications": []}"#;
        let m = c
            .check(
                "GET",
                "/api/cases/P-1",
                200,
                Some("application/json"),
                extra,
            )
            .unwrap_err();
        assert_eq!(m.pointer, "/notifications");
        let wrong = br#"{"state": "lost", "history": []}"#;
        let m = c
            .check(
                "GET",
                "/api/cases/P-1",
                200,
                Some("application/json"),
                wrong,
            )
            .unwrap_err();
        assert_eq!(m.pointer, "/state");
        let m = c
            .check(
                "GET",
                "/api/cases/P-1",
                500,
                Some("application/json"),
                b"{}",
            )
            .unwrap_err();
        assert!(m.message.contains("status 500 is not documented"), "{m}");
        let m = c
            .check("GET", "/api/cases/P-1", 404, Some("text/html"), b"<p>")
            .unwrap_err();
        assert!(m.message.contains("`text/html`"), "{m}");
    }
}
