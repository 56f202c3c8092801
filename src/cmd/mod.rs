//! One module per subcommand; each returns the process exit code.

mod audit;
mod check;
mod generate;
mod host;
mod new;
mod sandbox;
mod schema;
mod serve;
mod templates;
mod user;
mod workshop;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Exit code for a usage or I/O error.
pub const EXIT_USAGE: u8 = 2;

/// Run the chosen subcommand.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Schema => schema::run(),
        Command::New(args) => new::run(&args),
        Command::Sandbox(args) => sandbox::run(&args),
        Command::Audit(command) => audit::run(&command),
        Command::Generate(args) => generate::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::User(command) => user::run(&command),
        Command::Templates(command) => templates::run(&command),
        Command::Workshop(args) => workshop::run(&args),
    }
}
