//! Reusing an entry (`/loesungen/:slug/nachnutzen`, `/datenmodelle/:slug/nachnutzen`):
//! its lineage across generations (a nested list and an SVG graph), "Wir nutzen das" for
//! the viewer's organisations, and forking into one of them. Server-rendered forms.

use leptos::prelude::*;

use crate::account::{PageProblem, use_form_state, use_page_data, use_page_problem, use_viewer};
use crate::account_texts::use_account_texts;
use crate::components::form::{ErrorSummary, FormNotice, SelectField, TextArea, TextField};
use crate::components::layout::{Breadcrumbs, PageHeading, PageMeta};
use crate::editing::{LineageNode, ReuseData};
use crate::i18n::{Lang, use_lang, use_texts};
use crate::model::AdoptionStatus;

fn tr(lang: Lang, de: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::De => de,
        Lang::En => en,
    }
}

/// The lineage as nested lists (children below their parent).
fn nested(nodes: &[LineageNode], section: &str) -> AnyView {
    fn build(nodes: &[LineageNode], start: usize, depth: usize, section: &str) -> (AnyView, usize) {
        let mut items = Vec::new();
        let mut i = start;
        while i < nodes.len() && nodes[i].depth >= depth {
            if nodes[i].depth > depth {
                i += 1;
                continue;
            }
            let node = nodes[i].clone();
            let (children, next) = if i + 1 < nodes.len() && nodes[i + 1].depth > depth {
                let (view, next) = build(nodes, i + 1, depth + 1, section);
                (Some(view), next)
            } else {
                (None, i + 1)
            };
            let href = format!("/{section}/{}", node.slug);
            items.push(view! {
                <li>
                    {if node.current {
                        view! { <strong aria-current="page">{format!("{} ({})", node.name, node.organisation)}</strong> }.into_any()
                    } else {
                        view! { <a href=href>{node.name.clone()}</a>" ("{node.organisation.clone()}")" }.into_any()
                    }}
                    {children}
                </li>
            });
            i = next;
        }
        (view! { <ul class="lineage-list">{items}</ul> }.into_any(), i)
    }
    build(nodes, 0, 0, section).0
}

/// The lineage as an SVG graph (one row per entry, indented by generation).
fn graph(nodes: &[LineageNode], title_id: &str) -> AnyView {
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
            lines.push(view! { <path class="lineage-graph__edge" d=format!("M{x1} {y1} V{y2} H{x2}")/> });
        }
    }
    let dots = nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let (x, y) = (12 + node.depth * INDENT, 17 + i * ROW);
            view! {
                <g>
                    <circle class="lineage-graph__node" class:lineage-graph__node--current=node.current cx=x.to_string() cy=y.to_string() r="7"/>
                    <text x=(x + 14).to_string() y=(y + 5).to_string() class="lineage-graph__label">{format!("{} · {}", node.name, node.organisation)}</text>
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
    let Some(data) = use_page_data::<ReuseData>() else { return view! { <PageHeading title="–"/> }.into_any() };
    let base = format!("/{}/{}", data.section, data.slug);
    let title = tr(lang, "Nachnutzen", "Reuse");
    let section_title = if data.section == "loesungen" { use_texts().solutions_title } else { use_texts().data_models_title };
    let logged_in = use_viewer().is_some();
    let orgs = data.organisations.clone();
    let fork_orgs: Vec<(String, String)> = orgs.iter().filter(|(s, _)| *s != data.owner).cloned().collect();
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
            {nested(&data.lineage, &data.section)}
            <div class="lineage-graph__frame" aria-hidden="false">{graph(&data.lineage, "stammbaum-grafik")}</div>
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
