//! `tools/queries/export`: the `--data` records (`data.rs`) selected by
//! `limit` and `offset`, streamed in chunks, with the stream faults `--cut-after`
//! (the body ends in an error, so hyper breaks the connection without the
//! terminating chunk) and `--stall-after` (the body stops producing and the
//! connection stays open).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::Frame;

const CHUNK: usize = 64 * 1024;

/// A streamed answer with the stream faults applied.
pub struct Stream {
    rest: Bytes,
    sent: u64,
    cut_after: Option<u64>,
    stall_after: Option<u64>,
    /// Before breaking the stream, a pause in which hyper flushes what it
    /// holds, so that the client receives everything up to the cut.
    flush: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Stream {
    pub fn new(data: Bytes, cut_after: Option<u64>, stall_after: Option<u64>) -> Stream {
        Stream {
            rest: data,
            sent: 0,
            cut_after,
            stall_after,
            flush: None,
        }
    }
}

/// How long the stream pauses at a cut before breaking the connection.
const FLUSH: std::time::Duration = std::time::Duration::from_millis(50);

impl hyper::body::Body for Stream {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let limits = [self.cut_after, self.stall_after];
        let room = limits
            .iter()
            .flatten()
            .map(|limit| limit.saturating_sub(self.sent))
            .min()
            .unwrap_or(u64::MAX);
        if room == 0 && !self.rest.is_empty() {
            if self.cut_after.is_some_and(|cut| self.sent >= cut) {
                let flush = self
                    .flush
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(FLUSH)));
                if flush.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                let cut = std::io::Error::other("--cut-after: the stream is broken off");
                return Poll::Ready(Some(Err(cut)));
            }
            // --stall-after: never ready, never woken; the connection stays
            // open until the client gives up.
            return Poll::Pending;
        }
        if self.rest.is_empty() {
            return Poll::Ready(None);
        }
        let len = self
            .rest
            .len()
            .min(CHUNK)
            .min(usize::try_from(room).unwrap_or(usize::MAX));
        let chunk = self.rest.split_to(len);
        self.sent += len as u64;
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.rest.is_empty()
    }
}
