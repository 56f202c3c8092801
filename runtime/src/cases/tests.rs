//! Cases in a store in memory: submitted, read back only with the right code,
//! stepped through the workflow with its effects, numbered, refused as duplicates.

use super::effects::*;
use super::model::*;
use super::read::*;
use super::step::*;
use super::submit::*;
use crate::store::migrate;
use quickwin_blueprint::answers::{self, Answers};
use quickwin_blueprint::clock::Now;
use quickwin_blueprint::effects;
use quickwin_blueprint::expr::{Date, Value};
use quickwin_blueprint::model::Blueprint;
use quickwin_blueprint::model::FieldType;
use rusqlite::Connection;
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeSet;

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
            ["ar", "en"]
                .map(|lang| effects::message(&bp, n, &case.tracking, &case.values, &context, lang))
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
