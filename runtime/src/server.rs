//! A service on its own: what a project made by `quickwin generate` runs. It opens the
//! service of a blueprint file, registers it with an information mediator when one is
//! named, and serves it until Ctrl-C or SIGTERM. Its banner is printed on standard
//! output; everything else is a `tracing` event for the subscriber the binary installs
//! (see [`Level`]) — never the answers of applicants, only routes, statuses, times and
//! tracking numbers (see [`requests`](super::requests)).

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Instant;

use tracing::level_filters::LevelFilter;

use super::accounts;
use super::base::{self, BasePath};
use super::hooks::Hooks;
use super::mediator::Mediator;
use super::openapi;
use super::service::{Service, ServiceError};
use super::store::StoreError;
use quickwin_blueprint::clock::Now;

/// How much the service logs: the default filter of the binary's subscriber (which
/// `RUST_LOG` overrides), and whether the banner is printed (from `info` on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Only failures.
    Error,
    /// Failures and warnings (e.g. a mediator that cannot be reached).
    Warn,
    /// Also the banner, migrations and reloads.
    Info,
    /// Also one line per request: method, route, tracking number, status, milliseconds.
    Debug,
}

impl From<Level> for LevelFilter {
    fn from(level: Level) -> Self {
        match level {
            Level::Error => LevelFilter::ERROR,
            Level::Warn => LevelFilter::WARN,
            Level::Info => LevelFilter::INFO,
            Level::Debug => LevelFilter::DEBUG,
        }
    }
}

impl FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Ok(Level::Error),
            "warn" | "warning" => Ok(Level::Warn),
            "info" => Ok(Level::Info),
            "debug" => Ok(Level::Debug),
            other => Err(format!(
                "unknown log level `{other}`; expected `error`, `warn`, `info` or `debug`"
            )),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
        })
    }
}

/// How to run a service.
#[derive(Debug, Clone)]
pub struct Options {
    /// The blueprint file.
    pub blueprint: PathBuf,
    /// The address to listen on, e.g. `127.0.0.1` or `0.0.0.0`.
    pub host: String,
    /// The port (0: any free port).
    pub port: u16,
    /// The folder of the store (`service.db`).
    pub data: PathBuf,
    /// The information mediator (the sandbox, or an X-Road security server's REST
    /// gateway), e.g. `http://127.0.0.1:8001`; without it, calls to other agencies fail.
    pub mediator: Option<String>,
    /// The key of the service's subsystem, issued by the mediator (`quickwin sandbox
    /// member add SUBSYSTEM`): the service calls with it and checks with it that a call
    /// to an operation it provides came through the mediator.
    pub member_key: Option<String>,
    /// The address other agencies reach this service at, for the registry; by default
    /// the address it listens on.
    pub public_url: Option<String>,
    /// How much to log; the banner is printed from `info` on.
    pub log: Level,
    /// Make one demo account per staff role at start and print its password.
    pub demo: bool,
    /// Reload the blueprint and the templates when their files change.
    pub watch: bool,
    /// Apply a blueprint change even when it loses data.
    pub force: bool,
    /// The path every page and route is served under (behind a reverse proxy at a
    /// sub-path, e.g. `/services/welfare`); the root by default.
    pub base_path: BasePath,
}

/// Why a service could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The blueprint or the store stopped it.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// The port could not be opened.
    #[error("cannot listen on {address}: {source}; choose another port")]
    Bind {
        /// The address.
        address: String,
        /// Why.
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("the server failed: {0}")]
    Serve(std::io::Error),
    /// An account could not be added.
    #[error(transparent)]
    Account(#[from] super::accounts::AccountError),
}

