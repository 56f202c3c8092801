//! Storing a submitted application: the case row and its groups, its booking and
//! uploads claimed, its history and effects — in one transaction, after the duplicate
//! check of `workflow.unique`.

use super::codes::{hash_code, number, random_code};
use super::effects::after_step;
use super::model::{Case, CaseError, Outcome};
use super::read::load;
use super::sql::{quote, to_sql};
use crate::appointments::{self, BookError};
use crate::hooks::Installed;
use crate::store::history;
use quickwin_blueprint::answers::{self, Answers};
use quickwin_blueprint::clock::Now;
use quickwin_blueprint::model::{Blueprint, FieldType, RoleKind};
use quickwin_blueprint::slots::SlotError;
use rusqlite::Connection;
use serde_json::{Map, Value as Json, json};

/// Refuse case `id` when another application not in a final state has the same answers
/// to every field of `workflow.unique` (a case missing one of them is compared with none).
pub(crate) fn no_duplicate(tx: &Connection, bp: &Blueprint, id: i64) -> Result<(), CaseError> {
    let Some(rule) = bp.workflow.unique.as_ref().filter(|r| !r.is_empty()) else {
        return Ok(());
    };
    let same: Vec<String> = rule
        .iter()
        .map(|f| format!("o.{q} = c.{q}", q = quote(f.as_str())))
        .collect();
    let finals: Vec<&str> = bp
        .workflow
        .states
        .iter()
        .filter(|s| s.is_final)
        .map(|s| s.id.as_str())
        .collect();
    let open = crate::store::cases::open_duplicate(
        tx,
        id,
        &same.join(" AND "),
        &json!(finals).to_string(),
    )?;
    let Some(open) = open else {
        return Ok(());
    };
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    let named = |lang: &str| {
        rule.iter()
            .map(|n| {
                fields
                    .iter()
                    .find(|f| f.id == *n)
                    .map_or(n.as_str(), |f| f.label.get(lang))
                    .to_string()
            })
            .map(|l| format!("“{l}”"))
            .collect::<Vec<_>>()
            .join(if lang == "ar" { "، " } else { ", " })
    };
    let messages = std::collections::BTreeMap::from([
        (
            "en".to_string(),
            format!(
                "Application {open} with the same {} is still open. Follow that application with its tracking number instead of sending a new one; a new one can be sent once it is decided.",
                named("en")
            ),
        ),
        (
            "ar".to_string(),
            format!(
                "الطلب {open} الذي يحمل نفس {} ما زال مفتوحاً. تابع ذلك الطلب برقم التتبع الخاص به بدلاً من إرسال طلب جديد؛ يمكن إرسال طلب جديد بعد البتّ فيه.",
                named("ar")
            ),
        ),
    ]);
    Err(CaseError::Duplicate {
        open,
        fields: rule.iter().map(|f| f.value.clone()).collect(),
        messages,
    })
}

/// What the history keeps of a submission: the applicant's language, and the reference
/// its calls were made under.
pub(crate) fn submitted_detail(language: &str, reference: Option<&str>) -> Json {
    match reference {
        Some(r) => json!({"language": language, "reference": r}),
        None => json!({"language": language}),
    }
}

