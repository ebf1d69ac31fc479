//! Data model tools: compatibility (`/datenmodelle/:slug/aenderungen`: changes against the
//! origin of a fork and between versions, breaking ones marked) and checking a payload
//! against the schema (`/datenmodelle/:slug/pruefen`). Server-rendered forms.

use crate::raw_text;
use leptos::prelude::*;

use crate::account::{PageProblem, use_page_data, use_page_problem};
use crate::components::layout::{Breadcrumbs, PageHeading, PageMeta};
use crate::editing::{ChangeRow, CompatibilityData, ValidateData};
use crate::i18n::{Lang, tr, use_lang, use_texts};

#[component]
fn ChangeList(changes: Vec<ChangeRow>) -> impl IntoView {
    let lang = use_lang();
    if changes.is_empty() {
        return view! { <p class="kern-body">{tr(lang, "Keine strukturellen Änderungen.", "No structural changes.")}</p> }.into_any();
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    view! {
        <p class="kern-body">
            {match lang {
                Lang::De => format!("{} Änderung(en), davon {breaking} inkompatibel.", changes.len()),
                Lang::En => format!("{} change(s), {breaking} of them breaking.", changes.len()),
            }}
        </p>
        <ul class="change-list">
            {changes.into_iter().map(|c| view! {
                <li class:change-list__breaking=c.breaking>
                    {c.breaking.then(|| view! {
                        <span class="kern-badge kern-badge--danger"><span class="kern-label">{tr(lang, "inkompatibel", "breaking")}</span></span>
                        " "
                    })}
                    {c.text}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

fn problem_view(problem: PageProblem) -> AnyView {
    view! { <crate::routes::org_admin::Problem problem/> }.into_any()
}

/// `/datenmodelle/:slug/aenderungen`
#[component]
pub fn CompatibilityPageView() -> impl IntoView {
    let lang = use_lang();
    if let Some(problem) = use_page_problem() {
        return problem_view(problem);
    }
    let Some(data) = use_page_data::<CompatibilityData>() else {
        return problem_view(PageProblem::NotFound);
    };
    let base = format!("/datenmodelle/{}", data.slug);
    let title = tr(
        lang,
        "Änderungen und Kompatibilität",
        "Changes and compatibility",
    );
    let (from, to) = data.versions.unwrap_or((
        data.revisions.get(1).copied().unwrap_or(1),
        data.revisions.first().copied().unwrap_or(1),
    ));
    let options = |selected: i32| {
        data.revisions.iter().map(|n| view! { <option value=n.to_string() selected=*n == selected>{n.to_string()}</option> }).collect_view()
    };
    view! {
        <PageMeta title=format!("{title} – {}", data.name) description=title canonical_path=format!("{base}/aenderungen")/>
        <Breadcrumbs trail=vec![(use_texts().data_models_title.to_owned(), "/datenmodelle".to_owned()), (data.name.clone(), base.clone())] current=title/>
        <PageHeading title=format!("{title}: {}", data.name)/>
        {data.origin.clone().map(|(slug, name, org)| view! {
            <section class="account-section" aria-labelledby="gegenueber-original">
                <h2 class="kern-heading-medium" id="gegenueber-original">{tr(lang, "Änderungen gegenüber dem Original", "Changes against the original")}</h2>
                <p class="kern-body">
                    {tr(lang, "Original: ", "Original: ")}<a href=format!("/datenmodelle/{slug}")>{name}</a>" ("{org}")"
                </p>
                <ChangeList changes=data.origin_changes.clone()/>
            </section>
        })}
        <section class="account-section" aria-labelledby="zwischen-versionen">
            <h2 class="kern-heading-medium" id="zwischen-versionen">{tr(lang, "Zwischen zwei Versionen", "Between two versions")}</h2>
            <form method="get" action=format!("{base}/aenderungen") class="entry-actions">
                <div class="kern-form-input">
                    <label class="kern-label" for="aenderung-von">{tr(lang, "Ältere Version", "Older version")}</label>
                    <div class="kern-form-input__select-wrapper"><select class="kern-form-input__select" id="aenderung-von" name="von">{options(from)}</select></div>
                </div>
                <div class="kern-form-input">
                    <label class="kern-label" for="aenderung-bis">{tr(lang, "Neuere Version", "Newer version")}</label>
                    <div class="kern-form-input__select-wrapper"><select class="kern-form-input__select" id="aenderung-bis" name="bis">{options(to)}</select></div>
                </div>
                <button type="submit" class="kern-btn kern-btn--secondary"><span class="kern-label">{tr(lang, "Vergleichen", "Compare")}</span></button>
            </form>
            {data.versions.map(|_| view! { <ChangeList changes=data.version_changes.clone()/> })}
        </section>
    }
    .into_any()
}

/// `/datenmodelle/:slug/pruefen`
#[component]
pub fn ValidatePageView() -> impl IntoView {
    let lang = use_lang();
    if let Some(problem) = use_page_problem() {
        return problem_view(problem);
    }
    let Some(data) = use_page_data::<ValidateData>() else {
        return problem_view(PageProblem::NotFound);
    };
    let base = format!("/datenmodelle/{}", data.slug);
    let title = tr(lang, "Daten prüfen", "Check data");
    let result = data.result.clone().map(|result| match result {
        Ok(errors) if errors.is_empty() => view! {
            <div class="kern-alert kern-alert--success form-notice" role="status">
                <div class="kern-alert__body"><p class="kern-body">{tr(lang, "Die Daten passen zum Schema.", "The data conforms to the schema.")}</p></div>
            </div>
        }
        .into_any(),
        Ok(errors) => view! {
            <div class="kern-alert kern-alert--danger form-notice" role="alert">
                <div class="kern-alert__body">
                    <p class="kern-body">{match lang {
                        Lang::De => format!("Die Daten passen nicht zum Schema ({} Fehler):", errors.len()),
                        Lang::En => format!("The data does not conform to the schema ({} errors):", errors.len()),
                    }}</p>
                    <ul class="validation-errors">
                        {errors.into_iter().map(|(path, message)| view! {
                            <li><code>{if path.is_empty() { "/".to_owned() } else { path }}</code>": "{message}</li>
                        }).collect_view()}
                    </ul>
                </div>
            </div>
        }
        .into_any(),
        Err(message) => view! {
            <div class="kern-alert kern-alert--danger form-notice" role="alert">
                <div class="kern-alert__body"><p class="kern-body">{message}</p></div>
            </div>
        }
        .into_any(),
    });
    view! {
        <PageMeta title=format!("{title} – {}", data.name) description=title canonical_path=format!("{base}/pruefen")/>
        <Breadcrumbs trail=vec![(use_texts().data_models_title.to_owned(), "/datenmodelle".to_owned()), (data.name.clone(), base.clone())] current=title/>
        <PageHeading title=format!("{title}: {}", data.name)
            lead=tr(lang, "Fügen Sie einen Datensatz als JSON ein; er wird gegen das Schema des Modells geprüft. Nichts wird gespeichert.",
                "Paste a record as JSON; it is checked against the model's schema. Nothing is stored.")/>
        {result}
        <form method="post" action=format!("{base}/pruefen") class="account-form">
            <div class="kern-form-input form-field">
                <label class="kern-label" for="pruefen-daten">{tr(lang, "Datensatz (JSON)", "Record (JSON)")}</label>
                <textarea class="kern-form-input__input form-field__textarea" id="pruefen-daten" name="payload" rows="14">{raw_text::escape(&data.payload)}</textarea>
            </div>
            <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{tr(lang, "Prüfen", "Check")}</span></button>
        </form>
    }
    .into_any()
}
