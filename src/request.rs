//! Server-side verification of API requests' `Authorization` headers, for
//! servers, proxies and mock servers that stand in for Ticketmatic.

use crate::signer::{keyed_prefix, request_signature};
use crate::{Error, Timestamp, MAX_ACCESS_KEY_LEN};

/// How far a request's timestamp may be from the server's clock, either way,
/// unless the caller says otherwise: Ticketmatic allows 30 minutes.
pub const DEFAULT_WINDOW_SECS: u32 = 30 * 60;

/// The parts of an `Authorization` header value
/// `TM-HMAC-SHA256 key=<access key> ts=<timestamp> sign=<64 lower-case hex>`.
///
/// ```
/// use ticketmatic_sign::Authorization;
///
/// let auth = Authorization::parse(
///     "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 \
///      sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590",
/// )?;
/// assert_eq!(auth.access_key(), "xyz");
/// assert_eq!(auth.timestamp().as_str(), "2017-07-29T16:40:46");
/// # Ok::<(), ticketmatic_sign::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorization<'h> {
    access_key: &'h str,
    timestamp: Timestamp,
    signature: &'h str,
}

impl<'h> Authorization<'h> {
    /// Parses the exact grammar: the scheme, one space, `key=` and an access
    /// key (1 to [`MAX_ACCESS_KEY_LEN`] bytes of visible ASCII), one space,
    /// `ts=` and a timestamp, one space, `sign=` and 64 lower-case hex digits,
    /// and nothing else. Anything else is
    /// [`Error::MalformedAuthorization`] with the offset where it departs.
    pub fn parse(header: &'h str) -> Result<Self, Error> {
        let bytes = header.as_bytes();
        let malformed = |offset: usize| Error::MalformedAuthorization { offset };
        let expect = |at: usize, literal: &str| -> Result<usize, Error> {
            let end = at + literal.len();
            match bytes.get(at..end) {
                Some(found) if found == literal.as_bytes() => Ok(end),
                // The first byte that differs, or the end of the header.
                _ => Err(malformed(
                    at + bytes[at.min(bytes.len())..]
                        .iter()
                        .zip(literal.as_bytes())
                        .take_while(|(a, b)| a == b)
                        .count(),
                )),
            }
        };

        let key_start = expect(0, "TM-HMAC-SHA256 key=")?;
        let key_len = bytes[key_start..]
            .iter()
            .take_while(|b| b.is_ascii_graphic())
            .count();
        if key_len == 0 || key_len > MAX_ACCESS_KEY_LEN {
            return Err(malformed(key_start + key_len.min(MAX_ACCESS_KEY_LEN)));
        }
        let key_end = key_start + key_len;
        let ts_start = expect(key_end, " ts=")?;
        let ts_end = ts_start + Timestamp::LEN;
        let timestamp = header
            .get(ts_start..ts_end)
            .and_then(|text| Timestamp::parse(text).ok())
            .ok_or_else(|| malformed(ts_start))?;
        let sign_start = expect(ts_end, " sign=")?;
        let sign = &bytes[sign_start..];
        let hex_len = sign
            .iter()
            .take_while(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            .count();
        if hex_len != 64 || sign.len() != 64 {
            return Err(malformed(sign_start + hex_len.min(64)));
        }
        // Cuts at ASCII bytes are character boundaries: `get` succeeds.
        match (header.get(key_start..key_end), header.get(sign_start..)) {
            (Some(access_key), Some(signature)) => Ok(Authorization {
                access_key,
                timestamp,
                signature,
            }),
            _ => Err(malformed(key_start)),
        }
    }

    /// The access key the request claims.
    pub fn access_key(&self) -> &'h str {
        self.access_key
    }

    /// The time the request claims to have been made.
    pub fn timestamp(&self) -> Timestamp {
        self.timestamp
    }

    /// The signature as sent: 64 lower-case hex digits.
    pub fn signature(&self) -> &'h str {
        self.signature
    }
}

