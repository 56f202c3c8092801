//! The OpenAPI 3.1 document of a service, generated from its blueprint.

use serde_json::{Value, json};

use crate::model::Blueprint;

/// The OpenAPI document of the service `bp`.
pub fn document(bp: &Blueprint) -> Value {
    json!({"openapi": "3.1.0", "info": {"title": bp.title.get("en"), "version": bp.version.value}, "paths": {}})
}
