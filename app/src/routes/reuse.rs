//! Reusing an entry (`/loesungen/:slug/nachnutzen`, `/datenmodelle/:slug/nachnutzen`):
//! its lineage across generations (a nested list and an SVG graph), "Wir nutzen das" for
//! the viewer's organisations, and forking into one of them. Server-rendered forms.

use leptos::prelude::*;

use crate::account::{PageProblem, use_form_state, use_page_data, use_page_problem, use_viewer};
use crate::account_texts::use_account_texts;
use crate::components::form::{
    CheckboxGroup, ErrorSummary, FormNotice, SelectField, TextArea, TextField,
};
use crate::components::layout::{Breadcrumbs, PageHeading, PageMeta};
use crate::editing::{LineageNode, ReuseData};
use crate::i18n::{Lang, tr, use_lang, use_texts};
use crate::model::AdoptionStatus;

/// What stands for an origin the public may not see (no name, no link).
fn withheld_label(lang: Lang) -> &'static str {
    tr(lang, "Ursprung nicht öffentlich", "Origin not public")
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
    let state = use_form_state();
    if let Some(problem) = use_page_problem() {
        let title = match problem {
            PageProblem::NotFound => tr(lang, "Nicht gefunden", "Not found"),
            PageProblem::Forbidden => tr(lang, "Kein Zugriff", "No access"),
        };
        return view! { <PageMeta title=title description=title canonical_path="" no_canonical=true/><PageHeading title=title/> }.into_any();
    }
    let Some(data) = use_page_data::<ReuseData>() else {
        return view! { <PageHeading title="–"/> }.into_any();
    };
    let base = format!("/{}/{}", data.section, data.slug);
    let title = tr(lang, "Nachnutzen", "Reuse");
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
        <PageMeta title=format!("{title} – {}", data.name) description=tr(lang, "Stammbaum, Nutzung und Forks eines Eintrags.", "Lineage, use and forks of an entry.")
            canonical_path=format!("{base}/nachnutzen")/>
        <Breadcrumbs trail=vec![(section_title.to_owned(), format!("/{}", data.section)), (data.name.clone(), base.clone())] current=title/>
        <PageHeading title=format!("{title}: {}", data.name)/>
        <section class="account-section" aria-labelledby="stammbaum">
            <h2 class="kern-heading-medium" id="stammbaum">{tr(lang, "Stammbaum", "Lineage")}</h2>
            <p class="kern-body" id="stammbaum-grafik">{tr(lang, "Original und alle Forks über alle Generationen:", "The original and every fork across generations:")}</p>
            {nested(&data.lineage, &data.section, lang)}
            <div class="lineage-graph__frame" aria-hidden="false">{graph(&data.lineage, "stammbaum-grafik", lang)}</div>
        </section>
        {if !logged_in || orgs.is_empty() {
            view! {
                <p class="kern-body">{tr(lang, "Melden Sie sich an und gehören Sie einer Organisation an, um die Nutzung zu erfassen oder einen Fork anzulegen.",
                    "Log in as a member of an organisation to record use or to fork.")}" "<a href=format!("/anmelden?weiter={base}/nachnutzen")>{use_account_texts().nav_login}</a></p>
            }.into_any()
        } else {
            view! {
                <section class="account-section" aria-labelledby="wir-nutzen-das">
                    <h2 class="kern-heading-medium" id="wir-nutzen-das">{tr(lang, "Wir nutzen das", "We use this")}</h2>
                    <FormNotice notice=state.notice_of(f)/>
                    <ErrorSummary state=state.clone() form=f ids=vec![("organisation", "nutzung-org"), ("status", "nutzung-stand"), ("since", "nutzung-seit"),
                        ("contact_name", "nutzung-kontakt"), ("contact_email", "nutzung-email"), ("note", "nutzung-notiz")]/>
                    <form method="post" action=format!("{base}/nachnutzen") class="account-form">
                        <input type="hidden" name="form" value="adopt"/>
                        <SelectField id="nutzung-org" name="organisation" label=tr(lang, "Organisation", "Organisation") options=orgs.clone()
                            value=v("organisation") error=e("organisation")/>
                        <SelectField id="nutzung-stand" name="status" label=tr(lang, "Stand", "Stage")
                            options=AdoptionStatus::ALL.iter().map(|s| (s.as_str().to_owned(), s.label(lang).to_owned())).collect()
                            value={let s = v("status"); if s.is_empty() { "production".to_owned() } else { s }} error=e("status")/>
                        <TextField id="nutzung-seit" name="since" label=tr(lang, "Seit", "Since") kind="date" value=v("since") error=e("since")/>
                        <TextField id="nutzung-kontakt" name="contact_name" label=tr(lang, "Ansprechperson für Erfahrungsaustausch (optional)", "Contact for sharing experience (optional)")
                            value=v("contact_name") error=e("contact_name")/>
                        <TextField id="nutzung-email" name="contact_email" label=tr(lang, "E-Mail der Ansprechperson (optional)", "Contact e-mail (optional)") kind="email"
                            value=v("contact_email") error=e("contact_email")/>
                        <TextArea id="nutzung-notiz" name="note" label=tr(lang, "Öffentliche Notiz (optional)", "Public note (optional)") value=v("note") error=e("note") rows=3/>
                        <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{tr(lang, "Nutzung speichern", "Save use")}</span></button>
                    </form>
                    {data.adopted_by.iter().map(|org| {
                        let name = orgs.iter().find(|(s, _)| s == org).map(|(_, n)| n.clone()).unwrap_or_default();
                        view! {
                            <form method="post" action=format!("{base}/nachnutzen") class="inline-form">
                                <input type="hidden" name="form" value="withdraw"/>
                                <input type="hidden" name="organisation" value=org.clone()/>
                                <button type="submit" class="kern-btn kern-btn--tertiary">
                                    <span class="kern-label">{format!("{} ({name})", tr(lang, "Nutzung zurückziehen", "Withdraw use"))}</span>
                                </button>
                            </form>
                        }
                    }).collect_view()}
                </section>
                {(data.section == "loesungen").then(|| view! {
                    <section class="account-section" aria-labelledby="anbieten">
                        <h2 class="kern-heading-medium" id="anbieten">{tr(lang, "Wir bieten an", "We offer")}</h2>
                        <p class="kern-body">{tr(lang, "IT-Dienstleister und Unternehmen zeigen, dass sie diese Lösung betreiben, unterstützen oder weiterentwickeln. Ohne Häkchen wird das Angebot zurückgezogen.",
                            "IT service providers and companies show that they run, support or develop this solution. Without ticks the offer is withdrawn.")}</p>
                        <form method="post" action=format!("{base}/nachnutzen") class="account-form">
                            <input type="hidden" name="form" value="offer"/>
                            <SelectField id="angebot-org" name="organisation" label=tr(lang, "Anbietende Organisation", "Offering organisation") options=orgs.clone()
                                value=state.value("offer", "organisation") error=state.error("offer", "organisation")/>
                            <CheckboxGroup id="angebot-leistungen" name="services" legend=tr(lang, "Leistungen", "Services")
                                options=crate::model::ServiceKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label(lang).to_owned())).collect()
                                checked=Vec::new() error=state.error("offer", "services")/>
                            <TextField id="angebot-notiz" name="offer_note" label=tr(lang, "Hinweis zum Angebot (optional)", "Note on the offer (optional)")
                                value=state.value("offer", "offer_note") error=state.error("offer", "offer_note") maxlength=500/>
                            <button type="submit" class="kern-btn kern-btn--secondary"><span class="kern-label">{tr(lang, "Angebot speichern", "Save offer")}</span></button>
                        </form>
                    </section>
                })}
                {(!fork_orgs.is_empty()).then(|| view! {
                    <section class="account-section" aria-labelledby="forken">
                        <h2 class="kern-heading-medium" id="forken">{tr(lang, "Forken", "Fork")}</h2>
                        <p class="kern-body">{tr(lang, "Ein Fork kopiert den Eintrag in Ihre Organisation; die Herkunft bleibt vermerkt und Sie können ihn dort weiterentwickeln.",
                            "A fork copies the entry into your organisation; the origin stays recorded.")}</p>
                        <FormNotice notice=state.notice_of("fork")/>
                        <form method="post" action=format!("{base}/nachnutzen") class="account-form">
                            <input type="hidden" name="form" value="fork"/>
                            <SelectField id="fork-org" name="organisation" label=tr(lang, "In Organisation", "Into organisation") options=fork_orgs
                                value=state.value("fork", "organisation") error=state.error("fork", "organisation")/>
                            <button type="submit" class="kern-btn kern-btn--secondary"><span class="kern-label">{tr(lang, "Fork anlegen", "Create fork")}</span></button>
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
    view! {
        <table class="kern-table">
            <caption class="kern-title">{caption}</caption>
            <thead><tr>
                <th scope="col">{tr(lang, "Eintrag", "Entry")}</th>
                <th scope="col">{tr(lang, "Organisation", "Organisation")}</th>
                <th scope="col">{tr(lang, "Nachnutzende Organisationen", "Reusing organisations")}</th>
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
    view! {
        <table class="kern-table">
            <caption class="kern-title">{caption}</caption>
            <thead><tr>
                <th scope="col">{tr(lang, "Datum", "Date")}</th>
                <th scope="col">{tr(lang, "Organisation", "Organisation")}</th>
                <th scope="col">{tr(lang, "Eintrag", "Entry")}</th>
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
    let title = tr(lang, "Nachnutzung", "Reuse");
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
        <PageMeta title=title description=tr(lang, "Was Verwaltungen voneinander nachnutzen: meistgenutzte Lösungen und Datenmodelle, Nachnutzung nach Bundesland, neueste Forks und Nutzungen.",
            "What administrations reuse from each other.") canonical_path="/nachnutzung"/>
        <Breadcrumbs current=title/>
        <PageHeading title=title lead=tr(lang, "Einmal gebaut – vielfach genutzt: Nachnutzung als erfasste Tatsachen (Forks und „Wir nutzen das“).",
            "Built once, used many times: reuse as recorded facts (forks and \"we use this\").")/>
        <div class="table-scroll">{ranking(stats.top_solutions, "loesungen", tr(lang, "Meistgenutzte Lösungen", "Most reused solutions"), lang)}</div>
        <div class="table-scroll">{ranking(stats.top_data_models, "datenmodelle", tr(lang, "Meistgenutzte Datenmodelle", "Most reused data models"), lang)}</div>
        <section class="account-section" aria-labelledby="nach-land">
            <h2 class="kern-heading-medium" id="nach-land">{tr(lang, "Nachnutzung nach Bundesland", "Reuse by federal state")}</h2>
            <p class="kern-body" id="nach-land-grafik">{tr(lang, "Forks und Nutzungen durch Organisationen des jeweiligen Landes (Balkendiagramm; dieselben Zahlen als Tabelle darunter).",
                "Forks and uses by organisations of each state (bar chart; the same numbers as a table below).")}</p>
            <svg class="stats-chart" viewBox=format!("0 0 640 {height}") width="640" height=height.to_string() role="img" aria-labelledby="nach-land-grafik"
                xmlns="http://www.w3.org/2000/svg">{bars}</svg>
            <div class="table-scroll">
                <table class="kern-table">
                    <caption class="kern-title">{tr(lang, "Nachnutzung nach Bundesland", "Reuse by federal state")}</caption>
                    <thead><tr><th scope="col">{tr(lang, "Bundesland", "State")}</th><th scope="col">{tr(lang, "Forks und Nutzungen", "Forks and uses")}</th></tr></thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </div>
        </section>
        <div class="table-scroll">{events(stats.newest_forks, tr(lang, "Neueste Forks", "Newest forks"), lang)}</div>
        <div class="table-scroll">{events(stats.newest_adoptions, tr(lang, "Neueste Nutzungen", "Newest uses"), lang)}</div>
    }
    .into_any()
}
