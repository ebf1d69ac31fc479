//! Publishing (`app::routes::entry_forms`): the solution and data-model forms (new and
//! edit), the version history, the comparison of two versions, restoring and archiving.
//! POST validates through [`crate::services::entries::Entries`] and redirects, or renders
//! the form again with every typed value kept and the errors beside the fields.

use std::collections::BTreeMap;

use app::account::{FormState, Notice};
use app::data_model_rules::DataModelInput;
use app::editing::{CompareData, DataModelFormData, HistoryData, RevisionRow, SolutionFormData};
use app::entry_rules::{ContactInput, ContractorInput, SolutionInput};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use crate::accounts::authz::{Action, allowed};
use crate::http::error::{PageError, refusals};
use crate::http::extract::{
    FormPairs, LARGE_FORM, MaybeViewer, PageLang, Section, SignedIn, query_has, query_pairs,
};
use crate::http::render;
use crate::http::state::AppState;
use crate::services::entries::{
    EntryError, EntryKind, data_model_input_from_snapshot, input_from_snapshot,
};

/// A publishing form's body.
type EntryForm = FormPairs<LARGE_FORM>;

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

fn licence_verdict(input: &SolutionInput) -> Option<app::licences::LicenceVerdict> {
    app::licences::check_expression(&input.licence).ok()
}

/// What the solution and the data-model form differ in.
trait PublishingForm: Sized {
    /// The form's name in `FormState`.
    const FORM: &'static str;
    /// The page data the form's view reads.
    type Data: Clone + Send + Sync + 'static;
    /// The field values to show.
    fn values(&self) -> BTreeMap<String, String>;
    /// The page data for editing `editing` (or a new entry) by a person of `organisations`.
    fn data(&self, editing: Option<String>, organisations: Vec<(String, String)>) -> Self::Data;
}

impl PublishingForm for SolutionInput {
    const FORM: &'static str = "solution";
    type Data = SolutionFormData;

    fn values(&self) -> BTreeMap<String, String> {
        form_values(self)
    }

    fn data(&self, editing: Option<String>, organisations: Vec<(String, String)>) -> Self::Data {
        SolutionFormData {
            editing,
            organisations,
            licence: licence_verdict(self),
        }
    }
}

impl PublishingForm for DataModelInput {
    const FORM: &'static str = "data_model";
    type Data = DataModelFormData;

    fn values(&self) -> BTreeMap<String, String> {
        model_form_values(self)
    }

    fn data(&self, editing: Option<String>, organisations: Vec<(String, String)>) -> Self::Data {
        DataModelFormData {
            editing,
            organisations,
        }
    }
}

/// A publishing form with `input` in its fields.
async fn show_form<I: PublishingForm>(
    state: &AppState,
    parts: Parts,
    person: &SignedIn,
    editing: Option<String>,
    input: I,
    status: StatusCode,
    form: FormState,
) -> Response {
    let data = input.data(editing, person.publishable());
    let form = FormState {
        form: I::FORM.into(),
        values: input.values(),
        ..form
    };
    render::page(state, parts, status, Some(data), form).await
}

/// After a failed save: the same form again with the typed values and the errors, or the
/// problem page.
async fn save_failed<I: PublishingForm>(
    state: &AppState,
    parts: Parts,
    person: &SignedIn,
    editing: Option<String>,
    input: I,
    error: EntryError,
) -> Result<Response, PageError> {
    let EntryError::Invalid(errors) = error else {
        return Err(error.into());
    };
    let form = FormState {
        errors,
        ..FormState::default()
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(show_form(state, parts, person, editing, input, status, form).await)
}

/// `GET /loesungen/neu`
pub async fn new_solution_page(
    State(state): State<AppState>,
    person: SignedIn,
    parts: Parts,
) -> Response {
    let input = SolutionInput {
        organisation: person.first_organisation(),
        licence: "EUPL-1.2".into(),
        ..SolutionInput::default()
    };
    let data = SolutionFormData {
        editing: None,
        organisations: person.publishable(),
        licence: None,
    };
    let form = FormState {
        form: "solution".into(),
        values: form_values(&input),
        ..FormState::default()
    };
    render::page(&state, parts, StatusCode::OK, Some(data), form).await
}

/// `POST /loesungen/neu`
pub async fn new_solution_submit(
    State(state): State<AppState>,
    person: SignedIn,
    parts: Parts,
    FormPairs(pairs): EntryForm,
) -> Result<Response, PageError> {
    let input = input_from_pairs(&pairs);
    match state.entries.create_solution(&person.actor, &input).await {
        Ok(slug) => Ok(saved(&format!("/loesungen/{slug}"))),
        Err(err) => save_failed(&state, parts, &person, None, input, err).await,
    }
}

/// `GET /loesungen/{slug}/bearbeiten`
pub async fn edit_solution_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    person: SignedIn,
    parts: Parts,
) -> Result<Response, PageError> {
    may_edit(&state, &person, EntryKind::Solution, &slug).await?;
    let input = state.entries.solution_input(&slug).await?;
    let form = FormState::default();
    Ok(show_form(
        &state,
        parts,
        &person,
        Some(slug),
        input,
        StatusCode::OK,
        form,
    )
    .await)
}

