//! Cards for entries and organisations in lists. Catalogue texts are German whatever the
//! interface language, so they carry `lang="de"` (WCAG 3.1.2).

use leptos::prelude::*;

use crate::i18n::{Lang, fill, format_int, use_lang, use_texts};
use crate::model::{DataModelCard, OrgRef, OrganisationCard, SearchHit, SearchKind, SolutionCard};

/// "3 Organisationen nutzen dies nach", or nothing for zero.
pub fn reuse_text(count: i32, lang: Lang) -> Option<String> {
    let t = lang.texts();
    match count {
        0 => None,
        1 => Some(t.card_reuse_one.to_owned()),
        n => Some(fill(
            t.card_reuse_many,
            &[("n", &format_int(i64::from(n), lang))],
        )),
    }
}

/// "Stadt Ulm · Baden-Württemberg"
pub fn org_line(org: &OrgRef, lang: Lang) -> String {
    match org.bundesland {
        Some(state) => format!("{} · {}", org.name, state.label(lang)),
        None => org.name.clone(),
    }
}

/// One solution in a list.
#[component]
pub fn SolutionCardView(card: SolutionCard) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let href = format!("/loesungen/{}", card.slug);
    view! {
        <li class="kern-card kern-card--interactive entry-card">
            <div class="kern-card__container">
                <div class="kern-card__header">
                    <h3 class="kern-title" lang="de">
                        <a class="kern-link kern-link--stretched" href=href>{card.name}</a>
                    </h3>
                    <p class="kern-body kern-body--small kern-body--muted">{org_line(&card.organisation, lang)}</p>
                </div>
                <div class="kern-card__body">
                    <p class="kern-body" lang="de">{card.short_description}</p>
                </div>
                <div class="kern-card__footer entry-card__facts">
                    <span class="kern-badge kern-badge--info"><span class="kern-label">{card.development_status.label(lang)}</span></span>
                    <span class="entry-card__licence">{card.licence}</span>
                    {card.is_fork.then(|| view! {
                        <span class="kern-badge"><span class="kern-label">{t.card_fork_badge}</span></span>
                    })}
                    {reuse_text(card.reuse_count, lang).map(|text| view! { <span class="entry-card__reuse">{text}</span> })}
                </div>
            </div>
        </li>
    }
}

/// One data model in a list.
#[component]
pub fn DataModelCardView(card: DataModelCard) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let href = format!("/datenmodelle/{}", card.slug);
    view! {
        <li class="kern-card kern-card--interactive entry-card">
            <div class="kern-card__container">
                <div class="kern-card__header">
                    <h3 class="kern-title" lang="de">
                        <a class="kern-link kern-link--stretched" href=href>{card.name}</a>
                    </h3>
                    <p class="kern-body kern-body--small kern-body--muted">{org_line(&card.organisation, lang)}</p>
                </div>
                <div class="kern-card__body">
                    <p class="kern-body" lang="de">{card.short_description}</p>
                </div>
                <div class="kern-card__footer entry-card__facts">
                    <span class="kern-badge kern-badge--info"><span class="kern-label">{card.domain.label(lang)}</span></span>
                    <span class="entry-card__licence">{format!("v{} · {}", card.version, card.licence)}</span>
                    {card.is_fork.then(|| view! {
                        <span class="kern-badge"><span class="kern-label">{t.card_fork_badge}</span></span>
                    })}
                    {reuse_text(card.reuse_count, lang).map(|text| view! { <span class="entry-card__reuse">{text}</span> })}
                </div>
            </div>
        </li>
    }
}

/// One organisation in a list.
#[component]
pub fn OrganisationCardView(card: OrganisationCard) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let href = format!("/organisationen/{}", card.slug);
    let counts = fill(
        t.org_counts,
        &[
            ("s", &format_int(card.solution_count, lang)),
            ("d", &format_int(card.data_model_count, lang)),
            ("a", &format_int(card.adoption_count, lang)),
        ],
    );
    let kind_line = match card.bundesland {
        Some(state) => format!("{} · {}", card.kind.label(lang), state.label(lang)),
        None => card.kind.label(lang).to_owned(),
    };
    view! {
        <li class="kern-card kern-card--interactive entry-card">
            <div class="kern-card__container">
                <div class="kern-card__header">
                    <h3 class="kern-title" lang="de">
                        <a class="kern-link kern-link--stretched" href=href>{card.name}</a>
                    </h3>
                    <p class="kern-body kern-body--small kern-body--muted">{kind_line}</p>
                </div>
                <div class="kern-card__body">
                    <p class="kern-body kern-body--small">{counts}</p>
                </div>
            </div>
        </li>
    }
}

/// One hit of the catalogue search: kind, name, organisation, description, the matching
/// passage with the matched words marked, and the reuse count.
#[component]
pub fn SearchHitView(hit: SearchHit) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let href = hit.kind.path(&hit.slug);
    let facts = if hit.kind == SearchKind::Organisation {
        (hit.reuse_count > 0).then(|| {
            fill(
                t.search_org_entries,
                &[("n", &format_int(hit.reuse_count, lang))],
            )
        })
    } else {
        reuse_text(i32::try_from(hit.reuse_count).unwrap_or(i32::MAX), lang)
    };
    let snippet = (!hit.snippet.text.is_empty()).then(|| {
        let parts = hit
            .snippet
            .segments()
            .into_iter()
            .map(|(text, marked)| {
                if marked {
                    view! { <mark>{text}</mark> }.into_any()
                } else {
                    text.into_any()
                }
            })
            .collect_view();
        view! { <p class="kern-body kern-body--small search-hit__snippet" lang="de">{parts}</p> }
    });
    view! {
        <li class="kern-card kern-card--interactive entry-card">
            <div class="kern-card__container">
                <div class="kern-card__header">
                    <p class="kern-preline">{hit.kind.label(lang)}</p>
                    <h3 class="kern-title" lang="de">
                        <a class="kern-link kern-link--stretched" href=href>{hit.name}</a>
                    </h3>
                    {hit.organisation.map(|org| view! {
                        <p class="kern-body kern-body--small kern-body--muted">{org_line(&org, lang)}</p>
                    })}
                </div>
                <div class="kern-card__body">
                    <p class="kern-body" lang="de">{hit.short_description}</p>
                    {snippet}
                </div>
                {facts.map(|text| view! {
                    <div class="kern-card__footer entry-card__facts"><span class="entry-card__reuse">{text}</span></div>
                })}
            </div>
        </li>
    }
}
