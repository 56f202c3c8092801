//! Cases: submitting an application, reading it back with its tracking number and
//! access code, and moving it through the workflow — each change and its history entry
//! written in one transaction.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::{Map, Value as Json, json};
use sha2::{Digest, Sha256};

use super::appointments::{self, BookError};
use super::hooks::Installed;
use quickwin_blueprint::answers::{self, Answers, Problem, value_of};
use quickwin_blueprint::clock::Now;
use quickwin_blueprint::effects;
use quickwin_blueprint::expr::{Date, Row, Value};
use quickwin_blueprint::model::{Blueprint, FieldType, RoleKind, Transition};
use quickwin_blueprint::plural::{Arabic, Counted, English};
use quickwin_blueprint::slots::SlotError;

/// Who acts: an id (a staff account, or `applicant` for the citizen) and their roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// A stable id, recorded in the history.
    pub id: String,
    /// The roles they hold.
    pub roles: BTreeSet<String>,
}

/// A case as read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// The internal id.
    pub id: i64,
    /// The tracking number.
    pub tracking: String,
    /// The current state.
    pub state: String,
    /// When it was submitted.
    pub submitted_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// The answers and what the office and integrations added, by field id (`answers`
    /// in the API, as in the applicant's view).
    #[serde(rename = "answers")]
    pub values: Map<String, Json>,
    /// Every step so far, oldest first.
    pub history: Vec<Event>,
}

/// One entry of a case's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// In which role.
    pub role: String,
    /// Which action (`submit` for the submission).
    pub action: String,
    /// The state before (none for the submission).
    pub from_state: Option<String>,
    /// The state after.
    pub to_state: String,
    /// The inputs given with the action.
    pub detail: Json,
}

/// The message of a request refused for its problems, each of which is named with it.
pub const PROBLEMS: Counted = Counted {
    en: English {
        one: "the request has {n} problem; it is named below",
        other: "the request has {n} problems; each is named below",
    },
    ar: Arabic {
        zero: "لا مشكلات في الطلب",
        one: "في الطلب مشكلة واحدة مبيّنة أدناه",
        two: "في الطلب مشكلتان، كل منهما مبيّن أدناه",
        few: "في الطلب {n} مشكلات، كل منها مبيّن أدناه",
        many: "في الطلب {n} مشكلةً، كل منها مبيّن أدناه",
        other: "في الطلب {n} مشكلة، كل منها مبيّن أدناه",
    },
};

/// Why an operation on a case was refused.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// No case with this tracking number, or the access code is wrong (never says which).
    #[error("no case with this tracking number and access code")]
    NotFound,
    /// The answers or inputs have problems.
    #[error("{}", PROBLEMS.text("en", .0.len() as u64))]
    Invalid(Vec<Problem>),
    /// The blueprint has no such action (or none was named).
    #[error("{}", unknown_action(.0))]
    UnknownAction(String),
    /// The action does not start from the case's state.
    #[error("`{action}` cannot be taken in the state `{state}`")]
    WrongState {
        /// The action.
        action: String,
        /// The case's state.
        state: String,
    },
    /// The actor has none of the roles that may take the action.
    #[error("`{action}` may only be taken by {roles}")]
    Forbidden {
        /// The action.
        action: String,
        /// Who may, in words.
        roles: String,
    },
    /// Another open application has the same answers to the fields of
    /// `workflow.unique`.
    #[error("an open application has the same {}: `{open}`", .fields.join(", "))]
    Duplicate {
        /// The open application's tracking number.
        open: String,
        /// The fields' ids.
        fields: Vec<String>,
        /// What to tell the person, per language.
        messages: std::collections::BTreeMap<String, String>,
    },
    /// The action's condition does not hold for this case.
    #[error("the condition of `{action}` does not hold: {condition}")]
    ConditionFailed {
        /// The action.
        action: String,
        /// The condition as written.
        condition: String,
    },
    /// The chosen appointment slot filled up.
    #[error("the appointment slot is fully booked")]
    SlotFull(Problem),
    /// A call to another agency failed and the blueprint blocks the step.
    #[error("{message}")]
    Blocked {
        /// The integration.
        integration: String,
        /// What to tell the person, per language.
        messages: std::collections::BTreeMap<String, String>,
        /// The message in the default language.
        message: String,
    },
    /// A call to another agency could not be made (access denied by the mediator, no
    /// answer in time, a server error, no mediator) and the blueprint blocks the step.
    #[error("{message}")]
    Unavailable {
        /// The integration.
        integration: String,
        /// What to tell the person, per language: the agency cannot be reached now,
        /// nothing was sent, try again later.
        messages: std::collections::BTreeMap<String, String>,
        /// Why, for the service's log.
        message: String,
    },
    /// A hook of the agency's own refused the step.
    #[error("{message}")]
    Refused {
        /// What to tell the person, per language.
        messages: std::collections::BTreeMap<String, String>,
        /// The message in English (or the first language given).
        message: String,
    },
    /// A hook of the agency's own could not run.
    #[error(transparent)]
    Hook(#[from] super::hooks::HookError),
    /// A second pair of eyes is required.
    #[error("`{0}` must be taken by someone who has not acted on this case before")]
    SelfApproval(String),
    /// The store failed.
    #[error("the store failed: {0}")]
    Store(#[from] rusqlite::Error),
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    // Without an OS source of randomness nothing here is safe to hand out.
    getrandom::fill(&mut buf).expect("the operating system provides randomness");
    buf
}

/// `n` random characters from an alphabet without look-alikes (no 0/O, 1/I/L).
/// `n` random capital letters and digits (no look-alikes).
pub fn random_token(n: usize) -> String {
    random_code(n)
}

fn random_code(n: usize) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    random_bytes(n)
        .into_iter()
        .map(|b| ALPHABET[b as usize % ALPHABET.len()] as char)
        .collect()
}

