//! `tm mock-server`: a local stand-in for Ticketmatic that a client's own
//! test suite can run against. Signatures are checked by the core crate
//! (`verify_authorization`, `verify_return_url`), never re-implemented here.
//!
//! - `server`: connections, limits and timeouts;
//! - `routes`: the table of paths and what answers them;
//! - `auth`: TM-HMAC-SHA256 and Basic authentication;
//! - `problem`: errors in Ticketmatic's JSON shape;
//! - `data`, `fixtures`: what the answers are made of, read and checked at
//!   start; `export`, `widgets`: the answers that are more than a lookup;
//! - `faults`: failures on demand; `log`: the request log.

mod auth;
mod data;
mod export;
mod faults;
mod fixtures;
mod log;
mod problem;
mod routes;
mod server;
mod widgets;

use std::path::PathBuf;
use std::time::Duration;

use crate::credentials::Credentials;

#[derive(clap::Args)]
#[command(after_help = "\
Routes, under /api/1/{account}/ (trailing slashes tolerated):
  diagnostics/time       no signature needed; {\"systemtime\": \"YYYY-MM-DDTHH:MM:SS\"}
  tools/queries/export   POST {\"query\": ..., \"limit\": N, \"offset\": N}: the --data records, streamed
  tools/queries          POST, the same body: {\"nbrofresults\": N, \"results\": [...]} from --data
  anything else (GET)    --fixtures DIR/{account}/PATH.json or DIR/PATH.json; PATH/ID the item
  (POST, PUT, DELETE)    create in, update, delete from those lists, in memory while it runs
                         of PATH.json with that id; else 404
and GET /widgets/{account}/{widget}?...: checks a widget URL's signature.
Every error is JSON: {\"code\", \"message\", \"applicationcode\", \"applicationdata\"}.
A 401 always means the authentication; a 404 means it was fine.

Example:
  tm --demo mock-server --port 8080 --fixtures cli/mock-fixtures --data rows.jsonl --log requests.jsonl")]
pub struct Options {
    /// Port on 127.0.0.1; 0 picks a free one. The first line printed is
    /// "listening on http://127.0.0.1:PORT".
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Seconds to add to this machine's clock for the server's, to simulate
    /// clock skew (at most 10,000 years either way).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true,
          value_parser = clap::value_parser!(i64).range(-MAX_OFFSET..=MAX_OFFSET))]
    pub clock_offset: i64,
    /// JSON Lines that tools/queries/export streams and tools/queries
    /// answers: one JSON object per line, checked at start (limit and
    /// offset count these records).
    #[arg(long, value_name = "FILE.jsonl")]
    pub data: Option<PathBuf>,
    /// Serve --data's bytes as they are (blank lines, lines that are not
    /// JSON, no final newline), to test a client's stream reader.
    #[arg(long, requires = "data")]
    pub data_verbatim: bool,
    /// Answer a signed GET of PATH with DIR/{account}/PATH.json or
    /// DIR/PATH.json (every .json file under DIR is read and checked at
    /// start); list answers ({"data": [...]}) are paged by limit and offset,
    /// with nbrofresults; PATH/ID answers the item of PATH.json with that id.
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
    /// The key pair and account of /widgets/ URLs, as NAME=value lines like
    /// --credentials [default: the API key pair].
    #[arg(long, value_name = "FILE")]
    pub widget_credentials: Option<PathBuf>,
    /// Append one JSON line per request to FILE: time, method, path, query
    /// string, authentication scheme, access key, verdict, reason, status, bytes sent.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,

    /// Fault: answer the first N authenticated requests with HTTP 500.
    #[arg(long, value_name = "N", default_value_t = 0, help_heading = "Faults")]
    pub fail_first: u64,
    /// Fault: answer the next N authenticated requests (after any
    /// --fail-first) with HTTP 429, Retry-After and a queue-status body.
    #[arg(long, value_name = "N", default_value_t = 0, help_heading = "Faults")]
    pub rate_limit_first: u64,
    /// The Retry-After of those 429s, in seconds (the body's backoff says the
    /// same in milliseconds).
    #[arg(long, value_name = "SECONDS", default_value_t = 1, help_heading = "Faults",
          value_parser = clap::value_parser!(u64).range(0..=DAY))]
    pub retry_after: u64,
    /// Fault: break export streams after BYTES: the connection is closed
    /// with no terminating chunk, as a network failure would.
    #[arg(long, value_name = "BYTES", help_heading = "Faults")]
    pub cut_after: Option<u64>,
    /// Fault: stop sending export streams after BYTES, keeping the
    /// connection open (for clients' read timeouts).
    #[arg(long, value_name = "BYTES", help_heading = "Faults")]
    pub stall_after: Option<u64>,

    /// Connections served at once (1 to 65536); further ones wait to be
    /// accepted.
    #[arg(long, value_name = "N", default_value_t = 256, help_heading = "Limits",
          value_parser = connections)]
    pub max_connections: usize,
    /// Seconds a connection may take to send a request's headers, or stay
    /// idle between requests, before it is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, help_heading = "Limits",
          value_parser = clap::value_parser!(u64).range(1..=DAY))]
    pub idle_timeout: u64,
    /// The largest request body in bytes (413 beyond); headers are limited
    /// to 16 KiB (431 beyond).
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20, help_heading = "Limits")]
    pub max_body: usize,
}

