//! `blueprint` checks: the file's verdict, its diagnostic codes, paths into it, and
//! values computed by the engine's own evaluator.

use quickwin_blueprint::clock::Now;
use quickwin_blueprint::expr::Value;
use quickwin_blueprint::yaml::{self, Kind, Node};
use quickwin_blueprint::{Checked, Severity, answers, effects};
use serde_json::Value as Json;

use super::{Ctx, Outcome, say, scalar_text};
use crate::model::{BlueprintCheck, Evaluate};
use crate::path::Path;
use crate::results::Evidence;

/// Run a `blueprint` check.
pub fn run(b: &BlueprintCheck, ctx: &Ctx<'_>) -> Outcome {
    let Some(checked) = &ctx.checked else {
        return missing(ctx);
    };
    if let Some(valid) = &b.valid {
        if let Some(o) = verdict(
            checked,
            valid.value,
            b.deny_warnings.as_ref().is_some_and(|d| d.value),
            ctx,
        ) {
            return o;
        }
    }
    if let Some(codes) = &b.codes {
        let reported: Vec<&str> = checked
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        for code in &codes.present {
            if !reported.contains(&code.value.as_str()) {
                return Outcome::fail(say(
                    format!("`quickwin check` does not report `{}`", code.value),
                    format!("لا يُبلغ `quickwin check` عن `{}`", code.value),
                ));
            }
        }
        for code in &codes.absent {
            if let Some(d) = checked
                .diagnostics
                .iter()
                .find(|d| d.code.as_str() == code.value)
            {
                return Outcome::fail(say(
                    format!(
                        "`quickwin check` still reports `{}`: {}",
                        code.value, d.message
                    ),
                    format!(
                        "ما زال `quickwin check` يُبلغ عن `{}`: {}",
                        code.value, d.message
                    ),
                ))
                .with(Evidence {
                    blueprint: ctx.place(d.span),
                    ..Evidence::default()
                });
            }
        }
    }
    if let Some(sel) = &b.select {
        if let Some(o) = select(b, &sel.value, checked, ctx) {
            return o;
        }
    }
    if let Some(ev) = &b.evaluate {
        return evaluate(ev, checked);
    }
    Outcome::pass()
}

fn missing(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx
        .file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    Outcome::fail(say(
        format!("there is no `{name}` in your folder; run `quickwin workshop start` to write it"),
        format!("لا يوجد الملف `{name}` في مجلدك؛ شغّل `quickwin workshop start` لكتابته"),
    ))
}

fn verdict(
    checked: &Checked,
    want_valid: bool,
    deny_warnings: bool,
    ctx: &Ctx<'_>,
) -> Option<Outcome> {
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let first = if deny_warnings {
        checked.diagnostics.first()
    } else {
        errors.first().copied()
    };
    match (want_valid, first) {
        (true, Some(d)) => {
            let (n, what_en, what_ar) = if deny_warnings {
                (checked.diagnostics.len(), "problems", "مشكلات")
            } else {
                (errors.len(), "errors", "أخطاء")
            };
            let place = ctx.place(d.span).unwrap_or_default();
            Some(
                Outcome::fail(say(
                    format!(
                        "`quickwin check` reports {n} {what_en}; the first, at {place}: {}",
                        d.message
                    ),
                    format!(
                        "يُبلغ `quickwin check` عن {what_ar} عددها {n}؛ أولها في {place}: {}",
                        d.message
                    ),
                ))
                .with(Evidence {
                    blueprint: ctx.place(d.span),
                    ..Evidence::default()
                }),
            )
        }
        (false, None) => Some(Outcome::fail(say(
            "the blueprint is valid, but this exercise expects `quickwin check` to find a mistake",
            "المخطط سليم، لكن هذا التمرين يتوقع أن يجد `quickwin check` خطأً",
        ))),
        _ => None,
    }
}

