//! Request protection for every route: the session behind the cookie, refusal of
//! cross-site state-changing requests, the Content-Security-Policy with a fresh nonce per
//! response, and the other security headers.

use std::net::{IpAddr, SocketAddr};

use app::account::Viewer;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::accounts::{Caller, secrets, sessions};
use crate::web::AppState;

/// The CSP nonce of the response being built; the page shell stamps it on inline scripts.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// The Content-Security-Policy: everything from this origin only, scripts only with the
/// response's nonce (and WebAssembly for hydration), no plugins, no framing, forms only to
/// this site.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Whether a request comes from another site: `Sec-Fetch-Site` other than same-origin
/// (or none, typed by the user), or an `Origin` that is not this server. Requests with
/// neither header (command-line clients) are not browsers acting for someone else.
pub fn is_cross_site(headers: &HeaderMap, public_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin") | Ok("none"));
    }
    let public_origin = origin_of(public_url);
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    // Every Origin header must be this site (a second, foreign one does not hide behind ours).
    headers.get_all(header::ORIGIN).iter().any(|origin| {
        let Ok(origin) = origin.to_str() else {
            return true;
        };
        if origin == "null" {
            return true;
        }
        let same_host = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            == Some(host);
        !(same_host || Some(origin) == public_origin)
    })
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")? + 3;
    let end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    Some(&url[..end])
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Static files need neither session nor nonce.
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/kern/")
        || path == "/favicon.ico"
        || path == "/robots.txt"
}

/// An IP address range in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`); a plain address
/// is a range of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

/// Why a trusted-proxy entry could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("keine IP-Adresse oder CIDR-Bereich / not an IP address or CIDR range: {0:?}")]
pub struct InvalidIpRange(String);

impl std::str::FromStr for IpRange {
    type Err = InvalidIpRange;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidIpRange(text.to_owned());
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network = address
            .parse::<IpAddr>()
            .map_err(|_| invalid())?
            .to_canonical();
        let longest = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= longest)
                .ok_or_else(invalid)?,
            None => longest,
        };
        Ok(IpRange { network, prefix })
    }
}

impl IpRange {
    /// Whether `ip` lies in this range (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let masked = |bits: u128, width: u32| {
            let host_bits = width - u32::from(self.prefix);
            if host_bits >= 128 {
                0
            } else {
                bits >> host_bits
            }
        };
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u32::from(net).into(), 32) == masked(u32::from(ip).into(), 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), 128) == masked(u128::from(ip), 128)
            }
            _ => false,
        }
    }
}

/// The reverse proxies in front of Allmende (`ALLMENDE_TRUSTED_PROXIES`). Only a request
/// whose peer is one of them has its `X-Forwarded-For` read; otherwise the header is
/// ignored, because anyone can send it.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpRange>);

impl TrustedProxies {
    /// Trusts the given ranges (none: X-Forwarded-For is never read).
    pub fn new(ranges: Vec<IpRange>) -> Self {
        TrustedProxies(ranges)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(ip))
    }

    /// The client behind `peer`: the peer itself unless it is a trusted proxy; then the
    /// rightmost `X-Forwarded-For` hop that is not a trusted proxy (hops further left were
    /// written by the client and prove nothing). An unreadable hop ends the walk at the
    /// last trusted one.
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .flat_map(|value| value.to_str().unwrap_or("").split(','))
            .collect();
        for hop in forwarded.into_iter().rev() {
            let hop = hop.trim();
            let parsed = hop
                .parse::<IpAddr>()
                .ok()
                .or_else(|| hop.parse::<SocketAddr>().ok().map(|addr| addr.ip()));
            let Some(hop) = parsed.map(|ip| ip.to_canonical()) else {
                break;
            };
            client = hop;
            if !self.trusts(hop) {
                break;
            }
        }
        client
    }
}

/// The client address of a request, resolved once by [`protect`] through the trusted proxies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Who sent the request (IP address, browser), for rate limits and the audit log. The
/// address is the one [`protect`] resolved, else the TCP peer's.
pub fn caller_of(parts: &axum::http::request::Parts) -> Caller {
    let ip = parts
        .extensions
        .get::<ClientAddr>()
        .map(|ClientAddr(ip)| *ip)
        .or_else(|| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_canonical())
        });
    Caller {
        ip: ip.map(|ip| ip.to_string()),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned(),
    }
}

