//! The generator end to end, in memory and on real folders: the tree made for a small
//! blueprint (snapshots), the same tree every time, a hostile blueprint's texts kept
//! inert, and the rules of regeneration — untouched files updated, edited files kept or
//! merged, overlapping edits reported as conflicts with `FILE.new`, stale files removed
//! only when untouched — and that nothing is written outside the project.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use quickwin_blueprint::Blueprint;
use quickwin_generator::regenerate::{self, Action, RegenerateError};
use quickwin_generator::{Kind, Project, project};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn blueprint(text: &str) -> Blueprint {
    let checked = quickwin_blueprint::check_bytes("blueprint.yaml", text.as_bytes());
    checked
        .blueprint
        .unwrap_or_else(|| panic!("invalid: {:?}", checked.diagnostics))
}

fn generated(text: &str) -> Project {
    project(&blueprint(text), text.as_bytes()).expect("the project is made")
}

fn permit() -> String {
    std::fs::read_to_string(fixture("permit.yaml")).unwrap()
}

/// A new, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("quickwin-generator-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Generate `text` into `dir`; what happened to each file that changed.
fn write(dir: &Path, text: &str) -> BTreeMap<String, Action> {
    let bp = blueprint(text);
    let p = project(&bp, text.as_bytes()).unwrap();
    let plan = regenerate::plan(dir, &p, bp.id.as_str()).unwrap();
    regenerate::apply(dir, &plan).unwrap();
    plan.entries
        .into_iter()
        .filter(|e| e.action != Action::Unchanged)
        .map(|e| (e.path, e.action))
        .collect()
}

/// Every file under `dir` with its contents, sorted.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn text(p: &Project, path: &str) -> String {
    String::from_utf8(p.files[path].contents.clone()).unwrap()
}

#[test]
fn a_small_blueprint_gives_this_tree() {
    let p = generated(&permit());
    let listing: Vec<String> = p
        .files
        .iter()
        .map(|(path, f)| {
            let kind = if f.kind == Kind::Seed { " (seed)" } else { "" };
            format!("{path}{kind}")
        })
        .collect();
    insta::assert_snapshot!("tree", listing.join("\n"));
    for path in [
        "Cargo.toml",
        ".gitignore",
        "README.md",
        "Dockerfile",
        "deploy/permit.service",
        "migrations/schema.sql",
        "src/main.rs",
        "src/lib.rs",
        "src/hooks.rs",
        "src/records.rs",
        "tests/service.rs",
    ] {
        insta::assert_snapshot!(path.replace(['/', '.'], "_"), text(&p, path));
    }
    assert_eq!(p.files["blueprint.yaml"].contents, permit().as_bytes());
    // The pages are the engine's, ready to be changed.
    for (name, contents) in quickwin_runtime::theme::embedded() {
        assert_eq!(text(&p, &format!("templates/{name}")), contents);
    }
}

#[test]
fn the_package_version_is_the_blueprints_and_follows_it() {
    let source = permit().replace("version: 1.0.0", "version: 0.2.0");
    let cargo = text(&generated(&source), "Cargo.toml");
    assert!(cargo.contains("\nversion = \"0.2.0\"\n"), "{cargo}");
    // Regenerated after the blueprint's version changed, untouched or edited by the team.
    let dir = scratch("version");
    write(&dir, &source);
    let next = source.replace("version: 0.2.0", "version: 0.3.0");
    assert_eq!(write(&dir, &next).get("Cargo.toml"), Some(&Action::Updated));
    let path = dir.join("Cargo.toml");
    let edited = std::fs::read_to_string(&path).unwrap() + "\n[profile.release]\nlto = true\n";
    std::fs::write(&path, &edited).unwrap();
    let merged = write(&dir, &next.replace("version: 0.3.0", "version: 1.0"));
    assert_eq!(
        merged.get("Cargo.toml"),
        Some(&Action::Merged),
        "{merged:?}"
    );
    let cargo = std::fs::read_to_string(&path).unwrap();
    assert!(
        cargo.contains("\nversion = \"1.0.0\"\n") && cargo.contains("lto = true"),
        "{cargo}"
    );
    // The lock is the team's (Cargo keeps it), but names the package's new version.
    let lock = std::fs::read_to_string(dir.join("Cargo.lock")).unwrap();
    assert!(
        lock.contains("[[package]]\nname = \"permit\"\nversion = \"1.0.0\"\n"),
        "{lock}"
    );
}

