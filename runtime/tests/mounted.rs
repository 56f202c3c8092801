//! One service mounted anywhere: the whole citizen journey and the clerk's of the
//! birth-certificate pilot, at the root and nested under a deep prefix, through the
//! router as a browser without JavaScript uses it — every link, form action, asset,
//! redirect and cookie of every page received stays under the prefix — and two pilots
//! side by side in one router, whose sessions keep apart.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use quickwin_blueprint::model::Blueprint;
use quickwin_runtime::app::app;
use quickwin_runtime::base::{self, BasePath};
use quickwin_runtime::state::ApiState;
use rusqlite::Connection;
use serde_json::Value;
use tower::ServiceExt;

/// The deep prefix the journeys are also run under.
const DEEP: &str = "/teams/t3/svc/welfare/";

/// A catalogue pilot with a store in memory, its staff `(name, role)` given accounts
/// (password: the name twice). Its calls to other agencies are tested end to end with
/// the sandbox.
fn pilot(name: &str, staff: &[(&str, &str)]) -> (Blueprint, ApiState) {
    let path = format!("{}/../blueprints/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut bp = quickwin_blueprint::check_bytes(&path, text.as_bytes())
        .blueprint
        .unwrap();
    bp.integrations.clear();
    let mut conn = Connection::open_in_memory().unwrap();
    quickwin_runtime::store::migrate(&mut conn, &bp, false, "t").unwrap();
    for (user, role) in staff {
        let password = format!("{user}{user}");
        quickwin_runtime::accounts::add_user(&conn, &bp, user, &[role.to_string()], &password, "t")
            .unwrap();
    }
    (bp.clone(), ApiState::new(bp, conn, None))
}

/// One cookie a browser keeps: its name, value and `Path`.
#[derive(Debug, Clone)]
struct Kept {
    name: String,
    value: String,
    path: String,
}

/// A browser: keeps cookies by name and path and sends those whose path the request's
/// is under (longest path first, as browsers do); follows nothing by itself; reads the
/// links of every page it receives.
struct Browser {
    router: Router,
    jar: Vec<Kept>,
    /// Every URL a page or a response pointed to: hrefs, form actions, sources,
    /// redirects, with the page that pointed there.
    seen: Vec<(String, String)>,
}

/// A response, with its body as text.
struct Page {
    status: StatusCode,
    location: String,
    html: String,
    headers: HeaderMap,
}

impl Browser {
    fn new(router: Router) -> Self {
        Browser {
            router,
            jar: Vec::new(),
            seen: Vec::new(),
        }
    }

    async fn send(&mut self, method: &str, uri: &str, form: &[(&str, &str)]) -> Page {
        let path = uri.split('?').next().unwrap_or(uri);
        let mut sent: Vec<&Kept> = self
            .jar
            .iter()
            .filter(|c| {
                c.path == "/"
                    || path == c.path
                    || path.starts_with(&format!("{}/", c.path.trim_end_matches('/')))
            })
            .collect();
        sent.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
        let mut req = Request::builder().method(method).uri(uri);
        if !sent.is_empty() {
            let jar: Vec<String> = sent
                .iter()
                .map(|c| format!("{}={}", c.name, c.value))
                .collect();
            req = req.header("cookie", jar.join("; "));
        }
        if method == "POST" {
            req = req.header("content-type", "application/x-www-form-urlencoded");
        }
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let res = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        for c in res.headers().get_all("set-cookie") {
            let text = c.to_str().unwrap();
            let mut parts = text.split(';').map(str::trim);
            let (name, value) = parts.next().unwrap().split_once('=').unwrap();
            let path = parts
                .find_map(|p| p.strip_prefix("Path="))
                .expect("every cookie says its path")
                .to_string();
            self.jar.retain(|k| !(k.name == name && k.path == path));
            if !value.is_empty() {
                self.jar.push(Kept {
                    name: name.into(),
                    value: value.into(),
                    path,
                });
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
        let html = String::from_utf8_lossy(&bytes).into_owned();
        if !location.is_empty() {
            self.seen.push((uri.to_string(), location.clone()));
        }
        let attribute = regex::Regex::new(r#"\b(?:href|action|src)="([^"]*)""#).unwrap();
        for found in attribute.captures_iter(&html) {
            let url = found[1].replace("&#x2F;", "/").replace("&amp;", "&");
            if !url.starts_with('#') {
                self.seen.push((uri.to_string(), url));
            }
        }
        Page {
            status,
            location,
            html,
            headers,
        }
    }

    /// The cookie `name` of the service at `base`, as this browser would send it there.
    fn cookie(&self, name: &str) -> String {
        self.jar
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no cookie `{name}` in {:?}", self.jar))
            .value
            .clone()
    }

    /// Every URL seen leads under `base` (`""` at the root) and to a route of the
    /// service: none to another origin, to another path, or to nothing.
    async fn assert_links_stay_under(&mut self, base: &str) {
        assert!(!self.seen.is_empty());
        let seen = std::mem::take(&mut self.seen);
        for (page, url) in &seen {
            assert!(
                url.starts_with(&format!("{base}/")) && !url.starts_with("//"),
                "`{url}` on `{page}` leaves `{base}/`"
            );
        }
        // Each of them answers (a page that says a form has expired is an answer; a bare
        // 404 of the router is not).
        let mut urls: Vec<&String> = seen.iter().map(|(_, u)| u).collect();
        urls.sort();
        urls.dedup();
        for url in urls {
            let res = self
                .router
                .clone()
                .oneshot(Request::get(url.as_str()).body(Body::empty()).unwrap())
                .await
                .unwrap();
            let status = res.status();
            let body = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap();
            assert!(
                status != StatusCode::NOT_FOUND || !body.is_empty(),
                "`{url}` is not a route of the service"
            );
        }
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

/// The birth-certificate pilot's router served under `at` (`/` for the root).
fn birth_certificate(at: &str) -> (Blueprint, Router) {
    let (bp, state) = pilot(
        "birth-certificate",
        &[("sara.clerk", "clerk"), ("ali.registrar", "registrar")],
    );
    let base: BasePath = at.parse().unwrap();
    (bp, base::nest(&base, app(state)))
}

/// The whole journey of a birth certificate under `at`: a citizen applies page by page
/// (with a mistake and a forged form on the way), checks and sends the answers, tracks
/// the case; a clerk signs in, finds it in the queue and sends it back, the citizen
/// corrects it from the status page and sends it again, the clerk verifies it; the registrar
/// approves it; the citizen sees the fee to pay. Every page stays under `at`.
async fn journey(at: &str) {
    let (bp, router) = birth_certificate(at);
    let base = at.trim_end_matches('/');
    let url = |path: &str| format!("{base}{path}");
    let id = bp.id.as_str();
    let mut citizen = Browser::new(router.clone());

    let start = citizen.send("GET", &url("/?lang=en"), &[]).await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.html);
    assert!(start.html.contains(&format!(
        r#"<link rel="stylesheet" href="{base}/portal.css">"#
    )));
    let css = citizen.send("GET", &url("/portal.css"), &[]).await;
    assert!(css.html.contains("--accent"));
    let begun = citizen.send("GET", &url("/apply"), &[]).await;
    assert_eq!(
        (begun.status, begun.location.as_str()),
        (StatusCode::SEE_OTHER, url("/apply/notification").as_str())
    );
    let csrf = citizen.cookie(&format!("qw_{id}_csrf"));
    let form = citizen.send("GET", &begun.location, &[]).await;
    assert!(
        form.html
            .contains(&format!(r#"action="{base}/apply/notification""#)),
        "{}",
        form.html
    );
    let forged = citizen
        .send(
            "POST",
            &url("/apply/notification"),
            &[("applicant_relation", "mother")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let wrong = citizen
        .send(
            "POST",
            &url("/apply/notification"),
            &[("csrf", &csrf), ("notification_number", "12<b>3")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let today = quickwin_blueprint::clock::Now::read().today.to_string();
    let pages: &[(&str, &[(&str, &str)])] = &[
        (
            "/apply/notification",
            &[
                ("notification_number", "BN-2026-004211"),
                ("applicant_relation", "mother"),
            ],
        ),
        (
            "/apply/child",
            &[
                ("child_first_name", "Zainab"),
                ("child_sex", "female"),
                ("child_date_of_birth", &today),
                ("place_of_birth", "baghdad"),
            ],
        ),
        (
            "/apply/parents",
            &[
                ("mother_national_id", "199012345678"),
                ("father_national_id", "198812345670"),
            ],
        ),
        (
            "/apply/contact",
            &[("phone", "07701234567"), ("copies", "2")],
        ),
    ];
    for (i, (page, fields)) in pages.iter().enumerate() {
        let shown = citizen.send("GET", &url(page), &[]).await;
        assert_eq!(shown.status, StatusCode::OK, "{page}");
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields.iter().copied());
        let moved = citizen.send("POST", &url(page), &form).await;
        let next = pages.get(i + 1).map_or("/apply/check", |(p, _)| p);
        assert_eq!(
            (moved.status, moved.location.as_str()),
            (StatusCode::SEE_OTHER, url(next).as_str()),
            "{page}: {}",
            moved.html
        );
    }
    let check = citizen.send("GET", &url("/apply/check"), &[]).await;
    assert!(
        check
            .html
            .contains(&format!(r#"href="{base}/apply/child""#))
    );
    let sent = citizen
        .send("POST", &url("/apply/check"), &[("csrf", &csrf)])
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.html);
    let number = regex::Regex::new(r#"<strong class="number" dir="ltr">([^<]+)</strong>"#).unwrap();
    let found: Vec<String> = number
        .captures_iter(&sent.html)
        .map(|c| c[1].to_string())
        .collect();
    let [tracking, code] = &found[..] else {
        panic!("a tracking number and an access code: {}", sent.html)
    };
    // The draft's cookie is deleted where it was set.
    assert!(
        !citizen
            .jar
            .iter()
            .any(|c| c.name == format!("qw_{id}_draft")),
        "{:?}",
        citizen.jar
    );
    let expired = citizen.send("GET", &url("/apply/check"), &[]).await;
    assert_eq!(expired.status, StatusCode::NOT_FOUND);
    let track = citizen.send("GET", &url("/track"), &[]).await;
    assert_eq!(track.status, StatusCode::OK);
    let status = citizen
        .send(
            "POST",
            &url("/track"),
            &[("csrf", &csrf), ("tracking", tracking), ("code", code)],
        )
        .await;
    assert!(status.html.contains("Received"), "{}", status.html);
    let verify = citizen
        .send("GET", &url("/verify?code=NOSUCHCODE"), &[])
        .await;
    assert_eq!(verify.status, StatusCode::NOT_FOUND);
    citizen.assert_links_stay_under(base).await;

    let mut clerk = Browser::new(router.clone());
    let away = clerk.send("GET", &url("/office/cases"), &[]).await;
    assert_eq!(away.location, url("/office"));
    clerk.send("GET", &url("/office?lang=en"), &[]).await;
    let csrf = clerk.cookie(&format!("qw_{id}_csrf"));
    let signed = clerk
        .send(
            "POST",
            &url("/office"),
            &[
                ("csrf", &csrf),
                ("name", "sara.clerk"),
                ("password", "sara.clerksara.clerk"),
            ],
        )
        .await;
    assert_eq!(signed.location, url("/office/cases"), "{}", signed.html);
    // The session comes with its own CSRF token.
    let csrf = clerk.cookie(&format!("qw_{id}_csrf"));
    let session = signed.headers["set-cookie"].to_str().unwrap();
    let path = if base.is_empty() { "/" } else { base };
    assert!(
        session.starts_with(&format!("qw_{id}_staff="))
            && session.contains(&format!("; Path={path};"))
            && session.contains("HttpOnly")
            && session.contains("SameSite=Strict"),
        "{session}"
    );
    let queue = clerk.send("GET", &url("/office/cases"), &[]).await;
    assert!(
        queue
            .html
            .contains(&format!(r#"href="{base}/office/cases/{tracking}""#)),
        "{}",
        queue.html
    );
    let case = clerk
        .send("GET", &url(&format!("/office/cases/{tracking}")), &[])
        .await;
    assert!(case.html.contains("Zainab"));
    // Sent back, corrected from the status page, sent again.
    let sent_back = clerk
        .send(
            "POST",
            &url(&format!("/office/cases/{tracking}/actions/send_back")),
            &[
                ("csrf", &csrf),
                ("reason", "The father's number is incomplete"),
            ],
        )
        .await;
    assert_eq!(
        sent_back.location,
        url(&format!("/office/cases/{tracking}")),
        "{}",
        sent_back.html
    );
    let own = citizen.cookie(&format!("qw_{id}_csrf"));
    let opened = citizen
        .send(
            "POST",
            &url("/track/correct"),
            &[
                ("csrf", &own),
                ("tracking", tracking),
                ("code", code),
                ("action", "resubmit"),
            ],
        )
        .await;
    assert_eq!(
        (opened.status, opened.location.as_str()),
        (StatusCode::SEE_OTHER, url("/apply/notification").as_str()),
        "{}",
        opened.html
    );
    let resent = citizen
        .send("POST", &url("/apply/check"), &[("csrf", &own)])
        .await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.html);
    assert!(resent.html.contains(tracking.as_str()));
    citizen.assert_links_stay_under(base).await;
    let verified = clerk
        .send(
            "POST",
            &url(&format!("/office/cases/{tracking}/actions/verify")),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(
        (verified.status, verified.location.as_str()),
        (
            StatusCode::SEE_OTHER,
            url(&format!("/office/cases/{tracking}")).as_str()
        ),
        "{}",
        verified.html
    );
    let out = clerk
        .send("POST", &url("/office/sign-out"), &[("csrf", &csrf)])
        .await;
    assert_eq!(out.location, url("/office"));
    let gone = clerk
        .send("GET", &url(&format!("/office/cases/{tracking}")), &[])
        .await;
    assert_eq!(gone.location, url("/office"));
    clerk.assert_links_stay_under(base).await;

    let mut registrar = Browser::new(router.clone());
    registrar.send("GET", &url("/office"), &[]).await;
    let csrf = registrar.cookie(&format!("qw_{id}_csrf"));
    let signed = registrar
        .send(
            "POST",
            &url("/office"),
            &[
                ("csrf", &csrf),
                ("name", "ali.registrar"),
                ("password", "ali.registrarali.registrar"),
            ],
        )
        .await;
    assert_eq!(signed.location, url("/office/cases"));
    let csrf = registrar.cookie(&format!("qw_{id}_csrf"));
    let approved = registrar
        .send(
            "POST",
            &url(&format!("/office/cases/{tracking}/actions/approve")),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.html);
    registrar.assert_links_stay_under(base).await;

    // The citizen now has a fee to pay, from a form under the prefix.
    let csrf = citizen.cookie(&format!("qw_{id}_csrf"));
    let due = citizen
        .send(
            "POST",
            &url("/track"),
            &[("csrf", &csrf), ("tracking", tracking), ("code", code)],
        )
        .await;
    assert!(
        due.html.contains(&format!(r#"action="{base}/track/pay""#)),
        "{}",
        due.html
    );
    citizen.assert_links_stay_under(base).await;

    // The API and the service's own routes are under the prefix too.
    let get = |uri: String| {
        let router = router.clone();
        async move {
            let res = router
                .oneshot(Request::get(uri.as_str()).body(Body::empty()).unwrap())
                .await
                .unwrap();
            let status = res.status();
            let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, serde_json::from_slice::<Value>(&bytes).ok())
        }
    };
    assert_eq!(get(url("/health")).await.0, StatusCode::OK);
    assert_eq!(get(url("/metrics")).await.0, StatusCode::OK);
    let (status, service) = get(url("/api/service")).await;
    assert_eq!(
        (status, service.unwrap()["id"].as_str()),
        (StatusCode::OK, Some(id))
    );
    let (_, doc) = get(url("/openapi.json")).await;
    let doc = doc.unwrap();
    // Without a `Host` (a request made in the process), the server is the base path.
    if base.is_empty() {
        assert_eq!(doc["servers"][0]["url"], "/", "at the root, the root");
    } else {
        assert_eq!(doc["servers"][0]["url"], base);
        assert_eq!(get("/health".into()).await.0, StatusCode::NOT_FOUND);
        assert_eq!(get("/".into()).await.0, StatusCode::NOT_FOUND);
        // Without its slash, the prefix leads to the start page.
        let res = router
            .clone()
            .oneshot(Request::get(base).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], url("/").as_str());
    }
}

#[tokio::test]
async fn the_citizen_and_clerk_journeys_at_the_root() {
    journey("/").await;
}

#[tokio::test]
async fn the_citizen_and_clerk_journeys_under_a_deep_prefix() {
    journey(DEEP).await;
}

/// Sign `name` in to the back office under `base` (`""` at the root).
async fn sign_in(b: &mut Browser, base: &str, id: &str, name: &str) -> Page {
    b.send("GET", &format!("{base}/office"), &[]).await;
    let csrf = b.cookie(&format!("qw_{id}_csrf"));
    b.send(
        "POST",
        &format!("{base}/office"),
        &[
            ("csrf", &csrf),
            ("name", name),
            ("password", &format!("{name}{name}")),
        ],
    )
    .await
}

#[tokio::test]
async fn two_pilots_side_by_side_keep_their_sessions_apart() {
    // One at the root, whose cookies a browser sends to the other too; one nested.
    let (birth, births) = pilot("birth-certificate", &[("sara.clerk", "clerk")]);
    let (welfare, welfares) = pilot("social-welfare", &[("sara.clerk", "intake_clerk")]);
    let nested: BasePath = DEEP.parse().unwrap();
    let router = Router::new()
        .merge(app(births))
        .merge(base::nest(&nested, app(welfares)));
    let deep = nested.as_str();
    let (b_id, w_id) = (birth.id.as_str(), welfare.id.as_str());

    // Signed in to the birth certificates only: the welfare office sends the clerk to
    // its own sign-in, and its API does not know the session.
    let mut b = Browser::new(router.clone());
    let signed = sign_in(&mut b, "", b_id, "sara.clerk").await;
    assert_eq!(signed.location, "/office/cases");
    assert_eq!(
        b.send("GET", "/office/cases", &[]).await.status,
        StatusCode::OK
    );
    let elsewhere = b.send("GET", &format!("{deep}/office/cases"), &[]).await;
    assert_eq!(
        (elsewhere.status, elsewhere.location.as_str()),
        (StatusCode::SEE_OTHER, format!("{deep}/office").as_str())
    );
    let token = b.cookie(&format!("qw_{b_id}_staff"));
    let cases = |at: String| {
        let (router, token) = (router.clone(), token.clone());
        async move {
            let req = Request::get(at)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            router.oneshot(req).await.unwrap().status()
        }
    };
    assert_eq!(cases("/api/cases".into()).await, StatusCode::OK);
    assert_eq!(
        cases(format!("{deep}/api/cases")).await,
        StatusCode::UNAUTHORIZED
    );

    // Signed in to both in one browser: neither session replaces the other, and each
    // service's CSRF token is its own.
    let signed = sign_in(&mut b, deep, w_id, "sara.clerk").await;
    assert_eq!(signed.location, format!("{deep}/office/cases"));
    assert_eq!(
        b.send("GET", &format!("{deep}/office/cases"), &[])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        b.send("GET", "/office/cases", &[]).await.status,
        StatusCode::OK,
        "the birth-certificate session survives the welfare sign-in"
    );
    let staff: Vec<&Kept> = b
        .jar
        .iter()
        .filter(|c| c.name.ends_with("_staff"))
        .collect();
    assert_eq!(staff.len(), 2, "{staff:?}");
    assert_ne!(staff[0].value, staff[1].value);
    assert_eq!(
        (staff[0].path.as_str(), staff[1].path.as_str()),
        ("/", deep)
    );
    assert_ne!(
        b.cookie(&format!("qw_{b_id}_csrf")),
        b.cookie(&format!("qw_{w_id}_csrf"))
    );

    // Signing out of one leaves the other signed in.
    let csrf = b.cookie(&format!("qw_{w_id}_csrf"));
    b.send(
        "POST",
        &format!("{deep}/office/sign-out"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(
        b.send("GET", &format!("{deep}/office/cases"), &[])
            .await
            .location,
        format!("{deep}/office")
    );
    assert_eq!(
        b.send("GET", "/office/cases", &[]).await.status,
        StatusCode::OK
    );

    // A form of one service posted with the other's CSRF token is refused.
    let wrong = b.cookie(&format!("qw_{b_id}_csrf"));
    let refused = b
        .send("POST", &format!("{deep}/track"), &[("csrf", &wrong)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
