//! The service's HTTP API, derived from the blueprint: citizens submit and track their
//! application with its tracking number and access code, correct it, pay its fees,
//! download its documents and book appointments; office staff sign in and work through
//! cases with the actions the blueprint allows them; other agencies call the operations
//! the service provides, through the mediator. `app(state)` builds the router, so the
//! handlers are tested with `oneshot` and no port.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{MatchedPath, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value, json};

use super::accounts::{self, AccountError};
use super::appointments::{self, SlotError};
use super::cases::{self, Actor, Case, CaseError, Outcome, Step};
use super::hooks;
use super::mediator::Mediator;
use super::metrics::Metrics;
use super::steps;
use super::writer;
use quickwin_blueprint::answers::{self, Problem};
use quickwin_blueprint::clock::{self, Now};
use quickwin_blueprint::expr::Date;
use quickwin_blueprint::model::Blueprint;

/// How long a back-office session lasts: eight hours, a working day.
pub const SESSION_SECONDS: i64 = 8 * 3600;

/// The largest request body the API reads: 10 MiB (an uploaded file).
pub const MAX_BODY: usize = 10 * 1024 * 1024;

/// The payments service every fee is paid through.
pub const PAYMENTS: &str = super::mediator::PAYMENTS;

/// What the handlers share: the blueprint (replaced on a live reload; a request keeps
/// the one it started with), the store's connection (SQLite has one writer; the store's
/// work is short and runs off the async threads), the mediator, the metrics and the
/// outbox's wake-up call.
#[derive(Clone)]
pub struct ApiState {
    blueprint: Arc<RwLock<Arc<Blueprint>>>,
    /// The store.
    pub conn: Arc<Mutex<Connection>>,
    /// The information mediator the service calls through, when there is one.
    pub mediator: Option<Mediator>,
    /// Request counts and latencies.
    pub metrics: Arc<Metrics>,
    /// Woken when work is queued for the outbox.
    pub wake: Arc<tokio::sync::Notify>,
    /// Read-only connections to the same store, for views (WAL lets them read while the
    /// writer writes); none for a store in memory.
    readers: Arc<Vec<Mutex<Connection>>>,
    /// Which reader to try first next.
    next_reader: Arc<std::sync::atomic::AtomicUsize>,
    /// The queue of the writer thread, which commits the store work of many requests
    /// together.
    writer: writer::Writer,
    /// The web pages' templates (the embedded ones, or a team's own versions).
    pages: Arc<RwLock<Arc<tera::Tera>>>,
}

impl ApiState {
    /// The state for a blueprint whose store is open and migrated.
    pub fn new(blueprint: Blueprint, conn: Connection, mediator: Option<Mediator>) -> Self {
        let blueprint = Arc::new(RwLock::new(Arc::new(blueprint)));
        let conn = Arc::new(Mutex::new(conn));
        ApiState {
            writer: writer::Writer::start(conn.clone(), blueprint.clone()),
            blueprint,
            conn,
            mediator,
            metrics: Arc::new(Metrics::default()),
            wake: Arc::new(tokio::sync::Notify::new()),
            pages: Arc::new(RwLock::new(Arc::new(super::portal::templates().clone()))),
            readers: Arc::new(Vec::new()),
            next_reader: Arc::new(std::sync::atomic::AtomicUsize::new(0)),
        }
    }

    /// The same state with `n` read-only connections to the store file `path`.
    pub fn with_readers(mut self, path: &std::path::Path, n: usize) -> rusqlite::Result<Self> {
        let mut readers = Vec::with_capacity(n);
        for _ in 0..n {
            let conn = Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.execute_batch("PRAGMA busy_timeout=5000; PRAGMA query_only=ON;")?;
            readers.push(Mutex::new(conn));
        }
        self.readers = Arc::new(readers);
        Ok(self)
    }

    /// The blueprint served now.
    pub fn blueprint(&self) -> Arc<Blueprint> {
        self.blueprint
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The web pages' templates.
    pub fn pages(&self) -> Arc<tera::Tera> {
        self.pages.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Serve other page templates from now on.
    pub fn replace_pages(&self, pages: tera::Tera) {
        *self.pages.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(pages);
    }

    /// Serve another version of the blueprint from now on (its store already migrated).
    pub fn replace(&self, blueprint: Blueprint) {
        *self.blueprint.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(blueprint);
    }
}

/// The one error type of the API: a status and `{type, message, problems?}`, in the
/// request's language.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    kind: &'static str,
    message: String,
    messages: BTreeMap<String, String>,
    problems: Vec<Problem>,
    language: String,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            kind,
            message: message.into(),
            messages: BTreeMap::new(),
            problems: Vec::new(),
            language: String::new(),
        }
    }

    fn invalid(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "InvalidRequest", message)
    }

    fn internal() -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal",
            "the service failed; see its log",
        )
    }

    /// The same error, told in `language` where the texts have it.
    fn in_language(mut self, language: &str) -> Self {
        self.language = language.to_string();
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message in `language` (or the default text).
    pub fn message_in(&self, language: &str) -> String {
        pick(&self.messages, language)
            .cloned()
            .unwrap_or_else(|| self.message.clone())
    }

    /// The problems named, each with its field.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

fn pick<'a>(messages: &'a BTreeMap<String, String>, language: &str) -> Option<&'a String> {
    messages
        .get(language)
        .or_else(|| messages.get("en"))
        .or_else(|| messages.values().next())
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let lang = self.language.as_str();
        let message = pick(&self.messages, lang).cloned().unwrap_or(self.message);
        let mut body = json!({"type": self.kind, "message": message});
        if !self.problems.is_empty() {
            body["problems"] = Value::Array(
                self.problems
                    .iter()
                    .map(|p| {
                        json!({"field": p.field, "code": p.code,
                            "message": pick(&p.message, lang).cloned().unwrap_or_default()})
                    })
                    .collect(),
            );
        }
        let mut response = (self.status, Json(body)).into_response();
        if !lang.is_empty() {
            if let Ok(v) = HeaderValue::from_str(lang) {
                response.headers_mut().insert(header::CONTENT_LANGUAGE, v);
            }
        }
        response
    }
}

impl From<CaseError> for ApiError {
    fn from(e: CaseError) -> Self {
        let message = e.to_string();
        match e {
            CaseError::NotFound => ApiError::new(StatusCode::NOT_FOUND, "NotFound", message),
            CaseError::Invalid(problems) => {
                let count = problems.len() as u64;
                ApiError {
                    problems,
                    messages: ["en", "ar"]
                        .map(|l| (l.to_string(), super::cases::PROBLEMS.text(l, count)))
                        .into(),
                    ..ApiError::invalid(message)
                }
            }
            CaseError::SlotFull(problem) => ApiError {
                problems: vec![problem],
                ..ApiError::new(StatusCode::CONFLICT, "SlotFull", message)
            },
            CaseError::Blocked { messages, .. } => ApiError {
                messages,
                ..ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "IntegrationFailed",
                    message,
                )
            },
            CaseError::Unavailable { messages, .. } => ApiError {
                messages,
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "IntegrationUnavailable",
                    message,
                )
            },
            CaseError::Duplicate { messages, .. } => ApiError {
                messages,
                ..ApiError::new(StatusCode::CONFLICT, "Duplicate", message)
            },
            CaseError::Refused { messages, .. } => ApiError {
                messages,
                ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "Refused", message)
            },
            CaseError::Hook(err) => {
                eprintln!("service hooks: {err}");
                ApiError::internal()
            }
            CaseError::UnknownAction(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "UnknownAction", message)
            }
            CaseError::WrongState { .. } | CaseError::ConditionFailed { .. } => {
                ApiError::new(StatusCode::CONFLICT, "NotAllowedNow", message)
            }
            CaseError::Forbidden { .. } | CaseError::SelfApproval(_) => {
                ApiError::new(StatusCode::FORBIDDEN, "Forbidden", message)
            }
            CaseError::Store(err) => {
                eprintln!("service store: {err}");
                ApiError::internal()
            }
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::BadCredentials | AccountError::BadSession => {
                ApiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", e.to_string())
            }
            AccountError::Store(err) => {
                eprintln!("service store: {err}");
                ApiError::internal()
            }
            other => ApiError::invalid(other.to_string()),
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::from(CaseError::Store(e))
    }
}

/// The API's router.
pub fn app(state: ApiState) -> Router {
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route("/api/service", get(service))
        .route("/api/applications", post(submit))
        .route("/api/applications/{tracking}", get(track))
        .route(
            "/api/applications/{tracking}/actions/{action}",
            post(citizen_act),
        )
        .route(
            "/api/applications/{tracking}/documents/{document}",
            get(document),
        )
        .route("/api/applications/{tracking}/fees/{fee}/payment", post(pay))
        .route("/api/attachments", post(upload))
        .route("/api/appointments", get(resources))
        .route("/api/appointments/{resource}", get(slots))
        .route("/api/verify/{code}", get(verify))
        .route("/api/provides/{operation}/{key}", get(provide))
        .route("/api/session", post(sign_in).delete(sign_out))
        .route("/api/cases", get(list))
        .route("/api/cases/{tracking}", get(one))
        .route("/api/cases/{tracking}/attachments/{id}", get(attachment))
        .route("/api/cases/{tracking}/actions/{action}", post(staff_act))
        .merge(super::portal::routes())
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(state.clone(), measure))
        .with_state(state)
}

