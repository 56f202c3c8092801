//! Reading a workshop folder: every file through the blueprint's span-aware loader, then
//! the rules that tie the files together (days list exercises that exist, `requires`
//! resolves, every learner-visible text is in every language, each check names one
//! kind). Every problem is a located diagnostic; nothing stops at the first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use quickwin_blueprint::de::{self, TextSite};
use quickwin_blueprint::suggest::did_you_mean;
use quickwin_blueprint::{Code, Diagnostic, Source, Span, yaml};
use serde::de::DeserializeOwned;

use crate::derive::{DeriveError, derive};
use crate::model::{Check, Checks, Day, Exercise, FORMAT_VERSION, KINDS, Workshop};
use crate::path::Path as YamlPath;

/// One file and what was found wrong with it.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file, for rendering.
    pub source: Source,
    /// Its problems, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// An exercise with its checks and where they were read from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The exercise's folder.
    pub dir: PathBuf,
    /// `exercise.yaml`.
    pub exercise: Exercise,
    /// `checks.yaml`.
    pub checks: Checks,
    /// The text of `checks.yaml`, to quote a check's place.
    pub checks_source: Source,
}

impl Loaded {
    /// The exercise's id.
    pub fn id(&self) -> &str {
        &self.exercise.id.value
    }

    /// The file the participant edits.
    pub fn file(&self) -> &str {
        self.exercise
            .file
            .as_ref()
            .map_or("service.yaml", |f| f.value.as_str())
    }

    /// Whether the participant keeps their file from the exercise before.
    pub fn keeps_previous(&self) -> bool {
        self.exercise.keep.is_some()
    }
}

/// A workshop as read from its folder.
#[derive(Debug, Clone)]
pub struct Curriculum {
    /// The folder.
    pub root: PathBuf,
    /// `workshop.yaml`.
    pub workshop: Workshop,
    /// The days, in order.
    pub days: Vec<Day>,
    /// The exercises, in the order the days list them.
    pub exercises: Vec<Loaded>,
}

impl Curriculum {
    /// The exercise `id`.
    pub fn exercise(&self, id: &str) -> Option<&Loaded> {
        self.exercises.iter().find(|e| e.id() == id)
    }

    /// The exercise listed before `id`.
    pub fn before(&self, id: &str) -> Option<&Loaded> {
        let at = self.exercises.iter().position(|e| e.id() == id)?;
        at.checked_sub(1).map(|i| &self.exercises[i])
    }

    /// The languages of the workshop, the default first.
    pub fn languages(&self) -> Vec<String> {
        self.workshop
            .languages
            .iter()
            .map(|l| l.value.clone())
            .collect()
    }

    /// The solution of exercise `id`: its text.
    pub fn solution(&self, id: &str) -> Result<String, DeriveError> {
        self.made(id, true)
    }

    /// The starter of exercise `id`: its text (the solution of the exercise before when
    /// it keeps the participant's file).
    pub fn starter(&self, id: &str) -> Result<String, DeriveError> {
        self.made(id, false)
    }

    fn made(&self, id: &str, solution: bool) -> Result<String, DeriveError> {
        let Some(ex) = self.exercise(id) else {
            return Err(DeriveError {
                span: Span::at(0),
                message: format!("there is no exercise `{id}`"),
                help: None,
            });
        };
        let previous = |this: &Loaded| -> Result<Option<String>, DeriveError> {
            match self.before(this.id()) {
                Some(before) => self.solution(before.id()).map(Some),
                None => Ok(None),
            }
        };
        let derived = if solution {
            &ex.exercise.solution
        } else if let Some(starter) = &ex.exercise.starter {
            starter
        } else {
            return previous(ex)?.ok_or_else(|| DeriveError {
                span: ex.exercise.keep.as_ref().map_or(Span::at(0), |k| k.span),
                message: "`keep: previous`, but no exercise comes before this one".into(),
                help: Some("give the exercise a `starter`".into()),
            });
        };
        let wants_previous = derived.previous.as_ref().is_some_and(|p| p.value);
        let prev = if wants_previous { previous(ex)? } else { None };
        derive(derived, &ex.dir, prev.as_deref(), ex.exercise.id.span)
    }
}

/// What reading a workshop folder gave: the curriculum when no file has an error, and
/// every file's problems.
#[derive(Debug)]
pub struct Read {
    /// The curriculum, when nothing stops it.
    pub curriculum: Option<Curriculum>,
    /// The files with problems, in the order read.
    pub reports: Vec<FileReport>,
}

