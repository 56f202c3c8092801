//! A new team's first steps against the sandbox, with the real binary: a service served
//! against a standalone `quickwin sandbox` that has not granted it any rights is told
//! apart from an agency answering no, says which right is missing and how to grant it,
//! and works once `quickwin sandbox grant` has run, without a restart; the serve banner's
//! web pages; `quickwin audit verify` finding the log of a served blueprint.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{free_port, http, root, scratch, stderr, stdout};

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn quickwin_in(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the quickwin binary runs")
}

/// `quickwin sandbox grant FILE --data DATA` (with `extra` arguments), run in `dir`.
fn grant(dir: &Path, file: &Path, data: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "sandbox",
        "grant",
        file.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    quickwin_in(dir, &args)
}

/// `quickwin serve FILE` against the standalone sandbox on `sandbox_port`, its data in
/// `DIR/service`.
fn serve_against(dir: &Path, file: &Path, sandbox_port: u16) -> Served {
    let mediator = format!("http://127.0.0.1:{sandbox_port}");
    serve(
        dir,
        file,
        &[
            "--mediator",
            &mediator,
            "--data",
            dir.join("service").to_str().unwrap(),
        ],
    )
}

/// `quickwin sandbox` on a free port with its data in `data`.
fn sandbox(data: &Path) -> (Running, u16) {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .args(["sandbox", "--port", &port.to_string(), "--data"])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the sandbox starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap().starts_with("  try:") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    (Running(child), port)
}

/// A served blueprint: its process, port, banner and what it wrote to standard error.
struct Served {
    _child: Running,
    port: u16,
    banner: String,
    stderr: Arc<Mutex<String>>,
}

