//! `quickwin workshop`: a participant's loop (list, start, check, hint, reset,
//! solution) over a curriculum folder, with progress in `.quickwin/workshop.db`; and,
//! for authors, `verify` and `schema`. A check starts the sandbox and a check twin in
//! this process, so one laptop with no network is enough.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use quickwin_blueprint::clock::Now;
use quickwin_blueprint::report;
use quickwin_workshop::load::{self, Curriculum, Loaded};
use quickwin_workshop::progress::Progress;
use quickwin_workshop::results::{Results, Status};
use quickwin_workshop::run::{self, Run};
use quickwin_workshop::world::World;

use super::EXIT_USAGE;
use crate::cli::{WorkshopArgs, WorkshopCommand};

/// Run `quickwin workshop …`.
pub fn run(args: &WorkshopArgs) -> ExitCode {
    match &args.command {
        WorkshopCommand::Verify { dir, seed } => verify(dir, *seed),
        WorkshopCommand::Schema { out } => schema(out),
        WorkshopCommand::Host(host) => super::host::host(host, args.workshop.as_deref()),
        WorkshopCommand::Team(team) => super::host::team(team),
        other => match Session::open(args) {
            Ok(s) => s.run(other),
            Err(code) => code,
        },
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_USAGE)
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(format!("cannot start the runtime: {e}")))
}

/// Read a curriculum, printing every problem; `None` when it has errors.
fn read(dir: &Path) -> Option<Curriculum> {
    let read = load::read(dir);
    for r in &read.reports {
        eprint!("{}", report::diagnostics(&r.source, &r.diagnostics));
    }
    if read.curriculum.is_none() {
        let errors = read.errors();
        eprintln!(
            "invalid: the workshop `{}` has {}",
            dir.display(),
            quickwin_blueprint::plural::english(errors.max(1), "error", "errors")
        );
    }
    read.curriculum
}

