//! Verification of the return URLs a widget flow redirects to.
//!
//! The query is never copied or decoded into memory: it is walked in
//! canonical order (once per 16 parameters, see `for_each_sorted`), checked
//! and decoded on the fly as each parameter is hashed. So there is no limit
//! on the number or length of parameters, and the stack use is fixed.

use core::cell::Cell;
use core::cmp::Ordering;

use crate::params::{
    cmp_names, for_each_sorted, key_of, name_key, Entry, ACCESS_KEY, QUERY_CHUNK, SIGNATURE,
    UNSIGNED,
};
use crate::scan::Specials;
use crate::signer::Message;
use crate::sink::Sink;
use crate::{Error, Field, ReturnParams, Signature, Signer};

/// One `name=value` component of a query, still form-encoded.
#[derive(Clone, Copy)]
pub(crate) struct Pair<'q> {
    /// Byte offset of the component in the query.
    offset: usize,
    pub(crate) name: &'q str,
    pub(crate) value: &'q str,
    /// The name has no `%` or `+`: it is its own decoded form.
    pub(crate) plain_name: bool,
    /// The value has no `%` or `+`: it is its own decoded form.
    pub(crate) plain_value: bool,
    /// Offset in the query of the first `%` without two hex digits.
    bad_escape: Option<usize>,
    /// The name has an escape of a non-ASCII byte, so may decode to invalid UTF-8.
    escapes_non_ascii_name: bool,
    /// The value has an escape of a non-ASCII byte, so may decode to invalid UTF-8.
    escapes_non_ascii_value: bool,
}

impl Entry for Pair<'_> {
    fn cmp_name(&self, other: &Self) -> Ordering {
        if self.plain_name && other.plain_name {
            cmp_names(self.name.as_bytes(), other.name.as_bytes())
        } else {
            decoded(self.name).cmp(decoded(other.name))
        }
    }
    #[cfg_attr(not(target_arch = "arm"), inline)]
    fn key(&self) -> u64 {
        if self.plain_name {
            key_of(self.name.as_bytes())
        } else {
            name_key(decoded(self.name))
        }
    }
    fn field(&self) -> Field {
        Field::Query(self.offset)
    }
}

// This module's small helpers are marked for inlining except on 32-bit ARM
// (see lib.rs), where leaving them to the compiler saved 72 bytes of
// Cortex-M4 flash for 1.2% more instructions.
impl Pair<'_> {
    #[cfg_attr(not(target_arch = "arm"), inline)]
    fn name_is(&self, literal: &str) -> bool {
        text_is(self.name, self.plain_name, literal)
    }

    /// Whether the value decodes to `literal`'s bytes.
    fn value_is_bytes(&self, literal: &[u8]) -> bool {
        if self.plain_value {
            self.value.as_bytes() == literal
        } else {
            decoded(self.value).eq(literal.iter().copied())
        }
    }

    /// Puts the decoded value.
    #[cfg_attr(not(target_arch = "arm"), inline)]
    fn put_value(&self, out: &mut impl Sink) {
        put_text(out, self.value, self.plain_value);
    }

    /// Puts the decoded name and value.
    #[cfg_attr(not(target_arch = "arm"), inline)]
    fn put(&self, out: &mut impl Sink) {
        put_text(out, self.name, self.plain_name);
        self.put_value(out);
    }

    /// Every `%` starts a valid escape, and name and value decode to UTF-8.
    fn check(&self) -> Result<(), Error> {
        if let Some(offset) = self.bad_escape {
            return Err(Error::BadEscape { offset });
        }
        // The query is a `&str` and its cuts are at ASCII bytes, so only
        // escapes of non-ASCII bytes can make a name or value invalid UTF-8.
        if (self.escapes_non_ascii_name && !is_utf8(decoded(self.name)))
            || (self.escapes_non_ascii_value && !is_utf8(decoded(self.value)))
        {
            return Err(Error::InvalidUtf8(Field::Query(self.offset)));
        }
        Ok(())
    }
}

/// The non-empty `&`-separated components of a query, split at the first `=`
/// (a component without one has an empty value), as form decoding does.
#[derive(Clone)]
pub(crate) struct Pairs<'q> {
    query: &'q str,
    pos: usize,
}

