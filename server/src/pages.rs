//! The account and organisation management pages: server-rendered forms that work without
//! JavaScript. A GET renders the page with its data; a POST validates, acts, and either
//! redirects (303, so reloading does not resubmit) or renders the same page again with
//! every typed value kept and the errors beside the fields.

use std::collections::BTreeMap;
use std::time::Duration;

use app::account::{FormState, Notice, PageProblem, Viewer};
use app::i18n::Lang;
use app::model::Role;
use app::validation::{FieldError, NewOrganisation, Registration};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use leptos::prelude::provide_context;
use uuid::Uuid;

use crate::accounts::orgs::Hideable;
use crate::accounts::sessions::{self, ActiveSession};
use crate::accounts::{AccountError, Actor, Channel};
use crate::security::caller_of;
use crate::web::{AppState, is_local_path, page_context};

/// Largest form body read (forms here are a few fields).
const FORM_LIMIT: usize = 64 * 1024;

/// Paths these handlers render; excluded from the generated Leptos routes.
pub const PATHS: &[&str] = &[
    "/registrieren",
    "/anmelden",
    "/konto",
    "/organisationen/neu",
    "/organisationen/{slug}/mitglieder",
    "/organisationen/{slug}/tokens",
    "/organisationen/{slug}/protokoll",
    "/verwaltung/protokoll",
    "/einladung/{code}",
];

/// The routes of these pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/registrieren", get(register_page).post(register_submit))
        .route("/anmelden", get(login_page).post(login_submit))
        .route("/abmelden", post(logout))
        .route("/konto", get(account_page).post(account_submit))
        .route(
            "/organisationen/neu",
            get(new_org_page).post(new_org_submit),
        )
        .route(
            "/organisationen/{slug}/mitglieder",
            get(members_page).post(members_submit),
        )
        .route(
            "/organisationen/{slug}/tokens",
            get(tokens_page).post(tokens_submit),
        )
        .route("/organisationen/{slug}/protokoll", get(org_audit_page))
        .route("/verwaltung/protokoll", get(site_audit_page))
        .route("/verwaltung/sichtbarkeit", post(moderate))
        .route(
            "/einladung/{code}",
            get(invitation_page).post(invitation_submit),
        )
}

pub(crate) fn lang_of(parts: &Parts) -> Lang {
    let header = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    Lang::negotiate(header(header::COOKIE), header(header::ACCEPT_LANGUAGE))
}

fn secure(state: &AppState) -> bool {
    state.site.public_url.starts_with("https://")
}

/// Renders the app for this request with extra context, and sets the status.
async fn render<F>(state: &AppState, parts: Parts, status: StatusCode, extra: F) -> Response
where
    F: Fn() + Clone + Send + Sync + 'static,
{
    let base = page_context(state);
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            base();
            extra();
        },
        move || app::shell(options.clone()),
    );
    let mut response = handler(Request::from_parts(parts, Body::empty())).await;
    if status != StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// Renders with page data and form state.
pub(crate) async fn render_with<T>(
    state: &AppState,
    parts: Parts,
    status: StatusCode,
    data: Option<T>,
    form: FormState,
) -> Response
where
    T: Clone + Send + Sync + 'static,
{
    render(state, parts, status, move || {
        if let Some(data) = data.clone() {
            provide_context(data);
        }
        provide_context(form.clone());
    })
    .await
}

/// A page that cannot be shown: not found or not allowed.
pub(crate) async fn problem(state: &AppState, parts: Parts, problem: PageProblem) -> Response {
    let status = match problem {
        PageProblem::NotFound => StatusCode::NOT_FOUND,
        PageProblem::Forbidden => StatusCode::FORBIDDEN,
    };
    render(state, parts, status, move || provide_context(problem)).await
}

