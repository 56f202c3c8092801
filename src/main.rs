//! The `quickwin` command line: check, schema, new, sandbox, serve, generate, user,
//! templates and audit. Parsing is in `cli.rs`, each subcommand in `cmd/`.

mod cli;
mod cmd;
mod logging;
mod report;

use std::process::ExitCode;

use clap::Parser;

// The service allocates many small JSON values per request; mimalloc serves them faster
// than the system allocator (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    logging::init();
    cmd::run(cli)
}
