//! The trainer's dashboard: the grid, a team's page, the class's log, the actions and
//! the exports.

use super::*;

pub(super) fn trainer_session(host: &Host, headers: &HeaderMap) -> Option<String> {
    if let Some(s) = auth::session_of(host, headers, &Who::Trainer) {
        return Some(auth::csrf(host, s));
    }
    let p = auth::bearer(headers)?;
    auth::sign_in(host, &Who::Trainer, p)
        .ok()
        .map(|_| String::new())
}

pub(super) async fn trainer_login(
    State(host): State<Host>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    let lang = lang(&f);
    match auth::sign_in(
        &host,
        &Who::Trainer,
        f.get("password").map_or("", String::as_str),
    ) {
        Ok(()) => with_cookie(
            see_other(&format!("/trainer?lang={lang}")),
            &auth::set_cookie(&host, &Who::Trainer, secure(&headers)),
        ),
        Err(_) => login_page(
            &host,
            lang,
            "/trainer/login",
            "trainer",
            Some(if lang == "ar" {
                "كلمة المرور غير صحيحة"
            } else {
                "the password is not right"
            }),
        ),
    }
}

pub(super) async fn trainer_logout() -> Response {
    with_cookie(see_other("/trainer"), &auth::clear_cookie(&Who::Trainer))
}

/// The state of one cell of the grid.
pub(super) fn cell_state(
    host: &Host,
    cell: Option<&Cell>,
    minutes: u32,
    released: bool,
    broken: bool,
) -> (&'static str, Value) {
    let _ = host;
    let Some(c) = cell else {
        return (
            if released {
                "released"
            } else if broken {
                "broken"
            } else {
                "idle"
            },
            json!({}),
        );
    };
    let spent = c.started.map_or(0, |s| ((now() - s).max(0) / 60) as u32);
    let state = if let Some(at) = c.passed_at {
        let took = c.started.map_or(0, |s| ((at - s).max(0) / 60) as u32);
        return ("passed", json!({"minutes": took, "attempts": c.attempts}));
    } else if broken {
        "broken"
    } else if released {
        "released"
    } else if c.failing_streak >= 3 || (c.started.is_some() && spent > minutes) {
        "stuck"
    } else {
        "working"
    };
    (
        state,
        json!({"minutes": spent, "attempts": c.attempts, "failing": c.failing, "streak": c.failing_streak, "hints": c.hints}),
    )
}

/// The day a grid shows: `?day=N`, `?day=all` (the whole curriculum, `None`), else the
/// day the class is on.
pub(super) fn shown_day(host: &Host, q: &BTreeMap<String, String>) -> Option<u32> {
    match q.get("day").map(String::as_str) {
        Some("all") => None,
        Some(d) => Some(d.parse().unwrap_or_else(|_| host.day())),
        None => Some(host.day()),
    }
}

