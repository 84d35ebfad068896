//! Runs the `tm` binary as a user would. Expected values come from the SPEC's
//! worked example and the shared conformance vectors.

use std::process::Output;

mod common;
use common::{text, tm, write_private};

fn stdout(out: &Output) -> String {
    text(&out.stdout)
}

fn stderr(out: &Output) -> String {
    text(&out.stderr)
}

/// `tm` exited with `code`, said `message` on stderr, and printed nothing.
fn assert_fails(out: &Output, code: i32, message: &str) {
    assert_eq!(out.status.code(), Some(code), "{}", stderr(out));
    assert!(stderr(out).contains(message), "{}", stderr(out));
    assert_eq!(stdout(out), "");
}

/// The widget and parameters of the SPEC's worked example.
const DOC_WIDGET: [&str; 5] = [
    "addtickets",
    "event=123",
    "l=fr",
    "returnurl=http://www.ticketmatic.com",
    "skinid=25",
];
const DOC_URL: &str = "https://apps.ticketmatic.com/widgets/myaccountname/addtickets?event=123&l=fr&returnurl=http%3A%2F%2Fwww.ticketmatic.com&skinid=25&accesskey=azertyuiop&signature=0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8";

/// The shared vector `clj-client-test`.
const CLJ_ENV: [(&str, &str); 3] = [
    ("TM_ACCESS_KEY", "xyz"),
    ("TM_SECRET_KEY", "xyz"),
    ("TM_ACCOUNT", "ticketmatic"),
];
const CLJ_HEADER: &str = "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590";

/// The shared return-URL vectors' key pair.
const CLUB_ENV: [(&str, &str); 3] = [
    ("TM_ACCESS_KEY", "142dda885ec6024f934a40c1"),
    (
        "TM_SECRET_KEY",
        "abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784",
    ),
    ("TM_ACCOUNT", "club"),
];

