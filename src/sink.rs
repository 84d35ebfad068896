//! Where signed messages and URLs go. Every output (the HMAC, a length count,
//! a caller's buffer, a `fmt::Write`) is fed by the same emitting code, so the
//! payload an integrator is shown is byte for byte the one that was signed,
//! and a length computed in advance is the length written.

use core::fmt;

use hmac::Mac;

use crate::encode::{encode, encoded_len, escape_bytes, is_unreserved};
use crate::{Error, HmacSha256};

/// A destination for bytes. Writing never fails part-way through emitting
/// code: a sink that can fail remembers it, and is asked once at the end.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);

    fn put_str(&mut self, text: &str) {
        self.put(text.as_bytes());
    }

    /// Puts `text` percent-encoded per RFC 3986.
    fn put_encoded(&mut self, text: &str) {
        for piece in encode(text) {
            self.put_str(piece);
        }
    }

    /// Puts `text` percent-encoded, then `separator` (`=` or `&`).
    fn put_encoded_then(&mut self, text: &str, separator: u8) {
        self.put_encoded(text);
        self.put(&[separator]);
    }
}

impl Sink for HmacSha256 {
    // One copy of the HMAC's buffering on 32-bit ARM, which `Signing` also
    // goes through (144 bytes of Cortex-M4 flash less).
    #[cfg_attr(target_arch = "arm", inline(never))]
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

/// The HMAC of a message, and when explaining, a copy of the message.
pub(crate) struct Signing<'b> {
    pub(crate) mac: HmacSha256,
    pub(crate) copy: Option<Cursor<'b>>,
}

impl Sink for Signing<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.mac.put(bytes);
        if let Some(copy) = &mut self.copy {
            copy.put(bytes);
        }
    }
}

/// Counts the bytes it is given.
#[derive(Default)]
pub(crate) struct Count(pub(crate) usize);

impl Sink for Count {
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }

    fn put_encoded(&mut self, text: &str) {
        self.0 += encoded_len(text.as_bytes());
    }
}

/// Fills a caller's buffer. What does not fit is counted, not written, so
/// that `finish` can tell the caller how large the buffer must be.
pub(crate) struct Cursor<'b> {
    buf: &'b mut [u8],
    /// Bytes emitted so far, written or not.
    len: usize,
    overflow: bool,
}

impl<'b> Cursor<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Cursor {
            buf,
            len: 0,
            overflow: false,
        }
    }

    /// The text written, or the size the buffer needed. Everything emitted is
    /// UTF-8 (inputs are `&str`, or were validated as UTF-8), so the check
    /// only guards that invariant.
    pub(crate) fn finish(self) -> Result<&'b str, Error> {
        if self.overflow {
            return Err(Error::BufferTooSmall { needed: self.len });
        }
        let written = self.buf.get(..self.len).unwrap_or_default();
        core::str::from_utf8(written).map_err(|_| Error::Write)
    }
}

impl Sink for Cursor<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let start = self.len;
        self.len += bytes.len();
        match self
            .buf
            .get_mut(start..)
            .and_then(|rest| rest.get_mut(..bytes.len()))
        {
            Some(dst) if !self.overflow => copy(dst, bytes),
            _ => self.overflow = true,
        }
    }

    // With room for the worst case and 1 more, branch-free on 64-bit
    // targets, the separator in that 1. The encoding overwrites up to 3
    // bytes past its text, which what is emitted next overwrites in turn:
    // every URL ends in literal text (the signature) longer than that.
    #[cfg(target_pointer_width = "64")]
    fn put_encoded_then(&mut self, text: &str, separator: u8) {
        if !self.overflow {
            let dst = self.buf.get_mut(self.len..).unwrap_or_default();
            if let Some(n) = crate::encode::encode_roomy(text.as_bytes(), dst) {
                if let Some(slot) = dst.get_mut(n) {
                    *slot = separator;
                    self.len += n + 1;
                    return;
                }
            }
        }
        self.put_encoded(text);
        self.put(&[separator]);
    }

    // Only the room it needs; the fallback of `put_encoded_then` on 64-bit.
    fn put_encoded(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let room = self.buf.len().saturating_sub(self.len);
        // The first test spares the exact count whenever the worst case fits.
        let fits = room >= 3 * bytes.len() || room >= encoded_len(bytes);
        if self.overflow || !fits {
            self.overflow = true;
            self.len += encoded_len(bytes);
            return;
        }
        // Byte by byte straight into the buffer: URLs are mostly short runs,
        // where copying piece by piece costs more than the bytes themselves.
        // The room left is taken apart with slice patterns, which cannot
        // panic (`fits` means they always match).
        let mut dst: &mut [u8] = self.buf.get_mut(self.len..).unwrap_or_default();
        let mut n = 0;
        for &byte in bytes {
            if is_unreserved(byte) {
                if let [d, rest @ ..] = core::mem::take(&mut dst) {
                    *d = byte;
                    dst = rest;
                }
                n += 1;
            } else if let [a, b, c, rest @ ..] = core::mem::take(&mut dst) {
                // Computed, not copied from the escape table: the table is
                // 768 bytes that only the `Encode` iterator then needs.
                [*a, *b, *c] = escape_bytes(byte);
                dst = rest;
                n += 3;
            }
        }
        self.len += n;
    }
}

