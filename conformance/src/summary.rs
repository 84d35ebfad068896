//! What a run says before its details: two verdicts, not one.
//!
//! - **Interoperability**: on the valid inputs, does the implementation
//!   produce what Ticketmatic expects? This is what its users depend on.
//! - **Strictness**: are the inputs that must be refused refused (robustness
//!   and safety: a header that could be injected, a signature that is
//!   undefined)?
//!
//! Failures are grouped by their diagnosed cause (the first hint), most
//! frequent first, with one example case each; an implementation that fails
//! only strictness cases is told that it interoperates, and which refusal
//! rules it lacks.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::run::{CaseResult, Report};
use crate::verdict::{Failure, Verdict};

/// The verdicts on one class of cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Cases of the class in the run.
    pub cases: usize,
    /// Passed.
    pub passed: usize,
    /// Acceptable (valid inputs only: a URL Ticketmatic reads the same).
    pub acceptable: usize,
    /// Failed.
    pub failed: usize,
    /// Skipped.
    pub skipped: usize,
}

impl Tally {
    fn add(&mut self, verdict: &Verdict) {
        self.cases += 1;
        match verdict {
            Verdict::Pass => self.passed += 1,
            Verdict::Acceptable { .. } => self.acceptable += 1,
            Verdict::Fail(_) => self.failed += 1,
            Verdict::Skipped { .. } => self.skipped += 1,
        }
    }

    /// Cases that were answered.
    pub fn run(&self) -> usize {
        self.cases - self.skipped
    }
}

/// Failures that share a diagnosed cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cause {
    /// The cause, in the hint's words.
    pub cause: String,
    /// How many failures it explains.
    pub count: usize,
    /// The id of the first case it explains.
    pub example: String,
    /// Where the modelled defect behind it sits, if one is modelled
    /// ([`crate::defects`]).
    pub lies_in: Option<&'static str>,
    /// The fix, if the defect is modelled.
    pub fix: Option<&'static str>,
}

/// The two verdicts and the causes of their failures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Valid inputs.
    pub interoperability: Tally,
    /// The valid inputs whose keys have the form Ticketmatic issues: an
    /// access key and a secret of letters and digits only.
    pub issued_keys: Tally,
    /// The other valid inputs: keys the SPEC allows but Ticketmatic does not
    /// issue (punctuation in the access key, a secret that is not
    /// alphanumeric), which only a careful implementation gets right.
    pub other_keys: Tally,
    /// Inputs that must be refused.
    pub strictness: Tally,
    /// Why valid inputs failed, most frequent first.
    pub causes: Vec<Cause>,
    /// The refusal rules that inputs which must be refused got past, most
    /// frequent first.
    pub missing_rules: Vec<Cause>,
}

/// Whether a case is a valid input (an interoperability case) rather than
/// one that must be refused.
pub fn is_valid_input(result: &CaseResult) -> bool {
    !result.vector.expects_error()
}

/// Whether a case's keys have the form Ticketmatic issues: an access key
/// and a secret of ASCII letters and digits (hex digits, in practice).
pub fn has_issued_keys(result: &CaseResult) -> bool {
    let case = &result.vector.case;
    let alphanumeric =
        |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric());
    alphanumeric(case.text("access_key")) && alphanumeric(case.text("secret_key"))
}

/// The cause a failure is counted under: its first hint (the diagnosis),
/// else what went wrong.
pub fn cause_of(failure: &Failure) -> String {
    match failure.hints.as_slice() {
        [] => format!("{} (no modelled defect matches)", generic(&failure.summary)),
        // "one of these is valid ...:" followed by the candidates.
        [head, candidates @ ..] if head.ends_with(':') => {
            format!("{head} {}", candidates.join(" / "))
        }
        [first, ..] => first.clone(),
    }
}

/// A summary without the values it quotes, so that failures group.
fn generic(summary: &str) -> &str {
    let head = summary.split_once(": ").map_or(summary, |(h, _)| h);
    head.split_once(", and answered").map_or(head, |(h, _)| h)
}

