//! Form building blocks in KERN UX style that work without JavaScript: labelled fields
//! with hint and error beside them (linked by `aria-describedby`), an error summary that
//! links to the fields, and the notice above a form.

use crate::raw_text;
use leptos::prelude::*;

use crate::account::{FormState, Notice};
use crate::i18n::{use_lang, use_texts};
use crate::validation::FieldError;

/// A text-like input (`type` text, email, password, url).
#[component]
pub fn TextField(
    /// Element id; also the anchor the error summary links to.
    #[prop(into)]
    id: String,
    /// Form field name.
    #[prop(into)]
    name: String,
    #[prop(into)] label: String,
    /// `type` attribute.
    #[prop(default = "text")]
    kind: &'static str,
    /// Value to show (the typed value after an error).
    #[prop(optional, into)]
    value: String,
    #[prop(default = None)] error: Option<FieldError>,
    #[prop(optional, into)] hint: Option<String>,
    /// `autocomplete` attribute.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<u32>,
) -> impl IntoView {
    let lang = use_lang();
    let hint_id = format!("{id}-hinweis");
    let error_id = format!("{id}-fehler");
    let described: Vec<String> = [
        hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    let invalid = error.is_some();
    view! {
        <div class="kern-form-input form-field" class:kern-form-input--error=invalid class:form-field--error=invalid>
            <label class="kern-label" for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <div class="kern-hint" id=hint_id>{hint}</div> })}
            {error.map(|e| view! {
                <p class="kern-error form-field__error" id=error_id>
                    <span class="kern-body">{e.message(lang)}</span>
                </p>
            })}
            <input class="kern-form-input__input" class:kern-form-input__input--error=invalid id=id name=name type=kind
                value=value autocomplete=autocomplete required=required aria-invalid=invalid.then_some("true")
                aria-describedby=described maxlength=maxlength.map(|m| m.to_string())/>
        </div>
    }
}

/// A select with a "please choose" option.
#[component]
pub fn SelectField(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    /// (value, label) pairs.
    options: Vec<(String, String)>,
    /// The selected value.
    #[prop(optional, into)]
    value: String,
    /// Text of the empty first option; `None` for no empty option.
    #[prop(optional, into)]
    empty: Option<String>,
    #[prop(default = None)] error: Option<FieldError>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let lang = use_lang();
    let error_id = format!("{id}-fehler");
    let invalid = error.is_some();
    let options = options
        .into_iter()
        .map(|(v, l)| {
            let selected = v == value;
            view! { <option value=v selected=selected>{l}</option> }
        })
        .collect_view();
    view! {
        <div class="kern-form-input form-field" class:kern-form-input--error=invalid class:form-field--error=invalid>
            <label class="kern-label" for=id.clone()>{label}</label>
            {error.map(|e| view! {
                <p class="kern-error form-field__error" id=error_id.clone()>
                    <span class="kern-body">{e.message(lang)}</span>
                </p>
            })}
            <div class="kern-form-input__select-wrapper">
                <select class="kern-form-input__select" id=id name=name required=required
                    aria-invalid=invalid.then_some("true") aria-describedby=invalid.then_some(error_id)>
                    {empty.map(|text| view! { <option value="">{text}</option> })}
                    {options}
                </select>
            </div>
        </div>
    }
}

/// The notice of a form (success or failure), if the form was just submitted.
#[component]
pub fn FormNotice(notice: Option<Notice>) -> impl IntoView {
    notice.map(|notice| match notice {
        Notice::Success(text) => view! {
            <div class="kern-alert kern-alert--success form-notice" role="status">
                <div class="kern-alert__body"><p class="kern-body">{text}</p></div>
            </div>
        }
        .into_any(),
        Notice::Error(text) => view! {
            <div class="kern-alert kern-alert--danger form-notice" role="alert">
                <div class="kern-alert__body"><p class="kern-body">{text}</p></div>
            </div>
        }
        .into_any(),
    })
}

/// A list of the form's errors at its top, each linking to its field
/// (`ids` maps field names to element ids, in the form's order).
#[component]
pub fn ErrorSummary(
    state: FormState,
    form: &'static str,
    ids: Vec<(&'static str, &'static str)>,
) -> impl IntoView {
    let t = &use_texts().account;
    let lang = use_lang();
    let items: Vec<_> = ids
        .into_iter()
        .filter_map(|(field, id)| state.error(form, field).map(|e| (id, e.message(lang))))
        .collect();
    (!items.is_empty()).then(|| {
        view! {
            <div class="kern-alert kern-alert--danger error-summary" role="alert" tabindex="-1">
                <div class="kern-alert__header">
                    <span class="kern-title">{t.error_summary_title}</span>
                </div>
                <div class="kern-alert__body">
                    <ul class="error-summary__list">
                        {items.into_iter().map(|(id, message)| view! { <li><a href=format!("#{id}")>{message}</a></li> }).collect_view()}
                    </ul>
                </div>
            </div>
        }
    })
}

/// A multi-line text field.
#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] value: String,
    #[prop(default = None)] error: Option<FieldError>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(default = 6)] rows: u32,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let lang = use_lang();
    let hint_id = format!("{id}-hinweis");
    let error_id = format!("{id}-fehler");
    let described: Vec<String> = [
        hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    let invalid = error.is_some();
    view! {
        <div class="kern-form-input form-field" class:form-field--error=invalid>
            <label class="kern-label" for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <div class="kern-hint" id=hint_id>{hint}</div> })}
            {error.map(|e| view! {
                <p class="kern-error form-field__error" id=error_id>
                    <span class="kern-body">{e.message(lang)}</span>
                </p>
            })}
            <textarea class="kern-form-input__input form-field__textarea" id=id name=name rows=rows.to_string()
                required=required aria-invalid=invalid.then_some("true") aria-describedby=described>{raw_text::escape(&value)}</textarea>
        </div>
    }
}

/// A group of checkboxes sharing one name (a fieldset with legend).
#[component]
pub fn CheckboxGroup(
    /// Prefix of the checkboxes' ids.
    #[prop(into)]
    id: String,
    #[prop(into)] name: String,
    #[prop(into)] legend: String,
    /// (value, label) pairs.
    options: Vec<(String, String)>,
    /// The checked values.
    checked: Vec<String>,
    #[prop(default = None)] error: Option<FieldError>,
    #[prop(optional, into)] hint: Option<String>,
    /// Lay the options out in columns (long lists).
    #[prop(optional)]
    columns: bool,
) -> impl IntoView {
    let lang = use_lang();
    let error_id = format!("{id}-fehler");
    let invalid = error.is_some();
    view! {
        <fieldset class="kern-fieldset form-field" class:form-field--error=invalid id=id.clone()
            aria-describedby=invalid.then_some(error_id.clone())>
            <legend class="kern-label">{legend}</legend>
            {hint.map(|hint| view! { <div class="kern-hint">{hint}</div> })}
            {error.map(|e| view! {
                <p class="kern-error form-field__error" id=error_id.clone()>
                    <span class="kern-body">{e.message(lang)}</span>
                </p>
            })}
            <div class="checkbox-group" class:checkbox-group--columns=columns>
                {options.into_iter().enumerate().map(|(i, (value, label))| {
                    let box_id = format!("{id}-{i}");
                    let is_checked = checked.contains(&value);
                    view! {
                        <div class="kern-form-check">
                            <input class="kern-form-check__input" type="checkbox" id=box_id.clone() name=name.clone()
                                value=value checked=is_checked/>
                            <label class="kern-label" for=box_id>{label}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}
