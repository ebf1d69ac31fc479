//! Filter forms for lists: plain GET forms, so filters live in the URL, survive reloads,
//! can be shared, and work without JavaScript.

use leptos::prelude::*;

use crate::i18n::use_texts;
use crate::query::SortOrder;

/// One `<select>` of a filter form. The first option means "no filter".
#[component]
pub fn FilterSelect(
    /// Query parameter name.
    name: &'static str,
    /// Visible label.
    label: &'static str,
    /// (value, label) pairs.
    options: Vec<(String, String)>,
    /// The currently selected value.
    selected: Option<String>,
) -> impl IntoView {
    let t = use_texts();
    let id = format!("filter-{name}");
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let is_selected = selected.as_deref() == Some(value.as_str());
            view! { <option value=value selected=is_selected>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="kern-form-input">
            <label class="kern-label" for=id.clone()>{label}</label>
            <div class="kern-form-input__select-wrapper">
                <select class="kern-form-input__select" id=id name=name>
                    <option value="" selected=selected.is_none()>{t.filter_any}</option>
                    {options}
                </select>
            </div>
        </div>
    }
}

/// The sort order select (newest, name, most reused).
#[component]
pub fn SortSelect(selected: SortOrder) -> impl IntoView {
    let t = use_texts();
    let options = [
        (SortOrder::Newest, t.sort_newest),
        (SortOrder::Name, t.sort_name),
        (SortOrder::Reused, t.sort_reused),
    ]
    .into_iter()
    .map(|(order, label)| view! { <option value=order.as_str() selected=order == selected>{label}</option> })
    .collect_view();
    view! {
        <div class="kern-form-input">
            <label class="kern-label" for="filter-sort">{t.sort_label}</label>
            <div class="kern-form-input__select-wrapper">
                <select class="kern-form-input__select" id="filter-sort" name="sort">{options}</select>
            </div>
        </div>
    }
}

/// A filter form around the given selects, with apply and reset buttons.
#[component]
pub fn FilterForm(
    /// Where the form submits to (the list's own path).
    action: &'static str,
    /// Whether a reset link is offered.
    filtered: bool,
    children: Children,
) -> impl IntoView {
    let t = use_texts();
    view! {
        <form class="filter-form" method="get" action=action aria-labelledby="filter-heading">
            <h2 class="kern-heading-small" id="filter-heading">{t.filter_heading}</h2>
            <div class="filter-form__fields">{children()}</div>
            <div class="filter-form__actions">
                <button type="submit" class="kern-btn kern-btn--primary">
                    <span class="kern-label">{t.filter_apply}</span>
                </button>
                {filtered.then(|| view! {
                    <a class="kern-link" href=action>{t.filter_reset}</a>
                })}
            </div>
        </form>
    }
}
