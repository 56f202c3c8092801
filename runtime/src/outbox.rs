//! The outbox: work a step queued in its own transaction — notifications to send
//! through the notification service, calls to retry — done after the step is saved,
//! retried with growing pauses until it succeeds, so nothing queued is lost to a crash
//! or an agency being down. The same worker takes the timed steps of appointments:
//! reminders before the slot, and the no-show action once the slot has passed.

use crate::store;
use std::time::Duration;

use rusqlite::Connection;
use serde_json::{Value as Json, json};

use super::cases::{self, Case};
use super::steps;
use crate::guard::Limit;
use crate::state::ApiState;
use quickwin_blueprint::clock::{self, Now};
use quickwin_blueprint::effects;
use quickwin_blueprint::model::{Blueprint, Channel};

/// The notification service's identifier.
pub const NOTIFY: &str = super::mediator::NOTIFY;

/// How long to wait before the next attempt after `attempts` failures: 5 s doubling, at
/// most an hour.
pub fn backoff(attempts: i64) -> i64 {
    (5i64 << attempts.clamp(0, 10)).min(3600)
}

/// One piece of queued work.
#[derive(Debug, Clone)]
struct Job {
    id: i64,
    case_id: i64,
    kind: String,
    name: String,
    attempts: i64,
    /// What the step that queued it knew (a notification's [`effects::MessageContext`]).
    context: Option<effects::MessageContext>,
}

fn due(conn: &Connection, now: i64) -> rusqlite::Result<Vec<Job>> {
    Ok(store::outbox::due(conn, now, 32)?
        .into_iter()
        .map(|w| {
            let context = w
                .payload
                .and_then(|p| serde_json::from_str::<Json>(&p).ok())
                .and_then(|mut p| match p.get_mut("context").map(Json::take) {
                    Some(Json::Object(c)) => Some(c),
                    _ => None,
                });
            Job {
                id: w.id,
                case_id: w.case_id,
                kind: w.kind,
                name: w.name,
                attempts: w.attempts,
                context,
            }
        })
        .collect())
}

fn finish(conn: &Connection, job: &Job, result: &Json, now: &Now) -> rusqlite::Result<usize> {
    store::outbox::finish(conn, job.id, &now.stamp, &result.to_string())
}

fn postpone(conn: &Connection, job: &Job, error: &str, now: &Now) -> rusqlite::Result<usize> {
    store::outbox::postpone(
        conn,
        job.id,
        now.secs + backoff(job.attempts),
        &json!({"error": error}).to_string(),
    )
}

/// The language the applicant used when submitting.
fn case_language(bp: &Blueprint, case: &Case) -> String {
    case.history
        .first()
        .and_then(|e| e.detail.get("language"))
        .and_then(Json::as_str)
        .filter(|l| bp.languages.iter().any(|x| x.as_str() == *l))
        .map_or_else(|| bp.default_language().to_string(), str::to_string)
}

/// Run store work on the service's writer (in its group commit); `None` when it failed,
/// which is said in the log.
async fn store<R: Send + 'static>(
    state: &ApiState,
    f: impl FnOnce(&mut Connection, &Blueprint) -> rusqlite::Result<R> + Send + 'static,
) -> Option<R> {
    match crate::state::with_store(state, move |conn, bp| Ok(f(conn, bp)?)).await {
        Ok(r) => Some(r),
        Err(e) => {
            tracing::error!(error = %e.message_in("en"), "service outbox: the store failed");
            None
        }
    }
}

