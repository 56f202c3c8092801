//! The team space's two diagrams, drawn from the blueprint and the traffic.

use super::*;

/// The observed calls of a subsystem, for the diagram.
pub(super) async fn observed(host: &Host, sub: &str) -> Vec<crate::diagram::Observed> {
    let rows = host
        .sandbox
        .log
        .recent(quickwin_sandbox::messagelog::Filter {
            party: Some(sub.to_string()),
            hide_prefix: Some("qwchk-".into()),
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap_or_default();
    let mut by: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for r in rows {
        let e = by
            .entry((r.entry.client.clone(), r.entry.service.clone()))
            .or_default();
        e.0 += 1;
        if r.entry.status >= 400 || r.entry.status == 0 {
            e.1 += 1;
        }
    }
    by.into_iter()
        .map(
            |((client, service), (calls, failed))| crate::diagram::Observed {
                client,
                service,
                calls,
                failed,
            },
        )
        .collect()
}

pub(super) fn svg(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The team's open service, for a diagram; `Err` is the answer.
pub(super) async fn diagram_service(
    host: &Host,
    headers: &HeaderMap,
    team: &str,
) -> Result<std::sync::Arc<quickwin_runtime::service::Service>, Response> {
    if !can_see(host, headers, team) {
        return Err(StatusCode::UNAUTHORIZED.into_response());
    }
    let Some(slot) = host.slot(&format!("teams/{team}")) else {
        return Err(StatusCode::NOT_FOUND.into_response());
    };
    match host.live(&slot).await {
        Ok((service, _)) => Ok(service),
        Err(e) => Err(crate::host::unavailable(&e.to_string())),
    }
}

/// `GET /teams/{team}/calls.svg`: the calls the blueprint declares against those seen.
pub(super) async fn calls_svg(
    State(host): State<Host>,
    Path(team): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let service = match diagram_service(&host, &headers, &team).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let bp = service.state.blueprint();
    let sub = quickwin_runtime::mediator::subsystem(bp.interop.as_str());
    let seen = observed(&host, &sub).await;
    svg(crate::diagram::calls(&bp, lang(&q), &sub, &seen))
}

/// `GET /teams/{team}/workflow.svg`: the workflow with the states its cases reached.
pub(super) async fn workflow_svg(
    State(host): State<Host>,
    Path(team): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let service = match diagram_service(&host, &headers, &team).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let bp = service.state.blueprint();
    let reached = {
        let conn = service.state.conn.lock().unwrap_or_else(|e| e.into_inner());
        states_reached(&conn)
    };
    svg(crate::diagram::workflow(&bp, lang(&q), &reached))
}

/// How many cases entered each state, from the case history.
pub(super) fn states_reached(conn: &rusqlite::Connection) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let Ok(mut s) =
        conn.prepare("SELECT to_state, COUNT(DISTINCT case_id) FROM qw_history GROUP BY to_state")
    else {
        return out;
    };
    if let Ok(rows) = s.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))) {
        for (state, n) in rows.flatten() {
            out.insert(state, n.max(0) as u64);
        }
    }
    out
}

/// The team itself or the trainer.
pub(super) fn can_see(host: &Host, headers: &HeaderMap, team: &str) -> bool {
    team_access(host, headers, team).is_some()
        || auth::session_of(host, headers, &Who::Trainer).is_some()
}
