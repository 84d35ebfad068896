//! The server side: an incoming request's `Authorization`, checked as
//! Ticketmatic checks it. `TM-HMAC-SHA256` goes through the core crate's
//! [`verify_authorization`]; Basic authentication (access key and secret),
//! which Ticketmatic also accepts, compares the secret in constant time. A
//! refusal is a [`Problem`] in Ticketmatic's error shape that says
//! precisely why, with what a client's author needs in `applicationdata`.

use base64::Engine;
use http::header::{HeaderName, AUTHORIZATION, WWW_AUTHENTICATE};
use http::{HeaderValue, Request, StatusCode};
use ticketmatic_sign::{verify_authorization, Authorization, Error, Signer, Timestamp};

use crate::path::account_in_path;
use crate::Problem;

/// `X-Tm-Expected-Payload`: the text a refused signature should have
/// signed, also in `applicationdata.expected_payload`.
pub const EXPECTED_PAYLOAD: HeaderName = HeaderName::from_static("x-tm-expected-payload");

/// A key pair the server knows: its secret, and the account it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct KeyPair<'k> {
    /// The secret key's bytes.
    pub secret: &'k [u8],
    /// The account the key pair may use (account-less calls are open to
    /// every key pair).
    pub account: &'k str,
}

/// How a request authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `TM-HMAC-SHA256 key=... ts=... sign=...`.
    TmHmacSha256,
    /// `Basic base64(access key:secret key)`.
    Basic,
}

impl Scheme {
    /// `tm-hmac-sha256` or `basic`, as logs say it.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::TmHmacSha256 => "tm-hmac-sha256",
            Scheme::Basic => "basic",
        }
    }
}

/// A request that authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// How.
    pub scheme: Scheme,
    /// As whom.
    pub access_key: String,
    /// The signed timestamp (none for Basic authentication).
    pub timestamp: Option<Timestamp>,
}

/// A request that did not authenticate, or may not do this.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The scheme the header named (`none` without one), as logs say it.
    pub scheme: String,
    /// The access key the header claimed, where it named one.
    pub access_key: Option<String>,
    /// The answer to send: 401 (authentication), 403 (another account's
    /// key), or 404 (not an API path). (Boxed: a `Result` stays small.)
    pub problem: Box<Problem>,
}

/// Verifies `request` as Ticketmatic does: its path names the account
/// (`/api/1/{account}/...`, `_` for account-less calls, under any prefix a
/// proxy adds), its `Authorization` header the key pair, looked up with
/// `key_pair`. `now` is the server's clock; `window_secs` how far a signed
/// timestamp may be from it
/// ([`DEFAULT_WINDOW_SECS`](ticketmatic_sign::DEFAULT_WINDOW_SECS)).
///
/// ```
/// use ticketmatic_sign::{Signer, Timestamp, DEFAULT_WINDOW_SECS};
/// use ticketmatic_sign_http::{sign, verify_request, KeyPair};
///
/// let signer = Signer::new("azertyuiop", b"qsdfghjklm", "myaccountname")?;
/// let now = Timestamp::parse("2026-11-23T09:26:56")?;
/// let mut request = http::Request::get("https://apps.ticketmatic.com/api/1/myaccountname/events")
///     .body(())
///     .unwrap();
/// sign(&mut request, &signer, now)?;
///
/// let keys = |key: &str| {
///     (key == "azertyuiop").then_some(KeyPair { secret: b"qsdfghjklm", account: "myaccountname" })
/// };
/// let verified = verify_request(&request, now, DEFAULT_WINDOW_SECS, keys).unwrap();
/// assert_eq!(verified.access_key, "azertyuiop");
///
/// let an_hour_later = Timestamp::from_unix(now.unix() + 3600)?;
/// let refusal = verify_request(&request, an_hour_later, DEFAULT_WINDOW_SECS, keys).unwrap_err();
/// assert_eq!(refusal.problem.status, 401);
/// assert_eq!(refusal.problem.data["skew_secs"], -3600);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_request<'k, B>(
    request: &Request<B>,
    now: Timestamp,
    window_secs: u32,
    key_pair: impl Fn(&str) -> Option<KeyPair<'k>>,
) -> Result<Verified, Refusal> {
    verify_parts(request.uri(), request.headers(), now, window_secs, key_pair)
}

/// [`verify_request`] on a request's parts (what the axum extractor has).
pub(crate) fn verify_parts<'k>(
    uri: &http::Uri,
    headers: &http::HeaderMap,
    now: Timestamp,
    window_secs: u32,
    key_pair: impl Fn(&str) -> Option<KeyPair<'k>>,
) -> Result<Verified, Refusal> {
    let Some(account) = account_in_path(uri.path()) else {
        return Err(Refusal {
            scheme: "none".into(),
            access_key: None,
            problem: Box::new(Problem::new(
                StatusCode::NOT_FOUND,
                format!(
                    "{}: not a Ticketmatic API path (/api/1/{{account}}/...)",
                    uri.path()
                ),
            )),
        });
    };
    verify_header(
        headers.get(AUTHORIZATION),
        account,
        now,
        window_secs,
        key_pair,
    )
}

