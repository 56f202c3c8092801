//! The workshop host over real HTTP on loopback: a class of teams served from one
//! process, their identities in the shared sandbox, their sessions kept apart, pushes
//! live at the next request, checks, the trainer's actions and exports, and the limits.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use quickwin_workshop::client::{Answer, Client};
use quickwin_workshop::host::{Host, Options, teams};
use tokio::task::JoinHandle;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// A host with its class, served on a loopback port.
struct Class {
    host: Host,
    url: String,
    passwords: BTreeMap<String, String>,
    trainer: String,
    _server: JoinHandle<()>,
}

async fn class(name: &str, members: &[(&str, &str)], tune: impl FnOnce(&mut Options)) -> Class {
    let data = std::env::temp_dir().join(format!("qw-host-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let mut passwords = BTreeMap::new();
    for (team, pilot) in members {
        let (_, p) = teams::add(&data, team, Some(pilot), &[], false).unwrap();
        passwords.insert(team.to_string(), p);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut opts = Options::new(&data, &url);
    opts.workshop = Some(root().join("workshops/iq-2012"));
    tune(&mut opts);
    let opened = tokio::task::spawn_blocking(move || Host::open(opts))
        .await
        .unwrap()
        .unwrap();
    let host = opened.host;
    let app = host.app();
    let server = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    Class {
        host,
        url,
        passwords,
        trainer: opened.trainer_password.unwrap(),
        _server: server,
    }
}

impl Class {
    async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: Option<&str>,
    ) -> Answer {
        let answer = Client::default()
            .send(
                method,
                &format!("{}{path}", self.url),
                headers,
                body.map(|b| b.as_bytes().to_vec()),
                Duration::from_secs(30),
            )
            .await
            .unwrap();
        // A team's service answers as its own document says, under the team's prefix.
        if let Some((service, _)) = path
            .split_once("/api/")
            .filter(|(s, _)| s.contains("/svc/"))
        {
            let doc = Client::default()
                .send(
                    "GET",
                    &format!("{}{service}/openapi.json", self.url),
                    &[],
                    None,
                    Duration::from_secs(30),
                )
                .await
                .unwrap();
            if doc.status == 200 {
                let contract = quickwin_runtime::openapi::contract::Contract::new(doc.json());
                if let Err(m) = contract.check(
                    method,
                    path,
                    answer.status,
                    answer.header("content-type"),
                    &answer.body,
                ) {
                    panic!(
                        "{method} {path} -> {}: {m}\n{}",
                        answer.status,
                        answer.text()
                    );
                }
            }
        }
        answer
    }

    async fn get(&self, path: &str) -> Answer {
        self.send("GET", path, &[], None).await
    }

    fn bearer(&self, team: &str) -> (&'static str, String) {
        ("authorization", format!("Bearer {}", self.passwords[team]))
    }

    /// Push `text` from the command line as `team`.
    async fn push(&self, team: &str, text: &str) -> Answer {
        self.send(
            "POST",
            &format!("/teams/{team}/push?file=service.yaml"),
            &[self.bearer(team), ("content-type", "text/plain".into())],
            Some(text),
        )
        .await
    }

    /// Sign in as `team`: its session cookie (`name=value`) and the form token.
    async fn sign_in(&self, team: &str) -> (String, String) {
        let a = self
            .send(
                "POST",
                &format!("/teams/{team}/login"),
                &[form()],
                Some(&format!("password={}", self.passwords[team])),
            )
            .await;
        assert_eq!(a.status, 303, "{}", a.text());
        let set = a.header("set-cookie").unwrap().to_string();
        assert!(set.contains(&format!("Path=/teams/{team}/")), "{set}");
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict"),
            "{set}"
        );
        let cookie = set.split(';').next().unwrap().to_string();
        let page = self
            .send(
                "GET",
                &format!("/teams/{team}/"),
                &[("cookie", cookie.clone())],
                None,
            )
            .await;
        assert_eq!(page.status, 200);
        let html = page.text();
        let token = html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_string();
        (cookie, token)
    }
}

fn form() -> (&'static str, String) {
    ("content-type", "application/x-www-form-urlencoded".into())
}

fn pilot(id: &str) -> String {
    std::fs::read_to_string(root().join(format!("blueprints/{id}.yaml"))).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_team_serves_its_pilot_under_its_prefix_and_its_own_subsystem() {
    let c = class(
        "identity",
        &[("t1", "birth-certificate"), ("t2", "school-attendance")],
        |_| {},
    )
    .await;
    let a = c.get("/teams/t1/svc/birth-certificate/api/service").await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(
        a.json()["interop"],
        "IQ/GOV/MOI/civil-status-t1/birth-certificate"
    );
    // The catalogue's own pilot is live too, under its own subsystem.
    let p = c.get("/pilots/birth-certificate/api/service").await;
    assert_eq!(
        p.json()["interop"],
        "IQ/GOV/MOI/civil-status/birth-certificate"
    );
    // Every link of the start page stays under the team's prefix.
    let start = c.get("/teams/t1/svc/birth-certificate/").await.text();
    for href in start
        .split("href=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next())
    {
        if href.starts_with('/') {
            assert!(
                href.starts_with("/teams/t1/svc/birth-certificate"),
                "{href} leaves the prefix"
            );
        }
    }
    let registry = c.get("/registry/services").await.json();
    let ids: Vec<&str> = registry
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert!(
        ids.contains(&"IQ/GOV/MOI/civil-status-t1/birth-certificate"),
        "{ids:?}"
    );
    // t1 provides its status to schools: the partner team's subsystem may call it, an
    // unlisted one may not.
    let op = "IQ/GOV/MOI/civil-status-t1/birth-certificate-status";
    assert!(ids.contains(&op), "{ids:?}");
    assert!(c.host.sandbox.access.allows("IQ/GOV/MOE/schools-t2", op));
    assert!(!c.host.sandbox.access.allows("IQ/GOV/MOLSA/welfare", op));
    // Through the mediator, with the teams' own keys.
    let t2_key = c
        .host
        .sandbox
        .members
        .issue("IQ/GOV/MOE/schools-t2", false)
        .unwrap();
    let call = |client: &'static str, key: String| {
        let c = &c;
        async move {
            c.send(
                "GET",
                "/r1/IQ/GOV/MOI/civil-status-t1/birth-certificate-status/BN-2026-000001",
                &[
                    ("x-road-client", client.into()),
                    ("authorization", format!("Bearer {key}")),
                ],
                None,
            )
            .await
        }
    };
    let allowed = call("IQ/GOV/MOE/schools-t2", t2_key).await;
    assert!(
        matches!(allowed.status, 200 | 404),
        "{} {}",
        allowed.status,
        allowed.text()
    );
    let welfare_key = c
        .host
        .sandbox
        .members
        .issue("IQ/GOV/MOLSA/welfare", false)
        .unwrap();
    let denied = call("IQ/GOV/MOLSA/welfare", welfare_key).await;
    assert_eq!(denied.status, 403, "{}", denied.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_teams_credentials_open_nothing_of_another_team() {
    let c = class(
        "isolation",
        &[("t1", "water-fees"), ("t2", "water-fees")],
        |_| {},
    )
    .await;
    let (cookie, token) = c.sign_in("t1").await;
    // t1's cookie at t2's space: the sign-in page, 401.
    let other = c
        .send("GET", "/teams/t2/", &[("cookie", cookie.clone())], None)
        .await;
    assert_eq!(other.status, 401);
    // t1's password as t2.
    let a = c
        .send(
            "POST",
            "/teams/t2/push?file=service.yaml",
            &[c.bearer("t1"), ("content-type", "text/plain".into())],
            Some("x"),
        )
        .await;
    assert_eq!(a.status, 401, "{}", a.text());
    // A form without its token is refused; with it, taken.
    let text = pilot("water-fees").replace("version: 1.0.0", "version: 1.0.1");
    let body = format!("file=service.yaml&text={}", enc(&text));
    let no_token = c
        .send(
            "POST",
            "/teams/t1/push",
            &[form(), ("cookie", cookie.clone())],
            Some(&body),
        )
        .await;
    assert_eq!(no_token.status, 403, "{}", no_token.text());
    let with = c
        .send(
            "POST",
            "/teams/t1/push",
            &[form(), ("cookie", cookie.clone())],
            Some(&format!("{body}&csrf={token}")),
        )
        .await;
    assert_eq!(with.status, 303, "{}", with.text());
    assert_eq!(
        c.get("/teams/t1/svc/water-fees/api/service").await.json()["version"],
        "1.0.1"
    );
    assert_eq!(
        c.get("/teams/t2/svc/water-fees/api/service").await.json()["version"],
        "1.0.0"
    );
    // Wrong passwords: refused, and limited.
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let a = c
            .send("POST", "/teams/t2/login", &[form()], Some("password=guess"))
            .await;
        statuses.push(a.status);
    }
    assert_eq!(statuses[0], 401);
    assert_eq!(*statuses.last().unwrap(), 429, "{statuses:?}");
    // The trainer's pages need the trainer.
    assert_eq!(
        c.send("GET", "/trainer/results.json", &[c.bearer("t1")], None)
            .await
            .status,
        401
    );
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_valid_push_is_live_at_once_and_a_broken_one_keeps_the_running_version() {
    let c = class("push", &[("t1", "social-welfare")], |_| {}).await;
    let text = pilot("social-welfare");
    assert_eq!(
        c.get("/teams/t1/svc/social-welfare/api/service")
            .await
            .status,
        200
    );
    let started = Instant::now();
    let a = c
        .push("t1", &text.replace("version: 1.0.0", "version: 2.0.0"))
        .await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.json()["status"], "live");
    let seen = c
        .get("/teams/t1/svc/social-welfare/api/service")
        .await
        .json();
    assert_eq!(seen["version"], "2.0.0");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    // A broken push: 422 with the located diagnostics, the running version stays.
    let broken = c
        .push(
            "t1",
            &text.replace("initial: submitted", "initial: nowhere"),
        )
        .await;
    assert_eq!(broken.status, 422);
    let body = broken.json();
    assert_eq!(body["status"], "broken");
    assert!(
        body["diagnostics"]
            .as_str()
            .unwrap()
            .contains("service.yaml:"),
        "{body}"
    );
    assert_eq!(
        c.get("/teams/t1/svc/social-welfare/api/service")
            .await
            .json()["version"],
        "2.0.0"
    );
    // The team's page shows it, and the trainer's grid marks the team.
    let (cookie, _) = c.sign_in("t1").await;
    let page = c
        .send("GET", "/teams/t1/", &[("cookie", cookie)], None)
        .await
        .text();
    assert!(
        page.contains("unknown state `nowhere`"),
        "the diagnostics are on the team's page"
    );
    let grid = c
        .send(
            "GET",
            "/trainer/grid.json",
            &[("authorization", format!("Bearer {}", c.trainer))],
            None,
        )
        .await
        .json();
    assert_eq!(grid["rows"][0]["broken"], true, "{grid}");
    // Every push is kept, with its diff.
    let history = c.host.store.pushes("t1", 10).unwrap();
    assert_eq!(
        history
            .iter()
            .map(|p| p.status.as_str())
            .collect::<Vec<_>>(),
        ["broken", "live", "live"]
    );
    // Another name for the service: served under its new id from the next request.
    let renamed = c
        .push(
            "t1",
            &text.replace("id: social-welfare", "id: welfare-support"),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    assert_eq!(
        c.get("/teams/t1/svc/welfare-support/api/service")
            .await
            .status,
        200
    );
    assert_eq!(
        c.get("/teams/t1/svc/social-welfare/api/service")
            .await
            .status,
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_check_run_is_kept_and_reaches_the_grid_and_a_reset_keeps_the_log_whole() {
    let c = class("check", &[("t1", "birth-certificate")], |_| {}).await;
    let trainer = ("authorization", format!("Bearer {}", c.trainer));
    let day = c
        .send(
            "POST",
            "/trainer/action",
            &[trainer.clone(), form()],
            Some("do=day&day=7"),
        )
        .await;
    assert_eq!(day.status, 200, "{}", day.text());
    let run = c
        .send(
            "POST",
            "/teams/t1/check",
            &[c.bearer("t1"), form()],
            Some("exercise=ask-the-registry"),
        )
        .await;
    assert_eq!(run.status, 200, "{}", run.text());
    assert_eq!(run.json()["status"], "pass", "{}", run.text());
    let grid = c
        .send(
            "GET",
            "/trainer/grid.json",
            std::slice::from_ref(&trainer),
            None,
        )
        .await
        .json();
    let cells = grid["rows"][0]["cells"].as_array().unwrap();
    let cell = cells
        .iter()
        .find(|x| x["exercise"] == "ask-the-registry")
        .unwrap();
    assert_eq!(cell["state"], "passed", "{grid}");
    let column = grid["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "ask-the-registry")
        .unwrap();
    assert_eq!(column["passed"], 1);
    // The check's twin ran as the team's `-check` subsystem, not as the team's live one.
    let log = c.host.sandbox.log.recent(Default::default()).await.unwrap();
    assert!(
        log.iter()
            .any(|r| r.entry.client == "IQ/GOV/MOI/civil-status-t1-check")
    );
    // The trainer locks the exercise: a check is refused.
    let lock = c
        .send(
            "POST",
            "/trainer/action",
            &[trainer.clone(), form()],
            Some("do=lock&exercise=ask-the-registry"),
        )
        .await;
    assert_eq!(lock.status, 200);
    let refused = c
        .send(
            "POST",
            "/teams/t1/check",
            &[c.bearer("t1"), form()],
            Some("exercise=ask-the-registry"),
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.text());
    // Reset to the exercise: under 2 s, the store emptied, the results forgotten, the
    // message log still verifies.
    c.get("/teams/t1/svc/birth-certificate/api/service").await;
    let started = Instant::now();
    let reset = c
        .send(
            "POST",
            "/trainer/action",
            &[trainer.clone(), form()],
            Some("do=reset&team=t1&exercise=ask-the-registry"),
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.text());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let grid = c
        .send(
            "GET",
            "/trainer/grid.json",
            std::slice::from_ref(&trainer),
            None,
        )
        .await
        .json();
    let cells = grid["rows"][0]["cells"].as_array().unwrap();
    let cell = cells
        .iter()
        .find(|x| x["exercise"] == "ask-the-registry")
        .unwrap();
    assert_ne!(cell["state"], "passed", "{grid}");
    let verified = c.host.sandbox.log.verify().unwrap();
    assert!(verified.broken.is_none(), "{verified:?}");
    assert!(verified.entries > 0);
    // Exports: one row per team and exercise.
    let csv = c
        .send(
            "GET",
            "/trainer/results.csv",
            std::slice::from_ref(&trainer),
            None,
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.text().starts_with("team,exercise,attempts,passed"),
        "{}",
        csv.text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_trainers_hint_note_release_and_fault_reach_the_class() {
    let c = class("actions", &[("t1", "water-fees")], |_| {}).await;
    let trainer = ("authorization", format!("Bearer {}", c.trainer));
    for body in [
        "do=hint&team=t1&exercise=ask-the-registry&text=look+at+the+path",
        "do=note&text=lunch+at+one",
        "do=release&team=*&exercise=ask-the-registry",
        "do=fault&subsystem=IQ/GOV/MMPW/water&fault=unavailable",
    ] {
        let a = c
            .send(
                "POST",
                "/trainer/action",
                &[trainer.clone(), form()],
                Some(body),
            )
            .await;
        assert_eq!(a.status, 200, "{body}: {}", a.text());
    }
    // Every problem of a wrong action is named.
    let wrong = c
        .send(
            "POST",
            "/trainer/action",
            &[trainer.clone(), form()],
            Some("do=hint"),
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(
        wrong.text().contains("`team`") && wrong.text().contains("`text`"),
        "{}",
        wrong.text()
    );
    let (cookie, _) = c.sign_in("t1").await;
    let page = c
        .send("GET", "/teams/t1/", &[("cookie", cookie.clone())], None)
        .await
        .text();
    assert!(page.contains("look at the path") && page.contains("lunch at one"));
    let solution = c
        .send(
            "GET",
            "/teams/t1/solution/ask-the-registry",
            &[("cookie", cookie)],
            None,
        )
        .await;
    assert_eq!(solution.status, 200);
    assert_eq!(c.host.sandbox.faults.list().len(), 1);
    let log = c.host.sandbox.log.recent(Default::default()).await.unwrap();
    assert!(
        log.iter().any(|r| r.entry.path == "/faults"),
        "the fault is in the message log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_teams_flood_is_limited_at_the_edge_and_idle_services_close_and_reopen() {
    let c = class(
        "limits",
        &[("t1", "water-fees"), ("t2", "water-fees")],
        |o| {
            o.team_rate = quickwin_runtime::guard::Rate::new(20, Duration::from_secs(1));
            o.idle = Duration::from_millis(200);
        },
    )
    .await;
    let mut limited = 0;
    for _ in 0..30 {
        if c.get("/teams/t1/svc/water-fees/api/service").await.status == 429 {
            limited += 1;
        }
    }
    assert!(limited >= 9, "{limited} of 30 were limited");
    assert_eq!(
        c.get("/teams/t2/svc/water-fees/api/service").await.status,
        200
    );
    // Idle services close; the next request opens them again, with their accounts kept.
    let slot = c.host.slot("teams/t2").unwrap();
    let before = quickwin_workshop::host::kept_accounts(&slot);
    assert!(!before.is_empty());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(c.host.close_idle().await >= 1);
    assert!(!slot.is_open());
    assert_eq!(
        c.get("/teams/t2/svc/water-fees/api/service").await.status,
        200
    );
    assert!(slot.is_open());
    assert_eq!(quickwin_workshop::host::kept_accounts(&slot), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_push_that_would_lose_data_waits_for_the_teams_word() {
    let c = class("lossy", &[("t1", "water-fees")], |o| o.max_cases = 1).await;
    let permit =
        std::fs::read_to_string(root().join("generator/tests/fixtures/permit.yaml")).unwrap();
    assert_eq!(c.push("t1", &permit).await.status, 200);
    let sent = c
        .send(
            "POST",
            "/teams/t1/svc/permit/api/applications",
            &[("content-type", "application/json".into())],
            Some(r#"{"full_name": "Ahmed Ali", "national_id": "019870315001", "income": 250000}"#),
        )
        .await;
    assert_eq!(sent.status, 201, "{}", sent.text());
    // The host keeps a team's store small: one case here.
    let more = c
        .send(
            "POST",
            "/teams/t1/svc/permit/api/applications",
            &[("content-type", "application/json".into())],
            Some(r#"{"full_name": "Sara Ali", "national_id": "019870315001"}"#),
        )
        .await;
    assert_eq!(more.status, 413, "{}", more.text());
    assert!(
        more.text().contains("at most 1 application,"),
        "{}",
        more.text()
    );
    let without_income = permit
        .replace("      - {id: income, type: money, label: {en: Income, ar: الدخل}, example: \"250000\"}\n", "")
        .replace("[full_name, national_id, income, members]", "[full_name, national_id, members]");
    let waiting = c.push("t1", &without_income).await;
    assert_eq!(waiting.status, 422, "{}", waiting.text());
    let body = waiting.json();
    assert_eq!(body["status"], "waiting", "{body}");
    assert!(
        body["diagnostics"].as_str().unwrap().contains("income"),
        "{body}"
    );
    // Still served as it was, the case kept.
    let doc = c.get("/teams/t1/svc/permit/openapi.json").await.text();
    assert!(doc.contains("income"));
    // The team confirms on its page: the store is emptied and the push applied.
    let (cookie, token) = c.sign_in("t1").await;
    let page = c
        .send("GET", "/teams/t1/", &[("cookie", cookie.clone())], None)
        .await
        .text();
    let n = body["n"].as_i64().unwrap();
    assert!(
        page.contains(&format!("/teams/t1/push/{n}/confirm")),
        "the page asks first"
    );
    let confirm = c
        .send(
            "POST",
            &format!("/teams/t1/push/{n}/confirm"),
            &[form(), ("cookie", cookie)],
            Some(&format!("csrf={token}")),
        )
        .await;
    assert_eq!(confirm.status, 303, "{}", confirm.text());
    let doc = c.get("/teams/t1/svc/permit/openapi.json").await.text();
    assert!(!doc.contains("\"income\""), "the push is served");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_class_overview_and_the_empty_grid_read_as_committed() {
    let c = class(
        "pages",
        &[("t1", "birth-certificate"), ("t2", "school-attendance")],
        |_| {},
    )
    .await;
    for lang in ["en", "ar"] {
        let page = c.get(&format!("/teams?lang={lang}")).await;
        assert_eq!(page.status, 200);
        insta::assert_snapshot!(format!("overview_{lang}"), page.text());
    }
    let grid = c
        .send(
            "GET",
            "/trainer/grid.json?lang=ar",
            &[("authorization", format!("Bearer {}", c.trainer))],
            None,
        )
        .await;
    insta::assert_json_snapshot!("grid_day_1", grid.json());
}
