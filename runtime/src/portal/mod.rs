//! The citizen pages every service gets from its blueprint: the start page, the form
//! page by page (branching, exit pages, the check-your-answers page), the confirmation
//! with the tracking number and access code, and the status page. Plain HTML forms that
//! work without JavaScript, in each of the blueprint's languages (Arabic right to left),
//! with CSRF protection on every form and every value escaped by the templates.

mod form;
mod office;
pub(crate) mod text;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value as Json, json};
use sha2::{Digest, Sha256};

use self::form::Next;
use super::api::{self, ApiState};
use super::cases;
use quickwin_blueprint::clock::Now;
use quickwin_blueprint::model::Blueprint;

/// The pages' templates, embedded in the binary.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../templates/portal/base.html"),
    ),
    (
        "macros.html",
        include_str!("../../templates/portal/macros.html"),
    ),
    (
        "start.html",
        include_str!("../../templates/portal/start.html"),
    ),
    (
        "page.html",
        include_str!("../../templates/portal/page.html"),
    ),
    (
        "exit.html",
        include_str!("../../templates/portal/exit.html"),
    ),
    (
        "check.html",
        include_str!("../../templates/portal/check.html"),
    ),
    (
        "confirmation.html",
        include_str!("../../templates/portal/confirmation.html"),
    ),
    (
        "track.html",
        include_str!("../../templates/portal/track.html"),
    ),
    (
        "status.html",
        include_str!("../../templates/portal/status.html"),
    ),
    (
        "message.html",
        include_str!("../../templates/portal/message.html"),
    ),
    (
        "certificate.html",
        include_str!("../../templates/portal/certificate.html"),
    ),
    (
        "verify.html",
        include_str!("../../templates/portal/verify.html"),
    ),
    (
        "office_signin.html",
        include_str!("../../templates/portal/office_signin.html"),
    ),
    (
        "office_cases.html",
        include_str!("../../templates/portal/office_cases.html"),
    ),
    (
        "office_case.html",
        include_str!("../../templates/portal/office_case.html"),
    ),
];

/// The pages' style sheet.
const STYLE: &str = include_str!("../../templates/portal/portal.css");

/// How long an unfinished application is kept: a day.
const DRAFT_SECONDS: i64 = 86_400;

/// The pages' templates: the embedded ones, each replaced by a file of the same name in
/// `dir` when there is one (a team's own version of a page). An override that does not
/// parse is an error naming the file.
pub fn templates_from(dir: Option<&std::path::Path>) -> Result<tera::Tera, String> {
    let mut own: Vec<(String, String)> = Vec::new();
    if let Some(dir) = dir.filter(|d| d.is_dir()) {
        for (name, _) in TEMPLATES
            .iter()
            .chain(std::iter::once(&("portal.css", STYLE)))
        {
            let path = dir.join(name);
            if path.is_file() {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("`{}`: {e}", path.display()))?;
                own.push((name.to_string(), text));
            }
        }
    }
    let mut tera = tera::Tera::default();
    let mut all: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    all.push(("portal.css".into(), STYLE.into()));
    for (name, text) in own {
        if let Some(slot) = all.iter_mut().find(|(n, _)| *n == name) {
            slot.1 = text;
        }
    }
    tera.add_raw_templates(all.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| {
            let mut why = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                why.push_str(&format!(": {s}"));
                source = s.source();
            }
            format!("the page templates: {why}")
        })?;
    tera.autoescape_on(vec![".html"]);
    tera.register_filter("local", local_digits);
    tera.register_filter("counted", counted);
    Ok(tera)
}

/// The `counted` filter: a count with the words that go with it, in the form the
/// language's plural rules ask for and in its digits:
/// `{{ 5 | counted(text="days", lang="ar") }}` → `٥ أيام عمل على الأكثر`.
fn counted(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let n = value
        .as_u64()
        .ok_or_else(|| tera::Error::msg(format!("`counted` counts whole numbers, not {value}")))?;
    let key = args.get("text").and_then(tera::Value::as_str).unwrap_or("");
    let counted = text::counted(key)
        .ok_or_else(|| tera::Error::msg(format!("`counted`: no counted text `{key}`")))?;
    let lang = args.get("lang").and_then(tera::Value::as_str).unwrap_or("");
    Ok(tera::Value::String(counted.local(lang, n)))
}

/// The `local` filter: a date, time or amount written with the language's digits
/// (`2026-11-27` → `٢٠٢٦-١١-٢٧` in Arabic). Numbers people type back (tracking numbers,
/// codes) are left as they are by not using it.
fn local_digits(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = match value {
        tera::Value::String(s) => s.clone(),
        tera::Value::Null => String::new(),
        other => other.to_string(),
    };
    let lang = args.get("lang").and_then(tera::Value::as_str).unwrap_or("");
    Ok(tera::Value::String(
        quickwin_blueprint::plural::local_digits(&text, lang),
    ))
}

/// The embedded templates and their names, for `quickwin templates eject`.
pub fn embedded() -> Vec<(&'static str, &'static str)> {
    let mut all = TEMPLATES.to_vec();
    all.push(("portal.css", STYLE));
    all
}

/// The embedded templates, compiled once.
pub fn templates() -> &'static tera::Tera {
    static TERA: OnceLock<tera::Tera> = OnceLock::new();
    TERA.get_or_init(|| {
        templates_from(None).expect("the embedded templates parse (a test renders every one)")
    })
}

/// The citizen pages' routes.
pub fn routes() -> Router<ApiState> {
    Router::new()
        .route("/", get(start))
        .route("/portal.css", get(style))
        .route("/apply", get(begin))
        .route("/apply/check", get(check).post(send))
        .route("/apply/exit/{exit}", get(exit))
        .route("/apply/{page}", get(show_page).post(save_page))
        .route("/track", get(find).post(lookup))
        .route("/track/pay", post(pay))
        .route("/track/act", post(applicant_act))
        .route("/track/correct", post(correct))
        .route("/track/document", post(certificate))
        .route("/verify", get(verify))
        .merge(office::routes())
}

