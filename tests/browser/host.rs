//! The workshop host in a real browser: two teams side by side on one host. A citizen
//! applies for a birth certificate at team `t1`'s service while a clerk works team
//! `t2`'s water-fees back office, in two tabs of one browser. Every link, form and
//! redirect of a team's pages stays under `/teams/<team>/`; every cookie the browser
//! keeps for a team is scoped to it, and a team's sessions copied by hand to the other
//! team are refused. axe-core checks the team pages and the trainer's dashboard, and the
//! trainer's grid shows a check run within 5 s of its answer.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::support::{free_port, root, scratch};
use super::{Browser, Proc, apply, in_ci, skipped, start_driver, tools};

/// The script that lists where a page leads: every link, form action, button's
/// `formaction` and meta refresh, resolved against the page, as
/// `[kind, as written, origin, path]`.
const TARGETS: &str = r#"
const out = [];
const add = (kind, raw) => {
  if (raw === null) return;
  const u = new URL(raw, location.href);
  out.push([kind, raw, u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : u.protocol, u.pathname]);
};
for (const a of document.querySelectorAll('a[href]')) add('link', a.getAttribute('href'));
for (const f of document.querySelectorAll('form')) add('form', f.getAttribute('action') || '');
for (const b of document.querySelectorAll('[formaction]')) add('formaction', b.getAttribute('formaction'));
for (const m of document.querySelectorAll('meta[http-equiv=refresh i]')) {
  const to = (m.getAttribute('content') || '').split(/;\s*url=/i)[1];
  if (to) add('refresh', to);
}
return out;"#;

/// One answer of plain HTTP: the status, the headers (names in lower case), the body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A request the way a script outside the browser makes it (the support module's `http`
/// keeps only the status and the body; these tests read `Location` and `Set-Cookie`).
fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the host answers");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let mut text = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    stream.write_all(text.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        // Pages escape `/` in HTML; read them as a person would.
        body: body.replace("&#x2F;", "/"),
    }
}

/// `quickwin workshop team add NAME --pilot PILOT`: the team's password.
fn add_team(data: &Path, name: &str, pilot: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .args(["workshop", "team", "add", name, "--pilot", pilot, "--data"])
        .arg(data)
        .current_dir(root())
        .output()
        .expect("quickwin workshop team add runs");
    assert!(
        out.status.success(),
        "team add {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let password = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        !password.is_empty() && !password.contains('\n'),
        "{password}"
    );
    password
}

/// `quickwin workshop host workshops/iq-2012`: the process, its port and the trainer's
/// password, which it prints once, on the line after the one that announces it.
fn start_host(data: &Path) -> (Proc, u16, String) {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .args(["workshop", "host", "workshops/iq-2012", "--port"])
        .arg(port.to_string())
        .arg("--data")
        .arg(data)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("quickwin workshop host starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let proc = Proc(child);
    let mut said = Vec::new();
    let mut trainer = None;
    while let Some(Ok(line)) = lines.next() {
        if said
            .last()
            .is_some_and(|l: &String| l.contains("the trainer's password"))
        {
            trainer = Some(line.trim().to_string());
            break;
        }
        said.push(line);
    }
    let trainer = trainer.unwrap_or_else(|| {
        panic!(
            "the host did not print the trainer's password:\n{}",
            said.join("\n")
        )
    });
    std::thread::spawn(move || for _ in lines {});
    (proc, port, trainer)
}

/// Where the browser is, and where each page leads, kept by team: what leaves the team's
/// prefix is a problem.
struct Scope {
    origin: String,
    problems: Vec<String>,
    pages: usize,
    targets: usize,
}

impl Scope {
    /// Check the page `b` shows now: its own address (after any redirect) and every link
    /// and form on it stay under `/teams/<team>/` of this host. `allowed` are paths of the
    /// host's shared pages a page may link to (the class overview, the sandbox's log).
    fn page(&mut self, b: &Browser, team: &str, label: &str, allowed: &[&str]) {
        let prefix = format!("/teams/{team}/");
        let url = b.url();
        if !url.starts_with(&format!("{}{prefix}", self.origin)) {
            self.problems.push(format!(
                "{label}: the browser ended at {url}, outside {prefix}"
            ));
        }
        self.pages += 1;
        let targets = b.script(TARGETS, json!([]));
        for t in targets.as_array().cloned().unwrap_or_default() {
            let (kind, raw, origin, path) = (
                t[0].as_str().unwrap_or_default(),
                t[1].as_str().unwrap_or_default(),
                t[2].as_str().unwrap_or_default(),
                t[3].as_str().unwrap_or_default(),
            );
            self.targets += 1;
            let here = origin == self.origin;
            if !(here && (path.starts_with(&prefix) || allowed.contains(&path))) {
                self.problems.push(format!(
                    "{label} ({url}): {kind} `{raw}` leads to {origin}{path}, outside {prefix}"
                ));
            }
        }
    }
}

/// Every cookie the browser keeps, HttpOnly ones included (Chromium's DevTools protocol,
/// through chromedriver): `(name, value, path)`.
fn all_cookies(b: &Browser) -> Vec<(String, String, String)> {
    let v = b.call(
        "POST",
        "/goog/cdp/execute",
        &json!({"cmd": "Network.getAllCookies", "params": {}}),
    );
    v["cookies"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (s("name"), s("value"), s("path"))
        })
        .collect()
}

