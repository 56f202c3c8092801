//! Group commit: the service's store work runs on one writer thread, which takes the
//! requests waiting in its queue together, runs each in a savepoint of one transaction,
//! and commits them with a single flush to disk. Each request is answered only once its
//! group is durable; a request that fails is rolled back alone. Under load many
//! submissions share one `fsync` instead of paying one each, with the same durability
//! (`synchronous=FULL`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};

use rusqlite::Connection;

use quickwin_blueprint::model::Blueprint;

/// What a job answers once its group's commit is known: `true` when it is durable.
pub type Reply = Box<dyn FnOnce(bool) + Send>;

/// Store work: it runs, and says whether it succeeded and how to answer.
pub type Job = Box<dyn FnOnce(&mut Connection, &Blueprint) -> (Reply, bool) + Send>;

/// The most jobs one commit takes.
const GROUP: usize = 64;

/// The writer thread's queue; the thread ends when the last clone is dropped.
#[derive(Clone)]
pub struct Writer {
    queue: Arc<Mutex<Sender<Job>>>,
}

impl Writer {
    /// Start the writer thread of a store.
    pub fn start(conn: Arc<Mutex<Connection>>, blueprint: Arc<RwLock<Arc<Blueprint>>>) -> Self {
        let (queue, jobs) = channel::<Job>();
        std::thread::Builder::new()
            .name("quickwin-writer".into())
            .spawn(move || work(&jobs, &conn, &blueprint))
            .expect("the operating system starts a thread");
        Writer {
            queue: Arc::new(Mutex::new(queue)),
        }
    }

    /// Queue a job; `false` when the writer has stopped.
    pub fn send(&self, job: Job) -> bool {
        self.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send(job)
            .is_ok()
    }
}

fn work(jobs: &Receiver<Job>, conn: &Mutex<Connection>, blueprint: &RwLock<Arc<Blueprint>>) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let bp = blueprint.read().unwrap_or_else(|e| e.into_inner()).clone();
        let mut conn = conn.lock().unwrap_or_else(|e| e.into_inner());
        // Without the outer transaction (another process holds the store too long),
        // each job's own savepoints commit it alone.
        let grouped = match conn.execute_batch("BEGIN IMMEDIATE") {
            Ok(()) => true,
            Err(error) => {
                tracing::debug!(%error, "service store: no group commit; each request commits alone");
                false
            }
        };
        let mut replies = Vec::with_capacity(group.len());
        for job in group {
            if grouped {
                if let Err(error) = conn.execute_batch("SAVEPOINT job") {
                    // The job is dropped unanswered: its request gets a clear 500.
                    tracing::error!(%error, "service store: a request's work could not start");
                    continue;
                }
            }
            match catch_unwind(AssertUnwindSafe(|| job(&mut conn, &bp))) {
                Ok((reply, ok)) => {
                    if grouped && !ok {
                        let _ = conn.execute_batch("ROLLBACK TO job");
                    }
                    replies.push(reply);
                }
                Err(_) => {
                    tracing::error!("service store: a request's work panicked; it was rolled back");
                    if grouped {
                        let _ = conn.execute_batch("ROLLBACK TO job");
                    }
                }
            }
            if grouped {
                let _ = conn.execute_batch("RELEASE job");
            }
        }
        let committed = match grouped.then(|| conn.execute_batch("COMMIT")) {
            None | Some(Ok(())) => true,
            Some(Err(error)) => {
                tracing::error!(
                    %error,
                    requests = replies.len(),
                    "service store: a group commit failed; its requests were not saved"
                );
                let _ = conn.execute_batch("ROLLBACK");
                false
            }
        };
        drop(conn);
        for reply in replies {
            reply(committed);
        }
    }
}
