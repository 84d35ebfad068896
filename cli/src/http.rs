//! What the commands that talk to Ticketmatic (or `tm mock-server`) share:
//! URLs, the HTTP agent, and how a failed request is reported; and `tm time`.

use std::time::Duration;

use ticketmatic_sign::{Signer, Timestamp, DEFAULT_WINDOW_SECS};

use crate::Failure;

/// `{base}/api/1/{account or _}/{path}`.
pub fn api_url(signer: &Signer<'_>, path: &str) -> String {
    let account = match signer.account() {
        "" => "_",
        account => account,
    };
    format!("{}/api/1/{account}/{path}", signer.base_url())
}

/// The base URL, checked: `http` or `https`, a host, an optional port and
/// path, nothing else (it is printed into widget URLs and sent requests).
pub fn check_base_url(given: &str) -> Result<String, Failure> {
    let refuse = |why: &str| Failure::usage(format!("--base-url {given}: {why}"));
    let url = url::Url::parse(given).map_err(|e| refuse(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse("use an http:// or https:// URL"));
    }
    if !url.has_host() {
        return Err(refuse("no host"));
    }
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(refuse(
            "no query, fragment or user name: scheme, host, port and path only",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Time limits per connection and per read, not for a whole request: an
/// export may stream for many minutes.
pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(30))
        .timeout_read(Duration::from_secs(300))
        .build()
}

/// `tm time`: the server's clock against this machine's.
pub fn time(signer: &Signer<'_>) -> Result<String, Failure> {
    let url = api_url(signer, "diagnostics/time");
    let body = match agent().get(&url).call() {
        Ok(response) => response
            .into_string()
            .map_err(|e| Failure::io(format!("GET {url}: {e}")))?,
        Err(e) => return Err(failed("GET", &url, e)),
    };
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
    let direction = if diff >= 0 { "ahead of" } else { "behind" };
    let outside = diff.unsigned_abs() > u64::from(DEFAULT_WINDOW_SECS);
    let verdict = if outside {
        "more than the 30 minutes allowed: signatures made here will be refused"
    } else {
        "within the 30 minutes allowed"
    };
    let report = format!(
        "server time:       {server}\nthis machine:      {local}\n\
         this machine is {} s {direction} the server, {verdict}",
        diff.unsigned_abs()
    );
    if outside {
        // The report, and exit 1: the check said no.
        crate::output::stdout(format!("{report}\n").as_bytes())?;
        return Err(Failure::no(format!(
            "this machine's clock is {} s {direction} the server's: fix the clock (or NTP)",
            diff.unsigned_abs()
        )));
    }
    Ok(report)
}

/// A request that failed: refused by the server (exit 1, with the error
/// body's message), or not completed (exit 3). The URL is said once.
pub fn failed(method: &str, url: &str, error: ureq::Error) -> Failure {
    match error {
        ureq::Error::Status(status, response) => {
            let body = response.into_string().unwrap_or_default();
            Failure::no(refusal(method, status, url, &body))
        }
        ureq::Error::Transport(transport) => {
            let detail = transport
                .message()
                .map(str::to_owned)
                .or_else(|| std::error::Error::source(&transport).map(|s| s.to_string()))
                .unwrap_or_default();
            Failure::io(format!("{method} {url}: {}: {detail}", transport.kind()))
        }
    }
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
