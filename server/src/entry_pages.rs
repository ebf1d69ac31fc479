//! Publishing pages for solutions: the form (new and edit), the version history, the
//! comparison of two versions, restoring and archiving. Server-rendered like the account
//! pages (`crate::pages`): POST validates with `app::entry_rules`, saves through
//! [`crate::entries::Entries`], and redirects or re-renders with every typed value kept.

use std::collections::BTreeMap;

use app::account::{FormState, Notice, PageProblem, Viewer};
use app::data_model_rules::DataModelInput;
use app::editing::{CompareData, DataModelFormData, HistoryData, RevisionRow, SolutionFormData};
use app::entry_rules::{ContactInput, ContractorInput, SolutionInput};
use app::i18n::Lang;
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::accounts::authz::{Action, allowed};
use crate::entries::{EntryError, EntryKind, data_model_input_from_snapshot, input_from_snapshot};
use crate::pages::{internal, lang_of, problem, read_pairs, render_with, to_login};
use crate::web::AppState;

/// Largest publishing form (long descriptions in two languages).
const FORM_LIMIT: usize = 256 * 1024;

/// Paths these handlers render; excluded from the generated Leptos routes.
pub const PATHS: &[&str] = &[
    "/loesungen/neu",
    "/loesungen/{slug}/bearbeiten",
    "/loesungen/{slug}/versionen",
    "/loesungen/{slug}/vergleich",
    "/datenmodelle/neu",
    "/datenmodelle/{slug}/bearbeiten",
    "/datenmodelle/{slug}/versionen",
    "/datenmodelle/{slug}/vergleich",
];

/// The routes of the publishing pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/loesungen/neu",
            get(new_solution_page).post(new_solution_submit),
        )
        .route(
            "/loesungen/{slug}/bearbeiten",
            get(edit_solution_page).post(edit_solution_submit),
        )
        .route(
            "/loesungen/{slug}/versionen",
            get(|s: State<AppState>, p: Path<String>, r: Request| {
                history_page(s, p, r, EntryKind::Solution)
            }),
        )
        .route(
            "/loesungen/{slug}/vergleich",
            get(|s: State<AppState>, p: Path<String>, r: Request| {
                compare_page(s, p, r, EntryKind::Solution)
            }),
        )
        .route("/loesungen/{slug}/wiederherstellen", post(restore))
        .route(
            "/loesungen/{slug}/archiv",
            post(|s: State<AppState>, p: Path<String>, r: Request| {
                archive(s, p, r, EntryKind::Solution)
            }),
        )
        .route(
            "/datenmodelle/neu",
            get(new_model_page).post(new_model_submit),
        )
        .route(
            "/datenmodelle/{slug}/bearbeiten",
            get(edit_model_page).post(edit_model_submit),
        )
        .route(
            "/datenmodelle/{slug}/versionen",
            get(|s: State<AppState>, p: Path<String>, r: Request| {
                history_page(s, p, r, EntryKind::DataModel)
            }),
        )
        .route(
            "/datenmodelle/{slug}/vergleich",
            get(|s: State<AppState>, p: Path<String>, r: Request| {
                compare_page(s, p, r, EntryKind::DataModel)
            }),
        )
        .route("/datenmodelle/{slug}/wiederherstellen", post(model_restore))
        .route(
            "/datenmodelle/{slug}/archiv",
            post(|s: State<AppState>, p: Path<String>, r: Request| {
                archive(s, p, r, EntryKind::DataModel)
            }),
        )
}

