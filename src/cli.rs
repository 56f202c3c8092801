//! The command-line interface: every subcommand and flag, with its help text.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// quickwin turns a description of a quick-win e-service (a blueprint) into a running,
/// service-oriented pilot.
#[derive(Debug, Parser)]
#[command(name = "quickwin", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check blueprints and explain every problem found.
    Check(CheckArgs),
    /// Print the JSON Schema of the blueprint format, for editors.
    Schema,
    /// Write a new blueprint (a commented starter, or a copy of a catalogue blueprint) and the schema editors use.
    New(NewArgs),
    /// Start the workshop sandbox: mock agencies, service registry and information mediator.
    Sandbox(SandboxArgs),
    /// Serve a blueprint as a running e-service: REST API, store, workflow, integrations.
    Serve(ServeArgs),
    /// Write a standalone Rust project of a service, or bring one up to date with its
    /// blueprint, keeping the team's edits.
    Generate(GenerateArgs),
    /// Manage the back-office accounts of a service.
    #[command(subcommand)]
    User(UserCommand),
    /// Work with the web pages' templates.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Check the integrity of the sandbox's records.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Do a workshop's exercises: start one, check it, get hints; or verify a curriculum.
    Workshop(WorkshopArgs),
}

/// Arguments of `quickwin workshop`.
#[derive(Debug, clap::Args)]
pub struct WorkshopArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: WorkshopCommand,
    /// The workshop's folder, e.g. `workshops/iq-2012` (remembered for the next commands).
    #[arg(long, global = true, value_name = "DIR")]
    pub workshop: Option<PathBuf>,
    /// The language of messages and hints: `ar` or `en` (remembered).
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,
    /// Your folder: where the exercise's file and the progress store are.
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Your team's name, shown in results (remembered; the folder's name by default).
    #[arg(long, global = true)]
    pub team: Option<String>,
}

