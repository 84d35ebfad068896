//! Authorization headers from arbitrary keys, secrets, accounts and times:
//! equal to the reference for valid inputs, refused otherwise; timestamps
//! round-trip.
//!
//! Input: NUL-separated fields: access key, secret, account, Unix time (decimal).
#![no_main]

mod common;
#[path = "../../tests/reference/mod.rs"]
mod reference;

use libfuzzer_sys::fuzz_target;
use ticketmatic_sign::{Signer, Timestamp};

fuzz_target!(|data: &[u8]| {
    let Some(f) = common::fields(data) else {
        return;
    };
    if f.len() != 4 {
        return;
    }
    let (key, secret, account) = (f[0], f[1], f[2]);
    let Ok(secs) = f[3].parse::<i64>() else {
        return;
    };

    let ts = match Timestamp::from_unix(secs) {
        Ok(ts) => ts,
        Err(_) => {
            assert!(!(0..=253_402_300_799).contains(&secs));
            return;
        }
    };
    assert!((0..=253_402_300_799).contains(&secs));
    assert_eq!(ts.unix(), secs);
    assert_eq!(Timestamp::parse(ts.as_str()), Ok(ts));
    let t = ts.as_bytes();
    assert!(t.iter().enumerate().all(|(i, &c)| match i {
        4 | 7 => c == b'-',
        10 => c == b'T',
        13 | 16 => c == b':',
        _ => c.is_ascii_digit(),
    }));

    let account_ok = common::account_ok(account);
    let valid = common::access_key_ok(key) && !secret.is_empty() && account_ok;
    let signer = match Signer::new(key, secret.as_bytes(), account) {
        Ok(signer) => signer,
        Err(_) => {
            assert!(!valid);
            return;
        }
    };
    assert!(valid);
    let mut buf = [0u8; 256];
    let header = signer.authorization(ts, &mut buf).unwrap();
    assert_eq!(
        header,
        reference::header(key, secret.as_bytes(), account, ts.as_str())
    );
    assert_eq!(signer.authorization_string(ts).as_str(), header);
});
