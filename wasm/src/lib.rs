//! A WebAssembly module exporting ticketmatic-sign's header and widget
//! signing, with no allocator and no bindings generator, so that its size is
//! what signing costs a WebAssembly page.
//!
//! Calling convention: the caller writes its inputs into the module's I/O
//! area (`io_ptr()`, `IO_LEN` bytes) as records, each a little-endian `u32`
//! length followed by that many UTF-8 bytes, calls a function, and reads the
//! output back from the start of the area. Functions return the output's
//! length, or a negative code: `REFUSED` (the library returned an error) or
//! `BAD_CALL` (the records could not be read).
#![no_std]
#![deny(unsafe_code)]

use core::sync::atomic::{AtomicU8, Ordering};

use ticketmatic_sign::{Error, Signer, Timestamp};

const IO_LEN: usize = 16 * 1024;
const REFUSED: i32 = -1;
const BAD_CALL: i32 = -2;

// Atomics give the host a plain byte area to write into, without `unsafe`.
const ZERO: AtomicU8 = AtomicU8::new(0);
static IO: [AtomicU8; IO_LEN] = [ZERO; IO_LEN];

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}

/// Where the I/O area starts in linear memory.
#[allow(unsafe_code)] // `no_mangle` only names the export
#[no_mangle]
pub extern "C" fn io_ptr() -> usize {
    IO.as_ptr() as usize
}

/// The I/O area's length.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn io_len() -> usize {
    IO_LEN
}

/// Why a call produced no output.
enum Failure {
    Refused,
    BadCall,
}

impl From<Error> for Failure {
    fn from(_: Error) -> Self {
        Failure::Refused
    }
}

/// Reads `len`-prefixed records from a copy of the I/O area.
#[derive(Clone)]
struct Records<'a>(&'a [u8]);

impl<'a> Records<'a> {
    fn next_str(&mut self) -> Result<&'a str, Failure> {
        let (len, rest) = match self.0 {
            [a, b, c, d, rest @ ..] => (u32::from_le_bytes([*a, *b, *c, *d]) as usize, rest),
            _ => return Err(Failure::BadCall),
        };
        if len > rest.len() {
            return Err(Failure::BadCall);
        }
        let (text, rest) = rest.split_at(len);
        self.0 = rest;
        core::str::from_utf8(text).map_err(|_| Failure::BadCall)
    }
}

/// `count` (name, value) records as widget parameters.
#[derive(Clone)]
struct Params<'a> {
    records: Records<'a>,
    left: usize,
}

impl<'a> Iterator for Params<'a> {
    type Item = (&'a str, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        // The caller checked every record when it built the iterator.
        Some((self.records.next_str().ok()?, self.records.next_str().ok()?))
    }
}

/// Copies the I/O area in, runs `f` on it with an output buffer, and copies
/// the output back.
fn call(f: impl FnOnce(Records<'_>, &mut [u8]) -> Result<usize, Failure>) -> i32 {
    let mut input = [0u8; IO_LEN];
    for (dst, src) in input.iter_mut().zip(IO.iter()) {
        *dst = src.load(Ordering::Relaxed);
    }
    let mut output = [0u8; IO_LEN];
    match f(Records(&input), &mut output) {
        Ok(len) => {
            for (dst, &src) in IO.iter().zip(&output[..len]) {
                dst.store(src, Ordering::Relaxed);
            }
            len as i32
        }
        Err(Failure::Refused) => REFUSED,
        Err(Failure::BadCall) => BAD_CALL,
    }
}

fn signer<'a>(records: &mut Records<'a>) -> Result<Signer<'a>, Failure> {
    let access_key = records.next_str()?;
    let secret = records.next_str()?;
    let account = records.next_str()?;
    Ok(Signer::new(access_key, secret.as_bytes(), account)?)
}

/// Records: access key, secret, account, and if `unix_time` is negative a
/// timestamp text. Writes the Authorization header.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn authorization(unix_time: i64) -> i32 {
    call(|mut records, out| {
        let signer = signer(&mut records)?;
        let ts = if unix_time < 0 {
            Timestamp::parse(records.next_str()?)?
        } else {
            Timestamp::from_unix(unix_time)?
        };
        Ok(signer.authorization(ts, out)?.len())
    })
}

/// Records: access key, secret, account, widget, then `count` name/value
/// pairs. Writes the signature (`url == 0`) or the signed URL (`url != 0`).
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn widget(count: usize, url: i32) -> i32 {
    call(|mut records, out| {
        let signer = signer(&mut records)?;
        let widget = records.next_str()?;
        let params = Params {
            records: records.clone(),
            left: count,
        };
        let mut check = records;
        for _ in 0..count.saturating_mul(2) {
            check.next_str()?;
        }
        if url != 0 {
            return Ok(signer.widget_url(widget, params, out)?.len());
        }
        let signature = signer.widget_signature(params)?;
        let hex = signature.as_bytes();
        out.get_mut(..hex.len())
            .ok_or(Failure::BadCall)?
            .copy_from_slice(hex);
        Ok(hex.len())
    })
}
