//! `quickwin workshop host`: the whole class from one process; `quickwin workshop team`:
//! its teams and the trainer's password.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use quickwin_workshop::host::teams::{self, Class, TeamsError};
use quickwin_workshop::host::{Host, Options};

use super::EXIT_USAGE;
use crate::cli::{HostArgs, TeamCommand};

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_USAGE)
}

fn teams_error(e: TeamsError) -> ExitCode {
    match e {
        TeamsError::Invalid {
            text, diagnostics, ..
        } => {
            eprint!(
                "{}",
                quickwin_blueprint::report::diagnostics(&text, &diagnostics)
            );
            eprintln!("error: the class file has mistakes; nothing was changed");
            ExitCode::from(1)
        }
        other => fail(other),
    }
}

/// `quickwin workshop host [DIR]`.
pub fn host(args: &HostArgs, remembered: Option<&Path>) -> ExitCode {
    let workshop = args
        .dir
        .clone()
        .or_else(|| remembered.map(Path::to_path_buf));
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start the runtime: {e}")),
    };
    rt.block_on(async move {
        let listener = match tokio::net::TcpListener::bind((args.bind.as_str(), args.port)).await {
            Ok(l) => l,
            Err(e) => return fail(format!("cannot listen on {}:{}: {e}", args.bind, args.port)),
        };
        let port = listener.local_addr().map_or(args.port, |a| a.port());
        let local = match args.bind.as_str() {
            "0.0.0.0" | "::" | "[::]" => "127.0.0.1",
            other => other,
        };
        let mut opts = Options::new(&args.data, &format!("http://{local}:{port}"));
        opts.workshop = workshop.clone();
        opts.seed = args.seed;
        opts.idle = Duration::from_secs(args.idle.max(1));
        let opened = match tokio::task::spawn_blocking(move || Host::open(opts)).await {
            Ok(Ok(o)) => o,
            Ok(Err(quickwin_workshop::host::HostError::Teams(e))) => return teams_error(e),
            Ok(Err(e)) => return fail(e),
            Err(e) => return fail(e),
        };
        let host = opened.host;
        let base = format!("http://{local}:{port}");
        println!("quickwin workshop host on {base}");
        if let Some(w) = &workshop {
            println!("  workshop   {}", w.display());
        }
        println!("  data       {}", args.data.display());
        println!("  teams      {base}/teams");
        println!("  trainer    {base}/trainer");
        println!("  sandbox    {base}/  (registry, mediator at /r1/…, message log)");
        for t in host.class().teams {
            println!("  team {:<10} {base}/teams/{}/  ({})", t.name, t.name, t.pilot);
        }
        if let Some(p) = opened.trainer_password {
            println!();
            println!("  the trainer's password (shown once; `quickwin workshop team trainer` issues a new one):");
            println!("  {p}");
        }
        if host.class().teams.is_empty() {
            println!();
            println!(
                "  no teams yet: `quickwin workshop team add NAME --pilot ID --data {}` adds one while the host runs",
                args.data.display()
            );
        }
        let _reaper = host.spawn_reaper();
        let _watch = host.spawn_class_watch();
        let app = host.app();
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        }
    })
}

/// `quickwin workshop team …`.
pub fn team(command: &TeamCommand) -> ExitCode {
    match command {
        TeamCommand::Add {
            name,
            pilot,
            members,
            rotate,
            data,
        } => match teams::add(data, name, pilot.as_deref(), members, *rotate) {
            Ok((team, password)) => {
                // The password alone on standard output, for `P=$(quickwin workshop team add …)`.
                println!("{password}");
                eprintln!(
                    "team `{}` ({}) in `{}`: its space is /teams/{}/ on the host; give the team this password (kept only as a hash)",
                    team.name,
                    team.pilot,
                    data.join(teams::TEAMS_FILE).display(),
                    team.name
                );
                ExitCode::SUCCESS
            }
            Err(e) => teams_error(e),
        },
        TeamCommand::List { data } => match Class::read(data) {
            Ok(class) => {
                for t in &class.teams {
                    let sub = quickwin_workshop::host::identity::pilot_subsystem(&t.pilot)
                        .map(|s| quickwin_runtime::mediator::suffixed(&s, &t.name))
                        .unwrap_or_default();
                    println!(
                        "{:<12} {:<20} {:<36} {}",
                        t.name,
                        t.pilot,
                        sub,
                        t.members.join(", ")
                    );
                }
                if class.teams.is_empty() {
                    eprintln!("no teams yet in `{}`", data.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => teams_error(e),
        },
        TeamCommand::Trainer { data } => match teams::issue_trainer(data) {
            Ok(p) => {
                println!("{p}");
                eprintln!("the trainer's new password; the old one no longer signs in");
                ExitCode::SUCCESS
            }
            Err(e) => teams_error(e),
        },
        TeamCommand::Reset {
            name,
            to,
            host,
            password,
        } => reset(name, to, host, password),
    }
}

fn reset(team: &str, to: &str, host: &str, password: &str) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start the runtime: {e}")),
    };
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let body = format!("do=reset&team={}&exercise={}", enc(team), enc(to));
    let url = format!("{}/trainer/action", host.trim_end_matches('/'));
    let answer = rt.block_on(quickwin_workshop::client::Client::default().send(
        "POST",
        &url,
        &[
            ("authorization", format!("Bearer {password}")),
            (
                "content-type",
                "application/x-www-form-urlencoded".to_string(),
            ),
        ],
        Some(body.into_bytes()),
        Duration::from_secs(30),
    ));
    match answer {
        Ok(a) if a.status == 200 => {
            println!("{}", a.json()["done"].as_str().unwrap_or("done"));
            ExitCode::SUCCESS
        }
        Ok(a) => fail(format!(
            "the host answered {}: {}",
            a.status,
            a.json()["error"]
                .as_str()
                .map_or_else(|| a.excerpt(), str::to_string)
        )),
        Err(e) => fail(format!("the host at {host} did not answer: {e}")),
    }
}