/// Copies `src` into `dst`, of the same length.
fn copy(dst: &mut [u8], src: &[u8]) {
    // Headers and URLs are written in short pieces: on 64-bit targets and
    // in WebAssembly up to 16 bytes are moved by two overlapping loads and
    // stores each, not a call to `memcpy` (without it, a header took 5%
    // longer on x86-64; in WebAssembly, where `memory.copy` calls out of the
    // compiled code, it saves a widget URL 2.4% of its instructions for 304
    // bytes of the module).
    // Not on the Cortex-M4, whose flash it would cost.
    #[cfg(any(target_pointer_width = "64", target_arch = "wasm32"))]
    if let Some(()) = copy_short(dst, src) {
        return;
    }
    // A zip rather than `copy_from_slice`, whose length check (and panic)
    // the compiler keeps on ARM; it compiles to the same copy.
    for (d, &b) in dst.iter_mut().zip(src) {
        *d = b;
    }
}

/// [`copy`] of at most 16 bytes, else `None`.
#[cfg(any(target_pointer_width = "64", target_arch = "wasm32"))]
fn copy_short(dst: &mut [u8], src: &[u8]) -> Option<()> {
    fn both_ends<const N: usize>(dst: &mut [u8], src: &[u8]) -> Option<()> {
        let tail = src.len().checked_sub(N)?;
        let head: [u8; N] = src.get(..N)?.try_into().ok()?;
        let last: [u8; N] = src.get(tail..)?.try_into().ok()?;
        dst.get_mut(..N)?.copy_from_slice(&head);
        dst.get_mut(tail..)?.copy_from_slice(&last);
        Some(())
    }
    match src.len() {
        0 => Some(()),
        1..=3 => {
            let (first, last) = (*src.first()?, *src.last()?);
            let middle = *src.get(src.len() / 2)?;
            *dst.first_mut()? = first;
            *dst.get_mut(src.len() / 2)? = middle;
            *dst.last_mut()? = last;
            Some(())
        }
        4..=7 => both_ends::<4>(dst, src),
        8..=16 => both_ends::<8>(dst, src),
        _ => None,
    }
}

/// Adapts a [`fmt::Write`]. Only ASCII is emitted through it (URLs).
pub(crate) struct FmtSink<'w, W: fmt::Write + ?Sized> {
    pub(crate) out: &'w mut W,
    pub(crate) failed: bool,
}

impl<W: fmt::Write + ?Sized> FmtSink<'_, W> {
    pub(crate) fn finish(self) -> Result<(), Error> {
        if self.failed {
            Err(Error::Write)
        } else {
            Ok(())
        }
    }
}

impl<W: fmt::Write + ?Sized> Sink for FmtSink<'_, W> {
    fn put(&mut self, bytes: &[u8]) {
        match core::str::from_utf8(bytes) {
            Ok(text) => self.put_str(text),
            Err(_) => self.failed = true,
        }
    }

    fn put_str(&mut self, text: &str) {
        if !self.failed && self.out.write_str(text).is_err() {
            self.failed = true;
        }
    }
}
