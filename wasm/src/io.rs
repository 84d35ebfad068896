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

/// Runs `f` on the first `input_len` bytes of the input area (more than
/// the area holds is a bad call), with the output area to write into (the
/// error's records too).
pub fn call(
    input_len: usize,
    f: impl FnOnce(Records<'_>, &mut [u8]) -> Result<usize, Failure>,
) -> i32 {
    let (input, mut output) = match (INPUT.try_lock(), OUTPUT.try_lock()) {
        (Some(input), Some(output)) => (input, output),
        _ => return BAD_CALL,
    };
    let input = match input.get(..input_len) {
        Some(input) => input,
        None => return BAD_CALL,
    };
    match f(Records(input), &mut output[..]) {
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
pub fn put(out: &mut [u8], bytes: &[u8]) -> Result<usize, Failure> {
    let room = out.get_mut(..bytes.len()).ok_or(Failure::BadCall)?;
    // A zip, not `copy_from_slice`: the same memory.copy without a length
    // check that could panic (and keep the panic's code in the module).
    for (to, &byte) in room.iter_mut().zip(bytes) {
        *to = byte;
    }
    Ok(bytes.len())
}

/// Reads length-prefixed records from the input area.
#[derive(Clone)]
pub struct Records<'a>(&'a [u8]);

impl<'a> Records<'a> {
    pub fn next_bytes(&mut self) -> Result<&'a [u8], Failure> {
        let (len, rest) = match self.0 {
            [a, b, c, d, rest @ ..] => (u32::from_le_bytes([*a, *b, *c, *d]) as usize, rest),
            _ => return Err(Failure::BadCall),
        };
        if len > rest.len() {
            return Err(Failure::BadCall);
        }
        let (bytes, rest) = rest.split_at(len);
        self.0 = rest;
        Ok(bytes)
    }

    pub fn next_str(&mut self) -> Result<&'a str, Failure> {
        core::str::from_utf8(self.next_bytes()?).map_err(|_| Failure::BadCall)
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
    records: &mut Records<'a>,
    count: usize,
    params: &mut Params<'a>,
) -> Result<(), Failure> {
    for _ in 0..count {
        let pair = (records.next_str()?, records.next_str()?);
        params.push(pair).map_err(|_| Failure::BadCall)?;
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

    pub fn record(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        self.raw(&(bytes.len() as u32).to_le_bytes())?;
        self.raw(bytes)
    }

    /// A record of what `write` writes into the room left after the
    /// record's length, returning how many bytes it wrote.
    pub fn record_with(
        &mut self,
        write: impl FnOnce(&mut [u8]) -> Result<usize, Error>,
    ) -> Result<(), Failure> {
        let start = self.len;
        let room = self.out.get_mut(start + 4..).ok_or(Failure::BadCall)?;
        let len = write(room).map_err(|_| Failure::BadCall)?;
        self.raw(&(len as u32).to_le_bytes())?;
        self.len += len;
        Ok(())
    }

    /// A record of the bytes `bytes` yields.
    pub fn record_bytes(&mut self, bytes: impl Iterator<Item = u8>) -> Result<(), Failure> {
        let start = self.len;
        let mut at = start + 4;
        for byte in bytes {
            *self.out.get_mut(at).ok_or(Failure::BadCall)? = byte;
            at += 1;
        }
        let len = (at - start - 4) as u32;
        self.len = start;
        self.raw(&len.to_le_bytes())?;
        self.len = at;
        Ok(())
    }

    pub fn raw(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        let at = self.len;
        self.len += put(self.out.get_mut(at..).ok_or(Failure::BadCall)?, bytes)?;
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.len
    }
}
