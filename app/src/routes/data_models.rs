//! Data model list (`/datenmodelle`) and detail (`/datenmodelle/:slug`).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::cards::{DataModelCardView, org_line, reuse_text};
use crate::components::copy_button::CopyButton;
use crate::components::entries::{AdopterList, EntryRefList, Results};
use crate::components::facts::{Fact, Facts};
use crate::components::filters::{FilterForm, FilterSelect, SortSelect};
use crate::components::layout::{Breadcrumbs, LoadError, ModerationForm, PageHeading, PageMeta};
use crate::i18n::{fill, format_date, format_int, use_lang, use_texts};
use crate::model::{DataModelDetail, Domain};
use crate::query::{DataModelQuery, url_with_query};
use crate::routes::current_query_pairs;
use crate::routes::not_found::NotFoundPage;
use crate::server_fns::{load_data_model, load_data_models};

/// `/datenmodelle?domain=&licence=&org=&state=&sort=&page=`
#[component]
pub fn DataModelsPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let query = DataModelQuery::from_pairs(&current_query_pairs(), false).unwrap_or_default();
    let data = OnceResource::new(load_data_models(query.clone()));
    let canonical = url_with_query("/datenmodelle", &query.to_pairs());
    view! {
        <PageMeta title=t.data_models_title description=t.data_models_meta canonical_path=canonical/>
        <Breadcrumbs current=t.data_models_title/>
        <PageHeading title=t.data_models_title lead=t.data_models_lead/>
        {crate::account::use_viewer().filter(|v| !v.memberships.is_empty()).map(|_| view! {
            <p class="entry-actions">
                <a class="kern-btn kern-btn--primary" href="/datenmodelle/neu">
                    <span class="kern-label">{t.entry.publish_model_link}</span>
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
                                <FilterForm action="/datenmodelle" filtered=query.is_filtered()>
                                    <FilterSelect name="domain" label=t.filter_domain
                                        options=Domain::ALL.iter().map(|d| {
                                            let n = options.domains.iter().find(|(x, _)| x == d).map(|(_, n)| *n).unwrap_or(0);
                                            (d.as_str().to_owned(), format!("{} ({n})", d.label(lang)))
                                        }).collect()
                                        selected=query.domain.map(|d| d.as_str().to_owned())/>
                                    <FilterSelect name="org" label=t.filter_organisation
                                        options=options.organisations.iter().map(|(slug, name, n)| (slug.clone(), format!("{name} ({n})"))).collect()
                                        selected=query.org.clone()/>
                                    <FilterSelect name="state" label=t.filter_bundesland
                                        options=options.bundeslaender.iter().map(|(s, n)| (s.as_str().to_owned(), format!("{} ({n})", s.label(lang)))).collect()
                                        selected=query.state.map(|s| s.as_str().to_owned())/>
                                    <SortSelect selected=query.sort/>
                                </FilterForm>
                            </aside>
                            <Results total=page.total empty=page.items.is_empty() path="/datenmodelle" pairs=pairs
                                page=page.page pages=pages>
                                {page.items.into_iter().map(|card| view! { <DataModelCardView card/> }).collect_view()}
                            </Results>
                        </div>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

/// `/datenmodelle/:slug`
#[component]
pub fn DataModelPage() -> impl IntoView {
    let slug = use_params_map()
        .get_untracked()
        .get("slug")
        .unwrap_or_default();
    let data = OnceResource::new(load_data_model(slug));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(model)) => view! { <DataModelView model/> }.into_any(),
                    Ok(None) => view! { <NotFoundPage/> }.into_any(),
                    Err(_) => view! { <LoadError/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DataModelView(model: DataModelDetail) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let m = model;
    let canonical = format!("/datenmodelle/{}", m.slug);
    let raw_schema = serde_json::to_string_pretty(&m.json_schema).unwrap_or_default();
    let properties = m.properties.clone();
    view! {
        <PageMeta title=m.name.clone() description=m.short_description.clone() canonical_path=canonical/>
        <Breadcrumbs trail=vec![(t.data_models_title.to_owned(), "/datenmodelle".to_owned())] current=m.name.clone()/>
        <article class="detail">
            <header class="detail__header">
                <p class="kern-preline">
                    <a class="kern-link" href=format!("/organisationen/{}", m.organisation.slug)>{org_line(&m.organisation, lang)}</a>
                </p>
                <h1 class="kern-heading-large" lang="de">{m.name.clone()}</h1>
                <ModerationForm kind="data_model" slug=m.slug.clone() hidden=false/>
                <crate::routes::solutions::EntryActions section="datenmodelle" slug=m.slug.clone() owner=m.organisation.slug.clone()/>
                <ul class="entry-actions">
                    <li><a class="kern-link" href=format!("/datenmodelle/{}/pruefen", m.slug)>{use_texts().model_tools.check_link}</a></li>
                    <li><a class="kern-link" href=format!("/datenmodelle/{}/aenderungen", m.slug)>{use_texts().model_tools.compatibility_title}</a></li>
                </ul>
                <p class="kern-body kern-body--large" lang="de">{m.short_description.clone()}</p>
                {m.archived.then(|| view! {
                    <div class="kern-alert kern-alert--warning"><div class="kern-alert__header">
                        <span class="kern-icon kern-icon--warning" aria-hidden="true"></span>
                        <span class="kern-title">{t.detail_archived}</span>
                    </div></div>
                })}
                {m.forked_from.clone().map(|origin| view! {
                    <p class="detail__lineage-note">
                        {t.detail_forked_from}": "
                        <a class="kern-link" href=format!("/datenmodelle/{}", origin.slug)>{origin.name}</a>
                        " ("{origin.organisation.name}")"
                    </p>
                })}
            </header>
            <div class="detail__columns">
                <div class="detail__main">
                    <section aria-labelledby="beschreibung">
                        <h2 class="kern-heading-medium" id="beschreibung">{t.detail_description}</h2>
                        <div class="prose" lang="de" inner_html=m.description_html.as_str().to_owned()></div>
                    </section>
                    <section aria-labelledby="struktur">
                        <h2 class="kern-heading-medium" id="struktur">{t.detail_schema}</h2>
                        {if properties.is_empty() {
                            view! { <p class="kern-body">{t.detail_no_properties}</p> }.into_any()
                        } else {
                            view! {
                                <div class="kern-table-responsive" tabindex="0" role="region" aria-labelledby="felder-caption">
                                    <table class="kern-table kern-table--striped schema-table">
                                        <caption class="kern-title" id="felder-caption">{t.detail_schema_table_caption}</caption>
                                        <thead>
                                            <tr class="kern-table__row">
                                                <th scope="col" class="kern-table__header">{t.detail_schema_field}</th>
                                                <th scope="col" class="kern-table__header">{t.detail_schema_type}</th>
                                                <th scope="col" class="kern-table__header">{t.detail_schema_required}</th>
                                                <th scope="col" class="kern-table__header">{t.detail_schema_description}</th>
                                            </tr>
                                        </thead>
                                        <tbody class="kern-table__body">
                                            {properties.into_iter().map(|p| {
                                                // Nesting by class, not inline style: the CSP allows no inline styles.
                                                let indent = format!("kern-table__cell schema-table__field schema-depth-{}", p.depth.min(6));
                                                view! {
                                                    <tr class="kern-table__row">
                                                        <th scope="row" class=indent><code>{p.path}</code></th>
                                                        <td class="kern-table__cell"><code>{p.type_label}</code></td>
                                                        <td class="kern-table__cell">{if p.required { t.detail_schema_yes } else { t.detail_schema_no }}</td>
                                                        <td class="kern-table__cell">
                                                            {p.description.unwrap_or_default()}
                                                            {(!p.allowed_values.is_empty()).then(|| view! {
                                                                <span class="schema-table__allowed">{format!("{}: {}", t.detail_schema_allowed, p.allowed_values.join(", "))}</span>
                                                            })}
                                                        </td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }}
                        <details class="raw-json">
                            <summary>{t.detail_schema_raw}</summary>
                            <CopyButton target="schema-json".to_owned() label=t.copy_button.to_owned() done=t.copy_done.to_owned() failed=t.copy_failed.to_owned()/>
                            <pre class="code-block" id="schema-json" tabindex="0"><code>{raw_schema}</code></pre>
                        </details>
                    </section>
                    <section aria-labelledby="beispiele">
                        <h2 class="kern-heading-medium" id="beispiele">{t.detail_examples}</h2>
                        {m.examples.iter().enumerate().map(|(i, example)| {
                            let id = format!("beispiel-{}", i + 1);
                            let title = fill(t.detail_example_n, &[("n", &(i + 1).to_string())]);
                            let text = serde_json::to_string_pretty(example).unwrap_or_default();
                            view! {
                                <h3 class="kern-heading-small">{title}</h3>
                                <CopyButton target=id.clone() label=t.copy_button.to_owned() done=t.copy_done.to_owned() failed=t.copy_failed.to_owned()/>
                                <pre class="code-block" id=id tabindex="0"><code>{text}</code></pre>
                            }
                        }).collect_view()}
                    </section>
                    <section aria-labelledby="verwendet">
                        <h2 class="kern-heading-medium" id="verwendet">{t.detail_used_by}</h2>
                        {if m.used_by.is_empty() {
                            view! { <p class="kern-body">{t.detail_not_used}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="kern-list kern-list--bullet">
                                    {m.used_by.iter().map(|link| view! {
                                        <li>
                                            <a class="kern-link" href=format!("/loesungen/{}", link.entry.slug)>{link.entry.name.clone()}</a>
                                            " ("{link.entry.organisation.name.clone()}") – "{link.relation.label(lang)}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                    <section aria-labelledby="nutzer">
                        <h2 class="kern-heading-medium" id="nutzer">{t.detail_adopters}</h2>
                        <AdopterList adopters=m.adopters.clone()/>
                    </section>
                    <section aria-labelledby="herkunft">
                        <h2 class="kern-heading-medium" id="herkunft">{t.detail_forks}</h2>
                        {if m.forks.is_empty() {
                            view! { <p class="kern-body">{t.detail_no_forks}</p> }.into_any()
                        } else {
                            view! { <EntryRefList refs=m.forks.clone() base="/datenmodelle"/> }.into_any()
                        }}
                    </section>
                </div>
                <aside class="detail__aside" aria-labelledby="steckbrief">
                    <h2 class="kern-heading-small" id="steckbrief">{t.detail_facts}</h2>
                    <Facts>
                        <Fact label=t.detail_organisation>
                            <a class="kern-link" href=format!("/organisationen/{}", m.organisation.slug)>{m.organisation.name.clone()}</a>
                        </Fact>
                        <Fact label=t.detail_domain>{m.domain.label(lang)}</Fact>
                        <Fact label=t.detail_version>{m.version.clone()}</Fact>
                        <Fact label=t.detail_licence>{m.licence.clone()}</Fact>
                        <Fact label=t.detail_reuse>{reuse_text(m.reuse_count, lang).unwrap_or_else(|| "–".to_owned())}</Fact>
                        <Fact label=t.detail_published>{format_date(m.created_at.date_naive(), lang)}</Fact>
                        <Fact label=t.detail_updated>{format_date(m.updated_at.date_naive(), lang)}</Fact>
                        <Fact label=t.detail_revisions>{format_int(m.revision_count, lang)}</Fact>
                    </Facts>
                </aside>
            </div>
        </article>
    }
}
