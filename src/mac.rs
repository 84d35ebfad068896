//! HMAC-SHA256 fed through a block buffer of our own.
//!
//! `hmac::Hmac` buffers its input too, but each `update` goes through a
//! general copy (a `memcpy` call on most targets), and a signed message
//! arrives in many short pieces: a widget URL with 10 parameters is fed 20
//! of them, most shorter than 16 bytes, where that copy cost more than the
//! bytes themselves. Here pieces of up to 16 bytes are copied with a few
//! fixed-size moves, and the `hmac` crate's block-level core does the rest.
//! The state is as large as `Hmac`'s (the core, one block, its fill).

use hmac::digest::block_buffer::BlockBuffer;
use hmac::digest::core_api::{Block, FixedOutputCore, UpdateCore};
use hmac::digest::{KeyInit, Output};
use hmac::HmacCore;
use sha2::Sha256;

use crate::copy::copy;

/// A keyed HMAC-SHA256 in progress.
#[derive(Clone)]
pub(crate) struct Mac {
    core: HmacCore<Sha256>,
    block: Block<HmacCore<Sha256>>,
    /// Bytes of `block` filled: always below 64, as a full block is
    /// compressed at once (the buffer kind `hmac` finalizes from).
    filled: usize,
}

impl Mac {
    /// An HMAC keyed with `key` (any length, empty included).
    pub(crate) fn new(key: &[u8]) -> Self {
        let core = match HmacCore::<Sha256>::new_from_slice(key) {
            Ok(core) => core,
            // HMAC takes keys of any length: not reached.
            Err(_) => HmacCore::<Sha256>::new(&Default::default()),
        };
        Mac {
            core,
            block: Block::<HmacCore<Sha256>>::default(),
            filled: 0,
        }
    }

    /// Feeds `bytes`. The common case, a piece that fits in the block, is
    /// inlined into the caller; filling a block is not.
    #[inline]
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        let end = self.filled + bytes.len();
        match self.block.get_mut(self.filled..end) {
            // `end < 64`: the block is not full after it.
            Some(dst) if end < 64 => {
                copy(dst, bytes);
                self.filled = end;
            }
            _ => self.update_across(bytes),
        }
    }

    /// Feeds `bytes`, which fill the block at least once.
    #[inline(never)]
    fn update_across(&mut self, mut bytes: &[u8]) {
        loop {
            let free = self
                .block
                .as_mut_slice()
                .get_mut(self.filled..)
                .unwrap_or_default();
            if bytes.len() < free.len() {
                if let Some(dst) = free.get_mut(..bytes.len()) {
                    dst.copy_from_slice(bytes);
                }
                self.filled += bytes.len();
                return;
            }
            let (head, tail) = match (bytes.get(..free.len()), bytes.get(free.len()..)) {
                (Some(head), Some(tail)) => (head, tail),
                _ => return, // not reached: `bytes` is at least as long as `free`
            };
            free.copy_from_slice(head);
            self.core.update_blocks(core::slice::from_ref(&self.block));
            self.filled = 0;
            bytes = tail;
        }
    }

    /// The 32-byte tag.
    pub(crate) fn finalize(mut self) -> [u8; 32] {
        let mut out = Output::<HmacCore<Sha256>>::default();
        let mut buffer = BlockBuffer::default();
        // The block moves into the buffer `hmac` finalizes from, uncopied;
        // `set` asserts what the test says, so no panic remains.
        if self.filled < 64 {
            buffer.set(self.block, self.filled);
        }
        self.core.finalize_fixed_core(&mut buffer, &mut out);
        out.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::Mac as _;

    /// The `hmac` crate fed in one call: the reference.
    fn reference(key: &[u8], message: &[u8]) -> [u8; 32] {
        let mut mac = <hmac::Hmac<Sha256> as hmac::Mac>::new_from_slice(key).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn agrees_with_hmac_for_every_split() {
        let message: std::vec::Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for key in [&b""[..], b"k", &[0x5a; 64], &[0xa5; 100]] {
            for len in [
                0, 1, 3, 4, 7, 8, 15, 16, 17, 55, 56, 63, 64, 65, 127, 128, 129, 300,
            ] {
                let message = &message[..len];
                let expected = reference(key, message);
                // Pieces of every size from 1 to 70, cut in a fixed rhythm.
                for step in 1..=70 {
                    let mut mac = Mac::new(key);
                    for piece in message.chunks(step) {
                        mac.update(piece);
                    }
                    assert_eq!(mac.finalize(), expected, "len {len} step {step}");
                }
            }
        }
    }
}
