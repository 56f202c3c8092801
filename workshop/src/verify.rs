//! `quickwin workshop verify`: proof that a curriculum works — every starter fails at
//! least one of its checks, every solution passes them all — with a line per exercise.

use std::time::Instant;

use crate::load::Curriculum;
use crate::results::{Results, Status};
use crate::run::{self, Run};
use crate::scratch::Scratch;
use crate::world::World;

/// What verifying one exercise found.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The exercise.
    pub id: String,
    /// Problems; none when the exercise works.
    pub problems: Vec<String>,
    /// The first check the starter fails.
    pub starter_fails: Option<String>,
    /// How many checks the solution passed, of how many.
    pub solution: (usize, usize),
    /// How long it took, in milliseconds.
    pub ms: u128,
}

async fn check_text(
    curriculum: &Curriculum,
    id: &str,
    text: &str,
    what: &str,
    seed: u64,
) -> Result<Results, String> {
    let exercise = curriculum.exercise(id).ok_or("no such exercise")?;
    let scratch = Scratch::new("verify").map_err(|e| e.to_string())?;
    let file = scratch.path().join(exercise.file());
    std::fs::write(&file, text).map_err(|e| e.to_string())?;
    let world = if exercise.checks.need_world() {
        Some(World::fresh(seed).await.map_err(|e| e.to_string())?)
    } else {
        None
    };
    Ok(run::run(
        world.as_ref(),
        &Run {
            team: "verify",
            exercise,
            file: &file,
            run: if what == "starter" { 1 } else { 2 },
            seed: Some(seed),
            suffix: None,
        },
    )
    .await)
}

/// Verify every exercise of `curriculum`, calling `line` with a line per exercise.
pub async fn verify(
    curriculum: &Curriculum,
    seed: u64,
    mut line: impl FnMut(&Verdict),
) -> Vec<Verdict> {
    let mut verdicts = Vec::new();
    for exercise in &curriculum.exercises {
        let started = Instant::now();
        let id = exercise.id().to_string();
        let mut v = Verdict {
            id: id.clone(),
            problems: Vec::new(),
            starter_fails: None,
            solution: (0, exercise.checks.checks.len()),
            ms: 0,
        };
        match curriculum.starter(&id) {
            Err(e) => v
                .problems
                .push(format!("the starter cannot be made: {}", e.message)),
            Ok(text) => match check_text(curriculum, &id, &text, "starter", seed).await {
                Err(e) => v
                    .problems
                    .push(format!("the starter could not be checked: {e}")),
                Ok(r) => match r.checks.iter().find(|c| c.status == Status::Fail) {
                    Some(c) => v.starter_fails = Some(c.id.clone()),
                    None => v
                        .problems
                        .push("the starter passes every check; it must fail at least one".into()),
                },
            },
        }
        match curriculum.solution(&id) {
            Err(e) => v
                .problems
                .push(format!("the solution cannot be made: {}", e.message)),
            Ok(text) => match check_text(curriculum, &id, &text, "solution", seed).await {
                Err(e) => v
                    .problems
                    .push(format!("the solution could not be checked: {e}")),
                Ok(r) => {
                    v.solution.0 = r.passed();
                    for c in r.checks.iter().filter(|c| c.status != Status::Pass) {
                        let said = c
                            .message
                            .as_ref()
                            .and_then(|m| m.get("en"))
                            .cloned()
                            .unwrap_or_default();
                        v.problems.push(format!(
                            "the solution fails `{}` ({}): {said}",
                            c.id,
                            c.status.as_str()
                        ));
                    }
                }
            },
        }
        v.ms = started.elapsed().as_millis();
        line(&v);
        verdicts.push(v);
    }
    verdicts
}
