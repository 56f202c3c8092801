//! `inbox` checks: a message reached a phone or an address of the sandbox's SMS and
//! e-mail agency, in the language asked for, with the values filled in.

use quickwin_sandbox::agencies::notify;

use super::http::in_language;
use super::{Ctx, Outcome, say};

/// Run an `inbox` check.
pub async fn run(check: &crate::model::InboxCheck, ctx: &mut Ctx<'_>) -> Outcome {
    ctx.settle().await;
    let to = ctx.fill(&check.to.value);
    let address = if notify::is_phone(&to) {
        notify::normalize_phone(&to)
    } else {
        to.to_lowercase()
    };
    let key = address.clone();
    let world = match ctx.sandbox() {
        Ok(w) => w,
        Err(o) => return o,
    };
    let messages = match world
        .state
        .db
        .call(move |conn| Ok(notify::messages(conn, &key, 50)?))
        .await
    {
        Ok(m) => m,
        Err(e) => {
            return Outcome::error(say(
                format!("the inbox could not be read: {}", e.message),
                format!("تعذّرت قراءة صندوق الرسائل: {}", e.message),
            ));
        }
    };
    let texts: Vec<String> = messages
        .iter()
        .filter_map(|m| m["text"].as_str().map(str::to_string))
        .collect();
    if texts.is_empty() {
        return Outcome::fail(say(
            format!("no message reached `{address}`"),
            format!("لم تصل أي رسالة إلى `{address}`"),
        ));
    }
    let wanted: Vec<String> = check.contains.iter().map(|c| ctx.fill(&c.value)).collect();
    let lang = check.lang.as_ref().map(|l| l.value.as_str());
    let fits = |t: &String| {
        lang.is_none_or(|l| in_language(t, l)) && wanted.iter().all(|w| t.contains(w.as_str()))
    };
    if texts.iter().any(fits) {
        return Outcome::pass();
    }
    let last = &texts[0];
    let mut o = Outcome::fail(say(
        format!(
            "{} messages reached `{address}`, none {}{}; the latest: “{last}”",
            texts.len(),
            lang.map(|l| format!("in `{l}`")).unwrap_or_default(),
            if wanted.is_empty() {
                String::new()
            } else {
                format!(
                    " with {}",
                    wanted
                        .iter()
                        .map(|w| format!("`{w}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ),
        format!(
            "وصلت {} رسائل إلى `{address}`، ليس بينها رسالة {}{}؛ آخرها: «{last}»",
            texts.len(),
            lang.map(|l| format!("باللغة `{l}`")).unwrap_or_default(),
            if wanted.is_empty() {
                String::new()
            } else {
                format!(
                    " تتضمن {}",
                    wanted
                        .iter()
                        .map(|w| format!("`{w}`"))
                        .collect::<Vec<_>>()
                        .join("، ")
                )
            }
        ),
    ));
    o.seen.insert("seen.text".into(), last.clone());
    o
}