async fn style(State(state): State<ApiState>) -> Response {
    let css = state
        .pages()
        .render("portal.css", &tera::Context::new())
        .unwrap_or_else(|_| STYLE.to_string());
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        css,
    )
        .into_response()
}

/// The cookies of a request, by name.
fn cookies(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A page being answered: its language, its CSRF token, and the cookies to set.
struct Visit {
    lang: String,
    csrf: String,
    set: Vec<String>,
    tera: std::sync::Arc<tera::Tera>,
}

fn cookie(name: &str, value: &str, same_site: &str, max_age: i64) -> String {
    format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age}")
}

impl Visit {
    /// The language (`?lang=` remembered in a cookie, else the cookie, else
    /// `Accept-Language`, else the blueprint's first) and the CSRF token.
    fn new(
        state: &ApiState,
        bp: &Blueprint,
        headers: &HeaderMap,
        query: &BTreeMap<String, String>,
    ) -> Visit {
        let jar = cookies(headers);
        let known = |l: &str| bp.languages.iter().any(|x| x.as_str() == l);
        let mut set = Vec::new();
        let lang = if let Some(l) = query.get("lang").filter(|l| known(l)) {
            set.push(cookie("qw_lang", l, "Lax", 31_536_000));
            l.clone()
        } else if let Some(l) = jar.get("qw_lang").filter(|l| known(l)) {
            l.clone()
        } else {
            api::language(bp, headers)
        };
        let csrf = match jar.get("qw_csrf").filter(|t| t.len() == 32) {
            Some(t) => t.clone(),
            None => {
                let t = cases::random_token(32);
                set.push(cookie("qw_csrf", &t, "Strict", 86_400));
                t
            }
        };
        Visit {
            lang,
            csrf,
            set,
            tera: state.pages(),
        }
    }

    /// Whether a posted form carries this visit's CSRF token.
    fn allows(&self, pairs: &[(String, String)]) -> bool {
        let given = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map_or("", |(_, v)| v.as_str());
        given.len() == 32 && given == self.csrf
    }

    /// The template context every page has.
    fn context(&self, bp: &Blueprint, path: &str) -> tera::Context {
        let mut c = tera::Context::new();
        c.insert("lang", &self.lang);
        c.insert("dir", if self.lang == "ar" { "rtl" } else { "ltr" });
        c.insert("t", &text::texts(&self.lang));
        c.insert("csrf", &self.csrf);
        c.insert("service", bp.title.get(&self.lang));
        c.insert("agency", bp.agency.name.get(&self.lang));
        c.insert("path", path);
        let others: Vec<Json> = bp
            .languages
            .iter()
            .filter(|l| l.as_str() != self.lang)
            .map(|l| json!({"code": l.as_str(), "name": if l.as_str() == "ar" { "العربية" } else if l.as_str() == "en" { "English" } else { l.as_str() }}))
            .collect();
        c.insert("languages", &others);
        c
    }

    /// A rendered page with the visit's cookies.
    fn page(self, status: StatusCode, name: &str, c: &tera::Context) -> Response {
        let body = match self.tera.render(name, c) {
            Ok(html) => html,
            Err(e) => {
                tracing::error!(page = name, error = ?e, "service page: the template failed");
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the page could not be made",
                )
                    .into_response();
            }
        };
        self.with_cookies((status, Html(body)).into_response())
    }

    fn with_cookies(self, mut response: Response) -> Response {
        for c in self.set {
            if let Ok(v) = HeaderValue::from_str(&c) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
        }
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
        );
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }

    fn redirect(self, to: &str) -> Response {
        self.with_cookies(Redirect::to(to).into_response())
    }
}

async fn start(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &headers, &q);
    let mut c = v.context(&bp, "/");
    let lang = v.lang.clone();
    c.insert("summary", bp.summary.get(&lang));
    c.insert(
        "eligibility",
        &bp.eligibility.as_ref().map(|e| e.get(&lang)),
    );
    let needs: Vec<&str> = bp.you_need.iter().map(|n| n.get(&lang)).collect();
    c.insert("you_need", &needs);
    let fees: Vec<Json> = bp.fees.iter().map(|f| fee_terms(&bp, f, &lang)).collect();
    c.insert("fees", &fees);
    // `d` counts calendar days; a part of a day counts as a whole one.
    c.insert("sla_days", &bp.sla.value.minutes.div_ceil(1440));
    v.page(StatusCode::OK, "start.html", &c)
}

/// What a fee costs, as the start page tells it before any answer is given: its amount
/// when fixed, its tariff band by band, or that it is calculated from the answers.
fn fee_terms(bp: &Blueprint, f: &quickwin_blueprint::model::Fee, lang: &str) -> Json {
    let t = text::texts(lang);
    let currency = quickwin_blueprint::effects::currency(f);
    let mut terms = Vec::new();
    if let Some(tariff) = &f.tariff {
        let quantity = tariff.quantity.value.trim();
        let named = bp
            .case_record()
            .and_then(|r| r.fields.iter().find(|x| x.id.as_str() == quantity))
            .map(|x| x.label.get(lang).to_string())
            .or_else(|| {
                bp.computed
                    .iter()
                    .find(|c| c.id.as_str() == quantity)
                    .and_then(|c| c.label.as_ref())
                    .map(|l| l.get(lang).to_string())
            })
            .unwrap_or_else(|| quantity.to_string());
        if let Some(fixed) = tariff.fixed.as_ref().filter(|x| x.value != 0.0) {
            terms.push(format!(
                "{} {} {currency}",
                t["fee_fixed"],
                money(fixed.value, lang)
            ));
        }
        for b in &tariff.bands {
            let range = match &b.to {
                Some(to) => format!(
                    "{} {} {} {}",
                    t["fee_from"],
                    money(b.from.value, lang),
                    t["fee_to"],
                    money(to.value, lang)
                ),
                None => format!("{} {}", t["fee_above"], money(b.from.value, lang)),
            };
            terms.push(format!(
                "{} {currency} {} “{named}”{} {range}",
                money(b.price.value, lang),
                t["fee_each"],
                if lang == "ar" { "،" } else { "," }
            ));
        }
    }
    json!({
        "label": f.label.get(lang),
        "amount": f.amount.as_ref().map(|a| money(a.value, lang)),
        "currency": currency,
        "tariff": terms,
        "computed": f.expr.is_some(),
    })
}

