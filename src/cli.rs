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
    /// Write a new blueprint: a commented starter, or a copy of a catalogue blueprint.
    New(NewArgs),
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
