//! `tm` against `tm mock-server`, both as real processes on 127.0.0.1.

use std::process::{Command, Output, Stdio};

mod common;
use common::{fixtures, scratch, text, tm, Mock};

/// The documentation's keys, which `--demo` uses, but with another secret.
const WRONG_SECRET: [(&str, &str); 3] = [
    ("TM_ACCOUNT", "myaccountname"),
    ("TM_ACCESS_KEY", "azertyuiop"),
    ("TM_SECRET_KEY", "not-the-secret"),
];

#[test]
fn signed_get_is_accepted() {
    let mock = Mock::start(&["--fixtures", &fixtures()]);
    let out = tm(&["--demo", "--base-url", &mock.url, "get", "events"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["nbrofresults"], 5);
    assert_eq!(json["data"][0]["name"], "The Example Band");

    // `curl -H "Authorization: $(tm header)"`: the header alone is accepted.
    let header = tm(&["--demo", "header"], &[]);
    let header = text(&header.stdout);
    let url = format!("{}/api/1/myaccountname/events", mock.url);
    let response = ureq::get(&url)
        .header("Authorization", header.trim_end())
        .call()
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[test]
fn wrong_secret_is_refused_with_the_reason() {
    let mock = Mock::start(&[]);
    let out = tm(&["--base-url", &mock.url, "get", "events"], &WRONG_SECRET);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("HTTP 401"), "{err}");
    assert!(
        err.contains("HTTP 401: signature does not match what it signs\n"),
        "{err}"
    );
    assert!(
        err.contains("  expected_payload: \"azertyuiopmyaccountname"),
        "{err}"
    );
    // The server expected what tm signed: only the secret can be wrong.
    assert!(
        err.contains("the secret key is wrong (TM_SECRET_KEY)"),
        "{err}"
    );
    assert!(!err.contains("tm time"), "{err}");
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn clock_skew_is_reported() {
    let mock = Mock::start(&["--clock-offset", "3600"]);
    let out = tm(&["--demo", "--base-url", &mock.url, "time"], &[]);
    assert_eq!(out.status.code(), Some(1), "the check says no");
    assert!(text(&out.stderr).contains("s behind the server's: fix the clock"));
    let report = text(&out.stdout);
    // One second may pass between the server's clock reading and ours.
    assert!(
        report.contains("3600 s behind the server") || report.contains("3599 s behind the server"),
        "{report}"
    );
    assert!(report.contains("will be refused"), "{report}");

    // And a signed request is refused for that reason.
    let out = tm(&["--demo", "--base-url", &mock.url, "get", "events"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("behind the server's clock"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn refusals_are_explained_to_any_client() {
    let mock = Mock::start(&[]);
    let url = format!("{}/api/1/myaccountname/events", mock.url);

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let get = |authorization: Option<&str>| {
        let mut request = agent.get(&url);
        if let Some(authorization) = authorization {
            request = request.header("Authorization", authorization);
        }
        let mut response = request.call().unwrap();
        assert_eq!(response.status(), 401);
        let expected = response
            .headers()
            .get("X-Tm-Expected-Payload")
            .map(|v| v.to_str().unwrap().to_owned());
        (expected, response.body_mut().read_to_string().unwrap())
    };

    let (_, missing) = get(None);
    assert!(missing.contains("no Authorization header"), "{missing}");

    // A client that signs the wrong text learns what the server signed.
    let header = "TM-HMAC-SHA256 key=azertyuiop ts=2026-11-23T09:26:56 sign=0000000000000000000000000000000000000000000000000000000000000000";
    let (expected, refused) = get(Some(header));
    assert_eq!(
        expected.as_deref(),
        Some("azertyuiopmyaccountname2026-11-23T09:26:56")
    );
    assert!(refused.contains("signature does not match"), "{refused}");

    let (_, malformed) = get(Some("TM-HMAC-SHA256 key=azertyuiop ts=yesterday"));
    assert!(
        malformed.contains("Authorization header: not"),
        "{malformed}"
    );
}

/// `records` JSON Lines, written by the test (not by tm).
fn write_records(path: &std::path::Path, records: usize) -> Vec<u8> {
    let mut data = Vec::new();
    for i in 0..records {
        data.extend_from_slice(
            format!("{{\"id\":{i},\"name\":\"Contact {i}\",\"email\":\"c{i}@example.org\"}}\n")
                .as_bytes(),
        );
    }
    std::fs::write(path, &data).unwrap();
    data
}

/// Runs `tm export` into `output`, sampling the child's peak resident memory
/// (VmHWM) from /proc while it runs. Returns the output and the peak in kB.
fn export(mock: &Mock, output: &std::path::Path) -> (Output, u64) {
    let child = Command::new(env!("CARGO_BIN_EXE_tm"))
        .args([
            "--demo",
            "--base-url",
            &mock.url,
            "export",
            "--query",
            "select id from tm.contact",
        ])
        .arg("--output")
        .arg(output)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0;
    let reader = std::thread::spawn(move || child.wait_with_output().unwrap());
    while !reader.is_finished() {
        if let Ok(text) = std::fs::read_to_string(&status) {
            if let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    (reader.join().unwrap(), peak_kb)
}

#[test]
fn export_of_200000_records_is_complete_and_memory_stays_flat() {
    let dir = scratch("export");
    let small = write_records(&dir.join("small.jsonl"), 1_000);
    let large = write_records(&dir.join("large.jsonl"), 200_000);

    let mock = Mock::start(&["--data", dir.join("small.jsonl").to_str().unwrap()]);
    let (out, small_peak) = export(&mock, &dir.join("small-out.jsonl"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(dir.join("small-out.jsonl")).unwrap(), small);
    drop(mock);

    let mock = Mock::start(&["--data", dir.join("large.jsonl").to_str().unwrap()]);
    let (out, large_peak) = export(&mock, &dir.join("large-out.jsonl"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        std::fs::read(dir.join("large-out.jsonl")).unwrap() == large,
        "output differs"
    );
    let report = text(&out.stderr);
    assert!(report.contains("exported 200000 records"), "{report}");
    eprintln!(
        "{report}peak memory: {small_peak} kB for 1,000 records, {large_peak} kB for 200,000"
    );
    // 200,000 records are 14 MB: holding them would show. Generous bounds.
    assert!(large_peak > 0, "no memory sample was taken");
    assert!(large_peak < 64 * 1024, "{large_peak} kB");
    assert!(
        large_peak < small_peak + 8 * 1024,
        "{small_peak} kB -> {large_peak} kB"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_stream_cut_mid_line_leaves_no_file() {
    let dir = scratch("cut");
    write_records(&dir.join("data.jsonl"), 10_000);
    let mock = Mock::start(&[
        "--data",
        dir.join("data.jsonl").to_str().unwrap(),
        "--cut-after",
        "100005",
    ]);
    let (out, _) = export(&mock, &dir.join("out.jsonl"));
    assert_eq!(out.status.code(), Some(3), "a network failure");
    assert!(
        text(&out.stderr).contains("the export broke off after 1"),
        "{}",
        text(&out.stderr)
    );
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["data.jsonl"], "nothing but the data may be left");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_line_that_is_not_json_fails_the_export() {
    let dir = scratch("notjson");
    std::fs::write(dir.join("data.jsonl"), "{\"id\":1}\nnot json\n{\"id\":3}\n").unwrap();
    let data = dir.join("data.jsonl");
    let mock = Mock::start(&["--data", data.to_str().unwrap(), "--data-verbatim"]);
    let (out, _) = export(&mock, &dir.join("out.jsonl"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("line 2 is not JSON"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.join("out.jsonl").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn rate_limited_exports_are_retried() {
    let dir = scratch("ratelimit");
    let data = write_records(&dir.join("data.jsonl"), 100);
    let mock = Mock::start(&[
        "--data",
        dir.join("data.jsonl").to_str().unwrap(),
        "--rate-limit-first",
        "1",
    ]);
    let (out, _) = export(&mock, &dir.join("out.jsonl"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("rate limited (HTTP 429); retrying in 1 s"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(dir.join("out.jsonl")).unwrap(), data);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn time_shows_the_servers_message_on_a_500() {
    // A clock pushed past 9999-12-31 makes the mock answer 500.
    let mock = Mock::start(&["--clock-offset", "300000000000"]);
    let out = tm(&["--demo", "--base-url", &mock.url, "time"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "HTTP 500: server clock: timestamp: outside 1970-01-01T00:00:00 to 9999-12-31T23:59:59"
        ),
        "{err}"
    );
}
