//! The site's static files under content-hashed names. When the router is built, every file
//! under the site's `pkg/` and `kern/` folders is read once and named by its content:
//! `/kern/kern.min.css` is linked as `/kern/kern.min.3f9c0a1b2c3d4e5f.css`. A hashed name
//! never changes its content, so it is served `immutable` for a year; a new build brings new
//! names. CSS that points at other files (`url("fonts/x.woff2")`) is rewritten to their
//! hashed names before its own hash is taken, so a new font gives the CSS a new name too.
//! The hydration bundle (`allmende.js` and its wasm) shares one hash over both files,
//! because Leptos' `HydrationScripts` derives both names from one `output_name`.
//!
//! The files keep their plain names on disk, and the plain addresses keep working (a page
//! kept by a cache from before a deploy, wasm-bindgen snippets) with `no-cache`, which
//! browsers and proxies revalidate by `Last-Modified`.
//!
//! Why here and not cargo-leptos' `hash-files`: that renames only the JS, wasm and CSS of
//! the bundle and records the hashes in a file next to the server binary, which Leptos looks
//! up relative to the running executable (a copied or installed binary loses it); the KERN
//! files and fonts would need a second mechanism. Hashing at start covers every file in one
//! place and cannot disagree with what is on disk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use app::site::AssetUrls;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// `Cache-Control` of a content-hashed file.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of a plain `/pkg` or `/kern` address: keep, but revalidate before use.
pub const REVALIDATE: &str = "public, no-cache";
/// `Cache-Control` of the other plain files (favicon, robots.txt): an hour.
pub const SHORT: &str = "public, max-age=3600";

/// The folders of the site root whose files get hashed names (each served under `/{folder}`).
const HASHED_FOLDERS: [&str; 2] = ["pkg", "kern"];

/// The site's static files with their hashed names; cheap to clone.
#[derive(Clone, Default)]
pub struct Assets(Arc<Inner>);

#[derive(Default)]
struct Inner {
    site_root: PathBuf,
    /// Plain address → hashed address.
    urls: AssetUrls,
    /// Hashed address → what is sent for it.
    served: HashMap<String, Asset>,
    /// `allmende.<hash>`: the output name of the hydration bundle, when both files exist.
    bundle: Option<String>,
}

enum Asset {
    /// A file sent as it is on disk (or as its precompressed copy, `x.br`/`x.gz`, when the
    /// client accepts it and every copy is at least as new as the file).
    File { path: PathBuf, precompressed: bool },
    /// A stylesheet whose references were rewritten to hashed names.
    Css(Bytes),
}

impl Assets {
    /// Reads the files under `site_root/pkg` and `site_root/kern` and names each by its
    /// content. `output_name` is the hydration bundle's name (`allmende`: `pkg/allmende.js`
    /// with `pkg/allmende.wasm` or `pkg/allmende_bg.wasm`). Missing folders are no error (a
    /// site not built yet is served under the plain names); an unreadable file is logged and
    /// keeps its plain name.
    pub fn scan(site_root: &Path, output_name: &str) -> Assets {
        let mut files = Vec::new();
        for folder in HASHED_FOLDERS {
            collect_files(&site_root.join(folder), &format!("/{folder}"), &mut files);
        }
        files.sort();
        let mut names = HashMap::new();
        let mut served = HashMap::new();

        let bundle = hash_bundle(&files, output_name, &mut names, &mut served);
        let mut stylesheets = Vec::new();
        for (url, path) in &files {
            if names.contains_key(url) {
                continue;
            }
            if url.ends_with(".css") {
                stylesheets.push((url, path));
                continue;
            }
            match std::fs::read(path) {
                Ok(bytes) => {
                    let hashed = hashed_name(url, &content_hash(&[&bytes]));
                    served.insert(hashed.clone(), Asset::file(path));
                    names.insert(url.clone(), hashed);
                }
                Err(err) => {
                    tracing::warn!(path = %path.display(), error = %err, "static file unreadable")
                }
            }
        }
        // Stylesheets last: their references to the other files are rewritten first.
        // (A stylesheet that imports another keeps the plain name of that one.)
        for (url, path) in stylesheets {
            match std::fs::read_to_string(path) {
                Ok(css) => {
                    let rewritten = rewrite_css(&css, url, &names);
                    let hashed = hashed_name(url, &content_hash(&[rewritten.as_bytes()]));
                    let asset = if rewritten == css {
                        Asset::file(path)
                    } else {
                        Asset::Css(Bytes::from(rewritten))
                    };
                    served.insert(hashed.clone(), asset);
                    names.insert(url.clone(), hashed);
                }
                Err(err) => {
                    tracing::warn!(path = %path.display(), error = %err, "stylesheet unreadable")
                }
            }
        }
        Assets(Arc::new(Inner {
            site_root: site_root.to_owned(),
            urls: AssetUrls::new(names),
            served,
            bundle,
        }))
    }

