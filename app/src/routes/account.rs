//! Registrieren (`/registrieren`), Anmelden (`/anmelden`) and Mein Konto (`/konto`).
//! The server renders these with the form state of the last submission in context.

use leptos::prelude::*;

use crate::account::{FormState, use_form_state, use_viewer};
use crate::components::form::{ErrorSummary, FormNotice, TextField};
use crate::components::layout::{Breadcrumbs, PageHeading, PageMeta};
use crate::i18n::use_texts;
use crate::routes::current_query_pairs;

/// `/registrieren`
#[component]
pub fn RegisterPage() -> impl IntoView {
    let t = &use_texts().account;
    let state = use_form_state();
    let f = "register";
    view! {
        <PageMeta title=t.register_title description=t.register_meta canonical_path="/registrieren"/>
        <Breadcrumbs current=t.register_title/>
        <PageHeading title=t.register_title lead=t.register_lead/>
        <div class="form-page">
            <FormNotice notice=state.notice_of(f)/>
            <ErrorSummary state=state.clone() form=f
                ids=vec![("name", "reg-name"), ("email", "reg-email"), ("password", "reg-password"), ("password_repeat", "reg-password-repeat")]/>
            <form method="post" action="/registrieren" class="account-form" novalidate>
                <TextField id="reg-name" name="name" label=t.field_name hint=t.field_name_hint value=state.value(f, "name")
                    error=state.error(f, "name") autocomplete="name" required=true maxlength=120/>
                <TextField id="reg-email" name="email" label=t.field_email kind="email" value=state.value(f, "email")
                    error=state.error(f, "email") autocomplete="email" required=true maxlength=254/>
                <TextField id="reg-password" name="password" label=t.field_password kind="password" hint=t.field_password_hint
                    error=state.error(f, "password") autocomplete="new-password" required=true/>
                <TextField id="reg-password-repeat" name="password_repeat" label=t.field_password_repeat kind="password"
                    error=state.error(f, "password_repeat") autocomplete="new-password" required=true/>
                <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{t.register_submit}</span></button>
            </form>
            <p class="kern-body form-page__alternative">{t.register_have_account}" "<a href="/anmelden">{t.nav_login}</a></p>
        </div>
    }
}

/// `/anmelden?weiter=/pfad`
#[component]
pub fn LoginPage() -> impl IntoView {
    let t = &use_texts().account;
    let state = use_form_state();
    let f = "login";
    let next = current_query_pairs()
        .into_iter()
        .find(|(k, _)| k == "weiter")
        .map(|(_, v)| v)
        .or_else(|| state.values.get("weiter").cloned())
        .filter(|v| v.starts_with('/') && !v.starts_with("//"));
    view! {
        <PageMeta title=t.login_title description=t.login_meta canonical_path="/anmelden"/>
        <Breadcrumbs current=t.login_title/>
        <PageHeading title=t.login_title lead=t.login_lead/>
        <div class="form-page">
            <FormNotice notice=state.notice_of(f)/>
            <form method="post" action="/anmelden" class="account-form">
                {next.map(|next| view! { <input type="hidden" name="weiter" value=next/> })}
                <TextField id="login-email" name="email" label=t.field_email kind="email" value=state.value(f, "email")
                    autocomplete="username" required=true maxlength=254/>
                <TextField id="login-password" name="password" label=t.field_password kind="password"
                    autocomplete="current-password" required=true/>
                <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{t.login_submit}</span></button>
            </form>
            <p class="kern-body form-page__alternative">{t.login_no_account}" "<a href="/registrieren">{t.nav_register}</a></p>
        </div>
    }
}

