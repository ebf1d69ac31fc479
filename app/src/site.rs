//! Site-wide settings from the server's configuration, provided to pages as context.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Who runs this installation (shown in the Impressum), from configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Operator {
    pub name: Option<String>,
    pub address: Option<String>,
    pub representative: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl Operator {
    /// Whether the legally required minimum (name, address, e-mail) is configured.
    pub fn is_complete(&self) -> bool {
        self.name.is_some() && self.address.is_some() && self.email.is_some()
    }
}

/// Site-wide settings that pages read from context.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteConfig {
    /// Public base URL without trailing slash, for canonical links (e.g. https://allmende.example.de).
    pub public_url: String,
    pub operator: Operator,
    /// Whether the demo catalogue was loaded (shows a notice).
    pub demo: bool,
}

/// The site configuration of this request (defaults when none was provided).
pub fn use_site_config() -> SiteConfig {
    use_context::<SiteConfig>().unwrap_or_default()
}

/// The addresses under which the server serves the site's static files: each plain path
/// (`/pkg/allmende.css`) mapped to its content-hashed name, computed by the server at start
/// (`allmende_server::http::assets`). The shell links the hashed names, which caches may keep
/// for a year; without a mapping (a site not built yet) it links the plain path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssetUrls(std::sync::Arc<std::collections::HashMap<String, String>>);

impl AssetUrls {
    /// The mapping from plain paths to hashed names.
    pub fn new(names: std::collections::HashMap<String, String>) -> Self {
        Self(std::sync::Arc::new(names))
    }

    /// The address to link for a plain path: its hashed name, else the path itself.
    pub fn url(&self, path: &str) -> String {
        self.0.get(path).cloned().unwrap_or_else(|| path.to_owned())
    }
}

/// The address to link for a static file of the site (see [`AssetUrls`]).
pub fn asset_url(path: &str) -> String {
    use_context::<AssetUrls>().map_or_else(|| path.to_owned(), |urls| urls.url(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_a_hashed_name_is_linked_by_its_plain_path() {
        let urls = AssetUrls::new(
            [(
                "/pkg/allmende.css".to_owned(),
                "/pkg/allmende.0123456789abcdef.css".to_owned(),
            )]
            .into(),
        );
        assert_eq!(
            urls.url("/pkg/allmende.css"),
            "/pkg/allmende.0123456789abcdef.css"
        );
        assert_eq!(urls.url("/kern/fonts.css"), "/kern/fonts.css");
    }
}
