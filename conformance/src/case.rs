//! Cases and vectors, and files of them (`ticketmatic-signing-vectors/1`,
//! SPEC section 5).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::protocol::{self, Schema};

/// The format name of a vectors file.
pub const FORMAT: &str = "ticketmatic-signing-vectors/1";

/// What a case exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An API request's Authorization header.
    Authorization,
    /// A widget's signature and URL.
    Widget,
    /// Verification of a return URL's query.
    ReturnUrl,
    /// Server-side verification of an Authorization header (this project's
    /// own kind, not in the SPEC).
    AuthorizationCheck,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 4] = [
        Kind::Authorization,
        Kind::Widget,
        Kind::ReturnUrl,
        Kind::AuthorizationCheck,
    ];

    /// The name used in cases and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Authorization => "authorization",
            Kind::Widget => "widget",
            Kind::ReturnUrl => "return_url",
            Kind::AuthorizationCheck => "authorization_check",
        }
    }

    /// The kind with this name.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A case: a vector's `id`, `kind`, optional `note` and inputs, exactly as
/// sent to an adapter (no `expected`, no `flags`). Built only from objects
/// that passed the case schema, so the inputs of its kind are there.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    fields: Map<String, Value>,
    kind: Kind,
}

impl Case {
    /// A case from an object, checked against the case schema.
    pub fn new(mut fields: Map<String, Value>) -> Result<Case, String> {
        fields.remove("expected");
        fields.remove("flags");
        protocol::check(Schema::Case, &Value::Object(fields.clone()))?;
        let kind = fields
            .get("kind")
            .and_then(Value::as_str)
            .and_then(Kind::from_name)
            .ok_or("kind: not a known kind")?;
        Ok(Case { fields, kind })
    }

    /// The case's id.
    pub fn id(&self) -> &str {
        self.text("id")
    }

    /// The case's kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The object sent to adapters.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// A text input, or "" where the case has none of that name.
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).and_then(Value::as_str).unwrap_or("")
    }

    /// An integer input.
    pub fn integer(&self, name: &str) -> Option<i64> {
        self.fields.get(name).and_then(Value::as_i64)
    }

    /// A widget case's parameters, in the caller's order.
    pub fn params(&self) -> Vec<(&str, &str)> {
        let list = self.fields.get("params").and_then(Value::as_array);
        list.into_iter()
            .flatten()
            .filter_map(|pair| match pair.as_array().map(Vec::as_slice) {
                Some([Value::String(name), Value::String(value)]) => {
                    Some((name.as_str(), value.as_str()))
                }
                _ => None,
            })
            .collect()
    }
}

/// A case and what a conforming implementation answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Vector {
    /// The case.
    pub case: Case,
    /// `{"error": true}`, or the output's fields.
    pub expected: Map<String, Value>,
}

impl Vector {
    /// Whether the inputs must be refused.
    pub fn expects_error(&self) -> bool {
        self.expected.get("error") == Some(&Value::Bool(true))
    }

    /// The vector as a JSON object, with the flags naming what it probes.
    pub fn to_json(&self) -> Value {
        let mut object = self.case.fields.clone();
        object.insert("flags".into(), json!(crate::flags::of(&self.case)));
        object.insert("expected".into(), Value::Object(self.expected.clone()));
        Value::Object(object)
    }
}

/// The vectors of a file's text; `Err` names the first thing wrong, with
/// the vector's index and id.
pub fn parse_vectors(text: &str) -> Result<Vec<Vector>, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    protocol::check(Schema::Vectors, &doc)?;
    let list = doc["vectors"].as_array().cloned().unwrap_or_default();
    list.into_iter()
        .enumerate()
        .map(|(i, vector)| {
            let mut fields = match vector {
                Value::Object(fields) => fields,
                _ => return Err(format!("vector {i}: not an object")),
            };
            let expected = match fields.remove("expected") {
                Some(Value::Object(expected)) => expected,
                _ => return Err(format!("vector {i}: no expected object")),
            };
            let case = Case::new(fields).map_err(|e| format!("vector {i}: {e}"))?;
            Ok(Vector { case, expected })
        })
        .collect()
}

/// A vectors file holding `vectors`, as text ending in a newline.
pub fn vectors_file(vectors: &[Vector]) -> String {
    let list: Vec<Value> = vectors.iter().map(Vector::to_json).collect();
    let doc = json!({"format": FORMAT, "vectors": list});
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON values serialize");
    text.push('\n');
    text
}

/// The shared vectors and this project's own, as the kit ships them.
pub fn builtin_vectors() -> Vec<Vector> {
    const FILES: [(&str, &str); 2] = [
        (
            "ticketmatic-signing-vectors.json",
            include_str!("../../tests/vectors/ticketmatic-signing-vectors.json"),
        ),
        (
            "project-vectors.json",
            include_str!("../../tests/vectors/project-vectors.json"),
        ),
    ];
    FILES
        .iter()
        .flat_map(|(name, text)| {
            parse_vectors(text).unwrap_or_else(|e| panic!("built-in {name}: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_vectors_parse() {
        let vectors = builtin_vectors();
        assert_eq!(vectors.len(), 32 + 17);
        assert!(vectors.iter().any(Vector::expects_error));
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        assert!(parse_vectors("[").unwrap_err().starts_with("not JSON"));
        let err = parse_vectors(r#"{"format": "other", "vectors": []}"#).unwrap_err();
        assert!(err.contains("/format"), "{err}");
        let err = parse_vectors(
            r#"{"format": "ticketmatic-signing-vectors/1", "vectors": [
                {"id": "w", "kind": "widget", "access_key": "k", "secret_key": "s",
                 "account": "a", "widget": "x", "params": [["a"]], "expected": {"error": true}}]}"#,
        )
        .unwrap_err();
        assert!(err.contains("/vectors/0/params/0"), "{err}");
    }

    #[test]
    fn files_round_trip() {
        let vectors = builtin_vectors();
        assert_eq!(parse_vectors(&vectors_file(&vectors)).unwrap(), vectors);
    }
}
