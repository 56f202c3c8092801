//! Every message a service sends says what it promises: each catalogue blueprint and a
//! service written by a new team (`tests/fixtures/services/licence-renewal.yaml`) is
//! served with the sandbox, and its workflow is walked through the HTTP API — every
//! staff and applicant action open in every state reached, and every fee paid — so that
//! the notifications of every step go through the real outbox, mediator and SMS
//! gateway. No text in the gateway's inbox may keep a `{placeholder}`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::serve::{first_slot_ahead, with_uploads};
use crate::served::{Served, serve};
use crate::support::scratch;

/// One move of a walk through a workflow.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Move {
    /// A staff action, taken with the demo account of the role.
    Staff { action: String, role: String },
    /// The applicant's own action, with the access code.
    Citizen(String),
    /// Paying a due fee with the test card that pays (its `paid` action follows).
    Pay(String),
}

/// A case made for one walk.
struct Walked {
    tracking: String,
    code: String,
}

/// The states an automatic step leaves.
fn waiting_states(file: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(crate::support::root().join(file)).unwrap();
    let bp = quickwin_blueprint::check_bytes(file, text.as_bytes())
        .blueprint
        .expect("a valid blueprint");
    let automatic: Vec<&str> = bp
        .roles
        .iter()
        .filter(|r| r.kind.value == quickwin_blueprint::model::RoleKind::Automatic)
        .map(|r| r.id.as_str())
        .collect();
    bp.workflow
        .transitions
        .iter()
        .filter(|t| t.role.iter().any(|r| automatic.contains(&r.as_str())))
        .flat_map(|t| t.from.iter().map(|f| f.as_str().to_string()))
        .collect()
}

/// The blueprint's notification actions, but for those the clock takes (a reminder, a
/// no-show): a walk cannot wait for them, and the engine's own test
/// (`the_clocks_messages_are_filled_in`) renders theirs.
fn notified_actions(file: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(crate::support::root().join(file)).unwrap();
    let bp = quickwin_blueprint::check_bytes(file, text.as_bytes())
        .blueprint
        .expect("a valid blueprint");
    let clock = bp
        .appointments
        .as_ref()
        .and_then(|a| a.no_show_action.as_ref())
        .map(|a| a.as_str().to_string());
    bp.notifications
        .iter()
        .map(|n| n.on.as_str().to_string())
        .filter(|on| on != "reminder" && Some(on) != clock.as_ref())
        .collect()
}

/// Answers that differ from a service's example so that every step can be taken, one
/// set a case (used in turn): the social-welfare committee approves only a household
/// that scores 30 or more, and the example household (the sandbox's demo family) earns a
/// little too much; a water bill is for an account's unpaid readings, so each case of
/// water-fees takes another subscriber's account; a stall has one open renewal at a time.
fn overrides(s: &Served, file: &str) -> Vec<Value> {
    if file.ends_with("social-welfare.yaml") {
        return vec![json!({"applicant_monthly_income": 150000})];
    }
    if file.ends_with("licence-renewal.yaml") {
        // One open renewal per stall (`workflow.unique`).
        return (1..=60)
            .map(|n| json!({"stall_number": format!("SH-{n:04}")}))
            .collect();
    }
    if !file.ends_with("water-fees.yaml") {
        return vec![json!({})];
    }
    let mut accounts = Vec::new();
    for page in 1..=10 {
        let people = s.agency(&format!(
            "/mock/MOI/civil-registry/persons/persons?page_size=100&page={page}"
        ));
        for p in people["items"].as_array().into_iter().flatten() {
            let id = p["national_id"].as_str().unwrap_or_default();
            let (status, body) = s.agency_raw(&format!(
                "/mock/MMPW/water/accounts/accounts?national_id={id}"
            ));
            let found: Value = serde_json::from_str(&body).unwrap_or_default();
            if let (200, Some(a)) = (status, found["items"].as_array().and_then(|a| a.first())) {
                accounts.push(json!({
                    "water_account_number": a["number"], "payer_relation": "subscriber",
                    "payer_national_id": p["national_id"], "payer_full_name": p["full_name"],
                }));
            }
            if accounts.len() == 60 {
                return accounts;
            }
        }
    }
    assert!(!accounts.is_empty(), "the sandbox has no water accounts");
    accounts
}

