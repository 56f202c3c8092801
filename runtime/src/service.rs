//! A served blueprint: its store opened and migrated, its API state, its outbox worker,
//! live reload of its file, and the mounting of many services in one process under
//! path prefixes (a workshop host runs one per team this way). A service holds nothing
//! another shares: its own store, hooks, templates and metrics.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use axum::Router;
use rusqlite::Connection;

use super::mediator::Mediator;
use super::outbox;
use super::store::{self, Applied, StoreError};
use crate::state::ApiState;
use quickwin_blueprint::check::{Checked, LoadError, check_file};
use quickwin_blueprint::clock::Now;
use quickwin_blueprint::model::Blueprint;

/// Why a service could not be opened or reloaded.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The blueprint file could not be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The blueprint has errors; the diagnostics say which.
    #[error("the blueprint has errors")]
    Invalid(Box<Checked>),
    /// A page template of the team's own (`templates/` beside the blueprint) is broken.
    #[error("{0}")]
    Templates(String),
    /// A reload would change the service's id, which names its store, its registration
    /// and its hooks: that needs a restart.
    #[error(
        "the blueprint's id changed from `{from}` to `{to}`; restart the service to serve it under its new id"
    )]
    IdChanged {
        /// The id being served.
        from: String,
        /// The id in the file now.
        to: String,
    },
    /// The store could not be opened or migrated.
    #[error("the store `{path}`: {source}")]
    Store {
        /// The store's file.
        path: String,
        /// What went wrong.
        source: StoreError,
    },
}

/// Open (creating when needed) the store of `bp` at `path`, migrated to the blueprint.
pub fn open_store(
    bp: &Blueprint,
    path: &Path,
    force: bool,
) -> Result<(Connection, Applied), ServiceError> {
    let err = |source: StoreError| ServiceError::Store {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            err(StoreError::Sqlite(rusqlite::Error::ToSqlConversionFailure(
                Box::new(e),
            )))
        })?;
    }
    let mut conn = Connection::open(path).map_err(|e| err(e.into()))?;
    let applied = store::migrate(&mut conn, bp, force, &Now::read().stamp).map_err(err)?;
    Ok((conn, applied))
}

/// The folder of a team's own page templates: `templates/` beside the blueprint.
pub fn templates_dir(blueprint: &Path) -> PathBuf {
    blueprint
        .parent()
        .map_or_else(|| PathBuf::from("templates"), |d| d.join("templates"))
}

/// Check a blueprint file: the blueprint, or the diagnostics that stop it.
pub fn load(path: &Path) -> Result<(Blueprint, Checked), ServiceError> {
    let checked = check_file(path)?;
    match checked.blueprint.clone() {
        Some(bp) => Ok((bp, checked)),
        None => Err(ServiceError::Invalid(Box::new(checked))),
    }
}

/// A change made to every version of a blueprint after it is checked and before it is
/// served: a workshop host gives a team's copy of a pilot the team's own identity
/// (subsystem suffix, partner teams' clients) this way, so that a reload keeps it.
pub type Adapt = std::sync::Arc<dyn Fn(&mut Blueprint) + Send + Sync>;

/// A service ready to serve: its state (shared with the outbox worker) and its router.
pub struct Service {
    /// The state.
    pub state: ApiState,
    /// Where its blueprint comes from, for live reload.
    pub file: PathBuf,
    /// The change made to every version read from `file`, if any.
    pub adapt: Option<Adapt>,
}

impl Service {
    /// Open the service of the blueprint file `file` with its store at `db`.
    pub fn open(
        file: &Path,
        db: &Path,
        force: bool,
        mediator_base: Option<&str>,
    ) -> Result<(Service, Applied, Checked), ServiceError> {
        Service::open_adapted(file, db, force, mediator_base, None)
    }

