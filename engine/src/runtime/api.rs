//! The service's HTTP API, derived from the blueprint: citizens submit and track their
//! application with its tracking number and access code; office staff sign in and work
//! through cases with the actions the blueprint allows them. `app(state)` builds the
//! router, so the handlers are tested with `oneshot` and no port.

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::accounts::{self, AccountError};
use super::answers::{self, Problem};
use super::cases::{self, Actor, Case, CaseError, Step};
use crate::expr::Date;
use crate::model::Blueprint;

/// How long a back-office session lasts: eight hours, a working day.
pub const SESSION_SECONDS: i64 = 8 * 3600;

/// What the handlers share: the blueprint and the store's connection (SQLite has one
/// writer; the store's work is short and runs off the async threads).
#[derive(Clone)]
pub struct ApiState {
    /// The blueprint served.
    pub blueprint: Arc<Blueprint>,
    /// The store.
    pub conn: Arc<Mutex<Connection>>,
}

/// The one error type of the API: a status and `{type, message, detail, problems?}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    kind: &'static str,
    message: String,
    problems: Vec<Problem>,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            kind,
            message: message.into(),
            problems: Vec::new(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"type": self.kind, "message": self.message});
        if !self.problems.is_empty() {
            body["problems"] = json!(self.problems);
        }
        (self.status, Json(body)).into_response()
    }
}

impl From<CaseError> for ApiError {
    fn from(e: CaseError) -> Self {
        let message = e.to_string();
        match e {
            CaseError::NotFound => ApiError::new(StatusCode::NOT_FOUND, "NotFound", message),
            CaseError::Invalid(problems) => ApiError {
                problems,
                ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "InvalidRequest", message)
            },
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
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal",
                    "the service failed; see its log",
                )
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
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal",
                    "the service failed; see its log",
                )
            }
            other => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "InvalidRequest",
                other.to_string(),
            ),
        }
    }
}

/// The API's router.
pub fn app(state: ApiState) -> Router {
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/api/applications", post(submit))
        .route("/api/applications/{tracking}", get(track))
        .route("/api/session", post(sign_in).delete(sign_out))
        .route("/api/cases", get(list))
        .route("/api/cases/{tracking}", get(one))
        .route("/api/cases/{tracking}/actions/{action}", post(act))
        .with_state(state)
}

fn clock() -> (String, Date, i64) {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let date = Date(secs.div_euclid(86_400));
    let rest = secs.rem_euclid(86_400);
    (
        format!(
            "{date}T{:02}:{:02}:{:02}Z",
            rest / 3600,
            rest / 60 % 60,
            rest % 60
        ),
        date,
        secs,
    )
}

/// Run store work off the async threads.
async fn with_store<R: Send + 'static>(
    state: &ApiState,
    f: impl FnOnce(&mut Connection, &Blueprint) -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    let (conn, bp) = (state.conn.clone(), state.blueprint.clone());
    tokio::task::spawn_blocking(move || {
        let mut conn = conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut conn, &bp)
    })
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal",
            "the service failed; see its log",
        )
    })?
}

fn object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "InvalidRequest",
            "the body must be a JSON object",
        )),
        Err(e) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "InvalidRequest",
            format!("the body is not valid JSON: {e}"),
        )),
    }
}

/// The status label of a state, per language.
fn status(bp: &Blueprint, state: &str) -> Value {
    let Some(s) = bp.workflow.states.iter().find(|s| s.id.as_str() == state) else {
        return Value::Null;
    };
    Value::Object(
        bp.languages
            .iter()
            .map(|l| (l.value.clone(), Value::String(s.label.get(l).to_string())))
            .collect(),
    )
}

/// What an applicant sees of their case: no staff names.
fn public_view(bp: &Blueprint, case: &Case) -> Value {
    let history: Vec<Value> = case
        .history
        .iter()
        .map(|e| json!({"at": e.at, "action": e.action, "state": e.to_state, "status": status(bp, &e.to_state)}))
        .collect();
    json!({
        "tracking": case.tracking, "state": case.state, "status": status(bp, &case.state),
        "submitted_at": case.submitted_at, "updated_at": case.updated_at,
        "answers": case.values, "history": history,
    })
}

async fn submit(
    State(state): State<ApiState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let input = object(&body)?;
    with_store(&state, move |conn, bp| {
        let (now, today, _) = clock();
        let checked = answers::check_answers(bp, &input, today).map_err(|p| ApiError::from(CaseError::Invalid(p)))?;
        let (case, code) = cases::submit(conn, bp, &checked, &now, today)?;
        Ok((StatusCode::CREATED, Json(json!({"tracking": case.tracking, "access_code": code, "state": case.state, "status": status(bp, &case.state)}))))
    })
    .await
}

