//! An [`Error`] as records for JavaScript: what `TicketmaticSignError`
//! carries. Reason, field and position are the core's (`Error::reason`,
//! `Error::field`, `Error::position`): this module maps nothing itself.

use ticketmatic_sign::Error;

use crate::io::{BadCall, RecordWriter};

/// Writes the error's reason, field and message as records, then its
/// position + 1 (0 for none) and whether it is a verdict (1) as `u32`s.
pub fn describe(error: &Error, out: &mut [u8]) -> Result<usize, BadCall> {
    let mut out = RecordWriter::new(out);
    out.record(error.reason().as_str().as_bytes())?;
    out.record(error.field().name().as_bytes())?;
    out.record_with(|room| error.write_message(room).map(str::len))?;
    let position = error.position().map_or(0, |p| p as u32 + 1);
    out.raw(&position.to_le_bytes())?;
    out.raw(&u32::from(error.is_verdict()).to_le_bytes())?;
    Ok(out.len())
}
