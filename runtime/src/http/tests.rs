//! The API through its router, with `oneshot` and no port: citizens, staff, the
//! agency's hooks and the errors, on catalogue blueprints with stores in memory.

use super::*;
use crate::app::app;

use axum::http::StatusCode;
use rusqlite::Connection;
use serde_json::{Value, json};

use crate::accounts;
use crate::state::ApiState;
use axum::body::Body;
use axum::http::Request;
use quickwin_blueprint::clock::Now;
use quickwin_blueprint::model::Blueprint;
use tower::ServiceExt;

fn state() -> ApiState {
    let bp = crate::catalogue("birth-certificate");
    let mut conn = Connection::open_in_memory().unwrap();
    super::super::store::migrate(&mut conn, &bp, false, "t").unwrap();
    accounts::add_user(
        &conn,
        &bp,
        "sara.clerk",
        &["clerk".into()],
        "clerk password 1",
        "t",
    )
    .unwrap();
    accounts::add_user(
        &conn,
        &bp,
        "ali.registrar",
        &["registrar".into()],
        "registrar password 1",
        "t",
    )
    .unwrap();
    // The calls to other agencies are tested end to end with the sandbox; here
    // the service has none, so no mediator is needed.
    let mut bp = bp;
    bp.integrations.clear();
    ApiState::new(bp, conn, None)
}