/// The form's pairs as solution input.
pub fn input_from_pairs(pairs: &[(String, String)]) -> SolutionInput {
    let one = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let all = |name: &str| {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    let rows = |group: &str| -> usize {
        pairs
            .iter()
            .filter_map(|(k, _)| {
                k.strip_prefix(group)?
                    .strip_prefix('[')?
                    .split_once(']')?
                    .0
                    .parse::<usize>()
                    .ok()
            })
            .map(|i| i + 1)
            .max()
            .unwrap_or(0)
            .min(20)
    };
    let cell = |group: &str, i: usize, part: &str| one(&format!("{group}[{i}].{part}"));
    SolutionInput {
        organisation: one("organisation"),
        name: one("name"),
        slug: one("slug"),
        short_description: one("short_description"),
        short_description_en: one("short_description_en"),
        long_description: one("long_description"),
        long_description_en: one("long_description_en"),
        repository_url: one("repository_url"),
        landing_url: one("landing_url"),
        licence: one("licence"),
        development_status: one("development_status"),
        software_type: one("software_type"),
        categories: all("categories"),
        platforms: all("platforms"),
        maintenance_type: one("maintenance_type"),
        contractors: (0..rows("contractors"))
            .map(|i| ContractorInput {
                name: cell("contractors", i, "name"),
                until: cell("contractors", i, "until"),
                email: cell("contractors", i, "email"),
                website: cell("contractors", i, "website"),
            })
            .collect(),
        contacts: (0..rows("contacts"))
            .map(|i| ContactInput {
                name: cell("contacts", i, "name"),
                email: cell("contacts", i, "email"),
                phone: cell("contacts", i, "phone"),
                affiliation: cell("contacts", i, "affiliation"),
            })
            .collect(),
        version: one("version"),
        release_date: one("release_date"),
        tags: vec![one("tags")],
        features: vec![one("features")],
        produces: vec![one("produces")],
        consumes: vec![one("consumes")],
        change_message: one("change_message"),
    }
}

/// Solution input as the form's field values (lists one item per line, tags by commas).
pub fn form_values(input: &SolutionInput) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        values.insert(k.to_owned(), v);
    };
    put("organisation", input.organisation.clone());
    put("name", input.name.clone());
    put("slug", input.slug.clone());
    put("short_description", input.short_description.clone());
    put("short_description_en", input.short_description_en.clone());
    put("long_description", input.long_description.clone());
    put("long_description_en", input.long_description_en.clone());
    put("repository_url", input.repository_url.clone());
    put("landing_url", input.landing_url.clone());
    put("licence", input.licence.clone());
    put("development_status", input.development_status.clone());
    put("software_type", input.software_type.clone());
    put("categories", input.categories.join("\n"));
    put("platforms", input.platforms.join("\n"));
    put("maintenance_type", input.maintenance_type.clone());
    for (i, c) in input.contractors.iter().enumerate() {
        put(&format!("contractors[{i}].name"), c.name.clone());
        put(&format!("contractors[{i}].until"), c.until.clone());
        put(&format!("contractors[{i}].email"), c.email.clone());
        put(&format!("contractors[{i}].website"), c.website.clone());
    }
    for (i, c) in input.contacts.iter().enumerate() {
        put(&format!("contacts[{i}].name"), c.name.clone());
        put(&format!("contacts[{i}].email"), c.email.clone());
        put(&format!("contacts[{i}].phone"), c.phone.clone());
        put(&format!("contacts[{i}].affiliation"), c.affiliation.clone());
    }
    put("version", input.version.clone());
    put("release_date", input.release_date.clone());
    put(
        "tags",
        input
            .tags
            .iter()
            .flat_map(|t| app::entry_rules::split_list(t))
            .collect::<Vec<_>>()
            .join(", "),
    );
    put(
        "features",
        input
            .features
            .iter()
            .flat_map(|f| app::entry_rules::split_lines(f))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    put(
        "produces",
        input
            .produces
            .iter()
            .flat_map(|t| app::entry_rules::split_list(t))
            .collect::<Vec<_>>()
            .join(", "),
    );
    put(
        "consumes",
        input
            .consumes
            .iter()
            .flat_map(|t| app::entry_rules::split_list(t))
            .collect::<Vec<_>>()
            .join(", "),
    );
    put("change_message", input.change_message.clone());
    values
}

/// The organisations a person may publish for: (slug, name).
pub(crate) fn publishable(viewer: &Viewer) -> Vec<(String, String)> {
    viewer
        .memberships
        .iter()
        .map(|m| (m.slug.clone(), m.name.clone()))
        .collect()
}

fn licence_verdict(input: &SolutionInput) -> Option<app::licences::LicenceVerdict> {
    app::licences::check_expression(&input.licence).ok()
}

async fn form_page(
    state: &AppState,
    parts: Parts,
    editing: Option<String>,
    input: SolutionInput,
    status: StatusCode,
    form: FormState,
) -> Response {
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let data = SolutionFormData {
        editing,
        organisations: publishable(&viewer),
        licence: licence_verdict(&input),
    };
    let form = FormState {
        form: "solution".into(),
        values: form_values(&input),
        ..form
    };
    render_with(state, parts, status, Some(data), form).await
}

