//! `GET /metrics` in the OpenMetrics text format (which Prometheus reads), and the
//! middleware that counts and times every request.
//!
//! Two kinds of metric:
//! - recorded as requests pass ([`record`]): requests by method, route template and status,
//!   and their latency as a histogram, kept in the [`Metrics`] registry of the state;
//! - read from the state on every scrape ([`scraped`]): the database pool, the search index
//!   and its outbox lag, the process. A further value the search index keeps is one line
//!   there (`gauge(…)` or `counter(…)`), nothing else.
//!
//! Access: the numbers tell how busy the site is and where it fails, so `/metrics` is not
//! for everyone. A client on the same host (loopback, no forwarding header, so not a
//! request a reverse proxy on the host passed on) may read it without anything; others need
//! `Authorization: Bearer <ALLMENDE_METRICS_TOKEN>`. Without a token configured, only the
//! host itself can read it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant, SystemTime};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::text::{encode_eof, encode_registry};
use prometheus_client::encoding::{EncodeCounterValue, EncodeGaugeValue, EncodeLabelSet};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;
use sha2::{Digest, Sha256};

use crate::db::replicas::ReadPools;
use crate::http::state::AppState;

/// Prefix of every metric name.
pub const PREFIX: &str = "allmende";
/// Upper bounds (seconds) of the request latency histogram: 5 ms … 10 s.
pub const LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// How long the outbox lag query may take before a scrape goes on without it.
pub const LAG_PROBE: Duration = Duration::from_millis(1000);
/// The `route` label of a request that matched no route (the 404 page, unknown files).
pub const UNMATCHED: &str = "unmatched";
/// The content type of the answer (OpenMetrics text, as prometheus-client writes it).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Labels of the request counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

/// Labels of the latency histogram.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

/// Labels of the build info metric.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// The metrics of one server: the registry of what requests record, the start time, and
/// who may read `/metrics`. Cheap to clone (shared).
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram, fn() -> Histogram>,
    started_at: SystemTime,
    started: Instant,
    /// SHA-256 of the bearer token that admits any client (`ALLMENDE_METRICS_TOKEN`).
    token_digest: Option<[u8; 32]>,
}

impl Default for Metrics {
    /// Metrics readable from the host only (no token).
    fn default() -> Self {
        Metrics::new(None)
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("token", &self.inner.token_digest.map(|_| "…"))
            .finish_non_exhaustive()
    }
}

impl Metrics {
    /// Fresh metrics; with `token` (blank counts as none), clients that send it as a bearer
    /// token may read `/metrics` from anywhere.
    pub fn new(token: Option<&str>) -> Metrics {
        let requests = Family::<RequestLabels, Counter>::default();
        let durations = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let mut registry = Registry::with_prefix(PREFIX);
        registry.register(
            "http_requests",
            "Beantwortete HTTP-Anfragen nach Methode, Routenmuster und Status / HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Zeit bis zum Beginn der Antwort / time until the response starts, in seconds",
            durations.clone(),
        );
        registry.register(
            "build",
            "Version dieses Servers / version of this server",
            Info::new(BuildLabels {
                version: env!("CARGO_PKG_VERSION"),
            }),
        );
        let token_digest = token
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| Sha256::digest(t.as_bytes()).into());
        Metrics {
            inner: Arc::new(Inner {
                registry,
                requests,
                durations,
                started_at: SystemTime::now(),
                started: Instant::now(),
                token_digest,
            }),
        }
    }

    /// Records one answered request.
    fn observe(&self, method: &'static str, route: String, status: StatusCode, took: Duration) {
        self.inner
            .requests
            .get_or_create(&RequestLabels {
                method,
                route: route.clone(),
                status: status.as_u16(),
            })
            .inc();
        self.inner
            .durations
            .get_or_create(&RouteLabels { method, route })
            .observe(took.as_secs_f64());
    }

    /// Whether a request may read the metrics, and if not, the refusal.
    fn admit(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> Result<(), Refusal> {
        if let Some(sent) = bearer_token(headers) {
            return match self.inner.token_digest {
                Some(digest) if same_digest(&digest, &Sha256::digest(sent.as_bytes()).into()) => {
                    Ok(())
                }
                _ => Err(Refusal::WrongToken),
            };
        }
        if peer.is_some_and(|p| p.ip().to_canonical().is_loopback()) && !is_forwarded(headers) {
            return Ok(());
        }
        Err(if self.inner.token_digest.is_some() {
            Refusal::NeedsToken
        } else {
            Refusal::HostOnly
        })
    }
}

