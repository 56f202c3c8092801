//! The quickwin blueprint language: a service described in one YAML file, loaded,
//! checked and explained, and the pure functions that both the runtime and the tools
//! need to agree on: the checking of answers ([`answers`]), the filling-in of messages
//! and documents ([`effects`]), the clock's arithmetic ([`clock`]) and the day examples
//! are made for ([`examples`]).
//!
//! The flow is one way: bytes → [`yaml`] tree → [`model::Blueprint`] (via [`de`]) →
//! [`validate`] — all behind [`check_bytes`] and [`check_file`]. Nothing here serves,
//! stores or waits on a network: that is the runtime's (`quickwin-runtime`).

pub mod answers;
pub mod check;
pub mod clock;
pub mod dates;
pub mod de;
pub mod diagnostic;
pub mod effects;
pub mod examples;
pub mod expr;
pub mod hours;
pub mod lists;
pub mod memo;
pub mod model;
pub mod numbers;
pub mod phrase;
pub mod plural;
pub mod report;
pub mod rules;
pub mod schema;
pub mod slots;
pub mod source;
pub mod suggest;
pub mod validate;
pub mod yaml;

pub use check::{Checked, LoadError, MAX_FILE_BYTES, check_bytes, check_file};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use model::Blueprint;
pub use source::{Position, Source, Span};

/// A catalogue blueprint, checked, for tests.
#[cfg(test)]
pub(crate) fn catalogue(name: &str) -> model::Blueprint {
    let path = format!("{}/../blueprints/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("a catalogue blueprint");
    check_bytes(&path, text.as_bytes())
        .blueprint
        .expect("the catalogue blueprint is valid")
}
