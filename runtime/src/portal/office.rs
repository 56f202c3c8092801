//! The back office: sign-in, the cases of each role's queue with the role's columns in
//! words and their age against the SLA, searched, filtered and sorted with a plain form
//! (see [`crate::queue`]), simple figures per service, and a case page with the
//! answers under the office's labels, the calls to other agencies, the history in words
//! and a form for each action this person may take. Every action goes through the same
//! checks as the API (role, state, condition, second pair of eyes).

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value as Json, json};

use super::form;
use super::visit::{Cookie, Visit, message, posted, value};
use super::words::shown;
use crate::accounts;
use crate::accounts::SESSION_SECONDS;
use crate::base::BasePath;
use crate::cases::{self, Actor};
use crate::failure::{ApiError, Kind};
use crate::queue;
use crate::state::ApiState;
use crate::text;
use quickwin_blueprint::clock::{self, Now};
use quickwin_blueprint::model::{Blueprint, RoleKind};

/// The back office's routes.
pub(super) fn routes() -> Router<ApiState> {
    Router::new()
        .route("/office", get(sign_in_page).post(sign_in))
        .route("/office/sign-out", post(sign_out))
        .route("/office/cases", get(queue))
        .route("/office/cases/{tracking}", get(case_page))
        .route("/office/cases/{tracking}/actions/{action}", post(act))
        .route("/office/cases/{tracking}/attachments/{id}", get(attachment))
}

/// A file attached to a case, for a signed-in person only.
async fn attachment(
    State(state): State<ApiState>,
    base: BasePath,
    headers: HeaderMap,
    Path((tracking, id)): Path<(String, String)>,
) -> Response {
    if who(&state, &headers).await.is_none() {
        return (
            StatusCode::UNAUTHORIZED,
            format!("sign in at {}", base.url("/office")),
        )
            .into_response();
    }
    let found = crate::state::with_read(&state, move |conn, _| {
        let case = crate::ops::access::case_id(conn, &tracking)?;
        Ok(crate::store::attachments::file(conn, &id, case)?)
    })
    .await;
    match found {
        Ok(Some((name, kind, data))) => crate::files::download(&name, &kind, data),
        _ => (StatusCode::NOT_FOUND, "no such file on this case").into_response(),
    }
}

/// The signed-in person, from the service's staff cookie.
async fn who(state: &ApiState, headers: &HeaderMap) -> Option<Actor> {
    let token = Cookie::Staff.read(headers, state.blueprint().id.as_str())?;
    crate::state::with_read(state, move |conn, _| {
        crate::ops::access::staff(conn, &token)
    })
    .await
    .ok()
}

fn staff_roles(bp: &Blueprint, lang: &str, actor: &Actor) -> Vec<Json> {
    bp.roles
        .iter()
        .filter(|r| r.kind.value == RoleKind::Staff && actor.roles.contains(r.id.as_str()))
        .map(|r| json!({"id": r.id.as_str(), "label": r.label.get(lang)}))
        .collect()
}

async fn sign_in_page(
    State(state): State<ApiState>,
    base: BasePath,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &base, &headers, &q);
    if who(&state, &headers).await.is_some() {
        return v.redirect("/office/cases");
    }
    let mut c = v.context(&bp, "/office");
    c.insert("failed", &false);
    c.insert("office", &text::office(&v.lang));
    v.page(StatusCode::OK, "office_signin.html", &c)
}

