//! Verifying a document: anyone with its verification code sees whether it is valid,
//! its number and dates, and the fields the blueprint marks public.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde_json::Value as Json;

use super::visit::Visit;
use super::words::document_field;
use crate::base::BasePath;
use crate::state::ApiState;

/// The verification page's route.
pub(super) fn routes() -> Router<ApiState> {
    Router::new().route("/verify", get(verify))
}

async fn verify(
    State(state): State<ApiState>,
    base: BasePath,
    client: crate::guard::Client,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let bp = state.blueprint();
    let v = Visit::new(&state, &bp, &base, &headers, &q);
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
    let limit = crate::guard::Limit::Verification;
    if let Err(e) = state.guard.allows(limit, &client.key()) {
        return super::visit::too_many(v, &bp, &e);
    }
    let found = crate::ops::documents::verification(&state, code).await;
    if found.is_err() {
        let _ = state.guard.take(limit, &client.key());
    }
    match found {
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
