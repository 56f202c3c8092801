//! The expression language of blueprints: conditions, computed values and fees.
//!
//! ```text
//! age(date_of_birth) >= 6 and governorate in ['baghdad', 'basra']
//! if(count(household) > 5, 100, 80) - sum(household, monthly_income) / 10000
//! ```
//!
//! Expressions are parsed into an [`Ast`], type-checked against the fields they may see
//! ([`Scope`]) when the blueprint is checked, and evaluated by the runtime.

mod ast;
mod eval;
mod parse;
mod types;

pub use ast::{Ast, BinOp, Node, UnOp};
pub use eval::{Date, EvalError, Row, Value, evaluate};
pub use parse::parse;
pub use types::{FUNCTIONS, Scope, Ty, Var, check};

/// A problem in an expression, with its place inside the expression text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// Byte offset where it starts, within the expression.
    pub start: usize,
    /// Byte offset where it ends, within the expression.
    pub end: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Whether it is a syntax error (else a type error).
    pub syntax: bool,
}

impl ExprError {
    pub(crate) fn syntax(start: usize, end: usize, message: impl Into<String>) -> Self {
        ExprError {
            start,
            end,
            message: message.into(),
            help: None,
            syntax: true,
        }
    }

    pub(crate) fn types(start: usize, end: usize, message: impl Into<String>) -> Self {
        ExprError {
            syntax: false,
            ..ExprError::syntax(start, end, message)
        }
    }

    pub(crate) fn help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// `25,000` at `start..end`: the expression reads a number written with thousands
    /// separators as several numbers, which gives a puzzling error further on.
    pub(crate) fn thousands(start: usize, end: usize, written: &str, syntax: bool) -> Self {
        ExprError {
            syntax,
            ..ExprError::syntax(
                start,
                end,
                format!("`{written}` has thousands separators; numbers are written without them"),
            )
            .help(Some(format!("write `{}`", written.replace(',', ""))))
        }
    }
}

/// The parsed form of an expression, remembered: the runtime evaluates the same few
/// expressions of a blueprint on every request. `None` when it does not parse (a checked
/// blueprint's expressions always do).
pub fn parse_cached(text: &str) -> Option<std::sync::Arc<Ast>> {
    static PARSED: std::sync::OnceLock<crate::memo::Memo<Ast>> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(Default::default)
        .get(text, |t| parse(t).ok())
}
