//! Running the binary from the repository root, and reading the catalogue.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// The repository root (where `blueprints/` is).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Run `quickwin ARGS` in the repository root.
pub fn quickwin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the quickwin binary runs")
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The catalogue blueprint files, sorted, as paths relative to the root.
pub fn catalogue() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("blueprints"))
        .expect("blueprints/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.strip_prefix(root()).expect("under root").to_path_buf())
        .collect();
    files.sort();
    files
}

/// A fresh empty folder under the target dir for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A minimal HTTP/1.1 request; returns the status and the body (status 0 when nothing
/// answers, as after the kill). Every answer is held to its document ([`contract`]): a
/// served blueprint's `/openapi.json`, or a mock agency's document for a call through
/// the mediator; a mismatch fails the test, naming the operation and the JSON pointer.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let (status, content_type, raw) = exchange(port, method, path, headers, body);
    if status != 0 {
        contract::hold(port, method, path, status, &content_type, &raw);
    }
    // Pages escape `/` in HTML; read them as a person would.
    let text = String::from_utf8_lossy(&raw).replace("&#x2F;", "/");
    (status, text)
}

/// One request as it went: the status, the answer's headers and its body as sent
/// (status 0 when nothing answers).
pub fn exchange(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return (0, Vec::new(), Vec::new());
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    let typed = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    if !body.is_empty() && !typed {
        request.push_str("Content-Type: application/json\r\n");
    }
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    if stream.write_all(request.as_bytes()).is_err() {
        return (0, Vec::new(), Vec::new());
    }
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let answer_headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut raw = response[(split + 4).min(response.len())..].to_vec();
    let chunked = answer_headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        raw = unchunk(&raw);
    }
    (status, answer_headers, raw)
}

/// The body of a chunked answer.
fn unchunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = raw.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&raw[..end])
                .split(';')
                .next()
                .unwrap_or("")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = end + 2;
        out.extend_from_slice(&raw[start..(start + size).min(raw.len())]);
        raw = &raw[(start + size + 2).min(raw.len())..];
    }
}

/// The documents answers are held to, fetched from the servers under test.
pub mod contract {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    use std::time::{Duration, Instant};

    use quickwin_runtime::openapi::contract::Contract;
    use serde_json::Value;

    /// What a port serves, as last seen: a service's document, or none (the sandbox).
    type Seen = (Instant, Option<Arc<Contract>>);

    fn cache() -> &'static Mutex<HashMap<u16, Seen>> {
        static CACHE: OnceLock<Mutex<HashMap<u16, Seen>>> = OnceLock::new();
        CACHE.get_or_init(Mutex::default)
    }

    /// The mock agencies' documents, by service id.
    fn agencies() -> &'static HashMap<String, Arc<Contract>> {
        static DOCS: OnceLock<HashMap<String, Arc<Contract>>> = OnceLock::new();
        DOCS.get_or_init(|| {
            let dir = super::root().join("sandbox/openapi");
            let mut docs = HashMap::new();
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.extension().is_none_or(|e| e != "json") {
                    continue;
                }
                let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                if let Some(id) = doc["info"]["x-quickwin-service-id"].as_str() {
                    docs.insert(id.to_string(), Arc::new(Contract::new(doc.clone())));
                }
            }
            docs
        })
    }

    /// The document served at `port` now (none when it serves none).
    fn fetch(port: u16) -> Option<Arc<Contract>> {
        let (status, _, raw) = super::exchange(port, "GET", "/openapi.json", &[], "");
        if status != 200 {
            return None;
        }
        let doc: Value = serde_json::from_slice(&raw).ok()?;
        doc.get("paths")?;
        Some(Arc::new(Contract::new(doc)))
    }

    fn served(port: u16, fresh: bool) -> Option<Arc<Contract>> {
        let mut seen = cache().lock().unwrap_or_else(|e| e.into_inner());
        if !fresh {
            if let Some((at, c)) = seen.get(&port) {
                if at.elapsed() < Duration::from_secs(1) {
                    return c.clone();
                }
            }
        }
        drop(seen);
        let c = fetch(port);
        seen = cache().lock().unwrap_or_else(|e| e.into_inner());
        seen.insert(port, (Instant::now(), c.clone()));
        c
    }

    /// Fail the test when an answer does not match its document.
    pub fn hold(
        port: u16,
        method: &str,
        path: &str,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) {
        let media = headers
            .iter()
            .find(|(k, _)| k == "content-type")
            .map(|(_, v)| v.as_str());
        // A call through the mediator to a mock agency: the agency's document, which
        // lists the mediator's own errors (`X-Road-Error`) on every operation too.
        if let Some(rest) = path.strip_prefix("/r1/") {
            let id: Vec<&str> = rest.splitn(6, '/').collect();
            if id.len() >= 5 {
                let service = id[..5].join("/");
                if let Some(c) = agencies().get(&service) {
                    let inner = format!("/{}", id.get(5).copied().unwrap_or(""));
                    if let Err(m) = c.check(method, &inner, status, media, body) {
                        panic!(
                            "{method} {path} -> {status}: {m}\n{}",
                            String::from_utf8_lossy(body)
                        );
                    }
                }
            }
            return;
        }
        // Only the API, `/health` and `/metrics` are documented; pages are not.
        let bare = path.split('?').next().unwrap_or(path);
        if !(bare.contains("/api/") || bare.ends_with("/health") || bare.ends_with("/metrics")) {
            return;
        }
        let Some(c) = served(port, false) else {
            return;
        };
        if c.check(method, path, status, media, body).is_err() {
            // The document may have changed since it was read (a live reload): read it again.
            if let Some(fresh) = served(port, true) {
                if let Err(m) = fresh.check(method, path, status, media, body) {
                    panic!(
                        "{method} {path} -> {status}: {m}\n{}",
                        String::from_utf8_lossy(body)
                    );
                }
            }
        }
    }
}
