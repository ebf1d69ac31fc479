//! `GET /api/v1/token`: which token is used, for which organisation.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error::ErrorBody;
use crate::http::extract::ApiCaller;

/// What `GET /api/v1/token` tells about the token used.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenInfo {
    /// The token's name.
    pub name: String,
    /// Slug of the organisation the token acts for.
    pub organisation: String,
}

/// The token used and the organisation it acts for (to check a token works).
#[utoipa::path(get, path = "/token", tag = "Zugang",
    responses((status = 200, body = TokenInfo), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn token_info(ApiCaller(identity): ApiCaller) -> Json<TokenInfo> {
    Json(TokenInfo {
        name: identity.name,
        organisation: identity.organisation_slug,
    })
}