/// The fees an application with `answers` would be charged, for the check-your-answers
/// page: the amount where the answers give it, else the fee's terms.
fn fees_for(
    state: &ApiState,
    bp: &Blueprint,
    answers: &Map<String, Json>,
    lang: &str,
) -> Vec<Json> {
    let hooks = state.hooks();
    let today = Now::read().today;
    let row = quickwin_blueprint::answers::partial_row(bp, answers, today);
    bp.fees
        .iter()
        .map(|f| {
            let hooked =
                super::hooks::fee(hooks.as_deref(), bp.id.as_str(), f.id.as_str(), answers)
                    .ok()
                    .flatten();
            let amount = hooked.or_else(|| {
                // An amount from answers not given yet (a reading another agency
                // supplies) is not known here.
                let needed = f.tariff.as_ref().map(|t| &t.quantity).or(f.expr.as_ref());
                let known = needed.is_none_or(|e| {
                    quickwin_blueprint::expr::parse(&e.value)
                        .map(|x| {
                            x.names().iter().all(|(n, _, _)| {
                                row.get(*n)
                                    .is_some_and(|v| *v != quickwin_blueprint::expr::Value::Null)
                            })
                        })
                        .unwrap_or(false)
                });
                known
                    .then(|| quickwin_blueprint::effects::fee_amount(f, &row, today).ok())
                    .flatten()
            });
            let mut terms = fee_terms(bp, f, lang);
            if let Some(a) = amount {
                terms["amount"] = json!(money(a as f64, lang));
            }
            terms
        })
        .collect()
}

/// An amount as the language writes it: `5,000` or `٥٬٠٠٠`.
fn money(amount: f64, lang: &str) -> String {
    let whole = amount.round() as i64;
    let digits = whole.abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(if lang == "ar" { '٬' } else { ',' });
        }
        out.push(ch);
    }
    if whole < 0 {
        out.insert(0, '-');
    }
    quickwin_blueprint::plural::local_digits(&out, lang)
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The unfinished application of this browser, if any.
async fn draft(state: &ApiState, headers: &HeaderMap) -> Option<(String, Map<String, Json>)> {
    let token = cookies(headers).get("qw_draft")?.clone();
    let key = hash(&token);
    api::with_read(state, move |conn, _| {
        let now = Now::read().secs;
        let found: Option<String> = conn
            .prepare_cached(
                "SELECT answers FROM qw_drafts WHERE token_hash = ?1 AND updated_at > ?2",
            )?
            .query_row(params![key, now - DRAFT_SECONDS], |r| r.get(0))
            .optional()?;
        Ok(found.and_then(|t| serde_json::from_str::<Json>(&t).ok()))
    })
    .await
    .ok()
    .flatten()
    .and_then(|j| j.as_object().cloned())
    .map(|m| (token, m))
}

async fn save_draft(state: &ApiState, token: &str, answers: &Map<String, Json>) -> bool {
    let (key, text) = (hash(token), Json::Object(answers.clone()).to_string());
    api::with_store(state, move |conn, _| {
        let now = Now::read().secs;
        conn.execute(
            "INSERT INTO qw_drafts (token_hash, answers, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(token_hash) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at",
            params![key, text, now],
        )?;
        Ok(())
    })
    .await
    .is_ok()
}

/// A file's type from its name, for browsers that do not say.
fn guess_type(name: &str) -> &'static str {
    let lower = name.to_lowercase();
    if lower.ends_with(".pdf") {
        "application/pdf"
    } else if lower.ends_with(".png") {
        "image/png"
    } else if lower.ends_with(".jpg") || lower.ends_with(".jpeg") {
        "image/jpeg"
    } else {
        "application/octet-stream"
    }
}

fn page_path(next: &Next) -> String {
    match next {
        Next::Page(id) => format!("/apply/{id}"),
        Next::Exit(id) => format!("/apply/exit/{id}"),
        Next::Check => "/apply/check".to_string(),
    }
}

async fn begin(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let mut v = Visit::new(&state, &bp, &headers, &q);
    let token = cases::random_token(32);
    let key = hash(&token);
    let created = api::with_store(&state, move |conn, _| {
        let now = Now::read().secs;
        conn.execute(
            "DELETE FROM qw_drafts WHERE updated_at <= ?1",
            [now - DRAFT_SECONDS],
        )?;
        conn.execute(
            "INSERT INTO qw_drafts (token_hash, answers, updated_at) VALUES (?1, '{}', ?2)",
            params![key, now],
        )?;
        Ok(())
    })
    .await;
    if created.is_err() {
        return message(v, &bp, StatusCode::SERVICE_UNAVAILABLE, "refused");
    }
    v.set.push(cookie("qw_draft", &token, "Lax", DRAFT_SECONDS));
    let today = Now::read().today;
    let to = page_path(&form::first(
        &bp,
        &quickwin_blueprint::expr::Row::new(),
        today,
    ));
    v.redirect(&to)
}

fn message(v: Visit, bp: &Blueprint, status: StatusCode, key: &str) -> Response {
    let mut c = v.context(bp, "/");
    c.insert("key", key);
    v.page(status, "message.html", &c)
}

/// A message about an application already sent, with the way back to tracking it.
fn message_to_track(v: Visit, bp: &Blueprint, status: StatusCode, key: &str) -> Response {
    let mut c = v.context(bp, "/track");
    c.insert("key", key);
    c.insert("to_track", &true);
    v.page(status, "message.html", &c)
}

