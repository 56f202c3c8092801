//! What the handlers read from a request the same way each time: the language, the
//! access code, the staff bearer token and the JSON body as an object.

use crate::failure::ApiError;
use axum::body::Bytes;
use axum::http::{HeaderMap, header};
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
