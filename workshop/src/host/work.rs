//! What changes a team's files: a push (kept, checked, served when valid, held when it
//! would lose data), its confirmation, a check run in the shared sandbox, and the
//! trainer's reset to an exercise. Every change is kept in the host's store first.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use quickwin_runtime::service::{Service, ServiceError};

use super::store::Push;
use super::{Host, Live, Slot, now};
use crate::results::Results;
use crate::run::{self, Run};

impl Host {
    /// Take a file a team pushed: keep it in the history, and for the blueprint serve it
    /// from the next request on when it is valid; an invalid one keeps the running
    /// version, one that would lose data waits for the team to confirm.
    pub async fn push(&self, team: &str, file: &str, text: &str) -> Result<Pushed, PushError> {
        if !valid_file(file) {
            return Err(PushError::File(file.to_string()));
        }
        if text.len() > self.opts.max_file {
            return Err(PushError::TooLarge(self.opts.max_file));
        }
        let slot = self
            .slot(&format!("teams/{team}"))
            .ok_or(PushError::NoTeam)?;
        let at = now();
        let path = self.work(team).join(file);
        if file != "service.yaml" {
            write_atomic(&path, text).map_err(PushError::Io)?;
            let n = self.store.push(
                team,
                &Push {
                    n: 0,
                    at,
                    file: file.into(),
                    status: "kept".into(),
                    blueprint: None,
                    diagnostics: String::new(),
                    text: text.into(),
                },
            )?;
            self.store
                .event(team, "push", &format!("#{n} {file}"), at)?;
            return Ok(Pushed {
                n,
                status: "kept".into(),
                diagnostics: String::new(),
                blueprint: None,
            });
        }
        let checked = quickwin_blueprint::check_bytes(file, text.as_bytes());
        let diagnostics = if checked.diagnostics.is_empty() {
            String::new()
        } else {
            quickwin_blueprint::report::human(&checked)
        };
        let id = checked
            .blueprint
            .as_ref()
            .map(|b| b.id.as_str().to_string());
        let mut pushed = Push {
            n: 0,
            at,
            file: file.into(),
            status: "broken".into(),
            blueprint: id.clone(),
            diagnostics: diagnostics.clone(),
            text: text.into(),
        };
        if !checked.is_valid() {
            let n = self.store.push(team, &pushed)?;
            self.store
                .event(team, "push", &format!("#{n} broken"), at)?;
            return Ok(Pushed {
                n,
                status: pushed.status,
                diagnostics,
                blueprint: id,
            });
        }
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        write_atomic(&path, text).map_err(PushError::Io)?;
        let outcome = self.apply(&slot, false).await;
        pushed.status = match &outcome {
            Ok(()) => "live".into(),
            Err(ServiceError::Store { source, .. }) if loses_data(source) => "waiting".into(),
            Err(_) => "broken".into(),
        };
        if let Err(e) = &outcome {
            // The running version stays: the file goes back to what it serves.
            let _ = write_atomic(&path, &before);
            if pushed.diagnostics.is_empty() {
                pushed.diagnostics = e.to_string();
            }
        }
        let n = self.store.push(team, &pushed)?;
        self.store
            .event(team, "push", &format!("#{n} {}", pushed.status), at)?;
        Ok(Pushed {
            n,
            status: pushed.status,
            diagnostics: pushed.diagnostics,
            blueprint: id,
        })
    }

    /// Serve the blueprint in `slot`'s file: reload the open service, or open it (a
    /// changed id opens a new store); with `force`, a change that loses data empties
    /// what it must.
    async fn apply(&self, slot: &Arc<Slot>, force: bool) -> Result<(), ServiceError> {
        let mut live = slot.live.lock().await;
        self.touch(slot);
        let host = self.clone();
        let s = slot.clone();
        let current = live.as_ref().map(|l| l.service.clone());
        let reloaded =
            tokio::task::spawn_blocking(move || -> Result<Option<Service>, ServiceError> {
                if let Some(service) = current {
                    match service.reload_with(force) {
                        Ok(_) => {
                            host.register(&s, &service)?;
                            return Ok(None);
                        }
                        Err(ServiceError::IdChanged { .. }) => {}
                        Err(e) => return Err(e),
                    }
                }
                host.open_service(&s, force).map(Some)
            })
            .await
            .map_err(|e| ServiceError::Templates(e.to_string()))??;
        if let Some(service) = reloaded {
            let service = Arc::new(service);
            let router = service.router();
            let worker = service.spawn_worker();
            *live = Some(Live {
                service,
                router,
                worker,
            });
        }
        Ok(())
    }

    /// Apply a push that was waiting because it loses data: empty the store, serve it.
    pub async fn confirm(&self, team: &str, n: i64) -> Result<Pushed, PushError> {
        let push = self
            .store
            .push_n(team, n)?
            .filter(|p| p.status == "waiting")
            .ok_or(PushError::NotWaiting(n))?;
        let slot = self
            .slot(&format!("teams/{team}"))
            .ok_or(PushError::NoTeam)?;
        let path = self.work(team).join(&push.file);
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        write_atomic(&path, &push.text).map_err(PushError::Io)?;
        if let Err(e) = self.apply(&slot, true).await {
            let _ = write_atomic(&path, &before);
            return Err(PushError::Service(e.to_string()));
        }
        self.store.push_status(team, n, "reset")?;
        self.store
            .event(team, "push", &format!("#{n} applied, store emptied"), now())?;
        Ok(Pushed {
            n,
            status: "reset".into(),
            diagnostics: String::new(),
            blueprint: push.blueprint,
        })
    }

