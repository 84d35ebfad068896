//! The WebAssembly module behind the `ticketmatic-sign` JavaScript package
//! (`js/`): every operation of the crate, with no allocator and no bindings
//! generator, so that its size is what signing costs a web page.
//!
//! Calling convention (the JavaScript side is `js/src/wasm.js`): the caller
//! writes its inputs into the module's I/O area (`io_ptr()`, `io_len()`
//! bytes) as records, each a little-endian `u32` length followed by that many
//! bytes, calls `run` with an operation code and the length written, and reads the output back from
//! the start of the area. The records start with the signer's: access key,
//! secret key (any bytes), account, base URL (the JavaScript side sends the
//! default when none is given); then
//! come the operation's (see [`op`]).
//!
//! `run` returns the output's length, or
//! - `REFUSED` (-1): the crate refused the inputs; the area holds the error
//!   as records: reason, field, message (the core's `Error::reason`,
//!   `Error::field`, `Error::message`), then a `u32` position plus one (0
//!   when the error has none) and a `u32` 1 if the error is a verdict;
//! - `BAD_CALL` (-2): the records could not be read (a bug on the caller's side).
#![no_std]
#![deny(unsafe_code)]

mod error;
mod io;

use io::{call, Failure, Params, RecordWriter, Records};
use ticketmatic_sign::{Signer, Timestamp};

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Reads the signer's four records.
fn signer(records: &mut Records<'_>) -> Result<Signer, Failure> {
    let access_key = records.next_str()?;
    let secret = records.next_bytes()?;
    let account = records.next_str()?;
    let base_url = records.next_str()?;
    Ok(Signer::new(access_key, secret, account)?.with_base_url(base_url)?)
}

/// `unix_time` that says a record of timestamp text follows: no time the
/// crate accepts is this far out, and every other value goes to the crate,
/// which says which are out of range.
const TEXT_TIME: i64 = i64::MIN;

/// The timestamp: `unix_time`, or the record of text if it is `TEXT_TIME`.
fn timestamp(unix_time: i64, records: &mut Records<'_>) -> Result<Timestamp, Failure> {
    Ok(if unix_time == TEXT_TIME {
        Timestamp::parse(records.next_str()?)?
    } else {
        Timestamp::from_unix(unix_time)?
    })
}

/// The operations of `run`: what it reads after the signer, and what it writes.
pub mod op {
    /// Nothing more; checks the signer's inputs and writes the base URL as
    /// the signer keeps it.
    pub const CHECK: u32 = 0;
    /// The timestamp; writes the `Authorization` header.
    pub const AUTHORIZATION: u32 = 1;
    /// The timestamp; writes the text the header signs.
    pub const AUTHORIZATION_PAYLOAD: u32 = 2;
    /// `count` name/value pairs; writes the widget signature.
    pub const WIDGET_SIGNATURE: u32 = 3;
    /// `count` name/value pairs; writes the text the signature signs.
    pub const WIDGET_PAYLOAD: u32 = 4;
    /// The widget name, then `count` name/value pairs; writes the widget URL.
    pub const WIDGET_URL: u32 = 5;
    /// A return URL's query; writes the verified parameters if it verifies,
    /// in the query's order: for each, its decoded name and value as
    /// records, then one byte, 1 if the signature covers it (not `l` or
    /// `ordercode`).
    pub const VERIFY_RETURN_URL: u32 = 6;
    /// A return URL's query; writes the text its signature should sign.
    pub const RETURN_URL_PAYLOAD: u32 = 7;
}

/// Runs operation `op` (see [`op`]) on the records in the first `input_len`
/// bytes of the I/O area: the signer's, then the operation's. `count` is the number of widget
/// parameters; `unix_time` is the timestamp, or `TEXT_TIME` if a record of
/// timestamp text follows. One entry point rather than one per operation:
/// each export would carry its own copy of the call's setup.
#[allow(unsafe_code)] // `no_mangle` only names the export
#[no_mangle]
pub extern "C" fn run(op: u32, count: usize, unix_time: i64, input_len: usize) -> i32 {
    call(input_len, |mut records, out| {
        let signer = signer(&mut records)?;
        match op {
            op::CHECK => io::put(out, signer.base_url().as_bytes()),
            op::AUTHORIZATION | op::AUTHORIZATION_PAYLOAD => {
                let ts = timestamp(unix_time, &mut records)?;
                Ok(if op == op::AUTHORIZATION {
                    signer.authorization(ts, out)?.len()
                } else {
                    signer.authorization_payload(ts, out)?.len()
                })
            }
            op::WIDGET_SIGNATURE | op::WIDGET_PAYLOAD => {
                let params = Params::new(records, count)?;
                if op == op::WIDGET_SIGNATURE {
                    io::put(out, signer.widget_signature(params)?.as_bytes())
                } else {
                    Ok(signer.widget_payload(params, out)?.len())
                }
            }
            op::WIDGET_URL => {
                let widget = records.next_str()?;
                let params = Params::new(records, count)?;
                Ok(signer.widget_url(widget, params, out)?.len())
            }
            op::VERIFY_RETURN_URL => {
                let params = signer.verify_return_url(records.next_str()?)?;
                let mut out = RecordWriter::new(out);
                for param in params {
                    for text in [param.name(), param.value()] {
                        out.record_bytes(text.bytes())?;
                    }
                    out.raw(&[u8::from(param.is_signed())])?;
                }
                Ok(out.len())
            }
            op::RETURN_URL_PAYLOAD => {
                Ok(signer.return_url_payload(records.next_str()?, out)?.len())
            }
            _ => Err(Failure::BadCall),
        }
    })
}
