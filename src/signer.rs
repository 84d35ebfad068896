use core::fmt;

use hmac::digest::KeyInit;
use hmac::Mac;

use crate::encode::is_unreserved;
use crate::params::{
    for_each_param_sorted, is_reserved, is_unsigned, Param, ACCESS_KEY, SIGNATURE,
};
use crate::sink::{Count, Cursor, FmtSink, Signing, Sink};
use crate::{
    ascii, Error, Field, HmacSha256, Timestamp, AUTHORIZATION_CAPACITY, DEFAULT_BASE_URL,
    MAX_ACCESS_KEY_LEN, MAX_ACCOUNT_LEN, MAX_BASE_URL_LEN,
};

const SCHEME: &str = "TM-HMAC-SHA256 key=";
const TS: &str = " ts=";
const SIGN: &str = " sign=";

/// The exact length of an Authorization header value for an access key of
/// `access_key_len` bytes.
///
/// ```
/// use ticketmatic_sign::{authorization_len, AUTHORIZATION_CAPACITY, MAX_ACCESS_KEY_LEN};
///
/// // "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=" and 64 hex digits
/// assert_eq!(authorization_len(3), 115);
/// assert_eq!(authorization_len(MAX_ACCESS_KEY_LEN), AUTHORIZATION_CAPACITY);
/// ```
pub const fn authorization_len(access_key_len: usize) -> usize {
    SCHEME.len() + access_key_len + TS.len() + Timestamp::LEN + SIGN.len() + Signature::LEN
}

/// An HMAC-SHA256 signature as Ticketmatic sends it: 64 lower-case hex digits.
///
/// Equality compares in constant time, so `==` against a received signature
/// does not leak how many leading digits matched.
///
/// ```
/// # use ticketmatic_sign::{Signer, Signature};
/// let signer = Signer::new("azertyuiop", b"qsdfghjklm", "myaccountname")?;
/// let sig: Signature = signer.widget_signature(&[("event", "123")])?;
/// assert_eq!(sig.as_str().len(), Signature::LEN);
/// assert!(sig.as_str().bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
/// # Ok::<(), ticketmatic_sign::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct Signature([u8; 64]);

impl Signature {
    /// The length of the hex text.
    pub const LEN: usize = 64;

    pub(crate) fn from_mac(mac: HmacSha256) -> Self {
        let tag = mac.finalize().into_bytes();
        let mut hex = [0u8; 64];
        crate::hex::encode_mac(&tag.into(), &mut hex);
        Signature(hex)
    }

    /// The 64 lower-case hex digits.
    pub fn as_str(&self) -> &str {
        ascii(&self.0)
    }

    /// The 64 lower-case hex digits as bytes.
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

impl Signature {
    /// Whether `hex` is this signature's text, in constant time: the time
    /// taken depends on `hex`'s length (public), never on where it differs.
    pub(crate) fn matches(&self, hex: &[u8]) -> bool {
        hex.len() == Self::LEN
            && self
                .0
                .iter()
                .zip(hex)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    /// [`matches`](Self::matches) for text that arrives byte by byte (a
    /// return URL's signature as it decodes), with no buffer for it.
    pub(crate) fn matches_bytes(&self, mut hex: impl Iterator<Item = u8>) -> bool {
        let mut differ = 0u8;
        for &digit in &self.0 {
            // Only the length (public) decides which arm runs.
            match hex.next() {
                Some(given) => differ |= digit ^ given,
                None => differ = 1,
            }
        }
        differ == 0 && hex.next().is_none()
    }
}

impl PartialEq for Signature {
    fn eq(&self, other: &Self) -> bool {
        self.matches(&other.0)
    }
}

impl Eq for Signature {}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.as_str())
    }
}

