//! The frame around every page: skip link, header with brand, search box, language switch
//! and main navigation, the footer with the legal pages, breadcrumbs and page metadata.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_location;

use crate::components::search_box::SearchCombobox;
use crate::i18n::{use_lang, use_texts};
use crate::site::use_site_config;

/// Header, main landmark and footer around the routed page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let location = use_location();
    let path = location.pathname.get_untracked();
    let full_path = {
        let search = location.search.get_untracked();
        if search.is_empty() {
            path.clone()
        } else {
            format!("{path}?{search}")
        }
    };
    let demo = use_site_config().demo;
    let nav = [
        ("/loesungen", t.nav_solutions),
        ("/datenmodelle", t.nav_data_models),
        ("/organisationen", t.nav_organisations),
        ("/nachnutzung", t.entry.nav_reuse),
        ("/suche", t.nav_search),
    ];
    let nav_items = nav
        .into_iter()
        .map(|(href, label)| {
            let current = path == href || path.starts_with(&format!("{href}/"));
            view! {
                <li>
                    <a href=href class="site-nav__link" aria-current=current.then_some("page")>{label}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <a class="skip-link" href="#inhalt">{t.skip_to_content}</a>
        <header class="site-header">
            <div class="kern-container site-header__bar">
                <a class="site-brand" href="/">
                    <span class="site-brand__name">{t.site_name}</span>
                    <span class="site-brand__tagline">{t.site_tagline}</span>
                </a>
                <form class="site-search" role="search" aria-label=t.header_search_label method="get" action="/suche">
                    <label class="kern-sr-only" for="kopf-suche">{t.header_search_label}</label>
                    <SearchCombobox id="kopf-suche".to_owned() value=String::new()
                        list_label=t.search_suggestions_label.to_owned() count_text=t.search_suggestions_count.to_owned()/>
                    <button type="submit" class="kern-btn kern-btn--primary">
                        <span class="kern-label">{t.header_search_button}</span>
                    </button>
                </form>
                <AccountMenu/>
                <form class="lang-switch" method="post" action="/sprache">
                    <input type="hidden" name="lang" value=lang.other().tag()/>
                    <input type="hidden" name="next" value=full_path/>
                    <button type="submit" class="kern-btn kern-btn--tertiary" lang=lang.other().tag()>
                        <span class="kern-label">{t.language_switch_button}</span>
                    </button>
                </form>
            </div>
            <nav class="site-nav" aria-label=t.nav_label>
                <div class="kern-container">
                    <ul class="site-nav__list">{nav_items}</ul>
                </div>
            </nav>
        </header>
        {demo.then(|| view! {
            <div class="kern-container">
                <p class="demo-notice">{t.demo_notice}</p>
            </div>
        })}
        <main id="inhalt" class="kern-container site-main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <div class="kern-container">
                <nav aria-label=t.footer_label>
                    <ul class="site-footer__links">
                        <li><a href="/impressum">{t.footer_imprint}</a></li>
                        <li><a href="/datenschutz">{t.footer_privacy}</a></li>
                        <li><a href="/barrierefreiheit">{t.footer_accessibility}</a></li>
                        <li><a href="/api/v1/openapi.json">{t.footer_api}</a></li>
                    </ul>
                </nav>
                <p class="site-footer__about">{t.footer_about}</p>
            </div>
        </footer>
    }
}

/// Log-in and registration links, or for a logged-in person their account and log-out.
#[component]
fn AccountMenu() -> impl IntoView {
    let t = &use_texts().account;
    match crate::account::use_viewer() {
        Some(viewer) => view! {
            <nav class="account-menu" aria-label=t.account_menu_label>
                <a class="account-menu__link" href="/konto" aria-label=format!("{} ({})", t.nav_account, viewer.display_name)>
                    {t.nav_account}
                </a>
                <form method="post" action="/abmelden" class="account-menu__logout">
                    <button type="submit" class="kern-btn kern-btn--tertiary"><span class="kern-label">{t.nav_logout}</span></button>
                </form>
            </nav>
        }
        .into_any(),
        None => view! {
            <nav class="account-menu" aria-label=t.account_menu_label>
                <a class="account-menu__link" href="/anmelden">{t.nav_login}</a>
                <a class="account-menu__link" href="/registrieren">{t.nav_register}</a>
            </nav>
        }
        .into_any(),
    }
}

/// A site administrator's button to hide or show an organisation or entry.
#[component]
pub fn ModerationForm(
    /// `organisation`, `solution` or `data_model`.
    kind: &'static str,
    #[prop(into)] slug: String,
    hidden: bool,
) -> impl IntoView {
    let t = &use_texts().account;
    let viewer = crate::account::use_viewer();
    let back = use_location().pathname.get_untracked();
    viewer.filter(|v| v.site_admin).map(|_| {
        view! {
            <form method="post" action="/verwaltung/sichtbarkeit" class="moderation-form" aria-label=t.moderation_label>
                <input type="hidden" name="kind" value=kind/>
                <input type="hidden" name="slug" value=slug/>
                <input type="hidden" name="hidden" value=if hidden { "false" } else { "true" }/>
                <input type="hidden" name="weiter" value=back/>
                <button type="submit" class="kern-btn kern-btn--secondary">
                    <span class="kern-label">{if hidden { t.moderation_show } else { t.moderation_hide }}</span>
                </button>
            </form>
        }
    })
}

/// `<title>`, meta description and canonical link of a page.
#[component]
pub fn PageMeta(
    /// Page title (the site name is appended).
    #[prop(into)]
    title: String,
    /// One or two sentences for search engines and link previews.
    #[prop(into)]
    description: String,
    /// Path (with query, if it defines the content) of the canonical URL.
    #[prop(into)]
    canonical_path: String,
    /// Leave out the canonical link (error pages have no canonical address).
    #[prop(optional)]
    no_canonical: bool,
) -> impl IntoView {
    let base = use_site_config().public_url;
    let t = use_texts();
    let full_title = if title.starts_with(t.site_name) {
        title
    } else {
        format!("{title} – {}", t.site_name)
    };
    // leptos_meta writes the title into <head> unescaped (see raw_text).
    let escaped_title = crate::raw_text::escape(&full_title);
    view! {
        <Title text=escaped_title/>
        <Meta name="description" content=description/>
        {(!no_canonical).then(|| view! { <Link rel="canonical" href=format!("{base}{canonical_path}")/> })}
    }
}

/// A breadcrumb trail; the last item is the current page.
#[component]
pub fn Breadcrumbs(
    /// (label, href) of the ancestors after the start page.
    #[prop(default = Vec::new())]
    trail: Vec<(String, String)>,
    /// The current page.
    #[prop(into)]
    current: String,
    /// The current page is the start page itself (no link back to it).
    #[prop(optional)]
    at_home: bool,
) -> impl IntoView {
    let t = use_texts();
    view! {
        <nav class="breadcrumbs" aria-label=t.breadcrumb_label>
            <ol class="breadcrumbs__list">
                {(!at_home).then(|| view! { <li><a href="/">{t.breadcrumb_home}</a></li> })}
                {trail
                    .into_iter()
                    .map(|(label, href)| view! { <li><a href=href>{label}</a></li> })
                    .collect_view()}
                <li aria-current="page">{current}</li>
            </ol>
        </nav>
    }
}

/// The page's single `<h1>` with an optional lead paragraph.
#[component]
pub fn PageHeading(
    #[prop(into)] title: String,
    #[prop(optional, into)] lead: Option<String>,
) -> impl IntoView {
    view! {
        <div class="page-heading">
            <h1 class="kern-heading-large">{title}</h1>
            {lead.map(|lead| view! { <p class="kern-body kern-body--large page-heading__lead">{lead}</p> })}
        </div>
    }
}

/// Shown when a server function failed; details are in the server log. When the database
/// was unavailable (the response is 503), it says so.
#[component]
pub fn LoadError() -> impl IntoView {
    let t = use_texts();
    let (title, text) = if crate::server_fns::marked_unavailable() {
        (t.unavailable_title, t.unavailable_text)
    } else {
        (t.error_title, t.error_text)
    };
    view! {
        <div class="kern-alert kern-alert--danger" role="alert">
            <div class="kern-alert__header">
                <span class="kern-icon kern-icon--danger" aria-hidden="true"></span>
                <span class="kern-title">{title}</span>
            </div>
            <div class="kern-alert__body"><p class="kern-body">{text}</p></div>
        </div>
    }
}
