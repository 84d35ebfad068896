//! Axum extractors. [`VerifiedReturnUrl`] verifies the return URL a widget
//! flow redirected to (the request's own URI) with the widget key pair and
//! yields its parameters; [`VerifiedAuthorization`] verifies a request's
//! `Authorization` header against the API key pairs. Both reject in
//! Ticketmatic's error shape: 400 with the reason for a return URL (never a
//! signature), 401, 403 or 404 for a header, as [`verify_request`](crate::verify_request) says.
//!
//! They take what they need from the router's state through [`FromRef`]:
//! a [`WidgetSigner`] and [`ApiKeys`].

use std::sync::Arc;

use axum_core::extract::{FromRef, FromRequestParts};
use axum_core::response::{IntoResponse, Response};
use http::request::Parts;
use http::StatusCode;
use ticketmatic_sign::{Error, Signer, Timestamp, DEFAULT_WINDOW_SECS};

use crate::verify::verify_parts;
use crate::{KeyStore, Problem, Verified};

/// The signer of the widget key pair, in the router's state.
#[derive(Clone, Debug)]
pub struct WidgetSigner(pub Arc<Signer>);

/// The API key pairs that may call this server, in the router's state.
#[derive(Clone)]
pub struct ApiKeys(pub Arc<dyn KeyStore>);

/// A refusal, answered in Ticketmatic's error shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection(pub Problem);

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

/// The parameters of a return URL whose signature the widget key pair
/// verified, decoded, in the order of the query, without `accesskey` and
/// `signature`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedReturnUrl {
    params: Vec<ReturnParam>,
}

/// One verified parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnParam {
    /// The decoded name.
    pub name: String,
    /// The decoded value.
    pub value: String,
    /// Whether the signature covers it: not for `l` and `ordercode`.
    pub signed: bool,
}

impl VerifiedReturnUrl {
    /// The value of the parameter `name`, if the URL has it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_str())
    }

    /// Every parameter.
    pub fn params(&self) -> &[ReturnParam] {
        &self.params
    }
}

impl<S: Send + Sync> FromRequestParts<S> for VerifiedReturnUrl
where
    WidgetSigner: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Rejection> {
        let WidgetSigner(signer) = WidgetSigner::from_ref(state);
        let query = parts.uri.query().unwrap_or_default();
        match signer.verify_return_url(&format!("?{query}")) {
            Ok(params) => Ok(VerifiedReturnUrl {
                params: params
                    .map(|p| ReturnParam {
                        name: p.name().to_string(),
                        value: p.value().to_string(),
                        signed: p.is_signed(),
                    })
                    .collect(),
            }),
            Err(e) => Err(Rejection(
                Problem::new(StatusCode::BAD_REQUEST, format!("return URL: {e}"))
                    .with("reason", reason(e)),
            )),
        }
    }
}

/// A stable name for why a return URL was refused.
fn reason(e: Error) -> &'static str {
    match e {
        Error::BadAccessKey => "bad_access_key",
        Error::SignatureMissing => "signature_missing",
        Error::SignatureMismatch => "signature_mismatch",
        Error::NoQuery => "no_query",
        Error::BadEscape { .. } => "bad_escape",
        Error::InvalidUtf8(_) => "invalid_utf8",
        Error::DuplicateName(_) => "duplicate_name",
        _ => "malformed",
    }
}

/// A request whose `Authorization` header the API key pairs verified, at
/// the system clock's time and within [`DEFAULT_WINDOW_SECS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAuthorization(pub Verified);

impl<S: Send + Sync> FromRequestParts<S> for VerifiedAuthorization
where
    ApiKeys: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Rejection> {
        let ApiKeys(keys) = ApiKeys::from_ref(state);
        let now = Timestamp::now().map_err(|e| {
            Rejection(Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the server's clock: {e}"),
            ))
        })?;
        verify_parts(
            &parts.uri,
            &parts.headers,
            now,
            DEFAULT_WINDOW_SECS,
            |key| keys.key_pair(key),
        )
        .map(VerifiedAuthorization)
        .map_err(|refusal| Rejection(*refusal.problem))
    }
}