/// Signs Ticketmatic API requests and widget URLs, and verifies return URLs,
/// for one key pair and account.
///
/// Build it once: it keeps the HMAC key schedule of the secret (not the
/// secret itself), so every signature costs only the hashing of its own
/// message. Construction checks the inputs:
///
/// - the access key must be 1 to [`MAX_ACCESS_KEY_LEN`] bytes of visible ASCII
///   without spaces (a CR, LF or space would break the header's grammar);
/// - the secret key must not be empty;
/// - the account name may contain only RFC 3986 unreserved characters
///   (`A-Z a-z 0-9 - . _ ~`) and may not be `.` or `..`, as it becomes a URL
///   path segment, and is at most [`MAX_ACCOUNT_LEN`] bytes long. It may be empty for API calls that take no account (path
///   segment `_`), which sign an empty name; widget operations then fail with
///   `Error::Empty(Field::Account)`.
///
/// The signer owns copies of the access key, account and base URL in
/// fixed-capacity storage (no allocation): build it from runtime
/// configuration and keep it in a server's shared state. It is `'static`,
/// `Send`, `Sync`, and cheap to clone (a copy of a few hundred bytes).
///
/// API keys and widget keys are different key pairs: use one `Signer` each.
///
/// ```
/// use ticketmatic_sign::{Error, Field, Signer};
///
/// let signer = Signer::new("azertyuiop", b"qsdfghjklm", "myaccountname")?;
/// assert_eq!(signer.access_key(), "azertyuiop");
///
/// assert_eq!(
///     Signer::new("abc\r\nX-Evil: 1", b"s", "club").unwrap_err(),
///     Error::InvalidByte { field: Field::AccessKey, index: 3, byte: b'\r' }
/// );
/// assert_eq!(Signer::new("key", b"", "club").unwrap_err(), Error::Empty(Field::SecretKey));
/// assert_eq!(Signer::new("key", b"s", "..").unwrap_err(), Error::DotSegment(Field::Account));
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    // Owned, in fixed capacity: a signer built from runtime configuration
    // can live in a server's shared state (`'static`, `Send`, `Sync`), and
    // cloning it is a copy of a few hundred bytes, never an allocation. The
    // three texts share one array (at `KEY`, `ACCOUNT` and `BASE_URL`), an
    // empty base URL meaning the default: one copy routine, not one per
    // capacity, which WebAssembly and flash pay for.
    texts: [u8; TEXTS],
    lens: [u8; 3],
    /// The keyed HMAC after absorbing the prefix every message starts with.
    prefixed: HmacSha256,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key schedule is derived from the secret: never print it.
        f.debug_struct("Signer")
            .field("access_key", &self.access_key())
            .field("account", &self.account())
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

/// Where each text starts in `Signer::texts`, and how long it may be.
const KEY: (usize, usize) = (0, MAX_ACCESS_KEY_LEN);
const ACCOUNT: (usize, usize) = (MAX_ACCESS_KEY_LEN, MAX_ACCOUNT_LEN);
const BASE_URL: (usize, usize) = (MAX_ACCESS_KEY_LEN + MAX_ACCOUNT_LEN, MAX_BASE_URL_LEN);
const TEXTS: usize = MAX_ACCESS_KEY_LEN + MAX_ACCOUNT_LEN + MAX_BASE_URL_LEN;

impl Signer {
    /// A signer for this key pair and account; see the type's documentation for
    /// what is checked. The texts are copied: the signer borrows nothing.
    pub fn new(access_key: &str, secret_key: &[u8], account: &str) -> Result<Self, Error> {
        let prefixed = keyed_prefix(access_key, secret_key, account)?;
        let mut signer = Signer {
            texts: [0; TEXTS],
            lens: [0; 3],
            prefixed,
        };
        // The lengths were checked above: these cannot fail.
        signer.store(0, KEY, access_key, Field::AccessKey)?;
        signer.store(1, ACCOUNT, account, Field::Account)?;
        Ok(signer)
    }

    /// Copies `text` into its place, or says how far over its room it is.
    fn store(
        &mut self,
        which: usize,
        (start, room): (usize, usize),
        text: &str,
        field: Field,
    ) -> Result<(), Error> {
        let too_long = Error::TooLong {
            field,
            len: text.len(),
            max: room,
        };
        if text.len() > room {
            return Err(too_long);
        }
        let place = self
            .texts
            .get_mut(start..start + text.len())
            .ok_or(too_long)?;
        place.copy_from_slice(text.as_bytes());
        if let Some(len) = self.lens.get_mut(which) {
            *len = text.len() as u8;
        }
        Ok(())
    }

    /// A stored text (ASCII: checked when stored) as `&str`, checked again
    /// (no `unsafe` here): for the public accessors and the encoder.
    fn text(&self, which: usize, place: (usize, usize)) -> &str {
        ascii(self.bytes_of(which, place))
    }

    /// A stored text's bytes, for the signing paths: no UTF-8 check per
    /// operation.
    fn bytes_of(&self, which: usize, (start, _): (usize, usize)) -> &[u8] {
        let len = self.lens.get(which).copied().unwrap_or(0) as usize;
        self.texts.get(start..start + len).unwrap_or_default()
    }

