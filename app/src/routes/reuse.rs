//! Reusing an entry (`/loesungen/:slug/nachnutzen`, `/datenmodelle/:slug/nachnutzen`):
//! its lineage across generations (a nested list and an SVG graph), "Wir nutzen das" for
//! the viewer's organisations, and forking into one of them. Server-rendered forms.

use leptos::prelude::*;

use crate::account::{use_form_state, use_page_data, use_page_problem, use_viewer};
use crate::components::form::{
    CheckboxGroup, ErrorSummary, FormNotice, SelectField, TextArea, TextField,
};
use crate::components::layout::{Breadcrumbs, PageHeading, PageMeta};
use crate::editing::{LineageNode, ReuseData};
use crate::i18n::{Lang, use_lang, use_texts};
use crate::model::AdoptionStatus;
use crate::routes::not_found::Problem;

/// What stands for an origin the public may not see (no name, no link).
fn withheld_label(lang: Lang) -> &'static str {
    lang.texts().reuse.withheld_origin
}

/// The lineage as nested lists (children below their parent).
fn nested(nodes: &[LineageNode], section: &str, lang: Lang) -> AnyView {
    fn build(
        nodes: &[LineageNode],
        start: usize,
        depth: usize,
        section: &str,
        lang: Lang,
    ) -> (AnyView, usize) {
        let mut items = Vec::new();
        let mut i = start;
        while i < nodes.len() && nodes[i].depth >= depth {
            if nodes[i].depth > depth {
                i += 1;
                continue;
            }
            let node = nodes[i].clone();
            let (children, next) = if i + 1 < nodes.len() && nodes[i + 1].depth > depth {
                let (view, next) = build(nodes, i + 1, depth + 1, section, lang);
                (Some(view), next)
            } else {
                (None, i + 1)
            };
            let href = format!("/{section}/{}", node.slug);
            items.push(view! {
                <li>
                    {if !node.public {
                        view! { <span class="lineage-list__withheld">{withheld_label(lang)}</span> }.into_any()
                    } else if node.current {
                        view! { <strong aria-current="page">{format!("{} ({})", node.name, node.organisation)}</strong> }.into_any()
                    } else {
                        view! { <a href=href>{node.name.clone()}</a>" ("{node.organisation.clone()}")" }.into_any()
                    }}
                    {children}
                </li>
            });
            i = next;
        }
        (
            view! { <ul class="lineage-list">{items}</ul> }.into_any(),
            i,
        )
    }
    build(nodes, 0, 0, section, lang).0
}

/// The lineage as an SVG graph (one row per entry, indented by generation).
fn graph(nodes: &[LineageNode], title_id: &str, lang: Lang) -> AnyView {
    const ROW: usize = 34;
    const INDENT: usize = 28;
    let height = nodes.len() * ROW + 10;
    let width = 640;
    let mut lines = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        if node.depth == 0 {
            continue;
        }
        if let Some(parent) = (0..i).rev().find(|&j| nodes[j].depth + 1 == node.depth) {
            let (x1, y1) = (12 + nodes[parent].depth * INDENT, 17 + parent * ROW);
            let (x2, y2) = (12 + node.depth * INDENT, 17 + i * ROW);
            lines.push(
                view! { <path class="lineage-graph__edge" d=format!("M{x1} {y1} V{y2} H{x2}")/> },
            );
        }
    }
    let dots = nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let (x, y) = (12 + node.depth * INDENT, 17 + i * ROW);
            let label = if node.public { format!("{} · {}", node.name, node.organisation) } else { withheld_label(lang).to_owned() };
            view! {
                <g>
                    <circle class="lineage-graph__node" class:lineage-graph__node--current=node.current cx=x.to_string() cy=y.to_string() r="7"/>
                    <text x=(x + 14).to_string() y=(y + 5).to_string() class="lineage-graph__label">{label}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="lineage-graph" viewBox=format!("0 0 {width} {height}") width=width.to_string() height=height.to_string()
            role="img" aria-labelledby=title_id.to_owned() xmlns="http://www.w3.org/2000/svg">
            {lines}
            {dots}
        </svg>
    }
    .into_any()
}

