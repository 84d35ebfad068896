//! The inputs both benches measure, and the floor they compare against.
#![allow(dead_code)] // each bench uses its own part

use hmac::{Hmac, Mac};
use sha2::Sha256;
use ticketmatic_sign::Signer;

pub const KEY: &str = "142dda885ec6024f934a40c1";
pub const SECRET: &str = "abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784";
pub const ACCOUNT: &str = "club";
pub const WIDGET: &str = "addtickets";
/// 2026-11-22T09:26:56, any time will do.
pub const UNIX_TIME: i64 = 1_795_426_016;

/// `n` parameters as a widget page might get them: short names, values with
/// URL characters, one non-ASCII value, `l` among them, in no sorted order.
pub fn params(n: usize) -> Vec<(String, String)> {
    let first = [
        ("skinid", "25"),
        ("event", "123"),
        ("returnurl", "https://www.example.org/tickets/done?x=1&y=2"),
        ("l", "fr"),
        ("flow", "basket"),
        ("panels", "basket,customer,payment"),
        ("name", "Zoë Brügge"),
        ("reservemoretickets", "true"),
        ("oncompletion", "orderdetail"),
        ("edit", "1"),
    ];
    (0..n)
        .map(|i| match first.get(i) {
            Some(&(k, v)) => (k.to_owned(), v.to_owned()),
            None => (format!("extra{:03}", (i * 7) % n), format!("value {i}")),
        })
        .collect()
}

pub fn signer() -> Signer {
    Signer::new(KEY, SECRET.as_bytes(), ACCOUNT).unwrap()
}

/// The HMAC with its key schedule done in advance.
pub fn hmac_key() -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap()
}

/// The floor: the keyed HMAC cloned, fed `message` in one call, finalized.
pub fn floor(keyed: &Hmac<Sha256>, message: &[u8]) -> [u8; 32] {
    let mut mac = keyed.clone();
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The message the widget signature of `params` signs (the crate's explain,
/// which the benches check against the naive version).
pub fn widget_message(signer: &Signer, params: &[(String, String)]) -> Vec<u8> {
    let mut buf = vec![0u8; 64 * 1024];
    signer
        .widget_payload(params, &mut buf)
        .unwrap()
        .as_bytes()
        .to_vec()
}
