//! The vendored crates (`quickwin-blueprint`, `quickwin-runtime`): their sources as this
//! quickwin was built with them, their `Cargo.toml` with the workspace's values written
//! in, and a `Cargo.lock` that pins a generated project to the very versions this
//! workspace is tested with.

use std::collections::{BTreeMap, BTreeSet};

/// One crate of this workspace that a generated project carries in `vendor/`.
#[derive(Debug)]
pub struct Vendored {
    /// Its package name, also its folder under `vendor/`.
    pub name: &'static str,
    /// Its files: path within the crate, contents.
    pub files: &'static [(&'static str, &'static str)],
    /// Its `Cargo.toml` as it reads outside this workspace.
    pub manifest: &'static str,
    /// The names of its (normal) dependencies.
    pub dependencies: &'static [&'static str],
}

include!(concat!(env!("OUT_DIR"), "/vendor.rs"));

/// The vendored crate `name`, if it is one.
fn vendored(name: &str) -> Option<&'static Vendored> {
    CRATES.iter().find(|c| c.name == name)
}

/// The vendored crate a generated project depends on (it brings the other).
pub const RUNTIME: &str = "quickwin-runtime";

/// This workspace's lock file.
const WORKSPACE_LOCK: &str = include_str!("../../Cargo.lock");

/// A dependency of the workspace as written in its `Cargo.toml`, e.g.
/// `{ version = "1", features = ["derive"] }`.
pub fn dependency(name: &str) -> &'static str {
    WORKSPACE_DEPENDENCIES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("\"*\"", |(_, v)| v)
}

/// The version requirement of a workspace dependency, e.g. `4.5`.
pub fn version(name: &str) -> String {
    let value = dependency(name);
    let version = match value.split_once("version") {
        Some((_, rest)) => rest.trim_start_matches([' ', '=']),
        None => value,
    };
    version.split('"').nth(1).unwrap_or("*").to_string()
}

/// Whether `name` is the name of a crate this workspace's lock file holds: a project
/// named so would clash with one of its own dependencies.
pub fn is_locked_crate(name: &str) -> bool {
    let underscored = name.replace('-', "_");
    parse(WORKSPACE_LOCK)
        .1
        .iter()
        .any(|p| p.name == name || p.name.replace('-', "_") == underscored)
}

/// One `[[package]]` of a lock file.
struct Locked<'a> {
    name: &'a str,
    version: &'a str,
    text: &'a str,
    dependencies: Vec<&'a str>,
}

fn parse(lock: &str) -> (String, Vec<Locked<'_>>) {
    let mut parts = lock.split("\n[[package]]\n");
    let header = parts.next().unwrap_or_default().trim_end().to_string();
    let packages = parts
        .map(|text| {
            let field = |key: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(key))
                    .map_or("", |v| v.trim_start_matches(" = ").trim_matches('"'))
            };
            let dependencies = match text.split_once("dependencies = [") {
                Some((_, rest)) => rest
                    .split(']')
                    .next()
                    .unwrap_or_default()
                    .lines()
                    .map(|l| l.trim().trim_end_matches(',').trim_matches('"'))
                    .filter(|l| !l.is_empty())
                    .collect(),
                None => Vec::new(),
            };
            Locked {
                name: field("name"),
                version: field("version"),
                text: text.trim_end(),
                dependencies,
            }
        })
        .collect();
    (header, packages)
}

/// A lock file for the project `package` at `version` whose direct dependencies are
/// `direct` (the vendored runtime among them): the workspace's entries reachable from
/// them, and the project's own. Cargo completes it if a later quickwin needs more.
pub fn lock(package: &str, version: &str, direct: &[&str]) -> String {
    let (header, packages) = parse(WORKSPACE_LOCK);
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in packages.iter().enumerate() {
        by_name.entry(p.name).or_default().push(i);
    }
    let find = |reference: &str| -> Option<usize> {
        let mut words = reference.split(' ');
        let name = words.next()?;
        let version = words.next();
        by_name
            .get(name)?
            .iter()
            .copied()
            .find(|&i| version.is_none_or(|v| packages[i].version == v))
    };
    // The vendored crates are members of this workspace: their entries list their
    // dev-dependencies too, which a project never builds.
    let dependencies_of = |i: usize| -> Vec<&str> {
        packages[i]
            .dependencies
            .iter()
            .copied()
            .filter(|d| {
                vendored(packages[i].name).is_none_or(|c| {
                    c.dependencies
                        .contains(&d.split(' ').next().unwrap_or_default())
                })
            })
            .collect()
    };
    let mut keep = BTreeSet::new();
    let mut todo: Vec<usize> = direct.iter().filter_map(|d| find(d)).collect();
    todo.extend(find(RUNTIME));
    while let Some(i) = todo.pop() {
        if keep.insert(i) {
            todo.extend(dependencies_of(i).iter().filter_map(|d| find(d)));
        }
    }
    // Written anew from the kept entries: a dependency names its version only where
    // the project has more than one version of it, as Cargo writes it.
    let mut versions: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in &keep {
        *versions.entry(packages[i].name).or_insert(0) += 1;
    }
    let reference = |i: usize| {
        let p = &packages[i];
        if versions.get(p.name).copied().unwrap_or(0) > 1 {
            format!("{} {}", p.name, p.version)
        } else {
            p.name.to_string()
        }
    };
    let entry = |name: &str, version: &str, extra: &str, mut dependencies: Vec<String>| {
        dependencies.sort();
        dependencies.dedup();
        let mut text = format!("name = \"{name}\"\nversion = \"{version}\"\n{extra}");
        if !dependencies.is_empty() {
            text.push_str("dependencies = [\n");
            for d in dependencies {
                text.push_str(&format!(" \"{d}\",\n"));
            }
            text.push_str("]\n");
        }
        text
    };
    let mut entries: Vec<(String, String, String)> = keep
        .iter()
        .map(|&i| {
            let p = &packages[i];
            let extra: String = p
                .text
                .lines()
                .filter(|l| l.starts_with("source = ") || l.starts_with("checksum = "))
                .map(|l| format!("{l}\n"))
                .collect();
            let dependencies = dependencies_of(i)
                .iter()
                .filter_map(|d| find(d))
                .map(reference)
                .collect();
            (
                p.name.to_string(),
                p.version.to_string(),
                entry(p.name, p.version, &extra, dependencies),
            )
        })
        .collect();
    let own = direct
        .iter()
        .chain(std::iter::once(&RUNTIME))
        .filter_map(|d| find(d))
        .map(reference)
        .collect();
    entries.push((
        package.to_string(),
        version.to_string(),
        entry(package, version, "", own),
    ));
    entries.sort();
    let mut out = header;
    out.push('\n');
    for (_, _, text) in entries {
        out.push_str("\n[[package]]\n");
        out.push_str(&text);
    }
    out
}