/// Verifies an API request's `Authorization` header as Ticketmatic does.
///
/// - `account`: the account name of the request's path (`/api/1/{account}/...`),
///   empty for account-less calls (path segment `_`);
/// - `now`: the server's clock; `window_secs`: how far the request's
///   timestamp may be from it either way ([`DEFAULT_WINDOW_SECS`]);
/// - `secret_for`: looks up the secret key of an access key (a server has
///   many key pairs); `None` for an unknown key.
///
/// In this order, it refuses a header that does not parse
/// ([`Error::MalformedAuthorization`]), an unknown access key
/// ([`Error::UnknownAccessKey`]), a signature that does not match
/// ([`Error::SignatureMismatch`], compared in constant time), and then a
/// timestamp outside the window ([`Error::TimestampOutsideWindow`], with
/// the skew): the window is checked last so that its error means "signed
/// with the right key, but the clocks disagree", the usual cause of refused
/// requests. Returns the parsed header.
///
/// ```
/// use ticketmatic_sign::{verify_authorization, Error, Signer, Timestamp, DEFAULT_WINDOW_SECS};
///
/// let secret_for = |key: &str| (key == "xyz").then_some(b"xyz".as_slice());
/// let ts = Timestamp::parse("2017-07-29T16:40:46")?;
/// let header = Signer::new("xyz", b"xyz", "ticketmatic")?.authorization_string(ts);
///
/// let auth = verify_authorization(&header, "ticketmatic", ts, DEFAULT_WINDOW_SECS, secret_for)?;
/// assert_eq!(auth.access_key(), "xyz");
///
/// let an_hour_later = Timestamp::from_unix(ts.unix() + 3600)?;
/// assert_eq!(
///     verify_authorization(&header, "ticketmatic", an_hour_later, DEFAULT_WINDOW_SECS, secret_for),
///     Err(Error::TimestampOutsideWindow { skew_secs: -3600, window_secs: DEFAULT_WINDOW_SECS })
/// );
/// assert_eq!(
///     verify_authorization(&header, "club", ts, DEFAULT_WINDOW_SECS, secret_for),
///     Err(Error::SignatureMismatch)
/// );
/// # Ok::<(), Error>(())
/// ```
pub fn verify_authorization<'h, 's>(
    header: &'h str,
    account: &str,
    now: Timestamp,
    window_secs: u32,
    secret_for: impl FnOnce(&str) -> Option<&'s [u8]>,
) -> Result<Authorization<'h>, Error> {
    let auth = Authorization::parse(header)?;
    let secret = secret_for(auth.access_key).ok_or(Error::UnknownAccessKey)?;
    // The key schedule alone: a whole `Signer` would copy texts it never reads.
    let prefixed = keyed_prefix(auth.access_key, secret, account)?;
    if !request_signature(prefixed, auth.timestamp).matches(auth.signature.as_bytes()) {
        return Err(Error::SignatureMismatch);
    }
    let skew_secs = auth.timestamp.unix() - now.unix();
    if skew_secs.unsigned_abs() > u64::from(window_secs) {
        return Err(Error::TimestampOutsideWindow {
            skew_secs,
            window_secs,
        });
    }
    Ok(auth)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590";

    #[test]
    fn parses_the_exact_grammar() {
        let auth = Authorization::parse(VALID).unwrap();
        assert_eq!(auth.access_key(), "xyz");
        assert_eq!(auth.timestamp().unix(), 1_501_346_446);
        assert_eq!(
            auth.signature(),
            "192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590"
        );
    }

    #[test]
    fn malformed_headers_say_where() {
        let cases: [(&str, usize); 14] = [
            ("", 0),
            ("TM-HMAC-SHA256", 14),
            ("tm-hmac-sha256 key=xyz", 0),
            ("TM-HMAC-SHA256  key=xyz", 15),
            ("TM-HMAC-SHA256 key= ts=2017-07-29T16:40:46", 19),
            ("TM-HMAC-SHA256 key=xyz  ts=2017-07-29T16:40:46", 23),
            ("TM-HMAC-SHA256 key=xyz ts=2017-07-29 16:40:46", 26),
            ("TM-HMAC-SHA256 key=xyz ts=2017-13-29T16:40:46", 26),
            ("TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46", 45),
            ("TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=", 51),
            (
                "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=1924",
                55,
            ),
            (
                "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=192437C5",
                57,
            ),
            ("TM-HMAC-SHA256 key=x\r\nEvil: 1 ts=2017-07-29T16:40:46", 20),
            ("TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=ab ", 53),
        ];
        for (header, offset) in cases {
            assert_eq!(
                Authorization::parse(header),
                Err(Error::MalformedAuthorization { offset }),
                "{header:?}"
            );
        }
        let long = std::format!("TM-HMAC-SHA256 key={}", "k".repeat(100));
        assert_eq!(
            Authorization::parse(&long),
            Err(Error::MalformedAuthorization { offset: 19 + 64 })
        );
        assert_eq!(
            Authorization::parse(&std::format!("{VALID} ")),
            Err(Error::MalformedAuthorization { offset: 51 + 64 })
        );
    }
}