fn select(b: &BlueprintCheck, path: &str, checked: &Checked, ctx: &Ctx<'_>) -> Option<Outcome> {
    let Ok(parsed) = Path::parse(path) else {
        return Some(Outcome::error(say(
            format!("the path `{path}` does not parse"),
            format!("تعذّر فهم المسار `{path}`"),
        )));
    };
    let Ok(root) = yaml::parse(&checked.source) else {
        return Some(Outcome::fail(say(
            "the file is not valid YAML; fix what `quickwin check` reports first",
            "الملف ليس YAML سليماً؛ أصلح أولاً ما يذكره `quickwin check`",
        )));
    };
    let hits = parsed.select(&root);
    let at = |node: &Node| Evidence {
        blueprint: ctx.place(node.span),
        ..Evidence::default()
    };
    match b.count.as_ref().map(|c| c.value as usize) {
        Some(n) if hits.len() != n => {
            let o = Outcome::fail(say(
                format!(
                    "`{path}` is found {} times in the file; expected {n}",
                    hits.len()
                ),
                format!("وُجد `{path}` في الملف {} مرة؛ والمتوقع {n}", hits.len()),
            ));
            return Some(match hits.first() {
                Some(h) => o.with(at(h.node)),
                None => o,
            });
        }
        None if hits.is_empty() => {
            return Some(Outcome::fail(say(
                format!("the file has no `{path}`"),
                format!("لا يحتوي الملف على `{path}`"),
            )));
        }
        _ => {}
    }
    for hit in &hits {
        if let Some(want) = &b.equals {
            let want = scalar_text(&want.value);
            let found = node_text(hit.node);
            if found != want {
                return Some(
                    Outcome::fail(say(
                        format!("`{path}` is `{found}`; expected `{want}`"),
                        format!("قيمة `{path}` هي `{found}`؛ والمتوقع `{want}`"),
                    ))
                    .with(at(hit.node)),
                );
            }
        }
        if let Some(want) = &b.contains {
            let want = scalar_text(&want.value);
            let has = match &hit.node.kind {
                Kind::Seq(items) => items.iter().any(|i| node_text(i) == want),
                Kind::Scalar(s, _) => s.contains(&want),
                Kind::Map(entries) => entries
                    .iter()
                    .any(|(k, _)| k.as_str() == Some(want.as_str())),
            };
            if !has {
                return Some(
                    Outcome::fail(say(
                        format!("`{path}` does not contain `{want}`"),
                        format!("لا يحتوي `{path}` على `{want}`"),
                    ))
                    .with(at(hit.node)),
                );
            }
        }
        for (key, want) in &b.r#where {
            let want = scalar_text(&want.value);
            let found = match &hit.node.kind {
                Kind::Map(entries) => entries
                    .iter()
                    .find(|(k, _)| k.as_str() == Some(key.as_str()))
                    .map(|(_, v)| node_text(v)),
                _ => None,
            };
            if found.as_deref() != Some(want.as_str()) {
                let (en, ar) = match &found {
                    Some(f) => (
                        format!("`{key}` is `{f}`"),
                        format!("قيمة `{key}` هي `{f}`"),
                    ),
                    None => (format!("`{key}` is missing"), format!("`{key}` غير موجود")),
                };
                return Some(
                    Outcome::fail(say(
                        format!("in `{path}`, {en}; expected `{key}: {want}`"),
                        format!("في `{path}`، {ar}؛ والمتوقع `{key}: {want}`"),
                    ))
                    .with(at(hit.node)),
                );
            }
        }
    }
    None
}

fn node_text(node: &Node) -> String {
    match &node.kind {
        Kind::Scalar(s, _) => s.clone(),
        Kind::Seq(items) => format!(
            "[{}]",
            items.iter().map(node_text).collect::<Vec<_>>().join(", ")
        ),
        Kind::Map(_) => node.describe(),
    }
}

fn evaluate(ev: &Evaluate, checked: &Checked) -> Outcome {
    let Some(bp) = &checked.blueprint else {
        return Outcome::fail(say(
            "the blueprint has errors, so nothing can be computed; fix what `quickwin check` reports first",
            "في المخطط أخطاء، فلا يمكن حساب شيء؛ أصلح أولاً ما يذكره `quickwin check`",
        ));
    };
    let today = Now::read().today;
    let input: serde_json::Map<String, Json> = ev.with.clone().into_iter().collect();
    let mut row = answers::partial_row(bp, &input, today);
    // Values that are not the applicant's answers (an agency's reading, say) are taken as
    // given, and what is computed from them is computed again.
    for (k, v) in &ev.with {
        if !row.contains_key(k) {
            row.insert(k.clone(), value_of(v));
        }
    }
    answers::add_computed(bp, &mut row, today);
    let shown_with = ev
        .with
        .iter()
        .map(|(k, v)| format!("{k} = {}", scalar_text(v)))
        .collect::<Vec<_>>()
        .join(", ");
    let (what, got) = if let Some(fee_id) = &ev.fee {
        let Some(fee) = bp.fees.iter().find(|f| f.id.value == fee_id.value) else {
            return Outcome::fail(say(
                format!("the blueprint has no fee `{}`", fee_id.value),
                format!("لا يحتوي المخطط على رسم باسم `{}`", fee_id.value),
            ));
        };
        (
            format!("the fee `{}`", fee_id.value),
            effects::fee_amount(fee, &row, today).map(Json::from),
        )
    } else {
        let text = ev.expr.as_ref().map_or("", |e| e.value.as_str());
        let got = match row.get(text) {
            Some(v) => Ok(effects::to_json(v)),
            None => effects::evaluate(text, &row, today).map(|v| effects::to_json(&v)),
        };
        (format!("`{text}`"), got)
    };
    let want = &ev.equals.value;
    match got {
        Ok(value) if same(&value, want) => Outcome::pass(),
        Ok(value) => Outcome::fail(say(
            format!(
                "with {shown_with}, {what} gives `{}`; expected `{}`",
                scalar_text(&value),
                scalar_text(want)
            ),
            format!(
                "عند {shown_with}، يعطي {what} القيمة `{}`؛ والمتوقع `{}`",
                scalar_text(&value),
                scalar_text(want)
            ),
        )),
        Err(why) => Outcome::fail(say(
            format!("with {shown_with}, {what} cannot be computed: {why}"),
            format!("عند {shown_with}، تعذّر حساب {what}: {why}"),
        )),
    }
}

fn same(a: &Json, b: &Json) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => scalar_text(a) == scalar_text(b),
    }
}

fn value_of(v: &Json) -> Value {
    match v {
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Number(n.as_f64().unwrap_or_default()),
        Json::String(s) => quickwin_blueprint::expr::Date::parse(s)
            .map_or_else(|| Value::Text(s.clone()), Value::Date),
        Json::Array(items) => Value::List(items.iter().map(value_of).collect()),
        Json::Null | Json::Object(_) => Value::Null,
    }
}
