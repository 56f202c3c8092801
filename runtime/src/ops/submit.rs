//! Submitting an application: the answers checked, the calls and hooks of the
//! submission made, and the case stored and numbered in one write.

use crate::cases::{self, CaseError, Outcome};
use crate::failure::ApiError;
use crate::ops::calls::{hook_step, hook_validate, make_calls};
use crate::ops::views::{due_date, status};
use crate::state::{ApiState, with_store};
use quickwin_blueprint::answers::{self};
use quickwin_blueprint::clock::Now;
use serde_json::{Map, Value, json};

/// Submit an application: check the answers, make the calls the submission triggers,
/// store the case. `{tracking, access_code, state, status, decision_due}`.
pub(crate) async fn submit_answers(
    state: &ApiState,
    input: Map<String, Value>,
    lang: &str,
) -> Result<Value, ApiError> {
    let bp = state.blueprint();
    if let Some(max) = state.guard.settings().max_cases {
        let held: i64 = {
            let conn = state.conn.lock().unwrap_or_else(|e| e.into_inner());
            conn.query_row("SELECT COUNT(*) FROM cases", [], |r| r.get(0))
                .unwrap_or(0)
        };
        if held >= i64::try_from(max).unwrap_or(i64::MAX) {
            let en = format!(
                "this service keeps at most {}, and it has them; ask the trainer to reset it",
                quickwin_blueprint::plural::english(
                    usize::try_from(max).unwrap_or(usize::MAX),
                    "application",
                    "applications"
                )
            );
            return Err(ApiError::new(crate::failure::Kind::TooLarge, en.clone())
            .with_messages(std::collections::BTreeMap::from([
                ("en".to_string(), en),
                ("ar".to_string(), format!("تحتفظ هذه الخدمة بـ{max} طلب على الأكثر وقد بلغتها؛ اطلب من المدرّب إعادة ضبطها")),
            ])));
        }
    }
    let now = Now::read();
    let checked = answers::check_answers(&bp, &input, now.today)
        .map_err(|p| ApiError::from(CaseError::Invalid(p)))?;
    hook_validate(state, &bp, checked.values.clone()).await?;
    let needs_calls = bp.integrations.iter().any(|i| i.on.as_str() == "submit");
    let hooked = state.hooks().is_some();
    let (reference, outcome) = if needs_calls || hooked {
        let tracking = state.submission_reference();
        let mut outcome = Outcome::default();
        if needs_calls {
            let mut row = quickwin_blueprint::expr::Row::new();
            let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
            for (k, v) in &checked.values {
                if let Some(f) = fields.iter().find(|f| f.id.as_str() == k) {
                    row.insert(k.clone(), answers::value_of(f, v));
                }
            }
            answers::add_computed(&bp, &mut row, now.today);
            outcome = make_calls(state, &bp, "submit", &tracking, &row, now.today).await?;
        }
        if hooked {
            let mut values = checked.values.clone();
            values.extend(outcome.values.clone());
            let role = cases::citizen_role(&bp).to_string();
            let set = hook_step(state, &bp, "submit", &tracking, &role, values).await?;
            outcome.values.extend(set);
        }
        (Some(tracking), outcome)
    } else {
        (None, Outcome::default())
    };
    let lang = lang.to_string();
    let hooks = state.hooks();
    let created = with_store(state, move |conn, bp| {
        let now = Now::read();
        let (case, code) = cases::submit(
            conn,
            bp,
            hooks.as_deref(),
            &checked,
            reference.as_deref(),
            &outcome,
            &lang,
            &now,
        )?;
        Ok(
            json!({"tracking": case.tracking, "access_code": code, "state": case.state,
            "status": status(bp, &case.state), "decision_due": due_date(bp, &case.submitted_at)}),
        )
    })
    .await?;
    state.wake.notify_one();
    Ok(created)
}
