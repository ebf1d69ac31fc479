//! What every handler may use: the services and the site settings.

use std::path::Path;

use app::service::CatalogueHandle;
use app::site::SiteConfig;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::accounts::Accounts;
use crate::db::replicas::ReadFrom;
use crate::services::entries::Entries;
use crate::services::payload_check::PayloadChecks;

/// Everything a request handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// The read side of the catalogue (lists, details, search), shared with the app; on
    /// the primary, for callers who must read their own writes.
    pub catalogue: CatalogueHandle,
    /// The same for anonymous reads: on a fresh streaming replica when there is one, else
    /// on the primary (without replicas the same as `catalogue`). See [`Self::catalogue_for`].
    pub public_catalogue: CatalogueHandle,
    /// The primary and the streaming replicas, with what their checks found (for `/readyz`
    /// and `/metrics`).
    pub read_pools: crate::db::replicas::ReadPools,
    pub site: SiteConfig,
    /// People, sessions, organisations, tokens.
    pub accounts: Accounts,
    /// Publishing, reuse, data-model tools and the publiccode.yml import.
    pub entries: Entries,
    /// Payload checks against data model schemas (limited slots on the blocking pool).
    pub payload_checks: PayloadChecks,
    /// The search index, for the readiness check and the metrics (`None`: not open, not
    /// ready).
    pub search: Option<crate::search::SearchIndex>,
    /// What `/metrics` serves: the request counters, and who may read them.
    pub metrics: crate::http::metrics::Metrics,
}

impl AppState {
    /// Whether the site is served over HTTPS (cookies get `Secure`).
    pub fn secure(&self) -> bool {
        self.site.public_url.starts_with("https://")
    }

    /// The catalogue for a request that may read from `from` (see
    /// [`crate::http::extract::read_from`]).
    pub fn catalogue_for(&self, from: ReadFrom) -> &CatalogueHandle {
        match from {
            ReadFrom::Primary => &self.catalogue,
            ReadFrom::FreshReplica => &self.public_catalogue,
        }
    }

    /// The public address of a page: `https://host/loesungen/x` for `/loesungen/x`.
    pub fn public_url(&self, path: &str) -> String {
        format!("{}{path}", self.site.public_url.trim_end_matches('/'))
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Leptos options for a site built by cargo-leptos into `site_root`.
pub fn leptos_options(site_root: &Path, addr: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("allmende")
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}
