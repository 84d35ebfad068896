//! The defect models behind the causes a report names: for each, the cause
//! as the hints word it, where such a defect sits (the signing client, the
//! adapter's glue, or the platform's query parser), and the fix in the terms
//! of the languages authors write in. A report prints the fix under each
//! cause; `cli/tests/conformance.rs` runs the Python adapter with each of its
//! defects switched on and checks that every cause it gets has a model here.

use serde::Serialize;

/// Where a defect sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LiesIn {
    /// The signing or verifying code itself.
    Client,
    /// The adapter's glue between the case and the client (a map that
    /// cannot hold a name twice).
    Glue,
    /// The platform's query parser the client relies on (`$_GET` and
    /// `parse_str`, Go's `url.ParseQuery`, Python's `parse_qsl`).
    QueryParser,
}

impl LiesIn {
    /// As a report says it.
    pub fn as_str(self) -> &'static str {
        match self {
            LiesIn::Client => "the client",
            LiesIn::Glue => "the client, or the adapter's glue",
            LiesIn::QueryParser => "the platform's query parser",
        }
    }
}

/// One modelled defect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Defect {
    /// The cause as the hints word it: a cause starting with this is this defect.
    pub cause: &'static str,
    /// Where it sits.
    pub lies_in: LiesIn,
    /// What to do about it.
    pub fix: &'static str,
}

const fn client(cause: &'static str, fix: &'static str) -> Defect {
    Defect {
        cause,
        lies_in: LiesIn::Client,
        fix,
    }
}

const fn parser(cause: &'static str, fix: &'static str) -> Defect {
    Defect {
        cause,
        lies_in: LiesIn::QueryParser,
        fix,
    }
}

const SIGN_RAW: &str =
    "sign the raw values; percent-encode only when writing the URL (rawurlencode, quote, encodeURIComponent)";
const ENCODE_LIKE_VALUES: &str = "percent-encode names and the access key as the values are \
     (RFC 3986: rawurlencode in PHP, quote(s, safe='') in Python, encodeURIComponent plus !'()* in JS, \
     url.QueryEscape in Go, whose '+' for a space Ticketmatic reads alike)";
const UNSIGNED_NAMES: &str =
    "leave exactly `l` and `ordercode` out of the signed text, and keep them in the URL";
const VERIFY_RAW_QUERY: &str = "verify the raw query string ($_SERVER['QUERY_STRING'], \
     r.URL.RawQuery, the text after '?'): split it on '&' and '=' yourself and form-decode each part, \
     instead of reading $_GET / parse_str, url.ParseQuery or parse_qsl";

