//! The HTML report: one self-contained file (no script, no network: styles
//! inline), for people. The two verdicts at the top, the causes with their
//! counts, a table per kind and rule, and every failure expandable with the
//! signed texts side by side and the first difference marked.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

use crate::flags;
use crate::report::{markup as esc, verdict_line, Origin};
use crate::run::{CaseResult, Report};
use crate::summary::{is_valid_input, summarize, Cause, Tally};
use crate::verdict::{first_difference, Failure, Verdict};

/// `text` with the part from byte `at` on marked, at a character boundary.
fn marked(text: &str, at: usize) -> String {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let (same, rest) = text.split_at(at);
    if rest.is_empty() {
        return esc(same);
    }
    format!("{}<mark>{}</mark>", esc(same), esc(rest))
}

const STYLE: &str = "
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
.meta{color:#555}.verdicts{display:grid;grid-template-columns:1fr 1fr;gap:1rem;margin:1rem 0}
.verdict{border-radius:8px;padding:.8rem 1rem;border:2px solid}
.ok{border-color:#1a7f37;background:#eefbf1}.bad{border-color:#cf222e;background:#fff1f0}
.none{border-color:#888;background:#f4f4f4}.verdict b{display:block;font-size:1.05rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0 1rem}
td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums;width:5rem}
.fail{color:#cf222e;font-weight:600}
details{border:1px solid #ddd;border-radius:6px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}summary code{font-weight:600}
.pair{display:grid;grid-template-columns:6rem 1fr;gap:.2rem .6rem;margin:.4rem 0}
.pair pre{margin:0;white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:.2rem .4rem;border-radius:4px}
.pair b{grid-column:1/-1}mark{background:#ffd33d}.hint{color:#0a3069}
#incomplete{margin:1rem 0}#incomplete pre{white-space:pre-wrap;word-break:break-all;background:#fff;padding:.3rem .5rem}
";

/// The report as one HTML document.
pub fn render(report: &Report, origin: &Origin) -> String {
    let summary = summarize(report);
    let i = &report.implementation;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>tm-conformance: {name}</title><style>{STYLE}</style></head><body>\n\
         <h1>tm-conformance: {name} ({language}) {version}</h1>\n\
         <p class=\"meta\">{} built in, {} from files, {} generated with seed {} (replay: <code>--seed {}</code>); {}</p>\n",
        origin.builtin,
        origin.from_files,
        origin.generated,
        origin.seed,
        origin.seed,
        esc(&crate::report::counts_line(report)),
        name = esc(&i.name),
        language = esc(&i.language),
        version = esc(&i.version),
    );
    if let Some(incomplete) = report.incomplete_line() {
        incomplete_box(&mut out, report, &incomplete);
    }
    out.push_str("<div class=\"verdicts\">\n");
    verdict_box(
        &mut out,
        "interoperability",
        "valid inputs",
        &summary.interoperability,
        &verdict_line(report, summary.interoperability_line()),
    );
    verdict_box(
        &mut out,
        "strictness",
        "inputs that must be refused",
        &summary.strictness,
        &verdict_line(report, summary.strictness_line()),
    );
    out.push_str("</div>\n");
    causes_table(
        &mut out,
        "Causes of interoperability failures",
        "causes",
        &summary.causes,
    );
    causes_table(
        &mut out,
        "Refusal rules missing",
        "missing-rules",
        &summary.missing_rules,
    );
    rules_tables(&mut out, report);
    failures(&mut out, report);
    out.push_str("</body></html>\n");
    out
}

/// What an incomplete run says first: where it stopped, the case it
/// stopped on (not judged), and the adapter's last lines of standard error.
fn incomplete_box(out: &mut String, report: &Report, incomplete: &str) {
    let _ = writeln!(
        out,
        "<div class=\"verdict bad\" id=\"incomplete\"><b>{}</b>",
        esc(incomplete)
    );
    if let Some(result) = &report.unanswered {
        let _ = write!(
            out,
            "<p>The case it ended on, not judged: <code>{}</code> ({})",
            esc(result.vector.case.id()),
            result.vector.case.kind()
        );
        if let Verdict::Fail(failure) = &result.verdict {
            let _ = write!(out, ": {}", esc(&failure.summary));
            if let Some(line) = &failure.line {
                let _ = write!(out, "; line: <code>{}</code>", esc(&format!("{line:?}")));
            }
        }
        out.push_str("</p>\n");
    }
    if let Some(exit) = &report.exit {
        let _ = writeln!(out, "<p>Adapter exit: {}</p>", esc(exit));
    }
    match report.stderr_tail.as_slice() {
        [] => out.push_str("<p>The adapter wrote nothing to standard error.</p>\n"),
        lines => {
            let _ = writeln!(
                out,
                "<p>The adapter's last {} of standard error:</p><pre id=\"stderr\">{}</pre>",
                crate::report::lines(lines.len()),
                esc(&lines.join("\n"))
            );
        }
    }
    out.push_str("</div>\n");
}

fn verdict_box(out: &mut String, id: &str, what: &str, tally: &Tally, line: &str) {
    let class = match (tally.run(), tally.failed) {
        (0, _) => "none",
        (_, 0) => "ok",
        _ => "bad",
    };
    let _ = writeln!(
        out,
        "<div class=\"verdict {class}\" id=\"{id}\"><b>{} ({what})</b>{}<br>\
         <small>{} passed, {} acceptable, {} failed, {} skipped</small></div>",
        id[..1].to_uppercase() + &id[1..],
        esc(line),
        tally.passed,
        tally.acceptable,
        tally.failed,
        tally.skipped
    );
}

fn causes_table(out: &mut String, title: &str, id: &str, causes: &[Cause]) {
    if causes.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h2>{title}</h2>\n<table id=\"{id}\"><tr><th>count</th><th>cause</th><th>fix</th><th>example</th></tr>"
    );
    for cause in causes {
        let fix = match (cause.lies_in, cause.fix) {
            (Some(lies_in), Some(fix)) => {
                format!("{} <small>(in {})</small>", esc(fix), esc(lies_in))
            }
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{}</td><td>{}</td><td class=\"fix\">{fix}</td><td><a href=\"#case-{}\"><code>{}</code></a></td></tr>",
            cause.count,
            esc(&cause.cause),
            esc(&cause.example),
            esc(&cause.example)
        );
    }
    out.push_str("</table>\n");
}

/// The rule a case comes from: a generated case's (its id ends with it),
/// else the file of vectors it came with.
fn rule_of(result: &CaseResult) -> &str {
    let id = result.vector.case.id();
    match id.strip_prefix("gen-") {
        // gen-SEED-INDEX-RULE
        Some(rest) => rest.splitn(3, '-').nth(2).unwrap_or(id),
        None => "vectors (built in or from files)",
    }
}

fn rules_tables(out: &mut String, report: &Report) {
    let mut kinds: BTreeMap<&str, BTreeMap<&str, Tally>> = BTreeMap::new();
    for result in &report.results {
        let tally = kinds
            .entry(result.vector.case.kind().as_str())
            .or_default()
            .entry(rule_of(result))
            .or_default();
        tally.cases += 1;
        match result.verdict {
            Verdict::Pass => tally.passed += 1,
            Verdict::Acceptable { .. } => tally.acceptable += 1,
            Verdict::Fail(_) => tally.failed += 1,
            Verdict::Skipped { .. } => tally.skipped += 1,
        }
    }
    out.push_str("<h2>By kind and rule</h2>\n");
    for (kind, rules) in kinds {
        let _ = writeln!(
            out,
            "<table class=\"kind\" id=\"kind-{kind}\"><tr><th>{kind}: rule</th><th>cases</th>\
             <th>passed</th><th>acceptable</th><th>failed</th><th>skipped</th></tr>"
        );
        for (rule, t) in rules {
            let failed = if t.failed > 0 {
                format!("<td class=\"n fail\">{}</td>", t.failed)
            } else {
                "<td class=\"n\">0</td>".into()
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>{failed}<td class=\"n\">{}</td></tr>",
                esc(rule),
                t.cases,
                t.passed,
                t.acceptable,
                t.skipped
            );
        }
        out.push_str("</table>\n");
    }
}

fn failures(out: &mut String, report: &Report) {
    let mut failed: Vec<(&CaseResult, &Failure)> = report
        .results
        .iter()
        .filter_map(|r| match &r.verdict {
            Verdict::Fail(failure) => Some((r, failure)),
            _ => None,
        })
        .collect();
    if failed.is_empty() {
        return;
    }
    failed.sort_by_key(|(r, _)| !is_valid_input(r));
    let _ = writeln!(out, "<h2>Failures ({})</h2>", failed.len());
    for (result, failure) in failed {
        let case = &result.vector.case;
        let class = if is_valid_input(result) {
            "interoperability"
        } else {
            "strictness"
        };
        let _ = writeln!(
            out,
            "<details id=\"case-{id}\" class=\"{class}\"><summary><code>{id}</code> ({kind}; {class}): {summary}</summary>",
            id = esc(case.id()),
            kind = case.kind(),
            summary = esc(&failure.summary),
        );
        let _ = writeln!(
            out,
            "<p class=\"meta\">flags: {}</p>",
            esc(&flags::of(case).join(", "))
        );
        if let Some(payload) = &failure.payload {
            side_by_side(
                out,
                "payload (the signed text)",
                &payload.expected,
                payload.got.as_deref(),
            );
        }
        for diff in &failure.fields {
            if diff.field == "payload" && failure.payload.is_some() {
                continue;
            }
            let shown = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            let got = shown(&diff.got);
            side_by_side(out, &diff.field, &shown(&diff.expected), Some(&got));
        }
        if let Some(line) = &failure.line {
            let _ = writeln!(
                out,
                "<p>line: <code>{}</code></p>",
                esc(&format!("{line:?}"))
            );
            if let Some(next) = &failure.next_line {
                let _ = writeln!(out, "<p>the line after it: <code>{}</code></p>", esc(next));
            }
        }
        for hint in &failure.hints {
            let _ = writeln!(out, "<p class=\"hint\">hint: {}</p>", esc(hint));
        }
        out.push_str("</details>\n");
    }
}

/// Ours beside theirs, the first difference marked in both; equal texts
/// said to be equal.
fn side_by_side(out: &mut String, what: &str, ours: &str, theirs: Option<&str>) {
    // The title spans the row; each label and its text follow, two columns.
    let _ = writeln!(out, "<div class=\"pair\"><b>{}</b>", esc(what));
    match theirs {
        Some(theirs) if theirs == ours => {
            let _ = writeln!(
                out,
                "<span>ours</span><pre>{}</pre><span>theirs</span><pre>the same text</pre>",
                esc(ours)
            );
        }
        Some(theirs) => {
            let at = first_difference(ours, theirs);
            let _ = writeln!(
                out,
                "<span>ours</span><pre class=\"ours\">{}</pre><span>theirs</span><pre class=\"theirs\">{}</pre>",
                marked(ours, at),
                marked(theirs, at)
            );
        }
        None => {
            let _ = writeln!(out, "<span>ours</span><pre>{}</pre>", esc(ours));
        }
    }
    out.push_str("</div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_fall_on_characters_and_are_escaped() {
        assert_eq!(marked("abcd", 2), "ab<mark>cd</mark>");
        assert_eq!(marked("abc", 3), "abc");
        // Byte 2 is inside 'é' (bytes 1-2): the mark starts at its first byte.
        assert_eq!(marked("aéb", 2), "a<mark>éb</mark>");
        assert_eq!(marked("<", 0), "<mark>&lt;</mark>");
    }
}
