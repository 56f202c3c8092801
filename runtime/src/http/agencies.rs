//! The operations the service provides to other agencies, called through the
//! mediator only: the mediator signs each call with this service's key, and the signed
//! `X-Road-Client` names the caller; the blueprint says who may call.

use crate::cases::{self};
use crate::failure::{ApiError, Kind};
use crate::ops::views::status;
use crate::state::{ApiState, with_store};
use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use serde_json::{Map, Value, json};

/// An operation this service provides to other agencies, called through the mediator:
/// only the listed client subsystems may call it, and it returns only the listed fields.
pub(crate) async fn provide(
    State(state): State<ApiState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path((operation, key)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let client = header("x-road-client");
    // A bare `X-Road-Client` proves nothing: only the mediator's signature does.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let signature = headers.get("x-road-mediator").and_then(|v| v.to_str().ok());
    let member_key = state.mediator.as_ref().and_then(|m| m.key());
    if let Err(e) = crate::mediator::verify_signature(
        member_key,
        signature,
        (&header("x-road-id"), &client, "GET", path),
        now,
    ) {
        return Err(ApiError::new(Kind::Unauthorized, e.to_string()));
    }
    with_store(&state, move |conn, bp| {
        let Some(op) = bp.provides.iter().find(|o| o.id.as_str() == operation) else {
            return Err(ApiError::new(
                Kind::NotFound,
                format!("the service provides no operation `{operation}`"),
            ));
        };
        if !op.clients.is_empty() && !op.clients.iter().any(|c| c.as_str() == client) {
            return Err(ApiError::new(
                Kind::Forbidden,
                format!(
                    "`{operation}` may only be called by {}",
                    quickwin_blueprint::de::one_of(op.clients.iter().map(|c| c.as_str()))
                ),
            ));
        }
        let column = if op.key.as_str() == "tracking" {
            "tracking".to_string()
        } else {
            op.key.value.clone()
        };
        let found = crate::store::cases::latest_with(conn, &cases::quote(&column), key.trim())?;
        let Some(id) = found else {
            return Err(ApiError::new(
                Kind::NotFound,
                format!("no application has `{}` = `{key}`", op.key.as_str()),
            ));
        };
        let case = cases::load(conn, bp, id)?;
        let mut out = Map::new();
        for f in &op.returns {
            let v = match f.as_str() {
                "state" => json!(case.state),
                "tracking" => json!(case.tracking),
                other => case.values.get(other).cloned().unwrap_or(Value::Null),
            };
            out.insert(f.value.clone(), v);
        }
        out.insert("status".into(), status(bp, &case.state));
        Ok(Json(Value::Object(out)))
    })
    .await
}
