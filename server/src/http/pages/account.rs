//! Registration, login, logout and the account page (`app::routes::account`).

use std::collections::BTreeMap;
use std::time::Duration;

use app::account::{FormState, Notice, Viewer};
use app::validation::{FieldError, Registration};
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::accounts::sessions::{self, ActiveSession};
use crate::accounts::{AccountError, Caller};
use crate::http::error::{PageError, refusals};
use crate::http::extract::{FormPairs, MaybeViewer, PageLang, SignedIn, is_local_path, query_has};
use crate::http::render;
use crate::http::state::AppState;

/// Where every successful registration form goes: the login page with a notice.
const REGISTERED: &str = "/anmelden?registriert=1";

/// The typed values to keep, without passwords.
fn kept(form: &FormPairs) -> BTreeMap<String, String> {
    form.map()
        .into_iter()
        .filter(|(k, _)| !k.contains("password"))
        .collect()
}

/// A form's success notice.
pub(super) fn success(message: &str, form: &str) -> FormState {
    FormState {
        form: form.to_owned(),
        notice: Some(Notice::Success(message.to_owned())),
        ..FormState::default()
    }
}

/// Whole seconds to wait, rounded up.
fn retry_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// After a failed account operation: the form again with its typed values (no passwords)
/// and the errors, or the problem page.
pub(super) async fn failed<T>(
    state: &AppState,
    parts: Parts,
    data: Option<T>,
    form_name: &str,
    form: &FormPairs,
    error: AccountError,
) -> Result<Response, PageError>
where
    T: Clone + Send + Sync + 'static,
{
    let lang = crate::http::extract::lang_of(&parts);
    let t = lang.texts();
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
            state_of_form.notice = Some(Notice::Error(t.notices.login_failed.into()));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AccountError::RateLimited(wait) => {
            retry_after = Some(wait);
            state_of_form.notice = Some(Notice::Error(
                t.account.too_many_attempts(retry_seconds(wait)),
            ));
            StatusCode::TOO_MANY_REQUESTS
        }
        AccountError::Refused(refusal) => {
            state_of_form.notice = Some(Notice::Error(refusal.message(lang).to_owned()));
            StatusCode::CONFLICT
        }
        other => return Err(other.into()),
    };
    let mut response = render::page(state, parts, status, data, state_of_form).await;
    if let Some(wait) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_seconds(wait)));
    }
    Ok(response)
}

/// A redirect that also sets (or clears) the session cookie.
fn redirect_with_cookie(target: &str, cookie: String) -> Response {
    let mut response = Redirect::to(target).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// `GET /registrieren`
pub async fn register_page(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    parts: Parts,
) -> Response {
    if viewer.is_some() {
        return Redirect::to("/konto").into_response();
    }
    render::page::<()>(&state, parts, StatusCode::OK, None, FormState::default()).await
}

/// `POST /registrieren`
pub async fn register_submit(
    State(state): State<AppState>,
    caller: Caller,
    parts: Parts,
    form: FormPairs,
) -> Result<Response, PageError> {
    let registration = Registration::parse(
        form.one("name"),
        form.one("email"),
        form.one("password"),
        form.one("password_repeat"),
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
        Ok(()) => Ok(Redirect::to(REGISTERED).into_response()),
        Err(err) => failed::<()>(&state, parts, None, "register", &form, err).await,
    }
}

/// `GET /anmelden`
pub async fn login_page(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    PageLang(lang): PageLang,
    parts: Parts,
) -> Response {
    if viewer.is_some() {
        return Redirect::to("/konto").into_response();
    }
    let form = if query_has(&parts, "registriert=1") {
        success(lang.texts().account.register_received, "login")
    } else {
        FormState::default()
    };
    render::page::<()>(&state, parts, StatusCode::OK, None, form).await
}

/// `POST /anmelden`
pub async fn login_submit(
    State(state): State<AppState>,
    caller: Caller,
    parts: Parts,
    form: FormPairs,
) -> Result<Response, PageError> {
    // A session the browser brought along is ended: the login gets a new id.
    if let Some(old) = parts.extensions.get::<ActiveSession>() {
        let _ = state.accounts.end_session(old).await;
    }
    match state
        .accounts
        .login(form.one("email"), form.one("password"), &caller)
        .await
    {
        Ok((_, session)) => {
            let next = Some(form.one("weiter"))
                .filter(|n| is_local_path(n))
                .unwrap_or("/konto");
            Ok(redirect_with_cookie(
                next,
                sessions::set_cookie(&session, state.secure()),
            ))
        }
        Err(err) => failed::<()>(&state, parts, None, "login", &form, err).await,
    }
}

/// `POST /abmelden`
pub async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    parts: Parts,
) -> Result<Response, PageError> {
    if let Some(session) = parts.extensions.get::<ActiveSession>() {
        state.accounts.logout(session, &caller).await?;
    }
    Ok(redirect_with_cookie(
        "/?abgemeldet=1",
        sessions::clear_cookie(state.secure()),
    ))
}

/// `GET /konto`
pub async fn account_page(
    State(state): State<AppState>,
    _: SignedIn,
    PageLang(lang): PageLang,
    parts: Parts,
) -> Response {
    let form = if query_has(&parts, "willkommen=1") {
        success(lang.texts().notices.welcome, "welcome")
    } else {
        FormState::default()
    };
    render::page::<()>(&state, parts, StatusCode::OK, None, form).await
}

/// `POST /konto`: change the password, or delete the account.
pub async fn account_submit(
    State(state): State<AppState>,
    SignedIn { viewer, .. }: SignedIn,
    PageLang(lang): PageLang,
    caller: Caller,
    parts: Parts,
    form: FormPairs,
) -> Result<Response, PageError> {
    let Viewer { user_id, .. } = viewer;
    match form.one("form") {
        "password" => {
            let result = state
                .accounts
                .change_password(
                    user_id,
                    form.one("current_password"),
                    form.one("new_password"),
                    form.one("new_password_repeat"),
                    &caller,
                )
                .await;
            match result {
                Ok(session) => {
                    let done = success(lang.texts().notices.password_changed, "password");
                    let mut response =
                        render::page::<()>(&state, parts, StatusCode::OK, None, done).await;
                    if let Ok(value) =
                        HeaderValue::from_str(&sessions::set_cookie(&session, state.secure()))
                    {
                        response.headers_mut().append(header::SET_COOKIE, value);
                    }
                    Ok(response)
                }
                Err(err) => failed::<()>(&state, parts, None, "password", &form, err).await,
            }
        }
        "delete" => {
            if form.one("confirm").trim().to_uppercase() != "LÖSCHEN" {
                let err = AccountError::field("confirm", FieldError::ConfirmationMissing);
                return failed::<()>(&state, parts, None, "delete", &form, err).await;
            }
            match state
                .accounts
                .delete_account(user_id, form.one("password"), &caller)
                .await
            {
                Ok(()) => Ok(redirect_with_cookie(
                    "/?konto-geloescht=1",
                    sessions::clear_cookie(state.secure()),
                )),
                Err(err) => failed::<()>(&state, parts, None, "delete", &form, err).await,
            }
        }
        _ => Err(PageError::BadRequest(refusals::UNKNOWN_FORM)),
    }
}
