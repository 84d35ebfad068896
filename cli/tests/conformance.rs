//! `tm conformance` as an implementation's author uses it: real adapter
//! processes, including defective and misbehaving ones. The runner must be
//! able to fail, and say why.

mod common;

use std::path::PathBuf;

use common::{text, tm};
use serde_json::Value;

fn adapter(language: &str) -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../conformance/adapters");
    let (program, file) = match language {
        "python" => ("python3", dir.join("python/adapter.py")),
        "node" => ("node", dir.join("node/adapter.mjs")),
        other => panic!("no adapter {other}"),
    };
    vec![program.into(), file.to_string_lossy().into_owned()]
}

fn reference() -> Vec<String> {
    vec![
        env!("CARGO_BIN_EXE_tm").into(),
        "conformance".into(),
        "adapter".into(),
    ]
}

/// A Python adapter given as a script: `start` answered, then `body` runs
/// for every `run` message with `m` bound to it.
fn scripted(body: &str) -> Vec<String> {
    let script = format!(
        "import json, sys, time\n\
         for line in sys.stdin:\n    \
             m = json.loads(line)\n    \
             if m['cmd'] == 'stop': break\n    \
             if m['cmd'] == 'start':\n        \
                 print(json.dumps({{'implementation': {{'name': 'scripted', 'language': 'Python', 'version': '0'}}, 'kinds': ['authorization', 'widget', 'return_url']}}), flush=True)\n        \
                 continue\n    \
             {body}\n"
    );
    vec!["python3".into(), "-c".into(), script]
}

/// Runs `tm conformance run ARGS -- COMMAND` with `env`.
fn run(args: &[&str], command: &[String], env: &[(&str, &str)]) -> std::process::Output {
    let mut all: Vec<&str> = vec!["conformance", "run"];
    all.extend(args);
    all.push("--");
    all.extend(command.iter().map(String::as_str));
    let mut env = env.to_vec();
    env.push(("PATH", env!("PATH")));
    tm(&all, &env)
}

/// The JSON report of a run.
fn json_run(args: &[&str], command: &[String], env: &[(&str, &str)]) -> (Value, i32) {
    let mut all = vec!["--format", "json"];
    all.extend(args);
    let out = run(&all, command, env);
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&out.stdout), text(&out.stderr)));
    (report, out.status.code().unwrap_or(-1))
}

fn last_line(bytes: &[u8]) -> String {
    text(bytes).lines().last().unwrap_or_default().to_owned()
}

