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

use super::auth::{self, Who};
use super::diff;
use super::store::{ALL, Cell};
use super::{Host, PushError, kept_accounts, now};
use crate::results::Results;

/// The pages' templates, built into the binary.
pub fn templates() -> tera::Tera {
    let mut t = tera::Tera::default();
    t.add_raw_templates(vec![
        ("base.html", include_str!("../../templates/host/base.html")),
        (
            "macros.html",
            include_str!("../../templates/host/macros.html"),
        ),
        (
            "teams.html",
            include_str!("../../templates/host/teams.html"),
        ),
        (
            "login.html",
            include_str!("../../templates/host/login.html"),
        ),
        (
            "space.html",
            include_str!("../../templates/host/space.html"),
        ),
        ("push.html", include_str!("../../templates/host/push.html")),
        ("file.html", include_str!("../../templates/host/file.html")),
        (
            "trainer.html",
            include_str!("../../templates/host/trainer.html"),
        ),
        (
            "trainer_team.html",
            include_str!("../../templates/host/trainer_team.html"),
        ),
        ("log.html", include_str!("../../templates/host/log.html")),
    ])
    .expect("the host's templates are valid");
    t.autoescape_on(vec![".html"]);
    t
}

const STYLE: &str = include_str!("../../templates/host/host.css");
/// The one script: the trainer's grid and the class's log follow the host in place (a
/// meta refresh would throw away what the trainer types and their place on the page).
const SCRIPT: &str = include_str!("../../templates/host/host.js");

/// The host's routes (the sandbox's are merged after them).
pub fn routes(host: Host) -> Router {
    let teams = Router::new()
        .route("/teams/{team}", get(team_root))
        .route("/teams/{team}/", get(space))
        .route("/teams/{team}/login", post(team_login))
        .route("/teams/{team}/logout", post(team_logout))
        .route("/teams/{team}/push", post(push))
        .route("/teams/{team}/push/{n}/confirm", post(confirm))
        .route("/teams/{team}/pushes/{n}", get(push_page))
        .route("/teams/{team}/check", post(check))
        .route("/teams/{team}/start", post(start))
        .route("/teams/{team}/hint", post(hint))
        .route("/teams/{team}/file", get(file_page))
        .route("/teams/{team}/solution/{exercise}", get(solution))
        .route("/teams/{team}/calls.svg", get(calls_svg))
        .route("/teams/{team}/workflow.svg", get(workflow_svg))
        .route("/teams/{team}/results.json", get(team_results))
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
        .route("/trainer", get(trainer))
        .route("/trainer/login", post(trainer_login))
        .route("/trainer/logout", post(trainer_logout))
        .route("/trainer/teams/{team}", get(trainer_team))
        .route("/trainer/log", get(class_log))
        .route("/trainer/grid.json", get(grid_json))
        .route("/trainer/results.csv", get(results_csv))
        .route("/trainer/results.json", get(results_json))
        .route("/trainer/action", post(action))
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

async fn team_login(
    State(host): State<Host>,
    Path(team): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    let lang = lang(&f);
    if !known_team(&host, &team) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let who = Who::Team(team.clone());
    match auth::sign_in(&host, &who, f.get("password").map_or("", String::as_str)) {
        Ok(()) => with_cookie(
            see_other(&format!("/teams/{team}/?lang={lang}")),
            &auth::set_cookie(&host, &who, secure(&headers)),
        ),
        Err(auth::Refused::Wrong) => login_page(
            &host,
            lang,
            &format!("/teams/{team}/login"),
            &team,
            Some(if lang == "ar" {
                "كلمة المرور غير صحيحة"
            } else {
                "the password is not right"
            }),
        ),
        Err(auth::Refused::Wait(w)) => {
            let mut r = login_page(
                &host,
                lang,
                &format!("/teams/{team}/login"),
                &team,
                Some(if lang == "ar" {
                    "محاولات كثيرة؛ انتظر دقيقة"
                } else {
                    "too many attempts; wait a minute"
                }),
            );
            *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(w.as_secs().max(1)));
            r
        }
    }
}

async fn team_logout(Path(team): Path<String>) -> Response {
    with_cookie(
        see_other(&format!("/teams/{team}/")),
        &auth::clear_cookie(&Who::Team(team)),
    )
}

/// Check a form's token against the team's session; `Err` is the answer.
fn team_form(
    host: &Host,
    headers: &HeaderMap,
    team: &str,
    f: &BTreeMap<String, String>,
) -> Result<bool, Box<Response>> {
    if !known_team(host, team) {
        return Err(Box::new(StatusCode::NOT_FOUND.into_response()));
    }
    match team_access(host, headers, team) {
        Some(Access::Bearer) => Ok(true),
        Some(Access::Session(token)) => {
            if f.get("csrf").is_some_and(|t| t == &token) {
                Ok(false)
            } else {
                Err(Box::new(problem(
                    StatusCode::FORBIDDEN,
                    "the form is out of date or did not come from this page; reload the page and try again",
                )))
            }
        }
        None => Err(Box::new(problem(
            StatusCode::UNAUTHORIZED,
            format!("sign in as team `{team}` first (its password, from the trainer)"),
        ))),
    }
}