/// Bounds of the options that are times: a timer beyond them would
/// overflow the clock's arithmetic, and no test needs one.
const DAY: u64 = 86_400;
const MAX_OFFSET: i64 = 10_000 * 366 * 86_400;

fn connections(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n @ 1..=65_536) => Ok(n),
        _ => Err("give a whole number from 1 to 65536".into()),
    }
}

/// One key pair and the account it belongs to.
pub struct Keys {
    pub account: String,
    pub access_key: String,
    pub secret_key: String,
}

impl From<Credentials> for Keys {
    fn from(c: Credentials) -> Keys {
        Keys {
            account: c.account,
            access_key: c.access_key,
            secret_key: c.secret_key,
        }
    }
}

/// Everything a request is answered from.
pub struct State {
    pub api: Keys,
    pub widget: Keys,
    pub options: Options,
    pub data: Option<data::Data>,
    /// Read by every fixture GET, written by POST, PUT and DELETE.
    pub fixtures: Option<std::sync::Mutex<fixtures::Fixtures>>,
    pub faults: faults::Faults,
    pub log: Option<std::sync::Arc<log::Log>>,
}

/// Serves until the process is stopped. Prints `listening on URL` first, so
/// that a script (or a test) can read where to connect.
pub fn run(credentials: Credentials, options: Options) -> Result<(), crate::Failure> {
    let widget = match &options.widget_credentials {
        Some(file) => Credentials::from_file(file, None)
            .map_err(|f| format!("--widget-credentials {}: {}", file.display(), f.message))?,
        None => credentials.clone(),
    };
    let data = options
        .data
        .as_deref()
        .map(|path| data::Data::load(path, options.data_verbatim))
        .transpose()?;
    let fixtures = options
        .fixtures
        .as_deref()
        .map(fixtures::Fixtures::load)
        .transpose()?
        .map(std::sync::Mutex::new);
    let log = options
        .log
        .as_deref()
        .map(log::Log::open)
        .transpose()?
        .map(std::sync::Arc::new);
    let state = State {
        api: credentials.into(),
        widget: widget.into(),
        faults: faults::Faults::new(&options),
        options,
        data,
        fixtures,
        log,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server's runtime: {e}"))?;
    runtime.block_on(async move {
        let port = state.options.port;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        crate::output::stdout(format!("listening on http://{address}\n").as_bytes())?;
        server::serve(listener, state).await;
        Ok::<(), crate::Failure>(())
    })
}

impl Options {
    fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout)
    }
}