/// `quickwin workshop …`.
#[derive(Debug, Subcommand)]
pub enum WorkshopCommand {
    /// The days and their exercises: which are done and which is next.
    List,
    /// Start an exercise: write its starter file, or keep yours from the exercise before.
    Start {
        /// The exercise's id.
        exercise: String,
    },
    /// Run the current exercise's checks and say what passed, what failed and why.
    Check {
        /// Another exercise than the current one.
        exercise: Option<String>,
        /// Check again every time the file is saved.
        #[arg(long)]
        watch: bool,
        /// Print the results as JSON (the format of `schema/results.schema.json`).
        #[arg(long)]
        json: bool,
        /// A reproducible run: a fresh sandbox with this seed, no timing, not kept.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Show the next hint of the current exercise.
    Hint,
    /// Put the exercise's file back as it starts (your file is kept in `.quickwin/backups/`);
    /// with an exercise, jump to it from the solution of the one before.
    Reset {
        /// The exercise to go to.
        exercise: Option<String>,
    },
    /// Show the authors' solution of the current exercise, once it passes.
    Solution {
        /// Write it into the exercise's file (yours is kept in `.quickwin/backups/`).
        #[arg(long)]
        write: bool,
    },
    /// Prove a curriculum: its files read without error, every starter fails a check and
    /// every solution passes them all.
    Verify {
        /// The workshop's folder.
        dir: PathBuf,
        /// The seed of the sandbox's data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write the JSON Schemas of the workshop formats and of the results into a folder.
    Schema {
        /// The folder (`schema/` in the repository).
        out: PathBuf,
    },
    /// Serve the whole class from this process: the sandbox, the catalogue's pilots,
    /// every team's service under `/teams/<team>/svc/<id>/`, the team spaces and the
    /// trainer's dashboard at `/trainer`.
    Host(HostArgs),
    /// The class of a workshop host: add a team, list them, issue the trainer's password.
    #[command(subcommand)]
    Team(TeamCommand),
    /// Send the current exercise's file to your team's space on the workshop host: served
    /// from the next request when it is a valid blueprint.
    Push {
        /// The host, e.g. `http://192.168.1.10:8080` (remembered).
        #[arg(long, value_name = "URL")]
        host: Option<String>,
        /// Another file than the current exercise's.
        #[arg(long)]
        file: Option<String>,
        /// The team's password (from the trainer).
        #[arg(long, env = "QUICKWIN_TEAM_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

/// Arguments of `quickwin workshop host`.
#[derive(Debug, clap::Args)]
pub struct HostArgs {
    /// The workshop's folder, e.g. `workshops/iq-2012`.
    pub dir: Option<PathBuf>,
    /// The port to listen on.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The address to listen on; `0.0.0.0` lets the teams' laptops in.
    #[arg(long = "bind", default_value = "127.0.0.1")]
    pub bind: String,
    /// Where the host keeps the class, the stores, the pushes and the sandbox's data.
    #[arg(long, default_value = ".quickwin/host")]
    pub data: PathBuf,
    /// The seed of the sandbox's synthetic data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Close a service unused for this many seconds (it opens again at its next request).
    #[arg(long, default_value_t = 600)]
    pub idle: u64,
}

/// `quickwin workshop team …`.
#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Add a team (prints its password once; kept only as an Argon2id hash).
    Add {
        /// The team's name: its path `/teams/NAME/` and its subsystem's suffix.
        name: String,
        /// The catalogue pilot it starts from, e.g. `social-welfare`.
        #[arg(long)]
        pilot: Option<String>,
        /// A member's name (repeat for each).
        #[arg(long = "member")]
        members: Vec<String>,
        /// Give an existing team a new password.
        #[arg(long)]
        rotate: bool,
        /// The host's data folder.
        #[arg(long, default_value = ".quickwin/host")]
        data: PathBuf,
    },
    /// List the teams.
    List {
        /// The host's data folder.
        #[arg(long, default_value = ".quickwin/host")]
        data: PathBuf,
    },
    /// Issue a new trainer's password (prints it once).
    Trainer {
        /// The host's data folder.
        #[arg(long, default_value = ".quickwin/host")]
        data: PathBuf,
    },
    /// Put a team back at an exercise on a running host: that exercise's starting file,
    /// its service's store emptied, its later results forgotten; the message log stays.
    Reset {
        /// The team.
        name: String,
        /// The exercise to go back to.
        #[arg(long = "to", value_name = "EXERCISE")]
        to: String,
        /// The host.
        #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080")]
        host: String,
        /// The trainer's password.
        #[arg(long, env = "QUICKWIN_TRAINER_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

/// Arguments of `quickwin sandbox`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SandboxArgs {
    /// Something else than starting it.
    #[command(subcommand)]
    pub command: Option<SandboxCommand>,
    /// The port to listen on.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The address to listen on; `0.0.0.0` lets other machines of the workshop in.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The folder of the sandbox's data, message log and access rights.
    #[arg(long, value_name = "DIR", default_value = ".quickwin/sandbox")]
    pub data: PathBuf,
    /// The seed of the synthetic data (the same seed gives the same people, schools, …).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Delete the data, the message log and the access rights, and create them anew.
    #[arg(long)]
    pub reset: bool,
    /// How long the mediator waits for a service before answering 504, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub upstream_timeout_ms: u64,
    /// `process`: the message log survives a crash of the sandbox; `disk`: also a power cut
    /// (slower: every commit waits for the disk).
    #[arg(long, value_enum, default_value_t = DurabilityArg::Process)]
    pub durability: DurabilityArg,
}

/// `quickwin sandbox …`.
#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Add to the sandbox's `access.yaml` the rights a blueprint's calls need (its calls
    /// to other agencies, payments, notifications, and its operations' clients), keeping
    /// what is there; a running sandbox applies them at the next call.
    Grant(GrantArgs),
    /// Issue, rotate or list the keys of the sandbox's members: each client subsystem
    /// that calls through the mediator or registers a service proves itself with its key.
    #[command(subcommand)]
    Member(MemberCommand),
}

/// `quickwin sandbox member …`.
#[derive(Debug, clap::Subcommand)]
pub enum MemberCommand {
    /// Print the key of a client subsystem, issuing it when it has none; a running
    /// sandbox accepts it at once.
    Add {
        /// The client subsystem, `INSTANCE/CLASS/MEMBER/SUBSYSTEM`, e.g. `IQ/GOV/MOI/civil-status`.
        id: String,
        /// Replace its key with a new one (the old one stops working).
        #[arg(long)]
        rotate: bool,
        /// The sandbox's data folder.
        #[arg(long, value_name = "DIR", default_value = ".quickwin/sandbox")]
        data: PathBuf,
    },
    /// List the members that have a key (not the keys).
    List {
        /// The sandbox's data folder.
        #[arg(long, value_name = "DIR", default_value = ".quickwin/sandbox")]
        data: PathBuf,
    },
}

/// Arguments of `quickwin sandbox grant`.
#[derive(Debug, clap::Args)]
pub struct GrantArgs {
    /// The blueprint whose rights to grant.
    pub blueprint: PathBuf,
    /// The sandbox's data folder (where `access.yaml` is).
    #[arg(long, value_name = "DIR", default_value = ".quickwin/sandbox")]
    pub data: PathBuf,
    /// Print the rights the blueprint needs, and which are missing, without writing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Arguments of `quickwin generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// The blueprint; by default the project's own `blueprint.yaml`.
    pub blueprint: Option<PathBuf>,
    /// The project's folder, created when missing.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Say what would be created, changed, merged or removed, and write nothing.
    #[arg(long, conflicts_with = "check")]
    pub dry_run: bool,
    /// Write nothing; exit with 1 when the project is out of date with its blueprint.
    #[arg(long)]
    pub check: bool,
    /// List every file, unchanged ones included.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Arguments of `quickwin serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The blueprint to serve.
    #[arg(value_name = "BLUEPRINT")]
    pub blueprint: PathBuf,
    /// The port to listen on; `0` picks a free one.
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// The address to listen on; `0.0.0.0` lets other machines of the workshop in.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Serve every page and route under this path, e.g. `/services/welfare/` behind a
    /// reverse proxy that forwards that sub-path as it is.
    #[arg(long, value_name = "PATH", default_value = "/")]
    pub base_path: quickwin_runtime::base::BasePath,
    /// The folder of the service's store (and of the sandbox it starts); by default
    /// `.quickwin/<service id>`.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Call other agencies through this running sandbox (e.g. `http://127.0.0.1:8080`)
    /// instead of starting one in this process.
    #[arg(long, value_name = "URL")]
    pub mediator: Option<String>,
    /// The key of the service's subsystem at the `--mediator` (`quickwin sandbox member
    /// add SUBSYSTEM` prints it). Without it, the key is read from the sandbox's data
    /// folder when the sandbox runs on this machine, and issued there when it has none.
    #[arg(long, env = "QUICKWIN_MEMBER_KEY", hide_env_values = true)]
    pub member_key: Option<String>,
    /// The port of the sandbox started in this process (without `--mediator`); `0` picks
    /// a free one.
    #[arg(long, default_value_t = 8001)]
    pub sandbox_port: u16,
    /// Create one demo account per back-office role and print the credentials.
    #[arg(long)]
    pub demo: bool,
    /// Apply a blueprint change even when it loses stored data (a removed field holding
    /// values, a removed state that cases are in).
    #[arg(long)]
    pub force: bool,
    /// Do not watch the blueprint file for changes.
    #[arg(long)]
    pub no_watch: bool,
    /// Believe the `X-Forwarded-For` and `X-Forwarded-Proto` of this reverse proxy (its
    /// address); repeat for several.
    #[arg(long, value_name = "IP")]
    pub trusted_proxy: Vec<std::net::IpAddr>,
    /// Change the limits of the guard, e.g. `sign-in=10/6s,keep-unclaimed=24h,https=true`
    /// (also read from `QUICKWIN_GUARD`; this comes after it).
    #[arg(long, value_name = "SETTINGS")]
    pub guard: Option<String>,
}

/// `quickwin templates …`.
#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Copy the built-in page templates into a folder, to change them: `serve` uses a
    /// file of the same name in `templates/` beside the blueprint instead of its own.
    Eject {
        /// The folder to write into.
        #[arg(long, short = 'o', value_name = "DIR", default_value = "templates")]
        output: PathBuf,
        /// Overwrite templates already there.
        #[arg(long)]
        force: bool,
    },
}

/// `quickwin user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a back-office account; the password is read from standard input.
    Add {
        /// The account's name, e.g. `sara.clerk`.
        name: String,
        /// A back-office role of the blueprint; repeat for several.
        #[arg(long = "role", required = true, value_name = "ROLE")]
        roles: Vec<String>,
        /// The blueprint of the service.
        #[arg(long, value_name = "BLUEPRINT")]
        blueprint: PathBuf,
        /// The service's data folder (as given to `serve --data`).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
}

/// How durable the message log is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DurabilityArg {
    /// Survives a crash or kill of the process.
    Process,
    /// Also survives a power cut.
    Disk,
}

/// `quickwin audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain of the mediator's message log: exit 0 when intact, 1 naming
    /// the first broken entry.
    Verify {
        /// The sandbox's data folder. Without it, every log under `.quickwin/` is checked:
        /// the standalone sandbox's (`.quickwin/sandbox`) and those of served blueprints
        /// (`.quickwin/<id>/sandbox`).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Anchors written by `quickwin audit anchor`: the log must hold, at each one's
        /// entry, the head it recorded.
        #[arg(long, value_name = "FILE")]
        anchor: Vec<PathBuf>,
    },
    /// Write the head of the message log's chain (its last entry's number and MAC) to a
    /// dated file, to keep away from the sandbox: a later `audit verify --anchor FILE`
    /// detects a rewrite of the log up to it, even by someone who has the MAC key.
    Anchor {
        /// The sandbox's data folder.
        #[arg(long, value_name = "DIR", default_value = ".quickwin/sandbox")]
        data: PathBuf,
        /// Where to write it; by default `messagelog-anchor-<time>.txt` here.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Arguments of `quickwin check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The blueprint files to check.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// How to print the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Count warnings as errors (exit 1 when there is any).
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Explanations with source snippets, for people.
    Human,
    /// A JSON array of diagnostics, for editors and tools.
    Json,
}

/// Arguments of `quickwin new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The new service's id, e.g. `marriage-certificate`; the file is NAME.yaml.
    pub name: String,
    /// Start from this catalogue blueprint instead of the starter.
    #[arg(long, value_name = "ID")]
    pub from: Option<String>,
    /// The folder to write into.
    #[arg(long, short = 'o', value_name = "DIR", default_value = ".")]
    pub output: PathBuf,
}
