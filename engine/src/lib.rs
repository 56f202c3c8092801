//! The quickwin engine: the blueprint model, its loading and validation, and the
//! expression language, and the runtime that serves a blueprint (so far: its store).
//!
//! The flow is one way: bytes → [`yaml`] tree → [`model::Blueprint`] (via [`de`]) →
//! [`validate`] — all behind [`check_bytes`] and [`check_file`].

pub mod check;
pub mod de;
pub mod diagnostic;
pub mod expr;
pub mod hours;
pub mod lists;
pub mod memo;
pub mod model;
pub mod plural;
pub mod report;
pub mod runtime;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod validate;
pub mod yaml;

pub use check::{Checked, LoadError, MAX_FILE_BYTES, check_bytes, check_file};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use model::Blueprint;
pub use source::{Position, Source, Span};
