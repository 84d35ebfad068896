//! The parameters of a verified return URL, read where they lie in the
//! caller's string: nothing is copied or allocated, and each name or value
//! is decoded only when it is read.

use core::fmt;

use crate::sink::Cursor;
use crate::verify::{decoded, put_text, text_is, Pair, Pairs};
use crate::Error;

/// The parameters of a return URL that [`Signer::verify_return_url`]
/// accepted, in the order of the query, without `accesskey` and
/// `signature`.
///
/// `l` and `ordercode` are among them but, as in every Ticketmatic
/// signature, not covered by it: [`ReturnParam::is_signed`] says so, and a
/// handler must not trust them as it trusts the others.
///
/// [`Signer::verify_return_url`]: crate::Signer::verify_return_url
#[derive(Clone)]
pub struct ReturnParams<'q> {
    pairs: Pairs<'q>,
}

impl<'q> ReturnParams<'q> {
    pub(crate) fn new(pairs: Pairs<'q>) -> Self {
        ReturnParams { pairs }
    }

    /// The parameter named `name` (decoded names are compared), if any:
    /// verification refused repeated names, so there is at most one.
    pub fn get(&self, name: &str) -> Option<QueryText<'q>> {
        self.clone().find(|p| p.name() == name).map(|p| p.value())
    }
}

impl<'q> Iterator for ReturnParams<'q> {
    type Item = ReturnParam<'q>;

    fn next(&mut self) -> Option<ReturnParam<'q>> {
        self.pairs
            .by_ref()
            .map(ReturnParam)
            .find(|p| p.name() != "accesskey" && p.name() != "signature")
    }
}

impl fmt::Debug for ReturnParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// One `name=value` parameter of a verified return URL.
#[derive(Clone, Copy)]
pub struct ReturnParam<'q>(Pair<'q>);

impl<'q> ReturnParam<'q> {
    /// The name.
    pub fn name(&self) -> QueryText<'q> {
        QueryText {
            raw: self.0.name,
            plain: self.0.plain_name,
        }
    }

    /// The value (empty for a pair without `=`).
    pub fn value(&self) -> QueryText<'q> {
        QueryText {
            raw: self.0.value,
            plain: self.0.plain_value,
        }
    }

    /// Whether the signature covers this parameter: every one but `l` and
    /// `ordercode`.
    pub fn is_signed(&self) -> bool {
        !crate::params::UNSIGNED.iter().any(|n| self.name() == *n)
    }
}

impl fmt::Debug for ReturnParam<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({:?}, {:?})", self.name(), self.value())
    }
}

/// A name or value of a query as it lies in the caller's string,
/// form-encoded (`%XX`, `+` for a space) and known to decode to UTF-8.
/// Compare it with `==`, show it with `{}` (decoded), or decode it into a
/// buffer.
///
/// ```
/// use ticketmatic_sign::Signer;
///
/// let signer = Signer::new(
///     "142dda885ec6024f934a40c1",
///     b"abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784",
///     "club",
/// )?;
/// let url = "https://shop.example/done?orderid=2715&status=ok\
///     &accesskey=142dda885ec6024f934a40c1\
///     &signature=313e4ce1ea0da73a2cf4b83d72f43c4ae832f3f0d66b6047d9892cef6f6f5658";
/// let params = signer.verify_return_url(url)?;
/// let orderid = params.get("orderid").expect("signed by Ticketmatic");
/// assert_eq!(orderid, "2715");
/// let mut buf = [0u8; 16];
/// assert_eq!(orderid.decode_into(&mut buf)?.parse::<u32>(), Ok(2715));
/// # Ok::<(), ticketmatic_sign::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct QueryText<'q> {
    raw: &'q str,
    /// No `%` or `+`: the text is its own decoded form.
    plain: bool,
}

impl<'q> QueryText<'q> {
    /// The text as it is in the query, still encoded.
    pub fn raw(&self) -> &'q str {
        self.raw
    }

    /// The decoded text when decoding changes nothing (no `%` or `+`),
    /// borrowed from the query.
    pub fn as_plain(&self) -> Option<&'q str> {
        self.plain.then_some(self.raw)
    }

    /// The decoded bytes, one at a time.
    pub fn bytes(&self) -> impl Iterator<Item = u8> + 'q {
        decoded(self.raw)
    }

    /// The length of the decoded text in bytes.
    pub fn decoded_len(&self) -> usize {
        if self.plain {
            self.raw.len()
        } else {
            decoded(self.raw).count()
        }
    }

    /// Writes the decoded text into `buf`; [`Error::BufferTooSmall`] (with
    /// the length needed) when it does not fit.
    pub fn decode_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, Error> {
        let mut out = Cursor::new(buf);
        put_text(&mut out, self.raw, self.plain);
        out.finish()
    }
}

impl PartialEq<str> for QueryText<'_> {
    /// Whether the decoded text is `other`.
    fn eq(&self, other: &str) -> bool {
        text_is(self.raw, self.plain, other)
    }
}

impl PartialEq<&str> for QueryText<'_> {
    fn eq(&self, other: &&str) -> bool {
        text_is(self.raw, self.plain, other)
    }
}

impl fmt::Display for QueryText<'_> {
    /// The decoded text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.plain {
            return f.write_str(self.raw);
        }
        let mut out = Chunks {
            f,
            buf: [0; 64],
            len: 0,
            failed: false,
        };
        out.put_bytes(decoded(self.raw));
        out.flush(true)
    }
}

impl fmt::Debug for QueryText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self)
    }
}

/// Decoded bytes passed to a formatter in chunks of whole characters.
struct Chunks<'f, 'g> {
    f: &'f mut fmt::Formatter<'g>,
    buf: [u8; 64],
    len: usize,
    failed: bool,
}

impl Chunks<'_, '_> {
    fn put_bytes(&mut self, bytes: impl Iterator<Item = u8>) {
        for byte in bytes {
            if let Some(slot) = self.buf.get_mut(self.len) {
                *slot = byte;
                self.len += 1;
            }
            if self.len == self.buf.len() && self.flush(false).is_err() {
                self.failed = true;
                return;
            }
        }
    }

    /// Writes the complete characters held; the bytes of one that is not
    /// complete yet stay for the next chunk, unless this is the `last`.
    fn flush(&mut self, last: bool) -> fmt::Result {
        if self.failed {
            return Err(fmt::Error);
        }
        let held = self.buf.get(..self.len).unwrap_or_default();
        let whole = match core::str::from_utf8(held) {
            Ok(text) => text.len(),
            Err(e) => e.valid_up_to(),
        };
        let text = core::str::from_utf8(held.get(..whole).unwrap_or_default()).unwrap_or_default();
        self.f.write_str(text)?;
        // Verified text ends whole; bytes that never make a character
        // (impossible after verification) are dropped, not looped on.
        let carry = if last || self.len - whole > 3 {
            0
        } else {
            self.len - whole
        };
        self.buf.copy_within(whole..whole + carry, 0);
        self.len = carry;
        Ok(())
    }
}
