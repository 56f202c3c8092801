//! The operations the service provides to other agencies, called through the
//! mediator (`X-Road-Client` names the caller; the blueprint says who may call).

use crate::cases::{self};
use crate::failure::{ApiError, Kind};
use crate::ops::views::status;
use crate::state::{ApiState, with_store};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::{Map, Value, json};

/// An operation this service provides to other agencies, called through the mediator:
/// only the listed client subsystems may call it, and it returns only the listed fields.
pub(crate) async fn provide(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Path((operation, key)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let client = headers
        .get("x-road-client")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
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
