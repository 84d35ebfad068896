//! Result codes, the error record a caller may ask for, and the guard that
//! turns every failure (and any panic) into them.

use std::panic::{self, AssertUnwindSafe};

use core::fmt::{self, Write};
use std::os::raw::c_char;

use ticketmatic_sign::{Error, Field};

/// What a function did. `TM_OK` is 0; the others say why it refused.
/// Codes are stable: new ones may be added, none will change meaning.
/// Codes 0 to 5 are the C boundary's own; every other code is the core's
/// reason code (`ticketmatic_sign::Reason::code`), named `TM_` and the
/// reason's name in capitals (`invalid_byte` is `TM_INVALID_BYTE`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::upper_case_acronyms)]
pub enum tm_result {
    /// Success.
    TM_OK = 0,
    /// A pointer that may not be NULL was NULL (or NULL with a length other than 0).
    TM_NULL_POINTER = 1,
    /// The output buffer is too small; `*out_len` holds the length needed.
    TM_BUFFER_TOO_SMALL = 2,
    /// A text input is not UTF-8.
    TM_NOT_UTF8 = 3,
    /// A bug in this library (a panic, caught at the boundary): please report it.
    TM_PANIC = 4,
    /// The key lookup callback of `tm_verify_authorization` said it failed
    /// (not that the key is unknown): the request can be neither accepted
    /// nor refused.
    TM_LOOKUP_FAILED = 5,
    /// An input that must not be empty is empty.
    TM_EMPTY = 10,
    /// An input is longer than the library allows.
    TM_TOO_LONG = 11,
    /// An input holds a byte it may not contain.
    TM_INVALID_BYTE = 12,
    /// An account or widget name is `.` or `..`.
    TM_DOT_SEGMENT = 13,
    /// A parameter name appears more than once.
    TM_DUPLICATE_NAME = 14,
    /// A widget parameter is named `accesskey` or `signature`.
    TM_RESERVED_NAME = 15,
    /// Timestamp text is not `YYYY-MM-DDTHH:MM:SS` (or that and `Z`).
    TM_TIMESTAMP_SYNTAX = 16,
    /// Timestamp text names no real date or time.
    TM_INVALID_DATE = 17,
    /// A time before 1970 or after 9999.
    TM_TIME_OUT_OF_RANGE = 18,
    /// Return URL: a `%` not followed by two hex digits.
    TM_BAD_ESCAPE = 19,
    /// Return URL: a name or value decodes to bytes that are not UTF-8.
    TM_INVALID_UTF8 = 20,
    /// Return URL: a URL without a query, nothing to verify.
    TM_NO_QUERY = 21,
    /// Base URL: not `https://` or `http://`.
    TM_UNSUPPORTED_SCHEME = 22,
    /// Base URL: no host, or not a host name or bracketed IPv6 address.
    TM_INVALID_HOST = 23,
    /// Base URL: user info (`name@`) before the host.
    TM_USER_INFO = 24,
    /// Base URL: a port that is not a number from 1 to 65535.
    TM_INVALID_PORT = 25,
    /// Return URL verdict: `accesskey` is missing or not this signer's.
    TM_BAD_ACCESS_KEY = 30,
    /// Return URL verdict: there is no `signature`.
    TM_SIGNATURE_MISSING = 31,
    /// Verdict: the signature does not match what it signs.
    TM_SIGNATURE_MISMATCH = 32,
    /// Header: not `TM-HMAC-SHA256 key=... ts=... sign=...` (`position`:
    /// the byte where it departs).
    TM_MALFORMED_AUTHORIZATION = 33,
    /// Header verdict: the key lookup knows no such access key.
    TM_UNKNOWN_ACCESS_KEY = 34,
    /// Header verdict: correctly signed, but too far from the server's clock.
    TM_TIMESTAMP_OUTSIDE_WINDOW = 35,
    /// A writer failed (not reachable through this ABI; here for completeness).
    TM_WRITE_FAILED = 40,
}

