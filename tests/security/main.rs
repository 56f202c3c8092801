//! Trust between agencies and toward citizens: each test reproduces one thing a hostile
//! caller on loopback was seen to do (issue 17, "Seen") against the real binary, its
//! sandbox and its SQLite files, and shows it refused.

#[path = "../cli/support.rs"]
#[allow(dead_code)]
mod support;

mod agencies;
mod evidence;
mod fees;
mod world;
