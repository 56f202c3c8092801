//! `quickwin sandbox`: start the mock agencies, the registry and the mediator on one port;
//! `quickwin sandbox grant`: add the rights a blueprint needs to its `access.yaml`;
//! `quickwin sandbox member`: issue, rotate and list the members' keys.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use quickwin_blueprint::Checked;
use quickwin_blueprint::plural::english;
use quickwin_runtime::mediator::implied_rights;
use quickwin_runtime::service::{ServiceError, load};
use quickwin_sandbox::access::{Access, AccessError, grant_in_file};
use quickwin_sandbox::members::Members;
use quickwin_sandbox::messagelog::Durability;
use quickwin_sandbox::{Config, SandboxError, agencies, catalogue};

use super::EXIT_USAGE;
use crate::cli::{DurabilityArg, GrantArgs, MemberCommand, SandboxArgs, SandboxCommand};
use crate::report;

/// Report an `access.yaml` with mistakes; `outcome` says what did not happen.
fn access_invalid(e: AccessError, outcome: &str) -> ExitCode {
    match e {
        AccessError::Invalid {
            text,
            diagnostics,
            path,
        } => {
            eprintln!("error: the access rights in `{path}` have mistakes; {outcome}");
            let checked = Checked {
                source: text,
                blueprint: None,
                diagnostics,
            };
            eprint!("{}", report::human(&checked));
            ExitCode::from(1)
        }
        other => {
            eprintln!("error: {other}; {outcome}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// `quickwin sandbox grant`: the rights `args.blueprint` implies, added to the sandbox's
/// `access.yaml` (or, with `--dry-run`, printed).
fn grant(args: &GrantArgs) -> ExitCode {
    let bp = match load(&args.blueprint) {
        Ok((bp, _)) => bp,
        Err(ServiceError::Invalid(checked)) => {
            eprint!("{}", report::human(&checked));
            eprintln!(
                "error: `{}` has errors; no rights were granted",
                args.blueprint.display()
            );
            return ExitCode::from(1);
        }
        Err(e) => {
            eprintln!("error: {e}; no rights were granted");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let path = args.data.join("access.yaml");
    let wanted: Vec<(String, String)> = implied_rights(&bp)
        .into_iter()
        .map(|r| (r.service, r.client))
        .collect();
    let id = bp.id.as_str();
    if args.dry_run {
        let current = if path.exists() {
            match Access::load(&path) {
                Ok(a) => a,
                Err(e) => return access_invalid(e, "nothing was checked"),
            }
        } else {
            Access::default()
        };
        println!(
            "`{id}` needs {} in `{}` (dry run: nothing written):",
            english(wanted.len(), "right", "rights"),
            path.display()
        );
        for (service, client) in &wanted {
            let state = if current.allows(client, service) {
                "granted"
            } else {
                "missing"
            };
            println!("  {state:<8} `{client}` may call `{service}`");
        }
        return ExitCode::SUCCESS;
    }
    if let Some(dir) = path.parent() {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("error: `{}`: {e}; no rights were granted", dir.display());
            return ExitCode::from(EXIT_USAGE);
        }
    }
    let note = format!("granted for `{id}` by quickwin sandbox grant");
    match grant_in_file(&path, &wanted, &note, catalogue::CATALOGUE) {
        Ok(added) if added.is_empty() => {
            println!(
                "`{}` already grants the {} `{id}` needs; nothing changed",
                path.display(),
                english(wanted.len(), "right", "rights")
            );
            ExitCode::SUCCESS
        }
        Ok(added) => {
            println!(
                "added {} for `{id}` to `{}`:",
                english(added.len(), "right", "rights"),
                path.display()
            );
            for (service, client) in &added {
                println!("  `{client}` may call `{service}`");
            }
            println!("a running sandbox applies them at the next call; no restart needed");
            ExitCode::SUCCESS
        }
        Err(e) => access_invalid(e, "no rights were granted"),
    }
}

/// `quickwin sandbox member add|list`.
fn member(command: &MemberCommand) -> ExitCode {
    let data = match command {
        MemberCommand::Add { data, .. } | MemberCommand::List { data } => data,
    };
    if let Err(e) = std::fs::create_dir_all(data) {
        eprintln!("error: `{}`: {e}", data.display());
        return ExitCode::from(EXIT_USAGE);
    }
    let members = match Members::open(data, quickwin_sandbox::server::reserved_members()) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match command {
        MemberCommand::Add { id, rotate, .. } => match members.issue(id, *rotate) {
            Ok(key) => {
                // The key alone on standard output, for `KEY=$(quickwin sandbox member add …)`.
                println!("{key}");
                eprintln!(
                    "the key of `{id}` in `{}`: send it as `Authorization: Bearer KEY` with every call through the mediator (a generated project reads it from MEMBER_KEY)",
                    data.join(quickwin_sandbox::members::KEYS_FILE).display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(EXIT_USAGE)
            }
        },
        MemberCommand::List { .. } => {
            for m in members.list() {
                println!("{m}");
            }
            ExitCode::SUCCESS
        }
    }
}

/// Open the data and serve until Ctrl-C, or run the subcommand.
pub fn run(args: &SandboxArgs) -> ExitCode {
    match &args.command {
        Some(SandboxCommand::Grant(grant_args)) => return grant(grant_args),
        Some(SandboxCommand::Member(command)) => return member(command),
        None => {}
    }
    let started = Instant::now();
    let config = Config {
        data_dir: args.data.clone(),
        seed: args.seed,
        reset: args.reset,
        upstream_timeout: Duration::from_millis(args.upstream_timeout_ms.max(1)),
        durability: match args.durability {
            DurabilityArg::Process => Durability::Process,
            DurabilityArg::Disk => Durability::Disk,
        },
        client_rate: None,
    };
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
    runtime.block_on(async move {
        let opened = match quickwin_sandbox::open(config, catalogue::CATALOGUE) {
            Ok(o) => o,
            Err(SandboxError::Access(e)) => return access_invalid(e, "the sandbox did not start"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        };
        let address = format!("{}:{}", args.host, args.port);
        let listener = match tokio::net::TcpListener::bind(&address).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot listen on {address}: {e}; choose another port with --port");
                return ExitCode::from(EXIT_USAGE);
            }
        };
        let base = format!("http://{address}");
        println!("quickwin sandbox listening on {base} (ready in {} ms)", started.elapsed().as_millis());
        for note in &opened.notes {
            println!("  {note}");
        }
        println!();
        for (what, path) in [
            ("home", "/"),
            ("service registry", "/registry/services"),
            ("service catalogue", "/registry"),
            ("information mediator", "/r1/{INSTANCE}/{CLASS}/{MEMBER}/{SUBSYSTEM}/{SERVICE}/{path}"),
            ("message log", "/mediator/messages"),
            ("SMS and e-mail inboxes", "/notify/inbox"),
        ] {
            println!("  {what:<24} {base}{path}");
        }
        println!();
        println!("  mock agencies (through the mediator only, at {base}/r1/<identifier>):");
        for svc in agencies::SERVICES {
            println!("    {}", svc.id());
        }
        println!();
        println!("  callers prove who they are: `quickwin sandbox member add IQ/GOV/MOH/primary-care --data {}` prints a key, then", args.data.display());
        println!("  try: curl -H 'X-Road-Client: IQ/GOV/MOH/primary-care' -H \"Authorization: Bearer $KEY\" {base}/r1/IQ/GOV/MOI/civil-registry/persons/persons?page_size=1");
        let app = quickwin_sandbox::app(opened.state);
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match axum_serve(listener, app, shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(EXIT_USAGE)
            }
        }
    })
}

async fn axum_serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
