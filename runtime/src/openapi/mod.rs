//! The OpenAPI 3.1 document of a service's HTTP API, generated from its blueprint.
//!
//! Every route of the table ([`crate::routes::ROUTES`]) is described with its parameters, bodies and every
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
//!
//! The builder is spread over rooms: the schemas of fields ([`fields`]), the workflow
//! actions and their bodies ([`actions`]), the named schemas ([`schemas`]) and the
//! operations, one per route of the table ([`operations`]).

mod actions;
pub mod contract;
mod fields;
mod operations;
mod schemas;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value, json};

use crate::accounts::SESSION_SECONDS;
use crate::cases;
use crate::routes::{MAX_BODY, Op, ROUTES};
use quickwin_blueprint::answers;
use quickwin_blueprint::clock::Now;
use quickwin_blueprint::expr::Date;
use quickwin_blueprint::model::{Blueprint, Field, FieldType, Localized, RoleKind, Transition};

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

/// `info.contact`: the agency, and how to reach it when the blueprint says.
fn contact(bp: &Blueprint) -> Value {
    let mut c = json!({"name": en(&bp.agency.name)});
    if let Some(contact) = &bp.agency.contact {
        if let Some(email) = &contact.email {
            c["email"] = json!(email.as_str());
        }
        if let Some(url) = &contact.url {
            c["url"] = json!(url.as_str());
        }
    }
    c
}

/// `info.license`: the agency's terms when the blueprint names them; else that the
/// agency's own terms apply, with no public address.
fn license(bp: &Blueprint) -> Value {
    match bp.agency.license.as_ref().map(|l| l.as_str()) {
        Some(url) if url.starts_with("http") => {
            json!({"name": format!("the terms of {}", en(&bp.agency.name)), "url": url})
        }
        Some(id) => json!({"name": id, "identifier": id}),
        None => json!({"name": format!("the terms of {}", en(&bp.agency.name))}),
    }
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

/// The 429 of the guard, with its `Retry-After`.
fn too_many() -> Value {
    let mut response = error(
        "too many requests of this kind from this client (failed sign-ins, wrong codes, submissions, uploads), or the account is locked after failed sign-ins; try again after `Retry-After` seconds.",
        &[(
            "too_many",
            "TooManyRequests",
            "Too many failed sign-ins. Please try again in 1 minute.",
        )],
    );
    response["headers"] = json!({"Retry-After": {"schema": {"type": "integer"}, "description": "the seconds to wait before trying again."}});
    response
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
    pub(super) fn new(bp: &'a Blueprint, day: Date) -> Self {
        Builder {
            bp,
            day,
            languages: bp.languages.iter().map(|l| l.value.clone()).collect(),
            ex: Examples::new(bp, day),
        }
    }

    pub(super) fn fields(&self) -> &'a [Field] {
        self.bp
            .case_record()
            .map_or(&[][..], |r| r.fields.as_slice())
    }

    /// A text in each of the blueprint's languages, as the API gives it.
    pub(super) fn localized(&self, text: &Localized) -> Value {
        Value::Object(
            self.languages
                .iter()
                .map(|l| (l.clone(), json!(text.get(l))))
                .collect(),
        )
    }

    /// The fields on pages that are only shown when a condition holds, with it.
    pub(super) fn conditional_fields(&self) -> Vec<(&'a str, &'a str)> {
        let mut out = Vec::new();
        for page in &self.bp.form.pages {
            if let Some(when) = &page.when {
                out.extend(page.fields.iter().map(|f| (f.as_str(), when.as_str())));
            }
        }
        out
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
        let mut described: std::collections::BTreeMap<Op, Value> = self
            .operations(
                staff_actions,
                citizen_actions,
                staff_body,
                citizen_body,
                provided,
            )
            .into_iter()
            .collect();
        // The paths in the order of the route table; a test checks that every route
        // is described once.
        let mut paths = Map::new();
        for route in ROUTES {
            if let Some(mut operation) = described.remove(&route.op) {
                // An operation open to anyone says so: no scheme is needed.
                if operation.get("security").is_none() {
                    operation["security"] = json!([]);
                }
                let item = paths
                    .entry(route.path.to_string())
                    .or_insert_with(|| json!({}));
                item[route.method] = operation;
            }
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
            // Where the document is served from; `GET /openapi.json` names the address.
            "servers": [{"url": "/", "description": "the address this document is served from"}],
            "info": {
                "title": en(&bp.title),
                "version": bp.version.value,
                "description": description,
                "contact": contact(bp),
                "license": license(bp),
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
            "TooManyRequests": too_many(),
            "NotJsonType": error(
                "the body does not say it is JSON (`Content-Type` is not `application/json` or `…+json`).",
                &[("not_json_type", "UnsupportedMediaType", "the body must be JSON: `Content-Type` must be `application/json` (or end with `+json`), found `text/plain`")],
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
}