/// The appointment pickers of a page: for each appointment field, the places, the day
/// shown (`?day=`, else the day of the answer, else today) and that day's free slots at
/// the place shown (`?resource=`, else the answer's, else the first).
async fn slot_picks(
    state: &ApiState,
    bp: &Blueprint,
    page: &quickwin_blueprint::model::Page,
    answers: &Map<String, Json>,
    query: &BTreeMap<String, String>,
    lang: &str,
) -> BTreeMap<String, Json> {
    let mut out = BTreeMap::new();
    let Some(a) = &bp.appointments else {
        return out;
    };
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    for f in page
        .fields
        .iter()
        .filter_map(|id| fields.iter().find(|f| f.id == *id))
    {
        if f.kind.value != quickwin_blueprint::model::FieldType::Appointment {
            continue;
        }
        let chosen = answers
            .get(f.id.as_str())
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        let (chosen_resource, chosen_day) = chosen
            .split_once('@')
            .map_or((String::new(), String::new()), |(r, w)| {
                (r.to_string(), w.get(..10).unwrap_or_default().to_string())
            });
        let resource = query
            .get("resource")
            .filter(|r| a.resources.iter().any(|x| x.id.as_str() == r.as_str()))
            .cloned()
            .or_else(|| Some(chosen_resource).filter(|r| !r.is_empty()))
            .or_else(|| a.resources.first().map(|r| r.id.value.clone()))
            .unwrap_or_default();
        let today = Now::read().today;
        let day = query
            .get("day")
            .and_then(|d| quickwin_blueprint::expr::Date::parse(d))
            .or_else(|| quickwin_blueprint::expr::Date::parse(&chosen_day))
            .unwrap_or(today);
        let (r2, d2) = (resource.clone(), day);
        let slots = api::with_read(state, move |conn, bp| {
            Ok(
                super::appointments::availability(conn, bp, &r2, d2, &Now::read())
                    .unwrap_or_default(),
            )
        })
        .await
        .unwrap_or_default();
        let places: Vec<Json> = a
            .resources
            .iter()
            .map(|r| json!({"value": r.id.as_str(), "label": r.label.get(lang), "selected": r.id.as_str() == resource}))
            .collect();
        let times: Vec<Json> = slots
            .iter()
            .filter(|s| s.free > 0)
            .map(|s| json!({"value": s.value, "label": s.start.get(11..).unwrap_or_default(), "selected": s.value == chosen}))
            .collect();
        out.insert(
            f.id.value.clone(),
            json!({"places": places, "day": day.to_string(), "slots": times}),
        );
    }
    out
}

/// The page's context: its widgets with the answers and problems given.
fn page_context(
    v: &Visit,
    bp: &Blueprint,
    page: &quickwin_blueprint::model::Page,
    answers: &Map<String, Json>,
    problems: &[quickwin_blueprint::answers::Problem],
    picks: &BTreeMap<String, Json>,
) -> tera::Context {
    let mut c = v.context(bp, &format!("/apply/{}", page.id.as_str()));
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    let widgets: Vec<form::Widget> = page
        .fields
        .iter()
        .filter_map(|id| fields.iter().find(|f| f.id == *id))
        .map(|f| {
            let mut w = form::widget(
                bp,
                f,
                f.id.as_str(),
                answers.get(f.id.as_str()),
                &v.lang,
                problems,
            );
            w.pick = picks.get(f.id.as_str()).cloned();
            w
        })
        .collect();
    let summary: Vec<Json> = problems
        .iter()
        .map(|p| {
            let message = p
                .message
                .get(&v.lang)
                .or_else(|| p.message.values().next())
                .cloned()
                .unwrap_or_default();
            let target = p.field.replace("].", ".").replace('[', ".");
            json!({"message": message, "target": format!("f-{}", target.replace('.', "-"))})
        })
        .collect();
    c.insert("page_id", page.id.as_str());
    c.insert("files", &widgets.iter().any(|w| w.control == "file"));
    c.insert("title", page.title.get(&v.lang));
    c.insert("intro", &page.intro.as_ref().map(|i| i.get(&v.lang)));
    c.insert("widgets", &widgets);
    c.insert("problems", &summary);
    c
}

async fn show_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Path(page_id): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &headers, &q);
    let Some(page) = bp.form.pages.iter().find(|p| p.id.as_str() == page_id) else {
        return message(v, &bp, StatusCode::NOT_FOUND, "expired");
    };
    let Some((_, answers)) = draft(&state, &headers).await else {
        return message(v, &bp, StatusCode::NOT_FOUND, "expired");
    };
    let picks = slot_picks(&state, &bp, page, &answers, &q, &v.lang).await;
    let c = page_context(&v, &bp, page, &answers, &[], &picks);
    v.page(StatusCode::OK, "page.html", &c)
}

/// A file chosen in a form: the field, the file's name and type, its bytes.
type Chosen = (String, String, String, Vec<u8>);

