//! Money: one fee is charged once, however many requests pay it at once, and the
//! payments agency's own error texts stay between the agencies.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::support::{http, scratch};
use crate::world::{Running, serve};

/// A water-fees application with its bill due: its tracking number and access code.
fn bill(s: &Running) -> (String, String) {
    for page in 1..=10 {
        let people = s.admin_get(&format!(
            "/r1/IQ/GOV/MOI/civil-registry/persons/persons?page_size=100&page={page}"
        ));
        for p in people["items"].as_array().into_iter().flatten() {
            let id = p["national_id"].as_str().unwrap_or_default();
            let found = s.admin_get(&format!(
                "/r1/IQ/GOV/MMPW/water/accounts/accounts?national_id={id}"
            ));
            let Some(account) = found["items"].as_array().and_then(|a| a.first()) else {
                continue;
            };
            let answers = json!({
                "water_account_number": account["number"], "payer_relation": "subscriber",
                "payer_national_id": id, "payer_full_name": p["full_name"], "phone": "07711234567"
            });
            let (status, body) = http(
                s.port,
                "POST",
                "/api/applications",
                &[],
                &answers.to_string(),
            );
            assert_eq!(status, 201, "{body}");
            let v: Value = serde_json::from_str(&body).unwrap();
            return (
                v["tracking"].as_str().unwrap().to_string(),
                v["access_code"].as_str().unwrap().to_string(),
            );
        }
    }
    panic!("no water account in the registry's first 1000 persons")
}

fn charges(s: &Running, tracking: &str) -> (i64, i64) {
    let conn = rusqlite::Connection::open(s.data.join("agencies.db")).unwrap();
    conn.query_row(
        "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM payments WHERE reference = ?1 AND status = 'succeeded'",
        [tracking],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

/// Seen: ten concurrent payments of a 6 000 IQD fee gave ten successful charges under
/// one receipt; two (a double click) gave two.
#[test]
fn twenty_concurrent_payments_of_one_fee_charge_it_once() {
    let data = scratch("security-fees");
    let s = serve("blueprints/water-fees.yaml", &data);
    let (tracking, code) = bill(&s);
    let pay = format!("/api/applications/{tracking}/fees/water_charges/payment");
    let answers = Arc::new(Mutex::new(Vec::new()));
    let port = s.port;
    let workers: Vec<_> = (0..20)
        .map(|_| {
            let (pay, code, answers) = (pay.clone(), code.clone(), answers.clone());
            std::thread::spawn(move || {
                let card = json!({"card_number": "4111 1111 1111 1111"}).to_string();
                let (status, body) = http(port, "POST", &pay, &[("X-Access-Code", &code)], &card);
                answers.lock().unwrap().push((status, body));
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let answers = answers.lock().unwrap().clone();
    let paid: Vec<&(u16, String)> = answers.iter().filter(|(s, _)| *s == 200).collect();
    assert_eq!(paid.len(), 1, "exactly one request pays: {answers:?}");
    assert!(
        answers.iter().all(|(s, _)| *s == 200 || *s == 409),
        "the others are told it is paid or being paid: {answers:?}"
    );
    let (count, _) = charges(&s, &tracking);
    assert_eq!(count, 1, "one charge at the payments agency");
    // And a later repeat (the double click after the answer) charges nothing more.
    let card = json!({"card_number": "4111111111111111"}).to_string();
    let (status, body) = http(s.port, "POST", &pay, &[("X-Access-Code", &code)], &card);
    assert_eq!(status, 409, "{body}");
    assert_eq!(charges(&s, &tracking).0, 1);
    let receipt: Value = serde_json::from_str(&paid[0].1).unwrap();
    assert!(
        receipt["receipt"].as_str().unwrap().starts_with("RCPT-"),
        "{receipt}"
    );
}

/// Seen: the payments agency's error text, which lists its test cards, reached the
/// applicant.
#[test]
fn an_agencys_error_reaches_the_applicant_in_the_services_words() {
    let data = scratch("security-fee-words");
    let s = serve("blueprints/water-fees.yaml", &data);
    let (tracking, code) = bill(&s);
    let pay = format!("/api/applications/{tracking}/fees/water_charges/payment");
    let card = json!({"card_number": "5555 5555 5555 4444"}).to_string();
    let (status, body) = http(
        s.port,
        "POST",
        &pay,
        &[("X-Access-Code", &code), ("Accept-Language", "en")],
        &card,
    );
    assert_eq!(status, 422, "{body}");
    for leaked in ["4111", "4000000000000002", "test card", "Agency."] {
        assert!(!body.contains(leaked), "`{leaked}` leaked: {body}");
    }
    assert!(body.contains("card number was not accepted"), "{body}");
    assert_eq!(charges(&s, &tracking).0, 0);
}
