//! `tm conformance`: runs the conformance kit (the `ticketmatic-conformance`
//! crate) against an implementation's adapter, writes its cases, or serves
//! as the reference adapter.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use ticketmatic_conformance::{self as kit, Format, Kind, Origin, Vector};

use crate::files::write_output;
use crate::Failure;

#[derive(Subcommand)]
pub enum Conformance {
    /// Run every case against an adapter (a program speaking tm-conformance/1
    /// on stdin and stdout; see conformance/PROTOCOL.md) and report.
    ///
    /// Exit status: 0 when nothing failed, 1 when a case failed or the
    /// adapter crashed, hung or broke the protocol, 2 for usage errors or an
    /// adapter that would not start.
    #[command(
        after_help = "Example:\n  tm conformance run --generate 3000 -- python3 conformance/adapters/python/adapter.py"
    )]
    Run(RunArgs),
    /// Write the cases, with their expected results and flags, as a
    /// ticketmatic-signing-vectors/1 file to vendor.
    Cases(CasesArgs),
    /// The reference adapter: this crate behind tm-conformance/1 on stdin
    /// and stdout.
    Adapter,
}

#[derive(Args)]
pub struct Selection {
    /// The cases of this vectors file too, after the built-in ones
    /// (repeatable).
    #[arg(long = "cases", value_name = "FILE")]
    files: Vec<PathBuf>,
    /// How many cases to generate, at most 100000.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = parse_count)]
    generate: usize,
    /// The generator's seed [default: from the clock; printed in the report].
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Only cases of these kinds (authorization, widget, return_url,
    /// authorization_check).
    #[arg(long, value_name = "K,..", value_delimiter = ',', value_parser = parse_kind)]
    kinds: Vec<Kind>,
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    selection: Selection,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Text reports: how many failures to show in full (the rest are
    /// counted; JSON and HTML reports hold every case).
    #[arg(long, value_name = "N", default_value_t = kit::DEFAULT_MAX_DETAILS)]
    max_details: usize,
    /// Write the report here instead of standard output (written whole or
    /// not at all, as every -o of tm).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Seconds to wait for each answer before the adapter counts as hung.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_seconds)]
    timeout: Duration,
    /// The adapter's command and arguments, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<String>,
}

#[derive(Args)]
pub struct CasesArgs {
    #[command(flatten)]
    selection: Selection,
    /// Where to write the file [default: standard output].
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    output: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
    Junit,
    /// One self-contained page (no script, no network) to open in a browser.
    Html,
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|&secs| secs > 0.0 && secs <= 86_400.0)
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .ok_or_else(|| "give a number of seconds above 0, at most 86400".into())
}

fn parse_count(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n <= kit::MAX_GENERATED => Ok(n),
        _ => Err(format!(
            "give a whole number from 0 to {} (the cases are held in memory)",
            kit::MAX_GENERATED
        )),
    }
}

fn parse_kind(name: &str) -> Result<Kind, String> {
    Kind::from_name(name).ok_or_else(|| {
        format!(
            "'{name}' is not a kind: use authorization, widget, return_url or authorization_check"
        )
    })
}

pub fn run(command: Conformance) -> Result<String, Failure> {
    match command {
        Conformance::Adapter => {
            let stdin = std::io::stdin().lock();
            kit::reference::serve(stdin, std::io::stdout().lock()).map_err(
                crate::output::write_failed("the reference adapter's answers"),
            )?;
            Ok(String::new())
        }
        Conformance::Cases(args) => {
            let (vectors, _) = select(&args.selection)?;
            write_output(&args.output, &kit::vectors_file(&vectors))?;
            Ok(String::new())
        }
        Conformance::Run(args) => {
            let (vectors, origin) = select(&args.selection)?;
            let options = kit::Options {
                command: args.command,
                timeout: args.timeout,
            };
            let report = kit::run(vectors, &options)
                .map_err(|e| format!("the adapter would not start: {e}"))?;
            let format = match args.format {
                ReportFormat::Text => Format::Text,
                ReportFormat::Json => Format::Json,
                ReportFormat::Junit => Format::Junit,
                ReportFormat::Html => Format::Html,
            };
            let text = kit::render(&report, &origin, format, args.max_details);
            write_output(args.output.as_deref().unwrap_or("-".as_ref()), &text)?;
            if report.success() {
                Ok(String::new())
            } else {
                let incomplete;
                let why = if let Some(line) = report.incomplete_line() {
                    incomplete = format!(" ({line})");
                    incomplete.as_str()
                } else if report.nothing_run() {
                    " (the adapter skipped every case: nothing was judged)"
                } else {
                    ""
                };
                Err(Failure::no(format!(
                    "conformance: {}{why}",
                    kit::counts_line(&report)
                )))
            }
        }
    }
}

/// The built-in vectors, the files' and the generated ones, of the chosen kinds.
fn select(selection: &Selection) -> Result<(Vec<Vector>, Origin), String> {
    let seed = selection.seed.unwrap_or_else(clock_seed);
    let wanted =
        |v: &Vector| selection.kinds.is_empty() || selection.kinds.contains(&v.case.kind());
    let mut builtin = kit::builtin_vectors();
    builtin.retain(wanted);
    let mut from_files = Vec::new();
    for file in &selection.files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let vectors = kit::parse_vectors(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        from_files.extend(vectors.into_iter().filter(wanted));
    }
    let mut generated = kit::generate(selection.generate, seed);
    generated.retain(wanted);
    let origin = Origin {
        builtin: builtin.len(),
        from_files: from_files.len(),
        generated: generated.len(),
        seed,
    };
    Ok((
        builtin
            .into_iter()
            .chain(from_files)
            .chain(generated)
            .collect(),
        origin,
    ))
}

/// A seed for runs that name none: different every run, printed in the report.
fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() ^ u64::from(d.subsec_nanos()))
        % 1_000_000_000
}
