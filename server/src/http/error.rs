//! Errors that are responses: [`PageError`] for the server-rendered pages and [`ApiError`]
//! for the JSON API, each with `From` for the service errors, so handlers use `?`.
//! Internal errors are logged once, inside the request's span (which carries its request
//! id), and never shown.

use std::collections::BTreeMap;
use std::time::Duration;

use app::account::PageProblem;
use app::i18n::Lang;
use app::query::QueryError;
use app::service::CatalogueError;
use app::validation::FieldErrors;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts::AccountError;
use crate::services::entries::EntryError;
use crate::services::import::ImportError;

/// Why a page request ends without its page. `NotFound` and `Forbidden` become the app's
/// problem page (rendered by `middleware::problems`, which has the request and the state);
/// the others are answered directly.
#[derive(Debug)]
pub enum PageError {
    /// The page needs a signed-in person: to the login page, back to `back` afterwards.
    SignIn {
        back: String,
    },
    NotFound,
    Forbidden,
    /// A request no form of ours sends (unknown form name, missing version …).
    BadRequest(&'static str),
    /// The form body is larger than the page accepts.
    TooLarge,
    /// The database cannot be reached just now: 503 with `Retry-After`.
    Unavailable(String),
    /// A failure whose details only belong in the log.
    Internal(String),
}

/// Bilingual plain-text answers to requests no page of ours sends.
pub mod refusals {
    pub const UNKNOWN_FORM: &str = "Unbekanntes Formular. / Unknown form.";
    pub const UNKNOWN_KIND: &str = "Unbekannte Art. / Unknown kind.";
    pub const VERSION_MISSING: &str = "Version fehlt. / Version missing.";
    pub const FORM_TOO_LARGE: &str = "Das Formular ist zu groß. / The form is too large.";
    pub const FORM_UNREADABLE: &str = "Das Formular ist unlesbar. / The form cannot be read.";
    pub const FORM_NUL: &str = "Das Formular enthält ein Nullzeichen, das nicht gespeichert werden kann. / The form contains a NUL character.";
    pub const ADDRESS_NUL: &str = "Die Adresse enthält ein Nullzeichen (%00) und wird nicht verarbeitet. / The address contains a NUL character.";
    pub const CROSS_SITE: &str =
        "Anfrage von einer fremden Website abgelehnt. / Cross-site request refused.";
    pub const INTERNAL: &str =
        "Interner Fehler. Bitte versuchen Sie es später erneut. / Internal error.";
    pub const UNAVAILABLE: &str = "Die Datenbank ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Sekunden erneut. / The database cannot be reached just now. Please try again in a few seconds.";
}

/// Seconds a client is asked to wait when the database is unavailable.
pub const RETRY_AFTER_SECS: u64 = app::server_fns::RETRY_AFTER_SECS;

/// The API's message when the database is unavailable.
const API_UNAVAILABLE: &str =
    "Die Datenbank ist gerade nicht erreichbar. Bitte in einigen Sekunden erneut versuchen.";

/// Marks a response whose body the problem-page middleware renders.
#[derive(Debug, Clone, Copy)]
pub struct RenderProblem(pub PageProblem);

impl PageError {
    /// An internal failure; it is logged once, when answered.
    pub fn internal(err: impl std::fmt::Display) -> PageError {
        PageError::Internal(err.to_string())
    }

    /// A database failure: [`PageError::Unavailable`] when the database cannot be reached,
    /// else internal.
    pub fn database(err: sqlx::Error) -> PageError {
        if crate::db::is_unavailable(&err) {
            PageError::Unavailable(err.to_string())
        } else {
            PageError::internal(err)
        }
    }
}

fn plain(status: StatusCode, message: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

/// The login page, coming back to `back` (a local path with query) afterwards.
pub fn to_login(back: &str) -> Response {
    Redirect::to(&format!("/anmelden?weiter={}", urlencode(back))).into_response()
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn { back } => to_login(&back),
            PageError::NotFound => problem_marker(PageProblem::NotFound),
            PageError::Forbidden => problem_marker(PageProblem::Forbidden),
            PageError::BadRequest(message) => plain(StatusCode::BAD_REQUEST, message),
            PageError::TooLarge => plain(StatusCode::PAYLOAD_TOO_LARGE, refusals::FORM_TOO_LARGE),
            PageError::Unavailable(err) => {
                tracing::error!(error = %err, "request failed: database unavailable");
                let mut response = plain(StatusCode::SERVICE_UNAVAILABLE, refusals::UNAVAILABLE);
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, RETRY_AFTER_SECS.into());
                response
            }
            PageError::Internal(err) => {
                tracing::error!(error = %err, "request failed");
                plain(StatusCode::INTERNAL_SERVER_ERROR, refusals::INTERNAL)
            }
        }
    }
}

fn problem_marker(problem: PageProblem) -> Response {
    let status = match problem {
        PageProblem::NotFound => StatusCode::NOT_FOUND,
        PageProblem::Forbidden => StatusCode::FORBIDDEN,
    };
    let mut response = status.into_response();
    response.extensions_mut().insert(RenderProblem(problem));
    response
}

