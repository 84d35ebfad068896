//! The I/O area shared with JavaScript, and the records written into it.

use core::sync::atomic::{AtomicU8, Ordering};

use ticketmatic_sign::Error;

/// Large enough for any widget URL a browser or server accepts in practice;
/// the JavaScript side refuses larger inputs before writing them.
const IO_LEN: usize = 16 * 1024;
const REFUSED: i32 = -1;
const BAD_CALL: i32 = -2;

// Atomics give the host a plain byte area to write into, without `unsafe`.
#[allow(clippy::declare_interior_mutable_const)] // only used to fill `IO`
const ZERO: AtomicU8 = AtomicU8::new(0);
static IO: [AtomicU8; IO_LEN] = [ZERO; IO_LEN];

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
pub enum Failure {
    Refused(Error),
    BadCall,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Refused(error)
    }
}

/// Copies the first `input_len` bytes of the I/O area in (what the caller
/// wrote: copying all 16 KiB cost more than signing), runs `f` on them with
/// an output buffer, and copies the output (or the error's records) back.
pub fn call(
    input_len: usize,
    f: impl FnOnce(Records<'_>, &mut [u8]) -> Result<usize, Failure>,
) -> i32 {
    let mut input = [0u8; IO_LEN];
    let input_len = input_len.min(IO_LEN);
    for (dst, src) in input[..input_len].iter_mut().zip(IO.iter()) {
        *dst = src.load(Ordering::Relaxed);
    }
    let mut output = [0u8; IO_LEN];
    let (result, len) = match f(Records(&input[..input_len]), &mut output) {
        Ok(len) => (len as i32, len),
        Err(Failure::Refused(error)) => match crate::error::describe(&error, &mut output) {
            Ok(len) => (REFUSED, len),
            Err(_) => (BAD_CALL, 0),
        },
        Err(Failure::BadCall) => (BAD_CALL, 0),
    };
    for (dst, &src) in IO.iter().zip(&output[..len]) {
        dst.store(src, Ordering::Relaxed);
    }
    result
}

/// Copies `bytes` to the start of `out`.
pub fn put(out: &mut [u8], bytes: &[u8]) -> Result<usize, Failure> {
    out.get_mut(..bytes.len())
        .ok_or(Failure::BadCall)?
        .copy_from_slice(bytes);
    Ok(bytes.len())
}

/// Reads length-prefixed records from a copy of the I/O area.
#[derive(Clone)]
pub struct Records<'a>(&'a [u8]);

impl<'a> Records<'a> {
    pub fn next_bytes(&mut self) -> Result<&'a [u8], Failure> {
        let (len, rest) = match self.0 {
            [a, b, c, d, rest @ ..] => (u32::from_le_bytes([*a, *b, *c, *d]) as usize, rest),
            _ => return Err(Failure::BadCall),
        };
        if len > rest.len() {
            return Err(Failure::BadCall);
        }
        let (bytes, rest) = rest.split_at(len);
        self.0 = rest;
        Ok(bytes)
    }

    pub fn next_str(&mut self) -> Result<&'a str, Failure> {
        core::str::from_utf8(self.next_bytes()?).map_err(|_| Failure::BadCall)
    }
}

/// `count` (name, value) records as widget parameters.
#[derive(Clone)]
pub struct Params<'a> {
    records: Records<'a>,
    left: usize,
}

impl<'a> Params<'a> {
    /// Checks that `records` holds `count` pairs, so that iterating cannot fail.
    pub fn new(records: Records<'a>, count: usize) -> Result<Self, Failure> {
        let mut check = records.clone();
        for _ in 0..count.saturating_mul(2) {
            check.next_str()?;
        }
        Ok(Params {
            records,
            left: count,
        })
    }
}

impl<'a> Iterator for Params<'a> {
    type Item = (&'a str, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        Some((self.records.next_str().ok()?, self.records.next_str().ok()?))
    }
}

/// Writes length-prefixed records into an output buffer.
pub struct RecordWriter<'b> {
    out: &'b mut [u8],
    len: usize,
}

impl<'b> RecordWriter<'b> {
    pub fn new(out: &'b mut [u8]) -> Self {
        RecordWriter { out, len: 0 }
    }

    pub fn record(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        self.raw(&(bytes.len() as u32).to_le_bytes())?;
        self.raw(bytes)
    }

    /// A record of the bytes `bytes` yields.
    pub fn record_bytes(&mut self, bytes: impl Iterator<Item = u8>) -> Result<(), Failure> {
        let start = self.len;
        self.raw(&[0; 4])?;
        for byte in bytes {
            self.raw(&[byte])?;
        }
        let len = (self.len - start - 4) as u32;
        self.out[start..start + 4].copy_from_slice(&len.to_le_bytes());
        Ok(())
    }

    pub fn raw(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        let at = self.len;
        self.len += put(self.out.get_mut(at..).ok_or(Failure::BadCall)?, bytes)?;
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.len
    }
}
