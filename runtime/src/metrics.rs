//! Request counts and latencies per route, rendered in the Prometheus text format with
//! the cases per state, for `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// The upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Default, Clone)]
struct Series {
    statuses: BTreeMap<u16, u64>,
    counts: [u64; BUCKETS.len()],
    total: u64,
    sum: f64,
}

/// What the service has answered so far: one series per method and route (a few dozen).
#[derive(Default)]
pub struct Metrics {
    series: Mutex<Vec<((String, String), Series)>>,
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// Count one answered request.
    pub fn record(&self, method: &str, route: &str, status: u16, took: Duration) {
        let secs = took.as_secs_f64();
        let mut all = self.series.lock().unwrap_or_else(|e| e.into_inner());
        // The key is allocated only for a series not seen before.
        let index = match all.iter().position(|(k, _)| k.0 == method && k.1 == route) {
            Some(i) => i,
            None => {
                all.push(((method.to_string(), route.to_string()), Series::default()));
                all.len() - 1
            }
        };
        let series = &mut all[index].1;
        *series.statuses.entry(status).or_default() += 1;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                series.counts[i] += 1;
            }
        }
        series.total += 1;
        series.sum += secs;
    }

    /// The Prometheus text exposition, with the cases per state and the outbox's backlog.
    pub fn render(&self, service: &str, cases: &BTreeMap<String, i64>, pending: i64) -> String {
        let service = escape(service);
        let mut all = self
            .series
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = String::new();
        out.push_str(
            "# HELP quickwin_requests_total HTTP requests answered, by method, route and status.\n",
        );
        out.push_str("# TYPE quickwin_requests_total counter\n");
        for ((method, route), s) in &all {
            for (status, n) in &s.statuses {
                let _ = writeln!(
                    out,
                    "quickwin_requests_total{{service=\"{service}\",method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                    escape(method),
                    escape(route)
                );
            }
        }
        out.push_str(
            "# HELP quickwin_request_duration_seconds Time to answer, by method and route.\n",
        );
        out.push_str("# TYPE quickwin_request_duration_seconds histogram\n");
        for ((method, route), s) in &all {
            let labels = format!(
                "service=\"{service}\",method=\"{}\",route=\"{}\"",
                escape(method),
                escape(route)
            );
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "quickwin_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    s.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "quickwin_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.total
            );
            let _ = writeln!(
                out,
                "quickwin_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "quickwin_request_duration_seconds_count{{{labels}}} {}",
                s.total
            );
        }
        out.push_str("# HELP quickwin_cases Cases in each state of the workflow.\n");
        out.push_str("# TYPE quickwin_cases gauge\n");
        for (state, n) in cases {
            let _ = writeln!(
                out,
                "quickwin_cases{{service=\"{service}\",state=\"{}\"}} {n}",
                escape(state)
            );
        }
        out.push_str("# HELP quickwin_outbox_pending Notifications and calls waiting to go out.\n");
        out.push_str("# TYPE quickwin_outbox_pending gauge\n");
        let _ = writeln!(
            out,
            "quickwin_outbox_pending{{service=\"{service}\"}} {pending}"
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_histograms_and_gauges() {
        let m = Metrics::default();
        m.record("GET", "/health", 200, Duration::from_micros(300));
        m.record("GET", "/health", 200, Duration::from_millis(30));
        let text = m.render("svc", &BTreeMap::from([("submitted".into(), 3)]), 1);
        assert!(text.contains("quickwin_requests_total{service=\"svc\",method=\"GET\",route=\"/health\",status=\"200\"} 2"));
        assert!(text.contains("quickwin_request_duration_seconds_bucket{service=\"svc\",method=\"GET\",route=\"/health\",le=\"0.001\"} 1"));
        assert!(text.contains("quickwin_request_duration_seconds_bucket{service=\"svc\",method=\"GET\",route=\"/health\",le=\"+Inf\"} 2"));
        assert!(text.contains("quickwin_cases{service=\"svc\",state=\"submitted\"} 3"));
        assert!(text.contains("quickwin_outbox_pending{service=\"svc\"} 1"));
    }
}
