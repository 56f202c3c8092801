//! Sessions and forms: the pages' CSRF token is the service's own and bound to the
//! staff session (renewed at sign-in), cookies are `Secure` behind HTTPS, the API reads
//! JSON only as JSON, and who may act is checked before anything of the case is told.

use serde_json::{Value, json};

use crate::{birth_answers, header, raw, serve, serve_guarded};

/// The `name=value` pairs of the `Set-Cookie` headers of a head read by [`raw`].
fn set_cookies(head: &str) -> Vec<String> {
    header(head, "set-cookie")
        .iter()
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
        .collect()
}

/// The value of the cookie ending with `suffix` among `pairs`.
fn cookie(pairs: &[String], suffix: &str) -> Option<String> {
    pairs
        .iter()
        .find_map(|p| p.split_once('=').filter(|(k, _)| k.ends_with(suffix)))
        .map(|(_, v)| v.to_string())
}

/// Post the back office's sign-in form with `jar` and `csrf`: status and head.
fn sign_in(port: u16, jar: &str, csrf: &str, name: &str, password: &str) -> (u16, String) {
    let form = format!("csrf={csrf}&name={name}&password={password}");
    let (status, head, _) = raw(
        port,
        "POST",
        "/office",
        &[
            ("Cookie", jar),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        form.as_bytes(),
    );
    (status, head)
}

/// Seen: the CSRF token is any value that matches its cookie (not tied to the session,
/// not renewed at sign-in).
#[test]
fn a_csrf_token_is_the_services_own_and_renewed_at_sign_in() {
    let s = serve("blueprints/birth-certificate.yaml", "security-csrf", &[]);
    let password = s.passwords["demo.clerk"].clone();
    // A token made up by someone else, in the cookie and the form alike, is refused.
    let made_up = "A".repeat(32);
    let jar = format!("qw_birth-certificate_csrf={made_up}");
    let (status, head) = sign_in(s.port, &jar, &made_up, "demo.clerk", &password);
    assert_eq!(status, 403, "{head}");
    // The service's own token signs in, and a new one comes with the session.
    let (status, head, _) = raw(s.port, "GET", "/office", &[], b"");
    assert_eq!(status, 200, "{head}");
    let before = cookie(&set_cookies(&head), "_csrf").expect("a csrf cookie");
    let jar = format!("qw_birth-certificate_csrf={before}");
    let (status, head) = sign_in(s.port, &jar, &before, "demo.clerk", &password);
    assert_eq!(status, 303, "{head}");
    let set = set_cookies(&head);
    let session = cookie(&set, "_staff").expect("a session cookie");
    let after = cookie(&set, "_csrf").expect("a new csrf cookie at sign-in");
    assert_ne!(before, after);
    // The token from before the sign-in no longer holds with the session.
    let signed_in = |csrf: &str| {
        format!("qw_birth-certificate_csrf={csrf}; qw_birth-certificate_staff={session}")
    };
    let sign_out = |csrf: &str| {
        raw(
            s.port,
            "POST",
            "/office/sign-out",
            &[
                ("Cookie", &signed_in(csrf)),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            format!("csrf={csrf}").as_bytes(),
        )
        .0
    };
    assert_eq!(sign_out(&before), 403);
    assert_eq!(sign_out(&after), 303);
}

/// Seen: cookies carry no `Secure` flag even behind HTTPS.
#[test]
fn cookies_are_secure_behind_https() {
    // Behind a proxy on the same machine that says the request came over HTTPS.
    let s = serve_guarded(
        "blueprints/birth-certificate.yaml",
        "security-secure-cookies",
        &[],
        "trusted-proxy=127.0.0.1",
    );
    let (status, head, _) = raw(
        s.port,
        "GET",
        "/?lang=en",
        &[("X-Forwarded-Proto", "https")],
        b"",
    );
    assert_eq!(status, 200, "{head}");
    let cookies = header(&head, "set-cookie");
    assert!(!cookies.is_empty(), "{head}");
    for c in &cookies {
        let c = c.to_lowercase();
        assert!(c.ends_with("; secure") || c.contains("; secure;"), "{c}");
    }
    // Over plain HTTP they cannot be Secure, or the browser would not send them back.
    let (_, head, _) = raw(s.port, "GET", "/?lang=en", &[], b"");
    for c in header(&head, "set-cookie") {
        assert!(!c.to_lowercase().contains("secure"), "{c}");
    }
}

/// Seen: JSON is accepted as `text/plain` (a form on another site can send that
/// without asking).
#[test]
fn json_is_read_only_with_a_json_content_type() {
    let s = serve("blueprints/birth-certificate.yaml", "security-json", &[]);
    let password = s.passwords["demo.clerk"].clone();
    let body = json!({"name": "demo.clerk", "password": password}).to_string();
    for kind in ["text/plain", "application/x-www-form-urlencoded"] {
        let (status, head, answer) = raw(
            s.port,
            "POST",
            "/api/session",
            &[("Content-Type", kind)],
            body.as_bytes(),
        );
        let answer: Value = serde_json::from_slice(&answer).unwrap_or(Value::Null);
        assert_eq!(status, 415, "{kind}: {head}\n{answer}");
        assert!(
            answer["message"]
                .as_str()
                .unwrap_or_default()
                .contains("`application/json`"),
            "{answer}"
        );
    }
    let (status, _, _) = raw(
        s.port,
        "POST",
        "/api/session",
        &[("Content-Type", "application/json; charset=utf-8")],
        body.as_bytes(),
    );
    assert_eq!(status, 201);
}

/// Seen: a citizen who calls a staff action learns the case's state before being
/// refused.
#[test]
fn a_citizen_calling_a_staff_action_learns_nothing_of_the_case() {
    let s = serve(
        "blueprints/birth-certificate.yaml",
        "security-authorisation",
        &[],
    );
    let (tracking, code) = s.submit(&birth_answers(&s));
    let verify = format!("/api/applications/{tracking}/actions/verify");
    let refuse = || s.call("POST", &verify, &[("X-Access-Code", &code)], &Value::Null);
    let (status, first) = refuse();
    assert_eq!(status, 403, "{first}");
    // Sent back: the case's state changed, the refusal did not.
    let clerk = s.staff("clerk");
    let (status, body) = s.call(
        "POST",
        &format!("/api/cases/{tracking}/actions/send_back"),
        &[("Authorization", &clerk)],
        &json!({"reason": "Check the name."}),
    );
    assert_eq!(status, 200, "{body}");
    let (status, second) = refuse();
    assert_eq!(status, 403, "{second}");
    assert_eq!(first, second);
    let text = second.to_string();
    for state in ["submitted", "needs_correction"] {
        assert!(!text.contains(state), "{text}");
    }
}
