//! The JSON API under `/api/v1`, described by the OpenAPI document at
//! `/api/v1/openapi.json` (generated from the handlers' annotations; the routes are listed
//! in `http::router::api_routes`). One file per area; handlers call the same services as
//! the pages.

pub mod catalogue;
pub mod entries;
pub mod model_tools;
pub mod publiccode;
pub mod reuse;
pub mod token;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::http::error::ErrorBody;
use crate::http::state::AppState;
use crate::services::entries::EntryKind;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Allmende API",
        description = "Offene Schnittstelle des Katalogs Allmende: Lösungen, Datenmodelle und Organisationen \
                       der öffentlichen Verwaltung lesen und durchsuchen. Open interface of the Allmende catalogue.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerScheme)
)]
pub struct ApiDoc;

/// Declares the `bearer` security scheme (API tokens `alm_…`).
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("alm_…")
                    .build(),
            ),
        );
    }
}

/// Documents the optional `Idempotency-Key` header on every `POST` of the finished document
/// (the paths exist only after the router collected them, so this is no `Modify`).
pub fn document_idempotency(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::Required;
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    for item in openapi.paths.paths.values_mut() {
        let Some(post) = item.post.as_mut() else {
            continue;
        };
        let parameter = ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "Macht den Aufruf wiederholbar: Dieselbe Anfrage mit demselben Schlüssel (1–255 sichtbare \
                 ASCII-Zeichen) liefert mindestens 24 Stunden lang die erste Antwort erneut \
                 (Kopfzeile `Idempotent-Replayed: true`), statt ein zweites Mal zu schreiben; derselbe \
                 Schlüssel mit anderem Inhalt ergibt 422, während die erste Anfrage noch läuft 409. \
                 Makes the call safe to retry: the same request with the same key returns the first \
                 answer again for at least 24 hours; the same key with another body gives 422.",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .max_length(Some(crate::services::idempotency::MAX_KEY_LEN)),
            ))
            .build();
        post.parameters.get_or_insert_with(Vec::new).push(parameter);
    }
}

/// Unknown API paths answer in JSON, not with the HTML 404 page.
pub async fn not_found() -> Response {
    let body = ErrorBody {
        error: "Unbekannter API-Pfad.".to_owned(),
    };
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

/// The answer to a successful write.
#[derive(Debug, Serialize, ToSchema)]
pub struct WriteResult {
    /// The entry's slug (new, or changed by this write).
    pub slug: String,
    /// The entry's page.
    pub url: String,
}

impl WriteResult {
    /// The written entry of `kind` with this slug, and its page's public address.
    pub fn of(state: &AppState, kind: EntryKind, slug: String) -> WriteResult {
        let url = state.public_url(&format!("/{}/{slug}", kind.section()));
        WriteResult { slug, url }
    }
}