/// Every code, for reading one back from a number.
const ALL_RESULTS: [tm_result; 30] = {
    use tm_result::*;
    [
        TM_OK,
        TM_NULL_POINTER,
        TM_BUFFER_TOO_SMALL,
        TM_NOT_UTF8,
        TM_PANIC,
        TM_LOOKUP_FAILED,
        TM_EMPTY,
        TM_TOO_LONG,
        TM_INVALID_BYTE,
        TM_DOT_SEGMENT,
        TM_DUPLICATE_NAME,
        TM_RESERVED_NAME,
        TM_TIMESTAMP_SYNTAX,
        TM_INVALID_DATE,
        TM_TIME_OUT_OF_RANGE,
        TM_BAD_ESCAPE,
        TM_INVALID_UTF8,
        TM_NO_QUERY,
        TM_UNSUPPORTED_SCHEME,
        TM_INVALID_HOST,
        TM_USER_INFO,
        TM_INVALID_PORT,
        TM_BAD_ACCESS_KEY,
        TM_SIGNATURE_MISSING,
        TM_SIGNATURE_MISMATCH,
        TM_MALFORMED_AUTHORIZATION,
        TM_UNKNOWN_ACCESS_KEY,
        TM_TIMESTAMP_OUTSIDE_WINDOW,
        TM_WRITE_FAILED,
        TM_OK,
    ]
};

impl tm_result {
    /// The code with this number, if there is one.
    fn from_code(code: u32) -> Option<tm_result> {
        ALL_RESULTS.iter().copied().find(|&c| c as u32 == code)
    }
}

/// Which input a failure is about. Codes 0 and 1 are the C boundary's own;
/// the others are the core's field codes (`ticketmatic_sign::Field::code`),
/// named `TM_FIELD_` and the field's name in capitals.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tm_field {
    /// No input in particular.
    TM_FIELD_NONE = 0,
    /// The signer argument.
    TM_FIELD_SIGNER = 1,
    /// The access key.
    TM_FIELD_ACCESS_KEY = 2,
    /// The secret key.
    TM_FIELD_SECRET_KEY = 3,
    /// The account name.
    TM_FIELD_ACCOUNT = 4,
    /// The base URL: `position` is a byte offset in it, when there is one.
    TM_FIELD_BASE_URL = 5,
    /// The widget name.
    TM_FIELD_WIDGET = 6,
    /// The widget parameters: `position` is the parameter's index.
    TM_FIELD_PARAMS = 7,
    /// The timestamp.
    TM_FIELD_TIMESTAMP = 8,
    /// The return URL: `position` is a byte offset in it, when there is one.
    TM_FIELD_RETURN_URL = 9,
    /// An output argument (`buf`, `out_len`, `signer_out`, `unix_out`).
    TM_FIELD_OUTPUT = 10,
    /// The `Authorization` header: `position` is a byte offset in it, when
    /// there is one.
    TM_FIELD_AUTHORIZATION = 11,
    /// The signature (of a return URL or a header) does not match.
    TM_FIELD_SIGNATURE = 12,
    /// The key lookup callback.
    TM_FIELD_LOOKUP = 13,
}

/// Every field, for reading one back from the core's number.
const ALL_FIELDS: [tm_field; 14] = {
    use tm_field::*;
    [
        TM_FIELD_NONE,
        TM_FIELD_SIGNER,
        TM_FIELD_ACCESS_KEY,
        TM_FIELD_SECRET_KEY,
        TM_FIELD_ACCOUNT,
        TM_FIELD_BASE_URL,
        TM_FIELD_WIDGET,
        TM_FIELD_PARAMS,
        TM_FIELD_TIMESTAMP,
        TM_FIELD_RETURN_URL,
        TM_FIELD_OUTPUT,
        TM_FIELD_AUTHORIZATION,
        TM_FIELD_SIGNATURE,
        TM_FIELD_LOOKUP,
    ]
};

impl tm_field {
    /// The field of a core error.
    fn of(field: Field) -> tm_field {
        let code = u32::from(field.code());
        ALL_FIELDS
            .iter()
            .copied()
            .find(|&f| f as u32 == code)
            .unwrap_or(tm_field::TM_FIELD_NONE)
    }
}

