//! Return-URL verification of arbitrary query strings agrees with the
//! reference: an arbitrary query never verifies unless it carries the right
//! signature, and each failure has the reference's reason.
//!
//! Input: the query string. A fixed signer is used; a second check appends
//! the correct signature for the query's own parameters, when they have one,
//! so that the valid path is fuzzed too.
#![no_main]

#[path = "../../tests/reference/mod.rs"]
mod reference;

use libfuzzer_sys::fuzz_target;
use reference::Verdict;
use ticketmatic_sign::{Error, Signer};

const KEY: &str = "142dda885ec6024f934a40c1";
const SECRET: &[u8] = b"abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784";
const ACCOUNT: &str = "club";

/// The crate's verdict on `query` taken as a query: a leading `?` makes
/// sure of it (a query alone that starts like a URL is read as one).
fn verdict(signer: &Signer, query: &str) -> Verdict {
    match signer.verify_return_url(&format!("?{query}")) {
        Ok(_) => Verdict::Valid,
        Err(Error::BadAccessKey) => Verdict::BadAccessKey,
        Err(Error::SignatureMissing) => Verdict::SignatureMissing,
        Err(Error::SignatureMismatch) => Verdict::SignatureMismatch,
        Err(_) => Verdict::Malformed,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    // A `#` starts the URL's fragment, which the crate cuts off and the
    // reference (a query's rules only) does not know.
    if query.contains('#') {
        return;
    }
    let signer = Signer::new(KEY, SECRET, ACCOUNT).unwrap();
    assert_eq!(
        verdict(&signer, query),
        reference::verify_return_url(KEY, SECRET, ACCOUNT, query),
        "{query:?}"
    );

    // Sign the query's own parameters and append the signature.
    if let Some(params) = reference::parse_query(query, true) {
        let rest: Vec<(String, String)> = params
            .into_iter()
            .filter(|(n, _)| n != "accesskey" && n != "signature")
            .collect();
        let signature = reference::widget_signature(KEY, SECRET, ACCOUNT, &rest);
        let signed = format!("{query}&accesskey={KEY}&signature={signature}");
        assert_eq!(
            verdict(&signer, &signed),
            reference::verify_return_url(KEY, SECRET, ACCOUNT, &signed),
            "{signed:?}"
        );
    }
});