async fn call(
    s: &ApiState,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    // As a client sends JSON (the API reads a body only with a JSON type).
    let typed = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    if body.is_some() && !typed {
        req = req.header("content-type", "application/json");
    }
    let body = body.map_or(Body::empty(), |b| Body::from(b.to_string()));
    let res = app(s.clone())
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let media = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    // Every answer is held to the service's own document.
    let contract = crate::openapi::contract::Contract::new(crate::openapi::document(
        &s.blueprint(),
        Now::read().today,
    ));
    if let Err(m) = contract.check(method, uri, status.as_u16(), media.as_deref(), &bytes) {
        panic!("{m}\n{}", String::from_utf8_lossy(&bytes));
    }
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn application() -> Value {
    json!({
        "notification_number": "BN-2026-004211", "applicant_relation": "mother", "child_first_name": "زينب",
        "child_sex": "female", "child_date_of_birth": Now::read().today.to_string(), "place_of_birth": "baghdad",
        "mother_national_id": "199012345678", "father_national_id": "198812345670", "phone": "07701234567", "copies": 1
    })
}

async fn token(s: &ApiState, name: &str, password: &str) -> String {
    let (status, body) = call(
        s,
        "POST",
        "/api/session",
        &[],
        Some(json!({"name": name, "password": password})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["token"].as_str().unwrap().to_string()
}

mod hooked {
    //! The agency's hooks, held by one service's state, run through the real router: a
    //! check of theirs refuses a submission, a step sets a field, another is refused,
    //! and a fee is computed in code; a second service of the same blueprint id in
    //! the same process does not see them.
    use super::*;
    use crate::hooks::{Hooks, Problem, Refusal, Step, Values};

    #[derive(serde::Deserialize)]
    struct Birth {
        phone: Option<String>,
        copies: Option<f64>,
        child_first_name: Option<String>,
    }

    struct Office;

    impl Hooks for Office {
        type Application = Birth;

        fn validate(&self, a: &Birth) -> Vec<Problem> {
            if a.phone.as_deref() == Some("07700000000") {
                vec![Problem::custom(
                    "phone",
                    "not the office's line",
                    "ليس خط الدائرة",
                )]
            } else {
                Vec::new()
            }
        }

        fn fee(&self, fee: &str, a: &Birth) -> Option<i64> {
            (fee == "certificate_fee").then(|| 1234 * a.copies.unwrap_or(1.0) as i64)
        }

        fn step(&self, step: &Step<'_>, a: &Birth) -> Result<Values, Refusal> {
            match step.action {
                "verify" => Ok(json!({"family_name": format!("checked by {}", step.role)})
                    .as_object()
                    .cloned()
                    .unwrap_or_default()),
                "approve" if a.child_first_name.as_deref() == Some("Refused") => {
                    Err(Refusal::new("the archive refuses", "الأرشيف يرفض"))
                }
                _ => Ok(Values::new()),
            }
        }
    }

    fn hooked_state() -> ApiState {
        let s = state();
        let mut bp = (*s.blueprint()).clone();
        bp.id.value = "hooked-birth-certificate".into();
        s.replace(bp);
        s.with_hooks(Office.installed())
    }

    async fn submit(s: &ApiState, name: &str, phone: &str) -> (StatusCode, Value) {
        let mut a = application();
        a["child_first_name"] = json!(name);
        a["phone"] = json!(phone);
        a["copies"] = json!(2);
        call(s, "POST", "/api/applications", &[], Some(a)).await
    }

    #[tokio::test]
    async fn the_agencys_hooks_check_set_refuse_and_price() {
        let s = hooked_state();
        let (status, body) = submit(&s, "Zainab", "07700000000").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["problems"][0]["field"], "phone");
        assert_eq!(body["problems"][0]["code"], "custom");
        let clerk = format!(
            "Bearer {}",
            token(&s, "sara.clerk", "clerk password 1").await
        );
        let registrar = format!(
            "Bearer {}",
            token(&s, "ali.registrar", "registrar password 1").await
        );
        for (name, refused) in [("Zainab", false), ("Refused", true)] {
            let (status, created) = submit(&s, name, "07701234567").await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
            let tracking = created["tracking"].as_str().unwrap();
            let path = |action: &str| format!("/api/cases/{tracking}/actions/{action}");
            let (status, _) = call(
                &s,
                "POST",
                &path("verify"),
                &[("Authorization", &clerk)],
                None,
            )
            .await;
            assert_eq!(status, StatusCode::OK);
            let (status, body) = call(
                &s,
                "POST",
                &path("approve"),
                &[("Authorization", &registrar)],
                None,
            )
            .await;
            let (_, case) = call(
                &s,
                "GET",
                &format!("/api/cases/{tracking}"),
                &[("Authorization", &clerk)],
                None,
            )
            .await;
            assert_eq!(case["answers"]["family_name"], "checked by clerk", "{case}");
            if refused {
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
                assert_eq!(body["type"], "Refused");
                // Told in the service's default language, Arabic.
                assert_eq!(body["message"], "الأرشيف يرفض");
                assert_eq!(case["state"], "verified");
            } else {
                assert_eq!(status, StatusCode::OK, "{body}");
                assert_eq!(case["fees"][0]["amount"], 2468, "{case}");
            }
        }
    }

    /// The fee a clerk sees on a case verified and approved in `s`.
    async fn approved_fee(s: &ApiState, phone: &str) -> (StatusCode, Value) {
        let (status, created) = submit(s, "Zainab", phone).await;
        if status != StatusCode::CREATED {
            return (status, created);
        }
        let tracking = created["tracking"].as_str().unwrap();
        for (name, password, action) in [
            ("sara.clerk", "clerk password 1", "verify"),
            ("ali.registrar", "registrar password 1", "approve"),
        ] {
            let bearer = format!("Bearer {}", token(s, name, password).await);
            let path = format!("/api/cases/{tracking}/actions/{action}");
            let (status, body) = call(s, "POST", &path, &[("Authorization", &bearer)], None).await;
            assert_eq!(status, StatusCode::OK, "{action}: {body}");
        }
        let bearer = format!(
            "Bearer {}",
            token(s, "sara.clerk", "clerk password 1").await
        );
        let (_, case) = call(
            s,
            "GET",
            &format!("/api/cases/{tracking}"),
            &[("Authorization", &bearer)],
            None,
        )
        .await;
        (StatusCode::CREATED, case["fees"][0]["amount"].clone())
    }

    #[tokio::test]
    async fn two_services_of_one_blueprint_id_keep_their_own_hooks() {
        // The same id, `birth-certificate`, served twice in one process: one with
        // the office's hooks, one without, both mounted in one router.
        let hooked = state().with_hooks(Office.installed());
        let plain = state();
        assert_eq!(hooked.blueprint().id.value, plain.blueprint().id.value);
        let router = Router::new()
            .nest("/hooked", app(hooked.clone()))
            .nest("/plain", app(plain.clone()));
        // Their own checks: the office's line is refused in one, not the other.
        let mut a = application();
        a["phone"] = json!("07700000000");
        a["copies"] = json!(2);
        let post = |prefix: &str| {
            Request::post(format!("{prefix}/api/applications"))
                .header("content-type", "application/json")
                .body(Body::from(a.to_string()))
                .unwrap()
        };
        let answer = router.clone().oneshot(post("/hooked")).await.unwrap();
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let answer = router.clone().oneshot(post("/plain")).await.unwrap();
        assert_eq!(answer.status(), StatusCode::CREATED);
        // Their own fees: 1 234 a copy in code, the blueprint's amount without.
        let (_, fee) = approved_fee(&hooked, "07701234567").await;
        assert_eq!(fee, 2468);
        // The blueprint's `5000 + 1000 * (copies - 1)` for two copies.
        let (_, fee) = approved_fee(&plain, "07701234567").await;
        assert_eq!(fee, 6000, "the plain service used the other's fee hook");
    }
}

#[tokio::test]
async fn a_citizen_submits_and_tracks_with_the_access_code() {
    let s = state();
    let (status, created) = call(&s, "POST", "/api/applications", &[], Some(application())).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let tracking = created["tracking"].as_str().unwrap();
    let code = created["access_code"].as_str().unwrap();
    assert_eq!(created["status"]["ar"], "تم الاستلام");
    let (status, case) = call(
        &s,
        "GET",
        &format!("/api/applications/{tracking}"),
        &[("X-Access-Code", code)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(case["answers"]["child_first_name"], "زينب");
    assert!(case.to_string().find("staff:").is_none());
    // A wrong code and an unknown number get the same 404.
    let wrong = call(
        &s,
        "GET",
        &format!("/api/applications/{tracking}"),
        &[("X-Access-Code", "AAAAAAAAAA")],
        None,
    )
    .await;
    let unknown = call(
        &s,
        "GET",
        "/api/applications/BC-1999-000001",
        &[("X-Access-Code", code)],
        None,
    )
    .await;
    assert_eq!(wrong, unknown);
    assert_eq!(wrong.0, StatusCode::NOT_FOUND);
}

/// The harness's check can fail: a document that promises a history item's `reason`
/// (as it once did) is caught on a real answer, named by operation and pointer.
#[tokio::test]
async fn a_document_that_promises_more_than_the_answer_fails_the_check() {
    let s = state();
    let (_, created) = call(&s, "POST", "/api/applications", &[], Some(application())).await;
    let tracking = created["tracking"].as_str().unwrap().to_string();
    let code = created["access_code"].as_str().unwrap().to_string();
    let res = app(s.clone())
        .oneshot(
            Request::get(format!("/api/applications/{tracking}"))
                .header("X-Access-Code", code)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let mut doc = crate::openapi::document(&s.blueprint(), Now::read().today);
    doc["components"]["schemas"]["PublicEvent"]["required"] =
        json!(["at", "action", "state", "status", "reason"]);
    let broken = crate::openapi::contract::Contract::new(doc);
    let m = broken
        .check(
            "GET",
            &format!("/api/applications/{tracking}"),
            200,
            Some("application/json"),
            &bytes,
        )
        .unwrap_err();
    assert_eq!(
        (m.operation.as_str(), m.pointer.as_str()),
        ("trackApplication", "/history/0")
    );
    assert!(m.message.contains("`reason`"), "{m}");
}

#[tokio::test]
async fn the_problems_are_counted_in_the_language_plural_forms() {
    let s = state();
    let mut one = application();
    one["phone"] = json!("123");
    let mut two = one.clone();
    two["copies"] = json!("many");
    let table = [
        (&one, "ar", "في الطلب مشكلة واحدة مبيّنة أدناه"),
        (&two, "ar", "في الطلب مشكلتان، كل منهما مبيّن أدناه"),
        (&one, "en", "the request has 1 problem; it is named below"),
        (
            &two,
            "en",
            "the request has 2 problems; each is named below",
        ),
    ];
    for (body, lang, message) in table {
        let (status, answer) = call(
            &s,
            "POST",
            "/api/applications",
            &[("Accept-Language", lang)],
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["message"], message, "{answer}");
    }
}

#[tokio::test]
async fn bad_input_names_every_problem_and_stores_nothing() {
    let s = state();
    let mut bad = application();
    bad["phone"] = json!("123");
    bad["copies"] = json!("many");
    let (status, body) = call(&s, "POST", "/api/applications", &[], Some(bad.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["phone", "copies"]);
    assert!(
        body["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("رقم هاتف محمول"),
        "the blueprint's first language is Arabic: {body}"
    );
    let (_, english) = call(
        &s,
        "POST",
        "/api/applications",
        &[("Accept-Language", "en-GB,en;q=0.9")],
        Some(bad.clone()),
    )
    .await;
    assert!(
        english["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("mobile number"),
        "{english}"
    );
    let (status, _) = call(&s, "POST", "/api/applications", &[], Some(json!([1, 2]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let stored: i64 = s
        .conn
        .lock()
        .unwrap()
        .query_row("SELECT COUNT(*) FROM cases", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 0);
}

/// The stall licence with a market (a choice the office fills) and the inspector's
/// queue naming its columns.
fn stalls() -> (Blueprint, ApiState) {
    let bp = crate::portal::tests::licence(|t| {
        t.replace(
                "    label: {en: Market inspector, ar: مفتش السوق}\n",
                "    label: {en: Market inspector, ar: مفتش السوق}\n    queue: {columns: [holder_name, stall_number, stall_size_m2, market]}\n",
            )
            .replace(
                "      - id: holder_name\n",
                "      - id: market\n        type: choice\n        label: {en: Market, ar: السوق}\n        internal: true\n        options:\n          - value: shorja\n            label: {en: Shorja market, ar: سوق الشورجة}\n          - value: jamila\n            label: {en: Jamila market, ar: سوق جميلة}\n      - id: holder_name\n",
            )
    });
    let mut conn = Connection::open_in_memory().unwrap();
    super::super::store::migrate(&mut conn, &bp, false, "t").unwrap();
    let mut served = bp.clone();
    served.integrations.clear();
    (bp, ApiState::new(served, conn, None))
}

#[tokio::test]
async fn the_case_list_has_the_queues_columns_in_words_filtered_and_sorted() {
    let (bp, s) = stalls();
    let t = crate::portal::tests::three_stalls(&s, &bp).await;
    s.conn
        .lock()
        .unwrap()
        .execute(
            "UPDATE cases SET market = 'shorja' WHERE tracking = ?1",
            [&t[0]],
        )
        .unwrap();
    let auth = format!(
        "Bearer {}",
        token(&s, "ali.inspector", "inspector password 1").await
    );
    let get = |uri: String, lang: &'static str| {
        let (s, auth) = (s.clone(), auth.clone());
        async move {
            call(
                &s,
                "GET",
                &uri,
                &[("Authorization", &auth), ("Accept-Language", lang)],
                None,
            )
            .await
        }
    };
    let order = |list: &Value| -> Vec<usize> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| t.iter().position(|x| i["tracking"] == **x).unwrap())
            .collect()
    };
    let (status, list) = get("/api/cases?queue=inspector".into(), "en").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let ids: Vec<&str> = list["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["holder_name", "stall_number", "stall_size_m2", "market"]
    );
    assert_eq!(
        list["columns"][3]["label"],
        json!({"ar": "السوق", "en": "Market"})
    );
    assert_eq!(
        list["items"][0]["columns"],
        json!({"holder_name": "Ali Hassan", "stall_number": "SH-0001", "stall_size_m2": "5", "market": "Shorja market"})
    );
    assert_eq!(list["items"][1]["columns"]["market"], "");
    let (_, ar) = get("/api/cases?queue=inspector".into(), "ar").await;
    assert_eq!(ar["items"][0]["columns"]["market"], "سوق الشورجة");
    // A choice is found by its label, a column by its value, a case by its number.
    let (_, found) = get("/api/cases?queue=inspector&q=shorja%20MARKET".into(), "en").await;
    assert_eq!(order(&found), [0]);
    let (_, found) = get("/api/cases?queue=inspector&q=sh-0003".into(), "en").await;
    assert_eq!(order(&found), [2]);
    let (_, found) = get(format!("/api/cases?q={}", t[1]), "en").await;
    assert_eq!((order(&found), found["total"].as_i64()), (vec![1], Some(1)));
    let (_, none) = get("/api/cases?q=%25".into(), "en").await;
    assert_eq!(none["total"], 0, "`%` is a character, not a wildcard");
    // Sorted by a column, by age, both ways.
    let (_, sorted) = get(
        "/api/cases?queue=inspector&sort=stall_size_m2&order=desc".into(),
        "en",
    )
    .await;
    assert_eq!(order(&sorted), [1, 2, 0]);
    let (_, sorted) = get("/api/cases?sort=age&order=asc".into(), "en").await;
    assert_eq!(order(&sorted), [2, 1, 0]);
    let (_, sorted) = get(
        "/api/cases?sort=tracking&order=desc&page_size=2".into(),
        "en",
    )
    .await;
    assert_eq!(
        (order(&sorted), sorted["total"].as_i64()),
        (vec![2, 1], Some(3))
    );
    // Without a queue, the default columns: the applicant's name, then the first two
    // required answers.
    let (_, default) = get("/api/cases".into(), "en").await;
    let ids: Vec<&str> = default["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["holder_name", "national_id", "stall_number"]);
    assert_eq!(default["columns"][1]["label"]["en"], "National ID number");
    // A column of another role's queue, or an unknown order, is named.
    let (status, refused) = get("/api/cases?sort=market&order=up".into(), "en").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("cannot sort by `market`")
            && message.contains("`order` must be `asc` or `desc`, found `up`"),
        "{message}"
    );
    // A filter by state.
    let (status, _) = call(
        &s,
        "POST",
        &format!("/api/cases/{}/actions/fail", t[2]),
        &[("Authorization", &auth)],
        Some(json!({"fail_reason": "no stall at this number"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, failed) = get("/api/cases?state=failed".into(), "en").await;
    assert_eq!(order(&failed), [2]);
}

#[tokio::test]
async fn the_staff_api_calls_the_answers_answers_and_an_action_tells_the_status() {
    let (bp, s) = stalls();
    let t = crate::portal::tests::three_stalls(&s, &bp).await;
    let auth = format!(
        "Bearer {}",
        token(&s, "ali.inspector", "inspector password 1").await
    );
    let (_, case) = call(
        &s,
        "GET",
        &format!("/api/cases/{}", t[0]),
        &[("Authorization", &auth)],
        None,
    )
    .await;
    assert_eq!(case["answers"]["stall_number"], "SH-0001", "{case}");
    assert!(case.get("values").is_none(), "{case}");
    assert_eq!(
        case["actions"][0]["inputs"][0]["label"]["en"],
        "Inspection notes"
    );
    for (tracking, action, lang, input, said) in [
        (
            &t[0],
            "fail",
            "en",
            json!({"fail_reason": "The stall blocks the fire exit"}),
            "Did not pass the inspection",
        ),
        (
            &t[1],
            "pass",
            "ar",
            json!({}),
            "اجتاز التفتيش — يرجى دفع الرسم",
        ),
    ] {
        let (status, done) = call(
            &s,
            "POST",
            &format!("/api/cases/{tracking}/actions/{action}"),
            &[("Authorization", &auth), ("Accept-Language", lang)],
            Some(input),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert_eq!(done["status"][lang], said, "{done}");
        assert_eq!(done["tracking"], **tracking);
        assert!(
            done["answers"]["stall_number"].is_string() && done.get("values").is_none(),
            "{done}"
        );
        assert!(
            done["history"].as_array().unwrap().len() == 2 && done["actions"].is_array(),
            "{done}"
        );
    }
}

#[tokio::test]
async fn staff_work_cases_within_their_roles() {
    let s = state();
    let (_, created) = call(&s, "POST", "/api/applications", &[], Some(application())).await;
    let tracking = created["tracking"].as_str().unwrap().to_string();
    let (status, _) = call(&s, "GET", "/api/cases", &[], None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(
        &s,
        "POST",
        "/api/session",
        &[],
        Some(json!({"name": "sara.clerk", "password": "nope"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let clerk = format!(
        "Bearer {}",
        token(&s, "sara.clerk", "clerk password 1").await
    );
    let registrar = format!(
        "Bearer {}",
        token(&s, "ali.registrar", "registrar password 1").await
    );
    let (status, list) = call(
        &s,
        "GET",
        "/api/cases?state=submitted",
        &[("Authorization", &clerk)],
        None,
    )
    .await;
    assert_eq!((status, list["total"].as_i64()), (StatusCode::OK, Some(1)));
    let path = |action: &str| format!("/api/cases/{tracking}/actions/{action}");
    assert_eq!(
        call(
            &s,
            "POST",
            &path("verify"),
            &[("Authorization", &registrar)],
            None
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(
            &s,
            "POST",
            &path("approve"),
            &[("Authorization", &registrar)],
            None
        )
        .await
        .0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        call(
            &s,
            "POST",
            &path("launch"),
            &[("Authorization", &clerk)],
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let (status, verified) = call(
        &s,
        "POST",
        &path("verify"),
        &[("Authorization", &clerk)],
        None,
    )
    .await;
    assert_eq!(
        (status, verified["state"].as_str()),
        (StatusCode::OK, Some("verified"))
    );
    let (status, body) = call(
        &s,
        "POST",
        &path("reject"),
        &[("Authorization", &registrar)],
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["problems"][0]["field"], "reason");
    let (status, approved) = call(
        &s,
        "POST",
        &path("approve"),
        &[("Authorization", &registrar)],
        None,
    )
    .await;
    assert_eq!(
        (status, approved["state"].as_str()),
        (StatusCode::OK, Some("awaiting_payment"))
    );
    let (status, full) = call(
        &s,
        "GET",
        &format!("/api/cases/{tracking}"),
        &[("Authorization", &clerk)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let actors: Vec<&str> = full["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(actors[1..], ["staff:sara.clerk", "staff:ali.registrar"]);
    assert_eq!(
        call(
            &s,
            "DELETE",
            "/api/session",
            &[("Authorization", &clerk)],
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&s, "GET", "/api/cases", &[("Authorization", &clerk)], None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn json_comes_only_as_json_and_failed_sign_ins_lock_the_account() {
    let s = state();
    let body = json!({"name": "sara.clerk", "password": "clerk password 1"});
    let (status, answer) = call(
        &s,
        "POST",
        "/api/session",
        &[("content-type", "text/plain"), ("accept-language", "en")],
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{answer}");
    assert_eq!(answer["type"], "UnsupportedMediaType");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("found `text/plain`"),
        "{answer}"
    );
    for _ in 0..5 {
        let wrong = json!({"name": "sara.clerk", "password": "guess"});
        let (status, _) = call(&s, "POST", "/api/session", &[], Some(wrong)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let request = Request::post("/api/session")
        .header("content-type", "application/json")
        .header("accept-language", "en")
        .body(Body::from(body.to_string()))
        .unwrap();
    let locked = app(s.clone()).oneshot(request).await.unwrap();
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = locked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    // Another account is not locked.
    token(&s, "ali.registrar", "registrar password 1").await;
}
