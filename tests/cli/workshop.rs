//! `quickwin workshop`: the participant's loop (start → check → hint → solution, reset,
//! `--watch`) through one IT and one business exercise of the fixture workshop, the
//! message-log evidence, reproducible results, and `verify` on good and broken
//! curricula — all by running the binary, with the sandbox and a check twin on loopback.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::{quickwin, root, scratch, stderr, stdout};

const MINI: &str = "workshop/tests/fixtures/mini";

/// Run `quickwin workshop ARGS` in the participant's folder `dir`.
fn workshop(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .arg("workshop")
        .args(args)
        .arg("--dir")
        .arg(dir)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the quickwin binary runs")
}

/// Start `exercise` of the fixture workshop in `dir`, in `lang`; it must succeed.
fn start(dir: &Path, exercise: &str, lang: &str) -> Output {
    let output = workshop(
        dir,
        &["start", exercise, "--workshop", MINI, "--lang", lang],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    output
}

fn catalogue(id: &str) -> String {
    std::fs::read_to_string(root().join(format!("blueprints/{id}.yaml"))).unwrap()
}

/// The birth certificate with the mother's registry call made at submission, when the
/// case has no number yet.
fn mother_on_submit() -> String {
    let text = catalogue("birth-certificate");
    let at_verify = "    on: verify\n    input:\n      national_id: mother_national_id";
    assert_eq!(text.matches(at_verify).count(), 1);
    text.replace(
        at_verify,
        "    on: submit\n    input:\n      national_id: mother_national_id",
    )
}

#[test]
fn the_it_exercise_fails_as_started_and_passes_when_solved() {
    let dir = scratch("workshop-it");
    let started = start(&dir, "registry-on-verify", "en");
    let written = std::fs::read_to_string(dir.join("service.yaml")).unwrap();
    assert!(
        !written.contains("id: mother_record"),
        "the starter lacks the mother's call"
    );
    assert!(stdout(&started).contains("Ask the civil registry when the clerk verifies"));

    let first = workshop(&dir, &["check"]);
    let out = stdout(&first);
    assert_eq!(first.status.code(), Some(1), "{out}");
    assert!(out.contains("✔ The blueprint is valid"), "{out}");
    assert!(
        out.contains("✘ The mother is looked up in the civil registry"),
        "{out}"
    );
    assert!(
        out.contains("the first check that does not pass, `declares-mother-call`"),
        "{out}"
    );
    assert!(out.contains("`integrations[service=IQ/GOV/MOI/civil-registry/persons]` is found 1 times in the file; expected 2"), "{out}");
    assert!(
        out.contains("hint: Add an integration `mother_record` with the persons service."),
        "{out}"
    );
    assert!(out.contains("in your file: service.yaml:"), "{out}");
    assert!(out.contains("2 of 4 pass"), "{out}");

    // The general hints unlock after one failed run.
    let hint = stdout(&workshop(&dir, &["hint"]));
    assert!(
        hint.contains("for the check `declares-mother-call`"),
        "{hint}"
    );
    assert!(hint.contains("hint 1: An integration has `id`"), "{hint}");
    assert!(hint.contains("the next hint unlocks in"), "{hint}");

    // No solution before a pass.
    assert_eq!(workshop(&dir, &["solution"]).status.code(), Some(1));

    std::fs::write(dir.join("service.yaml"), catalogue("birth-certificate")).unwrap();
    let solved = workshop(&dir, &["check"]);
    let out = stdout(&solved);
    assert!(solved.status.success(), "{out}{}", stderr(&solved));
    assert!(out.contains("✔ The registry call names the case"), "{out}");
    assert!(out.contains("all 4 checks pass"), "{out}");
    let solution = stdout(&workshop(&dir, &["solution"]));
    assert_eq!(solution, catalogue("birth-certificate"));
    let list = stdout(&workshop(&dir, &["list"]));
    assert!(list.contains("✔ registry-on-verify"), "{list}");
    assert!(list.contains("done: 1/2"), "{list}");
}

#[test]
fn a_registry_call_without_the_case_number_is_named_by_its_log_entry() {
    let dir = scratch("workshop-log");
    start(&dir, "registry-on-verify", "en");
    std::fs::write(dir.join("service.yaml"), mother_on_submit()).unwrap();
    let run = workshop(&dir, &["check", "--json"]);
    assert_eq!(run.status.code(), Some(1));
    let results: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let checks = results["checks"].as_array().unwrap();
    let status: Vec<(&str, &str)> = checks
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        status,
        [
            ("valid", "pass"),
            ("declares-mother-call", "pass"),
            ("clerk-verifies", "pass"),
            ("registry-asked-with-case-number", "fail")
        ]
    );
    let log = &checks[3];
    let seq = log["evidence"]["log"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_u64()
        .unwrap();
    let message = log["message"]["en"].as_str().unwrap();
    assert!(
        message.contains(&format!("log entry #{seq} came closest, with case `SUB-")),
        "{message}"
    );
    let tracking = message
        .split("case ")
        .nth(1)
        .unwrap()
        .split('.')
        .next()
        .unwrap();
    assert!(tracking.starts_with("BC-"), "{message}");
    assert!(message.contains(&format!("not `{tracking}`")), "{message}");
    let hint = log["hint"]["en"].as_str().unwrap();
    assert!(
        hint.starts_with(&format!("Log entry #{seq} named case `SUB-")),
        "{hint}"
    );
    let arabic = log["message"]["ar"].as_str().unwrap();
    assert!(arabic.contains(&format!("القيد #{seq}")), "{arabic}");
}

#[test]
fn the_business_exercise_is_answered_then_reset_keeps_a_copy() {
    let dir = scratch("workshop-business");
    start(&dir, "identifiers-quiz", "ar");
    let starter = std::fs::read_to_string(dir.join("answers.yaml")).unwrap();
    let first = workshop(&dir, &["check"]);
    let out = stdout(&first);
    assert_eq!(first.status.code(), Some(1), "{out}");
    assert!(out.contains("✘ الجزء الذي يسمّي الوزارة"), "{out}");
    assert!(out.contains("لا توجد إجابة بعد عن `q1`"), "{out}");
    assert!(out.contains("تلميح: الأجزاء هي"), "{out}");
    assert!(out.contains("نجح 0 من 2"), "{out}");

    std::fs::write(
        dir.join("answers.yaml"),
        "q1: B\nq2: the X-Road-Issue header\n",
    )
    .unwrap();
    let solved = workshop(&dir, &["check", "--lang", "en"]);
    assert!(solved.status.success(), "{}", stdout(&solved));

    let reset = workshop(&dir, &["reset"]);
    assert!(reset.status.success(), "{}", stderr(&reset));
    assert_eq!(
        std::fs::read_to_string(dir.join("answers.yaml")).unwrap(),
        starter
    );
    let backups: Vec<_> = std::fs::read_dir(dir.join(".quickwin/backups"))
        .unwrap()
        .collect();
    assert_eq!(backups.len(), 1);
    let kept = std::fs::read_to_string(backups[0].as_ref().unwrap().path()).unwrap();
    assert_eq!(kept, "q1: B\nq2: the X-Road-Issue header\n");

    // Jumping to an exercise writes its starter and makes it the current one.
    assert!(
        workshop(&dir, &["reset", "registry-on-verify"])
            .status
            .success()
    );
    assert!(dir.join("service.yaml").exists());
    let list = stdout(&workshop(&dir, &["list", "--lang", "en"]));
    assert!(list.contains("→ registry-on-verify"), "{list}");
}

#[test]
fn watch_checks_again_after_a_save() {
    let dir = scratch("workshop-watch");
    start(&dir, "identifiers-quiz", "en");
    let mut child = Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .args(["workshop", "check", "--watch", "--dir"])
        .arg(&dir)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let wait_for = |needle: &str| -> Vec<String> {
        let mut seen = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
                let found = line.contains(needle);
                seen.push(line);
                if found {
                    return seen;
                }
            }
        }
        panic!("`{needle}` did not appear; saw {seen:?}");
    };
    wait_for("0 of 2 pass");
    wait_for("watching for changes");
    std::fs::write(dir.join("answers.yaml"), "q1: b\nq2: X-Road-Issue\n").unwrap();
    let after = wait_for("all 2 checks pass");
    assert!(
        after.iter().any(|l| l.contains("the file changed")),
        "{after:?}"
    );
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_seeded_run_gives_byte_identical_results() {
    let dir = scratch("workshop-seed");
    start(&dir, "registry-on-verify", "en");
    std::fs::write(dir.join("service.yaml"), mother_on_submit()).unwrap();
    let first = workshop(&dir, &["check", "--json", "--seed", "7"]);
    let second = workshop(&dir, &["check", "--json", "--seed", "7"]);
    assert_eq!(stdout(&first), stdout(&second));
    let results: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert!(results.get("ms").is_none(), "a seeded run has no timing");
    assert_eq!(results["run"], 0);
    // A seeded run is not kept: the next ordinary run is the first.
    let kept = workshop(&dir, &["check", "--json"]);
    let kept: serde_json::Value = serde_json::from_slice(&kept.stdout).unwrap();
    assert_eq!(kept["run"], 1);
    assert!(kept["ms"].is_u64());
}

