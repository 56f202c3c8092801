//! Diagnostics: what `check` reports about a blueprint, each tied to a place in the file.

use serde::Serialize;

use crate::source::Span;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The blueprint is invalid and cannot be served.
    Error,
    /// The blueprint works but something is probably not what the author meant.
    Warning,
}

impl Severity {
    /// The lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal,)*) => {
        /// The kind of a diagnostic: a stable name editors and tests can rely on.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case name of the code.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

codes! {
    /// The file is not valid UTF-8 text.
    Encoding => "encoding",
    /// The file is empty or holds only comments.
    EmptyFile => "empty-file",
    /// The file is larger than a blueprint may be.
    FileTooLarge => "file-too-large",
    /// The text is not valid YAML.
    YamlSyntax => "yaml-syntax",
    /// A mapping has the same key twice.
    DuplicateKey => "duplicate-key",
    /// The document nests deeper than any blueprint needs.
    TooDeep => "too-deep",
    /// Anchors and aliases expand into more nodes than any blueprint needs.
    AliasExpansion => "alias-expansion",
    /// The file holds more than one YAML document.
    MultipleDocuments => "multiple-documents",
    /// A key that the blueprint format does not know.
    UnknownKey => "unknown-key",
    /// A key the blueprint format requires is missing.
    MissingKey => "missing-key",
    /// A value has the wrong shape or type (a list where text was expected, …).
    WrongType => "wrong-type",
    /// A value of the right type that is not allowed (an unknown choice, a malformed id, …).
    InvalidValue => "invalid-value",
    /// Two things of the same kind share an id.
    DuplicateId => "duplicate-id",
    /// A state is used but not declared.
    UnknownState => "unknown-state",
    /// A role is used but not declared.
    UnknownRole => "unknown-role",
    /// A field is used but not declared.
    UnknownField => "unknown-field",
    /// Something else (page, list, record, fee, action, document, integration) is used but not declared.
    UnknownReference => "unknown-reference",
    /// A state that no transition leads to.
    UnreachableState => "unreachable-state",
    /// A final state that has outgoing transitions.
    FinalStateExit => "final-state-exit",
    /// A state that is not final and has no way out.
    DeadEndState => "dead-end-state",
    /// A computed value or condition that does not parse.
    ExpressionSyntax => "expression-syntax",
    /// A computed value or condition whose types do not fit.
    ExpressionType => "expression-type",
    /// Opening hours that do not parse.
    OpeningHours => "opening-hours",
    /// Tariff bands that overlap or leave a gap.
    TariffBands => "tariff-bands",
    /// A key that does not apply where it is used (e.g. `options` on a number field).
    InapplicableKey => "inapplicable-key",
    /// A label that lacks a language the blueprint's other labels have.
    MissingLanguage => "missing-language",
    /// The blueprint contradicts itself in a way the other codes do not name.
    Inconsistent => "inconsistent",
    /// quickwin itself failed on this file; a bug to report, never the author's fault.
    Internal => "internal",
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A secondary place that helps explain a diagnostic ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What it shows.
    pub message: String,
}

/// One problem found in a blueprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The kind of problem.
    pub code: Code,
    /// What is wrong, in plain words.
    pub message: String,
    /// Where it is.
    pub span: Span,
    /// How to fix it, when there is something to say.
    pub help: Option<String>,
    /// Other places that explain it.
    pub labels: Vec<Label>,
}

impl Diagnostic {
    /// An error of `code` at `span`.
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span,
            help: None,
            labels: Vec::new(),
        }
    }

    /// A warning of `code` at `span`.
    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    /// Add a suggestion of how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Add a suggestion if there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Point at another place too.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