/// After a failed save: the same form again, with the typed values and the errors.
async fn save_failed(
    state: &AppState,
    parts: Parts,
    editing: Option<String>,
    input: SolutionInput,
    error: EntryError,
) -> Response {
    match error {
        EntryError::Invalid(errors) => {
            let form = FormState {
                errors,
                ..FormState::default()
            };
            form_page(
                state,
                parts,
                editing,
                input,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
            )
            .await
        }
        EntryError::Forbidden => problem(state, parts, PageProblem::Forbidden).await,
        EntryError::NotFound => problem(state, parts, PageProblem::NotFound).await,
        EntryError::Database(err) => internal(&err.to_string()),
    }
}

async fn new_solution_page(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let input = SolutionInput {
        organisation: viewer
            .memberships
            .first()
            .map(|m| m.slug.clone())
            .unwrap_or_default(),
        licence: "EUPL-1.2".into(),
        ..SolutionInput::default()
    };
    let data = SolutionFormData {
        editing: None,
        organisations: publishable(&viewer),
        licence: None,
    };
    let form = FormState {
        form: "solution".into(),
        values: form_values(&input),
        ..FormState::default()
    };
    render_with(&state, parts, StatusCode::OK, Some(data), form).await
}

async fn new_solution_submit(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let pairs = match read_pairs(body, FORM_LIMIT).await {
        Ok(pairs) => pairs,
        Err(response) => return response,
    };
    let input = input_from_pairs(&pairs);
    let actor = match state.accounts.actor(viewer.user_id).await {
        Ok(actor) => actor,
        Err(err) => return internal(&err.to_string()),
    };
    match state.entries.create_solution(&actor, &input).await {
        Ok(slug) => Redirect::to(&format!("/loesungen/{slug}?gespeichert=1")).into_response(),
        Err(err) => save_failed(&state, parts, None, input, err).await,
    }
}

async fn edit_solution_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let actor = match state.accounts.actor(viewer.user_id).await {
        Ok(actor) => actor,
        Err(err) => return internal(&err.to_string()),
    };
    match state.entries.owner(EntryKind::Solution, &slug).await {
        Ok(owner) if allowed(&actor, Action::EditEntries, owner) => {}
        Ok(_) => return problem(&state, parts, PageProblem::Forbidden).await,
        Err(EntryError::NotFound) => return problem(&state, parts, PageProblem::NotFound).await,
        Err(err) => return internal(&err.to_string()),
    }
    match state.entries.solution_input(&slug).await {
        Ok(input) => {
            form_page(
                &state,
                parts,
                Some(slug),
                input,
                StatusCode::OK,
                FormState::default(),
            )
            .await
        }
        Err(err) => save_failed(&state, parts, Some(slug), SolutionInput::default(), err).await,
    }
}

async fn edit_solution_submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let pairs = match read_pairs(body, FORM_LIMIT).await {
        Ok(pairs) => pairs,
        Err(response) => return response,
    };
    let input = input_from_pairs(&pairs);
    let actor = match state.accounts.actor(viewer.user_id).await {
        Ok(actor) => actor,
        Err(err) => return internal(&err.to_string()),
    };
    match state.entries.update_solution(&actor, &slug, &input).await {
        Ok(new_slug) => {
            Redirect::to(&format!("/loesungen/{new_slug}?gespeichert=1")).into_response()
        }
        Err(err) => save_failed(&state, parts, Some(slug), input, err).await,
    }
}

/// What the viewer may do with an entry: (edit, archive).
async fn rights(state: &AppState, parts: &Parts, kind: EntryKind, slug: &str) -> (bool, bool) {
    let Some(viewer) = parts.extensions.get::<Viewer>() else {
        return (false, false);
    };
    let (Ok(actor), Ok(owner)) = (
        state.accounts.actor(viewer.user_id).await,
        state.entries.owner(kind, slug).await,
    ) else {
        return (false, false);
    };
    (
        allowed(&actor, Action::EditEntries, owner),
        allowed(&actor, Action::ManageMembers, owner),
    )
}

