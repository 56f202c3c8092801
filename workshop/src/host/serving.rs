//! A service the host serves, as a [`Slot`]: its blueprint file, its folder and, while it
//! is used, the open service; how a request reaches it under its prefix ([`dispatch`]);
//! and its demo back-office accounts, kept so that a service reopened keeps them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use axum::Router;
use axum::body::Body;
use axum::extract::{OriginalUri, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use quickwin_blueprint::clock::Now;
use quickwin_runtime::service::Service;
use quickwin_runtime::store::accounts as accounts_store;
use tokio::task::JoinHandle;
use tower::ServiceExt;

use super::{Host, teams, write_atomic};

/// One service the host serves: a catalogue pilot or a team's.
pub struct Slot {
    /// The team, for a team's service.
    pub team: Option<String>,
    /// Its blueprint file.
    pub file: PathBuf,
    /// Its folder: stores (one per blueprint id) and demo accounts.
    pub dir: PathBuf,
    /// The path it is served under, less the blueprint's id: `/teams/t3/svc` or `/pilots`.
    pub mount: String,
    pub(super) live: tokio::sync::Mutex<Option<Live>>,
    pub(super) used: AtomicU64,
}

/// An open service.
pub(super) struct Live {
    pub(super) service: Arc<Service>,
    pub(super) router: Router,
    pub(super) worker: JoinHandle<()>,
}

impl Drop for Live {
    fn drop(&mut self) {
        self.worker.abort();
    }
}

impl Slot {
    /// Whether it is open now.
    pub fn is_open(&self) -> bool {
        self.live.try_lock().map(|l| l.is_some()).unwrap_or(true)
    }
}

/// The demo accounts of a slot's service: one per staff role, made once and kept in
/// `accounts.json` (readable by the host only), so that a service closed when idle and
/// opened again keeps its passwords; a role added by a push gets its account then.
pub(super) fn demo_accounts(slot: &Slot, service: &Service) {
    let path = slot.dir.join("accounts.json");
    let mut kept: BTreeMap<String, (String, String)> = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let bp = service.state.blueprint();
    let conn = service.state.conn.lock().unwrap_or_else(|e| e.into_inner());
    let stamp = Now::read().stamp;
    let mut changed = false;
    for role in bp
        .roles
        .iter()
        .filter(|r| r.kind.value == quickwin_blueprint::model::RoleKind::Staff)
    {
        if kept.contains_key(role.id.as_str()) {
            continue;
        }
        let name = format!("demo.{}", role.id.as_str().replace('_', "-"));
        let password = format!("demo-{}", teams::new_password().replace('-', ""));
        let Some(hash) = demo_hash(&password) else {
            continue;
        };
        let put = accounts_store::remove_user(&conn, &name).and_then(|()| {
            accounts_store::insert_user(&conn, &name, &hash, role.id.as_str(), &stamp)
        });
        if put.is_ok() {
            kept.insert(role.id.as_str().to_string(), (name, password));
            changed = true;
        }
    }
    if changed {
        if let Ok(text) = serde_json::to_string_pretty(&kept) {
            let _ = write_atomic(&path, &text);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
}

/// The hash of a demo account's password: Argon2id with a light cost (1 MiB, one pass)
/// instead of the runtime's default (19 MiB, two passes). The password is made here with
/// 60 bits of randomness and kept in clear in `accounts.json` beside the store, so a
/// memory-hard hash would protect nothing more; at the default cost, the accounts of
/// every staff role of every team's service took seconds of the class's first requests
/// and 19 MiB each while they were hashed. Sign-in verifies it with the parameters the
/// hash names, as any other.
fn demo_hash(password: &str) -> Option<String> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let params = argon2::Params::new(1024, 1, 1, None).ok()?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).ok()?;
    let salt = SaltString::encode_b64(&salt).ok()?;
    argon
        .hash_password(password.as_bytes(), &salt)
        .ok()
        .map(|h| h.to_string())
}

/// The demo accounts kept for a slot: role → (name, password).
pub fn kept_accounts(slot: &Slot) -> BTreeMap<String, (String, String)> {
    std::fs::read_to_string(slot.dir.join("accounts.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Serve a request for a slot's service: the path less the mount goes to the service's
/// own router, which reads its prefix from the original URI (`runtime::base`).
pub async fn dispatch(host: &Host, slot: Arc<Slot>, id: &str, request: Request) -> Response {
    let (service, router) = match host.live(&slot).await {
        Ok(l) => l,
        Err(e) => return unavailable(&e.to_string()),
    };
    if service.state.blueprint().id.as_str() != id {
        return (
            StatusCode::NOT_FOUND,
            format!(
                "no service `{id}` here; this team serves `{}`",
                service.state.blueprint().id.as_str()
            ),
        )
            .into_response();
    }
    let (parts, body) = request.into_parts();
    let original = parts
        .extensions
        .get::<OriginalUri>()
        .map_or_else(|| parts.uri.clone(), |o| o.0.clone());
    let prefix = format!("{}/{id}", slot.mount);
    let path = original.path();
    let inner = path.strip_prefix(&prefix).unwrap_or("/");
    let inner = if inner.is_empty() { "/" } else { inner };
    let target = match original.query() {
        Some(q) => format!("{inner}?{q}"),
        None => inner.to_string(),
    };
    let Ok(uri) = target.parse() else {
        return (StatusCode::BAD_REQUEST, "the path is not a valid URI").into_response();
    };
    // A fresh request: the outer router's path parameters (an extension of its own)
    // must not reach the service's router, which would add its own to them.
    let mut inner = Request::new(body);
    *inner.method_mut() = parts.method;
    *inner.uri_mut() = uri;
    *inner.version_mut() = parts.version;
    *inner.headers_mut() = parts.headers;
    inner.extensions_mut().insert(OriginalUri(original));
    if let Some(peer) = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
    {
        inner.extensions_mut().insert(*peer);
    }
    match router.oneshot(inner).await {
        Ok(r) => r,
        Err(never) => match never {},
    }
}

pub(super) fn unavailable(why: &str) -> Response {
    let mut r = (
        StatusCode::SERVICE_UNAVAILABLE,
        format!("this service cannot run now: {why}\n"),
    )
        .into_response();
    r.headers_mut()
        .insert("retry-after", axum::http::HeaderValue::from_static("5"));
    r
}

/// `/pilots/{id}/…` and `/teams/{team}/svc/{id}/…`.
pub async fn services(State(host): State<Host>, request: Request<Body>) -> Response {
    let path = request.extensions().get::<OriginalUri>().map_or_else(
        || request.uri().path().to_string(),
        |o| o.0.path().to_string(),
    );
    let parts: Vec<&str> = path.trim_start_matches('/').splitn(5, '/').collect();
    let (key, id) = match parts.as_slice() {
        ["pilots", id, ..] => (format!("pilots/{id}"), *id),
        ["teams", team, "svc", id, ..] => (format!("teams/{team}"), *id),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match host.slot(&key) {
        Some(slot) => dispatch(&host, slot, id, request).await,
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
