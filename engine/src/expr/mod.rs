//! The expression language of blueprints: conditions, computed values and fees.
//!
//! ```text
//! age(date_of_birth) >= 6 and governorate in ['baghdad', 'basra']
//! if(count(household) > 5, 100, 80) - sum(household, monthly_income) / 10000
//! ```
//!
//! Expressions are parsed into an [`Ast`], type-checked against the fields they may see
//! ([`Scope`]) when the blueprint is checked, and evaluated by the engine at run time.

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
}