/// A multipart form (a page with a file to upload): its fields as `(name, value)` pairs,
/// in the urlencoded form's encoding so that one reader serves both, and its files.
async fn multipart(state: &ApiState, request: Request) -> Option<(Vec<u8>, Vec<Chosen>)> {
    use axum::extract::FromRequest;
    let mut form = axum::extract::Multipart::from_request(request, state)
        .await
        .ok()?;
    let mut pairs: Vec<String> = Vec::new();
    let mut files = Vec::new();
    while let Ok(Some(part)) = form.next_field().await {
        let name = part.name().unwrap_or_default().to_string();
        match (
            name.strip_suffix("__upload"),
            part.file_name().map(str::to_string),
        ) {
            (Some(field), Some(file)) => {
                let kind = part.content_type().unwrap_or_default().to_lowercase();
                let bytes = part.bytes().await.ok()?;
                if !file.is_empty() && !bytes.is_empty() {
                    files.push((field.to_string(), file, kind, bytes.to_vec()));
                }
            }
            _ => {
                let text = part.text().await.ok()?;
                pairs.push(format!("{}={}", encode(&name), encode(&text)));
            }
        }
    }
    Some((pairs.join("&").into_bytes(), files))
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn save_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Path(page_id): Path<String>,
    request: Request,
) -> Response {
    let is_multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("multipart/form-data"));
    let (body, files) = if is_multipart {
        multipart(&state, request).await.unwrap_or_default()
    } else {
        let body = axum::body::to_bytes(request.into_body(), api::MAX_BODY).await;
        (body.map(|b| b.to_vec()).unwrap_or_default(), Vec::new())
    };
    let (bp, v, mut pairs) = match posted(&state, &headers, &body) {
        Ok(p) => p,
        Err(refused) => return *refused,
    };
    let Some(page) = bp.form.pages.iter().find(|p| p.id.as_str() == page_id) else {
        return message(v, &bp, StatusCode::NOT_FOUND, "expired");
    };
    // The files chosen are kept now; the page's answer is the upload's id.
    let mut file_problems = Vec::new();
    for (field, file, kind, bytes) in files {
        if !page.fields.iter().any(|f| f.as_str() == field) {
            continue;
        }
        let kind = if kind.is_empty() || kind == "application/octet-stream" {
            guess_type(&file).to_string()
        } else {
            kind
        };
        match api::store_upload(&state, file.clone(), kind, bytes).await {
            Ok((id, _)) => {
                pairs.retain(|(k, _)| *k != field);
                pairs.push((field, id));
            }
            Err(_) => file_problems.push(quickwin_blueprint::answers::field_problem(
                &bp, &field, "bad_file", &file,
            )),
        }
    }
    let Some((token, mut answers)) = draft(&state, &headers).await else {
        return message(v, &bp, StatusCode::NOT_FOUND, "expired");
    };
    // What this page asks is replaced by what was sent, blanks included.
    for id in &page.fields {
        answers.remove(id.as_str());
    }
    // "Remove" drops one entry of a group: its fields are left out of what is read.
    let removed = pairs
        .iter()
        .find(|(k, _)| k == "remove")
        .map(|(_, entry)| format!("{entry}."));
    if let Some(prefix) = &removed {
        pairs.retain(|(k, _)| !k.starts_with(prefix.as_str()));
    }
    let given = form::read_page(&bp, page, &pairs);
    answers.extend(given);
    // "Add another" keeps the applicant on the page with one more entry of the group.
    if let Some((_, group)) = pairs.iter().find(|(k, _)| k == "add") {
        if page.fields.iter().any(|f| f.as_str() == group) {
            let entries = answers
                .entry(group.clone())
                .or_insert_with(|| Json::Array(Vec::new()));
            if let Json::Array(list) = entries {
                if list.is_empty() {
                    list.push(json!({}));
                }
                list.push(json!({}));
            }
            save_draft(&state, &token, &answers).await;
            let picks = slot_picks(&state, &bp, page, &answers, &BTreeMap::new(), &v.lang).await;
            let c = page_context(&v, &bp, page, &answers, &[], &picks);
            return v.page(StatusCode::OK, "page.html", &c);
        }
    }
    if removed.is_some() {
        save_draft(&state, &token, &answers).await;
        let picks = slot_picks(&state, &bp, page, &answers, &BTreeMap::new(), &v.lang).await;
        let c = page_context(&v, &bp, page, &answers, &[], &picks);
        return v.page(StatusCode::OK, "page.html", &c);
    }
    // "Show free times" keeps what was typed and shows the place and day asked for.
    if pairs.iter().any(|(k, _)| k == "slots") {
        save_draft(&state, &token, &answers).await;
        let field = value(&pairs, "slots");
        let place = value(&pairs, &format!("{field}__resource"));
        let day = value(&pairs, &format!("{field}__day"));
        let to = format!(
            "/apply/{}?resource={}&day={}",
            page.id.as_str(),
            encode(&place),
            encode(&day)
        );
        return v.redirect(&to);
    }
    let today = Now::read().today;
    let mut problems = form::page_problems(&bp, page, &answers, today);
    problems.retain(|p| !file_problems.iter().any(|f| f.field == p.field));
    problems.extend(file_problems);
    if !save_draft(&state, &token, &answers).await {
        return message(v, &bp, StatusCode::SERVICE_UNAVAILABLE, "refused");
    }
    if !problems.is_empty() {
        let picks = slot_picks(&state, &bp, page, &answers, &BTreeMap::new(), &v.lang).await;
        let mut c = page_context(&v, &bp, page, &answers, &problems, &picks);
        c.insert("title_prefix", text::texts(&v.lang)["errors"]);
        return v.page(StatusCode::UNPROCESSABLE_ENTITY, "page.html", &c);
    }
    let row = quickwin_blueprint::answers::partial_row(&bp, &answers, today);
    let to = page_path(&form::next(&bp, page, &row, today));
    v.redirect(&to)
}

async fn exit(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Path(exit_id): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &headers, &q);
    let Some(page) = bp.form.exits.iter().find(|e| e.id.as_str() == exit_id) else {
        return message(v, &bp, StatusCode::NOT_FOUND, "expired");
    };
    let mut c = v.context(&bp, &format!("/apply/exit/{exit_id}"));
    c.insert("title", page.title.get(&v.lang));
    c.insert("body", page.body.get(&v.lang));
    v.page(StatusCode::OK, "exit.html", &c)
}

/// The answers in words, page by page, for the check-your-answers page.
fn summary(bp: &Blueprint, answers: &Map<String, Json>, lang: &str) -> Vec<Json> {
    let today = Now::read().today;
    let row = quickwin_blueprint::answers::partial_row(bp, answers, today);
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    form::journey(bp, &row, today)
        .into_iter()
        .map(|page| {
            let rows: Vec<Json> = page
                .fields
                .iter()
                .filter_map(|id| fields.iter().find(|f| f.id == *id))
                .map(|f| {
                    let w =
                        form::widget(bp, f, f.id.as_str(), answers.get(f.id.as_str()), lang, &[]);
                    json!({"label": w.label, "value": shown(&w, answers.get(f.id.as_str()), lang)})
                })
                .collect();
            json!({"id": page.id.as_str(), "title": page.title.get(lang), "rows": rows})
        })
        .collect()
}

