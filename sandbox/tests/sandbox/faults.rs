//! Faults a trainer injects into the mock agencies (`/faults`), and the mediator's rate
//! limit per client.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use quickwin_sandbox::ratelimit::RateLimit;
use quickwin_sandbox::{AppState, catalogue, open};
use serde_json::{Value, json};

use crate::support::{CIVIL_STATUS, config, folder, get_ok, sandbox, send};

const PERSONS: &str = "/r1/IQ/GOV/MOI/civil-registry/persons/persons";
const CIVIL_REGISTRY: &str = "IQ/GOV/MOI/civil-registry";

/// The first person of the civil registry's national id.
async fn someone(s: &AppState) -> String {
    let page = get_ok(s, "/mock/MOI/civil-registry/persons/persons?page_size=1").await;
    page["items"][0]["national_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Set a fault as the administrator; the faults in force afterwards.
async fn set(s: &AppState, subsystem: &str, fault: &str) -> Value {
    let admin = format!("Bearer {}", s.members.admin_key());
    let a = send(
        s,
        "POST",
        "/faults",
        &[("authorization", admin.as_str())],
        Some(json!({"subsystem": subsystem, "fault": fault})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json
}

/// The newest log entry.
async fn last_entry(s: &AppState) -> Value {
    get_ok(s, "/mediator/messages.json?limit=1").await["items"][0].clone()
}

#[tokio::test]
async fn a_slow_agency_answers_late_and_past_the_timeout_not_at_all() {
    let s = sandbox("faults-slow");
    let id = someone(&s).await;
    let uri = format!("{PERSONS}/{id}");
    let listed = set(&s, CIVIL_REGISTRY, "slow:200").await;
    assert_eq!(
        listed["faults"],
        json!([{"subsystem": CIVIL_REGISTRY, "fault": "slow:200"}])
    );
    let started = Instant::now();
    let a = send(&s, "GET", &uri, &[("X-Road-Client", CIVIL_STATUS)], None).await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json["national_id"], id.as_str());
    let entry = last_entry(&s).await;
    assert_eq!(entry["error"], "fault:slow:200");
    assert!(entry["duration_us"].as_u64().unwrap() >= 200_000);
    // The tests' upstream timeout is 300 ms.
    set(&s, CIVIL_REGISTRY, "slow:1000").await;
    let late = send(&s, "GET", &uri, &[("X-Road-Client", CIVIL_STATUS)], None).await;
    assert_eq!(late.status, StatusCode::GATEWAY_TIMEOUT, "{}", late.text);
    assert_eq!(
        last_entry(&s).await["error"],
        "Server.ServerProxy.Timeout fault:slow:1000"
    );
}

#[tokio::test]
async fn an_unavailable_agency_gives_503_logged_and_clearing_restores_it() {
    let s = sandbox("faults-unavailable");
    let id = someone(&s).await;
    let uri = format!("{PERSONS}/{id}");
    set(&s, CIVIL_REGISTRY, "503").await;
    let a = send(&s, "GET", &uri, &[("X-Road-Client", CIVIL_STATUS)], None).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.text);
    assert_eq!(a.json["type"], "Server.ServiceUnavailable");
    assert_eq!(a.headers["x-road-error"], "Server.ServiceUnavailable");
    assert!(a.json["detail"].as_str().unwrap().contains(CIVIL_REGISTRY));
    let entry = last_entry(&s).await;
    assert_eq!(entry["status"], 503);
    assert_eq!(
        entry["error"],
        "Server.ServiceUnavailable fault:unavailable"
    );
    // Another agency answers; the administrator may read them all.
    let admin = format!("Bearer {}", s.members.admin_key());
    let other = send(
        &s,
        "GET",
        "/r1/IQ/GOV/MOE/schools/schools/schools",
        &[
            ("X-Road-Client", "IQ/GOV/SANDBOX/admin"),
            ("authorization", admin.as_str()),
        ],
        None,
    )
    .await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.text);
    assert_eq!(last_entry(&s).await["error"], Value::Null);
    let listed = set(&s, CIVIL_REGISTRY, "none").await;
    assert_eq!(listed["faults"], json!([]));
    let back = send(&s, "GET", &uri, &[("X-Road-Client", CIVIL_STATUS)], None).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text);
    assert_eq!(last_entry(&s).await["error"], Value::Null);
    // The log stays a verifying chain.
    let v = s.log.verify().unwrap();
    assert!(v.broken.is_none(), "{:?}", v.broken);
}