/// The submission example of the service's own OpenAPI document, with real uploads, a
/// free appointment slot and the `overrides`.
fn example(s: &Served, doc: &Value, overrides: &Value) -> Value {
    let mut example = doc["paths"]["/api/applications"]["post"]["requestBody"]["content"]
        ["application/json"]["example"]
        .clone();
    with_uploads(s, &mut example);
    if let Value::Object(answers) = &mut example {
        let slot_value = regex::Regex::new(r"^([a-z0-9_]+)@\d{4}-\d{2}-\d{2}T").unwrap();
        for value in answers.values_mut() {
            let slot = value
                .as_str()
                .and_then(|v| slot_value.captures(v))
                .map(|c| c[1].to_string());
            if let Some(resource) = slot {
                *value = json!(first_slot_ahead(s, &resource));
            }
        }
        for (k, v) in overrides.as_object().into_iter().flatten() {
            answers.insert(k.clone(), v.clone());
        }
    }
    example
}

/// The inputs of an action: the example its schema in the OpenAPI document gives.
fn inputs(s: &Served, doc: &Value, schema: &str) -> Value {
    let mut example = doc["components"]["schemas"][schema]["examples"][0].clone();
    if example.is_null() {
        example = json!({});
    }
    with_uploads(s, &mut example);
    example
}

/// Take one move; whether the service accepted it.
fn take(
    s: &Served,
    doc: &Value,
    tokens: &BTreeMap<String, String>,
    case: &Walked,
    m: &Move,
) -> bool {
    let (status, body) = match m {
        Move::Staff { action, role } => s.act(
            &tokens[role],
            &case.tracking,
            action,
            &inputs(s, doc, &format!("StaffAction_{action}")),
        ),
        Move::Citizen(action) => s.call(
            "POST",
            &format!("/api/applications/{}/actions/{action}", case.tracking),
            &[("X-Access-Code", &case.code)],
            &inputs(s, doc, &format!("CitizenAction_{action}")),
        ),
        Move::Pay(fee) => s.call(
            "POST",
            &format!("/api/applications/{}/fees/{fee}/payment", case.tracking),
            &[("X-Access-Code", &case.code)],
            &json!({"card_number": "4111 1111 1111 1111"}),
        ),
    };
    // A refusal (a condition that does not hold, a second pair of eyes needed) ends this
    // walk; a server error is a defect.
    assert!(status < 500, "{m:?} on {}: {status} {body}", case.tracking);
    (200..300).contains(&status)
}

/// What can be done next with a case: the actions open to each staff role and to the
/// applicant, and the fees due.
fn options(s: &Served, tokens: &BTreeMap<String, String>, case: &Walked) -> (String, Vec<Move>) {
    let mut moves = Vec::new();
    let mut state = String::new();
    for (role, token) in tokens {
        let view = s.state(token, &case.tracking);
        state = view["state"].as_str().unwrap_or_default().to_string();
        for a in view["actions"].as_array().into_iter().flatten() {
            moves.push(Move::Staff {
                action: a["action"].as_str().unwrap().to_string(),
                role: role.clone(),
            });
        }
    }
    let (status, public) = s.call(
        "GET",
        &format!("/api/applications/{}", case.tracking),
        &[("X-Access-Code", &case.code)],
        &Value::Null,
    );
    assert_eq!(status, 200, "{public}");
    for a in public["actions"].as_array().into_iter().flatten() {
        moves.push(Move::Citizen(a["action"].as_str().unwrap().to_string()));
    }
    for f in public["fees"].as_array().into_iter().flatten() {
        if f["status"] == "due" {
            moves.push(Move::Pay(f["fee"].as_str().unwrap().to_string()));
        }
    }
    (state, moves)
}