/// Do one piece of work; `Ok` with what happened, `Err` to try again later.
async fn run(state: &ApiState, bp: &Blueprint, job: &Job) -> Result<Json, String> {
    let id = job.case_id;
    let (case, now_known) = store(state, move |conn, bp| {
        let case = cases::load(conn, bp, id).map_err(|_| rusqlite::Error::QueryReturnedNoRows)?;
        // A reminder (or work queued before messages kept their context) says what is
        // true now.
        let context = cases::message_context(conn, id, &case.state, &serde_json::Map::new())?;
        Ok((case, context))
    })
    .await
    .ok_or("the case could not be read")?;
    match job.kind.as_str() {
        "notification" | "reminder" => {
            let index: usize = job.name.parse().map_err(|_| "a bad notification index")?;
            let Some(n) = bp.notifications.get(index) else {
                return Ok(json!({"skipped": "the blueprint no longer has this notification"}));
            };
            let to = case
                .values
                .get(n.to.as_str())
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_string();
            if to.is_empty() {
                return Ok(json!({"skipped": format!("the case has no `{}`", n.to.as_str())}));
            }
            let lang = case_language(bp, &case);
            let context = job.context.as_ref().unwrap_or(&now_known);
            let text = effects::message(bp, n, &case.tracking, &case.values, context, &lang);
            if n.channel.value == Channel::Sms {
                // One phone number gets only so many messages, however many
                // applications name it: the service is no way to flood someone's phone.
                let number: String = to.chars().filter(char::is_ascii_digit).collect();
                if state.guard.take(Limit::Sms, &number).is_err() {
                    tracing::warn!(
                        tracking = %case.tracking,
                        "service outbox: too many text messages to one phone number; this one is not sent"
                    );
                    return Ok(json!({"skipped": "too many text messages to this phone number"}));
                }
            }
            let (path, body) = match n.channel.value {
                Channel::Sms => ("/sms", json!({"to": to, "text": text})),
                Channel::Email => (
                    "/email",
                    json!({"to": to, "subject": format!("{} — {}", bp.title.get(&lang), case.tracking), "text": text}),
                ),
            };
            let Some(m) = &state.mediator else {
                return Err("no information mediator is configured".into());
            };
            match m
                .call("POST", NOTIFY, path, Some(&body), &case.tracking)
                .await
            {
                Ok(answer) => {
                    Ok(json!({"sent": path.trim_start_matches('/'), "message": answer.get("id")}))
                }
                // The notification service refuses the address: retrying will not help.
                Err(e) if e.status() == Some(422) => Ok(json!({"refused": e.to_string()})),
                Err(e) => Err(e.to_string()),
            }
        }
        "integration" => {
            let Some(i) = bp.integrations.iter().find(|i| i.id.as_str() == job.name) else {
                return Ok(json!({"skipped": "the blueprint no longer has this integration"}));
            };
            let now = Now::read();
            let row = cases::row_of(bp, &case, now.today);
            let (result, asked) =
                steps::call_one(i, state.mediator.as_ref(), &case.tracking, &row, now.today).await;
            let answer = result.map_err(|e| e.to_string())?;
            let kept = effects::outputs(i, &answer);
            let call = cases::Call {
                integration: i.id.value.clone(),
                outcome: "ok".into(),
                detail: json!({"request": asked, "kept": kept}),
            };
            let hooks = state.hooks();
            let saved = store(state, move |conn, bp| {
                let now = Now::read();
                cases::apply_late_call(conn, bp, hooks.as_deref(), id, &call, &kept, &now)
                    .map(|_| ())
                    .map_err(|e| match e {
                        cases::CaseError::Store(e) => e,
                        _ => rusqlite::Error::InvalidQuery,
                    })
            })
            .await;
            saved.ok_or("the answer could not be saved")?;
            Ok(json!({"ok": true}))
        }
        other => Ok(json!({"skipped": format!("unknown work `{other}`")})),
    }
}

/// How often the uploads and drafts nobody claimed are looked for.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Forget the uploads no application claimed and the drafts nobody touched for the
/// guard's `keep_unclaimed`.
pub async fn sweep(state: &ApiState) {
    let keep = i64::try_from(state.guard.settings().keep_unclaimed.as_secs()).unwrap_or(i64::MAX);
    let swept = store(state, move |conn, _| {
        let now = Now::read();
        let before = Now::at(now.secs.saturating_sub(keep)).stamp;
        let files = store::attachments::sweep_unclaimed(conn, &before)?;
        let drafts = store::drafts::sweep(conn, now.secs.saturating_sub(keep))?;
        Ok((files, drafts))
    })
    .await;
    if let Some((files, drafts)) = swept.filter(|(f, d)| f + d > 0) {
        tracing::info!(
            files,
            drafts,
            "service outbox: forgot unclaimed uploads and stale drafts"
        );
    }
}

