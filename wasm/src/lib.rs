//! The WebAssembly module behind the `ticketmatic-sign` JavaScript package
//! (`js/`): every operation of the crate, with no allocator and no bindings
//! generator, so that its size is what signing costs a web page.
//!
//! Calling convention (the JavaScript side is `js/src/wasm.js`):
//!
//! - The caller writes its inputs straight into the module's input area:
//!   their bytes back to back (`input_ptr()`, `io_len()` bytes), and the
//!   length of each, in bytes, as a little-endian `u16` in a table of their
//!   own (`lengths_ptr()`, `max_texts()` of them), and passes the number of
//!   bytes written. Texts are UTF-8, and checked as such once for a call. The
//!   output comes back in a separate output area (`output_ptr()`,
//!   `io_len()` bytes), so that nothing is copied on either side of the
//!   call; its records are a little-endian `u32` length and that many bytes.
//! - `signer_new(length, scratch)` reads four inputs: the secret key (any
//!   bytes, so first, before the texts), access key, account, base URL. It
//!   keys the HMAC once and keeps the crate's [`Signer`] (the key schedule,
//!   not the secret) in one of [`slots::SLOTS`] slots, or with `scratch` 1
//!   in the slot [`slots::SCRATCH`] that serves one call at a time, and
//!   returns the slot's number; `signer_free` empties a slot.
//! - `run(slot, op, count, time, length)` runs an operation (see [`op`]) with
//!   that signer on the inputs written. `count` is the number of widget
//!   parameters; `time` is the Unix time in seconds (an `f64`, which holds
//!   every second from 1970 to 9999 exactly and crosses into JavaScript
//!   without a BigInt), or NaN when a timestamp's text is the input.
//!
//! `signer_new` and `run` return the output's length (`run`) or the slot
//! (`signer_new`), or
//! - `REFUSED` (-1): the crate refused the inputs; the output area holds the
//!   error as records: reason, field, message (the core's `Error::reason`,
//!   `Error::field`, `Error::message`), then a `u32` position plus one (0
//!   when the error has none) and a `u32` 1 if the error is a verdict;
//! - `BAD_CALL` (-2): the inputs could not be read (or `length` is more
//!   than the input area), or the slot is empty (a bug on the caller's
//!   side);
//! - `NO_SLOT` (-3, `signer_new` only): every slot holds a live signer (the
//!   caller then uses the scratch slot).
#![no_std]
#![deny(unsafe_code)]

mod error;
mod io;
pub mod slots;

use io::{Failure, Params, RecordWriter, Texts};
use ticketmatic_sign::{Signer, Timestamp};

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// The timestamp: `time` in Unix seconds, or the next text if it is NaN.
/// Seconds beyond `i64` saturate, and the crate refuses them as out of
/// range like every time outside 1970 to 9999.
fn timestamp(time: f64, texts: &mut Texts<'_>) -> Result<Timestamp, Failure> {
    Ok(if time.is_nan() {
        Timestamp::parse(texts.next()?)?
    } else {
        Timestamp::from_unix(time as i64)?
    })
}

/// The operations of `run`: what it reads, and what it writes.
pub mod op {
    /// Nothing; writes the base URL as the signer keeps it.
    pub const BASE_URL: u32 = 0;
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

/// Keys a signer from the four inputs (secret key, access key, account,
/// base URL) in the first `input_len` bytes of the input area and keeps it
/// in a free slot (in the scratch slot if `scratch` is 1): returns the
/// slot's number.
#[allow(unsafe_code)] // `no_mangle` only names the export
#[no_mangle]
pub extern "C" fn signer_new(input_len: usize, scratch: u32) -> i32 {
    io::call(input_len, |mut inputs, _| {
        let slot = slots::place(scratch == 1)?;
        let secret = inputs.bytes()?;
        let mut texts = inputs.texts()?;
        let access_key = texts.next()?;
        let account = texts.next()?;
        let base_url = texts.next()?;
        let signer = Signer::new(access_key, secret, account)?.with_base_url(base_url)?;
        slots::keep(slot, signer)
    })
}

/// Empties slot `slot` (nothing if it is empty or out of range).
#[allow(unsafe_code)] // `no_mangle` only names the export
#[no_mangle]
pub extern "C" fn signer_free(slot: usize) {
    slots::free(slot);
}

/// Runs operation `op` (see [`op`]) with the signer in `slot` on the texts
/// in the first `input_len` bytes of the input area. One entry point rather
/// than one per operation: each export would carry its own copy of the
/// call's setup.
#[allow(unsafe_code)] // `no_mangle` only names the export
#[no_mangle]
pub extern "C" fn run(slot: usize, op: u32, count: usize, time: f64, input_len: usize) -> i32 {
    io::call(input_len, |inputs, out| {
        let mut texts = inputs.texts()?;
        let mut params = Params::new();
        slots::with(slot, |signer| match op {
            op::BASE_URL => Ok(io::put(out, signer.base_url().as_bytes())?),
            op::AUTHORIZATION | op::AUTHORIZATION_PAYLOAD => {
                let ts = timestamp(time, &mut texts)?;
                Ok(if op == op::AUTHORIZATION {
                    signer.authorization(ts, out)?.len()
                } else {
                    signer.authorization_payload(ts, out)?.len()
                })
            }
            op::WIDGET_SIGNATURE | op::WIDGET_PAYLOAD => {
                io::read_params(&mut texts, count, &mut params)?;
                if op == op::WIDGET_SIGNATURE {
                    Ok(io::put(out, signer.widget_signature(&params)?.as_bytes())?)
                } else {
                    Ok(signer.widget_payload(&params, out)?.len())
                }
            }
            op::WIDGET_URL => {
                let widget = texts.next()?;
                io::read_params(&mut texts, count, &mut params)?;
                Ok(signer.widget_url(widget, &params, out)?.len())
            }
            op::VERIFY_RETURN_URL => {
                let params = signer.verify_return_url(texts.next()?)?;
                let mut out = RecordWriter::new(out);
                for param in params {
                    for text in [param.name(), param.value()] {
                        out.record_bytes(text.bytes())?;
                    }
                    out.raw(&[u8::from(param.is_signed())])?;
                }
                Ok(out.len())
            }
            op::RETURN_URL_PAYLOAD => Ok(signer.return_url_payload(texts.next()?, out)?.len()),
            _ => Err(Failure::BadCall),
        })
    })
}
