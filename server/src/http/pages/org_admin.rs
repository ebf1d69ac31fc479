//! Organisation management (`app::routes::org_admin`): creating an organisation, members
//! and invitations, API tokens, the audit logs, and moderation by site administrators.

use app::account::{FormState, InvitationPage};
use app::model::Role;
use app::validation::{FieldError, NewOrganisation};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::account::{failed, success};
use crate::accounts::orgs::Hideable;
use crate::accounts::{AccountError, Caller, Channel};
use crate::http::error::{PageError, refusals};
use crate::http::extract::{FormPairs, PageLang, SignedIn, is_local_path, query_has};
use crate::http::render;
use crate::http::state::AppState;

/// `GET /organisationen/neu`
pub async fn new_org_page(State(state): State<AppState>, _: SignedIn, parts: Parts) -> Response {
    render::page::<()>(&state, parts, StatusCode::OK, None, FormState::default()).await
}

/// `POST /organisationen/neu`
pub async fn new_org_submit(
    State(state): State<AppState>,
    SignedIn { viewer, .. }: SignedIn,
    caller: Caller,
    parts: Parts,
    form: FormPairs,
) -> Result<Response, PageError> {
    let parsed = NewOrganisation::parse(
        form.one("name"),
        form.one("kind"),
        form.one("bundesland"),
        form.one("ags"),
        form.one("website"),
    );
    let result = match parsed {
        Ok(org) => {
            state
                .accounts
                .create_organisation(viewer.user_id, &org, Channel::Web, &caller)
                .await
        }
        Err(errors) => Err(AccountError::Invalid(errors)),
    };
    match result {
        Ok(slug) => {
            Ok(Redirect::to(&format!("/organisationen/{slug}/mitglieder?neu=1")).into_response())
        }
        Err(err) => failed::<()>(&state, parts, None, "organisation", &form, err).await,
    }
}

/// `GET /organisationen/{slug}/mitglieder`
pub async fn members_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedIn { actor, .. }: SignedIn,
    PageLang(lang): PageLang,
    parts: Parts,
) -> Result<Response, PageError> {
    let page = state.accounts.members_page(&actor, &slug).await?;
    let form = if query_has(&parts, "neu=1") {
        success(lang.texts().notices.organisation_created, "invite")
    } else {
        FormState::default()
    };
    Ok(render::page(&state, parts, StatusCode::OK, Some(page), form).await)
}

/// `POST /organisationen/{slug}/mitglieder`: invite, change a role, remove a member,
/// leave, withdraw an invitation.
pub async fn members_submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedIn { actor, .. }: SignedIn,
    PageLang(lang): PageLang,
    caller: Caller,
    parts: Parts,
    form: FormPairs,
) -> Result<Response, PageError> {
    let notices = &lang.texts().notices;
    let user_id = || Uuid::parse_str(form.one("user_id")).map_err(|_| AccountError::NotFound);
    let role = || {
        Role::parse(form.one("role"))
            .ok_or_else(|| AccountError::field("role", FieldError::InvalidChoice))
    };
    let form_name = form.one("form").to_owned();
    let mut link = None;
    let result: Result<&str, AccountError> = match form_name.as_str() {
        "invite" => match role() {
            Ok(role) => state
                .accounts
                .invite(
                    &actor,
                    &slug,
                    form.one("email"),
                    role,
                    Channel::Web,
                    &caller,
                )
                .await
                .map(|code| {
                    link = Some(state.public_url(&format!("/einladung/{code}")));
                    notices.invitation_created
                }),
            Err(err) => Err(err),
        },
        "role" => match (user_id(), role()) {
            (Ok(member), Ok(role)) => state
                .accounts
                .change_role(&actor, &slug, member, role, &caller)
                .await
                .map(|()| notices.role_changed),
            (Err(err), _) | (_, Err(err)) => Err(err),
        },
        "remove" => match user_id() {
            Ok(member) => state
                .accounts
                .remove_member(&actor, &slug, member, &caller)
                .await
                .map(|()| notices.member_removed),
            Err(err) => Err(err),
        },
        "leave" => match actor.user_id {
            Some(me) => match state
                .accounts
                .remove_member(&actor, &slug, me, &caller)
                .await
            {
                Ok(()) => return Ok(Redirect::to("/konto").into_response()),
                Err(err) => Err(err),
            },
            None => Err(AccountError::Forbidden),
        },
        "revoke_invitation" => match Uuid::parse_str(form.one("id")) {
            Ok(id) => state
                .accounts
                .revoke_invitation(&actor, &slug, id, &caller)
                .await
                .map(|()| notices.invitation_withdrawn),
            Err(_) => Err(AccountError::NotFound),
        },
        _ => return Err(PageError::BadRequest(refusals::UNKNOWN_FORM)),
    };
    // Actions change membership: read the page (and the rights) afresh.
    let actor = state
        .accounts
        .actor(actor.user_id.unwrap_or_default())
        .await
        .unwrap_or(actor);
    let page = state.accounts.members_page(&actor, &slug).await.ok();
    match result {
        Ok(message) => {
            let page = page.map(|mut page| {
                page.new_invitation_link = link;
                page
            });
            let done = success(message, &form_name);
            Ok(render::page(&state, parts, StatusCode::OK, page, done).await)
        }
        Err(err) => failed(&state, parts, page, &form_name, &form, err).await,
    }
}

