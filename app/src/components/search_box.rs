//! An island: the header search box as an accessible combobox (ARIA 1.2 pattern with a
//! list box). While typing it asks `/api/v1/suggest` and offers completions; arrow keys
//! move through them, Enter or a click takes one and searches, Escape closes the list.
//! Without JavaScript it is a plain search field that submits its form.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use crate::model::Suggestion;

/// Milliseconds to wait after a keystroke before asking for suggestions.
#[cfg(feature = "hydrate")]
const DEBOUNCE_MS: u64 = 120;

/// The search field with suggestions. Must sit inside a `<form>`.
#[island]
pub fn SearchCombobox(
    /// Id of the input (the form's label points at it).
    id: String,
    /// Current search text.
    value: String,
    /// Accessible name of the suggestion list.
    list_label: String,
    /// Announced when suggestions appear; `{n}` is their number.
    count_text: String,
) -> impl IntoView {
    let list_id = format!("{id}-vorschlaege");
    let option_base = id.clone();
    let option_id = move |i: usize| format!("{option_base}-vorschlag-{i}");
    let (items, set_items) = signal(Vec::<String>::new());
    let (open, set_open) = signal(false);
    let (active, set_active) = signal(None::<usize>);
    let (text, set_text) = signal(value.clone());
    let generation = StoredValue::new(0u64);
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let option_id_for_active = option_id.clone();
    // Set once the island runs in the browser (tests wait for it).
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));

    let announce = move || {
        let n = items.get().len();
        if open.get() && n > 0 {
            count_text.replace("{n}", &n.to_string())
        } else {
            String::new()
        }
    };

    // Puts a suggestion into the field and searches for it.
    let choose = move |index: usize| {
        let Some(choice) = items.get_untracked().get(index).cloned() else {
            return;
        };
        set_text.set(choice.clone());
        set_open.set(false);
        #[cfg(feature = "hydrate")]
        if let Some(input) = input_ref.get_untracked() {
            input.set_value(&choice);
            if let Some(form) = input.form() {
                let _ = form.submit();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (choice, input_ref);
    };

    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        set_text.set(typed.clone());
        set_active.set(None);
        let this = generation.get_value() + 1;
        generation.set_value(this);
        #[cfg(feature = "hydrate")]
        set_timeout(
            move || {
                if generation.get_value() != this {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let found = fetch_suggestions(&typed).await;
                    if generation.get_value() == this {
                        set_active.set(None);
                        set_open.set(!found.is_empty());
                        set_items.set(found);
                    }
                });
            },
            std::time::Duration::from_millis(DEBOUNCE_MS),
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = (typed, set_items);
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let n = items.get_untracked().len();
        match ev.key().as_str() {
            "ArrowDown" if n > 0 => {
                ev.prevent_default();
                set_open.set(true);
                set_active.set(Some(active.get_untracked().map_or(0, |i| (i + 1) % n)));
            }
            "ArrowUp" if n > 0 => {
                ev.prevent_default();
                set_open.set(true);
                set_active.set(Some(
                    active.get_untracked().map_or(n - 1, |i| (i + n - 1) % n),
                ));
            }
            "Enter" => {
                if let (true, Some(i)) = (
                    open.get_untracked(),
                    active.get_untracked().filter(|i| *i < n),
                ) {
                    ev.prevent_default();
                    choose(i);
                }
            }
            "Escape" if open.get_untracked() => {
                ev.prevent_default();
                set_open.set(false);
                set_active.set(None);
            }
            _ => {}
        }
    };

    view! {
        <div class="combobox">
            <input
                node_ref=input_ref
                class="kern-form-input__input site-search__input"
                id=id.clone()
                type="search"
                name="q"
                maxlength="200"
                autocomplete="off"
                role="combobox"
                data-hydrated=move || hydrated.get().then_some("true")
                aria-autocomplete="list"
                aria-controls=list_id.clone()
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-activedescendant=move || active.get().filter(|_| open.get()).map(&option_id_for_active)
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_keydown
                on:blur=move |_| set_open.set(false)
            />
            <ul class="combobox__list" id=list_id role="listbox" aria-label=list_label hidden=move || !open.get()
                on:mousedown=|ev| ev.prevent_default()>
                {move || items.get().into_iter().enumerate().map(|(i, item)| {
                    let selected = move || active.get() == Some(i);
                    view! {
                        <li class="combobox__option" id=option_id(i) role="option"
                            aria-selected=move || if selected() { "true" } else { "false" }
                            on:click=move |_| choose(i)>
                            {item}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <span class="kern-sr-only" role="status" aria-live="polite">{announce}</span>
        </div>
    }
}

/// Asks the API for completions; an empty list on any failure.
#[cfg(feature = "hydrate")]
async fn fetch_suggestions(typed: &str) -> Vec<String> {
    use wasm_bindgen::JsCast;
    if typed.trim().chars().count() < 2 {
        return Vec::new();
    }
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    let url = format!(
        "/api/v1/suggest?q={}",
        crate::query::encode_component(typed)
    );
    let Ok(response) = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(&url)).await
    else {
        return Vec::new();
    };
    let Ok(response) = response.dyn_into::<web_sys::Response>() else {
        return Vec::new();
    };
    if !response.ok() {
        return Vec::new();
    }
    let Ok(promise) = response.text() else {
        return Vec::new();
    };
    let Ok(text) = wasm_bindgen_futures::JsFuture::from(promise).await else {
        return Vec::new();
    };
    let body = text.as_string().unwrap_or_default();
    serde_json::from_str::<Vec<Suggestion>>(&body)
        .map(|list| list.into_iter().map(|s| s.text).collect())
        .unwrap_or_default()
}
