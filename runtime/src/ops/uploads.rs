//! Uploads: a PDF, JPEG or PNG kept until an application claims it.

use crate::cases::{self};
use crate::state::{ApiState, with_store};
use crate::store;
use quickwin_blueprint::clock::Now;

/// Keep an uploaded file (PDF, JPEG or PNG, its bytes matching its type) until an
/// application claims it: its id and SHA-256, or every problem with it.
pub(crate) async fn store_upload(
    state: &ApiState,
    name: String,
    content_type: String,
    body: Vec<u8>,
) -> Result<(String, String), Vec<String>> {
    let mut problems = Vec::new();
    let kinds = ["application/pdf", "image/jpeg", "image/png"];
    if !kinds.contains(&content_type.as_str()) {
        problems.push(format!(
            "`Content-Type` must be {}, found `{content_type}`",
            quickwin_blueprint::de::one_of(kinds)
        ));
    }
    if body.is_empty() {
        problems.push("the body is empty: send the file's bytes".to_string());
    }
    if name.chars().count() > 200 || name.contains(['/', '\\']) {
        problems.push(
            "`name` must be a file name of at most 200 characters, without `/` or `\\`".to_string(),
        );
    }
    let magic_ok = match content_type.as_str() {
        "application/pdf" => body.starts_with(b"%PDF"),
        "image/jpeg" => body.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/png" => body.starts_with(b"\x89PNG"),
        _ => true,
    };
    if !body.is_empty() && !magic_ok {
        problems.push(format!("the bytes are not a `{content_type}` file"));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
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
    .map_err(|e| vec![e.message_in("en")])
}