/// `GET /teams/{team}/`: the team's space.
async fn space(
    State(host): State<Host>,
    Path(team): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&q);
    if !known_team(&host, &team) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Some(Access::Session(csrf)) = team_access(&host, &headers, &team) else {
        return login_page(&host, lang, &format!("/teams/{team}/login"), &team, None);
    };
    let mut c = base_context(lang);
    c.insert("team", &team);
    c.insert("csrf", &csrf);
    let class = host.class();
    let me = class.team(&team).ok().cloned();
    let sub = me
        .as_ref()
        .and_then(|t| super::identity::pilot_subsystem(&t.pilot))
        .unwrap_or_default();
    c.insert("pilot", &me.as_ref().map(|t| t.pilot.clone()));
    c.insert(
        "members",
        &me.as_ref().map(|t| t.members.clone()).unwrap_or_default(),
    );
    c.insert("subsystem", &sub);
    let team_sub = quickwin_runtime::mediator::suffixed(&sub, &team);
    c.insert("team_subsystem", &team_sub);
    c.insert("service", &service_id(&host, &team));
    // The file in the editor: the one named, or the blueprint.
    let file = q
        .get("file")
        .filter(|f| super::valid_file(f))
        .cloned()
        .unwrap_or_else(|| "service.yaml".into());
    let text = std::fs::read_to_string(host.work(&team).join(&file)).unwrap_or_default();
    c.insert("file", &file);
    c.insert("text", &text);
    let pushes = host.store.pushes(&team, 30).unwrap_or_default();
    let last_broken = pushes
        .iter()
        .find(|p| p.file == file)
        .filter(|p| p.status == "broken" || p.status == "waiting")
        .cloned();
    c.insert("pushes", &pushes.iter().map(|p| json!({"n": p.n, "at": clock(p.at), "file": p.file, "status": p.status, "blueprint": p.blueprint})).collect::<Vec<_>>());
    // Each place the diagnostics name, as a link to that line of the file.
    let places: Vec<Value> = last_broken
        .as_ref()
        .map(|p| {
            let prefix = format!("{}:", p.file);
            let mut seen = BTreeSet::new();
            p.diagnostics
                .lines()
                .filter_map(|l| l.trim_start().strip_prefix("--> "))
                .filter_map(|at| at.strip_prefix(&prefix))
                .filter_map(|at| at.split(':').next()?.parse::<usize>().ok())
                .filter(|n| seen.insert(*n))
                .map(|n| json!({"line": n, "href": format!("/teams/{team}/file?name={}&push={}&line={n}#line-{n}", p.file, p.n)}))
                .collect()
        })
        .unwrap_or_default();
    // A push that is not live is what the team works on: the editor shows it, not the
    // running version, so that nothing typed is lost.
    if let Some(p) = &last_broken {
        c.insert("text", &p.text);
    }
    c.insert("broken", &last_broken);
    c.insert("places", &places);
    let files: BTreeSet<String> = std::fs::read_dir(host.work(&team))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| super::valid_file(n))
                .collect()
        })
        .unwrap_or_default();
    c.insert("files", &files);
    // The day's exercises with their last results.
    let locked = host.store.locked().unwrap_or_default();
    let released = host.store.released().unwrap_or_default();
    let exercises: Vec<Value> = host
        .todays()
        .into_iter()
        .map(|ex| {
            let last = host.store.last(&team, ex.id()).ok().flatten();
            let hints = host.store.hints_shown(&team, ex.id()).unwrap_or(0);
            let shown_hints: Vec<String> = ex
                .exercise
                .hints
                .iter()
                .take(hints as usize)
                .map(|h| h.text().get(lang).to_string())
                .collect();
            let is_released = released.contains(&(team.clone(), ex.id().to_string()))
                || released.contains(&(ALL.to_string(), ex.id().to_string()));
            json!({
                "id": ex.id(),
                "title": ex.exercise.title.get(lang),
                "goal": ex.exercise.goal.get(lang),
                "minutes": ex.exercise.minutes.value,
                "file": ex.file(),
                "locked": locked.contains(ex.id()),
                "released": is_released,
                "hints": shown_hints,
                "more_hints": (hints as usize) < ex.exercise.hints.len(),
                "last": last.as_ref().map(|r| results_view(r, lang, &team)),
            })
        })
        .collect();
    c.insert("exercises", &exercises);
    c.insert("day", &host.day());
    let pushed_hints: Vec<Value> = host
        .store
        .pushed_hints(&team)
        .unwrap_or_default()
        .into_iter()
        .map(|(e, t, at)| json!({"exercise": e, "text": t, "at": clock(at)}))
        .collect();
    c.insert("pushed_hints", &pushed_hints);
    let notes: Vec<Value> = host
        .store
        .notes(5)
        .unwrap_or_default()
        .into_iter()
        .map(|(at, t)| json!({"at": clock(at), "text": t}))
        .collect();
    c.insert("notes", &notes);
    // The team's traffic: its client and the calls to its services.
    let show_checks = q.get("checks").is_some_and(|v| v == "1");
    let rows = host
        .sandbox
        .log
        .recent(quickwin_sandbox::messagelog::Filter {
            party: Some(team_sub.clone()),
            hide_prefix: (!show_checks).then(|| "qwchk-".to_string()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap_or_default();
    c.insert("log", &rows);
    c.insert("show_checks", &show_checks);
    let inbox = host
        .sandbox
        .db
        .call({
            let s = team_sub.clone();
            move |conn| Ok(quickwin_sandbox::agencies::notify::sent_by(conn, &s, 30)?)
        })
        .await
        .unwrap_or_default();
    c.insert("inbox", &inbox);
    // The demo accounts are made when the service opens: open it (a service that cannot
    // run lists none; its diagram says why).
    let slot = host.slot(&format!("teams/{team}"));
    if let Some(s) = &slot {
        let _ = host.live(s).await;
    }
    let accounts: Vec<Value> = slot
        .map(|s| kept_accounts(&s))
        .unwrap_or_default()
        .into_iter()
        .map(|(role, (name, password))| json!({"role": role, "name": name, "password": password}))
        .collect();
    c.insert("accounts", &accounts);
    render(&host, "space.html", &c, StatusCode::OK)
}

/// A run's results as the pages show them: each check, and the first failure's message,
/// hint and evidence with links into the log and the file.
fn results_view(r: &Results, lang: &str, team: &str) -> Value {
    let checks: Vec<Value> = r
        .checks
        .iter()
        .map(|ch| {
            let blueprint_line = ch
                .evidence
                .blueprint
                .as_ref()
                .and_then(|b| b.split(':').nth(1))
                .and_then(|l| l.parse::<u32>().ok());
            json!({
                "id": ch.id,
                "status": ch.status.as_str(),
                "title": ch.title.get(lang).cloned().unwrap_or_default(),
                "message": ch.message.as_ref().and_then(|m| m.get(lang)).cloned(),
                "hint": ch.hint.as_ref().and_then(|m| m.get(lang)).cloned(),
                "evidence": ch.evidence,
                "line": blueprint_line,
                "file_link": blueprint_line.map(|l| format!("/teams/{team}/file?name=service.yaml&line={l}#line-{l}")),
            })
        })
        .collect();
    json!({
        "run": r.run, "status": r.status.as_str(), "passed": r.passed(),
        "total": r.checks.len(), "ms": r.ms, "checks": checks,
        "log_prefix": crate::run::prefix(team, &r.exercise, r.run),
    })
}

/// `HH:MM` of a Unix time, in UTC (the host's clock; the class is in one room).
fn clock(at: i64) -> String {
    let s = at.rem_euclid(86_400);
    format!("{:02}:{:02}", s / 3600, s % 3600 / 60)
}

/// `POST /teams/{team}/push?file=NAME`: a form from the editor (`text`, `file`, `csrf`),
/// or the file's bytes from the command line with the team's password.
async fn push(
    State(host): State<Host>,
    Path(team): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let is_form = headers.get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    let f = if is_form {
        form(&body)
    } else {
        BTreeMap::new()
    };
    let api = match team_form(&host, &headers, &team, &f) {
        Ok(api) => api && !is_form,
        Err(r) => return *r,
    };
    let lang = lang(if is_form { &f } else { &q });
    let file = f
        .get("file")
        .or(q.get("file"))
        .cloned()
        .unwrap_or_else(|| "service.yaml".into());
    let text = if is_form {
        f.get("text")
            .cloned()
            .unwrap_or_default()
            .replace("\r\n", "\n")
    } else {
        match String::from_utf8(body.to_vec()) {
            Ok(t) => t,
            Err(_) => {
                return problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "the file is not UTF-8 text; save it as UTF-8",
                );
            }
        }
    };
    match host.push(&team, &file, &text).await {
        Ok(p) if api => {
            let status = if p.status == "broken" || p.status == "waiting" {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            (status, Json(json!(p))).into_response()
        }
        Ok(_) => see_other(&format!("/teams/{team}/?lang={lang}&file={file}")),
        Err(e) => push_error(e),
    }
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

async fn confirm(
    State(host): State<Host>,
    Path((team, n)): Path<(String, i64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    if let Err(r) = team_form(&host, &headers, &team, &f) {
        return *r;
    }
    match host.confirm(&team, n).await {
        Ok(_) => see_other(&format!("/teams/{team}/?lang={}", lang(&f))),
        Err(e) => push_error(e),
    }
}

/// `GET /teams/{team}/pushes/{n}`: a push against the one before it of the same file.
async fn push_page(
    State(host): State<Host>,
    Path((team, n)): Path<(String, i64)>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&q);
    if !matches!(
        team_access(&host, &headers, &team),
        Some(Access::Session(_))
    ) {
        return login_page(&host, lang, &format!("/teams/{team}/login"), &team, None);
    }
    let Ok(Some(p)) = host.store.push_n(&team, n) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let before = host
        .store
        .pushes(&team, 10_000)
        .unwrap_or_default()
        .into_iter()
        .find(|o| o.n < n && o.file == p.file)
        .map(|o| o.text)
        .unwrap_or_default();
    let lines = diff::lines(&before, &p.text);
    let (added, removed) = diff::counts(&lines);
    let mut c = base_context(lang);
    c.insert("team", &team);
    c.insert("push", &json!({"n": p.n, "at": clock(p.at), "file": p.file, "status": p.status, "diagnostics": p.diagnostics}));
    c.insert("hunks", &diff::hunks(&lines, 3));
    c.insert("added", &added);
    c.insert("removed", &removed);
    render(&host, "push.html", &c, StatusCode::OK)
}

/// `GET /teams/{team}/file?name=&line=`: a file with numbered lines, one marked.
async fn file_page(
    State(host): State<Host>,
    Path(team): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&q);
    if !matches!(
        team_access(&host, &headers, &team),
        Some(Access::Session(_))
    ) {
        return login_page(&host, lang, &format!("/teams/{team}/login"), &team, None);
    }
    let name = q
        .get("name")
        .cloned()
        .unwrap_or_else(|| "service.yaml".into());
    if !super::valid_file(&name) {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("`{name}` is not a file of the team's"),
        );
    }
    let text = match q.get("push").and_then(|n| n.parse::<i64>().ok()) {
        Some(n) => match host.store.push_n(&team, n) {
            Ok(Some(p)) => p.text,
            _ => return StatusCode::NOT_FOUND.into_response(),
        },
        None => std::fs::read_to_string(host.work(&team).join(&name)).unwrap_or_default(),
    };
    let line: usize = q.get("line").and_then(|l| l.parse().ok()).unwrap_or(0);
    let lines: Vec<Value> = text
        .lines()
        .enumerate()
        .map(|(i, l)| json!({"n": i + 1, "text": l, "mark": i + 1 == line}))
        .collect();
    let mut c = base_context(lang);
    c.insert("team", &team);
    c.insert("name", &name);
    c.insert("lines", &lines);
    render(&host, "file.html", &c, StatusCode::OK)
}

/// `POST /teams/{team}/check` (`exercise`): run the checks now.
async fn check(
    State(host): State<Host>,
    Path(team): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    let api = match team_form(&host, &headers, &team, &f) {
        Ok(api) => api,
        Err(r) => return *r,
    };
    let Some(exercise) = f.get("exercise").cloned() else {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "name the exercise: `exercise=ID`",
        );
    };
    match host.check(&team, &exercise).await {
        Ok(results) if api => Json(results).into_response(),
        Ok(_) => see_other(&format!("/teams/{team}/?lang={}#ex-{exercise}", lang(&f))),
        Err(e) => push_error(e),
    }
}

