//! Configuration from command-line flags and environment variables, with documented
//! defaults. Every setting can be given either way (flags win).

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use app::site::{Operator, SiteConfig};
use clap::{Args, ValueEnum};

use crate::proxies::{IpRange, TrustedProxies};

/// Whether the demo catalogue is loaded into an empty database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DemoMode {
    /// Load it when Allmende runs its own embedded PostgreSQL, not with `DATABASE_URL`.
    Auto,
    /// Always load it once into an empty catalogue.
    On,
    /// Never load it.
    Off,
}

/// How stale a replica may be and still serve reads (`ALLMENDE_REPLICA_MAX_LAG`): written
/// `1s`, `500ms`, `2.5s` or a plain number of seconds; between 10 ms and one hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxLag(Duration);

impl MaxLag {
    /// One second.
    pub const DEFAULT: MaxLag = MaxLag(Duration::from_secs(1));

    /// The bound as a duration.
    pub fn duration(self) -> Duration {
        self.0
    }
}

impl Default for MaxLag {
    fn default() -> Self {
        MaxLag::DEFAULT
    }
}

/// A staleness bound that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "„{0}“ ist keine Zeitspanne zwischen 10ms und 3600s (z. B. 1s, 500ms) / \
     „{0}“ is no duration between 10ms and 3600s (e.g. 1s, 500ms)"
)]
pub struct MaxLagError(String);

impl FromStr for MaxLag {
    type Err = MaxLagError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wrong = || MaxLagError(text.to_owned());
        let trimmed = text.trim();
        let (number, scale) = if let Some(ms) = trimmed.strip_suffix("ms") {
            (ms, 0.001)
        } else if let Some(s) = trimmed.strip_suffix('s') {
            (s, 1.0)
        } else {
            (trimmed, 1.0)
        };
        let value: f64 = number.trim().parse().map_err(|_| wrong())?;
        let seconds = value * scale;
        if !seconds.is_finite() || !(0.01..=3600.0).contains(&seconds) {
            return Err(wrong());
        }
        Ok(MaxLag(Duration::from_secs_f64(seconds)))
    }
}

impl fmt::Display for MaxLag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.subsec_millis() == 0 {
            write!(f, "{}s", self.0.as_secs())
        } else {
            write!(f, "{}ms", self.0.as_millis())
        }
    }
}

/// Settings shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// PostgreSQL connection URL. Without it, Allmende runs its own PostgreSQL cluster in
    /// the data directory (Unix socket only, no TCP port).
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// PostgreSQL streaming replicas (hot standbys of `DATABASE_URL`) for anonymous reads:
    /// one or more URLs, comma-separated. Writes, sign-ins, anything a signed-in person or
    /// an API token reads, and the search index's outbox stay on the primary.
    #[arg(
        long,
        env = "DATABASE_REPLICA_URL",
        value_delimiter = ',',
        global = true,
        hide_env_values = true
    )]
    pub database_replica_url: Vec<String>,

    /// How stale a replica may be and still serve reads (e.g. `1s`, `500ms`): it must have
    /// replayed everything the primary had written that long ago, else reads go to the
    /// primary until it catches up.
    #[arg(
        long,
        env = "ALLMENDE_REPLICA_MAX_LAG",
        default_value = "1s",
        global = true
    )]
    pub replica_max_lag: MaxLag,

    /// Directory for Allmende's own data: the embedded PostgreSQL cluster and the search
    /// index. A running server keeps `serve.lock` in it locked: one server per directory.
    #[arg(long, env = "ALLMENDE_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Directory of this server's search index (default: `search-index` in the data
    /// directory). Several servers on one database each need their own.
    #[arg(long, env = "ALLMENDE_INDEX_DIR", global = true)]
    pub index_dir: Option<PathBuf>,

    /// Directory with PostgreSQL's programs (initdb, pg_ctl, postgres). Default: the newest
    /// under /usr/lib/postgresql/*/bin, else the PATH.
    #[arg(long, env = "ALLMENDE_PG_BIN", global = true)]
    pub pg_bin: Option<PathBuf>,

    /// Address the web server listens on.
    #[arg(
        long,
        env = "ALLMENDE_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,

    /// Public base URL for canonical links and feeds (default: http://ALLMENDE_ADDR).
    #[arg(long, env = "ALLMENDE_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// The built site (wasm, JavaScript, CSS, KERN assets) as produced by cargo-leptos.
    #[arg(
        long,
        env = "ALLMENDE_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,

    /// Demo catalogue: auto (only with the embedded database), on, off.
    #[arg(
        long,
        env = "ALLMENDE_DEMO",
        value_enum,
        default_value = "auto",
        global = true
    )]
    pub demo: DemoMode,

    /// Log filter, e.g. `info`, `debug`, `allmende=debug,sqlx=warn`.
    #[arg(long, env = "ALLMENDE_LOG", default_value = "info", global = true)]
    pub log: String,

    /// Reverse proxies in front of Allmende: IP addresses or CIDR ranges, comma-separated
    /// (e.g. `127.0.0.1,10.0.0.0/8`). Only for requests from these is `X-Forwarded-For`
    /// read (its rightmost address that is not one of them is the client); without this,
    /// the TCP peer is the client. Rate limits and the audit log use that address.
    #[arg(
        long,
        env = "ALLMENDE_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<IpRange>,

    /// Bearer token for `/metrics` from other hosts (Prometheus: `authorization:
    /// credentials`). Without it, only clients on this host (loopback) may read the metrics.
    #[arg(
        long,
        env = "ALLMENDE_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,

    /// Operator name for the Impressum (e.g. "Stadt Musterhausen, Amt für Digitalisierung").
    #[arg(long, env = "ALLMENDE_OPERATOR_NAME", global = true)]
    pub operator_name: Option<String>,

    /// Operator postal address for the Impressum; lines separated by ";".
    #[arg(long, env = "ALLMENDE_OPERATOR_ADDRESS", global = true)]
    pub operator_address: Option<String>,

    /// Person legally representing the operator.
    #[arg(long, env = "ALLMENDE_OPERATOR_REPRESENTATIVE", global = true)]
    pub operator_representative: Option<String>,

    /// Operator contact e-mail for the Impressum and accessibility feedback.
    #[arg(long, env = "ALLMENDE_OPERATOR_EMAIL", global = true)]
    pub operator_email: Option<String>,

    /// Operator telephone number.
    #[arg(long, env = "ALLMENDE_OPERATOR_PHONE", global = true)]
    pub operator_phone: Option<String>,
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