/// Middleware: refuses cross-site writes, resolves the session, sets security headers.
pub async fn protect(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    {
        let client = state
            .accounts
            .trusted_proxies()
            .client_address(peer.ip(), request.headers());
        request.extensions_mut().insert(ClientAddr(client));
    }
    let secure = state.site.public_url.starts_with("https://");
    if !is_safe(request.method()) && is_cross_site(request.headers(), &state.site.public_url) {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Anfrage von einer fremden Website abgelehnt. / Cross-site request refused.",
        )
            .into_response();
    }
    let path = request.uri().path().to_owned();
    let nonce = secrets::new_secret("")[..22].to_owned();
    let mut stale_cookie = false;
    let mut logged_in = false;
    if !is_static(&path) {
        request.extensions_mut().insert(CspNonce(nonce.clone()));
        let cookie_id = request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|h| sessions::id_from_cookie_header(h, secure))
            .map(str::to_owned);
        if let Some(id) = cookie_id {
            match sessions::lookup(state.accounts.pool(), &id).await {
                Ok(Some(active)) => match state.accounts.viewer(active.user_id).await {
                    Ok(Some(viewer)) => {
                        logged_in = true;
                        request.extensions_mut().insert::<Viewer>(viewer);
                        request.extensions_mut().insert(active);
                    }
                    Ok(None) => stale_cookie = true,
                    Err(err) => tracing::error!(error = %err, "loading the logged-in user failed"),
                },
                Ok(None) => stale_cookie = true,
                Err(err) => tracing::error!(error = %err, "reading the session failed"),
            }
        }
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if stale_cookie && !headers.contains_key(header::SET_COOKIE) {
        if let Ok(value) = HeaderValue::from_str(&sessions::clear_cookie(secure)) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    if logged_in || headers.contains_key(header::SET_COOKIE) {
        // Personal pages must not land in shared caches.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !is_static(&path) {
        if let Ok(csp) = HeaderValue::from_str(&content_security_policy(&nonce)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if secure {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_same_origin_requests_pass() {
        let public = "https://allmende.example/";
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            public
        ));
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "none")]),
            public
        ));
        assert!(
            is_cross_site(&headers(&[("sec-fetch-site", "same-site")]), public),
            "another port is another origin"
        );
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            public
        ));
        assert!(!is_cross_site(
            &headers(&[("origin", "https://allmende.example")]),
            public
        ));
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            public
        ));
        assert!(is_cross_site(
            &headers(&[
                ("origin", "http://127.0.0.1:4000"),
                ("host", "127.0.0.1:3000")
            ]),
            public
        ));
        assert!(is_cross_site(&headers(&[("origin", "null")]), public));
        assert!(
            !is_cross_site(&headers(&[]), public),
            "command-line clients send neither header"
        );
    }

    #[test]
    fn ranges_hold_their_addresses_only() {
        let range: IpRange = "10.0.0.0/8".parse().unwrap();
        assert!(range.contains("10.200.1.2".parse().unwrap()));
        assert!(
            range.contains("::ffff:10.0.0.1".parse().unwrap()),
            "IPv4-mapped IPv6 is IPv4"
        );
        assert!(!range.contains("11.0.0.1".parse().unwrap()));
        let one: IpRange = " 192.0.2.7 ".parse().unwrap();
        assert!(
            one.contains("192.0.2.7".parse().unwrap())
                && !one.contains("192.0.2.8".parse().unwrap())
        );
        let v6: IpRange = "2001:db8::/32".parse().unwrap();
        assert!(
            v6.contains("2001:db8:1::5".parse().unwrap())
                && !v6.contains("2001:db9::1".parse().unwrap())
        );
        assert!(
            "0.0.0.0/0"
                .parse::<IpRange>()
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert!("10.0.0.0/33".parse::<IpRange>().is_err());
        assert!("proxy.local".parse::<IpRange>().is_err());
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy_and_from_the_right() {
        let proxies = TrustedProxies::new(vec!["10.0.0.0/8".parse().unwrap()]);
        let forwarded = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.0.0.3")]);
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(
            proxies.client_address(ip("10.0.0.2"), &forwarded),
            ip("203.0.113.9"),
            "rightmost untrusted hop"
        );
        assert_eq!(
            proxies.client_address(ip("198.51.100.4"), &forwarded),
            ip("198.51.100.4"),
            "untrusted peer"
        );
        assert_eq!(
            TrustedProxies::default().client_address(ip("10.0.0.2"), &forwarded),
            ip("10.0.0.2"),
            "none trusted"
        );
        let garbage = headers(&[("x-forwarded-for", "203.0.113.9, unbekannt")]);
        assert_eq!(
            proxies.client_address(ip("10.0.0.2"), &garbage),
            ip("10.0.0.2")
        );
        assert_eq!(
            proxies.client_address(ip("10.0.0.2"), &headers(&[])),
            ip("10.0.0.2")
        );
        let with_port = headers(&[("x-forwarded-for", "[2001:db8::1]:4711")]);
        assert_eq!(
            proxies.client_address(ip("10.0.0.2"), &with_port),
            ip("2001:db8::1")
        );
    }

    #[test]
    fn the_policy_allows_only_this_origin_and_the_nonce() {
        let csp = content_security_policy("abc");
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }
}
