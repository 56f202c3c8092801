//! The one error type of a service's operations ([`ApiError`]): a [`Kind`], a message
//! per language and every problem named. It knows nothing of HTTP: the front
//! ([`crate::http::error`]) gives each kind its status and body.

use crate::accounts::AccountError;
use crate::cases::CaseError;
use quickwin_blueprint::answers::Problem;
use std::collections::BTreeMap;

/// What kind of failure it is: its name (the `type` of the error body) and, for the
/// HTTP front, its status ([`crate::http::error`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No such case, document, resource or operation, or the access code is wrong.
    NotFound,
    /// The service has no such action.
    UnknownAction,
    /// The request or its answers have problems.
    InvalidRequest,
    /// A call to another agency that the step needs refused it.
    IntegrationFailed,
    /// The agency's own code refused the step.
    Refused,
    /// The appointment slot is taken.
    SlotFull,
    /// An application with the same unique answers exists.
    Duplicate,
    /// The step cannot be taken from the case's state, or its condition does not hold.
    NotAllowedNow,
    /// The fee is not due.
    NotDue,
    /// The document is not issued yet.
    NotIssued,
    /// The fee is paid already.
    AlreadyPaid,
    /// None of one's roles may do it.
    Forbidden,
    /// No valid staff session.
    Unauthorized,
    /// The card was declined.
    PaymentDeclined,
    /// Another agency that the step needs cannot be reached now.
    IntegrationUnavailable,
    /// No mediator is configured, so the payments service cannot be reached.
    PaymentsUnavailable,
    /// The payments service answered with an error.
    PaymentsFailed,
    /// The payments service did not answer in time.
    PaymentsTimedOut,
    /// Too many requests of one kind from one client (or messages to one phone): try
    /// again later.
    TooManyRequests,
    /// The body (an uploaded file, a draft) is larger than allowed.
    TooLarge,
    /// The body is not of the type the route reads.
    UnsupportedMediaType,
    /// The service itself failed (its log says why).
    Internal,
}

impl Kind {
    /// The name clients see as the error's `type`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::NotFound => "NotFound",
            Kind::UnknownAction => "UnknownAction",
            Kind::InvalidRequest => "InvalidRequest",
            Kind::IntegrationFailed => "IntegrationFailed",
            Kind::Refused => "Refused",
            Kind::SlotFull => "SlotFull",
            Kind::Duplicate => "Duplicate",
            Kind::NotAllowedNow => "NotAllowedNow",
            Kind::NotDue => "NotDue",
            Kind::NotIssued => "NotIssued",
            Kind::AlreadyPaid => "AlreadyPaid",
            Kind::Forbidden => "Forbidden",
            Kind::Unauthorized => "Unauthorized",
            Kind::PaymentDeclined => "PaymentDeclined",
            Kind::IntegrationUnavailable => "IntegrationUnavailable",
            Kind::PaymentsUnavailable | Kind::PaymentsFailed | Kind::PaymentsTimedOut => {
                "PaymentsUnavailable"
            }
            Kind::TooManyRequests => "TooManyRequests",
            Kind::UnsupportedMediaType => "UnsupportedMediaType",
            Kind::TooLarge => "TooLarge",
            Kind::Internal => "Internal",
        }
    }
}

/// The one error type of a service's operations: a [`Kind`] and a message (per
/// language where it has them), with every problem of the answers named; the HTTP front
/// answers it as `{type, message, problems?}` in the request's language.
#[derive(Debug)]
pub struct ApiError {
    pub(crate) kind: Kind,
    pub(crate) message: String,
    pub(crate) messages: BTreeMap<String, String>,
    pub(crate) problems: Vec<Problem>,
    pub(crate) language: String,
    /// For a [`Kind::TooManyRequests`]: the seconds to wait (`Retry-After`).
    pub(crate) retry_after: Option<u64>,
}