/// The grid: teams × the exercises of `day` (of every day with `None`), and per column
/// the counts.
pub(super) fn grid(host: &Host, lang: &str, day: Option<u32>) -> Value {
    let cells = host.store.cells().unwrap_or_default();
    let released = host.store.released().unwrap_or_default();
    let locked = host.store.locked().unwrap_or_default();
    let exercises = host.exercises_of(day);
    let class = host.class();
    let broken: BTreeSet<String> = class
        .teams
        .iter()
        .filter(|t| {
            host.store
                .pushes(&t.name, 1)
                .ok()
                .and_then(|p| p.into_iter().next())
                .is_some_and(|p| p.status == "broken" && p.file == "service.yaml")
        })
        .map(|t| t.name.clone())
        .collect();
    let rows: Vec<Value> = class
        .teams
        .iter()
        .map(|t| {
            let cols: Vec<Value> = exercises
                .iter()
                .map(|ex| {
                    let key = (t.name.clone(), ex.id().to_string());
                    let rel = released.contains(&key) || released.contains(&(ALL.into(), ex.id().into()));
                    let (state, detail) = cell_state(
                        host,
                        cells.get(&key),
                        ex.exercise.minutes.value,
                        rel,
                        broken.contains(&t.name),
                    );
                    json!({"exercise": ex.id(), "state": state, "detail": detail})
                })
                .collect();
            json!({"team": t.name, "pilot": t.pilot, "cells": cols, "broken": broken.contains(&t.name)})
        })
        .collect();
    let columns: Vec<Value> = exercises
        .iter()
        .map(|ex| {
            let mut times: Vec<i64> = Vec::new();
            let mut failed: BTreeMap<String, u32> = BTreeMap::new();
            let mut passed = 0;
            for t in &class.teams {
                if let Some(c) = cells.get(&(t.name.clone(), ex.id().to_string())) {
                    if let Some(at) = c.passed_at {
                        passed += 1;
                        times.push((at - c.started.unwrap_or(at)).max(0) / 60);
                    }
                    for (check, n) in &c.failed_checks {
                        *failed.entry(check.clone()).or_default() += n;
                    }
                }
            }
            times.sort_unstable();
            let median = (!times.is_empty()).then(|| times[times.len() / 2]);
            let most = failed
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(c, n)| json!({"check": c, "runs": n}));
            json!({
                "id": ex.id(), "title": ex.exercise.title.get(lang),
                "minutes": ex.exercise.minutes.value, "passed": passed,
                "median": median, "most_failed": most, "locked": locked.contains(ex.id()),
            })
        })
        .collect();
    json!({"day": host.day(), "columns": columns, "rows": rows})
}

/// `GET /trainer`: the grid, the actions, the notes; the grid follows the class every 5 s.
pub(super) async fn trainer(
    State(host): State<Host>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&q);
    let Some(csrf) = auth::session_of(&host, &headers, &Who::Trainer).map(|s| auth::csrf(&host, s))
    else {
        return login_page(&host, lang, "/trainer/login", "trainer", None);
    };
    let mut c = base_context(lang);
    c.insert("csrf", &csrf);
    c.insert("grid", &grid(&host, lang, shown_day(&host, &q)));
    let days: Vec<Value> = host
        .curriculum
        .as_ref()
        .map(|cur| {
            cur.days
                .iter()
                .map(|d| json!({"day": d.day.value, "title": d.title.get(lang)}))
                .collect()
        })
        .unwrap_or_default();
    c.insert("days", &days);
    let exercises: Vec<Value> = host
        .curriculum
        .as_ref()
        .map(|cur| {
            cur.exercises
                .iter()
                .map(|e| json!({"id": e.id(), "day": e.exercise.day.value}))
                .collect()
        })
        .unwrap_or_default();
    c.insert("all_exercises", &exercises);
    c.insert(
        "teams",
        &host
            .class()
            .teams
            .iter()
            .map(|t| t.name.clone())
            .collect::<Vec<_>>(),
    );
    c.insert(
        "notes",
        &host
            .store
            .notes(5)
            .unwrap_or_default()
            .into_iter()
            .map(|(at, t)| json!({"at": clock(at), "text": t}))
            .collect::<Vec<_>>(),
    );
    let faults: Vec<Value> = host
        .sandbox
        .faults
        .list()
        .into_iter()
        .map(|(s, f)| json!({"subsystem": s, "fault": f.to_string()}))
        .collect();
    c.insert("faults", &faults);
    let agencies = quickwin_sandbox::faults::subsystems();
    c.insert("agencies", &agencies);
    c.insert("open", &host.open_count());
    c.insert("message", &q.get("done"));
    render(&host, "trainer.html", &c, StatusCode::OK)
}

pub(super) async fn grid_json(
    State(host): State<Host>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if trainer_session(&host, &headers).is_none() {
        return problem(StatusCode::UNAUTHORIZED, "sign in as the trainer first");
    }
    Json(grid(&host, lang(&q), shown_day(&host, &q))).into_response()
}

