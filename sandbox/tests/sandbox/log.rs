//! The message log: concurrency, restart, and detection of every kind of tampering.

use std::path::Path;

use quickwin_sandbox::messagelog::{
    Anchor, COLUMNS, Chain, Durability, Entry, MessageLog, row_to_stored, verify,
};
use rusqlite::Connection;

use crate::support::folder;

/// The MAC key of the logs of these tests.
const KEY: &str = "qw_test-log-key";

fn chain() -> Chain {
    Chain::Keyed(KEY.as_bytes().into())
}

fn entry(i: usize) -> Entry {
    Entry {
        time: format!("2026-11-26T10:00:{:02}.000Z", i % 60),
        client: "IQ/GOV/MOI/civil-status".into(),
        service: "IQ/GOV/MOI/civil-registry/persons".into(),
        message_id: format!("m-{i}"),
        user_id: None,
        issue: Some(format!("BC-2026-{i:06}")),
        method: "GET".into(),
        path: "/persons/**********12".into(),
        status: 200,
        duration_us: 120,
        request_hash: "a".repeat(64),
        response_hash: "b".repeat(64),
        error: None,
    }
}

async fn filled(name: &str, n: usize) -> std::path::PathBuf {
    let dir = folder(name);
    let path = dir.join("messagelog.db");
    let log = MessageLog::open(&path, Durability::Process, KEY).unwrap();
    let mut tasks = Vec::new();
    for i in 0..n {
        let log = log.clone();
        tasks.push(tokio::spawn(
            async move { log.append(entry(i)).await.unwrap() },
        ));
    }
    let mut seqs: Vec<u64> = Vec::new();
    for t in tasks {
        seqs.push(t.await.unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        (1..=n as u64).collect::<Vec<_>>(),
        "every append gets its own place"
    );
    path
}

fn tamper(path: &Path, sql: &str) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS messages_no_update; DROP TRIGGER IF EXISTS messages_no_delete;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_make_one_intact_chain() {
    let path = filled("log-concurrent", 300).await;
    let v = verify(&path, KEY, &[]).unwrap();
    assert_eq!((v.entries, v.broken), (300, None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verifying_while_entries_are_appended_sees_one_intact_snapshot() {
    let dir = folder("log-verify-live");
    let path = dir.join("messagelog.db");
    let log = MessageLog::open(&path, Durability::Process, KEY).unwrap();
    log.append(entry(0)).await.unwrap();
    let writer = {
        let log = log.clone();
        tokio::spawn(async move {
            for i in 1..400 {
                log.append(entry(i)).await.unwrap();
            }
        })
    };
    // At least once, and as long as the writer writes.
    loop {
        let done = writer.is_finished();
        let path = path.clone();
        let v = tokio::task::spawn_blocking(move || verify(&path, KEY, &[]).unwrap())
            .await
            .unwrap();
        assert_eq!(v.broken, None, "after {} entries", v.entries);
        if done {
            break;
        }
    }
    writer.await.unwrap();
    assert_eq!(verify(&path, KEY, &[]).unwrap().entries, 400);
}

#[tokio::test]
async fn the_log_is_append_only_for_plain_sql() {
    let path = filled("log-append-only", 3).await;
    let conn = Connection::open(&path).unwrap();
    let err = conn
        .execute("UPDATE messages SET status = 500 WHERE seq = 2", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    assert!(
        conn.execute("DELETE FROM messages WHERE seq = 2", [])
            .is_err()
    );
}

#[tokio::test]
async fn an_altered_entry_is_detected() {
    let path = filled("log-altered", 10).await;
    tamper(&path, "UPDATE messages SET status = 403 WHERE seq = 4");
    let v = verify(&path, KEY, &[]).unwrap();
    let (seq, why) = v.broken.unwrap();
    assert_eq!(seq, 4);
    assert!(why.contains("changed"), "{why}");
}

#[tokio::test]
async fn a_deleted_entry_is_detected() {
    let path = filled("log-deleted", 10).await;
    tamper(&path, "DELETE FROM messages WHERE seq = 6");
    assert_eq!(verify(&path, KEY, &[]).unwrap().broken.unwrap().0, 7);
}

#[tokio::test]
async fn deleting_the_newest_entries_is_detected() {
    let path = filled("log-truncated", 10).await;
    tamper(&path, "DELETE FROM messages WHERE seq > 8");
    let (seq, why) = verify(&path, KEY, &[]).unwrap().broken.unwrap();
    assert_eq!(seq, 9);
    assert!(why.contains("deleted from the end"), "{why}");
}

#[tokio::test]
async fn reordered_entries_are_detected() {
    let path = filled("log-reordered", 10).await;
    // Swap the contents of entries 3 and 4, keeping their sequence numbers.
    tamper(
        &path,
        "UPDATE messages SET seq = -3 WHERE seq = 3;
         UPDATE messages SET seq = 3 WHERE seq = 4;
         UPDATE messages SET seq = 4 WHERE seq = -3;",
    );
    let (seq, _) = verify(&path, KEY, &[]).unwrap().broken.unwrap();
    assert_eq!(seq, 3);
}

#[tokio::test]
async fn a_hash_rewritten_to_match_breaks_the_next_link() {
    let path = filled("log-rehashed", 5).await;
    // Change entry 2 and give it a fresh, self-consistent hash: entry 3 no longer follows.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER messages_no_update;")
        .unwrap();
    let prev: String = conn
        .query_row("SELECT prev_hash FROM messages WHERE seq = 2", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mut e = entry(1);
    e.status = 500;
    let h = quickwin_sandbox::messagelog::entry_hash(&chain(), 2, &prev, &e);
    conn.execute(
        "UPDATE messages SET status = 500, hash = ?1 WHERE seq = 2",
        [&h],
    )
    .unwrap();
    let (seq, why) = verify(&path, KEY, &[]).unwrap().broken.unwrap();
    assert_eq!(seq, 3, "{why}");
}

#[tokio::test]
async fn a_reopened_log_continues_the_chain() {
    let path = filled("log-restart", 20).await;
    let log = MessageLog::open(&path, Durability::Disk, KEY).unwrap();
    assert_eq!(log.append(entry(99)).await.unwrap(), 21);
    let v = verify(&path, KEY, &[]).unwrap();
    assert_eq!((v.entries, v.broken), (21, None));
}

/// Rewrite the log at `path` as someone without the MAC key would: entry 3's client
/// changed, entry 5 deleted, and every hash from entry 3 on recomputed (with plain
/// SHA-256, or under `key` when the rewriter has it), the head too.
fn rewrite(path: &Path, chain: &Chain) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch("DROP TRIGGER messages_no_update; DROP TRIGGER messages_no_delete;")
        .unwrap();
    conn.execute(
        "UPDATE messages SET client = 'IQ/GOV/MOJ/courts' WHERE seq = 3",
        [],
    )
    .unwrap();
    conn.execute("DELETE FROM messages WHERE seq = 5", [])
        .unwrap();
    conn.execute("UPDATE messages SET seq = seq - 1 WHERE seq > 5", [])
        .unwrap();
    let mut prev: String = conn
        .query_row("SELECT hash FROM messages WHERE seq = 2", [], |r| r.get(0))
        .unwrap();
    let n: i64 = conn
        .query_row("SELECT MAX(seq) FROM messages", [], |r| r.get(0))
        .unwrap();
    for seq in 3..=n {
        let e = conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM messages WHERE seq = ?1"),
                [seq],
                row_to_stored,
            )
            .unwrap()
            .entry;
        let h = quickwin_sandbox::messagelog::entry_hash(chain, seq as u64, &prev, &e);
        conn.execute(
            "UPDATE messages SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
            rusqlite::params![prev, h, seq],
        )
        .unwrap();
        prev = h;
    }
    conn.execute(
        "UPDATE chain_head SET seq = ?1, hash = ?2",
        rusqlite::params![n, prev],
    )
    .unwrap();
}

#[tokio::test]
async fn a_rewrite_with_recomputed_hashes_fails_at_the_first_wrong_entry() {
    // Seen: an entry's client changed, another deleted and the hashes recomputed, and
    // `audit verify` still said intact. Without the key, the rewriter cannot make MACs.
    let path = filled("log-recomputed", 12).await;
    rewrite(&path, &Chain::Unkeyed);
    let (seq, why) = verify(&path, KEY, &[]).unwrap().broken.unwrap();
    assert_eq!(seq, 3, "{why}");
    assert!(why.contains("changed after it was written"), "{why}");
    // A guessed key does no better.
    let path = filled("log-recomputed-guess", 12).await;
    rewrite(&path, &Chain::Keyed(b"guess".as_slice().into()));
    assert_eq!(verify(&path, KEY, &[]).unwrap().broken.unwrap().0, 3);
}

#[tokio::test]
async fn an_anchor_catches_a_rewrite_by_someone_who_has_the_key() {
    let path = filled("log-anchored", 12).await;
    let v = verify(&path, KEY, &[]).unwrap();
    let anchor = Anchor {
        time: "2026-12-07T10:00:00.000Z".into(),
        seq: v.head.0,
        hash: v.head.1.clone(),
    };
    let file = path.with_file_name("anchor.txt");
    std::fs::write(&file, anchor.to_text()).unwrap();
    let read = Anchor::read(&file).unwrap();
    assert_eq!(read, anchor);
    assert_eq!(
        verify(&path, KEY, std::slice::from_ref(&read))
            .unwrap()
            .broken,
        None
    );
    // With the key, the rewrite is self-consistent: only the anchor tells.
    rewrite(&path, &chain());
    assert_eq!(verify(&path, KEY, &[]).unwrap().broken, None);
    let (seq, why) = verify(&path, KEY, &[read]).unwrap().broken.unwrap();
    assert_eq!(seq, 12, "{why}");
    assert!(
        why.contains("anchor taken at 2026-12-07T10:00:00.000Z"),
        "{why}"
    );
}

#[tokio::test]
async fn a_log_written_before_keys_is_still_verified_and_said_to_be_unkeyed() {
    let path = filled("log-legacy", 4).await;
    // A log of an earlier version: no scheme recorded, entries hashed without a key.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("DROP TABLE chain_scheme;").unwrap();
    drop(conn);
    rewrite_all_unkeyed(&path);
    let v = verify(&path, KEY, &[]).unwrap();
    assert_eq!((v.entries, v.broken, v.keyed), (3, None, false));
    // Reopened by this version, it goes on unkeyed rather than breaking.
    let log = MessageLog::open(&path, Durability::Process, KEY).unwrap();
    log.append(entry(50)).await.unwrap();
    let v = verify(&path, KEY, &[]).unwrap();
    assert_eq!((v.entries, v.broken, v.keyed), (4, None, false));
}

/// Rehash the whole log without a key (deleting entry 5 if there is one is not needed
/// here: `rewrite` from entry 3 after dropping entries 1-2's MACs).
fn rewrite_all_unkeyed(path: &Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS messages_no_update; DROP TRIGGER IF EXISTS messages_no_delete;",
    )
    .unwrap();
    conn.execute("DELETE FROM messages WHERE seq > 3", [])
        .unwrap();
    let mut prev = quickwin_sandbox::messagelog::GENESIS.to_string();
    for seq in 1..=3i64 {
        let mut e = entry(seq as usize - 1);
        e.time = conn
            .query_row("SELECT time FROM messages WHERE seq = ?1", [seq], |r| {
                r.get(0)
            })
            .unwrap();
        conn.execute(
            "UPDATE messages SET time = ?1, client = ?2, service = ?3, message_id = ?4, issue = ?5 WHERE seq = ?6",
            rusqlite::params![e.time, e.client, e.service, e.message_id, e.issue, seq],
        )
        .unwrap();
        let h = quickwin_sandbox::messagelog::entry_hash(&Chain::Unkeyed, seq as u64, &prev, &e);
        conn.execute(
            "UPDATE messages SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
            rusqlite::params![prev, h, seq],
        )
        .unwrap();
        prev = h;
    }
    conn.execute("UPDATE chain_head SET seq = 3, hash = ?1", [prev])
        .unwrap();
}
