//! Embeds the sources of the crates a generated project vendors (`quickwin-blueprint`
//! and `quickwin-runtime`), so that `quickwin generate` can copy them into a project,
//! and writes each one's `Cargo.toml` as it must read outside this workspace: every
//! `x.workspace = true` replaced by the workspace's own value.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The crates a generated project vendors, as named in this workspace: folder, package.
const CRATES: &[(&str, &str)] = &[
    ("blueprint", "quickwin-blueprint"),
    ("runtime", "quickwin-runtime"),
];

fn main() {
    let here = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = here
        .parent()
        .expect("the generator is in the workspace")
        .to_path_buf();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    println!(
        "cargo:rerun-if-changed={}",
        root.join("Cargo.toml").display()
    );
    let workspace =
        std::fs::read_to_string(root.join("Cargo.toml")).expect("the workspace manifest");
    let sections = sections(&workspace);

    let mut out = String::from(
        "/// The crates to vendor, each with its files (path within the crate, contents), its\n/// `Cargo.toml` as it reads outside this workspace and its (normal) dependencies.\npub const CRATES: &[Vendored] = &[\n",
    );
    for (folder, package) in CRATES {
        let dir = root.join(folder);
        for watched in ["src", "templates", "Cargo.toml"] {
            println!("cargo:rerun-if-changed={}", dir.join(watched).display());
        }
        writeln!(
            out,
            "    Vendored {{\n        name: {package:?},\n        files: &["
        )
        .expect("writing to a string");
        for sub in ["src", "templates"] {
            if !dir.join(sub).is_dir() {
                continue;
            }
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir.join(sub))
                .sort_by_file_name()
                .into_iter()
                .map(|e| e.expect("the crate's sources can be read"))
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .filter(|p| vendored(p))
                .collect();
            files.sort();
            for file in files {
                println!("cargo:rerun-if-changed={}", file.display());
                let relative = file
                    .strip_prefix(&dir)
                    .expect("under the crate")
                    .to_string_lossy()
                    .replace('\\', "/");
                // A test module in a file of its own is not vendored; neither is its
                // declaration, or `cargo fmt` in the project would look for it.
                let text = std::fs::read_to_string(&file).expect("the crate's sources are UTF-8");
                let source = if text.contains(TEST_MODULE) {
                    let copy = out_dir.join("vendored").join(folder).join(&relative);
                    std::fs::create_dir_all(copy.parent().expect("a file has a folder"))
                        .expect("OUT_DIR is writable");
                    std::fs::write(&copy, text.replace(TEST_MODULE, ""))
                        .expect("OUT_DIR is writable");
                    copy
                } else {
                    file.clone()
                };
                writeln!(
                    out,
                    "            ({relative:?}, include_str!({:?})),",
                    source.display().to_string()
                )
                .expect("writing to a string");
            }
        }
        out.push_str("        ],\n");
        let manifest =
            std::fs::read_to_string(dir.join("Cargo.toml")).expect("the crate's manifest");
        let cargo = crate_manifest(&manifest, &sections);
        writeln!(
            out,
            "        manifest: {cargo:?},\n        dependencies: &["
        )
        .expect("writing to a string");
        let mut in_dependencies = false;
        for line in manifest.lines().map(str::trim) {
            if line.starts_with('[') {
                in_dependencies = line == "[dependencies]";
            } else if in_dependencies && !line.is_empty() {
                let name = line.split(['.', ' ', '=']).next().unwrap_or_default();
                writeln!(out, "            {name:?},").expect("writing to a string");
            }
        }
        out.push_str("        ],\n    },\n");
    }
    out.push_str("];\n\n");
    out.push_str("/// The workspace's dependencies: name, value as written in `Cargo.toml`.\n");
    out.push_str("pub const WORKSPACE_DEPENDENCIES: &[(&str, &str)] = &[\n");
    for (name, value) in &sections["workspace.dependencies"] {
        writeln!(out, "    ({name:?}, {value:?}),").expect("writing to a string");
    }
    out.push_str("];\n\n");
    let package = &sections["workspace.package"];
    writeln!(
        out,
        "/// The edition the workspace is written in.\npub const EDITION: &str = {:?};\n\n/// The oldest Rust the workspace builds with.\npub const RUST_VERSION: &str = {:?};\n\n/// quickwin's version.\npub const QUICKWIN_VERSION: &str = {:?};",
        unquote(&package["edition"]),
        unquote(&package["rust-version"]),
        unquote(&package["version"]),
    )
    .expect("writing to a string");

    let dest = out_dir.join("vendor.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

/// The declaration of a test module kept in a file of its own.
const TEST_MODULE: &str = "\n#[cfg(test)]\nmod tests;\n";

/// Whether a crate's file goes into the vendored copy: not its tests, which need this
/// repository's blueprints and test-only dependencies.
fn vendored(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    !p.components().any(|c| c.as_os_str() == "snapshots") && name != "tests.rs"
}

fn unquote(v: &str) -> String {
    v.trim().trim_matches('"').to_string()
}

/// The `key = value` lines of every `[section]` of a manifest (single-line values, as
/// this workspace writes them).
fn sections(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut all: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current = String::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with("[[") {
            current = String::new();
        } else if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.to_string();
            all.entry(current.clone()).or_default();
        } else if let Some((k, v)) = line.split_once('=') {
            if !current.is_empty() && !line.starts_with('#') {
                all.entry(current.clone())
                    .or_default()
                    .insert(k.trim().to_string(), v.trim().to_string());
            }
        }
    }
    all
}

/// A vendored crate's manifest with the workspace's values written in, another vendored
/// crate named by its folder beside it, no dev-dependencies (its tests are not
/// vendored), and the workspace's lints as its own.
fn crate_manifest(text: &str, ws: &BTreeMap<String, BTreeMap<String, String>>) -> String {
    let mut out = String::from(
        "# Part of quickwin, vendored by `quickwin generate`. Regenerating the project replaces\n# it with the one of the quickwin that regenerates; change it in the quickwin\n# repository rather than here.\n",
    );
    let mut section = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            if section == "dev-dependencies" || section == "lints" {
                continue;
            }
            out.push('\n');
            out.push_str(line);
            out.push('\n');
            if section == "package" {
                out.push_str("publish = false\n");
            }
            continue;
        }
        if section == "dev-dependencies" || section == "lints" || trimmed.is_empty() {
            continue;
        }
        if let Some(key) = trimmed
            .strip_suffix(".workspace = true")
            .filter(|k| CRATES.iter().any(|(_, package)| package == k))
        {
            out.push_str(&format!("{key} = {{ path = \"../{key}\" }}\n"));
        } else if let Some(key) = trimmed.strip_suffix(".workspace = true") {
            let from = if section == "package" {
                "workspace.package"
            } else {
                "workspace.dependencies"
            };
            let value = ws
                .get(from)
                .and_then(|s| s.get(key))
                .unwrap_or_else(|| panic!("the workspace has no `{key}` in [{from}]"));
            out.push_str(&format!("{key} = {value}\n"));
        } else if trimmed.contains("workspace = true") {
            panic!("the manifest line `{trimmed}` cannot be vendored");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    for (name, lints) in ws {
        if let Some(kind) = name.strip_prefix("workspace.lints.") {
            out.push_str(&format!("\n[lints.{kind}]\n"));
            for (k, v) in lints {
                out.push_str(&format!("{k} = {v}\n"));
            }
        }
    }
    out
}
