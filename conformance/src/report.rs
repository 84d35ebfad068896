//! Reports of a run: text for people, JSON for tools, JUnit XML for CI.
//! Each ends (text) or carries (JSON, JUnit) the counts
//! `N passed, M failed, K acceptable, J skipped`.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{json, Value};

use crate::flags;
use crate::run::{CaseResult, Report};
use crate::summary::{is_valid_input, summarize, Cause};
use crate::verdict::{Failure, Verdict};

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Failures and acceptable differences in detail, then the counts.
    Text,
    /// One JSON object with every case's verdict.
    Json,
    /// JUnit XML, one test suite per verdict, one test case per case.
    Junit,
    /// One self-contained HTML page for people: the verdicts, the causes,
    /// a table per kind and rule, and every failure expandable.
    Html,
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

/// How many failures a text report shows in full unless told otherwise.
pub const DEFAULT_MAX_DETAILS: usize = 10;

/// The report in `format`. A text report shows the first `max_details`
/// failures in full and counts the rest; the others hold every case.
pub fn render(report: &Report, origin: &Origin, format: Format, max_details: usize) -> String {
    match format {
        Format::Text => text(report, origin, max_details),
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&json_report(report, origin))
                .expect("JSON values serialize");
            text.push('\n');
            text
        }
        Format::Junit => junit(report, origin),
        Format::Html => crate::html::render(report, origin),
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

/// A list of causes, one a line: count, cause, an example.
fn causes_text(out: &mut String, causes: &[Cause]) {
    for cause in causes {
        let _ = writeln!(
            out,
            "  {:>5}  {} (e.g. {})",
            cause.count, cause.cause, cause.example
        );
        if let (Some(lies_in), Some(fix)) = (cause.lies_in, cause.fix) {
            let _ = writeln!(out, "         fix, in {lies_in}: {fix}");
        }
    }
}

/// A verdict line, marked partial when the run is incomplete.
pub(crate) fn verdict_line(report: &Report, line: String) -> String {
    match report.aborted {
        Some(_) => format!(
            "partial ({} of {} cases answered): {line}",
            report.answered(),
            report.total
        ),
        None => line,
    }
}

fn text(report: &Report, origin: &Origin, max_details: usize) -> String {
    let mut out = String::new();
    if let Some(incomplete) = report.incomplete_line() {
        let _ = writeln!(out, "{incomplete}");
    }
    out += &header(report, origin);
    let summary = summarize(report);
    let _ = writeln!(
        out,
        "\ninteroperability (valid inputs): {}",
        verdict_line(report, summary.interoperability_line())
    );
    let _ = writeln!(
        out,
        "strictness (inputs that must be refused): {}",
        verdict_line(report, summary.strictness_line())
    );
    causes_text(&mut out, &summary.missing_rules);
    if !summary.causes.is_empty() {
        let _ = writeln!(
            out,
            "\ncauses of the {} interoperability failures, most frequent first:",
            summary.interoperability.failed
        );
        causes_text(&mut out, &summary.causes);
    }

    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    let mut acceptable: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failing_flags: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures: Vec<&CaseResult> = Vec::new();
    for result in &report.results {
        match &result.verdict {
            Verdict::Pass => {}
            Verdict::Skipped { reason } => *skipped.entry(reason).or_default() += 1,
            Verdict::Acceptable { differences } => {
                for way in differences {
                    *acceptable.entry(way).or_default() += 1;
                }
            }
            Verdict::Fail(_) => {
                for flag in flags::of(&result.vector.case) {
                    *failing_flags.entry(flag).or_default() += 1;
                }
                failures.push(result);
            }
        }
    }
    if !acceptable.is_empty() {
        let ways: Vec<String> = acceptable.iter().map(|(w, n)| format!("{w} {n}")).collect();
        let _ = writeln!(
            out,
            "\nacceptable (Ticketmatic reads these URLs the same): {}",
            ways.join(", ")
        );
    }
    // Valid inputs first: they are what users of the implementation meet.
    failures.sort_by_key(|r| !is_valid_input(r));
    if !failures.is_empty() {
        let shown = failures.len().min(max_details);
        let _ = writeln!(
            out,
            "\nthe first {shown} of {} failures in full:",
            failures.len()
        );
    }
    for result in failures.iter().take(max_details) {
        let case = &result.vector.case;
        let flags = flags::of(case);
        let _ = writeln!(
            out,
            "\nFAIL {} ({}; {})",
            case.id(),
            case.kind(),
            flags.join(", ")
        );
        if let Verdict::Fail(failure) = &result.verdict {
            failure_text(&mut out, failure);
        }
    }
    if failures.len() > max_details {
        let _ = writeln!(
            out,
            "\n... and {} more failures (--max-details N shows more; --format json or html holds every case)",
            failures.len() - max_details
        );
    }
    for (reason, count) in skipped {
        let _ = writeln!(out, "\nskipped {count}: {reason}");
    }
    if !failing_flags.is_empty() {
        let mut flags: Vec<(&str, usize)> = failing_flags.into_iter().collect();
        flags.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let list: Vec<String> = flags.iter().map(|(f, n)| format!("{f} {n}")).collect();
        let _ = writeln!(
            out,
            "\nflags of the failing cases (what they hold, not causes): {}",
            list.join(", ")
        );
    }
    if let Some(why) = &report.aborted {
        let _ = writeln!(
            out,
            "\nrun ended early: {why}; {} cases not run",
            report.not_run + usize::from(report.unanswered.is_some())
        );
    }
    if let Some(result) = &report.unanswered {
        let case = &result.vector.case;
        let _ = writeln!(
            out,
            "the case it ended on, not judged (neither accepted nor refused): {} ({}; {})",
            case.id(),
            case.kind(),
            flags::of(case).join(", ")
        );
        if let Verdict::Fail(failure) = &result.verdict {
            failure_text(&mut out, failure);
        }
    }
    if let Some(exit) = &report.exit {
        let _ = writeln!(out, "adapter exit: {exit}");
    }
    if report.aborted.is_some() || report.exit.is_some() {
        stderr_text(&mut out, report);
    }
    let _ = writeln!(out, "\n{}", counts_line(report));
    out
}