/// `/konto`: organisations, password change, account deletion.
#[component]
pub fn AccountPage() -> impl IntoView {
    let t = &use_texts().account;
    let state: FormState = use_form_state();
    let Some(viewer) = use_viewer() else {
        return view! { <p class="kern-body"><a href="/anmelden">{t.nav_login}</a></p> }.into_any();
    };
    let orgs = viewer.memberships.clone();
    let lang = crate::i18n::use_lang();
    view! {
        <PageMeta title=t.account_title description=t.account_meta canonical_path="/konto"/>
        <Breadcrumbs current=t.account_title/>
        <PageHeading title=t.account_title lead=format!("{} · {}", viewer.display_name, viewer.email)/>
        <FormNotice notice=state.notice_of("welcome")/>
        {viewer.site_admin.then(|| view! {
            <p class="kern-body">{t.account_site_admin}" "<a href="/verwaltung/protokoll">{t.account_site_audit}</a></p>
        })}
        <section class="account-section" aria-labelledby="konto-orgs">
            <h2 class="kern-heading-medium" id="konto-orgs">{t.account_your_orgs}</h2>
            {if orgs.is_empty() {
                view! { <p class="kern-body">{t.account_no_orgs}</p> }.into_any()
            } else {
                view! {
                    <ul class="account-orgs">
                        {orgs.into_iter().map(|m| {
                            let base = format!("/organisationen/{}", m.slug);
                            let admin = m.role == crate::model::Role::Admin;
                            view! {
                                <li class="account-orgs__item">
                                    <a href=base.clone() class="account-orgs__name">{m.name.clone()}</a>
                                    " (" {m.role.label(lang)} ") · "
                                    <a href=format!("{base}/mitglieder")>{t.account_members_link}</a>
                                    " · "
                                    <a href=format!("{base}/tokens")>{t.account_tokens_link}</a>
                                    {admin.then(|| view! { " · " <a href=format!("{base}/protokoll")>{t.account_audit_link}</a> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p><a class="kern-btn kern-btn--secondary" href="/organisationen/neu"><span class="kern-label">{t.account_create_org}</span></a></p>
        </section>
        <section class="account-section" aria-labelledby="konto-passwort">
            <h2 class="kern-heading-medium" id="konto-passwort">{t.password_change_title}</h2>
            <FormNotice notice=state.notice_of("password")/>
            <ErrorSummary state=state.clone() form="password"
                ids=vec![("current_password", "pw-current"), ("new_password", "pw-new"), ("new_password_repeat", "pw-repeat")]/>
            <form method="post" action="/konto" class="account-form">
                <input type="hidden" name="form" value="password"/>
                <input type="text" name="username" value=viewer.email.clone() autocomplete="username" hidden/>
                <TextField id="pw-current" name="current_password" label=t.field_current_password kind="password"
                    error=state.error("password", "current_password") autocomplete="current-password" required=true/>
                <TextField id="pw-new" name="new_password" label=t.field_new_password kind="password" hint=t.field_password_hint
                    error=state.error("password", "new_password") autocomplete="new-password" required=true/>
                <TextField id="pw-repeat" name="new_password_repeat" label=t.field_new_password_repeat kind="password"
                    error=state.error("password", "new_password_repeat") autocomplete="new-password" required=true/>
                <p class="kern-body kern-body--small">{t.password_change_note}</p>
                <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{t.password_change_submit}</span></button>
            </form>
        </section>
        <section class="account-section" aria-labelledby="konto-loeschen">
            <h2 class="kern-heading-medium" id="konto-loeschen">{t.delete_title}</h2>
            <p class="kern-body">{t.delete_text}</p>
            <FormNotice notice=state.notice_of("delete")/>
            <form method="post" action="/konto" class="account-form">
                <input type="hidden" name="form" value="delete"/>
                <TextField id="del-password" name="password" label=t.field_delete_password kind="password"
                    error=state.error("delete", "password") autocomplete="current-password" required=true/>
                <TextField id="del-confirm" name="confirm" label=t.field_delete_confirm hint=t.field_delete_confirm_hint
                    value=state.value("delete", "confirm") error=state.error("delete", "confirm") required=true/>
                <button type="submit" class="kern-btn kern-btn--secondary"><span class="kern-label">{t.delete_submit}</span></button>
            </form>
        </section>
    }
    .into_any()
}
