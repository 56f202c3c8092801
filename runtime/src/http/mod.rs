//! The HTTP API of a service: its routes built from the route table
//! ([`crate::routes`]), one handler per operation (thin: read the request, call an
//! operation of [`crate::ops`], answer), the extractors they share ([`extract`]) and the
//! one error type's answer ([`error`]). [`crate::app`] puts them together with the
//! pages, so the handlers are tested with `oneshot` and no port.

pub mod agencies;
pub mod citizen;
pub mod error;
pub mod extract;
pub mod meta;
pub mod staff;
#[cfg(test)]
mod tests;

use crate::routes::{Op, ROUTES, Route};
use crate::state::ApiState;
use axum::Router;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{MethodRouter, delete, get, post};
use std::net::SocketAddr;
use std::time::Instant;

/// The API's routes: every route of [`ROUTES`] with its handler. [`crate::app`] adds
/// the pages and the layers.
pub fn routes() -> Router<ApiState> {
    let mut router = Router::new();
    for route in ROUTES {
        router = router.route(route.path, handler(route));
    }
    router
}

/// The handler of `route`'s operation, on the method the table gives it (a test asks
/// the router every route of the table).
fn handler(route: &Route) -> MethodRouter<ApiState> {
    match route.op {
        Op::Health => get(|| async { "ok" }),
        Op::Metrics => get(meta::metrics),
        Op::OpenApi => get(meta::openapi),
        Op::Service => get(citizen::service),
        Op::Submit => post(citizen::submit),
        Op::Track => get(citizen::track),
        Op::CitizenAct => post(citizen::citizen_act),
        Op::Document => get(citizen::document),
        Op::Pay => post(citizen::pay),
        Op::Upload => post(citizen::upload),
        Op::Resources => get(citizen::resources),
        Op::Slots => get(citizen::slots),
        Op::Verify => get(citizen::verify),
        Op::Provide => get(agencies::provide),
        Op::SignIn => post(staff::sign_in),
        Op::SignOut => delete(staff::sign_out),
        Op::Cases => get(staff::list),
        Op::Case => get(staff::one),
        Op::Attachment => get(staff::attachment),
        Op::StaffAct => post(staff::staff_act),
    }
}

/// The one layer around every request: it tells the request who its client is (a
/// [`crate::guard::Client`] in its extensions), counts it and its latency by method,
/// route pattern and status, and marks the answer's cookies `Secure` when it came over
/// HTTPS. One layer, not two: each layer costs every request a boxed future.
pub(crate) async fn measure(
    State(state): State<ApiState>,
    mut request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let method = request.method().clone();
    let started = Instant::now();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = crate::guard::Client::of(peer, request.headers(), state.guard.settings());
    let https = client.https;
    request.extensions_mut().insert(client);
    let mut response = next.run(request).await;
    if https {
        secure_cookies(&mut response);
    }
    state.metrics.record(
        method.as_str(),
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// Mark every cookie the answer sets `Secure`.
fn secure_cookies(response: &mut Response) {
    let all: Vec<HeaderValue> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    response.headers_mut().remove(header::SET_COOKIE);
    for c in all {
        let secure = c.to_str().map_or(c.clone(), |text| {
            if text.to_ascii_lowercase().contains("; secure") {
                c.clone()
            } else {
                HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(c.clone())
            }
        });
        response.headers_mut().append(header::SET_COOKIE, secure);
    }
}