#[test]
fn records_say_which_agency_call_fills_a_field() {
    let catalogue = Path::new(env!("CARGO_MANIFEST_DIR")).join("../blueprints");
    let source = std::fs::read_to_string(catalogue.join("birth-certificate.yaml")).unwrap();
    let records = text(&generated(&source), "src/records.rs");
    let doc = |field: &str| {
        records
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("/// `{field}`:")))
            .unwrap_or_else(|| panic!("no doc for `{field}`:\n{records}"))
            .trim()
            .to_string()
    };
    assert!(
        doc("mother_full_name").ends_with(
            ", filled by the agency call `mother_record` (`IQ/GOV/MOI/civil-registry/persons`, on `verify`)."
        ),
        "{}",
        doc("mother_full_name")
    );
    assert!(
        doc("hospital_name").contains(
            "filled by the agency call `birth_notification` (`IQ/GOV/MOH/births/notifications`, on `submit`)"
        ),
        "{}",
        doc("hospital_name")
    );
    assert!(!records.contains("filled by the office"), "{records}");
}

#[test]
fn the_same_blueprint_gives_the_same_bytes() {
    let (a, b) = (generated(&permit()), generated(&permit()));
    assert_eq!(a, b);
    for (path, f) in &a.files {
        assert!(
            !f.contents.windows(2).any(|w| w == b"\r\n"),
            "{path} has \\r\\n"
        );
    }
    // On disk too: two projects from the same blueprint are identical trees.
    let (x, y) = (scratch("same-x"), scratch("same-y"));
    write(&x, &permit());
    write(&y, &permit());
    assert_eq!(tree(&x), tree(&y));
}

/// Whether `rustfmt` accepts the Rust files `files` (path, code) as they are: written
/// out together (rustfmt follows `mod`s), each checked from its file (on standard
/// input `--check` reports nothing).
fn rustfmt_clean(files: &[(&str, &str)]) -> Result<(), String> {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = scratch(&format!("rustfmt-{n}"));
    for (path, code) in files {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, code).unwrap();
    }
    for (path, _) in files {
        let out = Command::new("rustfmt")
            .args(["--edition", "2024", "--check"])
            .arg(dir.join(path))
            .output()
            .map_err(|e| format!("rustfmt cannot run: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "{path}:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    Ok(())
}

#[test]
fn the_rustfmt_check_can_fail() {
    assert!(rustfmt_clean(&[("main.rs", "fn  main(){}\n")]).is_err());
    assert!(rustfmt_clean(&[("main.rs", "fn main() {}\n")]).is_ok());
}

#[test]
fn generated_rust_is_rustfmt_clean_for_every_catalogue_blueprint_and_a_hostile_one() {
    let catalogue = Path::new(env!("CARGO_MANIFEST_DIR")).join("../blueprints");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&catalogue)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 6);
    files.push(fixture("hostile.yaml"));
    files.push(fixture("permit.yaml"));
    for file in files {
        let p = generated(&std::fs::read_to_string(&file).unwrap());
        let rust: Vec<(&str, &str)> = p
            .files
            .iter()
            .filter(|(path, _)| path.ends_with(".rs") && !path.starts_with("vendor/"))
            .map(|(path, f)| (path.as_str(), std::str::from_utf8(&f.contents).unwrap()))
            .collect();
        assert_eq!(rust.len(), 5);
        if let Err(diff) = rustfmt_clean(&rust) {
            panic!("{}: not rustfmt-clean: {diff}", file.display());
        }
    }
}