/// To the login page, coming back here afterwards.
pub(crate) fn to_login(parts: &Parts) -> Response {
    let back = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let target = format!("/anmelden?weiter={}", urlencode(back));
    Redirect::to(&target).into_response()
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

/// Reads an url-encoded form body of at most `limit` bytes as pairs (checkbox groups
/// repeat their name); the answer to give instead when it is too large or unreadable.
pub(crate) async fn read_pairs(
    body: Body,
    limit: usize,
) -> Result<Vec<(String, String)>, Response> {
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            "Das Formular ist zu groß. / The form is too large.",
        )
            .into_response()
    })?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| {
        (
            StatusCode::BAD_REQUEST,
            "Das Formular ist unlesbar. / The form cannot be read.",
        )
            .into_response()
    })?;
    // PostgreSQL text cannot hold NUL: refuse it here rather than as a database error.
    if pairs
        .iter()
        .any(|(k, v)| k.contains('\0') || v.contains('\0'))
    {
        let message = "Das Formular enthält ein Nullzeichen, das nicht gespeichert werden kann. / The form contains a NUL character.";
        return Err((StatusCode::BAD_REQUEST, message).into_response());
    }
    Ok(pairs)
}

/// Reads an url-encoded form body as a map (last value wins).
async fn read_form(body: Body) -> Result<BTreeMap<String, String>, Response> {
    Ok(read_pairs(body, FORM_LIMIT).await?.into_iter().collect())
}

fn field<'a>(form: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    form.get(name).map_or("", String::as_str)
}

