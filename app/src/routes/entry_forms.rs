//! Publishing and editing a solution (`/loesungen/neu`, `/loesungen/:slug/bearbeiten`), its
//! version history (`/loesungen/:slug/versionen`) and the comparison of two versions
//! (`/loesungen/:slug/vergleich?von=&bis=`). Server-rendered forms that work without
//! JavaScript; the server puts the page data and the last submission into context.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::account::{FormState, PageProblem, use_form_state, use_page_data, use_page_problem};
use crate::categories::{CATEGORIES, platform_label};
use crate::components::form::{
    CheckboxGroup, ErrorSummary, FormNotice, SelectField, TextArea, TextField,
};
use crate::components::layout::{Breadcrumbs, PageHeading, PageMeta};
use crate::components::live_fields::{LicenceField, MarkdownField};
use crate::editing::{CompareData, DataModelFormData, DiffLine, HistoryData, SolutionFormData};
use crate::entry_rules::PLATFORMS;
use crate::i18n::{Lang, format_date, use_lang, use_texts};
use crate::model::{DevelopmentStatus, Domain, MaintenanceType, SoftwareType};
use crate::routes::not_found::Problem;

/// Rows offered for contractors and contacts in the form.
pub const FORM_ROWS: usize = 3;

fn date_time(at: DateTime<Utc>, lang: Lang) -> String {
    format!(
        "{} {}",
        format_date(at.date_naive(), lang),
        at.format("%H:%M")
    )
}

