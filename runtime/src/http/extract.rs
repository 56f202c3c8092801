//! What the handlers read from a request the same way each time, as extractors: the
//! language ([`Lang`]), the applicant's access code ([`AccessCode`]), the staff
//! session's bearer token ([`StaffToken`]) and the JSON body as an object ([`Object`]).
//! The staff session itself is checked inside each handler's store work, in the same
//! transaction as what it reads.

use std::convert::Infallible;

use crate::failure::{ApiError, Kind};
use crate::state::ApiState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use quickwin_blueprint::model::Blueprint;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The request's language: `?lang=`, else the first of `Accept-Language` the blueprint
/// has, else the blueprint's default.
pub(crate) fn language(bp: &Blueprint, headers: &HeaderMap) -> String {
    let wanted = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    for part in wanted.split(',') {
        let tag = part.split(';').next().unwrap_or_default().trim();
        let primary = tag.split('-').next().unwrap_or_default().to_lowercase();
        if bp.languages.iter().any(|l| l.as_str() == primary) {
            return primary;
        }
    }
    bp.default_language().to_string()
}

pub(crate) fn object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError {
            messages: BTreeMap::from([
                ("en".into(), "the body must be a JSON object".into()),
                ("ar".into(), "يجب أن يكون متن الطلب كائن JSON".into()),
            ]),
            ..ApiError::invalid("the body must be a JSON object")
        }),
        Err(e) => Err(ApiError {
            messages: BTreeMap::from([
                ("en".into(), format!("the body is not valid JSON: {e}")),
                ("ar".into(), format!("متن الطلب ليس JSON صالحاً: {e}")),
            ]),
            ..ApiError::invalid(format!("the body is not valid JSON: {e}"))
        }),
    }
}

/// The media type of `Content-Type`, lowercase, without its parameters (empty when
/// none).
pub(crate) fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// `Ok` when the request says its body is JSON (`application/json`, or any
/// `…/…+json`), else the type it says (empty when none).
pub(crate) fn json_typed(headers: &HeaderMap) -> Result<(), String> {
    let kind = media_type(headers);
    if kind == "application/json" || (kind.contains('/') && kind.ends_with("+json")) {
        Ok(())
    } else {
        Err(kind)
    }
}

/// The 415 of a body that does not say it is JSON: a form or `text/plain` posted from
/// another site is never read as the API's JSON.
pub(crate) fn not_json(kind: &str) -> ApiError {
    let found = if kind.is_empty() {
        "no `Content-Type`".to_string()
    } else {
        format!("`{kind}`")
    };
    ApiError::new(
        Kind::UnsupportedMediaType,
        format!("the body must be JSON: `Content-Type` must be `application/json` (or end with `+json`), found {found}"),
    )
    .with_messages(BTreeMap::from([
        (
            "en".into(),
            format!("the body must be JSON: `Content-Type` must be `application/json` (or end with `+json`), found {found}"),
        ),
        (
            "ar".into(),
            format!("يجب أن يكون متن الطلب JSON: يجب أن يكون `Content-Type` هو `application/json` (أو ينتهي بـ `+json`)، والموجود {found}"),
        ),
    ]))
}

pub(crate) fn access_code(headers: &HeaderMap) -> String {
    headers
        .get("x-access-code")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

pub(crate) fn bearer(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The request's language (see [`language`]).
#[derive(Debug, Clone)]
pub struct Lang(pub String);

impl FromRequestParts<ApiState> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ApiState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Lang(language(&state.blueprint(), &parts.headers)))
    }
}

/// The access code an applicant sends in `X-Access-Code` (empty when none: it then
/// opens nothing).
#[derive(Debug, Clone)]
pub struct AccessCode(pub String);

impl<S: Send + Sync> FromRequestParts<S> for AccessCode {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(AccessCode(access_code(&parts.headers)))
    }
}

/// The bearer token of a staff session in `Authorization` (empty when none: it then
/// signs in no one).
#[derive(Debug, Clone)]
pub struct StaffToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for StaffToken {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(StaffToken(bearer(&parts.headers)))
    }
}

/// The body as a JSON object (empty for an empty body); a body that is not one is
/// refused with a 422 in the request's language, one over the size limit with axum's 413.
#[derive(Debug, Clone)]
pub struct Object(pub Map<String, Value>);

impl FromRequest<ApiState> for Object {
    type Rejection = Response;

    async fn from_request(request: Request, state: &ApiState) -> Result<Self, Self::Rejection> {
        let lang = language(&state.blueprint(), request.headers());
        let typed = json_typed(request.headers());
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        if !body.is_empty() {
            if let Err(kind) = typed {
                return Err(not_json(&kind).in_language(&lang).into_response());
            }
        }
        object(&body)
            .map(Object)
            .map_err(|e| e.in_language(&lang).into_response())
    }
}
