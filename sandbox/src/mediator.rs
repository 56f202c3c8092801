//! The information mediator: `/r1/{INSTANCE}/{CLASS}/{MEMBER}/{SUBSYSTEM}/{SERVICE}/{path}`
//! with `X-Road-Client` proved by the client's key (`Authorization: Bearer KEY`), message
//! ids unique per client, access rights, forwarding with a time limit (signed for the
//! service with its own key), and a log entry for every call, written before the answer
//! goes back.

use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, Full};
use tower::ServiceExt;

use crate::error::ApiError;
use crate::faults::{self, Fault};
use crate::members::{self, ADMIN_CLIENT};
use crate::messagelog::Entry;
use crate::registry::Backend;
use crate::state::AppState;
use crate::util::{base64, mask_digits, percent_decode, sha256_hex};

/// The largest request or response body the mediator passes on: 10 MiB.
pub const MAX_BODY: usize = 10 * 1024 * 1024;

/// Header names under which a client identifies itself (X-Road's, and GovStack's aliases).
const CLIENT_HEADERS: &[&str] = &[
    "x-road-client",
    "x-govstack-client",
    "information-mediator-client",
];

/// Headers passed on to the service.
const FORWARDED: &[&str] = &[
    "content-type",
    "accept",
    "accept-language",
    "x-road-client",
    "x-road-id",
    "x-road-userid",
    "x-road-issue",
    "idempotency-key",
];

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The subsystem a service belongs to: the first four parts of its identifier.
fn members_subsystem(service: &str) -> String {
    service.split('/').take(4).collect::<Vec<_>>().join("/")
}

fn valid_part(p: &str) -> bool {
    !p.is_empty()
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The mediator's handler for everything under `/r1/`.
pub async fn handle(
    State(app): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let time = crate::util::now_rfc3339();
    let supplied = header(&headers, "x-road-id");
    let id = supplied.clone().unwrap_or_else(crate::util::message_id);
    // A body over the limit is refused (and logged) rather than cut.
    let (body, too_large) = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => (b, false),
        Err(_) => (Bytes::new(), true),
    };
    let raw = uri.path().strip_prefix("/r1/").unwrap_or_default();
    let segments: Vec<&str> = raw.split('/').collect();
    let service_id: String = segments
        .iter()
        .take(5)
        .map(|s| percent_decode(s).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("/");
    let rest = format!(
        "/{}",
        segments
            .iter()
            .skip(5)
            .copied()
            .collect::<Vec<_>>()
            .join("/")
    );
    let path_and_query = match uri.query() {
        Some(q) => format!("{rest}?{q}"),
        None => rest.clone(),
    };
    let client = CLIENT_HEADERS.iter().find_map(|h| header(&headers, h));
    let mut entry = Entry {
        time,
        client: client.clone().unwrap_or_else(|| "-".to_string()),
        service: service_id.clone(),
        // Personal identifiers are masked after decoding, wherever a caller put them.
        message_id: match &supplied {
            Some(s) => mask_identifiers(s),
            None => id.clone(),
        },
        user_id: header(&headers, "x-road-userid").map(|u| sha256_hex(u.as_bytes())),
        issue: header(&headers, "x-road-issue").map(|i| mask_identifiers(&i)),
        method: method.to_string(),
        path: mask_digits(
            &percent_decode(&path_and_query).unwrap_or_else(|| path_and_query.clone()),
        ),
        status: 0,
        duration_us: 0,
        request_hash: sha256_hex(&body),
        response_hash: String::new(),
        error: None,
    };
    let request_hash = base64(&sha2_of(&[
        method.as_str().as_bytes(),
        b"\n",
        path_and_query.as_bytes(),
        b"\n",
        &body,
    ]));
    // The fault a trainer set on the mock agency called, when one applied.
    let mut fault: Option<Fault> = None;
    let outcome = if too_large {
        Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Client.RequestTooLarge",
            "the request body is too large",
        )
        .detail(format!(
            "the mediator passes on at most {} MiB",
            MAX_BODY / (1024 * 1024)
        ))
        .mediator())
    } else {
        forward(
            &app,
            &method,
            &headers,
            body,
            client.as_deref(),
            &service_id,
            &path_and_query,
            segments.len(),
            (&id, supplied.is_some()),
            &mut fault,
        )
        .await
    };
    let mut response = match outcome {
        Ok(r) => r,
        Err(e) => {
            entry.error = Some(e.kind.clone());
            e.into_response()
        }
    };
    let (parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    if let Some(f) = fault {
        // Noted in the error column, after the error type if there is one, so the
        // entry's fields and its MAC keep their meaning.
        entry.error = Some(match entry.error.take() {
            Some(kind) => format!("{kind} fault:{f}"),
            None => format!("fault:{f}"),
        });
    }
    entry.status = parts.status.as_u16();
    entry.response_hash = sha256_hex(&bytes);
    entry.duration_us = started.elapsed().as_micros() as u64;
    response = Response::from_parts(parts, Body::from(bytes));
    let h = response.headers_mut();
    for (name, value) in [
        ("x-road-id", id.as_str()),
        ("x-road-service", service_id.as_str()),
        ("x-road-request-hash", request_hash.as_str()),
    ] {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(HeaderName::from_static(name), v);
        }
    }
    if let Err(error) = app.log.append(entry).await {
        tracing::error!(%error, "sandbox: the message log failed; the answer was withheld");
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Server.ServerProxy.LogFailed",
            "the call could not be logged, so its answer is withheld",
        )
        .mediator()
        .into_response();
    }
    response
}

