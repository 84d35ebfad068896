//! Authentication of API requests, by the `ticketmatic-sign-http` crate
//! (`TM-HMAC-SHA256` through the core crate, or Basic with the key pair):
//! the mock only says which key pair it knows.

use hyper::header::HeaderValue;
use ticketmatic_sign::{Timestamp, DEFAULT_WINDOW_SECS};
use ticketmatic_sign_http::{verify_header, KeyPair, Refusal, Verified};

use super::Keys;

/// Checks the `Authorization` header of a request to `account` ("" for
/// account-less calls) at the server's time `now`, against the one key pair.
pub fn check(
    header: Option<&HeaderValue>,
    account: &str,
    now: Timestamp,
    keys: &Keys,
) -> Result<Verified, Refusal> {
    let key_pair = |key: &str| {
        (key == keys.access_key).then_some(KeyPair {
            secret: keys.secret_key.as_bytes(),
            account: &keys.account,
        })
    };
    verify_header(header, account, now, DEFAULT_WINDOW_SECS, key_pair)
}