    /// [`Service::open`], with every version of the blueprint changed by `adapt` before it
    /// is served (this one and every reload).
    pub fn open_adapted(
        file: &Path,
        db: &Path,
        force: bool,
        mediator_base: Option<&str>,
        adapt: Option<Adapt>,
    ) -> Result<(Service, Applied, Checked), ServiceError> {
        let (mut bp, checked) = load(file)?;
        if let Some(adapt) = &adapt {
            adapt(&mut bp);
        }
        let (conn, applied) = open_store(&bp, db, force)?;
        let mediator = mediator_base.map(|base| Mediator::new(base, bp.interop.as_str()));
        let pages = crate::theme::templates_from(Some(&templates_dir(file)))
            .map_err(ServiceError::Templates)?;
        let state = ApiState::new(bp, conn, mediator)
            .with_readers(db, 2)
            .map_err(|e| ServiceError::Store {
                path: db.display().to_string(),
                source: e.into(),
            })?;
        state.replace_pages(pages);
        Ok((
            Service {
                state,
                file: file.to_path_buf(),
                adapt,
            },
            applied,
            checked,
        ))
    }

    /// The same service with the agency's own `hooks`, which no other service sees.
    pub fn with_hooks(mut self, hooks: impl super::hooks::Hooks) -> Self {
        self.state = self.state.with_hooks(hooks.installed());
        self
    }

    /// The same service guarded with `settings` (see [`crate::guard::Settings`]).
    pub fn with_guard(mut self, settings: crate::guard::Settings) -> Self {
        self.state = self.state.with_guard(settings);
        self
    }

    /// The service's router.
    pub fn router(&self) -> Router {
        crate::app::app(self.state.clone())
    }

    /// Start the outbox worker (notifications, retries, reminders, no-shows).
    pub fn spawn_worker(&self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(outbox::work(self.state.clone()))
    }

    /// Check the file again and, when it is valid and its store migrates, serve the new
    /// version from the next request on; requests under way finish with the old one.
    pub fn reload(&self) -> Result<(Applied, Checked), ServiceError> {
        self.reload_with(false)
    }

    /// [`Service::reload`]; with `force`, a change that would lose data is applied too.
    pub fn reload_with(&self, force: bool) -> Result<(Applied, Checked), ServiceError> {
        let (mut bp, checked) = load(&self.file)?;
        if let Some(adapt) = &self.adapt {
            adapt(&mut bp);
        }
        let serving = self.state.blueprint();
        if bp.id.value != serving.id.value {
            return Err(ServiceError::IdChanged {
                from: serving.id.value.clone(),
                to: bp.id.value.clone(),
            });
        }
        let pages = crate::theme::templates_from(Some(&templates_dir(&self.file)))
            .map_err(ServiceError::Templates)?;
        let applied = {
            let mut conn = self.state.conn.lock().unwrap_or_else(|e| e.into_inner());
            store::migrate(&mut conn, &bp, force, &Now::read().stamp).map_err(|source| {
                ServiceError::Store {
                    path: "the service's store".into(),
                    source,
                }
            })?
        };
        self.state.replace(bp);
        self.state.replace_pages(pages);
        Ok((applied, checked))
    }

    /// Watch the blueprint file, reloading on every change; `report` hears of each
    /// attempt. Polls twice a second (no extra dependency, and it works on every file
    /// system, network shares included).
    pub fn watch(
        self: std::sync::Arc<Self>,
        report: impl Fn(Result<(Applied, Checked), ServiceError>) + Send + 'static,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            // The blueprint and the team's templates: a change to either reloads.
            let templates = |p: &Path| {
                let mut latest: Vec<SystemTime> = std::fs::read_dir(templates_dir(p))
                    .map(|entries| {
                        entries
                            .flatten()
                            .filter_map(|e| e.metadata().and_then(|m| m.modified()).ok())
                            .collect()
                    })
                    .unwrap_or_default();
                latest.sort();
                latest
            };
            let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
            let mut last = (modified(&self.file), templates(&self.file));
            // What was last tried: an editor that writes a file twice (or touches it)
            // changes its time, not its text, and must not hear the same answer twice.
            let mut tried = (std::fs::read(&self.file).ok(), last.1.clone());
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                let now = (modified(&self.file), templates(&self.file));
                if now == last {
                    continue;
                }
                last = now.clone();
                let text = std::fs::read(&self.file).ok();
                if text == tried.0 && now.1 == tried.1 {
                    continue;
                }
                tried = (text, now.1);
                let me = self.clone();
                if let Ok(result) = tokio::task::spawn_blocking(move || me.reload()).await {
                    report(result);
                }
            }
        })
    }
}

