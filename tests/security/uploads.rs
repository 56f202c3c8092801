//! Uploads cannot fill the disk: refused where no field takes a file, held to their
//! field's size and types (first bytes and a sniff of the content), forgotten when no
//! application claims them, and drafts capped; a file's name never breaks its download.

use std::time::Duration;

use serde_json::{Value, json};

use crate::{Served, adult, header, persons, raw, serve, serve_guarded};

/// A PDF of `size` bytes: its header, then filler.
fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.resize(size.saturating_sub(6), b'0');
    bytes.extend_from_slice(b"\n%%EOF");
    bytes
}

/// Upload `body` as `kind` to `path`: the status and the body as JSON.
fn upload(s: &Served, path: &str, kind: &str, body: &[u8]) -> (u16, Value) {
    let (status, _, body) = raw(s.port, "POST", path, &[("Content-Type", kind)], body);
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// Answers to the water-subscription service from the sandbox's people, with
/// `document` as the title deed.
fn water_answers(s: &Served, document: &str) -> Value {
    let person = persons(s, 2).into_iter().find(adult).expect("an adult");
    json!({
        "applicant_national_id": person["national_id"], "applicant_full_name": person["full_name"],
        "applicant_date_of_birth": person["date_of_birth"], "phone": "07801234567", "applicant_capacity": "owner",
        "property_governorate": "basra", "property_address": "البصرة، العشار، شارع الكورنيش، دار 7",
        "muqataa_number": "12", "plot_number": "345", "property_type": "house", "property_area_m2": 200, "floors": 2,
        "residents": 5, "previous_connection": false, "ownership_document": document
    })
}

/// Seen: ten anonymous 9.4 MB uploads in 1.35 s to a service with no file field.
#[test]
fn a_service_without_a_file_field_takes_no_upload() {
    let s = serve(
        "blueprints/birth-certificate.yaml",
        "security-no-file-field",
        &[],
    );
    let big = pdf(9_400_000);
    for _ in 0..3 {
        let (status, body) = upload(&s, "/api/attachments?name=a.pdf", "application/pdf", &big);
        assert_eq!(status, 404, "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .contains("no `file` field"),
            "{body}"
        );
    }
}

/// Seen: ten anonymous 9.4 MB uploads in 1.35 s — here files a field takes (4.9 MB
/// for 5 MB): the bytes one client uploads are limited (50 MB at once by default), then
/// 429 with `Retry-After`.
#[test]
fn one_client_uploads_only_so_many_bytes() {
    let s = serve(
        "blueprints/school-attendance.yaml",
        "security-upload-bytes",
        &[],
    );
    let file = pdf(4_900_000);
    let mut answers = Vec::new();
    for _ in 0..14 {
        let (status, head, body) = raw(
            s.port,
            "POST",
            "/api/attachments?name=card.pdf&field=vaccination_card",
            &[("Content-Type", "application/pdf")],
            &file,
        );
        answers.push(status);
        if status == 429 {
            assert!(!header(&head, "retry-after").is_empty(), "{head}");
            let body: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(body["type"], "TooManyRequests", "{body}");
            break;
        }
        assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    }
    assert_eq!(answers.last(), Some(&429), "{answers:?}");
    assert!(answers.len() <= 11, "{answers:?}");
}

/// Seen: a 9.4 MB file accepted for a field limited to 5 MB.
#[test]
fn a_file_larger_than_its_field_takes_is_refused_at_upload() {
    let s = serve(
        "blueprints/water-subscription.yaml",
        "security-too-large",
        &[],
    );
    let (status, body) = upload(
        &s,
        "/api/attachments?name=deed.pdf&field=ownership_document",
        "application/pdf",
        &pdf(9_400_000),
    );
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["type"], "TooLarge", "{body}");
    // Not named at upload, it is held to the field's size when an application claims it.
    let (status, body) = upload(
        &s,
        "/api/attachments?name=deed.pdf",
        "application/pdf",
        &pdf(5_500_000),
    );
    if status == 201 {
        let answers = water_answers(&s, body["id"].as_str().unwrap());
        let (status, body) = s.call("POST", "/api/applications", &[], &answers);
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["problems"][0]["field"], "ownership_document", "{body}");
    }
    // A field that takes only pictures refuses a PDF; the right size and type pass.
    let (status, body) = upload(
        &s,
        "/api/attachments?name=front.pdf&field=site_photo",
        "application/pdf",
        &pdf(1000),
    );
    assert_eq!(status, 422, "{body}");
    let (status, body) = upload(
        &s,
        "/api/attachments?name=deed.pdf&field=ownership_document",
        "application/pdf",
        &pdf(4_000_000),
    );
    assert_eq!(status, 201, "{body}");
    // A field the service does not have is named.
    let (status, body) = upload(
        &s,
        "/api/attachments?field=passport",
        "application/pdf",
        &pdf(100),
    );
    assert_eq!(status, 422, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("`passport`"),
        "{body}"
    );
}