impl ServerError {
    /// What to tell the person who started the service: the blueprint's diagnostics,
    /// or the data a change would lose, or the error.
    pub fn explain(&self) -> String {
        match self {
            ServerError::Service(ServiceError::Invalid(checked)) => {
                quickwin_blueprint::report::human(checked)
            }
            ServerError::Service(ServiceError::Store {
                path,
                source: StoreError::WouldLoseData { losses },
            }) => {
                let mut out = format!("error: the blueprint change would lose data in `{path}`:\n");
                for loss in losses {
                    out.push_str(&format!("  {loss}\n"));
                }
                out.push_str("  restore the blueprint, or start with --force to lose them\n");
                out
            }
            other => format!("error: {other}\n"),
        }
    }
}

/// Add a back-office account with `roles` to the store in `data` of the service of
/// `blueprint` (creating or migrating the store as serving would); its file.
pub fn add_user(
    blueprint: &std::path::Path,
    data: &std::path::Path,
    name: &str,
    roles: &[String],
    password: &str,
) -> Result<PathBuf, ServerError> {
    let (bp, _) = super::service::load(blueprint)?;
    let db = data.join("service.db");
    let (conn, _) = super::service::open_store(&bp, &db, false)?;
    accounts::add_user(&conn, &bp, name, roles, password, &Now::read().stamp)?;
    Ok(db)
}

