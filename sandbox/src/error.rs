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
    /// The seconds to wait before trying again (sets `Retry-After`).
    pub retry_after: Option<u64>,
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
            retry_after: None,
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

    /// Ask the caller to wait `seconds` before trying again.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
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
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from(seconds));
        }
        response
    }
}

/// A database error as a client is told it: a constraint the request broke is its own
/// fault (409, naming the kind of constraint); a database busy with other writers is
/// worth a retry (503); anything else is the sandbox's fault (500). The error itself —
/// SQL, table and column names — is logged, never sent.
impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ffi;
        let code = match &error {
            rusqlite::Error::SqliteFailure(e, _) => Some((e.code, e.extended_code)),
            _ => None,
        };
        match code {
            Some((rusqlite::ErrorCode::ConstraintViolation, extended)) => {
                tracing::info!(%error, "sandbox: a request broke a database constraint");
                let broken = match extended {
                    ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                        "a record with the same key exists already"
                    }
                    ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
                        "it refers to a record that does not exist"
                    }
                    ffi::SQLITE_CONSTRAINT_NOTNULL => "a required value is missing",
                    ffi::SQLITE_CONSTRAINT_CHECK => "a value is outside what the agency accepts",
                    _ => "it conflicts with the agency's records",
                };
                ApiError::new(
                    StatusCode::CONFLICT,
                    "Agency.Conflict",
                    "the request conflicts with the agency's records",
                )
                .detail(broken)
            }
            Some((rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked, _)) => {
                tracing::warn!(%error, "sandbox: the database is busy");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Server.Busy",
                    "the sandbox is busy; try again",
                )
            }
            _ => {
                tracing::error!(%error, "sandbox: the database failed");
                ApiError::internal()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    /// The error `sql` raises in a database of one table `t` with a unique `id`, a
    /// required `name`, a positive `n` and a reference to `t`.
    fn failing(sql: &str) -> rusqlite::Error {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys=ON;
             CREATE TABLE t (id TEXT PRIMARY KEY, name TEXT NOT NULL, n INTEGER CHECK (n > 0), parent TEXT REFERENCES t(id));
             INSERT INTO t VALUES ('a', 'A', 1, NULL);",
        )
        .unwrap();
        conn.execute_batch(sql).unwrap_err()
    }

    #[test]
    fn a_broken_constraint_is_the_clients_409_naming_the_kind_and_never_the_schema() {
        for (sql, detail) in [
            (
                "INSERT INTO t VALUES ('a', 'B', 1, NULL)",
                "a record with the same key exists already",
            ),
            (
                "INSERT INTO t VALUES ('b', 'B', 1, 'nobody')",
                "it refers to a record that does not exist",
            ),
            (
                "INSERT INTO t VALUES ('b', NULL, 1, NULL)",
                "a required value is missing",
            ),
            (
                "INSERT INTO t VALUES ('b', 'B', 0, NULL)",
                "a value is outside what the agency accepts",
            ),
        ] {
            let e = ApiError::from(failing(sql));
            assert_eq!(e.status, StatusCode::CONFLICT, "{sql}");
            assert_eq!(e.kind, "Agency.Conflict");
            assert_eq!(e.detail, detail, "{sql}");
            let body = e.body().to_string();
            assert!(
                !body.contains("t.") && !body.contains("constraint failed"),
                "{body}"
            );
        }
    }

    #[test]
    fn any_other_database_error_is_a_500_that_says_nothing_of_it() {
        let e = ApiError::from(failing("SELECT nothing FROM nowhere"));
        assert_eq!(e, ApiError::internal());
        assert!(!e.body().to_string().contains("nowhere"));
        let e = ApiError::from(rusqlite::Error::QueryReturnedNoRows);
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}
