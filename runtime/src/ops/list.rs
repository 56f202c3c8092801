//! The list of cases the office works through: a role's queue, the SLA filter, the
//! queue's search and sort (see [`crate::queue`]), a page at a time, every problem with
//! the filters named.

use std::collections::BTreeMap;

use quickwin_blueprint::clock::{self, Now};
use quickwin_blueprint::model::Blueprint;
use serde_json::{Value, json};

use crate::cases::Actor;
use crate::failure::ApiError;
use crate::ops::views::{due_date, status};
use crate::store;

/// One page of the cases `actor` may see, filtered and sorted as `q` asks.
pub(crate) fn page(
    conn: &rusqlite::Connection,
    bp: &Blueprint,
    actor: &Actor,
    q: &BTreeMap<String, String>,
    lang: &str,
) -> Result<Value, ApiError> {
    let mut problems = Vec::new();
    let number = |key: &str,
                  default: i64,
                  range: std::ops::RangeInclusive<i64>,
                  problems: &mut Vec<String>| match q.get(key) {
        None => default,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if range.contains(&n) => n,
            _ => {
                problems.push(format!(
                    "`{key}` must be a whole number from {} to {}, found `{v}`",
                    range.start(),
                    range.end()
                ));
                default
            }
        },
    };
    let page = number("page", 1, 1..=1_000_000, &mut problems);
    let size = number("page_size", 20, 1..=100, &mut problems);
    // A role's queue: the states from which that role can act.
    let queue = q.get("queue").cloned();
    let mut queue_states: Option<Vec<String>> = None;
    if let Some(role) = &queue {
        if bp.role(role).is_none() {
            problems.push(format!(
                "unknown role `{role}`; expected {}",
                quickwin_blueprint::de::one_of(bp.roles.iter().map(|r| r.id.as_str()))
            ));
        } else if !actor.roles.contains(role) {
            problems.push(format!("you do not hold the role `{role}`"));
        } else {
            let mut states: Vec<String> = bp
                .workflow
                .transitions
                .iter()
                .filter(|t| t.role.iter().any(|r| r.as_str() == role))
                .flat_map(|t| t.from.iter().map(|f| f.value.clone()))
                .collect();
            states.sort();
            states.dedup();
            queue_states = Some(states);
        }
    }
    let columns = crate::queue::columns(bp, queue.as_deref());
    let view = crate::queue::View::read(bp, &columns, q, &mut problems);
    let sla = q.get("sla").cloned();
    if let Some(s) = &sla {
        if !matches!(s.as_str(), "breached" | "within") {
            problems.push(format!("`sla` must be `breached` or `within`, found `{s}`"));
        }
    }
    let known: Vec<&str> = ["page", "page_size", "queue", "sla"]
        .into_iter()
        .chain(crate::queue::PARAMETERS)
        .collect();
    for k in q.keys().filter(|k| !known.contains(&k.as_str())) {
        problems.push(format!(
            "unknown filter `{k}`; expected {}",
            quickwin_blueprint::de::one_of(known.iter().copied())
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems.join("; ")));
    }
    let now = Now::read();
    let sla_secs = i64::try_from(bp.sla.value.minutes).unwrap_or(0) * 60;
    let deadline = Now::at(now.secs - sla_secs).stamp;
    let finals: Vec<String> = bp
        .workflow
        .states
        .iter()
        .filter(|s| s.is_final)
        .map(|s| s.id.value.clone())
        .collect();
    let states_json = queue_states
        .as_ref()
        .map(|s| serde_json::to_string(s).unwrap_or_default());
    let finals_json = serde_json::to_string(&finals).unwrap_or_default();
    let text =
        |s: Option<String>| s.map_or(rusqlite::types::Value::Null, rusqlite::types::Value::Text);
    let mut values = vec![
        text(states_json),
        text(sla),
        text(Some(deadline.clone())),
        text(Some(finals_json)),
    ];
    let (condition, order) = view.sql(bp, &columns, &mut values);
    let filters = format!("(?1 IS NULL OR state IN (SELECT value FROM json_each(?1)))
        AND (?2 IS NULL OR (?2 = 'breached') = (submitted_at < ?3 AND state NOT IN (SELECT value FROM json_each(?4))))
        AND {condition}");
    let total = store::cases::count_where(conn, &filters, &values)?;
    let n = values.len();
    values.push(rusqlite::types::Value::Integer(size));
    values.push(rusqlite::types::Value::Integer((page - 1) * size));
    let items = store::cases::page_where(
        conn,
        &crate::queue::select_list(&columns),
        &filters,
        &order,
        (n + 1, n + 2),
        &values,
        |r| {
            let state: String = r.get(1)?;
            let submitted: String = r.get(2)?;
            let age_days = clock::secs_of(&submitted).map_or(0, |s| (now.secs - s) / 86_400);
            let breached = !finals.contains(&state) && submitted < deadline;
            let shown = crate::queue::row_in_words(bp, &columns, r, 4, lang)?;
            Ok(
                json!({"tracking": r.get::<_, String>(0)?, "state": state, "status": status(bp, &state), "submitted_at": submitted,
                "updated_at": r.get::<_, String>(3)?, "age_days": age_days, "sla_breached": breached, "decision_due": due_date(bp, &submitted),
                "columns": shown}),
            )
        },
    )?;
    Ok(
        json!({"columns": crate::queue::described(bp, &columns), "items": items, "page": page, "page_size": size, "total": total}),
    )
}
