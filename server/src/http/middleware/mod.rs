//! Middleware, in the order a request passes it (see `http::router`): HTTP caching,
//! security headers, the client's address, cross-site refusal, the session, NUL refusal,
//! problem pages, and redirects for renamed entries.

pub mod cache;
pub mod client;
pub mod idempotency;
pub mod moved;
pub mod nul;
pub mod problems;
pub mod security;
pub mod session;
