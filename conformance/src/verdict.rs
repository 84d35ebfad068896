//! Verdicts: an adapter's answer against a vector's expected result.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::case::{Kind, Vector};
use crate::form;
use crate::hints;
use crate::protocol::Answer;

/// The verdict on one case.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// The answer is the expected one.
    Pass,
    /// A widget URL that differs from ours only in ways Ticketmatic accepts:
    /// the same parameters and signature after decoding.
    Acceptable {
        /// Each way it differs, for example "a space written as '+'".
        differences: Vec<String>,
    },
    /// Wrong, refused when it should not be, accepted when it should be
    /// refused, or not a valid answer.
    Fail(Failure),
    /// Not run: the adapter skipped it, or does not run its kind.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// What went wrong with a case.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Failure {
    /// One line: what went wrong.
    pub summary: String,
    /// The output fields that differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldDiff>,
    /// Our payload (the exact signed text), and the adapter's when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<Payloads>,
    /// The likely rules that were broken, derived from the data.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
    /// The line the adapter printed, for answers that are not valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    /// The line it printed after that one, when a line broke the protocol
    /// and another came soon after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_line: Option<String>,
}

/// One output field that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldDiff {
    /// The field's name, for example `signature`.
    pub field: String,
    /// What it should be.
    pub expected: Value,
    /// What the adapter gave (`null` where it gave nothing).
    pub got: Value,
    /// For texts other than signatures: the byte offset of the first
    /// difference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_difference: Option<usize>,
}

/// The signed texts, side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Payloads {
    /// What this crate signs.
    pub expected: String,
    /// What the adapter says it signed, if it said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub got: Option<String>,
}

impl Verdict {
    /// A failure with only a summary.
    pub fn fail(summary: impl Into<String>) -> Verdict {
        Verdict::Fail(Failure {
            summary: summary.into(),
            ..Failure::default()
        })
    }
}

/// The verdict on `answer` for `vector`.
pub fn judge(vector: &Vector, answer: &Answer) -> Verdict {
    match (answer, vector.expects_error()) {
        (Answer::Skipped(reason), _) => Verdict::Skipped {
            reason: reason.clone(),
        },
        (Answer::Refused(_), true) => Verdict::Pass,
        (Answer::Output(output), true) => Verdict::Fail(Failure {
            summary: format!(
                "accepted inputs that must be refused, and answered {}",
                Value::Object(output.clone())
            ),
            hints: hints::accepted_invalid(&vector.case),
            ..Failure::default()
        }),
        (Answer::Refused(why), false) => Verdict::Fail(Failure {
            summary: format!("refused valid inputs: {why}"),
            payload: expected_payload(vector, None),
            hints: hints::refused_valid(vector),
            ..Failure::default()
        }),
        (Answer::Output(output), false) => compare(vector, output),
    }
}

fn expected_payload(vector: &Vector, output: Option<&Map<String, Value>>) -> Option<Payloads> {
    let expected = vector.expected.get("payload")?.as_str()?.to_owned();
    let got = output
        .and_then(|o| o.get("payload"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    Some(Payloads { expected, got })
}

fn compare(vector: &Vector, output: &Map<String, Value>) -> Verdict {
    let mut fields = Vec::new();
    let mut differences = Vec::new();
    // Why the server would read their URL otherwise, when it would.
    let mut misread = None;
    for (name, want) in &vector.expected {
        let got = output.get(name);
        // Payloads are optional in answers; a return URL's is only ours.
        if name == "payload" && got.is_none() {
            continue;
        }
        let got = got.cloned().unwrap_or(Value::Null);
        if got == *want {
            continue;
        }
        if name == "url" && vector.case.kind() == Kind::Widget {
            if let (Some(ours), Some(theirs)) = (want.as_str(), got.as_str()) {
                // A wrong signature is reported once, as the signature.
                let [our_sig, their_sig] = [&vector.expected, output].map(|o| {
                    o.get("signature")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                });
                let suffix = format!("signature={their_sig}");
                let theirs = match theirs.strip_suffix(&suffix) {
                    Some(rest) if !their_sig.is_empty() => format!("{rest}signature={our_sig}"),
                    _ => theirs.to_owned(),
                };
                let theirs = theirs.as_str();
                if theirs == ours {
                    continue;
                }
                match url_differences(ours, theirs) {
                    Ok(ways) => {
                        differences = ways;
                        continue;
                    }
                    Err(why) => misread = Some(why),
                }
            }
        }
        // A position in two hashes says nothing: every byte differs.
        let first_difference = match (want.as_str(), got.as_str()) {
            (Some(a), Some(b)) if name != "signature" => Some(first_difference(a, b)),
            _ => None,
        };
        fields.push(FieldDiff {
            field: name.clone(),
            expected: want.clone(),
            got,
            first_difference,
        });
    }
    if !fields.is_empty() {
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        let mut hints = hints::wrong_output(vector, output);
        hints.extend(misread.map(|why| format!("the URL as the server reads it: {why}")));
        return Verdict::Fail(Failure {
            summary: format!("wrong {}", names.join(", ")),
            payload: expected_payload(vector, Some(output)),
            hints,
            fields,
            ..Failure::default()
        });
    }
    if differences.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Acceptable { differences }
    }
}

/// The byte offset where two texts first differ (the shorter one's length
/// if one is a prefix of the other).
pub fn first_difference(a: &str, b: &str) -> usize {
    a.bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.len().min(b.len()))
}