/// A team's form naming an exercise: its fields and the exercise, or the answer.
fn team_exercise<'h>(
    host: &'h Host,
    headers: &HeaderMap,
    team: &str,
    body: &Bytes,
) -> Result<(BTreeMap<String, String>, &'h crate::load::Loaded), Box<Response>> {
    let f = form(body);
    team_form(host, headers, team, &f)?;
    let id = f.get("exercise").cloned().unwrap_or_default();
    match host.exercise(&id) {
        Some(ex) => Ok((f, ex)),
        None => Err(Box::new(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("there is no exercise `{id}`"),
        ))),
    }
}

/// `POST /teams/{team}/start` (`exercise`): note the start; write the starter when the
/// exercise does not keep the team's file from the one before (the old file stays in
/// the push history).
async fn start(
    State(host): State<Host>,
    Path(team): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (f, ex) = match team_exercise(&host, &headers, &team, &body) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let id = ex.id().to_string();
    if host.store.locked().unwrap_or_default().contains(&id) {
        return push_error(PushError::Locked(id));
    }
    let path = host.work(&team).join(ex.file());
    if !ex.keeps_previous() || !path.exists() {
        let starter = match host.curriculum.as_ref().map(|c| c.starter(&id)) {
            Some(Ok(s)) => s,
            Some(Err(e)) => return problem(StatusCode::UNPROCESSABLE_ENTITY, e.message),
            None => return StatusCode::NOT_FOUND.into_response(),
        };
        if let Err(e) = host.push(&team, ex.file(), &starter).await {
            return push_error(e);
        }
    }
    let _ = host.store.start(&team, &id, now());
    let _ = host.store.event(&team, "start", &id, now());
    see_other(&format!(
        "/teams/{team}/?lang={}&file={}#ex-{id}",
        lang(&f),
        ex.file()
    ))
}

