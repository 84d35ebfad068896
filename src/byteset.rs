//! A set of byte values fixed at compile time, for the per-byte class tests
//! of encoding and query scanning.
//!
//! Most targets keep one `bool` per byte value: one load per test, which is
//! what the hot loops want. On 32-bit ARM (microcontrollers, where flash is the
//! scarce thing) the set is a bitmap instead: 32 bytes of flash for 256, for a
//! shift and a mask per test.

/// The bytes `b` for which `table[b]` is true.
#[derive(Clone, Copy)]
pub(crate) struct ByteSet {
    #[cfg(not(target_arch = "arm"))]
    table: [bool; 256],
    #[cfg(target_arch = "arm")]
    bits: [u32; 8],
}

impl ByteSet {
    /// The set of `table`, which only exists at compile time on ARM.
    pub(crate) const fn new(table: [bool; 256]) -> Self {
        #[cfg(not(target_arch = "arm"))]
        {
            ByteSet { table }
        }
        #[cfg(target_arch = "arm")]
        {
            let mut bits = [0u32; 8];
            let mut b = 0;
            while b < 256 {
                if table[b] {
                    bits[b / 32] |= 1 << (b % 32);
                }
                b += 1;
            }
            ByteSet { bits }
        }
    }

    /// Whether `byte` is in the set.
    #[inline]
    pub(crate) fn contains(&self, byte: u8) -> bool {
        #[cfg(not(target_arch = "arm"))]
        {
            self.table[usize::from(byte)]
        }
        #[cfg(target_arch = "arm")]
        {
            // `byte >> 5` is at most 7: the index is in bounds.
            self.bits[usize::from(byte >> 5)] >> (byte & 31) & 1 != 0
        }
    }
}
