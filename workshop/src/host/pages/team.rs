//! A team's space: signing in, the editor and its pushes, the exercises with their
//! checks, hints and solutions, and the team's results.

use super::*;

pub(super) async fn team_login(
    State(host): State<Host>,
    Path(team): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    let lang = lang(&f);
    if !known_team(&host, &team) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let who = Who::Team(team.clone());
    match auth::sign_in(&host, &who, f.get("password").map_or("", String::as_str)) {
        Ok(()) => with_cookie(
            see_other(&format!("/teams/{team}/?lang={lang}")),
            &auth::set_cookie(&host, &who, secure(&headers)),
        ),
        Err(auth::Refused::Wrong) => login_page(
            &host,
            lang,
            &format!("/teams/{team}/login"),
            &team,
            Some(if lang == "ar" {
                "كلمة المرور غير صحيحة"
            } else {
                "the password is not right"
            }),
        ),
        Err(auth::Refused::Wait(w)) => {
            let mut r = login_page(
                &host,
                lang,
                &format!("/teams/{team}/login"),
                &team,
                Some(if lang == "ar" {
                    "محاولات كثيرة؛ انتظر دقيقة"
                } else {
                    "too many attempts; wait a minute"
                }),
            );
            *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(w.as_secs().max(1)));
            r
        }
    }
}

pub(super) async fn team_logout(Path(team): Path<String>) -> Response {
    with_cookie(
        see_other(&format!("/teams/{team}/")),
        &auth::clear_cookie(&Who::Team(team)),
    )
}

/// Check a form's token against the team's session; `Err` is the answer.
pub(super) fn team_form(
    host: &Host,
    headers: &HeaderMap,
    team: &str,
    f: &BTreeMap<String, String>,
) -> Result<bool, Box<Response>> {
    if !known_team(host, team) {
        return Err(Box::new(StatusCode::NOT_FOUND.into_response()));
    }
    match team_access(host, headers, team) {
        Some(Access::Bearer) => Ok(true),
        Some(Access::Session(token)) => {
            if f.get("csrf").is_some_and(|t| t == &token) {
                Ok(false)
            } else {
                Err(Box::new(problem(
                    StatusCode::FORBIDDEN,
                    "the form is out of date or did not come from this page; reload the page and try again",
                )))
            }
        }
        None => Err(Box::new(problem(
            StatusCode::UNAUTHORIZED,
            format!("sign in as team `{team}` first (its password, from the trainer)"),
        ))),
    }
}

