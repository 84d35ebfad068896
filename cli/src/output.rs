//! Every byte `tm` writes to standard output or standard error goes through
//! here, so that no write can panic (`println!` does, on a closed pipe or a
//! full disk) and every failed write means the same thing:
//!
//! - the reader went away (`tm header | true`, `tm export | head`): a quiet
//!   exit 0, which is what the reader asked for;
//! - any other error (`> /dev/full`): exit 3 with the OS's message.

use std::fmt::Display;
use std::io::{ErrorKind, Write};

use crate::Failure;

/// The failure a write of `what` (standard output, "the export", a file
/// name) ended in.
pub fn write_failed(what: impl Display) -> impl Fn(std::io::Error) -> Failure {
    move |e| {
        if e.kind() == ErrorKind::BrokenPipe {
            Failure::quiet()
        } else {
            Failure::io(format!("writing {what}: {e}"))
        }
    }
}

/// Whether standard output was closed when `tm` started (`>&-`). Rust's
/// runtime then opens /dev/null in its place, read-write, before `main`, so
/// every write "succeeds"; a shell's `> /dev/null` opens it write-only. On
/// Linux the open flags in /proc tell the two apart; elsewhere nothing is
/// known and `tm` writes as before.
pub fn stdout_closed() -> bool {
    static CLOSED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *CLOSED.get_or_init(|| {
        let null = std::fs::read_link("/proc/self/fd/1")
            .is_ok_and(|target| target == std::path::Path::new("/dev/null"));
        let read_write = std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("flags:"))
                .and_then(|flags| u32::from_str_radix(flags.trim(), 8).ok())
                .is_some_and(|flags| flags & 0o3 == 0o2)
        });
        null && read_write
    })
}

/// The failure of a write to a closed standard output.
pub fn stdout_is_closed() -> Failure {
    Failure::io("writing standard output: it is closed (>&-), so nothing could be written")
}

/// Writes `text` whole to standard output and flushes it.
pub fn stdout(text: &[u8]) -> Result<(), Failure> {
    if stdout_closed() {
        return Err(stdout_is_closed());
    }
    let mut out = std::io::stdout().lock();
    out.write_all(text)
        .and_then(|()| out.flush())
        .map_err(write_failed("standard output"))
}

/// Writes `text` to standard error, unbuffered as standard error is.
/// A message that cannot be shown still fails the command (exit 3), so a
/// script never mistakes a lost report for a quiet success.
pub fn stderr(text: &str) -> Result<(), Failure> {
    std::io::stderr()
        .lock()
        .write_all(text.as_bytes())
        .map_err(write_failed("standard error"))
}

/// A line on standard error from work that must go on whether or not it can
/// be shown (the mock server's accept errors): a lost line is only lost.
pub fn note(line: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
