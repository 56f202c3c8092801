//! Where a service is mounted: the path prefix it is served under (`/teams/t3/svc/welfare`,
//! or nothing at the root), read from each request so that one router works nested
//! under any prefix with no configuration, and the one place that turns a path of the
//! service (`/apply`) into the URL a browser follows (`/teams/t3/svc/welfare/apply`).
//!
//! The prefix is what axum's `nest` stripped: the request's [`OriginalUri`] less the
//! path the service's router sees. [`nest`] mounts a router under a prefix given by a
//! person (`quickwin serve --base-path`), checked by [`BasePath::from_str`].

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use axum::Router;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::response::Redirect;
use axum::routing::any;

/// The path prefix a service is served under: empty at the root, else beginning with
/// `/` and never ending with one (`/services/welfare`). It holds only characters that
/// need no escaping in an HTML attribute or a header (others are percent-encoded), so
/// that templates may write it as it is: `href="{{ base | safe }}/apply"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BasePath(String);

impl BasePath {
    /// The root: no prefix.
    pub fn root() -> BasePath {
        BasePath::default()
    }

    /// The prefix a request was routed through: its original path less the path the
    /// (nested) router sees.
    pub fn of(parts: &Parts) -> BasePath {
        let inner = parts.uri.path();
        let original = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(inner, |o| o.0.path());
        let prefix = match original.strip_suffix(inner) {
            Some(prefix) => prefix,
            // Nested at `/svc`, a request for `/svc` reaches the router as `/`.
            None if inner == "/" => original,
            None => "",
        };
        BasePath(plain(prefix.trim_end_matches('/')))
    }

    /// The prefix, empty at the root.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the service is served at the root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The URL of the service's `path` (which begins with `/`): `/apply` →
    /// `/services/welfare/apply`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    /// The `Path` of the service's cookies: its prefix, or `/` at the root. A prefix a
    /// cookie's attributes could not carry as it is (a `;`, a space, a control character)
    /// gives `/`: the cookie's name still keeps services apart.
    pub fn cookie_path(&self) -> &str {
        let plain = self
            .0
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b';' && b != b',');
        if self.0.is_empty() || !plain {
            "/"
        } else {
            &self.0
        }
    }
}

impl fmt::Display for BasePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A base path as a person gives it (`services/welfare`, `/services/welfare/`): the
/// leading and trailing `/` are added or dropped; `/` or nothing is the root.
impl FromStr for BasePath {
    type Err = String;

    fn from_str(given: &str) -> Result<Self, Self::Err> {
        let refused = |why: &str| Err(format!("the base path `{given}` {why}"));
        if given.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return refused("has a space in it; write it without, e.g. `/services/welfare/`");
        }
        if let Some(c) = given.chars().find(|c| matches!(c, '?' | '#' | '{' | '}')) {
            return refused(&format!(
                "has `{c}` in it; a base path is only segments separated by `/`"
            ));
        }
        let segments: Vec<&str> = given.split('/').filter(|s| !s.is_empty()).collect();
        if let Some(dots) = segments.iter().find(|s| **s == ".." || **s == ".") {
            return refused(&format!(
                "has `{dots}` as a segment; write the path it stands for"
            ));
        }
        Ok(if segments.is_empty() {
            BasePath::root()
        } else {
            BasePath(plain(&format!("/{}", segments.join("/"))))
        })
    }
}

/// `path` with every byte but letters, digits, `/`, `%` and the path's other plain
/// characters (`-._~!$()*+,;=:@`) percent-encoded: no quote, `&` or `<` reaches a page.
fn plain(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/%-._~!$()*+,;=:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl<S: Send + Sync> FromRequestParts<S> for BasePath {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(BasePath::of(parts))
    }
}

/// `router` served under `base`: at the root as it is, else nested so that `base/` is
/// its start page and `base` (without the slash) redirects there.
pub fn nest(base: &BasePath, router: Router) -> Router {
    if base.is_root() {
        return router;
    }
    let home = base.url("/");
    Router::new().nest(&home, router).route(
        base.as_str(),
        any(move || async move { Redirect::to(&home) }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    #[test]
    fn a_base_path_is_normalised_and_a_doubtful_one_refused() {
        for (given, expected) in [
            ("", ""),
            ("/", ""),
            ("services/welfare", "/services/welfare"),
            ("/services/welfare/", "/services/welfare"),
            ("//teams//t3/", "/teams/t3"),
            ("/a-b_c.d~e/%41", "/a-b_c.d~e/%41"),
            ("/a\"b/<c>/d&e'", "/a%22b/%3Cc%3E/d%26e%27"),
            ("/وزارة", "/%D9%88%D8%B2%D8%A7%D8%B1%D8%A9"),
        ] {
            assert_eq!(
                given.parse::<BasePath>().map(|b| b.to_string()),
                Ok(expected.to_string()),
                "{given}"
            );
        }
        for (given, says) in [
            ("/a/../b", "`..`"),
            ("/a/./b", "`.`"),
            ("/a?b=1", "`?`"),
            ("/a#b", "`#`"),
            ("/a b", "space"),
            ("/a\tb", "space"),
            ("/{team}", "`{`"),
        ] {
            let why = given.parse::<BasePath>().unwrap_err();
            assert!(
                why.starts_with(&format!("the base path `{given}` ")) && why.contains(says),
                "{why}"
            );
        }
    }

    #[test]
    fn a_cookie_path_is_the_prefix_or_the_root() {
        assert_eq!(BasePath::root().cookie_path(), "/");
        assert_eq!(BasePath("/teams/t3".into()).cookie_path(), "/teams/t3");
        assert_eq!(BasePath("/a;Domain=x".into()).cookie_path(), "/");
    }

    async fn seen(router: Router, uri: &str) -> (StatusCode, String) {
        let res = router
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&body).into_owned();
        (status, location.unwrap_or(text))
    }

    #[tokio::test]
    async fn the_prefix_is_what_nesting_stripped_however_deep() {
        let inner = || {
            Router::new()
                .route("/", get(|b: BasePath| async move { b.url("/") }))
                .route(
                    "/apply/{page}",
                    get(|b: BasePath| async move { b.url("/x") }),
                )
        };
        assert_eq!(seen(inner(), "/").await.1, "/");
        assert_eq!(seen(inner(), "/apply/one").await.1, "/x");
        let deep: BasePath = "/teams/t3/svc/welfare/".parse().unwrap();
        let nested = nest(&deep, inner());
        for (uri, expected) in [
            (
                "/teams/t3/svc/welfare/",
                (StatusCode::OK, "/teams/t3/svc/welfare/"),
            ),
            (
                "/teams/t3/svc/welfare/apply/one?lang=ar",
                (StatusCode::OK, "/teams/t3/svc/welfare/x"),
            ),
            (
                "/teams/t3/svc/welfare",
                (StatusCode::SEE_OTHER, "/teams/t3/svc/welfare/"),
            ),
        ] {
            let (status, said) = seen(nested.clone(), uri).await;
            assert_eq!((status, said.as_str()), expected, "{uri}");
        }
        assert_eq!(seen(nested.clone(), "/").await.0, StatusCode::NOT_FOUND);
        // Nested by hand, without the slash, and twice.
        let twice = Router::new().nest("/outer", Router::new().nest("/svc", inner()));
        assert_eq!(seen(twice.clone(), "/outer/svc").await.1, "/outer/svc/");
        assert_eq!(seen(twice, "/outer/svc/apply/one").await.1, "/outer/svc/x");
    }
}