#[test]
fn verify_proves_the_fixture_workshop() {
    let output = quickwin(&["workshop", "verify", MINI]);
    let out = stdout(&output);
    assert!(output.status.success(), "{out}{}", stderr(&output));
    assert!(out.contains("✔ [1/2] registry-on-verify: the starter fails `declares-mother-call`, the solution passes 4 of 4"), "{out}");
    assert!(
        out.contains(
            "✔ [2/2] identifiers-quiz: the starter fails `q1`, the solution passes 2 of 2"
        ),
        "{out}"
    );
    assert!(
        out.contains("ok: every starter fails and every solution passes, 2 exercises"),
        "{out}"
    );
}

#[test]
fn a_broken_workshop_is_explained_file_by_file() {
    let output = quickwin(&["workshop", "verify", "workshop/tests/fixtures/broken"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&output));
}

#[test]
fn the_committed_workshop_schemas_are_what_quickwin_writes() {
    let dir = scratch("workshop-schemas");
    let output = quickwin(&["workshop", "schema", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    for name in [
        "workshop.schema.json",
        "day.schema.json",
        "exercise.schema.json",
        "checks.schema.json",
        "results.schema.json",
    ] {
        let written = std::fs::read_to_string(dir.join(name)).unwrap();
        let committed =
            std::fs::read_to_string(root().join("schema").join(name)).unwrap_or_default();
        assert!(
            written == committed,
            "schema/{name} is out of date: run `cargo run -- workshop schema schema`"
        );
    }
}