fn verify(dir: &Path, seed: u64) -> ExitCode {
    let started = Instant::now();
    let Some(curriculum) = read(dir) else {
        return ExitCode::from(1);
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let total = curriculum.exercises.len();
    let mut n = 0;
    let verdicts = rt.block_on(quickwin_workshop::verify::verify(&curriculum, seed, |v| {
        n += 1;
        if v.problems.is_empty() {
            println!(
                "✔ [{n}/{total}] {}: the starter fails `{}`, the solution passes {} of {} ({} ms)",
                v.id,
                v.starter_fails.as_deref().unwrap_or(""),
                v.solution.0,
                v.solution.1,
                v.ms
            );
        } else {
            println!("✘ [{n}/{total}] {} ({} ms)", v.id, v.ms);
            for p in &v.problems {
                println!("    {p}");
            }
        }
    }));
    let broken = verdicts.iter().filter(|v| !v.problems.is_empty()).count();
    println!("{}", summary(&curriculum));
    if broken > 0 {
        println!(
            "invalid: {broken} of {total} exercises do not work ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
        return ExitCode::from(1);
    }
    println!(
        "ok: every starter fails and every solution passes, {total} exercises in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

/// What the curriculum covers, in one line.
fn summary(c: &Curriculum) -> String {
    use quickwin_workshop::model::Audience;
    let business = c
        .exercises
        .iter()
        .filter(|e| e.exercise.audience.value == Audience::Business)
        .count();
    let checks: Vec<_> = c.exercises.iter().flat_map(|e| &e.checks.checks).collect();
    let count = |kind: &str| checks.iter().filter(|k| k.kinds().contains(&kind)).count();
    let pilots: std::collections::BTreeSet<&str> = c
        .exercises
        .iter()
        .filter_map(|e| e.exercise.pilot.as_ref().map(|p| p.value.as_str()))
        .collect();
    let layers: std::collections::BTreeSet<String> = c
        .exercises
        .iter()
        .flat_map(|e| &e.exercise.layers)
        .map(|l| format!("{:?}", l.value).to_lowercase())
        .collect();
    format!(
        "{} days, {} exercises ({business} business), {} checks ({} messagelog, {} http, {} access, {} quiz); pilots: {}; layers: {}",
        c.days.len(),
        c.exercises.len(),
        checks.len(),
        count("messagelog"),
        count("http"),
        count("access"),
        count("quiz"),
        pilots.into_iter().collect::<Vec<_>>().join(", "),
        layers.into_iter().collect::<Vec<_>>().join(", ")
    )
}

fn schema(out: &Path) -> ExitCode {
    if let Err(e) = std::fs::create_dir_all(out) {
        return fail(format!("cannot make `{}`: {e}", out.display()));
    }
    for (name, text) in quickwin_workshop::schema::schemas() {
        let path = out.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            return fail(format!("cannot write `{}`: {e}", path.display()));
        }
        println!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}

/// A participant's folder, its progress and the curriculum it works through.
struct Session {
    dir: PathBuf,
    progress: Progress,
    curriculum: Curriculum,
    lang: String,
    team: String,
}

impl Session {
    fn open(args: &WorkshopArgs) -> Result<Session, ExitCode> {
        let store = args.dir.join(".quickwin").join("workshop.db");
        let progress = Progress::open(&store).map_err(|e| {
            fail(format!(
                "cannot open the progress store `{}`: {e}",
                store.display()
            ))
        })?;
        let keep = |key: &str, value: &str| {
            progress
                .set(key, value)
                .map_err(|e| fail(format!("cannot write the progress store: {e}")))
        };
        let workshop = match &args.workshop {
            Some(w) => {
                let abs = std::path::absolute(w).unwrap_or_else(|_| w.clone());
                keep("workshop", &abs.display().to_string())?;
                abs
            }
            None => match progress.get("workshop").ok().flatten() {
                Some(w) => PathBuf::from(w),
                None => {
                    return Err(fail(
                        "which workshop? name its folder once with `--workshop DIR`, e.g. `--workshop workshops/iq-2012`",
                    ));
                }
            },
        };
        let curriculum = read(&workshop).ok_or(ExitCode::from(1))?;
        let languages = curriculum.languages();
        let lang = match &args.lang {
            Some(l) if languages.contains(l) => {
                keep("lang", l)?;
                l.clone()
            }
            Some(l) => {
                return Err(fail(format!(
                    "the workshop is in {}, not `{l}`",
                    languages
                        .iter()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                )));
            }
            None => progress
                .get("lang")
                .ok()
                .flatten()
                .unwrap_or_else(|| languages.first().cloned().unwrap_or_else(|| "en".into())),
        };
        let team = match &args.team {
            Some(t) => {
                keep("team", t)?;
                t.clone()
            }
            None => progress.get("team").ok().flatten().unwrap_or_else(|| {
                std::path::absolute(&args.dir)
                    .ok()
                    .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_else(|| "team".into())
            }),
        };
        Ok(Session {
            dir: args.dir.clone(),
            progress,
            curriculum,
            lang,
            team,
        })
    }

    fn ar(&self) -> bool {
        self.lang == "ar"
    }

    /// `en` or `ar`, as the participant reads.
    fn say<'a>(&self, en: &'a str, ar: &'a str) -> &'a str {
        if self.ar() { ar } else { en }
    }

    fn run(self, command: &WorkshopCommand) -> ExitCode {
        match command {
            WorkshopCommand::List => self.list(),
            WorkshopCommand::Start { exercise } => self.start(exercise),
            WorkshopCommand::Check {
                exercise,
                watch,
                json,
                seed,
            } => self.check(exercise.as_deref(), *watch, *json, *seed),
            WorkshopCommand::Hint => self.hint(),
            WorkshopCommand::Reset { exercise } => self.reset(exercise.as_deref()),
            WorkshopCommand::Solution { write } => self.solution(*write),
            WorkshopCommand::Push {
                host,
                file,
                password,
            } => self.push(host.as_deref(), file.as_deref(), password.as_deref()),
            WorkshopCommand::Verify { .. }
            | WorkshopCommand::Schema { .. }
            | WorkshopCommand::Host(_)
            | WorkshopCommand::Team(_) => ExitCode::SUCCESS,
        }
    }

    fn current(&self, named: Option<&str>) -> Result<&Loaded, ExitCode> {
        let id = match named {
            Some(id) => id.to_string(),
            None => self.progress.get("current").ok().flatten().ok_or_else(|| {
                fail(self.say(
                    "no exercise is started; `quickwin workshop list` shows them, `quickwin workshop start ID` starts one",
                    "لم يبدأ أي تمرين؛ يعرضها `quickwin workshop list` ويبدأ أحدها `quickwin workshop start ID`",
                ))
            })?,
        };
        self.curriculum.exercise(&id).ok_or_else(|| {
            let ids = self.curriculum.exercises.iter().map(Loaded::id);
            let help = quickwin_blueprint::suggest::did_you_mean(&id, ids)
                .unwrap_or_else(|| "`quickwin workshop list` shows the exercises".into());
            fail(format!("there is no exercise `{id}`; {help}"))
        })
    }

    fn list(&self) -> ExitCode {
        let passed = self.progress.passed().unwrap_or_default();
        let current = self.progress.get("current").ok().flatten();
        let lang = &self.lang;
        println!("{}", self.curriculum.workshop.title.get(lang));
        let mut next_shown = false;
        for day in &self.curriculum.days {
            println!();
            let word = self.say("Day", "اليوم");
            println!("{word} {} — {}", day.day.value, day.title.get(lang));
            for id in &day.exercises {
                let Some(ex) = self.curriculum.exercise(&id.value) else {
                    continue;
                };
                // The current exercise, or before any is started the first one.
                let next =
                    current.as_deref() == Some(ex.id()) || (current.is_none() && !next_shown);
                let mark = if passed.contains(ex.id()) {
                    "✔"
                } else if next {
                    next_shown = true;
                    "→"
                } else {
                    "·"
                };
                println!(
                    "  {mark} {:<28} {:<8} {:>3} min  {}",
                    ex.id(),
                    ex.exercise.audience.value.as_str(),
                    ex.exercise.minutes.value,
                    ex.exercise.title.get(lang)
                );
            }
        }
        println!();
        println!(
            "{} {}/{}",
            self.say("done:", "المنجز:"),
            passed.len(),
            self.curriculum.exercises.len()
        );
        ExitCode::SUCCESS
    }

    /// Write `text` into the exercise's file, keeping what was there.
    fn write_file(&self, ex: &Loaded, text: &str) -> Result<PathBuf, ExitCode> {
        let path = self.dir.join(ex.file());
        if let Ok(old) = std::fs::read_to_string(&path) {
            if old != text {
                let backups = self.dir.join(".quickwin").join("backups");
                let _ = std::fs::create_dir_all(&backups);
                let n = std::fs::read_dir(&backups).map(|d| d.count()).unwrap_or(0) + 1;
                let backup = backups.join(format!("{n:04}-{}-{}", ex.id(), ex.file()));
                std::fs::write(&backup, old).map_err(|e| {
                    fail(format!("cannot keep a copy of `{}`: {e}", path.display()))
                })?;
                println!(
                    "{} {}",
                    self.say("your previous file is kept as", "نُسخ ملفك السابق إلى"),
                    backup.display()
                );
            }
        }
        std::fs::write(&path, text)
            .map_err(|e| fail(format!("cannot write `{}`: {e}", path.display())))?;
        Ok(path)
    }

    fn begin(&self, ex: &Loaded, text: &str) -> ExitCode {
        let path = match self.write_file(ex, text) {
            Ok(p) => p,
            Err(code) => return code,
        };
        println!("{} {}", self.say("wrote", "كُتب"), path.display());
        self.set_current(ex)
    }

    fn set_current(&self, ex: &Loaded) -> ExitCode {
        if let Err(e) = self
            .progress
            .set("current", ex.id())
            .and_then(|()| self.progress.start(ex.id(), Now::read().secs))
        {
            return fail(format!("cannot write the progress store: {e}"));
        }
        let lang = &self.lang;
        println!();
        println!("{} — {}", ex.id(), ex.exercise.title.get(lang));
        println!("{}", ex.exercise.goal.get(lang));
        let instructions = ex.dir.join(format!("instructions.{lang}.md"));
        if let Ok(text) = std::fs::read_to_string(&instructions) {
            println!();
            print!("{text}");
        }
        println!();
        println!(
            "{}",
            self.say(
                "when you are ready: `quickwin workshop check` (or `check --watch`)",
                "عندما تكون جاهزاً: `quickwin workshop check` (أو `check --watch`)"
            )
        );
        ExitCode::SUCCESS
    }

    fn start(&self, id: &str) -> ExitCode {
        let ex = match self.current(Some(id)) {
            Ok(e) => e,
            Err(code) => return code,
        };
        let path = self.dir.join(ex.file());
        if ex.keeps_previous() && path.exists() {
            println!(
                "{} {}",
                self.say("you keep working on", "تواصل العمل على"),
                path.display()
            );
            return self.set_current(ex);
        }
        match self.curriculum.starter(id) {
            Ok(text) => self.begin(ex, &text),
            Err(e) => fail(format!(
                "the exercise's starter cannot be made: {}",
                e.message
            )),
        }
    }

    fn reset(&self, id: Option<&str>) -> ExitCode {
        let ex = match self.current(id) {
            Ok(e) => e,
            Err(code) => return code,
        };
        match self.curriculum.starter(ex.id()) {
            Ok(text) => self.begin(ex, &text),
            Err(e) => fail(format!(
                "the exercise's starter cannot be made: {}",
                e.message
            )),
        }
    }

    /// `push`: the current exercise's file to the team's space on the host.
    fn push(&self, host: Option<&str>, file: Option<&str>, password: Option<&str>) -> ExitCode {
        let host = match host {
            Some(h) => {
                let _ = self.progress.set("host", h);
                h.trim_end_matches('/').to_string()
            }
            None => match self.progress.get("host").ok().flatten() {
                Some(h) => h,
                None => {
                    return fail(
                        "which host? name it once with `--host URL`, e.g. `--host http://192.168.1.10:8080`",
                    );
                }
            },
        };
        let Some(password) = password.filter(|p| !p.is_empty()) else {
            return fail(
                "the team's password is needed: `--password` or QUICKWIN_TEAM_PASSWORD (the trainer has it)",
            );
        };
        let name = match file {
            Some(f) => f.to_string(),
            None => match self.current(None) {
                Ok(ex) => ex.file().to_string(),
                Err(code) => return code,
            },
        };
        let path = self.dir.join(&name);
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) => return fail(format!("cannot read `{}`: {e}", path.display())),
        };
        let rt = match runtime() {
            Ok(rt) => rt,
            Err(code) => return code,
        };
        let url = format!("{host}/teams/{}/push?file={name}", self.team);
        let answer = rt.block_on(quickwin_workshop::client::Client::default().send(
            "POST",
            &url,
            &[
                ("authorization", format!("Bearer {password}")),
                ("content-type", "text/plain; charset=utf-8".to_string()),
            ],
            Some(text),
            Duration::from_secs(30),
        ));
        let answer = match answer {
            Ok(a) => a,
            Err(e) => return fail(format!("the host at {host} did not answer: {e}")),
        };
        let body = answer.json();
        match answer.status {
            200 => {
                println!(
                    "{} #{}: {} ({host}/teams/{}/)",
                    self.say("pushed", "أُرسل"),
                    body["n"],
                    body["status"].as_str().unwrap_or(""),
                    self.team
                );
                ExitCode::SUCCESS
            }
            422 if body["diagnostics"].is_string() => {
                eprint!("{}", body["diagnostics"].as_str().unwrap_or(""));
                let status = body["status"].as_str().unwrap_or("");
                eprintln!(
                    "{}",
                    if status == "waiting" {
                        self.say(
                            "not applied: it would lose data; confirm it on your team's page",
                            "لم يُطبَّق: سيحذف بيانات؛ أكّده في صفحة فريقك",
                        )
                    } else {
                        self.say(
                            "not applied: the running version stays until these are fixed",
                            "لم يُطبَّق: تبقى النسخة العاملة حتى تُصلح هذه الأخطاء",
                        )
                    }
                );
                ExitCode::from(1)
            }
            status => {
                let why = body["error"]
                    .as_str()
                    .map_or_else(|| answer.excerpt(), str::to_string);
                fail(format!("the host answered {status}: {why}"))
            }
        }
    }

    fn solution(&self, write: bool) -> ExitCode {
        let ex = match self.current(None) {
            Ok(e) => e,
            Err(code) => return code,
        };
        if !self.progress.passed().unwrap_or_default().contains(ex.id()) {
            eprintln!(
                "{}",
                self.say(
                    "the solution is shown once your checks pass; `quickwin workshop hint` helps meanwhile",
                    "يظهر الحل بعد نجاح فحوصك؛ ويساعدك `quickwin workshop hint` إلى ذلك الحين"
                )
            );
            return ExitCode::from(1);
        }
        let text = match self.curriculum.solution(ex.id()) {
            Ok(t) => t,
            Err(e) => return fail(format!("the solution cannot be made: {}", e.message)),
        };
        if write {
            return match self.write_file(ex, &text) {
                Ok(p) => {
                    println!("{} {}", self.say("wrote", "كُتب"), p.display());
                    ExitCode::SUCCESS
                }
                Err(code) => code,
            };
        }
        print!("{text}");
        ExitCode::SUCCESS
    }

    fn hint(&self) -> ExitCode {
        let ex = match self.current(None) {
            Ok(e) => e,
            Err(code) => return code,
        };
        let lang = self.lang.as_str();
        if let Some(failure) = self
            .progress
            .last(ex.id())
            .ok()
            .flatten()
            .and_then(|r| r.first_failure().cloned())
        {
            if let Some(hint) = failure.hint.as_ref().and_then(|h| h.get(lang)) {
                println!(
                    "{} `{}`: {hint}",
                    self.say("for the check", "للفحص"),
                    failure.id
                );
            }
        }
        let failed = self.progress.failed_runs(ex.id()).unwrap_or(0);
        let minutes = self
            .progress
            .started(ex.id())
            .ok()
            .flatten()
            .map_or(0, |at| ((Now::read().secs - at).max(0) / 60) as u32);
        let unlocked: Vec<_> = ex
            .exercise
            .hints
            .iter()
            .take_while(|h| {
                h.after.as_ref().is_none_or(|a| {
                    a.failed_runs.as_ref().is_some_and(|n| failed >= n.value)
                        || a.minutes.as_ref().is_some_and(|m| minutes >= m.value)
                })
            })
            .collect();
        let shown = self.progress.hints_shown(ex.id()).unwrap_or(0) as usize;
        let upto = (shown + 1).min(unlocked.len());
        for (i, h) in unlocked.iter().take(upto).enumerate() {
            println!(
                "{} {}: {}",
                self.say("hint", "تلميح"),
                i + 1,
                h.text().get(lang)
            );
        }
        if upto > shown {
            let _ = self.progress.show_hints(ex.id(), upto as u32);
        }
        if let Some(next) = ex.exercise.hints.get(unlocked.len()) {
            let when = next.after.as_ref().map(|a| {
                let runs = a
                    .failed_runs
                    .as_ref()
                    .map(|n| n.value.saturating_sub(failed));
                let mins = a.minutes.as_ref().map(|m| m.value.saturating_sub(minutes));
                match (runs, mins, self.ar()) {
                    (Some(r), _, false) => format!("after {r} more failed checks"),
                    (Some(r), _, true) => format!("بعد {r} محاولات فاشلة أخرى"),
                    (None, Some(m), false) => format!("in {m} minutes"),
                    (None, Some(m), true) => format!("بعد {m} دقيقة"),
                    _ => String::new(),
                }
            });
            println!(
                "{} {}",
                self.say("the next hint unlocks", "يُفتح التلميح التالي"),
                when.unwrap_or_default()
            );
        } else if unlocked.is_empty() && ex.exercise.hints.is_empty() {
            println!(
                "{}",
                self.say(
                    "this exercise has no more hints",
                    "لا توجد تلميحات أخرى لهذا التمرين"
                )
            );
        }
        ExitCode::SUCCESS
    }

    fn check(&self, id: Option<&str>, watch: bool, json: bool, seed: Option<u64>) -> ExitCode {
        let ex = match self.current(id) {
            Ok(e) => e,
            Err(code) => return code,
        };
        let rt = match runtime() {
            Ok(rt) => rt,
            Err(code) => return code,
        };
        let file = self.dir.join(ex.file());
        // Taken before the first run, so that a save during it is seen too.
        let mut seen = stamp(&file);
        let status = self.check_once(&rt, ex, &file, json, seed);
        if !watch {
            return status;
        }
        println!(
            "{}",
            self.say(
                "watching for changes; Ctrl-C stops",
                "أراقب التغييرات؛ اضغط Ctrl-C للإيقاف"
            )
        );
        loop {
            std::thread::sleep(Duration::from_millis(200));
            let now = stamp(&file);
            if now != seen {
                seen = now;
                println!();
                println!(
                    "{}",
                    self.say(
                        "── the file changed; checking again",
                        "── تغيّر الملف؛ أعيد الفحص"
                    )
                );
                // Watching ends with Ctrl-C; each run's verdict is what it printed.
                self.check_once(&rt, ex, &file, json, seed);
            }
        }
    }

    fn check_once(
        &self,
        rt: &tokio::runtime::Runtime,
        ex: &Loaded,
        file: &Path,
        json: bool,
        seed: Option<u64>,
    ) -> ExitCode {
        let run_number = match seed {
            Some(_) => 0,
            None => self.progress.next_run(ex.id()).unwrap_or(1),
        };
        let started = Instant::now();
        let results = rt.block_on(async {
            let world = if ex.checks.need_world() {
                Some(World::fresh(seed.unwrap_or(1)).await?)
            } else {
                None
            };
            Ok::<Results, quickwin_workshop::world::WorldError>(
                run::run(
                    world.as_ref(),
                    &Run {
                        team: &self.team,
                        exercise: ex,
                        file,
                        run: run_number,
                        seed,
                        suffix: None,
                    },
                )
                .await,
            )
        });
        let results = match results {
            Ok(r) => r,
            Err(e) => return fail(e),
        };
        if seed.is_none() {
            let ms = started.elapsed().as_millis() as u64;
            if let Err(e) = self.progress.record(&results, ms, Now::read().secs) {
                eprintln!("warning: the run could not be kept in the progress store: {e}");
            }
        }
        if json {
            print!("{}", results.to_json());
        } else {
            self.print(&results);
        }
        match results.status {
            Status::Pass => ExitCode::SUCCESS,
            _ => ExitCode::from(1),
        }
    }

    fn print(&self, results: &Results) {
        let lang = self.lang.as_str();
        for c in &results.checks {
            let mark = match c.status {
                Status::Pass => "✔",
                Status::Fail => "✘",
                Status::Error => "!",
            };
            let title = c.title.get(lang).map_or(c.id.as_str(), String::as_str);
            let review = if c.review.is_some() {
                self.say(" (the trainer will review it)", " (سيراجعه المدرّب)")
            } else {
                ""
            };
            println!("{mark} {title}{review}");
        }
        let total = results.checks.len();
        let passed = results.passed();
        if let Some(first) = results.first_failure() {
            println!();
            println!(
                "{} `{}`:",
                self.say("the first check that does not pass,", "أول فحص لم ينجح،"),
                first.id
            );
            if let Some(m) = first.message.as_ref().and_then(|m| m.get(lang)) {
                println!("  {m}");
            }
            if let Some(h) = first.hint.as_ref().and_then(|h| h.get(lang)) {
                println!("  {} {h}", self.say("hint:", "تلميح:"));
            }
            let e = &first.evidence;
            if !e.log.is_empty() {
                let seqs: Vec<String> = e.log.iter().map(|s| format!("#{s}")).collect();
                println!(
                    "  {} {}",
                    self.say("log entries:", "قيود السجل:"),
                    seqs.join(", ")
                );
            }
            if let Some(r) = &e.request {
                println!("  {} {r}", self.say("request:", "الطلب:"));
            }
            if let Some(r) = &e.response {
                println!("  {} {r}", self.say("answer:", "الرد:"));
            }
            if let Some(b) = &e.blueprint {
                println!("  {} {b}", self.say("in your file:", "في ملفك:"));
            }
            println!();
            if self.ar() {
                println!("نجح {passed} من {total} — `quickwin workshop hint` للمزيد");
            } else {
                println!("{passed} of {total} pass — `quickwin workshop hint` for more");
            }
        } else {
            println!();
            if self.ar() {
                println!(
                    "نجحت الفحوص كلها ({total}) — `quickwin workshop solution` يعرض حل المؤلفين"
                );
            } else {
                println!(
                    "all {total} checks pass — `quickwin workshop solution` shows the authors' solution"
                );
            }
        }
    }
}

/// When a file last changed and how long it is, to notice a save.
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}
