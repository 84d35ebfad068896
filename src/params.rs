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

/// The language parameter, which no signature covers.
const LANGUAGE: &str = "l";
/// The order code parameter, which no signature covers.
const ORDER_CODE: &str = "ordercode";
/// Parameters that are in the URL but not in the signed message. Names are
/// case-sensitive: only exactly these are left out.
pub(crate) const UNSIGNED: [&str; 2] = [LANGUAGE, ORDER_CODE];

/// Whether `name` is one of [`UNSIGNED`]. Matched, not looked up in the
/// list: lengths are compared first, and nothing is called (with
/// [`is_reserved`]: a widget URL 2.7% fewer instructions in WebAssembly, and
/// 48 bytes fewer).
pub(crate) fn is_unsigned(name: &str) -> bool {
    matches!(name, LANGUAGE | ORDER_CODE)
}

/// The name of the access key parameter that a widget URL ends with.
pub(crate) const ACCESS_KEY: &str = "accesskey";
/// The name of the signature parameter that a widget URL ends with.
pub(crate) const SIGNATURE: &str = "signature";

/// Whether `name` is one the signer adds to a widget URL itself, so callers
/// may not use it.
pub(crate) fn is_reserved(name: &str) -> bool {
    matches!(name, ACCESS_KEY | SIGNATURE)
}

/// Something with a name that can be put in canonical order.
pub(crate) trait Entry {
    /// Byte-wise order of the names (as they are signed, i.e. decoded).
    fn cmp_name(&self, other: &Self) -> Ordering;
    /// [`name_key`] of the name (as it is signed, i.e. decoded).
    fn key(&self) -> u64;
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
        cmp_names(self.param.name().as_bytes(), other.param.name().as_bytes())
    }
    fn key(&self) -> u64 {
        key_of(self.param.name().as_bytes())
    }
    fn field(&self) -> Field {
        Field::Param(self.index)
    }
}

/// How many widget parameters one pass of [`for_each_sorted`] holds: 32 of
/// 8 bytes (16 on 64-bit) plus their 8-byte keys, about 0.5 KiB of stack.
pub(crate) const PARAMS_CHUNK: usize = 32;

/// How many return-URL query parameters one pass holds: 16, as each is larger
/// (28 bytes, 48 on 64-bit) and return URLs carry few; 0.6 KiB of stack.
pub(crate) const QUERY_CHUNK: usize = 16;

