use core::fmt;

use crate::byteset::ByteSet;

/// `%XX` for every byte value, upper-case hex, laid end to end: the escape of
/// byte `b` is `ESCAPES[3 * b..3 * b + 3]`.
const ESCAPES: &str = "\
    %00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14%15%16%17%18%19%1A%1B%1C%1D%1E%1F\
    %20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2D%2E%2F%30%31%32%33%34%35%36%37%38%39%3A%3B%3C%3D%3E%3F\
    %40%41%42%43%44%45%46%47%48%49%4A%4B%4C%4D%4E%4F%50%51%52%53%54%55%56%57%58%59%5A%5B%5C%5D%5E%5F\
    %60%61%62%63%64%65%66%67%68%69%6A%6B%6C%6D%6E%6F%70%71%72%73%74%75%76%77%78%79%7A%7B%7C%7D%7E%7F\
    %80%81%82%83%84%85%86%87%88%89%8A%8B%8C%8D%8E%8F%90%91%92%93%94%95%96%97%98%99%9A%9B%9C%9D%9E%9F\
    %A0%A1%A2%A3%A4%A5%A6%A7%A8%A9%AA%AB%AC%AD%AE%AF%B0%B1%B2%B3%B4%B5%B6%B7%B8%B9%BA%BB%BC%BD%BE%BF\
    %C0%C1%C2%C3%C4%C5%C6%C7%C8%C9%CA%CB%CC%CD%CE%CF%D0%D1%D2%D3%D4%D5%D6%D7%D8%D9%DA%DB%DC%DD%DE%DF\
    %E0%E1%E2%E3%E4%E5%E6%E7%E8%E9%EA%EB%EC%ED%EE%EF%F0%F1%F2%F3%F4%F5%F6%F7%F8%F9%FA%FB%FC%FD%FE%FF";

/// The bytes RFC 3986 leaves as they are. A table, because encoding asks
/// once per byte.
const UNRESERVED: ByteSet = ByteSet::new({
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = unreserved(c);
        b += 1;
    }
    table
});

/// The definition behind [`UNRESERVED`] and [`ENCODINGS`].
const fn unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'.' || c == b'_' || c == b'~'
}

/// Whether RFC 3986 leaves `byte` as it is: `A-Z a-z 0-9 - . _ ~`.
pub(crate) fn is_unreserved(byte: u8) -> bool {
    UNRESERVED.contains(byte)
}

/// The length of `text` once encoded.
pub(crate) fn encoded_len(text: &[u8]) -> usize {
    text.iter()
        .map(|&b| if is_unreserved(b) { 1 } else { 3 })
        .sum()
}

/// `%XX` for `byte`.
pub(crate) fn escape(byte: u8) -> &'static str {
    let at = usize::from(byte) * 3;
    ESCAPES.get(at..at + 3).unwrap_or("")
}

/// `%XX` for `byte`, computed.
pub(crate) const fn escape_bytes(byte: u8) -> [u8; 3] {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    [b'%', HEX[(byte >> 4) as usize], HEX[(byte & 15) as usize]]
}

/// Every byte's encoding as a little-endian `u32`: the byte itself or its
/// `%XX` in the low three bytes, the encoding's length (1 or 3) in the top
/// one. 1 KiB, so only on 64-bit targets, where it makes encoding branch-free
/// (see [`encode_roomy`]); wasm32 and the Cortex-M4 test and branch per byte.
#[cfg(target_pointer_width = "64")]
const ENCODINGS: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if unreserved(byte) {
            byte as u32 | 1 << 24
        } else {
            let [percent, hi, lo] = escape_bytes(byte);
            percent as u32 | (hi as u32) << 8 | (lo as u32) << 16 | 3 << 24
        };
        b += 1;
    }
    table
};

