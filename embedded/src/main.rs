//! Runs every vector of ../tests/vectors against ticketmatic-sign on the
//! emulated Cortex-M4, prints `vectors: N passed, M failed` through
//! semihosting, then measures each operation: instructions beside its floor
//! (the keyed HMAC cloned, fed the same message, finalized) and stack.
//! Exits QEMU with 0 when every vector passed.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use ticketmatic_sign::{verify_authorization, Error, Signer, Timestamp};
use ticketmatic_sign_firmware::{finish, instructions, opaque, stack_use, Vector, VECTORS};

type HmacSha256 = Hmac<Sha256>;

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("panic: {}", info);
    finish(false)
}

/// Room for the longest URL the vectors make.
const BUF: usize = 4096;

fn signer(v: &Vector) -> Result<Signer, Error> {
    Signer::new(v.access_key, v.secret_key.as_bytes(), v.account)
}

fn timestamp(v: &Vector) -> Result<Timestamp, Error> {
    match (v.unix_time, v.timestamp) {
        (Some(secs), _) => Timestamp::from_unix(secs),
        (None, Some(text)) => Timestamp::parse(text),
        (None, None) => Err(Error::TimestampSyntax),
    }
}

/// Whether the crate's outputs for `v` are the expected ones; `Err` when the
/// crate refused the inputs.
fn check(v: &Vector) -> Result<bool, Error> {
    let mut buf = [0u8; BUF];
    let e = &v.expected;
    let same = |got: &str, want: Option<&str>| want.map_or(true, |w| w == got);
    Ok(match v.kind {
        "authorization" => {
            let (signer, ts) = (signer(v)?, timestamp(v)?);
            let header_ok = same(signer.authorization(ts, &mut buf)?, e.header);
            header_ok && same(signer.authorization_payload(ts, &mut buf)?, e.payload)
        }
        "widget" => {
            let signer = signer(v)?;
            let signature_ok = same(signer.widget_signature(v.params)?.as_str(), e.signature);
            let url_ok = same(
                signer.widget_url(v.widget.unwrap_or(""), v.params, &mut buf)?,
                e.url,
            );
            signature_ok && url_ok && same(signer.widget_payload(v.params, &mut buf)?, e.payload)
        }
        "return_url" => {
            let signer = signer(v)?;
            let query = v.query.unwrap_or("");
            let kind = match signer.verify_return_url(query) {
                Ok(_) => None,
                Err(Error::BadAccessKey) => Some("bad_access_key"),
                Err(Error::SignatureMissing) => Some("signature_missing"),
                Err(Error::SignatureMismatch) => Some("signature_mismatch"),
                Err(other) => return Err(other),
            };
            let payload_ok = e.payload.map_or(true, |p| {
                signer.return_url_payload(query, &mut buf) == Ok(p)
            });
            e.valid == Some(kind.is_none()) && e.error_kind == kind && payload_ok
        }
        "authorization_check" => {
            let now = Timestamp::from_unix(v.now_unix.unwrap_or(0))?;
            let window = v.window_secs.unwrap_or(0) as u32;
            let secret_for = |key: &str| (key == v.access_key).then(|| v.secret_key.as_bytes());
            let kind = match verify_authorization(
                v.header.unwrap_or(""),
                v.account,
                now,
                window,
                secret_for,
            ) {
                Ok(_) => None,
                Err(Error::MalformedAuthorization { .. }) => Some("malformed"),
                Err(Error::UnknownAccessKey) => Some("unknown_access_key"),
                Err(Error::SignatureMismatch) => Some("signature_mismatch"),
                Err(Error::TimestampOutsideWindow { .. }) => Some("timestamp_outside_window"),
                Err(other) => return Err(other),
            };
            e.valid == Some(kind.is_none()) && e.error_kind == kind
        }
        _ => false,
    })
}

/// The floor of an operation whose message is `message`. Never inlined, so
/// that its code, and its count, do not change with the rest of the firmware.
#[inline(never)]
fn floor(keyed: &HmacSha256, message: &[u8]) -> [u8; 32] {
    let mut mac = keyed.clone();
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The first vector of `kind` that `pick` likes best (largest by `size`).
fn pick(kind: &str, size: impl Fn(&Vector) -> usize) -> &'static Vector {
    let mut best: Option<&'static Vector> = None;
    for v in VECTORS
        .iter()
        .filter(|v| v.kind == kind && !v.expected.error)
    {
        if best.map_or(true, |b| size(v) > size(b)) {
            best = Some(v);
        }
    }
    best.unwrap_or_else(|| panic!("no vector of kind {}", kind))
}