/// Values of a multi-valued field (stored one per line in the form state).
fn multi(state: &FormState, form: &str, field: &str) -> Vec<String> {
    state
        .value(form, field)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// `/loesungen/neu` and `/loesungen/:slug/bearbeiten`
#[component]
pub fn SolutionFormPageView() -> impl IntoView {
    let t = &use_texts().entry;
    let lang = use_lang();
    let state = use_form_state();
    if let Some(problem) = use_page_problem() {
        return view! { <Problem problem/> }.into_any();
    }
    let Some(data) = use_page_data::<SolutionFormData>() else {
        return view! { <Problem problem=PageProblem::NotFound/> }.into_any();
    };
    let f = "solution";
    let v = |field: &str| state.value(f, field);
    let e = |field: &str| state.error(f, field);
    let (title, action, submit) = match &data.editing {
        Some(slug) => (
            t.edit_solution_title,
            format!("/loesungen/{slug}/bearbeiten"),
            t.save_submit,
        ),
        None => (
            t.new_solution_title,
            "/loesungen/neu".to_owned(),
            t.publish_submit,
        ),
    };
    let canonical = action.clone();
    let mut trail = vec![(
        use_texts().solutions_title.to_owned(),
        "/loesungen".to_owned(),
    )];
    if let Some(slug) = &data.editing {
        trail.push((v("name"), format!("/loesungen/{slug}")));
    }
    if data.organisations.is_empty() {
        return view! {
            <PageMeta title=title description=t.new_solution_meta canonical_path=canonical/>
            <Breadcrumbs trail current=title/>
            <PageHeading title=title/>
            <p class="kern-body">{t.no_organisation}" "<a href="/organisationen/neu">{use_texts().account.account_create_org}</a></p>
        }
        .into_any();
    }
    let enum_options = |values: Vec<(&'static str, &'static str)>| -> Vec<(String, String)> {
        values
            .into_iter()
            .map(|(v, l)| (v.to_owned(), l.to_owned()))
            .collect()
    };
    let org_options: Vec<(String, String)> = data.organisations.clone();
    let org_value = {
        let chosen = v("organisation");
        if chosen.is_empty() {
            org_options
                .first()
                .map(|(s, _)| s.clone())
                .unwrap_or_default()
        } else {
            chosen
        }
    };
    let licence_verdict = data.licence.clone().map(|verdict| {
        let facts = verdict
            .licences
            .iter()
            .map(|l| {
                let mut marks = Vec::new();
                if l.osi_approved {
                    marks.push(t.licence_osi);
                }
                if l.fsf_libre {
                    marks.push(t.licence_fsf);
                }
                format!("{} ({}){}", l.id, l.name, if marks.is_empty() { String::new() } else { format!(": {}", marks.join(", ")) })
            })
            .collect::<Vec<_>>()
            .join("; ");
        if verdict.open_source {
            view! { <p class="kern-body licence-verdict--open" id="lizenz-bewertung">{t.licence_open}" "{facts}</p> }.into_any()
        } else {
            view! { <p class="kern-body licence-verdict--closed" id="lizenz-bewertung" role="alert">{t.licence_not_open}" "{facts}</p> }.into_any()
        }
    });
    let contractor_rows = (0..FORM_ROWS)
        .map(|i| {
            let key = |part: &str| format!("contractors[{i}].{part}");
            let id = |part: &str| format!("dienstleister-{i}-{part}");
            view! {
                <fieldset class="kern-fieldset entry-form__row-group">
                    <legend class="kern-label">{format!("{} {}", t.contractor_label, i + 1)}</legend>
                    <div class="entry-form__row">
                        <TextField id=id("name") name=key("name") label=t.field_contractor_name value=v(&key("name")) error=e(&key("name"))/>
                        <TextField id=id("bis") name=key("until") label=t.field_contractor_until kind="date" value=v(&key("until")) error=e(&key("until"))/>
                        <TextField id=id("email") name=key("email") label=t.field_contractor_email kind="email" value=v(&key("email")) error=e(&key("email"))/>
                        <TextField id=id("web") name=key("website") label=t.field_contractor_website kind="url" value=v(&key("website")) error=e(&key("website"))/>
                    </div>
                </fieldset>
            }
        })
        .collect_view();
    let contact_rows = (0..FORM_ROWS)
        .map(|i| {
            let key = |part: &str| format!("contacts[{i}].{part}");
            let id = |part: &str| format!("kontakt-{i}-{part}");
            view! {
                <fieldset class="kern-fieldset entry-form__row-group">
                    <legend class="kern-label">{format!("{} {}", t.contact_label, i + 1)}</legend>
                    <div class="entry-form__row">
                        <TextField id=id("name") name=key("name") label=t.field_contact_name value=v(&key("name")) error=e(&key("name"))/>
                        <TextField id=id("email") name=key("email") label=t.field_contact_email kind="email" value=v(&key("email")) error=e(&key("email"))/>
                        <TextField id=id("tel") name=key("phone") label=t.field_contact_phone kind="tel" value=v(&key("phone")) error=e(&key("phone"))/>
                        <TextField id=id("org") name=key("affiliation") label=t.field_contact_affiliation value=v(&key("affiliation")) error=e(&key("affiliation"))/>
                    </div>
                </fieldset>
            }
        })
        .collect_view();
    let summary_ids: Vec<(&'static str, &'static str)> = vec![
        ("organisation", "loesung-org"),
        ("name", "loesung-name"),
        ("short_description", "loesung-kurz"),
        ("long_description", "loesung-lang"),
        ("short_description_en", "loesung-kurz-en"),
        ("long_description_en", "loesung-lang-en"),
        ("repository_url", "loesung-repo"),
        ("landing_url", "loesung-web"),
        ("licence", "loesung-lizenz"),
        ("development_status", "loesung-stand"),
        ("software_type", "loesung-art"),
        ("categories", "loesung-kategorien"),
        ("platforms", "loesung-plattformen"),
        ("produces", "loesung-erzeugt"),
        ("consumes", "loesung-verarbeitet"),
        ("maintenance_type", "loesung-pflege"),
        ("contractors", "dienstleister"),
        ("version", "loesung-version"),
        ("release_date", "loesung-datum"),
        ("tags", "loesung-tags"),
        ("features", "loesung-funktionen"),
        ("slug", "loesung-slug"),
        ("change_message", "loesung-notiz"),
    ];
    let row_errors: Vec<(String, String)> = state
        .errors
        .keys()
        .filter(|k| k.starts_with("contractors[") || k.starts_with("contacts["))
        .map(|k| {
            let (group, rest) = k.split_once('[').unwrap_or((k, ""));
            let (index, part) = rest.split_once("].").unwrap_or(("0", ""));
            let prefix = if group == "contractors" {
                "dienstleister"
            } else {
                "kontakt"
            };
            let part = match part {
                "until" => "bis",
                "website" => "web",
                "phone" => "tel",
                "affiliation" => "org",
                other => other,
            };
            (k.clone(), format!("{prefix}-{index}-{part}"))
        })
        .collect();
    let row_summary = (!row_errors.is_empty() && state.form == f).then(|| {
        view! {
            <ul class="error-summary__list">
                {row_errors.into_iter().map(|(key, id)| {
                    let message = state.errors.get(&key).map(|e| e.message(lang)).unwrap_or_default();
                    view! { <li><a href=format!("#{id}")>{message}</a></li> }
                }).collect_view()}
            </ul>
        }
    });
    view! {
        <PageMeta title=title description=t.new_solution_meta canonical_path=canonical/>
        <Breadcrumbs trail current=title/>
        <PageHeading title=title lead=t.new_solution_lead/>
        <FormNotice notice=state.notice_of(f)/>
        <ErrorSummary state=state.clone() form=f ids=summary_ids/>
        {row_summary}
        <form method="post" action=action class="entry-form" novalidate>
            // One-time token of a new entry's form: a double submit publishes once.
            {(!v("submission").is_empty()).then(|| view! { <input type="hidden" name="submission" value=v("submission")/> })}
            <fieldset class="entry-form__section">
                <legend>{t.section_basics}</legend>
                <SelectField id="loesung-org" name="organisation" label=t.field_organisation options=org_options
                    value=org_value error=e("organisation") required=true/>
                <TextField id="loesung-name" name="name" label=t.field_name hint=t.field_name_hint value=v("name")
                    error=e("name") required=true maxlength=100/>
                <TextField id="loesung-kurz" name="short_description" label=t.field_short hint=t.field_short_hint
                    value=v("short_description") error=e("short_description") required=true maxlength=150/>
                <TextField id="loesung-repo" name="repository_url" label=t.field_repository hint=t.field_repository_hint kind="url"
                    value=v("repository_url") error=e("repository_url") required=true/>
                <LicenceField id="loesung-lizenz".to_owned() name="licence".to_owned() label=t.field_licence.to_owned()
                    hint=t.field_licence_hint.to_owned() value=v("licence") error=e("licence").map(|err| err.message(lang))
                    open_text=t.licence_open.to_owned() closed_text=t.licence_not_open.to_owned()
                    invalid_text=crate::validation::FieldError::InvalidLicence.message(lang)/>
                {licence_verdict}
            </fieldset>
            <fieldset class="entry-form__section">
                <legend>{t.section_description}</legend>
                <MarkdownField id="loesung-lang".to_owned() name="long_description".to_owned() label=t.field_long.to_owned()
                    hint=Some(t.field_long_hint.to_owned()) value=v("long_description")
                    error=e("long_description").map(|err| err.message(lang)) rows=12 preview_label=t.preview_label.to_owned()/>
                <TextField id="loesung-web" name="landing_url" label=t.field_landing kind="url"
                    value=v("landing_url") error=e("landing_url")/>
            </fieldset>
            <fieldset class="entry-form__section">
                <legend>{t.section_classification}</legend>
                <div class="entry-form__row">
                    <SelectField id="loesung-stand" name="development_status" label=t.field_status required=true
                        empty=use_texts().account.choose
                        options=enum_options(DevelopmentStatus::ALL.iter().map(|s| (s.as_str(), s.label(lang))).collect())
                        value=v("development_status") error=e("development_status")/>
                    <SelectField id="loesung-art" name="software_type" label=t.field_type required=true
                        empty=use_texts().account.choose
                        options=enum_options(SoftwareType::ALL.iter().map(|s| (s.as_str(), s.label(lang))).collect())
                        value=v("software_type") error=e("software_type")/>
                </div>
                <CheckboxGroup id="loesung-kategorien" name="categories" legend=t.field_categories hint=t.field_categories_hint
                    options=CATEGORIES.iter().map(|(v, de, en)| ((*v).to_owned(), (if lang == Lang::De { *de } else { *en }).to_owned())).collect()
                    checked=multi(&state, f, "categories") error=e("categories") columns=true/>
                <CheckboxGroup id="loesung-plattformen" name="platforms" legend=t.field_platforms
                    options=PLATFORMS.iter().map(|p| ((*p).to_owned(), platform_label(p, lang))).collect()
                    checked=multi(&state, f, "platforms") error=e("platforms")/>
                <TextField id="loesung-erzeugt" name="produces" label=t.field_produces hint=t.field_models_hint
                    value=v("produces") error=e("produces")/>
                <TextField id="loesung-verarbeitet" name="consumes" label=t.field_consumes hint=t.field_models_hint
                    value=v("consumes") error=e("consumes")/>
            </fieldset>
            <fieldset class="entry-form__section">
                <legend>{t.section_maintenance}</legend>
                <SelectField id="loesung-pflege" name="maintenance_type" label=t.field_maintenance required=true
                    empty=use_texts().account.choose
                    options=enum_options(MaintenanceType::ALL.iter().map(|s| (s.as_str(), s.label(lang))).collect())
                    value=v("maintenance_type") error=e("maintenance_type")/>
                <div class="entry-form__group" id="dienstleister">
                    <p class="kern-label">{t.contractors_legend}</p>
                    <p class="kern-hint">{t.contractors_hint}</p>
                    {e("contractors").map(|err| view! {
                        <p class="kern-error form-field__error"><span class="kern-body">{err.message(lang)}</span></p>
                    })}
                    {contractor_rows}
                </div>
                <div class="entry-form__group">
                    <p class="kern-label">{t.contacts_legend}</p>
                    {contact_rows}
                </div>
            </fieldset>
            <fieldset class="entry-form__section">
                <legend>{t.section_release}</legend>
                <div class="entry-form__row">
                    <TextField id="loesung-version" name="version" label=t.field_version value=v("version") error=e("version") maxlength=50/>
                    <TextField id="loesung-datum" name="release_date" label=t.field_release_date kind="date"
                        value=v("release_date") error=e("release_date")/>
                </div>
                <TextField id="loesung-tags" name="tags" label=t.field_tags hint=t.field_tags_hint value=v("tags") error=e("tags")/>
                <TextArea id="loesung-funktionen" name="features" label=t.field_features hint=t.field_features_hint
                    value=v("features") error=e("features") rows=5/>
            </fieldset>
            <fieldset class="entry-form__section">
                <legend>{t.section_english}</legend>
                <TextField id="loesung-kurz-en" name="short_description_en" label=t.field_short_en
                    value=v("short_description_en") error=e("short_description_en") maxlength=150/>
                <TextArea id="loesung-lang-en" name="long_description_en" label=t.field_long_en
                    value=v("long_description_en") error=e("long_description_en") rows=6/>
            </fieldset>
            <fieldset class="entry-form__section">
                <legend>{t.section_address}</legend>
                <TextField id="loesung-slug" name="slug" label=t.field_slug hint=t.field_slug_hint value=v("slug") error=e("slug") maxlength=80/>
                <TextField id="loesung-notiz" name="change_message" label=t.field_message hint=t.field_message_hint
                    value=v("change_message") error=e("change_message") maxlength=500/>
            </fieldset>
            <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{submit}</span></button>
        </form>
    }
    .into_any()
}

/// `/loesungen/:slug/versionen`
#[component]
pub fn HistoryPageView() -> impl IntoView {
    let t = &use_texts().entry;
    let lang = use_lang();
    let state = use_form_state();
    if let Some(problem) = use_page_problem() {
        return view! { <Problem problem/> }.into_any();
    }
    let Some(data) = use_page_data::<HistoryData>() else {
        return view! { <Problem problem=PageProblem::NotFound/> }.into_any();
    };
    let base = format!("/{}/{}", data.section, data.slug);
    let newest = data.revisions.first().map_or(1, |r| r.number);
    let oldest_choice = data.revisions.get(1).map_or(newest, |r| r.number);
    let options = |selected: i32| {
        data.revisions
            .iter()
            .map(|r| view! { <option value=r.number.to_string() selected=r.number == selected>{format!("{} {}", t.col_version, r.number)}</option> })
            .collect_view()
    };
    let section_title = if data.section == "loesungen" {
        use_texts().solutions_title
    } else {
        use_texts().data_models_title
    };
    view! {
        <PageMeta title=format!("{} – {}", t.history_title, data.name) description=t.history_meta canonical_path=format!("{base}/versionen")/>
        <Breadcrumbs trail=vec![(section_title.to_owned(), format!("/{}", data.section)), (data.name.clone(), base.clone())] current=t.history_title/>
        <PageHeading title=format!("{}: {}", t.history_title, data.name)/>
        <FormNotice notice=state.notice_of("history")/>
        {data.archived.then(|| view! { <p class="kern-body notice-archived">{t.archived_notice}</p> })}
        <form method="get" action=format!("{base}/vergleich") class="entry-actions">
            <div class="kern-form-input">
                <label class="kern-label" for="vergleich-von">{t.compare_from}</label>
                <div class="kern-form-input__select-wrapper">
                    <select class="kern-form-input__select" id="vergleich-von" name="von">{options(oldest_choice)}</select>
                </div>
            </div>
            <div class="kern-form-input">
                <label class="kern-label" for="vergleich-bis">{t.compare_to}</label>
                <div class="kern-form-input__select-wrapper">
                    <select class="kern-form-input__select" id="vergleich-bis" name="bis">{options(newest)}</select>
                </div>
            </div>
            <button type="submit" class="kern-btn kern-btn--secondary"><span class="kern-label">{t.compare_submit}</span></button>
        </form>
        <div class="table-scroll">
            <table class="kern-table">
                <caption class="kern-title">{t.history_caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.col_version}</th>
                        <th scope="col">{t.col_time}</th>
                        <th scope="col">{t.col_author}</th>
                        <th scope="col">{t.col_message}</th>
                    </tr>
                </thead>
                <tbody>
                    {data.revisions.iter().map(|r| view! {
                        <tr>
                            <td>{r.number}</td>
                            <td>{date_time(r.created_at, lang)}</td>
                            <td>{r.author.clone().unwrap_or_else(|| t.unknown_author.to_owned())}</td>
                            <td>{r.message.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {data.can_archive.then(|| view! {
            <form method="post" action=format!("{base}/archiv") class="entry-actions">
                <input type="hidden" name="archived" value=if data.archived { "false" } else { "true" }/>
                <button type="submit" class="kern-btn kern-btn--secondary">
                    <span class="kern-label">{if data.archived { t.unarchive_submit } else { t.archive_submit }}</span>
                </button>
            </form>
        })}
    }
    .into_any()
}

/// `/loesungen/:slug/vergleich?von=&bis=`
#[component]
pub fn ComparePageView() -> impl IntoView {
    let t = &use_texts().entry;
    if let Some(problem) = use_page_problem() {
        return view! { <Problem problem/> }.into_any();
    }
    let Some(data) = use_page_data::<CompareData>() else {
        return view! { <Problem problem=PageProblem::NotFound/> }.into_any();
    };
    let base = format!("/{}/{}", data.section, data.slug);
    let section_title = if data.section == "loesungen" {
        use_texts().solutions_title
    } else {
        use_texts().data_models_title
    };
    let title = format!("{} {} ↔ {}", t.compare_title, data.from, data.to);
    let rows = data
        .changes
        .iter()
        .map(|change| {
            let body = match &change.lines {
                Some(lines) => view! {
                    <td colspan="2">
                        <pre class="diff-text">
                            {lines.iter().map(|line| match line {
                                DiffLine::Same(text) => view! { <span class="diff-line">{format!("  {text}\n")}</span> }.into_any(),
                                DiffLine::Removed(text) => view! {
                                    <del class="diff-line diff-line--removed" aria-label=t.line_removed>{format!("- {text}\n")}</del>
                                }.into_any(),
                                DiffLine::Added(text) => view! {
                                    <ins class="diff-line diff-line--added" aria-label=t.line_added>{format!("+ {text}\n")}</ins>
                                }.into_any(),
                            }).collect_view()}
                        </pre>
                    </td>
                }
                .into_any(),
                None => view! {
                    <td><pre class="diff-text"><del class="diff-line--removed">{change.before.clone()}</del></pre></td>
                    <td><pre class="diff-text"><ins class="diff-line--added">{change.after.clone()}</ins></pre></td>
                }
                .into_any(),
            };
            view! {
                <tr>
                    <th scope="row"><code>{change.field.clone()}</code></th>
                    {body}
                </tr>
            }
        })
        .collect_view();
    view! {
        <PageMeta title=title.clone() description=t.compare_meta canonical_path="" no_canonical=true/>
        <Breadcrumbs trail=vec![(section_title.to_owned(), format!("/{}", data.section)), (data.name.clone(), base.clone()),
            (t.history_title.to_owned(), format!("{base}/versionen"))] current=title.clone()/>
        <PageHeading title=format!("{}: {}", title, data.name)/>
        {if data.changes.is_empty() {
            view! { <p class="kern-body">{t.compare_no_changes}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="kern-table compare-table">
                        <caption class="kern-title">{t.compare_caption}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t.compare_field}</th>
                                <th scope="col">{format!("{} ({} {})", t.compare_before, t.col_version, data.from)}</th>
                                <th scope="col">{format!("{} ({} {})", t.compare_after, t.col_version, data.to)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {data.can_edit.then(|| view! {
            <form method="post" action=format!("{base}/wiederherstellen") class="entry-actions">
                <input type="hidden" name="version" value=data.from.to_string()/>
                <p class="kern-body">{t.restore_hint}</p>
                <button type="submit" class="kern-btn kern-btn--secondary">
                    <span class="kern-label">{format!("{} ({} {})", t.restore_submit, t.col_version, data.from)}</span>
                </button>
            </form>
        })}
    }
    .into_any()
}

/// `/datenmodelle/neu` and `/datenmodelle/:slug/bearbeiten`
#[component]
pub fn DataModelFormPageView() -> impl IntoView {
    let t = &use_texts().entry;
    let lang = use_lang();
    let state = use_form_state();
    if let Some(problem) = use_page_problem() {
        return view! { <Problem problem/> }.into_any();
    }
    let Some(data) = use_page_data::<DataModelFormData>() else {
        return view! { <Problem problem=PageProblem::NotFound/> }.into_any();
    };
    let f = "data_model";
    let v = |field: &str| state.value(f, field);
    let e = |field: &str| state.error(f, field);
    let (title, action, submit) = match &data.editing {
        Some(slug) => (
            t.edit_model_title,
            format!("/datenmodelle/{slug}/bearbeiten"),
            t.save_submit,
        ),
        None => (
            t.new_model_title,
            "/datenmodelle/neu".to_owned(),
            t.publish_submit,
        ),
    };
    let mut trail = vec![(
        use_texts().data_models_title.to_owned(),
        "/datenmodelle".to_owned(),
    )];
    if let Some(slug) = &data.editing {
        trail.push((v("name"), format!("/datenmodelle/{slug}")));
    }
    if data.organisations.is_empty() {
        return view! {
            <PageMeta title=title description=t.new_model_meta canonical_path=action.clone()/>
            <Breadcrumbs trail current=title/>
            <PageHeading title=title/>
            <p class="kern-body">{t.no_organisation}" "<a href="/organisationen/neu">{use_texts().account.account_create_org}</a></p>
        }
        .into_any();
    }
    let org_value = {
        let chosen = v("organisation");
        if chosen.is_empty() {
            data.organisations
                .first()
                .map(|(s, _)| s.clone())
                .unwrap_or_default()
        } else {
            chosen
        }
    };
    // Each failing example has its own key (`examples[0]`); beside the field shows the first.
    let example_error = e("examples").or_else(|| {
        state
            .errors
            .iter()
            .find(|(k, _)| k.starts_with("examples[") && state.form == f)
            .map(|(_, err)| err.clone())
    });
    let example_errors: Vec<(String, String)> = state
        .errors
        .iter()
        .filter(|(k, _)| k.starts_with("examples[") && state.form == f)
        .map(|(_, err)| ("modell-beispiele".to_owned(), err.message(lang)))
        .collect();
    view! {
        <PageMeta title=title description=t.new_model_meta canonical_path=action.clone()/>
        <Breadcrumbs trail current=title/>
        <PageHeading title=title lead=t.new_model_lead/>
        <FormNotice notice=state.notice_of(f)/>
        <ErrorSummary state=state.clone() form=f ids=vec![
            ("organisation", "modell-org"), ("name", "modell-name"), ("short_description", "modell-kurz"),
            ("domain", "modell-bereich"), ("version", "modell-version"), ("licence", "modell-lizenz"),
            ("description", "modell-beschreibung"), ("json_schema", "modell-schema"), ("examples", "modell-beispiele"),
            ("slug", "modell-slug"), ("change_message", "modell-notiz")]/>
        {(!example_errors.is_empty()).then(|| view! {
            <div class="kern-alert kern-alert--danger error-summary" role="alert">
                <div class="kern-alert__body">
                    <ul class="error-summary__list">
                        {example_errors.iter().map(|(id, message)| view! { <li><a href=format!("#{id}")>{message.clone()}</a></li> }).collect_view()}
                    </ul>
                </div>
            </div>
        })}
        <form method="post" action=action class="entry-form" novalidate>
            // One-time token of a new entry's form: a double submit publishes once.
            {(!v("submission").is_empty()).then(|| view! { <input type="hidden" name="submission" value=v("submission")/> })}
            <fieldset class="entry-form__section">
                <legend>{t.section_basics}</legend>
                <SelectField id="modell-org" name="organisation" label=t.field_organisation options=data.organisations.clone()
                    value=org_value error=e("organisation") required=true/>
                <TextField id="modell-name" name="name" label=t.field_model_name hint=t.field_name_hint value=v("name")
                    error=e("name") required=true maxlength=100/>
                <TextField id="modell-kurz" name="short_description" label=t.field_short hint=t.field_model_short_hint
                    value=v("short_description") error=e("short_description") required=true maxlength=150/>
                <div class="entry-form__row">
                    <SelectField id="modell-bereich" name="domain" label=t.field_domain required=true empty=use_texts().account.choose
                        options=Domain::ALL.iter().map(|d| (d.as_str().to_owned(), d.label(lang).to_owned())).collect()
                        value=v("domain") error=e("domain")/>
                    <TextField id="modell-version" name="version" label=t.field_model_version hint=t.field_model_version_hint
                        value=v("version") error=e("version") required=true maxlength=50/>
                </div>
                <LicenceField id="modell-lizenz".to_owned() name="licence".to_owned() label=t.field_licence.to_owned()
                    hint=t.field_model_licence_hint.to_owned() value=v("licence") error=e("licence").map(|err| err.message(lang))
                    open_text=t.licence_open.to_owned() closed_text=t.licence_not_open.to_owned()
                    invalid_text=crate::validation::FieldError::InvalidLicence.message(lang)/>
                <MarkdownField id="modell-beschreibung".to_owned() name="description".to_owned() label=t.field_long.to_owned()
                    hint=Some(t.field_long_hint.to_owned()) value=v("description")
                    error=e("description").map(|err| err.message(lang)) rows=8 preview_label=t.preview_label.to_owned()/>
            </fieldset>
            <fieldset class="entry-form__section">
                <legend>{t.section_schema}</legend>
                <TextArea id="modell-schema" name="json_schema" label=t.field_schema hint=t.field_schema_hint
                    value=v("json_schema") error=e("json_schema") rows=18 required=true/>
                <TextArea id="modell-beispiele" name="examples" label=t.field_examples hint=t.field_examples_hint
                    value=v("examples") error=example_error rows=10/>
            </fieldset>
            <fieldset class="entry-form__section">
                <legend>{t.section_address}</legend>
                <TextField id="modell-slug" name="slug" label=t.field_slug hint=t.field_slug_hint value=v("slug") error=e("slug") maxlength=80/>
                <TextField id="modell-notiz" name="change_message" label=t.field_message hint=t.field_message_hint
                    value=v("change_message") error=e("change_message") maxlength=500/>
            </fieldset>
            <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{submit}</span></button>
        </form>
    }
    .into_any()
}
