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

/// Writes `text` whole to standard output and flushes it.
pub fn stdout(text: &[u8]) -> Result<(), Failure> {
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
