//! Solution list (`/loesungen`) and solution detail (`/loesungen/:slug`).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::categories::{category_label, platform_label};
use crate::components::cards::{SolutionCardView, org_line};
use crate::components::entries::{AdopterList, EntryRefList, Results};
use crate::components::facts::{Fact, Facts};
use crate::components::filters::{FilterForm, FilterSelect, SortSelect};
use crate::components::layout::{Breadcrumbs, LoadError, ModerationForm, PageHeading, PageMeta};
use crate::i18n::{format_date, format_int, use_lang, use_texts};
use crate::model::{DevelopmentStatus, SolutionDetail};
use crate::query::{SolutionQuery, url_with_query};
use crate::routes::current_query_pairs;
use crate::routes::not_found::NotFoundPage;
use crate::server_fns::{load_solution, load_solutions};

/// `/loesungen?category=&licence=&status=&org=&state=&sort=&page=`
#[component]
pub fn SolutionsPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let query = SolutionQuery::from_pairs(&current_query_pairs(), false).unwrap_or_default();
    let data = OnceResource::new(load_solutions(query.clone()));
    let canonical = url_with_query("/loesungen", &query.to_pairs());
    view! {
        <PageMeta title=t.solutions_title description=t.solutions_meta canonical_path=canonical/>
        <Breadcrumbs current=t.solutions_title/>
        <PageHeading title=t.solutions_title lead=t.solutions_lead/>
        {crate::account::use_viewer().filter(|v| !v.memberships.is_empty()).map(|_| view! {
            <p class="entry-actions">
                <a class="kern-btn kern-btn--primary" href="/loesungen/neu">
                    <span class="kern-label">{t.entry.publish_link}</span>
                </a>
                " "
                <a class="kern-btn kern-btn--secondary" href="/loesungen/importieren">
                    <span class="kern-label">{t.import.title}</span>
                </a>
            </p>
        })}
        <Suspense fallback=|| ()>
            {move || {
                let query = query.clone();
                Suspend::new(async move {
                    let Ok((page, options)) = data.await else {
                        return view! { <LoadError/> }.into_any();
                    };
                    let mut pairs = query.to_pairs();
                    pairs.retain(|(k, _)| *k != "page");
                    let pages = page.page_count();
                    view! {
                        <div class="list-layout">
                            <aside class="list-layout__filters">
                                <FilterForm action="/loesungen" filtered=query.is_filtered()>
                                    <FilterSelect name="category" label=t.filter_category
                                        options=options.categories.iter().map(|(c, n)| (c.clone(), format!("{} ({n})", category_label(c, lang)))).collect()
                                        selected=query.category.clone()/>
                                    <FilterSelect name="licence" label=t.filter_licence
                                        options=options.licences.iter().map(|(l, n)| (l.clone(), format!("{l} ({n})"))).collect()
                                        selected=query.licence.clone()/>
                                    <FilterSelect name="status" label=t.filter_status
                                        options=DevelopmentStatus::ALL.iter().map(|s| (s.as_str().to_owned(), s.label(lang).to_owned())).collect()
                                        selected=query.status.map(|s| s.as_str().to_owned())/>
                                    <FilterSelect name="org" label=t.filter_organisation
                                        options=options.organisations.iter().map(|(slug, name, n)| (slug.clone(), format!("{name} ({n})"))).collect()
                                        selected=query.org.clone()/>
                                    <FilterSelect name="state" label=t.filter_bundesland
                                        options=options.bundeslaender.iter().map(|(s, n)| (s.as_str().to_owned(), format!("{} ({n})", s.label(lang)))).collect()
                                        selected=query.state.map(|s| s.as_str().to_owned())/>
                                    <SortSelect selected=query.sort/>
                                </FilterForm>
                            </aside>
                            <Results total=page.total empty=page.items.is_empty() path="/loesungen" pairs=pairs
                                page=page.page pages=pages>
                                {page.items.into_iter().map(|card| view! { <SolutionCardView card/> }).collect_view()}
                            </Results>
                        </div>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

/// `/loesungen/:slug`
#[component]
pub fn SolutionPage() -> impl IntoView {
    let slug = use_params_map()
        .get_untracked()
        .get("slug")
        .unwrap_or_default();
    let data = OnceResource::new(load_solution(slug));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(solution)) => view! { <SolutionView solution/> }.into_any(),
                    Ok(None) => view! { <NotFoundPage/> }.into_any(),
                    Err(_) => view! { <LoadError/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Links to edit (members of the owning organisation) and to the versions (everyone), and
/// the confirmation after saving.
#[component]
pub fn EntryActions(section: &'static str, slug: String, owner: String) -> impl IntoView {
    let t = &use_texts().entry;
    let member = crate::account::use_viewer()
        .and_then(|v| v.role_in(&owner))
        .is_some();
    let saved = current_query_pairs()
        .iter()
        .any(|(k, v)| k == "gespeichert" && v == "1");
    let base = format!("/{section}/{slug}");
    view! {
        {saved.then(|| view! {
            <div class="kern-alert kern-alert--success form-notice" role="status">
                <div class="kern-alert__body"><p class="kern-body">{use_texts().notices.saved}</p></div>
            </div>
        })}
        <ul class="entry-actions">
            {member.then(|| view! {
                <li><a class="kern-btn kern-btn--secondary" href=format!("{base}/bearbeiten")><span class="kern-label">{t.edit_link}</span></a></li>
            })}
            <li><a class="kern-link" href=format!("{base}/versionen")>{t.history_link}</a></li>
            <li><a class="kern-link" href=format!("{base}/nachnutzen")>{t.reuse_link}</a></li>
            {(section == "loesungen").then(|| view! {
                <li><a class="kern-link" href=format!("/api/v1/solutions/{slug}/publiccode.yml") download="publiccode.yml">
                    {use_texts().import.download_link}
                </a></li>
            })}
        </ul>
    }
}

#[component]
fn SolutionView(solution: SolutionDetail) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let s = solution;
    let canonical = format!("/loesungen/{}", s.slug);
    let not_specified = t.detail_not_specified;
    view! {
        <PageMeta title=s.name.clone() description=s.short_description.clone() canonical_path=canonical/>
        <Breadcrumbs trail=vec![(t.solutions_title.to_owned(), "/loesungen".to_owned())] current=s.name.clone()/>
        <article class="detail">
            <header class="detail__header">
                <p class="kern-preline">
                    <a class="kern-link" href=format!("/organisationen/{}", s.organisation.slug)>{org_line(&s.organisation, lang)}</a>
                </p>
                <h1 class="kern-heading-large" lang="de">{s.name.clone()}</h1>
                <ModerationForm kind="solution" slug=s.slug.clone() hidden=false/>
                <EntryActions section="loesungen" slug=s.slug.clone() owner=s.organisation.slug.clone()/>
                <p class="kern-body kern-body--large" lang="de">{s.short_description.clone()}</p>
                {s.archived.then(|| view! {
                    <div class="kern-alert kern-alert--warning"><div class="kern-alert__header">
                        <span class="kern-icon kern-icon--warning" aria-hidden="true"></span>
                        <span class="kern-title">{t.detail_archived}</span>
                    </div></div>
                })}
                {s.forked_from.clone().map(|origin| view! {
                    <p class="detail__lineage-note">
                        {t.detail_forked_from}": "
                        <a class="kern-link" href=format!("/loesungen/{}", origin.slug)>{origin.name}</a>
                        " ("{origin.organisation.name}")"
                    </p>
                })}
            </header>
            <div class="detail__columns">
                <div class="detail__main">
                    <section aria-labelledby="beschreibung">
                        <h2 class="kern-heading-medium" id="beschreibung">{t.detail_description}</h2>
                        <div class="prose" lang="de" inner_html=s.long_description_html.as_str().to_owned()></div>
                    </section>
                    {(!s.features.is_empty()).then(|| view! {
                        <section aria-labelledby="funktionen">
                            <h2 class="kern-heading-medium" id="funktionen">{t.detail_features}</h2>
                            <ul class="kern-list kern-list--bullet" lang="de">
                                {s.features.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}
                            </ul>
                        </section>
                    })}
                    {s.long_description_en_html.clone().map(|html| view! {
                        <section aria-labelledby="beschreibung-en" lang="en">
                            <h2 class="kern-heading-medium" id="beschreibung-en">{t.detail_description_en}</h2>
                            <div class="prose" inner_html=html.as_str().to_owned()></div>
                        </section>
                    })}
                    <section aria-labelledby="nutzer">
                        <h2 class="kern-heading-medium" id="nutzer">{t.detail_adopters}</h2>
                        <LikeMine adopters=s.adopters.clone()/>
                        <h3 class="kern-heading-small" id="betreiben">{t.reuse.providers_heading}</h3>
                        <Providers providers=s.providers.clone() contractors=s.contractors.iter().map(|c| c.name.clone()).collect() slug=s.slug.clone()/>
                    </section>
                    <section aria-labelledby="herkunft">
                        <h2 class="kern-heading-medium" id="herkunft">{t.detail_lineage}</h2>
                        {s.forked_from.clone().map(|origin| view! {
                            <h3 class="kern-heading-small">{t.detail_forked_from}</h3>
                            <EntryRefList refs=vec![origin] base="/loesungen"/>
                        })}
                        <h3 class="kern-heading-small">{t.detail_forks}</h3>
                        {if s.forks.is_empty() {
                            view! { <p class="kern-body">{t.detail_no_forks}</p> }.into_any()
                        } else {
                            view! { <EntryRefList refs=s.forks.clone() base="/loesungen"/> }.into_any()
                        }}
                    </section>
                    <section aria-labelledby="datenmodelle">
                        <h2 class="kern-heading-medium" id="datenmodelle">{t.detail_data_models}</h2>
                        {if s.data_models.is_empty() {
                            view! { <p class="kern-body">{t.detail_no_data_models}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="kern-list kern-list--bullet">
                                    {s.data_models.iter().map(|link| view! {
                                        <li>
                                            {link.relation.label(lang)}" "
                                            <a class="kern-link" href=format!("/datenmodelle/{}", link.entry.slug)>{link.entry.name.clone()}</a>
                                            " ("{link.entry.organisation.name.clone()}")"
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                </div>
                <aside class="detail__aside" aria-labelledby="steckbrief">
                    <h2 class="kern-heading-small" id="steckbrief">{t.detail_facts}</h2>
                    <Facts>
                        <Fact label=t.detail_organisation>
                            <a class="kern-link" href=format!("/organisationen/{}", s.organisation.slug)>{s.organisation.name.clone()}</a>
                        </Fact>
                        <Fact label=t.detail_licence>{s.licence.clone()}</Fact>
                        <Fact label=t.detail_status>{s.development_status.label(lang)}</Fact>
                        <Fact label=t.detail_software_type>{s.software_type.label(lang)}</Fact>
                        <Fact label=t.detail_version>{s.version.clone().unwrap_or_else(|| not_specified.to_owned())}</Fact>
                        <Fact label=t.detail_release_date>{s.release_date.map(|d| format_date(d, lang)).unwrap_or_else(|| not_specified.to_owned())}</Fact>
                        <Fact label=t.detail_reuse>{crate::components::cards::reuse_text(s.reuse_count, lang).unwrap_or_else(|| "–".to_owned())}</Fact>
                        <Fact label=t.detail_repository>
                            <a class="kern-link detail__url" href=s.repository_url.clone() rel="noopener noreferrer">{s.repository_url.clone()}</a>
                        </Fact>
                        {s.landing_url.clone().map(|url| view! {
                            <Fact label=t.detail_landing>
                                <a class="kern-link detail__url" href=url.clone() rel="noopener noreferrer">{url.clone()}</a>
                            </Fact>
                        })}
                        <Fact label=t.detail_categories>
                            {s.categories.iter().map(|c| category_label(c, lang)).collect::<Vec<_>>().join(", ")}
                        </Fact>
                        <Fact label=t.detail_platforms>
                            {if s.platforms.is_empty() { not_specified.to_owned() } else { s.platforms.iter().map(|p| platform_label(p, lang)).collect::<Vec<_>>().join(", ") }}
                        </Fact>
                        <Fact label=t.detail_maintenance>{s.maintenance_type.label(lang)}</Fact>
                        {(!s.contractors.is_empty()).then(|| view! {
                            <Fact label=t.detail_contractors>
                                <ul class="facts__list">
                                    {s.contractors.iter().map(|c| {
                                        let until = c.until.map(|d| format!(" ({} {})", t.detail_contractor_until, format_date(d, lang))).unwrap_or_default();
                                        view! { <li>{c.name.clone()}{until}</li> }
                                    }).collect_view()}
                                </ul>
                            </Fact>
                        })}
                        {(!s.contacts.is_empty()).then(|| view! {
                            <Fact label=t.detail_contacts>
                                <ul class="facts__list">
                                    {s.contacts.iter().map(|c| {
                                        let affiliation = c.affiliation.clone().map(|a| format!(", {a}")).unwrap_or_default();
                                        view! { <li>{c.name.clone()}{affiliation}</li> }
                                    }).collect_view()}
                                </ul>
                            </Fact>
                        })}
                        {(!s.tags.is_empty()).then(|| view! {
                            <Fact label=t.detail_tags>{s.tags.join(", ")}</Fact>
                        })}
                        <Fact label=t.detail_published>{format_date(s.created_at.date_naive(), lang)}</Fact>
                        <Fact label=t.detail_updated>{format_date(s.updated_at.date_naive(), lang)}</Fact>
                        <Fact label=t.detail_revisions>{format_int(s.revision_count, lang)}</Fact>
                    </Facts>
                </aside>
            </div>
        </article>
    }
}

/// "Kommunen wie meine": adopters from the visitor's Bundesland or size class first (from
/// their organisation, or chosen in the small form), marked as such.
#[component]
fn LikeMine(adopters: Vec<crate::model::Adopter>) -> impl IntoView {
    use crate::model::{Bundesland, SizeClass};
    let lang = use_lang();
    let t = &use_texts().reuse;
    let pairs = current_query_pairs();
    let chosen = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let own = crate::account::use_viewer().and_then(|v| v.memberships.first().cloned());
    let land = chosen("land")
        .and_then(|v| Bundesland::parse(&v))
        .or(own.as_ref().and_then(|m| m.bundesland));
    let size = chosen("groesse")
        .and_then(|v| SizeClass::parse(&v))
        .or(own.as_ref().and_then(|m| m.size_class));
    let score = |a: &crate::model::Adopter| {
        u8::from(land.is_some() && a.organisation.bundesland == land)
            + u8::from(size.is_some() && a.size_class == size)
    };
    let mut sorted = adopters;
    sorted.sort_by_key(|a| std::cmp::Reverse(score(a)));
    let like_mine: Vec<String> = sorted
        .iter()
        .filter(|a| score(a) > 0)
        .map(|a| a.organisation.name.clone())
        .collect();
    let empty = sorted.is_empty();
    view! {
        {(!empty).then(|| view! {
            <form method="get" action="#nutzer" class="entry-actions like-mine">
                <div class="kern-form-input">
                    <label class="kern-label" for="wie-land">{t.like_mine_state}</label>
                    <div class="kern-form-input__select-wrapper">
                        <select class="kern-form-input__select" id="wie-land" name="land">
                            <option value="">{t.like_mine_any}</option>
                            {Bundesland::ALL.iter().map(|b| view! { <option value=b.as_str() selected=land == Some(*b)>{b.label(lang)}</option> }).collect_view()}
                        </select>
                    </div>
                </div>
                <div class="kern-form-input">
                    <label class="kern-label" for="wie-groesse">{t.like_mine_size}</label>
                    <div class="kern-form-input__select-wrapper">
                        <select class="kern-form-input__select" id="wie-groesse" name="groesse">
                            <option value="">{t.like_mine_any}</option>
                            {SizeClass::ALL.iter().map(|c| view! { <option value=c.as_str() selected=size == Some(*c)>{c.label(lang)}</option> }).collect_view()}
                        </select>
                    </div>
                </div>
                <button type="submit" class="kern-btn kern-btn--secondary"><span class="kern-label">{t.like_mine_submit}</span></button>
            </form>
        })}
        {(!like_mine.is_empty()).then(|| view! {
            <p class="kern-body like-mine__note">{format!("{}{}", t.like_mine_note, like_mine.join(", "))}</p>
        })}
        <AdopterList adopters=sorted/>
    }
}

/// "Wer kann das betreiben?": organisations offering hosting, support or development, and
/// the contractors named in the maintenance data.
#[component]
fn Providers(
    providers: Vec<crate::model::Provider>,
    contractors: Vec<String>,
    slug: String,
) -> impl IntoView {
    let lang = use_lang();
    let t = &use_texts().reuse;
    let none = providers.is_empty() && contractors.is_empty();
    view! {
        {none.then(|| view! { <p class="kern-body">{t.no_offers}</p> })}
        <ul class="providers">
            {providers.into_iter().map(|p| view! {
                <li>
                    <a class="kern-link" href=format!("/organisationen/{}", p.organisation.slug)>{p.organisation.name.clone()}</a>
                    ": " {p.services.iter().map(|s| s.label(lang)).collect::<Vec<_>>().join(", ")}
                    {(!p.note.is_empty()).then(|| view! { " – " {p.note.clone()} })}
                </li>
            }).collect_view()}
            {contractors.into_iter().map(|c| view! {
                <li>{c}": "{t.contractor_maintenance}</li>
            }).collect_view()}
        </ul>
        <p class="kern-body"><a class="kern-link" href=format!("/loesungen/{slug}/nachnutzen#anbieten")>{t.add_offer_link}</a></p>
    }
}