/// `/loesungen/:slug/nachnutzen` and `/datenmodelle/:slug/nachnutzen`
#[component]
pub fn ReusePageView() -> impl IntoView {
    let lang = use_lang();
    let t = &use_texts().reuse;
    let state = use_form_state();
    if let Some(problem) = use_page_problem() {
        return view! { <Problem problem/> }.into_any();
    }
    let Some(data) = use_page_data::<ReuseData>() else {
        return view! { <PageHeading title="–"/> }.into_any();
    };
    let base = format!("/{}/{}", data.section, data.slug);
    let title = t.title;
    let section_title = if data.section == "loesungen" {
        use_texts().solutions_title
    } else {
        use_texts().data_models_title
    };
    let logged_in = use_viewer().is_some();
    let orgs = data.organisations.clone();
    let fork_orgs: Vec<(String, String)> = orgs
        .iter()
        .filter(|(s, _)| *s != data.owner)
        .cloned()
        .collect();
    let f = "adopt";
    let v = |field: &str| state.value(f, field);
    let e = |field: &str| state.error(f, field);
    view! {
        <PageMeta title=format!("{title} – {}", data.name) description=t.meta
            canonical_path=format!("{base}/nachnutzen")/>
        <Breadcrumbs trail=vec![(section_title.to_owned(), format!("/{}", data.section)), (data.name.clone(), base.clone())] current=title/>
        <PageHeading title=format!("{title}: {}", data.name)/>
        <section class="account-section" aria-labelledby="stammbaum">
            <h2 class="kern-heading-medium" id="stammbaum">{t.lineage_heading}</h2>
            <p class="kern-body" id="stammbaum-grafik">{t.lineage_lead}</p>
            {nested(&data.lineage, &data.section, lang)}
            <div class="lineage-graph__frame" aria-hidden="false">{graph(&data.lineage, "stammbaum-grafik", lang)}</div>
        </section>
        {if !logged_in || orgs.is_empty() {
            view! {
                <p class="kern-body">{t.login_hint}" "<a href=format!("/anmelden?weiter={base}/nachnutzen")>{use_texts().account.nav_login}</a></p>
            }.into_any()
        } else {
            view! {
                <section class="account-section" aria-labelledby="wir-nutzen-das">
                    <h2 class="kern-heading-medium" id="wir-nutzen-das">{t.adopt_heading}</h2>
                    <FormNotice notice=state.notice_of(f)/>
                    <ErrorSummary state=state.clone() form=f ids=vec![("organisation", "nutzung-org"), ("status", "nutzung-stand"), ("since", "nutzung-seit"),
                        ("contact_name", "nutzung-kontakt"), ("contact_email", "nutzung-email"), ("note", "nutzung-notiz")]/>
                    <form method="post" action=format!("{base}/nachnutzen") class="account-form">
                        <input type="hidden" name="form" value="adopt"/>
                        <SelectField id="nutzung-org" name="organisation" label=t.field_organisation options=orgs.clone()
                            value=v("organisation") error=e("organisation")/>
                        <SelectField id="nutzung-stand" name="status" label=t.field_stage
                            options=AdoptionStatus::ALL.iter().map(|s| (s.as_str().to_owned(), s.label(lang).to_owned())).collect()
                            value={let s = v("status"); if s.is_empty() { "production".to_owned() } else { s }} error=e("status")/>
                        <TextField id="nutzung-seit" name="since" label=t.field_since kind="date" value=v("since") error=e("since")/>
                        <TextField id="nutzung-kontakt" name="contact_name" label=t.field_contact_name
                            value=v("contact_name") error=e("contact_name")/>
                        <TextField id="nutzung-email" name="contact_email" label=t.field_contact_email kind="email"
                            value=v("contact_email") error=e("contact_email")/>
                        <TextArea id="nutzung-notiz" name="note" label=t.field_note value=v("note") error=e("note") rows=3/>
                        <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{t.adopt_submit}</span></button>
                    </form>
                    {data.adopted_by.iter().map(|org| {
                        let name = orgs.iter().find(|(s, _)| s == org).map(|(_, n)| n.clone()).unwrap_or_default();
                        view! {
                            <form method="post" action=format!("{base}/nachnutzen") class="inline-form">
                                <input type="hidden" name="form" value="withdraw"/>
                                <input type="hidden" name="organisation" value=org.clone()/>
                                <button type="submit" class="kern-btn kern-btn--tertiary">
                                    <span class="kern-label">{format!("{} ({name})", t.withdraw_submit)}</span>
                                </button>
                            </form>
                        }
                    }).collect_view()}
                </section>
                {(data.section == "loesungen").then(|| view! {
                    <section class="account-section" aria-labelledby="anbieten">
                        <h2 class="kern-heading-medium" id="anbieten">{t.offer_heading}</h2>
                        <p class="kern-body">{t.offer_lead}</p>
                        <form method="post" action=format!("{base}/nachnutzen") class="account-form">
                            <input type="hidden" name="form" value="offer"/>
                            <SelectField id="angebot-org" name="organisation" label=t.field_offering_org options=orgs.clone()
                                value=state.value("offer", "organisation") error=state.error("offer", "organisation")/>
                            <CheckboxGroup id="angebot-leistungen" name="services" legend=t.field_services
                                options=crate::model::ServiceKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label(lang).to_owned())).collect()
                                checked=Vec::new() error=state.error("offer", "services")/>
                            <TextField id="angebot-notiz" name="offer_note" label=t.field_offer_note
                                value=state.value("offer", "offer_note") error=state.error("offer", "offer_note") maxlength=500/>
                            <button type="submit" class="kern-btn kern-btn--secondary"><span class="kern-label">{t.offer_submit}</span></button>
                        </form>
                    </section>
                })}
                {(!fork_orgs.is_empty()).then(|| view! {
                    <section class="account-section" aria-labelledby="forken">
                        <h2 class="kern-heading-medium" id="forken">{t.fork_heading}</h2>
                        <p class="kern-body">{t.fork_lead}</p>
                        <FormNotice notice=state.notice_of("fork")/>
                        <form method="post" action=format!("{base}/nachnutzen") class="account-form">
                            <input type="hidden" name="form" value="fork"/>
                            <SelectField id="fork-org" name="organisation" label=t.field_fork_org options=fork_orgs
                                value=state.value("fork", "organisation") error=state.error("fork", "organisation")/>
                            <button type="submit" class="kern-btn kern-btn--secondary"><span class="kern-label">{t.fork_submit}</span></button>
                        </form>
                    </section>
                })}
            }.into_any()
        }}
    }
    .into_any()
}

