//! `check` on garbage: a clear located error, at once, never a panic.

use std::time::{Duration, Instant};

use crate::support::{quickwin, scratch, stderr, stdout};

fn check_garbage(name: &str, bytes: &[u8]) -> String {
    let dir = scratch(&format!("garbage-{name}"));
    let file = dir.join(format!("{name}.yaml"));
    std::fs::write(&file, bytes).unwrap();
    let started = Instant::now();
    let output = quickwin(&["check", file.to_str().unwrap()]);
    let elapsed = started.elapsed();
    let out = stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{name}: {out}{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("panicked"), "{name} panicked");
    assert!(
        out.contains(&format!("{name}.yaml:")),
        "{name}: no location in {out}"
    );
    assert!(out.contains("error["), "{name}: {out}");
    assert!(!out.contains("error[internal]"), "{name}: {out}");
    // Generous for a debug build on a loaded machine; the release timings are in
    // docs/performance.md.
    assert!(elapsed < Duration::from_secs(5), "{name} took {elapsed:?}");
    out
}

#[test]
fn empty_and_blank_files() {
    check_garbage("empty", b"");
    check_garbage("blank", b"   \n\n  \n");
    check_garbage("comments", b"# a\n# b\n");
}

#[test]
fn binary_and_non_utf8_input() {
    let out = check_garbage("latin1", b"quickwin: 1\nid: caf\xe9\n");
    assert!(out.contains("latin1.yaml:2:8"), "{out}");
    check_garbage("png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01");
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    check_garbage("noise", &noise);
}

#[test]
fn yaml_mistakes() {
    let out = check_garbage("tabs", b"quickwin: 1\nroles:\n\t- id: x\n");
    assert!(out.contains("tab"), "{out}");
    check_garbage("dupkeys", b"quickwin: 1\nid: a\nid: b\n");
    check_garbage("scalar", b"just some words\n");
    check_garbage("list", b"- a\n- b\n");
    check_garbage("json", br#"{"quickwin": 1, "id": "x"}"#);
    check_garbage("unclosed", b"title: {en: 'x\n");
    check_garbage(
        "wrongtypes",
        b"quickwin: one\nid: [a]\nroles: yes\nrecords: {}\n",
    );
    check_garbage("nullkeys", b"? [a, b]\n: c\n~: d\n");
    check_garbage("tags", b"quickwin: !!str 1\nid: !custom x\n");
}

#[test]
fn hostile_input() {
    let mut bomb = String::from(
        "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for i in 1..10 {
        let prev = (b'a' + i - 1) as char;
        let this = (b'a' + i) as char;
        bomb.push_str(&format!(
            "{this}: &{this} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
    }
    let out = check_garbage("billion-laughs", bomb.as_bytes());
    assert!(out.contains("alias-expansion"), "{out}");
    check_garbage(
        "deep-flow",
        format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000)).as_bytes(),
    );
    let mut deep = String::new();
    for depth in 0..5000 {
        deep.push_str(&format!("{}k:\n", " ".repeat(depth)));
    }
    check_garbage("deep-block", deep.as_bytes());
    let big = "x: ".to_string() + &"a".repeat(10 * 1024 * 1024);
    let out = check_garbage("ten-megabytes", big.as_bytes());
    assert!(out.contains("file-too-large"), "{out}");
    let wide = format!("quickwin: 1\nid: {}\n", "y".repeat(900_000));
    check_garbage("long-line", wide.as_bytes());
}