async fn history_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
    kind: EntryKind,
) -> Response {
    let (parts, _) = request.into_parts();
    let header = match state.entries.summary(kind, &slug).await {
        Ok(header) => header,
        Err(EntryError::NotFound) => return problem(&state, parts, PageProblem::NotFound).await,
        Err(err) => return internal(&err.to_string()),
    };
    let revisions = match state.entries.revisions(kind, &slug).await {
        Ok(revisions) => revisions,
        Err(err) => return internal(&err.to_string()),
    };
    let (can_edit, can_archive) = rights(&state, &parts, kind, &slug).await;
    let lang = lang_of(&parts);
    let notice = parts
        .uri
        .query()
        .is_some_and(|q| q.contains("gespeichert=1"))
        .then(|| FormState {
            form: "history".into(),
            notice: Some(Notice::Success(match lang {
                Lang::De => "Gespeichert.".into(),
                Lang::En => "Saved.".into(),
            })),
            ..FormState::default()
        });
    let data = HistoryData {
        section: kind.section().into(),
        slug: slug.clone(),
        name: header.name,
        revisions: revisions
            .into_iter()
            .map(|r| RevisionRow {
                number: r.number,
                author: r.author,
                message: r.message,
                created_at: r.created_at,
            })
            .collect(),
        can_edit,
        archived: header.archived,
        can_archive,
    };
    render_with(
        &state,
        parts,
        StatusCode::OK,
        Some(data),
        notice.unwrap_or_default(),
    )
    .await
}

/// Reads `von` and `bis` from the query.
fn versions(uri: &Uri) -> Option<(i32, i32)> {
    let pairs = app::query::parse_query_string(uri.query().unwrap_or(""));
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .and_then(|(_, v)| v.trim().parse::<i32>().ok())
    };
    Some((get("von")?, get("bis")?))
}

async fn compare_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
    kind: EntryKind,
) -> Response {
    let (parts, _) = request.into_parts();
    let Some((from, to)) = versions(&parts.uri) else {
        return Redirect::to(&format!("/{}/{slug}/versionen", kind.section())).into_response();
    };
    let header = match state.entries.summary(kind, &slug).await {
        Ok(header) => header,
        Err(EntryError::NotFound) => return problem(&state, parts, PageProblem::NotFound).await,
        Err(err) => return internal(&err.to_string()),
    };
    let (before, after) = match (
        state.entries.snapshot(kind, &slug, from).await,
        state.entries.snapshot(kind, &slug, to).await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(EntryError::NotFound), _) | (_, Err(EntryError::NotFound)) => {
            return problem(&state, parts, PageProblem::NotFound).await;
        }
        (Err(err), _) | (_, Err(err)) => return internal(&err.to_string()),
    };
    let (can_edit, _) = rights(&state, &parts, kind, &slug).await;
    let data = CompareData {
        section: kind.section().into(),
        slug: slug.clone(),
        name: header.name,
        from,
        to,
        changes: app::editing::compare_snapshots(&before, &after),
        can_edit,
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

async fn restore(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let pairs = match read_pairs(body, FORM_LIMIT).await {
        Ok(pairs) => pairs,
        Err(response) => return response,
    };
    let Some(version) = pairs
        .iter()
        .find(|(k, _)| k == "version")
        .and_then(|(_, v)| v.parse::<i32>().ok())
    else {
        return (StatusCode::BAD_REQUEST, "Version fehlt. / Version missing.").into_response();
    };
    let actor = match state.accounts.actor(viewer.user_id).await {
        Ok(actor) => actor,
        Err(err) => return internal(&err.to_string()),
    };
    match state.entries.restore_solution(&actor, &slug, version).await {
        Ok(slug) => {
            Redirect::to(&format!("/loesungen/{slug}/versionen?gespeichert=1")).into_response()
        }
        Err(EntryError::Invalid(_)) => {
            // An old version that no longer passes today's rules: open it in the form.
            let input = state
                .entries
                .snapshot(EntryKind::Solution, &slug, version)
                .await
                .map(|s| input_from_snapshot(&s));
            match input {
                Ok(input) => {
                    save_failed(
                        &state,
                        parts,
                        Some(slug),
                        input.clone(),
                        input
                            .parse()
                            .err()
                            .map_or(EntryError::NotFound, EntryError::Invalid),
                    )
                    .await
                }
                Err(err) => {
                    save_failed(&state, parts, Some(slug), SolutionInput::default(), err).await
                }
            }
        }
        Err(err) => save_failed(&state, parts, Some(slug), SolutionInput::default(), err).await,
    }
}

async fn archive(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
    kind: EntryKind,
) -> Response {
    let (parts, body) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let pairs = match read_pairs(body, FORM_LIMIT).await {
        Ok(pairs) => pairs,
        Err(response) => return response,
    };
    let archived = pairs.iter().any(|(k, v)| k == "archived" && v == "true");
    let actor = match state.accounts.actor(viewer.user_id).await {
        Ok(actor) => actor,
        Err(err) => return internal(&err.to_string()),
    };
    match state
        .entries
        .set_archived(&actor, kind, &slug, archived)
        .await
    {
        Ok(()) => Redirect::to(&format!("/{}/{slug}", kind.section())).into_response(),
        Err(EntryError::Forbidden) => problem(&state, parts, PageProblem::Forbidden).await,
        Err(EntryError::NotFound) => problem(&state, parts, PageProblem::NotFound).await,
        Err(err) => internal(&err.to_string()),
    }
}

/// Middleware: a page of an entry whose slug changed answers with a permanent redirect to
/// the same page under the new slug (`/loesungen/alt/versionen` → `/loesungen/neu/versionen`).
pub async fn redirect_moved(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let response = next.run(request).await;
    if response.status() != StatusCode::NOT_FOUND
        || !(method == axum::http::Method::GET || method == axum::http::Method::HEAD)
    {
        return response;
    }
    let path = uri.path();
    let (kind, rest) = if let Some(rest) = path.strip_prefix("/loesungen/") {
        (EntryKind::Solution, rest)
    } else if let Some(rest) = path.strip_prefix("/datenmodelle/") {
        (EntryKind::DataModel, rest)
    } else {
        return response;
    };
    let (slug, tail) = rest.split_once('/').map_or((rest, ""), |(s, t)| (s, t));
    if !app::validation::is_slug(slug) {
        return response;
    }
    match state.entries.moved(kind, slug).await {
        Ok(Some(new_slug)) => {
            let mut target = format!("/{}/{new_slug}", kind.section());
            if !tail.is_empty() {
                target.push('/');
                target.push_str(tail);
            }
            if let Some(query) = uri.query() {
                target.push('?');
                target.push_str(query);
            }
            (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, target)]).into_response()
        }
        _ => response,
    }
}

