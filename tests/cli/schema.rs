//! `quickwin schema` and the committed copy editors use.

use crate::support::{quickwin, root, stdout};

#[test]
fn the_committed_schema_is_what_quickwin_schema_prints() {
    let output = quickwin(&["schema"]);
    assert!(output.status.success());
    let printed = stdout(&output);
    let committed =
        std::fs::read_to_string(root().join("schema/blueprint.schema.json")).unwrap_or_default();
    assert!(
        printed == committed,
        "schema/blueprint.schema.json is out of date: run `cargo run -- schema > schema/blueprint.schema.json`"
    );
}

#[test]
fn the_schema_describes_the_blueprint() {
    let schema: serde_json::Value = serde_json::from_str(&stdout(&quickwin(&["schema"]))).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let required = schema["required"].as_array().unwrap();
    for key in [
        "quickwin", "id", "title", "workflow", "form", "records", "roles",
    ] {
        assert!(required.iter().any(|r| r == key), "{key} not required");
    }
    assert_eq!(schema["additionalProperties"], false);
    let field = &schema["$defs"]["Field"];
    assert!(field["properties"]["type"].is_object());
    assert!(field["properties"]["label"].is_object());
}
