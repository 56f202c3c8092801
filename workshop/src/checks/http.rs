//! `http` checks: a scenario of requests against the check twin, with kept values and
//! expectations on status, JSON, headers, language and pages; and `case` checks, which
//! read a case from the twin's office API.

use quickwin_blueprint::clock::Now;
use quickwin_blueprint::examples;
use serde_json::Value as Json;

use super::{Ctx, Outcome, fill, say, scalar_text};
use crate::client::Answer;
use crate::model::{CaseCheck, Expect, Step};
use crate::results::Evidence;

/// Run an `http` scenario.
pub async fn run(steps: &[Step], ctx: &mut Ctx<'_>) -> Outcome {
    for step in steps {
        let outcome = one(step, ctx).await;
        if outcome.status != crate::results::Status::Pass {
            return outcome;
        }
    }
    // What the requests set going (notifications, queued calls) is done before the next check.
    ctx.settle().await;
    Outcome::pass()
}

async fn one(step: &Step, ctx: &mut Ctx<'_>) -> Outcome {
    let Some((method, path)) = step.target().first().map(|(m, p)| (*m, p.value.clone())) else {
        return Outcome::error(say(
            "an http step names no request",
            "خطوة http لا تحدد طلباً",
        ));
    };
    let page = method == "PAGE";
    let method = if page { "GET" } else { method };
    let path = ctx.fill(&path);
    let mut headers = vec![(
        "accept",
        if page {
            "text/html"
        } else {
            "application/json"
        }
        .to_string(),
    )];
    if let Some(lang) = &step.lang {
        headers.push(("accept-language", lang.value.clone()));
    }
    if let Some(role) = &step.r#as {
        match ctx.token(&role.value).await {
            Ok(token) => headers.push(("authorization", format!("Bearer {token}"))),
            Err(o) => return o,
        }
    }
    for (name, value) in &step.headers {
        headers.push((name.as_str(), ctx.fill(&value.value)));
    }
    let (base, bp) = match ctx.twin().await {
        Ok(t) => (t.url.clone(), t.service.state.blueprint()),
        Err(o) => return o,
    };
    let url = format!("{base}{path}");
    let body = match &step.body {
        Some(b) => {
            let value = match body(&b.value, &bp, &base, ctx).await {
                Ok(v) => v,
                Err(o) => return o,
            };
            headers.push(("content-type", "application/json".to_string()));
            Some(value.to_string().into_bytes())
        }
        None if method == "POST" => {
            headers.push(("content-type", "application/json".to_string()));
            Some(b"{}".to_vec())
        }
        None => None,
    };
    let mut request = format!("{method} {path}");
    let mut answer = match ctx.send(method, &url, &headers, body).await {
        Ok(a) => a,
        Err(e) => {
            return no_answer(&request, &e).with(Evidence {
                request: Some(request),
                ..Evidence::default()
            });
        }
    };
    if page && !step.form.is_empty() {
        let Some((action, hidden)) = first_form(&answer.text()) else {
            return Outcome::fail(say(
                format!("the page `{request}` has no form to fill in"),
                format!("لا تحتوي الصفحة `{request}` على استمارة لتعبئتها"),
            ))
            .with(Evidence {
                request: Some(request),
                response: Some(answer.excerpt()),
                ..Evidence::default()
            });
        };
        let mut fields = hidden;
        for (name, value) in &step.form {
            fields.retain(|(n, _)| n != name);
            fields.push((name.clone(), ctx.fill(&value.value)));
        }
        let encoded = fields
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut form_headers = headers.clone();
        form_headers.retain(|(n, _)| *n != "content-type");
        form_headers.push((
            "content-type",
            "application/x-www-form-urlencoded".to_string(),
        ));
        request = format!("POST {action}");
        answer = match ctx
            .send(
                "POST",
                &format!("{base}{action}"),
                &form_headers,
                Some(encoded.into_bytes()),
            )
            .await
        {
            Ok(a) => a,
            Err(e) => {
                return no_answer(&request, &e);
            }
        };
        // A form that is accepted answers with a redirect to the next page.
        if matches!(answer.status, 302 | 303) {
            if let Some(next) = answer.header("location").map(str::to_string) {
                let next = if next.starts_with("http") {
                    next
                } else {
                    format!("{base}{next}")
                };
                if let Ok(a) = ctx.send("GET", &next, &headers, None).await {
                    answer = a;
                }
            }
        }
    }
    let evidence = Evidence {
        request: Some(request.clone()),
        response: Some(answer.excerpt()),
        ..Evidence::default()
    };
    if let Some(expect) = &step.expect {
        if let Some(mut o) = expected(expect, &answer, &request, page, ctx) {
            o.seen
                .insert("seen.status".into(), answer.status.to_string());
            return o.with(evidence);
        }
    } else if answer.status >= 400 {
        return Outcome::fail(say(
            format!("`{request}` answered {}", answer.status),
            format!("أجاب `{request}` بالرمز {}", answer.status),
        ))
        .with(evidence);
    }
    let json = answer.json();
    for (name, pointer) in &step.keep {
        match json.pointer(&pointer.value) {
            Some(v) => {
                ctx.vars.insert(name.clone(), scalar_text(v));
            }
            None => {
                return Outcome::fail(say(
                    format!("the answer to `{request}` has no `{}`", pointer.value),
                    format!("لا يحتوي الرد على `{request}` على `{}`", pointer.value),
                ))
                .with(evidence);
            }
        }
    }
    Outcome::pass()
}

