//! The runner: starts an adapter, sends it every case, and judges each
//! answer.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::adapter::Adapter;
use crate::case::{Kind, Vector};
use crate::elimination;
use crate::protocol::{self, Answer, Implementation, Schema, Started};
use crate::verdict::{judge, Failure, Verdict};

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The adapter's program and arguments.
    pub command: Vec<String>,
    /// How long to wait for each answer.
    pub timeout: Duration,
}

/// One case's result.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case and its expected result.
    pub vector: Vector,
    /// The verdict.
    pub verdict: Verdict,
    /// The adapter's answer, when it gave a valid one.
    pub answer: Option<Answer>,
}

/// Everything a run found.
#[derive(Debug, Clone)]
pub struct Report {
    /// Who answered.
    pub implementation: Implementation,
    /// The results of the cases the adapter answered, in case order: the
    /// case it crashed, hung or broke the protocol on, and those after it,
    /// are not here.
    pub results: Vec<CaseResult>,
    /// Why the run ended early (the adapter crashed, hung or broke the
    /// protocol), if it did: the run is then incomplete.
    pub aborted: Option<String>,
    /// The case the run ended on, when it ended early: not judged (neither
    /// accepted nor refused), shown with what the adapter printed.
    pub unanswered: Option<CaseResult>,
    /// Cases not run because of the abort (the unanswered one not counted).
    pub not_run: usize,
    /// Every case of the run, answered or not.
    pub total: usize,
    /// How the adapter ended, if not cleanly after `stop`.
    pub exit: Option<String>,
    /// The adapter's last lines of standard error (at most
    /// 20, the adapter module's `STDERR_TAIL`).
    pub stderr_tail: Vec<String>,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

/// Counts of verdicts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Passed.
    pub passed: usize,
    /// Failed, including an aborted run's last case.
    pub failed: usize,
    /// Acceptable.
    pub acceptable: usize,
    /// Skipped.
    pub skipped: usize,
}

impl Report {
    /// The verdict counts.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for result in &self.results {
            match result.verdict {
                Verdict::Pass => counts.passed += 1,
                Verdict::Acceptable { .. } => counts.acceptable += 1,
                Verdict::Fail(_) => counts.failed += 1,
                Verdict::Skipped { .. } => counts.skipped += 1,
            }
        }
        counts
    }

    /// Whether the run is a success: something was judged, nothing failed
    /// and nothing was left unrun.
    pub fn success(&self) -> bool {
        self.counts().failed == 0 && self.aborted.is_none() && !self.nothing_run()
    }

    /// Whether every case was skipped (or there were none): a run that
    /// judged nothing proves nothing.
    pub fn nothing_run(&self) -> bool {
        let c = self.counts();
        c.passed + c.failed + c.acceptable == 0
    }

    /// For a run that ended early, what every report says first: where the
    /// adapter stopped, how many cases ran, and that the verdicts are partial.
    pub fn incomplete_line(&self) -> Option<String> {
        let why = self.aborted.as_ref()?;
        let at = match &self.unanswered {
            Some(case) => format!(
                " at case {} of {} ({})",
                self.results.len() + 1,
                self.total,
                case.vector.case.id()
            ),
            None => String::new(),
        };
        let skipped = self.counts().skipped;
        Some(format!(
            "INCOMPLETE: {why}{at}; {} cases answered, {skipped} skipped, {} not run: the verdicts below are partial",
            self.results.len() - skipped,
            self.not_run + usize::from(self.unanswered.is_some())
        ))
    }

    /// How many cases the adapter answered (not skipped, not unanswered).
    pub fn answered(&self) -> usize {
        self.results.len() - self.counts().skipped
    }
}

