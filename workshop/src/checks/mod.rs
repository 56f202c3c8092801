//! The check kinds, each a function from the run's context to an outcome, and the
//! context they share: the participant's file, the world, the twin (started on first
//! need), and the values kept by earlier steps.

mod access;
mod blueprint;
mod http;
mod inbox;
mod log;
mod quiz;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use quickwin_blueprint::{Checked, Source, Span};

use crate::client::Client;
use crate::model::Check;
use crate::results::{Evidence, Status, Texts};
use crate::world::{Twin, World};

/// A text in English and Arabic.
pub fn say(en: impl Into<String>, ar: impl Into<String>) -> Texts {
    Texts::from([("en".to_string(), en.into()), ("ar".to_string(), ar.into())])
}

/// How one check ended, before its author's texts are added.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// How it ended.
    pub status: Status,
    /// What the check saw, in every language (added to the author's message).
    pub said: Option<Texts>,
    /// What it saw, to show (boxed: an outcome travels in `Err` often).
    pub evidence: Box<Evidence>,
    /// Values the author's texts may quote as `{seen.NAME}`.
    pub seen: BTreeMap<String, String>,
    /// Who still has to look at it.
    pub review: Option<String>,
}

impl Outcome {
    /// Passed.
    pub fn pass() -> Outcome {
        Outcome {
            status: Status::Pass,
            said: None,
            evidence: Box::default(),
            seen: BTreeMap::new(),
            review: None,
        }
    }

    /// Failed, and why.
    pub fn fail(said: Texts) -> Outcome {
        Outcome {
            status: Status::Fail,
            said: Some(said),
            ..Outcome::pass()
        }
    }

    /// Could not run, and why.
    pub fn error(said: Texts) -> Outcome {
        Outcome {
            status: Status::Error,
            said: Some(said),
            ..Outcome::pass()
        }
    }

    /// With evidence.
    pub fn with(mut self, evidence: Evidence) -> Outcome {
        self.evidence = Box::new(evidence);
        self
    }
}

/// What the checks of one run share.
pub struct Ctx<'w> {
    /// The sandbox, when the exercise's checks need it.
    pub world: Option<&'w World>,
    /// The participant's folder.
    pub folder: PathBuf,
    /// The participant's file (the blueprint, or the answers).
    pub file: PathBuf,
    /// Its text, when it could be read.
    pub text: Option<String>,
    /// The file checked as a blueprint.
    pub checked: Option<Checked>,
    /// The message ids of this run start with this.
    pub prefix: String,
    /// The values kept so far (`tracking`, `team.client`…).
    pub vars: BTreeMap<String, String>,
    /// The HTTP client.
    pub client: Client,
    /// The time a check may take.
    pub limit: Duration,
    /// The seed of a reproducible run.
    pub seed: Option<u64>,
    /// The suffix of the twin's subsystem, in a workshop host's shared sandbox.
    pub suffix: Option<String>,
    twin: Option<Result<Twin, String>>,
    tokens: BTreeMap<String, String>,
    cookies: BTreeMap<String, String>,
}

impl<'w> Ctx<'w> {
    /// The context of a run over `file` in `world`.
    pub fn new(world: Option<&'w World>, file: PathBuf, shown: &str, prefix: String) -> Ctx<'w> {
        let text = std::fs::read_to_string(&file).ok();
        let checked = text
            .as_ref()
            .map(|t| quickwin_blueprint::check_bytes(shown, t.as_bytes()));
        let mut vars = BTreeMap::new();
        if let Some(bp) = checked.as_ref().and_then(|c| c.blueprint.as_ref()) {
            vars.insert("team.service".into(), bp.interop.value.clone());
            vars.insert(
                "team.client".into(),
                quickwin_runtime::mediator::subsystem(bp.interop.as_str()),
            );
        }
        Ctx {
            world,
            folder: file.parent().map(PathBuf::from).unwrap_or_default(),
            file,
            text,
            checked,
            prefix,
            vars,
            client: Client::default(),
            limit: Duration::from_secs(10),
            seed: None,
            suffix: None,
            twin: None,
            tokens: BTreeMap::new(),
            cookies: BTreeMap::new(),
        }
    }

    /// `{name}` in `text` replaced by the kept values (unknown names stay as written).
    pub fn fill(&self, text: &str) -> String {
        fill(text, &self.vars)
    }

    /// The place `span` in the participant's file, as `file:line:col`.
    pub fn place(&self, span: Span) -> Option<String> {
        let source: &Source = &self.checked.as_ref()?.source;
        let p = source.position(span.start);
        Some(format!("{}:{}:{}", source.name, p.line, p.column))
    }

    /// The sandbox, or the outcome of a check that needs it without one.
    pub fn sandbox(&self) -> Result<&'w World, Outcome> {
        self.world.ok_or_else(|| {
            Outcome::error(say(
                "this check needs the sandbox, and none was started",
                "يحتاج هذا الفحص إلى بيئة الاختبار، ولم تُشغَّل",
            ))
        })
    }