impl Read {
    /// How many errors in all.
    pub fn errors(&self) -> usize {
        self.reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.is_error())
            .count()
    }
}

struct File<T> {
    source: Source,
    value: Option<T>,
    diagnostics: Vec<Diagnostic>,
    texts: Vec<TextSite>,
}

fn read_file<T: DeserializeOwned>(path: &Path, shown: &str) -> File<T> {
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                return File {
                    source: Source::new(shown, ""),
                    value: None,
                    diagnostics: vec![
                        Diagnostic::error(
                            Code::Encoding,
                            Span::at(0),
                            "the file is not UTF-8 text",
                        )
                        .with_help("save the file as UTF-8"),
                    ],
                    texts: Vec::new(),
                };
            }
        },
        Err(e) => {
            return File {
                source: Source::new(shown, ""),
                value: None,
                diagnostics: vec![Diagnostic::error(
                    Code::MissingKey,
                    Span::at(0),
                    format!("cannot read `{shown}`: {e}"),
                )],
                texts: Vec::new(),
            };
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map_or(text.clone(), str::to_string);
    let source = Source::new(shown, text);
    let tree = match yaml::parse(&source) {
        Ok(t) => t,
        Err(diagnostics) => {
            return File {
                source,
                value: None,
                diagnostics,
                texts: Vec::new(),
            };
        }
    };
    let decoded = de::decode::<T>(&tree);
    File {
        source,
        value: decoded.value,
        diagnostics: decoded.diagnostics,
        texts: decoded.texts,
    }
}

