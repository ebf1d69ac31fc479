//! Accounts as pages see them: who is logged in ([`Viewer`]), what a submitted form gave
//! back ([`FormState`]), and the data of the account and organisation management pages.
//!
//! These pages are rendered by the server with their data already loaded (no server
//! functions): the server's handlers put a [`Viewer`], a [`FormState`] and the page's data
//! into context, and the page components read them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{Bundesland, OrgKind, Role};
use crate::validation::FieldError;

/// An organisation the logged-in person belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub organisation_id: Uuid,
    pub slug: String,
    pub name: String,
    pub role: Role,
    pub bundesland: Option<Bundesland>,
    pub size_class: Option<crate::model::SizeClass>,
}

/// The logged-in person, as far as pages need to know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub site_admin: bool,
    pub memberships: Vec<Membership>,
}

impl Viewer {
    /// The person's role in the organisation with this slug, if a member.
    pub fn role_in(&self, org_slug: &str) -> Option<Role> {
        self.memberships
            .iter()
            .find(|m| m.slug == org_slug)
            .map(|m| m.role)
    }
}

/// The logged-in person of the request being rendered, if any (the server's session
/// middleware puts it into the request; in the browser there is none).
pub fn use_viewer() -> Option<Viewer> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// What came back from a submitted form: the values as typed (so nothing is lost), errors
/// per field, and a message for the whole form (success or failure).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FormState {
    /// Which form on the page was submitted (pages with several forms).
    pub form: String,
    pub values: BTreeMap<String, String>,
    pub errors: BTreeMap<String, FieldError>,
    pub notice: Option<Notice>,
}

/// A message above a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Notice {
    Success(String),
    Error(String),
}

impl FormState {
    /// The submitted value of a field of form `form`, or "" (passwords are never kept).
    pub fn value(&self, form: &str, field: &str) -> String {
        if self.form == form {
            self.values.get(field).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }

    /// The error of a field of form `form`.
    pub fn error(&self, form: &str, field: &str) -> Option<FieldError> {
        if self.form == form {
            self.errors.get(field).cloned()
        } else {
            None
        }
    }

    /// The notice of form `form`.
    pub fn notice_of(&self, form: &str) -> Option<Notice> {
        if self.form == form {
            self.notice.clone()
        } else {
            None
        }
    }
}

/// The form state of the request being rendered (empty on a plain GET).
pub fn use_form_state() -> FormState {
    use_context::<FormState>().unwrap_or_default()
}

/// Why a management page cannot be shown (the server sets the matching status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageProblem {
    NotFound,
    Forbidden,
}

/// The problem of the request being rendered, if any.
pub fn use_page_problem() -> Option<PageProblem> {
    use_context::<PageProblem>()
}

/// The data the server loaded for this page.
pub fn use_page_data<T: Clone + Send + Sync + 'static>() -> Option<T> {
    use_context::<T>()
}

/// A member row on the members page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub since: DateTime<Utc>,
}

/// An open invitation on the members page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
}

/// An organisation as the management pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedOrg {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub kind: OrgKind,
    pub bundesland: Option<Bundesland>,
    pub hidden: bool,
}

/// Data of the members page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MembersPage {
    pub org: ManagedOrg,
    /// The viewer's role; only admins see the management forms.
    pub viewer_role: Option<Role>,
    pub members: Vec<MemberRow>,
    pub invitations: Vec<InvitationRow>,
    /// The link of an invitation just created, shown once to be passed on.
    pub new_invitation_link: Option<String>,
}

/// One API token (never the secret itself, except right after creation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Data of the API token page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokensPage {
    pub org: ManagedOrg,
    pub viewer_role: Option<Role>,
    pub tokens: Vec<TokenRow>,
    /// The secret of a token just created, shown exactly once.
    pub new_token: Option<String>,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub event: String,
    pub actor: Option<String>,
    pub organisation: Option<String>,
    pub channel: String,
    pub ip: Option<String>,
    pub detail: String,
}

/// Data of an audit log page: one organisation's events, or (site admins) all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub org: Option<ManagedOrg>,
    pub entries: Vec<AuditRow>,
    /// For site administrators: what is hidden now, to show it again.
    pub hidden: Vec<HiddenItem>,
}

/// A hidden organisation or entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HiddenItem {
    /// `organisation`, `solution` or `data_model`.
    pub kind: String,
    pub slug: String,
    pub name: String,
}

/// Data of the page behind an invitation link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationPage {
    pub code: String,
    /// `None` when the link is unknown, used, revoked or expired.
    pub invitation: Option<InvitationDetails>,
}

/// What an invitation offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationDetails {
    pub org_name: String,
    pub org_slug: String,
    pub email: String,
    pub role: Role,
}
