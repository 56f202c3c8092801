//! Applying: the start page (what the service is, who may apply, what it costs and
//! how long it takes), the form page by page with its branching, exit pages, file
//! uploads and appointment pickers, the check-your-answers page, and the confirmation
//! with the tracking number and access code (or, for a correction, the status page).

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value as Json, json};

use super::draft::{CORRECTING, DRAFT_SECONDS, Saved, draft, page_path, save_draft};
use super::form;
use super::track::status_page;
use super::visit::{Cookie, Visit, hash, message, posted, value};
use super::words::{money, shown};
use crate::base::BasePath;
use crate::cases;
use crate::state::ApiState;
use crate::text;
use quickwin_blueprint::clock::Now;
use quickwin_blueprint::model::Blueprint;

/// The application's routes.
pub(super) fn routes() -> Router<ApiState> {
    Router::new()
        .route("/", get(start))
        .route("/apply", get(begin))
        .route("/apply/check", get(check).post(send))
        .route("/apply/exit/{exit}", get(exit))
        .route("/apply/{page}", get(show_page).post(save_page))
}

async fn start(
    State(state): State<ApiState>,
    base: BasePath,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &base, &headers, &q);
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
                crate::hooks::fee(hooks.as_deref(), bp.id.as_str(), f.id.as_str(), answers)
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

async fn begin(
    State(state): State<ApiState>,
    base: BasePath,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let mut v = Visit::new(&state, &bp, &base, &headers, &q);
    let token = cases::random_token(32);
    let key = hash(&token);
    let created = crate::state::with_store(&state, move |conn, _| {
        let now = Now::read().secs;
        Ok(crate::store::drafts::start(
            conn,
            &key,
            now,
            now - DRAFT_SECONDS,
        )?)
    })
    .await;
    if created.is_err() {
        return message(v, &bp, StatusCode::SERVICE_UNAVAILABLE, "refused");
    }
    v.set_cookie(Cookie::Draft, &token, DRAFT_SECONDS);
    let today = Now::read().today;
    let to = page_path(&form::first(
        &bp,
        &quickwin_blueprint::expr::Row::new(),
        today,
    ));
    v.redirect(&to)
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
        let slots = crate::state::with_read(state, move |conn, bp| {
            Ok(
                crate::appointments::availability(conn, bp, &r2, d2, &Now::read())
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
    base: BasePath,
    headers: HeaderMap,
    Path(page_id): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &base, &headers, &q);
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

async fn save_page(
    State(state): State<ApiState>,
    base: BasePath,
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
        let body = axum::body::to_bytes(request.into_body(), crate::routes::MAX_BODY).await;
        (body.map(|b| b.to_vec()).unwrap_or_default(), Vec::new())
    };
    let (bp, v, mut pairs) = match posted(&state, &base, &headers, &body) {
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
        let Some(rule) = crate::files::rule(&bp, &field) else {
            continue;
        };
        match crate::ops::uploads::store_upload(&state, &rule, file.clone(), kind, bytes).await {
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
    match save_draft(&state, &token, &answers).await {
        Saved::Kept => {}
        Saved::TooLarge => return message(v, &bp, StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
        Saved::Failed => return message(v, &bp, StatusCode::SERVICE_UNAVAILABLE, "refused"),
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
    base: BasePath,
    headers: HeaderMap,
    Path(exit_id): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &base, &headers, &q);
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

async fn check(
    State(state): State<ApiState>,
    base: BasePath,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &base, &headers, &q);
    let Some((_, answers)) = draft(&state, &headers).await else {
        return message(v, &bp, StatusCode::NOT_FOUND, "expired");
    };
    let mut c = v.context(&bp, "/apply/check");
    c.insert("pages", &summary(&bp, &answers, &v.lang));
    c.insert("fees", &fees_for(&state, &bp, &answers, &v.lang));
    c.insert("problems", &Vec::<Json>::new());
    v.page(StatusCode::OK, "check.html", &c)
}

async fn send(
    State(state): State<ApiState>,
    base: BasePath,
    client: crate::guard::Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (bp, mut v, _) = match posted(&state, &base, &headers, &body) {
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
        return match crate::ops::step::applicant_step(
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
                let _ = crate::state::with_store(&state, move |conn, _| {
                    crate::store::drafts::forget(conn, &key)?;
                    Ok(())
                })
                .await;
                v.set_cookie(Cookie::Draft, "", 0);
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
    if let Err(e) = state
        .guard
        .take(crate::guard::Limit::Submission, &client.key())
    {
        return super::visit::too_many(v, &bp, &e);
    }
    match crate::ops::submit::submit_answers(&state, input, &v.lang).await {
        Ok(created) => {
            let key = hash(&token);
            let _ = crate::state::with_store(&state, move |conn, _| {
                crate::store::drafts::forget(conn, &key)?;
                Ok(())
            })
            .await;
            v.set_cookie(Cookie::Draft, "", 0);
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
