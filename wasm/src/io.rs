//! The input and output areas shared with JavaScript, and the records in them.

use spin::mutex::SpinMutex;
use ticketmatic_sign::Error;

/// Large enough for any widget URL a browser or server accepts in practice;
/// the JavaScript side refuses larger inputs before writing them.
const IO_LEN: usize = 16 * 1024;
const REFUSED: i32 = -1;
const BAD_CALL: i32 = -2;
const NO_SLOT: i32 = -3;

// Two areas, so that the crate reads its input where JavaScript wrote it
// and writes its output where JavaScript reads it: no copy in or out, and no
// buffer on the stack to clear. JavaScript writes through the pointers
// below (from `UnsafeCell::get` inside the mutex) only between calls, when
// no lock and so no Rust reference is held. A lock that is held (a call
// that trapped half-way) makes every later call a bad call, never a wait.
static INPUT: SpinMutex<[u8; IO_LEN]> = SpinMutex::new([0; IO_LEN]);
static OUTPUT: SpinMutex<[u8; IO_LEN]> = SpinMutex::new([0; IO_LEN]);

/// Where the input area starts in linear memory.
#[allow(unsafe_code)] // `no_mangle` only names the export
#[no_mangle]
pub extern "C" fn input_ptr() -> usize {
    INPUT.as_mut_ptr() as usize
}

/// Where the output area starts in linear memory.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn output_ptr() -> usize {
    OUTPUT.as_mut_ptr() as usize
}

/// The length of each area.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn io_len() -> usize {
    IO_LEN
}

/// Why a call produced no output.
pub enum Failure {
    Refused(Error),
    BadCall,
    NoSlot,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Refused(error)
    }
}

/// A call the module cannot read: a bug on the caller's side. The readers
/// and writers of records fail with this alone, not with a [`Failure`],
/// which holds an [`Error`]: results that small are returned in registers,
/// not copied through memory at every `?` (1,889 bytes of the module).
pub struct BadCall;

impl From<BadCall> for Failure {
    fn from(_: BadCall) -> Self {
        Failure::BadCall
    }
}

/// Runs `f` on the first `input_len` bytes of the input area (more than
/// the area holds is a bad call), with the output area to write into (the
/// error's records too).
pub fn call(input_len: usize, f: impl FnOnce(&[u8], &mut [u8]) -> Result<usize, Failure>) -> i32 {
    let (input, mut output) = match (INPUT.try_lock(), OUTPUT.try_lock()) {
        (Some(input), Some(output)) => (input, output),
        _ => return BAD_CALL,
    };
    let input = match input.get(..input_len) {
        Some(input) => input,
        None => return BAD_CALL,
    };
    match f(input, &mut output[..]) {
        Ok(len) => len as i32,
        Err(Failure::Refused(error)) => match crate::error::describe(&error, &mut output[..]) {
            Ok(_) => REFUSED,
            Err(_) => BAD_CALL,
        },
        Err(Failure::BadCall) => BAD_CALL,
        Err(Failure::NoSlot) => NO_SLOT,
    }
}

/// Copies `bytes` to the start of `out`.
pub fn put(out: &mut [u8], bytes: &[u8]) -> Result<usize, BadCall> {
    let room = out.get_mut(..bytes.len()).ok_or(BadCall)?;
    // A zip, not `copy_from_slice`: the same memory.copy without a length
    // check that could panic (and keep the panic's code in the module).
    for (to, &byte) in room.iter_mut().zip(bytes) {
        *to = byte;
    }
    Ok(bytes.len())
}

/// The records of a call's texts, checked as UTF-8 once, as a whole. Each
/// record is a length in four bytes of seven bits (low first), then that
/// many bytes; every length byte is ASCII, so records of UTF-8 texts are
/// UTF-8 as a whole, and one check replaces one per record (reading the 21
/// records of a widget URL of 10 parameters, timed alone in Node: 340 ->
/// 165 ns).
pub struct Texts<'a>(&'a str);

impl<'a> Texts<'a> {
    /// The records in `records`, all texts (a bad call if they are not UTF-8).
    pub fn new(records: &'a [u8]) -> Result<Self, BadCall> {
        core::str::from_utf8(records)
            .map(Texts)
            .map_err(|_| BadCall)
    }

