//! Publishing (`app::routes::entry_forms`): the solution and data-model forms (new and
//! edit), the version history, the comparison of two versions, restoring and archiving.
//! POST validates through [`crate::services::entries::Entries`] and redirects, or renders
//! the form again with every typed value kept and the errors beside the fields.

use app::account::{FormState, Notice};
use app::data_model_rules::DataModelInput;
use app::editing::{CompareData, DataModelFormData, HistoryData, RevisionRow, SolutionFormData};
use app::entry_rules::SolutionInput;
use app::form_fields::{self, FormFields};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use crate::accounts::authz::{Action, allowed};
use crate::http::error::{PageError, refusals};
use crate::http::extract::{
    FormPairs, LARGE_FORM, MaybeViewer, PageLang, Reads, Section, SignedIn, query_has, query_pairs,
};
use crate::http::render;
use crate::http::state::AppState;
use crate::services::entries::{
    EntryError, EntryKind, data_model_input_from_snapshot, input_from_snapshot,
};
use crate::services::idempotency::{Claim, StoredAnswer, fingerprint};

/// A publishing form's body.
type EntryForm = FormPairs<LARGE_FORM>;

fn licence_verdict(input: &SolutionInput) -> Option<app::licences::LicenceVerdict> {
    app::licences::check_expression(&input.licence).ok()
}

/// The hidden field with a new entry's one-time submission token.
const SUBMISSION: &str = "submission";

/// A new entry's form submitted once more (a double click, a reload of the POST): the
/// one-time token in its hidden field is claimed before saving, so the second submit waits
/// for the first and is sent where the first went instead of publishing twice.
enum Submission {
    /// Save now; settle the claim (if the form had a token) with the outcome.
    Fresh(Claimed),
    /// The form was saved already: the redirect to where it went.
    Done(Response),
}

/// A claimed token (caller, key), if the form carried one.
struct Claimed(Option<(String, String)>);

impl Submission {
    async fn claim(
        state: &AppState,
        person: &SignedIn,
        pairs: &[(String, String)],
    ) -> Result<Submission, PageError> {
        let token = pairs
            .iter()
            .rev()
            .find(|(k, _)| k == SUBMISSION)
            .map(|(_, v)| v.clone())
            .filter(|t| crate::services::idempotency::is_valid_key(t));
        let (Some(token), Some(user)) = (token, person.actor.user_id) else {
            return Ok(Submission::Fresh(Claimed(None)));
        };
        let caller = fingerprint(&[b"form", user.as_bytes()]);
        let form = fingerprint(&[b"new entry form"]);
        let store = state.entries.idempotency();
        // The first submit is still saving: wait for it (a save takes milliseconds).
        for _ in 0..100 {
            match store.claim(&caller, &token, &form).await? {
                Claim::New => return Ok(Submission::Fresh(Claimed(Some((caller, token))))),
                // Not possible with one fingerprint for every form; save without a claim.
                Claim::Mismatch => return Ok(Submission::Fresh(Claimed(None))),
                Claim::Replay(answer) => {
                    let to = answer.location.unwrap_or_else(|| "/".into());
                    return Ok(Submission::Done(saved(&to)));
                }
                Claim::InFlight => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            }
        }
        Err(PageError::Internal(
            "the first submit of a form did not finish within 10 s".into(),
        ))
    }
}

impl Claimed {
    /// Keeps where a successful save went, or frees the token after a failed one (the form
    /// comes back with its errors and a new token).
    async fn settle(
        self,
        state: &AppState,
        result: Result<String, EntryError>,
    ) -> Result<String, EntryError> {
        let Claimed(Some((caller, key))) = self else {
            return result;
        };
        let store = state.entries.idempotency();
        let kept = match &result {
            Ok(url) => {
                let answer = StoredAnswer {
                    status: 303,
                    content_type: None,
                    location: Some(url.clone()),
                    body: Vec::new(),
                };
                store.complete(&caller, &key, &answer).await
            }
            Err(_) => store.release(&caller, &key).await,
        };
        if let Err(err) = kept {
            tracing::warn!(error = %err, "settling a form's submission token failed");
        }
        result
    }
}

/// What the solution and the data-model form differ in.
trait PublishingForm: FormFields {
    /// The form's name in `FormState`.
    const FORM: &'static str;
    /// The page data the form's view reads.
    type Data: Clone + Send + Sync + 'static;
    /// The page data for editing `editing` (or a new entry) by a person of `organisations`.
    fn data(&self, editing: Option<String>, organisations: Vec<(String, String)>) -> Self::Data;
}

impl PublishingForm for SolutionInput {
    const FORM: &'static str = "solution";
    type Data = SolutionFormData;

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
    let mut values = form_fields::to_values(&input);
    if editing.is_none() {
        values.insert(SUBMISSION.into(), uuid::Uuid::new_v4().to_string());
    }
    let data = input.data(editing, person.publishable());
    let form = FormState {
        form: I::FORM.into(),
        values,
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
    let mut values = form_fields::to_values(&input);
    values.insert(SUBMISSION.into(), uuid::Uuid::new_v4().to_string());
    let form = FormState {
        form: "solution".into(),
        values,
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
    let submission = match Submission::claim(&state, &person, &pairs).await? {
        Submission::Fresh(submission) => submission,
        Submission::Done(response) => return Ok(response),
    };
    let input: SolutionInput = form_fields::from_pairs(&pairs);
    let result = state.entries.create_solution(&person.actor, &input).await;
    let result = result.map(|slug| format!("/loesungen/{slug}"));
    match submission.settle(&state, result).await {
        Ok(url) => Ok(saved(&url)),
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
    let input: SolutionInput = form_fields::from_pairs(&pairs);
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
    let submission = match Submission::claim(&state, &person, &pairs).await? {
        Submission::Fresh(submission) => submission,
        Submission::Done(response) => return Ok(response),
    };
    let input: DataModelInput = form_fields::from_pairs(&pairs);
    let result = state.entries.create_data_model(&person.actor, &input).await;
    let result = result.map(|slug| format!("/datenmodelle/{slug}"));
    match submission.settle(&state, result).await {
        Ok(url) => Ok(saved(&url)),
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
    let input: DataModelInput = form_fields::from_pairs(&pairs);
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
    Reads(from): Reads,
    parts: Parts,
) -> Result<Response, PageError> {
    let reads = state.entries.public_reads(from);
    let header = reads.summary(kind, &slug).await?;
    let revisions = reads.revisions(kind, &slug).await?;
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
    Reads(reading): Reads,
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
    let reads = state.entries.public_reads(reading);
    let header = reads.summary(kind, &slug).await?;
    let before = reads.snapshot(kind, &slug, from).await?;
    let after = reads.snapshot(kind, &slug, to).await?;
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