#[test]
fn a_hostile_blueprint_cannot_break_out_of_any_file() {
    let source = std::fs::read_to_string(fixture("hostile.yaml")).unwrap();
    let p = generated(&source);
    // Its id is reserved by Cargo: the package is renamed.
    assert_eq!(p.package, "test-service");
    assert!(p.files.contains_key("deploy/test-service.service"));
    // Rust: keywords become raw or renamed fields, a type named like the prelude's is
    // renamed, and labels stay in comments.
    let records = text(&p, "src/records.rs");
    assert!(records.contains("pub r#type: Option<String>,"), "{records}");
    assert!(
        records.contains("#[serde(rename = \"self\")]\n    pub self_: Option<f64>,"),
        "{records}"
    );
    assert!(
        records.contains("pub members: Vec<OptionRecord>,"),
        "{records}"
    );
    for line in records.lines() {
        let code = line.trim_start();
        assert!(
            code.is_empty()
                || code.starts_with("//")
                || code.starts_with("#[")
                || code.starts_with("pub ")
                || code.starts_with("use ")
                || code == "}",
            "a label leaked into code: {line}"
        );
    }
    assert!(!records.contains('\u{7}') && !records.contains('\u{202E}'));
    // TOML: one line, quotes escaped.
    let cargo = text(&p, "Cargo.toml");
    let description = cargo
        .lines()
        .find(|l| l.starts_with("description = "))
        .unwrap();
    assert!(description.ends_with("second line\""), "{description}");
    assert!(description.contains("\\\"quoted\\\""), "{description}");
    assert_eq!(
        cargo.lines().filter(|l| l.starts_with("name = ")).count(),
        1
    );
    // Markdown and HTML: no live markup.
    let readme = text(&p, "README.md");
    assert!(
        !readme.contains("<script>") && readme.contains("&lt;script&gt;"),
        "{readme}"
    );
    // systemd: one line, specifiers escaped.
    let unit = text(&p, "deploy/test-service.service");
    let description = unit
        .lines()
        .find(|l| l.starts_with("Description="))
        .unwrap();
    assert!(
        description.contains("%%i") && !description.contains(" %i"),
        "{description}"
    );
    assert_eq!(
        unit.lines().filter(|l| l.starts_with("ExecStart=")).count(),
        1
    );
    // YAML: the OpenAPI document reads back as the document.
    let yaml = text(&p, "openapi.yaml");
    let docs = yaml_rust2::YamlLoader::load_from_str(&yaml).expect("openapi.yaml is YAML");
    let title = docs[0]["info"]["title"].as_str().unwrap();
    assert!(title.starts_with("Title \"quoted\" {{ title }}"), "{title}");
    // SQL: identifiers are quoted ids, never labels.
    let sql = text(&p, "migrations/schema.sql");
    assert!(
        sql.contains("\"type\"") && !sql.contains("drop table"),
        "{sql}"
    );
    // The blueprint itself is kept byte for byte.
    assert_eq!(p.files["blueprint.yaml"].contents, source.as_bytes());
}

