//! An island: a button that copies the text of another element to the clipboard.
//! It stays hidden until the page is hydrated, so readers without JavaScript never see a
//! button that does nothing.

use leptos::prelude::*;

/// Copies the text content of the element with id `target` when pressed.
#[island]
pub fn CopyButton(
    /// Id of the element whose text is copied.
    target: String,
    /// Button label.
    label: String,
    /// Announced after copying.
    done: String,
    /// Announced when the browser refuses.
    failed: String,
) -> impl IntoView {
    let (ready, set_ready) = signal(false);
    let (message, set_message) = signal(String::new());
    Effect::new(move |_| set_ready.set(true));

    // Only the browser copies; the server merely renders the (hidden) button.
    #[cfg(not(feature = "hydrate"))]
    let _ = (&target, &done, &failed, set_message);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let target = target.clone();
            let done = done.clone();
            let failed = failed.clone();
            leptos::task::spawn_local(async move {
                let ok = copy_text_of(&target).await;
                set_message.set(if ok { done } else { failed });
            });
        }
    };

    view! {
        <span class="copy-button">
            <button type="button" class="kern-btn kern-btn--secondary kern-btn--x-small" hidden=move || !ready.get() on:click=copy>
                <span class="kern-label">{label}</span>
            </button>
            <span class="copy-button__status" role="status">{move || message.get()}</span>
        </span>
    }
}

#[cfg(feature = "hydrate")]
async fn copy_text_of(id: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Some(text) = window
        .document()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|el| el.text_content())
    else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(&text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}
