//! `tm api`: any signed API request, with the habits of `gh api` and curl.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::Args;
use serde_json::Value;
use ticketmatic_sign::{Signer, Timestamp};

use crate::credentials::Credentials;
use crate::files::Destination;
use crate::http::{agent, failed};
use crate::output::write_failed;
use crate::Failure;

#[derive(Args)]
pub struct ApiArgs {
    /// A path under /api/1/{account}/ (events, tools/queries), a path from
    /// the root (/api/1/_/tools/accounts), or a full URL on the base URL's
    /// host; a query string may follow.
    #[arg(value_name = "PATH_OR_URL")]
    path: String,
    /// The HTTP method [default: GET, or POST with -d or -f].
    #[arg(short = 'X', long, value_name = "METHOD")]
    method: Option<String>,
    /// The JSON body, @FILE to read it from a file, or @- from standard input.
    #[arg(short, long, value_name = "JSON", conflicts_with = "field")]
    data: Option<String>,
    /// A field of the JSON body as text (with -X GET, a query parameter);
    /// repeatable.
    #[arg(short, long, value_name = "NAME=VALUE", value_parser = name_value)]
    field: Vec<(String, String)>,
    /// Print the status line and the response headers first.
    #[arg(short, long)]
    include: bool,
    /// Follow limit and offset over a list answer ({"data": [...],
    /// "nbrofresults": N}) and print every item, as one JSON array.
    #[arg(long)]
    paginate: bool,
    /// With --paginate: one item per line (JSON Lines) instead of an array.
    #[arg(long, requires = "paginate")]
    jsonl: bool,
    /// Write the answer to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

fn name_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("'{text}' is not NAME=VALUE")),
    }
}

/// Where a request goes and which account it signs.
struct Target {
    url: url::Url,
    /// The account the path names ("" for `_`).
    account: String,
}

/// Resolves what the user gave against the base URL: a relative path is
/// under `/api/1/{account}/`; a full URL must be on the base URL's host,
/// or the header would be sent elsewhere.
fn target(base: &str, account: &str, given: &str) -> Result<Target, Failure> {
    let base =
        url::Url::parse(base).map_err(|e| Failure::usage(format!("--base-url {base}: {e}")))?;
    let url = if given.starts_with("http://") || given.starts_with("https://") {
        let url = url::Url::parse(given).map_err(|e| Failure::usage(format!("{given}: {e}")))?;
        if url.origin() != base.origin() {
            return Err(Failure::usage(format!(
                "{given}: not on {}: the Authorization header would be sent to another host \
                 (set --base-url to use it)",
                base.origin().ascii_serialization()
            )));
        }
        url
    } else {
        let path = given.trim_start_matches('/');
        let root = base.as_str().trim_end_matches('/');
        let full = if path.starts_with("api/") {
            format!("{root}/{path}")
        } else {
            let segment = if account.is_empty() { "_" } else { account };
            format!("{root}/api/1/{segment}/{path}")
        };
        url::Url::parse(&full).map_err(|e| Failure::usage(format!("{given}: {e}")))?
    };
    // Below the base URL's own path (a proxy may add one).
    let prefix = base.path().split('/').filter(|s| !s.is_empty()).count();
    let mut segments = url.path_segments().into_iter().flatten().skip(prefix);
    let account = match (segments.next(), segments.next(), segments.next()) {
        (Some("api"), Some("1"), Some("_")) => String::new(),
        (Some("api"), Some("1"), Some(account)) if !account.is_empty() => account.to_owned(),
        _ => {
            return Err(Failure::usage(format!(
                "{given}: not an API path: expected /api/1/{{account}}/..."
            )))
        }
    };
    Ok(Target { url, account })
}

