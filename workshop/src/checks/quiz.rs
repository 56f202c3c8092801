//! `quiz` and `artifact` checks, for the business track: answers in the answers file,
//! checked automatically, and files handed in for the trainer's review.

use quickwin_blueprint::Source;
use quickwin_blueprint::yaml::{self, Kind};

use super::{Ctx, Outcome, say};
use crate::model::{Artifact, Quiz};

/// Text folded for comparison: lowercase, spaces squeezed, Arabic letter forms unified.
fn fold(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| match c {
            'أ' | 'إ' | 'آ' => 'ا',
            'ة' => 'ه',
            'ى' => 'ي',
            _ => c,
        })
        .filter(|c| !('\u{064B}'..='\u{0652}').contains(c))
        .collect::<String>()
        .to_lowercase();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Run a `quiz` check.
pub fn quiz(q: &Quiz, ctx: &Ctx<'_>) -> Outcome {
    let name = ctx
        .file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let Some(text) = &ctx.text else {
        return Outcome::fail(say(
            format!(
                "there is no `{name}` in your folder; run `quickwin workshop start` to write it"
            ),
            format!("لا يوجد الملف `{name}` في مجلدك؛ شغّل `quickwin workshop start` لكتابته"),
        ));
    };
    let source = Source::new(name.clone(), text.clone());
    let Ok(root) = yaml::parse(&source) else {
        return Outcome::fail(say(
            format!("`{name}` is not valid YAML: each answer is a line `question: answer`"),
            format!("الملف `{name}` ليس YAML سليماً: كل إجابة سطر بالشكل `question: answer`"),
        ));
    };
    let answer = match &root.kind {
        Kind::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(q.question.value.as_str()))
            .and_then(|(_, v)| v.as_str().map(str::to_string)),
        _ => None,
    };
    let Some(answer) = answer.filter(|a| !a.trim().is_empty()) else {
        return Outcome::fail(say(
            format!("`{}` has no answer yet in `{name}`", q.question.value),
            format!("لا توجد إجابة بعد عن `{}` في `{name}`", q.question.value),
        ));
    };
    let right = match &q.choose {
        Some(option) => fold(&answer) == fold(&option.value),
        None => q
            .accept
            .iter()
            .any(|a| fold(&answer).contains(&fold(&a.value))),
    };
    if right {
        Outcome::pass()
    } else {
        Outcome::fail(say(
            format!("the answer to `{}` is not right yet", q.question.value),
            format!("الإجابة عن `{}` ليست صحيحة بعد", q.question.value),
        ))
    }
}

/// Run an `artifact` check: the file is there and long enough; a person marks the rest.
pub fn artifact(a: &Artifact, ctx: &Ctx<'_>) -> Outcome {
    let path = ctx.folder.join(&a.file.value);
    let Ok(bytes) = std::fs::read(&path) else {
        return Outcome::fail(say(
            format!("there is no `{}` in your folder yet", a.file.value),
            format!("لا يوجد الملف `{}` في مجلدك بعد", a.file.value),
        ));
    };
    let words = String::from_utf8_lossy(&bytes).split_whitespace().count();
    let least = a.min_words.as_ref().map_or(1, |m| m.value as usize);
    if words < least {
        return Outcome::fail(say(
            format!(
                "`{}` has {words} words; it needs at least {least}",
                a.file.value
            ),
            format!(
                "يحتوي `{}` على {words} كلمة؛ ويحتاج إلى {least} كلمة على الأقل",
                a.file.value
            ),
        ));
    }
    let mut o = Outcome::pass();
    o.review = Some("trainer".into());
    o
}
