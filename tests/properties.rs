//! Property tests: the crate against the plain reference implementation in
//! `reference/`, and the calendar against the `chrono` crate.

mod reference;

use chrono::{DateTime, Datelike, NaiveDate, Timelike};
use proptest::prelude::*;
use reference::Verdict;
use ticketmatic_sign::{
    authorization_len, verify_authorization, Error, Signer, Timestamp, DEFAULT_BASE_URL,
    DEFAULT_WINDOW_SECS, MAX_ACCESS_KEY_LEN,
};

const MAX_UNIX: i64 = 253_402_300_799;

// ----- Input strategies ----------------------------------------------------

fn regex(pattern: &str) -> proptest::string::RegexGeneratorStrategy<String> {
    proptest::string::string_regex(pattern).unwrap()
}

/// Text with reserved characters, spaces, `~`, `+`, `%` and UTF-8 of every width.
fn text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        regex(&format!("[a-zA-Z0-9 ~%&=+/?#_.!*'()é€中🎭-]{{0,{max}}}")),
        regex(&format!(".{{0,{max}}}")), // any char but '\n', all widths
        Just(String::new()),
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text(8).prop_filter("names are not empty", |n| !n.is_empty()),
        1 => prop::sample::select(vec!["l", "ordercode", "L", "Ordercode", "ll", "ordercodes", "event", "a", "A"])
            .prop_map(str::to_owned),
    ]
    .prop_filter("the signer adds these itself", |n| n != "accesskey" && n != "signature")
}

/// Parameters with distinct names, in a random order.
fn params(max: usize) -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((name(), text(12)), 0..max).prop_map(|mut list| {
        let mut seen = std::collections::HashSet::new();
        list.retain(|(n, _)| seen.insert(n.clone()));
        list
    })
}

fn access_key() -> impl Strategy<Value = String> {
    prop_oneof![
        regex(&format!("[!-~]{{1,{MAX_ACCESS_KEY_LEN}}}")),
        regex(&format!("[!-~]{{{MAX_ACCESS_KEY_LEN}}}")),
        regex("[!-~]"),
    ]
}

fn secret() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 1..=200)
}

fn account() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._~-]{1,20}".prop_filter("not a dot segment", |a| a != "." && a != "..")
}

fn unix_time() -> impl Strategy<Value = i64> {
    prop_oneof![0..=MAX_UNIX, Just(0), Just(MAX_UNIX), 0..=86_400 * 3_i64]
}

/// The timestamp text, from `chrono`, not from the crate.
fn chrono_text(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

fn query_of(url: &str) -> &str {
    url.split_once('?').unwrap().1
}

// ----- Headers -------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn header_equals_reference(key in access_key(), secret in secret(), account in prop_oneof![account(), Just(String::new())], secs in unix_time()) {
        let signer = Signer::new(&key, &secret, &account).unwrap();
        let ts = Timestamp::from_unix(secs).unwrap();
        let text = chrono_text(secs);
        let mut buf = [0u8; 256];
        prop_assert_eq!(signer.authorization(ts, &mut buf).unwrap(), reference::header(&key, &secret, &account, &text));
        let header = signer.authorization_string(ts);
        prop_assert_eq!(header.as_str(), reference::header(&key, &secret, &account, &text));
        prop_assert_eq!(signer.authorization_payload(ts, &mut buf).unwrap(), reference::header_payload(&key, &account, &text));
    }

    #[test]
    fn header_buffers_below_the_needed_length_are_refused(key in access_key(), secs in unix_time()) {
        let signer = Signer::new(&key, b"secret", "acct").unwrap();
        let ts = Timestamp::from_unix(secs).unwrap();
        let needed = authorization_len(key.len());
        let mut buf = vec![0u8; needed];
        for len in 0..needed {
            prop_assert_eq!(signer.authorization(ts, &mut buf[..len]), Err(Error::BufferTooSmall { needed }));
        }
        prop_assert!(signer.authorization(ts, &mut buf).is_ok());
        let payload_len = key.len() + 4 + 19;
        for len in 0..payload_len {
            prop_assert_eq!(signer.authorization_payload(ts, &mut buf[..len]), Err(Error::BufferTooSmall { needed: payload_len }));
        }
        prop_assert!(signer.authorization_payload(ts, &mut buf[..payload_len]).is_ok());
    }

    #[test]
    fn bad_keys_and_secrets_are_refused(key in "[ -~\r\n\t\u{80}-\u{10ffff}]{0,80}", secret in prop::collection::vec(any::<u8>(), 0..3)) {
        let key_ok = !key.is_empty() && key.len() <= MAX_ACCESS_KEY_LEN && key.bytes().all(|b| b.is_ascii_graphic());
        let result = Signer::new(&key, &secret, "acct");
        prop_assert_eq!(result.is_ok(), key_ok && !secret.is_empty(), "{:?}", result.err());
    }
}

