//! Errors in Ticketmatic's shape (SPEC section 6), which the official
//! clients read: `{"code", "message", "applicationcode", "applicationdata"}`
//! with `Content-Type: application/json`. `applicationdata` carries what a
//! client author needs to fix the request.

use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::{Response, StatusCode};
use serde_json::{json, Map, Value};

use super::server::{full, Body};

/// An error answer.
#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub message: String,
    pub data: Map<String, Value>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Problem {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Problem {
        Problem {
            status,
            message: message.into(),
            data: Map::new(),
            headers: Vec::new(),
        }
    }

    /// Adds a detail to `applicationdata`.
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Problem {
        self.data.insert(name.to_owned(), value.into());
        self
    }

    /// Adds a response header; a value that cannot be one (non-visible
    /// ASCII) is left out rather than sent broken.
    pub fn header(mut self, name: HeaderName, value: &str) -> Problem {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.push((name, value));
        }
        self
    }

    pub fn response(self) -> Response<Body> {
        let body = json!({
            "code": self.status.as_u16(),
            "message": self.message,
            "applicationcode": 0,
            "applicationdata": self.data,
        });
        let mut response = json_response(self.status, &body);
        response.headers_mut().extend(self.headers);
        response
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
