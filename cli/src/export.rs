//! `tm export`: the records an SQL query selects (`tools/queries/export`),
//! streamed as JSON Lines or CSV without holding them in memory. Every line
//! is checked to be JSON; a file is renamed into place only when the stream
//! ended cleanly.

use std::io::{BufWriter, ErrorKind, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use ticketmatic_sign::Signer;

use crate::files::Destination;
use crate::http::{api_url, refusal, Http, Response, Timeout};
use crate::output::{self, write_failed};
use crate::Failure;

/// The longest wait honoured for a 429, in seconds.
const MAX_WAIT: u64 = 300;

#[derive(Args)]
pub struct ExportArgs {
    /// The SQL query.
    #[arg(
        short,
        long,
        conflicts_with = "query_file",
        required_unless_present = "query_file"
    )]
    query: Option<String>,
    /// A file holding the SQL query (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    query_file: Option<PathBuf>,
    /// Where to write the records; - is standard output [default: -]. A
    /// file is written under a temporary name beside it and renamed only
    /// once the export ended cleanly; a symbolic link is followed; a device
    /// or FIFO (/dev/null, a named pipe) is written directly.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// jsonl: the records as the server sends them; csv: a header row from
    /// the first record's keys, nested values as JSON text.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    /// At most this many records, 1 or more (sent to the server, which
    /// reads 0 as no limit: leave --limit out for every record).
    #[arg(long, value_name = "N", value_parser = count(1), allow_hyphen_values = true)]
    limit: Option<u64>,
    /// Skip this many records first (sent to the server).
    #[arg(long, value_name = "N", value_parser = count(0), allow_hyphen_values = true)]
    offset: Option<u64>,
    /// How often to retry after HTTP 429 (rate limited).
    #[arg(long, value_name = "N", default_value_t = 5)]
    max_retries: u32,
    #[command(flatten)]
    timeout: Timeout,
}

/// A whole number of at least `min`, said so when it is not one.
fn count(min: u64) -> impl Fn(&str) -> Result<u64, String> + Clone {
    move |text| match text.parse::<u64>() {
        Ok(n) if n >= min => Ok(n),
        _ => Err(format!("give a whole number of at least {min}")),
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Jsonl,
    Csv,
}

pub fn run(signer: &Signer, args: ExportArgs) -> Result<(), Failure> {
    let query = match (args.query, &args.query_file) {
        (Some(query), _) => query,
        // `-` is standard input, as for tm api's -d @-.
        (None, Some(file)) if file.as_os_str() == "-" => std::io::read_to_string(std::io::stdin())
            .map_err(|e| Failure::usage(format!("--query-file -: standard input: {e}")))?,
        (None, Some(file)) => std::fs::read_to_string(file)
            .map_err(|e| Failure::usage(format!("--query-file {}: {e}", file.display())))?,
        (None, None) => return Err(Failure::usage("give --query or --query-file")),
    };
    // The output is checked and created before the request: a bad --output
    // is found out now, not after the download.
    let mut destination = Destination::create(args.output.as_deref())?;
    let url = api_url(signer, "tools/queries/export");
    let mut body = serde_json::json!({ "query": query });
    if let Some(limit) = args.limit {
        body["limit"] = limit.into();
    }
    if let Some(offset) = args.offset {
        body["offset"] = offset.into();
    }
    let started = Instant::now();
    let http = Http::new(args.timeout);
    let copied = post_with_retry(&http, signer, &url, &body.to_string(), args.max_retries)
        .and_then(|response| {
            let from = response.into_body().into_reader();
            let to = BufWriter::with_capacity(256 * 1024, destination.writer());
            let stream = Stream {
                url: &url,
                http: &http,
            };
            match args.format {
                Format::Jsonl => copy_jsonl(from, to, &stream),
                Format::Csv => copy_csv(from, to, &stream),
            }
        });
    match copied {
        Ok(stats) => {
            destination.commit()?;
            let secs = started.elapsed().as_secs_f64();
            let records = match stats.records {
                1 => "1 record".to_owned(),
                n => format!("{n} records"),
            };
            // The bytes counted are those received (JSON Lines), which CSV is not.
            let received = match args.format {
                Format::Jsonl => "",
                Format::Csv => " of JSON Lines received",
            };
            output::stderr(&format!(
                "tm: exported {records}, {} bytes{received} in {secs:.1} s\n",
                stats.bytes
            ))
        }
        Err(failure) => {
            destination.abandon();
            Err(failure)
        }
    }
}

fn post_with_retry(
    http: &Http,
    signer: &Signer,
    url: &str,
    body: &str,
    max_retries: u32,
) -> Result<Response, Failure> {
    let mut retries = 0;
    loop {
        // Signed anew for each attempt: a retry may come minutes later.
        let (response, signed) = http.send_signed(signer, "POST", url, Some(body))?;
        match response.status().as_u16() {
            429 if retries < max_retries => {
                retries += 1;
                wait_out(http, url, response, retries, max_retries)?;
            }
            429 => {
                let body = http.read("POST", url, response).unwrap_or_default();
                let message = refusal("POST", 429, url, &body, Some(&signed));
                return Err(Failure::no(format!(
                    "{message}\nstill rate limited after {max_retries} retries (--max-retries)"
                )));
            }
            status @ 400.. => {
                let body = http.read("POST", url, response).unwrap_or_default();
                return Err(Failure::no(refusal(
                    "POST",
                    status,
                    url,
                    &body,
                    Some(&signed),
                )));
            }
            _ => return Ok(response),
        }
    }
}

/// Waits as a 429 asks: `Retry-After` seconds, else the queue status's
/// `backoff` milliseconds, else a second; counting down on a terminal.
fn wait_out(
    http: &Http,
    url: &str,
    response: Response,
    retry: u32,
    max_retries: u32,
) -> Result<(), Failure> {
    let header = response
        .headers()
        .get("Retry-After")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body: Option<Value> = http
        .read("POST", url, response)
        .ok()
        .and_then(|b| serde_json::from_str(&b).ok());
    let backoff = body
        .as_ref()
        .and_then(|b| b.get("backoff"))
        .and_then(Value::as_u64)
        .map(Duration::from_millis);
    let wait = header
        .or(backoff)
        .unwrap_or(Duration::from_secs(1))
        .min(Duration::from_secs(MAX_WAIT));
    let say = |left: Duration| {
        format!(
            "tm: rate limited (HTTP 429); retrying in {} s (retry {retry} of {max_retries})",
            left.as_secs_f64().ceil() as u64
        )
    };
    if !std::io::stderr().is_terminal() {
        output::stderr(&format!("{}\n", say(wait)))?;
        std::thread::sleep(wait);
        return Ok(());
    }
    let end = Instant::now() + wait;
    while let Some(left) = end
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
    {
        output::stderr(&format!("\r{}   ", say(left)))?;
        std::thread::sleep(left.min(Duration::from_secs(1)));
    }
    output::stderr("\n")
}

struct Stats {
    records: u64,
    bytes: u64,
}

/// The export's answer being read, for what its failures say.
struct Stream<'a> {
    url: &'a str,
    http: &'a Http,
}

