//! The module graph of the libraries, read from their sources: which module uses which
//! (`crate::x`, and `super::x` where that names a sibling), with no cycle at any level,
//! and the listing in `docs/architecture.md` the same as the graph. Test code
//! (`tests.rs`, `mod tests { … }`) and comments are not read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;

/// The crates whose modules must not import each other in a cycle.
const CRATES: &[&str] = &["blueprint", "runtime", "sandbox", "workshop"];

/// Edges between modules that are children of one parent: `parent` → `from` → `to`s.
/// The crate's top level has the parent `""`.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// The `.rs` files under `dir`, sorted.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The module path of a source file, e.g. `["http", "citizen"]`; `[]` for `lib.rs`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments and without its inline test module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn graph(krate: &str) -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(krate)
        .join("src");
    let files = sources(&src);
    // Every module that exists, as a path.
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&src, f)).collect();
    let path = Regex::new(r"\b((?:crate|super)(?:::super)*)::([a-z_][a-z0-9_]*)").unwrap();
    let group = Regex::new(r"\b((?:crate|super)(?:::super)*)::\{").unwrap();
    let mut graph = Graph::new();
    for file in &files {
        if file.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let here = module_of(&src, file);
        if here.is_empty() {
            continue;
        }
        let text = code(&std::fs::read_to_string(file).unwrap());
        let mut named: Vec<(String, String)> = path
            .captures_iter(&text)
            .map(|c| (c[1].to_string(), c[2].to_string()))
            .collect();
        // `use crate::{a, b::c}`: each item's first name.
        for c in group.captures_iter(&text) {
            let start = c.get(1).unwrap();
            let items = braced(&text[c.get(0).unwrap().end()..]);
            for item in top_level_items(items) {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_')
                    .collect();
                if !name.is_empty() && name != "self" {
                    named.push((start.as_str().to_string(), name));
                }
            }
        }
        for (start, name) in named {
            let start = start.as_str();
            let mut target: Vec<String> = if start == "crate" {
                Vec::new()
            } else {
                let ups = start.matches("super").count();
                here[..here.len().saturating_sub(ups)].to_vec()
            };
            target.push(name);
            if !modules.contains(&target) {
                continue;
            }
            // The edge between the two modules' ancestors that are siblings.
            let common = here.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common == here.len() || common == target.len() {
                // A module and its own descendant or ancestor: not an edge between rooms.
                continue;
            }
            graph
                .entry(here[..common].join("::"))
                .or_default()
                .entry(here[common].clone())
                .or_default()
                .insert(target[common].clone());
        }
    }
    graph
}

/// The text inside the braces that `text` starts within (after the opening one).
fn braced(text: &str) -> &str {
    let mut depth = 1;
    for (i, ch) in text.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[..i];
                }
            }
            _ => {}
        }
    }
    text
}

/// The comma-separated items of a brace group, nested groups kept whole.
fn top_level_items(text: &str) -> Vec<&str> {
    let (mut items, mut depth, mut from) = (Vec::new(), 0, 0);
    for (i, ch) in text.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&text[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    items.push(&text[from..]);
    items
}

/// A cycle among `edges`, if there is one.
fn cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == n) {
            let mut found = stack[i..].to_vec();
            found.push(n.to_string());
            return Some(found);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|n| visit(n, edges, &mut Vec::new(), &mut done))
}

/// The listing of a crate's graph: `module → what it uses`, one line each, by level.
fn listing(krate: &str, graph: &Graph) -> String {
    let mut out = String::new();
    for (parent, edges) in graph {
        for (from, to) in edges {
            let from = if parent.is_empty() {
                from.clone()
            } else {
                format!("{parent}::{from}")
            };
            let to: Vec<&str> = to.iter().map(String::as_str).collect();
            out.push_str(&format!("{krate}::{from} → {}\n", to.join(", ")));
        }
    }
    out
}

#[test]
fn no_module_imports_another_in_a_cycle() {
    for krate in CRATES {
        for (parent, edges) in graph(krate) {
            if let Some(c) = cycle(&edges) {
                panic!("a cycle in `{krate}` {parent}: {}", c.join(" → "));
            }
        }
    }
}

#[test]
fn grouped_uses_are_read_item_by_item() {
    let items = top_level_items(braced("a, b::{c, d}, self, e::f} rest"));
    assert_eq!(items, ["a", " b::{c, d}", " self", " e::f"]);
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["c".to_string()])),
        ("c".to_string(), BTreeSet::from(["a".to_string()])),
    ]
    .into();
    assert_eq!(cycle(&edges).unwrap(), ["a", "b", "c", "a"]);
}

#[test]
fn the_architecture_page_lists_the_module_graph() {
    let mut want = String::new();
    for krate in CRATES {
        want.push_str(&listing(krate, &graph(krate)));
    }
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
            .unwrap();
    let block = page
        .split("<!-- module graph -->\n```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_default();
    assert!(
        block == want,
        "docs/architecture.md's module graph is out of date; it should read:\n\n{want}"
    );
}
