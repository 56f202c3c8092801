//! Benchmark of `quickwin generate`: all six catalogue projects generated into new
//! folders (check the blueprint, make the project in memory, plan, write) against the
//! floor of the same work's I/O — writing the very same bytes to a new folder with
//! `std::fs::write` (the baseline) — and regenerating the six when they are up to date.
//! Run with:
//!
//! ```sh
//! cargo bench --bench generate
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use quickwin_generator::regenerate;

/// Median and slowest of `runs` runs of `f`.
fn times(runs: usize, mut f: impl FnMut(usize)) -> (Duration, Duration) {
    let mut all: Vec<Duration> = (0..runs)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed()
        })
        .collect();
    all.sort();
    (all[runs / 2], all[runs - 1])
}

/// Generate `file` into `dir` as the CLI does.
fn generate(file: &Path, dir: &Path) -> usize {
    let checked = quickwin_blueprint::check_file(file).expect("readable");
    let bp = checked.blueprint.expect("valid");
    let source = std::fs::read(file).expect("readable");
    let project = quickwin_generator::project(&bp, &source).expect("made");
    let plan = regenerate::plan(dir, &project, bp.id.as_str()).expect("planned");
    regenerate::apply(dir, &plan).expect("written");
    plan.entries.len()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("blueprints"))
        .expect("blueprints/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let scratch =
        std::env::temp_dir().join(format!("quickwin-bench-generate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    const RUNS: usize = 15;

    // The bytes the six projects consist of, for the baseline.
    let mut bytes: Vec<BTreeMap<String, Vec<u8>>> = Vec::new();
    for file in &files {
        let checked = quickwin_blueprint::check_file(file).expect("readable");
        let source = std::fs::read(file).expect("readable");
        let project =
            quickwin_generator::project(&checked.blueprint.expect("valid"), &source).expect("made");
        bytes.push(
            project
                .files
                .into_iter()
                .map(|(p, f)| (p, f.contents))
                .collect(),
        );
    }
    let file_count: usize = bytes.iter().map(BTreeMap::len).sum();
    let total: usize = bytes.iter().flat_map(|b| b.values()).map(Vec::len).sum();

    let (fresh, fresh_max) = times(RUNS, |i| {
        for file in &files {
            let name = file.file_stem().unwrap().to_string_lossy();
            generate(file, &scratch.join(format!("fresh-{i}/{name}")));
        }
    });
    let (floor, floor_max) = times(RUNS, |i| {
        for (n, project) in bytes.iter().enumerate() {
            let dir = scratch.join(format!("floor-{i}/{n}"));
            for (path, contents) in project {
                let full = dir.join(path);
                std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                std::fs::write(full, contents).unwrap();
            }
        }
    });
    let (again, again_max) = times(RUNS, |_| {
        for file in &files {
            let name = file.file_stem().unwrap().to_string_lossy();
            generate(file, &scratch.join(format!("fresh-0/{name}")));
        }
    });
    let _ = std::fs::remove_dir_all(&scratch);

    println!(
        "six catalogue projects: {file_count} files, {:.1} MiB; {RUNS} runs each\n",
        total as f64 / 1048576.0
    );
    println!("| | median | slowest |");
    println!("| --- | ---: | ---: |");
    println!(
        "| `quickwin generate`, six new projects (check, make, plan, write, manifest and base copies) | {} | {} |",
        ms(fresh),
        ms(fresh_max)
    );
    println!(
        "| baseline: the same files written with `std::fs::write` | {} | {} |",
        ms(floor),
        ms(floor_max)
    );
    println!(
        "| regenerating the six, up to date (check, make, read and compare, nothing written) | {} | {} |",
        ms(again),
        ms(again_max)
    );
    println!(
        "\ngenerate / baseline: {:.1}×",
        fresh.as_secs_f64() / floor.as_secs_f64()
    );
}
