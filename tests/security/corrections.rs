//! A correction is checked as a first submission is: its answers validated and the
//! look-ups of other agencies made again for what it changes.

use serde_json::json;

use crate::{birth_answers, serve};

/// Seen: a resubmitted (corrected) application with a birth-notification number that
/// does not exist — refused with 422 on first submission — is accepted.
#[test]
fn a_correction_to_an_unknown_birth_notification_is_refused_like_a_submission() {
    let s = serve(
        "blueprints/birth-certificate.yaml",
        "security-corrections",
        &[],
    );
    let answers = birth_answers(&s);
    let mut unknown = answers.clone();
    unknown["notification_number"] = json!("BN-1999-999999");
    let (status, body) = s.call("POST", "/api/applications", &[], &unknown);
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["type"], "IntegrationFailed");

    let (tracking, code) = s.submit(&answers);
    let clerk = s.staff("clerk");
    let (status, body) = s.call(
        "POST",
        &format!("/api/cases/{tracking}/actions/send_back"),
        &[("Authorization", &clerk)],
        &json!({"reason": "Please check the child's name."}),
    );
    assert_eq!(status, 200, "{body}");
    let resubmit = format!("/api/applications/{tracking}/actions/resubmit");
    let (status, body) = s.call(
        "POST",
        &resubmit,
        &[("X-Access-Code", &code), ("Accept-Language", "en")],
        &json!({"notification_number": "BN-1999-999999"}),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["type"], "IntegrationFailed", "{body}");
    // Nothing changed: the case still waits for its correction, with its number.
    let (status, case) = s.call(
        "GET",
        &format!("/api/cases/{tracking}"),
        &[("Authorization", &clerk)],
        &serde_json::Value::Null,
    );
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["state"], "needs_correction");
    assert_eq!(
        case["answers"]["notification_number"],
        answers["notification_number"]
    );
    // A malformed one is refused by the field's own check, as at submission.
    let (status, body) = s.call(
        "POST",
        &resubmit,
        &[("X-Access-Code", &code)],
        &json!({"notification_number": "nonsense"}),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["type"], "InvalidRequest", "{body}");
    // A correction to a real notification goes through.
    let (status, body) = s.call(
        "POST",
        &resubmit,
        &[("X-Access-Code", &code)],
        &json!({"notification_number": answers["notification_number"]}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "submitted", "{body}");
}