/// "line" or "N lines".
pub(crate) fn lines(n: usize) -> String {
    match n {
        1 => "line".into(),
        n => format!("{n} lines"),
    }
}

/// The adapter's last lines of standard error, or that it wrote none.
fn stderr_text(out: &mut String, report: &Report) {
    if report.stderr_tail.is_empty() {
        let _ = writeln!(out, "the adapter wrote nothing to standard error");
        return;
    }
    let _ = writeln!(
        out,
        "the adapter's last {} of standard error:",
        lines(report.stderr_tail.len())
    );
    for line in &report.stderr_tail {
        let _ = writeln!(out, "  | {line}");
    }
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
        match &payload.got {
            Some(got) if got == &payload.expected => {
                let _ = writeln!(out, "    theirs: the same text");
            }
            Some(got) => {
                let at = crate::verdict::first_difference(&payload.expected, got);
                let _ = writeln!(out, "    theirs: {got:?}  (first difference at byte {at})");
            }
            None => {}
        }
    }
    if let Some(line) = &failure.line {
        let shown = if line.trim().is_empty() {
            format!("{line:?} (a blank line)")
        } else {
            line.clone()
        };
        let _ = writeln!(out, "  line: {shown}");
        if let Some(next) = &failure.next_line {
            let _ = writeln!(out, "  the line after it: {next}");
        }
    }
    for hint in &failure.hints {
        let _ = writeln!(out, "  hint: {hint}");
    }
}

fn json_report(report: &Report, origin: &Origin) -> JsonReport {
    let cases: Vec<Value> = report
        .results
        .iter()
        .map(
            |CaseResult {
                 vector, verdict, ..
             }| {
                let mut entry = serde_json::to_value(verdict).expect("verdicts serialize");
                entry["id"] = vector.case.id().into();
                entry["kind"] = vector.case.kind().as_str().into();
                entry["flags"] = json!(flags::of(&vector.case));
                entry
            },
        )
        .collect();
    let unanswered = report.unanswered.as_ref().map(|r| {
        let mut entry = serde_json::to_value(&r.verdict).expect("verdicts serialize");
        entry["id"] = r.vector.case.id().into();
        entry["kind"] = r.vector.case.kind().as_str().into();
        entry
    });
    // A struct, not a map: its fields keep this order, so that whether the
    // run is complete is the first thing in the file.
    JsonReport {
        complete: report.aborted.is_none(),
        incomplete: report.incomplete_line(),
        protocol: crate::protocol::PROTOCOL,
        implementation: serde_json::to_value(&report.implementation).expect("serializes"),
        origin: json!({"builtin": origin.builtin, "from_files": origin.from_files,
                       "generated": origin.generated, "seed": origin.seed}),
        counts: serde_json::to_value(report.counts()).expect("serializes"),
        verdicts: serde_json::to_value(summarize(report)).expect("serializes"),
        aborted: report.aborted.clone(),
        unanswered,
        not_run: report.not_run,
        total: report.total,
        adapter_exit: report.exit.clone(),
        adapter_stderr: report.stderr_tail.clone(),
        summary: counts_line(report),
        cases,
    }
}

