//! Previous/next pagination that keeps every other query parameter.

use leptos::prelude::*;

use crate::i18n::{fill, use_texts};
use crate::query::url_with_query;

/// Links to the previous and next page. `pairs` are the list's query without `page`.
#[component]
pub fn Pagination(
    /// Path of the list, e.g. `/loesungen`.
    path: &'static str,
    /// The list's query parameters except `page`.
    pairs: Vec<(&'static str, String)>,
    /// Current page (1-based).
    page: u32,
    /// Number of pages.
    pages: u32,
) -> impl IntoView {
    let t = use_texts();
    if pages <= 1 {
        return ().into_any();
    }
    let link = move |target: u32| {
        let mut p = pairs.clone();
        if target > 1 {
            p.push(("page", target.to_string()));
        }
        url_with_query(path, &p)
    };
    let status = fill(
        t.pagination_page_of,
        &[("page", &page.to_string()), ("pages", &pages.to_string())],
    );
    view! {
        <nav class="pagination" aria-label=t.pagination_label>
            {(page > 1).then(|| view! {
                <a class="kern-btn kern-btn--secondary" rel="prev" href=link(page - 1)>
                    <span class="kern-label">{t.pagination_previous}</span>
                </a>
            })}
            <p class="pagination__status">{status}</p>
            {(page < pages).then(|| view! {
                <a class="kern-btn kern-btn--secondary" rel="next" href=link(page + 1)>
                    <span class="kern-label">{t.pagination_next}</span>
                </a>
            })}
        </nav>
    }
    .into_any()
}
