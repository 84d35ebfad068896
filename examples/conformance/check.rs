//! Checks `ticketmatic-signing-vectors/1` files (SPEC section 5) against this
//! crate. Shared by the `conformance` example and the conformance test.

use serde_json::Value;
use ticketmatic_sign::{verify_authorization, Error, Signer, Timestamp};

/// The result of checking one file.
#[derive(Debug, Default)]
pub struct Report {
    /// Ids of the vectors that passed.
    pub passed: Vec<String>,
    /// One line per failing vector: its id, kind and what differed.
    pub failed: Vec<String>,
}

/// Checks every vector in the text of a vectors file. `Err` if the text is not
/// such a file at all.
pub fn check_file(text: &str) -> Result<Report, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match doc.get("format").and_then(Value::as_str) {
        Some("ticketmatic-signing-vectors/1") => {}
        other => {
            return Err(format!(
                "format is {other:?}, expected \"ticketmatic-signing-vectors/1\""
            ))
        }
    }
    let vectors = doc
        .get("vectors")
        .and_then(Value::as_array)
        .ok_or("no \"vectors\" list")?;
    let mut report = Report::default();
    for (i, vector) in vectors.iter().enumerate() {
        let id = vector
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| format!("#{i}"), str::to_owned);
        let kind = vector.get("kind").and_then(Value::as_str).unwrap_or("?");
        match check_vector(vector) {
            Ok(()) => report.passed.push(id),
            Err(why) => report.failed.push(format!("{id} ({kind}): {why}")),
        }
    }
    Ok(report)
}

/// `Ok` if the crate's output matches the vector; otherwise what differed.
pub fn check_vector(v: &Value) -> Result<(), String> {
    let expected = v.get("expected").ok_or("no \"expected\"")?;
    let expect_error = expected.get("error").and_then(Value::as_bool) == Some(true);
    let kind = text(v, "kind")?;
    let outcome = match kind {
        "authorization" => authorization(v),
        "widget" => widget(v),
        "return_url" => return_url(v),
        "authorization_check" => authorization_check(v),
        other => return Err(format!("unknown kind {other:?}")),
    };
    match (outcome, expect_error) {
        (Ok(produced), true) => Err(format!(
            "expected an error, but the inputs were accepted: {produced}"
        )),
        (Err(Outcome::Refused(_)), true) => Ok(()),
        (Err(Outcome::Refused(e)), false) => Err(format!("refused: {e}")),
        (Err(Outcome::Bad(why)), _) => Err(why),
        (Ok(produced), false) => compare(kind, expected, &produced),
    }
}

/// Why a vector produced no output.
enum Outcome {
    /// The crate refused the inputs.
    Refused(Error),
    /// The vector itself is not well-formed.
    Bad(String),
}

impl From<Error> for Outcome {
    fn from(e: Error) -> Self {
        Outcome::Refused(e)
    }
}

/// What the crate produced, as the named fields of `expected`.
struct Produced(Vec<(&'static str, Value)>);

impl std::fmt::Display for Produced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (name, value)) in self.0.iter().enumerate() {
            write!(f, "{}{name} = {value}", if i > 0 { ", " } else { "" })?;
        }
        Ok(())
    }
}

fn compare(kind: &str, expected: &Value, produced: &Produced) -> Result<(), String> {
    let mut diffs = Vec::new();
    let mut compared = 0;
    for (name, got) in &produced.0 {
        match expected.get(*name) {
            Some(want) => {
                compared += 1;
                if want != got {
                    diffs.push(format!("{name}: expected {want}, got {got}"));
                }
            }
            // A valid return URL has no error kind to compare.
            None if *name == "error_kind" => {}
            None => diffs.push(format!("{name}: missing from \"expected\" (got {got})")),
        }
    }
    if compared == 0 {
        return Err(format!("nothing to compare for kind {kind}"));
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(diffs.join("; "))
    }
}

fn text<'v>(v: &'v Value, field: &str) -> Result<&'v str, String> {
    v.get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("input {field:?} missing or not a string"))
}

fn input<'v>(v: &'v Value, field: &str) -> Result<&'v str, Outcome> {
    text(v, field).map_err(Outcome::Bad)
}

