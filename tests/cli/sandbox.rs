//! `quickwin sandbox` as a user runs it: start, restart, reset, a kill -9 under load, and
//! `quickwin audit verify` on the log it leaves.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::served::member_key;
use crate::support::{free_port, http, quickwin, scratch, stdout};

struct Sandbox {
    child: Child,
    port: u16,
    banner: String,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start the sandbox and wait for its banner.
fn start(data: &Path, extra: &[&str]) -> Sandbox {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .args([
            "sandbox",
            "--port",
            &port.to_string(),
            "--data",
            data.to_str().unwrap(),
            "--seed",
            "3",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sandbox starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut banner = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.starts_with("  try:") {
            break;
        }
    }
    // Keep draining so the sandbox never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    assert!(banner.contains("listening on"), "no banner: {banner}");
    Sandbox {
        child,
        port,
        banner,
    }
}

fn first_person(port: u16, data: &Path) -> String {
    let (status, body) = crate::served::admin_read(
        port,
        data,
        "/mock/MOI/civil-registry/persons/persons?page_size=1",
    );
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    json["items"][0]["national_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn starts_keeps_its_data_and_resets() {
    let dir = scratch("sandbox-restart");
    let first = start(&dir, &[]);
    assert!(
        first.banner.contains("created the data from seed 3"),
        "{}",
        first.banner
    );
    assert!(
        first
            .banner
            .contains("/r1/{INSTANCE}/{CLASS}/{MEMBER}/{SUBSYSTEM}/{SERVICE}/{path}")
    );
    assert!(first.banner.contains("IQ/GOV/MOI/civil-registry/persons"));
    assert_eq!(http(first.port, "GET", "/health", &[], "").0, 200);
    let person = first_person(first.port, &dir);
    let path = format!("/r1/IQ/GOV/MOI/civil-registry/persons/persons/{person}");
    let key = format!("Bearer {}", member_key(&dir, "IQ/GOV/MOI/civil-status"));
    let (status, body) = http(
        first.port,
        "GET",
        &path,
        &[
            ("X-Road-Client", "IQ/GOV/MOI/civil-status"),
            ("X-Road-Issue", "BC-2026-000007"),
            ("Authorization", &key),
        ],
        "",
    );
    assert_eq!(status, 200, "{body}");
    let (denied, _) = http(
        first.port,
        "GET",
        &path,
        &[
            ("X-Road-Client", "IQ/GOV/MOJ/courts"),
            (
                "Authorization",
                &format!("Bearer {}", member_key(&dir, "IQ/GOV/MOJ/courts")),
            ),
        ],
        "",
    );
    assert_eq!(denied, 403);
    let (_, page) = http(
        first.port,
        "GET",
        "/mediator/messages?issue=BC-2026-000007",
        &[],
        "",
    );
    assert!(page.contains("BC-2026-000007") && page.contains("IQ/GOV/MOI/civil-status"));
    drop(first);

    let second = start(&dir, &[]);
    assert!(second.banner.contains("kept the data"), "{}", second.banner);
    assert_eq!(first_person(second.port, &dir), person);
    let (_, log) = http(second.port, "GET", "/mediator/messages.json", &[], "");
    assert!(log.contains("BC-2026-000007"), "the log survives a restart");
    drop(second);

    let third = start(&dir, &["--reset"]);
    assert!(
        third.banner.contains("created the data"),
        "{}",
        third.banner
    );
    let (_, log) = http(third.port, "GET", "/mediator/messages.json", &[], "");
    assert!(!log.contains("BC-2026-000007"), "--reset empties the log");
}

#[test]
fn a_kill_under_load_loses_no_answered_call_and_audit_verify_catches_an_edit() {
    let dir = scratch("sandbox-kill");
    let mut sandbox = start(&dir, &[]);
    let port = sandbox.port;
    let person = first_person(port, &dir);
    let answered = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    let key = format!("Bearer {}", member_key(&dir, "IQ/GOV/MOI/civil-status"));
    for w in 0..8 {
        let answered = answered.clone();
        let key = key.clone();
        let stop = stop.clone();
        let path = format!("/r1/IQ/GOV/MOI/civil-registry/persons/persons/{person}");
        workers.push(std::thread::spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) && i < 5000 {
                let id = format!("kill-{w}-{i}");
                let (status, _) = http(
                    port,
                    "GET",
                    &path,
                    &[
                        ("X-Road-Client", "IQ/GOV/MOI/civil-status"),
                        ("X-Road-Id", &id),
                        ("Authorization", &key),
                    ],
                    "",
                );
                if status == 200 {
                    answered.lock().unwrap().push(id);
                }
                i += 1;
            }
        }));
    }
    let started = Instant::now();
    while answered.lock().unwrap().len() < 200 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    sandbox.child.kill().expect("kill -9");
    let _ = sandbox.child.wait();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    assert!(
        answered.len() >= 200,
        "only {} calls answered before the kill",
        answered.len()
    );

    let data = dir.to_str().unwrap();
    let verify = quickwin(&["audit", "verify", "--data", data]);
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));
    let conn = rusqlite::Connection::open(dir.join("messagelog.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT 1 FROM messages WHERE message_id = ?1")
        .unwrap();
    for id in &answered {
        assert!(
            stmt.exists([id]).unwrap(),
            "answered call `{id}` is missing from the log"
        );
    }
    drop(stmt);
    // A hand edit of one row is found and named.
    conn.execute_batch("DROP TRIGGER messages_no_update; UPDATE messages SET client = 'IQ/GOV/MOE/schools' WHERE seq = 17;").unwrap();
    drop(conn);
    let broken = quickwin(&["audit", "verify", "--data", data]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        stdout(&broken).contains("fails at entry 17"),
        "{}",
        stdout(&broken)
    );
    let missing = quickwin(&["audit", "verify", "--data", "no/such/dir"]);
    assert_eq!(missing.status.code(), Some(2));
}
