//! Benchmark of `quickwin serve`: the social-welfare blueprint served by the release
//! binary, loaded over loopback HTTP/1.1 by a load generator in this program, against
//! baselines measured in the same run. Run with:
//!
//! ```sh
//! cargo bench --bench serve
//! ```
//!
//! The bench builds nothing itself: Cargo builds the `quickwin` binary with the bench
//! profile (release settings) and names it in `CARGO_BIN_EXE_quickwin`
//! (`target/release/quickwin`, under `CARGO_TARGET_DIR` when that is set); the bench
//! starts it as a child process.
//!
//! What is measured, each tool in turn on the same two cores as the load generator:
//!
//! - **submissions**: `POST /api/applications` with a valid social-welfare application.
//!   quickwin checks the answers, calls the civil registry through the information
//!   mediator of the sandbox it runs in the same process, stores the case and queues the
//!   SMS. The **baseline** is a minimal axum + rusqlite handler compiled into this bench
//!   and run as a process of its own, like `quickwin serve`: parse the JSON body, insert the case row and its household
//!   rows in one transaction into a WAL-mode SQLite file with `synchronous=FULL` (the
//!   engine store's pragmas) under a `Mutex<Connection>`, answer 201 with a tracking
//!   number and an access code.
//! - **status reads**: `GET /api/applications/{tracking}` with `X-Access-Code`, over a
//!   pool of cases submitted before; the baseline reads the same row (and its household)
//!   by key and compares the access code.
//! - **start-up**: from spawning `quickwin serve blueprints/social-welfare.yaml` (the
//!   largest catalogue blueprint) to the first 200 on `/health`, with `--mediator` naming
//!   an already running `quickwin sandbox`, and with the sandbox in the same process
//!   (its data already generated).
//! - **json-server 0.17.4** (npm), when npm is found: the same submit
//!   (`POST /applications`) and read (`GET /applications/{id}`) workloads.
//!
//! Each load runs 64 keep-alive connections on 127.0.0.1, each looping requests for one
//! second of warm-up then five measured seconds; every latency is recorded. Data lives in
//! temporary folders, ports are chosen free, and every child process is killed at the
//! end, also when the bench panics.

// The baseline (this program run again as a server) gets the allocator quickwin uses, so
// that the comparison is of the handlers, not of the allocators.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hash::{BuildHasher, Hasher};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value, json};

/// Concurrent keep-alive connections of every load.
const CONNECTIONS: usize = 64;
/// Requests before the measured window (not recorded).
const WARM_UP: Duration = Duration::from_secs(1);
/// The measured window of every load.
const MEASURE: Duration = Duration::from_secs(5);
/// Cases submitted before the read workloads, read in turn.
const POOL: usize = 256;
/// Starts measured per start-up configuration.
const STARTS: usize = 10;
/// The json-server release used (the classic 0.17 command line).
const JSON_SERVER: &str = "json-server@0.17.4";
/// The national ID of a household head with sandbox seed 1 (checked at run time).
const KNOWN_HEAD: &str = "841028997963";
/// The client the sandbox's administrator key authenticates as: it may read the mock
/// agencies through the mediator.
const ADMIN_CLIENT: &str = "IQ/GOV/SANDBOX/admin";

// ---------------------------------------------------------------------------------------
// Clean-up guards

/// A child process, killed and reaped when dropped (also while a panic unwinds).
struct Proc {
    name: String,
    child: Child,
    log: PathBuf,
}

impl Proc {
    fn spawn(name: &str, mut command: Command, log: PathBuf) -> Proc {
        let out = std::fs::File::create(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        command
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err));
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Proc {
            name: name.to_string(),
            child,
            log,
        }
    }

    /// Panic with the process's output when it has exited.
    fn check_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            panic!("{} exited ({status}):\n{log}", self.name);
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!(
            "quickwin-bench-serve-{}-{nanos}-{what}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A free loopback port: bound to port 0, then released.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

// ---------------------------------------------------------------------------------------
// Blocking probes (start-up)

/// Whether `GET path` on the port answers 200 (a fresh connection, blocking).
fn probe(port: u16, path: &str) -> bool {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_millis(200)) else {
        return false;
    };
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && &head == b"HTTP/1.1 200"
}

