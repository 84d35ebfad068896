use core::fmt;

use crate::sink::{Cursor, FmtSink, Sink};
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
    /// A timestamp given as text or as Unix seconds.
    Timestamp,
    /// A return URL (or its query) as a whole.
    ReturnUrl,
    /// An `Authorization` header received by [`verify_authorization`](crate::verify_authorization).
    Authorization,
    /// A return URL's `signature` or a header's `sign`: what it signs differs.
    Signature,
    /// The output buffer or writer.
    Output,
}

impl Field {
    /// The input's stable name, in snake_case, the same in every face of
    /// this project (the crate, `tm`, the C ABI, Python, JavaScript):
    /// `secret_key`, `access_key`, `account`, `widget`, `base_url`,
    /// `params`, `timestamp`, `return_url` (for [`Field::Query`] and
    /// [`Field::ReturnUrl`]), `authorization`, `signature`, `output`.
    ///
    /// ```
    /// use ticketmatic_sign::Field;
    /// assert_eq!(Field::Param(3).name(), "params");
    /// assert_eq!(Field::Param(3).position(), Some(3));
    /// ```
    pub const fn name(&self) -> &'static str {
        match self {
            Field::SecretKey => "secret_key",
            Field::AccessKey => "access_key",
            Field::Account => "account",
            Field::Widget => "widget",
            Field::BaseUrl => "base_url",
            Field::Param(_) => "params",
            Field::Query(_) | Field::ReturnUrl => "return_url",
            Field::Timestamp => "timestamp",
            Field::Authorization => "authorization",
            Field::Signature => "signature",
            Field::Output => "output",
        }
    }

    /// A stable number for the input, for bindings that carry codes rather
    /// than names (the C ABI's `tm_field` has these values): 2 `access_key`,
    /// 3 `secret_key`, 4 `account`, 5 `base_url`, 6 `widget`, 7 `params`,
    /// 8 `timestamp`, 9 `return_url`, 10 `output`, 11 `authorization`,
    /// 12 `signature` (0 and 1 are the C boundary's own).
    pub const fn code(&self) -> u8 {
        match self {
            Field::AccessKey => 2,
            Field::SecretKey => 3,
            Field::Account => 4,
            Field::BaseUrl => 5,
            Field::Widget => 6,
            Field::Param(_) => 7,
            Field::Timestamp => 8,
            Field::Query(_) | Field::ReturnUrl => 9,
            Field::Output => 10,
            Field::Authorization => 11,
            Field::Signature => 12,
        }
    }

    /// The parameter's index for [`Field::Param`], the byte offset in the
    /// query for [`Field::Query`]; `None` for the other inputs.
    pub const fn position(&self) -> Option<usize> {
        match *self {
            Field::Param(at) | Field::Query(at) => Some(at),
            _ => None,
        }
    }
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
            Field::Timestamp => out.put_str("timestamp"),
            Field::ReturnUrl => out.put_str("return URL"),
            Field::Authorization => out.put_str("Authorization header"),
            Field::Signature => out.put_str("signature"),
            Field::Output => out.put_str("output"),
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
    /// A base URL whose scheme is not `https://` or `http://`.
    UnsupportedScheme,
    /// A base URL without a host, or whose host is not a name (letters,
    /// digits, `-`, `.`, `_`, `~`) or a bracketed IPv6 address.
    InvalidHost {
        /// Byte offset in the base URL where the host starts or goes wrong.
        offset: usize,
    },
    /// A base URL with user info (`name@` or `name:password@` before the host).
    UserInfo {
        /// Byte offset of the `@`.
        offset: usize,
    },
    /// A base URL whose port is not a number from 1 to 65535.
    InvalidPort {
        /// Byte offset of the port (after the `:`).
        offset: usize,
    },
}

