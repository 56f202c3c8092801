//! `quickwin new`: a starter or a catalogue copy that passes `check` at once.

use crate::support::{catalogue, quickwin, scratch, stderr, stdout};

#[test]
fn the_starter_passes_check() {
    let dir = scratch("new-starter");
    let output = quickwin(&["new", "marriage-certificate", "-o", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let file = dir.join("marriage-certificate.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("id: marriage-certificate"));
    assert!(text.contains("# yaml-language-server: $schema=.quickwin/blueprint.schema.json"));
    assert!(dir.join(".quickwin/blueprint.schema.json").exists());
    let check = quickwin(&["check", "--deny-warnings", file.to_str().unwrap()]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn new_says_what_it_wrote_and_how_editors_use_the_schema() {
    let dir = scratch("new-output");
    let d = dir.to_str().unwrap();
    let output = quickwin(&["new", "marriage-certificate", "-o", d]);
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stdout(&output).replace(d, "DIR");
    insta::assert_snapshot!("new-output", said);
    let text = std::fs::read_to_string(dir.join("marriage-certificate.yaml")).unwrap();
    let first = text.lines().next().unwrap();
    assert!(said.contains(&format!("`{first}`")), "{said}");
}

#[test]
fn copies_of_the_catalogue_pass_check() {
    let dir = scratch("new-from");
    for file in catalogue() {
        let id = file.file_stem().unwrap().to_string_lossy().into_owned();
        let name = format!("my-{id}");
        let output = quickwin(&["new", &name, "--from", &id, "-o", dir.to_str().unwrap()]);
        assert!(output.status.success(), "{id}: {}", stderr(&output));
        let copy = dir.join(format!("{name}.yaml"));
        let text = std::fs::read_to_string(&copy).unwrap();
        assert!(text.contains(&format!("\nid: {name}\n")), "{id}");
        let check = quickwin(&["check", "--deny-warnings", copy.to_str().unwrap()]);
        assert!(
            check.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
}

#[test]
fn new_refuses_to_overwrite_and_explains_bad_names() {
    let dir = scratch("new-refuse");
    let d = dir.to_str().unwrap();
    assert!(quickwin(&["new", "permit", "-o", d]).status.success());
    let again = quickwin(&["new", "permit", "-o", d]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"));
    let bad = quickwin(&["new", "My Service", "-o", d]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("not a valid service id"));
    let unknown = quickwin(&["new", "x", "--from", "birth-certificat", "-o", d]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("did you mean `birth-certificate`?"));
}