async fn sign_in(
    State(state): State<ApiState>,
    base: BasePath,
    client: crate::guard::Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (bp, mut v, pairs) = match posted(&state, &base, &headers, &body) {
        Ok(p) => p,
        Err(refused) => return *refused,
    };
    let (name, password) = (
        value(&pairs, "name").trim().to_string(),
        value(&pairs, "password"),
    );
    if let Err(e) = state.guard.may_sign_in(&client, &name) {
        return super::visit::too_many(v, &bp, &e);
    }
    let account = name.clone();
    let signed = crate::state::with_store(&state, move |conn, _| {
        Ok(accounts::sign_in(
            conn,
            &name,
            &password,
            Now::read().secs,
            SESSION_SECONDS,
        )?)
    })
    .await;
    if signed.is_ok()
        || signed
            .as_ref()
            .is_err_and(|e| e.kind() == Kind::Unauthorized)
    {
        state.guard.signed_in(&client, &account, signed.is_ok());
    }
    match signed {
        Ok(token) => {
            v.set_cookie(Cookie::Staff, &token, SESSION_SECONDS);
            // A new session, a new CSRF token: none from before the sign-in holds.
            v.renew_csrf(&token);
            v.redirect("/office/cases")
        }
        Err(_) => {
            let mut c = v.context(&bp, "/office");
            c.insert("failed", &true);
            c.insert("office", &text::office(&v.lang));
            v.page(StatusCode::UNAUTHORIZED, "office_signin.html", &c)
        }
    }
}

async fn sign_out(
    State(state): State<ApiState>,
    base: BasePath,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (_, mut v, _) = match posted(&state, &base, &headers, &body) {
        Ok(p) => p,
        Err(refused) => return *refused,
    };
    if let Some(token) = Cookie::Staff.read(&headers, state.blueprint().id.as_str()) {
        let _ = crate::state::with_store(&state, move |conn, _| {
            accounts::sign_out(conn, &token)?;
            Ok(())
        })
        .await;
    }
    v.set_cookie(Cookie::Staff, "", 0);
    v.renew_csrf("");
    v.redirect("/office")
}

/// Cases per state, the median days from submission to a final state, and the share of
/// decided cases decided within the SLA.
fn figures(conn: &rusqlite::Connection, bp: &Blueprint, lang: &str) -> Result<Json, ApiError> {
    let mut per_state = Vec::new();
    for s in &bp.workflow.states {
        let n = crate::store::cases::count_in(conn, s.id.as_str())?;
        per_state.push(json!({"state": s.label.get(lang), "count": n}));
    }
    let finals: Vec<String> = bp
        .workflow
        .states
        .iter()
        .filter(|s| s.is_final)
        .map(|s| s.id.value.clone())
        .collect();
    let finals_json = serde_json::to_string(&finals).unwrap_or_default();
    let mut days: Vec<f64> = crate::store::cases::times_in(conn, &finals_json)?
        .into_iter()
        .filter_map(|(a, b)| Some((clock::secs_of(&b)? - clock::secs_of(&a)?) as f64 / 86_400.0))
        .collect();
    days.sort_by(f64::total_cmp);
    let median = days.get(days.len() / 2).copied();
    let sla_days = bp.sla.value.minutes as f64 / 1440.0;
    let within = days.iter().filter(|d| **d <= sla_days).count();
    Ok(json!({
        "per_state": per_state,
        "decided": days.len(),
        "median_days": median.map(|m| format!("{m:.1}")),
        "within_sla": if days.is_empty() { None } else { Some(within * 100 / days.len()) },
    }))
}

