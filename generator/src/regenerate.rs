//! Writing a project into its folder without losing the team's work. For each file:
//!
//! - missing → written (`created`);
//! - as the generator would write it → left (`unchanged`);
//! - untouched since the last generation (its hash is the manifest's) → rewritten
//!   (`updated`);
//! - edited by the team, and the generator's version did not change → left (`kept`);
//! - edited, and the generator's version changed → the two merged where the changes do
//!   not overlap (`merged`), else the new version written beside it as `FILE.new`
//!   (`conflict`), the team's file untouched;
//! - generated last time but not now → removed when untouched (`removed`), left when
//!   edited (`kept, no longer generated`).
//!
//! Every path is checked before anything is written: relative, without `..`, made of
//! plain characters, and never through a symbolic link — so nothing is written outside
//! the project's folder, whatever the blueprint or a tampered manifest says.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::manifest::{self, Manifest};
use crate::merge::merge;
use crate::{Kind, Project};

/// What regenerating does to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// Written where there was none.
    Created,
    /// Rewritten: the team had not touched it.
    Updated,
    /// The team's edits and the new version combined.
    Merged,
    /// The team's edits and the new version overlap: the new version is in `FILE.new`.
    Conflict,
    /// No longer generated and untouched: removed.
    Removed,
    /// No longer generated but edited by the team: left in place.
    KeptStale,
    /// Edited by the team; the generator's version did not change: left in place.
    Kept,
    /// In conflict last time; the team took the new version in and deleted `FILE.new`.
    Resolved,
    /// Generated before and deleted by the team: not written again.
    Deleted,
    /// Already as the generator would write it.
    Unchanged,
}

impl Action {
    /// Whether the project is out of date with its blueprint while this is to be done.
    pub fn pending(self) -> bool {
        matches!(
            self,
            Action::Created | Action::Updated | Action::Merged | Action::Conflict | Action::Removed
        )
    }

    /// The action in words.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Merged => "merged with your edits",
            Action::Conflict => "conflict: your edits kept, the new version written beside",
            Action::Removed => "removed (no longer generated)",
            Action::KeptStale => "kept: no longer generated, but edited by you",
            Action::Kept => "kept: edited by you",
            Action::Resolved => "kept: your resolution of the conflict",
            Action::Deleted => {
                "not written: deleted by you (remove it from .quickwin/manifest.json to get it back)"
            }
            Action::Unchanged => "unchanged",
        }
    }
}

/// One file's fate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The file, relative to the project.
    pub path: String,
    /// What happens to it.
    pub action: Action,
}

impl fmt::Display for Entry {
    /// The path, padded to the width asked for, then the action.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = f.width().unwrap_or(0);
        write!(f, "{:<width$}  {}", self.path, self.action.as_str())?;
        if self.action == Action::Conflict {
            write!(f, " as `{}.new`", self.path)?;
        }
        Ok(())
    }
}

/// Why a project could not be written.
#[derive(Debug, thiserror::Error)]
pub enum RegenerateError {
    /// A path that would leave the project's folder (from a tampered manifest).
    #[error(
        "`{0}` is not a path inside the project; quickwin writes only inside the project's folder"
    )]
    UnsafePath(String),
    /// A symbolic link on the way to a file.
    #[error(
        "`{0}` is a symbolic link; quickwin does not write through links, so that nothing lands outside the project"
    )]
    Link(String),
    /// The manifest cannot be read.
    #[error(
        "`{path}` cannot be read: {reason}; restore it from version control, or delete it to treat every file as the team's"
    )]
    Manifest {
        /// The manifest's path.
        path: String,
        /// Why.
        reason: String,
    },
    /// A file could not be read or written.
    #[error("`{path}`: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// What regenerating will do, worked out before anything is written.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Every file's fate, by path.
    pub entries: Vec<Entry>,
    writes: BTreeMap<String, Vec<u8>>,
    removes: Vec<String>,
    manifest: Manifest,
    /// The service the folder was generated for, when it was another one.
    pub previous_service: Option<String>,
}

impl Plan {
    /// Whether anything is pending: the project is out of date with its blueprint.
    pub fn out_of_date(&self) -> bool {
        self.entries.iter().any(|e| e.action.pending())
    }

    /// The number of files with each action.
    pub fn counts(&self) -> BTreeMap<Action, usize> {
        let mut counts = BTreeMap::new();
        for e in &self.entries {
            *counts.entry(e.action).or_insert(0) += 1;
        }
        counts
    }
}