#[test]
fn regeneration_keeps_the_teams_edits_and_removes_only_untouched_stale_files() {
    let dir = scratch("regenerate");
    let first = write(&dir, &permit());
    assert!(first.values().all(|a| *a == Action::Created));
    assert_eq!(
        write(&dir, &permit()),
        BTreeMap::new(),
        "a second run changes nothing"
    );

    // The team edits the hooks (a new function at the end), a template (a line of the
    // page), the README's title line, and the deploy unit.
    let hooks = dir.join("src/hooks.rs");
    let mut own = std::fs::read_to_string(&hooks).unwrap();
    own.push_str("\n/// The team's own helper.\npub fn helper() -> u32 {\n    42\n}\n");
    std::fs::write(&hooks, &own).unwrap();
    let template = dir.join("templates/start.html");
    let page = std::fs::read_to_string(&template).unwrap();
    let edited_page = page.replacen('\n', "\n<!-- the agency's banner -->\n", 1);
    std::fs::write(&template, &edited_page).unwrap();
    let readme = dir.join("README.md");
    let team_readme =
        std::fs::read_to_string(&readme)
            .unwrap()
            .replacen("# Permit", "# Permit (our pilot)", 1);
    std::fs::write(&readme, &team_readme).unwrap();
    let unit = dir.join("deploy/permit.service");
    std::fs::write(&unit, "# edited by the team\n").unwrap();
    let untouched_dockerfile = std::fs::read(dir.join("Dockerfile")).unwrap();

    // The blueprint changes: a new field, a new title, a new id.
    let changed = permit()
        .replace("id: permit\n", "id: permit-v2\n")
        .replace("title: {en: Permit,", "title: {en: Work permit,")
        .replace(
            "      - {id: members, type: group",
            "      - {id: phone, type: phone, label: {en: Phone, ar: الهاتف}, example: \"07701234567\"}\n      - {id: members, type: group",
        );
    let second = write(&dir, &changed);

    // Untouched, and the generator's version changed: rewritten.
    assert_eq!(second.get("src/records.rs"), Some(&Action::Updated));
    let records = std::fs::read_to_string(dir.join("src/records.rs")).unwrap();
    assert!(records.contains("pub phone: Option<String>,"), "{records}");
    assert_eq!(second.get("Cargo.toml"), Some(&Action::Updated));
    // Edited, and the generator's version did not change: kept as the team left it.
    assert_eq!(second.get("src/hooks.rs"), Some(&Action::Kept));
    assert_eq!(std::fs::read_to_string(&hooks).unwrap(), own);
    assert_eq!(second.get("templates/start.html"), Some(&Action::Kept));
    assert_eq!(std::fs::read_to_string(&template).unwrap(), edited_page);
    // Edited, and the generator changed the same line: a conflict, the team's file
    // untouched and the new version beside it.
    assert_eq!(second.get("README.md"), Some(&Action::Conflict));
    assert_eq!(std::fs::read_to_string(&readme).unwrap(), team_readme);
    let new = std::fs::read_to_string(dir.join("README.md.new")).unwrap();
    assert!(new.starts_with("# Work permit / تصريح\n"), "{new}");
    // The unit of the old id is no longer generated: kept, because it was edited; the
    // one of the new id is created.
    assert_eq!(
        second.get("deploy/permit.service"),
        Some(&Action::KeptStale)
    );
    assert!(unit.exists());
    assert_eq!(
        second.get("deploy/permit-v2.service"),
        Some(&Action::Created)
    );
    assert_eq!(second.get("Dockerfile"), Some(&Action::Updated));
    assert_ne!(
        std::fs::read(dir.join("Dockerfile")).unwrap(),
        untouched_dockerfile
    );

    // Edits in other places than the generator's changes are merged.
    let main = dir.join("src/main.rs");
    let team_main = std::fs::read_to_string(&main).unwrap().replacen(
        "use std::io::Read;\n",
        "use std::io::Read;\n// The team's note.\n",
        1,
    );
    std::fs::write(&main, &team_main).unwrap();
    let lib = dir.join("src/lib.rs");
    let team_lib = format!(
        "{}\n/// The team's module.\npub mod extra {{}}\n",
        std::fs::read_to_string(&lib).unwrap()
    );
    std::fs::write(&lib, &team_lib).unwrap();
    let renamed = changed
        .replace("id: permit-v2\n", "id: permit-v3\n")
        .replace("{en: Work permit,", "{en: Residence permit,");
    let third = write(&dir, &renamed);
    assert_eq!(third.get("src/lib.rs"), Some(&Action::Merged), "{third:?}");
    let merged = std::fs::read_to_string(&lib).unwrap();
    assert!(
        merged.contains("Residence permit") && merged.contains("pub mod extra {}"),
        "{merged}"
    );
    assert_eq!(third.get("src/main.rs"), Some(&Action::Merged), "{third:?}");
    let merged = std::fs::read_to_string(&main).unwrap();
    assert!(
        merged.contains("// The team's note.") && merged.contains("Residence permit"),
        "{merged}"
    );
    // Stale and untouched: removed.
    assert_eq!(
        third.get("deploy/permit-v2.service"),
        Some(&Action::Removed)
    );
    assert!(!dir.join("deploy/permit-v2.service").exists());
    // The conflict is reported again while `README.md.new` is there.
    assert_eq!(third.get("README.md"), Some(&Action::Conflict));
    assert_eq!(
        write(&dir, &renamed).get("README.md"),
        Some(&Action::Conflict)
    );
    // The team takes the new version in by hand, keeping their own title, and deletes
    // the `.new`: their file stands, and later regenerations merge into it.
    let offered = std::fs::read_to_string(dir.join("README.md.new")).unwrap();
    let resolved = offered.replacen("# Residence permit", "# Residence permit (our pilot)", 1);
    std::fs::write(&readme, &resolved).unwrap();
    std::fs::remove_file(dir.join("README.md.new")).unwrap();
    assert_eq!(
        write(&dir, &renamed).get("README.md"),
        Some(&Action::Resolved)
    );
    assert_eq!(std::fs::read_to_string(&readme).unwrap(), resolved);
    let settled = write(&dir, &renamed);
    assert!(settled.values().all(|a| *a == Action::Kept), "{settled:?}");
    let fourth = write(&dir, &renamed.replace("version: 1.0.0", "version: 1.2.0"));
    assert_eq!(fourth.get("README.md"), Some(&Action::Merged), "{fourth:?}");
    let merged = std::fs::read_to_string(&readme).unwrap();
    assert!(
        merged.contains("(our pilot)") && merged.contains("version 1.2.0"),
        "{merged}"
    );

    // A generated file the team deleted stays deleted, and the project is not out of
    // date for it.
    std::fs::remove_file(dir.join("Dockerfile")).unwrap();
    let fifth = write(&dir, &renamed.replace("version: 1.0.0", "version: 1.3.0"));
    assert_eq!(fifth.get("Dockerfile"), Some(&Action::Deleted));
    assert!(!dir.join("Dockerfile").exists());
}

