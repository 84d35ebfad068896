//! Ticketmatic request signing on the `http` stack every Rust service
//! shares (hyper, reqwest, tower, axum): sign an outgoing
//! [`http::Request`] in place with the time injected, and verify an
//! incoming one against the key pairs a server knows, answering refusals
//! in Ticketmatic's error shape ([`Problem`]). Each integration is behind
//! its feature: `reqwest` (a reqwest-middleware middleware that signs),
//! `tower` (a layer that signs outgoing requests and one that verifies
//! incoming ones), `axum` (extractors for a verified return URL and a
//! verified `Authorization` header). The signing itself is the
//! `ticketmatic-sign` crate's, re-exported as [`ticketmatic_sign`].
//!
//! ```
//! use ticketmatic_sign_http::{sign_now, ticketmatic_sign::Signer};
//!
//! let signer = Signer::new("azertyuiop", b"qsdfghjklm", "myaccountname")?;
//! let mut request = http::Request::get("https://apps.ticketmatic.com/api/1/myaccountname/events")
//!     .body(())
//!     .unwrap();
//! sign_now(&mut request, &signer)?;
//! assert!(request.headers()["authorization"].to_str()?.starts_with("TM-HMAC-SHA256 key=azertyuiop ts="));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's example, run as a doc test so that it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod keys;
mod path;
mod problem;
mod sign;
mod verify;

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub mod reqwest;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;

pub use keys::{KeyStore, Keys};
pub use path::account_in_path;
pub use problem::Problem;
pub use sign::{sign, sign_now, SignError};
pub use verify::{
    verify_header, verify_request, KeyPair, Refusal, Scheme, Verified, EXPECTED_PAYLOAD,
};

/// The signing crate this one builds on, so that its version always matches.
pub use ticketmatic_sign;
