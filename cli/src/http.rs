//! What the commands that talk to Ticketmatic (or `tm mock-server`) share:
//! URLs, the HTTP agent, and how a failed request is reported; and `tm time`.

use std::time::Duration;

use ticketmatic_sign::{Signer, Timestamp, DEFAULT_WINDOW_SECS};

use crate::signing::grown;
use crate::Failure;

/// `{base}/api/1/{account or _}/{path}`.
pub fn api_url(signer: &Signer, path: &str) -> String {
    let account = match signer.account() {
        "" => "_",
        account => account,
    };
    format!("{}/api/1/{account}/{path}", signer.base_url())
}

/// How long to wait for the server, shared by the commands that call it.
#[derive(clap::Args, Clone, Copy)]
pub struct Timeout {
    /// Seconds to wait for a connection, and then for each part of the
    /// answer: not for the whole answer, which may stream for minutes.
    #[arg(long, value_name = "SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    timeout: u64,
}

/// The HTTP agent of one command, and how its failures are told.
pub struct Http {
    agent: ureq::Agent,
    timeout: u64,
}

/// What a request's Authorization header signed: to compare with what the
/// server says it expected when it answers 401.
pub struct Signed(String);

impl Http {
    pub fn new(timeout: Timeout) -> Http {
        let limit = Duration::from_secs(timeout.timeout);
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(limit)
            .timeout_read(limit)
            .timeout_write(limit)
            // As the official clients name themselves (ticketmatic/go (...)).
            .user_agent(concat!("tm/", env!("CARGO_PKG_VERSION")))
            .build();
        Http {
            agent,
            timeout: timeout.timeout,
        }
    }

    /// An unsigned request.
    pub fn request(&self, method: &str, url: &str) -> ureq::Request {
        self.agent.request(method, url)
    }

    /// A request signed now: one timestamp, both sent and signed.
    pub fn signed(
        &self,
        signer: &Signer,
        method: &str,
        url: &str,
    ) -> Result<(ureq::Request, Signed), Failure> {
        let ts = Timestamp::now()?;
        let header = signer.authorization_string(ts);
        let payload = grown(|buf| signer.authorization_payload(ts, buf))?;
        let request = self.request(method, url).set("Authorization", &header);
        Ok((request, Signed(payload)))
    }

    /// A request that failed: refused by the server (exit 1, with the error
    /// body's message), or not completed (exit 3). The URL is said once.
    pub fn failed(
        &self,
        method: &str,
        url: &str,
        signed: Option<&Signed>,
        error: ureq::Error,
    ) -> Failure {
        match error {
            ureq::Error::Status(status, response) => {
                let body = response.into_string().unwrap_or_default();
                Failure::no(refusal(method, status, url, &body, signed))
            }
            ureq::Error::Transport(transport) => {
                Failure::io(format!("{method} {url}: {}", self.transport(&transport)))
            }
        }
    }

    /// Why a connection or an answer did not complete, in a user's words.
    fn transport(&self, transport: &ureq::Transport) -> String {
        let cause = std::error::Error::source(transport);
        let io = cause.and_then(|c| c.downcast_ref::<std::io::Error>());
        if let Some(stalled) = io.and_then(|e| self.stalled(e)) {
            return stalled;
        }
        let detail = cause
            .map(|c| c.to_string())
            .or_else(|| transport.message().map(str::to_owned))
            .unwrap_or_default();
        match transport.kind() {
            ureq::ErrorKind::ConnectionFailed => format!("cannot connect: {detail}"),
            ureq::ErrorKind::Dns => format!("cannot find the host: {detail}"),
            ureq::ErrorKind::Io => format!("the connection failed: {detail}"),
            kind => format!("{kind}: {detail}"),
        }
    }

    /// A read or connection that ran out of time: what `--timeout` did.
    pub fn stalled(&self, e: &std::io::Error) -> Option<String> {
        matches!(
            e.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        )
        .then(|| {
            format!(
                "the server stalled: nothing came for {} s (--timeout {})",
                self.timeout, self.timeout
            )
        })
    }
}

