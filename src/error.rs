use core::fmt;

use crate::sink::{FmtSink, Sink};
use crate::MAX_ACCESS_KEY_LEN;

/// Which input an [`Error`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The secret key given to [`Signer::new`](crate::Signer::new).
    SecretKey,
    /// The access key given to [`Signer::new`](crate::Signer::new).
    AccessKey,
    /// The account name given to [`Signer::new`](crate::Signer::new).
    Account,
    /// The widget name of a widget URL.
    Widget,
    /// The base URL given to [`Signer::with_base_url`](crate::Signer::with_base_url).
    BaseUrl,
    /// The widget parameter at this position (0-based) in the caller's order.
    Param(usize),
    /// The return-URL query parameter that starts at this byte offset of the query.
    Query(usize),
}

impl Field {
    fn emit(&self, out: &mut (impl Sink + ?Sized)) {
        match *self {
            Field::SecretKey => out.put_str("secret key"),
            Field::AccessKey => out.put_str("access key"),
            Field::Account => out.put_str("account name"),
            Field::Widget => out.put_str("widget name"),
            Field::BaseUrl => out.put_str("base URL"),
            Field::Param(index) => {
                out.put_str("widget parameter ");
                put_decimal(out, index as u64);
                out.put_str(" (0-based)");
            }
            Field::Query(offset) => {
                out.put_str("query parameter at byte ");
                put_decimal(out, offset as u64);
            }
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display(f, |out| self.emit(out))
    }
}

/// Everything that can go wrong, each variant naming the input and the reason.
///
/// The [`Display`](fmt::Display) text is meant to be shown to the person who
/// supplied the input, for example
/// `access key: byte 3 (0x0d) is not allowed: use visible ASCII without spaces`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The field is empty and must not be.
    Empty(Field),
    /// The access key is longer than [`MAX_ACCESS_KEY_LEN`] bytes.
    AccessKeyTooLong {
        /// The length that was given.
        len: usize,
    },
    /// A text the signer keeps is longer than its storage: the account
    /// ([`MAX_ACCOUNT_LEN`](crate::MAX_ACCOUNT_LEN) bytes) or the base URL
    /// ([`MAX_BASE_URL_LEN`](crate::MAX_BASE_URL_LEN) bytes).
    TooLong {
        /// Which text.
        field: Field,
        /// The length that was given.
        len: usize,
        /// The most allowed.
        max: usize,
    },
    /// The field holds a byte it may not contain.
    InvalidByte {
        /// The input.
        field: Field,
        /// Byte offset of the offending byte in that input.
        index: usize,
        /// The offending byte (for non-ASCII text: the first byte of its UTF-8 form).
        byte: u8,
    },
    /// An account or widget name is `.` or `..`, which would change the URL's path.
    DotSegment(Field),
    /// A parameter name appears more than once; the signature of such a list is undefined.
    DuplicateName(Field),
    /// A widget parameter is named `accesskey` or `signature`, which the URL adds itself.
    ReservedName(Field),
    /// Timestamp text that is not of the form `YYYY-MM-DDTHH:MM:SS`.
    TimestampSyntax,
    /// Calendar fields that name no real date or time (month 13, February 30, hour 24...).
    InvalidDate,
    /// A time before 1970-01-01T00:00:00 or after 9999-12-31T23:59:59.
    TimeOutOfRange,
    /// A `%` in a query that is not followed by two hex digits.
    BadEscape {
        /// Byte offset of the `%` in the query.
        offset: usize,
    },
    /// A query parameter whose name or value decodes to bytes that are not UTF-8.
    InvalidUtf8(Field),
    /// The output buffer is too small. No output is returned; the buffer's
    /// contents are unspecified (the header functions leave it untouched).
    BufferTooSmall {
        /// The number of bytes the output needs.
        needed: usize,
    },
    /// The [`core::fmt::Write`] target returned an error.
    Write,
    /// Return URL: a URL with no query (nothing after `?`) to verify.
    NoQuery,
    /// Return URL: `accesskey` is missing or is not this signer's access key.
    BadAccessKey,
    /// Return URL: there is no `signature` parameter.
    SignatureMissing,
    /// The signature does not match what it should sign (a return URL's
    /// parameters, or an API request's access key, account and timestamp).
    SignatureMismatch,
    /// An `Authorization` header that is not exactly
    /// `TM-HMAC-SHA256 key=<access key> ts=<timestamp> sign=<64 lower-case hex>`.
    MalformedAuthorization {
        /// Byte offset where the header departs from the grammar.
        offset: usize,
    },
    /// An `Authorization` header with an access key the server does not know.
    UnknownAccessKey,
    /// A correctly signed `Authorization` header whose timestamp is too far
    /// from the server's clock.
    TimestampOutsideWindow {
        /// The header's time minus the server's, in seconds.
        skew_secs: i64,
        /// How far apart they may be, either way.
        window_secs: u32,
    },
}

/// Room for the longest message, with every number at its largest.
pub const ERROR_MESSAGE_CAPACITY: usize = 160;

