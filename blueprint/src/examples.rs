//! The day examples are made for: the OpenAPI document's examples and `check`'s example
//! answers are reckoned from it, so that both are the same on every run.

/// A fixed day to make the document for, so that it is the same every time (tests,
/// snapshots), and the day from which `check` reckons a date example's bounds relative to
/// today. Made-up dates are taken at the latest bound the field allows, so they stay
/// valid on later days.
pub const EXAMPLE_DAY: &str = "2026-11-01";