/// `GET /organisationen/{slug}/tokens`
pub async fn tokens_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedIn { actor, .. }: SignedIn,
    parts: Parts,
) -> Result<Response, PageError> {
    let page = state.accounts.tokens_page(&actor, &slug).await?;
    Ok(render::page(
        &state,
        parts,
        StatusCode::OK,
        Some(page),
        FormState::default(),
    )
    .await)
}

/// `POST /organisationen/{slug}/tokens`: create or revoke an API token.
pub async fn tokens_submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedIn { actor, .. }: SignedIn,
    PageLang(lang): PageLang,
    caller: Caller,
    parts: Parts,
    form: FormPairs,
) -> Result<Response, PageError> {
    let notices = &lang.texts().notices;
    let form_name = form.one("form").to_owned();
    let mut secret = None;
    let result = match form_name.as_str() {
        "create" => state
            .accounts
            .create_token(&actor, &slug, form.one("name"), Channel::Web, &caller)
            .await
            .map(|(_, s)| {
                secret = Some(s);
                notices.token_created
            }),
        "revoke" => match Uuid::parse_str(form.one("id")) {
            Ok(id) => state
                .accounts
                .revoke_token(&actor, &slug, id, &caller)
                .await
                .map(|()| notices.token_revoked),
            Err(_) => Err(AccountError::NotFound),
        },
        _ => return Err(PageError::BadRequest(refusals::UNKNOWN_FORM)),
    };
    let page = state.accounts.tokens_page(&actor, &slug).await.ok();
    match result {
        Ok(message) => {
            let page = page.map(|mut page| {
                page.new_token = secret;
                page
            });
            let done = success(message, &form_name);
            Ok(render::page(&state, parts, StatusCode::OK, page, done).await)
        }
        Err(err) => failed(&state, parts, page, &form_name, &form, err).await,
    }
}

/// `GET /organisationen/{slug}/protokoll`
pub async fn org_audit_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedIn { actor, .. }: SignedIn,
    parts: Parts,
) -> Result<Response, PageError> {
    let page = state.accounts.audit_page(&actor, Some(&slug)).await?;
    Ok(render::page(
        &state,
        parts,
        StatusCode::OK,
        Some(page),
        FormState::default(),
    )
    .await)
}

/// `GET /verwaltung/protokoll`
pub async fn site_audit_page(
    State(state): State<AppState>,
    SignedIn { actor, .. }: SignedIn,
    parts: Parts,
) -> Result<Response, PageError> {
    let page = state.accounts.audit_page(&actor, None).await?;
    Ok(render::page(
        &state,
        parts,
        StatusCode::OK,
        Some(page),
        FormState::default(),
    )
    .await)
}

/// `POST /verwaltung/sichtbarkeit`: a site administrator hides or shows an organisation or
/// entry, then returns to the page.
pub async fn moderate(
    State(state): State<AppState>,
    SignedIn { actor, .. }: SignedIn,
    caller: Caller,
    form: FormPairs,
) -> Result<Response, PageError> {
    let what = match form.one("kind") {
        "organisation" => Hideable::Organisation,
        "solution" => Hideable::Solution,
        "data_model" => Hideable::DataModel,
        _ => return Err(PageError::BadRequest(refusals::UNKNOWN_KIND)),
    };
    let hidden = form.one("hidden") == "true";
    state
        .accounts
        .set_hidden(
            &actor,
            what,
            form.one("slug"),
            hidden,
            Channel::Web,
            &caller,
        )
        .await?;
    let next = Some(form.one("weiter"))
        .filter(|n| is_local_path(n))
        .unwrap_or("/");
    Ok(Redirect::to(next).into_response())
}

/// `GET /einladung/{code}`
pub async fn invitation_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    parts: Parts,
) -> Result<Response, PageError> {
    let invitation = state.accounts.invitation(&code).await?;
    let status = if invitation.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let page = InvitationPage { code, invitation };
    Ok(render::page(&state, parts, status, Some(page), FormState::default()).await)
}

/// `POST /einladung/{code}`: accept the invitation.
pub async fn invitation_submit(
    State(state): State<AppState>,
    Path(code): Path<String>,
    SignedIn { viewer, .. }: SignedIn,
    caller: Caller,
    parts: Parts,
) -> Result<Response, PageError> {
    match state
        .accounts
        .accept_invitation(viewer.user_id, &code, &caller)
        .await
    {
        Ok(slug) => Ok(Redirect::to(&format!("/organisationen/{slug}/mitglieder")).into_response()),
        Err(err) => {
            let invitation = state.accounts.invitation(&code).await.ok().flatten();
            let page = InvitationPage { code, invitation };
            failed(
                &state,
                parts,
                Some(page),
                "accept",
                &FormPairs::default(),
                err,
            )
            .await
        }
    }
}
