//! The citizen's routes: what the service is, submitting, tracking with the access
//! code, the applicant's actions, fees, documents, uploads, appointment slots and
//! verification. Each reads the request and calls an operation of [`crate::ops`].

use crate::appointments;
use crate::base::BasePath;
use crate::cases::{self};
use crate::failure::{ApiError, Kind};
use crate::files;
use crate::guard::{Client, Limit};
use crate::http::extract::{AccessCode, Lang, Object};
use crate::ops::documents::{issued, verification};
use crate::ops::fees::pay_fee;
use crate::ops::step::applicant_step;
use crate::ops::submit::submit_answers;
use crate::ops::uploads::{rule_for, store_upload, too_large};
use crate::ops::views::{localized, public_view};
use crate::state::{ApiState, with_read, with_store};
use axum::Json;
use axum::extract::Request;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use quickwin_blueprint::clock::Now;
use quickwin_blueprint::expr::Date;
use quickwin_blueprint::slots::SlotError;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub(crate) async fn submit(
    State(state): State<ApiState>,
    client: Client,
    Lang(lang): Lang,
    Object(input): Object,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    state
        .guard
        .take(Limit::Submission, &client.key())
        .map_err(|e| e.in_language(&lang))?;
    let created = submit_answers(&state, input, &lang)
        .await
        .map_err(|e| e.in_language(&lang))?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub(crate) async fn track(
    State(state): State<ApiState>,
    client: Client,
    Lang(lang): Lang,
    Path(tracking): Path<String>,
    AccessCode(code): AccessCode,
) -> Result<Json<Value>, ApiError> {
    let read = with_read(&state, move |conn, bp| {
        let case = cases::read(conn, bp, &tracking, &code)?;
        Ok(Json(public_view(conn, bp, &case)?))
    });
    guessed(&state, &client, Limit::AccessCode, &lang, read).await
}

pub(crate) async fn citizen_act(
    State(state): State<ApiState>,
    Path((tracking, action)): Path<(String, String)>,
    AccessCode(code): AccessCode,
    Lang(lang): Lang,
    client: Client,
    Object(input): Object,
) -> Result<Json<Value>, ApiError> {
    let step = applicant_step(&state, tracking, code, action, input, &lang);
    let case = guessed(&state, &client, Limit::AccessCode, &lang, step).await?;
    with_store(&state, move |conn, bp| {
        Ok(Json(public_view(conn, bp, &case)?))
    })
    .await
}

pub(crate) async fn document(
    State(state): State<ApiState>,
    base: BasePath,
    Path((tracking, document)): Path<(String, String)>,
    AccessCode(code): AccessCode,
    client: Client,
    Lang(lang): Lang,
) -> Result<Json<Value>, ApiError> {
    let found = issued(&state, tracking, code, document);
    let mut doc = guessed(&state, &client, Limit::AccessCode, &lang, found).await?;
    // The verification link, under the path the service is mounted at.
    if let Some(code) = doc["verification_code"].as_str().map(str::to_string) {
        doc["verify"] = Value::String(base.url(&format!("/api/verify/{code}")));
    }
    Ok(Json(doc))
}

pub(crate) async fn verify(
    State(state): State<ApiState>,
    client: Client,
    Lang(lang): Lang,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let found = verification(&state, code);
    guessed(&state, &client, Limit::Verification, &lang, found)
        .await
        .map(Json)
}

pub(crate) async fn pay(
    State(state): State<ApiState>,
    Path((tracking, fee)): Path<(String, String)>,
    AccessCode(code): AccessCode,
    Lang(lang): Lang,
    client: Client,
    Object(input): Object,
) -> Result<Json<Value>, ApiError> {
    state
        .guard
        .allows(Limit::AccessCode, &client.key())
        .map_err(|e| e.in_language(&lang))?;
    let card = match input.get("card_number") {
        Some(Value::String(c)) => c.clone(),
        _ => String::new(),
    };
    let paid = pay_fee(&state, tracking, code, fee, &card).await;
    if paid.as_ref().is_err_and(|e| e.kind() == Kind::NotFound) {
        let _ = state.guard.take(Limit::AccessCode, &client.key());
    }
    paid.map(Json).map_err(|e| e.in_language(&lang))
}

pub(crate) async fn upload(
    State(state): State<ApiState>,
    client: Client,
    Lang(lang): Lang,
    Query(q): Query<BTreeMap<String, String>>,
    request: Request,
) -> Response {
    use axum::body::HttpBody;
    use axum::extract::FromRequest;
    if request.body().size_hint().lower() > crate::routes::MAX_BODY as u64 {
        // Over the API's own limit: axum's answer, as every route gives it.
        return match axum::body::Bytes::from_request(request, &state).await {
            Err(rejection) => rejection.into_response(),
            Ok(_) => too_large_for_api().into_response(),
        };
    }
    match checked_upload(state, client, lang, q, request).await {
        Ok(created) => created.into_response(),
        Err(e) => e.into_response(),
    }
}

/// The 413 of a body over the API's limit that axum nevertheless read (it cannot be).
fn too_large_for_api() -> ApiError {
    ApiError::new(Kind::TooLarge, "the body is larger than the API reads")
}

async fn checked_upload(
    state: ApiState,
    client: Client,
    lang: String,
    q: BTreeMap<String, String>,
    request: Request,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let bp = state.blueprint();
    // What the field takes is known before the body is read: a service with no file
    // field, or a body larger than the field takes, is refused without keeping it.
    let rule =
        rule_for(&bp, q.get("field").map(String::as_str)).map_err(|e| e.in_language(&lang))?;
    state
        .guard
        .take(Limit::Upload, &client.key())
        .map_err(|e| e.in_language(&lang))?;
    let headers = request.headers();
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > rule.max_bytes) {
        return Err(too_large(&rule).in_language(&lang));
    }
    let content_type = crate::http::extract::media_type(headers);
    let body = axum::body::to_bytes(request.into_body(), rule.max_bytes)
        .await
        .map_err(|_| too_large(&rule).in_language(&lang))?;
    state
        .guard
        .take_bytes(&client.key(), body.len() as u64)
        .map_err(|e| e.in_language(&lang))?;
    // Sent as bytes of no declared type (as generated clients send a file): the first
    // bytes tell which of the field's types it is.
    let content_type = if content_type == "application/octet-stream" {
        files::detect(&rule.kinds, &body).map_or(content_type, str::to_string)
    } else {
        content_type
    };
    let name = q.get("name").cloned().unwrap_or_else(|| "file".into());
    let size = body.len();
    let kept = files::safe_name(&name);
    let (id, hash) = store_upload(&state, &rule, name, content_type.clone(), body.to_vec())
        .await
        .map_err(|e| e.in_language(&lang))?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"id": id, "name": kept, "content_type": content_type, "size": size, "sha256": hash}),
        ),
    ))
}

