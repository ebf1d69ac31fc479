//! The client's address, resolved once per request through the trusted reverse proxies.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::http::state::AppState;

/// The client address of a request, resolved by [`resolve_client`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Middleware: reads `X-Forwarded-For` only behind a trusted proxy (`ALLMENDE_TRUSTED_PROXIES`).
pub async fn resolve_client(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    {
        let client = state
            .accounts
            .trusted_proxies()
            .client_address(peer.ip(), request.headers());
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}
