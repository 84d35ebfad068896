//! The parity table (`tests/parity/parity.json`, SPEC section 7) through
//! `tm` as a user runs it: credentials from the environment, `--base-url`,
//! `header --at`, `widget-url`, `verify-return-url`. Every case accepted or
//! refused as the table says, the refusal's `reason:` line giving the same
//! code, field and position as every other face, and the exit status
//! saying which kind of refusal it was (1 a return URL that does not verify
//! or cannot be read, 2 another input refused).

mod common;

use common::{text, tm};
use serde_json::{json, Value};

const TABLE: &str = include_str!("../../tests/parity/parity.json");

/// What `tm` did with a case: its outputs, or its refusal and exit status;
/// `None` when `tm` cannot be given the case's inputs or has no command for it.
fn run(case: &Value, defaults: &Value) -> Option<(Value, Option<i32>)> {
    let signer = |name: &str| case["signer"].get(name).or_else(|| defaults.get(name));
    let mut env = Vec::new();
    for (var, name) in [
        ("TM_ACCESS_KEY", "access_key"),
        ("TM_SECRET_KEY", "secret_key"),
        ("TM_ACCOUNT", "account"),
    ] {
        env.push((var, signer(name)?.as_str()?.to_owned()));
    }
    let mut args: Vec<String> = Vec::new();
    if let Some(base) = signer("base_url") {
        args.extend(["--base-url".into(), base.as_str()?.to_owned()]);
    }
    let field = |name: &str| case[name].as_str().unwrap_or_default().to_owned();
    let op = case["op"].as_str()?;
    let account_less = env[2].1.is_empty();
    match op {
        "signer" if account_less => args.extend(["header".into(), "--at=0".into()]),
        "signer" => args.extend(["widget-url".into(), "w".into()]),
        "timestamp" => args.extend(["header".into(), format!("--at={}", field("text"))]),
        "unix_time" => args.extend(["header".into(), format!("--at={}", case["unix"])]),
        "widget_url" => {
            args.extend(["widget-url".into(), field("widget")]);
            for pair in case["params"].as_array()? {
                args.push(format!("{}={}", pair[0].as_str()?, pair[1].as_str()?));
            }
        }
        "return_url" => args.extend(["verify-return-url".into(), field("url")]),
        _ => return None,
    }
    // An argument or variable cannot hold a NUL byte.
    if args
        .iter()
        .chain(env.iter().map(|(_, v)| v))
        .any(|a| a.contains('\0'))
    {
        return None;
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = tm(&args, &env);
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    if out.status.success() {
        let line = stdout.trim_end();
        let outputs = match op {
            "signer" if account_less => json!({}),
            "signer" => json!({"base_url": line.split("/widgets/").next()}),
            "timestamp" | "unix_time" => json!({"ts": line.split(' ').nth(2)?.strip_prefix("ts=")}),
            "widget_url" => json!({ "url": line }),
            _ => json!({}),
        };
        return Some((json!({ "ok": outputs }), Some(0)));
    }
    // "  reason: CODE (field NAME[, position N])"
    let refused = stderr
        .lines()
        .find_map(|l| l.strip_prefix("  reason: "))
        .and_then(|rest| {
            let (reason, rest) = rest.split_once(" (field ")?;
            let rest = rest.strip_suffix(')')?;
            let (field, position) = match rest.split_once(", position ") {
                Some((field, n)) => (field, json!(n.parse::<u64>().ok()?)),
                None => (rest, Value::Null),
            };
            Some(json!({"refused": {"reason": reason, "field": field, "position": position}}))
        })
        .unwrap_or_else(|| json!({ "no reason line": stderr }));
    Some((refused, out.status.code()))
}

#[test]
fn every_case_of_the_parity_table_as_the_table_says() {
    let table: Value = serde_json::from_str(TABLE).expect("parity.json parses");
    let defaults = &table["signer"];
    let (mut ran, mut not_given, mut disagreements) = (0, 0, Vec::new());
    for case in table["cases"].as_array().expect("cases") {
        let only = case["only"].as_array();
        if only.is_some_and(|faces| !faces.contains(&json!("tm"))) {
            not_given += 1;
            continue;
        }
        let Some((got, exit)) = run(case, defaults) else {
            not_given += 1;
            continue;
        };
        ran += 1;
        let expect = &case["expect"];
        let agrees = match (expect.get("ok"), got.get("ok")) {
            (Some(want), Some(got)) => want
                .as_object()
                .expect("ok outputs")
                .iter()
                .all(|(k, v)| got.get(k).is_none_or(|g| g == v)),
            _ => expect == &got,
        };
        // A return URL that does not verify or cannot be read exits 1, any
        // other refused input 2 (cli/README.md).
        let want_exit = match expect["refused"]["field"].as_str() {
            None => 0,
            Some("return_url" | "signature") => 1,
            Some(_) => 2,
        };
        if !agrees || exit != Some(want_exit) {
            disagreements.push(format!(
                "{}: expected {expect} (exit {want_exit}), got {got} (exit {exit:?})",
                case["id"]
            ));
        }
    }
    println!(
        "parity (tm): {ran} cases, {} agree, {} disagree, {not_given} tm cannot be given or has no command for",
        ran - disagreements.len(),
        disagreements.len()
    );
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
