//! A page being answered: its language, its CSRF token, the cookies to set (named per
//! service and scoped to where it is mounted), every link and redirect under the
//! service's base path, and the shared ways of reading a posted form and showing a
//! message. A leaf: the journeys use it, it uses none of them.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

use super::form;
use crate::base::BasePath;
use crate::state::ApiState;
use crate::text;
use quickwin_blueprint::model::Blueprint;

/// The cookies the pages set, each named per service (`qw_<service id>_<kind>`) so
/// that two services in one browser, mounted side by side, keep apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cookie {
    /// The language chosen.
    Lang,
    /// The CSRF token of the forms.
    Csrf,
    /// The unfinished application.
    Draft,
    /// The back-office session.
    Staff,
}

impl Cookie {
    /// The cookie's name for the service `service` (its blueprint's id).
    pub(super) fn name(self, service: &str) -> String {
        let kind = match self {
            Cookie::Lang => "lang",
            Cookie::Csrf => "csrf",
            Cookie::Draft => "draft",
            Cookie::Staff => "staff",
        };
        // A service id is a slug; anything else is kept out of the cookie's name.
        let service: String = service
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        format!("qw_{service}_{kind}")
    }

    /// Whether the cookie goes with a link followed from another site (`Lax`) or only
    /// with requests from the service's own pages (`Strict`).
    fn same_site(self) -> &'static str {
        match self {
            Cookie::Lang | Cookie::Draft => "Lax",
            Cookie::Csrf | Cookie::Staff => "Strict",
        }
    }

    /// The cookie's value in a request to the service `service`.
    pub(super) fn read(self, headers: &HeaderMap, service: &str) -> Option<String> {
        cookies(headers).get(&self.name(service)).cloned()
    }
}

/// The cookies of a request, by name. Of two cookies of the same name the first is
/// kept: browsers send the one of the longest path first, i.e. the one of the service
/// mounted deepest under the other.
fn cookies(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut jar = BTreeMap::new();
    for (k, v) in headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
    {
        jar.entry(k.to_string()).or_insert_with(|| v.to_string());
    }
    jar
}

/// A page being answered: its language, its CSRF token, the cookies to set, and where
/// the service is mounted.
pub(super) struct Visit {
    /// The page's language.
    pub(super) lang: String,
    csrf: String,
    set: Vec<String>,
    tera: std::sync::Arc<tera::Tera>,
    base: BasePath,
    service: String,
    guard: std::sync::Arc<crate::guard::Guard>,
}

impl Visit {
    /// The language (`?lang=` remembered in a cookie, else the cookie, else
    /// `Accept-Language`, else the blueprint's first) and the CSRF token.
    pub(super) fn new(
        state: &ApiState,
        bp: &Blueprint,
        base: &BasePath,
        headers: &HeaderMap,
        query: &BTreeMap<String, String>,
    ) -> Visit {
        let service = bp.id.as_str();
        let jar = cookies(headers);
        let known = |l: &str| bp.languages.iter().any(|x| x.as_str() == l);
        let mut v = Visit {
            lang: String::new(),
            csrf: String::new(),
            set: Vec::new(),
            tera: state.pages(),
            base: base.clone(),
            service: service.to_string(),
            guard: state.guard.clone(),
        };
        v.lang = if let Some(l) = query.get("lang").filter(|l| known(l)) {
            v.set_cookie(Cookie::Lang, l, 31_536_000);
            l.clone()
        } else if let Some(l) = jar.get(&Cookie::Lang.name(service)).filter(|l| known(l)) {
            l.clone()
        } else {
            crate::http::extract::language(bp, headers)
        };
        // The token is signed by the service and bound to the staff session, if any: a
        // cookie planted by someone else, or kept from before a sign-in, is not one.
        let session = jar
            .get(&Cookie::Staff.name(service))
            .cloned()
            .unwrap_or_default();
        v.csrf = match jar
            .get(&Cookie::Csrf.name(service))
            .filter(|t| state.guard.csrf_valid(t, &session))
        {
            Some(t) => t.clone(),
            None => {
                v.renew_csrf(&session);
                v.csrf.clone()
            }
        };
        v
    }

    /// A new CSRF token for the staff session `session` (empty for none), set in its
    /// cookie: at a first visit, and at every sign-in and sign-out.
    pub(super) fn renew_csrf(&mut self, session: &str) {
        let t = self.guard.csrf_token(session);
        self.set_cookie(Cookie::Csrf, &t, 86_400);
        self.csrf = t;
    }

    /// Set (or, with an empty value and no age, delete) one of the service's cookies,
    /// scoped to the path the service is mounted at.
    pub(super) fn set_cookie(&mut self, cookie: Cookie, value: &str, max_age: i64) {
        // Set once per answer: a later value replaces an earlier one.
        let named = format!("{}=", cookie.name(&self.service));
        self.set.retain(|c| !c.starts_with(&named));
        self.set.push(format!(
            "{}={value}; Path={}; HttpOnly; SameSite={}; Max-Age={max_age}",
            cookie.name(&self.service),
            self.base.cookie_path(),
            cookie.same_site()
        ));
    }

