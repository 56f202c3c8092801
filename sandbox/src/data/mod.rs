//! Deterministic synthetic data for the mock agencies.
