//! The OpenAPI 3.1 document of a service's HTTP API, generated from its blueprint.
//!
//! Every route of [`super::api::app`] is described with its parameters, bodies and every
//! status its handler can answer; the submission schema follows the application's fields,
//! typed and bounded the way [`quickwin_blueprint::answers`] checks them; each workflow action gets a
//! request schema from its inputs; the operations provided to other agencies list what
//! they return. Every request body carries an example that passes the runtime's own
//! checks (the examples are checked with [`answers::check_inputs`] as they are built, and
//! the submission example is chosen so that the form's journey does not end on an exit
//! page).
//!
//! A field's `example` is the example's answer when the runtime accepts it on the day the
//! document is made for; otherwise (a date that has aged out of its bounds, say) a value
//! of the field's type is made up. The document depends on the blueprint and that day
//! only: the service serves it for today, so that its examples can be sent as they are;
//! tests make it for [`EXAMPLE_DAY`], so that it is always the same.

use serde_json::{Map, Value, json};

use super::api::{MAX_BODY, SESSION_SECONDS};
use super::cases::{self};
use quickwin_blueprint::answers;
use quickwin_blueprint::clock::Now;
use quickwin_blueprint::expr::Date;
use quickwin_blueprint::model::{Blueprint, Field, FieldType, Localized, RoleKind, Transition};

/// Every route of the API as `(method, path)`, in the order of the router: the
/// document describes exactly these.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/health"),
    ("get", "/metrics"),
    ("get", "/openapi.json"),
    ("get", "/api/service"),
    ("post", "/api/applications"),
    ("get", "/api/applications/{tracking}"),
    ("post", "/api/applications/{tracking}/actions/{action}"),
    ("get", "/api/applications/{tracking}/documents/{document}"),
    ("post", "/api/applications/{tracking}/fees/{fee}/payment"),
    ("post", "/api/attachments"),
    ("get", "/api/appointments"),
    ("get", "/api/appointments/{resource}"),
    ("get", "/api/verify/{code}"),
    ("get", "/api/provides/{operation}/{key}"),
    ("post", "/api/session"),
    ("delete", "/api/session"),
    ("get", "/api/cases"),
    ("get", "/api/cases/{tracking}"),
    ("get", "/api/cases/{tracking}/attachments/{id}"),
    ("post", "/api/cases/{tracking}/actions/{action}"),
];

use quickwin_blueprint::examples::{
    ACCESS_CODE_EXAMPLE, Examples, UPLOAD_EXAMPLE, choices, number, number_example, numeric,
};
pub use quickwin_blueprint::examples::{EXAMPLE_DAY, submission_example};

/// The body axum answers with when a request body is over [`MAX_BODY`].
const TOO_LARGE_BODY: &str = "Failed to buffer the request body: length limit exceeded";

/// The OpenAPI document of the service `bp`, with examples for `day` (the service
/// passes today; tests pass [`EXAMPLE_DAY`]).
pub fn document(bp: &Blueprint, day: Date) -> Value {
    Builder::new(bp, day).document()
}

/// The English text, else the text for every language, else any.
fn en(text: &Localized) -> String {
    text.get("en").to_string()
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn nullable(schema: Value) -> Value {
    json!({"anyOf": [schema, {"type": "null"}]})
}

fn error_body(kind: &str, message: &str) -> Value {
    json!({"type": kind, "message": message})
}

/// A response with the `Error` body and named examples `(name, type, message)`.
fn error(description: &str, examples: &[(&str, &str, &str)]) -> Value {
    let examples: Map<String, Value> = examples
        .iter()
        .map(|(name, kind, message)| {
            (
                (*name).to_string(),
                json!({"summary": message, "value": error_body(kind, message)}),
            )
        })
        .collect();
    json!({
        "description": description,
        "content": {"application/json": {"schema": schema_ref("Error"), "examples": examples}}
    })
}

fn shared(name: &str) -> Value {
    json!({"$ref": format!("#/components/responses/{name}")})
}

fn param(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

fn ok_json(description: &str, schema: Value, example: Option<Value>) -> Value {
    let mut media = json!({"schema": schema});
    if let Some(e) = example {
        media["example"] = e;
    }
    json!({"description": description, "content": {"application/json": media}})
}

/// A path parameter taking one of `values` (any text when there are none).
fn path_param(name: &str, description: &str, values: &[String]) -> Value {
    let schema = if values.is_empty() {
        json!({"type": "string"})
    } else {
        json!({"type": "string", "enum": values})
    };
    let mut p = json!({"name": name, "in": "path", "required": true, "description": description, "schema": schema});
    if let Some(first) = values.first() {
        p["example"] = json!(first);
    }
    p
}

/// The workflow actions a kind of person takes, each with its transitions.
struct Action<'a> {
    id: String,
    transitions: Vec<&'a Transition>,
}

struct Builder<'a> {
    bp: &'a Blueprint,
    day: Date,
    languages: Vec<String>,
    /// The examples, made for `day`.
    ex: Examples<'a>,
}

impl<'a> Builder<'a> {
    fn new(bp: &'a Blueprint, day: Date) -> Self {
        Builder {
            bp,
            day,
            languages: bp.languages.iter().map(|l| l.value.clone()).collect(),
            ex: Examples::new(bp, day),
        }
    }

