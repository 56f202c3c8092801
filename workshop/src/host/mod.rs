//! The workshop host: one process serves the whole class. The sandbox (mock agencies,
//! registry, mediator and its message log) at `/`, the catalogue's pilots live at
//! `/pilots/<id>/`, every team's service at `/teams/<team>/svc/<id>/` (the engine's own
//! router, mounted under the prefix: one implementation of service behaviour), each
//! team's space at `/teams/<team>/`, and the trainer's dashboard at `/trainer`.
//!
//! A service is a [`Slot`]: its blueprint file, its folder and, while it is used, the
//! open service (store, outbox worker, router). Slots open on their first request and
//! close when idle. A team's copy of a pilot runs with the team's identity
//! ([`identity`]), registered in the shared sandbox under it. Checks run with the same
//! sandbox (`world::World::shared`) and a twin under the team's `-check` suffix, so
//! that a check never touches the team's live service.

pub mod auth;
pub mod diff;
pub mod identity;
pub mod pages;
pub mod serving;
pub mod store;
pub mod teams;
mod work;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use quickwin_blueprint::clock::Now;
use quickwin_runtime::guard::Rate;
use quickwin_runtime::guard::buckets::Buckets;
use quickwin_runtime::mediator::Mediator;
use quickwin_runtime::openapi;
use quickwin_runtime::service::{Adapt, Service, ServiceError};
use quickwin_sandbox::messagelog::Durability;
use quickwin_sandbox::{AppState, Config, catalogue};
use tokio::task::JoinHandle;

use crate::load::{Curriculum, Loaded};
use crate::world::World;
use identity::Directory;
use serving::{Live, demo_accounts, unavailable};
pub use serving::{Slot, dispatch, kept_accounts, services};
use store::{Push, Store};
use teams::{Class, TeamsError};
pub use work::{PushError, Pushed, valid_file, write_atomic};

/// How the host runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where everything is kept: `teams.yaml`, `host.db`, `sandbox/`, `teams/`, `pilots/`.
    pub data: PathBuf,
    /// The curriculum, e.g. `workshops/iq-2012`.
    pub workshop: Option<PathBuf>,
    /// The address the host's own services reach it at (`http://127.0.0.1:8080`): the
    /// mediator's base for every service, and the base of their registry entries.
    pub url: String,
    /// A service unused this long is closed (its store and outbox worker); the next
    /// request opens it again.
    pub idle: Duration,
    /// Requests a team's paths take at once, and how fast they come back.
    pub team_rate: Rate,
    /// The largest file a team may push.
    pub max_file: usize,
    /// The seed of the sandbox's synthetic data.
    pub seed: u64,
    /// The most applications a team's service keeps.
    pub max_cases: u64,
    /// Calls per second a team's subsystem may make through the mediator (and at once).
    pub mediator_rate: (u32, u32),
}

impl Options {
    /// The defaults for a host with its data in `data`, reached at `url`.
    pub fn new(data: &Path, url: &str) -> Options {
        Options {
            data: data.to_path_buf(),
            workshop: None,
            url: url.trim_end_matches('/').to_string(),
            idle: Duration::from_secs(600),
            team_rate: Rate::new(200, Duration::from_millis(5)),
            max_file: 256 * 1024,
            seed: 1,
            max_cases: 5_000,
            mediator_rate: (100, 200),
        }
    }
}