/// Whether `path` is a plain relative path: `/`-separated parts of letters, digits,
/// `.`, `_` and `-`, none of them empty, `.` or `..`.
pub fn safe(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        })
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> RegenerateError + '_ {
    move |source| RegenerateError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Check that no folder on the way from `dir` to `path` (nor `path` itself) is a link.
fn no_links(dir: &Path, path: &str) -> Result<(), RegenerateError> {
    let mut at = dir.to_path_buf();
    for part in path.split('/') {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(RegenerateError::Link(at.display().to_string()));
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(())
}

/// The file at `path` under `dir`, if there is one.
fn read(dir: &Path, path: &str) -> Result<Option<Vec<u8>>, RegenerateError> {
    no_links(dir, path)?;
    let full = dir.join(path);
    match std::fs::read(&full) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(&full)(e)),
    }
}

/// The manifest of the project in `dir`, or an empty one.
pub fn read_manifest(dir: &Path) -> Result<Manifest, RegenerateError> {
    let err = |reason: String| RegenerateError::Manifest {
        path: dir.join(manifest::PATH).display().to_string(),
        reason,
    };
    let Some(bytes) = read(dir, manifest::PATH)? else {
        return Ok(Manifest::default());
    };
    let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| err(e.to_string()))?;
    if let Some(bad) = m.files.keys().find(|p| !safe(p)) {
        return Err(RegenerateError::UnsafePath(bad.clone()));
    }
    Ok(m)
}

fn base_path(path: &str) -> String {
    format!("{}/{path}", manifest::BASE)
}

/// Work out what writing `project` into `dir` does, reading but writing nothing.
pub fn plan(dir: &Path, project: &Project, service: &str) -> Result<Plan, RegenerateError> {
    let old = read_manifest(dir)?;
    let mut plan = Plan {
        entries: Vec::new(),
        writes: BTreeMap::new(),
        removes: Vec::new(),
        manifest: Manifest {
            generator: format!("quickwin {}", crate::vendor::QUICKWIN_VERSION),
            service: service.to_string(),
            files: BTreeMap::new(),
            conflicts: BTreeMap::new(),
        },
        previous_service: Some(old.service.clone()).filter(|s| !s.is_empty() && s != service),
    };
    for (path, file) in &project.files {
        if !safe(path) {
            return Err(RegenerateError::UnsafePath(path.clone()));
        }
        let new = &file.contents;
        let disk = read(dir, path)?;
        if file.kind == Kind::Seed {
            // The team's lock stays theirs, but names the package's version as
            // `Cargo.toml` now does, so that `--locked` builds still pass.
            let relocked = disk.as_deref().and_then(|d| {
                (path == "Cargo.lock")
                    .then(|| crate::vendor::relock(d, new, &project.package))
                    .flatten()
            });
            let action = match (&disk, relocked) {
                (None, _) => Some((new.clone(), Action::Created)),
                (Some(_), Some(updated)) => Some((updated, Action::Updated)),
                (Some(_), None) => None,
            };
            if let Some((bytes, action)) = action {
                plan.writes.insert(path.clone(), bytes);
                plan.entries.push(Entry {
                    path: path.clone(),
                    action,
                });
            }
            continue;
        }
        let new_hash = manifest::hash(new);
        let recorded = old.files.get(path);
        let base = if manifest::keeps_base(path) {
            read(dir, &base_path(path))?
        } else {
            None
        };
        let keep_base = |plan: &mut Plan| {
            if manifest::keeps_base(path) && base.as_deref() != Some(new.as_slice()) {
                plan.writes.insert(base_path(path), new.clone());
            }
        };
        let beside = format!("{path}.new");
        let action = match &disk {
            // The team deleted a file generated before: their choice stands.
            None if recorded.is_some() => Action::Deleted,
            None => {
                plan.writes.insert(path.clone(), new.clone());
                keep_base(&mut plan);
                Action::Created
            }
            Some(d) if d == new => {
                keep_base(&mut plan);
                Action::Unchanged
            }
            Some(d) if recorded == Some(&manifest::hash(d)) => {
                plan.writes.insert(path.clone(), new.clone());
                keep_base(&mut plan);
                Action::Updated
            }
            Some(_) if recorded == Some(&new_hash) => Action::Kept,
            // The version offered in `FILE.new` last time, taken in by the team, who
            // deleted `FILE.new`: their file is now their edit of that version.
            Some(_)
                if old.conflicts.get(path) == Some(&new_hash) && read(dir, &beside)?.is_none() =>
            {
                keep_base(&mut plan);
                Action::Resolved
            }
            Some(d) => {
                let merged = match (&base, recorded) {
                    (Some(b), Some(h)) if &manifest::hash(b) == h => {
                        match (
                            std::str::from_utf8(b),
                            std::str::from_utf8(d),
                            std::str::from_utf8(new),
                        ) {
                            (Ok(b), Ok(d), Ok(n)) => merge(b, d, n),
                            _ => None,
                        }
                    }
                    _ => None,
                };
                match merged {
                    Some(m) => {
                        plan.writes.insert(path.clone(), m.into_bytes());
                        keep_base(&mut plan);
                        Action::Merged
                    }
                    None => {
                        no_links(dir, &beside)?;
                        plan.writes.insert(beside.clone(), new.clone());
                        plan.manifest
                            .conflicts
                            .insert(path.clone(), new_hash.clone());
                        Action::Conflict
                    }
                }
            }
        };
        // A conflict keeps the old record (and base): the next regeneration tries the
        // merge again, until the team has taken the new version in.
        let record = match (action, recorded) {
            (Action::Conflict | Action::Kept | Action::Deleted, Some(h)) => Some(h.clone()),
            (Action::Conflict, None) => None,
            _ => Some(new_hash),
        };
        if let Some(h) = record {
            plan.manifest.files.insert(path.clone(), h);
        }
        plan.entries.push(Entry {
            path: path.clone(),
            action,
        });
    }
    for (path, hash) in &old.files {
        if project.files.contains_key(path) {
            continue;
        }
        let Some(disk) = read(dir, path)? else {
            continue;
        };
        let action = if &manifest::hash(&disk) == hash {
            plan.removes.push(path.clone());
            Action::Removed
        } else {
            Action::KeptStale
        };
        if manifest::keeps_base(path) && read(dir, &base_path(path))?.is_some() {
            plan.removes.push(base_path(path));
        }
        plan.entries.push(Entry {
            path: path.clone(),
            action,
        });
    }
    plan.entries.sort_by(|a, b| a.path.cmp(&b.path));
    let text = plan.manifest.to_text().into_bytes();
    if read(dir, manifest::PATH)?.as_deref() != Some(text.as_slice()) {
        plan.writes.insert(manifest::PATH.to_string(), text);
    }
    for path in plan.writes.keys().chain(&plan.removes) {
        no_links(dir, path)?;
    }
    Ok(plan)
}

