//! The mediator's message log: every call, allowed or not, appended to SQLite with a
//! chain of keyed MACs, so that a changed, deleted or reordered entry is detected, even
//! when whoever changed it recomputed the chain: that needs the MAC key, which is kept
//! outside the log's database (`log.key` in the data folder). The chain's head can be
//! exported as an anchor ([`Anchor`]) that a later verification checks against, so a log
//! rewritten by someone who has the key too is still detected up to the anchor.
//!
//! One writer thread owns the write connection and commits entries in groups: callers
//! wait until their entry is committed (so a call that got a response is in the log), and
//! under concurrency many entries share one commit. Each entry's hash covers its own
//! fields and the hash before it; a one-row `chain_head` table, updated in the same
//! transaction, records the last sequence number and hash, so losing the newest entries
//! is detected too. Triggers make the table append-only for ordinary SQL.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use tokio::sync::oneshot;

use crate::util::{hex, sha256_hex};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How hard a commit tries to survive failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Survives a crash or kill of the process (SQLite WAL, `synchronous=NORMAL`).
    #[default]
    Process,
    /// Also survives a power cut: every group commit is flushed to disk (`synchronous=FULL`).
    Disk,
}

/// Something went wrong with the log file.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// SQLite failed.
    #[error("message log `{path}`: {source}")]
    Sqlite {
        /// The log file.
        path: String,
        /// Why.
        source: rusqlite::Error,
    },
    /// The writer thread has stopped.
    #[error("the message log writer has stopped")]
    Stopped,
    /// An anchor file could not be read.
    #[error("anchor `{path}`: {why}")]
    Anchor {
        /// The anchor file.
        path: String,
        /// What is wrong with it.
        why: String,
    },
}

/// One call through the mediator, as logged (personal data already masked or hashed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// When the call arrived, RFC 3339 UTC.
    pub time: String,
    /// The calling subsystem, `IQ/GOV/MEMBER/SUBSYSTEM`, or `-` when the header was missing.
    pub client: String,
    /// The called service, `IQ/GOV/MEMBER/SUBSYSTEM/SERVICE`, as requested.
    pub service: String,
    /// The message id (`X-Road-Id`).
    pub message_id: String,
    /// SHA-256 of the end user's id (`X-Road-UserId`), when given.
    pub user_id: Option<String>,
    /// The case the call concerns (`X-Road-Issue`), when given.
    pub issue: Option<String>,
    /// The HTTP method.
    pub method: String,
    /// The path after the service id, with digit runs masked.
    pub path: String,
    /// The HTTP status returned to the caller.
    pub status: u16,
    /// How long the call took, in microseconds.
    pub duration_us: u64,
    /// SHA-256 of the request body.
    pub request_hash: String,
    /// SHA-256 of the response body.
    pub response_hash: String,
    /// The mediator's error type when the mediator refused or failed the call.
    pub error: Option<String>,
}

/// A logged entry with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stored {
    /// Its sequence number, from 1.
    pub seq: u64,
    /// The entry.
    #[serde(flatten)]
    pub entry: Entry,
    /// The hash of the entry before it.
    pub prev_hash: String,
    /// Its own hash.
    pub hash: String,
}

/// How a log's entries are chained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chain {
    /// HMAC-SHA256 under a key kept outside the database.
    Keyed(Arc<[u8]>),
    /// SHA-256 without a key: logs written before the chain was keyed; a rewrite that
    /// recomputes the hashes is not detected in them.
    Unkeyed,
}