/// Percent-encodes `text` into `dst` and returns the length written, if
/// `dst` has room for `3 * text.len() + 1` bytes; `None` (nothing written)
/// if not. Each byte stores four bytes from [`ENCODINGS`] and moves on by
/// the encoding's length, so the next byte overwrites what was not part of
/// it, and bytes of `dst` up to 3 past the returned length are overwritten.
/// No branch depends on the text: URLs alternate between runs and escapes
/// too often for a branch per byte to be predicted (a widget URL of 10
/// parameters, against the byte-by-byte encoder: 633 -> 606 ns; with the
/// unchecked windows below, 573).
#[cfg(target_pointer_width = "64")]
pub(crate) fn encode_roomy(text: &[u8], dst: &mut [u8]) -> Option<usize> {
    if dst.len() < 3 * text.len() + 1 {
        return None;
    }
    let (mut read, mut n) = (0, 0);
    // Up to eight bytes at a time, into a 36-byte window of `dst` where it
    // has one: their stores start at most 21 bytes in, so masking the
    // offset with 31 changes nothing and shows the compiler that every
    // store is in the window: no store is checked on its own.
    while let Some(chunk) = text.get(read..).map(|rest| rest.get(..8).unwrap_or(rest)) {
        let window: &mut [u8; 36] = match dst.get_mut(n..n + 36).map(<&mut [u8; 36]>::try_from) {
            Some(Ok(window)) if !chunk.is_empty() => window,
            _ => break,
        };
        let mut k = 0;
        for &byte in chunk {
            let encoding = ENCODINGS[usize::from(byte)];
            let at = k & 31;
            if let Some(slot) = window.get_mut(at..at + 4) {
                slot.copy_from_slice(&encoding.to_le_bytes());
            }
            k += (encoding >> 24) as usize;
        }
        read += chunk.len();
        n += k;
    }
    // Near the end of `dst`, one byte at a time.
    for &byte in text.get(read..).unwrap_or_default() {
        let encoding = ENCODINGS[usize::from(byte)];
        if let Some(slot) = dst.get_mut(n..n + 4) {
            slot.copy_from_slice(&encoding.to_le_bytes());
        }
        n += (encoding >> 24) as usize;
    }
    Some(n)
}

/// Percent-encodes `input` per RFC 3986, as Ticketmatic widget URLs need it:
/// the unreserved characters `A-Z a-z 0-9 - . _ ~` stay as they are, every
/// other UTF-8 byte becomes `%XX` with upper-case hex (a space is `%20`, never
/// `+`).
///
/// The result is an iterator over pieces of the output (runs of the input that
/// need no escaping, and single escapes) and a [`Display`](fmt::Display)
/// adaptor, so nothing is allocated.
///
/// ```
/// use ticketmatic_sign::encode;
///
/// let text = "a b/ë~";
/// let pieces: Vec<&str> = encode(text).collect();
/// assert_eq!(pieces, ["a", "%20", "b", "%2F", "%C3", "%AB", "~"]);
/// assert_eq!(encode(text).to_string(), "a%20b%2F%C3%AB~");
/// assert_eq!(encode(text).encoded_len(), 15);
/// ```
pub fn encode(input: &str) -> Encode<'_> {
    Encode { input, pos: 0 }
}

/// The iterator returned by [`encode`]. Also a [`Display`](fmt::Display) adaptor.
#[derive(Clone, Debug)]
pub struct Encode<'a> {
    input: &'a str,
    pos: usize,
}

impl<'a> Encode<'a> {
    /// The length in bytes of the (rest of the) encoded text.
    pub fn encoded_len(&self) -> usize {
        encoded_len(self.input.as_bytes().get(self.pos..).unwrap_or_default())
    }
}

impl<'a> Iterator for Encode<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.input.as_bytes();
        let start = self.pos;
        let first = *bytes.get(start)?;
        if !is_unreserved(first) {
            self.pos += 1;
            return Some(escape(first));
        }
        let run = bytes[start..]
            .iter()
            .take_while(|&&b| is_unreserved(b))
            .count();
        self.pos = start + run;
        // A run of ASCII bytes begins and ends on character boundaries, so
        // `get` always succeeds.
        Some(self.input.get(start..self.pos).unwrap_or(""))
    }
}

impl fmt::Display for Encode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.clone().try_for_each(|piece| f.write_str(piece))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_percent_upper_hex() {
        for b in 0..=255u8 {
            let expected = std::format!("%{b:02X}");
            assert_eq!(escape(b), expected);
            assert_eq!(escape_bytes(b), expected.as_bytes());
        }
    }

    #[test]
    fn unreserved_set_is_exactly_rfc3986() {
        let expected = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
        for b in 0..=255u8 {
            assert_eq!(is_unreserved(b), expected.contains(&b), "byte {b:#04x}");
        }
    }

    #[test]
    fn pieces() {
        let mut buf = [0u8; 64];
        let mut n = 0;
        for piece in encode("Zoë Brügge €!") {
            buf[n..n + piece.len()].copy_from_slice(piece.as_bytes());
            n += piece.len();
        }
        assert_eq!(
            &buf[..n],
            b"Zo%C3%AB%20Br%C3%BCgge%20%E2%82%AC%21".as_slice()
        );
        assert_eq!(encode("Zoë Brügge €!").encoded_len(), n);
        assert_eq!(encode("").next(), None);
        assert_eq!(encode("+").next(), Some("%2B"));
    }
}
