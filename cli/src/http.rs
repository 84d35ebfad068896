//! The commands that talk to Ticketmatic (or `tm mock-server`).

use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use ticketmatic_sign::{Signer, Timestamp, DEFAULT_WINDOW_SECS};

use crate::files::partial_path;
use crate::Failure;

/// How often an export is tried when the server says it is rate limited.
const EXPORT_ATTEMPTS: u32 = 5;
/// The longest `Retry-After` honoured, in seconds.
const MAX_RETRY_AFTER: u64 = 300;

/// `{base}/api/1/{account or _}/{path}`; an absolute `path` is kept as is.
fn api_url(signer: &Signer<'_>, path: &str) -> String {
    if path.starts_with('/') {
        return format!("{}{path}", signer.base_url());
    }
    let account = match signer.account() {
        "" => "_",
        account => account,
    };
    format!("{}/api/1/{account}/{path}", signer.base_url())
}

/// Time limits per connection and per read, not for a whole request: an
/// export may stream for many minutes.
fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(30))
        .timeout_read(Duration::from_secs(300))
        .build()
}

/// `tm time`: the server's clock against this machine's.
pub fn time(signer: &Signer<'_>) -> Result<String, Failure> {
    let url = api_url(signer, "diagnostics/time");
    let body = agent()
        .get(&url)
        .call()
        .map_err(|e| format!("GET {url}: {e}"))?
        .into_string()
        .map_err(|e| format!("GET {url}: {e}"))?;
    let local = Timestamp::now()?;
    let json: serde_json::Value =
        serde_json::from_str(&body).map_err(|e| format!("GET {url}: not JSON: {e}"))?;
    // ISO-8601; the first 19 characters are the part signatures use.
    let server = json
        .get("systemtime")
        .and_then(|v| v.as_str())
        .and_then(|text| text.get(..Timestamp::LEN))
        .and_then(|text| Timestamp::parse(text).ok())
        .ok_or_else(|| format!("GET {url}: no systemtime in {body}"))?;
    let diff = local.unix() - server.unix();
    let verdict = if diff.unsigned_abs() > u64::from(DEFAULT_WINDOW_SECS) {
        "more than the 30 minutes allowed: signatures made here will be refused"
    } else {
        "within the 30 minutes allowed"
    };
    let direction = if diff >= 0 { "ahead of" } else { "behind" };
    Ok(format!(
        "server time:       {server}\nthis machine:      {local}\n\
         this machine is {} s {direction} the server, {verdict}",
        diff.unsigned_abs()
    ))
}

/// `tm get PATH`: a signed GET, the JSON response pretty-printed.
pub fn get(signer: &Signer<'_>, path: &str) -> Result<String, Failure> {
    let url = api_url(signer, path);
    // One timestamp, both sent and signed.
    let header = signer.authorization_string(Timestamp::now()?);
    let response = match agent().get(&url).set("Authorization", &header).call() {
        Ok(response) => response,
        Err(ureq::Error::Status(status, response)) => {
            let body = response.into_string().unwrap_or_default();
            return Err(Failure::verdict(refusal("GET", status, &url, &body)));
        }
        Err(e) => return Err(format!("GET {url}: {e}").into()),
    };
    let body = response
        .into_string()
        .map_err(|e| format!("GET {url}: {e}"))?;
    Ok(match serde_json::from_str::<serde_json::Value>(&body) {
        Ok(json) => serde_json::to_string_pretty(&json).unwrap_or(body),
        Err(_) => body,
    })
}

/// What to tell a user whose request was refused.
pub fn refusal(method: &str, status: u16, url: &str, body: &str) -> String {
    let hint = match status {
        401 => {
            "\nlikely causes: this machine's clock is off by more than 30 minutes (run `tm time`), \
             the account name does not match the keys, widget keys used for the API, or a wrong \
             secret (`tm explain header` shows what was signed)"
        }
        403 => "\nthe keys are valid but not allowed to do this: check the API key's rights in Ticketmatic",
        _ => "",
    };
    format!("{method} {url}: HTTP {status}: {}{hint}", error_text(body))
}

/// An error body in Ticketmatic's shape (`code`, `message`,
/// `applicationdata`) as its message and details, as the official clients
/// read it; any other body as it is.
fn error_text(body: &str) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return body.trim().to_owned();
    };
    let message = value
        .get("message")
        .and_then(|m| m.as_str())
        .unwrap_or_default();
    if message.is_empty() {
        return body.trim().to_owned();
    }
    let details = value
        .get("applicationdata")
        .and_then(|d| d.as_object())
        .map(|data| {
            data.iter()
                .map(|(name, value)| format!("\n  {name}: {value}"))
                .collect::<String>()
        })
        .unwrap_or_default();
    format!("{message}{details}")
}