/// `GET /teams/{team}/`: the team's space.
pub(super) async fn space(
    State(host): State<Host>,
    Path(team): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&q);
    if !known_team(&host, &team) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Some(Access::Session(csrf)) = team_access(&host, &headers, &team) else {
        return login_page(&host, lang, &format!("/teams/{team}/login"), &team, None);
    };
    let mut c = base_context(lang);
    c.insert("team", &team);
    c.insert("csrf", &csrf);
    let class = host.class();
    let me = class.team(&team).ok().cloned();
    let sub = me
        .as_ref()
        .and_then(|t| crate::host::identity::pilot_subsystem(&t.pilot))
        .unwrap_or_default();
    c.insert("pilot", &me.as_ref().map(|t| t.pilot.clone()));
    c.insert(
        "members",
        &me.as_ref().map(|t| t.members.clone()).unwrap_or_default(),
    );
    c.insert("subsystem", &sub);
    let team_sub = quickwin_runtime::mediator::suffixed(&sub, &team);
    c.insert("team_subsystem", &team_sub);
    c.insert("service", &service_id(&host, &team));
    // The file in the editor: the one named, or the blueprint.
    let file = q
        .get("file")
        .filter(|f| crate::host::valid_file(f))
        .cloned()
        .unwrap_or_else(|| "service.yaml".into());
    let text = std::fs::read_to_string(host.work(&team).join(&file)).unwrap_or_default();
    c.insert("file", &file);
    c.insert("text", &text);
    let pushes = host.store.pushes(&team, 30).unwrap_or_default();
    let last_broken = pushes
        .iter()
        .find(|p| p.file == file)
        .filter(|p| p.status == "broken" || p.status == "waiting")
        .cloned();
    c.insert("pushes", &pushes.iter().map(|p| json!({"n": p.n, "at": clock(p.at), "file": p.file, "status": p.status, "blueprint": p.blueprint})).collect::<Vec<_>>());
    // Each place the diagnostics name, as a link to that line of the file.
    let places: Vec<Value> = last_broken
        .as_ref()
        .map(|p| {
            let prefix = format!("{}:", p.file);
            let mut seen = BTreeSet::new();
            p.diagnostics
                .lines()
                .filter_map(|l| l.trim_start().strip_prefix("--> "))
                .filter_map(|at| at.strip_prefix(&prefix))
                .filter_map(|at| at.split(':').next()?.parse::<usize>().ok())
                .filter(|n| seen.insert(*n))
                .map(|n| json!({"line": n, "href": format!("/teams/{team}/file?name={}&push={}&line={n}#line-{n}", p.file, p.n)}))
                .collect()
        })
        .unwrap_or_default();
    // A push that is not live is what the team works on: the editor shows it, not the
    // running version, so that nothing typed is lost.
    if let Some(p) = &last_broken {
        c.insert("text", &p.text);
    }
    c.insert("broken", &last_broken);
    c.insert("places", &places);
    let files: BTreeSet<String> = std::fs::read_dir(host.work(&team))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| crate::host::valid_file(n))
                .collect()
        })
        .unwrap_or_default();
    c.insert("files", &files);
    // The day's exercises with their last results.
    let locked = host.store.locked().unwrap_or_default();
    let released = host.store.released().unwrap_or_default();
    let exercises: Vec<Value> = host
        .todays()
        .into_iter()
        .map(|ex| {
            let last = host.store.last(&team, ex.id()).ok().flatten();
            let hints = host.store.hints_shown(&team, ex.id()).unwrap_or(0);
            let shown_hints: Vec<String> = ex
                .exercise
                .hints
                .iter()
                .take(hints as usize)
                .map(|h| h.text().get(lang).to_string())
                .collect();
            let is_released = released.contains(&(team.clone(), ex.id().to_string()))
                || released.contains(&(ALL.to_string(), ex.id().to_string()));
            json!({
                "id": ex.id(),
                "title": ex.exercise.title.get(lang),
                "goal": ex.exercise.goal.get(lang),
                "minutes": ex.exercise.minutes.value,
                "file": ex.file(),
                "locked": locked.contains(ex.id()),
                "released": is_released,
                "hints": shown_hints,
                "more_hints": (hints as usize) < ex.exercise.hints.len(),
                "last": last.as_ref().map(|r| results_view(r, lang, &team)),
            })
        })
        .collect();
    c.insert("exercises", &exercises);
    c.insert("day", &host.day());
    let pushed_hints: Vec<Value> = host
        .store
        .pushed_hints(&team)
        .unwrap_or_default()
        .into_iter()
        .map(|(e, t, at)| json!({"exercise": e, "text": t, "at": clock(at)}))
        .collect();
    c.insert("pushed_hints", &pushed_hints);
    let notes: Vec<Value> = host
        .store
        .notes(5)
        .unwrap_or_default()
        .into_iter()
        .map(|(at, t)| json!({"at": clock(at), "text": t}))
        .collect();
    c.insert("notes", &notes);
    // The team's traffic: its client and the calls to its services.
    let show_checks = q.get("checks").is_some_and(|v| v == "1");
    let rows = host
        .sandbox
        .log
        .recent(quickwin_sandbox::messagelog::Filter {
            party: Some(team_sub.clone()),
            hide_prefix: (!show_checks).then(|| "qwchk-".to_string()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap_or_default();
    c.insert("log", &rows);
    c.insert("show_checks", &show_checks);
    let inbox = host
        .sandbox
        .db
        .call({
            let s = team_sub.clone();
            move |conn| Ok(quickwin_sandbox::agencies::notify::sent_by(conn, &s, 30)?)
        })
        .await
        .unwrap_or_default();
    c.insert("inbox", &inbox);
    // The demo accounts are made when the service opens: open it (a service that cannot
    // run lists none; its diagram says why).
    let slot = host.slot(&format!("teams/{team}"));
    if let Some(s) = &slot {
        let _ = host.live(s).await;
    }
    let accounts: Vec<Value> = slot
        .map(|s| kept_accounts(&s))
        .unwrap_or_default()
        .into_iter()
        .map(|(role, (name, password))| json!({"role": role, "name": name, "password": password}))
        .collect();
    c.insert("accounts", &accounts);
    render(&host, "space.html", &c, StatusCode::OK)
}

/// A run's results as the pages show them: each check, and the first failure's message,
/// hint and evidence with links into the log and the file.
pub(super) fn results_view(r: &Results, lang: &str, team: &str) -> Value {
    let checks: Vec<Value> = r
        .checks
        .iter()
        .map(|ch| {
            let blueprint_line = ch
                .evidence
                .blueprint
                .as_ref()
                .and_then(|b| b.split(':').nth(1))
                .and_then(|l| l.parse::<u32>().ok());
            json!({
                "id": ch.id,
                "status": ch.status.as_str(),
                "title": ch.title.get(lang).cloned().unwrap_or_default(),
                "message": ch.message.as_ref().and_then(|m| m.get(lang)).cloned(),
                "hint": ch.hint.as_ref().and_then(|m| m.get(lang)).cloned(),
                "evidence": ch.evidence,
                "line": blueprint_line,
                "file_link": blueprint_line.map(|l| format!("/teams/{team}/file?name=service.yaml&line={l}#line-{l}")),
            })
        })
        .collect();
    json!({
        "run": r.run, "status": r.status.as_str(), "passed": r.passed(),
        "total": r.checks.len(), "ms": r.ms, "checks": checks,
        "log_prefix": crate::run::prefix(team, &r.exercise, r.run),
    })
}

/// `POST /teams/{team}/push?file=NAME`: a form from the editor (`text`, `file`, `csrf`),
/// or the file's bytes from the command line with the team's password.
pub(super) async fn push(
    State(host): State<Host>,
    Path(team): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let is_form = headers.get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    let f = if is_form {
        form(&body)
    } else {
        BTreeMap::new()
    };
    let api = match team_form(&host, &headers, &team, &f) {
        Ok(api) => api && !is_form,
        Err(r) => return *r,
    };
    let lang = lang(if is_form { &f } else { &q });
    let file = f
        .get("file")
        .or(q.get("file"))
        .cloned()
        .unwrap_or_else(|| "service.yaml".into());
    let text = if is_form {
        f.get("text")
            .cloned()
            .unwrap_or_default()
            .replace("\r\n", "\n")
    } else {
        match String::from_utf8(body.to_vec()) {
            Ok(t) => t,
            Err(_) => {
                return problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "the file is not UTF-8 text; save it as UTF-8",
                );
            }
        }
    };
    match host.push(&team, &file, &text).await {
        Ok(p) if api => {
            let status = if p.status == "broken" || p.status == "waiting" {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            (status, Json(json!(p))).into_response()
        }
        Ok(_) => see_other(&format!("/teams/{team}/?lang={lang}&file={file}")),
        Err(e) => push_error(e),
    }
}

pub(super) async fn confirm(
    State(host): State<Host>,
    Path((team, n)): Path<(String, i64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    if let Err(r) = team_form(&host, &headers, &team, &f) {
        return *r;
    }
    match host.confirm(&team, n).await {
        Ok(_) => see_other(&format!("/teams/{team}/?lang={}", lang(&f))),
        Err(e) => push_error(e),
    }
}

/// `GET /teams/{team}/pushes/{n}`: a push against the one before it of the same file.
pub(super) async fn push_page(
    State(host): State<Host>,
    Path((team, n)): Path<(String, i64)>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&q);
    if !matches!(
        team_access(&host, &headers, &team),
        Some(Access::Session(_))
    ) {
        return login_page(&host, lang, &format!("/teams/{team}/login"), &team, None);
    }
    let Ok(Some(p)) = host.store.push_n(&team, n) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let before = host
        .store
        .pushes(&team, 10_000)
        .unwrap_or_default()
        .into_iter()
        .find(|o| o.n < n && o.file == p.file)
        .map(|o| o.text)
        .unwrap_or_default();
    let lines = diff::lines(&before, &p.text);
    let (added, removed) = diff::counts(&lines);
    let mut c = base_context(lang);
    c.insert("team", &team);
    c.insert("push", &json!({"n": p.n, "at": clock(p.at), "file": p.file, "status": p.status, "diagnostics": p.diagnostics}));
    c.insert("hunks", &diff::hunks(&lines, 3));
    c.insert("added", &added);
    c.insert("removed", &removed);
    render(&host, "push.html", &c, StatusCode::OK)
}

/// `GET /teams/{team}/file?name=&line=`: a file with numbered lines, one marked.
pub(super) async fn file_page(
    State(host): State<Host>,
    Path(team): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&q);
    if !matches!(
        team_access(&host, &headers, &team),
        Some(Access::Session(_))
    ) {
        return login_page(&host, lang, &format!("/teams/{team}/login"), &team, None);
    }
    let name = q
        .get("name")
        .cloned()
        .unwrap_or_else(|| "service.yaml".into());
    if !crate::host::valid_file(&name) {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("`{name}` is not a file of the team's"),
        );
    }
    let text = match q.get("push").and_then(|n| n.parse::<i64>().ok()) {
        Some(n) => match host.store.push_n(&team, n) {
            Ok(Some(p)) => p.text,
            _ => return StatusCode::NOT_FOUND.into_response(),
        },
        None => std::fs::read_to_string(host.work(&team).join(&name)).unwrap_or_default(),
    };
    let line: usize = q.get("line").and_then(|l| l.parse().ok()).unwrap_or(0);
    let lines: Vec<Value> = text
        .lines()
        .enumerate()
        .map(|(i, l)| json!({"n": i + 1, "text": l, "mark": i + 1 == line}))
        .collect();
    let mut c = base_context(lang);
    c.insert("team", &team);
    c.insert("name", &name);
    c.insert("lines", &lines);
    render(&host, "file.html", &c, StatusCode::OK)
}