/// Poll `path` every millisecond until it answers 200; the time since `since`.
fn wait_ready(proc: &mut Proc, port: u16, path: &str, since: Instant) -> Duration {
    let limit = Duration::from_secs(60);
    loop {
        if probe(port, path) {
            return since.elapsed();
        }
        proc.check_running();
        assert!(
            since.elapsed() < limit,
            "{} did not answer {path} within {limit:?}",
            proc.name
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

// ---------------------------------------------------------------------------------------
// The load generator

/// Builds the request number `n` of a connection.
type MakeRequest = Arc<dyn Fn(usize) -> Request<Full<Bytes>> + Send + Sync>;

/// What one load measured.
struct Stats {
    latencies: Vec<u32>,
    errors: usize,
}

impl Stats {
    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / MEASURE.as_secs_f64()
    }

    /// The latency at `p` (0–1) in milliseconds.
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        f64::from(self.latencies[i]) / 1000.0
    }
}

async fn connect(port: u16) -> Result<http1::SendRequest<Full<Bytes>>, String> {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| e.to_string())?;
    let _ = stream.set_nodelay(true);
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

/// Send one request on a connection: its status and body.
async fn send(
    sender: &mut http1::SendRequest<Full<Bytes>>,
    request: Request<Full<Bytes>>,
) -> Result<(StatusCode, Bytes), String> {
    let exchange = async {
        sender.ready().await.map_err(|e| e.to_string())?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((status, body))
    };
    tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .map_err(|_| "no answer within 10 s".to_string())?
}

/// One request on a fresh connection (set-up and checks).
async fn call(port: u16, request: Request<Full<Bytes>>) -> Result<(StatusCode, Value), String> {
    let mut sender = connect(port).await?;
    let (status, body) = send(&mut sender, request).await?;
    let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    Ok((status, value))
}

/// One connection's loop: requests until `end`, recording those started after `warm`.
async fn client(port: u16, make: MakeRequest, index: usize, warm: Instant, end: Instant) -> Stats {
    let mut stats = Stats {
        latencies: Vec::new(),
        errors: 0,
    };
    let mut sender = None;
    let mut n = 0;
    while Instant::now() < end {
        if sender.is_none() {
            match connect(port).await {
                Ok(s) => sender = Some(s),
                Err(_) => {
                    if Instant::now() >= warm {
                        stats.errors += 1;
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let Some(s) = sender.as_mut() else { continue };
        let request = make(n * CONNECTIONS + index);
        n += 1;
        let started = Instant::now();
        let result = send(s, request).await;
        let ok = match result {
            Ok((status, _)) => status.is_success(),
            Err(_) => {
                sender = None;
                false
            }
        };
        if started >= warm {
            stats
                .latencies
                .push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
            if !ok {
                stats.errors += 1;
            }
        }
    }
    stats
}

/// Run `make`'s requests on 64 connections: one second of warm-up, five measured.
async fn load(port: u16, make: MakeRequest) -> Stats {
    let start = Instant::now();
    let warm = start + WARM_UP;
    let end = warm + MEASURE;
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|i| tokio::spawn(client(port, make.clone(), i, warm, end)))
        .collect();
    let mut all = Stats {
        latencies: Vec::new(),
        errors: 0,
    };
    for task in tasks {
        let s = task.await.expect("client task");
        all.latencies.extend(s.latencies);
        all.errors += s.errors;
    }
    all.latencies.sort_unstable();
    all
}

fn post_json(port: u16, path: &str, body: &Bytes) -> Request<Full<Bytes>> {
    Request::post(path)
        .header("host", format!("127.0.0.1:{port}"))
        .header("content-type", "application/json")
        .body(Full::new(body.clone()))
        .expect("request")
}

fn get_with(port: u16, path: &str, headers: &[(&str, &str)]) -> Request<Full<Bytes>> {
    let mut request = Request::get(path).header("host", format!("127.0.0.1:{port}"));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    request.body(Full::new(Bytes::new())).expect("request")
}

/// A submitted case: its path to read it, and its access code.
#[derive(Clone)]
struct Submitted {
    path: String,
    code: String,
}

/// Submit `count` cases one after the other; each answer becomes a `Submitted`.
async fn submit_pool(
    port: u16,
    path: &str,
    body: &Bytes,
    count: usize,
    read: impl Fn(&Value) -> Option<Submitted>,
) -> Vec<Submitted> {
    let mut sender = connect(port).await.expect("connection");
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let (status, bytes) = send(&mut sender, post_json(port, path, body))
            .await
            .expect("submission");
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert!(status.is_success(), "submission answered {status}: {value}");
        out.push(read(&value).unwrap_or_else(|| panic!("unexpected answer {value}")));
    }
    out
}

fn submit_load(port: u16, path: &'static str, body: Bytes) -> MakeRequest {
    Arc::new(move |_| post_json(port, path, &body))
}

fn read_load(port: u16, pool: Vec<Submitted>) -> MakeRequest {
    Arc::new(move |n| {
        let case = &pool[n % pool.len()];
        get_with(port, &case.path, &[("x-access-code", &case.code)])
    })
}

// ---------------------------------------------------------------------------------------
// The baseline: axum + rusqlite, the same insert and read by hand

/// The case columns of the baseline (the social-welfare answers submitted).
const CASE_FIELDS: [&str; 15] = [
    "applicant_full_name",
    "applicant_national_id",
    "applicant_date_of_birth",
    "applicant_sex",
    "marital_status",
    "phone",
    "governorate",
    "district",
    "home_address",
    "housing",
    "employment",
    "applicant_monthly_income",
    "applicant_has_disability",
    "declaration",
    "applicant_disability_type",
];

/// The household member columns of the baseline.
const MEMBER_FIELDS: [&str; 7] = [
    "full_name",
    "national_id",
    "relationship",
    "sex",
    "date_of_birth",
    "monthly_income",
    "has_disability",
];

struct Baseline {
    conn: Mutex<Connection>,
    next: AtomicU64,
}

fn baseline_store(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("baseline store");
    // The engine store's pragmas (`runtime/src/store.rs`).
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;",
    )
    .expect("pragmas");
    let cases = CASE_FIELDS
        .iter()
        .map(|f| format!("{f} ANY"))
        .collect::<Vec<_>>()
        .join(", ");
    let members = MEMBER_FIELDS
        .iter()
        .map(|f| format!("{f} ANY"))
        .collect::<Vec<_>>()
        .join(", ");
    conn.execute_batch(&format!(
        "CREATE TABLE cases (id INTEGER PRIMARY KEY, tracking TEXT NOT NULL UNIQUE, access_code TEXT NOT NULL,
            state TEXT NOT NULL, submitted_at TEXT NOT NULL, {cases});
         CREATE TABLE household (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
            position INTEGER NOT NULL, {members});
         CREATE INDEX household_case ON household(case_id);"
    ))
    .expect("tables");
    conn
}

fn sql_value(v: Option<&Value>) -> rusqlite::types::Value {
    use rusqlite::types::Value as Sql;
    match v {
        None | Some(Value::Null) => Sql::Null,
        Some(Value::Bool(b)) => Sql::Integer(i64::from(*b)),
        Some(Value::Number(n)) => n
            .as_i64()
            .map_or_else(|| Sql::Real(n.as_f64().unwrap_or(0.0)), Sql::Integer),
        Some(Value::String(s)) => Sql::Text(s.clone()),
        Some(other) => Sql::Text(other.to_string()),
    }
}

fn json_value(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef as R;
    match v {
        R::Null | R::Blob(_) => Value::Null,
        R::Integer(i) => json!(i),
        R::Real(f) => json!(f),
        R::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
    }
}

/// A random access code of 10 letters and digits.
fn access_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    (0..10)
        .map(|_| {
            let c = ALPHABET[(bits % 32) as usize] as char;
            bits /= 32;
            c
        })
        .collect()
}

