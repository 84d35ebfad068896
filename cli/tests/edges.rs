//! The edges a new user touches first: output that cannot be written, `-o`
//! onto what is not a regular file, numbers and arguments out of range,
//! stalled servers, and the exact message of each. Every test runs the
//! binary and checks its exit status and words.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{fixtures, scratch, text, tm, tm_with_stdin, Mock};

const TM: &str = env!("CARGO_BIN_EXE_tm");

/// Where a command's standard output goes in `every_command`.
enum Sink {
    /// A pipe whose reading end is closed before `tm` starts.
    ClosedPipe,
    /// `/dev/full`: every write fails with ENOSPC.
    Full,
}

fn run_into(args: &[&str], stdin: &[u8], sink: &Sink) -> Output {
    let stdout = match sink {
        Sink::ClosedPipe => {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            Stdio::from(writer)
        }
        Sink::Full => Stdio::from(std::fs::File::create("/dev/full").unwrap()),
    };
    let mut child = Command::new(TM)
        .args(args)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The child may exit before reading: a failed write here is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

/// The query of the demo keys' widget URL for `w?a=1`: a valid return URL.
fn demo_return_query() -> String {
    let out = tm(&["--demo", "widget-url", "w", "a=1"], &[]);
    let url = text(&out.stdout);
    url.trim().split_once('?').unwrap().1.to_owned()
}

#[test]
fn every_command_survives_a_closed_pipe_and_a_full_disk() {
    let dir = scratch("edges-every");
    let data = dir.join("rows.jsonl");
    std::fs::write(&data, "{\"id\":1}\n{\"id\":2}\n").unwrap();
    let mock = Mock::start(&["--fixtures", &fixtures(), "--data", data.to_str().unwrap()]);
    let query = demo_return_query();
    let adapter_input =
        b"{\"cmd\": \"start\", \"protocol\": \"tm-conformance/1\"}\n{\"cmd\": \"stop\"}\n";
    let base = ["--demo", "--base-url", mock.url.as_str()];
    let commands: Vec<Vec<&str>> = vec![
        vec!["--help"],
        vec!["--version"],
        vec!["header", "--help"],
        vec!["header"],
        vec!["widget-url", "w", "a=1"],
        vec!["verify-return-url", &query],
        vec!["explain", "header"],
        vec!["explain", "widget-url", "w", "a=1"],
        vec!["explain", "return-url", &query],
        vec!["time"],
        vec!["api", "events"],
        vec!["api", "events", "-i"],
        vec!["api", "events", "--paginate"],
        vec!["export", "-q", "select id from tm.contact"],
        vec![
            "export",
            "-q",
            "select id from tm.contact",
            "--format",
            "csv",
        ],
        vec!["completions", "bash"],
        vec!["conformance", "cases", "--generate", "5"],
        vec![
            "conformance",
            "run",
            "--generate",
            "5",
            "--",
            TM,
            "conformance",
            "adapter",
        ],
        vec![
            "conformance",
            "run",
            "--generate",
            "5",
            "--format",
            "html",
            "--",
            TM,
            "conformance",
            "adapter",
        ],
        vec!["conformance", "adapter"],
        vec!["mock-server", "--port", "0"],
    ];
    for command in &commands {
        let args: Vec<&str> = base
            .iter()
            .copied()
            .chain(command.iter().copied())
            .collect();
        let shown = command.join(" ");
        for sink in [Sink::ClosedPipe, Sink::Full] {
            let out = run_into(&args, adapter_input, &sink);
            let err = text(&out.stderr);
            assert!(!err.contains("panicked"), "{shown}: {err}");
            match sink {
                Sink::ClosedPipe => {
                    assert_eq!(out.status.code(), Some(0), "{shown} | (closed): {err}")
                }
                Sink::Full => {
                    assert_eq!(out.status.code(), Some(3), "{shown} > /dev/full: {err}");
                    assert!(
                        err.contains("No space left on device"),
                        "{shown} > /dev/full: {err}"
                    );
                }
            }
        }
    }
}

#[test]
fn usage_errors_keep_exit_2_when_standard_error_is_full() {
    let out = Command::new(TM)
        .args(["--demo", "header", "--nonsense"])
        .stderr(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "the usage text could not be shown"
    );
    let out = Command::new(TM)
        .args(["--demo", "header", "--nonsense"])
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn file_type(path: &Path) -> std::fs::FileType {
    std::fs::symlink_metadata(path).unwrap().file_type()
}

fn conformance_cases_to(path: &Path) -> Output {
    tm(
        &[
            "conformance",
            "cases",
            "--generate",
            "3",
            "--output",
            path.to_str().unwrap(),
        ],
        &[],
    )
}

#[test]
fn output_never_replaces_a_device_fifo_or_link() {
    use std::os::unix::fs::FileTypeExt;
    let dir = scratch("edges-output");
    let leftovers = |dir: &Path| {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("tm-partial"))
            .collect::<Vec<_>>()
    };

    // A link to a character device: written through, both stay as they were.
    let to_null = dir.join("to-null");
    std::os::unix::fs::symlink("/dev/null", &to_null).unwrap();
    let out = conformance_cases_to(&to_null);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(file_type(&to_null).is_symlink());
    assert!(file_type(Path::new("/dev/null")).is_char_device());

    // A device node of our own (root only: CI runs as root), written directly.
    let node = dir.join("mynull");
    let made = Command::new("mknod")
        .arg(&node)
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    if made.success() {
        let out = tm(
            &[
                "--demo",
                "--base-url",
                "http://127.0.0.1:1",
                "export",
                "-q",
                "x",
                "-o",
                node.to_str().unwrap(),
            ],
            &[],
        );
        // The connection fails; the device is neither replaced nor removed.
        assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
        assert!(file_type(&node).is_char_device());
        let out = conformance_cases_to(&node);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(file_type(&node).is_char_device());
    }

    // A FIFO: written directly, a reader gets the whole file.
    let fifo = dir.join("fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = conformance_cases_to(&fifo);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let read = reader.join().unwrap();
    assert!(
        read.contains("\"format\": \"ticketmatic-signing-vectors/1\"") && read.ends_with("}\n"),
        "{read}"
    );
    assert!(file_type(&fifo).is_fifo());

    // A link to a regular file: the file gets the output, the link stays,
    // and the file keeps its permissions.
    let target = dir.join("target.json");
    std::fs::write(&target, "old").unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let link = dir.join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = conformance_cases_to(&link);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(file_type(&link).is_symlink());
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .contains("vectors"));
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    // A link to nothing is refused, and nothing is created.
    let dangling = dir.join("dangling");
    std::os::unix::fs::symlink(dir.join("nowhere/x"), &dangling).unwrap();
    let out = conformance_cases_to(&dangling);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("a symbolic link to "), "{err}");
    assert!(
        err.contains("tm writes through links but does not replace them"),
        "{err}"
    );
    assert!(file_type(&dangling).is_symlink());

    // A socket and a directory are refused.
    let socket = dir.join("socket");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let out = conformance_cases_to(&socket);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is a socket"),
        "{}",
        text(&out.stderr)
    );
    assert!(file_type(&socket).is_socket());
    let out = conformance_cases_to(&dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is a directory"));

    assert_eq!(leftovers(&dir), Vec::<String>::new());
}

