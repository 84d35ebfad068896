//! `tm api`: any signed API request, with the habits of `gh api` and curl.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::Args;
use serde_json::Value;
use ticketmatic_sign::Signer;

use crate::credentials::Credentials;
use crate::files::Destination;
use crate::http::{refusal, Http, Response, Signed, Timeout};
use crate::output::write_failed;
use crate::Failure;

#[derive(Args)]
pub struct ApiArgs {
    /// A path under /api/1/{account}/ (events, tools/queries), a path from
    /// the root (/api/1/_/tools/accounts), or a full URL on the base URL's
    /// host; a query string may follow.
    #[arg(value_name = "PATH_OR_URL")]
    path: String,
    /// The HTTP method [default: GET, or POST with -d, -f or -F].
    #[arg(short = 'X', long, value_name = "METHOD", value_parser = parse_method)]
    method: Option<String>,
    /// The JSON body, @FILE to read it from a file, or @- from standard input.
    #[arg(short, long, value_name = "JSON", conflicts_with_all = ["field", "typed_field"])]
    data: Option<String>,
    /// A field of the JSON body as text (with -X GET, a query parameter);
    /// repeatable.
    #[arg(short, long, value_name = "NAME=VALUE", value_parser = name_value)]
    field: Vec<(String, String)>,
    /// A typed field, as gh api's -F: true, false, null and whole numbers
    /// become JSON literals (-F limit=3 sends "limit": 3), @FILE the file's
    /// text; anything else text. Repeatable.
    #[arg(short = 'F', long, value_name = "NAME=VALUE", value_parser = name_value)]
    typed_field: Vec<(String, String)>,
    /// Print the status line and the response headers first, for every
    /// answer (errors too: a 429's Retry-After).
    #[arg(short, long)]
    include: bool,
    /// Follow limit and offset over a list answer ({"data": [...],
    /// "nbrofresults": N}) and print every item, as one JSON array.
    #[arg(long)]
    paginate: bool,
    /// With --paginate: one item per line (JSON Lines) instead of an array.
    #[arg(long, requires = "paginate")]
    jsonl: bool,
    /// Write the answer to FILE instead of standard output (written whole
    /// or not at all; see `tm export --help` for devices and links).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    timeout: Timeout,
}

/// An HTTP method: a token of letters (GET, POST, PUT, DELETE, PATCH...),
/// upper-cased.
fn parse_method(text: &str) -> Result<String, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err("not an HTTP method: letters only, like GET, POST, PUT or DELETE".into());
    }
    Ok(text.to_ascii_uppercase())
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
    if given.trim().is_empty() {
        return Err(Failure::usage(
            "the path is empty: give a path under /api/1/{account}/ (events), or a URL",
        ));
    }
    let url = if let Some(scheme) = scheme_of(given) {
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(Failure::usage(format!(
                "{given}: a {scheme}: URL; tm api takes http:// or https:// URLs, or paths"
            )));
        }
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

/// The scheme a URL starts with (RFC 3986: a letter, then letters, digits,
/// `+`, `-` or `.`, then `:`); `None` for a path.
fn scheme_of(given: &str) -> Option<&str> {
    let (scheme, _) = given.split_once(':')?;
    let mut bytes = scheme.bytes();
    let first = bytes.next()?;
    (first.is_ascii_alphabetic()
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
    .then_some(scheme)
}

pub fn run(credentials: &Credentials, base_url: &str, args: ApiArgs) -> Result<(), Failure> {
    let mut target = target(base_url, &credentials.account, &args.path)?;
    let fields = fields(&args)?;
    let body = body(&args, &fields)?;
    let method = match &args.method {
        Some(method) => method.clone(),
        None if body.is_some() => "POST".into(),
        None => "GET".into(),
    };
    if method == "GET" {
        let mut query = target.url.query_pairs_mut();
        for (name, value) in &fields {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            query.append_pair(name, &text);
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
    let http = Http::new(args.timeout);
    let mut destination = Destination::create(args.output.as_deref())?;
    let written = if args.paginate {
        paginate(&http, &signer, &target.url, args.jsonl, &mut destination)
    } else {
        let body = if method == "GET" { None } else { body };
        let request = Request {
            http: &http,
            signer: &signer,
            method: &method,
            url: &target.url,
        };
        single(&request, body.as_deref(), args.include, &mut destination)
    };
    match written {
        Ok(()) => destination.commit(),
        Err(failure) => {
            destination.abandon();
            Err(failure)
        }
    }
}

/// The `-f` and `-F` fields in order of kind (text, then typed), each name
/// once: a JSON object cannot hold a name twice.
fn fields(args: &ApiArgs) -> Result<Vec<(String, Value)>, Failure> {
    let mut fields: Vec<(String, Value)> = Vec::new();
    let typed = args.typed_field.iter().map(|(n, v)| (n, v, true));
    for (name, value, is_typed) in args.field.iter().map(|(n, v)| (n, v, false)).chain(typed) {
        if fields.iter().any(|(n, _)| n == name) {
            return Err(Failure::usage(format!(
                "field {name} is given twice (-f/-F)"
            )));
        }
        let value = if is_typed {
            typed_value(name, value)?
        } else {
            Value::String(value.clone())
        };
        fields.push((name.clone(), value));
    }
    Ok(fields)
}

/// A `-F` value: a JSON literal where it is one, a file's text for @FILE.
fn typed_value(name: &str, text: &str) -> Result<Value, Failure> {
    Ok(match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        _ if text.starts_with('@') => Value::String(read_argument(&format!("-F {name}="), text)?),
        _ => match text.parse::<i64>() {
            Ok(number) => number.into(),
            Err(_) => Value::String(text.to_owned()),
        },
    })
}

/// `@-` (standard input) or `@FILE`, read whole, for the option `option`.
fn read_argument(option: &str, at: &str) -> Result<String, Failure> {
    if at == "@-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::io(format!("{option}@-: standard input: {e}")))?;
        return Ok(text);
    }
    std::fs::read_to_string(&at[1..]).map_err(|e| Failure::usage(format!("{option}{at}: {e}")))
}

/// The request body: `-d` as given (checked to be JSON), or the fields as
/// a JSON object.
fn body(args: &ApiArgs, fields: &[(String, Value)]) -> Result<Option<String>, Failure> {
    let text = match args.data.as_deref() {
        Some(data) if data.starts_with('@') => read_argument("-d ", data)?,
        Some(data) => data.to_owned(),
        None if fields.is_empty() => return Ok(None),
        None => {
            let object: serde_json::Map<String, Value> = fields.iter().cloned().collect();
            return Ok(Some(Value::Object(object).to_string()));
        }
    };
    serde_json::from_str::<serde::de::IgnoredAny>(&text)
        .map_err(|e| Failure::usage(format!("-d: the body is not JSON: {e}")))?;
    Ok(Some(text))
}

/// One signed request's where and how.
struct Request<'r> {
    http: &'r Http,
    signer: &'r Signer,
    method: &'r str,
    url: &'r url::Url,
}