/// Many services in one router, each under its prefix (e.g. `/teams/water`, its start
/// page at `/teams/water/`). A prefix [`BasePath`](super::base::BasePath) refuses
/// (`..`, `?`, a space) is a mistake of the caller's and panics, as axum's `nest` does.
pub fn mount<'a>(services: impl IntoIterator<Item = (&'a str, &'a Service)>) -> Router {
    let mut router = Router::new();
    for (prefix, service) in services {
        let base: super::base::BasePath = prefix.parse().unwrap_or_else(|e| panic!("{e}"));
        router = router.merge(super::base::nest(&base, service.router()));
    }
    router
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    fn catalogue(name: &str) -> PathBuf {
        PathBuf::from(format!(
            "{}/../blueprints/{name}.yaml",
            env!("CARGO_MANIFEST_DIR")
        ))
    }

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("quickwin-service-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    async fn get(router: &Router, uri: &str) -> (StatusCode, serde_json::Value) {
        let res = router
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or_default())
    }

    #[tokio::test]
    async fn many_services_share_one_router_under_prefixes() {
        let dir = temp("mount");
        let (water, _, _) =
            Service::open(&catalogue("water-fees"), &dir.join("w.db"), false, None).unwrap();
        let (birth, _, _) = Service::open(
            &catalogue("birth-certificate"),
            &dir.join("b.db"),
            false,
            None,
        )
        .unwrap();
        let router = mount([("/teams/water", &water), ("/teams/birth", &birth)]);
        let (status, w) = get(&router, "/teams/water/api/service").await;
        assert_eq!(
            (status, w["id"].as_str()),
            (StatusCode::OK, Some("water-fees"))
        );
        let (_, b) = get(&router, "/teams/birth/api/service").await;
        assert_eq!(b["id"], "birth-certificate");
        assert_eq!(get(&router, "/api/service").await.0, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn a_reload_that_changes_the_id_is_refused() {
        let dir = temp("id-change");
        let file = dir.join("service.yaml");
        let text = std::fs::read_to_string(catalogue("birth-certificate")).unwrap();
        std::fs::write(&file, &text).unwrap();
        let (service, _, _) = Service::open(&file, &dir.join("s.db"), false, None).unwrap();
        std::fs::write(
            &file,
            text.replacen("id: birth-certificate", "id: birth-registration", 1),
        )
        .unwrap();
        match service.reload() {
            Err(ServiceError::IdChanged { from, to }) => {
                assert_eq!(
                    (from.as_str(), to.as_str()),
                    ("birth-certificate", "birth-registration")
                );
            }
            other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
        }
        assert_eq!(service.state.blueprint().id.as_str(), "birth-certificate");
    }

    #[tokio::test]
    async fn a_valid_edit_is_applied_and_an_invalid_one_is_refused() {
        let dir = temp("reload");
        let file = dir.join("service.yaml");
        let text = std::fs::read_to_string(catalogue("birth-certificate")).unwrap();
        std::fs::write(&file, &text).unwrap();
        let (service, _, _) = Service::open(&file, &dir.join("s.db"), false, None).unwrap();
        let router = service.router();
        std::fs::write(&file, text.replace("version: 1.0.0", "version: 1.1.0")).unwrap();
        service.reload().unwrap();
        assert_eq!(get(&router, "/api/service").await.1["version"], "1.1.0");
        std::fs::write(
            &file,
            text.replace("initial: submitted", "initial: nowhere"),
        )
        .unwrap();
        assert!(matches!(service.reload(), Err(ServiceError::Invalid(_))));
        assert_eq!(get(&router, "/api/service").await.1["version"], "1.1.0");
    }

    #[tokio::test]
    async fn a_teams_own_template_replaces_the_built_in_one() {
        let dir = temp("templates");
        let file = dir.join("service.yaml");
        std::fs::copy(catalogue("water-fees"), &file).unwrap();
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        std::fs::write(
            dir.join("templates/start.html"),
            r#"{% extends "base.html" %}{% block content %}<h1>Our own start page</h1>{% endblock content %}"#,
        )
        .unwrap();
        let (service, _, _) = Service::open(&file, &dir.join("s.db"), false, None).unwrap();
        let res = service
            .router()
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let html = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        assert!(String::from_utf8_lossy(&html).contains("Our own start page"));
        std::fs::write(dir.join("templates/start.html"), "{% block content %}").unwrap();
        let Err(ServiceError::Templates(why)) = service.reload() else {
            panic!("a broken template must be refused")
        };
        assert!(why.contains("start.html"), "{why}");
    }
}