/// A look-up by a code someone may be guessing (an access code, a verification code):
/// refused with a 429 while `client` has guessed wrong too often, and counted when it
/// finds nothing.
async fn guessed<T>(
    state: &ApiState,
    client: &Client,
    limit: Limit,
    lang: &str,
    lookup: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    state
        .guard
        .allows(limit, &client.key())
        .map_err(|e| e.in_language(lang))?;
    let result = lookup.await;
    if result.as_ref().is_err_and(|e| e.kind() == Kind::NotFound) {
        let _ = state.guard.take(limit, &client.key());
    }
    result
}

pub(crate) async fn service(State(state): State<ApiState>) -> Json<Value> {
    let bp = state.blueprint();
    Json(json!({
        "id": bp.id.as_str(), "version": bp.version.value, "interop": bp.interop.as_str(),
        "title": localized(&bp, &bp.title), "summary": localized(&bp, &bp.summary),
        "eligibility": bp.eligibility.as_ref().map(|e| localized(&bp, e)),
        "you_need": bp.you_need.iter().map(|n| localized(&bp, n)).collect::<Vec<_>>(),
        "agency": {"member": bp.agency.member.as_str(), "name": localized(&bp, &bp.agency.name)},
        "languages": bp.languages.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        "sla_days": bp.sla.value.minutes / 1440,
        "fees": bp.fees.iter().map(|f| json!({"fee": f.id.as_str(), "label": localized(&bp, &f.label),
            "amount": f.amount.as_ref().map(|a| a.value), "currency": quickwin_blueprint::effects::currency(f)})).collect::<Vec<_>>(),
    }))
}

pub(crate) async fn resources(State(state): State<ApiState>) -> Result<Json<Value>, ApiError> {
    let bp = state.blueprint();
    let Some(a) = &bp.appointments else {
        return Err(ApiError::new(
            Kind::NotFound,
            "this service has no appointments",
        ));
    };
    Ok(Json(json!({
        "label": localized(&bp, &a.label), "slot_minutes": a.slot.value.minutes, "horizon_days": a.horizon.value.minutes / 1440,
        "resources": a.resources.iter().map(|r| json!({"id": r.id.as_str(), "label": localized(&bp, &r.label),
            "governorate": r.governorate.as_ref().map(|g| g.as_str()), "address": r.address.as_ref().map(|x| localized(&bp, x)),
            "capacity": quickwin_blueprint::slots::capacity(a, r)})).collect::<Vec<_>>(),
    })))
}

pub(crate) async fn slots(
    State(state): State<ApiState>,
    Path(resource): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let now = Now::read();
    let day = match q.get("day") {
        None => now.today,
        Some(d) => Date::parse(d).ok_or_else(|| {
            ApiError::invalid(format!(
                "`day` must be a date like `2026-12-01`, found `{d}`"
            ))
        })?,
    };
    with_store(&state, move |conn, bp| {
        let now = Now::read();
        match appointments::availability(conn, bp, &resource, day, &now) {
            Ok(slots) => Ok(Json(
                json!({"resource": resource, "day": day.to_string(), "slots": slots}),
            )),
            Err(SlotError::UnknownResource(r)) => Err(ApiError::new(
                Kind::NotFound,
                format!("there is no `{r}` to book"),
            )),
            Err(e) => Err(ApiError::invalid(e.to_string())),
        }
    })
    .await
}
