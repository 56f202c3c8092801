//! The runtime that serves a blueprint. So far: its SQLite store, whose schema follows
//! the blueprint and migrates when the blueprint changes.

pub mod store;
