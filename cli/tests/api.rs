//! `tm api` against `tm mock-server`: paths and URLs, methods, bodies,
//! headers, paging; each checks exit status and output.

mod common;

use std::process::Output;

use common::{fixtures, text, tm, tm_with_stdin, Mock};
use serde_json::Value;

fn api(mock: &Mock, args: &[&str]) -> Output {
    let mut all = vec!["--demo", "--base-url", &mock.url, "api"];
    all.extend(args);
    tm(&all, &[])
}

fn ids(value: &Value) -> Vec<i64> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn paths_urls_and_query_fields() {
    let mock = Mock::start(&["--fixtures", &fixtures()]);
    let full = format!("{}/api/1/myaccountname/events", mock.url);
    for target in ["events", "/events", full.as_str()] {
        let out = api(&mock, &[target]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{target}: {}",
            text(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["nbrofresults"], 5, "{target}");
    }
    // -f with -X GET is a query parameter (without -X, a POST body's field).
    let out = api(
        &mock,
        &["-X", "GET", "events", "-f", "limit=2", "-f", "offset=3"],
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ids(&json["data"]), [10004, 10005]);
    // `_`: an account-less call, signed with an empty account.
    let out = api(&mock, &["/api/1/_/tools/accounts"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap()[0]["shortname"],
        "myaccountname"
    );
    // The alias of old.
    assert_eq!(
        tm(&["--demo", "--base-url", &mock.url, "get", "events"], &[])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn a_url_on_another_host_is_refused() {
    let mock = Mock::start(&[]);
    let out = api(&mock, &["http://example.org/api/1/myaccountname/events"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("the Authorization header would be sent to another host"),
        "{err}"
    );
}

#[test]
fn include_prints_the_status_line_and_headers() {
    let mock = Mock::start(&["--fixtures", &fixtures()]);
    let out = api(&mock, &["-i", "contacts"]);
    assert_eq!(out.status.code(), Some(0));
    let shown = text(&out.stdout);
    assert!(shown.starts_with("HTTP/1.1 200 OK\n"), "{shown}");
    assert!(
        shown.contains("\ncontent-type: application/json\n"),
        "{shown}"
    );
    assert!(shown.contains("\n\n{"), "{shown}");
}

#[test]
fn paginate_follows_limit_and_offset() {
    let mock = Mock::start(&["--fixtures", &fixtures()]);
    let out = api(&mock, &["events?limit=2", "--paginate"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let all: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ids(&all), [10001, 10002, 10003, 10004, 10005]);
    let out = api(&mock, &["events?limit=3", "--paginate", "--jsonl"]);
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    let out = api(&mock, &["/api/1/_/tools/accounts", "--paginate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not a list answer"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bodies_from_arguments_files_fields_and_stdin() {
    let dir = std::env::temp_dir().join(format!("tm-api-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("data.jsonl"), "{\"id\":1}\n{\"id\":2}\n").unwrap();
    std::fs::write(dir.join("body.json"), r#"{"query": "x", "limit": 1}"#).unwrap();
    let mock = Mock::start(&["--data", dir.join("data.jsonl").to_str().unwrap()]);
    let export = "tools/queries/export";

    let out = api(&mock, &["-X", "POST", export, "-d", r#"{"query": "x"}"#]);
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), "{\"id\":1}\n{\"id\":2}\n".into())
    );
    let body_file = format!("@{}", dir.join("body.json").display());
    let out = api(&mock, &[export, "-d", &body_file]);
    assert_eq!(
        text(&out.stdout),
        "{\"id\":1}\n",
        "POST is implied by a body"
    );
    let out = api(&mock, &[export, "-f", "query=select 1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let args = ["--demo", "--base-url", &mock.url, "api", export, "-d", "@-"];
    let out = tm_with_stdin(&args, &[], br#"{"query": "x", "offset": 1}"#);
    assert_eq!(text(&out.stdout), "{\"id\":2}\n");

    let out = api(&mock, &[export, "-d", "{not json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("tm: -d: the body is not JSON"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn refusals_print_the_servers_message_and_exit_1() {
    let mock = Mock::start(&[]);
    let out = api(&mock, &["orders"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!("tm: GET {}/api/1/myaccountname/orders: HTTP 404: no such path: orders\n  hint: \"the mock answers diagnostics/time, tools/queries/export, and the files of --fixtures DIR\"\n", mock.url)
    );
    let out = api(&mock, &["-X", "GET", "tools/queries/export"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("HTTP 405: this path answers POST only"));
}

#[test]
fn base_urls_are_checked() {
    // SPEC section 7: the core's rule, refused with its reason, never rewritten.
    for (base, shown, why) in [
        ("not-a-url", "\"not-a-url\"", "not https:// or http://"),
        (
            "javascript:alert(1)",
            "\"javascript:alert(1)\"",
            "not https:// or http://",
        ),
        (
            "https://x.example/?a=1",
            "\"https://x.example/?a=1\"",
            "byte 18 (0x3f) is not allowed",
        ),
        (
            "https://me@x.example",
            "\"https://me@x.example\"",
            "byte 10: user info (name@) is not allowed",
        ),
        // Shown escaped: a CR/LF given is neither echoed raw nor stripped.
        (
            "http://x\r\n.com",
            "\"http://x\\r\\n.com\"",
            "byte 8 (0x0d) is not allowed",
        ),
    ] {
        let out = tm(&["--demo", "--base-url", base, "widget-url", "w"], &[]);
        assert_eq!(out.status.code(), Some(2), "{base}");
        assert!(out.stdout.is_empty(), "{base}");
        let err = text(&out.stderr);
        assert!(
            err.starts_with(&format!("tm: --base-url {shown}: base URL: ")) && err.contains(why),
            "{err}"
        );
    }
}

#[test]
fn network_failures_exit_3_and_say_the_url_once() {
    // Port 1 on loopback: nothing listens there.
    let out = tm(
        &[
            "--demo",
            "--base-url",
            "http://127.0.0.1:1",
            "api",
            "events",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(3));
    let err = text(&out.stderr);
    assert!(
        err.starts_with(
            "tm: GET http://127.0.0.1:1/api/1/myaccountname/events: cannot connect: Connection refused"
        ),
        "{err}"
    );
    assert_eq!(err.matches("http://").count(), 1, "{err}");
}
