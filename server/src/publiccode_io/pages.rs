//! The import page `/loesungen/importieren`: a multipart form (paste or upload) that checks a
//! publiccode.yml and shows the report, or imports it and goes to the solution's page.

use app::account::{FormState, Viewer};
use app::i18n::Lang;
use app::import_report::{ImportData, ImportPreview, ImportReport};
use axum::Router;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::{ImportError, Importer, Preview, report_lines};
use crate::entry_pages::publishable;
use crate::pages::{internal, lang_of, render_with, to_login};
use crate::publiccode::MAX_BYTES;
use crate::web::AppState;

/// Paths these handlers render; excluded from the generated Leptos routes.
pub const PATHS: &[&str] = &["/loesungen/importieren"];

/// The route of the import page.
pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/loesungen/importieren",
        get(import_page).post(import_submit),
    )
}

/// The page's view of a preview.
pub fn report_of(preview: &Preview, lang: Lang) -> ImportReport {
    let input = preview.mapped.as_ref().map(|m| &m.input);
    ImportReport {
        errors: report_lines(&preview.report.errors),
        warnings: report_lines(&preview.report.warnings),
        rule_errors: preview.rule_messages(lang),
        notes: preview
            .mapped
            .as_ref()
            .map(|m| m.notes.clone())
            .unwrap_or_default(),
        preview: input.map(|input| ImportPreview {
            name: input.name.clone(),
            short_description: input.short_description.clone(),
            repository_url: input.repository_url.clone(),
            licence: input.licence.clone(),
            development_status: input.development_status.clone(),
            software_type: input.software_type.clone(),
            maintenance_type: input.maintenance_type.clone(),
            version: input.version.clone(),
            categories: input.categories.clone(),
            platforms: input.platforms.clone(),
            features: input.features.clone(),
            has_english: !input.short_description_en.is_empty(),
        }),
        existing: preview
            .existing
            .as_ref()
            .map(|e| (e.slug.clone(), e.name.clone(), e.organisation_name.clone())),
        importable: preview.importable(),
    }
}

async fn import_page(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let data = ImportData {
        organisations: publishable(&viewer),
        organisation: viewer
            .memberships
            .first()
            .map(|m| m.slug.clone())
            .unwrap_or_default(),
        ..ImportData::default()
    };
    render_with(
        &state,
        parts,
        StatusCode::OK,
        Some(data),
        FormState::default(),
    )
    .await
}

/// The submitted form: organisation, action, and the file's bytes (an upload wins over the
/// text field).
struct Submission {
    organisation: String,
    action: String,
    bytes: Vec<u8>,
}

async fn read_submission(request: Request, state: &AppState) -> Result<Submission, String> {
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|e| format!("Das Formular ist nicht lesbar: {e}"))?;
    let mut submission = Submission {
        organisation: String::new(),
        action: String::new(),
        bytes: Vec::new(),
    };
    let mut upload: Option<Vec<u8>> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| format!("Das Formular ist nicht lesbar: {e}"))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let data = field.bytes().await.map_err(|_| {
            format!(
                "Die Datei ist zu groß (höchstens {} KiB).",
                MAX_BYTES / 1024
            )
        })?;
        match name.as_str() {
            "organisation" => {
                submission.organisation = String::from_utf8_lossy(&data).trim().to_owned()
            }
            "aktion" => submission.action = String::from_utf8_lossy(&data).into_owned(),
            "yaml" => submission.bytes = data.to_vec(),
            "datei" if !data.is_empty() => upload = Some(data.to_vec()),
            _ => {}
        }
    }
    if let Some(upload) = upload {
        submission.bytes = upload;
    }
    // Browsers send text fields with CRLF line ends; the file's lines are what counts.
    if let Some(text) = std::str::from_utf8(&submission.bytes)
        .ok()
        .filter(|t| t.contains('\r'))
    {
        submission.bytes = text.replace("\r\n", "\n").into_bytes();
    }
    Ok(submission)
}

async fn import_submit(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let lang = lang_of(&parts);
    let show = |status: StatusCode, data: ImportData| {
        render_with(
            &state,
            parts.clone(),
            status,
            Some(data),
            FormState::default(),
        )
    };
    let submission = match read_submission(Request::from_parts(parts.clone(), body), &state).await {
        Ok(submission) => submission,
        Err(message) => {
            let data = ImportData {
                organisations: publishable(&viewer),
                problem: Some(message),
                ..ImportData::default()
            };
            return show(StatusCode::BAD_REQUEST, data).await;
        }
    };
    let mut data = ImportData {
        organisations: publishable(&viewer),
        organisation: submission.organisation.clone(),
        text: String::from_utf8_lossy(&submission.bytes).into_owned(),
        ..ImportData::default()
    };
    if viewer.role_in(&submission.organisation).is_none() {
        data.problem = Some(lang.texts().notices.choose_your_organisation.to_owned());
        return show(StatusCode::UNPROCESSABLE_ENTITY, data).await;
    }
    let importer = Importer::new(state.accounts.pool().clone());
    if submission.action != "importieren" {
        return match importer
            .preview(&submission.organisation, &submission.bytes)
            .await
        {
            Ok(preview) => {
                let status = if preview.importable() {
                    StatusCode::OK
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                };
                data.report = Some(report_of(&preview, lang));
                show(status, data).await
            }
            Err(err) => internal(&err.to_string()),
        };
    }
    let actor = match state.accounts.actor(viewer.user_id).await {
        Ok(actor) => actor,
        Err(err) => return internal(&err.to_string()),
    };
    let err = match importer
        .import(&actor, &submission.organisation, &submission.bytes, "")
        .await
    {
        Ok(outcome) => {
            return Redirect::to(&format!("/loesungen/{}?gespeichert=1", outcome.slug()))
                .into_response();
        }
        Err(ImportError::Database(err)) => return internal(&err.to_string()),
        Err(err) => err,
    };
    let (status, preview) = match &err {
        ImportError::Rejected(preview) => (StatusCode::UNPROCESSABLE_ENTITY, preview),
        ImportError::Foreign(preview) => (StatusCode::CONFLICT, preview),
        ImportError::Forbidden(preview) => (StatusCode::FORBIDDEN, preview),
        ImportError::Database(_) => unreachable!("answered above"),
    };
    data.report = Some(ImportReport {
        importable: false,
        ..report_of(preview, lang)
    });
    if !matches!(err, ImportError::Rejected(_)) {
        data.problem = err.reasons().into_iter().next();
    }
    show(status, data).await
}