/// Why `/metrics` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// A token was sent, but not the configured one (or none is configured).
    WrongToken,
    /// Not from the host, and no token was sent.
    NeedsToken,
    /// Not from the host, and no token is configured.
    HostOnly,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let (status, text) = match self {
            Refusal::WrongToken | Refusal::NeedsToken => (
                StatusCode::UNAUTHORIZED,
                "Metriken nur mit gültigem Token (Authorization: Bearer …). / Metrics need a valid token (Authorization: Bearer …).\n",
            ),
            Refusal::HostOnly => (
                StatusCode::FORBIDDEN,
                "Metriken nur vom selben Rechner oder mit ALLMENDE_METRICS_TOKEN. / Metrics only from the same host or with ALLMENDE_METRICS_TOKEN.\n",
            ),
        };
        let mut response = (status, text).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"metrics\""),
            );
        }
        response
    }
}

/// The bearer token of an `Authorization` header, if any.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Compares two digests in time independent of where they differ.
fn same_digest(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether a proxy passed the request on: a reverse proxy on the host connects from
/// loopback, but for someone else.
fn is_forwarded(headers: &HeaderMap) -> bool {
    ["forwarded", "x-forwarded-for", "x-real-ip"]
        .iter()
        .any(|name| headers.contains_key(*name))
}

/// The `method` label: the standard methods by name, anything else as `other` (the set of
/// label values stays bounded whatever clients send).
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// The `route` label: the route template the router matched (`/loesungen/{slug}`), never
/// the path itself, so every page of one kind is one series. The static files are the
/// routes `/pkg/{*path}` and `/kern/{*path}` (also when no template was recorded); anything
/// else without a match is [`UNMATCHED`].
pub fn route_label(matched: Option<&MatchedPath>, path: &str) -> String {
    if let Some(matched) = matched {
        return matched.as_str().to_owned();
    }
    ["/pkg/", "/kern/"]
        .into_iter()
        .find(|prefix| path.starts_with(prefix))
        .map_or_else(
            || UNMATCHED.to_owned(),
            |prefix| format!("{prefix}{{*path}}"),
        )
}

/// Middleware: counts and times every request by method, route template and status. The
/// time is until the response starts (a streamed page body may go on after it).
pub async fn record(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = route_label(
        request.extensions().get::<MatchedPath>(),
        request.uri().path(),
    );
    let response = next.run(request).await;
    metrics.observe(method, route, response.status(), started.elapsed());
    response
}

/// `GET /metrics`: every metric, for a client admitted by the access rule (module docs).
pub async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| *peer);
    if let Err(refusal) = state.metrics.admit(peer, request.headers()) {
        return refusal.into_response();
    }
    let now = scraped(&state).await;
    let mut text = String::new();
    let encoded = encode_registry(&mut text, &state.metrics.inner.registry)
        .and_then(|()| encode_registry(&mut text, &now))
        .and_then(|()| encode_eof(&mut text));
    if let Err(err) = encoded {
        tracing::error!(error = %err, "encoding the metrics failed");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [
            (header::CONTENT_TYPE, CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

/// A gauge whose value is read at this scrape.
fn gauge<N>(registry: &mut Registry, name: &str, help: &str, value: N)
where
    N: EncodeGaugeValue + Send + Sync + std::fmt::Debug + 'static,
{
    registry.register(name, help, ConstGauge::new(value));
}

/// A counter kept elsewhere (e.g. by the search index), read at this scrape. `name` without
/// `_total`; the encoder adds it.
fn counter<N>(registry: &mut Registry, name: &str, help: &str, value: N)
where
    N: EncodeCounterValue + Send + Sync + std::fmt::Debug + 'static,
{
    registry.register(name, help, ConstCounter::new(value));
}

/// The metrics read from the state at this scrape: database pool, search index, process.
async fn scraped(state: &AppState) -> Registry {
    let mut now = Registry::with_prefix(PREFIX);
    let r = &mut now;

    // The process
    let metrics = &state.metrics.inner;
    let start = metrics
        .started_at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    gauge(
        r,
        "start_time_seconds",
        "Startzeit (Unix-Zeit) / start time (Unix time)",
        start,
    );
    gauge(
        r,
        "uptime_seconds",
        "Laufzeit / time since the start",
        metrics.started.elapsed().as_secs_f64(),
    );
    if let Some(rss) = resident_memory_bytes() {
        gauge(
            r,
            "process_resident_memory_bytes",
            "Belegter Arbeitsspeicher / resident memory",
            rss,
        );
    }
    if let Some(fds) = open_files() {
        gauge(
            r,
            "process_open_fds",
            "Offene Dateideskriptoren / open file descriptors",
            fds,
        );
    }

    // The database pool (read first: the lag query below borrows a connection)
    let pool = state.accounts.pool();
    let size = pool.size();
    let idle = pool.num_idle() as u64;
    gauge(
        r,
        "db_pool_size",
        "Offene Verbindungen zur Datenbank / open database connections",
        size,
    );
    gauge(r, "db_pool_idle", "Davon unbenutzt / of them idle", idle);
    gauge(
        r,
        "db_pool_in_use",
        "Davon in Gebrauch / of them in use",
        u64::from(size).saturating_sub(idle),
    );
    gauge(
        r,
        "db_pool_max",
        "Höchstzahl der Verbindungen / most connections the pool opens",
        pool.options().get_max_connections(),
    );

    // The streaming replicas (only when configured)
    replicas(r, &state.read_pools);

    // The search index
    let index = state.search.as_ref();
    gauge(
        r,
        "search_index_open",
        "Suchindex geöffnet (1) oder nicht (0) / search index open",
        u32::from(index.is_some()),
    );
    if let Some(index) = index {
        gauge(
            r,
            "search_index_documents",
            "Dokumente im Suchindex / documents in the search index",
            index.num_docs(),
        );
        gauge(
            r,
            "search_index_size_bytes",
            "Größe der Indexdateien / size of the index files",
            index.size_bytes(),
        );
        let status = index.status();
        gauge(
            r,
            "search_index_serving",
            "Suchindex beantwortet Suchen (0: erster Aufbau läuft) / the index answers searches",
            u32::from(status.serving),
        );
        gauge(
            r,
            "search_index_rebuilding",
            "Neuaufbau läuft (1) oder nicht (0) / a rebuild is running",
            u32::from(status.rebuilding.is_some()),
        );
        counter(
            r,
            "search_index_rebuilds",
            "Vollständige Neuaufbauten seit dem Start / complete rebuilds since the start",
            status.rebuilds,
        );
        counter(
            r,
            "search_index_update_failures",
            "Gescheiterte Aktualisierungsrunden / failed rounds of index updates",
            status.update_failures,
        );
        gauge(
            r,
            "search_index_failing_seconds",
            "Seit wann Aktualisierungen scheitern (0: sie gelingen) / how long updates have been failing",
            status
                .failing
                .as_ref()
                .map_or(0.0, |(since, _)| since.as_secs_f64()),
        );
        counter(
            r,
            "search_index_consistency_checks",
            "Vergleiche von Index und Datenbank / comparisons of index and database",
            status.checks,
        );
        counter(
            r,
            "search_index_repaired_entries",
            "Vom Vergleich reparierte Einträge / entries the comparisons repaired",
            status.repaired,
        );
        gauge(
            r,
            "search_index_last_drift",
            "Abweichungen beim letzten Vergleich / entries out of step at the last comparison",
            status.last_drift,
        );
        match tokio::time::timeout(LAG_PROBE, index.lag(pool)).await {
            Ok(Ok(rows)) => gauge(
                r,
                "search_outbox_lag",
                "Noch nicht indizierte Änderungen / changes not yet in the index",
                rows,
            ),
            Ok(Err(err)) => tracing::debug!(error = %err, "metrics: outbox lag unknown"),
            Err(_) => tracing::debug!("metrics: outbox lag query timed out"),
        }
    }
    now
}

/// Labels of the replica metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReplicaLabels {
    /// `host:port/database`.
    replica: String,
}

/// The replicas' metrics: one series per replica of whether it is in use, reachable, how
/// stale it may be, and the reads it answered or passed to the primary.
fn replicas(r: &mut Registry, reads: &ReadPools) {
    if !reads.has_replicas() {
        return;
    }
    gauge(
        r,
        "replica_max_lag_seconds",
        "Größte erlaubte Verzögerung eines Lesereplikats / staleness bound of a replica (ALLMENDE_REPLICA_MAX_LAG)",
        reads.max_lag().duration().as_secs_f64(),
    );
    counter(
        r,
        "replica_primary_reads",
        "Öffentliche Lesezugriffe, die die Primärdatenbank beantwortete (kein frisches Replikat) / public reads the primary answered (no fresh replica)",
        reads.primary_reads(),
    );
    let in_use = Family::<ReplicaLabels, Gauge>::default();
    let reachable = Family::<ReplicaLabels, Gauge>::default();
    let lag = Family::<ReplicaLabels, Gauge<f64, AtomicU64>>::default();
    let lag_bytes = Family::<ReplicaLabels, Gauge>::default();
    let answered = Family::<ReplicaLabels, Counter>::default();
    let fallbacks = Family::<ReplicaLabels, Counter>::default();
    for status in reads.status() {
        let labels = ReplicaLabels {
            replica: status.name.clone(),
        };
        in_use.get_or_create(&labels).set(i64::from(status.in_use));
        reachable
            .get_or_create(&labels)
            .set(i64::from(status.reachable));
        if let Some(d) = status.lag {
            lag.get_or_create(&labels).set(d.as_secs_f64());
        }
        if let Some(bytes) = status.lag_bytes {
            lag_bytes
                .get_or_create(&labels)
                .set(i64::try_from(bytes).unwrap_or(i64::MAX));
        }
        answered.get_or_create(&labels).inc_by(status.reads);
        fallbacks.get_or_create(&labels).inc_by(status.fallbacks);
    }
    r.register(
        "replica_in_use",
        "Lesereplikat beantwortet Lesezugriffe (1) oder nicht (0) / the replica answers reads",
        in_use,
    );
    r.register(
        "replica_reachable",
        "Letzte Prüfung erreichte das Replikat als Standby (1) oder nicht (0) / the last check reached it as a standby",
        reachable,
    );
    r.register(
        "replica_lag_seconds",
        "Höchstens so weit zurück: Zeit seit dem neuesten Stand der Primärdatenbank, den das Replikat nachweislich hat / at most this stale: time since the newest primary position it is known to have replayed",
        lag,
    );
    r.register(
        "replica_lag_bytes",
        "WAL-Bytes hinter der Primärdatenbank bei der letzten Prüfung / WAL bytes behind the primary at the last check",
        lag_bytes,
    );
    r.register(
        "replica_reads",
        "Vom Replikat beantwortete Lesezugriffe / reads the replica answered",
        answered,
    );
    r.register(
        "replica_fallbacks",
        "Lesezugriffe, die auf dem Replikat scheiterten und die Primärdatenbank beantwortete / reads that failed on the replica and the primary answered",
        fallbacks,
    );
}

/// Resident memory of this process (Linux: `VmRSS` of `/proc/self/status`).
fn resident_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Open file descriptors of this process (Linux: entries of `/proc/self/fd`).
fn open_files() -> Option<u64> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(addr: &str) -> Option<SocketAddr> {
        Some(addr.parse().unwrap())
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_host_may_read_the_metrics_but_not_what_a_proxy_on_it_passes_on() {
        let metrics = Metrics::default();
        assert_eq!(metrics.admit(peer("127.0.0.1:5000"), &headers(&[])), Ok(()));
        assert_eq!(metrics.admit(peer("[::1]:5000"), &headers(&[])), Ok(()));
        assert_eq!(
            metrics.admit(peer("[::ffff:127.0.0.1]:5000"), &headers(&[])),
            Ok(())
        );
        assert_eq!(
            metrics.admit(
                peer("127.0.0.1:5000"),
                &headers(&[("x-forwarded-for", "203.0.113.9")])
            ),
            Err(Refusal::HostOnly)
        );
        assert_eq!(
            metrics.admit(
                peer("127.0.0.1:5000"),
                &headers(&[("forwarded", "for=203.0.113.9")])
            ),
            Err(Refusal::HostOnly)
        );
        assert_eq!(
            metrics.admit(peer("203.0.113.9:5000"), &headers(&[])),
            Err(Refusal::HostOnly)
        );
        assert_eq!(metrics.admit(None, &headers(&[])), Err(Refusal::HostOnly));
    }

    #[test]
    fn with_a_token_any_client_that_sends_it_may_read_the_metrics() {
        let metrics = Metrics::new(Some("geheim-und-lang"));
        let remote = peer("203.0.113.9:5000");
        assert_eq!(
            metrics.admit(
                remote,
                &headers(&[("authorization", "Bearer geheim-und-lang")])
            ),
            Ok(())
        );
        assert_eq!(
            metrics.admit(
                remote,
                &headers(&[("authorization", "bearer geheim-und-lang")])
            ),
            Ok(())
        );
        assert_eq!(
            metrics.admit(remote, &headers(&[("authorization", "Bearer falsch")])),
            Err(Refusal::WrongToken)
        );
        assert_eq!(
            metrics.admit(remote, &headers(&[])),
            Err(Refusal::NeedsToken)
        );
        assert_eq!(
            metrics.admit(
                peer("127.0.0.1:5000"),
                &headers(&[("authorization", "Bearer falsch")])
            ),
            Err(Refusal::WrongToken),
            "a wrong token is refused even from the host"
        );
        assert_eq!(
            Metrics::new(Some("  ")).admit(remote, &headers(&[("authorization", "Bearer  ")])),
            Err(Refusal::HostOnly),
            "a blank token is no token"
        );
    }

    #[test]
    fn labels_stay_bounded() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
        assert_eq!(route_label(None, "/gibt/es/nicht"), UNMATCHED);
        assert_eq!(route_label(None, "/pkg/allmende.js"), "/pkg/{*path}");
        assert_eq!(route_label(None, "/kern/fonts/a.woff2"), "/kern/{*path}");
        assert_eq!(route_label(None, "/pkgx"), UNMATCHED);
    }

    #[test]
    fn the_registry_encodes_counters_histograms_and_the_build() {
        let metrics = Metrics::default();
        metrics.observe(
            "GET",
            "/x/{id}".into(),
            StatusCode::OK,
            Duration::from_millis(7),
        );
        let mut text = String::new();
        encode_registry(&mut text, &metrics.inner.registry).unwrap();
        assert!(
            text.contains(
                r#"allmende_http_requests_total{method="GET",route="/x/{id}",status="200"} 1"#
            ),
            "{text}"
        );
        assert!(
            text.contains(r#"allmende_http_request_duration_seconds_bucket{le="0.01",method="GET",route="/x/{id}"} 1"#),
            "{text}"
        );
        assert!(text.contains(r#"allmende_build_info{version=""#), "{text}");
    }
}
