//! Connections: each on a task of its own, at most `--max-connections` at
//! once, with keep-alive. hyper closes a connection whose headers take longer
//! than `--idle-timeout` to arrive (the timer also runs while a keep-alive
//! connection waits for its next request), and answers 431 to headers over
//! 16 KiB, 400 to a request it cannot parse: those two answers are hyper's,
//! empty (it has no hook for a body), and are logged here. A slow or stalled
//! client holds only its own task.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::{routes, State};

/// The body of every answer.
pub type Body = BoxBody<Bytes, std::io::Error>;

/// A body holding `text`.
pub fn full(text: impl Into<Bytes>) -> Body {
    Full::new(text.into())
        .map_err(|never: Infallible| match never {})
        .boxed()
}

const MAX_HEADER_BYTES: usize = 16 * 1024;

pub async fn serve(listener: TcpListener, state: State) {
    let state = Arc::new(state);
    let slots = Arc::new(Semaphore::new(state.options.max_connections));
    loop {
        // The semaphore is never closed, so this always yields a permit.
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: wait, and go on.
                crate::output::note(format_args!("mock server: accept: {e}"));
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(|request| {
                let state = state.clone();
                async move { Ok::<_, Infallible>(routes::answer(state, request).await) }
            });
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .keep_alive(true)
                .header_read_timeout(state.options.idle_timeout())
                .max_header_size(MAX_HEADER_BYTES);
            // The client went away, timed out, or a fault broke the stream;
            // or hyper refused a request it could not read (and answered it
            // itself): that one is logged.
            let served = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let (Err(e), Some(log)) = (served, &state.log) {
                let status = if e.is_parse_too_large() {
                    Some(431)
                } else if e.is_parse() {
                    Some(400)
                } else {
                    None
                };
                if let Some(status) = status {
                    let time = ticketmatic_sign::Timestamp::now()
                        .map(|t| t.as_str().to_owned())
                        .unwrap_or_default();
                    log.unrouted(time, status, format!("the request could not be read: {e}"));
                }
            }
            drop(permit);
        });
    }
}
