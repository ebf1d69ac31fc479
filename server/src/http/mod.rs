//! The HTTP layer: one router ([`router`]), extractors ([`extract`]), errors that are
//! responses ([`error`]), page rendering ([`render`]), middleware, and the handlers —
//! [`pages`] (server-rendered forms) and [`api`] (the JSON API) as siblings, one file per
//! area. Handlers read the request, call a service (`crate::services`, `crate::accounts`,
//! the catalogue) and turn its answer into a response; they run no SQL themselves.
//!
//! Layers depend one way: nothing outside this module imports it (checked by the test
//! below); the binary (`main.rs`) only builds the router.

pub mod api;
pub mod assets;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod middleware;
pub mod pages;
pub mod render;
pub mod router;
pub mod serve;
pub mod state;

pub use router::{BODY_LIMIT, REQUEST_TIMEOUT, router};
pub use serve::serve;
pub use state::{AppState, leptos_options};

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("source folder readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The layers depend one way: no module below the HTTP layer names it.
    #[test]
    fn layers_depend_one_way() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let below: Vec<_> = files
            .iter()
            .filter(|p| !p.starts_with(src.join("http")))
            .filter(|p| *p != &src.join("lib.rs") && *p != &src.join("main.rs"))
            .collect();
        assert!(below.len() > 20, "the walk found the modules: {below:?}");
        let offenders: Vec<String> = below
            .iter()
            .filter(|path| {
                let text = std::fs::read_to_string(path).expect("source readable");
                text.contains("crate::http") || text.contains("super::http")
            })
            .map(|path| path.display().to_string())
            .collect();
        assert!(
            offenders.is_empty(),
            "below the HTTP layer, these import it: {offenders:?}"
        );
    }
}
