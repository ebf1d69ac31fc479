//! Impressum, Datenschutzerklärung and Erklärung zur Barrierefreiheit. Operator details
//! come from configuration (ALLMENDE_OPERATOR_*).

use leptos::prelude::*;

use crate::components::layout::{Breadcrumbs, PageHeading, PageMeta};
use crate::i18n::use_texts;
use crate::site::use_site_config;

/// `/impressum`
#[component]
pub fn ImprintPage() -> impl IntoView {
    let t = use_texts();
    let operator = use_site_config().operator;
    let complete = operator.is_complete();
    view! {
        <PageMeta title=t.imprint_title description=t.imprint_content_note canonical_path="/impressum"/>
        <Breadcrumbs current=t.imprint_title/>
        <PageHeading title=t.imprint_title/>
        {(!complete).then(|| view! {
            <div class="kern-alert kern-alert--warning" role="note">
                <div class="kern-alert__header">
                    <span class="kern-icon kern-icon--warning" aria-hidden="true"></span>
                    <span class="kern-title">{t.imprint_unconfigured}</span>
                </div>
            </div>
        })}
        <section aria-labelledby="anbieter" class="legal">
            <h2 class="kern-heading-medium" id="anbieter">{t.imprint_provider}</h2>
            {operator.name.clone().map(|name| view! { <p class="kern-body"><strong>{name}</strong></p> })}
            {operator.address.clone().map(|address| view! {
                <address class="legal__address">
                    {address.split(['\n', ';']).map(|line| view! { <span class="legal__line">{line.trim().to_owned()}</span> }).collect_view()}
                </address>
            })}
            {operator.representative.clone().map(|rep| view! {
                <p class="kern-body">{format!("{}: {rep}", t.imprint_represented_by)}</p>
            })}
            <h2 class="kern-heading-medium">{t.imprint_contact}</h2>
            <dl class="facts">
                {operator.email.clone().map(|mail| view! {
                    <div class="facts__row"><dt class="facts__term">{t.imprint_email}</dt>
                    <dd class="facts__value"><a class="kern-link" href=format!("mailto:{mail}")>{mail.clone()}</a></dd></div>
                })}
                {operator.phone.clone().map(|phone| view! {
                    <div class="facts__row"><dt class="facts__term">{t.imprint_phone}</dt><dd class="facts__value">{phone}</dd></div>
                })}
            </dl>
            <p class="kern-body">{t.imprint_content_note}</p>
        </section>
    }
}

/// `/datenschutz`
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <PageMeta title=t.privacy_title description=t.privacy_body[0] canonical_path="/datenschutz"/>
        <Breadcrumbs current=t.privacy_title/>
        <PageHeading title=t.privacy_title/>
        <div class="legal">
            {t.privacy_body.iter().map(|p| view! { <p class="kern-body">{*p}</p> }).collect_view()}
        </div>
    }
}

/// `/barrierefreiheit`
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let t = use_texts();
    let operator = use_site_config().operator;
    view! {
        <PageMeta title=t.accessibility_title description=t.accessibility_body[0] canonical_path="/barrierefreiheit"/>
        <Breadcrumbs current=t.accessibility_title/>
        <PageHeading title=t.accessibility_title/>
        <div class="legal">
            {t.accessibility_body.iter().map(|p| view! { <p class="kern-body">{*p}</p> }).collect_view()}
            <p class="kern-body">{t.accessibility_feedback}</p>
            {operator.email.map(|mail| view! {
                <p class="kern-body"><a class="kern-link" href=format!("mailto:{mail}")>{mail.clone()}</a></p>
            })}
        </div>
    }
}