/// `GET /trainer/teams/{team}`: the blueprint against the starter and the solution, the
/// timeline, the results, the team's log.
pub(super) async fn trainer_team(
    State(host): State<Host>,
    Path(team): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&q);
    let Some(csrf) = auth::session_of(&host, &headers, &Who::Trainer).map(|s| auth::csrf(&host, s))
    else {
        return login_page(&host, lang, "/trainer/login", "trainer", None);
    };
    let Ok(me) = host.class().team(&team).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut c = base_context(lang);
    c.insert("csrf", &csrf);
    c.insert("team", &team);
    c.insert("pilot", &me.pilot);
    c.insert("members", &me.members);
    let current =
        std::fs::read_to_string(host.work(&team).join("service.yaml")).unwrap_or_default();
    // Against the starter and the solution of the exercise the team works on.
    let runs = host.store.runs(&team, 100).unwrap_or_default();
    let exercise = q
        .get("exercise")
        .cloned()
        .or_else(|| runs.first().map(|r| r.exercise.clone()))
        .or_else(|| host.todays().first().map(|e| e.id().to_string()));
    let mut compare = Vec::new();
    if let (Some(id), Some(cur)) = (&exercise, &host.curriculum) {
        if let Some(ex) = cur.exercise(id) {
            if ex.file() == "service.yaml" {
                for (name, text) in [("starter", cur.starter(id)), ("solution", cur.solution(id))] {
                    if let Ok(text) = text {
                        let lines = diff::lines(&text, &current);
                        let (added, removed) = diff::counts(&lines);
                        compare.push(json!({"name": name, "added": added, "removed": removed, "hunks": diff::hunks(&lines, 2)}));
                    }
                }
            }
        }
    }
    c.insert("exercise", &exercise);
    c.insert("compare", &compare);
    c.insert("runs", &runs.iter().map(|r| json!({"exercise": r.exercise, "run": r.run, "at": clock(r.at), "status": r.status, "ms": r.ms, "failing": r.failing})).collect::<Vec<_>>());
    c.insert(
        "events",
        &host
            .store
            .events(&team, 100)
            .unwrap_or_default()
            .into_iter()
            .map(|(at, k, d)| json!({"at": clock(at), "kind": k, "detail": d}))
            .collect::<Vec<_>>(),
    );
    let sub = crate::host::identity::pilot_subsystem(&me.pilot).unwrap_or_default();
    let team_sub = quickwin_runtime::mediator::suffixed(&sub, &team);
    c.insert("team_subsystem", &team_sub);
    let rows = host
        .sandbox
        .log
        .recent(quickwin_sandbox::messagelog::Filter {
            party: Some(team_sub),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap_or_default();
    c.insert("log", &rows);
    let all_exercises: Vec<String> = host
        .curriculum
        .as_ref()
        .map(|cur| cur.exercises.iter().map(|e| e.id().to_string()).collect())
        .unwrap_or_default();
    c.insert("all_exercises", &all_exercises);
    render(&host, "trainer_team.html", &c, StatusCode::OK)
}

/// `GET /trainer/log?team=&service=&checks=1`: the class's message log, each row
/// coloured by its team.
pub(super) async fn class_log(
    State(host): State<Host>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&q);
    if auth::session_of(&host, &headers, &Who::Trainer).is_none() {
        return login_page(&host, lang, "/trainer/login", "trainer", None);
    }
    let class = host.class();
    let subs: Vec<(String, String)> = class
        .teams
        .iter()
        .filter_map(|t| {
            crate::host::identity::pilot_subsystem(&t.pilot).map(|s| {
                (
                    t.name.clone(),
                    quickwin_runtime::mediator::suffixed(&s, &t.name),
                )
            })
        })
        .collect();
    let team = q.get("team").filter(|t| !t.is_empty()).cloned();
    let party = team
        .as_ref()
        .and_then(|t| subs.iter().find(|(n, _)| n == t).map(|(_, s)| s.clone()));
    let show_checks = q.get("checks").is_some_and(|v| v == "1");
    let rows = host
        .sandbox
        .log
        .recent(quickwin_sandbox::messagelog::Filter {
            party,
            service: q.get("service").filter(|s| !s.is_empty()).cloned(),
            hide_prefix: (!show_checks).then(|| "qwchk-".into()),
            limit: 200,
            ..Default::default()
        })
        .await
        .unwrap_or_default();
    let coloured: Vec<Value> = rows
        .iter()
        .map(|r| {
            let of = |id: &str| {
                subs.iter().position(|(_, s)| {
                    id == s
                        || id.starts_with(&format!("{s}/"))
                        || id.starts_with(&format!("{s}-check"))
                })
            };
            let by = of(&r.entry.client).or_else(|| of(&r.entry.service));
            json!({
                "row": r,
                "team": by.map(|i| subs[i].0.clone()),
                "colour": by.map(|i| i % 8),
            })
        })
        .collect();
    let mut c = base_context(lang);
    c.insert("rows", &coloured);
    c.insert(
        "teams",
        &subs.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
    );
    c.insert("team", &team);
    c.insert("service", &q.get("service").cloned().unwrap_or_default());
    c.insert("show_checks", &show_checks);
    render(&host, "log.html", &c, StatusCode::OK)
}

