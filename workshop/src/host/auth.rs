//! Who is asking: a team (its password, then a session cookie scoped to
//! `Path=/teams/<team>/`), or the trainer (`Path=/trainer`). A session is
//! `WHO.EXPIRES.MAC` under the host's key (`host.key`), so a restart keeps it and nothing
//! is stored; a form carries a token bound to the session (CSRF). The command line sends
//! the password itself as `Authorization: Bearer`. Failed sign-ins are limited per name.

use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use quickwin_runtime::guard::Rate;
use sha2::Sha256;

use super::{Host, now, teams};

/// How long a session lasts: a workshop day.
pub const SESSION: i64 = 12 * 3600;
/// Sign-in attempts per name: five at once, then one a minute.
const SIGN_INS: Rate = Rate::new(5, Duration::from_secs(60));

/// Who a request comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// The trainer.
    Trainer,
    /// A team, by name.
    Team(String),
}

impl Who {
    fn tag(&self) -> String {
        match self {
            Who::Trainer => "trainer".into(),
            Who::Team(t) => format!("team:{t}"),
        }
    }

    /// The cookie's name.
    pub fn cookie(&self) -> &'static str {
        match self {
            Who::Trainer => "qw_trainer",
            Who::Team(_) => "qw_team",
        }
    }

    /// The cookie's path.
    pub fn path(&self) -> String {
        match self {
            Who::Trainer => "/trainer".into(),
            Who::Team(t) => format!("/teams/{t}/"),
        }
    }
}

fn mac(host: &Host, text: &str) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(&host.secret).expect("any key length");
    m.update(text.as_bytes());
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new session's cookie value for `who`.
pub fn session(host: &Host, who: &Who) -> String {
    let body = format!("{}.{}", who.tag(), now() + SESSION);
    format!("{body}.{}", mac(host, &body))
}

/// The `Set-Cookie` of a new session.
pub fn set_cookie(host: &Host, who: &Who, secure: bool) -> String {
    format!(
        "{}={}; Path={}; Max-Age={SESSION}; HttpOnly; SameSite=Strict{}",
        who.cookie(),
        session(host, who),
        who.path(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` that ends a session.
pub fn clear_cookie(who: &Who) -> String {
    format!(
        "{}=; Path={}; Max-Age=0; HttpOnly; SameSite=Strict",
        who.cookie(),
        who.path()
    )
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The session of `who` in `headers`, when it is valid: its cookie value.
pub fn session_of<'a>(host: &Host, headers: &'a HeaderMap, who: &Who) -> Option<&'a str> {
    let value = cookie(headers, who.cookie())?;
    let (body, sig) = value.rsplit_once('.')?;
    let (tag, expires) = body.rsplit_once('.')?;
    let fresh = expires.parse::<i64>().is_ok_and(|e| e > now());
    let same = constant_eq(mac(host, body).as_bytes(), sig.as_bytes());
    (tag == who.tag() && fresh && same).then_some(value)
}

/// The form token of a session.
pub fn csrf(host: &Host, session: &str) -> String {
    mac(host, &format!("csrf:{session}"))
}

/// Whether `token` is the form token of `session`.
pub fn csrf_valid(host: &Host, session: &str, token: &str) -> bool {
    constant_eq(csrf(host, session).as_bytes(), token.as_bytes())
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Why a sign-in was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Wrong password (or no such team).
    Wrong,
    /// Too many failures: wait this long.
    Wait(Duration),
}

/// Check `password` for `who`, limited per name.
pub fn sign_in(host: &Host, who: &Who, password: &str) -> Result<(), Refused> {
    let key = format!("sign-in:{}", who.tag());
    host.buckets
        .peek(&key, SIGN_INS, Instant::now())
        .map_err(Refused::Wait)?;
    let class = host.class();
    let hash = match who {
        Who::Trainer => class.trainer.clone(),
        Who::Team(t) => class
            .teams
            .iter()
            .find(|x| &x.name == t)
            .map(|x| x.password.clone()),
    };
    // A missing team costs the same time as a wrong password: a real hash is checked.
    static NOBODY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = hash.unwrap_or_else(|| {
        NOBODY
            .get_or_init(|| teams::hash(&teams::new_password()).unwrap_or_default())
            .clone()
    });
    if teams::verify(&hash, password) {
        Ok(())
    } else {
        let _ = host.buckets.take(&key, SIGN_INS, Instant::now());
        Err(Refused::Wrong)
    }
}

/// The bearer password in `headers`, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}