/// `POST /loesungen/{slug}/bearbeiten`
pub async fn edit_solution_submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    person: SignedIn,
    parts: Parts,
    FormPairs(pairs): EntryForm,
) -> Result<Response, PageError> {
    let input = input_from_pairs(&pairs);
    match state
        .entries
        .update_solution(&person.actor, &slug, &input)
        .await
    {
        Ok(new_slug) => Ok(saved(&format!("/loesungen/{new_slug}"))),
        Err(err) => save_failed(&state, parts, &person, Some(slug), input, err).await,
    }
}

/// `POST /loesungen/{slug}/wiederherstellen`: saves an earlier version as the newest. A
/// version that no longer passes today's rules opens in the form with its errors.
pub async fn restore_solution(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    person: SignedIn,
    parts: Parts,
    form: EntryForm,
) -> Result<Response, PageError> {
    let version = version_of(&form)?;
    match state
        .entries
        .restore_solution(&person.actor, &slug, version)
        .await
    {
        Ok(slug) => Ok(saved(&format!("/loesungen/{slug}/versionen"))),
        Err(EntryError::Invalid(_)) => {
            let snapshot = state
                .entries
                .snapshot(EntryKind::Solution, &slug, version)
                .await?;
            let input = input_from_snapshot(&snapshot);
            let error = input
                .parse()
                .err()
                .map_or(EntryError::NotFound, EntryError::Invalid);
            save_failed(&state, parts, &person, Some(slug), input, error).await
        }
        Err(err) => Err(err.into()),
    }
}

/// `GET /datenmodelle/neu`
pub async fn new_model_page(
    State(state): State<AppState>,
    person: SignedIn,
    parts: Parts,
) -> Response {
    let input = DataModelInput {
        organisation: person.first_organisation(),
        version: "1.0.0".into(),
        licence: "CC-BY-4.0".into(),
        json_schema: NEW_SCHEMA.into(),
        ..DataModelInput::default()
    };
    let form = FormState::default();
    show_form(&state, parts, &person, None, input, StatusCode::OK, form).await
}

/// The schema a new data model starts with.
const NEW_SCHEMA: &str = "{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n  \"type\": \"object\",\n  \"properties\": {\n  },\n  \"required\": []\n}";

/// `POST /datenmodelle/neu`
pub async fn new_model_submit(
    State(state): State<AppState>,
    person: SignedIn,
    parts: Parts,
    FormPairs(pairs): EntryForm,
) -> Result<Response, PageError> {
    let input = model_input_from_pairs(&pairs);
    match state.entries.create_data_model(&person.actor, &input).await {
        Ok(slug) => Ok(saved(&format!("/datenmodelle/{slug}"))),
        Err(err) => save_failed(&state, parts, &person, None, input, err).await,
    }
}

/// `GET /datenmodelle/{slug}/bearbeiten`
pub async fn edit_model_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    person: SignedIn,
    parts: Parts,
) -> Result<Response, PageError> {
    may_edit(&state, &person, EntryKind::DataModel, &slug).await?;
    let input = state.entries.data_model_input(&slug).await?;
    let form = FormState::default();
    Ok(show_form(
        &state,
        parts,
        &person,
        Some(slug),
        input,
        StatusCode::OK,
        form,
    )
    .await)
}

/// `POST /datenmodelle/{slug}/bearbeiten`
pub async fn edit_model_submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    person: SignedIn,
    parts: Parts,
    FormPairs(pairs): EntryForm,
) -> Result<Response, PageError> {
    let input = model_input_from_pairs(&pairs);
    match state
        .entries
        .update_data_model(&person.actor, &slug, &input)
        .await
    {
        Ok(new_slug) => Ok(saved(&format!("/datenmodelle/{new_slug}"))),
        Err(err) => save_failed(&state, parts, &person, Some(slug), input, err).await,
    }
}

