//! `quickwin sandbox`: start the mock agencies, the registry and the mediator on one port.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use quickwin_engine::Checked;
use quickwin_sandbox::access::AccessError;
use quickwin_sandbox::messagelog::Durability;
use quickwin_sandbox::{Config, SandboxError, agencies, catalogue};

use super::EXIT_USAGE;
use crate::cli::{DurabilityArg, SandboxArgs};
use crate::report;

/// Open the data and serve until Ctrl-C.
pub fn run(args: &SandboxArgs) -> ExitCode {
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
            Err(SandboxError::Access(AccessError::Invalid { text, diagnostics, path })) => {
                eprintln!("error: the access rights in `{path}` have mistakes; the sandbox did not start");
                let checked = Checked { source: text, blueprint: None, diagnostics };
                eprint!("{}", report::human(&checked));
                return ExitCode::from(1);
            }
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
        println!("  mock agencies (direct; through the mediator at /r1/<identifier>):");
        for svc in agencies::SERVICES {
            println!("    {:<42} {base}{}", svc.id(), svc.base());
        }
        println!();
        println!("  try: curl -H 'X-Road-Client: IQ/GOV/MOH/primary-care' {base}/r1/IQ/GOV/MOI/civil-registry/persons/persons?page_size=1");
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