/// `POST /teams/{team}/check` (`exercise`): run the checks now.
pub(super) async fn check(
    State(host): State<Host>,
    Path(team): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    let api = match team_form(&host, &headers, &team, &f) {
        Ok(api) => api,
        Err(r) => return *r,
    };
    let Some(exercise) = f.get("exercise").cloned() else {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "name the exercise: `exercise=ID`",
        );
    };
    match host.check(&team, &exercise).await {
        Ok(results) if api => Json(results).into_response(),
        Ok(_) => see_other(&format!("/teams/{team}/?lang={}#ex-{exercise}", lang(&f))),
        Err(e) => push_error(e),
    }
}

/// A team's form naming an exercise: its fields and the exercise, or the answer.
pub(super) fn team_exercise<'h>(
    host: &'h Host,
    headers: &HeaderMap,
    team: &str,
    body: &Bytes,
) -> Result<(BTreeMap<String, String>, &'h crate::load::Loaded), Box<Response>> {
    let f = form(body);
    team_form(host, headers, team, &f)?;
    let id = f.get("exercise").cloned().unwrap_or_default();
    match host.exercise(&id) {
        Some(ex) => Ok((f, ex)),
        None => Err(Box::new(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("there is no exercise `{id}`"),
        ))),
    }
}

/// `POST /teams/{team}/start` (`exercise`): note the start; write the starter when the
/// exercise does not keep the team's file from the one before (the old file stays in
/// the push history).
pub(super) async fn start(
    State(host): State<Host>,
    Path(team): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (f, ex) = match team_exercise(&host, &headers, &team, &body) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let id = ex.id().to_string();
    if host.store.locked().unwrap_or_default().contains(&id) {
        return push_error(PushError::Locked(id));
    }
    let path = host.work(&team).join(ex.file());
    if !ex.keeps_previous() || !path.exists() {
        let starter = match host.curriculum.as_ref().map(|c| c.starter(&id)) {
            Some(Ok(s)) => s,
            Some(Err(e)) => return problem(StatusCode::UNPROCESSABLE_ENTITY, e.message),
            None => return StatusCode::NOT_FOUND.into_response(),
        };
        if let Err(e) = host.push(&team, ex.file(), &starter).await {
            return push_error(e);
        }
    }
    let _ = host.store.start(&team, &id, now());
    let _ = host.store.event(&team, "start", &id, now());
    see_other(&format!(
        "/teams/{team}/?lang={}&file={}#ex-{id}",
        lang(&f),
        ex.file()
    ))
}

