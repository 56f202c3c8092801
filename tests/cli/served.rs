//! A running `quickwin serve` (or a generated project's service with its own sandbox)
//! for end-to-end tests: started as the binary on free loopback ports, its banner and
//! demo passwords read, and the calls every scenario makes — the API, a staff session,
//! the mock agencies read through the mediator as the sandbox's administrator, a call as
//! another agency with its key. Shared by the `cli` and `security` test targets.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::support::{free_port, http};

/// A running `quickwin serve`, or a generated project's service with its sandbox.
pub(crate) struct Served {
    pub(crate) child: Child,
    /// A sandbox of its own (for a generated project's service), stopped after it.
    pub(crate) sandbox_child: Option<Child>,
    pub(crate) port: u16,
    pub(crate) sandbox: u16,
    /// The sandbox's data folder (its keys are there).
    pub(crate) sandbox_data: PathBuf,
    /// Demo account passwords by account name.
    pub(crate) passwords: BTreeMap<String, String>,
    /// What it printed at start, up to its demo accounts.
    pub(crate) banner: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(mut sandbox) = self.sandbox_child.take() {
            let _ = sandbox.kill();
            let _ = sandbox.wait();
        }
    }
}

/// Serve `blueprint` (relative to the repository root) with its data in `data`.
pub(crate) fn serve(blueprint: &str, data: &Path) -> Served {
    serve_with(blueprint, data, &[])
}

/// Serve `blueprint` as [`serve`] does, with more arguments.
pub(crate) fn serve_with(blueprint: &str, data: &Path, more: &[&str]) -> Served {
    serve_env(blueprint, data, more, &[])
}