#[test]
fn a_dry_run_writes_nothing_and_says_what_would_change() {
    let dir = scratch("dry-run");
    write(&dir, &permit());
    let before = tree(&dir);
    let changed = permit().replace("title: {en: Permit,", "title: {en: Work permit,");
    let bp = blueprint(&changed);
    let plan =
        regenerate::plan(&dir, &project(&bp, changed.as_bytes()).unwrap(), "permit").unwrap();
    assert!(plan.out_of_date());
    let updated: Vec<&str> = plan
        .entries
        .iter()
        .filter(|e| e.action == Action::Updated)
        .map(|e| e.path.as_str())
        .collect();
    assert!(
        updated.contains(&"README.md") && updated.contains(&"blueprint.yaml"),
        "{updated:?}"
    );
    assert_eq!(tree(&dir), before);
}

#[test]
fn nothing_is_written_outside_the_project() {
    // A manifest that names a file outside the project is refused before any write.
    let dir = scratch("outside");
    write(&dir, &permit());
    let manifest = dir.join(".quickwin/manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap().replacen(
        "\"files\": {",
        "\"files\": {\n    \"../victim.txt\": \"00\",",
        1,
    );
    std::fs::write(&manifest, text).unwrap();
    let victim = dir.parent().unwrap().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let bp = blueprint(&permit());
    let p = project(&bp, permit().as_bytes()).unwrap();
    match regenerate::plan(&dir, &p, "permit") {
        Err(RegenerateError::UnsafePath(path)) => assert_eq!(path, "../victim.txt"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    std::fs::remove_file(&victim).unwrap();

    // A folder of the project that is a link to elsewhere is never written through.
    #[cfg(unix)]
    {
        let dir = scratch("link");
        let elsewhere = scratch("link-target");
        std::os::unix::fs::symlink(&elsewhere, dir.join("src")).unwrap();
        match regenerate::plan(&dir, &p, "permit") {
            Err(RegenerateError::Link(path)) => assert!(path.ends_with("src"), "{path}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    }
}
