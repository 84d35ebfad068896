//! The parity table (`tests/parity/parity.json`, SPEC section 7) through the
//! crate itself: every case accepted or refused as the table says, with the
//! same reason code, field and position. The other faces (`tm`, Python,
//! JavaScript, the C ABI) run the same table with drivers of their own.

use serde_json::{json, Map, Value};
use ticketmatic_sign::{verify_authorization, Error, Signer, Timestamp};

/// What a case came to: its outputs, or the refusal.
type Outcome = Result<Value, Error>;

#[test]
fn every_case_of_the_parity_table_as_the_table_says() {
    let table: Value =
        serde_json::from_str(include_str!("parity/parity.json")).expect("parity.json parses");
    assert_eq!(table["format"], "ticketmatic-sign-parity/1");
    let defaults = table["signer"].as_object().expect("default signer");
    let (mut ran, mut not_carried, mut disagreements) = (0, 0, Vec::new());
    for case in table["cases"].as_array().expect("cases") {
        if let Some(only) = case["only"].as_array() {
            if !only.contains(&json!("crate")) {
                not_carried += 1;
                continue;
            }
        }
        ran += 1;
        let outcome = run(case, defaults);
        if let Some(why) = disagreement(&case["expect"], &outcome) {
            disagreements.push(format!("{}: {why}", case["id"]));
        }
    }
    println!(
        "parity (crate): {ran} cases, {} agree, {} disagree, {not_carried} with inputs the crate cannot be given",
        ran - disagreements.len(),
        disagreements.len()
    );
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

fn run(case: &Value, defaults: &Map<String, Value>) -> Outcome {
    let text = |name: &str| -> String {
        let value = case["signer"].get(name).or_else(|| defaults.get(name));
        value.and_then(Value::as_str).unwrap_or_default().to_owned()
    };
    let secret = match case["signer"].get("secret_key") {
        Some(Value::Object(bytes)) => {
            hex::decode(bytes["hex"].as_str().unwrap_or_default()).expect("hex secret")
        }
        _ => text("secret_key").into_bytes(),
    };
    let signer = || -> Result<Signer, Error> {
        let signer = Signer::new(&text("access_key"), &secret, &text("account"))?;
        match case["signer"].get("base_url").and_then(Value::as_str) {
            Some(base_url) => signer.with_base_url(base_url),
            None => Ok(signer),
        }
    };
    let str_of = |name: &str| case[name].as_str().unwrap_or_default();
    match case["op"].as_str().unwrap_or_default() {
        "signer" => Ok(json!({"base_url": signer()?.base_url()})),
        "timestamp" => {
            let ts = Timestamp::parse(str_of("text"))?;
            Ok(json!({"ts": ts.as_str(), "unix": ts.unix()}))
        }
        "unix_time" => {
            // Beyond i64 would not be a time the table can hold.
            let ts = Timestamp::from_unix(case["unix"].as_i64().expect("unix fits i64"))?;
            Ok(json!({"ts": ts.as_str()}))
        }
        "widget_url" => {
            let params: Vec<(String, String)> =
                serde_json::from_value(case["params"].clone()).expect("params");
            let mut url = String::new();
            signer()?.write_widget_url(str_of("widget"), &params, &mut url)?;
            Ok(json!({ "url": url }))
        }
        "return_url" => {
            let signer = signer()?;
            let params: Vec<Value> = signer
                .verify_return_url(str_of("url"))?
                .map(|p| json!([p.name().to_string(), p.value().to_string(), p.is_signed()]))
                .collect();
            Ok(json!({ "params": params }))
        }
        "authorization_check" => {
            let (key, secret) = (text("access_key"), secret.clone());
            let now = Timestamp::from_unix(case["now_unix"].as_i64().expect("now"))?;
            let window = case["window_secs"].as_u64().expect("window") as u32;
            verify_authorization(str_of("header"), str_of("account"), now, window, |k| {
                (k == key).then_some(secret.as_slice())
            })?;
            Ok(json!({}))
        }
        op => panic!("unknown op {op}"),
    }
}

/// Why `outcome` is not what `expect` says, if it is not.
fn disagreement(expect: &Value, outcome: &Outcome) -> Option<String> {
    match (expect.get("ok"), outcome) {
        (Some(want), Ok(got)) => want
            .as_object()?
            .iter()
            .find(|(key, value)| got.get(key.as_str()) != Some(value))
            .map(|(key, value)| format!("{key}: expected {value}, got {}", got[key.as_str()])),
        (Some(_), Err(e)) => Some(format!("expected success, refused: {} ({e})", e.reason())),
        (None, Ok(got)) => Some(format!("expected a refusal, got {got}")),
        (None, Err(e)) => {
            let want = &expect["refused"];
            let got = json!({
                "reason": e.reason().as_str(),
                "field": e.field().name(),
                "position": e.position(),
            });
            (want != &got).then(|| format!("expected {want}, got {got} ({e})"))
        }
    }
}