#[cfg(test)]
fn pairs(query: &str) -> Pairs<'_> {
    Pairs { query, pos: 0 }
}

impl<'q> Iterator for Pairs<'q> {
    type Item = Pair<'q>;

    // Inlined into the ordering on 64-bit targets, where the word-at-a-time
    // walk's state then stays in registers (with it, 10 parameters -13% to
    // -18%; either alone about -5%).
    #[cfg_attr(target_pointer_width = "64", inline)]
    fn next(&mut self) -> Option<Pair<'q>> {
        loop {
            let offset = self.pos;
            let rest = self.query.as_bytes().get(offset..)?;
            // One scan finds the end, the first `=`, and what needs decoding.
            let (mut len, mut eq) = (rest.len(), None);
            let (mut plain_name, mut plain_value) = (true, true);
            let (mut non_ascii_name, mut non_ascii_value) = (false, false);
            let mut bad_escape = None;
            // Hex digits are none of these bytes: the walk needs no skip
            // past an escape.
            for i in Specials::new(rest) {
                match rest.get(i) {
                    Some(b'&') => {
                        len = i;
                        break;
                    }
                    // A fragment: the query ended here (found in this same
                    // pass, so a query costs no extra scan for it).
                    Some(b'#') => {
                        len = i;
                        self.query = self.query.get(..offset + i).unwrap_or_default();
                        break;
                    }
                    Some(b'=') => eq = eq.or(Some(i)),
                    Some(&b) => {
                        // `%` or `+`: this name or value needs decoding.
                        let mut non_ascii = false;
                        if b == b'%' {
                            match rest.get(i + 1..i + 3) {
                                Some(&[hi, lo]) if hex(hi).is_some() && hex(lo).is_some() => {
                                    non_ascii = hi > b'7';
                                }
                                _ => bad_escape = bad_escape.or(Some(offset + i)),
                            }
                        }
                        if eq.is_none() {
                            plain_name = false;
                            non_ascii_name |= non_ascii;
                        } else {
                            plain_value = false;
                            non_ascii_value |= non_ascii;
                        }
                    }
                    None => break, // cannot happen: a position is in `rest`
                }
            }
            self.pos = offset + len + 1;
            if len == 0 {
                continue;
            }
            // Cuts at ASCII bytes are character boundaries: `get` succeeds.
            let component = self.query.get(offset..offset + len)?;
            let (name, value) = match eq {
                Some(at) => (component.get(..at)?, component.get(at + 1..)?),
                None => (component, ""),
            };
            return Some(Pair {
                offset,
                name,
                value,
                plain_name,
                plain_value,
                bad_escape,
                escapes_non_ascii_name: non_ascii_name,
                escapes_non_ascii_value: non_ascii_value,
            });
        }
    }
}

/// The value of a hex digit. (A match, not a table: it runs only for
/// escapes, and a table costs 256 bytes of WebAssembly and flash. Not
/// inlined on 32-bit ARM: four call sites, 68 bytes of Cortex-M4 flash.)
#[cfg_attr(target_arch = "arm", inline(never))]
fn hex(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// The first decoded byte of form-encoded `bytes` and what follows it:
/// `+` is a space, `%XX` a byte. A `%` without two hex digits stands for
/// itself (callers check escapes first, so it is not met in practice).
fn decode_one(bytes: &[u8]) -> Option<(u8, &[u8])> {
    let (&first, rest) = bytes.split_first()?;
    Some(match (first, rest) {
        (b'+', _) => (b' ', rest),
        (b'%', &[hi, lo, ref tail @ ..]) => match (hex(hi), hex(lo)) {
            (Some(hi), Some(lo)) => (hi << 4 | lo, tail),
            _ => (first, rest),
        },
        _ => (first, rest),
    })
}

/// The decoded bytes of a form-encoded component.
#[derive(Clone)]
pub(crate) struct Decoded<'q>(&'q [u8]);

pub(crate) fn decoded(text: &str) -> Decoded<'_> {
    Decoded(text.as_bytes())
}

