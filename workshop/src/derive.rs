//! Starters and solutions derived from a source by edits: a catalogue pilot or a file,
//! then keys removed, scalars set and texts replaced. Edits work on the text, guided by
//! the loader's tree, so everything they do not touch (comments, order, quoting) stays
//! as the authors wrote it.

use std::path::Path as FsPath;

use quickwin_blueprint::yaml::{self, Kind};
use quickwin_blueprint::{Source, Span};
use serde_json::Value as Json;

use crate::model::Derived;
use crate::path::{Path, content_end};

/// Why a starter or solution could not be made, and where in `exercise.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeriveError {
    /// The place in `exercise.yaml` that asked for it.
    pub span: Span,
    /// What went wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
}

impl DeriveError {
    fn new(span: Span, message: impl Into<String>) -> Self {
        DeriveError {
            span,
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Make the text of `derived`, with `dir` the exercise's folder, `previous` the
/// solution of the exercise before (when there is one) and `at` where it was asked for.
pub fn derive(
    derived: &Derived,
    dir: &FsPath,
    previous: Option<&str>,
    at: Span,
) -> Result<String, DeriveError> {
    let mut text = base_text(derived, dir, previous, at)?;
    for path in &derived.remove {
        text = remove(&text, &path.value).map_err(|m| DeriveError::new(path.span, m))?;
    }
    for (path, value) in &derived.set {
        text = set(&text, path, &value.value).map_err(|m| DeriveError::new(value.span, m))?;
    }
    for r in &derived.replace {
        let found = text.matches(r.find.value.as_str()).count();
        if found != 1 {
            let times = if found == 0 {
                "nowhere".to_string()
            } else {
                format!("{found} times")
            };
            return Err(DeriveError::new(
                r.find.span,
                format!(
                    "the text `{}` occurs {times}; `replace` needs it exactly once",
                    r.find.value
                ),
            )
            .help("quote more of the line around it so that it is found once"));
        }
        text = text.replacen(r.find.value.as_str(), &r.with.value, 1);
    }
    Ok(text)
}

fn base_text(
    derived: &Derived,
    dir: &FsPath,
    previous: Option<&str>,
    at: Span,
) -> Result<String, DeriveError> {
    let chosen = [
        derived.pilot.is_some(),
        derived.file.is_some(),
        derived.previous.as_ref().is_some_and(|p| p.value),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if chosen != 1 {
        return Err(DeriveError::new(
            at,
            format!("a starter or solution names exactly one source, found {chosen}"),
        )
        .help("write one of `pilot: ID`, `file: NAME` or `previous: true`"));
    }
    if let Some(pilot) = &derived.pilot {
        return quickwin_sandbox::catalogue::find(&pilot.value)
            .map(str::to_string)
            .ok_or_else(|| {
                let known: Vec<String> = quickwin_sandbox::catalogue::CATALOGUE
                    .iter()
                    .map(|(id, _)| format!("`{id}`"))
                    .collect();
                DeriveError::new(
                    pilot.span,
                    format!("there is no catalogue pilot `{}`", pilot.value),
                )
                .help(format!("the pilots are {}", known.join(", ")))
            });
    }
    if let Some(file) = &derived.file {
        let path = dir.join(&file.value);
        return std::fs::read_to_string(&path).map_err(|e| {
            DeriveError::new(file.span, format!("cannot read `{}`: {e}", path.display()))
                .help("name a file in the exercise's folder")
        });
    }
    previous.map(str::to_string).ok_or_else(|| {
        DeriveError::new(
            at,
            "`previous: true`, but no exercise comes before this one",
        )
        .help("name a `pilot` or a `file` instead")
    })
}

fn tree(text: &str) -> Result<(Source, yaml::Node), String> {
    let source = Source::new("derived.yaml", text);
    let node = yaml::parse(&source).map_err(|d| {
        format!(
            "the source is not YAML: {}",
            d.first().map_or("", |d| d.message.as_str())
        )
    })?;
    Ok((source, node))
}

/// Remove the keys or list items `path` selects, with their lines.
pub fn remove(text: &str, path: &str) -> Result<String, String> {
    let parsed = Path::parse(path).map_err(|e| e.to_string())?;
    let (_, root) = tree(text)?;
    let hits = parsed.select(&root);
    if hits.is_empty() {
        return Err(format!("`remove`: the path `{path}` selects nothing"));
    }
    let mut cuts: Vec<(usize, usize)> = hits
        .iter()
        .map(|h| {
            let end = content_end(h.node).max(h.entry.end);
            if in_flow_list(text, h.entry.start) {
                flow_item(text, h.entry.start, end)
            } else {
                // A block item's dash is on the line where its content starts.
                (line_start(text, h.entry.start), line_end(text, end))
            }
        })
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = text.to_string();
    let mut last_start = usize::MAX;
    for (start, end) in cuts.into_iter().rev() {
        // A cut inside one already made (a key inside a removed item) is done.
        if end > last_start {
            continue;
        }
        out.replace_range(start..end, "");
        last_start = start;
    }
    Ok(out)
}

/// Replace the scalar `path` selects by `value`.
pub fn set(text: &str, path: &str, value: &Json) -> Result<String, String> {
    let parsed = Path::parse(path).map_err(|e| e.to_string())?;
    let (_, root) = tree(text)?;
    let hits = parsed.select(&root);
    let [hit] = hits.as_slice() else {
        return Err(format!(
            "`set`: the path `{path}` selects {} places; it must select exactly one",
            hits.len()
        ));
    };
    if !matches!(hit.node.kind, Kind::Scalar(..)) {
        return Err(format!(
            "`set`: `{path}` is {}, not a single value",
            hit.node.describe()
        ));
    }
    let rendered = match value {
        Json::String(s) if plain_safe(s) => s.clone(),
        Json::String(s) => Json::String(s.clone()).to_string(),
        Json::Null => "null".to_string(),
        other => other.to_string(),
    };
    let mut out = text.to_string();
    out.replace_range(hit.node.span.start..hit.node.span.end, &rendered);
    Ok(out)
}

fn plain_safe(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with([
            ' ', '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"',
            '%', '@', '`',
        ])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with([' ', ':'])
        && !yaml::is_null_word(s)
        && !matches!(s, "true" | "false")
        && s.parse::<f64>().is_err()
}

/// Whether the item starting at `at` is written inside `[…]`: what precedes it on its
/// line is `[` or `,`, not a block list's `-` or a key's indentation.
fn in_flow_list(text: &str, at: usize) -> bool {
    text[..at].trim_end_matches(' ').ends_with(['[', ','])
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// An item of a flow list with the comma that separates it from its neighbour.
fn flow_item(text: &str, start: usize, end: usize) -> (usize, usize) {
    let after = &text[end..];
    let trimmed = after.trim_start_matches(' ');
    if let Some(rest) = trimmed.strip_prefix(',') {
        let spaces = rest.len() - rest.trim_start_matches(' ').len();
        return (start, end + (after.len() - trimmed.len()) + 1 + spaces);
    }
    let before = text[..start].trim_end_matches(' ');
    match before.strip_suffix(',') {
        Some(b) => (b.len(), end),
        None => (start, end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TEXT: &str = "\
sla: 5d   # five days
roles:
  - id: applicant
    kind: citizen
  # the office
  - id: clerk
    kind: staff
languages: [ar, en]
fees:
  - id: fee
    amount: 5000
";

    #[test]
    fn removes_keys_and_items_with_their_lines() {
        assert_eq!(
            remove(TEXT, "roles[clerk]").unwrap(),
            TEXT.replace("  - id: clerk\n    kind: staff\n", "")
        );
        assert_eq!(
            remove(TEXT, "fees").unwrap(),
            TEXT.replace("fees:\n  - id: fee\n    amount: 5000\n", "")
        );
        assert_eq!(
            remove(TEXT, "roles[applicant].kind").unwrap(),
            TEXT.replace("    kind: citizen\n", "")
        );
        assert_eq!(
            remove(TEXT, "languages[en]").unwrap(),
            TEXT.replace("[ar, en]", "[ar]")
        );
        assert_eq!(
            remove(TEXT, "languages[ar]").unwrap(),
            TEXT.replace("[ar, en]", "[en]")
        );
        assert!(
            remove(TEXT, "roles[nobody]")
                .unwrap_err()
                .contains("selects nothing")
        );
    }

    #[test]
    fn sets_scalars_quoting_when_needed() {
        assert_eq!(
            set(TEXT, "sla", &json!("30d")).unwrap(),
            TEXT.replace("sla: 5d", "sla: 30d")
        );
        assert_eq!(
            set(TEXT, "fees[fee].amount", &json!(6000)).unwrap(),
            TEXT.replace("5000", "6000")
        );
        assert_eq!(
            set(TEXT, "sla", &json!("a: b")).unwrap(),
            TEXT.replace("sla: 5d", "sla: \"a: b\"")
        );
        assert!(
            set(TEXT, "roles", &json!(1))
                .unwrap_err()
                .contains("not a single value")
        );
    }
}
