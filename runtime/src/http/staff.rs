//! The back office's routes: sessions, the list of cases (the role's queue), one case,
//! its attachments and the actions the blueprint gives the member's roles.

use crate::accounts::SESSION_SECONDS;
use crate::accounts::{self};
use crate::cases::{self};
use crate::failure::{ApiError, Kind};
use crate::http::extract::{Lang, Object, StaffToken, object};
use crate::ops::access::{case_id, staff};
use crate::ops::step::take_step;
use crate::ops::views::{due_date, staff_view, status};
use crate::state::{ApiState, with_read, with_store};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use quickwin_blueprint::clock::{self, Now};
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub(crate) async fn sign_in(
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

pub(crate) async fn sign_out(
    State(state): State<ApiState>,
    StaffToken(token): StaffToken,
) -> Result<StatusCode, ApiError> {
    with_store(&state, move |conn, _| {
        staff(conn, &token)?;
        accounts::sign_out(conn, &token)?;
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}

pub(crate) async fn list(
    State(state): State<ApiState>,
    StaffToken(token): StaffToken,
    Lang(lang): Lang,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
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
        let columns = crate::queue::columns(bp, queue.as_deref());
        let view = crate::queue::View::read(bp, &columns, &q, &mut problems);
        let sla = q.get("sla").cloned();
        if let Some(s) = &sla {
            if !matches!(s.as_str(), "breached" | "within") {
                problems.push(format!("`sla` must be `breached` or `within`, found `{s}`"));
            }
        }
        let known: Vec<&str> = ["page", "page_size", "queue", "sla"].into_iter().chain(crate::queue::PARAMETERS).collect();
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
            crate::queue::select_list(&columns), n + 1, n + 2
        ))?;
        let items = stmt
            .query_map(rusqlite::params_from_iter(values.iter()), |r| {
                let state: String = r.get(1)?;
                let submitted: String = r.get(2)?;
                let age_days = clock::secs_of(&submitted).map_or(0, |s| (now.secs - s) / 86_400);
                let breached = !finals.contains(&state) && submitted < deadline;
                let shown = crate::queue::row_in_words(bp, &columns, r, 4, &lang)?;
                Ok(json!({"tracking": r.get::<_, String>(0)?, "state": state, "status": status(bp, &state), "submitted_at": submitted,
                    "updated_at": r.get::<_, String>(3)?, "age_days": age_days, "sla_breached": breached, "decision_due": due_date(bp, &submitted),
                    "columns": shown}))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Json(json!({"columns": crate::queue::described(bp, &columns), "items": items, "page": page, "page_size": size, "total": total})))
    })
    .await
}

pub(crate) async fn one(
    State(state): State<ApiState>,
    StaffToken(token): StaffToken,
    Path(tracking): Path<String>,
) -> Result<Json<Value>, ApiError> {
    with_store(&state, move |conn, bp| {
        let actor = staff(conn, &token)?;
        let id = case_id(conn, &tracking)?;
        let case = cases::load(conn, bp, id)?;
        Ok(Json(staff_view(conn, bp, &case, &actor)?))
    })
    .await
}

pub(crate) async fn staff_act(
    State(state): State<ApiState>,
    StaffToken(token): StaffToken,
    Lang(lang): Lang,
    Path((tracking, action)): Path<(String, String)>,
    Object(input): Object,
) -> Result<Json<Value>, ApiError> {
    let bp = state.blueprint();
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
            Kind::Forbidden,
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

pub(crate) async fn attachment(
    State(state): State<ApiState>,
    StaffToken(token): StaffToken,
    Path((tracking, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    with_store(&state, move |conn, _| {
        staff(conn, &token)?;
        let case = case_id(conn, &tracking)?;
        let found: Option<(String, String, Vec<u8>)> = conn
            .query_row("SELECT name, content_type, data FROM qw_attachments WHERE id = ?1 AND case_id = ?2", params![id, case], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((name, kind, data)) = found else {
            return Err(ApiError::new(Kind::NotFound, format!("case `{tracking}` has no attachment `{id}`")));
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