/// The hash of an entry at `seq` following `prev`, under the log's `chain`.
pub fn entry_hash(chain: &Chain, seq: u64, prev: &str, e: &Entry) -> String {
    let fields = [
        seq.to_string(),
        e.time.clone(),
        e.client.clone(),
        e.service.clone(),
        e.message_id.clone(),
        e.user_id.clone().unwrap_or_default(),
        e.issue.clone().unwrap_or_default(),
        e.method.clone(),
        e.path.clone(),
        e.status.to_string(),
        e.duration_us.to_string(),
        e.request_hash.clone(),
        e.response_hash.clone(),
        e.error.clone().unwrap_or_default(),
    ];
    let mut text = String::from(prev);
    for f in fields {
        text.push('\u{1f}');
        text.push_str(&f);
    }
    match chain {
        Chain::Unkeyed => sha256_hex(text.as_bytes()),
        Chain::Keyed(key) => {
            use hmac::{Hmac, Mac};
            let mut mac =
                Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
            mac.update(text.as_bytes());
            hex(&mac.finalize().into_bytes())
        }
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    client TEXT NOT NULL,
    service TEXT NOT NULL,
    message_id TEXT NOT NULL,
    user_id TEXT,
    issue TEXT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    duration_us INTEGER NOT NULL,
    request_hash TEXT NOT NULL,
    response_hash TEXT NOT NULL,
    error TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_service ON messages(service);
CREATE INDEX IF NOT EXISTS messages_issue ON messages(issue);
CREATE TABLE IF NOT EXISTS chain_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_client_id ON messages(client, message_id);
CREATE TABLE IF NOT EXISTS chain_scheme (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    scheme TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS messages_no_update BEFORE UPDATE ON messages
BEGIN SELECT RAISE(ABORT, 'the message log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS messages_no_delete BEFORE DELETE ON messages
BEGIN SELECT RAISE(ABORT, 'the message log is append-only'); END;
";

type Reply = oneshot::Sender<Result<u64, LogError>>;

/// The open message log.
#[derive(Clone)]
pub struct MessageLog {
    tx: mpsc::Sender<(Entry, Reply)>,
    reader: Arc<Mutex<Connection>>,
    path: Arc<PathBuf>,
    /// The message ids each client has used, so none is used twice.
    ids: Arc<Mutex<std::collections::HashSet<(String, String)>>>,
    key: Arc<str>,
}

/// The chain of the log open on `conn`: keyed under `key`, unless the log holds entries
/// written before chains were keyed. A new log records that it is keyed.
fn chain_of(conn: &Connection, key: &[u8]) -> rusqlite::Result<Chain> {
    let has_table: bool = conn.query_row(
        "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'chain_scheme'",
        [],
        |r| r.get(0),
    )?;
    let scheme: Option<String> = if has_table {
        conn.query_row("SELECT scheme FROM chain_scheme WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?
    } else {
        None
    };
    let entries: i64 = conn.query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))?;
    Ok(match scheme.as_deref() {
        None if entries > 0 => Chain::Unkeyed,
        Some("sha256") => Chain::Unkeyed,
        _ => Chain::Keyed(Arc::from(key)),
    })
}

fn sqlite(path: &Path) -> impl Fn(rusqlite::Error) -> LogError + '_ {
    move |source| LogError::Sqlite {
        path: path.display().to_string(),
        source,
    }
}

impl MessageLog {
    /// Open (or create) the log at `path`, chained under `key`, and start its writer.
    pub fn open(path: &Path, durability: Durability, key: &str) -> Result<MessageLog, LogError> {
        let err = sqlite(path);
        let mut writer = Connection::open(path).map_err(&err)?;
        let sync = match durability {
            Durability::Process => "NORMAL",
            Durability::Disk => "FULL",
        };
        writer
            .execute_batch(&format!(
                // Checkpoints every 10 000 pages instead of 1 000: fewer stalls of the writer
                // under load (p99 at 8 clients fell from 4.7 to 1.2 ms), for a WAL of up to 40 MB.
                "PRAGMA journal_mode=WAL; PRAGMA synchronous={sync}; PRAGMA busy_timeout=5000; PRAGMA wal_autocheckpoint=10000;"
            ))
            .map_err(&err)?;
        writer.execute_batch(SCHEMA).map_err(&err)?;
        let chain = chain_of(&writer, key.as_bytes()).map_err(&err)?;
        let scheme = match chain {
            Chain::Keyed(_) => "hmac-sha256",
            Chain::Unkeyed => "sha256",
        };
        writer
            .execute(
                "INSERT OR IGNORE INTO chain_scheme (id, scheme) VALUES (1, ?1)",
                [scheme],
            )
            .map_err(&err)?;
        let ids = {
            let mut stmt = writer
                .prepare("SELECT client, message_id FROM messages")
                .map_err(&err)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(&err)?;
            rows.collect::<rusqlite::Result<std::collections::HashSet<(String, String)>>>()
                .map_err(&err)?
        };
        let head: (u64, String) = writer
            .query_row("SELECT seq, hash FROM chain_head WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(&err)?
            .unwrap_or((0, GENESIS.to_string()));
        let reader = Connection::open(path).map_err(&err)?;
        reader
            .execute_batch("PRAGMA busy_timeout=5000;")
            .map_err(&err)?;
        let (tx, rx) = mpsc::channel::<(Entry, Reply)>();
        let owned = path.to_path_buf();
        thread::Builder::new()
            .name("message-log".into())
            .spawn(move || write_loop(&mut writer, &rx, head, &chain, &owned))
            .map_err(|_| LogError::Stopped)?;
        Ok(MessageLog {
            tx,
            reader: Arc::new(Mutex::new(reader)),
            path: Arc::new(path.to_path_buf()),
            ids: Arc::new(Mutex::new(ids)),
            key: key.into(),
        })
    }

    /// Check the whole chain as it is now (see [`verify`]).
    pub fn verify(&self) -> Result<Verification, LogError> {
        verify(&self.path, &self.key, &[])
    }

    /// Claim the message id `id` for `client`: `false` when the client used it before,
    /// so a call cannot pass for another by reusing its id.
    pub fn claim_id(&self, client: &str, id: &str) -> bool {
        self.ids
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((client.to_string(), id.to_string()))
    }

    /// Append an entry; returns its sequence number once it is committed.
    pub async fn append(&self, entry: Entry) -> Result<u64, LogError> {
        let (reply, wait) = oneshot::channel();
        self.tx
            .send((entry, reply))
            .map_err(|_| LogError::Stopped)?;
        wait.await.map_err(|_| LogError::Stopped)?
    }

    /// The newest entries, newest first, optionally only of one service or case, and
    /// only those after `after`.
    pub async fn recent(&self, filter: Filter) -> Result<Vec<Stored>, LogError> {
        let reader = self.reader.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let conn = reader.lock().unwrap_or_else(|e| e.into_inner());
            query_recent(&conn, &filter).map_err(sqlite(&path))
        })
        .await
        .map_err(|_| LogError::Stopped)?
    }
}

/// Which entries [`MessageLog::recent`] returns.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only calls to this service (exact id).
    pub service: Option<String>,
    /// Only calls about this case number.
    pub issue: Option<String>,
    /// Only entries with a larger sequence number.
    pub after: u64,
    /// Only calls whose message id (`X-Road-Id`) starts with this.
    pub id_prefix: Option<String>,
    /// Only calls from this client subsystem.
    pub client: Option<String>,
    /// Only calls this subsystem is party to: made by it, or to one of its services.
    pub party: Option<String>,
    /// Leave out calls whose message id starts with this (a workshop's check traffic,
    /// `qwchk-`).
    pub hide_prefix: Option<String>,
    /// At most this many (capped at 500).
    pub limit: usize,
}

