//! The span of each HTTP request: its method, the route it matched (the pattern, never
//! the path), and — on case routes — the tracking number; once answered, its status and
//! latency, said in one `debug` event. Nothing else of the request is kept: no query
//! string, no header, no body, so no answer, name, national ID, phone number, access
//! code or session token reaches the log.
//!
//! Events raised while a request is handled (a failed store, a failed hook) are inside
//! its span, so a subscriber shows which route and which case they were about.

use std::time::Instant;

use axum::Router;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{MatchedPath, RawPathParams, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use tracing::Instrument;
use tracing::field::Empty;

/// The path parameter of the routes about one case.
const TRACKING: &str = "tracking";

/// `router` with a span around each of its requests (see the module's documentation).
pub fn traced(router: Router) -> Router {
    router.layer(middleware::from_fn(trace))
}

/// The middleware: a `request` span (level `info`, so that the events of a request at
/// `warn` or `error` carry it), and a `debug` event when the answer is ready.
pub async fn trace(
    params: Result<RawPathParams, RawPathParamsRejection>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    // The route pattern is shared (an `Arc`), not copied.
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or("(no route)", MatchedPath::as_str);
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        route = %route,
        tracking = Empty,
        status = Empty,
        latency_ms = Empty,
    );
    if let Some(tracking) = params.ok().as_ref().and_then(tracking) {
        span.record("tracking", tracing::field::display(tracking));
    }
    let response = next.run(request).instrument(span.clone()).await;
    let latency = started.elapsed();
    span.record("status", response.status().as_u16());
    // In milliseconds to the microsecond: `0.412`, not a row of zeros.
    span.record("latency_ms", latency.as_micros() as f64 / 1000.0);
    span.in_scope(|| tracing::debug!("answered"));
    response
}

/// The tracking number among a route's parameters, when it reads as one.
fn tracking(params: &RawPathParams) -> Option<&str> {
    params
        .iter()
        .find(|(key, _)| *key == TRACKING)
        .map(|(_, value)| value)
        .filter(|value| shaped(value))
}

/// Whether `value` has the shape of a tracking number (short; letters, digits, `-`, `_`
/// and `.`): a client may put anything in a path, and only that shape is logged.
fn shaped(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 40
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::{get, post};
    use tower::ServiceExt;

    use super::*;

    /// What a subscriber writes, kept for the test to read.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The log lines of `requests` sent to a traced router whose case routes answer
    /// 200 and 500 (raising an `error` event inside the request), at `level`.
    async fn logged(level: &str, requests: Vec<Request<Body>>) -> String {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(level))
            .with_writer(move || writer.clone())
            .without_time()
            .with_target(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = traced(
            Router::new()
                .route("/api/applications", post(|| async { StatusCode::CREATED }))
                .route("/api/applications/{tracking}", get(|| async { "ok" }))
                .route(
                    "/api/cases/{tracking}/actions/{action}",
                    post(|| async {
                        tracing::error!(error = "disk full", "service store: the store failed");
                        StatusCode::INTERNAL_SERVER_ERROR
                    }),
                ),
        );
        for request in requests {
            app.clone().oneshot(request).await.unwrap();
        }
        String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
    }

    fn request(method: &str, uri: &str) -> Request<Body> {
        Request::builder()
            .method(method)
            .uri(uri)
            .header("x-access-code", "SECRET-CODE")
            .header("cookie", "session=SECRET-TOKEN")
            .body(Body::from(
                r#"{"national_id":"199012345678","phone":"07711234567"}"#,
            ))
            .unwrap()
    }

    #[tokio::test]
    async fn a_request_is_one_debug_line_with_its_route_status_and_tracking_number_only() {
        let said = logged(
            "debug",
            vec![
                request("GET", "/api/applications/WF-2025-000042?code=SECRET-CODE"),
                request("POST", "/api/applications"),
                request("GET", "/nowhere/199012345678"),
            ],
        )
        .await;
        let lines: Vec<&str> = said.lines().collect();
        assert_eq!(lines.len(), 3, "{said}");
        assert!(
            lines[0].contains("request{method=GET route=/api/applications/{tracking} tracking=WF-2025-000042 status=200 latency_ms="),
            "{said}"
        );
        assert!(lines[0].contains("answered"), "{said}");
        assert!(
            lines[1].contains("request{method=POST route=/api/applications status=201 latency_ms="),
            "{said}"
        );
        assert!(lines[2].contains("route=(no route) status=404"), "{said}");
        for secret in [
            "SECRET",
            "199012345678",
            "07711234567",
            "code=",
            "national_id",
        ] {
            assert!(!said.contains(secret), "`{secret}` logged: {said}");
        }
    }

    #[tokio::test]
    async fn at_info_only_the_failures_of_a_request_are_logged_inside_its_span() {
        let said = logged(
            "info",
            vec![
                request("GET", "/api/applications/WF-2025-000042"),
                request("POST", "/api/cases/WF-2025-000043/actions/approve"),
            ],
        )
        .await;
        let lines: Vec<&str> = said.lines().collect();
        assert_eq!(lines.len(), 1, "{said}");
        assert!(lines[0].contains("ERROR"), "{said}");
        assert!(
            lines[0].contains(
                "request{method=POST route=/api/cases/{tracking}/actions/{action} tracking=WF-2025-000043}"
            ),
            "{said}"
        );
        assert!(
            lines[0].contains("service store: the store failed error=\"disk full\""),
            "{said}"
        );
    }

    #[test]
    fn only_what_reads_as_a_tracking_number_is_kept() {
        assert!(shaped("WF-2025-000042"));
        assert!(!shaped("a name with spaces"));
        assert!(!shaped("<script>"));
        assert!(!shaped(""));
        assert!(!shaped(&"9".repeat(41)));
    }
}
