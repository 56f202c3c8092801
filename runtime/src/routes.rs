//! The one route table of a service's HTTP API: every route as its method, its path and
//! the operation it performs. The router ([`crate::http::routes`]) gives each operation its
//! handler and the OpenAPI document ([`crate::openapi`]) its description, both with an
//! exhaustive `match` on [`Op`]: a route added here without a handler or a description
//! does not compile.

/// The largest request body the API reads: 10 MiB (an uploaded file).
pub const MAX_BODY: usize = 10 * 1024 * 1024;

/// What a route does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Op {
    /// `ok` while the service runs.
    Health,
    /// Counts for monitoring, in the Prometheus text format.
    Metrics,
    /// The OpenAPI document.
    OpenApi,
    /// What the service is, for a start page.
    Service,
    /// A citizen submits an application.
    Submit,
    /// A citizen reads their application with its access code.
    Track,
    /// A citizen takes an action (a correction, a cancellation).
    CitizenAct,
    /// A citizen downloads an issued document.
    Document,
    /// A citizen pays a due fee.
    Pay,
    /// A file is uploaded, for a `file` field.
    Upload,
    /// The places that can be booked.
    Resources,
    /// The free slots of a place.
    Slots,
    /// Anyone checks a document by its verification code.
    Verify,
    /// Another agency calls an operation the service provides.
    Provide,
    /// A member of staff signs in.
    SignIn,
    /// A member of staff signs out.
    SignOut,
    /// Staff list cases.
    Cases,
    /// Staff read one case.
    Case,
    /// Staff download an attachment of a case.
    Attachment,
    /// Staff take an action on a case.
    StaffAct,
}

/// One route: `method` (lowercase, as OpenAPI writes it) on `path`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// `get`, `post` or `delete`.
    pub method: &'static str,
    /// The path under the service's base, with `{parameters}`.
    pub path: &'static str,
    /// What it does.
    pub op: Op,
}

const fn route(method: &'static str, path: &'static str, op: Op) -> Route {
    Route { method, path, op }
}

/// Every route of the API, in the order the OpenAPI document lists them.
pub const ROUTES: &[Route] = &[
    route("get", "/health", Op::Health),
    route("get", "/metrics", Op::Metrics),
    route("get", "/openapi.json", Op::OpenApi),
    route("get", "/api/service", Op::Service),
    route("post", "/api/applications", Op::Submit),
    route("get", "/api/applications/{tracking}", Op::Track),
    route(
        "post",
        "/api/applications/{tracking}/actions/{action}",
        Op::CitizenAct,
    ),
    route(
        "get",
        "/api/applications/{tracking}/documents/{document}",
        Op::Document,
    ),
    route(
        "post",
        "/api/applications/{tracking}/fees/{fee}/payment",
        Op::Pay,
    ),
    route("post", "/api/attachments", Op::Upload),
    route("get", "/api/appointments", Op::Resources),
    route("get", "/api/appointments/{resource}", Op::Slots),
    route("get", "/api/verify/{code}", Op::Verify),
    route("get", "/api/provides/{operation}/{key}", Op::Provide),
    route("post", "/api/session", Op::SignIn),
    route("delete", "/api/session", Op::SignOut),
    route("get", "/api/cases", Op::Cases),
    route("get", "/api/cases/{tracking}", Op::Case),
    route(
        "get",
        "/api/cases/{tracking}/attachments/{id}",
        Op::Attachment,
    ),
    route(
        "post",
        "/api/cases/{tracking}/actions/{action}",
        Op::StaffAct,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_one_route_and_every_route_is_unique() {
        let mut ops: Vec<Op> = ROUTES.iter().map(|r| r.op).collect();
        ops.sort();
        ops.dedup();
        assert_eq!(ops.len(), ROUTES.len());
        let mut keys: Vec<(&str, &str)> = ROUTES.iter().map(|r| (r.method, r.path)).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), ROUTES.len());
    }
}