/// Seen: `%PDF` followed by HTML is accepted as a PDF.
#[test]
fn a_pdf_whose_body_is_a_web_page_is_refused() {
    let s = serve("blueprints/water-subscription.yaml", "security-sniff", &[]);
    let page = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>";
    let (status, body) = upload(
        &s,
        "/api/attachments?name=deed.pdf&field=ownership_document",
        "application/pdf",
        page,
    );
    assert_eq!(status, 422, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("web page"),
        "{body}"
    );
}

/// Seen: unclaimed uploads never deleted. With `keep-unclaimed` short, an upload no
/// application claimed is gone by the time one names it.
#[test]
fn an_unclaimed_upload_is_forgotten_after_the_time_set() {
    let s = serve_guarded(
        "blueprints/water-subscription.yaml",
        "security-sweep",
        &[],
        "keep-unclaimed=1s",
    );
    let (status, body) = upload(
        &s,
        "/api/attachments?name=deed.pdf&field=ownership_document",
        "application/pdf",
        &pdf(2000),
    );
    assert_eq!(status, 201, "{body}");
    // Swept within about two seconds of the time set.
    std::thread::sleep(Duration::from_millis(3500));
    let answers = water_answers(&s, body["id"].as_str().unwrap());
    let (status, body) = s.call("POST", "/api/applications", &[], &answers);
    assert_eq!(status, 422, "the upload is still kept: {body}");
    assert_eq!(body["problems"][0]["field"], "ownership_document", "{body}");
}

/// Seen: an invalid 9 MB form kept as a draft.
#[test]
fn a_form_page_too_large_is_not_kept_as_a_draft() {
    let s = serve("blueprints/birth-certificate.yaml", "security-draft", &[]);
    let (status, head, _) = raw(s.port, "GET", "/apply", &[], b"");
    assert!(status == 200 || status == 303, "{status} {head}");
    let cookies: Vec<String> = header(&head, "set-cookie")
        .iter()
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
        .collect();
    let csrf = cookies
        .iter()
        .find(|c| c.contains("_csrf="))
        .and_then(|c| c.split_once('='))
        .map(|(_, v)| v.to_string())
        .expect("a csrf cookie");
    let jar = cookies.join("; ");
    let mut form = format!("csrf={csrf}&notification_number=").into_bytes();
    form.resize(9_000_000, b'A');
    let (status, _, body) = raw(
        s.port,
        "POST",
        "/apply/notification",
        &[
            ("Cookie", &jar),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        &form,
    );
    assert_eq!(status, 413, "{}", String::from_utf8_lossy(&body));
}

/// Seen: a control character in an upload's name makes the staff download fail with
/// 500.
#[test]
fn a_control_character_in_a_file_name_never_breaks_the_download() {
    let s = serve(
        "blueprints/water-subscription.yaml",
        "security-file-name",
        &[],
    );
    let (status, body) = upload(
        &s,
        "/api/attachments?name=deed%0D%0A%07%D8%B3%D9%86%D8%AF.pdf&field=ownership_document",
        "application/pdf",
        &pdf(2000),
    );
    assert_eq!(status, 201, "{body}");
    let kept = body["name"].as_str().unwrap().to_string();
    let (tracking, _) = s.submit(&water_answers(&s, body["id"].as_str().unwrap()));
    let clerk = s.staff("clerk");
    let (status, case) = s.call(
        "GET",
        &format!("/api/cases/{tracking}"),
        &[("Authorization", &clerk)],
        &Value::Null,
    );
    assert_eq!(status, 200, "{case}");
    let id = case["attachments"][0]["id"]
        .as_str()
        .expect("the deed is on the case");
    let (status, head, file) = raw(
        s.port,
        "GET",
        &format!("/api/cases/{tracking}/attachments/{id}"),
        &[("Authorization", &clerk)],
        b"",
    );
    assert_eq!(status, 200, "{head}");
    assert!(file.starts_with(b"%PDF"));
    let disposition = header(&head, "content-disposition").join("");
    assert!(
        disposition.contains("filename*=UTF-8''deed___%D8%B3%D9%86%D8%AF.pdf"),
        "{disposition}"
    );
    // Kept without them, too.
    assert!(!kept.chars().any(char::is_control), "{kept:?}");
}

/// A generated client sends a file as `application/octet-stream`: its first bytes say
/// which of the field's types it is, and the same checks hold.
#[test]
fn a_file_sent_as_bytes_of_no_type_is_taken_by_its_first_bytes() {
    let s = serve(
        "blueprints/water-subscription.yaml",
        "security-octet-stream",
        &[],
    );
    let (status, body) = upload(
        &s,
        "/api/attachments?name=deed.pdf&field=ownership_document",
        "application/octet-stream",
        &pdf(1000),
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["content_type"], "application/pdf", "{body}");
    let (status, body) = upload(
        &s,
        "/api/attachments?name=page.pdf&field=ownership_document",
        "application/octet-stream",
        b"<html><script>alert(1)</script></html>",
    );
    assert_eq!(status, 422, "{body}");
}
