//! One service as one router: the API ([`crate::http`]) and the pages
//! ([`crate::portal`]), with the body limit and the metrics around both. It works
//! nested under any path (`Router::nest`, [`crate::base::nest`]): nothing in it
//! assumes where it is mounted.

use axum::Router;
use axum::middleware;

use crate::routes::MAX_BODY;
use crate::state::ApiState;

/// The service's router.
pub fn app(state: ApiState) -> Router {
    crate::http::routes()
        .merge(crate::portal::routes())
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::http::measure,
        ))
        .with_state(state)
}
