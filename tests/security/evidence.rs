//! The message log as evidence: a rewrite with recomputed hashes is caught, an anchor
//! catches even a rewrite with the key, message ids are not reused, and personal
//! identifiers are masked however they are sent.

use std::path::Path;

use quickwin_sandbox::messagelog::{COLUMNS, Chain, entry_hash, row_to_stored};
use rusqlite::Connection;

use crate::support::{quickwin, scratch, stdout};
use crate::world::{Running, sandbox};

const CIVIL_STATUS: &str = "IQ/GOV/MOI/civil-status";

/// Twelve calls through the mediator, logged.
fn calls(s: &Running, person: &str) {
    let key = s.bearer(CIVIL_STATUS);
    for _ in 0..12 {
        let (status, _) = s.call(
            "GET",
            &format!("/r1/IQ/GOV/MOI/civil-registry/persons/persons/{person}"),
            &[("X-Road-Client", CIVIL_STATUS), ("Authorization", &key)],
            "",
        );
        assert_eq!(status, 200);
    }
}

/// Entry `seq`'s client changed, entry `seq + 2` deleted, and every hash from `seq` on
/// recomputed under `chain`, with the head: a careful forger's rewrite.
fn rewrite(log: &Path, seq: i64, chain: &Chain) {
    let conn = Connection::open(log).unwrap();
    conn.execute_batch("DROP TRIGGER messages_no_update; DROP TRIGGER messages_no_delete;")
        .unwrap();
    conn.execute(
        "UPDATE messages SET client = 'IQ/GOV/MOJ/courts' WHERE seq = ?1",
        [seq],
    )
    .unwrap();
    conn.execute("DELETE FROM messages WHERE seq = ?1", [seq + 2])
        .unwrap();
    conn.execute(
        "UPDATE messages SET seq = seq - 1 WHERE seq > ?1",
        [seq + 2],
    )
    .unwrap();
    let mut prev: String = conn
        .query_row("SELECT hash FROM messages WHERE seq = ?1", [seq - 1], |r| {
            r.get(0)
        })
        .unwrap();
    let last: i64 = conn
        .query_row("SELECT MAX(seq) FROM messages", [], |r| r.get(0))
        .unwrap();
    for n in seq..=last {
        let e = conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM messages WHERE seq = ?1"),
                [n],
                row_to_stored,
            )
            .unwrap()
            .entry;
        let h = entry_hash(chain, n as u64, &prev, &e);
        conn.execute(
            "UPDATE messages SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
            rusqlite::params![prev, h, n],
        )
        .unwrap();
        prev = h;
    }
    conn.execute(
        "UPDATE chain_head SET seq = ?1, hash = ?2",
        rusqlite::params![last, prev],
    )
    .unwrap();
}

/// Seen: an entry's client changed, another deleted and the hashes recomputed, and
/// `audit verify` still said intact.
#[test]
fn a_rewrite_with_recomputed_hashes_fails_audit_verify_at_the_first_wrong_entry() {
    let data = scratch("security-log-rewrite");
    let s = sandbox(&data);
    let person = s.person();
    calls(&s, &person);
    drop(s);
    let dir = data.to_str().unwrap();
    let ok = quickwin(&["audit", "verify", "--data", dir]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    rewrite(&data.join("messagelog.db"), 4, &Chain::Unkeyed);
    let broken = quickwin(&["audit", "verify", "--data", dir]);
    assert_eq!(broken.status.code(), Some(1), "{}", stdout(&broken));
    assert!(
        stdout(&broken).contains("fails at entry 4"),
        "{}",
        stdout(&broken)
    );
    assert!(stdout(&ok).contains("keyed MAC"), "{}", stdout(&ok));
}

/// Even whoever has the MAC key cannot rewrite the log past an anchor kept elsewhere.
#[test]
fn an_anchor_catches_a_rewrite_by_whoever_has_the_key() {
    let data = scratch("security-log-anchor");
    let s = sandbox(&data);
    let person = s.person();
    calls(&s, &person);
    drop(s);
    let dir = data.to_str().unwrap();
    let anchor = data.with_file_name("security-log-anchor.txt");
    let out = quickwin(&[
        "audit",
        "anchor",
        "--data",
        dir,
        "--out",
        anchor.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let key = std::fs::read_to_string(data.join("log.key")).unwrap();
    rewrite(
        &data.join("messagelog.db"),
        4,
        &Chain::Keyed(key.trim().as_bytes().into()),
    );
    let without = quickwin(&["audit", "verify", "--data", dir]);
    assert_eq!(
        without.status.code(),
        Some(0),
        "with the key the rewrite holds"
    );
    let with = quickwin(&[
        "audit",
        "verify",
        "--data",
        dir,
        "--anchor",
        anchor.to_str().unwrap(),
    ]);
    assert_eq!(with.status.code(), Some(1), "{}", stdout(&with));
    assert!(stdout(&with).contains("anchor"), "{}", stdout(&with));
}

/// Seen: a forged call reused an existing `X-Road-Id`.
#[test]
fn a_client_cannot_reuse_a_message_id() {
    let data = scratch("security-log-ids");
    let s = sandbox(&data);
    let person = s.person();
    let key = s.bearer(CIVIL_STATUS);
    let path = format!("/r1/IQ/GOV/MOI/civil-registry/persons/persons/{person}");
    let headers = [
        ("X-Road-Client", CIVIL_STATUS),
        ("Authorization", key.as_str()),
        ("X-Road-Id", "msg-2026-0001"),
    ];
    assert_eq!(s.call("GET", &path, &headers, "").0, 200);
    let (status, body) = s.call("GET", &path, &headers, "");
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["type"], "Client.DuplicateMessageId");
    let answered = s
        .log()
        .into_iter()
        .filter(|e| e["message_id"] == "msg-2026-0001" && e["status"] == 200)
        .count();
    assert_eq!(answered, 1);
}

/// Seen: national ids showed in clear on `/mediator/messages` when percent-encoded in the
/// path or sent as `X-Road-Issue`.
#[test]
fn personal_identifiers_are_masked_however_they_are_sent() {
    let data = scratch("security-log-mask");
    let s = sandbox(&data);
    let person = s.person();
    let key = s.bearer(CIVIL_STATUS);
    let encoded: String = person
        .chars()
        .map(|c| format!("%{:02X}", c as u32))
        .collect();
    let (status, _) = s.call(
        "GET",
        &format!("/r1/IQ/GOV/MOI/civil-registry/persons/persons/{encoded}"),
        &[
            ("X-Road-Client", CIVIL_STATUS),
            ("Authorization", &key),
            ("X-Road-Issue", &person),
            ("X-Road-Id", &format!("lookup-{person}")),
        ],
        "",
    );
    assert_eq!(status, 200);
    let (_, json) = s.call("GET", "/mediator/messages.json", &[], "");
    let (_, page) = crate::support::http(s.sandbox, "GET", "/mediator/messages", &[], "");
    for shown in [json.to_string(), page] {
        assert!(!shown.contains(&person), "{shown}");
        assert!(!shown.contains(&encoded), "{shown}");
    }
    let tail = &person[person.len() - 2..];
    let entry = &s.log()[0];
    assert!(entry["path"].as_str().unwrap().ends_with(tail), "{entry}");
    assert!(entry["issue"].as_str().unwrap().starts_with('*'), "{entry}");
}