    /// The plain-to-hashed addresses, for the page shell.
    pub fn urls(&self) -> AssetUrls {
        self.0.urls.clone()
    }

    /// The hydration bundle's hashed output name (`allmende.<hash>`), when the site has one.
    pub fn bundle_name(&self) -> Option<&str> {
        self.0.bundle.as_deref()
    }

    /// Answers a request for a static file: a hashed address with the file and
    /// [`IMMUTABLE`], a plain one from the site root with [`REVALIDATE`] (`/pkg`, `/kern`)
    /// or [`SHORT`] (favicon, robots.txt). Failures (404) get no cache header here.
    pub async fn serve(self, request: Request) -> Response {
        let path = request.uri().path().to_owned();
        match self.0.served.get(&path) {
            Some(Asset::File {
                path: file,
                precompressed,
            }) => {
                let serve = ServeFile::new(file);
                let serve = if *precompressed {
                    serve.precompressed_br().precompressed_gzip()
                } else {
                    serve
                };
                let Ok(response) = serve.oneshot(request).await;
                with_cache_control(response.map(Body::new), IMMUTABLE)
            }
            Some(Asset::Css(css)) => (
                [
                    (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                    (header::CACHE_CONTROL, IMMUTABLE),
                ],
                css.clone(),
            )
                .into_response(),
            None => {
                let Ok(response) = ServeDir::new(&self.0.site_root).oneshot(request).await;
                let hashed_folder = HASHED_FOLDERS
                    .iter()
                    .any(|folder| path.starts_with(&format!("/{folder}/")));
                let policy = if hashed_folder { REVALIDATE } else { SHORT };
                with_cache_control(response.map(Body::new), policy)
            }
        }
    }
}

impl Asset {
    fn file(path: &Path) -> Asset {
        Asset::File {
            path: path.to_owned(),
            precompressed: precompressed_copies_are_fresh(path),
        }
    }
}

/// Whether `path` has precompressed copies and none is older than it (a file rebuilt
/// without `scripts/build-assets.mjs` keeps stale copies, which must not be sent).
fn precompressed_copies_are_fresh(path: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let Some(original) = modified(path) else {
        return false;
    };
    let copies: Vec<_> = ["br", "gz"]
        .iter()
        .filter_map(|ext| {
            let mut name = path.as_os_str().to_owned();
            name.push(format!(".{ext}"));
            let copy = PathBuf::from(name);
            copy.exists().then(|| modified(&copy))
        })
        .collect();
    !copies.is_empty() && copies.iter().all(|m| m.is_some_and(|m| m >= original))
}

/// Sets `Cache-Control` on a successful answer (2xx, 304) only.
fn with_cache_control(mut response: Response, policy: &'static str) -> Response {
    let status = response.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// Every file under `dir`, as (address under `prefix`, path).
fn collect_files(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let url = format!("{prefix}/{name}");
        if path.is_dir() {
            collect_files(&path, &url, out);
        } else if path.is_file() && !is_precompressed(&name) {
            // (A precompressed copy is served in place of its original, never by itself.)
            out.push((url, path));
        }
    }
}

/// Whether a file is the precompressed copy of another (`x.css.br`, `x.css.gz`), which
/// `scripts/build-assets.mjs` writes beside it (brotli at quality 11, where the on-the-fly
/// compression uses 4).
fn is_precompressed(name: &str) -> bool {
    name.ends_with(".br") || name.ends_with(".gz")
}

/// Names the hydration bundle: one hash over the JS and the wasm, so that Leptos, given
/// the output name `allmende.<hash>`, asks for `allmende.<hash>.js` and
/// `allmende.<hash>.wasm` (or `…_bg.wasm`, depending on how it was compiled; both are
/// served).
fn hash_bundle(
    files: &[(String, PathBuf)],
    output_name: &str,
    names: &mut HashMap<String, String>,
    served: &mut HashMap<String, Asset>,
) -> Option<String> {
    let find = |url: &str| files.iter().find(|(u, _)| u == url).map(|(_, p)| p.clone());
    let js_url = format!("/pkg/{output_name}.js");
    let js = find(&js_url)?;
    let (wasm_url, wasm) = [
        format!("/pkg/{output_name}.wasm"),
        format!("/pkg/{output_name}_bg.wasm"),
    ]
    .into_iter()
    .find_map(|url| find(&url).map(|path| (url, path)))?;
    let (js_bytes, wasm_bytes) = match (std::fs::read(&js), std::fs::read(&wasm)) {
        (Ok(js), Ok(wasm)) => (js, wasm),
        _ => {
            tracing::warn!("the hydration bundle is unreadable; served under its plain name");
            return None;
        }
    };
    let bundle = format!("{output_name}.{}", content_hash(&[&js_bytes, &wasm_bytes]));
    served.insert(format!("/pkg/{bundle}.js"), Asset::file(&js));
    names.insert(js_url, format!("/pkg/{bundle}.js"));
    for suffix in ["", "_bg"] {
        served.insert(format!("/pkg/{bundle}{suffix}.wasm"), Asset::file(&wasm));
    }
    let suffix = if wasm_url.ends_with("_bg.wasm") {
        "_bg"
    } else {
        ""
    };
    names.insert(wasm_url, format!("/pkg/{bundle}{suffix}.wasm"));
    Some(bundle)
}

/// The first 64 bits of the SHA-256 of the parts, in hex.
fn content_hash(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize()[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// `/kern/kern.min.css` with hash `h` → `/kern/kern.min.h.css` (the hash goes before the
/// last extension, so the type stays recognisable).
fn hashed_name(url: &str, hash: &str) -> String {
    let (dir, file) = url.rsplit_once('/').unwrap_or(("", url));
    match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{dir}/{stem}.{hash}.{ext}"),
        _ => format!("{dir}/{file}.{hash}"),
    }
}

/// Rewrites every `url(…)` in a stylesheet at address `css_url` that names one of the
/// files in `names` to that file's hashed address. Other references (`data:`, other
/// origins, unknown files) stay as they are.
pub(crate) fn rewrite_css(css: &str, css_url: &str, names: &HashMap<String, String>) -> String {
    let base = css_url.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(at) = rest.find("url(") {
        let (before, from_url) = rest.split_at(at);
        out.push_str(before);
        let inner = &from_url[4..];
        let Some(close) = inner.find(')') else {
            out.push_str(from_url);
            rest = "";
            break;
        };
        let reference = inner[..close].trim();
        let unquoted = reference
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .or_else(|| {
                reference
                    .strip_prefix('\'')
                    .and_then(|r| r.strip_suffix('\''))
            })
            .unwrap_or(reference);
        let split = unquoted.find(['?', '#']).unwrap_or(unquoted.len());
        let (target, suffix) = unquoted.split_at(split);
        match resolve(base, target).and_then(|path| names.get(&path)) {
            Some(hashed) => out.push_str(&format!("url(\"{hashed}{suffix}\")")),
            None => out.push_str(&from_url[..4 + close + 1]),
        }
        rest = &inner[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The absolute path of a reference in a stylesheet under `base` (`/kern`), or `None`
/// for references elsewhere (`data:`, `https://…`, `//host/…`, `#id`).
fn resolve(base: &str, reference: &str) -> Option<String> {
    if reference.is_empty()
        || reference.starts_with("//")
        || reference.starts_with('#')
        || reference
            .split('/')
            .next()
            .is_some_and(|first| first.contains(':'))
    {
        return None;
    }
    let joined = if reference.starts_with('/') {
        reference.to_owned()
    } else {
        format!("{base}/{reference}")
    };
    let mut segments: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    Some(format!("/{}", segments.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_goes_before_the_last_extension() {
        assert_eq!(
            hashed_name("/kern/kern.min.css", "abc"),
            "/kern/kern.min.abc.css"
        );
        assert_eq!(
            hashed_name("/kern/fonts/FiraSans-Bold.woff2", "abc"),
            "/kern/fonts/FiraSans-Bold.abc.woff2"
        );
        assert_eq!(hashed_name("/kern/LICENSE", "abc"), "/kern/LICENSE.abc");
    }

    #[test]
    fn stylesheets_point_at_the_hashed_names_of_the_files_they_use() {
        let names: HashMap<String, String> = [
            ("/kern/fonts/A.woff2", "/kern/fonts/A.1.woff2"),
            ("/kern/img/b.svg", "/kern/img/b.2.svg"),
            ("/pkg/c.png", "/pkg/c.3.png"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
        let css = r#"@font-face{src:url("fonts/A.woff2") format('woff2')}
a{background:url( 'img/b.svg#icon' )} b{background:url(../pkg/c.png?v=1)}
c{background:url(data:image/png;base64,AAAA)} d{background:url(https://x.example/a.png)}
e{background:url(fonts/unknown.woff2)} f{background:url(/kern/fonts/A.woff2)}"#;
        let rewritten = rewrite_css(css, "/kern/fonts.css", &names);
        assert!(rewritten.contains(r#"url("/kern/fonts/A.1.woff2") format('woff2')"#));
        assert!(rewritten.contains(r#"url("/kern/img/b.2.svg#icon")"#));
        assert!(rewritten.contains(r#"url("/pkg/c.3.png?v=1")"#));
        assert!(rewritten.contains("url(data:image/png;base64,AAAA)"));
        assert!(rewritten.contains("url(https://x.example/a.png)"));
        assert!(rewritten.contains("url(fonts/unknown.woff2)"));
        assert!(rewritten.contains(r#"f{background:url("/kern/fonts/A.1.woff2")}"#));
        assert_eq!(rewrite_css("a{b:url(x", "/kern/a.css", &names), "a{b:url(x");
    }

    #[test]
    fn a_site_is_named_by_content_and_a_changed_font_renames_its_stylesheet() {
        let site = tempfile::tempdir().unwrap();
        let write = |path: &str, content: &str| {
            let path = site.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        };
        write("pkg/allmende.js", "js");
        write("pkg/allmende.wasm", "wasm");
        write("pkg/allmende.css", "body{}");
        write("kern/fonts/A.woff2", "font");
        write("kern/fonts.css", "@font-face{src:url(\"fonts/A.woff2\")}");
        let first = Assets::scan(site.path(), "allmende");
        let bundle = first.bundle_name().unwrap().to_owned();
        assert!(bundle.starts_with("allmende.") && bundle.len() == "allmende.".len() + 16);
        let urls = first.urls();
        assert_eq!(urls.url("/pkg/allmende.js"), format!("/pkg/{bundle}.js"));
        assert_eq!(
            urls.url("/pkg/allmende.wasm"),
            format!("/pkg/{bundle}.wasm")
        );
        let fonts_css = urls.url("/kern/fonts.css");
        assert_ne!(fonts_css, "/kern/fonts.css");

        write("kern/fonts/A.woff2", "another font");
        let second = Assets::scan(site.path(), "allmende");
        assert_ne!(second.urls().url("/kern/fonts.css"), fonts_css);
        assert_eq!(second.bundle_name(), Some(bundle.as_str()));
        assert_eq!(
            second.urls().url("/pkg/allmende.css"),
            urls.url("/pkg/allmende.css")
        );
    }

    #[test]
    fn a_site_not_built_yet_keeps_the_plain_names() {
        let site = tempfile::tempdir().unwrap();
        let assets = Assets::scan(site.path(), "allmende");
        assert_eq!(assets.bundle_name(), None);
        assert_eq!(assets.urls().url("/pkg/allmende.css"), "/pkg/allmende.css");
    }
}