async fn queue(
    State(state): State<ApiState>,
    base: BasePath,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &base, &headers, &q);
    let Some(actor) = who(&state, &headers).await else {
        return v.redirect("/office");
    };
    let roles = staff_roles(&bp, &v.lang, &actor);
    let role = q
        .get("queue")
        .filter(|r| actor.roles.contains(r.as_str()))
        .cloned()
        .or_else(|| {
            roles
                .first()
                .and_then(|r| r["id"].as_str())
                .map(str::to_string)
        })
        .unwrap_or_default();
    // A value the page does not understand (a stale link) is shown with the default.
    let view = queue::View::read(&bp, &queue::columns(&bp, Some(&role)), &q, &mut Vec::new());
    let lang = v.lang.clone();
    let (r2, shown) = (role.clone(), view.clone());
    let data = crate::state::with_read(&state, move |conn, bp| {
        let mut states: Vec<String> = bp
            .workflow
            .transitions
            .iter()
            .filter(|t| t.role.iter().any(|x| x.as_str() == r2))
            .flat_map(|t| t.from.iter().map(|f| f.value.clone()))
            .collect();
        states.sort();
        states.dedup();
        let columns = queue::columns(bp, Some(&r2));
        let now = Now::read();
        let sla = i64::try_from(bp.sla.value.minutes).unwrap_or(0) * 60;
        let mut params = vec![rusqlite::types::Value::Text(
            serde_json::to_string(&states).unwrap_or_default(),
        )];
        let (condition, order) = shown.sql(bp, &columns, &mut params);
        let rows: Vec<Json> = crate::store::cases::queue_where(
            conn,
            &queue::select_list(&columns),
            &condition,
            &order,
            &params,
            |r| {
                let (tracking, s, submitted) = (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                );
                let words = queue::row_in_words(bp, &columns, r, 3, &lang)?;
                let cells: Vec<&Json> = columns
                    .iter()
                    .filter_map(|f| words.get(f.id.as_str()))
                    .collect();
                let age = clock::secs_of(&submitted).map_or(0, |t| now.secs - t);
                Ok(json!({"tracking": tracking, "status": crate::ops::views::status(bp, &s)[&lang],
                    "age_days": age / 86_400, "breached": age > sla, "submitted": submitted.get(..10), "cells": cells}))
            },
        )?;
        let heads: Vec<Json> = columns
            .iter()
            .map(|f| json!({"id": f.id.as_str(), "label": queue::staff_label(f, &lang)}))
            .collect();
        let states: Vec<Json> = states
            .iter()
            .map(|s| json!({"id": s, "label": crate::ops::views::status(bp, s)[&lang]}))
            .collect();
        Ok(json!({"rows": rows, "columns": heads, "states": states, "figures": figures(conn, bp, &lang)?}))
    })
    .await;
    let Ok(data) = data else {
        return message(v, &bp, StatusCode::SERVICE_UNAVAILABLE, "refused");
    };
    let mut c = v.context(&bp, "/office/cases");
    c.insert("roles", &roles);
    c.insert("role", &role);
    c.insert("rows", &data["rows"]);
    c.insert("columns", &data["columns"]);
    c.insert("states", &data["states"]);
    c.insert(
        "view",
        &json!({"state": view.state.clone().unwrap_or_default(), "q": view.search.clone().unwrap_or_default(), "sort": view.sort_key(),
            "order": if view.descending { "desc" } else { "asc" }}),
    );
    c.insert("figures", &data["figures"]);
    c.insert("office", &text::office(&v.lang));
    v.page(StatusCode::OK, "office_cases.html", &c)
}

