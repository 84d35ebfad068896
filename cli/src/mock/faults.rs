//! Failures on demand: the first authenticated requests answered with 500
//! (`--fail-first`), then with 429 (`--rate-limit-first`). Stream faults
//! (`--cut-after`, `--stall-after`) live with the export stream.

use std::sync::atomic::{AtomicU64, Ordering};

use hyper::header::{HeaderValue, RETRY_AFTER};
use hyper::{Response, StatusCode};
use serde_json::json;

use super::problem::{json_response, Problem, Respond};
use super::server::Body;
use super::Options;

pub struct Faults {
    fail_first: u64,
    rate_limit_first: u64,
    retry_after: u64,
    /// Authenticated requests so far.
    seen: AtomicU64,
}

impl Faults {
    pub fn new(options: &Options) -> Faults {
        Faults {
            fail_first: options.fail_first,
            rate_limit_first: options.rate_limit_first,
            retry_after: options.retry_after,
            seen: AtomicU64::new(0),
        }
    }

    /// The fault this authenticated request gets, if any.
    pub fn next(&self, now: &str) -> Option<Response<Body>> {
        let n = self.seen.fetch_add(1, Ordering::SeqCst) + 1;
        if n <= self.fail_first {
            let message = format!(
                "simulated server error (--fail-first {}): request {n}",
                self.fail_first
            );
            return Some(Problem::new(StatusCode::INTERNAL_SERVER_ERROR, message).response());
        }
        let queued = n - self.fail_first;
        if queued > self.rate_limit_first {
            return None;
        }
        // The queue status of SPEC section 6; `backoff` in milliseconds.
        let body = json!({
            "id": format!("mock-queue-{n}"),
            "progress": 1,
            "backoff": self.retry_after * 1000,
            "started": false,
            "starttime": now,
            "orderid": 0,
            "ahead": self.rate_limit_first - queued,
            "message": format!("rate limited (--rate-limit-first {})", self.rate_limit_first),
            "description": format!("retry after {} s", self.retry_after),
        });
        let mut response = json_response(StatusCode::TOO_MANY_REQUESTS, &body);
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(self.retry_after));
        Some(response)
    }
}
