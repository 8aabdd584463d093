//! The in-process transport: a `tower::Service` that hands requests straight to
//! [`ApiServer::handle`], so control loops inside the server are ordinary API clients with no
//! socket, TLS or serialisation of the connection in between.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};

use crate::{ApiServer, Body, User};

/// A client connection that is authenticated as `user`.
#[derive(Clone)]
pub struct InProcess {
    api: Arc<ApiServer>,
    user: User,
}

impl InProcess {
    pub fn new(api: Arc<ApiServer>, user: User) -> InProcess {
        InProcess { api, user }
    }
}

impl<B> tower::Service<Request<B>> for InProcess
where
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let api = self.api.clone();
        let user = self.user.clone();
        Box::pin(async move { Ok(api.handle(req, Some(user)).await) })
    }
}