/// A request that got no answer: not the participant's fault, so an error.
fn no_answer(request: &str, why: &str) -> Outcome {
    Outcome::error(say(
        format!("`{request}` got no answer: {why}"),
        format!("لم يصل رد على `{request}`: {why}"),
    ))
}

/// A step's body: a literal with `{values}` filled in, or the OpenAPI example of a
/// submission with some answers changed; the example's uploads are uploaded first, as a
/// browser would, since an upload's id is good for one application only.
async fn body(
    b: &Json,
    bp: &quickwin_blueprint::Blueprint,
    base: &str,
    ctx: &mut Ctx<'_>,
) -> Result<Json, Outcome> {
    let filled = filled(b, ctx);
    let Some(obj) = filled.as_object() else {
        return Ok(filled);
    };
    if obj.get("example").and_then(Json::as_str) != Some("openapi") {
        return Ok(filled);
    }
    let mut example = examples::submission_example(bp, Now::read().today);
    if let Some(Json::Object(set)) = obj.get("set") {
        for (k, v) in set {
            example.insert(k.clone(), v.clone());
        }
    }
    if let Some(Json::Array(drop)) = obj.get("remove") {
        for k in drop.iter().filter_map(Json::as_str) {
            example.remove(k);
        }
    }
    let mut value = Json::Object(example);
    upload_examples(&mut value, base, ctx).await?;
    Ok(value)
}

/// A small PDF, what an applicant would scan.
const SAMPLE_PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