impl Config {
    /// Where this server's search index lives.
    pub fn index_dir(&self) -> PathBuf {
        self.index_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("search-index"))
    }

    /// The base URL without trailing slash.
    pub fn public_url(&self) -> String {
        non_empty(&self.public_url)
            .map(|url| url.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("http://{}", self.addr))
    }

    /// Whether the demo catalogue should be loaded into an empty database.
    pub fn wants_demo(&self) -> bool {
        match self.demo {
            DemoMode::Auto => non_empty(&self.database_url).is_none(),
            DemoMode::On => true,
            DemoMode::Off => false,
        }
    }

    /// The replica URLs given (blank ones left out).
    pub fn replica_urls(&self) -> Vec<String> {
        self.database_replica_url
            .iter()
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .collect()
    }

    /// The proxies whose `X-Forwarded-For` is believed.
    pub fn trusted_proxies(&self) -> TrustedProxies {
        TrustedProxies::new(self.trusted_proxies.clone())
    }

    /// The operator details for the legal pages.
    pub fn operator(&self) -> Operator {
        Operator {
            name: non_empty(&self.operator_name),
            address: non_empty(&self.operator_address),
            representative: non_empty(&self.operator_representative),
            email: non_empty(&self.operator_email),
            phone: non_empty(&self.operator_phone),
        }
    }

    /// What pages need to know about the site.
    pub fn site_config(&self, demo_loaded: bool) -> SiteConfig {
        SiteConfig {
            public_url: self.public_url(),
            operator: self.operator(),
            demo: demo_loaded,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: super::Config,
    }

    #[test]
    fn the_staleness_bound_reads_seconds_and_milliseconds() {
        assert_eq!(
            "1s".parse(),
            Ok(super::MaxLag(std::time::Duration::from_secs(1)))
        );
        assert_eq!(
            "500ms".parse(),
            Ok(super::MaxLag(std::time::Duration::from_millis(500)))
        );
        assert_eq!(
            " 2.5s ".parse(),
            Ok(super::MaxLag(std::time::Duration::from_millis(2500)))
        );
        assert_eq!(
            "3".parse(),
            Ok(super::MaxLag(std::time::Duration::from_secs(3)))
        );
        for wrong in ["", "0", "5ms", "-1s", "2h", "eins", "NaNs", "7200"] {
            assert!(wrong.parse::<super::MaxLag>().is_err(), "{wrong:?}");
        }
        assert_eq!(super::MaxLag::DEFAULT.to_string(), "1s");
        assert_eq!(
            super::MaxLag(std::time::Duration::from_millis(250)).to_string(),
            "250ms"
        );
    }

    #[test]
    fn trusted_proxies_are_a_comma_separated_list_of_addresses_and_ranges() {
        let cli = Cli::parse_from(["allmende", "--trusted-proxies", "127.0.0.1, 10.0.0.0/8"]);
        assert_eq!(cli.config.trusted_proxies.len(), 2);
        assert!(
            Cli::parse_from(["allmende"])
                .config
                .trusted_proxies
                .is_empty(),
            "none by default"
        );
        assert!(Cli::try_parse_from(["allmende", "--trusted-proxies", "proxy.local"]).is_err());
    }

    #[test]
    fn replicas_are_a_comma_separated_list_and_the_staleness_bound_defaults_to_one_second() {
        let cli = Cli::parse_from([
            "allmende",
            "--database-replica-url",
            "postgres://a@db2/k, postgres://a@db3/k",
            "--replica-max-lag",
            "250ms",
        ]);
        assert_eq!(
            cli.config.replica_urls(),
            ["postgres://a@db2/k", "postgres://a@db3/k"]
        );
        assert_eq!(
            cli.config.replica_max_lag.duration(),
            std::time::Duration::from_millis(250)
        );
        let plain = Cli::parse_from(["allmende"]).config;
        assert!(plain.replica_urls().is_empty());
        assert_eq!(plain.replica_max_lag, super::MaxLag::DEFAULT);
        assert!(Cli::try_parse_from(["allmende", "--replica-max-lag", "bald"]).is_err());
    }
}