fn now_stamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("@{secs}")
}

async fn baseline_submit(State(state): State<Arc<Baseline>>, body: Bytes) -> Response {
    let Ok(Value::Object(answers)) = serde_json::from_slice::<Value>(&body) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            "the body must be a JSON object",
        )
            .into_response();
    };
    let inserted = tokio::task::spawn_blocking(move || -> rusqlite::Result<(String, String)> {
        let seq = state.next.fetch_add(1, Ordering::Relaxed);
        let tracking = format!("SW-202611-{seq:06}");
        let code = access_code();
        let mut conn = state.conn.lock().unwrap_or_else(|e| e.into_inner());
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut values: Vec<rusqlite::types::Value> = vec![
            tracking.clone().into(),
            code.clone().into(),
            "submitted".to_string().into(),
            now_stamp().into(),
        ];
        values.extend(CASE_FIELDS.iter().map(|f| sql_value(answers.get(*f))));
        let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
        tx.prepare_cached(&format!(
            "INSERT INTO cases (tracking, access_code, state, submitted_at, {}) VALUES ({})",
            CASE_FIELDS.join(", "),
            marks.join(", ")
        ))?
        .execute(rusqlite::params_from_iter(values))?;
        let id = tx.last_insert_rowid();
        if let Some(Value::Array(members)) = answers.get("household") {
            let marks: Vec<String> = (1..=MEMBER_FIELDS.len() + 2)
                .map(|i| format!("?{i}"))
                .collect();
            let mut insert = tx.prepare_cached(&format!(
                "INSERT INTO household (case_id, position, {}) VALUES ({})",
                MEMBER_FIELDS.join(", "),
                marks.join(", ")
            ))?;
            for (position, member) in members.iter().enumerate() {
                let mut values: Vec<rusqlite::types::Value> =
                    vec![id.into(), (position as i64).into()];
                values.extend(MEMBER_FIELDS.iter().map(|f| sql_value(member.get(*f))));
                insert.execute(rusqlite::params_from_iter(values))?;
            }
        }
        tx.commit()?;
        Ok((tracking, code))
    })
    .await;
    match inserted {
        Ok(Ok((tracking, code))) => (
            StatusCode::CREATED,
            Json(json!({"tracking": tracking, "access_code": code, "state": "submitted"})),
        )
            .into_response(),
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn baseline_read(
    State(state): State<Arc<Baseline>>,
    UrlPath(tracking): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let code = headers
        .get("x-access-code")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let found = tokio::task::spawn_blocking(move || -> rusqlite::Result<Option<Value>> {
        let conn = state.conn.lock().unwrap_or_else(|e| e.into_inner());
        let row = conn
            .prepare_cached(&format!(
                "SELECT id, access_code, tracking, state, submitted_at, {} FROM cases WHERE tracking = ?1",
                CASE_FIELDS.join(", ")
            ))?
            .query_row([&tracking], |r| {
                let mut answers = Map::new();
                for (i, f) in CASE_FIELDS.iter().enumerate() {
                    answers.insert((*f).to_string(), json_value(r.get_ref(i + 5)?));
                }
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    json!({"tracking": r.get::<_, String>(2)?, "state": r.get::<_, String>(3)?,
                        "submitted_at": r.get::<_, String>(4)?, "answers": answers}),
                ))
            })
            .optional()?;
        let Some((id, _, mut case)) = row.filter(|(_, stored, _)| *stored == code) else {
            return Ok(None);
        };
        let members = conn
            .prepare_cached(&format!(
                "SELECT {} FROM household WHERE case_id = ?1 ORDER BY position",
                MEMBER_FIELDS.join(", ")
            ))?
            .query_map([id], |r| {
                let mut m = Map::new();
                for (i, f) in MEMBER_FIELDS.iter().enumerate() {
                    m.insert((*f).to_string(), json_value(r.get_ref(i)?));
                }
                Ok(Value::Object(m))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        case["answers"]["household"] = Value::Array(members);
        Ok(Some(case))
    })
    .await;
    match found {
        Ok(Ok(Some(case))) => Json(case).into_response(),
        Ok(Ok(None)) => StatusCode::NOT_FOUND.into_response(),
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Serve the baseline on `port` until killed: this program run again as a process of
/// its own (`QUICKWIN_BENCH_BASELINE`), so that the baseline, like `quickwin serve`,
/// does not share a process with the load generator.
fn serve_baseline(store: &Path, port: u16) {
    let state = Arc::new(Baseline {
        conn: Mutex::new(baseline_store(store)),
        next: AtomicU64::new(1),
    });
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/api/applications", post(baseline_submit))
        .route("/api/applications/{tracking}", get(baseline_read))
        .with_state(state);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("baseline runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("baseline port");
        let _ = axum::serve(listener, app).await;
    });
}

// ---------------------------------------------------------------------------------------
// The applicant

/// A valid social-welfare application of a household head of the sandbox's civil
/// registry: persons listed and their household checked through the mediator at
/// `sandbox`, as its administrator (whose key is in `sandbox_data`) reads them.
async fn application(sandbox: u16, sandbox_data: &std::path::Path) -> Value {
    let admin = std::fs::read_to_string(sandbox_data.join("admin.key")).expect("admin.key");
    let bearer = format!("Bearer {}", admin.trim());
    let as_admin = [
        ("x-road-client", ADMIN_CLIENT),
        ("authorization", bearer.as_str()),
    ];
    let mut candidates = vec![KNOWN_HEAD.to_string()];
    let (status, persons) = call(
        sandbox,
        get_with(
            sandbox,
            "/r1/IQ/GOV/MOI/civil-registry/persons/persons?page_size=100",
            &as_admin,
        ),
    )
    .await
    .expect("persons");
    assert!(status.is_success(), "persons answered {status}: {persons}");
    for p in persons["items"].as_array().into_iter().flatten() {
        if let Some(id) = p["national_id"].as_str() {
            candidates.push(id.to_string());
        }
    }
    for id in candidates {
        let path = format!("/r1/IQ/GOV/MOI/civil-registry/households/households/{id}");
        let (status, found) = call(sandbox, get_with(sandbox, &path, &as_admin))
            .await
            .expect("household");
        let household = &found["household"];
        if !status.is_success() || household["head_national_id"].as_str() != Some(id.as_str()) {
            continue;
        }
        let members = household["members"].as_array().cloned().unwrap_or_default();
        let Some(head) = members.iter().find(|m| m["national_id"] == json!(id)) else {
            continue;
        };
        let others: Vec<Value> = members
            .iter()
            .filter(|m| m["national_id"] != json!(id))
            .map(|m| {
                let child = m["father_national_id"] == json!(id) || m["mother_national_id"] == json!(id);
                let relationship = match (child, m["sex"].as_str()) {
                    (true, Some("female")) => "daughter",
                    (true, _) => "son",
                    (false, _) => "other_relative",
                };
                json!({"full_name": m["full_name"], "national_id": m["national_id"],
                    "relationship": relationship, "sex": m["sex"], "date_of_birth": m["date_of_birth"],
                    "monthly_income": 0, "has_disability": false})
            })
            .collect();
        if others.is_empty() {
            continue;
        }
        return json!({
            "applicant_full_name": head["full_name"], "applicant_national_id": id,
            "applicant_date_of_birth": head["date_of_birth"], "applicant_sex": head["sex"],
            "marital_status": "married", "phone": "07701234567", "governorate": "baghdad",
            "district": "الكرخ", "home_address": "حي الجامعة، محلة 615، زقاق 12، دار 4",
            "housing": "owned", "employment": "unemployed", "applicant_monthly_income": 0,
            "applicant_has_disability": false, "household": others, "declaration": true,
        });
    }
    panic!("no household head with members found in the sandbox's civil registry");
}

// ---------------------------------------------------------------------------------------
// Reporting

/// One row of a table.
struct Row {
    tool: String,
    stats: Option<Stats>,
    note: String,
}

fn print_table(title: &str, rows: &[Row]) {
    let base = rows
        .iter()
        .find(|r| r.tool.starts_with("baseline"))
        .and_then(|r| r.stats.as_ref())
        .map(Stats::rate);
    println!("\n### {title}\n");
    println!("| tool | req/s | p50 ms | p99 ms | errors | ratio vs baseline |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for row in rows {
        match &row.stats {
            Some(s) => {
                let ratio = match base {
                    Some(b) if b > 0.0 => format!("{:.0} %", 100.0 * s.rate() / b),
                    _ => "–".to_string(),
                };
                println!(
                    "| {} | {:.0} | {:.2} | {:.2} | {} | {ratio} |",
                    row.tool,
                    s.rate(),
                    s.percentile(0.5),
                    s.percentile(0.99),
                    s.errors
                );
            }
            None => println!("| {} | – | – | – | – | {} |", row.tool, row.note),
        }
    }
}

fn median_ms(times: &mut [Duration]) -> (f64, f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    (
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
    )
}

// ---------------------------------------------------------------------------------------
// The workloads

/// The outbox backlog of a quickwin service, from `/metrics`.
async fn outbox_pending(port: u16) -> Option<i64> {
    let mut sender = connect(port).await.ok()?;
    let (_, body) = send(&mut sender, get_with(port, "/metrics", &[]))
        .await
        .ok()?;
    String::from_utf8_lossy(&body)
        .lines()
        .find(|l| l.starts_with("quickwin_outbox_pending"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// Wait until the outbox is empty (at most a minute); how long it took.
async fn drain(port: u16) -> (Duration, i64) {
    let started = Instant::now();
    let mut left = 0;
    while started.elapsed() < Duration::from_secs(60) {
        left = outbox_pending(port).await.unwrap_or(-1);
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (started.elapsed(), left)
}

/// Start-up of `quickwin serve`; prints its table.
fn startup(bin: &Path, root: &Path, blueprint: &Path) {
    let dir = TempDir::new("startup");
    let sandbox_port = free_port();
    let mut sandbox = Proc::spawn(
        "quickwin sandbox",
        {
            let mut c = Command::new(bin);
            c.arg("sandbox")
                .arg("--port")
                .arg(sandbox_port.to_string())
                .arg("--data")
                .arg(dir.path().join("sandbox"));
            c
        },
        dir.path().join("sandbox.log"),
    );
    wait_ready(&mut sandbox, sandbox_port, "/health", Instant::now());
    let mediator = format!("http://127.0.0.1:{sandbox_port}");

    let start = |data: &Path, with_mediator: bool| -> Duration {
        let port = free_port();
        let mut c = Command::new(bin);
        c.arg("serve")
            .arg(blueprint)
            .arg("--port")
            .arg(port.to_string())
            .arg("--data")
            .arg(data)
            .arg("--no-watch");
        if with_mediator {
            c.arg("--mediator").arg(&mediator);
        } else {
            c.arg("--sandbox-port").arg(free_port().to_string());
        }
        let since = Instant::now();
        let mut proc = Proc::spawn("quickwin serve", c, dir.path().join("serve.log"));
        wait_ready(&mut proc, port, "/health", since)
    };

    let mut rows = Vec::new();
    for (label, with_mediator) in [
        ("`--mediator` (sandbox already running)", true),
        ("sandbox in the same process", false),
    ] {
        let data = dir.path().join(if with_mediator {
            "mediated"
        } else {
            "inprocess"
        });
        let first = start(&data, with_mediator);
        let mut times: Vec<Duration> = (0..STARTS).map(|_| start(&data, with_mediator)).collect();
        let (median, min, max) = median_ms(&mut times);
        rows.push(format!(
            "| {label} | {median:.1} | {min:.1} | {max:.1} | {:.1} |",
            first.as_secs_f64() * 1e3
        ));
    }
    println!(
        "\n### Start-up of `quickwin serve {}` (spawn to first 200 on `/health`, {STARTS} starts)\n",
        blueprint.strip_prefix(root).unwrap_or(blueprint).display()
    );
    println!(
        "| configuration | median ms | min ms | max ms | first start ms (store, sandbox data created) |"
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    for row in rows {
        println!("{row}");
    }
    drop(sandbox);
}

/// The json-server command line (`node …/bin.js`), installed into a cache folder on the
/// first run; `Err` says why it is skipped.
fn json_server() -> Result<(String, PathBuf), String> {
    let npm_found = Command::new("npm")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !npm_found {
        return Err("npm not found".into());
    }
    let cache = std::env::temp_dir().join("quickwin-bench-json-server-0.17.4");
    let bin = cache.join("node_modules/json-server/lib/cli/bin.js");
    if !bin.exists() {
        let ok = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
            .arg(&cache)
            .arg(JSON_SERVER)
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok || !bin.exists() {
            return Err(format!("`npm install {JSON_SERVER}` failed"));
        }
    }
    Ok(("node".into(), bin))
}

fn main() {
    if let Ok(store) = std::env::var("QUICKWIN_BENCH_BASELINE") {
        let port = std::env::var("QUICKWIN_BENCH_BASELINE_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .expect("QUICKWIN_BENCH_BASELINE_PORT");
        serve_baseline(Path::new(&store), port);
        return;
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_quickwin"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let blueprint = root.join("blueprints/social-welfare.yaml");
    println!("quickwin binary: {}", bin.display());
    println!(
        "cores: {}",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    println!(
        "load: {CONNECTIONS} keep-alive HTTP/1.1 connections on 127.0.0.1, {} s warm-up, {} s measured",
        WARM_UP.as_secs(),
        MEASURE.as_secs()
    );

    startup(&bin, root, &blueprint);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = TempDir::new("load");
    let mut submits = Vec::new();
    let mut reads = Vec::new();
    let mut notes = Vec::new();

    runtime.block_on(async {
        // quickwin serve, with the sandbox in the same process (the default).
        let port = free_port();
        let sandbox = free_port();
        let mut serve = Proc::spawn(
            "quickwin serve",
            {
                let mut c = Command::new(&bin);
                c.arg("serve")
                    .arg(&blueprint)
                    .arg("--port")
                    .arg(port.to_string())
                    .arg("--sandbox-port")
                    .arg(sandbox.to_string())
                    .arg("--data")
                    .arg(dir.path().join("quickwin"))
                    .arg("--no-watch")
                    // The load comes from one address (loopback), thousands of
                    // submissions a second: the per-client limits a service sets for
                    // citizens would measure the guard, not the service.
                    .arg("--guard")
                    .arg("submissions=1000000000/1ms,uploads=1000000000/1ms,sms-per-phone=1000000000/1ms");
                c
            },
            dir.path().join("quickwin.log"),
        );
        tokio::task::block_in_place(|| wait_ready(&mut serve, port, "/health", Instant::now()));
        let answers = application(sandbox, &dir.path().join("quickwin").join("sandbox")).await;
        println!(
            "\napplicant: {} ({}), household of {}",
            answers["applicant_national_id"],
            answers["applicant_full_name"],
            answers["household"].as_array().map_or(0, Vec::len) + 1
        );
        let body = Bytes::from(serde_json::to_vec(&answers).expect("JSON"));
        let pool = submit_pool(port, "/api/applications", &body, POOL, |v| {
            Some(Submitted {
                path: format!("/api/applications/{}", v["tracking"].as_str()?),
                code: v["access_code"].as_str()?.to_string(),
            })
        })
        .await;
        let (status, view) = call(
            port,
            get_with(port, &pool[0].path, &[("x-access-code", &pool[0].code)]),
        )
        .await
        .expect("read");
        assert!(status.is_success(), "read answered {status}: {view}");
        drain(port).await;
        reads.push(Row {
            tool: "quickwin serve".into(),
            stats: Some(load(port, read_load(port, pool)).await),
            note: String::new(),
        });
        serve.check_running();
        let stats = load(port, submit_load(port, "/api/applications", body.clone())).await;
        let submitted = stats.latencies.len();
        let (took, left) = drain(port).await;
        notes.push(format!(
            "quickwin: the outbox had sent the SMS queued by the submission load ({submitted} measured submissions) {:.1} s after the load ended ({left} left)",
            took.as_secs_f64()
        ));
        submits.push(Row {
            tool: "quickwin serve (social-welfare, registry call via mediator)".into(),
            stats: Some(stats),
            note: String::new(),
        });
        serve.check_running();
        drop(serve);

        // The baseline, in a process of its own.
        let port = free_port();
        let mut baseline = Proc::spawn(
            "baseline",
            {
                let mut c = Command::new(std::env::current_exe().expect("this program"));
                c.env("QUICKWIN_BENCH_BASELINE", dir.path().join("baseline.db"))
                    .env("QUICKWIN_BENCH_BASELINE_PORT", port.to_string());
                c
            },
            dir.path().join("baseline.log"),
        );
        tokio::task::block_in_place(|| wait_ready(&mut baseline, port, "/health", Instant::now()));
        let pool = submit_pool(port, "/api/applications", &body, POOL, |v| {
            Some(Submitted {
                path: format!("/api/applications/{}", v["tracking"].as_str()?),
                code: v["access_code"].as_str()?.to_string(),
            })
        })
        .await;
        reads.insert(
            0,
            Row {
                tool: "baseline (axum + rusqlite)".into(),
                stats: Some(load(port, read_load(port, pool)).await),
                note: String::new(),
            },
        );
        submits.insert(
            0,
            Row {
                tool: "baseline (axum + rusqlite)".into(),
                stats: Some(load(port, submit_load(port, "/api/applications", body.clone())).await),
                note: String::new(),
            },
        );

        // json-server.
        let tool = "json-server 0.17.4";
        match tokio::task::block_in_place(json_server) {
            Err(why) => {
                println!("json-server: skipped ({why})");
                for rows in [&mut submits, &mut reads] {
                    rows.push(Row {
                        tool: tool.into(),
                        stats: None,
                        note: format!("skipped ({why})"),
                    });
                }
            }
            Ok((node, script)) => {
                let db = dir.path().join("db.json");
                std::fs::write(&db, r#"{"applications": []}"#).expect("db.json");
                let port = free_port();
                let mut server = Proc::spawn(
                    "json-server",
                    {
                        let mut c = Command::new(node);
                        c.arg(script)
                            .args(["--quiet", "--host", "127.0.0.1", "--port"])
                            .arg(port.to_string())
                            .arg(&db)
                            .current_dir(dir.path());
                        c
                    },
                    dir.path().join("json-server.log"),
                );
                tokio::task::block_in_place(|| {
                    wait_ready(&mut server, port, "/applications", Instant::now())
                });
                let pool = submit_pool(port, "/applications", &body, POOL, |v| {
                    Some(Submitted {
                        path: format!("/applications/{}", v["id"]),
                        code: String::new(),
                    })
                })
                .await;
                reads.push(Row {
                    tool: tool.into(),
                    stats: Some(load(port, read_load(port, pool)).await),
                    note: String::new(),
                });
                submits.push(Row {
                    tool: tool.into(),
                    stats: Some(load(port, submit_load(port, "/applications", body.clone())).await),
                    note: String::new(),
                });
                server.check_running();
            }
        }
    });

    print_table("Submissions (`POST`, social-welfare application)", &submits);
    print_table(
        "Status reads (`GET` by tracking number with the access code)",
        &reads,
    );
    println!();
    for note in notes {
        println!("{note}");
    }
}
