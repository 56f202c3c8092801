//! The state one mounted service shares between its requests, its pages and its
//! outbox worker: the blueprint (replaced on a live reload), the store (one writer
//! thread that commits in groups, read-only connections for views), the mediator
//! client, the metrics, the page templates and the agency's hooks. Two services in one
//! process each have their own; nothing in it is global.

use crate::failure::ApiError;
use crate::hooks;
use crate::mediator::Mediator;
use crate::metrics::Metrics;
use crate::writer;
use quickwin_blueprint::model::Blueprint;
use rusqlite::Connection;
use std::sync::{Arc, Mutex, RwLock};

/// What the handlers share: the blueprint (replaced on a live reload; a request keeps
/// the one it started with), the store's connection (SQLite has one writer; the store's
/// work is short and runs off the async threads), the mediator, the metrics and the
/// outbox's wake-up call.
#[derive(Clone)]
pub struct ApiState {
    blueprint: Arc<RwLock<Arc<Blueprint>>>,
    /// The store.
    pub conn: Arc<Mutex<Connection>>,
    /// The information mediator the service calls through, when there is one.
    pub mediator: Option<Mediator>,
    /// Request counts and latencies.
    pub metrics: Arc<Metrics>,
    /// Woken when work is queued for the outbox.
    pub wake: Arc<tokio::sync::Notify>,
    /// Read-only connections to the same store, for views (WAL lets them read while the
    /// writer writes); none for a store in memory.
    readers: Arc<Vec<Mutex<Connection>>>,
    /// Which reader to try first next.
    next_reader: Arc<std::sync::atomic::AtomicUsize>,
    /// The queue of the writer thread, which commits the store work of many requests
    /// together.
    writer: writer::Writer,
    /// The web pages' templates (the embedded ones, or a team's own versions).
    pages: Arc<RwLock<Arc<tera::Tera>>>,
    /// The agency's own code, when the service has any (a generated project's).
    hooks: Option<Arc<dyn hooks::Installed>>,
    /// Submission references drawn from a seed instead of the system's randomness, so
    /// that a workshop's reproducible check run gives the same log twice (never for a
    /// service that citizens use: a reference is not a secret, but nothing else is seeded).
    references: Option<Arc<(u64, std::sync::atomic::AtomicU64)>>,
    /// The guard: request limits per client, lock-outs, CSRF signing ([`crate::guard`]).
    pub guard: Arc<crate::guard::Guard>,
}

impl ApiState {
    /// The state for a blueprint whose store is open and migrated.
    pub fn new(blueprint: Blueprint, conn: Connection, mediator: Option<Mediator>) -> Self {
        let blueprint = Arc::new(RwLock::new(Arc::new(blueprint)));
        let conn = Arc::new(Mutex::new(conn));
        ApiState {
            writer: writer::Writer::start(conn.clone(), blueprint.clone()),
            blueprint,
            conn,
            mediator,
            metrics: Arc::new(Metrics::default()),
            wake: Arc::new(tokio::sync::Notify::new()),
            pages: Arc::new(RwLock::new(Arc::new(crate::theme::templates().clone()))),
            readers: Arc::new(Vec::new()),
            next_reader: Arc::new(std::sync::atomic::AtomicUsize::new(0)),
            hooks: None,
            references: None,
            guard: Arc::new(crate::guard::Guard::default()),
        }
    }

    /// The same state guarded with `settings` (see [`crate::guard::Settings`]).
    pub fn with_guard(mut self, settings: crate::guard::Settings) -> Self {
        self.guard = Arc::new(crate::guard::Guard::new(settings));
        self
    }

    /// The same state drawing its submission references (`SUB-…`) and the random
    /// letters of its numbers (`{random:6}`) from `seed`, for a reproducible check run.
    pub fn with_seeded_references(mut self, seed: u64) -> rusqlite::Result<Self> {
        {
            let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
            crate::store::counters::seed(&conn, seed)?;
        }
        self.references = Some(Arc::new((seed, std::sync::atomic::AtomicU64::new(0))));
        Ok(self)
    }

    /// A new submission reference: random, or the next one of the seed.
    pub fn submission_reference(&self) -> String {
        match &self.references {
            Some(seeded) => {
                let n = seeded.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                crate::cases::seeded_reference(seeded.0, n)
            }
            None => crate::cases::submission_reference(),
        }
    }

    /// The same state with `hooks` (see [`hooks::Hooks::installed`]): this service's
    /// own, seen by no other service in the process.
    pub fn with_hooks(mut self, hooks: Arc<dyn hooks::Installed>) -> Self {
        self.hooks = Some(hooks);
        self
    }

    /// The service's hooks, if it has any.
    pub fn hooks(&self) -> Option<Arc<dyn hooks::Installed>> {
        self.hooks.clone()
    }

    /// The same state with `n` read-only connections to the store file `path`.
    pub fn with_readers(mut self, path: &std::path::Path, n: usize) -> rusqlite::Result<Self> {
        let mut readers = Vec::with_capacity(n);
        for _ in 0..n {
            let conn = Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.execute_batch("PRAGMA busy_timeout=5000; PRAGMA query_only=ON;")?;
            readers.push(Mutex::new(conn));
        }
        self.readers = Arc::new(readers);
        Ok(self)
    }

    /// The blueprint served now.
    pub fn blueprint(&self) -> Arc<Blueprint> {
        self.blueprint
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The web pages' templates.
    pub fn pages(&self) -> Arc<tera::Tera> {
        self.pages.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Serve other page templates from now on.
    pub fn replace_pages(&self, pages: tera::Tera) {
        *self.pages.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(pages);
    }

    /// Serve another version of the blueprint from now on (its store already migrated).
    pub fn replace(&self, blueprint: Blueprint) {
        *self.blueprint.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(blueprint);
    }
}

/// Run store work on the service's writer thread, in the next group commit; the answer
/// comes once the group is durable.
pub(crate) async fn with_store<R: Send + 'static>(
    state: &ApiState,
    f: impl FnOnce(&mut Connection, &Blueprint) -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job: writer::Job = Box::new(move |conn, bp| {
        let result = f(conn, bp);
        let ok = result.is_ok();
        let send: writer::Reply = Box::new(move |committed| {
            let _ = reply.send(if committed {
                result
            } else {
                Err(ApiError::internal())
            });
        });
        (send, ok)
    });
    if !state.writer.send(job) {
        return Err(ApiError::internal());
    }
    answer.await.map_err(|_| ApiError::internal())?
}

/// Run a view's reads in one read transaction: one lock of the store for all its
/// statements, and a view consistent with itself. With read-only connections, the
/// reads run at once on a free one (they take tens of microseconds, less than handing
/// them to another thread would cost); otherwise on the writer, off the async threads.
pub(crate) async fn with_read<R: Send + 'static>(
    state: &ApiState,
    f: impl FnOnce(&Connection, &Blueprint) -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    let run = |conn: &mut Connection, bp: &Blueprint| {
        let tx = conn.savepoint()?;
        let result = f(&tx, bp);
        // Reading only: ending the transaction cannot lose anything.
        let _ = tx.commit();
        result
    };
    let readers = &state.readers;
    if readers.is_empty() {
        return with_store(state, run).await;
    }
    let bp = state.blueprint();
    let start = state
        .next_reader
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    for i in 0..readers.len() {
        if let Ok(mut conn) = readers[(start + i) % readers.len()].try_lock() {
            return run(&mut conn, &bp);
        }
    }
    let mut conn = readers[start % readers.len()]
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    run(&mut conn, &bp)
}