pub(super) fn export_rows(host: &Host) -> Vec<Value> {
    let cells = host.store.cells().unwrap_or_default();
    let class = host.class();
    let mut out = Vec::new();
    for t in &class.teams {
        for ex in host.curriculum.iter().flat_map(|c| &c.exercises) {
            let Some(cell) = cells.get(&(t.name.clone(), ex.id().to_string())) else {
                continue;
            };
            out.push(json!({
                "team": t.name, "exercise": ex.id(), "attempts": cell.attempts,
                "passed": cell.passed_at.is_some(),
                "minutes_to_pass": cell.passed_at.map(|at| (at - cell.started.unwrap_or(at)).max(0) / 60),
                "failing": cell.failing, "hints": cell.hints,
            }));
        }
    }
    out
}

/// `GET /trainer/results.csv`: a row per team and exercise.
pub(super) async fn results_csv(State(host): State<Host>, headers: HeaderMap) -> Response {
    if trainer_session(&host, &headers).is_none() {
        return problem(StatusCode::UNAUTHORIZED, "sign in as the trainer first");
    }
    let mut out =
        String::from("team,exercise,attempts,passed,minutes_to_pass,failing_check,hints\n");
    let cell = |v: &Value| -> String {
        let s = match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        // A cell a spreadsheet would read as a formula is quoted as text.
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s
        };
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    };
    for r in export_rows(&host) {
        let fields = [
            "team",
            "exercise",
            "attempts",
            "passed",
            "minutes_to_pass",
            "failing",
            "hints",
        ];
        let line: Vec<String> = fields.iter().map(|f| cell(&r[*f])).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"results.csv\"",
            ),
        ],
        out,
    )
        .into_response()
}

pub(super) async fn results_json(State(host): State<Host>, headers: HeaderMap) -> Response {
    if trainer_session(&host, &headers).is_none() {
        return problem(StatusCode::UNAUTHORIZED, "sign in as the trainer first");
    }
    Json(json!({"results": export_rows(&host)})).into_response()
}

