//! Every mock agency's operations, called directly.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{get_ok, sandbox, send};

#[tokio::test]
async fn civil_registry_persons_households_and_verification() {
    let s = sandbox("civil-registry");
    let page = get_ok(
        &s,
        "/mock/MOI/civil-registry/persons/persons?page=1&page_size=5",
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    assert!(page["total"].as_i64().unwrap() >= 1000, "{page}");
    let person = &page["items"][0];
    let id = person["national_id"].as_str().unwrap();
    assert_eq!(id.len(), 12);
    let one = get_ok(
        &s,
        &format!("/mock/MOI/civil-registry/persons/persons/{id}"),
    )
    .await;
    assert_eq!(&one, person);
    assert!(one["full_name"].as_str().unwrap().split(' ').count() >= 4);
    let household = get_ok(
        &s,
        &format!("/mock/MOI/civil-registry/persons/persons/{id}/household"),
    )
    .await;
    let members = household["household"]["members"].as_array().unwrap();
    assert_eq!(
        household["household"]["size"].as_u64().unwrap() as usize,
        members.len()
    );
    assert!(members.iter().any(|m| m["national_id"] == id));
    for m in members {
        assert_eq!(m["family_number"], one["family_number"]);
    }
    let same = get_ok(
        &s,
        &format!("/mock/MOI/civil-registry/households/households/{id}"),
    )
    .await;
    assert_eq!(same, household);
    // Verification: the right name and date match, in Arabic or Latin letters.
    let verify = format!("/mock/MOI/civil-registry/persons/persons/{id}/verify");
    let ok = send(
        &s,
        "POST",
        &verify,
        &[],
        Some(json!({"full_name": one["full_name_latin"], "date_of_birth": one["date_of_birth"]})),
    )
    .await;
    assert_eq!(ok.json["match"], true, "{}", ok.text);
    let wrong = send(
        &s,
        "POST",
        &verify,
        &[],
        Some(json!({"full_name": one["full_name"], "date_of_birth": "1900-01-01"})),
    )
    .await;
    assert_eq!(
        (
            wrong.json["match"].clone(),
            wrong.json["name_matches"].clone()
        ),
        (json!(false), json!(true))
    );
    let bad = send(
        &s,
        "POST",
        &verify,
        &[],
        Some(json!({"date_of_birth": "31/12/1990"})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let detail = bad.json["detail"].as_str().unwrap();
    assert!(
        detail.contains("`full_name` is required")
            && detail.contains("`date_of_birth` must be a date"),
        "{detail}"
    );
    // Filters, paging and bad ids.
    let basra = get_ok(
        &s,
        "/mock/MOI/civil-registry/persons/persons?governorate=basra&page_size=100",
    )
    .await;
    assert!(
        basra["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["governorate"] == "basra")
    );
    let missing = send(
        &s,
        "GET",
        "/mock/MOI/civil-registry/persons/persons/000000000000",
        &[],
        None,
    )
    .await;
    assert_eq!(
        (missing.status, missing.json["type"].as_str()),
        (StatusCode::NOT_FOUND, Some("Agency.NotFound"))
    );
    let malformed = send(
        &s,
        "GET",
        "/mock/MOI/civil-registry/persons/persons/12ab",
        &[],
        None,
    )
    .await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let paging = send(
        &s,
        "GET",
        "/mock/MOI/civil-registry/persons/persons?page=0&page_size=1000&governorate=mars",
        &[],
        None,
    )
    .await;
    assert_eq!(paging.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn health_births_and_centres() {
    let s = sandbox("health");
    let centres = get_ok(
        &s,
        "/mock/MOH/primary-care/centres/centres?governorate=najaf",
    )
    .await;
    let items = centres["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|c| c["governorate"] == "najaf" && c["hours"].is_object())
    );
    let code = items[0]["code"].as_str().unwrap();
    assert_eq!(
        &get_ok(
            &s,
            &format!("/mock/MOH/primary-care/centres/centres/{code}")
        )
        .await,
        &items[0]
    );
    // A birth notification's mother exists in the civil registry.
    let first: String =
        s.db.with(|c| {
            Ok(c.query_row(
                "SELECT number FROM births ORDER BY number LIMIT 1",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let birth = get_ok(
        &s,
        &format!("/mock/MOH/births/notifications/notifications/{first}"),
    )
    .await;
    let by_mother = get_ok(
        &s,
        &format!(
            "/mock/MOH/births/notifications/notifications?mother_national_id={}",
            birth["mother_national_id"].as_str().unwrap()
        ),
    )
    .await;
    assert!(by_mother["items"].as_array().unwrap().contains(&birth));
    let number = birth["number"].as_str().unwrap();
    assert_eq!(
        &get_ok(
            &s,
            &format!("/mock/MOH/births/notifications/notifications/{number}")
        )
        .await,
        &birth
    );
    let mother = get_ok(
        &s,
        &format!(
            "/mock/MOI/civil-registry/persons/persons/{}",
            birth["mother_national_id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(mother["sex"], "female");
    let none = send(
        &s,
        "GET",
        "/mock/MOH/births/notifications/notifications/BN-1999-000001",
        &[],
        None,
    )
    .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn schools_and_enrolments() {
    let s = sandbox("education");
    let schools = get_ok(
        &s,
        "/mock/MOE/schools/schools/schools?governorate=baghdad&level=primary",
    )
    .await;
    let school = schools["items"][0].clone();
    assert_eq!(school["level"], "primary");
    let bad = send(
        &s,
        "GET",
        "/mock/MOE/schools/schools/schools?level=university",
        &[],
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Enrol a child of the registry who is not yet enrolled this year, then look it up.
    let persons = get_ok(
        &s,
        "/mock/MOI/civil-registry/persons/persons?governorate=baghdad&page_size=100",
    )
    .await;
    let mut enrolled = None;
    for p in persons["items"].as_array().unwrap() {
        let id = p["national_id"].as_str().unwrap();
        let body = json!({"national_id": id, "school_code": school["code"], "grade": 1, "school_year": "2030-2031"});
        let a = send(
            &s,
            "POST",
            "/mock/MOE/schools/enrolments/enrolments",
            &[],
            Some(body),
        )
        .await;
        if a.status == StatusCode::CREATED {
            enrolled = Some((id.to_string(), a.json));
            break;
        }
    }
    let (id, created) = enrolled.expect("someone can be enrolled");
    let number = created["enrolment"]["student_number"].as_str().unwrap();
    let list = get_ok(
        &s,
        &format!("/mock/MOE/schools/enrolments/enrolments?national_id={id}"),
    )
    .await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["student_number"] == number)
    );
    let again = send(&s, "POST", "/mock/MOE/schools/enrolments/enrolments", &[], Some(json!({"national_id": id, "school_code": school["code"], "grade": 1, "school_year": "2030-2031"}))).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let wrong = send(
        &s,
        "POST",
        "/mock/MOE/schools/enrolments/enrolments",
        &[],
        Some(json!({"national_id": "000000000000", "school_code": "nope", "grade": 13})),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.json["detail"].as_str().unwrap().contains("`grade`"));
}

#[tokio::test]
async fn water_accounts_readings_and_payments() {
    let s = sandbox("water");
    let persons = get_ok(&s, "/mock/MOI/civil-registry/persons/persons?page_size=50").await;
    let mut account = None;
    for p in persons["items"].as_array().unwrap() {
        let list = get_ok(
            &s,
            &format!(
                "/mock/MMPW/water/accounts/accounts?national_id={}",
                p["national_id"].as_str().unwrap()
            ),
        )
        .await;
        if let Some(a) = list["items"].as_array().unwrap().first() {
            account = Some(a.clone());
            break;
        }
    }
    let account = account.expect("a household head has an account");
    let number = account["number"].as_str().unwrap();
    assert_eq!(number.len(), 10);
    let readings = get_ok(&s, &format!("/mock/MMPW/water/readings/readings/{number}")).await;
    let items = readings["items"].as_array().unwrap();
    assert!(items.len() >= 12, "{readings}");
    assert!(
        items
            .windows(2)
            .all(|w| w[1]["value"].as_i64() >= w[0]["value"].as_i64())
    );
    let unbilled = get_ok(
        &s,
        &format!("/mock/MMPW/water/readings/readings/{number}/unbilled"),
    )
    .await;
    let period = unbilled["period"]["label"].as_str().unwrap().to_string();
    assert!(unbilled["consumption"]["cubic_metres"].as_i64().unwrap() > 0);
    let paid = send(
        &s,
        "POST",
        &format!("/mock/MMPW/water/accounts/accounts/{number}/payments"),
        &[],
        Some(json!({"period": period})),
    )
    .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.text);
    assert_eq!(paid.json["payment"]["amount"], unbilled["amount_due"]);
    let twice = send(
        &s,
        "POST",
        &format!("/mock/MMPW/water/accounts/accounts/{number}/payments"),
        &[],
        Some(json!({"period": period})),
    )
    .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let holder = account["holder_national_id"].as_str().unwrap();
    let opened = send(&s, "POST", "/mock/MMPW/water/accounts/accounts", &[], Some(json!({"national_id": holder, "governorate": "basra", "address": "حي الجزائر، شارع 14", "property_type": "commercial", "initial_reading": 12}))).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
    let new_number = opened.json["account"]["number"].as_str().unwrap();
    assert_eq!(
        get_ok(
            &s,
            &format!("/mock/MMPW/water/accounts/accounts/{new_number}")
        )
        .await["property_type"],
        "commercial"
    );
    let invalid = send(
        &s,
        "POST",
        "/mock/MMPW/water/accounts/accounts",
        &[],
        Some(json!({"governorate": "atlantis"})),
    )
    .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn payments_with_test_cards() {
    let s = sandbox("payments");
    let create = |reference: &str| json!({"amount": 5000, "currency": "IQD", "reference": reference, "description": "birth certificate"});
    let a = send(
        &s,
        "POST",
        "/mock/CBI/payments/payments/payments",
        &[],
        Some(create("BC-2026-000001")),
    )
    .await;
    assert_eq!(
        (a.status, a.json["status"].as_str()),
        (StatusCode::CREATED, Some("pending"))
    );
    let id = a.json["id"].as_str().unwrap().to_string();
    let pay = send(
        &s,
        "POST",
        &format!("/mock/CBI/payments/payments/payments/{id}/pay"),
        &[],
        Some(json!({"card_number": "4111 1111 1111 1111"})),
    )
    .await;
    assert_eq!(pay.json["status"], "succeeded", "{}", pay.text);
    assert_eq!(
        get_ok(&s, &format!("/mock/CBI/payments/payments/payments/{id}")).await["card_last4"],
        "1111"
    );
    let again = send(
        &s,
        "POST",
        &format!("/mock/CBI/payments/payments/payments/{id}/pay"),
        &[],
        Some(json!({"card_number": "4111111111111111"})),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let b = send(
        &s,
        "POST",
        "/mock/CBI/payments/payments/payments",
        &[],
        Some(create("BC-2026-000002")),
    )
    .await;
    let declined = send(
        &s,
        "POST",
        &format!(
            "/mock/CBI/payments/payments/payments/{}/pay",
            b.json["id"].as_str().unwrap()
        ),
        &[],
        Some(json!({"card_number": "4000000000000002"})),
    )
    .await;
    assert_eq!(declined.json["status"], "declined");
    let unknown = send(
        &s,
        "POST",
        &format!(
            "/mock/CBI/payments/payments/payments/{}/pay",
            b.json["id"].as_str().unwrap()
        ),
        &[],
        Some(json!({"card_number": "1234"})),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let invalid = send(
        &s,
        "POST",
        "/mock/CBI/payments/payments/payments",
        &[],
        Some(json!({"amount": -5, "currency": "USD"})),
    )
    .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let detail = invalid.json["detail"].as_str().unwrap();
    assert!(
        detail.contains("`amount`") && detail.contains("`IQD`") && detail.contains("`reference`"),
        "{detail}"
    );
    let not_json = send(
        &s,
        "POST",
        "/mock/CBI/payments/payments/payments",
        &[("content-type", "application/json")],
        None,
    )
    .await;
    assert_eq!(not_json.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn notifications_land_in_inboxes() {
    let s = sandbox("notify");
    let sms = send(
        &s,
        "POST",
        "/mock/MOC/notify/messages/sms",
        &[],
        Some(json!({"to": "+9647701234567", "text": "تم استلام طلبك رقم BC-2026-000001."})),
    )
    .await;
    assert_eq!(sms.status, StatusCode::ACCEPTED, "{}", sms.text);
    let mail = send(&s, "POST", "/mock/MOC/notify/messages/email", &[], Some(json!({"to": "Zainab@Example.iq", "subject": "Receipt", "text": "Paid <b>5000</b> IQD"}))).await;
    assert_eq!(mail.status, StatusCode::ACCEPTED);
    let inbox = get_ok(&s, "/mock/MOC/notify/messages/inbox/07701234567").await;
    assert_eq!(
        inbox["items"][0]["text"],
        "تم استلام طلبك رقم BC-2026-000001."
    );
    let page = send(&s, "GET", "/notify/inbox/zainab@example.iq", &[], None).await;
    assert!(
        page.text.contains("Paid &lt;b&gt;5000&lt;/b&gt; IQD"),
        "markup must be escaped: {}",
        page.text
    );
    let list = send(&s, "GET", "/notify/inbox", &[], None).await;
    assert!(list.text.contains("07701234567"));
    let bad = send(
        &s,
        "POST",
        "/mock/MOC/notify/messages/sms",
        &[],
        Some(json!({"to": "12345", "text": ""})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn health_records_pensions_properties_and_beneficiaries() {
    let s = sandbox("more-agencies");
    let page = get_ok(&s, "/mock/MOI/civil-registry/persons/persons?page_size=100").await;
    let persons = page["items"].as_array().unwrap();
    let id = persons[0]["national_id"].as_str().unwrap();
    // Every registered person has a health record kept at a centre of their governorate.
    let record = get_ok(
        &s,
        &format!("/mock/MOH/health-records/patients/patients/{id}"),
    )
    .await;
    assert!(
        record["record"]["number"]
            .as_str()
            .unwrap()
            .starts_with("HR-")
    );
    let centre = record["record"]["registered_centre"].as_str().unwrap();
    let c = get_ok(
        &s,
        &format!("/mock/MOH/primary-care/centres/centres/{centre}"),
    )
    .await;
    assert_eq!(c["governorate"], persons[0]["governorate"]);
    assert_eq!(
        send(
            &s,
            "GET",
            "/mock/MOH/health-records/patients/patients/000000000000",
            &[],
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // Pensions: everyone of 60 or more has one; a child has none.
    let today = quickwin_sandbox::util::today();
    let age = |p: &serde_json::Value| {
        quickwin_blueprint::expr::Date::parse(p["date_of_birth"].as_str().unwrap())
            .unwrap()
            .years_until(today)
    };
    let old = persons
        .iter()
        .find(|p| age(p) >= 60)
        .expect("someone of 60 or more");
    let pension = get_ok(
        &s,
        &format!(
            "/mock/MOF/pensions/pensioners/pensioners/{}",
            old["national_id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(pension["pension"]["type"], "retirement");
    assert!(pension["pension"]["monthly_amount"].as_i64().unwrap() >= 500_000);
    let child = persons.iter().find(|p| age(p) < 18).expect("a child");
    let none = get_ok(
        &s,
        &format!(
            "/mock/MOF/pensions/pensioners/pensioners/{}",
            child["national_id"].as_str().unwrap()
        ),
    )
    .await;
    assert!(none["pension"].is_null(), "{none}");
    let unknown = send(
        &s,
        "GET",
        "/mock/MOF/pensions/pensioners/pensioners/000000000000",
        &[],
        None,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // Real estate: a household head owns the home; look it up by owner, then by its numbers.
    let head = persons.iter().find(|p| {
        let id = p["national_id"].as_str().unwrap();
        !owned_plots(&s, id).is_empty()
    });
    let head = head.expect("a home owner among the first hundred persons");
    let owned = get_ok(
        &s,
        &format!(
            "/mock/MOJ/real-estate-registry/properties/properties?owner_national_id={}",
            head["national_id"].as_str().unwrap()
        ),
    )
    .await;
    let home = &owned["items"][0];
    let uri = format!(
        "/mock/MOJ/real-estate-registry/properties/properties/{}/{}/{}",
        home["governorate"].as_str().unwrap(),
        home["muqataa"],
        home["plot"]
    );
    let same = get_ok(&s, &uri).await;
    assert_eq!(&same, home);
    assert_eq!(same["owner"]["full_name"], head["full_name"]);
    let listed = get_ok(
        &s,
        &format!(
            "/mock/MOJ/real-estate-registry/properties/properties/{}/{}",
            home["governorate"].as_str().unwrap(),
            home["muqataa"]
        ),
    )
    .await;
    assert!(listed["items"].as_array().unwrap().contains(home));
    let bad = send(
        &s,
        "GET",
        "/mock/MOJ/real-estate-registry/properties/properties/mars/0/x",
        &[],
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let detail = bad.json["detail"].as_str().unwrap();
    assert!(
        detail.contains("`mars`") && detail.contains("`muqataa`") && detail.contains("`plot`"),
        "three problems named: {detail}"
    );
    // Social protection: enrol once, the amount follows the household size.
    let body =
        json!({"national_id": id, "governorate": persons[0]["governorate"], "household_size": 5});
    let enrolled = send(
        &s,
        "POST",
        "/mock/MOLSA/payments/beneficiaries/beneficiaries",
        &[],
        Some(body.clone()),
    )
    .await;
    assert_eq!(enrolled.status, StatusCode::CREATED, "{}", enrolled.text);
    assert_eq!(enrolled.json["beneficiary"]["monthly_amount"], 275_000);
    let number = enrolled.json["beneficiary"]["number"].as_str().unwrap();
    assert_eq!(
        get_ok(
            &s,
            &format!("/mock/MOLSA/payments/beneficiaries/beneficiaries/{number}")
        )
        .await,
        enrolled.json["beneficiary"]
    );
    let again = send(
        &s,
        "POST",
        "/mock/MOLSA/payments/beneficiaries/beneficiaries",
        &[],
        Some(body),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let wrong = send(
        &s,
        "POST",
        "/mock/MOLSA/payments/beneficiaries/beneficiaries",
        &[],
        Some(json!({"household_size": 0})),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The properties a person owns, read from the store.
fn owned_plots(s: &quickwin_sandbox::AppState, id: &str) -> Vec<i64> {
    let id = id.to_string();
    s.db.with(move |c| {
        let mut stmt = c
            .prepare("SELECT plot FROM properties WHERE owner_id = ?1")
            .unwrap();
        Ok(stmt
            .query_map([&id], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect())
    })
    .unwrap()
}