fn signer(v: &Value) -> Result<Signer<'_>, Outcome> {
    Ok(Signer::new(
        input(v, "access_key")?,
        input(v, "secret_key")?.as_bytes(),
        input(v, "account")?,
    )?)
}

fn authorization(v: &Value) -> Result<Produced, Outcome> {
    let signer = signer(v)?;
    let ts = match (v.get("unix_time"), v.get("timestamp")) {
        (Some(secs), _) => {
            let secs = secs
                .as_i64()
                .ok_or_else(|| Outcome::Bad("unix_time is not an integer".into()))?;
            Timestamp::from_unix(secs)?
        }
        (None, Some(_)) => Timestamp::parse(input(v, "timestamp")?)?,
        (None, None) => return Err(Outcome::Bad("neither unix_time nor timestamp given".into())),
    };
    let mut payload = [0u8; 1024];
    let mut header = [0u8; 1024];
    Ok(Produced(vec![
        ("timestamp", ts.as_str().into()),
        (
            "payload",
            signer.authorization_payload(ts, &mut payload)?.into(),
        ),
        ("header", signer.authorization(ts, &mut header)?.into()),
    ]))
}

fn params(v: &Value) -> Result<Vec<(&str, &str)>, Outcome> {
    let bad = || Outcome::Bad("params must be a list of [name, value] string pairs".into());
    let list = v.get("params").and_then(Value::as_array).ok_or_else(bad)?;
    list.iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([Value::String(name), Value::String(value)]) => {
                Ok((name.as_str(), value.as_str()))
            }
            _ => Err(bad()),
        })
        .collect()
}

fn widget(v: &Value) -> Result<Produced, Outcome> {
    let signer = signer(v)?;
    let widget = input(v, "widget")?;
    let params = params(v)?;
    let mut payload = vec![0u8; 64 * 1024];
    let mut url = vec![0u8; signer.widget_url_len(widget, &params)];
    Ok(Produced(vec![
        (
            "payload",
            signer.widget_payload(&params, &mut payload)?.into(),
        ),
        (
            "signature",
            signer.widget_signature(&params)?.as_str().into(),
        ),
        ("url", signer.widget_url(widget, &params, &mut url)?.into()),
    ]))
}

fn return_url(v: &Value) -> Result<Produced, Outcome> {
    let signer = signer(v)?;
    let query = input(v, "query")?;
    let kind = match signer.verify_return_url(query) {
        Ok(()) => return Ok(Produced(vec![("valid", true.into())])),
        Err(Error::BadAccessKey) => "bad_access_key",
        Err(Error::SignatureMissing) => "signature_missing",
        Err(Error::SignatureMismatch) => "signature_mismatch",
        Err(other) => return Err(Outcome::Refused(other)),
    };
    Ok(Produced(vec![
        ("valid", false.into()),
        ("error_kind", kind.into()),
    ]))
}

/// This project's own kind: server-side verification of a header.
fn authorization_check(v: &Value) -> Result<Produced, Outcome> {
    let number = |field: &str| {
        v.get(field)
            .and_then(Value::as_i64)
            .ok_or_else(|| Outcome::Bad(format!("input {field:?} missing or not an integer")))
    };
    let (key, secret) = (input(v, "access_key")?, input(v, "secret_key")?);
    let now = Timestamp::from_unix(number("now_unix")?)?;
    let window = u32::try_from(number("window_secs")?)
        .map_err(|_| Outcome::Bad("window_secs out of range".into()))?;
    let lookup = |k: &str| (k == key).then_some(secret.as_bytes());
    let kind = match verify_authorization(
        input(v, "header")?,
        input(v, "account")?,
        now,
        window,
        lookup,
    ) {
        Ok(_) => return Ok(Produced(vec![("valid", true.into())])),
        Err(Error::MalformedAuthorization { .. }) => "malformed",
        Err(Error::UnknownAccessKey) => "unknown_access_key",
        Err(Error::SignatureMismatch) => "signature_mismatch",
        Err(Error::TimestampOutsideWindow { .. }) => "timestamp_outside_window",
        Err(other) => return Err(Outcome::Refused(other)),
    };
    Ok(Produced(vec![
        ("valid", false.into()),
        ("error_kind", kind.into()),
    ]))
}
