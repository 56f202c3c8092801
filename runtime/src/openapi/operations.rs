//! The operations of the document, one for each [`Op`] of the route table, with
//! their parameters, bodies, examples and every status their handlers answer.

use serde_json::{Value, json};

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn operations(
        &self,
        staff_actions: Vec<Action<'a>>,
        citizen_actions: Vec<Action<'a>>,
        staff_body: Value,
        citizen_body: Value,
        provided: Value,
    ) -> Vec<(Op, Value)> {
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
            "413": {
                "description": "the body is too large (plain text, as for every route), or the service keeps as many applications as its `max-cases` setting allows (an `Error`; a workshop host sets it).",
                "content": {
                    "text/plain": {"schema": {"type": "string"}},
                    "application/json": {"schema": schema_ref("Error"), "examples": {"full": {"summary": "the store is full", "value": error_body("TooLarge", "this service keeps at most 5000 applications, and it has them; ask the trainer to reset it")}}},
                },
            },
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
        let mut operations = vec![
            (
                Op::Health,
                json!({
                    "operationId": "health", "tags": ["service"], "summary": "whether the service is up",
                    "description": "answers `ok` while the service runs.",
                    "responses": {"200": {"description": "the service is up.", "content": {"text/plain": {"schema": {"type": "string"}, "example": "ok"}}}},
                }),
            ),
            (
                Op::Metrics,
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
                Op::OpenApi,
                json!({
                    "operationId": "openapi", "tags": ["service"], "summary": "this document",
                    "description": "the OpenAPI document of the service, generated from its blueprint.",
                    "responses": {"200": ok_json("the document.", json!({"type": "object"}), None)},
                }),
            ),
            (
                Op::Service,
                json!({
                    "operationId": "getService", "tags": ["service"], "summary": "what the service is",
                    "description": "the service's title, summary, eligibility, what to have at hand, agency, languages, processing time and fees, for a start page.",
                    "responses": {"200": ok_json("the service.", schema_ref("Service"), None)},
                }),
            ),
            (
                Op::Submit,
                json!({
                    "operationId": "submitApplication", "tags": ["citizen"], "summary": "submit an application",
                    "description": submit_description,
                    "parameters": [param("AcceptLanguage")],
                    "requestBody": {"required": true, "description": "the answers.", "content": {"application/json": {"schema": schema_ref("Application"), "example": submission}}},
                    "responses": submit_responses,
                }),
            ),
            (
                Op::Track,
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
                Op::CitizenAct,
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
                Op::Document,
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
                Op::Pay,
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
                Op::Upload,
                json!({
                    "operationId": "uploadAttachment", "tags": ["citizen"], "summary": "upload a file",
                    "description": format!("stores a PDF, JPEG or PNG file (at most {} MiB) and returns its id, to give once as the answer of a `file` field.", MAX_BODY / (1024 * 1024)),
                    "parameters": [{"name": "name", "in": "query", "required": false, "description": "the file's name: at most 200 characters, without `/` or `\\`; `file` when not given.", "schema": {"type": "string", "maxLength": 200, "pattern": "^[^/\\\\]*$"}, "example": "birth-notification.pdf"}],
                    "requestBody": {"required": true, "description": "the file's bytes.", "content": {
                        "application/octet-stream": {"schema": {"type": "string", "format": "binary", "description": "the file's bytes: a PDF, a JPEG or a PNG, which its first bytes say (it may also be sent with its own type, `application/pdf`, `image/jpeg` or `image/png`)."}, "example": "%PDF-1.7\n%…\n%%EOF\n"},
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
                Op::Resources,
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
                Op::Slots,
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
                Op::Verify,
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
                Op::Provide,
                json!({
                    "operationId": "callProvidedOperation", "tags": ["agencies"], "summary": "an operation offered to other agencies",
                    "description": "answers another agency, called through the information mediator only: the mediator signs each call with this service's member key (`X-Road-Mediator`), and a call without a valid signature is refused. Returns the fields the operation returns of the latest application with this key, and its status.",
                    "parameters": [
                        path_param("operation", "the operation.", &operations),
                        key_param,
                        {"name": "X-Road-Client", "in": "header", "required": provide_clients, "description": "the calling subsystem, set by the mediator; an operation that lists its clients answers only them.", "schema": {"type": "string"}, "example": bp.provides.iter().flat_map(|o| o.clients.first()).next().map_or("IQ/GOV/MOE/schools", |c| c.as_str())},
                        {"name": "X-Road-Mediator", "in": "header", "required": true, "description": "the mediator's signature of the call, `v1;t=UNIX;sig=HEX`: HMAC-SHA256 under this service's member key of `v1`, the time, the message id (`X-Road-Id`), the client, the method and the path with its query, one a line.", "schema": {"type": "string"}, "example": "v1;t=1796601600;sig=3f1c0e5d9a7b2c4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6"},
                        {"name": "X-Road-Id", "in": "header", "required": false, "description": "the message id the mediator gave the call; part of what it signs.", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": ok_json("the application's fields.", provided, None),
                        "401": error("the call did not come through the mediator: its signature is missing, malformed, stale or wrong, or the service has no member key.", &[("unsigned", "Unauthorized", "the call carries no `X-Road-Mediator` signature: operations are called through the information mediator only")]),
                        "403": error("the caller is not one of the operation's clients.", &[("client", "Forbidden", "the operation may only be called by its clients")]),
                        "404": error("no such operation, or no application with this key.", &[("unknown", "NotFound", "no application has this key")]),
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                Op::SignIn,
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
                Op::SignOut,
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
                Op::Cases,
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
                Op::Case,
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
                Op::Attachment,
                json!({
                    "operationId": "downloadAttachment", "tags": ["staff"], "summary": "download an attachment",
                    "description": "a file attached to the case, with its type and name (`Content-Disposition`).",
                    "security": staff,
                    "parameters": [param("Tracking"), {"name": "id", "in": "path", "required": true, "description": "the attachment's id.", "schema": {"type": "string"}, "example": UPLOAD_EXAMPLE}],
                    "responses": {
                        "200": {"description": "the file.", "headers": {"Content-Disposition": {"schema": {"type": "string"}, "description": "`attachment; filename=\"…\"`."}}, "content": {
                            "application/pdf": {"schema": {"type": "string", "format": "binary", "contentMediaType": "application/pdf"}},
                            "image/jpeg": {"schema": {"type": "string", "format": "binary", "contentMediaType": "image/jpeg"}},
                            "image/png": {"schema": {"type": "string", "format": "binary", "contentMediaType": "image/png"}},
                            "application/octet-stream": {"schema": {"type": "string", "format": "binary", "description": "a file kept without a known type."}},
                        }},
                        "401": shared("Unauthorized"),
                        "404": error("no such case, or no such attachment on it.", &[("unknown", "NotFound", "the case has no such attachment")]),
                        "500": shared("Internal"),
                    },
                }),
            ),
            (
                Op::StaffAct,
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
        ];
        for (op, operation) in &mut operations {
            guarded(*op, operation);
        }
        operations
    }
}

/// What the guard adds to an operation ([`crate::guard`]): the 429 of the routes it
/// limits, the 415 of those that read JSON, and, for uploads, the field they are for
/// and their refusals.
fn guarded(op: Op, operation: &mut Value) {
    let limited = matches!(
        op,
        Op::Submit
            | Op::Track
            | Op::CitizenAct
            | Op::Document
            | Op::Pay
            | Op::Upload
            | Op::Verify
            | Op::SignIn
    );
    let reads_json = matches!(
        op,
        Op::Submit | Op::CitizenAct | Op::Pay | Op::SignIn | Op::StaffAct
    );
    let responses = &mut operation["responses"];
    if limited {
        responses["429"] = shared("TooManyRequests");
    }
    if reads_json {
        responses["415"] = shared("NotJsonType");
    }
    if op == Op::Upload {
        responses["404"] = error(
            "the service has no `file` field: it takes no uploads.",
            &[(
                "no_file",
                "NotFound",
                "this service has no `file` field; it takes no uploads",
            )],
        );
        responses["413"] = error(
            "the file is larger than its field takes (`max_size_mb`), or than the largest any field takes when none is named.",
            &[(
                "too_large",
                "TooLarge",
                "the file is too large: `ownership_document` takes at most 5000000 bytes",
            )],
        );
        if let Some(parameters) = operation["parameters"].as_array_mut() {
            parameters.push(json!({"name": "field", "in": "query", "required": false,
                "description": "the `file` field the upload answers: its types (`accept`) and size (`max_size_mb`) are checked now. Without it, the widest of the service's file fields is, and the field that claims the upload holds it to its size.",
                "schema": {"type": "string"}}));
        }
    }
}
