//! The one HTTP error type of the sandbox: a status and a JSON body `{type, message, detail}`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answered to an HTTP client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The status.
    pub status: StatusCode,
    /// Where it arose, dotted: `Client.…` (the caller's fault), `Server.ServerProxy.…`
    /// (the mediator or the service behind it), or `Agency.…` (a mock agency's own answer).
    pub kind: String,
    /// What went wrong, in plain words.
    pub message: String,
    /// Details that help, such as the id that was not found.
    pub detail: String,
    /// Whether the mediator itself raised it (sets `X-Road-Error`).
    pub from_mediator: bool,
}

impl ApiError {
    /// An error with a status, a type and a message.
    pub fn new(status: StatusCode, kind: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            kind: kind.to_string(),
            message: message.into(),
            detail: String::new(),
            from_mediator: false,
        }
    }

    /// Add details.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    /// Mark it as raised by the mediator.
    pub fn mediator(mut self) -> Self {
        self.from_mediator = true;
        self
    }

    /// 404 from an agency: nothing with this id.
    pub fn not_found(what: &str, id: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "Agency.NotFound",
            format!("no {what} with this id"),
        )
        .detail(format!("`{id}`"))
    }

    /// 422 from an agency: the request names every problem.
    pub fn invalid(problems: Vec<String>) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Agency.InvalidRequest",
            "the request is not valid",
        )
        .detail(problems.join("; "))
    }

    /// 500: something failed inside the sandbox (details are logged, not sent).
    pub fn internal() -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Server.Internal",
            "the sandbox failed to answer; see its log",
        )
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        json!({"type": self.kind, "message": self.message, "detail": self.detail})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        if self.from_mediator {
            if let Ok(v) = HeaderValue::from_str(&self.kind) {
                response.headers_mut().insert("x-road-error", v);
            }
        }
        response
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> Self {
        eprintln!("sandbox: database error: {error}");
        ApiError::internal()
    }
}