impl ApiError {
    /// A failure of `kind`, told by `message`.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            message: message.into(),
            messages: BTreeMap::new(),
            problems: Vec::new(),
            language: String::new(),
            retry_after: None,
        }
    }

    /// The request has a problem told by `message`.
    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError::new(Kind::InvalidRequest, message)
    }

    /// The service failed; its log says why, the client is not told.
    pub fn internal() -> Self {
        ApiError::new(Kind::Internal, "the service failed; see its log")
    }

    /// The same failure with its message per language.
    pub fn with_messages(mut self, messages: BTreeMap<String, String>) -> Self {
        self.messages = messages;
        self
    }

    /// The same error, told in `language` where the texts have it.
    pub fn in_language(mut self, language: &str) -> Self {
        self.language = language.to_string();
        self
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The language it is told in, when one was chosen.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// The message for clients: in its language where the texts have it.
    pub fn message(&self) -> String {
        pick(&self.messages, &self.language)
            .cloned()
            .unwrap_or_else(|| self.message.clone())
    }

    /// The message in `language` (or the default text).
    pub fn message_in(&self, language: &str) -> String {
        pick(&self.messages, language)
            .cloned()
            .unwrap_or_else(|| self.message.clone())
    }

    /// For a refusal of too many requests, the seconds to wait.
    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    /// The problems named, each with its field.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

pub(crate) fn pick<'a>(
    messages: &'a BTreeMap<String, String>,
    language: &str,
) -> Option<&'a String> {
    messages
        .get(language)
        .or_else(|| messages.get("en"))
        .or_else(|| messages.values().next())
}

impl From<CaseError> for ApiError {
    fn from(e: CaseError) -> Self {
        let message = e.to_string();
        match e {
            CaseError::NotFound => ApiError::new(Kind::NotFound, message),
            CaseError::Invalid(problems) => {
                let count = problems.len() as u64;
                ApiError {
                    problems,
                    messages: ["en", "ar"]
                        .map(|l| (l.to_string(), crate::cases::PROBLEMS.text(l, count)))
                        .into(),
                    ..ApiError::invalid(message)
                }
            }
            // The field's own message says it in every language: the slot is full.
            CaseError::SlotFull(problem) => ApiError {
                messages: problem.message.clone(),
                problems: vec![problem],
                ..ApiError::new(Kind::SlotFull, message)
            },
            CaseError::Blocked { messages, .. } => ApiError {
                messages,
                ..ApiError::new(Kind::IntegrationFailed, message)
            },
            CaseError::Unavailable { messages, .. } => ApiError {
                messages,
                ..ApiError::new(Kind::IntegrationUnavailable, message)
            },
            CaseError::Duplicate { messages, .. } => ApiError {
                messages,
                ..ApiError::new(Kind::Duplicate, message)
            },
            CaseError::Refused { messages, .. } => ApiError {
                messages,
                ..ApiError::new(Kind::Refused, message)
            },
            CaseError::Hook(err) => {
                tracing::error!(error = %err, "service hooks: a hook failed");
                ApiError::internal()
            }
            CaseError::UnknownAction(_) => ApiError::new(Kind::UnknownAction, message),
            CaseError::WrongState { .. } | CaseError::ConditionFailed { .. } => {
                ApiError::new(Kind::NotAllowedNow, message)
            }
            CaseError::Forbidden { .. } | CaseError::SelfApproval(_) => {
                ApiError::new(Kind::Forbidden, message)
            }
            CaseError::Store(err) => {
                tracing::error!(error = %err, "service store: the store failed");
                ApiError::internal()
            }
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::BadCredentials | AccountError::BadSession => {
                ApiError::new(Kind::Unauthorized, e.to_string())
            }
            AccountError::Store(err) => {
                tracing::error!(error = %err, "service store: the store failed");
                ApiError::internal()
            }
            other => ApiError::invalid(other.to_string()),
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::from(CaseError::Store(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_slot_is_said_in_the_applicants_language() {
        let problem = quickwin_blueprint::answers::Problem {
            field: "appointment".into(),
            code: "slot_full",
            message: BTreeMap::from([
                ("en".to_string(), "This time is no longer free.".to_string()),
                ("ar".to_string(), "لم يعد هذا الموعد متاحاً.".to_string()),
            ]),
        };
        let error = ApiError::from(CaseError::SlotFull(problem)).in_language("ar");
        assert_eq!(error.message(), "لم يعد هذا الموعد متاحاً.");
        assert_eq!(error.message_in("en"), "This time is no longer free.");
    }
}
