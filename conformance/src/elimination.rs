//! Diagnosis by elimination, for return URLs answered without a payload.
//!
//! One failing case alone cannot say which rule an implementation broke:
//! several modelled defects predict the same wrong verdict. The whole run
//! can. Each defect of [`READINGS`] is simulated on every return-URL case
//! the adapter answered, and only the defects whose predicted verdicts
//! agree with all of its answers are kept. The failures then say "consistent
//! with: X", or that no modelled defect explains them, never a guess that
//! the run's own answers contradict.

use serde_json::Value;

use crate::case::Kind;
use crate::hints::{hmac_hex, query_payload, query_signature, Reading, READINGS};
use crate::protocol::Answer;
use crate::run::CaseResult;
use crate::verdict::Verdict;

/// One return URL the adapter judged on its signature: its verdict, and
/// whether it is a failure this diagnosis is for.
struct Evidence<'r> {
    result: &'r CaseResult,
    their_valid: bool,
    unexplained: bool,
}

/// Replaces the hints of return-URL failures that came without a payload
/// by what elimination over the whole run finds.
pub fn diagnose(results: &mut [CaseResult]) {
    let evidence: Vec<Evidence<'_>> = results.iter().filter_map(evidence).collect();
    if !evidence.iter().any(|e| e.unexplained) {
        return;
    }
    let consistent: Vec<&str> = READINGS
        .iter()
        .filter(|(reading, _)| explains(*reading, &evidence))
        .map(|(_, hint)| *hint)
        .collect();
    let judged = evidence.len();
    let hint = match consistent.as_slice() {
        [] => format!(
            "no modelled defect explains these: return `payload` in return_url answers for a \
             precise hint (tested against all {judged} return-URL answers of this run)"
        ),
        [one] => format!("consistent with all {judged} return-URL answers of this run: {one}"),
        several => format!(
            "consistent with all {judged} return-URL answers of this run: {} (the cases \
             cannot tell these apart)",
            several.join("; or ")
        ),
    };
    let ids: Vec<String> = evidence
        .iter()
        .filter(|e| e.unexplained)
        .map(|e| e.result.vector.case.id().to_owned())
        .collect();
    for result in results.iter_mut() {
        if let Verdict::Fail(failure) = &mut result.verdict {
            if ids.iter().any(|id| id == result.vector.case.id()) {
                failure.hints = vec![hint.clone()];
            }
        }
    }
}

/// A return URL judged on its signature: a valid input whose expected
/// verdict is valid or `signature_mismatch`, answered valid or
/// `signature_mismatch`.
fn evidence(result: &CaseResult) -> Option<Evidence<'_>> {
    let vector = &result.vector;
    if vector.case.kind() != Kind::ReturnUrl || vector.expects_error() {
        return None;
    }
    let expected_kind = vector.expected.get("error_kind").and_then(Value::as_str);
    if !matches!(expected_kind, None | Some("signature_mismatch")) {
        return None;
    }
    let Some(Answer::Output(output)) = &result.answer else {
        return None;
    };
    let their_valid = output.get("valid").and_then(Value::as_bool)?;
    let their_kind = output.get("error_kind").and_then(Value::as_str);
    if !matches!(their_kind, None | Some("signature_mismatch")) {
        return None;
    }
    let failed = matches!(result.verdict, Verdict::Fail(_));
    Some(Evidence {
        result,
        their_valid,
        unexplained: failed && !output.contains_key("payload"),
    })
}

/// Whether `reading` predicts every answer, and explains at least one of
/// the failures (a reading that cannot decode them proves nothing).
fn explains(reading: Reading, evidence: &[Evidence<'_>]) -> bool {
    let mut explained_one = false;
    for e in evidence {
        let case = &e.result.vector.case;
        let Some(payload) = query_payload(case, reading) else {
            // This reading cannot decode the query: no prediction, unless
            // the adapter failed on it, which the reading does not explain.
            if e.unexplained {
                return false;
            }
            continue;
        };
        let predicted = hmac_hex(case.text("secret_key"), &payload) == query_signature(case);
        if predicted != e.their_valid {
            return false;
        }
        explained_one |= e.unexplained;
    }
    explained_one
}
