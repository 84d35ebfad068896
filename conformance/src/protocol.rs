//! The `tm-conformance/1` protocol: its messages, and the JSON Schemas in
//! `conformance/schema/` that define them. Everything that reads or writes a
//! protocol line goes through this module, and every line read from an
//! adapter is validated against the published schemas themselves.

use std::sync::OnceLock;

use jsonschema::{Registry, Resource, Validator};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::case::Kind;

/// The protocol's name, sent in `start`.
pub const PROTOCOL: &str = "tm-conformance/1";

/// The schema files, by the name their `$id` ends with.
pub const SCHEMAS: [(&str, &str); 8] = [
    ("case.json", include_str!("../schema/case.json")),
    ("output.json", include_str!("../schema/output.json")),
    ("vectors.json", include_str!("../schema/vectors.json")),
    ("start.json", include_str!("../schema/start.json")),
    (
        "start-response.json",
        include_str!("../schema/start-response.json"),
    ),
    ("run.json", include_str!("../schema/run.json")),
    (
        "run-response.json",
        include_str!("../schema/run-response.json"),
    ),
    ("stop.json", include_str!("../schema/stop.json")),
];

/// The base of the schemas' `$id`s: no network address, so nothing is fetched.
const BASE: &str = "tm-conformance:/1/";

/// An implementation as its adapter describes itself.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Implementation {
    /// For example `ticketmatic-sign`.
    pub name: String,
    /// For example `Rust`.
    pub language: String,
    /// The implementation's version.
    pub version: String,
}

/// The adapter's answer to `start`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Started {
    /// Who answers.
    pub implementation: Implementation,
    /// The case kinds it runs.
    pub kinds: Vec<Kind>,
}

/// What an adapter answered for one case.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The implementation's output, fields named as in a vector's `expected`.
    Output(Map<String, Value>),
    /// The implementation refused the inputs; why.
    Refused(String),
    /// The implementation does not handle the case; why.
    Skipped(String),
}

/// The `start` message.
pub fn start_message() -> Value {
    json!({"cmd": "start", "protocol": PROTOCOL})
}

/// The `run` message for a case (its fields without `expected` or `flags`).
pub fn run_message(seq: u64, case: &Map<String, Value>) -> Value {
    json!({"cmd": "run", "seq": seq, "case": case})
}

/// The `stop` message.
pub fn stop_message() -> Value {
    json!({"cmd": "stop"})
}

/// The answer line for `seq`, as an adapter writes it.
pub fn answer_message(seq: u64, answer: &Answer) -> Value {
    match answer {
        Answer::Output(output) => json!({"seq": seq, "output": output}),
        Answer::Refused(why) => json!({"seq": seq, "refused": why}),
        Answer::Skipped(why) => json!({"seq": seq, "skipped": why}),
    }
}

/// Reads a `run` answer that [`check`] accepted. A `payload_hex` (the
/// signed bytes, for an adapter whose payload is not UTF-8 and so cannot be
/// a JSON string) becomes the `payload` it stands for: the text when the
/// bytes are UTF-8, else the text with U+FFFD for each bad sequence, which
/// then differs from ours where the bytes went wrong.
pub fn read_answer(line: &Value) -> Option<Answer> {
    if let Some(output) = line.get("output").and_then(Value::as_object) {
        let mut output = output.clone();
        if let Some(Value::String(hex)) = output.remove("payload_hex") {
            let bytes: Option<Vec<u8>> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                .collect();
            let text = String::from_utf8_lossy(&bytes?).into_owned();
            output.insert("payload".into(), Value::String(text));
        }
        return Some(Answer::Output(output));
    }
    if let Some(why) = line.get("refused").and_then(Value::as_str) {
        return Some(Answer::Refused(why.to_owned()));
    }
    line.get("skipped")
        .and_then(Value::as_str)
        .map(|why| Answer::Skipped(why.to_owned()))
}

/// What a message must be, by schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// A case (a vector without `expected`).
    Case,
    /// A vectors file.
    Vectors,
    /// `start`.
    Start,
    /// The answer to `start`.
    StartResponse,
    /// `run`.
    Run,
    /// The answer to `run`, whatever the kind.
    RunResponse,
    /// `stop`.
    Stop,
    /// The `output` of an answer for a case of this kind.
    Output(Kind),
}

impl Schema {
    fn reference(self) -> String {
        match self {
            Schema::Case => format!("{BASE}case.json"),
            Schema::Vectors => format!("{BASE}vectors.json"),
            Schema::Start => format!("{BASE}start.json"),
            Schema::StartResponse => format!("{BASE}start-response.json"),
            Schema::Run => format!("{BASE}run.json"),
            Schema::RunResponse => format!("{BASE}run-response.json"),
            Schema::Stop => format!("{BASE}stop.json"),
            Schema::Output(kind) => format!("{BASE}output.json#/$defs/{}", kind.as_str()),
        }
    }

    const ALL: [Schema; 11] = [
        Schema::Case,
        Schema::Vectors,
        Schema::Start,
        Schema::StartResponse,
        Schema::Run,
        Schema::RunResponse,
        Schema::Stop,
        Schema::Output(Kind::Authorization),
        Schema::Output(Kind::Widget),
        Schema::Output(Kind::ReturnUrl),
        Schema::Output(Kind::AuthorizationCheck),
    ];
}