    /// Run a team's checks of `exercise` in the shared sandbox; kept in the store.
    pub async fn check(&self, team: &str, exercise: &str) -> Result<Results, PushError> {
        let ex = self
            .exercise(exercise)
            .ok_or_else(|| PushError::NoExercise(exercise.to_string()))?;
        if self.store.locked()?.contains(exercise) {
            return Err(PushError::Locked(exercise.to_string()));
        }
        let lock = {
            let mut runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
            runs.entry(team.to_string()).or_default().clone()
        };
        let _one = lock.lock().await;
        let file = self.work(team).join(ex.file());
        let run_n = self.store.next_run(team, exercise)?;
        let suffix = format!("{team}-check");
        let started = Instant::now();
        self.store.start(team, exercise, now())?;
        let results = run::run(
            Some(&self.world),
            &Run {
                team,
                exercise: ex,
                file: &file,
                run: run_n,
                seed: None,
                suffix: Some(&suffix),
            },
        )
        .await;
        let ms = started.elapsed().as_millis() as u64;
        self.store.record(&results, ms, now())?;
        self.store.event(
            team,
            "check",
            &format!(
                "{exercise} run {run_n}: {} ({}/{})",
                results.status.as_str(),
                results.passed(),
                results.checks.len()
            ),
            now(),
        )?;
        Ok(results)
    }

    /// Put a team back at `exercise`: its file as the solution of the exercise before
    /// (or the exercise's starter), its service's store emptied, its results of that
    /// exercise and the later ones forgotten. The message log is never cut.
    pub async fn reset(&self, team: &str, exercise: &str) -> Result<(), PushError> {
        let c = self
            .curriculum
            .as_ref()
            .ok_or_else(|| PushError::NoExercise(exercise.to_string()))?;
        let ex = c
            .exercise(exercise)
            .ok_or_else(|| PushError::NoExercise(exercise.to_string()))?;
        let text = match c.before(exercise).filter(|b| b.file() == ex.file()) {
            Some(before) if ex.keeps_previous() => c.solution(before.id()),
            _ => c.starter(exercise),
        }
        .map_err(|e| PushError::Service(e.message))?;
        let slot = self
            .slot(&format!("teams/{team}"))
            .ok_or(PushError::NoTeam)?;
        let path = self.work(team).join(ex.file());
        write_atomic(&path, &text).map_err(PushError::Io)?;
        if ex.file() == "service.yaml" {
            self.close(&slot).await;
            remove_stores(&slot.dir).map_err(PushError::Io)?;
            self.apply(&slot, true)
                .await
                .map_err(|e| PushError::Service(e.to_string()))?;
        }
        let position = c
            .exercises
            .iter()
            .position(|e| e.id() == exercise)
            .unwrap_or(0);
        let later: Vec<String> = c.exercises[position..]
            .iter()
            .map(|e| e.id().to_string())
            .collect();
        self.store.forget(team, &later)?;
        let at = now();
        self.store.push(
            team,
            &Push {
                n: 0,
                at,
                file: ex.file().into(),
                status: "reset".into(),
                blueprint: None,
                diagnostics: String::new(),
                text,
            },
        )?;
        self.store.start(team, exercise, at)?;
        self.store
            .event(team, "reset", &format!("to {exercise} by the trainer"), at)?;
        Ok(())
    }
}

/// What a push did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Pushed {
    /// Its number in the team's history.
    pub n: i64,
    /// `live`, `broken`, `waiting` (asks before losing data), `reset`, or `kept`.
    pub status: String,
    /// The diagnostics, as `check` prints them.
    pub diagnostics: String,
    /// The blueprint's id.
    pub blueprint: Option<String>,
}

/// Why a push, a check or a reset was refused.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// A file name a team may not push.
    #[error(
        "`{0}` is not a file a team can push; push the exercise's file (`service.yaml`, `answers.yaml`…): letters, digits, `-`, `_`, one `.`"
    )]
    File(String),
    /// Over the size limit.
    #[error("the file is larger than {0} bytes")]
    TooLarge(usize),
    /// No such team.
    #[error("there is no such team")]
    NoTeam,
    /// No such exercise.
    #[error("there is no exercise `{0}` in the workshop")]
    NoExercise(String),
    /// Locked by the trainer.
    #[error("the trainer has locked `{0}` for now")]
    Locked(String),
    /// A push that is not waiting.
    #[error("push #{0} is not waiting for a confirmation")]
    NotWaiting(i64),
    /// The service could not serve it.
    #[error("{0}")]
    Service(String),
    /// The store.
    #[error("the host's store: {0}")]
    Store(#[from] rusqlite::Error),
    /// A file.
    #[error("cannot write the file: {0}")]
    Io(std::io::Error),
}

fn loses_data(e: &quickwin_runtime::store::StoreError) -> bool {
    e.to_string().contains("would lose data")
}

/// Whether a team may push a file of this name.
pub fn valid_file(name: &str) -> bool {
    let mut parts = name.split('.');
    let (Some(stem), Some(ext), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 40
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    ok(stem) && ok(ext)
}

/// Write `text` to `path` whole: a temporary file, then a rename.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp~");
    std::fs::write(&tmp, text)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, path)
}

fn remove_stores(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".db") || name.ends_with(".db-wal") || name.ends_with(".db-shm") {
            std::fs::remove_file(entry.path())?;
        }
    }
    let _ = std::fs::remove_file(dir.join("accounts.json"));
    Ok(())
}
