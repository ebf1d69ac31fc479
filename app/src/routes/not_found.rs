//! The one view for pages that cannot be shown: unknown addresses and unknown entries (404)
//! and pages the server refused (403). Every "not found" looks the same, whichever route
//! found nothing.

use leptos::prelude::*;

use crate::account::PageProblem;
use crate::components::layout::{Breadcrumbs, PageHeading, PageMeta};
use crate::i18n::use_texts;

/// Sets the response status to 404 (server rendering only).
pub fn set_not_found_status() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
}

/// The page shown instead when nothing was found (404, also for unknown addresses) or the
/// server refused (403); shared by all routes.
#[component]
pub fn Problem(problem: PageProblem) -> impl IntoView {
    let t = use_texts();
    match problem {
        PageProblem::NotFound => {
            set_not_found_status();
            view! {
                <PageMeta title=t.not_found_title description=t.not_found_text canonical_path="" no_canonical=true/>
                <Breadcrumbs current=t.not_found_title/>
                <PageHeading title=t.not_found_title lead=t.not_found_text/>
                <p><a class="kern-btn kern-btn--primary" href="/"><span class="kern-label">{t.not_found_back}</span></a></p>
            }
            .into_any()
        }
        PageProblem::Forbidden => {
            let (title, text) = (t.account.forbidden_title, t.account.forbidden_text);
            view! {
                <PageMeta title=title description=text canonical_path="" no_canonical=true/>
                <PageHeading title=title lead=text/>
            }
            .into_any()
        }
    }
}

/// 404 page: [`Problem`] with [`PageProblem::NotFound`].
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <Problem problem=PageProblem::NotFound/> }
}
