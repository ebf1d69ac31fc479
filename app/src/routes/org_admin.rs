//! Organisation management: Organisation anlegen (`/organisationen/neu`), Mitglieder,
//! API-Tokens, Sicherheitsprotokoll, and the page behind an invitation link. The server
//! loads each page's data and puts it into context.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::account::{
    AuditPage, InvitationPage, ManagedOrg, MembersPage, PageProblem, TokensPage, use_form_state,
    use_page_data, use_page_problem, use_viewer,
};
use crate::components::copy_button::CopyButton;
use crate::components::form::{ErrorSummary, FormNotice, SelectField, TextField};
use crate::components::layout::{Breadcrumbs, ModerationForm, PageHeading, PageMeta};
use crate::i18n::{Lang, format_date, use_lang, use_texts};
use crate::model::{Bundesland, OrgKind, Role};
use crate::routes::not_found::Problem;

fn date_time(at: DateTime<Utc>, lang: Lang) -> String {
    format!(
        "{} {}",
        format_date(at.date_naive(), lang),
        at.format("%H:%M")
    )
}

/// Breadcrumbs and links shared by the management pages of one organisation.
#[component]
fn OrgFrame(org: ManagedOrg, current: &'static str, viewer_role: Option<Role>) -> impl IntoView {
    let t = &use_texts().account;
    let base = format!("/organisationen/{}", org.slug);
    let links = [
        (format!("{base}/mitglieder"), t.account_members_link),
        (format!("{base}/tokens"), t.account_tokens_link),
    ]
    .into_iter()
    .chain(
        (viewer_role == Some(Role::Admin))
            .then(|| (format!("{base}/protokoll"), t.account_audit_link)),
    );
    view! {
        <Breadcrumbs trail=vec![(use_texts().organisations_title.to_owned(), "/organisationen".to_owned()), (org.name.clone(), base.clone())]
            current=current/>
        <PageHeading title=format!("{current}: {}", org.name)/>
        <nav class="org-admin-nav" aria-label=t.org_manage_links>
            <ul class="org-admin-nav__list">
                {links.map(|(href, label)| {
                    let here = label == current;
                    view! { <li><a href=href aria-current=here.then_some("page")>{label}</a></li> }
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// `/organisationen/neu`
#[component]
pub fn NewOrganisationPage() -> impl IntoView {
    let t = &use_texts().account;
    let lang = use_lang();
    let state = use_form_state();
    let f = "organisation";
    view! {
        <PageMeta title=t.new_org_title description=t.new_org_meta canonical_path="/organisationen/neu"/>
        <Breadcrumbs trail=vec![(use_texts().organisations_title.to_owned(), "/organisationen".to_owned())] current=t.new_org_title/>
        <PageHeading title=t.new_org_title lead=t.new_org_lead/>
        <div class="form-page">
            <FormNotice notice=state.notice_of(f)/>
            <ErrorSummary state=state.clone() form=f
                ids=vec![("name", "org-name"), ("kind", "org-kind"), ("bundesland", "org-land"), ("ags", "org-ags"), ("website", "org-website")]/>
            <form method="post" action="/organisationen/neu" class="account-form" novalidate>
                <TextField id="org-name" name="name" label=t.field_org_name value=state.value(f, "name")
                    error=state.error(f, "name") autocomplete="organization" required=true maxlength=200/>
                <SelectField id="org-kind" name="kind" label=t.field_org_kind empty=t.choose required=true
                    options=OrgKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label(lang).to_owned())).collect()
                    value=state.value(f, "kind") error=state.error(f, "kind")/>
                <SelectField id="org-land" name="bundesland" label=t.field_bundesland empty=t.field_bundesland_none
                    options=Bundesland::ALL.iter().map(|b| (b.as_str().to_owned(), b.label(lang).to_owned())).collect()
                    value=state.value(f, "bundesland") error=state.error(f, "bundesland")/>
                <TextField id="org-ags" name="ags" label=t.field_ags hint=t.field_ags_hint value=state.value(f, "ags")
                    error=state.error(f, "ags") maxlength=12/>
                <TextField id="org-website" name="website" label=t.field_website kind="url" hint=t.field_website_hint
                    value=state.value(f, "website") error=state.error(f, "website") autocomplete="url"/>
                <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{t.new_org_submit}</span></button>
            </form>
        </div>
    }
}

/// A secret shown once (token, invitation link), with a copy button.
#[component]
fn SecretBox(id: &'static str, label: &'static str, secret: String) -> impl IntoView {
    let t = use_texts();
    view! {
        <div class="secret-box" role="group" aria-labelledby=format!("{id}-titel")>
            <p class="kern-label" id=format!("{id}-titel")>{label}</p>
            <code class="secret-box__value" id=id>{secret}</code>
            <CopyButton target=id.to_owned() label=t.copy_button.to_owned() done=t.copy_done.to_owned() failed=t.copy_failed.to_owned()/>
        </div>
    }
}

fn role_options(lang: Lang) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), r.label(lang).to_owned()))
        .collect()
}

