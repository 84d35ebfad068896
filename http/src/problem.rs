//! Ticketmatic's error shape (SPEC section 6), which both official clients
//! read: a JSON body `{"code", "message", "applicationcode",
//! "applicationdata"}` with `Content-Type: application/json` and the status
//! of its kind. tm-go's `RequestError` uses it when `code > 0` and `message`
//! is set; tm-php's `ClientException` needs both.

use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use http::{Response, StatusCode};
use serde_json::{json, Map, Value};

/// An error answer in Ticketmatic's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The HTTP status, also the body's `code`.
    pub status: StatusCode,
    /// What went wrong, for the person who sent the request.
    pub message: String,
    /// Details for a client's author (`applicationdata`).
    pub data: Map<String, Value>,
    /// Headers to send with it (`WWW-Authenticate` for a 401).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Problem {
    /// A problem with no details.
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

    /// Adds a response header; a value that cannot be one (not visible
    /// ASCII) is left out rather than sent broken.
    pub fn header(mut self, name: HeaderName, value: &str) -> Problem {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.push((name, value));
        }
        self
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        json!({
            "code": self.status.as_u16(),
            "message": self.message,
            "applicationcode": 0,
            "applicationdata": self.data,
        })
    }

    /// The whole answer, with any body type made from a `String`.
    pub fn into_response<B: From<String>>(self) -> Response<B> {
        let mut response = Response::new(B::from(self.body().to_string()));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.extend(self.headers);
        response
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}: {}", self.status.as_u16(), self.message)
    }
}

impl std::error::Error for Problem {}
