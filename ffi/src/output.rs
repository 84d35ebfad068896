//! The caller's output buffer: written only on success, its length
//! reported, or the length needed.

use core::slice;
use std::os::raw::c_char;

use ticketmatic_sign::Error;

use crate::error::{tm_field, Failure};

/// Runs `write` on the caller's buffer and reports the length it wrote, or
/// on `BufferTooSmall` the length needed. `write` must leave the buffer
/// untouched when it fails (see [`put`] for one that may not).
///
/// # Safety
///
/// `buf` is NULL or writable for `buf_len` bytes; `out_len` is NULL or writable.
pub(crate) unsafe fn fill(
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
    write: impl FnOnce(&mut [u8]) -> Result<usize, Error>,
) -> Result<(), Failure> {
    // SAFETY: the caller passes NULL or a writable `size_t`.
    let out_len =
        unsafe { out_len.as_mut() }.ok_or(Failure::Null(tm_field::TM_FIELD_OUTPUT, None))?;
    let out: &mut [u8] = if buf_len == 0 {
        &mut []
    } else if buf.is_null() {
        return Err(Failure::Null(tm_field::TM_FIELD_OUTPUT, None));
    } else {
        // SAFETY: not NULL, and the caller promises `buf_len` writable bytes.
        unsafe { slice::from_raw_parts_mut(buf.cast::<u8>(), buf_len) }
    };
    match write(out) {
        Ok(len) => {
            *out_len = len;
            Ok(())
        }
        Err(Error::BufferTooSmall { needed }) => {
            *out_len = needed;
            Err(Error::BufferTooSmall { needed }.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// [`fill`] for a `write` that may leave part of its output behind when
/// the buffer is too small (the explain payloads): it runs on an empty
/// buffer first, which finds any refusal and the length needed, and then,
/// if that fits, on the caller's. The payloads are for diagnosis, where the
/// second pass costs nothing that matters.
///
/// # Safety
///
/// As for [`fill`].
pub(crate) unsafe fn put(
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
    write: impl Fn(&mut [u8]) -> Result<usize, Error>,
) -> Result<(), Failure> {
    // SAFETY: the caller's promise, passed on.
    unsafe {
        fill(buf, buf_len, out_len, |out| match write(&mut []) {
            Err(Error::BufferTooSmall { needed }) if needed <= out.len() => write(out),
            other => other,
        })
    }
}
