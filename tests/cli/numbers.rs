//! Numbers an office can publish: a tracking number exists exactly when its case does —
//! a submission that an agency's answer refuses takes none, and a restart skips none —
//! and document numbers follow each other without gaps, across restarts too. And one
//! open application per thing: `workflow.unique` refuses a second, naming the first.

use serde_json::{Value, json};

use crate::serve::with_uploads;
use crate::served::{Served, serve};
use crate::support::{http, scratch};

const FILE: &str = "tests/fixtures/services/licence-renewal.yaml";

fn example(s: &Served) -> Value {
    let (status, doc) = s.call("GET", "/openapi.json", &[], &Value::Null);
    assert_eq!(status, 200);
    let mut example = doc["paths"]["/api/applications"]["post"]["requestBody"]["content"]
        ["application/json"]["example"]
        .clone();
    with_uploads(s, &mut example);
    example
}

/// Submit, pass the inspection and pay: the tracking number and the licence's number.
fn licensed(s: &Served, answers: &Value) -> (String, String) {
    let (tracking, code) = s.submit(answers);
    let inspector = s.staff("inspector");
    let (status, body) = s.act(&inspector, &tracking, "pass", &json!({}));
    assert_eq!(status, 200, "{body}");
    let (status, body) = s.call(
        "POST",
        &format!("/api/applications/{tracking}/fees/licence_fee/payment"),
        &[("X-Access-Code", &code)],
        &json!({"card_number": "4111111111111111"}),
    );
    assert_eq!(status, 200, "{body}");
    let case = s.settle(&inspector, &tracking, |c| c["state"] == "licensed");
    let number = case["documents"][0]["number"].as_str().unwrap().to_string();
    (tracking, number)
}

/// The `X-Road-Issue` of every entry in the mediator's log.
fn issues(s: &Served) -> Vec<String> {
    let (status, body) = http(
        s.sandbox,
        "GET",
        "/mediator/messages.json?limit=500",
        &[],
        "",
    );
    assert_eq!(status, 200, "{body}");
    let log: Value = serde_json::from_str(&body).unwrap();
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["issue"].as_str().map(str::to_string))
        .collect()
}

fn year() -> String {
    crate::serve::today()[..4].to_string()
}

fn refused(s: &Served, answers: &Value) {
    let mut unknown = answers.clone();
    unknown["national_id"] = json!("000000000019");
    let (status, body) = s.call("POST", "/api/applications", &[], &unknown);
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["type"], "IntegrationFailed", "{body}");
}

#[test]
fn numbers_have_no_gaps_and_a_restart_skips_none() {
    let data = scratch("numbers");
    let y = year();
    let first = {
        let s = serve(FILE, &data);
        let answers = example(&s);
        refused(&s, &answers);
        let (tracking, licence) = licensed(&s, &answers);
        assert_eq!(tracking, format!("MS-{y}-000001"));
        assert_eq!(licence, format!("MSL/{y}/000001"));
        refused(&s, &answers);
        issues(&s)
    };
    // The submissions' calls name their reference; the later calls name the case.
    assert!(first.iter().any(|i| i.starts_with("SUB-")), "{first:?}");
    assert!(
        !first.iter().any(|i| i == &format!("MS-{y}-000002")),
        "{first:?}"
    );
    let s = serve(FILE, &data);
    let answers = example(&s);
    let (tracking, licence) = licensed(&s, &answers);
    assert_eq!(tracking, format!("MS-{y}-000002"), "a restart skips none");
    assert_eq!(licence, format!("MSL/{y}/000002"));
    // Every tracking number in the log is a case's: none was handed out and then lost.
    let inspector = s.staff("inspector");
    for issue in issues(&s).iter().filter(|i| i.starts_with("MS-")) {
        let (status, _) = s.call(
            "GET",
            &format!("/api/cases/{issue}"),
            &[("Authorization", &inspector)],
            &Value::Null,
        );
        assert_eq!(status, 200, "the log names `{issue}`, which is no case");
    }
    // The case keeps the reference its submission's calls were made under.
    let case = s.state(&inspector, &tracking);
    let reference = case["history"][0]["detail"]["reference"]
        .as_str()
        .unwrap_or_else(|| panic!("no reference in {case}"));
    assert!(issues(&s).iter().any(|i| i == reference), "{reference}");
}

#[test]
fn a_second_open_application_for_the_same_stall_is_refused_naming_the_first() {
    let data = scratch("numbers-unique");
    let s = serve(FILE, &data);
    let answers = example(&s);
    let (first, _) = s.submit(&answers);
    for (lang, says) in [("en", "is still open"), ("ar", "ما زال مفتوحاً")] {
        let (status, body) = s.call(
            "POST",
            "/api/applications",
            &[("Accept-Language", lang)],
            &answers,
        );
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["type"], "Duplicate", "{body}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains(&first) && message.contains(says),
            "{lang}: {message}"
        );
    }
    // The service's OpenAPI document says so.
    let (_, doc) = s.call("GET", "/openapi.json", &[], &Value::Null);
    let conflict = &doc["paths"]["/api/applications"]["post"]["responses"]["409"];
    assert_eq!(
        conflict["content"]["application/json"]["examples"]["duplicate"]["value"]["type"],
        "Duplicate",
        "{conflict}"
    );
    // Another stall is no duplicate; nor is the same stall once the first is decided.
    let mut other = answers.clone();
    other["stall_number"] = json!("SH-0999");
    s.submit(&other);
    let inspector = s.staff("inspector");
    let (status, body) = s.act(
        &inspector,
        &first,
        "fail",
        &json!({"fail_reason": "No fire extinguisher."}),
    );
    assert_eq!(status, 200, "{body}");
    let (second, _) = s.submit(&answers);
    assert_ne!(second, first);
}
