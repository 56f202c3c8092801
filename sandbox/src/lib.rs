//! The quickwin sandbox: the world a pilot needs in a workshop. Mock agencies with
//! realistic data, a service registry, and an X-Road-style information mediator whose
//! hash-chained message log makes the architecture visible.

pub mod access;
pub mod admin;
pub mod agencies;
pub mod catalogue;
pub mod data;
pub mod db;
pub mod error;
pub mod faults;
pub mod mediator;
pub mod members;
pub mod messagelog;
pub mod pages;
pub mod ratelimit;
pub mod registry;
pub mod server;
pub mod state;
pub mod util;

pub use server::{Opened, SandboxError, app, open};
pub use state::{AppState, Config};