/// `POST /teams/{team}/hint` (`exercise`): show one more general hint.
pub(super) async fn hint(
    State(host): State<Host>,
    Path(team): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (f, ex) = match team_exercise(&host, &headers, &team, &body) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let id = ex.id().to_string();
    let shown = host.store.hints_shown(&team, &id).unwrap_or(0);
    let cells = host.store.cells().unwrap_or_default();
    let cell = cells
        .get(&(team.clone(), id.clone()))
        .cloned()
        .unwrap_or_default();
    let failed = cell.attempts - u32::from(cell.passed_at.is_some());
    let minutes = cell.started.map_or(0, |s| ((now() - s).max(0) / 60) as u32);
    let unlocked = ex
        .exercise
        .hints
        .iter()
        .take_while(|h| {
            h.after.as_ref().is_none_or(|a| {
                a.failed_runs.as_ref().is_some_and(|n| failed >= n.value)
                    || a.minutes.as_ref().is_some_and(|m| minutes >= m.value)
            })
        })
        .count() as u32;
    if shown < unlocked {
        let _ = host.store.show_hints(&team, &id, shown + 1);
        let _ = host
            .store
            .event(&team, "hint", &format!("{id} hint {}", shown + 1), now());
    }
    see_other(&format!("/teams/{team}/?lang={}#ex-{id}", lang(&f)))
}

