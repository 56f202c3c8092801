//! The world a check runs in: the sandbox (mock agencies, registry, mediator and its
//! message log) in this process on a loopback port, and check twins of the team's
//! service that call it.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use quickwin_blueprint::clock::Now;
use quickwin_runtime::accounts;
use quickwin_runtime::mediator::Mediator;
use quickwin_runtime::openapi;
use quickwin_runtime::service::Service;
use quickwin_sandbox::messagelog::Durability;
use quickwin_sandbox::{AppState, Config, catalogue};
use tokio::task::JoinHandle;

use crate::scratch::Scratch;

/// Why the world or a twin could not start.
#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    /// A folder could not be made.
    #[error("cannot make a scratch folder: {0}")]
    Io(#[from] std::io::Error),
    /// The sandbox could not open its data.
    #[error("the sandbox could not start: {0}")]
    Sandbox(String),
    /// The team's service could not start.
    #[error("{0}")]
    Service(String),
}

/// The sandbox, served on a loopback port for the run's twins.
pub struct World {
    /// The sandbox's state: its registry, rights and message log.
    pub state: AppState,
    /// Its address, `http://127.0.0.1:PORT`.
    pub url: String,
    server: Option<JoinHandle<()>>,
    _scratch: Option<Scratch>,
}

impl World {
    /// A fresh sandbox of its own, with synthetic data from `seed`, removed when dropped.
    pub async fn fresh(seed: u64) -> Result<World, WorldError> {
        let scratch = Scratch::new("sandbox")?;
        let mut world = World::open(scratch.path(), seed, true).await?;
        world._scratch = Some(scratch);
        Ok(world)
    }

    /// The sandbox whose data are in `dir` (created when missing).
    pub async fn open(dir: &Path, seed: u64, reset: bool) -> Result<World, WorldError> {
        let config = Config {
            data_dir: dir.to_path_buf(),
            seed,
            reset,
            upstream_timeout: Duration::from_secs(5),
            durability: Durability::Process,
            client_rate: None,
        };
        let opened = quickwin_sandbox::open(config, catalogue::CATALOGUE)
            .map_err(|e| WorldError::Sandbox(e.to_string()))?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let app = quickwin_sandbox::app(opened.state.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(World {
            state: opened.state,
            url,
            server: Some(server),
            _scratch: None,
        })
    }

    /// A sandbox served by someone else (a workshop host serves its own at `url`).
    pub fn shared(state: AppState, url: &str) -> World {
        World {
            state,
            url: url.trim_end_matches('/').to_string(),
            server: None,
            _scratch: None,
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(server) = &self.server {
            server.abort();
        }
    }
}

/// A check twin: the team's blueprint with a throwaway store, served on a loopback
/// port, registered in the world's registry, calling its mediator with message ids that
/// name the run.
pub struct Twin {
    /// The twin's address, `http://127.0.0.1:PORT`.
    pub url: String,
    /// The served service.
    pub service: Arc<Service>,
    /// The demo account of each staff role: name and password.
    pub accounts: BTreeMap<String, (String, String)>,
    server: JoinHandle<()>,
    worker: JoinHandle<()>,
    _scratch: Scratch,
}

impl Twin {
    /// Start a twin of the blueprint file `file` in `world`; its calls carry message ids
    /// starting with `prefix`, and with a `seed` its submission references and the random
    /// letters of its numbers are drawn from it, so that a seeded run gives the same
    /// results twice. With a `suffix` the twin runs as its subsystem with that suffix
    /// (see [`quickwin_runtime::mediator::suffixed`]): in a workshop host's shared
    /// sandbox, a team's twin must not take the place of the pilot the host serves.
    pub async fn start(
        world: &World,
        file: &Path,
        prefix: &str,
        seed: Option<u64>,
        suffix: Option<&str>,
    ) -> Result<Twin, WorldError> {
        let scratch = Scratch::new("twin")?;
        let db = scratch.path().join("service.db");
        let adapt: Option<quickwin_runtime::service::Adapt> = suffix.map(|s| {
            let s = s.to_string();
            Arc::new(move |bp: &mut quickwin_blueprint::Blueprint| {
                bp.interop.value = quickwin_runtime::mediator::suffixed(&bp.interop.value, &s);
            }) as quickwin_runtime::service::Adapt
        });
        let (mut service, _, _) = Service::open_adapted(file, &db, true, Some(&world.url), adapt)
            .map_err(|e| WorldError::Service(e.to_string()))?;
        let bp = service.state.blueprint();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let now = Now::read();
        let key = quickwin_sandbox::server::host(
            &world.state,
            &bp,
            &url,
            openapi::document(&bp, now.today),
        )
        .map_err(|e| WorldError::Service(e.to_string()))?;
        service.state.mediator = Some(
            Mediator::new(&world.url, bp.interop.as_str())
                .with_message_ids(prefix)
                .with_key(&key),
        );
        if let Some(seed) = seed {
            service.state = service
                .state
                .clone()
                .with_seeded_references(seed)
                .map_err(|e| WorldError::Service(e.to_string()))?;
        }
        let made = {
            let conn = service.state.conn.lock().unwrap_or_else(|e| e.into_inner());
            accounts::demo_accounts(&conn, &bp, &now.stamp)
                .map_err(|e| WorldError::Service(e.to_string()))?
        };
        let accounts = made
            .into_iter()
            .map(|a| (a.role, (a.name, a.password)))
            .collect();
        let service = Arc::new(service);
        let worker = service.spawn_worker();
        let app = service.router();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Twin {
            url,
            service,
            accounts,
            server,
            worker,
            _scratch: scratch,
        })
    }

    /// Wait until the twin's outbox has nothing due (notifications sent, calls made),
    /// at most `limit`.
    pub async fn settle(&self, limit: Duration) {
        let started = std::time::Instant::now();
        loop {
            self.service.state.wake.notify_one();
            let due: i64 = {
                let conn = self
                    .service
                    .state
                    .conn
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                conn.query_row(
                    "SELECT COUNT(*) FROM qw_outbox WHERE done_at IS NULL AND next_at <= ?1",
                    [Now::read().secs],
                    |r| r.get(0),
                )
                .unwrap_or(0)
            };
            if due == 0 || started.elapsed() >= limit {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Twin {
    fn drop(&mut self) {
        self.server.abort();
        self.worker.abort();
    }
}