async fn upload_examples(value: &mut Json, base: &str, ctx: &mut Ctx<'_>) -> Result<(), Outcome> {
    match value {
        Json::String(s) if s == examples::UPLOAD_EXAMPLE => {
            let url = format!("{base}/api/attachments?name=document.pdf");
            let headers = [
                ("content-type", "application/pdf".to_string()),
                ("accept", "application/json".to_string()),
            ];
            let answer = ctx
                .send("POST", &url, &headers, Some(SAMPLE_PDF.to_vec()))
                .await
                .map_err(|e| {
                    Outcome::error(say(
                        format!("uploading the example's document failed: {e}"),
                        format!("تعذّر رفع مستند المثال: {e}"),
                    ))
                })?;
            match answer.json()["id"].as_str() {
                Some(id) => *s = id.to_string(),
                None => {
                    return Err(Outcome::fail(say(
                        format!(
                            "the service refused the example's document ({})",
                            answer.excerpt()
                        ),
                        format!("رفضت الخدمة مستند المثال ({})", answer.excerpt()),
                    )));
                }
            }
        }
        Json::Array(items) => {
            for item in items {
                Box::pin(upload_examples(item, base, ctx)).await?;
            }
        }
        Json::Object(map) => {
            for (_, v) in map.iter_mut() {
                Box::pin(upload_examples(v, base, ctx)).await?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn filled(v: &Json, ctx: &Ctx<'_>) -> Json {
    match v {
        Json::String(s) => Json::String(ctx.fill(s)),
        Json::Array(items) => Json::Array(items.iter().map(|i| filled(i, ctx)).collect()),
        Json::Object(map) => Json::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), filled(v, ctx)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn expected(
    e: &Expect,
    answer: &Answer,
    request: &str,
    page: bool,
    ctx: &Ctx<'_>,
) -> Option<Outcome> {
    let fail = |en: String, ar: String| Some(Outcome::fail(say(en, ar)));
    if let Some(status) = &e.status {
        if answer.status != status.value {
            let why = answer.json()["message"]
                .as_str()
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            return fail(
                format!(
                    "`{request}` answered {}; expected {}{why}",
                    answer.status, status.value
                ),
                format!(
                    "أجاب `{request}` بالرمز {}؛ والمتوقع {}{why}",
                    answer.status, status.value
                ),
            );
        }
    }
    let json = answer.json();
    for (pointer, want) in &e.json {
        let want = fill(&scalar_text(&want.value), &ctx.vars);
        match json.pointer(pointer) {
            Some(v) if scalar_text(v) == want => {}
            Some(v) => {
                return fail(
                    format!(
                        "in the answer to `{request}`, `{pointer}` is `{}`; expected `{want}`",
                        scalar_text(v)
                    ),
                    format!(
                        "في الرد على `{request}`، قيمة `{pointer}` هي `{}`؛ والمتوقع `{want}`",
                        scalar_text(v)
                    ),
                );
            }
            None => {
                return fail(
                    format!("the answer to `{request}` has no `{pointer}`; expected `{want}`"),
                    format!("لا يحتوي الرد على `{request}` على `{pointer}`؛ والمتوقع `{want}`"),
                );
            }
        }
    }
    for (name, want) in &e.header {
        let want = ctx.fill(&want.value);
        let found = answer.header(name).unwrap_or("");
        if !found.contains(&want) {
            return fail(
                format!("the header `{name}` of `{request}` is `{found}`; expected `{want}`"),
                format!("الترويسة `{name}` في `{request}` هي `{found}`؛ والمتوقع `{want}`"),
            );
        }
    }
    let text = if page {
        answer.text()
    } else {
        json["message"]
            .as_str()
            .map_or_else(|| answer.text(), str::to_string)
    };
    if let Some(lang) = &e.text_in {
        if !in_language(&text, &lang.value) {
            let shown: String = text.chars().take(120).collect();
            return fail(
                format!(
                    "the answer to `{request}` is not in `{}`: “{shown}”",
                    lang.value
                ),
                format!(
                    "الرد على `{request}` ليس باللغة `{}`: «{shown}»",
                    lang.value
                ),
            );
        }
    }
    for want in &e.contains {
        let want = ctx.fill(&want.value);
        if !text.contains(&want) {
            return fail(
                format!("the answer to `{request}` does not contain “{want}”"),
                format!("لا يحتوي الرد على `{request}` على «{want}»"),
            );
        }
    }
    let html = answer.text();
    if let Some(lang) = &e.lang {
        let found = attribute(&html, "html", "lang").unwrap_or_default();
        if found != lang.value {
            return fail(
                format!(
                    "the page `{request}` says `lang=\"{found}\"`; expected `{}`",
                    lang.value
                ),
                format!(
                    "تقول الصفحة `{request}` إن `lang=\"{found}\"`؛ والمتوقع `{}`",
                    lang.value
                ),
            );
        }
    }
    if let Some(dir) = &e.dir {
        let found = attribute(&html, "html", "dir").unwrap_or_default();
        if found != dir.value {
            return fail(
                format!(
                    "the page `{request}` says `dir=\"{found}\"`; expected `{}`",
                    dir.value
                ),
                format!(
                    "تقول الصفحة `{request}` إن `dir=\"{found}\"`؛ والمتوقع `{}`",
                    dir.value
                ),
            );
        }
    }
    if e.labelled.as_ref().is_some_and(|l| l.value) {
        if let Some(id) = unlabelled(&html) {
            return fail(
                format!("on the page `{request}`, the field `{id}` has no label"),
                format!("في الصفحة `{request}`، الحقل `{id}` بلا تسمية"),
            );
        }
    }
    if let Some(summary) = &e.error_summary {
        let has = html.contains("class=\"error-summary\"");
        if has != summary.value {
            return fail(
                format!(
                    "the page `{request}` {} an error summary",
                    if has { "shows" } else { "does not show" }
                ),
                format!(
                    "الصفحة `{request}` {} ملخص الأخطاء",
                    if has { "تعرض" } else { "لا تعرض" }
                ),
            );
        }
    }
    None
}

/// The action and hidden fields of the first `<form method="post">` of `html`.
fn first_form(html: &str) -> Option<(String, Vec<(String, String)>)> {
    let mut from = 0;
    let (end, element) = loop {
        let start = from + html[from..].find("<form")?;
        let end = start + html[start..].find('>')?;
        let element = &html[start..end];
        if attr_in(element, "method").is_some_and(|m| m.eq_ignore_ascii_case("post")) {
            break (end, element);
        }
        from = end;
    };
    let action = attr_in(element, "action")?.replace("&amp;", "&");
    let close = html[end..].find("</form>").map_or(html.len(), |c| end + c);
    let mut hidden = Vec::new();
    let mut rest = &html[end..close];
    while let Some(at) = rest.find("<input") {
        rest = &rest[at..];
        let e = &rest[..rest.find('>').unwrap_or(rest.len())];
        if attr_in(e, "type").as_deref() == Some("hidden") {
            if let Some(name) = attr_in(e, "name") {
                hidden.push((name, attr_in(e, "value").unwrap_or_default()));
            }
        }
        rest = &rest["<input".len()..];
    }
    Some((action, hidden))
}

/// `application/x-www-form-urlencoded` text.
fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Whether `text` is written in `lang`: Arabic letters for `ar`, Latin ones for `en`.
pub fn in_language(text: &str, lang: &str) -> bool {
    let arabic = text
        .chars()
        .filter(|c| ('\u{0600}'..='\u{06FF}').contains(c))
        .count();
    let latin = text.chars().filter(char::is_ascii_alphabetic).count();
    match lang {
        "ar" => arabic > 0 && arabic * 2 >= latin.min(arabic * 4),
        "en" => latin > 0 && arabic == 0,
        _ => true,
    }
}

/// The value of `name` on the first `<tag …>` of `html`.
fn attribute(html: &str, tag: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("<{tag}"))?;
    let end = start + html[start..].find('>')?;
    attr_in(&html[start..end], name)
}

fn attr_in(element: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = element.find(&key)? + key.len();
    let len = element[at..].find('"')?;
    Some(element[at..at + len].to_string())
}

/// The id (or name) of the first visible form control without a label.
fn unlabelled(html: &str) -> Option<String> {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let at = html.len() - rest.len() + open;
        rest = &rest[open + 1..];
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let element = &rest[..tag_end];
        let name = element
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if !matches!(name, "input" | "select" | "textarea") {
            continue;
        }
        let kind = attr_in(element, "type").unwrap_or_default();
        if matches!(
            kind.as_str(),
            "hidden" | "submit" | "button" | "reset" | "image"
        ) {
            continue;
        }
        if attr_in(element, "aria-label").is_some() || attr_in(element, "aria-labelledby").is_some()
        {
            continue;
        }
        // Inside a `<label>` that is still open, the control is labelled by it.
        let before = &html[..at];
        let wrapped = before
            .rfind("<label")
            .is_some_and(|o| before.rfind("</label>").is_none_or(|c| c < o));
        let id = attr_in(element, "id");
        let labelled = wrapped
            || id
                .as_ref()
                .is_some_and(|id| html.contains(&format!("for=\"{id}\"")));
        if !labelled {
            return Some(
                id.or_else(|| attr_in(element, "name"))
                    .unwrap_or_else(|| name.to_string()),
            );
        }
    }
    None
}

/// Run a `case` check: the case as the office sees it.
pub async fn case(c: &CaseCheck, ctx: &mut Ctx<'_>) -> Outcome {
    let tracking = ctx.fill(&c.tracking.value);
    let role = match ctx.twin().await {
        Ok(t) => t.accounts.keys().next().cloned(),
        Err(o) => return o,
    };
    let Some(role) = role else {
        return Outcome::fail(say(
            "the service has no staff role to read the case",
            "لا يوجد في الخدمة دور موظف لقراءة الطلب",
        ));
    };
    let token = match ctx.token(&role).await {
        Ok(t) => t,
        Err(o) => return o,
    };
    ctx.settle().await;
    let base = match ctx.twin().await {
        Ok(t) => t.url.clone(),
        Err(o) => return o,
    };
    let request = format!("GET /api/cases/{tracking}");
    let url = format!("{base}/api/cases/{tracking}");
    let headers = [
        ("accept", "application/json".to_string()),
        ("authorization", format!("Bearer {token}")),
    ];
    let answer = match ctx.send("GET", &url, &headers, None).await {
        Ok(a) => a,
        Err(e) => {
            return no_answer(&request, &e);
        }
    };
    let evidence = Evidence {
        request: Some(request),
        response: Some(answer.excerpt()),
        ..Evidence::default()
    };
    if answer.status != 200 {
        return Outcome::fail(say(
            format!("the case `{tracking}` was not found ({})", answer.status),
            format!("لم يُعثر على الطلب `{tracking}` ({})", answer.status),
        ))
        .with(evidence);
    }
    let view = answer.json();
    let state = view["state"].as_str().unwrap_or("");
    if let Some(want) = &c.state {
        if state != want.value {
            return Outcome::fail(say(
                format!(
                    "the case `{tracking}` is in the state `{state}`; expected `{}`",
                    want.value
                ),
                format!(
                    "الطلب `{tracking}` في الحالة `{state}`؛ والمتوقع `{}`",
                    want.value
                ),
            ))
            .with(evidence);
        }
    }
    if let Some(doc) = &c.document {
        let issued = view["documents"]
            .as_array()
            .is_some_and(|d| d.iter().any(|x| x["document"] == doc.value.as_str()));
        if !issued {
            return Outcome::fail(say(
                format!(
                    "the case `{tracking}` has no document `{}` issued",
                    doc.value
                ),
                format!("لم تصدر للطلب `{tracking}` وثيقة `{}`", doc.value),
            ))
            .with(evidence);
        }
    }
    if let Some(paid) = &c.paid {
        let fees = view["fees"].as_array().cloned().unwrap_or_default();
        let all_paid = !fees.is_empty() && fees.iter().all(|f| f["status"] == "paid");
        if all_paid != paid.value {
            return Outcome::fail(say(
                format!(
                    "the fees of `{tracking}` are {}",
                    if all_paid { "paid" } else { "not paid" }
                ),
                format!(
                    "رسوم الطلب `{tracking}` {}",
                    if all_paid {
                        "مدفوعة"
                    } else {
                        "غير مدفوعة"
                    }
                ),
            ))
            .with(evidence);
        }
    }
    Outcome::pass()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_by_their_letters() {
        assert!(in_language("تم استلام طلبك BC-2026-000001", "ar"));
        assert!(!in_language("Your application was received", "ar"));
        assert!(in_language("Your application was received", "en"));
        assert!(!in_language("تم الاستلام", "en"));
    }

    #[test]
    fn reads_the_first_post_form() {
        let html = r#"<form method="get" action="/x"></form><form method="post" action="/apply/account" novalidate>
<input type="hidden" name="csrf" value="ABC"><input name="n" type="text"></form>"#;
        assert_eq!(
            first_form(html),
            Some((
                "/apply/account".to_string(),
                vec![("csrf".to_string(), "ABC".to_string())]
            ))
        );
        assert_eq!(
            first_form(r#"<form method="get" action="/x"></form>"#),
            None
        );
        assert_eq!(form_encode("a b&ع"), "a+b%26%D8%B9");
    }

    #[test]
    fn finds_a_field_without_a_label() {
        let html = r#"<label for="a">A</label><input id="a" name="a"><input type="hidden" name="csrf"><input id="b" name="b">"#;
        assert_eq!(unlabelled(html).as_deref(), Some("b"));
        assert_eq!(
            unlabelled(r#"<label for="a">A</label><input id="a">"#),
            None
        );
        assert_eq!(
            unlabelled(r#"<label class="option"><input type="radio" name="r"> Yes</label>"#),
            None
        );
        assert_eq!(
            unlabelled(r#"<label>A</label><input type="radio" name="r">"#).as_deref(),
            Some("r")
        );
    }
}
