//! `quickwin audit verify`: check the message log's hash chain.

use std::process::ExitCode;

use quickwin_sandbox::messagelog::verify;
use quickwin_sandbox::server::log_path;

use super::EXIT_USAGE;
use crate::cli::AuditCommand;

/// Exit 0 when the chain is intact, 1 naming the first broken entry, 2 when the log cannot be read.
pub fn run(command: &AuditCommand) -> ExitCode {
    let AuditCommand::Verify { data } = command;
    let path = log_path(data);
    if !path.exists() {
        eprintln!(
            "error: no message log at `{}`; is `--data` the sandbox's data folder?",
            path.display()
        );
        return ExitCode::from(EXIT_USAGE);
    }
    match verify(&path) {
        Ok(v) => match v.broken {
            None => {
                println!(
                    "ok: the message log `{}` is intact: {} entries, each chained to the one before",
                    path.display(),
                    v.entries
                );
                ExitCode::SUCCESS
            }
            Some((seq, why)) => {
                println!(
                    "broken: the message log `{}` fails at entry {seq}: {why}",
                    path.display()
                );
                ExitCode::from(1)
            }
        },
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