    /// The next record. `get` cannot fail on a character boundary here (the
    /// lengths are ASCII), and says so if it ever did.
    pub fn next(&mut self) -> Result<&'a str, BadCall> {
        let end = 4 + length(self.0.as_bytes())?;
        match (self.0.get(4..end), self.0.get(end..)) {
            (Some(record), Some(rest)) => {
                self.0 = rest;
                Ok(record)
            }
            _ => Err(BadCall),
        }
    }
}

/// The record of bytes at the start of `input` (the secret key, which may
/// be any bytes), and what follows it.
pub fn split_bytes(input: &[u8]) -> Result<(&[u8], &[u8]), BadCall> {
    let end = 4 + length(input)?;
    match (input.get(4..end), input.get(end..)) {
        (Some(record), Some(rest)) => Ok((record, rest)),
        _ => Err(BadCall),
    }
}

/// The length at the start of a record. JavaScript writes seven bits a
/// byte; a byte with its top bit set only makes a length that is then
/// refused or that cuts the texts wrongly, never one read out of bounds.
fn length(record: &[u8]) -> Result<usize, BadCall> {
    match *record {
        [a, b, c, d, ..] => {
            Ok(usize::from(a) | usize::from(b) << 7 | usize::from(c) << 14 | usize::from(d) << 21)
        }
        _ => Err(BadCall),
    }
}

/// The most widget parameters one call can carry: each takes at least the
/// 8 bytes of its two records' lengths in the input area.
const MAX_PARAMS: usize = IO_LEN / 8;

/// Widget parameters, read once from their records: the crate goes over
/// them more than once (to check, sort and write them), and a slice is
/// cheaper to go over again than records. The stack space for all of them
/// is reserved, not written (a `heapless::Vec` is filled in place, never
/// moved: moving one copies all of it).
pub type Params<'a> = heapless::Vec<(&'a str, &'a str), MAX_PARAMS>;

/// Reads `count` (name, value) records into `params`.
pub fn read_params<'a>(
    texts: &mut Texts<'a>,
    count: usize,
    params: &mut Params<'a>,
) -> Result<(), BadCall> {
    for _ in 0..count {
        let pair = (texts.next()?, texts.next()?);
        params.push(pair).map_err(|_| BadCall)?;
    }
    Ok(())
}

/// Writes length-prefixed records into an output buffer.
pub struct RecordWriter<'b> {
    out: &'b mut [u8],
    len: usize,
}

impl<'b> RecordWriter<'b> {
    pub fn new(out: &'b mut [u8]) -> Self {
        RecordWriter { out, len: 0 }
    }

    pub fn record(&mut self, bytes: &[u8]) -> Result<(), BadCall> {
        self.raw(&(bytes.len() as u32).to_le_bytes())?;
        self.raw(bytes)
    }

    /// A record of what `write` writes into the room left after the
    /// record's length, returning how many bytes it wrote.
    pub fn record_with(
        &mut self,
        write: impl FnOnce(&mut [u8]) -> Result<usize, Error>,
    ) -> Result<(), BadCall> {
        let start = self.len;
        let room = self.out.get_mut(start + 4..).ok_or(BadCall)?;
        let len = write(room).map_err(|_| BadCall)?;
        self.raw(&(len as u32).to_le_bytes())?;
        self.len += len;
        Ok(())
    }

    /// A record of the bytes `bytes` yields.
    pub fn record_bytes(&mut self, bytes: impl Iterator<Item = u8>) -> Result<(), BadCall> {
        let start = self.len;
        let mut at = start + 4;
        for byte in bytes {
            *self.out.get_mut(at).ok_or(BadCall)? = byte;
            at += 1;
        }
        let len = (at - start - 4) as u32;
        self.len = start;
        self.raw(&len.to_le_bytes())?;
        self.len = at;
        Ok(())
    }

    pub fn raw(&mut self, bytes: &[u8]) -> Result<(), BadCall> {
        let at = self.len;
        self.len += put(self.out.get_mut(at..).ok_or(BadCall)?, bytes)?;
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.len
    }
}