    /// Send a request as a browser would: with the cookies kept so far, keeping the
    /// ones the answer sets, and following redirects of a GET.
    pub async fn send(
        &mut self,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<crate::client::Answer, String> {
        let mut url = url.to_string();
        for _ in 0..5 {
            let mut all: Vec<(&str, String)> = headers.to_vec();
            if !self.cookies.is_empty() {
                let jar: Vec<String> = self
                    .cookies
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                all.push(("cookie", jar.join("; ")));
            }
            let answer = self
                .client
                .send(method, &url, &all, body.clone(), self.limit)
                .await?;
            for (name, value) in &answer.headers {
                if name == "set-cookie" {
                    if let Some((k, v)) = value.split(';').next().and_then(|c| c.split_once('=')) {
                        self.cookies
                            .insert(k.trim().to_string(), v.trim().to_string());
                    }
                }
            }
            let redirect = matches!(answer.status, 301 | 302 | 303 | 307 | 308) && method == "GET";
            match answer.header("location").filter(|_| redirect) {
                Some(location) => {
                    url = if location.starts_with("http") {
                        location.to_string()
                    } else {
                        let origin: String =
                            url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
                        format!("{origin}{location}")
                    };
                }
                None => return Ok(answer),
            }
        }
        Err("more than 5 redirects".into())
    }

    /// The twin, started on first need.
    pub async fn twin(&mut self) -> Result<&Twin, Outcome> {
        if self.twin.is_none() {
            let world = self.sandbox()?;
            let valid = self.checked.as_ref().is_some_and(Checked::is_valid);
            let started = if valid {
                Twin::start(
                    world,
                    &self.file,
                    &self.prefix,
                    self.seed,
                    self.suffix.as_deref(),
                )
                .await
                .map_err(|e| e.to_string())
            } else {
                Err(String::new())
            };
            self.twin = Some(started);
        }
        match self.twin.as_ref() {
            Some(Ok(twin)) => Ok(twin),
            Some(Err(why)) if why.is_empty() => Err(Outcome::fail(say(
                "the blueprint has errors, so the service cannot run; fix what `quickwin check` reports first",
                "في المخطط أخطاء، لذا لا يمكن تشغيل الخدمة؛ أصلح أولاً ما يذكره `quickwin check`",
            ))),
            Some(Err(why)) => Err(Outcome::error(say(
                format!("the check twin of the service did not start: {why}"),
                format!("لم تبدأ النسخة التجريبية من الخدمة: {why}"),
            ))),
            None => Err(Outcome::error(say("no twin", "لا توجد نسخة"))),
        }
    }

    /// Let the twin finish what it does in the background (notifications, calls).
    pub async fn settle(&self) {
        if let Some(Ok(twin)) = &self.twin {
            twin.settle(Duration::from_secs(3)).await;
        }
    }

    /// The staff token of `role` in the twin, signing in once.
    pub async fn token(&mut self, role: &str) -> Result<String, Outcome> {
        if let Some(t) = self.tokens.get(role) {
            return Ok(t.clone());
        }
        let limit = self.limit;
        let client = self.client.clone();
        let twin = self.twin().await?;
        let Some((name, password)) = twin.accounts.get(role).cloned() else {
            let roles: Vec<String> = twin.accounts.keys().map(|r| format!("`{r}`")).collect();
            return Err(Outcome::fail(say(
                format!(
                    "the service has no staff role `{role}`; its staff roles are {}",
                    roles.join(", ")
                ),
                format!(
                    "لا يوجد في الخدمة دور موظف باسم `{role}`؛ أدوار الموظفين فيها: {}",
                    roles.join("، ")
                ),
            )));
        };
        let body = serde_json::json!({"name": name, "password": password}).to_string();
        let url = format!("{}/api/session", twin.url);
        let answer = client
            .send(
                "POST",
                &url,
                &[("content-type", "application/json".to_string())],
                Some(body.into_bytes()),
                limit,
            )
            .await
            .map_err(|e| {
                Outcome::error(say(
                    format!("signing in failed: {e}"),
                    format!("تعذّر تسجيل الدخول: {e}"),
                ))
            })?;
        let token = answer.json()["token"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| {
                Outcome::error(say(
                    format!("signing in as `{role}` was refused ({})", answer.status),
                    format!("رُفض تسجيل الدخول بدور `{role}` ({})", answer.status),
                ))
            })?;
        self.tokens.insert(role.to_string(), token.clone());
        Ok(token)
    }
}

/// `{name}` in `text` replaced by `vars` (unknown names stay as written).
pub fn fill(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if vars.contains_key(&after[..close]) => {
                out.push_str(&vars[&after[..close]]);
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Run one check.
pub async fn run(check: &Check, ctx: &mut Ctx<'_>) -> Outcome {
    if let Some(b) = &check.blueprint {
        return blueprint::run(b, ctx);
    }
    if let Some(steps) = &check.http {
        return http::run(steps, ctx).await;
    }
    if let Some(l) = &check.messagelog {
        return log::run(l, ctx).await;
    }
    if let Some(calls) = &check.access {
        return access::run(calls, ctx).await;
    }
    if let Some(i) = &check.inbox {
        return inbox::run(i, ctx).await;
    }
    if let Some(c) = &check.case {
        return http::case(c, ctx).await;
    }
    if let Some(q) = &check.quiz {
        return quiz::quiz(q, ctx);
    }
    if let Some(a) = &check.artifact {
        return quiz::artifact(a, ctx);
    }
    Outcome::error(say("the check names no kind", "لا يحدد الفحص نوعاً"))
}

/// A JSON value as the text it is compared as.
pub fn scalar_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_known_names_only() {
        let vars = BTreeMap::from([("tracking".to_string(), "BC-1".to_string())]);
        assert_eq!(
            fill("case {tracking} {other} {", &vars),
            "case BC-1 {other} {"
        );
    }
}
