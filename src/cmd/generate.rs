//! `quickwin generate`: write a service's standalone project, or bring it up to date
//! with its blueprint without losing the team's edits, then say what happened to each
//! file.

use std::process::ExitCode;
use std::time::Instant;

use quickwin_generator::regenerate::{self, Action, Entry};
use quickwin_runtime::service::{self, ServiceError};

use super::EXIT_USAGE;
use crate::cli::GenerateArgs;
use crate::report;

/// The width of the path column for `entries`.
fn width(entries: &[&Entry]) -> usize {
    entries
        .iter()
        .map(|e| e.path.chars().count())
        .max()
        .unwrap_or(0)
        .min(48)
}

/// Run `quickwin generate`.
pub fn run(args: &GenerateArgs) -> ExitCode {
    let started = Instant::now();
    let blueprint = args
        .blueprint
        .clone()
        .unwrap_or_else(|| args.output.join("blueprint.yaml"));
    let bp = match service::load(&blueprint) {
        Ok((bp, checked)) => {
            if !checked.diagnostics.is_empty() {
                eprint!("{}", report::human(&checked));
            }
            bp
        }
        Err(ServiceError::Invalid(checked)) => {
            eprint!("{}", report::human(&checked));
            eprintln!("error: nothing was generated; fix the blueprint first");
            return ExitCode::from(1);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let source = match std::fs::read(&blueprint) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", blueprint.display());
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let project = match quickwin_generator::project(&bp, &source) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let plan = match regenerate::plan(&args.output, &project, bp.id.as_str()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}; nothing was written");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let dir = args.output.display();
    if let Some(previous) = &plan.previous_service {
        println!(
            "note: `{dir}` was generated for `{previous}`; its generated files are now those of `{}` (files you edited are kept)",
            bp.id.as_str()
        );
    }
    if args.check {
        let pending: Vec<_> = plan.entries.iter().filter(|e| e.action.pending()).collect();
        let width = width(&pending);
        if pending.is_empty() {
            println!("`{dir}` is up to date with `{}`", blueprint.display());
            return ExitCode::SUCCESS;
        }
        println!(
            "`{dir}` is out of date with `{}`; regenerating would leave:",
            blueprint.display()
        );
        for e in pending {
            println!("  {e:width$}");
        }
        println!(
            "run `quickwin generate {} -o {dir}` to bring it up to date",
            blueprint.display()
        );
        return ExitCode::from(1);
    }
    if args.dry_run {
        println!("dry run, nothing written; regenerating would leave:");
    } else if let Err(e) = regenerate::apply(&args.output, &plan) {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_USAGE);
    }
    let shown: Vec<_> = plan
        .entries
        .iter()
        .filter(|e| args.verbose || e.action != Action::Unchanged)
        .collect();
    let width = width(&shown);
    for e in shown {
        println!("  {e:width$}");
    }
    let counts = plan.counts();
    let summary: Vec<String> = counts
        .iter()
        .map(|(action, n)| {
            let word = action.as_str().split([':', ' ']).next().unwrap_or_default();
            format!("{n} {word}")
        })
        .collect();
    let what = if args.dry_run {
        "would generate"
    } else {
        "generated"
    };
    println!(
        "{what} `{}` in `{dir}` from `{}`: {} ({} ms)",
        project.package,
        blueprint.display(),
        summary.join(", "),
        started.elapsed().as_millis()
    );
    if counts.contains_key(&Action::Conflict) {
        println!(
            "your edits overlap the new version in the files marked `conflict`: compare each with its `.new`, take in what you need, then delete the `.new`"
        );
    }
    if !args.dry_run && counts.contains_key(&Action::Created) {
        println!("next: cd {dir} && cargo run -- --demo");
    }
    ExitCode::SUCCESS
}
