//! The reverse proxies an operator puts in front of Allmende (`ALLMENDE_TRUSTED_PROXIES`)
//! and how the client address is read through them.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
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
}