impl Stream<'_> {
    /// A stream that ended without its last newline, broke off or stalled.
    fn broken(&self, stats: &Stats, why: &str) -> Failure {
        Failure::io(format!(
            "POST {}: the export broke off after {} complete {}: {why}",
            self.url,
            stats.records,
            if stats.records == 1 {
                "record"
            } else {
                "records"
            }
        ))
    }

    fn read_failed(&self, stats: &Stats, e: &std::io::Error) -> Failure {
        let why = self.http.stalled(e).unwrap_or_else(|| e.to_string());
        self.broken(stats, &why)
    }

    fn not_json(&self, record: u64, why: impl std::fmt::Display) -> Failure {
        Failure::no(format!(
            "POST {}: line {record} is not JSON: {why}",
            self.url
        ))
    }
}

/// Reads `from` on a thread of its own, in blocks, so that receiving the
/// stream and checking it overlap. Blocks come back through `spare` once
/// used: at most `QUEUED + 2` blocks ever exist, so memory stays flat
/// however far the reader gets ahead and whatever the allocator keeps.
fn blocks(
    mut from: impl Read + Send + 'static,
) -> (Receiver<std::io::Result<Vec<u8>>>, Sender<Vec<u8>>) {
    let (sender, blocks) = sync_channel(QUEUED);
    let (spare, spares) = channel::<Vec<u8>>();
    std::thread::spawn(move || loop {
        let mut block = spares.try_recv().unwrap_or_default();
        block.resize(BLOCK, 0);
        let mut filled = 0;
        while filled < BLOCK {
            match from.read(&mut block[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    // What arrived before the failure is still checked and
                    // counted, then the failure is reported.
                    block.truncate(filled);
                    let _ = sender.send(Ok(block)).and_then(|()| sender.send(Err(e)));
                    return;
                }
            }
        }
        block.truncate(filled);
        // The receiver is gone (a failure) or the stream ended.
        if filled == 0 || sender.send(Ok(block)).is_err() {
            return;
        }
    });
    (blocks, spare)
}

const BLOCK: usize = 256 * 1024;
const QUEUED: usize = 3;

