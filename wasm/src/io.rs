//! The input and output areas shared with JavaScript: the texts of a call
//! in one, the records of its output in the other.

use spin::mutex::SpinMutex;
use ticketmatic_sign::Error;

/// Large enough for any widget URL a browser or server accepts in practice;
/// the JavaScript side refuses larger inputs before writing them.
const IO_LEN: usize = 16 * 1024;
/// The most texts one call can carry (a widget URL's name, then a name and a
/// value for each parameter): their lengths, two bytes each, have a table of
/// their own.
const MAX_TEXTS: usize = 4 * 1024;
const REFUSED: i32 = -1;
const BAD_CALL: i32 = -2;
const NO_SLOT: i32 = -3;

/// A call's inputs: their bytes back to back, and their lengths apart, so
/// that the texts are UTF-8 as a whole, checked once for the call.
#[repr(C)]
struct Input {
    /// `u16`s, little-endian: the length of each text in turn, in bytes.
    lengths: [u8; 2 * MAX_TEXTS],
    bytes: [u8; IO_LEN],
}

// Two areas, so that the crate reads its input where JavaScript wrote it
// and writes its output where JavaScript reads it: no copy in or out, and no
// buffer on the stack to clear. JavaScript writes through the pointers
// below (from `UnsafeCell::get` inside the mutex) only between calls, when
// no lock and so no Rust reference is held. A lock that is held (a call
// that trapped half-way) makes every later call a bad call, never a wait.
static INPUT: SpinMutex<Input> = SpinMutex::new(Input {
    lengths: [0; 2 * MAX_TEXTS],
    bytes: [0; IO_LEN],
});
static OUTPUT: SpinMutex<[u8; IO_LEN]> = SpinMutex::new([0; IO_LEN]);

/// Where the input's bytes start in linear memory.
#[allow(unsafe_code)] // `no_mangle` only names the export
#[no_mangle]
pub extern "C" fn input_ptr() -> usize {
    // `Input` is `repr(C)`: its bytes follow the table of lengths.
    INPUT.as_mut_ptr() as usize + 2 * MAX_TEXTS
}

/// Where the input's table of lengths starts in linear memory.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn lengths_ptr() -> usize {
    INPUT.as_mut_ptr() as usize
}

/// How many texts one call can carry.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn max_texts() -> usize {
    MAX_TEXTS
}

/// Where the output area starts in linear memory.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn output_ptr() -> usize {
    OUTPUT.as_mut_ptr() as usize
}

/// The length of the input's bytes, and of the output area.
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

/// Runs `f` on the inputs, the first `input_len` of their bytes (more than
/// the area holds is a bad call), with the output area to write into (the
/// error's records too).
pub fn call(
    input_len: usize,
    f: impl FnOnce(Inputs<'_>, &mut [u8]) -> Result<usize, Failure>,
) -> i32 {
    let (input, mut output) = match (INPUT.try_lock(), OUTPUT.try_lock()) {
        (Some(input), Some(output)) => (input, output),
        _ => return BAD_CALL,
    };
    let inputs = match input.bytes.get(..input_len) {
        Some(bytes) => Inputs {
            bytes,
            lengths: &input.lengths,
        },
        None => return BAD_CALL,
    };
    match f(inputs, &mut output[..]) {
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

/// A call's inputs, read from the start: bytes cut by the table of lengths.
pub struct Inputs<'a> {
    bytes: &'a [u8],
    lengths: &'a [u8],
}

impl<'a> Inputs<'a> {
    /// The next input as bytes (the secret key, which may be any bytes, so
    /// comes first).
    pub fn bytes(&mut self) -> Result<&'a [u8], BadCall> {
        let len = next_length(&mut self.lengths)?;
        let (first, rest) = (self.bytes.get(..len), self.bytes.get(len..));
        self.bytes = rest.ok_or(BadCall)?;
        first.ok_or(BadCall)
    }

    /// The remaining inputs as texts, checked as UTF-8 once, as a whole
    /// (reading the 21 texts of a widget URL of 10 parameters, timed alone
    /// in Node, against a check per text: 340 -> 165 ns).
    pub fn texts(self) -> Result<Texts<'a>, BadCall> {
        let text = core::str::from_utf8(self.bytes).map_err(|_| BadCall)?;
        Ok(Texts {
            text,
            lengths: self.lengths,
        })
    }
}

/// The texts of a call, one after the other.
pub struct Texts<'a> {
    text: &'a str,
    lengths: &'a [u8],
}

impl<'a> Texts<'a> {
    /// The next text. A length that does not end on a character boundary
    /// (JavaScript counts UTF-8 bytes, so none does) is a bad call.
    pub fn next(&mut self) -> Result<&'a str, BadCall> {
        let len = next_length(&mut self.lengths)?;
        match (self.text.get(..len), self.text.get(len..)) {
            (Some(text), Some(rest)) => {
                self.text = rest;
                Ok(text)
            }
            _ => Err(BadCall),
        }
    }
}

/// The length at the start of `lengths`, which then starts after it. Past
/// the end of the table is a bad call.
fn next_length(lengths: &mut &[u8]) -> Result<usize, BadCall> {
    match **lengths {
        [low, high, ref rest @ ..] => {
            *lengths = rest;
            Ok(usize::from(u16::from_le_bytes([low, high])))
        }
        _ => Err(BadCall),
    }
}

/// The most widget parameters one call can carry: a name and a value each.
const MAX_PARAMS: usize = MAX_TEXTS / 2;

/// Widget parameters, read once from the texts: the crate goes over them
/// more than once (to check, sort and write them), and a slice is cheaper
/// to go over again than the table of lengths. The stack space for all of them
/// is reserved, not written (a `heapless::Vec` is filled in place, never
/// moved: moving one copies all of it).
pub type Params<'a> = heapless::Vec<(&'a str, &'a str), MAX_PARAMS>;

/// Reads `count` (name, value) pairs of texts into `params`.
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
