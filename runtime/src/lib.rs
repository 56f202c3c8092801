//! The quickwin runtime: serves one checked blueprint (`quickwin-blueprint`) as a
//! service — cases and their workflow with its effects (calls to other agencies,
//! notifications, fees, documents, appointments), the SQLite store whose schema follows
//! the blueprint, the HTTP API with its OpenAPI document, the citizen pages and the back
//! office — as one value that can be mounted under any path.

pub mod accounts;
pub mod app;
pub mod appointments;
pub mod base;
pub mod cases;
pub mod failure;
pub mod files;
pub mod guard;
pub mod hooks;
pub mod http;
pub mod mediator;
pub mod metrics;
pub mod openapi;
pub mod ops;
pub mod outbox;
pub mod portal;
pub mod queue;
pub mod requests;
pub mod routes;
pub mod server;
pub mod service;
pub mod state;
pub mod steps;
pub mod store;
pub mod text;
pub mod theme;
pub mod writer;

/// A catalogue blueprint, checked, for the runtime's tests.
#[cfg(test)]
pub(crate) fn catalogue(name: &str) -> quickwin_blueprint::model::Blueprint {
    let path = format!("{}/../blueprints/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("a catalogue blueprint");
    quickwin_blueprint::check_bytes(&path, text.as_bytes())
        .blueprint
        .expect("the catalogue blueprint is valid")
}
