//! Uploads: a PDF, JPEG or PNG for one `file` field, checked against what the field
//! accepts (its types and size, the file's first bytes and a sniff of its content) and
//! kept until an application claims it — or, unclaimed, until the guard's sweep.

use crate::cases::{self};
use crate::failure::{ApiError, Kind};
use crate::files::{self, Rule};
use crate::state::{ApiState, with_store};
use crate::store;
use quickwin_blueprint::clock::Now;
use quickwin_blueprint::model::Blueprint;

/// What an upload for `field` (named by the request, or not) is checked against: the
/// field's rule; without a field, the widest of the blueprint's (its claim checks the
/// field then). Refused (404) when the service takes no files at all, and (422) for a
/// field it does not have.
pub(crate) fn rule_for(bp: &Blueprint, field: Option<&str>) -> Result<Rule, ApiError> {
    let all = files::rules(bp);
    if all.is_empty() {
        return Err(ApiError::new(
            Kind::NotFound,
            "this service has no `file` field; it takes no uploads",
        ));
    }
    match field {
        Some(f) => all.iter().find(|r| r.field == f).cloned().ok_or_else(|| {
            ApiError::invalid(format!(
                "`field` must be one of {}, found `{f}`",
                quickwin_blueprint::de::one_of(all.iter().map(|r| r.field.as_str()))
            ))
        }),
        None => {
            let mut kinds: Vec<&'static str> =
                all.iter().flat_map(|r| r.kinds.iter().copied()).collect();
            kinds.sort_unstable();
            kinds.dedup();
            Ok(Rule {
                field: "file".into(),
                kinds,
                max_bytes: all.iter().map(|r| r.max_bytes).max().unwrap_or(0),
            })
        }
    }
}

/// The 413 of a file larger than `rule` takes.
pub(crate) fn too_large(rule: &Rule) -> ApiError {
    ApiError::new(
        Kind::TooLarge,
        format!(
            "the file is too large: `{}` takes at most {} bytes",
            rule.field, rule.max_bytes
        ),
    )
}

/// Keep an uploaded file checked against `rule` until an application claims it: its id
/// and SHA-256, or every problem with it.
pub(crate) async fn store_upload(
    state: &ApiState,
    rule: &Rule,
    name: String,
    content_type: String,
    body: Vec<u8>,
) -> Result<(String, String), ApiError> {
    if body.len() > rule.max_bytes {
        return Err(too_large(rule));
    }
    let mut problems = Vec::new();
    if !rule.kinds.contains(&content_type.as_str()) {
        problems.push(format!(
            "`Content-Type` must be {}, found `{content_type}`",
            quickwin_blueprint::de::one_of(rule.kinds.iter().copied())
        ));
    }
    if body.is_empty() {
        problems.push("the body is empty: send the file's bytes".to_string());
    } else if problems.is_empty() {
        if let Err(why) = files::sniff(&content_type, &body) {
            problems.push(why);
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems.join("; ")));
    }
    let name = files::safe_name(&name);
    with_store(state, move |conn, _| {
        use sha2::{Digest, Sha256};
        let id = format!("att_{}", cases::random_token(20));
        let hash: String = Sha256::digest(&body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let now = Now::read();
        store::attachments::insert_unclaimed(
            conn,
            &id,
            &name,
            &content_type,
            &hash,
            &body,
            &now.stamp,
        )?;
        Ok((id, hash))
    })
    .await
}
