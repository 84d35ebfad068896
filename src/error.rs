use core::fmt;

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

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::SecretKey => f.write_str("secret key"),
            Field::AccessKey => f.write_str("access key"),
            Field::Account => f.write_str("account name"),
            Field::Widget => f.write_str("widget name"),
            Field::BaseUrl => f.write_str("base URL"),
            Field::Param(index) => write!(f, "widget parameter {index} (0-based)"),
            Field::Query(offset) => write!(f, "query parameter at byte {offset}"),
        }
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

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::Empty(Field::Account) => {
                f.write_str("account name: empty, but a widget URL needs it as a path segment")
            }
            Error::Empty(field) => write!(f, "{field}: empty"),
            Error::AccessKeyTooLong { len } => write!(
                f,
                "access key: {len} bytes long, at most {MAX_ACCESS_KEY_LEN} are allowed"
            ),
            Error::InvalidByte { field, index, byte } => {
                write!(f, "{field}: byte {index} ({byte:#04x}) is not allowed: ")?;
                f.write_str(match field {
                    Field::AccessKey => "use visible ASCII without spaces",
                    Field::Account | Field::Widget => {
                        "only the unreserved characters A-Z a-z 0-9 - . _ ~ are allowed"
                    }
                    _ => "use visible ASCII other than '?' and '#'",
                })
            }
            Error::DotSegment(field) => write!(f, "{field}: '.' and '..' are not allowed"),
            Error::DuplicateName(field) => {
                write!(f, "{field}: its name appears more than once")
            }
            Error::ReservedName(field) => write!(
                f,
                "{field}: the names 'accesskey' and 'signature' are added by the signer"
            ),
            Error::TimestampSyntax => f.write_str("timestamp: not of the form YYYY-MM-DDTHH:MM:SS"),
            Error::InvalidDate => f.write_str("timestamp: no such date or time of day"),
            Error::TimeOutOfRange => {
                f.write_str("timestamp: outside 1970-01-01T00:00:00 to 9999-12-31T23:59:59")
            }
            Error::BadEscape { offset } => write!(
                f,
                "query: '%' at byte {offset} is not followed by two hex digits"
            ),
            Error::InvalidUtf8(field) => write!(f, "{field}: decodes to invalid UTF-8"),
            Error::BufferTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} bytes needed")
            }
            Error::Write => f.write_str("output: the writer returned an error"),
            Error::BadAccessKey => {
                f.write_str("return URL: accesskey is missing or is not this signer's key")
            }
            Error::SignatureMissing => f.write_str("return URL: signature is missing"),
            Error::SignatureMismatch => f.write_str("signature does not match what it signs"),
            Error::MalformedAuthorization { offset } => write!(
                f,
                "Authorization header: not 'TM-HMAC-SHA256 key=<access key> \
                 ts=<YYYY-MM-DDTHH:MM:SS> sign=<64 lower-case hex>' (from byte {offset})"
            ),
            Error::UnknownAccessKey => f.write_str("Authorization header: unknown access key"),
            Error::TimestampOutsideWindow {
                skew_secs,
                window_secs,
            } => write!(
                f,
                "Authorization header: timestamp is {} s {} the server's clock, more than the \
                 {window_secs} s allowed (check the client's clock)",
                skew_secs.unsigned_abs(),
                if skew_secs > 0 { "ahead of" } else { "behind" },
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}
