//! The JSON Schemas of the workshop formats, committed in `schema/` for editors.

use schemars::JsonSchema;

use crate::model::{Checks, Day, Exercise, Workshop};
use crate::results::Results;

/// The JSON Schema of `T` with its `$id` and title, as pretty JSON with a final newline.
pub fn schema_of<T: JsonSchema>(id: &str, title: &str) -> String {
    let mut schema = schemars::schema_for!(T);
    schema.insert("$id".into(), id.into());
    schema.insert("title".into(), title.into());
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Every schema: its file name in `schema/` and its text.
pub fn schemas() -> Vec<(&'static str, String)> {
    vec![
        (
            "workshop.schema.json",
            schema_of::<Workshop>(
                "urn:quickwin:workshop:v1",
                "quickwin workshop.yaml, format version 1",
            ),
        ),
        (
            "day.schema.json",
            schema_of::<Day>(
                "urn:quickwin:workshop-day:v1",
                "quickwin workshop day file, format version 1",
            ),
        ),
        (
            "exercise.schema.json",
            schema_of::<Exercise>(
                "urn:quickwin:exercise:v1",
                "quickwin exercise.yaml, format version 1",
            ),
        ),
        (
            "checks.schema.json",
            schema_of::<Checks>(
                "urn:quickwin:checks:v1",
                "quickwin checks.yaml, format version 1",
            ),
        ),
        (
            "results.schema.json",
            schema_of::<Results>(
                "urn:quickwin:workshop-results:v1",
                "quickwin workshop check results, version 1",
            ),
        ),
    ]
}