/// How their widget URL differs from ours, if only in ways Ticketmatic
/// accepts (SPEC section 4: what counts is what the server receives): the
/// same path, and the same parameters (order aside) after form decoding.
/// Raw spaces and non-ASCII characters are acceptable, since a browser
/// sends them encoded; a raw `&`, `=`, `#`, `+` or `%` changes what the
/// server reads. `Err` says why it is not acceptable.
pub fn url_differences(ours: &str, theirs: &str) -> Result<Vec<String>, String> {
    let (our_path, our_query) = ours.split_once('?').unwrap_or((ours, ""));
    let (their_path, their_query) = theirs.split_once('?').unwrap_or((theirs, ""));
    if our_path != their_path {
        return Err("the path differs".into());
    }
    if let Some(at) = theirs.bytes().position(|b| b.is_ascii_control()) {
        return Err(format!(
            "byte {at} ({:#04x}) is a control character, which a URL cannot hold",
            theirs.as_bytes()[at]
        ));
    }
    if let Some(at) = theirs.find('#') {
        return Err(format!(
            "a raw '#' at byte {at} starts the fragment: the server never receives what follows"
        ));
    }
    for (name, value) in form::raw_pairs(their_query) {
        if value.contains('=') {
            return Err(format!(
                "a raw '=' in the value of '{name}': write it as %3D"
            ));
        }
    }
    let decode = |query| -> Result<Vec<(String, String)>, String> {
        form::raw_pairs(query)
            .into_iter()
            .map(|(n, v)| match (form::decode(n), form::decode(v)) {
                (Some(n), Some(v)) => Ok((n, v)),
                _ => Err(format!("'{n}={v}' does not decode")),
            })
            .collect()
    };
    let (ours_decoded, theirs_decoded) = (decode(our_query)?, decode(their_query)?);
    let (mut a, mut b) = (ours_decoded.clone(), theirs_decoded.clone());
    a.sort();
    b.sort();
    if a != b {
        let missing = a.iter().find(|pair| !b.contains(pair));
        let read = b.iter().find(|pair| !a.contains(pair));
        return Err(match (missing, read) {
            (Some((n, v)), Some((rn, rv))) => format!(
                "the server reads {rn:?}={rv:?} where {n:?}={v:?} was meant (a raw '&', '=', '+' \
                 or '%' changes what it decodes)"
            ),
            (Some((n, v)), None) => format!("the server never reads {n:?}={v:?}"),
            (None, Some((rn, rv))) => {
                format!("the server reads {rn:?}={rv:?}, which was not meant")
            }
            (None, None) => "a parameter is written twice".into(),
        });
    }
    let mut ways = Vec::new();
    let mut note = |way: &str| {
        if !ways.iter().any(|w| w == way) {
            ways.push(way.to_owned());
        }
    };
    if ours_decoded != theirs_decoded {
        note("parameters in another order");
    }
    for (raw_name, raw_value) in form::raw_pairs(their_query) {
        for (raw, what) in [(raw_name, "name"), (raw_value, "value")] {
            let bytes = raw.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'%' => {
                        // `decode` above accepted it: two hex digits follow.
                        let hex = &raw[i + 1..i + 3];
                        if hex.bytes().any(|b| b.is_ascii_lowercase()) {
                            note("lower-case hex in escapes");
                        }
                        if u8::from_str_radix(hex, 16).is_ok_and(form::is_unreserved) {
                            note("unreserved characters percent-encoded");
                        }
                        i += 2;
                    }
                    b'+' => note("a space written as '+'"),
                    b' ' | 0x80.. => {
                        note("raw spaces or non-ASCII characters (a browser sends them encoded)")
                    }
                    b if !form::is_unreserved(b) => note(&format!("a {what} left unencoded")),
                    _ => {}
                }
                i += 1;
            }
        }
    }
    Ok(ways)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::builtin_vectors;

    fn builtin(id: &str) -> Vector {
        builtin_vectors()
            .into_iter()
            .find(|v| v.case.id() == id)
            .unwrap()
    }

    fn failure(verdict: Verdict) -> Failure {
        match verdict {
            Verdict::Fail(failure) => failure,
            other => panic!("not a failure: {other:?}"),
        }
    }

    #[test]
    fn the_expected_answer_passes() {
        let vector = builtin("docs-addtickets");
        assert_eq!(
            judge(&vector, &Answer::Output(vector.expected.clone())),
            Verdict::Pass
        );
        let refusal = builtin("reject-duplicate-name");
        assert_eq!(
            judge(&refusal, &Answer::Refused("no".into())),
            Verdict::Pass
        );
        assert_eq!(
            judge(&refusal, &Answer::Skipped("later".into())),
            Verdict::Skipped {
                reason: "later".into()
            }
        );
    }

    /// Answers are untrusted: whatever texts pass the schemas, judging them
    /// must not panic.
    #[test]
    fn hostile_outputs_are_judged_without_panicking() {
        let nasty = [
            "",
            "é",
            "🎭",
            "%",
            "%zz",
            "+",
            "&&",
            "=",
            "signature=",
            "TM-HMAC-SHA256 key=",
            "sign=",
            "2017-07-29T16:40:4é",
            "9999-12-31T23:59:59",
            "https://apps.ticketmatic.com/widgets/",
            "https://apps.ticketmatic.com/widgets/myaccountname/addtickets?é=%C3&signature=é",
        ];
        for vector in builtin_vectors() {
            for field in [
                "timestamp",
                "header",
                "payload",
                "signature",
                "url",
                "error_kind",
            ] {
                for text in nasty {
                    let mut output = vector.expected.clone();
                    output.remove("error");
                    output.insert(field.into(), text.into());
                    for valid in [true, false] {
                        output.insert("valid".into(), valid.into());
                        let _ = judge(&vector, &Answer::Output(output.clone()));
                    }
                }
            }
        }
    }

    #[test]
    fn a_wrong_field_is_named_with_where_it_differs() {
        let vector = builtin("docs-addtickets");
        let mut output = vector.expected.clone();
        output.insert("signature".into(), "0978f4fb00".into());
        let wrong = failure(judge(&vector, &Answer::Output(output)));
        assert_eq!(wrong.summary, "wrong signature");
        assert_eq!(
            wrong.fields.len(),
            1,
            "the URL differs only by the signature"
        );
        assert_eq!(wrong.fields[0].field, "signature");
        assert_eq!(
            wrong.fields[0].first_difference, None,
            "a byte position in two hashes says nothing"
        );
        let mut output = vector.expected.clone();
        output.insert("url".into(), "https://apps.ticketmatic.com/x".into());
        let wrong_url = failure(judge(&vector, &Answer::Output(output)));
        assert_eq!(wrong_url.fields[0].field, "url");
        assert_eq!(wrong_url.fields[0].first_difference, Some(29));
    }

    #[test]
    fn refusals_and_acceptances_are_judged_both_ways() {
        let failure_ = failure(judge(
            &builtin("no-account"),
            &Answer::Refused("empty".into()),
        ));
        assert_eq!(failure_.summary, "refused valid inputs: empty");
        assert_eq!(
            failure_.hints,
            ["an empty account is valid: account-less calls sign an empty name"]
        );
        let mut output = Map::new();
        output.insert("signature".into(), "00".into());
        let failure_ = failure(judge(
            &builtin("reject-duplicate-name"),
            &Answer::Output(output),
        ));
        assert!(failure_
            .summary
            .starts_with("accepted inputs that must be refused"));
        assert_eq!(
            failure_.hints,
            ["a parameter name given twice was accepted: its signature is undefined"]
        );
    }

    const OURS: &str =
        "https://apps.ticketmatic.com/widgets/acct/w?a%20b=x%20y&c=1&accesskey=k&signature=00";

    #[test]
    fn acceptable_urls_name_their_differences() {
        let plus = OURS.replace("%20", "+");
        assert_eq!(
            url_differences(OURS, &plus).unwrap(),
            ["a space written as '+'"]
        );
        let reordered =
            "https://apps.ticketmatic.com/widgets/acct/w?c=1&a%20b=x%20y&accesskey=k&signature=00";
        assert_eq!(
            url_differences(OURS, reordered).unwrap(),
            ["parameters in another order"]
        );
        let unencoded =
            "https://apps.ticketmatic.com/widgets/acct/w?a%20b=x%20y&c=1&accesskey=k&signature=00&";
        assert_eq!(
            url_differences(OURS, unencoded).unwrap(),
            Vec::<String>::new()
        );
        let ours = "https://x/widgets/a/w?r=http%3A%2F%2Fa&accesskey=k&signature=00";
        let theirs = "https://x/widgets/a/w?r=http://a&accesskey=k&signature=00";
        assert_eq!(
            url_differences(ours, theirs).unwrap(),
            ["a value left unencoded"]
        );
    }

    #[test]
    fn raw_spaces_and_non_ascii_are_acceptable() {
        let raw =
            "https://apps.ticketmatic.com/widgets/acct/w?a b=x y&c=1&accesskey=k&signature=00";
        assert_eq!(
            url_differences(OURS, raw).unwrap(),
            ["raw spaces or non-ASCII characters (a browser sends them encoded)"]
        );
        let ours = "https://x/widgets/a/w?%C3%A9=%E2%82%AC&accesskey=k&signature=00";
        assert!(
            url_differences(ours, "https://x/widgets/a/w?é=€&accesskey=k&signature=00").is_ok()
        );
    }

    #[test]
    fn urls_that_mean_something_else_are_not_acceptable() {
        let ours = "https://x/widgets/a/w?a%26b=1%2B2&c=%3D%23%25&accesskey=k%2Bk&signature=00";
        for (theirs, why) in [
            (
                "https://x/widgets/a/w?a&b=1%2B2&c=%3D%23%25&accesskey=k%2Bk&signature=00",
                "the server reads \"a\"=\"\" where",
            ),
            (
                "https://x/widgets/a/w?a%26b=1+2&c=%3D%23%25&accesskey=k%2Bk&signature=00",
                "the server reads \"a&b\"=\"1 2\"",
            ),
            (
                "https://x/widgets/a/w?a%26b=1%2B2&c==%23%25&accesskey=k%2Bk&signature=00",
                "a raw '=' in the value of 'c'",
            ),
            (
                "https://x/widgets/a/w?a%26b=1%2B2&c=%3D#%25&accesskey=k%2Bk&signature=00",
                "a raw '#' at byte",
            ),
            (
                "https://x/widgets/a/w?a%26b=1%2B2&c=%3D%23%&accesskey=k%2Bk&signature=00",
                "does not decode",
            ),
            (
                "https://x/widgets/a/w?a%26b=1%2B2&c=%3D%23%25&accesskey=k+k&signature=00",
                "the server reads \"accesskey\"=\"k k\"",
            ),
        ] {
            let err = url_differences(ours, theirs).unwrap_err();
            assert!(err.contains(why), "{theirs}: {err}");
        }
    }

    #[test]
    fn urls_whose_parameters_differ_are_not_acceptable() {
        for theirs in [
            "https://apps.ticketmatic.com/widgets/acct/w2?a%20b=x%20y&c=1&accesskey=k&signature=00",
            "https://apps.ticketmatic.com/widgets/acct/w?a%20b=x%20y&c=2&accesskey=k&signature=00",
            "https://apps.ticketmatic.com/widgets/acct/w?a%20b=x%20y&c=1&accesskey=k",
            "https://apps.ticketmatic.com/widgets/acct/w?a%20b=x%2&c=1&accesskey=k&signature=00",
        ] {
            assert!(url_differences(OURS, theirs).is_err(), "{theirs}");
        }
    }

    #[test]
    fn first_differences() {
        assert_eq!(first_difference("abc", "abd"), 2);
        assert_eq!(first_difference("ab", "abc"), 2);
        assert_eq!(first_difference("", "x"), 0);
    }
}
