//! The server under test, in this process: the product's router and server loop
//! (`http::router`, `http::serve`) on a loopback port, with the search index and its outbox
//! follower as `allmende serve` runs them, and a count of requests in flight, so that a
//! measurement starts only when the previous load has drained.
//!
//! In-process rather than the `allmende` binary as a child: `cargo bench` builds one
//! binary, the search index is built once and shared by the engine measurements and the
//! server, and the server's memory is still measured on its own (see `memory.rs`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use allmende_server::http::{self, AppState};
use allmende_server::search::SearchIndex;
use app::site::{Operator, SiteConfig};
use sqlx::PgPool;

/// The running server.
pub struct Server {
    pub addr: SocketAddr,
    in_flight: Arc<AtomicUsize>,
    stop_server: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<()>,
    stop_follower: tokio::sync::oneshot::Sender<()>,
    follower: tokio::task::JoinHandle<()>,
}

/// Where the built site (`/pkg`, `/kern`) is, if it was built: `ALLMENDE_SITE_ROOT`, else
/// `site` in `CARGO_TARGET_DIR` or the workspace's `target`. Pages render without it; only
/// the static files are missing.
fn site_root() -> std::path::PathBuf {
    if let Some(root) = std::env::var_os("ALLMENDE_SITE_ROOT") {
        return root.into();
    }
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(target) => std::path::PathBuf::from(target).join("site"),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/site"),
    }
}

/// The application state as `allmende serve` builds it (`server/src/main.rs`), for the
/// benchmark's database and index. The one place that names `AppState`'s fields: when they
/// change, only this function follows.
fn app_state(pool: &PgPool, index: &SearchIndex, addr: SocketAddr) -> AppState {
    let payload_checks = allmende_server::services::payload_check::PayloadChecks::new();
    AppState {
        leptos_options: http::leptos_options(&site_root(), addr),
        catalogue: allmende_server::catalogue(pool.clone(), index.clone()),
        public_catalogue: allmende_server::catalogue(pool.clone(), index.clone()),
        read_pools: allmende_server::db::replicas::ReadPools::primary_only(pool.clone()),
        search: Some(index.clone()),
        site: SiteConfig {
            public_url: format!("http://{addr}"),
            operator: Operator::default(),
            demo: false,
        },
        accounts: allmende_server::accounts::Accounts::new(pool.clone()),
        entries: allmende_server::services::entries::Entries::new(pool.clone())
            .with_checks(payload_checks.clone()),
        payload_checks,
        metrics: Default::default(),
    }
}

/// Counts a request in flight until it is answered or dropped.
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn enter(count: &Arc<AtomicUsize>) -> InFlight {
        count.fetch_add(1, Ordering::SeqCst);
        InFlight(count.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Server {
    /// Starts the server and the outbox follower.
    pub async fn start(pool: &PgPool, index: &SearchIndex) -> anyhow::Result<Server> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let in_flight = Arc::new(AtomicUsize::new(0));
        let counter = in_flight.clone();
        let router = http::router(app_state(pool, index, addr)).layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let guard = InFlight::enter(&counter);
                async move {
                    let response = next.run(request).await;
                    drop(guard);
                    response
                }
            },
        ));
        let (stop_server, server_stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(http::serve(listener, router, async {
            let _ = server_stopped.await;
        }));
        let (stop_follower, follower_stopped) = tokio::sync::oneshot::channel::<()>();
        let follower = {
            let (index, pool) = (index.clone(), pool.clone());
            tokio::spawn(async move {
                index
                    .follow(pool, async {
                        let _ = follower_stopped.await;
                    })
                    .await;
            })
        };
        Ok(Server {
            addr,
            in_flight,
            stop_server,
            server,
            stop_follower,
            follower,
        })
    }

    /// Waits until no request is in flight and PostgreSQL runs no client query (a request
    /// that wrk gave up on may still be working) — at most `patience`.
    pub async fn wait_until_idle(&self, pool: &PgPool, patience: Duration) {
        let started = Instant::now();
        while started.elapsed() < patience {
            if self.in_flight.load(Ordering::SeqCst) == 0 {
                let busy: i64 = sqlx::query_scalar(
                    "select count(*) from pg_stat_activity
                     where state = 'active' and backend_type = 'client backend' and pid <> pg_backend_pid()",
                )
                .fetch_one(pool)
                .await
                .unwrap_or(0);
                if busy == 0 {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        eprintln!("  (still busy after {} s; going on)", patience.as_secs());
    }

    /// Stops the server and the follower.
    pub async fn stop(self) {
        let _ = self.stop_server.send(());
        let _ = self.stop_follower.send(());
        let _ = tokio::time::timeout(Duration::from_secs(10), self.server).await;
        let _ = tokio::time::timeout(Duration::from_secs(10), self.follower).await;
    }
}