impl Error {
    /// The message [`Display`](fmt::Display) shows, built without
    /// `core::fmt`'s formatting machinery, which costs several kilobytes
    /// of code on WebAssembly and microcontrollers.
    ///
    /// ```
    /// use ticketmatic_sign::{Error, Field};
    ///
    /// let error = Error::DuplicateName(Field::Param(1));
    /// assert_eq!(error.message(), "widget parameter 1 (0-based): its name appears more than once");
    /// ```
    pub fn message(&self) -> heapless::String<ERROR_MESSAGE_CAPACITY> {
        let mut text = heapless::String::new();
        let mut out = FmtSink {
            out: &mut text,
            failed: false,
        };
        // Cannot fail: the capacity fits every message (a test checks it).
        self.emit(&mut out);
        text
    }

    fn emit(&self, out: &mut (impl Sink + ?Sized)) {
        let field_then = |out: &mut _, field: Field, text| {
            field.emit(out);
            Sink::put_str(out, text);
        };
        match *self {
            Error::Empty(Field::Account) => {
                out.put_str("account name: empty, but a widget URL needs it as a path segment")
            }
            Error::Empty(field) => field_then(out, field, ": empty"),
            Error::AccessKeyTooLong { len } => {
                out.put_str("access key: ");
                put_decimal(out, len as u64);
                out.put_str(" bytes long, at most ");
                put_decimal(out, MAX_ACCESS_KEY_LEN as u64);
                out.put_str(" are allowed");
            }
            Error::TooLong { field, len, max } => {
                field_then(out, field, ": ");
                put_decimal(out, len as u64);
                out.put_str(" bytes long, at most ");
                put_decimal(out, max as u64);
                out.put_str(" are allowed");
            }
            Error::InvalidByte { field, index, byte } => {
                field_then(out, field, ": byte ");
                put_decimal(out, index as u64);
                out.put_str(" (0x");
                let mut hex = [0u8; 2];
                // Cannot fail: two digits hold one byte.
                let _ = base16ct::lower::encode(&[byte], &mut hex);
                out.put(&hex);
                out.put_str(") is not allowed: ");
                out.put_str(match field {
                    Field::AccessKey => "use visible ASCII without spaces",
                    Field::Account | Field::Widget => {
                        "only the unreserved characters A-Z a-z 0-9 - . _ ~ are allowed"
                    }
                    _ => "use visible ASCII other than '?' and '#'",
                })
            }
            Error::DotSegment(field) => field_then(out, field, ": '.' and '..' are not allowed"),
            Error::DuplicateName(field) => {
                field_then(out, field, ": its name appears more than once")
            }
            Error::ReservedName(field) => field_then(
                out,
                field,
                ": the names 'accesskey' and 'signature' are added by the signer",
            ),
            Error::TimestampSyntax => out.put_str("timestamp: not of the form YYYY-MM-DDTHH:MM:SS"),
            Error::InvalidDate => out.put_str("timestamp: no such date or time of day"),
            Error::TimeOutOfRange => {
                out.put_str("timestamp: outside 1970-01-01T00:00:00 to 9999-12-31T23:59:59")
            }
            Error::BadEscape { offset } => {
                out.put_str("query: '%' at byte ");
                put_decimal(out, offset as u64);
                out.put_str(" is not followed by two hex digits");
            }
            Error::InvalidUtf8(field) => field_then(out, field, ": decodes to invalid UTF-8"),
            Error::BufferTooSmall { needed } => {
                out.put_str("output buffer too small: ");
                put_decimal(out, needed as u64);
                out.put_str(" bytes needed");
            }
            Error::Write => out.put_str("output: the writer returned an error"),
            Error::BadAccessKey => {
                out.put_str("return URL: accesskey is missing or is not this signer's key")
            }
            Error::SignatureMissing => out.put_str("return URL: signature is missing"),
            Error::NoQuery => {
                out.put_str("return URL: a URL with no query ('?...'): nothing to verify")
            }
            Error::SignatureMismatch => out.put_str("signature does not match what it signs"),
            Error::MalformedAuthorization { offset } => {
                out.put_str(
                    "Authorization header: not 'TM-HMAC-SHA256 key=<access key> \
                     ts=<YYYY-MM-DDTHH:MM:SS> sign=<64 lower-case hex>' (from byte ",
                );
                put_decimal(out, offset as u64);
                out.put_str(")");
            }
            Error::UnknownAccessKey => out.put_str("Authorization header: unknown access key"),
            Error::TimestampOutsideWindow {
                skew_secs,
                window_secs,
            } => {
                out.put_str("Authorization header: timestamp is ");
                put_decimal(out, skew_secs.unsigned_abs());
                out.put_str(if skew_secs > 0 {
                    " s ahead of"
                } else {
                    " s behind"
                });
                out.put_str(" the server's clock, more than the ");
                put_decimal(out, u64::from(window_secs));
                out.put_str(" s allowed (check the client's clock)");
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display(f, |out| self.emit(out))
    }
}

/// Shows what `emit` writes, through the formatter.
fn display(
    f: &mut fmt::Formatter<'_>,
    emit: impl FnOnce(&mut FmtSink<'_, fmt::Formatter<'_>>),
) -> fmt::Result {
    let mut out = FmtSink {
        out: f,
        failed: false,
    };
    emit(&mut out);
    out.finish().map_err(|_| fmt::Error)
}

/// Puts `n` in decimal.
fn put_decimal(out: &mut (impl Sink + ?Sized), mut n: u64) {
    let mut digits = [0u8; 20]; // u64::MAX has 20
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.put(&digits[start..]);
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl std::error::Error for Error {}
