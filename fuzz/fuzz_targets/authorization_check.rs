//! Server-side verification of arbitrary Authorization header values: it
//! never panics, and it accepts a header only if it is exactly the one the
//! signer writes for the time the header claims.
//!
//! Input: the header value. A fixed key pair and account are used; the
//! server's clock is the header's own time, so the window never interferes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ticketmatic_sign::{verify_authorization, Authorization, Signer, DEFAULT_WINDOW_SECS};

const KEY: &str = "142dda885ec6024f934a40c1";
const SECRET: &[u8] = b"abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784";

fuzz_target!(|data: &[u8]| {
    let Ok(header) = std::str::from_utf8(data) else {
        return;
    };
    let lookup = |k: &str| (k == KEY).then_some(SECRET);
    let Ok(parsed) = Authorization::parse(header) else {
        assert!(
            verify_authorization(header, "club", ticketmatic_sign::Timestamp::MIN, 0, lookup)
                .is_err()
        );
        return;
    };
    let now = parsed.timestamp();
    if verify_authorization(header, "club", now, DEFAULT_WINDOW_SECS, lookup).is_ok() {
        let expected = Signer::new(KEY, SECRET, "club")
            .unwrap()
            .authorization_string(now);
        assert_eq!(header, expected.as_str());
    }
});