/// Digit runs long enough to be a national id or a phone number (eight or more) masked
/// but for their last two digits, after percent-decoding; shorter runs, such as those of
/// a case number `BC-2026-000007`, are kept.
fn mask_identifiers(text: &str) -> String {
    crate::util::mask_runs(&percent_decode(text).unwrap_or_else(|| text.to_string()), 8)
}

/// The key a caller presents: `Authorization: Bearer KEY`.
fn bearer(headers: &HeaderMap) -> Option<String> {
    header(headers, "authorization")?
        .strip_prefix("Bearer ")
        .map(|k| k.trim().to_string())
}

fn sha2_of(parts: &[&[u8]]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().to_vec()
}

/// A mock agency's successful JSON answer with wrong data (see [`faults::wrong_data`]);
/// any other answer as it was.
async fn wrong_answer(response: Response) -> Response {
    if !response.status().is_success() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .unwrap_or_default();
    let body = match faults::wrong_body(&bytes) {
        Some(wrong) => {
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            Body::from(wrong)
        }
        None => Body::from(bytes),
    };
    Response::from_parts(parts, body)
}

#[allow(clippy::too_many_arguments)]
async fn forward(
    app: &AppState,
    method: &Method,
    headers: &HeaderMap,
    body: Bytes,
    client: Option<&str>,
    service_id: &str,
    path_and_query: &str,
    segment_count: usize,
    (message_id, supplied_id): (&str, bool),
    applied: &mut Option<Fault>,
) -> Result<Response, ApiError> {
    let Some(client) = client else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Client.MissingClientHeader",
            "the `X-Road-Client` header is missing",
        )
        .detail(
            "send `X-Road-Client: INSTANCE/CLASS/MEMBER/SUBSYSTEM`, e.g. `IQ/GOV/MOH/primary-care`",
        )
        .mediator());
    };
    let parts: Vec<&str> = client.split('/').collect();
    if parts.len() != 4 || !parts.iter().all(|p| valid_part(p)) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Client.InvalidClientIdentifier",
            "the `X-Road-Client` header is not a client subsystem identifier",
        )
        .detail(format!(
            "expected `INSTANCE/CLASS/MEMBER/SUBSYSTEM`, found `{client}`"
        ))
        .mediator());
    }
    let authenticated = bearer(headers).is_some_and(|key| app.members.authenticates(client, &key));
    if !authenticated {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Client.AuthenticationFailed",
            "the caller could not be authenticated as the client it names",
        )
        .detail(format!(
            "send `Authorization: Bearer KEY` with the key of `{client}`; `quickwin sandbox member add {client}` issues it"
        ))
        .mediator());
    }
    // Before the message id is claimed, so a refused call may be sent again as it was.
    if let Err(wait) = app.limiter.check(client) {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Client.RateLimited",
            "the client is calling faster than the mediator allows",
        )
        .detail(format!(
            "`{client}` may make {} calls a second (up to {} at once); try again after `Retry-After` seconds",
            app.config.client_rate.map_or(0, |r| r.per_second),
            app.config.client_rate.map_or(0, |r| r.burst),
        ))
        .retry_after(seconds.max(1))
        .mediator());
    }
    if supplied_id && !app.log.claim_id(client, message_id) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "Client.DuplicateMessageId",
            "the client has used this message id before",
        )
        .detail("give every call a new `X-Road-Id`, or leave it out and the mediator gives one")
        .mediator());
    }
    if segment_count < 5 || service_id.split('/').any(|p| !valid_part(p)) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Client.InvalidServiceIdentifier",
            "the path does not name a service",
        )
        .detail("call `/r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE/path`")
        .mediator());
    }
    let Some(service) = app.registry.get(service_id) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "Server.ServerProxy.UnknownService",
            "no service is registered under this identifier",
        )
        .detail(format!("`{service_id}`"))
        .mediator());
    };
    // The administrator (a trainer) may read the sandbox's own agencies; nothing else.
    let admin_reads = client == ADMIN_CLIENT && matches!(service.backend, Backend::Internal(_));
    if !admin_reads && !app.access.allows(client, service_id) {
        let mut detail = format!(
            "`{client}` may not call `{service_id}`; rights are granted in access.yaml (`quickwin sandbox grant BLUEPRINT` adds a blueprint's)"
        );
        if let Some(problem) = app.access.problem() {
            detail.push_str(&format!(
                "; the file's last edit was not applied: {problem}"
            ));
        }
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Server.ServerProxy.AccessDenied",
            "the client has no right to call this service",
        )
        .detail(detail)
        .mediator());
    }
    let timeout = app.config.upstream_timeout;
    let upstream_failed = |why: String| {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "Server.ServerProxy.ServiceFailed",
            "the service did not answer",
        )
        .detail(why)
        .mediator()
    };
    let timed_out = || {
        ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "Server.ServerProxy.Timeout",
            "the service did not answer in time",
        )
        .detail(format!("no answer within {} ms", timeout.as_millis()))
        .mediator()
    };
    match &service.backend {
        Backend::Internal(router) => {
            let subsystem = members_subsystem(service_id);
            *applied = app.faults.get(&subsystem);
            if *applied == Some(Fault::Unavailable) {
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Server.ServiceUnavailable",
                    "the service is unavailable",
                )
                .detail(format!("`{subsystem}` is not answering; try again later"))
                .mediator());
            }
            let delay = match *applied {
                Some(Fault::Slow { ms }) => {
                    std::time::Duration::from_millis(ms.min(faults::MAX_SLOW_MS))
                }
                _ => std::time::Duration::ZERO,
            };
            let mut request = Request::builder()
                .method(method.clone())
                .uri(path_and_query);
            for name in FORWARDED {
                if let Some(v) = headers.get(*name) {
                    request = request.header(*name, v.clone());
                }
            }
            let request = request
                .body(Body::from(body))
                .map_err(|e| upstream_failed(e.to_string()))?;
            let answer = async {
                tokio::time::sleep(delay).await;
                router.clone().oneshot(request).await
            };
            match tokio::time::timeout(timeout, answer).await {
                Err(_) => Err(timed_out()),
                Ok(Err(never)) => match never {},
                Ok(Ok(response)) if *applied == Some(Fault::WrongData) => {
                    Ok(wrong_answer(response).await)
                }
                Ok(Ok(response)) => Ok(response),
            }
        }
        Backend::Url(base) => {
            let target = format!("{}{}", base.trim_end_matches('/'), path_and_query);
            let mut request = hyper::Request::builder()
                .method(method.clone())
                .uri(&target);
            for name in FORWARDED {
                if let Some(v) = headers.get(*name) {
                    request = request.header(*name, v.clone());
                }
            }
            // The service checks with its own key that the call came through here.
            if let Some(key) = app.members.key_of(&members_subsystem(service_id)) {
                let path = target
                    .parse::<Uri>()
                    .ok()
                    .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()))
                    .unwrap_or_default();
                let time = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_secs();
                let signature =
                    members::sign(&key, time, message_id, client, method.as_str(), &path);
                request = request.header(members::SIGNATURE_HEADER, signature);
                if !headers.contains_key("x-road-id") {
                    request = request.header("x-road-id", message_id);
                }
            }
            let request = request
                .body(Full::new(body))
                .map_err(|e| upstream_failed(e.to_string()))?;
            let response = match tokio::time::timeout(timeout, app.http.request(request)).await {
                Err(_) => return Err(timed_out()),
                Ok(Err(e)) => return Err(upstream_failed(format!("`{base}`: {e}"))),
                Ok(Ok(r)) => r,
            };
            let (parts, body) = response.into_parts();
            let bytes = match tokio::time::timeout(timeout, body.collect()).await {
                Err(_) => return Err(timed_out()),
                Ok(Err(e)) => return Err(upstream_failed(e.to_string())),
                Ok(Ok(c)) => c.to_bytes(),
            };
            let mut out = Response::builder().status(parts.status);
            for (name, value) in &parts.headers {
                if !matches!(
                    name.as_str(),
                    "connection" | "transfer-encoding" | "content-length" | "keep-alive"
                ) {
                    out = out.header(name, value);
                }
            }
            out.body(Body::from(bytes))
                .map_err(|e| upstream_failed(e.to_string()))
        }
    }
}
