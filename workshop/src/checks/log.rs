//! `messagelog` checks: who called whom through the mediator, for which case, with
//! what result — over the calls this run caused (its message ids) or every call since
//! the sandbox started. A failure names the log entry that came closest, by its `seq`.

use quickwin_sandbox::messagelog::{self, Filter, Stored};

use super::{Ctx, Outcome, say};
use crate::model::{EntryMatch, LogCheck, Scope};
use crate::results::Evidence;

/// Run a `messagelog` check.
pub async fn run(check: &LogCheck, ctx: &mut Ctx<'_>) -> Outcome {
    ctx.settle().await;
    let filter = Filter {
        id_prefix: (check.scope.value == Scope::ThisRun).then(|| ctx.prefix.clone()),
        limit: 500,
        ..Filter::default()
    };
    let world = match ctx.sandbox() {
        Ok(w) => w,
        Err(o) => return o,
    };
    let mut entries = match world.state.log.recent(filter).await {
        Ok(e) => e,
        Err(e) => {
            return Outcome::error(say(
                format!("the message log could not be read: {e}"),
                format!("تعذّرت قراءة سجل الرسائل: {e}"),
            ));
        }
    };
    entries.sort_by_key(|e| e.seq);
    let mut firsts = Vec::new();
    for want in &check.expect {
        let want = filled(&want.value, ctx);
        let found: Vec<&Stored> = entries.iter().filter(|e| matches(e, &want)).collect();
        let ok = match want.count {
            Some(n) => found.len() == n as usize,
            None => !found.is_empty(),
        };
        if !ok {
            return missing(&want, &found, &entries, ctx);
        }
        if let Some(first) = found.first() {
            firsts.push(first.seq);
        }
    }
    if check.order.as_ref().is_some_and(|o| o.value) {
        if let Some(pair) = firsts.windows(2).find(|w| w[0] > w[1]) {
            return Outcome::fail(say(
                format!(
                    "the calls happened in another order: log entry #{} came after #{}",
                    pair[0], pair[1]
                ),
                format!(
                    "جرت الاستدعاءات بترتيب آخر: القيد #{} جاء بعد القيد #{}",
                    pair[0], pair[1]
                ),
            ))
            .with(Evidence {
                log: vec![pair[1], pair[0]],
                ..Evidence::default()
            });
        }
    }
    for not in &check.absent {
        let not = filled(&not.value, ctx);
        if let Some(e) = entries.iter().find(|e| matches(e, &not)) {
            let mut o = Outcome::fail(say(
                format!(
                    "log entry #{} is a call that should not happen: {}",
                    e.seq,
                    describe_en(e)
                ),
                format!(
                    "القيد #{} استدعاء لا ينبغي أن يحدث: {}",
                    e.seq,
                    describe_ar(e)
                ),
            ))
            .with(Evidence {
                log: vec![e.seq],
                ..Evidence::default()
            });
            o.seen = seen(e);
            return o;
        }
    }
    if check.chain.is_some() {
        let log = world.state.log.clone();
        match tokio::task::spawn_blocking(move || log.verify())
            .await
            .unwrap_or(Err(messagelog::LogError::Stopped))
        {
            Ok(v) => {
                if let Some((seq, why)) = v.broken {
                    return Outcome::fail(say(
                        format!("the log's hash chain is broken at entry #{seq}: {why}"),
                        format!("سلسلة التجزئة في السجل مكسورة عند القيد #{seq}: {why}"),
                    ))
                    .with(Evidence {
                        log: vec![seq],
                        ..Evidence::default()
                    });
                }
            }
            Err(e) => {
                return Outcome::error(say(
                    format!("the log could not be verified: {e}"),
                    format!("تعذّر التحقق من السجل: {e}"),
                ));
            }
        }
    }
    Outcome::pass()
}

fn filled(m: &EntryMatch, ctx: &Ctx<'_>) -> EntryMatch {
    let f = |s: &Option<String>| s.as_ref().map(|s| ctx.fill(s));
    EntryMatch {
        client: f(&m.client),
        service: f(&m.service),
        issue: f(&m.issue),
        method: f(&m.method),
        error: f(&m.error),
        ..m.clone()
    }
}

/// The fields of `want` that `e` does not match: (name, found, wanted).
fn differences(e: &Stored, want: &EntryMatch) -> Differences {
    let mut out = Vec::new();
    let mut cmp = |name: &'static str, found: Option<&str>, wanted: &Option<String>| {
        if let Some(w) = wanted {
            if found != Some(w.as_str()) {
                out.push((name, found.unwrap_or("").to_string(), w.clone()));
            }
        }
    };
    cmp("client", Some(&e.entry.client), &want.client);
    cmp("service", Some(&e.entry.service), &want.service);
    cmp("issue", e.entry.issue.as_deref(), &want.issue);
    cmp("method", Some(&e.entry.method), &want.method);
    cmp("error", e.entry.error.as_deref(), &want.error);
    if let Some(s) = want.status {
        if e.entry.status != s {
            out.push(("status", e.entry.status.to_string(), s.to_string()));
        }
    }
    out
}

fn matches(e: &Stored, want: &EntryMatch) -> bool {
    differences(e, want).is_empty()
}