pub fn run(credentials: &Credentials, base_url: &str, args: ApiArgs) -> Result<(), Failure> {
    let mut target = target(base_url, &credentials.account, &args.path)?;
    let body = body(&args)?;
    let method = match &args.method {
        Some(method) => method.to_ascii_uppercase(),
        None if body.is_some() => "POST".into(),
        None => "GET".into(),
    };
    if method == "GET" {
        let mut query = target.url.query_pairs_mut();
        for (name, value) in &args.field {
            query.append_pair(name, value);
        }
    }
    if target.url.query() == Some("") {
        target.url.set_query(None);
    }
    // The account the path names is the one signed: `_` signs an empty one.
    let signer = Signer::new(
        &credentials.access_key,
        credentials.secret_key.as_bytes(),
        &target.account,
    )?;
    let mut destination = Destination::create(args.output.as_deref())?;
    let written = if args.paginate {
        paginate(&signer, &target.url, args.jsonl, &mut destination)
    } else {
        let body = if method == "GET" { None } else { body };
        single(
            &signer,
            &method,
            &target.url,
            body.as_deref(),
            args.include,
            &mut destination,
        )
    };
    match written {
        Ok(()) => destination.commit(),
        Err(failure) => {
            destination.abandon();
            Err(failure)
        }
    }
}

/// The request body: `-d` as given (checked to be JSON), or the `-f` fields
/// as a JSON object.
fn body(args: &ApiArgs) -> Result<Option<String>, Failure> {
    let text = match args.data.as_deref() {
        Some("@-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure::io(format!("-d @-: standard input: {e}")))?;
            text
        }
        Some(data) if data.starts_with('@') => std::fs::read_to_string(&data[1..])
            .map_err(|e| Failure::usage(format!("-d {data}: {e}")))?,
        Some(data) => data.to_owned(),
        None if args.field.is_empty() => return Ok(None),
        None => {
            let object: serde_json::Map<String, Value> = args
                .field
                .iter()
                .map(|(n, v)| (n.clone(), Value::String(v.clone())))
                .collect();
            return Ok(Some(Value::Object(object).to_string()));
        }
    };
    serde_json::from_str::<serde::de::IgnoredAny>(&text)
        .map_err(|e| Failure::usage(format!("-d: the body is not JSON: {e}")))?;
    Ok(Some(text))
}

fn send(
    signer: &Signer<'_>,
    method: &str,
    url: &url::Url,
    body: Option<&str>,
) -> Result<ureq::Response, Failure> {
    // One timestamp, both sent and signed.
    let header = signer.authorization_string(Timestamp::now()?);
    let request = agent()
        .request_url(method, url)
        .set("Authorization", &header);
    let sent = match body {
        Some(body) => request
            .set("Content-Type", "application/json")
            .send_string(body),
        None => request.call(),
    };
    sent.map_err(|e| failed(method, url.as_str(), e))
}

fn single(
    signer: &Signer<'_>,
    method: &str,
    url: &url::Url,
    body: Option<&str>,
    include: bool,
    destination: &mut Destination,
) -> Result<(), Failure> {
    let response = send(signer, method, url, body)?;
    let mut out = destination.writer();
    if include {
        let mut head = format!(
            "{} {} {}\n",
            response.http_version(),
            response.status(),
            response.status_text()
        );
        for name in response.headers_names() {
            for value in response.all(&name) {
                head.push_str(&format!("{name}: {value}\n"));
            }
        }
        head.push('\n');
        out.write_all(head.as_bytes())
            .map_err(write_failed("the answer"))?;
    }
    let text = response
        .into_string()
        .map_err(|e| Failure::io(format!("{method} {url}: {e}")))?;
    // JSON pretty-printed for people, as it came for programs.
    let shown = match serde_json::from_str::<Value>(&text) {
        Ok(json) if std::io::stdout().is_terminal() => {
            serde_json::to_string_pretty(&json).unwrap_or(text)
        }
        _ => text,
    };
    out.write_all(shown.as_bytes())
        .map_err(write_failed("the answer"))?;
    if !shown.ends_with('\n') {
        out.write_all(b"\n").map_err(write_failed("the answer"))?;
    }
    out.flush().map_err(write_failed("the answer"))
}