/// [`verify_request`] for a header and an account already known (`""` for
/// account-less calls).
pub fn verify_header<'k>(
    header: Option<&HeaderValue>,
    account: &str,
    now: Timestamp,
    window_secs: u32,
    key_pair: impl Fn(&str) -> Option<KeyPair<'k>>,
) -> Result<Verified, Refusal> {
    let refuse = |scheme: &str, access_key: Option<&str>, problem: Problem| Refusal {
        scheme: scheme.to_owned(),
        access_key: access_key.map(str::to_owned),
        problem: Box::new(problem.header(WWW_AUTHENTICATE, "TM-HMAC-SHA256, Basic")),
    };
    let Some(header) = header else {
        let problem = unauthorized(
            "no Authorization header: sign the request (TM-HMAC-SHA256 key=... ts=... sign=...) \
             or use Basic authentication",
        );
        return Err(refuse("none", None, problem));
    };
    // Not visible ASCII: no scheme can be read, and no key named.
    let text = header.to_str().unwrap_or("\u{fffd}");
    let (scheme, verified) = match text.split_once(' ') {
        Some(("TM-HMAC-SHA256", _)) => (
            Scheme::TmHmacSha256,
            hmac(text, account, now, window_secs, &key_pair),
        ),
        Some(("Basic", credentials)) => (Scheme::Basic, basic(credentials, &key_pair)),
        _ => {
            let scheme = text.split(' ').next().unwrap_or_default();
            let problem = unauthorized(format!(
                "Authorization scheme '{scheme}' is not accepted: use TM-HMAC-SHA256 or Basic"
            ));
            return Err(refuse(scheme, None, problem));
        }
    };
    let (access_key, timestamp) =
        verified.map_err(|(key, problem)| refuse(scheme.as_str(), key.as_deref(), problem))?;
    let own = key_pair(&access_key).map(|k| k.account).unwrap_or_default();
    if !account.is_empty() && account != own {
        let problem = Problem::new(
            StatusCode::FORBIDDEN,
            format!("access key {access_key} has no access to account '{account}'"),
        )
        .with("account", account)
        .with("accounts", vec![own]);
        return Err(refuse(scheme.as_str(), Some(&access_key), problem));
    }
    Ok(Verified {
        scheme,
        access_key,
        timestamp,
    })
}

fn unauthorized(message: impl Into<String>) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, message)
}

/// Why a scheme refused: the access key it named, if any, and the problem.
type Refused = (Option<String>, Problem);

fn hmac<'k>(
    header: &str,
    account: &str,
    now: Timestamp,
    window_secs: u32,
    key_pair: &impl Fn(&str) -> Option<KeyPair<'k>>,
) -> Result<(String, Option<Timestamp>), Refused> {
    let claimed = Authorization::parse(header).ok();
    let key = claimed.map(|a| a.access_key().to_owned());
    let secret_for = |key: &str| key_pair(key).map(|k| k.secret);
    match verify_authorization(header, account, now, window_secs, secret_for) {
        Ok(auth) => Ok((auth.access_key().to_owned(), Some(auth.timestamp()))),
        Err(e @ Error::MalformedAuthorization { offset }) => Err((
            None,
            unauthorized(e.to_string()).with("offset", offset).with(
                "expected_form",
                "TM-HMAC-SHA256 key=<access key> ts=<YYYY-MM-DDTHH:MM:SS> sign=<64 lower-case hex>",
            ),
        )),
        // Say so, and compute nothing with another key.
        Err(Error::UnknownAccessKey) => {
            let key = key.unwrap_or_default();
            let message = format!("Authorization header: unknown access key '{key}'");
            Err((
                Some(key.clone()),
                unauthorized(message).with("access_key", key),
            ))
        }
        Err(e @ Error::SignatureMismatch) => {
            let mut problem = unauthorized(e.to_string());
            let expected = claimed.and_then(|a| {
                let pair = key_pair(a.access_key())?;
                expected_payload(a.access_key(), pair.secret, account, a.timestamp())
            });
            if let Some(payload) = expected {
                problem = problem
                    .with("expected_payload", payload.as_str())
                    .header(EXPECTED_PAYLOAD, &payload);
            }
            Err((key, problem))
        }
        Err(
            e @ Error::TimestampOutsideWindow {
                skew_secs,
                window_secs,
            },
        ) => Err((
            key,
            unauthorized(e.to_string())
                .with("skew_secs", skew_secs)
                .with("window_secs", window_secs)
                .with("server_time", now.as_str()),
        )),
        Err(e) => Err((key, unauthorized(e.to_string()))),
    }
}

/// What the server signs for a request made at `ts` with this key pair.
fn expected_payload(
    access_key: &str,
    secret: &[u8],
    account: &str,
    ts: Timestamp,
) -> Option<String> {
    let signer = Signer::new(access_key, secret, account).ok()?;
    let mut buf = [0u8; 512];
    signer
        .authorization_payload(ts, &mut buf)
        .ok()
        .map(str::to_owned)
}

fn basic<'k>(
    encoded: &str,
    key_pair: &impl Fn(&str) -> Option<KeyPair<'k>>,
) -> Result<(String, Option<Timestamp>), Refused> {
    let malformed = || {
        (
            None,
            unauthorized("Basic authentication: not base64 of 'access key:secret key'"),
        )
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| malformed())?;
    let text = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (key, secret) = text.split_once(':').ok_or_else(malformed)?;
    let Some(pair) = key_pair(key) else {
        let message = format!("Basic authentication: unknown access key '{key}'");
        return Err((
            Some(key.to_owned()),
            unauthorized(message).with("access_key", key),
        ));
    };
    if !same(secret.as_bytes(), pair.secret) {
        let message = format!("Basic authentication: wrong secret key for access key '{key}'");
        return Err((Some(key.to_owned()), unauthorized(message)));
    }
    Ok((key.to_owned(), None))
}

/// Byte equality in time that depends on the lengths only.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}
