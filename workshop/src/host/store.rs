//! The host's own store, `host.db` in its data folder: every push of every team (kept,
//! never overwritten), every check run with its results, the exercises each team started
//! and the hints it was shown, and the trainer's decisions (hints pushed, solutions
//! released, exercises locked, notes broadcast, the day). SQLite, `synchronous=FULL`:
//! what a page acknowledges is on disk.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::results::{Results, Status};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS pushes (
    team TEXT NOT NULL, n INTEGER NOT NULL, at INTEGER NOT NULL, file TEXT NOT NULL,
    status TEXT NOT NULL, blueprint TEXT, diagnostics TEXT NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (team, n)
);
CREATE TABLE IF NOT EXISTS runs (
    team TEXT NOT NULL, exercise TEXT NOT NULL, run INTEGER NOT NULL, at INTEGER NOT NULL,
    status TEXT NOT NULL, ms INTEGER NOT NULL, failing TEXT, results TEXT NOT NULL,
    PRIMARY KEY (team, exercise, run)
);
CREATE TABLE IF NOT EXISTS started (
    team TEXT NOT NULL, exercise TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (team, exercise)
);
CREATE TABLE IF NOT EXISTS hints (
    team TEXT NOT NULL, exercise TEXT NOT NULL, shown INTEGER NOT NULL, PRIMARY KEY (team, exercise)
);
CREATE TABLE IF NOT EXISTS pushed_hints (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, team TEXT NOT NULL, exercise TEXT NOT NULL,
    text TEXT NOT NULL, at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS released (
    team TEXT NOT NULL, exercise TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (team, exercise)
);
CREATE TABLE IF NOT EXISTS locked (exercise TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS notes (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, team TEXT NOT NULL, at INTEGER NOT NULL,
    kind TEXT NOT NULL, detail TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

/// Every team, in `released` and `pushed_hints`: a decision for the whole class.
pub const ALL: &str = "*";

/// One push of a team.
#[derive(Debug, Clone, Serialize)]
pub struct Push {
    /// Its number, from 1.
    pub n: i64,
    /// When (Unix seconds).
    pub at: i64,
    /// The file pushed (`service.yaml`, `answers.yaml`).
    pub file: String,
    /// `live`, `broken` (kept the running version), `waiting` (would lose data: asks
    /// first), `reset` (applied after the store was emptied), `kept` (not a blueprint).
    pub status: String,
    /// The blueprint's id, when it has one.
    pub blueprint: Option<String>,
    /// The diagnostics, as `check` prints them (empty when there were none).
    pub diagnostics: String,
    /// The text pushed.
    pub text: String,
}

/// One kept check run.
#[derive(Debug, Clone, Serialize)]
pub struct RunRow {
    /// The exercise.
    pub exercise: String,
    /// Its number for the team and exercise.
    pub run: i64,
    /// When it ended (Unix seconds).
    pub at: i64,
    /// `pass`, `fail` or `error`.
    pub status: String,
    /// How long it took.
    pub ms: i64,
    /// The id of the first check that did not pass.
    pub failing: Option<String>,
}

/// What the grid needs of one team and exercise.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Cell {
    /// When the team started it.
    pub started: Option<i64>,
    /// The runs so far.
    pub attempts: u32,
    /// When it first passed.
    pub passed_at: Option<i64>,
    /// The first failing check of the last run.
    pub failing: Option<String>,
    /// Failed runs on that same check, in a row up to the last run.
    pub failing_streak: u32,
    /// Failed runs per first failing check, over all runs.
    pub failed_checks: BTreeMap<String, u32>,
    /// Hints shown.
    pub hints: u32,
}

/// Why the host's store failed.
pub type StoreResult<T> = rusqlite::Result<T>;

/// The host's store.
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Open (creating when needed) `host.db` at `path`.
    pub fn open(path: &Path) -> StoreResult<Store> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(path)?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;",
        )?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn with<R>(&self, f: impl FnOnce(&Connection) -> StoreResult<R>) -> StoreResult<R> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&conn)
    }

    /// A setting (`day`).
    pub fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        self.with(|c| {
            c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
        })
    }

    /// Change a setting.
    pub fn set(&self, key: &str, value: &str) -> StoreResult<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(|_| ())
        })
    }

    /// Keep a push; its number.
    pub fn push(&self, team: &str, p: &Push) -> StoreResult<i64> {
        self.with(|c| {
            let n: i64 = c.query_row(
                "SELECT COALESCE(MAX(n), 0) + 1 FROM pushes WHERE team = ?1",
                [team],
                |r| r.get(0),
            )?;
            c.execute(
                "INSERT INTO pushes (team, n, at, file, status, blueprint, diagnostics, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![team, n, p.at, p.file, p.status, p.blueprint, p.diagnostics, p.text],
            )?;
            Ok(n)
        })
    }

    /// Change the status of push `n` (a waiting push applied after a reset).
    pub fn push_status(&self, team: &str, n: i64, status: &str) -> StoreResult<()> {
        self.with(|c| {
            c.execute(
                "UPDATE pushes SET status = ?3 WHERE team = ?1 AND n = ?2",
                params![team, n, status],
            )
            .map(|_| ())
        })
    }

    /// A team's pushes, newest first (at most `limit`).
    pub fn pushes(&self, team: &str, limit: i64) -> StoreResult<Vec<Push>> {
        self.with(|c| {
            let mut s = c.prepare_cached(
                "SELECT n, at, file, status, blueprint, diagnostics, text FROM pushes WHERE team = ?1 ORDER BY n DESC LIMIT ?2",
            )?;
            let rows = s.query_map(params![team, limit], push_row)?;
            rows.collect()
        })
    }

    /// Push `n` of a team.
    pub fn push_n(&self, team: &str, n: i64) -> StoreResult<Option<Push>> {
        self.with(|c| {
            c.query_row(
                "SELECT n, at, file, status, blueprint, diagnostics, text FROM pushes WHERE team = ?1 AND n = ?2",
                params![team, n],
                push_row,
            )
            .optional()
        })
    }

    /// The next run's number for a team and exercise.
    pub fn next_run(&self, team: &str, exercise: &str) -> StoreResult<u64> {
        self.with(|c| {
            c.query_row(
                "SELECT COALESCE(MAX(run), 0) + 1 FROM runs WHERE team = ?1 AND exercise = ?2",
                params![team, exercise],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
        })
    }

    /// Keep a run's results.
    pub fn record(&self, results: &Results, ms: u64, at: i64) -> StoreResult<()> {
        let failing = results.first_failure().map(|c| c.id.clone());
        self.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO runs (team, exercise, run, at, status, ms, failing, results) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    results.team,
                    results.exercise,
                    results.run as i64,
                    at,
                    results.status.as_str(),
                    ms as i64,
                    failing,
                    results.to_json()
                ],
            )
            .map(|_| ())
        })
    }

    /// The last run of a team's exercise, with its results.
    pub fn last(&self, team: &str, exercise: &str) -> StoreResult<Option<Results>> {
        self.with(|c| {
            let text: Option<String> = c
                .query_row(
                    "SELECT results FROM runs WHERE team = ?1 AND exercise = ?2 ORDER BY run DESC LIMIT 1",
                    params![team, exercise],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
        })
    }

    /// A team's runs, newest first.
    pub fn runs(&self, team: &str, limit: i64) -> StoreResult<Vec<RunRow>> {
        self.with(|c| {
            let mut s = c.prepare_cached(
                "SELECT exercise, run, at, status, ms, failing FROM runs WHERE team = ?1 ORDER BY at DESC, run DESC LIMIT ?2",
            )?;
            let rows = s.query_map(params![team, limit], |r| {
                Ok(RunRow {
                    exercise: r.get(0)?,
                    run: r.get(1)?,
                    at: r.get(2)?,
                    status: r.get(3)?,
                    ms: r.get(4)?,
                    failing: r.get(5)?,
                })
            })?;
            rows.collect()
        })
    }

    /// Every kept run, oldest first: the results export.
    pub fn all_runs(&self) -> StoreResult<Vec<(String, RunRow)>> {
        self.with(|c| {
            let mut s = c.prepare_cached(
                "SELECT team, exercise, run, at, status, ms, failing FROM runs ORDER BY team, exercise, run",
            )?;
            let rows = s.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    RunRow {
                        exercise: r.get(1)?,
                        run: r.get(2)?,
                        at: r.get(3)?,
                        status: r.get(4)?,
                        ms: r.get(5)?,
                        failing: r.get(6)?,
                    },
                ))
            })?;
            rows.collect()
        })
    }

    /// Note that a team started an exercise (the first time counts).
    pub fn start(&self, team: &str, exercise: &str, at: i64) -> StoreResult<()> {
        self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO started (team, exercise, at) VALUES (?1, ?2, ?3)",
                params![team, exercise, at],
            )
            .map(|_| ())
        })
    }

    /// Hints shown to a team for an exercise.
    pub fn hints_shown(&self, team: &str, exercise: &str) -> StoreResult<u32> {
        self.with(|c| {
            c.query_row(
                "SELECT shown FROM hints WHERE team = ?1 AND exercise = ?2",
                params![team, exercise],
                |r| r.get(0),
            )
            .optional()
            .map(Option::unwrap_or_default)
        })
    }

    /// Note that `n` hints are shown.
    pub fn show_hints(&self, team: &str, exercise: &str, n: u32) -> StoreResult<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO hints (team, exercise, shown) VALUES (?1, ?2, ?3) ON CONFLICT(team, exercise) DO UPDATE SET shown = MAX(shown, excluded.shown)",
                params![team, exercise, n],
            )
            .map(|_| ())
        })
    }

    /// The grid's cells: (team, exercise) → cell, from every run, start and hint.
    pub fn cells(&self) -> StoreResult<BTreeMap<(String, String), Cell>> {
        self.with(|c| {
            let mut cells: BTreeMap<(String, String), Cell> = BTreeMap::new();
            let mut s = c.prepare_cached("SELECT team, exercise, at FROM started")?;
            for row in s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
                let (t, e, at): (String, String, i64) = row?;
                cells.entry((t, e)).or_default().started = Some(at);
            }
            let mut s = c.prepare_cached("SELECT team, exercise, shown FROM hints")?;
            for row in s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
                let (t, e, n): (String, String, u32) = row?;
                cells.entry((t, e)).or_default().hints = n;
            }
            let mut s = c.prepare_cached(
                "SELECT team, exercise, at, status, failing FROM runs ORDER BY team, exercise, run",
            )?;
            for row in s.query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })? {
                let (t, e, at, status, failing): (String, String, i64, String, Option<String>) =
                    row?;
                let cell = cells.entry((t, e)).or_default();
                cell.attempts += 1;
                cell.started = Some(cell.started.map_or(at, |s| s.min(at)));
                if status == Status::Pass.as_str() {
                    cell.passed_at.get_or_insert(at);
                    cell.failing = None;
                    cell.failing_streak = 0;
                } else {
                    let check = failing.unwrap_or_default();
                    *cell.failed_checks.entry(check.clone()).or_default() += 1;
                    if cell.failing.as_deref() == Some(check.as_str()) {
                        cell.failing_streak += 1;
                    } else {
                        cell.failing_streak = 1;
                    }
                    cell.failing = Some(check);
                }
            }
            Ok(cells)
        })
    }

    /// Push a hint to a team (or [`ALL`]).
    pub fn push_hint(&self, team: &str, exercise: &str, text: &str, at: i64) -> StoreResult<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO pushed_hints (team, exercise, text, at) VALUES (?1, ?2, ?3, ?4)",
                params![team, exercise, text, at],
            )
            .map(|_| ())
        })
    }

    /// The hints the trainer pushed to a team (its own and the whole class's), newest first.
    pub fn pushed_hints(&self, team: &str) -> StoreResult<Vec<(String, String, i64)>> {
        self.with(|c| {
            let mut s = c.prepare_cached(
                "SELECT exercise, text, at FROM pushed_hints WHERE team = ?1 OR team = '*' ORDER BY seq DESC LIMIT 50",
            )?;
            let rows = s.query_map([team], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect()
        })
    }

    /// Release an exercise's solution to a team (or [`ALL`]).
    pub fn release(&self, team: &str, exercise: &str, at: i64) -> StoreResult<()> {
        self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO released (team, exercise, at) VALUES (?1, ?2, ?3)",
                params![team, exercise, at],
            )
            .map(|_| ())
        })
    }

    /// The solutions released, as (team or `*`, exercise).
    pub fn released(&self) -> StoreResult<BTreeSet<(String, String)>> {
        self.with(|c| {
            let mut s = c.prepare_cached("SELECT team, exercise FROM released")?;
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        })
    }

    /// Lock or unlock an exercise for the class.
    pub fn lock(&self, exercise: &str, locked: bool, at: i64) -> StoreResult<()> {
        self.with(|c| {
            if locked {
                c.execute(
                    "INSERT OR IGNORE INTO locked (exercise, at) VALUES (?1, ?2)",
                    params![exercise, at],
                )?;
            } else {
                c.execute("DELETE FROM locked WHERE exercise = ?1", [exercise])?;
            }
            Ok(())
        })
    }

    /// The locked exercises.
    pub fn locked(&self) -> StoreResult<BTreeSet<String>> {
        self.with(|c| {
            let mut s = c.prepare_cached("SELECT exercise FROM locked")?;
            let rows = s.query_map([], |r| r.get(0))?;
            rows.collect()
        })
    }

    /// Broadcast a note to the class.
    pub fn note(&self, text: &str, at: i64) -> StoreResult<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO notes (at, text) VALUES (?1, ?2)",
                params![at, text],
            )
            .map(|_| ())
        })
    }

    /// The latest notes, newest first.
    pub fn notes(&self, limit: i64) -> StoreResult<Vec<(i64, String)>> {
        self.with(|c| {
            let mut s =
                c.prepare_cached("SELECT at, text FROM notes ORDER BY seq DESC LIMIT ?1")?;
            let rows = s.query_map([limit], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        })
    }

    /// Keep an event of a team's timeline (a push, a run, a reset, a hint).
    pub fn event(&self, team: &str, kind: &str, detail: &str, at: i64) -> StoreResult<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO events (team, at, kind, detail) VALUES (?1, ?2, ?3, ?4)",
                params![team, at, kind, detail],
            )
            .map(|_| ())
        })
    }

    /// A team's timeline, newest first.
    pub fn events(&self, team: &str, limit: i64) -> StoreResult<Vec<(i64, String, String)>> {
        self.with(|c| {
            let mut s = c.prepare_cached(
                "SELECT at, kind, detail FROM events WHERE team = ?1 ORDER BY seq DESC LIMIT ?2",
            )?;
            let rows = s.query_map(params![team, limit], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
            rows.collect()
        })
    }

    /// Forget a team's runs, starts and hints of the exercises in `from` (a reset to an
    /// earlier exercise); its pushes and timeline stay.
    pub fn forget(&self, team: &str, from: &[String]) -> StoreResult<()> {
        self.with(|c| {
            for e in from {
                for table in ["runs", "started", "hints"] {
                    c.execute(
                        &format!("DELETE FROM {table} WHERE team = ?1 AND exercise = ?2"),
                        params![team, e],
                    )?;
                }
            }
            Ok(())
        })
    }
}

fn push_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Push> {
    Ok(Push {
        n: r.get(0)?,
        at: r.get(1)?,
        file: r.get(2)?,
        status: r.get(3)?,
        blueprint: r.get(4)?,
        diagnostics: r.get(5)?,
        text: r.get(6)?,
    })
}
