//! `/loesungen/importieren`: paste or upload a publiccode.yml, see the validation report
//! (each line number links to that line of the file, shown below), a preview of the
//! solution and what is not taken over — then import it. A plain form: works without
//! JavaScript.

use crate::raw_text;
use leptos::prelude::*;

use crate::account::{PageProblem, use_page_data, use_page_problem};
use crate::categories::{category_label, platform_label};
use crate::components::form::SelectField;
use crate::components::layout::{Breadcrumbs, PageHeading, PageMeta};
use crate::i18n::{Lang, fill, use_lang, use_texts};
use crate::import_report::{ImportData, ImportReport, ReportLine};
use crate::model::{DevelopmentStatus, MaintenanceType, SoftwareType};
use crate::routes::not_found::Problem;

fn issue_list(lines: Vec<ReportLine>, lang: Lang) -> impl IntoView {
    let t = &lang.texts().import;
    view! {
        <ul class="import-report__list">
            {lines.into_iter().map(|line| {
                let key = if line.key.is_empty() { t.file_key.to_owned() } else { line.key.clone() };
                let place = (line.line > 0).then(|| {
                    let label = fill(t.line_column, &[("line", &line.line.to_string()), ("column", &line.column.to_string())]);
                    view! { " (" <a href=format!("#zeile-{}", line.line)>{label}</a> ")" }
                });
                view! { <li><code>{key}</code>{place}": "{line.message}</li> }
            }).collect_view()}
        </ul>
    }
}

