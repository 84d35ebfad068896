//! Copies of short byte strings, the pieces signed messages and URLs are
//! made of.

/// Copies `src` into `dst` (of the same length). Up to 32 bytes, by two
/// fixed-size moves that may overlap (the overlap gets the same bytes twice),
/// which compile to a few loads and stores where `copy_from_slice` is a call
/// to `memcpy` that costs more than such a piece.
#[inline]
pub(crate) fn copy(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if n < 8 {
        for (d, &s) in dst.iter_mut().zip(src) {
            *d = s;
        }
    } else if n <= 16 {
        move_fixed::<8>(dst, src, 0);
        move_fixed::<8>(dst, src, n - 8);
    } else if let Some(dst) = dst.get_mut(..n) {
        dst.copy_from_slice(src);
    }
}

/// Copies the `N` bytes at `at` of `src` to the same place in `dst`, if both
/// have them.
#[inline(always)]
fn move_fixed<const N: usize>(dst: &mut [u8], src: &[u8], at: usize) {
    let d = dst.get_mut(at..).and_then(|d| d.get_mut(..N));
    let s = src.get(at..).and_then(|s| s.get(..N));
    if let (Some(d), Some(s)) = (d, s) {
        if let (Ok(d), Ok(s)) = (<&mut [u8; N]>::try_from(d), <&[u8; N]>::try_from(s)) {
            *d = *s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_moves_exactly_the_bytes() {
        let src: [u8; 70] = core::array::from_fn(|i| i as u8 + 1);
        for n in 0..=70 {
            let mut dst = [0u8; 70];
            copy(&mut dst[..n], &src[..n]);
            assert_eq!(&dst[..n], &src[..n], "n {n}");
            assert!(dst[n..].iter().all(|&b| b == 0), "n {n}");
        }
    }
}
