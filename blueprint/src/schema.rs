//! The JSON Schema of the blueprint format, for editors (yaml-language-server and others).

use crate::model::Blueprint;

/// Where catalogue blueprints find the committed copy of the schema, relative to them.
pub const SCHEMA_FILE: &str = "schema/blueprint.schema.json";

/// The JSON Schema of a blueprint, as pretty JSON with a final newline.
pub fn schema_json() -> String {
    let mut schema = schemars::schema_for!(Blueprint);
    schema.insert("$id".into(), "urn:quickwin:blueprint:v1".into());
    schema.insert(
        "title".into(),
        "quickwin blueprint, language version 1".into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