/// The lock `disk` with the entry of the project's own `package` at the version the
/// newly made lock `new` gives it; `None` when it already is (or either has no entry).
pub fn relock(disk: &[u8], new: &[u8], package: &str) -> Option<Vec<u8>> {
    let (disk, new) = (
        std::str::from_utf8(disk).ok()?,
        std::str::from_utf8(new).ok()?,
    );
    let entry = format!("[[package]]\nname = \"{package}\"\nversion = \"");
    let version = |text: &str| -> Option<(usize, usize)> {
        let start = text.find(&entry)? + entry.len();
        Some((start, start + text[start..].find('"')?))
    };
    let (from, to) = version(new)?;
    let (start, end) = version(disk)?;
    (disk[start..end] != new[from..to])
        .then(|| format!("{}{}{}", &disk[..start], &new[from..to], &disk[end..]).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crates_are_vendored_whole_without_their_tests() {
        let names: Vec<&str> = CRATES.iter().map(|c| c.name).collect();
        assert_eq!(names, ["quickwin-blueprint", "quickwin-runtime"]);
        for c in CRATES {
            let paths: Vec<&str> = c.files.iter().map(|(p, _)| *p).collect();
            assert!(paths.contains(&"src/lib.rs"), "{}", c.name);
            assert!(
                paths
                    .iter()
                    .all(|p| !p.ends_with("tests.rs") && !p.contains("snapshots"))
            );
            let mut sorted = paths.clone();
            sorted.sort();
            assert_eq!(paths, sorted);
            assert!(!c.manifest.contains("workspace = true"), "{}", c.manifest);
            assert!(!c.manifest.contains("[dev-dependencies]"));
            assert!(c.manifest.contains("[lints.rust]"));
        }
        let runtime = vendored(RUNTIME).unwrap();
        assert!(
            runtime
                .files
                .iter()
                .any(|(p, _)| *p == "templates/portal/base.html")
        );
        assert!(
            runtime.manifest.contains("tokio = { version = \"1\""),
            "{}",
            runtime.manifest
        );
        // The runtime finds the blueprint crate beside it.
        assert!(
            runtime
                .manifest
                .contains("quickwin-blueprint = { path = \"../quickwin-blueprint\" }"),
            "{}",
            runtime.manifest
        );
        assert_eq!(version("clap"), "4.5");
        assert!(is_locked_crate("regex") && is_locked_crate("serde-json"));
        assert!(!is_locked_crate("water-fees"));
        assert_eq!(version("serde_json"), "1");
    }

    #[test]
    fn the_lock_keeps_what_the_project_reaches_and_nothing_else() {
        let lock = lock(
            "water-fees",
            "0.1.0",
            &["clap", "serde", "serde_json", "tokio"],
        );
        assert!(lock.starts_with("# This file is automatically @generated by Cargo."));
        for needed in [
            "name = \"rusqlite\"",
            "name = \"axum\"",
            "name = \"clap_derive\"",
            "name = \"water-fees\"",
            "name = \"quickwin-runtime\"",
            "name = \"quickwin-blueprint\"",
        ] {
            assert!(lock.contains(needed), "{needed} missing");
        }
        // The CLI's and the tests' own dependencies are not reached.
        for unneeded in [
            "name = \"insta\"",
            "name = \"mimalloc\"",
            "name = \"quickwin-sandbox\"",
            "name = \"quickwin-generator\"",
        ] {
            assert!(!lock.contains(unneeded), "{unneeded} kept");
        }
    }
}
