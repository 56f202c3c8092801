//! quickwin workshops: a curriculum of exercises with automatic checks, hints and
//! results. An exercise is read from its folder ([`load`]), its starter and solution
//! are derived from the catalogue ([`derive`]), its checks run against a check twin of
//! the participant's service in a sandbox ([`world`], [`run`]), and every run is kept
//! in a progress store ([`progress`]). [`verify`] proves a curriculum: every starter
//! fails, every solution passes.

pub mod checks;
pub mod client;
pub mod derive;
pub mod diagram;
pub mod host;
pub mod load;
pub mod model;
pub mod path;
pub mod progress;
pub mod results;
pub mod run;
pub mod schema;
pub mod scratch;
pub mod verify;
pub mod world;