fn query_recent(conn: &Connection, f: &Filter) -> rusqlite::Result<Vec<Stored>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, time, client, service, message_id, user_id, issue, method, path, status,
                duration_us, request_hash, response_hash, error, prev_hash, hash
         FROM messages
         WHERE seq > ?1 AND (?2 IS NULL OR service = ?2) AND (?3 IS NULL OR issue = ?3)
           AND (?5 IS NULL OR substr(message_id, 1, length(?5)) = ?5)
           AND (?6 IS NULL OR client = ?6)
           AND (?7 IS NULL OR client = ?7 OR substr(service, 1, length(?7) + 1) = ?7 || '/')
           AND (?8 IS NULL OR substr(message_id, 1, length(?8)) <> ?8)
         ORDER BY seq DESC LIMIT ?4",
    )?;
    let limit = f.limit.clamp(1, 500) as i64;
    let rows = stmt.query_map(
        params![
            f.after as i64,
            f.service,
            f.issue,
            limit,
            f.id_prefix,
            f.client,
            f.party,
            f.hide_prefix
        ],
        row_to_stored,
    )?;
    rows.collect()
}

/// The columns [`row_to_stored`] reads, in its order.
pub const COLUMNS: &str = "seq, time, client, service, message_id, user_id, issue, method, path, status, duration_us, request_hash, response_hash, error, prev_hash, hash";