/// Why the host could not start or act.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The class file.
    #[error(transparent)]
    Teams(#[from] TeamsError),
    /// The sandbox.
    #[error("the sandbox could not start: {0}")]
    Sandbox(String),
    /// The host's store.
    #[error("the host's store: {0}")]
    Store(#[from] rusqlite::Error),
    /// A file.
    #[error("`{path}`: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The curriculum has errors.
    #[error("the workshop `{0}` has errors; `quickwin workshop verify {0}` shows them")]
    Curriculum(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> HostError + '_ {
    move |source| HostError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Seconds since 1970.
pub fn now() -> i64 {
    Now::read().secs
}

/// The host's state, shared by every handler.
#[derive(Clone)]
pub struct Host(Arc<Inner>);

/// What [`Host`] holds.
pub struct Inner {
    /// How it runs.
    pub opts: Options,
    /// The sandbox.
    pub sandbox: AppState,
    /// The sandbox as the checks see it.
    pub world: World,
    /// The curriculum, when one was named.
    pub curriculum: Option<Curriculum>,
    /// The class.
    pub class: RwLock<Class>,
    /// Who runs which pilot.
    pub directory: Arc<RwLock<Directory>>,
    /// Every service, by path (`teams/t3`, `pilots/water-fees`).
    pub slots: RwLock<BTreeMap<String, Arc<Slot>>>,
    /// The host's store.
    pub store: Store,
    /// The key of sessions and forms.
    pub secret: [u8; 32],
    /// The teams' request buckets, and the sign-in attempts'.
    pub buckets: Buckets,
    /// The pages.
    pub pages: tera::Tera,
    /// One check run at a time per team.
    runs: Mutex<BTreeMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Services opening at once.
    opening: tokio::sync::Semaphore,
    started: Instant,
}

impl std::ops::Deref for Host {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// A started host, and what its start made.
pub struct Opened {
    /// The host.
    pub host: Host,
    /// The trainer's password, when this start issued it (shown once).
    pub trainer_password: Option<String>,
    /// What the sandbox made or kept.
    pub notes: Vec<String>,
}

impl Host {
    /// Open the host's data (creating what is missing): the sandbox, the class, every
    /// team's folder with its copy of its pilot, the catalogue pilots' folders.
    pub fn open(opts: Options) -> Result<Opened, HostError> {
        std::fs::create_dir_all(&opts.data).map_err(io(&opts.data))?;
        let curriculum = match &opts.workshop {
            Some(dir) => Some(
                crate::load::read(dir)
                    .curriculum
                    .ok_or_else(|| HostError::Curriculum(dir.display().to_string()))?,
            ),
            None => None,
        };
        let opened = quickwin_sandbox::open(
            Config {
                data_dir: opts.data.join("sandbox"),
                seed: opts.seed,
                durability: Durability::Process,
                client_rate: Some(quickwin_sandbox::ratelimit::RateLimit {
                    per_second: opts.mediator_rate.0,
                    burst: opts.mediator_rate.1,
                }),
                ..Config::default()
            },
            catalogue::CATALOGUE,
        )
        .map_err(|e| HostError::Sandbox(e.to_string()))?;
        let mut class = Class::read(&opts.data)?;
        let trainer_password = if class.trainer.is_none() {
            let p = teams::issue_trainer(&opts.data)?;
            class = Class::read(&opts.data)?;
            Some(p)
        } else {
            None
        };
        let secret = secret(&opts.data)?;
        let store = Store::open(&opts.data.join("host.db"))?;
        let world = World::shared(opened.state.clone(), &opts.url);
        let host = Host(Arc::new(Inner {
            directory: Arc::new(RwLock::new(Directory::of(&class))),
            class: RwLock::new(class),
            sandbox: opened.state,
            world,
            curriculum,
            slots: RwLock::new(BTreeMap::new()),
            store,
            secret,
            buckets: Buckets::default(),
            pages: pages::templates(),
            runs: Mutex::new(BTreeMap::new()),
            opening: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, usize::from),
            ),
            started: Instant::now(),
            opts,
        }));
        for (id, text) in catalogue::CATALOGUE {
            let dir = host.opts.data.join("pilots").join(id);
            let file = dir.join("service.yaml");
            if !file.exists() {
                std::fs::create_dir_all(&dir).map_err(io(&dir))?;
                std::fs::write(&file, text).map_err(io(&file))?;
            }
            host.add_slot(format!("pilots/{id}"), None, file, dir, "/pilots".into());
        }
        let names: Vec<String> = host.class().teams.iter().map(|t| t.name.clone()).collect();
        for name in names {
            host.add_team_slot(&name)?;
        }
        Ok(Opened {
            host,
            trainer_password,
            notes: opened.notes,
        })
    }

    /// The class as it is now.
    pub fn class(&self) -> Class {
        self.class.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Read `teams.yaml` again (a team added while the host runs): new teams get their
    /// folder and service, every team's identity follows.
    pub fn reload_class(&self) -> Result<(), HostError> {
        let class = Class::read(&self.opts.data)?;
        *self.directory.write().unwrap_or_else(|e| e.into_inner()) = Directory::of(&class);
        let names: Vec<String> = class.teams.iter().map(|t| t.name.clone()).collect();
        *self.class.write().unwrap_or_else(|e| e.into_inner()) = class;
        for name in names {
            if self.slot(&format!("teams/{name}")).is_none() {
                self.add_team_slot(&name)?;
            }
        }
        Ok(())
    }

    fn add_team_slot(&self, name: &str) -> Result<(), HostError> {
        let team = self.class().team(name)?.clone();
        let dir = teams::folder(&self.opts.data, name);
        let work = dir.join("work");
        let file = work.join("service.yaml");
        if !file.exists() {
            std::fs::create_dir_all(&work).map_err(io(&work))?;
            let text = teams::pilot_text(&team.pilot).unwrap_or_default();
            std::fs::write(&file, text).map_err(io(&file))?;
            self.store.push(
                name,
                &Push {
                    n: 0,
                    at: now(),
                    file: "service.yaml".into(),
                    status: "live".into(),
                    blueprint: Some(team.pilot.clone()),
                    diagnostics: String::new(),
                    text: text.to_string(),
                },
            )?;
            self.store.event(
                name,
                "start",
                &format!("the copy of `{}`", team.pilot),
                now(),
            )?;
        }
        self.add_slot(
            format!("teams/{name}"),
            Some(name.to_string()),
            file,
            dir,
            format!("/teams/{name}/svc"),
        );
        Ok(())
    }

    fn add_slot(
        &self,
        key: String,
        team: Option<String>,
        file: PathBuf,
        dir: PathBuf,
        mount: String,
    ) {
        self.slots
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                key,
                Arc::new(Slot {
                    team,
                    file,
                    dir,
                    mount,
                    live: tokio::sync::Mutex::new(None),
                    used: AtomicU64::new(0),
                }),
            );
    }

    /// The slot at `key` (`teams/t3`, `pilots/water-fees`).
    pub fn slot(&self, key: &str) -> Option<Arc<Slot>> {
        self.slots
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }

    /// Every slot, by key.
    pub fn all_slots(&self) -> Vec<(String, Arc<Slot>)> {
        self.slots
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(k, s)| (k.clone(), s.clone()))
            .collect()
    }

    fn touch(&self, slot: &Slot) {
        slot.used
            .store(self.started.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    /// The adapter of a team's blueprints: the team's identity.
    fn adapt_for(&self, team: &str) -> Adapt {
        let directory = self.directory.clone();
        let team = team.to_string();
        Arc::new(move |bp| {
            directory
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .adapt(&team, bp)
        })
    }

    /// The open service of `slot`, opening it when it is closed.
    pub async fn live(&self, slot: &Arc<Slot>) -> Result<(Arc<Service>, Router), ServiceError> {
        self.touch(slot);
        let mut live = slot.live.lock().await;
        if let Some(l) = live.as_ref() {
            return Ok((l.service.clone(), l.router.clone()));
        }
        let host = self.clone();
        let s = slot.clone();
        // Opening is CPU work (check, migrate, compile the pages): as many at once as
        // there are cores, so that a class arriving at once does not hold every open's
        // memory at the same time.
        let _permit = self.opening.acquire().await;
        let service = tokio::task::spawn_blocking(move || host.open_service(&s, false))
            .await
            .map_err(|e| ServiceError::Templates(e.to_string()))??;
        let service = Arc::new(service);
        let router = service.router();
        let worker = service.spawn_worker();
        *live = Some(Live {
            service: service.clone(),
            router: router.clone(),
            worker,
        });
        Ok((service, router))
    }

    /// Open the service of `slot` (blocking: checks, migrates, registers).
    fn open_service(&self, slot: &Slot, force: bool) -> Result<Service, ServiceError> {
        let (bp, _) = quickwin_runtime::service::load(&slot.file)?;
        let db = slot.dir.join(format!("{}.db", bp.id.as_str()));
        let adapt = slot.team.as_deref().map(|t| self.adapt_for(t));
        let (mut service, _, _) =
            Service::open_adapted(&slot.file, &db, force, Some(&self.opts.url), adapt)?;
        if slot.team.is_some() {
            service = service.with_guard(quickwin_runtime::guard::Settings {
                max_cases: Some(self.opts.max_cases),
                ..Default::default()
            });
        }
        let key = self.register(slot, &service)?;
        let bp = service.state.blueprint();
        service.state.mediator =
            Some(Mediator::new(&self.opts.url, bp.interop.as_str()).with_key(&key));
        demo_accounts(slot, &service);
        Ok(service)
    }

    /// Register `service` in the sandbox: its entries, its rights, its key.
    fn register(&self, slot: &Slot, service: &Service) -> Result<String, ServiceError> {
        let bp = service.state.blueprint();
        let base = format!("{}{}/{}", self.opts.url, slot.mount, bp.id.as_str());
        let mut doc = openapi::document(&bp, Now::read().today);
        if let Some(o) = doc.as_object_mut() {
            o.insert(
                "servers".into(),
                serde_json::json!([{ "url": base.clone() }]),
            );
        }
        quickwin_sandbox::server::host(&self.sandbox, &bp, &base, doc)
            .map_err(|e| ServiceError::Templates(e.to_string()))
    }

    /// Close the services unused for longer than the idle time; how many were closed.
    pub async fn close_idle(&self) -> usize {
        let idle = self.opts.idle.as_millis() as u64;
        let now = self.started.elapsed().as_millis() as u64;
        let mut closed = 0;
        for (_, slot) in self.all_slots() {
            if now.saturating_sub(slot.used.load(Ordering::Relaxed)) < idle {
                continue;
            }
            if let Ok(mut live) = slot.live.try_lock() {
                if live.take().is_some() {
                    closed += 1;
                }
            }
        }
        closed
    }

    /// How many services are open.
    pub fn open_count(&self) -> usize {
        self.all_slots().iter().filter(|(_, s)| s.is_open()).count()
    }

    /// Close `slot`'s service now (a reset), waiting for its lock.
    async fn close(&self, slot: &Slot) {
        slot.live.lock().await.take();
    }

    /// The exercise `id` of the curriculum.
    pub fn exercise(&self, id: &str) -> Option<&Loaded> {
        self.curriculum.as_ref()?.exercise(id)
    }

    /// The day the class is on (1 until the trainer moves it).
    pub fn day(&self) -> u32 {
        self.store
            .setting("day")
            .ok()
            .flatten()
            .and_then(|d| d.parse().ok())
            .unwrap_or(1)
    }

    /// The exercises of the day the class is on.
    pub fn todays(&self) -> Vec<&Loaded> {
        self.exercises_of(Some(self.day()))
    }

    /// The exercises of `day`, or of every day (the whole curriculum) with `None`.
    pub fn exercises_of(&self, day: Option<u32>) -> Vec<&Loaded> {
        let Some(c) = &self.curriculum else {
            return Vec::new();
        };
        c.days
            .iter()
            .filter(|d| day.is_none_or(|day| d.day.value == day))
            .flat_map(|d| &d.exercises)
            .filter_map(|e| c.exercise(&e.value))
            .collect()
    }

    /// A team's folder of files.
    pub fn work(&self, team: &str) -> PathBuf {
        teams::folder(&self.opts.data, team).join("work")
    }

    /// The host's router: the sandbox, the pilots, the teams, the trainer.
    pub fn app(&self) -> Router {
        pages::routes(self.clone()).merge(quickwin_sandbox::app(self.sandbox.clone()))
    }

    /// Read `teams.yaml` again whenever it changes (a team added with `quickwin workshop
    /// team add` while the host runs is served within a second).
    pub fn spawn_class_watch(&self) -> JoinHandle<()> {
        let host = self.clone();
        tokio::spawn(async move {
            let path = host.opts.data.join(teams::TEAMS_FILE);
            let stamp = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
            let mut last = stamp(&path);
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                let now = stamp(&path);
                if now == last {
                    continue;
                }
                last = now;
                match host.reload_class() {
                    Ok(()) => tracing::info!("workshop host: the class was read again"),
                    Err(error) => {
                        tracing::warn!(%error, "workshop host: the class file has mistakes; the class stays as it was")
                    }
                }
            }
        })
    }

    /// Close idle services every half of the idle time, for as long as the host runs.
    pub fn spawn_reaper(&self) -> JoinHandle<()> {
        let host = self.clone();
        tokio::spawn(async move {
            let every = (host.opts.idle / 2).max(Duration::from_secs(1));
            loop {
                tokio::time::sleep(every).await;
                let closed = host.close_idle().await;
                if closed > 0 {
                    tracing::info!(closed, "workshop host: idle services closed");
                }
            }
        })
    }
}

/// The key of sessions and forms, kept in `host.key` (made on first start).
fn secret(data: &Path) -> Result<[u8; 32], HostError> {
    let path = data.join("host.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let bytes: Vec<u8> = (0..text.trim().len() / 2)
            .filter_map(|i| u8::from_str_radix(text.trim().get(i * 2..i * 2 + 2)?, 16).ok())
            .collect();
        if let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice()) {
            return Ok(key);
        }
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| HostError::Sandbox(e.to_string()))?;
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(&path, hex).map_err(io(&path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(io(&path))?;
    }
    Ok(key)
}
