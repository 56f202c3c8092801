//! Who may call, and where: caller identity is a key, not a header; the mock agencies
//! answer only through the mediator; a service's operations answer only the mediator;
//! only the administrator or the owning member changes the registry.

use serde_json::{Value, json};

use crate::support::{http, scratch};
use crate::world::{sandbox, serve};

const CIVIL_STATUS: &str = "IQ/GOV/MOI/civil-status";
const WELFARE: &str = "IQ/GOV/MOLSA/welfare";
const BENEFICIARIES: &str = "/r1/IQ/GOV/MOLSA/payments/beneficiaries/beneficiaries";

fn beneficiaries(data: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(data.join("agencies.db")).unwrap();
    conn.query_row("SELECT COUNT(*) FROM beneficiaries", [], |r| r.get(0))
        .unwrap()
}

/// Seen: any local process that sent `X-Road-Client: IQ/GOV/MOI/civil-status` read the
/// civil registry; as the welfare subsystem it created beneficiaries (201).
#[test]
fn a_client_header_without_the_clients_key_is_refused_and_logged() {
    let data = scratch("security-identity");
    let s = sandbox(&data);
    let person = s.person();
    let path = format!("/r1/IQ/GOV/MOI/civil-registry/persons/persons/{person}");
    // No key at all.
    let (status, body) = s.call("GET", &path, &[("X-Road-Client", CIVIL_STATUS)], "");
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["type"], "Client.AuthenticationFailed", "{body}");
    assert!(!body.to_string().contains(&person[..8]), "{body}");
    // Another member's key, claiming to be the civil-status office.
    let courts = s.bearer("IQ/GOV/MOJ/courts");
    let (status, _) = s.call(
        "GET",
        &path,
        &[("X-Road-Client", CIVIL_STATUS), ("Authorization", &courts)],
        "",
    );
    assert_eq!(status, 401);
    // A made-up key.
    let (status, _) = s.call(
        "GET",
        &path,
        &[
            ("X-Road-Client", CIVIL_STATUS),
            ("Authorization", "Bearer qw_0000"),
        ],
        "",
    );
    assert_eq!(status, 401);
    // Creating a beneficiary as the welfare subsystem without its key changes nothing.
    let before = beneficiaries(&data);
    let enrol = json!({"national_id": person, "governorate": "Baghdad", "household_size": 4, "monthly_amount": 175000}).to_string();
    let (status, body) = s.call("POST", BENEFICIARIES, &[("X-Road-Client", WELFARE)], &enrol);
    assert_eq!(status, 401, "{body}");
    assert_eq!(beneficiaries(&data), before);
    // Every refusal is in the log, with the client it claimed.
    let refused: Vec<Value> = s
        .log()
        .into_iter()
        .filter(|e| e["error"] == "Client.AuthenticationFailed")
        .collect();
    assert_eq!(refused.len(), 4, "{refused:?}");
    assert!(
        refused
            .iter()
            .any(|e| e["client"] == WELFARE && e["status"] == 401)
    );
    // With its own key, the civil-status office is answered.
    let own = s.bearer(CIVIL_STATUS);
    let (status, body) = s.call(
        "GET",
        &path,
        &[("X-Road-Client", CIVIL_STATUS), ("Authorization", &own)],
        "",
    );
    assert_eq!(status, 200, "{body}");
}

/// Seen: `/mock/…` on the sandbox's port served persons, created beneficiaries and sent
/// SMS, and none of it reached the message log.
#[test]
fn the_mock_agencies_have_no_route_around_the_mediator() {
    let data = scratch("security-around");
    let s = sandbox(&data);
    let person = s.person();
    let before = beneficiaries(&data);
    let logged = s.log().len();
    for (method, path, body) in [
        ("GET", "/mock/MOI/civil-registry/persons/persons?page_size=5".to_string(), String::new()),
        ("GET", format!("/mock/MOI/civil-registry/persons/persons/{person}"), String::new()),
        (
            "POST",
            "/mock/MOLSA/payments/beneficiaries/beneficiaries".to_string(),
            json!({"national_id": person, "governorate": "Baghdad", "household_size": 4, "monthly_amount": 175000}).to_string(),
        ),
        (
            "POST",
            "/mock/MOC/notify/messages/sms".to_string(),
            json!({"to": "07701234567", "text": "hello"}).to_string(),
        ),
    ] {
        let (status, text) = http(s.sandbox, method, &path, &[], &body);
        assert_eq!(status, 404, "{method} {path}: {text}");
        assert!(!text.contains(&person), "{method} {path}: {text}");
    }
    assert_eq!(beneficiaries(&data), before);
    assert_eq!(
        s.log().len(),
        logged,
        "nothing happened, so nothing is logged"
    );
    assert!(!s.banner.contains("/mock/"), "{}", s.banner);
}

