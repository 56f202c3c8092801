//! The named schemas of the document (`components.schemas`): errors, the service,
//! the application and its answers, the citizen's and the office's views of a case,
//! sessions, uploads, slots and documents, and what the provided operations return.

use serde_json::{Map, Value, json};

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn schemas(&self) -> Map<String, Value> {
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
        s.insert(
            "PublicEvent".into(),
            json!({
                "type": "object",
                "description": "one step of an application's history, as the applicant sees it.",
                "required": ["at", "action", "state", "status", "detail"],
                "properties": {
                    "at": stamp("when"),
                    "action": text("the action (`submit` for the submission)."),
                    "state": schema_ref("State"),
                    "status": nullable(schema_ref("Text")),
                    "detail": {
                        "type": "object",
                        "description": "what the office wrote with a decision or a send-back (its inputs, e.g. `reason`); empty for the steps in between.",
                    },
                },
            }),
        );
        s.insert(
            "NotificationStatus".into(),
            json!({
                "type": "object",
                "description": "one message to the applicant and how far it went.",
                "required": ["on", "channel", "queued_at", "sent_at", "attempts", "result"],
                "properties": {
                    "on": {"type": ["string", "null"], "description": "the step that sent it."},
                    "channel": {"type": ["string", "null"], "enum": ["sms", "email", null]},
                    "queued_at": stamp("when it was queued"),
                    "sent_at": maybe_stamp("when it was sent"),
                    "attempts": {"type": "integer", "minimum": 0},
                    "result": {"description": "the messaging agency's answer, once sent (or why it was not)."},
                },
            }),
        );
        let extras_required = ["documents", "fees", "appointments", "notifications"];
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
                    "history": {"type": "array", "items": schema_ref("PublicEvent")},
                    "actions": {"type": "array", "items": schema_ref("OpenAction")},
                    "documents": {"type": "array", "items": schema_ref("IssuedDocument")},
                    "fees": {"type": "array", "items": schema_ref("FeeStatus")},
                    "appointments": {"type": "array", "items": schema_ref("Booking")},
                    "notifications": {"type": "array", "items": schema_ref("NotificationStatus")},
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
            p.insert(
                "notifications".into(),
                json!({"type": "array", "items": schema_ref("NotificationStatus")}),
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

    /// The response schema of each provided operation, in `components`; the schema of
    /// the route's answer.
    pub(super) fn provided(&self, schemas: &mut Map<String, Value>) -> Value {
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
}
