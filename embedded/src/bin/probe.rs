//! The flash probe: calls the operation groups chosen by features (see
//! Cargo.toml) once each, on inputs the optimizer cannot see through. Built
//! with none of them it is the stub; the difference in `.text` + `.rodata` is
//! what a group costs. Its panic handler calls `ticketmatic_panic_reached`,
//! a function that is only linked if some panic can still happen, so the
//! linked firmware says whether any can, and (embedded/panic-sites.py) from
//! where.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
#[allow(unused_imports)]
use ticketmatic_sign_firmware::{finish, opaque};

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    ticketmatic_panic_reached();
    finish(false)
}

/// Linked only if a panic is reachable; a named mark for panic-sites.py.
#[inline(never)]
#[no_mangle]
pub extern "C" fn ticketmatic_panic_reached() {
    opaque(());
}

#[allow(dead_code)]
fn signer() -> ticketmatic_sign::Signer {
    match ticketmatic_sign::Signer::new(
        opaque("azertyuiop"),
        opaque("qsdfghjklm").as_bytes(),
        opaque("club"),
    ) {
        Ok(signer) => signer,
        Err(_) => finish(false),
    }
}

#[entry]
fn main() -> ! {
    #[allow(unused_mut, unused_variables)]
    let mut buf = [0u8; 2048];
    #[cfg(feature = "header")]
    {
        use ticketmatic_sign::Timestamp;
        let s = signer();
        let ts = Timestamp::from_unix(opaque(1_501_346_446)).unwrap_or_else(|_| finish(false));
        let _ = opaque(s.authorization(ts, &mut buf).map(str::len));
        let ts = Timestamp::parse(opaque("2017-07-29T16:40:46")).unwrap_or_else(|_| finish(false));
        let _ = opaque(s.authorization_payload(ts, &mut buf).map(str::len));
    }
    #[cfg(feature = "widget")]
    {
        let s = signer();
        let params = opaque(&[
            ("event", "123"),
            ("l", "fr"),
            ("returnurl", "http://www.ticketmatic.com"),
        ]);
        let _ = opaque(s.widget_signature(params).map(|sig| sig.as_bytes()[0]));
        let _ = opaque(
            s.widget_url(opaque("addtickets"), params, &mut buf)
                .map(str::len),
        );
        let _ = opaque(s.widget_payload(params, &mut buf).map(str::len));
    }
    #[cfg(feature = "return-url")]
    {
        let s = signer();
        let query = opaque("orderid=2715&accesskey=azertyuiop&signature=00");
        opaque(s.verify_return_url(query).is_ok());
        let _ = opaque(s.return_url_payload(query, &mut buf).map(str::len));
    }
    #[cfg(feature = "authorization-check")]
    {
        use ticketmatic_sign::{verify_authorization, Timestamp, DEFAULT_WINDOW_SECS};
        let header = opaque("TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=00");
        let now = Timestamp::from_unix(opaque(1_501_346_446)).unwrap_or_else(|_| finish(false));
        let secret_for = |key: &str| (key == "xyz").then(|| opaque("xyz").as_bytes());
        opaque(
            verify_authorization(header, "ticketmatic", now, DEFAULT_WINDOW_SECS, secret_for)
                .is_ok(),
        );
    }
    finish(true)
}