/// `/organisationen/:slug/mitglieder`
#[component]
pub fn MembersPageView() -> impl IntoView {
    let t = &use_texts().account;
    let lang = use_lang();
    let state = use_form_state();
    if let Some(problem) = use_page_problem() {
        return view! { <Problem problem/> }.into_any();
    }
    let Some(page) = use_page_data::<MembersPage>() else {
        return view! { <Problem problem=PageProblem::NotFound/> }.into_any();
    };
    let me = use_viewer().map(|v| v.user_id);
    let admin = page.viewer_role == Some(Role::Admin);
    let path = format!("/organisationen/{}/mitglieder", page.org.slug);
    let rows = page
        .members
        .iter()
        .map(|m| {
            let path = path.clone();
            let role_id = format!("rolle-{}", m.user_id);
            let myself = Some(m.user_id) == me;
            view! {
                <tr>
                    <td>{m.display_name.clone()}</td>
                    <td>{m.email.clone()}</td>
                    <td>{m.role.label(lang)}</td>
                    <td>{format_date(m.since.date_naive(), lang)}</td>
                    {admin.then(|| view! {
                        <td class="member-actions">
                            <form method="post" action=path.clone() class="inline-form">
                                <input type="hidden" name="form" value="role"/>
                                <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                                <label class="kern-sr-only" for=role_id.clone()>{format!("{} – {}", t.field_role, m.display_name)}</label>
                                <select class="kern-form-input__select" id=role_id name="role">
                                    {Role::ALL.iter().map(|r| view! {
                                        <option value=r.as_str() selected=*r == m.role>{r.label(lang)}</option>
                                    }).collect_view()}
                                </select>
                                <button type="submit" class="kern-btn kern-btn--secondary kern-btn--small">
                                    <span class="kern-label">{t.role_change_submit}</span>
                                </button>
                            </form>
                            {(!myself).then(|| view! {
                                <form method="post" action=path.clone() class="inline-form">
                                    <input type="hidden" name="form" value="remove"/>
                                    <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                                    <button type="submit" class="kern-btn kern-btn--tertiary kern-btn--small"
                                        aria-label=format!("{} – {}", t.remove_submit, m.display_name)>
                                        <span class="kern-label">{t.remove_submit}</span>
                                    </button>
                                </form>
                            })}
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    let f = "invite";
    view! {
        <PageMeta title=format!("{} – {}", t.members_title, page.org.name) description=t.members_meta canonical_path=path.clone()/>
        <OrgFrame org=page.org.clone() current=t.account_members_link viewer_role=page.viewer_role/>
        {["role", "remove", "revoke_invitation"].into_iter().map(|form| view! { <FormNotice notice=state.notice_of(form)/> }).collect_view()}
        <div class="table-scroll">
            <table class="kern-table member-table">
                <caption class="kern-title">{t.members_table_caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.col_name}</th>
                        <th scope="col">{t.col_email}</th>
                        <th scope="col">{t.col_role}</th>
                        <th scope="col">{t.col_since}</th>
                        {admin.then(|| view! { <th scope="col">{t.col_actions}</th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {admin.then(|| {
            let invitations = page.invitations.clone();
            view! {
                <section class="account-section" aria-labelledby="einladen">
                    <h2 class="kern-heading-medium" id="einladen">{t.invite_title}</h2>
                    <p class="kern-body">{t.invite_text}</p>
                    <FormNotice notice=state.notice_of(f)/>
                    {page.new_invitation_link.clone().map(|link| view! {
                        <SecretBox id="einladungslink" label=t.invitation_link_label secret=link/>
                    })}
                    <ErrorSummary state=state.clone() form=f ids=vec![("email", "invite-email"), ("role", "invite-role")]/>
                    <form method="post" action=path.clone() class="account-form">
                        <input type="hidden" name="form" value="invite"/>
                        <TextField id="invite-email" name="email" label=t.field_invite_email kind="email" value=state.value(f, "email")
                            error=state.error(f, "email") required=true maxlength=254/>
                        <SelectField id="invite-role" name="role" label=t.field_role options=role_options(lang)
                            value={let v = state.value(f, "role"); if v.is_empty() { "member".to_owned() } else { v }}
                            error=state.error(f, "role")/>
                        <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{t.invite_submit}</span></button>
                    </form>
                    {(!invitations.is_empty()).then(|| view! {
                        <h3 class="kern-heading-small">{t.open_invitations}</h3>
                        <ul class="invitation-list">
                            {invitations.into_iter().map(|i| view! {
                                <li>
                                    {i.email.clone()} " (" {i.role.label(lang)} ", " {t.invitation_valid_until} " "
                                    {format_date(i.expires_at.date_naive(), lang)} ") "
                                    <form method="post" action=path.clone() class="inline-form">
                                        <input type="hidden" name="form" value="revoke_invitation"/>
                                        <input type="hidden" name="id" value=i.id.to_string()/>
                                        <button type="submit" class="kern-btn kern-btn--tertiary kern-btn--small"
                                            aria-label=format!("{} – {}", t.revoke_invitation_submit, i.email)>
                                            <span class="kern-label">{t.revoke_invitation_submit}</span>
                                        </button>
                                    </form>
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                </section>
            }
        })}
        {page.viewer_role.is_some().then(|| view! {
            <section class="account-section" aria-labelledby="verlassen">
                <h2 class="kern-heading-medium" id="verlassen">{t.leave_title}</h2>
                <p class="kern-body">{t.leave_text}</p>
                <FormNotice notice=state.notice_of("leave")/>
                <form method="post" action=path.clone()>
                    <input type="hidden" name="form" value="leave"/>
                    <button type="submit" class="kern-btn kern-btn--secondary"><span class="kern-label">{t.leave_submit}</span></button>
                </form>
            </section>
        })}
    }
    .into_any()
}

/// `/organisationen/:slug/tokens`
#[component]
pub fn TokensPageView() -> impl IntoView {
    let t = &use_texts().account;
    let lang = use_lang();
    let state = use_form_state();
    if let Some(problem) = use_page_problem() {
        return view! { <Problem problem/> }.into_any();
    }
    let Some(page) = use_page_data::<TokensPage>() else {
        return view! { <Problem problem=PageProblem::NotFound/> }.into_any();
    };
    let path = format!("/organisationen/{}/tokens", page.org.slug);
    let f = "create";
    let rows = page
        .tokens
        .iter()
        .map(|token| {
            let active = token.revoked_at.is_none();
            let path = path.clone();
            view! {
                <tr>
                    <td>{token.name.clone()}</td>
                    <td><code>{format!("{}…", token.prefix)}</code></td>
                    <td>{date_time(token.created_at, lang)} {token.created_by.clone().map(|by| format!(" · {by}"))}</td>
                    <td>{token.last_used_at.map_or_else(|| t.token_never_used.to_owned(), |at| date_time(at, lang))}</td>
                    <td>{if active { t.token_active } else { t.token_revoked }}</td>
                    <td>
                        {active.then(|| view! {
                            <form method="post" action=path class="inline-form">
                                <input type="hidden" name="form" value="revoke"/>
                                <input type="hidden" name="id" value=token.id.to_string()/>
                                <button type="submit" class="kern-btn kern-btn--tertiary kern-btn--small"
                                    aria-label=format!("{} – {}", t.token_revoke_submit, token.name)>
                                    <span class="kern-label">{t.token_revoke_submit}</span>
                                </button>
                            </form>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <PageMeta title=format!("{} – {}", t.tokens_title, page.org.name) description=t.tokens_meta canonical_path=path.clone()/>
        <OrgFrame org=page.org.clone() current=t.account_tokens_link viewer_role=page.viewer_role/>
        <p class="kern-body">{t.tokens_lead}</p>
        <FormNotice notice=state.notice_of("revoke")/>
        {if page.tokens.is_empty() {
            view! { <p class="kern-body">{t.tokens_none}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="kern-table">
                        <caption class="kern-title">{t.tokens_table_caption}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t.col_token_name}</th>
                                <th scope="col">{t.col_token_prefix}</th>
                                <th scope="col">{t.col_created}</th>
                                <th scope="col">{t.col_last_used}</th>
                                <th scope="col">{t.col_status}</th>
                                <th scope="col">{t.col_actions}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <section class="account-section" aria-labelledby="neues-token">
            <h2 class="kern-heading-medium" id="neues-token">{t.token_create_title}</h2>
            <FormNotice notice=state.notice_of(f)/>
            {page.new_token.clone().map(|secret| view! {
                <SecretBox id="neues-token-wert" label=t.new_token_label secret/>
            })}
            <form method="post" action=path.clone() class="account-form">
                <input type="hidden" name="form" value="create"/>
                <TextField id="token-name" name="name" label=t.field_token_name hint=t.field_token_name_hint
                    value=state.value(f, "name") error=state.error(f, "name") required=true maxlength=100/>
                <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{t.token_create_submit}</span></button>
            </form>
        </section>
    }
    .into_any()
}

/// `/organisationen/:slug/protokoll` and `/verwaltung/protokoll`
#[component]
pub fn AuditPageView() -> impl IntoView {
    let t = &use_texts().account;
    let lang = use_lang();
    if let Some(problem) = use_page_problem() {
        return view! { <Problem problem/> }.into_any();
    }
    let Some(page) = use_page_data::<AuditPage>() else {
        return view! { <Problem problem=PageProblem::NotFound/> }.into_any();
    };
    let heading = match &page.org {
        Some(org) => view! { <OrgFrame org=org.clone() current=t.account_audit_link viewer_role=Some(Role::Admin)/> }.into_any(),
        None => view! {
            <Breadcrumbs current=t.audit_site_title/>
            <PageHeading title=t.audit_site_title/>
        }
        .into_any(),
    };
    let canonical = page.org.as_ref().map_or_else(
        || "/verwaltung/protokoll".to_owned(),
        |o| format!("/organisationen/{}/protokoll", o.slug),
    );
    let hidden = (!page.hidden.is_empty()).then(|| {
        let items = page.hidden.clone();
        view! {
            <section class="account-section" aria-labelledby="verborgen">
                <h2 class="kern-heading-medium" id="verborgen">{t.hidden_title}</h2>
                <ul class="hidden-list">
                    {items.into_iter().map(|item| {
                        let kind: &'static str = match item.kind.as_str() {
                            "organisation" => "organisation",
                            "solution" => "solution",
                            _ => "data_model",
                        };
                        view! { <li>{item.name.clone()} " " <ModerationForm kind slug=item.slug.clone() hidden=true/></li> }
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    view! {
        <PageMeta title=t.audit_title description=t.audit_meta canonical_path=canonical/>
        {heading}
        {hidden}
        {if page.entries.is_empty() {
            view! { <p class="kern-body">{t.audit_none}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="kern-table audit-table">
                        <caption class="kern-title">{t.audit_table_caption}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t.col_time}</th>
                                <th scope="col">{t.col_event}</th>
                                <th scope="col">{t.col_actor}</th>
                                {page.org.is_none().then(|| view! { <th scope="col">{t.col_organisation}</th> })}
                                <th scope="col">{t.col_channel}</th>
                                <th scope="col">{t.col_ip}</th>
                                <th scope="col">{t.col_detail}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page.entries.iter().map(|e| view! {
                                <tr>
                                    <td>{date_time(e.at, lang)}</td>
                                    <td><code>{e.event.clone()}</code></td>
                                    <td>{e.actor.clone().unwrap_or_default()}</td>
                                    {page.org.is_none().then(|| view! { <td>{e.organisation.clone().unwrap_or_default()}</td> })}
                                    <td>{e.channel.clone()}</td>
                                    <td>{e.ip.clone().unwrap_or_default()}</td>
                                    <td>{e.detail.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
    .into_any()
}

/// `/einladung/:code`
#[component]
pub fn InvitationPageView() -> impl IntoView {
    let t = &use_texts().account;
    let lang = use_lang();
    let state = use_form_state();
    let Some(page) = use_page_data::<InvitationPage>() else {
        return view! { <Problem problem=PageProblem::NotFound/> }.into_any();
    };
    let viewer = use_viewer();
    let path = format!("/einladung/{}", page.code);
    let body = match page.invitation {
        None => view! { <p class="kern-body">{t.invitation_invalid}</p> }.into_any(),
        Some(invitation) => view! {
            <p class="kern-body">{t.invitation_text}</p>
            <p class="kern-body"><strong>{invitation.org_name.clone()}</strong> " (" {invitation.role.label(lang)} ") – " {invitation.email.clone()}</p>
            {if viewer.is_some() {
                view! {
                    <form method="post" action=path.clone()>
                        <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{t.invitation_accept_submit}</span></button>
                    </form>
                }.into_any()
            } else {
                view! {
                    <p class="kern-body">{t.invitation_login_first}</p>
                    <p>
                        <a class="kern-btn kern-btn--primary" href=format!("/anmelden?weiter={path}")><span class="kern-label">{t.nav_login}</span></a>
                        " "
                        <a class="kern-btn kern-btn--secondary" href="/registrieren"><span class="kern-label">{t.nav_register}</span></a>
                    </p>
                }.into_any()
            }}
        }
        .into_any(),
    };
    view! {
        <PageMeta title=t.invitation_title description=t.invitation_meta canonical_path="" no_canonical=true/>
        <Breadcrumbs current=t.invitation_title/>
        <PageHeading title=t.invitation_title/>
        <FormNotice notice=state.notice_of("accept")/>
        {body}
    }
    .into_any()
}