/// `tm` fails with `code`, says `message`, and prints nothing on stdout.
fn assert_fails(out: &Output, code: i32, message: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains(message), "expected {message:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn numbers_are_bounded_and_said_precisely() {
    let out = tm(&["conformance", "cases", "--generate", "99999999999"], &[]);
    assert_fails(&out, 2, "give a whole number from 0 to 100000");
    let out = tm(&["--demo", "header", "--at", "99999999999999999999"], &[]);
    assert_fails(
        &out,
        2,
        "outside 1970-01-01T00:00:00 to 9999-12-31T23:59:59",
    );
    let out = tm(&["--demo", "header", "--at", "-1"], &[]);
    assert_fails(
        &out,
        2,
        "outside 1970-01-01T00:00:00 to 9999-12-31T23:59:59",
    );
    let out = tm(&["--demo", "export", "-q", "x", "--limit", "-5"], &[]);
    assert_fails(&out, 2, "give a whole number of at least 1");
    let out = tm(&["--demo", "export", "-q", "x", "--limit", "0"], &[]);
    assert_fails(&out, 2, "give a whole number of at least 1");
    let help = tm(&["export", "--help"], &[]);
    assert!(text(&help.stdout).contains("leave --limit out for every record"));
    let out = tm(&["--demo", "api", "events", "--timeout", "0"], &[]);
    assert_fails(&out, 2, "--timeout");
    // Times and counts a timer or a semaphore could not hold.
    for (args, message) in [
        (
            &["conformance", "run", "--timeout", "1e300", "--", "true"][..],
            "at most 86400",
        ),
        (
            &[
                "--demo",
                "mock-server",
                "--idle-timeout",
                "18446744073709551615",
            ],
            "not in 1..=86400",
        ),
        (
            &[
                "--demo",
                "mock-server",
                "--clock-offset",
                "9223372036854775807",
            ],
            "is not in",
        ),
        (
            &[
                "--demo",
                "mock-server",
                "--retry-after",
                "18446744073709551615",
            ],
            "not in 0..=86400",
        ),
        (
            &["--demo", "mock-server", "--max-connections", "0"],
            "from 1 to 65536",
        ),
    ] {
        assert_fails(&tm(args, &[]), 2, message);
    }
    let help = tm(&["api", "--help"], &[]);
    assert!(
        text(&help.stdout).contains("[default: 60]"),
        "{}",
        text(&help.stdout)
    );
}