/// `tm time`: the server's clock against this machine's.
pub fn time(signer: &Signer, timeout: Timeout) -> Result<String, Failure> {
    let http = Http::new(timeout);
    let url = api_url(signer, "diagnostics/time");
    let body = match http.request("GET", &url).call() {
        Ok(response) => response.into_string().map_err(|e| {
            let why = http.stalled(&e).unwrap_or_else(|| e.to_string());
            Failure::io(format!("GET {url}: {why}"))
        })?,
        Err(e) => return Err(http.failed("GET", &url, None, e)),
    };
    let local = Timestamp::now()?;
    // An answer that is not Ticketmatic's: the server said something else
    // than the time (exit 1), shown short and escaped.
    let unexpected = |what: &str| {
        let head: String = body.chars().take(200).collect();
        Failure::no(format!(
            "GET {url}: {what} (is --base-url a Ticketmatic server?): {}",
            crate::signing::shown(&head)
        ))
    };
    let json: serde_json::Value = serde_json::from_str(&body)
        .map_err(|e| unexpected(&format!("the answer is not JSON ({e})")))?;
    // ISO-8601; the first 19 characters are the part signatures use.
    let server = json
        .get("systemtime")
        .and_then(|v| v.as_str())
        .and_then(|text| text.get(..Timestamp::LEN))
        .and_then(|text| Timestamp::parse(text).ok())
        .ok_or_else(|| unexpected("no systemtime in the answer"))?;
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

/// What to tell a user whose request was refused: the server's message,
/// and for a 401 the causes that what the server said leaves possible.
pub fn refusal(
    method: &str,
    status: u16,
    url: &str,
    body: &str,
    signed: Option<&Signed>,
) -> String {
    let data = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("applicationdata").cloned())
        .unwrap_or_default();
    let hint = match status {
        401 => unauthorized_hint(&data, signed),
        403 => "\nthe keys are valid but not allowed to do this: check the API key's rights in Ticketmatic".to_owned(),
        _ => String::new(),
    };
    format!("{method} {url}: HTTP {status}: {}{hint}", error_text(body))
}

/// A 401's likely causes. A server that names the access key it does not
/// know, or the text it expected, rules the others out.
fn unauthorized_hint(data: &serde_json::Value, signed: Option<&Signed>) -> String {
    let expected = data.get("expected_payload").and_then(|v| v.as_str());
    if data.get("skew_secs").is_some() {
        return "\nthe clock: this machine's is too far from the server's (run `tm time`)".into();
    }
    if let Some(key) = data.get("access_key").and_then(|v| v.as_str()) {
        return format!(
            "\nthe server does not know the access key '{key}': check TM_ACCESS_KEY, and that \
             these are API keys (widget keys are another pair)"
        );
    }
    match (expected, signed) {
        (Some(expected), Some(Signed(ours))) if expected == ours => {
            "\nthe server signs the same text as tm did, so the clock, the account and the access \
             key are not the cause: the secret key is wrong (TM_SECRET_KEY)"
                .into()
        }
        (Some(_), Some(Signed(ours))) => format!(
            "\ntm signed '{ours}', which is not the text the server expected: the account or \
             the access key differs from the server's"
        ),
        _ => "\nlikely causes: this machine's clock is off by more than 30 minutes (run `tm \
              time`), the account name does not match the keys, widget keys used for the API, or \
              a wrong secret (`tm explain header` shows what was signed)"
            .into(),
    }
}

/// An error body in Ticketmatic's shape (`code`, `message`,
/// `applicationdata`) as its message and details, as the official clients
/// read it; any other body as it is, and an empty one said to be empty.
fn error_text(body: &str) -> String {
    if body.trim().is_empty() {
        return "(the answer has no body)".to_owned();
    }
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
