//! Cases: submitting an application, reading it back with its tracking number and
//! access code, and moving it through the workflow — each change and its history entry
//! written in one transaction.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use serde_json::{Map, Value as Json, json};
use sha2::{Digest, Sha256};

use super::answers::{self, Answers, Problem, value_of};
use super::store::tables;
use crate::expr::{self, Date, Row, Value};
use crate::model::{Blueprint, FieldType, RoleKind, Transition};

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
    /// The answers and what the office and integrations added, by field id.
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

/// Why an operation on a case was refused.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// No case with this tracking number, or the access code is wrong (never says which).
    #[error("no case with this tracking number and access code")]
    NotFound,
    /// The answers or inputs have problems.
    #[error("the request has {} problem(s)", .0.len())]
    Invalid(Vec<Problem>),
    /// The blueprint has no such action.
    #[error("the service has no action `{0}`")]
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
    /// The action's condition does not hold for this case.
    #[error("the condition of `{action}` does not hold: {condition}")]
    ConditionFailed {
        /// The action.
        action: String,
        /// The condition as written.
        condition: String,
    },
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

/// A number from a format such as `BC-{year}-{seq:6}` (checked by `quickwin check`).
pub fn number(
    conn: &Connection,
    format: &str,
    counter: &str,
    today: Date,
) -> rusqlite::Result<String> {
    let (y, m, d) = today.ymd();
    let mut out = String::new();
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let token = &rest[open + 1..open + close];
        let (key, arg) = token.split_once(':').unwrap_or((token, ""));
        let width: usize = arg.parse().unwrap_or(6);
        match key {
            "year" => out.push_str(&format!("{y:04}")),
            "month" => out.push_str(&format!("{m:02}")),
            "day" => out.push_str(&format!("{d:02}")),
            "seq" => out.push_str(&format!("{:0width$}", next(conn, counter)?)),
            "random" => out.push_str(&random_code(width)),
            _ => out.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    Ok(out)
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

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Store a checked submission as a new case in the blueprint's initial state.
pub fn submit(
    conn: &mut Connection,
    bp: &Blueprint,
    answers: &Answers,
    now: &str,
    today: Date,
) -> Result<(Case, String), CaseError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let tracking = number(&tx, &bp.workflow.tracking, "tracking", today)?;
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
        now.to_string().into(),
        now.to_string().into(),
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
    let citizen = bp
        .roles
        .iter()
        .find(|r| r.kind.value == RoleKind::Citizen)
        .map_or("applicant", |r| r.id.as_str());
    tx.execute(
        "INSERT INTO qw_history (case_id, at, actor, role, action, from_state, to_state, detail) VALUES (?1, ?2, ?3, ?4, 'submit', NULL, ?5, '{}')",
        params![id, now, format!("applicant:{tracking}"), citizen, bp.workflow.initial.value],
    )?;
    let case = load(&tx, bp, id)?;
    tx.commit()?;
    Ok((case, code))
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
        .query_row(
            "SELECT id, access_code_hash FROM cases WHERE tracking = ?1",
            [tracking.trim()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match found {
        Some((id, stored)) if code_matches(code, &stored) => load(conn, bp, id),
        _ => Err(CaseError::NotFound),
    }
}

/// Read a case by its internal id (for the back office, after authorisation).
pub fn load(conn: &Connection, bp: &Blueprint, id: i64) -> Result<Case, CaseError> {
    let table = &tables(bp)[0];
    let cols: Vec<String> = table.columns.iter().map(|(n, _)| quote(n)).collect();
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    let case = conn
        .query_row(
            &format!("SELECT {} FROM cases WHERE id = ?1", cols.join(", ")),
            [id],
            |r| {
                let mut values = Map::new();
                for (i, (name, _)) in table.columns.iter().enumerate().skip(6) {
                    let field = fields.iter().find(|f| f.id.as_str() == name);
                    let v = from_sql(r.get_ref(i)?, field.map(|f| f.kind.value));
                    if !v.is_null() {
                        values.insert(name.clone(), v);
                    }
                }
                Ok(Case {
                    id: r.get(0)?,
                    tracking: r.get(1)?,
                    state: r.get(3)?,
                    submitted_at: r.get(4)?,
                    updated_at: r.get(5)?,
                    values,
                    history: Vec::new(),
                })
            },
        )
        .optional()?;
    let Some(mut case) = case else {
        return Err(CaseError::NotFound);
    };
    for f in fields.iter().filter(|f| f.kind.value == FieldType::Group) {
        let group_table = tables(bp)
            .into_iter()
            .find(|t| t.name == format!("group_{}", f.id.as_str()));
        let Some(group_table) = group_table else {
            continue;
        };
        let record = f.record.as_ref().and_then(|r| bp.record(r));
        let names: Vec<&(String, String)> = group_table.columns.iter().skip(3).collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE case_id = ?1 ORDER BY position",
            names
                .iter()
                .map(|(n, _)| quote(n))
                .collect::<Vec<_>>()
                .join(", "),
            quote(&group_table.name)
        );
        let mut stmt = conn.prepare(&sql)?;
        let entries = stmt
            .query_map([id], |r| {
                let mut entry = Map::new();
                for (i, (name, _)) in names.iter().enumerate() {
                    let kind = record
                        .and_then(|rec| rec.fields.iter().find(|g| g.id.as_str() == name.as_str()))
                        .map(|g| g.kind.value);
                    let v = from_sql(r.get_ref(i)?, kind);
                    if !v.is_null() {
                        entry.insert(name.clone(), v);
                    }
                }
                Ok(Json::Object(entry))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        case.values.insert(f.id.value.clone(), Json::Array(entries));
    }
    let mut stmt = conn.prepare("SELECT at, actor, role, action, from_state, to_state, detail FROM qw_history WHERE case_id = ?1 ORDER BY id")?;
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

fn from_sql(v: rusqlite::types::ValueRef<'_>, kind: Option<FieldType>) -> Json {
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
    let mut row = Row::new();
    for record in &bp.records {
        if record.id != bp.workflow.record {
            continue;
        }
        for f in &record.fields {
            let Some(json) = case.values.get(f.id.as_str()) else {
                continue;
            };
            if f.kind.value == FieldType::Group {
                let group = f.record.as_ref().and_then(|r| bp.record(r));
                let rows = json
                    .as_array()
                    .map(|entries| {
                        entries
                            .iter()
                            .map(|e| {
                                group
                                    .map(|g| {
                                        g.fields
                                            .iter()
                                            .filter_map(|gf| {
                                                e.get(gf.id.as_str())
                                                    .map(|v| (gf.id.value.clone(), value_of(gf, v)))
                                            })
                                            .collect()
                                    })
                                    .unwrap_or_default()
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                row.insert(f.id.value.clone(), Value::Group(rows));
            } else {
                row.insert(f.id.value.clone(), value_of(f, json));
            }
        }
    }
    answers::add_computed(bp, &mut row, today);
    row
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
            roles: crate::de::one_of(t.role.iter().map(|r| r.as_str())),
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

/// Take a workflow action on a case: checks the state, the actor's role, the condition,
/// the second pair of eyes and the inputs, then changes the state, fills the fields the
/// inputs name, and appends the history entry — all in one transaction.
pub fn act(
    conn: &mut Connection,
    bp: &Blueprint,
    id: i64,
    step: &Step<'_>,
    now: &str,
    today: Date,
) -> Result<Case, CaseError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let case = load(&tx, bp, id)?;
    let (t, role) = transition(bp, step.action, &case.state, step.actor)?;
    let row = row_of(bp, &case, today);
    if let Some(when) = &t.when {
        let holds = expr::parse(when)
            .ok()
            .and_then(|ast| expr::evaluate(&ast, &row, today).ok())
            == Some(Value::Bool(true));
        if !holds {
            return Err(CaseError::ConditionFailed {
                action: step.action.to_string(),
                condition: when.value.clone(),
            });
        }
    }
    if !t.self_approval && case.history.iter().any(|e| e.actor == step.actor.id) {
        return Err(CaseError::SelfApproval(step.action.to_string()));
    }
    let inputs = answers::check_inputs(bp, &t.inputs, step.input, &row, today)
        .map_err(CaseError::Invalid)?;
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    let mut sets = vec!["state = ?1".to_string(), "updated_at = ?2".to_string()];
    let mut values: Vec<rusqlite::types::Value> =
        vec![t.to.value.clone().into(), now.to_string().into()];
    for (k, v) in &inputs {
        if fields
            .iter()
            .any(|f| f.id.as_str() == k.as_str() && f.kind.value != FieldType::Group)
        {
            values.push(to_sql(v));
            sets.push(format!("{} = ?{}", quote(k), values.len()));
        }
    }
    values.push(id.into());
    tx.execute(
        &format!(
            "UPDATE cases SET {} WHERE id = ?{}",
            sets.join(", "),
            values.len()
        ),
        rusqlite::params_from_iter(values),
    )?;
    tx.execute(
        "INSERT INTO qw_history (case_id, at, actor, role, action, from_state, to_state, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, now, step.actor.id, role, step.action, case.state, t.to.value, Json::Object(inputs).to_string()],
    )?;
    let updated = load(&tx, bp, id)?;
    tx.commit()?;
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::store::migrate;

    fn setup(name: &str) -> (Blueprint, Connection) {
        let path = format!("{}/../blueprints/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        let bp = crate::check_bytes(&path, text.as_bytes())
            .blueprint
            .unwrap();
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &bp, false, "t0").unwrap();
        (bp, conn)
    }

    fn today() -> Date {
        Date::parse("2026-11-26").unwrap()
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
            &birth_answers(&bp),
            "2026-11-26T10:00:00Z",
            today(),
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
        let (second, _) = submit(&mut conn, &bp, &birth_answers(&bp), "t", today()).unwrap();
        assert_eq!(second.tracking, "BC-2026-000002");
    }

    #[test]
    fn the_workflow_checks_state_role_inputs_and_four_eyes() {
        let (bp, mut conn) = setup("birth-certificate");
        let (case, _) = submit(&mut conn, &bp, &birth_answers(&bp), "t1", today()).unwrap();
        let none = Map::new();
        let clerk = staff("clerk-1", "clerk");
        let registrar = staff("registrar-1", "registrar");
        let mut take = |action: &str, actor: &Actor, now: &str| {
            act(
                &mut conn,
                &bp,
                case.id,
                &Step {
                    action,
                    actor,
                    input: &none,
                },
                now,
                today(),
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
        let (case, _) = submit(&mut conn, &bp, &birth_answers(&bp), "t1", today()).unwrap();
        let input = json!({"reason": "The notification number belongs to another child."});
        let clerk = staff("clerk-1", "clerk");
        let step = Step {
            action: "reject",
            actor: &clerk,
            input: input.as_object().unwrap(),
        };
        let rejected = act(&mut conn, &bp, case.id, &step, "t2", today()).unwrap();
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
        let (case, _) = submit(&mut conn, &bp, &answers, "t", today()).unwrap();
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
}
