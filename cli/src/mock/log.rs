//! The request log (`--log FILE`): one JSON line per request, written when
//! its answer has been sent (or broken off), for a client's CI to assert on.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body as _, Frame, SizeHint};
use serde::Serialize;

use super::server::Body;

pub struct Log {
    file: Mutex<BufWriter<File>>,
    path: String,
    /// Whether a failed write was already said: once, not per request.
    told: std::sync::atomic::AtomicBool,
}

impl Log {
    pub fn open(path: &Path) -> Result<Log, String> {
        let file = File::options()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("--log {}: {e}", path.display()))?;
        Ok(Log {
            file: Mutex::new(BufWriter::new(file)),
            path: path.display().to_string(),
            told: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// A request hyper refused before it reached the routes (it could not
    /// be parsed, or its head was too large): hyper answers those itself,
    /// with no body and no hook for one, so the log is where they are said.
    pub fn unrouted(&self, time: String, status: u16, reason: String) {
        self.write(&Record {
            time,
            auth: "none".into(),
            verdict: "refused",
            reason: Some(reason),
            status,
            complete: true,
            ..Record::default()
        });
    }

    fn write(&self, record: &Record) {
        let Ok(mut file) = self.file.lock() else {
            return;
        };
        // A full disk must not take the server down: the server goes on, but
        // says (once, on standard error) that its log is being lost.
        let line = serde_json::to_string(record).unwrap_or_default();
        if let Err(e) = writeln!(file, "{line}").and_then(|()| file.flush()) {
            if !self.told.swap(true, std::sync::atomic::Ordering::Relaxed) {
                crate::output::note(format!(
                    "tm mock-server: --log {}: {e}: requests are no longer logged",
                    self.path
                ));
            }
        }
    }
}

/// What happened to one request.
#[derive(Serialize, Default, Clone)]
pub struct Record {
    pub time: String,
    pub method: String,
    pub path: String,
    /// The query string as sent (after `?`), if there was one.
    pub query: Option<String>,
    /// `tm-hmac-sha256`, `basic`, `none`, or the scheme that was refused.
    pub auth: String,
    pub access_key: Option<String>,
    /// `accepted` (authentication, or a widget URL's signature, verified),
    /// `refused` (either refused, or the method not allowed), or `open`
    /// (no authentication needed).
    pub verdict: &'static str,
    pub reason: Option<String>,
    pub status: u16,
    pub bytes: u64,
    /// False when the answer was broken off (a fault, or the client went away).
    pub complete: bool,
}

/// A response body that counts what it sends and logs the request when
/// dropped, which hyper does once the body is sent or abandoned.
pub struct Logged {
    inner: Body,
    record: Record,
    log: Arc<Log>,
}

impl Logged {
    pub fn new(inner: Body, record: Record, log: Arc<Log>) -> Logged {
        Logged { inner, record, log }
    }
}

impl hyper::body::Body for Logged {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                self.record.bytes += frame.data_ref().map_or(0, |d| d.len() as u64);
            }
            Poll::Ready(None) => self.record.complete = true,
            _ => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for Logged {
    fn drop(&mut self) {
        // A body of known length may be sent whole without a final poll.
        if self.inner.is_end_stream() {
            self.record.complete = true;
        }
        self.log.write(&self.record);
    }
}