/// Seen: a service's own `/api/provides/…` route took `X-Road-Client` at face value when
/// called directly on the service's port.
#[test]
fn a_provided_operation_answers_only_calls_the_mediator_signed() {
    let data = scratch("security-provides");
    let s = serve("blueprints/birth-certificate.yaml", &data);
    let op = "/api/provides/birth-certificate-status/BN-2026-000001";
    for headers in [
        vec![("X-Road-Client", "IQ/GOV/MOE/schools")],
        vec![
            ("X-Road-Client", "IQ/GOV/MOE/schools"),
            ("X-Road-Mediator", "v1;t=1;sig=00"),
        ],
    ] {
        let (status, body) = http(s.port, "GET", op, &headers, "");
        assert_eq!(status, 401, "{headers:?}: {body}");
        assert!(body.contains("mediator"), "{body}");
    }
    // Through the mediator, with the schools' key, the call reaches the operation (no
    // application has that number, so it answers 404 in its own words).
    let key = s.bearer("IQ/GOV/MOE/schools");
    let (status, body) = s.call(
        "GET",
        "/r1/IQ/GOV/MOI/civil-status/birth-certificate-status/BN-2026-000001",
        &[
            ("X-Road-Client", "IQ/GOV/MOE/schools"),
            ("Authorization", &key),
        ],
        "",
    );
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["type"], "NotFound", "{body}");
}

/// Seen: an unauthenticated `POST /registry/services` replaced the payments service with
/// a server of the tester's, which then received card numbers.
#[test]
fn only_the_administrator_or_the_owner_changes_the_registry() {
    let data = scratch("security-registry");
    let s = sandbox(&data);
    let fake = |id: &str| {
        json!({"id": id, "backend": "http://127.0.0.1:9/", "title": {"en": "Payments", "ar": "المدفوعات"}}).to_string()
    };
    let payments = "IQ/GOV/CBI/payments/payments";
    let (status, body) = s.call("POST", "/registry/services", &[], &fake(payments));
    assert_eq!(status, 401, "{body}");
    let member = s.bearer(CIVIL_STATUS);
    let (status, body) = s.call(
        "POST",
        "/registry/services",
        &[("Authorization", &member)],
        &fake(payments),
    );
    assert_eq!(status, 403, "{body}");
    let admin = format!("Bearer {}", s.admin_key());
    let (status, body) = s.call(
        "POST",
        "/registry/services",
        &[("Authorization", &admin)],
        &fake(payments),
    );
    assert_eq!(status, 409, "{body}");
    // Another member cannot take over a service a member registered.
    let ours = "IQ/GOV/MOI/civil-status/birth-certificate";
    let (status, body) = s.call(
        "POST",
        "/registry/services",
        &[("Authorization", &member)],
        &fake(ours),
    );
    assert_eq!(status, 201, "{body}");
    let other = s.bearer("IQ/GOV/MOH/primary-care");
    let (status, _) = s.call(
        "POST",
        "/registry/services",
        &[("Authorization", &other)],
        &fake(ours),
    );
    assert_eq!(status, 403);
    // The payments service is still the sandbox's own: a declined card is declined.
    let (_, service) = s.call("GET", &format!("/registry/services/{payments}"), &[], "");
    assert!(service["direct"].is_null(), "{service}");
    // Every attempt is logged, with who made it.
    let changes: Vec<(String, u64)> = s
        .log()
        .into_iter()
        .filter(|e| e["path"] == "/registry/services")
        .map(|e| {
            (
                e["client"].as_str().unwrap_or_default().to_string(),
                e["status"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        changes.iter().rev().cloned().collect::<Vec<_>>(),
        vec![
            ("-".to_string(), 401),
            (CIVIL_STATUS.to_string(), 403),
            ("IQ/GOV/SANDBOX/admin".to_string(), 409),
            (CIVIL_STATUS.to_string(), 201),
            ("IQ/GOV/MOH/primary-care".to_string(), 403),
        ]
    );
}