/// The typed values to keep, without passwords.
fn kept(form: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    form.iter()
        .filter(|(k, _)| !k.contains("password"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Turns a failed operation into the re-rendered form (or an error page).
async fn failed<T>(
    state: &AppState,
    parts: Parts,
    data: Option<T>,
    form_name: &str,
    form: &BTreeMap<String, String>,
    error: AccountError,
) -> Response
where
    T: Clone + Send + Sync + 'static,
{
    let lang = lang_of(&parts);
    let mut state_of_form = FormState {
        form: form_name.to_owned(),
        values: kept(form),
        ..FormState::default()
    };
    let mut retry_after = None;
    let status = match error {
        AccountError::Invalid(errors) => {
            state_of_form.errors = errors;
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AccountError::InvalidCredentials => {
            state_of_form.notice = Some(Notice::Error(
                match lang {
                    Lang::De => "E-Mail-Adresse oder Passwort ist nicht richtig.",
                    Lang::En => "E-mail address or password is not correct.",
                }
                .into(),
            ));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AccountError::RateLimited(wait) => {
            retry_after = Some(wait);
            state_of_form.notice = Some(Notice::Error(
                lang.texts().account.too_many_attempts(retry_seconds(wait)),
            ));
            StatusCode::TOO_MANY_REQUESTS
        }
        AccountError::Refused(refusal) => {
            state_of_form.notice = Some(Notice::Error(refusal.message(lang).to_owned()));
            StatusCode::CONFLICT
        }
        AccountError::Forbidden => return problem(state, parts, PageProblem::Forbidden).await,
        AccountError::NotFound => return problem(state, parts, PageProblem::NotFound).await,
        AccountError::Database(err) => return internal(&err.to_string()),
        AccountError::Internal(err) => return internal(&err),
    };
    let mut response = render_with(state, parts, status, data, state_of_form).await;
    if let Some(wait) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_seconds(wait)));
    }
    response
}

/// Whole seconds to wait, rounded up.
fn retry_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// A 500 answer for a failure whose details only belong in the log.
pub(crate) fn internal(err: &str) -> Response {
    tracing::error!(error = %err, "request failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Interner Fehler. Bitte versuchen Sie es später erneut. / Internal error.",
    )
        .into_response()
}

/// A redirect that also sets the session cookie.
fn redirect_with_cookie(target: &str, cookie: String) -> Response {
    let mut response = Redirect::to(target).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn success(message_de: &str, message_en: &str, lang: Lang, form: &str) -> FormState {
    FormState {
        form: form.to_owned(),
        notice: Some(Notice::Success(match lang {
            Lang::De => message_de.to_owned(),
            Lang::En => message_en.to_owned(),
        })),
        ..FormState::default()
    }
}

// --- Registration, login, logout ---

async fn register_page(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    if parts.extensions.get::<Viewer>().is_some() {
        return Redirect::to("/konto").into_response();
    }
    render_with::<()>(&state, parts, StatusCode::OK, None, FormState::default()).await
}

async fn register_submit(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let form = match read_form(body).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let caller = caller_of(&parts);
    let registration = Registration::parse(
        field(&form, "name"),
        field(&form, "email"),
        field(&form, "password"),
        field(&form, "password_repeat"),
    );
    let result = match registration {
        Ok(registration) => {
            state
                .accounts
                .sign_up(&registration, &caller, &state.site.public_url)
                .await
        }
        Err(errors) => Err(AccountError::Invalid(errors)),
    };
    match result {
        // New address or not: the same answer (no session either way, or it would tell),
        // and the person logs in on the next page.
        Ok(()) => Redirect::to(REGISTERED).into_response(),
        Err(err) => failed::<()>(&state, parts, None, "register", &form, err).await,
    }
}

/// Where every successful registration form goes: the login page with a notice.
const REGISTERED: &str = "/anmelden?registriert=1";

async fn login_page(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    if parts.extensions.get::<Viewer>().is_some() {
        return Redirect::to("/konto").into_response();
    }
    let registered = parts
        .uri
        .query()
        .is_some_and(|q| q.split('&').any(|pair| pair == "registriert=1"));
    let form = if registered {
        let texts = &lang_of(&parts).texts().account;
        FormState {
            form: "login".into(),
            notice: Some(Notice::Success(texts.register_received.into())),
            ..FormState::default()
        }
    } else {
        FormState::default()
    };
    render_with::<()>(&state, parts, StatusCode::OK, None, form).await
}

async fn login_submit(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let form = match read_form(body).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let caller = caller_of(&parts);
    // A session the browser brought along is ended: the login gets a new id.
    if let Some(old) = parts.extensions.get::<ActiveSession>() {
        let _ = sessions::end(state.accounts.pool(), &old.id_hash).await;
    }
    match state
        .accounts
        .login(field(&form, "email"), field(&form, "password"), &caller)
        .await
    {
        Ok((_, session)) => {
            let next = form
                .get("weiter")
                .filter(|n| is_local_path(n))
                .map_or("/konto", String::as_str);
            redirect_with_cookie(next, sessions::set_cookie(&session, secure(&state)))
        }
        Err(err) => failed::<()>(&state, parts, None, "login", &form, err).await,
    }
}

async fn logout(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    if let Some(session) = parts.extensions.get::<ActiveSession>() {
        if let Err(err) = state.accounts.logout(session, &caller_of(&parts)).await {
            return internal(&err.to_string());
        }
    }
    redirect_with_cookie("/?abgemeldet=1", sessions::clear_cookie(secure(&state)))
}

// --- Account ---

async fn account_page(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    if parts.extensions.get::<Viewer>().is_none() {
        return to_login(&parts);
    }
    let lang = lang_of(&parts);
    let welcome = parts
        .uri
        .query()
        .is_some_and(|q| q.contains("willkommen=1"));
    let form = if welcome {
        success(
            "Willkommen! Ihr Konto ist angelegt und Sie sind angemeldet.",
            "Welcome! Your account is ready.",
            lang,
            "welcome",
        )
    } else {
        FormState::default()
    };
    render_with::<()>(&state, parts, StatusCode::OK, None, form).await
}

async fn account_submit(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let form = match read_form(body).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let caller = caller_of(&parts);
    let lang = lang_of(&parts);
    match field(&form, "form") {
        "password" => {
            let result = state
                .accounts
                .change_password(
                    viewer.user_id,
                    field(&form, "current_password"),
                    field(&form, "new_password"),
                    field(&form, "new_password_repeat"),
                    &caller,
                )
                .await;
            match result {
                Ok(session) => {
                    let done = success(
                        "Ihr Passwort ist geändert. Alle anderen Sitzungen wurden beendet.",
                        "Your password is changed. All other sessions were ended.",
                        lang,
                        "password",
                    );
                    let mut response =
                        render_with::<()>(&state, parts, StatusCode::OK, None, done).await;
                    if let Ok(value) =
                        HeaderValue::from_str(&sessions::set_cookie(&session, secure(&state)))
                    {
                        response.headers_mut().append(header::SET_COOKIE, value);
                    }
                    response
                }
                Err(err) => failed::<()>(&state, parts, None, "password", &form, err).await,
            }
        }
        "delete" => {
            if field(&form, "confirm").trim().to_uppercase() != "LÖSCHEN" {
                let err = AccountError::field("confirm", FieldError::ConfirmationMissing);
                return failed::<()>(&state, parts, None, "delete", &form, err).await;
            }
            match state
                .accounts
                .delete_account(viewer.user_id, field(&form, "password"), &caller)
                .await
            {
                Ok(()) => redirect_with_cookie(
                    "/?konto-geloescht=1",
                    sessions::clear_cookie(secure(&state)),
                ),
                Err(err) => failed::<()>(&state, parts, None, "delete", &form, err).await,
            }
        }
        _ => (
            StatusCode::BAD_REQUEST,
            "Unbekanntes Formular. / Unknown form.",
        )
            .into_response(),
    }
}

// --- Organisations ---

async fn new_org_page(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    if parts.extensions.get::<Viewer>().is_none() {
        return to_login(&parts);
    }
    render_with::<()>(&state, parts, StatusCode::OK, None, FormState::default()).await
}

async fn new_org_submit(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let form = match read_form(body).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let parsed = NewOrganisation::parse(
        field(&form, "name"),
        field(&form, "kind"),
        field(&form, "bundesland"),
        field(&form, "ags"),
        field(&form, "website"),
    );
    let result = match parsed {
        Ok(org) => {
            state
                .accounts
                .create_organisation(viewer.user_id, &org, Channel::Web, &caller_of(&parts))
                .await
        }
        Err(errors) => Err(AccountError::Invalid(errors)),
    };
    match result {
        Ok(slug) => {
            Redirect::to(&format!("/organisationen/{slug}/mitglieder?neu=1")).into_response()
        }
        Err(err) => failed::<()>(&state, parts, None, "organisation", &form, err).await,
    }
}

/// The actor of a logged-in request, or the response to give instead.
async fn actor_of(state: &AppState, parts: &Parts) -> Result<Actor, Response> {
    let Some(viewer) = parts.extensions.get::<Viewer>() else {
        return Err(to_login(parts));
    };
    state
        .accounts
        .actor(viewer.user_id)
        .await
        .map_err(|err| internal(&err.to_string()))
}

async fn members_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let actor = match actor_of(&state, &parts).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let lang = lang_of(&parts);
    let created = parts.uri.query().is_some_and(|q| q.contains("neu=1"));
    match state.accounts.members_page(&actor, &slug).await {
        Ok(page) => {
            let form = if created {
                success(
                    "Die Organisation ist angelegt. Sie sind ihre Administration und können jetzt Mitglieder einladen.",
                    "The organisation is created. You are its administrator and can invite members now.",
                    lang,
                    "invite",
                )
            } else {
                FormState::default()
            };
            render_with(&state, parts, StatusCode::OK, Some(page), form).await
        }
        Err(err) => failed::<()>(&state, parts, None, "", &BTreeMap::new(), err).await,
    }
}

async fn members_submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let actor = match actor_of(&state, &parts).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let form = match read_form(body).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let caller = caller_of(&parts);
    let lang = lang_of(&parts);
    let user_id = || Uuid::parse_str(field(&form, "user_id")).map_err(|_| AccountError::NotFound);
    let role = || {
        Role::parse(field(&form, "role"))
            .ok_or_else(|| AccountError::field("role", FieldError::InvalidChoice))
    };
    let form_name = field(&form, "form").to_owned();
    let mut link = None;
    let result: Result<(&str, &str), AccountError> = match form_name.as_str() {
        "invite" => match role() {
            Ok(role) => state.accounts.invite(&actor, &slug, field(&form, "email"), role, Channel::Web, &caller).await.map(|code| {
                link = Some(format!("{}/einladung/{code}", state.site.public_url.trim_end_matches('/')));
                (
                    "Die Einladung ist angelegt. Geben Sie den Link unten an die Person weiter (14 Tage gültig).",
                    "The invitation is created. Pass the link below to the person (valid for 14 days).",
                )
            }),
            Err(err) => Err(err),
        },
        "role" => match (user_id(), role()) {
            (Ok(member), Ok(role)) => state
                .accounts
                .change_role(&actor, &slug, member, role, &caller)
                .await
                .map(|()| ("Die Rolle ist geändert.", "The role is changed.")),
            (Err(err), _) | (_, Err(err)) => Err(err),
        },
        "remove" => match user_id() {
            Ok(member) => state
                .accounts
                .remove_member(&actor, &slug, member, &caller)
                .await
                .map(|()| ("Das Mitglied ist entfernt.", "The member is removed.")),
            Err(err) => Err(err),
        },
        "leave" => match actor.user_id {
            Some(me) => match state.accounts.remove_member(&actor, &slug, me, &caller).await {
                Ok(()) => return Redirect::to("/konto").into_response(),
                Err(err) => Err(err),
            },
            None => Err(AccountError::Forbidden),
        },
        "revoke_invitation" => match Uuid::parse_str(field(&form, "id")) {
            Ok(id) => state
                .accounts
                .revoke_invitation(&actor, &slug, id, &caller)
                .await
                .map(|()| ("Die Einladung ist zurückgezogen.", "The invitation is withdrawn.")),
            Err(_) => Err(AccountError::NotFound),
        },
        _ => return (StatusCode::BAD_REQUEST, "Unbekanntes Formular. / Unknown form.").into_response(),
    };
    // Actions change membership: read the page (and the actor) afresh.
    let actor = state
        .accounts
        .actor(actor.user_id.unwrap_or_default())
        .await
        .unwrap_or(actor);
    let page = state.accounts.members_page(&actor, &slug).await.ok();
    match result {
        Ok((de, en)) => {
            let page = page.map(|mut page| {
                page.new_invitation_link = link;
                page
            });
            render_with(
                &state,
                parts,
                StatusCode::OK,
                page,
                success(de, en, lang, &form_name),
            )
            .await
        }
        Err(err) => failed(&state, parts, page, &form_name, &form, err).await,
    }
}

async fn tokens_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let actor = match actor_of(&state, &parts).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    match state.accounts.tokens_page(&actor, &slug).await {
        Ok(page) => {
            render_with(
                &state,
                parts,
                StatusCode::OK,
                Some(page),
                FormState::default(),
            )
            .await
        }
        Err(err) => failed::<()>(&state, parts, None, "", &BTreeMap::new(), err).await,
    }
}

