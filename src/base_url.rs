//! The one rule for base URLs (SPEC section 7): `https://` or `http://`, a
//! host, an optional port and path; no user info, query, fragment, spaces
//! or control characters. A base URL is printed into widget URLs and API
//! requests as given, so what is refused here is refused in every face, and
//! nothing is ever stripped or rewritten (but the one trailing `/` the SPEC
//! drops).

use crate::encode::is_unreserved;
use crate::{Error, Field};

/// `url` without its trailing `/`, if it is a base URL; else why not.
/// Written for size as much as for speed: it runs once per signer, and
/// WebAssembly pages and microcontrollers pay for every byte of it.
pub(crate) fn check(url: &str) -> Result<&str, Error> {
    let bytes = url.as_bytes();
    if bytes.is_empty() {
        return Err(Error::Empty(Field::BaseUrl));
    }
    let invalid_byte = |index: usize| Error::InvalidByte {
        field: Field::BaseUrl,
        index,
        byte: bytes.get(index).copied().unwrap_or(0),
    };
    // Spaces, control characters and non-ASCII first: whatever else is
    // wrong, these are what a user most needs to see (a pasted CR/LF).
    if let Some(index) = bytes.iter().position(|b| !b.is_ascii_graphic()) {
        return Err(invalid_byte(index));
    }
    let start = if url.starts_with("https://") {
        8
    } else if url.starts_with("http://") {
        7
    } else {
        return Err(Error::UnsupportedScheme);
    };
    let at = |i: usize| bytes.get(i).copied();
    let ends_authority = |b: Option<u8>| matches!(b, None | Some(b'/' | b'?' | b'#'));

    // User info: an `@` before the path.
    let mut i = start;
    while !ends_authority(at(i)) {
        if at(i) == Some(b'@') {
            return Err(Error::UserInfo { offset: i });
        }
        i += 1;
    }

    // The host: a name, or an IPv6 address in brackets.
    let mut i = start;
    let bracketed = at(i) == Some(b'[');
    if bracketed {
        i += 1;
        while matches!(at(i), Some(b) if b.is_ascii_hexdigit() || b == b':' || b == b'.') {
            i += 1;
        }
        if i == start + 1 || at(i) != Some(b']') {
            return Err(Error::InvalidHost { offset: i });
        }
        i += 1;
    } else {
        while matches!(at(i), Some(b) if is_unreserved(b)) {
            i += 1;
        }
        if i == start {
            return Err(Error::InvalidHost { offset: i });
        }
    }

    // The port: 1 to 65535.
    if at(i) == Some(b':') {
        let offset = i + 1;
        let mut port = 0u32;
        i = offset;
        while let Some(digit @ b'0'..=b'9') = at(i) {
            port = (port * 10 + u32::from(digit - b'0')).min(65_536);
            i += 1;
        }
        if !(1..=65_535).contains(&port) || !ends_authority(at(i)) {
            return Err(Error::InvalidPort { offset });
        }
    } else if !ends_authority(at(i)) {
        return Err(Error::InvalidHost { offset: i });
    }

    // The path: RFC 3986 path characters and `%XX` escapes; a query or a
    // fragment (`?`, `#`) is refused at its first byte.
    while let Some(b) = at(i) {
        let escape = b == b'%';
        let ok = if escape {
            bytes
                .get(i + 1..i + 3)
                .map_or(false, |hex| hex.iter().all(u8::is_ascii_hexdigit))
        } else {
            is_unreserved(b) || b"!$&'()*+,;=:@/".contains(&b)
        };
        if !ok {
            return Err(invalid_byte(i));
        }
        i += if escape { 3 } else { 1 };
    }
    // The SPEC's one trailing `/` dropped (on bytes: `str::strip_suffix`
    // with a `char` costs hundreds of bytes on small targets).
    let kept = bytes.len() - usize::from(bytes.last() == Some(&b'/'));
    Ok(url.get(..kept).unwrap_or(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_scheme_host_port_and_path() {
        for (given, kept) in [
            (
                "https://apps.ticketmatic.com",
                "https://apps.ticketmatic.com",
            ),
            (
                "https://apps.ticketmatic.com/",
                "https://apps.ticketmatic.com",
            ),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("http://[::1]:65535", "http://[::1]:65535"),
            ("http://localhost/proxy/tm", "http://localhost/proxy/tm"),
            ("http://x/a%2Fb:@!$&'()*+,;=", "http://x/a%2Fb:@!$&'()*+,;="),
        ] {
            assert_eq!(check(given), Ok(kept), "{given}");
        }
    }

    #[test]
    fn refuses_everything_else_where_it_goes_wrong() {
        let byte = |index: usize, byte: u8| Error::InvalidByte {
            field: Field::BaseUrl,
            index,
            byte,
        };
        for (given, error) in [
            ("", Error::Empty(Field::BaseUrl)),
            ("/", Error::UnsupportedScheme),
            ("http://x\r\n.com", byte(8, b'\r')),
            ("http://x .com", byte(8, b' ')),
            ("http://x.com/é", byte(13, 0xc3)),
            ("javascript:alert(1)", Error::UnsupportedScheme),
            ("ftp://x.com", Error::UnsupportedScheme),
            ("HTTPS://x.com", Error::UnsupportedScheme),
            ("x.com", Error::UnsupportedScheme),
            ("http://", Error::InvalidHost { offset: 7 }),
            ("http:///path", Error::InvalidHost { offset: 7 }),
            ("http://:80", Error::InvalidHost { offset: 7 }),
            ("http://a!b", Error::InvalidHost { offset: 8 }),
            ("http://[]", Error::InvalidHost { offset: 8 }),
            ("http://[::1", Error::InvalidHost { offset: 11 }),
            ("http://[::g]", Error::InvalidHost { offset: 10 }),
            ("http://[::1]x", Error::InvalidHost { offset: 12 }),
            ("http://user@x.com", Error::UserInfo { offset: 11 }),
            ("http://u:p@x.com/", Error::UserInfo { offset: 10 }),
            ("http://x.com:", Error::InvalidPort { offset: 13 }),
            ("http://x.com:0", Error::InvalidPort { offset: 13 }),
            ("http://x.com:65536", Error::InvalidPort { offset: 13 }),
            (
                "http://x.com:99999999999",
                Error::InvalidPort { offset: 13 },
            ),
            ("http://x.com:8a", Error::InvalidPort { offset: 13 }),
            ("http://x.com?a=1", byte(12, b'?')),
            ("http://x.com/#top", byte(13, b'#')),
            ("http://x.com/a?", byte(14, b'?')),
            ("http://x.com/a%2", byte(14, b'%')),
            ("http://x.com/a%zz", byte(14, b'%')),
            ("http://x.com/<script>", byte(13, b'<')),
        ] {
            assert_eq!(check(given), Err(error), "{given:?}");
        }
    }
}
