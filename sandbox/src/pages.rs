//! The sandbox's web pages and JSON endpoints besides the mediator: the home page, the
//! registry (JSON and a catalogue by ministry), the live message log, and the inboxes.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};

use crate::agencies::notify;
use crate::error::ApiError;
use crate::messagelog::Filter;
use crate::registry::{Backend, Service};
use crate::state::AppState;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("home.html", include_str!("../templates/home.html")),
    (
        "catalogue.html",
        include_str!("../templates/catalogue.html"),
    ),
    ("messages.html", include_str!("../templates/messages.html")),
    ("inboxes.html", include_str!("../templates/inboxes.html")),
    ("inbox.html", include_str!("../templates/inbox.html")),
];

/// The page templates, escaping every value.
pub fn templates() -> Result<tera::Tera, tera::Error> {
    let mut tera = tera::Tera::default();
    tera.add_raw_templates(TEMPLATES.to_vec())?;
    tera.autoescape_on(vec![".html"]);
    Ok(tera)
}

fn render(app: &AppState, name: &str, context: &tera::Context) -> Response {
    match app.pages.render(name, context) {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(page = name, error = ?e, "sandbox: the page template failed");
            ApiError::internal().into_response()
        }
    }
}

/// `GET /`: what the sandbox offers and where.
pub async fn home(State(app): State<AppState>) -> Response {
    let mut c = tera::Context::new();
    let services: Vec<Value> = app.registry.all().iter().map(|s| s.summary()).collect();
    c.insert("services", &services);
    c.insert("data_dir", &app.config.data_dir.display().to_string());
    render(&app, "home.html", &c)
}

/// `GET /registry`: the e-services grouped by ministry, like a ministerial portal.
pub async fn catalogue(State(app): State<AppState>) -> Response {
    let mut groups: BTreeMap<String, (String, String, Vec<Value>)> = BTreeMap::new();
    for s in app.registry.all() {
        let group = groups
            .entry(s.member.clone())
            .or_insert_with(|| (s.agency_en.clone(), s.agency_ar.clone(), Vec::new()));
        group.2.push(s.summary());
    }
    let groups: Vec<Value> = groups
        .into_iter()
        .map(|(member, (en, ar, services))| json!({"member": member, "en": en, "ar": ar, "services": services}))
        .collect();
    let mut c = tera::Context::new();
    c.insert("groups", &groups);
    render(&app, "catalogue.html", &c)
}

/// `GET /registry/services`: every service as JSON.
pub async fn list_services(State(app): State<AppState>) -> Json<Value> {
    Json(Value::Array(
        app.registry.all().iter().map(|s| s.summary()).collect(),
    ))
}

/// `GET /registry/services/{id}` and `…/{id}/openapi.json`.
pub async fn one_service(
    State(app): State<AppState>,
    Path(rest): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (id, openapi) = match rest.strip_suffix("/openapi.json") {
        Some(id) => (id.to_string(), true),
        None => (rest.clone(), false),
    };
    let service = app.registry.get(&id).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "Registry.UnknownService",
            "no service is registered under this identifier",
        )
        .detail(format!("`{id}`"))
    })?;
    Ok(Json(if openapi {
        service.openapi.clone()
    } else {
        service.summary()
    }))
}