/// Byte-wise order of two names. Names are short and usually differ early,
/// where a plain loop beats a call to `memcmp`.
pub(crate) fn cmp_names(a: &[u8], b: &[u8]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// The first 8 bytes of a name as a big-endian number, zero-padded. Where two
/// keys differ, they order like the names (a zero of padding meets a byte that
/// differs from it only where the shorter name is a prefix of the longer), so
/// most comparisons while sorting are one integer comparison.
pub(crate) fn name_key(name: impl Iterator<Item = u8>) -> u64 {
    let mut key = 0u64;
    let mut len = 0;
    for byte in name.take(8) {
        key = key << 8 | u64::from(byte);
        len += 1;
    }
    if len == 0 {
        0
    } else {
        key << (8 * (8 - len))
    }
}

/// Calls `visit` on every entry in canonical order (byte-wise by name), and
/// fails with [`Error::DuplicateName`] if two entries have the same name.
///
/// Without allocating there is nowhere to sort the whole list, and the
/// caller's list may be immutable or produced by an iterator. So each pass
/// over `entries` keeps only the `CHUNK` smallest names greater than the last
/// one visited, on the stack, and visits those. Lists of fewer than `CHUNK`
/// entries take one pass; longer ones take `len / CHUNK + 1` passes, with no
/// limit on the length.
///
/// A name given twice is always seen: in the pass whose chunk holds it, its
/// other occurrence cannot have been dropped (a name is dropped only when
/// `CHUNK` smaller names are held, and then it is not in this chunk) and so
/// collides with it on insertion.
pub(crate) fn for_each_sorted<E, I, const CHUNK: usize>(
    entries: I,
    mut visit: impl FnMut(&E) -> Result<(), Error>,
) -> Result<(), Error>
where
    E: Entry,
    I: Iterator<Item = E> + Clone,
{
    let order_of =
        |a_key: u64, a: &E, b_key: u64, b: &E| a_key.cmp(&b_key).then_with(|| a.cmp_name(b));
    let mut last: Option<(u64, E)> = None;
    loop {
        // Entries stay where they arrive in `held`, with their keys at the
        // same slot in `keys`; `order` lists the slots in name order, so
        // inserting moves bytes, not entries.
        let mut held = heapless::Vec::<E, CHUNK>::new();
        let mut keys = [0u64; CHUNK];
        let mut order = [0u8; CHUNK];
        // No index below can panic: array indexes are reduced modulo CHUNK
        // (a power of two: a mask the compiler sees is in bounds; they are in
        // bounds anyway), and `held` is read with `get`.
        for entry in entries.clone() {
            let key = entry.key();
            if let Some((last_key, last)) = &last {
                if order_of(key, &entry, *last_key, last) != Ordering::Greater {
                    continue;
                }
            }
            let len = held.len();
            // Full, and a key above the largest held: most entries of a long
            // list are larger than every one held, and one integer
            // comparison says so (200 parameters: 17% less time on x86-64).
            // Only where stack and code are cheap: on the Cortex-M4 it cost
            // 8 bytes of stack (then over the 2 KiB budget) and 156 of flash,
            // in WebAssembly 111 bytes; without it the binary search below
            // comes to the same answer.
            #[cfg(target_pointer_width = "64")]
            if len == CHUNK && key > keys[usize::from(order[CHUNK - 1]) % CHUNK] {
                continue; // a later pass takes it
            }
            let (mut lo, mut hi) = (0, len);
            while lo < hi {
                let mid = (lo + hi) / 2;
                let slot = usize::from(order[mid % CHUNK]);
                let other = match held.get(slot) {
                    Some(other) => other,
                    None => break,
                };
                match order_of(keys[slot % CHUNK], other, key, &entry) {
                    Ordering::Less => lo = mid + 1,
                    Ordering::Greater => hi = mid,
                    Ordering::Equal => return Err(Error::DuplicateName(entry.field())),
                }
            }
            let slot = if len < CHUNK {
                // Cannot fail: `len < CHUNK`.
                let _ = held.push(entry);
                len
            } else if lo < CHUNK {
                // Full: the entry replaces the largest one held.
                let largest = usize::from(order[CHUNK - 1]);
                if let Some(held) = held.get_mut(largest) {
                    *held = entry;
                }
                largest
            } else {
                continue; // larger than every entry held: a later pass takes it
            };
            keys[slot % CHUNK] = key;
            // A loop rather than `copy_within`: the slice is at most 32
            // bytes, and `copy_within`'s memmove costs 700 bytes of wasm.
            let mut i = len.min(CHUNK - 1);
            while i > lo {
                order[i] = order[i - 1];
                i -= 1;
            }
            order[lo % CHUNK] = slot as u8;
        }
        for &slot in order.iter().take(held.len()) {
            if let Some(entry) = held.get(usize::from(slot)) {
                visit(entry)?;
            }
        }
        if !held.is_full() {
            return Ok(());
        }
        let largest = usize::from(order[CHUNK - 1]);
        if largest >= held.len() {
            return Ok(()); // cannot happen: every slot of a full chunk is held
        }
        last = Some((keys[largest], held.swap_remove(largest)));
    }
}

/// Widget parameters with their positions in the caller's order, as the
/// passes of [`for_each_sorted`] take them.
fn indexed<I>(params: I) -> impl Iterator<Item = Indexed<I::Item>> + Clone
where
    I: Iterator + Clone,
    I::Item: Param,
{
    params
        .enumerate()
        .map(|(index, param)| Indexed { index, param })
}

/// The most widget parameters [`for_each_param_sorted`] orders in one sort:
/// 16 KiB of stack (16 bytes each: the 8-byte key and the index) and 32
/// copies of the caller's iterator. Only on 64-bit targets: on wasm32 the sort's code
/// would not fit the module's size budget, on the Cortex-M4 its stack not
/// the 2 KiB budget; there, and for longer lists, the passes of
/// [`for_each_sorted`] do it.
#[cfg(target_pointer_width = "64")]
pub(crate) const SORT_CAPACITY: usize = 1024;

/// Lists up to this long take the passes of [`for_each_sorted`] (at most
/// three), which measured faster than the index sort there.
#[cfg(target_pointer_width = "64")]
const SORT_FROM: usize = 2 * PARAMS_CHUNK;

/// Every how many parameters the index sort keeps a copy of the iterator, to
/// fetch a parameter by index: a slice's iterator steps there at once, any
/// other in at most `STRIDE - 1` steps.
#[cfg(target_pointer_width = "64")]
const STRIDE: usize = 32;

/// Calls `visit` on every widget parameter in canonical order, as
/// [`for_each_sorted`] does, in O(n log n) where that is possible: when the
/// iterator says in advance (its `size_hint`) that there are more than
/// [`SORT_FROM`] and at most [`SORT_CAPACITY`] parameters, as a slice's
/// does, their keys and indices are sorted on the stack and each parameter
/// is fetched by index when it is compared beyond its key or visited.
/// Otherwise (few parameters, which one pass orders, or an unknown or larger
/// number) the passes of [`for_each_sorted`] order them.
pub(crate) fn for_each_param_sorted<I>(
    params: I,
    visit: impl FnMut(&Indexed<I::Item>) -> Result<(), Error>,
) -> Result<(), Error>
where
    I: Iterator + Clone,
    I::Item: Param,
{
    #[cfg(target_pointer_width = "64")]
    let mut visit = visit;
    #[cfg(target_pointer_width = "64")]
    {
        let (at_least, _) = params.size_hint();
        if at_least > SORT_FROM && at_least <= SORT_CAPACITY {
            if let Some(result) = index_sort(&params, &mut visit) {
                return result;
            }
        }
    }
    for_each_sorted::<_, _, PARAMS_CHUNK>(indexed(params), visit)
}

/// The index sort of [`for_each_param_sorted`]; `None` if the iterator
/// turns out longer than [`SORT_CAPACITY`] (before anything is visited).
#[cfg(target_pointer_width = "64")]
fn index_sort<I>(
    params: &I,
    visit: &mut impl FnMut(&Indexed<I::Item>) -> Result<(), Error>,
) -> Option<Result<(), Error>>
where
    I: Iterator + Clone,
    I::Item: Param,
{
    // Each parameter as one integer, its key above its index: sorting them
    // is an integer sort (no comparator reaching into other arrays), which
    // orders by key, and leaves runs of equal keys to be ordered by name.
    let mut sorted = [0u128; SORT_CAPACITY];
    let mut marks = heapless::Vec::<I, { SORT_CAPACITY / STRIDE }>::new();
    let mut walk = params.clone();
    let mut n = 0;
    loop {
        if n % STRIDE == 0 && marks.push(walk.clone()).is_err() {
            // Full: SORT_CAPACITY parameters read. One more is too many.
            return match walk.next() {
                Some(_) => None,
                None => break,
            };
        }
        let param = match walk.next() {
            Some(param) => param,
            None => break,
        };
        if let Some(slot) = sorted.get_mut(n) {
            *slot = u128::from(key_of(param.name().as_bytes())) << 16 | n as u128;
        }
        n += 1;
    }
    let fetch = |entry: u128| {
        let index = (entry & 0xffff) as usize;
        marks.get(index / STRIDE)?.clone().nth(index % STRIDE)
    };
    let by_name = |a: &u128, b: &u128| match (fetch(*a), fetch(*b)) {
        (Some(a), Some(b)) => cmp_names(a.name().as_bytes(), b.name().as_bytes()),
        _ => Ordering::Equal, // cannot happen: every index was read above
    };
    let sorted = sorted.get_mut(..n)?;
    sorted.sort_unstable();
    // Runs of equal keys (names alike in their first 8 bytes), by name.
    let mut start = 0;
    while start < sorted.len() {
        let key = sorted[start] >> 16;
        let len = sorted[start..]
            .iter()
            .take_while(|&&e| e >> 16 == key)
            .count();
        if len > 1 {
            sorted[start..start + len].sort_unstable_by(by_name);
        }
        start += len;
    }
    let mut previous: Option<u128> = None;
    for &entry in sorted.iter() {
        if let Some(previous) = previous {
            if previous >> 16 == entry >> 16 && by_name(&previous, &entry) == Ordering::Equal {
                let later = (previous.max(entry) & 0xffff) as usize;
                return Some(Err(Error::DuplicateName(Field::Param(later))));
            }
        }
        previous = Some(entry);
        let entry = Indexed {
            index: (entry & 0xffff) as usize,
            param: fetch(entry)?,
        };
        if let Err(e) = visit(&entry) {
            return Some(Err(e));
        }
    }
    Some(Ok(()))
}

/// [`name_key`] of a name's bytes, with one load where it is long enough.
pub(crate) fn key_of(name: &[u8]) -> u64 {
    match name.get(..8) {
        Some(&[a, b, c, d, e, f, g, h]) => u64::from_be_bytes([a, b, c, d, e, f, g, h]),
        _ => name_key(name.iter().copied()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::{format, string::String, vec::Vec};

    /// The names `visit` is called with, in order.
    fn sorted<const CHUNK: usize>(names: &[String]) -> Result<Vec<String>, Error> {
        let mut out = Vec::new();
        let entries = names.iter().enumerate().map(|(index, n)| Indexed {
            index,
            param: (n.as_str(), ""),
        });
        for_each_sorted::<_, _, CHUNK>(entries, |e| {
            out.push(String::from(e.param.name()));
            Ok(())
        })?;
        Ok(out)
    }

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|&n| String::from(n)).collect()
    }

    #[test]
    fn sorts_bytewise() {
        assert_eq!(
            sorted::<PARAMS_CHUNK>(&strings(&[
                "b", "B", "a", "_x", "aa", "Z", "ab", "a\u{e9}", "~"
            ])),
            Ok(strings(&[
                "B", "Z", "_x", "a", "aa", "ab", "a\u{e9}", "b", "~"
            ]))
        );
        assert_eq!(sorted::<PARAMS_CHUNK>(&[]), Ok(Vec::new()));
    }

    #[test]
    fn compares_like_slices() {
        let names: [&[u8]; 7] = [b"", b"a", b"ab", b"b", b"B", b"\xff", b"a\x00"];
        for a in names {
            for b in names {
                assert_eq!(cmp_names(a, b), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn keys_order_like_names_where_they_differ() {
        let names: [&[u8]; 12] = [
            b"",
            b"\x00",
            b"a",
            b"a\x00",
            b"ab",
            b"abcdefgh",
            b"abcdefgh\x00",
            b"abcdefghi",
            b"abcdefgi",
            b"b",
            b"\xff\xff\xff\xff\xff\xff\xff\xff",
            b"B",
        ];
        for a in names {
            for b in names {
                let (ka, kb) = (name_key(a.iter().copied()), name_key(b.iter().copied()));
                if ka != kb {
                    assert_eq!(ka.cmp(&kb), a.cmp(b), "{a:?} {b:?}");
                }
            }
        }
        assert_eq!(name_key(b"ab".iter().copied()), 0x6162_0000_0000_0000);
    }

    #[test]
    fn sorts_across_chunk_boundaries() {
        sorts_across::<PARAMS_CHUNK>();
        sorts_across::<QUERY_CHUNK>();
    }

    fn sorts_across<const CHUNK: usize>() {
        for n in [
            1,
            2,
            CHUNK - 1,
            CHUNK,
            CHUNK + 1,
            2 * CHUNK - 1,
            2 * CHUNK,
            2 * CHUNK + 1,
            5 * CHUNK + 3,
        ] {
            // The names 000..n, given in a scrambled order (a multiplier
            // prime to n); expected order written out independently.
            let m = if n % 17 == 0 { 19 } else { 17 };
            let expected: Vec<String> = (0..n).map(|i| format!("{i:03}")).collect();
            let given: Vec<String> = (0..n).map(|i| format!("{:03}", (i * m + 3) % n)).collect();
            assert_eq!(sorted::<CHUNK>(&given), Ok(expected), "n = {n}");
            let reversed: Vec<String> = (0..n).rev().map(|i| format!("{i:03}")).collect();
            assert_eq!(sorted::<CHUNK>(&reversed).map(|v| v.len()), Ok(n));
        }
    }

    /// The names `for_each_param_sorted` visits, in order, and their indices.
    fn param_sorted(names: &[String]) -> Result<Vec<(String, usize)>, Error> {
        let mut out = Vec::new();
        let params: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "")).collect();
        for_each_param_sorted(params.iter(), |e| {
            out.push((String::from(e.param.name()), e.index));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn param_sort_orders_every_size() {
        // Both sides of PARAMS_CHUNK and SORT_CAPACITY: passes, the index
        // sort, passes again. Names share long prefixes (ties on the 8-byte
        // key) and short ones; expected order written out independently.
        for n in [1, 31, 32, 33, 64, 65, 100, 1023, 1024, 1025, 1500] {
            let m = if n % 17 == 0 { 19 } else { 17 };
            let given: Vec<String> = (0..n)
                .map(|i| {
                    let k = (i * m + 3) % n;
                    if k % 2 == 0 {
                        format!("parameter{k:05}")
                    } else {
                        format!("p{k}")
                    }
                })
                .collect();
            let mut expected: Vec<(String, usize)> = given
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, name)| (name, i))
                .collect();
            expected.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            assert_eq!(param_sorted(&given), Ok(expected), "n = {n}");
        }
    }

    #[test]
    fn param_sort_finds_duplicates_anywhere() {
        for len in [40, 100] {
            let base: Vec<String> = (0..len)
                .map(|i| format!("name{:03}", (i * 7) % len))
                .collect();
            for first in 0..len {
                for second in [first + 1, len - 1] {
                    if second <= first || second >= len {
                        continue;
                    }
                    let mut names = base.clone();
                    names[second] = names[first].clone();
                    match param_sorted(&names) {
                        Err(Error::DuplicateName(Field::Param(i))) => {
                            assert!(i == first || i == second, "{len} {first} {second}: {i}")
                        }
                        other => panic!("{len} {first} {second}: {other:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn param_sort_takes_iterators_that_say_no_length() {
        // A filter's size_hint is (0, _): the passes order it.
        let names: Vec<String> = (0..300).rev().map(|i| format!("n{i:03}")).collect();
        let mut out = Vec::new();
        let params: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "")).collect();
        for_each_param_sorted(params.iter().filter(|_| true), |e| {
            out.push(String::from(e.param.name()));
            Ok(())
        })
        .unwrap();
        let mut expected = names.clone();
        expected.sort();
        assert_eq!(out, expected);
    }

    #[test]
    fn finds_duplicates_anywhere() {
        finds_duplicates::<PARAMS_CHUNK>();
        finds_duplicates::<QUERY_CHUNK>();
    }

    fn finds_duplicates<const CHUNK: usize>() {
        for len in [2, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 5] {
            let m = if len % 7 == 0 { 11 } else { 7 };
            let base: Vec<String> = (0..len).map(|i| format!("n{:03}", (i * m) % len)).collect();
            for first in 0..len {
                for second in first + 1..len {
                    let mut names = base.clone();
                    names[second] = names[first].clone();
                    match sorted::<CHUNK>(&names) {
                        Err(Error::DuplicateName(Field::Param(i))) => {
                            assert!(i == first || i == second, "{len} {first} {second}: {i}")
                        }
                        other => panic!("{len} {first} {second}: {other:?}"),
                    }
                }
            }
        }
    }
}
