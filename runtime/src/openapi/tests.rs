//! The document of every catalogue blueprint: every route described once, the
//! examples accepted by the runtime, the schemas following the fields, the same every
//! run, and a snapshot.

use super::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use rusqlite::Connection;
use tower::ServiceExt;

const CATALOGUE: &[&str] = &[
    "birth-certificate",
    "medical-appointment",
    "school-attendance",
    "social-welfare",
    "water-fees",
    "water-subscription",
];

fn blueprint(name: &str) -> Blueprint {
    let path = format!("{}/../blueprints/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    quickwin_blueprint::check_bytes(&path, text.as_bytes())
        .blueprint
        .unwrap()
}

#[test]
fn the_document_has_every_route_and_no_other() {
    for name in CATALOGUE {
        let doc = document(&blueprint(name), example_day());
        let mut found: Vec<(String, String)> = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                assert!(
                    op["operationId"].is_string() && op["summary"].is_string(),
                    "{name}: {method} {path}"
                );
                assert!(
                    !op["responses"].as_object().unwrap().is_empty(),
                    "{name}: {method} {path}"
                );
                found.push((method.clone(), path.clone()));
            }
        }
        found.sort();
        let mut want: Vec<(String, String)> = ROUTES
            .iter()
            .map(|r| (r.method.to_string(), r.path.to_string()))
            .collect();
        want.sort();
        assert_eq!(found, want, "{name}");
    }
}

#[tokio::test]
async fn the_router_answers_every_listed_route() {
    let bp = blueprint("birth-certificate");
    let mut conn = Connection::open_in_memory().unwrap();
    crate::store::migrate(&mut conn, &bp, false, "t").unwrap();
    let state = crate::state::ApiState::new(bp, conn, None);
    let call = |method: &str, uri: &str, body: Body| {
        let request = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(uri)
            .body(body)
            .unwrap();
        let app = crate::app::app(state.clone());
        async move {
            let response = app.oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, bytes)
        }
    };
    for route in ROUTES {
        let (method, path) = (route.method, route.path);
        let uri = path
            .replace("{tracking}", "BC-2026-000001")
            .replace("{action}", "verify")
            .replace("{document}", "birth_certificate")
            .replace("{fee}", "certificate_fee")
            .replace("{resource}", "centre")
            .replace("{code}", "ABC")
            .replace("{operation}", "birth-certificate-status")
            .replace("{key}", "BN-2026-000001")
            .replace("{id}", UPLOAD_EXAMPLE);
        let (status, body) = call(method, &uri, Body::empty()).await;
        // An unknown route gets axum's empty 404 (or 405); every handler answers with a body.
        assert!(
            status != StatusCode::METHOD_NOT_ALLOWED
                && !(status == StatusCode::NOT_FOUND && body.is_empty()),
            "{method} {uri}: {status}"
        );
        let documented = document(&state.blueprint(), example_day());
        assert!(
            documented["paths"][path][method]["responses"]
                .get(status.as_str())
                .is_some(),
            "{method} {uri}: {status} is not documented: {}",
            String::from_utf8_lossy(&body)
        );
    }
    let (status, body) = call(
        "post",
        "/api/attachments",
        Body::from(vec![b'%'; MAX_BODY + 1]),
    )
    .await;
    assert_eq!(
        (status, body.as_ref()),
        (StatusCode::PAYLOAD_TOO_LARGE, TOO_LARGE_BODY.as_bytes())
    );
}

fn example_day() -> Date {
    Date::parse(EXAMPLE_DAY).unwrap()
}

#[test]
fn the_submission_example_passes_the_runtime_checks() {
    let today = Now::read().today;
    // Made for the fixed day, checked then and today; made for today, checked today.
    for (made, days) in [
        (example_day(), vec![example_day(), today]),
        (today, vec![today]),
    ] {
        for name in CATALOGUE {
            submission_example_passes(name, made, &days);
        }
    }
}

