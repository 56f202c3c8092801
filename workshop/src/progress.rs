//! The progress store, `.quickwin/workshop.db` in the participant's folder: which
//! workshop and exercise, when each was started, every run with its results, and the
//! hints shown. SQLite, each write committed before the command answers.

use std::collections::BTreeSet;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::results::{Results, Status};

/// The progress of one participant or team.
pub struct Progress {
    conn: Connection,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS started (exercise TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    exercise TEXT NOT NULL,
    run INTEGER NOT NULL,
    at INTEGER NOT NULL,
    status TEXT NOT NULL,
    ms INTEGER NOT NULL,
    results TEXT NOT NULL,
    PRIMARY KEY (exercise, run)
);
CREATE TABLE IF NOT EXISTS hints (exercise TEXT PRIMARY KEY, shown INTEGER NOT NULL);
";

impl Progress {
    /// Open (creating when needed) the store at `path`.
    pub fn open(path: &Path) -> rusqlite::Result<Progress> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(path)?;
        conn.execute_batch("PRAGMA busy_timeout=5000; PRAGMA synchronous=FULL;")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Progress { conn })
    }

    /// A setting (`workshop`, `team`, `current`, `lang`).
    pub fn get(&self, key: &str) -> rusqlite::Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
    }

    /// Change a setting.
    pub fn set(&self, key: &str, value: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Record that `exercise` was (re)started at `at` (seconds since the epoch).
    pub fn start(&self, exercise: &str, at: i64) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO started (exercise, at) VALUES (?1, ?2) ON CONFLICT(exercise) DO NOTHING",
            params![exercise, at],
        )?;
        Ok(())
    }

    /// When `exercise` was first started.
    pub fn started(&self, exercise: &str) -> rusqlite::Result<Option<i64>> {
        self.conn
            .query_row(
                "SELECT at FROM started WHERE exercise = ?1",
                [exercise],
                |r| r.get(0),
            )
            .optional()
    }

    /// The number the next run of `exercise` gets.
    pub fn next_run(&self, exercise: &str) -> rusqlite::Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT COALESCE(MAX(run), 0) FROM runs WHERE exercise = ?1",
            [exercise],
            |r| r.get(0),
        )?;
        Ok(n as u64 + 1)
    }

    /// Keep a run's results.
    pub fn record(&self, results: &Results, ms: u64, at: i64) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO runs (exercise, run, at, status, ms, results) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                results.exercise,
                results.run as i64,
                at,
                results.status.as_str(),
                ms as i64,
                results.to_json()
            ],
        )?;
        Ok(())
    }

    /// How many runs of `exercise` did not pass.
    pub fn failed_runs(&self, exercise: &str) -> rusqlite::Result<u32> {
        self.conn.query_row(
            "SELECT COUNT(*) FROM runs WHERE exercise = ?1 AND status <> 'pass'",
            [exercise],
            |r| r.get(0),
        )
    }

    /// The latest results of `exercise`.
    pub fn last(&self, exercise: &str) -> rusqlite::Result<Option<Results>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT results FROM runs WHERE exercise = ?1 ORDER BY run DESC LIMIT 1",
                [exercise],
                |r| r.get(0),
            )
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// The exercises with a passing run.
    pub fn passed(&self) -> rusqlite::Result<BTreeSet<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT exercise FROM runs WHERE status = ?1")?;
        let rows = stmt.query_map([Status::Pass.as_str()], |r| r.get(0))?;
        rows.collect()
    }

    /// How many general hints of `exercise` were shown.
    pub fn hints_shown(&self, exercise: &str) -> rusqlite::Result<u32> {
        Ok(self
            .conn
            .query_row(
                "SELECT shown FROM hints WHERE exercise = ?1",
                [exercise],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// Record that `n` general hints of `exercise` have been shown.
    pub fn show_hints(&self, exercise: &str, n: u32) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO hints (exercise, shown) VALUES (?1, ?2) ON CONFLICT(exercise) DO UPDATE SET shown = excluded.shown",
            params![exercise, n],
        )?;
        Ok(())
    }
}
