//! The search page (`/suche?q=…&page=…`).

use leptos::prelude::*;

use crate::components::cards::SearchHitView;
use crate::components::layout::{Breadcrumbs, LoadError, PageHeading, PageMeta};
use crate::components::pagination::Pagination;
use crate::i18n::{fill, use_lang, use_texts};
use crate::query::url_with_query;
use crate::routes::current_query_pairs;
use crate::components::entries::count_text;
use crate::server_fns::load_search;

/// `/suche`
#[component]
pub fn SearchPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let pairs = current_query_pairs();
    let text = pairs.iter().rev().find(|(k, _)| k == "q").map(|(_, v)| v.trim().chars().take(200).collect::<String>()).unwrap_or_default();
    let page = pairs.iter().rev().find(|(k, _)| k == "page").and_then(|(_, v)| v.parse::<u32>().ok()).filter(|p| (1..=1000).contains(p)).unwrap_or(1);
    let data = OnceResource::new(load_search(text.clone(), page));
    let canonical = if text.is_empty() { "/suche".to_owned() } else { url_with_query("/suche", &[("q", text.clone())]) };
    let heading = if text.is_empty() { t.search_title.to_owned() } else { fill(t.search_results_for, &[("q", &text)]) };
    let has_text = !text.is_empty();
    view! {
        <PageMeta title=heading.clone() description=t.search_meta canonical_path=canonical/>
        <Breadcrumbs current=t.search_title/>
        <PageHeading title=heading/>
        <form class="search-form" method="get" action="/suche">
            <div class="kern-form-input">
                <label class="kern-label" for="suchbegriff">{t.search_label}</label>
                <p class="kern-hint" id="suchbegriff-hinweis">{t.search_hint}</p>
                <div class="hero__search-row">
                    <input class="kern-form-input__input" id="suchbegriff" type="search" name="q" maxlength="200"
                        value=text.clone() aria-describedby="suchbegriff-hinweis"/>
                    <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{t.search_button}</span></button>
                </div>
            </div>
        </form>
        {has_text.then(|| view! {
            <Suspense fallback=|| ()>
                {move || {
                    let text = text.clone();
                    Suspend::new(async move {
                        let Ok(results) = data.await else {
                            return view! { <LoadError/> }.into_any();
                        };
                        let pages = results.page_count();
                        view! {
                            <section aria-labelledby="ergebnisse">
                                <h2 class="kern-heading-small" id="ergebnisse">{count_text(results.total, lang)}</h2>
                                {if results.items.is_empty() {
                                    view! {
                                        <div class="empty-state">
                                            <p class="kern-body">{t.no_results}</p>
                                            <p class="kern-body">{t.search_empty_hint}</p>
                                            <p class="kern-body">
                                                <a class="kern-link" href="/loesungen">{t.home_all_solutions}</a>" · "
                                                <a class="kern-link" href="/datenmodelle">{t.home_all_data_models}</a>
                                            </p>
                                        </div>
                                    }.into_any()
                                } else {
                                    view! {
                                        <ul class="card-list">
                                            {results.items.into_iter().map(|hit| view! { <SearchHitView hit/> }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                                <Pagination path="/suche" pairs=vec![("q", text)] page=results.page pages=pages/>
                            </section>
                        }.into_any()
                    })
                }}
            </Suspense>
        })}
    }
}