impl Iterator for Decoded<'_> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        let (byte, rest) = decode_one(self.0)?;
        self.0 = rest;
        Some(byte)
    }
}

/// Whether form-encoded `text` decodes to `literal`; `plain`: it has no `%` or `+`.
#[cfg_attr(not(target_arch = "arm"), inline)]
pub(crate) fn text_is(text: &str, plain: bool, literal: &str) -> bool {
    if plain {
        text == literal
    } else {
        decoded(text).eq(literal.bytes())
    }
}

/// Puts the decoded form of `text`; `plain`: it has no `%` or `+`.
#[cfg_attr(not(target_arch = "arm"), inline)]
pub(crate) fn put_text(out: &mut impl Sink, text: &str, plain: bool) {
    if plain {
        out.put_str(text);
    } else {
        put_decoded(out, text);
    }
}

/// Puts the decoded form of `text`, gathered in a stack buffer: escapes are often many and each `put` into the HMAC costs
/// far more than a byte copy.
fn put_decoded(out: &mut impl Sink, text: &str) {
    let bytes = text.as_bytes();
    let mut buf = [0u8; 64];
    let mut read = 0;
    while let Some(rest) = bytes.get(read..).filter(|rest| !rest.is_empty()) {
        let (written, used) = decode_into(&mut buf, rest);
        out.put(buf.get(..written).unwrap_or_default());
        read += used;
    }
}

/// Decodes the start of form-encoded `bytes` into `buf`, until either ends:
/// (bytes written, bytes read). Not inlined: inside [`put_decoded`] the
/// position in `bytes` lived on the stack across the call to `put`, and
/// each byte waited on reloading it (10 parameters: decoding 16% -> 9%
/// of the time).
#[inline(never)]
fn decode_into(buf: &mut [u8; 64], bytes: &[u8]) -> (usize, usize) {
    let mut rest = bytes;
    let mut written = 0;
    // Through an iterator over the buffer: no index, no panic.
    for slot in buf.iter_mut() {
        match decode_one(rest) {
            Some((byte, tail)) => {
                *slot = byte;
                rest = tail;
                written += 1;
            }
            None => break,
        }
    }
    (written, bytes.len() - rest.len())
}

/// Whether `bytes` are well-formed UTF-8 (Unicode 15, table 3-7: no overlong
/// forms, no surrogates, nothing above U+10FFFF), checked as they stream by.
fn is_utf8(bytes: impl Iterator<Item = u8>) -> bool {
    // Continuation bytes still expected, and the range the next one must be in.
    let (mut need, mut lo, mut hi) = (0u8, 0x80u8, 0xBFu8);
    for b in bytes {
        if need > 0 {
            if b < lo || b > hi {
                return false;
            }
            need -= 1;
            lo = 0x80;
            hi = 0xBF;
            continue;
        }
        match b {
            0x00..=0x7F => {}
            0xC2..=0xDF => need = 1,
            0xE0 => (need, lo) = (2, 0xA0),
            0xE1..=0xEC | 0xEE..=0xEF => need = 2,
            0xED => (need, hi) = (2, 0x9F),
            0xF0 => (need, lo) = (3, 0x90),
            0xF1..=0xF3 => need = 3,
            0xF4 => (need, hi) = (3, 0x8F),
            _ => return false,
        }
    }
    need == 0
}

/// A return URL's query signs, after the prefix, `name ++ value` (decoded)
/// of every parameter but `accesskey`, `signature`, `l` and `ordercode`, in
/// byte-wise order of the decoded names. Malformed queries are refused.
struct ReturnQuery<'q> {
    pairs: Pairs<'q>,
    /// The `accesskey` and `signature` parameters, found while emitting.
    access_key: Cell<Option<Pair<'q>>>,
    signature: Cell<Option<Pair<'q>>>,
}

impl<'q> ReturnQuery<'q> {
    fn new(pairs: Pairs<'q>) -> Self {
        ReturnQuery {
            pairs,
            access_key: Cell::new(None),
            signature: Cell::new(None),
        }
    }
}

