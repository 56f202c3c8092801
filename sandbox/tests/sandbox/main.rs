//! Tests of the sandbox through its HTTP application (`app(state).oneshot(…)`, no port):
//! the mock agencies, the registry, the mediator's rights and errors, and the message log.

mod agencies;
mod faults;
mod log;
mod mediator;
mod support;