    pub(crate) fn access_key_bytes(&self) -> &[u8] {
        self.bytes_of(0, KEY)
    }

    fn account_bytes(&self) -> &[u8] {
        self.bytes_of(1, ACCOUNT)
    }

    fn base_url_bytes(&self) -> &[u8] {
        match self.bytes_of(2, BASE_URL) {
            b"" => DEFAULT_BASE_URL.as_bytes(),
            url => url,
        }
    }

    /// The same signer with widget URLs under `base_url` instead of
    /// [`DEFAULT_BASE_URL`] (for tests and proxies). A trailing `/` is dropped.
    /// The base URL must be `https://` or `http://`, a host (a name or a
    /// bracketed IPv6 address), an optional port and path, and nothing else:
    /// no user info, query, fragment, spaces or control characters (SPEC
    /// section 7). What is refused is never rewritten instead.
    ///
    /// ```
    /// # use ticketmatic_sign::Signer;
    /// let signer = Signer::new("key", b"secret", "acct")?.with_base_url("http://127.0.0.1:8080/")?;
    /// let mut buf = [0u8; 256];
    /// let url = signer.widget_url("addtickets", &[("event", "1")], &mut buf)?;
    /// assert!(url.starts_with("http://127.0.0.1:8080/widgets/acct/addtickets?event=1&"));
    /// # Ok::<(), ticketmatic_sign::Error>(())
    /// ```
    pub fn with_base_url(mut self, base_url: &str) -> Result<Self, Error> {
        let base_url = crate::base_url::check(base_url)?;
        self.store(2, BASE_URL, base_url, Field::BaseUrl)?;
        Ok(self)
    }

    /// The access key.
    pub fn access_key(&self) -> &str {
        self.text(0, KEY)
    }

    /// The account name (possibly empty).
    pub fn account(&self) -> &str {
        self.text(1, ACCOUNT)
    }

    /// The base URL of widget URLs.
    pub fn base_url(&self) -> &str {
        match self.text(2, BASE_URL) {
            "" => DEFAULT_BASE_URL,
            url => url,
        }
    }

    // ----- Signed messages --------------------------------------------------

    /// The HMAC keyed and fed the prefix, ready for a message. The clone
    /// copies the state field by field; one out-of-line copy of it on 32-bit
    /// ARM instead of one per operation saved 788 bytes of Cortex-M4 flash.
    #[cfg_attr(target_arch = "arm", inline(never))]
    fn keyed(&self) -> HmacSha256 {
        self.prefixed.clone()
    }

    /// The HMAC of the message made of the prefix and `message`.
    pub(crate) fn mac_of(&self, message: &impl Message) -> Result<HmacSha256, Error> {
        let mut out = Signing {
            mac: self.keyed(),
            copy: None,
        };
        message.emit(self, &mut out)?;
        Ok(out.mac)
    }

