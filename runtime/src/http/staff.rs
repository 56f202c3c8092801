//! The back office's routes: sessions, the list of cases (the role's queue), one case,
//! its attachments and the actions the blueprint gives the member's roles.

use crate::accounts::SESSION_SECONDS;
use crate::accounts::{self};
use crate::cases::{self};
use crate::failure::{ApiError, Kind};
use crate::guard::Client;
use crate::http::extract::{Lang, Object, StaffToken};
use crate::ops::access::{case_id, staff};
use crate::ops::step::take_step;
use crate::ops::views::staff_view;
use crate::state::{ApiState, with_read, with_store};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use quickwin_blueprint::clock::Now;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub(crate) async fn sign_in(
    State(state): State<ApiState>,
    client: Client,
    Lang(lang): Lang,
    Object(input): Object,
) -> Result<(StatusCode, Json<Value>), ApiError> {
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
    state
        .guard
        .may_sign_in(&client, &name)
        .map_err(|e| e.in_language(&lang))?;
    let account = name.clone();
    let signed = with_store(&state, move |conn, _| {
        let now = Now::read();
        let token = accounts::sign_in(conn, &name, &password, now.secs, SESSION_SECONDS)?;
        Ok((
            StatusCode::CREATED,
            Json(json!({"token": token, "expires_in": SESSION_SECONDS})),
        ))
    })
    .await;
    match &signed {
        Ok(_) => state.guard.signed_in(&client, &account, true),
        Err(e) if e.kind() == Kind::Unauthorized => {
            state.guard.signed_in(&client, &account, false);
        }
        Err(_) => {}
    }
    signed
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
        Ok(Json(crate::ops::list::page(conn, bp, &actor, &q, &lang)?))
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
        let found = crate::store::attachments::file(conn, &id, case)?;
        let Some((name, kind, data)) = found else {
            return Err(ApiError::new(
                Kind::NotFound,
                format!("case `{tracking}` has no attachment `{id}`"),
            ));
        };
        Ok(crate::files::download(&name, &kind, data))
    })
    .await
}