fn submission_example_passes(name: &str, made: Date, days: &[Date]) {
    {
        let bp = blueprint(name);
        let doc = document(&bp, made);
        let example =
            doc["paths"]["/api/applications"]["post"]["requestBody"]["content"]["application/json"]
                ["example"]
                .as_object()
                .unwrap()
                .clone();
        assert_eq!(example, submission_example(&bp, made));
        for &day in days {
            match answers::check_answers(&bp, &example, day) {
                Ok(checked) => assert_eq!(
                    checked.values.len(),
                    example.len(),
                    "{name}: nothing is dropped"
                ),
                Err(problems) => {
                    // A slot cannot be checked without the store; anything else is a bug.
                    let slots: Vec<&str> = bp
                        .case_record()
                        .unwrap()
                        .fields
                        .iter()
                        .filter(|f| f.kind.value == FieldType::Appointment)
                        .map(|f| f.id.as_str())
                        .collect();
                    assert!(
                        problems.iter().all(|p| slots.contains(&p.field.as_str())),
                        "{name} on {day}: {problems:?}"
                    );
                }
            }
        }
        let builder = Builder::new(&bp, made);
        assert_eq!(
            builder.ex.exits_taken(&example),
            0,
            "{name}: the example ends on an exit page"
        );
    }
}

#[test]
fn the_action_examples_pass_the_runtime_checks() {
    for name in CATALOGUE {
        let bp = blueprint(name);
        let doc = document(&bp, example_day());
        let builder = Builder::new(&bp, example_day());
        for citizen in [false, true] {
            for action in builder.actions(citizen) {
                let prefix = if citizen {
                    "CitizenAction"
                } else {
                    "StaffAction"
                };
                let schema = &doc["components"]["schemas"][format!("{prefix}_{}", action.id)];
                let example = schema["examples"][0].as_object().unwrap();
                for t in &action.transitions {
                    let inputs: Map<String, Value> = example
                        .iter()
                        .filter(|(k, _)| t.inputs.iter().any(|f| f.id.as_str() == k.as_str()))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    let checked = answers::check_inputs(
                        &bp,
                        &t.inputs,
                        &inputs,
                        &quickwin_blueprint::expr::Row::new(),
                        builder.day,
                    );
                    assert!(checked.is_ok(), "{name}: {}: {checked:?}", action.id);
                    let corrections: Map<String, Value> = example
                        .iter()
                        .filter(|(k, _)| !inputs.contains_key(*k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    if citizen && !corrections.is_empty() {
                        let mut merged = submission_example(&bp, example_day());
                        merged.extend(corrections);
                        assert!(
                            answers::check_answers(&bp, &merged, builder.day).is_ok(),
                            "{name}: {}",
                            action.id
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn patterns_give_matching_examples() {
    for (p, want) in [
        ("BN-[0-9]{4}-[0-9]{6}", "BN-1234-567890"),
        ("[A-Z]{2}[0-9]{8}", "BC34567890"),
        ("(?:ab|cd)+x?", "ab"),
    ] {
        assert_eq!(quickwin_blueprint::examples::pattern::example(p, 0), want);
    }
    let name = quickwin_blueprint::examples::pattern::example(r"\S+( \S+){2,}", 1);
    assert!(
        regex::Regex::new(r"^(?:\S+( \S+){2,})$")
            .unwrap()
            .is_match(&name),
        "{name}"
    );
}

#[test]
fn the_application_schema_follows_the_fields() {
    let bp = blueprint("medical-appointment");
    let doc = document(&bp, example_day());
    let app = &doc["components"]["schemas"]["Application"];
    assert_eq!(app["additionalProperties"], false);
    let required: Vec<&str> = app["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(required.contains(&"patient_national_id"));
    // On a page shown only for someone else, or only for a pregnancy: not statically required.
    assert!(!required.contains(&"guardian_national_id") && !required.contains(&"pregnancy_week"));
    assert!(
        app["properties"].get("health_record_number").is_none(),
        "internal fields are not sent"
    );
    assert_eq!(app["properties"]["patient_full_name"]["maxLength"], 100);
    assert_eq!(app["properties"]["pregnancy_week"]["minimum"], 4);
    assert_eq!(
        app["properties"]["chronic_conditions"]["items"]["enum"][0],
        "diabetes"
    );
    assert_eq!(
        app["properties"]["patient_national_id"]["pattern"],
        "^[0-9]{12}$"
    );
}

#[test]
fn the_document_is_the_same_every_time() {
    let bp = blueprint("social-welfare");
    assert_eq!(
        document(&bp, example_day()).to_string(),
        document(&bp, example_day()).to_string()
    );
}

#[test]
fn birth_certificate_document() {
    insta::assert_json_snapshot!(
        "birth-certificate-openapi",
        document(&blueprint("birth-certificate"), example_day())
    );
}
