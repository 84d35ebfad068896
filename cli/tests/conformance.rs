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
        &scripted("sys.exit(3)"),
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(report["aborted"], "the adapter exited (exit status 3)");
    assert_eq!(
        report["cases"][0]["summary"],
        "no answer: the adapter exited (exit status 3)"
    );
    assert_eq!(report["not_run"], 68, "49 built in + 20 generated, one run");
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
        xml.contains("tests=\"158\" failures=\"0\" skipped=\"34\""),
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