/// Every modelled defect. More specific causes come before the causes they
/// start with.
pub const DEFECTS: &[Defect] = &[
    // Authorization headers.
    client("timestamp is ", "take the time in UTC (gmdate, datetime.now(timezone.utc), Date.toISOString(), time.Now().UTC()): local time is whole hours off"),
    client("timestamp has ", "write the timestamp as YYYY-MM-DDTHH:MM:SS in UTC: no zone, offset or fraction"),
    client("timestamp is not ", "write the timestamp as YYYY-MM-DDTHH:MM:SS in UTC"),
    client("signature in upper-case hex", "write the HMAC in lower-case hex (hash_hmac, hexdigest(), digest('hex'), hex.EncodeToString)"),
    client("signed the timestamp it sent", "format the timestamp as YYYY-MM-DDTHH:MM:SS, and sign the one you send"),
    client("account signed before the access key", "sign access key, account, timestamp, in that order"),
    client("account left out of the signed text", "sign access key + account + timestamp"),
    client("'_' signed for an account-less call", "sign an empty account name: '_' is only the URL's path segment"),
    client("timestamp signed with a zone suffix", "sign the timestamp without 'Z', as it is sent"),
    client("separators between the signed parts", "concatenate the parts with no separator"),
    client("the payload is right but its HMAC is not", "key the HMAC with the secret's UTF-8 bytes, SHA-256, lower-case hex"),
    client("the header value is 'TM-HMAC-SHA256", "write exactly 'TM-HMAC-SHA256 key=<key> ts=<timestamp> sign=<hex>', one space between parts"),
    client("same signature, but the header is not written exactly", "write exactly 'TM-HMAC-SHA256 key=<key> ts=<timestamp> sign=<hex>', one space between parts"),
    // Widget signatures and URLs (and return URLs verified with the same rules).
    client("names sorted numerically (PHP ksort)", "sort the names as strings, by their bytes: ksort($params, SORT_STRING) in PHP"),
    client("`l` was signed", UNSIGNED_NAMES),
    client("`ordercode` was signed", UNSIGNED_NAMES),
    client("`l` and `ordercode` were signed", UNSIGNED_NAMES),
    client("`ref` was left out of the signature", "sign `ref` like any other parameter (tm-php left it out in 2023-2024)"),
    client("`L` or `Ordercode` left out", "leave out exactly `l` and `ordercode`: names are case-sensitive"),
    client("values signed after", SIGN_RAW),
    client("names and values signed after", SIGN_RAW),
    client("space written as '+' in the payload", "sign a space as a space; '+' is only how a URL may write it"),
    client("parameters signed in the caller's order", "sort the signed parameters by name, comparing bytes"),
    client("parameters signed in the query's order", "sort the signed parameters by name, comparing bytes"),
    client("names sorted without regard to case", "sort by bytes: upper case sorts before lower case"),
    client("names sorted by UTF-16 code units", "sort by UTF-8 bytes (in JS compare new TextEncoder().encode(name), not the default sort)"),
    client("parameters with empty values left out", "sign a parameter with an empty value as its bare name"),
    client("signed as name=value&", "concatenate names and values with no '=' or '&'"),
    client("the URL ends with &accesskey", "end the URL with &accesskey=<key>&signature=<signature>"),
    client("names are not percent-encoded in the URL", ENCODE_LIKE_VALUES),
    client("the access key is not percent-encoded in the URL", ENCODE_LIKE_VALUES),
    client("names and the access key are not percent-encoded in the URL", ENCODE_LIKE_VALUES),
    // Return URLs.
    parser("the query read with PHP's parse_str", VERIFY_RAW_QUERY),
    client("'+' not decoded as a space", "form-decode the query: '+' is a space (urldecode, unquote_plus, url.QueryUnescape)"),
    client("parameters signed without decoding them first", "form-decode names and values (%XX and '+') before signing"),
    client("lower-case hex escapes not decoded", "decode %xx in either hex case"),
    client("empty pairs not ignored", "skip empty pairs ('&&', a trailing '&')"),
    client("upper-case signature accepted", "compare the signature exactly, as lower-case hex, in constant time (hash_equals, hmac.compare_digest, subtle.ConstantTimeCompare)"),
    client("a wrong signature was accepted", "compare the given signature, in constant time, with the HMAC of the other parameters under this secret"),
    client("a valid signature was refused", "check the key and the decoding: form-decode, leave out accesskey, signature, l and ordercode, sort, sign"),
    client("the checks, in order", "check accesskey (present and equal), then that a signature is there, then the signature"),
    // Valid inputs refused: the rule the case probes.
    client("an empty account is valid", "accept an empty account name: account-less calls (path `_`) sign an empty one"),
    client("empty pairs ('&&', a trailing '&') are ignored", "skip empty pairs instead of refusing the query"),
    client("a pair without '=' is a name with an empty value", "read a pair without '=' as a name with an empty value"),
    client("escapes may use either hex case", "decode %xx in either hex case"),
    client("an empty value is signed as the bare name", "accept empty values: sign the bare name"),
    client("access keys may hold any visible ASCII but space", "accept any visible ASCII but space in an access key, and percent-encode it in URLs"),
    client("any number of parameters is allowed", "take any number of parameters"),
    client("1970-01-01T00:00:00 to 9999-12-31T23:59:59 are all valid times", "accept every time from 1970 to 9999 (64-bit seconds, four-digit years)"),
    client("check the leap-year rule", "leap years are divisible by 4, and not by 100 unless by 400"),
    // Refusal rules (strictness).
    client("an access key with byte", "refuse an access key holding CR, LF or a space before building a header"),
    client("an empty secret key was accepted", "refuse an empty secret key"),
    client("a time past 9999-12-31T23:59:59 was accepted", "refuse times after 9999-12-31T23:59:59: the timestamp has four-digit years"),
    Defect {
        cause: "a parameter name given twice was accepted",
        lies_in: LiesIn::Glue,
        fix: "refuse a name given twice; if your API takes a map, which cannot hold one, the adapter's glue merged the pair: answer `skipped` there (PROTOCOL.md)",
    },
    client("'accesskey' or 'signature' accepted as a widget parameter", "refuse caller parameters named accesskey or signature: the signer adds both"),
    parser("a query with a name given twice was read", VERIFY_RAW_QUERY),
    parser("a '%' not followed by two hex digits was accepted", VERIFY_RAW_QUERY),
    parser("an escape that decodes to bytes that are not UTF-8 was accepted", VERIFY_RAW_QUERY),
];

/// The wrappers a hint may come in, around the defect's own cause.
const WRAPPERS: [&str; 3] = [
    "verified with the wrong rule: ",
    "likely: ",
    "consistent with all ",
];

/// The modelled defect a cause names, if any.
pub fn of_cause(cause: &str) -> Option<&'static Defect> {
    let mut cause = cause;
    for wrapper in WRAPPERS {
        if let Some(rest) = cause.strip_prefix(wrapper) {
            // "consistent with all N return-URL answers of this run: X"
            cause = rest.split_once(": ").map_or(rest, |(_, x)| x);
        }
    }
    if cause.contains(" that is not a plain path segment was accepted") {
        return Some(&PATH_SEGMENT);
    }
    DEFECTS
        .iter()
        .filter(|d| cause.starts_with(d.cause))
        .max_by_key(|d| d.cause.len())
}

/// An account or widget name that is not a path segment: the cause names
/// the field first, so it is matched apart.
const PATH_SEGMENT: Defect = client(
    "account name or widget name that is not a plain path segment was accepted",
    "refuse account and widget names with characters other than A-Z a-z 0-9 - . _ ~, and '.' and '..'",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_find_their_defect_through_their_wrappers() {
        let fix = |cause: &str| of_cause(cause).map(|d| d.fix);
        assert_eq!(fix("`l` was signed"), Some(UNSIGNED_NAMES));
        assert_eq!(
            fix("consistent with all 61 return-URL answers of this run: `l` was signed"),
            Some(UNSIGNED_NAMES)
        );
        assert_eq!(
            fix("verified with the wrong rule: names sorted numerically (PHP ksort)")
                .map(|f| f.contains("SORT_STRING")),
            Some(true)
        );
        assert_eq!(
            of_cause("names and values signed after URL encoding (encodeURIComponent)")
                .map(|d| d.cause),
            Some("names and values signed after")
        );
        assert_eq!(
            of_cause("widget name that is not a plain path segment was accepted: it goes into the URL's path unescaped")
                .map(|d| d.lies_in),
            Some(LiesIn::Client)
        );
        assert_eq!(of_cause("the case probes: unix-time"), None);
    }
}