impl Message for ReturnQuery<'_> {
    fn emit(&self, signer: &Signer, out: &mut impl Sink) -> Result<(), Error> {
        signer.widget_account()?;
        // Every pair is visited exactly once, so it is checked and looked at
        // there, and the query is walked once (per `QUERY_CHUNK`, 16,
        // parameters). Sorting before the checks is safe: decoding takes a
        // bad escape literally.
        // Repeated names are refused, `accesskey` and `signature` included.
        for_each_sorted::<_, _, QUERY_CHUNK>(self.pairs.clone(), |pair| {
            pair.check()?;
            if pair.name_is(ACCESS_KEY) {
                self.access_key.set(Some(*pair));
            } else if pair.name_is(SIGNATURE) {
                self.signature.set(Some(*pair));
            } else if !UNSIGNED.iter().any(|n| pair.name_is(n)) {
                pair.put(out);
            }
            Ok(())
        })
    }
}

impl Signer {
    /// Verifies a return URL as Ticketmatic's official clients do, and on
    /// success returns its parameters. `url` is the URL as it arrived (a
    /// `#fragment` is ignored), its query after `?`, or the query alone:
    ///
    /// 0. a URL with no query is [`Error::NoQuery`];
    /// 1. the query is form-decoded (`%XX`, and `+` is a space); bad escapes,
    ///    names or values that decode to invalid UTF-8, and a name that
    ///    appears twice are refused as malformed ([`Error::BadEscape`],
    ///    [`Error::InvalidUtf8`], [`Error::DuplicateName`]), with byte
    ///    offsets counted in `url` as given;
    /// 2. `accesskey` must be this signer's access key, else
    ///    [`Error::BadAccessKey`];
    /// 3. `signature` must be present, else [`Error::SignatureMissing`];
    /// 4. the widget signature of the other parameters (`l` and `ordercode`
    ///    not signed, names sorted) must equal it, compared in constant time,
    ///    else [`Error::SignatureMismatch`]. Signatures are lower-case hex: an
    ///    upper-case one does not match.
    ///
    /// Steps 2 to 4 are verdicts on the URL ([`Error::is_verdict`]); the
    /// others say it is not a return URL that can be read. The parameters come back as they lie in
    /// `url`, decoded when read ([`ReturnParams`]), without `accesskey` and
    /// `signature`.
    ///
    /// Nothing is allocated or copied: the query is walked once per 16
    /// parameters and decoded on the fly, so any number of parameters of any
    /// length is handled. When a query has several faults, the one reported
    /// is that of the first parameter in name order.
    ///
    /// ```
    /// use ticketmatic_sign::{Error, Signer};
    ///
    /// let signer = Signer::new(
    ///     "142dda885ec6024f934a40c1",
    ///     b"abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784",
    ///     "club",
    /// )?;
    /// let url = "https://shop.example/done?orderid=2715&status=ok\
    ///     &accesskey=142dda885ec6024f934a40c1\
    ///     &signature=313e4ce1ea0da73a2cf4b83d72f43c4ae832f3f0d66b6047d9892cef6f6f5658#top";
    /// let params = signer.verify_return_url(url)?;
    /// assert_eq!(params.get("status").unwrap(), "ok");
    /// let names: Vec<String> = params.map(|p| p.name().to_string()).collect();
    /// assert_eq!(names, ["orderid", "status"]);
    ///
    /// let query = url.split_once('?').unwrap().1;
    /// assert!(signer.verify_return_url(query).is_ok());
    /// let tampered = url.replace("2715", "2716");
    /// assert_eq!(signer.verify_return_url(&tampered).unwrap_err(), Error::SignatureMismatch);
    /// assert_eq!(
    ///     signer.verify_return_url("https://shop.example/done").unwrap_err(),
    ///     Error::NoQuery
    /// );
    /// # Ok::<(), Error>(())
    /// ```
    pub fn verify_return_url<'q>(&self, url: &'q str) -> Result<ReturnParams<'q>, Error> {
        let query = query_of(url)?;
        let parsed = ReturnQuery::new(query.clone());
        let mac = self.mac_of(&parsed)?;
        match parsed.access_key.get() {
            Some(key) if key.value_is_bytes(self.access_key_bytes()) => {}
            _ => return Err(Error::BadAccessKey),
        }
        let signature = parsed.signature.get().ok_or(Error::SignatureMissing)?;
        // Comparing the hex texts, not the MACs, refuses upper-case digits as
        // the SPEC asks; the comparison takes the same time wherever they
        // differ, and reads the value as it decodes (no buffer on the stack).
        let expected = Signature::from_mac(mac);
        let matches = if signature.plain_value {
            expected.matches(signature.value.as_bytes())
        } else {
            expected.matches_bytes(decoded(signature.value))
        };
        if matches {
            Ok(ReturnParams::new(query))
        } else {
            Err(Error::SignatureMismatch)
        }
    }

    /// Writes the message whose signature [`verify_return_url`](Self::verify_return_url)
    /// expects for `url` (a URL, `?query` or query, as there) into `buf`:
    /// what to compare when a return URL unexpectedly fails to verify. The
    /// same query checks apply.
    ///
    /// ```
    /// # use ticketmatic_sign::Signer;
    /// let signer = Signer::new("key", b"secret", "club")?;
    /// let mut buf = [0u8; 64];
    /// assert_eq!(
    ///     signer.return_url_payload("status=ok&l=nl&url=a+b%2Fc&signature=x&accesskey=key", &mut buf)?,
    ///     "keyclubstatusokurla b/c"
    /// );
    /// # Ok::<(), ticketmatic_sign::Error>(())
    /// ```
    pub fn return_url_payload<'b>(&self, url: &str, buf: &'b mut [u8]) -> Result<&'b str, Error> {
        self.payload_of(&ReturnQuery::new(query_of(url)?), buf)
    }
}

