//! `tm` against `tm mock-server`, both as real processes on 127.0.0.1.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

/// A running `tm mock-server`, stopped when dropped.
struct Mock {
    child: Child,
    url: String,
}

impl Mock {
    fn start(args: &[&str]) -> Mock {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tm"))
            .args(["--demo", "mock-server", "--port", "0"])
            .args(args)
            .env_clear()
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("mock server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Mock { child, url }
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tm(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tm"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("tm runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The documentation's keys, which `--demo` uses, but with another secret.
const WRONG_SECRET: [(&str, &str); 3] = [
    ("TM_ACCOUNT", "myaccountname"),
    ("TM_ACCESS_KEY", "azertyuiop"),
    ("TM_SECRET_KEY", "not-the-secret"),
];

#[test]
fn signed_get_is_accepted() {
    let mock = Mock::start(&[]);
    let out = tm(&["--demo", "--base-url", &mock.url, "get", "events"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["account"], "myaccountname");
    assert_eq!(json["path"], "events");
}

#[test]
fn wrong_secret_is_refused_with_the_reason() {
    let mock = Mock::start(&[]);
    let out = tm(&["--base-url", &mock.url, "get", "events"], &WRONG_SECRET);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("HTTP 401"), "{err}");
    assert!(err.contains("signature does not match"), "{err}");
    assert!(err.contains("likely causes"), "{err}");
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn clock_skew_is_reported() {
    let mock = Mock::start(&["--clock-offset", "3600"]);
    let out = tm(&["--demo", "--base-url", &mock.url, "time"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
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
    let mock = Mock::start(&["--explain"]);
    let url = format!("{}/api/1/myaccountname/events", mock.url);

    let missing = ureq::get(&url).call().unwrap_err();
    let ureq::Error::Status(401, response) = missing else {
        panic!("{missing:?}")
    };
    assert!(response
        .into_string()
        .unwrap()
        .contains("no Authorization header"));

    // A client that signs the wrong text learns what the server signed.
    let header = "TM-HMAC-SHA256 key=azertyuiop ts=2026-11-23T09:26:56 sign=0000000000000000000000000000000000000000000000000000000000000000";
    let refused = ureq::get(&url)
        .set("Authorization", header)
        .call()
        .unwrap_err();
    let ureq::Error::Status(401, response) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(
        response.header("X-Tm-Expected-Payload"),
        Some("azertyuiopmyaccountname2026-11-23T09:26:56")
    );
    assert!(response
        .into_string()
        .unwrap()
        .contains("signature does not match"));

    let malformed = ureq::get(&url)
        .set("Authorization", "Basic abc")
        .call()
        .unwrap_err();
    let ureq::Error::Status(401, response) = malformed else {
        panic!("{malformed:?}")
    };
    assert!(response
        .into_string()
        .unwrap()
        .contains("Authorization header: not"));
}
