//! The service's side of the information mediator: every call to another agency goes
//! through `/r1/{service}/{path}` with `X-Road-Client` set to this service's client
//! subsystem, proved by its key (`Authorization: Bearer KEY`), and `X-Road-Issue` set to
//! the case's tracking number, so the mediator's message log shows who asked what about
//! which case. Calls the other way, to the operations this service provides, are
//! accepted only with the mediator's signature under the same key ([`verify_signature`]).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value as Json, json};

use quickwin_blueprint::model::Blueprint;

/// How long a call may take before it counts as failed.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(15);

/// The payment gateway every service with fees calls.
pub const PAYMENTS: &str = "IQ/GOV/CBI/payments/payments";

/// The notification service every service with notifications calls.
pub const NOTIFY: &str = "IQ/GOV/MOC/notify/messages";

/// The mediator's `type` of an answer refused for want of an access right.
pub const ACCESS_DENIED: &str = "Server.ServerProxy.AccessDenied";

/// What is told when the mediator first refuses a call for want of a right: the service.
type DeniedHook = Arc<dyn Fn(&str) + Send + Sync>;

/// A client of one mediator, calling as one subsystem.
#[derive(Clone)]
pub struct Mediator {
    base: String,
    client: String,
    http: Client<HttpConnector, Full<Bytes>>,
    denied: Arc<Mutex<Denied>>,
    ids: Option<Arc<MessageIds>>,
    key: Option<Arc<str>>,
}

/// How far the time of a mediator's signature may be from this machine's clock.
pub const SIGNATURE_SKEW_SECS: u64 = 300;

/// Why a call to a provided operation is not taken as coming from the mediator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The service has no key, so it cannot tell the mediator's calls from others.
    #[error(
        "the service has no member key, so it cannot check that a call came through the mediator; give it one (`QUICKWIN_MEMBER_KEY`)"
    )]
    NoKey,
    /// The call carries no signature.
    #[error(
        "the call carries no `X-Road-Mediator` signature: operations are called through the information mediator only"
    )]
    Missing,
    /// The signature is not in the form `v1;t=UNIX;sig=HEX`.
    #[error("the `X-Road-Mediator` header is not `v1;t=UNIX;sig=HEX`")]
    Malformed,
    /// The signature is too old or from the future.
    #[error(
        "the mediator's signature is more than {SIGNATURE_SKEW_SECS} s from this service's clock"
    )]
    Stale,
    /// The signature does not match the call.
    #[error("the mediator's signature does not match the call")]
    Wrong,
}

/// Check the mediator's signature `header` (`X-Road-Mediator: v1;t=UNIX;sig=HEX`) of a
/// call by `client` with message id `id`, `method` and `path` (with its query, as
/// received), under this service's `key`, at `now` (seconds since 1970).
pub fn verify_signature(
    key: Option<&str>,
    header: Option<&str>,
    (id, client, method, path): (&str, &str, &str, &str),
    now: u64,
) -> Result<(), SignatureError> {
    use hmac::{Hmac, Mac};
    let key = key.ok_or(SignatureError::NoKey)?;
    let header = header.ok_or(SignatureError::Missing)?;
    let mut parts = header.split(';');
    let (Some("v1"), Some(t), Some(sig), None) = (
        parts.next(),
        parts.next().and_then(|p| p.strip_prefix("t=")),
        parts.next().and_then(|p| p.strip_prefix("sig=")),
        parts.next(),
    ) else {
        return Err(SignatureError::Malformed);
    };
    let time: u64 = t.parse().map_err(|_| SignatureError::Malformed)?;
    if time.abs_diff(now) > SIGNATURE_SKEW_SECS {
        return Err(SignatureError::Stale);
    }
    let expected = (0..sig.len())
        .step_by(2)
        .map(|i| {
            sig.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or(SignatureError::Malformed)?;
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).map_err(|_| SignatureError::NoKey)?;
    // The same text the mediator signs (quickwin-sandbox `members::sign`).
    mac.update(format!("v1\n{time}\n{id}\n{client}\n{method}\n{path}").as_bytes());
    mac.verify_slice(&expected)
        .map_err(|_| SignatureError::Wrong)
}

/// Message ids this client sets itself (`X-Road-Id: PREFIX<n>`), so that a workshop's
/// check can find exactly the calls it caused in the message log.
struct MessageIds {
    prefix: String,
    next: std::sync::atomic::AtomicU64,
}

/// The services the mediator refused to this client, and who to tell.
#[derive(Default)]
struct Denied {
    told: BTreeSet<String>,
    hook: Option<DeniedHook>,
}

/// An access right: `client` may call `service`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Right {
    /// The service identifier.
    pub service: String,
    /// The client subsystem.
    pub client: String,
}