/// `POST /datenmodelle/{slug}/wiederherstellen` (see [`restore_solution`]).
pub async fn restore_model(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    person: SignedIn,
    parts: Parts,
    form: EntryForm,
) -> Result<Response, PageError> {
    let version = version_of(&form)?;
    match state
        .entries
        .restore_data_model(&person.actor, &slug, version)
        .await
    {
        Ok(slug) => Ok(saved(&format!("/datenmodelle/{slug}/versionen"))),
        Err(EntryError::Invalid(errors)) => {
            let input = state
                .entries
                .snapshot(EntryKind::DataModel, &slug, version)
                .await
                .map(|s| data_model_input_from_snapshot(&s))
                .unwrap_or_default();
            let error = EntryError::Invalid(errors);
            save_failed(&state, parts, &person, Some(slug), input, error).await
        }
        Err(err) => Err(err.into()),
    }
}

/// To a page after saving, with the "saved" notice.
fn saved(path: &str) -> Response {
    Redirect::to(&format!("{path}?gespeichert=1")).into_response()
}

/// The `version` field of a restore form.
fn version_of(form: &EntryForm) -> Result<i32, PageError> {
    form.one("version")
        .parse::<i32>()
        .map_err(|_| PageError::BadRequest(refusals::VERSION_MISSING))
}

/// Refuses the edit form to a person who may not edit the entry.
async fn may_edit(
    state: &AppState,
    person: &SignedIn,
    kind: EntryKind,
    slug: &str,
) -> Result<(), PageError> {
    let owner = state.entries.owner(kind, slug).await?;
    if allowed(&person.actor, Action::EditEntries, owner) {
        Ok(())
    } else {
        Err(PageError::Forbidden)
    }
}

/// What the viewer may do with an entry: (edit, archive).
async fn rights(
    state: &AppState,
    viewer: Option<&app::account::Viewer>,
    kind: EntryKind,
    slug: &str,
) -> (bool, bool) {
    let Some(viewer) = viewer else {
        return (false, false);
    };
    let Ok(owner) = state.entries.owner(kind, slug).await else {
        return (false, false);
    };
    let actor = crate::accounts::Actor::from(viewer);
    (
        allowed(&actor, Action::EditEntries, owner),
        allowed(&actor, Action::ManageMembers, owner),
    )
}

/// `GET /loesungen/{slug}/versionen`, `GET /datenmodelle/{slug}/versionen`
pub async fn history_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Section(kind): Section,
    MaybeViewer(viewer): MaybeViewer,
    PageLang(lang): PageLang,
    parts: Parts,
) -> Result<Response, PageError> {
    let header = state.entries.summary(kind, &slug).await?;
    let revisions = state.entries.revisions(kind, &slug).await?;
    let (can_edit, can_archive) = rights(&state, viewer.as_ref(), kind, &slug).await;
    let notice = query_has(&parts, "gespeichert=1").then(|| FormState {
        form: "history".into(),
        notice: Some(Notice::Success(lang.texts().notices.saved.into())),
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
    let form = notice.unwrap_or_default();
    Ok(render::page(&state, parts, StatusCode::OK, Some(data), form).await)
}

/// `GET …/vergleich?von=1&bis=2`: the changes between two versions.
pub async fn compare_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Section(kind): Section,
    MaybeViewer(viewer): MaybeViewer,
    parts: Parts,
) -> Result<Response, PageError> {
    let pairs = query_pairs(&parts);
    let number = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .and_then(|(_, v)| v.trim().parse::<i32>().ok())
    };
    let Some((from, to)) = number("von").zip(number("bis")) else {
        return Ok(Redirect::to(&format!("/{}/{slug}/versionen", kind.section())).into_response());
    };
    let header = state.entries.summary(kind, &slug).await?;
    let before = state.entries.snapshot(kind, &slug, from).await?;
    let after = state.entries.snapshot(kind, &slug, to).await?;
    let (can_edit, _) = rights(&state, viewer.as_ref(), kind, &slug).await;
    let data = CompareData {
        section: kind.section().into(),
        slug: slug.clone(),
        name: header.name,
        from,
        to,
        changes: app::editing::compare_snapshots(&before, &after),
        can_edit,
    };
    Ok(render::page(
        &state,
        parts,
        StatusCode::OK,
        Some(data),
        FormState::default(),
    )
    .await)
}

/// `POST …/archiv`: archives an entry or takes it out of the archive.
pub async fn archive(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Section(kind): Section,
    person: SignedIn,
    form: EntryForm,
) -> Result<Response, PageError> {
    let archived = form.all("archived").iter().any(|v| v == "true");
    state
        .entries
        .set_archived(&person.actor, kind, &slug, archived)
        .await?;
    Ok(Redirect::to(&format!("/{}/{slug}", kind.section())).into_response())
}

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
