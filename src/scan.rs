//! Where the bytes that split a query or need decoding (`& = % + #`) are,
//! found eight bytes at a time on 64-bit targets.
//!
//! Return-URL queries are walked from one such byte to the next, and most
//! bytes are none of them. A lookup and a branch per byte was 40% of what
//! verification adds to the hashing (callgrind, 10 parameters); one 8-byte
//! word tested against every value, then one step per byte found, costs a
//! few operations per byte. On 32-bit
//! targets (wasm32 and the Cortex-M4, where code size and stack count more)
//! the bytes are looked up one by one in a [`ByteSet`].

#[cfg(not(target_pointer_width = "64"))]
use crate::byteset::ByteSet;

/// The bytes [`Specials`] finds.
const SPECIAL: [u8; 5] = *b"&=%+#";

/// The positions in a text of the bytes `& = % + #`, in order.
pub(crate) struct Specials<'b> {
    bytes: &'b [u8],
    /// Where the next word (or byte, on 32-bit targets) to test starts.
    next: usize,
    /// The high bit of each lane of the word at `next - 8` that is special
    /// and not yet returned.
    #[cfg(target_pointer_width = "64")]
    found: u64,
}

impl<'b> Specials<'b> {
    pub(crate) fn new(bytes: &'b [u8]) -> Self {
        Specials {
            bytes,
            next: 0,
            #[cfg(target_pointer_width = "64")]
            found: 0,
        }
    }
}

impl Iterator for Specials<'_> {
    type Item = usize;

    #[cfg(target_pointer_width = "64")]
    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.found == 0 {
            let rest = self.bytes.get(self.next..).filter(|r| !r.is_empty())?;
            // The last, partial word is padded with zeros, which are not special.
            let mut lanes = [0u8; 8];
            match rest.get(..8) {
                Some(word) => lanes.copy_from_slice(word),
                None => lanes.iter_mut().zip(rest).for_each(|(l, &b)| *l = b),
            }
            self.found = special_lanes(u64::from_le_bytes(lanes));
            self.next += 8;
        }
        let lane = (self.found.trailing_zeros() / 8) as usize;
        self.found &= self.found - 1;
        Some(self.next - 8 + lane)
    }

    #[cfg(not(target_pointer_width = "64"))]
    fn next(&mut self) -> Option<usize> {
        // One set lookup per byte instead of five comparisons.
        const SET: ByteSet = ByteSet::new({
            let mut table = [false; 256];
            let mut i = 0;
            while i < SPECIAL.len() {
                table[SPECIAL[i] as usize] = true;
                i += 1;
            }
            table
        });
        let rest = self.bytes.get(self.next..)?;
        let at = self.next + rest.iter().position(|&b| SET.contains(b))?;
        self.next = at + 1;
        Some(at)
    }
}

/// The high bit of every byte lane of `word` that is special.
#[cfg(target_pointer_width = "64")]
#[inline]
fn special_lanes(word: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // A lane of `word ^ splat(value)` is zero where it matches. Adding 0x7f
    // to its low 7 bits sets the high bit unless they are zero, and or-ing
    // in the lane itself covers 0x80: the high bit is then clear exactly in
    // the lanes that are zero, with no carry between lanes (unlike the
    // classic `(x - ONES) & !x` test, which may flag a lane above a match).
    let mut nowhere = !0u64;
    for value in SPECIAL {
        let diff = word ^ (ONES * u64::from(value));
        nowhere &= ((diff & LOW7) + LOW7) | diff;
    }
    !nowhere & !LOW7
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn agrees_with_a_byte_loop_at_every_position_and_length() {
        // Every byte value at every position of texts up to 3 words long,
        // over a background of bytes that differ from a special one in one
        // bit (where a carry between lanes would show), and a special byte
        // every 8 so that a match is followed by others.
        let background = [b'$', b'\'', 0xa5, b'*', 0xa6, b'c', 0, b'='];
        for len in 0..24 {
            for at in 0..len {
                for byte in 0..=255u8 {
                    let mut text: Vec<u8> = (0..len).map(|i| background[i % 8]).collect();
                    text[at] = byte;
                    let expected: Vec<usize> =
                        (0..len).filter(|&i| b"&=%+#".contains(&text[i])).collect();
                    let got: Vec<usize> = Specials::new(&text).collect();
                    assert_eq!(got, expected, "{text:?}");
                }
            }
        }
    }
}
