//! Middleware, in the order a request passes it (see `http::router`): the client's
//! address, cross-site refusal, security headers with the CSP nonce, the session, NUL
//! refusal, problem pages, and redirects for renamed entries.

pub mod client;
pub mod idempotency;
pub mod moved;
pub mod nul;
pub mod problems;
pub mod security;
pub mod session;
