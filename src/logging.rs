//! The log of the libraries' `tracing` events, on standard error: a level and a message
//! with its fields, inside the spans it happened in (a request's method, route and
//! tracking number), without times or module names, as a person at a terminal reads it:
//!
//! ```text
//! ERROR request{method=POST route=/api/applications}: service store: the store failed error=database is locked
//! ```
//!
//! `RUST_LOG` chooses what is logged (`RUST_LOG=debug` adds one line per request); when
//! it is not set, or holds no valid directive, `info` and above are. A command's own
//! output — results, reports, the start-up banner of `serve` — is not logging: it is
//! printed by the command.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

/// The level logged when `RUST_LOG` does not say.
const DEFAULT: LevelFilter = LevelFilter::INFO;

/// Install the subscriber for the whole process.
pub fn init() {
    let filter = EnvFilter::builder()
        .with_default_directive(DEFAULT.into())
        .from_env_lossy();
    // Fails only when a subscriber is installed already, which leaves that one in place.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .try_init();
}
