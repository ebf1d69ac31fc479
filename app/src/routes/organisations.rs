//! Organisation list (`/organisationen`) and organisation page (`/organisationen/:slug`).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::cards::{DataModelCardView, OrganisationCardView, SolutionCardView};
use crate::components::entries::Results;
use crate::components::facts::{Fact, Facts};
use crate::components::filters::{FilterForm, FilterSelect};
use crate::components::layout::{Breadcrumbs, LoadError, ModerationForm, PageHeading, PageMeta};
use crate::i18n::{format_date, use_lang, use_texts};
use crate::model::{Bundesland, EntryKind, OrgKind, OrganisationDetail};
use crate::query::{OrganisationQuery, url_with_query};
use crate::routes::current_query_pairs;
use crate::routes::not_found::NotFoundPage;
use crate::server_fns::{load_organisation, load_organisations};

/// `/organisationen?kind=&state=&page=`
#[component]
pub fn OrganisationsPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let query = OrganisationQuery::from_pairs(&current_query_pairs(), false).unwrap_or_default();
    let data = OnceResource::new(load_organisations(query.clone()));
    let canonical = url_with_query("/organisationen", &query.to_pairs());
    view! {
        <PageMeta title=t.organisations_title description=t.organisations_meta canonical_path=canonical/>
        <Breadcrumbs current=t.organisations_title/>
        <PageHeading title=t.organisations_title lead=t.organisations_lead/>
        <Suspense fallback=|| ()>
            {move || {
                let query = query.clone();
                Suspend::new(async move {
                    let Ok(page) = data.await else {
                        return view! { <LoadError/> }.into_any();
                    };
                    let mut pairs = query.to_pairs();
                    pairs.retain(|(k, _)| *k != "page");
                    let pages = page.page_count();
                    view! {
                        <div class="list-layout">
                            <aside class="list-layout__filters">
                                <FilterForm action="/organisationen" filtered=query.is_filtered()>
                                    <FilterSelect name="kind" label=t.filter_kind
                                        options=OrgKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label(lang).to_owned())).collect()
                                        selected=query.kind.map(|k| k.as_str().to_owned())/>
                                    <FilterSelect name="state" label=t.filter_bundesland
                                        options=Bundesland::ALL.iter().map(|s| (s.as_str().to_owned(), s.label(lang).to_owned())).collect()
                                        selected=query.state.map(|s| s.as_str().to_owned())/>
                                </FilterForm>
                            </aside>
                            <Results total=page.total empty=page.items.is_empty() path="/organisationen" pairs=pairs
                                page=page.page pages=pages>
                                {page.items.into_iter().map(|card| view! { <OrganisationCardView card/> }).collect_view()}
                            </Results>
                        </div>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

/// `/organisationen/:slug`
#[component]
pub fn OrganisationPage() -> impl IntoView {
    let slug = use_params_map()
        .get_untracked()
        .get("slug")
        .unwrap_or_default();
    let data = OnceResource::new(load_organisation(slug));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(org)) => view! { <OrganisationView org/> }.into_any(),
                    Ok(None) => view! { <NotFoundPage/> }.into_any(),
                    Err(_) => view! { <LoadError/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrganisationView(org: OrganisationDetail) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let o = org;
    let canonical = format!("/organisationen/{}", o.slug);
    let description = if o.description.is_empty() {
        o.kind.label(lang).to_owned()
    } else {
        o.description.clone()
    };
    view! {
        <PageMeta title=o.name.clone() description=description canonical_path=canonical/>
        <Breadcrumbs trail=vec![(t.organisations_title.to_owned(), "/organisationen".to_owned())] current=o.name.clone()/>
        <article class="detail">
            <header class="detail__header">
                <p class="kern-preline">{o.kind.label(lang)}</p>
                <h1 class="kern-heading-large">{o.name.clone()}</h1>
                {(!o.description.is_empty()).then(|| view! { <p class="kern-body kern-body--large" lang="de">{o.description.clone()}</p> })}
                {crate::account::use_viewer().and_then(|v| v.role_in(&o.slug)).map(|_| {
                    let at = &use_texts().account;
                    view! {
                        <nav class="org-admin-nav" aria-label=at.org_manage_links>
                            <ul class="org-admin-nav__list">
                                <li><a href=format!("/organisationen/{}/mitglieder", o.slug)>{at.account_members_link}</a></li>
                                <li><a href=format!("/organisationen/{}/tokens", o.slug)>{at.account_tokens_link}</a></li>
                            </ul>
                        </nav>
                    }
                })}
                <ModerationForm kind="organisation" slug=o.slug.clone() hidden=false/>
            </header>
            <div class="detail__columns">
                <div class="detail__main">
                    <section aria-labelledby="org-loesungen">
                        <h2 class="kern-heading-medium" id="org-loesungen">{t.org_solutions}</h2>
                        {if o.solutions.is_empty() {
                            view! { <p class="kern-body">{t.org_no_solutions}</p> }.into_any()
                        } else {
                            view! { <ul class="card-list">{o.solutions.clone().into_iter().map(|card| view! { <SolutionCardView card/> }).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                    <section aria-labelledby="org-datenmodelle">
                        <h2 class="kern-heading-medium" id="org-datenmodelle">{t.org_data_models}</h2>
                        {if o.data_models.is_empty() {
                            view! { <p class="kern-body">{t.org_no_data_models}</p> }.into_any()
                        } else {
                            view! { <ul class="card-list">{o.data_models.clone().into_iter().map(|card| view! { <DataModelCardView card/> }).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                    <section aria-labelledby="org-nutzt">
                        <h2 class="kern-heading-medium" id="org-nutzt">{t.org_adoptions}</h2>
                        {if o.adoptions.is_empty() {
                            view! { <p class="kern-body">{t.org_no_adoptions}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="adopters">
                                    {o.adoptions.iter().map(|a| {
                                        let href = match a.kind {
                                            EntryKind::Solution => format!("/loesungen/{}", a.entry.slug),
                                            EntryKind::DataModel => format!("/datenmodelle/{}", a.entry.slug),
                                        };
                                        view! {
                                            <li class="adopters__item">
                                                <span class="adopters__kind">{a.kind.label(lang)}</span>
                                                <a class="kern-link" href=href>{a.entry.name.clone()}</a>
                                                <span class="adopters__contact">{format!("({})", a.entry.organisation.name)}</span>
                                                <span class="kern-badge kern-badge--success"><span class="kern-label">{a.status.label(lang)}</span></span>
                                                <span class="adopters__since">{format!("{} {}", t.detail_adopter_since, format_date(a.since, lang))}</span>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                </div>
                <aside class="detail__aside" aria-labelledby="steckbrief">
                    <h2 class="kern-heading-small" id="steckbrief">{t.detail_facts}</h2>
                    <Facts>
                        <Fact label=t.org_kind>{o.kind.label(lang)}</Fact>
                        {o.bundesland.map(|s| view! { <Fact label=t.org_bundesland>{s.label(lang)}</Fact> })}
                        {o.ags.clone().map(|ags| view! { <Fact label=t.org_ags>{ags}</Fact> })}
                        {o.size_class.map(|c| view! { <Fact label=t.org_size>{c.label(lang)}</Fact> })}
                        {o.website.clone().map(|url| view! {
                            <Fact label=t.org_website><a class="kern-link detail__url" href=url.clone() rel="noopener noreferrer">{url.clone()}</a></Fact>
                        })}
                        {o.contact_email.clone().map(|mail| view! {
                            <Fact label=t.org_contact><a class="kern-link" href=format!("mailto:{mail}")>{mail.clone()}</a></Fact>
                        })}
                    </Facts>
                </aside>
            </div>
        </article>
    }
}
