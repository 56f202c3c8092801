//! The message log: concurrency, restart, and detection of every kind of tampering.

use std::path::Path;

use quickwin_sandbox::messagelog::{Durability, Entry, MessageLog, verify};
use rusqlite::Connection;

use crate::support::folder;

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
    let log = MessageLog::open(&path, Durability::Process).unwrap();
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
    let v = verify(&path).unwrap();
    assert_eq!((v.entries, v.broken), (300, None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verifying_while_entries_are_appended_sees_one_intact_snapshot() {
    let dir = folder("log-verify-live");
    let path = dir.join("messagelog.db");
    let log = MessageLog::open(&path, Durability::Process).unwrap();
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
        let v = tokio::task::spawn_blocking(move || verify(&path).unwrap())
            .await
            .unwrap();
        assert_eq!(v.broken, None, "after {} entries", v.entries);
        if done {
            break;
        }
    }
    writer.await.unwrap();
    assert_eq!(verify(&path).unwrap().entries, 400);
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
    let v = verify(&path).unwrap();
    let (seq, why) = v.broken.unwrap();
    assert_eq!(seq, 4);
    assert!(why.contains("changed"), "{why}");
}

#[tokio::test]
async fn a_deleted_entry_is_detected() {
    let path = filled("log-deleted", 10).await;
    tamper(&path, "DELETE FROM messages WHERE seq = 6");
    assert_eq!(verify(&path).unwrap().broken.unwrap().0, 7);
}

#[tokio::test]
async fn deleting_the_newest_entries_is_detected() {
    let path = filled("log-truncated", 10).await;
    tamper(&path, "DELETE FROM messages WHERE seq > 8");
    let (seq, why) = verify(&path).unwrap().broken.unwrap();
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
    let (seq, _) = verify(&path).unwrap().broken.unwrap();
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
    let h = quickwin_sandbox::messagelog::entry_hash(2, &prev, &e);
    conn.execute(
        "UPDATE messages SET status = 500, hash = ?1 WHERE seq = 2",
        [&h],
    )
    .unwrap();
    let (seq, why) = verify(&path).unwrap().broken.unwrap();
    assert_eq!(seq, 3, "{why}");
}

#[tokio::test]
async fn a_reopened_log_continues_the_chain() {
    let path = filled("log-restart", 20).await;
    let log = MessageLog::open(&path, Durability::Disk).unwrap();
    assert_eq!(log.append(entry(99)).await.unwrap(), 21);
    let v = verify(&path).unwrap();
    assert_eq!((v.entries, v.broken), (21, None));
}