// ----- Server-side header verification --------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn signed_headers_verify_and_any_change_is_refused(
        key in access_key(),
        secret in secret(),
        account in prop_oneof![account(), Just(String::new())],
        secs in 1800..=MAX_UNIX - 1800,
        skew in -1800i64..=1800,
        at in any::<prop::sample::Index>(),
        replacement in 0x20u8..0x7f,
    ) {
        let signer = Signer::new(&key, &secret, &account).unwrap();
        let ts = Timestamp::from_unix(secs).unwrap();
        let header = signer.authorization_string(ts);
        let lookup = |k: &str| (k == key).then_some(secret.as_slice());
        let now = Timestamp::from_unix(secs - skew).unwrap();
        let auth = verify_authorization(&header, &account, now, DEFAULT_WINDOW_SECS, lookup);
        prop_assert_eq!(auth.map(|a| a.access_key()), Ok(key.as_str()));

        let late = Timestamp::from_unix(secs + 1801).unwrap();
        prop_assert_eq!(
            verify_authorization(&header, &account, late, DEFAULT_WINDOW_SECS, lookup),
            Err(Error::TimestampOutsideWindow { skew_secs: -1801, window_secs: DEFAULT_WINDOW_SECS })
        );

        let mut changed = header.as_bytes().to_vec();
        let i = at.index(changed.len());
        prop_assume!(changed[i] != replacement);
        changed[i] = replacement;
        let changed = String::from_utf8(changed).unwrap();
        prop_assert!(
            verify_authorization(&changed, &account, now, DEFAULT_WINDOW_SECS, lookup).is_err(),
            "{} verified", changed
        );
    }
}