/// The parameters of the query of `given`, their offsets counted in
/// `given`; a `#fragment` ends them. `given` is a URL when it starts with a
/// scheme and `://` or with `/`: its query follows the first `?`, and there
/// may be none ([`Error::NoQuery`]). Otherwise it is a query (a leading `?`
/// dropped), which may itself hold a `?`.
fn query_of(given: &str) -> Result<Pairs<'_>, Error> {
    // Byte searches, and only over a URL's path: `str`'s char patterns
    // link a searcher (and its panics) that costs flash on
    // microcontrollers, and the query's own walk finds its end.
    let bytes = given.as_bytes();
    if bytes.first() == Some(&b'?') {
        return Ok(Pairs {
            query: given,
            pos: 1,
        });
    }
    let scheme_len = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
        .unwrap_or(bytes.len());
    let is_url = bytes.first() == Some(&b'/')
        || (matches!(bytes.first(), Some(b) if b.is_ascii_alphabetic())
            && bytes
                .get(scheme_len..)
                .map_or(false, |rest| rest.starts_with(b"://")));
    if !is_url {
        return Ok(Pairs {
            query: given,
            pos: 0,
        });
    }
    match bytes.iter().position(|&b| b == b'?' || b == b'#') {
        Some(at) if bytes.get(at) == Some(&b'?') => Ok(Pairs {
            query: given,
            pos: at + 1,
        }),
        _ => Err(Error::NoQuery),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::Cursor;

    #[test]
    fn utf8_check_agrees_with_core_on_all_short_sequences() {
        let mut buf = [0u8; 3];
        for a in 0..=255u8 {
            buf[0] = a;
            assert_eq!(
                is_utf8(buf[..1].iter().copied()),
                core::str::from_utf8(&buf[..1]).is_ok()
            );
            for b in 0..=255u8 {
                buf[1] = b;
                assert_eq!(
                    is_utf8(buf[..2].iter().copied()),
                    core::str::from_utf8(&buf[..2]).is_ok()
                );
                if a < 0xC0 {
                    continue; // a third byte after ASCII or a stray continuation adds nothing new
                }
                for c in 0..=255u8 {
                    buf[2] = c;
                    assert_eq!(
                        is_utf8(buf.iter().copied()),
                        core::str::from_utf8(&buf).is_ok(),
                        "{buf:02x?}"
                    );
                }
            }
        }
        for four in [
            [0xF0, 0x9F, 0x8E, 0xAD],
            [0xF4, 0x8F, 0xBF, 0xBF],
            [0xF4, 0x90, 0x80, 0x80],
            [0xF0, 0x8F, 0xBF, 0xBF],
        ] {
            assert_eq!(
                is_utf8(four.iter().copied()),
                core::str::from_utf8(&four).is_ok(),
                "{four:02x?}"
            );
        }
    }

    #[test]
    fn decoding() {
        let d = |s: &str| -> ([u8; 32], usize) {
            let mut out = [0u8; 32];
            let mut n = 0;
            for b in decoded(s) {
                out[n] = b;
                n += 1;
            }
            (out, n)
        };
        let (out, n) = d("a+b%2Fc%e2%82%ac%41");
        assert_eq!(&out[..n], "a b/c€A".as_bytes());
        let mut cursor_buf = [0u8; 32];
        let mut cursor = Cursor::new(&mut cursor_buf);
        put_decoded(&mut cursor, "a+b%2Fc%e2%82%ac%41");
        assert_eq!(cursor.finish(), Ok("a b/c€A"));
    }

    #[test]
    fn put_decoded_agrees_with_the_decoding_iterator() {
        // Runs, escapes and bad escapes across the 64-byte buffer's
        // boundaries, at every offset.
        let pieces = ["abcdefghij", "%41", "+", "%e2%82%ac", "%", "%4", "%zz"];
        for count in 0..40 {
            for first in 0..pieces.len() {
                let mut text = std::string::String::new();
                for i in 0..count {
                    text.push_str(pieces[(first + i * 3) % pieces.len()]);
                    text.push_str(&"x".repeat(i % 9));
                }
                let mut expected = std::vec::Vec::new();
                expected.extend(decoded(&text));
                let mut buf = [0u8; 1024];
                let mut cursor = Cursor::new(&mut buf);
                put_decoded(&mut cursor, &text);
                // (`finish` also checks the bytes are UTF-8; some are not.)
                let utf8 = core::str::from_utf8(&expected).map_err(|_| Error::Write);
                assert_eq!(cursor.finish(), utf8, "{text}");
                assert_eq!(&buf[..expected.len()], &expected[..], "{text}");
            }
        }
    }

    #[test]
    fn pairs_split_like_form_decoding() {
        let got: [(usize, &str, &str); 4] = {
            let mut it = pairs("&a=1&&b&c=x=y&=v&");
            let mut next = || {
                let p = it.next().unwrap();
                (p.offset, p.name, p.value)
            };
            [next(), next(), next(), next()]
        };
        assert_eq!(
            got,
            [(1, "a", "1"), (6, "b", ""), (8, "c", "x=y"), (14, "", "v")]
        );
        assert!(pairs("&a=1&&b&c=x=y&=v&").nth(4).is_none());
        assert!(pairs("").next().is_none());
    }

    #[test]
    fn malformed_queries() {
        let signer = Signer::new("key", b"secret", "club").unwrap();
        let cases: [(&str, Error); 7] = [
            ("a=%zz", Error::BadEscape { offset: 2 }),
            ("a=1&b=%4", Error::BadEscape { offset: 6 }),
            ("a%=1", Error::BadEscape { offset: 1 }),
            ("a=%ff", Error::InvalidUtf8(Field::Query(0))),
            ("x=1&a=%C3", Error::InvalidUtf8(Field::Query(4))),
            (
                "a=1&a=2&accesskey=key&signature=0",
                Error::DuplicateName(Field::Query(4)),
            ),
            ("a+b=1&a%20b=2", Error::DuplicateName(Field::Query(6))),
        ];
        for (query, expected) in cases {
            assert_eq!(
                signer.verify_return_url(query).map(drop),
                Err(expected),
                "{query}"
            );
        }
        // Two signatures or two access keys are ambiguous: refused as malformed.
        assert_eq!(
            signer
                .verify_return_url("accesskey=key&signature=a&signature=b")
                .map(drop),
            Err(Error::DuplicateName(Field::Query(26)))
        );
        let no_account = Signer::new("key", b"secret", "").unwrap();
        assert_eq!(
            no_account
                .verify_return_url("accesskey=key&signature=a")
                .map(drop),
            Err(Error::Empty(Field::Account))
        );
    }
}
