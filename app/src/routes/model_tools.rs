//! Data model tools: compatibility (`/datenmodelle/:slug/aenderungen`: changes against the
//! origin of a fork and between versions, breaking ones marked) and checking a payload
//! against the schema (`/datenmodelle/:slug/pruefen`). Server-rendered forms.

use crate::raw_text;
use leptos::prelude::*;

use crate::account::{PageProblem, use_page_data, use_page_problem};
use crate::components::layout::{Breadcrumbs, PageHeading, PageMeta};
use crate::editing::{ChangeRow, CompatibilityData, ValidateData};
use crate::i18n::{fill, use_texts};
use crate::routes::not_found::Problem;

#[component]
fn ChangeList(changes: Vec<ChangeRow>) -> impl IntoView {
    let t = &use_texts().model_tools;
    if changes.is_empty() {
        return view! { <p class="kern-body">{t.no_changes}</p> }.into_any();
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    view! {
        <p class="kern-body">
            {fill(t.change_count, &[("n", &changes.len().to_string()), ("breaking", &breaking.to_string())])}
        </p>
        <ul class="change-list">
            {changes.into_iter().map(|c| view! {
                <li class:change-list__breaking=c.breaking>
                    {c.breaking.then(|| view! {
                        <span class="kern-badge kern-badge--danger"><span class="kern-label">{t.breaking_badge}</span></span>
                        " "
                    })}
                    {c.text}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// `/datenmodelle/:slug/aenderungen`
#[component]
pub fn CompatibilityPageView() -> impl IntoView {
    let t = &use_texts().model_tools;
    if let Some(problem) = use_page_problem() {
        return view! { <Problem problem/> }.into_any();
    }
    let Some(data) = use_page_data::<CompatibilityData>() else {
        return view! { <Problem problem=PageProblem::NotFound/> }.into_any();
    };
    let base = format!("/datenmodelle/{}", data.slug);
    let title = t.compatibility_title;
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
                <h2 class="kern-heading-medium" id="gegenueber-original">{t.against_original_heading}</h2>
                <p class="kern-body">
                    {t.original_label}<a href=format!("/datenmodelle/{slug}")>{name}</a>" ("{org}")"
                </p>
                <ChangeList changes=data.origin_changes.clone()/>
            </section>
        })}
        <section class="account-section" aria-labelledby="zwischen-versionen">
            <h2 class="kern-heading-medium" id="zwischen-versionen">{t.between_versions_heading}</h2>
            <form method="get" action=format!("{base}/aenderungen") class="entry-actions">
                <div class="kern-form-input">
                    <label class="kern-label" for="aenderung-von">{t.older_version}</label>
                    <div class="kern-form-input__select-wrapper"><select class="kern-form-input__select" id="aenderung-von" name="von">{options(from)}</select></div>
                </div>
                <div class="kern-form-input">
                    <label class="kern-label" for="aenderung-bis">{t.newer_version}</label>
                    <div class="kern-form-input__select-wrapper"><select class="kern-form-input__select" id="aenderung-bis" name="bis">{options(to)}</select></div>
                </div>
                <button type="submit" class="kern-btn kern-btn--secondary"><span class="kern-label">{t.compare_submit}</span></button>
            </form>
            {data.versions.map(|_| view! { <ChangeList changes=data.version_changes.clone()/> })}
        </section>
    }
    .into_any()
}

/// `/datenmodelle/:slug/pruefen`
#[component]
pub fn ValidatePageView() -> impl IntoView {
    let t = &use_texts().model_tools;
    if let Some(problem) = use_page_problem() {
        return view! { <Problem problem/> }.into_any();
    }
    let Some(data) = use_page_data::<ValidateData>() else {
        return view! { <Problem problem=PageProblem::NotFound/> }.into_any();
    };
    let base = format!("/datenmodelle/{}", data.slug);
    let title = t.check_title;
    let result = data.result.clone().map(|result| match result {
        Ok(errors) if errors.is_empty() => view! {
            <div class="kern-alert kern-alert--success form-notice" role="status">
                <div class="kern-alert__body"><p class="kern-body">{t.check_passed}</p></div>
            </div>
        }
        .into_any(),
        Ok(errors) => view! {
            <div class="kern-alert kern-alert--danger form-notice" role="alert">
                <div class="kern-alert__body">
                    <p class="kern-body">{fill(t.check_failed, &[("n", &errors.len().to_string())])}</p>
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
            lead=t.check_lead/>
        {result}
        <form method="post" action=format!("{base}/pruefen") class="account-form">
            <div class="kern-form-input form-field">
                <label class="kern-label" for="pruefen-daten">{t.field_record}</label>
                <textarea class="kern-form-input__input form-field__textarea" id="pruefen-daten" name="payload" rows="14">{raw_text::escape(&data.payload)}</textarea>
            </div>
            <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{t.check_submit}</span></button>
        </form>
    }
    .into_any()
}