async fn tokens_submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let actor = match actor_of(&state, &parts).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let form = match read_form(body).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let caller = caller_of(&parts);
    let lang = lang_of(&parts);
    let form_name = field(&form, "form").to_owned();
    let mut secret = None;
    let result = match form_name.as_str() {
        "create" => state.accounts.create_token(&actor, &slug, field(&form, "name"), Channel::Web, &caller).await.map(|(_, s)| {
            secret = Some(s);
            (
                "Das Token ist erstellt. Kopieren Sie es jetzt: Es wird nur dieses eine Mal angezeigt.",
                "The token is created. Copy it now: it is shown only this once.",
            )
        }),
        "revoke" => match Uuid::parse_str(field(&form, "id")) {
            Ok(id) => state
                .accounts
                .revoke_token(&actor, &slug, id, &caller)
                .await
                .map(|()| ("Das Token ist widerrufen und gilt ab sofort nicht mehr.", "The token is revoked.")),
            Err(_) => Err(AccountError::NotFound),
        },
        _ => return (StatusCode::BAD_REQUEST, "Unbekanntes Formular. / Unknown form.").into_response(),
    };
    let page = state.accounts.tokens_page(&actor, &slug).await.ok();
    match result {
        Ok((de, en)) => {
            let page = page.map(|mut page| {
                page.new_token = secret;
                page
            });
            render_with(
                &state,
                parts,
                StatusCode::OK,
                page,
                success(de, en, lang, &form_name),
            )
            .await
        }
        Err(err) => failed(&state, parts, page, &form_name, &form, err).await,
    }
}

