//! `tm export` against `tm mock-server`: where the output goes, formats,
//! paging, interruptions, pipes, rate limits. Each checks exit status and
//! message.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{scratch, text, Mock};

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `tm --demo --base-url MOCK export ARGS`, run in `dir`.
fn export(mock: &Mock, dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tm"));
    command
        .args([
            "--demo",
            "--base-url",
            &mock.url,
            "export",
            "-q",
            "select 1",
        ])
        .args(args)
        .current_dir(dir)
        .env_clear();
    command
}

fn run(mut command: Command) -> Output {
    command.output().unwrap()
}

fn data(dir: &Path, lines: &[&str]) -> String {
    let path = dir.join("data.jsonl");
    std::fs::write(
        &path,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn dash_is_standard_output_and_limit_offset_reach_the_server() {
    let dir = scratch("stdout");
    let mock = Mock::start(&[
        "--data",
        &data(&dir, &[r#"{"id":1}"#, r#"{"id":2}"#, r#"{"id":3}"#]),
    ]);
    let out = run(export(
        &mock,
        &dir,
        &["-o", "-", "--offset", "1", "--limit", "1"],
    ));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "{\"id\":2}\n");
    assert_eq!(files_in(&dir), ["data.jsonl"], "no file named -");
}

#[test]
fn a_bad_output_is_refused_before_the_request() {
    let dir = scratch("badout");
    let log = dir.join("log.jsonl");
    let mock = Mock::start(&[
        "--data",
        &data(&dir, &["{}"]),
        "--log",
        log.to_str().unwrap(),
    ]);
    std::fs::create_dir(dir.join("sub")).unwrap();
    for (output, message) in [
        ("sub", "--output sub: is a directory"),
        (
            "missing/out.jsonl",
            "--output missing/out.jsonl: the folder missing does not exist",
        ),
    ] {
        let out = run(export(&mock, &dir, &["-o", output]));
        assert_eq!(out.status.code(), Some(2), "{output}");
        assert_eq!(text(&out.stderr), format!("tm: {message}\n"));
    }
    assert!(
        !log.exists() || std::fs::read_to_string(&log).unwrap().is_empty(),
        "no request was sent"
    );
}

#[test]
fn csv_has_a_header_quoting_and_json_for_nested_values() {
    let dir = scratch("csv");
    let mock = Mock::start(&[
        "--data",
        &data(
            &dir,
            &[
                r#"{"id":1,"name":"Zoë, \"Z\"","tags":["a","b"],"note":null,"ok":true}"#,
                r#"{"id":2,"name":"two\nlines","tags":{"x":1},"note":"n","ok":false}"#,
            ],
        ),
    ]);
    let out = run(export(&mock, &dir, &["--format", "csv", "-o", "out.csv"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.join("out.csv")).unwrap(),
        "id,name,tags,note,ok\n1,\"Zoë, \"\"Z\"\"\",\"[\"\"a\"\",\"\"b\"\"]\",,true\n2,\"two\nlines\",\"{\"\"x\"\":1}\",n,false\n"
    );
}

#[test]
fn csv_refuses_records_with_other_keys_and_leaves_nothing() {
    let dir = scratch("csvkeys");
    let mock = Mock::start(&[
        "--data",
        &data(&dir, &[r#"{"id":1,"name":"a"}"#, r#"{"id":2,"email":"b"}"#]),
    ]);
    let out = run(export(&mock, &dir, &["--format", "csv", "-o", "out.csv"]));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "line 2: its keys differ from the header's (missing: name; not in the header: email)"
        ),
        "{err}"
    );
    assert_eq!(files_in(&dir), ["data.jsonl"]);
}

/// JSON objects carry no order: the same keys in another order fill the
/// same columns.
#[test]
fn csv_maps_later_records_onto_the_columns_by_name() {
    let dir = scratch("csvorder");
    let mock = Mock::start(&[
        "--data",
        &data(&dir, &[r#"{"a":1,"b":"x"}"#, r#"{"b":"y","a":2}"#]),
    ]);
    let out = run(export(&mock, &dir, &["--format", "csv", "-o", "out.csv"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.join("out.csv")).unwrap(),
        "a,b\n1,x\n2,y\n"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = scratch("pipe");
    let lines: Vec<String> = (0..200_000)
        .map(|i| format!(r#"{{"id":{i},"pad":"{}"}}"#, "x".repeat(50)))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mock = Mock::start(&["--data", &data(&dir, &lines)]);
    let mut child = export(&mock, &dir, &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take()); // what `head -c 100` does
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "");
}

/// Ctrl-C or SIGTERM during a stalled export: the temporary file is removed
/// and the exit status is 128 + the signal.
#[test]
fn interrupted_exports_leave_nothing_behind() {
    for (signal, status) in [("INT", 130), ("TERM", 143)] {
        let dir = scratch(&format!("signal{signal}"));
        let lines: Vec<String> = (0..10_000).map(|i| format!(r#"{{"id":{i}}}"#)).collect();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let mock = Mock::start(&["--data", &data(&dir, &lines), "--stall-after", "20000"]);
        let child = export(&mock, &dir, &["-o", "slow.jsonl"])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until the temporary file has the data before the stall.
        for _ in 0..100 {
            let partial = files_in(&dir)
                .into_iter()
                .find(|n| n.contains("tm-partial"));
            if partial.is_some_and(|p| std::fs::metadata(dir.join(p)).map_or(0, |m| m.len()) > 0) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(
            files_in(&dir).iter().any(|n| n.contains("tm-partial")),
            "{:?}",
            files_in(&dir)
        );
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(status), "SIG{signal}");
        assert_eq!(files_in(&dir), ["data.jsonl"], "SIG{signal}");
    }
}

#[test]
fn rate_limits_are_retried_up_to_max_retries() {
    let dir = scratch("ratelimit");
    let mock = Mock::start(&[
        "--data",
        &data(&dir, &["{}"]),
        "--rate-limit-first",
        "3",
        "--retry-after",
        "0",
    ]);
    let out = run(export(
        &mock,
        &dir,
        &["--max-retries", "1", "-o", "out.jsonl"],
    ));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("rate limited (HTTP 429); retrying in 0 s (retry 1 of 1)"),
        "{err}"
    );
    assert!(
        err.contains("still rate limited after 1 retries (--max-retries)"),
        "{err}"
    );
    assert_eq!(files_in(&dir), ["data.jsonl"]);
    let out = run(export(
        &mock,
        &dir,
        &["--max-retries", "1", "-o", "out.jsonl"],
    ));
    assert_eq!(
        out.status.code(),
        Some(0),
        "the third 429 was the last: {}",
        text(&out.stderr)
    );
}

/// A 429 without Retry-After: the queue status's backoff (milliseconds) is
/// waited out. Served by a few lines of Python standing in for Ticketmatic.
#[test]
fn a_429_without_retry_after_waits_the_backoff() {
    let server = r#"
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    n = 0
    def do_POST(self):
        self.rfile.read(int(self.headers['Content-Length']))
        H.n += 1
        body = json.dumps({"backoff": 200, "progress": 1}).encode() if H.n == 1 else b'{"id":1}\n'
        self.send_response(429 if H.n == 1 else 200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"#;
    let mut child = Command::new("python3")
        .args(["-c", server])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut port = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut port,
    )
    .unwrap();
    let url = format!("http://127.0.0.1:{}", port.trim());
    let out = Command::new(env!("CARGO_BIN_EXE_tm"))
        .args(["--demo", "--base-url", &url, "export", "-q", "x"])
        .env_clear()
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("retrying in 1 s (retry 1 of 5)"),
        "0.2 s rounds up: {}",
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout), "{\"id\":1}\n");
}

/// The commit point: SIGINT at 100 moments of an export over an existing
/// file. Exit 130 must mean the old file is intact (and nothing else is
/// left); exit 0, the new file whole. The first 60 moments are 50 us apart
/// over start-up, where the temporary file is created (a signal between
/// its creation and its listing once left it behind: 14 of 1,500 runs).
#[test]
fn exit_130_always_means_the_old_file_is_intact() {
    let dir = scratch("commit-point");
    let lines: Vec<String> = (0..20_000).map(|i| format!(r#"{{"id":{i}}}"#)).collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mock = Mock::start(&["--data", &data(&dir, &lines)]);
    let new_len = lines.iter().map(|l| l.len() + 1).sum::<usize>() as u64;
    let (mut interrupted, mut finished) = (0, 0);
    let moments = (0..60u64)
        .map(|i| Duration::from_micros(50 * i))
        .chain((0..40u64).map(|i| Duration::from_micros(2_500 * i)));
    for (step, moment) in moments.enumerate() {
        std::fs::write(dir.join("out.jsonl"), "PRECIOUS\n").unwrap();
        let child = export(&mock, &dir, &["-o", "out.jsonl"])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread over start-up, the stream, and the rename.
        std::thread::sleep(moment);
        let _ = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let status = child.wait_with_output().unwrap().status;
        let content = std::fs::read(dir.join("out.jsonl")).unwrap();
        // Before `tm` installs its handler, SIGINT ends it as it ends any
        // program (a shell shows 130 for it too).
        use std::os::unix::process::ExitStatusExt;
        let code = status.code().or(status.signal().map(|s| 128 + s));
        match code {
            Some(130) => {
                interrupted += 1;
                assert_eq!(
                    content, b"PRECIOUS\n",
                    "step {step}: exit 130 but the file changed"
                );
            }
            Some(0) => {
                finished += 1;
                assert_eq!(content.len() as u64, new_len, "step {step}");
            }
            other => panic!("step {step}: exit {other:?}"),
        }
        assert_eq!(files_in(&dir), ["data.jsonl", "out.jsonl"], "step {step}");
    }
    println!(
        "commit point: 100 runs, {interrupted} interrupted (old file intact), {finished} finished"
    );
    assert!(
        interrupted > 0,
        "no run was interrupted: the test proves nothing"
    );
}

/// -o follows what `>` could do: a read-only file and a hard-linked one are
/// refused before any request; a replaced file keeps its mode; a file name
/// of 250 bytes works (its temporary name is cut to fit).
#[test]
fn outputs_are_written_as_redirection_would() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = scratch("as-redirection");
    let mock = Mock::start(&["--data", &data(&dir, &[r#"{"id":1}"#])]);
    std::fs::write(dir.join("linked"), "PRECIOUS\n").unwrap();
    std::fs::hard_link(dir.join("linked"), dir.join("other-link")).unwrap();
    let out = run(export(&mock, &dir, &["-o", "linked"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--output linked: has 1 other hard links"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(dir.join("linked")).unwrap(), b"PRECIOUS\n");
    std::fs::remove_file(dir.join("other-link")).unwrap();

    std::fs::set_permissions(dir.join("linked"), std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = run(export(&mock, &dir, &["-o", "linked"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let meta = std::fs::metadata(dir.join("linked")).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o640);

    // A read-only file: refused as `>` refuses it, unless running as root,
    // for whom `>` writes it too (as root it is written, mode kept).
    std::fs::set_permissions(dir.join("linked"), std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::write(dir.join("marker"), "").unwrap();
    let root = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join("linked"))
        .is_ok();
    let out = run(export(&mock, &dir, &["-o", "linked"]));
    if root {
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(
            std::fs::metadata(dir.join("linked")).unwrap().mode() & 0o7777,
            0o444
        );
    } else {
        assert_eq!(out.status.code(), Some(2));
        assert!(
            text(&out.stderr).contains("cannot be written"),
            "{}",
            text(&out.stderr)
        );
    }

    let long = "n".repeat(250);
    let out = run(export(&mock, &dir, &["-o", &long]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(dir.join(&long)).unwrap(), b"{\"id\":1}\n");
}
