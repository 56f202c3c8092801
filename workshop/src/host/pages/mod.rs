//! The host's pages and its small API: the class overview (`/teams`), each team's space
//! (`/teams/<team>/`: editor, pushes, exercises, log, inbox, diagrams), and the
//! trainer's dashboard (`/trainer`: the grid, a team's page, the class's log, the
//! actions, the exports). Every page is in Arabic and English (`?lang=`), works without
//! JavaScript (one small script keeps the grid and the class's log up to date in place),
//! and every action is a form with a token bound to the session. The command
//! line pushes and checks with the team's password as a bearer token, and gets JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get, post};
use serde_json::{Value, json};

mod diagrams;
mod team;
mod trainer;

use super::auth::{self, Who};
use super::diff;
use super::store::{ALL, Cell};
use super::{Host, PushError, kept_accounts, now};
use crate::results::Results;

/// The pages' templates, built into the binary.
pub fn templates() -> tera::Tera {
    let mut t = tera::Tera::default();
    t.add_raw_templates(vec![
        (
            "base.html",
            include_str!("../../../templates/host/base.html"),
        ),
        (
            "macros.html",
            include_str!("../../../templates/host/macros.html"),
        ),
        (
            "teams.html",
            include_str!("../../../templates/host/teams.html"),
        ),
        (
            "login.html",
            include_str!("../../../templates/host/login.html"),
        ),
        (
            "space.html",
            include_str!("../../../templates/host/space.html"),
        ),
        (
            "push.html",
            include_str!("../../../templates/host/push.html"),
        ),
        (
            "file.html",
            include_str!("../../../templates/host/file.html"),
        ),
        (
            "trainer.html",
            include_str!("../../../templates/host/trainer.html"),
        ),
        (
            "trainer_team.html",
            include_str!("../../../templates/host/trainer_team.html"),
        ),
        ("log.html", include_str!("../../../templates/host/log.html")),
    ])
    .expect("the host's templates are valid");
    t.autoescape_on(vec![".html"]);
    t
}

const STYLE: &str = include_str!("../../../templates/host/host.css");
/// The one script: the trainer's grid and the class's log follow the host in place (a
/// meta refresh would throw away what the trainer types and their place on the page).
const SCRIPT: &str = include_str!("../../../templates/host/host.js");

/// The host's routes (the sandbox's are merged after them).
pub fn routes(host: Host) -> Router {
    let teams = Router::new()
        .route("/teams/{team}", get(team_root))
        .route("/teams/{team}/", get(team::space))
        .route("/teams/{team}/login", post(team::team_login))
        .route("/teams/{team}/logout", post(team::team_logout))
        .route("/teams/{team}/push", post(team::push))
        .route("/teams/{team}/push/{n}/confirm", post(team::confirm))
        .route("/teams/{team}/pushes/{n}", get(team::push_page))
        .route("/teams/{team}/check", post(team::check))
        .route("/teams/{team}/start", post(team::start))
        .route("/teams/{team}/hint", post(team::hint))
        .route("/teams/{team}/file", get(team::file_page))
        .route("/teams/{team}/solution/{exercise}", get(team::solution))
        .route("/teams/{team}/calls.svg", get(diagrams::calls_svg))
        .route("/teams/{team}/workflow.svg", get(diagrams::workflow_svg))
        .route("/teams/{team}/results.json", get(team::team_results))
        .route("/teams/{team}/svc/{id}", any(super::services))
        .route("/teams/{team}/svc/{id}/", any(super::services))
        .route("/teams/{team}/svc/{id}/{*rest}", any(super::services))
        .layer(middleware::from_fn_with_state(host.clone(), team_limit));
    Router::new()
        .route("/teams", get(overview))
        .route("/host.css", get(style))
        .route("/host.js", get(script))
        .route("/pilots/{id}", any(super::services))
        .route("/pilots/{id}/", any(super::services))
        .route("/pilots/{id}/{*rest}", any(super::services))
        .route("/trainer", get(trainer::trainer))
        .route("/trainer/login", post(trainer::trainer_login))
        .route("/trainer/logout", post(trainer::trainer_logout))
        .route("/trainer/teams/{team}", get(trainer::trainer_team))
        .route("/trainer/log", get(trainer::class_log))
        .route("/trainer/grid.json", get(trainer::grid_json))
        .route("/trainer/results.csv", get(trainer::results_csv))
        .route("/trainer/results.json", get(trainer::results_json))
        .route("/trainer/action", post(trainer::action))
        .merge(teams)
        .with_state(host)
        .layer(middleware::from_fn(headers))
}

async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ));
    h.entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("no-referrer"));
    response
}