/// `POST /teams/{team}/hint` (`exercise`): show one more general hint.
async fn hint(
    State(host): State<Host>,
    Path(team): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (f, ex) = match team_exercise(&host, &headers, &team, &body) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let id = ex.id().to_string();
    let shown = host.store.hints_shown(&team, &id).unwrap_or(0);
    let cells = host.store.cells().unwrap_or_default();
    let cell = cells
        .get(&(team.clone(), id.clone()))
        .cloned()
        .unwrap_or_default();
    let failed = cell.attempts - u32::from(cell.passed_at.is_some());
    let minutes = cell.started.map_or(0, |s| ((now() - s).max(0) / 60) as u32);
    let unlocked = ex
        .exercise
        .hints
        .iter()
        .take_while(|h| {
            h.after.as_ref().is_none_or(|a| {
                a.failed_runs.as_ref().is_some_and(|n| failed >= n.value)
                    || a.minutes.as_ref().is_some_and(|m| minutes >= m.value)
            })
        })
        .count() as u32;
    if shown < unlocked {
        let _ = host.store.show_hints(&team, &id, shown + 1);
        let _ = host
            .store
            .event(&team, "hint", &format!("{id} hint {}", shown + 1), now());
    }
    see_other(&format!("/teams/{team}/?lang={}#ex-{id}", lang(&f)))
}

