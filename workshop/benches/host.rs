//! The workshop host under a class's load, against its targets. One process serves the
//! class as `quickwin workshop host` does (the sandbox, the curriculum, every team's
//! service opened on its first request), on a loopback listener whose address is the
//! host's URL, since the services call the mediator over HTTP. The load comes from this
//! process, on the same two cores:
//!
//! 1. 24 teams (pilots in turn) ask for their service at once as the host starts: the
//!    slowest first answer, from the start of `Host::open`.
//! 2. 26 more teams, then 100 submissions to each of the 50 services: the process's
//!    resident memory before and after.
//! 3. Six teams check `ask-the-registry` at once, several rounds: p50 and p99 of a run.
//! 4. A push of a changed `version:`: time until `GET /api/service` shows it.
//! 5. One team sends 1 000 requests a second: another team's p99 against its p99 alone.
//! 6. A trainer's reset to an exercise, then the message log's whole chain verified.
//! 7. The trainer's grid of six teams × the whole curriculum (56 exercises), from a
//!    second host whose store holds runs for every cell.
//!
//! Prints a table with each target and PASS or FAIL; exits with 1 when one is missed.
//! Every phase has a time limit. Figures go to docs/performance.md.
//!
//! cargo bench -p quickwin-workshop --bench host

// The `quickwin` binary that runs the host uses mimalloc: so does its bench, for the
// memory figures.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use quickwin_blueprint::Blueprint;
use quickwin_blueprint::clock::{self, Now};
use quickwin_blueprint::examples::{self, UPLOAD_EXAMPLE};
use quickwin_blueprint::expr::Date;
use quickwin_blueprint::model::FieldType;
use quickwin_workshop::client::{Answer, Client};
use quickwin_workshop::host::auth::{self, Who};
use quickwin_workshop::host::{Host, Options, teams};
use quickwin_workshop::results::{CheckResult, Evidence, RESULTS_VERSION, Results, Status};
use quickwin_workshop::scratch::Scratch;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

const FIRST_TEAMS: usize = 24;
const ALL_TEAMS: usize = 50;
const SUBMISSIONS: usize = 100;
const CHECKING_TEAMS: usize = 6;
const CHECK_ROUNDS: usize = 4;
const CHECKED: &str = "ask-the-registry";
const PUSHES: usize = 5;
const RESETS: usize = 3;
const FLOOD_RATE: u32 = 1000;
const PROBE_RATE: u32 = 100;
const PACED: Duration = Duration::from_secs(3);
const GRID_RENDERS: usize = 20;
const REQUEST: Duration = Duration::from_secs(30);

/// A line of the table.
struct Row {
    target: &'static str,
    figure: String,
    pass: bool,
}

