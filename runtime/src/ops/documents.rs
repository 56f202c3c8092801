//! Documents: one issued to a case (opened with its access code), and what the public
//! may know of one by its verification code.

use crate::cases::{self};
use crate::failure::{ApiError, Kind};
use crate::ops::views::localized;
use crate::state::{ApiState, with_read};
use crate::store;
use quickwin_blueprint::clock::Now;
use serde_json::{Map, Value, json};

/// An issued document of the case `tracking` (opened with `code`): its number,
/// verification code and printed fields.
pub(crate) async fn issued(
    state: &ApiState,
    tracking: String,
    code: String,
    document: String,
) -> Result<Value, ApiError> {
    with_read(state, move |conn, bp| {
        let case = cases::read(conn, bp, &tracking, &code)?;
        let Some(d) = bp.documents.iter().find(|d| d.id.as_str() == document) else {
            return Err(ApiError::new(Kind::NotFound, format!("the service issues no document `{document}`")));
        };
        let found = store::documents::of_case_named(conn, case.id, &document)?;
        let Some(store::documents::Issued { number, code: vcode, issued_at, valid_until, content, .. }) = found else {
            return Err(ApiError::new(Kind::NotIssued, format!("`{document}` is issued in the state `{}`; the application is `{}`", d.issue_in.as_str(), case.state)));
        };
        Ok(json!({"document": document, "title": localized(bp, &d.title), "tracking": case.tracking,
            "number": number, "verification_code": vcode, "issued_at": issued_at, "valid_until": valid_until,
            "issued_by": localized(bp, &bp.agency.name), "fields": serde_json::from_str::<Value>(&content).unwrap_or(Value::Null),
            "verify": format!("/api/verify/{vcode}")}))
    })
    .await
}

/// What the public may know of a document by its verification code: whether it is
/// valid, its number and dates, and the fields the blueprint marks public.
pub(crate) async fn verification(state: &ApiState, code: String) -> Result<Value, ApiError> {
    with_read(state, move |conn, bp| {
        let found = store::documents::by_code(conn, &code.trim().to_uppercase())?;
        let Some(store::documents::Issued { document, number, issued_at, valid_until, content, .. }) = found else {
            return Err(ApiError::new(Kind::NotFound, "no document has this verification code"));
        };
        let d = bp.documents.iter().find(|d| d.id.as_str() == document);
        let content: Value = serde_json::from_str(&content).unwrap_or(Value::Null);
        let public: Map<String, Value> = d
            .map(|d| d.public.iter().map(|f| (f.value.clone(), content.get(f.as_str()).cloned().unwrap_or(Value::Null))).collect())
            .unwrap_or_default();
        let expired = valid_until.as_deref().is_some_and(|v| v < Now::read().today.to_string().as_str());
        Ok(json!({"valid": !expired, "document": document, "title": d.map_or(Value::Null, |d| localized(bp, &d.title)),
            "number": number, "issued_at": issued_at, "valid_until": valid_until, "issued_by": localized(bp, &bp.agency.name), "fields": public}))
    })
    .await
}