#[tokio::test]
async fn wrong_data_differ_from_the_right_ones_the_same_way_every_time() {
    let s = sandbox("faults-wrong-data");
    let id = someone(&s).await;
    let uri = format!("{PERSONS}/{id}");
    let call = || send(&s, "GET", &uri, &[("X-Road-Client", CIVIL_STATUS)], None);
    let right = call().await.json;
    set(&s, CIVIL_REGISTRY, "wrong-data").await;
    let wrong = call().await;
    assert_eq!(wrong.status, StatusCode::OK, "{}", wrong.text);
    assert_eq!(last_entry(&s).await["error"], "fault:wrong-data");
    let wrong = wrong.json;
    assert_ne!(wrong, right);
    assert_eq!(call().await.json, wrong);
    // The record asked for, with its content wrong.
    assert_eq!(wrong["national_id"], right["national_id"]);
    for field in ["full_name_latin", "date_of_birth", "sex"] {
        assert_ne!(wrong[field], right[field], "{field}");
    }
    // A refusal by the agency is passed on as it was.
    let missing = send(
        &s,
        "GET",
        &format!("{PERSONS}/000000000000"),
        &[("X-Road-Client", CIVIL_STATUS)],
        None,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json["type"], "Agency.NotFound");
    set(&s, CIVIL_REGISTRY, "none").await;
    assert_eq!(call().await.json, right);
}

#[tokio::test]
async fn a_service_registered_by_url_takes_no_fault() {
    let s = sandbox("faults-url");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let reg = send(
        &s,
        "POST",
        "/registry/services",
        &[],
        Some(json!({
            "id": "IQ/GOV/MOI/civil-registry/archive",
            "title": {"en": "Archive", "ar": "الأرشيف"},
            "backend": format!("http://127.0.0.1:{port}"),
        })),
    )
    .await;
    assert_eq!(reg.status, StatusCode::CREATED, "{}", reg.text);
    s.access
        .grant("IQ/GOV/MOI/civil-registry/archive", CIVIL_STATUS);
    set(&s, CIVIL_REGISTRY, "unavailable").await;
    let a = send(
        &s,
        "GET",
        "/r1/IQ/GOV/MOI/civil-registry/archive/x",
        &[("X-Road-Client", CIVIL_STATUS)],
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY, "{}", a.text);
    assert_eq!(
        last_entry(&s).await["error"],
        "Server.ServerProxy.ServiceFailed"
    );
}

