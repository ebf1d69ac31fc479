//! The page shown for unknown addresses and unknown entries; answers with status 404.

use leptos::prelude::*;

use crate::components::layout::{Breadcrumbs, PageHeading, PageMeta};
use crate::i18n::use_texts;

/// Sets the response status to 404 (server rendering only).
pub fn set_not_found_status() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
}

/// 404 page.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let t = use_texts();
    set_not_found_status();
    view! {
        <PageMeta title=t.not_found_title description=t.not_found_text canonical_path="" no_canonical=true/>
        <Breadcrumbs current=t.not_found_title/>
        <PageHeading title=t.not_found_title lead=t.not_found_text/>
        <p><a class="kern-btn kern-btn--primary" href="/"><span class="kern-label">{t.not_found_back}</span></a></p>
    }
}