/// The rights the service `bp` needs in a mediator: its subsystem may call each service
/// it integrates with, the payment gateway when it has fees, the notification service
/// when it sends notifications; each operation it provides may be called by its clients.
pub fn implied_rights(bp: &Blueprint) -> Vec<Right> {
    let client = subsystem(bp.interop.as_str());
    let mut rights = BTreeSet::new();
    let mut add = |service: &str, client: &str| {
        rights.insert(Right {
            service: service.to_string(),
            client: client.to_string(),
        });
    };
    for i in &bp.integrations {
        add(i.service.as_str(), &client);
    }
    if !bp.fees.is_empty() {
        add(PAYMENTS, &client);
    }
    if !bp.notifications.is_empty() {
        add(NOTIFY, &client);
    }
    for op in &bp.provides {
        for c in &op.clients {
            add(&format!("{client}/{}", op.id.as_str()), c.as_str());
        }
    }
    rights.into_iter().collect()
}

/// Why a call through the mediator failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// The mediator could not be reached or did not answer in time.
    #[error("the information mediator at `{base}` did not answer: {reason}")]
    Unreachable {
        /// The mediator's address.
        base: String,
        /// What went wrong.
        reason: String,
    },
    /// The mediator or the service answered with an error status.
    #[error("`{service}` answered {status}: {message}")]
    Refused {
        /// The service called.
        service: String,
        /// The HTTP status.
        status: u16,
        /// The error type and message of the answer.
        message: String,
        /// The answer's body, when it was JSON.
        body: Json,
    },
    /// The answer was not JSON.
    #[error("`{service}` answered with something that is not JSON")]
    NotJson {
        /// The service called.
        service: String,
    },
}