impl From<EntryError> for PageError {
    /// `Invalid` is answered by the form that was sent (with its values kept); a handler
    /// that gets here without one answers 400.
    fn from(err: EntryError) -> PageError {
        match err {
            EntryError::Invalid(_) => PageError::BadRequest(refusals::UNKNOWN_FORM),
            EntryError::Forbidden => PageError::Forbidden,
            EntryError::NotFound => PageError::NotFound,
            EntryError::Database(err) => PageError::database(err),
        }
    }
}

impl From<AccountError> for PageError {
    fn from(err: AccountError) -> PageError {
        match err {
            AccountError::Forbidden => PageError::Forbidden,
            AccountError::NotFound => PageError::NotFound,
            AccountError::Database(err) => PageError::database(err),
            AccountError::Internal(err) => PageError::Internal(err),
            // Form errors are shown on the form that was sent (see pages::account::failed).
            other => PageError::internal(format!("unhandled account error: {other}")),
        }
    }
}

impl From<sqlx::Error> for PageError {
    fn from(err: sqlx::Error) -> PageError {
        PageError::database(err)
    }
}

/// An error answer: `{"error": "…"}` with a German message.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
}

/// A refused write: a message and one German message per field (`contractors[0].until`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationBody {
    pub error: String,
    pub fields: BTreeMap<String, String>,
}

/// Errors of API handlers, each with its status code.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    BadQuery(#[from] QueryError),
    #[error("Nicht gefunden.")]
    NotFound,
    #[error(
        "Anmeldung nötig: Senden Sie ein gültiges API-Token als „Authorization: Bearer alm_…“."
    )]
    Unauthorized,
    #[error("Zu viele Anfragen. Bitte warten Sie {} Sekunden.", .0.as_secs().max(1))]
    RateLimited(Duration),
    #[error("Dieses Token darf das nicht.")]
    Forbidden,
    #[error("Die Angaben sind nicht gültig; Einzelheiten stehen unter \"fields\".")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Unreadable(String),
    /// Another status with its own German message (413, 409, 503 …).
    #[error("{message}")]
    Refused {
        status: StatusCode,
        message: String,
        retry_after: Option<u64>,
    },
    #[error(transparent)]
    Internal(#[from] CatalogueError),
}

impl ApiError {
    /// A failure whose details only belong in the log.
    pub fn internal(err: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(CatalogueError::Database(err.to_string()))
    }

    /// A database failure: 503 with `Retry-After` when the database cannot be reached,
    /// else internal.
    pub fn database(err: sqlx::Error) -> ApiError {
        ApiError::Internal(crate::db::db_err(err))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // The database being unreachable is a refusal with a retry hint, not an internal error.
        let this = match self {
            ApiError::Internal(CatalogueError::Unavailable(err)) => {
                tracing::error!(error = %err, "API request failed: database unavailable");
                ApiError::Refused {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    message: API_UNAVAILABLE.to_owned(),
                    retry_after: Some(RETRY_AFTER_SECS),
                }
            }
            other => other,
        };
        this.respond()
    }
}

impl ApiError {
    fn respond(self) -> Response {
        let status = match &self {
            ApiError::BadQuery(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::Invalid(_) | ApiError::Unreadable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Refused { status, .. } => *status,
            ApiError::Internal(err) => {
                tracing::error!(error = %err, "API request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let retry_after = match &self {
            ApiError::RateLimited(wait) => Some(wait.as_secs().max(1)),
            ApiError::Refused { retry_after, .. } => *retry_after,
            _ => None,
        };
        let unauthorized = matches!(self, ApiError::Unauthorized);
        if let ApiError::Invalid(errors) = &self {
            let fields = errors
                .iter()
                .map(|(field, e)| (field.clone(), e.message(Lang::De)))
                .collect();
            let body = ValidationBody {
                error: self.to_string(),
                fields,
            };
            return (status, Json(body)).into_response();
        }
        let message = match self {
            ApiError::Internal(_) => "Interner Fehler. Bitte später erneut versuchen.".to_owned(),
            other => other.to_string(),
        };
        let mut response = (status, Json(ErrorBody { error: message })).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
        }
        if unauthorized {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"allmende\""),
            );
        }
        response
    }
}

impl From<EntryError> for ApiError {
    fn from(err: EntryError) -> ApiError {
        match err {
            EntryError::Invalid(errors) => ApiError::Invalid(errors),
            EntryError::Forbidden => ApiError::Forbidden,
            EntryError::NotFound => ApiError::NotFound,
            EntryError::Database(err) => ApiError::database(err),
        }
    }
}

impl From<ImportError> for ApiError {
    /// `Rejected` carries a report the import answer shows; here it is only the fallback.
    fn from(err: ImportError) -> ApiError {
        match err {
            ImportError::Forbidden(_) => ApiError::Forbidden,
            ImportError::Database(err) => ApiError::database(err),
            err @ ImportError::Foreign(_) => ApiError::Refused {
                status: StatusCode::CONFLICT,
                message: err.reasons().join(" "),
                retry_after: None,
            },
            ImportError::Rejected(_) => {
                ApiError::Unreadable("Die publiccode.yml ist nicht gültig.".to_owned())
            }
        }
    }
}