/// Room for every message, with its terminating NUL.
pub const TM_ERROR_MESSAGE_CAPACITY: usize = 161;
// A literal, so that cbindgen writes it into the header; held to the core's here.
const _: () = assert!(TM_ERROR_MESSAGE_CAPACITY == ticketmatic_sign::ERROR_MESSAGE_CAPACITY + 1);

/// What went wrong, filled in on failure when the caller passes one (on
/// success it is left as it was).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct tm_error {
    /// The code the function returned.
    pub code: tm_result,
    /// Which input.
    pub field: tm_field,
    /// For `TM_FIELD_PARAMS` the parameter's index; for other inputs the
    /// byte offset where the problem starts (in a return URL, a base URL, a
    /// header, or the bad byte of a key or name); -1 when there is none.
    pub position: i64,
    /// The length of `message`, without the NUL.
    pub message_len: usize,
    /// The library's message for people, NUL-terminated, for example
    /// `access key: byte 3 (0x0d) is not allowed: use visible ASCII without spaces`.
    pub message: [c_char; TM_ERROR_MESSAGE_CAPACITY],
}

/// Why a call failed: the core's refusal, or one of the C boundary's own.
pub(crate) enum Failure {
    Core(Error),
    /// A NULL pointer where one may not be, and the parameter's index for params.
    Null(tm_field, Option<usize>),
    /// Text that is not UTF-8: the input, the parameter's index, the byte offset.
    NotUtf8(tm_field, Option<usize>, usize),
    /// The key lookup callback returned this code instead of an answer.
    Lookup(u32),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Core(error)
    }
}

/// Runs `body`, turning its failure (or a panic) into a code and, if the
/// caller gave one, an error record.
pub(crate) fn guard(error: *mut tm_error, body: impl FnOnce() -> Result<(), Failure>) -> tm_result {
    let (code, field, position, message) = match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return tm_result::TM_OK,
        // The core's code, field and position; a reason this ABI does not
        // know yet (a newer core) is a bug here, reported as such.
        Ok(Err(Failure::Core(e))) => (
            tm_result::from_code(u32::from(e.reason().code())).unwrap_or(tm_result::TM_PANIC),
            tm_field::of(e.field()),
            e.position(),
            Message::Core(e),
        ),
        Ok(Err(Failure::Null(field, position))) => (
            tm_result::TM_NULL_POINTER,
            field,
            position,
            Message::Null(field, position),
        ),
        Ok(Err(Failure::NotUtf8(field, position, offset))) => (
            tm_result::TM_NOT_UTF8,
            field,
            position,
            Message::NotUtf8(field, position, offset),
        ),
        Ok(Err(Failure::Lookup(code))) => (
            tm_result::TM_LOOKUP_FAILED,
            tm_field::TM_FIELD_LOOKUP,
            None,
            Message::Lookup(code),
        ),
        Err(_) => (
            tm_result::TM_PANIC,
            tm_field::TM_FIELD_NONE,
            None,
            Message::Panic,
        ),
    };
    // SAFETY: the caller passes NULL or a writable `tm_error`.
    if let Some(out) = unsafe { error.as_mut() } {
        let mut record = tm_error {
            code,
            field,
            position: position.map_or(-1, |p| p as i64),
            message_len: 0,
            message: [0; TM_ERROR_MESSAGE_CAPACITY],
        };
        let mut text = [0u8; TM_ERROR_MESSAGE_CAPACITY - 1];
        record.message_len = message.write(&mut text);
        for (c, &b) in record.message.iter_mut().zip(&text[..]) {
            *c = b as c_char;
        }
        *out = record;
    }
    code
}

/// The texts of failures, for `tm_error::message`.
enum Message {
    Core(Error),
    Null(tm_field, Option<usize>),
    NotUtf8(tm_field, Option<usize>, usize),
    Lookup(u32),
    Panic,
}

