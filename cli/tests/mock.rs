//! `tm mock-server` as a client's test suite meets it: real HTTP over
//! 127.0.0.1, every route, refusal and fault, with error bodies read into a
//! typed struct the way the official clients read them.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{fixtures, scratch, text, tm, Mock};
use serde::Deserialize;
use serde_json::{json, Value};

/// The error shape of SPEC section 6, as tm-go's `RequestError` and
/// tm-php's `ClientException` read it.
#[derive(Debug, Deserialize)]
struct RequestError {
    code: u16,
    message: String,
    applicationcode: i64,
    applicationdata: Value,
}

/// What came back.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The error, checked to be in Ticketmatic's shape.
    fn error(&self) -> RequestError {
        assert_eq!(
            self.header("Content-Type"),
            Some("application/json"),
            "{}",
            self.body
        );
        let error: RequestError =
            serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body));
        assert_eq!(error.code, self.status);
        assert_eq!(error.applicationcode, 0);
        assert!(!error.message.is_empty());
        error
    }
}

fn call(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> Answer {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(20)))
        .http_status_as_error(false)
        .allow_non_standard_methods(true)
        .proxy(None)
        .build()
        .into();
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(body.unwrap_or_default().as_bytes().to_vec());
    let response = agent
        .run(request.unwrap())
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.to_string(), value)
        })
        .collect();
    let body = response.into_body().read_to_string().unwrap_or_default();
    Answer {
        status,
        headers,
        body,
    }
}

/// A valid Authorization header for the demo keys, made now.
fn signed() -> String {
    text(&tm(&["--demo", "header"], &[]).stdout)
        .trim()
        .to_owned()
}

fn api(mock: &Mock, path: &str) -> String {
    format!("{}/api/1/myaccountname/{path}", mock.url)
}

