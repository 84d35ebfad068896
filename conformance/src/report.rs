//! Reports of a run: text for people, JSON for tools, JUnit XML for CI.
//! Each ends (text) or carries (JSON, JUnit) the counts
//! `N passed, M failed, K acceptable, J skipped`.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{json, Value};

use crate::flags;
use crate::run::{CaseResult, Report};
use crate::verdict::{Failure, Verdict};

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Failures and acceptable differences in detail, then the counts.
    Text,
    /// One JSON object with every case's verdict.
    Json,
    /// JUnit XML, one test case per case.
    Junit,
}

/// Where the cases came from, for the report's header.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// Built-in vectors.
    pub builtin: usize,
    /// Cases from `--cases` files.
    pub from_files: usize,
    /// Generated cases.
    pub generated: usize,
    /// The generator's seed.
    pub seed: u64,
}

/// The counts line: `N passed, M failed, K acceptable, J skipped`.
pub fn counts_line(report: &Report) -> String {
    let c = report.counts();
    format!(
        "{} passed, {} failed, {} acceptable, {} skipped",
        c.passed, c.failed, c.acceptable, c.skipped
    )
}

/// The report in `format`.
pub fn render(report: &Report, origin: &Origin, format: Format) -> String {
    match format {
        Format::Text => text(report, origin),
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&json_report(report, origin))
                .expect("JSON values serialize");
            text.push('\n');
            text
        }
        Format::Junit => junit(report, origin),
    }
}

fn header(report: &Report, origin: &Origin) -> String {
    let i = &report.implementation;
    format!(
        "adapter: {} ({}) {}\ncases: {} built in, {} from files, {} generated with seed {} \
         (replay: --seed {})\n",
        i.name,
        i.language,
        i.version,
        origin.builtin,
        origin.from_files,
        origin.generated,
        origin.seed,
        origin.seed
    )
}

fn text(report: &Report, origin: &Origin) -> String {
    let mut out = header(report, origin);
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failing_flags: BTreeMap<&str, usize> = BTreeMap::new();
    for result in &report.results {
        let case = &result.vector.case;
        let flags = flags::of(case);
        let title = format!("{} ({}; {})", case.id(), case.kind(), flags.join(", "));
        match &result.verdict {
            Verdict::Pass => {}
            Verdict::Skipped { reason } => *skipped.entry(reason).or_default() += 1,
            Verdict::Acceptable { differences } => {
                let _ = writeln!(
                    out,
                    "\nACCEPTABLE {title}\n  url differs: {}",
                    differences.join("; ")
                );
            }
            Verdict::Fail(failure) => {
                for flag in &flags {
                    *failing_flags.entry(flag).or_default() += 1;
                }
                let _ = writeln!(out, "\nFAIL {title}");
                failure_text(&mut out, failure);
            }
        }
    }
    for (reason, count) in skipped {
        let _ = writeln!(out, "\nskipped {count}: {reason}");
    }
    if !failing_flags.is_empty() {
        let mut flags: Vec<(&str, usize)> = failing_flags.into_iter().collect();
        flags.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let list: Vec<String> = flags.iter().map(|(f, n)| format!("{f} {n}")).collect();
        let _ = writeln!(out, "\nfailures by flag: {}", list.join(", "));
    }
    if let Some(why) = &report.aborted {
        let _ = writeln!(
            out,
            "\nrun ended early: {why}; {} cases not run",
            report.not_run
        );
    }
    if let Some(exit) = &report.exit {
        let _ = writeln!(out, "adapter exit: {exit}");
    }
    let _ = writeln!(out, "\n{}", counts_line(report));
    out
}

fn failure_text(out: &mut String, failure: &Failure) {
    let _ = writeln!(out, "  {}", failure.summary);
    // A wrong payload is shown once, side by side, below.
    let side_by_side = failure.payload.as_ref().is_some_and(|p| p.got.is_some());
    for diff in failure
        .fields
        .iter()
        .filter(|d| !(side_by_side && d.field == "payload"))
    {
        let at = diff.first_difference.map_or(String::new(), |at| {
            format!(", first difference at byte {at}")
        });
        let _ = writeln!(
            out,
            "  {}{at}\n    expected: {}\n    got:      {}",
            diff.field, diff.expected, diff.got
        );
    }
    if let Some(payload) = &failure.payload {
        let _ = writeln!(
            out,
            "  payload (the signed text)\n    ours:   {:?}",
            payload.expected
        );
        if let Some(got) = &payload.got {
            let at = crate::verdict::first_difference(&payload.expected, got);
            let _ = writeln!(out, "    theirs: {got:?}  (first difference at byte {at})");
        }
    }
    if let Some(line) = &failure.line {
        let _ = writeln!(out, "  line: {line}");
    }
    for hint in &failure.hints {
        let _ = writeln!(out, "  hint: {hint}");
    }
}

fn json_report(report: &Report, origin: &Origin) -> Value {
    let cases: Vec<Value> = report
        .results
        .iter()
        .map(|CaseResult { vector, verdict }| {
            let mut entry = serde_json::to_value(verdict).expect("verdicts serialize");
            entry["id"] = vector.case.id().into();
            entry["kind"] = vector.case.kind().as_str().into();
            entry["flags"] = json!(flags::of(&vector.case));
            entry
        })
        .collect();
    json!({
        "protocol": crate::protocol::PROTOCOL,
        "implementation": report.implementation,
        "origin": {"builtin": origin.builtin, "from_files": origin.from_files,
                   "generated": origin.generated, "seed": origin.seed},
        "counts": report.counts(),
        "aborted": report.aborted,
        "not_run": report.not_run,
        "adapter_exit": report.exit,
        "summary": counts_line(report),
        "cases": cases,
    })
}

/// XML text: escapes markup, and replaces the control characters XML 1.0
/// cannot hold (case inputs may contain them) with U+FFFD.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn junit(report: &Report, origin: &Origin) -> String {
    let c = report.counts();
    let name = format!("tm-conformance: {}", report.implementation.name);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        xml(&name),
        report.results.len(),
        c.failed,
        c.skipped,
        report.elapsed.as_secs_f64()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
        xml(&name),
        report.results.len(),
        c.failed,
        c.skipped
    );
    let _ = writeln!(
        out,
        "    <properties><property name=\"seed\" value=\"{}\"/></properties>",
        origin.seed
    );
    for result in &report.results {
        let case = &result.vector.case;
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\"",
            case.kind(),
            xml(case.id())
        );
        match &result.verdict {
            Verdict::Pass => out.push_str("/>\n"),
            Verdict::Acceptable { differences } => {
                let _ = writeln!(
                    out,
                    "><system-out>acceptable: {}</system-out></testcase>",
                    xml(&differences.join("; "))
                );
            }
            Verdict::Skipped { reason } => {
                let _ = writeln!(out, "><skipped message=\"{}\"/></testcase>", xml(reason));
            }
            Verdict::Fail(failure) => {
                let mut details = String::new();
                failure_text(&mut details, failure);
                let _ = writeln!(
                    out,
                    "><failure message=\"{}\">{}</failure></testcase>",
                    xml(&failure.summary),
                    xml(&details)
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_legal() {
        assert_eq!(
            xml("a<b>&\"c'\r\n\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\r\n\u{FFFD}"
        );
    }
}
