//! `quickwin audit verify`: check the message log's chain of MACs — of one sandbox's data
//! folder, or of every log `quickwin sandbox` and `quickwin serve` write by default —
//! against the anchors given; `quickwin audit anchor`: export the chain's head.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use quickwin_sandbox::members::{LOG_KEY_FILE, secret};
use quickwin_sandbox::messagelog::{Anchor, Verification, verify};
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
    let (data, anchor_files) = match command {
        AuditCommand::Verify { data, anchor } => (data, anchor),
        AuditCommand::Anchor { data, out } => return anchor(data, out.as_deref()),
    };
    let mut anchors = Vec::new();
    for file in anchor_files {
        match Anchor::read(file) {
            Ok(a) => anchors.push(a),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        }
    }
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
        match check(path, &anchors) {
            Ok(v) => match v.broken {
                None => println!(
                    "ok: the message log `{}` is intact: {} entries, each chained to the one before{}{}",
                    path.display(),
                    v.entries,
                    if v.keyed {
                        " by a keyed MAC"
                    } else {
                        " by an unkeyed hash (written before chains were keyed: a rewrite that recomputes the hashes would not show)"
                    },
                    match anchors.len() {
                        0 => String::new(),
                        n => format!(
                            ", and it agrees with {}",
                            quickwin_blueprint::plural::english(n, "anchor", "anchors")
                        ),
                    }
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

/// Verify the log at `path` under the MAC key kept beside it, against `anchors`.
fn check(path: &Path, anchors: &[Anchor]) -> Result<Verification, String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let key = match std::fs::read_to_string(dir.join(LOG_KEY_FILE)) {
        Ok(k) => k.trim().to_string(),
        Err(e) => {
            return Err(format!(
                "`{}`: {e}; the log's MAC key is needed to verify it",
                dir.join(LOG_KEY_FILE).display()
            ));
        }
    };
    verify(path, &key, anchors).map_err(|e| e.to_string())
}

/// `quickwin audit anchor`: verify the log of `data`, then write its head to `out`.
fn anchor(data: &Path, out: Option<&Path>) -> ExitCode {
    let path = log_path(data);
    if !path.exists() {
        eprintln!(
            "error: no message log at `{}`; expected `--data` to be a sandbox's data folder",
            path.display()
        );
        return ExitCode::from(EXIT_USAGE);
    }
    if let Err(e) = secret(data, LOG_KEY_FILE) {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_USAGE);
    }
    let v = match check(&path, &[]) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if let Some((seq, why)) = v.broken {
        eprintln!(
            "error: the message log `{}` fails at entry {seq}: {why}; a broken log is not anchored",
            path.display()
        );
        return ExitCode::from(1);
    }
    let time = quickwin_sandbox::util::now_rfc3339();
    let a = Anchor {
        time: time.clone(),
        seq: v.head.0,
        hash: v.head.1,
    };
    let file = out.map(Path::to_path_buf).unwrap_or_else(|| {
        PathBuf::from(format!(
            "messagelog-anchor-{}.txt",
            time.replace([':', '.'], "-")
        ))
    });
    if let Err(e) = std::fs::write(&file, a.to_text()) {
        eprintln!("error: `{}`: {e}", file.display());
        return ExitCode::from(EXIT_USAGE);
    }
    println!(
        "anchored the message log `{}` at entry {} in `{}`; keep the file away from the sandbox's machine, and check with `quickwin audit verify --data {} --anchor {}`",
        path.display(),
        a.seq,
        file.display(),
        data.display(),
        file.display()
    );
    ExitCode::SUCCESS
}
