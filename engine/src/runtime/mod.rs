//! The runtime that serves a blueprint: the checking of submitted answers, cases and
//! their workflow with its effects (calls to other agencies, notifications, fees,
//! documents, appointments), the SQLite store whose schema follows the blueprint, the
//! HTTP API with its OpenAPI document, and the service that mounts it all.

pub mod accounts;
pub mod answers;
pub mod api;
pub mod appointments;
pub mod cases;
pub mod clock;
pub mod effects;
pub mod mediator;
pub mod metrics;
pub mod openapi;
pub mod outbox;
pub mod service;
pub mod steps;
pub mod store;
