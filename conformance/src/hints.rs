//! Hints: which rule an implementation probably broke, found by redoing the
//! computation under the rules implementations are known to get wrong and
//! seeing which one reproduces the adapter's answer. Everything here is
//! derived from the case's data and the answer, never from case ids.

use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;
use ticketmatic_sign::{Error, Field, Timestamp};

use crate::case::{Case, Kind, Vector};
use crate::flags;
use crate::form;
use crate::reference;

/// Lower-case hex HMAC-SHA256 of `payload` under `secret`.
pub(crate) fn hmac_hex(secret: &str, payload: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(payload.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Hints for a case that must be refused but was answered: the rule the
/// reference refused it by.
pub fn accepted_invalid(case: &Case) -> Vec<String> {
    let hint = match reference::compute(case) {
        Err(Error::InvalidByte {
            field: Field::AccessKey,
            byte,
            ..
        }) => format!(
            "an access key with byte {byte:#04x} was accepted: CR, LF or space would break \
             (or inject) the header"
        ),
        Err(Error::Empty(Field::SecretKey)) => "an empty secret key was accepted".into(),
        Err(Error::TimeOutOfRange) => {
            "a time past 9999-12-31T23:59:59 was accepted: years have four digits".into()
        }
        Err(Error::InvalidByte { field, .. } | Error::DotSegment(field))
            if matches!(field, Field::Account | Field::Widget) =>
        {
            format!(
                "{field} that is not a plain path segment was accepted: it goes into the URL's \
                 path unescaped"
            )
        }
        Err(Error::DuplicateName(Field::Param(_))) => {
            "a parameter name given twice was accepted: its signature is undefined".into()
        }
        Err(Error::ReservedName(_)) => {
            "'accesskey' or 'signature' accepted as a widget parameter: the URL then holds the \
             name twice (tm-php), or one replaces the other (tm-go puts a caller's accesskey in \
             the URL instead of the signer's, and its own signature in place of a caller's)"
                .into()
        }
        Err(Error::DuplicateName(Field::Query(_))) => {
            "a query with a name given twice was read (PHP keeps the last value, Go joins them): \
             refuse it"
                .into()
        }
        Err(Error::BadEscape { .. }) => {
            "a '%' not followed by two hex digits was accepted: refuse the query".into()
        }
        Err(Error::InvalidUtf8(_)) => {
            "an escape that decodes to bytes that are not UTF-8 was accepted: refuse the query"
                .into()
        }
        Err(other) => format!("this crate refuses it: {other}"),
        Ok(_) => return Vec::new(),
    };
    vec![hint]
}

/// Hints for valid inputs that were refused: what the case probes.
pub fn refused_valid(vector: &Vector) -> Vec<String> {
    let flags = flags::of(&vector.case);
    let mut hints = Vec::new();
    let mut say = |flag: &str, hint: &str| {
        if flags.contains(&flag) {
            hints.push(hint.to_owned());
        }
    };
    say(
        "empty-account",
        "an empty account is valid: account-less calls sign an empty name",
    );
    say(
        "empty-pair",
        "empty pairs ('&&', a trailing '&') are ignored",
    );
    say(
        "pair-without-equals",
        "a pair without '=' is a name with an empty value",
    );
    say("lower-case-hex-escape", "escapes may use either hex case");
    say("empty-value", "an empty value is signed as the bare name");
    say(
        "access-key-punctuation",
        "access keys may hold any visible ASCII but space",
    );
    say("many-params", "any number of parameters is allowed");
    say(
        "range-edge",
        "1970-01-01T00:00:00 to 9999-12-31T23:59:59 are all valid times",
    );
    say(
        "leap-day",
        "check the leap-year rule: 2000 and 2400 are leap years, 2100 is not",
    );
    if hints.is_empty() {
        hints.push(format!("the case probes: {}", flags.join(", ")));
    } else if hints.len() > 1 {
        hints.insert(
            0,
            "one of these is valid, though it may look suspect:".into(),
        );
    }
    hints
}

/// Hints for an output that differs from the expected one.
pub fn wrong_output(vector: &Vector, output: &Map<String, Value>) -> Vec<String> {
    let case = &vector.case;
    match case.kind() {
        Kind::Authorization => authorization(vector, output),
        Kind::Widget => widget(case, output),
        Kind::ReturnUrl => return_url(vector, output),
        Kind::AuthorizationCheck => Vec::new(),
    }
}

// ----- Authorization headers ---------------------------------------------------

fn authorization(vector: &Vector, output: &Map<String, Value>) -> Vec<String> {
    let case = &vector.case;
    let text = |name: &str| output.get(name).and_then(Value::as_str).unwrap_or("");
    let expected = |name: &str| {
        vector
            .expected
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    let mut hints = Vec::new();
    let their_ts = text("timestamp");
    if their_ts != expected("timestamp") {
        match Timestamp::parse(their_ts) {
            Ok(theirs) => {
                let ours = Timestamp::parse(expected("timestamp")).map(|t| t.unix());
                if let Ok(ours) = ours {
                    let off = theirs.unix() - ours;
                    let why = if off % 900 == 0 { " (local time?)" } else { "" };
                    hints.push(format!("timestamp is {off} s off{why}"));
                }
            }
            Err(_) => hints.push(timestamp_shape(their_ts)),
        }
    }
    let (key, secret, account) = (
        case.text("access_key"),
        case.text("secret_key"),
        case.text("account"),
    );
    let their_sign = text("header").rsplit("sign=").next().unwrap_or("");
    let our_sign = expected("header").rsplit("sign=").next().unwrap_or("");
    if their_sign != our_sign {
        if their_sign == our_sign.to_uppercase() {
            hints.push("signature in upper-case hex".into());
        }
        let ts = if their_ts.is_empty() {
            expected("timestamp")
        } else {
            their_ts
        };
        let variants = [
            (
                format!("{key}{account}{ts}"),
                "signed the timestamp it sent: only the timestamp is wrong",
            ),
            (
                format!("{account}{key}{ts}"),
                "account signed before the access key",
            ),
            (format!("{key}{ts}"), "account left out of the signed text"),
            (
                format!("{key}_{ts}"),
                "'_' signed for an account-less call: sign an empty account",
            ),
            (
                format!("{key}{account}{ts}Z"),
                "timestamp signed with a zone suffix",
            ),
            (
                format!("{key}\n{account}\n{ts}"),
                "separators between the signed parts",
            ),
        ];
        let spec = format!("{key}{account}{}", expected("timestamp"));
        if text("payload") == spec {
            hints.push(
                "the payload is right but its HMAC is not: check the key (the secret's UTF-8 \
                 bytes) and lower-case hex"
                    .into(),
            );
        }
        for (payload, hint) in variants {
            // A variant that is the rule itself explains nothing.
            if payload == spec {
                continue;
            }
            if hmac_hex(secret, &payload) == their_sign || text("payload") == payload {
                hints.push(hint.into());
                break;
            }
        }
    }
    let (ours, theirs) = (expected("header"), text("header"));
    if !theirs.is_empty() && !theirs.starts_with("TM-HMAC-SHA256 key=") {
        hints.push(
            "the header value is 'TM-HMAC-SHA256 key=<key> ts=<timestamp> sign=<hex>'".into(),
        );
    } else if their_sign == our_sign && ours != theirs {
        hints.push("same signature, but the header is not written exactly as the SPEC says".into());
    }
    hints
}

/// What is wrong with a timestamp that does not parse.
fn timestamp_shape(text: &str) -> String {
    let what = if text.ends_with('Z') {
        "has a zone suffix 'Z'"
    } else if text.contains('.') {
        "has a fraction of a second"
    } else if text.get(19..).is_some_and(|rest| rest.contains(['+', '-'])) {
        "has a UTC offset"
    } else if text.as_bytes().get(10) == Some(&b' ') {
        "has a space instead of 'T'"
    } else {
        "is not YYYY-MM-DDTHH:MM:SS"
    };
    format!("timestamp {what}: write YYYY-MM-DDTHH:MM:SS, UTC")
}

// ----- Widgets -------------------------------------------------------------------

/// Ways of building the signed text of a list of parameters.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Variant {
    /// Names that are decimal numbers compare as numbers (PHP turns them
    /// into integer keys before `ksort`).
    PhpNumericSort,
    /// The names left out of the signature.
    Unsigned(&'static [&'static str]),
    /// `l` and `ordercode` left out whatever their case.
    UnsignedAnyCase,
    /// Values signed after encoding (with `true`: names too).
    Encoded(Encoding, bool),
    /// Spaces signed as `+`.
    SpaceAsPlus,
    /// The caller's order.
    Unsorted,
    /// Sorted without regard to case.
    CaseInsensitiveSort,
    /// Sorted by UTF-16 code units.
    Utf16Sort,
    /// Parameters with empty values left out.
    EmptyValuesLeftOut,
    /// `name=value` joined by `&`.
    QueryString,
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Encoding {
    Rfc3986,
    /// JavaScript's `encodeURIComponent`: leaves `!'()*` as they are.
    UriComponent,
    /// Python's `quote`: leaves `/` as it is.
    PythonQuote,
    /// Form encoding: spaces as `+`.
    Form,
    /// PHP's `urlencode`: form encoding that also encodes `~`.
    PhpUrlencode,
}

const UNSIGNED: &[&str] = &["l", "ordercode"];

const WIDGET_VARIANTS: [(Variant, &str); 14] = [
    (
        Variant::PhpNumericSort,
        "names sorted numerically (PHP ksort)",
    ),
    (Variant::Unsigned(&["ordercode"]), "`l` was signed"),
    (Variant::Unsigned(&["l"]), "`ordercode` was signed"),
    (Variant::Unsigned(&[]), "`l` and `ordercode` were signed"),
    (
        Variant::Unsigned(&["l", "ordercode", "ref"]),
        "`ref` was left out of the signature (tm-php 2023-2024)",
    ),
    (
        Variant::UnsignedAnyCase,
        "`L` or `Ordercode` left out: only exactly `l` and `ordercode` are unsigned",
    ),
    (
        Variant::Encoded(Encoding::Rfc3986, false),
        "values signed after URL encoding",
    ),
    (
        Variant::Encoded(Encoding::UriComponent, false),
        "values signed after URL encoding (encodeURIComponent)",
    ),
    (
        Variant::Encoded(Encoding::PythonQuote, false),
        "values signed after URL encoding (quote)",
    ),
    (
        Variant::Encoded(Encoding::Form, false),
        "values signed after form encoding",
    ),
    (Variant::SpaceAsPlus, "space written as '+' in the payload"),
    (
        Variant::Unsorted,
        "parameters signed in the caller's order: sort them by name",
    ),
    (
        Variant::CaseInsensitiveSort,
        "names sorted without regard to case: sort by bytes",
    ),
    (
        Variant::Utf16Sort,
        "names sorted by UTF-16 code units (JavaScript's default sort): sort by UTF-8 bytes",
    ),
];

const MORE_WIDGET_VARIANTS: [(Variant, &str); 4] = [
    (
        Variant::Encoded(Encoding::Rfc3986, true),
        "names and values signed after URL encoding",
    ),
    (
        Variant::Encoded(Encoding::UriComponent, true),
        "names and values signed after URL encoding (encodeURIComponent)",
    ),
    (
        Variant::EmptyValuesLeftOut,
        "parameters with empty values left out: sign the bare name",
    ),
    (
        Variant::QueryString,
        "signed as name=value&...: concatenate with no separators",
    ),
];

/// PHP 8's comparison of array keys after numeric strings became integers.
fn php_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let number = |s: &str| -> Option<u64> {
        if s == "0" || (!s.starts_with('0') && !s.is_empty() && s.len() < 19) {
            s.parse().ok()
        } else {
            None
        }
    };
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

fn encode_as(text: &str, encoding: Encoding) -> String {
    let keep: &[u8] = match encoding {
        Encoding::Rfc3986 | Encoding::Form | Encoding::PhpUrlencode => b"",
        Encoding::UriComponent => b"!'()*",
        Encoding::PythonQuote => b"/",
    };
    let mut out = String::new();
    for byte in text.bytes() {
        let tilde_encoded = byte == b'~' && encoding == Encoding::PhpUrlencode;
        if (form::is_unreserved(byte) && !tilde_encoded) || keep.contains(&byte) {
            out.push(char::from(byte));
        } else if byte == b' ' && matches!(encoding, Encoding::Form | Encoding::PhpUrlencode) {
            out.push('+');
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The text signed for `params` (after the access key and account) under a
/// variant of the rules.
fn params_text(params: &[(&str, &str)], variant: Variant) -> String {
    let unsigned = match variant {
        Variant::Unsigned(names) => names,
        _ => UNSIGNED,
    };
    let mut signed: Vec<(&str, &str)> = params
        .iter()
        .copied()
        .filter(|(name, _)| match variant {
            Variant::UnsignedAnyCase => !unsigned.iter().any(|u| u.eq_ignore_ascii_case(name)),
            _ => !unsigned.contains(name),
        })
        .filter(|(_, value)| variant != Variant::EmptyValuesLeftOut || !value.is_empty())
        .collect();
    match variant {
        Variant::Unsorted => {}
        Variant::PhpNumericSort => signed.sort_by(|a, b| php_cmp(a.0, b.0)),
        Variant::CaseInsensitiveSort => signed.sort_by_key(|p| p.0.to_lowercase()),
        Variant::Utf16Sort => signed.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16())),
        _ => signed.sort_by(|a, b| a.0.cmp(b.0)),
    }
    let pieces: Vec<String> = signed
        .iter()
        .map(|(name, value)| match variant {
            Variant::Encoded(e, false) => format!("{name}{}", encode_as(value, e)),
            Variant::Encoded(e, true) => format!("{}{}", encode_as(name, e), encode_as(value, e)),
            Variant::SpaceAsPlus => format!("{name}{value}").replace(' ', "+"),
            Variant::QueryString => format!("{name}={value}"),
            _ => format!("{name}{value}"),
        })
        .collect();
    pieces.join(if variant == Variant::QueryString {
        "&"
    } else {
        ""
    })
}

fn widget(case: &Case, output: &Map<String, Value>) -> Vec<String> {
    let text = |name: &str| output.get(name).and_then(Value::as_str);
    let (key, secret, account) = (
        case.text("access_key"),
        case.text("secret_key"),
        case.text("account"),
    );
    let params = case.params();
    let spec = format!(
        "{key}{account}{}",
        params_text(&params, Variant::Unsigned(UNSIGNED))
    );
    let mut hints = Vec::new();
    let their_signature = text("signature").unwrap_or("");
    if their_signature == hmac_hex(secret, &spec).to_uppercase() {
        hints.push("signature in upper-case hex".into());
    }
    for (variant, hint) in WIDGET_VARIANTS.iter().chain(&MORE_WIDGET_VARIANTS) {
        let payload = format!("{key}{account}{}", params_text(&params, *variant));
        if payload == spec {
            continue; // this case cannot tell the variant from the rule
        }
        if text("payload") == Some(payload.as_str())
            || hmac_hex(secret, &payload) == their_signature
        {
            hints.push((*hint).to_owned());
            break;
        }
    }
    if let Some(payload) = text("payload") {
        if payload == spec && their_signature != hmac_hex(secret, &spec) {
            hints.push(
                "the payload is right but its HMAC is not: check the key (the secret's UTF-8 \
                 bytes) and lower-case hex"
                    .into(),
            );
        } else if !payload.starts_with(&format!("{key}{account}")) {
            hints.push("the signed text starts with the access key and then the account".into());
        }
    }
    if let (Some(url), Some(sig)) = (text("url"), text("signature")) {
        if !url.ends_with(&format!("signature={sig}")) {
            hints.push("the URL ends with &accesskey=...&signature=<the signature>".into());
        }
        let expected = case_expected_url(case);
        hints.extend(url_encoding_defect(case, &expected, url, sig));
    }
    hints
}

/// Our URL of a widget case, up to its query: the base the adapter used
/// is the SPEC's, as in every vector.
fn case_expected_url(case: &Case) -> String {
    format!(
        "https://apps.ticketmatic.com/widgets/{}/{}",
        case.text("account"),
        case.text("widget")
    )
}

/// Which way of leaving names or the access key unencoded (seen in the
/// wild: tm-php writes both raw) reproduces `theirs` exactly, values
/// encoded in one of the usual ways and `signature` theirs.
fn url_encoding_defect(case: &Case, base: &str, theirs: &str, signature: &str) -> Option<String> {
    let params = case.params();
    let key = case.text("access_key");
    let encodings = [Encoding::Rfc3986, Encoding::Form, Encoding::PhpUrlencode];
    let models = [
        (true, false, "names are not percent-encoded in the URL"),
        (
            false,
            true,
            "the access key is not percent-encoded in the URL",
        ),
        (
            true,
            true,
            "names and the access key are not percent-encoded in the URL",
        ),
    ];
    let url = |encoding: Encoding, raw_names: bool, raw_key: bool| {
        let mut query: String = params
            .iter()
            .map(|(name, value)| {
                let name = if raw_names {
                    (*name).to_owned()
                } else {
                    encode_as(name, encoding)
                };
                format!("{name}={}&", encode_as(value, encoding))
            })
            .collect();
        let key = if raw_key {
            key.to_owned()
        } else {
            encode_as(key, encoding)
        };
        query.push_str(&format!("accesskey={key}&signature={signature}"));
        format!("{base}?{query}")
    };
    for encoding in encodings {
        for (raw_names, raw_key, what) in models {
            let model = url(encoding, raw_names, raw_key);
            // Where nothing needed encoding the model is the rule itself.
            if model == theirs && model != url(encoding, false, false) {
                return Some(format!(
                    "{what}: a raw '&', '=', '#', '+' or '%' changes what the server reads; \
                     encode them as the values are (RFC 3986)"
                ));
            }
        }
    }
    None
}

// ----- Return URLs ---------------------------------------------------------------

/// Ways of reading a return URL's query.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Reading {
    /// Rules as the SPEC gives them, with a variant of the signing rules.
    Signing(Variant),
    /// `+` taken literally.
    PlusKept,
    /// Nothing decoded.
    Undecoded,
    /// Only upper-case hex escapes decoded.
    UpperHexOnly,
    /// Empty pairs read as parameters with an empty name.
    EmptyPairsKept,
    /// PHP's `parse_str` (tm-php): a space or `.` in a name becomes `_`,
    /// `a[b]` an array (signed as `Array`), an unclosed `[` a `_`; a name
    /// met again keeps the last value; numeric names sort as numbers.
    PhpParseStr,
}

/// The ways of reading a return URL that implementations get wrong.
pub(crate) const READINGS: [(Reading, &str); 15] = [
    (
        Reading::PhpParseStr,
        "the query read with PHP's parse_str: '.' and spaces in names become '_', 'a[b]' an \
         array, numeric names sort as numbers (tm-php); read the pairs as they are",
    ),
    (
        Reading::Signing(Variant::Encoded(Encoding::Rfc3986, false)),
        "values signed after URL encoding",
    ),
    (
        Reading::Signing(Variant::Encoded(Encoding::Form, false)),
        "values signed after form encoding",
    ),
    (
        Reading::Signing(Variant::SpaceAsPlus),
        "space written as '+' in the payload",
    ),
    (Reading::PlusKept, "'+' not decoded as a space"),
    (
        Reading::Undecoded,
        "parameters signed without decoding them first",
    ),
    (Reading::UpperHexOnly, "lower-case hex escapes not decoded"),
    (Reading::EmptyPairsKept, "empty pairs not ignored"),
    (
        Reading::Signing(Variant::Unsigned(&["ordercode"])),
        "`l` was signed",
    ),
    (
        Reading::Signing(Variant::Unsigned(&["l"])),
        "`ordercode` was signed",
    ),
    (
        Reading::Signing(Variant::PhpNumericSort),
        "names sorted numerically (PHP ksort)",
    ),
    (
        Reading::Signing(Variant::Utf16Sort),
        "names sorted by UTF-16 code units",
    ),
    (
        Reading::Signing(Variant::UnsignedAnyCase),
        "`L` or `Ordercode` left out",
    ),
    (
        Reading::Signing(Variant::Unsorted),
        "parameters signed in the query's order",
    ),
    (
        Reading::Signing(Variant::Encoded(Encoding::Rfc3986, true)),
        "names and values signed after URL encoding",
    ),
];

/// The payload a query's signature must sign, read in some way; `None` if
/// it does not decode that way.
pub(crate) fn query_payload(case: &Case, reading: Reading) -> Option<String> {
    let decode = |text: &str| -> Option<String> {
        match reading {
            Reading::PlusKept => form::decode(&text.replace('+', "%2B")),
            Reading::Undecoded => Some(text.to_owned()),
            Reading::UpperHexOnly => {
                let mut out = text.to_owned();
                for (i, _) in text
                    .match_indices('%')
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                {
                    if text[i + 1..]
                        .bytes()
                        .take(2)
                        .any(|b| b.is_ascii_lowercase())
                    {
                        out.replace_range(i..i + 1, "%25");
                    }
                }
                form::decode(&out)
            }
            _ => form::decode(text),
        }
    };
    let query = case.text("query");
    let mut raw: Vec<(&str, &str)> = form::raw_pairs(query);
    if reading == Reading::EmptyPairsKept {
        raw = query
            .split('&')
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect();
    }
    let mut params: Vec<(String, String)> = Vec::new();
    for (name, value) in raw {
        let (mut name, mut value) = (decode(name)?, decode(value)?);
        if reading == Reading::PhpParseStr {
            let Some((php, array)) = php_name(&name) else {
                continue;
            };
            name = php;
            if array {
                value = "Array".into();
            }
            // The same key again: PHP keeps the last value.
            if let Some(at) = params.iter().position(|(n, _)| *n == name) {
                params[at].1 = value;
                continue;
            }
        }
        if name != "accesskey" && name != "signature" {
            params.push((name, value));
        }
    }
    let borrowed: Vec<(&str, &str)> = params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let variant = match reading {
        Reading::Signing(variant) => variant,
        Reading::PhpParseStr => Variant::PhpNumericSort,
        _ => Variant::Unsigned(UNSIGNED),
    };
    Some(format!(
        "{}{}{}",
        case.text("access_key"),
        case.text("account"),
        params_text(&borrowed, variant)
    ))
}

/// A name as PHP's `parse_str` stores it, and whether it makes an array;
/// `None` where PHP drops the pair (an empty name).
fn php_name(name: &str) -> Option<(String, bool)> {
    let name = name.trim_start_matches(' ');
    let mut out = String::new();
    for (at, c) in name.char_indices() {
        match c {
            ' ' | '.' => out.push('_'),
            '[' if name[at + 1..].contains(']') => return (!out.is_empty()).then_some((out, true)),
            // Unclosed: the `[` becomes `_` and the rest stays as it is.
            '[' => {
                out.push('_');
                out.push_str(&name[at + 1..]);
                break;
            }
            c => out.push(c),
        }
    }
    (!out.is_empty()).then_some((out, false))
}

/// The `signature` a return URL's query carries, decoded.
pub(crate) fn query_signature(case: &Case) -> String {
    form::raw_pairs(case.text("query"))
        .into_iter()
        .find(|(n, _)| form::decode(n).as_deref() == Some("signature"))
        .and_then(|(_, v)| form::decode(v))
        .unwrap_or_default()
}

fn return_url(vector: &Vector, output: &Map<String, Value>) -> Vec<String> {
    let case = &vector.case;
    let expected_kind = vector.expected.get("error_kind").and_then(Value::as_str);
    let their_valid = output.get("valid").and_then(Value::as_bool);
    let their_kind = output.get("error_kind").and_then(Value::as_str);
    let secret = case.text("secret_key");
    let signature = query_signature(case);
    let spec = query_payload(case, Reading::Signing(Variant::Unsigned(UNSIGNED)));
    // The adapter's payload, where it gave one that differs, says which
    // reading it used more surely than any guess.
    let their_payload = output.get("payload").and_then(Value::as_str);
    let payload_hint = their_payload
        .filter(|p| Some(*p) != spec.as_deref())
        .map(|theirs| {
            READINGS
                .iter()
                .find(|(reading, _)| query_payload(case, *reading).as_deref() == Some(theirs))
                .map_or(
                    "the payload differs: compare it with ours".to_owned(),
                    |(_, hint)| (*hint).to_owned(),
                )
        });
    let right = spec.as_deref().map(|p| hmac_hex(secret, p));
    match (expected_kind, their_valid, their_kind) {
        (Some("signature_mismatch"), Some(true), _) => {
            if Some(signature.to_lowercase()) == right {
                return vec!["upper-case signature accepted: signatures are lower-case hex".into()];
            }
            let matched = READINGS.iter().find(|(reading, _)| {
                query_payload(case, *reading).map(|p| hmac_hex(secret, &p))
                    == Some(signature.clone())
            });
            vec![match matched {
                Some((_, hint)) => format!("verified with the wrong rule: {hint}"),
                None => "a wrong signature was accepted: is it compared at all, with this secret?"
                    .into(),
            }]
        }
        (None, Some(false), Some("signature_mismatch")) => {
            if let Some(hint) = payload_hint {
                return vec![hint];
            }
            let mut likely: Vec<String> = READINGS
                .iter()
                .filter(|(reading, _)| query_payload(case, *reading) != spec)
                .map(|(_, hint)| format!("likely: {hint}"))
                .collect();
            likely.truncate(4);
            if likely.is_empty() {
                likely.push("a valid signature was refused: check the key and the decoding".into());
            }
            likely
        }
        (expected, _, theirs) if expected == theirs => payload_hint.into_iter().collect(),
        (expected, _, theirs) => vec![format!(
            "the checks, in order: accesskey present and equal (else bad_access_key), signature \
             present (else signature_missing), the signature right (else signature_mismatch); \
             expected {}, got {}",
            expected.unwrap_or("valid"),
            theirs.unwrap_or("valid")
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_of_any_shape_are_described_without_panicking() {
        for text in [
            "2017-07-29T16:40:46Z",
            "2017-07-29 16:40:46",
            "2017-07-29T16:40:4é+",
            "é",
        ] {
            assert!(timestamp_shape(text).starts_with("timestamp "), "{text}");
        }
        assert!(timestamp_shape("2017-07-29T16:40:46+02:00").contains("UTC offset"));
    }

    #[test]
    fn hmac_matches_the_documented_example() {
        assert_eq!(
            hmac_hex(
                "qsdfghjklm",
                "azertyuiopmyaccountnameevent123returnurlhttp://www.ticketmatic.comskinid25"
            ),
            "0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8"
        );
    }

    #[test]
    fn variants_change_what_they_say() {
        let params = [("10", "a"), ("2", "b"), ("l", "fr"), ("x", "a b/!")];
        assert_eq!(
            params_text(&params, Variant::Unsigned(UNSIGNED)),
            "10a2bxa b/!"
        );
        assert_eq!(params_text(&params, Variant::PhpNumericSort), "2b10axa b/!");
        assert_eq!(
            params_text(&params, Variant::Unsigned(&["ordercode"])),
            "10a2blfrxa b/!"
        );
        assert_eq!(
            params_text(&params, Variant::Encoded(Encoding::Rfc3986, false)),
            "10a2bxa%20b%2F%21"
        );
        assert_eq!(
            params_text(&params, Variant::Encoded(Encoding::UriComponent, false)),
            "10a2bxa%20b%2F!"
        );
        assert_eq!(params_text(&params, Variant::SpaceAsPlus), "10a2bxa+b/!");
        let wide = [("a\u{1F3AD}", "1"), ("a\u{FF5E}", "2")];
        assert_eq!(
            params_text(&wide, Variant::Unsigned(UNSIGNED)),
            "a\u{FF5E}2a\u{1F3AD}1"
        );
        assert_eq!(
            params_text(&wide, Variant::Utf16Sort),
            "a\u{1F3AD}1a\u{FF5E}2"
        );
    }
}