/// Measures `op` and its floor and prints one line for embedded/run.sh.
fn measure(
    syst: &mut cortex_m::peripheral::SYST,
    name: &str,
    message: &[u8],
    secret: &str,
    mut op: impl FnMut(),
) {
    let keyed = HmacSha256::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| panic!("key"));
    let instructions_op = instructions(syst, 20, || op());
    let instructions_floor = instructions(syst, 20, || {
        opaque(floor(opaque(&keyed), opaque(message)));
    });
    let stack = stack_use(|| op());
    let stack_floor = stack_use(|| {
        opaque(floor(opaque(&keyed), opaque(message)));
    });
    hprintln!(
        "measure {} instructions={} floor={} stack={} floor_stack={}",
        name,
        instructions_op,
        instructions_floor,
        stack,
        stack_floor
    );
}

#[entry]
fn main() -> ! {
    let (mut passed, mut failed) = (0, 0);
    for v in VECTORS {
        let ok = match check(v) {
            Ok(ok) => ok && !v.expected.error,
            Err(_) => v.expected.error,
        };
        if ok {
            passed += 1;
        } else {
            failed += 1;
            hprintln!("FAIL {} ({})", v.id, v.kind);
        }
    }
    hprintln!("vectors: {} passed, {} failed", passed, failed);

    let mut syst = cortex_m::Peripherals::take()
        .unwrap_or_else(|| panic!("peripherals"))
        .SYST;
    let mut buf = [0u8; BUF];

    let v = pick("authorization", |_| 1);
    let (s, ts) = (
        signer(v).unwrap_or_else(|_| panic!()),
        timestamp(v).unwrap_or_else(|_| panic!()),
    );
    let payload = v.expected.payload.unwrap_or("").as_bytes();
    measure(&mut syst, "header", payload, v.secret_key, || {
        opaque(s.authorization(opaque(ts), &mut buf).map(|h| h.len()).ok());
    });

    let v = pick("widget", |v| v.params.len());
    let s = signer(v).unwrap_or_else(|_| panic!());
    let payload = v.expected.payload.unwrap_or("").as_bytes();
    hprintln!("widget vector: {} ({} parameters)", v.id, v.params.len());
    measure(&mut syst, "widget_signature", payload, v.secret_key, || {
        opaque(s.widget_signature(opaque(v.params)).ok());
    });
    let widget = v.widget.unwrap_or("");
    measure(&mut syst, "widget_url", payload, v.secret_key, || {
        opaque(
            s.widget_url(widget, opaque(v.params), &mut buf)
                .map(|u| u.len())
                .ok(),
        );
    });

    let v = pick("return_url", |v| {
        v.expected.valid.map_or(0, usize::from) * 1000 + v.query.map_or(0, str::len)
    });
    let s = signer(v).unwrap_or_else(|_| panic!());
    let query = v.query.unwrap_or("");
    let mut message = [0u8; BUF];
    let len = s
        .return_url_payload(query, &mut message)
        .map(str::len)
        .unwrap_or(0);
    measure(
        &mut syst,
        "return_url_verification",
        &message[..len],
        v.secret_key,
        || {
            opaque(s.verify_return_url(opaque(query)).is_ok());
        },
    );

    let v = pick("authorization_check", |v| {
        v.expected.valid.map_or(0, usize::from)
    });
    let header = v.header.unwrap_or("");
    let now = Timestamp::from_unix(v.now_unix.unwrap_or(0)).unwrap_or_else(|_| panic!());
    let window = v.window_secs.unwrap_or(0) as u32;
    let ts_text = header
        .split(" ts=")
        .nth(1)
        .and_then(|rest| rest.get(..19))
        .unwrap_or("");
    let mut message = [0u8; 256];
    let mut len = 0;
    for part in [v.access_key, v.account, ts_text] {
        message[len..len + part.len()].copy_from_slice(part.as_bytes());
        len += part.len();
    }
    measure(
        &mut syst,
        "header_verification",
        &message[..len],
        v.secret_key,
        || {
            let secret_for = |key: &str| (key == v.access_key).then(|| v.secret_key.as_bytes());
            opaque(
                verify_authorization(opaque(header), v.account, now, window, secret_for).is_ok(),
            );
        },
    );

    finish(failed == 0 && passed > 0)
}