#[test]
fn demo_widget_url_is_the_documented_one() {
    let out = tm(&[&["--demo", "widget-url"][..], &DOC_WIDGET].concat(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{DOC_URL}\n"));
}

#[test]
fn header_from_environment_credentials() {
    let out = tm(&["header", "--at", "2017-07-29T16:40:46"], &CLJ_ENV);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{CLJ_HEADER}\n"));
    // Unix seconds name the same instant.
    let out = tm(&["header", "--at", "1501346446"], &CLJ_ENV);
    assert_eq!(stdout(&out), format!("{CLJ_HEADER}\n"));
}

#[test]
fn header_for_now_has_the_current_time() {
    let out = tm(&["--demo", "header"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let header = stdout(&out);
    let ts = header
        .split(" ts=")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let sent = ticketmatic_sign::Timestamp::parse(ts).unwrap().unix();
    assert!((now - sent).abs() <= 5, "{ts} vs {now}");
}

#[test]
fn credentials_file() {
    let dir = std::env::temp_dir().join(format!("tm-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("credentials");
    write_private(
        &file,
        "# test keys\nTM_ACCOUNT=ticketmatic\nTM_ACCESS_KEY = xyz\n\nTM_SECRET_KEY=\"xyz\"\n",
    );
    let path = file.to_str().unwrap();
    let out = tm(
        &[
            "--credentials",
            path,
            "header",
            "--at",
            "2017-07-29T16:40:46",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{CLJ_HEADER}\n"));

    write_private(&file, "TM_ACCOUNT=x\nTM_SECRET=y\n");
    let out = tm(&["--credentials", path, "header"], &[]);
    assert_fails(&out, 2, ":2: unknown name TM_SECRET");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_or_bad_credentials_are_explained() {
    let out = tm(
        &["header"],
        &[("TM_ACCOUNT", "club"), ("TM_ACCESS_KEY", "k")],
    );
    assert_fails(&out, 2, "TM_SECRET_KEY is not set");

    let out = tm(
        &["header"],
        &[
            ("TM_ACCOUNT", "club"),
            ("TM_ACCESS_KEY", "a b"),
            ("TM_SECRET_KEY", "s"),
        ],
    );
    assert_fails(&out, 2, "access key: byte 1 (0x20) is not allowed");
}

#[test]
fn verify_return_url_verdicts() {
    let valid = "https://shop.example/done?orderid=2715&status=ok&accesskey=142dda885ec6024f934a40c1&signature=313e4ce1ea0da73a2cf4b83d72f43c4ae832f3f0d66b6047d9892cef6f6f5658";
    let out = tm(&["verify-return-url", valid], &CLUB_ENV);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "valid\n");
    // The bare query string, and a fragment, work too.
    let query = valid.split_once('?').unwrap().1;
    let out = tm(&["verify-return-url", &format!("{query}#top")], &CLUB_ENV);
    assert_eq!(stdout(&out), "valid\n");

    let tampered = valid.replace("2715", "2716");
    let out = tm(&["verify-return-url", &tampered], &CLUB_ENV);
    assert_fails(&out, 1, "signature does not match");

    let out = tm(
        &[
            "verify-return-url",
            "orderid=1&accesskey=142dda885ec6024f934a40c1",
        ],
        &CLUB_ENV,
    );
    assert_fails(&out, 1, "signature is missing");
}

#[test]
fn explain_prints_the_signed_text() {
    let out = tm(
        &["explain", "header", "--at", "2017-07-29T16:40:46"],
        &CLJ_ENV,
    );
    assert_eq!(stdout(&out), "xyzticketmatic2017-07-29T16:40:46\n");
    let out = tm(
        &[&["--demo", "explain", "widget-url"][..], &DOC_WIDGET].concat(),
        &[],
    );
    assert_eq!(
        stdout(&out),
        "azertyuiopmyaccountnameevent123returnurlhttp://www.ticketmatic.comskinid25\n"
    );
}

#[test]
fn base_url_from_flag_or_environment() {
    let out = tm(
        &[
            "--demo",
            "--base-url",
            "http://127.0.0.1:8080",
            "widget-url",
            "w",
        ],
        &[],
    );
    assert!(stdout(&out).starts_with("http://127.0.0.1:8080/widgets/myaccountname/w?accesskey="));
    let out = tm(
        &["--demo", "widget-url", "w"],
        &[("TM_BASE_URL", "http://proxy/tm/")],
    );
    assert!(stdout(&out).starts_with("http://proxy/tm/widgets/myaccountname/w?accesskey="));
}

#[test]
fn refused_inputs_say_the_cores_reason_code() {
    let out = tm(&["--demo", "header", "--at", "2017-07-29 16:40:46"], &[]);
    assert_fails(
        &out,
        2,
        "tm: --at \"2017-07-29 16:40:46\": timestamp: not of the form",
    );
    assert!(
        stderr(&out).ends_with("\n  reason: timestamp_syntax (field timestamp)\n"),
        "{}",
        stderr(&out)
    );
    let out = tm(&["--demo", "widget-url", "w", "a=1", "signature=x"], &[]);
    assert_fails(&out, 2, "parameter 2 of 2, signature=x");
    assert!(
        stderr(&out).ends_with("\n  reason: reserved_name (field params, position 1)\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_command_lines_get_usage_errors() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["--demo", "widget-url"],
        &["--demo", "widget-url", "w", "event"],
        &["--secret-key", "s", "header"],
    ] {
        let out = tm(args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("Usage:") || stderr(&out).contains("error:"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(stdout(&out), "");
    }
    let out = tm(&["--demo", "widget-url", "w", "event"], &[]);
    assert!(
        stderr(&out).contains("'event' is not NAME=VALUE"),
        "{}",
        stderr(&out)
    );
    let out = tm(&["--demo", "widget-url", "../admin"], &[]);
    assert_fails(&out, 2, "widget name: byte 2 (0x2f) is not allowed");
    let out = tm(&["--help"], &[]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("widget-url"));
}

#[test]
fn times_are_now_unix_seconds_or_utc_text() {
    for at in ["2017-07-29T16:40:46", "2017-07-29T16:40:46Z", "1501346446"] {
        let out = tm(&["header", "--at", at], &CLJ_ENV);
        assert_eq!(
            stdout(&out),
            format!("{CLJ_HEADER}\n"),
            "{at}: {}",
            stderr(&out)
        );
    }
    let out = tm(&["header", "--at", "now"], &CLJ_ENV);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = tm(&["header", "--at", "2017-07-29T16:40:46+02:00"], &CLJ_ENV);
    assert_fails(
        &out,
        2,
        "give now, Unix seconds (1795426016) or YYYY-MM-DDTHH:MM:SS in UTC",
    );
}

#[test]
fn errors_name_the_parameter_and_count_bytes_in_the_url_given() {
    let out = tm(
        &["--demo", "widget-url", "w", "event=1", "l=nl", "event=2"],
        &[],
    );
    assert_fails(
        &out,
        2,
        "parameter 3 of 3, event=2: its name appears more than once",
    );
    let out = tm(&["--demo", "widget-url", "w", "signature=x"], &[]);
    assert_fails(
        &out,
        2,
        "parameter 1 of 1, signature=x: the names 'accesskey' and 'signature'",
    );
    // '%' at byte 29 of the URL as given (byte 3 of its query).
    let out = tm(
        &[
            "verify-return-url",
            "https://shop.example/done?a=1%zz&accesskey=k",
        ],
        &CLUB_ENV,
    );
    // Not a return URL that can be read: the check says no (exit 1).
    assert_fails(
        &out,
        1,
        "return URL: query: '%' at byte 29 is not followed by two hex digits",
    );
    // What the URL holds is shown escaped: no CR, LF or ESC reaches the terminal.
    let out = tm(
        &[
            "verify-return-url",
            "https://shop.example/done?a=1&accesskey=k%0D%0A%1B%5B2J&signature=0",
        ],
        &CLUB_ENV,
    );
    assert_fails(&out, 1, "the query's accesskey is 'k\\r\\n\\u{1b}[2J'");
    assert!(!stderr(&out).contains('\x1b'), "{}", stderr(&out));
}

#[test]
fn accounts_up_to_the_documented_bound_sign_and_longer_ones_are_named() {
    let account = "a".repeat(64);
    let env = |account: &str| {
        [
            ("TM_ACCOUNT", account.to_owned()),
            ("TM_ACCESS_KEY", "xyz".to_owned()),
            ("TM_SECRET_KEY", "xyz".to_owned()),
        ]
    };
    let run = |account: &str| {
        let env = env(account);
        let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
        tm(&["explain", "header", "--at", "0"], &env)
    };
    let out = run(&account);
    assert_eq!(
        stdout(&out),
        format!("xyz{account}1970-01-01T00:00:00\n"),
        "{}",
        stderr(&out)
    );
    assert_fails(
        &run(&"a".repeat(65)),
        2,
        "TM_ACCOUNT: account name: 65 bytes long, at most 64 are allowed",
    );
}

#[test]
fn help_lists_exit_codes_examples_and_global_options_once() {
    let help = stdout(&tm(&["--help"], &[]));
    assert!(
        help.contains("Exit status:\n  0  success\n  1  the server or the check said no"),
        "{help}"
    );
    assert!(help.contains("--profile <NAME>"), "{help}");
    let api = stdout(&tm(&["api", "--help"], &[]));
    for flag in [
        "-X, --method",
        "-d, --data",
        "-f, --field",
        "-i, --include",
        "-o, --output",
        "Examples:",
    ] {
        assert!(api.contains(flag), "{flag} missing from:\n{api}");
    }
    assert!(
        !api.contains("--credentials"),
        "global options only in tm --help:\n{api}"
    );
    assert!(stdout(&tm(&["export", "--help"], &[])).contains("-q, --query"));
    let completions = tm(&["completions", "bash"], &[]);
    assert_eq!(completions.status.code(), Some(0));
    assert!(
        stdout(&completions).contains("_tm()"),
        "a bash completion function"
    );
}
