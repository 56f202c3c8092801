//! Trust between agencies and toward citizens (issue 17): each test reproduces one thing
//! a hostile caller on loopback was seen to do ("Seen") against the real binary — `quickwin
//! serve` or `quickwin sandbox` — its sandbox and its SQLite files, over HTTP on loopback,
//! and shows it refused.

#[path = "../cli/support.rs"]
#[allow(dead_code)]
mod support;

#[path = "../cli/served.rs"]
#[allow(dead_code)]
mod served;

mod agencies;
mod corrections;
mod evidence;
mod fees;
mod guessing;
mod sessions;
mod uploads;
mod world;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{Value, json};

pub(crate) use served::{Served, adult, find_with, persons};
use support::scratch;

/// Serve `blueprint` (relative to the repository root) in a fresh folder named `name`,
/// with `more` arguments.
pub(crate) fn serve(blueprint: &str, name: &str, more: &[&str]) -> Served {
    serve_guarded(blueprint, name, more, "")
}

/// Serve as [`serve`] does, with the guard's settings `guard` in `QUICKWIN_GUARD` (as
/// an operator sets them; a service that knows no such settings ignores them).
pub(crate) fn serve_guarded(blueprint: &str, name: &str, more: &[&str], guard: &str) -> Served {
    served::serve_env(
        blueprint,
        &scratch(name),
        more,
        &[("QUICKWIN_GUARD", guard)],
    )
}

/// A raw HTTP/1.1 exchange with bytes for a body: the status, the head and the body's
/// bytes.
pub(crate) fn raw(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the service answers");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    // A service may answer before reading a large body and close: what it said counts.
    let _ = stream.write_all(&request);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response.get(split + 4..).unwrap_or_default().to_vec();
    let headers: Vec<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    if status != 0 {
        crate::support::contract::hold(port, method, path, status, &headers, &body);
    }
    (status, head, body)
}

/// The values of header `name` (in any case) in a head read by [`raw`].
pub(crate) fn header<'a>(head: &'a str, name: &str) -> Vec<&'a str> {
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .collect()
}

/// Valid answers to the birth-certificate service, from the sandbox's records.
pub(crate) fn birth_answers(s: &Served) -> Value {
    let (mother, birth) = find_with(
        s,
        "/mock/MOH/births/notifications/notifications?mother_national_id=",
        |p| p["sex"] == "female" && adult(p),
    );
    json!({
        "notification_number": birth["number"], "applicant_relation": "mother", "child_first_name": "Zainab",
        "child_sex": birth["sex"], "child_date_of_birth": birth["child_date_of_birth"],
        "place_of_birth": birth["hospital"]["governorate"], "mother_national_id": mother["national_id"],
        "father_national_id": birth["father_national_id"].as_str().unwrap_or("198812345670"),
        "phone": "07701234567", "copies": 1
    })
}
