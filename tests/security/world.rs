//! A sandbox, or a served blueprint with its sandbox, started as the binary, on loopback.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::support::{free_port, http};

/// A running `quickwin sandbox` or `quickwin serve`, stopped when dropped.
pub struct Running {
    child: Child,
    /// The sandbox's port (the mediator, the registry, the log).
    pub sandbox: u16,
    /// The service's port, when a blueprint is served.
    pub port: u16,
    /// The sandbox's data folder.
    pub data: PathBuf,
    /// What it printed at start.
    pub banner: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_banner(mut child: Child, until: &str) -> (Child, String) {
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut banner = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.starts_with(until) {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    assert!(banner.contains("listening on"), "no banner: {banner}");
    (child, banner)
}

/// `quickwin sandbox` with its data in `data`.
pub fn sandbox(data: &Path) -> Running {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .args([
            "sandbox",
            "--port",
            &port.to_string(),
            "--seed",
            "3",
            "--data",
        ])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the sandbox starts");
    let (child, banner) = read_banner(child, "  try:");
    Running {
        child,
        sandbox: port,
        port: 0,
        data: data.to_path_buf(),
        banner,
    }
}

/// `quickwin serve BLUEPRINT` with its data in `data` and its sandbox in the process.
pub fn serve(blueprint: &str, data: &Path) -> Running {
    let (port, sandbox) = (free_port(), free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .args([
            "serve",
            blueprint,
            "--port",
            &port.to_string(),
            "--sandbox-port",
            &sandbox.to_string(),
            "--no-watch",
            "--data",
        ])
        .arg(data)
        .current_dir(crate::support::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("quickwin serve starts");
    let (child, banner) = read_banner(child, "  metrics");
    Running {
        child,
        sandbox,
        port,
        data: data.join("sandbox"),
        banner,
    }
}

impl Running {
    /// The administrator's key.
    pub fn admin_key(&self) -> String {
        std::fs::read_to_string(self.data.join("admin.key"))
            .unwrap()
            .trim()
            .to_string()
    }

    /// A request to the sandbox, with its JSON answer.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, Value) {
        let (status, text) = http(self.sandbox, method, path, headers, body);
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// `Authorization: Bearer KEY` of `client`; a binary from before member keys
    /// (`quickwin sandbox member add` unknown) gets a header it ignores, so that a test
    /// run against it fails for its finding, not for want of a key.
    pub fn bearer(&self, client: &str) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_quickwin"))
            .args(["sandbox", "member", "add", client, "--data"])
            .arg(&self.data)
            .output()
            .unwrap();
        let key = String::from_utf8(out.stdout).unwrap_or_default();
        format!("Bearer {}", key.trim())
    }

    /// A mock agency's record, `/r1/IQ/GOV/…`, read through the mediator as the
    /// administrator. (A sandbox from before issue 17 has no administrator's key and
    /// serves its agencies directly under `/mock/…`: the setup reads them there, so that
    /// a test run against it fails for its finding.)
    pub fn admin_get(&self, path: &str) -> Value {
        let (status, body) = if self.data.join("admin.key").exists() {
            let bearer = format!("Bearer {}", self.admin_key());
            self.call(
                "GET",
                path,
                &[
                    ("X-Road-Client", "IQ/GOV/SANDBOX/admin"),
                    ("Authorization", &bearer),
                ],
                "",
            )
        } else {
            let direct = path.replacen("/r1/IQ/GOV/", "/mock/", 1);
            self.call("GET", &direct, &[], "")
        };
        assert_eq!(status, 200, "{path}: {body}");
        body
    }

    /// The newest entries of the message log, newest first.
    pub fn log(&self) -> Vec<Value> {
        let (status, body) = self.call("GET", "/mediator/messages.json?limit=500", &[], "");
        assert_eq!(status, 200);
        body["items"]
            .as_array()
            .or_else(|| body.as_array())
            .cloned()
            .unwrap_or_default()
    }

    /// A national id of the civil registry.
    pub fn person(&self) -> String {
        let page = self.admin_get("/r1/IQ/GOV/MOI/civil-registry/persons/persons?page_size=1");
        page["items"][0]["national_id"]
            .as_str()
            .unwrap()
            .to_string()
    }
}
