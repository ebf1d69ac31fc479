#![recursion_limit = "512"]
//! Allmende's user interface: the HTML shell, routes, pages and components, the types
//! that cross the wire, the UI texts in German and English, and validation rules shared by
//! browser and server. Pages render on the server; only islands (`#[island]`) hydrate.

pub mod account;
pub mod account_texts;
pub mod categories;
pub mod components;
pub mod data_model_rules;
pub mod editing;
pub mod entry_rules;
pub mod entry_texts;
pub mod form_fields;
pub mod i18n;
pub mod import_report;
pub mod licences;
pub mod markdown;
pub mod model;
pub mod query;
pub mod raw_text;
pub mod routes;
pub mod schema;
pub mod schema_diff;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod service;
pub mod site;
pub mod validation;

use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::layout::Layout;
use crate::i18n::Lang;
use crate::routes::*;

/// The language of the request being rendered (cookie, then Accept-Language).
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = use_context::<http::request::Parts>() {
            let header = |name| {
                parts
                    .headers
                    .get(name)
                    .and_then(|v: &http::HeaderValue| v.to_str().ok())
            };
            return Lang::negotiate(
                header(http::header::COOKIE),
                header(http::header::ACCEPT_LANGUAGE),
            );
        }
    }
    Lang::De
}

/// The whole HTML document. Stylesheets and scripts come only from this site's origin,
/// under the content-hashed names the server provides ([`site::AssetUrls`]). Its only
/// inline scripts are those of `HydrationScripts` and Leptos' resource chunks; the server
/// allows exactly these by their hashes in the Content-Security-Policy, so a page carries
/// no per-response nonce and is the same for every anonymous visitor.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = request_lang();
    let asset = site::asset_url;
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag() data-kern-theme="light">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href=asset("/kern/kern.min.css")/>
                <link rel="stylesheet" href=asset("/kern/fonts.css")/>
                <link rel="stylesheet" href=asset("/pkg/allmende.css")/>
                <link rel="icon" href="/favicon.ico" sizes="any"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Routes of the site. Every page renders completely on the server (`SsrMode::Async`),
/// so it reads the same with and without JavaScript and can set its HTTP status.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(request_lang());
    view! {
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFoundPage/> }>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/loesungen") view=SolutionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/loesungen/neu") view=SolutionFormPageView ssr=SsrMode::Async/>
                    <Route path=path!("/loesungen/importieren") view=ImportPageView ssr=SsrMode::Async/>
                    <Route path=path!("/loesungen/:slug") view=SolutionPage ssr=SsrMode::Async/>
                    <Route path=path!("/loesungen/:slug/bearbeiten") view=SolutionFormPageView ssr=SsrMode::Async/>
                    <Route path=path!("/loesungen/:slug/versionen") view=HistoryPageView ssr=SsrMode::Async/>
                    <Route path=path!("/loesungen/:slug/vergleich") view=ComparePageView ssr=SsrMode::Async/>
                    <Route path=path!("/datenmodelle") view=DataModelsPage ssr=SsrMode::Async/>
                    <Route path=path!("/datenmodelle/neu") view=DataModelFormPageView ssr=SsrMode::Async/>
                    <Route path=path!("/datenmodelle/:slug") view=DataModelPage ssr=SsrMode::Async/>
                    <Route path=path!("/datenmodelle/:slug/bearbeiten") view=DataModelFormPageView ssr=SsrMode::Async/>
                    <Route path=path!("/datenmodelle/:slug/versionen") view=HistoryPageView ssr=SsrMode::Async/>
                    <Route path=path!("/datenmodelle/:slug/vergleich") view=ComparePageView ssr=SsrMode::Async/>
                    <Route path=path!("/datenmodelle/:slug/aenderungen") view=CompatibilityPageView ssr=SsrMode::Async/>
                    <Route path=path!("/datenmodelle/:slug/pruefen") view=ValidatePageView ssr=SsrMode::Async/>
                    <Route path=path!("/datenmodelle/:slug/nachnutzen") view=ReusePageView ssr=SsrMode::Async/>
                    <Route path=path!("/loesungen/:slug/nachnutzen") view=ReusePageView ssr=SsrMode::Async/>
                    <Route path=path!("/organisationen") view=OrganisationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/organisationen/neu") view=NewOrganisationPage ssr=SsrMode::Async/>
                    <Route path=path!("/organisationen/:slug") view=OrganisationPage ssr=SsrMode::Async/>
                    <Route path=path!("/organisationen/:slug/mitglieder") view=MembersPageView ssr=SsrMode::Async/>
                    <Route path=path!("/organisationen/:slug/tokens") view=TokensPageView ssr=SsrMode::Async/>
                    <Route path=path!("/organisationen/:slug/protokoll") view=AuditPageView ssr=SsrMode::Async/>
                    <Route path=path!("/verwaltung/protokoll") view=AuditPageView ssr=SsrMode::Async/>
                    <Route path=path!("/registrieren") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/anmelden") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/konto") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/einladung/:code") view=InvitationPageView ssr=SsrMode::Async/>
                    <Route path=path!("/suche") view=SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/nachnutzung") view=ReuseStatsPage ssr=SsrMode::Async/>
                    <Route path=path!("/impressum") view=ImprintPage ssr=SsrMode::Async/>
                    <Route path=path!("/datenschutz") view=PrivacyPage ssr=SsrMode::Async/>
                    <Route path=path!("/barrierefreiheit") view=AccessibilityPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}

/// Browser entry point: hydrates the islands on the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