/// A row of `SELECT` [`COLUMNS`] `FROM messages` as a stored entry.
pub fn row_to_stored(r: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        seq: r.get::<_, i64>(0)? as u64,
        entry: Entry {
            time: r.get(1)?,
            client: r.get(2)?,
            service: r.get(3)?,
            message_id: r.get(4)?,
            user_id: r.get(5)?,
            issue: r.get(6)?,
            method: r.get(7)?,
            path: r.get(8)?,
            status: r.get::<_, i64>(9)? as u16,
            duration_us: r.get::<_, i64>(10)? as u64,
            request_hash: r.get(11)?,
            response_hash: r.get(12)?,
            error: r.get(13)?,
        },
        prev_hash: r.get(14)?,
        hash: r.get(15)?,
    })
}

/// The most entries one commit takes.
const GROUP: usize = 512;

fn write_loop(
    conn: &mut Connection,
    rx: &mpsc::Receiver<(Entry, Reply)>,
    head: (u64, String),
    chain: &Chain,
    path: &Path,
) {
    let (mut seq, mut hash) = head;
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < GROUP {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let (start_seq, start_hash) = (seq, hash.clone());
        match commit(conn, &batch, chain, &mut seq, &mut hash) {
            Ok(()) => {
                for (i, (_, reply)) in batch.into_iter().enumerate() {
                    let _ = reply.send(Ok(start_seq + 1 + i as u64));
                }
            }
            Err(source) => {
                // Nothing of the batch was committed; the chain continues from before it.
                seq = start_seq;
                hash = start_hash;
                let message = source.to_string();
                for (_, reply) in batch {
                    let _ = reply.send(Err(LogError::Sqlite {
                        path: path.display().to_string(),
                        source: rusqlite::Error::InvalidParameterName(message.clone()),
                    }));
                }
            }
        }
    }
}

fn commit(
    conn: &mut Connection,
    batch: &[(Entry, Reply)],
    chain: &Chain,
    seq: &mut u64,
    hash: &mut String,
) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO messages (seq, time, client, service, message_id, user_id, issue, method, path,
                 status, duration_us, request_hash, response_hash, error, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?;
        for (e, _) in batch {
            let next = *seq + 1;
            let h = entry_hash(chain, next, hash, e);
            insert.execute(params![
                next as i64,
                e.time,
                e.client,
                e.service,
                e.message_id,
                e.user_id,
                e.issue,
                e.method,
                e.path,
                i64::from(e.status),
                e.duration_us as i64,
                e.request_hash,
                e.response_hash,
                e.error,
                hash.as_str(),
                h,
            ])?;
            *seq = next;
            *hash = h;
        }
        tx.execute(
            "INSERT INTO chain_head (id, seq, hash) VALUES (1, ?1, ?2)
             ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            params![*seq as i64, hash.as_str()],
        )?;
    }
    tx.commit()
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// How many entries were checked.
    pub entries: u64,
    /// The first broken entry and why, if any.
    pub broken: Option<(u64, String)>,
    /// Whether the chain is keyed (`false` for a log written before chains were).
    pub keyed: bool,
    /// The last entry's sequence number and hash: what an anchor records.
    pub head: (u64, String),
}

/// The head of a log's chain at a moment, exported so that a later verification can
/// tell that nothing up to it was rewritten, even by someone who has the MAC key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// When it was taken, RFC 3339 UTC.
    pub time: String,
    /// The sequence number of the last entry then.
    pub seq: u64,
    /// That entry's hash.
    pub hash: String,
}

impl Anchor {
    /// The anchor as written to its file.
    pub fn to_text(&self) -> String {
        format!(
            "# the head of a quickwin message log's chain; `quickwin audit verify --anchor FILE` checks the log against it\ntime: {}\nentries: {}\nhead: {}\n",
            self.time, self.seq, self.hash
        )
    }