    /// Writes the message made of the prefix and `message` into `buf`: the
    /// very bytes [`mac_of`](Self::mac_of) hashes, from the same code (the
    /// same instance of it: one copy of each message's code, which is what
    /// WebAssembly and flash pay for).
    pub(crate) fn payload_of<'b>(
        &self,
        message: &impl Message,
        buf: &'b mut [u8],
    ) -> Result<&'b str, Error> {
        let mut out = self.explaining(buf);
        message.emit(self, &mut out)?;
        out.copy.map_or(Err(Error::Write), Cursor::finish)
    }

    /// The sink of [`payload_of`](Self::payload_of), the prefix written:
    /// the part that does not depend on the message, once in flash.
    #[cfg_attr(target_arch = "arm", inline(never))]
    fn explaining<'b>(&self, buf: &'b mut [u8]) -> Signing<'b> {
        let mut copy = Cursor::new(buf);
        copy.put(self.access_key_bytes());
        copy.put(self.account_bytes());
        Signing {
            mac: self.keyed(),
            copy: Some(copy),
        }
    }

    // ----- API requests -----------------------------------------------------

    /// The signature of an API request made at `ts`.
    pub(crate) fn authorization_signature(&self, ts: Timestamp) -> Signature {
        request_signature(self.keyed(), ts)
    }

    fn emit_authorization(&self, ts: Timestamp, out: &mut impl Sink) {
        out.put_str(SCHEME);
        out.put(self.access_key_bytes());
        out.put_str(TS);
        out.put(ts.as_bytes());
        out.put_str(SIGN);
        out.put(self.authorization_signature(ts).as_bytes());
    }

    /// Writes the `Authorization` header value for a request made at `ts` into
    /// `buf` and returns it. `buf` needs [`authorization_len`] of the access
    /// key's length (at most [`AUTHORIZATION_CAPACITY`]) bytes; if it is
    /// shorter, nothing is written and the error says how many are needed.
    ///
    /// Compute `ts` once per request: it is both sent and signed.
    ///
    /// ```
    /// use ticketmatic_sign::{Signer, Timestamp};
    ///
    /// let signer = Signer::new("xyz", b"xyz", "ticketmatic")?;
    /// let ts: Timestamp = "2017-07-29T16:40:46".parse()?;
    /// let mut buf = [0u8; 128];
    /// assert_eq!(
    ///     signer.authorization(ts, &mut buf)?,
    ///     "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 \
    ///      sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590"
    /// );
    /// # Ok::<(), ticketmatic_sign::Error>(())
    /// ```
    pub fn authorization<'b>(&self, ts: Timestamp, buf: &'b mut [u8]) -> Result<&'b str, Error> {
        let key = self.access_key_bytes();
        // `new` refuses longer keys; said again here so that the compiler
        // sees the lengths below cannot overflow, and links no panic for
        // the splits.
        if key.len() > MAX_ACCESS_KEY_LEN {
            return Err(Error::AccessKeyTooLong { len: key.len() });
        }
        let needed = authorization_len(key.len());
        let out = buf
            .get_mut(..needed)
            .ok_or(Error::BufferTooSmall { needed })?;
        // The header's layout, written piece by piece at known places: all
        // but the key have constant lengths, so their copies are inlined
        // instead of calls (on a Cortex-M4 that halved what the crate adds to
        // the HMAC). `authorization_string` writes the same through
        // `emit_authorization`, and the tests hold the two equal.
        let (scheme, rest) = out.split_at_mut(SCHEME.len());
        scheme.copy_from_slice(SCHEME.as_bytes());
        let (k, rest) = rest.split_at_mut(key.len());
        k.copy_from_slice(key);
        let (ts_label, rest) = rest.split_at_mut(TS.len());
        ts_label.copy_from_slice(TS.as_bytes());
        let (time, rest) = rest.split_at_mut(Timestamp::LEN);
        time.copy_from_slice(ts.as_bytes());
        let (sign, rest) = rest.split_at_mut(SIGN.len());
        sign.copy_from_slice(SIGN.as_bytes());
        // The MAC's hex straight into its place (no Signature to copy).
        let mut mac = self.keyed();
        emit_request_message(ts, &mut mac);
        let hex = <&mut [u8; Signature::LEN]>::try_from(rest).map_err(|_| Error::Write)?;
        crate::hex::encode_mac(&mac.finalize().into_bytes().into(), hex);
        core::str::from_utf8(out).map_err(|_| Error::Write)
    }

    /// The `Authorization` header value for a request made at `ts`, in a
    /// fixed-capacity string that fits every valid access key.
    ///
    /// ```
    /// # use ticketmatic_sign::{Signer, Timestamp};
    /// let signer = Signer::new("xyz", b"xyz", "ticketmatic")?;
    /// let header = signer.authorization_string(Timestamp::from_unix(1_501_346_446)?);
    /// assert!(header.starts_with("TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=1924"));
    /// # Ok::<(), ticketmatic_sign::Error>(())
    /// ```
    pub fn authorization_string(&self, ts: Timestamp) -> heapless::String<AUTHORIZATION_CAPACITY> {
        let mut header = heapless::String::new();
        let mut out = FmtSink {
            out: &mut header,
            failed: false,
        };
        // Cannot fail: `new` bounds the access key, so the capacity suffices.
        self.emit_authorization(ts, &mut out);
        header
    }

    /// Writes the exact message that [`authorization`](Self::authorization)
    /// signs for `ts` into `buf`: access key, account name and timestamp
    /// concatenated. This is what to compare when another implementation's
    /// header is refused.
    ///
    /// ```
    /// # use ticketmatic_sign::{Signer, Timestamp};
    /// let signer = Signer::new("xyz", b"xyz", "ticketmatic")?;
    /// let mut buf = [0u8; 64];
    /// let payload = signer.authorization_payload("2017-07-29T16:40:46".parse()?, &mut buf)?;
    /// assert_eq!(payload, "xyzticketmatic2017-07-29T16:40:46");
    /// # Ok::<(), ticketmatic_sign::Error>(())
    /// ```
    pub fn authorization_payload<'b>(
        &self,
        ts: Timestamp,
        buf: &'b mut [u8],
    ) -> Result<&'b str, Error> {
        self.payload_of(&ts, buf)
    }

    // ----- Widgets ----------------------------------------------------------

    /// Widget operations put the account into the URL's path.
    pub(crate) fn widget_account(&self) -> Result<(), Error> {
        if self.account_bytes().is_empty() {
            return Err(Error::Empty(Field::Account));
        }
        Ok(())
    }

    /// The signature of a widget URL with these parameters, given in any order
    /// (as a slice, an array or a cloneable iterator of name/value pairs).
    ///
    /// Values are signed raw, before URL encoding. `l` and `ordercode` are
    /// not signed. A name given twice, an empty name, and the names
    /// `accesskey` and `signature` are refused.
    ///
    /// The example of Ticketmatic's documentation:
    ///
    /// ```
    /// use ticketmatic_sign::Signer;
    ///
    /// let signer = Signer::new("azertyuiop", b"qsdfghjklm", "myaccountname")?;
    /// let params = [
    ///     ("event", "123"),
    ///     ("l", "fr"),
    ///     ("returnurl", "http://www.ticketmatic.com"),
    ///     ("skinid", "25"),
    /// ];
    /// assert_eq!(
    ///     signer.widget_signature(&params)?.as_str(),
    ///     "0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8"
    /// );
    /// # Ok::<(), ticketmatic_sign::Error>(())
    /// ```
    pub fn widget_signature<I>(&self, params: I) -> Result<Signature, Error>
    where
        I: IntoIterator,
        I::IntoIter: Clone,
        I::Item: Param,
    {
        self.mac_of(&WidgetParams(params.into_iter()))
            .map(Signature::from_mac)
    }

    /// Writes the exact message that [`widget_signature`](Self::widget_signature)
    /// signs into `buf`. This is what to compare when another implementation's
    /// widget signature differs.
    ///
    /// ```
    /// # use ticketmatic_sign::Signer;
    /// let signer = Signer::new("azertyuiop", b"qsdfghjklm", "myaccountname")?;
    /// let params = [("skinid", "25"), ("l", "fr"), ("event", "123")];
    /// let mut buf = [0u8; 128];
    /// assert_eq!(
    ///     signer.widget_payload(&params, &mut buf)?,
    ///     "azertyuiopmyaccountnameevent123skinid25"
    /// );
    /// # Ok::<(), ticketmatic_sign::Error>(())
    /// ```
    pub fn widget_payload<'b, I>(&self, params: I, buf: &'b mut [u8]) -> Result<&'b str, Error>
    where
        I: IntoIterator,
        I::IntoIter: Clone,
        I::Item: Param,
    {
        self.payload_of(&WidgetParams(params.into_iter()), buf)
    }

    fn emit_widget_url<I>(
        &self,
        widget: &str,
        params: I,
        signature: &Signature,
        out: &mut impl Sink,
    ) where
        I: Iterator,
        I::Item: Param,
    {
        out.put(self.base_url_bytes());
        out.put_str("/widgets/");
        out.put(self.account_bytes());
        out.put_str("/");
        out.put_str(widget);
        out.put_str("?");
        for param in params {
            out.put_encoded_then(param.name(), b'=');
            out.put_encoded_then(param.value(), b'&');
        }
        out.put_str(ACCESS_KEY);
        out.put_str("=");
        out.put_encoded_then(self.access_key(), b'&');
        out.put_str(SIGNATURE);
        out.put_str("=");
        out.put(signature.as_bytes());
    }

    /// The exact length of the URL that [`widget_url`](Self::widget_url) writes
    /// for these arguments, to size a buffer. The inputs are not checked: if
    /// `widget_url` would refuse them, the number is meaningless.
    ///
    /// ```
    /// # use ticketmatic_sign::Signer;
    /// let signer = Signer::new("azertyuiop", b"qsdfghjklm", "myaccountname")?;
    /// let params = [("event", "123"), ("returnurl", "http://www.ticketmatic.com")];
    /// let mut buf = [0u8; 512];
    /// let url = signer.widget_url("addtickets", &params, &mut buf)?;
    /// assert_eq!(signer.widget_url_len("addtickets", &params), url.len());
    /// # Ok::<(), ticketmatic_sign::Error>(())
    /// ```
    pub fn widget_url_len<I>(&self, widget: &str, params: I) -> usize
    where
        I: IntoIterator,
        I::Item: Param,
    {
        let mut count = Count::default();
        self.emit_widget_url(widget, params.into_iter(), &Signature([0; 64]), &mut count);
        count.0
    }

    /// Signs and checks everything a widget URL needs; returns the signature.
    fn sign_widget_url<I>(&self, widget: &str, params: I) -> Result<Signature, Error>
    where
        I: IntoIterator,
        I::IntoIter: Clone,
        I::Item: Param,
    {
        self.widget_account()?;
        check_segment(widget, Field::Widget)?;
        self.widget_signature(params)
    }

    /// Writes the signed URL of widget `widget` into `buf` and returns it:
    /// `{base}/widgets/{account}/{widget}?{params}&accesskey=...&signature=...`,
    /// with the parameters in the caller's order (`l` and `ordercode`
    /// included) and every name and value percent-encoded per RFC 3986 (see
    /// [`encode`](crate::encode)). If `buf` is too short, the error says how
    /// many bytes are needed (also given in advance by
    /// [`widget_url_len`](Self::widget_url_len)), and what `buf` holds is
    /// unspecified. (Writing first and counting only on overflow spares a
    /// second pass over the parameters.)
    ///
    /// The widget name must consist of RFC 3986 unreserved characters and may
    /// not be `.` or `..`.
    ///
    /// ```
    /// use ticketmatic_sign::Signer;
    ///
    /// let signer = Signer::new("azertyuiop", b"qsdfghjklm", "myaccountname")?;
    /// let params = [
    ///     ("event", "123"),
    ///     ("l", "fr"),
    ///     ("returnurl", "http://www.ticketmatic.com"),
    ///     ("skinid", "25"),
    /// ];
    /// let mut buf = [0u8; 512];
    /// assert_eq!(
    ///     signer.widget_url("addtickets", &params, &mut buf)?,
    ///     "https://apps.ticketmatic.com/widgets/myaccountname/addtickets\
    ///      ?event=123&l=fr&returnurl=http%3A%2F%2Fwww.ticketmatic.com&skinid=25\
    ///      &accesskey=azertyuiop\
    ///      &signature=0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8"
    /// );
    /// # Ok::<(), ticketmatic_sign::Error>(())
    /// ```
    pub fn widget_url<'b, I>(
        &self,
        widget: &str,
        params: I,
        buf: &'b mut [u8],
    ) -> Result<&'b str, Error>
    where
        I: IntoIterator,
        I::IntoIter: Clone,
        I::Item: Param,
    {
        let params = params.into_iter();
        let signature = self.sign_widget_url(widget, params.clone())?;
        let mut out = Cursor::new(buf);
        self.emit_widget_url(widget, params, &signature, &mut out);
        out.finish()
    }

    /// Like [`widget_url`](Self::widget_url), but writes to any
    /// [`fmt::Write`], for example a `String` or a `heapless::String`. Nothing
    /// is written when the inputs are refused; if the writer itself fails
    /// ([`Error::Write`]), part of the URL may have been written to it.
    ///
    /// ```
    /// # use ticketmatic_sign::Signer;
    /// let signer = Signer::new("azertyuiop", b"qsdfghjklm", "myaccountname")?;
    /// let mut url = heapless::String::<256>::new();
    /// signer.write_widget_url("addtickets", &[("event", "123")], &mut url)?;
    /// assert!(url.starts_with("https://apps.ticketmatic.com/widgets/myaccountname/addtickets?event=123&"));
    /// # Ok::<(), ticketmatic_sign::Error>(())
    /// ```
    pub fn write_widget_url<I, W>(&self, widget: &str, params: I, out: &mut W) -> Result<(), Error>
    where
        I: IntoIterator,
        I::IntoIter: Clone,
        I::Item: Param,
        W: fmt::Write + ?Sized,
    {
        let params = params.into_iter();
        let signature = self.sign_widget_url(widget, params.clone())?;
        let mut out = FmtSink { out, failed: false };
        self.emit_widget_url(widget, params, &signature, &mut out);
        out.finish()
    }
}

