//! `access` checks: rights as the mediator enforces them, proved by calls through it
//! as other agencies' client subsystems.

use super::{Ctx, Outcome, say};
use crate::model::{AccessCall, Verdict};
use crate::results::Evidence;

/// The error type the mediator gives a call without the right.
const ACCESS_DENIED: &str = quickwin_runtime::mediator::ACCESS_DENIED;

/// Run an `access` check.
pub async fn run(calls: &[AccessCall], ctx: &mut Ctx<'_>) -> Outcome {
    // The twin must be registered for calls to its own operations to reach it.
    if let Err(o) = ctx.twin().await {
        return o;
    }
    for (n, call) in calls.iter().enumerate() {
        let client = ctx.fill(&call.client.value);
        let service = ctx.fill(&call.service.value);
        let path = call
            .path
            .as_ref()
            .map_or_else(|| "/".to_string(), |p| ctx.fill(&p.value));
        let world = match ctx.sandbox() {
            Ok(w) => w,
            Err(o) => return o,
        };
        let url = format!("{}/r1/{service}{path}", world.url);
        // The check's own sandbox issues the calling subsystem's key, as a trainer would.
        let key = match world.state.members.issue(&client, false) {
            Ok(k) => k,
            Err(e) => {
                return Outcome::error(say(
                    format!("no key for `{client}`: {e}"),
                    format!("لا مفتاح لـ`{client}`: {e}"),
                ));
            }
        };
        let headers = [
            ("accept", "application/json".to_string()),
            ("authorization", format!("Bearer {key}")),
            ("x-road-client", client.clone()),
            ("x-road-id", format!("{}access-{}", ctx.prefix, n + 1)),
        ];
        let request = format!("GET /r1/{service}{path} as {client}");
        let answer = match ctx
            .client
            .send("GET", &url, &headers, None, ctx.limit)
            .await
        {
            Ok(a) => a,
            Err(e) => {
                return Outcome::error(say(
                    format!("the mediator did not answer `{request}`: {e}"),
                    format!("لم يُجب الوسيط على `{request}`: {e}"),
                ));
            }
        };
        let denied = answer.status == 403 && answer.json()["type"] == ACCESS_DENIED;
        let evidence = Evidence {
            request: Some(request),
            response: Some(answer.excerpt()),
            ..Evidence::default()
        };
        match (call.expect.value, denied) {
            (Verdict::Allowed, true) => {
                return Outcome::fail(say(
                    format!("the mediator refused `{client}` the right to call `{service}`; it should be allowed"),
                    format!("رفض الوسيط أن يستدعي `{client}` الخدمة `{service}`؛ والمفروض أن يُسمح له"),
                ))
                .with(evidence);
            }
            (Verdict::Denied, false) => {
                return Outcome::fail(say(
                    format!("the mediator let `{client}` call `{service}` (it answered {}); it should refuse it with 403", answer.status),
                    format!("سمح الوسيط لـ`{client}` باستدعاء `{service}` (وكان الرد {})؛ والمفروض أن يرفضه بالرمز 403", answer.status),
                ))
                .with(evidence);
            }
            _ => {}
        }
    }
    Outcome::pass()
}