fn ranking(
    entries: Vec<crate::editing::RankedEntry>,
    section: &'static str,
    caption: &'static str,
    lang: Lang,
) -> AnyView {
    let t = &lang.texts().reuse;
    view! {
        <table class="kern-table">
            <caption class="kern-title">{caption}</caption>
            <thead><tr>
                <th scope="col">{t.col_entry}</th>
                <th scope="col">{t.col_organisation}</th>
                <th scope="col">{t.col_reusing}</th>
            </tr></thead>
            <tbody>
                {entries.into_iter().map(|e| view! {
                    <tr>
                        <td><a href=format!("/{section}/{}", e.slug)>{e.name}</a></td>
                        <td>{e.organisation}</td>
                        <td>{crate::i18n::format_int(e.reuse_count, lang)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

fn events(items: Vec<crate::editing::ReuseEvent>, caption: &'static str, lang: Lang) -> AnyView {
    let t = &lang.texts().reuse;
    view! {
        <table class="kern-table">
            <caption class="kern-title">{caption}</caption>
            <thead><tr>
                <th scope="col">{t.col_date}</th>
                <th scope="col">{t.col_organisation}</th>
                <th scope="col">{t.col_entry}</th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|e| view! {
                    <tr>
                        <td>{crate::i18n::format_date(e.at, lang)}</td>
                        <td>{e.organisation}</td>
                        <td><a href=format!("/{}/{}", e.section, e.slug)>{e.name}</a></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// `/nachnutzung`: the reuse picture.
#[component]
pub fn ReuseStatsPage() -> impl IntoView {
    let lang = use_lang();
    let Some(stats) = use_page_data::<crate::editing::ReuseStats>() else {
        return view! { <PageHeading title="–"/> }.into_any();
    };
    let t = &lang.texts().reuse;
    let title = t.stats_title;
    let max = stats
        .by_state
        .iter()
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(1)
        .max(1);
    const BAR: usize = 26;
    let height = stats.by_state.len() * BAR + 10;
    let bars = stats
        .by_state
        .iter()
        .enumerate()
        .map(|(i, (code, n))| {
            let label = crate::model::Bundesland::parse(code).map_or_else(|| code.clone(), |b| b.label(lang).to_owned());
            let width = (*n as f64 / max as f64 * 360.0).round() as i64;
            let y = i * BAR + 5;
            view! {
                <g>
                    <text x="0" y=(y + 16).to_string() class="stats-chart__label">{label}</text>
                    <rect x="220" y=y.to_string() width=width.max(1).to_string() height="18" class="stats-chart__bar"/>
                    <text x=(228 + width).to_string() y=(y + 14).to_string() class="stats-chart__value">{n.to_string()}</text>
                </g>
            }
        })
        .collect_view();
    let table_rows = stats
        .by_state
        .iter()
        .map(|(code, n)| {
            let label = crate::model::Bundesland::parse(code)
                .map_or_else(|| code.clone(), |b| b.label(lang).to_owned());
            view! { <tr><td>{label}</td><td>{crate::i18n::format_int(*n, lang)}</td></tr> }
        })
        .collect_view();
    view! {
        <PageMeta title=title description=t.stats_meta canonical_path="/nachnutzung"/>
        <Breadcrumbs current=title/>
        <PageHeading title=title lead=t.stats_lead/>
        <div class="table-scroll">{ranking(stats.top_solutions, "loesungen", t.top_solutions, lang)}</div>
        <div class="table-scroll">{ranking(stats.top_data_models, "datenmodelle", t.top_data_models, lang)}</div>
        <section class="account-section" aria-labelledby="nach-land">
            <h2 class="kern-heading-medium" id="nach-land">{t.by_state_heading}</h2>
            <p class="kern-body" id="nach-land-grafik">{t.by_state_lead}</p>
            <svg class="stats-chart" viewBox=format!("0 0 640 {height}") width="640" height=height.to_string() role="img" aria-labelledby="nach-land-grafik"
                xmlns="http://www.w3.org/2000/svg">{bars}</svg>
            <div class="table-scroll">
                <table class="kern-table">
                    <caption class="kern-title">{t.by_state_heading}</caption>
                    <thead><tr><th scope="col">{t.col_state}</th><th scope="col">{t.col_forks_and_uses}</th></tr></thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </div>
        </section>
        <div class="table-scroll">{events(stats.newest_forks, t.newest_forks, lang)}</div>
        <div class="table-scroll">{events(stats.newest_adoptions, t.newest_adoptions, lang)}</div>
    }
    .into_any()
}
