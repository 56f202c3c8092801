//! The sandbox's members and their credentials: a secret key per client subsystem
//! (`IQ/GOV/MOI/civil-status`), the administrator's key, and the key of the message
//! log's MAC, each in a file of the data folder readable by its owner only.
//!
//! A subsystem proves who it is by sending its key (`Authorization: Bearer KEY`) with
//! every call through the mediator and every change to the registry; the mediator proves
//! itself to a service it forwards to by signing the call with that service's key (see
//! [`sign`]). Keys are issued by the sandbox (`quickwin sandbox member add ID`, or
//! automatically to a service `quickwin serve` or the workshop host runs) and kept in
//! `members.keys`; a running sandbox reads the file again when it meets a key it does
//! not know, so a key added by another process works at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::util::hex;

/// The file of the members' keys in a data folder.
pub const KEYS_FILE: &str = "members.keys";
/// The file of the administrator's key in a data folder.
pub const ADMIN_FILE: &str = "admin.key";
/// The file of the message log's MAC key in a data folder.
pub const LOG_KEY_FILE: &str = "log.key";
/// The client subsystem the administrator's key authenticates as.
pub const ADMIN_CLIENT: &str = "IQ/GOV/SANDBOX/admin";
/// The header that carries the mediator's signature to a service.
pub const SIGNATURE_HEADER: &str = "x-road-mediator";

/// Why a key could not be issued or read.
#[derive(Debug, thiserror::Error)]
pub enum MemberError {
    /// A key file could not be read or written.
    #[error("`{path}`: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The identifier is not a client subsystem.
    #[error(
        "`{0}` is not a client subsystem; expected `INSTANCE/CLASS/MEMBER/SUBSYSTEM`, e.g. `IQ/GOV/MOI/civil-status`"
    )]
    NotASubsystem(String),
    /// The subsystem's key is never issued (the administrator's).
    #[error("`{0}` is reserved to the sandbox's administrator; its key is `admin.key`")]
    Reserved(String),
}

/// Whether `id` is a client subsystem identifier `INSTANCE/CLASS/MEMBER/SUBSYSTEM`.
pub fn is_subsystem(id: &str) -> bool {
    let parts: Vec<&str> = id.split('/').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
}

/// A new random key: `qw_` and 32 bytes in hex.
fn new_key() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    format!("qw_{}", hex(&bytes))
}

/// Equality in time independent of where the texts differ.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// Write `text` to `path` readable by its owner only.
fn write_private(path: &Path, text: &str) -> Result<(), MemberError> {
    let io = |source| MemberError::Io {
        path: path.display().to_string(),
        source,
    };
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
    }
    std::fs::rename(&tmp, path).map_err(io)
}

/// The secret in the file `name` of `dir`, created with a new key when missing.
pub fn secret(dir: &Path, name: &str) -> Result<String, MemberError> {
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => Ok(text.trim().to_string()),
        Ok(_) => create_secret(&path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_secret(&path),
        Err(source) => Err(MemberError::Io {
            path: path.display().to_string(),
            source,
        }),
    }
}

fn create_secret(path: &Path) -> Result<String, MemberError> {
    let key = new_key();
    write_private(path, &format!("{key}\n"))?;
    Ok(key)
}

/// The members' keys of one data folder.
#[derive(Clone)]
pub struct Members {
    path: Option<PathBuf>,
    admin: Arc<str>,
    reserved: Arc<[String]>,
    keys: Arc<RwLock<Keys>>,
}

#[derive(Default)]
struct Keys {
    /// Subsystem → key.
    by_member: BTreeMap<String, String>,
    stamp: Option<Stamp>,
}

fn parse(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (member, key) = l.split_once(char::is_whitespace)?;
            Some((member.to_string(), key.trim().to_string()))
        })
        .filter(|(m, k)| is_subsystem(m) && !k.is_empty())
        .collect()
}

/// What tells that the file changed: its time, length and (where there is one) inode,
/// since every write replaces the file and two writes may fall in one clock tick.
type Stamp = (std::time::SystemTime, u64, u64);

fn modified(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.modified().ok()?, meta.len(), inode))
}