// --- Data models ---

/// The data model form's pairs as input.
pub fn model_input_from_pairs(pairs: &[(String, String)]) -> DataModelInput {
    let one = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    DataModelInput {
        organisation: one("organisation"),
        name: one("name"),
        slug: one("slug"),
        short_description: one("short_description"),
        description: one("description"),
        domain: one("domain"),
        json_schema: one("json_schema"),
        examples: one("examples"),
        version: one("version"),
        licence: one("licence"),
        change_message: one("change_message"),
    }
}

/// Data model input as form values.
pub fn model_form_values(input: &DataModelInput) -> BTreeMap<String, String> {
    [
        ("organisation", &input.organisation),
        ("name", &input.name),
        ("slug", &input.slug),
        ("short_description", &input.short_description),
        ("description", &input.description),
        ("domain", &input.domain),
        ("json_schema", &input.json_schema),
        ("examples", &input.examples),
        ("version", &input.version),
        ("licence", &input.licence),
        ("change_message", &input.change_message),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.clone()))
    .collect()
}

async fn model_form_page(
    state: &AppState,
    parts: Parts,
    editing: Option<String>,
    input: DataModelInput,
    status: StatusCode,
    form: FormState,
) -> Response {
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let data = DataModelFormData {
        editing,
        organisations: publishable(&viewer),
    };
    let form = FormState {
        form: "data_model".into(),
        values: model_form_values(&input),
        ..form
    };
    render_with(state, parts, status, Some(data), form).await
}

async fn model_save_failed(
    state: &AppState,
    parts: Parts,
    editing: Option<String>,
    input: DataModelInput,
    error: EntryError,
) -> Response {
    match error {
        EntryError::Invalid(errors) => {
            let form = FormState {
                errors,
                ..FormState::default()
            };
            model_form_page(
                state,
                parts,
                editing,
                input,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
            )
            .await
        }
        EntryError::Forbidden => problem(state, parts, PageProblem::Forbidden).await,
        EntryError::NotFound => problem(state, parts, PageProblem::NotFound).await,
        EntryError::Database(err) => internal(&err.to_string()),
    }
}