#[test]
fn credentials_must_be_a_regular_utf8_file() {
    let out = tm(&["--credentials", "/dev/null", "header"], &[]);
    assert_fails(
        &out,
        2,
        "/dev/null: not a regular file: give the file that holds the keys",
    );
    let dir = scratch("edges-credentials");
    let out = tm(&["--credentials", dir.to_str().unwrap(), "header"], &[]);
    assert_fails(&out, 2, "a directory: give the file that holds the keys");
    let file = dir.join("credentials");
    common::write_private(&file, "TM_ACCOUNT=a\n");
    std::fs::write(&file, b"TM_ACCOUNT=a\nTM_ACCESS_KEY=\xff\n").unwrap();
    let out = tm(&["--credentials", file.to_str().unwrap(), "header"], &[]);
    assert_fails(&out, 2, &format!("{}:2: not valid UTF-8", file.display()));
}

#[test]
fn a_partial_environment_says_it_takes_precedence() {
    let home = scratch("edges-home");
    let config = home.join(".config/tm");
    std::fs::create_dir_all(&config).unwrap();
    common::write_private(
        &config.join("credentials"),
        "TM_ACCOUNT=a\nTM_ACCESS_KEY=b\nTM_SECRET_KEY=c\n",
    );
    let out = tm(
        &["header"],
        &[("HOME", home.to_str().unwrap()), ("TM_ACCESS_KEY", "other")],
    );
    assert_fails(
        &out,
        2,
        "TM_ACCOUNT is not set: the environment sets TM_ACCESS_KEY and so takes precedence \
         (~/.config/tm/credentials is not read); set TM_ACCOUNT and TM_SECRET_KEY too, or unset \
         TM_ACCESS_KEY to use the file",
    );
}

#[test]
fn api_arguments_are_checked() {
    let mock = Mock::start(&["--fixtures", &fixtures()]);
    let api = |args: &[&str]| {
        let mut all = vec!["--demo", "--base-url", &mock.url, "api"];
        all.extend(args);
        tm(&all, &[])
    };
    let ftp = format!("ftp://{}/x", mock.url.trim_start_matches("http://"));
    assert_fails(
        &api(&[&ftp]),
        2,
        "a ftp: URL; tm api takes http:// or https:// URLs, or paths",
    );
    assert_fails(&api(&[""]), 2, "the path is empty");
    assert_fails(&api(&["-X", "GE T", "events"]), 2, "not an HTTP method");
    // A page that is not a list: nothing at all on stdout.
    assert_fails(
        &api(&["diagnostics/time", "--paginate"]),
        1,
        "not a list answer",
    );
}

#[test]
fn include_prints_the_head_of_error_answers_too() {
    let mock = Mock::start(&["--rate-limit-first", "1", "--retry-after", "7"]);
    let out = tm(
        &["--demo", "--base-url", &mock.url, "api", "events", "-i"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out.stdout);
    assert!(
        shown.starts_with("HTTP/1.1 429 Too Many Requests\n"),
        "{shown}"
    );
    assert!(
        shown.to_ascii_lowercase().contains("\nretry-after: 7\n"),
        "{shown}"
    );
    assert!(text(&out.stderr).contains("HTTP 429"));
}

/// A one-request HTTP server on 127.0.0.1 that records the request and
/// answers `answer` (or nothing, holding the connection, for `None`).
fn capture(answer: Option<&'static str>) -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request = String::new();
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            request.push_str(&line);
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        request.push_str(&String::from_utf8(body).unwrap());
        match answer {
            Some(body) => {
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
            // Hold the connection until tm gives up and closes it.
            None => {
                let _ = reader.read(&mut [0; 1]);
            }
        }
        request
    });
    (url, server)
}

