//! `quickwin generate` as an agency's team uses it: a project written from a catalogue
//! blueprint, `--check` and `--dry-run`, and the "done when" of the generator — the team
//! edits `src/hooks.rs` and a template, changes the blueprint, regenerates, and both
//! edits are kept and reported.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{quickwin, root, scratch, stderr, stdout};

/// Every file under `dir` with its contents.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The output with the folder and the time taken made constant.
fn normal(text: &str, dir: &Path) -> String {
    let ms = regex::Regex::new(r"\(\d+ ms\)").unwrap();
    ms.replace_all(&text.replace(&dir.display().to_string(), "[DIR]"), "(N ms)")
        .into_owned()
}

#[test]
fn edits_to_the_hooks_and_a_template_survive_a_blueprint_change() {
    let dir = scratch("generate-water-fees").join("water-fees");
    let out = dir.to_str().unwrap();
    let blueprint = root().join("blueprints/water-fees.yaml");
    let first = quickwin(&["generate", blueprint.to_str().unwrap(), "-o", out]);
    assert!(first.status.success(), "{}", stderr(&first));
    let text = stdout(&first);
    assert!(text.contains("generated `water-fees`"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("  src/hooks.rs ") && l.ends_with(" created")),
        "{text}"
    );
    assert!(dir.join("vendor/quickwin-runtime/src/lib.rs").is_file());
    assert!(dir.join(".quickwin/manifest.json").is_file());

    // Up to date with its own copy of the blueprint.
    let check = quickwin(&["generate", "-o", out, "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));

    // The team's edits.
    let hooks = dir.join("src/hooks.rs");
    let own_hooks = std::fs::read_to_string(&hooks).unwrap().replace(
        "        let _ = application;\n        Vec::new()",
        "        // The agency's rule: nothing more to check yet.\n        let _ = application;\n        Vec::new()",
    );
    std::fs::write(&hooks, &own_hooks).unwrap();
    let template = dir.join("templates/start.html");
    let own_page = std::fs::read_to_string(&template).unwrap().replacen(
        '\n',
        "\n{# the directorate's banner #}\n",
        1,
    );
    std::fs::write(&template, &own_page).unwrap();

    // The blueprint changes: the project is out of date, and a dry run writes nothing.
    let file = dir.join("blueprint.yaml");
    let changed =
        std::fs::read_to_string(&file)
            .unwrap()
            .replacen("version: 1.0.0", "version: 1.1.0", 1);
    std::fs::write(&file, changed).unwrap();
    let check = quickwin(&["generate", "-o", out, "--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
    let text = normal(&stdout(&check), &dir);
    assert!(
        text.lines()
            .any(|l| l.starts_with("  README.md ") && l.ends_with(" updated")),
        "{text}"
    );
    let before = tree(&dir);
    let dry = quickwin(&["generate", "-o", out, "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert_eq!(tree(&dir), before, "a dry run wrote");
    insta::assert_snapshot!("dry_run", normal(&stdout(&dry), &dir));

    // Regenerating keeps both edits and says so.
    let again = quickwin(&["generate", "-o", out]);
    assert!(again.status.success(), "{}", stderr(&again));
    insta::assert_snapshot!("regenerated", normal(&stdout(&again), &dir));
    assert_eq!(std::fs::read_to_string(&hooks).unwrap(), own_hooks);
    assert_eq!(std::fs::read_to_string(&template).unwrap(), own_page);
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains("version 1.1.0"), "{readme}");
    let check = quickwin(&["generate", "-o", out, "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

#[test]
fn an_invalid_blueprint_generates_nothing() {
    let dir = scratch("generate-invalid");
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "quickwin: 1\nid: Bad Id\n").unwrap();
    let out = dir.join("project");
    let run = quickwin(&[
        "generate",
        bad.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(
        err.contains("bad.yaml:")
            && err.contains("error[")
            && err.contains("nothing was generated"),
        "{err}"
    );
    assert!(!out.exists());
}