#[tokio::test]
async fn only_the_administrator_changes_faults_and_every_attempt_is_logged() {
    let s = sandbox("faults-admin");
    let body = json!({"subsystem": CIVIL_REGISTRY, "fault": "503"});
    let anonymous = send(&s, "POST", "/faults", &[], Some(body.clone())).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.json["type"], "Client.AuthenticationFailed");
    let wrong_key = send(
        &s,
        "POST",
        "/faults",
        &[("authorization", "Bearer not-a-key")],
        Some(body.clone()),
    )
    .await;
    assert_eq!(wrong_key.status, StatusCode::UNAUTHORIZED);
    let member = format!("Bearer {}", s.members.issue(CIVIL_STATUS, false).unwrap());
    for method in ["POST", "DELETE"] {
        let a = send(
            &s,
            method,
            "/faults",
            &[("authorization", member.as_str())],
            Some(body.clone()),
        )
        .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{method}: {}", a.text);
        assert_eq!(a.json["type"], "Client.NotAdministrator");
    }
    let admin = format!("Bearer {}", s.members.admin_key());
    let invalid = send(
        &s,
        "POST",
        "/faults",
        &[("authorization", admin.as_str())],
        Some(json!({"subsystem": "IQ/GOV/MOH/birth", "fault": "slow:soon"})),
    )
    .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(invalid.json["type"], "Client.InvalidRequest");
    assert_eq!(
        invalid.json["detail"],
        "`IQ/GOV/MOH/birth` is not the subsystem of a mock agency; did you mean `IQ/GOV/MOH/births`?; `slow:soon`: expected a delay in milliseconds, e.g. `slow:2000`"
    );
    let empty = send(
        &s,
        "POST",
        "/faults",
        &[("authorization", admin.as_str())],
        Some(json!({})),
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        empty.json["detail"],
        "`subsystem` is required, as text; `fault` is required, as text"
    );
    let list = get_ok(&s, "/faults").await;
    assert_eq!(list["faults"], json!([]));
    assert!(
        list["subsystems"]
            .as_array()
            .unwrap()
            .contains(&json!("IQ/GOV/MOH/births"))
    );
    set(&s, "IQ/GOV/MOH/births", "slow:100").await;
    set(&s, CIVIL_REGISTRY, "wrong-data").await;
    assert_eq!(
        get_ok(&s, "/faults").await["faults"],
        json!([
            {"subsystem": "IQ/GOV/MOH/births", "fault": "slow:100"},
            {"subsystem": CIVIL_REGISTRY, "fault": "wrong-data"},
        ])
    );
    let cleared = send(
        &s,
        "DELETE",
        "/faults",
        &[("authorization", admin.as_str())],
        None,
    )
    .await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text);
    assert_eq!(cleared.json["faults"], json!([]));
    let log = get_ok(&s, "/mediator/messages.json?limit=20").await;
    let attempts: Vec<(String, String, u64, String)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"] == "/faults")
        .map(|e| {
            (
                e["method"].as_str().unwrap().to_string(),
                e["client"].as_str().unwrap().to_string(),
                e["status"].as_u64().unwrap(),
                e["error"].as_str().unwrap().to_string(),
            )
        })
        .rev()
        .collect();
    let admin_client = "IQ/GOV/SANDBOX/admin";
    let row = |m: &str, c: &str, st: u64, e: &str| (m.into(), c.into(), st, e.into());
    assert_eq!(
        attempts,
        vec![
            row("POST", "-", 401, "Client.AuthenticationFailed"),
            row("POST", "-", 401, "Client.AuthenticationFailed"),
            row("POST", CIVIL_STATUS, 403, "Client.NotAdministrator"),
            row("DELETE", CIVIL_STATUS, 403, "Client.NotAdministrator"),
            row("POST", admin_client, 422, "Client.InvalidRequest"),
            row("POST", admin_client, 422, "Client.InvalidRequest"),
            row("POST", admin_client, 200, "fault:slow:100"),
            row("POST", admin_client, 200, "fault:wrong-data"),
            row("DELETE", admin_client, 200, "fault:none"),
        ]
    );
}

#[tokio::test]
async fn a_flooding_client_is_held_back_and_the_others_are_not() {
    let mut c = config(folder("faults-rate"));
    c.client_rate = Some(RateLimit {
        per_second: 1,
        burst: 3,
    });
    let s = open(c, catalogue::CATALOGUE).unwrap().state;
    let id = someone(&s).await;
    let uri = format!("{PERSONS}/{id}");
    for _ in 0..3 {
        let a = send(&s, "GET", &uri, &[("X-Road-Client", CIVIL_STATUS)], None).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    }
    let held = send(
        &s,
        "GET",
        &uri,
        &[("X-Road-Client", CIVIL_STATUS), ("X-Road-Id", "flood-4")],
        None,
    )
    .await;
    assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS, "{}", held.text);
    assert_eq!(held.json["type"], "Client.RateLimited");
    assert_eq!(held.headers["x-road-error"], "Client.RateLimited");
    assert_eq!(held.headers["retry-after"], "1");
    let entry = last_entry(&s).await;
    assert_eq!(
        (&entry["client"], &entry["status"], &entry["error"]),
        (
            &json!(CIVIL_STATUS),
            &json!(429),
            &json!("Client.RateLimited")
        )
    );
    // Another client is not held back.
    let admin = format!("Bearer {}", s.members.admin_key());
    let other = send(
        &s,
        "GET",
        &uri,
        &[
            ("X-Road-Client", "IQ/GOV/SANDBOX/admin"),
            ("authorization", admin.as_str()),
        ],
        None,
    )
    .await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.text);
    // Once the bucket refills, the refused call may be sent again with its message id.
    tokio::time::sleep(Duration::from_millis(1050)).await;
    let again = send(
        &s,
        "GET",
        &uri,
        &[("X-Road-Client", CIVIL_STATUS), ("X-Road-Id", "flood-4")],
        None,
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
}
