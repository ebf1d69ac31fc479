//! Islands that help while typing, on top of plain form fields that work without
//! JavaScript: a Markdown field with a live, sanitised preview (rendered by the server, the
//! same code as the entry page), and a licence field that says at once whether an SPDX
//! expression is open source.

use crate::raw_text;
use leptos::prelude::*;

use crate::server_fns::{check_licence, preview_markdown};

/// Waits this long after the last keystroke before asking the server.
const PAUSE_MS: u64 = 350;

/// A Markdown text area with a live preview below it.
#[island]
pub fn MarkdownField(
    id: String,
    name: String,
    label: String,
    value: String,
    hint: Option<String>,
    /// The field's error message (already in the page's language).
    error: Option<String>,
    rows: u32,
    /// Heading of the preview.
    preview_label: String,
) -> impl IntoView {
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    let (html, set_html) = signal(String::new());
    let typed = StoredValue::new(0u64);
    let hint_id = format!("{id}-hinweis");
    let error_id = format!("{id}-fehler");
    let preview_id = format!("{id}-vorschau");
    let preview_title_id = format!("{id}-vorschau-titel");
    let preview_labelled_by = preview_title_id.clone();
    let described: Vec<String> = [
        hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    let invalid = error.is_some();
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let ticket = typed.get_value() + 1;
        typed.set_value(ticket);
        set_timeout(
            move || {
                if typed.get_value() != ticket {
                    return;
                }
                leptos::task::spawn_local(async move {
                    if let Ok(rendered) = preview_markdown(text).await
                        && typed.get_value() == ticket
                    {
                        set_html.set(rendered);
                    }
                });
            },
            std::time::Duration::from_millis(PAUSE_MS),
        );
    };
    view! {
        <div class="kern-form-input form-field" class:form-field--error=invalid>
            <label class="kern-label" for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <div class="kern-hint" id=hint_id>{hint}</div> })}
            {error.map(|e| view! { <p class="kern-error form-field__error" id=error_id><span class="kern-body">{e}</span></p> })}
            <textarea class="kern-form-input__input form-field__textarea" id=id.clone() name=name rows=rows.to_string()
                aria-invalid=invalid.then_some("true") aria-describedby=described on:input=on_input>{raw_text::escape(&value)}</textarea>
            <section class="markdown-preview" hidden=move || !ready.get() || html.get().is_empty() aria-labelledby=preview_labelled_by>
                <h3 class="kern-heading-small" id=preview_title_id>{preview_label}</h3>
                <div class="prose" id=preview_id aria-live="polite" inner_html=move || html.get()></div>
            </section>
        </div>
    }
}

/// What the licence field says about the typed expression.
#[derive(Clone, PartialEq)]
enum Verdict {
    None,
    Open(String),
    Closed(String),
    Invalid(String),
}

/// The licence input with a live verdict (OSI/FSF approval, open-washing warning).
#[island]
pub fn LicenceField(
    id: String,
    name: String,
    label: String,
    value: String,
    hint: String,
    error: Option<String>,
    /// Texts: open, not open, invalid.
    open_text: String,
    closed_text: String,
    invalid_text: String,
) -> impl IntoView {
    let (verdict, set_verdict) = signal(Verdict::None);
    let typed = StoredValue::new(0u64);
    let hint_id = format!("{id}-hinweis");
    let error_id = format!("{id}-fehler");
    let status_id = format!("{id}-status");
    let invalid = error.is_some();
    let described = if invalid {
        format!("{hint_id} {error_id} {status_id}")
    } else {
        format!("{hint_id} {status_id}")
    };
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let ticket = typed.get_value() + 1;
        typed.set_value(ticket);
        let (open_text, closed_text, invalid_text) =
            (open_text.clone(), closed_text.clone(), invalid_text.clone());
        set_timeout(
            move || {
                if typed.get_value() != ticket {
                    return;
                }
                if text.trim().is_empty() {
                    set_verdict.set(Verdict::None);
                    return;
                }
                leptos::task::spawn_local(async move {
                    let Ok(result) = check_licence(text).await else {
                        return;
                    };
                    if typed.get_value() != ticket {
                        return;
                    }
                    set_verdict.set(match result {
                        Some(v) => {
                            let names = v
                                .licences
                                .iter()
                                .map(|l| format!("{} ({})", l.id, l.name))
                                .collect::<Vec<_>>()
                                .join("; ");
                            if v.open_source {
                                Verdict::Open(format!("{open_text} {names}"))
                            } else {
                                Verdict::Closed(format!("{closed_text} {names}"))
                            }
                        }
                        None => Verdict::Invalid(invalid_text),
                    });
                });
            },
            std::time::Duration::from_millis(PAUSE_MS),
        );
    };
    view! {
        <div class="kern-form-input form-field" class:form-field--error=invalid>
            <label class="kern-label" for=id.clone()>{label}</label>
            <div class="kern-hint" id=hint_id>{hint}</div>
            {error.map(|e| view! { <p class="kern-error form-field__error" id=error_id><span class="kern-body">{e}</span></p> })}
            <input class="kern-form-input__input" id=id name=name type="text" value=value maxlength="200" required
                autocomplete="off" aria-invalid=invalid.then_some("true") aria-describedby=described on:input=on_input/>
            <p class="licence-status" id=status_id role="status">
                {move || match verdict.get() {
                    Verdict::None => view! { <span></span> }.into_any(),
                    Verdict::Open(text) => view! { <span class="licence-verdict--open">{text}</span> }.into_any(),
                    Verdict::Closed(text) => view! { <span class="licence-verdict--closed">{text}</span> }.into_any(),
                    Verdict::Invalid(text) => view! { <span class="form-field__error">{text}</span> }.into_any(),
                }}
            </p>
        </div>
    }
}