/// `tm export`: streams the records of an SQL query as JSON Lines to `output`
/// (or standard output), never holding them in memory. A file is written
/// under a temporary name beside it and renamed only when the stream ended
/// cleanly on a line boundary with every line JSON; otherwise it is removed
/// and the export fails.
pub fn export(signer: &Signer<'_>, query: &str, output: Option<&Path>) -> Result<(), Failure> {
    let url = api_url(signer, "tools/queries/export");
    let response = post_with_retry(
        signer,
        &url,
        &serde_json::json!({ "query": query }).to_string(),
    )?;
    let started = Instant::now();
    let stats = match output {
        None => copy_lines(response.into_reader(), std::io::stdout().lock(), &url)?,
        Some(path) => {
            let partial = partial_path(path);
            let result = std::fs::File::create(&partial)
                .map_err(|e| format!("{}: {e}", partial.display()).into())
                .and_then(|file| copy_lines(response.into_reader(), file, &url))
                .and_then(|stats| {
                    std::fs::rename(&partial, path)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    Ok(stats)
                });
            if result.is_err() {
                let _ = std::fs::remove_file(&partial);
            }
            result?
        }
    };
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "tm: exported {} records, {} bytes in {secs:.1} s",
        stats.records, stats.bytes
    );
    Ok(())
}

fn post_with_retry(signer: &Signer<'_>, url: &str, body: &str) -> Result<ureq::Response, Failure> {
    let mut attempt = 1;
    loop {
        // Signed anew for each attempt: a retry may come minutes later.
        let header = signer.authorization_string(Timestamp::now()?);
        let sent = agent()
            .post(url)
            .set("Authorization", &header)
            .set("Content-Type", "application/json")
            .send_string(body);
        match sent {
            Ok(response) => return Ok(response),
            Err(ureq::Error::Status(429, response)) if attempt < EXPORT_ATTEMPTS => {
                let wait = response
                    .header("Retry-After")
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .unwrap_or(1)
                    .min(MAX_RETRY_AFTER);
                eprintln!(
                    "tm: rate limited (HTTP 429); retrying in {wait} s (attempt {} of {EXPORT_ATTEMPTS})",
                    attempt + 1
                );
                std::thread::sleep(Duration::from_secs(wait));
                attempt += 1;
            }
            Err(ureq::Error::Status(status, response)) => {
                let body = response.into_string().unwrap_or_default();
                return Err(Failure::verdict(refusal("POST", status, url, &body)));
            }
            Err(e) => return Err(format!("POST {url}: {e}").into()),
        }
    }
}

struct Stats {
    records: u64,
    bytes: u64,
}

/// Copies complete JSON lines from `from` to `to`; fails on a line that is
/// not JSON, a last line without its newline, or a broken stream.
fn copy_lines(from: impl Read, to: impl Write, url: &str) -> Result<Stats, Failure> {
    let mut from = BufReader::with_capacity(64 * 1024, from);
    let mut to = BufWriter::with_capacity(64 * 1024, to);
    let mut stats = Stats {
        records: 0,
        bytes: 0,
    };
    let progress = std::io::stderr().is_terminal();
    let (started, mut shown) = (Instant::now(), Instant::now());
    let mut line = Vec::new();
    let broken = |stats: &Stats, why: String| {
        Failure::verdict(format!(
            "POST {url}: the export broke off after {} complete records: {why}",
            stats.records
        ))
    };
    loop {
        line.clear();
        let n = from
            .read_until(b'\n', &mut line)
            .map_err(|e| broken(&stats, e.to_string()))?;
        if n == 0 {
            break;
        }
        if line.last() != Some(&b'\n') {
            return Err(broken(&stats, "the last line has no newline".into()));
        }
        if serde_json::from_slice::<serde_json::Value>(&line).is_err() {
            return Err(broken(
                &stats,
                format!("line {} is not JSON", stats.records + 1),
            ));
        }
        to.write_all(&line)
            .map_err(|e| format!("writing the export: {e}"))?;
        stats.records += 1;
        stats.bytes += n as u64;
        if progress && shown.elapsed() > Duration::from_millis(200) {
            shown = Instant::now();
            let rate = stats.records as f64 / started.elapsed().as_secs_f64();
            eprint!(
                "\r{} records, {} bytes, {rate:.0} records/s",
                stats.records, stats.bytes
            );
        }
    }
    if progress {
        eprintln!();
    }
    to.flush().map_err(|e| format!("writing the export: {e}"))?;
    Ok(stats)
}
