//! Benchmark of the information mediator: the same mock call (a civil-registry person
//! lookup) made directly (the agency's routes served on a port of their own, as only
//! this benchmark does) and through the mediator, which authenticates the caller's key,
//! checks rights and logs every message durably in the MAC-chained log, at 1, 8 and 64
//! concurrent clients over HTTP on loopback. Run with:
//!
//! ```sh
//! cargo bench -p quickwin-sandbox --bench mediator
//! ```
//!
//! Each run lasts a fixed time; the load stays on 127.0.0.1.

use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use quickwin_sandbox::messagelog::Durability;
use quickwin_sandbox::server::agencies_direct;
use quickwin_sandbox::{Config, app, catalogue, open};

const RUN: Duration = Duration::from_secs(3);

struct Result {
    calls: usize,
    elapsed: Duration,
    latencies: Vec<u32>,
}

impl Result {
    fn percentile(&self, p: f64) -> f64 {
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        f64::from(self.latencies[i]) / 1000.0
    }
}

async fn load(url: String, headers: Vec<(&'static str, String)>, clients: usize) -> Result {
    let http: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(clients)
        .build_http();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let http = http.clone();
        let url = url.clone();
        let headers = headers.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while start.elapsed() < RUN {
                let mut req = hyper::Request::get(&url);
                for (name, value) in &headers {
                    req = req.header(*name, value);
                }
                let t = Instant::now();
                let res = http
                    .request(req.body(Empty::new()).expect("request"))
                    .await
                    .expect("answer");
                assert!(res.status().is_success(), "{}", res.status());
                res.into_body().collect().await.expect("body");
                latencies.push(t.elapsed().as_micros() as u32);
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.expect("client task"));
    }
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    Result {
        calls: latencies.len(),
        elapsed,
        latencies,
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        for durability in [Durability::Process, Durability::Disk] {
            let dir = std::env::temp_dir().join(format!("quickwin-bench-mediator-{durability:?}"));
            let _ = std::fs::remove_dir_all(&dir);
            let config = Config {
                data_dir: dir.clone(),
                seed: 1,
                durability,
                ..Config::default()
            };
            let opened = open(config, catalogue::CATALOGUE).expect("sandbox opens");
            let id: String = opened
                .state
                .db
                .with(|c| {
                    Ok(c.query_row(
                        "SELECT national_id FROM persons ORDER BY national_id LIMIT 1",
                        [],
                        |r| r.get(0),
                    )?)
                })
                .expect("a person");
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("port");
            let port = listener.local_addr().expect("address").port();
            let key = opened
                .state
                .members
                .issue("IQ/GOV/MOI/civil-status", false)
                .expect("a key");
            let direct_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("port");
            let direct_port = direct_listener.local_addr().expect("address").port();
            let agencies = agencies_direct(&opened.state);
            let log = opened.state.log.clone();
            let server =
                tokio::spawn(async move { axum::serve(listener, app(opened.state)).await });
            let direct_server =
                tokio::spawn(async move { axum::serve(direct_listener, agencies).await });
            let direct = format!(
                "http://127.0.0.1:{direct_port}/mock/MOI/civil-registry/persons/persons/{id}"
            );
            let mediated = format!(
                "http://127.0.0.1:{port}/r1/IQ/GOV/MOI/civil-registry/persons/persons/{id}"
            );
            println!("\nmessage log durability: {durability:?}\n");
            println!("| clients | path | calls/s | median ms | p99 ms | mediator adds (median) |");
            println!("| ---: | --- | ---: | ---: | ---: | ---: |");
            for clients in [1, 8, 64] {
                let d = load(direct.clone(), Vec::new(), clients).await;
                let m = load(
                    mediated.clone(),
                    vec![
                        ("x-road-client", "IQ/GOV/MOI/civil-status".to_string()),
                        ("authorization", format!("Bearer {key}")),
                    ],
                    clients,
                )
                .await;
                for (name, r) in [("direct", &d), ("mediator", &m)] {
                    let added = if name == "mediator" {
                        format!("{:+.3} ms", m.percentile(0.5) - d.percentile(0.5))
                    } else {
                        String::new()
                    };
                    println!(
                        "| {clients} | {name} | {:.0} | {:.3} | {:.3} | {added} |",
                        r.calls as f64 / r.elapsed.as_secs_f64(),
                        r.percentile(0.5),
                        r.percentile(0.99)
                    );
                }
            }
            server.abort();
            direct_server.abort();
            let v = log.verify().expect("log");
            println!(
                "\nlog after the run: {} entries, chain {}",
                v.entries,
                if v.broken.is_none() {
                    "intact"
                } else {
                    "BROKEN"
                }
            );
            let _ = std::fs::remove_dir_all(&dir);
        }
    });
}
