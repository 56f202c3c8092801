//! The service's own routes: its metrics (Prometheus text) and its OpenAPI document,
//! made for today with the base path it is served under.

use crate::base::BasePath;
use crate::failure::ApiError;
use crate::state::{ApiState, with_store};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::collections::BTreeMap;

pub(crate) async fn metrics(State(state): State<ApiState>) -> Result<Response, ApiError> {
    let m = state.metrics.clone();
    with_store(&state, move |conn, bp| {
        let mut counts: BTreeMap<String, i64> = bp
            .workflow
            .states
            .iter()
            .map(|s| (s.id.value.clone(), 0))
            .collect();
        counts.extend(crate::store::cases::count_by_state(conn)?);
        let pending = crate::store::outbox::pending(conn)?;
        let text = m.render(bp.id.as_str(), &counts, pending);
        Ok((
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response())
    })
    .await
}

/// The document with examples for today, so that they can be sent as they are. Its
/// `servers` is where it was fetched from: the `Host` the client asked, and the base path
/// the service is mounted under (`https` when the guard knows the request came so).
pub(crate) async fn openapi(
    State(state): State<ApiState>,
    base: BasePath,
    headers: axum::http::HeaderMap,
) -> Json<Value> {
    let mut doc = crate::openapi::document(
        &state.blueprint(),
        quickwin_blueprint::clock::Now::read().today,
    );
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        });
    let url = match host {
        Some(host) => {
            let scheme = if state.guard.settings().https {
                "https"
            } else {
                "http"
            };
            format!("{scheme}://{host}{}", base.as_str())
        }
        None if base.is_root() => "/".to_string(),
        None => base.as_str().to_string(),
    };
    doc["servers"] =
        serde_json::json!([{"url": url, "description": "where this document was fetched from"}]);
    Json(doc)
}
