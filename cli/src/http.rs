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

/// An answer, whatever its status: only a request that did not complete is
/// a failure.
pub type Response = ureq::http::Response<ureq::Body>;

/// What a request's Authorization header signed: to compare with what the
/// server says it expected when it answers 401.
pub struct Signed(String);

/// Bodies larger than this ask the server first (`Expect: 100-continue`),
/// as curl does past the same size: a server that refuses the body (413,
/// 401...) answers before it is sent, where a body larger than the socket's
/// buffers would otherwise meet a closed connection ("Broken pipe") and the
/// answer would be lost. Smaller bodies go at once, saving a round trip.
const EXPECT_CONTINUE_ABOVE: usize = 1024 * 1024;

impl Http {
    pub fn new(timeout: Timeout) -> Http {
        let limit = Some(Duration::from_secs(timeout.timeout));
        let agent = ureq::Agent::config_builder()
            .timeout_connect(limit)
            .timeout_per_read(limit)
            .timeout_per_write(limit)
            // Every status is an answer to show (its body says why).
            .http_status_as_error(false)
            // `tm api -X` takes any method token, as curl does.
            .allow_non_standard_methods(true)
            // As ureq 2 did and the tests rely on: no proxy from the
            // environment.
            .proxy(None)
            // As the official clients name themselves (ticketmatic/go (...)).
            .user_agent(concat!("tm/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Http {
            agent,
            timeout: timeout.timeout,
        }
    }

    /// Sends a request (with a JSON body if one is given) and returns the
    /// answer, whatever its status; a request that did not complete is a
    /// failure (exit 3) that says the URL once.
    pub fn send(
        &self,
        method: &str,
        url: &str,
        authorization: Option<&str>,
        body: Option<&str>,
    ) -> Result<Response, Failure> {
        let mut request = ureq::http::Request::builder().method(method).uri(url);
        if let Some(authorization) = authorization {
            request = request.header("Authorization", authorization);
        }
        let sent = match body {
            Some(body) => {
                request = request.header("Content-Type", "application/json");
                if body.len() > EXPECT_CONTINUE_ABOVE {
                    request = request.header("Expect", "100-continue");
                }
                self.run(request.body(body.as_bytes()))
            }
            None => self.run(request.body(())),
        };
        sent.map_err(|e| Failure::io(format!("{method} {url}: {}", self.transport(e, body))))
    }

    fn run(
        &self,
        request: Result<ureq::http::Request<impl ureq::AsSendBody>, ureq::http::Error>,
    ) -> Result<Response, ureq::Error> {
        self.agent.run(request?)
    }

    /// A request signed now (one timestamp, both sent and signed), sent.
    pub fn send_signed(
        &self,
        signer: &Signer,
        method: &str,
        url: &str,
        body: Option<&str>,
    ) -> Result<(Response, Signed), Failure> {
        let ts = Timestamp::now()?;
        let header = signer.authorization_string(ts);
        let payload = grown(|buf| signer.authorization_payload(ts, buf))?;
        let response = self.send(method, url, Some(&header), body)?;
        Ok((response, Signed(payload)))
    }

    /// Why a connection or an answer did not complete, in a user's words.
    fn transport(&self, error: ureq::Error, body: Option<&str>) -> String {
        match error {
            ureq::Error::Timeout(_) => self.stalled_text(),
            ureq::Error::HostNotFound => "cannot find the host".to_owned(),
            ureq::Error::ConnectionFailed => "cannot connect".to_owned(),
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                format!("cannot connect: {e}")
            }
            // The server closed the connection while the body was on its
            // way, and said nothing tm could read before it did.
            ureq::Error::Io(e)
                if body.is_some()
                    && matches!(
                        e.kind(),
                        std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
                    ) =>
            {
                format!(
                    "the connection failed while the {}-byte request body was being sent \
                     ({e}): the server stopped reading it without an answer tm could read",
                    body.map_or(0, str::len)
                )
            }
            ureq::Error::Io(e) => self
                .stalled(&e)
                .unwrap_or_else(|| format!("the connection failed: {e}")),
            e => e.to_string(),
        }
    }

    /// A read that ran out of time (what `--timeout` did), from the
    /// `io::Error` a body reader gives: a socket's own timeout, or ureq's
    /// wrapped in it.
    pub fn stalled(&self, e: &std::io::Error) -> Option<String> {
        let ureq_timeout = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<ureq::Error>())
            .is_some_and(|inner| matches!(inner, ureq::Error::Timeout(_)));
        let socket_timeout = matches!(
            e.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        );
        (ureq_timeout || socket_timeout).then(|| self.stalled_text())
    }

    fn stalled_text(&self) -> String {
        format!(
            "the server stalled: nothing came for {} s (--timeout {})",
            self.timeout, self.timeout
        )
    }

    /// An answer's body as text (at most 10 MB, ureq's default limit); a
    /// read that failed, said as such (exit 3).
    pub fn read(&self, method: &str, url: &str, response: Response) -> Result<String, Failure> {
        response.into_body().read_to_string().map_err(|e| {
            let why = match e {
                ureq::Error::Timeout(_) => self.stalled_text(),
                ureq::Error::Io(e) => self.stalled(&e).unwrap_or_else(|| e.to_string()),
                e => e.to_string(),
            };
            Failure::io(format!("{method} {url}: {why}"))
        })
    }
}

/// `tm time`: the server's clock against this machine's.
pub fn time(signer: &Signer, timeout: Timeout) -> Result<String, Failure> {
    let http = Http::new(timeout);
    let url = api_url(signer, "diagnostics/time");
    let response = http.send("GET", &url, None, None)?;
    let status = response.status().as_u16();
    let body = http.read("GET", &url, response)?;
    if status >= 400 {
        return Err(Failure::no(refusal("GET", status, &url, &body, None)));
    }
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