/// The case page's context; `problems` of a refused action are shown at the top.
async fn case_context(
    state: &ApiState,
    v: &Visit,
    actor: &Actor,
    tracking: &str,
    problems: &[String],
    given: &Map<String, Json>,
) -> Option<tera::Context> {
    let bp = state.blueprint();
    let t = tracking.to_string();
    let (case, extras) = crate::state::with_read(state, move |conn, bp| {
        let id = crate::ops::access::case_id(conn, &t)?;
        let case = cases::load(conn, bp, id)?;
        let extras = crate::ops::views::extras(conn, bp, id, true)?;
        Ok((case, extras))
    })
    .await
    .ok()?;
    let lang = v.lang.as_str();
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    let answers: Vec<Json> = fields
        .iter()
        .filter(|f| case.values.contains_key(f.id.as_str()))
        .map(|f| {
            let w = form::widget(&bp, f, f.id.as_str(), case.values.get(f.id.as_str()), lang, &[]);
            json!({"label": queue::staff_label(f, lang), "value": shown(&w, case.values.get(f.id.as_str()), lang)})
        })
        .collect();
    // What each agency answered, in the words of the application's own fields:
    // "Identity verified: Yes" rather than `identity_verified = true`.
    let in_words = |kept: &Json| -> Vec<Json> {
        kept.as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, val)| match fields.iter().find(|f| f.id.as_str() == k) {
                        Some(f) => {
                            let w = form::widget(&bp, f, k, Some(val), lang, &[]);
                            json!({"label": queue::staff_label(f, lang), "value": shown(&w, Some(val), lang)})
                        }
                        None => json!({"label": k, "value": val.to_string()}),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let calls: Vec<Json> = extras["calls"]
        .as_array()
        .map(|c| {
            c.iter()
                .map(|x| json!({"label": x["label"][lang], "outcome": x["outcome"], "at": x["at"], "kept": in_words(&x["detail"]["kept"]), "error": x["detail"]["error"]}))
                .collect()
        })
        .unwrap_or_default();
    let history: Vec<Json> = case
        .history
        .iter()
        .map(|e| {
            json!({"at": e.at.replace('T', " ").trim_end_matches('Z'), "actor": e.actor,
            "action": action_label(&bp, &e.action, lang), "to": crate::ops::views::status(&bp, &e.to_state)[lang],
            "detail": detail_in_words(&bp, &e.action, &e.detail, lang)})
        })
        .collect();
    let actions: Vec<Json> = bp
        .workflow
        .transitions
        .iter()
        .filter(|t| t.from.iter().any(|f| f.as_str() == case.state))
        .filter(|t| t.role.iter().any(|r| actor.roles.contains(r.as_str())))
        .filter(|t| !cases::is_automatic(&bp, t.action.as_str()))
        .map(|t| {
            let widgets: Vec<form::Widget> = t
                .inputs
                .iter()
                .map(|f| {
                    let name = format!("{}.{}", t.action.as_str(), f.id.as_str());
                    let mut w =
                        form::widget(&bp, f, f.id.as_str(), given.get(f.id.as_str()), lang, &[]);
                    w.name = f.id.value.clone();
                    w.label = queue::staff_label(f, lang);
                    w.id = format!("f-{}", name.replace('.', "-"));
                    w
                })
                .collect();
            json!({"action": t.action.as_str(), "label": t.label.get(lang), "widgets": widgets})
        })
        .collect();
    let mut c = v.context(&bp, &format!("/office/cases/{tracking}"));
    c.insert("tracking", tracking);
    c.insert("status", &crate::ops::views::status(&bp, &case.state)[lang]);
    c.insert("answers", &answers);
    c.insert("calls", &calls);
    c.insert("history", &history);
    c.insert("actions", &actions);
    c.insert("attachments", &extras["attachments"]);
    c.insert("documents", &extras["documents"]);
    c.insert("fees", &extras["fees"]);
    c.insert("problems", problems);
    c.insert("office", &text::office(lang));
    Some(c)
}

/// An action's label in `lang` (`submit`: the office's word for it).
fn action_label(bp: &Blueprint, action: &str, lang: &str) -> String {
    bp.workflow
        .transitions
        .iter()
        .find(|t| t.action.as_str() == action)
        .map(|t| t.label.get(lang).to_string())
        .unwrap_or_else(|| match action {
            "submit" => text::office(lang)["submitted"].to_string(),
            other => other.to_string(),
        })
}

/// What was given with a step, as labelled values in words: the action's inputs with
/// their office labels, the fields corrected, the language applied in, the fee paid.
fn detail_in_words(bp: &Blueprint, action: &str, detail: &Json, lang: &str) -> Vec<Json> {
    let office = text::office(lang);
    let inputs = bp
        .workflow
        .transitions
        .iter()
        .filter(|t| t.action.as_str() == action)
        .flat_map(|t| t.inputs.iter());
    let fields: Vec<&quickwin_blueprint::model::Field> = inputs
        .chain(bp.case_record().map_or(&[][..], |r| r.fields.as_slice()))
        .collect();
    let field = |id: &str| fields.iter().find(|f| f.id.as_str() == id).copied();
    let Some(detail) = detail.as_object() else {
        return Vec::new();
    };
    detail
        .iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(key, value)| {
            let (label, words) = match (key.as_str(), field(key)) {
                (_, Some(f)) => (
                    queue::staff_label(f, lang),
                    queue::in_words(bp, f, value, lang),
                ),
                ("corrected", None) => (
                    office["corrected"].to_string(),
                    value
                        .as_array()
                        .map(|ids| {
                            ids.iter()
                                .filter_map(Json::as_str)
                                .map(|id| {
                                    field(id)
                                        .map_or(id.to_string(), |f| queue::staff_label(f, lang))
                                })
                                .collect::<Vec<_>>()
                                .join(if lang == "ar" { "، " } else { ", " })
                        })
                        .unwrap_or_default(),
                ),
                ("language", None) => (
                    office["language"].to_string(),
                    match value.as_str() {
                        Some("ar") => "العربية".to_string(),
                        Some("en") => "English".to_string(),
                        other => other.unwrap_or_default().to_string(),
                    },
                ),
                ("fee", None) => (
                    office["fee"].to_string(),
                    value
                        .as_str()
                        .and_then(|id| bp.fees.iter().find(|f| f.id.as_str() == id))
                        .map_or_else(|| plain(value), |f| f.label.get(lang).to_string()),
                ),
                ("receipt", None) => (office["receipt"].to_string(), plain(value)),
                ("payment", None) => (office["payment"].to_string(), plain(value)),
                (other, None) => (other.to_string(), plain(value)),
            };
            json!({"label": label, "value": words})
        })
        .collect()
}