/// Pages through a list answer, `limit` items at a time (the query's own
/// `limit`, else 100), writing the items as they come.
fn paginate(
    signer: &Signer<'_>,
    url: &url::Url,
    jsonl: bool,
    destination: &mut Destination,
) -> Result<(), Failure> {
    let given = |name: &str| {
        url.query_pairs()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.parse::<u64>().ok())
    };
    let page_size = given("limit").filter(|&l| l > 0).unwrap_or(100);
    let mut offset = given("offset").unwrap_or(0);
    let mut out = destination.writer();
    let mut first = true;
    if !jsonl {
        out.write_all(b"[").map_err(write_failed("the answer"))?;
    }
    loop {
        let mut page = url.clone();
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(n, _)| n != "limit" && n != "offset")
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        page.query_pairs_mut()
            .clear()
            .extend_pairs(kept)
            .append_pair("limit", &page_size.to_string())
            .append_pair("offset", &offset.to_string());
        let text = send(signer, "GET", &page, None)?
            .into_string()
            .map_err(|e| Failure::io(format!("GET {page}: {e}")))?;
        let answer: Value = serde_json::from_str(&text)
            .map_err(|e| Failure::no(format!("GET {page}: not JSON: {e}")))?;
        let (Some(items), Some(total)) = (
            answer.get("data").and_then(Value::as_array),
            answer.get("nbrofresults").and_then(Value::as_u64),
        ) else {
            return Err(Failure::no(format!(
                "GET {page}: not a list answer ({{\"data\": [...], \"nbrofresults\": N}}), which --paginate needs"
            )));
        };
        for item in items {
            let separator: &[u8] = match (jsonl, first) {
                (true, _) => b"",
                (false, true) => b"\n",
                (false, false) => b",\n",
            };
            out.write_all(separator)
                .map_err(write_failed("the answer"))?;
            out.write_all(item.to_string().as_bytes())
                .map_err(write_failed("the answer"))?;
            if jsonl {
                out.write_all(b"\n").map_err(write_failed("the answer"))?;
            }
            first = false;
        }
        offset += items.len() as u64;
        if items.is_empty() || offset >= total {
            break;
        }
    }
    if !jsonl {
        out.write_all(b"\n]\n")
            .map_err(write_failed("the answer"))?;
    }
    out.flush().map_err(write_failed("the answer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(base: &str, given: &str) -> Result<(String, String), String> {
        target(base, "acct", given)
            .map(|t| (t.url.to_string(), t.account))
            .map_err(|f| f.message)
    }

    #[test]
    fn paths_and_urls_resolve_against_the_base() {
        let base = "http://127.0.0.1:8080";
        let ok = |url: &str, account: &str| Ok((url.to_owned(), account.to_owned()));
        assert_eq!(
            resolved(base, "events"),
            ok("http://127.0.0.1:8080/api/1/acct/events", "acct")
        );
        assert_eq!(
            resolved(base, "/events?limit=5"),
            ok("http://127.0.0.1:8080/api/1/acct/events?limit=5", "acct")
        );
        assert_eq!(
            resolved(base, "/api/1/_/tools/accounts"),
            ok("http://127.0.0.1:8080/api/1/_/tools/accounts", "")
        );
        assert_eq!(
            resolved(base, "http://127.0.0.1:8080/api/1/acct/events"),
            ok("http://127.0.0.1:8080/api/1/acct/events", "acct")
        );
        assert_eq!(
            resolved("https://proxy.example/tm/", "events"),
            ok("https://proxy.example/tm/api/1/acct/events", "acct")
        );
        let err = resolved(base, "http://127.0.0.1:9999/api/1/acct/events").unwrap_err();
        assert!(err.contains("would be sent to another host"), "{err}");
        let err = resolved(base, "https://127.0.0.1:8080/api/1/acct/events").unwrap_err();
        assert!(err.contains("another host"), "{err}");
        let err = resolved(base, "http://127.0.0.1:8080/other").unwrap_err();
        assert!(err.contains("not an API path"), "{err}");
    }
}
