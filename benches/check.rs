//! Benchmark of `check`: the full check (parse, decode, validate) of each catalogue
//! blueprint against a bare YAML parse of the same text (yaml-rust2's loader, the
//! baseline), and the time to answer hostile inputs. Run with:
//!
//! ```sh
//! cargo bench --bench check
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use quickwin_blueprint::check_bytes;

/// Median time of `f` over runs taking about `budget` in all.
fn median(budget: Duration, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    f();
    let one = start.elapsed().max(Duration::from_nanos(100));
    let runs = (budget.as_nanos() / one.as_nanos()).clamp(5, 2000) as usize;
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(root.join("blueprints"))
        .expect("blueprints/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    println!("| blueprint | size | full check (median) | bare YAML parse (baseline) | ratio |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for file in &files {
        let bytes = std::fs::read(file).expect("readable");
        let text = String::from_utf8(bytes.clone()).expect("utf-8");
        let full = median(Duration::from_millis(600), || {
            black_box(check_bytes("bench.yaml", black_box(&bytes)));
        });
        let bare = median(Duration::from_millis(600), || {
            black_box(yaml_rust2::YamlLoader::load_from_str(black_box(&text)).expect("valid YAML"));
        });
        println!(
            "| {} | {:.1} KiB | {:.2} ms | {:.2} ms | {:.1}× |",
            file.file_stem().unwrap().to_string_lossy(),
            bytes.len() as f64 / 1024.0,
            full.as_secs_f64() * 1e3,
            bare.as_secs_f64() * 1e3,
            full.as_secs_f64() / bare.as_secs_f64()
        );
    }

    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10u8 {
        let (p, c) = ((b'a' + i - 1) as char, (b'a' + i) as char);
        bomb.push_str(&format!(
            "{c}: &{c} [{}]\n",
            vec![format!("*{p}"); 10].join(", ")
        ));
    }
    let mut deep = String::new();
    for d in 0..5000 {
        deep.push_str(&format!("{}k:\n", " ".repeat(d)));
    }
    let hostile: Vec<(&str, Vec<u8>)> = vec![
        (
            "10 MB file",
            format!("x: {}", "a".repeat(10 * 1024 * 1024)).into_bytes(),
        ),
        (
            "1 MiB of one scalar",
            format!("x: {}", "a".repeat(1024 * 1024 - 8)).into_bytes(),
        ),
        ("billion laughs", bomb.into_bytes()),
        ("100 000 nested `[`", "[".repeat(100_000).into_bytes()),
        ("5 000 nested mappings", deep.into_bytes()),
        ("non-UTF-8", b"quickwin: 1\nid: caf\xe9\n".to_vec()),
    ];
    println!();
    println!("| hostile input | time to the located error (median) |");
    println!("| --- | ---: |");
    for (name, bytes) in &hostile {
        let t = median(Duration::from_millis(400), || {
            let checked = check_bytes("hostile.yaml", black_box(bytes));
            assert!(!checked.is_valid());
        });
        println!("| {name} | {:.3} ms |", t.as_secs_f64() * 1e3);
    }
}
