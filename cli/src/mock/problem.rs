//! Errors in Ticketmatic's shape (SPEC section 6), which the official
//! clients read: the `ticketmatic-sign-http` crate's [`Problem`] (also what
//! its verification answers), sent with the mock's body type.

use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Response, StatusCode};
use serde_json::Value;
pub use ticketmatic_sign_http::Problem;

use super::server::{full, Body};

/// A [`Problem`] as the mock's answer.
pub trait Respond {
    fn response(self) -> Response<Body>;
}

impl Respond for Problem {
    fn response(self) -> Response<Body> {
        self.into_response::<String>().map(full)
    }
}

/// A JSON answer.
pub fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    let mut response = Response::new(full(body.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