async fn measure(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.record(
        method.as_str(),
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// The request's language: `?lang=`, else the first of `Accept-Language` the blueprint
/// has, else the blueprint's default.
pub(crate) fn language(bp: &Blueprint, headers: &HeaderMap) -> String {
    let wanted = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    for part in wanted.split(',') {
        let tag = part.split(';').next().unwrap_or_default().trim();
        let primary = tag.split('-').next().unwrap_or_default().to_lowercase();
        if bp.languages.iter().any(|l| l.as_str() == primary) {
            return primary;
        }
    }
    bp.default_language().to_string()
}

/// Run store work on the service's writer thread, in the next group commit; the answer
/// comes once the group is durable.
pub(crate) async fn with_store<R: Send + 'static>(
    state: &ApiState,
    f: impl FnOnce(&mut Connection, &Blueprint) -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job: writer::Job = Box::new(move |conn, bp| {
        let result = f(conn, bp);
        let ok = result.is_ok();
        let send: writer::Reply = Box::new(move |committed| {
            let _ = reply.send(if committed {
                result
            } else {
                Err(ApiError::internal())
            });
        });
        (send, ok)
    });
    if !state.writer.send(job) {
        return Err(ApiError::internal());
    }
    answer.await.map_err(|_| ApiError::internal())?
}

/// Run a view's reads in one read transaction: one lock of the store for all its
/// statements, and a view consistent with itself. With read-only connections, the
/// reads run at once on a free one (they take tens of microseconds, less than handing
/// them to another thread would cost); otherwise on the writer, off the async threads.
pub(crate) async fn with_read<R: Send + 'static>(
    state: &ApiState,
    f: impl FnOnce(&Connection, &Blueprint) -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    let run = |conn: &mut Connection, bp: &Blueprint| {
        let tx = conn.savepoint()?;
        let result = f(&tx, bp);
        // Reading only: ending the transaction cannot lose anything.
        let _ = tx.commit();
        result
    };
    let readers = &state.readers;
    if readers.is_empty() {
        return with_store(state, run).await;
    }
    let bp = state.blueprint();
    let start = state
        .next_reader
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    for i in 0..readers.len() {
        if let Ok(mut conn) = readers[(start + i) % readers.len()].try_lock() {
            return run(&mut conn, &bp);
        }
    }
    let mut conn = readers[start % readers.len()]
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    run(&mut conn, &bp)
}

fn object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError {
            messages: BTreeMap::from([
                ("en".into(), "the body must be a JSON object".into()),
                ("ar".into(), "يجب أن يكون متن الطلب كائن JSON".into()),
            ]),
            ..ApiError::invalid("the body must be a JSON object")
        }),
        Err(e) => Err(ApiError {
            messages: BTreeMap::from([
                ("en".into(), format!("the body is not valid JSON: {e}")),
                ("ar".into(), format!("متن الطلب ليس JSON صالحاً: {e}")),
            ]),
            ..ApiError::invalid(format!("the body is not valid JSON: {e}"))
        }),
    }
}

/// The status label of a state, per language.
pub(crate) fn status(bp: &Blueprint, state: &str) -> Value {
    let Some(s) = bp.workflow.states.iter().find(|s| s.id.as_str() == state) else {
        return Value::Null;
    };
    localized(bp, &s.label)
}

fn localized(bp: &Blueprint, text: &quickwin_blueprint::model::Localized) -> Value {
    Value::Object(
        bp.languages
            .iter()
            .map(|l| (l.value.clone(), Value::String(text.get(l).to_string())))
            .collect(),
    )
}