async fn new_model_page(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let input = DataModelInput {
        organisation: viewer.memberships.first().map(|m| m.slug.clone()).unwrap_or_default(),
        version: "1.0.0".into(),
        licence: "CC-BY-4.0".into(),
        json_schema: "{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n  \"type\": \"object\",\n  \"properties\": {\n  },\n  \"required\": []\n}".into(),
        ..DataModelInput::default()
    };
    model_form_page(
        &state,
        parts,
        None,
        input,
        StatusCode::OK,
        FormState::default(),
    )
    .await
}

async fn new_model_submit(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let pairs = match read_pairs(body, FORM_LIMIT).await {
        Ok(pairs) => pairs,
        Err(response) => return response,
    };
    let input = model_input_from_pairs(&pairs);
    let actor = match state.accounts.actor(viewer.user_id).await {
        Ok(actor) => actor,
        Err(err) => return internal(&err.to_string()),
    };
    match state.entries.create_data_model(&actor, &input).await {
        Ok(slug) => Redirect::to(&format!("/datenmodelle/{slug}?gespeichert=1")).into_response(),
        Err(err) => model_save_failed(&state, parts, None, input, err).await,
    }
}

async fn edit_model_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let actor = match state.accounts.actor(viewer.user_id).await {
        Ok(actor) => actor,
        Err(err) => return internal(&err.to_string()),
    };
    match state.entries.owner(EntryKind::DataModel, &slug).await {
        Ok(owner) if allowed(&actor, Action::EditEntries, owner) => {}
        Ok(_) => return problem(&state, parts, PageProblem::Forbidden).await,
        Err(EntryError::NotFound) => return problem(&state, parts, PageProblem::NotFound).await,
        Err(err) => return internal(&err.to_string()),
    }
    match state.entries.data_model_input(&slug).await {
        Ok(input) => {
            model_form_page(
                &state,
                parts,
                Some(slug),
                input,
                StatusCode::OK,
                FormState::default(),
            )
            .await
        }
        Err(err) => {
            model_save_failed(&state, parts, Some(slug), DataModelInput::default(), err).await
        }
    }
}

async fn edit_model_submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let pairs = match read_pairs(body, FORM_LIMIT).await {
        Ok(pairs) => pairs,
        Err(response) => return response,
    };
    let input = model_input_from_pairs(&pairs);
    let actor = match state.accounts.actor(viewer.user_id).await {
        Ok(actor) => actor,
        Err(err) => return internal(&err.to_string()),
    };
    match state.entries.update_data_model(&actor, &slug, &input).await {
        Ok(new_slug) => {
            Redirect::to(&format!("/datenmodelle/{new_slug}?gespeichert=1")).into_response()
        }
        Err(err) => model_save_failed(&state, parts, Some(slug), input, err).await,
    }
}

async fn model_restore(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let pairs = match read_pairs(body, FORM_LIMIT).await {
        Ok(pairs) => pairs,
        Err(response) => return response,
    };
    let Some(version) = pairs
        .iter()
        .find(|(k, _)| k == "version")
        .and_then(|(_, v)| v.parse::<i32>().ok())
    else {
        return (StatusCode::BAD_REQUEST, "Version fehlt. / Version missing.").into_response();
    };
    let actor = match state.accounts.actor(viewer.user_id).await {
        Ok(actor) => actor,
        Err(err) => return internal(&err.to_string()),
    };
    match state
        .entries
        .restore_data_model(&actor, &slug, version)
        .await
    {
        Ok(slug) => {
            Redirect::to(&format!("/datenmodelle/{slug}/versionen?gespeichert=1")).into_response()
        }
        Err(EntryError::Invalid(errors)) => {
            let input = state
                .entries
                .snapshot(EntryKind::DataModel, &slug, version)
                .await
                .map(|s| data_model_input_from_snapshot(&s));
            model_save_failed(
                &state,
                parts,
                Some(slug),
                input.unwrap_or_default(),
                EntryError::Invalid(errors),
            )
            .await
        }
        Err(err) => {
            model_save_failed(&state, parts, Some(slug), DataModelInput::default(), err).await
        }
    }
}