/// What follows the prefix in a signed message. Each message is emitted by
/// one implementation, for the HMAC and for "explain" alike.
pub(crate) trait Message {
    fn emit(&self, signer: &Signer, out: &mut impl Sink) -> Result<(), Error>;
}

/// Every signed message starts with the access key and the account name.
fn emit_prefix(access_key: &str, account: &str, out: &mut impl Sink) {
    out.put_str(access_key);
    out.put_str(account);
}

/// An API request signs the timestamp after the prefix.
fn emit_request_message(ts: Timestamp, out: &mut impl Sink) {
    out.put(ts.as_bytes());
}

impl Message for Timestamp {
    fn emit(&self, _: &Signer, out: &mut impl Sink) -> Result<(), Error> {
        emit_request_message(*self, out);
        Ok(())
    }
}

/// A widget URL signs, after the prefix, `name ++ value` of every parameter
/// but `l` and `ordercode`, in byte-wise order of the names. Empty, repeated
/// and reserved names are refused.
struct WidgetParams<I>(I);

impl<I> Message for WidgetParams<I>
where
    I: Iterator + Clone,
    I::Item: Param,
{
    fn emit(&self, signer: &Signer, out: &mut impl Sink) -> Result<(), Error> {
        signer.widget_account()?;
        for_each_param_sorted(self.0.clone(), |entry| {
            let name = entry.param.name();
            if name.is_empty() {
                return Err(Error::Empty(Field::Param(entry.index)));
            }
            if is_reserved(name) {
                return Err(Error::ReservedName(Field::Param(entry.index)));
            }
            if !is_unsigned(name) {
                out.put_str(name);
                out.put_str(entry.param.value());
            }
            Ok(())
        })
    }
}