/// Open the service of `options.blueprint` with `hooks` and serve it until Ctrl-C or
/// SIGTERM.
pub async fn run<H: Hooks>(options: Options, hooks: H) -> Result<(), ServerError> {
    let started = Instant::now();
    let info = options.log >= Level::Info;
    let address = format!("{}:{}", options.host, options.port);
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .map_err(|source| ServerError::Bind {
            address: address.clone(),
            source,
        })?;
    let port = listener.local_addr().map_or(options.port, |a| a.port());
    let host = match options.host.as_str() {
        "0.0.0.0" | "::" | "[::]" => "127.0.0.1",
        other => other,
    };
    let base = format!("http://{host}:{port}{}", options.base_path);
    let db = options.data.join("service.db");
    let (service, applied, checked) = Service::open(
        &options.blueprint,
        &db,
        options.force,
        options.mediator.as_deref(),
    )?;
    if !checked.diagnostics.is_empty() {
        tracing::warn!(
            "the blueprint has warnings:\n{}",
            quickwin_blueprint::report::human(&checked).trim_end()
        );
    }
    let mut service = service;
    if let Some(key) = &options.member_key {
        service.state.mediator = service.state.mediator.take().map(|m| m.with_key(key));
    }
    // Limits and trusted proxies from `QUICKWIN_GUARD`; cookies are `Secure` behind an
    // `https://` public URL.
    let guard = crate::guard::Settings::from_env(options.public_url.as_deref()).map_err(|e| {
        ServerError::Serve(std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    })?;
    let service = Arc::new(service.with_hooks(hooks).with_guard(guard));
    let bp = service.state.blueprint();
    let registered = match &options.mediator {
        None => "no mediator: calls to other agencies fail; run `quickwin sandbox` and start with --mediator http://127.0.0.1:8080".to_string(),
        Some(url) => {
            let doc = openapi::document(&bp, Now::read().today);
            let public = options.public_url.clone().unwrap_or_else(|| base.clone());
            let mut m = Mediator::new(url, bp.interop.as_str());
            if let Some(key) = &options.member_key {
                m = m.with_key(key);
            }
            let registered = m.register_service(&bp, &public, &doc).await;
            warn_of_missing_rights(&service, &bp, &options.blueprint, url).await;
            match registered {
                Ok(()) => format!("registered with the mediator at {url} as {public}"),
                Err(e) => {
                    if !info {
                        tracing::warn!(
                            mediator = %url,
                            error = %e,
                            "could not register with the mediator; calls to other agencies fail until it runs"
                        );
                    }
                    format!(
                        "warning: could not register with the mediator at {url}: {e}; calls to other agencies fail until it runs"
                    )
                }
            }
        }
    };
    if info {
        println!(
            "{}: {} (`{}` {}) listening on {base} (ready in {} ms)",
            bp.id.as_str(),
            one_line(bp.title.get(bp.default_language())),
            bp.interop.as_str(),
            one_line(&bp.version.value),
            started.elapsed().as_millis()
        );
        if let Some(id) = applied.migration {
            println!("  store migrated (migration {id}):");
            for change in &applied.plan.changes {
                println!("    {change}");
            }
        }
        println!("  store                {}", db.display());
        println!("  {registered}");
        for (what, path) in [
            ("citizen pages", "/"),
            ("back office", "/office"),
            ("OpenAPI document", "/openapi.json"),
            ("health", "/health"),
            ("metrics", "/metrics"),
        ] {
            println!("  {what:<20} {base}{path}");
        }
    }
    if options.demo {
        let conn = service.state.conn.lock().unwrap_or_else(|e| e.into_inner());
        let made = accounts::demo_accounts(&conn, &bp, &Now::read().stamp);
        drop(conn);
        match made {
            Ok(made) => {
                println!();
                println!("  demo accounts (new passwords at every start):");
                let width = made
                    .iter()
                    .map(|a| a.role.chars().count())
                    .max()
                    .unwrap_or(0);
                for a in made {
                    println!(
                        "    {:<width$}  name `{}`  password `{}`",
                        a.role, a.name, a.password
                    );
                }
            }
            Err(error) => tracing::error!(%error, "could not create the demo accounts"),
        }
    }
    if info || options.demo {
        println!();
    }
    service.spawn_worker();
    if options.watch {
        service.clone().watch(move |result| match result {
            Ok((applied, _)) => match applied.migration {
                Some(migration) => {
                    tracing::info!(migration, "reloaded the blueprint; the store migrated");
                }
                None => tracing::info!("reloaded the blueprint"),
            },
            Err(e) => tracing::warn!(
                "{}\nkept the running version",
                ServerError::Service(e).explain().trim_end()
            ),
        });
    }
    let app = super::requests::traced(base::nest(&options.base_path, service.router()));
    // The socket's peer is each request's client (see `guard::client`).
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(stopped())
    .await
    .map_err(ServerError::Serve)
}

/// Say which rights the mediator at `url` does not grant the service (when it tells, as
/// the sandbox does), and, the first time it refuses a call for want of one, which right
/// is missing; each time with the command that grants them.
async fn warn_of_missing_rights(
    service: &Service,
    bp: &quickwin_blueprint::model::Blueprint,
    file: &std::path::Path,
    url: &str,
) {
    let Some(m) = service.state.mediator.clone() else {
        return;
    };
    let missing = m.missing_rights(bp).await;
    let data = missing.as_ref().and_then(|(_, d)| d.clone());
    let command = super::mediator::grant_command(&file.display().to_string(), data.as_deref());
    for right in missing.map(|(m, _)| m).unwrap_or_default() {
        warn(super::mediator::denied_warning(
            &right.client,
            &right.service,
            url,
            &command,
        ));
    }
    let (client, base) = (m.client().to_string(), url.to_string());
    m.on_access_denied(move |service| {
        warn(super::mediator::denied_warning(
            &client, service, &base, &command,
        ));
    });
}

/// A warning written for a person, as a `warn` event (whose level says "warning").
fn warn(text: String) {
    let text = text.strip_prefix("warning: ").unwrap_or(&text);
    tracing::warn!("{text}");
}

/// `text` on one line: what breaks lines or moves the cursor shown as spaces, so that
/// the banner reads the same whatever a blueprint's title holds.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Ctrl-C, or SIGTERM (what systemd and Docker send).
async fn stopped() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = ctrl_c => {},
            () = term => {},
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_levels_read_in_any_case_and_an_unknown_one_says_what_is_expected() {
        assert_eq!("DEBUG".parse::<Level>(), Ok(Level::Debug));
        assert_eq!("warning".parse::<Level>(), Ok(Level::Warn));
        assert!(Level::Debug > Level::Info && Level::Warn > Level::Error);
        let e = "loud".parse::<Level>().unwrap_err();
        assert!(e.contains("`loud`") && e.contains("`debug`"), "{e}");
    }
}