#[test]
fn typed_fields_and_the_user_agent_reach_the_server() {
    let (url, server) = capture(Some("{}"));
    let out = tm(
        &[
            "--demo",
            "--base-url",
            &url,
            "api",
            "tools/queries",
            "-f",
            "query=select 1",
            "-F",
            "limit=3",
            "-F",
            "distinct=true",
            "-F",
            "x=null",
            "-F",
            "name=3a",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let request = server.join().unwrap();
    assert!(
        request.starts_with("POST /api/1/myaccountname/tools/queries HTTP/1.1\r\n"),
        "{request}"
    );
    let agent = format!("user-agent: tm/{}\r\n", env!("CARGO_PKG_VERSION"));
    assert!(request.to_ascii_lowercase().contains(&agent), "{request}");
    let body = request.split("\r\n\r\n").nth(1).unwrap();
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"query": "select 1", "limit": 3, "distinct": true, "x": null, "name": "3a"})
    );
    let out = tm(&["--demo", "api", "x", "-f", "a=1", "-F", "a=2"], &[]);
    assert_fails(&out, 2, "field a is given twice");
}

#[test]
fn a_stalled_server_is_said_to_have_stalled() {
    let (url, server) = capture(None);
    let out = tm(
        &[
            "--demo",
            "--base-url",
            &url,
            "api",
            "events",
            "--timeout",
            "1",
        ],
        &[],
    );
    assert_fails(
        &out,
        3,
        "the server stalled: nothing came for 1 s (--timeout 1)",
    );
    server.join().unwrap();

    // An export whose stream stops after some bytes, the connection open.
    let dir = scratch("edges-stall");
    let data = dir.join("rows.jsonl");
    std::fs::write(&data, "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n").unwrap();
    let mock = Mock::start(&["--data", data.to_str().unwrap(), "--stall-after", "12"]);
    let output = dir.join("out.jsonl");
    let out = tm(
        &[
            "--demo",
            "--base-url",
            &mock.url,
            "export",
            "-q",
            "x",
            "--timeout",
            "1",
            "-o",
            output.to_str().unwrap(),
        ],
        &[],
    );
    assert_fails(
        &out,
        3,
        "the export broke off after 1 complete record: the server stalled: nothing came for 1 s (--timeout 1)",
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "only rows.jsonl"
    );
}

#[test]
fn messages_name_the_cause() {
    // Plural agreement, on stderr after a successful export.
    let dir = scratch("edges-messages");
    let data = dir.join("rows.jsonl");
    std::fs::write(&data, "{\"id\":1}\n").unwrap();
    let mock = Mock::start(&["--data", data.to_str().unwrap()]);
    let out = tm(
        &["--demo", "--base-url", &mock.url, "export", "-q", "x"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).starts_with("tm: exported 1 record, "),
        "{}",
        text(&out.stderr)
    );

    // An unknown access key: the server said which, so the clock is not blamed.
    let out = tm(
        &["--base-url", &mock.url, "api", "events"],
        &[
            ("TM_ACCOUNT", "myaccountname"),
            ("TM_ACCESS_KEY", "nope"),
            ("TM_SECRET_KEY", "x"),
        ],
    );
    assert_fails(&out, 1, "the server does not know the access key 'nope'");
    assert!(!text(&out.stderr).contains("tm time"));

    // An empty error body is said to be empty.
    let out = tm(
        &[
            "--demo",
            "--base-url",
            &mock.url,
            "api",
            "-X",
            "PATCH",
            "diagnostics/time",
        ],
        &[],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.trim_end().ends_with(':'), "{err}");

    // The kit's help says what --cases does for each command.
    let help = text(&tm(&["conformance", "cases", "--help"], &[]).stdout);
    assert!(!help.contains("Also run"), "{help}");
}

