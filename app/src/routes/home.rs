//! The start page: what Allmende is, the catalogue in numbers, the newest entries.

use leptos::prelude::*;

use crate::components::cards::{DataModelCardView, SolutionCardView};
use crate::components::layout::{Breadcrumbs, LoadError, PageMeta};
use crate::i18n::{format_int, use_lang, use_texts};
use crate::server_fns::load_home;

/// `/`
#[component]
pub fn HomePage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let data = OnceResource::new(load_home());
    view! {
        <PageMeta title=t.home_title description=t.home_meta canonical_path="/"/>
        <Breadcrumbs current=t.breadcrumb_home at_home=true/>
        <section class="hero" aria-labelledby="start-titel">
            <h1 class="kern-heading-display" id="start-titel">{t.home_lead}</h1>
            <p class="kern-body kern-body--large hero__intro">{t.home_intro}</p>
            <form class="hero__search" method="get" action="/suche">
                <label class="kern-label" for="start-suche">{t.header_search_label}</label>
                <div class="hero__search-row">
                    <input class="kern-form-input__input" id="start-suche" type="search" name="q" maxlength="200" aria-describedby="start-suche-hinweis"/>
                    <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{t.search_button}</span></button>
                </div>
                <p class="kern-hint" id="start-suche-hinweis">{t.search_hint}</p>
            </form>
        </section>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Err(_) => view! { <LoadError/> }.into_any(),
                    Ok((stats, solutions, models)) => {
                        let figures = [
                            (stats.solutions, t.stat_solutions, "/loesungen"),
                            (stats.data_models, t.stat_data_models, "/datenmodelle"),
                            (stats.organisations, t.stat_organisations, "/organisationen"),
                            (stats.adoptions, t.stat_adoptions, "/loesungen?sort=reused"),
                            (stats.forks, t.stat_forks, "/loesungen?sort=reused"),
                        ];
                        view! {
                            <section class="stats" aria-labelledby="zahlen">
                                <h2 class="kern-heading-medium" id="zahlen">{t.home_stats_heading}</h2>
                                <ul class="stats__list">
                                    {figures.into_iter().map(|(n, label, href)| view! {
                                        <li class="stats__item">
                                            <a href=href class="stats__link">
                                                <span class="stats__number">{format_int(n, lang)}</span>
                                                <span class="stats__label">{label}</span>
                                            </a>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                            <section aria-labelledby="neue-loesungen">
                                <h2 class="kern-heading-medium" id="neue-loesungen">{t.home_newest_solutions}</h2>
                                <ul class="card-grid">
                                    {solutions.into_iter().map(|card| view! { <SolutionCardView card/> }).collect_view()}
                                </ul>
                                <p><a class="kern-link" href="/loesungen">{t.home_all_solutions}</a></p>
                            </section>
                            <section aria-labelledby="neue-datenmodelle">
                                <h2 class="kern-heading-medium" id="neue-datenmodelle">{t.home_newest_data_models}</h2>
                                <ul class="card-grid">
                                    {models.into_iter().map(|card| view! { <DataModelCardView card/> }).collect_view()}
                                </ul>
                                <p><a class="kern-link" href="/datenmodelle">{t.home_all_data_models}</a></p>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
        <section class="how" aria-labelledby="so-gehts">
            <h2 class="kern-heading-medium" id="so-gehts">{t.home_how_heading}</h2>
            <ul class="kern-list kern-list--bullet">
                <li>{t.home_how_find}</li>
                <li>{t.home_how_reuse}</li>
                <li>{t.home_how_share}</li>
            </ul>
        </section>
    }
}