fn row(target: &'static str, figure: String, pass: bool) -> Row {
    Row {
        target,
        figure,
        pass,
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The resident memory of this process, in MiB.
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn percentile(samples: &mut [f64], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.sort_by(f64::total_cmp);
    let at = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[at]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The team `n` (from 1) and its pilot: the catalogue's pilots in turn.
fn team(n: usize) -> (String, &'static str) {
    let pilots: Vec<&str> = teams::pilots().collect();
    (format!("t{n:02}"), pilots[(n - 1) % pilots.len()])
}

/// A host served on a loopback port, as the CLI serves it.
struct Served {
    host: Host,
    url: String,
    client: Client,
    _server: JoinHandle<()>,
}

impl Served {
    /// Bind, then open the host's data (timed from here by the caller) and serve.
    async fn start(data: &Path) -> Served {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let mut opts = Options::new(data, &url);
        opts.workshop = Some(root().join("workshops/iq-2012"));
        let opened = tokio::task::spawn_blocking(move || Host::open(opts))
            .await
            .expect("the host opens")
            .expect("the host opens");
        let app = opened.host.app();
        let server = tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await;
        });
        Served {
            host: opened.host,
            url,
            client: Client::default(),
            _server: server,
        }
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Answer, String> {
        self.client
            .send(
                method,
                &format!("{}{path}", self.url),
                headers,
                body,
                REQUEST,
            )
            .await
    }

    async fn get(&self, path: &str) -> Result<Answer, String> {
        self.send("GET", path, &[], None).await
    }
}

/// Run a phase within `limit`; a phase that does not finish fails its targets.
async fn bounded(
    targets: &[&'static str],
    limit: Duration,
    phase: impl Future<Output = Vec<Row>>,
) -> Vec<Row> {
    match tokio::time::timeout(limit, phase).await {
        Ok(rows) => rows,
        Err(_) => targets
            .iter()
            .map(|t| {
                row(
                    t,
                    format!("did not finish within {} s", limit.as_secs()),
                    false,
                )
            })
            .collect(),
    }
}

// ----- 1. start-up -----

async fn first_answers(s: &Served, started: Instant, opened_ms: f64) -> Vec<Row> {
    let mut tasks = Vec::new();
    for n in 1..=FIRST_TEAMS {
        let (name, pilot) = team(n);
        let client = s.client.clone();
        let url = format!("{}/teams/{name}/svc/{pilot}/api/service", s.url);
        tasks.push(tokio::spawn(async move {
            let a = client.send("GET", &url, &[], None, REQUEST).await;
            (started.elapsed(), a.map(|a| a.status))
        }));
    }
    let mut times = Vec::new();
    let mut failed = Vec::new();
    for t in tasks {
        let (at, status) = t.await.expect("a request task");
        match status {
            Ok(200) => times.push(ms(at)),
            other => failed.push(format!("{other:?}")),
        }
    }
    let worst = times.iter().copied().fold(0.0, f64::max);
    let median = percentile(&mut times, 0.5);
    vec![row(
        "24 services answer their first request < 2 s after the host starts",
        format!(
            "slowest {worst:.0} ms, median {median:.0} ms (Host::open {opened_ms:.0} ms){}",
            if failed.is_empty() {
                String::new()
            } else {
                format!("; not 200: {}", failed.join(", "))
            }
        ),
        failed.is_empty() && worst < 2000.0,
    )]
}

// ----- 2. memory -----

/// The appointment fields of a blueprint's case record.
fn appointment_fields(bp: &Blueprint) -> Vec<String> {
    bp.case_record()
        .map(|r| {
            r.fields
                .iter()
                .filter(|f| f.kind.value == FieldType::Appointment)
                .map(|f| f.id.as_str().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// `n` bookable slots of the first resource, each taken at most its capacity.
fn free_slots(bp: &Blueprint, n: usize) -> Vec<String> {
    let Some(a) = &bp.appointments else {
        return Vec::new();
    };
    let Some(r) = a.resources.first() else {
        return Vec::new();
    };
    let now = Now::read();
    let cap = quickwin_blueprint::slots::capacity(a, r) as usize;
    let horizon = a.horizon.value.minutes as i64;
    let mut out = Vec::new();
    for k in 1..=60 {
        let day = Date(now.today.0 + k);
        for m in quickwin_blueprint::slots::starts(a, r, day) {
            let minutes = day.0 * 1440 + i64::from(m);
            if minutes <= now.local_minutes || minutes > now.local_minutes + horizon {
                continue;
            }
            let value = format!("{}@{}", r.id.as_str(), clock::local_text(minutes));
            for _ in 0..cap {
                if out.len() == n {
                    return out;
                }
                out.push(value.clone());
            }
        }
    }
    out
}

/// A small PDF, what an applicant would scan.
const SAMPLE_PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Upload a document for every upload the example names (an upload is good for one
/// application only), as a browser would.
async fn upload(client: &Client, base: &str, value: &mut Value) -> Result<(), String> {
    match value {
        Value::String(s) if s == UPLOAD_EXAMPLE => {
            let a = send_paced(
                client,
                "POST",
                &format!("{base}/api/attachments?name=document.pdf"),
                &[
                    ("content-type", "application/pdf".to_string()),
                    ("accept", "application/json".to_string()),
                ],
                SAMPLE_PDF,
            )
            .await?;
            *s = a.json()["id"]
                .as_str()
                .ok_or_else(|| format!("upload refused: {}", a.excerpt()))?
                .to_string();
        }
        Value::Array(items) => {
            for item in items {
                Box::pin(upload(client, base, item)).await?;
            }
        }
        Value::Object(map) => {
            for (_, item) in map.iter_mut() {
                Box::pin(upload(client, base, item)).await?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Send, waiting out the team's limit (429) as a well-behaved client does.
async fn send_paced(
    client: &Client,
    method: &str,
    url: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> Result<Answer, String> {
    loop {
        let a = client
            .send(method, url, headers, Some(body.to_vec()), REQUEST)
            .await?;
        if a.status != 429 {
            return Ok(a);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// 100 valid submissions to one team's service: (created, the first refusal).
async fn submit(client: Client, base: String, bp: &Blueprint) -> (usize, Option<String>) {
    let example = examples::submission_example(bp, Now::read().today);
    let slots = appointment_fields(bp);
    let free = free_slots(bp, SUBMISSIONS);
    let mut created = 0;
    let mut refused = None;
    for i in 0..SUBMISSIONS {
        let mut body = example.clone();
        for field in &slots {
            if let Some(slot) = free.get(i) {
                body.insert(field.clone(), json!(slot));
            }
        }
        let mut body = Value::Object(body);
        if let Err(e) = upload(&client, &base, &mut body).await {
            refused.get_or_insert(e);
            continue;
        }
        let answer = send_paced(
            &client,
            "POST",
            &format!("{base}/api/applications"),
            &[("content-type", "application/json".to_string())],
            body.to_string().as_bytes(),
        )
        .await;
        match answer {
            Ok(a) if a.status == 201 => created += 1,
            Ok(a) => {
                refused.get_or_insert(a.excerpt());
            }
            Err(e) => {
                refused.get_or_insert(e);
            }
        }
    }
    (created, refused)
}

async fn memory(s: &Served, data: &Path, before: f64) -> Vec<Row> {
    for n in FIRST_TEAMS + 1..=ALL_TEAMS {
        let (name, pilot) = team(n);
        teams::add(data, &name, Some(pilot), &[], false).expect("a team is added");
    }
    s.host.reload_class().expect("the class is read again");
    let mut opened = Vec::new();
    for n in 1..=ALL_TEAMS {
        let (name, pilot) = team(n);
        let slot = s
            .host
            .slot(&format!("teams/{name}"))
            .expect("the team's slot");
        let (service, _) = s.host.live(&slot).await.expect("the service opens");
        let base = format!("{}/teams/{name}/svc/{pilot}", s.url);
        opened.push((name, base, service.state.blueprint()));
    }
    let open = s.host.open_count();
    let all_open = rss_mib();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (name, base, bp) in opened {
        let client = s.client.clone();
        tasks.push(tokio::spawn(async move {
            let (created, refused) = submit(client, base, &bp).await;
            (name, created, refused)
        }));
    }
    let mut created = 0;
    let mut refusals = Vec::new();
    for t in tasks {
        let (name, n, refused) = t.await.expect("a team's submissions");
        created += n;
        if let Some(r) = refused {
            refusals.push(format!("{name}: {r}"));
        }
    }
    let took = started.elapsed().as_secs_f64();
    let after = rss_mib();
    let expected = ALL_TEAMS * SUBMISSIONS;
    for r in refusals.iter().take(3) {
        eprintln!("refused: {r}");
    }
    vec![row(
        "50 services after 100 submissions each < 300 MB RSS",
        format!(
            "{after:.0} MiB after; {before:.0} MiB with 24 services open, {all_open:.0} MiB with {open} open; {created}/{expected} created in {took:.1} s"
        ),
        after < 300.0 && created == expected,
    )]
}

// ----- 3. checks -----

async fn checks(s: &Served) -> Vec<Row> {
    let checking: Vec<String> = (1..=ALL_TEAMS)
        .map(team)
        .filter(|(_, p)| *p == "birth-certificate")
        .map(|(n, _)| n)
        .take(CHECKING_TEAMS)
        .collect();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for name in &checking {
        let host = s.host.clone();
        let name = name.clone();
        tasks.push(tokio::spawn(async move {
            let mut runs = Vec::new();
            for _ in 0..CHECK_ROUNDS {
                let t = Instant::now();
                let status = host
                    .check(&name, CHECKED)
                    .await
                    .map(|r| r.status)
                    .map_err(|e| e.to_string());
                runs.push((ms(t.elapsed()), status));
            }
            runs
        }));
    }
    let mut times = Vec::new();
    let mut not_passed = Vec::new();
    for t in tasks {
        for (ms, status) in t.await.expect("a team's checks") {
            times.push(ms);
            if status != Ok(Status::Pass) {
                not_passed.push(format!("{status:?}"));
            }
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let p50 = percentile(&mut times, 0.5);
    let p99 = percentile(&mut times, 0.99);
    vec![row(
        "a check run's p99 < 2 s while six teams check at once",
        format!(
            "p50 {p50:.0} ms, p99 {p99:.0} ms ({} runs of `{CHECKED}` in {wall:.1} s{})",
            times.len(),
            if not_passed.is_empty() {
                ", all passed".to_string()
            } else {
                format!("; not passed: {}", not_passed.join(", "))
            }
        ),
        p99 < 2000.0 && not_passed.is_empty(),
    )]
}

// ----- 4. push -----

async fn pushes(s: &Served) -> Vec<Row> {
    let (name, pilot) = team(2);
    let text =
        std::fs::read_to_string(s.host.work(&name).join("service.yaml")).expect("the team's file");
    let path = format!("/teams/{name}/svc/{pilot}/api/service");
    let mut times = Vec::new();
    let mut problems = Vec::new();
    for i in 1..=PUSHES {
        let version = format!("1.{i}.0");
        let changed: String = text
            .lines()
            .map(|l| {
                if l.starts_with("version:") {
                    format!("version: {version}\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        let started = Instant::now();
        match s.host.push(&name, "service.yaml", &changed).await {
            Ok(p) if p.status == "live" => {}
            Ok(p) => problems.push(format!("push {i}: {} {}", p.status, p.diagnostics)),
            Err(e) => problems.push(format!("push {i}: {e}")),
        }
        let seen = loop {
            match s.get(&path).await {
                Ok(a) if a.json()["version"] == version.as_str() => break true,
                _ if started.elapsed() > Duration::from_secs(5) => break false,
                _ => {}
            }
        };
        if seen {
            times.push(ms(started.elapsed()));
        } else {
            problems.push(format!("push {i}: `{version}` not seen within 5 s"));
        }
    }
    let worst = times.iter().copied().fold(0.0, f64::max);
    let median = percentile(&mut times, 0.5);
    vec![row(
        "a valid push is seen by the next request < 1 s",
        format!(
            "slowest {worst:.0} ms, median {median:.0} ms over {PUSHES} pushes (`version:` changed; 100 cases in the store){}",
            if problems.is_empty() {
                String::new()
            } else {
                format!("; {}", problems.join("; "))
            }
        ),
        problems.is_empty() && worst < 1000.0,
    )]
}

// ----- 5. reset -----

async fn resets(s: &Served) -> Vec<Row> {
    let resetting: Vec<(String, &str)> = (1..=ALL_TEAMS)
        .map(team)
        .filter(|(_, p)| *p == "birth-certificate")
        .take(RESETS)
        .collect();
    let mut times = Vec::new();
    let mut problems = Vec::new();
    for (name, pilot) in &resetting {
        let started = Instant::now();
        if let Err(e) = s.host.reset(name, CHECKED).await {
            problems.push(format!("{name}: {e}"));
        }
        times.push(ms(started.elapsed()));
        match s
            .get(&format!("/teams/{name}/svc/{pilot}/api/service"))
            .await
        {
            Ok(a) if a.status == 200 => {}
            other => problems.push(format!("{name} after the reset: {other:?}")),
        }
    }
    let verifying = Instant::now();
    let log = s.host.sandbox.log.clone();
    let verified = tokio::task::spawn_blocking(move || log.verify())
        .await
        .expect("the verification runs");
    let verify_ms = ms(verifying.elapsed());
    let worst = times.iter().copied().fold(0.0, f64::max);
    let (chain, intact) = match &verified {
        Ok(v) if v.broken.is_none() => (
            format!(
                "the log verifies: {} entries in {verify_ms:.0} ms",
                v.entries
            ),
            true,
        ),
        Ok(v) => (format!("the log is broken at {:?}", v.broken), false),
        Err(e) => (format!("the log could not be verified: {e}"), false),
    };
    vec![row(
        "reset --to EX < 2 s and the message log still verifies",
        format!(
            "slowest {worst:.0} ms over {RESETS} resets (each service had 100 cases); {chain}{}",
            if problems.is_empty() {
                String::new()
            } else {
                format!("; {}", problems.join("; "))
            }
        ),
        problems.is_empty() && intact && worst < 2000.0,
    )]
}

// ----- 6. a flood -----

/// GET `url` at `rate` a second for `PACED`, each request on its own task (the pace
/// does not wait for answers): each latency and status.
async fn paced(client: &Client, url: &str, rate: u32) -> Vec<(f64, Result<u16, String>)> {
    let mut tick = tokio::time::interval(Duration::from_secs(1) / rate);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let total = (PACED.as_secs_f64() * f64::from(rate)) as usize;
    let mut tasks = Vec::with_capacity(total);
    for _ in 0..total {
        tick.tick().await;
        let client = client.clone();
        let url = url.to_string();
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let a = client.send("GET", &url, &[], None, REQUEST).await;
            (ms(t.elapsed()), a.map(|a| a.status))
        }));
    }
    let mut out = Vec::with_capacity(total);
    for t in tasks {
        out.push(t.await.expect("a request task"));
    }
    out
}

fn latencies(samples: &[(f64, Result<u16, String>)]) -> (Vec<f64>, usize) {
    let ok: Vec<f64> = samples
        .iter()
        .filter(|(_, s)| *s == Ok(200))
        .map(|(t, _)| *t)
        .collect();
    let errors = samples.len() - ok.len();
    (ok, errors)
}

async fn flood(s: &Served) -> Vec<Row> {
    let (a, a_pilot) = team(3);
    let (b, b_pilot) = team(4);
    let a_url = format!("{}/teams/{a}/svc/{a_pilot}/api/service", s.url);
    let b_url = format!("{}/teams/{b}/svc/{b_pilot}/api/service", s.url);
    // Warm both services and connections.
    let warm = Client::default();
    let _ = paced(&warm, &b_url, 50).await;
    let probe = Client::default();
    let (mut alone, alone_errors) = latencies(&paced(&probe, &b_url, PROBE_RATE).await);
    let flooder = Client::default();
    let a_started = Instant::now();
    let a_task = {
        let a_url = a_url.clone();
        tokio::spawn(async move { paced(&flooder, &a_url, FLOOD_RATE).await })
    };
    let (mut flooded, flooded_errors) = latencies(&paced(&probe, &b_url, PROBE_RATE).await);
    let a_answers = a_task.await.expect("the flood");
    let a_secs = a_started.elapsed().as_secs_f64();
    let ok = a_answers.iter().filter(|(_, s)| *s == Ok(200)).count();
    let limited = a_answers.iter().filter(|(_, s)| *s == Ok(429)).count();
    let p50_alone = percentile(&mut alone, 0.5);
    let p99_alone = percentile(&mut alone, 0.99);
    let p50_flood = percentile(&mut flooded, 0.5);
    let p99_flood = percentile(&mut flooded, 0.99);
    let ratio = p99_flood / p99_alone;
    vec![row(
        "a team at 1 000 req/s keeps another team's p99 < 2× its baseline",
        format!(
            "team B p99 {p99_alone:.2} ms alone, {p99_flood:.2} ms during the flood ({ratio:.2}×; p50 {p50_alone:.2} → {p50_flood:.2} ms; B errors {alone_errors}/{flooded_errors}); team A sent {} in {a_secs:.1} s: {ok} answered 200, {limited} refused 429",
            a_answers.len()
        ),
        ratio < 2.0 && alone_errors == 0 && flooded_errors == 0,
    )]
}

// ----- 7. the grid -----

/// Results of a run for the grid: five checks, the `failing`-th failing (or all passed).
fn results(team: &str, exercise: &str, run: u64, failing: Option<usize>) -> Results {
    let checks = (0..5)
        .map(|i| {
            let fails = failing == Some(i);
            CheckResult {
                id: format!("check-{i}"),
                status: if fails { Status::Fail } else { Status::Pass },
                title: BTreeMap::from([("en".into(), format!("check {i}"))]),
                message: fails.then(|| BTreeMap::from([("en".into(), "not seen".into())])),
                hint: None,
                evidence: Evidence::default(),
                review: None,
            }
        })
        .collect();
    Results {
        version: RESULTS_VERSION,
        team: team.into(),
        exercise: exercise.into(),
        run,
        status: if failing.is_some() {
            Status::Fail
        } else {
            Status::Pass
        },
        ms: Some(600),
        checks,
    }
}

async fn grid(data: &Path) -> Vec<Row> {
    for n in 1..=CHECKING_TEAMS {
        let (name, pilot) = team(n);
        teams::add(data, &name, Some(pilot), &[], false).expect("a team is added");
    }
    let s = Served::start(data).await;
    let exercises: Vec<String> = s
        .host
        .exercises_of(None)
        .iter()
        .map(|e| e.id().to_string())
        .collect();
    let host = s.host.clone();
    let ids = exercises.clone();
    let kept = tokio::task::spawn_blocking(move || {
        let at = quickwin_workshop::host::now() - 3600 * 24;
        let mut kept = 0;
        for n in 1..=CHECKING_TEAMS {
            let (name, _) = team(n);
            for (e, id) in ids.iter().enumerate() {
                host.store.start(&name, id, at).expect("stored");
                // Two failed runs then a pass; every seventh cell is still failing.
                let stuck = (n + e) % 7 == 0;
                for run in 1..=3u64 {
                    let failing = if run < 3 || stuck {
                        Some((e + run as usize) % 5)
                    } else {
                        None
                    };
                    let r = results(&name, id, run, failing);
                    host.store
                        .record(&r, 600, at + 300 * run as i64)
                        .expect("stored");
                    kept += 1;
                }
            }
        }
        kept
    })
    .await
    .expect("the runs are stored");
    let cookie = (
        "cookie",
        format!("qw_trainer={}", auth::session(&s.host, &Who::Trainer)),
    );
    let mut json_times = Vec::new();
    let mut page_times = Vec::new();
    let mut shape = None;
    let mut problems = Vec::new();
    for _ in 0..GRID_RENDERS {
        let t = Instant::now();
        match s
            .send(
                "GET",
                "/trainer/grid.json?day=all",
                std::slice::from_ref(&cookie),
                None,
            )
            .await
        {
            Ok(a) if a.status == 200 => {
                json_times.push(ms(t.elapsed()));
                let g = a.json();
                shape = Some((
                    g["rows"].as_array().map_or(0, Vec::len),
                    g["columns"].as_array().map_or(0, Vec::len),
                ));
            }
            other => problems.push(format!("grid.json: {other:?}")),
        }
        let t = Instant::now();
        match s
            .send(
                "GET",
                "/trainer?day=all",
                std::slice::from_ref(&cookie),
                None,
            )
            .await
        {
            Ok(a) if a.status == 200 && a.text().contains("grid") => {
                page_times.push(ms(t.elapsed()))
            }
            other => problems.push(format!("/trainer: {:?}", other.map(|a| a.excerpt()))),
        }
    }
    let (rows, columns) = shape.unwrap_or_default();
    let worst_json = json_times.iter().copied().fold(0.0, f64::max);
    let worst_page = page_times.iter().copied().fold(0.0, f64::max);
    vec![row(
        "the 6 × 45 grid renders < 200 ms",
        format!(
            "{rows} × {columns} ({kept} runs stored): /trainer page median {:.1} ms, slowest {worst_page:.1} ms; grid.json median {:.1} ms, slowest {worst_json:.1} ms{}",
            percentile(&mut page_times, 0.5),
            percentile(&mut json_times, 0.5),
            if problems.is_empty() {
                String::new()
            } else {
                format!("; {}", problems.join("; "))
            }
        ),
        problems.is_empty()
            && rows == CHECKING_TEAMS
            && columns >= 45
            && worst_page < 200.0
            && worst_json < 200.0,
    )]
}

fn main() -> ExitCode {
    let scratch = Scratch::new("bench-host").expect("a folder");
    let data = scratch.path().join("host");
    let grid_data = scratch.path().join("grid");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let started = Instant::now();
    let rows = rt.block_on(async {
        let mut rows = Vec::new();
        let nothing = rss_mib();
        for n in 1..=FIRST_TEAMS {
            let (name, pilot) = team(n);
            teams::add(&data, &name, Some(pilot), &[], false).expect("a team is added");
        }
        let t0 = Instant::now();
        let s = Served::start(&data).await;
        let opened = ms(t0.elapsed());
        rows.extend(
            bounded(
                &["24 services answer their first request < 2 s after the host starts"],
                Duration::from_secs(30),
                first_answers(&s, t0, opened),
            )
            .await,
        );
        let before = rss_mib();
        eprintln!("RSS: {nothing:.0} MiB before the host, {before:.0} MiB with 24 services open");
        rows.extend(
            bounded(
                &["50 services after 100 submissions each < 300 MB RSS"],
                Duration::from_secs(90),
                memory(&s, &data, before),
            )
            .await,
        );
        rows.extend(
            bounded(
                &["a check run's p99 < 2 s while six teams check at once"],
                Duration::from_secs(60),
                checks(&s),
            )
            .await,
        );
        rows.extend(
            bounded(
                &["a valid push is seen by the next request < 1 s"],
                Duration::from_secs(30),
                pushes(&s),
            )
            .await,
        );
        rows.extend(
            bounded(
                &["a team at 1 000 req/s keeps another team's p99 < 2× its baseline"],
                Duration::from_secs(30),
                flood(&s),
            )
            .await,
        );
        rows.extend(
            bounded(
                &["reset --to EX < 2 s and the message log still verifies"],
                Duration::from_secs(30),
                resets(&s),
            )
            .await,
        );
        rows.extend(
            bounded(
                &["the 6 × 45 grid renders < 200 ms"],
                Duration::from_secs(60),
                grid(&grid_data),
            )
            .await,
        );
        rows
    });
    rt.shutdown_timeout(Duration::from_secs(2));
    println!();
    println!(
        "the workshop host on 127.0.0.1 ({} cores, release), {:.0} s",
        std::thread::available_parallelism().map_or(0, usize::from),
        started.elapsed().as_secs_f64()
    );
    println!("| target | measured | |");
    println!("| --- | --- | --- |");
    for r in &rows {
        println!(
            "| {} | {} | {} |",
            r.target,
            r.figure,
            if r.pass { "PASS" } else { "FAIL" }
        );
    }
    drop(scratch);
    if rows.iter().all(|r| r.pass) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