impl Message {
    /// Writes the message into `out` (truncated if ever longer), returns its length.
    fn write(&self, out: &mut [u8]) -> usize {
        let mut text = Text { out, len: 0 };
        match self {
            Message::Core(e) => text.put(e.message().as_bytes()),
            Message::Null(field, position) => {
                text.field(*field, *position);
                text.put(b": a NULL pointer (allowed only with length 0)");
            }
            Message::NotUtf8(field, position, offset) => {
                text.field(*field, *position);
                text.put(b": not UTF-8 (from byte ");
                let _ = write!(text, "{offset}");
                text.put(b")");
            }
            Message::Lookup(code) => {
                let _ = write!(
                    text,
                    "key lookup: the callback failed (it returned {code}): \
                     the request can be neither accepted nor refused"
                );
            }
            Message::Panic => {
                text.put(b"a bug in ticketmatic-sign-ffi (a panic): please report it")
            }
        }
        text.len
    }
}

/// A bounded writer into the message buffer.
struct Text<'a> {
    out: &'a mut [u8],
    len: usize,
}

// Numbers through `core::fmt` (this crate has std; the core writes its
// own decimals only to stay small on microcontrollers).
impl fmt::Write for Text<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.put(s.as_bytes());
        Ok(())
    }
}

impl Text<'_> {
    fn put(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if let Some(place) = self.out.get_mut(self.len) {
                *place = b;
                self.len += 1;
            }
        }
    }

    fn field(&mut self, field: tm_field, position: Option<usize>) {
        self.put(match field {
            tm_field::TM_FIELD_NONE => b"input",
            tm_field::TM_FIELD_SIGNER => b"signer",
            tm_field::TM_FIELD_ACCESS_KEY => b"access key",
            tm_field::TM_FIELD_SECRET_KEY => b"secret key",
            tm_field::TM_FIELD_ACCOUNT => b"account name",
            tm_field::TM_FIELD_BASE_URL => b"base URL",
            tm_field::TM_FIELD_WIDGET => b"widget name",
            tm_field::TM_FIELD_PARAMS => b"widget parameter",
            tm_field::TM_FIELD_TIMESTAMP => b"timestamp",
            tm_field::TM_FIELD_RETURN_URL => b"return URL",
            tm_field::TM_FIELD_AUTHORIZATION => b"Authorization header",
            tm_field::TM_FIELD_SIGNATURE => b"signature",
            tm_field::TM_FIELD_LOOKUP => b"key lookup",
            tm_field::TM_FIELD_OUTPUT => b"output argument",
        });
        if let Some(index) = position {
            self.put(b" ");
            let _ = write!(self, "{index}");
            self.put(b" (0-based)");
        }
    }
}