impl CallError {
    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            CallError::Refused { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The `type` of the error answer, when it had one.
    pub fn kind(&self) -> Option<&str> {
        match self {
            CallError::Refused { body, .. } => body["type"].as_str(),
            _ => None,
        }
    }

    /// Whether the mediator refused the call for want of an access right.
    pub fn access_denied(&self) -> bool {
        self.status() == Some(403) && self.kind() == Some(ACCESS_DENIED)
    }

    /// Whether the agency itself answered no (no record, a refusal of what was asked):
    /// a 4xx answer of the agency. Everything else — the mediator's own refusals (access
    /// denied, unknown service), 401, 403, 408, 429, server errors, timeouts, no answer,
    /// an answer that is not JSON — means the service could not reach the agency.
    pub fn is_negative_answer(&self) -> bool {
        let Some(status) = self.status() else {
            return false;
        };
        let mediator = self
            .kind()
            .is_some_and(|k| k.starts_with("Server.") || k.starts_with("Client."));
        (400..500).contains(&status) && !matches!(status, 401 | 403 | 407 | 408 | 429) && !mediator
    }
}

/// The command that grants the rights the blueprint `file` implies in the sandbox whose
/// data are in `data` (its default folder when not known).
pub fn grant_command(file: &str, data: Option<&str>) -> String {
    match data {
        Some(d) => format!("quickwin sandbox grant {file} --data {d}"),
        None => format!("quickwin sandbox grant {file}"),
    }
}

/// What to tell whoever runs a service whose calls to `service` the mediator at `base`
/// refuses: the missing right and the command that grants it.
pub fn denied_warning(client: &str, service: &str, base: &str, command: &str) -> String {
    format!(
        "warning: the mediator at {base} denies `{client}` the right to call `{service}`; \
         applicants are told the agency cannot be reached. grant the blueprint's rights with \
         `{command}` (the sandbox picks them up without a restart)"
    )
}

/// The client subsystem of a service identifier: its first four parts.
pub fn subsystem(service: &str) -> String {
    service.split('/').take(4).collect::<Vec<_>>().join("/")
}

/// A service (or subsystem) identifier with `suffix` added to its subsystem part, the
/// fourth: `IQ/GOV/MOLSA/welfare/applications` with `t3` is
/// `IQ/GOV/MOLSA/welfare-t3/applications`. A workshop host gives each team its own
/// subsystem this way.
pub fn suffixed(id: &str, suffix: &str) -> String {
    id.split('/')
        .enumerate()
        .map(|(i, part)| {
            if i == 3 {
                format!("{part}-{suffix}")
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The registry entries of the service `bp` served at `base`: the service, then each
/// operation it provides.
pub fn registry_entries(bp: &Blueprint, base: &str, openapi: &Json) -> Vec<Json> {
    let client = subsystem(bp.interop.as_str());
    let agency = json!({"name": {"en": bp.agency.name.get("en"), "ar": bp.agency.name.get("ar")}});
    let mut entries = vec![json!({
        "id": bp.interop.as_str(), "backend": base,
        "title": {"en": bp.title.get("en"), "ar": bp.title.get("ar")},
        "agency": agency,
        "openapi": openapi,
    })];
    for op in &bp.provides {
        entries.push(json!({
            "id": format!("{client}/{}", op.id.as_str()),
            "backend": format!("{base}/api/provides/{}", op.id.as_str()),
            "title": {"en": op.label.get("en"), "ar": op.label.get("ar")},
            "agency": agency,
            "clients": op.clients.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        }));
    }
    entries
}

impl Mediator {
    /// A client of the mediator at `base` (e.g. `http://127.0.0.1:8080`) calling as the
    /// subsystem of `service` (this service's own identifier).
    pub fn new(base: &str, service: &str) -> Self {
        Mediator {
            base: base.trim_end_matches('/').to_string(),
            client: subsystem(service),
            http: Client::builder(TokioExecutor::new()).build_http(),
            denied: Arc::default(),
            ids: None,
            key: None,
        }
    }

    /// The same client, proving its subsystem with `key` on every call and registration.
    pub fn with_key(mut self, key: &str) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The `Authorization` header's value that proves this client, when it has a key.
    fn bearer(&self) -> Option<String> {
        self.key.as_ref().map(|k| format!("Bearer {k}"))
    }

    /// The key this client calls with, when it has one.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// The same client, giving each call the message id `PREFIX1`, `PREFIX2`, … instead
    /// of leaving it to the mediator.
    pub fn with_message_ids(mut self, prefix: &str) -> Self {
        self.ids = Some(Arc::new(MessageIds {
            prefix: prefix.to_string(),
            next: std::sync::atomic::AtomicU64::new(1),
        }));
        self
    }

    /// Call `hook` with the service's identifier the first time the mediator refuses a
    /// call to it for want of an access right (once per service), so that whoever runs
    /// the service can say which right is missing and how to grant it.
    pub fn on_access_denied(&self, hook: impl Fn(&str) + Send + Sync + 'static) {
        self.denied.lock().unwrap_or_else(|e| e.into_inner()).hook = Some(Arc::new(hook));
    }

    /// The services this client may call, as the sandbox's `GET /mediator/rights.json`
    /// tells, with the folder of its `access.yaml`; `None` when the mediator does not
    /// say (an X-Road security server, or a sandbox that does not run).
    pub async fn rights(&self) -> Option<(BTreeSet<String>, Option<String>)> {
        let uri = format!(
            "{}/mediator/rights.json?client={}",
            self.base,
            self.client.replace('/', "%2F")
        );
        let answer = self
            .send("GET", &uri, &[], None, "the mediator")
            .await
            .ok()?;
        let services = answer["services"]
            .as_array()?
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect();
        Some((services, answer["data"].as_str().map(str::to_string)))
    }

    /// The mediator's address.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The client subsystem this service calls as.
    pub fn client(&self) -> &str {
        &self.client
    }

    /// The rights `bp` needs for its own calls that the mediator does not grant this
    /// client, with the folder of the sandbox's `access.yaml`; `None` when the mediator
    /// does not say what it grants.
    pub async fn missing_rights(&self, bp: &Blueprint) -> Option<(Vec<Right>, Option<String>)> {
        let (granted, data) = self.rights().await?;
        let missing = implied_rights(bp)
            .into_iter()
            .filter(|r| r.client == self.client && !granted.contains(&r.service))
            .collect();
        Some((missing, data))
    }

    /// Register a service in the sandbox's registry (`POST /registry/services`).
    pub async fn register(&self, entry: &Json) -> Result<Json, CallError> {
        let uri = format!("{}/registry/services", self.base);
        let bearer = self.bearer();
        let headers: Vec<(&str, &str)> = bearer
            .iter()
            .map(|b| ("authorization", b.as_str()))
            .collect();
        self.send("POST", &uri, &headers, Some(entry), "the registry")
            .await
    }

    /// Register the service `bp`, served at `base`, in the registry: the service itself
    /// with its OpenAPI document, and each operation it provides to other agencies as
    /// `SUBSYSTEM/op`, open to the clients the blueprint lists.
    pub async fn register_service(
        &self,
        bp: &Blueprint,
        base: &str,
        openapi: &Json,
    ) -> Result<(), CallError> {
        for entry in registry_entries(bp, base, openapi) {
            self.register(&entry).await?;
        }
        Ok(())
    }

    /// Call `service` at `path` (beginning with `/`) about the case `issue`.
    pub async fn call(
        &self,
        method: &str,
        service: &str,
        path: &str,
        body: Option<&Json>,
        issue: &str,
    ) -> Result<Json, CallError> {
        self.call_with(method, service, path, body, issue, &[])
            .await
    }

    /// [`Mediator::call`] with more headers, such as an `Idempotency-Key`.
    pub async fn call_with(
        &self,
        method: &str,
        service: &str,
        path: &str,
        body: Option<&Json>,
        issue: &str,
        more: &[(&str, &str)],
    ) -> Result<Json, CallError> {
        let uri = format!("{}/r1/{service}{path}", self.base);
        let mut headers = vec![("x-road-client", self.client.as_str())];
        let bearer = self.bearer();
        if let Some(b) = &bearer {
            headers.push(("authorization", b.as_str()));
        }
        headers.extend_from_slice(more);
        if !issue.is_empty() {
            headers.push(("x-road-issue", issue));
        }
        let id = self.ids.as_ref().map(|ids| {
            let n = ids.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            format!("{}{n}", ids.prefix)
        });
        if let Some(id) = &id {
            headers.push(("x-road-id", id.as_str()));
        }
        let result = self.send(method, &uri, &headers, body, service).await;
        if let Err(e) = &result {
            if e.access_denied() {
                let hook = {
                    let mut denied = self.denied.lock().unwrap_or_else(|e| e.into_inner());
                    let first = denied.told.insert(service.to_string());
                    denied.hook.clone().filter(|_| first)
                };
                if let Some(hook) = hook {
                    hook(service);
                }
            }
        }
        result
    }

    /// Send one request and read its JSON answer, within [`CALL_TIMEOUT`] for each half.
    async fn send(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<&Json>,
        service: &str,
    ) -> Result<Json, CallError> {
        let unreachable = |reason: String| CallError::Unreachable {
            base: self.base.clone(),
            reason,
        };
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(uri)
            .header("accept", "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let payload = match body {
            Some(b) => {
                request = request.header("content-type", "application/json");
                Bytes::from(b.to_string())
            }
            None => Bytes::new(),
        };
        let request = request
            .body(Full::new(payload))
            .map_err(|e| unreachable(e.to_string()))?;
        let response = match tokio::time::timeout(CALL_TIMEOUT, self.http.request(request)).await {
            Err(_) => return Err(unreachable("no answer in time".into())),
            Ok(Err(e)) => return Err(unreachable(e.to_string())),
            Ok(Ok(r)) => r,
        };
        let status = response.status().as_u16();
        let bytes = match tokio::time::timeout(CALL_TIMEOUT, response.into_body().collect()).await {
            Err(_) => return Err(unreachable("the answer did not arrive in time".into())),
            Ok(Err(e)) => return Err(unreachable(e.to_string())),
            Ok(Ok(c)) => c.to_bytes(),
        };
        let parsed: Option<Json> = if bytes.is_empty() {
            Some(Json::Null)
        } else {
            serde_json::from_slice(&bytes).ok()
        };
        if !(200..300).contains(&status) {
            let body = parsed.unwrap_or(Json::Null);
            let kind = body["type"].as_str().unwrap_or("Error");
            let text = body["message"].as_str().unwrap_or("no message");
            let detail = match &body["detail"] {
                Json::String(d) if !d.is_empty() => format!(" ({d})"),
                Json::Array(items) if !items.is_empty() => format!(
                    " ({})",
                    items
                        .iter()
                        .filter_map(Json::as_str)
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                _ => String::new(),
            };
            return Err(CallError::Refused {
                service: service.to_string(),
                status,
                message: format!("{kind}: {text}{detail}"),
                body,
            });
        }
        parsed.ok_or_else(|| CallError::NotJson {
            service: service.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(status: u16, kind: &str) -> CallError {
        CallError::Refused {
            service: "IQ/GOV/MOI/civil-registry/persons".into(),
            status,
            message: String::new(),
            body: json!({"type": kind}),
        }
    }

    #[test]
    fn only_an_agencys_own_4xx_is_a_negative_answer() {
        let unreachable = CallError::Unreachable {
            base: "http://127.0.0.1:1".into(),
            reason: "connection refused".into(),
        };
        let not_json = CallError::NotJson {
            service: "x".into(),
        };
        for (error, negative) in [
            (refused(404, "Agency.NotFound"), true),
            (refused(409, "Agency.AlreadyEnrolled"), true),
            (refused(422, "Agency.InvalidRequest"), true),
            (refused(403, ACCESS_DENIED), false),
            (refused(404, "Server.ServerProxy.UnknownService"), false),
            (refused(400, "Client.MissingClientHeader"), false),
            (refused(401, "Unauthorized"), false),
            (refused(408, "Timeout"), false),
            (refused(429, "TooMany"), false),
            (refused(500, "Agency.Internal"), false),
            (refused(502, "Server.ServerProxy.ServiceFailed"), false),
            (refused(504, "Server.ServerProxy.Timeout"), false),
            (unreachable, false),
            (not_json, false),
        ] {
            assert_eq!(error.is_negative_answer(), negative, "{error:?}");
        }
        assert!(refused(403, ACCESS_DENIED).access_denied());
        assert!(!refused(403, "Agency.Forbidden").access_denied());
    }

    #[test]
    fn the_rights_a_blueprint_implies_are_its_calls_payments_notifications_and_operations() {
        let text = include_str!("../../blueprints/birth-certificate.yaml");
        let checked = quickwin_blueprint::check_bytes("birth-certificate.yaml", text.as_bytes());
        let bp = checked.blueprint.expect("the catalogue blueprint is valid");
        let rights: Vec<(String, String)> = implied_rights(&bp)
            .into_iter()
            .map(|r| (r.service, r.client))
            .collect();
        let us = "IQ/GOV/MOI/civil-status".to_string();
        let status = "IQ/GOV/MOI/civil-status/birth-certificate-status".to_string();
        assert_eq!(
            rights,
            vec![
                (PAYMENTS.into(), us.clone()),
                (NOTIFY.into(), us.clone()),
                ("IQ/GOV/MOH/births/notifications".into(), us.clone()),
                ("IQ/GOV/MOI/civil-registry/persons".into(), us),
                (status.clone(), "IQ/GOV/MOE/schools".into()),
                (status, "IQ/GOV/MOH/primary-care".into()),
            ]
        );
    }
}