#[test]
fn clean_adapters_pass() {
    let out = run(&["--generate", "600", "--seed", "11"], &reference(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(
        last_line(&out.stdout),
        "649 passed, 0 failed, 0 acceptable, 0 skipped"
    );
    for language in ["python", "node"] {
        let out = run(
            &["--generate", "600", "--seed", "11"],
            &adapter(language),
            &[],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{language}: {}",
            text(&out.stdout)
        );
        // Neither runs this project's own kind, authorization_check (17 vectors).
        assert_eq!(
            last_line(&out.stdout),
            "632 passed, 0 failed, 0 acceptable, 17 skipped",
            "{language}"
        );
    }
}

/// Each defect fails, and every case that fails with a wrong output carries
/// the hint naming the defect; `+` in URLs is acceptable, not a failure.
#[test]
fn defects_fail_with_the_right_hint() {
    let defects = [
        ("numeric-sort", "names sorted numerically (PHP ksort)"),
        ("sign-l", "`l` was signed"),
        ("encode-values", "values signed after URL encoding"),
        ("hour-off", "timestamp is 3600 s off (local time?)"),
        (
            "upper-case-signature",
            "upper-case signature accepted: signatures are lower-case hex",
        ),
    ];
    for language in ["python", "node"] {
        for (defect, hint) in defects {
            let env = [("TM_ADAPTER_DEFECT", defect)];
            let (report, code) = json_run(
                &["--generate", "400", "--seed", "5"],
                &adapter(language),
                &env,
            );
            assert_eq!(code, 1, "{language} {defect}");
            let failures: Vec<&Value> = report["cases"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["verdict"] == "fail")
                .collect();
            assert!(!failures.is_empty(), "{language} {defect}: nothing failed");
            let wrong: Vec<&&Value> = failures
                .iter()
                .filter(|c| c["summary"].as_str().unwrap().starts_with("wrong"))
                .collect();
            assert!(!wrong.is_empty(), "{language} {defect}: no wrong output");
            for case in wrong {
                let hints = case["hints"].as_array().cloned().unwrap_or_default();
                assert!(
                    hints.iter().any(|h| h == hint),
                    "{language} {defect}: {} has hints {hints:?}",
                    case["id"]
                );
            }
        }
        let env = [("TM_ADAPTER_DEFECT", "plus-in-url")];
        let (report, code) = json_run(
            &["--generate", "400", "--seed", "5"],
            &adapter(language),
            &env,
        );
        assert_eq!(code, 0, "{language} plus-in-url: {}", report["summary"]);
        assert!(report["counts"]["acceptable"].as_u64().unwrap() > 0);
        let acceptable = report["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["verdict"] == "acceptable")
            .unwrap();
        assert_eq!(acceptable["differences"][0], "a space written as '+'");
    }
}

#[test]
fn a_failure_shows_field_payloads_and_hint_in_text() {
    let env = [("TM_ADAPTER_DEFECT", "numeric-sort")];
    let out = run(
        &["--generate", "40", "--seed", "1", "--kinds", "widget"],
        &adapter("python"),
        &env,
    );
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    let failure = report.split("\nFAIL ").nth(1).expect("a failure is listed");
    for part in [
        "widget-numeric-names (widget;",
        "wrong payload, signature",
        "  signature\n    expected: ",
        "payload (the signed text)\n    ours:   ",
        "    theirs: ",
        "hint: names sorted numerically (PHP ksort)",
    ] {
        assert!(failure.contains(part), "{part:?} missing from:\n{failure}");
    }
    assert!(report.contains("replay: --seed 1"), "{report}");
}

#[test]
fn a_crashing_adapter_ends_the_run_with_a_failure() {
    let (report, code) = json_run(
        &["--generate", "20", "--seed", "1"],
        &scripted("print('Traceback: the glue broke', file=sys.stderr); sys.exit(3)"),
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(report["complete"], false);
    assert_eq!(report["aborted"], "the adapter exited (exit status 3)");
    // The case it died on is not judged: not among the cases, not counted.
    assert_eq!(report["cases"], serde_json::json!([]));
    assert_eq!(
        report["unanswered"]["summary"],
        "no answer: the adapter exited (exit status 3)"
    );
    assert_eq!(report["counts"]["failed"], 0);
    assert_eq!(
        report["not_run"], 68,
        "49 built in + 20 generated, one unanswered"
    );
    assert_eq!(
        report["adapter_stderr"],
        serde_json::json!(["Traceback: the glue broke"])
    );
}

/// An adapter that dies at its 30th case (as PHP's json_encode threw on a
/// payload that is not UTF-8): every format says first that the run is
/// incomplete, the verdicts are partial, the case it died on is neither a
/// failure nor a missing refusal rule, and its last words are in the report.
#[test]
fn a_crash_at_case_n_makes_the_run_incomplete_in_every_format() {
    let adapter = scripted(
        "n = globals().get('n', 0) + 1; globals()['n'] = n\n    \
         if n == 30: print('PHP Fatal error:  Uncaught JsonException: Malformed UTF-8', file=sys.stderr); sys.exit(255)\n    \
         print(json.dumps({'seq': m['seq'], 'refused': 'no'}), flush=True)",
    );
    let args = ["--generate", "200", "--seed", "5"];
    let out = run(&args, &adapter, &[]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    let first = report.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("INCOMPLETE: the adapter exited (exit status 255) at case "),
        "{first}"
    );
    assert!(first.ends_with("the verdicts below are partial"), "{first}");
    for verdict in [
        "interoperability (valid inputs): partial (",
        "strictness (inputs that must be refused): partial (",
    ] {
        assert!(
            report.contains(verdict),
            "{verdict:?} missing from:\n{report}"
        );
    }
    assert!(
        report.contains("the case it ended on, not judged"),
        "{report}"
    );
    assert!(
        report.contains("  | PHP Fatal error:  Uncaught JsonException: Malformed UTF-8"),
        "{report}"
    );
    assert!(
        !report.contains("no answer (no modelled defect matches)"),
        "{report}"
    );

    let (json, _) = json_run(&args, &adapter, &[]);
    let unanswered = json["unanswered"]["id"]
        .as_str()
        .expect("the case it died on");
    let cases = json["cases"].as_array().expect("cases");
    assert!(cases.iter().all(|c| c["id"] != unanswered));
    // Every refusal the adapter made was a refusal: none of its answers is
    // an acceptance, and the unanswered case is not among the missing rules.
    let rules = json["verdicts"]["missing_rules"].as_array().expect("rules");
    assert!(
        rules.iter().all(|r| r["example"] != unanswered),
        "{rules:?}"
    );
    assert_eq!(json["verdicts"]["strictness"]["failed"], 0);

    let junit = run(
        &["--format", "junit", "--generate", "200", "--seed", "5"],
        &adapter,
        &[],
    );
    assert!(text(&junit.stdout).starts_with("<!-- INCOMPLETE: "));
    assert!(text(&junit.stdout).contains("name=\"run incomplete\"><error message=\"INCOMPLETE: "));
    let html = run(
        &["--format", "html", "--generate", "200", "--seed", "5"],
        &adapter,
        &[],
    );
    let html = text(&html.stdout);
    let banner = html
        .find("id=\"incomplete\"")
        .expect("the incomplete banner");
    assert!(banner < html.find("id=\"interoperability\"").expect("verdicts"));
    assert!(html.contains("Uncaught JsonException"));
}

#[test]
fn a_hanging_adapter_times_out() {
    let started = std::time::Instant::now();
    let out = run(
        &["--generate", "5", "--timeout", "0.5"],
        &scripted("time.sleep(60)"),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(
        report.contains("no answer: no answer within 0.5 s"),
        "{report}"
    );
    assert!(report.contains("run ended early"), "{report}");
    assert!(
        started.elapsed().as_secs() < 30,
        "the hung adapter was not killed"
    );
}

#[test]
fn garbage_and_answers_out_of_order_end_the_run() {
    let out = run(
        &["--generate", "5"],
        &scripted("print('Traceback: oops', flush=True)"),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(report.contains("not JSON"), "{report}");
    assert!(report.contains("line: Traceback: oops"), "{report}");

    let body = "print(json.dumps({'seq': m['seq'] + 1, 'skipped': 'x'}), flush=True)";
    let out = run(&["--generate", "5"], &scripted(body), &[]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(
        report.contains("answered out of order: seq 1 for seq 0"),
        "{report}"
    );
}

#[test]
fn a_malformed_answer_fails_its_case_and_the_run_goes_on() {
    let body = "print(json.dumps({'seq': m['seq'], 'output': {'valid': 'yes'}}), flush=True)";
    let (report, code) = json_run(
        &["--generate", "30", "--kinds", "return_url"],
        &scripted(body),
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(report["aborted"], Value::Null);
    let cases = report["cases"].as_array().unwrap();
    assert!(
        cases.len() > 8,
        "the built-in return_url vectors and generated ones"
    );
    assert!(
        cases.iter().all(|c| c["verdict"] == "fail"),
        "every case answered and judged"
    );
    let first = &cases[0];
    let summary = first["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("malformed return_url output: /valid:"),
        "{summary}"
    );
    assert!(first["line"].as_str().unwrap().contains("\"yes\""));
}

#[test]
fn adapters_that_do_not_start_are_usage_errors() {
    let out = run(&[], &["/nonexistent/adapter".to_owned()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr)
        .contains("the adapter would not start: cannot start /nonexistent/adapter"));

    let bad_start = vec![
        "python3".into(),
        "-c".into(),
        "print('{\"kinds\": []}', flush=True)".into(),
    ];
    let out = run(&[], &bad_start, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("the answer to start is not valid") && err.contains("implementation"),
        "{err}"
    );

    for args in [
        &["conformance", "run"][..],
        &["conformance", "run", "--kinds", "nope", "--", "x"],
    ] {
        assert_eq!(tm(args, &[]).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn cases_files_round_trip_and_reports_come_in_three_formats() {
    let dir = std::env::temp_dir().join(format!("tm-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cases.json");
    let out = tm(
        &[
            "conformance",
            "cases",
            "--generate",
            "60",
            "--seed",
            "9",
            "--output",
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(doc["format"], "ticketmatic-signing-vectors/1");
    let vectors = doc["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 49 + 60);
    assert!(vectors
        .iter()
        .all(|v| v["expected"].is_object() && v["flags"].is_array()));

    // The vendored file, run alone (no built-ins would double them: it holds
    // them too), against the Python adapter, as JUnit.
    let report = dir.join("report.xml");
    let out = run(
        &[
            "--cases",
            file.to_str().unwrap(),
            "--generate",
            "0",
            "--format",
            "junit",
            "--output",
            report.to_str().unwrap(),
        ],
        &adapter("python"),
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let xml = std::fs::read_to_string(&report).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains("tests=\"158\" failures=\"0\" errors=\"0\" skipped=\"34\""),
        "{}",
        &xml[..300]
    );
    let check = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])",
        ])
        .arg(&report)
        .status()
        .unwrap();
    assert!(check.success(), "the JUnit report is not well-formed XML");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The text report's lines that start with `prefix`.
fn lines_starting<'a>(report: &'a str, prefix: &str) -> Vec<&'a str> {
    report.lines().filter(|l| l.starts_with(prefix)).collect()
}

#[test]
fn two_verdicts_an_adapter_that_refuses_nothing_interoperates() {
    let env = [("TM_ADAPTER_DEFECT", "refuse-nothing")];
    let out = run(
        &["--generate", "600", "--seed", "7"],
        &adapter("python"),
        &env,
    );
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    let interop = lines_starting(&report, "interoperability (valid inputs): ");
    assert_eq!(interop.len(), 1, "{report}");
    assert!(interop[0].contains(": interoperates: all "), "{report}");
    let strict = lines_starting(&report, "strictness (inputs that must be refused): ");
    assert!(strict[0].ends_with("refusal rules missing"), "{report}");
    // One line per rule, with a count and an example, before any detail.
    let rules_at = report.find(strict[0]).unwrap() + strict[0].len();
    let details_at = report.find("\nFAIL ").unwrap();
    let rules = &report[rules_at..details_at];
    for rule in [
        "an empty secret key was accepted (e.g. ",
        "a parameter name given twice was accepted",
        "a time past 9999-12-31T23:59:59 was accepted",
    ] {
        assert!(rules.contains(rule), "{rule} missing from:\n{rules}");
    }
    // The JSON report carries the same verdicts.
    let (json, _) = json_run(
        &["--generate", "600", "--seed", "7"],
        &adapter("python"),
        &env,
    );
    let verdicts = &json["verdicts"];
    assert_eq!(verdicts["interoperability"]["failed"], 0);
    assert!(verdicts["strictness"]["failed"].as_u64().unwrap() > 0);
    assert!(verdicts["missing_rules"].as_array().unwrap().len() >= 10);
}

#[test]
fn names_left_unencoded_are_the_cause_shown() {
    let env = [("TM_ADAPTER_DEFECT", "raw-names")];
    let out = run(
        &["--generate", "600", "--seed", "7", "--kinds", "widget"],
        &adapter("python"),
        &env,
    );
    let report = text(&out.stdout);
    assert!(report.contains("does not interoperate"), "{report}");
    let causes = report
        .split("interoperability failures, most frequent first:\n")
        .nth(1)
        .unwrap();
    let first = causes.lines().next().unwrap();
    assert!(
        first.contains("not percent-encoded in the URL: a raw '&', '=', '#', '+' or '%' changes"),
        "{report}"
    );
    // Raw spaces and non-ASCII are acceptable (SPEC section 4), not failures.
    assert!(
        report.contains("raw spaces or non-ASCII characters (a browser sends them encoded)"),
        "{report}"
    );
}

#[test]
fn return_urls_without_payloads_are_diagnosed_by_elimination() {
    for (defect, cause) in [
        ("sign-l,no-payload", "`l` was signed"),
        (
            "php-parse-str,no-payload",
            "the query read with PHP's parse_str",
        ),
    ] {
        let env = [("TM_ADAPTER_DEFECT", defect)];
        let (report, code) = json_run(
            &["--generate", "1500", "--seed", "9", "--kinds", "return_url"],
            &adapter("python"),
            &env,
        );
        assert_eq!(code, 1, "{defect}");
        let causes = report["verdicts"]["causes"].as_array().unwrap();
        assert_eq!(
            causes.len(),
            1,
            "{defect}: one cause, not guesses: {causes:?}"
        );
        let said = causes[0]["cause"].as_str().unwrap();
        assert!(
            said.starts_with("consistent with all ") && said.contains(cause),
            "{defect}: {said}"
        );
        assert!(!said.contains("; or "), "{defect}: {said}");
    }
}

#[test]
fn details_are_capped_and_junit_has_a_suite_per_verdict() {
    let env = [("TM_ADAPTER_DEFECT", "refuse-nothing")];
    let args = ["--generate", "300", "--seed", "3", "--max-details", "2"];
    let report = text(&run(&args, &adapter("python"), &env).stdout);
    assert_eq!(report.matches("\nFAIL ").count(), 2, "{report}");
    assert!(
        report.contains("more failures (--max-details N shows more"),
        "{report}"
    );

    let mut args = vec!["--format", "junit"];
    args.extend(["--generate", "300", "--seed", "3"]);
    let junit = text(&run(&args, &adapter("python"), &env).stdout);
    let suites: Vec<&str> = junit
        .lines()
        .filter(|l| l.trim_start().starts_with("<testsuite "))
        .collect();
    assert_eq!(suites.len(), 2, "{junit}");
    assert!(suites[0].contains(": interoperability\"") && suites[0].contains("failures=\"0\""));
    assert!(suites[1].contains(": strictness\"") && !suites[1].contains("failures=\"0\""));
}

#[test]
fn a_run_that_skips_everything_fails() {
    let out = run(
        &["--generate", "5"],
        &scripted("print(json.dumps({'seq': m['seq'], 'skipped': 'not yet'}), flush=True)"),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("the adapter skipped every case: nothing was judged"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_blank_line_is_shown_with_the_line_after_it() {
    let body = "print(flush=True); print('Deprecated: something', flush=True)";
    let out = run(&["--generate", "5"], &scripted(body), &[]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(report.contains("line: \"\" (a blank line)"), "{report}");
    assert!(
        report.contains("the line after it: Deprecated: something"),
        "{report}"
    );
}

#[test]
fn equal_payloads_say_so() {
    // A wrong HMAC key: the payload is right, the signature is not.
    let body = "c = m['case']\n    \
        import hmac, hashlib\n    \
        p = c['access_key'] + c['account'] + c['timestamp'] if 'timestamp' in c else None\n    \
        print(json.dumps({'seq': m['seq'], 'skipped': 'x'} if p is None else {'seq': m['seq'], 'output': {'timestamp': c['timestamp'], 'header': 'TM-HMAC-SHA256 key=' + c['access_key'] + ' ts=' + c['timestamp'] + ' sign=' + hmac.new(b'wrong', p.encode(), hashlib.sha256).hexdigest(), 'payload': p}}), flush=True)";
    let out = run(
        &["--generate", "0", "--kinds", "authorization"],
        &scripted(body),
        &[],
    );
    let report = text(&out.stdout);
    assert!(report.contains("    theirs: the same text\n"), "{report}");
    assert!(
        report.contains("hint: the payload is right but its HMAC is not"),
        "{report}"
    );
    assert!(!report.contains("only the timestamp is wrong"), "{report}");
}

/// Every cause the kit names for a defect its own Python adapter really has
/// is a modelled defect with a fix (conformance/src/defects.rs), and each
/// defect is named for what it is.
#[test]
fn every_cause_of_the_python_adapters_defects_has_a_fix() {
    for (defect, top_cause) in [
        ("numeric-sort", "names sorted numerically (PHP ksort)"),
        ("sign-l", "`l` was signed"),
        ("encode-values", "values signed after URL encoding"),
        ("hour-off", "timestamp is 3600 s off"),
        ("upper-case-signature", "upper-case signature accepted"),
        (
            "raw-names",
            "the access key is not percent-encoded in the URL",
        ),
        ("refuse-nothing", "an empty secret key was accepted"),
        ("php-parse-str", "names sorted numerically (PHP ksort)"),
    ] {
        let (report, _) = json_run(
            &["--generate", "400", "--seed", "11"],
            &adapter("python"),
            &[("TM_ADAPTER_DEFECT", defect)],
        );
        let verdicts = &report["verdicts"];
        let causes: Vec<&Value> = verdicts["causes"]
            .as_array()
            .unwrap()
            .iter()
            .chain(verdicts["missing_rules"].as_array().unwrap())
            .collect();
        assert!(
            causes[0]["cause"].as_str().unwrap().starts_with(top_cause),
            "{defect}: {causes:#?}"
        );
        for cause in causes {
            let text = cause["cause"].as_str().unwrap();
            // Hints that only say what a case probes, or list candidates, model nothing.
            if text.starts_with("the case probes") || text.starts_with("one of these is valid") {
                continue;
            }
            assert!(cause["fix"].is_string(), "{defect}: no fix for {text:?}");
            assert!(cause["lies_in"].is_string(), "{defect}: {text:?}");
        }
    }
}
