//! Flags: names of the edge cases a case probes, read off its inputs (as
//! Wycheproof tags its vectors). Any case gets them, whether generated,
//! shared or an author's own, so reports can count failures per edge case.

use std::collections::BTreeSet;

use crate::case::{Case, Kind};
use crate::form;

/// The flags of `case`, sorted.
pub fn of(case: &Case) -> Vec<&'static str> {
    let mut flags = BTreeSet::new();
    let mut add = |flag: &'static str, on: bool| {
        if on {
            flags.insert(flag);
        }
    };
    let key = case.text("access_key");
    let secret = case.text("secret_key");
    add("empty-secret", secret.is_empty());
    add("long-secret", secret.len() > 64);
    add("non-ascii-secret", !secret.is_ascii());
    add(
        "access-key-cr-lf-space",
        key.bytes().any(|b| matches!(b, b'\r' | b'\n' | b' ')),
    );
    add(
        "access-key-punctuation",
        key.bytes().any(|b| b.is_ascii_punctuation()),
    );
    add("empty-account", case.text("account").is_empty());
    match case.kind() {
        Kind::Authorization => authorization(case, &mut add),
        Kind::Widget => widget(case, &mut add),
        Kind::ReturnUrl => return_url(case.text("query"), &mut add),
        Kind::AuthorizationCheck => {}
    }
    flags.into_iter().collect()
}

fn authorization(case: &Case, add: &mut impl FnMut(&'static str, bool)) {
    const MAX: i64 = 253_402_300_799;
    match case.integer("unix_time") {
        Some(secs) => {
            add("unix-time", true);
            add("year-past-9999", secs > MAX);
            add("range-edge", secs == 0 || secs == MAX);
            if let Ok(ts) = ticketmatic_sign::Timestamp::from_unix(secs) {
                let date = &ts.as_str()[5..10];
                add("leap-day", matches!(date, "02-28" | "02-29" | "03-01"));
            }
        }
        None => add("timestamp-text", true),
    }
}

fn widget(case: &Case, add: &mut impl FnMut(&'static str, bool)) {
    let params = case.params();
    let names: Vec<&str> = params.iter().map(|(n, _)| *n).collect();
    let texts = || params.iter().flat_map(|(n, v)| [*n, *v]);
    add("no-params", params.is_empty());
    add("many-params", params.len() > 32);
    add("unsigned-l", names.contains(&"l"));
    add("unsigned-ordercode", names.contains(&"ordercode"));
    add(
        "case-variant-of-special-name",
        names.iter().any(|n| {
            ["l", "ordercode", "accesskey", "signature"]
                .iter()
                .any(|s| n != s && n.eq_ignore_ascii_case(s))
        }),
    );
    add("ref-signed", names.contains(&"ref"));
    add(
        "numeric-names",
        names.iter().filter(|n| is_number(n)).count() >= 2,
    );
    add(
        "prefix-names",
        names
            .iter()
            .any(|a| names.iter().any(|b| a != b && b.starts_with(a))),
    );
    add(
        "upper-case-names",
        names
            .iter()
            .any(|n| n.bytes().any(|b| b.is_ascii_uppercase())),
    );
    add("empty-value", params.iter().any(|(_, v)| v.is_empty()));
    add(
        "reserved-characters",
        texts().any(|t| t.chars().any(|c| ":/?#[]@!$&'()*,;=".contains(c))),
    );
    add("space", texts().any(|t| t.contains(' ')));
    add("plus", texts().any(|t| t.contains('+')));
    add("tilde", texts().any(|t| t.contains('~')));
    add("percent", texts().any(|t| t.contains('%')));
    add("utf8-2-byte", texts().any(|t| has_width(t, 2)));
    add("utf8-3-byte", texts().any(|t| has_width(t, 3)));
    add("utf8-4-byte", texts().any(|t| has_width(t, 4)));
    let mut by_bytes = names.clone();
    by_bytes.sort();
    let mut by_utf16 = names.clone();
    by_utf16.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
    add("utf16-order-differs", by_bytes != by_utf16);
    add("unsorted", by_bytes != names);
    add("repeated-name", {
        let mut set = BTreeSet::new();
        !names.iter().all(|n| set.insert(*n))
    });
    add(
        "reserved-name",
        names.iter().any(|n| *n == "accesskey" || *n == "signature"),
    );
    for segment in [case.text("account"), case.text("widget")] {
        add("dot-segment", segment == "." || segment == "..");
        add(
            "not-a-path-segment",
            !segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)),
        );
    }
}

fn return_url(query: &str, add: &mut impl FnMut(&'static str, bool)) {
    let pairs: Vec<&str> = query.split('&').collect();
    let names: Vec<&str> = pairs
        .iter()
        .map(|p| p.split_once('=').map_or(*p, |(n, _)| n))
        .collect();
    add("plus-as-space", query.contains('+'));
    add("percent-20", query.contains("%20"));
    let escapes: Vec<&str> = query
        .match_indices('%')
        .map(|(i, _)| query.get(i + 1..i + 3).unwrap_or(""))
        .collect();
    let is_hex = |e: &&str| e.len() == 2 && e.bytes().all(|b| b.is_ascii_hexdigit());
    add(
        "lower-case-hex-escape",
        escapes
            .iter()
            .any(|e| is_hex(e) && e.bytes().any(|b| b.is_ascii_lowercase())),
    );
    add("bad-escape", !escapes.iter().all(is_hex));
    add(
        "escape-of-non-ascii",
        escapes.iter().any(|e| is_hex(e) && e.as_bytes()[0] > b'7'),
    );
    add("empty-pair", pairs.iter().any(|p| p.is_empty()));
    add(
        "pair-without-equals",
        pairs.iter().any(|p| !p.is_empty() && !p.contains('=')),
    );
    add("signature-missing", !names.contains(&"signature"));
    add("access-key-missing", !names.contains(&"accesskey"));
    add("unsigned-l", names.contains(&"l"));
    add("unsigned-ordercode", names.contains(&"ordercode"));
    add(
        "upper-case-signature",
        pairs.iter().any(|p| {
            p.strip_prefix("signature=")
                .is_some_and(|s| s.bytes().any(|b| b.is_ascii_uppercase()))
        }),
    );
    let decoded: Vec<String> = names
        .iter()
        .filter(|n| !n.is_empty())
        .map(|n| form::decode(n).unwrap_or_else(|| (*n).to_owned()))
        .collect();
    add("repeated-name", {
        let mut set = BTreeSet::new();
        !decoded.iter().all(|n| set.insert(n))
    });
    // What PHP's parse_str rewrites (SPEC section 4).
    add(
        "name-with-dot-space-or-bracket",
        decoded.iter().any(|n| n.contains(['.', ' ', '[', ']'])),
    );
    add("numeric-names", decoded.iter().any(|n| is_number(n)));
    add("names-php-merges", {
        let mut set = BTreeSet::new();
        !decoded
            .iter()
            .map(|n| n.replace(['.', ' '], "_"))
            .all(|n| set.insert(n))
    });
}

fn is_number(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit())
}

fn has_width(text: &str, width: usize) -> bool {
    text.chars().any(|c| c.len_utf8() == width)
}
