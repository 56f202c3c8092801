//! Nothing guessed goes unchecked: wrong passwords, access codes and verification codes
//! from one client are answered with 429 and `Retry-After`, an account is locked after
//! its failures, submissions from one client are limited, and one phone number gets only
//! so many text messages.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{birth_answers, header, raw, serve, serve_guarded};

/// A JSON request on `port`: status, head (lowercase) and body as JSON.
fn send(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> (u16, String, Value) {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    let text = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let (status, head, bytes) = raw(port, method, path, &all, text.as_bytes());
    (
        status,
        head,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A 429 as the service answers one: `Retry-After` in seconds and the type.
fn assert_slowed(status: u16, head: &str, body: &Value) {
    assert_eq!(status, 429, "{head}\n{body}");
    let wait: u64 = header(head, "retry-after")
        .first()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After: {head}"));
    assert!(wait >= 1, "{head}");
    assert_eq!(body["type"], "TooManyRequests", "{body}");
}

/// Seen: 200 wrong staff passwords in 4.6 s, then the right one → 201.
#[test]
fn wrong_passwords_lock_the_account_even_against_the_right_one() {
    let s = serve("blueprints/birth-certificate.yaml", "security-sign-in", &[]);
    let password = s.passwords["demo.clerk"].clone();
    let mut slowed = None;
    for tried in 1..=20 {
        let (status, head, body) = send(
            s.port,
            "POST",
            "/api/session",
            &[],
            &json!({"name": "demo.clerk", "password": format!("guess-{tried}")}),
        );
        if status == 429 {
            slowed = Some((tried, head, body));
            break;
        }
        assert_eq!(status, 401, "{body}");
    }
    let (tried, head, body) = slowed.expect("no 429 in 20 wrong passwords");
    assert!(tried <= 6, "slowed only at the {tried}th try");
    assert_slowed(429, &head, &body);
    // Locked: the right password is refused too, in the service's words.
    let (status, head, body) = send(
        s.port,
        "POST",
        "/api/session",
        &[("Accept-Language", "ar")],
        &json!({"name": "demo.clerk", "password": password}),
    );
    assert_slowed(status, &head, &body);
    assert!(body["message"].as_str().unwrap().contains("يرجى"), "{body}");
    // Another account of the same office is not locked.
    let other = s.passwords["demo.registrar"].clone();
    let (status, _, body) = send(
        s.port,
        "POST",
        "/api/session",
        &[],
        &json!({"name": "demo.registrar", "password": other}),
    );
    assert_eq!(status, 201, "{body}");
}

/// Seen: 300 access codes guessed with no 429.
#[test]
fn guessed_access_codes_are_answered_with_429() {
    let s = serve(
        "blueprints/birth-certificate.yaml",
        "security-access-codes",
        &[],
    );
    let (tracking, code) = s.submit(&birth_answers(&s));
    let path = format!("/api/applications/{tracking}");
    let mut slowed = None;
    for tried in 1..=30 {
        let guess = format!("GUESS{tried:05}");
        let (status, head, body) = send(
            s.port,
            "GET",
            &path,
            &[("X-Access-Code", &guess)],
            &Value::Null,
        );
        if status == 429 {
            slowed = Some((tried, head, body));
            break;
        }
        assert_eq!(status, 404, "{body}");
    }
    let (tried, head, body) = slowed.expect("no 429 in 30 wrong access codes");
    assert!(tried <= 11, "slowed only at the {tried}th guess");
    assert_slowed(429, &head, &body);
    // The right code is not let through while the client is slowed down.
    let (status, head, body) = send(
        s.port,
        "GET",
        &path,
        &[("X-Access-Code", &code)],
        &Value::Null,
    );
    assert_slowed(status, &head, &body);
}

/// Seen: 300 verification codes guessed with no 429.
#[test]
fn guessed_verification_codes_are_answered_with_429() {
    let s = serve(
        "blueprints/birth-certificate.yaml",
        "security-verification",
        &[],
    );
    let mut slowed = None;
    for tried in 1..=40 {
        let (status, head, body) = send(
            s.port,
            "GET",
            &format!("/api/verify/NOPE{tried:06}"),
            &[],
            &Value::Null,
        );
        if status == 429 {
            slowed = Some((tried, head, body));
            break;
        }
        assert_eq!(status, 404, "{body}");
    }
    let (tried, head, body) = slowed.expect("no 429 in 40 wrong verification codes");
    assert!(tried <= 21, "slowed only at the {tried}th guess");
    assert_slowed(429, &head, &body);
}

/// Seen: 300 submissions with no 429 — here with the limit set low, as a service may;
/// an `X-Forwarded-For` from a client that is no trusted proxy changes nothing.
#[test]
fn submissions_from_one_client_are_limited() {
    let s = serve_guarded(
        "blueprints/birth-certificate.yaml",
        "security-submissions",
        &[],
        "submissions=3/1m",
    );
    let answers = birth_answers(&s);
    for _ in 0..3 {
        s.submit(&answers);
    }
    let (status, head, body) = send(s.port, "POST", "/api/applications", &[], &answers);
    assert_slowed(status, &head, &body);
    let (status, head, body) = send(
        s.port,
        "POST",
        "/api/applications",
        &[("X-Forwarded-For", "203.0.113.9")],
        &answers,
    );
    assert_slowed(status, &head, &body);
}

/// Seen: 300 submissions sent 300 SMS to one phone. Eight applications naming one
/// phone (well within the per-client limit of submissions) send it only as many texts
/// as the limit per phone allows (5 by default).
#[test]
fn one_phone_number_gets_only_so_many_text_messages() {
    let s = serve("blueprints/birth-certificate.yaml", "security-sms", &[]);
    let answers = birth_answers(&s);
    let phone = answers["phone"].as_str().unwrap().to_string();
    for _ in 0..8 {
        s.submit(&answers);
    }
    let inbox = || {
        let (status, body) = s.agency_raw(&format!("/mock/MOC/notify/messages/inbox/{phone}"));
        assert_eq!(status, 200, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        v["items"].as_array().map_or(0, Vec::len)
    };
    let started = Instant::now();
    while inbox() < 5 && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(200));
    }
    // Time for the other three to go out, were they to.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(inbox(), 5);
}