fn report_view(report: ImportReport, lang: Lang) -> impl IntoView {
    let t = &lang.texts().import;
    let error_count = report.errors.len() + report.rule_errors.len();
    let headline = if report.importable {
        view! {
            <div class="kern-alert kern-alert--success form-notice" role="status">
                <div class="kern-alert__body"><p class="kern-body">{match &report.existing {
                    Some((_, name, org)) => fill(t.valid_update, &[("name", name), ("org", org)]),
                    None => t.valid_new.to_owned(),
                }}</p></div>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="kern-alert kern-alert--danger form-notice" role="alert">
                <div class="kern-alert__body">
                    <p class="kern-body">{fill(t.invalid, &[("n", &error_count.to_string())])}</p>
                </div>
            </div>
        }
        .into_any()
    };
    let errors = (!report.errors.is_empty()).then(|| {
        view! {
            <h2 class="kern-heading-small">{t.standard_errors}</h2>
            {issue_list(report.errors.clone(), lang)}
        }
    });
    let rule_errors = (!report.rule_errors.is_empty()).then(|| view! {
        <h2 class="kern-heading-small">{t.rule_errors}</h2>
        <ul class="import-report__list">
            {report.rule_errors.iter().map(|(field, message)| view! { <li><code>{field.clone()}</code>": "{message.clone()}</li> }).collect_view()}
        </ul>
    });
    let warnings = (!report.warnings.is_empty()).then(|| {
        view! {
            <h2 class="kern-heading-small">{t.warnings}</h2>
            {issue_list(report.warnings.clone(), lang)}
        }
    });
    let notes = (!report.notes.is_empty()).then(|| view! {
        <h2 class="kern-heading-small">{t.not_taken_over}</h2>
        <ul class="import-report__list">{report.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
    });
    let preview = report.preview.clone().map(|p| {
        let status = DevelopmentStatus::parse(&p.development_status).map(|s| s.label(lang).to_owned()).unwrap_or(p.development_status.clone());
        let kind = SoftwareType::parse(&p.software_type).map(|s| s.label(lang).to_owned()).unwrap_or(p.software_type.clone());
        let maintenance = MaintenanceType::parse(&p.maintenance_type).map(|s| s.label(lang).to_owned()).unwrap_or(p.maintenance_type.clone());
        let categories = p.categories.iter().map(|c| category_label(c, lang)).collect::<Vec<_>>().join(", ");
        let platforms = p.platforms.iter().map(|c| platform_label(c, lang)).collect::<Vec<_>>().join(", ");
        view! {
            <section class="import-preview" aria-labelledby="import-vorschau">
                <h2 class="kern-heading-small" id="import-vorschau">{t.preview_heading}</h2>
                <dl class="facts">
                    <dt>{t.preview_name}</dt><dd>{p.name.clone()}</dd>
                    <dt>{t.preview_short}</dt><dd>{p.short_description.clone()}</dd>
                    <dt>{t.preview_repository}</dt><dd>{p.repository_url.clone()}</dd>
                    <dt>{t.preview_licence}</dt><dd>{p.licence.clone()}</dd>
                    <dt>{t.preview_status}</dt><dd>{status}</dd>
                    <dt>{t.preview_software_type}</dt><dd>{kind}</dd>
                    <dt>{t.preview_maintenance}</dt><dd>{maintenance}</dd>
                    <dt>{t.preview_version}</dt><dd>{if p.version.is_empty() { "–".to_owned() } else { p.version.clone() }}</dd>
                    <dt>{t.preview_categories}</dt><dd>{if categories.is_empty() { "–".to_owned() } else { categories }}</dd>
                    <dt>{t.preview_platforms}</dt><dd>{if platforms.is_empty() { "–".to_owned() } else { platforms }}</dd>
                    <dt>{t.preview_features}</dt><dd>{p.features.len()}</dd>
                    <dt>{t.preview_english}</dt><dd>{if p.has_english { t.yes } else { t.no }}</dd>
                </dl>
            </section>
        }
    });
    view! {
        <section class="import-report" aria-labelledby="import-ergebnis">
            <h2 class="kern-heading-medium" id="import-ergebnis">{t.result_heading}</h2>
            {headline}
            {errors}
            {rule_errors}
            {warnings}
            {notes}
        </section>
        {preview}
    }
}

/// The file with numbered lines; lines with an error are marked.
fn listing(text: &str, report: Option<&ImportReport>, lang: Lang) -> impl IntoView {
    let t = &lang.texts().import;
    let marked: std::collections::BTreeSet<usize> = report
        .map(|r| r.errors.iter().map(|e| e.line).collect())
        .unwrap_or_default();
    let lines: Vec<(usize, String, bool)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.to_owned(), marked.contains(&(i + 1))))
        .collect();
    (!lines.is_empty()).then(|| view! {
        <section class="yaml-listing" aria-labelledby="import-datei">
            <h2 class="kern-heading-small" id="import-datei">{t.listing_heading}</h2>
            <ol class="yaml-listing__lines">
                {lines.into_iter().map(|(n, line, bad)| view! {
                    <li id=format!("zeile-{n}") class:yaml-listing__line--error=bad>
                        <code>{if line.is_empty() { " ".to_owned() } else { line }}</code>
                        {bad.then(|| view! { <span class="kern-sr-only">{t.line_error}</span> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    })
}

/// `/loesungen/importieren`
#[component]
pub fn ImportPageView() -> impl IntoView {
    let lang = use_lang();
    if let Some(problem) = use_page_problem() {
        return view! { <Problem problem/> }.into_any();
    }
    let Some(data) = use_page_data::<ImportData>() else {
        return view! { <Problem problem=PageProblem::NotFound/> }.into_any();
    };
    let t = &lang.texts().import;
    let title = t.title;
    let trail = vec![(
        use_texts().solutions_title.to_owned(),
        "/loesungen".to_owned(),
    )];
    if data.organisations.is_empty() {
        return view! {
            <PageMeta title=title description=title canonical_path="/loesungen/importieren"/>
            <Breadcrumbs trail current=title/>
            <PageHeading title=title/>
            <p class="kern-body">
                {t.needs_organisation}" "
                <a href="/organisationen/neu">{t.create_organisation}</a>
            </p>
        }
        .into_any();
    }
    let problem = data.problem.clone().map(|text| {
        view! {
            <div class="kern-alert kern-alert--danger form-notice" role="alert">
                <div class="kern-alert__body"><p class="kern-body">{text}</p></div>
            </div>
        }
    });
    let report = data.report.clone().map(|r| report_view(r, lang));
    let file_listing = listing(&data.text, data.report.as_ref(), lang);
    let can_import = data.report.as_ref().is_some_and(|r| r.importable);
    view! {
        <PageMeta title=title description=t.meta canonical_path="/loesungen/importieren"/>
        <Breadcrumbs trail current=title/>
        <PageHeading title=title
            lead=t.lead/>
        {problem}
        {report}
        <form method="post" action="/loesungen/importieren" enctype="multipart/form-data" class="account-form import-form">
            <SelectField id="import-org" name="organisation" label=t.field_organisation
                options=data.organisations.clone() value=data.organisation.clone() required=true/>
            <div class="kern-form-input form-field">
                <label class="kern-label" for="import-datei-upload">{t.field_upload}</label>
                <p class="kern-hint form-field__hint" id="import-datei-hinweis">{t.field_upload_hint}</p>
                <input class="kern-form-input__input" type="file" id="import-datei-upload" name="datei" accept=".yml,.yaml,application/yaml,text/yaml" aria-describedby="import-datei-hinweis"/>
            </div>
            <div class="kern-form-input form-field">
                <label class="kern-label" for="import-text">{t.field_text}</label>
                <textarea class="kern-form-input__input form-field__textarea form-field__textarea--code" id="import-text" name="yaml" rows="18" spellcheck="false">{raw_text::escape(&data.text)}</textarea>
            </div>
            <div class="form-actions">
                <button type="submit" name="aktion" value="pruefen" class=if can_import { "kern-btn kern-btn--secondary" } else { "kern-btn kern-btn--primary" }>
                    <span class="kern-label">{t.check_submit}</span>
                </button>
                <button type="submit" name="aktion" value="importieren" class=if can_import { "kern-btn kern-btn--primary" } else { "kern-btn kern-btn--secondary" }>
                    <span class="kern-label">{t.import_submit}</span>
                </button>
            </div>
        </form>
        {file_listing}
    }
    .into_any()
}