    /// The URL of the service's `path` (beginning with `/`), under its base path.
    pub(super) fn url(&self, path: &str) -> String {
        self.base.url(path)
    }

    /// Whether a posted form carries this visit's CSRF token.
    pub(super) fn allows(&self, pairs: &[(String, String)]) -> bool {
        let given = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map_or("", |(_, v)| v.as_str());
        given.len() == 32 && given == self.csrf
    }

    /// The template context every page has: `base` is the service's base path (empty
    /// at the root), which every link of the templates begins with; `path` is the
    /// page's own URL, for the language switch.
    pub(super) fn context(&self, bp: &Blueprint, path: &str) -> tera::Context {
        let mut c = tera::Context::new();
        c.insert("lang", &self.lang);
        c.insert("dir", if self.lang == "ar" { "rtl" } else { "ltr" });
        c.insert("t", &text::texts(&self.lang));
        c.insert("csrf", &self.csrf);
        c.insert("service", bp.title.get(&self.lang));
        c.insert("agency", bp.agency.name.get(&self.lang));
        c.insert("base", self.base.as_str());
        c.insert("path", &self.url(path));
        let others: Vec<Json> = bp
            .languages
            .iter()
            .filter(|l| l.as_str() != self.lang)
            .map(|l| json!({"code": l.as_str(), "name": if l.as_str() == "ar" { "العربية" } else if l.as_str() == "en" { "English" } else { l.as_str() }}))
            .collect();
        c.insert("languages", &others);
        c
    }

    /// A rendered page with the visit's cookies.
    pub(super) fn page(self, status: StatusCode, name: &str, c: &tera::Context) -> Response {
        let body = match self.tera.render(name, c) {
            Ok(html) => html,
            Err(e) => {
                tracing::error!(page = name, error = ?e, "service page: the template failed");
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the page could not be made",
                )
                    .into_response();
            }
        };
        self.with_cookies((status, Html(body)).into_response())
    }

    /// `response` with the visit's cookies and the pages' security headers.
    pub(super) fn with_cookies(self, mut response: Response) -> Response {
        for c in self.set {
            if let Ok(v) = HeaderValue::from_str(&c) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
        }
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
        );
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }

    /// A redirect to the service's `path` (beginning with `/`), under its base path.
    pub(super) fn redirect(self, path: &str) -> Response {
        let to = self.url(path);
        self.with_cookies(Redirect::to(&to).into_response())
    }
}

/// A token as kept in the store: its SHA-256, in hex.
pub(super) fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A page with one message of the pages' words (`key`) and the way to start again.
pub(super) fn message(v: Visit, bp: &Blueprint, status: StatusCode, key: &str) -> Response {
    let mut c = v.context(bp, "/");
    c.insert("key", key);
    v.page(status, "message.html", &c)
}

/// The page of a refusal for too many attempts (`error`, a 429): its `Retry-After`
/// and the pages' words for it.
pub(super) fn too_many(v: Visit, bp: &Blueprint, error: &crate::failure::ApiError) -> Response {
    let mut response = message(v, bp, StatusCode::TOO_MANY_REQUESTS, "too_many");
    if let Some(seconds) = error.retry_after() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// A message about an application already sent, with the way back to tracking it.
pub(super) fn message_to_track(
    v: Visit,
    bp: &Blueprint,
    status: StatusCode,
    key: &str,
) -> Response {
    let mut c = v.context(bp, "/track");
    c.insert("key", key);
    c.insert("to_track", &true);
    v.page(status, "message.html", &c)
}

/// A posted form's value, as sent.
pub(super) fn value(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map_or(String::new(), |(_, v)| v.clone())
}

/// A posted form: the blueprint it was answered against, the visit, its fields.
pub(super) type Posted = (std::sync::Arc<Blueprint>, Visit, Vec<(String, String)>);

/// A posted form, read and its CSRF token checked: the blueprint, the visit and the
/// form's fields, or the page refusing it.
pub(super) fn posted(
    state: &ApiState,
    base: &BasePath,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Posted, Box<Response>> {
    let bp = state.blueprint();
    let pairs = form::decode(body);
    let v = Visit::new(state, &bp, base, headers, &BTreeMap::new());
    if !v.allows(&pairs) {
        return Err(Box::new(message(v, &bp, StatusCode::FORBIDDEN, "refused")));
    }
    Ok((bp, v, pairs))
}

/// A posted form field, trimmed and in capitals (tracking numbers and codes).
pub(super) fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map_or(String::new(), |(_, v)| v.trim().to_uppercase())
}
