//! Each operation against two baselines on the same inputs, in one criterion
//! group so that the ratios come from one run:
//!
//! - `crate`: this crate;
//! - `floor`: the `hmac` crate with the key schedule done in advance, cloned,
//!   fed the same message bytes in one call and finalized; nothing else;
//! - `naive`: what an integrator writes without the crate: a new HMAC per
//!   call, `format!`ed payload, `Vec` sorting, `hex`, `percent-encoding`.
//!
//! `cargo bench --bench signing && python3 .ci/bench-report.py` prints the ratios.

mod common;

use std::fmt::Write;

use common::{
    floor, hmac_key, params, signer, widget_message, ACCOUNT, KEY, SECRET, UNIX_TIME, WIDGET,
};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::Sha256;
use ticketmatic_sign::Timestamp;

/// RFC 3986: everything but A-Z a-z 0-9 - . _ ~ is escaped.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

// ----- What an integrator writes without the crate ----------------------

fn naive_header(ts: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{KEY}{ACCOUNT}{ts}").as_bytes());
    let sign = hex::encode(mac.finalize().into_bytes());
    format!("TM-HMAC-SHA256 key={KEY} ts={ts} sign={sign}")
}

fn naive_signature(params: &[(String, String)]) -> String {
    let mut signed: Vec<&(String, String)> = params
        .iter()
        .filter(|(name, _)| name != "l" && name != "ordercode")
        .collect();
    signed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut payload = format!("{KEY}{ACCOUNT}");
    for (name, value) in signed {
        payload.push_str(name);
        payload.push_str(value);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(payload.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn naive_url(params: &[(String, String)]) -> String {
    let signature = naive_signature(params);
    let mut url = format!("https://apps.ticketmatic.com/widgets/{ACCOUNT}/{WIDGET}?");
    for (name, value) in params {
        let _ = write!(
            url,
            "{}={}&",
            utf8_percent_encode(name, RFC3986),
            utf8_percent_encode(value, RFC3986)
        );
    }
    let _ = write!(url, "accesskey={KEY}&signature={signature}");
    url
}

fn naive_verify(query: &str) -> bool {
    let decode = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8()
            .map(|s| s.into_owned())
    };
    let mut params = Vec::new();
    for component in query.split('&').filter(|c| !c.is_empty()) {
        let (name, value) = component.split_once('=').unwrap_or((component, ""));
        match (decode(name), decode(value)) {
            (Ok(name), Ok(value)) => params.push((name, value)),
            _ => return false,
        }
    }
    let get = |n: &str| params.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    if get("accesskey").as_deref() != Some(KEY) {
        return false;
    }
    let Some(signature) = get("signature") else {
        return false;
    };
    params.retain(|(k, _)| k != "accesskey" && k != "signature");
    naive_signature(&params) == signature
}

// ----- Benchmarks ---------------------------------------------------------

fn header(c: &mut Criterion) {
    let signer = signer();
    let ts = Timestamp::from_unix(UNIX_TIME).unwrap();
    let keyed = hmac_key();
    let message = format!("{KEY}{ACCOUNT}{ts}");
    assert_eq!(
        signer.authorization_string(ts).as_str(),
        naive_header(ts.as_str())
    );

    let mut group = c.benchmark_group("header");
    let mut buf = [0u8; 256];
    group.bench_function("crate", |b| {
        b.iter(|| {
            black_box(signer.authorization(black_box(ts), &mut buf).unwrap().len());
        })
    });
    group.bench_function("floor", |b| {
        b.iter(|| black_box(floor(&keyed, black_box(message.as_bytes()))))
    });
    group.bench_function("naive", |b| {
        b.iter(|| black_box(naive_header(black_box(ts.as_str()))))
    });
    group.finish();
}

fn widget_signature(c: &mut Criterion) {
    let signer = signer();
    let keyed = hmac_key();
    for n in [1, 10, 50, 200, 1000] {
        let params = params(n);
        let message = widget_message(&signer, &params);
        assert_eq!(
            signer.widget_signature(&params).unwrap().as_str(),
            naive_signature(&params)
        );

        let mut group = c.benchmark_group(format!("widget_signature_{n}"));
        group.bench_function("crate", |b| {
            b.iter(|| black_box(signer.widget_signature(black_box(&params)).unwrap()))
        });
        group.bench_function("floor", |b| {
            b.iter(|| black_box(floor(&keyed, black_box(&message))))
        });
        group.bench_function("naive", |b| {
            b.iter(|| black_box(naive_signature(black_box(&params))))
        });
        group.finish();
    }
}

fn widget_url(c: &mut Criterion) {
    let signer = signer();
    let keyed = hmac_key();
    let params = params(10);
    let mut buf = vec![0u8; 8192];
    let message = widget_message(&signer, &params);
    assert_eq!(
        signer.widget_url(WIDGET, &params, &mut buf).unwrap(),
        naive_url(&params)
    );

    let mut group = c.benchmark_group("widget_url_10");
    group.bench_function("crate", |b| {
        b.iter(|| {
            black_box(
                signer
                    .widget_url(WIDGET, black_box(&params), &mut buf)
                    .unwrap()
                    .len(),
            )
        })
    });
    group.bench_function("floor", |b| {
        b.iter(|| black_box(floor(&keyed, black_box(&message))))
    });
    group.bench_function("naive", |b| {
        b.iter(|| black_box(naive_url(black_box(&params))))
    });
    group.finish();
}

fn verify(c: &mut Criterion) {
    let signer = signer();
    let keyed = hmac_key();
    let params = params(10);
    let mut buf = vec![0u8; 8192];
    let message = widget_message(&signer, &params);
    let url = signer
        .widget_url(WIDGET, &params, &mut buf)
        .unwrap()
        .to_owned();
    let query = url.split_once('?').unwrap().1;
    assert!(signer.verify_return_url(query).is_ok());
    assert!(naive_verify(query));

    let mut group = c.benchmark_group("verify_10");
    group.bench_function("crate", |b| {
        b.iter(|| black_box(signer.verify_return_url(black_box(query))))
    });
    group.bench_function("crate_sign", |b| {
        b.iter(|| black_box(signer.widget_signature(black_box(&params)).unwrap()))
    });
    group.bench_function("floor", |b| {
        b.iter(|| black_box(floor(&keyed, black_box(&message))))
    });
    group.bench_function("naive", |b| {
        b.iter(|| black_box(naive_verify(black_box(query))))
    });
    group.finish();
}

criterion_group!(benches, header, widget_signature, widget_url, verify);
criterion_main!(benches);
