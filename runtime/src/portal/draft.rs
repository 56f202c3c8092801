//! The unfinished application of a browser: kept in the store under the hash of a
//! token its cookie holds, for a day, and the path of the form's next page.

use axum::http::HeaderMap;
use serde_json::{Map, Value as Json};

use super::form::Next;
use super::visit::{Cookie, hash};
use crate::state::ApiState;
use quickwin_blueprint::clock::Now;

/// How long an unfinished application is kept: a day.
pub(super) const DRAFT_SECONDS: i64 = 86_400;

/// The key under which a draft remembers the case it corrects (not an answer).
pub(super) const CORRECTING: &str = "__correcting";

/// The unfinished application of this browser, if any.
pub(super) async fn draft(
    state: &ApiState,
    headers: &HeaderMap,
) -> Option<(String, Map<String, Json>)> {
    let token = Cookie::Draft.read(headers, state.blueprint().id.as_str())?;
    let key = hash(&token);
    crate::state::with_read(state, move |conn, _| {
        let now = Now::read().secs;
        let found = crate::store::drafts::answers(conn, &key, now - DRAFT_SECONDS)?;
        Ok(found.and_then(|t| serde_json::from_str::<Json>(&t).ok()))
    })
    .await
    .ok()
    .flatten()
    .and_then(|j| j.as_object().cloned())
    .map(|m| (token, m))
}

/// What became of a draft to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Saved {
    /// It is kept.
    Kept,
    /// It is larger than the guard keeps ([`crate::guard::Settings::draft_bytes`]); the
    /// draft kept before stays as it was.
    TooLarge,
    /// The store failed.
    Failed,
}

/// Keep `answers` as the draft of `token`.
pub(super) async fn save_draft(
    state: &ApiState,
    token: &str,
    answers: &Map<String, Json>,
) -> Saved {
    let (key, text) = (hash(token), Json::Object(answers.clone()).to_string());
    if text.len() > state.guard.settings().draft_bytes {
        return Saved::TooLarge;
    }
    let saved = crate::state::with_store(state, move |conn, _| {
        let now = Now::read().secs;
        crate::store::drafts::save(conn, &key, &text, now)?;
        Ok(())
    })
    .await;
    if saved.is_ok() {
        Saved::Kept
    } else {
        Saved::Failed
    }
}

/// The path of the form's page `next` (under the service, before its base path).
pub(super) fn page_path(next: &Next) -> String {
    match next {
        Next::Page(id) => format!("/apply/{id}"),
        Next::Exit(id) => format!("/apply/exit/{id}"),
        Next::Check => "/apply/check".to_string(),
    }
}
