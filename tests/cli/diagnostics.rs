//! One golden report per kind of diagnostic: a bad blueprint and exactly what `check` says.

use quickwin_blueprint::Code;

use crate::support::{quickwin, root, scratch, stdout};

/// Kinds that no fixture can produce: `internal` is quickwin's own failure, which the
/// mutation tests show never happens; `file-too-large` is tested with a generated file.
const NO_FIXTURE: &[Code] = &[Code::Internal, Code::FileTooLarge];

#[test]
fn every_kind_of_diagnostic_has_a_golden_report() {
    for &code in Code::ALL {
        if NO_FIXTURE.contains(&code) {
            continue;
        }
        let name = code.as_str();
        let file = format!("tests/fixtures/diagnostics/{name}.yaml");
        assert!(
            root().join(&file).exists(),
            "no fixture for `{name}`: add {file}"
        );
        let output = quickwin(&["check", &file]);
        let report = stdout(&output);
        assert!(
            report.contains(&format!("[{name}]")),
            "{file} does not produce `{name}`:\n{report}"
        );
        let warning_only = !report.contains("error[");
        assert_eq!(
            output.status.code(),
            Some(if warning_only { 0 } else { 1 }),
            "{report}"
        );
        insta::assert_snapshot!(format!("diagnostic-{name}"), report);
    }
}

/// Mistakes of a team new to YAML, each with the hint `check` gives (the golden reports
/// above show one per code; these show that the hints name the real cause and the fix).
const BEGINNERS: &[&str] = &[
    "text-starting-with-a-brace",
    "colon-in-a-one-line-mapping",
    "placeholder-alone",
    "tab-on-the-next-line",
    "thousands-separator",
    "unknown-placeholder",
];

#[test]
fn beginners_mistakes_are_explained() {
    for name in BEGINNERS {
        let file = format!("tests/fixtures/diagnostics/beginners/{name}.yaml");
        let output = quickwin(&["check", &file]);
        let report = stdout(&output);
        assert_eq!(output.status.code(), Some(1), "{report}");
        insta::assert_snapshot!(format!("beginner-{name}"), report);
    }
}

#[test]
fn json_format_gives_every_diagnostic_with_its_position() {
    let output = quickwin(&[
        "check",
        "--format",
        "json",
        "tests/fixtures/diagnostics/duplicate-key.yaml",
        "tests/fixtures/diagnostics/unknown-state.yaml",
        "tests/fixtures/diagnostics/missing-language.yaml",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    for d in report.as_array().expect("an array") {
        for key in ["file", "line", "column", "severity", "code", "message"] {
            assert!(d.get(key).is_some(), "{key} missing in {d}");
        }
    }
    insta::assert_snapshot!("json-report", stdout(&output));
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let file = "tests/fixtures/diagnostics/missing-language.yaml";
    assert_eq!(quickwin(&["check", file]).status.code(), Some(0));
    assert_eq!(
        quickwin(&["check", "--deny-warnings", file]).status.code(),
        Some(1)
    );
}

#[test]
fn unreadable_files_exit_2_and_the_others_are_still_checked() {
    let output = quickwin(&[
        "check",
        "no/such/file.yaml",
        "tests/fixtures/diagnostics/unknown-state.yaml",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read `no/such/file.yaml`"));
    assert!(stdout(&output).contains("unknown state `aproved`"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(quickwin(&["check"]).status.code(), Some(2));
    assert_eq!(
        quickwin(&["check", "--format", "xml", "a.yaml"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(quickwin(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn files_over_one_mebibyte_are_refused_at_once() {
    let dir = scratch("too-large");
    let file = dir.join("huge.yaml");
    let line = "key: value\n";
    std::fs::write(&file, line.repeat(2 * 1024 * 1024 / line.len())).unwrap();
    let output = quickwin(&["check", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains(
            "error[file-too-large]: the file is 2.0 MiB; a blueprint may be at most 1 MiB"
        )
    );
}

#[test]
fn help_texts() {
    insta::assert_snapshot!("help", stdout(&quickwin(&["--help"])));
    insta::assert_snapshot!("help-check", stdout(&quickwin(&["check", "--help"])));
    insta::assert_snapshot!("help-new", stdout(&quickwin(&["new", "--help"])));
    insta::assert_snapshot!("help-serve", stdout(&quickwin(&["serve", "--help"])));
    insta::assert_snapshot!(
        "help-user-add",
        stdout(&quickwin(&["user", "add", "--help"]))
    );
}

#[test]
fn field_examples_are_checked_with_the_runtimes_rules() {
    let file = "tests/fixtures/diagnostics/examples.yaml";
    let output = quickwin(&["check", file]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("diagnostic-examples", stdout(&output));
}
