//! The trainer's endpoints: the faults injected into the mock agencies
//! (`GET`, `POST` and `DELETE /faults`). Changing them needs the administrator's key,
//! and every attempt to, allowed or not, is written to the message log.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::faults::{self, Fault};
use crate::members::ADMIN_CLIENT;
use crate::messagelog::Entry;
use crate::state::AppState;

/// The faults in force and the subsystems that may take one.
fn listing(app: &AppState) -> Value {
    let list: Vec<Value> = app
        .faults
        .list()
        .into_iter()
        .map(|(subsystem, fault)| json!({"subsystem": subsystem, "fault": fault.to_string()}))
        .collect();
    json!({"faults": list, "subsystems": faults::subsystems()})
}

/// `GET /faults`: the faults in force, sorted by subsystem, and the mock agencies'
/// subsystems. Open to all, like the message log that records each call a fault touches.
pub async fn list(State(app): State<AppState>) -> Json<Value> {
    Json(listing(&app))
}

/// Who presents the key in `Authorization: Bearer KEY`: the administrator's client, a
/// member, or nobody known.
fn caller(app: &AppState, headers: &HeaderMap) -> Option<String> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|k| !k.is_empty())?;
    if app.members.is_admin(key) {
        Some(ADMIN_CLIENT.to_string())
    } else {
        app.members.member_of(key)
    }
}

/// 401 without the key of anyone known, 403 with a member's.
fn administrator(who: Option<&str>) -> Result<(), ApiError> {
    match who {
        Some(ADMIN_CLIENT) => Ok(()),
        Some(member) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Client.NotAdministrator",
            "only the administrator sets faults",
        )
        .detail(format!(
            "`{member}` is a member; send the administrator's key (`admin.key` in the data folder)"
        ))),
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Client.AuthenticationFailed",
            "setting a fault needs the administrator's key",
        )
        .detail("send `Authorization: Bearer KEY` with the key in `admin.key` in the data folder")),
    }
}

/// The subsystem and fault (`None`: clear it) a `POST /faults` body asks for, or every
/// problem with it.
fn read_change(body: &Bytes) -> Result<(String, Option<Fault>), ApiError> {
    let invalid = |problems: Vec<String>| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Client.InvalidRequest",
            "the request is not valid",
        )
        .detail(problems.join("; "))
    };
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(body) else {
        return Err(invalid(vec![
            "the body must be a JSON object `{\"subsystem\": \"IQ/GOV/MOH/births\", \"fault\": \"slow:2000\"}`"
                .to_string(),
        ]));
    };
    let mut problems = Vec::new();
    let text = |key: &str, problems: &mut Vec<String>| match body.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => {
            problems.push(format!("`{key}` is required, as text"));
            None
        }
    };
    let subsystem = text("subsystem", &mut problems).and_then(|s| {
        faults::mock_subsystem(&s)
            .map_err(|e| problems.push(e.to_string()))
            .ok()
    });
    let fault = text("fault", &mut problems).and_then(|f| {
        faults::parse(&f)
            .map_err(|e| problems.push(e.to_string()))
            .ok()
    });
    match (subsystem, fault) {
        (Some(subsystem), Some(fault)) if problems.is_empty() => Ok((subsystem, fault)),
        _ => Err(invalid(problems)),
    }
}

/// Write an attempt to change the faults to the message log; `Err` when it could not be,
/// and then the change is not made.
async fn log_attempt(
    app: &AppState,
    who: Option<String>,
    method: &str,
    service: &str,
    body: &Bytes,
    started: std::time::Instant,
    result: &Result<String, ApiError>,
) -> Result<(), ApiError> {
    let (status, error) = match result {
        Ok(text) => (StatusCode::OK, Some(format!("fault:{text}"))),
        Err(e) => (e.status, Some(e.kind.clone())),
    };
    let entry = Entry {
        time: crate::util::now_rfc3339(),
        client: who.unwrap_or_else(|| "-".to_string()),
        service: crate::util::mask_digits(service),
        message_id: crate::util::message_id(),
        user_id: None,
        issue: None,
        method: method.to_string(),
        path: "/faults".into(),
        status: status.as_u16(),
        duration_us: started.elapsed().as_micros() as u64,
        request_hash: crate::util::sha256_hex(body),
        response_hash: String::new(),
        error,
    };
    app.log.append(entry).await.map(|_| ()).map_err(|error| {
        tracing::error!(%error, "sandbox: the message log failed; the fault is not changed");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Server.ServerProxy.LogFailed",
            "the change could not be logged, so it is not made",
        )
    })
}

/// `POST /faults` `{"subsystem": "IQ/GOV/MOH/births", "fault": "slow:2000"}`: set the
/// fault of a mock agency's subsystem (`"fault": "none"` clears it). The administrator's
/// key only; answers the faults in force.
pub async fn change(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let started = std::time::Instant::now();
    let who = caller(&app, &headers);
    let named = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|b| {
            b.get("subsystem")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "-".to_string());
    let checked = administrator(who.as_deref()).and_then(|()| read_change(&body));
    apply(&app, who, &named, &body, started, checked).await?;
    Ok(Json(listing(&app)))
}

/// Log an attempt to change a fault, then (only once it is in the log) make it when it
/// was allowed and valid; the fault in force, as text.
async fn apply(
    app: &AppState,
    who: Option<String>,
    named: &str,
    body: &Bytes,
    started: std::time::Instant,
    checked: Result<(String, Option<Fault>), ApiError>,
) -> Result<String, ApiError> {
    let text = checked
        .as_ref()
        .map(|(_, f)| f.map_or("none".to_string(), |f| f.to_string()))
        .map_err(Clone::clone);
    log_attempt(app, who, "POST", named, body, started, &text).await?;
    let (subsystem, fault) = checked?;
    match fault {
        Some(fault) => app.faults.set(&subsystem, fault).map_err(|e| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Client.InvalidRequest",
                "the request is not valid",
            )
            .detail(e.to_string())
        })?,
        None => {
            app.faults.clear(&subsystem);
        }
    }
    text
}

/// `DELETE /faults`: clear every fault. The administrator's key only.
pub async fn clear_all(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let started = std::time::Instant::now();
    let who = caller(&app, &headers);
    let allowed = administrator(who.as_deref()).map(|()| "none".to_string());
    log_attempt(&app, who, "DELETE", "*", &body, started, &allowed).await?;
    allowed?;
    app.faults.clear_all();
    Ok(Json(listing(&app)))
}

/// Set (or with `none` clear) the fault of a mock agency's subsystem from inside the
/// process, as the administrator (a workshop host's trainer): checked, written to the
/// message log, then made, like `POST /faults`. The fault in force, as text.
pub async fn set_fault(app: &AppState, subsystem: &str, fault: &str) -> Result<String, ApiError> {
    let started = std::time::Instant::now();
    let body = Bytes::from(json!({"subsystem": subsystem, "fault": fault}).to_string());
    apply(
        app,
        Some(ADMIN_CLIENT.to_string()),
        subsystem,
        &body,
        started,
        read_change(&body),
    )
    .await
}
