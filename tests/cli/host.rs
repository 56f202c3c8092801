//! `quickwin workshop host`, `team` and `push` by running the binary: a class added from
//! the command line, the host started on loopback, a participant pushing a broken then a
//! valid file from its folder, and the trainer resetting the team from a terminal.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{free_port, http, quickwin, root, scratch, stderr, stdout};

/// The host, killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_class_is_added_served_pushed_to_and_reset_from_the_command_line() {
    let data = scratch("host-cli");
    let data_s = data.to_str().unwrap();
    let added = quickwin(&[
        "workshop",
        "team",
        "add",
        "t1",
        "--pilot",
        "water-fees",
        "--member",
        "Omar",
        "--data",
        data_s,
    ]);
    assert!(added.status.success(), "{}", stderr(&added));
    let password = stdout(&added).trim().to_string();
    assert_eq!(password.len(), 14, "{password}");
    assert!(stderr(&added).contains("/teams/t1/"), "{}", stderr(&added));
    let again = quickwin(&[
        "workshop",
        "team",
        "add",
        "t1",
        "--pilot",
        "water-fees",
        "--data",
        data_s,
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("there is already a team `t1`"),
        "{}",
        stderr(&again)
    );
    let wrong = quickwin(&[
        "workshop",
        "team",
        "add",
        "t2",
        "--pilot",
        "water-fee",
        "--data",
        data_s,
    ]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("did you mean `water-fees`"),
        "{}",
        stderr(&wrong)
    );
    let list = quickwin(&["workshop", "team", "list", "--data", data_s]);
    assert!(
        stdout(&list).contains("IQ/GOV/MMPW/water-t1"),
        "{}",
        stdout(&list)
    );

    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .args([
            "workshop",
            "host",
            "workshops/iq-2012",
            "--port",
            &port.to_string(),
            "--data",
            data_s,
        ])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let host = Running(child);
    let mut trainer = None;
    let mut lines = out.lines();
    let started = Instant::now();
    while trainer.is_none() && started.elapsed() < Duration::from_secs(60) {
        let Some(Ok(line)) = lines.next() else { break };
        if line.contains("the trainer's password") {
            trainer = lines
                .next()
                .and_then(Result::ok)
                .map(|l| l.trim().to_string());
        }
    }
    let trainer = trainer.expect("the host prints the trainer's password at its first start");
    let (status, _) = http(port, "GET", "/teams/t1/svc/water-fees/api/service", &[], "");
    assert_eq!(status, 200);

    // A participant's folder pushes its file.
    let folder = scratch("host-cli-team");
    let text = std::fs::read_to_string(root().join("blueprints/water-fees.yaml")).unwrap();
    std::fs::write(
        folder.join("service.yaml"),
        text.replace("initial: bill_issued", "initial: nowhere"),
    )
    .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let push = |password: &str| {
        Command::new(env!("CARGO_BIN_EXE_quickwin"))
            .args([
                "workshop",
                "push",
                "--host",
                &url,
                "--file",
                "service.yaml",
                "--team",
                "t1",
                "--workshop",
                "workshops/iq-2012",
                "--lang",
                "en",
                "--dir",
            ])
            .arg(&folder)
            .env("QUICKWIN_TEAM_PASSWORD", password)
            .current_dir(root())
            .output()
            .unwrap()
    };
    let broken = push(&password);
    assert_eq!(broken.status.code(), Some(1), "{}", stderr(&broken));
    assert!(
        stderr(&broken).contains("service.yaml:"),
        "{}",
        stderr(&broken)
    );
    assert!(
        stderr(&broken).contains("the running version stays"),
        "{}",
        stderr(&broken)
    );
    std::fs::write(
        folder.join("service.yaml"),
        text.replace("version: 1.0.0", "version: 1.2.0"),
    )
    .unwrap();
    let refused = push("not-the-password");
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let valid = push(&password);
    assert!(valid.status.success(), "{}", stderr(&valid));
    assert!(stdout(&valid).contains("live"), "{}", stdout(&valid));
    let (_, body) = http(port, "GET", "/teams/t1/svc/water-fees/api/service", &[], "");
    assert!(body.contains("\"version\":\"1.2.0\""), "{body}");

    // The trainer puts the team back at an exercise from a terminal.
    let reset = Command::new(env!("CARGO_BIN_EXE_quickwin"))
        .args([
            "workshop",
            "team",
            "reset",
            "t1",
            "--to",
            "ask-the-registry",
            "--host",
            &url,
        ])
        .env("QUICKWIN_TRAINER_PASSWORD", &trainer)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(reset.status.success(), "{}", stderr(&reset));
    assert!(
        stdout(&reset).contains("t1 reset to ask-the-registry"),
        "{}",
        stdout(&reset)
    );
    drop(host);
    let verify = quickwin(&[
        "audit",
        "verify",
        "--data",
        data.join("sandbox").to_str().unwrap(),
    ]);
    assert!(
        verify.status.success(),
        "{}{}",
        stdout(&verify),
        stderr(&verify)
    );
}