/// Carry out `plan` in `dir`: each file written whole to a new temporary file and then
/// renamed into place, the stale files removed, and the manifest last — so that an
/// interrupted run leaves a manifest that still describes what it last wrote.
pub fn apply(dir: &Path, plan: &Plan) -> Result<(), RegenerateError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    for (path, contents) in plan.writes.iter().filter(|(p, _)| *p != manifest::PATH) {
        write(dir, path, contents)?;
    }
    for path in &plan.removes {
        no_links(dir, path)?;
        let full = dir.join(path);
        match std::fs::remove_file(&full) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&full)(e)),
        }
        // Folders the removal left empty go too, up to the project's own.
        let mut parent = full.parent();
        while let Some(p) = parent.filter(|p| *p != dir) {
            if std::fs::remove_dir(p).is_err() {
                break;
            }
            parent = p.parent();
        }
    }
    if let Some(contents) = plan.writes.get(manifest::PATH) {
        write(dir, manifest::PATH, contents)?;
    }
    Ok(())
}

/// Write `contents` to `path` under `dir`: checked again for links (the folder may have
/// changed since the plan), written to a temporary file that did not exist before (so
/// that no link planted under its name is followed), then renamed over the file.
fn write(dir: &Path, path: &str, contents: &[u8]) -> Result<(), RegenerateError> {
    use std::io::Write;
    no_links(dir, path)?;
    let full: PathBuf = dir.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let temporary = full.with_file_name(format!(
        ".{}.quickwin-tmp",
        full.file_name().and_then(|n| n.to_str()).unwrap_or("file")
    ));
    match std::fs::remove_file(&temporary) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(&temporary)(e)),
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .map_err(io(&temporary))?;
    file.write_all(contents).map_err(io(&temporary))?;
    drop(file);
    std::fs::rename(&temporary, &full).map_err(io(&full))
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn only_plain_relative_paths_are_safe() {
        for ok in [
            "Cargo.toml",
            "src/main.rs",
            ".quickwin/base/src/hooks.rs",
            "deploy/water-fees.service",
        ] {
            assert!(safe(ok), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a\\b",
            "a/b c",
            "C:x",
            "a\0b",
        ] {
            assert!(!safe(bad), "{bad:?}");
        }
    }
}