/// An answer in words: a choice's label, yes or no, a group's entries.
fn shown(w: &form::Widget, value: Option<&Json>, lang: &str) -> String {
    let t = text::texts(lang);
    match (w.control, value) {
        (_, None | Some(Json::Null)) => t["none"].to_string(),
        ("yesno", Some(v)) => {
            let yes = matches!(v, Json::Bool(true))
                || v.as_str()
                    .is_some_and(|s| matches!(s, "yes" | "true" | "on"));
            (if yes { t["yes"] } else { t["no"] }).to_string()
        }
        ("radio" | "select" | "checkboxes", _) => {
            let chosen: Vec<&str> = w
                .choices
                .iter()
                .filter(|c| c.selected)
                .map(|c| c.label.as_str())
                .collect();
            if chosen.is_empty() {
                t["none"].to_string()
            } else {
                chosen.join("، ")
            }
        }
        ("group", _) => w
            .entries
            .iter()
            .map(|e| {
                e.iter()
                    .filter(|g| !g.value.is_empty() || g.choices.iter().any(|c| c.selected))
                    .map(|g| shown(g, Some(&json!(g.value)), lang))
                    .collect::<Vec<_>>()
                    .join(" · ")
            })
            .collect::<Vec<_>>()
            .join(" | "),
        (_, Some(Json::String(s))) => s.clone(),
        (_, Some(other)) => other.to_string(),
    }
}

async fn check(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &headers, &q);
    let Some((_, answers)) = draft(&state, &headers).await else {
        return message(v, &bp, StatusCode::NOT_FOUND, "expired");
    };
    let mut c = v.context(&bp, "/apply/check");
    c.insert("pages", &summary(&bp, &answers, &v.lang));
    c.insert("fees", &fees_for(&state, &bp, &answers, &v.lang));
    c.insert("problems", &Vec::<Json>::new());
    v.page(StatusCode::OK, "check.html", &c)
}

async fn send(State(state): State<ApiState>, headers: HeaderMap, body: Bytes) -> Response {
    let (bp, mut v, _) = match posted(&state, &headers, &body) {
        Ok(p) => p,
        Err(refused) => return *refused,
    };
    let Some((token, answers)) = draft(&state, &headers).await else {
        return message(v, &bp, StatusCode::NOT_FOUND, "expired");
    };
    // Answers on pages the applicant no longer goes through are not sent.
    let today = Now::read().today;
    let row = quickwin_blueprint::answers::partial_row(&bp, &answers, today);
    let asked: Vec<&str> = form::journey(&bp, &row, today)
        .iter()
        .flat_map(|p| p.fields.iter().map(|f| f.as_str()))
        .collect();
    let input: Map<String, Json> = answers
        .iter()
        .filter(|(k, _)| asked.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(fix) = answers.get(CORRECTING).cloned() {
        let text = |k: &str| fix[k].as_str().unwrap_or_default().to_string();
        let (tracking, code) = (text("tracking"), text("code"));
        let lang = v.lang.clone();
        return match api::applicant_step(
            &state,
            tracking.clone(),
            code.clone(),
            text("action"),
            input,
            &lang,
        )
        .await
        {
            Ok(_) => {
                let key = hash(&token);
                let _ = api::with_store(&state, move |conn, _| {
                    conn.execute("DELETE FROM qw_drafts WHERE token_hash = ?1", [key])?;
                    Ok(())
                })
                .await;
                v.set.push(cookie("qw_draft", "", "Lax", 0));
                let notice = text::texts(&lang)["sent"].to_string();
                status_page(&state, v, &tracking, &code, Some(notice), &[]).await
            }
            Err(e) => {
                let mut c = v.context(&bp, "/apply/check");
                c.insert("pages", &summary(&bp, &answers, &lang));
                c.insert("fees", &fees_for(&state, &bp, &answers, &lang));
                c.insert("problems", &[json!({"message": e.message_in(&lang)})]);
                v.page(StatusCode::UNPROCESSABLE_ENTITY, "check.html", &c)
            }
        };
    }
    match api::submit_answers(&state, input, &v.lang).await {
        Ok(created) => {
            let key = hash(&token);
            let _ = api::with_store(&state, move |conn, _| {
                conn.execute("DELETE FROM qw_drafts WHERE token_hash = ?1", [key])?;
                Ok(())
            })
            .await;
            v.set.push(cookie("qw_draft", "", "Lax", 0));
            let mut c = v.context(&bp, "/apply/check");
            c.insert("tracking", &created["tracking"]);
            c.insert("code", &created["access_code"]);
            c.insert("status", &created["status"][&v.lang]);
            v.page(StatusCode::CREATED, "confirmation.html", &c)
        }
        Err(e) => {
            let mut c = v.context(&bp, "/apply/check");
            c.insert("pages", &summary(&bp, &answers, &v.lang));
            c.insert("fees", &fees_for(&state, &bp, &answers, &v.lang));
            let mut problems: Vec<Json> = e
                .problems()
                .iter()
                .map(|p| json!({"message": p.message.get(&v.lang).or_else(|| p.message.values().next()).cloned().unwrap_or_default()}))
                .collect();
            if problems.is_empty() {
                problems.push(json!({"message": e.message_in(&v.lang)}));
            }
            c.insert("problems", &problems);
            let status = if e.status().is_client_error() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                e.status()
            };
            v.page(status, "check.html", &c)
        }
    }
}

async fn find(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &headers, &q);
    let mut c = v.context(&bp, "/track");
    c.insert("tracking", "");
    c.insert("failed", &false);
    v.page(StatusCode::OK, "track.html", &c)
}

async fn lookup(State(state): State<ApiState>, headers: HeaderMap, body: Bytes) -> Response {
    let (_, v, pairs) = match posted(&state, &headers, &body) {
        Ok(p) => p,
        Err(refused) => return *refused,
    };
    let (tracking, code) = (field(&pairs, "tracking"), field(&pairs, "code"));
    status_page(&state, v, &tracking, &code, None, &[]).await
}

/// A posted form's value, as sent.
fn value(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map_or(String::new(), |(_, v)| v.clone())
}

/// A posted form: the blueprint it was answered against, the visit, its fields.
type Posted = (std::sync::Arc<Blueprint>, Visit, Vec<(String, String)>);