/// Validators for every [`Schema`], built once from the embedded files.
fn validators() -> &'static [(Schema, Validator)] {
    static VALIDATORS: OnceLock<Vec<(Schema, Validator)>> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        let resources = SCHEMAS.iter().map(|(name, text)| {
            let schema: Value = serde_json::from_str(text).expect("embedded schemas are JSON");
            (format!("{BASE}{name}"), Resource::from_contents(schema))
        });
        let registry = Registry::new()
            .extend(resources)
            .and_then(|builder| builder.prepare())
            .expect("embedded schemas have valid ids");
        Schema::ALL
            .iter()
            .map(|&schema| {
                let validator = jsonschema::options()
                    .with_registry(&registry)
                    .build(&json!({"$ref": schema.reference()}))
                    .expect("embedded schemas compile");
                (schema, validator)
            })
            .collect()
    })
}

/// Checks `value` against a schema. `Err` lists every violation, each with
/// where in the value it is, for example `/output/url: 5 is not of type "string"`.
pub fn check(schema: Schema, value: &Value) -> Result<(), String> {
    let validator = validators()
        .iter()
        .find(|(s, _)| *s == schema)
        .map(|(_, v)| v)
        .expect("every schema has a validator");
    let problems: Vec<String> = validator.iter_errors(value).map(|e| said(&e)).collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// One violation in an author's words: which field, and what was expected
/// of it (jsonschema's own text repeats the schema and the whole value).
fn said(e: &jsonschema::ValidationError<'_>) -> String {
    use jsonschema::error::ValidationErrorKind as K;
    let path = e.instance_path().to_string();
    let at = if path.is_empty() { "the answer" } else { &path };
    let names = |value: &Value| -> String {
        let list: Vec<String> = match value.get("required").and_then(Value::as_array) {
            Some(names) => names.iter().map(|n| n.to_string()).collect(),
            None => vec![value.to_string()],
        };
        list.join(", ")
    };
    match e.kind() {
        K::Required { property } => format!("{at}: the field {property} is missing"),
        K::Not { schema } => format!("{at}: must not have {} here", names(schema)),
        K::AdditionalProperties { unexpected } => {
            format!("{at}: unexpected field {}", unexpected.join(", "))
        }
        K::Enum { options } => format!("{at}: {} is not one of {options}", e.instance()),
        K::Constant { expected_value } => {
            format!("{at}: {} is not {expected_value}", e.instance())
        }
        _ => format!("{at}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runners_messages_follow_the_schemas() {
        check(Schema::Start, &start_message()).unwrap();
        check(Schema::Stop, &stop_message()).unwrap();
        let case = json!({"id": "x", "kind": "return_url", "access_key": "k",
                          "secret_key": "s", "account": "a", "query": "a=1"});
        check(Schema::Run, &run_message(3, case.as_object().unwrap())).unwrap();
    }

    /// A payload that is not UTF-8 travels as lower-case hex, and is read
    /// as the text it stands for (U+FFFD where its bytes are not UTF-8).
    #[test]
    fn payloads_may_come_as_hex() {
        let kind = Schema::Output(Kind::ReturnUrl);
        check(kind, &json!({"valid": true, "payload_hex": "61c3a9ff"})).unwrap();
        for bad in [
            json!({"valid": true, "payload_hex": "61C3"}),
            json!({"valid": true, "payload_hex": "6"}),
            json!({"valid": true, "payload": "a", "payload_hex": "61"}),
        ] {
            assert!(check(kind, &bad).is_err(), "{bad}");
        }
        let line = json!({"seq": 0, "output": {"valid": true, "payload_hex": "61c3a9ff"}});
        let Some(Answer::Output(output)) = read_answer(&line) else {
            panic!("an output")
        };
        assert_eq!(
            output,
            *json!({"valid": true, "payload": "a\u{e9}\u{fffd}"})
                .as_object()
                .unwrap()
        );
    }

    #[test]
    fn answers_are_checked_by_kind() {
        let widget = json!({"signature": "ab", "url": "https://x"});
        check(Schema::Output(Kind::Widget), &widget).unwrap();
        let err = check(Schema::Output(Kind::Authorization), &widget).unwrap_err();
        assert!(err.contains("timestamp"), "{err}");
        let invalid_without_kind = json!({"valid": false});
        let err = check(Schema::Output(Kind::ReturnUrl), &invalid_without_kind).unwrap_err();
        assert_eq!(err, "the answer: the field \"error_kind\" is missing");
        let valid_with_kind = json!({"valid": true, "error_kind": "signature_mismatch"});
        let err = check(Schema::Output(Kind::ReturnUrl), &valid_with_kind).unwrap_err();
        assert_eq!(err, "the answer: must not have \"error_kind\" here");
        let err = check(
            Schema::Output(Kind::ReturnUrl),
            &json!({"valid": 1, "x": 2}),
        )
        .unwrap_err();
        assert!(err.contains("unexpected field x"), "{err}");
        assert!(err.contains("/valid: 1 is not of type"), "{err}");
        check(
            Schema::RunResponse,
            &json!({"seq": 1, "refused": "x", "skipped": "y"}),
        )
        .unwrap_err();
        check(Schema::RunResponse, &json!({"seq": 1, "skipped": "y"})).unwrap();
    }

    #[test]
    fn start_answers_are_checked() {
        let good = json!({"implementation": {"name": "n", "language": "l", "version": "1"},
                          "kinds": ["widget"]});
        check(Schema::StartResponse, &good).unwrap();
        let started: Started = serde_json::from_value(good).unwrap();
        assert_eq!(started.kinds, [Kind::Widget]);
        let err = check(
            Schema::StartResponse,
            &json!({"implementation": {"name": "n"}, "kinds": ["nope"]}),
        )
        .unwrap_err();
        assert!(
            err.contains("/kinds/0") && err.contains("language"),
            "{err}"
        );
    }
}