async fn org_audit_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let actor = match actor_of(&state, &parts).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    match state.accounts.audit_page(&actor, Some(&slug)).await {
        Ok(page) => {
            render_with(
                &state,
                parts,
                StatusCode::OK,
                Some(page),
                FormState::default(),
            )
            .await
        }
        Err(err) => failed::<()>(&state, parts, None, "", &BTreeMap::new(), err).await,
    }
}

async fn site_audit_page(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let actor = match actor_of(&state, &parts).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    match state.accounts.audit_page(&actor, None).await {
        Ok(page) => {
            render_with(
                &state,
                parts,
                StatusCode::OK,
                Some(page),
                FormState::default(),
            )
            .await
        }
        Err(err) => failed::<()>(&state, parts, None, "", &BTreeMap::new(), err).await,
    }
}

/// `POST /verwaltung/sichtbarkeit`: a site administrator hides or shows an organisation or
/// entry, then returns to the page.
async fn moderate(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let actor = match actor_of(&state, &parts).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let form = match read_form(body).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let what = match field(&form, "kind") {
        "organisation" => Hideable::Organisation,
        "solution" => Hideable::Solution,
        "data_model" => Hideable::DataModel,
        _ => return (StatusCode::BAD_REQUEST, "Unbekannte Art. / Unknown kind.").into_response(),
    };
    let hidden = field(&form, "hidden") == "true";
    match state
        .accounts
        .set_hidden(
            &actor,
            what,
            field(&form, "slug"),
            hidden,
            Channel::Web,
            &caller_of(&parts),
        )
        .await
    {
        Ok(()) => {
            let next = form
                .get("weiter")
                .filter(|n| is_local_path(n))
                .map_or("/", String::as_str);
            Redirect::to(next).into_response()
        }
        Err(AccountError::Forbidden) => problem(&state, parts, PageProblem::Forbidden).await,
        Err(AccountError::NotFound) => problem(&state, parts, PageProblem::NotFound).await,
        Err(err) => internal(&err.to_string()),
    }
}

// --- Invitations ---

async fn invitation_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    match state.accounts.invitation(&code).await {
        Ok(invitation) => {
            let status = if invitation.is_some() {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            let page = app::account::InvitationPage { code, invitation };
            render_with(&state, parts, status, Some(page), FormState::default()).await
        }
        Err(err) => internal(&err.to_string()),
    }
}

async fn invitation_submit(
    State(state): State<AppState>,
    Path(code): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    match state
        .accounts
        .accept_invitation(viewer.user_id, &code, &caller_of(&parts))
        .await
    {
        Ok(slug) => Redirect::to(&format!("/organisationen/{slug}/mitglieder")).into_response(),
        Err(err) => {
            let invitation = state.accounts.invitation(&code).await.ok().flatten();
            let page = app::account::InvitationPage { code, invitation };
            failed(&state, parts, Some(page), "accept", &BTreeMap::new(), err).await
        }
    }
}
