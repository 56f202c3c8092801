//! `quickwin serve`: check a blueprint, migrate its store, and serve it — with the
//! sandbox's registry, mediator and mock agencies in the same process unless
//! `--mediator` names a running sandbox — reloading the blueprint when its file changes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use quickwin_blueprint::Blueprint;
use quickwin_blueprint::clock::Now;
use quickwin_blueprint::{Checked, Severity};
use quickwin_runtime::accounts;
use quickwin_runtime::mediator::{Mediator, denied_warning, grant_command};
use quickwin_runtime::openapi;
use quickwin_runtime::service::{Service, ServiceError};
use quickwin_runtime::store::{Applied, StoreError};
use quickwin_sandbox::messagelog::Durability;
use quickwin_sandbox::{Config, catalogue};

use super::EXIT_USAGE;
use crate::cli::ServeArgs;
use crate::report;

/// The store of a service: `DIR/service.db`, DIR being `--data` or `.quickwin/<id>`.
pub fn store_path(bp: &Blueprint, data: Option<&Path>) -> PathBuf {
    data_dir(bp, data).join("service.db")
}

fn data_dir(bp: &Blueprint, data: Option<&Path>) -> PathBuf {
    data.map_or_else(
        || PathBuf::from(".quickwin").join(bp.id.as_str()),
        Path::to_path_buf,
    )
}

fn print_diagnostics(checked: &Checked) {
    if !checked.diagnostics.is_empty() {
        eprint!("{}", report::human(checked));
    }
}

fn print_migration(applied: &Applied) {
    if let Some(id) = applied.migration {
        println!("  store migrated (migration {id}):");
        for change in &applied.plan.changes {
            println!("    {change}");
        }
    }
}

