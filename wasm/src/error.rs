//! An [`Error`] as records for JavaScript: what `TicketmaticSignError`
//! carries.

use ticketmatic_sign::{Error, Field};

use crate::io::{Failure, RecordWriter};

/// Writes the error's reason, field, message and position + 1 (0 for none).
pub fn describe(error: &Error, out: &mut [u8]) -> Result<usize, Failure> {
    let (field, position) = field(error);
    let mut out = RecordWriter::new(out);
    out.record(reason(error).as_bytes())?;
    out.record(field.as_bytes())?;
    out.record(error.message().as_bytes())?;
    let position = position.map_or(0, |p| p as u32 + 1);
    out.raw(&position.to_le_bytes())?;
    Ok(out.len())
}

/// The error's variant, as the `reason` JavaScript sees.
fn reason(error: &Error) -> &'static str {
    match error {
        Error::Empty(_) => "empty",
        Error::AccessKeyTooLong { .. } | Error::TooLong { .. } => "too_long",
        Error::InvalidByte { .. } => "invalid_byte",
        Error::DotSegment(_) => "dot_segment",
        Error::DuplicateName(_) => "duplicate_name",
        Error::ReservedName(_) => "reserved_name",
        Error::TimestampSyntax => "timestamp_syntax",
        Error::InvalidDate => "invalid_date",
        Error::TimeOutOfRange => "time_out_of_range",
        Error::BadEscape { .. } => "bad_escape",
        Error::InvalidUtf8(_) => "invalid_utf8",
        Error::BufferTooSmall { .. } => "too_large",
        Error::BadAccessKey => "bad_access_key",
        Error::SignatureMissing => "signature_missing",
        Error::SignatureMismatch => "signature_mismatch",
        Error::MalformedAuthorization { .. } => "malformed_authorization",
        _ => "other",
    }
}

/// The input the error is about, named as in the JavaScript API, and the
/// position in it (a parameter's index, a byte offset), if any.
fn field(error: &Error) -> (&'static str, Option<usize>) {
    let about = match *error {
        Error::Empty(f)
        | Error::DotSegment(f)
        | Error::DuplicateName(f)
        | Error::ReservedName(f)
        | Error::InvalidUtf8(f) => f,
        Error::InvalidByte { field, .. } | Error::TooLong { field, .. } => field,
        Error::AccessKeyTooLong { .. } => Field::AccessKey,
        Error::TimestampSyntax | Error::InvalidDate | Error::TimeOutOfRange => {
            return ("timestamp", None)
        }
        Error::BadEscape { offset } => return ("query", Some(offset)),
        Error::BadAccessKey | Error::SignatureMissing | Error::SignatureMismatch => {
            return ("query", None)
        }
        Error::MalformedAuthorization { offset } => return ("header", Some(offset)),
        _ => return ("output", None),
    };
    match about {
        Field::SecretKey => ("secretKey", None),
        Field::AccessKey => ("accessKey", None),
        Field::Account => ("account", None),
        Field::Widget => ("widget", None),
        Field::BaseUrl => ("baseUrl", None),
        Field::Param(index) => ("params", Some(index)),
        Field::Query(offset) => ("query", Some(offset)),
        _ => ("", None),
    }
}
