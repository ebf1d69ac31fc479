//! One module per page (or group of closely related pages).

mod account;
mod data_models;
mod entry_forms;
mod home;
mod import;
mod legal;
mod model_tools;
mod not_found;
mod org_admin;
mod organisations;
mod reuse;
mod search;
mod solutions;

pub use account::{AccountPage, LoginPage, RegisterPage};
pub use data_models::{DataModelPage, DataModelsPage};
pub use entry_forms::{
    ComparePageView, DataModelFormPageView, HistoryPageView, SolutionFormPageView,
};
pub use home::HomePage;
pub use import::ImportPageView;
pub use legal::{AccessibilityPage, ImprintPage, PrivacyPage};
pub use model_tools::{CompatibilityPageView, ValidatePageView};
pub use not_found::NotFoundPage;
pub use org_admin::{
    AuditPageView, InvitationPageView, MembersPageView, NewOrganisationPage, TokensPageView,
};
pub use organisations::{OrganisationPage, OrganisationsPage};
pub use reuse::{ReusePageView, ReuseStatsPage};
pub use search::SearchPage;
pub use solutions::{SolutionPage, SolutionsPage};

use leptos::prelude::GetUntracked;
use leptos_router::hooks::use_location;

/// The current request's query parameters as decoded pairs.
pub(crate) fn current_query_pairs() -> Vec<(String, String)> {
    crate::query::parse_query_string(&use_location().search.get_untracked())
}