/// `POST /trainer/action`: `do=` one of `day`, `hint`, `release`, `reset`, `lock`,
/// `unlock`, `note`, `fault`; with the form's token (or the trainer's password as a
/// bearer token, for the command line).
pub(super) async fn action(State(host): State<Host>, headers: HeaderMap, body: Bytes) -> Response {
    let f = form(&body);
    let Some(token) = trainer_session(&host, &headers) else {
        return problem(StatusCode::UNAUTHORIZED, "sign in as the trainer first");
    };
    let api = token.is_empty();
    if !api && f.get("csrf") != Some(&token) {
        return problem(
            StatusCode::FORBIDDEN,
            "the form is out of date or did not come from this page; reload the page and try again",
        );
    }
    let get = |k: &str| {
        f.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let what = get("do").unwrap_or_default();
    // The fields each action needs; every missing one is named at once.
    let needs: &[&str] = match what.as_str() {
        "day" => &["day"],
        "hint" => &["team", "exercise", "text"],
        "release" | "reset" => &["team", "exercise"],
        "lock" | "unlock" => &["exercise"],
        "note" => &["text"],
        "fault" => &["subsystem"],
        other => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "`do` must be one of `day`, `hint`, `release`, `reset`, `lock`, `unlock`, `note`, `fault`, not `{other}`"
                ),
            );
        }
    };
    let missing: Vec<String> = needs
        .iter()
        .filter(|k| get(k).is_none())
        .map(|k| format!("`{k}`"))
        .collect();
    if !missing.is_empty() {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("missing {}", missing.join(", ")),
        );
    }
    let need = |k: &str| get(k).unwrap_or_default();
    // What a stored decision answers: its message, or the store's failure.
    let stored =
        |r: rusqlite::Result<()>, message: String| r.map(|()| message).map_err(PushError::from);
    let at = now();
    let done: Result<String, Response> = match what.as_str() {
        "day" => match need("day").parse::<u32>() {
            Ok(d) => stored(host.store.set("day", &d.to_string()), format!("day {d}"))
                .map_err(push_error),
            Err(_) => Err(problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "`day` must be a day's number",
            )),
        },
        "hint" => {
            let team = need("team");
            stored(
                host.store
                    .push_hint(&team, &need("exercise"), &need("text"), at),
                format!("hint sent to {team}"),
            )
            .map_err(push_error)
        }
        "release" => {
            let (team, ex) = (need("team"), need("exercise"));
            if host.exercise(&ex).is_none() {
                Err(problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("there is no exercise `{ex}`"),
                ))
            } else {
                stored(
                    host.store.release(&team, &ex, at),
                    format!("solution of {ex} released to {team}"),
                )
                .map_err(push_error)
            }
        }
        "reset" => {
            let (team, ex) = (need("team"), need("exercise"));
            host.reset(&team, &ex)
                .await
                .map(|_| format!("{team} reset to {ex}"))
                .map_err(push_error)
        }
        "lock" | "unlock" => {
            let ex = need("exercise");
            stored(
                host.store.lock(&ex, what == "lock", at),
                format!("{ex} {what}ed"),
            )
            .map_err(push_error)
        }
        "note" => {
            stored(host.store.note(&need("text"), at), "note sent".into()).map_err(push_error)
        }
        _ => {
            let sub = need("subsystem");
            let fault = get("fault").unwrap_or_else(|| "none".into());
            match quickwin_sandbox::admin::set_fault(&host.sandbox, &sub, &fault).await {
                Ok(now) => Ok(format!("{sub}: {now}")),
                Err(e) => Err(problem(
                    e.status,
                    if e.detail.is_empty() {
                        e.message
                    } else {
                        e.detail
                    },
                )),
            }
        }
    };
    match done {
        Ok(message) if api => Json(json!({"done": message})).into_response(),
        Ok(message) => {
            tracing::info!(action = %what, "workshop host: trainer action");
            let back = get("back")
                .filter(|b| b.starts_with("/trainer"))
                .unwrap_or_else(|| "/trainer".into());
            let sep = if back.contains('?') { '&' } else { '?' };
            see_other(&format!(
                "{back}{sep}lang={}&done={}",
                lang(&f),
                percent(&message)
            ))
        }
        Err(r) => r,
    }
}

pub(super) fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
