//! `quickwin check FILE...`: check blueprints and report every problem.

use std::io::Write;
use std::process::ExitCode;

use quickwin_blueprint::{Severity, check_file};

use super::EXIT_USAGE;
use crate::cli::{CheckArgs, Format};
use crate::report;

/// Check every file; exit 0 when all are valid, 1 when any is not, 2 when one cannot be read.
pub fn run(args: &CheckArgs) -> ExitCode {
    let mut invalid = false;
    let mut unreadable = false;
    let mut json = Vec::new();
    let mut human = String::new();
    for path in &args.files {
        let checked = match check_file(path) {
            Ok(checked) => checked,
            Err(error) => {
                eprintln!("error: {error}");
                unreadable = true;
                continue;
            }
        };
        let failed = checked.diagnostics.iter().any(|d| {
            d.severity == Severity::Error || (args.deny_warnings && d.severity == Severity::Warning)
        });
        invalid |= failed;
        match args.format {
            Format::Json => json.extend(report::json(&checked)),
            Format::Human => human.push_str(&report::human(&checked)),
        }
    }
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        Format::Json => {
            let text = serde_json::to_string_pretty(&json).unwrap_or_else(|_| "[]".into());
            writeln!(out, "{text}")
        }
        Format::Human => write!(out, "{human}"),
    };
    if written.is_err() || unreadable {
        ExitCode::from(EXIT_USAGE)
    } else if invalid {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
