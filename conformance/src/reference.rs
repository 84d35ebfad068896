//! The reference implementation behind the protocol: what this crate
//! answers for a case. It gives the expected results of generated cases and
//! is the reference adapter (`tm conformance adapter`).

use std::io::{BufRead, Write};

use serde_json::{Map, Value};
use ticketmatic_sign::{verify_authorization, Error, Signer, Timestamp};

use crate::case::{Case, Kind, Vector};
use crate::protocol::{self, Answer, Implementation, Started};

/// Who the reference adapter says it is.
pub fn implementation() -> Implementation {
    Implementation {
        name: "ticketmatic-sign".into(),
        language: "Rust".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// What this crate produces for `case`: its output, or the error it refuses
/// the inputs with.
pub fn compute(case: &Case) -> Result<Map<String, Value>, Error> {
    match case.kind() {
        Kind::Authorization => authorization(case),
        Kind::Widget => widget(case),
        Kind::ReturnUrl => return_url(case),
        Kind::AuthorizationCheck => authorization_check(case),
    }
}

/// [`compute`] as a protocol answer.
pub fn answer(case: &Case) -> Answer {
    match compute(case) {
        Ok(output) => Answer::Output(output),
        Err(e) => Answer::Refused(e.to_string()),
    }
}

/// The vector of `case`, with the expected result this crate computes.
pub fn vector(case: Case) -> Vector {
    let expected = compute(&case).unwrap_or_else(|_| {
        let mut error = Map::new();
        error.insert("error".into(), Value::Bool(true));
        error
    });
    Vector { case, expected }
}

/// Runs the reference adapter: reads protocol lines from `input` and answers
/// on `output` until `stop` or the end of the input.
pub fn serve(input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    for line in input.lines() {
        let line = line?;
        let message: Value = match serde_json::from_str(&line) {
            Ok(message) => message,
            Err(e) => {
                // An answer per line is the protocol; a line that is not a
                // message cannot be answered.
                // Best effort: the runner reads our stdout, not this.
                let _ = writeln!(
                    std::io::stderr(),
                    "reference adapter: not JSON ({e}): {line}"
                );
                continue;
            }
        };
        let reply = match message.get("cmd").and_then(Value::as_str) {
            Some("stop") => return Ok(()),
            Some("start") => serde_json::to_value(Started {
                implementation: implementation(),
                kinds: Kind::ALL.to_vec(),
            })
            .expect("serializes"),
            Some("run") => {
                let seq = message.get("seq").and_then(Value::as_u64).unwrap_or(0);
                let case = message.get("case").and_then(Value::as_object).cloned();
                let answer = match case.map(Case::new) {
                    Some(Ok(case)) => answer(&case),
                    Some(Err(why)) => Answer::Refused(format!("not a valid case: {why}")),
                    None => Answer::Refused("no case object".into()),
                };
                protocol::answer_message(seq, &answer)
            }
            _ => {
                let _ = writeln!(
                    std::io::stderr(),
                    "reference adapter: unknown message: {line}"
                );
                continue;
            }
        };
        writeln!(output, "{reply}")?;
        output.flush()?;
    }
    Ok(())
}

fn signer(case: &Case) -> Result<Signer, Error> {
    Signer::new(
        case.text("access_key"),
        case.text("secret_key").as_bytes(),
        case.text("account"),
    )
}

/// Runs a writer into a buffer, growing it to the size it asks for.
fn grown(mut write: impl FnMut(&mut [u8]) -> Result<&str, Error>) -> Result<String, Error> {
    let mut buf = vec![0u8; 256];
    loop {
        match write(&mut buf) {
            Ok(text) => return Ok(text.to_owned()),
            Err(Error::BufferTooSmall { needed }) => buf.resize(needed, 0),
            Err(e) => return Err(e),
        }
    }
}

fn object(fields: Vec<(&str, Value)>) -> Map<String, Value> {
    fields
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

fn authorization(case: &Case) -> Result<Map<String, Value>, Error> {
    let signer = signer(case)?;
    let ts = match case.integer("unix_time") {
        Some(secs) => Timestamp::from_unix(secs)?,
        None => Timestamp::parse(case.text("timestamp"))?,
    };
    let payload = grown(|buf| signer.authorization_payload(ts, buf))?;
    Ok(object(vec![
        ("timestamp", ts.as_str().into()),
        ("payload", payload.into()),
        ("header", signer.authorization_string(ts).as_str().into()),
    ]))
}

fn widget(case: &Case) -> Result<Map<String, Value>, Error> {
    let signer = signer(case)?;
    let params = case.params();
    let payload = grown(|buf| signer.widget_payload(&params, buf))?;
    let signature = signer.widget_signature(&params)?;
    let mut url = String::new();
    signer.write_widget_url(case.text("widget"), &params, &mut url)?;
    Ok(object(vec![
        ("payload", payload.into()),
        ("signature", signature.as_str().into()),
        ("url", url.into()),
    ]))
}

fn return_url(case: &Case) -> Result<Map<String, Value>, Error> {
    let signer = signer(case)?;
    let query = case.text("query");
    let error_kind = match signer.verify_return_url(query) {
        Ok(_) => None,
        // The vectors' error kinds are the core's reason codes.
        Err(e) if e.is_verdict() => Some(e.reason().as_str()),
        Err(e) => return Err(e),
    };
    let payload = grown(|buf| signer.return_url_payload(query, buf))?;
    let mut output = object(vec![("valid", error_kind.is_none().into())]);
    if let Some(kind) = error_kind {
        output.insert("error_kind".into(), kind.into());
    }
    output.insert("payload".into(), payload.into());
    Ok(output)
}

/// This project's own kind: server-side verification of a header.
fn authorization_check(case: &Case) -> Result<Map<String, Value>, Error> {
    let (key, secret) = (case.text("access_key"), case.text("secret_key"));
    let now = Timestamp::from_unix(case.integer("now_unix").unwrap_or(-1))?;
    let window = case
        .integer("window_secs")
        .and_then(|w| u32::try_from(w).ok())
        .unwrap_or(u32::MAX);
    let lookup = |k: &str| (k == key).then_some(secret.as_bytes());
    let verdict = verify_authorization(
        case.text("header"),
        case.text("account"),
        now,
        window,
        lookup,
    );
    let error_kind = match verdict {
        Ok(_) => return Ok(object(vec![("valid", true.into())])),
        Err(Error::MalformedAuthorization { .. }) => "malformed",
        Err(Error::UnknownAccessKey) => "unknown_access_key",
        Err(Error::SignatureMismatch) => "signature_mismatch",
        Err(Error::TimestampOutsideWindow { .. }) => "timestamp_outside_window",
        Err(e) => return Err(e),
    };
    Ok(object(vec![
        ("valid", false.into()),
        ("error_kind", error_kind.into()),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::builtin_vectors;

    /// The crate against every shared and project vector: the expected
    /// values there were computed outside this crate.
    #[test]
    fn every_builtin_vector_passes() {
        let vectors = builtin_vectors();
        for vector in &vectors {
            match compute(&vector.case) {
                Ok(mut output) if !vector.expects_error() => {
                    // The shared vectors predate the return-URL payload.
                    if !vector.expected.contains_key("payload") {
                        output.remove("payload");
                    }
                    assert_eq!(output, vector.expected, "{}", vector.case.id());
                }
                Err(_) if vector.expects_error() => {}
                other => panic!("{}: {other:?}", vector.case.id()),
            }
        }
    }

    #[test]
    fn serves_the_protocol() {
        let input = concat!(
            r#"{"cmd": "start", "protocol": "tm-conformance/1"}"#,
            "\n",
            r#"{"cmd": "run", "seq": 0, "case": {"id": "e", "kind": "authorization", "access_key": "k", "secret_key": "", "account": "", "unix_time": 0}}"#,
            "\n",
            r#"{"cmd": "stop"}"#,
            "\n",
            r#"{"cmd": "start"}"#,
            "\n"
        );
        let mut out = Vec::new();
        serve(input.as_bytes(), &mut out).unwrap();
        let lines: Vec<Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "nothing after stop");
        protocol::check(protocol::Schema::StartResponse, &lines[0]).unwrap();
        assert_eq!(lines[1]["refused"], "secret key: empty");
    }
}
