//! A sandbox in a fresh folder, and requests to it.

use std::path::PathBuf;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use quickwin_sandbox::{AppState, Config, app, catalogue, open};
use serde_json::Value;
use tower::ServiceExt;

/// A folder of its own under the target dir.
pub fn folder(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("sandbox-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("test folder");
    dir
}

/// The configuration used by the tests: a short upstream timeout.
pub fn config(dir: PathBuf) -> Config {
    Config {
        data_dir: dir,
        seed: 7,
        upstream_timeout: Duration::from_millis(300),
        ..Config::default()
    }
}

/// A new sandbox in its own folder.
pub fn sandbox(name: &str) -> AppState {
    open(config(folder(name)), catalogue::CATALOGUE)
        .expect("the sandbox opens")
        .state
}

/// A response: status, headers and JSON body (or `Value::Null`).
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub json: Value,
    pub text: String,
}

/// Send a request to the sandbox. A mock agency's own route (`/mock/…`) goes to the
/// agencies' routes inside the process, as only tests reach them; a call through the
/// mediator naming a client subsystem and no credential gets that client's key, and a
/// registration the administrator's, as a member and a trainer would send them.
pub async fn send(
    state: &AppState,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let has = |name: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    if !has("authorization") {
        let client = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("x-road-client"))
            .map(|(_, v)| *v);
        let key = match client {
            Some(c) if uri.starts_with("/r1/") => state.members.issue(c, false).ok(),
            _ if uri == "/registry/services" && method == "POST" => {
                Some(state.members.admin_key().to_string())
            }
            _ => None,
        };
        if let Some(key) = key {
            request = request.header("authorization", format!("Bearer {key}"));
        }
    }
    let body = match body {
        Some(v) => {
            request = request.header("content-type", "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let router = if uri.starts_with("/mock/") {
        quickwin_sandbox::server::agencies_direct(state)
    } else {
        app(state.clone())
    };
    let response = router.oneshot(request.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    // Tera escapes `/` in HTML; the tests read the text as a person would.
    let text = String::from_utf8_lossy(&bytes).replace("&#x2F;", "/");
    Answer {
        status,
        headers,
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

/// GET a URI and expect 200 with JSON.
pub async fn get_ok(state: &AppState, uri: &str) -> Value {
    let a = send(state, "GET", uri, &[], None).await;
    assert_eq!(a.status, StatusCode::OK, "{uri}: {}", a.text);
    a.json
}

/// The client subsystem of the birth-certificate pilot, which the default rights allow
/// to call the civil registry.
pub const CIVIL_STATUS: &str = "IQ/GOV/MOI/civil-status";
