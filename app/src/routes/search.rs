//! The search page (`/suche?q=…` with facet filters, order and page in the URL).

use leptos::prelude::*;

use crate::categories::category_label;
use crate::components::cards::SearchHitView;
use crate::components::entries::count_text;
use crate::components::layout::{Breadcrumbs, LoadError, PageHeading, PageMeta};
use crate::components::pagination::Pagination;
use crate::i18n::{Lang, fill, format_int, use_lang, use_texts};
use crate::model::{
    Bundesland, DevelopmentStatus, Domain, FacetValue, SearchFacets, SearchKind, SearchResults,
};
use crate::query::{SearchQuery, SearchSort, url_with_query};
use crate::routes::current_query_pairs;
use crate::server_fns::load_search;

/// Facet values shown before the rest is folded away.
const FACET_VISIBLE: usize = 8;

/// `/suche`
#[component]
pub fn SearchPage() -> impl IntoView {
    let t = use_texts();
    let query = SearchQuery::from_pairs(&current_query_pairs(), false).unwrap_or_default();
    let data = OnceResource::new(load_search(query.clone()));
    let canonical = url_with_query("/suche", &query.to_pairs());
    let heading = if query.text.is_empty() {
        t.search_title.to_owned()
    } else {
        fill(t.search_results_for, &[("q", &query.text)])
    };
    view! {
        <PageMeta title=heading.clone() description=t.search_meta canonical_path=canonical/>
        <Breadcrumbs current=t.search_title/>
        <PageHeading title=heading/>
        <form class="search-form" method="get" action="/suche" role="search" aria-label=t.search_label>
            <div class="kern-form-input">
                <label class="kern-label" for="suchbegriff">{t.search_label}</label>
                <p class="kern-hint" id="suchbegriff-hinweis">{t.search_hint}</p>
                <div class="hero__search-row">
                    <input class="kern-form-input__input" id="suchbegriff" type="search" name="q" maxlength="200"
                        value=query.text.clone() aria-describedby="suchbegriff-hinweis"/>
                    {query.filter_pairs().into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
                    <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{t.search_button}</span></button>
                </div>
            </div>
        </form>
        <Suspense fallback=|| ()>
            {move || {
                let query = query.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(results) => view! { <SearchResultsView query results/> }.into_any(),
                        Err(_) => view! { <LoadError/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn SearchResultsView(query: SearchQuery, results: SearchResults) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    // Paging reaches the first 10 000 hits (deeper pages repeat the last one).
    let pages = results
        .page_count()
        .min(crate::query::MAX_SEARCH_DEPTH / results.per_page.max(1) + 1);
    let mut pairs = query.to_pairs();
    pairs.retain(|(k, _)| *k != "page");
    let total = i64::try_from(results.total).unwrap_or(i64::MAX);
    let did_you_mean = results.did_you_mean.clone().map(|better| {
        let mut corrected = query.clone();
        corrected.text = better.clone();
        (better, url_with_query("/suche", &corrected.to_pairs()))
    });
    let empty = results.hits.is_empty();
    view! {
        <div class="list-layout">
            <aside class="list-layout__filters">
                <FacetForm query=query.clone() facets=results.facets/>
            </aside>
            <section class="list-layout__results" aria-labelledby="ergebnisse">
                <h2 class="kern-heading-small" id="ergebnisse">{count_text(total, lang)}</h2>
                {did_you_mean.map(|(better, href)| view! {
                    <p class="kern-body did-you-mean">
                        {t.search_did_you_mean}" "<a class="kern-link" href=href>{better}</a>"?"
                    </p>
                })}
                {if empty {
                    view! {
                        <div class="empty-state">
                            <p class="kern-body">{t.no_results}</p>
                            <p class="kern-body">{t.search_empty_hint}</p>
                            {query.is_filtered().then(|| view! {
                                <p class="kern-body">
                                    <a class="kern-link" href=url_with_query("/suche", &[("q", query.text.clone())])>{t.search_without_filters}</a>
                                </p>
                            })}
                            <p class="kern-body">
                                <a class="kern-link" href="/loesungen">{t.home_all_solutions}</a>" · "
                                <a class="kern-link" href="/datenmodelle">{t.home_all_data_models}</a>
                            </p>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <ul class="card-list">
                            {results.hits.into_iter().map(|hit| view! { <SearchHitView hit/> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <Pagination path="/suche" pairs page=results.page pages/>
            </section>
        </div>
    }
}

/// The facet filters: a GET form of checkboxes with counts, plus the order.
#[component]
fn FacetForm(query: SearchQuery, facets: SearchFacets) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let filtered = query.is_filtered();
    let reset = url_with_query("/suche", &[("q", query.text.clone())]);
    let groups: Vec<(&'static str, &'static str, Vec<FacetValue>)> = vec![
        ("kind", t.facet_kind, facets.kind),
        ("category", t.filter_category, facets.category),
        ("domain", t.filter_domain, facets.domain),
        ("licence", t.filter_licence, facets.licence),
        ("status", t.filter_status, facets.status),
        ("state", t.filter_bundesland, facets.state),
        ("org", t.filter_organisation, facets.org),
    ];
    let sort_options = SearchSort::ALL
        .iter()
        .map(|sort| {
            let label = match sort {
                SearchSort::Relevance => t.sort_relevance,
                SearchSort::Newest => t.sort_newest,
                SearchSort::Reused => t.sort_reused,
            };
            view! { <option value=sort.as_str() selected=*sort == query.sort>{label}</option> }
        })
        .collect_view();
    view! {
        <form class="filter-form" method="get" action="/suche" aria-labelledby="filter-heading">
            <h2 class="kern-heading-small" id="filter-heading">{t.filter_heading}</h2>
            {(!query.text.is_empty()).then(|| view! { <input type="hidden" name="q" value=query.text.clone()/> })}
            <div class="filter-form__fields">
                {groups.into_iter().filter(|(_, _, values)| !values.is_empty()).map(|(name, legend, values)| {
                    view! { <FacetGroup name legend values lang/> }
                }).collect_view()}
                <div class="kern-form-input">
                    <label class="kern-label" for="filter-sort">{t.sort_label}</label>
                    <div class="kern-form-input__select-wrapper">
                        <select class="kern-form-input__select" id="filter-sort" name="sort">{sort_options}</select>
                    </div>
                </div>
            </div>
            <div class="filter-form__actions">
                <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{t.filter_apply}</span></button>
                {filtered.then(|| view! { <a class="kern-link" href=reset>{t.filter_reset}</a> })}
            </div>
        </form>
    }
}

/// The label of a facet value in the page's language.
fn facet_label(name: &str, value: &FacetValue, lang: Lang) -> String {
    let v = value.value.as_str();
    match name {
        "kind" => SearchKind::parse(v).map(|k| k.label(lang).to_owned()),
        "category" => Some(category_label(v, lang)),
        "domain" => Domain::parse(v).map(|d| d.label(lang).to_owned()),
        "status" => DevelopmentStatus::parse(v).map(|s| s.label(lang).to_owned()),
        "state" => Bundesland::parse(v).map(|s| s.label(lang).to_owned()),
        "org" => value.name.clone(),
        _ => None,
    }
    .unwrap_or_else(|| v.to_owned())
}

#[component]
fn FacetGroup(
    name: &'static str,
    legend: &'static str,
    values: Vec<FacetValue>,
    lang: Lang,
) -> impl IntoView {
    let t = use_texts();
    let checkbox = move |(i, value): (usize, FacetValue)| {
        let id = format!("facette-{name}-{i}");
        let label = format!(
            "{} ({})",
            facet_label(name, &value, lang),
            format_int(value.count as i64, lang)
        );
        view! {
            <div class="kern-form-check">
                <input class="kern-form-check__input" type="checkbox" id=id.clone() name=name value=value.value.clone()
                    checked=value.selected/>
                <label class="kern-label" for=id>{label}</label>
            </div>
        }
    };
    // Selected values stay visible even when they are beyond the first few.
    let (mut visible, mut folded): (Vec<_>, Vec<_>) = (Vec::new(), Vec::new());
    for (i, value) in values.into_iter().enumerate() {
        if i < FACET_VISIBLE || value.selected {
            visible.push((i, value))
        } else {
            folded.push((i, value))
        }
    }
    let more = (!folded.is_empty()).then(|| {
        let summary = fill(t.facet_more, &[("n", &folded.len().to_string())]);
        view! {
            <details class="facet__more">
                <summary class="kern-link">{summary}</summary>
                {folded.into_iter().map(checkbox).collect_view()}
            </details>
        }
    });
    view! {
        <fieldset class="kern-fieldset facet">
            <legend class="kern-label facet__legend">{legend}</legend>
            <div class="kern-fieldset__body">
                {visible.into_iter().map(checkbox).collect_view()}
                {more}
            </div>
        </fieldset>
    }
}
