//! The information mediator: rights, headers, errors and their bodies, and the log.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{CIVIL_STATUS, get_ok, sandbox, send};

const PERSONS: &str = "/r1/IQ/GOV/MOI/civil-registry/persons/persons";

#[tokio::test]
async fn an_allowed_call_passes_and_is_logged_with_its_headers() {
    let s = sandbox("mediator-allowed");
    let page = get_ok(&s, "/mock/MOI/civil-registry/persons/persons?page_size=1").await;
    let id = page["items"][0]["national_id"]
        .as_str()
        .unwrap()
        .to_string();
    let a = send(
        &s,
        "GET",
        &format!("{PERSONS}/{id}"),
        &[
            ("X-Road-Client", CIVIL_STATUS),
            ("X-Road-Id", "msg-0001"),
            ("X-Road-UserId", "IQ199012345678"),
            ("X-Road-Issue", "BC-2026-000042"),
        ],
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json["national_id"], id.as_str());
    assert_eq!(a.headers["x-road-id"], "msg-0001");
    assert_eq!(
        a.headers["x-road-service"],
        "IQ/GOV/MOI/civil-registry/persons"
    );
    assert!(!a.headers["x-road-request-hash"].is_empty());
    assert!(a.headers.get("x-road-error").is_none());
    let log = get_ok(&s, "/mediator/messages.json?issue=BC-2026-000042").await;
    let entry = &log["items"][0];
    assert_eq!(entry["client"], CIVIL_STATUS);
    assert_eq!(entry["service"], "IQ/GOV/MOI/civil-registry/persons");
    assert_eq!(entry["message_id"], "msg-0001");
    assert_eq!(entry["status"], 200);
    // Personal data stay out of the log: the id is masked, the user id hashed.
    let logged = entry.to_string();
    assert!(
        !logged.contains(&id) && !logged.contains("IQ199012345678"),
        "{logged}"
    );
    assert_eq!(
        entry["path"].as_str().unwrap(),
        format!("/persons/**********{}", &id[10..])
    );
    assert_eq!(entry["user_id"].as_str().unwrap().len(), 64);
    // A message id is generated when the caller gives none.
    let b = send(
        &s,
        "GET",
        &format!("{PERSONS}/{id}"),
        &[("X-Road-Client", CIVIL_STATUS)],
        None,
    )
    .await;
    assert_eq!(b.headers["x-road-id"].to_str().unwrap().len(), 36);
    // The page shows the calls, filterable.
    let html = send(
        &s,
        "GET",
        "/mediator/messages?service=IQ/GOV/MOI/civil-registry/persons",
        &[],
        None,
    )
    .await;
    assert!(html.text.contains("BC-2026-000042") && html.text.contains(CIVIL_STATUS));
}

#[tokio::test]
async fn every_refusal_has_its_status_type_and_is_logged() {
    let s = sandbox("mediator-refusals");
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, StatusCode, &'a str);
    let cases: Vec<Case> = vec![
        (
            PERSONS,
            vec![],
            StatusCode::BAD_REQUEST,
            "Client.MissingClientHeader",
        ),
        (
            PERSONS,
            vec![("X-Road-Client", "IQ/GOV/MOH")],
            StatusCode::BAD_REQUEST,
            "Client.InvalidClientIdentifier",
        ),
        (
            PERSONS,
            vec![("X-Road-Client", "IQ/GOV/MOJ/courts")],
            StatusCode::FORBIDDEN,
            "Server.ServerProxy.AccessDenied",
        ),
        (
            "/r1/IQ/GOV/MOI/civil-registry/passports/x",
            vec![("X-Road-Client", CIVIL_STATUS)],
            StatusCode::NOT_FOUND,
            "Server.ServerProxy.UnknownService",
        ),
        (
            "/r1/IQ/GOV/MOI",
            vec![("X-Road-Client", CIVIL_STATUS)],
            StatusCode::BAD_REQUEST,
            "Client.InvalidServiceIdentifier",
        ),
    ];
    for (uri, headers, status, kind) in &cases {
        let a = send(&s, "GET", uri, headers, None).await;
        assert_eq!(a.status, *status, "{uri} {headers:?}: {}", a.text);
        assert_eq!(a.json["type"], *kind);
        assert!(!a.json["message"].as_str().unwrap().is_empty() && a.json.get("detail").is_some());
        assert_eq!(a.headers["x-road-error"], *kind);
    }
    let log = get_ok(&s, "/mediator/messages.json?limit=50").await;
    let errors: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["error"].as_str())
        .collect();
    for (_, _, _, kind) in &cases {
        assert!(errors.contains(kind), "{kind} not logged: {errors:?}");
    }
}

