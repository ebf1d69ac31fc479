//! Key/value fact lists ("Steckbrief") on detail pages.

use leptos::prelude::*;

/// A description list of facts; rows with no value are skipped by the caller.
#[component]
pub fn Facts(children: Children) -> impl IntoView {
    view! { <dl class="facts">{children()}</dl> }
}

/// One fact: a term and its value.
#[component]
pub fn Fact(label: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="facts__row">
            <dt class="facts__term">{label}</dt>
            <dd class="facts__value">{children()}</dd>
        </div>
    }
}