/// Checks an access key: 1 to [`MAX_ACCESS_KEY_LEN`] bytes of visible ASCII.
fn check_access_key(key: &str) -> Result<(), Error> {
    if key.is_empty() {
        return Err(Error::Empty(Field::AccessKey));
    }
    if key.len() > MAX_ACCESS_KEY_LEN {
        return Err(Error::AccessKeyTooLong { len: key.len() });
    }
    first_bad_byte(key, Field::AccessKey, |b| b.is_ascii_graphic())
}

/// The checks of [`Signer::new`], and the HMAC keyed with `secret_key` and
/// fed the prefix every message starts with. Header verification needs this
/// alone: no texts stored, no base URL.
pub(crate) fn keyed_prefix(
    access_key: &str,
    secret_key: &[u8],
    account: &str,
) -> Result<HmacSha256, Error> {
    check_access_key(access_key)?;
    if secret_key.is_empty() {
        return Err(Error::Empty(Field::SecretKey));
    }
    if !account.is_empty() {
        check_segment(account, Field::Account)?;
    }
    if account.len() > MAX_ACCOUNT_LEN {
        return Err(Error::TooLong {
            field: Field::Account,
            len: account.len(),
            max: MAX_ACCOUNT_LEN,
        });
    }
    // HMAC accepts keys of any length, so this cannot fail.
    let mut prefixed = <HmacSha256 as KeyInit>::new_from_slice(secret_key)
        .map_err(|_| Error::Empty(Field::SecretKey))?;
    emit_prefix(access_key, account, &mut prefixed);
    Ok(prefixed)
}

/// The signature of an API request at `ts`, from the keyed prefix.
pub(crate) fn request_signature(mut prefixed: HmacSha256, ts: Timestamp) -> Signature {
    emit_request_message(ts, &mut prefixed);
    Signature::from_mac(prefixed)
}

/// Checks a URL path segment: RFC 3986 unreserved characters, not `.` or `..`.
fn check_segment(segment: &str, field: Field) -> Result<(), Error> {
    if segment.is_empty() {
        return Err(Error::Empty(field));
    }
    first_bad_byte(segment, field, is_unreserved)?;
    if segment == "." || segment == ".." {
        return Err(Error::DotSegment(field));
    }
    Ok(())
}

fn first_bad_byte(text: &str, field: Field, allowed: impl Fn(u8) -> bool) -> Result<(), Error> {
    match text.bytes().enumerate().find(|&(_, b)| !allowed(b)) {
        Some((index, byte)) => Err(Error::InvalidByte { field, index, byte }),
        None => Ok(()),
    }
}
