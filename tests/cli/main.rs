//! End-to-end tests that drive the `quickwin` binary, plus property-style tests of the
//! checker on the catalogue.

mod catalogue;
mod diagnostics;
mod garbage;
mod generate;
mod host;
mod integrations;
mod layers;
mod messages;
mod mutations;
mod new;
mod numbers;
mod sandbox;
mod schema;
mod serve;
mod served;
mod support;
mod typos;
mod workshop;