    /// Read an anchor file.
    pub fn read(path: &Path) -> Result<Anchor, LogError> {
        let bad = |why: String| LogError::Anchor {
            path: path.display().to_string(),
            why,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
                .map(|v| v.trim().to_string())
                .ok_or_else(|| bad(format!("expected a line `{name}: …`")))
        };
        let seq = field("entries")?;
        let hash = field("head")?;
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad(format!("`head` must be 64 hex digits, found `{hash}`")));
        }
        Ok(Anchor {
            time: field("time")?,
            seq: seq
                .parse()
                .map_err(|_| bad(format!("`entries` must be a number, found `{seq}`")))?,
            hash,
        })
    }
}

/// Check the whole chain of the log at `path` under the MAC `key`, and against each of
/// `anchors` (heads exported earlier).
pub fn verify(path: &Path, key: &str, anchors: &[Anchor]) -> Result<Verification, LogError> {
    let err = sqlite(path);
    if !path.exists() {
        return Err(LogError::Sqlite {
            path: path.display().to_string(),
            source: rusqlite::Error::InvalidPath(path.to_path_buf()),
        });
    }
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(&err)?;
    // One read transaction: the entries and the head come from the same snapshot, so a
    // commit between the two reads cannot look like entries deleted from the end.
    conn.execute_batch("PRAGMA busy_timeout=5000; BEGIN;")
        .map_err(&err)?;
    let chain = chain_of(&conn, key.as_bytes()).map_err(&err)?;
    let keyed = matches!(chain, Chain::Keyed(_));
    let mut stmt = conn
        .prepare(
            "SELECT seq, time, client, service, message_id, user_id, issue, method, path, status,
                    duration_us, request_hash, response_hash, error, prev_hash, hash
             FROM messages ORDER BY rowid",
        )
        .map_err(&err)?;
    let mut rows = stmt.query([]).map_err(&err)?;
    let mut expected_seq = 1u64;
    let mut prev = GENESIS.to_string();
    let mut count = 0u64;
    let done = |count: u64, broken: Option<(u64, String)>, head: (u64, String)| {
        Ok(Verification {
            entries: count,
            broken,
            keyed,
            head,
        })
    };
    while let Some(row) = rows.next().map_err(&err)? {
        let s = row_to_stored(row).map_err(&err)?;
        count += 1;
        let broken = |why: String| done(count, Some((s.seq, why)), (s.seq, s.hash.clone()));
        if s.seq != expected_seq {
            return broken(format!(
                "entry {} stands where entry {expected_seq} should: entries are missing or out of order",
                s.seq
            ));
        }
        if s.prev_hash != prev {
            return broken(format!(
                "entry {} does not follow the entry before it (its previous hash differs)",
                s.seq
            ));
        }
        if entry_hash(&chain, s.seq, &prev, &s.entry) != s.hash {
            return broken(format!(
                "entry {} was changed after it was written (its MAC does not match its contents)",
                s.seq
            ));
        }
        if let Some(a) = anchors.iter().find(|a| a.seq == s.seq && a.hash != s.hash) {
            return broken(format!(
                "entry {} differs from the anchor taken at {}: the log was rewritten up to it",
                s.seq, a.time
            ));
        }
        prev = s.hash;
        expected_seq += 1;
    }
    let head: Option<(u64, String)> = conn
        .query_row("SELECT seq, hash FROM chain_head WHERE id = 1", [], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
        })
        .optional()
        .map_err(&err)?;
    let last = expected_seq - 1;
    let end = (last, prev.clone());
    if let Some(a) = anchors.iter().find(|a| a.seq > last) {
        return done(
            count,
            Some((
                last + 1,
                format!(
                    "the anchor taken at {} records {} entries, the log has {last}: entries were deleted",
                    a.time, a.seq
                ),
            )),
            end,
        );
    }
    let broken = match head {
        Some((seq, _)) if seq > last => Some((
            last + 1,
            format!(
                "entries {} to {seq} were deleted from the end of the log",
                last + 1
            ),
        )),
        Some((seq, h)) if seq == last && h != prev => Some((
            last,
            format!("entry {last} differs from the recorded head of the chain"),
        )),
        Some((seq, _)) if seq < last => Some((
            seq + 1,
            format!("entries after {seq} were added outside the mediator"),
        )),
        None if last > 0 => Some((1, "the head of the chain is missing".to_string())),
        _ => None,
    };
    done(count, broken, end)
}