/// Runs `vectors` against the adapter. `Err` if the adapter would not start
/// or did not answer `start` as the protocol says.
pub fn run(vectors: Vec<Vector>, options: &Options) -> Result<Report, String> {
    let begun = Instant::now();
    let mut adapter = Adapter::spawn(&options.command, options.timeout)?;
    let started = start(&mut adapter)?;
    let mut results = Vec::with_capacity(vectors.len());
    let mut aborted = None;
    let mut unanswered = None;
    let total = vectors.len();
    for (seq, vector) in vectors.into_iter().enumerate() {
        let kind = vector.case.kind();
        if !started.kinds.contains(&kind) {
            let reason = format!("the adapter does not run {kind} cases");
            results.push(CaseResult {
                vector,
                verdict: Verdict::Skipped { reason },
                answer: None,
            });
            continue;
        }
        let message = protocol::run_message(seq as u64, vector.case.fields());
        let (verdict, answer, abort) = match adapter.ask(&message) {
            Err(fault) => (
                Verdict::fail(format!("no answer: {fault}")),
                None,
                Some(fault.to_string()),
            ),
            Ok(line) => answer_verdict(&vector, seq as u64, kind, line),
        };
        let verdict = match (verdict, &abort) {
            (Verdict::Fail(mut failure), Some(_)) if failure.line.is_some() => {
                failure.next_line = adapter.following_line(Duration::from_millis(300));
                Verdict::Fail(failure)
            }
            (verdict, _) => verdict,
        };
        let result = CaseResult {
            vector,
            verdict,
            answer,
        };
        if abort.is_some() {
            // Not judged: a crash says nothing of what the code would have
            // accepted or refused.
            unanswered = Some(result);
            aborted = abort;
            break;
        }
        results.push(result);
    }
    elimination::diagnose(&mut results);
    let not_run = total - results.len() - usize::from(unanswered.is_some());
    let (exit, stderr_tail) = adapter.stop(&protocol::stop_message());
    Ok(Report {
        implementation: started.implementation,
        results,
        aborted,
        unanswered,
        not_run,
        total,
        exit,
        stderr_tail,
        elapsed: begun.elapsed(),
    })
}

fn start(adapter: &mut Adapter) -> Result<Started, String> {
    let line = adapter
        .ask(&protocol::start_message())
        .map_err(|fault| format!("the adapter did not answer start: {fault}"))?;
    let value: Value = serde_json::from_str(&line)
        .map_err(|e| format!("the answer to start is not JSON ({e}): {line}"))?;
    protocol::check(Schema::StartResponse, &value)
        .map_err(|e| format!("the answer to start is not valid ({e}): {line}"))?;
    serde_json::from_value(value).map_err(|e| format!("the answer to start: {e}: {line}"))
}

/// The verdict on an answer line, the answer if it is one, and why the run
/// must end if it must.
fn answer_verdict(
    vector: &Vector,
    seq: u64,
    kind: Kind,
    line: String,
) -> (Verdict, Option<Answer>, Option<String>) {
    let malformed = |summary: String, line: String| {
        Verdict::Fail(Failure {
            summary,
            line: Some(line),
            ..Failure::default()
        })
    };
    let value: Value = match serde_json::from_str(&line) {
        Ok(value) => value,
        Err(e) => {
            let why = format!("the adapter printed a line that is not JSON ({e})");
            return (malformed(why.clone(), line), None, Some(why));
        }
    };
    match value.get("seq").and_then(Value::as_u64) {
        Some(got) if got != seq => {
            let why = format!("the adapter answered out of order: seq {got} for seq {seq}");
            return (malformed(why.clone(), line), None, Some(why));
        }
        _ => {}
    }
    if let Err(e) = protocol::check(Schema::RunResponse, &value) {
        return (
            malformed(format!("malformed answer: {e}"), line),
            None,
            None,
        );
    }
    if let Some(output) = value.get("output") {
        if let Err(e) = protocol::check(Schema::Output(kind), output) {
            return (
                malformed(format!("malformed {kind} output: {e}"), line),
                None,
                None,
            );
        }
    }
    match protocol::read_answer(&value) {
        Some(answer) => (judge(vector, &answer), Some(answer), None),
        None => (malformed("malformed answer".into(), line), None, None),
    }
}