/// The summary of a run.
pub fn summarize(report: &Report) -> Summary {
    let mut summary = Summary::default();
    let mut causes: BTreeMap<String, Cause> = BTreeMap::new();
    let mut rules: BTreeMap<String, Cause> = BTreeMap::new();
    for result in &report.results {
        let valid = is_valid_input(result);
        let (tally, groups) = if valid {
            (&mut summary.interoperability, &mut causes)
        } else {
            (&mut summary.strictness, &mut rules)
        };
        tally.add(&result.verdict);
        if valid {
            match has_issued_keys(result) {
                true => summary.issued_keys.add(&result.verdict),
                false => summary.other_keys.add(&result.verdict),
            }
        }
        if let Verdict::Fail(failure) = &result.verdict {
            let cause = cause_of(failure);
            groups
                .entry(cause.clone())
                .or_insert_with(|| {
                    let defect = crate::defects::of_cause(&cause);
                    Cause {
                        lies_in: defect.map(|d| d.lies_in.as_str()),
                        fix: defect.map(|d| d.fix),
                        cause,
                        count: 0,
                        example: result.vector.case.id().to_owned(),
                    }
                })
                .count += 1;
        }
    }
    let most_frequent_first = |groups: BTreeMap<String, Cause>| {
        let mut list: Vec<Cause> = groups.into_values().collect();
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.cause.cmp(&b.cause)));
        list
    };
    summary.causes = most_frequent_first(causes);
    summary.missing_rules = most_frequent_first(rules);
    summary
}

impl Summary {
    /// The interoperability verdict in one line.
    pub fn interoperability_line(&self) -> String {
        let t = &self.interoperability;
        if t.run() == 0 {
            return "not judged: no valid input was run".into();
        }
        let skipped = match t.skipped {
            0 => String::new(),
            n => format!(", {n} skipped"),
        };
        // Keys as Ticketmatic issues them first: what an integration meets.
        let (issued, other) = (&self.issued_keys, &self.other_keys);
        let split = format!(
            "{} with keys as Ticketmatic issues them, {} with other keys the SPEC allows",
            issued.run(),
            other.run()
        );
        if t.failed == 0 {
            let acceptable = match t.acceptable {
                0 => String::new(),
                n => format!(" ({n} in ways Ticketmatic accepts)"),
            };
            format!(
                "interoperates: all {} valid inputs run give what Ticketmatic expects{acceptable} \
                 ({split}){skipped}",
                t.run()
            )
        } else if issued.failed == 0 && issued.run() > 0 {
            format!(
                "does not interoperate with every key the SPEC allows: all {} valid inputs with \
                 keys as Ticketmatic issues them (letters and digits) give what Ticketmatic \
                 expects, but {} of {} with other keys the SPEC allows (punctuation in the access \
                 key, other secrets) do not{skipped}",
                issued.run(),
                other.failed,
                other.run()
            )
        } else {
            format!(
                "does not interoperate: {} of {} valid inputs with keys as Ticketmatic issues them \
                 (letters and digits) give what Ticketmatic does not expect, and {} of {} with \
                 other keys the SPEC allows (punctuation in the access key, other secrets){skipped}",
                issued.failed,
                issued.run(),
                other.failed,
                other.run()
            )
        }
    }

    /// The strictness verdict in one line.
    pub fn strictness_line(&self) -> String {
        let t = &self.strictness;
        if t.run() == 0 {
            return "not judged: no input that must be refused was run".into();
        }
        if t.failed == 0 {
            format!(
                "strict: all {} inputs that must be refused are refused",
                t.run()
            )
        } else {
            let rules = self.missing_rules.len();
            format!(
                "{} of {} inputs that must be refused were accepted: {rules} refusal {} missing",
                t.failed,
                t.run(),
                if rules == 1 { "rule" } else { "rules" }
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_group_without_their_values() {
        assert_eq!(
            generic("accepted inputs that must be refused, and answered {\"a\": 1}"),
            "accepted inputs that must be refused"
        );
        assert_eq!(
            generic("refused valid inputs: because"),
            "refused valid inputs"
        );
        assert_eq!(generic("wrong url"), "wrong url");
    }
}
