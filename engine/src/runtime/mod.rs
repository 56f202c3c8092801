//! The runtime that serves a blueprint. So far: the checking of submitted answers, and the
//! SQLite store, whose schema follows the blueprint and migrates when it changes.

pub mod answers;
pub mod store;