/// `GET /teams/{team}/solution/{exercise}`: once released or passed.
async fn solution(
    State(host): State<Host>,
    Path((team, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if !matches!(
        team_access(&host, &headers, &team),
        Some(Access::Session(_)) | Some(Access::Bearer)
    ) {
        return problem(
            StatusCode::UNAUTHORIZED,
            format!("sign in as team `{team}` first"),
        );
    }
    let released = host.store.released().unwrap_or_default();
    let passed = host
        .store
        .cells()
        .unwrap_or_default()
        .get(&(team.clone(), id.clone()))
        .is_some_and(|c| c.passed_at.is_some());
    let open = passed
        || released.contains(&(team.clone(), id.clone()))
        || released.contains(&(ALL.to_string(), id.clone()));
    if !open {
        return problem(
            StatusCode::FORBIDDEN,
            "the solution opens once your checks pass, or when the trainer releases it",
        );
    }
    match host.curriculum.as_ref().map(|c| c.solution(&id)) {
        Some(Ok(text)) => {
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn team_results(
    State(host): State<Host>,
    Path(team): Path<String>,
    headers: HeaderMap,
) -> Response {
    if team_access(&host, &headers, &team).is_none() {
        return problem(
            StatusCode::UNAUTHORIZED,
            format!("sign in as team `{team}` first"),
        );
    }
    let runs = host.store.runs(&team, 200).unwrap_or_default();
    Json(json!({"team": team, "runs": runs})).into_response()
}

/// The observed calls of a subsystem, for the diagram.
async fn observed(host: &Host, sub: &str) -> Vec<crate::diagram::Observed> {
    let rows = host
        .sandbox
        .log
        .recent(quickwin_sandbox::messagelog::Filter {
            party: Some(sub.to_string()),
            hide_prefix: Some("qwchk-".into()),
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap_or_default();
    let mut by: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for r in rows {
        let e = by
            .entry((r.entry.client.clone(), r.entry.service.clone()))
            .or_default();
        e.0 += 1;
        if r.entry.status >= 400 || r.entry.status == 0 {
            e.1 += 1;
        }
    }
    by.into_iter()
        .map(
            |((client, service), (calls, failed))| crate::diagram::Observed {
                client,
                service,
                calls,
                failed,
            },
        )
        .collect()
}

fn svg(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The team's open service, for a diagram; `Err` is the answer.
async fn diagram_service(
    host: &Host,
    headers: &HeaderMap,
    team: &str,
) -> Result<std::sync::Arc<quickwin_runtime::service::Service>, Response> {
    if !can_see(host, headers, team) {
        return Err(StatusCode::UNAUTHORIZED.into_response());
    }
    let Some(slot) = host.slot(&format!("teams/{team}")) else {
        return Err(StatusCode::NOT_FOUND.into_response());
    };
    match host.live(&slot).await {
        Ok((service, _)) => Ok(service),
        Err(e) => Err(super::unavailable(&e.to_string())),
    }
}

/// `GET /teams/{team}/calls.svg`: the calls the blueprint declares against those seen.
async fn calls_svg(
    State(host): State<Host>,
    Path(team): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let service = match diagram_service(&host, &headers, &team).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let bp = service.state.blueprint();
    let sub = quickwin_runtime::mediator::subsystem(bp.interop.as_str());
    let seen = observed(&host, &sub).await;
    svg(crate::diagram::calls(&bp, lang(&q), &sub, &seen))
}

/// `GET /teams/{team}/workflow.svg`: the workflow with the states its cases reached.
async fn workflow_svg(
    State(host): State<Host>,
    Path(team): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let service = match diagram_service(&host, &headers, &team).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let bp = service.state.blueprint();
    let reached = {
        let conn = service.state.conn.lock().unwrap_or_else(|e| e.into_inner());
        states_reached(&conn)
    };
    svg(crate::diagram::workflow(&bp, lang(&q), &reached))
}

/// How many cases entered each state, from the case history.
fn states_reached(conn: &rusqlite::Connection) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let Ok(mut s) =
        conn.prepare("SELECT to_state, COUNT(DISTINCT case_id) FROM qw_history GROUP BY to_state")
    else {
        return out;
    };
    if let Ok(rows) = s.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))) {
        for (state, n) in rows.flatten() {
            out.insert(state, n.max(0) as u64);
        }
    }
    out
}

/// The team itself or the trainer.
fn can_see(host: &Host, headers: &HeaderMap, team: &str) -> bool {
    team_access(host, headers, team).is_some()
        || auth::session_of(host, headers, &Who::Trainer).is_some()
}

// ----- the trainer -----

fn trainer_session(host: &Host, headers: &HeaderMap) -> Option<String> {
    if let Some(s) = auth::session_of(host, headers, &Who::Trainer) {
        return Some(auth::csrf(host, s));
    }
    let p = auth::bearer(headers)?;
    auth::sign_in(host, &Who::Trainer, p)
        .ok()
        .map(|_| String::new())
}

async fn trainer_login(State(host): State<Host>, headers: HeaderMap, body: Bytes) -> Response {
    let f = form(&body);
    let lang = lang(&f);
    match auth::sign_in(
        &host,
        &Who::Trainer,
        f.get("password").map_or("", String::as_str),
    ) {
        Ok(()) => with_cookie(
            see_other(&format!("/trainer?lang={lang}")),
            &auth::set_cookie(&host, &Who::Trainer, secure(&headers)),
        ),
        Err(_) => login_page(
            &host,
            lang,
            "/trainer/login",
            "trainer",
            Some(if lang == "ar" {
                "كلمة المرور غير صحيحة"
            } else {
                "the password is not right"
            }),
        ),
    }
}

async fn trainer_logout() -> Response {
    with_cookie(see_other("/trainer"), &auth::clear_cookie(&Who::Trainer))
}

/// The state of one cell of the grid.
fn cell_state(
    host: &Host,
    cell: Option<&Cell>,
    minutes: u32,
    released: bool,
    broken: bool,
) -> (&'static str, Value) {
    let _ = host;
    let Some(c) = cell else {
        return (
            if released {
                "released"
            } else if broken {
                "broken"
            } else {
                "idle"
            },
            json!({}),
        );
    };
    let spent = c.started.map_or(0, |s| ((now() - s).max(0) / 60) as u32);
    let state = if let Some(at) = c.passed_at {
        let took = c.started.map_or(0, |s| ((at - s).max(0) / 60) as u32);
        return ("passed", json!({"minutes": took, "attempts": c.attempts}));
    } else if broken {
        "broken"
    } else if released {
        "released"
    } else if c.failing_streak >= 3 || (c.started.is_some() && spent > minutes) {
        "stuck"
    } else {
        "working"
    };
    (
        state,
        json!({"minutes": spent, "attempts": c.attempts, "failing": c.failing, "streak": c.failing_streak, "hints": c.hints}),
    )
}

/// The day a grid shows: `?day=N`, `?day=all` (the whole curriculum, `None`), else the
/// day the class is on.
fn shown_day(host: &Host, q: &BTreeMap<String, String>) -> Option<u32> {
    match q.get("day").map(String::as_str) {
        Some("all") => None,
        Some(d) => Some(d.parse().unwrap_or_else(|_| host.day())),
        None => Some(host.day()),
    }
}

/// The grid: teams × the exercises of `day` (of every day with `None`), and per column
/// the counts.
fn grid(host: &Host, lang: &str, day: Option<u32>) -> Value {
    let cells = host.store.cells().unwrap_or_default();
    let released = host.store.released().unwrap_or_default();
    let locked = host.store.locked().unwrap_or_default();
    let exercises = host.exercises_of(day);
    let class = host.class();
    let broken: BTreeSet<String> = class
        .teams
        .iter()
        .filter(|t| {
            host.store
                .pushes(&t.name, 1)
                .ok()
                .and_then(|p| p.into_iter().next())
                .is_some_and(|p| p.status == "broken" && p.file == "service.yaml")
        })
        .map(|t| t.name.clone())
        .collect();
    let rows: Vec<Value> = class
        .teams
        .iter()
        .map(|t| {
            let cols: Vec<Value> = exercises
                .iter()
                .map(|ex| {
                    let key = (t.name.clone(), ex.id().to_string());
                    let rel = released.contains(&key) || released.contains(&(ALL.into(), ex.id().into()));
                    let (state, detail) = cell_state(
                        host,
                        cells.get(&key),
                        ex.exercise.minutes.value,
                        rel,
                        broken.contains(&t.name),
                    );
                    json!({"exercise": ex.id(), "state": state, "detail": detail})
                })
                .collect();
            json!({"team": t.name, "pilot": t.pilot, "cells": cols, "broken": broken.contains(&t.name)})
        })
        .collect();
    let columns: Vec<Value> = exercises
        .iter()
        .map(|ex| {
            let mut times: Vec<i64> = Vec::new();
            let mut failed: BTreeMap<String, u32> = BTreeMap::new();
            let mut passed = 0;
            for t in &class.teams {
                if let Some(c) = cells.get(&(t.name.clone(), ex.id().to_string())) {
                    if let Some(at) = c.passed_at {
                        passed += 1;
                        times.push((at - c.started.unwrap_or(at)).max(0) / 60);
                    }
                    for (check, n) in &c.failed_checks {
                        *failed.entry(check.clone()).or_default() += n;
                    }
                }
            }
            times.sort_unstable();
            let median = (!times.is_empty()).then(|| times[times.len() / 2]);
            let most = failed
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(c, n)| json!({"check": c, "runs": n}));
            json!({
                "id": ex.id(), "title": ex.exercise.title.get(lang),
                "minutes": ex.exercise.minutes.value, "passed": passed,
                "median": median, "most_failed": most, "locked": locked.contains(ex.id()),
            })
        })
        .collect();
    json!({"day": host.day(), "columns": columns, "rows": rows})
}

/// `GET /trainer`: the grid, the actions, the notes; the grid follows the class every 5 s.
async fn trainer(
    State(host): State<Host>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&q);
    let Some(csrf) = auth::session_of(&host, &headers, &Who::Trainer).map(|s| auth::csrf(&host, s))
    else {
        return login_page(&host, lang, "/trainer/login", "trainer", None);
    };
    let mut c = base_context(lang);
    c.insert("csrf", &csrf);
    c.insert("grid", &grid(&host, lang, shown_day(&host, &q)));
    let days: Vec<Value> = host
        .curriculum
        .as_ref()
        .map(|cur| {
            cur.days
                .iter()
                .map(|d| json!({"day": d.day.value, "title": d.title.get(lang)}))
                .collect()
        })
        .unwrap_or_default();
    c.insert("days", &days);
    let exercises: Vec<Value> = host
        .curriculum
        .as_ref()
        .map(|cur| {
            cur.exercises
                .iter()
                .map(|e| json!({"id": e.id(), "day": e.exercise.day.value}))
                .collect()
        })
        .unwrap_or_default();
    c.insert("all_exercises", &exercises);
    c.insert(
        "teams",
        &host
            .class()
            .teams
            .iter()
            .map(|t| t.name.clone())
            .collect::<Vec<_>>(),
    );
    c.insert(
        "notes",
        &host
            .store
            .notes(5)
            .unwrap_or_default()
            .into_iter()
            .map(|(at, t)| json!({"at": clock(at), "text": t}))
            .collect::<Vec<_>>(),
    );
    let faults: Vec<Value> = host
        .sandbox
        .faults
        .list()
        .into_iter()
        .map(|(s, f)| json!({"subsystem": s, "fault": f.to_string()}))
        .collect();
    c.insert("faults", &faults);
    let agencies = quickwin_sandbox::faults::subsystems();
    c.insert("agencies", &agencies);
    c.insert("open", &host.open_count());
    c.insert("message", &q.get("done"));
    render(&host, "trainer.html", &c, StatusCode::OK)
}

async fn grid_json(
    State(host): State<Host>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if trainer_session(&host, &headers).is_none() {
        return problem(StatusCode::UNAUTHORIZED, "sign in as the trainer first");
    }
    Json(grid(&host, lang(&q), shown_day(&host, &q))).into_response()
}

/// `GET /trainer/teams/{team}`: the blueprint against the starter and the solution, the
/// timeline, the results, the team's log.
async fn trainer_team(
    State(host): State<Host>,
    Path(team): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&q);
    let Some(csrf) = auth::session_of(&host, &headers, &Who::Trainer).map(|s| auth::csrf(&host, s))
    else {
        return login_page(&host, lang, "/trainer/login", "trainer", None);
    };
    let Ok(me) = host.class().team(&team).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut c = base_context(lang);
    c.insert("csrf", &csrf);
    c.insert("team", &team);
    c.insert("pilot", &me.pilot);
    c.insert("members", &me.members);
    let current =
        std::fs::read_to_string(host.work(&team).join("service.yaml")).unwrap_or_default();
    // Against the starter and the solution of the exercise the team works on.
    let runs = host.store.runs(&team, 100).unwrap_or_default();
    let exercise = q
        .get("exercise")
        .cloned()
        .or_else(|| runs.first().map(|r| r.exercise.clone()))
        .or_else(|| host.todays().first().map(|e| e.id().to_string()));
    let mut compare = Vec::new();
    if let (Some(id), Some(cur)) = (&exercise, &host.curriculum) {
        if let Some(ex) = cur.exercise(id) {
            if ex.file() == "service.yaml" {
                for (name, text) in [("starter", cur.starter(id)), ("solution", cur.solution(id))] {
                    if let Ok(text) = text {
                        let lines = diff::lines(&text, &current);
                        let (added, removed) = diff::counts(&lines);
                        compare.push(json!({"name": name, "added": added, "removed": removed, "hunks": diff::hunks(&lines, 2)}));
                    }
                }
            }
        }
    }
    c.insert("exercise", &exercise);
    c.insert("compare", &compare);
    c.insert("runs", &runs.iter().map(|r| json!({"exercise": r.exercise, "run": r.run, "at": clock(r.at), "status": r.status, "ms": r.ms, "failing": r.failing})).collect::<Vec<_>>());
    c.insert(
        "events",
        &host
            .store
            .events(&team, 100)
            .unwrap_or_default()
            .into_iter()
            .map(|(at, k, d)| json!({"at": clock(at), "kind": k, "detail": d}))
            .collect::<Vec<_>>(),
    );
    let sub = super::identity::pilot_subsystem(&me.pilot).unwrap_or_default();
    let team_sub = quickwin_runtime::mediator::suffixed(&sub, &team);
    c.insert("team_subsystem", &team_sub);
    let rows = host
        .sandbox
        .log
        .recent(quickwin_sandbox::messagelog::Filter {
            party: Some(team_sub),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap_or_default();
    c.insert("log", &rows);
    let all_exercises: Vec<String> = host
        .curriculum
        .as_ref()
        .map(|cur| cur.exercises.iter().map(|e| e.id().to_string()).collect())
        .unwrap_or_default();
    c.insert("all_exercises", &all_exercises);
    render(&host, "trainer_team.html", &c, StatusCode::OK)
}

/// `GET /trainer/log?team=&service=&checks=1`: the class's message log, each row
/// coloured by its team.
async fn class_log(
    State(host): State<Host>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&q);
    if auth::session_of(&host, &headers, &Who::Trainer).is_none() {
        return login_page(&host, lang, "/trainer/login", "trainer", None);
    }
    let class = host.class();
    let subs: Vec<(String, String)> = class
        .teams
        .iter()
        .filter_map(|t| {
            super::identity::pilot_subsystem(&t.pilot).map(|s| {
                (
                    t.name.clone(),
                    quickwin_runtime::mediator::suffixed(&s, &t.name),
                )
            })
        })
        .collect();
    let team = q.get("team").filter(|t| !t.is_empty()).cloned();
    let party = team
        .as_ref()
        .and_then(|t| subs.iter().find(|(n, _)| n == t).map(|(_, s)| s.clone()));
    let show_checks = q.get("checks").is_some_and(|v| v == "1");
    let rows = host
        .sandbox
        .log
        .recent(quickwin_sandbox::messagelog::Filter {
            party,
            service: q.get("service").filter(|s| !s.is_empty()).cloned(),
            hide_prefix: (!show_checks).then(|| "qwchk-".into()),
            limit: 200,
            ..Default::default()
        })
        .await
        .unwrap_or_default();
    let coloured: Vec<Value> = rows
        .iter()
        .map(|r| {
            let of = |id: &str| {
                subs.iter().position(|(_, s)| {
                    id == s
                        || id.starts_with(&format!("{s}/"))
                        || id.starts_with(&format!("{s}-check"))
                })
            };
            let by = of(&r.entry.client).or_else(|| of(&r.entry.service));
            json!({
                "row": r,
                "team": by.map(|i| subs[i].0.clone()),
                "colour": by.map(|i| i % 8),
            })
        })
        .collect();
    let mut c = base_context(lang);
    c.insert("rows", &coloured);
    c.insert(
        "teams",
        &subs.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
    );
    c.insert("team", &team);
    c.insert("service", &q.get("service").cloned().unwrap_or_default());
    c.insert("show_checks", &show_checks);
    render(&host, "log.html", &c, StatusCode::OK)
}

fn export_rows(host: &Host) -> Vec<Value> {
    let cells = host.store.cells().unwrap_or_default();
    let class = host.class();
    let mut out = Vec::new();
    for t in &class.teams {
        for ex in host.curriculum.iter().flat_map(|c| &c.exercises) {
            let Some(cell) = cells.get(&(t.name.clone(), ex.id().to_string())) else {
                continue;
            };
            out.push(json!({
                "team": t.name, "exercise": ex.id(), "attempts": cell.attempts,
                "passed": cell.passed_at.is_some(),
                "minutes_to_pass": cell.passed_at.map(|at| (at - cell.started.unwrap_or(at)).max(0) / 60),
                "failing": cell.failing, "hints": cell.hints,
            }));
        }
    }
    out
}

/// `GET /trainer/results.csv`: a row per team and exercise.
async fn results_csv(State(host): State<Host>, headers: HeaderMap) -> Response {
    if trainer_session(&host, &headers).is_none() {
        return problem(StatusCode::UNAUTHORIZED, "sign in as the trainer first");
    }
    let mut out =
        String::from("team,exercise,attempts,passed,minutes_to_pass,failing_check,hints\n");
    let cell = |v: &Value| -> String {
        let s = match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        // A cell a spreadsheet would read as a formula is quoted as text.
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s
        };
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    };
    for r in export_rows(&host) {
        let fields = [
            "team",
            "exercise",
            "attempts",
            "passed",
            "minutes_to_pass",
            "failing",
            "hints",
        ];
        let line: Vec<String> = fields.iter().map(|f| cell(&r[*f])).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"results.csv\"",
            ),
        ],
        out,
    )
        .into_response()
}

