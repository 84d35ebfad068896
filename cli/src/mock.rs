//! `tm mock-server`: a local stand-in for Ticketmatic's API that checks every
//! request's Authorization header with the core verifier, so that client
//! authors in any language can test their signing against it.

use std::io::Write;

use ticketmatic_sign::{verify_authorization, Signer, Timestamp, DEFAULT_WINDOW_SECS};
use tiny_http::{Header, Response, Server};

use crate::credentials::Credentials;

#[derive(clap::Args)]
pub struct Options {
    /// Port on 127.0.0.1; 0 picks a free one. The first line printed is
    /// "listening on http://127.0.0.1:PORT".
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Seconds to add to this machine's clock for the server's, to simulate
    /// clock skew.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub clock_offset: i64,
    /// Send the payload the server expected in an X-Tm-Expected-Payload
    /// header with every 401.
    #[arg(long)]
    pub explain: bool,
    /// JSON Lines to stream to tools/queries/export.
    #[arg(long, value_name = "FILE.jsonl")]
    pub data: Option<std::path::PathBuf>,
    /// Answer the first N export requests with 429 and Retry-After: 1.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub rate_limit_first: u32,
    /// Cut export streams after this many bytes, as a broken connection would.
    #[arg(long, value_name = "BYTES")]
    pub cut_after: Option<u64>,
}

/// What to answer a request with.
enum Reply {
    Json {
        status: u16,
        body: String,
        expected_payload: Option<String>,
    },
    /// A 429 with `Retry-After`.
    RateLimited,
    /// The export data, possibly cut short.
    Export(Box<dyn std::io::Read + Send>),
}

fn json(status: u16, body: String) -> Reply {
    Reply::Json {
        status,
        body,
        expected_payload: None,
    }
}

/// Serves until the process is stopped. Prints `listening on URL` first, so
/// that a script (or a test) can read where to connect.
pub fn run(credentials: &Credentials, options: &Options) -> Result<(), String> {
    let server = Server::http(("127.0.0.1", options.port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", options.port))?;
    let address = server
        .server_addr()
        .to_ip()
        .ok_or("the server has no IP address")?;
    println!("listening on http://{address}");
    std::io::stdout().flush().map_err(|e| e.to_string())?;

    let mut exports = 0;
    for request in server.incoming_requests() {
        let reply = answer(credentials, options, &request, &mut exports);
        let line = format!("{} {}", request.method(), request.url());
        // A client that went away is its own problem; keep serving.
        let _ = match reply {
            Reply::Json {
                status,
                body,
                expected_payload,
            } => {
                eprintln!("{line} -> {status}");
                let mut response = Response::from_string(body).with_status_code(status);
                let payload = expected_payload.unwrap_or_default();
                let mut fields = vec![("Content-Type", "application/json")];
                if !payload.is_empty() {
                    fields.push(("X-Tm-Expected-Payload", &payload));
                }
                for field in headers(&fields) {
                    response.add_header(field);
                }
                request.respond(response)
            }
            Reply::RateLimited => {
                eprintln!("{line} -> 429");
                let body = serde_json::json!({ "backoff": 1000 }).to_string();
                let mut response = Response::from_string(body).with_status_code(429);
                for field in headers(&[("Retry-After", "1")]) {
                    response.add_header(field);
                }
                request.respond(response)
            }
            Reply::Export(data) => {
                eprintln!("{line} -> 200 (streaming)");
                let fields = headers(&[("Content-Type", "application/x-ndjson")]);
                // No length: chunked, so a cut stream ends cleanly mid-line.
                request.respond(Response::new(200.into(), fields, data, None, None))
            }
        };
    }
    Ok(())
}

/// Header fields; one `from_bytes` refuses (non-ASCII, CR, LF: none of ours
/// has them) is left out rather than sent broken.
fn headers(fields: &[(&str, &str)]) -> Vec<Header> {
    fields
        .iter()
        .filter_map(|(name, value)| Header::from_bytes(*name, *value).ok())
        .collect()
}

fn answer(
    credentials: &Credentials,
    options: &Options,
    request: &tiny_http::Request,
    exports: &mut u32,
) -> Reply {
    let now = match Timestamp::now()
        .and_then(|t| Timestamp::from_unix(t.unix() + options.clock_offset))
    {
        Ok(now) => now,
        Err(e) => return json(500, error_body(&e.to_string())),
    };
    let path = request.url().split('?').next().unwrap_or("");
    let mut segments = path.trim_start_matches('/').splitn(4, '/');
    let (api, version, account, rest) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next().unwrap_or(""),
    );
    let account = match (api, version, account) {
        (Some("api"), Some("1"), Some("_")) => "",
        (Some("api"), Some("1"), Some(account)) => account,
        _ => return json(404, error_body("not an /api/1/{account}/... path")),
    };
    if rest == "diagnostics/time" {
        // Needs no Authorization header, as on Ticketmatic.
        let body = serde_json::json!({ "systemtime": format!("{now}Z") });
        return json(200, body.to_string());
    }
    let authorization = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Authorization"))
        .map(|h| h.value.as_str());
    let Some(authorization) = authorization else {
        return json(401, error_body("no Authorization header"));
    };
    let secret = credentials.secret_key.as_bytes();
    let lookup = |key: &str| (key == credentials.access_key).then_some(secret);
    match verify_authorization(authorization, account, now, DEFAULT_WINDOW_SECS, lookup) {
        Ok(_) if rest == "tools/queries/export" => export(options, exports),
        Ok(_) => {
            let body = serde_json::json!({ "ok": true, "account": account, "path": rest });
            json(200, body.to_string())
        }
        Err(e) => Reply::Json {
            status: 401,
            body: error_body(&e.to_string()),
            expected_payload: options
                .explain
                .then(|| expected_payload(credentials, account, authorization))
                .flatten(),
        },
    }
}

fn export(options: &Options, exports: &mut u32) -> Reply {
    *exports += 1;
    if *exports <= options.rate_limit_first {
        return Reply::RateLimited;
    }
    let Some(path) = &options.data else {
        return json(404, error_body("no --data given to the mock server"));
    };
    match std::fs::File::open(path) {
        Ok(file) => match options.cut_after {
            Some(limit) => Reply::Export(Box::new(std::io::Read::take(file, limit))),
            None => Reply::Export(Box::new(file)),
        },
        Err(e) => json(500, error_body(&format!("{}: {e}", path.display()))),
    }
}

/// What the server signed for this request, when the header parses and its
/// key is the known one.
fn expected_payload(
    credentials: &Credentials,
    account: &str,
    authorization: &str,
) -> Option<String> {
    let auth = ticketmatic_sign::Authorization::parse(authorization).ok()?;
    let signer = Signer::new(
        &credentials.access_key,
        credentials.secret_key.as_bytes(),
        account,
    )
    .ok()?;
    let mut buf = [0u8; 512];
    let payload = signer
        .authorization_payload(auth.timestamp(), &mut buf)
        .ok()?;
    Some(payload.to_owned())
}

fn error_body(message: &str) -> String {
    serde_json::json!({ "error": message }).to_string()
}
