//! Opening the sandbox (data, log, rights, registry) into its [`AppState`], hosting a
//! service in it, and its HTTP application: the routes of the mediator, the pages and
//! the mock agencies, each handler depending on the state only.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{any, get};

use crate::access::{self, Access, AccessError, Rights};
use crate::admin;
use crate::agencies::{self, store};
use crate::data;
use crate::db::Db;
use crate::faults::Faults;
use crate::mediator;
use crate::members::{self, MemberError, Members};
use crate::messagelog::{LogError, MessageLog};
use crate::pages;
use crate::ratelimit::Limiter;
use crate::registry::{Backend, Registry, Service};
use crate::state::{AppState, Config, http_client};

/// The message log's file in a data folder.
pub fn log_path(data_dir: &Path) -> PathBuf {
    data_dir.join("messagelog.db")
}

/// Why the sandbox could not open.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// A file or folder could not be used.
    #[error("`{path}`: {source}")]
    Io {
        /// The path.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The agencies' database failed.
    #[error("`{path}`: {source}")]
    Database {
        /// The file.
        path: String,
        /// Why.
        source: rusqlite::Error,
    },
    /// The message log failed.
    #[error(transparent)]
    Log(#[from] LogError),
    /// `access.yaml` is wrong.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// A key file could not be read or written.
    #[error(transparent)]
    Members(#[from] MemberError),
    /// A page template is broken (a bug).
    #[error("page templates: {0}")]
    Templates(String),
}

/// An opened sandbox and what happened while opening it.
pub struct Opened {
    /// The state to serve.
    pub state: AppState,
    /// What was created or kept, for the start-up message.
    pub notes: Vec<String>,
}

/// The subsystems whose keys are never issued: the administrator's, whose key is the
/// administrator's own. (A mock agency's subsystem may have a key: a trainer calls as
/// it to show another agency asking; its services are never replaced, see the registry.)
pub fn reserved_members() -> Vec<String> {
    vec![members::ADMIN_CLIENT.to_string()]
}

/// Open (creating when needed) the sandbox's data under `config.data_dir`.
pub fn open(config: Config, catalogue: &[(&str, &str)]) -> Result<Opened, SandboxError> {
    let dir = config.data_dir.clone();
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| SandboxError::Io { path, source }
    };
    let agencies_path = dir.join("agencies.db");
    let access_path = dir.join("access.yaml");
    let log_file = log_path(&dir);
    if config.reset {
        for base in [&agencies_path, &log_file] {
            for suffix in ["", "-wal", "-shm"] {
                let p = PathBuf::from(format!("{}{suffix}", base.display()));
                if p.exists() {
                    std::fs::remove_file(&p).map_err(io(&p))?;
                }
            }
        }
        // A new log gets a new MAC key; the members keep theirs.
        for p in [access_path.clone(), dir.join(members::LOG_KEY_FILE)] {
            if p.exists() {
                std::fs::remove_file(&p).map_err(io(&p))?;
            }
        }
    }
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let mut notes = Vec::new();
    let db_err = |source| SandboxError::Database {
        path: agencies_path.display().to_string(),
        source,
    };
    let db = Db::open(&agencies_path, 4).map_err(db_err)?;
    let origin = db.with_sqlite(|conn| store::origin(conn)).map_err(db_err)?;
    match origin {
        Some((seed, created)) => {
            notes.push(format!(
                "kept the data created on {created} from seed {seed}"
            ));
            if seed != config.seed {
                notes.push(format!(
                    "the data were made from seed {seed}, not {}; add --reset to recreate them",
                    config.seed
                ));
            }
        }
        None => {
            let today = crate::util::today();
            let world = data::generate(config.seed, today);
            db.with_sqlite(|conn| store::fill(conn, &world, config.seed, &today.to_string()))
                .map_err(db_err)?;
            notes.push(format!(
                "created the data from seed {}: {} persons in {} households, {} birth notifications, {} schools, {} water accounts",
                config.seed,
                world.persons.len(),
                world.households.len(),
                world.births.len(),
                world.schools.len(),
                world.water_accounts.len()
            ));
        }
    }
    let log_key = members::secret(&dir, members::LOG_KEY_FILE)?;
    let log = MessageLog::open(&log_file, config.durability, &log_key)?;
    let members = Members::open(&dir, reserved_members())?;
    if !access_path.exists() {
        let (rights, comments) = access::defaults(catalogue);
        std::fs::write(&access_path, rights.to_yaml(&comments)).map_err(io(&access_path))?;
        notes.push(format!(
            "wrote the default access rights to {}",
            access_path.display()
        ));
    }
    let access = Access::load(&access_path)?;
    let registry = Registry::default();
    for svc in agencies::SERVICES {
        let agency = agencies::agency(svc.member);
        registry.register(Service {
            id: svc.id(),
            title_en: svc.title_en.to_string(),
            title_ar: svc.title_ar.to_string(),
            member: svc.member.to_string(),
            agency_en: agency.map_or("", |a| a.en).to_string(),
            agency_ar: agency.map_or("", |a| a.ar).to_string(),
            openapi: serde_json::from_str(svc.openapi).unwrap_or(serde_json::Value::Null),
            direct: None,
            backend: Backend::Internal((svc.routes)().with_state(db.clone())),
        });
    }
    let pages = pages::templates().map_err(|e| SandboxError::Templates(e.to_string()))?;
    let limiter = Limiter::new(config.client_rate);
    Ok(Opened {
        state: AppState {
            config: Arc::new(config),
            db,
            log,
            registry,
            access: Arc::new(Rights::watching(&access_path, access)),
            http: http_client(),
            pages: Arc::new(pages),
            members,
            faults: Faults::default(),
            limiter,
        },
        notes,
    })
}

/// Register a service that the engine serves at `base` (e.g. `http://127.0.0.1:8000`),
/// with each operation it provides as a service of its own subsystem, and grant the
/// access rights its blueprint implies: the calls it makes (and payments and
/// notifications) to its subsystem, and its operations to their listed clients. Returns
/// the subsystem's key, issued now when it had none: the service calls with it, and
/// checks with it that a call to an operation it provides came through the mediator.
pub fn host(
    state: &AppState,
    bp: &quickwin_blueprint::Blueprint,
    base: &str,
    openapi: serde_json::Value,
) -> Result<String, MemberError> {
    let base = base.trim_end_matches('/');
    let client: String = bp.interop.split('/').take(4).collect::<Vec<_>>().join("/");
    let key = state.members.issue(&client, false)?;
    let entry =
        |id: String, title_en: String, title_ar: String, backend: String, openapi| Service {
            member: bp.agency.member.value.clone(),
            agency_en: bp.agency.name.get("en").to_string(),
            agency_ar: bp.agency.name.get("ar").to_string(),
            id,
            title_en,
            title_ar,
            openapi,
            direct: Some(backend.clone()),
            backend: Backend::Url(backend),
        };
    state.registry.register(entry(
        bp.interop.value.clone(),
        bp.title.get("en").to_string(),
        bp.title.get("ar").to_string(),
        base.to_string(),
        openapi,
    ));
    let access = &state.access;
    for op in &bp.provides {
        let id = format!("{client}/{}", op.id.as_str());
        state.registry.register(entry(
            id.clone(),
            op.label.get("en").to_string(),
            op.label.get("ar").to_string(),
            format!("{base}/api/provides/{}", op.id.as_str()),
            serde_json::Value::Null,
        ));
        for c in &op.clients {
            access.grant(&id, c.as_str());
        }
    }
    for i in &bp.integrations {
        access.grant(i.service.as_str(), &client);
    }
    access.grant("IQ/GOV/CBI/payments/payments", &client);
    access.grant("IQ/GOV/MOC/notify/messages", &client);
    Ok(key)
}

/// The mock agencies' own routes, each under `/mock/MEMBER/SUBSYSTEM/SERVICE`, for
/// tests and benchmarks inside one process. [`app`] never serves them: from outside the
/// process the agencies are reached through the mediator only.
pub fn agencies_direct(state: &AppState) -> Router {
    let mut router = Router::new();
    for svc in agencies::SERVICES {
        router = router.nest(&svc.base(), (svc.routes)().with_state(state.db.clone()));
    }
    router
}

/// The sandbox's HTTP application.
pub fn app(state: AppState) -> Router {
    let router = Router::new()
        .route("/", get(pages::home))
        .route("/health", get(|| async { "ok" }))
        .route("/registry", get(pages::catalogue))
        .route(
            "/registry/services",
            get(pages::list_services).post(pages::register_service),
        )
        .route("/registry/services/{*rest}", get(pages::one_service))
        .route("/r1/{*rest}", any(mediator::handle))
        .route(
            "/faults",
            get(admin::list)
                .post(admin::change)
                .delete(admin::clear_all),
        )
        .route("/mediator/messages", get(pages::messages))
        .route("/mediator/messages.json", get(pages::messages_json))
        .route("/mediator/rights.json", get(pages::rights_json))
        .route("/notify/inbox", get(pages::inboxes))
        .route("/notify/inbox/{address}", get(pages::inbox))
        .route("/static/{file}", get(pages::asset));
    // The mock agencies have no routes of their own here: from outside the process they
    // are reached through the mediator only (`Backend::Internal`), authenticated and logged.
    router
        .with_state(state)
        .layer(middleware::from_fn(security_headers))
}

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}