    fn fields(&self) -> &'a [Field] {
        self.bp
            .case_record()
            .map_or(&[][..], |r| r.fields.as_slice())
    }

    /// A text in each of the blueprint's languages, as the API gives it.
    fn localized(&self, text: &Localized) -> Value {
        Value::Object(
            self.languages
                .iter()
                .map(|l| (l.clone(), json!(text.get(l))))
                .collect(),
        )
    }

    /// The fields on pages that are only shown when a condition holds, with it.
    fn conditional_fields(&self) -> Vec<(&'a str, &'a str)> {
        let mut out = Vec::new();
        for page in &self.bp.form.pages {
            if let Some(when) = &page.when {
                out.extend(page.fields.iter().map(|f| (f.as_str(), when.as_str())));
            }
        }
        out
    }

    // ---- schemas of fields --------------------------------------------------------

    /// The JSON Schema of a field's value: `strict` with every rule the runtime checks
    /// (for what is sent), else the type only (for what is read back).
    fn field_schema(&self, f: &Field, strict: bool) -> Value {
        self.field_schema_noted(f, strict, None)
    }

    /// [`Self::field_schema`], with one more note for the description.
    fn field_schema_noted(&self, f: &Field, strict: bool, note: Option<String>) -> Value {
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
    fn object_schema(
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

    // ---- workflow actions ---------------------------------------------------------

    /// The actions taken by staff (`citizen` false) or by the applicant (`citizen` true).
    fn actions(&self, citizen: bool) -> Vec<Action<'a>> {
        let bp = self.bp;
        let citizen_role = cases::citizen_role(bp);
        let mut out: Vec<Action<'a>> = Vec::new();
        for t in &bp.workflow.transitions {
            let taken = t.role.iter().any(|r| {
                if citizen {
                    r.as_str() == citizen_role
                } else {
                    bp.role(r)
                        .is_some_and(|role| role.kind.value == RoleKind::Staff)
                }
            });
            if !taken {
                continue;
            }
            match out.iter_mut().find(|a| a.id == t.action.as_str()) {
                Some(a) => a.transitions.push(t),
                None => out.push(Action {
                    id: t.action.value.clone(),
                    transitions: vec![t],
                }),
            }
        }
        out
    }

    /// The request schema of an action with its example: its inputs (merged over its
    /// transitions; required only when every transition requires it) and, for the
    /// applicant in a correction state, the corrected answers.
    fn action_schema(&self, action: &Action<'a>, citizen: bool) -> (Value, Map<String, Value>) {
        let mut inputs: Vec<&Field> = Vec::new();
        for t in &action.transitions {
            for f in &t.inputs {
                if !inputs.iter().any(|g| g.id == f.id) {
                    inputs.push(f);
                }
            }
        }
        let mut schema = self.object_schema(&inputs, true, &[]);
        let required: Vec<String> = inputs
            .iter()
            .filter(|f| {
                action.transitions.iter().all(|t| {
                    t.inputs
                        .iter()
                        .any(|g| g.id == f.id && g.required && g.required_if.is_none())
                })
            })
            .map(|f| f.id.value.clone())
            .collect();
        if required.is_empty() {
            if let Value::Object(s) = &mut schema {
                s.remove("required");
            }
        } else {
            schema["required"] = json!(required);
        }
        let mut example = self.ex.inputs_example(&inputs);
        let correction_states: Vec<&str> = self
            .bp
            .workflow
            .states
            .iter()
            .filter(|s| s.correction)
            .map(|s| s.id.as_str())
            .collect();
        let corrects: Vec<&str> = action
            .transitions
            .iter()
            .flat_map(|t| t.from.iter().map(|f| f.as_str()))
            .filter(|s| correction_states.contains(s))
            .collect();
        let mut notes = Vec::new();
        for t in &action.transitions {
            let from: Vec<String> = t.from.iter().map(|f| format!("`{}`", f.as_str())).collect();
            let roles: Vec<String> = t.role.iter().map(|r| format!("`{}`", r.as_str())).collect();
            let mut note = format!(
                "{}: from {} to `{}`, by {}",
                en(&t.label),
                from.join(", "),
                t.to.as_str(),
                roles.join(", ")
            );
            if let Some(when) = &t.when {
                note.push_str(&format!(", when `{}`", when.value));
            }
            if !t.self_approval {
                note.push_str(", by someone who has not acted on the case before");
            }
            notes.push(format!("{note}."));
        }
        if citizen && !corrects.is_empty() {
            let application: Vec<&Field> = self.fields().iter().filter(|f| !f.internal).collect();
            let corrections = self.object_schema(&application, true, &[]);
            if let (Some(Value::Object(props)), Some(Value::Object(fields))) =
                (schema.get_mut("properties"), corrections.get("properties"))
            {
                for (k, v) in fields {
                    props.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            notes.push(format!(
                "in {} the applicant may also correct answers of the application, sent like a submission (only the answers that change); the application as corrected is checked again.",
                corrects.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
            ));
            // An action taken only to send the corrected application back shows a
            // correction: a typed-in answer, changed.
            let only_corrects = action.transitions.iter().all(|t| {
                t.from
                    .iter()
                    .all(|f| correction_states.contains(&f.as_str()))
            });
            if example.is_empty() && only_corrects {
                let submission = self.ex.submission_example();
                let typed = |f: &Field| {
                    !matches!(
                        f.kind.value,
                        FieldType::Boolean
                            | FieldType::Choice
                            | FieldType::Group
                            | FieldType::Appointment
                    )
                };
                let first = self
                    .bp
                    .form
                    .pages
                    .iter()
                    .flat_map(|p| p.fields.iter())
                    .filter(|id| self.fields().iter().any(|f| f.id == **id && typed(f)))
                    .find_map(|f| {
                        submission
                            .get(f.as_str())
                            .map(|v| (f.value.clone(), v.clone()))
                    });
                example.extend(first);
            }
        }
        schema["title"] = json!(format!("the inputs of `{}`", action.id));
        schema["description"] = json!(notes.join(" "));
        schema["examples"] = json!([example.clone()]);
        (schema, example)
    }

    // ---- the document -------------------------------------------------------------

    fn document(&self) -> Value {
        let bp = self.bp;
        let mut schemas = self.schemas();
        let staff_actions = self.actions(false);
        let citizen_actions = self.actions(true);
        let staff_body = self.actions_body(&staff_actions, false, &mut schemas);
        let citizen_body = self.actions_body(&citizen_actions, true, &mut schemas);
        let provided = self.provided(&mut schemas);
        let mut paths = Map::new();
        for (method, path, operation) in self.operations(
            staff_actions,
            citizen_actions,
            staff_body,
            citizen_body,
            provided,
        ) {
            let item = paths.entry(path.to_string()).or_insert_with(|| json!({}));
            item[method] = operation;
        }
        let description = format!(
            "{} The API of the service `{}` of {}: citizens submit an application, follow it with its tracking number and access code, correct it, pay its fees, download its documents and book appointments; office staff sign in and work through cases with the actions the blueprint gives their roles; other agencies call the operations the service provides through the information mediator.\n\nErrors are JSON `{{type, message, problems?}}` (the `Error` schema), in the language asked with `Accept-Language` where the route reads it ({}), else in `{}`; `problems` names every problem with the answers, never just the first.",
            en(&bp.summary),
            bp.id.as_str(),
            en(&bp.agency.name),
            self.languages.join(", "),
            bp.default_language()
        );
        json!({
            "openapi": "3.1.0",
            "info": {
                "title": en(&bp.title),
                "version": bp.version.value,
                "description": description,
                "x-quickwin-service": bp.id.as_str(),
                "x-quickwin-interop": bp.interop.as_str(),
            },
            "tags": [
                {"name": "service", "description": "what the service is, and its health"},
                {"name": "citizen", "description": "applying, and following an application with its access code"},
                {"name": "appointments", "description": "the places and free slots that can be booked"},
                {"name": "documents", "description": "checking a document the service issued"},
                {"name": "staff", "description": "the back office: sessions and cases"},
                {"name": "agencies", "description": "operations offered to other agencies through the mediator"},
            ],
            "paths": paths,
            "components": {
                "schemas": schemas,
                "responses": self.shared_responses(),
                "parameters": self.parameters(),
                "securitySchemes": {
                    "bearerAuth": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": format!("a staff session token from `POST /api/session`; it lasts {} hours.", SESSION_SECONDS / 3600),
                    },
                    "accessCode": {
                        "type": "apiKey",
                        "in": "header",
                        "name": "X-Access-Code",
                        "description": "the access code returned with the tracking number when the application was submitted.",
                    },
                },
            },
        })
    }

    fn shared_responses(&self) -> Value {
        json!({
            "Internal": error("the service failed (its store); the log says why.", &[("internal", "Internal", "the service failed; see its log")]),
            "TooLarge": {
                "description": format!("the body is larger than {} MiB; the answer is plain text, not an `Error`.", MAX_BODY / (1024 * 1024)),
                "content": {"text/plain": {"schema": {"type": "string"}, "example": TOO_LARGE_BODY}},
            },
            "Unauthorized": error(
                "no bearer token, or the session is unknown or has expired.",
                &[("session", "Unauthorized", "the session is unknown or has expired; sign in again")],
            ),
            "NotJson": error(
                "the body is not a JSON object.",
                &[
                    ("not_json", "InvalidRequest", "the body is not valid JSON: expected value at line 1 column 1"),
                    ("not_object", "InvalidRequest", "the body must be a JSON object"),
                ],
            ),
        })
    }

    fn parameters(&self) -> Value {
        let bp = self.bp;
        json!({
            "Tracking": {
                "name": "tracking", "in": "path", "required": true,
                "description": format!("the application's tracking number, `{}`.", bp.workflow.tracking.value),
                "schema": {"type": "string"},
                "example": number_example(&bp.workflow.tracking.value, self.day),
            },
            "AccessCode": {
                "name": "X-Access-Code", "in": "header", "required": true,
                "description": "the access code returned with the tracking number (the `accessCode` scheme); a wrong code is answered like an unknown tracking number, 404.",
                "schema": {"type": "string"},
                "example": ACCESS_CODE_EXAMPLE,
            },
            "AcceptLanguage": {
                "name": "Accept-Language", "in": "header", "required": false,
                "description": format!("the language of the error messages: the first of {} named; otherwise `{}`.", self.languages.join(", "), bp.default_language()),
                "schema": {"type": "string"},
                "example": "en",
            },
        })
    }

    fn schemas(&self) -> Map<String, Value> {
        let bp = self.bp;
        let mut s = Map::new();
        let languages: Map<String, Value> = self
            .languages
            .iter()
            .map(|l| (l.clone(), json!({"type": "string"})))
            .collect();
        let text = |d: &str| json!({"type": "string", "description": d});
        let stamp = |d: &str| json!({"type": "string", "description": format!("{d}, `YYYY-MM-DDTHH:MM:SSZ` (UTC).")});
        let maybe_stamp = |d: &str| json!({"type": ["string", "null"], "description": format!("{d}, `YYYY-MM-DDTHH:MM:SSZ` (UTC).")});
        s.insert(
            "Error".into(),
            json!({
                "type": "object",
                "description": "every error of the service: its kind, a message in the request's language and, for problems with the answers, each problem.",
                "required": ["type", "message"],
                "additionalProperties": false,
                "properties": {
                    "type": {"type": "string", "description": "the kind: `InvalidRequest`, `IntegrationFailed`, `IntegrationUnavailable`, `NotFound`, `UnknownAction`, `Forbidden`, `Unauthorized`, `NotAllowedNow`, `SlotFull`, `Duplicate`, `NotIssued`, `NotDue`, `AlreadyPaid`, `PaymentDeclined`, `PaymentsUnavailable` or `Internal`."},
                    "message": {"type": "string"},
                    "problems": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["field", "code", "message"],
                            "additionalProperties": false,
                            "properties": {
                                "field": text("the field: its id, or `group[index].field` for an entry of a group."),
                                "code": text("what is wrong, e.g. `required`, `too_long`, `not_a_date`, `pattern`, `not_a_choice`, `unknown_field`, `filled_by_office`, `slot_full`."),
                                "message": text("the problem, in the request's language."),
                            },
                        },
                    },
                },
            }),
        );
        s.insert(
            "Text".into(),
            json!({
                "type": "object",
                "description": "a text in each of the service's languages.",
                "required": self.languages,
                "properties": languages,
            }),
        );
        let states: Vec<&str> = bp.workflow.states.iter().map(|s| s.id.as_str()).collect();
        let state_notes: Vec<String> = bp
            .workflow
            .states
            .iter()
            .map(|st| {
                format!(
                    "`{}` ({}{})",
                    st.id.as_str(),
                    en(&st.label),
                    if st.is_final { ", final" } else { "" }
                )
            })
            .collect();
        s.insert(
            "State".into(),
            json!({"type": "string", "enum": states, "description": format!("the state of an application: {}.", state_notes.join(", "))}),
        );
        // What is submitted.
        let application: Vec<&Field> = self.fields().iter().filter(|f| !f.internal).collect();
        let mut app = self.object_schema(&application, true, &self.conditional_fields());
        let record_label = bp.case_record().map_or_else(String::new, |r| en(&r.label));
        app["title"] = json!(record_label);
        app["description"] = json!(
            "the applicant's answers, by field id. Fields filled by the office are not sent; any other member is refused. A field on a page shown only under a condition, or with `required_if`, is required only when the condition holds; answers on pages the applicant does not see are dropped."
        );
        s.insert("Application".into(), app);
        // What is kept.
        let all: Vec<&Field> = self.fields().iter().collect();
        let mut answers = self.object_schema(&all, false, &[]);
        answers["description"] = json!(
            "the application's values by field id: the answers, as normalised, and what the office and the integrations added; unset fields are left out."
        );
        s.insert("Answers".into(), answers);
        s.insert(
            "Submitted".into(),
            json!({
                "type": "object",
                "required": ["tracking", "access_code", "state", "status", "decision_due"],
                "properties": {
                    "tracking": text("the tracking number."),
                    "access_code": text("the code to give with the tracking number to follow the application (`X-Access-Code`); shown once, keep it."),
                    "state": schema_ref("State"),
                    "status": schema_ref("Text"),
                    "decision_due": maybe_stamp("when a decision is due, after the service's processing time"),
                },
            }),
        );
        s.insert(
            "OpenAction".into(),
            json!({
                "type": "object",
                "description": "an action that can be taken now.",
                "required": ["action", "label", "to", "inputs"],
                "properties": {
                    "action": text("the action's id, for `…/actions/{action}`."),
                    "label": schema_ref("Text"),
                    "to": schema_ref("State"),
                    "inputs": {"type": "array", "items": {
                        "type": "object",
                        "required": ["id", "label", "required"],
                        "properties": {"id": {"type": "string"}, "label": schema_ref("Text"), "required": {"type": "boolean"}},
                    }},
                },
            }),
        );
        s.insert(
            "IssuedDocument".into(),
            json!({
                "type": "object",
                "required": ["document", "title", "number", "verification_code", "issued_at", "valid_until"],
                "properties": {
                    "document": text("the document's id."),
                    "title": nullable(schema_ref("Text")),
                    "number": {"type": "string"},
                    "verification_code": text("the code anyone can check with `GET /api/verify/{code}`."),
                    "issued_at": stamp("when it was issued"),
                    "valid_until": {"type": ["string", "null"], "description": "the last day it is valid, when it expires."},
                },
            }),
        );
        s.insert(
            "FeeStatus".into(),
            json!({
                "type": "object",
                "required": ["fee", "label", "amount", "currency", "status", "receipt", "paid_at"],
                "properties": {
                    "fee": text("the fee's id, for `…/fees/{fee}/payment`."),
                    "label": nullable(schema_ref("Text")),
                    "amount": {"type": "integer"},
                    "currency": {"type": "string"},
                    "status": {"type": "string", "enum": ["due", "pending", "paid"]},
                    "receipt": {"type": ["string", "null"]},
                    "paid_at": maybe_stamp("when it was paid"),
                },
            }),
        );
        s.insert(
            "Booking".into(),
            json!({
                "type": "object",
                "required": ["resource", "start", "status"],
                "properties": {
                    "resource": {"type": "string"},
                    "start": text("the local start, `YYYY-MM-DDTHH:MM`."),
                    "status": {"type": "string", "enum": ["booked", "moved", "cancelled", "no_show", "closed"]},
                },
            }),
        );
        let extras_required = ["documents", "fees", "appointments"];
        let mut public_required = vec![
            "tracking",
            "state",
            "status",
            "next",
            "submitted_at",
            "updated_at",
            "decision_due",
            "answers",
            "history",
            "actions",
        ];
        public_required.extend(extras_required);
        s.insert(
            "PublicCase".into(),
            json!({
                "type": "object",
                "description": "what the applicant sees of their application: no staff names.",
                "required": public_required,
                "properties": {
                    "tracking": {"type": "string"},
                    "state": schema_ref("State"),
                    "status": schema_ref("Text"),
                    "next": nullable(schema_ref("Text")),
                    "submitted_at": stamp("when it was submitted"),
                    "updated_at": stamp("when it last changed"),
                    "decision_due": maybe_stamp("when a decision is due"),
                    "answers": schema_ref("Answers"),
                    "history": {"type": "array", "items": {
                        "type": "object",
                        "required": ["at", "action", "state", "status", "reason"],
                        "properties": {
                            "at": stamp("when"),
                            "action": {"type": "string"},
                            "state": schema_ref("State"),
                            "status": nullable(schema_ref("Text")),
                            "reason": {"description": "the `reason` input given with the action, if any."},
                        },
                    }},
                    "actions": {"type": "array", "items": schema_ref("OpenAction")},
                    "documents": {"type": "array", "items": schema_ref("IssuedDocument")},
                    "fees": {"type": "array", "items": schema_ref("FeeStatus")},
                    "appointments": {"type": "array", "items": schema_ref("Booking")},
                },
            }),
        );
        let case_properties = json!({
            "id": {"type": "integer", "description": "the internal id."},
            "tracking": {"type": "string"},
            "state": schema_ref("State"),
            "submitted_at": stamp("when it was submitted"),
            "updated_at": stamp("when it last changed"),
            "answers": schema_ref("Answers"),
            "history": {"type": "array", "items": schema_ref("Event")},
        });
        let case_required = [
            "id",
            "tracking",
            "state",
            "submitted_at",
            "updated_at",
            "answers",
            "history",
        ];
        s.insert(
            "Event".into(),
            json!({
                "type": "object",
                "description": "one step of a case's history.",
                "required": ["at", "actor", "role", "action", "from_state", "to_state", "detail"],
                "properties": {
                    "at": stamp("when"),
                    "actor": text("who: `staff:NAME`, `applicant:TRACKING` or `system`."),
                    "role": {"type": "string"},
                    "action": text("the action (`submit` for the submission)."),
                    "from_state": {"type": ["string", "null"]},
                    "to_state": {"type": "string"},
                    "detail": {"description": "the inputs given with the action."},
                },
            }),
        );
        let mut staff_properties = case_properties.clone();
        if let Value::Object(p) = &mut staff_properties {
            p.insert("status".into(), schema_ref("Text"));
            p.insert("decision_due".into(), maybe_stamp("when a decision is due"));
            p.insert(
                "actions".into(),
                json!({"type": "array", "items": schema_ref("OpenAction")}),
            );
            p.insert(
                "documents".into(),
                json!({"type": "array", "items": schema_ref("IssuedDocument")}),
            );
            p.insert(
                "fees".into(),
                json!({"type": "array", "items": schema_ref("FeeStatus")}),
            );
            p.insert(
                "appointments".into(),
                json!({"type": "array", "items": schema_ref("Booking")}),
            );
            p.insert("calls_pending".into(), json!({"type": "integer", "description": "calls to other agencies still being retried."}));
            p.insert(
                "calls".into(),
                json!({"type": "array", "items": {
                    "type": "object",
                    "required": ["integration", "label", "action", "at", "outcome", "detail"],
                    "properties": {
                        "integration": {"type": "string"},
                        "label": nullable(schema_ref("Text")),
                        "action": {"type": "string"},
                        "at": stamp("when"),
                        "outcome": text("`ok`, or `retrying` for a failed call retried later."),
                        "detail": {"description": "what was asked, and what was kept or the error."},
                    },
                }}),
            );
            p.insert(
                "attachments".into(),
                json!({"type": "array", "items": {
                    "type": "object",
                    "required": ["id", "field", "name", "content_type", "size", "sha256"],
                    "properties": {
                        "id": text("for `GET /api/cases/{tracking}/attachments/{id}`."),
                        "field": {"type": ["string", "null"]},
                        "name": {"type": "string"},
                        "content_type": {"type": "string"},
                        "size": {"type": "integer"},
                        "sha256": {"type": "string"},
                    },
                }}),
            );
        }
        let mut staff_required: Vec<&str> = case_required.to_vec();
        staff_required.extend([
            "status",
            "decision_due",
            "actions",
            "calls",
            "calls_pending",
            "attachments",
        ]);
        staff_required.extend(extras_required);
        s.insert(
            "StaffCase".into(),
            json!({"type": "object", "description": "a case as the office sees it.", "required": staff_required, "properties": staff_properties}),
        );
        s.insert(
            "CaseList".into(),
            json!({
                "type": "object",
                "required": ["columns", "items", "page", "page_size", "total"],
                "properties": {
                    "columns": {"type": "array", "description": "the columns of the queue asked for (`queue.columns` of the role in the blueprint; by default the applicant's name and the first two required answers), in order.", "items": {
                        "type": "object",
                        "required": ["id", "label"],
                        "properties": {
                            "id": text("the field's id."),
                            "label": schema_ref("Text"),
                        },
                    }},
                    "items": {"type": "array", "items": {
                        "type": "object",
                        "required": ["tracking", "state", "status", "submitted_at", "updated_at", "age_days", "sla_breached", "decision_due", "columns"],
                        "properties": {
                            "tracking": {"type": "string"},
                            "state": schema_ref("State"),
                            "status": schema_ref("Text"),
                            "submitted_at": stamp("when it was submitted"),
                            "updated_at": stamp("when it last changed"),
                            "age_days": {"type": "integer"},
                            "sla_breached": {"type": "boolean", "description": "still open after the service's processing time."},
                            "decision_due": maybe_stamp("when a decision is due"),
                            "columns": {"type": "object", "description": "each column's value in words in the language asked (a choice's label, yes or no), by field id; empty when there is none.", "additionalProperties": {"type": "string"}},
                        },
                    }},
                    "page": {"type": "integer"},
                    "page_size": {"type": "integer"},
                    "total": {"type": "integer"},
                },
            }),
        );
        s.insert(
            "Service".into(),
            json!({
                "type": "object",
                "required": ["id", "version", "interop", "title", "summary", "eligibility", "you_need", "agency", "languages", "sla_days", "fees"],
                "properties": {
                    "id": {"type": "string"},
                    "version": {"type": "string"},
                    "interop": {"type": "string"},
                    "title": schema_ref("Text"),
                    "summary": schema_ref("Text"),
                    "eligibility": nullable(schema_ref("Text")),
                    "you_need": {"type": "array", "items": schema_ref("Text")},
                    "agency": {"type": "object", "required": ["member", "name"], "properties": {"member": {"type": "string"}, "name": schema_ref("Text")}},
                    "languages": {"type": "array", "items": {"type": "string"}},
                    "sla_days": {"type": "integer"},
                    "fees": {"type": "array", "items": {
                        "type": "object",
                        "required": ["fee", "label", "amount", "currency"],
                        "properties": {
                            "fee": {"type": "string"},
                            "label": schema_ref("Text"),
                            "amount": {"type": ["number", "null"], "description": "a fixed amount; none when it is computed from the answers."},
                            "currency": {"type": "string"},
                        },
                    }},
                },
            }),
        );
        s.insert(
            "SignIn".into(),
            json!({
                "type": "object",
                "required": ["name", "password"],
                "properties": {"name": {"type": "string", "minLength": 1}, "password": {"type": "string", "minLength": 1}},
            }),
        );
        s.insert(
            "Session".into(),
            json!({
                "type": "object",
                "required": ["token", "expires_in"],
                "properties": {
                    "token": text("the bearer token, for `Authorization: Bearer …`."),
                    "expires_in": {"type": "integer", "description": "seconds the session lasts."},
                },
            }),
        );
        s.insert(
            "Upload".into(),
            json!({
                "type": "object",
                "required": ["id", "name", "content_type", "size", "sha256"],
                "properties": {
                    "id": text("the upload id, to give as the answer of a `file` field (once)."),
                    "name": {"type": "string"},
                    "content_type": {"type": "string", "enum": ["application/pdf", "image/jpeg", "image/png"]},
                    "size": {"type": "integer"},
                    "sha256": {"type": "string"},
                },
            }),
        );
        s.insert(
            "Payment".into(),
            json!({
                "type": "object",
                "required": ["card_number"],
                "properties": {"card_number": {"type": "string", "minLength": 1, "pattern": "\\S", "description": "the number of the card to pay with (spaces are removed)."}},
            }),
        );
        s.insert(
            "Paid".into(),
            json!({
                "type": "object",
                "required": ["fee", "amount", "currency", "status", "receipt"],
                "properties": {
                    "fee": {"type": "string"},
                    "amount": {"type": "integer"},
                    "currency": {"type": "string"},
                    "status": {"const": "paid"},
                    "receipt": text("the receipt number."),
                },
            }),
        );
        s.insert(
            "Document".into(),
            json!({
                "type": "object",
                "required": ["document", "title", "tracking", "number", "verification_code", "issued_at", "valid_until", "issued_by", "fields", "verify"],
                "properties": {
                    "document": {"type": "string"},
                    "title": schema_ref("Text"),
                    "tracking": {"type": "string"},
                    "number": {"type": "string"},
                    "verification_code": {"type": "string"},
                    "issued_at": stamp("when it was issued"),
                    "valid_until": {"type": ["string", "null"]},
                    "issued_by": schema_ref("Text"),
                    "fields": {"type": "object", "description": "the fields printed on the document."},
                    "verify": text("the path that checks it."),
                },
            }),
        );
        s.insert(
            "Verification".into(),
            json!({
                "type": "object",
                "required": ["valid", "document", "title", "number", "issued_at", "valid_until", "issued_by", "fields"],
                "properties": {
                    "valid": {"type": "boolean", "description": "false once it has expired."},
                    "document": {"type": "string"},
                    "title": nullable(schema_ref("Text")),
                    "number": {"type": "string"},
                    "issued_at": stamp("when it was issued"),
                    "valid_until": {"type": ["string", "null"]},
                    "issued_by": schema_ref("Text"),
                    "fields": {"type": "object", "description": "only the fields the document makes public."},
                },
            }),
        );
        s.insert(
            "Resources".into(),
            json!({
                "type": "object",
                "required": ["label", "slot_minutes", "horizon_days", "resources"],
                "properties": {
                    "label": schema_ref("Text"),
                    "slot_minutes": {"type": "integer"},
                    "horizon_days": {"type": "integer"},
                    "resources": {"type": "array", "items": {
                        "type": "object",
                        "required": ["id", "label", "governorate", "address", "capacity"],
                        "properties": {
                            "id": {"type": "string"},
                            "label": schema_ref("Text"),
                            "governorate": {"type": ["string", "null"]},
                            "address": nullable(schema_ref("Text")),
                            "capacity": {"type": "integer"},
                        },
                    }},
                },
            }),
        );
        s.insert(
            "Slots".into(),
            json!({
                "type": "object",
                "required": ["resource", "day", "slots"],
                "properties": {
                    "resource": {"type": "string"},
                    "day": {"type": "string", "format": "date"},
                    "slots": {"type": "array", "items": {
                        "type": "object",
                        "required": ["value", "start", "capacity", "booked", "free"],
                        "properties": {
                            "value": text("the answer to give in the appointment field."),
                            "start": text("the local start, `YYYY-MM-DDTHH:MM`."),
                            "capacity": {"type": "integer"},
                            "booked": {"type": "integer"},
                            "free": {"type": "integer"},
                        },
                    }},
                },
            }),
        );
        s
    }

    /// The body of an actions route: each action's schema in `components`, and the
    /// body schema with an example.
    fn actions_body(
        &self,
        actions: &[Action<'a>],
        citizen: bool,
        schemas: &mut Map<String, Value>,
    ) -> Value {
        let prefix = if citizen {
            "CitizenAction"
        } else {
            "StaffAction"
        };
        let mut refs = Vec::new();
        let mut examples: Vec<Map<String, Value>> = Vec::new();
        for a in actions {
            let (schema, example) = self.action_schema(a, citizen);
            let name = format!("{prefix}_{}", a.id);
            schemas.insert(name.clone(), schema);
            refs.push(schema_ref(&name));
            examples.push(example);
        }
        let schema = match refs.len() {
            0 => json!({"type": "object", "maxProperties": 0}),
            1 => refs.remove(0),
            _ => {
                json!({"anyOf": refs, "description": "the inputs of the action named in the path: one of the schemas here, each named after its action."})
            }
        };
        let example = examples
            .iter()
            .find(|e| !e.is_empty())
            .or(examples.first())
            .cloned()
            .unwrap_or_default();
        json!({
            "description": "the action's inputs (an empty body for an action without any).",
            "required": false,
            "content": {"application/json": {"schema": schema, "example": example}},
        })
    }

    /// The response schema of each provided operation, in `components`; the schema of
    /// the route's answer.
    fn provided(&self, schemas: &mut Map<String, Value>) -> Value {
        let bp = self.bp;
        let submission = self.ex.submission_example();
        let mut refs = Vec::new();
        for op in &bp.provides {
            let mut properties = Map::new();
            let mut example = Map::new();
            for r in &op.returns {
                let (schema, value) = match r.as_str() {
                    "state" => (schema_ref("State"), json!(bp.workflow.initial.as_str())),
                    "tracking" => (
                        json!({"type": "string"}),
                        json!(number_example(&bp.workflow.tracking.value, self.day)),
                    ),
                    other => match self.fields().iter().find(|f| f.id.as_str() == other) {
                        Some(f) => (
                            nullable(self.field_schema(f, false)),
                            submission.get(other).cloned().unwrap_or(Value::Null),
                        ),
                        None => (json!({}), Value::Null),
                    },
                };
                properties.insert(r.value.clone(), schema);
                example.insert(r.value.clone(), value);
            }
            properties.insert("status".into(), schema_ref("Text"));
            example.insert(
                "status".into(),
                self.status_of(bp.workflow.initial.as_str()),
            );
            let mut required: Vec<String> = op.returns.iter().map(|r| r.value.clone()).collect();
            required.push("status".into());
            let clients = if op.clients.is_empty() {
                "any client".to_string()
            } else {
                op.clients
                    .iter()
                    .map(|c| format!("`{}`", c.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let name = format!("Provided_{}", op.id.as_str());
            schemas.insert(
                name.clone(),
                json!({
                    "type": "object",
                    "title": en(&op.label),
                    "description": format!("`{}`: the latest application whose `{}` is the key; called by {clients}.", op.id.as_str(), op.key.as_str()),
                    "required": required,
                    "additionalProperties": false,
                    "properties": properties,
                    "examples": [example],
                }),
            );
            refs.push(schema_ref(&name));
        }
        match refs.len() {
            0 => json!({"type": "object"}),
            1 => refs.remove(0),
            _ => {
                json!({"anyOf": refs, "description": "the fields the operation named in the path returns."})
            }
        }
    }

    fn status_of(&self, state: &str) -> Value {
        self.bp
            .workflow
            .states
            .iter()
            .find(|s| s.id.as_str() == state)
            .map_or(Value::Null, |s| self.localized(&s.label))
    }

    /// The problems an empty submission gets, as the API names them.
    fn invalid_example(&self) -> Value {
        let required = self
            .fields()
            .iter()
            .find(|f| !f.internal && f.required)
            .map_or("field", |f| f.id.as_str());
        let p = answers::field_problem(self.bp, required, "required", "");
        json!({
            "type": "InvalidRequest",
            "message": super::cases::PROBLEMS.text("en", 1),
            "problems": [{"field": p.field, "code": p.code, "message": p.message.get("en").or(p.message.values().next())}],
        })
    }

    fn operations(
        &self,
        staff_actions: Vec<Action<'a>>,
        citizen_actions: Vec<Action<'a>>,
        staff_body: Value,
        citizen_body: Value,
        provided: Value,
    ) -> Vec<(&'static str, &'static str, Value)> {
        let bp = self.bp;
        let day = self.day;
        let tracking = number_example(&bp.workflow.tracking.value, day);
        let due = Now::at(
            (day.0 * 1440 + 6 * 60 + i64::try_from(bp.sla.value.minutes).unwrap_or(0)) * 60,
        )
        .stamp;
        let has_appointment = self
            .fields()
            .iter()
            .any(|f| f.kind.value == FieldType::Appointment);
        let blocking: Vec<String> = bp
            .integrations
            .iter()
            .filter(|i| i.on_failure == quickwin_blueprint::model::Failure::Block)
            .map(|i| i.on.value.clone())
            .collect();
        let staff = json!([{"bearerAuth": []}]);
        let citizen = json!([{"accessCode": []}]);
        let ids = |items: Vec<&str>| items.into_iter().map(str::to_string).collect::<Vec<_>>();
        let action_ids =
            |actions: &[Action<'a>]| actions.iter().map(|a| a.id.clone()).collect::<Vec<_>>();
        let documents = ids(bp.documents.iter().map(|d| d.id.as_str()).collect());
        let fees = ids(bp.fees.iter().map(|f| f.id.as_str()).collect());
        let resources = ids(bp
            .appointments
            .iter()
            .flat_map(|a| a.resources.iter().map(|r| r.id.as_str()))
            .collect());
        let operations = ids(bp.provides.iter().map(|o| o.id.as_str()).collect());
        let staff_roles = ids(bp.staff_roles());
        let states = ids(bp.workflow.states.iter().map(|s| s.id.as_str()).collect());
        let not_found_case = (
            "unknown",
            "NotFound",
            "no case with this tracking number and access code",
        );
        let integration_failed = (
            "integration_failed",
            "IntegrationFailed",
            "another agency's answer does not allow the step (the blueprint's failure message)",
        );
        let unavailable = || {
            error(
                "another agency that the step needs cannot be reached now (the mediator refused the call, it did not answer in time, or it failed); nothing was sent or stored, try again later (`IntegrationUnavailable`).",
                &[(
                    "integration_unavailable",
                    "IntegrationUnavailable",
                    "The service cannot reach “the agency” now; nothing was sent. Try again later.",
                )],
            )
        };
        let mut submit_422 = error(
            "the answers have problems, each named in `problems`; or the body is not a JSON object; or a call to another agency that the submission needs failed (`IntegrationFailed`). Nothing is stored.",
            &[
                (
                    "not_object",
                    "InvalidRequest",
                    "the body must be a JSON object",
                ),
                integration_failed,
            ],
        );
        submit_422["content"]["application/json"]["examples"]["answers"] =
            json!({"summary": "a required answer is missing", "value": self.invalid_example()});
        let mut submit_responses = json!({
            "201": ok_json("the application is stored; keep the tracking number and the access code.", schema_ref("Submitted"), Some(json!({
                "tracking": tracking, "access_code": ACCESS_CODE_EXAMPLE, "state": bp.workflow.initial.as_str(),
                "status": self.status_of(bp.workflow.initial.as_str()), "decision_due": due,
            }))),
            "413": shared("TooLarge"),
            "422": submit_422,
            "500": shared("Internal"),
        });
        let unique = bp.workflow.unique.as_ref().filter(|u| !u.is_empty());
        let duplicate = unique.map(|u| {
            let fields: Vec<String> = u.iter().map(|f| f.value.clone()).collect();
            (
                "duplicate",
                "Duplicate",
                format!(
                    "an open application has the same {}: `{}`",
                    fields.join(", "),
                    number_example(&bp.workflow.tracking.value, self.day)
                ),
            )
        });
        let mut submit_409: Vec<(&str, &str, &str)> = Vec::new();
        if has_appointment {
            submit_409.push((
                "slot_full",
                "SlotFull",
                "the appointment slot is fully booked",
            ));
        }
        if let Some((k, t, m)) = &duplicate {
            submit_409.push((k, t, m));
        }
        if !submit_409.is_empty() {
            let mut why = Vec::new();
            if has_appointment {
                why.push("the chosen slot filled up meanwhile (`SlotFull`, with the field in `problems`); choose another");
            }
            if duplicate.is_some() {
                why.push("an application with the same answers to `workflow.unique` is still open (`Duplicate`, naming it); follow that one");
            }
            submit_responses["409"] = error(&format!("{}.", why.join("; or ")), &submit_409);
        }
        let submission = Value::Object(self.ex.submission_example());
        let mut submit_description = "checks every answer (each problem is named, never just the first), makes the calls to other agencies the submission needs, then stores the application in its first state".to_string();
        if has_appointment {
            submit_description.push_str(", booking its appointment");
        }
        submit_description.push_str(
            ". The answers of `file` fields are upload ids from `POST /api/attachments`.",
        );
        if blocking.iter().any(|a| a == "submit") {
            submit_description.push_str(
                " A call that the submission needs refuses it with 422 `IntegrationFailed` when the agency answers no, and with 503 `IntegrationUnavailable` when the agency cannot be reached.",
            );
            submit_responses["503"] = unavailable();
        }
        let citizen_actions_text: Vec<String> = citizen_actions
            .iter()
            .map(|a| format!("`{}` ({})", a.id, en(&a.transitions[0].label)))
            .collect();
        let staff_actions_text: Vec<String> = staff_actions
            .iter()
            .map(|a| format!("`{}` ({})", a.id, en(&a.transitions[0].label)))
            .collect();
        let mut citizen_409 = vec![(
            "wrong_state",
            "NotAllowedNow",
            "`resubmit` cannot be taken in the state `submitted`",
        )];
        if bp
            .appointments
            .as_ref()
            .is_some_and(|a| a.cancel_action.is_some())
        {
            citizen_409.push(("too_late", "NotAllowedNow", "too late to cancel online"));
        }
        if has_appointment {
            citizen_409.push((
                "slot_full",
                "SlotFull",
                "the appointment slot is fully booked",
            ));
        }
        if let Some((k, t, m)) = &duplicate {
            citizen_409.push((k, t, m));
        }
        let provide_clients =
            !bp.provides.is_empty() && bp.provides.iter().all(|o| !o.clients.is_empty());
        let keys: Vec<String> = bp
            .provides
            .iter()
            .map(|o| {
                format!(
                    "`{}`: the application's `{}`",
                    o.id.as_str(),
                    o.key.as_str()
                )
            })
            .collect();
        let key_example = bp.provides.first().map_or(Value::Null, |o| {
            if o.key.as_str() == "tracking" {
                json!(tracking)
            } else {
                submission
                    .get(o.key.as_str())
                    .cloned()
                    .unwrap_or(json!("1"))
            }
        });
        let mut key_param = json!({"name": "key", "in": "path", "required": true, "schema": {"type": "string"},
            "description": if keys.is_empty() { "the key of the application.".to_string() } else { format!("the key the operation looks the application up by — {}.", keys.join("; ")) }});
        if let Some(k) = key_example.as_str() {
            key_param["example"] = json!(k);
        }
        vec![
            (
                "get",
                "/health",
                json!({
                    "operationId": "health", "tags": ["service"], "summary": "whether the service is up",
                    "description": "answers `ok` while the service runs.",
                    "responses": {"200": {"description": "the service is up.", "content": {"text/plain": {"schema": {"type": "string"}, "example": "ok"}}}},
                }),
            ),
            (
                "get",
                "/metrics",
                json!({
                    "operationId": "metrics", "tags": ["service"], "summary": "counts for monitoring",
                    "description": "request counts and latencies by route, cases by state and the work waiting in the outbox, in the Prometheus text format.",
                    "responses": {
                        "200": {"description": "the metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}},
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                "get",
                "/openapi.json",
                json!({
                    "operationId": "openapi", "tags": ["service"], "summary": "this document",
                    "description": "the OpenAPI document of the service, generated from its blueprint.",
                    "responses": {"200": ok_json("the document.", json!({"type": "object"}), None)},
                }),
            ),
            (
                "get",
                "/api/service",
                json!({
                    "operationId": "getService", "tags": ["service"], "summary": "what the service is",
                    "description": "the service's title, summary, eligibility, what to have at hand, agency, languages, processing time and fees, for a start page.",
                    "responses": {"200": ok_json("the service.", schema_ref("Service"), None)},
                }),
            ),
            (
                "post",
                "/api/applications",
                json!({
                    "operationId": "submitApplication", "tags": ["citizen"], "summary": "submit an application",
                    "description": submit_description,
                    "parameters": [param("AcceptLanguage")],
                    "requestBody": {"required": true, "description": "the answers.", "content": {"application/json": {"schema": schema_ref("Application"), "example": submission}}},
                    "responses": submit_responses,
                }),
            ),
            (
                "get",
                "/api/applications/{tracking}",
                json!({
                    "operationId": "trackApplication", "tags": ["citizen"], "summary": "follow an application",
                    "description": "the application's state and what happens next, its answers, history (without staff names), the actions the applicant can take now, and its documents, fees and appointments.",
                    "security": citizen,
                    "parameters": [param("Tracking"), param("AccessCode")],
                    "responses": {
                        "200": ok_json("the application.", schema_ref("PublicCase"), None),
                        "404": error("no application with this tracking number and access code (a wrong code is not told apart).", &[not_found_case]),
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                "post",
                "/api/applications/{tracking}/actions/{action}",
                json!({
                    "operationId": "takeCitizenAction", "tags": ["citizen"], "summary": "take an action on one's application",
                    "description": format!("the applicant takes an action open in the application's state — {}. The inputs are checked like a submission; the calls to other agencies the action needs are made first.", if citizen_actions_text.is_empty() { "this service has none".to_string() } else { citizen_actions_text.join(", ") }),
                    "security": citizen,
                    "parameters": [param("Tracking"), path_param("action", "the action.", &action_ids(&citizen_actions)), param("AccessCode"), param("AcceptLanguage")],
                    "requestBody": citizen_body,
                    "responses": {
                        "200": ok_json("the action was taken; the application as it is now.", schema_ref("PublicCase"), None),
                        "403": error("the action is not the applicant's to take.", &[("role", "Forbidden", "`approve` may only be taken by `registrar`")]),
                        "404": error("no application with this tracking number and access code, or no such action.", &[not_found_case, ("action", "UnknownAction", "the service has no action `launch`")]),
                        "409": error("the action cannot be taken now: not from the application's state, its condition does not hold, too late to cancel the appointment online, the new slot is full, or the corrected answers are those of another open application.", &citizen_409),
                        "413": shared("TooLarge"),
                        "422": error("the inputs or the corrected answers have problems (each named in `problems`), the body is not a JSON object, or a call to another agency the action needs failed.", &[("not_object", "InvalidRequest", "the body must be a JSON object"), integration_failed]),
                        "503": unavailable(),
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                "get",
                "/api/applications/{tracking}/documents/{document}",
                json!({
                    "operationId": "getDocument", "tags": ["citizen"], "summary": "download an issued document",
                    "description": "a document issued for the application, with its fields and its public verification code.",
                    "security": citizen,
                    "parameters": [param("Tracking"), path_param("document", "the document.", &documents), param("AccessCode")],
                    "responses": {
                        "200": ok_json("the document.", schema_ref("Document"), None),
                        "404": error("no application with this tracking number and access code, or the service issues no such document.", &[not_found_case]),
                        "409": error("the document is not issued (yet) for this application.", &[("not_issued", "NotIssued", "the document is issued in another state than the application's")]),
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                "post",
                "/api/applications/{tracking}/fees/{fee}/payment",
                json!({
                    "operationId": "payFee", "tags": ["citizen"], "summary": "pay a fee by card",
                    "description": "pays a fee that is due on the application through the payments service (via the information mediator); the fee's `paid` action follows.",
                    "security": citizen,
                    "parameters": [param("Tracking"), path_param("fee", "the fee.", &fees), param("AccessCode"), param("AcceptLanguage")],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": schema_ref("Payment"), "example": {"card_number": "4111111111111111"}}}},
                    "responses": {
                        "200": ok_json("the fee is paid.", schema_ref("Paid"), Some(json!({"fee": fees.first().map_or("fee", String::as_str), "amount": 5000, "currency": "IQD", "status": "paid", "receipt": "RCPT-2026-0000042"}))),
                        "402": error("the card was declined; nothing was charged.", &[("declined", "PaymentDeclined", "the card was declined; nothing was charged. Try another card")]),
                        "404": error("no application with this tracking number and access code.", &[not_found_case]),
                        "409": error("the fee is not due on this application, or already paid.", &[("not_due", "NotDue", "the fee is not due on this application"), ("paid", "AlreadyPaid", "the fee is already paid")]),
                        "413": shared("TooLarge"),
                        "422": error("`card_number` is missing, the body is not a JSON object, or the payments service refused the card number.", &[("card", "InvalidRequest", "`card_number` is required")]),
                        "500": shared("Internal"),
                        "502": error("the payments service failed; nothing was charged, try again.", &[("failed", "PaymentsUnavailable", "the payment could not be made; nothing was charged, try again")]),
                        "503": error("no information mediator is configured, so the payments service cannot be reached.", &[("no_mediator", "PaymentsUnavailable", "no information mediator is configured, so the payments service cannot be reached")]),
                        "504": error("the payments service did not answer in time; nothing was charged, try again.", &[("timeout", "PaymentsUnavailable", "the payment could not be made; nothing was charged, try again")]),
                    },
                }),
            ),
            (
                "post",
                "/api/attachments",
                json!({
                    "operationId": "uploadAttachment", "tags": ["citizen"], "summary": "upload a file",
                    "description": format!("stores a PDF, JPEG or PNG file (at most {} MiB) and returns its id, to give once as the answer of a `file` field.", MAX_BODY / (1024 * 1024)),
                    "parameters": [{"name": "name", "in": "query", "required": false, "description": "the file's name: at most 200 characters, without `/` or `\\`; `file` when not given.", "schema": {"type": "string", "maxLength": 200, "pattern": "^[^/\\\\]*$"}, "example": "birth-notification.pdf"}],
                    "requestBody": {"required": true, "description": "the file's bytes, with its `Content-Type`.", "content": {
                        "application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}, "example": "%PDF-1.7\n%…\n%%EOF\n"},
                        "image/jpeg": {"schema": {"type": "string", "contentMediaType": "image/jpeg"}},
                        "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}},
                    }},
                    "responses": {
                        "201": ok_json("the file is stored.", schema_ref("Upload"), Some(json!({"id": UPLOAD_EXAMPLE, "name": "birth-notification.pdf", "content_type": "application/pdf", "size": 48213, "sha256": "9f2b5c1d0e7a4b3c8d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"}))),
                        "413": shared("TooLarge"),
                        "422": error("not a PDF, JPEG or PNG (by `Content-Type` and by its first bytes), empty, or a bad name.", &[("type", "InvalidRequest", "`Content-Type` must be one of `application/pdf`, `image/jpeg` or `image/png`, found `text/plain`")]),
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                "get",
                "/api/appointments",
                json!({
                    "operationId": "listAppointmentResources", "tags": ["appointments"], "summary": "the places that can be booked",
                    "description": "what is booked, the slot length, how far ahead one can book, and the places with their capacity.",
                    "responses": {
                        "200": ok_json("the places.", schema_ref("Resources"), None),
                        "404": error("the service has no appointments.", &[("none", "NotFound", "this service has no appointments")]),
                    },
                }),
            ),
            (
                "get",
                "/api/appointments/{resource}",
                json!({
                    "operationId": "listSlots", "tags": ["appointments"], "summary": "the slots of a place on a day",
                    "description": "the slots of the place on the day with their free places; slots already begun and those beyond the booking horizon are left out.",
                    "parameters": [
                        path_param("resource", "the place.", &resources),
                        {"name": "day", "in": "query", "required": false, "description": "the day; today when not given.", "schema": {"type": "string", "format": "date"}, "example": Date(day.0 + 2).to_string()},
                    ],
                    "responses": {
                        "200": ok_json("the slots.", schema_ref("Slots"), None),
                        "404": error("no such place.", &[("unknown", "NotFound", "there is no `centre` to book")]),
                        "422": error("`day` is not a date.", &[("day", "InvalidRequest", "`day` must be a date like `2026-12-01`, found `tomorrow`")]),
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                "get",
                "/api/verify/{code}",
                json!({
                    "operationId": "verifyDocument", "tags": ["documents"], "summary": "check a document",
                    "description": "whether a document with this verification code was issued, and still valid, with the fields it makes public.",
                    "parameters": [{"name": "code", "in": "path", "required": true, "description": "the verification code printed on the document (any case).", "schema": {"type": "string"}}],
                    "responses": {
                        "200": ok_json("the document.", schema_ref("Verification"), None),
                        "404": error("no document has this code.", &[("unknown", "NotFound", "no document has this verification code")]),
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                "get",
                "/api/provides/{operation}/{key}",
                json!({
                    "operationId": "callProvidedOperation", "tags": ["agencies"], "summary": "an operation offered to other agencies",
                    "description": "answers another agency, called through the information mediator: the fields the operation returns of the latest application with this key, and its status.",
                    "parameters": [
                        path_param("operation", "the operation.", &operations),
                        key_param,
                        {"name": "X-Road-Client", "in": "header", "required": provide_clients, "description": "the calling subsystem, set by the mediator; an operation that lists its clients answers only them.", "schema": {"type": "string"}, "example": bp.provides.iter().flat_map(|o| o.clients.first()).next().map_or("IQ/GOV/MOE/schools", |c| c.as_str())},
                    ],
                    "responses": {
                        "200": ok_json("the application's fields.", provided, None),
                        "403": error("the caller is not one of the operation's clients.", &[("client", "Forbidden", "the operation may only be called by its clients")]),
                        "404": error("no such operation, or no application with this key.", &[("unknown", "NotFound", "no application has this key")]),
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                "post",
                "/api/session",
                json!({
                    "operationId": "signIn", "tags": ["staff"], "summary": "sign in",
                    "description": format!("opens a staff session of {} hours and returns its bearer token.", SESSION_SECONDS / 3600),
                    "requestBody": {"required": true, "content": {"application/json": {"schema": schema_ref("SignIn"), "example": {"name": "sara.clerk", "password": "correct horse battery staple"}}}},
                    "responses": {
                        "201": ok_json("signed in.", schema_ref("Session"), Some(json!({"token": "4f9c2b7e1a3d5f608b2c4e6a8d0f1b3c5e7a9c1d3f5b7d9e1a3c5e7f9b1d3f5a", "expires_in": SESSION_SECONDS}))),
                        "401": error("the name or the password is wrong.", &[("wrong", "Unauthorized", "the name or the password is wrong")]),
                        "413": shared("TooLarge"),
                        "422": error("`name` or `password` is missing, or the body is not a JSON object.", &[("missing", "InvalidRequest", "`password` is required")]),
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                "delete",
                "/api/session",
                json!({
                    "operationId": "signOut", "tags": ["staff"], "summary": "sign out",
                    "description": "ends the session of the bearer token.",
                    "security": staff,
                    "responses": {
                        "204": {"description": "signed out."},
                        "401": shared("Unauthorized"),
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                "get",
                "/api/cases",
                json!({
                    "operationId": "listCases", "tags": ["staff"], "summary": "list cases",
                    "description": "the cases, oldest first unless sorted otherwise, a page at a time, filtered by state, by a role's queue (the states its actions start from), by processing time or by a text; each with the queue's columns in words. An unknown filter is refused.",
                    "security": staff,
                    "parameters": [
                        {"name": "page", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1}},
                        {"name": "page_size", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
                        {"name": "state", "in": "query", "required": false, "description": "only cases in this state.", "schema": {"type": "string", "enum": states}},
                        {"name": "queue", "in": "query", "required": false, "description": "only cases a role one holds can act on.", "schema": if staff_roles.is_empty() { json!({"type": "string"}) } else { json!({"type": "string", "enum": staff_roles}) }},
                        {"name": "sla", "in": "query", "required": false, "description": "`breached`: open cases older than the processing time; `within`: the others.", "schema": {"type": "string", "enum": ["breached", "within"]}},
                        {"name": "q", "in": "query", "required": false, "description": "only cases whose tracking number or one of the columns contains this text (a choice also by its label in any language).", "schema": {"type": "string"}},
                        {"name": "sort", "in": "query", "required": false, "description": "`age` (time since submission), `tracking`, `state`, or the id of one of the queue's columns.", "schema": {"type": "string", "default": "age"}},
                        {"name": "order", "in": "query", "required": false, "description": "`asc` or `desc`; by default `desc` for `age` (oldest first) and `asc` otherwise.", "schema": {"type": "string", "enum": ["asc", "desc"]}},
                        param("AcceptLanguage"),
                    ],
                    "responses": {
                        "200": ok_json("a page of cases.", schema_ref("CaseList"), None),
                        "401": shared("Unauthorized"),
                        "422": error("a filter is not valid, unknown, or names a role one does not hold; every problem is named.", &[("filter", "InvalidRequest", "`page_size` must be a whole number from 1 to 100, found `500`")]),
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                "get",
                "/api/cases/{tracking}",
                json!({
                    "operationId": "getCase", "tags": ["staff"], "summary": "read a case",
                    "description": "the case with every value, its full history, the actions one's roles can take now, the calls made to other agencies, its attachments, documents, fees and appointments.",
                    "security": staff,
                    "parameters": [param("Tracking")],
                    "responses": {
                        "200": ok_json("the case.", schema_ref("StaffCase"), None),
                        "401": shared("Unauthorized"),
                        "404": error("no such case.", &[("unknown", "NotFound", "no case with this tracking number")]),
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                "get",
                "/api/cases/{tracking}/attachments/{id}",
                json!({
                    "operationId": "downloadAttachment", "tags": ["staff"], "summary": "download an attachment",
                    "description": "a file attached to the case, with its type and name (`Content-Disposition`).",
                    "security": staff,
                    "parameters": [param("Tracking"), {"name": "id", "in": "path", "required": true, "description": "the attachment's id.", "schema": {"type": "string"}, "example": UPLOAD_EXAMPLE}],
                    "responses": {
                        "200": {"description": "the file.", "headers": {"Content-Disposition": {"schema": {"type": "string"}, "description": "`attachment; filename=\"…\"`."}}, "content": {
                            "application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}},
                            "image/jpeg": {"schema": {"type": "string", "contentMediaType": "image/jpeg"}},
                            "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}},
                        }},
                        "401": shared("Unauthorized"),
                        "404": error("no such case, or no such attachment on it.", &[("unknown", "NotFound", "the case has no such attachment")]),
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                "post",
                "/api/cases/{tracking}/actions/{action}",
                json!({
                    "operationId": "takeStaffAction", "tags": ["staff"], "summary": "take an action on a case",
                    "description": format!("takes an action open in the case's state to one of one's roles — {}. The calls to other agencies the action needs are made first; actions taken by the service itself are refused.", if staff_actions_text.is_empty() { "this service has none".to_string() } else { staff_actions_text.join(", ") }),
                    "security": staff,
                    "parameters": [param("Tracking"), path_param("action", "the action.", &action_ids(&staff_actions)), param("AcceptLanguage")],
                    "requestBody": staff_body,
                    "responses": {
                        "200": ok_json("the action was taken; the case as `GET /api/cases/{tracking}` shows it now.", schema_ref("StaffCase"), None),
                        "401": shared("Unauthorized"),
                        "403": error("none of one's roles may take the action, one already acted on the case and the action needs someone else, or the service takes it itself.", &[
                            ("role", "Forbidden", "`approve` may only be taken by `registrar`"),
                            ("four_eyes", "Forbidden", "`approve` must be taken by someone who has not acted on this case before"),
                        ]),
                        "404": error("no such case, or no such action.", &[("unknown", "NotFound", "no case with this tracking number"), ("action", "UnknownAction", "the service has no action `launch`")]),
                        "409": error("the action cannot be taken from the case's state, or its condition does not hold.", &[("wrong_state", "NotAllowedNow", "`approve` cannot be taken in the state `submitted`")]),
                        "413": shared("TooLarge"),
                        "422": error("the inputs have problems, each named in `problems`; the body is not a JSON object; or a call to another agency the action needs failed.", &[("not_object", "InvalidRequest", "the body must be a JSON object"), integration_failed]),
                        "503": unavailable(),
                        "500": shared("Internal"),
                    },
                }),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use rusqlite::Connection;
    use tower::ServiceExt;

    const CATALOGUE: &[&str] = &[
        "birth-certificate",
        "medical-appointment",
        "school-attendance",
        "social-welfare",
        "water-fees",
        "water-subscription",
    ];

    fn blueprint(name: &str) -> Blueprint {
        let path = format!("{}/../blueprints/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        quickwin_blueprint::check_bytes(&path, text.as_bytes())
            .blueprint
            .unwrap()
    }

    #[test]
    fn the_document_has_every_route_and_no_other() {
        for name in CATALOGUE {
            let doc = document(&blueprint(name), example_day());
            let mut found: Vec<(String, String)> = Vec::new();
            for (path, item) in doc["paths"].as_object().unwrap() {
                for (method, op) in item.as_object().unwrap() {
                    assert!(
                        op["operationId"].is_string() && op["summary"].is_string(),
                        "{name}: {method} {path}"
                    );
                    assert!(
                        !op["responses"].as_object().unwrap().is_empty(),
                        "{name}: {method} {path}"
                    );
                    found.push((method.clone(), path.clone()));
                }
            }
            found.sort();
            let mut want: Vec<(String, String)> = ROUTES
                .iter()
                .map(|(m, p)| (m.to_string(), p.to_string()))
                .collect();
            want.sort();
            assert_eq!(found, want, "{name}");
        }
    }

    #[tokio::test]
    async fn the_router_answers_every_listed_route() {
        let bp = blueprint("birth-certificate");
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::store::migrate(&mut conn, &bp, false, "t").unwrap();
        let state = super::super::api::ApiState::new(bp, conn, None);
        let call = |method: &str, uri: &str, body: Body| {
            let request = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(uri)
                .body(body)
                .unwrap();
            let app = super::super::api::app(state.clone());
            async move {
                let response = app.oneshot(request).await.unwrap();
                let status = response.status();
                let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                    .await
                    .unwrap();
                (status, bytes)
            }
        };
        for (method, path) in ROUTES {
            let uri = path
                .replace("{tracking}", "BC-2026-000001")
                .replace("{action}", "verify")
                .replace("{document}", "birth_certificate")
                .replace("{fee}", "certificate_fee")
                .replace("{resource}", "centre")
                .replace("{code}", "ABC")
                .replace("{operation}", "birth-certificate-status")
                .replace("{key}", "BN-2026-000001")
                .replace("{id}", UPLOAD_EXAMPLE);
            let (status, body) = call(method, &uri, Body::empty()).await;
            // An unknown route gets axum's empty 404 (or 405); every handler answers with a body.
            assert!(
                status != StatusCode::METHOD_NOT_ALLOWED
                    && !(status == StatusCode::NOT_FOUND && body.is_empty()),
                "{method} {uri}: {status}"
            );
            let documented = document(&state.blueprint(), example_day());
            assert!(
                documented["paths"][path][method]["responses"]
                    .get(status.as_str())
                    .is_some(),
                "{method} {uri}: {status} is not documented: {}",
                String::from_utf8_lossy(&body)
            );
        }
        let (status, body) = call(
            "post",
            "/api/attachments",
            Body::from(vec![b'%'; MAX_BODY + 1]),
        )
        .await;
        assert_eq!(
            (status, body.as_ref()),
            (StatusCode::PAYLOAD_TOO_LARGE, TOO_LARGE_BODY.as_bytes())
        );
    }

    fn example_day() -> Date {
        Date::parse(EXAMPLE_DAY).unwrap()
    }

    #[test]
    fn the_submission_example_passes_the_runtime_checks() {
        let today = Now::read().today;
        // Made for the fixed day, checked then and today; made for today, checked today.
        for (made, days) in [
            (example_day(), vec![example_day(), today]),
            (today, vec![today]),
        ] {
            for name in CATALOGUE {
                submission_example_passes(name, made, &days);
            }
        }
    }

    fn submission_example_passes(name: &str, made: Date, days: &[Date]) {
        {
            let bp = blueprint(name);
            let doc = document(&bp, made);
            let example = doc["paths"]["/api/applications"]["post"]["requestBody"]["content"]["application/json"]["example"]
                .as_object()
                .unwrap()
                .clone();
            assert_eq!(example, submission_example(&bp, made));
            for &day in days {
                match answers::check_answers(&bp, &example, day) {
                    Ok(checked) => assert_eq!(
                        checked.values.len(),
                        example.len(),
                        "{name}: nothing is dropped"
                    ),
                    Err(problems) => {
                        // A slot cannot be checked without the store; anything else is a bug.
                        let slots: Vec<&str> = bp
                            .case_record()
                            .unwrap()
                            .fields
                            .iter()
                            .filter(|f| f.kind.value == FieldType::Appointment)
                            .map(|f| f.id.as_str())
                            .collect();
                        assert!(
                            problems.iter().all(|p| slots.contains(&p.field.as_str())),
                            "{name} on {day}: {problems:?}"
                        );
                    }
                }
            }
            let builder = Builder::new(&bp, made);
            assert_eq!(
                builder.ex.exits_taken(&example),
                0,
                "{name}: the example ends on an exit page"
            );
        }
    }

    #[test]
    fn the_action_examples_pass_the_runtime_checks() {
        for name in CATALOGUE {
            let bp = blueprint(name);
            let doc = document(&bp, example_day());
            let builder = Builder::new(&bp, example_day());
            for citizen in [false, true] {
                for action in builder.actions(citizen) {
                    let prefix = if citizen {
                        "CitizenAction"
                    } else {
                        "StaffAction"
                    };
                    let schema = &doc["components"]["schemas"][format!("{prefix}_{}", action.id)];
                    let example = schema["examples"][0].as_object().unwrap();
                    for t in &action.transitions {
                        let inputs: Map<String, Value> = example
                            .iter()
                            .filter(|(k, _)| t.inputs.iter().any(|f| f.id.as_str() == k.as_str()))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                        let checked = answers::check_inputs(
                            &bp,
                            &t.inputs,
                            &inputs,
                            &quickwin_blueprint::expr::Row::new(),
                            builder.day,
                        );
                        assert!(checked.is_ok(), "{name}: {}: {checked:?}", action.id);
                        let corrections: Map<String, Value> = example
                            .iter()
                            .filter(|(k, _)| !inputs.contains_key(*k))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                        if citizen && !corrections.is_empty() {
                            let mut merged = submission_example(&bp, example_day());
                            merged.extend(corrections);
                            assert!(
                                answers::check_answers(&bp, &merged, builder.day).is_ok(),
                                "{name}: {}",
                                action.id
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn patterns_give_matching_examples() {
        for (p, want) in [
            ("BN-[0-9]{4}-[0-9]{6}", "BN-1234-567890"),
            ("[A-Z]{2}[0-9]{8}", "BC34567890"),
            ("(?:ab|cd)+x?", "ab"),
        ] {
            assert_eq!(quickwin_blueprint::examples::pattern::example(p, 0), want);
        }
        let name = quickwin_blueprint::examples::pattern::example(r"\S+( \S+){2,}", 1);
        assert!(
            regex::Regex::new(r"^(?:\S+( \S+){2,})$")
                .unwrap()
                .is_match(&name),
            "{name}"
        );
    }

    #[test]
    fn the_application_schema_follows_the_fields() {
        let bp = blueprint("medical-appointment");
        let doc = document(&bp, example_day());
        let app = &doc["components"]["schemas"]["Application"];
        assert_eq!(app["additionalProperties"], false);
        let required: Vec<&str> = app["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(required.contains(&"patient_national_id"));
        // On a page shown only for someone else, or only for a pregnancy: not statically required.
        assert!(
            !required.contains(&"guardian_national_id") && !required.contains(&"pregnancy_week")
        );
        assert!(
            app["properties"].get("health_record_number").is_none(),
            "internal fields are not sent"
        );
        assert_eq!(app["properties"]["patient_full_name"]["maxLength"], 100);
        assert_eq!(app["properties"]["pregnancy_week"]["minimum"], 4);
        assert_eq!(
            app["properties"]["chronic_conditions"]["items"]["enum"][0],
            "diabetes"
        );
        assert_eq!(
            app["properties"]["patient_national_id"]["pattern"],
            "^[0-9]{12}$"
        );
    }

    #[test]
    fn the_document_is_the_same_every_time() {
        let bp = blueprint("social-welfare");
        assert_eq!(
            document(&bp, example_day()).to_string(),
            document(&bp, example_day()).to_string()
        );
    }

    #[test]
    fn birth_certificate_document() {
        insta::assert_json_snapshot!(
            "birth-certificate-openapi",
            document(&blueprint("birth-certificate"), example_day())
        );
    }
}