// ----- Widgets -------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn widget_equals_reference(key in access_key(), secret in secret(), account in account(), widget in account(), params in params(24)) {
        let signer = Signer::new(&key, &secret, &account).unwrap();
        let mut buf = vec![0u8; 8192];
        prop_assert_eq!(signer.widget_payload(&params, &mut buf).unwrap(), reference::widget_payload(&key, &account, &params));
        let signature = signer.widget_signature(&params).unwrap();
        prop_assert_eq!(signature.as_str(), reference::widget_signature(&key, &secret, &account, &params));
        let expected_url = reference::widget_url(DEFAULT_BASE_URL, &key, &secret, &account, &widget, &params);
        prop_assert_eq!(signer.widget_url(&widget, &params, &mut buf).unwrap(), expected_url.as_str());
        prop_assert_eq!(signer.widget_url_len(&widget, &params), expected_url.len());
        let mut s = String::new();
        signer.write_widget_url(&widget, &params, &mut s).unwrap();
        prop_assert_eq!(s, expected_url);
    }

    #[test]
    fn signature_does_not_depend_on_order(params in params(40), seed in any::<u64>()) {
        let signer = Signer::new("key", b"secret", "acct").unwrap();
        let mut shuffled = params.clone();
        // A seeded Fisher-Yates shuffle.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(signer.widget_signature(&params).unwrap(), signer.widget_signature(&shuffled).unwrap());
    }

    #[test]
    fn url_query_decodes_to_the_callers_parameters(key in access_key(), params in params(24)) {
        let signer = Signer::new(&key, b"secret", "acct").unwrap();
        let mut buf = vec![0u8; 8192];
        let url = signer.widget_url("w", &params, &mut buf).unwrap();
        prop_assert!(url.starts_with("https://apps.ticketmatic.com/widgets/acct/w?"));
        let decoded = reference::parse_query(query_of(url), false).unwrap();
        let signature = signer.widget_signature(&params).unwrap();
        let mut expected = params.clone();
        expected.push(("accesskey".into(), key.clone()));
        expected.push(("signature".into(), signature.to_string()));
        prop_assert_eq!(decoded, expected);
    }

    #[test]
    fn widget_buffers_below_the_needed_length_are_refused(params in params(8)) {
        let signer = Signer::new("key", b"secret", "acct").unwrap();
        let needed = signer.widget_url_len("w", &params);
        let mut buf = vec![0u8; needed];
        for len in 0..needed {
            prop_assert_eq!(signer.widget_url("w", &params, &mut buf[..len]), Err(Error::BufferTooSmall { needed }));
        }
        prop_assert!(signer.widget_url("w", &params, &mut buf).is_ok());
        // With room to spare (where the encoder takes its wide path), no
        // byte past the URL is touched.
        let mut roomy = vec![0xAAu8; 4 * needed + 16];
        prop_assert_eq!(signer.widget_url("w", &params, &mut roomy).map(str::len), Ok(needed));
        prop_assert!(roomy[needed..].iter().all(|&b| b == 0xAA));
        let payload_len = reference::widget_payload("key", "acct", &params).len();
        for len in 0..payload_len {
            prop_assert_eq!(signer.widget_payload(&params, &mut buf[..len]), Err(Error::BufferTooSmall { needed: payload_len }));
        }
        prop_assert!(signer.widget_payload(&params, &mut buf[..payload_len]).is_ok());
    }

    #[test]
    fn repeated_names_are_refused(params in params(20).prop_filter("need one", |p| !p.is_empty()), pick in any::<prop::sample::Index>(), at in any::<prop::sample::Index>()) {
        let signer = Signer::new("key", b"secret", "acct").unwrap();
        let mut params = params;
        let twin = params[pick.index(params.len())].clone();
        params.insert(at.index(params.len() + 1), twin);
        prop_assert!(matches!(signer.widget_signature(&params), Err(Error::DuplicateName(_))));
    }
}

// ----- Return URLs ---------------------------------------------------------