/// What the store adds to a case: calls, documents, fees, bookings and attachments.
pub(crate) fn extras(
    conn: &Connection,
    bp: &Blueprint,
    id: i64,
    staff: bool,
) -> Result<Value, ApiError> {
    let documents: Vec<Value> = conn
        .prepare_cached("SELECT document, number, code, issued_at, valid_until FROM qw_documents WHERE case_id = ?1 ORDER BY id")?
        .query_map([id], |r| {
            let doc: String = r.get(0)?;
            let title = bp.documents.iter().find(|d| d.id.as_str() == doc).map_or(Value::Null, |d| localized(bp, &d.title));
            Ok(json!({"document": doc, "title": title, "number": r.get::<_, String>(1)?, "verification_code": r.get::<_, String>(2)?,
                "issued_at": r.get::<_, String>(3)?, "valid_until": r.get::<_, Option<String>>(4)?}))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let fees: Vec<Value> = conn
        .prepare_cached("SELECT fee, amount, currency, status, receipt, paid_at FROM qw_fees WHERE case_id = ?1 ORDER BY id")?
        .query_map([id], |r| {
            let fee: String = r.get(0)?;
            let label = bp.fees.iter().find(|f| f.id.as_str() == fee).map_or(Value::Null, |f| localized(bp, &f.label));
            Ok(json!({"fee": fee, "label": label, "amount": r.get::<_, i64>(1)?, "currency": r.get::<_, String>(2)?,
                "status": r.get::<_, String>(3)?, "receipt": r.get::<_, Option<String>>(4)?, "paid_at": r.get::<_, Option<String>>(5)?}))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let bookings: Vec<Value> = conn
        .prepare_cached("SELECT resource, start, status FROM qw_bookings WHERE case_id = ?1 ORDER BY id")?
        .query_map([id], |r| {
            Ok(json!({"resource": r.get::<_, String>(0)?, "start": r.get::<_, String>(1)?, "status": r.get::<_, String>(2)?}))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let notifications = super::outbox::notifications(conn, bp, id)?;
    let mut out = json!({"documents": documents, "fees": fees, "appointments": bookings, "notifications": notifications});
    if staff {
        let calls: Vec<Value> = conn
            .prepare_cached("SELECT integration, action, at, outcome, detail FROM qw_calls WHERE case_id = ?1 ORDER BY id")?
            .query_map([id], |r| {
                let integration: String = r.get(0)?;
                let label = bp.integrations.iter().find(|i| i.id.as_str() == integration).map_or(Value::Null, |i| localized(bp, &i.label));
                Ok(json!({"integration": integration, "label": label, "action": r.get::<_, String>(1)?, "at": r.get::<_, String>(2)?,
                    "outcome": r.get::<_, String>(3)?, "detail": serde_json::from_str::<Value>(&r.get::<_, String>(4)?).unwrap_or(Value::Null)}))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let attachments: Vec<Value> = conn
            .prepare_cached("SELECT id, field, name, content_type, size, sha256 FROM qw_attachments WHERE case_id = ?1 ORDER BY created_at, id")?
            .query_map([id], |r| {
                Ok(json!({"id": r.get::<_, String>(0)?, "field": r.get::<_, Option<String>>(1)?, "name": r.get::<_, String>(2)?,
                    "content_type": r.get::<_, String>(3)?, "size": r.get::<_, i64>(4)?, "sha256": r.get::<_, String>(5)?}))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let pending: i64 = conn.query_row(
            "SELECT COUNT(*) FROM qw_outbox WHERE case_id = ?1 AND kind = 'integration' AND done_at IS NULL",
            [id],
            |r| r.get(0),
        )?;
        out["calls"] = Value::Array(calls);
        out["attachments"] = Value::Array(attachments);
        out["calls_pending"] = json!(pending);
    }
    Ok(out)
}

/// The actions open to `roles` in the case's state.
fn open_actions(
    bp: &Blueprint,
    state: &str,
    roles: &std::collections::BTreeSet<String>,
    office: bool,
) -> Vec<Value> {
    let label = |f: &quickwin_blueprint::model::Field| {
        if office {
            super::queue::labels(bp, f)
        } else {
            localized(bp, &f.label)
        }
    };
    bp.workflow
        .transitions
        .iter()
        .filter(|t| t.from.iter().any(|f| f.as_str() == state))
        .filter(|t| t.role.iter().any(|r| roles.contains(r.as_str())))
        .map(|t| json!({"action": t.action.as_str(), "label": localized(bp, &t.label), "to": t.to.as_str(),
            "inputs": t.inputs.iter().map(|f| json!({"id": f.id.as_str(), "label": label(f), "required": f.required})).collect::<Vec<_>>()}))
        .collect()
}

/// The date by which the case should be decided, from the service's SLA.
fn due_date(bp: &Blueprint, submitted_at: &str) -> Option<String> {
    let secs = clock::secs_of(submitted_at)?;
    let minutes = i64::try_from(bp.sla.value.minutes).ok()?;
    Some(Now::at(secs + minutes * 60).stamp)
}

/// What an applicant sees of their case: no staff names.
pub(crate) fn public_view(
    conn: &Connection,
    bp: &Blueprint,
    case: &Case,
) -> Result<Value, ApiError> {
    let history: Vec<Value> = case
        .history
        .iter()
        .map(|e| {
            // What the office wrote with a decision or a send-back is for the applicant;
            // the notes of the steps in between stay in the office.
            let told = bp.workflow.states.iter().any(|s| {
                s.id.as_str() == e.to_state && (s.is_final || s.correction)
            }) && e.action != "submit";
            let detail = if told { e.detail.clone() } else { json!({}) };
            json!({"at": e.at, "action": e.action, "state": e.to_state, "status": status(bp, &e.to_state), "detail": detail})
        })
        .collect();
    let description = bp
        .workflow
        .states
        .iter()
        .find(|s| s.id.as_str() == case.state)
        .and_then(|s| s.description.as_ref())
        .map_or(Value::Null, |d| localized(bp, d));
    let citizen = std::collections::BTreeSet::from([cases::citizen_role(bp).to_string()]);
    // The applicant sees their whole file, what the agencies' answers added included
    // (a water bill's readings, a registry's family number).
    let answers = &case.values;
    let mut view = json!({
        "tracking": case.tracking, "state": case.state, "status": status(bp, &case.state),
        "next": description, "submitted_at": case.submitted_at, "updated_at": case.updated_at,
        "decision_due": due_date(bp, &case.submitted_at),
        "answers": answers, "history": history, "actions": open_actions(bp, &case.state, &citizen, false),
    });
    if let (Value::Object(v), Value::Object(x)) = (&mut view, extras(conn, bp, case.id, false)?) {
        v.extend(x);
    }
    Ok(view)
}

/// Make the calls a step triggers, telling a block in the request's language.
async fn make_calls(
    state: &ApiState,
    bp: &Blueprint,
    action: &str,
    tracking: &str,
    row: &quickwin_blueprint::expr::Row,
    today: Date,
) -> Result<Outcome, ApiError> {
    Ok(steps::calls(bp, state.mediator.as_ref(), action, tracking, row, today).await?)
}

async fn submit(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let bp = state.blueprint();
    let lang = language(&bp, &headers);
    let result = async {
        let input = object(&body)?;
        let created = submit_answers(&state, input, &lang).await?;
        Ok((StatusCode::CREATED, Json(created)))
    }
    .await;
    result.map_err(|e: ApiError| e.in_language(&lang))
}

/// Submit an application: check the answers, make the calls the submission triggers,
/// store the case. `{tracking, access_code, state, status, decision_due}`.
pub(crate) async fn submit_answers(
    state: &ApiState,
    input: Map<String, Value>,
    lang: &str,
) -> Result<Value, ApiError> {
    let bp = state.blueprint();
    let now = Now::read();
    let checked = answers::check_answers(&bp, &input, now.today)
        .map_err(|p| ApiError::from(CaseError::Invalid(p)))?;
    hook_validate(&bp, checked.values.clone()).await?;
    let needs_calls = bp.integrations.iter().any(|i| i.on.as_str() == "submit");
    let hooked = hooks::of(bp.id.as_str()).is_some();
    let (reference, outcome) = if needs_calls || hooked {
        let tracking = cases::submission_reference();
        let mut outcome = Outcome::default();
        if needs_calls {
            let mut row = quickwin_blueprint::expr::Row::new();
            let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
            for (k, v) in &checked.values {
                if let Some(f) = fields.iter().find(|f| f.id.as_str() == k) {
                    row.insert(k.clone(), answers::value_of(f, v));
                }
            }
            answers::add_computed(&bp, &mut row, now.today);
            outcome = make_calls(state, &bp, "submit", &tracking, &row, now.today).await?;
        }
        if hooked {
            let mut values = checked.values.clone();
            values.extend(outcome.values.clone());
            let role = cases::citizen_role(&bp).to_string();
            let set = hook_step(&bp, "submit", &tracking, &role, values).await?;
            outcome.values.extend(set);
        }
        (Some(tracking), outcome)
    } else {
        (None, Outcome::default())
    };
    let lang = lang.to_string();
    let created = with_store(state, move |conn, bp| {
        let now = Now::read();
        let (case, code) = cases::submit(
            conn,
            bp,
            &checked,
            reference.as_deref(),
            &outcome,
            &lang,
            &now,
        )?;
        Ok(
            json!({"tracking": case.tracking, "access_code": code, "state": case.state,
            "status": status(bp, &case.state), "decision_due": due_date(bp, &case.submitted_at)}),
        )
    })
    .await?;
    state.wake.notify_one();
    Ok(created)
}

fn access_code(headers: &HeaderMap) -> String {
    headers
        .get("x-access-code")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn track(
    State(state): State<ApiState>,
    Path(tracking): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let code = access_code(&headers);
    with_read(&state, move |conn, bp| {
        let case = cases::read(conn, bp, &tracking, &code)?;
        Ok(Json(public_view(conn, bp, &case)?))
    })
    .await
}

/// Take `action` on the case `id` as `actor`: check, make the calls, then write.
pub(crate) async fn take_step(
    state: &ApiState,
    id: i64,
    action: String,
    actor: Actor,
    input: Map<String, Value>,
    lang: &str,
) -> Result<Case, ApiError> {
    let bp = state.blueprint();
    let result = async {
        let (a, i, who) = (action.clone(), input.clone(), actor.clone());
        let prepared = with_store(state, move |conn, bp| {
            let now = Now::read();
            let step = Step {
                action: &a,
                actor: &who,
                input: &i,
            };
            let prepared = cases::prepare(conn, bp, id, &step, now.today)?;
            cancel_deadline(conn, bp, id, &a, &now)?;
            Ok(prepared)
        })
        .await?;
        let now = Now::read();
        let mut outcome = make_calls(
            state,
            &bp,
            &action,
            &prepared.case.tracking,
            &prepared.row,
            now.today,
        )
        .await?;
        if hooks::of(bp.id.as_str()).is_some() {
            let mut values = prepared.case.values.clone();
            values.extend(prepared.corrections.clone());
            if !prepared.corrections.is_empty() {
                hook_validate(&bp, values.clone()).await?;
            }
            values.extend(prepared.inputs.clone());
            values.extend(outcome.values.clone());
            let set = hook_step(
                &bp,
                &action,
                &prepared.case.tracking,
                &prepared.role,
                values,
            )
            .await?;
            outcome.values.extend(set);
        }
        let case = with_store(state, move |conn, bp| {
            let now = Now::read();
            let step = Step {
                action: &action,
                actor: &actor,
                input: &input,
            };
            Ok(cases::act(conn, bp, id, &step, &outcome, &now)?)
        })
        .await?;
        state.wake.notify_one();
        Ok(case)
    }
    .await;
    result.map_err(|e: ApiError| e.in_language(lang))
}

/// The agency's own checks on an application (its [`hooks`]), when it has any.
async fn hook_validate(bp: &Blueprint, values: Map<String, Value>) -> Result<(), ApiError> {
    match hooks::run(bp.id.as_str(), move |h| h.validate(&values)).await {
        None => Ok(()),
        Some(Ok(problems)) if problems.is_empty() => Ok(()),
        Some(Ok(problems)) => Err(CaseError::Invalid(problems).into()),
        Some(Err(e)) => Err(CaseError::Hook(e).into()),
    }
}

/// The agency's own step hook: the values it sets on the case, or its refusal.
async fn hook_step(
    bp: &Blueprint,
    action: &str,
    tracking: &str,
    role: &str,
    values: Map<String, Value>,
) -> Result<hooks::Values, ApiError> {
    let (action, tracking, role) = (action.to_string(), tracking.to_string(), role.to_string());
    let ran = hooks::run(bp.id.as_str(), move |h| {
        let step = hooks::Step {
            action: &action,
            tracking: &tracking,
            role: &role,
        };
        h.step(&step, &values)
    })
    .await;
    match ran {
        None => Ok(hooks::Values::new()),
        Some(Ok(Ok(set))) => Ok(set),
        Some(Ok(Err(refusal))) => {
            let message = pick(&refusal.messages, "en").cloned().unwrap_or_default();
            Err(CaseError::Refused {
                messages: refusal.messages,
                message,
            }
            .into())
        }
        Some(Err(e)) => Err(CaseError::Hook(e).into()),
    }
}

/// A booking can be cancelled only until `cancel_before` its start.
fn cancel_deadline(
    conn: &Connection,
    bp: &Blueprint,
    id: i64,
    action: &str,
    now: &Now,
) -> Result<(), ApiError> {
    let Some(a) = &bp.appointments else {
        return Ok(());
    };
    if a.cancel_action
        .as_ref()
        .is_none_or(|c| c.as_str() != action)
    {
        return Ok(());
    }
    let start: Option<String> = conn
        .query_row(
            "SELECT start FROM qw_bookings WHERE case_id = ?1 AND status = 'booked'",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(start) = start else { return Ok(()) };
    let before = i64::try_from(a.cancel_before.value.minutes).unwrap_or(0);
    if clock::local_minutes(&start).is_some_and(|m| m - before < now.local_minutes) {
        return Err(ApiError {
            messages: BTreeMap::from([
                (
                    "en".into(),
                    format!(
                        "the appointment at {} can no longer be cancelled online; it can be cancelled until {} before it starts",
                        start.replace('T', " "),
                        quickwin_blueprint::plural::duration(a.cancel_before.value.minutes, "en")
                    ),
                ),
                (
                    "ar".into(),
                    format!(
                        "لم يعد ممكناً إلغاء الموعد {} عبر الإنترنت؛ يمكن الإلغاء حتى {} قبل بدايته",
                        start.replace('T', " "),
                        quickwin_blueprint::plural::duration(a.cancel_before.value.minutes, "ar")
                    ),
                ),
            ]),
            ..ApiError::new(
                StatusCode::CONFLICT,
                "NotAllowedNow",
                "too late to cancel online",
            )
        });
    }
    Ok(())
}

async fn citizen_act(
    State(state): State<ApiState>,
    Path((tracking, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let bp = state.blueprint();
    let lang = language(&bp, &headers);
    let input = object(&body).map_err(|e| e.in_language(&lang))?;
    let case = applicant_step(
        &state,
        tracking,
        access_code(&headers),
        action,
        input,
        &lang,
    )
    .await?;
    with_store(&state, move |conn, bp| {
        Ok(Json(public_view(conn, bp, &case)?))
    })
    .await
}

/// Take an action as the applicant of the case `tracking`, opened with its `code`.
pub(crate) async fn applicant_step(
    state: &ApiState,
    tracking: String,
    code: String,
    action: String,
    input: Map<String, Value>,
    lang: &str,
) -> Result<Case, ApiError> {
    let bp = state.blueprint();
    let t = tracking.clone();
    let id = with_read(state, move |conn, bp| {
        Ok(cases::read(conn, bp, &t, &code)?.id)
    })
    .await
    .map_err(|e| e.in_language(lang))?;
    let actor = Actor {
        id: format!("applicant:{tracking}"),
        roles: std::collections::BTreeSet::from([cases::citizen_role(&bp).to_string()]),
    };
    take_step(state, id, action, actor, input, lang).await
}

async fn document(
    State(state): State<ApiState>,
    base: crate::base::BasePath,
    Path((tracking, document)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let mut doc = issued(&state, tracking, access_code(&headers), document).await?;
    // The verification link, under the path the service is mounted at.
    if let Some(code) = doc["verification_code"].as_str().map(str::to_string) {
        doc["verify"] = Value::String(base.url(&format!("/api/verify/{code}")));
    }
    Ok(Json(doc))
}

/// An issued document of the case `tracking` (opened with `code`): its number,
/// verification code and printed fields.
pub(crate) async fn issued(
    state: &ApiState,
    tracking: String,
    code: String,
    document: String,
) -> Result<Value, ApiError> {
    with_read(state, move |conn, bp| {
        let case = cases::read(conn, bp, &tracking, &code)?;
        let Some(d) = bp.documents.iter().find(|d| d.id.as_str() == document) else {
            return Err(ApiError::new(StatusCode::NOT_FOUND, "NotFound", format!("the service issues no document `{document}`")));
        };
        let found: Option<(String, String, String, Option<String>, String)> = conn
            .query_row(
                "SELECT number, code, issued_at, valid_until, content FROM qw_documents WHERE case_id = ?1 AND document = ?2",
                params![case.id, document],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((number, vcode, issued_at, valid_until, content)) = found else {
            return Err(ApiError::new(StatusCode::CONFLICT, "NotIssued", format!("`{document}` is issued in the state `{}`; the application is `{}`", d.issue_in.as_str(), case.state)));
        };
        Ok(json!({"document": document, "title": localized(bp, &d.title), "tracking": case.tracking,
            "number": number, "verification_code": vcode, "issued_at": issued_at, "valid_until": valid_until,
            "issued_by": localized(bp, &bp.agency.name), "fields": serde_json::from_str::<Value>(&content).unwrap_or(Value::Null),
            "verify": format!("/api/verify/{vcode}")}))
    })
    .await
}

async fn verify(
    State(state): State<ApiState>,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    verification(&state, code).await.map(Json)
}

/// What the public may know of a document by its verification code: whether it is
/// valid, its number and dates, and the fields the blueprint marks public.
pub(crate) async fn verification(state: &ApiState, code: String) -> Result<Value, ApiError> {
    with_read(state, move |conn, bp| {
        let found: Option<(String, String, String, Option<String>, String)> = conn
            .query_row(
                "SELECT document, number, issued_at, valid_until, content FROM qw_documents WHERE code = ?1",
                [code.trim().to_uppercase()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((document, number, issued_at, valid_until, content)) = found else {
            return Err(ApiError::new(StatusCode::NOT_FOUND, "NotFound", "no document has this verification code"));
        };
        let d = bp.documents.iter().find(|d| d.id.as_str() == document);
        let content: Value = serde_json::from_str(&content).unwrap_or(Value::Null);
        let public: Map<String, Value> = d
            .map(|d| d.public.iter().map(|f| (f.value.clone(), content.get(f.as_str()).cloned().unwrap_or(Value::Null))).collect())
            .unwrap_or_default();
        let expired = valid_until.as_deref().is_some_and(|v| v < Now::read().today.to_string().as_str());
        Ok(json!({"valid": !expired, "document": document, "title": d.map_or(Value::Null, |d| localized(bp, &d.title)),
            "number": number, "issued_at": issued_at, "valid_until": valid_until, "issued_by": localized(bp, &bp.agency.name), "fields": public}))
    })
    .await
}

async fn pay(
    State(state): State<ApiState>,
    Path((tracking, fee)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let bp = state.blueprint();
    let lang = language(&bp, &headers);
    let result = async {
        let input = object(&body)?;
        let card = match input.get("card_number") {
            Some(Value::String(c)) => c.clone(),
            _ => String::new(),
        };
        pay_fee(&state, tracking, access_code(&headers), fee, &card)
            .await
            .map(Json)
    }
    .await;
    result.map_err(|e: ApiError| e.in_language(&lang))
}

/// Pay a due fee of the case `tracking` (opened with `code`) by card, through the
/// payments service via the mediator; the receipt, and the fee's `paid` action taken.
pub(crate) async fn pay_fee(
    state: &ApiState,
    tracking: String,
    code: String,
    fee: String,
    card: &str,
) -> Result<Value, ApiError> {
    let bp = state.blueprint();
    let state = state.clone();
    {
        let card: String = card.chars().filter(|c| !c.is_whitespace()).collect();
        if card.is_empty() {
            return Err(ApiError {
                messages: BTreeMap::from([
                    (
                        "en".into(),
                        "`card_number` is required: the number of the card to pay with".into(),
                    ),
                    (
                        "ar".into(),
                        "رقم البطاقة مطلوب: رقم البطاقة التي تدفع بها".into(),
                    ),
                ]),
                ..ApiError::invalid("`card_number` is required")
            });
        }
        let (t, f) = (tracking.clone(), fee.clone());
        let (id, amount, currency, payment_id) = with_store(&state, move |conn, bp| {
            let case = cases::read(conn, bp, &t, &code)?;
            let row: Option<(i64, String, String, Option<String>)> = conn
                .query_row("SELECT amount, currency, status, payment_id FROM qw_fees WHERE case_id = ?1 AND fee = ?2", params![case.id, f], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .optional()?;
            match row {
                None => Err(ApiError::new(StatusCode::CONFLICT, "NotDue", format!("the fee `{f}` is not due on this application"))),
                Some((_, _, status, _)) if status == "paid" => Err(ApiError::new(StatusCode::CONFLICT, "AlreadyPaid", format!("the fee `{f}` is already paid"))),
                Some((amount, currency, _, payment)) => Ok((case.id, amount, currency, payment)),
            }
        })
        .await?;
        let Some(m) = state.mediator.clone() else {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "PaymentsUnavailable",
                "no information mediator is configured, so the payments service cannot be reached",
            ));
        };
        let unavailable = |e: super::mediator::CallError| {
            let status = if e.status() == Some(504) {
                StatusCode::GATEWAY_TIMEOUT
            } else {
                StatusCode::BAD_GATEWAY
            };
            ApiError {
                messages: BTreeMap::from([
                    (
                        "en".into(),
                        format!(
                            "the payment could not be made: {e}; nothing was charged, try again"
                        ),
                    ),
                    (
                        "ar".into(),
                        "تعذّر إتمام الدفع ولم يُخصم أي مبلغ؛ حاول مرة أخرى".into(),
                    ),
                ]),
                ..ApiError::new(status, "PaymentsUnavailable", e.to_string())
            }
        };
        let payment_id = match payment_id {
            Some(p) => p,
            None => {
                let label = bp
                    .fees
                    .iter()
                    .find(|x| x.id.as_str() == fee)
                    .map_or(String::new(), |x| x.label.get("en").to_string());
                let created = m
                    .call("POST", PAYMENTS, "/payments", Some(&json!({"amount": amount, "currency": currency, "reference": tracking, "description": label})), &tracking)
                    .await
                    .map_err(unavailable)?;
                let pid = created["id"].as_str().unwrap_or_default().to_string();
                let (p, f) = (pid.clone(), fee.clone());
                with_store(&state, move |conn, _| {
                    conn.execute("UPDATE qw_fees SET payment_id = ?1, status = 'pending' WHERE case_id = ?2 AND fee = ?3", params![p, id, f])?;
                    Ok(())
                })
                .await?;
                pid
            }
        };
        let paid = m
            .call(
                "POST",
                PAYMENTS,
                &format!("/payments/{payment_id}/pay"),
                Some(&json!({"card_number": card})),
                &tracking,
            )
            .await;
        let paid = match paid {
            Ok(p) => p,
            Err(e) if e.status() == Some(422) => {
                return Err(ApiError::invalid(e.to_string()));
            }
            Err(e) => return Err(unavailable(e)),
        };
        if paid["status"] != "succeeded" {
            // A declined payment is closed at the bank: the next attempt starts a new one.
            let f = fee.clone();
            with_store(&state, move |conn, _| {
                conn.execute("UPDATE qw_fees SET payment_id = NULL, status = 'due' WHERE case_id = ?1 AND fee = ?2 AND status <> 'paid'", params![id, f])?;
                Ok(())
            })
            .await?;
            return Err(ApiError {
                messages: BTreeMap::from([
                    (
                        "en".into(),
                        "the card was declined; nothing was charged. Try another card".into(),
                    ),
                    (
                        "ar".into(),
                        "رُفضت البطاقة ولم يُخصم أي مبلغ. جرّب بطاقة أخرى".into(),
                    ),
                ]),
                ..ApiError::new(
                    StatusCode::PAYMENT_REQUIRED,
                    "PaymentDeclined",
                    "the card was declined",
                )
            });
        }
        let f = fee.clone();
        let receipt = with_store(&state, move |conn, bp| {
            let now = Now::read();
            Ok(cases::record_payment(conn, bp, id, &f, &payment_id, &now)?)
        })
        .await?;
        state.wake.notify_one();
        Ok(
            json!({"fee": fee, "amount": amount, "currency": currency, "status": "paid", "receipt": receipt}),
        )
    }
}

async fn upload(
    State(state): State<ApiState>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let name = q.get("name").cloned().unwrap_or_else(|| "file".into());
    let (id, hash) = store_upload(&state, name.clone(), content_type.clone(), body.to_vec())
        .await
        .map_err(|problems| ApiError::invalid(problems.join("; ")))?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"id": id, "name": name, "content_type": content_type, "size": body.len(), "sha256": hash}),
        ),
    ))
}

/// Keep an uploaded file (PDF, JPEG or PNG, its bytes matching its type) until an
/// application claims it: its id and SHA-256, or every problem with it.
pub(crate) async fn store_upload(
    state: &ApiState,
    name: String,
    content_type: String,
    body: Vec<u8>,
) -> Result<(String, String), Vec<String>> {
    let mut problems = Vec::new();
    let kinds = ["application/pdf", "image/jpeg", "image/png"];
    if !kinds.contains(&content_type.as_str()) {
        problems.push(format!(
            "`Content-Type` must be {}, found `{content_type}`",
            quickwin_blueprint::de::one_of(kinds)
        ));
    }
    if body.is_empty() {
        problems.push("the body is empty: send the file's bytes".to_string());
    }
    if name.chars().count() > 200 || name.contains(['/', '\\']) {
        problems.push(
            "`name` must be a file name of at most 200 characters, without `/` or `\\`".to_string(),
        );
    }
    let magic_ok = match content_type.as_str() {
        "application/pdf" => body.starts_with(b"%PDF"),
        "image/jpeg" => body.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/png" => body.starts_with(b"\x89PNG"),
        _ => true,
    };
    if !body.is_empty() && !magic_ok {
        problems.push(format!("the bytes are not a `{content_type}` file"));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    with_store(state, move |conn, _| {
        use sha2::{Digest, Sha256};
        let id = format!("att_{}", cases::random_token(20));
        let hash: String = Sha256::digest(&body).iter().map(|b| format!("{b:02x}")).collect();
        let now = Now::read();
        conn.execute(
            "INSERT INTO qw_attachments (id, case_id, field, name, content_type, size, sha256, data, created_at) VALUES (?1, NULL, NULL, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, name, content_type, body.len() as i64, hash, body, now.stamp],
        )?;
        Ok((id, hash))
    })
    .await
    .map_err(|e| vec![e.message_in("en")])
}

async fn attachment(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Path((tracking, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let token = bearer(&headers);
    with_store(&state, move |conn, _| {
        staff(conn, &token)?;
        let case = case_id(conn, &tracking)?;
        let found: Option<(String, String, Vec<u8>)> = conn
            .query_row("SELECT name, content_type, data FROM qw_attachments WHERE id = ?1 AND case_id = ?2", params![id, case], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((name, kind, data)) = found else {
            return Err(ApiError::new(StatusCode::NOT_FOUND, "NotFound", format!("case `{tracking}` has no attachment `{id}`")));
        };
        let disposition = format!("attachment; filename=\"{}\"", name.replace(['"', '\r', '\n'], "_"));
        Ok((
            [(header::CONTENT_TYPE, kind), (header::CONTENT_DISPOSITION, disposition)],
            data,
        )
            .into_response())
    })
    .await
}

async fn service(State(state): State<ApiState>) -> Json<Value> {
    let bp = state.blueprint();
    Json(json!({
        "id": bp.id.as_str(), "version": bp.version.value, "interop": bp.interop.as_str(),
        "title": localized(&bp, &bp.title), "summary": localized(&bp, &bp.summary),
        "eligibility": bp.eligibility.as_ref().map(|e| localized(&bp, e)),
        "you_need": bp.you_need.iter().map(|n| localized(&bp, n)).collect::<Vec<_>>(),
        "agency": {"member": bp.agency.member.as_str(), "name": localized(&bp, &bp.agency.name)},
        "languages": bp.languages.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        "sla_days": bp.sla.value.minutes / 1440,
        "fees": bp.fees.iter().map(|f| json!({"fee": f.id.as_str(), "label": localized(&bp, &f.label),
            "amount": f.amount.as_ref().map(|a| a.value), "currency": quickwin_blueprint::effects::currency(f)})).collect::<Vec<_>>(),
    }))
}

async fn resources(State(state): State<ApiState>) -> Result<Json<Value>, ApiError> {
    let bp = state.blueprint();
    let Some(a) = &bp.appointments else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            "this service has no appointments",
        ));
    };
    Ok(Json(json!({
        "label": localized(&bp, &a.label), "slot_minutes": a.slot.value.minutes, "horizon_days": a.horizon.value.minutes / 1440,
        "resources": a.resources.iter().map(|r| json!({"id": r.id.as_str(), "label": localized(&bp, &r.label),
            "governorate": r.governorate.as_ref().map(|g| g.as_str()), "address": r.address.as_ref().map(|x| localized(&bp, x)),
            "capacity": appointments::capacity(a, r)})).collect::<Vec<_>>(),
    })))
}

async fn slots(
    State(state): State<ApiState>,
    Path(resource): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let now = Now::read();
    let day = match q.get("day") {
        None => now.today,
        Some(d) => Date::parse(d).ok_or_else(|| {
            ApiError::invalid(format!(
                "`day` must be a date like `2026-12-01`, found `{d}`"
            ))
        })?,
    };
    with_store(&state, move |conn, bp| {
        let now = Now::read();
        match appointments::availability(conn, bp, &resource, day, &now) {
            Ok(slots) => Ok(Json(
                json!({"resource": resource, "day": day.to_string(), "slots": slots}),
            )),
            Err(SlotError::UnknownResource(r)) => Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "NotFound",
                format!("there is no `{r}` to book"),
            )),
            Err(e) => Err(ApiError::invalid(e.to_string())),
        }
    })
    .await
}

/// An operation this service provides to other agencies, called through the mediator:
/// only the listed client subsystems may call it, and it returns only the listed fields.
async fn provide(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Path((operation, key)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let client = headers
        .get("x-road-client")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    with_store(&state, move |conn, bp| {
        let Some(op) = bp.provides.iter().find(|o| o.id.as_str() == operation) else {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "NotFound",
                format!("the service provides no operation `{operation}`"),
            ));
        };
        if !op.clients.is_empty() && !op.clients.iter().any(|c| c.as_str() == client) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "Forbidden",
                format!(
                    "`{operation}` may only be called by {}",
                    quickwin_blueprint::de::one_of(op.clients.iter().map(|c| c.as_str()))
                ),
            ));
        }
        let column = if op.key.as_str() == "tracking" {
            "tracking".to_string()
        } else {
            op.key.value.clone()
        };
        let found: Option<i64> = conn
            .query_row(
                &format!(
                    "SELECT id FROM cases WHERE {} = ?1 ORDER BY id DESC LIMIT 1",
                    cases::quote(&column)
                ),
                [key.trim()],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = found else {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "NotFound",
                format!("no application has `{}` = `{key}`", op.key.as_str()),
            ));
        };
        let case = cases::load(conn, bp, id)?;
        let mut out = Map::new();
        for f in &op.returns {
            let v = match f.as_str() {
                "state" => json!(case.state),
                "tracking" => json!(case.tracking),
                other => case.values.get(other).cloned().unwrap_or(Value::Null),
            };
            out.insert(f.value.clone(), v);
        }
        out.insert("status".into(), status(bp, &case.state));
        Ok(Json(Value::Object(out)))
    })
    .await
}

async fn sign_in(
    State(state): State<ApiState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let input = object(&body)?;
    let field = |k: &str| {
        input
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (name, password) = (field("name"), field("password"));
    let mut problems = Vec::new();
    for (k, v) in [("name", &name), ("password", &password)] {
        if v.is_empty() {
            problems.push(format!("`{k}` is required"));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems.join("; ")));
    }
    with_store(&state, move |conn, _| {
        let now = Now::read();
        let token = accounts::sign_in(conn, &name, &password, now.secs, SESSION_SECONDS)?;
        Ok((
            StatusCode::CREATED,
            Json(json!({"token": token, "expires_in": SESSION_SECONDS})),
        ))
    })
    .await
}

fn bearer(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .trim()
        .to_string()
}

pub(crate) fn staff(conn: &Connection, token: &str) -> Result<Actor, ApiError> {
    Ok(accounts::authenticate(conn, token, Now::read().secs)?)
}

async fn sign_out(
    State(state): State<ApiState>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = bearer(&headers);
    with_store(&state, move |conn, _| {
        staff(conn, &token)?;
        accounts::sign_out(conn, &token)?;
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}

pub(crate) fn case_id(conn: &Connection, tracking: &str) -> Result<i64, ApiError> {
    conn.query_row(
        "SELECT id FROM cases WHERE tracking = ?1",
        [tracking],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("no case `{tracking}`"),
        )
    })
}

async fn list(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let token = bearer(&headers);
    let lang = language(&state.blueprint(), &headers);
    with_store(&state, move |conn, bp| {
        let actor = staff(conn, &token)?;
        let mut problems = Vec::new();
        let number = |key: &str, default: i64, range: std::ops::RangeInclusive<i64>, problems: &mut Vec<String>| match q.get(key) {
            None => default,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if range.contains(&n) => n,
                _ => {
                    problems.push(format!("`{key}` must be a whole number from {} to {}, found `{v}`", range.start(), range.end()));
                    default
                }
            },
        };
        let page = number("page", 1, 1..=1_000_000, &mut problems);
        let size = number("page_size", 20, 1..=100, &mut problems);
        // A role's queue: the states from which that role can act.
        let queue = q.get("queue").cloned();
        let mut queue_states: Option<Vec<String>> = None;
        if let Some(role) = &queue {
            if bp.role(role).is_none() {
                problems.push(format!("unknown role `{role}`; expected {}", quickwin_blueprint::de::one_of(bp.roles.iter().map(|r| r.id.as_str()))));
            } else if !actor.roles.contains(role) {
                problems.push(format!("you do not hold the role `{role}`"));
            } else {
                let mut states: Vec<String> = bp.workflow.transitions.iter()
                    .filter(|t| t.role.iter().any(|r| r.as_str() == role))
                    .flat_map(|t| t.from.iter().map(|f| f.value.clone()))
                    .collect();
                states.sort();
                states.dedup();
                queue_states = Some(states);
            }
        }
        let columns = super::queue::columns(bp, queue.as_deref());
        let view = super::queue::View::read(bp, &columns, &q, &mut problems);
        let sla = q.get("sla").cloned();
        if let Some(s) = &sla {
            if !matches!(s.as_str(), "breached" | "within") {
                problems.push(format!("`sla` must be `breached` or `within`, found `{s}`"));
            }
        }
        let known: Vec<&str> = ["page", "page_size", "queue", "sla"].into_iter().chain(super::queue::PARAMETERS).collect();
        for k in q.keys().filter(|k| !known.contains(&k.as_str())) {
            problems.push(format!("unknown filter `{k}`; expected {}", quickwin_blueprint::de::one_of(known.iter().copied())));
        }
        if !problems.is_empty() {
            return Err(ApiError::invalid(problems.join("; ")));
        }
        let now = Now::read();
        let sla_secs = i64::try_from(bp.sla.value.minutes).unwrap_or(0) * 60;
        let deadline = Now::at(now.secs - sla_secs).stamp;
        let finals: Vec<String> = bp.workflow.states.iter().filter(|s| s.is_final).map(|s| s.id.value.clone()).collect();
        let states_json = queue_states.as_ref().map(|s| serde_json::to_string(s).unwrap_or_default());
        let finals_json = serde_json::to_string(&finals).unwrap_or_default();
        let text = |s: Option<String>| s.map_or(rusqlite::types::Value::Null, rusqlite::types::Value::Text);
        let mut values = vec![text(states_json), text(sla), text(Some(deadline.clone())), text(Some(finals_json))];
        let (condition, order) = view.sql(bp, &columns, &mut values);
        let filters = format!("(?1 IS NULL OR state IN (SELECT value FROM json_each(?1)))
            AND (?2 IS NULL OR (?2 = 'breached') = (submitted_at < ?3 AND state NOT IN (SELECT value FROM json_each(?4))))
            AND {condition}");
        let total: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM cases WHERE {filters}"), rusqlite::params_from_iter(values.iter()), |r| r.get(0))?;
        let n = values.len();
        values.push(rusqlite::types::Value::Integer(size));
        values.push(rusqlite::types::Value::Integer((page - 1) * size));
        let mut stmt = conn.prepare(&format!(
            "SELECT tracking, state, submitted_at, updated_at{} FROM cases WHERE {filters} ORDER BY {order} LIMIT ?{} OFFSET ?{}",
            super::queue::select_list(&columns), n + 1, n + 2
        ))?;
        let items = stmt
            .query_map(rusqlite::params_from_iter(values.iter()), |r| {
                let state: String = r.get(1)?;
                let submitted: String = r.get(2)?;
                let age_days = clock::secs_of(&submitted).map_or(0, |s| (now.secs - s) / 86_400);
                let breached = !finals.contains(&state) && submitted < deadline;
                let shown = super::queue::row_in_words(bp, &columns, r, 4, &lang)?;
                Ok(json!({"tracking": r.get::<_, String>(0)?, "state": state, "status": status(bp, &state), "submitted_at": submitted,
                    "updated_at": r.get::<_, String>(3)?, "age_days": age_days, "sla_breached": breached, "decision_due": due_date(bp, &submitted),
                    "columns": shown}))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Json(json!({"columns": super::queue::described(bp, &columns), "items": items, "page": page, "page_size": size, "total": total})))
    })
    .await
}

async fn one(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Path(tracking): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let token = bearer(&headers);
    with_store(&state, move |conn, bp| {
        let actor = staff(conn, &token)?;
        let id = case_id(conn, &tracking)?;
        let case = cases::load(conn, bp, id)?;
        Ok(Json(staff_view(conn, bp, &case, &actor)?))
    })
    .await
}

/// What the office sees of a case: its answers, the state in words, the actions open to
/// `actor`, and everything the store adds (calls, attachments included).
fn staff_view(
    conn: &Connection,
    bp: &Blueprint,
    case: &Case,
    actor: &Actor,
) -> Result<Value, ApiError> {
    let mut view = json!(case);
    view["status"] = status(bp, &case.state);
    view["decision_due"] = json!(due_date(bp, &case.submitted_at));
    view["actions"] = Value::Array(open_actions(bp, &case.state, &actor.roles, true));
    if let (Value::Object(v), Value::Object(x)) = (&mut view, extras(conn, bp, case.id, true)?) {
        v.extend(x);
    }
    Ok(view)
}

async fn staff_act(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Path((tracking, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let bp = state.blueprint();
    let lang = language(&bp, &headers);
    let token = bearer(&headers);
    let input = object(&body).map_err(|e| e.in_language(&lang))?;
    let (actor, id) = with_store(&state, move |conn, _| {
        let actor = staff(conn, &token)?;
        Ok((actor, case_id(conn, &tracking)?))
    })
    .await?;
    if cases::is_automatic(&bp, &action)
        && bp
            .workflow
            .transitions
            .iter()
            .any(|t| t.action.as_str() == action)
    {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            format!("`{action}` is taken by the service itself, not by a person"),
        ));
    }
    let case = take_step(&state, id, action, actor.clone(), input, &lang).await?;
    // The case as `GET /api/cases/{tracking}` shows it, its state in words included.
    with_read(&state, move |conn, bp| {
        Ok(Json(staff_view(conn, bp, &case, &actor)?))
    })
    .await
}

async fn metrics(State(state): State<ApiState>) -> Result<Response, ApiError> {
    let m = state.metrics.clone();
    with_store(&state, move |conn, bp| {
        let mut counts: BTreeMap<String, i64> = bp
            .workflow
            .states
            .iter()
            .map(|s| (s.id.value.clone(), 0))
            .collect();
        let mut stmt = conn.prepare("SELECT state, COUNT(*) FROM cases GROUP BY state")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (s, n) = row?;
            counts.insert(s, n);
        }
        let pending: i64 = conn.query_row(
            "SELECT COUNT(*) FROM qw_outbox WHERE done_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        let text = m.render(bp.id.as_str(), &counts, pending);
        Ok((
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response())
    })
    .await
}

/// The document with examples for today, so that they can be sent as they are.
/// Mounted under a base path, the document says so in `servers`.
async fn openapi(State(state): State<ApiState>, base: crate::base::BasePath) -> Json<Value> {
    let mut doc = super::openapi::document(
        &state.blueprint(),
        quickwin_blueprint::clock::Now::read().today,
    );
    if !base.is_root() {
        doc["servers"] = serde_json::json!([{"url": base.as_str()}]);
    }
    Json(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    fn state() -> ApiState {
        let bp = crate::catalogue("birth-certificate");
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::store::migrate(&mut conn, &bp, false, "t").unwrap();
        accounts::add_user(
            &conn,
            &bp,
            "sara.clerk",
            &["clerk".into()],
            "clerk password 1",
            "t",
        )
        .unwrap();
        accounts::add_user(
            &conn,
            &bp,
            "ali.registrar",
            &["registrar".into()],
            "registrar password 1",
            "t",
        )
        .unwrap();
        // The calls to other agencies are tested end to end with the sandbox; here
        // the service has none, so no mediator is needed.
        let mut bp = bp;
        bp.integrations.clear();
        ApiState::new(bp, conn, None)
    }

    async fn call(
        s: &ApiState,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let body = body.map_or(Body::empty(), |b| Body::from(b.to_string()));
        let res = app(s.clone())
            .oneshot(req.body(body).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    fn application() -> Value {
        json!({
            "notification_number": "BN-2026-004211", "applicant_relation": "mother", "child_first_name": "زينب",
            "child_sex": "female", "child_date_of_birth": Now::read().today.to_string(), "place_of_birth": "baghdad",
            "mother_national_id": "199012345678", "father_national_id": "198812345670", "phone": "07701234567", "copies": 1
        })
    }

    async fn token(s: &ApiState, name: &str, password: &str) -> String {
        let (status, body) = call(
            s,
            "POST",
            "/api/session",
            &[],
            Some(json!({"name": name, "password": password})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().unwrap().to_string()
    }

    mod hooked {
        //! The agency's hooks, installed for a service of their own id, run through the
        //! real router: a check of theirs refuses a submission, a step sets a field,
        //! another is refused, and a fee is computed in code.
        use super::*;
        use crate::hooks::{self, Hooks, Problem, Refusal, Step, Values};

        #[derive(serde::Deserialize)]
        struct Birth {
            phone: Option<String>,
            copies: Option<f64>,
            child_first_name: Option<String>,
        }

        struct Office;

        impl Hooks for Office {
            type Application = Birth;

            fn validate(&self, a: &Birth) -> Vec<Problem> {
                if a.phone.as_deref() == Some("07700000000") {
                    vec![Problem::custom(
                        "phone",
                        "not the office's line",
                        "ليس خط الدائرة",
                    )]
                } else {
                    Vec::new()
                }
            }

            fn fee(&self, fee: &str, a: &Birth) -> Option<i64> {
                (fee == "certificate_fee").then(|| 1234 * a.copies.unwrap_or(1.0) as i64)
            }

            fn step(&self, step: &Step<'_>, a: &Birth) -> Result<Values, Refusal> {
                match step.action {
                    "verify" => Ok(json!({"family_name": format!("checked by {}", step.role)})
                        .as_object()
                        .cloned()
                        .unwrap_or_default()),
                    "approve" if a.child_first_name.as_deref() == Some("Refused") => {
                        Err(Refusal::new("the archive refuses", "الأرشيف يرفض"))
                    }
                    _ => Ok(Values::new()),
                }
            }
        }

        fn hooked_state() -> ApiState {
            let s = state();
            let mut bp = (*s.blueprint()).clone();
            bp.id.value = "hooked-birth-certificate".into();
            s.replace(bp);
            hooks::install("hooked-birth-certificate", Office);
            s
        }

        async fn submit(s: &ApiState, name: &str, phone: &str) -> (StatusCode, Value) {
            let mut a = application();
            a["child_first_name"] = json!(name);
            a["phone"] = json!(phone);
            a["copies"] = json!(2);
            call(s, "POST", "/api/applications", &[], Some(a)).await
        }

        #[tokio::test]
        async fn the_agencys_hooks_check_set_refuse_and_price() {
            let s = hooked_state();
            let (status, body) = submit(&s, "Zainab", "07700000000").await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(body["problems"][0]["field"], "phone");
            assert_eq!(body["problems"][0]["code"], "custom");
            let clerk = format!(
                "Bearer {}",
                token(&s, "sara.clerk", "clerk password 1").await
            );
            let registrar = format!(
                "Bearer {}",
                token(&s, "ali.registrar", "registrar password 1").await
            );
            for (name, refused) in [("Zainab", false), ("Refused", true)] {
                let (status, created) = submit(&s, name, "07701234567").await;
                assert_eq!(status, StatusCode::CREATED, "{created}");
                let tracking = created["tracking"].as_str().unwrap();
                let path = |action: &str| format!("/api/cases/{tracking}/actions/{action}");
                let (status, _) = call(
                    &s,
                    "POST",
                    &path("verify"),
                    &[("Authorization", &clerk)],
                    None,
                )
                .await;
                assert_eq!(status, StatusCode::OK);
                let (status, body) = call(
                    &s,
                    "POST",
                    &path("approve"),
                    &[("Authorization", &registrar)],
                    None,
                )
                .await;
                let (_, case) = call(
                    &s,
                    "GET",
                    &format!("/api/cases/{tracking}"),
                    &[("Authorization", &clerk)],
                    None,
                )
                .await;
                assert_eq!(case["answers"]["family_name"], "checked by clerk", "{case}");
                if refused {
                    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
                    assert_eq!(body["type"], "Refused");
                    // Told in the service's default language, Arabic.
                    assert_eq!(body["message"], "الأرشيف يرفض");
                    assert_eq!(case["state"], "verified");
                } else {
                    assert_eq!(status, StatusCode::OK, "{body}");
                    assert_eq!(case["fees"][0]["amount"], 2468, "{case}");
                }
            }
        }
    }

    #[tokio::test]
    async fn a_citizen_submits_and_tracks_with_the_access_code() {
        let s = state();
        let (status, created) =
            call(&s, "POST", "/api/applications", &[], Some(application())).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let tracking = created["tracking"].as_str().unwrap();
        let code = created["access_code"].as_str().unwrap();
        assert_eq!(created["status"]["ar"], "تم الاستلام");
        let (status, case) = call(
            &s,
            "GET",
            &format!("/api/applications/{tracking}"),
            &[("X-Access-Code", code)],
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(case["answers"]["child_first_name"], "زينب");
        assert!(case.to_string().find("staff:").is_none());
        // A wrong code and an unknown number get the same 404.
        let wrong = call(
            &s,
            "GET",
            &format!("/api/applications/{tracking}"),
            &[("X-Access-Code", "AAAAAAAAAA")],
            None,
        )
        .await;
        let unknown = call(
            &s,
            "GET",
            "/api/applications/BC-1999-000001",
            &[("X-Access-Code", code)],
            None,
        )
        .await;
        assert_eq!(wrong, unknown);
        assert_eq!(wrong.0, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn the_problems_are_counted_in_the_language_plural_forms() {
        let s = state();
        let mut one = application();
        one["phone"] = json!("123");
        let mut two = one.clone();
        two["copies"] = json!("many");
        let table = [
            (&one, "ar", "في الطلب مشكلة واحدة مبيّنة أدناه"),
            (&two, "ar", "في الطلب مشكلتان، كل منهما مبيّن أدناه"),
            (&one, "en", "the request has 1 problem; it is named below"),
            (
                &two,
                "en",
                "the request has 2 problems; each is named below",
            ),
        ];
        for (body, lang, message) in table {
            let (status, answer) = call(
                &s,
                "POST",
                "/api/applications",
                &[("Accept-Language", lang)],
                Some(body.clone()),
            )
            .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
            assert_eq!(answer["message"], message, "{answer}");
        }
    }

    #[tokio::test]
    async fn bad_input_names_every_problem_and_stores_nothing() {
        let s = state();
        let mut bad = application();
        bad["phone"] = json!("123");
        bad["copies"] = json!("many");
        let (status, body) = call(&s, "POST", "/api/applications", &[], Some(bad.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = body["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["phone", "copies"]);
        assert!(
            body["problems"][0]["message"]
                .as_str()
                .unwrap()
                .contains("رقم هاتف محمول"),
            "the blueprint's first language is Arabic: {body}"
        );
        let (_, english) = call(
            &s,
            "POST",
            "/api/applications",
            &[("Accept-Language", "en-GB,en;q=0.9")],
            Some(bad.clone()),
        )
        .await;
        assert!(
            english["problems"][0]["message"]
                .as_str()
                .unwrap()
                .contains("mobile number"),
            "{english}"
        );
        let (status, _) = call(&s, "POST", "/api/applications", &[], Some(json!([1, 2]))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let stored: i64 = s
            .conn
            .lock()
            .unwrap()
            .query_row("SELECT COUNT(*) FROM cases", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, 0);
    }

    /// The stall licence with a market (a choice the office fills) and the inspector's
    /// queue naming its columns.
    fn stalls() -> (Blueprint, ApiState) {
        let bp = crate::portal::tests::licence(|t| {
            t.replace(
                "    label: {en: Market inspector, ar: مفتش السوق}\n",
                "    label: {en: Market inspector, ar: مفتش السوق}\n    queue: {columns: [holder_name, stall_number, stall_size_m2, market]}\n",
            )
            .replace(
                "      - id: holder_name\n",
                "      - id: market\n        type: choice\n        label: {en: Market, ar: السوق}\n        internal: true\n        options:\n          - value: shorja\n            label: {en: Shorja market, ar: سوق الشورجة}\n          - value: jamila\n            label: {en: Jamila market, ar: سوق جميلة}\n      - id: holder_name\n",
            )
        });
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::store::migrate(&mut conn, &bp, false, "t").unwrap();
        let mut served = bp.clone();
        served.integrations.clear();
        (bp, ApiState::new(served, conn, None))
    }

    #[tokio::test]
    async fn the_case_list_has_the_queues_columns_in_words_filtered_and_sorted() {
        let (bp, s) = stalls();
        let t = crate::portal::tests::three_stalls(&s, &bp).await;
        s.conn
            .lock()
            .unwrap()
            .execute(
                "UPDATE cases SET market = 'shorja' WHERE tracking = ?1",
                [&t[0]],
            )
            .unwrap();
        let auth = format!(
            "Bearer {}",
            token(&s, "ali.inspector", "inspector password 1").await
        );
        let get = |uri: String, lang: &'static str| {
            let (s, auth) = (s.clone(), auth.clone());
            async move {
                call(
                    &s,
                    "GET",
                    &uri,
                    &[("Authorization", &auth), ("Accept-Language", lang)],
                    None,
                )
                .await
            }
        };
        let order = |list: &Value| -> Vec<usize> {
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| t.iter().position(|x| i["tracking"] == **x).unwrap())
                .collect()
        };
        let (status, list) = get("/api/cases?queue=inspector".into(), "en").await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let ids: Vec<&str> = list["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            ["holder_name", "stall_number", "stall_size_m2", "market"]
        );
        assert_eq!(
            list["columns"][3]["label"],
            json!({"ar": "السوق", "en": "Market"})
        );
        assert_eq!(
            list["items"][0]["columns"],
            json!({"holder_name": "Ali Hassan", "stall_number": "SH-0001", "stall_size_m2": "5", "market": "Shorja market"})
        );
        assert_eq!(list["items"][1]["columns"]["market"], "");
        let (_, ar) = get("/api/cases?queue=inspector".into(), "ar").await;
        assert_eq!(ar["items"][0]["columns"]["market"], "سوق الشورجة");
        // A choice is found by its label, a column by its value, a case by its number.
        let (_, found) = get("/api/cases?queue=inspector&q=shorja%20MARKET".into(), "en").await;
        assert_eq!(order(&found), [0]);
        let (_, found) = get("/api/cases?queue=inspector&q=sh-0003".into(), "en").await;
        assert_eq!(order(&found), [2]);
        let (_, found) = get(format!("/api/cases?q={}", t[1]), "en").await;
        assert_eq!((order(&found), found["total"].as_i64()), (vec![1], Some(1)));
        let (_, none) = get("/api/cases?q=%25".into(), "en").await;
        assert_eq!(none["total"], 0, "`%` is a character, not a wildcard");
        // Sorted by a column, by age, both ways.
        let (_, sorted) = get(
            "/api/cases?queue=inspector&sort=stall_size_m2&order=desc".into(),
            "en",
        )
        .await;
        assert_eq!(order(&sorted), [1, 2, 0]);
        let (_, sorted) = get("/api/cases?sort=age&order=asc".into(), "en").await;
        assert_eq!(order(&sorted), [2, 1, 0]);
        let (_, sorted) = get(
            "/api/cases?sort=tracking&order=desc&page_size=2".into(),
            "en",
        )
        .await;
        assert_eq!(
            (order(&sorted), sorted["total"].as_i64()),
            (vec![2, 1], Some(3))
        );
        // Without a queue, the default columns: the applicant's name, then the first two
        // required answers.
        let (_, default) = get("/api/cases".into(), "en").await;
        let ids: Vec<&str> = default["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["holder_name", "national_id", "stall_number"]);
        assert_eq!(default["columns"][1]["label"]["en"], "National ID number");
        // A column of another role's queue, or an unknown order, is named.
        let (status, refused) = get("/api/cases?sort=market&order=up".into(), "en").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let message = refused["message"].as_str().unwrap();
        assert!(
            message.contains("cannot sort by `market`")
                && message.contains("`order` must be `asc` or `desc`, found `up`"),
            "{message}"
        );
        // A filter by state.
        let (status, _) = call(
            &s,
            "POST",
            &format!("/api/cases/{}/actions/fail", t[2]),
            &[("Authorization", &auth)],
            Some(json!({"fail_reason": "no stall at this number"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (_, failed) = get("/api/cases?state=failed".into(), "en").await;
        assert_eq!(order(&failed), [2]);
    }

    #[tokio::test]
    async fn the_staff_api_calls_the_answers_answers_and_an_action_tells_the_status() {
        let (bp, s) = stalls();
        let t = crate::portal::tests::three_stalls(&s, &bp).await;
        let auth = format!(
            "Bearer {}",
            token(&s, "ali.inspector", "inspector password 1").await
        );
        let (_, case) = call(
            &s,
            "GET",
            &format!("/api/cases/{}", t[0]),
            &[("Authorization", &auth)],
            None,
        )
        .await;
        assert_eq!(case["answers"]["stall_number"], "SH-0001", "{case}");
        assert!(case.get("values").is_none(), "{case}");
        assert_eq!(
            case["actions"][0]["inputs"][0]["label"]["en"],
            "Inspection notes"
        );
        for (tracking, action, lang, input, said) in [
            (
                &t[0],
                "fail",
                "en",
                json!({"fail_reason": "The stall blocks the fire exit"}),
                "Did not pass the inspection",
            ),
            (
                &t[1],
                "pass",
                "ar",
                json!({}),
                "اجتاز التفتيش — يرجى دفع الرسم",
            ),
        ] {
            let (status, done) = call(
                &s,
                "POST",
                &format!("/api/cases/{tracking}/actions/{action}"),
                &[("Authorization", &auth), ("Accept-Language", lang)],
                Some(input),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{done}");
            assert_eq!(done["status"][lang], said, "{done}");
            assert_eq!(done["tracking"], **tracking);
            assert!(
                done["answers"]["stall_number"].is_string() && done.get("values").is_none(),
                "{done}"
            );
            assert!(
                done["history"].as_array().unwrap().len() == 2 && done["actions"].is_array(),
                "{done}"
            );
        }
    }

    #[tokio::test]
    async fn staff_work_cases_within_their_roles() {
        let s = state();
        let (_, created) = call(&s, "POST", "/api/applications", &[], Some(application())).await;
        let tracking = created["tracking"].as_str().unwrap().to_string();
        let (status, _) = call(&s, "GET", "/api/cases", &[], None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = call(
            &s,
            "POST",
            "/api/session",
            &[],
            Some(json!({"name": "sara.clerk", "password": "nope"})),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let clerk = format!(
            "Bearer {}",
            token(&s, "sara.clerk", "clerk password 1").await
        );
        let registrar = format!(
            "Bearer {}",
            token(&s, "ali.registrar", "registrar password 1").await
        );
        let (status, list) = call(
            &s,
            "GET",
            "/api/cases?state=submitted",
            &[("Authorization", &clerk)],
            None,
        )
        .await;
        assert_eq!((status, list["total"].as_i64()), (StatusCode::OK, Some(1)));
        let path = |action: &str| format!("/api/cases/{tracking}/actions/{action}");
        assert_eq!(
            call(
                &s,
                "POST",
                &path("verify"),
                &[("Authorization", &registrar)],
                None
            )
            .await
            .0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            call(
                &s,
                "POST",
                &path("approve"),
                &[("Authorization", &registrar)],
                None
            )
            .await
            .0,
            StatusCode::CONFLICT
        );
        assert_eq!(
            call(
                &s,
                "POST",
                &path("launch"),
                &[("Authorization", &clerk)],
                None
            )
            .await
            .0,
            StatusCode::NOT_FOUND
        );
        let (status, verified) = call(
            &s,
            "POST",
            &path("verify"),
            &[("Authorization", &clerk)],
            None,
        )
        .await;
        assert_eq!(
            (status, verified["state"].as_str()),
            (StatusCode::OK, Some("verified"))
        );
        let (status, body) = call(
            &s,
            "POST",
            &path("reject"),
            &[("Authorization", &registrar)],
            Some(json!({})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["problems"][0]["field"], "reason");
        let (status, approved) = call(
            &s,
            "POST",
            &path("approve"),
            &[("Authorization", &registrar)],
            None,
        )
        .await;
        assert_eq!(
            (status, approved["state"].as_str()),
            (StatusCode::OK, Some("awaiting_payment"))
        );
        let (status, full) = call(
            &s,
            "GET",
            &format!("/api/cases/{tracking}"),
            &[("Authorization", &clerk)],
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let actors: Vec<&str> = full["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["actor"].as_str().unwrap())
            .collect();
        assert_eq!(actors[1..], ["staff:sara.clerk", "staff:ali.registrar"]);
        assert_eq!(
            call(
                &s,
                "DELETE",
                "/api/session",
                &[("Authorization", &clerk)],
                None
            )
            .await
            .0,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            call(&s, "GET", "/api/cases", &[("Authorization", &clerk)], None)
                .await
                .0,
            StatusCode::UNAUTHORIZED
        );
    }
}
