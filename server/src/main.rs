#![recursion_limit = "512"]
//! `allmende`: run the catalogue (`serve`, the default), apply migrations (`migrate`), load
//! the demo catalogue (`seed-demo`), back it up and restore it (`backup`, `restore`), …

use allmende_server::cli::{admin, backup};
use allmende_server::config::Config;
use allmende_server::db::replicas::ReadPools;
use allmende_server::http::{self, AppState};
use allmende_server::search::{self, SearchIndex};
use allmende_server::{Database, catalogue, demo, replica_catalogue};
use anyhow::Context as _;
use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's allocator: rendering a page and running a search allocate
/// and free many small objects, and under load glibc spent a fifth of the time there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Allmende – Open-Source-Katalog der öffentlichen Verwaltung.
#[derive(Parser)]
#[command(name = "allmende", version, about)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (default). Migrates the database first.
    Serve {
        /// Start with an empty catalogue (same as ALLMENDE_DEMO=off).
        #[arg(long)]
        no_demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo catalogue into an empty database and exit.
    SeedDemo,
    /// Rebuild the search index from the database. Beside a running server, that server
    /// rebuilds its index without interruption and this command waits for it.
    Reindex,
    /// Import publiccode.yml files (or folders of them) for an organisation. An existing
    /// solution with the same repository URL gets a new revision. Exits with status 1 when a
    /// file was rejected.
    Import {
        /// Slug of the organisation the solutions belong to.
        #[arg(long)]
        org: String,
        /// Create the organisation with this name if it does not exist yet.
        #[arg(long, value_name = "NAME")]
        create_org: Option<String>,
        /// Kind of a created organisation (gemeinde, stadt, landkreis, …); guessed from the name.
        #[arg(long)]
        kind: Option<String>,
        /// Files or folders (searched for *.yml and *.yaml).
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
    },
    /// Write a consistent backup of the whole catalogue (a pg_dump archive) to FILE. Safe
    /// beside a running server.
    Backup {
        /// The backup file to write (refused if it exists, unless --force).
        file: std::path::PathBuf,
        /// Overwrite an existing FILE.
        #[arg(long)]
        force: bool,
    },
    /// Restore a backup made by `allmende backup` into an empty database (with no server
    /// running on it), apply newer migrations and rebuild the search index.
    Restore {
        /// The backup file.
        file: std::path::PathBuf,
    },
    /// Set-up for operators: accounts, organisations, members, API tokens.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&cli.config.log)
                .unwrap_or_else(|_| "info".into()),
        )
        .init();
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve { no_demo: false }) {
        Command::Serve { no_demo } => serve(config, no_demo).await,
        Command::Migrate => {
            let db = Database::open(&config).await?;
            let result = db.migrate().await;
            db.close().await?;
            result?;
            println!("Datenbank ist auf dem neuesten Stand. / Database is up to date.");
            Ok(())
        }
        Command::Admin(command) => {
            let db = Database::open(&config).await?;
            let result = async {
                db.migrate().await?;
                println!("{}", admin::run(command, &db.pool).await?);
                anyhow::Ok(())
            }
            .await;
            db.close().await?;
            result
        }
        Command::Import {
            org,
            create_org,
            kind,
            paths,
        } => {
            let db = Database::open(&config).await?;
            let args = allmende_server::cli::import::ImportArgs {
                org,
                create_org,
                kind,
                paths,
                progress: true,
            };
            let result = async {
                db.migrate().await?;
                allmende_server::cli::import::run(&db.pool, args).await
            }
            .await;
            db.close().await?;
            let summary = result?;
            println!("{summary}");
            if !summary.rejected.is_empty() {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Backup { file, force } => {
            println!("{}", backup::backup(&config, &file, force).await?);
            Ok(())
        }
        Command::Restore { file } => {
            let bar = index_progress_bar();
            let progress = |done: u64, total: u64| {
                bar.set_length(total);
                bar.set_position(done);
            };
            let summary = backup::restore(&config, &file, &progress).await;
            bar.finish_and_clear();
            println!("{}", summary?);
            Ok(())
        }
        Command::Reindex => {
            let db = Database::open(&config).await?;
            let result = reindex(&config, &db).await;
            db.close().await?;
            result
        }
        Command::SeedDemo => {
            let db = Database::open(&config).await?;
            let result = async {
                db.migrate().await?;
                if demo::is_loaded(&db.pool).await? {
                    println!("Der Demo-Katalog ist bereits geladen. / The demo catalogue is already loaded.");
                    return Ok(());
                }
                let summary = demo::load(&db.pool).await.context("loading the demo catalogue")?;
                println!(
                    "Demo-Katalog geladen: {} Organisationen, {} Lösungen, {} Datenmodelle, {} Nutzungen.",
                    summary.organisations, summary.solutions, summary.data_models, summary.adoptions
                );
                anyhow::Ok(())
            }
            .await;
            db.close().await?;
            result
        }
    }
}

/// A progress bar on stderr for building the search index.
fn index_progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "Suchindex {bar:40} {pos}/{len} Einträge ({per_sec}, noch {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// Builds a fresh generation of the index and swaps it in; beside a running server (which
/// owns the index directory) asks that server to do it without interruption, and waits.
async fn reindex(config: &Config, db: &Database) -> anyhow::Result<()> {
    db.migrate().await.context("migrating the database")?;
    let bar = index_progress_bar();
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let index = match SearchIndex::open_with(
        &config.index_dir(),
        &db.pool,
        search::Build::Never,
        &progress,
    )
    .await
    {
        Ok(index) => index,
        Err(search::SearchError::Locked(_)) => {
            bar.finish_and_clear();
            return reindex_by_server(&db.pool).await;
        }
        Err(err) => return Err(err.into()),
    };
    let stats = index.rebuild(&db.pool, &progress).await?;
    bar.finish_and_clear();
    println!(
        "Suchindex neu aufgebaut: {} Einträge in {:.1} s, {:.1} MiB in {}",
        stats.documents,
        stats.elapsed.as_secs_f64(),
        index.size_bytes() as f64 / 1024.0 / 1024.0,
        index.dir().display()
    );
    Ok(())
}

/// The longest `allmende reindex` waits for a running server to finish a requested rebuild.
const REINDEX_PATIENCE: std::time::Duration = std::time::Duration::from_secs(30 * 60);

async fn reindex_by_server(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    let request = search::request_rebuild(pool).await?;
    println!(
        "Ein laufender Server benutzt den Suchindex; er baut ihn jetzt neu auf und sucht währenddessen im bisherigen. \
         / A running server owns the search index; it rebuilds it now and keeps searching the old one meanwhile."
    );
    let started = std::time::Instant::now();
    while started.elapsed() < REINDEX_PATIENCE {
        if search::rebuild_done(pool, &request).await? {
            println!("Suchindex neu aufgebaut. / Search index rebuilt.");
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    anyhow::bail!(
        "Der Server hat den Neuaufbau nicht innerhalb von 30 Minuten gemeldet; siehe sein Protokoll und /readyz. \
         / The server did not report the rebuild within 30 minutes; see its log and /readyz."
    )
}

async fn serve(config: Config, no_demo: bool) -> anyhow::Result<()> {
    let db = Database::open_for_serving(&config).await?;
    let result = run_server(&config, &db, no_demo).await;
    if let Err(err) = db.close().await {
        tracing::warn!(error = %err, "stopping the database failed");
    }
    result
}

async fn run_server(config: &Config, db: &Database, no_demo: bool) -> anyhow::Result<()> {
    db.migrate().await.context("migrating the database")?;
    if config.wants_demo()
        && !no_demo
        && let Some(summary) = demo::load_if_fresh(&db.pool)
            .await
            .context("loading the demo catalogue")?
    {
        tracing::info!(?summary, "demo catalogue loaded");
    }
    let demo_loaded = demo::is_loaded(&db.pool).await?;
    // An index that must be built is built in the background: pages answer meanwhile, and
    // searches say that the index is being built (503) until it is there.
    let search = SearchIndex::open_with(
        &config.index_dir(),
        &db.pool,
        search::Build::InBackground,
        &|_, _| {},
    )
    .await
    .context("opening the search index")?;
    let (stop_follower, follower_stopped) = tokio::sync::oneshot::channel::<()>();
    let follower = {
        let search = search.clone();
        let pool = db.pool.clone();
        tokio::spawn(async move {
            search
                .follow(pool, async {
                    let _ = follower_stopped.await;
                })
                .await;
        })
    };
    let read_pools = open_read_pools(config, db)?;
    // Each replica is checked in its own task (freshness, reachability); aborted at the end.
    let replica_checks = read_pools.watch();
    let payload_checks = allmende_server::services::payload_check::PayloadChecks::new();
    let state = AppState {
        leptos_options: http::leptos_options(&config.site_root, config.addr),
        catalogue: catalogue(db.pool.clone(), search.clone()),
        public_catalogue: replica_catalogue(read_pools.clone(), search.clone()),
        read_pools: read_pools.clone(),
        search: Some(search),
        site: config.site_config(demo_loaded),
        accounts: allmende_server::accounts::Accounts::new(db.pool.clone())
            .with_trusted_proxies(config.trusted_proxies()),
        entries: allmende_server::services::entries::Entries::new(db.pool.clone())
            .with_checks(payload_checks.clone())
            .with_replicas(read_pools.clone()),
        payload_checks,
        metrics: http::metrics::Metrics::new(config.metrics_token.as_deref()),
    };
    // Expired sessions and idempotency keys older than 48 h are removed every ten minutes
    // (expired sessions are refused anyway when read).
    let sweeper = {
        let pool = db.pool.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
            loop {
                every.tick().await;
                if let Err(err) = allmende_server::accounts::sessions::sweep(&pool).await {
                    tracing::warn!(error = %err, "removing expired sessions failed");
                }
                let keys = allmende_server::services::idempotency::Idempotency::new(pool.clone());
                if let Err(err) = keys.sweep().await {
                    tracing::warn!(error = %err, "removing old idempotency keys failed");
                }
            }
        })
    };
    if !config.site_root.join("pkg").is_dir() {
        tracing::warn!(site_root = %config.site_root.display(), "no built site found; run `cargo leptos build` (scripts/run.sh does)");
    }
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| {
            format!(
                "Adresse {} ist nicht verfügbar / cannot listen on {}",
                config.addr, config.addr
            )
        })?;
    if let Some(embedded) = &db.embedded {
        println!(
            "Eigene Datenbank / private database: {}",
            embedded.cluster_dir().display()
        );
    }
    if config.addr.ip().is_unspecified() && config.public_url.is_none() {
        tracing::warn!(
            "ALLMENDE_ADDR listens on all interfaces; set ALLMENDE_PUBLIC_URL so canonical links use the public address"
        );
    }
    println!("Allmende läuft auf / is running at {}", config.public_url());
    http::serve(listener, http::router(state), shutdown_signal()).await;
    tracing::info!("shutting down");
    sweeper.abort();
    for check in replica_checks {
        check.abort();
    }
    read_pools.close().await;
    let _ = stop_follower.send(());
    // The outbox cursor makes a cut-short index commit harmless: the next start re-applies.
    if tokio::time::timeout(std::time::Duration::from_secs(2), follower)
        .await
        .is_err()
    {
        tracing::warn!("the search index follower did not stop within 2 s; exiting anyway");
    }
    Ok(())
}

/// The primary and the streaming replicas of `DATABASE_REPLICA_URL` for anonymous reads.
/// Replicas need `DATABASE_URL`: the private cluster listens on no network port.
fn open_read_pools(config: &Config, db: &Database) -> anyhow::Result<ReadPools> {
    let urls = config.replica_urls();
    if !urls.is_empty() && db.embedded.is_some() {
        anyhow::bail!(
            "DATABASE_REPLICA_URL braucht DATABASE_URL: Replikate gehören zu einer PostgreSQL-Datenbank im Netz, nicht zur eigenen. \
             / DATABASE_REPLICA_URL needs DATABASE_URL: replicas follow a networked PostgreSQL, not the private one."
        );
    }
    let pools = ReadPools::connect(db.pool.clone(), &urls, config.replica_max_lag)?;
    if pools.has_replicas() {
        tracing::info!(
            replicas = urls.len(),
            max_lag = %config.replica_max_lag,
            "anonymous reads may go to streaming replicas"
        );
    }
    Ok(pools)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