/// Builds a query from decoded pairs, form-style: names and values encoded
/// (spaces as `+` half of the time, to exercise both decodings).
fn form_query(pairs: &[(String, String)], plus: bool) -> String {
    pairs
        .iter()
        .map(|(n, v)| {
            let enc = |s: &str| {
                let e = reference::encode(s);
                if plus {
                    e.replace("%20", "+")
                } else {
                    e
                }
            };
            format!("{}={}", enc(n), enc(v))
        })
        .collect::<Vec<_>>()
        .join("&")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn widget_query_verifies_and_any_change_is_caught(
        key in access_key(),
        secret in secret(),
        params in params(16),
        plus in any::<bool>(),
        which in any::<prop::sample::Index>(),
        replacement in prop_oneof![any::<char>(), Just('A'), Just(' ')],
    ) {
        let signer = Signer::new(&key, &secret, "acct").unwrap();
        let mut buf = vec![0u8; 8192];
        let url = signer.widget_url("w", &params, &mut buf).unwrap();
        prop_assert_eq!(signer.verify_return_url(query_of(url)).map(drop), Ok(()));

        let signature = signer.widget_signature(&params).unwrap().to_string();
        let mut pairs = params.clone();
        pairs.push(("accesskey".into(), key.clone()));
        pairs.push(("signature".into(), signature));
        prop_assert_eq!(signer.verify_return_url(&form_query(&pairs, plus)).map(drop), Ok(()));

        // Change one character of one name, one value, the signature or the key.
        let p = which.index(pairs.len());
        let is_name = which.index(2) == 0 && p < params.len();
        let target = if is_name { pairs[p].0.clone() } else { pairs[p].1.clone() };
        let chars: Vec<char> = target.chars().collect();
        let changed: String = if chars.is_empty() {
            replacement.to_string()
        } else {
            let at = which.index(chars.len());
            chars.iter().enumerate().map(|(i, &c)| if i == at { replacement } else { c }).collect()
        };
        prop_assume!(changed != target);
        if is_name { pairs[p].0 = changed } else { pairs[p].1 = changed }

        let query = form_query(&pairs, plus);
        let expected = reference::verify_return_url(&key, &secret, "acct", &query);
        let got = signer.verify_return_url(&query).map(drop);
        let got_verdict = match got {
            Ok(()) => Verdict::Valid,
            Err(Error::BadAccessKey) => Verdict::BadAccessKey,
            Err(Error::SignatureMissing) => Verdict::SignatureMissing,
            Err(Error::SignatureMismatch) => Verdict::SignatureMismatch,
            Err(_) => Verdict::Malformed,
        };
        prop_assert_eq!(got_verdict, expected, "{:?} on {}", got, query);
        // A change to a signed name or value, or to the signature, never verifies.
        let unsigned = |n: &str| ["l", "ordercode"].contains(&n);
        if p == pairs.len() - 1 {
            prop_assert_eq!(got, Err(Error::SignatureMismatch));
        } else if p == pairs.len() - 2 {
            prop_assert_eq!(got, Err(Error::BadAccessKey));
        } else if is_name || !unsigned(&pairs[p].0) {
            prop_assert!(got.is_err(), "{}", query);
        }
    }

    #[test]
    fn arbitrary_queries_agree_with_reference(query in "([a-z%+=&0-9A-F]|accesskey=key&|signature=|l=|%C3|%A9){0,40}") {
        let signer = Signer::new("key", b"secret", "acct").unwrap();
        let expected = reference::verify_return_url("key", b"secret", "acct", &query);
        let got = match signer.verify_return_url(&query) {
            Ok(_) => Verdict::Valid,
            Err(Error::BadAccessKey) => Verdict::BadAccessKey,
            Err(Error::SignatureMissing) => Verdict::SignatureMissing,
            Err(Error::SignatureMismatch) => Verdict::SignatureMismatch,
            Err(_) => Verdict::Malformed,
        };
        prop_assert_eq!(got, expected, "{}", query);
    }
}

// ----- Calendar ------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn unix_to_calendar_and_back(secs in unix_time()) {
        let ts = Timestamp::from_unix(secs).unwrap();
        prop_assert_eq!(ts.unix(), secs);
        prop_assert_eq!(ts.as_str(), chrono_text(secs));
        let c = DateTime::from_timestamp(secs, 0).unwrap();
        prop_assert_eq!(
            (i32::from(ts.year()), u32::from(ts.month()), u32::from(ts.day()), u32::from(ts.hour()), u32::from(ts.minute()), u32::from(ts.second())),
            (c.year(), c.month(), c.day(), c.hour(), c.minute(), c.second())
        );
        prop_assert_eq!(Timestamp::parse(ts.as_str()), Ok(ts));
        prop_assert_eq!(Timestamp::from_fields(ts.year(), ts.month(), ts.day(), ts.hour(), ts.minute(), ts.second()), Ok(ts));
    }

    #[test]
    fn fields_are_valid_exactly_when_chrono_says_so(y in 1900u16..=10100, mo in 0u8..=13, d in 0u8..=32, h in 0u8..=25, mi in 0u8..=61, s in 0u8..=61) {
        let chrono_ok = NaiveDate::from_ymd_opt(i32::from(y), u32::from(mo), u32::from(d))
            .and_then(|date| date.and_hms_opt(u32::from(h), u32::from(mi), u32::from(s)))
            .is_some();
        let in_range = (1970..=9999).contains(&y);
        let expected = match (chrono_ok, in_range) {
            (true, true) => Ok(()),
            (true, false) => Err(Error::TimeOutOfRange),
            (false, _) => Err(Error::InvalidDate),
        };
        prop_assert_eq!(Timestamp::from_fields(y, mo, d, h, mi, s).map(|_| ()), expected);
    }

    #[test]
    fn out_of_range_unix_times_are_refused(secs in prop_oneof![i64::MIN..0, MAX_UNIX + 1..=i64::MAX]) {
        prop_assert_eq!(Timestamp::from_unix(secs), Err(Error::TimeOutOfRange));
    }
}
