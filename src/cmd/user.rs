//! `quickwin user add`: create a back-office account in a service's store.

use std::io::Read;
use std::process::ExitCode;

use quickwin_blueprint::clock::Now;
use quickwin_runtime::accounts;
use quickwin_runtime::service::{self, ServiceError};

use super::EXIT_USAGE;
use super::serve::store_path;
use crate::cli::UserCommand;
use crate::report;

/// Run `quickwin user …`.
pub fn run(command: &UserCommand) -> ExitCode {
    let UserCommand::Add {
        name,
        roles,
        blueprint,
        data,
    } = command;
    let bp = match service::load(blueprint) {
        Ok((bp, _)) => bp,
        Err(ServiceError::Invalid(checked)) => {
            eprint!("{}", report::human(&checked));
            return ExitCode::from(1);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut password = String::new();
    if std::io::stdin().read_to_string(&mut password).is_err() {
        eprintln!("error: cannot read the password from standard input");
        return ExitCode::from(EXIT_USAGE);
    }
    let password = password.trim_end_matches(['\r', '\n']);
    let path = store_path(&bp, data.as_deref());
    let (conn, _) = match service::open_store(&bp, &path, false) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match accounts::add_user(&conn, &bp, name, roles, password, &Now::read().stamp) {
        Ok(()) => {
            println!(
                "added `{name}` with the {} {} to {}",
                quickwin_blueprint::plural::english_noun(roles.len(), "role", "roles"),
                roles
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
