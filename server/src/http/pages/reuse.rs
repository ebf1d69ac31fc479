//! Reuse (`app::routes::reuse`): an entry's reuse page with its lineage, "Wir nutzen das",
//! service offers and forking; and the reuse statistics `/nachnutzung`.

use app::account::{FormState, Notice, Viewer};
use app::editing::AdoptionInput;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use crate::http::error::{PageError, refusals};
use crate::http::extract::{FormPairs, MaybeViewer, PageLang, Reads, Section, SignedIn, query_has};
use crate::http::render;
use crate::http::state::AppState;
use crate::services::entries::{EntryError, EntryKind};

/// The viewer's organisations as (slug, name).
fn organisations_of(viewer: Option<&Viewer>) -> Vec<(String, String)> {
    viewer
        .map(|v| {
            v.memberships
                .iter()
                .map(|m| (m.slug.clone(), m.name.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// `GET /loesungen/{slug}/nachnutzen`, `GET /datenmodelle/{slug}/nachnutzen`
pub async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Section(kind): Section,
    MaybeViewer(viewer): MaybeViewer,
    PageLang(lang): PageLang,
    Reads(from): Reads,
    parts: Parts,
) -> Result<Response, PageError> {
    let data = state
        .entries
        .public_reads(from)
        .reuse_page(kind, &slug, organisations_of(viewer.as_ref()))
        .await?;
    let form = if query_has(&parts, "gespeichert=1") {
        FormState {
            form: "adopt".into(),
            notice: Some(Notice::Success(lang.texts().notices.saved.into())),
            ..FormState::default()
        }
    } else {
        FormState::default()
    };
    Ok(render::page(&state, parts, StatusCode::OK, Some(data), form).await)
}

/// `POST …/nachnutzen`: record or withdraw a use, offer services, fork.
pub async fn submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Section(kind): Section,
    person: SignedIn,
    parts: Parts,
    form: FormPairs,
) -> Result<Response, PageError> {
    let actor = &person.actor;
    let field = |k: &str| form.one(k).to_owned();
    let section = kind.section();
    let form_name = field("form");
    let result = match form_name.as_str() {
        "adopt" => {
            let input = AdoptionInput {
                organisation: field("organisation"),
                status: field("status"),
                since: field("since"),
                contact_name: field("contact_name"),
                contact_email: field("contact_email"),
                note: field("note"),
            };
            state
                .entries
                .adopt(actor, kind, &slug, &input)
                .await
                .map(|()| format!("/{section}/{slug}/nachnutzen?gespeichert=1"))
        }
        "offer" if kind == EntryKind::Solution => state
            .entries
            .offer_services(
                actor,
                &slug,
                form.one("organisation"),
                &form.all("services"),
                form.one("offer_note"),
            )
            .await
            .map(|()| format!("/loesungen/{slug}?gespeichert=1#betreiben")),
        "withdraw" => state
            .entries
            .withdraw(actor, kind, &slug, form.one("organisation"))
            .await
            .map(|()| format!("/{section}/{slug}/nachnutzen")),
        "fork" => state
            .entries
            .fork(actor, kind, &slug, form.one("organisation"))
            .await
            .map(|new_slug| format!("/{section}/{new_slug}?gespeichert=1")),
        _ => return Err(PageError::BadRequest(refusals::UNKNOWN_FORM)),
    };
    match result {
        Ok(target) => Ok(Redirect::to(&target).into_response()),
        Err(EntryError::Invalid(errors)) => {
            let organisations = organisations_of(Some(&person.viewer));
            let data = state.entries.reuse_page(kind, &slug, organisations).await?;
            let values = form
                .map()
                .into_iter()
                .filter(|(k, _)| k != "form")
                .collect();
            let form = FormState {
                form: form_name,
                values,
                errors,
                notice: None,
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(render::page(&state, parts, status, Some(data), form).await)
        }
        Err(err) => Err(err.into()),
    }
}

/// `GET /nachnutzung`: rankings, reuse by Bundesland, newest forks and adoptions.
pub async fn stats_page(
    State(state): State<AppState>,
    Reads(from): Reads,
    parts: Parts,
) -> Result<Response, PageError> {
    let stats = state.entries.public_reads(from).reuse_stats().await?;
    Ok(render::page(
        &state,
        parts,
        StatusCode::OK,
        Some(stats),
        FormState::default(),
    )
    .await)
}