impl Members {
    /// The members of the data folder `dir` (its `members.keys` and `admin.key`, created
    /// when missing); `reserved` are the subsystems whose keys are never issued (the
    /// sandbox's own agencies, which the mediator reaches inside the process).
    pub fn open(dir: &Path, reserved: Vec<String>) -> Result<Members, MemberError> {
        let admin = secret(dir, ADMIN_FILE)?;
        let path = dir.join(KEYS_FILE);
        let members = Members {
            path: Some(path),
            admin: admin.into(),
            reserved: reserved.into(),
            keys: Arc::default(),
        };
        members.reload()?;
        Ok(members)
    }

    /// Members kept in memory only, with this administrator's key (for tests and
    /// benchmarks).
    pub fn in_memory(admin: &str) -> Members {
        Members {
            path: None,
            admin: admin.into(),
            reserved: Arc::new([]),
            keys: Arc::default(),
        }
    }

    fn reload(&self) -> Result<(), MemberError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let stamp = modified(path);
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(MemberError::Io {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        let mut keys = self.keys.write().unwrap_or_else(|e| e.into_inner());
        // Keys issued in this process and not yet seen in the file are kept.
        let mut by_member = parse(&text);
        for (m, k) in &keys.by_member {
            by_member.entry(m.clone()).or_insert_with(|| k.clone());
        }
        keys.by_member = by_member;
        keys.stamp = stamp;
        Ok(())
    }

    fn save(&self, keys: &Keys) -> Result<(), MemberError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let mut text = String::from(
            "# The keys of the sandbox's members: one client subsystem and its secret key a line.\n\
             # Keep this file private. `quickwin sandbox member add ID` adds one; delete a line\n\
             # and add the member again to rotate its key.\n",
        );
        for (m, k) in &keys.by_member {
            text.push_str(&format!("{m} {k}\n"));
        }
        write_private(path, &text)
    }

    /// The administrator's key.
    pub fn admin_key(&self) -> &str {
        &self.admin
    }

    /// Whether `key` is the administrator's.
    pub fn is_admin(&self, key: &str) -> bool {
        same(key.as_bytes(), self.admin.as_bytes())
    }

    /// The key of `member`, issued now when it has none. With `rotate`, a new key
    /// replaces the one it had.
    pub fn issue(&self, member: &str, rotate: bool) -> Result<String, MemberError> {
        if !is_subsystem(member) {
            return Err(MemberError::NotASubsystem(member.to_string()));
        }
        if self.reserved.iter().any(|r| r == member) {
            return Err(MemberError::Reserved(member.to_string()));
        }
        self.reload()?;
        let mut keys = self.keys.write().unwrap_or_else(|e| e.into_inner());
        if !rotate {
            if let Some(k) = keys.by_member.get(member) {
                return Ok(k.clone());
            }
        }
        let key = new_key();
        keys.by_member.insert(member.to_string(), key.clone());
        self.save(&keys)?;
        keys.stamp = self.path.as_deref().and_then(modified);
        Ok(key)
    }

    /// The key of `member`, when it has one.
    pub fn key_of(&self, member: &str) -> Option<String> {
        let found = self
            .keys
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .by_member
            .get(member)
            .cloned();
        found.or_else(|| {
            self.refresh();
            self.keys
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .by_member
                .get(member)
                .cloned()
        })
    }

