//! A `reqwest-middleware` middleware that signs every request it sends:
//! `ClientBuilder::new(client).with(SignMiddleware::new(signer)).build()`.
//! Each request is signed at the system clock's time when it is sent, so a
//! retry middleware placed before it gets a fresh timestamp.

use std::sync::Arc;

use http::Extensions;
use reqwest_middleware::{Middleware, Next, Result};
use ticketmatic_sign::{Signer, Timestamp};

use crate::sign::authorization_for;

/// Signs every request with one signer.
#[derive(Debug, Clone)]
pub struct SignMiddleware {
    signer: Arc<Signer>,
}

impl SignMiddleware {
    /// A middleware that signs with `signer`.
    pub fn new(signer: Arc<Signer>) -> SignMiddleware {
        SignMiddleware { signer }
    }
}

#[async_trait::async_trait]
impl Middleware for SignMiddleware {
    async fn handle(
        &self,
        mut request: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> Result<reqwest::Response> {
        let now = Timestamp::now()
            .map_err(|e| reqwest_middleware::Error::middleware(crate::SignError::from(e)))?;
        let value = authorization_for(request.url().path(), &self.signer, now)
            .map_err(reqwest_middleware::Error::middleware)?;
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, value);
        next.run(request, extensions).await
    }
}