#[tokio::test]
async fn a_slow_service_gives_504_and_a_dead_one_502() {
    let s = sandbox("mediator-upstream");
    let client = "IQ/GOV/MOI/civil-status";
    let created = send(
        &s,
        "POST",
        "/r1/IQ/GOV/CBI/payments/payments/payments",
        &[("X-Road-Client", client)],
        Some(json!({"amount": 5000, "reference": "BC-1"})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.json["id"].as_str().unwrap();
    let slow = send(
        &s,
        "POST",
        &format!("/r1/IQ/GOV/CBI/payments/payments/payments/{id}/pay"),
        &[("X-Road-Client", client)],
        Some(json!({"card_number": "4000000000000119"})),
    )
    .await;
    assert_eq!(slow.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(slow.json["type"], "Server.ServerProxy.Timeout");
    // A service registered at an address where nothing listens.
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
            "id": "IQ/GOV/MOH/hospitals/admissions",
            "title": {"en": "Admissions", "ar": "الإدخال"},
            "backend": format!("http://127.0.0.1:{port}"),
        })),
    )
    .await;
    assert_eq!(reg.status, StatusCode::CREATED, "{}", reg.text);
    s.access.grant("IQ/GOV/MOH/hospitals/admissions", client);
    let dead = send(
        &s,
        "GET",
        "/r1/IQ/GOV/MOH/hospitals/admissions/admissions",
        &[("X-Road-Client", client)],
        None,
    )
    .await;
    assert_eq!(dead.status, StatusCode::BAD_GATEWAY, "{}", dead.text);
    assert_eq!(dead.json["type"], "Server.ServerProxy.ServiceFailed");
    let remote = send(&s, "POST", "/registry/services", &[], Some(json!({"id": "IQ/GOV/X/y/z", "title": {"en": "x", "ar": "x"}, "backend": "http://10.0.0.1:80"}))).await;
    assert_eq!(remote.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_registry_lists_every_service_with_its_openapi_document() {
    let s = sandbox("registry");
    let list = get_ok(&s, "/registry/services").await;
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), quickwin_sandbox::agencies::SERVICES.len());
    for item in items {
        let id = item["id"].as_str().unwrap();
        assert_eq!(id.split('/').count(), 5);
        assert!(
            !item["title"]["en"].as_str().unwrap().is_empty()
                && !item["title"]["ar"].as_str().unwrap().is_empty()
        );
        assert_eq!(&get_ok(&s, &format!("/registry/services/{id}")).await, item);
        let doc = get_ok(&s, item["openapi"].as_str().unwrap()).await;
        assert_eq!(doc["openapi"], "3.1.0", "{id}");
        assert!(
            doc["paths"].as_object().is_some_and(|p| !p.is_empty()),
            "{id}"
        );
    }
    let page = send(&s, "GET", "/registry", &[], None).await;
    assert!(page.text.contains("Ministry of Interior") && page.text.contains("وزارة الداخلية"));
    let missing = send(&s, "GET", "/registry/services/IQ/GOV/MOI/x/y", &[], None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let home = send(&s, "GET", "/", &[], None).await;
    assert!(
        home.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let s = sandbox("openapi-routes");
    for svc in quickwin_sandbox::agencies::SERVICES {
        let doc: serde_json::Value = serde_json::from_str(svc.openapi).unwrap();
        let paths = doc["paths"]
            .as_object()
            .unwrap_or_else(|| panic!("{} has no paths", svc.id()));
        for (path, ops) in paths {
            let concrete: String = path
                .split('/')
                .map(|seg| if seg.starts_with('{') { "x" } else { seg })
                .collect::<Vec<_>>()
                .join("/");
            for method in ops.as_object().unwrap().keys() {
                if !["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                    continue;
                }
                let uri = format!("{}{concrete}", svc.base());
                let a = send(&s, &method.to_uppercase(), &uri, &[], Some(json!({}))).await;
                assert_ne!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{} {uri}", method);
                if a.status == StatusCode::NOT_FOUND {
                    assert!(
                        a.json.get("type").is_some(),
                        "{method} {uri} is documented but not routed"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused_and_logged() {
    let s = sandbox("mediator-too-large");
    let big = serde_json::Value::String("x".repeat(quickwin_sandbox::mediator::MAX_BODY + 10));
    let a = send(
        &s,
        "POST",
        "/r1/IQ/GOV/MOC/notify/messages/sms",
        &[("X-Road-Client", CIVIL_STATUS)],
        Some(json!({"to": "07701234567", "text": big})),
    )
    .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.json["type"], "Client.RequestTooLarge");
    let log = get_ok(&s, "/mediator/messages.json").await;
    assert_eq!(log["items"][0]["error"], "Client.RequestTooLarge");
}

/// docs/sandbox.md's tables of the answers' fields (written by
/// `sandbox/openapi/source/gen.py --doc`) name every operation's answer and each of its
/// fields, for every service: a document changed without the tables fails here.
#[test]
fn the_docs_list_the_fields_of_every_answer() {
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/sandbox.md"),
    )
    .unwrap();
    for svc in quickwin_sandbox::agencies::SERVICES {
        let id = svc.id();
        let header = format!("#### `{id}`\n");
        let start = docs
            .find(&header)
            .unwrap_or_else(|| panic!("docs/sandbox.md has no fields of `{id}`"));
        let rest = &docs[start + header.len()..];
        let section = &rest[..rest.find("#### ").unwrap_or(rest.len())];
        let doc: serde_json::Value = serde_json::from_str(svc.openapi).unwrap();
        let resolve = |schema: &serde_json::Value| match schema["$ref"].as_str() {
            Some(r) => doc["components"]["schemas"][r.rsplit('/').next().unwrap()].clone(),
            None => schema.clone(),
        };
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for (method, op) in ops.as_object().unwrap() {
                for status in ["200", "201"] {
                    let schema = &op["responses"][status]["content"]["application/json"]["schema"];
                    let Some(fields) = resolve(schema)["properties"].as_object().cloned() else {
                        continue;
                    };
                    let answer = format!("`{} {path}` answers:", method.to_uppercase());
                    assert!(section.contains(&answer), "`{id}`: no {answer}");
                    for field in fields.keys() {
                        assert!(
                            section.contains(&format!("| `{field}")),
                            "`{id}` {answer}: no field `{field}`"
                        );
                    }
                }
            }
        }
    }
}
