//! The client side: an outgoing `http::Request` signed in place.

use http::header::AUTHORIZATION;
use http::{HeaderValue, Request};
use ticketmatic_sign::{Signer, Timestamp};

use crate::path::account_in_path;

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignError {
    /// The request's path is not under `/api/1/{account}/`.
    NotAnApiPath(String),
    /// The path names another account than the signer's: the signature
    /// would be refused. (`_` in the path needs a signer with an empty
    /// account.)
    OtherAccount {
        /// The account of the path (`""` for `_`).
        path: String,
        /// The signer's.
        signer: String,
    },
    /// The core crate refused (the system clock outside 1970 to 9999).
    Sign(ticketmatic_sign::Error),
}

impl std::fmt::Display for SignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignError::NotAnApiPath(path) => {
                write!(
                    f,
                    "{path}: not a Ticketmatic API path (/api/1/{{account}}/...)"
                )
            }
            SignError::OtherAccount { path, signer } => write!(
                f,
                "the path's account '{path}' is not the signer's ('{signer}'): \
                 use a signer for that account (an empty one for '_')"
            ),
            SignError::Sign(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for SignError {}

impl From<ticketmatic_sign::Error> for SignError {
    fn from(e: ticketmatic_sign::Error) -> Self {
        SignError::Sign(e)
    }
}

/// Sets `request`'s `Authorization` header, signed for `ts` (inject the
/// time: tests and retries choose it; [`sign_now`] reads the clock). The
/// path must name the signer's account.
///
/// ```
/// use ticketmatic_sign::{Signer, Timestamp};
///
/// let signer = Signer::new("xyz", b"xyz", "ticketmatic")?;
/// let mut request = http::Request::get("https://apps.ticketmatic.com/api/1/ticketmatic/events")
///     .body(())
///     .unwrap();
/// ticketmatic_sign_http::sign(&mut request, &signer, Timestamp::parse("2017-07-29T16:40:46")?)?;
/// assert_eq!(
///     request.headers()["authorization"],
///     "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign<B>(request: &mut Request<B>, signer: &Signer, ts: Timestamp) -> Result<(), SignError> {
    let value = authorization_for(request.uri().path(), signer, ts)?;
    request.headers_mut().insert(AUTHORIZATION, value);
    Ok(())
}

/// The `Authorization` value of a request to `path`, for every client type
/// (`http::Request`, `reqwest::Request`).
pub(crate) fn authorization_for(
    path: &str,
    signer: &Signer,
    ts: Timestamp,
) -> Result<HeaderValue, SignError> {
    let account = account_in_path(path).ok_or_else(|| SignError::NotAnApiPath(path.to_owned()))?;
    if account != signer.account() {
        return Err(SignError::OtherAccount {
            path: account.to_owned(),
            signer: signer.account().to_owned(),
        });
    }
    let header = signer.authorization_string(ts);
    // The header is visible ASCII by construction (the access key is checked).
    HeaderValue::from_str(&header).map_err(|_| SignError::Sign(ticketmatic_sign::Error::Write))
}

/// [`sign`] at the system clock's time, read once.
pub fn sign_now<B>(request: &mut Request<B>, signer: &Signer) -> Result<(), SignError> {
    sign(request, signer, Timestamp::now()?)
}