/// The cookies WebDriver says the current page would send: `(name, path)`.
fn page_cookies(b: &Browser) -> Vec<(String, String)> {
    b.call("GET", "/cookie", &Value::Null)
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_string(),
                c["path"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The demo back-office accounts a team space lists: `(name, password)`.
fn listed_accounts(b: &Browser) -> Vec<(String, String)> {
    let v = b.script(
        "return Array.from(document.querySelectorAll('li'))
           .map(li => Array.from(li.querySelectorAll('code')).map(c => c.textContent.trim()))
           .filter(c => c.length === 2 && c[0].startsWith('demo.'));",
        json!([]),
    );
    v.as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap_or_default().to_string(),
                p[1].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Sign in at a sign-in page with a password field only (a team space, the trainer).
fn sign_in_with_password(b: &Browser, password: &str) {
    b.type_into("#password", password);
    b.submit("form button[type=submit]");
}

/// Open a new tab and switch to it; its handle.
fn new_tab(b: &Browser) -> String {
    let v = b.call("POST", "/window/new", &json!({"type": "tab"}));
    let handle = v["handle"].as_str().expect("a new tab").to_string();
    switch(b, &handle);
    handle
}

fn switch(b: &Browser, handle: &str) {
    b.call("POST", "/window", &json!({"handle": handle}));
}

/// The class and the text of the trainer grid's cell of `team` × `exercise`.
fn grid_cell(b: &Browser, team: &str, exercise: &str) -> Option<(String, String)> {
    let v = b.script(
        r#"
        const [team, exercise] = arguments;
        const heads = Array.from(document.querySelectorAll('table.grid thead th'));
        const col = heads.findIndex(th => th.textContent.trim().startsWith(exercise));
        if (col < 0) return null;
        for (const tr of document.querySelectorAll('table.grid tbody tr')) {
          const th = tr.querySelector('th');
          if (th && th.textContent.trim().split(/\s/)[0] === team) {
            const td = tr.children[col];
            return td ? [td.className, td.textContent.replace(/\s+/g, ' ').trim()] : null;
          }
        }
        return null;"#,
        json!([team, exercise]),
    );
    Some((v[0].as_str()?.to_string(), v[1].as_str()?.to_string()))
}

/// `POST /teams/TEAM/check` of `exercise` from the command line (the team's password as
/// a bearer token): the results, and how long the run took.
fn check(port: u16, team: &str, password: &str, exercise: &str) -> (Value, Duration) {
    let started = Instant::now();
    let answer = request(
        port,
        "POST",
        &format!("/teams/{team}/check"),
        &[
            ("Authorization", &format!("Bearer {password}")),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        &format!("exercise={exercise}"),
    );
    let took = started.elapsed();
    assert_eq!(answer.status, 200, "{team}'s check: {}", answer.body);
    let results = serde_json::from_str(&answer.body).expect("the check's results");
    (results, took)
}

#[test]
fn two_teams_work_side_by_side_on_the_workshop_host_in_a_real_browser() {
    let test = "browser-workshop-host";
    let (driver, chromium, axe) = match tools() {
        Ok(t) => t,
        Err(why) => {
            assert!(!in_ci(), "the browser test cannot run in CI: {why}");
            skipped(test, &why);
            return;
        }
    };
    let began = Instant::now();
    let data = scratch(test);
    let p1 = add_team(&data, "t1", "birth-certificate");
    let p2 = add_team(&data, "t2", "water-fees");
    let (_host, port, trainer) = start_host(&data);
    let origin = format!("http://127.0.0.1:{port}");
    let (_driver, b) = start_driver(&driver, &chromium);
    let ready = began.elapsed();
    let mut scope = Scope {
        origin: origin.clone(),
        problems: Vec::new(),
        pages: 0,
        targets: 0,
    };
    let mut a11y = Vec::new();
    let svc1 = format!("{origin}/teams/t1/svc/birth-certificate");
    let svc2 = format!("{origin}/teams/t2/svc/water-fees");
    // The host's shared pages a team space may link to: the class overview (the bar's
    // title) and the sandbox's message log (a run's messages).
    let shared = ["/teams", "/mediator/messages"];

    // The clerk's tab: team t2's space, signed in with the team's password, lists the
    // back office's demo accounts (before anything opened the team's service).
    let clerk_tab = b.call("GET", "/window", &Value::Null);
    let clerk_tab = clerk_tab.as_str().unwrap().to_string();
    b.open(&format!("{origin}/teams/t2/?lang=en"));
    a11y.extend(
        b.axe(&axe)
            .into_iter()
            .map(|p| format!("team sign-in: {p}")),
    );
    sign_in_with_password(&b, &p2);
    scope.page(&b, "t2", "t2 space", &shared);
    let accounts2 = listed_accounts(&b);
    let (officer, officer_password) = accounts2
        .iter()
        .find(|(n, _)| n == "demo.billing-officer")
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "t2's space lists no demo.billing-officer: {accounts2:?}\n{}",
                b.source()
            )
        });

    // The citizen's tab: team t1's service, its start page in Arabic.
    let citizen_tab = new_tab(&b);
    b.open(&format!("{svc1}/?lang=ar"));
    scope.page(&b, "t1", "t1 start", &[]);
    a11y.extend(b.axe(&axe).into_iter().map(|p| format!("t1 start: {p}")));
    b.submit("a.start");
    scope.page(&b, "t1", "t1 first form page", &[]);

    // Meanwhile the clerk signs in to t2's back office.
    switch(&b, &clerk_tab);
    b.open(&format!("{svc2}/office?lang=en"));
    scope.page(&b, "t2", "t2 office sign-in", &[]);
    b.type_into("#name", &officer);
    b.type_into("#password", &officer_password);
    b.submit("form button[type=submit]");
    assert!(
        b.url().starts_with(&format!("{svc2}/office/cases")),
        "the officer is not at the queue: {}\n{}",
        b.url(),
        b.source()
    );
    scope.page(&b, "t2", "t2 office queue", &[]);
    a11y.extend(b.axe(&axe).into_iter().map(|p| format!("t2 queue: {p}")));
    // The browser keeps t1's and t2's cookies apart by path; on t2's pages it offers
    // none of t1's.
    for (name, path) in page_cookies(&b) {
        assert!(
            path.starts_with("/teams/t2/"),
            "t2's office page would send the cookie `{name}` of path `{path}`"
        );
    }

    // The citizen fills the form page after page and sends the application.
    switch(&b, &citizen_tab);
    let (_, doc) = super::support::http(
        port,
        "GET",
        "/teams/t1/svc/birth-certificate/openapi.json",
        &[],
        "",
    );
    let doc: Value = serde_json::from_str(&doc).expect("t1's OpenAPI document");
    let example = doc["paths"]["/api/applications"]["post"]["requestBody"]["content"]
        ["application/json"]["example"]
        .clone();
    assert!(example.is_object(), "no example in t1's OpenAPI document");
    let scan = data.join("scan.pdf");
    std::fs::write(
        &scan,
        "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
    )
    .unwrap();
    apply(&b, &example, &scan);
    scope.page(&b, "t1", "t1 check your answers", &[]);
    b.submit("form button[type=submit]");
    let html = b.source();
    assert!(html.contains("تم إرسال الطلب"), "{html}");
    scope.page(&b, "t1", "t1 confirmation", &[]);
    let numbers: Vec<String> = html
        .split(r#"<strong class="number" dir="ltr">"#)
        .skip(1)
        .map(|s| s.split('<').next().unwrap_or_default().to_string())
        .collect();
    let (tracking, code) = (numbers[0].clone(), numbers[1].clone());
    b.open(&format!("{svc1}/track"));
    b.type_into("#tracking", &tracking);
    b.type_into("#code", &code);
    b.submit("form button[type=submit]");
    let html = b.source();
    assert!(
        html.contains(&tracking) && html.contains(r#"<p class="state">"#),
        "not the case's status: {html}"
    );
    scope.page(&b, "t1", "t1 status", &[]);

    // t1's own back office: its team space gives the clerk's account, the clerk opens
    // the case.
    b.open(&format!("{origin}/teams/t1/?lang=en"));
    sign_in_with_password(&b, &p1);
    scope.page(&b, "t1", "t1 space", &shared);
    a11y.extend(b.axe(&axe).into_iter().map(|p| format!("t1 space: {p}")));
    let accounts1 = listed_accounts(&b);
    let (clerk, clerk_password) = accounts1
        .iter()
        .find(|(n, _)| n == "demo.clerk")
        .cloned()
        .unwrap_or_else(|| panic!("t1's space lists no demo.clerk: {accounts1:?}"));
    b.open(&format!("{svc1}/office?lang=en"));
    b.type_into("#name", &clerk);
    b.type_into("#password", &clerk_password);
    b.submit("form button[type=submit]");
    assert!(b.source().contains(&tracking), "the case is in t1's queue");
    scope.page(&b, "t1", "t1 office queue", &[]);
    b.open(&format!("{svc1}/office/cases/{tracking}"));
    scope.page(&b, "t1", "t1 office case", &[]);

    // The clerk of t2, in the other tab, still sees t2's queue, without t1's case.
    switch(&b, &clerk_tab);
    b.open(&format!("{svc2}/office/cases?lang=en"));
    assert!(
        b.url().starts_with(&format!("{svc2}/office/cases")),
        "t2's officer lost the session: {}",
        b.url()
    );
    assert!(!b.source().contains(&tracking), "t1's case in t2's queue");
    scope.page(&b, "t2", "t2 office queue again", &[]);

    // Every cookie the browser keeps for the teams is scoped to its team's path.
    let cookies = all_cookies(&b);
    let of = |name: &str, path: &str| {
        cookies
            .iter()
            .find(|(n, _, p)| n == name && p == path)
            .map(|(_, v, _)| v.clone())
            .unwrap_or_else(|| panic!("no cookie `{name}` at `{path}`: {cookies:?}"))
    };
    let staff1 = of(
        "qw_birth-certificate_staff",
        "/teams/t1/svc/birth-certificate",
    );
    let team1 = of("qw_team", "/teams/t1/");
    of("qw_water-fees_staff", "/teams/t2/svc/water-fees");
    of("qw_team", "/teams/t2/");
    for (name, _, path) in &cookies {
        assert!(
            path.starts_with("/teams/t1/") || path.starts_with("/teams/t2/"),
            "the cookie `{name}` has the path `{path}`, outside a team's"
        );
    }

    // t1's back-office session, copied out of the browser, is refused by t2's office:
    // under its own name and under the name t2's service reads.
    let sent = format!("qw_birth-certificate_staff={staff1}; qw_water-fees_staff={staff1}");
    let queue = request(
        port,
        "GET",
        "/teams/t2/svc/water-fees/office/cases",
        &[("Cookie", &sent)],
        "",
    );
    assert!(
        queue.status == 303 && queue.header("location") == Some("/teams/t2/svc/water-fees/office"),
        "t2's queue with t1's session: {} {:?}\n{}",
        queue.status,
        queue.headers,
        queue.body
    );
    let bearer = format!("Bearer {staff1}");
    let api = request(
        port,
        "GET",
        "/teams/t2/svc/water-fees/api/cases",
        &[("Authorization", &bearer)],
        "",
    );
    assert!(
        matches!(api.status, 401 | 403),
        "t2's case list with t1's session: {} {}",
        api.status,
        api.body
    );
    // The same session is good at t1: what refused it was the team.
    let own = request(
        port,
        "GET",
        "/teams/t1/svc/birth-certificate/api/cases",
        &[("Authorization", &bearer)],
        "",
    );
    assert_eq!(
        own.status, 200,
        "t1's case list with t1's session: {}",
        own.body
    );
    // t1's team cookie at t2's space: the sign-in page, 401.
    let cookie = format!("qw_team={team1}");
    let space = request(port, "GET", "/teams/t2/", &[("Cookie", &cookie)], "");
    assert_eq!(space.status, 401, "{}", space.body);
    assert!(
        space.body.contains(r#"action="/teams/t2/login""#),
        "{}",
        space.body
    );
    let space = request(port, "GET", "/teams/t1/", &[("Cookie", &cookie)], "");
    assert_eq!(space.status, 200, "t1's cookie at t1's space");
    // The redirects a team's paths answer with stay under them.
    for path in [
        "/teams/t1".to_string(),
        format!("/teams/t1/svc/birth-certificate/office/cases/{tracking}"),
        "/teams/t2/svc/water-fees/office/cases".to_string(),
    ] {
        let a = request(port, "GET", &path, &[], "");
        let to = a.header("location").unwrap_or_default();
        let team = path.split('/').nth(2).unwrap_or_default();
        assert!(
            (300..400).contains(&a.status) && to.starts_with(&format!("/teams/{team}/")),
            "{path}: {} to `{to}`",
            a.status
        );
    }

    // The trainer moves the class to day 7 and watches the grid.
    b.open(&format!("{origin}/trainer?lang=en"));
    sign_in_with_password(&b, &trainer);
    assert!(
        b.source().contains("table class=\"grid\""),
        "not the trainer's dashboard: {}",
        b.source()
    );
    b.script(
        "document.querySelector('#day').value = '7'; return true;",
        json!([]),
    );
    b.submit("#day ~ button[type=submit]");
    a11y.extend(b.axe(&axe).into_iter().map(|p| format!("trainer: {p}")));
    let before = grid_cell(&b, "t1", "ask-the-registry")
        .unwrap_or_else(|| panic!("no cell t1 × ask-the-registry on day 7:\n{}", b.source()));
    assert!(before.1.contains("not started"), "{before:?}");
    let (results, check_took) = check(port, "t1", &p1, "ask-the-registry");
    let answered = Instant::now();
    // Reloaded, the grid shows the run at once.
    b.open(&format!("{origin}/trainer?lang=en"));
    let cell = grid_cell(&b, "t1", "ask-the-registry").expect("the cell");
    let shown_after = answered.elapsed();
    assert!(
        !cell.1.contains("not started") && cell.0 != "idle",
        "the grid after the check: {cell:?}"
    );
    assert!(
        shown_after < Duration::from_secs(5),
        "the grid took {shown_after:?} to show the run"
    );
    // Left alone, the page follows the class in place: a run of t2's shows up in its
    // grid within the refresh's 5 s (and the time to fetch the page), and what the
    // trainer was typing stays.
    b.script("window.__quickwinOld = true; return true;", json!([]));
    b.type_into("#note", "back at 11");
    let (_, _) = check(port, "t2", &p2, "ask-the-registry");
    let answered = Instant::now();
    let followed = loop {
        let cell = grid_cell(&b, "t2", "ask-the-registry").expect("the cell");
        if cell.0 != "idle" {
            break answered.elapsed();
        }
        assert!(
            answered.elapsed() < Duration::from_millis(6500),
            "the grid did not follow t2's run by itself: {cell:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        b.script(
            "return [window.__quickwinOld === true, document.querySelector('#note').value];",
            json!([])
        ),
        json!([true, "back at 11"]),
        "the page reloaded and lost what the trainer typed"
    );

    let total = began.elapsed();
    let _ = std::io::stderr().lock().write_all(
        format!(
            "\n{test}: host and browser ready in {ready:?}; check run {} in {check_took:?}, on the grid ({}) {shown_after:?} after (reloaded), {followed:?} after (left alone); {} pages, {} links and forms checked; {total:?} in all\n",
            results["status"], cell.0, scope.pages, scope.targets
        )
        .as_bytes(),
    );
    assert!(
        scope.problems.is_empty(),
        "paths outside the team's:\n{}",
        scope.problems.join("\n")
    );
    assert!(
        a11y.is_empty(),
        "accessibility problems:\n{}",
        a11y.join("\n")
    );
}
