//! The import page `/loesungen/importieren`: a multipart form (paste or upload) that checks a
//! publiccode.yml and shows the report, or imports it and goes to the solution's page.

use app::account::FormState;
use app::i18n::Lang;
use app::import_report::{ImportData, ImportPreview, ImportReport};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use crate::http::error::PageError;
use crate::http::extract::{PageLang, SignedIn};
use crate::http::render;
use crate::http::state::AppState;
use crate::publiccode::MAX_BYTES;
use crate::services::import::{ImportError, Preview, report_lines};

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

/// `GET /loesungen/importieren`
pub async fn import_page(
    State(state): State<AppState>,
    person: SignedIn,
    parts: Parts,
) -> Response {
    let data = ImportData {
        organisations: person.publishable(),
        organisation: person.first_organisation(),
        ..ImportData::default()
    };
    render::page(
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

async fn read_submission(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Submission, String> {
    let mut multipart = multipart.map_err(|e| format!("Das Formular ist nicht lesbar: {e}"))?;
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

/// `POST /loesungen/importieren`: checks the file and shows the report ("prüfen"), or
/// imports it and goes to the solution's page ("importieren").
pub async fn import_submit(
    State(state): State<AppState>,
    person: SignedIn,
    PageLang(lang): PageLang,
    parts: Parts,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let show = |status: StatusCode, data: ImportData| {
        render::page(
            &state,
            parts.clone(),
            status,
            Some(data),
            FormState::default(),
        )
    };
    let submission = match read_submission(multipart).await {
        Ok(submission) => submission,
        Err(message) => {
            let data = ImportData {
                organisations: person.publishable(),
                problem: Some(message),
                ..ImportData::default()
            };
            return Ok(show(StatusCode::BAD_REQUEST, data).await);
        }
    };
    let mut data = ImportData {
        organisations: person.publishable(),
        organisation: submission.organisation.clone(),
        text: String::from_utf8_lossy(&submission.bytes).into_owned(),
        ..ImportData::default()
    };
    if person.viewer.role_in(&submission.organisation).is_none() {
        data.problem = Some(lang.texts().notices.choose_your_organisation.to_owned());
        return Ok(show(StatusCode::UNPROCESSABLE_ENTITY, data).await);
    }
    let importer = state.entries.importer();
    if submission.action != "importieren" {
        let preview = importer
            .preview(&submission.organisation, &submission.bytes)
            .await?;
        let status = if preview.importable() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        data.report = Some(report_of(&preview, lang));
        return Ok(show(status, data).await);
    }
    let err = match importer
        .import(
            &person.actor,
            &submission.organisation,
            &submission.bytes,
            "",
        )
        .await
    {
        Ok(outcome) => {
            let target = format!("/loesungen/{}?gespeichert=1", outcome.slug());
            return Ok(Redirect::to(&target).into_response());
        }
        Err(ImportError::Database(err)) => return Err(PageError::database(err)),
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
    Ok(show(status, data).await)
}
