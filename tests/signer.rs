//! The public API, capability by capability. Expected values come from the
//! SPEC's worked example, the shared vectors, or are written out by hand.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use ticketmatic_sign::{
    authorization_len, encode, Error, Field, Reason, Signature, Signer, Timestamp,
    AUTHORIZATION_CAPACITY, MAX_ACCESS_KEY_LEN,
};

const DOC_KEY: &str = "azertyuiop";
const DOC_SECRET: &[u8] = b"qsdfghjklm";
const DOC_ACCOUNT: &str = "myaccountname";
const DOC_PARAMS: [(&str, &str); 4] = [
    ("event", "123"),
    ("l", "fr"),
    ("returnurl", "http://www.ticketmatic.com"),
    ("skinid", "25"),
];
const DOC_SIGNATURE: &str = "0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8";
const DOC_URL: &str = "https://apps.ticketmatic.com/widgets/myaccountname/addtickets?event=123&l=fr&returnurl=http%3A%2F%2Fwww.ticketmatic.com&skinid=25&accesskey=azertyuiop&signature=0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8";

fn doc_signer() -> Signer {
    Signer::new(DOC_KEY, DOC_SECRET, DOC_ACCOUNT).unwrap()
}

/// Plain HMAC-SHA256 in hex, straight from the `hmac` crate.
fn reference_hmac(secret: &[u8], message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    mac.update(message.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ----- Construction ----------------------------------------------------------

#[test]
fn access_key_is_checked() {
    let ok = |key: &str| Signer::new(key, b"s", "club").map(|_| ());
    assert_eq!(ok(""), Err(Error::Empty(Field::AccessKey)));
    assert_eq!(ok(&"k".repeat(MAX_ACCESS_KEY_LEN)), Ok(()));
    assert_eq!(
        ok(&"k".repeat(MAX_ACCESS_KEY_LEN + 1)),
        Err(Error::AccessKeyTooLong { len: 65 })
    );
    assert_eq!(ok("!~\"&+=%/"), Ok(()), "all visible ASCII is allowed");
    for (key, index, byte) in [
        ("ab cd", 2, b' '),
        ("abc\r\nX-Evil: 1", 3, b'\r'),
        ("abc\n", 3, b'\n'),
        ("\tabc", 0, b'\t'),
        ("abc\x7f", 3, 0x7f),
        ("abcé", 3, 0xc3),
    ] {
        assert_eq!(
            ok(key),
            Err(Error::InvalidByte {
                field: Field::AccessKey,
                index,
                byte
            }),
            "{key:?}"
        );
    }
}

#[test]
fn secret_and_account_are_checked() {
    assert_eq!(
        Signer::new("key", b"", "club").unwrap_err(),
        Error::Empty(Field::SecretKey)
    );
    for account in ["club", "my-account.name_1~", "", "a.", "..."] {
        assert!(Signer::new("key", b"s", account).is_ok(), "{account:?}");
    }
    assert_eq!(
        Signer::new("key", b"s", ".").unwrap_err(),
        Error::DotSegment(Field::Account)
    );
    assert_eq!(
        Signer::new("key", b"s", "..").unwrap_err(),
        Error::DotSegment(Field::Account)
    );
    for (account, index, byte) in [
        ("../admin", 2, b'/'),
        ("a b", 1, b' '),
        ("a%2F", 1, b'%'),
        ("café", 3, 0xc3),
        ("a?x", 1, b'?'),
    ] {
        assert_eq!(
            Signer::new("key", b"s", account).unwrap_err(),
            Error::InvalidByte {
                field: Field::Account,
                index,
                byte
            },
            "{account:?}"
        );
    }
}

#[test]
fn debug_does_not_show_the_secret() {
    let shown = format!("{:?}", Signer::new("key", b"topsecret", "club").unwrap());
    assert!(shown.contains("key") && shown.contains("club"), "{shown}");
    assert!(!shown.contains("topsecret"), "{shown}");
}

// ----- API requests ----------------------------------------------------------

/// The vector of the Clojure client's tests (shared vector `clj-client-test`).
const CLJ_HEADER: &str = "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590";

#[test]
fn header_into_buffers_of_every_size() {
    let signer = Signer::new("xyz", b"xyz", "ticketmatic").unwrap();
    let ts = Timestamp::parse("2017-07-29T16:40:46").unwrap();
    let needed = authorization_len(3);
    assert_eq!(needed, CLJ_HEADER.len());
    for size in 0..needed {
        let mut buf = vec![0xAAu8; size];
        assert_eq!(
            signer.authorization(ts, &mut buf),
            Err(Error::BufferTooSmall { needed })
        );
        assert!(
            buf.iter().all(|&b| b == 0xAA),
            "nothing written at size {size}"
        );
    }
    let mut buf = vec![0u8; needed];
    assert_eq!(signer.authorization(ts, &mut buf), Ok(CLJ_HEADER));
    let mut big = [0u8; 1000];
    assert_eq!(signer.authorization(ts, &mut big), Ok(CLJ_HEADER));
    assert_eq!(signer.authorization_string(ts).as_str(), CLJ_HEADER);
}

#[test]
fn header_capacity_covers_the_longest_key() {
    let key = "K".repeat(MAX_ACCESS_KEY_LEN);
    let signer = Signer::new(&key, b"s", "club").unwrap();
    let header = signer.authorization_string(Timestamp::MAX);
    assert_eq!(header.len(), AUTHORIZATION_CAPACITY);
    assert_eq!(AUTHORIZATION_CAPACITY, 176);
    assert!(header.starts_with(&format!(
        "TM-HMAC-SHA256 key={key} ts=9999-12-31T23:59:59 sign="
    )));
}

#[test]
fn header_payload_is_what_is_signed() {
    // SPEC section 1: accesskey ++ accountname ++ timestamp; account-less calls
    // sign an empty name.
    for account in ["ticketmatic", ""] {
        let signer = Signer::new("xyz", b"xyz", account).unwrap();
        let ts = Timestamp::from_unix(1_501_346_446).unwrap();
        let mut buf = [0u8; 64];
        let payload = signer.authorization_payload(ts, &mut buf).unwrap();
        assert_eq!(payload, format!("xyz{account}2017-07-29T16:40:46"));
        let header = signer.authorization_string(ts);
        assert_eq!(
            header.rsplit("sign=").next().unwrap(),
            reference_hmac(b"xyz", payload)
        );
        let mut small = [0u8; 10];
        assert_eq!(
            signer.authorization_payload(ts, &mut small),
            Err(Error::BufferTooSmall {
                needed: payload.len()
            })
        );
    }
}

// ----- Widget signatures -----------------------------------------------------

#[test]
fn documented_widget_example() {
    let signer = doc_signer();
    assert_eq!(
        signer.widget_signature(&DOC_PARAMS).unwrap().as_str(),
        DOC_SIGNATURE
    );
    let mut buf = [0u8; 256];
    assert_eq!(
        signer.widget_payload(&DOC_PARAMS, &mut buf),
        Ok("azertyuiopmyaccountnameevent123returnurlhttp://www.ticketmatic.comskinid25")
    );
    assert_eq!(
        signer.widget_url("addtickets", &DOC_PARAMS, &mut buf),
        Ok(DOC_URL)
    );
}

#[test]
fn signature_does_not_depend_on_parameter_order() {
    let signer = doc_signer();
    let mut params = DOC_PARAMS;
    // All 24 orders, by Heap's algorithm.
    let mut c = [0usize; 4];
    let mut i = 0;
    let mut seen = 1;
    assert_eq!(
        signer.widget_signature(&params).unwrap().as_str(),
        DOC_SIGNATURE
    );
    while i < 4 {
        if c[i] < i {
            params.swap(if i % 2 == 0 { 0 } else { c[i] }, i);
            assert_eq!(
                signer.widget_signature(&params).unwrap().as_str(),
                DOC_SIGNATURE,
                "{params:?}"
            );
            seen += 1;
            c[i] += 1;
            i = 0;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
    assert_eq!(seen, 24);
}

#[test]
fn parameters_from_slices_vecs_and_iterators() {
    let signer = doc_signer();
    let owned: Vec<(String, String)> = DOC_PARAMS
        .iter()
        .map(|&(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(
        signer.widget_signature(&owned).unwrap().as_str(),
        DOC_SIGNATURE
    );
    assert_eq!(
        signer.widget_signature(DOC_PARAMS).unwrap().as_str(),
        DOC_SIGNATURE
    );
    let pairs = "event=123 l=fr returnurl=http://www.ticketmatic.com skinid=25";
    let iter = pairs.split(' ').map(|kv| kv.split_once('=').unwrap());
    assert_eq!(
        signer.widget_signature(iter).unwrap().as_str(),
        DOC_SIGNATURE
    );
}

#[test]
fn only_exact_l_and_ordercode_are_left_out() {
    let signer = doc_signer();
    let params = [
        ("L", "x"),
        ("l", "fr"),
        ("Ordercode", "y"),
        ("ordercode", "Z"),
        ("lang", "nl"),
        ("ordercodes", "w"),
    ];
    let mut buf = [0u8; 256];
    let payload = signer.widget_payload(&params, &mut buf).unwrap();
    assert_eq!(
        payload,
        "azertyuiopmyaccountnameLxOrdercodeylangnlordercodesw"
    );
    assert_eq!(
        signer.widget_signature(&params).unwrap().as_str(),
        reference_hmac(DOC_SECRET, payload)
    );
}

#[test]
fn bad_parameter_lists_are_refused() {
    let signer = doc_signer();
    let cases: [(&[(&str, &str)], Error); 6] = [
        (
            &[("event", "1"), ("event", "2")],
            Error::DuplicateName(Field::Param(1)),
        ),
        (
            &[("l", "fr"), ("x", "1"), ("l", "nl")],
            Error::DuplicateName(Field::Param(2)),
        ),
        (&[("event", "1"), ("", "2")], Error::Empty(Field::Param(1))),
        (&[("accesskey", "k")], Error::ReservedName(Field::Param(0))),
        (
            &[("a", "1"), ("signature", "s")],
            Error::ReservedName(Field::Param(1)),
        ),
        (
            &[("a", ""), ("b", ""), ("a", "")],
            Error::DuplicateName(Field::Param(2)),
        ),
    ];
    let mut buf = [0u8; 512];
    for (params, expected) in cases {
        assert_eq!(
            signer.widget_signature(params).unwrap_err(),
            expected,
            "{params:?}"
        );
        assert_eq!(
            signer.widget_payload(params, &mut buf).unwrap_err(),
            expected
        );
        assert_eq!(
            signer.widget_url("w", params, &mut buf).unwrap_err(),
            expected
        );
        let mut s = String::new();
        assert_eq!(
            signer.write_widget_url("w", params, &mut s).unwrap_err(),
            expected
        );
        assert_eq!(s, "", "nothing written for {params:?}");
    }
    // A long list with a duplicate far apart.
    let names: Vec<String> = (0..100).map(|i| format!("p{i:03}")).collect();
    let mut params: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
    params[97].0 = "p003";
    assert_eq!(
        signer.widget_signature(&params).unwrap_err(),
        Error::DuplicateName(Field::Param(97))
    );
}

#[test]
fn widgets_need_an_account() {
    let signer = Signer::new("key", b"s", "").unwrap();
    let mut buf = [0u8; 256];
    let e = Error::Empty(Field::Account);
    assert_eq!(signer.widget_signature(&DOC_PARAMS).unwrap_err(), e);
    assert_eq!(signer.widget_payload(&DOC_PARAMS, &mut buf).unwrap_err(), e);
    assert_eq!(
        signer
            .widget_url("addtickets", &DOC_PARAMS, &mut buf)
            .unwrap_err(),
        e
    );
    assert_eq!(
        signer
            .verify_return_url("accesskey=key&signature=x")
            .unwrap_err(),
        e
    );
}

// ----- Widget URLs -----------------------------------------------------------

#[test]
fn widget_name_is_checked() {
    let signer = doc_signer();
    let mut buf = [0u8; 512];
    let cases = [
        ("", Error::Empty(Field::Widget)),
        (".", Error::DotSegment(Field::Widget)),
        ("..", Error::DotSegment(Field::Widget)),
        (
            "../admin",
            Error::InvalidByte {
                field: Field::Widget,
                index: 2,
                byte: b'/',
            },
        ),
        (
            "add tickets",
            Error::InvalidByte {
                field: Field::Widget,
                index: 3,
                byte: b' ',
            },
        ),
        (
            "x?y=1",
            Error::InvalidByte {
                field: Field::Widget,
                index: 1,
                byte: b'?',
            },
        ),
    ];
    for (widget, expected) in cases {
        assert_eq!(
            signer.widget_url(widget, &DOC_PARAMS, &mut buf),
            Err(expected),
            "{widget:?}"
        );
        assert_eq!(
            signer.write_widget_url(widget, &DOC_PARAMS, &mut String::new()),
            Err(expected)
        );
    }
}

#[test]
fn widget_url_into_buffers_of_every_size() {
    let signer = doc_signer();
    let needed = signer.widget_url_len("addtickets", &DOC_PARAMS);
    assert_eq!(needed, DOC_URL.len());
    for size in 0..needed {
        // What the buffer holds after the error is unspecified.
        let mut buf = vec![0u8; size];
        assert_eq!(
            signer.widget_url("addtickets", &DOC_PARAMS, &mut buf),
            Err(Error::BufferTooSmall { needed })
        );
    }
    let mut buf = vec![0u8; needed];
    assert_eq!(
        signer.widget_url("addtickets", &DOC_PARAMS, &mut buf),
        Ok(DOC_URL)
    );
    let mut s = String::new();
    signer
        .write_widget_url("addtickets", &DOC_PARAMS, &mut s)
        .unwrap();
    assert_eq!(s, DOC_URL);
    let mut small = heapless::String::<64>::new();
    assert_eq!(
        signer.write_widget_url("addtickets", &DOC_PARAMS, &mut small),
        Err(Error::Write)
    );
}

#[test]
fn url_encodes_names_values_and_access_key() {
    let signer = Signer::new("k&y=+", b"s", "acct").unwrap();
    let params = [("a b", "x+y"), ("ë", "/?#"), ("l", "fr")];
    let mut buf = [0u8; 512];
    let url = signer.widget_url("w", &params, &mut buf).unwrap();
    let sig = signer.widget_signature(&params).unwrap();
    assert_eq!(
        url,
        format!(
            "https://apps.ticketmatic.com/widgets/acct/w?a%20b=x%2By&%C3%AB=%2F%3F%23&l=fr&accesskey=k%26y%3D%2B&signature={sig}"
        )
    );
    // The payload holds the raw text.
    assert_eq!(
        signer.widget_payload(&params, &mut buf),
        Ok("k&y=+accta bx+yë/?#")
    );
}

#[test]
fn base_url_can_be_changed_and_is_checked() {
    let signer = doc_signer().with_base_url("http://127.0.0.1:9999").unwrap();
    let mut buf = [0u8; 512];
    let url = signer
        .widget_url("addtickets", &DOC_PARAMS, &mut buf)
        .unwrap();
    assert_eq!(
        url,
        DOC_URL.replace("https://apps.ticketmatic.com", "http://127.0.0.1:9999")
    );
    assert_eq!(signer.base_url(), "http://127.0.0.1:9999");
    assert_eq!(
        doc_signer()
            .with_base_url("http://proxy/tm/")
            .unwrap()
            .base_url(),
        "http://proxy/tm"
    );
    let bad = [
        ("", Error::Empty(Field::BaseUrl)),
        ("/", Error::UnsupportedScheme),
        ("javascript:alert(1)", Error::UnsupportedScheme),
        ("ftp://a", Error::UnsupportedScheme),
        ("http://me@a", Error::UserInfo { offset: 9 }),
        ("http://", Error::InvalidHost { offset: 7 }),
        ("http://a:0", Error::InvalidPort { offset: 9 }),
        (
            "http://a b",
            Error::InvalidByte {
                field: Field::BaseUrl,
                index: 8,
                byte: b' ',
            },
        ),
        (
            "http://a?x=1",
            Error::InvalidByte {
                field: Field::BaseUrl,
                index: 8,
                byte: b'?',
            },
        ),
        (
            "http://a#f",
            Error::InvalidByte {
                field: Field::BaseUrl,
                index: 8,
                byte: b'#',
            },
        ),
        (
            "http://a\r\n",
            Error::InvalidByte {
                field: Field::BaseUrl,
                index: 8,
                byte: b'\r',
            },
        ),
    ];
    for (base, expected) in bad {
        assert_eq!(
            doc_signer().with_base_url(base).unwrap_err(),
            expected,
            "{base:?}"
        );
    }
}

#[test]
fn encoder_matches_rfc3986_by_hand() {
    assert_eq!(
        encode("https://shop.example/a b?c=d&e=f#g").to_string(),
        "https%3A%2F%2Fshop.example%2Fa%20b%3Fc%3Dd%26e%3Df%23g"
    );
    assert_eq!(encode("AZaz09-._~").to_string(), "AZaz09-._~");
    assert_eq!(
        encode("!*'();:@&=+$,/?#[]").to_string(),
        "%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B%5D"
    );
    assert_eq!(encode("🎭").to_string(), "%F0%9F%8E%AD");
}

// ----- Return URLs -----------------------------------------------------------

#[test]
fn a_widget_urls_own_query_verifies() {
    let signer = doc_signer();
    let mut buf = [0u8; 512];
    let url = signer
        .widget_url("addtickets", &DOC_PARAMS, &mut buf)
        .unwrap();
    let query = url.split_once('?').unwrap().1;
    assert_eq!(signer.verify_return_url(query).map(drop), Ok(()));
    let mut payload = [0u8; 256];
    assert_eq!(
        signer.return_url_payload(query, &mut payload),
        Ok("azertyuiopmyaccountnameevent123returnurlhttp://www.ticketmatic.comskinid25")
    );
}

#[test]
fn return_url_refusals() {
    let signer = doc_signer();
    let sig = DOC_SIGNATURE;
    let base = "event=123&l=fr&returnurl=http%3A%2F%2Fwww.ticketmatic.com&skinid=25";
    let check = |query: String| signer.verify_return_url(&query).map(drop);
    assert_eq!(
        check(format!("{base}&accesskey=azertyuiop&signature={sig}")),
        Ok(())
    );
    // `+` and `%20` both decode to a space; `%61` to `a`.
    assert_eq!(
        check(format!("{base}&accesskey=%61zertyuiop&signature={sig}")),
        Ok(())
    );
    assert_eq!(
        check(format!("{base}&signature={sig}")),
        Err(Error::BadAccessKey)
    );
    assert_eq!(
        check(format!("{base}&accesskey=&signature={sig}")),
        Err(Error::BadAccessKey)
    );
    assert_eq!(
        check(format!("{base}&accesskey=AZERTYUIOP&signature={sig}")),
        Err(Error::BadAccessKey)
    );
    assert_eq!(
        check(format!("{base}&accesskey=azertyuiop")),
        Err(Error::SignatureMissing)
    );
    assert_eq!(
        check(format!("{base}&accesskey=azertyuiop&signature=")),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(
        check(format!(
            "{base}&accesskey=azertyuiop&signature={}",
            &sig[..63]
        )),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(
        check(format!("{base}&accesskey=azertyuiop&signature={sig}0")),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(
        check(format!(
            "{base}&accesskey=azertyuiop&signature={}",
            sig.to_uppercase()
        )),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(
        check(format!(
            "{base}&skinid2=1&accesskey=azertyuiop&signature={sig}"
        )),
        Err(Error::SignatureMismatch)
    );
    // Signature bytes given as escapes decode like any value.
    let escaped: String = sig.bytes().map(|b| format!("%{b:02X}")).collect();
    assert_eq!(
        check(format!("{base}&accesskey=azertyuiop&signature={escaped}")),
        Ok(())
    );
    assert_eq!(check(String::new()), Err(Error::BadAccessKey));
}

#[test]
fn signature_equality() {
    let signer = doc_signer();
    let a = signer.widget_signature(&DOC_PARAMS).unwrap();
    let b = signer.widget_signature([("event", "123")]).unwrap();
    assert_eq!(a, a);
    assert_ne!(a, b);
    assert_eq!(a.to_string(), DOC_SIGNATURE);
    assert_eq!(format!("{a:?}"), format!("Signature({DOC_SIGNATURE})"));
    assert_eq!(Signature::LEN, 64);
}

// ----- Errors ----------------------------------------------------------------

#[test]
fn error_messages_name_the_field_and_reason() {
    let cases = [
        (Error::Empty(Field::SecretKey), "secret key: empty"),
        (Error::AccessKeyTooLong { len: 65 }, "access key: 65 bytes long, at most 64 are allowed"),
        (
            Error::InvalidByte { field: Field::AccessKey, index: 3, byte: b'\r' },
            "access key: byte 3 (0x0d) is not allowed: use visible ASCII without spaces",
        ),
        (
            Error::InvalidByte { field: Field::Account, index: 2, byte: b'/' },
            "account name: byte 2 (0x2f) is not allowed: only the unreserved characters A-Z a-z 0-9 - . _ ~ are allowed",
        ),
        (Error::DotSegment(Field::Widget), "widget name: '.' and '..' are not allowed"),
        (Error::DuplicateName(Field::Param(1)), "widget parameter 1 (0-based): its name appears more than once"),
        (Error::DuplicateName(Field::Query(17)), "query parameter at byte 17: its name appears more than once"),
        (Error::Empty(Field::Account), "account name: empty, but a widget URL needs it as a path segment"),
        (Error::BufferTooSmall { needed: 115 }, "output buffer too small: 115 bytes needed"),
        (Error::BadEscape { offset: 4 }, "query: '%' at byte 4 is not followed by two hex digits"),
        (Error::TimeOutOfRange, "timestamp: outside 1970-01-01T00:00:00 to 9999-12-31T23:59:59"),
        (Error::SignatureMismatch, "signature does not match what it signs"),
    ];
    for (error, text) in cases {
        assert_eq!(error.to_string(), text);
    }
}

#[test]
fn error_message_capacity_holds_every_message_at_its_longest() {
    const BIG: usize = usize::MAX;
    let fields = [
        Field::SecretKey,
        Field::AccessKey,
        Field::Account,
        Field::Widget,
        Field::BaseUrl,
        Field::Param(BIG),
        Field::Query(BIG),
        Field::Timestamp,
        Field::ReturnUrl,
        Field::Authorization,
        Field::Signature,
        Field::Output,
    ];
    let mut errors = vec![
        Error::AccessKeyTooLong { len: BIG },
        Error::TimestampSyntax,
        Error::InvalidDate,
        Error::TimeOutOfRange,
        Error::BadEscape { offset: BIG },
        Error::BufferTooSmall { needed: BIG },
        Error::Write,
        Error::BadAccessKey,
        Error::SignatureMissing,
        Error::SignatureMismatch,
        Error::MalformedAuthorization { offset: BIG },
        Error::UnknownAccessKey,
        Error::TimestampOutsideWindow {
            skew_secs: i64::MIN,
            window_secs: u32::MAX,
        },
        Error::TimestampOutsideWindow {
            skew_secs: i64::MAX,
            window_secs: u32::MAX,
        },
        Error::UnsupportedScheme,
        Error::InvalidHost { offset: BIG },
        Error::UserInfo { offset: BIG },
        Error::InvalidPort { offset: BIG },
    ];
    for field in fields {
        errors.extend([
            Error::Empty(field),
            Error::InvalidByte {
                field,
                index: BIG,
                byte: 0xff,
            },
            Error::DotSegment(field),
            Error::DuplicateName(field),
            Error::ReservedName(field),
            Error::InvalidUtf8(field),
        ]);
    }
    for error in errors {
        // `Display` writes to an unbounded String: equal texts mean nothing was cut.
        assert_eq!(error.message().as_str(), error.to_string(), "{error:?}");
    }
    assert_eq!(
        Error::TimestampOutsideWindow {
            skew_secs: -90,
            window_secs: 60
        }
        .to_string(),
        "Authorization header: timestamp is 90 s behind the server's clock, more than the 60 s \
         allowed (check the client's clock)"
    );
    assert_eq!(
        Error::InvalidByte { field: Field::Query(0), index: 0, byte: 0 }.to_string(),
        "query parameter at byte 0: byte 0 (0x00) is not allowed: use visible ASCII other than '?' and '#'"
    );
}

/// A signer built from runtime `String`s lives in shared state: `'static`,
/// `Send`, `Sync`, cloned cheaply, used from several threads at once.
/// Expected: the SPEC's worked example.
#[test]
fn a_signer_from_strings_is_shared_by_threads() {
    fn shareable<T: Send + Sync + Clone + 'static>(_: &T) {}
    let (key, secret, account) = (
        String::from("azertyuiop"),
        String::from("qsdfghjklm"),
        String::from("myaccountname"),
    );
    let signer = std::sync::Arc::new(Signer::new(&key, secret.as_bytes(), &account).unwrap());
    drop((key, secret, account));
    shareable(&*signer);
    let params = [
        ("event", "123"),
        ("l", "fr"),
        ("returnurl", "http://www.ticketmatic.com"),
        ("skinid", "25"),
    ];
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let signer = std::sync::Arc::clone(&signer);
            std::thread::spawn(move || signer.widget_signature(&params).unwrap().to_string())
        })
        .collect();
    for thread in threads {
        assert_eq!(
            thread.join().unwrap(),
            "0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8"
        );
    }
    let copy = (*signer).clone();
    assert_eq!(copy.account(), "myaccountname");
}

#[test]
fn the_stored_texts_have_documented_bounds() {
    use ticketmatic_sign::{MAX_ACCOUNT_LEN, MAX_BASE_URL_LEN};
    let long = "a".repeat(MAX_ACCOUNT_LEN + 1);
    assert_eq!(
        Signer::new("k", b"s", &long).unwrap_err(),
        Error::TooLong {
            field: Field::Account,
            len: MAX_ACCOUNT_LEN + 1,
            max: MAX_ACCOUNT_LEN
        }
    );
    assert!(Signer::new("k", b"s", &long[1..]).is_ok());
    let url = format!("https://{}", "x".repeat(MAX_BASE_URL_LEN));
    let err = Signer::new("k", b"s", "a")
        .unwrap()
        .with_base_url(&url)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "base URL: {} bytes long, at most 128 are allowed",
            url.len()
        )
    );
}

/// The SPEC's return-URL vector (`return-valid` in the shared file).
const RETURN_QUERY: &str = "orderid=2715&status=ok&accesskey=142dda885ec6024f934a40c1\
    &signature=313e4ce1ea0da73a2cf4b83d72f43c4ae832f3f0d66b6047d9892cef6f6f5658";

fn club() -> Signer {
    Signer::new(
        "142dda885ec6024f934a40c1",
        b"abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784",
        "club",
    )
    .unwrap()
}

#[test]
fn return_urls_are_taken_as_they_arrive() {
    let signer = club();
    for given in [
        RETURN_QUERY.to_owned(),
        format!("?{RETURN_QUERY}"),
        format!("https://shop.example/done?{RETURN_QUERY}"),
        format!("https://shop.example/done?{RETURN_QUERY}#receipt"),
        format!("/done?{RETURN_QUERY}"),
    ] {
        let params = signer
            .verify_return_url(&given)
            .unwrap_or_else(|e| panic!("{given}: {e}"));
        let pairs: Vec<(String, String)> = params
            .map(|p| (p.name().to_string(), p.value().to_string()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("orderid".into(), "2715".into()),
                ("status".into(), "ok".into())
            ],
            "{given}"
        );
    }
    // A URL with no query is not a forgery: it is not a return URL.
    for given in [
        "https://shop.example/done",
        "/done",
        "https://shop.example/done#x",
    ] {
        assert_eq!(
            signer.verify_return_url(given).unwrap_err(),
            Error::NoQuery,
            "{given}"
        );
    }
    // Offsets count in the text as given.
    let url = "https://shop.example/done?a=%zz";
    assert_eq!(
        signer.verify_return_url(url).unwrap_err(),
        Error::BadEscape { offset: 28 }
    );
    assert_eq!(&url[28..29], "%");
    let tampered = format!(
        "https://shop.example/done?{}",
        RETURN_QUERY.replace("2715", "2716")
    );
    assert_eq!(
        signer.verify_return_url(&tampered).unwrap_err(),
        Error::SignatureMismatch
    );
}

#[test]
fn verified_parameters_decode_when_read() {
    // Signed with this crate's widget signature: the URL's own parameters.
    let signer = club();
    let long = "é".repeat(40); // 80 bytes: more than one chunk of the formatter
    let params = [
        ("name", "Zoë Brügge"),
        ("l", "nl"),
        ("ordercode", "X1"),
        ("long", long.as_str()),
        ("empty", ""),
    ];
    let mut buf = [0u8; 2048];
    let url = signer
        .widget_url("w", &params, &mut buf)
        .unwrap()
        .to_owned();
    let query = url.split_once('?').unwrap().1.replace("%20", "+");
    let verified = signer.verify_return_url(&query).unwrap();
    let got: Vec<(String, String, bool)> = verified
        .clone()
        .map(|p| (p.name().to_string(), p.value().to_string(), p.is_signed()))
        .collect();
    let want: Vec<(String, String, bool)> = params
        .iter()
        .map(|(n, v)| {
            (
                n.to_string(),
                v.to_string(),
                !matches!(*n, "l" | "ordercode"),
            )
        })
        .collect();
    assert_eq!(got, want);
    let name = verified.get("name").unwrap();
    assert_eq!(name, "Zoë Brügge");
    assert_eq!(name.raw(), "Zo%C3%AB+Br%C3%BCgge");
    assert_eq!(name.as_plain(), None);
    assert_eq!(name.decoded_len(), "Zoë Brügge".len());
    let mut small = [0u8; 4];
    assert_eq!(
        name.decode_into(&mut small).unwrap_err(),
        Error::BufferTooSmall {
            needed: "Zoë Brügge".len()
        }
    );
    assert_eq!(verified.get("empty").unwrap().as_plain(), Some(""));
    assert!(verified.get("accesskey").is_none() && verified.get("signature").is_none());
    assert_eq!(format!("{:?}", verified.get("l").unwrap()), "\"nl\"");
}

/// The error contract every face reports (SPEC section 7): for each kind of
/// error, its reason code, the input's name and the position, written out.
#[test]
fn every_error_names_its_reason_field_and_position() {
    let byte = |field, index| Error::InvalidByte {
        field,
        index,
        byte: b'\r',
    };
    #[rustfmt::skip]
    let cases: Vec<(Error, &str, &str, Option<usize>, bool)> = vec![
        (Error::Empty(Field::SecretKey), "empty", "secret_key", None, false),
        (Error::Empty(Field::Param(2)), "empty", "params", Some(2), false),
        (Error::AccessKeyTooLong { len: 65 }, "too_long", "access_key", None, false),
        (Error::TooLong { field: Field::Account, len: 65, max: 64 }, "too_long", "account", None, false),
        (Error::TooLong { field: Field::BaseUrl, len: 129, max: 128 }, "too_long", "base_url", None, false),
        (byte(Field::AccessKey, 3), "invalid_byte", "access_key", Some(3), false),
        (byte(Field::Account, 0), "invalid_byte", "account", Some(0), false),
        (byte(Field::BaseUrl, 8), "invalid_byte", "base_url", Some(8), false),
        (byte(Field::Param(4), 1), "invalid_byte", "params", Some(4), false),
        (Error::DotSegment(Field::Widget), "dot_segment", "widget", None, false),
        (Error::DuplicateName(Field::Param(1)), "duplicate_name", "params", Some(1), false),
        (Error::DuplicateName(Field::Query(9)), "duplicate_name", "return_url", Some(9), false),
        (Error::ReservedName(Field::Param(0)), "reserved_name", "params", Some(0), false),
        (Error::TimestampSyntax, "timestamp_syntax", "timestamp", None, false),
        (Error::InvalidDate, "invalid_date", "timestamp", None, false),
        (Error::TimeOutOfRange, "time_out_of_range", "timestamp", None, false),
        (Error::BadEscape { offset: 4 }, "bad_escape", "return_url", Some(4), false),
        (Error::InvalidUtf8(Field::Query(6)), "invalid_utf8", "return_url", Some(6), false),
        (Error::NoQuery, "no_query", "return_url", None, false),
        (Error::BadAccessKey, "bad_access_key", "return_url", None, true),
        (Error::SignatureMissing, "signature_missing", "return_url", None, true),
        (Error::SignatureMismatch, "signature_mismatch", "signature", None, true),
        (Error::MalformedAuthorization { offset: 26 }, "malformed_authorization", "authorization", Some(26), false),
        (Error::UnknownAccessKey, "unknown_access_key", "authorization", None, true),
        (Error::TimestampOutsideWindow { skew_secs: 1, window_secs: 0 }, "timestamp_outside_window", "authorization", None, true),
        (Error::BufferTooSmall { needed: 9 }, "buffer_too_small", "output", None, false),
        (Error::Write, "write_failed", "output", None, false),
        (Error::UnsupportedScheme, "unsupported_scheme", "base_url", None, false),
        (Error::InvalidHost { offset: 7 }, "invalid_host", "base_url", Some(7), false),
        (Error::UserInfo { offset: 11 }, "user_info", "base_url", Some(11), false),
        (Error::InvalidPort { offset: 13 }, "invalid_port", "base_url", Some(13), false),
    ];
    for (error, reason, field, position, verdict) in cases {
        assert_eq!(error.reason().as_str(), reason, "{error:?}");
        assert_eq!(error.field().name(), field, "{error:?}");
        assert_eq!(error.position(), position, "{error:?}");
        assert_eq!(error.is_verdict(), verdict, "{error:?}");
    }
    // Codes and names are one-to-one, and `ALL` lists them in code order.
    let codes: Vec<u8> = Reason::ALL.iter().map(|r| r.code()).collect();
    assert!(codes.windows(2).all(|w| w[0] < w[1]), "{codes:?}");
    let mut names: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Reason::ALL.len());
}
