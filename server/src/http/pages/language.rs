//! `POST /sprache`: the language switch.

use app::i18n::{LANG_COOKIE, Lang};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::http::extract::{FormPairs, is_local_path};
use crate::http::state::AppState;

/// Stores the chosen language in a cookie and returns to the page.
pub async fn switch_language(State(state): State<AppState>, form: FormPairs) -> Response {
    let lang = Lang::parse(form.one("lang")).unwrap_or_default();
    let next = Some(form.one("next"))
        .filter(|n| is_local_path(n))
        .unwrap_or("/");
    let secure = if state.secure() { "; Secure" } else { "" };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        lang.tag()
    );
    let mut response = Redirect::to(next).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("valid cookie"),
    );
    response
}