/// A team's paths take tokens from the team's bucket: one team's flood cannot take the
/// host from the others.
async fn team_limit(State(host): State<Host>, request: Request, next: Next) -> Response {
    let team = request
        .uri()
        .path()
        .strip_prefix("/teams/")
        .and_then(|p| p.split('/').next())
        .unwrap_or("")
        .to_string();
    if let Err(wait) =
        host.buckets
            .take(&format!("team:{team}"), host.opts.team_rate, Instant::now())
    {
        let mut r = (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "too many requests to team `{team}`'s paths; try again in {} s\n",
                wait.as_secs().max(1)
            ),
        )
            .into_response();
        r.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(wait.as_secs().max(1)),
        );
        return r;
    }
    next.run(request).await
}

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

/// The language of a page: `?lang=ar` or `en`.
fn lang(q: &BTreeMap<String, String>) -> &'static str {
    match q.get("lang").map(String::as_str) {
        Some("ar") => "ar",
        _ => "en",
    }
}

fn base_context(lang: &str) -> tera::Context {
    let mut c = tera::Context::new();
    c.insert("lang", lang);
    c.insert("dir", if lang == "ar" { "rtl" } else { "ltr" });
    c.insert("other", if lang == "ar" { "en" } else { "ar" });
    c
}

fn render(host: &Host, name: &str, c: &tera::Context, status: StatusCode) -> Response {
    match host.pages.render(name, c) {
        Ok(html) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, page = name, "workshop host: a page could not be drawn");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be drawn",
            )
                .into_response()
        }
    }
}

fn problem(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

use axum::Json;

fn known_team(host: &Host, team: &str) -> bool {
    host.class().teams.iter().any(|t| t.name == team)
}

/// `GET /teams`: every team with its pilot, its two names and its links; the pilots.
async fn overview(State(host): State<Host>, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let lang = lang(&q);
    let mut c = base_context(lang);
    let dir = host
        .directory
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let _ = dir;
    let teams: Vec<Value> = host
        .class()
        .teams
        .iter()
        .map(|t| {
            let sub = super::identity::pilot_subsystem(&t.pilot).unwrap_or_default();
            json!({
                "name": t.name, "pilot": t.pilot, "members": t.members,
                "subsystem": sub,
                "team_subsystem": quickwin_runtime::mediator::suffixed(&sub, &t.name),
                "service": service_id(&host, &t.name).unwrap_or_else(|| t.pilot.clone()),
            })
        })
        .collect();
    let pilots: Vec<&str> = super::teams::pilots().collect();
    c.insert("teams", &teams);
    c.insert("pilots", &pilots);
    render(&host, "teams.html", &c, StatusCode::OK)
}

/// The id of the blueprint a team serves now (its file's).
fn service_id(host: &Host, team: &str) -> Option<String> {
    let text = std::fs::read_to_string(host.work(team).join("service.yaml")).ok()?;
    let checked = quickwin_blueprint::check_bytes("service.yaml", text.as_bytes());
    checked.blueprint.map(|b| b.id.as_str().to_string())
}

async fn team_root(Path(team): Path<String>) -> Redirect {
    Redirect::permanent(&format!("/teams/{team}/"))
}

/// The team's session, or the reason it is refused.
enum Access {
    /// Signed in with a cookie: the form token to use.
    Session(String),
    /// The command line, with the password.
    Bearer,
}

fn team_access(host: &Host, headers: &HeaderMap, team: &str) -> Option<Access> {
    let who = Who::Team(team.to_string());
    if let Some(s) = auth::session_of(host, headers, &who) {
        return Some(Access::Session(auth::csrf(host, s)));
    }
    let password = auth::bearer(headers)?;
    auth::sign_in(host, &who, password)
        .ok()
        .map(|_| Access::Bearer)
}

fn login_page(host: &Host, lang: &str, action: &str, who: &str, error: Option<&str>) -> Response {
    let mut c = base_context(lang);
    c.insert("action", action);
    c.insert("who", who);
    c.insert("error", &error);
    render(host, "login.html", &c, StatusCode::UNAUTHORIZED)
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn with_cookie(mut r: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

fn secure(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes() == b"https")
}

/// A form's fields (the engine's own reading of `application/x-www-form-urlencoded`).
fn form(body: &Bytes) -> BTreeMap<String, String> {
    quickwin_runtime::portal::form_fields(body)
        .into_iter()
        .collect()
}

fn push_error(e: PushError) -> Response {
    let status = match &e {
        PushError::File(_) | PushError::NoExercise(_) => StatusCode::UNPROCESSABLE_ENTITY,
        PushError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        PushError::NoTeam => StatusCode::NOT_FOUND,
        PushError::Locked(_) | PushError::NotWaiting(_) => StatusCode::CONFLICT,
        PushError::Service(_) => StatusCode::UNPROCESSABLE_ENTITY,
        PushError::Store(_) | PushError::Io(_) => {
            tracing::error!(error = %e, "workshop host: a push could not be kept");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    problem(status, e.to_string())
}

/// `HH:MM` of a Unix time, in UTC (the host's clock; the class is in one room).
fn clock(at: i64) -> String {
    let s = at.rem_euclid(86_400);
    format!("{:02}:{:02}", s / 3600, s % 3600 / 60)
}
