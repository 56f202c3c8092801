//! What a check run costs: the benchmark workshop's exercise (ten http steps against a
//! check twin, then log assertions with the chain verified), run one at a time and six
//! at once, against the baseline of the same ten requests sent straight to a service
//! that is already running. Figures go to docs/performance.md.
//!
//! cargo bench -p quickwin-workshop --bench checks

use std::path::Path;
use std::time::{Duration, Instant};

use quickwin_workshop::client::Client;
use quickwin_workshop::load;
use quickwin_workshop::results::Status;
use quickwin_workshop::run::{self, Run};
use quickwin_workshop::scratch::Scratch;
use quickwin_workshop::world::{Twin, World};

const RUNS: usize = 40;
const TEAMS: usize = 6;
const RUNS_EACH: usize = 8;

/// A request of the baseline: method, path, headers.
type Step = (&'static str, String, Vec<(&'static str, String)>);

fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let at = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[at]
}

async fn baseline(world: &World, file: &Path) -> Vec<f64> {
    let twin = Twin::start(world, file, "bench-baseline-", None, None)
        .await
        .expect("the twin starts");
    let client = Client::default();
    let limit = Duration::from_secs(10);
    let json = |body: &str| Some(body.as_bytes().to_vec());
    let token = |role: &str| {
        let (name, password) = twin.accounts[role].clone();
        let client = client.clone();
        let url = format!("{}/api/session", twin.url);
        async move {
            let body = serde_json::json!({"name": name, "password": password}).to_string();
            let a = client
                .send(
                    "POST",
                    &url,
                    &[("content-type", "application/json".into())],
                    Some(body.into_bytes()),
                    limit,
                )
                .await
                .expect("signs in");
            format!("Bearer {}", a.json()["token"].as_str().expect("a token"))
        }
    };
    let clerk = token("clerk").await;
    let registrar = token("registrar").await;
    let bp = twin.service.state.blueprint();
    let example = serde_json::Value::Object(quickwin_blueprint::examples::submission_example(
        &bp,
        quickwin_blueprint::clock::Now::read().today,
    ))
    .to_string();
    let mut samples = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let u = |p: &str| format!("{}{p}", twin.url);
        let ct = ("content-type", "application/json".to_string());
        let a = client
            .send(
                "POST",
                &u("/api/applications"),
                std::slice::from_ref(&ct),
                json(&example),
                limit,
            )
            .await
            .unwrap();
        assert_eq!(a.status, 201, "{}", a.text());
        let tracking = a.json()["tracking"].as_str().unwrap().to_string();
        let code = a.json()["access_code"].as_str().unwrap().to_string();
        let access = ("x-access-code", code.clone());
        let staff = |t: &String| ("authorization", t.clone());
        let steps: Vec<Step> = vec![
            (
                "GET",
                format!("/api/applications/{tracking}"),
                vec![access.clone()],
            ),
            (
                "POST",
                format!("/api/cases/{tracking}/actions/verify"),
                vec![staff(&clerk), ct.clone()],
            ),
            ("GET", format!("/api/cases/{tracking}"), vec![staff(&clerk)]),
            (
                "POST",
                format!("/api/cases/{tracking}/actions/approve"),
                vec![staff(&registrar), ct.clone()],
            ),
            ("GET", "/api/cases".into(), vec![staff(&clerk)]),
            ("GET", "/api/service".into(), vec![]),
            ("GET", "/openapi.json".into(), vec![]),
            ("GET", "/health".into(), vec![]),
            (
                "GET",
                format!("/api/applications/{tracking}"),
                vec![access.clone()],
            ),
        ];
        for (method, path, headers) in steps {
            let body = (method == "POST").then(|| b"{}".to_vec());
            let a = client
                .send(method, &u(&path), &headers, body, limit)
                .await
                .unwrap();
            assert!(a.status < 300, "{method} {path}: {}", a.text());
        }
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    samples
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/fixtures/bench");
    let curriculum = load::read(&root)
        .curriculum
        .expect("the benchmark workshop reads");
    let exercise = curriculum.exercise("journey").expect("the exercise");
    let scratch = Scratch::new("bench").expect("a folder");
    let file = scratch.path().join("service.yaml");
    std::fs::write(&file, curriculum.solution("journey").expect("the solution")).expect("written");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let world = std::sync::Arc::new(World::fresh(1).await.expect("the sandbox opens"));
        let mut base = baseline(&world, &file).await;
        let mut alone = Vec::new();
        for n in 0..RUNS {
            let started = Instant::now();
            let r = run::run(
                Some(&world),
                &Run {
                    team: "bench",
                    exercise,
                    file: &file,
                    run: n as u64 + 1,
                    seed: None,
                    suffix: None,
                },
            )
            .await;
            assert_eq!(r.status, Status::Pass, "{}", r.to_json());
            alone.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        let started = Instant::now();
        let mut tasks = Vec::new();
        for team in 0..TEAMS {
            let exercise = exercise.clone();
            let file = file.clone();
            let world = world.clone();
            tasks.push(tokio::spawn(async move {
                let mut times = Vec::new();
                for n in 0..RUNS_EACH {
                    let t = Instant::now();
                    let name = format!("team{team}");
                    let r = run::run(
                        Some(&world),
                        &Run {
                            team: &name,
                            exercise: &exercise,
                            file: &file,
                            run: n as u64 + 1,
                            seed: None,
                            suffix: None,
                        },
                    )
                    .await;
                    assert_eq!(r.status, Status::Pass, "{}", r.to_json());
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                times
            }));
        }
        let mut together = Vec::new();
        for task in tasks {
            together.extend(task.await.expect("a team's runs finish"));
        }
        let wall = started.elapsed().as_secs_f64();
        println!(
            "check runs of the benchmark exercise (10 http steps + log assertions, chain verified)"
        );
        println!("| | runs | median | p99 |");
        println!("| --- | ---: | ---: | ---: |");
        println!(
            "| baseline: the 10 requests to a running service | {RUNS} | {:.1} ms | {:.1} ms |",
            percentile(&mut base, 0.5),
            percentile(&mut base, 0.99)
        );
        println!(
            "| a check run, one at a time | {RUNS} | {:.1} ms | {:.1} ms |",
            percentile(&mut alone, 0.5),
            percentile(&mut alone, 0.99)
        );
        println!(
            "| a check run, {TEAMS} teams at once | {} | {:.1} ms | {:.1} ms |",
            together.len(),
            percentile(&mut together, 0.5),
            percentile(&mut together, 0.99)
        );
        println!(
            "six teams ran {} checks in {wall:.1} s; a run costs {:.1}× the bare requests",
            together.len(),
            percentile(&mut alone, 0.5) / percentile(&mut base, 0.5)
        );
    });
}