/// Serve `blueprint` as [`serve_with`] does, with more environment variables (e.g. the
/// guard's settings in `QUICKWIN_GUARD`, as an operator sets them).
pub(crate) fn serve_env(
    blueprint: &str,
    data: &Path,
    more: &[&str],
    env: &[(&str, &str)],
) -> Served {
    let (port, sandbox) = (free_port(), free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .args([
            "serve",
            blueprint,
            "--port",
            &port.to_string(),
            "--sandbox-port",
            &sandbox.to_string(),
            "--data",
            data.to_str().unwrap(),
            "--demo",
            "--no-watch",
        ])
        .args(more)
        .envs(env.iter().copied())
        .current_dir(crate::support::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("quickwin serve starts");
    started(child, None, port, sandbox, data.join("sandbox"))
}

/// GET a mock agency's `/mock/MEMBER/SUBSYSTEM/SERVICE/…` through the mediator of the
/// sandbox on `port` with data in `data`, as its administrator (a trainer) reads it.
pub(crate) fn admin_read(port: u16, data: &Path, path: &str) -> (u16, String) {
    let rest = path.strip_prefix("/mock/").expect("a mock agency's path");
    let admin = std::fs::read_to_string(data.join("admin.key")).unwrap();
    http(
        port,
        "GET",
        &format!("/r1/IQ/GOV/{rest}"),
        &[
            ("X-Road-Client", "IQ/GOV/SANDBOX/admin"),
            ("Authorization", &format!("Bearer {}", admin.trim())),
        ],
        "",
    )
}

/// The key of `client` in the sandbox whose data are in `data`, issued as its
/// administrator would (`quickwin sandbox member add`).
pub(crate) fn member_key(data: &Path, client: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .args(["sandbox", "member", "add", client, "--data"])
        .arg(data)
        .output()
        .expect("quickwin sandbox member add runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Read a started service's banner up to its demo accounts.
pub(crate) fn started(
    mut child: Child,
    sandbox_child: Option<Child>,
    port: u16,
    sandbox: u16,
    sandbox_data: PathBuf,
) -> Served {
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut passwords = BTreeMap::new();
    let mut banner = String::new();
    let mut in_demo = false;
    for line in lines.by_ref() {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.contains("demo accounts") {
            in_demo = true;
        } else if in_demo && line.trim().is_empty() {
            break;
        } else if in_demo {
            let quoted: Vec<&str> = line.split('`').collect();
            if quoted.len() >= 4 {
                passwords.insert(quoted[1].to_string(), quoted[3].to_string());
            }
        }
    }
    std::thread::spawn(move || for _ in lines {});
    let served = Served {
        child,
        sandbox_child,
        port,
        sandbox,
        sandbox_data,
        passwords,
        banner,
    };
    assert!(
        served.banner.contains("listening on"),
        "no banner: {}",
        served.banner
    );
    assert!(
        !served.passwords.is_empty(),
        "no demo accounts: {}",
        served.banner
    );
    served
}

impl Served {
    pub(crate) fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> (u16, Value) {
        let text = if body.is_null() {
            String::new()
        } else {
            body.to_string()
        };
        let (status, body) = http(self.port, method, path, headers, &text);
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    /// A bearer header for the demo account of `role`.
    pub(crate) fn staff(&self, role: &str) -> String {
        let name = format!("demo.{}", role.replace('_', "-"));
        let password = &self.passwords[&name];
        let (status, body) = self.call(
            "POST",
            "/api/session",
            &[],
            &json!({"name": name, "password": password}),
        );
        assert_eq!(status, 201, "{body}");
        format!("Bearer {}", body["token"].as_str().unwrap())
    }

    /// A mock agency's record, read through the mediator as the sandbox's administrator
    /// (a trainer) reads it: `/mock/MEMBER/SUBSYSTEM/SERVICE/…` names the service and path.
    pub(crate) fn agency(&self, path: &str) -> Value {
        let (status, body) = self.agency_raw(path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    /// [`Served::agency`]'s status and body, whatever the status.
    pub(crate) fn agency_raw(&self, path: &str) -> (u16, String) {
        admin_read(self.sandbox, &self.sandbox_data, path)
    }

    /// GET `path` on the mediator as the client subsystem `client`, with its key.
    pub(crate) fn mediated(&self, path: &str, client: &str) -> (u16, String) {
        let key = member_key(&self.sandbox_data, client);
        http(
            self.sandbox,
            "GET",
            path,
            &[
                ("X-Road-Client", client),
                ("Authorization", &format!("Bearer {key}")),
            ],
            "",
        )
    }

    pub(crate) fn submit(&self, answers: &Value) -> (String, String) {
        let (status, body) = self.call("POST", "/api/applications", &[], answers);
        assert_eq!(status, 201, "{body}");
        (
            body["tracking"].as_str().unwrap().to_string(),
            body["access_code"].as_str().unwrap().to_string(),
        )
    }
}

/// The sandbox's people, for answers the agencies will recognise.
pub(crate) fn persons(s: &Served, page: u32) -> Vec<Value> {
    s.agency(&format!(
        "/mock/MOI/civil-registry/persons/persons?page_size=100&page={page}"
    ))["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Born before 2000.
pub(crate) fn adult(p: &Value) -> bool {
    p["date_of_birth"]
        .as_str()
        .is_some_and(|d| d < "2000-01-01")
}

/// A person of the registry `accept` takes for whom the sandbox's `query` (ending with
/// `=`, the person's national id appended) finds something: the person and the first.
pub(crate) fn find_with(
    s: &Served,
    query: &str,
    accept: impl Fn(&Value) -> bool,
) -> (Value, Value) {
    for page in 1..=30 {
        for p in persons(s, page).into_iter().filter(|p| accept(p)) {
            let id = p["national_id"].as_str().unwrap();
            let (status, body) = s.agency_raw(&format!("{query}{id}"));
            if status != 200 {
                continue;
            }
            let found: Value = serde_json::from_str(&body).unwrap();
            if let Some(first) = found["items"].as_array().and_then(|a| a.first()) {
                return (p, first.clone());
            }
        }
    }
    panic!("nobody in the registry has what `{query}` looks for")
}