/// Why an input was refused: a stable snake_case code ([`Reason::as_str`])
/// and number ([`Reason::code`]), the same in every face of this project
/// (the crate, `tm`, the mock server, the C ABI, Python and JavaScript).
/// [`Error::reason`] gives an error's. New reasons may be added; none will
/// change its name or number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// `buffer_too_small` (2): [`Error::BufferTooSmall`].
    BufferTooSmall,
    /// `empty` (10): [`Error::Empty`].
    Empty,
    /// `too_long` (11): [`Error::AccessKeyTooLong`], [`Error::TooLong`].
    TooLong,
    /// `invalid_byte` (12): [`Error::InvalidByte`].
    InvalidByte,
    /// `dot_segment` (13): [`Error::DotSegment`].
    DotSegment,
    /// `duplicate_name` (14): [`Error::DuplicateName`].
    DuplicateName,
    /// `reserved_name` (15): [`Error::ReservedName`].
    ReservedName,
    /// `timestamp_syntax` (16): [`Error::TimestampSyntax`].
    TimestampSyntax,
    /// `invalid_date` (17): [`Error::InvalidDate`].
    InvalidDate,
    /// `time_out_of_range` (18): [`Error::TimeOutOfRange`].
    TimeOutOfRange,
    /// `bad_escape` (19): [`Error::BadEscape`].
    BadEscape,
    /// `invalid_utf8` (20): [`Error::InvalidUtf8`].
    InvalidUtf8,
    /// `no_query` (21): [`Error::NoQuery`].
    NoQuery,
    /// `unsupported_scheme` (22): [`Error::UnsupportedScheme`].
    UnsupportedScheme,
    /// `invalid_host` (23): [`Error::InvalidHost`].
    InvalidHost,
    /// `user_info` (24): [`Error::UserInfo`].
    UserInfo,
    /// `invalid_port` (25): [`Error::InvalidPort`].
    InvalidPort,
    /// `bad_access_key` (30): [`Error::BadAccessKey`].
    BadAccessKey,
    /// `signature_missing` (31): [`Error::SignatureMissing`].
    SignatureMissing,
    /// `signature_mismatch` (32): [`Error::SignatureMismatch`].
    SignatureMismatch,
    /// `malformed_authorization` (33): [`Error::MalformedAuthorization`].
    MalformedAuthorization,
    /// `unknown_access_key` (34): [`Error::UnknownAccessKey`].
    UnknownAccessKey,
    /// `timestamp_outside_window` (35): [`Error::TimestampOutsideWindow`].
    TimestampOutsideWindow,
    /// `write_failed` (40): [`Error::Write`].
    WriteFailed,
}

impl Reason {
    /// Every reason, in the order of their codes.
    pub const ALL: [Reason; 24] = [
        Reason::BufferTooSmall,
        Reason::Empty,
        Reason::TooLong,
        Reason::InvalidByte,
        Reason::DotSegment,
        Reason::DuplicateName,
        Reason::ReservedName,
        Reason::TimestampSyntax,
        Reason::InvalidDate,
        Reason::TimeOutOfRange,
        Reason::BadEscape,
        Reason::InvalidUtf8,
        Reason::NoQuery,
        Reason::UnsupportedScheme,
        Reason::InvalidHost,
        Reason::UserInfo,
        Reason::InvalidPort,
        Reason::BadAccessKey,
        Reason::SignatureMissing,
        Reason::SignatureMismatch,
        Reason::MalformedAuthorization,
        Reason::UnknownAccessKey,
        Reason::TimestampOutsideWindow,
        Reason::WriteFailed,
    ];

