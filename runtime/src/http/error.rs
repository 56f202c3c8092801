//! The answer of the one error type: its [`Kind`] as an HTTP status, and the body
//! `{type, message, problems?}` in the request's language.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::failure::{ApiError, Kind, pick};

impl Kind {
    /// The HTTP status a failure of this kind is answered with.
    pub fn status(self) -> StatusCode {
        match self {
            Kind::NotFound | Kind::UnknownAction => StatusCode::NOT_FOUND,
            Kind::InvalidRequest | Kind::IntegrationFailed | Kind::Refused => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Kind::SlotFull
            | Kind::Duplicate
            | Kind::NotAllowedNow
            | Kind::NotDue
            | Kind::NotIssued
            | Kind::AlreadyPaid => StatusCode::CONFLICT,
            Kind::Forbidden => StatusCode::FORBIDDEN,
            Kind::Unauthorized => StatusCode::UNAUTHORIZED,
            Kind::PaymentDeclined => StatusCode::PAYMENT_REQUIRED,
            Kind::IntegrationUnavailable | Kind::PaymentsUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Kind::PaymentsFailed => StatusCode::BAD_GATEWAY,
            Kind::PaymentsTimedOut => StatusCode::GATEWAY_TIMEOUT,
            Kind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Kind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Kind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl ApiError {
    /// The HTTP status it is answered with.
    pub fn status(&self) -> StatusCode {
        self.kind().status()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let lang = self.language().to_string();
        let mut body = json!({"type": self.kind().name(), "message": self.message()});
        if !self.problems().is_empty() {
            body["problems"] = Value::Array(
                self.problems()
                    .iter()
                    .map(|p| {
                        json!({"field": p.field, "code": p.code,
                            "message": pick(&p.message, &lang).cloned().unwrap_or_default()})
                    })
                    .collect(),
            );
        }
        let mut response = (self.status(), Json(body)).into_response();
        if let Some(seconds) = self.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if !lang.is_empty() {
            if let Ok(v) = HeaderValue::from_str(&lang) {
                response.headers_mut().insert(header::CONTENT_LANGUAGE, v);
            }
        }
        response
    }
}
