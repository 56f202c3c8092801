//! `quickwin audit verify`: check the message log's hash chain — of one sandbox's data
//! folder, or of every log `quickwin sandbox` and `quickwin serve` write by default.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use quickwin_sandbox::messagelog::verify;
use quickwin_sandbox::server::log_path;

use super::EXIT_USAGE;
use crate::cli::AuditCommand;

/// Where logs are kept by default: `.quickwin/sandbox` (`quickwin sandbox`) and
/// `.quickwin/<id>/sandbox` (`quickwin serve`), sorted.
fn default_logs() -> Vec<PathBuf> {
    let root = Path::new(".quickwin");
    let mut found = Vec::new();
    if log_path(&root.join("sandbox")).exists() {
        found.push(log_path(&root.join("sandbox")));
    }
    let mut served: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .map(|p| log_path(&p.join("sandbox")))
                .filter(|p| p.exists())
                .collect()
        })
        .unwrap_or_default();
    served.sort();
    found.extend(served);
    found
}

/// Exit 0 when every chain checked is intact, 1 naming the first broken entry of each
/// broken one, 2 when no log is found or one cannot be read.
pub fn run(command: &AuditCommand) -> ExitCode {
    let AuditCommand::Verify { data } = command;
    let paths = match data {
        Some(dir) => {
            let path = log_path(dir);
            if !path.exists() {
                eprintln!(
                    "error: no message log at `{}`; expected `--data` to be a sandbox's data folder (`.quickwin/sandbox` for `quickwin sandbox`, `.quickwin/<id>/sandbox` for `quickwin serve`)",
                    path.display()
                );
                return ExitCode::from(EXIT_USAGE);
            }
            vec![path]
        }
        None => {
            let found = default_logs();
            if found.is_empty() {
                eprintln!(
                    "error: no message log under `.quickwin/`; expected `.quickwin/sandbox/messagelog.db` (`quickwin sandbox`) or `.quickwin/<id>/sandbox/messagelog.db` (`quickwin serve`); run from the folder they were started in, or name the data folder with --data"
                );
                return ExitCode::from(EXIT_USAGE);
            }
            found
        }
    };
    let mut code = ExitCode::SUCCESS;
    for path in &paths {
        match verify(path) {
            Ok(v) => match v.broken {
                None => println!(
                    "ok: the message log `{}` is intact: {} entries, each chained to the one before",
                    path.display(),
                    v.entries
                ),
                Some((seq, why)) => {
                    println!(
                        "broken: the message log `{}` fails at entry {seq}: {why}",
                        path.display()
                    );
                    if code == ExitCode::SUCCESS {
                        code = ExitCode::from(1);
                    }
                }
            },
            Err(e) => {
                eprintln!("error: {e}");
                code = ExitCode::from(EXIT_USAGE);
            }
        }
    }
    code
}