/// `salt$sha256(salt + code)`: access codes are never stored in clear.
fn hash_code(code: &str, salt: &str) -> String {
    let digest = Sha256::digest(format!("{salt}{code}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{salt}${hex}")
}

fn code_matches(code: &str, stored: &str) -> bool {
    let Some((salt, _)) = stored.split_once('$') else {
        return false;
    };
    let candidate = hash_code(code.trim().to_uppercase().as_str(), salt);
    // Compare without stopping at the first difference.
    candidate.len() == stored.len()
        && candidate
            .bytes()
            .zip(stored.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The next value of a named counter.
fn next(conn: &Connection, name: &str) -> rusqlite::Result<i64> {
    conn.query_row(
        "INSERT INTO qw_counters (name, value) VALUES (?1, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
        [name],
        |r| r.get(0),
    )
}

/// A number from a format, with random letters where it asks for them.
pub fn format_number(
    format: &str,
    today: Date,
    seq: &mut dyn FnMut() -> rusqlite::Result<i64>,
) -> rusqlite::Result<String> {
    quickwin_blueprint::numbers::format_with(format, today, seq, &random_code)
}

/// A number from a format such as `BC-{year}-{seq:6}`, its counter advanced in the
/// caller's transaction.
pub fn number(
    conn: &Connection,
    format: &str,
    counter: &str,
    today: Date,
) -> rusqlite::Result<String> {
    format_number(format, today, &mut || next(conn, counter))
}

/// Refuse case `id` when another application not in a final state has the same answers
/// to every field of `workflow.unique` (a case missing one of them is compared with none).
fn no_duplicate(tx: &Connection, bp: &Blueprint, id: i64) -> Result<(), CaseError> {
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
    let open: Option<String> = tx
        .prepare_cached(&format!(
            "SELECT o.tracking FROM cases c JOIN cases o ON o.id <> c.id
             WHERE c.id = ?1 AND {} AND o.state NOT IN (SELECT value FROM json_each(?2))
             ORDER BY o.id LIMIT 1",
            same.join(" AND ")
        ))?
        .query_row(params![id, json!(finals).to_string()], |r| r.get(0))
        .optional()?;
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
fn submitted_detail(language: &str, reference: Option<&str>) -> Json {
    match reference {
        Some(r) => json!({"language": language, "reference": r}),
        None => json!({"language": language}),
    }
}

/// A submission's reference: what the calls made before a submission is stored name as
/// the case they are about (`X-Road-Issue`), since its tracking number is taken only
/// when it is stored — a submission an agency's answer refuses takes no number.
pub fn submission_reference() -> String {
    format!("SUB-{}", random_code(10))
}

fn to_sql(json: &Json) -> rusqlite::types::Value {
    use rusqlite::types::Value as Sql;
    match json {
        Json::Null => Sql::Null,
        Json::Bool(b) => Sql::Integer(i64::from(*b)),
        Json::Number(n) => n
            .as_i64()
            .map_or_else(|| Sql::Real(n.as_f64().unwrap_or(0.0)), Sql::Integer),
        Json::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

/// A column name quoted for SQL.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// What the calls made before a step brought back, applied with the step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Fields the integrations' answers fill, by field id.
    pub values: Map<String, Json>,
    /// Every call made, with how it ended.
    pub calls: Vec<Call>,
}

/// One call to another agency, as recorded on the case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Call {
    /// The integration's id.
    pub integration: String,
    /// `ok`, `failed` (the step was blocked) or `retrying` (the step went on).
    pub outcome: String,
    /// What was asked and answered, or why it failed.
    pub detail: Json,
}

/// Store a checked submission as a new case in the blueprint's initial state, with its
/// appointment booked, its calls recorded and its notifications queued, in one
/// transaction. The tracking number is taken in that transaction, so numbers have no
/// gaps: a refused submission takes none. `reference` is the submission's reference
/// ([`submission_reference`]) when calls were made before it, kept in its history so
/// that the mediator's log of those calls can be found from the case.
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
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let cols: Vec<String> = columns.iter().map(|c| quote(c)).collect();
    tx.execute(
        &format!(
            "INSERT INTO cases ({}) VALUES ({})",
            cols.join(", "),
            marks.join(", ")
        ),
        rusqlite::params_from_iter(values),
    )?;
    let id = tx.last_insert_rowid();
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
            let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
            tx.execute(
                &format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    quote(&format!("group_{}", f.id.as_str())),
                    cols.join(", "),
                    marks.join(", ")
                ),
                rusqlite::params_from_iter(vals),
            )?;
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
    tx.execute(
        "INSERT INTO qw_history (case_id, at, actor, role, action, from_state, to_state, detail) VALUES (?1, ?2, ?3, ?4, 'submit', NULL, ?5, ?6)",
        params![id, now.stamp, format!("applicant:{tracking}"), citizen, bp.workflow.initial.value, submitted_detail(language, reference).to_string()],
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

fn book_slot(
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

fn attach(
    tx: &Connection,
    bp: &Blueprint,
    id: i64,
    field: &str,
    upload: &str,
) -> Result<(), CaseError> {
    let changed = tx.execute(
        "UPDATE qw_attachments SET case_id = ?1, field = ?2 WHERE id = ?3 AND (case_id IS NULL OR case_id = ?1)",
        params![id, field, upload],
    )?;
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

/// Everything a step does once the case is in its new state: the calls' results kept,
/// the notifications and retries queued, documents issued, fees due, the booking
/// released at the end, and the automatic steps whose condition now holds. `inputs` are
/// what the person taking the step gave (its notifications may quote them).
#[allow(clippy::too_many_arguments)]
fn after_step(
    tx: &Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    action: &str,
    to: &str,
    inputs: &Map<String, Json>,
    outcome: &Outcome,
    now: &Now,
) -> Result<(), CaseError> {
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    for call in &outcome.calls {
        tx.execute(
            "INSERT INTO qw_calls (case_id, integration, action, at, outcome, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, call.integration, action, now.stamp, call.outcome, call.detail.to_string()],
        )?;
        if call.outcome == "retrying" {
            queue(
                tx,
                id,
                "integration",
                &call.integration,
                &json!({"action": action}),
                now,
            )?;
        }
    }
    set_fields(tx, fields, id, &outcome.values)?;
    effects_of(tx, bp, hooks, id, action, to, inputs, false, now)?;
    automatic_steps(tx, bp, hooks, id, to, now)
}

/// The effects of entering `to` by `action`. Calls of automatic steps (`queue_calls`)
/// have nobody to tell of a failure: they go through the outbox, retried until they
/// succeed. Documents are issued and fees made due before the notifications are queued,
/// so that a message can give their numbers and amounts.
#[allow(clippy::too_many_arguments)]
fn effects_of(
    tx: &Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    action: &str,
    to: &str,
    inputs: &Map<String, Json>,
    queue_calls: bool,
    now: &Now,
) -> Result<(), CaseError> {
    if queue_calls {
        for i in bp.integrations.iter().filter(|i| i.on.as_str() == action) {
            queue(
                tx,
                id,
                "integration",
                i.id.as_str(),
                &json!({"action": action}),
                now,
            )?;
        }
    }
    let issues = bp.documents.iter().any(|d| d.issue_in.as_str() == to);
    let charges = bp.fees.iter().any(|f| f.due.as_str() == to);
    if issues || charges {
        issue_and_charge(tx, bp, hooks, id, to, now)?;
    }
    let mut sent = bp
        .notifications
        .iter()
        .enumerate()
        .filter(|(_, n)| n.on.as_str() == action)
        .peekable();
    if sent.peek().is_some() {
        let context = message_context(tx, id, to, inputs)?;
        let payload = json!({"action": action, "context": context});
        for (index, _) in sent {
            queue(tx, id, "notification", &index.to_string(), &payload, now)?;
        }
    }
    release_booking(tx, bp, id, action, to)
}

/// What a notification of a step entering `to` may say beside the case's answers (see
/// [`effects::MessageContext`]): the state, the inputs, the amount still to pay (the
/// unpaid fees together, else the last fee), and the last document issued.
pub fn message_context(
    conn: &Connection,
    id: i64,
    to: &str,
    inputs: &Map<String, Json>,
) -> rusqlite::Result<effects::MessageContext> {
    let mut context = inputs.clone();
    context.insert("state".into(), json!(to));
    let amount: Option<i64> = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(amount) FILTER (WHERE status <> 'paid'),
                             (SELECT amount FROM qw_fees WHERE case_id = ?1 ORDER BY id DESC LIMIT 1))
             FROM qw_fees WHERE case_id = ?1",
        )?
        .query_row([id], |r| r.get(0))?;
    if let Some(amount) = amount {
        context.insert("amount".into(), json!(amount));
    }
    let document: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT number, code FROM qw_documents WHERE case_id = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((number, code)) = document {
        context.insert("document_number".into(), json!(number));
        context.insert("verification_code".into(), json!(code));
    }
    Ok(context)
}

/// Issue the documents of `to` and make its fees due; a fee still unpaid when its state
/// is entered again (a corrected bill) is computed anew.
fn issue_and_charge(
    tx: &Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    to: &str,
    now: &Now,
) -> Result<(), CaseError> {
    let case = load(tx, bp, id)?;
    let row = row_of(bp, &case, now.today);
    for d in bp.documents.iter().filter(|d| d.issue_in.as_str() == to) {
        let exists: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM qw_documents WHERE case_id = ?1 AND document = ?2)",
            params![id, d.id.as_str()],
            |r| r.get(0),
        )?;
        if exists {
            continue;
        }
        let number = number(
            tx,
            &d.number.value,
            &format!("document:{}", d.id.as_str()),
            now.today,
        )?;
        let valid_until = d.valid_for.as_ref().map(|v| {
            Date(now.today.0 + i64::try_from(v.value.minutes / 1440).unwrap_or(0)).to_string()
        });
        let content = effects::document_content(d, &row, &case.values, &case.tracking, to);
        tx.execute(
            "INSERT INTO qw_documents (case_id, document, number, code, issued_at, valid_until, content) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, d.id.as_str(), number, random_code(12), now.stamp, valid_until, content.to_string()],
        )?;
    }
    for fee in bp.fees.iter().filter(|f| f.due.as_str() == to) {
        let amount = match super::hooks::fee(hooks, bp.id.as_str(), fee.id.as_str(), &case.values)?
        {
            Some(amount) => amount,
            None => effects::fee_amount(fee, &row, now.today).unwrap_or(0),
        };
        tx.execute(
            "INSERT INTO qw_fees (case_id, fee, amount, currency, status, due_at) VALUES (?1, ?2, ?3, ?4, 'due', ?5)
             ON CONFLICT(case_id, fee) DO UPDATE SET amount = excluded.amount WHERE status = 'due'",
            params![id, fee.id.as_str(), amount, effects::currency(fee), now.stamp],
        )?;
    }
    Ok(())
}

/// Free the case's booking when the step ends it: a cancellation, a no-show, a final state.
fn release_booking(
    tx: &Connection,
    bp: &Blueprint,
    id: i64,
    action: &str,
    to: &str,
) -> Result<(), CaseError> {
    if let Some(a) = &bp.appointments {
        let status = if a
            .no_show_action
            .as_ref()
            .is_some_and(|n| n.as_str() == action)
        {
            Some("no_show")
        } else if a
            .cancel_action
            .as_ref()
            .is_some_and(|c| c.as_str() == action)
        {
            Some("cancelled")
        } else if bp
            .workflow
            .states
            .iter()
            .any(|s| s.id.as_str() == to && s.is_final)
        {
            Some("closed")
        } else {
            None
        };
        if let Some(status) = status {
            appointments::release(tx, id, status)?;
        }
    }
    Ok(())
}

/// Whether only automatic roles take `action`.
pub fn is_automatic(bp: &Blueprint, action: &str) -> bool {
    bp.workflow
        .transitions
        .iter()
        .filter(|t| t.action.as_str() == action)
        .all(|t| {
            t.role.iter().all(|r| {
                bp.role(r.as_str())
                    .is_some_and(|role| role.kind.value == RoleKind::Automatic)
            })
        })
}

/// Take the automatic transitions from `state` whose condition holds (a chain of at
/// most ten, so a blueprint cannot loop forever).
fn automatic_steps(
    tx: &Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    state: &str,
    now: &Now,
) -> Result<(), CaseError> {
    let mut state = state.to_string();
    for _ in 0..10 {
        let candidates = bp.workflow.transitions.iter().any(|t| {
            t.when.is_some()
                && t.from.iter().any(|f| f.as_str() == state)
                && is_automatic(bp, t.action.as_str())
        });
        if !candidates {
            return Ok(());
        }
        let case = load(tx, bp, id)?;
        let row = row_of(bp, &case, now.today);
        let next = bp.workflow.transitions.iter().find(|t| {
            t.from.iter().any(|f| f.as_str() == state)
                && is_automatic(bp, t.action.as_str())
                && t.when.as_ref().is_some_and(|w| {
                    effects::evaluate(w, &row, now.today).ok() == Some(Value::Bool(true))
                })
        });
        let Some(t) = next else { return Ok(()) };
        system_step(tx, bp, hooks, id, t, &state, &json!({}), now)?;
        state = t.to.value.clone();
    }
    Ok(())
}

/// Take `t` from `from` as the service itself (a fee paid, a no-show, a condition met).
fn system_step(
    tx: &Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    t: &Transition,
    from: &str,
    detail: &Json,
    now: &Now,
) -> Result<(), CaseError> {
    let role = t.role.iter().next().map_or("system", |r| r.as_str());
    move_case(tx, id, &t.to.value, now)?;
    tx.execute(
        "INSERT INTO qw_history (case_id, at, actor, role, action, from_state, to_state, detail) VALUES (?1, ?2, 'system', ?3, ?4, ?5, ?6, ?7)",
        params![id, now.stamp, role, t.action.as_str(), from, t.to.value, detail.to_string()],
    )?;
    let inputs = detail.as_object().cloned().unwrap_or_default();
    effects_of(
        tx,
        bp,
        hooks,
        id,
        t.action.as_str(),
        &t.to.value,
        &inputs,
        true,
        now,
    )
}

/// Record a fee as paid with its receipt, and take the fee's `paid` action, in one
/// transaction; returns the receipt number.
pub fn record_payment(
    conn: &mut Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    fee: &str,
    payment_id: &str,
    now: &Now,
) -> Result<String, CaseError> {
    let tx = conn.savepoint()?;
    let existing: Option<(String, Option<String>)> = tx
        .query_row(
            "SELECT status, receipt FROM qw_fees WHERE case_id = ?1 AND fee = ?2",
            params![id, fee],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some(("paid", Some(receipt))) = existing.as_ref().map(|(s, r)| (s.as_str(), r.clone())) {
        return Ok(receipt);
    }
    let receipt = number(&tx, "RCPT-{year}-{seq:7}", "receipt", now.today)?;
    tx.execute(
        "UPDATE qw_fees SET status = 'paid', payment_id = ?3, receipt = ?4, paid_at = ?5 WHERE case_id = ?1 AND fee = ?2",
        params![id, fee, payment_id, receipt, now.stamp],
    )?;
    if let Some(f) = bp.fees.iter().find(|f| f.id.as_str() == fee) {
        let case = load(&tx, bp, id)?;
        if let Some(t) = bp.workflow.transitions.iter().find(|t| {
            t.action.as_str() == f.paid.as_str() && t.from.iter().any(|s| s.as_str() == case.state)
        }) {
            let detail = json!({"fee": fee, "receipt": receipt, "payment": payment_id});
            system_step(&tx, bp, hooks, id, t, &case.state, &detail, now)?;
            automatic_steps(&tx, bp, hooks, id, &t.to.value, now)?;
        }
    }
    tx.commit()?;
    Ok(receipt)
}

/// Keep the answer of a call that was retried later: the fields it fills, the call on
/// the case's record, and the automatic steps its values now allow — in one transaction.
pub fn apply_late_call(
    conn: &mut Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    call: &Call,
    values: &Map<String, Json>,
    now: &Now,
) -> Result<Case, CaseError> {
    let tx = conn.savepoint()?;
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    set_fields(&tx, fields, id, values)?;
    tx.execute(
        "INSERT INTO qw_calls (case_id, integration, action, at, outcome, detail) VALUES (?1, ?2, 'retry', ?3, ?4, ?5)",
        params![id, call.integration, now.stamp, call.outcome, call.detail.to_string()],
    )?;
    let case = load(&tx, bp, id)?;
    // The fields changed, so the history says so: the service, in the case's state.
    tx.execute(
        "INSERT INTO qw_history (case_id, at, actor, role, action, from_state, to_state, detail) VALUES (?1, ?2, 'system', 'system', ?3, ?4, ?4, ?5)",
        params![id, now.stamp, format!("call:{}", call.integration), case.state, json!({"kept": values}).to_string()],
    )?;
    automatic_steps(&tx, bp, hooks, id, &case.state, now)?;
    let case = load(&tx, bp, id)?;
    tx.commit()?;
    Ok(case)
}

/// Take the automatic action `action` on a case if its state allows it, in one
/// transaction with its effects and the automatic steps that follow; `Ok(None)` when
/// the case is not in a state the action starts from.
pub fn take_automatic(
    conn: &mut Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    action: &str,
    detail: &Json,
    now: &Now,
) -> Result<Option<Case>, CaseError> {
    let tx = conn.savepoint()?;
    let case = load(&tx, bp, id)?;
    let Some(t) =
        bp.workflow.transitions.iter().find(|t| {
            t.action.as_str() == action && t.from.iter().any(|f| f.as_str() == case.state)
        })
    else {
        return Ok(None);
    };
    system_step(&tx, bp, hooks, id, t, &case.state, detail, now)?;
    automatic_steps(&tx, bp, hooks, id, &t.to.value, now)?;
    let case = load(&tx, bp, id)?;
    tx.commit()?;
    Ok(Some(case))
}

fn move_case(tx: &Connection, id: i64, to: &str, now: &Now) -> rusqlite::Result<usize> {
    tx.execute(
        "UPDATE cases SET state = ?1, updated_at = ?2 WHERE id = ?3",
        params![to, now.stamp, id],
    )
}

fn set_fields(
    tx: &Connection,
    fields: &[quickwin_blueprint::model::Field],
    id: i64,
    values: &Map<String, Json>,
) -> rusqlite::Result<()> {
    for (k, v) in values {
        if fields
            .iter()
            .any(|f| f.id.as_str() == k.as_str() && f.kind.value != FieldType::Group)
        {
            tx.execute(
                &format!("UPDATE cases SET {} = ?1 WHERE id = ?2", quote(k)),
                params![to_sql(v), id],
            )?;
        }
    }
    Ok(())
}

/// Queue work for the outbox: a notification to send or a call to retry.
fn queue(
    tx: &Connection,
    id: i64,
    kind: &str,
    name: &str,
    payload: &Json,
    now: &Now,
) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO qw_outbox (case_id, kind, name, payload, created_at, next_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, kind, name, payload.to_string(), now.stamp, now.secs],
    )
}

/// Read a case with its tracking number and access code; a wrong code is reported like
/// an unknown tracking number.
pub fn read(
    conn: &Connection,
    bp: &Blueprint,
    tracking: &str,
    code: &str,
) -> Result<Case, CaseError> {
    let found: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, access_code_hash FROM cases WHERE tracking = ?1")?
        .query_row([tracking.trim()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match found {
        Some((id, stored)) if code_matches(code, &stored) => load(conn, bp, id),
        _ => Err(CaseError::NotFound),
    }
}

/// Read a case by its internal id (for the back office, after authorisation).
///
/// Statements are cached per connection; columns are read by name, so a store that
/// keeps columns of removed fields (a change not forced) reads like the blueprint says.
pub fn load(conn: &Connection, bp: &Blueprint, id: i64) -> Result<Case, CaseError> {
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    let kind_of = |name: &str| {
        fields
            .iter()
            .find(|f| f.id.as_str() == name && f.kind.value != FieldType::Group)
            .map(|f| f.kind.value)
    };
    let mut stmt = conn.prepare_cached("SELECT * FROM cases WHERE id = ?1")?;
    let case = stmt
        .query_row([id], |r| {
            let values = field_values(r, kind_of)?;
            Ok(Case {
                id: r.get("id")?,
                tracking: r.get("tracking")?,
                state: r.get("state")?,
                submitted_at: r.get("submitted_at")?,
                updated_at: r.get("updated_at")?,
                values,
                history: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut case) = case else {
        return Err(CaseError::NotFound);
    };
    for f in fields.iter().filter(|f| f.kind.value == FieldType::Group) {
        let record = f.record.as_ref().and_then(|r| bp.record(r));
        let sql = format!(
            "SELECT * FROM {} WHERE case_id = ?1 ORDER BY position",
            quote(&format!("group_{}", f.id.as_str()))
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let entries = stmt
            .query_map([id], |r| {
                let kind_of = |name: &str| {
                    record
                        .and_then(|rec| rec.fields.iter().find(|g| g.id.as_str() == name))
                        .map(|g| g.kind.value)
                };
                Ok(Json::Object(field_values(r, kind_of)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        case.values.insert(f.id.value.clone(), Json::Array(entries));
    }
    let mut stmt = conn.prepare_cached("SELECT at, actor, role, action, from_state, to_state, detail FROM qw_history WHERE case_id = ?1 ORDER BY id")?;
    case.history = stmt
        .query_map([id], |r| {
            Ok(Event {
                at: r.get(0)?,
                actor: r.get(1)?,
                role: r.get(2)?,
                action: r.get(3)?,
                from_state: r.get(4)?,
                to_state: r.get(5)?,
                detail: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or(Json::Null),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(case)
}

/// The values of a row's columns that are fields (`kind_of` gives a column's field
/// type, or `None` for a column that is not a field), by column name; NULLs left out.
fn field_values(
    r: &rusqlite::Row<'_>,
    kind_of: impl Fn(&str) -> Option<FieldType>,
) -> rusqlite::Result<Map<String, Json>> {
    let mut values = Map::new();
    let names: Vec<String> = r
        .as_ref()
        .column_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    for (i, name) in names.iter().enumerate() {
        let Some(kind) = kind_of(name) else { continue };
        let v = from_sql(r.get_ref(i)?, Some(kind));
        if !v.is_null() {
            values.insert(name.clone(), v);
        }
    }
    Ok(values)
}

/// The answers among `values` that the applicant gives: the case record's fields the
/// form asks (not those the office fills).
pub fn applicant_answers(bp: &Blueprint, values: &Map<String, Json>) -> Map<String, Json> {
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    values
        .iter()
        .filter(|(k, _)| {
            fields
                .iter()
                .any(|f| f.id.as_str() == k.as_str() && !f.internal)
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

pub(crate) fn from_sql(v: rusqlite::types::ValueRef<'_>, kind: Option<FieldType>) -> Json {
    use rusqlite::types::ValueRef as R;
    match (v, kind) {
        (R::Null, _) => Json::Null,
        (R::Integer(i), Some(FieldType::Boolean)) => Json::Bool(i != 0),
        (R::Integer(i), _) => json!(i),
        (R::Real(f), _) => json!(f),
        (R::Text(t), Some(FieldType::Choice | FieldType::Address)) => {
            let s = String::from_utf8_lossy(t).into_owned();
            if s.starts_with('[') || s.starts_with('{') {
                serde_json::from_str(&s).unwrap_or(Json::String(s))
            } else {
                Json::String(s)
            }
        }
        (R::Text(t), _) => Json::String(String::from_utf8_lossy(t).into_owned()),
        (R::Blob(_), _) => Json::Null,
    }
}

/// The case's answers as an expression row (with computed values), for conditions.
pub fn row_of(bp: &Blueprint, case: &Case, today: Date) -> Row {
    answers::row(bp, &case.values, today)
}

/// The transition `action` from the case's state, checked against the actor.
fn transition<'a>(
    bp: &'a Blueprint,
    action: &str,
    state: &str,
    actor: &Actor,
) -> Result<(&'a Transition, String), CaseError> {
    let all: Vec<&Transition> = bp
        .workflow
        .transitions
        .iter()
        .filter(|t| t.action.as_str() == action)
        .collect();
    if all.is_empty() {
        return Err(CaseError::UnknownAction(action.to_string()));
    }
    let Some(t) = all
        .into_iter()
        .find(|t| t.from.iter().any(|f| f.as_str() == state))
    else {
        return Err(CaseError::WrongState {
            action: action.to_string(),
            state: state.to_string(),
        });
    };
    match t.role.iter().find(|r| actor.roles.contains(r.as_str())) {
        Some(role) => Ok((t, role.value.clone())),
        None => Err(CaseError::Forbidden {
            action: action.to_string(),
            roles: quickwin_blueprint::de::one_of(t.role.iter().map(|r| r.as_str())),
        }),
    }
}

/// A workflow action someone asks to take, with what they give with it.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    /// The action's id, e.g. `approve`.
    pub action: &'a str,
    /// Who asks.
    pub actor: &'a Actor,
    /// The inputs, by id (e.g. a rejection reason).
    pub input: &'a Map<String, Json>,
}

/// A step that passed every check, with what it will write.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The case before the step.
    pub case: Case,
    /// The role the actor takes it in.
    pub role: String,
    /// The state it leads to.
    pub to: String,
    /// The checked inputs.
    pub inputs: Map<String, Json>,
    /// Corrected answers, when the applicant corrects the application.
    pub corrections: Map<String, Json>,
    /// The case's row with the inputs and corrections, for the integrations' requests.
    pub row: Row,
}

/// Check a step without writing: the state, the actor's role, the condition, the second
/// pair of eyes, the inputs, and — when the applicant acts from a correction state —
/// the corrected answers, checked like a new submission.
pub fn prepare(
    conn: &Connection,
    bp: &Blueprint,
    id: i64,
    step: &Step<'_>,
    today: Date,
) -> Result<Prepared, CaseError> {
    let case = load(conn, bp, id)?;
    let (t, role) = transition(bp, step.action, &case.state, step.actor)?;
    let mut row = row_of(bp, &case, today);
    if let Some(when) = &t.when {
        if effects::evaluate(when, &row, today).ok() != Some(Value::Bool(true)) {
            return Err(CaseError::ConditionFailed {
                action: step.action.to_string(),
                condition: when.value.clone(),
            });
        }
    }
    if !t.self_approval && case.history.iter().any(|e| e.actor == step.actor.id) {
        return Err(CaseError::SelfApproval(step.action.to_string()));
    }
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    let correcting = role == citizen_role(bp)
        && bp
            .workflow
            .states
            .iter()
            .any(|s| s.id.as_str() == case.state && s.correction);
    let mut corrections = Map::new();
    let mut given = step.input.clone();
    if correcting {
        let form = applicant_answers(bp, &given);
        if !form.is_empty() {
            let mut merged = applicant_answers(bp, &case.values);
            for (k, v) in &form {
                merged.insert(k.clone(), v.clone());
                given.remove(k);
            }
            let checked = answers::check_answers(bp, &merged, today).map_err(CaseError::Invalid)?;
            for (k, v) in checked.values {
                if form.contains_key(&k) {
                    if let Some(f) = fields.iter().find(|f| f.id.as_str() == k) {
                        row.insert(k.clone(), value_of(f, &v));
                    }
                    corrections.insert(k, v);
                }
            }
        }
    }
    let inputs =
        answers::check_inputs(bp, &t.inputs, &given, &row, today).map_err(CaseError::Invalid)?;
    for (k, v) in &inputs {
        if let Some(f) = t.inputs.iter().find(|f| f.id.as_str() == k.as_str()) {
            row.insert(k.clone(), value_of(f, v));
        }
    }
    Ok(Prepared {
        to: t.to.value.clone(),
        case,
        role,
        inputs,
        corrections,
        row,
    })
}

/// Take a workflow action on a case: checks it again (see [`prepare`]), then changes
/// the state, fills the fields the inputs and the calls' answers name, appends the
/// history entry and applies the step's effects — all in one transaction.
pub fn act(
    conn: &mut Connection,
    bp: &Blueprint,
    hooks: Option<&dyn Installed>,
    id: i64,
    step: &Step<'_>,
    outcome: &Outcome,
    now: &Now,
) -> Result<Case, CaseError> {
    let tx = conn.savepoint()?;
    let p = prepare(&tx, bp, id, step, now.today)?;
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    move_case(&tx, id, &p.to, now)?;
    set_fields(&tx, fields, id, &p.corrections)?;
    set_fields(&tx, fields, id, &p.inputs)?;
    // Files given with the step (a survey's photos) join the case's attachments.
    let transition = bp.workflow.transitions.iter().find(|t| {
        t.action.as_str() == step.action && t.from.iter().any(|f| f.as_str() == p.case.state)
    });
    for f in transition.map_or(&[][..], |t| t.inputs.as_slice()) {
        if f.kind.value == FieldType::File {
            if let Some(Json::String(upload)) = p.inputs.get(f.id.as_str()) {
                attach(&tx, bp, id, f.id.as_str(), upload)?;
            }
        }
    }
    for f in fields.iter().filter(|f| f.kind.value == FieldType::File) {
        if let Some(Json::String(upload)) = p.corrections.get(f.id.as_str()) {
            attach(&tx, bp, id, f.id.as_str(), upload)?;
        }
    }
    for f in fields
        .iter()
        .filter(|f| f.kind.value == FieldType::Appointment)
    {
        if let Some(Json::String(slot)) = p.corrections.get(f.id.as_str()) {
            appointments::release(&tx, id, "moved")?;
            book_slot(&tx, bp, id, f.id.as_str(), slot, now)?;
        }
    }
    let mut detail = p.inputs.clone();
    if !p.corrections.is_empty() {
        detail.insert(
            "corrected".into(),
            json!(p.corrections.keys().collect::<Vec<_>>()),
        );
    }
    tx.execute(
        "INSERT INTO qw_history (case_id, at, actor, role, action, from_state, to_state, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, now.stamp, step.actor.id, p.role, step.action, p.case.state, p.to, Json::Object(detail).to_string()],
    )?;
    after_step(
        &tx,
        bp,
        hooks,
        id,
        step.action,
        &p.to,
        &p.inputs,
        outcome,
        now,
    )?;
    let rule = bp
        .workflow
        .unique
        .as_ref()
        .map_or(&[][..], |r| r.as_slice());
    if rule
        .iter()
        .any(|f| p.corrections.contains_key(f.as_str()) || p.inputs.contains_key(f.as_str()))
    {
        no_duplicate(&tx, bp, id)?;
    }
    let updated = load(&tx, bp, id)?;
    tx.commit()?;
    Ok(updated)
}

/// The message of [`CaseError::UnknownAction`]: a missing action is named as such.
fn unknown_action(action: &str) -> String {
    if action.trim().is_empty() {
        "no action was named; say which action to take".to_string()
    } else {
        format!("the service has no action `{action}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrate;

    #[test]
    fn the_problems_are_counted_in_each_language_forms() {
        quickwin_blueprint::plural::assert_forms(
            &PROBLEMS,
            [
                "لا مشكلات في الطلب",
                "في الطلب مشكلة واحدة مبيّنة أدناه",
                "في الطلب مشكلتان، كل منهما مبيّن أدناه",
                "في الطلب 3 مشكلات، كل منها مبيّن أدناه",
                "في الطلب 10 مشكلات، كل منها مبيّن أدناه",
                "في الطلب 11 مشكلةً، كل منها مبيّن أدناه",
                "في الطلب 99 مشكلةً، كل منها مبيّن أدناه",
                "في الطلب 100 مشكلة، كل منها مبيّن أدناه",
                "في الطلب 101 مشكلة، كل منها مبيّن أدناه",
                "في الطلب 102 مشكلة، كل منها مبيّن أدناه",
            ],
            [
                "the request has 0 problems; each is named below",
                "the request has 1 problem; it is named below",
                "the request has 2 problems; each is named below",
            ],
        );
        assert_eq!(
            CaseError::Invalid(Vec::new()).to_string(),
            "the request has 0 problems; each is named below"
        );
    }

    fn setup(name: &str) -> (Blueprint, Connection) {
        let bp = crate::catalogue(name);
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &bp, false, "t0").unwrap();
        (bp, conn)
    }

    fn today() -> Date {
        Date::parse("2026-11-26").unwrap()
    }

    fn at(stamp: &str) -> Now {
        let _ = stamp;
        Now::at(quickwin_blueprint::clock::secs_of("2026-11-26T10:00:00Z").unwrap())
    }

    fn staff(id: &str, role: &str) -> Actor {
        Actor {
            id: id.into(),
            roles: BTreeSet::from([role.to_string()]),
        }
    }

    fn birth_answers(bp: &Blueprint) -> Answers {
        let input = json!({
            "notification_number": "BN-2026-004211", "applicant_relation": "mother", "child_first_name": "زينب",
            "child_sex": "female", "child_date_of_birth": "2026-11-02", "place_of_birth": "baghdad",
            "mother_national_id": "199012345678", "father_national_id": "198812345670", "phone": "07701234567", "copies": 2
        });
        answers::check_answers(bp, input.as_object().unwrap(), today()).unwrap()
    }

    #[test]
    fn submit_then_read_back_only_with_the_right_code() {
        let (bp, mut conn) = setup("birth-certificate");
        let (case, code) = submit(
            &mut conn,
            &bp,
            None,
            &birth_answers(&bp),
            None,
            &Outcome::default(),
            "ar",
            &at("2026-11-26T10:00:00Z"),
        )
        .unwrap();
        assert_eq!(case.tracking, "BC-2026-000001");
        assert_eq!(case.state, "submitted");
        assert_eq!(code.len(), 10);
        let back = read(&conn, &bp, "BC-2026-000001", &code.to_lowercase()).unwrap();
        assert_eq!(back.values["child_first_name"], "زينب");
        assert_eq!(back.values["copies"], 2);
        assert_eq!(back.history[0].action, "submit");
        assert!(matches!(
            read(&conn, &bp, "BC-2026-000001", "WRONGCODE1"),
            Err(CaseError::NotFound)
        ));
        assert!(matches!(
            read(&conn, &bp, "BC-2026-999999", &code),
            Err(CaseError::NotFound)
        ));
        // The code is not stored in clear.
        let stored: String = conn
            .query_row("SELECT access_code_hash FROM cases", [], |r| r.get(0))
            .unwrap();
        assert!(!stored.contains(&code));
        let (second, _) = submit(
            &mut conn,
            &bp,
            None,
            &birth_answers(&bp),
            None,
            &Outcome::default(),
            "ar",
            &at("t"),
        )
        .unwrap();
        assert_eq!(second.tracking, "BC-2026-000002");
    }

    #[test]
    fn the_workflow_checks_state_role_inputs_and_four_eyes() {
        let (bp, mut conn) = setup("birth-certificate");
        let (case, _) = submit(
            &mut conn,
            &bp,
            None,
            &birth_answers(&bp),
            None,
            &Outcome::default(),
            "ar",
            &at("t1"),
        )
        .unwrap();
        let none = Map::new();
        let clerk = staff("clerk-1", "clerk");
        let registrar = staff("registrar-1", "registrar");
        let mut take = |action: &str, actor: &Actor, now: &str| {
            act(
                &mut conn,
                &bp,
                None,
                case.id,
                &Step {
                    action,
                    actor,
                    input: &none,
                },
                &Outcome::default(),
                &at(now),
            )
        };
        assert!(matches!(
            take("approve", &registrar, "t2"),
            Err(CaseError::WrongState { .. })
        ));
        assert!(matches!(
            take("verify", &registrar, "t2"),
            Err(CaseError::Forbidden { .. })
        ));
        assert!(matches!(
            take("fly", &clerk, "t2"),
            Err(CaseError::UnknownAction(_))
        ));
        let Err(none) = take("", &clerk, "t2") else {
            panic!("an empty action is refused")
        };
        assert_eq!(
            none.to_string(),
            "no action was named; say which action to take"
        );
        let Err(CaseError::Invalid(problems)) = take("reject", &clerk, "t2") else {
            panic!("a rejection needs a reason")
        };
        assert_eq!(problems[0].field, "reason");
        assert_eq!(take("verify", &clerk, "t2").unwrap().state, "verified");
        // A registrar who already acted on the case may not approve it (self_approval: false).
        let both = Actor {
            id: "clerk-1".into(),
            roles: BTreeSet::from(["clerk".to_string(), "registrar".to_string()]),
        };
        assert!(matches!(
            take("approve", &both, "t3"),
            Err(CaseError::SelfApproval(_))
        ));
        let approved = take("approve", &registrar, "t3").unwrap();
        assert_eq!(approved.state, "awaiting_payment");
        let steps: Vec<(&str, &str)> = approved
            .history
            .iter()
            .map(|e| (e.action.as_str(), e.to_state.as_str()))
            .collect();
        // Nothing was written by the refused actions.
        assert_eq!(
            steps,
            [
                ("submit", "submitted"),
                ("verify", "verified"),
                ("approve", "awaiting_payment")
            ]
        );
    }

    #[test]
    fn a_rejection_keeps_its_reason() {
        let (bp, mut conn) = setup("birth-certificate");
        let (case, _) = submit(
            &mut conn,
            &bp,
            None,
            &birth_answers(&bp),
            None,
            &Outcome::default(),
            "ar",
            &at("t1"),
        )
        .unwrap();
        let input = json!({"reason": "The notification number belongs to another child."});
        let clerk = staff("clerk-1", "clerk");
        let step = Step {
            action: "reject",
            actor: &clerk,
            input: input.as_object().unwrap(),
        };
        let rejected = act(
            &mut conn,
            &bp,
            None,
            case.id,
            &step,
            &Outcome::default(),
            &at("t2"),
        )
        .unwrap();
        assert_eq!(rejected.state, "rejected");
        assert_eq!(
            rejected.history[1].detail["reason"],
            "The notification number belongs to another child."
        );
        assert_eq!(rejected.history[1].role, "clerk");
    }

    #[test]
    fn groups_are_stored_and_read_back_in_order() {
        let (bp, mut conn) = setup("social-welfare");
        let group = bp
            .case_record()
            .unwrap()
            .fields
            .iter()
            .find(|f| f.kind.value == FieldType::Group)
            .unwrap()
            .id
            .value
            .clone();
        let answers = Answers {
            values: json!({ group.clone(): [{"full_name": "علي"}, {"full_name": "زينب"}] })
                .as_object()
                .unwrap()
                .clone(),
        };
        let (case, _) = submit(
            &mut conn,
            &bp,
            None,
            &answers,
            None,
            &Outcome::default(),
            "ar",
            &at("t"),
        )
        .unwrap();
        let names: Vec<&str> = case.values[&group]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["full_name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["علي", "زينب"]);
        let row = row_of(&bp, &case, today());
        assert!(matches!(&row[&group], Value::Group(rows) if rows.len() == 2));
    }

    /// The messages the clock sends (a reminder, a no-show), which an end-to-end walk
    /// cannot wait for: queued by the same steps the outbox takes, in words filled in.
    #[test]
    fn the_clocks_messages_are_filled_in() {
        let (bp, mut conn) = setup("medical-appointment");
        let now = at("2026-11-26T10:00:00Z");
        let example = crate::openapi::submission_example(&bp, now.today);
        let answers = answers::check_answers(&bp, &example, now.today).unwrap();
        let (case, _) = submit(
            &mut conn,
            &bp,
            None,
            &answers,
            None,
            &Outcome::default(),
            "ar",
            &now,
        )
        .unwrap();
        let no_show = bp
            .appointments
            .as_ref()
            .unwrap()
            .no_show_action
            .clone()
            .unwrap();
        take_automatic(
            &mut conn,
            &bp,
            None,
            case.id,
            no_show.as_str(),
            &json!({}),
            &now,
        )
        .unwrap()
        .expect("the no-show is open to a booked case");
        let case = load(&conn, &bp, case.id).unwrap();
        let queued: Vec<(String, Json)> = conn
            .prepare("SELECT name, payload FROM qw_outbox WHERE kind = 'notification' ORDER BY id")
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    serde_json::from_str(&r.get::<_, String>(1)?).unwrap(),
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut on: Vec<&str> = Vec::new();
        let now_known = message_context(&conn, case.id, &case.state, &Map::new()).unwrap();
        let reminders = bp
            .notifications
            .iter()
            .filter(|n| n.on.as_str() == quickwin_blueprint::model::REMINDER);
        let queued_texts = queued.iter().map(|(index, payload)| {
            let n = &bp.notifications[index.parse::<usize>().unwrap()];
            on.push(n.on.as_str());
            (n, payload["context"].as_object().cloned().unwrap())
        });
        let texts: Vec<String> = queued_texts
            .chain(reminders.map(|n| (n, now_known.clone())))
            .flat_map(|(n, context)| {
                ["ar", "en"].map(|lang| {
                    effects::message(&bp, n, &case.tracking, &case.values, &context, lang)
                })
            })
            .collect();
        assert!(
            on.contains(&"submit") && on.contains(&no_show.as_str()),
            "{on:?}"
        );
        assert!(texts.len() >= 6, "{texts:?}");
        for text in &texts {
            assert!(!text.contains('{') && !text.contains('}'), "{text}");
        }
    }
}
