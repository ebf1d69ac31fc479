//! Pieces shared by list and detail pages: the result list with count, empty state and
//! pagination; lists of related entries; the adopters of an entry.

use leptos::prelude::*;

use crate::components::cards::org_line;
use crate::components::pagination::Pagination;
use crate::i18n::{Lang, fill, format_date, format_int, use_lang, use_texts};
use crate::model::{Adopter, EntryRef};

/// "12 Einträge"
pub fn count_text(total: i64, lang: Lang) -> String {
    let t = lang.texts();
    if total == 1 {
        t.results_count_one.to_owned()
    } else {
        fill(t.results_count_many, &[("n", &format_int(total, lang))])
    }
}

/// The results of a list: count, the cards (children) or a helpful empty state, pagination.
#[component]
pub fn Results(
    /// Matching entries over all pages.
    total: i64,
    /// Whether this page has no entries.
    empty: bool,
    /// Path of the list, for pagination links.
    path: &'static str,
    /// The list's query parameters except `page`.
    pairs: Vec<(&'static str, String)>,
    page: u32,
    pages: u32,
    children: Children,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    view! {
        <section class="list-layout__results" aria-labelledby="ergebnisse">
            <h2 class="kern-heading-small" id="ergebnisse">{count_text(total, lang)}</h2>
            {if empty {
                view! {
                    <div class="empty-state">
                        <p class="kern-body">{t.no_results}</p>
                        <p class="kern-body">{t.no_results_hint}</p>
                    </div>
                }.into_any()
            } else {
                view! { <ul class="card-list">{children()}</ul> }.into_any()
            }}
            <Pagination path=path pairs=pairs page=page pages=pages/>
        </section>
    }
}

/// A bulleted list of links to other entries of one kind ("Abspaltungen").
#[component]
pub fn EntryRefList(
    refs: Vec<EntryRef>,
    /// `/loesungen` or `/datenmodelle`.
    base: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ul class="kern-list kern-list--bullet">
            {refs.into_iter().map(|r| view! {
                <li><a class="kern-link" href=format!("{base}/{}", r.slug)>{r.name}</a>" ("{org_line(&r.organisation, lang)}")"</li>
            }).collect_view()}
        </ul>
    }
}

/// "Wer nutzt das?": adopting organisations with status, since when, contact and note.
#[component]
pub fn AdopterList(adopters: Vec<Adopter>) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    if adopters.is_empty() {
        return view! { <p class="kern-body">{t.detail_no_adopters}</p> }.into_any();
    }
    view! {
        <ul class="adopters">
            {adopters.into_iter().map(|a| view! {
                <li class="adopters__item">
                    <a class="kern-link" href=format!("/organisationen/{}", a.organisation.slug)>{org_line(&a.organisation, lang)}</a>
                    <span class="kern-badge kern-badge--success"><span class="kern-label">{a.status.label(lang)}</span></span>
                    <span class="adopters__since">{format!("{} {}", t.detail_adopter_since, format_date(a.since, lang))}</span>
                    {a.contact_name.map(|c| view! { <span class="adopters__contact">{format!("{}: {c}", t.detail_adopter_contact)}</span> })}
                    {(!a.note.is_empty()).then(|| view! { <p class="kern-body kern-body--small">{a.note}</p> })}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