/// Queue reminders and take no-show actions whose time has come.
async fn timed_steps(state: &ApiState) {
    let bp = state.blueprint();
    let Some(a) = bp.appointments.clone() else {
        return;
    };
    let now = Now::read();
    let reminders: Vec<usize> = bp
        .notifications
        .iter()
        .enumerate()
        .filter(|(_, n)| n.on.as_str() == quickwin_blueprint::model::REMINDER)
        .map(|(i, _)| i)
        .collect();
    let before = a
        .reminder_before
        .as_ref()
        .map_or(0, |r| i64::try_from(r.value.minutes).unwrap_or(0));
    let after = i64::try_from(a.no_show_after.value.minutes).unwrap_or(0);
    let remind_from = clock::local_text(now.local_minutes);
    let remind_until = clock::local_text(now.local_minutes + before);
    let missed_before = clock::local_text(now.local_minutes - after);
    let no_show = a.no_show_action.as_ref().map(|n| n.value.clone());
    let missed = store(state, move |conn, _| {
        let tx = conn.savepoint()?;
        if !reminders.is_empty() {
            let due = store::bookings::to_remind(&tx, &remind_from, &remind_until)?;
            for (booking, case_id) in due {
                for index in &reminders {
                    store::outbox::queue(
                        &tx,
                        case_id,
                        "reminder",
                        &index.to_string(),
                        "{}",
                        &now.stamp,
                        now.secs,
                    )?;
                }
                store::bookings::reminded(&tx, booking)?;
            }
        }
        let missed: Vec<i64> = if no_show.is_some() {
            store::bookings::missed(&tx, &missed_before)?
        } else {
            Vec::new()
        };
        tx.commit()?;
        Ok(missed)
    })
    .await
    .unwrap_or_default();
    if let Some(action) = a.no_show_action.as_ref().map(|n| n.value.clone()) {
        for case_id in missed {
            let action = action.clone();
            let hooks = state.hooks();
            store(state, move |conn, bp| {
                let now = Now::read();
                match cases::take_automatic(
                    conn,
                    bp,
                    hooks.as_deref(),
                    case_id,
                    &action,
                    &json!({}),
                    &now,
                ) {
                    // Not in a state the no-show starts from (e.g. checked in): the
                    // booking is over all the same.
                    Ok(None) => super::appointments::release(conn, case_id, "closed").map(|_| ()),
                    Ok(Some(_)) => Ok(()),
                    Err(e) => {
                        tracing::warn!(case_id, error = %e, "service outbox: the no-show action could not be taken");
                        Ok(())
                    }
                }
            })
            .await;
        }
    }
}

/// Work through the outbox until the process ends: woken when a step queues work,
/// and every second for retries and timed steps.
pub async fn work(state: ApiState) {
    let mut swept: Option<std::time::Instant> = None;
    loop {
        timed_steps(&state).await;
        // A short keeping time (a test's) is swept as often as it asks, down to a second.
        let every = state
            .guard
            .settings()
            .keep_unclaimed
            .clamp(Duration::from_secs(1), SWEEP_EVERY);
        if swept.is_none_or(|at| at.elapsed() >= every) {
            sweep(&state).await;
            swept = Some(std::time::Instant::now());
        }
        loop {
            let now = Now::read();
            let jobs = store(&state, move |conn, _| due(conn, now.secs))
                .await
                .unwrap_or_default();
            if jobs.is_empty() {
                break;
            }
            let bp = state.blueprint();
            let mut results = Vec::with_capacity(jobs.len());
            for job in jobs {
                let result = run(&state, &bp, &job).await;
                results.push((job, result));
            }
            // One commit for the whole batch: what was done is marked done together.
            store(&state, move |conn, _| {
                let now = Now::read();
                let tx = conn.savepoint()?;
                for (job, result) in &results {
                    match result {
                        Ok(done) => finish(&tx, job, done, &now)?,
                        Err(why) => postpone(&tx, job, why, &now)?,
                    };
                }
                tx.commit()
            })
            .await;
        }
        tokio::select! {
            () = state.wake.notified() => {}
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

/// The notifications of a case as recorded in the outbox, for the case's views.
pub fn notifications(conn: &Connection, bp: &Blueprint, id: i64) -> rusqlite::Result<Vec<Json>> {
    Ok(store::outbox::messages_of_case(conn, id)?
        .into_iter()
        .map(|w| {
            let index: usize = w.name.parse().unwrap_or(usize::MAX);
            let n = bp.notifications.get(index);
            json!({
                "on": n.map(|n| n.on.as_str()),
                "channel": n.map(|n| match n.channel.value { Channel::Sms => "sms", Channel::Email => "email" }),
                "queued_at": w.created_at,
                "sent_at": w.done_at,
                "attempts": w.attempts,
                "result": w.result.and_then(|t| serde_json::from_str::<Json>(&t).ok()),
            })
        })
        .collect())
}

/// Whether the case has a booking still open (for tests and views).
pub fn open_booking(conn: &Connection, id: i64) -> rusqlite::Result<Option<String>> {
    store::bookings::held(conn, id)
}
