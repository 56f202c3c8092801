//! `quickwin schema`: print the blueprint format's JSON Schema.

use std::io::Write;
use std::process::ExitCode;

use super::EXIT_USAGE;

/// Print the schema to standard output.
pub fn run() -> ExitCode {
    let schema = quickwin_blueprint::schema::schema_json();
    match std::io::stdout().lock().write_all(schema.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(EXIT_USAGE),
    }
}
