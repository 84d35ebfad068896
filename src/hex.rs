//! Lower-case hex of a MAC without branches or table lookups: a verifier's
//! expected signature is secret until it is compared, so its hex must take
//! the same time whatever its digits.
//!
//! On ARM, four bytes at a time in a `u32` (on a Cortex-M4 the header then
//! adds 9% to its HMAC instead of 11%); elsewhere `base16ct`'s byte loop,
//! which compilers vectorize (faster on x86-64) and which is smaller in
//! WebAssembly.

/// Each byte lane of `nibbles` (0..=15) as its hex digit: `'0' + n`, plus
/// `'a' - '0' - 10` where `n >= 10`, which is where `n + 6` carries into bit 4.
fn digits(nibbles: u32) -> u32 {
    let letters = ((nibbles + 0x0606_0606) >> 4) & 0x0101_0101;
    nibbles + 0x3030_3030 + letters * 0x27
}

/// Writes the hex of the 32 bytes of `tag` to `out`.
pub(crate) fn encode_mac(tag: &[u8; 32], out: &mut [u8; 64]) {
    #[cfg(target_arch = "arm")]
    by_words(tag, out);
    #[cfg(not(target_arch = "arm"))]
    // Cannot fail: 64 bytes hold the hex of 32.
    let _ = base16ct::lower::encode(tag, out);
}

/// [`encode_mac`] a word at a time (tested on every target, used on ARM).
#[cfg_attr(not(target_arch = "arm"), allow(dead_code))]
fn by_words(tag: &[u8; 32], out: &mut [u8; 64]) {
    for (word, out) in tag.chunks_exact(4).zip(out.chunks_exact_mut(8)) {
        // Little-endian: byte i of the word is lane i.
        let word = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
        let high = digits((word >> 4) & 0x0F0F_0F0F);
        let low = digits(word & 0x0F0F_0F0F);
        for (i, pair) in out.chunks_exact_mut(2).enumerate() {
            pair[0] = (high >> (8 * i)) as u8;
            pair[1] = (low >> (8 * i)) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;
    use std::string::String;

    #[test]
    fn every_byte_in_every_position() {
        for b in 0..=255u8 {
            for at in 0..32 {
                let mut tag: [u8; 32] = core::array::from_fn(|i| (i as u8).wrapping_mul(37));
                tag[at] = b;
                let expected: String = tag.iter().map(|b| format!("{b:02x}")).collect();
                let (mut words, mut used) = ([0u8; 64], [0u8; 64]);
                by_words(&tag, &mut words);
                encode_mac(&tag, &mut used);
                assert_eq!(&words[..], expected.as_bytes());
                assert_eq!(&used[..], expected.as_bytes());
            }
        }
    }
}