/// `POST /registry/services`: register a service that answers at a URL on this machine.
/// Only the administrator, or the member that owns the service's subsystem, may; a
/// service of the sandbox's own agencies is never replaced. Every attempt, allowed or
/// not, is written to the message log.
pub async fn register_service(
    State(app): State<AppState>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|k| k.trim().to_string())
        .unwrap_or_default();
    let who = if !key.is_empty() && app.members.is_admin(&key) {
        Some(crate::members::ADMIN_CLIENT.to_string())
    } else if key.is_empty() {
        None
    } else {
        app.members.member_of(&key)
    };
    let id = crate::agencies::json_object(&body)
        .ok()
        .and_then(|b| b.get("id").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| "-".to_string());
    let started = std::time::Instant::now();
    let result = register(&app, who.as_deref(), &body);
    let (status, error) = match &result {
        Ok((status, ..)) => (*status, None),
        Err(e) => (e.status, Some(e.kind.clone())),
    };
    let entry = crate::messagelog::Entry {
        time: crate::util::now_rfc3339(),
        client: who.unwrap_or_else(|| "-".to_string()),
        service: crate::util::mask_digits(&id),
        message_id: crate::util::message_id(),
        user_id: None,
        issue: None,
        method: "POST".into(),
        path: "/registry/services".into(),
        status: status.as_u16(),
        duration_us: started.elapsed().as_micros() as u64,
        request_hash: crate::util::sha256_hex(&body),
        response_hash: String::new(),
        error,
    };
    if let Err(error) = app.log.append(entry).await {
        tracing::error!(%error, "sandbox: the message log failed; the registry change is refused");
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Server.ServerProxy.LogFailed",
            "the change could not be logged, so it is not made",
        ));
    }
    let (status, summary, service, clients) = result?;
    // Made only once the attempt is in the log.
    for c in &clients {
        app.access.grant(&service.id, c);
    }
    app.registry.register(service);
    Ok((status, Json(summary)))
}

/// A registration checked: the status, the summary to answer, the service and the
/// clients it is open to; nothing is changed yet.
type Registration = (StatusCode, Value, Service, Vec<String>);

fn register(app: &AppState, who: Option<&str>, body: &Bytes) -> Result<Registration, ApiError> {
    let Some(who) = who else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Client.AuthenticationFailed",
            "registering a service needs the administrator's key or the owning member's",
        )
        .detail("send `Authorization: Bearer KEY`; `quickwin sandbox member add ID` issues a member's key"));
    };
    let body = crate::agencies::json_object(body)?;
    let mut problems = Vec::new();
    let id = crate::agencies::text(&body, "id", &mut problems);
    if !id.is_empty() && id.split('/').count() != 5 {
        problems.push(format!(
            "`id` must be `INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE`, found `{id}`"
        ));
    }
    let backend = crate::agencies::text(&body, "backend", &mut problems);
    let local = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
        .iter()
        .any(|p| backend.starts_with(p));
    if !backend.is_empty() && !local {
        problems.push(format!("`backend` must be an address on this machine, like `http://127.0.0.1:8000`, found `{backend}`"));
    }
    let title = |lang: &str| {
        body.get("title")
            .and_then(|t| t.get(lang))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let (title_en, title_ar) = (title("en"), title("ar"));
    if title_en.is_none() || title_ar.is_none() {
        problems.push("`title` must give `en` and `ar`".to_string());
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let member = id.split('/').nth(2).unwrap_or_default().to_string();
    let agency = |lang: &str| {
        body.get("agency")
            .and_then(|a| a.get("name"))
            .and_then(|n| n.get(lang))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let known = crate::agencies::agency(&member);
    let service = Service {
        id: id.clone(),
        title_en: title_en.unwrap_or_default(),
        title_ar: title_ar.unwrap_or_default(),
        agency_en: agency("en")
            .or_else(|| known.map(|a| a.en.to_string()))
            .unwrap_or_else(|| member.clone()),
        agency_ar: agency("ar")
            .or_else(|| known.map(|a| a.ar.to_string()))
            .unwrap_or_else(|| member.clone()),
        member,
        openapi: body.get("openapi").cloned().unwrap_or(Value::Null),
        direct: Some(backend.clone()),
        backend: Backend::Url(backend),
    };
    let owner: String = id.split('/').take(4).collect::<Vec<_>>().join("/");
    if who != crate::members::ADMIN_CLIENT && who != owner {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Client.NotOwner",
            "a member registers only the services of its own subsystem",
        )
        .detail(format!(
            "`{who}` may not register `{id}`, which belongs to `{owner}`"
        )));
    }
    if app
        .registry
        .get(&id)
        .is_some_and(|s| matches!(s.backend, Backend::Internal(_)))
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "Client.ServiceReserved",
            "the service is one of the sandbox's own agencies and cannot be replaced",
        )
        .detail(format!("`{id}`")));
    }
    let summary = service.summary();
    let clients: Vec<String> = body
        .get("clients")
        .and_then(Value::as_array)
        .map(|c| {
            c.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Ok((StatusCode::CREATED, summary, service, clients))
}

fn filter(q: &BTreeMap<String, String>) -> Filter {
    let nonempty = |k: &str| {
        q.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    Filter {
        service: nonempty("service"),
        issue: nonempty("issue"),
        after: q.get("after").and_then(|a| a.parse().ok()).unwrap_or(0),
        id_prefix: nonempty("id_prefix"),
        client: nonempty("client"),
        party: nonempty("party"),
        hide_prefix: nonempty("hide_prefix"),
        limit: q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(100),
    }
}

/// `GET /mediator/messages`: the latest calls, filterable by service or case number;
/// a small script keeps the table live.
pub async fn messages(
    State(app): State<AppState>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let f = filter(&q);
    let rows = match app.log.recent(f.clone()).await {
        Ok(rows) => rows,
        Err(error) => {
            tracing::error!(%error, "sandbox: the message log could not be read");
            return ApiError::internal().into_response();
        }
    };
    let services: Vec<String> = app.registry.all().iter().map(|s| s.id.clone()).collect();
    let mut c = tera::Context::new();
    c.insert("rows", &rows);
    c.insert("services", &services);
    c.insert("service", &f.service.unwrap_or_default());
    c.insert("issue", &f.issue.unwrap_or_default());
    render(&app, "messages.html", &c)
}

/// `GET /mediator/messages.json?service=&issue=&client=&id_prefix=&after=&limit=`: the same, as JSON.
pub async fn messages_json(
    State(app): State<AppState>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let rows = app.log.recent(filter(&q)).await.map_err(|error| {
        tracing::error!(%error, "sandbox: the message log could not be read");
        ApiError::internal()
    })?;
    Ok(Json(json!({"items": rows})))
}

/// `GET /mediator/rights.json?client=INSTANCE/CLASS/MEMBER/SUBSYSTEM`: the services the
/// client may call now, and the folder of the `access.yaml` that grants them, so that a
/// service can say at start which rights it lacks and how to grant them.
pub async fn rights_json(
    State(app): State<AppState>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let Some(client) = q.get("client").filter(|c| c.split('/').count() == 4) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Client.InvalidClientIdentifier",
            "the `client` parameter is not a client subsystem identifier",
        )
        .detail("expected `?client=INSTANCE/CLASS/MEMBER/SUBSYSTEM`"));
    };
    let data =
        std::path::absolute(&app.config.data_dir).unwrap_or_else(|_| app.config.data_dir.clone());
    Ok(Json(json!({
        "client": client,
        "services": app.access.services_of(client),
        "data": data.display().to_string(),
        "problem": app.access.problem(),
    })))
}

