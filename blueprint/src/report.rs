//! Diagnostics as text for people, rustc-style: each with its location and a snippet
//! of the blueprint, then a summary line. Shared by every command line that loads a
//! blueprint (`quickwin` and the projects it generates); JSON for tools is the CLI's.

use std::fmt::Write;

use crate::plural::english;
use crate::{Checked, Diagnostic, Severity, Source, Span};

/// The report of one file: each diagnostic with a snippet, then a summary line.
pub fn human(checked: &Checked) -> String {
    let mut out = String::new();
    for d in &checked.diagnostics {
        render(&mut out, &checked.source, d);
    }
    let errors = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = checked.diagnostics.len() - errors;
    let name = &checked.source.name;
    let _ = match (errors, warnings) {
        (0, 0) => writeln!(out, "ok: {name} is a valid blueprint"),
        (0, w) => writeln!(
            out,
            "ok: {name} is valid, with {}",
            english(w, "warning", "warnings")
        ),
        (e, 0) => writeln!(out, "invalid: {name} has {}", english(e, "error", "errors")),
        (e, w) => writeln!(
            out,
            "invalid: {name} has {} and {}",
            english(e, "error", "errors"),
            english(w, "warning", "warnings")
        ),
    };
    out
}

/// Diagnostics of any file read by the blueprint's loader (a workshop's exercise or
/// check file, say), each with its snippet, without a summary line.
pub fn diagnostics(source: &Source, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        render(&mut out, source, d);
    }
    out
}

fn render(out: &mut String, source: &Source, d: &Diagnostic) {
    let pos = source.position(d.span.start);
    let gutter = " ".repeat(
        pos.line.max(1).to_string().len().max(
            d.labels
                .iter()
                .map(|l| source.position(l.span.start).line.to_string().len())
                .max()
                .unwrap_or(0),
        ),
    );
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        d.severity.as_str(),
        d.code.as_str(),
        d.message
    );
    let _ = writeln!(
        out,
        "{gutter}--> {}:{}:{}",
        source.name, pos.line, pos.column
    );
    let _ = writeln!(out, "{gutter} |");
    snippet(out, source, d.span, '^', "", &gutter);
    for label in &d.labels {
        let p = source.position(label.span.start);
        let _ = writeln!(out, "{gutter}::: {}:{}:{}", source.name, p.line, p.column);
        snippet(out, source, label.span, '-', &label.message, &gutter);
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{gutter} = help: {help}");
    }
    out.push('\n');
}

fn snippet(out: &mut String, source: &Source, span: Span, mark: char, message: &str, gutter: &str) {
    let pos = source.position(span.start);
    let line = source.line_text(pos.line).replace('\t', " ");
    let width = line.chars().count();
    let end = source.position(span.end);
    let end_col = if end.line == pos.line {
        end.column
    } else {
        width + 1
    };
    let len = end_col.saturating_sub(pos.column).max(1);
    let lineno = pos.line.to_string();
    let pad = " ".repeat(gutter.len() - lineno.len());
    let _ = writeln!(out, "{lineno}{pad} | {line}");
    let marks: String = std::iter::repeat_n(mark, len).collect();
    let message = if message.is_empty() {
        String::new()
    } else {
        format!(" {message}")
    };
    let _ = writeln!(
        out,
        "{gutter} | {}{marks}{message}",
        " ".repeat(pos.column - 1)
    );
}