/// A posted form, read and its CSRF token checked: the blueprint, the visit and the
/// form's fields, or the page refusing it.
fn posted(state: &ApiState, headers: &HeaderMap, body: &[u8]) -> Result<Posted, Box<Response>> {
    let bp = state.blueprint();
    let pairs = form::decode(body);
    let v = Visit::new(state, &bp, headers, &BTreeMap::new());
    if !v.allows(&pairs) {
        return Err(Box::new(message(v, &bp, StatusCode::FORBIDDEN, "refused")));
    }
    Ok((bp, v, pairs))
}

/// A posted form field, trimmed and in capitals (tracking numbers and codes).
fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map_or(String::new(), |(_, v)| v.trim().to_uppercase())
}

/// The status page of the case, with a notice (a receipt) or problems (a refused
/// payment) at the top; the tracking form again when the number or code is wrong.
async fn status_page(
    state: &ApiState,
    v: Visit,
    tracking: &str,
    code: &str,
    notice: Option<String>,
    problems: &[String],
) -> Response {
    let bp = state.blueprint();
    let (t, k) = (tracking.to_string(), code.to_string());
    let view = api::with_read(state, move |conn, bp| {
        let case = cases::read(conn, bp, &t, &k)?;
        api::public_view(conn, bp, &case)
    })
    .await;
    let Ok(view) = view else {
        let mut c = v.context(&bp, "/track");
        c.insert("tracking", tracking);
        c.insert("failed", &true);
        return v.page(StatusCode::NOT_FOUND, "track.html", &c);
    };
    let lang = v.lang.clone();
    let mut c = v.context(&bp, "/track");
    let history: Vec<Json> = view["history"]
        .as_array()
        .map(|h| {
            h.iter()
                .map(|e| {
                    // What the office wrote with a decision or a send-back.
                    let note: Vec<String> = e["detail"]
                        .as_object()
                        .map(|d| d.values().filter_map(|v| v.as_str().map(str::to_string)).collect())
                        .unwrap_or_default();
                    json!({"at": e["at"].as_str().unwrap_or_default().replace('T', " ").trim_end_matches('Z'), "status": e["status"][&lang], "note": note.join(" — ")})
                })
                .collect()
        })
        .unwrap_or_default();
    let fees: Vec<Json> = view["fees"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|x| json!({"fee": x["fee"], "label": x["label"][&lang], "amount": money(x["amount"].as_f64().unwrap_or(0.0), &lang),
                    "currency": x["currency"], "paid": x["status"] == "paid", "receipt": x["receipt"]}))
                .collect()
        })
        .unwrap_or_default();
    let documents: Vec<Json> = view["documents"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|x| json!({"document": x["document"], "title": x["title"][&lang], "number": x["number"]}))
                .collect()
        })
        .unwrap_or_default();
    c.insert("tracking", &view["tracking"]);
    c.insert("code", code);
    c.insert("status", &view["status"][&lang]);
    c.insert("next", &view["next"][&lang]);
    c.insert(
        "due",
        &view["decision_due"]
            .as_str()
            .map(|d| d.get(..10).unwrap_or(d)),
    );
    c.insert("history", &history);
    // The applicant's own actions that need nothing typed (withdraw, cancel a booking);
    // those with inputs or corrections are taken through the API.
    let correcting = bp
        .workflow
        .states
        .iter()
        .any(|s| s.correction && view["state"].as_str() == Some(s.id.as_str()));
    let ends = |x: &Json| {
        bp.workflow
            .states
            .iter()
            .any(|s| s.is_final && x["to"].as_str() == Some(s.id.as_str()))
    };
    let actions: Vec<Json> = view["actions"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|x| x["inputs"].as_array().is_none_or(Vec::is_empty))
                .filter(|x| !correcting || ends(x))
                .map(|x| json!({"action": x["action"], "label": x["label"][&lang]}))
                .collect()
        })
        .unwrap_or_default();
    c.insert("actions", &actions);
    // In a correction state the applicant corrects the application in the form.
    let corrections: Vec<Json> = if correcting {
        view["actions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|x| !ends(x))
                    .map(|x| json!({"action": x["action"], "label": x["label"][&lang]}))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    c.insert("corrections", &corrections);
    c.insert("fees", &fees);
    c.insert("documents", &documents);
    c.insert("notice", &notice);
    c.insert("problems", problems);
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    v.page(status, "status.html", &c)
}

async fn pay(State(state): State<ApiState>, headers: HeaderMap, body: Bytes) -> Response {
    let (_, v, pairs) = match posted(&state, &headers, &body) {
        Ok(p) => p,
        Err(refused) => return *refused,
    };
    let (tracking, code) = (field(&pairs, "tracking"), field(&pairs, "code"));
    let fee = value(&pairs, "fee");
    let card = value(&pairs, "card_number");
    match api::pay_fee(&state, tracking.clone(), code.clone(), fee, &card).await {
        Ok(paid) => {
            let notice = format!(
                "{} {}",
                text::texts(&v.lang)["receipt"],
                paid["receipt"].as_str().unwrap_or_default()
            );
            status_page(&state, v, &tracking, &code, Some(notice), &[]).await
        }
        Err(e) => {
            let why = e.message_in(&v.lang);
            status_page(&state, v, &tracking, &code, None, &[why]).await
        }
    }
}

async fn applicant_act(State(state): State<ApiState>, headers: HeaderMap, body: Bytes) -> Response {
    let (_, v, pairs) = match posted(&state, &headers, &body) {
        Ok(p) => p,
        Err(refused) => return *refused,
    };
    let (tracking, code) = (field(&pairs, "tracking"), field(&pairs, "code"));
    let action = value(&pairs, "action");
    let lang = v.lang.clone();
    match api::applicant_step(
        &state,
        tracking.clone(),
        code.clone(),
        action,
        Map::new(),
        &lang,
    )
    .await
    {
        Ok(_) => status_page(&state, v, &tracking, &code, None, &[]).await,
        Err(e) => {
            let why = e.message_in(&lang);
            status_page(&state, v, &tracking, &code, None, &[why]).await
        }
    }
}

/// The key under which a draft remembers the case it corrects (not an answer).
const CORRECTING: &str = "__correcting";

/// Start correcting a case sent back to the applicant: the form opens with its answers.
async fn correct(State(state): State<ApiState>, headers: HeaderMap, body: Bytes) -> Response {
    let (bp, mut v, pairs) = match posted(&state, &headers, &body) {
        Ok(p) => p,
        Err(refused) => return *refused,
    };
    let (tracking, code) = (field(&pairs, "tracking"), field(&pairs, "code"));
    let action = value(&pairs, "action");
    // Checked now, not when the corrected form is sent: the applicant would fill it in
    // for nothing.
    if action.trim().is_empty() {
        return message_to_track(v, &bp, StatusCode::BAD_REQUEST, "no_action");
    }
    if !bp
        .workflow
        .transitions
        .iter()
        .any(|t| t.action.as_str() == action)
    {
        return message_to_track(v, &bp, StatusCode::BAD_REQUEST, "unknown_action");
    }
    let (t, k) = (tracking.clone(), code.clone());
    let case = api::with_read(&state, move |conn, bp| Ok(cases::read(conn, bp, &t, &k)?)).await;
    let Ok(case) = case else {
        return status_page(&state, v, &tracking, &code, None, &[]).await;
    };
    let mut answers = cases::applicant_answers(&bp, &case.values);
    answers.insert(
        CORRECTING.into(),
        json!({"tracking": tracking, "code": code, "action": action}),
    );
    let token = cases::random_token(32);
    if !save_draft(&state, &token, &answers).await {
        return message(v, &bp, StatusCode::SERVICE_UNAVAILABLE, "refused");
    }
    v.set.push(cookie("qw_draft", &token, "Lax", DRAFT_SECONDS));
    let today = Now::read().today;
    let row = quickwin_blueprint::answers::partial_row(&bp, &answers, today);
    let to = page_path(&form::first(&bp, &row, today));
    v.redirect(&to)
}

async fn certificate(State(state): State<ApiState>, headers: HeaderMap, body: Bytes) -> Response {
    let (bp, v, pairs) = match posted(&state, &headers, &body) {
        Ok(p) => p,
        Err(refused) => return *refused,
    };
    let (tracking, code) = (field(&pairs, "tracking"), field(&pairs, "code"));
    let document = value(&pairs, "document");
    match api::issued(&state, tracking.clone(), code.clone(), document.clone()).await {
        Ok(doc) => {
            let lang = v.lang.clone();
            let printed: Vec<Json> = doc["fields"]
                .as_object()
                .map(|m| {
                    bp.documents
                        .iter()
                        .find(|d| d.id.as_str() == document)
                        .map(|d| {
                            d.fields
                                .iter()
                                .filter_map(|id| {
                                    document_field(&bp, id.as_str(), m.get(id.as_str()), &lang)
                                })
                                .collect()
                        })
                        .unwrap_or_default()
                })
                .unwrap_or_default();
            let mut c = v.context(&bp, "/track");
            c.insert("title", &doc["title"][&lang]);
            c.insert("issued_by", &doc["issued_by"][&lang]);
            c.insert("number", &doc["number"]);
            c.insert("vcode", &doc["verification_code"]);
            c.insert(
                "issued_at",
                &doc["issued_at"].as_str().map(|d| d.get(..10).unwrap_or(d)),
            );
            c.insert("fields", &printed);
            c.insert("valid_until", &doc["valid_until"]);
            v.page(StatusCode::OK, "certificate.html", &c)
        }
        Err(e) => {
            let why = e.message_in(&v.lang);
            status_page(&state, v, &tracking, &code, None, &[why]).await
        }
    }
}

/// One line of a printed document: a field's label and its value in words; the
/// tracking number and the state, which documents may print too, with the page's words.
fn document_field(bp: &Blueprint, id: &str, value: Option<&Json>, lang: &str) -> Option<Json> {
    let t = text::texts(lang);
    let text = |v: Option<&Json>| v.and_then(Json::as_str).unwrap_or_default().to_string();
    match id {
        "tracking" => Some(json!({"label": t["tracking_number"], "value": text(value)})),
        "state" => {
            let state = text(value);
            let label = bp
                .workflow
                .states
                .iter()
                .find(|s| s.id.as_str() == state)
                .map_or(state.clone(), |s| s.label.get(lang).to_string());
            Some(json!({"label": t["state_now"], "value": label}))
        }
        _ => {
            let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
            let f = fields.iter().find(|f| f.id.as_str() == id)?;
            let w = form::widget(bp, f, id, value, lang, &[]);
            Some(json!({"label": w.label, "value": shown(&w, value, lang)}))
        }
    }
}

async fn verify(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &headers, &q);
    let code = q
        .get("code")
        .map(|c| c.trim().to_uppercase())
        .unwrap_or_default();
    let mut c = v.context(&bp, "/verify");
    c.insert("code", &code);
    if code.is_empty() {
        c.insert("asked", &false);
        return v.page(StatusCode::OK, "verify.html", &c);
    }
    c.insert("asked", &true);
    match api::verification(&state, code).await {
        Ok(found) => {
            let lang = v.lang.clone();
            let shown_fields: Vec<Json> = found["fields"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, val)| document_field(&bp, k, Some(val), &lang))
                        .collect()
                })
                .unwrap_or_default();
            c.insert("found", &true);
            c.insert("valid", &found["valid"]);
            c.insert("title", &found["title"][&lang]);
            c.insert("number", &found["number"]);
            c.insert("issued_by", &found["issued_by"][&lang]);
            c.insert(
                "issued_at",
                &found["issued_at"]
                    .as_str()
                    .map(|d| d.get(..10).unwrap_or(d)),
            );
            c.insert("fields", &shown_fields);
            c.insert("valid_until", &found["valid_until"]);
            v.page(StatusCode::OK, "verify.html", &c)
        }
        Err(_) => {
            c.insert("found", &false);
            v.page(StatusCode::NOT_FOUND, "verify.html", &c)
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