#[test]
fn return_urls_are_explained() {
    let query = demo_return_query();
    let out = tm(
        &[
            "--demo",
            "explain",
            "return-url",
            &format!("https://shop.example/done?{query}#top"),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let signature = query.rsplit_once("signature=").unwrap().1;
    // The SPEC's payload: access key, account, then name and value.
    assert_eq!(
        text(&out.stdout),
        format!(
            "signed text: azertyuiopmyaccountnamea1\nsignature:   {signature}\nverdict:     valid: the signature is the signed text's\n"
        )
    );
    let tampered = query.replace("a=1", "a=2");
    let out = tm(&["--demo", "explain", "return-url", &tampered], &[]);
    assert_eq!(out.status.code(), Some(0));
    let shown = text(&out.stdout);
    assert!(
        shown.starts_with("signed text: azertyuiopmyaccountnamea2\n"),
        "{shown}"
    );
    assert!(shown.contains("verdict:     does not match"), "{shown}");

    let out = tm(&["--demo", "verify-return-url", &tampered], &[]);
    assert_fails(
        &out,
        1,
        "is not that of the signed text 'azertyuiopmyaccountnamea2'",
    );
    let other_key = query.replace("accesskey=azertyuiop", "accesskey=qwerty");
    let out = tm(&["--demo", "verify-return-url", &other_key], &[]);
    assert_fails(
        &out,
        1,
        "the query's accesskey is 'qwerty', this signer's is 'azertyuiop'",
    );
    // A query that cannot be read: exit 1, as verify-return-url.
    let out = tm(&["--demo", "explain", "return-url", "a=%zz"], &[]);
    assert_fails(&out, 1, "return URL: query: '%' at byte 2");
}

/// Standard output closed (`>&-`): Rust's runtime puts /dev/null there, so
/// every write would "succeed"; tm says it could not write (exit 3).
#[test]
fn a_closed_standard_output_is_a_failure_not_a_success() {
    for command in ["header --at 0", "widget-url w"] {
        let out = Command::new("sh")
            .args(["-c", &format!("exec \"$0\" --demo {command} >&-"), TM])
            .env_clear()
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(3),
            "{command}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("writing standard output: it is closed (>&-)"),
            "{}",
            text(&out.stderr)
        );
    }
    // > /dev/null is not closed: what the user asked for, exit 0.
    let out = Command::new("sh")
        .args(["-c", "exec \"$0\" --demo header --at 0 > /dev/null", TM])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// `tm time` against a server answering an HTML page: the server said
/// something else than the time (exit 1), shown short and escaped.
#[test]
fn time_against_a_page_that_is_not_ticketmatic_exits_1() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request);
        let page = "<html>\x1b[2J<body>Welcome</body></html>";
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
            page.len()
        );
    });
    let out = tm(&["--demo", "--base-url", &url, "time"], &[]);
    server.join().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("the answer is not JSON"), "{err}");
    assert!(err.contains("is --base-url a Ticketmatic server?"), "{err}");
    assert!(!err.contains('\x1b'), "{err}");
}