/// Explain why the blueprint cannot be served; `outcome` says what happens instead.
fn explain(e: &ServiceError, outcome: &str) -> ExitCode {
    match e {
        ServiceError::Invalid(checked) => {
            print_diagnostics(checked);
            let errors = checked
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            eprintln!(
                "error: the blueprint has {}; {outcome}",
                quickwin_blueprint::plural::english(errors, "error", "errors")
            );
            ExitCode::from(1)
        }
        ServiceError::Store {
            path,
            source: StoreError::WouldLoseData { losses },
        } => {
            eprintln!("error: the blueprint change would lose data in `{path}`:");
            for loss in losses {
                eprintln!("  {loss}");
            }
            eprintln!(
                "  restore the blueprint, or add --force to apply the change and lose them; {outcome}"
            );
            ExitCode::from(1)
        }
        other => {
            eprintln!("error: {other}; {outcome}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

const NOT_STARTED: &str = "the service did not start";

/// Run `quickwin serve`.
pub fn run(args: &ServeArgs) -> ExitCode {
    let started = Instant::now();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    runtime.block_on(serve(args, started))
}

async fn bind(host: &str, port: u16, flag: &str) -> Result<tokio::net::TcpListener, ExitCode> {
    let address = format!("{host}:{port}");
    tokio::net::TcpListener::bind(&address).await.map_err(|e| {
        eprintln!("error: cannot listen on {address}: {e}; choose another port with {flag}");
        ExitCode::from(EXIT_USAGE)
    })
}

async fn serve(args: &ServeArgs, started: Instant) -> ExitCode {
    let (bp, _) = match quickwin_runtime::service::load(&args.blueprint) {
        Ok(found) => found,
        Err(e) => return explain(&e, NOT_STARTED),
    };
    let dir = data_dir(&bp, args.data.as_deref());
    let listener = match bind(&args.host, args.port, "--port").await {
        Ok(l) => l,
        Err(code) => return code,
    };
    let local = listener.local_addr().map(|a| a.port()).unwrap_or(args.port);
    // The service's own address: its pages and routes are under the base path.
    let base = format!("http://{}:{local}{}", loopback(&args.host), args.base_path);
    let sandbox_listener = if args.mediator.is_none() {
        match bind("127.0.0.1", args.sandbox_port, "--sandbox-port").await {
            Ok(l) => Some(l),
            Err(code) => return code,
        }
    } else {
        None
    };
    let mediator = match (&args.mediator, &sandbox_listener) {
        (Some(url), _) => url.trim_end_matches('/').to_string(),
        (None, Some(l)) => format!(
            "http://127.0.0.1:{}",
            l.local_addr()
                .map(|a| a.port())
                .unwrap_or(args.sandbox_port)
        ),
        (None, None) => String::new(),
    };
    let (service, applied, checked) = match Service::open(
        &args.blueprint,
        &dir.join("service.db"),
        args.force,
        Some(&mediator),
    ) {
        Ok(s) => s,
        Err(e) => return explain(&e, NOT_STARTED),
    };
    print_diagnostics(&checked);
    let guard = quickwin_runtime::guard::Settings::from_env(None).and_then(|mut s| {
        s.trusted_proxies.extend(args.trusted_proxy.iter().copied());
        match &args.guard {
            Some(spec) => s.with(spec).map_err(|e| format!("in --guard: {e}")),
            None => Ok(s),
        }
    });
    let guard = match guard {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}; {NOT_STARTED}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut service = service.with_guard(guard);
    let doc = openapi::document(&bp, Now::read().today);
    // The sandbox: in this process, or the one named by --mediator.
    // The sandbox in this process, kept to grant the rights of an edited blueprint.
    let mut hosted = None;
    let sandbox_note = if let Some(sandbox_listener) = sandbox_listener {
        let config = Config {
            data_dir: dir.join("sandbox"),
            seed: 1,
            reset: false,
            upstream_timeout: Duration::from_secs(10),
            durability: Durability::Process,
            client_rate: None,
        };
        let opened = match quickwin_sandbox::open(config, catalogue::CATALOGUE) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("error: the sandbox could not start: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        };
        match quickwin_sandbox::server::host(&opened.state, &bp, &base, doc.clone()) {
            Ok(key) => {
                service.state.mediator = service.state.mediator.take().map(|m| m.with_key(&key));
            }
            Err(e) => {
                eprintln!("error: the sandbox could not issue the service's key: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        }
        hosted = Some(opened.state.clone());
        let app = quickwin_sandbox::app(opened.state);
        tokio::spawn(async move {
            if let Err(e) = axum::serve(sandbox_listener, app).await {
                eprintln!("error: the sandbox stopped: {e}");
            }
        });
        format!("sandbox (mock agencies, registry, mediator) in this process at {mediator}")
    } else {
        let mut m = Mediator::new(&mediator, bp.interop.as_str());
        match member_key(&m, args.member_key.clone()).await {
            Ok(key) => {
                m = m.with_key(&key);
                service.state.mediator = service.state.mediator.take().map(|m| m.with_key(&key));
            }
            Err(why) => eprintln!("warning: {why}"),
        }
        let failed = m.register_service(&bp, &base, &doc).await.err();
        let file = args.blueprint.display().to_string();
        // The sandbox's data folder, as it says, for the command that grants rights.
        let missing = m.missing_rights(&bp).await;
        let data = missing.as_ref().and_then(|(_, d)| d.clone());
        let command = grant_command(&file, data.as_deref());
        if let Some((missing, _)) = &missing {
            if !missing.is_empty() {
                let services: Vec<String> =
                    missing.iter().map(|r| format!("`{}`", r.service)).collect();
                eprintln!(
                    "warning: the sandbox at {mediator} does not grant `{}` the right to call {}; applicants are told these agencies cannot be reached until you run `{command}` (the sandbox applies it without a restart)",
                    m.client(),
                    services.join(", ")
                );
            }
        }
        if let Some(ours) = &service.state.mediator {
            let (client, base) = (ours.client().to_string(), mediator.clone());
            ours.on_access_denied(move |service| {
                eprintln!("{}", denied_warning(&client, service, &base, &command));
            });
        }
        match failed {
            None => format!("registered with the sandbox at {mediator}"),
            Some(e) => format!(
                "warning: could not register with the sandbox at {mediator}: {e}; calls to other agencies will fail until it runs"
            ),
        }
    };
    let service = Arc::new(service);
    let title = bp.title.get(bp.default_language());
    println!(
        "quickwin serve: {title} (`{}` {}) listening on {base} (ready in {} ms)",
        bp.id.as_str(),
        bp.version.value,
        started.elapsed().as_millis()
    );
    print_migration(&applied);
    println!(
        "  store                {}",
        dir.join("service.db").display()
    );
    println!("  {sandbox_note}");
    println!("  message log          {mediator}/mediator/messages");
    if args.mediator.is_none() {
        println!("  SMS and e-mail       {mediator}/notify/inbox");
    }
    println!();
    for (what, path) in [
        ("citizen start page", "/"),
        ("track an application", "/track"),
        ("back office", "/office"),
        ("health", "/health"),
        ("OpenAPI document", "/openapi.json"),
        ("applications (API)", "/api/applications"),
        ("staff sign-in (API)", "/api/session"),
        ("metrics", "/metrics"),
    ] {
        println!("  {what:<24} {base}{path}");
    }
    if args.demo {
        println!();
        println!("  demo accounts (for workshops; new passwords at every start):");
        let conn = service.state.conn.clone();
        let conn = conn.lock().unwrap_or_else(|e| e.into_inner());
        match accounts::demo_accounts(&conn, &bp, &Now::read().stamp) {
            Ok(made) => {
                // As wide as the longest role, so that long role names keep the columns.
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
            Err(e) => eprintln!("    could not create the demo accounts: {e}"),
        }
    }
    println!();
    service.spawn_worker();
    if !args.no_watch {
        let file = args.blueprint.display().to_string();
        let served = service.clone();
        let base = base.clone();
        service.clone().watch(move |result| match result {
            Ok((applied, checked)) => {
                // An edit may add calls: the sandbox in this process grants their rights.
                if let Some(state) = &hosted {
                    let bp = served.state.blueprint();
                    let doc = openapi::document(&bp, Now::read().today);
                    if let Err(e) = quickwin_sandbox::server::host(state, &bp, &base, doc) {
                        eprintln!("warning: the sandbox could not issue the service's key: {e}");
                    }
                }
                print_diagnostics(&checked);
                println!("reloaded `{file}`");
                print_migration(&applied);
            }
            Err(e) => {
                explain(&e, &format!("kept the running version of `{file}`"));
            }
        });
    }
    let app = quickwin_runtime::requests::traced(quickwin_runtime::base::nest(
        &args.base_path,
        service.router(),
    ));
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    // The socket's peer is each request's client (see `quickwin_runtime::guard::client`).
    match axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// The address to reach a service listening on `host` from this machine.
fn loopback(host: &str) -> &str {
    match host {
        "0.0.0.0" | "::" | "[::]" => "127.0.0.1",
        other => other,
    }
}

/// The key the service calls the mediator `m` with: the one given, else the one kept in
/// the data folder of a sandbox on this machine (issued there when it has none); the
/// sandbox says where its folder is. Who may write that folder is who may be a member.
async fn member_key(m: &Mediator, given: Option<String>) -> Result<String, String> {
    if let Some(key) = given.filter(|k| !k.trim().is_empty()) {
        return Ok(key.trim().to_string());
    }
    let Some((_, Some(data))) = m.rights().await else {
        return Err(format!(
            "the mediator at {} does not say where its data are, so the service has no key and its calls will be refused; give it with --member-key (or QUICKWIN_MEMBER_KEY) as `quickwin sandbox member add {}` prints it",
            m.base(),
            m.client()
        ));
    };
    quickwin_sandbox::members::Members::open(
        Path::new(&data),
        quickwin_sandbox::server::reserved_members(),
    )
        .and_then(|members| members.issue(m.client(), false))
        .map_err(|e| {
            format!(
                "the service has no key, so its calls will be refused: {e}; give it with --member-key as `quickwin sandbox member add {} --data {data}` prints it",
                m.client()
            )
        })
}
