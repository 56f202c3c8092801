//! One run of an exercise's checks: each check in order, every one even after one
//! fails, 10 s each and 60 s in all, then the results with every text in every
//! language.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::checks::{self, Ctx, Outcome, fill, say};
use crate::load::Loaded;
use crate::results::{CheckResult, RESULTS_VERSION, Results, Status, Texts};
use crate::world::World;

/// The most one check may take.
pub const CHECK_LIMIT: Duration = Duration::from_secs(10);
/// The most a run may take.
pub const RUN_LIMIT: Duration = Duration::from_secs(60);

/// What to run.
pub struct Run<'a> {
    /// Who runs it (a team's name, or the participant's).
    pub team: &'a str,
    /// The exercise.
    pub exercise: &'a Loaded,
    /// The participant's file.
    pub file: &'a Path,
    /// The run's number.
    pub run: u64,
    /// The seed of a reproducible run: the results leave out their timing and the twin
    /// draws its references from it.
    pub seed: Option<u64>,
    /// The suffix of the twin's subsystem (a workshop host's shared sandbox), if any.
    pub suffix: Option<&'a str>,
}

/// The message ids of a run's calls start with this: `qwchk-<team>-<exercise>-<run>-`.
pub fn prefix(team: &str, exercise: &str, run: u64) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!("qwchk-{}-{}-{run}-", clean(team), clean(exercise))
}

/// Run the checks of `run.exercise` over `run.file` in `world` (needed when
/// [`crate::model::Checks::need_world`]).
pub async fn run(world: Option<&World>, run: &Run<'_>) -> Results {
    let started = Instant::now();
    let shown = run.file.file_name().map_or_else(
        || run.exercise.file().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut ctx = Ctx::new(
        world,
        run.file.to_path_buf(),
        &shown,
        prefix(run.team, run.exercise.id(), run.run),
    );
    ctx.seed = run.seed;
    if let Some(suffix) = run.suffix {
        ctx.suffix = Some(suffix.to_string());
        for key in ["team.service", "team.client"] {
            if let Some(v) = ctx.vars.get_mut(key) {
                *v = quickwin_runtime::mediator::suffixed(v, suffix);
            }
        }
    }
    let mut results = Vec::new();
    for check in &run.exercise.checks.checks {
        let left = RUN_LIMIT.saturating_sub(started.elapsed());
        let limit = CHECK_LIMIT.min(left);
        ctx.limit = limit;
        let outcome = if limit.is_zero() {
            Outcome::error(say(
                "the run took more than 60 s, so this check did not run",
                "استغرق التشغيل أكثر من 60 ثانية، فلم يُنفَّذ هذا الفحص",
            ))
        } else {
            match tokio::time::timeout(limit, checks::run(check, &mut ctx)).await {
                Ok(o) => o,
                Err(_) => Outcome::error(say(
                    format!("the check took more than {} s", limit.as_secs()),
                    format!("استغرق الفحص أكثر من {} ثانية", limit.as_secs()),
                )),
            }
        };
        results.push(result(check, outcome, &ctx));
    }
    let status = if results.iter().any(|r| r.status == Status::Error) {
        Status::Error
    } else if results.iter().any(|r| r.status == Status::Fail) {
        Status::Fail
    } else {
        Status::Pass
    };
    Results {
        version: RESULTS_VERSION,
        team: run.team.to_string(),
        exercise: run.exercise.id().to_string(),
        run: run.run,
        status,
        ms: run
            .seed
            .is_none()
            .then(|| started.elapsed().as_millis() as u64),
        checks: results,
    }
}

fn result(check: &crate::model::Check, outcome: Outcome, ctx: &Ctx<'_>) -> CheckResult {
    let mut vars = ctx.vars.clone();
    vars.extend(outcome.seen.clone());
    let texts = |l: &quickwin_blueprint::model::Localized| -> Texts {
        l.0.iter()
            .map(|(k, v)| (k.clone(), fill(v, &vars)))
            .collect()
    };
    let passed = outcome.status == Status::Pass;
    let message = (!passed).then(|| {
        let mut m = texts(&check.message);
        if let Some(said) = &outcome.said {
            for (lang, text) in m.iter_mut() {
                if let Some(extra) = said.get(lang) {
                    text.push_str(" — ");
                    text.push_str(extra);
                }
            }
        }
        m
    });
    CheckResult {
        id: check.id.value.clone(),
        status: outcome.status,
        title: texts(&check.title),
        message,
        hint: (!passed).then(|| texts(&check.hint)),
        evidence: *outcome.evidence,
        review: outcome.review,
    }
}