/// `GET /teams/{team}/solution/{exercise}`: once released or passed.
pub(super) async fn solution(
    State(host): State<Host>,
    Path((team, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if !matches!(
        team_access(&host, &headers, &team),
        Some(Access::Session(_)) | Some(Access::Bearer)
    ) {
        return problem(
            StatusCode::UNAUTHORIZED,
            format!("sign in as team `{team}` first"),
        );
    }
    let released = host.store.released().unwrap_or_default();
    let passed = host
        .store
        .cells()
        .unwrap_or_default()
        .get(&(team.clone(), id.clone()))
        .is_some_and(|c| c.passed_at.is_some());
    let open = passed
        || released.contains(&(team.clone(), id.clone()))
        || released.contains(&(ALL.to_string(), id.clone()));
    if !open {
        return problem(
            StatusCode::FORBIDDEN,
            "the solution opens once your checks pass, or when the trainer releases it",
        );
    }
    match host.curriculum.as_ref().map(|c| c.solution(&id)) {
        Some(Ok(text)) => {
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

pub(super) async fn team_results(
    State(host): State<Host>,
    Path(team): Path<String>,
    headers: HeaderMap,
) -> Response {
    if team_access(&host, &headers, &team).is_none() {
        return problem(
            StatusCode::UNAUTHORIZED,
            format!("sign in as team `{team}` first"),
        );
    }
    let runs = host.store.runs(&team, 200).unwrap_or_default();
    Json(json!({"team": team, "runs": runs})).into_response()
}
