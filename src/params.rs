//! Widget parameters and their canonical order.

use core::cmp::Ordering;

use crate::{Error, Field};

/// A widget parameter: a name and its raw (not URL-encoded) value.
///
/// Implemented for pairs of anything that is `AsRef<str>` (`(&str, &str)`,
/// `(String, String)`, ...) and for references to parameters, so a slice, an
/// array or an iterator of pairs can be passed wherever parameters are taken.
///
/// ```
/// use ticketmatic_sign::Param;
///
/// let p = ("returnurl", "http://www.ticketmatic.com");
/// assert_eq!((p.name(), p.value()), ("returnurl", "http://www.ticketmatic.com"));
/// ```
pub trait Param {
    /// The parameter's name.
    fn name(&self) -> &str;
    /// The parameter's value, before any URL encoding.
    fn value(&self) -> &str;
}

impl<K: AsRef<str>, V: AsRef<str>> Param for (K, V) {
    fn name(&self) -> &str {
        self.0.as_ref()
    }
    fn value(&self) -> &str {
        self.1.as_ref()
    }
}

impl<P: Param + ?Sized> Param for &P {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn value(&self) -> &str {
        (**self).value()
    }
}

/// Parameters that are in the URL but not in the signed message. Names are
/// case-sensitive: only exactly these are left out.
pub(crate) const UNSIGNED: [&str; 2] = ["l", "ordercode"];

/// The name of the access key parameter that a widget URL ends with.
pub(crate) const ACCESS_KEY: &str = "accesskey";
/// The name of the signature parameter that a widget URL ends with.
pub(crate) const SIGNATURE: &str = "signature";
/// Names the signer adds to a widget URL itself, so callers may not use them.
pub(crate) const RESERVED: [&str; 2] = [ACCESS_KEY, SIGNATURE];

/// Something with a name that can be put in canonical order.
pub(crate) trait Entry {
    /// Byte-wise order of the names (as they are signed, i.e. decoded).
    fn cmp_name(&self, other: &Self) -> Ordering;
    /// Where the entry came from, for error messages.
    fn field(&self) -> Field;
}

/// A caller's parameter with its position in the caller's order.
pub(crate) struct Indexed<P> {
    pub(crate) index: usize,
    pub(crate) param: P,
}

impl<P: Param> Entry for Indexed<P> {
    fn cmp_name(&self, other: &Self) -> Ordering {
        self.param.name().cmp(other.param.name())
    }
    fn field(&self) -> Field {
        Field::Param(self.index)
    }
}

/// How many entries one pass over the input sorts on the stack.
const CHUNK: usize = 16;

/// Calls `visit` on every entry in canonical order (byte-wise by name), and
/// fails with [`Error::DuplicateName`] if two entries have the same name.
///
/// Without allocating there is nowhere to sort the whole list, and the
/// caller's list may be immutable or produced by an iterator. So each pass
/// over `entries` keeps only the `CHUNK` smallest names greater than the last
/// one visited, in a small sorted array on the stack, and visits those. Lists
/// of up to `CHUNK - 1` entries take one pass; longer ones take
/// `len / CHUNK + 1` passes, with no limit on the length.
///
/// A name given twice is always seen: in the pass whose chunk holds it, its
/// other occurrence cannot have been dropped (a name is dropped only when
/// `CHUNK` smaller names are held, and then it is not in this chunk) and so
/// collides with it on insertion.
pub(crate) fn for_each_sorted<E, I>(
    entries: I,
    mut visit: impl FnMut(&E) -> Result<(), Error>,
) -> Result<(), Error>
where
    E: Entry,
    I: Iterator<Item = E> + Clone,
{
    let mut last: Option<E> = None;
    loop {
        let mut chunk = heapless::Vec::<E, CHUNK>::new();
        for entry in entries.clone() {
            if let Some(last) = &last {
                if entry.cmp_name(last) != Ordering::Greater {
                    continue;
                }
            }
            if chunk.is_full() {
                if let Some(max) = chunk.last() {
                    if entry.cmp_name(max) == Ordering::Greater {
                        continue;
                    }
                }
            }
            match chunk.binary_search_by(|held| held.cmp_name(&entry)) {
                Ok(_) => return Err(Error::DuplicateName(entry.field())),
                Err(at) => {
                    if chunk.is_full() {
                        chunk.pop();
                    }
                    // Cannot fail: there is room after the pop above.
                    let _ = chunk.insert(at, entry);
                }
            }
        }
        for entry in &chunk {
            visit(entry)?;
        }
        if !chunk.is_full() {
            return Ok(());
        }
        last = chunk.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the sort on names and returns the visited names, joined by spaces,
    /// into `out`.
    fn sorted<'o>(names: &[&str], out: &'o mut [u8]) -> Result<&'o str, Error> {
        let mut len = 0;
        for_each_sorted(
            names.iter().enumerate().map(|(index, &n)| Indexed {
                index,
                param: (n, ""),
            }),
            |e| {
                let n = e.param.name().as_bytes();
                out[len..len + n.len()].copy_from_slice(n);
                out[len + n.len()] = b' ';
                len += n.len() + 1;
                Ok(())
            },
        )?;
        Ok(core::str::from_utf8(&out[..len]).unwrap())
    }

    #[test]
    fn sorts_bytewise() {
        let mut out = [0u8; 256];
        assert_eq!(
            sorted(&["b", "B", "a", "_x", "aa", "Z"], &mut out),
            Ok("B Z _x a aa b ")
        );
        assert_eq!(sorted(&[], &mut out), Ok(""));
    }

    #[test]
    fn sorts_across_chunk_boundaries() {
        // 0..n for n around multiples of CHUNK, given in a scrambled order;
        // the expected order is written out independently of the code.
        const NAMES: [&str; 40] = [
            "00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13",
            "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27",
            "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39",
        ];
        for n in [1, 2, 15, 16, 17, 31, 32, 33, 40] {
            let mut given = [""; 40];
            for (i, slot) in given[..n].iter_mut().enumerate() {
                *slot = NAMES[(i * 7 + 3) % n];
            }
            let mut expected = [0u8; 256];
            let mut len = 0;
            for name in &NAMES[..n] {
                expected[len..len + 3].copy_from_slice(&[
                    name.as_bytes()[0],
                    name.as_bytes()[1],
                    b' ',
                ]);
                len += 3;
            }
            let mut out = [0u8; 256];
            assert_eq!(
                sorted(&given[..n], &mut out),
                Ok(core::str::from_utf8(&expected[..len]).unwrap()),
                "n = {n}"
            );
        }
    }

    #[test]
    fn finds_duplicates_anywhere() {
        let mut names = [""; 40];
        const NAMES: [&str; 40] = [
            "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "b0", "b1", "b2", "b3",
            "b4", "b5", "b6", "b7", "b8", "b9", "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7",
            "c8", "c9", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9",
        ];
        for len in [2, 16, 17, 33, 40] {
            for first in 0..len {
                for second in first + 1..len {
                    names[..len].copy_from_slice(&NAMES[..len]);
                    names[second] = names[first];
                    let mut out = [0u8; 256];
                    let err = sorted(&names[..len], &mut out).unwrap_err();
                    match err {
                        Error::DuplicateName(Field::Param(i)) => {
                            assert!(i == first || i == second, "{len} {first} {second}: {i}")
                        }
                        other => panic!("{other:?}"),
                    }
                }
            }
        }
    }
}
