//! `quickwin templates eject`: the built-in page templates, copied out to be changed.

use std::process::ExitCode;

use quickwin_runtime::theme;

use super::EXIT_USAGE;
use crate::cli::TemplatesCommand;

/// Run `quickwin templates …`.
pub fn run(command: &TemplatesCommand) -> ExitCode {
    let TemplatesCommand::Eject { output, force } = command;
    if let Err(e) = std::fs::create_dir_all(output) {
        eprintln!("error: cannot create `{}`: {e}", output.display());
        return ExitCode::from(EXIT_USAGE);
    }
    let mut written = 0;
    let mut kept = Vec::new();
    for (name, text) in theme::embedded() {
        let path = output.join(name);
        if path.exists() && !force {
            kept.push(name);
            continue;
        }
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return ExitCode::from(EXIT_USAGE);
        }
        written += 1;
    }
    println!(
        "wrote {} to {}",
        quickwin_blueprint::plural::english(written, "template", "templates"),
        output.display()
    );
    if !kept.is_empty() {
        println!(
            "kept {} that were there already (add --force to overwrite): {}",
            kept.len(),
            kept.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!(
        "`quickwin serve` uses a template of the same name in `templates/` beside the blueprint instead of its own; delete the ones you do not change"
    );
    ExitCode::SUCCESS
}