/// What a result code means in general (a call's own `tm_error` says more):
/// its stable name and a sentence, for example
/// `TM_SIGNATURE_MISMATCH: the signature does not match what it signs`.
/// Written into `buf` as for every output (not NUL-terminated).
///
/// # Safety
///
/// `buf` is NULL or writable for `buf_len` bytes; `out_len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tm_result_message(
    code: u32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> tm_result {
    use tm_result::*;
    // The code comes as a number: a value that is no `tm_result` must not
    // become one in Rust.
    let known = ALL_RESULTS.iter().find(|&&c| c as u32 == code);
    let text: &str = match known.copied().unwrap_or(TM_PANIC) {
        TM_OK => "TM_OK: success",
        TM_NULL_POINTER => "TM_NULL_POINTER: a pointer that may not be NULL was NULL",
        TM_BUFFER_TOO_SMALL => {
            "TM_BUFFER_TOO_SMALL: the output buffer is too small; *out_len holds the length needed"
        }
        TM_NOT_UTF8 => "TM_NOT_UTF8: a text input is not UTF-8",
        TM_PANIC => "TM_PANIC: a bug in ticketmatic-sign-ffi; please report it",
        TM_LOOKUP_FAILED => "TM_LOOKUP_FAILED: the key lookup callback failed",
        TM_EMPTY => "TM_EMPTY: an input that must not be empty is empty",
        TM_TOO_LONG => "TM_TOO_LONG: an input is longer than allowed",
        TM_INVALID_BYTE => "TM_INVALID_BYTE: an input holds a byte it may not contain",
        TM_DOT_SEGMENT => "TM_DOT_SEGMENT: an account or widget name is '.' or '..'",
        TM_DUPLICATE_NAME => "TM_DUPLICATE_NAME: a parameter name appears more than once",
        TM_RESERVED_NAME => "TM_RESERVED_NAME: 'accesskey' and 'signature' are added by the signer",
        TM_TIMESTAMP_SYNTAX => "TM_TIMESTAMP_SYNTAX: not of the form YYYY-MM-DDTHH:MM:SS",
        TM_INVALID_DATE => "TM_INVALID_DATE: no such date or time of day",
        TM_TIME_OUT_OF_RANGE => {
            "TM_TIME_OUT_OF_RANGE: outside 1970-01-01T00:00:00 to 9999-12-31T23:59:59"
        }
        TM_BAD_ESCAPE => "TM_BAD_ESCAPE: a '%' not followed by two hex digits",
        TM_INVALID_UTF8 => "TM_INVALID_UTF8: a query name or value decodes to invalid UTF-8",
        TM_NO_QUERY => "TM_NO_QUERY: a URL without a query: nothing to verify",
        TM_UNSUPPORTED_SCHEME => {
            "TM_UNSUPPORTED_SCHEME: a base URL that is not https:// or http://"
        }
        TM_INVALID_HOST => "TM_INVALID_HOST: a base URL without a host name or [IPv6] address",
        TM_USER_INFO => "TM_USER_INFO: a base URL with user info (name@) before the host",
        TM_INVALID_PORT => "TM_INVALID_PORT: a base URL whose port is not 1 to 65535",
        TM_BAD_ACCESS_KEY => "TM_BAD_ACCESS_KEY: accesskey is missing or is not this signer's key",
        TM_SIGNATURE_MISSING => "TM_SIGNATURE_MISSING: the return URL has no signature",
        TM_SIGNATURE_MISMATCH => {
            "TM_SIGNATURE_MISMATCH: the signature does not match what it signs"
        }
        TM_MALFORMED_AUTHORIZATION => {
            "TM_MALFORMED_AUTHORIZATION: not 'TM-HMAC-SHA256 key=... ts=... sign=...'"
        }
        TM_UNKNOWN_ACCESS_KEY => "TM_UNKNOWN_ACCESS_KEY: the key lookup knows no such access key",
        TM_TIMESTAMP_OUTSIDE_WINDOW => {
            "TM_TIMESTAMP_OUTSIDE_WINDOW: signed right, but too far from the server's clock"
        }
        TM_WRITE_FAILED => "TM_WRITE_FAILED: a writer failed",
    };
    let text = if known.is_some() {
        text
    } else {
        "not a tm_result code"
    };
    // SAFETY: `buf` and `out_len` are the caller's (# Safety).
    guard(core::ptr::null_mut(), || unsafe {
        crate::output::fill(buf, buf_len, out_len, |out| {
            let place = out
                .get_mut(..text.len())
                .ok_or(Error::BufferTooSmall { needed: text.len() })?;
            place.copy_from_slice(text.as_bytes());
            Ok(text.len())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticketmatic_sign::Reason;

    /// The C names are the core's names: `TM_` + the reason in capitals.
    #[test]
    fn every_core_reason_has_its_c_code() {
        for reason in Reason::ALL {
            let code = tm_result::from_code(u32::from(reason.code()))
                .unwrap_or_else(|| panic!("no tm_result for {reason}"));
            assert_eq!(
                format!("{code:?}"),
                format!("TM_{}", reason.as_str().to_uppercase())
            );
        }
    }

    #[test]
    fn every_core_field_has_its_c_field() {
        let fields = [
            Field::SecretKey,
            Field::AccessKey,
            Field::Account,
            Field::Widget,
            Field::BaseUrl,
            Field::Param(1),
            Field::Query(1),
            Field::Timestamp,
            Field::ReturnUrl,
            Field::Authorization,
            Field::Signature,
            Field::Output,
        ];
        for field in fields {
            assert_eq!(
                format!("{:?}", tm_field::of(field)),
                format!("TM_FIELD_{}", field.name().to_uppercase())
            );
        }
    }
}