impl Served {
    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Wait until standard error holds `text`.
    fn wait_for(&self, text: &str) -> String {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            let said = self.stderr();
            if said.contains(text) || Instant::now() > until {
                return said;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn submit(&self, answers: &Value, language: &str) -> (u16, Value) {
        let (status, body) = http(
            self.port,
            "POST",
            "/api/applications",
            &[("Accept-Language", language)],
            &answers.to_string(),
        );
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    /// The submission example of the service's OpenAPI document.
    fn example(&self) -> Value {
        let (status, doc) = http(self.port, "GET", "/openapi.json", &[], "");
        assert_eq!(status, 200);
        let doc: Value = serde_json::from_str(&doc).unwrap();
        doc["paths"]["/api/applications"]["post"]["requestBody"]["content"]["application/json"]
            ["example"]
            .clone()
    }
}

/// `quickwin serve FILE` in `cwd` with `extra` flags, reading its banner.
fn serve(cwd: &Path, file: &Path, extra: &[&str]) -> Served {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .arg("serve")
        .arg(file)
        .args(["--port", &port.to_string(), "--no-watch"])
        .args(extra)
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("quickwin serve starts");
    let said = Arc::new(Mutex::new(String::new()));
    let mut err = child.stderr.take().unwrap();
    let sink = said.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = err.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut banner = String::new();
    let mut blank = 0;
    for line in lines.by_ref() {
        let line = line.unwrap();
        blank += usize::from(line.is_empty());
        banner.push_str(&line);
        banner.push('\n');
        // The banner ends with a blank line after the pages (and the demo accounts).
        let wanted = if extra.contains(&"--demo") { 3 } else { 2 };
        if blank == wanted {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    assert!(
        banner.contains("listening on"),
        "no banner: {banner}\n{}",
        said.lock().unwrap()
    );
    Served {
        _child: Running(child),
        port,
        banner,
        stderr: said,
    }
}

/// The birth-certificate pilot under a subsystem that no default right names, as a new
/// team's blueprint is.
fn new_team_blueprint(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join("blueprints/birth-certificate.yaml")).unwrap();
    let text = text.replace(
        "interop: IQ/GOV/MOI/civil-status/birth-certificate",
        "interop: IQ/GOV/MOI/new-team/birth-certificate",
    );
    let file = dir.join("birth-certificate.yaml");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn without_rights_the_agency_cannot_be_reached_and_a_grant_applies_without_a_restart() {
    let dir = scratch("integrations-grant");
    let file = new_team_blueprint(&dir);
    let sandbox_data = dir.join("sandbox");
    let (_sandbox, sandbox_port) = sandbox(&sandbox_data);
    let s = serve_against(&dir, &file, sandbox_port);
    let access = sandbox_data.join("access.yaml");
    let command = format!(
        "quickwin sandbox grant {} --data {}",
        file.display(),
        std::path::absolute(&sandbox_data).unwrap().display()
    );
    // At start: the missing rights and the command that grants them.
    let said = s.wait_for("does not grant");
    assert!(
        said.contains(
            "does not grant `IQ/GOV/MOI/new-team` the right to call `IQ/GOV/CBI/payments/payments`, `IQ/GOV/MOC/notify/messages`, `IQ/GOV/MOH/births/notifications`, `IQ/GOV/MOI/civil-registry/persons`"
        ) && said.contains(&command),
        "{said}"
    );
    // The mediator refuses the call: the applicant is told the ministry cannot be
    // reached, not that the notification does not exist.
    let example = s.example();
    let (status, body) = s.submit(&example, "en");
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["type"], "IntegrationUnavailable", "{body}");
    assert_eq!(
        body["message"],
        "The service cannot reach “Ministry of Health birth notification” now; nothing was sent. Try again later."
    );
    let (status, body) = s.submit(&example, "ar");
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        body["message"],
        "لا تستطيع الخدمة الوصول إلى «تبليغ الولادة من وزارة الصحة» الآن، ولم يُرسَل أي شيء. حاول مرة أخرى لاحقاً."
    );
    // The first refusal names the right and the command.
    let said = s.wait_for("denies");
    assert!(
        said.contains(
            "denies `IQ/GOV/MOI/new-team` the right to call `IQ/GOV/MOH/births/notifications`"
        ) && said.matches("denies").count() == 1,
        "{said}"
    );
    // The dry run prints, and writes nothing.
    let before = std::fs::read_to_string(&access).unwrap();
    let dry = grant(&dir, &file, &sandbox_data, &["--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains(
            "missing  `IQ/GOV/MOI/new-team` may call `IQ/GOV/MOH/births/notifications`"
        ) && stdout(&dry).contains(
            "missing  `IQ/GOV/MOE/schools` may call `IQ/GOV/MOI/new-team/birth-certificate-status`"
        ),
        "{}",
        stdout(&dry)
    );
    assert_eq!(std::fs::read_to_string(&access).unwrap(), before);
    // The grant adds them, keeping the file's comments; a second grant changes nothing.
    let granted = grant(&dir, &file, &sandbox_data, &[]);
    assert!(granted.status.success(), "{}", stderr(&granted));
    assert!(
        stdout(&granted).starts_with("added 6 rights for `birth-certificate`"),
        "{}",
        stdout(&granted)
    );
    let after = std::fs::read_to_string(&access).unwrap();
    assert!(after.starts_with(&before), "{after}");
    assert!(
        after.contains("# granted for `birth-certificate` by quickwin sandbox grant"),
        "{after}"
    );
    let again = grant(&dir, &file, &sandbox_data, &[]);
    assert!(
        stdout(&again).contains("nothing changed"),
        "{}",
        stdout(&again)
    );
    assert_eq!(std::fs::read_to_string(&access).unwrap(), after);
    // The running sandbox applies it: the same submission goes through.
    let (status, body) = s.submit(&example, "en");
    assert_eq!(status, 201, "{body}");
}

#[test]
fn a_real_no_of_the_agency_keeps_the_blueprints_failure_message() {
    let dir = scratch("integrations-negative");
    let file = new_team_blueprint(&dir);
    let sandbox_data = dir.join("sandbox");
    let granted = grant(&dir, &file, &sandbox_data, &[]);
    assert!(granted.status.success(), "{}", stderr(&granted));
    let (_sandbox, sandbox_port) = sandbox(&sandbox_data);
    let s = serve_against(&dir, &file, sandbox_port);
    let mut unknown = s.example();
    unknown["notification_number"] = json!("BN-1999-999999");
    let (status, body) = s.submit(&unknown, "en");
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["type"], "IntegrationFailed");
    assert_eq!(
        body["message"],
        "We could not find this birth notification. Check the number on the hospital paper."
    );
    assert!(!s.stderr().contains("does not grant"), "{}", s.stderr());
}

#[test]
fn the_serve_banner_lists_the_web_pages_and_keeps_its_columns_with_long_role_names() {
    let dir = scratch("integrations-banner");
    let text = std::fs::read_to_string(root().join("blueprints/birth-certificate.yaml")).unwrap();
    let file = dir.join("birth-certificate.yaml");
    std::fs::write(
        &file,
        text.replace("registrar", "civil_status_registrar_of_births"),
    )
    .unwrap();
    let sandbox_port = free_port();
    let s = serve(
        &dir,
        &file,
        &["--sandbox-port", &sandbox_port.to_string(), "--demo"],
    );
    let mut banner = s
        .banner
        .replace(&format!(":{}", s.port), ":PORT")
        .replace(&format!(":{sandbox_port}"), ":SANDBOX");
    // What changes from run to run: the start-up time and the passwords.
    banner = banner
        .lines()
        .map(|l| {
            let l = match l.find("(ready in") {
                Some(i) => format!("{}(ready in … ms)", &l[..i]),
                None => l.to_string(),
            };
            match l.find("password `") {
                Some(i) => format!("{}password `…`", &l[..i]),
                None => l,
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("serve-banner", banner);
}

#[test]
fn audit_verify_without_data_checks_the_log_of_a_served_blueprint() {
    let dir = scratch("integrations-audit");
    let none = quickwin_in(&dir, &["audit", "verify"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(
        stderr(&none).contains("`.quickwin/<id>/sandbox/messagelog.db` (`quickwin serve`)"),
        "{}",
        stderr(&none)
    );
    let file = root().join("blueprints/birth-certificate.yaml");
    let sandbox_port = free_port();
    let s = serve(&dir, &file, &["--sandbox-port", &sandbox_port.to_string()]);
    // One call through the mediator, so the log has an entry.
    let (status, body) = s.submit(&s.example(), "en");
    assert_eq!(status, 201, "{body}");
    let verified = quickwin_in(&dir, &["audit", "verify"]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert!(
        stdout(&verified).contains(
            "ok: the message log `.quickwin/birth-certificate/sandbox/messagelog.db` is intact"
        ),
        "{}",
        stdout(&verified)
    );
}