/// `GET /notify/inbox`: every phone and address that received a message.
pub async fn inboxes(State(app): State<AppState>) -> Response {
    let rows = app.db.call(|conn| Ok(notify::addresses(conn)?)).await;
    match rows {
        Ok(rows) => {
            let rows: Vec<Value> = rows
                .into_iter()
                .map(|(a, ch, n)| json!({"segment": crate::util::percent_encode(&a), "address": a, "channel": ch, "count": n}))
                .collect();
            let mut c = tera::Context::new();
            c.insert("rows", &rows);
            render(&app, "inboxes.html", &c)
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /notify/inbox/{address}`: the messages one phone or address received.
pub async fn inbox(State(app): State<AppState>, Path(address): Path<String>) -> Response {
    let address = if notify::is_phone(&address) {
        notify::normalize_phone(&address)
    } else {
        address.to_lowercase()
    };
    let key = address.clone();
    match app
        .db
        .call(move |conn| Ok(notify::messages(conn, &key, 200)?))
        .await
    {
        Ok(items) => {
            let mut c = tera::Context::new();
            c.insert("address", &address);
            c.insert("items", &items);
            render(&app, "inbox.html", &c)
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /static/{file}`: the style sheet and the live-update script.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "style.css" => (
            include_str!("../static/style.css"),
            "text/css; charset=utf-8",
        ),
        "messages.js" => (
            include_str!("../static/messages.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => {
            return ApiError::new(StatusCode::NOT_FOUND, "Client.NotFound", "no such file")
                .into_response();
        }
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
