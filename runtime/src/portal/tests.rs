//! The citizen pages through the router, as a browser without JavaScript uses them.
//!
//! Longer than the ~800 lines a module is kept under, for a reason: it is the pages'
//! specification, one journey per test over one shared browser, read top to bottom.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use rusqlite::Connection;
use tower::ServiceExt;

use crate::app::app;
use crate::state::ApiState;

fn state(mut bp: quickwin_blueprint::model::Blueprint) -> ApiState {
    let mut conn = Connection::open_in_memory().unwrap();
    crate::store::migrate(&mut conn, &bp, false, "t").unwrap();
    // The calls to other agencies are tested end to end with the sandbox.
    bp.integrations.clear();
    ApiState::new(bp, conn, None)
}

/// A browser: keeps cookies, follows nothing by itself.
struct Browser {
    state: ApiState,
    cookies: Vec<(String, String)>,
}

struct Page {
    status: StatusCode,
    location: String,
    html: String,
    headers: axum::http::HeaderMap,
}

impl Browser {
    fn new(state: ApiState) -> Self {
        Browser {
            state,
            cookies: Vec::new(),
        }
    }

    async fn send(&mut self, method: &str, uri: &str, form: &[(&str, &str)]) -> Page {
        let mut req = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header("cookie", jar.join("; "));
        }
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        if method == "POST" {
            req = req.header("content-type", "application/x-www-form-urlencoded");
        }
        let res = app(self.state.clone())
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        for c in res.headers().get_all("set-cookie") {
            let text = c.to_str().unwrap();
            let (pair, _) = text.split_once(';').unwrap_or((text, ""));
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !v.is_empty() {
                self.cookies.push((k.to_string(), v.to_string()));
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let location = headers
            .get("location")
            .map_or(String::new(), |l| l.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        Page {
            status,
            location,
            html: String::from_utf8_lossy(&bytes).into_owned(),
            headers,
        }
    }

    /// Start the form and have `answers` in the draft, as if typed page by page.
    async fn start_with(
        &mut self,
        s: &ApiState,
        answers: serde_json::Map<String, serde_json::Value>,
    ) {
        self.send("GET", "/apply", &[]).await;
        let token = self
            .cookies
            .iter()
            .find(|(k, _)| k.ends_with("_draft"))
            .unwrap()
            .1
            .clone();
        s.conn
            .lock()
            .unwrap()
            .execute(
                "UPDATE qw_drafts SET answers = ?1 WHERE token_hash = ?2",
                [
                    serde_json::Value::Object(answers).to_string(),
                    super::hash(&token),
                ],
            )
            .unwrap();
    }

    fn csrf(&self) -> String {
        self.cookies
            .iter()
            .find(|(k, _)| k.ends_with("_csrf"))
            .unwrap()
            .1
            .clone()
    }
}

/// The service's submission example, sent: its tracking number and access code.
async fn submitted(s: &ApiState, bp: &quickwin_blueprint::model::Blueprint) -> (String, String) {
    let example =
        crate::openapi::submission_example(bp, quickwin_blueprint::clock::Now::read().today);
    let created = crate::ops::submit::submit_answers(s, example, "en")
        .await
        .unwrap();
    (
        created["tracking"].as_str().unwrap().to_string(),
        created["access_code"].as_str().unwrap().to_string(),
    )
}

/// Answer every page of the birth-certificate form, each accepted.
async fn fill_in_birth_certificate(b: &mut Browser, csrf: &str) {
    let today = quickwin_blueprint::clock::Now::read().today.to_string();
    let steps: &[(&str, Vec<(&str, &str)>)] = &[
        (
            "/apply/notification",
            vec![
                ("notification_number", "BN-2026-004211"),
                ("applicant_relation", "mother"),
            ],
        ),
        (
            "/apply/child",
            vec![
                ("child_first_name", "Zainab"),
                ("child_sex", "female"),
                ("child_date_of_birth", &today),
                ("place_of_birth", "baghdad"),
            ],
        ),
        (
            "/apply/parents",
            vec![
                ("mother_national_id", "199012345678"),
                ("father_national_id", "198812345670"),
            ],
        ),
        (
            "/apply/contact",
            vec![("phone", "07701234567"), ("copies", "2")],
        ),
    ];
    for (path, fields) in steps {
        let mut form = vec![("csrf", csrf)];
        form.extend(fields.iter().copied());
        let moved = b.send("POST", path, &form).await;
        assert_eq!(
            moved.status,
            StatusCode::SEE_OTHER,
            "{path}: {}",
            moved.html
        );
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn the_processing_time_is_counted_in_the_language_plural_forms() {
    let table = [
        (1, "<p>يوم واحد على الأكثر</p>", "<p>1 day at most</p>"),
        (2, "<p>يومان على الأكثر</p>", "<p>2 days at most</p>"),
        (10, "<p>١٠ أيام على الأكثر</p>", "<p>10 days at most</p>"),
        (15, "<p>١٥ يوماً على الأكثر</p>", "<p>15 days at most</p>"),
        (100, "<p>١٠٠ يوم على الأكثر</p>", "<p>100 days at most</p>"),
    ];
    for (days, ar, en) in table {
        let mut bp = crate::catalogue("birth-certificate");
        // A part of a day counts as a whole one: 1 day and 1 hour is said as 2 days.
        bp.sla.value.minutes = if days == 2 { 1440 + 60 } else { days * 1440 };
        let mut b = Browser::new(state(bp));
        let page = b.send("GET", "/?lang=ar", &[]).await;
        assert!(page.html.contains(ar), "{days}: {}", page.html);
        let page = b.send("GET", "/?lang=en", &[]).await;
        assert!(page.html.contains(en), "{days}: {}", page.html);
    }
}

#[tokio::test]
async fn the_start_page_is_in_the_chosen_language_and_locked_down() {
    let mut b = Browser::new(state(crate::catalogue("birth-certificate")));
    let ar = b.send("GET", "/", &[]).await;
    assert_eq!(ar.status, StatusCode::OK);
    assert!(
        ar.html.contains(r#"<html lang="ar" dir="rtl">"#),
        "{}",
        ar.html
    );
    assert!(ar.html.contains("ابدأ الآن"));
    assert!(
        ar.html.contains("<p>٥ أيام على الأكثر</p>"),
        "numbers in Arabic digits: {}",
        ar.html
    );
    assert!(!ar.html.contains("<script"));
    assert!(ar.html.len() < 100 * 1024);
    let csp = ar.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'none'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(ar.headers["x-content-type-options"], "nosniff");
    let cookie = ar.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    // The switch is remembered.
    let en = b.send("GET", "/?lang=en", &[]).await;
    assert!(en.html.contains(r#"<html lang="en" dir="ltr">"#));
    let again = b.send("GET", "/", &[]).await;
    assert!(again.html.contains("Start now"));
    assert!(again.html.contains("<p>5 days at most"), "{}", again.html);
    let css = b.send("GET", "/portal.css", &[]).await;
    assert!(css.html.contains("--accent") && css.html.len() < 20 * 1024);
}

#[tokio::test]
async fn a_citizen_applies_page_by_page_and_tracks_the_case() {
    let mut b = Browser::new(state(crate::catalogue("birth-certificate")));
    b.send("GET", "/?lang=en", &[]).await;
    let begun = b.send("GET", "/apply", &[]).await;
    assert_eq!(begun.status, StatusCode::SEE_OTHER);
    assert_eq!(begun.location, "/apply/notification");
    let form = b.send("GET", &begun.location, &[]).await;
    assert!(form.html.contains(r#"name="csrf""#));
    assert!(form.html.contains(r#"for="f-notification_number""#));
    // Without the form's token nothing is saved.
    let forged = b
        .send(
            "POST",
            "/apply/notification",
            &[("notification_number", "BN-2026-000001")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // A mistake: the summary links to the field, the message stands beside it, and
    // what was typed is kept.
    let csrf = b.csrf();
    let wrong = b
        .send(
            "POST",
            "/apply/notification",
            &[
                ("csrf", &csrf),
                ("notification_number", "12<b>3"),
                ("applicant_relation", "mother"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.html.contains(r##"href="#f-notification_number""##),
        "{}",
        wrong.html
    );
    assert!(wrong.html.contains(r#"aria-invalid="true""#));
    assert!(
        wrong.html.contains("12&lt;b&gt;3"),
        "typed text kept and escaped"
    );
    assert!(!wrong.html.contains("12<b>3"));
    fill_in_birth_certificate(&mut b, &csrf).await;
    let check = b.send("GET", "/apply/check", &[]).await;
    assert!(
        check.html.contains("Zainab") && check.html.contains("Baghdad"),
        "{}",
        check.html
    );
    assert!(check.html.contains(r#"href="/apply/child""#));
    let sent = b.send("POST", "/apply/check", &[("csrf", &csrf)]).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.html);
    let tracking = sent
        .html
        .split("BC-")
        .nth(1)
        .map(|t| format!("BC-{}", &t[..11]))
        .unwrap();
    let code_at = sent.html.find("access code").unwrap();
    let code: String = sent.html[code_at..]
        .split("<strong class=\"number\" dir=\"ltr\">")
        .nth(1)
        .unwrap()
        .chars()
        .take(10)
        .collect();
    // The form is gone once sent.
    assert_eq!(
        b.send("GET", "/apply/check", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let status = b
        .send(
            "POST",
            "/track",
            &[("csrf", &csrf), ("tracking", &tracking), ("code", &code)],
        )
        .await;
    assert_eq!(status.status, StatusCode::OK, "{}", status.html);
    assert!(
        status.html.contains("Received") || status.html.contains("Submitted"),
        "{}",
        status.html
    );
    let wrong = b
        .send(
            "POST",
            "/track",
            &[
                ("csrf", &csrf),
                ("tracking", &tracking),
                ("code", "WRONGWRONG"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_exit_page_ends_the_journey_and_labels_are_escaped() {
    let mut bp = crate::catalogue("medical-appointment");
    bp.title = quickwin_blueprint::model::Localized(std::collections::BTreeMap::from([
        ("en".to_string(), "<img src=x onerror=alert(1)>".to_string()),
        ("ar".to_string(), "<b>حجز</b>".to_string()),
    ]));
    let mut b = Browser::new(state(bp));
    let start = b.send("GET", "/?lang=en", &[]).await;
    assert!(start.html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!start.html.contains("<img"));
    let begun = b.send("GET", "/apply", &[]).await;
    let csrf = b.csrf();
    let out = b
        .send(
            "POST",
            &begun.location,
            &[("csrf", &csrf), ("emergency_signs", "yes")],
        )
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.location.starts_with("/apply/exit/"), "{}", out.location);
    let exit = b.send("GET", &out.location, &[]).await;
    assert_eq!(exit.status, StatusCode::OK);
    assert!(exit.html.contains("emergency"), "{}", exit.html);
}

#[test]
fn every_template_compiles() {
    let tera = crate::theme::templates();
    for (name, _) in super::TEMPLATES {
        assert!(tera.get_template_names().any(|n| n == *name), "{name}");
    }
}

#[tokio::test]
async fn a_clerk_signs_in_works_the_queue_and_acts_within_the_role() {
    let bp = crate::catalogue("birth-certificate");
    let s = state(bp.clone());
    {
        let conn = s.conn.lock().unwrap();
        crate::accounts::add_user(
            &conn,
            &bp,
            "sara.clerk",
            &["clerk".into()],
            "clerk password 1",
            "t",
        )
        .unwrap();
        crate::accounts::add_user(
            &conn,
            &bp,
            "ali.registrar",
            &["registrar".into()],
            "registrar password 1",
            "t",
        )
        .unwrap();
    }
    // A case to work on, through the API.
    let today = quickwin_blueprint::clock::Now::read().today.to_string();
    let answers = serde_json::json!({
        "notification_number": "BN-2026-004211", "applicant_relation": "mother", "child_first_name": "زينب",
        "child_sex": "female", "child_date_of_birth": today, "place_of_birth": "baghdad",
        "mother_national_id": "199012345678", "father_national_id": "198812345670", "phone": "07701234567", "copies": 1
    });
    let created =
        crate::ops::submit::submit_answers(&s, answers.as_object().unwrap().clone(), "ar")
            .await
            .unwrap();
    let tracking = created["tracking"].as_str().unwrap().to_string();
    let mut b = Browser::new(s);
    assert_eq!(
        b.send("GET", "/office/cases", &[]).await.location,
        "/office"
    );
    b.send("GET", "/office?lang=en", &[]).await;
    let csrf = b.csrf();
    let refused = b
        .send(
            "POST",
            "/office",
            &[
                ("csrf", &csrf),
                ("name", "sara.clerk"),
                ("password", "wrong"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.html.contains("The name or the password is wrong"));
    let signed = b
        .send(
            "POST",
            "/office",
            &[
                ("csrf", &csrf),
                ("name", "sara.clerk"),
                ("password", "clerk password 1"),
            ],
        )
        .await;
    assert_eq!(signed.location, "/office/cases");
    // A new CSRF token comes with the session.
    assert_ne!(b.csrf(), csrf);
    let csrf = b.csrf();
    let session = signed.headers["set-cookie"].to_str().unwrap().to_string();
    assert!(
        session.contains("qw_birth-certificate_staff=")
            && session.contains("HttpOnly")
            && session.contains("SameSite=Strict")
    );
    let queue = b.send("GET", "/office/cases", &[]).await;
    assert!(queue.html.contains(&tracking), "{}", queue.html);
    // The clerk's queue has no `queue` in the blueprint: the default columns.
    assert!(
        queue
            .html
            .contains("<th scope=\"col\">Mother&#x27;s full name</th>")
            && queue.html.contains("<td>BN-2026-004211</td><td>زينب</td>"),
        "{}",
        queue.html
    );
    let case = b
        .send("GET", &format!("/office/cases/{tracking}"), &[])
        .await;
    assert!(case.html.contains("زينب"));
    // The clerk's actions are offered; the registrar's are not.
    assert!(
        case.html
            .contains(&format!("/office/cases/{tracking}/actions/verify"))
    );
    assert!(
        !case
            .html
            .contains(&format!("/office/cases/{tracking}/actions/approve"))
    );
    let no_reason = b
        .send(
            "POST",
            &format!("/office/cases/{tracking}/actions/reject"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.html.contains("error-summary"));
    let forbidden = b
        .send(
            "POST",
            &format!("/office/cases/{tracking}/actions/approve"),
            &[("csrf", &csrf)],
        )
        .await;
    // Not one of the clerk's actions: refused as such, whatever the case's state (which
    // the refusal does not tell).
    assert_eq!(
        forbidden.status,
        StatusCode::FORBIDDEN,
        "approve is not the clerk's"
    );
    let forged = b
        .send(
            "POST",
            &format!("/office/cases/{tracking}/actions/verify"),
            &[],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let verified = b
        .send(
            "POST",
            &format!("/office/cases/{tracking}/actions/verify"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(verified.status, StatusCode::SEE_OTHER, "{}", verified.html);
    let after = b
        .send("GET", &format!("/office/cases/{tracking}"), &[])
        .await;
    assert!(after.html.contains("staff:sara.clerk"));
    // A file on the case opens for a signed-in person.
    b.state
        .conn
        .lock()
        .unwrap()
        .execute(
            "INSERT INTO qw_attachments (id, case_id, field, name, content_type, size, sha256, data, created_at)
             SELECT 'att_TEST', id, NULL, 'scan.pdf', 'application/pdf', 8, 'x', X'255044462D312E34', 't' FROM cases WHERE tracking = ?1",
            [&tracking],
        )
        .unwrap();
    let listed = b
        .send("GET", &format!("/office/cases/{tracking}"), &[])
        .await;
    assert!(
        listed
            .html
            .contains(&format!("/office/cases/{tracking}/attachments/att_TEST"))
    );
    let file = b
        .send(
            "GET",
            &format!("/office/cases/{tracking}/attachments/att_TEST"),
            &[],
        )
        .await;
    assert_eq!(
        (file.status, file.html.as_str()),
        (StatusCode::OK, "%PDF-1.4")
    );
    b.send("POST", "/office/sign-out", &[("csrf", &csrf)]).await;
    let refused = b
        .send(
            "GET",
            &format!("/office/cases/{tracking}/attachments/att_TEST"),
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        b.send("GET", "/office/cases", &[]).await.location,
        "/office"
    );
}

#[tokio::test]
async fn the_applicant_withdraws_from_the_status_page() {
    let bp = crate::catalogue("social-welfare");
    let s = state(bp.clone());
    let (tracking, code) = submitted(&s, &bp).await;
    let mut b = Browser::new(s);
    b.send("GET", "/track?lang=en", &[]).await;
    let csrf = b.csrf();
    let status = b
        .send(
            "POST",
            "/track",
            &[("csrf", &csrf), ("tracking", &tracking), ("code", &code)],
        )
        .await;
    assert!(
        status.html.contains(r#"name="action" value="withdraw""#),
        "{}",
        status.html
    );
    let wrong = b
        .send(
            "POST",
            "/track/act",
            &[
                ("csrf", &csrf),
                ("tracking", &tracking),
                ("code", "WRONGWRONG"),
                ("action", "withdraw"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    let done = b
        .send(
            "POST",
            "/track/act",
            &[
                ("csrf", &csrf),
                ("tracking", &tracking),
                ("code", &code),
                ("action", "withdraw"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    assert!(done.html.contains("Withdrawn"), "{}", done.html);
    assert!(!done.html.contains(r#"value="withdraw""#));
}

#[tokio::test]
async fn a_patient_picks_a_free_slot_at_a_chosen_centre_and_day() {
    let mut b = Browser::new(state(crate::catalogue("medical-appointment")));
    b.send("GET", "/?lang=en", &[]).await;
    b.send("GET", "/apply", &[]).await;
    let csrf = b.csrf();
    // The next Sunday at least two days ahead: Al-Mansour opens 08:00-14:00 and 16:00-20:00.
    let mut day = quickwin_blueprint::clock::Now::read().today;
    day = quickwin_blueprint::expr::Date(day.0 + 2);
    while day.weekday() != 0 {
        day = quickwin_blueprint::expr::Date(day.0 + 1);
    }
    let day = day.to_string();
    // "Show free times" keeps the answers and shows the place and day asked for.
    let shown = b
        .send(
            "POST",
            "/apply/slot",
            &[
                ("csrf", &csrf),
                ("residence_governorate", "baghdad"),
                ("slots", "visit_slot"),
                ("visit_slot__resource", "mansour_phc"),
                ("visit_slot__day", &day),
            ],
        )
        .await;
    assert_eq!(shown.status, StatusCode::SEE_OTHER);
    assert_eq!(
        shown.location,
        format!("/apply/slot?resource=mansour_phc&day={day}")
    );
    let page = b.send("GET", &shown.location, &[]).await;
    let first = format!("mansour_phc@{day}T08:00");
    let evening = format!("mansour_phc@{day}T19:45");
    assert!(
        page.html.contains(&format!(r#"value="{first}""#)),
        "{}",
        page.html
    );
    assert!(page.html.contains(&format!(r#"value="{evening}""#)));
    assert!(
        page.html.contains(r#"<option value="baghdad" selected>"#),
        "the governorate was kept"
    );
    let chosen = b
        .send(
            "POST",
            "/apply/slot",
            &[
                ("csrf", &csrf),
                ("residence_governorate", "baghdad"),
                ("visit_slot", &first),
            ],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.html);
    let back = b.send("GET", "/apply/slot", &[]).await;
    assert!(
        back.html.contains(&format!(r#"value="{first}" checked"#)),
        "the slot chosen is kept"
    );
}

#[tokio::test]
async fn every_page_of_every_catalogue_form_renders_with_its_example_answers() {
    for name in [
        "birth-certificate",
        "medical-appointment",
        "school-attendance",
        "social-welfare",
        "water-fees",
        "water-subscription",
    ] {
        let bp = crate::catalogue(name);
        let s = state(bp.clone());
        let mut b = Browser::new(s.clone());
        for lang in ["ar", "en"] {
            b.send("GET", &format!("/?lang={lang}"), &[]).await;
            let example = crate::openapi::submission_example(
                &bp,
                quickwin_blueprint::clock::Now::read().today,
            );
            b.start_with(&s, example).await;
            for page in &bp.form.pages {
                let shown = b
                    .send("GET", &format!("/apply/{}", page.id.as_str()), &[])
                    .await;
                assert_eq!(
                    shown.status,
                    StatusCode::OK,
                    "{name} {lang} {}: {}",
                    page.id.as_str(),
                    shown.html
                );
                assert!(
                    shown.html.len() < 100 * 1024,
                    "{name} {}: {} bytes",
                    page.id.as_str(),
                    shown.html.len()
                );
            }
            let check = b.send("GET", "/apply/check", &[]).await;
            assert_eq!(
                check.status,
                StatusCode::OK,
                "{name} {lang}: {}",
                check.html
            );
        }
    }
}

#[tokio::test]
async fn correcting_without_an_action_says_the_form_did_not_name_one() {
    let bp = crate::catalogue("birth-certificate");
    let s = state(bp.clone());
    let example =
        crate::openapi::submission_example(&bp, quickwin_blueprint::clock::Now::read().today);
    let created = crate::ops::submit::submit_answers(&s, example, "en")
        .await
        .unwrap();
    let (tracking, code) = (
        created["tracking"].as_str().unwrap(),
        created["access_code"].as_str().unwrap(),
    );
    for (lang, said) in [
        ("en", "The form did not say which action to take."),
        ("ar", "لم يحدد النموذج الإجراء المطلوب."),
    ] {
        let mut b = Browser::new(s.clone());
        b.send("GET", &format!("/track?lang={lang}"), &[]).await;
        let csrf = b.csrf();
        let base = [
            ("csrf", csrf.as_str()),
            ("tracking", tracking),
            ("code", code),
        ];
        let blank = [&base[..], &[("action", " ")]].concat();
        for form in [&base[..], &blank] {
            let page = b.send("POST", "/track/correct", form).await;
            assert_eq!(
                page.status,
                StatusCode::BAD_REQUEST,
                "{lang}: {}",
                page.html
            );
            assert!(page.html.contains(said), "{lang}: {}", page.html);
            assert!(page.html.contains(r#"href="/track""#), "{}", page.html);
            assert!(!page.html.contains("no action"), "{}", page.html);
        }
        let unknown = [&base[..], &[("action", "launch")]].concat();
        let page = b.send("POST", "/track/correct", &unknown).await;
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{lang}: {}",
            page.html
        );
        assert!(!page.html.contains(said), "{lang}: {}", page.html);
    }
}

#[tokio::test]
async fn a_sent_back_application_is_corrected_in_the_form_and_sent_again() {
    let bp = crate::catalogue("birth-certificate");
    let s = state(bp.clone());
    let (tracking, code) = submitted(&s, &bp).await;
    // The clerk sends it back.
    let clerk = crate::cases::Actor {
        id: "staff:sara".into(),
        roles: std::collections::BTreeSet::from(["clerk".to_string()]),
    };
    let id: i64 = s
        .conn
        .lock()
        .unwrap()
        .query_row(
            "SELECT id FROM cases WHERE tracking = ?1",
            [&tracking],
            |r| r.get(0),
        )
        .unwrap();
    let reason = serde_json::json!({"reason": "The child's first name differs from the hospital notification."});
    crate::ops::step::take_step(
        &s,
        id,
        "send_back".into(),
        clerk,
        reason.as_object().unwrap().clone(),
        "en",
    )
    .await
    .unwrap();
    let mut b = Browser::new(s.clone());
    b.send("GET", "/track?lang=en", &[]).await;
    let csrf = b.csrf();
    let status = b
        .send(
            "POST",
            "/track",
            &[("csrf", &csrf), ("tracking", &tracking), ("code", &code)],
        )
        .await;
    assert!(status.html.contains("/track/correct"), "{}", status.html);
    assert!(
        status
            .html
            .contains("differs from the hospital notification"),
        "the reason is shown"
    );
    let opened = b
        .send(
            "POST",
            "/track/correct",
            &[
                ("csrf", &csrf),
                ("tracking", &tracking),
                ("code", &code),
                ("action", "resubmit"),
            ],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    // Page by page: the answers are there; the child's name is changed.
    let mut at = opened.location.clone();
    for _ in 0..10 {
        if at == "/apply/check" {
            break;
        }
        let page = b.send("GET", &at, &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{at}: {}", page.html);
        let mut form: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
        // Keep every answer shown, as the browser sends it back.
        for chunk in page.html.split("<input ").skip(1) {
            let attr = |name: &str| {
                chunk
                    .split(&format!("{name}=\""))
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .map(str::to_string)
            };
            let (Some(n), Some(v)) = (attr("name"), attr("value")) else {
                continue;
            };
            if n == "csrf" {
                continue;
            }
            let radio = chunk.contains(r#"type="radio""#);
            if radio && !chunk.contains("checked") {
                continue;
            }
            form.push((n, v.replace("&#x2F;", "/")));
        }
        for chunk in page.html.split("<select ").skip(1) {
            let name = chunk
                .split("name=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap()
                .to_string();
            if let Some(v) = chunk
                .split("\" selected>")
                .next()
                .and_then(|r| r.rsplit("value=\"").next())
            {
                form.push((name, v.to_string()));
            }
        }
        for (k, v) in form.iter_mut() {
            if k == "child_first_name" {
                *v = "Noor".into();
            }
        }
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let sent = b.send("POST", &at, &pairs).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{at}: {}", sent.html);
        at = sent.location;
    }
    let sent = b.send("POST", "/apply/check", &[("csrf", &csrf)]).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.html);
    assert!(sent.html.contains("Application sent"), "{}", sent.html);
    let name: String = s
        .conn
        .lock()
        .unwrap()
        .query_row(
            "SELECT child_first_name FROM cases WHERE tracking = ?1",
            [&tracking],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "Noor");
    let state: String = s
        .conn
        .lock()
        .unwrap()
        .query_row(
            "SELECT state FROM cases WHERE tracking = ?1",
            [&tracking],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(state, "submitted");
}

#[tokio::test]
async fn a_group_entry_is_added_and_removed() {
    let mut b = Browser::new(state(crate::catalogue("social-welfare")));
    b.send("GET", "/?lang=en", &[]).await;
    b.send("GET", "/apply", &[]).await;
    let csrf = b.csrf();
    let two = b
        .send(
            "POST",
            "/apply/household",
            &[
                ("csrf", &csrf),
                ("household.0.full_name", "Ali Hassan Kadhim"),
                ("add", "household"),
            ],
        )
        .await;
    assert_eq!(two.status, StatusCode::OK);
    assert_eq!(
        two.html.matches(r#"<fieldset class="entry">"#).count(),
        2,
        "{}",
        two.html
    );
    let removed = b
        .send(
            "POST",
            "/apply/household",
            &[
                ("csrf", &csrf),
                ("household.0.full_name", "Ali Hassan Kadhim"),
                ("household.1.full_name", "Zainab Ali Hassan"),
                ("remove", "household.0"),
            ],
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK);
    assert!(
        removed.html.contains("Zainab Ali Hassan") && !removed.html.contains("Ali Hassan Kadhim"),
        "{}",
        removed.html
    );
    assert_eq!(
        removed.html.matches(r#"<fieldset class="entry">"#).count(),
        1
    );
}

/// A submission whose agency cannot be reached (here: no mediator at all) shows the
/// applicant on the check page that the service cannot reach it, that nothing was sent,
/// and to try again later — not the blueprint's message for a notification not found.
#[tokio::test]
async fn the_check_page_says_the_agency_cannot_be_reached_not_that_the_record_is_missing() {
    let bp = crate::catalogue("birth-certificate");
    let mut conn = Connection::open_in_memory().unwrap();
    crate::store::migrate(&mut conn, &bp, false, "t").unwrap();
    let mut b = Browser::new(ApiState::new(bp, conn, None));
    b.send("GET", "/?lang=en", &[]).await;
    b.send("GET", "/apply", &[]).await;
    b.send("GET", "/apply/notification", &[]).await;
    let csrf = b.csrf();
    fill_in_birth_certificate(&mut b, &csrf).await;
    let sent = b.send("POST", "/apply/check", &[("csrf", &csrf)]).await;
    assert_eq!(
        sent.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        sent.html
    );
    assert!(
        sent.html.contains(
            "The service cannot reach “Ministry of Health birth notification” now; nothing was sent. Try again later."
        ),
        "{}",
        sent.html
    );
    assert!(
        !sent
            .html
            .contains("We could not find this birth notification")
    );
    b.send("GET", "/?lang=ar", &[]).await;
    let sent = b.send("POST", "/apply/check", &[("csrf", &csrf)]).await;
    assert!(
        sent.html
            .contains("لا تستطيع الخدمة الوصول إلى «تبليغ الولادة من وزارة الصحة» الآن"),
        "{}",
        sent.html
    );
}

/// The service a new team wrote (not in the catalogue): a tariff by stall size, an
/// inspection, a licence valid for a year that prints the tracking number.
fn licence_renewal() -> quickwin_blueprint::model::Blueprint {
    let text = include_str!("../../../tests/fixtures/services/licence-renewal.yaml");
    quickwin_blueprint::check_bytes("licence-renewal.yaml", text.as_bytes())
        .blueprint
        .expect("the fixture is valid")
}

#[tokio::test]
async fn the_start_page_gives_the_price_and_the_time_as_the_language_means_them() {
    // A tariff: told band by band, in the page's language and digits.
    let mut b = Browser::new(state(licence_renewal()));
    let en = b.send("GET", "/?lang=en", &[]).await.html;
    for said in [
        "a fixed charge of 10,000 IQD",
        "1,000 IQD for each unit of “Stall size in square metres”, from 0 to 10",
        "2,500 IQD for each unit of “Stall size in square metres”, above 10",
        "10 days at most",
    ] {
        assert!(en.contains(said), "{said}: {en}");
    }
    assert!(!en.contains("working days"), "{en}");
    let ar = b.send("GET", "/?lang=ar", &[]).await.html;
    assert!(ar.contains("مبلغ ثابت قدره ١٠٬٠٠٠ IQD"), "{ar}");
    assert!(
        ar.contains("٢٬٥٠٠ IQD عن كل وحدة من “مساحة البسطة بالمتر المربع”، فوق ١٠"),
        "{ar}"
    );
    // A fee from an expression: said to be calculated, shown before sending.
    let mut b = Browser::new(state(crate::catalogue("birth-certificate")));
    let en = b.send("GET", "/?lang=en", &[]).await.html;
    assert!(en.contains("calculated from your answers"), "{en}");
}

#[tokio::test]
async fn check_your_answers_shows_the_amount_the_answers_give() {
    for (name, answers, said) in [
        ("birth-certificate", None, "6,000 IQD"),
        ("licence", Some(("stall_size_m2", 12)), "25,000 IQD"),
    ] {
        let bp = if name == "licence" {
            licence_renewal()
        } else {
            crate::catalogue(name)
        };
        let s = state(bp.clone());
        let mut b = Browser::new(s.clone());
        b.send("GET", "/?lang=en", &[]).await;
        let mut example =
            crate::openapi::submission_example(&bp, quickwin_blueprint::clock::Now::read().today);
        if let Some((k, v)) = answers {
            example.insert(k.into(), serde_json::json!(v));
        }
        b.start_with(&s, example).await;
        let page = b.send("GET", "/apply/check", &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        // 5000 + 1000 a copy after the first (2 copies); 10000 + 10 × 1000 + 2 × 2500.
        assert!(page.html.contains(said), "{name}: {}", page.html);
    }
}

#[tokio::test]
async fn the_licence_prints_its_tracking_number_and_both_pages_its_validity() {
    use crate::cases::{self, Actor, Outcome, Step};
    let bp = licence_renewal();
    let s = state(bp.clone());
    let (tracking, code) = submitted(&s, &bp).await;
    {
        let mut conn = s.conn.lock().unwrap();
        let now = quickwin_blueprint::clock::Now::read();
        let id: i64 = conn
            .query_row(
                "SELECT id FROM cases WHERE tracking = ?1",
                [&tracking],
                |r| r.get(0),
            )
            .unwrap();
        let inspector = Actor {
            id: "inspector-1".into(),
            roles: ["inspector".to_string()].into(),
        };
        let input = serde_json::Map::new();
        let step = Step {
            action: "pass",
            actor: &inspector,
            input: &input,
        };
        cases::act(&mut conn, &bp, None, id, &step, &Outcome::default(), &now).unwrap();
        cases::record_payment(&mut conn, &bp, None, id, "licence_fee", "PAY-1", &now).unwrap();
    }
    let (status, doc) = {
        let res = app(s.clone())
            .oneshot(
                Request::get(format!("/api/applications/{tracking}/documents/licence"))
                    .header("x-access-code", &code)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(),
        )
    };
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_eq!(doc["fields"]["tracking"], tracking.as_str(), "{doc}");
    let until = doc["valid_until"]
        .as_str()
        .expect("a licence for 52 weeks")
        .to_string();
    let vcode = doc["verification_code"].as_str().unwrap().to_string();
    let mut b = Browser::new(s.clone());
    b.send("GET", "/track?lang=en", &[]).await;
    let csrf = b.csrf();
    let page = b
        .send(
            "POST",
            "/track/document",
            &[
                ("csrf", &csrf),
                ("tracking", &tracking),
                ("code", &code),
                ("document", "licence"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    for said in [
        "Tracking number",
        tracking.as_str(),
        "Valid until",
        until.as_str(),
    ] {
        assert!(page.html.contains(said), "{said}: {}", page.html);
    }
    let page = b
        .send("GET", &format!("/verify?code={vcode}&lang=en"), &[])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(
        page.html.contains("Valid until") && page.html.contains(&until),
        "{}",
        page.html
    );
}
/// The market-stall licence a new team writes (`tests/fixtures/services`), with `edit`
/// applied to its text.
pub(crate) fn licence(edit: impl Fn(String) -> String) -> quickwin_blueprint::model::Blueprint {
    let path = format!(
        "{}/../tests/fixtures/services/licence-renewal.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = edit(std::fs::read_to_string(&path).unwrap());
    let checked = quickwin_blueprint::check_bytes(&path, text.as_bytes());
    checked
        .blueprint
        .unwrap_or_else(|| panic!("{:?}", checked.diagnostics))
}

/// Three stalls submitted, each with the holder's name the civil registry would give;
/// an inspector `ali.inspector` to work them. The tracking numbers, in order.
pub(crate) async fn three_stalls(
    s: &ApiState,
    bp: &quickwin_blueprint::model::Blueprint,
) -> Vec<String> {
    crate::accounts::add_user(
        &s.conn.lock().unwrap(),
        bp,
        "ali.inspector",
        &["inspector".into()],
        "inspector password 1",
        "t",
    )
    .unwrap();
    let mut out = Vec::new();
    for (stall, size, holder) in [
        ("SH-0001", 5, "Ali Hassan"),
        ("SH-0002", 20, "Zainab Kareem"),
        ("SH-0003", 12, "Omar Said"),
    ] {
        let answers = serde_json::json!({"national_id": "019920622002", "stall_number": stall,
            "stall_size_m2": size, "phone": "07801999002"});
        let created =
            crate::ops::submit::submit_answers(s, answers.as_object().unwrap().clone(), "en")
                .await
                .unwrap();
        let tracking = created["tracking"].as_str().unwrap().to_string();
        s.conn
            .lock()
            .unwrap()
            .execute(
                "UPDATE cases SET holder_name = ?1 WHERE tracking = ?2",
                [holder, &tracking],
            )
            .unwrap();
        out.push(tracking);
    }
    out
}

#[tokio::test]
async fn the_inspectors_queue_shows_the_named_columns_filtered_and_sorted() {
    let bp = licence(|t| {
        t.replace(
            "    label: {en: Market inspector, ar: مفتش السوق}\n",
            "    label: {en: Market inspector, ar: مفتش السوق}\n    queue: {columns: [holder_name, stall_number, stall_size_m2]}\n",
        )
        .replace(
            "        label: {en: Stall number, ar: رقم البسطة}\n",
            "        label: {en: Stall number, ar: رقم البسطة}\n        staff_label: {en: Stall in the market register, ar: البسطة في سجل السوق}\n",
        )
    });
    let s = state(bp.clone());
    let t = three_stalls(&s, &bp).await;
    let mut b = Browser::new(s);
    b.send("GET", "/office?lang=en", &[]).await;
    let csrf = b.csrf();
    let name = ("name", "ali.inspector");
    let password = ("password", "inspector password 1");
    b.send("POST", "/office", &[("csrf", &csrf), name, password])
        .await;
    let rows = |html: &str| -> Vec<usize> {
        let mut at: Vec<(usize, usize)> = t
            .iter()
            .enumerate()
            .filter_map(|(i, tr)| html.find(&format!(">{tr}</a>")).map(|p| (p, i)))
            .collect();
        at.sort();
        at.into_iter().map(|(_, i)| i).collect()
    };
    // The columns the blueprint names, with the office's label, oldest first.
    let all = b.send("GET", "/office/cases", &[]).await;
    assert_eq!(all.status, StatusCode::OK);
    for head in [
        "Name on the civil register",
        "Stall in the market register",
        "Stall size in square metres",
    ] {
        assert!(
            all.html.contains(&format!("<th scope=\"col\">{head}</th>")),
            "{head}: {}",
            all.html
        );
    }
    assert!(
        all.html
            .contains("<td>Zainab Kareem</td><td>SH-0002</td><td>20</td>"),
        "{}",
        all.html
    );
    assert_eq!(rows(&all.html), [0, 1, 2]);
    // A text search over the tracking number and the columns, whatever the case.
    let found = b.send("GET", "/office/cases?q=zainab", &[]).await;
    assert_eq!(rows(&found.html), [1]);
    assert!(
        found.html.contains(r#"value="zainab""#),
        "the search is kept in the form"
    );
    let by_number = b
        .send("GET", &format!("/office/cases?q={}", t[2]), &[])
        .await;
    assert_eq!(rows(&by_number.html), [2]);
    let none = b.send("GET", "/office/cases?q=nobody", &[]).await;
    assert!(none.html.contains("No case matches."), "{}", none.html);
    // Sorted by a column, both ways, and by age.
    let big_first = b
        .send("GET", "/office/cases?sort=stall_size_m2&order=desc", &[])
        .await;
    assert_eq!(rows(&big_first.html), [1, 2, 0]);
    let small_first = b
        .send("GET", "/office/cases?sort=stall_size_m2&order=asc", &[])
        .await;
    assert_eq!(rows(&small_first.html), [0, 2, 1]);
    let newest_first = b.send("GET", "/office/cases?sort=age&order=asc", &[]).await;
    assert_eq!(rows(&newest_first.html), [2, 1, 0]);
    // A filter by state, and a sort the page does not know falls back to the oldest first.
    let submitted = b
        .send("GET", "/office/cases?state=submitted&sort=colour", &[])
        .await;
    assert_eq!(rows(&submitted.html), [0, 1, 2]);
    let licensed = b.send("GET", "/office/cases?state=licensed", &[]).await;
    assert!(rows(&licensed.html).is_empty());
    // In Arabic, the same columns with their Arabic labels.
    let ar = b.send("GET", "/office/cases?lang=ar", &[]).await;
    assert!(
        ar.html
            .contains("<th scope=\"col\">البسطة في سجل السوق</th>"),
        "{}",
        ar.html
    );
}

#[tokio::test]
async fn the_office_speaks_of_the_applicant_and_shows_the_history_in_words() {
    let bp = licence(|t| t);
    let s = state(bp.clone());
    let t = three_stalls(&s, &bp).await;
    let mut b = Browser::new(s);
    b.send("GET", "/office?lang=en", &[]).await;
    let csrf = b.csrf();
    b.send(
        "POST",
        "/office",
        &[
            ("csrf", &csrf),
            ("name", "ali.inspector"),
            ("password", "inspector password 1"),
        ],
    )
    .await;
    // The session's own CSRF token, new at the sign-in.
    let csrf = b.csrf();
    // Without `queue`: the applicant's name and the first two required answers.
    let queue = b.send("GET", "/office/cases", &[]).await;
    for head in [
        "Name on the civil register",
        "National ID number",
        "Stall number",
    ] {
        assert!(
            queue
                .html
                .contains(&format!("<th scope=\"col\">{head}</th>")),
            "{head}: {}",
            queue.html
        );
    }
    let failed = b
        .send(
            "POST",
            &format!("/office/cases/{}/actions/fail", t[0]),
            &[
                ("csrf", &csrf),
                ("fail_reason", "The stall blocks the fire exit"),
            ],
        )
        .await;
    assert_eq!(failed.status, StatusCode::SEE_OTHER, "{}", failed.html);
    let case = b.send("GET", &format!("/office/cases/{}", t[0]), &[]).await;
    // "Your national ID number" is the applicant's wording; the office reads a neutral one.
    assert!(
        case.html.contains("<dt>National ID number</dt>"),
        "{}",
        case.html
    );
    assert!(
        !case.html.contains("Your national ID number"),
        "{}",
        case.html
    );
    // The history: each input with its label, in words, not JSON.
    assert!(
        case.html
            .contains("<dt>Why the stall failed</dt><dd>The stall blocks the fire exit</dd>"),
        "{}",
        case.html
    );
    assert!(case.html.contains("Failed the inspection"), "{}", case.html);
    assert!(
        case.html
            .contains("<dt>Language of the application</dt><dd>English</dd>"),
        "{}",
        case.html
    );
    assert!(
        !case.html.contains("{&quot;") && !case.html.contains("fail_reason&quot;"),
        "{}",
        case.html
    );
    let ar = b
        .send("GET", &format!("/office/cases/{}?lang=ar", t[0]), &[])
        .await;
    assert!(ar.html.contains("<dt>الرقم الوطني</dt>"), "{}", ar.html);
    assert!(ar.html.contains("<dt>سبب عدم الاجتياز</dt>"), "{}", ar.html);
}

#[tokio::test]
async fn wrong_access_codes_on_the_tracking_form_are_slowed_down() {
    let bp = crate::catalogue("birth-certificate");
    let s = state(bp.clone());
    let (tracking, code) = submitted(&s, &bp).await;
    let mut b = Browser::new(s);
    b.send("GET", "/track?lang=en", &[]).await;
    let csrf = b.csrf();
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let page = b
            .send(
                "POST",
                "/track",
                &[
                    ("csrf", &csrf),
                    ("tracking", &tracking),
                    ("code", "WRONGWRONG"),
                ],
            )
            .await;
        statuses.push(page.status);
        if page.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(page.headers.contains_key("retry-after"));
            assert!(page.html.contains("Too many attempts"), "{}", page.html);
            break;
        }
    }
    assert_eq!(statuses.len(), 11, "{statuses:?}");
    // The right code waits too, while the guesses are being paid for.
    let right = b
        .send(
            "POST",
            "/track",
            &[("csrf", &csrf), ("tracking", &tracking), ("code", &code)],
        )
        .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
}