fn seen(e: &Stored) -> std::collections::BTreeMap<String, String> {
    [
        ("seen.seq", e.seq.to_string()),
        ("seen.client", e.entry.client.clone()),
        ("seen.service", e.entry.service.clone()),
        ("seen.issue", e.entry.issue.clone().unwrap_or_default()),
        ("seen.status", e.entry.status.to_string()),
        ("seen.error", e.entry.error.clone().unwrap_or_default()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn describe_en(e: &Stored) -> String {
    format!(
        "`{}` called `{}` ({} {}) for case `{}` and got {}",
        e.entry.client,
        e.entry.service,
        e.entry.method,
        e.entry.path,
        e.entry.issue.as_deref().unwrap_or("none"),
        e.entry.status
    )
}

fn describe_ar(e: &Stored) -> String {
    format!(
        "استدعى `{}` الخدمة `{}` ({} {}) للطلب `{}` وتلقّى {}",
        e.entry.client,
        e.entry.service,
        e.entry.method,
        e.entry.path,
        e.entry.issue.as_deref().unwrap_or("بلا رقم"),
        e.entry.status
    )
}

fn wanted_en(want: &EntryMatch) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &want.client {
        parts.push(format!("from `{c}`"));
    }
    if let Some(s) = &want.service {
        parts.push(format!("to `{s}`"));
    }
    if let Some(i) = &want.issue {
        parts.push(format!("for case `{i}`"));
    }
    if let Some(s) = want.status {
        parts.push(format!("answered {s}"));
    }
    parts.join(" ")
}

fn wanted_ar(want: &EntryMatch) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &want.client {
        parts.push(format!("من `{c}`"));
    }
    if let Some(s) = &want.service {
        parts.push(format!("إلى `{s}`"));
    }
    if let Some(i) = &want.issue {
        parts.push(format!("للطلب `{i}`"));
    }
    if let Some(s) = want.status {
        parts.push(format!("بالرد {s}"));
    }
    parts.join(" ")
}

fn missing(want: &EntryMatch, found: &[&Stored], entries: &[Stored], _ctx: &Ctx<'_>) -> Outcome {
    // The entry that came closest without matching: the fewest differences, the latest
    // among equals.
    let closest = entries
        .iter()
        .map(|e| (differences(e, want), e))
        .filter(|(d, _)| !d.is_empty())
        .min_by_key(|(d, e)| (d.len(), std::cmp::Reverse(e.seq)));
    if let Some(n) = want.count {
        if !found.is_empty() {
            let mut seqs: Vec<u64> = found.iter().map(|e| e.seq).collect();
            let (mut en, mut ar) = (
                format!(
                    "{} log entries match a call {}; expected {n}",
                    found.len(),
                    wanted_en(want)
                ),
                format!(
                    "تطابق {} من قيود السجل استدعاءً {}؛ والمتوقع {n}",
                    found.len(),
                    wanted_ar(want)
                ),
            );
            let mut seen_values = std::collections::BTreeMap::new();
            if let Some((diffs, e)) = closest.as_ref().filter(|_| found.len() < n as usize) {
                en.push_str(&format!(
                    "; log entry #{} came closest, with {}",
                    e.seq,
                    differ_en(diffs)
                ));
                ar.push_str(&format!(
                    "؛ وأقرب قيد هو القيد #{}، وفيه {}",
                    e.seq,
                    differ_ar(diffs)
                ));
                seqs.push(e.seq);
                seen_values = seen(e);
            }
            let mut o = Outcome::fail(say(en, ar)).with(Evidence {
                log: seqs,
                ..Evidence::default()
            });
            o.seen = seen_values;
            return o;
        }
    }
    let Some((diffs, e)) = closest else {
        return Outcome::fail(say(
            format!(
                "the message log has no entry from this run: no call {} went through the mediator",
                wanted_en(want)
            ),
            format!(
                "لا يوجد في سجل الرسائل أي قيد من هذا التشغيل: لم يمر عبر الوسيط أي استدعاء {}",
                wanted_ar(want)
            ),
        ));
    };
    let mut o = Outcome::fail(say(
        format!(
            "no log entry shows a call {}: the closest, log entry #{}, named {}",
            wanted_en(want),
            e.seq,
            differ_en(&diffs)
        ),
        format!(
            "لا يُظهر أي قيد في السجل استدعاءً {}: أقرب قيد، القيد #{}، كان فيه {}",
            wanted_ar(want),
            e.seq,
            differ_ar(&diffs)
        ),
    ))
    .with(Evidence {
        log: vec![e.seq],
        ..Evidence::default()
    });
    o.seen = seen(e);
    o
}

type Differences = Vec<(&'static str, String, String)>;

fn differ_en(diffs: &Differences) -> String {
    diffs
        .iter()
        .map(|(name, found, wanted)| {
            let found = if found.is_empty() {
                "none".to_string()
            } else {
                format!("`{found}`")
            };
            format!("{} {found}, not `{wanted}`", name_en(name))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn differ_ar(diffs: &Differences) -> String {
    diffs
        .iter()
        .map(|(name, found, wanted)| {
            let found = if found.is_empty() {
                "فارغاً".to_string()
            } else {
                format!("`{found}`")
            };
            format!("{} {found} وليس `{wanted}`", name_ar(name))
        })
        .collect::<Vec<_>>()
        .join("؛ ")
}

fn name_en(field: &str) -> &'static str {
    match field {
        "client" => "client",
        "service" => "service",
        "issue" => "case",
        "method" => "method",
        "error" => "error",
        _ => "status",
    }
}

fn name_ar(field: &str) -> &'static str {
    match field {
        "client" => "العميل",
        "service" => "الخدمة",
        "issue" => "رقم الطلب",
        "method" => "الطريقة",
        "error" => "الخطأ",
        _ => "الرمز",
    }
}
