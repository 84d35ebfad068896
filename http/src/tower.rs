//! Tower layers. [`SignLayer`] signs every outgoing request (wrap a
//! hyper-util client, or any `Service<http::Request>`); [`VerifyLayer`]
//! verifies every incoming one and answers a refusal itself, in
//! Ticketmatic's error shape, without calling the inner service. A verified
//! request carries its [`Verified`] in its extensions.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Request, Response};
use pin_project_lite::pin_project;
use ticketmatic_sign::{Signer, Timestamp, DEFAULT_WINDOW_SECS};
use tower_layer::Layer;
use tower_service::Service;

use crate::{sign_now, verify_request, KeyStore, Verified};

/// The error of a signing service: the request could not be signed, or the
/// inner service failed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Signs every request with one signer, at the system clock's time.
///
/// ```
/// # use std::sync::Arc;
/// use ticketmatic_sign_http::{ticketmatic_sign::Signer, tower::SignLayer};
///
/// let signer = Arc::new(Signer::new("azertyuiop", b"qsdfghjklm", "myaccountname")?);
/// let layer = SignLayer::new(signer); // tower::ServiceBuilder::new().layer(layer).service(client)
/// # Ok::<(), ticketmatic_sign_http::ticketmatic_sign::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SignLayer {
    signer: Arc<Signer>,
}

impl SignLayer {
    /// A layer that signs with `signer`.
    pub fn new(signer: Arc<Signer>) -> SignLayer {
        SignLayer { signer }
    }
}

impl<S> Layer<S> for SignLayer {
    type Service = SignService<S>;
    fn layer(&self, inner: S) -> SignService<S> {
        SignService {
            inner,
            signer: self.signer.clone(),
        }
    }
}

/// The service [`SignLayer`] makes.
#[derive(Debug, Clone)]
pub struct SignService<S> {
    inner: S,
    signer: Arc<Signer>,
}

impl<S, B> Service<Request<B>> for SignService<S>
where
    S: Service<Request<B>>,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Either<S::Future, Result<S::Response, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        match sign_now(&mut request, &self.signer) {
            Ok(()) => Either::Inner {
                future: self.inner.call(request),
            },
            Err(e) => Either::Ready {
                result: Some(Err(Box::new(e) as BoxError)),
            },
        }
    }
}

/// Verifies every request against a [`KeyStore`], at the system clock's
/// time and [`DEFAULT_WINDOW_SECS`] unless told otherwise.
#[derive(Clone)]
pub struct VerifyLayer<K> {
    keys: Arc<K>,
    window_secs: u32,
    clock: fn() -> Option<Timestamp>,
}

impl<K: KeyStore> VerifyLayer<K> {
    /// A layer that verifies with `keys`.
    pub fn new(keys: K) -> VerifyLayer<K> {
        VerifyLayer {
            keys: Arc::new(keys),
            window_secs: DEFAULT_WINDOW_SECS,
            clock: || Timestamp::now().ok(),
        }
    }

    /// How far a signed timestamp may be from the server's clock.
    pub fn window_secs(mut self, window_secs: u32) -> VerifyLayer<K> {
        self.window_secs = window_secs;
        self
    }

    /// The server's clock (for tests; `None`: the clock cannot be read).
    pub fn clock(mut self, clock: fn() -> Option<Timestamp>) -> VerifyLayer<K> {
        self.clock = clock;
        self
    }
}

impl<S, K> Layer<S> for VerifyLayer<K> {
    type Service = VerifyService<S, K>;
    fn layer(&self, inner: S) -> VerifyService<S, K> {
        VerifyService {
            inner,
            keys: self.keys.clone(),
            window_secs: self.window_secs,
            clock: self.clock,
        }
    }
}

/// The service [`VerifyLayer`] makes.
pub struct VerifyService<S, K> {
    inner: S,
    keys: Arc<K>,
    window_secs: u32,
    clock: fn() -> Option<Timestamp>,
}

impl<S: Clone, K> Clone for VerifyService<S, K> {
    fn clone(&self) -> Self {
        VerifyService {
            inner: self.inner.clone(),
            keys: self.keys.clone(),
            window_secs: self.window_secs,
            clock: self.clock,
        }
    }
}

impl<S, K, ReqB, ResB> Service<Request<ReqB>> for VerifyService<S, K>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
    K: KeyStore,
    ResB: From<String>,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = Either<S::Future, Result<Response<ResB>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqB>) -> Self::Future {
        let Some(now) = (self.clock)() else {
            let problem = crate::Problem::new(
                http::StatusCode::INTERNAL_SERVER_ERROR,
                "the server's clock cannot be read",
            );
            return Either::Ready {
                result: Some(Ok(problem.into_response())),
            };
        };
        let keys = &self.keys;
        match verify_request(&request, now, self.window_secs, |key| keys.key_pair(key)) {
            Ok(verified) => {
                request.extensions_mut().insert::<Verified>(verified);
                Either::Inner {
                    future: self.inner.call(request),
                }
            }
            Err(refusal) => Either::Ready {
                result: Some(Ok(refusal.problem.into_response())),
            },
        }
    }
}

pin_project! {
    /// The future of both services: the inner service's, or an answer
    /// ready at once (a refusal, a request that could not be signed).
    #[project = EitherProj]
    #[allow(missing_docs)] // the fields: pin-project-lite takes no docs there
    pub enum Either<F, R> {
        /// The inner service's future.
        Inner { #[pin] future: F },
        /// Ready at once (the answer, until it is taken).
        Ready { result: Option<R> },
    }
}

impl<F, T, E, E2> Future for Either<F, Result<T, E2>>
where
    F: Future<Output = Result<T, E>>,
    E: Into<E2>,
{
    type Output = Result<T, E2>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            EitherProj::Inner { future } => future.poll(cx).map_err(Into::into),
            // Polled again after it was ready: a caller's bug; tell it so
            // rather than panic.
            EitherProj::Ready { result } => Poll::Ready(
                result
                    .take()
                    .unwrap_or_else(|| panic!("the future was polled after it completed")),
            ),
        }
    }
}
