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

/// The document with examples for today, so that they can be sent as they are.
/// Mounted under a base path, the document says so in `servers`.
pub(crate) async fn openapi(State(state): State<ApiState>, base: BasePath) -> Json<Value> {
    let mut doc = crate::openapi::document(
        &state.blueprint(),
        quickwin_blueprint::clock::Now::read().today,
    );
    if !base.is_root() {
        doc["servers"] = serde_json::json!([{"url": base.as_str()}]);
    }
    Json(doc)
}