    /// The stable snake_case code, for example `invalid_byte`.
    pub const fn as_str(self) -> &'static str {
        self.entry().1
    }

    /// The stable number (the C ABI's `tm_result` has these values).
    pub const fn code(self) -> u8 {
        self.entry().0
    }

    const fn entry(self) -> (u8, &'static str) {
        match self {
            Reason::BufferTooSmall => (2, "buffer_too_small"),
            Reason::Empty => (10, "empty"),
            Reason::TooLong => (11, "too_long"),
            Reason::InvalidByte => (12, "invalid_byte"),
            Reason::DotSegment => (13, "dot_segment"),
            Reason::DuplicateName => (14, "duplicate_name"),
            Reason::ReservedName => (15, "reserved_name"),
            Reason::TimestampSyntax => (16, "timestamp_syntax"),
            Reason::InvalidDate => (17, "invalid_date"),
            Reason::TimeOutOfRange => (18, "time_out_of_range"),
            Reason::BadEscape => (19, "bad_escape"),
            Reason::InvalidUtf8 => (20, "invalid_utf8"),
            Reason::NoQuery => (21, "no_query"),
            Reason::UnsupportedScheme => (22, "unsupported_scheme"),
            Reason::InvalidHost => (23, "invalid_host"),
            Reason::UserInfo => (24, "user_info"),
            Reason::InvalidPort => (25, "invalid_port"),
            Reason::BadAccessKey => (30, "bad_access_key"),
            Reason::SignatureMissing => (31, "signature_missing"),
            Reason::SignatureMismatch => (32, "signature_mismatch"),
            Reason::MalformedAuthorization => (33, "malformed_authorization"),
            Reason::UnknownAccessKey => (34, "unknown_access_key"),
            Reason::TimestampOutsideWindow => (35, "timestamp_outside_window"),
            Reason::WriteFailed => (40, "write_failed"),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Room for the longest message, with every number at its largest.
pub const ERROR_MESSAGE_CAPACITY: usize = 160;

impl Error {
    /// Why the input was refused, as a stable code: what every face of this
    /// project reports for this error.
    ///
    /// ```
    /// use ticketmatic_sign::{Error, Field, Reason};
    ///
    /// let error = Error::InvalidByte { field: Field::AccessKey, index: 3, byte: b'\r' };
    /// assert_eq!(error.reason(), Reason::InvalidByte);
    /// assert_eq!(error.reason().as_str(), "invalid_byte");
    /// assert_eq!(error.field().name(), "access_key");
    /// assert_eq!(error.position(), Some(3));
    /// ```
    pub const fn reason(&self) -> Reason {
        match self {
            Error::Empty(_) => Reason::Empty,
            Error::AccessKeyTooLong { .. } | Error::TooLong { .. } => Reason::TooLong,
            Error::InvalidByte { .. } => Reason::InvalidByte,
            Error::DotSegment(_) => Reason::DotSegment,
            Error::DuplicateName(_) => Reason::DuplicateName,
            Error::ReservedName(_) => Reason::ReservedName,
            Error::TimestampSyntax => Reason::TimestampSyntax,
            Error::InvalidDate => Reason::InvalidDate,
            Error::TimeOutOfRange => Reason::TimeOutOfRange,
            Error::BadEscape { .. } => Reason::BadEscape,
            Error::InvalidUtf8(_) => Reason::InvalidUtf8,
            Error::BufferTooSmall { .. } => Reason::BufferTooSmall,
            Error::Write => Reason::WriteFailed,
            Error::NoQuery => Reason::NoQuery,
            Error::BadAccessKey => Reason::BadAccessKey,
            Error::SignatureMissing => Reason::SignatureMissing,
            Error::SignatureMismatch => Reason::SignatureMismatch,
            Error::MalformedAuthorization { .. } => Reason::MalformedAuthorization,
            Error::UnknownAccessKey => Reason::UnknownAccessKey,
            Error::TimestampOutsideWindow { .. } => Reason::TimestampOutsideWindow,
            Error::UnsupportedScheme => Reason::UnsupportedScheme,
            Error::InvalidHost { .. } => Reason::InvalidHost,
            Error::UserInfo { .. } => Reason::UserInfo,
            Error::InvalidPort { .. } => Reason::InvalidPort,
        }
    }

    /// The input the error is about. A mismatched signature is about the
    /// [`Field::Signature`] (of a return URL or of a header: the function
    /// called says which).
    pub const fn field(&self) -> Field {
        match *self {
            Error::Empty(field)
            | Error::DotSegment(field)
            | Error::DuplicateName(field)
            | Error::ReservedName(field)
            | Error::InvalidUtf8(field)
            | Error::InvalidByte { field, .. }
            | Error::TooLong { field, .. } => field,
            Error::AccessKeyTooLong { .. } => Field::AccessKey,
            Error::TimestampSyntax | Error::InvalidDate | Error::TimeOutOfRange => Field::Timestamp,
            Error::BadEscape { .. }
            | Error::NoQuery
            | Error::BadAccessKey
            | Error::SignatureMissing => Field::ReturnUrl,
            Error::SignatureMismatch => Field::Signature,
            Error::MalformedAuthorization { .. }
            | Error::UnknownAccessKey
            | Error::TimestampOutsideWindow { .. } => Field::Authorization,
            Error::BufferTooSmall { .. } | Error::Write => Field::Output,
            Error::UnsupportedScheme
            | Error::InvalidHost { .. }
            | Error::UserInfo { .. }
            | Error::InvalidPort { .. } => Field::BaseUrl,
        }
    }

    /// Where in the input: a widget parameter's index (0-based) for
    /// [`Field::Param`], otherwise a byte offset in the input (the bad byte,
    /// the `%`, where a header or base URL departs from its grammar, where a
    /// return URL's parameter starts), or `None`.
    pub const fn position(&self) -> Option<usize> {
        match *self {
            Error::InvalidByte { field, index, .. } => match field {
                Field::Param(at) | Field::Query(at) => Some(at),
                _ => Some(index),
            },
            Error::BadEscape { offset }
            | Error::MalformedAuthorization { offset }
            | Error::InvalidHost { offset }
            | Error::UserInfo { offset }
            | Error::InvalidPort { offset } => Some(offset),
            _ => self.field().position(),
        }
    }

    /// Whether the input was read and the answer is no: a return URL or an
    /// `Authorization` header that this key pair did not sign, or signed
    /// for another time ([`Reason`]s `bad_access_key`, `signature_missing`,
    /// `signature_mismatch`, `unknown_access_key`,
    /// `timestamp_outside_window`). Every other error means that an input
    /// could not be taken at all.
    pub const fn is_verdict(&self) -> bool {
        matches!(
            self,
            Error::BadAccessKey
                | Error::SignatureMissing
                | Error::SignatureMismatch
                | Error::UnknownAccessKey
                | Error::TimestampOutsideWindow { .. }
        )
    }

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
        let mut buf = [0u8; ERROR_MESSAGE_CAPACITY];
        let mut text = heapless::String::new();
        // Cannot fail: the capacity fits every message (a test checks it).
        if let Ok(message) = self.write_message(&mut buf) {
            let _ = text.push_str(message);
        }
        text
    }

    /// Writes the message of [`message`](Self::message) into `buf` and
    /// returns it, for a caller with a buffer of its own (the WebAssembly
    /// module writes it straight into its output area).
    /// [`ERROR_MESSAGE_CAPACITY`] bytes always suffice; in a shorter buffer a
    /// longer message is [`Error::BufferTooSmall`], never cut.
    ///
    /// ```
    /// use ticketmatic_sign::{Error, ERROR_MESSAGE_CAPACITY};
    ///
    /// let mut buf = [0u8; ERROR_MESSAGE_CAPACITY];
    /// let message = Error::SignatureMissing.write_message(&mut buf)?;
    /// assert_eq!(message, "return URL: signature is missing");
    /// assert_eq!(
    ///     Error::SignatureMissing.write_message(&mut [0u8; 8]),
    ///     Err(Error::BufferTooSmall { needed: 32 })
    /// );
    /// # Ok::<(), Error>(())
    /// ```
    pub fn write_message<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, Error> {
        // Through the `Cursor` every output of the crate is written with:
        // one copy of its code, where a sink of its own for messages cost
        // WebAssembly 800 bytes.
        let mut out = Cursor::new(buf);
        self.emit(&mut out);
        out.finish()
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
                    Field::BaseUrl => BASE_URL_FORM,
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
            Error::UnsupportedScheme => {
                out.put_str("base URL: not https:// or http://; ");
                out.put_str(BASE_URL_FORM);
            }
            Error::InvalidHost { offset } => {
                at_byte(
                    out,
                    "base URL: ",
                    offset,
                    ": no host, or not a host name or [IPv6]",
                );
            }
            Error::UserInfo { offset } => {
                at_byte(
                    out,
                    "base URL: ",
                    offset,
                    ": user info (name@) is not allowed",
                );
            }
            Error::InvalidPort { offset } => {
                at_byte(
                    out,
                    "base URL: ",
                    offset,
                    ": the port is not a number from 1 to 65535",
                );
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

/// What a base URL may be (SPEC section 7).
const BASE_URL_FORM: &str =
    "give http(s)://host[:port][/path], without query, fragment, spaces or control characters";

/// `{before}byte {offset}{after}`.
fn at_byte(out: &mut (impl Sink + ?Sized), before: &str, offset: usize, after: &str) {
    out.put_str(before);
    out.put_str("byte ");
    put_decimal(out, offset as u64);
    out.put_str(after);
}

/// Puts `n` in decimal.
fn put_decimal(out: &mut (impl Sink + ?Sized), mut n: u64) {
    let mut digits = [0u8; 20]; // u64::MAX has 20
    let mut start = digits.len();
    // Over the array's slots rather than indexed: no bounds check to keep
    // (nor its panic, which costs WebAssembly its panic machinery).
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (n % 10) as u8;
        start -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.put(digits.get(start..).unwrap_or_default());
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl std::error::Error for Error {}
