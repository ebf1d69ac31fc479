//! Configuration from command-line flags and environment variables, with documented
//! defaults. Every setting can be given either way (flags win).

use std::net::SocketAddr;
use std::path::PathBuf;

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

/// Settings shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// PostgreSQL connection URL. Without it, Allmende runs its own PostgreSQL cluster in
    /// the data directory (Unix socket only, no TCP port).
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

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
}
