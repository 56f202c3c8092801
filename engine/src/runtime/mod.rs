//! The runtime that serves a blueprint. So far: the checking of submitted answers, cases and
//! their workflow, and the SQLite store, whose schema follows the blueprint and migrates
//! when it changes. The HTTP API and the pages come next.

pub mod accounts;
pub mod answers;
pub mod api;
pub mod cases;
pub mod store;
