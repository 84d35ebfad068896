//! A plain, allocating implementation of SPEC sections 1-3, written to be
//! obviously right when read next to the SPEC, and nothing else. The property
//! tests and the fuzz targets check the crate against it.
#![allow(dead_code)]

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Lower-case hex of HMAC-SHA256(secret, message).
pub fn hmac_hex(secret: &[u8], message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    mac.update(message.as_bytes());
    let tag = mac.finalize().into_bytes();
    tag.iter().map(|b| format!("{b:02x}")).collect()
}

/// SPEC 1: the signed message of an API request.
pub fn header_payload(access_key: &str, account: &str, timestamp: &str) -> String {
    format!("{access_key}{account}{timestamp}")
}

/// SPEC 1: the Authorization header value.
pub fn header(access_key: &str, secret: &[u8], account: &str, timestamp: &str) -> String {
    let sign = hmac_hex(secret, &header_payload(access_key, account, timestamp));
    format!("TM-HMAC-SHA256 key={access_key} ts={timestamp} sign={sign}")
}

/// SPEC 2: the signed message of a widget URL. Parameters other than `l` and
/// `ordercode`, sorted by name (byte-wise), `name ++ value` each.
pub fn widget_payload(access_key: &str, account: &str, params: &[(String, String)]) -> String {
    let mut signed: Vec<&(String, String)> = params
        .iter()
        .filter(|(name, _)| name != "l" && name != "ordercode")
        .collect();
    signed.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut payload = format!("{access_key}{account}");
    for (name, value) in signed {
        payload.push_str(name);
        payload.push_str(value);
    }
    payload
}

pub fn widget_signature(
    access_key: &str,
    secret: &[u8],
    account: &str,
    params: &[(String, String)],
) -> String {
    hmac_hex(secret, &widget_payload(access_key, account, params))
}

/// SPEC 2: RFC 3986 percent-encoding, upper-case hex, only A-Z a-z 0-9 - . _ ~ kept.
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// SPEC 2: the widget URL.
pub fn widget_url(
    base: &str,
    access_key: &str,
    secret: &[u8],
    account: &str,
    widget: &str,
    params: &[(String, String)],
) -> String {
    let mut query: Vec<String> = params
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect();
    query.push(format!("accesskey={}", encode(access_key)));
    query.push(format!(
        "signature={}",
        widget_signature(access_key, secret, account, params)
    ));
    format!("{base}/widgets/{account}/{widget}?{}", query.join("&"))
}

/// Decodes `%XX` (and, for form encoding, `+` as a space). `None` if an escape
/// is malformed or the result is not UTF-8.
pub fn percent_decode(text: &str, plus_is_space: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Splits a query into decoded (name, value) pairs, skipping empty components.
pub fn parse_query(query: &str, plus_is_space: bool) -> Option<Vec<(String, String)>> {
    query
        .split('&')
        .filter(|c| !c.is_empty())
        .map(|c| {
            let (n, v) = c.split_once('=').unwrap_or((c, ""));
            Some((
                percent_decode(n, plus_is_space)?,
                percent_decode(v, plus_is_space)?,
            ))
        })
        .collect()
}

/// How a return URL fails, in the SPEC's words.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Verdict {
    Valid,
    Malformed,
    BadAccessKey,
    SignatureMissing,
    SignatureMismatch,
}

/// SPEC 3: verifies a return URL's query.
pub fn verify_return_url(access_key: &str, secret: &[u8], account: &str, query: &str) -> Verdict {
    let Some(params) = parse_query(query, true) else {
        return Verdict::Malformed;
    };
    let mut names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    if names.windows(2).any(|w| w[0] == w[1]) {
        return Verdict::Malformed;
    }
    let get = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    if get("accesskey").as_deref() != Some(access_key) {
        return Verdict::BadAccessKey;
    }
    let Some(signature) = get("signature") else {
        return Verdict::SignatureMissing;
    };
    let rest: Vec<(String, String)> = params
        .iter()
        .filter(|(n, _)| n != "accesskey" && n != "signature")
        .cloned()
        .collect();
    if widget_signature(access_key, secret, account, &rest) == signature {
        Verdict::Valid
    } else {
        Verdict::SignatureMismatch
    }
}