    /// Whether `key` is the key of `member` (the administrator's key is the key of
    /// [`ADMIN_CLIENT`]). The file is read again when it changed and the key is not known.
    pub fn authenticates(&self, member: &str, key: &str) -> bool {
        if member == ADMIN_CLIENT {
            return self.is_admin(key);
        }
        let known = |keys: &Keys| {
            keys.by_member
                .get(member)
                .is_some_and(|k| same(k.as_bytes(), key.as_bytes()))
        };
        if known(&self.keys.read().unwrap_or_else(|e| e.into_inner())) {
            return true;
        }
        self.refresh();
        known(&self.keys.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The member whose key `key` is, when any.
    pub fn member_of(&self, key: &str) -> Option<String> {
        let find = |keys: &Keys| {
            keys.by_member
                .iter()
                .find(|(_, k)| same(k.as_bytes(), key.as_bytes()))
                .map(|(m, _)| m.clone())
        };
        if let Some(m) = find(&self.keys.read().unwrap_or_else(|e| e.into_inner())) {
            return Some(m);
        }
        self.refresh();
        find(&self.keys.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Every member, sorted.
    pub fn list(&self) -> Vec<String> {
        self.refresh();
        self.keys
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .by_member
            .keys()
            .cloned()
            .collect()
    }

    /// Read the file again when it changed since it was last read.
    fn refresh(&self) {
        let Some(path) = &self.path else { return };
        let now = modified(path);
        if self.keys.read().unwrap_or_else(|e| e.into_inner()).stamp != now {
            if let Err(error) = self.reload() {
                tracing::warn!(%error, "sandbox: the members' keys could not be read again");
            }
        }
    }
}

/// The text the mediator signs for a call it forwards: the signature's version and time,
/// the message id, the calling subsystem, the method and the path with its query as
/// the service receives them.
fn signed_text(time: u64, id: &str, client: &str, method: &str, path: &str) -> String {
    format!("v1\n{time}\n{id}\n{client}\n{method}\n{path}")
}

/// The `X-Road-Mediator` header of a forwarded call: `v1;t=UNIX;sig=HEX`, where the
/// signature is HMAC-SHA256 under the called service's key of the text `v1`, the time,
/// the message id, the client, the method and the path, one a line.
pub fn sign(key: &str, time: u64, id: &str, client: &str, method: &str, path: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key");
    mac.update(signed_text(time, id, client, method, path).as_bytes());
    format!("v1;t={time};sig={}", hex(&mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_issued_once_kept_in_a_private_file_and_read_by_another_process() {
        let dir = std::env::temp_dir().join(format!("qw-members-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let members = Members::open(&dir, vec!["IQ/GOV/CBI/payments".into()]).unwrap();
        let key = members.issue("IQ/GOV/MOI/civil-status", false).unwrap();
        assert!(key.starts_with("qw_") && key.len() == 67);
        assert_eq!(
            members.issue("IQ/GOV/MOI/civil-status", false).unwrap(),
            key
        );
        assert!(members.authenticates("IQ/GOV/MOI/civil-status", &key));
        assert!(!members.authenticates("IQ/GOV/MOH/primary-care", &key));
        assert!(matches!(
            members.issue("IQ/GOV/CBI/payments", false),
            Err(MemberError::Reserved(_))
        ));
        assert!(matches!(
            members.issue("IQ/GOV/MOI", false),
            Err(MemberError::NotASubsystem(_))
        ));
        // Another process (here: another handle on the folder) adds a member; the first
        // sees it at once.
        let other = Members::open(&dir, vec![]).unwrap();
        let added = other.issue("IQ/GOV/MOH/primary-care", false).unwrap();
        assert!(members.authenticates("IQ/GOV/MOH/primary-care", &added));
        assert_eq!(members.admin_key(), other.admin_key());
        assert!(members.authenticates(ADMIN_CLIENT, other.admin_key()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for file in [KEYS_FILE, ADMIN_FILE] {
                let mode = std::fs::metadata(dir.join(file))
                    .unwrap()
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o077, 0, "{file} is private");
            }
        }
        let rotated = members.issue("IQ/GOV/MOI/civil-status", true).unwrap();
        assert_ne!(rotated, key);
        assert!(!members.authenticates("IQ/GOV/MOI/civil-status", &key));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_signature_covers_every_part_of_the_call() {
        let base = sign(
            "k",
            1,
            "id",
            "IQ/GOV/MOE/schools",
            "GET",
            "/api/provides/x/1",
        );
        assert_eq!(
            base,
            sign(
                "k",
                1,
                "id",
                "IQ/GOV/MOE/schools",
                "GET",
                "/api/provides/x/1"
            )
        );
        for other in [
            sign(
                "k2",
                1,
                "id",
                "IQ/GOV/MOE/schools",
                "GET",
                "/api/provides/x/1",
            ),
            sign(
                "k",
                2,
                "id",
                "IQ/GOV/MOE/schools",
                "GET",
                "/api/provides/x/1",
            ),
            sign(
                "k",
                1,
                "id2",
                "IQ/GOV/MOE/schools",
                "GET",
                "/api/provides/x/1",
            ),
            sign("k", 1, "id", "IQ/GOV/MOE/other", "GET", "/api/provides/x/1"),
            sign(
                "k",
                1,
                "id",
                "IQ/GOV/MOE/schools",
                "POST",
                "/api/provides/x/1",
            ),
            sign(
                "k",
                1,
                "id",
                "IQ/GOV/MOE/schools",
                "GET",
                "/api/provides/x/2",
            ),
        ] {
            assert_ne!(base, other);
        }
    }
}
