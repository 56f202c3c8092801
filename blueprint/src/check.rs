//! Checking a blueprint file end to end: bytes in, a model and diagnostics out.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use crate::de;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Blueprint;
use crate::source::{Source, Span};
use crate::validate::validate;
use crate::yaml;

/// The largest blueprint file quickwin reads: 1 MiB (the largest catalogue blueprint is
/// a few dozen KiB).
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// A checked blueprint file.
#[derive(Debug)]
pub struct Checked {
    /// The file, for rendering diagnostics.
    pub source: Source,
    /// The blueprint, when it has no errors.
    pub blueprint: Option<Blueprint>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// Whether the file has no errors (warnings allowed).
    pub fn is_valid(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// A file that could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Reading failed (missing file, no permission, a directory…).
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The path as given.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Read and check a blueprint file.
pub fn check_file(path: &Path) -> Result<Checked, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.display().to_string(),
        source,
    })?;
    Ok(check_bytes(&path.display().to_string(), &bytes))
}

/// Check the bytes of a blueprint file shown as `name`.
pub fn check_bytes(name: &str, bytes: &[u8]) -> Checked {
    if bytes.len() > MAX_FILE_BYTES {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
        let source = Source::new(name, head);
        let d = Diagnostic::error(
            Code::FileTooLarge,
            Span::at(0),
            format!(
                "the file is {:.1} MiB; a blueprint may be at most 1 MiB",
                bytes.len() as f64 / (1024.0 * 1024.0)
            ),
        )
        .with_help("a blueprint describes one service; is this the right file?");
        return Checked {
            source,
            blueprint: None,
            diagnostics: vec![d],
        };
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(e) => {
            let source = Source::new(name, String::from_utf8_lossy(bytes).into_owned());
            // The lossy text has the same bytes up to the first bad one.
            let at = e.valid_up_to();
            let d = Diagnostic::error(
                Code::Encoding,
                Span::new(at, at + 1),
                "the file is not UTF-8 text",
            )
            .with_help("save the file as UTF-8 (in most editors: \"Save with encoding\" → UTF-8)");
            return Checked {
                source,
                blueprint: None,
                diagnostics: vec![d],
            };
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map_or(text.clone(), str::to_string);
    let source = Source::new(name, text);
    let outcome = catch_unwind(AssertUnwindSafe(|| check_source(&source)));
    let (blueprint, diagnostics) = outcome.unwrap_or_else(|_| {
        let d = Diagnostic::error(
            Code::Internal,
            Span::at(0),
            "quickwin failed while checking this file",
        )
        .with_help(
            "this is a bug in quickwin, not in the blueprint; please report it with the file",
        );
        (None, vec![d])
    });
    let len = source.text.len();
    let diagnostics = diagnostics
        .into_iter()
        .map(|mut d| {
            // A parser error at the very end points one past it; keep every span inside.
            d.span = Span::new(d.span.start.min(len), d.span.end.min(len));
            for label in &mut d.labels {
                label.span = Span::new(label.span.start.min(len), label.span.end.min(len));
            }
            d
        })
        .collect();
    Checked {
        source,
        blueprint,
        diagnostics,
    }
}

fn check_source(source: &Source) -> (Option<Blueprint>, Vec<Diagnostic>) {
    let tree = match yaml::parse(source) {
        Ok(tree) => tree,
        Err(diagnostics) => return (None, diagnostics),
    };
    if !matches!(tree.kind, yaml::Kind::Map(_)) {
        let d = Diagnostic::error(
            Code::WrongType,
            tree.span,
            format!(
                "a blueprint is a mapping of keys such as `id:` and `title:`, found {}",
                tree.describe()
            ),
        )
        .with_help("start with `quickwin: 1` on the first line, then `id: my-service`");
        return (None, vec![d]);
    }
    let decoded = de::decode::<Blueprint>(&tree);
    let mut diagnostics = decoded.diagnostics;
    let Some(blueprint) = decoded.value else {
        diagnostics.sort_by_key(|d| (d.span.start, d.severity, d.code));
        return (None, diagnostics);
    };
    diagnostics.extend(validate(&blueprint, source, &decoded.texts));
    diagnostics.sort_by_key(|d| (d.span.start, d.severity, d.code));
    let valid = !diagnostics.iter().any(Diagnostic::is_error);
    (valid.then_some(blueprint), diagnostics)
}
