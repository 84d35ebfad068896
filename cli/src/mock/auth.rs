//! Authentication of API requests: `TM-HMAC-SHA256` (checked by the core
//! crate's `verify_authorization`) or Basic with the key pair, as the
//! documentation allows. A refusal says precisely why, with what a client
//! author needs in `applicationdata`.

use base64::Engine;
use hyper::header::HeaderName;
use hyper::StatusCode;
use ticketmatic_sign::{
    verify_authorization, Authorization, Error, Signer, Timestamp, DEFAULT_WINDOW_SECS,
};

use super::problem::Problem;
use super::Keys;

const EXPECTED_PAYLOAD: HeaderName = HeaderName::from_static("x-tm-expected-payload");

/// Who a request authenticated as.
pub struct Accepted {
    pub scheme: &'static str,
    pub access_key: String,
}

/// Why a request was refused.
pub struct Refused {
    pub scheme: String,
    pub access_key: Option<String>,
    pub problem: Box<Problem>,
}

/// Checks the `Authorization` header of a request to `account` ("" for
/// account-less calls) at the server's time `now`.
pub fn check(
    header: Option<&str>,
    account: &str,
    now: Timestamp,
    keys: &Keys,
) -> Result<Accepted, Refused> {
    let refuse = |scheme: &str, access_key: Option<&str>, problem: Problem| Refused {
        scheme: scheme.to_owned(),
        access_key: access_key.map(str::to_owned),
        problem: Box::new(problem.header(hyper::header::WWW_AUTHENTICATE, "TM-HMAC-SHA256, Basic")),
    };
    let Some(header) = header else {
        let problem = unauthorized(
            "no Authorization header: sign the request (TM-HMAC-SHA256 key=... ts=... sign=...) \
             or use Basic authentication",
        );
        return Err(refuse("none", None, problem));
    };
    let accepted = match header.split_once(' ') {
        Some(("TM-HMAC-SHA256", _)) => {
            hmac(header, account, now, keys).map(|key| ("tm-hmac-sha256", key))
        }
        Some(("Basic", credentials)) => basic(credentials, keys).map(|key| ("basic", key)),
        _ => {
            let scheme = header.split(' ').next().unwrap_or_default();
            let problem = unauthorized(format!(
                "Authorization scheme '{scheme}' is not accepted: use TM-HMAC-SHA256 or Basic"
            ));
            return Err(refuse(scheme, None, problem));
        }
    };
    let scheme = if header.starts_with("Basic") {
        "basic"
    } else {
        "tm-hmac-sha256"
    };
    match accepted {
        Ok((scheme, access_key)) if account_allowed(account, keys) => {
            Ok(Accepted { scheme, access_key })
        }
        Ok((scheme, access_key)) => {
            let problem = Problem::new(
                StatusCode::FORBIDDEN,
                format!("access key {access_key} has no access to account '{account}'"),
            )
            .with("account", account)
            .with("accounts", vec![keys.account.clone()]);
            Err(refuse(scheme, Some(&access_key), problem))
        }
        Err((access_key, problem)) => Err(refuse(scheme, access_key.as_deref(), problem)),
    }
}

/// The key pair's own account, or an account-less call.
fn account_allowed(account: &str, keys: &Keys) -> bool {
    account.is_empty() || account == keys.account
}

fn unauthorized(message: impl Into<String>) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, message)
}

type Failure = (Option<String>, Problem);

fn hmac(header: &str, account: &str, now: Timestamp, keys: &Keys) -> Result<String, Failure> {
    let secret = keys.secret_key.as_bytes();
    let lookup = |key: &str| (key == keys.access_key).then_some(secret);
    let claimed = Authorization::parse(header).ok();
    let key = claimed.map(|a| a.access_key().to_owned());
    match verify_authorization(header, account, now, DEFAULT_WINDOW_SECS, lookup) {
        Ok(auth) => Ok(auth.access_key().to_owned()),
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
            if let Some(payload) =
                claimed.and_then(|a| expected_payload(keys, account, a.timestamp()))
            {
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
fn expected_payload(keys: &Keys, account: &str, ts: Timestamp) -> Option<String> {
    let signer = Signer::new(&keys.access_key, keys.secret_key.as_bytes(), account).ok()?;
    let mut buf = [0u8; 512];
    signer
        .authorization_payload(ts, &mut buf)
        .ok()
        .map(str::to_owned)
}

fn basic(encoded: &str, keys: &Keys) -> Result<String, Failure> {
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
    if key != keys.access_key {
        let message = format!("Basic authentication: unknown access key '{key}'");
        return Err((
            Some(key.to_owned()),
            unauthorized(message).with("access_key", key),
        ));
    }
    if !same(secret.as_bytes(), keys.secret_key.as_bytes()) {
        let message = format!("Basic authentication: wrong secret key for access key '{key}'");
        return Err((Some(key.to_owned()), unauthorized(message)));
    }
    Ok(key.to_owned())
}

/// Byte equality in time that depends on the lengths only.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}