/// Calls `line` with every complete line (newline included) of the stream,
/// and `span` with each run of lines already passed to `line`, in order:
/// lines are checked where they lie in the block, and written in runs.
fn for_each_line(
    from: impl Read + Send + 'static,
    stream: &Stream<'_>,
    mut line: impl FnMut(&[u8], &Stats) -> Result<(), Failure>,
    mut span: impl FnMut(&[u8]) -> Result<(), Failure>,
) -> Result<Stats, Failure> {
    let mut stats = Stats {
        records: 0,
        bytes: 0,
    };
    let progress = std::io::stderr().is_terminal();
    let (started, mut shown) = (Instant::now(), Instant::now());
    // A line that began in the previous block.
    let mut carry: Vec<u8> = Vec::new();
    let (blocks, spare) = blocks(from);
    for block in blocks {
        let block = block.map_err(|e| stream.read_failed(&stats, &e))?;
        let mut rest = &block[..];
        // Finish the line the previous block began; a block without a
        // newline at all is carried whole below.
        if !carry.is_empty() {
            match memchr::memchr(b'\n', rest) {
                Some(end) => {
                    carry.extend_from_slice(&rest[..=end]);
                    rest = &rest[end + 1..];
                    stats.records += 1;
                    line(&carry, &stats)?;
                    span(&carry)?;
                    stats.bytes += carry.len() as u64;
                    carry.clear();
                }
                None => {
                    carry.extend_from_slice(rest);
                    continue;
                }
            }
        }
        let complete = memchr::memrchr(b'\n', rest).map_or(0, |end| end + 1);
        let (lines, tail) = rest.split_at(complete);
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', lines) {
            stats.records += 1;
            line(&lines[start..=end], &stats)?;
            start = end + 1;
        }
        span(lines)?;
        stats.bytes += lines.len() as u64;
        carry.extend_from_slice(tail);
        // The reader may be gone already; the block is then simply freed.
        let _ = spare.send(block);
        if progress && shown.elapsed() > Duration::from_millis(200) {
            shown = Instant::now();
            let rate = stats.records as f64 / started.elapsed().as_secs_f64();
            output::stderr(&format!(
                "\r{} records, {} bytes, {rate:.0} records/s",
                stats.records, stats.bytes
            ))?;
        }
    }
    if progress {
        output::stderr("\n")?;
    }
    if !carry.is_empty() {
        return Err(stream.broken(&stats, "the last line has no newline"));
    }
    Ok(stats)
}

/// JSON Lines as they come, each checked to be JSON without building it.
fn copy_jsonl(
    from: impl Read + Send + 'static,
    mut to: impl Write,
    stream: &Stream<'_>,
) -> Result<Stats, Failure> {
    let stats = for_each_line(
        from,
        stream,
        |line, stats| {
            serde_json::from_slice::<IgnoredAny>(line)
                .map(drop)
                .map_err(|e| stream.not_json(stats.records, e))
        },
        |lines| to.write_all(lines).map_err(write_failed("the export")),
    )?;
    to.flush().map_err(write_failed("the export"))?;
    Ok(stats)
}

/// CSV with a header row from the first record's keys; later records are
/// mapped onto those columns by name (a JSON object's members have no
/// order), and one with another set of keys is refused, naming the keys
/// that differ.
fn copy_csv(
    from: impl Read + Send + 'static,
    to: impl Write,
    stream: &Stream<'_>,
) -> Result<Stats, Failure> {
    let mut writer = csv::Writer::from_writer(to);
    let mut header: Option<Vec<String>> = None;
    let csv_failed = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => write_failed("the export")(e),
        other => Failure::io(format!("writing the export: {other:?}")),
    };
    let records = |line: &[u8], stats: &Stats| {
        let record: Record =
            serde_json::from_slice(line).map_err(|e| stream.not_json(stats.records, e))?;
        let keys: Vec<&str> = record.0.iter().map(|(k, _)| k.as_str()).collect();
        let columns = match &header {
            Some(columns) => columns,
            None => {
                writer.write_record(&keys).map_err(csv_failed)?;
                header.insert(keys.iter().map(|k| (*k).to_owned()).collect())
            }
        };
        // Each column's value by name; the same set of keys in any order.
        let cells: Option<Vec<String>> = columns
            .iter()
            .map(|column| {
                record
                    .0
                    .iter()
                    .find(|(k, _)| k == column)
                    .map(|(_, v)| cell(v))
            })
            .collect();
        match cells {
            Some(cells) if keys.len() == columns.len() => {
                writer.write_record(cells).map_err(csv_failed)
            }
            _ => {
                let missing: Vec<&str> = columns
                    .iter()
                    .map(String::as_str)
                    .filter(|c| !keys.contains(c))
                    .collect();
                let extra: Vec<&str> = keys
                    .iter()
                    .copied()
                    .filter(|k| !columns.iter().any(|c| c == k))
                    .collect();
                Err(Failure::no(format!(
                    "POST {}: line {}: its keys differ from the header's (missing: {}; not in the \
                     header: {}): CSV needs one set of columns",
                    stream.url,
                    stats.records,
                    list(&missing),
                    list(&extra)
                )))
            }
        }
    };
    let stats = for_each_line(from, stream, records, |_| Ok(()))?;
    writer.flush().map_err(write_failed("the export"))?;
    Ok(stats)
}

/// Names for a message, escaped; "none" for none.
fn list(names: &[&str]) -> String {
    if names.is_empty() {
        return "none".into();
    }
    names
        .iter()
        .map(|n| crate::signing::shown(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A CSV cell: text as it is, null empty, everything else as JSON text.
fn cell(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A JSON object's members in the order they were written.
struct Record(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Record, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = Record;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object (CSV needs named columns)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Record(members))
            }
        }
        deserializer.deserialize_map(Members)
    }
}
