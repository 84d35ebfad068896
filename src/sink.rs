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
            // A zip rather than `copy_from_slice`, whose length check (and
            // panic) the compiler keeps on ARM; it compiles to the same copy.
            Some(dst) if !self.overflow => {
                for (d, &b) in dst.iter_mut().zip(bytes) {
                    *d = b;
                }
            }
            _ => self.overflow = true,
        }
    }

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
