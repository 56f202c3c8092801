//! Tracking an application: the tracking form, the status page with the case's
//! history, fees and documents, and what the applicant may do from it — pay a fee,
//! take an action that needs nothing typed (withdraw, cancel a booking), correct an
//! application sent back (the form opens again with its answers), print a document.

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Map, Value as Json, json};

use super::draft::{CORRECTING, DRAFT_SECONDS, page_path, save_draft};
use super::form;
use super::visit::{Cookie, Visit, field, message, message_to_track, posted, value};
use super::words::{document_field, money};
use crate::base::BasePath;
use crate::cases;
use crate::state::ApiState;
use crate::text;
use quickwin_blueprint::clock::Now;

/// The tracking pages' routes.
pub(super) fn routes() -> Router<ApiState> {
    Router::new()
        .route("/track", get(find).post(lookup))
        .route("/track/pay", post(pay))
        .route("/track/act", post(applicant_act))
        .route("/track/correct", post(correct))
        .route("/track/document", post(certificate))
}

async fn find(
    State(state): State<ApiState>,
    base: BasePath,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &base, &headers, &q);
    let mut c = v.context(&bp, "/track");
    c.insert("tracking", "");
    c.insert("failed", &false);
    v.page(StatusCode::OK, "track.html", &c)
}

async fn lookup(
    State(state): State<ApiState>,
    base: BasePath,
    client: crate::guard::Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (_, v, pairs) = match posted_by(&state, &base, &client, &headers, &body) {
        Ok(p) => p,
        Err(refused) => return *refused,
    };
    let (tracking, code) = (field(&pairs, "tracking"), field(&pairs, "code"));
    let page = status_page(&state, v, &tracking, &code, None, &[]).await;
    counted(&state, &client, page)
}

/// The status page of the case, with a notice (a receipt) or problems (a refused
/// payment) at the top; the tracking form again when the number or code is wrong.
pub(super) async fn status_page(
    state: &ApiState,
    v: Visit,
    tracking: &str,
    code: &str,
    notice: Option<String>,
    problems: &[String],
) -> Response {
    let bp = state.blueprint();
    let (t, k) = (tracking.to_string(), code.to_string());
    let view = crate::state::with_read(state, move |conn, bp| {
        let case = cases::read(conn, bp, &t, &k)?;
        crate::ops::views::public_view(conn, bp, &case)
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

async fn pay(
    State(state): State<ApiState>,
    base: BasePath,
    client: crate::guard::Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let page = async {
        let (_, v, pairs) = match posted_by(&state, &base, &client, &headers, &body) {
            Ok(p) => p,
            Err(refused) => return *refused,
        };
        let (tracking, code) = (field(&pairs, "tracking"), field(&pairs, "code"));
        let fee = value(&pairs, "fee");
        let card = value(&pairs, "card_number");
        match crate::ops::fees::pay_fee(&state, tracking.clone(), code.clone(), fee, &card).await {
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
    .await;
    counted(&state, &client, page)
}

async fn applicant_act(
    State(state): State<ApiState>,
    base: BasePath,
    client: crate::guard::Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let page = async {
        let (_, v, pairs) = match posted_by(&state, &base, &client, &headers, &body) {
            Ok(p) => p,
            Err(refused) => return *refused,
        };
        let (tracking, code) = (field(&pairs, "tracking"), field(&pairs, "code"));
        let action = value(&pairs, "action");
        let lang = v.lang.clone();
        match crate::ops::step::applicant_step(
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
    .await;
    counted(&state, &client, page)
}

/// Start correcting a case sent back to the applicant: the form opens with its answers.
async fn correct(
    State(state): State<ApiState>,
    base: BasePath,
    client: crate::guard::Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let page = async {
        let (bp, v, pairs) = match posted(&state, &base, &headers, &body) {
            Ok(p) => p,
            Err(refused) => return *refused,
        };
        let mut v = match allowed(&state, &client, v) {
            Ok(v) => v,
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
        let case =
            crate::state::with_read(&state, move |conn, bp| Ok(cases::read(conn, bp, &t, &k)?))
                .await;
        let Ok(case) = case else {
            return status_page(&state, v, &tracking, &code, None, &[]).await;
        };
        let mut answers = cases::applicant_answers(&bp, &case.values);
        answers.insert(
            CORRECTING.into(),
            json!({"tracking": tracking, "code": code, "action": action}),
        );
        let token = cases::random_token(32);
        if save_draft(&state, &token, &answers).await != super::draft::Saved::Kept {
            return message(v, &bp, StatusCode::SERVICE_UNAVAILABLE, "refused");
        }
        v.set_cookie(Cookie::Draft, &token, DRAFT_SECONDS);
        let today = Now::read().today;
        let row = quickwin_blueprint::answers::partial_row(&bp, &answers, today);
        let to = page_path(&form::first(&bp, &row, today));
        v.redirect(&to)
    }
    .await;
    counted(&state, &client, page)
}

async fn certificate(
    State(state): State<ApiState>,
    base: BasePath,
    client: crate::guard::Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let page = async {
        let (bp, v, pairs) = match posted_by(&state, &base, &client, &headers, &body) {
            Ok(p) => p,
            Err(refused) => return *refused,
        };
        let (tracking, code) = (field(&pairs, "tracking"), field(&pairs, "code"));
        let document = value(&pairs, "document");
        match crate::ops::documents::issued(
            &state,
            tracking.clone(),
            code.clone(),
            document.clone(),
        )
        .await
        {
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
    .await;
    counted(&state, &client, page)
}

/// The visit, when `client` may try an access code now; else the page of its 429.
/// A posted form of a client that may still try access codes ([`posted`], then
/// [`allowed`]).
fn posted_by(
    state: &ApiState,
    base: &BasePath,
    client: &crate::guard::Client,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<super::visit::Posted, Box<Response>> {
    let (bp, v, pairs) = posted(state, base, headers, body)?;
    Ok((bp, allowed(state, client, v)?, pairs))
}

fn allowed(
    state: &ApiState,
    client: &crate::guard::Client,
    v: Visit,
) -> Result<Visit, Box<Response>> {
    match state
        .guard
        .allows(crate::guard::Limit::AccessCode, &client.key())
    {
        Ok(()) => Ok(v),
        Err(e) => Err(Box::new(super::visit::too_many(v, &state.blueprint(), &e))),
    }
}

/// `page`, a wrong access code counted against `client` when it is the tracking form
/// again (a 404).
fn counted(state: &ApiState, client: &crate::guard::Client, page: Response) -> Response {
    if page.status() == StatusCode::NOT_FOUND {
        let _ = state
            .guard
            .take(crate::guard::Limit::AccessCode, &client.key());
    }
    page
}
