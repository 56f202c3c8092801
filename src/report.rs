//! Rendering diagnostics: rustc-style text for people (the blueprint crate's), JSON for tools.

use quickwin_blueprint::Checked;
use serde_json::{Value, json};

pub use quickwin_blueprint::report::human;

/// The diagnostics of one file as JSON objects.
pub fn json(checked: &Checked) -> Vec<Value> {
    let source = &checked.source;
    checked
        .diagnostics
        .iter()
        .map(|d| {
            let start = source.position(d.span.start);
            let end = source.position(d.span.end);
            let mut value = json!({
                "file": source.name,
                "line": start.line,
                "column": start.column,
                "end_line": end.line,
                "end_column": end.column,
                "severity": d.severity.as_str(),
                "code": d.code.as_str(),
                "message": d.message,
            });
            if let Some(help) = &d.help {
                value["help"] = json!(help);
            }
            if !d.labels.is_empty() {
                value["related"] = d
                    .labels
                    .iter()
                    .map(|l| {
                        let p = source.position(l.span.start);
                        json!({"line": p.line, "column": p.column, "message": l.message})
                    })
                    .collect();
            }
            value
        })
        .collect()
}