async fn results_json(State(host): State<Host>, headers: HeaderMap) -> Response {
    if trainer_session(&host, &headers).is_none() {
        return problem(StatusCode::UNAUTHORIZED, "sign in as the trainer first");
    }
    Json(json!({"results": export_rows(&host)})).into_response()
}

/// `POST /trainer/action`: `do=` one of `day`, `hint`, `release`, `reset`, `lock`,
/// `unlock`, `note`, `fault`; with the form's token (or the trainer's password as a
/// bearer token, for the command line).
async fn action(State(host): State<Host>, headers: HeaderMap, body: Bytes) -> Response {
    let f = form(&body);
    let Some(token) = trainer_session(&host, &headers) else {
        return problem(StatusCode::UNAUTHORIZED, "sign in as the trainer first");
    };
    let api = token.is_empty();
    if !api && f.get("csrf") != Some(&token) {
        return problem(
            StatusCode::FORBIDDEN,
            "the form is out of date or did not come from this page; reload the page and try again",
        );
    }
    let get = |k: &str| {
        f.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let what = get("do").unwrap_or_default();
    let mut missing = Vec::new();
    let mut need = |k: &str| {
        let v = get(k);
        if v.is_none() {
            missing.push(format!("`{k}`"));
        }
        v.unwrap_or_default()
    };
    let at = now();
    let done: Result<String, Response> = match what.as_str() {
        "day" => {
            let day = need("day");
            match day.parse::<u32>() {
                Ok(d) if missing.is_empty() => host
                    .store
                    .set("day", &d.to_string())
                    .map(|_| format!("day {d}"))
                    .map_err(|e| push_error(e.into())),
                _ => Err(problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "`day` must be a day's number",
                )),
            }
        }
        "hint" => {
            let (team, ex, text) = (need("team"), need("exercise"), need("text"));
            if !missing.is_empty() {
                Err(problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("missing {}", missing.join(", ")),
                ))
            } else {
                host.store
                    .push_hint(&team, &ex, &text, at)
                    .map(|_| format!("hint sent to {team}"))
                    .map_err(|e| push_error(e.into()))
            }
        }
        "release" => {
            let (team, ex) = (need("team"), need("exercise"));
            if !missing.is_empty() {
                Err(problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("missing {}", missing.join(", ")),
                ))
            } else if host.exercise(&ex).is_none() {
                Err(problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("there is no exercise `{ex}`"),
                ))
            } else {
                host.store
                    .release(&team, &ex, at)
                    .map(|_| format!("solution of {ex} released to {team}"))
                    .map_err(|e| push_error(e.into()))
            }
        }
        "reset" => {
            let (team, ex) = (need("team"), need("exercise"));
            if !missing.is_empty() {
                Err(problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("missing {}", missing.join(", ")),
                ))
            } else {
                host.reset(&team, &ex)
                    .await
                    .map(|_| format!("{team} reset to {ex}"))
                    .map_err(push_error)
            }
        }
        "lock" | "unlock" => {
            let ex = need("exercise");
            if !missing.is_empty() {
                Err(problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "missing `exercise`",
                ))
            } else {
                host.store
                    .lock(&ex, what == "lock", at)
                    .map(|_| format!("{ex} {what}ed"))
                    .map_err(|e| push_error(e.into()))
            }
        }
        "note" => {
            let text = need("text");
            if !missing.is_empty() {
                Err(problem(StatusCode::UNPROCESSABLE_ENTITY, "missing `text`"))
            } else {
                host.store
                    .note(&text, at)
                    .map(|_| "note sent".to_string())
                    .map_err(|e| push_error(e.into()))
            }
        }
        "fault" => {
            let (sub, fault) = (
                need("subsystem"),
                get("fault").unwrap_or_else(|| "none".into()),
            );
            if !missing.is_empty() {
                Err(problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "missing `subsystem`",
                ))
            } else {
                match quickwin_sandbox::admin::set_fault(&host.sandbox, &sub, &fault).await {
                    Ok(now) => Ok(format!("{sub}: {now}")),
                    Err(e) => Err(problem(
                        e.status,
                        if e.detail.is_empty() {
                            e.message
                        } else {
                            e.detail
                        },
                    )),
                }
            }
        }
        other => Err(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "`do` must be one of `day`, `hint`, `release`, `reset`, `lock`, `unlock`, `note`, `fault`, not `{other}`"
            ),
        )),
    };
    match done {
        Ok(message) if api => Json(json!({"done": message})).into_response(),
        Ok(message) => {
            tracing::info!(action = %what, "workshop host: trainer action");
            let back = get("back")
                .filter(|b| b.starts_with("/trainer"))
                .unwrap_or_else(|| "/trainer".into());
            let sep = if back.contains('?') { '&' } else { '?' };
            see_other(&format!(
                "{back}{sep}lang={}&done={}",
                lang(&f),
                percent(&message)
            ))
        }
        Err(r) => r,
    }
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