/// The small ones: each message names where the bad value came from.
#[test]
fn messages_name_their_source() {
    // TM_BASE_URL, not --base-url, when it came from the environment.
    let out = tm(
        &["--demo", "widget-url", "w"],
        &[("TM_BASE_URL", "ftp://x.example")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("tm: TM_BASE_URL \"ftp://x.example\": base URL: "),
        "{}",
        text(&out.stderr)
    );
    // --profile with no credentials file to take it from names the profile.
    let home = scratch("no-credentials-home");
    let out = tm(
        &["--profile", "club", "header"],
        &[("HOME", home.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--profile club: no credentials file to take it from"),
        "{}",
        text(&out.stderr)
    );
    // --widget-credentials: the mock says which option's file is wrong.
    let missing = home.join("widgets");
    let out = tm(
        &[
            "--demo",
            "mock-server",
            "--port",
            "0",
            "--widget-credentials",
            missing.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(&format!("--widget-credentials {}: ", missing.display())),
        "{}",
        text(&out.stderr)
    );
}

/// `--query-file -` reads the query from standard input, as `-d @-` does;
/// a CSV export's summary says its byte count is of what was received.
#[test]
fn query_file_dash_is_standard_input_and_csv_counts_what_it_received() {
    let dir = scratch("query-stdin");
    let data = dir.join("data.jsonl");
    std::fs::write(&data, "{\"id\":1}\n").unwrap();
    let mock = Mock::start(&[
        "--data",
        data.to_str().unwrap(),
        "--log",
        dir.join("log").to_str().unwrap(),
    ]);
    let args = [
        "--demo",
        "--base-url",
        &mock.url,
        "export",
        "--query-file",
        "-",
        "--format",
        "csv",
    ];
    let out = tm_with_stdin(&args, &[], b"select id from tm.contact");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "id\n1\n");
    assert!(
        text(&out.stderr).contains("exported 1 record, 9 bytes of JSON Lines received in "),
        "{}",
        text(&out.stderr)
    );
}

/// `mock-server --log /dev/full`: the server goes on, and says once that
/// its log is lost.
#[test]
fn a_mock_log_that_cannot_be_written_is_said_once() {
    let mut mock = Mock::start_with_stderr(&["--log", "/dev/full"], Stdio::piped());
    for _ in 0..3 {
        let out = tm(&["--demo", "--base-url", &mock.url, "time"], &[]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    let _ = mock.child.kill();
    let mut said = Vec::new();
    mock.child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut said)
        .unwrap();
    let err = text(&said);
    assert_eq!(
        err.matches("--log /dev/full: No space left on device")
            .count(),
        1,
        "{err}"
    );
    assert!(err.contains("requests are no longer logged"), "{err}");
}

/// A server that refuses a body before reading it is heard: a body over
/// 1 MiB is sent with `Expect: 100-continue`, so the 413 (or any early
/// answer) arrives instead of a broken pipe, and tm exits 1 with the
/// server's words; an existing output file is left as it was.
#[test]
fn an_answer_before_the_body_is_read_is_the_servers_refusal() {
    let dir = scratch("early-answer");
    let mock = Mock::start(&[]);
    let query = dir.join("query.sql");
    let mut big_query = String::from("select id from tm.contact where name in (");
    while big_query.len() < 1_500_000 {
        big_query.push_str("'someone', ");
    }
    big_query.push_str("'someone')");
    std::fs::write(&query, &big_query).unwrap();
    let kept = dir.join("kept.jsonl");
    std::fs::write(&kept, "PRECIOUS\n").unwrap();
    let export = [
        "--demo",
        "--base-url",
        &mock.url,
        "export",
        "--query-file",
        query.to_str().unwrap(),
        "-o",
        kept.to_str().unwrap(),
    ];
    let out = tm(&export, &[]);
    assert_fails(
        &out,
        1,
        "HTTP 413: the request body is larger than 1048576 bytes",
    );
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "PRECIOUS\n");

    // 10 MB from standard input, to tm api.
    let ten_mb = format!("{{\"query\": \"{}\"}}", "x".repeat(10_000_000));
    // The documentation's keys (`--demo`'s), with their secret or another.
    let api = |secret: &str| {
        let keys = [
            ("TM_ACCOUNT", "myaccountname"),
            ("TM_ACCESS_KEY", "azertyuiop"),
            ("TM_SECRET_KEY", secret),
        ];
        let args = [
            "--base-url",
            &mock.url,
            "api",
            "-X",
            "POST",
            "tools/queries",
            "-d",
            "@-",
        ];
        tm_with_stdin(&args, &keys, ten_mb.as_bytes())
    };
    let out = api("qsdfghjklm");
    assert_fails(
        &out,
        1,
        "HTTP 413: the request body is larger than 1048576 bytes",
    );
    // An early answer of another kind: the signature is refused before the
    // body is read.
    let out = api("not-the-secret");
    assert_fails(&out, 1, "HTTP 401");

    // A server that never answers `100 Continue` gets the body after
    // ureq's one-second wait, and its answer is read as usual.
    let (url, server) = capture(Some("{}"));
    let body = dir.join("body.json");
    std::fs::write(&body, format!("{}\"}}", &ten_mb[..2_000_000])).unwrap();
    let out = tm(
        &[
            "--demo",
            "--base-url",
            &url,
            "api",
            "tools/queries",
            "-d",
            &format!("@{}", body.display()),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let request = server.join().unwrap().to_ascii_lowercase();
    assert!(request.contains("\r\nexpect: 100-continue\r\n"));
    assert!(request.ends_with("xx\"}"));
}
