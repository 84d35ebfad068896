//! Widget signatures, payloads and URLs from arbitrary keys, names and
//! parameters: equal to the reference when the inputs are valid, refused
//! otherwise; the URL's query decodes back to the caller's parameters.
//!
//! Input: NUL-separated fields: access key, secret, account, widget, then
//! parameter names and values alternately.
#![no_main]

mod common;
#[path = "../../tests/reference/mod.rs"]
mod reference;

use libfuzzer_sys::fuzz_target;
use ticketmatic_sign::{Error, Signer};

fuzz_target!(|data: &[u8]| {
    let Some(f) = common::fields(data) else {
        return;
    };
    if f.len() < 4 {
        return;
    }
    let (key, secret, account, widget) = (f[0], f[1], f[2], f[3]);
    let params: Vec<(String, String)> = f[4..]
        .chunks(2)
        .map(|p| (p[0].to_owned(), p.get(1).copied().unwrap_or("").to_owned()))
        .collect();

    let account_ok = common::account_ok(account);
    let signer = match Signer::new(key, secret.as_bytes(), account) {
        Ok(signer) => signer,
        Err(_) => {
            assert!(!(common::access_key_ok(key) && !secret.is_empty() && account_ok));
            return;
        }
    };
    assert!(common::access_key_ok(key) && !secret.is_empty() && account_ok);

    let mut buf = vec![0u8; signer.widget_url_len(widget, &params)];
    let url = signer.widget_url(widget, &params, &mut buf);
    let valid = !account.is_empty() && common::segment_ok(widget) && common::params_ok(&params);
    let url = match url {
        Ok(url) => url,
        Err(e) => {
            assert!(!valid, "refused valid input: {e}");
            assert!(
                !matches!(e, Error::BufferTooSmall { .. }),
                "widget_url_len was short"
            );
            return;
        }
    };
    assert!(valid, "accepted invalid input: {url}");
    let secret = secret.as_bytes();
    let expected = reference::widget_url(
        "https://apps.ticketmatic.com",
        key,
        secret,
        account,
        widget,
        &params,
    );
    assert_eq!(url, expected);
    assert_eq!(
        signer.widget_signature(&params).unwrap().as_str(),
        reference::widget_signature(key, secret, account, &params)
    );
    let mut payload = vec![0u8; 1 << 16];
    assert_eq!(
        signer.widget_payload(&params, &mut payload).unwrap(),
        reference::widget_payload(key, account, &params)
    );

    let decoded = reference::parse_query(url.split_once('?').unwrap().1, false).unwrap();
    assert_eq!(&decoded[..params.len()], &params[..]);
    assert_eq!(
        decoded[params.len()],
        ("accesskey".to_owned(), key.to_owned())
    );
    assert_eq!(decoded.len(), params.len() + 2);
    // The URL's own query is a valid return URL, and so is the URL.
    let query = url.split_once('?').unwrap().1;
    assert_eq!(signer.verify_return_url(query).map(drop), Ok(()));
    assert_eq!(signer.verify_return_url(&url).map(drop), Ok(()));
});