/// The answer, or the error answer (a status of 400 or more) with what was
/// signed; a transport failure is already a `Failure`.
enum Sent {
    Answer(Response),
    Refused(Response, Signed),
}

impl Request<'_> {
    fn send(&self, body: Option<&str>) -> Result<Sent, Failure> {
        let (response, signed) =
            self.http
                .send_signed(self.signer, self.method, self.url.as_str(), body)?;
        Ok(if response.status().as_u16() >= 400 {
            Sent::Refused(response, signed)
        } else {
            Sent::Answer(response)
        })
    }

    /// The answer's body; a read that failed, said as such.
    fn read(&self, response: Response) -> Result<String, Failure> {
        self.http.read(self.method, self.url.as_str(), response)
    }

    /// An error answer as the failure it is (exit 1).
    fn refused(&self, status: u16, body: &str, signed: &Signed) -> Failure {
        Failure::no(refusal(
            self.method,
            status,
            self.url.as_str(),
            body,
            Some(signed),
        ))
    }
}

/// The status line and headers, as `curl -i` and `gh api -i` print them.
fn head(response: &Response) -> String {
    let status = response.status();
    let mut head = format!(
        "{:?} {} {}\n",
        response.version(),
        status.as_u16(),
        status.canonical_reason().unwrap_or_default()
    );
    for (name, value) in response.headers() {
        head.push_str(&format!(
            "{name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    head.push('\n');
    head
}

fn single(
    request: &Request<'_>,
    body: Option<&str>,
    include: bool,
    destination: &mut Destination,
) -> Result<(), Failure> {
    let (response, refused) = match request.send(body)? {
        Sent::Answer(response) => (response, None),
        Sent::Refused(response, signed) => (response, Some(signed)),
    };
    let status = response.status().as_u16();
    let head = include.then(|| head(&response));
    let text = request.read(response)?;
    let mut out = destination.writer();
    if let Some(head) = head {
        out.write_all(head.as_bytes())
            .map_err(write_failed("the answer"))?;
    }
    if let Some(signed) = refused {
        // -i shows the whole error answer; the message goes to stderr.
        if include {
            out.write_all(text.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .and_then(|()| out.flush())
                .map_err(write_failed("the answer"))?;
        }
        return Err(request.refused(status, &text, &signed));
    }
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
    http: &Http,
    signer: &Signer,
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
        let request = Request {
            http,
            signer,
            method: "GET",
            url: &page,
        };
        let text = match request.send(None)? {
            Sent::Answer(response) => request.read(response)?,
            Sent::Refused(response, signed) => {
                let status = response.status().as_u16();
                let body = request.read(response)?;
                return Err(request.refused(status, &body, &signed));
            }
        };
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
        // Only now, with a list in hand: nothing is written for an answer
        // that is not one.
        if first && !jsonl {
            out.write_all(b"[").map_err(write_failed("the answer"))?;
        }
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
    if !jsonl && first {
        out.write_all(b"[]\n").map_err(write_failed("the answer"))?;
    } else if !jsonl {
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