/// A value as text, without JSON's quotes.
fn plain(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

async fn case_page(
    State(state): State<ApiState>,
    base: BasePath,
    headers: HeaderMap,
    Path(tracking): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &base, &headers, &q);
    let Some(actor) = who(&state, &headers).await else {
        return v.redirect("/office");
    };
    match case_context(&state, &v, &actor, &tracking, &[], &Map::new()).await {
        Some(c) => v.page(StatusCode::OK, "office_case.html", &c),
        None => message(v, &bp, StatusCode::NOT_FOUND, "expired"),
    }
}

async fn act(
    State(state): State<ApiState>,
    base: BasePath,
    headers: HeaderMap,
    Path((tracking, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (bp, v, pairs) = match posted(&state, &base, &headers, &body) {
        Ok(p) => p,
        Err(refused) => return *refused,
    };
    let Some(actor) = who(&state, &headers).await else {
        return v.redirect("/office");
    };
    // The inputs of this action, as typed.
    let input: Map<String, Json> = bp
        .workflow
        .transitions
        .iter()
        .filter(|t| t.action.as_str() == action)
        .flat_map(|t| t.inputs.iter())
        .filter_map(|f| {
            let values: Vec<&String> = pairs
                .iter()
                .filter(|(k, v)| k == f.id.as_str() && !v.trim().is_empty())
                .map(|(_, v)| v)
                .collect();
            match values.as_slice() {
                [] => None,
                [one] if !f.multiple => Some((f.id.value.clone(), json!(one))),
                many => Some((f.id.value.clone(), json!(many))),
            }
        })
        .collect();
    let t = tracking.clone();
    let id =
        crate::state::with_read(&state, move |conn, _| crate::ops::access::case_id(conn, &t)).await;
    let Ok(id) = id else {
        return message(v, &bp, StatusCode::NOT_FOUND, "expired");
    };
    let result =
        crate::ops::step::take_step(&state, id, action, actor.clone(), input.clone(), &v.lang)
            .await;
    match result {
        Ok(_) => v.redirect(&format!("/office/cases/{tracking}")),
        Err(e) => {
            let mut problems: Vec<String> = e
                .problems()
                .iter()
                .map(|p| {
                    p.message
                        .get(&v.lang)
                        .or_else(|| p.message.values().next())
                        .cloned()
                        .unwrap_or_default()
                })
                .collect();
            if problems.is_empty() {
                problems.push(e.message_in(&v.lang));
            }
            let status = e.status();
            match case_context(&state, &v, &actor, &tracking, &problems, &input).await {
                Some(c) => v.page(status, "office_case.html", &c),
                None => (status, e).into_response(),
            }
        }
    }
}
