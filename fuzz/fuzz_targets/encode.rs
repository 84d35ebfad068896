//! The RFC 3986 encoder: equal to the reference, its length is exact, its
//! output uses only unreserved characters and upper-case escapes, and it
//! decodes back to the input.
#![no_main]

#[path = "../../tests/reference/mod.rs"]
mod reference;

use libfuzzer_sys::fuzz_target;
use ticketmatic_sign::encode;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let encoded: String = encode(text).collect();
    assert_eq!(encoded, reference::encode(text));
    assert_eq!(encode(text).to_string(), encoded);
    assert_eq!(encode(text).encoded_len(), encoded.len());
    assert!(encoded
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~%ABCDEF".contains(&b)));
    assert_eq!(
        reference::percent_decode(&encoded, false).as_deref(),
        Some(text)
    );
});
