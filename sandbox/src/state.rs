//! The state every handler of the sandbox shares — its configuration, the mock
//! agencies' store, the message log, the registry, the access rights, the members' keys,
//! the HTTP client for services registered by URL, the page templates, the faults injected
//! into the mock agencies and the mediator's rate limit — and nothing else: the
//! mediator, the pages and the server depend on this module, never on each other's.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::access::Rights;
use crate::db::Db;
use crate::faults::Faults;
use crate::members::Members;
use crate::messagelog::{Durability, MessageLog};
use crate::ratelimit::{Limiter, RateLimit};
use crate::registry::Registry;

/// The default time a service may take to answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How the sandbox runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where its SQLite files and `access.yaml` live.
    pub data_dir: PathBuf,
    /// The seed of the synthetic data, used when the data are created.
    pub seed: u64,
    /// Delete and recreate the data, the log and the rights.
    pub reset: bool,
    /// How long the mediator waits for a service.
    pub upstream_timeout: Duration,
    /// How the message log commits.
    pub durability: Durability,
    /// The mediator's limit of calls per client subsystem; `None`, no limit.
    pub client_rate: Option<RateLimit>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from(".quickwin/sandbox"),
            seed: 1,
            reset: false,
            upstream_timeout: DEFAULT_TIMEOUT,
            durability: Durability::Process,
            client_rate: None,
        }
    }
}

/// The HTTP client for services registered by URL.
pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// A new HTTP client.
pub fn http_client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// Everything the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The configuration.
    pub config: Arc<Config>,
    /// The mock agencies' store.
    pub db: Db,
    /// The message log.
    pub log: MessageLog,
    /// The service registry.
    pub registry: Registry,
    /// The access rights: `access.yaml`, followed, and those granted while running.
    pub access: Arc<Rights>,
    /// The client for services registered by URL.
    pub http: HttpClient,
    /// The web pages.
    pub pages: Arc<tera::Tera>,
    /// The members' keys and the administrator's.
    pub members: Members,
    /// The faults a trainer injected into the mock agencies.
    pub faults: Faults,
    /// The mediator's rate limit per client subsystem (`Config::client_rate`).
    pub limiter: Limiter,
}