/// Store a checked submission as a new case in the blueprint's initial state, with its
/// appointment booked, its calls recorded and its notifications queued, in one
/// transaction. The tracking number is taken in that transaction, so numbers have no
/// gaps: a refused submission takes none. `reference` is the submission's reference
/// ([`submission_reference`]) when calls were made before it, kept in its history so
/// that the mediator's log of those calls can be found from the case.
#[allow(clippy::too_many_arguments)] // the blueprint and the service's hooks, then what the step is
pub fn submit(
    conn: &mut Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    answers: &Answers,
    reference: Option<&str>,
    outcome: &Outcome,
    language: &str,
    now: &Now,
) -> Result<(Case, String), CaseError> {
    let tx = conn.savepoint()?;
    let tracking = number(&tx, &bp.workflow.tracking, "tracking", now.today)?;
    let code = random_code(10);
    let salt = random_code(16);
    let mut columns = vec![
        "tracking".to_string(),
        "access_code_hash".into(),
        "state".into(),
        "submitted_at".into(),
        "updated_at".into(),
    ];
    let mut values: Vec<rusqlite::types::Value> = vec![
        tracking.clone().into(),
        hash_code(&code, &salt).into(),
        bp.workflow.initial.value.clone().into(),
        now.stamp.clone().into(),
        now.stamp.clone().into(),
    ];
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    for f in fields.iter().filter(|f| f.kind.value != FieldType::Group) {
        if let Some(v) = answers.values.get(f.id.as_str()) {
            columns.push(f.id.value.clone());
            values.push(to_sql(v));
        }
    }
    let cols: Vec<String> = columns.iter().map(|c| quote(c)).collect();
    let id = crate::store::cases::insert(&tx, "cases", &cols, values)?;
    for f in fields.iter().filter(|f| f.kind.value == FieldType::Group) {
        let Some(Json::Array(entries)) = answers.values.get(f.id.as_str()) else {
            continue;
        };
        for (position, entry) in entries.iter().enumerate() {
            let Json::Object(entry) = entry else { continue };
            let mut cols = vec!["case_id".to_string(), "position".into()];
            let mut vals: Vec<rusqlite::types::Value> = vec![id.into(), (position as i64).into()];
            for (k, v) in entry {
                cols.push(quote(k));
                vals.push(to_sql(v));
            }
            let table = quote(&format!("group_{}", f.id.as_str()));
            crate::store::cases::insert(&tx, &table, &cols, vals)?;
        }
    }
    for f in fields
        .iter()
        .filter(|f| f.kind.value == FieldType::Appointment)
    {
        if let Some(Json::String(slot)) = answers.values.get(f.id.as_str()) {
            book_slot(&tx, bp, id, f.id.as_str(), slot, now)?;
        }
    }
    for f in fields.iter().filter(|f| f.kind.value == FieldType::File) {
        if let Some(Json::String(upload)) = answers.values.get(f.id.as_str()) {
            attach(&tx, bp, id, f.id.as_str(), upload)?;
        }
    }
    let citizen = citizen_role(bp);
    history::record(
        &tx,
        &history::Entry {
            case_id: id,
            at: &now.stamp,
            actor: &format!("applicant:{tracking}"),
            role: citizen,
            action: "submit",
            from: None,
            to: &bp.workflow.initial.value,
            detail: &submitted_detail(language, reference).to_string(),
        },
    )?;
    after_step(
        &tx,
        bp,
        hooks,
        id,
        "submit",
        &bp.workflow.initial.value,
        &Map::new(),
        outcome,
        now,
    )?;
    no_duplicate(&tx, bp, id)?;
    let case = load(&tx, bp, id)?;
    tx.commit()?;
    Ok((case, code))
}

/// The citizen role's id.
pub fn citizen_role(bp: &Blueprint) -> &str {
    bp.roles
        .iter()
        .find(|r| r.kind.value == RoleKind::Citizen)
        .map_or("applicant", |r| r.id.as_str())
}

pub(crate) fn book_slot(
    tx: &Connection,
    bp: &Blueprint,
    id: i64,
    field: &str,
    slot: &str,
    now: &Now,
) -> Result<(), CaseError> {
    match appointments::book(tx, bp, id, slot, now) {
        Ok(()) => Ok(()),
        Err(BookError::Store(e)) => Err(CaseError::Store(e)),
        Err(BookError::Slot(SlotError::Full(v))) => Err(CaseError::SlotFull(
            answers::field_problem(bp, field, "slot_full", &v),
        )),
        Err(BookError::Slot(e)) => Err(CaseError::Invalid(vec![answers::field_problem(
            bp,
            field,
            "not_a_slot",
            &match e {
                SlotError::Malformed(_) => slot.to_string(),
                other => other.to_string(),
            },
        )])),
    }
}

pub(crate) fn attach(
    tx: &Connection,
    bp: &Blueprint,
    id: i64,
    field: &str,
    upload: &str,
) -> Result<(), CaseError> {
    // An upload made without naming its field was checked against the widest of the
    // service's file fields; the field that claims it holds it to its own size.
    if let (Some(rule), Some((size, _))) = (
        crate::files::rule(bp, field),
        crate::store::attachments::kind_of(tx, upload)?,
    ) {
        if let Some(why) = rule.too_large(usize::try_from(size).unwrap_or(usize::MAX)) {
            return Err(CaseError::Invalid(vec![answers::field_problem(
                bp, field, "bad_file", &why,
            )]));
        }
    }
    let changed = crate::store::attachments::claim(tx, id, field, upload)?;
    if changed == 0 {
        return Err(CaseError::Invalid(vec![answers::field_problem(
            bp,
            field,
            "not_an_upload",
            upload,
        )]));
    }
    Ok(())
}