/// The JSON report's fields, in the order they are written.
#[derive(serde::Serialize)]
struct JsonReport {
    complete: bool,
    incomplete: Option<String>,
    protocol: &'static str,
    implementation: Value,
    origin: Value,
    counts: Value,
    verdicts: Value,
    aborted: Option<String>,
    /// The case the run ended on: not judged, not among `cases`.
    unanswered: Option<Value>,
    not_run: usize,
    total: usize,
    adapter_exit: Option<String>,
    /// The adapter's last lines of standard error.
    adapter_stderr: Vec<String>,
    summary: String,
    cases: Vec<Value>,
}

/// XML and HTML text: escapes markup, and replaces the control characters
/// XML 1.0 cannot hold (case inputs may contain them) with U+FFFD.
pub(crate) fn markup(text: &str) -> String {
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

/// JUnit XML: one test suite per verdict (interoperability, strictness),
/// each with its own counts, so that CI shows them apart.
fn junit(report: &Report, origin: &Origin) -> String {
    let summary = summarize(report);
    let name = format!("tm-conformance: {}", report.implementation.name);
    let (failures, skipped) = (
        summary.interoperability.failed + summary.strictness.failed,
        summary.interoperability.skipped + summary.strictness.skipped,
    );
    // An incomplete run says so on the first line, in a comment: the XML
    // declaration, which would have to come first, is optional for UTF-8.
    let mut out = match report.incomplete_line() {
        // (Markup is not read inside a comment; only "--" may not appear.)
        Some(incomplete) => format!("<!-- {} -->\n", incomplete.replace("--", "- -")),
        None => String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
    };
    let errors = usize::from(report.aborted.is_some());
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{:.3}\">",
        markup(&name),
        report.results.len() + errors,
        report.elapsed.as_secs_f64()
    );
    if let Some(incomplete) = report.incomplete_line() {
        // The run itself, as an error CI shows beside the two verdicts.
        let mut details = String::new();
        if let Some(Verdict::Fail(failure)) = report.unanswered.as_ref().map(|r| &r.verdict) {
            failure_text(&mut details, failure);
        }
        stderr_text(&mut details, report);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}: run\" tests=\"1\" errors=\"1\">\n    <testcase classname=\"run\" name=\"run incomplete\"><error message=\"{}\">{}</error></testcase>\n  </testsuite>",
            markup(&name),
            markup(&incomplete),
            markup(&details)
        );
    }
    let suites = [
        (
            "interoperability",
            true,
            &summary.interoperability,
            summary.interoperability_line(),
        ),
        (
            "strictness",
            false,
            &summary.strictness,
            summary.strictness_line(),
        ),
    ];
    for (suite, valid, tally, verdict) in suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}: {suite}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
            markup(&name),
            tally.cases,
            tally.failed,
            tally.skipped
        );
        let _ = writeln!(
            out,
            "    <properties><property name=\"seed\" value=\"{}\"/><property name=\"verdict\" value=\"{}\"/></properties>",
            origin.seed,
            markup(&verdict_line(report, verdict))
        );
        for result in report.results.iter().filter(|r| is_valid_input(r) == valid) {
            junit_case(&mut out, result);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn junit_case(out: &mut String, result: &CaseResult) {
    let case = &result.vector.case;
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\"",
        case.kind(),
        markup(case.id())
    );
    match &result.verdict {
        Verdict::Pass => out.push_str("/>\n"),
        Verdict::Acceptable { differences } => {
            let _ = writeln!(
                out,
                "><system-out>acceptable: {}</system-out></testcase>",
                markup(&differences.join("; "))
            );
        }
        Verdict::Skipped { reason } => {
            let _ = writeln!(out, "><skipped message=\"{}\"/></testcase>", markup(reason));
        }
        Verdict::Fail(failure) => {
            let mut details = String::new();
            failure_text(&mut details, failure);
            let _ = writeln!(
                out,
                "><failure message=\"{}\">{}</failure></testcase>",
                markup(&failure.summary),
                markup(&details)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_legal() {
        assert_eq!(
            markup("a<b>&\"c'\r\n\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\r\n\u{FFFD}"
        );
    }
}
