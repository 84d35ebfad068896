//! Ticketmatic request signing without allocation, for any target.
//!
//! Ticketmatic authenticates API requests with an `Authorization` header that
//! carries an HMAC-SHA256 signature, and signs the URLs of its embeddable
//! widgets (ticket sales pages) the same way. This crate produces both, byte
//! for byte as Ticketmatic's official clients do, and verifies the return URLs
//! a widget flow redirects back to. For servers and mock servers,
//! [`verify_authorization`] checks a request's header.
//!
//! - `#![no_std]`, no `alloc`: output goes into caller buffers, a
//!   `core::fmt::Write`, or a [`heapless::String`] of fixed capacity.
//! - Parameters are sorted into the signed order without allocating, and the
//!   signed message is streamed into the HMAC, never built in memory.
//! - Inputs that would inject a header (CR, LF or spaces in the access key) or
//!   escape a URL path (`/`, `.`, `..` in account or widget names) are refused
//!   with an [`Error`] that names the field and the reason.
//! - Signature comparisons are constant-time.
//!
//! # Example
//!
//! The widget example of Ticketmatic's documentation, and an API header:
//!
//! ```
//! use ticketmatic_sign::{Signer, Timestamp};
//!
//! let signer = Signer::new("azertyuiop", b"qsdfghjklm", "myaccountname")?;
//!
//! let params = [
//!     ("event", "123"),
//!     ("l", "fr"),
//!     ("returnurl", "http://www.ticketmatic.com"),
//!     ("skinid", "25"),
//! ];
//! let mut buf = [0u8; 512];
//! let url = signer.widget_url("addtickets", &params, &mut buf)?;
//! assert!(url.ends_with(
//!     "&signature=0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8"
//! ));
//!
//! let header = signer.authorization_string(Timestamp::from_unix(1_795_426_016)?);
//! assert!(header.starts_with("TM-HMAC-SHA256 key=azertyuiop ts=2026-11-23T09:26:56 sign="));
//! # Ok::<(), ticketmatic_sign::Error>(())
//! ```
//!
//! # Features
//!
//! - `std` (off by default): `Timestamp::now` from the system clock, and
//!   `std::error::Error` for [`Error`]. (docs.rs shows both, marked.)
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// On 32-bit ARM (microcontrollers, where flash is scarce and there is one
// caller per operation) the code chooses size where elsewhere it chooses
// speed, with `cfg(target_arch = "arm")`: byte classes are bitmaps
// (`byteset`), and a few functions are kept out of line. Each such `cfg`
// says what it saved, as embedded/run.sh measured it.

#[cfg(any(feature = "std", test))]
extern crate std;

mod base_url;
mod byteset;
mod encode;
mod error;
mod hex;
mod params;
mod request;
mod return_params;
mod scan;
mod signer;
mod sink;
mod time;
mod verify;

/// The fixed-capacity strings of this crate's API
/// ([`Signer::authorization_string`], [`Error::message`]), re-exported so
/// that callers name the same version: `ticketmatic_sign::heapless::String<N>`.
pub use heapless;

pub use encode::{encode, Encode};
pub use error::{Error, Field, Reason, ERROR_MESSAGE_CAPACITY};
pub use params::Param;
pub use request::{verify_authorization, Authorization, DEFAULT_WINDOW_SECS};
pub use return_params::{QueryText, ReturnParam, ReturnParams};
pub use signer::{authorization_len, Signature, Signer};
pub use time::Timestamp;

/// Where widget URLs point unless [`Signer::with_base_url`] says otherwise.
pub const DEFAULT_BASE_URL: &str = "https://apps.ticketmatic.com";

/// The longest access key accepted, in bytes.
pub const MAX_ACCESS_KEY_LEN: usize = 64;

/// The longest account name accepted, in bytes: a [`Signer`] keeps it in
/// storage of this capacity (Ticketmatic account names are short codes).
pub const MAX_ACCOUNT_LEN: usize = 64;

/// The longest base URL accepted by [`Signer::with_base_url`], in bytes.
pub const MAX_BASE_URL_LEN: usize = 128;

/// The length of the longest `Authorization` header value: that of an access
/// key of [`MAX_ACCESS_KEY_LEN`] bytes.
pub const AUTHORIZATION_CAPACITY: usize = authorization_len(MAX_ACCESS_KEY_LEN);

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Text of a buffer this crate filled with ASCII. `#![forbid(unsafe_code)]`
/// means the conversion is checked; it cannot fail.
fn ascii(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or_default()
}

/// The README's examples, run as doc tests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