/// Where the workshop's files are shown from: relative to the folder's parent, so that
/// messages read `iq-2012/exercises/07-…/checks.yaml:12:5`.
fn shown(root: &Path, path: &Path) -> String {
    let base = root.parent().unwrap_or(root);
    path.strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn version(found: u32, span: Span, key: &str) -> Option<Diagnostic> {
    (found != FORMAT_VERSION).then(|| {
        Diagnostic::error(
            Code::InvalidValue,
            span,
            format!("`{key}: {found}` is not a version this quickwin reads; expected `{key}: {FORMAT_VERSION}`"),
        )
    })
}

fn languages_of(texts: &[TextSite], languages: &[String], out: &mut Vec<Diagnostic>) {
    for site in texts {
        let missing: Vec<String> = languages
            .iter()
            .filter(|l| !site.languages.contains(l))
            .map(|l| format!("`{l}`"))
            .collect();
        if !missing.is_empty() {
            out.push(
                Diagnostic::error(
                    Code::MissingLanguage,
                    site.span,
                    format!("this text has no {} version", missing.join(" or ")),
                )
                .with_help(format!(
                    "participants read it in every language of the workshop; write it as `{{{}}}`",
                    languages
                        .iter()
                        .map(|l| format!("{l}: …"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
        for empty in site.empty.iter().filter(|e| languages.contains(e)) {
            out.push(Diagnostic::error(
                Code::MissingLanguage,
                site.span,
                format!("the `{empty}` text is empty"),
            ));
        }
    }
}

/// Read the workshop in `root`.
pub fn read(root: &Path) -> Read {
    let mut reports = Vec::new();
    let mut push = |source: Source, mut diagnostics: Vec<Diagnostic>| {
        if !diagnostics.is_empty() {
            diagnostics.sort_by_key(|d| (d.span.start, d.severity, d.code));
            reports.push(FileReport {
                source,
                diagnostics,
            });
        }
    };
    let ws_path = root.join("workshop.yaml");
    let ws = read_file::<Workshop>(&ws_path, &shown(root, &ws_path));
    let mut diags = ws.diagnostics;
    let languages: Vec<String> = ws
        .value
        .as_ref()
        .map(|w| w.languages.iter().map(|l| l.value.clone()).collect())
        .unwrap_or_else(|| vec!["ar".into(), "en".into()]);
    languages_of(&ws.texts, &languages, &mut diags);
    let day_count = ws.value.as_ref().map_or(0, |w| w.days.value);
    if let Some(w) = &ws.value {
        diags.extend(version(w.format.value, w.format.span, "quickwin-workshop"));
        if w.languages.is_empty() {
            diags.push(Diagnostic::error(
                Code::InvalidValue,
                Span::at(0),
                "`languages` is empty; expected `[ar, en]`",
            ));
        }
        for d in 1..=day_count {
            let path = root.join("days").join(format!("{d:02}.yaml"));
            if !path.is_file() {
                diags.push(
                    Diagnostic::error(
                        Code::UnknownReference,
                        w.days.span,
                        format!("the workshop has {day_count} days, but `days/{d:02}.yaml` does not exist"),
                    )
                    .with_help("write the day's file, or lower `days`"),
                );
            }
        }
    }
    let ws_source = ws.source;
    // Days.
    let mut days = Vec::new();
    let mut listed: BTreeMap<String, (u32, Source, Span)> = BTreeMap::new();
    let mut day_reports = Vec::new();
    for d in 1..=day_count {
        let path = root.join("days").join(format!("{d:02}.yaml"));
        if !path.is_file() {
            continue;
        }
        let file = read_file::<Day>(&path, &shown(root, &path));
        let mut diagnostics = file.diagnostics;
        languages_of(&file.texts, &languages, &mut diagnostics);
        if let Some(day) = &file.value {
            diagnostics.extend(version(day.format.value, day.format.span, "quickwin-day"));
            if day.day.value != d {
                diagnostics.push(Diagnostic::error(
                    Code::InvalidValue,
                    day.day.span,
                    format!("the file is day {d}, but says `day: {}`", day.day.value),
                ));
            }
            for ex in &day.exercises {
                if let Some((other, _, _)) = listed.get(&ex.value) {
                    diagnostics.push(Diagnostic::error(
                        Code::DuplicateId,
                        ex.span,
                        format!(
                            "the exercise `{}` is already listed on day {other}",
                            ex.value
                        ),
                    ));
                } else {
                    listed.insert(ex.value.clone(), (d, file.source.clone(), ex.span));
                }
            }
            days.push(day.clone());
        }
        day_reports.push((file.source, diagnostics));
    }
    // Exercises: every folder under exercises/, sorted.
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("exercises"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    let mut found: BTreeMap<String, Loaded> = BTreeMap::new();
    let mut exercise_reports = Vec::new();
    for dir in &dirs {
        let ex_path = dir.join("exercise.yaml");
        let ck_path = dir.join("checks.yaml");
        let ex = read_file::<Exercise>(&ex_path, &shown(root, &ex_path));
        let ck = read_file::<Checks>(&ck_path, &shown(root, &ck_path));
        let mut ex_diags = ex.diagnostics;
        let mut ck_diags = ck.diagnostics;
        languages_of(&ex.texts, &languages, &mut ex_diags);
        languages_of(&ck.texts, &languages, &mut ck_diags);
        for lang in &languages {
            let name = format!("instructions.{lang}.md");
            let ok = std::fs::read_to_string(dir.join(&name)).is_ok_and(|t| !t.trim().is_empty());
            if !ok {
                ex_diags.push(
                    Diagnostic::error(
                        Code::MissingLanguage,
                        Span::at(0),
                        format!("the exercise has no `{name}`"),
                    )
                    .with_help(format!(
                        "write the instructions in `{lang}` beside `exercise.yaml`"
                    )),
                );
            }
        }
        if let Some(e) = &ex.value {
            exercise_rules(e, &languages, &mut ex_diags);
            if found.contains_key(&e.id.value) {
                ex_diags.push(Diagnostic::error(
                    Code::DuplicateId,
                    e.id.span,
                    format!("another folder already has the exercise `{}`", e.id.value),
                ));
            }
            match listed.get(&e.id.value) {
                None => ex_diags.push(
                    Diagnostic::error(
                        Code::UnknownReference,
                        e.id.span,
                        format!("no day lists the exercise `{}`", e.id.value),
                    )
                    .with_help(format!(
                        "add it to `exercises:` in `days/{:02}.yaml`",
                        e.day.value
                    )),
                ),
                Some((d, _, _)) if *d != e.day.value => ex_diags.push(Diagnostic::error(
                    Code::Inconsistent,
                    e.day.span,
                    format!(
                        "`day: {}`, but `days/{d:02}.yaml` lists the exercise",
                        e.day.value
                    ),
                )),
                Some(_) => {}
            }
        }
        if let Some(c) = &ck.value {
            check_rules(c, &mut ck_diags);
        }
        let ok = !ex_diags.iter().chain(&ck_diags).any(Diagnostic::is_error);
        if let (true, Some(e), Some(c)) = (ok, ex.value, ck.value) {
            found.insert(
                e.id.value.clone(),
                Loaded {
                    dir: dir.clone(),
                    exercise: e,
                    checks: c,
                    checks_source: ck.source.clone(),
                },
            );
        }
        exercise_reports.push((ex.source, ex_diags));
        exercise_reports.push((ck.source, ck_diags));
    }
    // Days that list exercises no folder has. A folder `NN-id` counts even when its
    // files have errors, which are reported on their own.
    let mut known: Vec<String> = found.keys().cloned().collect();
    for dir in &dirs {
        if let Some(id) = dir
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.split_once('-'))
            .map(|(_, id)| id.to_string())
        {
            if !known.contains(&id) {
                known.push(id);
            }
        }
    }
    for (id, (_, source, span)) in &listed {
        if !known.contains(id) {
            let help = did_you_mean(id, known.iter().map(String::as_str)).unwrap_or_else(|| {
                format!("add a folder `exercises/NN-{id}/` with `exercise.yaml` and `checks.yaml`")
            });
            if let Some((_, diags)) = day_reports.iter_mut().find(|(s, _)| s.name == source.name) {
                diags.push(
                    Diagnostic::error(
                        Code::UnknownReference,
                        *span,
                        format!("there is no exercise `{id}`"),
                    )
                    .with_help(help),
                );
            }
        }
    }
    // `requires` resolves.
    for loaded in found.values() {
        for r in &loaded.exercise.requires {
            if !known.contains(&r.value) {
                let help = did_you_mean(&r.value, known.iter().map(String::as_str))
                    .unwrap_or_else(|| "name an exercise of this workshop".into());
                let name = shown(root, &loaded.dir.join("exercise.yaml"));
                if let Some((_, diags)) = exercise_reports.iter_mut().find(|(s, _)| s.name == name)
                {
                    diags.push(
                        Diagnostic::error(
                            Code::UnknownReference,
                            r.span,
                            format!(
                                "`requires` names `{}`, which is not an exercise of this workshop",
                                r.value
                            ),
                        )
                        .with_help(help),
                    );
                }
            }
        }
    }
    push(ws_source, diags);
    for (s, d) in day_reports {
        push(s, d);
    }
    for (s, d) in exercise_reports {
        push(s, d);
    }
    let failed = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(Diagnostic::is_error);
    let curriculum = match (failed, ws.value) {
        (false, Some(workshop)) => {
            let mut exercises = Vec::new();
            for day in &days {
                for id in &day.exercises {
                    if let Some(l) = found.remove(&id.value) {
                        exercises.push(l);
                    }
                }
            }
            Some(Curriculum {
                root: root.to_path_buf(),
                workshop,
                days,
                exercises,
            })
        }
        _ => None,
    };
    Read {
        curriculum,
        reports,
    }
}

fn exercise_rules(e: &Exercise, languages: &[String], out: &mut Vec<Diagnostic>) {
    out.extend(version(e.format.value, e.format.span, "quickwin-exercise"));
    match (&e.starter, &e.keep) {
        (Some(_), Some(k)) => out.push(
            Diagnostic::error(Code::Inconsistent, k.span, "the exercise has both `starter` and `keep`")
                .with_help("keep one: `starter` writes a new file, `keep: previous` continues the participant's"),
        ),
        (None, None) => out.push(
            Diagnostic::error(Code::MissingKey, e.id.span, "the exercise has neither `starter` nor `keep: previous`")
                .with_help("add `starter: {pilot: ID}` or `keep: previous`"),
        ),
        (None, Some(k)) if k.value != "previous" => out.push(
            Diagnostic::error(Code::InvalidValue, k.span, format!("`keep: {}` is not known; expected `keep: previous`", k.value)),
        ),
        _ => {}
    }
    if let Some(p) = &e.pilot {
        if quickwin_sandbox::catalogue::find(&p.value).is_none() {
            let ids = quickwin_sandbox::catalogue::CATALOGUE
                .iter()
                .map(|(id, _)| *id);
            out.push(
                Diagnostic::error(
                    Code::UnknownReference,
                    p.span,
                    format!("there is no catalogue pilot `{}`", p.value),
                )
                .with_help_opt(did_you_mean(&p.value, ids)),
            );
        }
    }
    for hint in &e.hints {
        for (lang, text) in [("en", &hint.en), ("ar", &hint.ar)] {
            if languages.iter().any(|l| l == lang)
                && text.as_ref().is_none_or(|t| t.value.trim().is_empty())
            {
                let span = hint
                    .en
                    .as_ref()
                    .or(hint.ar.as_ref())
                    .map_or(e.id.span, |t| t.span);
                out.push(Diagnostic::error(
                    Code::MissingLanguage,
                    span,
                    format!("this hint has no `{lang}` text"),
                ));
            }
        }
    }
}

fn check_rules(c: &Checks, out: &mut Vec<Diagnostic>) {
    out.extend(version(c.format.value, c.format.span, "quickwin-checks"));
    if c.checks.is_empty() {
        out.push(Diagnostic::error(
            Code::MissingKey,
            c.format.span,
            "`checks` is empty; an exercise needs at least one check",
        ));
    }
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for check in &c.checks {
        if !seen.insert(&check.id.value) {
            out.push(Diagnostic::error(
                Code::DuplicateId,
                check.id.span,
                format!("two checks have the id `{}`", check.id.value),
            ));
        }
        if let Some(after) = &check.after {
            if !seen.contains(after.value.as_str()) || after.value == check.id.value {
                out.push(
                    Diagnostic::error(
                        Code::UnknownReference,
                        after.span,
                        format!("`after: {}` names no check before this one", after.value),
                    )
                    .with_help_opt(did_you_mean(&after.value, seen.iter().copied())),
                );
            }
        }
        one_check(check, out);
    }
}

fn one_check(check: &Check, out: &mut Vec<Diagnostic>) {
    let kinds = check.kinds();
    if kinds.len() != 1 {
        let all = KINDS
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            Diagnostic::error(
                Code::Inconsistent,
                check.id.span,
                if kinds.is_empty() {
                    format!("the check `{}` says nothing to check", check.id.value)
                } else {
                    format!(
                        "the check `{}` has {} kinds ({}); a check has one",
                        check.id.value,
                        kinds.len(),
                        kinds.join(", ")
                    )
                },
            )
            .with_help(format!("give it exactly one of {all}")),
        );
    }
    if let Some(b) = &check.blueprint {
        if let Some(sel) = &b.select {
            if let Err(e) = YamlPath::parse(&sel.value) {
                out.push(Diagnostic::error(
                    Code::InvalidValue,
                    sel.span,
                    e.to_string(),
                ));
            }
        } else if b.count.is_some()
            || b.equals.is_some()
            || b.contains.is_some()
            || !b.r#where.is_empty()
        {
            out.push(Diagnostic::error(
                Code::InapplicableKey,
                check.id.span,
                "`count`, `equals`, `contains` and `where` need a `select` path",
            ));
        }
        if let Some(ev) = &b.evaluate {
            if ev.fee.is_some() == ev.expr.is_some() {
                out.push(Diagnostic::error(
                    Code::Inconsistent,
                    ev.equals.span,
                    "`evaluate` names exactly one of `fee` or `expr`",
                ));
            }
        }
        let said =
            b.valid.is_some() || b.codes.is_some() || b.select.is_some() || b.evaluate.is_some();
        if !said {
            out.push(
                Diagnostic::error(
                    Code::MissingKey,
                    check.id.span,
                    "the `blueprint` check says nothing to check",
                )
                .with_help("add `valid: true`, `codes`, `select` or `evaluate`"),
            );
        }
    }
    for step in check.http.iter().flatten() {
        let targets = step.target();
        if targets.len() != 1 {
            let span = targets.first().map_or(check.id.span, |(_, p)| p.span);
            out.push(
                Diagnostic::error(
                    Code::Inconsistent,
                    span,
                    format!(
                        "an http step names {} requests; it names one",
                        targets.len()
                    ),
                )
                .with_help(
                    "write one of `get`, `post`, `put`, `patch`, `delete` or `page` with its path",
                ),
            );
        }
        for (_, p) in targets {
            if !p.value.starts_with('/') {
                out.push(Diagnostic::error(
                    Code::InvalidValue,
                    p.span,
                    format!("the path `{}` does not start with `/`", p.value),
                ));
            }
        }
        for (name, pointer) in &step.keep {
            if !pointer.value.starts_with('/') {
                out.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        pointer.span,
                        format!(
                            "`keep: {{{name}: {}}}` is not a JSON pointer",
                            pointer.value
                        ),
                    )
                    .with_help(format!("write `/{}`", pointer.value)),
                );
            }
        }
    }
    if let Some(q) = &check.quiz {
        if q.choose.is_none() == q.accept.is_empty() {
            out.push(Diagnostic::error(Code::Inconsistent, q.question.span, "a quiz question has `choose` (one option) or `accept` (short answers), not both or neither"));
        }
    }
    if let Some(log) = &check.messagelog {
        if log.expect.is_empty() && log.absent.is_empty() && log.chain.is_none() {
            out.push(Diagnostic::error(
                Code::MissingKey,
                check.id.span,
                "the `messagelog` check has no `expect`, `absent` or `chain`",
            ));
        }
        if let Some(chain) = &log.chain {
            if chain.value != "intact" {
                out.push(Diagnostic::error(
                    Code::InvalidValue,
                    chain.span,
                    format!("`chain: {}`; expected `chain: intact`", chain.value),
                ));
            }
        }
    }
}
