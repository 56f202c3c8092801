//! A small pool of SQLite connections, used off the async threads.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use crate::error::ApiError;

/// Connections to one SQLite file in WAL mode.
#[derive(Clone)]
pub struct Db {
    conns: Arc<Vec<Mutex<Connection>>>,
    next: Arc<AtomicUsize>,
    path: Arc<PathBuf>,
}

impl Db {
    /// Open `size` connections to `path`.
    pub fn open(path: &Path, size: usize) -> rusqlite::Result<Db> {
        let mut conns = Vec::with_capacity(size);
        for _ in 0..size.max(1) {
            let conn = Connection::open(path)?;
            conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;")?;
            conns.push(Mutex::new(conn));
        }
        Ok(Db {
            conns: Arc::new(conns),
            next: Arc::new(AtomicUsize::new(0)),
            path: Arc::new(path.to_path_buf()),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run `f` with a connection on a blocking thread.
    pub async fn call<R, F>(&self, f: F) -> Result<R, ApiError>
    where
        F: FnOnce(&mut Connection) -> Result<R, ApiError> + Send + 'static,
        R: Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.with(f))
            .await
            .map_err(|error| {
                tracing::error!(%error, "sandbox: a database task failed");
                ApiError::internal()
            })?
    }

    /// Run `f` with a connection on this thread.
    pub fn with<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        self.lend(f)
    }

    /// Run `f` with a connection on this thread, keeping its SQLite error as it is (for
    /// work that answers no HTTP client, such as opening the sandbox).
    pub fn with_sqlite<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<R>,
    ) -> rusqlite::Result<R> {
        self.lend(f)
    }

    fn lend<R, E>(&self, f: impl FnOnce(&mut Connection) -> Result<R, E>) -> Result<R, E> {
        let n = self.conns.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Ok(mut conn) = self.conns[(start + i) % n].try_lock() {
                return f(&mut conn);
            }
        }
        let mut conn = self.conns[start % n]
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        f(&mut conn)
    }
}