/// Wait until the case is at rest: every notification sent (or refused by the gateway)
/// and, in a state `waiting` for an automatic step, nothing more happening for a moment
/// — the outbox's work (a payment posted to another agency, then the automatic step it
/// allows) is done within a second or two.
fn settled(s: &Served, token: &str, tracking: &str, waiting: &BTreeSet<String>) -> Value {
    let started = Instant::now();
    let mut last = (Value::Null, Instant::now());
    loop {
        let case = s.state(token, tracking);
        let notes = case["notifications"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let seen = json!([
            case["history"].as_array().map(Vec::len),
            notes.len(),
            case["calls"]
        ]);
        let all_sent = notes.iter().all(|n| !n["sent_at"].is_null());
        let state = case["state"].as_str().unwrap_or_default();
        if all_sent && !waiting.contains(state) {
            return case;
        }
        if seen != last.0 {
            last = (seen, Instant::now());
        } else if all_sent && last.1.elapsed() > Duration::from_millis(1500) {
            return case;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the case never came to rest: {case}"
        );
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// Every text in the gateway's inbox of `phone`; none may keep a placeholder.
fn assert_inbox_filled(s: &Served, phone: &str, file: &str) -> usize {
    let (status, body) = s.agency_raw(&format!("/mock/MOC/notify/messages/inbox/{phone}"));
    assert_eq!(status, 200, "{body}");
    let inbox: Value = serde_json::from_str(&body).unwrap();
    let items = inbox["items"].as_array().cloned().unwrap_or_default();
    let placeholder = regex::Regex::new(r"\{[^{}\s]*\}").unwrap();
    for item in &items {
        let text = item["text"].as_str().unwrap_or_default();
        assert!(
            !placeholder.is_match(text),
            "{file}: a message keeps a placeholder: {text}"
        );
    }
    items.len()
}

/// Walk the workflow of `file` breadth first: one new case for each way into a state not
/// yet left by the move tried; returns the actions taken.
fn walk(file: &str) -> BTreeSet<String> {
    let data = scratch(&format!("messages-{}", file.replace('/', "-")));
    let s = serve(file, &data);
    let (status, doc) = s.call("GET", "/openapi.json", &[], &Value::Null);
    assert_eq!(status, 200);
    let roles: Vec<String> = s
        .passwords
        .keys()
        .filter_map(|n| n.strip_prefix("demo."))
        .map(|r| r.replace('-', "_"))
        .collect();
    let tokens: BTreeMap<String, String> = roles.iter().map(|r| (r.clone(), s.staff(r))).collect();
    let any_token = tokens.values().next().unwrap().clone();
    let mut taken = BTreeSet::new();
    let mut tried: BTreeSet<(String, Move)> = BTreeSet::new();
    let mut queue: VecDeque<Vec<Move>> = VecDeque::from([Vec::new()]);
    let mut phones = BTreeSet::new();
    let changes = overrides(&s, file);
    let waiting = waiting_states(file);
    let started = Instant::now();
    let mut cases = 0;
    let mut messages = 0;
    while let Some(path) = queue.pop_front() {
        assert!(
            started.elapsed() < Duration::from_secs(240) && cases < 60,
            "{file}: the walk did not end ({cases} cases)"
        );
        cases += 1;
        let answers = example(&s, &doc, &changes[cases % changes.len()]);
        if let Some(phone) = answers["phone"].as_str() {
            phones.insert(phone.to_string());
        }
        let (tracking, code) = s.submit(&answers);
        let case = Walked { tracking, code };
        let whole = path.iter().all(|m| take(&s, &doc, &tokens, &case, m));
        // Every step the case went through, the automatic ones (a fee's `paid`) too.
        let view = settled(&s, &any_token, &case.tracking, &waiting);
        for h in view["history"].as_array().into_iter().flatten() {
            if let Some(action) = h["action"].as_str() {
                taken.insert(action.to_string());
            }
        }
        for phone in &phones {
            messages += assert_inbox_filled(&s, phone, file);
        }
        if !whole {
            continue;
        }
        let (state, moves) = options(&s, &tokens, &case);
        for m in moves {
            if tried.insert((state.clone(), m.clone())) {
                let mut next = path.clone();
                next.push(m);
                queue.push_back(next);
            }
        }
    }
    assert!(messages > 0, "{file}: no message reached the inbox");
    taken
}

#[test]
fn every_message_of_every_catalogue_service_and_a_new_one_is_filled_in() {
    let mut files: Vec<String> = crate::support::catalogue()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    files.push("tests/fixtures/services/licence-renewal.yaml".into());
    for file in &files {
        let taken = walk(file);
        let missing: Vec<String> = notified_actions(file).difference(&taken).cloned().collect();
        assert!(
            missing.is_empty(),
            "{file}: the walk never took {missing:?}, so their messages went unchecked"
        );
    }
}