async fn track(
    State(state): State<ApiState>,
    Path(tracking): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let code = headers
        .get("x-access-code")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    with_store(&state, move |conn, bp| {
        let case = cases::read(conn, bp, &tracking, &code)?;
        Ok(Json(public_view(bp, &case)))
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
    with_store(&state, move |conn, _| {
        let (_, _, secs) = clock();
        let token = accounts::sign_in(conn, &name, &password, secs, SESSION_SECONDS)?;
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

fn staff(conn: &Connection, token: &str) -> Result<Actor, ApiError> {
    let (_, _, secs) = clock();
    Ok(accounts::authenticate(conn, token, secs)?)
}

async fn sign_out(
    State(state): State<ApiState>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = bearer(&headers);
    with_store(&state, move |conn, _| {
        staff(conn, &token)?;
        accounts::sign_out(conn, &token).map_err(|e| ApiError::from(AccountError::Store(e)))?;
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}

fn case_id(conn: &Connection, tracking: &str) -> Result<i64, ApiError> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        "SELECT id FROM cases WHERE tracking = ?1",
        [tracking],
        |r| r.get(0),
    )
    .optional()
    .map_err(|e| ApiError::from(CaseError::Store(e)))?
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
    Query(q): Query<std::collections::BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let token = bearer(&headers);
    with_store(&state, move |conn, bp| {
        staff(conn, &token)?;
        let mut problems = Vec::new();
        let page: i64 = q.get("page").map_or(Ok(1), |p| p.parse()).unwrap_or(0);
        let size: i64 = q.get("page_size").map_or(Ok(20), |p| p.parse()).unwrap_or(0);
        if page < 1 {
            problems.push("`page` must be a whole number from 1".to_string());
        }
        if !(1..=100).contains(&size) {
            problems.push("`page_size` must be a whole number from 1 to 100".to_string());
        }
        let filter = q.get("state").cloned();
        if let Some(s) = &filter {
            if !bp.workflow.states.iter().any(|st| st.id.as_str() == s) {
                problems.push(format!("unknown state `{s}`"));
            }
        }
        if !problems.is_empty() {
            return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "InvalidRequest", problems.join("; ")));
        }
        let store = |e| ApiError::from(CaseError::Store(e));
        let total: i64 = conn.query_row("SELECT COUNT(*) FROM cases WHERE ?1 IS NULL OR state = ?1", [&filter], |r| r.get(0)).map_err(store)?;
        let mut stmt = conn
            .prepare("SELECT tracking, state, submitted_at, updated_at FROM cases WHERE ?1 IS NULL OR state = ?1 ORDER BY id LIMIT ?2 OFFSET ?3")
            .map_err(store)?;
        let items = stmt
            .query_map(rusqlite::params![filter, size, (page - 1) * size], |r| {
                let state: String = r.get(1)?;
                Ok(json!({"tracking": r.get::<_, String>(0)?, "state": state, "status": status(bp, &state), "submitted_at": r.get::<_, String>(2)?, "updated_at": r.get::<_, String>(3)?}))
            })
            .map_err(store)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(store)?;
        Ok(Json(json!({"items": items, "page": page, "page_size": size, "total": total})))
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
        staff(conn, &token)?;
        let id = case_id(conn, &tracking)?;
        Ok(Json(json!(cases::load(conn, bp, id)?)))
    })
    .await
}

async fn act(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Path((tracking, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let token = bearer(&headers);
    let input = object(&body)?;
    with_store(&state, move |conn, bp| {
        let actor = staff(conn, &token)?;
        let id = case_id(conn, &tracking)?;
        let (now, today, _) = clock();
        let case = cases::act(
            conn,
            bp,
            id,
            &Step {
                action: &action,
                actor: &actor,
                input: &input,
            },
            &now,
            today,
        )?;
        Ok(Json(json!(case)))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    fn state() -> ApiState {
        let path = format!(
            "{}/../blueprints/birth-certificate.yaml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let bp = crate::check_bytes(&path, text.as_bytes())
            .blueprint
            .unwrap();
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
        ApiState {
            blueprint: Arc::new(bp),
            conn: Arc::new(Mutex::new(conn)),
        }
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
            "child_sex": "female", "child_date_of_birth": clock().1.to_string(), "place_of_birth": "baghdad",
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
    async fn bad_input_names_every_problem_and_stores_nothing() {
        let s = state();
        let mut bad = application();
        bad["phone"] = json!("123");
        bad["copies"] = json!("many");
        let (status, body) = call(&s, "POST", "/api/applications", &[], Some(bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = body["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["phone", "copies"]);
        assert!(
            body["problems"][0]["message"]["ar"]
                .as_str()
                .unwrap()
                .contains("رقم هاتف محمول")
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