/// `count` JSON lines of about 100 bytes.
fn write_data(path: &std::path::Path, count: usize) {
    let mut text = String::new();
    for i in 0..count {
        text.push_str(
            &json!({"id": i, "name": format!("contact {i:08}"), "pad": "x".repeat(60)}).to_string(),
        );
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn diagnostics_time_needs_no_signature_and_has_no_zone() {
    let mock = Mock::start(&["--clock-offset", "-7200"]);
    for path in ["diagnostics/time", "diagnostics/time/"] {
        let answer = call("GET", &api(&mock, path), &[], None);
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        let time = answer.json()["systemtime"].as_str().unwrap().to_owned();
        assert_eq!(time.len(), 19, "YYYY-MM-DDTHH:MM:SS: {time}");
        assert_eq!(&time[10..11], "T");
    }
    let out = tm(&["--demo", "--base-url", &mock.url, "time"], &[]);
    let report = text(&out.stdout);
    assert!(
        report.contains("7200 s ahead of the server") || report.contains("7199 s ahead"),
        "{report}"
    );
}

#[test]
fn refusals_say_why_in_the_clients_error_shape() {
    let mock = Mock::start(&["--fixtures", &fixtures()]);
    let url = api(&mock, "events");

    let error = call("GET", &url, &[], None).error();
    assert_eq!(error.code, 401);
    assert!(
        error.message.starts_with("no Authorization header"),
        "{}",
        error.message
    );

    // A wrong signature: the payload the server signed, in the body and a header.
    let wrong = "TM-HMAC-SHA256 key=azertyuiop ts=2026-11-23T09:26:56 sign=0000000000000000000000000000000000000000000000000000000000000000";
    let answer = call("GET", &url, &[("Authorization", wrong)], None);
    let error = answer.error();
    assert_eq!(error.message, "signature does not match what it signs");
    let payload = "azertyuiopmyaccountname2026-11-23T09:26:56";
    assert_eq!(error.applicationdata["expected_payload"], payload);
    assert_eq!(answer.header("X-Tm-Expected-Payload"), Some(payload));

    // An unknown key: said so, and nothing computed with another key.
    let unknown = wrong.replace("azertyuiop", "someoneelse");
    let answer = call("GET", &url, &[("Authorization", &unknown)], None);
    let error = answer.error();
    assert_eq!(
        error.message,
        "Authorization header: unknown access key 'someoneelse'"
    );
    assert_eq!(error.applicationdata, json!({"access_key": "someoneelse"}));
    assert_eq!(answer.header("X-Tm-Expected-Payload"), None);

    let error = call(
        "GET",
        &url,
        &[("Authorization", "TM-HMAC-SHA256 key=azertyuiop ts=now")],
        None,
    )
    .error();
    assert_eq!(
        error.applicationdata["offset"], 33,
        "where the timestamp should start"
    );

    let error = call("GET", &url, &[("Authorization", "Bearer abc")], None).error();
    assert_eq!(
        error.message,
        "Authorization scheme 'Bearer' is not accepted: use TM-HMAC-SHA256 or Basic"
    );

    // Signed for another account than the key's: 403.
    let header = signed();
    let other = format!("{}/api/1/otheraccount/events", mock.url);
    let answer = call("GET", &other, &[("Authorization", &header)], None);
    assert_eq!(
        answer.status, 401,
        "the signature covers the account in the path"
    );
    // A signature a client computed for the other account is right, but the
    // key has no access there.
    let for_other = text(
        &tm(
            &["header"],
            &[
                ("TM_ACCOUNT", "otheraccount"),
                ("TM_ACCESS_KEY", "azertyuiop"),
                ("TM_SECRET_KEY", "qsdfghjklm"),
            ],
        )
        .stdout,
    );
    let error = call("GET", &other, &[("Authorization", for_other.trim())], None).error();
    assert_eq!(error.code, 403);
    assert!(
        error
            .message
            .contains("no access to account 'otheraccount'"),
        "{}",
        error.message
    );
}

#[test]
fn clock_skew_is_given_in_seconds() {
    let mock = Mock::start(&["--clock-offset", "3600"]);
    let error = call(
        "GET",
        &api(&mock, "events"),
        &[("Authorization", &signed())],
        None,
    )
    .error();
    assert_eq!(error.code, 401);
    let skew = error.applicationdata["skew_secs"].as_i64().unwrap();
    assert!((-3601..=-3599).contains(&skew), "{skew}");
    assert_eq!(error.applicationdata["window_secs"], 1800);
}

#[test]
fn basic_authentication_with_the_key_pair() {
    let mock = Mock::start(&["--fixtures", &fixtures()]);
    // base64("azertyuiop:qsdfghjklm") and base64("azertyuiop:wrong")
    let right = "Basic YXplcnR5dWlvcDpxc2RmZ2hqa2xt";
    let answer = call(
        "GET",
        &api(&mock, "contacts"),
        &[("Authorization", right)],
        None,
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let error = call(
        "GET",
        &api(&mock, "contacts"),
        &[("Authorization", "Basic YXplcnR5dWlvcDp3cm9uZw==")],
        None,
    )
    .error();
    assert_eq!(
        error.message,
        "Basic authentication: wrong secret key for access key 'azertyuiop'"
    );
}

#[test]
fn fixtures_answer_typed_clients_and_other_paths_are_404_after_the_signature() {
    let mock = Mock::start(&["--fixtures", &fixtures()]);
    let auth = [("Authorization", signed())];
    let auth: Vec<(&str, &str)> = auth.iter().map(|(n, v)| (*n, v.as_str())).collect();

    let page = call(
        "GET",
        &format!("{}?limit=2&offset=1", api(&mock, "events/")),
        &auth,
        None,
    )
    .json();
    assert_eq!(page["nbrofresults"], 5);
    let ids: Vec<i64> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [10002, 10003]);

    // Account-less: signed with an empty account, path segment `_`.
    let out = tm(
        &[
            "--demo",
            "--base-url",
            &mock.url,
            "api",
            "/api/1/_/tools/accounts",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let accounts: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(accounts[0]["shortname"], "myaccountname");

    let error = call("GET", &api(&mock, "vouchers"), &auth, None).error();
    assert_eq!(error.code, 404);
    assert_eq!(error.message, "no such path: vouchers");
    // Unsigned, the same path is a 401: a 404 means the signature was fine.
    assert_eq!(call("GET", &api(&mock, "vouchers"), &[], None).status, 401);
    // One item of a list, by id; an id the list lacks is a 404 that says so.
    let event = call("GET", &api(&mock, "events/10003"), &auth, None).json();
    assert_eq!(event["name"], "New Year's Gala");
    let error = call("GET", &api(&mock, "contacts/9999"), &auth, None).error();
    assert_eq!(
        (error.code, error.message.as_str()),
        (404, "contacts: no item with id 9999")
    );
    let error = call(
        "GET",
        &format!("{}?limit=x", api(&mock, "events")),
        &auth,
        None,
    )
    .error();
    assert_eq!(
        (error.code, error.applicationdata["parameter"].as_str()),
        (400, Some("limit"))
    );
    assert_eq!(
        call("GET", &format!("{}/nothing/here", mock.url), &[], None)
            .error()
            .code,
        404
    );
}

#[test]
fn export_takes_a_query_request_and_honours_limit_and_offset() {
    let dir = scratch("export");
    write_data(&dir.join("data.jsonl"), 100);
    let mock = Mock::start(&[
        "--data",
        dir.join("data.jsonl").to_str().unwrap(),
        "--max-body",
        "1000",
    ]);
    let header = signed();
    let auth = [("Authorization", header.as_str())];
    let url = api(&mock, "tools/queries/export");

    let answer = call(
        "POST",
        &url,
        &auth,
        Some(r#"{"query": "select id from tm.contact", "limit": 3, "offset": 10}"#),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.header("Content-Type"), Some("application/x-ndjson"));
    let ids: Vec<i64> = answer
        .body
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, [10, 11, 12]);
    // tm-go always sends limit 0 and offset 0: everything.
    let all = call(
        "POST",
        &url,
        &auth,
        Some(r#"{"query": "x", "limit": 0, "offset": 0}"#),
    );
    assert_eq!(all.body.lines().count(), 100);

    let error = call("GET", &url, &auth, None).error();
    assert_eq!(error.code, 405);
    for (body, message) in [
        ("not json", "the body is not JSON"),
        ("{}", "the body has no \"query\""),
        (r#"{"query": 5}"#, "query: not a string"),
        (
            r#"{"query": "x", "limit": -1}"#,
            "limit: not a whole number",
        ),
    ] {
        let error = call("POST", &url, &auth, Some(body)).error();
        assert_eq!(error.code, 400, "{body}");
        assert!(
            error.message.starts_with(message),
            "{body}: {}",
            error.message
        );
    }
    let big = format!(r#"{{"query": "{}"}}"#, "x".repeat(2000));
    assert_eq!(call("POST", &url, &auth, Some(&big)).error().code, 413);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn queries_answer_a_query_result_from_the_data() {
    let dir = scratch("queries");
    write_data(&dir.join("data.jsonl"), 20);
    let mock = Mock::start(&["--data", dir.join("data.jsonl").to_str().unwrap()]);
    let header = signed();
    let auth = [("Authorization", header.as_str())];
    let url = api(&mock, "tools/queries");
    let result = call(
        "POST",
        &url,
        &auth,
        Some(r#"{"query": "select id from tm.contact", "limit": 2, "offset": 5}"#),
    )
    .json();
    // tm-go's QueryResult: the number of rows in the result, and the rows.
    assert_eq!(result["nbrofresults"], 2);
    assert_eq!(result["results"][0]["id"], 5);
    assert_eq!(result["results"][1]["name"], "contact 00000006");
    let all = call("POST", &url, &auth, Some(r#"{"query": "x"}"#)).json();
    assert_eq!(all["nbrofresults"], 20);
    for (body, field) in [
        ("{}", "query"),
        (r#"{"query": ["x"]}"#, "query"),
        (r#"{"query": "x", "offset": "2"}"#, "offset"),
    ] {
        let error = call("POST", &url, &auth, Some(body)).error();
        assert_eq!(error.code, 400, "{body}");
        assert_eq!(error.applicationdata["field"], field, "{body}");
    }
    assert_eq!(call("POST", &url, &auth, Some("[1]")).error().code, 400);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `tm mock-server` that is expected to refuse to start: its exit status
/// and what it said.
fn refused_start(args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["--demo", "mock-server", "--port", "0"];
    all.extend(args);
    let out = tm(&all, &[]);
    assert_eq!(text(&out.stdout), "", "it must not say it listens");
    (out.status.code(), text(&out.stderr))
}

#[test]
fn fixtures_and_data_are_checked_at_start() {
    let dir = scratch("checked");
    let (code, err) = refused_start(&["--fixtures", "/nonexistent"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("--fixtures /nonexistent: not a folder"),
        "{err}"
    );
    let file = dir.join("file.json");
    std::fs::write(&file, "{}").unwrap();
    let (code, err) = refused_start(&["--fixtures", file.to_str().unwrap()]);
    assert_eq!(
        (code, err.contains("not a folder")),
        (Some(2), true),
        "{err}"
    );
    let bad = dir.join("bad");
    std::fs::create_dir_all(bad.join("settings")).unwrap();
    std::fs::write(bad.join("settings/x.json"), "{\"data\": [}").unwrap();
    let (code, err) = refused_start(&["--fixtures", bad.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(err.contains("settings/x.json: not JSON: "), "{err}");

    let data = dir.join("rows.jsonl");
    for (text, line) in [
        ("{\"id\":1}\n\n{\"id\":2}\n", "line 2: a blank line"),
        ("{\"id\":1}\nnot json\n", "line 2: not a JSON object"),
        ("[1]\n", "line 1: not a JSON object"),
    ] {
        std::fs::write(&data, text).unwrap();
        let (code, err) = refused_start(&["--data", data.to_str().unwrap()]);
        assert_eq!(code, Some(2), "{text:?}");
        assert!(err.contains(line), "{text:?}: {err}");
    }

    // A missing final newline is supplied: no client loses the last record.
    std::fs::write(&data, "{\"id\":1}\n{\"id\":2}").unwrap();
    let mock = Mock::start(&["--data", data.to_str().unwrap()]);
    let header = signed();
    let auth = [("Authorization", header.as_str())];
    let export = |mock: &Mock, body: &str| {
        call(
            "POST",
            &api(mock, "tools/queries/export"),
            &auth,
            Some(body),
        )
        .body
    };
    assert_eq!(
        export(&mock, r#"{"query": "x"}"#),
        "{\"id\":1}\n{\"id\":2}\n"
    );
    drop(mock);

    // --data-verbatim: the bytes as they are; offset counts records only.
    std::fs::write(&data, "{\"id\":1}\n\n{\"id\":2}").unwrap();
    let mock = Mock::start(&["--data", data.to_str().unwrap(), "--data-verbatim"]);
    assert_eq!(
        export(&mock, r#"{"query": "x"}"#),
        "{\"id\":1}\n\n{\"id\":2}"
    );
    assert_eq!(
        export(&mock, r#"{"query": "x", "offset": 1}"#),
        "{\"id\":2}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn oversized_headers_are_431() {
    let mock = Mock::start(&[]);
    let huge = "x".repeat(20_000);
    assert_eq!(
        call(
            "GET",
            &api(&mock, "diagnostics/time"),
            &[("X-Big", &huge)],
            None
        )
        .status,
        431
    );
}

#[test]
fn faults_on_demand_500_then_429_with_a_queue_status() {
    let dir = scratch("faults");
    write_data(&dir.join("data.jsonl"), 10);
    let data = dir.join("data.jsonl");
    let mock = Mock::start(&[
        "--data",
        data.to_str().unwrap(),
        "--fail-first",
        "2",
        "--rate-limit-first",
        "1",
        "--retry-after",
        "3",
    ]);
    let header = signed();
    let auth = [("Authorization", header.as_str())];
    let url = api(&mock, "tools/queries/export");
    let body = Some(r#"{"query": "x"}"#);
    for _ in 0..2 {
        let error = call("POST", &url, &auth, body).error();
        assert_eq!(error.code, 500);
        assert!(error
            .message
            .starts_with("simulated server error (--fail-first 2)"));
    }
    let limited = call("POST", &url, &auth, body);
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("Retry-After"), Some("3"));
    assert_eq!(limited.header("Content-Type"), Some("application/json"));
    let queue = limited.json();
    assert_eq!(queue["backoff"], 3000);
    assert_eq!(queue["progress"], 1);
    assert!(queue["id"].is_string() && queue["started"] == false);
    assert_eq!(call("POST", &url, &auth, body).status, 200);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Sends a signed export request on a raw connection and returns it.
fn raw_export(mock: &Mock, header: &str) -> TcpStream {
    let address = mock.url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    let body = r#"{"query": "x"}"#;
    write!(
        stream,
        "POST /api/1/myaccountname/tools/queries/export HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: {header}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    stream
}

#[test]
fn a_cut_stream_is_a_broken_connection_and_a_stall_keeps_it_open() {
    let dir = scratch("cut");
    write_data(&dir.join("data.jsonl"), 2000);
    let data = dir.join("data.jsonl");
    let header = signed();

    let mock = Mock::start(&["--data", data.to_str().unwrap(), "--cut-after", "50000"]);
    let mut stream = raw_export(&mock, &header);
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut received = Vec::new();
    let end = stream.read_to_end(&mut received);
    assert!(end.is_ok(), "the server closes the connection: {end:?}");
    let received = String::from_utf8_lossy(&received);
    assert!(received.starts_with("HTTP/1.1 200"), "{received:.200}");
    assert!(
        received.contains("transfer-encoding: chunked"),
        "{received:.300}"
    );
    assert!(!received.ends_with("0\r\n\r\n"), "no terminating chunk");
    assert!(received.len() > 50_000, "what came before the cut was sent");

    let mock = Mock::start(&["--data", data.to_str().unwrap(), "--stall-after", "50000"]);
    let mut stream = raw_export(&mock, &header);
    stream
        .set_read_timeout(Some(Duration::from_millis(1500)))
        .unwrap();
    let mut received = Vec::new();
    let error = stream.read_to_end(&mut received).unwrap_err();
    assert!(
        matches!(
            error.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
        "{error}"
    );
    assert!(
        received.len() > 50_000 && received.len() < 60_000,
        "{}",
        received.len()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A client stalled mid-export, a slow export reader, and a half-open
/// connection do not keep 50 other signed requests from being answered.
#[test]
fn stalled_and_slow_clients_do_not_block_others() {
    let dir = scratch("concurrency");
    write_data(&dir.join("data.jsonl"), 200_000); // 20 MB: more than the socket buffers
    let mock = Mock::start(&[
        "--data",
        dir.join("data.jsonl").to_str().unwrap(),
        "--fixtures",
        &fixtures(),
    ]);
    let header = signed();

    // Stalled: reads a little, then never again.
    let mut stalled = raw_export(&mock, &header);
    let mut first = [0u8; 1024];
    stalled.read_exact(&mut first).unwrap();
    // Slow: reads 4 KiB every 50 ms on a thread of its own.
    let mut slow = raw_export(&mock, &header);
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        for _ in 0..40 {
            if slow.read(&mut buf).unwrap_or(0) == 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    // Half-open: a request line and never the rest of the headers.
    let mut half = TcpStream::connect(mock.url.trim_start_matches("http://")).unwrap();
    half.write_all(b"GET /api/1/myaccountname/events HTTP/1.1\r\nHost: x\r\n")
        .unwrap();

    let url = api(&mock, "events");
    let clients: Vec<_> = (0..50)
        .map(|_| {
            let (url, header) = (url.clone(), header.clone());
            std::thread::spawn(move || {
                call("GET", &url, &[("Authorization", &header)], None).status
            })
        })
        .collect();
    let statuses: Vec<u16> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
    reader.join().unwrap();
    drop((stalled, half));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn idle_connections_are_closed() {
    let mock = Mock::start(&["--idle-timeout", "1"]);
    let mut idle = TcpStream::connect(mock.url.trim_start_matches("http://")).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut buf = [0u8; 16];
    // The server closes it: the read ends (0 bytes or a reset), it does not time out.
    match idle.read(&mut buf) {
        Ok(n) => assert_eq!(n, 0),
        Err(e) => assert_ne!(e.kind(), std::io::ErrorKind::WouldBlock, "{e}"),
    }
}

#[test]
fn widget_urls_are_checked_with_the_widget_key_pair() {
    let dir = scratch("widgets");
    let keys = dir.join("widget-keys");
    common::write_private(
        &keys,
        "TM_ACCOUNT=myaccountname\nTM_ACCESS_KEY=widgetkey\nTM_SECRET_KEY=widgetsecret\n",
    );
    let mock = Mock::start(&["--widget-credentials", keys.to_str().unwrap()]);
    let url = text(
        &tm(
            &[
                "--credentials",
                keys.to_str().unwrap(),
                "--base-url",
                &mock.url,
                "widget-url",
                "addtickets",
                "event=123",
                "l=fr",
            ],
            &[],
        )
        .stdout,
    );
    let answer = call("GET", url.trim(), &[], None);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["valid"], true);
    assert_eq!(answer.json()["payload"], "widgetkeymyaccountnameevent123");

    let error = call(
        "GET",
        &url.trim().replace("event=123", "event=124"),
        &[],
        None,
    )
    .error();
    assert_eq!(error.code, 401);
    assert_eq!(error.applicationdata["error_kind"], "signature_mismatch");
    assert_eq!(
        error.applicationdata["expected_payload"],
        "widgetkeymyaccountnameevent124"
    );
    // Signed with the API pair (the demo keys), not the widget pair.
    let api_signed = text(
        &tm(
            &[
                "--demo",
                "--base-url",
                &mock.url,
                "widget-url",
                "addtickets",
                "event=1",
            ],
            &[],
        )
        .stdout,
    );
    assert_eq!(
        call("GET", api_signed.trim(), &[], None)
            .error()
            .applicationdata["error_kind"],
        "bad_access_key"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_request_log_has_a_line_per_request() {
    let dir = scratch("log");
    let log = dir.join("requests.jsonl");
    let mock = Mock::start(&["--log", log.to_str().unwrap(), "--fixtures", &fixtures()]);
    assert_eq!(
        call(
            "GET",
            &api(&mock, "events"),
            &[("Authorization", &signed())],
            None
        )
        .status,
        200
    );
    assert_eq!(call("GET", &api(&mock, "events"), &[], None).status, 401);
    assert_eq!(
        call("GET", &api(&mock, "diagnostics/time"), &[], None).status,
        200
    );
    // A signed request with the wrong method, and a widget URL not signed.
    assert_eq!(
        call(
            "PUT",
            &api(&mock, "tools/queries"),
            &[("Authorization", &signed())],
            None
        )
        .status,
        405
    );
    let widget = format!(
        "{}/widgets/myaccountname/addtickets?event=1&accesskey=azertyuiop&signature=00",
        mock.url
    );
    assert_eq!(call("GET", &widget, &[], None).status, 401);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert_eq!(
        (lines[3]["verdict"].as_str(), lines[3]["status"].as_u64()),
        (Some("refused"), Some(405))
    );
    assert_eq!(lines[3]["reason"], "this path answers POST only");
    assert_eq!(
        (lines[4]["verdict"].as_str(), lines[4]["status"].as_u64()),
        (Some("refused"), Some(401))
    );
    assert_eq!(lines[0]["auth"], "tm-hmac-sha256");
    assert_eq!(lines[0]["access_key"], "azertyuiop");
    assert_eq!(lines[0]["verdict"], "accepted");
    assert_eq!(lines[0]["status"], 200);
    assert_eq!(lines[0]["path"], "/api/1/myaccountname/events");
    assert!(lines[0]["bytes"].as_u64().unwrap() > 100);
    assert_eq!(lines[0]["complete"], true);
    assert_eq!(lines[1]["verdict"], "refused");
    assert!(lines[1]["reason"]
        .as_str()
        .unwrap()
        .starts_with("no Authorization header"));
    assert_eq!(lines[2]["verdict"], "open");
    assert_eq!(lines[2]["time"].as_str().unwrap().len(), 19);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Writes, as the official clients' create, update and delete calls make
/// them, on the lists the fixtures seed: each signed and verified like a
/// read, kept in memory while the server runs.
#[test]
fn fixtures_lists_are_created_in_updated_and_deleted_from() {
    let mock = Mock::start(&["--fixtures", &fixtures()]);
    let auth = signed();
    let headers = [("Authorization", auth.as_str())];
    let send = |method: &str, path: &str, body: Option<&str>| {
        call(method, &api(&mock, path), &headers, body)
    };
    for (list, fields, update, expected_id) in [
        (
            "contacts",
            r#"{"firstname": "Ada", "lastname": "Lovelace", "isdeleted": false}"#,
            r#"{"lastname": "King"}"#,
            1005,
        ),
        (
            "events",
            r#"{"name": "New Year", "startts": "2026-12-31 22:00:00"}"#,
            r#"{"subtitle": "with fireworks"}"#,
            10006,
        ),
        // Orders are keyed by orderid, as tm-go's Order is.
        (
            "orders",
            r#"{"customerid": 1001, "saleschannelid": 1}"#,
            r#"{"status": 21001}"#,
            8003,
        ),
    ] {
        let created = send("POST", list, Some(fields));
        assert_eq!(created.status, 200, "{list}: {}", created.body);
        let item = created.json();
        let key = if list == "orders" { "orderid" } else { "id" };
        let id = item[key].as_i64().expect("an id");
        assert_eq!(id, expected_id, "{list}: the next id after the fixtures'");
        let read = send("GET", &format!("{list}/{id}"), None);
        assert_eq!(
            read.json(),
            item,
            "{list}: a get after the create returns it"
        );
        let updated = send("PUT", &format!("{list}/{id}"), Some(update)).json();
        for (name, value) in serde_json::from_str::<Value>(update)
            .unwrap()
            .as_object()
            .unwrap()
        {
            assert_eq!(&updated[name], value, "{list}: the update's field");
        }
        let unchanged = serde_json::from_str::<Value>(fields).unwrap();
        let first = unchanged.as_object().unwrap().keys().next().unwrap();
        assert_eq!(
            updated[first], unchanged[first],
            "{list}: the other fields stay"
        );
        let deleted = send("DELETE", &format!("{list}/{id}"), None);
        assert_eq!(deleted.status, 200);
        assert_eq!(send("GET", &format!("{list}/{id}"), None).status, 404);
        assert_eq!(send("DELETE", &format!("{list}/{id}"), None).status, 404);
    }
    // Refusals in Ticketmatic's shape, naming the field.
    for (body, message) in [
        ("not json", "the body is not JSON"),
        ("[1, 2]", "the body is an array, not a JSON object"),
        (
            r#"{"firstname": 7}"#,
            "field firstname: a number where the mock holds a string",
        ),
    ] {
        let answer = send("POST", "contacts", Some(body));
        assert_eq!(answer.status, 400, "{body}");
        assert!(
            answer.error().message.starts_with(message),
            "{body}: {}",
            answer.body
        );
    }
    // The fields the server sets are ignored in a body, as tm-go sends them zero.
    let answer = send(
        "PUT",
        "contacts/1001",
        Some(r#"{"id": 0, "createdts": "", "email": "z@example.org"}"#),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let contact = answer.json();
    assert_eq!(
        (contact["id"].as_i64(), contact["email"].as_str()),
        (Some(1001), Some("z@example.org"))
    );
    assert_eq!(contact["createdts"], "2025-03-14 09:12:00");
    // Unsigned writes are refused like unsigned reads.
    assert_eq!(
        call("POST", &api(&mock, "contacts"), &[], Some("{}")).status,
        401
    );
}

/// What hyper refuses before a request is routed (431 for a head over
/// 16 KiB, 400 for one it cannot parse) is answered by hyper, with no body
/// and no hook for one: the mock logs each, with hyper's reason.
#[test]
fn requests_refused_before_routing_are_logged() {
    use std::io::{Read, Write};
    let dir = scratch("unrouted");
    let log = dir.join("requests.jsonl");
    let mock = Mock::start(&["--log", log.to_str().unwrap()]);
    let address = mock.url.trim_start_matches("http://").to_owned();
    let send = |raw: &[u8]| {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream.write_all(raw).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    };
    let long_query = format!(
        "GET /api/1/x/events?{} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(100_000)
    );
    assert!(send(long_query.as_bytes()).starts_with("HTTP/1.1 431 "));
    let big_header = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(20_000)
    );
    assert!(send(big_header.as_bytes()).starts_with("HTTP/1.1 431 "));
    assert!(send(b"\x00\x01garbage\r\n\r\n").starts_with("HTTP/1.1 400 "));
    assert!(send(b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x7fb\r\n\r\n").starts_with("HTTP/1.1 400 "));
    // The log line is written when the connection ends: wait for all four.
    let mut lines = Vec::new();
    for _ in 0..100 {
        lines = std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect();
        if lines.len() == 4 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let records: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let statuses: Vec<u64> = records
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [431, 431, 400, 400], "{lines:?}");
    for record in &records {
        assert_eq!(record["verdict"], "refused");
        assert!(record["reason"]
            .as_str()
            .unwrap()
            .starts_with("the request could not be read: "));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
