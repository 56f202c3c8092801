//! `quickwin new NAME [--from ID]`: write a starter blueprint or a copy of a catalogue one.

use std::path::Path;
use std::process::ExitCode;

use super::EXIT_USAGE;
use crate::cli::NewArgs;
use quickwin_sandbox::catalogue;

const STARTER: &str = include_str!("../templates/starter.yaml");

/// Where the schema goes, relative to the blueprint; the blueprint's first line names it.
const SCHEMA: &str = ".quickwin/blueprint.schema.json";
/// The line that points editors (yaml-language-server) at the schema.
const MODELINE: &str = "# yaml-language-server: $schema=.quickwin/blueprint.schema.json";

/// Write `NAME.yaml` (never over an existing file) and the schema editors use.
pub fn run(args: &NewArgs) -> ExitCode {
    match write(args) {
        Ok(path) => {
            let schema = args.output.join(SCHEMA);
            println!("wrote {path}");
            println!(
                "wrote {}, the JSON Schema of blueprints, for editors:",
                schema.display()
            );
            println!("  the blueprint's first line, `{MODELINE}`,");
            println!(
                "  points a YAML language server at it; in VS Code, install the YAML extension"
            );
            println!(
                "  (redhat.vscode-yaml) for completion, descriptions on hover and mistakes underlined as you type"
            );
            println!("next: edit it, then run `quickwin check {path}`");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn write(args: &NewArgs) -> Result<String, String> {
    let name = &args.name;
    let slug = !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.split('-').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if !slug {
        return Err(format!(
            "`{name}` is not a valid service id; use lowercase letters, digits and dashes, e.g. `marriage-certificate`"
        ));
    }
    let text = match &args.from {
        None => STARTER
            .replace("__NAME__", name)
            .replace("__TITLE__", &title(name)),
        Some(id) => {
            let original = catalogue::find(id).ok_or_else(|| {
                let ids: Vec<&str> = catalogue::CATALOGUE.iter().map(|(id, _)| *id).collect();
                let hint = quickwin_blueprint::suggest::did_you_mean(id, ids.iter().copied())
                    .unwrap_or_else(|| {
                        format!("the catalogue has {}", quickwin_blueprint::de::all_of(ids))
                    });
                format!("unknown catalogue blueprint `{id}`; {hint}")
            })?;
            rename(original, id, name)
        }
    };
    let text = text.replace("../schema/blueprint.schema.json", SCHEMA);
    // What the output says of the first line holds for every blueprint written.
    let text = if text.starts_with(MODELINE) {
        text
    } else {
        format!("{MODELINE}\n{text}")
    };
    let dir = &args.output;
    let path = dir.join(format!("{name}.yaml"));
    if path.exists() {
        return Err(format!(
            "`{}` already exists; choose another name or folder",
            path.display()
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    write_schema(dir)?;
    std::fs::write(&path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    Ok(path.display().to_string())
}

/// The copy gets the new id, in its own line and in its interoperability identifier.
fn rename(text: &str, old: &str, new: &str) -> String {
    text.lines()
        .map(|line| {
            if line == format!("id: {old}") {
                format!("id: {new}")
            } else if line.starts_with("interop: ") && line.ends_with(&format!("/{old}")) {
                format!("{}/{new}", &line[..line.len() - old.len() - 1])
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn title(name: &str) -> String {
    let words = name.replace('-', " ");
    let mut chars = words.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

fn write_schema(dir: &Path) -> Result<(), String> {
    let path = dir.join(SCHEMA);
    let schema_dir = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(schema_dir)
        .map_err(|e| format!("cannot create `{}`: {e}", schema_dir.display()))?;
    std::fs::write(&path, quickwin_blueprint::schema::schema_json())
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}
