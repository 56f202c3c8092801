//! Who the client is: the socket's peer, or — when the peer is a trusted proxy — the
//! first hop of its `X-Forwarded-For`; and whether the request came over HTTPS (the
//! service's public URL is `https://`, or a trusted proxy says `X-Forwarded-Proto:
//! https`). The router's one layer (`http::measure`) works it out once per request, and
//! marks every cookie of the answer `Secure` when the request came over HTTPS.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;

use super::Settings;

/// The client of a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Client {
    /// Its address, when the server knows it (not in a test without a socket).
    pub address: Option<IpAddr>,
    /// Whether the request came over HTTPS.
    pub https: bool,
}

impl Client {
    /// Who the request comes from, given its socket's `peer` and `headers`.
    pub fn of(peer: Option<IpAddr>, headers: &HeaderMap, settings: &Settings) -> Client {
        let trusted = peer.is_some_and(|p| settings.trusted_proxies.contains(&p));
        let forwarded = trusted
            .then(|| first(headers, "x-forwarded-for"))
            .flatten()
            .and_then(|hop| ip(&hop));
        let proto = trusted
            .then(|| first(headers, "x-forwarded-proto"))
            .flatten()
            .is_some_and(|p| p.eq_ignore_ascii_case("https"));
        Client {
            address: forwarded.or(peer),
            https: settings.https || proto,
        }
    }

    /// The key of its buckets: its address (`unknown` when the server has none).
    pub fn key(&self) -> String {
        self.address
            .map_or_else(|| "unknown".to_string(), |a| a.to_string())
    }
}

/// The first value of the first `name` header (comma-separated lists), trimmed.
fn first(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// An address as a proxy writes it: `203.0.113.7`, `203.0.113.7:5123`, `2001:db8::1`
/// or `[2001:db8::1]:5123`.
fn ip(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Client>()
            .cloned()
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn forwarded_headers_count_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let settings = Settings {
            trusted_proxies: vec![proxy],
            ..Settings::default()
        };
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.7, 10.0.0.9"),
            ("x-forwarded-proto", "https"),
        ]);
        let c = Client::of(Some(proxy), &h, &settings);
        assert_eq!(c.address, Some("203.0.113.7".parse().unwrap()));
        assert!(c.https);
        let stranger: IpAddr = "198.51.100.2".parse().unwrap();
        let c = Client::of(Some(stranger), &h, &settings);
        assert_eq!(c.address, Some(stranger));
        assert!(!c.https);
        let h = headers(&[("x-forwarded-for", "[2001:db8::1]:5123")]);
        let c = Client::of(Some(proxy), &h, &settings);
        assert_eq!(c.address, Some("2001:db8::1".parse().unwrap()));
        assert_eq!(Client::default().key(), "unknown");
    }
}
